//! OGC GeoPackage: the park and its ledger written for QGIS, GDAL and the county, and the
//! GeoPackage files of surveyors and QGIS users read back in.
//!
//! - [`write_gpkg`]: GeoPackage 1.3 (districts, parcels with their current ledger case, the
//!   ledger as an attribute table, R-tree indexes), written with our own SQL over rusqlite.
//! - [`read_gpkg`]: a polygon layer into the same [`Import`](crate::formats::Import) that
//!   `GeoJSON` gives.
//! - [`binary`]: the GeoPackage geometry blob and WKB codec.
//!
//! Files are written to a temporary file beside the target and renamed over it when complete.

pub mod binary;
mod read;
mod write;

pub use read::{LayerChoice, read_gpkg};
pub use write::{GpkgSummary, SRS_ID, write_gpkg};
