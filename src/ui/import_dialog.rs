//! The import windows: a ledger table (台账) or enterprise figures (企业指标) read from xlsx or
//! CSV, previewed row by row with its changes and problems, then written in one transaction
//! by the core's `apply`. Nothing here reads or writes a file itself: the previews come from
//! [`crate::ledger::import`] and [`crate::ledger::enterprise`].

use crate::formats::sheet::Problem;
use crate::ledger::Ledger;
use crate::ledger::enterprise::{self, EnterpriseImportPreview};
use crate::ledger::import::{self, LedgerImportPreview, RowAction};
use crate::model::{Lang, Park};
use crate::ui::app::{Command, Notice};
use crate::ui::ledger::{LedgerView, Outcome};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::path::Path;

/// What is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// The county ledger table (台账).
    Ledger,
    /// Enterprise figures (企业指标).
    Enterprise,
}

/// An import waiting for the user's decision.
#[derive(Debug, Clone)]
pub enum ImportDialog {
    Ledger(Box<LedgerImportPreview>),
    Enterprise(Box<EnterpriseImportPreview>),
}

/// What the user did in the import window this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogAction {
    None,
    Import,
    Cancel,
}

/// The file dialog's filter for the tables the core reads.
pub const TABLE_EXTENSIONS: [&str; 6] = ["xlsx", "xls", "xlsb", "ods", "csv", "txt"];

/// The 台账 menu's import items: a file dialog, then a preview command (tests send the
/// command directly, with no dialog).
pub fn import_menu_ui(ui: &mut Ui, lang: Lang, commands: &mut Vec<Command>) {
    for (kind, label) in [
        (
            ImportKind::Ledger,
            lang.pick("从 Excel/CSV 导入…", "Import from Excel/CSV…"),
        ),
        (
            ImportKind::Enterprise,
            lang.pick("导入企业指标…", "Import enterprise figures…"),
        ),
    ] {
        if ui.button(label).clicked() {
            ui.close();
            let target = match kind {
                ImportKind::Ledger => crate::ui::files::FileTarget::ImportLedger,
                ImportKind::Enterprise => crate::ui::files::FileTarget::ImportEnterprise,
            };
            commands.push(Command::PickFile(crate::ui::files::FileRequest::open(
                target,
                label,
                "Excel/CSV",
                &TABLE_EXTENSIONS,
            )));
        }
    }
}

/// Reads a file into a preview, offered by the ledger as an [`Outcome`] once it has what
/// the ledger holds (at once for a file; when a server answers); a file that cannot be read
/// gives a notice naming it.
pub fn preview(
    kind: ImportKind,
    path: &Path,
    park: &Park,
    ledger: &mut LedgerView,
    lang: Lang,
) -> Result<(), Notice> {
    let file = path.display().to_string();
    if !ledger.is_open() {
        return Err(Notice {
            title: cannot_import_title(lang, &file),
            rejected: true,
            lines: vec![
                lang.pick(
                    "台账未打开：请先用 台账 → 打开台账… 打开台账。",
                    "The ledger is not open: open it with Ledger → Open ledger… first.",
                )
                .to_owned(),
            ],
        });
    }
    match kind {
        ImportKind::Ledger => {
            // Against the cases the window holds (a server's watcher keeps them current):
            // the import checks each version again when it writes.
            let preview = import::preview_against(path, park, &ledger.entries)
                .map_err(|e| cannot_import(lang, &file, &e))?;
            ledger
                .outcomes
                .push(Outcome::Preview(ImportDialog::Ledger(Box::new(preview))));
        }
        ImportKind::Enterprise => {
            let preview =
                enterprise::read_table(path, park).map_err(|e| cannot_import(lang, &file, &e))?;
            ledger.count_replaced(Box::new(preview), lang);
        }
    }
    Ok(())
}

/// Why a file cannot be imported, naming it; nothing was written.
pub fn cannot_import(lang: Lang, file: &str, error: &dyn std::fmt::Display) -> Notice {
    Notice {
        title: cannot_import_title(lang, file),
        rejected: true,
        lines: vec![
            error.to_string(),
            lang.pick("台账未作任何修改。", "Nothing was written to the ledger.")
                .to_owned(),
        ],
    }
}

fn cannot_import_title(lang: Lang, file: &str) -> String {
    match lang {
        Lang::Zh => format!("无法导入 {file}"),
        Lang::En => format!("Cannot import {file}"),
    }
}

impl ImportDialog {
    /// Problems that block the import.
    #[must_use]
    pub fn problem_count(&self) -> usize {
        match self {
            Self::Ledger(p) => p.problem_count(),
            Self::Enterprise(p) => p.all_problems().count(),
        }
    }

    #[must_use]
    pub fn kind(&self) -> ImportKind {
        match self {
            Self::Ledger(_) => ImportKind::Ledger,
            Self::Enterprise(_) => ImportKind::Enterprise,
        }
    }

    /// Writes the preview in one transaction; the notice says what was written or why
    /// nothing was. `None` while the preview has problems (nothing to do).
    pub fn apply(&self, ledger: &mut Ledger, operator: &str, lang: Lang) -> Option<Notice> {
        if self.problem_count() > 0 {
            return None;
        }
        let (file, result) = match self {
            Self::Ledger(p) => (
                &p.file,
                p.apply(ledger, operator).map(|c| match lang {
                    Lang::Zh => format!(
                        "新增 {} 宗，更新 {} 宗，无变化 {} 宗。",
                        c.created, c.updated, c.unchanged
                    ),
                    Lang::En => format!(
                        "{} new case(s), {} updated, {} unchanged.",
                        c.created, c.updated, c.unchanged
                    ),
                }),
            ),
            Self::Enterprise(p) => {
                let years = years_text(&p.years);
                (
                    &p.file,
                    p.apply(ledger, operator).map(|c| match lang {
                        Lang::Zh => format!(
                            "导入 {years} 年企业指标 {} 条（替换原有 {} 条），{} 条关联到宗地，{} 家企业无宗地。",
                            c.rows, c.replaced, c.linked, c.unknown
                        ),
                        Lang::En => format!(
                            "{} figure(s) of {years} imported (replacing {} earlier); {} linked to parcels, {} enterprise(s) hold no parcel.",
                            c.rows, c.replaced, c.linked, c.unknown
                        ),
                    }),
                )
            }
        };
        Some(match result {
            Ok(line) => Notice {
                title: match (self.kind(), lang) {
                    (ImportKind::Ledger, Lang::Zh) => "台账已导入".to_owned(),
                    (ImportKind::Ledger, Lang::En) => "Ledger imported".to_owned(),
                    (ImportKind::Enterprise, Lang::Zh) => "企业指标已导入".to_owned(),
                    (ImportKind::Enterprise, Lang::En) => "Enterprise figures imported".to_owned(),
                },
                rejected: false,
                lines: vec![line, file.clone()],
            },
            Err(error) => Notice {
                title: cannot_import_title(lang, file),
                rejected: true,
                lines: vec![
                    error.to_string(),
                    lang.pick(
                        "台账未作任何修改；请重新导入以查看最新内容。",
                        "Nothing was written; import again to preview against the current ledger.",
                    )
                    .to_owned(),
                ],
            },
        })
    }

    /// The import window; returns what the user clicked.
    #[must_use]
    pub fn window_ui(&self, ctx: &egui::Context, lang: Lang) -> DialogAction {
        let title = match self.kind() {
            ImportKind::Ledger => lang.pick("导入台账", "Import ledger"),
            ImportKind::Enterprise => lang.pick("导入企业指标", "Import enterprise figures"),
        };
        let mut open = true;
        let mut action = DialogAction::None;
        egui::Window::new(title)
            .id(egui::Id::unique("parkland_import_dialog"))
            .open(&mut open)
            .collapsible(false)
            .default_width(820.0)
            .default_pos(egui::pos2(200.0, 60.0))
            .constrain(true)
            .show(ctx, |ui| {
                let room = (ctx.content_rect().height() - 320.0).max(160.0);
                match self {
                    Self::Ledger(p) => ledger_preview_ui(ui, lang, p, room),
                    Self::Enterprise(p) => enterprise_preview_ui(ui, lang, p, room),
                }
                ui.separator();
                action = buttons_ui(ui, lang, self.problem_count());
            });
        if !open && action == DialogAction::None {
            action = DialogAction::Cancel;
        }
        action
    }
}

fn years_text(years: &[i16]) -> String {
    let years: Vec<String> = years.iter().map(ToString::to_string).collect();
    years.join("、")
}

fn buttons_ui(ui: &mut Ui, lang: Lang, problems: usize) -> DialogAction {
    let mut action = DialogAction::None;
    ui.horizontal(|ui| {
        let why = match lang {
            Lang::Zh => format!("文件有 {problems} 个问题：请在表格中修改后重新导入"),
            Lang::En => format!(
                "The file has {problems} problem(s): fix them in the table and import again"
            ),
        };
        let import = ui
            .add_enabled(
                problems == 0,
                egui::Button::new(lang.pick("导入", "Import")),
            )
            .on_hover_text(lang.pick(
                "在一个事务中写入台账",
                "Write to the ledger in one transaction",
            ))
            .on_disabled_hover_text(why);
        if import.clicked() && problems == 0 {
            action = DialogAction::Import;
        }
        if ui.button(lang.pick("取消", "Cancel")).clicked() {
            action = DialogAction::Cancel;
        }
        if problems > 0 {
            ui.label(
                RichText::new(match lang {
                    Lang::Zh => format!("有 {problems} 个问题，不能导入"),
                    Lang::En => format!("{problems} problem(s): nothing can be imported"),
                })
                .color(theme::ALERT_SEVERE),
            );
        }
    });
    action
}

/// The file, its sheet and header row.
fn source_ui(ui: &mut Ui, lang: Lang, file: &str, sheet: &str, header_row: usize) {
    ui.label(
        RichText::new(match lang {
            Lang::Zh => format!("{file}（工作表 {sheet}，表头在第 {header_row} 行）"),
            Lang::En => format!("{file} (sheet {sheet}, headers in row {header_row})"),
        })
        .weak(),
    );
}

/// Counts as a row of strong labels, e.g. `更新 1`.
fn counts_ui(ui: &mut Ui, counts: &[(String, bool)]) {
    ui.horizontal_wrapped(|ui| {
        for (text, alarm) in counts {
            let text = RichText::new(text).strong();
            ui.label(if *alarm {
                text.color(theme::ALERT_SEVERE)
            } else {
                text
            });
            ui.add_space(12.0);
        }
    });
}

/// Problems of the file as a whole (red) and notes (weak), one a line.
fn file_messages_ui(ui: &mut Ui, lang: Lang, problems: &[Problem], notes: &[Problem]) {
    for problem in problems {
        ui.label(RichText::new(problem_line(lang, problem)).color(theme::ALERT_SEVERE));
    }
    if !notes.is_empty() {
        egui::CollapsingHeader::new(match lang {
            Lang::Zh => format!("提示 {} 条", notes.len()),
            Lang::En => format!("{} note(s)", notes.len()),
        })
        .id_salt("import_notes")
        .show(ui, |ui| {
            for note in notes {
                ui.label(RichText::new(problem_line(lang, note)).weak());
            }
        });
    }
}

/// `第 7 行 处置方式：未知处置方式“卖掉”…`.
fn problem_line(lang: Lang, problem: &Problem) -> String {
    let place = match (lang, problem.row, &problem.column) {
        (Lang::Zh, Some(row), Some(column)) => format!("第 {row} 行 {column}："),
        (Lang::Zh, Some(row), None) => format!("第 {row} 行："),
        (Lang::Zh, None, Some(column)) => format!("{column}："),
        (Lang::En, Some(row), Some(column)) => format!("row {row}, {column}: "),
        (Lang::En, Some(row), None) => format!("row {row}: "),
        (Lang::En, None, Some(column)) => format!("{column}: "),
        (_, None, None) => String::new(),
    };
    format!("{place}{}", problem.message(lang))
}

/// A problem beside its row: the column and the message.
fn cell_problem_line(lang: Lang, problem: &Problem) -> String {
    match (&problem.column, lang) {
        (Some(column), Lang::Zh) => format!("{column}：{}", problem.message(lang)),
        (Some(column), Lang::En) => format!("{column}: {}", problem.message(lang)),
        (None, _) => problem.message(lang).to_owned(),
    }
}

const LINE_HEIGHT: f32 = 20.0;

/// A plain (non-selectable, one-line-per-`\n`) cell.
fn cell_ui(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).extend());
}

fn header_ui(ui: &mut Ui, title: &str) {
    ui.add(egui::Label::new(RichText::new(title).strong()).selectable(false));
}

fn ledger_preview_ui(ui: &mut Ui, lang: Lang, preview: &LedgerImportPreview, room: f32) {
    source_ui(ui, lang, &preview.file, &preview.sheet, preview.header_row);
    let c = preview.counts();
    let counts = match lang {
        Lang::Zh => [
            (format!("共 {} 行", c.rows), false),
            (format!("新增 {}", c.created), false),
            (format!("更新 {}", c.updated), false),
            (format!("无变化 {}", c.unchanged), false),
            (format!("问题 {}", c.problems), c.problems > 0),
        ],
        Lang::En => [
            (format!("{} rows", c.rows), false),
            (format!("new {}", c.created), false),
            (format!("updated {}", c.updated), false),
            (format!("unchanged {}", c.unchanged), false),
            (format!("problems {}", c.problems), c.problems > 0),
        ],
    };
    counts_ui(ui, &counts);
    file_messages_ui(ui, lang, &preview.problems, &preview.notes);
    ui.add_space(4.0);

    // One text line per change and per problem; a row is as tall as its longer cell.
    let rows: Vec<(String, String)> = preview
        .rows
        .iter()
        .map(|row| {
            let changes: Vec<String> = row
                .changes
                .iter()
                .map(|change| {
                    let blank = |t: &str| {
                        if t.is_empty() {
                            lang.pick("（空）", "(blank)").to_owned()
                        } else {
                            t.to_owned()
                        }
                    };
                    format!(
                        "{}{}{} → {}",
                        change.column.header(),
                        lang.pick("：", ": "),
                        blank(&change.before),
                        blank(&change.after)
                    )
                })
                .collect();
            let problems: Vec<String> = row
                .problems
                .iter()
                .map(|p| cell_problem_line(lang, p))
                .collect();
            (changes.join("\n"), problems.join("\n"))
        })
        .collect();
    let heights = preview
        .rows
        .iter()
        .map(|row| LINE_HEIGHT * row.changes.len().max(row.problems.len()).max(1) as f32 + 2.0);
    TableBuilder::new(ui)
        .id_salt("ledger_import_preview")
        .striped(true)
        .max_scroll_height(room)
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::exact(44.0))
        .column(Column::initial(100.0).at_least(70.0).clip(true))
        .column(Column::exact(64.0))
        .column(Column::initial(300.0).at_least(120.0).clip(true))
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(24.0, |mut header| {
            for title in [
                lang.pick("行", "Row"),
                lang.pick("宗地编号", "Parcel"),
                lang.pick("操作", "Action"),
                lang.pick("变更（原 → 新）", "Changes (before → after)"),
                lang.pick("问题", "Problems"),
            ] {
                header.col(|ui| header_ui(ui, title));
            }
        })
        .body(|body| {
            body.heterogeneous_rows(heights, |mut table_row| {
                let index = table_row.index();
                let (Some(row), Some((changes, problems))) =
                    (preview.rows.get(index), rows.get(index))
                else {
                    return;
                };
                table_row.col(|ui| cell_ui(ui, row.row.to_string()));
                table_row.col(|ui| cell_ui(ui, row.parcel_no.as_str()));
                table_row.col(|ui| {
                    let text = RichText::new(row.action.label(lang));
                    cell_ui(
                        ui,
                        match row.action {
                            RowAction::Unchanged { .. } => text.weak(),
                            RowAction::Create | RowAction::Update { .. } => text.strong(),
                        },
                    );
                });
                table_row.col(|ui| cell_ui(ui, changes.as_str()));
                table_row.col(|ui| {
                    cell_ui(
                        ui,
                        RichText::new(problems.as_str()).color(theme::ALERT_SEVERE),
                    );
                });
            });
        });
}

fn enterprise_preview_ui(ui: &mut Ui, lang: Lang, preview: &EnterpriseImportPreview, room: f32) {
    source_ui(ui, lang, &preview.file, &preview.sheet, preview.header_row);
    let c = preview.counts();
    let years = years_text(&preview.years);
    let counts = match lang {
        Lang::Zh => [
            (format!("年度 {years}"), false),
            (format!("共 {} 行", c.rows), false),
            (format!("关联宗地 {}", c.linked), false),
            (format!("无宗地企业 {}", c.unknown), false),
            (format!("替换原有 {}", c.replaced), false),
            (format!("问题 {}", c.problems), c.problems > 0),
        ],
        Lang::En => [
            (format!("year {years}"), false),
            (format!("{} rows", c.rows), false),
            (format!("linked {}", c.linked), false),
            (format!("no parcel {}", c.unknown), false),
            (format!("replacing {}", c.replaced), false),
            (format!("problems {}", c.problems), c.problems > 0),
        ],
    };
    counts_ui(ui, &counts);
    if c.replaced > 0 {
        ui.label(
            RichText::new(lang.pick(
                "导入将替换文件所含年度的全部企业指标。",
                "Importing replaces every figure of the years in the file.",
            ))
            .weak(),
        );
    }
    file_messages_ui(ui, lang, &preview.problems, &preview.notes);
    ui.add_space(4.0);

    let problems: Vec<String> = preview
        .rows
        .iter()
        .map(|row| {
            let lines: Vec<String> = row
                .problems
                .iter()
                .map(|p| cell_problem_line(lang, p))
                .collect();
            lines.join("\n")
        })
        .collect();
    let heights = preview
        .rows
        .iter()
        .map(|row| LINE_HEIGHT * row.problems.len().max(1) as f32 + 2.0);
    let amount = |v: f64| crate::units::group_thousands(v, 1);
    TableBuilder::new(ui)
        .id_salt("enterprise_import_preview")
        .striped(true)
        .max_scroll_height(room)
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::exact(44.0))
        .column(Column::initial(220.0).at_least(100.0).clip(true))
        .column(Column::exact(50.0))
        .columns(Column::initial(80.0).at_least(60.0).clip(true), 3)
        .column(Column::initial(160.0).at_least(80.0).clip(true))
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(24.0, |mut header| {
            for title in [
                lang.pick("行", "Row"),
                lang.pick("企业名称", "Enterprise"),
                lang.pick("年度", "Year"),
                lang.pick("产值(万元)", "Output (10k)"),
                lang.pick("税收(万元)", "Tax (10k)"),
                lang.pick("投资(万元)", "Invest. (10k)"),
                lang.pick("宗地", "Parcels"),
                lang.pick("问题", "Problems"),
            ] {
                header.col(|ui| header_ui(ui, title));
            }
        })
        .body(|body| {
            body.heterogeneous_rows(heights, |mut table_row| {
                let index = table_row.index();
                let (Some(row), Some(problems)) = (preview.rows.get(index), problems.get(index))
                else {
                    return;
                };
                let figures = row.figures.as_ref();
                let or_dash = |text: Option<String>| text.unwrap_or_else(|| "—".to_owned());
                table_row.col(|ui| cell_ui(ui, row.row.to_string()));
                table_row.col(|ui| {
                    cell_ui(ui, or_dash(figures.map(|f| f.enterprise.clone())));
                });
                table_row.col(|ui| cell_ui(ui, or_dash(figures.map(|f| f.year.to_string()))));
                for value in [
                    figures.map(|f| f.output_10k_yuan),
                    figures.map(|f| f.tax_10k_yuan),
                    figures.map(|f| f.investment_10k_yuan),
                ] {
                    table_row.col(|ui| {
                        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                            cell_ui(ui, or_dash(value.map(amount)));
                        });
                    });
                }
                table_row.col(|ui| {
                    let text = if row.parcels.is_empty() && figures.is_some() {
                        RichText::new(lang.pick("无宗地", "none")).color(theme::ALERT_WARNING)
                    } else {
                        RichText::new(row.parcels.join("、"))
                    };
                    cell_ui(ui, text);
                });
                table_row.col(|ui| {
                    cell_ui(
                        ui,
                        RichText::new(problems.as_str()).color(theme::ALERT_SEVERE),
                    );
                });
            });
        });
}
