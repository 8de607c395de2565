//! Reading a polygon layer of a GeoPackage (what surveyors and QGIS users send) into the
//! same [`Import`] that `GeoJSON` gives, so that districts and parcels load the same way.
//!
//! The rules follow the `GeoJSON` reader's: a feature with a null or empty geometry is
//! skipped with a warning; a feature whose blob cannot be decoded, or that is not a Polygon or
//! `MultiPolygon`, is skipped with an error naming it (index and fid) and the problem; open
//! rings are closed (warning); invalid polygons load, flagged. Coordinates in a CGCS2000
//! Gauss-Krüger zone or EPSG:3857 (by the layer's `srs_id`) are reprojected to lon/lat. A file
//! that is not a GeoPackage, is damaged, or has no polygon layer is rejected with the reason.

use super::binary::{Decoded, RawPolygon, decode_gp};
use crate::crs::{Crs, UnsupportedCrs};
use crate::formats::feature::{RawFeature, finish_features, whole_file_import};
use crate::formats::{FeatureRef, Import, ImportReport, ImportedFeature, RejectReason, Rejected};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{Map, Value};
use std::path::Path;

/// Which layer of a GeoPackage to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerChoice<'a> {
    /// The first polygon feature table (in `gpkg_contents` order).
    First,
    /// This table; the file is rejected if it has no such polygon layer.
    Named(&'a str),
    /// This table if the file has it, else the first polygon feature table (used for
    /// `--parcels park.gpkg` on a file holding both districts and parcels).
    Prefer(&'a str),
}

/// `application_id` values of GeoPackage 1.0 (`GP10`), 1.1 (`GP11`) and 1.2+ (`GPKG`).
const APPLICATION_IDS: [i64; 3] = [0x4750_3130, 0x4750_3131, 0x4750_4B47];

/// Geometry types a polygon layer may declare (the generic ones are checked per feature).
const POLYGON_TYPES: [&str; 6] = [
    "POLYGON",
    "MULTIPOLYGON",
    "GEOMETRY",
    "SURFACE",
    "MULTISURFACE",
    "CURVEPOLYGON",
];

/// Reads a polygon layer of a GeoPackage file. Never panics, whatever the file holds.
pub fn read_gpkg(path: &Path, layer: LayerChoice<'_>) -> Result<Import, Box<Rejected>> {
    let mut report = ImportReport::new(&path.display().to_string());
    let read = read_into(path, layer, &mut report);
    whole_file_import(read, report)
}

struct Layer {
    table: String,
    geometry_column: String,
    geometry_type: String,
    srs_id: i64,
}

fn damaged(error: &rusqlite::Error) -> RejectReason {
    RejectReason::NotGeoPackage(format!(
        "the file is damaged or cut short ({error}); ask for it again or check the copy"
    ))
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn read_into(
    path: &Path,
    choice: LayerChoice<'_>,
    report: &mut ImportReport,
) -> Result<Vec<ImportedFeature>, RejectReason> {
    let head = read_head(path)?;
    if head.is_empty() {
        return Err(RejectReason::Empty);
    }
    if !head.starts_with(b"SQLite format 3\0") {
        return Err(RejectReason::NotGeoPackage(
            "it is not an SQLite database (a GeoPackage starts with \"SQLite format 3\")"
                .to_owned(),
        ));
    }
    if head.len() < 100 {
        return Err(RejectReason::NotGeoPackage(format!(
            "the file is cut short ({} bytes, less than an SQLite header)",
            head.len()
        )));
    }
    if let Some(expected) = announced_size(&head) {
        let actual = std::fs::metadata(path).map_or(expected, |m| m.len());
        if actual < expected {
            return Err(RejectReason::NotGeoPackage(format!(
                "the file is cut short: it has {actual} bytes of the {expected} its header \
                 announces; ask for it again or check the copy"
            )));
        }
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| RejectReason::Io(e.to_string()))?;

    let application_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| damaged(&e))?;
    let has_contents: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_contents'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| damaged(&e))?;
    if !has_contents {
        return Err(RejectReason::NotGeoPackage(
            "an SQLite database without the GeoPackage table gpkg_contents; export it from QGIS \
             or with ogr2ogr -f GPKG"
                .to_owned(),
        ));
    }
    if !APPLICATION_IDS.contains(&application_id) {
        report.warn(
            None,
            format!(
                "application_id is 0x{application_id:08X}, not 'GPKG'; read as a GeoPackage anyway"
            ),
        );
    }

    let layers = feature_layers(&conn).map_err(|e| damaged(&e))?;
    let layer = choose_layer(&layers, choice, report)?;
    let crs = layer_crs(&conn, layer, report)?;
    report.crs = crs.label();

    let columns = property_columns(&conn, layer).map_err(|e| damaged(&e))?;
    let features = read_features(&conn, layer, &columns, report)?;
    let out = finish_features(features, &crs, layer.srs_id != 0, report)?;
    if out.is_empty() {
        return Err(RejectReason::NoPolygons(if report.features_read == 0 {
            format!("the layer {} holds no features", layer.table)
        } else {
            format!(
                "none of the {} feature(s) of layer {} is a usable Polygon or MultiPolygon",
                report.features_read, layer.table
            )
        }));
    }
    Ok(out)
}

/// The first bytes of the file (up to the 100-byte SQLite header).
fn read_head(path: &Path) -> Result<Vec<u8>, RejectReason> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| RejectReason::Io(e.to_string()))?;
    let mut head = Vec::with_capacity(100);
    file.take(100)
        .read_to_end(&mut head)
        .map_err(|e| RejectReason::Io(e.to_string()))?;
    Ok(head)
}

/// The database size the SQLite header announces (page size × page count), when the header
/// says that figure is current (its change counter equals its version-valid-for number).
fn announced_size(head: &[u8]) -> Option<u64> {
    let be16 = |at: usize| Some(u16::from_be_bytes(head.get(at..at + 2)?.try_into().ok()?));
    let be32 = |at: usize| Some(u32::from_be_bytes(head.get(at..at + 4)?.try_into().ok()?));
    let page_size = match be16(16)? {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(be32(28)?);
    (pages > 0 && be32(24)? == be32(92)?).then_some(page_size * pages)
}

fn feature_layers(conn: &Connection) -> rusqlite::Result<Vec<Layer>> {
    let mut statement = conn.prepare(
        "SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id
         FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         WHERE c.data_type = 'features' ORDER BY c.rowid",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(Layer {
            table: r.get(0)?,
            geometry_column: r.get(1)?,
            geometry_type: r.get::<_, String>(2)?.to_ascii_uppercase(),
            srs_id: r.get(3)?,
        })
    })?;
    rows.collect()
}

fn choose_layer<'l>(
    layers: &'l [Layer],
    choice: LayerChoice<'_>,
    report: &mut ImportReport,
) -> Result<&'l Layer, RejectReason> {
    let polygonal = |l: &&Layer| POLYGON_TYPES.contains(&l.geometry_type.as_str());
    let listing = || {
        if layers.is_empty() {
            "it has no feature layer".to_owned()
        } else {
            let names: Vec<String> = layers
                .iter()
                .map(|l| format!("{} ({})", l.table, l.geometry_type))
                .collect();
            format!("its layers: {}", names.join(", "))
        }
    };
    let named = |name: &str| layers.iter().find(|l| l.table.eq_ignore_ascii_case(name));
    let first = || layers.iter().find(polygonal);
    let chosen = match choice {
        LayerChoice::Named(name) => {
            let Some(layer) = named(name) else {
                return Err(RejectReason::NotGeoPackage(format!(
                    "no layer named {name}; {}",
                    listing()
                )));
            };
            if !polygonal(&layer) {
                return Err(RejectReason::NoPolygons(format!(
                    "layer {} holds {} geometries, not polygons",
                    layer.table, layer.geometry_type
                )));
            }
            return Ok(layer);
        }
        LayerChoice::Prefer(name) => named(name).filter(polygonal).or_else(first),
        LayerChoice::First => first(),
    };
    let Some(layer) = chosen else {
        return Err(RejectReason::NoPolygons(format!(
            "the GeoPackage has no polygon layer; {}",
            listing()
        )));
    };
    let others: Vec<&str> = layers
        .iter()
        .filter(polygonal)
        .filter(|l| l.table != layer.table)
        .map(|l| l.table.as_str())
        .collect();
    if !others.is_empty() {
        report.warn(
            None,
            format!(
                "read layer {}; the file also has polygon layer(s) {}",
                layer.table,
                others.join(", ")
            ),
        );
    }
    Ok(layer)
}

fn layer_crs(
    conn: &Connection,
    layer: &Layer,
    report: &mut ImportReport,
) -> Result<Crs, RejectReason> {
    let row: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT organization, organization_coordsys_id, srs_name
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [layer.srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| damaged(&e))?;
    let Some((organization, code, name)) = row else {
        return Err(RejectReason::NotGeoPackage(format!(
            "layer {} names srs_id {}, which gpkg_spatial_ref_sys does not define",
            layer.table, layer.srs_id
        )));
    };
    if layer.srs_id == 0 {
        report.warn(
            None,
            format!(
                "layer {} has the undefined geographic SRS (srs_id 0); read as lon/lat degrees",
                layer.table
            ),
        );
        return Ok(Crs::LonLat {
            name: "OGC:CRS84".to_owned(),
        });
    }
    if layer.srs_id == -1 {
        return Err(RejectReason::Crs(UnsupportedCrs(format!(
            "undefined Cartesian SRS (srs_id -1) of layer {}",
            layer.table
        ))));
    }
    let code = u32::try_from(code).ok();
    match code {
        Some(code) if organization.eq_ignore_ascii_case("EPSG") => Crs::from_epsg(code)
            .ok_or_else(|| RejectReason::Crs(UnsupportedCrs(format!("EPSG:{code} ({name})")))),
        _ => Err(RejectReason::Crs(UnsupportedCrs(format!(
            "{organization}:{} ({name})",
            code.map_or_else(|| "?".to_owned(), |c| c.to_string())
        )))),
    }
}

/// Attribute columns: every column but the primary key and the geometry, with its declared
/// type; and the primary key's name.
struct Columns {
    fid: Option<String>,
    properties: Vec<(String, String)>,
}

fn property_columns(conn: &Connection, layer: &Layer) -> rusqlite::Result<Columns> {
    let mut statement = conn.prepare(&format!("PRAGMA table_info({})", quote(&layer.table)))?;
    let mut fid = None;
    let mut properties = Vec::new();
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (name, declared, pk) = row?;
        if pk == 1 && declared.eq_ignore_ascii_case("INTEGER") {
            fid = Some(name);
        } else if !name.eq_ignore_ascii_case(&layer.geometry_column) {
            properties.push((name, declared.to_ascii_uppercase()));
        }
    }
    Ok(Columns { fid, properties })
}

fn read_features(
    conn: &Connection,
    layer: &Layer,
    columns: &Columns,
    report: &mut ImportReport,
) -> Result<Vec<RawFeature>, RejectReason> {
    let fid = columns
        .fid
        .as_deref()
        .map_or_else(|| "rowid".to_owned(), quote);
    let mut select = vec![fid, quote(&layer.geometry_column)];
    select.extend(columns.properties.iter().map(|(name, _)| quote(name)));
    let sql = format!("SELECT {} FROM {}", select.join(", "), quote(&layer.table));
    let mut statement = conn.prepare(&sql).map_err(|e| damaged(&e))?;
    let mut rows = statement.query([]).map_err(|e| damaged(&e))?;
    let mut out = Vec::new();
    let mut index = 0;
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                return Err(RejectReason::NotGeoPackage(format!(
                    "the file is damaged or cut short at feature {index} of layer {} ({e}); \
                     ask for it again or check the copy",
                    layer.table
                )));
            }
        };
        report.features_read += 1;
        let id = match row.get_ref(0) {
            Ok(ValueRef::Integer(fid)) => Some(fid.to_string()),
            _ => None,
        };
        let feature_ref = FeatureRef { index, id };
        index += 1;
        let mut properties = Map::new();
        for (i, (name, declared)) in columns.properties.iter().enumerate() {
            let value = match row.get_ref(i + 2) {
                Ok(ValueRef::Null | ValueRef::Blob(_)) | Err(_) => Value::Null,
                Ok(ValueRef::Integer(v)) if declared == "BOOLEAN" => Value::Bool(v != 0),
                Ok(ValueRef::Integer(v)) => Value::from(v),
                Ok(ValueRef::Real(v)) => {
                    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
                }
                Ok(ValueRef::Text(t)) => Value::String(String::from_utf8_lossy(t).into_owned()),
            };
            properties.insert(name.clone(), value);
        }
        let polygons = match row.get_ref(1) {
            Ok(ValueRef::Null) => {
                report.warn(Some(feature_ref), "has no geometry (null); skipped");
                continue;
            }
            Ok(ValueRef::Blob(blob)) => match decode_gp(blob) {
                Ok(decoded) => match decoded.geometry {
                    Decoded::Polygons(polygons) => polygons,
                    Decoded::Other(kind) => {
                        report.error(
                            Some(feature_ref),
                            format!("is a {kind}, not a Polygon or MultiPolygon; feature skipped"),
                        );
                        continue;
                    }
                },
                Err(e) => {
                    report.error(Some(feature_ref), format!("{e}; feature skipped"));
                    continue;
                }
            },
            Ok(other) => {
                report.error(
                    Some(feature_ref),
                    format!(
                        "the geometry column holds {}, not a GeoPackage geometry blob; feature skipped",
                        match other {
                            ValueRef::Integer(_) => "an integer",
                            ValueRef::Real(_) => "a number",
                            _ => "text",
                        }
                    ),
                );
                continue;
            }
            Err(e) => {
                report.error(Some(feature_ref), format!("{e}; feature skipped"));
                continue;
            }
        };
        match close_rings(polygons) {
            Ok((polygons, _)) if polygons.is_empty() => {
                report.warn(Some(feature_ref), "empty geometry; skipped");
            }
            Ok((polygons, warnings)) => {
                for warning in warnings {
                    report.warn(Some(feature_ref.clone()), warning);
                }
                out.push(RawFeature {
                    feature_ref,
                    properties: properties.into(),
                    polygons,
                });
            }
            Err(e) => report.error(Some(feature_ref), format!("{e}; feature skipped")),
        }
    }
    Ok(out)
}

/// Closes open rings (with a warning) and drops empty polygons; a ring of fewer than four
/// positions fails the feature.
fn close_rings(polygons: Vec<RawPolygon>) -> Result<(Vec<RawPolygon>, Vec<String>), String> {
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(polygons.len());
    let several = polygons.len() > 1;
    for (part, mut rings) in polygons.into_iter().enumerate() {
        let where_part = if several {
            format!("part {part}, ")
        } else {
            String::new()
        };
        rings.retain(|ring| !ring.is_empty());
        if rings.is_empty() {
            continue;
        }
        for (r, ring) in rings.iter_mut().enumerate() {
            let name = if r == 0 {
                format!("{where_part}exterior ring")
            } else {
                format!("{where_part}hole {r}")
            };
            crate::formats::close_ring(&name, ring, &mut warnings)?;
        }
        out.push(rings);
    }
    Ok((out, warnings))
}
