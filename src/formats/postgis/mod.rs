//! The park's layers in PostGIS: `districts` and `parcels` tables written for QGIS users in
//! the county ([`write_postgis`]), and read back like a file ([`read_postgis`], named by a URL
//! with `?table=`). Not a file, but a place layers come from and go to, so it lives with the
//! formats and is reached through the same entry points.

mod read;
mod write;

pub use read::{is_postgis_location, read_postgis, shown_path};
pub use write::{PostgisSummary, write_postgis};

/// The SRID the layers are written in: CGCS2000 lon/lat.
pub const SRID: i32 = 4490;
