//! Parkland (园区土地管理): a desktop GIS for the land office of a county industrial park.
//!
//! The domain core (`formats`, `layer`, `crs`, `geometry`, `model`, `spatial`, `standing`, `stats`) knows no screen;
//! the CLI (`cli`) and the window (`ui`, feature `gui`) are thin layers over it.

pub mod atomic_file;
pub mod basemap;
pub mod cli;
pub mod crs;
pub mod export;
pub mod fonts;
pub mod formats;
pub mod geometry;
pub mod layer;
pub mod ledger;
pub mod model;
pub mod query;
pub mod render;
pub mod report;
pub mod sample;
pub mod spatial;
pub mod standing;
pub mod stats;
pub mod style;
pub mod time;
pub mod topology;
pub mod units;

#[cfg(feature = "gui")]
pub mod ui;
