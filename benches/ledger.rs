//! Ledger benchmarks (issue 3): open a ledger of 100,000 cases and compute the summary;
//! 10,000 single-case saves, each its own transaction with its event, `synchronous=FULL`.
//!
//! Run: `cargo bench --bench ledger`.

use parkland::ledger::Ledger;
use parkland::model::{DisposalMethod, IdleKind, LedgerEntry, Progress};
use parkland::stats::ledger_summary;
use std::path::PathBuf;
use std::sync::LazyLock;

fn main() {
    divan::main();
}

fn case(i: usize) -> LedgerEntry {
    let methods = DisposalMethod::PARK_FIVE;
    LedgerEntry {
        // One case per parcel: a parcel has at most one open case.
        parcel_no: format!("LJ-{i:06}"),
        district: Some("LJ".to_owned()),
        holder: Some(format!("示例企业{i}有限公司")),
        parcel_area_m2: 20_000.0 + (i % 1000) as f64,
        idle_land_m2: 20_000.0,
        kind: if i.is_multiple_of(2) {
            IdleKind::Idle
        } else {
            IdleKind::LowEfficiency
        },
        methods: vec![methods[i % methods.len()]],
        progress: if i.is_multiple_of(3) {
            Progress::Revitalized
        } else {
            Progress::Disposing
        },
        revitalized_land_m2: if i.is_multiple_of(3) { 5_000.0 } else { 0.0 },
        revitalized_building_m2: if i.is_multiple_of(3) { 1_200.0 } else { 0.0 },
        // A case registered as revitalized carries its completion date.
        completed_on: i.is_multiple_of(3).then(|| jiff::civil::date(2025, 6, 30)),
        notes: "bench".to_owned(),
        ..LedgerEntry::default()
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("ledger.sqlite")
}

/// A ledger file with 100,000 cases, written once.
static LEDGER_100K: LazyLock<PathBuf> = LazyLock::new(|| {
    let path = scratch("100k");
    let mut ledger = Ledger::open(&path).expect("open");
    for chunk in (0..100_000).collect::<Vec<_>>().chunks(10_000) {
        let entries: Vec<_> = chunk.iter().map(|&i| (case(i), None)).collect();
        ledger.create_many(&entries, "bench").expect("fill");
    }
    path
});

/// What `parkland summary` does with a large ledger: open (pragmas, `quick_check`, schema
/// version) and compute the figures in SQL.
#[divan::bench(sample_count = 10)]
fn open_and_summarize_100k(bencher: divan::Bencher) {
    open_and_summarize(bencher, &LEDGER_100K);
}

/// Opens the ledger file and computes its figures, each sample.
fn open_and_summarize(bencher: divan::Bencher, file: &'static LazyLock<PathBuf>) {
    let path = LazyLock::force(file);
    bencher.bench_local(|| {
        let ledger = Ledger::open(path).expect("open");
        let summary = parkland::stats::stored_summary(&ledger).expect("summary");
        assert_eq!(summary.entries, 100_000);
        summary
    });
}

/// The 100,000-case ledger with 1 GB of documents attached (100 PDFs of 10 MB), written once.
static LEDGER_100K_1GB_DOCUMENTS: LazyLock<PathBuf> = LazyLock::new(|| {
    let path = scratch("100k-1gb");
    std::fs::copy(LazyLock::force(&LEDGER_100K), &path).expect("copy");
    let mut ledger = Ledger::open(&path).expect("open");
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(10 * 1024 * 1024, 0x5a);
    for i in 0..100_usize {
        content[20..28].copy_from_slice(&i.to_le_bytes());
        let case = i64::try_from(i * 997 + 1).expect("id");
        ledger
            .attach(case, &format!("认定书-{i}.pdf"), &content, "bench")
            .expect("attach");
    }
    path
});

/// `open_and_summarize_100k` with 1 GB of documents in the file: the documents are never read.
#[divan::bench(sample_count = 10)]
fn open_and_summarize_100k_with_1gb_of_documents(bencher: divan::Bencher) {
    open_and_summarize(bencher, &LEDGER_100K_1GB_DOCUMENTS);
}

/// Opening alone (dominated by `quick_check`).
#[divan::bench(sample_count = 10)]
fn open_100k(bencher: divan::Bencher) {
    let path = LazyLock::force(&LEDGER_100K);
    bencher.bench_local(|| Ledger::open(path).expect("open"));
}

/// Loading every case into memory, as the window's ledger table does, and summarising.
#[divan::bench(sample_count = 10)]
fn list_and_summarize_100k(bencher: divan::Bencher) {
    let path = LazyLock::force(&LEDGER_100K);
    let ledger = Ledger::open(path).expect("open");
    bencher.bench_local(|| ledger_summary(&ledger.list().expect("list")));
}

#[divan::bench(sample_count = 3)]
fn save_10k_single_cases(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| {
            let path = scratch("saves");
            Ledger::open(&path).expect("open")
        })
        .bench_local_values(|mut ledger| {
            for i in 0..10_000 {
                ledger.create(&case(i), None, "bench").expect("save");
            }
            ledger
        });
}

// ---- The same on a PostgreSQL server (issue 13), when `PARKLAND_TEST_PG` names one (a
// superuser's URL; `tools/pg-dev.sh start`). Each bench makes its own database.

/// A fresh database with the ledger's schema on the test server, or `None` without one.
fn server_database(name: &str) -> Option<String> {
    let admin = std::env::var("PARKLAND_TEST_PG").ok()?;
    let db = format!("plbench_{name}_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("test server");
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .expect("drop");
    client
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .expect("create");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    let url = format!("{base}/{db}");
    parkland::ledger::server::init(&url).expect("init");
    Some(url)
}

/// The 100,000-case ledger copied onto the server once.
static SERVER_100K: LazyLock<Option<String>> = LazyLock::new(|| {
    let url = server_database("100k")?;
    let source = Ledger::open(LazyLock::force(&LEDGER_100K).as_path()).expect("open");
    let mut target = Ledger::connect(&url).expect("connect");
    source.copy_to(&mut target, false).expect("copy");
    Some(url)
});

/// Connect, check the schema and compute the figures of 100,000 cases on the server.
#[divan::bench(sample_count = 10)]
fn server_open_and_summarize_100k(bencher: divan::Bencher) {
    let Some(url) = LazyLock::force(&SERVER_100K) else {
        eprintln!("SKIPPED: PARKLAND_TEST_PG is not set");
        return;
    };
    bencher.bench_local(|| {
        let ledger = Ledger::connect(url).expect("connect");
        let summary = parkland::stats::stored_summary(&ledger).expect("summary");
        assert_eq!(summary.entries, 100_000);
        summary
    });
}

/// 1,000 saves, each its own transaction with its event, `synchronous_commit` on (the
/// server's default), over the loopback.
#[divan::bench(sample_count = 5)]
fn server_save_1000_single_cases(bencher: divan::Bencher) {
    let Some(url) = server_database("saves") else {
        eprintln!("SKIPPED: PARKLAND_TEST_PG is not set");
        return;
    };
    let mut round = 0;
    bencher
        .with_inputs(|| {
            round += 1;
            (Ledger::connect(&url).expect("connect"), round)
        })
        .bench_local_values(|(mut ledger, round)| {
            for i in 0..1_000 {
                ledger
                    .create(&case(round * 1_000 + i), None, "bench")
                    .expect("save");
            }
            ledger
        });
}

/// The same 1,000 saves in a SQLite file (`synchronous=FULL`), side by side.
#[divan::bench(sample_count = 5)]
fn save_1000_single_cases(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| Ledger::open(&scratch("saves-1000")).expect("open"))
        .bench_local_values(|mut ledger| {
            for i in 0..1_000 {
                ledger.create(&case(i), None, "bench").expect("save");
            }
            ledger
        });
}

/// A ledger file of 100,000 cases with 300,000 events (each case registered, then changed
/// twice), written once.
static LEDGER_300K_EVENTS: LazyLock<PathBuf> = LazyLock::new(|| {
    let path = scratch("300k-events");
    let mut ledger = Ledger::open(&path).expect("open");
    for chunk in (0..100_000).collect::<Vec<_>>().chunks(10_000) {
        let entries: Vec<_> = chunk.iter().map(|&i| (case(i), None)).collect();
        ledger.create_many(&entries, "bench").expect("fill");
    }
    for round in 0..2 {
        let cases = ledger.list().expect("list");
        for chunk in cases.chunks(10_000) {
            let updates: Vec<parkland::ledger::ImportUpdate> = chunk
                .iter()
                .map(|c| {
                    let mut entry = c.entry.clone();
                    entry.notes = format!("change {round}");
                    parkland::ledger::ImportUpdate {
                        id: c.id,
                        expected_version: c.version,
                        entry,
                    }
                })
                .collect();
            ledger.import_rows(&[], &updates, "bench").expect("change");
        }
    }
    assert_eq!(ledger.event_count().expect("count"), 300_000);
    path
});

/// `ledger copy` of 100,000 cases with 300,000 events from a file onto the server.
#[divan::bench(sample_count = 3)]
fn copy_100k_cases_300k_events_to_server(bencher: divan::Bencher) {
    if std::env::var("PARKLAND_TEST_PG").is_err() {
        eprintln!("SKIPPED: PARKLAND_TEST_PG is not set");
        return;
    }
    let source = Ledger::open(LazyLock::force(&LEDGER_300K_EVENTS).as_path()).expect("open");
    let mut round = 0;
    bencher
        .with_inputs(|| {
            round += 1;
            let url = server_database(&format!("copy{round}")).expect("server");
            Ledger::connect(&url).expect("connect")
        })
        .bench_local_values(|mut target| {
            let moved = source.copy_to(&mut target, false).expect("copy");
            assert_eq!(moved.events, 300_000);
            target
        });
}

/// From a commit on one connection to the cases read by another's watcher (what a second
/// window shows): `LISTEN`/`NOTIFY`, then one read of the cases.
#[divan::bench(sample_count = 20)]
fn server_change_visible_elsewhere(bencher: divan::Bencher) {
    let Some(url) = server_database("watch") else {
        eprintln!("SKIPPED: PARKLAND_TEST_PG is not set");
        return;
    };
    let mut writer = Ledger::connect(&url).expect("connect");
    let watcher = parkland::ledger::server::Watcher::start(&url, || {}).expect("watcher");
    // The first reading, on connecting.
    while watcher.events().is_empty() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        writer.create(&case(n), None, "bench").expect("save");
        loop {
            let heard = watcher.events().into_iter().any(|e| {
                matches!(e, parkland::ledger::server::WatchEvent::Changed { ref entries, .. }
                    if entries.len() == n)
            });
            if heard {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
    });
}

/// A ledger file of 100,000 cases with 500,000 events over two years (each case registered
/// in 2024, then changed four times, a quarter year apart), written once as a history.
static LEDGER_500K_HISTORY: LazyLock<PathBuf> = LazyLock::new(|| {
    let path = scratch("500k-history");
    let mut ledger = Ledger::open(&path).expect("open");
    let start: jiff::Timestamp = "2024-01-01T01:00:00Z".parse().expect("time");
    let mut changes = Vec::with_capacity(500_000);
    for i in 0..100_000_usize {
        for round in 0..5_i64 {
            let mut entry = case(i);
            entry.notes = format!("change {round}");
            if round < 4 {
                // Open until the last change (a closed case's next change would register a
                // new one).
                entry.progress = Progress::Disposing;
                entry.revitalized_land_m2 = 0.0;
                entry.revitalized_building_m2 = 0.0;
                entry.completed_on = None;
            }
            let minutes = i64::try_from(i).unwrap_or(0) % (180 * 24 * 60) + round * 91 * 24 * 60;
            changes.push(parkland::ledger::DatedChange {
                at: start + jiff::SignedDuration::from_mins(minutes),
                entry,
                geometry: None,
            });
        }
    }
    changes.sort_by_key(|c| c.at);
    ledger.write_history(&changes, "bench").expect("history");
    assert_eq!(ledger.event_count().expect("count"), 500_000);
    path
});

/// The window's timeline: 100,000 cases with 500,000 events rebuilt as of the end of 2024
/// (every case there, most at their second or third change).
#[divan::bench(sample_count = 10)]
fn as_of_a_date_100k_cases_500k_events(bencher: divan::Bencher) {
    let ledger = Ledger::open(LazyLock::force(&LEDGER_500K_HISTORY).as_path()).expect("open");
    let at = parkland::time::end_of_day_in(
        jiff::civil::date(2024, 12, 31),
        &jiff::tz::TimeZone::fixed(jiff::tz::offset(8)),
    );
    bencher.bench_local(|| {
        let rebuilt = ledger.as_of(at).expect("as of");
        assert_eq!(rebuilt.entries.len(), 100_000);
        rebuilt
    });
}

/// The same on the server (the file copied there once).
#[divan::bench(sample_count = 10)]
fn server_as_of_a_date_100k_cases_500k_events(bencher: divan::Bencher) {
    let Some(url) = server_database("asof") else {
        eprintln!("SKIPPED: PARKLAND_TEST_PG is not set");
        return;
    };
    let source = Ledger::open(LazyLock::force(&LEDGER_500K_HISTORY).as_path()).expect("open");
    let mut ledger = Ledger::connect(&url).expect("connect");
    source.copy_to(&mut ledger, false).expect("copy");
    let at = parkland::time::end_of_day_in(
        jiff::civil::date(2024, 12, 31),
        &jiff::tz::TimeZone::fixed(jiff::tz::offset(8)),
    );
    bencher.bench_local(|| {
        let rebuilt = ledger.as_of(at).expect("as of");
        assert_eq!(rebuilt.entries.len(), 100_000);
        rebuilt
    });
}
