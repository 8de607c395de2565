//! `GeoJSON`: read leniently and reported precisely ([`read`], with the fast typed path
//! [`fast`] and the reading of big files in pieces on all cores [`split`]), and written in
//! lon/lat or the park's Gauss-Krüger zone ([`write`]).

mod fast;
mod read;
mod split;
mod write;

pub use read::{
    read_geojson, read_geojson_as, read_geojson_file, read_geojson_file_as,
    read_geojson_file_assuming,
};
pub use write::{GeoJsonCrs, GeoJsonSummary, write_geojson};
