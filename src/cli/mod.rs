//! The command line: one file per subcommand, all writing through a writer so that tests
//! can capture the output, and all using the same core as the window.

mod check;
pub mod db;
pub mod enterprise;
pub mod export;
pub mod ledger;
pub mod render;
pub mod report;
pub mod summary;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Parkland (园区土地管理): land management for a county industrial park.
///
/// With no subcommand, opens the window on the embedded sample park (or the files given).
#[derive(Debug, Parser)]
#[command(name = "parkland", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// District polygons (`GeoJSON`, GeoPackage, Shapefile or 国土TXT) to use instead of the
    /// sample park.
    #[arg(long, global = true, value_name = "FILE")]
    pub districts: Option<PathBuf>,
    /// Parcel polygons (`GeoJSON`, GeoPackage, Shapefile or 国土TXT) to use instead of the
    /// sample park.
    #[arg(long, global = true, value_name = "FILE")]
    pub parcels: Option<PathBuf>,
    /// The ledger: a file (SQLite), or the office's server
    /// (`postgresql://user@host:port/db`; the password from `PGPASSWORD` or `~/.pgpass`).
    /// Default, in the platform data folder: sample-ledger.sqlite on the sample park,
    /// ledger.sqlite on your own parcels.
    #[arg(long, global = true, value_name = "FILE|URL", env = "PARKLAND_LEDGER", hide_env_values = true, value_parser = parse_location)]
    pub ledger: Option<crate::ledger::Location>,
    /// The window: imagery under the parcels (底图), an .mbtiles file or a folder of
    /// {z}/{x}/{y} tiles, added to the base layers it remembers.
    #[arg(long, value_name = "FILE|DIR")]
    pub basemap: Option<PathBuf>,
    /// The CRS of files that name none (a `GeoJSON` without `crs`, a Shapefile without `.prj`,
    /// a 国土TXT without zone), e.g. EPSG:4545 (CGCS2000 3° Gauss-Krüger CM 108°E, the
    /// park's) or EPSG:4524 (zone 36, with the zone number in the easting). A file that names
    /// its CRS is read in it.
    #[arg(long, global = true, value_name = "EPSG:CODE", value_parser = parse_crs)]
    pub crs: Option<crate::crs::Crs>,
    /// Which area the figures use (面积口径): `plane` (投影面积, in the CGCS2000 3°
    /// Gauss-Krüger zone, as in real-estate registration) or `ellipsoidal` (椭球面积, as in
    /// the land survey).
    #[arg(long, global = true, value_name = "BASIS", default_value = "plane", value_parser = parse_area_basis)]
    pub area: crate::model::AreaBasis,
}

/// `--ledger`: a server URL or a file path.
#[allow(
    clippy::unnecessary_wraps,
    reason = "clap's value parsers return a Result"
)]
pub(crate) fn parse_location(text: &str) -> Result<crate::ledger::Location, String> {
    Ok(crate::ledger::Location::parse(text))
}

/// `--area`: `plane` or `ellipsoidal` (or their Chinese names).
fn parse_area_basis(text: &str) -> Result<crate::model::AreaBasis, String> {
    crate::model::AreaBasis::parse(text)
        .ok_or_else(|| format!("unknown area basis \"{text}\": use plane or ellipsoidal"))
}

/// `--crs`: a CRS Parkland reads, by name (`EPSG:4545`, `4545`, `urn:ogc:def:crs:EPSG::4545`).
fn parse_crs(text: &str) -> Result<crate::crs::Crs, String> {
    let named = if text.chars().all(|c| c.is_ascii_digit()) {
        format!("EPSG:{text}")
    } else {
        text.to_owned()
    };
    crate::crs::Crs::from_name(&named).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import each file and report what was loaded, skipped and flagged.
    Check(check::CheckArgs),
    /// Per-district parcel counts and areas, idle and low-efficiency land, and park totals.
    Summary(summary::SummaryArgs),
    /// The idle and low-efficiency land ledger (台账).
    Ledger(ledger::LedgerArgs),
    /// Enterprise figures (企业指标): output, tax, investment; 亩均税收 and 亩均产值.
    Enterprise(enterprise::EnterpriseArgs),
    /// The park and its ledger as a GeoPackage and/or GeoJSON, for QGIS, GDAL and the county.
    Export(export::ExportArgs),
    /// The park as a PNG map: title, parcels coloured by a style, legend, scale bar, north arrow.
    Render(render::RenderArgs),
    /// The park report: figures, per-district and per-method tables, ledger and map, as
    /// xlsx or A4 PDF.
    Report(report::ReportArgs),
    /// The office's ledger server (PostgreSQL): set it up, grant accounts their roles.
    Db(db::DbArgs),
}

/// Runs a subcommand, writing its report to `out`. Returns the process exit code: an input
/// refused ([`Refused`]) is said on `out` and exits with [`EXIT_REJECTED`], in this one place.
pub fn run(command: &Command, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match run_command(command, cli, out) {
        Err(error) => match error.downcast::<Refused>() {
            Ok(refused) => {
                for line in &refused.0 {
                    writeln!(out, "{line}")?;
                }
                Ok(ExitCode::from(EXIT_REJECTED))
            }
            Err(other) => Err(other),
        },
        ok => ok,
    }
}

/// An input the user gave was refused (a file that cannot be read, a ledger that cannot be
/// opened): the lines that say why, printed before the program exits with code 2.
#[derive(Debug)]
pub struct Refused(pub Vec<String>);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for Refused {}

/// The park named on the command line (the sample for what is not given), or why not: the
/// rejection and every message of its report.
pub(crate) fn park(cli: &Cli) -> Result<crate::model::Park, Refused> {
    summary::load_park(cli).map_err(|rejected| {
        let mut lines = vec![format!("error: {rejected}")];
        lines.extend(rejected.report.messages.iter().map(|m| format!("  {m}")));
        Refused(lines)
    })
}

/// The park and its ledger (see [`ledger::open_ledger`]), or why not.
pub(crate) fn park_and_ledger(
    cli: &Cli,
) -> Result<(crate::model::Park, crate::ledger::Ledger), Refused> {
    let park = park(cli)?;
    let ledger =
        ledger::open_ledger(cli, &park).map_err(|e| Refused(vec![format!("error: {e}")]))?;
    Ok((park, ledger))
}

/// `--as-of DATE`: the ledger as it stood at the end of that day (in the user's time zone),
/// rebuilt from its history; today's when not given.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct AsOfArg {
    /// The ledger as it stood at the end of this day (YYYY-MM-DD), rebuilt from its history;
    /// parcels stand and cases count as on that day.
    #[arg(long = "as-of", value_name = "DATE", value_parser = render::date)]
    pub as_of: Option<jiff::civil::Date>,
}

/// The live cases of the ledger as of a date (now when `None`), with the day they stand on.
pub(crate) fn cases_as_of(
    ledger: &crate::ledger::Ledger,
    as_of: Option<jiff::civil::Date>,
) -> anyhow::Result<(Vec<crate::ledger::StoredEntry>, jiff::civil::Date)> {
    Ok(match as_of {
        Some(day) => (ledger.as_of(crate::time::end_of_day(day))?.entries, day),
        None => (ledger.list()?, crate::time::today()),
    })
}

fn run_command(command: &Command, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match command {
        Command::Check(args) => check::run(args, cli, out),
        Command::Summary(args) => summary::run(args, cli, out),
        Command::Ledger(args) => ledger::run(args, cli, out),
        Command::Enterprise(args) => enterprise::run(args, cli, out),
        Command::Export(args) => export::run(args, cli, out),
        Command::Render(args) => render::run(args, cli, out),
        Command::Report(args) => report::run(args, cli, out),
        Command::Db(args) => db::run(args, out),
    }
}

/// Exit code when an input was rejected.
pub const EXIT_REJECTED: u8 = 2;

/// Prints an import preview's notes and problems. With any problem, says that nothing was
/// written and returns the exit code to stop with.
pub(crate) fn write_import_problems<'a>(
    out: &mut dyn Write,
    file: &str,
    notes: &[crate::formats::sheet::Problem],
    problems: impl Iterator<Item = &'a crate::formats::sheet::Problem>,
    count: usize,
) -> std::io::Result<Option<ExitCode>> {
    for note in notes {
        writeln!(out, "note: {file}: {note}")?;
    }
    for problem in problems {
        writeln!(out, "error: {file}: {problem}")?;
    }
    if count == 0 {
        return Ok(None);
    }
    writeln!(
        out,
        "nothing was written: fix the {count} problem(s) and import again"
    )?;
    Ok(Some(ExitCode::from(EXIT_REJECTED)))
}

/// The ledger's figures as `summary` and `ledger list` print them: cases registered and their
/// idle land, land and floor revitalized, and the duplicates left out.
pub(crate) fn write_ledger_figures(
    out: &mut dyn Write,
    ledger: &crate::stats::LedgerSummary,
) -> std::io::Result<()> {
    use crate::units::mu_from_m2;
    writeln!(
        out,
        "台账登记 cases registered: {} cases, {} 亩 idle land; 已盘活 revitalized: {} 亩 land, {} m² factory floor",
        ledger.entries,
        group_thousands(mu_from_m2(ledger.idle_area_m2), 2),
        group_thousands(mu_from_m2(ledger.revitalized_land_m2), 2),
        group_thousands(ledger.revitalized_building_m2, 0)
    )?;
    if ledger.duplicate_cases > 0 {
        writeln!(
            out,
            "  重复登记: {} open case(s) of parcels with a newer open case are not counted (each parcel's area counts once); see 预警",
            ledger.duplicate_cases
        )?;
    }
    Ok(())
}

/// Thousands separators (kept here for the subcommands; the function lives in the core).
pub use crate::units::group_thousands;
