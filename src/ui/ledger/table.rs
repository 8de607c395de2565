//! The ledger table: sortable, filterable by district, kind, method, progress and text;
//! only visible rows are laid out.

use crate::ledger::StoredEntry;
use crate::model::{DisposalMethod, IdleKind, Lang, Park, Progress};
use crate::ui::theme;
use crate::units::mu_from_m2;
use egui::{ComboBox, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use jiff::civil::Date;
use std::cmp::Ordering;

/// Columns the table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    #[default]
    ParcelNo,
    District,
    Kind,
    Progress,
    AreaMu,
    RevitalizedMu,
    RevitalizedFloor,
    Deadline,
}

/// Filters and sort of the ledger table.
#[derive(Debug, Clone, Default)]
pub struct LedgerTableState {
    pub district: Option<String>,
    pub kind: Option<IdleKind>,
    pub method: Option<DisposalMethod>,
    pub progress: Option<Progress>,
    pub search: String,
    pub sort: SortColumn,
    pub descending: bool,
}

/// What a click in the table asks for.
#[derive(Debug, Clone)]
pub enum TableAction {
    /// Select (and zoom to) the parcel of a row.
    Select(String),
    /// Open a case in the form.
    Edit(i64),
    /// What a row's context menu asked for.
    Commands(Vec<crate::ui::app::Command>),
}

impl LedgerTableState {
    /// The rows that pass the filters, sorted.
    #[must_use]
    pub fn rows<'a>(&self, entries: &'a [StoredEntry]) -> Vec<&'a StoredEntry> {
        let needle = self.search.trim().to_lowercase();
        let mut rows: Vec<&StoredEntry> = entries
            .iter()
            .filter(|s| {
                let e = &s.entry;
                self.district
                    .as_ref()
                    .is_none_or(|d| e.district.as_ref() == Some(d))
                    && self.kind.is_none_or(|k| e.kind == k)
                    && self.method.is_none_or(|m| e.methods.contains(&m))
                    && self.progress.is_none_or(|p| e.progress == p)
                    && (needle.is_empty()
                        || e.parcel_no.to_lowercase().contains(&needle)
                        || e.holder
                            .as_deref()
                            .is_some_and(|h| h.to_lowercase().contains(&needle))
                        || e.new_project.to_lowercase().contains(&needle)
                        || e.notes.to_lowercase().contains(&needle))
            })
            .collect();
        let key = |a: &&StoredEntry, b: &&StoredEntry| -> Ordering {
            let (a, b) = (&a.entry, &b.entry);
            match self.sort {
                SortColumn::ParcelNo => a.parcel_no.cmp(&b.parcel_no),
                SortColumn::District => a.district.cmp(&b.district),
                SortColumn::Kind => a.kind.cmp(&b.kind),
                SortColumn::Progress => a.progress.cmp(&b.progress),
                SortColumn::AreaMu => a.idle_land_m2.total_cmp(&b.idle_land_m2),
                SortColumn::RevitalizedMu => {
                    a.revitalized_land_m2.total_cmp(&b.revitalized_land_m2)
                }
                SortColumn::RevitalizedFloor => a
                    .revitalized_building_m2
                    .total_cmp(&b.revitalized_building_m2),
                SortColumn::Deadline => a.deadline.cmp(&b.deadline),
            }
        };
        rows.sort_by(|a, b| {
            let order = key(a, b).then(a.id.cmp(&b.id));
            if self.descending {
                order.reverse()
            } else {
                order
            }
        });
        rows
    }

    fn filters_ui(&mut self, ui: &mut Ui, lang: Lang, park: &Park) {
        let all = lang.pick("全部", "All");
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("片区", "District"));
            crate::ui::combo_labelled(
                ui,
                label.id,
                ComboBox::from_id_salt("ledger_filter_district").selected_text(
                    self.district
                        .as_deref()
                        .and_then(|c| park.district(c))
                        .map_or(all, |d| d.label(lang)),
                ),
                |ui| {
                    ui.selectable_value(&mut self.district, None, all);
                    for d in &park.districts {
                        ui.selectable_value(
                            &mut self.district,
                            Some(d.code.clone()),
                            d.label(lang),
                        );
                    }
                },
            );
            let label = ui.label(lang.pick("类型", "Kind"));
            enum_filter(
                ui,
                label.id,
                "ledger_filter_kind",
                &mut self.kind,
                IdleKind::ALL,
                |k| k.label(lang),
                all,
            );
            let label = ui.label(lang.pick("处置方式", "Method"));
            enum_filter(
                ui,
                label.id,
                "ledger_filter_method",
                &mut self.method,
                DisposalMethod::ALL,
                |m| m.label(lang),
                all,
            );
            let label = ui.label(lang.pick("进度", "Progress"));
            enum_filter(
                ui,
                label.id,
                "ledger_filter_progress",
                &mut self.progress,
                Progress::ALL,
                |p| p.label(lang),
                all,
            );
            let label = ui.label(lang.pick("搜索", "Search"));
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .desired_width(140.0)
                    .hint_text(lang.pick("编号/权利人", "no./holder")),
            )
            .labelled_by(label.id);
        });
    }

    /// Shows filters and the table; returns what a click asked for.
    #[allow(
        clippy::too_many_arguments,
        reason = "what the table shows and what the account may do, each from the window"
    )]
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        entries: &[StoredEntry],
        park: &Park,
        today: Date,
        selected_parcel: Option<&str>,
        may_edit: bool,
    ) -> Option<TableAction> {
        self.filters_ui(ui, lang, park);
        let rows = self.rows(entries);
        // The shown rows' figures, by the one function every figure comes from.
        let figures = crate::stats::summarize_cases(
            &rows
                .iter()
                .map(|s| crate::stats::CaseFigures::from(*s))
                .collect::<Vec<_>>(),
        );
        let (idle_m2, revitalized_m2, floor_m2) = (
            figures.idle_area_m2,
            figures.revitalized_land_m2,
            figures.revitalized_building_m2,
        );
        ui.label(format!(
            "{} {} / {}  ·  {:.2} {}  ·  {} {:.2} {} {:.0} m²",
            lang.pick("显示", "Showing"),
            rows.len(),
            entries.len(),
            mu_from_m2(idle_m2),
            lang.pick("亩", "mu"),
            lang.pick("盘活", "revitalized"),
            mu_from_m2(revitalized_m2),
            lang.pick("亩", "mu"),
            floor_m2
        ));
        let mut action = None;
        let headers: [(&str, SortColumn); 9] = [
            (lang.pick("宗地编号", "Parcel"), SortColumn::ParcelNo),
            (lang.pick("片区", "District"), SortColumn::District),
            (lang.pick("类型", "Kind"), SortColumn::Kind),
            (lang.pick("处置方式", "Methods"), SortColumn::ParcelNo),
            (lang.pick("进度", "Progress"), SortColumn::Progress),
            (lang.pick("面积(亩)", "Area (mu)"), SortColumn::AreaMu),
            (
                lang.pick("盘活(亩)", "Revit. (mu)"),
                SortColumn::RevitalizedMu,
            ),
            (
                lang.pick("盘活厂房(㎡)", "Revit. floor (m²)"),
                SortColumn::RevitalizedFloor,
            ),
            (lang.pick("完成时限", "Deadline"), SortColumn::Deadline),
        ];
        TableBuilder::new(ui)
            .id_salt("ledger_table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .column(Column::initial(84.0).at_least(60.0).clip(true))
            .column(Column::initial(84.0).clip(true))
            .column(Column::initial(72.0).clip(true))
            .column(Column::initial(110.0).clip(true))
            .column(Column::initial(62.0).clip(true))
            .columns(Column::initial(74.0).clip(true), 2)
            .column(Column::initial(96.0).clip(true))
            .column(Column::initial(84.0).clip(true))
            .column(Column::remainder().at_least(60.0).clip(true))
            .header(22.0, |mut header| {
                for (i, (title, column)) in headers.iter().enumerate() {
                    header.col(|ui| {
                        let arrow = if self.sort == *column && i != 3 {
                            if self.descending { " ▼" } else { " ▲" }
                        } else {
                            ""
                        };
                        if i == 3 {
                            ui.strong(*title);
                        } else if ui
                            .button(RichText::new(format!("{title}{arrow}")).strong())
                            .clicked()
                        {
                            if self.sort == *column {
                                self.descending = !self.descending;
                            } else {
                                self.sort = *column;
                                self.descending = false;
                            }
                        }
                    });
                }
                header.col(|ui| {
                    ui.strong(lang.pick("预警", "Alerts"));
                });
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let Some(stored) = rows.get(row.index()) else {
                        return;
                    };
                    let e = &stored.entry;
                    row.set_selected(selected_parcel == Some(e.parcel_no.as_str()));
                    let district = e
                        .district
                        .as_deref()
                        .map_or("—", |c| park.district(c).map_or(c, |d| d.label(lang)));
                    let methods = e.methods_label(lang);
                    let cells = [
                        e.parcel_no.clone(),
                        district.to_owned(),
                        e.kind.label(lang).to_owned(),
                        methods,
                        e.progress.label(lang).to_owned(),
                        format!("{:.2}", mu_from_m2(e.idle_land_m2)),
                        format!("{:.2}", mu_from_m2(e.revitalized_land_m2)),
                        format!("{:.0}", e.revitalized_building_m2),
                        e.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    ];
                    // Not selectable, so that a click on the text selects the row.
                    for text in cells {
                        row.col(|ui| {
                            ui.add(egui::Label::new(text).selectable(false).truncate());
                        });
                    }
                    row.col(|ui| {
                        let alerts = crate::standing::Alert::of_case(e, today).reasons(lang);
                        ui.add(
                            egui::Label::new(RichText::new(alerts).color(theme::ERROR_TEXT))
                                .selectable(false)
                                .truncate(),
                        );
                    });
                    let response = row.response();
                    if response.double_clicked() && may_edit {
                        action = Some(TableAction::Edit(stored.id));
                    } else if response.clicked() {
                        action = Some(TableAction::Select(e.parcel_no.clone()));
                    }
                    response.context_menu(|ui| {
                        let Some(index) =
                            park.parcels.iter().position(|p| p.parcel_no == e.parcel_no)
                        else {
                            ui.label(lang.pick("宗地不在当前图层", "The parcel is not loaded"));
                            return;
                        };
                        let mut commands = Vec::new();
                        crate::ui::panels::parcel_context_menu_ui(
                            ui,
                            lang,
                            park,
                            index,
                            Some(stored.id),
                            may_edit,
                            &mut commands,
                        );
                        if !commands.is_empty() {
                            action = Some(TableAction::Commands(commands));
                        }
                    });
                });
            });
        action
    }
}

fn enum_filter<T: Copy + PartialEq>(
    ui: &mut Ui,
    label_id: egui::Id,
    id: &str,
    value: &mut Option<T>,
    all_values: &[T],
    label: impl Fn(T) -> &'static str,
    all: &'static str,
) {
    ui.label_inputs_by(label_id, |ui| {
        ComboBox::from_id_salt(id)
            .selected_text(value.map_or(all, &label))
            .show_ui(ui, |ui| {
                ui.selectable_value(value, None, all);
                for &v in all_values {
                    ui.selectable_value(value, Some(v), label(v));
                }
            });
    });
}
