//! A PostGIS table read like a file: `--parcels 'postgresql://user@host/db?table=parcels'`,
//! through the same last step (reprojection, areas, validity, the report) as the files.

use crate::crs::Crs;
use crate::formats::feature::{Finished, Finisher, RawFeature, whole_file_import};
use crate::formats::gpkg::binary::{Decoded, decode_wkb};
use crate::formats::{FeatureRef, Import, ImportReport, RejectReason, Rejected};
use std::path::Path;

/// A path as shown to people: a PostGIS table's URL without its password.
#[must_use]
pub fn shown_path(path: &Path) -> String {
    if is_postgis_location(path) {
        crate::ledger::Location::Server(path.to_string_lossy().into_owned()).to_string()
    } else {
        path.display().to_string()
    }
}

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

/// What one stream of rows gave: each row finished (local index order) and the messages of
/// rows that were not polygons, by local index.
struct Stream {
    rows: usize,
    finished: Vec<Finished>,
    notes: Vec<(usize, bool, String)>,
}

/// Reads one range of a table's pages (`ctid` from `first` to before `end`, `None` for the
/// rest) with its own connection, finishing every row as it comes: each core reads and
/// measures its own part, with nothing handed between threads.
fn read_stream(
    url: &str,
    copy: &str,
    types: &[postgres::types::Type],
    names: &[String],
    last_step: &Finisher<'_>,
) -> Result<Stream, RejectReason> {
    use postgres::fallible_iterator::FallibleIterator as _;
    let db = |e: postgres::Error| {
        RejectReason::Io(
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned()),
        )
    };
    let mut client =
        crate::ledger::server::connect_plain(url).map_err(|e| RejectReason::Io(e.to_string()))?;
    let reader = client.copy_out(copy).map_err(db)?;
    let mut rows = postgres::binary_copy::BinaryCopyOutIter::new(reader, types);
    let mut stream = Stream {
        rows: 0,
        finished: Vec::new(),
        notes: Vec::new(),
    };
    while let Some(row) = rows.next().map_err(db)? {
        let mut properties = serde_json::Map::with_capacity(names.len());
        for (i, (column_name, kind)) in names.iter().zip(types).enumerate() {
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
        let index = stream.rows;
        stream.rows += 1;
        let id = properties.get("fid").map(ToString::to_string);
        let Some(wkb) = row.try_get::<Option<&[u8]>>(names.len()).ok().flatten() else {
            stream
                .notes
                .push((index, false, "no geometry (NULL); skipped".to_owned()));
            continue;
        };
        match decode_wkb(wkb) {
            Ok(Decoded::Polygons(polygons)) if !polygons.is_empty() => {
                stream.finished.push(last_step.finish(RawFeature {
                    feature_ref: FeatureRef { index, id },
                    properties: properties.into(),
                    polygons,
                })?);
            }
            Ok(Decoded::Polygons(_)) => {
                stream
                    .notes
                    .push((index, false, "an empty geometry; skipped".to_owned()));
            }
            Ok(Decoded::Other(kind)) => {
                stream
                    .notes
                    .push((index, false, format!("a {kind}, not a polygon; skipped")));
            }
            Err(e) => stream
                .notes
                .push((index, true, format!("its geometry: {e}; skipped"))),
        }
    }
    Ok(stream)
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
    let last_step =
        Finisher::new(&crs, declared).map_err(|reason| refused(reason, report.clone()))?;
    // The table's pages split into as many ranges as there are cores, each read in page
    // order by a connection and a thread of its own; their rows follow one another in order.
    let pages: i64 = client
        .query_one(
            "SELECT (pg_relation_size($1::text::regclass) / current_setting('block_size')::bigint)",
            &[&table],
        )
        .map_err(|e| refused(db(e), ImportReport::new(&shown)))?
        .get(0);
    let parts = i64::try_from(rayon::current_num_threads().clamp(1, 8)).unwrap_or(1);
    let step = (pages / parts).max(1);
    let select = select.join(", ");
    let copies: Vec<String> = (0..parts)
        .map(|k| {
            let from = format!("ctid >= '({},0)'::tid", k * step);
            let range = if k + 1 == parts {
                from
            } else {
                format!("{from} AND ctid < '({},0)'::tid", (k + 1) * step)
            };
            format!("COPY (SELECT {select} FROM {table} WHERE {range}) TO STDOUT (FORMAT binary)")
        })
        .collect();
    let streams: Vec<Result<Stream, RejectReason>> = std::thread::scope(|scope| {
        let handles: Vec<_> = copies
            .iter()
            .enumerate()
            .map(|(k, copy)| {
                let (url, types, names, last_step) = (&url, &types, &names, &last_step);
                std::thread::Builder::new()
                    .name(format!("postgis read {k}"))
                    .spawn_scoped(scope, move || {
                        read_stream(url, copy, types, names, last_step)
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| match handle {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(RejectReason::Io("a reading thread failed".to_owned()))
                }),
                Err(e) => Err(RejectReason::Io(e.to_string())),
            })
            .collect()
    });
    let mut features = Vec::new();
    let mut offset = 0;
    for stream in streams {
        let stream = match stream {
            Ok(stream) => stream,
            Err(reason) => return Err(refused(reason, report)),
        };
        for (index, error, text) in stream.notes {
            let feature = Some(FeatureRef {
                index: offset + index,
                id: None,
            });
            if error {
                report.error(feature, text);
            } else {
                report.warn(feature, text);
            }
        }
        for item in stream.finished {
            match item {
                Finished::Loaded(mut feature, problem) => {
                    feature.index += offset;
                    if let Some(problem) = problem {
                        report.warn(Some(feature.feature_ref()), problem);
                    }
                    features.push(feature);
                }
                Finished::Skipped(mut feature, message) => {
                    feature.index += offset;
                    report.error(Some(feature), message);
                }
            }
        }
        offset += stream.rows;
    }
    report.features_read = offset;
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
