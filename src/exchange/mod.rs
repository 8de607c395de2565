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

use std::path::Path;

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
/// `path` ([`crate::atomic_file::replace_with`]). Returns the size of the written file.
pub(crate) fn replace_atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), ExchangeError>,
) -> Result<u64, ExchangeError> {
    crate::atomic_file::replace_with(path, write, |source| ExchangeError::Io {
        path: path.display().to_string(),
        source,
    })
}
