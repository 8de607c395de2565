//! The map image (PNG), `parkland render`, and the reports (`parkland report` as xlsx and PDF).

use geo::{Contains, InteriorPoint, Point, polygon};
use parkland::crs::web_mercator;
use parkland::export::{LEDGER_HEADERS, Report, figure, report_pdf};
use parkland::ledger::{Ledger, StoredEntry};
use parkland::model::{Lang, Parcel, ParcelStatus, Park, Progress};
use parkland::render::{MapLayout, RenderRequest, View, encode_png, palette, render};
use parkland::stats::{ledger_summary, park_summary};
use parkland::style::{Classification, Rgb, StylePreset, progress_color, status_color};
use parkland::units::mu_from_m2;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn date() -> jiff::civil::Date {
    jiff::civil::date(2025, 11, 26)
}

fn sample() -> (Park, Vec<StoredEntry>) {
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = Ledger::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    ledger
        .seed_sample(&park, "test")
        .unwrap_or_else(|e| panic!("{e}"));
    let cases = ledger.list().unwrap_or_else(|e| panic!("{e}"));
    (park, cases)
}

/// A decoded RGB(A) PNG.
struct Decoded {
    width: u32,
    height: u32,
    /// RGB per pixel.
    rgb: Vec<Rgb>,
}

impl Decoded {
    fn at(&self, x: f64, y: f64) -> Rgb {
        let (x, y) = (x.floor() as u32, y.floor() as u32);
        assert!(
            x < self.width && y < self.height,
            "{x},{y} outside the image"
        );
        self.rgb[(y * self.width + x) as usize]
    }

    fn count_in(&self, x0: f32, y0: f32, x1: f32, y1: f32, keep: impl Fn(Rgb) -> bool) -> usize {
        let mut n = 0;
        for y in (y0.max(0.0) as u32)..(y1.min(self.height as f32) as u32) {
            for x in (x0.max(0.0) as u32)..(x1.min(self.width as f32) as u32) {
                if keep(self.rgb[(y * self.width + x) as usize]) {
                    n += 1;
                }
            }
        }
        n
    }
}

fn decode_png(bytes: &[u8]) -> Decoded {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("not a PNG: {e}"));
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or_default()];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("PNG data: {e}"));
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected colour type {other:?}"),
    };
    let rgb = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Decoded {
        width: info.width,
        height: info.height,
        rgb,
    }
}

fn near(a: Rgb, b: Rgb, tolerance: u8) -> bool {
    a.iter().zip(&b).all(|(x, y)| x.abs_diff(*y) <= tolerance)
}

/// Renders and decodes the PNG; returns the layout too.
fn render_png(request: &RenderRequest<'_>) -> (Decoded, MapLayout) {
    let rendered = render(request).unwrap_or_else(|e| panic!("{e}"));
    let png = encode_png(&rendered.image).unwrap_or_else(|e| panic!("{e}"));
    (decode_png(&png), rendered.layout)
}

/// Where the district names are written (the interior point of each district's largest part).
fn label_anchors(park: &Park, layout: &MapLayout) -> Vec<[f64; 2]> {
    use geo::Area as _;
    park.districts
        .iter()
        .filter_map(|d| {
            let largest = d
                .geometry
                .0
                .iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
            let p = largest.interior_point()?;
            Some(layout.transform.px_from_lon_lat(p.x(), p.y()))
        })
        .collect()
}

fn lon_lat_of_px(layout: &MapLayout, x: f64, y: f64) -> Point<f64> {
    let world = layout.transform.world_from_px([x, y]);
    let (lon, lat) = web_mercator::to_lon_lat(world[0], world[1]);
    Point::new(lon, lat)
}

#[test]
fn sample_map_png_has_its_size_district_and_class_colours_and_a_legend() {
    let (park, _) = sample();
    let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
    let mut request = RenderRequest::new(&park, &classes);
    request.date = Some(date());
    let (image, layout) = render_png(&request);
    assert_eq!((image.width, image.height), (1920, 1080));
    let mut colours: Vec<Rgb> = image.rgb.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 200, "{} colours: blank?", colours.len());

    // District fill at points inside each district, at least 4 px from every parcel, away
    // from the name, the scale bar and the north arrow.
    let anchors = label_anchors(&park, &layout);
    let frame = layout.frame;
    for (i, district) in park.districts.iter().enumerate() {
        let expected = palette::district_fill(i);
        let mut checked = 0;
        let mut y = f64::from(frame.y0) + 60.0;
        while y < f64::from(frame.y1) - 60.0 && checked < 5 {
            let mut x = f64::from(frame.x0) + 160.0;
            while x < f64::from(frame.x1) - 60.0 && checked < 5 {
                let clear_of_labels = anchors
                    .iter()
                    .all(|a| (a[0] - x).abs() > 110.0 || (a[1] - y).abs() > 30.0);
                let around: Vec<Point<f64>> = [
                    (0.0, 0.0),
                    (-4.0, -4.0),
                    (4.0, -4.0),
                    (-4.0, 4.0),
                    (4.0, 4.0),
                ]
                .iter()
                .map(|(dx, dy)| lon_lat_of_px(&layout, x + dx, y + dy))
                .collect();
                let inside = around.iter().all(|p| district.geometry.contains(p));
                let off_parcels = inside
                    && park
                        .parcels
                        .iter()
                        .all(|parcel| around.iter().all(|p| !parcel.geometry.contains(p)));
                if clear_of_labels && off_parcels {
                    let got = image.at(x, y);
                    assert!(
                        near(got, expected, 2),
                        "{} at pixel {x},{y}: {got:?}, expected its fill {expected:?}",
                        district.name
                    );
                    checked += 1;
                }
                x += 7.0;
            }
            y += 7.0;
        }
        assert!(checked > 0, "no open ground found in {}", district.name);
    }

    // Parcels of each status have the status colour at their interior point.
    for status in [
        ParcelStatus::Idle,
        ParcelStatus::LowEfficiency,
        ParcelStatus::Revitalized,
    ] {
        let parcel = far_from_labels(&park, &layout, &anchors, |p| p.status == Some(status));
        let point = parcel
            .geometry
            .interior_point()
            .unwrap_or_else(|| panic!("point"));
        let [x, y] = layout.transform.px_from_lon_lat(point.x(), point.y());
        let got = image.at(x, y);
        assert!(
            near(got, status_color(Some(status)), 2),
            "{} ({status:?}) at {x},{y}: {got:?}",
            parcel.parcel_no
        );
    }

    // The legend: text and a swatch of every class.
    let legend = layout.legend.unwrap_or_else(|| panic!("legend"));
    let ink = image.count_in(legend.x0, legend.y0, legend.x1, legend.y1, |c| {
        c.iter().all(|&v| v < 110)
    });
    assert!(ink > 2000, "legend text: {ink} dark pixels");
    for class in &classes.classes {
        let swatch = image.count_in(legend.x0, legend.y0, legend.x1, legend.y1, |c| {
            c == class.color
        });
        assert!(swatch > 100, "swatch of {}: {swatch} px", class.label);
    }
    let title = layout.title.unwrap_or_else(|| panic!("title"));
    let title_ink = image.count_in(title.x0, title.y0, title.x1, title.y1, |c| {
        c.iter().all(|&v| v < 110)
    });
    assert!(title_ink > 1500, "title text: {title_ink} dark pixels");
    // Nothing of the map outside its frame.
    let outside = image.count_in(0.0, frame.y0, frame.x0 - 2.0, frame.y1, |c| {
        c != palette::PAGE
    });
    assert_eq!(outside, 0, "the left margin is page white");
}

/// The parcel matching `keep` whose interior point is farthest from the district names.
fn far_from_labels<'a>(
    park: &'a Park,
    layout: &MapLayout,
    anchors: &[[f64; 2]],
    keep: impl Fn(&Parcel) -> bool,
) -> &'a Parcel {
    park.parcels
        .iter()
        .filter(|p| keep(p))
        .filter_map(|p| {
            let point = p.geometry.interior_point()?;
            let [x, y] = layout.transform.px_from_lon_lat(point.x(), point.y());
            let distance = anchors
                .iter()
                .map(|a| (a[0] - x).hypot((a[1] - y) * 3.0))
                .fold(f64::INFINITY, f64::min);
            Some((p, distance))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or_else(|| panic!("no parcel matches"), |(p, _)| p)
}

#[test]
fn progress_map_colours_cases_by_their_ledger_progress() {
    let (park, cases) = sample();
    let classes = Classification::compute(StylePreset::Progress, &park, &cases, Lang::Zh);
    let mut request = RenderRequest::new(&park, &classes);
    request.date = Some(date());
    (request.width, request.height) = (1600, 1000);
    let (image, layout) = render_png(&request);
    let anchors = label_anchors(&park, &layout);
    let revitalized: Vec<&str> = cases
        .iter()
        .filter(|c| c.entry.progress == Progress::Revitalized)
        .map(|c| c.entry.parcel_no.as_str())
        .collect();
    assert!(!revitalized.is_empty());
    let parcel = far_from_labels(&park, &layout, &anchors, |p| {
        revitalized.contains(&p.parcel_no.as_str())
    });
    let point = parcel
        .geometry
        .interior_point()
        .unwrap_or_else(|| panic!("point"));
    let [x, y] = layout.transform.px_from_lon_lat(point.x(), point.y());
    assert!(near(
        image.at(x, y),
        progress_color(Some(Progress::Revitalized)),
        2
    ));
    // A parcel with no case is in the "no case" grey.
    let parcel = far_from_labels(&park, &layout, &anchors, |p| {
        cases.iter().all(|c| c.entry.parcel_no != p.parcel_no)
    });
    let point = parcel
        .geometry
        .interior_point()
        .unwrap_or_else(|| panic!("point"));
    let [x, y] = layout.transform.px_from_lon_lat(point.x(), point.y());
    assert!(near(image.at(x, y), progress_color(None), 2));
}

/// Degrees per metre near (107° E, 33° N), enough for test grids.
const DEG_LAT: f64 = 1.0 / 111_000.0;
const DEG_LON: f64 = 1.0 / (111_000.0 * 0.838_670_567_945_424);

/// A park of `n × n` square parcels of `side_m` metres every `pitch_m` metres, from lon/lat
/// (107, 33); `status(i, j)` decides each parcel's status.
fn grid_park(
    n: usize,
    side_m: f64,
    pitch_m: f64,
    status: impl Fn(usize, usize) -> ParcelStatus,
) -> Park {
    let mut park = Park::default();
    for i in 0..n {
        for j in 0..n {
            let (x, y) = (i as f64 * pitch_m, j as f64 * pitch_m);
            let (lon0, lat0) = (107.0 + x * DEG_LON, 33.0 + y * DEG_LAT);
            let (lon1, lat1) = (lon0 + side_m * DEG_LON, lat0 + side_m * DEG_LAT);
            let polygon = polygon![
                (x: lon0, y: lat0), (x: lon1, y: lat0), (x: lon1, y: lat1), (x: lon0, y: lat1)
            ];
            park.parcels.push(Parcel {
                parcel_no: format!("G-{i}-{j}"),
                district: None,
                holder: None,
                land_use: None,
                supplied_on: None,
                status: Some(status(i, j)),
                geometry: geo::MultiPolygon(vec![polygon]),
                areas: parkland::model::Areas {
                    ellipsoidal_m2: side_m * side_m,
                    plane: None,
                },
                area_m2: side_m * side_m,
                valid: true,
                feature_index: i * n + j,
            });
        }
    }
    park
}

#[test]
fn sub_pixel_parcels_show_the_majority_class_of_each_area() {
    // 240 × 240 parcels of 40 m on a 60 m pitch, drawn 80 px across: about 0.2 px each, ten
    // to a pixel. The west half is all idle; in the east half one parcel in five is idle,
    // the rest in use.
    let n = 240;
    let (side, pitch) = (40.0, 60.0);
    let park = grid_park(n, side, pitch, |i, j| {
        if i < n / 2 || (i + 2 * j) % 5 == 0 {
            ParcelStatus::Idle
        } else {
            ParcelStatus::InUse
        }
    });
    let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
    let mut request = RenderRequest::new(&park, &classes);
    (request.width, request.height) = (80, 80);
    request.furniture = false;
    let rendered = render(&request).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rendered.parcels.splatted, n * n, "{:?}", rendered.parcels);
    let image = decode_png(&encode_png(&rendered.image).unwrap_or_else(|e| panic!("{e}")));
    let layout = rendered.layout;
    // Parcels cover (40/60)² = 44 % of the ground: the class colour over the background.
    let blend = |c: Rgb| -> Rgb {
        let a = (side / pitch) * (side / pitch);
        let bg = palette::MAP_BACKGROUND;
        [0, 1, 2].map(|k| (f64::from(c[k]) * a + f64::from(bg[k]) * (1.0 - a)).round() as u8)
    };
    let extent = n as f64 * pitch;
    let at_grid = |fx: f64, fy: f64| {
        let lon = 107.0 + fx * extent * DEG_LON;
        let lat = 33.0 + fy * extent * DEG_LAT;
        let [x, y] = layout.transform.px_from_lon_lat(lon, lat);
        image.at(x, y)
    };
    for fy in [0.2, 0.35, 0.5, 0.65, 0.8] {
        let west = at_grid(0.25, fy);
        let idle = blend(status_color(Some(ParcelStatus::Idle)));
        assert!(near(west, idle, 16), "west {west:?}, expected {idle:?}");
        let east = at_grid(0.75, fy);
        let in_use = blend(status_color(Some(ParcelStatus::InUse)));
        assert!(
            near(east, in_use, 16),
            "east {east:?}, expected {in_use:?}: the majority class, not a mix"
        );
    }
    // Outside the grid: background.
    assert!(near(at_grid(-0.02, 0.5), palette::MAP_BACKGROUND, 0));
}

#[test]
fn a_view_rectangle_zooms_in_and_parcels_outside_are_culled() {
    let (park, _) = sample();
    let classes = Classification::compute(StylePreset::Status, &park, &[], Lang::Zh);
    // An idle parcel that contains the centre of its box (a rectangle, not an L).
    let (parcel, bb) = park
        .parcels
        .iter()
        .filter(|p| p.status == Some(ParcelStatus::Idle))
        .find_map(|p| {
            let bb = geo::BoundingRect::bounding_rect(&p.geometry)?;
            p.geometry
                .contains(&Point::from(bb.center()))
                .then_some((p, bb))
        })
        .unwrap_or_else(|| panic!("an idle parcel"));
    let mut request = RenderRequest::new(&park, &classes);
    // No district names over the parcel.
    request.show_districts = false;
    (request.width, request.height) = (800, 600);
    request.view = View::LonLat {
        west: bb.min().x,
        south: bb.min().y,
        east: bb.max().x,
        north: bb.max().y,
    };
    let rendered = render(&request).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rendered.parcels.culled > park.parcels.len() / 2,
        "{:?}",
        rendered.parcels
    );
    assert!(rendered.parcels.outlined >= 1);
    // The frame's centre is the box's centre, inside the parcel: idle red.
    let f = rendered.layout.frame;
    let centre = rendered
        .image
        .pixel(
            f32::midpoint(f.x0, f.x1) as u32,
            f32::midpoint(f.y0, f.y1) as u32,
        )
        .unwrap_or_else(|| panic!("pixel"));
    let want = status_color(Some(ParcelStatus::Idle));
    assert!(
        near([centre.red(), centre.green(), centre.blue()], want, 2),
        "{} at the centre: {centre:?}",
        parcel.parcel_no
    );
}

// ---- the command line ----

fn parkland(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"))
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-render-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn text_of(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn cli_render_writes_the_png_asked_for_and_refuses_bad_flags() {
    let dir = scratch_dir("cli");
    let out = dir.join("map.png");
    let out_text = out.display().to_string();
    let output = parkland(
        &[
            "render",
            "--out",
            &out_text,
            "--width",
            "900",
            "--height",
            "700",
            "--style",
            "progress",
            "--date",
            "2025-11-26",
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output));
    assert!(text_of(&output).contains("900×700"), "{}", text_of(&output));
    let image = decode_png(&std::fs::read(&out).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!((image.width, image.height), (900, 700));
    // The progress style read the default ledger, seeded with the sample cases: the
    // revitalized green is on the map.
    let green = progress_color(Some(Progress::Revitalized));
    assert!(image.rgb.iter().filter(|&&c| c == green).count() > 200);

    let output = parkland(&["render", "--out", &out_text, "--style", "colour"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text_of(&output).contains("ledger_kind"),
        "{}",
        text_of(&output)
    );
    let output = parkland(&["render", "--out", &out_text, "--width", "5"], &dir);
    assert_eq!(output.status.code(), Some(2));
    let missing = dir.join("no-such-dir").join("map.png");
    let output = parkland(&["render", "--out", &missing.display().to_string()], &dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text_of(&output).contains("no-such-dir"),
        "{}",
        text_of(&output)
    );
}

#[test]
fn cli_report_xlsx_summary_equals_the_stats() {
    use calamine::{Data, Reader as _, Xlsx, open_workbook};
    let dir = scratch_dir("xlsx");
    let out = dir.join("report.xlsx");
    let output = parkland(
        &[
            "report",
            "--out",
            &out.display().to_string(),
            "--date",
            "2025-11-26",
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output));

    let (park, cases) = sample();
    let standing =
        parkland::standing::Standing::compute(&park, &cases, jiff::civil::date(2025, 11, 26));
    let summary = park_summary(&park, &standing);
    let ledger = ledger_summary(&cases);
    let mut workbook: Xlsx<_> = open_workbook(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(workbook.sheet_names(), ["汇总", "台账", "专题图"]);
    let sheet = workbook
        .worksheet_range("汇总")
        .unwrap_or_else(|e| panic!("{e}"));
    let value_of = |label: &str| -> f64 {
        sheet
            .rows()
            .find(|row| matches!(row.first(), Some(Data::String(s)) if s == label))
            .and_then(|row| match row.get(1) {
                Some(Data::Float(v)) => Some(*v),
                Some(Data::Int(v)) => Some(*v as f64),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no figure {label}"))
    };
    let t = &summary.total;
    let same = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(same(value_of(figure::PARCELS), t.parcels as f64));
    // 13 plots registered, five revitalized: 8 idle or low-efficiency now.
    assert!(same(value_of(figure::IDLE_PARCELS), 8.0));
    assert!(same(value_of(figure::IDLE_PARCELS), t.idle_parcels as f64));
    assert!((value_of(figure::IDLE_AREA) - mu_from_m2(t.idle_area_m2)).abs() < 1e-9);
    assert!((value_of(figure::CASE_IDLE_AREA) - 536.0).abs() < 0.005);
    assert!(same(value_of(figure::CASES), ledger.entries as f64));
    assert!(
        (value_of(figure::REVITALIZED_LAND) - mu_from_m2(ledger.revitalized_land_m2)).abs() < 1e-9
    );
    assert!((value_of(figure::REVITALIZED_LAND) - 120.0).abs() < 0.01);
    assert!((value_of(figure::REVITALIZED_BUILDING) - 44_000.0).abs() < 1e-6);
    assert!((value_of(figure::PARCEL_AREA) - mu_from_m2(t.parcel_area_m2)).abs() < 1e-9);
    // Per-district rows: parcels and idle parcels as stats has them.
    for d in &summary.districts {
        let row = sheet
            .rows()
            .find(|row| matches!(row.first(), Some(Data::String(s)) if *s == d.name))
            .unwrap_or_else(|| panic!("no row for {}", d.name));
        assert_eq!(
            row.get(2),
            Some(&Data::Float(d.parcels as f64)),
            "{}",
            d.name
        );
        assert_eq!(
            row.get(4),
            Some(&Data::Float(d.idle_parcels as f64)),
            "{}",
            d.name
        );
    }
    // The district table says which area its figures use.
    assert!(
        sheet.rows().any(|row| matches!(row.first(),
            Some(Data::String(s)) if s == "注：面积口径：投影面积（CGCS2000 高斯-克吕格 3° 带）")),
        "no area caption"
    );
    // Per-method rows: cases as `summary` counts them.
    for (label, count) in parkland::stats::method_counts(&ledger, Lang::Zh) {
        if count == 0 {
            continue;
        }
        let row = sheet
            .rows()
            .find(|row| matches!(row.first(), Some(Data::String(s)) if s == label))
            .unwrap_or_else(|| panic!("no row for {label}"));
        assert_eq!(row.get(1), Some(&Data::Float(count as f64)), "{label}");
    }
    // The ledger sheet in the county's column order, 13 cases and the totals row.
    let ledger_sheet = workbook
        .worksheet_range("台账")
        .unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = ledger_sheet
        .rows()
        .next()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    assert_eq!(header, LEDGER_HEADERS);
    assert_eq!(ledger_sheet.height(), 1 + 13 + 1);
    // The map is in the workbook as a PNG.
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        bytes.windows(19).any(|w| w == b"xl/media/image1.png"),
        "no picture in the workbook"
    );
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count()
}

#[test]
fn cli_report_pdf_is_two_a4_pages_with_the_map_and_real_text() {
    let dir = scratch_dir("pdf");
    let out = dir.join("report.pdf");
    let output = parkland(
        &[
            "report",
            "--out",
            &out.display().to_string(),
            "--date",
            "2025-11-26",
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output));
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(page_count(&bytes), 2);
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Subtype /Image"), "the map is embedded");
    assert!(raw.contains("/MediaBox [0 0 595.276 841.89]"), "A4");
    assert!(raw.contains("/FontFile3"), "the font is embedded");

    let Ok(text) = Command::new("pdftotext")
        .args(["-layout", &out.display().to_string(), "-"])
        .output()
    else {
        crate::skip_or_fail(
            "pdftotext (poppler-utils) is not installed: the PDF's text is not checked",
        );
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "一园三区 低效闲置工业用地处置情况报告",
        "两江工业区",
        "536.00",
        "120.00",
        "44,000",
        "返租共管",
        "LJ-2202",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the PDF text:\n{text}"
        );
    }
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args([
            "-r",
            "60",
            "-png",
            &out.display().to_string(),
            &prefix.display().to_string(),
        ])
        .status();
    let Ok(status) = status else {
        crate::skip_or_fail("pdftoppm (poppler-utils) is not installed: the PDF is not rasterised");
        return;
    };
    assert!(status.success());
    let page2 = std::fs::read(dir.join("page-2.png")).unwrap_or_else(|e| panic!("{e}"));
    let page2 = decode_png(&page2);
    // 60 dpi A4: 595.276 × 841.89 pt is 496.1 × 701.6 px (pdftoppm rounds up).
    assert!(
        (496..=497).contains(&page2.width) && (701..=702).contains(&page2.height),
        "{}×{}",
        page2.width,
        page2.height
    );
    let in_use = status_color(Some(ParcelStatus::InUse));
    let map_pixels = page2.rgb.iter().filter(|&&c| near(c, in_use, 24)).count();
    assert!(map_pixels > 500, "the map shows on page 2: {map_pixels}");
}

#[test]
fn long_ledgers_continue_on_more_pages_and_english_reports_say_so() {
    let (park, cases) = sample();
    let many: Vec<StoredEntry> = (0..8).flat_map(|_| cases.iter().cloned()).collect();
    let report = Report::new(&park, &many, StylePreset::Status, Lang::En, date())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.title,
        "Industrial park: idle and low-efficiency land report"
    );
    let pdf = report_pdf(&report).unwrap_or_else(|e| panic!("{e}"));
    let pages = page_count(&pdf);
    assert!((4..=6).contains(&pages), "104 ledger rows on {pages} pages");
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains(&format!("/Count {pages}")));
}
