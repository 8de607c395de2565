//! Writing parcels as a 国土TXT file for land approval submissions: the park's CGCS2000 3°
//! Gauss-Krüger zone (zone number in front of the easting), the header filled in, 地块面积 in
//! 公顷 (the plane area), every ring closed by repeating its first point, GBK with CRLF line
//! ends as the ministry's tools expect. Reading the file back gives the same rings (to the
//! millimetre the format keeps).

use crate::crs::Crs;
use crate::formats::{WriteError, replace_atomically};
use crate::model::{Parcel, Park};
use std::fmt::Write as _;
use std::path::Path;

/// What a 国土TXT export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxtSummary {
    pub parcels: usize,
    /// Point lines, closing points included.
    pub points: usize,
    /// The zone, e.g. `EPSG:4524`.
    pub crs: String,
    pub bytes: u64,
}

/// Writes the parcels numbered `parcel_nos` (every parcel when empty) in the park's zone. A
/// number the park does not have refuses the export, naming it; an existing file is replaced
/// only once the new one is complete.
pub fn write_guotu_txt(
    park: &Park,
    parcel_nos: &[String],
    path: &Path,
) -> Result<TxtSummary, WriteError> {
    let shown = path.display().to_string();
    let refused = |reason: String| WriteError::Projection {
        path: shown.clone(),
        reason,
    };
    let parcels: Vec<&Parcel> = if parcel_nos.is_empty() {
        park.parcels.iter().collect()
    } else {
        parcel_nos
            .iter()
            .map(|no| {
                park.parcels
                    .iter()
                    .find(|p| &p.parcel_no == no)
                    .ok_or_else(|| refused(format!("the park has no parcel {no}")))
            })
            .collect::<Result<_, _>>()?
    };
    let zone = park.gauss_kruger_zone().map_err(&refused)?;
    let (text, points) = guotu_txt_text(&parcels, &zone).map_err(&refused)?;
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    debug_assert!(!unmappable, "GB18030 encodes all of Unicode");
    let written = replace_atomically(path, |temp| {
        std::fs::write(temp, &bytes).map_err(|source| WriteError::Io {
            path: shown.clone(),
            source,
        })
    })?;
    Ok(TxtSummary {
        parcels: parcels.len(),
        points,
        crs: zone.label(),
        bytes: written,
    })
}

/// A field with the separators a reader splits on taken out.
fn field(text: &str) -> String {
    text.replace([',', '@', '\r', '\n'], " ")
}

/// The 国土TXT text of `parcels` in the Gauss-Krüger `zone` (3° or 6°, with the zone number in
/// the easting or not, as the zone's CRS has it), CRLF line ends, with the number of point
/// lines; why not when a parcel cannot be projected.
pub fn guotu_txt_text(parcels: &[&Parcel], zone: &Crs) -> Result<(String, usize), String> {
    let Crs::GaussKruger {
        epsg,
        central_meridian_deg,
        false_easting_m,
    } = *zone
    else {
        return Err(format!("{} is not a Gauss-Krüger zone", zone.label()));
    };
    let six_degree = (4491..=4512).contains(&epsg);
    let zone_number = if false_easting_m > 1e6 {
        ((false_easting_m - 500_000.0) / 1e6).round()
    } else if six_degree {
        ((central_meridian_deg + 3.0) / 6.0).round()
    } else {
        (central_meridian_deg / 3.0).round()
    };
    let transform = zone.from_lon_lat()?;
    let mut text = String::new();
    let _ = write!(
        text,
        "[属性描述]\r\n格式版本号=1.0\r\n数据产生单位=园区土地管理 Parkland\r\n数据产生日期={}\r\n\
         坐标系=2000国家大地坐标系\r\n几度分带={}\r\n投影类型=高斯克吕格\r\n计量单位=米\r\n\
         带号={zone_number}\r\n精度=0.001\r\n转换参数=,,,,,,\r\n[地块坐标]\r\n",
        crate::time::today(),
        if six_degree { 6 } else { 3 }
    );
    let mut points = 0;
    for parcel in parcels {
        // Each polygon's rings in zone metres, the closing point left off (written again at
        // the end of the ring).
        let mut polygons: Vec<Vec<Vec<[f64; 2]>>> = Vec::new();
        for polygon in &parcel.geometry.0 {
            let mut rings = Vec::new();
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                let mut projected = ring
                    .0
                    .iter()
                    .map(|c| transform.apply(c.x, c.y).map(|(x, y)| [x, y]))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("parcel {}: {e}", parcel.parcel_no))?;
                if projected.len() > 1 && projected.first() == projected.last() {
                    projected.pop();
                }
                rings.push(projected);
            }
            polygons.push(rings);
        }
        let plane_m2 = crate::geometry::plane_polygons_area(&polygons);
        let rings: Vec<&Vec<[f64; 2]>> = polygons.iter().flatten().collect();
        let count: usize = rings.iter().map(|r| r.len() + 1).sum();
        let _ = write!(
            text,
            "{count},{:.4},{},{},面,,{},,@\r\n",
            plane_m2 / 10_000.0,
            field(&parcel.parcel_no),
            field(parcel.holder.as_deref().unwrap_or_default()),
            field(parcel.land_use.as_deref().unwrap_or_default()),
        );
        let mut number = 0;
        for (ring_index, ring) in rings.iter().enumerate() {
            let first_number = number + 1;
            for &[easting, northing] in *ring {
                number += 1;
                let _ = write!(
                    text,
                    "J{number},{},{northing:.3},{easting:.3}\r\n",
                    ring_index + 1
                );
            }
            if let Some(&[easting, northing]) = ring.first() {
                let _ = write!(
                    text,
                    "J{first_number},{},{northing:.3},{easting:.3}\r\n",
                    ring_index + 1
                );
            }
        }
        points += count;
    }
    Ok((text, points))
}
