//! Loading a parcel file the fast way, ready to draw: read, parsed and measured on all cores
//! straight into parcels, then triangulated and indexed. The window runs this on a named
//! background thread with a progress bar and a cancel button; the CLI and the benchmarks call
//! it directly.

use crate::geo_io::{ImportReport, RejectReason, Rejected, read_geojson_with};
use crate::model::Parcel;
use crate::prepare::PreparedShapes;
use crate::progress::{Progress, Stage};
use geo::MultiPolygon;
use std::path::Path;

/// Parcels read from a file and prepared for the map.
#[derive(Debug)]
pub struct LoadedParcels {
    pub parcels: Vec<Parcel>,
    pub report: ImportReport,
    pub prepared: PreparedShapes,
}

/// Reads parcels from `GeoJSON` bytes on all cores (see [`read_geojson_with`]).
pub fn read_parcels(
    bytes: &[u8],
    source: &str,
    progress: &Progress,
) -> Result<(Vec<Parcel>, ImportReport), Box<Rejected>> {
    read_geojson_with(bytes, source, progress, Parcel::from_feature)
}

/// Reads a parcel file and prepares it for the map, around `origin` when given.
pub fn load_parcels_file(
    path: &Path,
    origin: Option<[f64; 2]>,
    progress: &Progress,
) -> Result<LoadedParcels, Box<Rejected>> {
    let source = path.display().to_string();
    progress.start(Stage::Reading, 1);
    let bytes = std::fs::read(path).map_err(|e| {
        Box::new(Rejected {
            reason: RejectReason::Io(e.to_string()),
            report: ImportReport {
                source: source.clone(),
                ..ImportReport::default()
            },
        })
    })?;
    load_parcels(&bytes, &source, origin, progress)
}

/// Reads parcels from bytes and prepares them for the map.
pub fn load_parcels(
    bytes: &[u8],
    source: &str,
    origin: Option<[f64; 2]>,
    progress: &Progress,
) -> Result<LoadedParcels, Box<Rejected>> {
    let (parcels, report) = read_parcels(bytes, source, progress)?;
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
