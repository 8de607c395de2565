//! The 国土TXT reader: any text gives parcels or a rejection naming the problem, never a panic.
use parkland::formats::read_guotu_txt;

fn main() {
    let path = std::env::temp_dir().join(format!("parkland-fuzz-{}.txt", std::process::id()));
    afl::fuzz!(|data: &[u8]| {
        if std::fs::write(&path, data).is_ok() {
            let _ = read_guotu_txt(&path);
        }
    });
}
