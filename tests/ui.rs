//! The window, driven headless with `egui_kittest`: no GPU, no display.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use parkland::ui::app::{Command, LayerKind, Startup};
use parkland::ui::{ParklandApp, install_fonts};

/// A fresh ledger file for each harness, so that tests never touch the user's ledger.
fn scratch_ledger() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("parkland-ui-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir.join("ledger.sqlite")
}

fn harness() -> Harness<'static, ParklandApp> {
    window_with_ledger(&scratch_ledger())
}

/// The window (1280 × 800) on the sample park with its ledger in the file `ledger`, the
/// built-in file dialog instead of the system's, after its first frames.
pub(crate) fn window_with_ledger(ledger: &std::path::Path) -> Harness<'static, ParklandApp> {
    let startup = Startup {
        ledger: Some(ledger.to_owned().into()),
        ..Startup::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_eframe(move |cc| ParklandApp::new(cc, startup));
    harness.state_mut().native_dialogs = false;
    harness.run_steps(3);
    harness
}

/// Runs frames until the background load has finished and its result is applied.
fn wait_loaded(harness: &mut Harness<'_, ParklandApp>) {
    let start = std::time::Instant::now();
    harness.run_steps(1);
    while harness.state().is_loading() {
        assert!(
            start.elapsed() < std::time::Duration::from_mins(1),
            "the load never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.run_steps(1);
    }
    harness.run_steps(2);
}

fn click_at(harness: &mut Harness<'_, ParklandApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run_steps(3);
}

#[test]
fn clicking_a_parcel_on_the_map_shows_it_in_the_panel() {
    let mut harness = harness();
    let park = &harness.state().park;
    assert_eq!(park.districts.len(), 3);
    // The first idle parcel: click its interior point on the map.
    let Some(index) = park
        .parcels
        .iter()
        .position(parkland::model::Parcel::is_idle_or_low)
    else {
        panic!("the sample has idle parcels");
    };
    let parcel_no = park.parcels[index].parcel_no.clone();
    let Some(pos) = harness.state().parcel_ui_pos(index) else {
        panic!("the map was laid out");
    };
    assert!(
        harness.get_by_label("地图").rect().contains(pos),
        "parcel is in view"
    );
    assert_eq!(harness.state().selection.primary(), None);
    assert_eq!(
        harness.get_all_by_label(&parcel_no).count(),
        1,
        "only its ledger row"
    );
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection.primary(), Some(index));
    assert_eq!(
        harness.get_all_by_label(&parcel_no).count(),
        2,
        "and the parcel panel"
    );
    harness.get_by_label("宗地编号");
    // The holder and the area in 亩 are shown too.
    let holder = harness.state().park.parcels[index]
        .holder
        .clone()
        .unwrap_or_default();
    harness.get_by_label(&holder);

    // Escape clears the selection.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert_eq!(harness.state().selection.primary(), None);
}

#[test]
fn clicking_empty_ground_clears_the_selection() {
    let mut harness = harness();
    let Some(pos) = harness.state().parcel_ui_pos(0) else {
        panic!("laid out")
    };
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection.primary(), Some(0));
    let map = harness.get_by_label("地图").rect();
    click_at(&mut harness, map.left_top() + egui::vec2(5.0, 40.0));
    assert_eq!(harness.state().selection.primary(), None);
}

#[test]
fn a_rejected_file_is_reported_and_the_map_keeps_its_parcels() {
    let mut harness = harness();
    let before = harness.state().park.parcels.len();
    let path = std::env::temp_dir().join(format!("parkland-ui-{}-lfs.geojson", std::process::id()));
    let _removed = crate::RemovedAtEnd(path.clone());
    std::fs::write(
        &path,
        "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    harness
        .state_mut()
        .send(Command::Open(LayerKind::Parcels, path.clone()));
    wait_loaded(&mut harness);
    assert_eq!(harness.state().park.parcels.len(), before);
    assert_eq!(harness.state().notices.len(), 1);
    harness.get_by_label_contains("Git LFS pointer");
    harness.get_by_label("关闭").click();
    harness.run_steps(2);
    assert!(harness.state().notices.is_empty());
}

#[test]
fn language_switch_changes_the_panels_to_english() {
    let mut harness = harness();
    harness.get_by_label("语言").click();
    harness.run_steps(2);
    harness.get_by_label("English").click();
    harness.run_steps(3);
    harness.get_by_label("Layers");
    harness.get_by_label("Map");
    assert!(harness.query_by_label("图层").is_none());
}

#[test]
fn home_key_fits_the_park_after_zooming() {
    let mut harness = harness();
    let fitted = harness.state().state.camera.map(|c| c.m_per_point);
    let map = harness.get_by_label("地图").rect();
    harness.hover_at(map.center());
    harness.event(egui::Event::Zoom(4.0));
    harness.run_steps(3);
    let zoomed = harness.state().state.camera.map(|c| c.m_per_point);
    assert!(zoomed < fitted.map(|m| m / 2.0), "{zoomed:?} vs {fitted:?}");
    harness.key_press(egui::Key::Home);
    harness.run_steps(3);
    let back = harness
        .state()
        .state
        .camera
        .map(|c| c.m_per_point)
        .unwrap_or_default();
    let fitted = fitted.unwrap_or_default();
    assert!((back - fitted).abs() < fitted * 1e-6, "{back} vs {fitted}");
}

/// A file dropped on the window, as the windowing integration would hand it to egui.
#[derive(Debug)]
pub(crate) struct Dropped(pub std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropped_files_replace_the_right_layer() {
    let mut harness = harness();
    let parcels =
        std::env::temp_dir().join(format!("parkland-ui-{}-plots.geojson", std::process::id()));
    let _removed = crate::RemovedAtEnd(parcels.clone());
    std::fs::write(
        &parcels,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"parcel_no":"T-1","status":"闲置"},"geometry":{"type":"Polygon","coordinates":[[[106.99,33.0],[106.991,33.0],[106.991,33.001],[106.99,33.001],[106.99,33.0]]]}},
        {"type":"Feature","properties":{"parcel_no":"T-2","status":"在用"},"geometry":{"type":"Polygon","coordinates":[[[106.992,33.0],[106.993,33.0],[106.993,33.001],[106.992,33.001],[106.992,33.0]]]}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(parcels)));
    wait_loaded(&mut harness);
    let park = &harness.state().park;
    assert_eq!(park.parcels.len(), 2, "the parcel layer was replaced");
    assert_eq!(park.districts.len(), 3, "the districts were kept");
    assert!(harness.state().notices.is_empty());

    let districts = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample_parcels/districts.geojson");
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(districts)));
    wait_loaded(&mut harness);
    let park = &harness.state().park;
    assert_eq!((park.districts.len(), park.parcels.len()), (3, 2));
    assert_eq!(park.parcels[0].parcel_no, "T-1");
}

#[test]
fn register_a_parcel_in_the_ledger_from_the_map() {
    use parkland::model::{Field, ParcelStatus};
    let mut harness = harness();
    assert_eq!(
        harness.state().ledger.entries.len(),
        13,
        "the sample ledger"
    );
    let park = &harness.state().park;
    let Some(index) = park
        .parcels
        .iter()
        .position(|p| p.status == Some(ParcelStatus::InUse))
    else {
        panic!("an in-use parcel");
    };
    let parcel_no = park.parcels[index].parcel_no.clone();
    let Some(pos) = harness.state().parcel_ui_pos(index) else {
        panic!("laid out")
    };
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection.primary(), Some(index));

    harness.get_by_label("登记闲置/低效").click();
    harness.run_steps(3);
    assert!(harness.state().ledger.form.is_some(), "the form opened");
    // The notes are at the foot of the form: scroll them into view first.
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "备注")
        .scroll_to_me();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "备注")
        .focus();
    harness.run_steps(1);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "备注")
        .type_text("界面测试登记");
    harness.run_steps(1);
    // A bad number: a message beside the field, nothing saved.
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "闲置厂房")
        .scroll_to_me();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "闲置厂房")
        .click();
    harness.run_steps(1);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "闲置厂房")
        .type_text("abc");
    harness.run_steps(1);
    harness.get_by_label("保存").click();
    harness.run_steps(3);
    assert!(harness.state().ledger.form.is_some(), "still open");
    let errors = harness
        .state_mut()
        .ledger
        .form
        .as_mut()
        .map(|f| format!("{:?} {:?}", f.checked_entry(), f.errors))
        .unwrap_or_default();
    assert!(
        harness.query_by_label_contains("不是数字").is_some(),
        "{errors}"
    );
    assert_eq!(harness.state().ledger.entries.len(), 13);

    if let Some(form) = harness.state_mut().ledger.form.as_mut() {
        form.set_number(Field::IdleBuilding, "1200");
    }
    // The message goes as soon as the value is valid (the Save button moves up with it).
    harness.run_steps(1);
    assert!(harness.query_by_label_contains("不是数字").is_none());
    harness.get_by_label("保存").click();
    harness.run_steps(3);
    assert!(harness.state().ledger.form.is_none(), "saved and closed");
    let entries = &harness.state().ledger.entries;
    assert_eq!(entries.len(), 14);
    let Some(case) = entries.iter().find(|e| e.entry.parcel_no == parcel_no) else {
        panic!("the new case is in the ledger");
    };
    assert_eq!(case.entry.notes, "界面测试登记");
    assert!((case.entry.idle_building_m2 - 1200.0).abs() < 1e-9);
    // In the table and in the parcel's history.
    assert!(
        harness.get_all_by_label(&parcel_no).count() >= 2,
        "panel and table row"
    );
    harness.get_by_label_contains("登记  待认定");
    assert_eq!(harness.state().ledger.history(&parcel_no).len(), 1);

    // Undo takes it back as a new event; redo restores it.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().ledger.entries.len(), 13);
    assert_eq!(harness.state().ledger.history(&parcel_no).len(), 2);
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run_steps(2);
    assert_eq!(harness.state().ledger.entries.len(), 14);
    assert_eq!(harness.state().ledger.history(&parcel_no).len(), 3);
}

#[test]
fn selecting_a_ledger_row_selects_and_zooms_to_its_parcel() {
    let mut harness = harness();
    let before = harness
        .state()
        .state
        .camera
        .map(|c| c.m_per_point)
        .unwrap_or_default();
    let Some(first) = harness
        .state()
        .ledger
        .table
        .rows(&harness.state().ledger.entries)
        .first()
        .map(|s| s.entry.parcel_no.clone())
    else {
        panic!("rows");
    };
    let cells = harness.get_all_by_label(&first).count();
    assert_eq!(cells, 1, "only the table shows it before selection");
    harness.get_by_label(&first).click();
    harness.run_steps(3);
    let Some(selected) = harness
        .state()
        .selected_parcel()
        .map(|p| p.parcel_no.clone())
    else {
        panic!("a parcel is selected");
    };
    assert_eq!(selected, first);
    let after = harness
        .state()
        .state
        .camera
        .map(|c| c.m_per_point)
        .unwrap_or_default();
    assert!(after < before / 2.0, "zoomed in: {after} vs {before}");
}

#[test]
fn attribute_table_filters_sorts_and_selects() {
    use parkland::model::ParcelStatus;
    let mut harness = harness();
    harness.get_by_label("宗地属性表").click();
    harness.run_steps(2);
    harness.get_by_label_contains("符合 357 / 357");

    // Filter by district and status: the count is what the park holds.
    {
        let query = &mut harness.state_mut().state.attributes.query;
        query.district = Some("LJ".to_owned());
        query.status = Some(ParcelStatus::InUse);
    }
    harness.run_steps(2);
    let park = &harness.state().park;
    let matching: Vec<usize> = (0..park.parcels.len())
        .filter(|&i| {
            let p = &park.parcels[i];
            p.district.as_deref() == Some("LJ") && p.status == Some(ParcelStatus::InUse)
        })
        .collect();
    assert!(matching.len() > 20);
    harness.get_by_label_contains(&format!("符合 {} / 357", matching.len()));

    // Sort by area (亩), descending after a second click: the rows on screen follow.
    harness.get_by_label("面积(亩)").click();
    harness.run_steps(2);
    harness.get_by_label("面积(亩) ▲").click();
    harness.run_steps(2);
    let park = &harness.state().park;
    let mut shown: Vec<(f32, f64, String)> = matching
        .iter()
        .filter_map(|&i| {
            let p = &park.parcels[i];
            harness
                .query_all_by_label(&p.parcel_no)
                .next()
                .map(|node| (node.rect().min.y, p.area_m2, p.parcel_no.clone()))
        })
        .collect();
    assert!(
        shown.len() >= 5,
        "several rows are laid out: {}",
        shown.len()
    );
    shown.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        shown.windows(2).all(|w| w[0].1 >= w[1].1),
        "largest first: {shown:?}"
    );

    // Selecting a row selects the parcel on the map and shows it in the parcel panel.
    let first = shown[0].2.clone();
    harness.get_by_label(&first).click();
    harness.run_steps(3);
    let selected = harness
        .state()
        .selected_parcel()
        .map(|p| p.parcel_no.clone());
    assert_eq!(selected.as_deref(), Some(first.as_str()));
    assert_eq!(
        harness.get_all_by_label(&first).count(),
        2,
        "row and parcel panel"
    );
}

#[test]
fn shift_click_adds_and_a_shift_drag_box_selects() {
    let mut harness = harness();
    let Some(a) = harness.state().parcel_ui_pos(0) else {
        panic!("laid out")
    };
    click_at(&mut harness, a);
    // The panels change with the selection: look the second parcel up afterwards.
    let Some(b) = harness.state().parcel_ui_pos(1) else {
        panic!("laid out")
    };
    harness.hover_at(b);
    for pressed in [true, false] {
        harness.event_modifiers(
            egui::Event::PointerButton {
                pos: b,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::SHIFT,
            },
            egui::Modifiers::SHIFT,
        );
    }
    harness.run_steps(3);
    let selection: Vec<usize> = harness.state().selection.iter().collect();
    assert_eq!(selection, vec![0, 1]);
    harness.get_by_label_contains("已选 2 宗");

    // A box dragged with Shift around two other parcels' label points selects them too.
    let park_len = harness.state().park.parcels.len();
    let (Some(c), Some(d)) = (
        harness.state().parcel_ui_pos(park_len - 1),
        harness.state().parcel_ui_pos(park_len - 2),
    ) else {
        panic!("laid out");
    };
    let (start, end) = (
        c.min(d) - egui::vec2(2.0, 2.0),
        c.max(d) + egui::vec2(2.0, 2.0),
    );
    harness.hover_at(start);
    harness.event_modifiers(
        egui::Event::PointerButton {
            pos: start,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::SHIFT,
        },
        egui::Modifiers::SHIFT,
    );
    for t in [0.25_f32, 0.5, 0.75, 1.0] {
        harness.event_modifiers(
            egui::Event::PointerMoved(start + (end - start) * t),
            egui::Modifiers::SHIFT,
        );
    }
    harness.event_modifiers(
        egui::Event::PointerButton {
            pos: end,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::SHIFT,
        },
        egui::Modifiers::SHIFT,
    );
    harness.run_steps(3);
    let selection: Vec<usize> = harness.state().selection.iter().collect();
    for expected in [0, 1, park_len - 2, park_len - 1] {
        assert!(selection.contains(&expected), "{expected} in {selection:?}");
    }
}

/// A parcel file of `n` square parcels in a grid, as `GeoJSON` text.
fn grid_parcels(n: usize) -> String {
    use std::fmt::Write as _;
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..n {
        let (x, y) = (
            106.95 + (i % 200) as f64 * 0.0005,
            33.0 + (i / 200) as f64 * 0.0005,
        );
        let (x1, y1) = (x + 0.0004, y + 0.0004);
        // A few idle plots, which a sample ledger would wrongly take up.
        let status = if i % 100 == 0 { "闲置" } else { "在用" };
        if i > 0 {
            text.push(',');
        }
        let _ = write!(
            text,
            r#"{{"type":"Feature","properties":{{"parcel_no":"G-{i}","status":"{status}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#
        );
    }
    text.push_str("]}");
    text
}

#[test]
fn a_big_file_loads_in_the_background_and_can_be_cancelled() {
    let mut harness = harness();
    let before = harness.state().park.parcels.len();
    let path =
        std::env::temp_dir().join(format!("parkland-ui-{}-grid.geojson", std::process::id()));
    let _removed = crate::RemovedAtEnd(path.clone());
    std::fs::write(&path, grid_parcels(20_000)).unwrap_or_else(|e| panic!("{e}"));

    // Open, then cancel in the same frame: the map keeps what it had and says so.
    harness
        .state_mut()
        .send(Command::Open(LayerKind::Parcels, path.clone()));
    harness.state_mut().send(Command::CancelLoad);
    wait_loaded(&mut harness);
    assert_eq!(harness.state().park.parcels.len(), before);
    harness.get_by_label_contains("已取消加载");

    // The parcel table counts the sample park's parcels...
    harness.get_by_label("宗地属性表").click();
    harness.run_steps(2);
    harness.get_by_label_contains(&format!("符合 {before} / {before}"));

    // Open again and let it finish: the frames keep coming while it loads, with a progress
    // window, and the new parcels replace the old ones.
    harness
        .state_mut()
        .send(Command::Open(LayerKind::Parcels, path.clone()));
    harness.run_steps(2);
    let mut saw_progress = false;
    let start = std::time::Instant::now();
    while harness.state().is_loading() && start.elapsed() < std::time::Duration::from_mins(1) {
        saw_progress |= harness.query_by_label("正在加载").is_some();
        harness.run_steps(1);
    }
    wait_loaded(&mut harness);
    assert!(saw_progress, "a progress window showed while loading");
    let park = &harness.state().park;
    assert_eq!(park.parcels.len(), 20_000);
    assert_eq!(park.parcels[19_999].parcel_no, "G-19999");
    assert_eq!(park.districts.len(), 3, "the districts were kept");
    // ...and the new ones once they are loaded (its cached rows follow the park).
    harness.get_by_label_contains("符合 20000 / 20000");

    // These are the user's own parcels now: a new ledger gets no sample cases.
    assert_eq!(
        park.parcels.iter().filter(|p| p.is_idle_or_low()).count(),
        200
    );
    let fresh = scratch_ledger();
    harness.state_mut().send(Command::OpenLedger(fresh));
    harness.run_steps(3);
    let ledger = &harness.state().ledger;
    assert_eq!(ledger.error, None);
    assert!(ledger.entries.is_empty(), "no sample cases seeded");
}

#[test]
fn the_measure_tool_gives_geodesic_distance_and_area_without_selecting() {
    use parkland::geometry::{geodesic_length_m, geodesic_polygon_area_m2};
    use parkland::ui::map::measure::MeasureMode;
    let mut harness = harness();
    harness.get_by_label("测距").click();
    harness.run_steps(2);
    let Some(a) = harness.state().parcel_ui_pos(0) else {
        panic!("laid out")
    };
    let b = a + egui::vec2(120.0, 0.0);
    let c = a + egui::vec2(120.0, 80.0);
    click_at(&mut harness, a);
    click_at(&mut harness, b);
    let Some(measure) = harness.state().measure.clone() else {
        panic!("the tool is on")
    };
    assert_eq!(measure.mode, MeasureMode::Distance);
    assert_eq!(measure.points.len(), 2);
    assert_eq!(
        harness.state().selection.primary(),
        None,
        "measuring selects nothing"
    );
    let metres = geodesic_length_m(&measure.points);
    // 120 points at the fitted zoom are a few hundred metres on the ground.
    assert!((50.0..5000.0).contains(&metres), "{metres}");
    assert!((measure.length_m() - metres).abs() < 1e-9);
    let shown = measure.text(parkland::model::Lang::Zh);
    let expected = if metres >= 1000.0 {
        format!("距离 {:.3} km", metres / 1000.0)
    } else {
        format!("距离 {metres:.1} m")
    };
    assert!(shown.starts_with(&expected), "{shown} / {expected}");

    // Esc clears the points; the area tool closes its polygon.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert_eq!(
        harness.state().measure.as_ref().map(|m| m.points.len()),
        Some(0)
    );
    harness.get_by_label("测面").click();
    harness.run_steps(2);
    for p in [a, b, c] {
        click_at(&mut harness, p);
    }
    let Some(measure) = harness.state().measure.clone() else {
        panic!("the tool is on")
    };
    assert_eq!(measure.mode, MeasureMode::Area);
    let area = geodesic_polygon_area_m2(&measure.points);
    assert!(
        (measure.area_m2() - area).abs() < 1e-6 && area > 1000.0,
        "{area}"
    );
    let shown = measure.text(parkland::model::Lang::Zh);
    assert!(
        shown.contains(&format!("{:.2} 亩", area / (10_000.0 / 15.0))),
        "{shown}"
    );
    harness.get_by_label("测面").click();
    harness.run_steps(2);
    assert!(
        harness.state().measure.is_none(),
        "clicking the tool again turns it off"
    );
}

#[test]
fn the_district_table_shows_the_summary_figures() {
    let mut harness = harness();
    harness.get_by_label("片区属性表").click();
    harness.run_steps(3);
    harness.get_by_label("园区合计");
    for name in ["梁产城新区", "两江工业区", "吴溪工业区"] {
        assert!(harness.query_all_by_label(name).count() >= 1, "{name}");
    }
    // The park's land idle or low-efficiency now, as `parkland summary` prints it.
    let app = harness.state();
    let summary = parkland::stats::park_summary(&app.park, &app.standing);
    assert_eq!(summary.total.idle_parcels, 8);
    let idle_now = format!(
        "{:.2}",
        parkland::units::mu_from_m2(summary.total.idle_area_m2)
    );
    harness.get_by_label(&idle_now);
    harness.get_by_label("11.23");
}

#[test]
fn the_file_menu_exports_a_geopackage_and_geojson_that_read_back() {
    let mut harness = harness();
    let dir = std::env::temp_dir().join(format!("parkland-ui-{}-export", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let gpkg = dir.join("park.gpkg");
    let geojson = dir.join("parcels.geojson");
    harness.state_mut().send(Command::ExportGpkg(gpkg.clone()));
    harness.state_mut().send(Command::ExportGeoJson(
        geojson.clone(),
        parkland::formats::GeoJsonCrs::GaussKruger,
    ));
    harness.run_steps(3);
    assert_eq!(harness.state().notices.len(), 2, "one notice per export");
    assert!(harness.state().notices.iter().all(|n| !n.rejected));
    let parcels = parkland::formats::read_file_layer(
        &gpkg,
        parkland::formats::LayerChoice::Prefer("parcels"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let park = &harness.state().park;
    assert_eq!(parcels.features.len(), park.parcels.len());
    let back = parkland::formats::read_file(&geojson).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.features.len(), park.parcels.len());
    let total: f64 = park.parcels.iter().map(|p| p.areas.ellipsoidal_m2).sum();
    assert!((back.report.area_m2 - total).abs() < 1e-6 * total);
}

#[test]
fn the_file_menu_exports_the_map_as_a_png() {
    let mut harness = harness();
    let dir = std::env::temp_dir().join(format!("parkland-ui-{}-png", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (view, whole) = (dir.join("view.png"), dir.join("whole.png"));
    harness.state_mut().send(Command::ExportMapImage(
        view.clone(),
        parkland::ui::app::MapExtent::CurrentView,
    ));
    harness.state_mut().send(Command::ExportMapImage(
        whole.clone(),
        parkland::ui::app::MapExtent::WholePark,
    ));
    harness.run_steps(3);
    assert!(harness.state().notices.iter().all(|n| !n.rejected));
    for path in [view, whole] {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap_or_else(|e| panic!("{e}"));
        let info = reader.info();
        assert_eq!(
            (info.width, info.height),
            (1920, 1080),
            "{}",
            path.display()
        );
    }
}

/// 文件 → 导出 Shapefile and 导出国土TXT（所选宗地）: the whole park as a Shapefile set, the
/// selected parcel alone as 国土TXT; both read back.
#[test]
fn the_file_menu_exports_a_shapefile_and_the_selection_as_guotu_txt() {
    let mut harness = harness();
    let dir = std::env::temp_dir().join(format!("parkland-ui-{}-shp", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (shp, txt) = (dir.join("parcels.shp"), dir.join("one.txt"));
    let index = harness
        .state()
        .parcel_index("LJ-2304")
        .expect("LJ-2304 in the sample");
    harness.state_mut().send(Command::Select(Some(index)));
    harness
        .state_mut()
        .send(Command::ExportShapefile(shp.clone()));
    harness
        .state_mut()
        .send(Command::ExportGuotuTxt(txt.clone()));
    harness.run_steps(3);
    assert_eq!(harness.state().notices.len(), 2, "one notice per export");
    assert!(harness.state().notices.iter().all(|n| !n.rejected));
    let park = &harness.state().park;
    let back = parkland::formats::read_file(&shp).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.features.len(), park.parcels.len());
    let one = parkland::formats::read_file(&txt).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one.features.len(), 1, "only the selection");
    assert_eq!(
        one.features[0].property_text("parcel_no").as_deref(),
        Some("LJ-2304")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// 检查 → 拓扑检查…: the window lists what the check finds on the loaded parcels (here a
/// parcel copied under another number: identical geometries), and a click on a parcel number
/// selects that parcel.
#[test]
fn the_topology_window_lists_findings_and_zooms_to_them() {
    let mut harness = harness();
    let collection = crate::sample_parcels_with_copy(0, "COPY-1");
    let path = std::env::temp_dir().join(format!(
        "parkland-ui-{}-topology.geojson",
        std::process::id()
    ));
    std::fs::write(&path, collection.to_string()).unwrap_or_else(|e| panic!("{e}"));
    harness
        .state_mut()
        .send(Command::Open(LayerKind::Parcels, path.clone()));
    wait_loaded(&mut harness);
    let _ = std::fs::remove_file(&path);
    harness.state_mut().notices.clear();
    harness.get_by_label("检查").click();
    harness.run_steps(2);
    harness.get_by_label("拓扑检查…").click();
    harness.run_steps(4);
    harness.get_by_label("图形完全相同：1");
    harness.get_by_label("重叠（>1 m²）：0");
    harness.get_by_label("COPY-1").click();
    harness.run_steps(3);
    let app = harness.state();
    let copied = app.parcel_index("COPY-1").expect("loaded");
    assert!(app.selection.contains(copied));
}

/// A Shapefile without `.prj` in Gauss-Krüger metres: the window asks for its CRS, offering
/// the zone its eastings name, opens it in the one chosen, and opens it so again without
/// asking.
#[test]
fn a_file_without_crs_is_opened_in_the_crs_the_user_chooses_and_remembered() {
    let mut harness = harness();
    let dir = std::env::temp_dir().join(format!("parkland-ui-{}-crs", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let shp = dir.join("noprj.shp");
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    parkland::formats::write_shapefile(&park, &[], &shp).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(shp.with_extension("prj")).unwrap_or_else(|e| panic!("{e}"));
    harness
        .state_mut()
        .send(Command::Open(LayerKind::Parcels, shp.clone()));
    wait_loaded(&mut harness);
    assert!(harness.state().open_question.is_some(), "asked");
    harness.get_by_label("选择坐标系");
    harness.get_by_label_contains("EPSG:4524");
    harness.get_by_label("按此坐标系打开").click();
    harness.run_steps(2);
    wait_loaded(&mut harness);
    let app = harness.state();
    assert!(app.open_question.is_none());
    assert_eq!(app.park.parcels.len(), park.parcels.len());
    assert_eq!(
        app.state
            .crs_for_files
            .get(&shp.display().to_string())
            .map(String::as_str),
        Some("EPSG:4524")
    );
    // Opened again: read in the remembered CRS, no question.
    harness
        .state_mut()
        .send(Command::Open(LayerKind::Parcels, shp.clone()));
    wait_loaded(&mut harness);
    assert!(harness.state().open_question.is_none());
    assert_eq!(harness.state().park.parcels.len(), park.parcels.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The parcel panel names both areas: the ellipsoidal one and the plane one of the parcel's
/// Gauss-Krüger zone, with the zone.
#[test]
fn the_parcel_panel_shows_both_areas_each_named() {
    let mut harness = harness();
    let index = harness.state().parcel_index("LJ-2304").expect("LJ-2304");
    harness.state_mut().send(Command::Select(Some(index)));
    harness.run_steps(4);
    let parcel = harness.state().park.parcels[index].clone();
    let plane = parcel.areas.plane.expect("in a zone");
    harness.get_by_label("椭球面积 (m²)");
    harness.get_by_label("投影面积 (m²)");
    harness.get_by_label(&parkland::units::group_thousands(
        parcel.areas.ellipsoidal_m2,
        2,
    ));
    harness.get_by_label(&parkland::units::group_thousands(plane.m2, 2));
    harness.get_by_label("高斯-克吕格 3° 带 36 (EPSG:4524)");
    // The figures' area says which it is: the plane one by default.
    harness.get_by_label("投影面积 (亩)");
    harness.get_by_label(&parkland::units::group_thousands(
        parkland::units::mu_from_m2(plane.m2),
        2,
    ));
}

/// A zip of two Shapefile sets dropped on the window: it asks which set (选择图层) and opens
/// the one chosen.
#[test]
fn a_zip_of_several_sets_asks_which_one() {
    use std::io::Write as _;
    let mut harness = harness();
    let dir = std::env::temp_dir().join(format!("parkland-ui-{}-zip", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut small = park.clone();
    small.parcels.truncate(10);
    let (big, few) = (dir.join("big.shp"), dir.join("few.shp"));
    parkland::formats::write_shapefile(&park, &[], &big).unwrap_or_else(|e| panic!("{e}"));
    parkland::formats::write_shapefile(&small, &[], &few).unwrap_or_else(|e| panic!("{e}"));
    let zip_path = dir.join("two.zip");
    let mut zip =
        zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap_or_else(|e| panic!("{e}")));
    for set in [&big, &few] {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            let member = set.with_extension(ext);
            let name = member
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap_or_else(|e| panic!("{e}"));
            zip.write_all(&std::fs::read(&member).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}"));
    harness
        .state_mut()
        .send(Command::OpenDropped(zip_path.clone()));
    wait_loaded(&mut harness);
    assert!(harness.state().open_question.is_some(), "asked");
    harness.get_by_label("选择图层");
    harness.get_by_label("few.shp").click();
    harness.run_steps(2);
    harness.get_by_label("打开").click();
    harness.run_steps(2);
    wait_loaded(&mut harness);
    assert!(harness.state().open_question.is_none());
    assert_eq!(harness.state().park.parcels.len(), 10, "the set chosen");
    let _ = std::fs::remove_dir_all(&dir);
}

/// 面积口径: the layers panel chooses which area the figures use. 椭球面积 turns the legend's
/// figures, the 统计 view's caption and a new case's parcel area to the ellipsoidal areas,
/// and the choice is remembered.
#[test]
fn the_area_basis_chosen_in_the_layers_panel_turns_every_figure() {
    use parkland::model::{AreaBasis, Lang};
    use parkland::style::{Classification, StylePreset};
    let mut harness = harness();
    // The legend's 在用 row, in 亩 to one decimal, as the panel shows it.
    let in_use_label = |app: &ParklandApp| {
        let classes = Classification::compute(
            StylePreset::Status,
            &app.park,
            &app.ledger.entries,
            Lang::Zh,
        );
        let class = classes
            .classes
            .iter()
            .find(|c| c.label == "在用")
            .unwrap_or_else(|| panic!("在用"));
        format!(
            "{} 亩",
            parkland::units::group_thousands(class.area_mu(), 1)
        )
    };
    assert_eq!(harness.state().park.area_basis, AreaBasis::Plane);
    let plane_label = in_use_label(harness.state());
    harness.get_by_label(&plane_label);
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "面积口径")
        .click();
    harness.run_steps(2);
    harness.get_by_label("椭球面积").click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.park.area_basis, AreaBasis::Ellipsoidal);
    assert_eq!(app.state.area_basis, AreaBasis::Ellipsoidal, "remembered");
    for parcel in &app.park.parcels {
        assert_eq!(
            parcel.area_m2.to_bits(),
            parcel.areas.ellipsoidal_m2.to_bits()
        );
    }
    let ellipsoidal_label = in_use_label(app);
    assert_ne!(plane_label, ellipsoidal_label);
    harness.get_by_label(&ellipsoidal_label);
    // A new case takes the parcel's ellipsoidal area, and says so.
    let index = harness.state().parcel_index("LJ-2304").expect("LJ-2304");
    let expected = harness.state().park.parcels[index].areas.ellipsoidal_m2;
    harness.state_mut().send(Command::Select(Some(index)));
    harness.state_mut().send(Command::RegisterSelected);
    harness.run_steps(6);
    let form = harness.state().ledger.form.as_ref().expect("the form");
    assert_eq!(form.entry.parcel_area_m2.to_bits(), expected.to_bits());
    harness.get_by_label_contains("亩 (椭球面积)");
    harness.state_mut().ledger.form = None;
    // The 统计 view names the basis of all its figures.
    harness
        .state_mut()
        .send(Command::SetView(parkland::ui::dashboard::MainView::Stats));
    harness.run_steps(3);
    harness.get_by_label("面积口径：椭球面积（CGCS2000 椭球）");
}
