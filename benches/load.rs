//! Map-scale benchmarks (issue 4): a `GeoJSON` parcel file to parcels ready to draw (parsed,
//! exact Karney areas, validity, triangulated, indexed), the same park as a Gauss-Krüger
//! Shapefile (issue 14), and point → parcel hit tests.
//!
//! Data: `gen_parcels.py --n N --seed 1` files in `$PARKLAND_BENCH_DATA` (default
//! `/work/bench-data`), named `parcels_10000.geojson`, `parcels_100000.geojson` and
//! `parcels_1m.geojson`; a missing file is generated with `../shared/bench/gen_parcels.py`.
//!
//! Run: `cargo bench --bench load`.

use divan::Bencher;
use parkland::layer::Progress;
use parkland::layer::{LoadedParcels, load_parcels, load_parcels_file};
use std::path::PathBuf;
use std::sync::LazyLock;

fn main() {
    divan::main();
}

fn data_file(n: usize) -> PathBuf {
    let dir = std::env::var_os("PARKLAND_BENCH_DATA")
        .map_or_else(|| PathBuf::from("/work/bench-data"), PathBuf::from);
    let name = if n == 1_000_000 {
        "parcels_1m.geojson".to_owned()
    } else {
        format!("parcels_{n}.geojson")
    };
    let path = dir.join(name);
    if !path.exists() {
        std::fs::create_dir_all(&dir).expect("bench data folder");
        let generator =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_parcels.py");
        let status = std::process::Command::new("python3")
            .arg(&generator)
            .args(["--n", &n.to_string(), "--seed", "1", "--quiet", "--out"])
            .arg(&path)
            .status()
            .expect("python3 runs the generator");
        assert!(status.success(), "gen_parcels.py failed");
    }
    path
}

/// File to parcels ready to draw, the file read from the page cache within the timing.
#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 5, sample_size = 1)]
fn geojson_to_ready_to_draw(bencher: Bencher, n: usize) {
    let path = data_file(n);
    // Warm the page cache so that every sample reads from memory, as the anchors do.
    drop(std::fs::read(&path).expect("read"));
    bencher.bench(|| load_parcels_file(&path, None, &Progress::new()).expect("loads"));
}

/// The same park as a Shapefile in CGCS2000 Gauss-Krüger zone 36 (EPSG:4524, the zone number
/// in the easting), UTF-8 attributes: made from the `GeoJSON` by GDAL's `ogr2ogr` when missing;
/// `None` without GDAL.
fn shapefile(n: usize) -> Option<PathBuf> {
    let geojson = data_file(n);
    let path = geojson.with_file_name(if n == 1_000_000 {
        "parcels_1m_gk.shp".to_owned()
    } else {
        format!("parcels_{n}_gk.shp")
    });
    if !path.exists() {
        let made = std::process::Command::new("ogr2ogr")
            .args([
                "-f",
                "ESRI Shapefile",
                "-t_srs",
                "EPSG:4524",
                "-lco",
                "ENCODING=UTF-8",
            ])
            .arg(&path)
            .arg(&geojson)
            .status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("skipped: ogr2ogr (GDAL) could not make {}", path.display());
            return None;
        }
    }
    Some(path)
}

/// A Gauss-Krüger Shapefile to parcels ready to draw: records and attributes read, every
/// position reprojected to lon/lat, both areas, validity, triangulated, indexed (issue 14).
#[divan::bench(args = [100_000, 1_000_000], sample_count = 5, sample_size = 1)]
fn shapefile_to_ready_to_draw(bencher: Bencher, n: usize) {
    let Some(path) = shapefile(n) else {
        return;
    };
    for ext in ["shp", "shx", "dbf"] {
        drop(std::fs::read(path.with_extension(ext)).expect("read"));
    }
    bencher.bench(|| load_parcels_file(&path, None, &Progress::new()).expect("loads"));
}

static LOADED_1M: LazyLock<LoadedParcels> = LazyLock::new(|| {
    let bytes = std::fs::read(data_file(1_000_000)).expect("read");
    load_parcels(&bytes, "parcels_1m.geojson", None, &Progress::new()).expect("loads")
});

/// Points spread over the parcels' extent (a fixed LCG, so every run asks the same).
fn probe_points(loaded: &LoadedParcels, n: usize) -> Vec<[f64; 2]> {
    use geo::BoundingRect as _;
    let bounds = loaded
        .parcels
        .iter()
        .filter_map(|p| p.geometry.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
        .expect("bounds");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            [
                bounds.min().x + next() * bounds.width(),
                bounds.min().y + next() * bounds.height(),
            ]
        })
        .collect()
}

/// One point → parcel query (R-tree, then exact point-in-polygon) at 1M parcels.
#[divan::bench(sample_count = 20, sample_size = 1000)]
fn point_to_parcel_1m(bencher: Bencher) {
    let loaded = &*LOADED_1M;
    let points = probe_points(loaded, 4096);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % points.len();
        loaded
            .prepared
            .index
            .hit(points[i], |k| loaded.parcels.get(k).map(|p| &p.geometry))
    });
}

/// `topology::check` of 100,000 parcels (overlaps, districts, numbers, identical geometries,
/// slivers) against the generator's three districts: target ≤ 2 s.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn topology_100k(bencher: Bencher) {
    use parkland::model::{ParcelList, Park};
    let dir = data_file(100_000)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let districts_path = dir.join("districts_100000.geojson");
    if !districts_path.exists() {
        let generator =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_parcels.py");
        let status = std::process::Command::new("python3")
            .arg(&generator)
            .args([
                "--n",
                "100000",
                "--seed",
                "1",
                "--districts",
                "--quiet",
                "--out",
            ])
            .arg(&districts_path)
            .status()
            .expect("python3 runs the generator");
        assert!(status.success(), "gen_parcels.py failed");
    }
    let districts = parkland::formats::read_file(&districts_path).expect("districts");
    let mut park = Park::from_imports(Some(districts), None);
    let loaded = load_parcels_file(&data_file(100_000), None, &Progress::new()).expect("loads");
    park.set_parcels(ParcelList::check(
        &park.districts,
        loaded.parcels,
        loaded.report,
    ));
    bencher.bench(|| parkland::topology::check(&park));
}
