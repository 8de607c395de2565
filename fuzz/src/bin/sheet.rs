//! The ledger import (xlsx or CSV, by the first byte): any file gives a preview with its
//! problems or a clear error, never a panic, and applying a preview without problems writes
//! one transaction.
use parkland::ledger::Ledger;

fn main() {
    let park = parkland::sample::sample_park().expect("sample park");
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    afl::fuzz!(|data: &[u8]| {
        let Some((&kind, body)) = data.split_first() else {
            return;
        };
        let extension = if kind % 2 == 0 { "csv" } else { "xlsx" };
        let path = dir.join(format!("parkland-fuzz-{pid}.{extension}"));
        if std::fs::write(&path, body).is_err() {
            return;
        }
        let Ok(mut ledger) = Ledger::open_in_memory() else {
            return;
        };
        let _ = ledger.seed_sample(&park, "fuzz");
        if let Ok(preview) = parkland::ledger::import::preview(&path, &park, &ledger) {
            let _ = preview.apply(&mut ledger, "fuzz");
        }
        let _ = parkland::ledger::enterprise::preview(&path, &park, &ledger);
    });
}
