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
    }
    let figures = serde_json::to_string(&figures).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(figures, cli);

    // The sample park's figures: 13 cases on 536 亩; 120 亩 and 44,000 m² revitalized.
    let total = &dashboard.park.total;
    assert_eq!((total.parcels, total.idle_parcels), (357, 13));
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
