//! The park's things: districts, parcels, and their enumerations with stable codes and
//! Chinese/English labels.

mod park;

pub use park::{District, Parcel, ParcelStatus, Park};

/// Interface language. Chinese is the default; the UI has an English switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}
