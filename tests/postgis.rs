//! The park's layers in PostGIS: `export --postgis` writes them for QGIS (checked by PostGIS's
//! own areas and by GDAL's `ogrinfo PG:`), replacing an earlier export, and `--parcels
//! 'postgresql://…?table=parcels'` reads them back like a file. Needs `PARKLAND_TEST_PG` with
//! PostGIS installed on the server (skips without, fails under `PARKLAND_STRICT=1`).

use crate::conformance::{Subject, as_account};
use std::process::{Command, Output};

fn parkland(args: &[&str]) -> Output {
    crate::conformance::parkland_cli("postgis", args)
}

fn text(output: &Output) -> String {
    crate::conformance::output_text(output)
}

/// The export's areas by PostGIS (`ST_Area(geom::geography)`, on the spheroid) agree with
/// Parkland's to 1e-6, parcel by parcel; exporting again replaces the tables; the tables read
/// back as the same park.
#[test]
fn the_export_to_postgis_measures_as_parkland_does_and_reads_back() {
    let Some(subject) = Subject::server("postgis") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    for _ in 0..2 {
        let export = parkland(&["export", "--postgis", &url]);
        assert_eq!(export.status.code(), Some(0), "{}", text(&export));
        assert!(
            text(&export).contains("districts (3) and parcels (357, 13 with a ledger case)"),
            "{}",
            text(&export)
        );
    }
    let park = parkland::sample::sample_park().expect("sample");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("server");
    let rows = client
        .query(
            "SELECT parcel_no, ST_Area(geom::geography), ST_SRID(geom), GeometryType(geom) \
             FROM parcels",
            &[],
        )
        .expect("query");
    assert_eq!(rows.len(), park.parcels.len(), "replaced, not appended");
    for row in &rows {
        let no: String = row.get(0);
        let area: f64 = row.get(1);
        assert_eq!(
            (row.get::<_, i32>(2), row.get::<_, String>(3)),
            (4490, "MULTIPOLYGON".to_owned())
        );
        let parcel = park
            .parcels
            .iter()
            .find(|p| p.parcel_no == no)
            .unwrap_or_else(|| panic!("{no}"));
        let ours = parcel.areas.ellipsoidal_m2;
        assert!(
            (area - ours).abs() <= 1e-6 * ours,
            "{no}: PostGIS {area} against {ours}"
        );
    }
    let indexed: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE tablename IN ('parcels', 'districts') \
             AND indexdef LIKE '%USING gist%'",
            &[],
        )
        .expect("indexes")
        .get(0);
    assert_eq!(indexed, 2, "a GiST index on each");

    // Read back as a file would be, with the same report rules: the same park.
    let parcels = format!("{url}?table=parcels");
    let districts = format!("{url}?table=districts");
    let summary = |args: &[&str]| -> serde_json::Value {
        let output = parkland(args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output)))
    };
    let from_server = summary(&[
        "summary",
        "--json",
        "--parcels",
        &parcels,
        "--districts",
        &districts,
    ]);
    let from_files = summary(&[
        "summary",
        "--json",
        "--parcels",
        &format!(
            "{}/sample_parcels/parcels.geojson",
            env!("CARGO_MANIFEST_DIR")
        ),
    ]);
    for key in ["parcels", "parcel_area_m2", "area_m2"] {
        let (a, b) = (
            from_server["total"][key].as_f64().unwrap_or(-1.0),
            from_files["total"][key].as_f64().unwrap_or(-2.0),
        );
        assert!(
            (a - b).abs() <= 1e-6 * b.abs().max(1.0),
            "{key}: {a} against {b}"
        );
    }
    let check = parkland(&["check", "--json", &parcels]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    assert!(
        text(&check).contains("\"crs\":\"EPSG:4490\""),
        "{}",
        text(&check)
    );
    assert!(!text(&check).contains("parkland-test"), "no password shown");
    let missing = parkland(&["check", &format!("{url}?table=no_such_table")]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(
        text(&missing).contains("no table no_such_table"),
        "{}",
        text(&missing)
    );

    // GDAL, as QGIS reads it, sees both tables with their extents.
    let config: postgres::Config = url.parse().expect("url");
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_owned(),
    };
    let connection = format!(
        "PG:host={host} port={} dbname={} user={} password={}",
        config.get_ports().first().copied().unwrap_or(5432),
        config.get_dbname().unwrap_or_default(),
        config.get_user().unwrap_or_default(),
        crate::conformance::password_of(&url)
    );
    match Command::new("ogrinfo")
        .args(["-ro", "-so", &connection, "parcels"])
        .output()
    {
        Ok(output) if output.status.success() => {
            let info = text(&output);
            assert!(info.contains("Feature Count: 357"), "{info}");
            assert!(info.contains("Extent: (106.9"), "{info}");
            assert!(info.contains("4490"), "{info}");
            let districts = Command::new("ogrinfo")
                .args(["-ro", "-so", &connection, "districts"])
                .output()
                .expect("ogrinfo");
            assert!(
                text(&districts).contains("Feature Count: 3"),
                "{}",
                text(&districts)
            );
        }
        Ok(output) => panic!("ogrinfo failed: {}", text(&output)),
        Err(_) => crate::skip_or_fail(
            "GDAL's ogrinfo is not installed: the PostGIS tables were not read by GDAL",
        ),
    }
}

/// An account that may not add PostGIS to a database without it is told what is needed,
/// and nothing is written.
#[test]
fn an_export_where_postgis_cannot_be_added_says_what_is_needed() {
    let Some(subject) = Subject::server("no_postgis") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let name = format!("mapper_{}", std::process::id());
    crate::conformance::login_role(&url, &name, "pw");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    admin
        .batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {name}"))
        .expect("grant");
    let export = parkland(&["export", "--postgis", &as_account(&url, &name, "pw")]);
    assert_eq!(export.status.code(), Some(2), "{}", text(&export));
    assert!(text(&export).contains("PostGIS"), "{}", text(&export));
    assert!(
        text(&export).contains("nothing was written"),
        "{}",
        text(&export)
    );
    let tables: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE tablename IN ('parcels', 'districts')",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(tables, 0);
}
