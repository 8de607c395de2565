//! Shapefiles as a land office has them: CGCS2000 Gauss-Krüger sets with GBK attributes made
//! from the sample park by GDAL (zone 36 with its prefix, EPSG:4524; CM 108°E without it,
//! EPSG:4545; with and without `.cpg`), and broken sets.

use parkland::formats::{Import, read_file, read_geojson_file};
use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-shp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn sample_geojson() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_parcels/parcels.geojson")
}

/// The sample parcels as a Shapefile in `epsg`, attributes in GBK, written by `ogr2ogr`; `None`
/// (skipped, or failed under `PARKLAND_STRICT=1`) without GDAL.
fn gdal_shapefile(dir: &Path, name: &str, epsg: u32) -> Option<PathBuf> {
    gdal_shapefile_with(dir, name, epsg, &[])
}

/// [`gdal_shapefile`] with more `ogr2ogr` options (`-dim XYZ`, `-limit N`).
fn gdal_shapefile_with(dir: &Path, name: &str, epsg: u32, options: &[&str]) -> Option<PathBuf> {
    let shp = dir.join(format!("{name}.shp"));
    let output = match Command::new("ogr2ogr")
        .args(["-f", "ESRI Shapefile", "-t_srs", &format!("EPSG:{epsg}")])
        .args(["-lco", "ENCODING=GBK"])
        .args(options)
        .arg(&shp)
        .arg(sample_geojson())
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::skip_or_fail("ogr2ogr not found (apt-get install gdal-bin)");
            return None;
        }
        Err(e) => panic!("ogr2ogr: {e}"),
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(shp)
}

fn read(path: &Path) -> Import {
    read_file(path).unwrap_or_else(|e| panic!("{e}"))
}

fn holder_by_parcel(import: &Import) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = import
        .features
        .iter()
        .map(|f| {
            (
                f.property_text("parcel_no").unwrap_or_default(),
                f.property_text("holder").unwrap_or_default(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn gauss_kruger_shapefiles_in_gbk_read_as_the_sample_park() {
    let dir = scratch_dir("gk");
    let original = read_geojson_file(&sample_geojson()).unwrap_or_else(|e| panic!("{e}"));
    let holders = holder_by_parcel(&original);
    assert!(
        holders
            .iter()
            .any(|(_, h)| h.chars().any(|c| c > '\u{4e00}')),
        "Chinese holders"
    );
    for (name, epsg, keep_cpg) in [
        ("zone36", 4524, true),
        ("zone36_nocpg", 4524, false),
        ("cm108", 4545, true),
    ] {
        let Some(shp) = gdal_shapefile(&dir, name, epsg) else {
            return;
        };
        if !keep_cpg {
            std::fs::remove_file(shp.with_extension("cpg")).unwrap_or_else(|e| panic!("{e}"));
        }
        let import = read(&shp);
        assert_eq!(import.report.crs, format!("EPSG:{epsg}"), "{name}");
        assert_eq!(import.features.len(), original.features.len(), "{name}");
        let relative =
            (import.report.area_m2 - original.report.area_m2).abs() / original.report.area_m2;
        assert!(
            relative < 1e-7,
            "{name}: {} against {}",
            import.report.area_m2,
            original.report.area_m2
        );
        assert_eq!(
            holder_by_parcel(&import),
            holders,
            "{name}: attributes read in GBK"
        );
        let encoding = import.report.encoding.clone().unwrap_or_default();
        assert!(encoding.starts_with("GBK"), "{name}: {encoding}");
        if keep_cpg {
            assert!(encoding.contains(".cpg"), "{name}: {encoding}");
            assert!(
                import.report.is_clean(),
                "{name}: {:?}",
                import.report.messages
            );
        } else {
            // Not declared: detected, and said so.
            assert!(encoding.contains("not UTF-8"), "{name}: {encoding}");
            assert!(
                import
                    .report
                    .messages
                    .iter()
                    .any(|m| m.text.contains("not declared")),
                "{name}: {:?}",
                import.report.messages
            );
        }
    }
    // Through the one path to the park: the same parcels, numbers, districts and 亩.
    let Some(shp) = gdal_shapefile(&dir, "park", 4524) else {
        return;
    };
    let progress = parkland::layer::Progress::new();
    let (parcels, _) =
        parkland::layer::read_parcels_file(&shp, &progress).unwrap_or_else(|e| panic!("{e}"));
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parcels.len(), park.parcels.len());
    for (read, sample) in parcels.iter().zip(&park.parcels) {
        assert_eq!(read.parcel_no, sample.parcel_no);
        assert_eq!(
            read.supplied_on, sample.supplied_on,
            "{}: supplied_o",
            read.parcel_no
        );
        // The Shapefile's plane area is its own (the shoelace in zone 36), and its ellipsoidal
        // one comes from it; the sample's are Karney's, and the plane one from it. Both ways
        // agree to about 1e-7: a straight edge in the plane is not quite the geodesic between
        // its ends (their areas differ by about a millimetre² per 200 m edge, 93 km from the
        // central meridian). The issue's tolerance is 1e-6.
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b;
        assert!(
            close(read.area_m2, sample.area_m2)
                && close(read.areas.ellipsoidal_m2, sample.areas.ellipsoidal_m2),
            "{}: {:?} against {:?}",
            read.parcel_no,
            read.areas,
            sample.areas
        );
    }
}

#[test]
fn broken_sets_say_what_is_missing_and_load_what_they_can() {
    let dir = scratch_dir("broken");
    let Some(shp) = gdal_shapefile(&dir, "full", 4545) else {
        return;
    };
    let texts = |import: &Import| -> String {
        import
            .report
            .messages
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    // No .shx: read record after record, said so.
    let copy = |name: &str, skip: &str| -> PathBuf {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            if ext != skip {
                std::fs::copy(shp.with_extension(ext), dir.join(format!("{name}.{ext}")))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        dir.join(format!("{name}.shp"))
    };
    // Every record loads, and the report says what was wrong.
    let loads_all_saying = |path: &Path, said: &str| -> Import {
        let import = read(path);
        assert_eq!(import.features.len(), 357, "{}", path.display());
        assert!(texts(&import).contains(said), "{}", texts(&import));
        import
    };
    loads_all_saying(&copy("no_shx", "shx"), "no .shx");
    // A .shx that is no index (here empty): read without it, said so.
    let empty_shx = copy("empty_shx", "");
    std::fs::write(empty_shx.with_extension("shx"), b"").unwrap_or_else(|e| panic!("{e}"));
    loads_all_saying(&empty_shx, "not a Shapefile index");
    // A .shx cut short: the .shp is walked instead, every record read, the cut said.
    let cut_shx = copy("cut_shx", "");
    let index = std::fs::read(cut_shx.with_extension("shx")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(cut_shx.with_extension("shx"), &index[..100 + 8 * 150])
        .unwrap_or_else(|e| panic!("{e}"));
    loads_all_saying(&cut_shx, ".shx is cut short");
    // No .dbf: shapes without attributes, numbered by place.
    let import = loads_all_saying(&copy("no_dbf", "dbf"), "no .dbf");
    assert!(import.features[0].properties.is_empty());
    // A .dbf with fewer records than the .shp: said, with both counts.
    let Some(fewer) = gdal_shapefile_with(&dir, "fewer", 4545, &["-limit", "300"]) else {
        return;
    };
    let mismatched = copy("mismatched", "dbf");
    std::fs::copy(
        fewer.with_extension("dbf"),
        mismatched.with_extension("dbf"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    loads_all_saying(&mismatched, "the .dbf has 300 records and the .shp 357");
    // A .shp cut short: what is there loads, the cut is named.
    let cut = copy("cut", "");
    let bytes = std::fs::read(&cut).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap_or_else(|e| panic!("{e}"));
    let import = read(&cut);
    assert!(
        import.features.len() < 357 && import.features.len() > 200,
        "{}",
        import.features.len()
    );
    assert!(texts(&import).contains("cut short"), "{}", texts(&import));
    // Xian 1980 has no public transformation: refused with what to do.
    let xian = copy("xian", "");
    std::fs::write(
        xian.with_extension("prj"),
        r#"PROJCS["Xian_1980_3_Degree_GK_CM_108E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["Central_Meridian",108.0],UNIT["Meter",1.0]]"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let error = read_file(&xian).expect_err("refused").to_string();
    assert!(
        error.contains("Xian 1980") && error.contains("transformation parameters"),
        "{error}"
    );
    assert!(error.contains("xian.shp"), "{error}");
    // No .prj and projected numbers: refused, asking for the .prj.
    let no_prj = copy("no_prj", "prj");
    let error = read_file(&no_prj).expect_err("refused").to_string();
    assert!(
        error.contains(".prj") && error.contains("EPSG:4534"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `export --shp`: GDAL opens the set as polygons in CGCS2000 zone 36 with the Chinese
/// attributes intact and the same plane area; Parkland reads it back as the same parcels with
/// their cases.
#[test]
fn the_export_opens_in_gdal_and_reads_back_as_the_park() {
    let dir = scratch_dir("export");
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = parkland::ledger::Ledger::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    ledger
        .seed_sample(&park, "test")
        .unwrap_or_else(|e| panic!("{e}"));
    let cases = ledger.list().unwrap_or_else(|e| panic!("{e}"));
    let shp = dir.join("park.shp");
    let written =
        parkland::formats::write_shapefile(&park, &cases, &shp).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((written.parcels, written.parcels_with_case), (357, 13));
    assert_eq!(written.crs, "EPSG:4524");
    assert_eq!(
        std::fs::read(dir.join("park.cpg")).ok().as_deref(),
        Some(&b"UTF-8"[..])
    );

    // Back through Parkland's reader.
    let import = read(&shp);
    assert!(import.report.is_clean(), "{:?}", import.report.messages);
    assert_eq!(import.report.crs, "EPSG:4524");
    assert_eq!(import.features.len(), park.parcels.len());
    for (read, parcel) in import.features.iter().zip(&park.parcels) {
        assert_eq!(
            read.property_text("parcel_no").as_deref(),
            Some(parcel.parcel_no.as_str())
        );
        assert_eq!(read.property_text("holder"), parcel.holder);
        assert_eq!(read.property_text("supplied_o"), parcel.supplied_on);
        // Written in the park's zone and read back in it: the same areas to about 1e-7 (one
        // measured in the plane, the other on the ellipsoid; see above).
        let plane = read.plane.expect("the file's own plane area");
        let sample = parcel.areas.plane.expect("in zone 36");
        assert_eq!(plane.epsg, sample.epsg);
        assert!(
            (plane.m2 - sample.m2).abs() < 1e-6 * sample.m2
                && (read.area_m2 - parcel.areas.ellipsoidal_m2).abs()
                    < 1e-6 * parcel.areas.ellipsoidal_m2,
            "{}: {} {plane:?} against {:?}",
            parcel.parcel_no,
            read.area_m2,
            parcel.areas
        );
    }
    let with_case = import
        .features
        .iter()
        .filter(|f| f.property_text("progress").is_some())
        .count();
    assert_eq!(with_case, 13, "the cases' columns");

    // GDAL as the oracle.
    let file = shp.display().to_string();
    let run = |args: &[&str]| -> Option<String> {
        match Command::new("ogrinfo").args(args).output() {
            Ok(output) => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                crate::skip_or_fail("ogrinfo not found (apt-get install gdal-bin)");
                None
            }
            Err(e) => panic!("ogrinfo: {e}"),
        }
    };
    let Some(summary) = run(&["-ro", "-so", &file, "park"]) else {
        return;
    };
    assert!(summary.contains("Feature Count: 357"), "{summary}");
    assert!(summary.contains("Geometry: Polygon"), "{summary}");
    assert!(summary.contains("Gauss-Kruger zone 36"), "{summary}");
    let Some(first) = run(&["-ro", "-fid", "0", &file, "park"]) else {
        return;
    };
    let holder = park.parcels[0].holder.clone().unwrap_or_default();
    assert!(
        first.contains(&format!("holder (String) = {holder}")),
        "{first}"
    );
    // The plane area column (plane_area_m2 cut to plane_m2) and its zone.
    let first_parcel = &park.parcels[0];
    let plane = first_parcel.areas.plane.expect("in a zone");
    let plane_0 = plane.m2;
    let gdal_plane_0: f64 = first
        .lines()
        .find_map(|l| l.trim().strip_prefix("plane_m2 (Real) = "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{first}"));
    assert!(
        (gdal_plane_0 - plane_0).abs() < 1e-5,
        "{gdal_plane_0} {plane_0}"
    );
    assert!(
        first.contains(&format!("plane_crs (String) = EPSG:{}", plane.epsg)),
        "{first}"
    );
    let sql = "SELECT SUM(ST_Area(geometry)) AS plane FROM park";
    let Some(area) = run(&["-ro", "-dialect", "SQLite", "-sql", sql, &file]) else {
        return;
    };
    let gdal_plane: f64 = area
        .lines()
        .find_map(|l| l.trim().strip_prefix("plane (Real) = "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{area}"));
    // The same plane area from Parkland's projection of the park.
    let zone = park.gauss_kruger_zone().unwrap_or_else(|e| panic!("{e}"));
    let forward = zone.from_lon_lat().unwrap_or_else(|e| panic!("{e}"));
    let plane: f64 = park
        .parcels
        .iter()
        .map(|p| {
            let polygons: Vec<Vec<Vec<[f64; 2]>>> = p
                .geometry
                .0
                .iter()
                .map(|polygon| {
                    std::iter::once(polygon.exterior())
                        .chain(polygon.interiors())
                        .map(|ring| {
                            ring.0
                                .iter()
                                .map(|c| {
                                    forward
                                        .apply(c.x, c.y)
                                        .map(|(x, y)| [x, y])
                                        .expect("projects")
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect();
            parkland::geometry::plane_polygons_area(&polygons)
        })
        .sum();
    // And the plane area every parcel is given from its ellipsoidal area.
    let scaled: f64 = park
        .parcels
        .iter()
        .filter_map(|p| p.areas.plane)
        .map(|plane| plane.m2)
        .sum();
    assert!(
        (gdal_plane - scaled).abs() / gdal_plane < 1e-6,
        "GDAL {gdal_plane} against {scaled}"
    );
    assert!(
        (gdal_plane - plane).abs() / plane < 1e-9,
        "GDAL {gdal_plane} against {plane}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A set in a `.zip` (in a folder of the zip, as offices mail them) reads as the set itself; a
/// zip of several sets reads the one asked for, and otherwise names them all.
#[test]
fn a_zip_holding_the_set_is_read_like_the_set() {
    use std::io::Write as _;
    let dir = scratch_dir("zip");
    let Some(shp) = gdal_shapefile(&dir, "parcels", 4524) else {
        return;
    };
    let Some(other) = gdal_shapefile(&dir, "other", 4545) else {
        return;
    };
    let zip_of = |name: &str, sets: &[&Path]| -> PathBuf {
        let path = dir.join(name);
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut zip = zip::ZipWriter::new(file);
        for set in sets {
            for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
                let member = set.with_extension(ext);
                let inside = format!(
                    "宗地/{}",
                    member
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default()
                );
                zip.start_file(inside, zip::write::SimpleFileOptions::default())
                    .unwrap_or_else(|e| panic!("{e}"));
                zip.write_all(&std::fs::read(&member).unwrap_or_else(|e| panic!("{e}")))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        zip.finish().unwrap_or_else(|e| panic!("{e}"));
        path
    };
    let direct = read(&shp);
    let zipped = read(&zip_of("one.zip", &[&shp]));
    assert_eq!(zipped.report.crs, "EPSG:4524");
    assert_eq!(zipped.features.len(), direct.features.len());
    assert_eq!(holder_by_parcel(&zipped), holder_by_parcel(&direct));
    assert!((zipped.report.area_m2 - direct.report.area_m2).abs() < 1e-6);
    // Two sets: --parcels takes the one named parcels; otherwise the message lists both.
    let both = zip_of("both.zip", &[&other, &shp]);
    let progress = parkland::layer::Progress::new();
    let (parcels, report) =
        parkland::layer::read_parcels_file(&both, &progress).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((parcels.len(), report.crs.as_str()), (357, "EPSG:4524"));
    let error = read_file(&both).expect_err("ambiguous").to_string();
    assert!(
        error.contains("other.shp") && error.contains("parcels.shp"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `PolygonZ` (as survey tools write 3D outlines): read with X and Y, the Z dropped and said so,
/// the same parcels and areas as the 2D set.
#[test]
fn polygon_z_sets_read_their_x_and_y_with_a_note() {
    let dir = scratch_dir("polygonz");
    let Some(shp) = gdal_shapefile_with(&dir, "z", 4524, &["-dim", "XYZ"]) else {
        return;
    };
    let shape_type = std::fs::read(&shp).map(|b| b[32]).unwrap_or_default();
    assert_eq!(shape_type, 15, "GDAL wrote PolygonZ");
    let import = read(&shp);
    let original = read_geojson_file(&sample_geojson()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(import.features.len(), original.features.len());
    assert!(
        (import.report.area_m2 - original.report.area_m2).abs() < 1e-6 * original.report.area_m2
    );
    assert!(
        import
            .report
            .messages
            .iter()
            .any(|m| m.text.contains("Z or M")),
        "{:?}",
        import.report.messages
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check` and `check --map` give one plane area for a Gauss-Krüger Shapefile: the file's own
/// (the sum of its parcels' plane areas in its zone, which the park's figures use), in its
/// zone alone. `check --map` scaled the plane area again by the zone's scale factor (547.44
/// against 547.31 km² on a 20,000-parcel park), and both named the zones of the parcels'
/// middles instead of the file's.
#[test]
fn check_gives_the_files_own_plane_area_with_or_without_the_map() {
    let dir = scratch_dir("check-plane");
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let shp = dir.join("park.shp");
    parkland::formats::write_shapefile(&park, &[], &shp).unwrap_or_else(|e| panic!("{e}"));
    let own: f64 = read(&shp)
        .features
        .iter()
        .map(|f| f.plane.expect("the file's own plane area").m2)
        .sum();
    let file = shp.display().to_string();
    let plane_of = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_parkland"))
            .args(args)
            .env("HOME", &dir)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(output.status.success(), "{output:?}");
        let json: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
        (
            json["plane_area_m2"].as_f64().unwrap_or_default(),
            json["plane_crs"].clone(),
        )
    };
    for args in [
        &["check", "--json", &file][..],
        &["check", "--json", "--map", &file][..],
    ] {
        let (plane, zones) = plane_of(args);
        assert!(
            (plane - own).abs() < 0.01,
            "{args:?}: {plane} against {own}"
        );
        assert_eq!(zones, serde_json::json!(["EPSG:4524"]), "{args:?}");
    }
}
