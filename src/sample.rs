//! The embedded sample park (三区: 梁产城新区, 两江工业区, 吴溪工业区), so that the app and
//! `parkland summary` work from any folder with no arguments. The same files are in
//! `sample_parcels/` for reading from disk.

use crate::formats::{Import, Rejected, read_geojson};
use crate::model::Park;

/// `sample_parcels/districts.geojson`, embedded.
pub const DISTRICTS_GEOJSON: &[u8] = include_bytes!("../sample_parcels/districts.geojson");
/// `sample_parcels/parcels.geojson`, embedded.
pub const PARCELS_GEOJSON: &[u8] = include_bytes!("../sample_parcels/parcels.geojson");

/// Name shown for the embedded districts.
pub const DISTRICTS_SOURCE: &str = "sample_parcels/districts.geojson (embedded)";
/// Name shown for the embedded parcels.
pub const PARCELS_SOURCE: &str = "sample_parcels/parcels.geojson (embedded)";

/// The embedded district file, imported.
pub fn sample_districts() -> Result<Import, Box<Rejected>> {
    read_geojson(DISTRICTS_GEOJSON, DISTRICTS_SOURCE)
}

/// The embedded parcel file, imported.
pub fn sample_parcels() -> Result<Import, Box<Rejected>> {
    read_geojson(PARCELS_GEOJSON, PARCELS_SOURCE)
}

/// The whole sample park.
pub fn sample_park() -> Result<Park, Box<Rejected>> {
    Ok(Park::from_imports(
        Some(sample_districts()?),
        Some(sample_parcels()?),
    ))
}
