//! Reading the county ledger table back: round trips of the export, an edited cell, bad rows
//! that must write nothing, CSV, stale previews, and the `ledger import` command.

use crate::conformance::Subject;
use parkland::export::{LEDGER_HEADERS, LedgerTable, write_ledger_csv, write_ledger_xlsx};
use parkland::formats::sheet::Cell;
use parkland::ledger::import::{Column, ImportError, LedgerImportPreview, RowAction, preview};
use parkland::ledger::{Action, Ledger, LedgerError, StoredEntry};
use parkland::model::{DisposalMethod, IdleKind, IdleSubtype, Park, Progress};
use parkland::units::{m2_from_mu, mu_from_m2};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh folder of its own for each call: a test runs on a file and on a server at once,
/// and the two wrote one `bad.xlsx` over the other.
fn scratch_dir(name: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "parkland-import-{}-{call}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

/// The sample park and its 13 cases in the ledger under test (a file or a server).
fn sample(subject: &Subject) -> (Park, Ledger) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    crate::conformance::seed(subject, &mut ledger, &park);
    (park, ledger)
}

// The imports that write to the ledger run on both back ends (see `conformance`).
conformance!(
    an_exported_ledger_reads_back_unchanged_on_every_row,
    an_edited_progress_cell_updates_exactly_that_case_with_an_event,
    a_file_with_bad_rows_lists_every_problem_and_writes_nothing,
    rules_and_progress_steps_are_checked_before_anything_is_written,
    csv_import_adds_a_new_case_and_reads_gb18030,
    a_case_changed_after_the_preview_refuses_the_whole_import,
);

/// A cell to write with `rust_xlsxwriter`, as an office would have it.
#[derive(Debug, Clone)]
enum X {
    Text(String),
    Number(f64),
    Date(u16, u8, u8),
}

fn x_from(cell: &Cell) -> X {
    match cell {
        Cell::Text(text) => X::Text(text.clone()),
        Cell::Number(value, _) => X::Number(*value),
    }
}

/// Writes a workbook like the ones offices keep: a title and a date line above the headers,
/// numbers as numbers, deadlines as real Excel dates.
fn write_office_xlsx(path: &Path, rows: &[Vec<X>]) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    ok(sheet.set_name("2025年台账"));
    ok(sheet.write_string(0, 0, "梁山县工业园区低效闲置工业用地台账"));
    ok(sheet.write_string(1, 0, "填报日期：2025年6月30日"));
    for (col, title) in (0u16..).zip(LEDGER_HEADERS) {
        ok(sheet.write_string(2, col, title));
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (row, cells) in (3u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                X::Text(text) => {
                    ok(sheet.write_string(row, col, text));
                }
                X::Number(value) => {
                    ok(sheet.write_number(row, col, *value));
                }
                X::Date(y, m, d) => {
                    let date = ok(ExcelDateTime::from_ymd(*y, *m, *d));
                    ok(sheet.write_datetime_with_format(row, col, &date, &date_format));
                }
            }
        }
    }
    ok(workbook.save(path));
}

/// The sample ledger's rows as an office workbook would hold them (the totals row kept).
fn office_rows(park: &Park, ledger: &Ledger) -> Vec<Vec<X>> {
    let table = LedgerTable::new(&ok(ledger.list()), park);
    table
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<X> = row.iter().map(x_from).collect();
            // Deadlines typed as dates, as Excel turns them when someone edits them.
            if let Some(X::Text(text)) = cells.get(Column::Deadline as usize)
                && let Ok(date) = text.parse::<jiff::civil::Date>()
            {
                let (y, m, d) = (date.year(), date.month(), date.day());
                cells[Column::Deadline as usize] = X::Date(
                    u16::try_from(y).unwrap_or_default(),
                    u8::try_from(m).unwrap_or_default(),
                    u8::try_from(d).unwrap_or_default(),
                );
            }
            cells
        })
        .collect()
}

fn set(rows: &mut [Vec<X>], row: usize, column: Column, value: X) {
    rows[row][column as usize] = value;
}

fn text(value: &str) -> X {
    X::Text(value.to_owned())
}

/// Index (0-based, data rows) of the first case with a progress.
fn row_with(cases: &[StoredEntry], progress: Progress) -> usize {
    cases
        .iter()
        .position(|c| c.entry.progress == progress)
        .unwrap_or_else(|| panic!("the sample ledger has a case at {progress:?}"))
}

fn problems_at(preview: &LedgerImportPreview) -> Vec<(Option<usize>, Option<String>)> {
    preview
        .all_problems()
        .map(|p| (p.row, p.column.clone()))
        .collect()
}

fn an_exported_ledger_reads_back_unchanged_on_every_row(subject: &Subject) {
    let (park, mut ledger) = sample(subject);
    let before = ok(ledger.list());
    let events = ok(ledger.event_count());
    let dir = scratch_dir("round-trip");
    let table = LedgerTable::new(&before, &park);
    for (name, write) in [
        (
            "ledger.xlsx",
            write_ledger_xlsx as fn(&LedgerTable, &Path) -> anyhow::Result<()>,
        ),
        ("ledger.csv", write_ledger_csv),
    ] {
        let path = dir.join(name);
        ok(write(&table, &path));
        let preview = ok(preview(&path, &park, &ledger));
        let counts = preview.counts();
        assert_eq!(
            (counts.rows, counts.unchanged, counts.problems),
            (13, 13, 0),
            "{name}: {preview:#?}"
        );
        assert_eq!(preview.header_row, 1);
        assert!(
            preview.notes.iter().any(|n| n.row == Some(15)),
            "{name}: the totals row is noted as skipped: {:?}",
            preview.notes
        );
        for row in &preview.rows {
            assert!(
                matches!(row.action, RowAction::Unchanged { .. }) && row.changes.is_empty(),
                "{name}: {row:?}"
            );
        }
        let written = ok(preview.apply(&mut ledger, "importer"));
        assert_eq!((written.created, written.updated), (0, 0));
        assert_eq!(
            ok(ledger.list()),
            before,
            "{name}: identical data and versions"
        );
        assert_eq!(ok(ledger.event_count()), events, "{name}: no events");
    }
}

fn an_edited_progress_cell_updates_exactly_that_case_with_an_event(subject: &Subject) {
    let (park, mut ledger) = sample(subject);
    let before = ok(ledger.list());
    let events = ok(ledger.event_count());
    let target = row_with(&before, Progress::Identified);
    let case = &before[target];
    let mut rows = office_rows(&park, &ledger);
    set(&mut rows, target, Column::Progress, text("处置中"));

    let path = scratch_dir("edit").join("台账（修改）.xlsx");
    write_office_xlsx(&path, &rows);
    let preview = ok(preview(&path, &park, &ledger));
    assert_eq!(preview.sheet, "2025年台账");
    assert_eq!(preview.header_row, 3, "found below the title lines");
    let counts = preview.counts();
    assert_eq!(
        (
            counts.rows,
            counts.updated,
            counts.unchanged,
            counts.problems
        ),
        (13, 1, 12, 0),
        "{preview:#?}"
    );
    let changed = &preview.rows[target];
    assert_eq!(changed.row, 4 + target, "the spreadsheet's row number");
    assert_eq!(
        changed.action,
        RowAction::Update {
            id: case.id,
            version: case.version
        }
    );
    assert_eq!(changed.changes.len(), 1, "{:?}", changed.changes);
    assert_eq!(changed.changes[0].column, Column::Progress);
    assert_eq!(
        (
            changed.changes[0].before.as_str(),
            changed.changes[0].after.as_str()
        ),
        ("已认定", "处置中")
    );

    let written = ok(preview.apply(&mut ledger, "李四"));
    assert_eq!((written.updated, written.created), (1, 0));
    assert_eq!(ok(ledger.event_count()), events + 1);
    let after = ok(ledger.list());
    for (old, new) in before.iter().zip(&after) {
        if old.id == case.id {
            assert_eq!(new.version, old.version + 1);
            assert_eq!(new.updated_by, subject.recorded("李四"));
            let mut expected = old.entry.clone();
            expected.progress = Progress::Disposing;
            assert_eq!(new.entry, expected, "only the progress changed");
        } else {
            assert_eq!(new, old, "other cases untouched");
        }
    }
    let history = ok(ledger.history(&case.entry.parcel_no));
    assert_eq!(history[0].action, Action::Import.code());
    assert_eq!(history[0].operator, subject.recorded("李四"));
    assert_eq!(history[0].step, Some(Progress::Disposing));
    assert_eq!(
        history[0].before.as_ref().map(|e| e.progress),
        Some(Progress::Identified)
    );
}

fn a_file_with_bad_rows_lists_every_problem_and_writes_nothing(subject: &Subject) {
    let (park, mut ledger) = sample(subject);
    let before = ok(ledger.list());
    let events = ok(ledger.event_count());
    let mut rows = office_rows(&park, &ledger);
    // A good change that must not be written either.
    let identified = row_with(&before, Progress::Identified);
    set(&mut rows, identified, Column::Notes, text("已约谈企业"));
    // Unknown parcel.
    set(&mut rows, 1, Column::ParcelNo, text("XX-9999"));
    // Bad method name and a bad number in the same row.
    set(&mut rows, 3, Column::Methods, text("返租共管、卖掉"));
    set(&mut rows, 4, Column::RevitalizedBuilding, text("三千"));
    set(&mut rows, 5, Column::Deadline, text("2025-02-30"));
    set(&mut rows, 6, Column::Progress, text("办完了"));
    // The same parcel twice.
    let mut twice = rows[7].clone();
    twice[0] = X::Number(99.0);
    rows.insert(8, twice);

    let path = scratch_dir("bad").join("bad.xlsx");
    write_office_xlsx(&path, &rows);
    let preview = ok(preview(&path, &park, &ledger));
    let row = |index: usize| Some(4 + index);
    let column = |c: Column| Some(c.header().to_owned());
    assert_eq!(
        problems_at(&preview),
        vec![
            (row(1), column(Column::ParcelNo)),
            (row(3), column(Column::Methods)),
            (row(4), column(Column::RevitalizedBuilding)),
            (row(5), column(Column::Deadline)),
            (row(6), column(Column::Progress)),
            (row(8), column(Column::ParcelNo)),
        ],
        "{:#?}",
        preview.all_problems().collect::<Vec<_>>()
    );
    let messages: Vec<String> = preview.all_problems().map(ToString::to_string).collect();
    assert!(messages[0].contains("XX-9999"), "{}", messages[0]);
    assert!(messages[1].contains("卖掉") && messages[1].contains("返租共管"));
    assert!(messages[2].contains("三千"), "{}", messages[2]);
    assert!(
        messages[5].contains(&format!("row {}", 4 + 7)),
        "{}",
        messages[5]
    );
    let good = &preview.rows[identified];
    assert!(
        matches!(good.action, RowAction::Update { .. }) && good.problems.is_empty(),
        "the good change is previewed: {good:?}"
    );
    assert_eq!(good.changes.len(), 1);
    assert_eq!(good.changes[0].column, Column::Notes);

    match preview.apply(&mut ledger, "op") {
        Err(ImportError::Problems { count, path: shown }) => {
            assert_eq!(count, 6);
            assert!(shown.ends_with("bad.xlsx"));
        }
        other => panic!("expected Problems, got {other:?}"),
    }
    assert_eq!(ok(ledger.list()), before, "nothing written");
    assert_eq!(ok(ledger.event_count()), events, "no event written");
}

fn rules_and_progress_steps_are_checked_before_anything_is_written(subject: &Subject) {
    let (park, ledger) = sample(subject);
    let cases = ok(ledger.list());
    let mut rows = office_rows(&park, &ledger);
    // Back from 已盘活 to 处置中: not an allowed step.
    let revitalized = row_with(&cases, Progress::Revitalized);
    set(&mut rows, revitalized, Column::Progress, text("处置中"));
    // Revitalized land larger than the parcel: LedgerEntry::validate refuses it.
    let disposing = row_with(&cases, Progress::Disposing);
    let too_much = mu_from_m2(cases[disposing].entry.parcel_area_m2) * 2.0;
    set(
        &mut rows,
        disposing,
        Column::RevitalizedLand,
        X::Number(too_much),
    );
    let path = scratch_dir("rules").join("rules.xlsx");
    write_office_xlsx(&path, &rows);
    let preview = ok(preview(&path, &park, &ledger));
    let mut problems: Vec<_> = preview
        .all_problems()
        .map(|p| (p.row, p.column.clone(), p.text.en.clone()))
        .collect();
    problems.sort();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let by_row = |index: usize| {
        problems
            .iter()
            .find(|p| p.0 == Some(4 + index))
            .unwrap_or_else(|| panic!("a problem in row {}: {problems:?}", 4 + index))
    };
    let step = by_row(revitalized);
    assert_eq!(step.1.as_deref(), Some("处置进度"));
    assert!(
        step.2.contains("cannot move from 已盘活 to 处置中"),
        "{}",
        step.2
    );
    let area = by_row(disposing);
    assert_eq!(area.1.as_deref(), Some("盘活土地(亩)"));
    assert!(area.2.contains("exceeds the parcel's"), "{}", area.2);
}

fn csv_import_adds_a_new_case_and_reads_gb18030(subject: &Subject) {
    let (park, mut ledger) = sample(subject);
    let events = ok(ledger.event_count());
    let Some(parcel) = park.parcels.iter().find(|p| p.parcel_no == "LJ-2304") else {
        panic!("sample parcel LJ-2304");
    };
    assert!(ok(ledger.history("LJ-2304")).is_empty(), "no case yet");
    let header = LEDGER_HEADERS.join(",");
    let row = "14,LJ-2304,两江工业区,,12.5,低效用地(建而未投),企业原因：停产,\"返租共管，其他（厂房分割出租）\",已盘活,12.5,\"3,000\",秦岭新材料,两江工业区管理办公室,2026/6/30,新登记";
    let dir = scratch_dir("csv");
    let utf8 = dir.join("new.csv");
    ok(std::fs::write(
        &utf8,
        format!("\u{feff}{header}\r\n{row}\r\n合计,1 宗,,,12.50,,,,,12.50,3000,,,,\r\n"),
    ));
    let gbk = dir.join("new-gbk.csv");
    let gbk_text = format!("{header}\n{row}\n");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&gbk_text);
    ok(std::fs::write(&gbk, &bytes));

    let from_gbk = ok(preview(&gbk, &park, &ledger));
    let preview = ok(preview(&utf8, &park, &ledger));
    assert_eq!(
        from_gbk.rows[0].entry, preview.rows[0].entry,
        "GB18030 reads the same"
    );
    let counts = preview.counts();
    assert_eq!(
        (counts.rows, counts.created, counts.problems),
        (1, 1, 0),
        "{preview:#?}"
    );
    assert_eq!(preview.rows[0].action, RowAction::Create);
    ok(preview.apply(&mut ledger, "王五"));
    assert_eq!(ok(ledger.event_count()), events + 1);
    let cases = ok(ledger.list());
    let Some(case) = cases.iter().find(|c| c.entry.parcel_no == "LJ-2304") else {
        panic!("the new case is in the ledger");
    };
    let e = &case.entry;
    assert_eq!(e.district.as_deref(), Some("LJ"));
    assert_eq!(
        e.holder, parcel.holder,
        "a blank holder takes the parcel's holder"
    );
    assert!((e.parcel_area_m2 - parcel.area_m2).abs() < 1e-9);
    assert!((e.idle_land_m2 - m2_from_mu(12.5)).abs() < 1e-9);
    assert_eq!(
        (e.kind, e.subtype),
        (
            IdleKind::LowEfficiency,
            Some(IdleSubtype::BuiltNotOperating)
        )
    );
    assert_eq!(e.cause_text, "停产");
    assert_eq!(
        e.methods,
        vec![DisposalMethod::LeasebackCoManagement, DisposalMethod::Other]
    );
    assert_eq!(e.method_other, "厂房分割出租");
    assert_eq!(e.progress, Progress::Revitalized);
    assert!((e.revitalized_building_m2 - 3000.0).abs() < 1e-9);
    assert_eq!(e.deadline, Some(jiff::civil::date(2026, 6, 30)));
    assert_eq!(e.notes, "新登记");
    assert_eq!(case.created_by, subject.recorded("王五"));
    let history = ok(ledger.history("LJ-2304"));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "import");

    // The same file again: the case is there now, so the row is unchanged.
    let again = ok(parkland::ledger::import::preview(&utf8, &park, &ledger));
    assert_eq!(again.counts().unchanged, 1, "{again:#?}");
}

fn a_case_changed_after_the_preview_refuses_the_whole_import(subject: &Subject) {
    let (park, mut ledger) = sample(subject);
    let cases = ok(ledger.list());
    let target = row_with(&cases, Progress::Identified);
    let mut rows = office_rows(&park, &ledger);
    set(&mut rows, target, Column::Notes, text("导入的备注"));
    set(&mut rows, 0, Column::ResponsibleUnit, text("园区管委会"));
    let path = scratch_dir("stale").join("stale.xlsx");
    write_office_xlsx(&path, &rows);
    let preview = ok(preview(&path, &park, &ledger));
    assert_eq!(preview.counts().updated, 2);

    // Someone saves the case in the window between the preview and the import.
    let mut edited = cases[target].entry.clone();
    edited.notes = "窗口里的修改".into();
    ok(ledger.update(
        cases[target].id,
        cases[target].version,
        &edited,
        "赵六",
        Action::Update,
    ));
    let events = ok(ledger.event_count());
    match preview.apply(&mut ledger, "op") {
        Err(ImportError::Ledger {
            source: LedgerError::Stale { by, .. },
            ..
        }) => assert_eq!(by, subject.recorded("赵六")),
        other => panic!("expected Stale, got {other:?}"),
    }
    assert_eq!(ok(ledger.event_count()), events, "nothing of the import");
    assert_eq!(
        ok(ledger.list())[0],
        cases[0],
        "the other change was not written"
    );
}

#[test]
fn a_file_that_is_not_the_ledger_table_is_refused_by_name() {
    let (park, ledger) = sample(&Subject::file("import-468"));
    let dir = scratch_dir("not-a-table");
    let path = dir.join("figures.csv");
    ok(std::fs::write(&path, "企业名称,年度\n甲,2024\n"));
    let error = preview(&path, &park, &ledger).map(|_| ()).err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("figures.csv") && message.contains("宗地编号"),
        "{message}"
    );
    let missing = dir.join("missing.xlsx");
    let message = preview(&missing, &park, &ledger)
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("missing.xlsx"), "{message}");
    // The parcel attribute table also has 宗地编号, but no 处置进度.
    let parcels = dir.join("parcels.csv");
    ok(std::fs::write(
        &parcels,
        "宗地编号,片区,土地使用权人,土地用途\nLCX-0101,梁产城新区,梁川永鑫汽车零部件有限公司,工业用地\n",
    ));
    let preview = ok(preview(&parcels, &park, &ledger));
    assert_eq!(
        preview.problems.first().and_then(|p| p.column.as_deref()),
        Some("处置进度"),
        "{:?}",
        preview.problems
    );
    assert!(
        preview
            .notes
            .iter()
            .any(|n| n.column.as_deref() == Some("土地用途"))
    );
}

fn parkland(args: &[&str], home: &Path) -> Output {
    ok(Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn ledger_import_command_exits_2_on_problems_and_writes_only_without() {
    let dir = scratch_dir("cli");
    let ledger = dir.join("ledger.sqlite").display().to_string();
    let xlsx = dir.join("export.xlsx").display().to_string();
    let export = parkland(
        &["ledger", "export", "--ledger", &ledger, "--xlsx", &xlsx],
        &dir,
    );
    assert_eq!(export.status.code(), Some(0), "{}", stdout(&export));
    let events = || {
        ok(Ledger::open(Path::new(&ledger)))
            .event_count()
            .unwrap_or(-1)
    };
    let events_before = events();

    let same = parkland(&["ledger", "import", &xlsx, "--ledger", &ledger], &dir);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert!(
        stdout(&same).contains("13 rows: 0 new, 0 to update, 13 unchanged; 0 problem(s)"),
        "{}",
        stdout(&same)
    );

    let (park, opened) = (
        ok(parkland::sample::sample_park()),
        ok(Ledger::open(Path::new(&ledger))),
    );
    let mut rows = office_rows(&park, &opened);
    drop(opened);
    let target = 2;
    set(&mut rows, target, Column::Notes, text("命令行导入"));
    let good = dir.join("good.xlsx");
    write_office_xlsx(&good, &rows);
    set(&mut rows, 0, Column::IdleLand, text("很多"));
    let bad = dir.join("bad.xlsx");
    write_office_xlsx(&bad, &rows);

    let refused = parkland(
        &[
            "ledger",
            "import",
            &bad.display().to_string(),
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    let text_out = stdout(&refused);
    assert!(
        text_out.contains("bad.xlsx: row 4, column 面积(亩)")
            && text_out.contains("nothing was written"),
        "{text_out}"
    );
    assert_eq!(events(), events_before);

    let dry = parkland(
        &[
            "ledger",
            "import",
            &good.display().to_string(),
            "--dry-run",
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(dry.status.code(), Some(0), "{}", stdout(&dry));
    assert!(
        stdout(&dry).contains("备注:  → 命令行导入"),
        "{}",
        stdout(&dry)
    );
    assert_eq!(events(), events_before, "a dry run writes nothing");

    let written = parkland(
        &[
            "ledger",
            "import",
            &good.display().to_string(),
            "--operator",
            "张三",
            "--ledger",
            &ledger,
        ],
        &dir,
    );
    assert_eq!(written.status.code(), Some(0), "{}", stdout(&written));
    assert!(
        stdout(&written).contains("imported: 0 new case(s), 1 updated, 12 unchanged"),
        "{}",
        stdout(&written)
    );
    assert_eq!(events(), events_before + 1);
}

/// Workbooks the fuzzer found (`fuzz/`, target `sheet`) on which calamine 0.38 panics with an
/// arithmetic overflow: each import says the file is damaged, naming it, and writes nothing;
/// the program goes on.
#[test]
fn damaged_workbooks_found_by_fuzzing_are_refused_with_a_message() {
    let (park, ledger) = sample(&Subject::file("import-621"));
    let before = ok(ledger.list());
    for name in [
        "sheet_overflow_multiply.xlsx",
        "sheet_overflow_subtract.xlsx",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz")
            .join(name);
        match preview(&path, &park, &ledger) {
            Err(ImportError::Sheet(error)) => {
                let message = error.to_string();
                assert!(message.contains(name), "{message}");
                assert!(message.contains("damaged"), "{message}");
            }
            other => panic!("{name}: expected a damaged-workbook error, got {other:?}"),
        }
        assert!(
            parkland::ledger::enterprise::preview(&path, &park, &ledger).is_err(),
            "{name}: the enterprise import refuses it too"
        );
    }
    assert_eq!(ok(ledger.list()), before, "nothing written");
}

fn fuzz_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name)
}

/// Found by fuzzing (FUZZING.md): an 8 KB workbook naming one cell at row 6,977,513 made the
/// reader build a dense range of seven million rows (6.9 GB, seven seconds). The cells are
/// now read one by one: a cell far down (here row 1,000,000, the fuzzed file moved into
/// Excel's sheet) costs one row, and the import names it.
#[test]
fn a_cell_far_down_costs_one_row_not_millions() {
    let path = fuzz_fixture("sheet_far_row.xlsx");
    let sheets = ok(parkland::formats::sheet::read_sheets(&path));
    let rows = &sheets[0].rows;
    assert!(rows.len() <= 20, "{} rows kept", rows.len());
    assert_eq!(rows.last().map(|r| r.number), Some(1_000_000));
    let (park, ledger) = sample(&Subject::file("import-663"));
    let before = ok(ledger.list());
    let preview = ok(preview(&path, &park, &ledger));
    let far = preview
        .rows
        .iter()
        .find(|r| r.row == 1_000_000)
        .expect("the far row is previewed");
    assert!(
        far.problems
            .iter()
            .any(|p| p.column.as_deref() == Some("宗地编号")),
        "{:?}",
        far.problems
    );
    assert_eq!(ok(ledger.list()), before, "a preview writes nothing");
}

/// A cell outside Excel's 1,048,576 rows (the fuzzed file as found) is damage: the file is
/// refused, naming the file and the cell, and nothing is written.
#[test]
fn a_cell_beyond_excels_sheet_is_refused_naming_it() {
    let path = fuzz_fixture("sheet_row_6977513.xlsx");
    let error = parkland::formats::sheet::read_sheets(&path).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("sheet_row_6977513.xlsx"), "{message}");
    assert!(message.contains("row 6977513"), "{message}");
    assert!(message.contains("outside Excel's sheet"), "{message}");
    let (park, ledger) = sample(&Subject::file("import-691"));
    assert!(matches!(
        preview(&path, &park, &ledger),
        Err(ImportError::Sheet(_))
    ));
}
