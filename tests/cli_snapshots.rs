//! The command line's output pinned by snapshots (insta): `--help` of every subcommand, and
//! the human and `--json` output with the exit code of `check`, `summary` and `ledger
//! list/history/add` (good and bad input) on the sample park. A change in wording or in a
//! number shows up in review as a changed `.snap` file.
//!
//! Times, temporary paths and the OS account are replaced by placeholders so that the
//! snapshots are the same on every machine and every day. Update with
//! `INSTA_UPDATE=always cargo test --test tests cli_snapshots` and review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn home(name: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("parkland-snap-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    home
}

/// Runs the binary; the exit code, stdout and stderr as one text.
fn run(home: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TZ", "Asia/Shanghai")
        .env("COLUMNS", "100")
        .env_remove("USER")
        .current_dir(home)
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"));
    let mut text = format!("exit: {}\n", output.status.code().unwrap_or(-1));
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stderr.trim().is_empty() {
        text.push_str("--- stderr ---\n");
        text.push_str(&stderr);
    }
    text
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

/// Placeholders for what changes from run to run.
fn settings(home: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots_cli");
    settings.set_prepend_module_to_snapshot(false);
    let account = whoami::username().unwrap_or_default();
    let mut filters: Vec<(String, String)> = vec![
        (
            regex_escape(&home.display().to_string()),
            "[HOME]".to_owned(),
        ),
        (
            regex_escape(env!("CARGO_MANIFEST_DIR")),
            "[REPO]".to_owned(),
        ),
        (
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z".to_owned(),
            "[UTC TIME]".to_owned(),
        ),
        (
            r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2}".to_owned(),
            "[LOCAL TIME]".to_owned(),
        ),
    ];
    if !account.is_empty() {
        filters.push((
            format!(r"\b{}\b", regex_escape(&account)),
            "[ACCOUNT]".to_owned(),
        ));
    }
    for (pattern, replacement) in filters {
        settings.add_filter(&pattern, replacement);
    }
    settings
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[test]
fn help_of_every_subcommand() {
    let home = home("help");
    let _guard = settings(&home).bind_to_scope();
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["summary", "--help"],
        &["ledger", "--help"],
        &["ledger", "add", "--help"],
        &["ledger", "edit", "--help"],
        &["ledger", "void", "--help"],
        &["ledger", "restore", "--help"],
        &["ledger", "correct", "--help"],
        &["ledger", "history", "--help"],
        &["ledger", "list", "--help"],
        &["ledger", "import", "--help"],
        &["ledger", "export", "--help"],
        &["ledger", "copy", "--help"],
        &["db", "init", "--help"],
        &["db", "grant", "--help"],
        &["enterprise", "--help"],
        &["export", "--help"],
        &["render", "--help"],
        &["report", "--help"],
    ] {
        let name = format!("help_{}", args[..args.len() - 1].join("_"));
        let name = if name == "help_" {
            "help".to_owned()
        } else {
            name
        };
        insta::assert_snapshot!(name, run(&home, args));
    }
}

#[test]
fn check_human_and_json() {
    let home = home("check");
    let _guard = settings(&home).bind_to_scope();
    let bad = home.join("broken.geojson");
    std::fs::write(&bad, "{\"type\": \"Polygon\",\n \"coordinates\" [] }")
        .unwrap_or_else(|e| panic!("{e}"));
    let good = repo("sample_parcels/districts.geojson");
    let bad = bad.display().to_string();
    insta::assert_snapshot!("check", run(&home, &["check", &good, &bad]));
    insta::assert_snapshot!("check_json", run(&home, &["check", "--json", &good, &bad]));
    // A parcel file that cannot be read refuses every command the same way: exit 2.
    for command in [
        &["summary"][..],
        &["ledger", "list"],
        &["export", "--gpkg", "x.gpkg"],
    ] {
        let mut args = command.to_vec();
        args.extend(["--parcels", bad.as_str()]);
        insta::assert_snapshot!(format!("refused_{}", command[0]), run(&home, &args));
    }
}

#[test]
fn summary_human_and_json() {
    let home = home("summary");
    let _guard = settings(&home).bind_to_scope();
    insta::assert_snapshot!("summary", run(&home, &["summary"]));
    insta::assert_snapshot!("summary_json", run(&home, &["summary", "--json"]));
}

#[test]
fn ledger_list_history_and_add() {
    let home = home("ledger");
    let _guard = settings(&home).bind_to_scope();
    insta::assert_snapshot!("ledger_list", run(&home, &["ledger", "list"]));
    insta::assert_snapshot!(
        "ledger_list_json",
        run(&home, &["ledger", "list", "--json"])
    );
    let add = [
        "ledger",
        "add",
        "--parcel",
        "LCX-0101",
        "--kind",
        "低效用地",
        "--method",
        "返租共管",
        "--progress",
        "处置中",
        "--operator",
        "张三",
    ];
    insta::assert_snapshot!("ledger_add", run(&home, &add));
    insta::assert_snapshot!("ledger_add_open_case", run(&home, &add));
    insta::assert_snapshot!(
        "ledger_add_bad",
        run(
            &home,
            &[
                "ledger",
                "add",
                "--parcel",
                "LJ-2304",
                "--kind",
                "闲置土地",
                "--progress",
                "已盘活",
                "--method",
                "返租共管",
            ]
        )
    );
    insta::assert_snapshot!(
        "ledger_add_unknown_parcel",
        run(
            &home,
            &[
                "ledger",
                "add",
                "--parcel",
                "XX-9999",
                "--kind",
                "闲置土地",
                "--progress",
                "待认定"
            ]
        )
    );
    insta::assert_snapshot!(
        "ledger_history",
        run(&home, &["ledger", "history", "LCX-0101"])
    );
    insta::assert_snapshot!(
        "ledger_history_json",
        run(&home, &["ledger", "history", "LCX-0101", "--json"])
    );
}
