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
    let path = LazyLock::force(&LEDGER_100K);
    bencher.bench_local(|| {
        let ledger = Ledger::open(path).expect("open");
        let summary = parkland::stats::stored_summary(&ledger).expect("summary");
        assert_eq!(summary.entries, 100_000);
        summary
    });
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
