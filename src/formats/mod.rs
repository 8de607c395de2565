//! Files in and out, one module per format, its reader and its writer together:
//!
//! - [`geojson`]: `GeoJSON` read leniently (with a fast path on all cores for big files) and
//!   written in lon/lat or the park's Gauss-Krüger zone;
//! - [`gpkg`]: OGC GeoPackage read (a polygon layer) and written (the park and its ledger),
//!   with the geometry codec;
//! - [`sheet`]: spreadsheets: xlsx/xls/ods and CSV tables read with the row numbers a user
//!   sees, tables written as CSV or xlsx.
//!
//! What the geographic readers share is here: [`ImportedFeature`] / [`Import`] / [`Rejected`]
//! (every reader returns the data plus an [`ImportReport`]; partial success is a report, a
//! whole-file failure is a [`Rejected`] with the reason and what was found before it), the
//! ring and range rules, the attribute [`columns`] both writers write, and the conversion of
//! features to the model's districts and parcels.
//!
//! One entry point, [`read_file_as`] (and [`read_file`]), recognises a file's [`Format`] and
//! sends it to its reader; a new format is a module here and a variant of [`Format`].

pub mod columns;
mod feature;
mod file;
pub mod geojson;
pub mod gpkg;
pub mod guotu_txt;
pub mod postgis;
mod properties;
pub mod shapefile;
pub mod sheet;
mod to_model;

pub use crate::report::{FeatureRef, ImportReport, Level, Message};
pub use feature::{FromFeature, Import, ImportedFeature, RejectReason, Rejected};
pub use file::{
    Format, ReadOptions, file_bytes, read_file, read_file_as, read_file_layer, read_file_with,
};
pub use geojson::{
    GeoJsonCrs, GeoJsonSummary, read_geojson, read_geojson_as, read_geojson_file,
    read_geojson_file_as, write_geojson,
};
pub use gpkg::{GpkgSummary, LayerChoice, SRS_ID, read_gpkg, write_gpkg};
pub use guotu_txt::{TxtSummary, read_guotu_txt, write_guotu_txt};
pub use postgis::{PostgisSummary, read_postgis, write_postgis};
pub use properties::Properties;
pub use shapefile::{ShapefileSummary, read_shapefile, write_shapefile};
pub use to_model::parcels_of;

pub(crate) use feature::{RawPolygon, close_ring, first_out_of_range, to_multipolygon};

use std::path::Path;

/// Why writing a file failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
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
    write: impl FnOnce(&Path) -> Result<(), WriteError>,
) -> Result<u64, WriteError> {
    crate::atomic_file::replace_with(path, write, |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    })
}
