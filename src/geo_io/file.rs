//! One entry point for files a user opens: `GeoJSON` or GeoPackage, told apart by extension
//! or, failing that, by the SQLite header.

use super::{Import, Rejected, read_geojson_file};
use crate::exchange::{LayerChoice, read_gpkg};
use std::path::Path;

/// Reads districts or parcels from a `GeoJSON` file or a GeoPackage (its first polygon layer).
pub fn read_file(path: &Path) -> Result<Import, Box<Rejected>> {
    read_file_layer(path, LayerChoice::First)
}

/// Like [`read_file`], choosing the layer of a GeoPackage (ignored for `GeoJSON`).
pub fn read_file_layer(path: &Path, layer: LayerChoice<'_>) -> Result<Import, Box<Rejected>> {
    if is_geopackage(path) {
        read_gpkg(path, layer)
    } else {
        read_geojson_file(path)
    }
}

/// `.gpkg` by name, or any file that starts with the SQLite header.
#[must_use]
pub fn is_geopackage(path: &Path) -> bool {
    use std::io::Read as _;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
    {
        return true;
    }
    let mut head = [0_u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}
