//! A PostGIS table read like a file: `--parcels 'postgresql://user@host/db?table=parcels'`,
//! through the same last step (reprojection, areas, validity, the report) as the files.

use crate::crs::Crs;
use crate::formats::feature::{Finished, Finisher, RawFeature, whole_file_import};
use crate::formats::gpkg::binary::{Decoded, decode_wkb};
use crate::formats::{FeatureRef, Import, ImportReport, RejectReason, Rejected};
use std::path::Path;

/// Whether a path given where a file is expected is a PostGIS table's URL.
#[must_use]
pub fn is_postgis_location(path: &Path) -> bool {
    path.to_str()
        .is_some_and(crate::ledger::server::is_server_url)
}

/// The URL without its `table` parameter, and the table it names (else `default`).
fn split_table<'a>(url: &'a str, default: &'a str) -> (String, String) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), default.to_owned());
    };
    let mut table = default.to_owned();
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some(("table", name)) => {
                name.clone_into(&mut table);
                false
            }
            _ => !pair.is_empty(),
        })
        .collect();
    if rest.is_empty() {
        (base.to_owned(), table)
    } else {
        (format!("{base}?{}", rest.join("&")), table)
    }
}

/// A table name that can be written into SQL as it is: `name` or `schema.name`, letters,
/// digits and `_`.
fn plain_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').count() <= 2
        && name.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn refused(reason: RejectReason, report: ImportReport) -> Box<Rejected> {
    Box::new(Rejected { reason, report })
}

/// Rows reprojected and measured together, on one core, while the next are read.
const CHUNK: usize = 16_384;

/// The chunks finished, by their number.
type Done = Vec<(usize, Result<Vec<Finished>, RejectReason>)>;

/// Finishes a chunk of rows on another core (see [`Finisher::finish`]).
fn finish<'s>(
    scope: &rayon::Scope<'s>,
    last_step: &'s Finisher<'s>,
    done: &'s std::sync::Mutex<Done>,
    number: usize,
    chunk: Vec<RawFeature>,
) {
    scope.spawn(move |_| {
        let results = chunk.into_iter().map(|f| last_step.finish(f)).collect();
        if let Ok(mut done) = done.lock() {
            done.push((number, results));
        }
    });
}

/// Reads the polygons of a PostGIS table (`?table=`, else `default_table`), with their other
/// columns as properties (only those named in `keep`, when given, as the fast file readers
/// do: a million parcels' unread columns cost more than the rest of the read); `assume` is
/// the CRS of a geometry column without an SRID.
pub fn read_postgis(
    url: &str,
    default_table: &str,
    assume: Option<&Crs>,
    keep: Option<&[&str]>,
) -> Result<Import, Box<Rejected>> {
    let (url, table) = split_table(url, default_table);
    let shown = format!(
        "{}?table={table}",
        crate::ledger::Location::Server(url.clone())
    );
    let mut report = ImportReport::new(&shown);
    if !plain_identifier(&table) {
        return Err(refused(
            RejectReason::NoPolygons(format!(
                "the table name {table:?} is not a plain name (letters, digits, _)"
            )),
            report,
        ));
    }
    let mut client = crate::ledger::server::connect_plain(&url)
        .map_err(|e| refused(RejectReason::Io(e.to_string()), ImportReport::new(&shown)))?;
    let db = |e: postgres::Error| {
        RejectReason::Io(
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned()),
        )
    };
    let (schema, name) = table.split_once('.').unwrap_or(("public", &table));
    let column = client
        .query_opt(
            "SELECT f_geometry_column::text, srid FROM geometry_columns \
             WHERE f_table_schema = $1 AND f_table_name = $2 LIMIT 1",
            &[&schema, &name],
        )
        .map_err(|e| refused(db(e), ImportReport::new(&shown)))?;
    let Some(column) = column else {
        return Err(refused(
            RejectReason::NoPolygons(format!(
                "the database has no table {table} with a PostGIS geometry column"
            )),
            report,
        ));
    };
    let (geometry_column, srid): (String, i32) = (column.get(0), column.get(1));
    let (crs, declared) = match u32::try_from(srid).ok().filter(|s| *s != 0) {
        Some(code) => match Crs::from_epsg(code) {
            Some(crs) => (crs, true),
            None => {
                return Err(refused(
                    RejectReason::Crs(crate::crs::UnsupportedCrs(format!("EPSG:{code}"))),
                    report,
                ));
            }
        },
        None => assume.map_or_else(|| (Crs::default_lon_lat(), false), |c| (c.clone(), true)),
    };
    report.crs = crs.label();
    // The other columns by name and kind: numbers and booleans keep their kind, the rest
    // is read as text. One binary COPY streams the rows (a million parcels in about a
    // second; `to_jsonb` of each row took the server most of a minute).
    let columns = client
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = $2 AND column_name <> $3 \
             ORDER BY ordinal_position",
            &[&schema, &name, &geometry_column],
        )
        .map_err(|e| refused(db(e), ImportReport::new(&shown)))?;
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let mut select = Vec::with_capacity(columns.len() + 1);
    let mut types = Vec::with_capacity(columns.len() + 1);
    let mut names = Vec::with_capacity(columns.len());
    for column in &columns {
        let (column_name, data_type): (String, String) = (column.get(0), column.get(1));
        if keep.is_some_and(|keep| column_name != "fid" && !keep.contains(&column_name.as_str())) {
            continue;
        }
        let (cast, kind) = match data_type.as_str() {
            "smallint" | "integer" | "bigint" | "real" | "double precision" | "numeric" => {
                ("float8", postgres::types::Type::FLOAT8)
            }
            "boolean" => ("bool", postgres::types::Type::BOOL),
            _ => ("text", postgres::types::Type::TEXT),
        };
        select.push(format!("{}::{cast}", quote(&column_name)));
        types.push(kind);
        names.push(column_name);
    }
    select.push(format!("ST_AsBinary({})", quote(&geometry_column)));
    types.push(postgres::types::Type::BYTEA);
    let reader = client
        .copy_out(&format!(
            "COPY (SELECT {} FROM {table}) TO STDOUT (FORMAT binary)",
            select.join(", ")
        ))
        .map_err(|e| refused(db(e), ImportReport::new(&shown)))?;
    let mut rows = postgres::binary_copy::BinaryCopyOutIter::new(reader, &types);
    let last_step =
        Finisher::new(&crs, declared).map_err(|reason| refused(reason, report.clone()))?;
    // Read on one thread while the rows already read are reprojected and measured on the
    // others, a chunk at a time.
    let done: std::sync::Mutex<Done> = std::sync::Mutex::new(Vec::new());
    let read: Result<usize, RejectReason> = rayon::scope(|scope| {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut chunks = 0;
        let mut index = 0;
        loop {
            use postgres::fallible_iterator::FallibleIterator as _;
            let row = match rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => return Err(db(e)),
            };
            let mut properties = serde_json::Map::with_capacity(names.len());
            for (i, (column_name, kind)) in names.iter().zip(&types).enumerate() {
                let value = match *kind {
                    postgres::types::Type::FLOAT8 => row
                        .try_get::<Option<f64>>(i)
                        .ok()
                        .flatten()
                        .and_then(serde_json::Number::from_f64)
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    postgres::types::Type::BOOL => row
                        .try_get::<Option<bool>>(i)
                        .ok()
                        .flatten()
                        .map_or(serde_json::Value::Null, serde_json::Value::Bool),
                    _ => row
                        .try_get::<Option<&str>>(i)
                        .ok()
                        .flatten()
                        .map_or(serde_json::Value::Null, |t| {
                            serde_json::Value::String(t.to_owned())
                        }),
                };
                properties.insert(column_name.clone(), value);
            }
            let id = properties.get("fid").map(ToString::to_string);
            let feature_ref = FeatureRef { index, id };
            index += 1;
            let Some(wkb) = row.try_get::<Option<&[u8]>>(names.len()).ok().flatten() else {
                report.warn(Some(feature_ref), "no geometry (NULL); skipped");
                continue;
            };
            match decode_wkb(wkb) {
                Ok(Decoded::Polygons(polygons)) if !polygons.is_empty() => {
                    chunk.push(RawFeature {
                        feature_ref,
                        properties,
                        polygons,
                    });
                }
                Ok(Decoded::Polygons(_)) => {
                    report.warn(Some(feature_ref), "an empty geometry; skipped");
                }
                Ok(Decoded::Other(kind)) => report.warn(
                    Some(feature_ref),
                    format!("a {kind}, not a polygon; skipped"),
                ),
                Err(e) => report.error(Some(feature_ref), format!("its geometry: {e}; skipped")),
            }
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                finish(scope, &last_step, &done, chunks, full);
                chunks += 1;
            }
        }
        finish(scope, &last_step, &done, chunks, chunk);
        Ok(index)
    });
    report.features_read = match read {
        Ok(n) => n,
        Err(reason) => return Err(refused(reason, report)),
    };
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_by_key(|(number, _)| *number);
    let mut features = Vec::with_capacity(report.features_read);
    for (_, results) in done {
        let results = match results {
            Ok(results) => results,
            Err(reason) => return Err(refused(reason, report)),
        };
        for item in results {
            match item {
                Finished::Loaded(feature, problem) => {
                    if let Some(problem) = problem {
                        report.warn(Some(feature.feature_ref()), problem);
                    }
                    features.push(feature);
                }
                Finished::Skipped(feature, message) => report.error(Some(feature), message),
            }
        }
    }
    let read = Ok(features);
    whole_file_import(read, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_comes_from_the_url_and_only_plain_names_are_taken() {
        assert_eq!(
            split_table("postgresql://a@h/db?table=parcels", "x"),
            ("postgresql://a@h/db".to_owned(), "parcels".to_owned())
        );
        assert_eq!(
            split_table("postgresql://a@h/db?sslmode=disable&table=gis.plots", "x"),
            (
                "postgresql://a@h/db?sslmode=disable".to_owned(),
                "gis.plots".to_owned()
            )
        );
        assert_eq!(
            split_table("postgresql://a@h/db", "districts").1,
            "districts"
        );
        assert!(plain_identifier("parcels") && plain_identifier("gis.plots_2024"));
        assert!(!plain_identifier("parcels; DROP TABLE x"));
        assert!(!plain_identifier("a.b.c") && !plain_identifier("1x") && !plain_identifier(""));
    }
}
