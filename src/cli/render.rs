//! `parkland render --out map.png [--width W --height H] [--style S] [--lang zh|en]
//! [--bbox W,S,E,N] [--title T] [--date YYYY-MM-DD]`: the park as a PNG map.

use super::Cli;
use crate::ledger::StoredEntry;
use crate::model::{Lang, Park};
use crate::render::{RenderRequest, View, render, write_png};
use crate::style::{Classification, StylePreset};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The PNG file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Image width in pixels.
    #[arg(long, default_value_t = 1920, value_parser = clap::value_parser!(u32).range(16..=16_384))]
    pub width: u32,
    /// Image height in pixels.
    #[arg(long, default_value_t = 1080, value_parser = clap::value_parser!(u32).range(16..=16_384))]
    pub height: u32,
    #[command(flatten)]
    pub map: MapArgs,
    /// Show this lon/lat rectangle instead of the whole park: WEST,SOUTH,EAST,NORTH (degrees).
    #[arg(long, value_name = "W,S,E,N", value_parser = bbox)]
    pub bbox: Option<View>,
    /// The title over the map (default: 一园三区 宗地专题图 — and the style).
    #[arg(long)]
    pub title: Option<String>,
    /// The map only: no title, legend, scale bar or north arrow.
    #[arg(long)]
    pub bare: bool,
    /// Imagery under the parcels (底图): an .mbtiles file or a folder of {z}/{x}/{y} tiles in
    /// the Web Mercator grid.
    #[arg(long, value_name = "FILE|DIR|URL")]
    pub basemap: Option<PathBuf>,
    /// The base layer's tiles are in GCJ-02 (some commercial services): shift them to fit.
    #[arg(long, requires = "basemap")]
    pub basemap_gcj02: bool,
}

/// Flags shared by `render` and `report`.
#[derive(Debug, Clone, clap::Args)]
pub struct MapArgs {
    /// What the parcel fills show: `district`, `land_use`, `status`, `ledger_kind`, `method`,
    /// `progress`, `area` (or the Chinese name, e.g. 按状态).
    #[arg(long, default_value = "status", value_parser = preset)]
    pub style: StylePreset,
    /// Language of titles, legend and tables: zh or en.
    #[arg(long, default_value = "zh", value_parser = lang)]
    pub lang: Lang,
    /// The date printed (default: today), YYYY-MM-DD.
    #[arg(long, value_parser = date)]
    pub date: Option<jiff::civil::Date>,
}

fn preset(text: &str) -> Result<StylePreset, String> {
    StylePreset::parse(text).ok_or_else(|| {
        let codes: Vec<&str> = StylePreset::ALL.iter().map(|p| p.code()).collect();
        format!("\"{text}\" is not a style; one of: {}", codes.join(", "))
    })
}

fn lang(text: &str) -> Result<Lang, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "zh" | "cn" | "中文" => Ok(Lang::Zh),
        "en" | "english" => Ok(Lang::En),
        _ => Err(format!("\"{text}\" is not a language; zh or en")),
    }
}

pub(super) fn date(text: &str) -> Result<jiff::civil::Date, String> {
    text.parse()
        .map_err(|e| format!("\"{text}\" is not a date YYYY-MM-DD ({e})"))
}

fn bbox(text: &str) -> Result<View, String> {
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("\"{text}\" is not four numbers WEST,SOUTH,EAST,NORTH ({e})"))?;
    let [west, south, east, north] = values[..] else {
        return Err(format!(
            "\"{text}\" has {} numbers; give four: WEST,SOUTH,EAST,NORTH",
            values.len()
        ));
    };
    Ok(View::LonLat {
        west,
        south,
        east,
        north,
    })
}

/// Whether a style reads the ledger's cases.
fn needs_ledger(preset: StylePreset) -> bool {
    matches!(
        preset,
        StylePreset::LedgerKind | StylePreset::Method | StylePreset::Progress
    )
}

/// The park (files given or the sample) and, when the style reads it, the ledger's cases.
pub(super) fn load_park_and_cases(
    cli: &Cli,
    with_ledger: bool,
) -> anyhow::Result<(Park, Vec<StoredEntry>)> {
    if !with_ledger {
        return Ok((super::park(cli)?, Vec::new()));
    }
    let (park, ledger) = super::park_and_ledger(cli)?;
    let cases = ledger.list()?;
    Ok((park, cases))
}

pub fn run(args: &RenderArgs, cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let with_ledger = needs_ledger(args.map.style) || cli.ledger.is_some();
    let (park, cases) = load_park_and_cases(cli, with_ledger)?;
    let classification = Classification::compute(args.map.style, &park, &cases, args.map.lang);
    let mut request = RenderRequest::new(&park, &classification);
    request.width = args.width;
    request.height = args.height;
    request.lang = args.map.lang;
    request.date = args.map.date;
    request.title.clone_from(&args.title);
    request.furniture = !args.bare;
    if let Some(view) = args.bbox {
        request.view = view;
    }
    let basemap = match &args.basemap {
        Some(path) => match crate::basemap::open(path) {
            Ok(source) if args.basemap_gcj02 => {
                Some(Box::new(crate::basemap::Gcj02(source)) as Box<dyn crate::basemap::TileSource>)
            }
            Ok(source) => Some(source),
            Err(e) => {
                writeln!(out, "error: {e}")?;
                return Ok(ExitCode::from(super::EXIT_REJECTED));
            }
        },
        None => None,
    };
    request.basemap = basemap.as_deref();
    let started = std::time::Instant::now();
    let rendered = render(&request).context("drawing the map")?;
    let drawn = started.elapsed();
    write_png(&rendered.image, &args.out).context("writing the map")?;
    let counts = rendered.parcels;
    writeln!(
        out,
        "{}: {}×{} px, {}, {} parcels ({} drawn as shapes, {} as pixels, {} outside the view), drawn in {:.3} s",
        args.out.display(),
        args.width,
        args.height,
        args.map.style.label(args.map.lang),
        park.parcels.len(),
        counts.filled,
        counts.splatted,
        counts.culled,
        drawn.as_secs_f64()
    )?;
    if let Some(source) = &basemap {
        let tiles = rendered.basemap;
        writeln!(
            out,
            "底图 {}: {} tile(s) drawn, {} missing (blank), {} unreadable (blank)",
            source.name(),
            tiles.drawn,
            tiles.missing,
            tiles.failed
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_read_and_bad_ones_explained() {
        assert_eq!(preset("progress"), Ok(StylePreset::Progress));
        assert_eq!(preset("按状态"), Ok(StylePreset::Status));
        assert!(preset("colour").is_err_and(|e| e.contains("ledger_kind")));
        assert_eq!(lang("EN"), Ok(Lang::En));
        assert!(lang("fr").is_err());
        assert_eq!(
            bbox("107.0,32.9,107.1,33.0"),
            Ok(View::LonLat {
                west: 107.0,
                south: 32.9,
                east: 107.1,
                north: 33.0
            })
        );
        assert!(bbox("1,2,3").is_err_and(|e| e.contains("three") || e.contains("3 numbers")));
        assert!(bbox("a,b,c,d").is_err());
    }
}
