//! Exchange benchmarks (issue 5): a park of 100,000 parcels with their attributes and 10,000
//! ledger cases, exported as a GeoPackage and as `GeoJSON`, and the GeoPackage read back.
//!
//! Run: `cargo bench --bench exchange`. The parcels are generated in-process (rectangles,
//! L-shapes, plots with a hole and two-part plots, about 9 positions each, as
//! `gen_parcels.py` makes them); set `PARKLAND_BENCH_PARCELS=FILE` to load a `GeoJSON` file
//! instead (e.g. `python3 ../shared/bench/gen_parcels.py --n 100000 --seed 1 --out FILE`).
//! The comparison with `ogr2ogr -f GPKG` on the same file is timed with hyperfine; see
//! BENCHMARKS.md.

use geo::{LineString, MultiPolygon, Polygon};
use parkland::formats::{GeoJsonCrs, LayerChoice, read_gpkg, write_geojson, write_gpkg};
use parkland::geometry::geodesic_area_m2;
use parkland::ledger::StoredEntry;
use parkland::model::{
    Areas, DisposalMethod, IdleKind, LedgerEntry, Parcel, ParcelStatus, Park, Progress,
};
use std::path::PathBuf;
use std::sync::LazyLock;

fn main() {
    divan::main();
}

const PARCELS: usize = 100_000;

/// A small deterministic generator (xorshift), so every run measures the same park.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64
    }
}

fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    let mut ring: Vec<(f64, f64)> = points.to_vec();
    ring.push(points[0]);
    LineString::from(ring)
}

/// One plot in a cell of about 150 m × 100 m whose south-west corner is (x, y) degrees.
#[allow(
    clippy::many_single_char_names,
    reason = "plane geometry reads best as x, y, w, h"
)]
fn plot(rng: &mut Rng, x: f64, y: f64) -> MultiPolygon<f64> {
    let (w, h) = (
        0.0014 * (0.7 + 0.3 * rng.next()),
        0.0008 * (0.7 + 0.3 * rng.next()),
    );
    let kind = rng.next();
    // Rectangles carry extra positions along their edges, as digitised plots do.
    let rectangle = |x: f64, y: f64, w: f64, h: f64| {
        ring(&[
            (x, y),
            (x + w * 0.4, y),
            (x + w, y),
            (x + w, y + h * 0.5),
            (x + w, y + h),
            (x + w * 0.6, y + h),
            (x, y + h),
            (x, y + h * 0.5),
        ])
    };
    if kind < 0.72 {
        MultiPolygon::new(vec![Polygon::new(rectangle(x, y, w, h), vec![])])
    } else if kind < 0.92 {
        let l_shape = ring(&[
            (x, y),
            (x + w, y),
            (x + w, y + h * 0.5),
            (x + w * 0.5, y + h * 0.5),
            (x + w * 0.5, y + h),
            (x, y + h),
        ]);
        MultiPolygon::new(vec![Polygon::new(l_shape, vec![])])
    } else if kind < 0.97 {
        let hole = ring(&[
            (x + w * 0.4, y + h * 0.4),
            (x + w * 0.6, y + h * 0.4),
            (x + w * 0.6, y + h * 0.6),
            (x + w * 0.4, y + h * 0.6),
        ]);
        MultiPolygon::new(vec![Polygon::new(rectangle(x, y, w, h), vec![hole])])
    } else {
        MultiPolygon::new(vec![
            Polygon::new(rectangle(x, y, w * 0.45, h), vec![]),
            Polygon::new(rectangle(x + w * 0.55, y, w * 0.45, h), vec![]),
        ])
    }
}

fn generated_park() -> Park {
    let mut park = Park::from_imports(parkland::sample::sample_districts().ok(), None);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let columns = 320;
    let districts = ["LCX", "LJ", "WX"];
    let statuses = [
        ParcelStatus::InUse,
        ParcelStatus::InUse,
        ParcelStatus::InUse,
        ParcelStatus::Idle,
        ParcelStatus::LowEfficiency,
        ParcelStatus::Revitalized,
    ];
    park.parcels = (0..PARCELS)
        .map(|i| {
            let (col, row) = ((i % columns) as f64, (i / columns) as f64);
            let geometry = plot(&mut rng, 106.9 + col * 0.0016, 32.9 + row * 0.0009);
            let district = districts[i % 3];
            Parcel {
                parcel_no: format!("{district}-{:06}", i + 1),
                district: Some(district.to_owned()),
                holder: Some(format!("示例{}实业有限公司", i % 997)),
                land_use: Some("工业用地".to_owned()),
                supplied_on: Some(format!("20{:02}-{:02}-15", 5 + i % 20, 1 + i % 12)),
                status: Some(statuses[i % statuses.len()]),
                areas: Areas::measure(&geometry, geodesic_area_m2(&geometry)),
                area_m2: 0.0,
                valid: true,
                feature_index: i,
                geometry,
            }
        })
        .collect();
    // Each parcel's figure area, on the park's basis.
    park.set_area_basis(park.area_basis);
    park
}

fn loaded_park(path: &str) -> Park {
    let parcels = parkland::formats::read_geojson_file(std::path::Path::new(path))
        .unwrap_or_else(|e| panic!("{e}"));
    Park::from_imports(parkland::sample::sample_districts().ok(), Some(parcels))
}

/// The park and 10,000 cases on every tenth parcel.
static PARK: LazyLock<(Park, Vec<StoredEntry>)> = LazyLock::new(|| {
    let park = std::env::var("PARKLAND_BENCH_PARCELS")
        .map_or_else(|_| generated_park(), |path| loaded_park(&path));
    let cases = park
        .parcels
        .iter()
        .step_by(10)
        .enumerate()
        .map(|(i, parcel)| StoredEntry {
            id: i64::try_from(i + 1).unwrap_or(i64::MAX),
            version: 1,
            deleted: false,
            entry: LedgerEntry {
                parcel_no: parcel.parcel_no.clone(),
                district: parcel.district.clone(),
                holder: parcel.holder.clone(),
                parcel_area_m2: parcel.area_m2,
                idle_land_m2: parcel.area_m2,
                kind: IdleKind::LowEfficiency,
                methods: vec![DisposalMethod::PARK_FIVE[i % 5]],
                progress: Progress::Disposing,
                deadline: jiff::civil::Date::new(2026, 12, 31).ok(),
                responsible_unit: "园区管委会".to_owned(),
                ..LedgerEntry::default()
            },
            created_at: "2025-01-02T03:04:05Z".to_owned(),
            created_by: "bench".to_owned(),
            updated_at: "2025-01-02T03:04:05Z".to_owned(),
            updated_by: "bench".to_owned(),
        })
        .collect();
    (park, cases)
});

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-bench-exchange-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// `write_gpkg`: 100,000 parcels with their attributes and case, 3 districts, the ledger
/// table, R-trees; one transaction, temp file synced and renamed.
#[divan::bench(sample_count = 5)]
fn gpkg_export_100k(bencher: divan::Bencher) {
    let (park, cases) = LazyLock::force(&PARK);
    let path = scratch("park.gpkg");
    bencher.bench_local(|| write_gpkg(park, cases, &path).expect("export"));
}

/// `write_geojson` in lon/lat.
#[divan::bench(sample_count = 5)]
fn geojson_export_100k(bencher: divan::Bencher) {
    let (park, cases) = LazyLock::force(&PARK);
    let path = scratch("parcels.geojson");
    bencher.bench_local(|| write_geojson(park, cases, &path, GeoJsonCrs::LonLat).expect("export"));
}

/// `write_geojson` in the Gauss-Krüger zone (every position projected).
#[divan::bench(sample_count = 3)]
fn geojson_gk_export_100k(bencher: divan::Bencher) {
    let (park, cases) = LazyLock::force(&PARK);
    let path = scratch("parcels-gk.geojson");
    bencher.bench_local(|| {
        write_geojson(park, cases, &path, GeoJsonCrs::GaussKruger).expect("export")
    });
}

/// `read_gpkg` of the exported parcels: decode, geodesic area, validity.
#[divan::bench(sample_count = 5)]
fn gpkg_read_100k(bencher: divan::Bencher) {
    let (park, cases) = LazyLock::force(&PARK);
    let path = scratch("read.gpkg");
    write_gpkg(park, cases, &path).expect("export");
    bencher.bench_local(|| {
        let import = read_gpkg(&path, LayerChoice::Named("parcels")).expect("read");
        assert_eq!(import.features.len(), park.parcels.len());
        import
    });
}
