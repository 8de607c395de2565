//! The ledger and enterprise imports (xlsx or CSV, by the first byte): any file gives a
//! preview with its problems or a clear error, never a panic. The sample ledger is seeded once
//! and only read (previews write nothing), so that every run sees the same ledger.
use parkland::ledger::Ledger;

fn main() {
    let park = parkland::sample::sample_park().expect("sample park");
    let mut ledger = Ledger::open_in_memory().expect("ledger");
    ledger.seed_sample(&park, "fuzz").expect("seed");
    // Only read inside the loop: a panic cannot leave it half-changed.
    let ledger = std::panic::AssertUnwindSafe(ledger);
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    // Without afl.rs's abort-on-any-panic hook: a panic the import catches (calamine's, see
    // FUZZING.md) is handled, so only a panic that escapes to here counts as a crash.
    afl::fuzz_nohook!(|data: &[u8]| {
        let Some((&kind, body)) = data.split_first() else {
            return;
        };
        let extension = if kind % 2 == 0 { "csv" } else { "xlsx" };
        let path = dir.join(format!("parkland-fuzz-{pid}.{extension}"));
        if std::fs::write(&path, body).is_err() {
            return;
        }
        if let Ok(preview) = parkland::ledger::import::preview(&path, &park, &*ledger) {
            let _ = preview.counts();
        }
        let _ = parkland::ledger::enterprise::preview(&path, &park, &*ledger);
    });
}
