//! The import windows, driven headless with `egui_kittest`: a ledger table with one edited
//! case, a file with a problem that must write nothing, an unreadable file, and enterprise
//! figures whose 亩均税收 the 统计 view shows as `parkland enterprise summary --json` does.
//! No file dialog opens: the tests send the preview commands the menu sends after it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use parkland::export::{LEDGER_HEADERS, LedgerTable, write_ledger_xlsx};
use parkland::formats::sheet::Cell;
use parkland::ledger::import::Column;
use parkland::model::{Lang, Progress};
use parkland::ui::ParklandApp;
use parkland::ui::app::Command;
use parkland::ui::dashboard::MainView;
use std::path::{Path, PathBuf};

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("parkland-import-ui-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    ok(std::fs::create_dir_all(&dir));
    dir
}

/// The window on the sample park with a fresh ledger file in `dir`.
fn harness(dir: &Path) -> Harness<'static, ParklandApp> {
    crate::ui::window_with_ledger(&dir.join("ledger.sqlite"))
}

/// Sends a command and lets a window it opens settle (a new table takes a few frames to
/// find its size), so that clicks land where the buttons are.
fn send(harness: &mut Harness<'_, ParklandApp>, command: Command) {
    harness.state_mut().send(command);
    harness.run_steps(8);
}

/// Cases and events in the window's ledger.
fn ledger_counts(harness: &Harness<'_, ParklandApp>) -> (usize, i64) {
    let app = harness.state();
    let Some(store) = &app.ledger.file else {
        panic!("the ledger is open");
    };
    (ok(store.list()).len(), ok(store.event_count()))
}

/// The export's table of the window's ledger written with `rust_xlsxwriter`, the headers in
/// the first row, after `edit` changed its cells.
fn write_edited_table(
    harness: &Harness<'_, ParklandApp>,
    path: &Path,
    edit: impl FnOnce(&mut Vec<Vec<Cell>>),
) {
    let app = harness.state();
    let mut rows = LedgerTable::new(&app.ledger.entries, &app.park).rows;
    edit(&mut rows);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, title) in (0u16..).zip(LEDGER_HEADERS) {
        ok(sheet.write_string(0, col, title));
    }
    for (row, cells) in (1u32..).zip(&rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) => {
                    ok(sheet.write_string(row, col, text));
                }
                Cell::Number(value, _) => {
                    ok(sheet.write_number(row, col, *value));
                }
            }
        }
    }
    ok(workbook.save(path));
}

/// The first case that can take a plain step on, its row in the table, and the progress it moves to.
fn case_to_move(harness: &Harness<'_, ParklandApp>) -> (usize, i64, Progress, Progress) {
    harness
        .state()
        .ledger
        .entries
        .iter()
        .enumerate()
        .find_map(|(i, stored)| {
            let from = stored.entry.progress;
            // A step that needs no other cell filled in (盘活 needs the areas).
            [
                Progress::Identified,
                Progress::Disposing,
                Progress::Disposed,
            ]
            .iter()
            .find(|&&to| to != from && from.can_move_to(to))
            .map(|&to| (i, stored.id, from, to))
        })
        .unwrap_or_else(|| panic!("the sample ledger has a case that can move on"))
}

#[test]
fn an_edited_progress_is_previewed_and_imported_with_one_event() {
    let dir = scratch_dir("progress");
    let mut harness = harness(&dir);
    let (cases, events) = ledger_counts(&harness);
    assert_eq!(cases, 13);

    // The core export read back: every row unchanged; 取消 closes the window.
    let exported = dir.join("exported.xlsx");
    {
        let app = harness.state();
        ok(write_ledger_xlsx(
            &LedgerTable::new(&app.ledger.entries, &app.park),
            &exported,
        ));
    }
    send(&mut harness, Command::PreviewLedgerImport(exported));
    harness.get_by_label("更新 0");
    harness.get_by_label("无变化 13");
    harness.get_by_label("取消").click();
    harness.run_steps(3);
    assert!(harness.state().import.is_none());
    assert_eq!(ledger_counts(&harness), (cases, events));

    // One case moved on in the file.
    let (row, id, from, to) = case_to_move(&harness);
    let edited = dir.join("edited.xlsx");
    write_edited_table(&harness, &edited, |rows| {
        rows[row][Column::Progress as usize] = Cell::Text(to.label(Lang::Zh).to_owned());
    });
    send(&mut harness, Command::PreviewLedgerImport(edited));
    harness.get_by_label("新增 0");
    harness.get_by_label("更新 1");
    harness.get_by_label("无变化 12");
    harness.get_by_label("问题 0");
    harness.get_by_label(&format!(
        "处置进度：{} → {}",
        from.label(Lang::Zh),
        to.label(Lang::Zh)
    ));

    harness.get_by_label("导入").click();
    harness.run_steps(3);
    let app = harness.state();
    assert!(app.import.is_none(), "the window closed");
    let Some(stored) = app.ledger.entries.iter().find(|e| e.id == id) else {
        panic!("case {id} is still there");
    };
    assert_eq!(
        stored.entry.progress, to,
        "the window's ledger was reloaded"
    );
    assert_eq!(ledger_counts(&harness), (cases, events + 1));
    harness.get_by_label("台账已导入");
    harness.get_by_label("新增 0 宗，更新 1 宗，无变化 12 宗。");
}

#[test]
fn a_bad_method_is_shown_and_import_writes_nothing() {
    let dir = scratch_dir("bad-method");
    let mut harness = harness(&dir);
    let before = ledger_counts(&harness);
    let (row, _, _, to) = case_to_move(&harness);
    let path = dir.join("bad.xlsx");
    write_edited_table(&harness, &path, |rows| {
        rows[row][Column::Progress as usize] = Cell::Text(to.label(Lang::Zh).to_owned());
        rows[row][Column::Methods as usize] = Cell::Text("返租共管、卖掉".to_owned());
    });
    send(&mut harness, Command::PreviewLedgerImport(path));
    harness.get_by_label("问题 1");
    // The problem beside its row, naming the column.
    harness.get_by_label_contains("处置方式：未知处置方式“卖掉”");
    harness.get_by_label("有 1 个问题，不能导入");

    harness.get_by_label("导入").click();
    harness.run_steps(3);
    // Even a command sent past the disabled button writes nothing.
    send(
        &mut harness,
        Command::FinishImport(parkland::ui::app::ImportDecision::Import),
    );
    assert!(harness.state().import.is_some(), "the window stays open");
    assert_eq!(ledger_counts(&harness), before);
    assert!(harness.state().notices.is_empty());
}

#[test]
fn an_unreadable_file_is_reported_by_name() {
    let dir = scratch_dir("unreadable");
    let mut harness = harness(&dir);
    let before = ledger_counts(&harness);
    let path = dir.join("missing.xlsx");
    send(&mut harness, Command::PreviewLedgerImport(path.clone()));
    assert!(harness.state().import.is_none());
    assert_eq!(harness.state().notices.len(), 1);
    harness.get_by_label(&format!("无法导入 {}", path.display()));

    // A table that is not the ledger: no header row.
    let other = dir.join("other.csv");
    ok(std::fs::write(&other, "a,b\n1,2\n"));
    send(
        &mut harness,
        Command::PreviewEnterpriseImport(other.clone()),
    );
    assert!(harness.state().import.is_none());
    harness.get_by_label(&format!("无法导入 {}", other.display()));
    assert_eq!(ledger_counts(&harness), before);
}

/// Two enterprises of the sample park for 2024 and one of them for 2023, and one enterprise
/// with no parcel.
fn write_figures(harness: &Harness<'_, ParklandApp>, path: &Path) {
    let park = &harness.state().park;
    let mut holders: Vec<String> = Vec::new();
    for district in ["LCX", "WX"] {
        let holder = park
            .parcels
            .iter()
            .filter(|p| p.district.as_deref() == Some(district))
            .find_map(|p| p.holder.clone())
            .unwrap_or_else(|| panic!("the sample has holders in {district}"));
        holders.push(holder);
    }
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, title) in (0u16..).zip(["企业名称", "年度", "产值(万元)", "税收(万元)", "投资(万元)"])
    {
        ok(sheet.write_string(0, col, title));
    }
    let rows = [
        (holders[0].as_str(), 2024.0, 12_345.0, 678.9, 10.0),
        (holders[1].as_str(), 2024.0, 2_500.0, 75.5, 0.0),
        (holders[0].as_str(), 2023.0, 9_000.0, 400.0, 0.0),
        ("秦岭无地科技有限公司", 2024.0, 900.0, 30.0, 0.0),
    ];
    for (row, (name, year, output, tax, investment)) in (1u32..).zip(rows) {
        ok(sheet.write_string(row, 0, name));
        for (col, value) in (1u16..).zip([year, output, tax, investment]) {
            ok(sheet.write_number(row, col, value));
        }
    }
    ok(workbook.save(path));
}

#[test]
fn imported_enterprise_figures_show_in_the_statistics_as_the_cli_prints_them() {
    let dir = scratch_dir("enterprise");
    let mut harness = harness(&dir);
    let path = dir.join("企业指标.xlsx");
    write_figures(&harness, &path);
    send(&mut harness, Command::PreviewEnterpriseImport(path));
    harness.get_by_label("共 4 行");
    harness.get_by_label("关联宗地 3");
    harness.get_by_label("无宗地企业 1");
    harness.get_by_label("问题 0");
    harness.get_by_label("导入").click();
    harness.run_steps(3);
    assert!(harness.state().import.is_none());
    harness.get_by_label("企业指标已导入");

    // What the CLI prints for the same ledger file (the latest year).
    let output = ok(std::process::Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(["enterprise", "summary", "--json", "--ledger"])
        .arg(dir.join("ledger.sqlite"))
        .env("HOME", &dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .output());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli = String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned();
    let json: serde_json::Value = ok(serde_json::from_str(&cli));
    assert_eq!(json["year"], 2024);
    // The window's figures come from the same core function over the same rows.
    {
        let app = harness.state();
        let Some(store) = &app.ledger.file else {
            panic!("open")
        };
        let yields = parkland::stats::enterprise_yields(
            &app.park,
            &ok(store.enterprise_figures(Some(2024))),
            2024,
        );
        assert_eq!(ok(serde_json::to_string(&yields)), cli);
    }

    harness.get_by_label("统计视图").click();
    harness.run_steps(20);
    assert_eq!(harness.state().view, MainView::Stats);
    harness.get_by_label("亩均税收");
    harness.get_by_label("亩均产值");
    // Several years: a selector, on the latest.
    assert!(harness.query_all_by_label("企业指标年度").count() >= 1);
    let per_mu = |row: &serde_json::Value, key: &str| {
        let Some(value) = row[key].as_f64() else {
            panic!("{key} in {row}");
        };
        format!("{value:.2}")
    };
    let mut shown = 0;
    for row in json["districts"]
        .as_array()
        .into_iter()
        .flatten()
        .chain([&json["total"]])
    {
        if row["tax_per_mu"].is_null() {
            continue;
        }
        for key in ["tax_per_mu", "output_per_mu"] {
            let text = per_mu(row, key);
            assert!(
                harness.query_all_by_label(&text).count() >= 1,
                "{} {key} {text} is shown",
                row["name"]
            );
        }
        shown += 1;
    }
    assert_eq!(shown, 3, "two districts with figures and the park");
}

#[test]
fn opening_another_ledger_drops_a_preview_made_against_this_one() {
    let dir = scratch_dir("switch");
    let mut harness = harness(&dir);
    let exported = dir.join("exported.xlsx");
    {
        let app = harness.state();
        ok(write_ledger_xlsx(
            &LedgerTable::new(&app.ledger.entries, &app.park),
            &exported,
        ));
    }
    send(&mut harness, Command::PreviewLedgerImport(exported));
    harness.get_by_label("无变化 13");
    // Another ledger: the preview's case ids and versions belong to the first one.
    send(&mut harness, Command::OpenLedger(dir.join("other.sqlite")));
    assert!(
        harness.query_by_label("无变化 13").is_none(),
        "the preview is gone"
    );
    let before = ledger_counts(&harness);
    send(
        &mut harness,
        Command::FinishImport(parkland::ui::app::ImportDecision::Import),
    );
    assert_eq!(
        ledger_counts(&harness),
        before,
        "nothing written to the other ledger"
    );
}
