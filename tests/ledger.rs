//! What only the SQLite file does: migrations of old files, corruption, backup and restore,
//! the kill test and the county export. What both back ends do is in `conformance`.

use parkland::ledger::{Ledger, LedgerError, SCHEMA_VERSION};
use parkland::model::{DisposalMethod, IdleKind, LedgerEntry, Progress};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-ledger-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn case(parcel_no: &str) -> LedgerEntry {
    LedgerEntry {
        parcel_no: parcel_no.to_owned(),
        district: Some("LJ".to_owned()),
        holder: Some("汉梁示例机械有限公司".to_owned()),
        parcel_area_m2: 30_000.0,
        idle_land_m2: 30_000.0,
        kind: IdleKind::LowEfficiency,
        progress: Progress::Identified,
        ..LedgerEntry::default()
    }
}

fn ok<T>(result: Result<T, LedgerError>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn frozen_v1_ledger_opens_with_its_data() {
    let dir = scratch_dir("frozen");
    let path = dir.join("ledger_v1.sqlite");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger_v1.sqlite");
    std::fs::copy(&fixture, &path).unwrap_or_else(|e| panic!("{e}"));
    let ledger = ok(Ledger::open(&path));
    assert!(!ledger.was_created());
    // Migrated from version 1, with a backup of the version-1 file beside it.
    let backup = dir.join("ledger_v1.v1.backup.sqlite");
    assert!(backup.is_file(), "backup before migrating");
    let conn = rusqlite::Connection::open(&backup).unwrap_or_else(|e| panic!("{e}"));
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version, 1, "the backup is the file as it was");
    let entries = ok(ledger.list());
    assert_eq!(entries.len(), 14);
    assert_eq!(
        ok(parkland::stats::stored_summary(&ledger)).entries,
        14,
        "the new index serves the summary"
    );
    let fixture_case = entries.iter().find(|e| e.entry.parcel_no == "WX-0101");
    let Some(fixture_case) = fixture_case else {
        panic!("the fixture's own case")
    };
    assert_eq!(fixture_case.entry.kind, IdleKind::IdleFactory);
    assert_eq!(
        fixture_case.entry.methods,
        vec![DisposalMethod::LeaseForConversion, DisposalMethod::Other]
    );
    assert_eq!(fixture_case.entry.method_other, "厂房分割出租");
    assert_eq!(fixture_case.created_by, "李四");
    assert_eq!(ok(ledger.history("WX-0101")).len(), 1);
    assert_eq!(ok(ledger.integrity_check()), "ok");
}

#[test]
fn frozen_v2_ledger_is_backed_up_and_gains_the_enterprise_figures() {
    let dir = scratch_dir("frozen-v2");
    let path = dir.join("ledger_v2.sqlite");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger_v2.sqlite");
    std::fs::copy(&fixture, &path).unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = ok(Ledger::open(&path));
    assert!(!ledger.was_created());
    let backup = dir.join("ledger_v2.v2.backup.sqlite");
    let conn = rusqlite::Connection::open(&backup).unwrap_or_else(|e| panic!("{e}"));
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version, 2, "the backup is the file as it was");
    let entries = ok(ledger.list());
    assert_eq!(entries.len(), 14, "13 sample cases and the fixture's own");
    let Some(own) = entries.iter().find(|e| e.entry.parcel_no == "LJ-2304") else {
        panic!("the fixture's own case")
    };
    assert_eq!(
        own.entry.methods,
        vec![DisposalMethod::LeaseForConversion, DisposalMethod::Other]
    );
    assert_eq!(own.entry.method_other, "厂房分割出租");
    assert_eq!(own.created_by, "李四");
    assert_eq!(ok(ledger.event_count()), 14);
    // Version 3 adds the enterprise figures, empty at first.
    assert!(ok(ledger.enterprise_years()).is_empty());
    let figures = parkland::model::EnterpriseFigures {
        enterprise: "汉梁示例机械有限公司".into(),
        year: 2024,
        output_10k_yuan: 1_000.0,
        tax_10k_yuan: 40.0,
        investment_10k_yuan: 0.0,
    };
    ok(ledger.replace_enterprise_figures(std::slice::from_ref(&figures), "f.xlsx", "op"));
    drop(ledger);
    let reopened = ok(Ledger::open(&path));
    assert_eq!(ok(reopened.enterprise_figures(Some(2024))), vec![figures]);
    assert_eq!(ok(reopened.integrity_check()), "ok");
}

#[test]
fn a_ledger_from_a_newer_program_is_refused() {
    let dir = scratch_dir("newer");
    let path = dir.join("ledger.sqlite");
    drop(ok(Ledger::open(&path)));
    {
        let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    match Ledger::open(&path) {
        Err(LedgerError::TooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("expected TooNew"),
    }
}

#[test]
fn a_damaged_file_is_reported_and_left_alone() {
    let dir = scratch_dir("damaged");
    let path = dir.join("ledger.sqlite");
    let garbage = b"this is not an SQLite database, it is a spreadsheet export".repeat(100);
    std::fs::write(&path, &garbage).unwrap_or_else(|e| panic!("{e}"));
    match Ledger::open(&path) {
        Err(error @ LedgerError::Corrupt { .. }) => {
            assert!(error.to_string().contains("restore a backup"), "{error}");
        }
        Err(other) => panic!("expected Corrupt, got {other}"),
        Ok(_) => panic!("expected Corrupt"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap_or_default(),
        garbage,
        "never silently replaced"
    );
}

#[test]
fn backup_and_restore_bring_back_the_ledger() {
    let dir = scratch_dir("backup");
    let mut ledger = ok(Ledger::open(&dir.join("ledger.sqlite")));
    ok(ledger.create(&case("LJ-0301"), None, "op"));
    let backup = dir.join("backup.sqlite");
    ok(ledger.backup_to(&backup));
    ok(ledger.create(&case("LJ-0302"), None, "op"));
    assert_eq!(ok(ledger.list()).len(), 2);
    ok(ledger.restore_from(&backup));
    let entries = ok(ledger.list());
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry.parcel_no, "LJ-0301");
}

#[test]
fn county_export_reads_back_with_headers_and_totals() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = ok(Ledger::open_in_memory());
    ok(ledger.seed_sample(&park, "op"));
    let dir = scratch_dir("export");
    let (xlsx, csv) = (dir.join("ledger.xlsx"), dir.join("ledger.csv"));
    let table = parkland::export::LedgerTable::new(&ok(ledger.list()), &park);
    parkland::export::write_ledger_xlsx(&table, &xlsx).unwrap_or_else(|e| panic!("{e}"));
    parkland::export::write_ledger_csv(&table, &csv).unwrap_or_else(|e| panic!("{e}"));

    let mut workbook: Xlsx<_> = open_workbook(&xlsx).unwrap_or_else(|e| panic!("{e}"));
    let range = workbook
        .worksheet_range("台账")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<_> = range.rows().collect();
    assert_eq!(rows.len(), 1 + 13 + 1, "headers, 13 cases, totals");
    let headers: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(
        headers,
        parkland::export::LEDGER_HEADERS.map(str::to_owned).to_vec()
    );
    let totals = rows[14];
    assert_eq!(totals[0], Data::String("合计".into()));
    let number = |cell: &Data| match cell {
        Data::Float(v) => *v,
        other => panic!("not a number: {other:?}"),
    };
    assert!((number(&totals[4]) - 536.0).abs() < 5.36);
    assert!((number(&totals[9]) - 120.0).abs() < 1e-6);
    assert!((number(&totals[10]) - 44_000.0).abs() < 1e-6);
    assert_eq!(
        rows[1][2],
        Data::String("梁产城新区".into()),
        "districts by name"
    );

    let text = std::fs::read(&csv).unwrap_or_default();
    assert!(
        text.starts_with(b"\xEF\xBB\xBF\xE5\xBA\x8F\xE5\x8F\xB7"),
        "BOM then 序号"
    );
}

/// Where [`stress_writer`] writes, when this test binary runs it as a child process.
const STRESS_LEDGER: &str = "PARKLAND_STRESS_LEDGER";

/// The writer of [`killed_writers_never_lose_a_committed_case`], run as a child process: it
/// registers cases in a loop, each its own transaction, and prints each id once committed.
#[test]
#[ignore = "a helper process, started by killed_writers_never_lose_a_committed_case"]
fn stress_writer() {
    use std::io::Write as _;
    let Some(path) = std::env::var_os(STRESS_LEDGER) else {
        return;
    };
    let mut ledger = ok(Ledger::open(std::path::Path::new(&path)));
    let mut out = std::io::stdout().lock();
    for i in 0..1_000_000 {
        // Written off (closed): a parcel may have any number of closed cases.
        let entry = LedgerEntry {
            parcel_no: "LJ-0101".to_owned(),
            parcel_area_m2: 20_000.0,
            idle_land_m2: 20_000.0,
            progress: Progress::WrittenOff,
            notes: format!("stress {i}"),
            ..LedgerEntry::default()
        };
        let id = ok(ledger.create(&entry, None, "stress"));
        let _ = writeln!(out, "{id}");
        let _ = out.flush();
    }
}

/// A child process writes cases in a loop and is killed with SIGKILL at pseudo-random
/// moments; after each kill the ledger opens, passes `integrity_check`, and holds every case
/// whose commit returned (the child prints an id only after its commit).
#[test]
fn killed_writers_never_lose_a_committed_case() {
    let dir = scratch_dir("kill");
    let path = dir.join("ledger.sqlite");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut confirmed: Vec<i64> = Vec::new();
    for round in 0..50 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = std::time::Duration::from_millis(40 + seed % 160);
        // This test binary again, running only the writer below (not a part of the product).
        let mut child = Command::new(std::env::current_exe().unwrap_or_else(|e| panic!("{e}")))
            .args([
                "--exact",
                "ledger::stress_writer",
                "--ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(STRESS_LEDGER, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(delay);
        child.kill().unwrap_or_else(|e| panic!("{e}")); // SIGKILL on Unix
        let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        confirmed.extend(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|l| l.trim().parse::<i64>().ok()),
        );
        let ledger = ok(Ledger::open(&path));
        assert_eq!(ok(ledger.integrity_check()), "ok", "round {round}");
        let present: std::collections::HashSet<i64> =
            ok(ledger.list()).into_iter().map(|s| s.id).collect();
        let lost: Vec<_> = confirmed
            .iter()
            .filter(|id| !present.contains(id))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: committed cases lost: {lost:?}"
        );
    }
    assert!(
        confirmed.len() > 50,
        "the writers got work done: {}",
        confirmed.len()
    );
}

/// Several programs opening the same new ledger file at the same moment (two windows, a
/// window and the CLI): each opens it, it is made once, and the sample is seeded once. (Before
/// the schema version was read again under the write lock, the second migration failed with
/// "table `ledger_entry` already exists".)
#[test]
fn a_new_ledger_opened_by_several_at_once_is_made_and_seeded_once() {
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    for round in 0..5 {
        let dir = scratch_dir(&format!("race-{round}"));
        let path = dir.join("ledger.sqlite");
        let barrier = std::sync::Barrier::new(8);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    barrier.wait();
                    let mut ledger = ok(Ledger::open(&path));
                    ok(ledger.seed_sample(&park, "op"));
                });
            }
        });
        let ledger = ok(Ledger::open(&path));
        assert_eq!(ok(ledger.list()).len(), 13, "round {round}");
        let history = parkland::ledger::sample_history(&park).len();
        assert_eq!(
            ok(ledger.event_count()),
            i64::try_from(history).unwrap_or(0),
            "round {round}"
        );
    }
}
