//! Exchange with other GIS: the park and its ledger as a GeoPackage or `GeoJSON` for QGIS,
//! GDAL and the county, and the GeoPackage files of surveyors and QGIS users read back in.
//!
//! - [`write_gpkg`]: OGC GeoPackage 1.3 (districts, parcels with their current ledger case,
//!   the ledger as an attribute table, R-tree indexes), written with our own SQL over rusqlite.
//! - [`write_geojson`]: the parcels with their cases, RFC 7946 lon/lat or the park's CGCS2000
//!   3° Gauss-Krüger zone (with a `crs` member).
//! - [`read_gpkg`]: a polygon layer of a GeoPackage into the same [`Import`](crate::geo_io::Import)
//!   that `GeoJSON` gives; [`crate::geo_io::read_file`] chooses the reader.
//! - [`binary`]: the GeoPackage geometry blob and WKB codec; [`columns`]: the attribute columns
//!   both writers share.
//!
//! Files are written to a temporary file beside the target and renamed over it when complete.

pub mod binary;
pub mod columns;
mod geojson_write;
mod gpkg_read;
mod gpkg_write;

pub use geojson_write::{GeoJsonCrs, GeoJsonSummary, write_geojson};
pub use gpkg_read::{LayerChoice, read_gpkg};
pub use gpkg_write::{GpkgSummary, SRS_ID, write_gpkg};

use std::path::{Path, PathBuf};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the GeoPackage {path}: {source}")]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot write {path}: {reason}")]
    Projection { path: String, reason: String },
}

/// Runs `write` on a temporary path beside `path`, syncs the result and renames it over
/// `path`. On any failure the temporary file is removed and `path` is left as it was.
/// Returns the size of the written file.
pub(crate) fn replace_atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), ExchangeError>,
) -> Result<u64, ExchangeError> {
    let io_error = |source: std::io::Error| ExchangeError::Io {
        path: path.display().to_string(),
        source,
    };
    if path.is_dir() {
        return Err(io_error(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder; give a file name",
        )));
    }
    let temp = temp_path(path);
    let _ = std::fs::remove_file(&temp);
    let result = write(&temp).and_then(|()| {
        let file = std::fs::File::open(&temp).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
        let bytes = file.metadata().map_err(io_error)?.len();
        drop(file);
        std::fs::rename(&temp, path).map_err(io_error)?;
        Ok(bytes)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `.NAME.parkland-PID.tmp` in the target's folder (same file system, so the rename is atomic).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.parkland-{}.tmp", std::process::id()))
}
