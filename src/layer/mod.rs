//! From a file to a layer ready to draw: the file read through [`crate::formats`] (on all
//! cores, straight into parcels), then triangulated and indexed ([`prepare`]), with progress
//! and cancellation shared with whoever waits ([`progress`]). The window runs this on a named
//! background thread with a progress bar and a cancel button; the CLI and the benchmarks call
//! it directly.

pub mod prepare;
pub mod progress;

pub use prepare::PreparedShapes;
pub use progress::{Progress, Stage, mark};

use crate::formats::{
    Format, Import, ImportReport, LayerChoice, ReadOptions, RejectReason, Rejected,
};
use crate::model::Parcel;
use geo::MultiPolygon;
use std::path::Path;

/// Parcels read from a file and prepared for the map.
#[derive(Debug)]
pub struct LoadedParcels {
    pub parcels: Vec<Parcel>,
    pub report: ImportReport,
    pub prepared: PreparedShapes,
}

/// Reads parcels from `GeoJSON` bytes on all cores (see [`crate::formats::read_geojson_as`]).
pub fn read_parcels(
    bytes: &[u8],
    source: &str,
    progress: &Progress,
) -> Result<(Vec<Parcel>, ImportReport), Box<Rejected>> {
    crate::formats::read_geojson_as(bytes, source, progress)
}

/// Reads a parcel file, whatever its format: the one way from a parcel file to parcels, for
/// the window's loader and the CLI alike. A GeoPackage gives its `parcels` layer (or its first
/// polygon layer); a `GeoJSON` file is read in pieces on all cores.
pub fn read_parcels_file(
    path: &Path,
    progress: &Progress,
) -> Result<(Vec<Parcel>, ImportReport), Box<Rejected>> {
    read_parcels_file_assuming(path, None, progress)
}

/// [`read_parcels_file`], reading a file that names no CRS in `assume` when given.
pub fn read_parcels_file_assuming(
    path: &Path,
    assume: Option<&crate::crs::Crs>,
    progress: &Progress,
) -> Result<(Vec<Parcel>, ImportReport), Box<Rejected>> {
    let options = ReadOptions::layer(LayerChoice::Prefer("parcels")).assuming(assume);
    crate::formats::read_file_as(path, &options, progress)
}

/// Reads a parcel file and prepares it for the map, around `origin` when given.
pub fn load_parcels_file(
    path: &Path,
    origin: Option<[f64; 2]>,
    progress: &Progress,
) -> Result<LoadedParcels, Box<Rejected>> {
    progress.start(Stage::Reading, 1);
    let (parcels, report) = read_parcels_file(path, progress)?;
    prepare_parcels(parcels, report, origin, progress)
}

/// Reads parcels from bytes and prepares them for the map.
pub fn load_parcels(
    bytes: &[u8],
    source: &str,
    origin: Option<[f64; 2]>,
    progress: &Progress,
) -> Result<LoadedParcels, Box<Rejected>> {
    let (parcels, report) = read_parcels(bytes, source, progress)?;
    prepare_parcels(parcels, report, origin, progress)
}

/// Triangulates and indexes parcels already read.
pub fn prepare_parcels(
    parcels: Vec<Parcel>,
    report: ImportReport,
    origin: Option<[f64; 2]>,
    progress: &Progress,
) -> Result<LoadedParcels, Box<Rejected>> {
    let cancelled = || {
        Box::new(Rejected {
            reason: RejectReason::Cancelled,
            report: report.clone(),
        })
    };
    if progress.is_cancelled() {
        return Err(cancelled());
    }
    let shapes: Vec<&MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
    let prepared = PreparedShapes::build(&shapes, origin, progress);
    drop(shapes);
    if progress.is_cancelled() {
        return Err(cancelled());
    }
    Ok(LoadedParcels {
        parcels,
        report,
        prepared,
    })
}

/// Drops `value` on a short-lived thread of its own: freeing a million parcels (some ten
/// million allocations) takes about half a second, which neither the window, replacing a
/// layer, nor the CLI, about to print and exit, should wait for.
pub fn free_in_background<T: Send + 'static>(value: T) {
    // When no thread can be had, the closure, and the value with it, is dropped right here.
    let _freeing = std::thread::Builder::new()
        .name("parkland-free".to_owned())
        .spawn(move || drop(value));
}

/// Which layer a file replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    Districts,
    Parcels,
}

/// A layer read from a file.
#[derive(Debug)]
pub enum LoadedLayer {
    Districts(Import),
    Parcels(Box<LoadedParcels>),
}

/// Files up to this size are read whole first when their kind must be guessed.
const GUESS_WHOLE_FILE_BYTES: u64 = 4 << 20;

/// Reads a district or parcel file; with `kind` `None` the kind is guessed from the file name
/// and, for small files, from the features' properties (see [`guess_layer_kind`]).
///
/// `request` says what the user chose: the kind, the CRS of a file that names none, the set
/// of a zip of Shapefiles (or layer of a GeoPackage).
pub fn load_layer(
    path: &Path,
    request: &LoadRequest,
    progress: &Progress,
) -> Result<LoadedLayer, Box<Rejected>> {
    let assume = request.assume.as_ref();
    let chosen = request.layer.as_deref();
    let by_name = request.kind.or_else(|| layer_kind_from_name(path));
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= GUESS_WHOLE_FILE_BYTES);
    let layer = |preferred| chosen.map_or(LayerChoice::Prefer(preferred), LayerChoice::Named);
    let parcels = |progress: &Progress| {
        let options = ReadOptions::layer(layer("parcels")).assuming(assume);
        crate::formats::read_file_as(path, &options, progress)
            .and_then(|(parcels, report)| prepare_parcels(parcels, report, None, progress))
            .map(|l| LoadedLayer::Parcels(Box::new(l)))
    };
    match by_name {
        Some(LayerKind::Districts) => {
            let options = ReadOptions::layer(layer("districts")).assuming(assume);
            crate::formats::read_file_with(path, &options).map(LoadedLayer::Districts)
        }
        None if small || Format::of(path).reads_whole() => {
            let first = chosen.map_or(LayerChoice::First, LayerChoice::Named);
            let options = ReadOptions::layer(first).assuming(assume);
            let import = crate::formats::read_file_with(path, &options)?;
            if guess_layer_kind(&import) == LayerKind::Districts {
                return Ok(LoadedLayer::Districts(import));
            }
            let (parcels, report) = import.into_items();
            prepare_parcels(parcels, report, None, progress)
                .map(|l| LoadedLayer::Parcels(Box::new(l)))
        }
        Some(LayerKind::Parcels) | None => parcels(progress),
    }
}

/// What the user chose about a file being opened.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    /// Districts or parcels; `None`: guessed from the name and the contents.
    pub kind: Option<LayerKind>,
    /// The CRS of a file that names none.
    pub assume: Option<crate::crs::Crs>,
    /// The set of a zip of Shapefiles, or the layer of a GeoPackage.
    pub layer: Option<String>,
}

/// Districts when the file name says so (district, zone, 片区, 园区).
#[must_use]
pub fn layer_kind_from_name(path: &Path) -> Option<LayerKind> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    ["district", "zone", "片区", "园区"]
        .iter()
        .any(|w| name.contains(w))
        .then_some(LayerKind::Districts)
}

/// Districts when the features look like districts (a `code`, no `parcel_no`, at most 50 of
/// them), else parcels.
#[must_use]
pub fn guess_layer_kind(import: &Import) -> LayerKind {
    let has = |key: &str| {
        import
            .features
            .iter()
            .any(|f| f.properties.contains_key(key))
    };
    if !has("parcel_no") && has("code") && import.features.len() <= 50 {
        LayerKind::Districts
    } else {
        LayerKind::Parcels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_parcel_path_reads_what_the_park_reads() {
        let park = crate::sample::sample_park().expect("sample");
        let loaded = load_parcels(
            crate::sample::PARCELS_GEOJSON,
            "sample",
            None,
            &Progress::new(),
        )
        .expect("loads");
        assert_eq!(loaded.parcels.len(), park.parcels.len());
        for (a, b) in loaded.parcels.iter().zip(&park.parcels) {
            assert_eq!(
                (
                    &a.parcel_no,
                    &a.district,
                    &a.holder,
                    &a.land_use,
                    &a.supplied_on,
                    a.status
                ),
                (
                    &b.parcel_no,
                    &b.district,
                    &b.holder,
                    &b.land_use,
                    &b.supplied_on,
                    b.status
                )
            );
            assert_eq!(a.areas, b.areas);
            assert_eq!(a.geometry, b.geometry);
        }
        assert_eq!(loaded.prepared.tessellation.len(), park.parcels.len());
        assert_eq!(loaded.prepared.index.len(), park.parcels.len());
    }

    #[test]
    fn what_is_freed_in_the_background_is_freed() {
        struct Flag(std::sync::mpsc::Sender<()>);
        impl Drop for Flag {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        free_in_background(vec![Flag(tx.clone()), Flag(tx)]);
        for _ in 0..2 {
            rx.recv_timeout(std::time::Duration::from_secs(10))
                .expect("dropped on the freeing thread");
        }
    }

    #[test]
    fn a_cancelled_load_says_so() {
        let progress = Progress::new();
        progress.cancel();
        let Err(rejected) = load_parcels(crate::sample::PARCELS_GEOJSON, "sample", None, &progress)
        else {
            panic!("a cancelled load returns no parcels")
        };
        assert_eq!(rejected.reason, RejectReason::Cancelled);
    }
}
