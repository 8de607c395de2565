//! Esri Shapefile, as a Chinese land office holds its parcels: `.shp` + `.shx` + `.dbf`, with
//! a `.prj` (often CGCS2000 Gauss-Krüger) and a `.cpg`, attributes often in GBK.
//!
//! [`read_shapefile`]: the polygons of a `.shp` (rings grouped into parts and holes by
//! containment, Z and M dropped), their attributes in the encoding the set declares or, when
//! it declares none, the one its bytes are in (and the report says which and why), in the CRS
//! its `.prj` names ([`crate::crs::from_wkt`]). Broken sets get a reason: a missing `.shx`
//! (read without it) or `.dbf` (no attributes), record counts that disagree, a cut-short file,
//! shapes that are not polygons.
//!
//! [`write_shapefile`]: the park's parcels with their cases in the park's Gauss-Krüger zone,
//! field names cut to the format's 10 bytes ([`SHORT_NAMES`]), `.cpg` UTF-8, `.prj`.

mod dbf;
mod read;
mod records;
mod write;

pub use read::{DbfEncoding, read_shapefile, read_shapefile_as};
pub use write::{SHORT_NAMES, ShapefileSummary, dbf_name, write_shapefile};
