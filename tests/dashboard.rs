//! The 统计 dashboard: its figures against `parkland summary --json`, and the window's tab.

use parkland::ledger::Ledger;
use parkland::units::mu_from_m2;
use std::process::Command;

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("parkland-dashboard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn dashboard_figures_equal_the_summary_json_to_the_last_digit() {
    let dir = scratch_dir("cli");
    let ledger_path = dir.join("ledger.sqlite");
    let output = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(["summary", "--json", "--ledger"])
        .arg(&ledger_path)
        .env("HOME", &dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Compared as text: parsing the CLI's numbers back could round them differently.
    let cli = String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned();

    // The same park and the ledger the CLI seeded, read as the window reads them.
    let park = parkland::model::Park::from_imports(
        parkland::sample::sample_districts().ok(),
        parkland::sample::sample_parcels().ok(),
    );
    let ledger = Ledger::open(&ledger_path).unwrap_or_else(|e| panic!("{e}"));
    let entries = ledger.list().unwrap_or_else(|e| panic!("{e}"));
    let today = jiff::civil::date(2026, 1, 1);
    let dashboard = parkland::stats::dashboard(&park, &entries, today);

    // What `summary --json` writes: the park's figures with the ledger's beside them.
    let mut figures = json(&dashboard.park);
    if let Some(object) = figures.as_object_mut() {
        object.insert("ledger".to_owned(), json(&dashboard.ledger));
        object.insert(
            "plane_areas".to_owned(),
            json(&parkland::stats::plane_areas(&park)),
        );
    }
    let figures = serde_json::to_string(&figures).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(figures, cli);

    // The sample park's figures: 13 cases on 536 亩; 120 亩 and 44,000 m² revitalized. Five
    // of the 13 plots are revitalized, so 8 parcels are idle or low-efficiency now.
    let total = &dashboard.park.total;
    assert_eq!((total.parcels, total.idle_parcels), (357, 8));
    assert_eq!(dashboard.ledger.entries, 13);
    assert_eq!(
        format!("{:.2}", mu_from_m2(dashboard.ledger.idle_area_m2)),
        "536.00"
    );
    assert_eq!(
        format!("{:.2}", mu_from_m2(dashboard.ledger.revitalized_land_m2)),
        "120.00"
    );
    assert_eq!(
        format!("{:.2}", dashboard.ledger.revitalized_building_m2),
        "44000.00"
    );
    // The districts' rows add up to the totals.
    let entries_by_district: usize = dashboard.districts.iter().map(|d| d.entries).sum();
    assert_eq!(entries_by_district, 13);
    let land: f64 = dashboard
        .districts
        .iter()
        .map(|d| d.revitalized_land_m2)
        .sum();
    assert!((mu_from_m2(land) - 120.0).abs() < 1e-9, "{land}");
    // Every revitalized case of the sample has a completion date: the months hold it all.
    let by_month: f64 = dashboard.by_month.iter().map(|m| m.land_m2).sum();
    assert!((mu_from_m2(by_month) - 120.0).abs() < 1e-9, "{by_month}");
    assert_eq!(dashboard.undated.entries, 0);
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(feature = "gui")]
mod window {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;
    use parkland::ui::app::Startup;
    use parkland::ui::dashboard::MainView;
    use parkland::ui::{ParklandApp, install_fonts};

    /// The window on the sample park with a fresh ledger file of its own.
    fn harness(name: &str) -> Harness<'static, ParklandApp> {
        harness_with_ledger(super::scratch_dir(name).join("ledger.sqlite"))
    }

    fn harness_with_ledger(ledger: std::path::PathBuf) -> Harness<'static, ParklandApp> {
        let startup = Startup {
            ledger: Some(ledger.into()),
            ..Startup::default()
        };
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .with_context_setup(install_fonts)
            .build_eframe(move |cc| ParklandApp::new(cc, startup));
        harness.run_steps(3);
        harness
    }

    /// Clicks the 统计视图 tab and lets the side panels slide away.
    fn open_statistics(harness: &mut Harness<'_, ParklandApp>, tab: &str) {
        harness.get_by_label(tab).click();
        harness.run_steps(20);
        assert_eq!(harness.state().view, MainView::Stats);
    }

    #[test]
    fn the_statistics_tab_shows_the_sample_figures() {
        let mut harness = harness("figures");
        assert_eq!(
            harness.state().view,
            MainView::Map,
            "the window opens on the map"
        );
        open_statistics(&mut harness, "统计视图");
        assert!(harness.query_by_label("地图").is_none(), "the map gave way");
        // The cards: park area, parcels, idle land, revitalized land and floor.
        for figure in ["11.23 km²", "357 宗", "536.00 亩", "120.00 亩", "44,000 m²"] {
            harness.get_by_label(figure);
        }
        harness.get_by_label("13 件案件");
        harness.get_by_label("8 宗宗地");
        // The districts' table with the park's total row.
        for name in ["梁产城新区", "两江工业区", "吴溪工业区", "园区合计"] {
            assert!(harness.query_all_by_label(name).count() >= 1, "{name}");
        }
        harness.get_by_label("536.00");
        harness.get_by_label("44,000");
        // The charts' titles.
        harness.get_by_label("台账登记闲置低效用地（亩）");
        harness.get_by_label("处置方式（宗）");
        harness.get_by_label("盘活土地（亩）");

        // And back to the map in one click.
        harness.get_by_label("地图视图").click();
        harness.run_steps(20);
        assert_eq!(harness.state().view, MainView::Map);
        harness.get_by_label("地图");
    }

    #[test]
    fn clicking_an_alert_selects_its_parcel_on_the_map() {
        let mut harness = harness("alert");
        let fitted = harness
            .state()
            .state
            .camera
            .map(|c| c.m_per_point)
            .unwrap_or_default();
        open_statistics(&mut harness, "统计视图");
        let app = harness.state();
        let alerts = parkland::stats::alert_rows(&app.park, &app.ledger.entries, &app.standing);
        assert!(
            alerts.len() >= 2,
            "the sample ledger has alerts: {alerts:?}"
        );
        // The second row, so that the test does not pass by picking whatever comes first.
        let parcel_no = alerts[1].parcel_no.clone();
        let Some(index) = app.parcel_index(&parcel_no) else {
            panic!("{parcel_no} is a parcel of the sample");
        };
        assert_eq!(app.selection.primary(), None);

        // The 预警 table is at the foot of the view: scroll it into view first.
        harness
            .get_by_label("点击一行，在地图上查看该宗地")
            .scroll_to_me();
        harness.run_steps(3);
        harness.get_by_label(&parcel_no).click();
        harness.run_steps(20);
        let app = harness.state();
        assert_eq!(app.view, MainView::Map, "the map view is back");
        assert_eq!(app.selection.primary(), Some(index));
        let zoomed = app.state.camera.map(|c| c.m_per_point).unwrap_or_default();
        assert!(zoomed < fitted / 2.0, "zoomed in: {zoomed} vs {fitted}");
        harness.get_by_label("地图");
        // The parcel is in view, near the middle of the map.
        let (Some(pos), map) = (
            harness.state().parcel_ui_pos(index),
            harness.get_by_label("地图").rect(),
        ) else {
            panic!("laid out");
        };
        assert!(
            map.shrink2(map.size() / 4.0).contains(pos),
            "{pos:?} in {map:?}"
        );
    }

    #[test]
    fn the_statistics_view_speaks_english_too() {
        let mut harness = harness("english");
        harness.get_by_label("语言").click();
        harness.run_steps(2);
        harness.get_by_label("English").click();
        harness.run_steps(3);
        open_statistics(&mut harness, "Statistics");
        harness.get_by_label("Park statistics");
        harness.get_by_label("536.00 mu");
        harness.get_by_label("Idle & low-efficiency land registered (mu)");
        harness.get_by_label("Park total");
        assert!(harness.query_by_label("园区合计").is_none());
    }

    #[test]
    fn the_figures_follow_the_ledger() {
        let path = super::scratch_dir("follow").join("ledger.sqlite");
        let mut harness = harness_with_ledger(path.clone());
        open_statistics(&mut harness, "统计视图");
        harness.get_by_label("13 件案件");
        harness.get_by_label("536.00 亩");

        // Another user registers a 10 亩 case; the window reopens the ledger.
        let Some(parcel) = harness
            .state()
            .park
            .parcels
            .iter()
            .find(|p| !p.is_idle_or_low())
            .cloned()
        else {
            panic!("an in-use parcel");
        };
        let entry = parkland::model::LedgerEntry {
            parcel_no: parcel.parcel_no.clone(),
            district: parcel.district.clone(),
            idle_land_m2: parkland::units::m2_from_mu(10.0),
            ..parkland::model::LedgerEntry::default()
        };
        let mut other = parkland::ledger::Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
        other
            .create(&entry, None, "another user")
            .unwrap_or_else(|e| panic!("{e}"));
        drop(other);
        harness
            .state_mut()
            .send(parkland::ui::app::Command::OpenLedger(path));
        harness.run_steps(3);
        assert_eq!(harness.state().view, MainView::Stats);
        harness.get_by_label("14 件案件");
        harness.get_by_label("546.00 亩");
    }
}
