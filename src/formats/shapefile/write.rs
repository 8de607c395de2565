//! Writing the park's parcels as a Shapefile set in the park's CGCS2000 3° Gauss-Krüger zone:
//! `.shp` + `.shx` (Polygon, every part and hole of a parcel in one record, rings wound as the
//! format requires), `.dbf` with the attribute columns the other writers write
//! ([`crate::formats::columns`]) under names that fit its 10 bytes, `.cpg` (UTF-8) and `.prj`
//! (ESRI WKT of the zone). Each file replaces its target whole or not at all.

use crate::formats::columns::{Cell, ColumnType, cases_by_parcel, parcel_row, parcel_schema};
use crate::formats::{WriteError, replace_atomically};
use crate::ledger::StoredEntry;
use crate::model::Park;
use shapefile::dbase::{self, FieldName, FieldValue};
use shapefile::{Point, Polygon, PolygonRing, ShapeWriter};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The `.dbf` name of each attribute column longer than a Shapefile's 10 bytes (the shorter
/// ones keep their names). `supplied_o` is also what GDAL cuts `supplied_on` to, and what the
/// reader takes back.
pub const SHORT_NAMES: &[(&str, &str)] = &[
    ("supplied_on", "supplied_o"),
    ("plane_area_m2", "plane_m2"),
    ("plane_area_mu", "plane_mu"),
    ("survey_status", "survey_st"),
    ("idle_land_m2", "idle_m2"),
    ("idle_land_mu", "idle_mu"),
    ("idle_building_m2", "idle_bldm2"),
    ("identified_on", "identified"),
    ("agreed_start_on", "agreed_on"),
    ("completed_on", "completed"),
    ("method_other", "method_oth"),
    ("revitalized_land_m2", "revit_m2"),
    ("revitalized_land_mu", "revit_mu"),
    ("revitalized_building_m2", "revit_bld"),
    ("new_project", "new_proj"),
    ("investment_10k_yuan", "invest_10k"),
    ("responsible_unit", "resp_unit"),
];

/// The longest text a `.dbf` character field holds, in bytes.
const MAX_TEXT_BYTES: usize = 254;

/// The `.dbf` name of an attribute column.
#[must_use]
pub fn dbf_name(column: &str) -> &str {
    SHORT_NAMES
        .iter()
        .find(|(long, _)| *long == column)
        .map_or(column, |(_, short)| short)
}

/// What a Shapefile export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapefileSummary {
    pub parcels: usize,
    pub parcels_with_case: usize,
    /// The zone, e.g. `EPSG:4524`.
    pub crs: String,
    /// Texts longer than a `.dbf` field holds, cut at a character boundary.
    pub cut_texts: usize,
    /// The files written, `.shp` first.
    pub files: Vec<PathBuf>,
}

/// Writes the park's parcels, each with its current case, as a Shapefile set named by `path`
/// (its `.shp`).
pub fn write_shapefile(
    park: &Park,
    cases: &[StoredEntry],
    path: &Path,
) -> Result<ShapefileSummary, WriteError> {
    let shown = path.display().to_string();
    let refused = |reason: String| WriteError::Projection {
        path: shown.clone(),
        reason,
    };
    let zone = park.gauss_kruger_zone().map_err(&refused)?;
    let prj = zone
        .esri_wkt()
        .ok_or_else(|| refused(format!("{} has no ESRI WKT", zone.label())))?;
    let transform = zone.from_lon_lat().map_err(&refused)?;
    let by_parcel = cases_by_parcel(cases);

    // The rows first, so that each text field is as wide as its longest value.
    let schema = parcel_schema();
    let mut rows: Vec<Vec<Cell<'_>>> = Vec::with_capacity(park.parcels.len());
    let mut parcels_with_case = 0;
    for parcel in &park.parcels {
        let case = by_parcel.get(parcel.parcel_no.as_str()).copied();
        parcels_with_case += usize::from(case.is_some());
        let mut row = Vec::with_capacity(schema.len());
        parcel_row(parcel, case, |_, _, cell| row.push(cell));
        rows.push(row);
    }
    let mut cut_texts = 0;
    let mut builder = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::UTF_8,
    ));
    for (i, (name, kind)) in schema.iter().enumerate() {
        let field = FieldName::try_from(dbf_name(name))
            .map_err(|e| refused(format!("column {name}: {e}")))?;
        builder = match kind {
            ColumnType::Text | ColumnType::DateTime => {
                let widest = rows
                    .iter()
                    .map(|row| match &row[i] {
                        Cell::Text(text) => text.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                builder.add_character_field(field, widest.clamp(1, MAX_TEXT_BYTES) as u8)
            }
            ColumnType::Real => builder.add_numeric_field(field, 24, 6),
            ColumnType::Integer => builder.add_numeric_field(field, 18, 0),
            ColumnType::Boolean => builder.add_logical_field(field),
            ColumnType::Date => builder.add_date_field(field),
        };
    }

    let mut shp = Cursor::new(Vec::new());
    let mut shx = Cursor::new(Vec::new());
    let mut dbf = Cursor::new(Vec::new());
    {
        let sql_error = |e: shapefile::Error| refused(e.to_string());
        let mut shapes = ShapeWriter::with_shx(&mut shp, &mut shx);
        let mut table = builder.build_with_dest(&mut dbf);
        for (parcel, row) in park.parcels.iter().zip(&rows) {
            let mut rings = Vec::new();
            for polygon in &parcel.geometry.0 {
                for (k, ring) in std::iter::once(polygon.exterior())
                    .chain(polygon.interiors())
                    .enumerate()
                {
                    let points = ring
                        .0
                        .iter()
                        .map(|c| transform.apply(c.x, c.y).map(|(x, y)| Point::new(x, y)))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| refused(format!("parcel {}: {e}", parcel.parcel_no)))?;
                    rings.push(if k == 0 {
                        PolygonRing::Outer(points)
                    } else {
                        PolygonRing::Inner(points)
                    });
                }
            }
            if rings.is_empty() {
                return Err(refused(format!("parcel {} has no rings", parcel.parcel_no)));
            }
            shapes
                .write_shape(&Polygon::with_rings(rings))
                .map_err(sql_error)?;
            let mut record = dbase::Record::default();
            for ((name, kind), cell) in schema.iter().zip(row) {
                let value = dbf_value(*kind, cell, &mut cut_texts);
                record.insert(dbf_name(name).to_owned(), value);
            }
            table
                .write_record(&record)
                .map_err(|e| refused(format!("parcel {}: {e}", parcel.parcel_no)))?;
        }
        shapes.finalize().map_err(sql_error)?;
        table.finalize().map_err(|e| refused(e.to_string()))?;
    }

    let shp_path = path.with_extension("shp");
    let mut files = Vec::new();
    for (extension, bytes) in [
        ("shp", shp.into_inner()),
        ("shx", shx.into_inner()),
        ("dbf", dbf.into_inner()),
        ("cpg", b"UTF-8".to_vec()),
        ("prj", prj.into_bytes()),
    ] {
        let target = shp_path.with_extension(extension);
        replace_atomically(&target, |temp| {
            std::fs::write(temp, &bytes).map_err(|source| WriteError::Io {
                path: target.display().to_string(),
                source,
            })
        })?;
        files.push(target);
    }
    Ok(ShapefileSummary {
        parcels: park.parcels.len(),
        parcels_with_case,
        crs: zone.label(),
        cut_texts,
        files,
    })
}

/// A cell as the `.dbf` field of its column holds it.
fn dbf_value(kind: ColumnType, cell: &Cell<'_>, cut_texts: &mut usize) -> FieldValue {
    match (kind, cell) {
        (ColumnType::Text | ColumnType::DateTime, Cell::Text(text)) => {
            let mut end = text.len().min(MAX_TEXT_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if end < text.len() {
                *cut_texts += 1;
            }
            FieldValue::Character(Some(text[..end].to_owned()))
        }
        (ColumnType::Text | ColumnType::DateTime, _) => FieldValue::Character(None),
        (ColumnType::Real, Cell::Real(v)) => FieldValue::Numeric(v.is_finite().then_some(*v)),
        (ColumnType::Real | ColumnType::Integer, Cell::Integer(v)) => {
            FieldValue::Numeric(Some(*v as f64))
        }
        (ColumnType::Real | ColumnType::Integer, _) => FieldValue::Numeric(None),
        (ColumnType::Boolean, Cell::Bool(v)) => FieldValue::Logical(Some(*v)),
        (ColumnType::Boolean, _) => FieldValue::Logical(None),
        (ColumnType::Date, Cell::Text(text)) => {
            FieldValue::Date(text.parse::<jiff::civil::Date>().ok().and_then(|d| {
                dbase::Date::new(
                    u32::try_from(d.day()).ok()?,
                    u32::try_from(d.month()).ok()?,
                    u32::try_from(d.year()).ok()?,
                )
                .ok()
            }))
        }
        (ColumnType::Date, _) => FieldValue::Date(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dbf_name_fits_ten_bytes_and_is_unique() {
        let names: Vec<&str> = parcel_schema().iter().map(|(n, _)| dbf_name(n)).collect();
        assert!(names.iter().all(|n| n.len() <= 10), "{names:?}");
        let unique: std::collections::HashSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }

    #[test]
    fn the_esri_wkt_of_every_zone_reads_back_as_the_zone() {
        for code in 4491..=4554 {
            let crs = crate::crs::Crs::from_epsg(code).expect("a zone");
            let wkt = crs.esri_wkt().expect("a Gauss-Krüger zone");
            let read = crate::crs::from_wkt(&wkt).map(|c| c.label());
            // A 6° zone by central meridian shares its CM with a 3° one: the name says 6°.
            assert_eq!(read, Ok(format!("EPSG:{code}")), "{wkt}");
        }
    }
}
