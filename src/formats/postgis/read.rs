//! A PostGIS table read like a file: `--parcels 'postgresql://user@host/db?table=parcels'`,
//! through the same last step (reprojection, areas, validity, the report) as the files.

use crate::crs::Crs;
use crate::formats::feature::{RawFeature, finish_features, whole_file_import};
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

/// Reads the polygons of a PostGIS table (`?table=`, else `default_table`), with their other
/// columns as properties; `assume` is the CRS of a geometry column without an SRID.
pub fn read_postgis(
    url: &str,
    default_table: &str,
    assume: Option<&Crs>,
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
    let quoted = format!("\"{}\"", geometry_column.replace('"', "\"\""));
    let rows = client
        .query(
            &format!("SELECT (to_jsonb(t) - $1)::text, ST_AsBinary({quoted}) FROM {table} t"),
            &[&geometry_column],
        )
        .map_err(|e| refused(db(e), ImportReport::new(&shown)))?;
    report.features_read = rows.len();
    let mut features = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let properties: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(row.get::<_, &str>(0)).unwrap_or_default();
        let id = properties.get("fid").map(ToString::to_string);
        let feature_ref = FeatureRef { index, id };
        let Some(wkb) = row.get::<_, Option<&[u8]>>(1) else {
            report.warn(Some(feature_ref), "no geometry (NULL); skipped");
            continue;
        };
        match decode_wkb(wkb) {
            Ok(Decoded::Polygons(polygons)) if !polygons.is_empty() => features.push(RawFeature {
                feature_ref,
                properties,
                polygons,
            }),
            Ok(Decoded::Polygons(_)) => {
                report.warn(Some(feature_ref), "an empty geometry; skipped");
            }
            Ok(Decoded::Other(kind)) => report.warn(
                Some(feature_ref),
                format!("a {kind}, not a polygon; skipped"),
            ),
            Err(e) => report.error(Some(feature_ref), format!("its geometry: {e}; skipped")),
        }
    }
    let read = finish_features(features, &crs, declared, &mut report);
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
