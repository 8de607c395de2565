//! Reading (and later writing) geographic files: `GeoJSON` today.
//!
//! Every reader returns the data plus an [`ImportReport`]: partial success is a report, and a
//! whole-file failure is a [`Rejected`] carrying the reason and what was found before it.

mod geojson;
mod report;
mod split;

pub use geojson::{
    Import, ImportedFeature, RejectReason, Rejected, read_geojson, read_geojson_file,
    read_geojson_keeping, read_geojson_with,
};
pub use report::{FeatureRef, ImportReport, Level, Message};
