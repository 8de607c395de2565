//! `parkland check FILE... [--json]`

use super::{EXIT_REJECTED, group_thousands};
use crate::formats::{ImportReport, Level, Message, read_file};
use crate::units::{ha_from_m2, mu_from_m2};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files to check: `GeoJSON`, GeoPackage, Shapefile (`.shp`) or 国土TXT.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// One JSON object per file per line.
    #[arg(long)]
    pub json: bool,
    /// Also prepare each file as parcels for the map, as the window does (triangulated and
    /// indexed on all cores), and report the triangles.
    #[arg(long)]
    pub map: bool,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    area_m2: f64,
    messages: &'a [Message],
    #[serde(skip_serializing_if = "Option::is_none")]
    triangles: Option<usize>,
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut any_rejected = false;
    for path in &args.files {
        let read = if args.map {
            crate::layer::load_parcels_file(path, None, &crate::layer::Progress::new()).map(
                |loaded| {
                    let triangles = loaded.prepared.tessellation.triangles.len() / 3;
                    // Freed while the report is printed (and not waited for at exit).
                    crate::layer::free_in_background((loaded.parcels, loaded.prepared));
                    (loaded.report, Some(triangles))
                },
            )
        } else {
            read_file(path).map(|import| (import.report, None))
        };
        let (status, report, triangles) = match read {
            Ok((report, triangles)) => {
                let status = if report.is_clean() {
                    Status::Ok
                } else {
                    Status::Warnings
                };
                (status, report, triangles)
            }
            Err(rejected) => {
                any_rejected = true;
                let mut report = rejected.report;
                report.messages.push(Message {
                    level: Level::Error,
                    feature: None,
                    text: rejected.reason.to_string(),
                });
                (Status::Rejected, report, None)
            }
        };
        if args.json {
            write_json(out, status, &report, triangles)?;
        } else {
            write_text(out, status, &report)?;
            if let Some(triangles) = triangles {
                writeln!(
                    out,
                    "  map: {} triangles, indexed",
                    group_thousands(triangles as f64, 0)
                )?;
            }
        }
    }
    Ok(if any_rejected {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_json(
    out: &mut dyn Write,
    status: Status,
    report: &ImportReport,
    triangles: Option<usize>,
) -> anyhow::Result<()> {
    let line = FileReport {
        file: &report.source,
        status,
        features_read: report.features_read,
        parcels_loaded: report.features_loaded,
        skipped: report.skipped,
        invalid_geometries: report.invalid_geometries,
        crs: Some(report.crs.as_str()).filter(|c| !c.is_empty()),
        encoding: report.encoding.as_deref(),
        area_m2: (report.area_m2 * 100.0).round() / 100.0,
        messages: &report.messages,
        triangles,
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
        if let Some(encoding) = &report.encoding {
            writeln!(out, "  attributes read as {encoding}")?;
        }
    }
    for message in &report.messages {
        writeln!(out, "  {message}")?;
    }
    Ok(())
}
