//! The GeoPackage reader: any file gives a layer or a rejection naming the problem, never a
//! panic. The bytes are written to a file of this process's own (SQLite reads files).
use parkland::formats::{LayerChoice, read_gpkg};

fn main() {
    let path = std::env::temp_dir().join(format!("parkland-fuzz-{}.gpkg", std::process::id()));
    afl::fuzz!(|data: &[u8]| {
        if std::fs::write(&path, data).is_ok() {
            let _ = read_gpkg(&path, LayerChoice::Prefer("parcels"));
        }
    });
}
