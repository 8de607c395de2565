//! Reading geographic files: `GeoJSON`, and GeoPackage through [`read_file`] (the GeoPackage
//! codec and the writers are in [`crate::exchange`]).
//!
//! Every reader returns the data plus an [`ImportReport`]: partial success is a report, and a
//! whole-file failure is a [`Rejected`] carrying the reason and what was found before it.

mod fast;
mod file;
mod geojson;
mod properties;
mod split;
mod to_model;
pub use to_model::parcels_of;

pub use file::{file_bytes, is_geopackage, read_file, read_file_layer};

pub use crate::report::{FeatureRef, ImportReport, Level, Message};
pub use geojson::{
    FromFeature, Import, ImportedFeature, RejectReason, Rejected, read_geojson, read_geojson_as,
    read_geojson_file, read_geojson_file_as,
};
pub use properties::Properties;

pub(crate) use geojson::{close_ring, first_out_of_range, to_multipolygon};
