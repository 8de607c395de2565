//! `parkland summary [--districts FILE] [--parcels FILE] [--json]`

use super::{Cli, EXIT_REJECTED, group_thousands};
use crate::geo_io::{Import, read_geojson_file};
use crate::model::Park;
use crate::sample;
use crate::stats::park_summary;
use crate::units::{km2_from_m2, mu_from_m2};
use anyhow::Context as _;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Loads the park named on the command line, with the sample for whatever is not given.
pub fn load_park(cli: &Cli) -> Result<Park, Box<crate::geo_io::Rejected>> {
    let districts: Import = match &cli.districts {
        Some(path) => read_geojson_file(path)?,
        None => sample::sample_districts()?,
    };
    let parcels: Import = match &cli.parcels {
        Some(path) => read_geojson_file(path)?,
        None => sample::sample_parcels()?,
    };
    Ok(Park::from_imports(Some(districts), Some(parcels)))
}

pub fn run(args: &SummaryArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let park = match load_park(cli) {
        Ok(park) => park,
        Err(rejected) => {
            writeln!(out, "error: {rejected}")?;
            for message in &rejected.report.messages {
                writeln!(out, "  {message}")?;
            }
            return Ok(ExitCode::from(EXIT_REJECTED));
        }
    };
    let summary = park_summary(&park);
    if args.json {
        serde_json::to_writer(&mut *out, &summary).context("writing the summary")?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<6} {:<12} {:>9} {:>7} {:>12} {:>6} {:>10}",
        "code", "district", "area km²", "parcels", "parcels 亩", "idle", "idle 亩"
    )?;
    for row in &summary.districts {
        writeln!(
            out,
            "{:<6} {:<12} {:>9.3} {:>7} {:>12} {:>6} {:>10}",
            row.code,
            row.name,
            km2_from_m2(row.area_m2),
            row.parcels,
            group_thousands(mu_from_m2(row.parcel_area_m2), 2),
            row.idle_parcels,
            group_thousands(mu_from_m2(row.idle_area_m2), 2)
        )?;
    }
    let total = &summary.total;
    writeln!(
        out,
        "{:<6} {:<12} {:>9.3} {:>7} {:>12} {:>6} {:>10}",
        "total",
        "园区合计",
        km2_from_m2(total.area_m2),
        total.parcels,
        group_thousands(mu_from_m2(total.parcel_area_m2), 2),
        total.idle_parcels,
        group_thousands(mu_from_m2(total.idle_area_m2), 2)
    )?;
    for report in [&park.district_report, &park.parcel_report]
        .into_iter()
        .flatten()
    {
        if !report.is_clean() {
            writeln!(
                out,
                "{}: {} message(s)",
                report.source,
                report.messages.len()
            )?;
            for message in &report.messages {
                writeln!(out, "  {message}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
