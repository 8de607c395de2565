//! Real files from other projects (`../shared/corpus/`: `geojson/`, `shapefile/`) against
//! their `expected.json`, with GDAL as a second oracle where it reads the file.

use parkland::formats::{read_file, read_geojson_file};
use std::path::{Path, PathBuf};

/// The corpus folder `kind` (`geojson`, `shapefile`, `guotu_txt`): under `$PARKLAND_CORPUS_ROOT`,
/// else `../shared/corpus` beside the checkout, else the workplace's `/work/shared/corpus`
/// (`$PARKLAND_CORPUS` still names the `GeoJSON` folder itself).
fn corpus(kind: &str) -> Option<PathBuf> {
    let candidates = [
        (kind == "geojson")
            .then(|| std::env::var_os("PARKLAND_CORPUS").map(PathBuf::from))
            .flatten(),
        std::env::var_os("PARKLAND_CORPUS_ROOT").map(|root| PathBuf::from(root).join(kind)),
        Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/corpus")
                .join(kind),
        ),
        Some(PathBuf::from("/work/shared/corpus").join(kind)),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("expected.json").is_file())
}

fn corpus_dir() -> Option<PathBuf> {
    corpus("geojson")
}

fn expected(dir: &Path) -> Vec<serde_json::Value> {
    serde_json::from_slice(
        &std::fs::read(dir.join("expected.json")).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The verdict of a read, as `expected.json` names them.
fn verdict<T>(result: &Result<parkland::formats::Import, T>) -> &'static str {
    match result {
        Err(_) => "reject",
        Ok(import) if import.report.is_clean() => "load",
        Ok(_) => "load_with_warnings",
    }
}

fn accepted(verdict: &str, expect: &str, alternative: &str) -> bool {
    verdict == expect
        || alternative.starts_with(verdict)
        || (expect == "load_with_warnings" && alternative == "load" && verdict == "load")
        || (expect == "load"
            && alternative == "load_with_warnings"
            && verdict == "load_with_warnings")
}

#[test]
fn corpus_verdicts_counts_and_areas() {
    let Some(dir) = corpus_dir() else {
        crate::skip_or_fail("the corpus ../shared/corpus/geojson/ is absent");
        return;
    };
    let mut failures = Vec::new();
    for case in &expected(&dir) {
        let file = case["file"].as_str().unwrap_or_default();
        let expect = case["expect"].as_str().unwrap_or_default();
        let alternative = case["acceptable_alternative"].as_str().unwrap_or_default();
        let result = read_geojson_file(&dir.join(file));
        let verdict = verdict(&result);
        if !accepted(verdict, expect, alternative) {
            failures.push(format!(
                "{file}: expected {expect} (or {alternative:?}), got {verdict}: {result:?}"
            ));
            continue;
        }
        let Ok(import) = result else { continue };
        // Loaded: counts and area. The expected area is for the file as read, or after
        // auto-closing a ring where the acceptable alternative is to do so.
        let polygons = case["polygon_features"].as_u64().unwrap_or_default() as usize;
        let empty = case["empty_polygon_features"].as_u64().unwrap_or_default() as usize;
        if import.features.len() != polygons - empty {
            failures.push(format!(
                "{file}: {} features loaded, expected {}",
                import.features.len(),
                polygons - empty
            ));
        }
        let area = case["geodesic_area_m2"]
            .as_f64()
            .or_else(|| case["geodesic_area_m2_if_ring_auto_closed"].as_f64())
            .unwrap_or_default();
        let tolerance = if area > 1e11 { 0.01 } else { 0.001 };
        if ((import.report.area_m2 - area) / area).abs() > tolerance {
            failures.push(format!(
                "{file}: area {} m², expected {area}",
                import.report.area_m2
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rejections_explain_themselves() {
    let Some(dir) = corpus_dir() else {
        crate::skip_or_fail("the corpus ../shared/corpus/geojson/ is absent");
        return;
    };
    let cases = [
        ("cn_git_lfs_pointer.geojson", "Git LFS pointer"),
        ("invalid_json_missing_comma.geojson", "line 3 column 5"),
        ("empty_file_0_bytes.geojson", "empty"),
        ("lowercase_type_names.geojson", "case-sensitive"),
        (
            "landuse_catania_it_webmercator_nocrs.geojson",
            "look projected",
        ),
        (
            "geometrycollection_webmercator_crs_null.json",
            "look projected",
        ),
    ];
    for (file, expected) in cases {
        match read_geojson_file(&dir.join(file)) {
            Ok(_) => panic!("{file} should be rejected"),
            Err(rejected) => {
                let message = rejected.to_string();
                assert!(message.contains(file), "{message}");
                assert!(
                    message.contains(expected),
                    "{file}: {expected:?} not in {message:?}"
                );
            }
        }
    }
}

/// Every Shapefile set of the corpus: the verdict, the counts (features, multipart features,
/// holes by containment), the geodesic area, the first record's attributes decoded in the
/// right encoding, and for a rejection a reason naming the problem. GDAL counts the same
/// records and, told the encoding, reads the same first attribute.
#[test]
fn shapefile_corpus_verdicts_counts_areas_and_attributes() {
    let Some(dir) = corpus("shapefile") else {
        crate::skip_or_fail("the corpus ../shared/corpus/shapefile/ is absent");
        return;
    };
    let mut failures = Vec::new();
    for case in &expected(&dir) {
        let file = case["file"].as_str().unwrap_or_default();
        let path = dir.join(file);
        let expect = case["expect"].as_str().unwrap_or_default();
        let alternative = case["acceptable_alternative"].as_str().unwrap_or_default();
        let result = read_file(&path);
        let verdict = verdict(&result);
        if !accepted(verdict, expect, alternative) {
            failures.push(format!(
                "{file}: expected {expect}, got {verdict}: {result:?}"
            ));
            continue;
        }
        let import = match result {
            Err(rejected) => {
                // The reason names the problem: the shape type, or the missing CRS.
                let text = rejected.to_string();
                let named = ["PolyLine", "Point", "projected"]
                    .iter()
                    .any(|word| text.contains(word));
                if !named || !text.contains(file.rsplit('/').next().unwrap_or(file)) {
                    failures.push(format!("{file}: the rejection does not say why: {text}"));
                }
                continue;
            }
            Ok(import) => import,
        };
        let single = case["polygon_features"].as_u64().unwrap_or_default() as usize;
        let multi = case["multipolygon_features"].as_u64().unwrap_or_default() as usize;
        let holes = case["holes"].as_u64().unwrap_or_default() as usize;
        let got_multi = import
            .features
            .iter()
            .filter(|f| f.geometry.0.len() > 1)
            .count();
        let got_holes: usize = import
            .features
            .iter()
            .flat_map(|f| &f.geometry.0)
            .map(|p| p.interiors().len())
            .sum();
        if (import.features.len(), got_multi, got_holes) != (single + multi, multi, holes) {
            failures.push(format!(
                "{file}: features/multipart/holes {}/{got_multi}/{got_holes}, expected {}/{multi}/{holes}",
                import.features.len(),
                single + multi
            ));
        }
        let area = case["geodesic_area_m2"].as_f64().unwrap_or_default();
        let tolerance = if area > 1e11 { 0.005 } else { 1e-4 };
        if ((import.report.area_m2 - area) / area).abs() > tolerance {
            failures.push(format!(
                "{file}: area {} m², expected {area}",
                import.report.area_m2
            ));
        }
        if let Some(sample) = case["sample_attribute"].as_object() {
            let first = &import.features[0].properties;
            for (key, want) in sample {
                let got = first.get(key);
                let same = match (got, want) {
                    (Some(serde_json::Value::String(g)), serde_json::Value::String(w)) => g == w,
                    (Some(g), w) => g.as_f64().is_some() && g.as_f64() == w.as_f64(),
                    (None, _) => false,
                };
                if !same {
                    failures.push(format!("{file}: {key} is {got:?}, expected {want}"));
                }
            }
        }
        gdal_agrees(&path, &import, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `ogrinfo` counts the same records; told the encoding Parkland chose, it reads the first
/// text attribute the same way.
fn gdal_agrees(path: &Path, import: &parkland::formats::Import, failures: &mut Vec<String>) {
    let file = path.display().to_string();
    let encoding = import.report.encoding.as_deref().map_or("UTF-8", |e| {
        if e.starts_with("UTF-8") {
            "UTF-8"
        } else {
            "CP936"
        }
    });
    let output = match std::process::Command::new("ogrinfo")
        .args([
            "-ro",
            "-al",
            "-fid",
            "0",
            "--config",
            "SHAPE_ENCODING",
            encoding,
            &file,
        ])
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::skip_or_fail("ogrinfo not found (apt-get install gdal-bin)");
            return;
        }
        Err(e) => panic!("ogrinfo: {e}"),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let count = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse::<usize>().ok());
    if count != Some(import.report.features_read) {
        failures.push(format!(
            "{file}: GDAL counts {count:?} records, Parkland read {}",
            import.report.features_read
        ));
    }
    if let Some((key, serde_json::Value::String(value))) = import.features[0]
        .properties
        .iter()
        .find(|(_, v)| v.is_string())
    {
        let line = format!("{key} (String) = {value}");
        if !text.lines().any(|l| l.trim() == line) {
            failures.push(format!("{file}: GDAL does not read `{line}`"));
        }
    }
}

/// Every 国土TXT file of the corpus: the verdict, the parcels, the zone, the plane area (the
/// Gauss-Krüger plane's) and the geodesic area.
#[test]
fn guotu_txt_corpus_zones_and_areas() {
    let Some(dir) = corpus("guotu_txt") else {
        crate::skip_or_fail("the corpus ../shared/corpus/guotu_txt/ is absent");
        return;
    };
    let mut failures = Vec::new();
    for case in &expected(&dir) {
        let file = case["file"].as_str().unwrap_or_default();
        let result = read_file(&dir.join(file));
        let verdict = verdict(&result);
        let expect = case["expect"].as_str().unwrap_or_default();
        if !accepted(
            verdict,
            expect,
            case["acceptable_alternative"].as_str().unwrap_or_default(),
        ) {
            failures.push(format!(
                "{file}: expected {expect}, got {verdict}: {result:?}"
            ));
            continue;
        }
        let Ok(import) = result else { continue };
        let features = case["features"].as_u64().unwrap_or_default() as usize;
        let epsg = format!("EPSG:{}", case["crs_epsg"].as_u64().unwrap_or_default());
        if import.features.len() != features || import.report.crs != epsg {
            failures.push(format!(
                "{file}: {} parcels in {}, expected {features} in {epsg}",
                import.features.len(),
                import.report.crs
            ));
        }
        let plane: f64 = import
            .features
            .iter()
            .filter_map(|f| {
                f.properties
                    .get("plane_area_m2")
                    .and_then(serde_json::Value::as_f64)
            })
            .sum();
        let want_plane = case["planar_area_m2"].as_f64().unwrap_or_default();
        let want_geodesic = case["geodesic_area_m2"].as_f64().unwrap_or_default();
        // The plane area Parkland gives every parcel (ellipsoidal area × the zone's scale
        // factor squared) against the plane area of the file's own coordinates.
        let scaled: f64 = import
            .features
            .iter()
            .filter_map(|f| parkland::geometry::plane_area_m2(&f.geometry, f.area_m2))
            .map(|(_, area)| area)
            .sum();
        if ((scaled - want_plane) / want_plane).abs() > 1e-6 {
            failures.push(format!(
                "{file}: plane area from the ellipsoid {scaled} m², expected {want_plane}"
            ));
        }
        if ((plane - want_plane) / want_plane).abs() > 1e-6
            || ((import.report.area_m2 - want_geodesic) / want_geodesic).abs() > 1e-4
        {
            failures.push(format!(
                "{file}: plane {plane} m² (expected {want_plane}), geodesic {} m² (expected {want_geodesic})",
                import.report.area_m2
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
