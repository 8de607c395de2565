//! Imagery under the parcels (底图, issue 15): tiles from an MBTiles file or a folder, made
//! here, drawn under the parcels on the right pixels.

use parkland::basemap::tiles::{HALF_WORLD_M, tile_bounds, tile_size_m};
use parkland::render::{RenderRequest, render};
use parkland::style::{Classification, StylePreset};
use std::path::{Path, PathBuf};

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

const Z: u8 = 13;
const RED: [u8; 3] = [200, 40, 40];
const BLUE: [u8; 3] = [40, 40, 200];

/// The stripe colour of a world x at zoom [`Z`]: stripes half a tile (128 tile pixels) wide,
/// red and blue by turns from the west of the world.
fn stripe_at(x: f64) -> (usize, [u8; 3]) {
    let column = ((x + HALF_WORLD_M) / tile_size_m(Z) * 256.0).floor() as usize;
    let stripe = column / 128;
    (stripe, if stripe.is_multiple_of(2) { RED } else { BLUE })
}

/// A striped tile as PNG bytes.
fn tile_png(x: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(256, 256, |i, _| {
        let column = x as usize * 256 + i as usize;
        image::Rgb(if (column / 128).is_multiple_of(2) {
            RED
        } else {
            BLUE
        })
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    ok(image.write_to(&mut bytes, image::ImageFormat::Png));
    bytes.into_inner()
}

/// The tiles at zoom [`Z`] over the sample park and around it, but for `leave_out`.
pub(crate) fn tiles(leave_out: Option<(u32, u32)>) -> Vec<(u32, u32, Vec<u8>)> {
    let (x0, y0) = parkland::crs::web_mercator::from_lon_lat(106.90, 32.90);
    let (x1, y1) = parkland::crs::web_mercator::from_lon_lat(107.15, 33.10);
    parkland::basemap::tiles::covering(Z, [x0, y0, x1, y1])
        .into_iter()
        .filter(|t| Some(*t) != leave_out)
        .map(|(x, y)| (x, y, tile_png(x)))
        .collect()
}

pub(crate) fn mbtiles(dir: &Path, tiles: &[(u32, u32, Vec<u8>)]) -> PathBuf {
    let path = dir.join("ground.mbtiles");
    let _ = std::fs::remove_file(&path);
    let conn = ok(rusqlite::Connection::open(&path));
    ok(conn.execute_batch(
        "CREATE TABLE metadata (name text, value text);
         INSERT INTO metadata VALUES ('format', 'png'), ('name', 'test ground');
         CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,
                             tile_data blob);",
    ));
    for (x, y, png) in tiles {
        let row = (1_u32 << Z) - 1 - y;
        ok(conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (Z, x, row, png),
        ));
    }
    path
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-basemap-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    ok(std::fs::create_dir_all(&dir));
    dir
}

/// The sample park drawn over `source`, `width` × `height`, the map alone.
fn draw_over(
    source: &dyn parkland::basemap::TileSource,
    width: u32,
    height: u32,
) -> parkland::render::RenderedMap {
    let park = ok(parkland::sample::sample_park());
    let classification =
        Classification::compute(StylePreset::Status, &park, &[], parkland::model::Lang::Zh);
    let mut request = RenderRequest::new(&park, &classification);
    request.width = width;
    request.height = height;
    request.furniture = false;
    request.basemap = Some(source);
    ok(render(&request))
}

fn pixel(image: &tiny_skia::Pixmap, x: u32, y: u32) -> [u8; 3] {
    let p = image.pixel(x, y).expect("inside").demultiply();
    [p.red(), p.green(), p.blue()]
}

/// The stripes fall where the grid puts them: every pixel of the map's margins (outside the
/// park, away from a stripe's edge) has its stripe's colour; the parcels are drawn over them.
#[test]
fn tiles_land_on_their_pixels_under_the_parcels() {
    let dir = scratch("pixels");
    let source = ok(parkland::basemap::open(&mbtiles(&dir, &tiles(None))));
    let rendered = draw_over(source.as_ref(), 1200, 800);
    assert!(
        rendered.basemap.drawn > 0 && rendered.basemap.missing == 0,
        "{:?}",
        rendered.basemap
    );
    let transform = rendered.layout.transform;
    let mut checked = 0;
    for (px, py) in [(3, 3), (1196, 3), (3, 796), (1196, 796), (600, 3), (3, 400)] {
        let world = transform.world_from_px([f64::from(px) + 0.5, f64::from(py) + 0.5]);
        let (stripe, expected) = stripe_at(world[0]);
        // Not within two pixels of a stripe's edge (the tiles are scaled, and blended there).
        let (left, _) = stripe_at(world[0] - 2.0 * transform.m_per_px);
        let (right, _) = stripe_at(world[0] + 2.0 * transform.m_per_px);
        if left != stripe || right != stripe {
            continue;
        }
        let got = pixel(&rendered.image, px, py);
        let near = got.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 3);
        assert!(
            near,
            "pixel {px},{py} (world {world:?}): {got:?}, expected {expected:?}"
        );
        checked += 1;
    }
    assert!(checked >= 4, "enough margin pixels checked: {checked}");
    // A parcel's centre is the parcel's colour, not the ground's.
    let park = ok(parkland::sample::sample_park());
    let parcel = &park.parcels[0];
    let centre = geo::Centroid::centroid(&parcel.geometry).expect("centre");
    let [cx, cy] = transform.px_from_lon_lat(centre.x(), centre.y());
    let got = pixel(&rendered.image, cx as u32, cy as u32);
    assert!(got != RED && got != BLUE, "the parcel on top: {got:?}");
    // The tile's bounds agree with the grid: the first tile's west edge is where the grid says.
    let b = tile_bounds(Z, 0, 0);
    assert!((b[0] + HALF_WORLD_M).abs() < 1e-6);
}

/// A folder of the same tiles draws the same image; a missing tile is blank and counted.
#[test]
fn a_folder_draws_the_same_and_a_missing_tile_is_blank() {
    let dir = scratch("folder");
    let all = tiles(None);
    for (x, y, png) in &all {
        let tile_dir = dir.join("tiles").join(Z.to_string()).join(x.to_string());
        ok(std::fs::create_dir_all(&tile_dir));
        ok(std::fs::write(tile_dir.join(format!("{y}.png")), png));
    }
    let park = ok(parkland::sample::sample_park());
    let draw = |source: &dyn parkland::basemap::TileSource| draw_over(source, 800, 600);
    let folder = ok(parkland::basemap::open(&dir.join("tiles")));
    let from_mbtiles = ok(parkland::basemap::open(&mbtiles(&dir, &all)));
    let from_folder = draw(folder.as_ref());
    let from_file = draw(from_mbtiles.as_ref());
    assert!(
        from_folder.image.data() == from_file.image.data(),
        "the same pixels"
    );
    // The tile under the first parcel left out.
    let centre = geo::Centroid::centroid(&park.parcels[0].geometry).expect("centre");
    let (wx, wy) = parkland::crs::web_mercator::from_lon_lat(centre.x(), centre.y());
    let under = parkland::basemap::tiles::covering(Z, [wx, wy, wx, wy])[0];
    let holed = ok(parkland::basemap::open(&mbtiles(&dir, &tiles(Some(under)))));
    let with_hole = draw(holed.as_ref());
    assert_eq!(with_hole.basemap.missing, 1);
    assert_eq!(with_hole.basemap.drawn, from_file.basemap.drawn - 1);
}

/// `parkland render --basemap`: drawn, with what became of the tiles; a file that is not a
/// base layer is refused by name.
#[test]
fn render_takes_a_basemap() {
    let dir = scratch("cli");
    let ground = mbtiles(&dir, &tiles(None));
    let out = dir.join("map.png");
    let run = ok(std::process::Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args([
            "render", "--bare", "--width", "800", "--height", "600", "--out",
        ])
        .arg(&out)
        .arg("--basemap")
        .arg(&ground)
        .output());
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_eq!(run.status.code(), Some(0), "{text}");
    assert!(text.contains("tile(s) drawn, 0 missing"), "{text}");
    let bad = dir.join("notes.txt");
    ok(std::fs::write(&bad, "x"));
    let refused = ok(std::process::Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(["render", "--out"])
        .arg(&out)
        .arg("--basemap")
        .arg(&bad)
        .output());
    let text = String::from_utf8_lossy(&refused.stdout).into_owned();
    assert_eq!(refused.status.code(), Some(2), "{text}");
    assert!(text.contains("notes.txt"), "{text}");
}

/// The window: a base layer added from a file is listed in the layers panel, its tiles
/// arrive from the loader thread as textures (within the cache's bound), and it can be
/// hidden and removed; what was set up is remembered.
#[cfg(feature = "gui")]
#[test]
fn the_window_shows_a_base_layer_and_remembers_it() {
    use egui_kittest::kittest::Queryable as _;
    use parkland::ui::app::Command;
    use parkland::ui::map::basemap::{BasemapEdit, MAX_TEXTURES};
    let dir = scratch("window");
    let ground = mbtiles(&dir, &tiles(None));
    let mut window = crate::ui::window_with_ledger(&dir.join("ledger.sqlite"));
    window.state_mut().send(Command::AddBasemap(ground.clone()));
    let start = std::time::Instant::now();
    while window.state().basemaps.texture_count() == 0 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "no tiles came"
        );
        window.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    window.run_steps(3);
    assert!(window.state().basemaps.texture_count() <= MAX_TEXTURES);
    window.get_by_label("ground.mbtiles");
    assert_eq!(window.state().state.basemaps.len(), 1, "remembered");
    // Parcels as outlines, so that the ground shows through; remembered too.
    window.get_by_label("宗地仅显示轮廓").click();
    window.run_steps(2);
    assert_eq!(
        window.state().state.parcel_fill,
        parkland::ui::map::ParcelFill::Outlined
    );
    assert_eq!(window.state().state.basemaps[0].path, ground);
    window
        .state_mut()
        .send(Command::EditBasemap(0, BasemapEdit::Visible(false)));
    window.run_steps(2);
    assert!(!window.state().state.basemaps[0].visible);
    window
        .state_mut()
        .send(Command::EditBasemap(0, BasemapEdit::Remove));
    window.run_steps(2);
    assert!(window.state().state.basemaps.is_empty());
    assert!(window.query_by_label("ground.mbtiles").is_none());
}

/// A tile server on 127.0.0.1 for the tests: serves `/{z}/{x}/{y}.png` from the tiles given
/// (404 for others), counting the requests.
fn tile_server(
    tiles: Vec<(u32, u32, Vec<u8>)>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead as _, Write as _};
    let listener = ok(std::net::TcpListener::bind("127.0.0.1:0"));
    let port = ok(listener.local_addr()).port();
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&served);
    let by_path: std::collections::HashMap<String, Vec<u8>> = tiles
        .into_iter()
        .map(|(x, y, png)| (format!("/{Z}/{x}/{y}.png"), png))
        .collect();
    ok(std::thread::Builder::new()
        .name("tile server".to_owned())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = std::io::BufReader::new(ok(stream.try_clone()));
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                // The rest of the head.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let path = request.split_whitespace().nth(1).unwrap_or_default();
                let _ = match by_path.get(path) {
                    Some(png) => stream
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                png.len()
                            )
                            .as_bytes(),
                        )
                        .and_then(|()| stream.write_all(png)),
                    None => stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    ),
                };
            }
        }));
    (
        format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        served,
    )
}

/// Tiles from a server on the office network draw the same pixels as the same tiles in a
/// file; once fetched they come from the disk cache (drawn again with no request); a tile
/// the server does not have is blank.
#[test]
fn tiles_from_a_server_are_drawn_and_kept_on_disk() {
    let dir = scratch("server");
    let all = tiles(None);
    let (template, served) = tile_server(all.clone());
    let draw = |source: &dyn parkland::basemap::TileSource| draw_over(source, 800, 600);
    let remote = ok(parkland::basemap::UrlTiles::new(
        &template,
        &dir.join("cache"),
    ))
    .with_zoom_range((Z, Z));
    let from_server = draw(&remote);
    let from_file = draw(ok(parkland::basemap::open(&mbtiles(&dir, &all))).as_ref());
    assert!(
        from_server.image.data() == from_file.image.data(),
        "the same pixels: {:?} {:?}",
        from_server.basemap,
        from_file.basemap
    );
    let fetched = served.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(fetched, from_server.basemap.drawn, "one request a tile");
    let again = draw(&remote);
    assert_eq!(again.basemap.drawn, from_server.basemap.drawn);
    assert_eq!(
        served.load(std::sync::atomic::Ordering::SeqCst),
        fetched,
        "the second time from the disk cache"
    );
    // A server without the tile: blank, counted as missing.
    let (empty, _) = tile_server(Vec::new());
    let none = draw(
        &ok(parkland::basemap::UrlTiles::new(
            &empty,
            &dir.join("cache-empty"),
        ))
        .with_zoom_range((Z, Z)),
    );
    assert_eq!(none.basemap.drawn, 0);
    assert_eq!(none.basemap.missing, from_server.basemap.drawn);
    assert!(parkland::basemap::UrlTiles::new("http://x/{z}/{x}.png", &dir).is_err());
}

/// Tiles marked GCJ-02 are drawn moved back by the shift GCJ-02 gives here (some 500 m east):
/// a margin pixel shows the stripe of the place GCJ-02 puts there.
#[test]
fn gcj02_tiles_are_shifted_to_fit() {
    let dir = scratch("gcj02");
    let source =
        parkland::basemap::Gcj02(ok(parkland::basemap::open(&mbtiles(&dir, &tiles(None)))));
    let rendered = draw_over(&source, 1200, 800);
    let transform = rendered.layout.transform;
    let mut checked = 0;
    for (px, py) in [(3, 3), (1196, 3), (3, 796), (1196, 796), (600, 3), (3, 400)] {
        let world = transform.world_from_px([f64::from(px) + 0.5, f64::from(py) + 0.5]);
        // The tile pixel drawn here is the one GCJ-02 puts at this place.
        let shift = parkland::basemap::gcj02_offset_m(world[0], world[1]);
        let shown = world[0] + shift[0];
        let (stripe, expected) = stripe_at(shown);
        let margin = 4.0 * transform.m_per_px;
        if stripe_at(shown - margin).0 != stripe || stripe_at(shown + margin).0 != stripe {
            continue;
        }
        let got = pixel(&rendered.image, px, py);
        assert!(
            got.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 3),
            "pixel {px},{py}: {got:?}, expected {expected:?}"
        );
        checked += 1;
    }
    assert!(checked >= 4, "{checked}");
}

/// A GeoTIFF orthophoto in CGCS2000 Gauss-Krüger (EPSG:4545, 3° zone at 108°E) made by the
/// test (`dom.tif` in `dir`, in strips): stripes a kilometre wide by easting, red and blue,
/// `pixel_m` metres a pixel, over the sample park.
struct Stripes {
    path: PathBuf,
    west: f64,
    pixel_m: f64,
    to_gk: parkland::crs::FromLonLat,
}

impl Stripes {
    fn make(dir: &Path, pixel_m: f64) -> Self {
        use tiff::encoder::{TiffEncoder, colortype};
        use tiff::tags::Tag;
        let gk = parkland::crs::Crs::from_epsg(4545).expect("EPSG:4545");
        let to_gk = ok(gk.from_lon_lat());
        let (west, north) = ok(to_gk.apply(106.88, 33.12));
        let (east, south) = ok(to_gk.apply(107.17, 32.88));
        let (width, height) = (
            ((east - west) / pixel_m).ceil() as u32,
            ((north - south) / pixel_m).ceil() as u32,
        );
        let stripes = Self {
            path: dir.join("dom.tif"),
            west,
            pixel_m,
            to_gk,
        };
        let row: Vec<u8> = (0..width)
            .flat_map(|col| {
                Stripes::colour_of(stripes.stripe_of(west + (f64::from(col) + 0.5) * pixel_m))
            })
            .collect();
        let mut data = Vec::with_capacity(row.len() * height as usize);
        for _ in 0..height {
            data.extend_from_slice(&row);
        }
        let file = ok(std::fs::File::create(&stripes.path));
        let mut tiff = ok(TiffEncoder::new(file));
        let mut image = ok(tiff.new_image::<colortype::RGB8>(width, height));
        ok(image
            .encoder()
            .write_tag(Tag::Unknown(33_550), &[pixel_m, pixel_m, 0.0][..]));
        ok(image
            .encoder()
            .write_tag(Tag::Unknown(33_922), &[0.0, 0.0, 0.0, west, north, 0.0][..]));
        // GeoKeyDirectory: version 1.1.0, 2 keys: GTModelType projected, ProjectedCSType 4545.
        ok(image.encoder().write_tag(
            Tag::Unknown(34_735),
            &[1_u16, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 4545][..],
        ));
        ok(image.write_data(&data));
        stripes
    }

    fn stripe_of(&self, easting: f64) -> i64 {
        ((easting - self.west) / 1000.0).floor() as i64
    }

    fn colour_of(stripe: i64) -> [u8; 3] {
        if stripe.rem_euclid(2) == 0 { RED } else { BLUE }
    }

    /// The stripe under a lon/lat, if it is `margin` metres or more from a stripe's edge.
    fn clear_stripe_at(&self, lon: f64, lat: f64, margin: f64) -> Option<i64> {
        let (e, _) = ok(self.to_gk.apply(lon, lat));
        let stripe = self.stripe_of(e);
        (self.stripe_of(e - margin) == stripe && self.stripe_of(e + margin) == stripe)
            .then_some(stripe)
    }

    /// Drawn under the parcels, margin pixels show the stripe of their own easting: at
    /// least four of them are checked.
    fn assert_drawn(&self, source: &dyn parkland::basemap::TileSource) {
        let rendered = draw_over(source, 1200, 800);
        assert!(rendered.basemap.drawn > 0, "{:?}", rendered.basemap);
        let transform = rendered.layout.transform;
        let mut checked = 0;
        for (px, py) in [
            (3, 3),
            (1196, 3),
            (3, 796),
            (1196, 796),
            (600, 3),
            (3, 400),
            (600, 796),
        ] {
            let world = transform.world_from_px([f64::from(px) + 0.5, f64::from(py) + 0.5]);
            let (lon, lat) = parkland::crs::web_mercator::to_lon_lat(world[0], world[1]);
            // Away from a stripe's edge by more than two image pixels.
            let Some(stripe) = self.clear_stripe_at(lon, lat, 2.0 * self.pixel_m) else {
                continue;
            };
            let got = pixel(&rendered.image, px, py);
            let expected = Self::colour_of(stripe);
            assert!(
                got.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 3),
                "pixel {px},{py} (stripe {stripe}): {got:?}, expected {expected:?}"
            );
            checked += 1;
        }
        assert!(checked >= 4, "{checked}");
    }
}

/// A GeoTIFF orthophoto in CGCS2000 Gauss-Krüger made here: drawn under the parcels, a
/// margin pixel shows the stripe of its own easting, so the image is placed and reprojected
/// right.
#[test]
fn a_geotiff_orthophoto_in_gauss_kruger_lands_on_its_pixels() {
    let stripes = Stripes::make(&scratch("geotiff"), 50.0);
    let source = ok(parkland::basemap::open(&stripes.path));
    stripes.assert_drawn(source.as_ref());
}

/// A DOM as offices receive it, tiled with overviews (`gdal_translate -co TILED=YES`,
/// `gdaladdo`, from the stripes at 10 m a pixel, 7 megapixels), read a piece at a time in at
/// most 4 MB: at the finest zoom its tiles are the strip image's, pixel for pixel; zoomed
/// out, a tile is cut from an overview (a few pieces read, not the whole image) and shows
/// the stripes; drawn under the parcels, it lands on its pixels; and the decoded pieces
/// kept never pass the limit.
#[test]
fn a_tiled_geotiff_with_overviews_is_read_a_piece_at_a_time() {
    use parkland::basemap::TileSource;
    use parkland::basemap::geotiff::GeoTiff;
    let dir = scratch("geotiff-tiled");
    let stripes = Stripes::make(&dir, 10.0);
    let tiled = dir.join("tiled.tif");
    let (from, to) = (
        stripes.path.display().to_string(),
        tiled.display().to_string(),
    );
    let Some(made) = crate::exchange::gdal(
        "gdal_translate",
        &[
            "-q",
            "-co",
            "TILED=YES",
            "-co",
            "COMPRESS=DEFLATE",
            &from,
            &to,
        ],
    ) else {
        return;
    };
    assert!(made.status.success(), "{made:?}");
    let Some(overviews) = crate::exchange::gdal(
        "gdaladdo",
        &["-q", "-r", "nearest", &to, "2", "4", "8", "16"],
    ) else {
        return;
    };
    assert!(overviews.status.success(), "{overviews:?}");

    let limit = 4 << 20;
    let whole = ok(GeoTiff::open(&stripes.path));
    let pieces = ok(GeoTiff::open(&tiled)).with_cache_limit(limit);
    assert_eq!(pieces.levels(), 5, "the image and four overviews");
    let (coarse, finest) = pieces.zoom_range();
    assert_eq!(finest, whole.zoom_range().1);
    assert_eq!(coarse, finest - 8, "overviews serve every zoom out");

    // The finest zoom: the same pixels from tiles of 256 as from strips.
    let centre = parkland::crs::web_mercator::from_lon_lat(107.02, 33.0);
    let near = parkland::basemap::tiles::covering(
        finest,
        [
            centre.0 - 3000.0,
            centre.1 - 3000.0,
            centre.0 + 3000.0,
            centre.1 + 3000.0,
        ],
    );
    assert!(near.len() >= 4, "{}", near.len());
    for &(x, y) in &near {
        let expected = ok(whole.tile_image(finest, x, y));
        assert!(expected.is_some(), "tile {x},{y} over the image");
        assert_eq!(
            ok(pieces.tile_image(finest, x, y)),
            expected,
            "tile {finest}/{x}/{y}"
        );
        assert!(pieces.cached_bytes() <= limit, "{}", pieces.cached_bytes());
    }

    // Zoomed out by four, from a fresh reader: one tile reads a few pieces of an overview.
    let fresh = ok(GeoTiff::open(&tiled)).with_cache_limit(limit);
    let z = finest - 4;
    let (x, y) = parkland::basemap::tiles::covering(z, [centre.0, centre.1, centre.0, centre.1])[0];
    let image = ok(fresh.tile_image(z, x, y)).expect("a tile over the image");
    assert!(
        fresh.cached_bytes() <= 4 * 256 * 256 * 4,
        "read {} bytes of pieces for one zoomed-out tile",
        fresh.cached_bytes()
    );
    let bounds = parkland::basemap::tiles::tile_bounds(z, x, y);
    let mut checked = 0;
    let grid = (0..32_u32).flat_map(|i| (0..32_u32).map(move |j| (i * 8 + 4, j * 8 + 4)));
    for (px, py) in grid {
        let mx = bounds[0] + (f64::from(px) + 0.5) / 256.0 * (bounds[2] - bounds[0]);
        let my = bounds[3] - (f64::from(py) + 0.5) / 256.0 * (bounds[3] - bounds[1]);
        let (lon, lat) = parkland::crs::web_mercator::to_lon_lat(mx, my);
        // Inside the image, and well inside a stripe (the overview's pixels are 8 image
        // pixels, 80 m, wide).
        if !(106.89..107.16).contains(&lon) || !(32.89..33.11).contains(&lat) {
            continue;
        }
        let Some(stripe) = stripes.clear_stripe_at(lon, lat, 250.0) else {
            continue;
        };
        let got = image.get_pixel(px, py).0;
        assert_eq!(got[..3], Stripes::colour_of(stripe), "pixel {px},{py}");
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");

    stripes.assert_drawn(&pieces);
    assert!(pieces.cached_bytes() <= limit, "{}", pieces.cached_bytes());
}
