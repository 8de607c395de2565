//! `parkland export --gpkg FILE --geojson FILE [--gk] --txt FILE [--parcel NO]...`: the park
//! and its ledger for QGIS, GDAL and the county; parcels as 国土TXT for land approval.

use super::{Cli, EXIT_REJECTED, group_thousands};
use crate::formats::{GeoJsonCrs, write_geojson, write_gpkg, write_guotu_txt, write_shapefile};
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
    /// The parcels with their ledger case as a Shapefile set (FILE.shp, .shx, .dbf, .cpg UTF-8,
    /// .prj) in the park's CGCS2000 3° Gauss-Krüger zone, field names cut to 10 bytes.
    #[arg(long, value_name = "FILE")]
    pub shp: Option<PathBuf>,
    /// The parcels as a 国土TXT boundary-point file (界址点坐标, 报部格式) in the park's CGCS2000
    /// 3° Gauss-Krüger zone, GBK, for land approval submissions.
    #[arg(long, value_name = "FILE")]
    pub txt: Option<PathBuf>,
    /// With --txt: only this parcel (repeat for more); all parcels when none is given.
    #[arg(
        long = "parcel",
        id = "txt_parcel",
        value_name = "NO",
        requires = "txt"
    )]
    pub txt_parcels: Vec<String>,
    /// The districts and parcels (with their ledger case) as the tables `districts` and
    /// `parcels` (`geometry(MultiPolygon, 4490)`, a `GiST` index) in a PostGIS database, for
    /// QGIS users in the county; replaces the previous export, in one transaction.
    #[arg(long, value_name = "URL")]
    pub postgis: Option<String>,
}

pub fn run(args: &ExportArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if args.gpkg.is_none()
        && args.geojson.is_none()
        && args.shp.is_none()
        && args.txt.is_none()
        && args.postgis.is_none()
    {
        writeln!(
            out,
            "error: give one or more of --gpkg FILE, --geojson FILE, --shp FILE, --txt FILE, --postgis URL"
        )?;
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
    if let Some(path) = &args.shp {
        let written = write_shapefile(&park, &cases, path)
            .with_context(|| format!("exporting to {}", path.display()))?;
        writeln!(
            out,
            "wrote {}: {} parcels ({} with a ledger case) in {}{}",
            written
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            written.parcels,
            written.parcels_with_case,
            written.crs,
            if written.cut_texts > 0 {
                format!(
                    "; {} texts longer than 254 bytes were cut",
                    written.cut_texts
                )
            } else {
                String::new()
            }
        )?;
    }
    if let Some(url) = &args.postgis {
        let started = Instant::now();
        match crate::formats::write_postgis(&park, &cases, url) {
            Ok(written) => writeln!(
                out,
                "wrote {}: tables districts ({}) and parcels ({}, {} with a ledger case), EPSG:4490, in {} ms",
                written.location,
                written.districts,
                written.parcels,
                written.parcels_with_case,
                started.elapsed().as_millis()
            )?,
            Err(error) => {
                writeln!(out, "error: {error}")?;
                writeln!(out, "nothing was written")?;
                return Ok(ExitCode::from(EXIT_REJECTED));
            }
        }
    }
    if let Some(path) = &args.txt {
        if let Some(missing) = args
            .txt_parcels
            .iter()
            .find(|no| !park.parcels.iter().any(|p| &p.parcel_no == *no))
        {
            writeln!(
                out,
                "error: the park has no parcel {missing}; nothing was written"
            )?;
            return Ok(ExitCode::from(EXIT_REJECTED));
        }
        let written = write_guotu_txt(&park, &args.txt_parcels, path)
            .with_context(|| format!("exporting to {}", path.display()))?;
        writeln!(
            out,
            "wrote {}: {} parcels, {} boundary points, in {} (GBK)",
            path.display(),
            written.parcels,
            written.points,
            written.crs
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
