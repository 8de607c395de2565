//! `parkland summary [--districts FILE] [--parcels FILE] [--json]`

use super::{Cli, group_thousands};
use crate::formats::LayerChoice;
use crate::formats::{Import, ReadOptions, read_file_with};
use crate::model::Lang;
use crate::model::{ParcelList, Park};
use crate::sample;
use crate::standing::Standing;
use crate::stats::{ledger_summary, method_counts, park_summary, progress_counts};
use crate::units::{km2_from_m2, mu_from_m2};
use anyhow::Context as _;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub as_of: super::AsOfArg,
}

/// Loads the park named on the command line, with the sample for whatever is not given. A
/// GeoPackage holding both is read by its `districts` and `parcels` layers.
pub fn load_park(cli: &Cli) -> Result<Park, Box<crate::formats::Rejected>> {
    let districts: Import = match &cli.districts {
        Some(path) => read_file_with(
            path,
            &ReadOptions::layer(LayerChoice::Prefer("districts")).assuming(cli.crs.as_ref()),
        )?,
        None => sample::sample_districts()?,
    };
    let mut park = Park::from_imports(Some(districts), None);
    park.set_area_basis(cli.area);
    let (parcels, report) = match &cli.parcels {
        Some(path) => crate::layer::read_parcels_file_assuming(
            path,
            cli.crs.as_ref(),
            &crate::layer::Progress::new(),
        )?,
        None => crate::formats::parcels_of(sample::sample_parcels()?),
    };
    park.set_parcels(ParcelList::check(&park.districts, parcels, report));
    Ok(park)
}

pub fn run(args: &SummaryArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (park, ledger) = super::park_and_ledger(cli)?;
    let (cases, day) = super::cases_as_of(&ledger, args.as_of.as_of)?;
    // Where each parcel stands on that day and which cases count: the same answer as the
    // window's.
    let standing = Standing::compute(&park, &cases, day);
    let summary = park_summary(&park, &standing);
    let ledger = ledger_summary(&cases);
    if args.json {
        let mut value = serde_json::to_value(&summary).context("writing the summary")?;
        if let Some(object) = value.as_object_mut() {
            object.insert("ledger".to_owned(), serde_json::to_value(&ledger)?);
            // The plane areas beside the figures (whose basis `area_basis` names).
            let plane = crate::stats::plane_areas(&park);
            object.insert("plane_areas".to_owned(), serde_json::to_value(&plane)?);
            if let Some(day) = args.as_of.as_of {
                object.insert("as_of".to_owned(), day.to_string().into());
            }
        }
        serde_json::to_writer(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(day) = args.as_of.as_of {
        writeln!(
            out,
            "台账截至 {day} 日终 / the ledger as of the end of {day}"
        )?;
    }
    writeln!(
        out,
        "{:<6} {:<12} {:>9} {:>7} {:>12} {:>9} {:>12}",
        "code", "district", "area km²", "parcels", "parcels 亩", "idle now", "idle now 亩"
    )?;
    for row in &summary.districts {
        writeln!(
            out,
            "{:<6} {:<12} {:>9.3} {:>7} {:>12} {:>9} {:>12}",
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
        "{:<6} {:<12} {:>9.3} {:>7} {:>12} {:>9} {:>12}",
        "total",
        "园区合计",
        km2_from_m2(total.area_m2),
        total.parcels,
        group_thousands(mu_from_m2(total.parcel_area_m2), 2),
        total.idle_parcels,
        group_thousands(mu_from_m2(total.idle_area_m2), 2)
    )?;
    match args.as_of.as_of {
        Some(day) => writeln!(
            out,
            "(idle now: parcels 闲置 or 低效 on {day}, from their ledger case as it stood then)"
        )?,
        None => writeln!(
            out,
            "(idle now: parcels 闲置 or 低效 today, from their ledger case where they have one)"
        )?,
    }
    writeln!(out, "({})", summary.area_caption(Lang::Zh))?;
    writeln!(out)?;
    super::write_ledger_figures(out, &ledger)?;
    let unregistered = standing
        .parcels
        .iter()
        .filter(|p| p.alert.unregistered)
        .count();
    if unregistered > 0 {
        writeln!(
            out,
            "  未登记: {unregistered} parcel(s) marked 闲置 or 低效 in the parcel file have no case"
        )?;
    }
    let nonzero = |rows: Vec<(&str, usize)>| {
        rows.into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(label, n)| format!("{label} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "  by method:   {}",
        nonzero(method_counts(&ledger, Lang::Zh))
    )?;
    writeln!(
        out,
        "  by progress: {}",
        nonzero(progress_counts(&ledger, Lang::Zh))
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
