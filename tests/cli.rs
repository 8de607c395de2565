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

pub(crate) fn stdout(output: &Output) -> String {
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

/// The figures use the plane area unless `--area ellipsoidal` says otherwise, and every
/// output says which: `area_basis` in JSON, a caption in text.
#[test]
fn summary_figures_use_the_area_basis_chosen_and_say_which() {
    let json = |args: &[&str]| -> serde_json::Value {
        let output = parkland(args);
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
        serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{e}"))
    };
    let plane = json(&["summary", "--json"]);
    let ellipsoidal = json(&["summary", "--json", "--area", "ellipsoidal"]);
    assert_eq!(plane["area_basis"], "plane");
    assert_eq!(ellipsoidal["area_basis"], "ellipsoidal");
    assert_eq!(plane["parcels_outside_zones"], 0);
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or_default();
    // On the plane basis the parcels' figure is the sum of their plane areas; on the
    // ellipsoidal one it is 0.0215 % smaller (zone 36, 1° west of its central meridian).
    let plane_total = f(&plane["total"]["parcel_area_m2"]);
    assert!((plane_total / f(&plane["plane_areas"]["total_m2"]) - 1.0).abs() < 1e-12);
    let ratio = plane_total / f(&ellipsoidal["total"]["parcel_area_m2"]);
    assert!(ratio > 1.000_15 && ratio < 1.000_3, "{ratio}");
    // The districts' areas follow the basis too.
    let ratio = f(&plane["total"]["area_m2"]) / f(&ellipsoidal["total"]["area_m2"]);
    assert!(ratio > 1.000_15 && ratio < 1.000_3, "{ratio}");
    // The 13 plots the park registered measure 536 亩 as registered: in the plane.
    let mu = |m2: f64| m2 * 15.0 / 10_000.0;
    let registered = mu(f(&plane["ledger"]["idle_area_m2"]));
    assert!((registered - 536.0).abs() < 0.005, "{registered}");
    let text = stdout(&parkland(&["summary"]));
    assert!(
        text.contains("面积口径：投影面积（CGCS2000 高斯-克吕格 3° 带）"),
        "{text}"
    );
    let text = stdout(&parkland(&["summary", "--area", "椭球面积"]));
    assert!(text.contains("面积口径：椭球面积"), "{text}");
    let refused = parkland(&["summary", "--area", "cadastral"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("use plane or ellipsoidal"),
        "{refused:?}"
    );
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

/// Runs the binary with a given data folder and time zone.
pub(crate) fn parkland_in(home: &std::path::Path, tz: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TZ", tz)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"))
}

pub(crate) fn fresh_home(name: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("parkland-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    home
}

pub(crate) fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

#[test]
fn a_parcel_with_an_open_case_is_refused_naming_it() {
    let home = fresh_home("open-case");
    let ledger = home.join("ledger.sqlite").display().to_string();
    let list = parkland_in(
        &home,
        "UTC",
        &["ledger", "list", "--json", "--ledger", &ledger],
    );
    let cases = json_of(&list);
    let Some(open) = cases
        .as_array()
        .and_then(|a| a.iter().find(|c| c["parcel_no"] == "LJ-3302"))
        .cloned()
    else {
        panic!("LJ-3302 has a case: {cases}");
    };
    let add = parkland_in(
        &home,
        "UTC",
        &[
            "ledger",
            "add",
            "--ledger",
            &ledger,
            "--parcel",
            "LJ-3302",
            "--kind",
            "闲置土地",
            "--progress",
            "待认定",
        ],
    );
    assert_eq!(add.status.code(), Some(2), "{}", stdout(&add));
    let text = stdout(&add);
    assert!(
        text.contains(&format!("open case ({})", open["id"]))
            && text.contains("nothing was written"),
        "{text}"
    );
    let summary = json_of(&parkland_in(
        &home,
        "UTC",
        &["summary", "--json", "--ledger", &ledger],
    ));
    assert_eq!(summary["ledger"]["entries"], 13);
    let mu = summary["ledger"]["idle_area_m2"]
        .as_f64()
        .unwrap_or_default()
        * 15.0
        / 10_000.0;
    assert_eq!(format!("{mu:.2}"), "536.00");
}

#[test]
fn edit_void_restore_and_correct_from_the_command_line() {
    let home = fresh_home("edit");
    let ledger = home.join("ledger.sqlite").display().to_string();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--ledger", ledger.as_str()]);
        parkland_in(&home, "UTC", &all)
    };
    let before = json_of(&run(&["ledger", "list", "--json"]));
    let Some(case) = before
        .as_array()
        .and_then(|a| a.iter().find(|c| c["progress"] == "identified"))
        .cloned()
    else {
        panic!("an identified case: {before}");
    };
    let id = case["id"].to_string();

    // Only the progress changes; every other stored value stays bit for bit.
    let edit = run(&[
        "ledger",
        "edit",
        &id,
        "--progress",
        "处置中",
        "--operator",
        "张三",
    ]);
    assert_eq!(edit.status.code(), Some(0), "{}", stdout(&edit));
    let after = json_of(&run(&["ledger", "list", "--json"]));
    let Some(edited) = after
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == case["id"]))
    else {
        panic!("case {id}");
    };
    let mut expected = case.clone();
    expected["progress"] = "disposing".into();
    for key in ["version", "updated_at", "updated_by"] {
        expected[key] = edited[key].clone();
    }
    assert_eq!(edited, &expected);
    assert_eq!(
        edited["version"].as_i64(),
        case["version"].as_i64().map(|v| v + 1)
    );

    // A step back is refused as an edit, allowed as a correction with a reason.
    let back = run(&["ledger", "edit", &id, "--progress", "已认定"]);
    assert_eq!(back.status.code(), Some(2), "{}", stdout(&back));
    let no_reason = run(&[
        "ledger",
        "correct",
        &id,
        "--progress",
        "已认定",
        "--reason",
        " ",
    ]);
    assert_eq!(no_reason.status.code(), Some(2));
    let correct = run(&[
        "ledger",
        "correct",
        &id,
        "--progress",
        "已认定",
        "--reason",
        "误操作",
    ]);
    assert_eq!(correct.status.code(), Some(0), "{}", stdout(&correct));

    // Void with a reason: the case leaves every figure; restore brings it back.
    let void = run(&["ledger", "void", &id, "--reason", "重复录入"]);
    assert_eq!(void.status.code(), Some(0), "{}", stdout(&void));
    let summary = json_of(&run(&["summary", "--json"]));
    assert_eq!(summary["ledger"]["entries"], 12);
    let restore = run(&["ledger", "restore", &id]);
    assert_eq!(restore.status.code(), Some(0), "{}", stdout(&restore));
    let summary = json_of(&run(&["summary", "--json"]));
    assert_eq!(summary["ledger"]["entries"], 13);

    // The history says what changed, field by field, and why.
    let parcel = case["parcel_no"].as_str().unwrap_or_default().to_owned();
    let history = json_of(&run(&["ledger", "history", &parcel, "--json"]));
    let actions: Vec<&str> = history
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["action_label"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(actions[..4], ["恢复", "作废", "更正", "修改"]);
    assert_eq!(history[1]["reason"], "重复录入");
    assert_eq!(history[2]["changes"][0]["field"], "进度");
    assert_eq!(history[2]["changes"][0]["before"], "处置中");
    assert_eq!(history[2]["changes"][0]["after"], "已认定");
    let text = stdout(&run(&["ledger", "history", &parcel]));
    assert!(text.contains("进度 处置中 → 已认定"), "{text}");
    assert!(text.contains("原因: 误操作"), "{text}");

    // Bad input writes nothing.
    let unknown = run(&["ledger", "void", "9999", "--reason", "x"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn history_times_are_local_with_their_offset() {
    let home = fresh_home("tz");
    let ledger = home.join("ledger.sqlite").display().to_string();
    for (tz, offset) in [("Asia/Shanghai", "+08:00"), ("UTC", "+00:00")] {
        let output = parkland_in(
            &home,
            tz,
            &["ledger", "history", "LJ-3302", "--ledger", &ledger],
        );
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        let Some(first) = text.lines().next() else {
            panic!("history: {text}")
        };
        assert!(first.contains(offset), "TZ={tz}: {first}");
        let json = json_of(&parkland_in(
            &home,
            tz,
            &[
                "ledger", "history", "LJ-3302", "--json", "--ledger", &ledger,
            ],
        ));
        let stored = json[0]["at"].as_str().unwrap_or_default().to_owned();
        let local = json[0]["at_local"].as_str().unwrap_or_default().to_owned();
        assert!(stored.ends_with('Z'), "stored in UTC: {stored}");
        assert!(local.ends_with(offset), "TZ={tz}: {local}");
        let instant: jiff::Timestamp = stored.parse().unwrap_or_else(|e| panic!("{e}"));
        let zone = jiff::tz::TimeZone::get(tz).unwrap_or_else(|e| panic!("{e}"));
        let expected = instant
            .to_zoned(zone)
            .strftime("%Y-%m-%d %H:%M:%S %:z")
            .to_string();
        assert_eq!(local, expected);
    }
    // --utc shows the stored time.
    let utc = parkland_in(
        &home,
        "Asia/Shanghai",
        &["ledger", "history", "LJ-3302", "--utc", "--ledger", &ledger],
    );
    assert!(
        stdout(&utc)
            .lines()
            .next()
            .is_some_and(|l| l.contains("+00:00"))
    );
}

#[test]
fn the_sample_cases_never_reach_the_users_own_ledger() {
    let home = fresh_home("own-ledger");
    // On the sample park, with no --ledger: the sample ledger, 13 cases.
    let sample = json_of(&parkland_in(&home, "UTC", &["ledger", "list", "--json"]));
    assert_eq!(sample.as_array().map(Vec::len), Some(13));
    // The user's own parcels with the default ledger: no sample case.
    let parcels = repo_file("sample_parcels/parcels.geojson");
    let own = json_of(&parkland_in(
        &home,
        "UTC",
        &["ledger", "list", "--json", "--parcels", &parcels],
    ));
    assert_eq!(own.as_array().map(Vec::len), Some(0), "{own}");
    let data = home.join("data").join("parkland");
    assert!(data.join("sample-ledger.sqlite").exists());
    assert!(data.join("ledger.sqlite").exists());
}

#[test]
fn the_default_operator_is_the_os_account_even_without_user() {
    let home = fresh_home("operator");
    let ledger = home.join("ledger.sqlite").display().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args([
            "ledger",
            "add",
            "--ledger",
            &ledger,
            "--parcel",
            "LCX-0101",
            "--kind",
            "闲置土地",
            "--progress",
            "待认定",
        ])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("USER")
        .env_remove("USERNAME")
        .env_remove("LOGNAME")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let history = json_of(&parkland_in(
        &home,
        "UTC",
        &[
            "ledger", "history", "LCX-0101", "--json", "--ledger", &ledger,
        ],
    ));
    let account = whoami::username().unwrap_or_else(|e| panic!("{e}"));
    assert!(!account.is_empty());
    assert_eq!(history[0]["operator"], account.as_str());
}

/// clap's own consistency check of every command and flag (an id used twice, a `requires`
/// naming no flag): a definition error would otherwise show only when the flag is given.
#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory as _;
    parkland::cli::Cli::command().debug_assert();
}

/// `export --txt` with `--parcel`: only the parcels named, read back by `check`; a number the
/// park lacks exits 2, names it and writes nothing.
#[test]
fn export_txt_writes_the_parcels_named_and_refuses_unknown_ones() {
    let dir = std::env::temp_dir().join(format!("parkland-cli-txt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("two.txt");
    let file = path.display().to_string();
    let output = parkland(&[
        "export", "--txt", &file, "--parcel", "LJ-2304", "--parcel", "WX-0803",
    ]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout(&output).contains("2 parcels"), "{}", stdout(&output));
    let check = parkland(&["check", &file]);
    assert!(
        stdout(&check).contains("2 features read, 2 loaded"),
        "{}",
        stdout(&check)
    );
    assert!(stdout(&check).contains("EPSG:4524"), "{}", stdout(&check));
    let missing = dir.join("none.txt");
    let output = parkland(&[
        "export",
        "--txt",
        &missing.display().to_string(),
        "--parcel",
        "XX-9999",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("XX-9999"), "{}", stdout(&output));
    assert!(!missing.exists(), "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check --topology`: the sample park is clean (exit 0); a file with a copied parcel under a
/// new number and one copied as it is gives identical geometries and a duplicate number, in
/// JSON for scripts (exit 1).
#[test]
fn check_topology_reports_what_it_finds() {
    let clean = parkland(&["check", "--topology"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(
        stdout(&clean).contains("0 finding(s)"),
        "{}",
        stdout(&clean)
    );

    let mut collection = crate::sample_parcels_with_copy(0, "COPY-1");
    let features = collection["features"].as_array_mut().expect("features");
    let twin = features[5].clone();
    let twin_no = twin["properties"]["parcel_no"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    features.push(twin);
    let file = scratch("topology.geojson", &collection.to_string());
    let output = parkland(&["check", "--topology", "--json", &file]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report: serde_json::Value =
        serde_json::from_str(stdout(&output).trim()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report["parcels"], 359);
    assert_eq!(
        report["identical_geometries"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        report["duplicate_numbers"][0]["parcel_no"],
        twin_no.as_str()
    );
    assert_eq!(
        report["overlaps"].as_array().map(Vec::len),
        Some(0),
        "identical, not overlaps"
    );
}

/// `--crs`: files that name no CRS (a Shapefile without `.prj`, a `GeoJSON` in metres without
/// `crs`, a 国土TXT without zone) are refused with the suggestion, and read in the CRS given
/// with it as the sample park; a CRS Parkland does not know is refused by clap (exit 2).
#[test]
fn crs_names_the_crs_of_files_that_name_none() {
    let dir = std::env::temp_dir().join(format!("parkland-cli-crs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let total: f64 = park.parcels.iter().map(|p| p.areas.ellipsoidal_m2).sum();
    // A Shapefile in zone 36 without its .prj.
    let shp = dir.join("noprj.shp");
    parkland::formats::write_shapefile(&park, &[], &shp).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(shp.with_extension("prj")).unwrap_or_else(|e| panic!("{e}"));
    // GeoJSON in zone 36 without its crs member.
    let gk = dir.join("gk.geojson");
    parkland::formats::write_geojson(&park, &[], &gk, parkland::formats::GeoJsonCrs::GaussKruger)
        .unwrap_or_else(|e| panic!("{e}"));
    let geojson = std::fs::read_to_string(&gk).unwrap_or_else(|e| panic!("{e}"));
    let crs_member = geojson.find("\"crs\":").expect("a crs member");
    let end = geojson[crs_member..].find("}},").expect("its end") + crs_member + 3;
    std::fs::write(
        &gk,
        format!("{}{}", &geojson[..crs_member], &geojson[end..]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // 国土TXT by central meridian (no zone number in the eastings) without 带号.
    let txt = dir.join("nozone.txt");
    let parcels: Vec<&parkland::model::Parcel> = park.parcels.iter().collect();
    let cm108 = parkland::crs::Crs::from_epsg(4545).expect("EPSG:4545");
    let (body, _) = parkland::formats::guotu_txt::guotu_txt_text(&parcels, &cm108)
        .unwrap_or_else(|e| panic!("{e}"));
    let body = body
        .lines()
        .filter(|l| !l.starts_with("带号="))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&txt, body).unwrap_or_else(|e| panic!("{e}"));

    for (file, crs) in [(&shp, "EPSG:4524"), (&gk, "EPSG:4524"), (&txt, "EPSG:4545")] {
        let name = file.display().to_string();
        let refused = parkland(&["check", &name]);
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{name}: {}",
            stdout(&refused)
        );
        assert!(
            stdout(&refused).contains("--crs"),
            "{name}: {}",
            stdout(&refused)
        );
        let read = parkland(&["check", "--json", "--crs", crs, &name]);
        assert_eq!(read.status.code(), Some(0), "{name}: {}", stdout(&read));
        let report: serde_json::Value =
            serde_json::from_str(stdout(&read).trim()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report["crs"], crs, "{name}");
        let area = report["area_m2"].as_f64().unwrap_or_default();
        assert!((area - total).abs() < 5.0, "{name}: {area} against {total}");
    }
    let unknown = parkland(&["check", "--crs", "EPSG:32649", &shp.display().to_string()]);
    assert_eq!(unknown.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
