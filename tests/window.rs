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
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    let app = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .arg("--basemap")
        .arg(&ground)
        .env("DISPLAY", &display)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("WAYLAND_DISPLAY")
        .current_dir(Path::new("/"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start parkland: {e}"));
    let _app = Reaper(app);
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
