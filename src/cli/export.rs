//! `parkland export --gpkg FILE --geojson FILE [--gk]`: the park and its ledger for QGIS, GDAL
//! and the county.

use super::{Cli, EXIT_REJECTED, group_thousands};
use crate::formats::{GeoJsonCrs, write_geojson, write_gpkg};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A GeoPackage with the layers districts and parcels (with their ledger case) and the
    /// table ledger, in EPSG:4326; opens as it is in QGIS and GDAL.
    #[arg(long, value_name = "FILE")]
    pub gpkg: Option<PathBuf>,
    /// The parcels with their ledger case as GeoJSON (RFC 7946 lon/lat).
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
    /// Write the GeoJSON in the park's CGCS2000 3° Gauss-Krüger zone (metres, with a crs member).
    #[arg(long, requires = "geojson")]
    pub gk: bool,
}

pub fn run(args: &ExportArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if args.gpkg.is_none() && args.geojson.is_none() {
        writeln!(out, "error: give --gpkg FILE and/or --geojson FILE")?;
        return Ok(ExitCode::from(EXIT_REJECTED));
    }
    let (park, ledger) = super::park_and_ledger(cli)?;
    let cases = ledger.list()?;
    if let Some(path) = &args.gpkg {
        let started = Instant::now();
        let written = write_gpkg(&park, &cases, path)
            .with_context(|| format!("exporting to {}", path.display()))?;
        writeln!(
            out,
            "wrote {}: {} districts, {} parcels ({} with a ledger case), {} ledger cases; {} KB in {} ms",
            path.display(),
            written.districts,
            written.parcels,
            written.parcels_with_case,
            written.cases,
            group_thousands(written.bytes as f64 / 1024.0, 0),
            started.elapsed().as_millis()
        )?;
    }
    if let Some(path) = &args.geojson {
        let started = Instant::now();
        let crs = if args.gk {
            GeoJsonCrs::GaussKruger
        } else {
            GeoJsonCrs::LonLat
        };
        let written = write_geojson(&park, &cases, path, crs)
            .with_context(|| format!("exporting to {}", path.display()))?;
        writeln!(
            out,
            "wrote {}: {} parcels ({} with a ledger case) in {}; {} KB in {} ms",
            path.display(),
            written.parcels,
            written.parcels_with_case,
            written.crs,
            group_thousands(written.bytes as f64 / 1024.0, 0),
            started.elapsed().as_millis()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
