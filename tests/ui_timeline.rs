//! The window's 时间轴 (issue 15): the ledger as of a past day, rebuilt off the UI thread,
//! colours the map, fills the table and the figures, and cannot be edited; "today" comes
//! back; the 统计 view compares two dates and exports the comparison.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use jiff::civil::date;
use parkland::model::{ParcelStatus, Progress};
use parkland::ui::ParklandApp;
use parkland::ui::app::Command;
use parkland::ui::dashboard::MainView;
use std::time::{Duration, Instant};

fn window(name: &str) -> Harness<'static, ParklandApp> {
    let dir = std::env::temp_dir().join(format!("parkland-timeline-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    crate::ui::window_with_ledger(&dir.join("ledger.sqlite"))
}

/// Runs frames until `done` (the rebuild is on its own thread), failing after ten seconds.
fn until(harness: &mut Harness<'_, ParklandApp>, done: impl Fn(&ParklandApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < Duration::from_secs(10), "not in time");
        harness.run_steps(1);
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run_steps(2);
}

fn revitalized(app: &ParklandApp) -> usize {
    app.ledger
        .entries
        .iter()
        .filter(|c| c.entry.progress == Progress::Revitalized)
        .count()
}

/// The end of 2024: every case registered, none revitalized yet; the map's colours and the
/// figures follow, the form and the register buttons are gone, and 今天 brings the present back.
#[test]
fn a_past_day_colours_the_map_and_cannot_be_edited() {
    let mut window = window("past");
    assert_eq!(revitalized(window.state()), 5, "today: five revitalized");
    let parcel = window
        .state()
        .ledger
        .entries
        .iter()
        .find(|c| c.entry.progress == Progress::Revitalized)
        .map(|c| c.entry.parcel_no.clone())
        .expect("a revitalized case");
    let index = window.state().parcel_index(&parcel).expect("parcel");
    assert_eq!(
        window.state().standing.status(index),
        Some(ParcelStatus::Revitalized)
    );
    window.state_mut().send(Command::Select(Some(index)));
    window.run_steps(2);
    window.get_by_label("编辑台账");
    // Its history shows the step to 已盘活 (recorded in 2025).
    assert!(window.query_all_by_label_contains("已盘活  #").count() > 0);

    window
        .state_mut()
        .send(Command::ShowAsOf(Some(date(2024, 12, 31))));
    window.run_steps(1);
    until(&mut window, |app| app.ledger.rebuilding.is_none());
    let app = window.state();
    assert_eq!(app.ledger.entries.len(), 13);
    assert_eq!(
        revitalized(app),
        0,
        "nothing revitalized by the end of 2024"
    );
    assert_ne!(
        app.standing.status(index),
        Some(ParcelStatus::Revitalized),
        "the map's colour is the day's"
    );
    assert!(!app.ledger.may_edit(), "editing only now");
    window.get_by_label("正在查看 2024-12-31 日终的台账（只读）");
    // The history as it was by then: no step of 2025.
    assert_eq!(window.query_all_by_label_contains("已盘活  #").count(), 0);
    assert!(
        window.query_by_label("编辑台账").is_none(),
        "no edit button"
    );

    window.get_by_label("今天").click();
    window.run_steps(3);
    assert_eq!(revitalized(window.state()), 5, "the present is back");
    assert_eq!(
        window.state().standing.status(index),
        Some(ParcelStatus::Revitalized)
    );
    assert!(window.state().ledger.may_edit());
}

/// Dates asked one after another faster than they are rebuilt: the last one asked is shown.
#[test]
fn the_last_day_asked_is_the_one_shown() {
    let mut window = window("latest");
    for day in [
        date(2024, 3, 1),
        date(2025, 12, 31),
        date(2024, 6, 30),
        date(2025, 4, 1),
    ] {
        window.state_mut().send(Command::ShowAsOf(Some(day)));
        window.run_steps(1);
    }
    until(&mut window, |app| app.ledger.rebuilding.is_none());
    let app = window.state();
    assert_eq!(app.ledger.as_of, Some(date(2025, 4, 1)));
    // By 2025-04-01 one case was revitalized: the one completed on 2025-03-20 (recorded on
    // 03-23); the next was recorded on 04-23.
    assert_eq!(
        revitalized(app),
        1,
        "{:?}",
        app.ledger
            .entries
            .iter()
            .map(|c| c.entry.progress)
            .collect::<Vec<_>>()
    );
}

/// 统计 → 年度对比 of the ends of 2024 and 2025: its total shows the 120 亩 and 44,000 m²
/// revitalized in 2025, and 导出 writes the same tables as a workbook.
#[test]
fn the_statistics_compare_two_year_ends_and_export_them() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut window = window("compare");
    window.state_mut().send(Command::SetView(MainView::Stats));
    window.run_steps(2);
    assert!(
        window.state().ledger.compare.iter().all(Option::is_none),
        "nothing rebuilt while the comparison is closed"
    );
    // Below the alerts: scrolled to, then opened.
    window.get_by_label("年度对比").scroll_to_me();
    window.run_steps(2);
    window.get_by_label("年度对比").click_accesskit();
    window.run_steps(3);
    assert!(
        window.state().ledger.compare.iter().all(Option::is_some),
        "opened: both dates asked for"
    );
    window
        .state_mut()
        .send(Command::SetCompareDate(0, date(2024, 12, 31)));
    window
        .state_mut()
        .send(Command::SetCompareDate(1, date(2025, 12, 31)));
    window.run_steps(1);
    until(&mut window, |app| {
        app.ledger
            .compare
            .iter()
            .all(|side| side.as_ref().is_some_and(|(_, c)| c.is_some()))
    });
    window.get_by_label_contains("年度对比：盘活 2024-12-31 → 2025-12-31");
    // 期末 and 增减 of the total row.
    assert!(window.get_all_by_label("120.00").count() >= 2);
    assert!(window.get_all_by_label("44,000").count() >= 2);

    let path = std::env::temp_dir().join(format!("parkland-compare-{}.xlsx", std::process::id()));
    window
        .state_mut()
        .send(Command::ExportComparison(path.clone()));
    window.run_steps(2);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap_or_else(|e| panic!("{e}"));
    let sheet = book
        .worksheet_range("盘活对比")
        .unwrap_or_else(|e| panic!("{e}"));
    let total = sheet
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(t)) if t == "园区合计"))
        .map_or_else(|| panic!("the total row"), <[Data]>::to_vec);
    assert!(
        matches!(total.get(3), Some(Data::Float(v)) if (v - 120.0).abs() < 0.005),
        "{total:?}"
    );
}
