//! Writing the parcels, with their current ledger case, as a `GeoJSON` `FeatureCollection`.
//!
//! - [`GeoJsonCrs::LonLat`]: RFC 7946, lon/lat degrees (WGS 84 / CGCS2000) and no `crs`
//!   member.
//! - [`GeoJsonCrs::GaussKruger`]: the park's CGCS2000 3° Gauss-Krüger zone (the zone whose
//!   central meridian is nearest to the park's centre, EPSG:4513–4533, zone number in the
//!   easting), in metres, named by a legacy `crs` member as survey tools expect.
//!
//! Each feature has the parcel number as its `id`, the attributes of
//! [`crate::formats::columns::parcel_row`] as `properties` (the same keys on every feature, null where
//! there is no value), and a Polygon or `MultiPolygon` whose rings follow the right-hand rule.
//! Positions are written with full precision, so reading the file back gives the same areas.

use crate::crs::{Crs, FromLonLat};
use crate::formats::columns::{cases_by_parcel, parcel_row};
use crate::formats::gpkg::binary::needs_reversal;
use crate::formats::{WriteError, replace_atomically};
use crate::ledger::StoredEntry;
use crate::model::Park;
use geo::{LineString, MultiPolygon};
use serde_json::Value;
use std::io::Write as _;
use std::path::Path;

/// The coordinates of a `GeoJSON` export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoJsonCrs {
    /// RFC 7946 lon/lat, no `crs` member.
    LonLat,
    /// The park's CGCS2000 3° Gauss-Krüger zone, with a `crs` member.
    GaussKruger,
}

/// What a `GeoJSON` export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoJsonSummary {
    pub parcels: usize,
    pub parcels_with_case: usize,
    /// `OGC:CRS84` or the zone's `EPSG:45xx`.
    pub crs: String,
    pub bytes: u64,
}

/// Writes the park's parcels with their current case as `GeoJSON`. An existing file at `path`
/// is replaced only once the new one is complete.
pub fn write_geojson(
    park: &Park,
    cases: &[StoredEntry],
    path: &Path,
    crs: GeoJsonCrs,
) -> Result<GeoJsonSummary, WriteError> {
    let shown = path.display().to_string();
    let projection_error = |reason: String| WriteError::Projection {
        path: shown.clone(),
        reason,
    };
    let (target, transform) = match crs {
        GeoJsonCrs::LonLat => (Crs::default_lon_lat(), None),
        GeoJsonCrs::GaussKruger => {
            let zone = park.gauss_kruger_zone().map_err(|reason| {
                projection_error(format!("{reason}; export lon/lat instead (without --gk)"))
            })?;
            let transform = zone.from_lon_lat().map_err(&projection_error)?;
            (zone, Some(transform))
        }
    };
    let by_parcel = cases_by_parcel(cases);
    let mut parcels_with_case = 0;
    let bytes = replace_atomically(path, |temp| {
        let io_error = |source: std::io::Error| WriteError::Io {
            path: shown.clone(),
            source,
        };
        let file = std::fs::File::create(temp).map_err(io_error)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        out.write_all(b"{\"type\":\"FeatureCollection\",")
            .map_err(io_error)?;
        if let Crs::GaussKruger { epsg, .. } = &target {
            write!(
                out,
                "\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::{epsg}\"}}}},"
            )
            .map_err(io_error)?;
        }
        out.write_all(b"\"features\":[\n").map_err(io_error)?;
        for (i, parcel) in park.parcels.iter().enumerate() {
            let case = by_parcel.get(parcel.parcel_no.as_str()).copied();
            parcels_with_case += usize::from(case.is_some());
            let geometry =
                geometry_json(&parcel.geometry, transform.as_ref()).map_err(|reason| {
                    projection_error(format!("parcel {}: {reason}", parcel.parcel_no))
                })?;
            // Written by hand to keep the members and the columns in their order.
            let mut text = String::with_capacity(1024);
            text.push_str(if i == 0 { "" } else { ",\n" });
            text.push_str("{\"type\":\"Feature\",\"id\":");
            text.push_str(&Value::from(parcel.parcel_no.as_str()).to_string());
            text.push_str(",\"properties\":{");
            let mut first = true;
            parcel_row(parcel, case, |name, _, cell| {
                if !first {
                    text.push(',');
                }
                first = false;
                text.push_str(&Value::from(name).to_string());
                text.push(':');
                text.push_str(&cell.to_json().to_string());
            });
            text.push_str("},\"geometry\":");
            text.push_str(&geometry);
            text.push('}');
            out.write_all(text.as_bytes()).map_err(io_error)?;
        }
        out.write_all(b"\n]}\n").map_err(io_error)?;
        out.flush().map_err(io_error)?;
        Ok(())
    })?;
    Ok(GeoJsonSummary {
        parcels: park.parcels.len(),
        parcels_with_case,
        crs: target.label(),
        bytes,
    })
}

/// A Polygon (one part) or `MultiPolygon`, exteriors counter-clockwise and holes clockwise.
fn geometry_json(
    geometry: &MultiPolygon<f64>,
    transform: Option<&FromLonLat>,
) -> Result<String, String> {
    let ring_json = |ring: &LineString<f64>, exterior: bool| -> Result<Value, String> {
        // Orientation is decided in lon/lat; Gauss-Krüger is conformal and keeps it.
        let reverse = needs_reversal(ring, exterior);
        let mut positions = Vec::with_capacity(ring.0.len());
        let mut push = |c: &geo::Coord<f64>| -> Result<(), String> {
            let (x, y) = match transform {
                Some(t) => t.apply(c.x, c.y)?,
                None => (c.x, c.y),
            };
            positions.push(Value::Array(vec![number(x)?, number(y)?]));
            Ok(())
        };
        if reverse {
            ring.0.iter().rev().try_for_each(&mut push)?;
        } else {
            ring.0.iter().try_for_each(&mut push)?;
        }
        Ok(Value::Array(positions))
    };
    let polygon_json = |polygon: &geo::Polygon<f64>| -> Result<Value, String> {
        let mut rings = vec![ring_json(polygon.exterior(), true)?];
        for hole in polygon.interiors() {
            rings.push(ring_json(hole, false)?);
        }
        Ok(Value::Array(rings))
    };
    let (kind, coordinates) = if let [polygon] = geometry.0.as_slice() {
        ("Polygon", polygon_json(polygon)?)
    } else {
        let parts = geometry
            .0
            .iter()
            .map(polygon_json)
            .collect::<Result<Vec<_>, _>>()?;
        ("MultiPolygon", Value::Array(parts))
    };
    Ok(format!(
        "{{\"type\":\"{kind}\",\"coordinates\":{coordinates}}}"
    ))
}

fn number(v: f64) -> Result<Value, String> {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| format!("the position has no finite coordinate ({v})"))
}
