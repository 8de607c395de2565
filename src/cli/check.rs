//! `parkland check FILE... [--json]`

use super::{EXIT_REJECTED, group_thousands};
use crate::geo_io::{ImportReport, Level, Message, read_file};
use crate::units::{ha_from_m2, mu_from_m2};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// `GeoJSON` or GeoPackage files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// One JSON object per file per line.
    #[arg(long)]
    pub json: bool,
}

/// The verdict on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warnings,
    Rejected,
}

#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a str,
    status: Status,
    features_read: usize,
    parcels_loaded: usize,
    skipped: usize,
    invalid_geometries: usize,
    crs: Option<&'a str>,
    area_m2: f64,
    messages: &'a [Message],
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut any_rejected = false;
    for path in &args.files {
        let (status, report) = match read_file(path) {
            Ok(import) => {
                let status = if import.report.is_clean() {
                    Status::Ok
                } else {
                    Status::Warnings
                };
                (status, import.report)
            }
            Err(rejected) => {
                any_rejected = true;
                let mut report = rejected.report;
                report.messages.push(Message {
                    level: Level::Error,
                    feature: None,
                    text: rejected.reason.to_string(),
                });
                (Status::Rejected, report)
            }
        };
        if args.json {
            write_json(out, status, &report)?;
        } else {
            write_text(out, status, &report)?;
        }
    }
    Ok(if any_rejected {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_json(out: &mut dyn Write, status: Status, report: &ImportReport) -> anyhow::Result<()> {
    let line = FileReport {
        file: &report.source,
        status,
        features_read: report.features_read,
        parcels_loaded: report.features_loaded,
        skipped: report.skipped,
        invalid_geometries: report.invalid_geometries,
        crs: Some(report.crs.as_str()).filter(|c| !c.is_empty()),
        area_m2: (report.area_m2 * 100.0).round() / 100.0,
        messages: &report.messages,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)?;
    Ok(())
}

fn write_text(out: &mut dyn Write, status: Status, report: &ImportReport) -> anyhow::Result<()> {
    let verdict = match status {
        Status::Ok => "ok",
        Status::Warnings => "loaded with warnings",
        Status::Rejected => "REJECTED",
    };
    writeln!(out, "{}: {verdict}", report.source)?;
    if status != Status::Rejected {
        writeln!(
            out,
            "  {} features read, {} loaded, {} skipped, {} invalid geometries; CRS {}",
            report.features_read,
            report.features_loaded,
            report.skipped,
            report.invalid_geometries,
            report.crs
        )?;
        writeln!(
            out,
            "  area {} m² = {} 亩 = {} ha",
            group_thousands(report.area_m2, 1),
            group_thousands(mu_from_m2(report.area_m2), 2),
            group_thousands(ha_from_m2(report.area_m2), 2)
        )?;
    }
    for message in &report.messages {
        writeln!(out, "  {message}")?;
    }
    Ok(())
}
