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
    let (park, cases) = super::render::load_park_and_cases(cli, true)?;
    let date = args.map.date.unwrap_or_else(|| jiff::Zoned::now().date());
    let report = Report::new(&park, &cases, args.map.style, args.map.lang, date)
        .context("making the report")?;
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
