//! A day's work in the window (issue 11), driven headless with `egui_kittest`: registering a
//! parcel that has an open case, the 定位 box, the hover tooltip, the context menu, voiding
//! and correcting a case, undo refused after another person's change, and the built-in file
//! dialog.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use parkland::ledger::{Action, Ledger};
use parkland::model::Progress;
use parkland::ui::ParklandApp;
use parkland::ui::app::Command;

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-day-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn harness(name: &str) -> Harness<'static, ParklandApp> {
    crate::ui::window_with_ledger(&scratch_dir(name).join("ledger.sqlite"))
}

fn index_of(harness: &Harness<'_, ParklandApp>, parcel_no: &str) -> usize {
    harness
        .state()
        .parcel_index(parcel_no)
        .unwrap_or_else(|| panic!("{parcel_no} is a sample parcel"))
}

fn case_of(harness: &Harness<'_, ParklandApp>, parcel_no: &str) -> parkland::ledger::StoredEntry {
    harness
        .state()
        .ledger
        .entries
        .iter()
        .find(|c| c.entry.parcel_no == parcel_no)
        .cloned()
        .unwrap_or_else(|| panic!("{parcel_no} has a case"))
}

fn press(harness: &mut Harness<'_, ParklandApp>, pos: egui::Pos2, button: egui::PointerButton) {
    harness.hover_at(pos);
    harness.run_steps(1);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run_steps(3);
}

fn type_into(harness: &mut Harness<'_, ParklandApp>, label: &str, text: &str) {
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, label);
    field.scroll_to_me();
    harness.run_steps(6);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .focus();
    harness.run_steps(1);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .type_text(text);
    harness.run_steps(2);
}

#[test]
fn registering_a_parcel_with_an_open_case_opens_that_case() {
    let mut harness = harness("open-case");
    let case = case_of(&harness, "LJ-3302");
    assert!(parkland::standing::is_open(&case.entry));
    harness
        .state_mut()
        .send(Command::ShowParcel("LJ-3302".into()));
    harness.run_steps(3);
    harness.get_by_label("登记闲置/低效").click();
    harness.run_steps(3);
    let app = harness.state();
    let form = app.ledger.form.as_ref().unwrap_or_else(|| panic!("a form"));
    assert_eq!(form.editing.map(|e| e.0), Some(case.id), "the open case");
    harness.get_by_label_contains("已有未结案件");
    harness.get_by_label("保存").click();
    harness.run_steps(3);
    assert_eq!(harness.state().ledger.entries.len(), 13, "no second case");
}

#[test]
fn the_locate_box_finds_zooms_to_and_selects_a_parcel() {
    let mut harness = harness("locate");
    let before = harness
        .state()
        .state
        .camera
        .map(|c| c.m_per_point)
        .unwrap_or_default();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "定位")
        .type_text("lj-330");
    harness.run_steps(2);
    // The list under the box: every parcel number with the text, holders beside them.
    assert!(harness.query_by_label_contains("LJ-3301  ").is_some());
    assert!(harness.query_by_label_contains("LJ-3302  ").is_some());
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(5);
    let index = index_of(&harness, "LJ-3302");
    let app = harness.state();
    assert_eq!(app.selection.primary(), Some(index));
    let zoomed = app.state.camera.map(|c| c.m_per_point).unwrap_or_default();
    assert!(zoomed < before / 2.0, "zoomed in: {zoomed} vs {before}");
    // Part of a holder's name finds the parcel too.
    let holder: String = app.park.parcels[7]
        .holder
        .clone()
        .unwrap_or_default()
        .chars()
        .skip(2)
        .take(4)
        .collect();
    assert!(parkland::ui::locate::matches(&app.park, &holder).contains(&7));
}

#[test]
fn hovering_a_parcel_shows_its_number_holder_area_and_case() {
    let mut harness = harness("tooltip");
    // Tooltips at once, as after the pointer has rested.
    harness.ctx.all_styles_mut(|s| {
        s.interaction.tooltip_delay = 0.0;
        s.interaction.show_tooltips_only_when_still = false;
    });
    let index = index_of(&harness, "LJ-3302");
    harness
        .state_mut()
        .send(Command::ShowParcel("LJ-3302".into()));
    harness.run_steps(3);
    let pos = harness
        .state()
        .parcel_ui_pos(index)
        .unwrap_or_else(|| panic!("laid out"));
    let case = case_of(&harness, "LJ-3302");
    for _ in 0..60 {
        harness.hover_at(pos);
        harness.run_steps(1);
        if harness
            .query_by_label(&format!(
                "台账 #{}: {}",
                case.id,
                case.entry.progress.label(parkland::model::Lang::Zh)
            ))
            .is_some()
        {
            break;
        }
    }
    let label = format!("台账 #{}: 处置中", case.id);
    assert_eq!(case.entry.progress, Progress::Disposing);
    harness.get_by_label(&label);
    let mu = harness.state().park.parcels[index].area_m2 * 15.0 / 10_000.0;
    harness.get_by_label(&format!("{} 亩", parkland::units::group_thousands(mu, 2)));
    let holder = harness.state().park.parcels[index]
        .holder
        .clone()
        .unwrap_or_default();
    assert!(harness.query_all_by_label(&holder).count() >= 1);
}

#[test]
fn the_context_menu_zooms_to_a_parcel() {
    let mut harness = harness("context");
    let index = index_of(&harness, "WX-0803");
    let before = harness
        .state()
        .state
        .camera
        .map(|c| c.m_per_point)
        .unwrap_or_default();
    let pos = harness
        .state()
        .parcel_ui_pos(index)
        .unwrap_or_else(|| panic!("laid out"));
    press(&mut harness, pos, egui::PointerButton::Secondary);
    harness.get_by_label("复制宗地编号");
    harness.get_by_label("查看历史");
    harness.get_by_label("编辑台账");
    harness.get_by_label("缩放至").click();
    harness.run_steps(5);
    let app = harness.state();
    assert_eq!(app.selection.primary(), Some(index));
    let zoomed = app.state.camera.map(|c| c.m_per_point).unwrap_or_default();
    assert!(zoomed < before / 2.0, "zoomed in: {zoomed} vs {before}");
}

#[test]
fn voiding_a_case_needs_a_reason_and_takes_it_out_of_every_figure() {
    let mut harness = harness("void");
    let case = case_of(&harness, "LJ-3302");
    harness.state_mut().send(Command::EditCase(case.id));
    // The form window takes a few frames to settle at its size.
    harness.run_steps(10);
    harness.get_by_label("作废").click();
    harness.run_steps(3);
    harness.get_by_label_contains("请填写作废原因");
    assert_eq!(harness.state().ledger.entries.len(), 13, "nothing voided");
    type_into(&mut harness, "原因", "重复录入");
    assert!(
        harness.query_by_label_contains("请填写作废原因").is_none(),
        "the message goes once there is a reason"
    );
    harness.get_by_label("作废").click();
    harness.run_steps(3);
    let app = harness.state();
    assert!(app.ledger.form.is_none());
    assert_eq!(app.ledger.entries.len(), 12);
    assert_eq!(app.ledger.voided.len(), 1);
    let summary = parkland::stats::ledger_summary(&app.ledger.entries);
    assert_eq!(summary.entries, 12);
    // The parcel panel offers to restore it, and its history says why.
    harness
        .state_mut()
        .send(Command::ShowParcel("LJ-3302".into()));
    harness.run_steps(3);
    harness.get_by_label_contains("作废  处置中");
    harness.get_by_label_contains("原因: 重复录入");
    harness.get_by_label("恢复").click();
    harness.run_steps(3);
    assert_eq!(harness.state().ledger.entries.len(), 13);
}

#[test]
fn a_correction_moves_progress_back_with_a_reason() {
    let mut harness = harness("correct");
    let Some(case) = harness
        .state()
        .ledger
        .entries
        .iter()
        .find(|c| c.entry.progress == Progress::Disposed)
        .cloned()
    else {
        panic!("a disposed case");
    };
    harness.state_mut().send(Command::EditCase(case.id));
    // The form window takes a few frames to settle at its size.
    harness.run_steps(10);
    harness.get_by_label("更正（可回退进度）").click();
    harness.run_steps(2);
    // The progress list now offers the earlier steps.
    let combo = harness.get_by_role_and_label(egui::accesskit::Role::ComboBox, "处置进度");
    combo.scroll_to_me();
    harness.run_steps(6);
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "处置进度")
        .click();
    harness.run_steps(2);
    // The last 处置中 on screen is the list's (the ledger table has some too).
    let count = harness.query_all_by_label("处置中").count();
    harness
        .query_all_by_label("处置中")
        .nth(count - 1)
        .unwrap_or_else(|| panic!("the option"))
        .click();
    harness.run_steps(2);
    harness.get_by_label("保存").click();
    harness.run_steps(3);
    harness.get_by_label_contains("请填写更正原因");
    type_into(&mut harness, "原因", "误报已处置");
    harness.get_by_label("保存").click();
    harness.run_steps(3);
    let app = harness.state();
    assert!(app.ledger.form.is_none(), "saved");
    let Some(saved) = app.ledger.entries.iter().find(|c| c.id == case.id) else {
        panic!("case")
    };
    assert_eq!(saved.entry.progress, Progress::Disposing);
    let history = app.ledger.history(&case.entry.parcel_no);
    assert_eq!(history[0].action, Action::Correct.code());
    assert_eq!(history[0].reason.as_deref(), Some("误报已处置"));
    harness
        .state_mut()
        .send(Command::ShowParcel(case.entry.parcel_no.clone()));
    harness.run_steps(3);
    harness.get_by_label_contains("进度 已处置 → 处置中");
}

#[test]
fn undo_is_refused_after_another_connection_changed_the_case() {
    let path = scratch_dir("undo").join("ledger.sqlite");
    let mut harness = crate::ui::window_with_ledger(&path);
    let case = case_of(&harness, "LJ-3302");
    harness.state_mut().send(Command::EditCase(case.id));
    // The form window takes a few frames to settle at its size.
    harness.run_steps(10);
    type_into(&mut harness, "备注", "甲的修改");
    harness.get_by_label("保存").click();
    harness.run_steps(3);
    assert!(harness.state().ledger.form.is_none(), "saved");
    // Another person, on another connection, changes the same case.
    let mut other = Ledger::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let current = other
        .get(case.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("case"));
    let mut theirs = current.entry.clone();
    theirs.notes = "乙的修改".into();
    other
        .update(case.id, current.version, &theirs, "乙", Action::Update)
        .unwrap_or_else(|e| panic!("{e}"));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(3);
    let app = harness.state();
    let error = app.ledger.error.clone().unwrap_or_default();
    assert!(error.contains("乙"), "{error}");
    let stored = other
        .get(case.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("case"));
    assert_eq!(stored.entry.notes, "乙的修改", "not overwritten");
    assert_eq!(
        app.ledger.form.as_ref().map(|f| f.entry.notes.as_str()),
        Some("乙的修改"),
        "the newer values are shown"
    );
    assert!(harness.query_all_by_label_contains("此记录已被 乙").count() >= 1);
}

#[test]
fn with_no_system_dialog_the_built_in_one_opens_a_parcel_file() {
    let mut harness = harness("dialog");
    let dir = scratch_dir("dialog-files");
    let source =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_parcels/parcels.geojson");
    std::fs::copy(&source, dir.join("own.geojson")).unwrap_or_else(|e| panic!("{e}"));
    harness.get_by_label("文件").click();
    harness.run_steps(2);
    harness.get_by_label("打开宗地…").click();
    harness.run_steps(3);
    harness.get_by_label_contains("此桌面没有系统文件对话框");
    if let Some(dialog) = harness.state_mut().file_dialog.as_mut() {
        dialog.enter(&dir);
    }
    harness.run_steps(2);
    harness.get_by_label("own.geojson").click();
    harness.run_steps(2);
    harness.get_by_label("打开").click();
    harness.run_steps(3);
    assert!(harness.state().file_dialog.is_none(), "the dialog closed");
    let start = std::time::Instant::now();
    while harness.state().is_loading() {
        assert!(start.elapsed() < std::time::Duration::from_mins(1));
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.run_steps(1);
    }
    harness.run_steps(2);
    assert_eq!(harness.state().park.parcels.len(), 357);
    // Cancelling says nothing and changes nothing.
    harness.get_by_label("文件").click();
    harness.run_steps(2);
    harness.get_by_label("导出 GeoPackage…").click();
    harness.run_steps(3);
    harness.get_by_label("取消").click();
    harness.run_steps(2);
    assert!(harness.state().file_dialog.is_none());
}

#[test]
fn the_date_picker_speaks_the_interface_language() {
    let mut harness = harness("date");
    let Some(case) = harness
        .state()
        .ledger
        .entries
        .iter()
        .find(|c| c.entry.deadline == Some(jiff::civil::date(2025, 12, 31)))
        .cloned()
    else {
        panic!("a case due 2025-12-31");
    };
    harness.state_mut().send(Command::EditCase(case.id));
    harness.run_steps(10);
    let button = harness.get_by_role_and_label(egui::accesskit::Role::Button, "2025-12-31");
    button.scroll_to_me();
    harness.run_steps(6);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "2025-12-31")
        .click();
    harness.run_steps(3);
    harness.get_by_label("2025年12月");
    for name in ["一", "三", "六"] {
        assert!(harness.query_all_by_label(name).count() >= 1, "{name}");
    }
    harness.get_by_label("确定");
    let fifteen = harness.query_all_by_label("15").count();
    harness
        .query_all_by_label("15")
        .nth(fifteen - 1)
        .unwrap_or_else(|| panic!("the 15th"))
        .click();
    harness.run_steps(2);
    harness.get_by_label("确定").click();
    harness.run_steps(3);
    let form = harness
        .state()
        .ledger
        .form
        .as_ref()
        .unwrap_or_else(|| panic!("form"));
    assert_eq!(form.entry.deadline, Some(jiff::civil::date(2025, 12, 15)));
    assert!(harness.query_by_label("2025年12月").is_none(), "closed");
}

#[test]
fn selecting_a_parcel_does_not_move_the_map() {
    let mut harness = harness("still");
    let before = harness.get_by_label("地图").rect();
    // The parcel with the longest holder name, the one most likely to widen the panel.
    let index = (0..harness.state().park.parcels.len())
        .max_by_key(|&i| {
            harness.state().park.parcels[i]
                .holder
                .as_deref()
                .map_or(0, |h| h.chars().count())
        })
        .unwrap_or(0);
    harness.state_mut().send(Command::Select(Some(index)));
    harness.run_steps(5);
    assert_eq!(harness.state().selection.primary(), Some(index));
    let after = harness.get_by_label("地图").rect();
    assert_eq!(before, after, "the map keeps its place and size");
    // In English too: the panels take their English widths once, then hold still.
    harness
        .state_mut()
        .send(Command::SetLang(parkland::model::Lang::En));
    harness.state_mut().send(Command::Select(None));
    harness.run_steps(5);
    let english = harness.get_by_label("Map").rect();
    assert!(english.width() > 600.0, "{english:?}");
    harness.state_mut().send(Command::Select(Some(index)));
    harness.run_steps(5);
    assert_eq!(harness.get_by_label("Map").rect(), english);
}

#[test]
fn menus_show_the_shortcuts_the_keyboard_answers_to() {
    let mut harness = harness("shortcuts");
    // The 台账 menu (the bottom panel has a 台账 tab too: the menu is the first).
    harness
        .query_all_by_label("台账")
        .next()
        .unwrap_or_else(|| panic!("the 台账 menu"))
        .click();
    harness.run_steps(2);
    // The labels come from the one list of shortcuts (ui::app::command::SHORTCUTS).
    harness.get_by_label("撤销 (Ctrl+Z)");
    harness.get_by_label("重做 (Ctrl+Shift+Z)");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    harness.get_by_label("视图").click();
    harness.run_steps(2);
    harness.get_by_label("全图显示 (Home)");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    // And the keys do what the labels say: Ctrl+F puts the keyboard in the 定位 box.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    assert!(
        harness
            .get_by_role_and_label(egui::accesskit::Role::TextInput, "定位")
            .is_focused()
    );
}
