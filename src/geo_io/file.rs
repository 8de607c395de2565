//! One entry point for files a user opens: `GeoJSON` or GeoPackage, told apart by extension
//! or, failing that, by the SQLite header.

use super::{Import, ImportReport, RejectReason, Rejected, read_geojson_file};
use crate::exchange::{LayerChoice, read_gpkg};
use std::path::Path;

/// Files from this size on are read in pieces on all cores.
pub(super) const PARALLEL_FROM_BYTES: usize = 4 << 20;

/// The bytes of a file, or the reason it cannot be read, naming the file.
///
/// A big file is read in one piece per core: copying a parcel file of half a gigabyte out of
/// the system's cache is memory-bound work that two cores do in about half the time.
pub fn file_bytes(path: &Path) -> Result<Vec<u8>, Box<Rejected>> {
    use rayon::prelude::*;
    use std::io::{Read as _, Seek as _, SeekFrom};
    let io_error = |e: std::io::Error| {
        Box::new(Rejected {
            reason: RejectReason::Io(e.to_string()),
            report: ImportReport::new(&path.display().to_string()),
        })
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let len = usize::try_from(file.metadata().map_err(io_error)?.len()).unwrap_or(usize::MAX);
    if len < PARALLEL_FROM_BYTES {
        let mut bytes = Vec::with_capacity(len);
        (&file).read_to_end(&mut bytes).map_err(io_error)?;
        return Ok(bytes);
    }
    let mut bytes = vec![0_u8; len];
    let piece = len.div_ceil(rayon::current_num_threads().max(1));
    bytes
        .par_chunks_mut(piece)
        .enumerate()
        .try_for_each(|(i, chunk)| {
            // Each piece has its own handle, so that the reads do not share a position.
            let mut own = std::fs::File::open(path)?;
            own.seek(SeekFrom::Start((i * piece) as u64))?;
            own.read_exact(chunk)
        })
        .map_err(io_error)?;
    // A file that grew meanwhile: read the rest too, so nothing is silently cut off.
    (&file)
        .seek(SeekFrom::Start(len as u64))
        .map_err(io_error)?;
    (&file).read_to_end(&mut bytes).map_err(io_error)?;
    Ok(bytes)
}

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
