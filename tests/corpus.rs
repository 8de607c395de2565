//! Real `GeoJSON` from other projects (`../shared/corpus/geojson/`) against `expected.json`.

use parkland::formats::read_geojson_file;
use std::path::PathBuf;

/// `$PARKLAND_CORPUS`, else `../shared/corpus/geojson` beside the checkout, else the
/// workplace's `/work/shared/corpus/geojson`.
fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PARKLAND_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/geojson")),
        Some(PathBuf::from("/work/shared/corpus/geojson")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("expected.json").is_file())
}

#[test]
fn corpus_verdicts_counts_and_areas() {
    let Some(dir) = corpus_dir() else {
        crate::skip_or_fail("the corpus ../shared/corpus/geojson/ is absent");
        return;
    };
    let expected: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(dir.join("expected.json")).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    for case in &expected {
        let file = case["file"].as_str().unwrap_or_default();
        let expect = case["expect"].as_str().unwrap_or_default();
        let alternative = case["acceptable_alternative"].as_str().unwrap_or_default();
        let result = read_geojson_file(&dir.join(file));
        let verdict = match &result {
            Err(_) => "reject",
            Ok(import) if import.report.is_clean() => "load",
            Ok(_) => "load_with_warnings",
        };
        let accepted = verdict == expect
            || alternative.starts_with(verdict)
            || (expect == "load_with_warnings" && alternative == "load" && verdict == "load")
            || (expect == "load"
                && alternative == "load_with_warnings"
                && verdict == "load_with_warnings");
        if !accepted {
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
