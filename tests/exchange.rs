//! Exchange with other GIS: the GeoPackage export checked by GDAL's `ogrinfo` and read back by
//! our reader, `GeoJSON` round trips in lon/lat and Gauss-Krüger, damaged GeoPackage files, and the
//! `export` subcommand.

use parkland::formats::{GeoJsonCrs, LayerChoice, read_gpkg, write_geojson, write_gpkg};
use parkland::formats::{Import, Level, RejectReason, read_file, read_geojson_file};
use parkland::ledger::{Ledger, StoredEntry};
use parkland::model::{Park, Progress};
use parkland::sample::sample_park;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh folder for one test.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-exchange-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// The sample park and its sample ledger (13 cases).
fn sample() -> (Park, Vec<StoredEntry>) {
    let park = sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = Ledger::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    ledger
        .seed_sample(&park, "test")
        .unwrap_or_else(|e| panic!("{e}"));
    let cases = ledger.list().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.len(), 13);
    (park, cases)
}

fn sample_gpkg(dir: &Path) -> (Park, Vec<StoredEntry>, PathBuf) {
    let (park, cases) = sample();
    let path = dir.join("park.gpkg");
    let summary = write_gpkg(&park, &cases, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (summary.districts, summary.parcels, summary.cases),
        (3, park.parcels.len(), 13)
    );
    assert_eq!(summary.parcels_with_case, 13);
    (park, cases, path)
}

fn ok(result: Result<Import, Box<parkland::formats::Rejected>>) -> Import {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn rejected(result: Result<Import, Box<parkland::formats::Rejected>>) -> String {
    match result {
        Ok(import) => panic!("loaded {} features", import.features.len()),
        Err(rejected) => rejected.to_string(),
    }
}

/// Runs a GDAL program; `None` (after `skip_or_fail`) when GDAL is not installed.
pub(crate) fn gdal(program: &str, args: &[&str]) -> Option<Output> {
    match Command::new(program).args(args).output() {
        Ok(output) => Some(output),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::skip_or_fail(&format!("{program} not found (apt-get install gdal-bin)"));
            None
        }
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

/// Asserts that each parcel of `read` is the same parcel as in `park`: number, attributes,
/// validity, and area to `tolerance` (relative). Its status is the status it had now, with
/// `cases` (the file's `status` column says where the parcel stands, not the old survey).
fn assert_same_parcels(park: &Park, cases: &[StoredEntry], read: &Park, tolerance: f64) {
    assert_eq!(read.parcels.len(), park.parcels.len());
    let standing =
        parkland::standing::Standing::compute(park, cases, jiff::civil::date(2026, 1, 1));
    for (i, (a, b)) in park.parcels.iter().zip(&read.parcels).enumerate() {
        assert_eq!(a.parcel_no, b.parcel_no);
        assert_eq!(a.district, b.district, "{}", a.parcel_no);
        assert_eq!(a.holder, b.holder, "{}", a.parcel_no);
        assert_eq!(a.land_use, b.land_use, "{}", a.parcel_no);
        assert_eq!(a.supplied_on, b.supplied_on, "{}", a.parcel_no);
        assert_eq!(standing.status(i), b.status, "{}", a.parcel_no);
        assert_eq!(a.valid, b.valid, "{}", a.parcel_no);
        assert_eq!(a.geometry.0.len(), b.geometry.0.len(), "{}", a.parcel_no);
        let relative = (a.area_m2 - b.area_m2).abs() / a.area_m2;
        assert!(
            relative <= tolerance,
            "{}: {} m² became {} m² ({relative:e})",
            a.parcel_no,
            a.area_m2,
            b.area_m2
        );
    }
}

#[test]
fn gpkg_of_the_sample_park_passes_ogrinfo() {
    let dir = scratch_dir("ogrinfo");
    let (park, _, path) = sample_gpkg(&dir);
    let file = path.display().to_string();
    let Some(output) = gdal("ogrinfo", &["-ro", "-al", "-so", &file]) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning"),
        "ogrinfo complained:\n{stderr}"
    );
    // Each layer with its count; the feature layers in EPSG:4326.
    let layers: Vec<&str> = stdout.split("Layer name: ").skip(1).collect();
    let layer = |name: &str| {
        layers
            .iter()
            .find(|l| l.starts_with(&format!("{name}\n")))
            .unwrap_or_else(|| panic!("no layer {name} in\n{stdout}"))
    };
    for (name, count) in [("districts", 3), ("parcels", park.parcels.len())] {
        let text = layer(name);
        assert!(text.contains("Geometry: Multi Polygon"), "{text}");
        assert!(
            text.contains(&format!("Feature Count: {count}\n")),
            "{text}"
        );
        assert!(text.contains("ID[\"EPSG\",4326]"), "{text}");
    }
    assert!(layer("ledger").contains("Feature Count: 13\n"));
    let parcels = layer("parcels");
    for field in [
        "parcel_no: String",
        "supplied_on: String",
        "area_mu: Real",
        "valid: Integer(Boolean)",
        "case_id: Integer",
        "progress: String",
        "deadline: Date",
        "revitalized_building_m2: Real",
    ] {
        assert!(parcels.contains(field), "{field} missing:\n{parcels}");
    }

    // Every feature read by GDAL without a word, and the R-tree recognised.
    let Some(output) = gdal("ogrinfo", &["-ro", "-al", &file]) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("OGRFeature(parcels)").count(),
        park.parcels.len()
    );
    assert!(
        stdout.contains("parcel_no (String) = LJ-"),
        "parcels' attributes"
    );
    let Some(output) = gdal(
        "ogrinfo",
        &[
            "-ro",
            &file,
            "-sql",
            "SELECT HasSpatialIndex('parcels', 'geom') AS p, HasSpatialIndex('districts', 'geom') AS d",
        ],
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("p (Integer) = 1") && stdout.contains("d (Integer) = 1"),
        "{stdout}"
    );
}

#[test]
fn gpkg_reads_back_as_the_same_park_with_the_ledger_joined() {
    let dir = scratch_dir("read-back");
    let (park, cases, path) = sample_gpkg(&dir);
    let districts = ok(read_gpkg(&path, LayerChoice::Named("districts")));
    let parcels = ok(read_gpkg(&path, LayerChoice::Named("parcels")));
    assert!(parcels.report.is_clean(), "{:?}", parcels.report.messages);
    assert_eq!(parcels.report.crs, "EPSG:4326");
    // The same positions are read back (rings turned round at most): areas agree closely.
    let read = Park::from_imports(Some(districts), Some(parcels.clone()));
    assert_same_parcels(&park, &cases, &read, 1e-9);
    for (a, b) in park.districts.iter().zip(&read.districts) {
        assert_eq!(
            (&a.code, &a.name, &a.name_en),
            (&b.code, &b.name, &b.name_en)
        );
        assert!((a.area_m2 - b.area_m2).abs() / a.area_m2 < 1e-9);
    }

    // Each parcel carries its case.
    let with_case: Vec<_> = parcels
        .features
        .iter()
        .filter(|f| f.property_text("case_id").is_some())
        .collect();
    assert_eq!(with_case.len(), 13);
    for feature in with_case {
        let parcel_no = feature.property_text("parcel_no").unwrap_or_default();
        let Some(case) = cases.iter().find(|c| c.entry.parcel_no == parcel_no) else {
            panic!("{parcel_no} has no case");
        };
        assert_eq!(feature.property_text("case_id"), Some(case.id.to_string()));
        assert_eq!(
            feature.property_text("progress").as_deref(),
            Some(case.entry.progress.code())
        );
        assert_eq!(
            Progress::parse(&feature.property_text("progress").unwrap_or_default()),
            Some(case.entry.progress)
        );
        let land = feature.properties["revitalized_land_m2"]
            .as_f64()
            .unwrap_or(-1.0);
        assert!((land - case.entry.revitalized_land_m2).abs() < 1e-9);
        assert_eq!(feature.properties["valid"], serde_json::Value::Bool(true));
    }

    // The ledger table, and the header of the file.
    let conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let (application_id, user_version): (i64, i64) = conn
        .query_row(
            "SELECT * FROM pragma_application_id, pragma_user_version",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((application_id, user_version), (0x4750_4B47, 10300));
    let revitalized_mu: f64 = conn
        .query_row("SELECT sum(revitalized_land_mu) FROM ledger", [], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!((revitalized_mu - 120.0).abs() < 1e-6, "{revitalized_mu}");
    // The R-tree holds each parcel's envelope.
    let (indexed, inside): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(r.minx <= 107.0217363 AND r.maxx >= 107.0217363)
             FROM rtree_parcels_geom r",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(usize::try_from(indexed).ok(), Some(park.parcels.len()));
    assert!(inside >= 1);

    // Through the file dispatcher, a park file holding both layers loads by layer name.
    let first = ok(read_file(&path));
    assert_eq!(
        first.features.len(),
        3,
        "the first polygon layer is districts"
    );
    assert!(
        first
            .report
            .messages
            .iter()
            .any(|m| m.text.contains("parcels")),
        "says which other layer there is"
    );
}

#[test]
fn geojson_round_trips_in_lon_lat_and_gauss_kruger() {
    let dir = scratch_dir("geojson");
    let (park, cases) = sample();
    for (crs, name, label) in [
        (GeoJsonCrs::LonLat, "parcels.geojson", "OGC:CRS84"),
        (GeoJsonCrs::GaussKruger, "parcels-gk.geojson", "EPSG:4524"),
    ] {
        let path = dir.join(name);
        let summary = write_geojson(&park, &cases, &path, crs).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.crs, label);
        assert_eq!(summary.parcels_with_case, 13);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let first = &json["features"][0];
        let x = first["geometry"]["coordinates"][0][0][0]
            .as_f64()
            .unwrap_or_default();
        match crs {
            GeoJsonCrs::LonLat => {
                assert!(json.get("crs").is_none(), "RFC 7946 has no crs member");
                assert!((106.0..108.0).contains(&x), "{x}");
            }
            GeoJsonCrs::GaussKruger => {
                assert_eq!(
                    json["crs"]["properties"]["name"],
                    "urn:ogc:def:crs:EPSG::4524"
                );
                assert!((36_400_000.0..36_600_000.0).contains(&x), "{x}");
            }
        }
        assert_eq!(first["id"], first["properties"]["parcel_no"]);
        let import = read_geojson_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(import.report.crs, label);
        assert!(import.report.is_clean(), "{:?}", import.report.messages);
        let read = Park::from_imports(None, Some(import));
        assert_same_parcels(&park, &cases, &read, 1e-6);
    }
}

#[test]
fn gdal_gauss_kruger_gpkg_is_reprojected_by_srs_id() {
    let dir = scratch_dir("gdal-gk");
    let (park, cases) = sample();
    let geojson = dir.join("parcels.geojson");
    write_geojson(&park, &cases, &geojson, GeoJsonCrs::LonLat).unwrap_or_else(|e| panic!("{e}"));
    let gpkg = dir.join("from-gdal.gpkg");
    let (gpkg_s, geojson_s) = (gpkg.display().to_string(), geojson.display().to_string());
    let Some(output) = gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            &gpkg_s,
            &geojson_s,
            "-t_srs",
            "EPSG:4524",
            "-nln",
            "宗地",
        ],
    ) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let import = ok(read_file(&gpkg));
    assert_eq!(import.report.crs, "EPSG:4524");
    let read = Park::from_imports(None, Some(import));
    assert_same_parcels(&park, &cases, &read, 1e-6);
}

#[test]
fn damaged_gpkgs_are_explained_naming_the_file_and_feature() {
    let dir = scratch_dir("damaged");
    let (park, _, path) = sample_gpkg(&dir);

    // Wrong geometry blobs in two features: those are skipped, each named; the rest loads.
    let broken = dir.join("broken-blob.gpkg");
    std::fs::copy(&path, &broken).unwrap_or_else(|e| panic!("{e}"));
    {
        let conn = Connection::open(&broken).unwrap_or_else(|e| panic!("{e}"));
        // The R-tree triggers need GDAL's SQL functions; a careless tool drops them.
        conn.execute_batch(
            "DROP TRIGGER rtree_parcels_geom_update1; DROP TRIGGER rtree_parcels_geom_update2;
             DROP TRIGGER rtree_parcels_geom_update3; DROP TRIGGER rtree_parcels_geom_update4;
             UPDATE parcels SET geom = x'0103000000' WHERE fid = 5;
             UPDATE parcels SET geom = x'47500001E610000001010000000000000000C05A400000000000804040'
             WHERE fid = 9;",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let import = ok(read_gpkg(&broken, LayerChoice::Named("parcels")));
    assert_eq!(import.features.len(), park.parcels.len() - 2);
    assert_eq!(import.report.skipped, 2);
    assert!(import.report.source.ends_with("broken-blob.gpkg"));
    let errors: Vec<String> = import
        .report
        .messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains("feature 4 (id 5)") && errors[0].contains("plain WKB"),
        "{errors:?}"
    );
    assert!(
        errors[1].contains("feature 8 (id 9)") && errors[1].contains("is a Point"),
        "{errors:?}"
    );

    // A truncated copy: rejected, naming the file, never a panic.
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let truncated = dir.join("truncated.gpkg");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap_or_else(|e| panic!("{e}"));
    let message = rejected(read_gpkg(&truncated, LayerChoice::Named("parcels")));
    assert!(
        message.contains("truncated.gpkg")
            && message.contains(&format!(
                "cut short: it has {} bytes of the {}",
                bytes.len() / 3,
                bytes.len()
            )),
        "{message}"
    );

    // A page of parcels wiped in the middle of the file: rejected at the feature it breaks.
    let wiped = dir.join("wiped.gpkg");
    let root: u32 = Connection::open(&path)
        .and_then(|c| {
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'parcels'",
                [],
                |r| r.get(0),
            )
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let mut damaged = bytes.clone();
    let page = root as usize + 5; // a leaf page of the parcels table (pages count from 1)
    damaged[(page - 1) * 4096..page * 4096].fill(0);
    std::fs::write(&wiped, &damaged).unwrap_or_else(|e| panic!("{e}"));
    let message = rejected(read_gpkg(&wiped, LayerChoice::Named("parcels")));
    assert!(
        message.contains("wiped.gpkg")
            && message.contains("damaged or cut short at feature")
            && message.contains("of layer parcels"),
        "{message}"
    );
    let header_only = dir.join("header-only.gpkg");
    std::fs::write(&header_only, &bytes[..50]).unwrap_or_else(|e| panic!("{e}"));
    let message = rejected(read_file(&header_only));
    assert!(
        message.contains("header-only.gpkg") && message.contains("cut short"),
        "{message}"
    );

    // Every prefix length must give an answer, not a panic.
    for fraction in 1..20 {
        let cut = dir.join(format!("cut-{fraction}.gpkg"));
        std::fs::write(&cut, &bytes[..bytes.len() * fraction / 20])
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = read_gpkg(&cut, LayerChoice::Prefer("parcels"));
    }

    // Not a GeoPackage at all.
    let text = dir.join("notes.gpkg");
    std::fs::write(&text, "宗地编号,面积\n").unwrap_or_else(|e| panic!("{e}"));
    let message = rejected(read_file(&text));
    assert!(
        message.contains("notes.gpkg") && message.contains("not an SQLite"),
        "{message}"
    );
    let plain = dir.join("plain.sqlite");
    Connection::open(&plain)
        .and_then(|c| c.execute_batch("CREATE TABLE t (x INTEGER)"))
        .unwrap_or_else(|e| panic!("{e}"));
    match read_file(&plain) {
        Err(rejected) => {
            assert!(
                matches!(rejected.reason, RejectReason::NotGeoPackage(_)),
                "{rejected}"
            );
            assert!(rejected.to_string().contains("gpkg_contents"), "{rejected}");
        }
        Ok(_) => panic!("an SQLite file without gpkg_contents is not a GeoPackage"),
    }
    // A layer that is not there is named with the ones that are.
    let message = rejected(read_gpkg(&path, LayerChoice::Named("roads")));
    assert!(
        message.contains("roads") && message.contains("parcels (MULTIPOLYGON)"),
        "{message}"
    );
}

fn parkland(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"))
}

#[test]
fn export_subcommand_writes_files_that_load_again() {
    let dir = scratch_dir("cli");
    let ledger = dir.join("ledger.sqlite").display().to_string();
    let gpkg = dir.join("park.gpkg");
    let geojson = dir.join("parcels-gk.geojson");
    // An existing file is replaced.
    std::fs::write(&gpkg, "old").unwrap_or_else(|e| panic!("{e}"));
    let (gpkg_s, geojson_s) = (gpkg.display().to_string(), geojson.display().to_string());
    let output = parkland(
        &[
            "export",
            "--gpkg",
            &gpkg_s,
            "--geojson",
            &geojson_s,
            "--gk",
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("3 districts") && stdout.contains("13 ledger cases"),
        "{stdout}"
    );
    assert!(stdout.contains("EPSG:4524"), "{stdout}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The GeoPackage is the park: summary reads districts and parcels from the one file.
    let other_ledger = dir.join("ledger2.sqlite").display().to_string();
    let output = parkland(
        &[
            "summary",
            "--json",
            "--districts",
            &gpkg_s,
            "--parcels",
            &gpkg_s,
            "--ledger",
            &other_ledger,
        ],
        &dir,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary["districts"].as_array().map(Vec::len), Some(3));
    // The file's statuses are those of the moment of export: five of the 13 sample plots
    // were revitalized, and the new ledger has no case to change that.
    assert_eq!(summary["total"]["idle_parcels"], 8);
    let (park, _) = sample();
    assert_eq!(summary["total"]["parcels"], park.parcels.len());
    let output = parkland(&["check", &geojson_s, &gpkg_s], &dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("CRS EPSG:4524") && stdout.contains("CRS EPSG:4326"),
        "{stdout}"
    );

    // Nothing to write, or nowhere to write it: said, with the path.
    let output = parkland(&["export", "--ledger", &ledger], &dir);
    assert_eq!(output.status.code(), Some(2));
    let missing = dir.join("no-such-folder").join("park.gpkg");
    let output = parkland(
        &[
            "export",
            "--gpkg",
            &missing.display().to_string(),
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-folder"), "{stderr}");
}

/// GDAL reads each parcel's status now from the GeoPackage (from its case where it has one),
/// with the survey's status beside it: WX-0803's case is 已盘活, its file says 闲置.
#[test]
fn gdal_reads_the_status_now_and_the_survey_status() {
    let dir = scratch_dir("status-now");
    let (_, _, path) = sample_gpkg(&dir);
    let file = path.display().to_string();
    let Some(output) = gdal(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            "-where",
            "parcel_no IN ('WX-0803', 'LJ-3302')",
            &file,
            "parcels",
        ],
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let feature = |no: &str| {
        stdout
            .split("OGRFeature(parcels)")
            .find(|f| f.contains(&format!("parcel_no (String) = {no}")))
            .unwrap_or_else(|| panic!("{no} in\n{stdout}"))
            .to_owned()
    };
    let wx = feature("WX-0803");
    assert!(wx.contains("\n  status (String) = revitalized"), "{wx}");
    assert!(wx.contains("survey_status (String) = idle"), "{wx}");
    assert!(wx.contains("progress (String) = revitalized"), "{wx}");
    let lj = feature("LJ-3302");
    assert!(lj.contains("\n  status (String) = low_efficiency"), "{lj}");
    assert!(lj.contains("progress (String) = disposing"), "{lj}");
}
