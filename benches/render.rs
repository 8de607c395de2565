//! Map image benchmarks (issue 5): the sample park and 1,000,000 parcels drawn at 1920×1080,
//! title, legend, scale bar and north arrow included. Only the drawing is measured: the park
//! is read and classified once, outside the timings.
//!
//! Run: `cargo bench --bench render`. The 1M park is read from `$PARKLAND_BENCH_PARCELS`
//! (default `../bench-data/parcels_1m.geojson`, beside the repository) and its districts from
//! `$PARKLAND_BENCH_DISTRICTS` (default `../bench-data/districts_1m.geojson`); make them with
//! `python3 ../shared/bench/gen_parcels.py --n 1000000 --seed 1 --out FILE` (and
//! `--districts`). Without them the 1M benchmarks say so and are skipped.

use parkland::formats::read_geojson_file;
use parkland::model::{Lang, Park};
use parkland::render::{RenderRequest, View, encode_png, render_map};
use parkland::style::{Classification, StylePreset};
use std::path::PathBuf;
use std::sync::LazyLock;

fn main() {
    divan::main();
}

fn date() -> jiff::civil::Date {
    jiff::civil::date(2025, 11, 26)
}

static SAMPLE: LazyLock<(Park, Classification)> = LazyLock::new(|| {
    let park = parkland::sample::sample_park().expect("sample park");
    let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
    (park, classes)
});

fn bench_file(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(default),
        PathBuf::from,
    )
}

/// The 1M park, read once (about 20 s), or `None` with a message when the files are missing.
static PARK_1M: LazyLock<Option<(Park, Classification)>> = LazyLock::new(|| {
    let parcels = bench_file("PARKLAND_BENCH_PARCELS", "../bench-data/parcels_1m.geojson");
    let districts = bench_file(
        "PARKLAND_BENCH_DISTRICTS",
        "../bench-data/districts_1m.geojson",
    );
    if !parcels.exists() {
        eprintln!(
            "SKIPPED: {} is missing; make it with gen_parcels.py (see benches/render.rs)",
            parcels.display()
        );
        return None;
    }
    let started = std::time::Instant::now();
    let parcel_import = read_geojson_file(&parcels).expect("parcels read");
    let district_import = districts
        .exists()
        .then(|| read_geojson_file(&districts).expect("districts read"));
    let park = Park::from_imports(district_import, Some(parcel_import));
    let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
    eprintln!(
        "read {} parcels and {} districts in {:.1} s",
        park.parcels.len(),
        park.districts.len(),
        started.elapsed().as_secs_f64()
    );
    Some((park, classes))
});

fn request<'a>(park: &'a Park, classes: &'a Classification) -> RenderRequest<'a> {
    let mut request = RenderRequest::new(park, classes);
    request.date = Some(date());
    request
}

/// The sample park (357 parcels), whole extent, 1920×1080: what `parkland render` draws.
#[divan::bench(sample_count = 20)]
fn sample_park_1920x1080(bencher: divan::Bencher) {
    let (park, classes) = &*SAMPLE;
    let request = request(park, classes);
    bencher.bench_local(|| render_map(&request).expect("render"));
}

/// The same, encoded as PNG (what the CLI adds before writing the file).
#[divan::bench(sample_count = 20)]
fn sample_park_1920x1080_png(bencher: divan::Bencher) {
    let (park, classes) = &*SAMPLE;
    let request = request(park, classes);
    bencher.bench_local(|| encode_png(&render_map(&request).expect("render")).expect("png"));
}

/// 1,000,000 parcels, whole extent, 1920×1080 (QGIS 3.22 from a GeoPackage: 7.8 s per frame).
#[divan::bench(sample_count = 10)]
fn parcels_1m_full_extent_1920x1080(bencher: divan::Bencher) {
    let Some((park, classes)) = &*PARK_1M else {
        return;
    };
    let request = request(park, classes);
    bencher.bench_local(|| render_map(&request).expect("render"));
}

/// 1,000,000 parcels, the view QGIS's anchor also draws: a tenth of the extent's width and
/// height (1 % of its area) centred at 20 % of its width.
#[divan::bench(sample_count = 10)]
fn parcels_1m_zoom_1pct_1920x1080(bencher: divan::Bencher) {
    let Some((park, classes)) = &*PARK_1M else {
        return;
    };
    let Some(bounds) = park.bounds() else {
        return;
    };
    let (w, h) = (bounds.width(), bounds.height());
    let (x, y) = (bounds.min().x + 0.2 * w, bounds.min().y + 0.5 * h);
    let mut request = request(park, classes);
    request.view = View::LonLat {
        west: x - w / 20.0,
        south: y - h / 20.0,
        east: x + w / 20.0,
        north: y + h / 20.0,
    };
    bencher.bench_local(|| render_map(&request).expect("render"));
}
