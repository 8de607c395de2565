//! `parkland check FILE... [--json] [--map]`; `parkland check --topology [FILE...] [--json]`

use super::{EXIT_REJECTED, group_thousands};
use crate::formats::{ImportReport, ImportedFeature, Level, Message, ReadOptions, read_file_with};
use crate::stats::PlaneAreas;
use crate::units::{ha_from_m2, mu_from_m2};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files to check: `GeoJSON`, GeoPackage, Shapefile (`.shp`) or 国土TXT.
    #[arg(required_unless_present = "topology", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Topology checks (检查) of the park's parcels, or of each FILE's parcels against the
    /// park's districts: overlaps over 1 m², parcels crossing their district or outside every
    /// district, duplicate parcel numbers, identical geometries, slivers (mean width under
    /// 2 m). Exits 1 when anything is found.
    #[arg(long)]
    pub topology: bool,
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
    /// The plane area in each parcel's CGCS2000 3° Gauss-Krüger zone, and the zone (the
    /// file's parcels' zones, when they lie in several).
    #[serde(skip_serializing_if = "Option::is_none")]
    plane_area_m2: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    plane_crs: Vec<String>,
    messages: &'a [Message],
    #[serde(skip_serializing_if = "Option::is_none")]
    triangles: Option<usize>,
}

pub fn run(args: &CheckArgs, cli: &super::Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if args.topology {
        return topology(args, cli, out);
    }
    let mut any_rejected = false;
    for path in &args.files {
        let assume = cli.crs.as_ref();
        let read = if args.map {
            let progress = crate::layer::Progress::new();
            crate::layer::read_parcels_file_assuming(path, assume, &progress)
                .and_then(|(parcels, report)| {
                    crate::layer::prepare_parcels(parcels, report, None, &progress)
                })
                .map(|loaded| {
                    let triangles = loaded.prepared.tessellation.triangles.len() / 3;
                    let plane = crate::stats::plane_total(loaded.parcels.iter().map(|p| p.areas));
                    // Freed while the report is printed (and not waited for at exit).
                    crate::layer::free_in_background((loaded.parcels, loaded.prepared));
                    (loaded.report, Some(triangles), plane)
                })
        } else {
            let options = ReadOptions::layer(crate::formats::LayerChoice::First).assuming(assume);
            read_file_with(path, &options).map(|import| {
                let plane =
                    crate::stats::plane_total(import.features.iter().map(ImportedFeature::areas));
                (import.report, None, plane)
            })
        };
        let (status, report, triangles, plane) = match read {
            Ok((report, triangles, plane)) => {
                let status = if report.is_clean() {
                    Status::Ok
                } else {
                    Status::Warnings
                };
                (status, report, triangles, plane)
            }
            Err(rejected) => {
                any_rejected = true;
                let mut report = rejected.report;
                report.messages.push(Message {
                    level: Level::Error,
                    feature: None,
                    text: rejected.reason.to_string(),
                });
                (Status::Rejected, report, None, PlaneAreas::default())
            }
        };
        if args.json {
            write_json(out, status, &report, triangles, &plane)?;
        } else {
            write_text(out, status, &report, &plane)?;
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
    plane: &PlaneAreas,
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
        plane_area_m2: (!plane.zones.is_empty()).then(|| (plane.total_m2 * 100.0).round() / 100.0),
        plane_crs: plane.zones.clone(),
        messages: &report.messages,
        triangles,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)?;
    Ok(())
}

fn write_text(
    out: &mut dyn Write,
    status: Status,
    report: &ImportReport,
    plane: &PlaneAreas,
) -> anyhow::Result<()> {
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
            "  ellipsoidal area {} m² = {} 亩 = {} ha",
            group_thousands(report.area_m2, 1),
            group_thousands(mu_from_m2(report.area_m2), 2),
            group_thousands(ha_from_m2(report.area_m2), 2)
        )?;
        if !plane.zones.is_empty() {
            let area = plane.total_m2;
            writeln!(
                out,
                "  plane area {} m² = {} 亩 (Gauss-Krüger 3°, {})",
                group_thousands(area, 1),
                group_thousands(mu_from_m2(area), 2),
                plane.zones.join(", ")
            )?;
        }
        if let Some(encoding) = &report.encoding {
            writeln!(out, "  attributes read as {encoding}")?;
        }
    }
    for message in &report.messages {
        writeln!(out, "  {message}")?;
    }
    Ok(())
}

/// `check --topology`: the park's parcels, or each file's against the park's districts.
fn topology(args: &CheckArgs, cli: &super::Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let park = super::park(cli)?;
    let mut parks = Vec::new();
    if args.files.is_empty() {
        parks.push((
            park.parcel_report
                .as_ref()
                .map_or_else(|| "sample park".to_owned(), |r| r.source.clone()),
            park,
        ));
    } else {
        for path in &args.files {
            let progress = crate::layer::Progress::new();
            match crate::layer::read_parcels_file_assuming(path, cli.crs.as_ref(), &progress) {
                Ok((parcels, report)) => {
                    let mut checked = crate::model::Park {
                        districts: park.districts.clone(),
                        ..crate::model::Park::default()
                    };
                    let list = crate::model::ParcelList::check(&checked.districts, parcels, report);
                    checked.set_parcels(list);
                    parks.push((path.display().to_string(), checked));
                }
                Err(rejected) => {
                    writeln!(out, "error: {rejected}")?;
                    return Ok(ExitCode::from(EXIT_REJECTED));
                }
            }
        }
    }
    let mut found = false;
    for (name, park) in &parks {
        let report = crate::topology::check(park);
        found |= report.problem_count() > 0;
        if args.json {
            let mut value = serde_json::to_value(&report)?;
            value["file"] = serde_json::Value::from(name.as_str());
            serde_json::to_writer(&mut *out, &value)?;
            writeln!(out)?;
        } else {
            write_topology(out, name, park, &report)?;
        }
    }
    Ok(if found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_topology(
    out: &mut dyn Write,
    name: &str,
    park: &crate::model::Park,
    report: &crate::topology::TopologyReport,
) -> anyhow::Result<()> {
    let area = |m2: f64| group_thousands(m2, 1);
    writeln!(
        out,
        "{name}: {} parcels checked, {} finding(s)",
        report.parcels,
        report.problem_count()
    )?;
    writeln!(
        out,
        "  overlaps (重叠, over 1 m²): {}",
        report.overlaps.len()
    )?;
    for o in &report.overlaps {
        writeln!(out, "    {} × {}: {} m²", o.a, o.b, area(o.area_m2))?;
    }
    writeln!(
        out,
        "  outside their district (越界/区外): {}",
        report.outside_districts.len()
    )?;
    for o in &report.outside_districts {
        let district = o.district.as_deref().map_or_else(
            || "outside every district".to_owned(),
            |d| park.district_name(d),
        );
        writeln!(
            out,
            "    {} ({district}): {} m² outside",
            o.parcel_no,
            area(o.area_outside_m2)
        )?;
    }
    writeln!(
        out,
        "  duplicate parcel numbers (重号): {}",
        report.duplicate_numbers.len()
    )?;
    for d in &report.duplicate_numbers {
        writeln!(out, "    {} × {}", d.parcel_no, d.count)?;
    }
    writeln!(
        out,
        "  identical geometries (重复图形): {}",
        report.identical_geometries.len()
    )?;
    for g in &report.identical_geometries {
        writeln!(out, "    {}", g.parcel_nos.join(" = "))?;
    }
    writeln!(
        out,
        "  slivers (碎片, mean width under 2 m): {}",
        report.slivers.len()
    )?;
    for s in &report.slivers {
        writeln!(
            out,
            "    {}: {:.2} m wide on average, {} m²",
            s.parcel_no,
            s.mean_width_m,
            area(s.area_m2)
        )?;
    }
    Ok(())
}
