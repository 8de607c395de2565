//! The Shapefile reader: any set gives polygons or a rejection naming the problem, never a
//! panic. The input is `shp_len: u16 LE, shx_len: u16 LE, cpg: u8`, then the `.shp`, the
//! `.shx` and the rest as the `.dbf` (the `.cpg` says UTF-8, GBK, 936 or nothing by `cpg`).
use parkland::formats::{LayerChoice, read_shapefile};

fn main() {
    let dir = std::env::temp_dir().join(format!("parkland-fuzz-shp-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let shp = dir.join("set.shp");
    afl::fuzz!(|data: &[u8]| {
        if data.len() < 5 {
            return;
        }
        let shp_len = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let shx_len = usize::from(u16::from_le_bytes([data[2], data[3]]));
        let cpg: &[u8] = match data[4] % 4 {
            0 => b"UTF-8",
            1 => b"GBK",
            2 => b"936",
            _ => b"",
        };
        let body = &data[5..];
        let shp_end = shp_len.min(body.len());
        let shx_end = (shp_end + shx_len).min(body.len());
        let written = std::fs::write(&shp, &body[..shp_end]).is_ok()
            && std::fs::write(shp.with_extension("shx"), &body[shp_end..shx_end]).is_ok()
            && std::fs::write(shp.with_extension("dbf"), &body[shx_end..]).is_ok()
            && std::fs::write(shp.with_extension("cpg"), cpg).is_ok();
        if written {
            let _ = read_shapefile(&shp, LayerChoice::First);
        }
    });
}
