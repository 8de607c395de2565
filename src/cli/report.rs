//! `parkland report --out report.xlsx|report.pdf [--style S] [--lang zh|en] [--date D]`:
//! the park's figures, tables, ledger and map as an Excel workbook or a printable A4 PDF.

use super::{Cli, EXIT_REJECTED};
use crate::export::{Report, write_report_pdf, write_report_xlsx};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The report to write: `.xlsx` (汇总, 台账 and 专题图 sheets) or `.pdf` (A4).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub map: super::render::MapArgs,
    #[command(flatten)]
    pub as_of: super::AsOfArg,
    /// Adds the park's figures at this earlier (or later) date beside those of the report's
    /// (年度对比: cases and 亩 added, land and floor revitalized, by district and method).
    #[arg(long, value_name = "DATE", value_parser = super::render::date)]
    pub compare: Option<jiff::civil::Date>,
}

/// The report formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Pdf,
}

pub fn run(args: &ReportArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("xlsx") => Format::Xlsx,
        Some("pdf") => Format::Pdf,
        _ => {
            writeln!(
                out,
                "error: {}: the report is written as .xlsx or .pdf; name the file so",
                args.out.display()
            )?;
            return Ok(ExitCode::from(EXIT_REJECTED));
        }
    };
    let (park, ledger) = super::park_and_ledger(cli)?;
    let (cases, day) = super::cases_as_of(&ledger, args.as_of.as_of)?;
    let date = args.map.date.unwrap_or(day);
    let mut report = Report::new(&park, &cases, args.map.style, args.map.lang, date)
        .context("making the report")?;
    if let Some(other) = args.compare {
        let (other_cases, other_day) = super::cases_as_of(&ledger, Some(other))?;
        report.add_comparison(&crate::stats::compare(
            &park,
            (&cases, day),
            (&other_cases, other_day),
        ));
    }
    match format {
        Format::Xlsx => write_report_xlsx(&report, &args.out),
        Format::Pdf => write_report_pdf(&report, &args.out),
    }
    .context("writing the report")?;
    writeln!(
        out,
        "{}: {} parcels, {} ledger cases, map {}",
        args.out.display(),
        park.parcels.len(),
        cases.iter().filter(|c| !c.deleted).count(),
        args.map.style.label(args.map.lang)
    )?;
    Ok(ExitCode::SUCCESS)
}
