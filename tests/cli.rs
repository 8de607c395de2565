//! The `parkland` binary: output and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the binary with a private data folder, so that the default ledger is a new one.
fn parkland(args: &[&str]) -> Output {
    let home = std::env::temp_dir().join(format!(
        "parkland-cli-home-{}-{}",
        std::process::id(),
        args.join("_").len()
    ));
    Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn repo_file(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

fn scratch(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("parkland-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

#[test]
fn check_json_reports_each_file_on_its_own_line() {
    let good = repo_file("sample_parcels/districts.geojson");
    let bad = scratch(
        "broken.geojson",
        "{\"type\": \"Polygon\",\n \"coordinates\" [] }",
    );
    let output = parkland(&["check", "--json", &good, &bad]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a rejected file gives exit code 2"
    );
    let text = stdout(&output);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["status"], "ok");
    assert_eq!(lines[0]["features_read"], 3);
    assert_eq!(lines[0]["parcels_loaded"], 3);
    assert_eq!(lines[0]["skipped"], 0);
    assert_eq!(lines[0]["invalid_geometries"], 0);
    assert_eq!(lines[0]["crs"], "OGC:CRS84");
    let area = lines[0]["area_m2"].as_f64().unwrap_or_default();
    assert!((area - 11_230_000.0).abs() < 11_230_000.0 * 0.005, "{area}");
    assert_eq!(lines[1]["status"], "rejected");
    assert_eq!(lines[1]["file"], bad.as_str());
    let message = lines[1]["messages"][0]["text"].as_str().unwrap_or_default();
    assert!(message.contains("line 2"), "{message}");
    assert_eq!(lines[1]["messages"][0]["level"], "error");
}

#[test]
fn check_exits_zero_and_reports_warnings_in_text() {
    let warn = scratch(
        "open-ring.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"A-1","properties":{},"geometry":{"type":"Polygon","coordinates":[[[107,33],[107.01,33],[107.01,33.01],[107,33.01]]]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[107,33]}}]}"#,
    );
    let output = parkland(&["check", &warn]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("loaded with warnings"), "{text}");
    assert!(
        text.contains("2 features read, 1 loaded, 1 skipped"),
        "{text}"
    );
    assert!(
        text.contains("feature 0 (id A-1)") && text.contains("not closed"),
        "{text}"
    );
    assert!(
        text.contains("feature 1") && text.contains("Point"),
        "{text}"
    );
    assert!(text.contains("亩"), "{text}");
}

#[test]
fn summary_json_has_the_documented_keys_and_the_sample_figures() {
    let output = parkland(&["summary", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let summary: serde_json::Value =
        serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{e}"));
    let districts = summary["districts"].as_array().cloned().unwrap_or_default();
    assert_eq!(districts.len(), 3);
    for d in &districts {
        for key in [
            "code",
            "name",
            "area_m2",
            "parcels",
            "parcel_area_m2",
            "idle_parcels",
            "idle_area_m2",
        ] {
            assert!(d.get(key).is_some(), "district lacks {key}: {d}");
        }
    }
    // The ledger registers the 13 plots and 536 亩 of the park's summary; five of them are
    // revitalized, so eight parcels are idle or low-efficiency now.
    let ledger = &summary["ledger"];
    assert_eq!(ledger["entries"], 13);
    let registered_mu = ledger["idle_area_m2"].as_f64().unwrap_or_default() * 15.0 / 10_000.0;
    assert!((registered_mu - 536.0).abs() < 0.005, "{registered_mu}");
    let total = &summary["total"];
    assert_eq!(total["idle_parcels"], 8);
    let idle_mu = total["idle_area_m2"].as_f64().unwrap_or_default() * 15.0 / 10_000.0;
    assert!(idle_mu > 0.0 && idle_mu < registered_mu, "{idle_mu}");
    let km2 = total["area_m2"].as_f64().unwrap_or_default() / 1e6;
    assert!((km2 - 11.23).abs() < 0.0562, "{km2}");
}

#[test]
fn summary_reads_files_from_disk_and_text_shows_districts() {
    let output = parkland(&[
        "summary",
        "--districts",
        &repo_file("sample_parcels/districts.geojson"),
        "--parcels",
        &repo_file("sample_parcels/parcels.geojson"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for name in ["梁产城新区", "两江工业区", "吴溪工业区", "园区合计"] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
}

#[test]
fn summary_with_a_rejected_file_exits_2_naming_it() {
    let bad = scratch("empty.geojson", "");
    let output = parkland(&["summary", "--parcels", &bad]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.contains("empty.geojson") && text.contains("empty"),
        "{text}"
    );
}

#[test]
fn summary_json_adds_the_sample_ledger() {
    let ledger = scratch("summary-ledger.sqlite", "");
    std::fs::remove_file(&ledger).unwrap_or_else(|e| panic!("{e}"));
    let output = parkland(&["summary", "--json", "--ledger", &ledger]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{e}"));
    let ledger = &summary["ledger"];
    assert_eq!(ledger["entries"], 13);
    let mu = |key: &str| ledger[key].as_f64().unwrap_or_default() * 15.0 / 10_000.0;
    assert!((mu("idle_area_m2") - 536.0).abs() < 5.36, "{ledger}");
    assert!((mu("revitalized_land_m2") - 120.0).abs() < 1e-6, "{ledger}");
    assert!(
        (ledger["revitalized_building_m2"]
            .as_f64()
            .unwrap_or_default()
            - 44_000.0)
            .abs()
            < 1e-6
    );
    assert!(
        ledger["by_method"]["返租共管"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{ledger}"
    );
    assert!(
        ledger["by_progress"]["已盘活"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{ledger}"
    );
}

#[test]
fn ledger_add_validates_like_the_form_and_writes_nothing_on_bad_input() {
    let ledger = scratch("add-ledger.sqlite", "");
    std::fs::remove_file(&ledger).unwrap_or_else(|e| panic!("{e}"));
    let count = |ledger: &str| {
        let output = parkland(&["ledger", "list", "--json", "--ledger", ledger]);
        serde_json::from_str::<serde_json::Value>(&stdout(&output))
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .unwrap_or_default()
    };
    assert_eq!(
        count(&ledger),
        13,
        "a new ledger with the sample park gets the sample ledger"
    );

    // Revitalized with no revitalized area: refused beside its flag, exit 2, nothing written.
    let bad = parkland(&[
        "ledger",
        "add",
        "--ledger",
        &ledger,
        "--parcel",
        "LJ-2304",
        "--kind",
        "低效用地",
        "--method",
        "返租共管",
        "--progress",
        "已盘活",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stdout(&bad).contains("--revitalized-land-mu"),
        "{}",
        stdout(&bad)
    );
    let unknown = parkland(&[
        "ledger",
        "add",
        "--ledger",
        &ledger,
        "--parcel",
        "XX-9999",
        "--kind",
        "idle_land",
        "--progress",
        "pending",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    let bad_method = parkland(&[
        "ledger",
        "add",
        "--ledger",
        &ledger,
        "--parcel",
        "LJ-2304",
        "--kind",
        "低效用地",
        "--method",
        "卖掉",
        "--progress",
        "处置中",
    ]);
    assert_eq!(bad_method.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_method.stderr).contains("返租共管"),
        "lists the choices"
    );
    assert_eq!(count(&ledger), 13);

    let good = parkland(&[
        "ledger",
        "add",
        "--ledger",
        &ledger,
        "--parcel",
        "LJ-2304",
        "--kind",
        "low_efficiency",
        "--subtype",
        "建而未投",
        "--method",
        "返租共管",
        "--method",
        "合作共建",
        "--progress",
        "已盘活",
        "--revitalized-land-mu",
        "12.5",
        "--revitalized-building-m2",
        "3000",
        "--completed-on",
        "2025-06-30",
        "--operator",
        "张三",
    ]);
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}{}",
        stdout(&good),
        String::from_utf8_lossy(&good.stderr)
    );
    assert_eq!(count(&ledger), 14);
    let history = parkland(&[
        "ledger", "history", "LJ-2304", "--json", "--ledger", &ledger,
    ]);
    let events: serde_json::Value = serde_json::from_str(&stdout(&history)).unwrap_or_default();
    assert_eq!(events[0]["operator"], "张三");
    assert_eq!(
        events[0]["after"]["methods"],
        serde_json::json!(["leaseback_co_management", "joint_development"])
    );
}
