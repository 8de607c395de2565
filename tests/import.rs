//! One test per import rule of `formats::read_geojson`.

use parkland::formats::{Import, Level, RejectReason, Rejected, read_geojson};

fn load(text: &str) -> Import {
    match read_geojson(text.as_bytes(), "test.geojson") {
        Ok(import) => import,
        Err(rejected) => panic!(
            "expected to load, got {rejected} {:?}",
            rejected.report.messages
        ),
    }
}

fn reject(text: &[u8]) -> Box<Rejected> {
    match read_geojson(text, "bad.geojson") {
        Ok(import) => panic!(
            "expected a rejection, loaded {} features",
            import.features.len()
        ),
        Err(rejected) => rejected,
    }
}

const SQUARE: &str = "[[0,0],[1,0],[1,1],[0,1],[0,0]]";
const CELL_M2: f64 = 12_308_778_361.469;

fn warnings(import: &Import) -> Vec<String> {
    import
        .report
        .messages
        .iter()
        .filter(|m| m.level == Level::Warning)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn feature_collection_feature_and_bare_geometry_all_load() {
    let bare = load(&format!(r#"{{"type":"Polygon","coordinates":[{SQUARE}]}}"#));
    let feature = load(&format!(
        r#"{{"type":"Feature","id":7,"properties":{{"a":1}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
    ));
    let collection = load(&format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":null,"geometry":{{"type":"MultiPolygon","coordinates":[[{SQUARE}]]}}}}]}}"#
    ));
    for import in [&bare, &feature, &collection] {
        assert_eq!(import.features.len(), 1);
        assert!((import.features[0].area_m2 - CELL_M2).abs() < 1.0);
        assert!(import.report.is_clean(), "{:?}", import.report.messages);
    }
    assert_eq!(feature.features[0].id.as_deref(), Some("7"));
    assert_eq!(feature.features[0].property_text("a").as_deref(), Some("1"));
}

#[test]
fn utf8_bom_is_accepted_and_z_values_dropped() {
    let text = "\u{feff}{\"type\":\"Polygon\",\"coordinates\":[[[0,0,5],[1,0,5],[1,1,5],[0,1,5],[0,0,5]]]}";
    let import = load(text);
    assert!((import.features[0].area_m2 - CELL_M2).abs() < 1.0);
}

#[test]
fn winding_is_ignored_and_holes_always_subtracted() {
    let clockwise = load(r#"{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}"#);
    assert!((clockwise.features[0].area_m2 - CELL_M2).abs() < 1.0);
    let counter_clockwise_hole = "[[0.25,0.25],[0.75,0.25],[0.75,0.75],[0.25,0.75],[0.25,0.25]]";
    let clockwise_hole = "[[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25],[0.25,0.25]]";
    let a = load(&format!(
        r#"{{"type":"Polygon","coordinates":[{SQUARE},{counter_clockwise_hole}]}}"#
    ));
    let b = load(&format!(
        r#"{{"type":"Polygon","coordinates":[{SQUARE},{clockwise_hole}]}}"#
    ));
    assert!((a.features[0].area_m2 - b.features[0].area_m2).abs() < 1e-3);
    assert!(a.features[0].area_m2 < 0.76 * CELL_M2 && a.features[0].area_m2 > 0.74 * CELL_M2);
    assert_eq!(a.features[0].geometry.0[0].interiors().len(), 1);
}

#[test]
fn unclosed_ring_is_closed_with_a_warning() {
    let import = load(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#);
    assert!((import.features[0].area_m2 - CELL_M2).abs() < 1.0);
    let w = warnings(&import);
    assert!(w.iter().any(|w| w.contains("not closed")), "{w:?}");
}

#[test]
fn ring_with_too_few_positions_fails_its_feature_only() {
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","id":"bad","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}}},
        {{"type":"Feature","id":"good","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}]}}"#
    );
    let import = load(&text);
    assert_eq!(import.features.len(), 1);
    assert_eq!(import.report.skipped, 1);
    let error = import
        .report
        .messages
        .iter()
        .find(|m| m.level == Level::Error)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        error.contains("feature 0 (id bad)") && error.contains("at least 4"),
        "{error}"
    );
}

#[test]
fn other_null_and_empty_geometries_are_skipped_with_warnings() {
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[0,0]}}}},
        {{"type":"Feature","properties":{{}},"geometry":null}},
        {{"type":"Feature","properties":{{}},"geometry":{{"type":"MultiPolygon","coordinates":[]}}}},
        {{"type":"Feature","id":"p","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}]}}"#
    );
    let import = load(&text);
    assert_eq!(
        (
            import.report.features_read,
            import.features.len(),
            import.report.skipped
        ),
        (4, 1, 3)
    );
    let w = warnings(&import);
    assert!(
        w.iter()
            .any(|w| w.starts_with("warning: feature 0:") && w.contains("Point")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("feature 1:") && w.contains("null")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("feature 2:") && w.contains("empty MultiPolygon")),
        "{w:?}"
    );
}

#[test]
fn self_intersecting_polygon_loads_flagged_invalid() {
    let import = load(r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#);
    assert_eq!(import.report.invalid_geometries, 1);
    assert!(!import.features[0].valid);
    assert!(
        warnings(&import)
            .iter()
            .any(|w| w.contains("invalid geometry"))
    );
}

#[test]
fn antimeridian_crossing_is_unwrapped_into_one_piece() {
    let import =
        load(r#"{"type":"Polygon","coordinates":[[[170,0],[-170,0],[-170,10],[170,10],[170,0]]]}"#);
    let feature = &import.features[0];
    let xs: Vec<f64> = feature.geometry.0[0]
        .exterior()
        .coords()
        .map(|c| c.x)
        .collect();
    let span =
        xs.iter().copied().fold(f64::MIN, f64::max) - xs.iter().copied().fold(f64::MAX, f64::min);
    assert!(
        (span - 20.0).abs() < 1e-9,
        "drawn 20° wide, not across the world: {xs:?}"
    );
    assert!(feature.valid, "unwrapped box is valid");
    assert!(warnings(&import).iter().any(|w| w.contains("antimeridian")));
    // The same box away from the antimeridian has the same area.
    let reference =
        load(r#"{"type":"Polygon","coordinates":[[[0,0],[20,0],[20,10],[0,10],[0,0]]]}"#);
    assert!((feature.area_m2 - reference.features[0].area_m2).abs() < 1.0);
}

#[test]
fn cgcs2000_gauss_kruger_is_reprojected() {
    // EPSG:4524: 3° zone 36, central meridian 108°E, easting with the zone prefix.
    // A 100 m × 100 m square near 33°N on the central meridian.
    let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4524"}},
      "features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[
      [36500000,3652000],[36500100,3652000],[36500100,3652100],[36500000,3652100],[36500000,3652000]]]}}]}"#;
    let import = load(text);
    assert_eq!(import.report.crs, "EPSG:4524");
    let feature = &import.features[0];
    let first = feature.geometry.0[0].exterior().0[0];
    // Reference from PROJ (pyproj, EPSG:4524 → EPSG:4490).
    assert!(
        (first.x - 108.0).abs() < 1e-9 && (first.y - 32.993_255_064).abs() < 1e-8,
        "{first:?}"
    );
    // Gauss-Krüger has scale 1 on the central meridian: the square is 10,000 m² to 0.01%.
    assert!(
        (feature.area_m2 - 10_000.0).abs() < 1.0,
        "{}",
        feature.area_m2
    );
}

#[test]
fn web_mercator_crs_is_reprojected() {
    let text = r#"{"type":"Feature","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"properties":{},
      "geometry":{"type":"Polygon","coordinates":[[[0,0],[111319.49079327357,0],[111319.49079327357,111325.14286638486],[0,111325.14286638486],[0,0]]]}}"#;
    let import = load(text);
    assert!((import.features[0].area_m2 - CELL_M2).abs() / CELL_M2 < 1e-6);
}

#[test]
fn unknown_crs_is_rejected_by_name() {
    let text = r#"{"type":"Polygon","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#;
    let rejected = reject(text.as_bytes());
    assert!(matches!(rejected.reason, RejectReason::Crs(_)));
    assert!(rejected.to_string().contains("EPSG::2154"), "{rejected}");
}

#[test]
fn projected_coordinates_without_crs_are_rejected_with_advice() {
    let text = r#"{"type":"Polygon","coordinates":[[[36500000,3652000],[36500100,3652000],[36500100,3652100],[36500000,3652000]]]}"#;
    let message = reject(text.as_bytes()).to_string();
    assert!(
        message.contains("look projected") && message.contains("EPSG:4513"),
        "{message}"
    );
}

#[test]
fn files_that_are_not_geojson_say_what_they_are() {
    let cases: [(&[u8], &str); 7] = [
        (b"", "empty"),
        (b"  \n", "empty"),
        (
            b"{\"type\": \"Polygon\"\n  \"coordinates\": []}",
            "line 2 column 3",
        ),
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:84\nsize 12\n",
            "Git LFS pointer",
        ),
        (
            br#"{"displayFieldName":"","geometryType":"esriGeometryPolygon","features":[]}"#,
            "Esri JSON",
        ),
        (
            br#"{"type":"featurecollection","features":[]}"#,
            "did you mean \"FeatureCollection\"",
        ),
        (br"[1,2,3]", "an array"),
    ];
    for (bytes, expected) in cases {
        let message = reject(bytes).to_string();
        assert!(message.starts_with("bad.geojson: "), "{message}");
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
    }
}

#[test]
fn a_file_without_any_polygon_is_rejected() {
    let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
    let rejected = reject(text.as_bytes());
    assert!(matches!(rejected.reason, RejectReason::NoPolygons(_)));
    assert_eq!(rejected.report.features_read, 1);
}

mod never_panics {
    use super::read_geojson;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            (-1e8f64..1e8).prop_map(serde_json::Value::from),
            prop_oneof![
                Just("Feature"),
                Just("FeatureCollection"),
                Just("Polygon"),
                Just("MultiPolygon"),
                Just("GeometryCollection"),
                Just("Point"),
                Just("EPSG:4527"),
                Just("x")
            ]
            .prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("type"),
                            Just("features"),
                            Just("geometry"),
                            Just("coordinates"),
                            Just("properties"),
                            Just("geometries"),
                            Just("crs"),
                            Just("id"),
                            Just("name")
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|kv| serde_json::Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = read_geojson(&bytes, "fuzz");
        }

        #[test]
        fn arbitrary_geojson_like_documents(value in json_value()) {
            let text = value.to_string();
            if let Ok(import) = read_geojson(text.as_bytes(), "fuzz") {
                prop_assert!(!import.features.is_empty());
                for f in &import.features {
                    prop_assert!(f.area_m2.is_finite());
                }
            }
        }
    }
}

/// A collection big enough to be read in several pieces on all cores, with features that
/// have no number, that are skipped, that go to the lenient reader, and that convert with a
/// message; `crs_last` puts the `crs` member after the features, which the parallel reader
/// leaves to the sequential one.
fn big_collection(n: usize, crs_last: bool) -> String {
    let features: Vec<String> = (0..n)
        .map(|i| {
            let (x, y) = (107.0 + (i % 100) as f64 * 0.001, 33.0 + (i / 100) as f64 * 0.001);
            let ring = if i % 13 == 0 {
                // Not closed: the lenient reader closes it, with a warning.
                format!("[[{x},{y}],[{},{y}],[{},{}],[{x},{}]]", x + 0.0005, x + 0.0005, y + 0.0005, y + 0.0005)
            } else {
                format!(
                    "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
                    x + 0.0005,
                    x + 0.0005,
                    y + 0.0005,
                    y + 0.0005
                )
            };
            let geometry = if i % 7 == 0 {
                format!(r#"{{"type":"Point","coordinates":[{x},{y}]}}"#)
            } else {
                format!(r#"{{"type":"Polygon","coordinates":[{ring}]}}"#)
            };
            let number = if i % 3 == 0 { String::new() } else { format!(r#""parcel_no":"P{i}","#) };
            let status = if i % 11 == 0 { "空置" } else { "在用" };
            format!(
                r#"{{"type":"Feature","properties":{{{number}"holder":"某某食品 ,{{ {i}","status":"{status}","note":"{}"}},"geometry":{geometry}}}"#,
                "x".repeat(200)
            )
        })
        .collect();
    let crs = r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"#;
    if crs_last {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}],{crs}}}"#,
            features.join(",\n")
        )
    } else {
        format!(
            r#"{{"type":"FeatureCollection",{crs},"features":[{}]}}"#,
            features.join(",\n")
        )
    }
}

#[test]
fn a_file_read_in_pieces_numbers_and_reports_every_feature_as_a_sequential_read() {
    let n = 16_000;
    let parallel_text = big_collection(n, false);
    // Big enough to be cut in pieces, and to be read from a file piece by piece.
    assert!(parallel_text.len() > 4 << 20, "cut in several pieces");
    let progress = parkland::layer::Progress::new();
    let read = |text: &str| {
        parkland::layer::read_parcels(text.as_bytes(), "big.geojson", &progress).expect("loads")
    };
    let (parallel, parallel_report) = read(&parallel_text);
    let (sequential, sequential_report) = read(&big_collection(n, true));

    // Read from a file, piece by piece, it is the same again.
    let path = std::env::temp_dir().join(format!("parkland-big-{}.geojson", std::process::id()));
    std::fs::write(&path, &parallel_text).expect("write");
    let (from_file, file_report) =
        parkland::formats::read_geojson_file_as::<parkland::model::Parcel>(&path, &progress)
            .expect("loads from the file");
    let _ = std::fs::remove_file(&path);
    assert_eq!(from_file.len(), parallel.len());
    for (a, b) in from_file.iter().zip(&parallel) {
        assert_eq!(
            (&a.parcel_no, a.feature_index, &a.holder, &a.geometry),
            (&b.parcel_no, b.feature_index, &b.holder, &b.geometry)
        );
    }
    assert_eq!(file_report.messages, parallel_report.messages);

    // What each path read is the same, parcel by parcel and message by message.
    assert_eq!(parallel.len(), sequential.len());
    for (a, b) in parallel.iter().zip(&sequential) {
        assert_eq!(
            (&a.parcel_no, a.feature_index, &a.holder),
            (&b.parcel_no, b.feature_index, &b.holder)
        );
        assert_eq!(a.area_m2.to_bits(), b.area_m2.to_bits());
    }
    let texts = |report: &parkland::formats::ImportReport| -> Vec<String> {
        report.messages.iter().map(ToString::to_string).collect()
    };
    let (a, b) = (texts(&parallel_report), texts(&sequential_report));
    assert_eq!(a.len(), b.len());
    if let Some((a, b)) = a.iter().zip(&b).find(|(a, b)| a != b) {
        panic!("the messages differ, first at {a:?} against {b:?}");
    }
    assert_eq!(
        parallel_report.area_m2.to_bits(),
        sequential_report.area_m2.to_bits()
    );

    // And it is right: every feature at its place in the file, points skipped.
    assert_eq!(parallel_report.features_read, n);
    assert_eq!(parallel.len(), n - n.div_ceil(7));
    for parcel in &parallel {
        let i = parcel.feature_index;
        assert_ne!(i % 7, 0, "a point was loaded");
        let expected = if i % 3 == 0 {
            format!("#{}", i + 1)
        } else {
            format!("P{i}")
        };
        assert_eq!(parcel.parcel_no, expected);
        assert_eq!(
            parcel.holder.as_deref(),
            Some(format!("某某食品 ,{{ {i}").as_str())
        );
    }
    let indexes: Vec<usize> = parallel_report
        .messages
        .iter()
        .map(|m| m.feature.as_ref().expect("about a feature").index)
        .collect();
    assert!(indexes.is_sorted(), "messages in feature order");
    for (i, what) in [(7, "Point"), (11 * 2, "空置"), (13, "not closed")] {
        assert!(
            parallel_report.messages.iter().any(|m| m
                .feature
                .as_ref()
                .is_some_and(|f| f.index == i)
                && m.text.contains(what)),
            "feature {i}: {what}"
        );
    }
}
