//! The real window under Xvfb: it opens on the sample park and draws the districts.
//! Needs `Xvfb` and `ImageMagick`'s `import`; skips without them (fails under `PARKLAND_STRICT=1`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills a child process when dropped, so a failing test leaves nothing running.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Screenshot of the root window as (width, height, RGB bytes), via a binary PPM.
fn screenshot(display: &str) -> Option<(usize, usize, Vec<u8>)> {
    let output = Command::new("import")
        .args([
            "-display", display, "-window", "root", "-depth", "8", "ppm:-",
        ])
        .output()
        .ok()?;
    let data = output.stdout;
    // P6\n<w> <h>\n<max>\n<rgb...>
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while data.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !data.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(String::from_utf8_lossy(data.get(start..pos)?).into_owned());
    }
    let (width, height) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let pixels = data.get(pos + 1..)?.to_vec();
    (fields[0] == "P6" && pixels.len() == width * height * 3).then_some((width, height, pixels))
}

/// An X server of this test's own (display number from the process id and `offset`), 1280×800.
fn start_xvfb(offset: u32) -> (Reaper, String) {
    let display = format!(":{}", 100 + (std::process::id() + offset) % 800);
    let xvfb = Command::new("Xvfb")
        .args([
            display.as_str(),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
    std::thread::sleep(Duration::from_millis(800));
    (Reaper(xvfb), display)
}

/// The real window on the sample park with the base layer at `basemap`, a fresh `home`.
fn window_over(display: &str, home: &Path, basemap: &Path) -> Reaper {
    std::fs::create_dir_all(home).unwrap_or_else(|e| panic!("{e}"));
    let app = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .arg("--basemap")
        .arg(basemap)
        .env("DISPLAY", display)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("WAYLAND_DISPLAY")
        .current_dir(Path::new("/"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start parkland: {e}"));
    Reaper(app)
}

fn count_near(pixels: &[u8], rgb: [u8; 3]) -> usize {
    pixels
        .chunks_exact(3)
        .filter(|p| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 4))
        .count()
}

#[test]
fn real_window_opens_on_the_sample_park() {
    if !have("Xvfb") || !have("import") {
        crate::skip_or_fail("Xvfb or ImageMagick's import is not installed");
        return;
    }
    let (_xvfb, display) = start_xvfb(0);

    // A fresh HOME so that no remembered view or window size is used.
    let home = std::env::temp_dir().join(format!("parkland-window-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    let app = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .env("DISPLAY", &display)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("WAYLAND_DISPLAY")
        .current_dir(Path::new("/"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start parkland: {e}"));
    let mut app = Reaper(app);

    // The three district fills and the in-use parcel fill (colours from ui::theme).
    let expected = [
        [0xcf, 0xe3, 0xf5],
        [0xd5, 0xee, 0xd0],
        [0xf8, 0xe0, 0xc4],
        [0x9d, 0xb4, 0xcc],
    ];
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut last = Vec::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        if let Ok(Some(status)) = app.0.try_wait() {
            let mut stderr = String::new();
            if let Some(mut err) = app.0.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
            }
            panic!("parkland exited with {status}: {stderr}");
        }
        let Some((width, height, pixels)) = screenshot(&display) else {
            continue;
        };
        assert_eq!((width, height), (1280, 800));
        last = expected.iter().map(|&c| count_near(&pixels, c)).collect();
        if last.iter().all(|&n| n > 500) {
            return;
        }
    }
    panic!("the map never showed all district and parcel colours (pixel counts {last:?})");
}

fn xdotool(display: &str, args: &[&str]) {
    let status = Command::new("xdotool")
        .env("DISPLAY", display)
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("cannot run xdotool: {e}"));
    assert!(status.success(), "xdotool {args:?}");
}

#[test]
fn with_no_desktop_portal_the_built_in_file_dialog_opens_a_parcel_file() {
    if !have("Xvfb") || !have("xdotool") || !have("import") {
        crate::skip_or_fail("Xvfb, xdotool or ImageMagick's import is not installed");
        return;
    }
    let (_xvfb, display) = start_xvfb(401);
    let home = std::env::temp_dir().join(format!("parkland-window-dialog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    let own = home.join("own.geojson");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_parcels/parcels.geojson"),
        &own,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let stderr_path = home.join("stderr.txt");
    let stderr = std::fs::File::create(&stderr_path).unwrap_or_else(|e| panic!("{e}"));
    // No session bus: no desktop portal, as on a bare X server or a minimal Linux desktop.
    let app = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .env("DISPLAY", &display)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("WAYLAND_DISPLAY")
        .current_dir(Path::new("/"))
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start parkland: {e}"));
    let _app = Reaper(app);
    let sample_ledger = home.join("data/parkland/sample-ledger.sqlite");
    let deadline = Instant::now() + Duration::from_mins(1);
    while !sample_ledger.exists() {
        assert!(
            Instant::now() < deadline,
            "the window never opened its ledger"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Until the map is drawn (the in-use parcel fill on screen), then a moment more.
    let deadline = Instant::now() + Duration::from_mins(1);
    loop {
        assert!(Instant::now() < deadline, "the window never drew the map");
        if let Some((_, _, pixels)) = screenshot(&display)
            && count_near(&pixels, [0x9d, 0xb4, 0xcc]) > 500
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_millis(500));
    // 文件 → 打开宗地… (the menu's first item and its second entry).
    xdotool(&display, &["mousemove", "20", "13", "click", "1"]);
    std::thread::sleep(Duration::from_millis(700));
    xdotool(&display, &["mousemove", "48", "63", "click", "1"]);
    let said = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !said().contains("built-in file dialog") {
        assert!(
            Instant::now() < deadline,
            "no word of the dialog: {}",
            said()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(700));
    // The name field has the keyboard: the path typed, then Enter. (Under Xvfb there is no
    // window manager: keys reach the window once it is given the focus.)
    xdotool(&display, &["search", "--name", "Parkland", "windowfocus"]);
    std::thread::sleep(Duration::from_millis(300));
    let typed = own.display().to_string();
    xdotool(&display, &["type", "--delay", "40", &typed]);
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&display, &["key", "Return"]);
    // The user's own parcels switch the window to the user's own ledger: the file appears.
    let own_ledger = home.join("data/parkland/ledger.sqlite");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !own_ledger.exists() {
        assert!(
            Instant::now() < deadline,
            "the parcel file was never opened: {}",
            said()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = std::fs::remove_dir_all(&home);
}

/// The real window with `--basemap`: the tiles (red and blue stripes, made by the basemap
/// tests) fill the map around and between the parcels, the district fills giving way.
#[test]
fn real_window_draws_a_base_layer_under_the_parcels() {
    if !have("Xvfb") || !have("import") {
        crate::skip_or_fail("Xvfb or ImageMagick's import is not installed");
        return;
    }
    let dir = crate::basemap::scratch("real-window");
    let ground = crate::basemap::mbtiles(&dir, &crate::basemap::tiles(None));
    let (_xvfb, display) = start_xvfb(7);
    let _app = window_over(&display, &dir.join("home"), &ground);
    let (red, blue, in_use) = ([200, 40, 40], [40, 40, 200], [0x9d, 0xb4, 0xcc]);
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut last = Vec::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let Some((_, _, pixels)) = screenshot(&display) else {
            continue;
        };
        last = [red, blue, in_use]
            .iter()
            .map(|&c| count_near(&pixels, c))
            .collect();
        if last[0] > 20_000 && last[1] > 20_000 && last[2] > 500 {
            return;
        }
    }
    panic!("the ground and the parcels never showed together (red, blue, in use: {last:?})");
}

/// The real window with tiles that say which they are (each a flat colour: its column and row
/// modulo 8 in red and green, its zoom in blue): where the tile edges fall on the screen gives
/// the map's scale and place, and from them the first district's outline must stand where its
/// westernmost and northernmost points are, within three pixels.
#[test]
fn real_window_puts_the_parcels_on_the_right_pixels_of_the_ground() {
    use parkland::basemap::tiles::{covering, tile_bounds, tile_size_m};
    if !have("Xvfb") || !have("import") {
        crate::skip_or_fail("Xvfb or ImageMagick's import is not installed");
        return;
    }
    let colour =
        |z: u8, x: u32, y: u32| [40 + (x % 8) as u8 * 25, 40 + (y % 8) as u8 * 25, 200 + z];
    let dir = crate::basemap::scratch("real-window-pixels");
    let path = dir.join("labelled.mbtiles");
    {
        let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob);",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (x0, y0) = parkland::crs::web_mercator::from_lon_lat(106.80, 32.85);
        let (x1, y1) = parkland::crs::web_mercator::from_lon_lat(107.25, 33.15);
        for z in 11..=15_u8 {
            for (x, y) in covering(z, [x0, y0, x1, y1]) {
                let image = image::RgbImage::from_pixel(256, 256, image::Rgb(colour(z, x, y)));
                let mut png = std::io::Cursor::new(Vec::new());
                image
                    .write_to(&mut png, image::ImageFormat::Png)
                    .unwrap_or_else(|e| panic!("{e}"));
                conn.execute(
                    "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                    (z, x, (1_u32 << z) - 1 - y, png.into_inner()),
                )
                .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    let (_xvfb, display) = start_xvfb(13);
    let _app = window_over(&display, &dir.join("home"), &path);
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let district = &park.districts[0];
    let outline = parkland::ui::theme::district_outline(0);
    let outline = [outline.r(), outline.g(), outline.b()];
    let (mut west_lon, mut north_lat) = (f64::MAX, f64::MIN);
    for p in geo::CoordsIter::coords_iter(&district.geometry) {
        west_lon = west_lon.min(p.x);
        north_lat = north_lat.max(p.y);
    }
    let (west_m, north_m) = parkland::crs::web_mercator::from_lon_lat(west_lon, north_lat);
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut last = String::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(700));
        let Some((width, height, pixels)) = screenshot(&display) else {
            continue;
        };
        let at = |x: usize, y: usize| -> [u8; 3] {
            let i = (y * width + x) * 3;
            [pixels[i], pixels[i + 1], pixels[i + 2]]
        };
        // A tile's colour at a pixel: (column mod 8, row mod 8, zoom).
        let tile_at = |x: usize, y: usize| -> Option<(u32, u32, u8)> {
            let [red, green, blue] = at(x, y);
            let zoom = blue.checked_sub(200).filter(|z| (11..=15).contains(z))?;
            let decode = |channel: u8| {
                let step = (f64::from(channel) - 40.0) / 25.0;
                ((step - step.round()).abs() < 0.05).then(|| step.round() as u32)
            };
            Some((decode(red)?, decode(green)?, zoom))
        };
        // Tile edges along the row and the column through the middle of the map.
        let (mid_x, mid_y) = (600, 220);
        let mut columns = Vec::new();
        for x in 240..width - 310 {
            if let (Some(a), Some(b)) = (tile_at(x, mid_y), tile_at(x + 1, mid_y))
                && a.0 != b.0
                && a.2 == b.2
            {
                columns.push((x + 1, b.0, b.2));
            }
        }
        let mut rows = Vec::new();
        for y in 60..height - 400 {
            if let (Some(a), Some(b)) = (tile_at(mid_x, y), tile_at(mid_x, y + 1))
                && a.1 != b.1
                && a.2 == b.2
            {
                rows.push((y + 1, b.1, b.2));
            }
        }
        let (Some(&(edge_x, column_mod8, z)), Some(&(edge_y, row_mod8, _))) =
            (columns.first(), rows.first())
        else {
            last = format!("no tile edges yet: {columns:?} {rows:?}");
            continue;
        };
        // The tile column and row these are, near the park (known modulo 8).
        let (px, py) = parkland::crs::web_mercator::from_lon_lat(107.0, 33.0);
        let near = covering(z, [px, py, px, py])[0];
        let resolve = |known: u32, approx: u32| {
            (approx.saturating_sub(16)..approx + 16)
                .filter(|v| v % 8 == known)
                .min_by_key(|v| v.abs_diff(approx))
                .unwrap_or(approx)
        };
        let (tile_x, tile_y) = (resolve(column_mod8, near.0), resolve(row_mod8, near.1));
        let m_per_px = match columns.get(1) {
            Some(&(next, _, _)) => tile_size_m(z) / (next - edge_x) as f64,
            None => continue,
        };
        let west_edge = tile_bounds(z, tile_x, 0)[0];
        let north_edge = tile_bounds(z, 0, tile_y)[3];
        // Where the district's westernmost and northernmost points fall on the screen.
        let expect_x = edge_x as f64 + (west_m - west_edge) / m_per_px;
        let expect_y = edge_y as f64 + (north_edge - north_m) / m_per_px;
        // Where its outline is drawn.
        let (mut outline_west, mut outline_north) = (usize::MAX, usize::MAX);
        for y in 50..height - 380 {
            for x in 235..width - 300 {
                if at(x, y)
                    .iter()
                    .zip(outline)
                    .all(|(a, b)| a.abs_diff(b) <= 24)
                {
                    outline_west = outline_west.min(x);
                    outline_north = outline_north.min(y);
                }
            }
        }
        last = format!(
            "zoom {z}, {m_per_px:.2} m a pixel: outline at {outline_west},{outline_north}, expected {expect_x:.1},{expect_y:.1}"
        );
        if outline_west != usize::MAX
            && (outline_west as f64 - expect_x).abs() <= 3.0
            && (outline_north as f64 - expect_y).abs() <= 3.0
        {
            return;
        }
    }
    panic!("the district is not where the ground says: {last}");
}
