//! Frame benchmarks (issue 4): the CPU time to prepare one map frame with 1,000,000 parcels
//! loaded — input, hit test under the pointer, GPU callback, overlays, labels, scale bar,
//! and egui's tessellation of everything drawn on the CPU — at three zoom levels, while
//! panning. The GPU draw itself is not CPU time here: the meshes are already on the GPU.
//!
//! Data: `parcels_1m.geojson` and `districts_1m.geojson` in `$PARKLAND_BENCH_DATA`
//! (default `/work/bench-data`), made by `gen_parcels.py --n 1000000 --seed 1 [--districts]`.
//!
//! Run: `cargo bench --bench frame`.

use divan::Bencher;
use parkland::layer::Progress;
use parkland::layer::load_parcels_file;
use parkland::model::{Lang, ParcelList, Park};
use parkland::query::Selection;
use parkland::ui::map::{Camera, LabelBy, MapLayer, MapStyle, Overlay, map_ui};
use std::path::PathBuf;
use std::sync::LazyLock;

fn main() {
    divan::main();
}

struct Loaded {
    park: Park,
    layer: MapLayer,
}

static LOADED: LazyLock<Loaded> = LazyLock::new(|| {
    let dir = std::env::var_os("PARKLAND_BENCH_DATA")
        .map_or_else(|| PathBuf::from("/work/bench-data"), PathBuf::from);
    let loaded = load_parcels_file(&dir.join("parcels_1m.geojson"), None, &Progress::new())
        .expect("parcels_1m.geojson loads");
    let districts = parkland::formats::read_geojson_file(&dir.join("districts_1m.geojson")).ok();
    let mut park = Park::from_imports(districts, None);
    park.set_parcels(ParcelList::check(
        &park.districts,
        loaded.parcels,
        loaded.report,
    ));
    let mut layer = MapLayer::with_parcels(&park, loaded.prepared);
    layer.recolor(|i| {
        if i % 7 == 0 {
            egui::Color32::RED
        } else {
            egui::Color32::LIGHT_BLUE
        }
    });
    Loaded { park, layer }
});

const SIZE: egui::Vec2 = egui::vec2(1280.0, 800.0);

/// A base layer that has every tile: one 256 × 256 PNG (made once).
#[derive(Debug)]
struct EveryTile(Vec<u8>);

impl parkland::basemap::TileSource for EveryTile {
    fn name(&self) -> String {
        "every tile".to_owned()
    }
    fn zoom_range(&self) -> (u8, u8) {
        (0, 19)
    }
    fn tile(
        &self,
        _: u8,
        _: u32,
        _: u32,
    ) -> Result<Option<Vec<u8>>, parkland::basemap::BasemapError> {
        Ok(Some(self.0.clone()))
    }
}

fn every_tile() -> EveryTile {
    let image = image::RgbImage::from_fn(256, 256, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    EveryTile(png.into_inner())
}

/// One frame at a zoom (world metres per point), the pointer over the map and the view
/// panned a little each frame, as while dragging.
fn frame(bencher: Bencher, m_per_point: Option<f64>) {
    frame_with(bencher, m_per_point, None);
}

/// [`frame`], with a base layer under the parcels whose tiles are all loaded first (as after
/// the first second of looking at a place).
fn frame_with(
    bencher: Bencher,
    m_per_point: Option<f64>,
    mut ground: Option<parkland::ui::map::basemap::Basemaps>,
) {
    let Loaded { park, layer } = &*LOADED;
    let ctx = egui::Context::default();
    parkland::ui::install_fonts(&ctx);
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE);
    let mut camera = Camera::default();
    let (min, max) = layer.bounds.expect("bounds");
    camera.fit(min, max, rect);
    if let Some(m) = m_per_point {
        camera.m_per_point = m;
    }
    let selection = Selection::default();
    let style = MapStyle {
        show_districts: true,
        parcel_fill: parkland::ui::map::ParcelFill::Filled,
        show_parcels: true,
        lang: Lang::Zh,
        label_by: LabelBy::ParcelNo,
        gpu: true,
    };
    let with_ground = ground.is_some();
    let mut step = 0_u32;
    let mut run = |camera: &mut Camera| {
        step += 1;
        let pointer = egui::pos2(400.0 + (step % 300) as f32, 300.0);
        let input = egui::RawInput {
            screen_rect: Some(rect),
            events: vec![egui::Event::PointerMoved(pointer)],
            ..egui::RawInput::default()
        };
        camera.center[0] += camera.m_per_point;
        let output = ctx.run_ui(input, |ui| {
            let overlay = Overlay {
                selection: &selection,
                hovered: None,
                alerts: &[],
                measure: None,
            };
            map_ui(ui, layer, park, camera, style, overlay, ground.as_mut());
        });
        ctx.tessellate(output.shapes, output.pixels_per_point)
    };
    // Warm up egui's font atlas and caches (and wait for the tiles in view).
    for _ in 0..3 {
        run(&mut camera);
    }
    for _ in 0..if with_ground { 300 } else { 0 } {
        std::thread::sleep(std::time::Duration::from_millis(10));
        run(&mut camera);
    }
    bencher.bench_local(|| run(&mut camera));
}

/// The whole park in view.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn frame_1m_full_extent(bencher: Bencher) {
    frame(bencher, None);
}

/// A district-scale view (parcel outlines on).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn frame_1m_district_zoom(bencher: Bencher) {
    frame(bencher, Some(4.0));
}

/// A street-scale view (parcel labels on).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn frame_1m_parcel_zoom(bencher: Bencher) {
    frame(bencher, Some(0.5));
}

/// A district-scale view over imagery (about twenty tiles in view).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn frame_1m_district_zoom_with_imagery(bencher: Bencher) {
    let mut ground = parkland::ui::map::basemap::Basemaps::default();
    ground.add(
        std::sync::Arc::new(every_tile()),
        parkland::ui::map::basemap::BasemapSetting {
            path: "every tile".into(),
            visible: true,
            opacity: 1.0,
            gcj02: false,
        },
    );
    frame_with(bencher, Some(4.0), Some(ground));
}
