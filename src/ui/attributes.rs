//! The attribute table of the parcel layer: typed columns (numbers sort as numbers, dates as
//! dates), quick filters, the count and total 亩 of what matches, only visible rows laid out;
//! selection shared with the map; copy as TSV and export as CSV.

use crate::model::{Lang, ParcelStatus, Park};
use crate::query::{ParcelQuery, SortKey, land_uses, rows_as_tsv, totals};
use crate::ui::app::Command;
use crate::ui::revision::Revision;
use crate::units::mu_from_m2;
use egui::{ComboBox, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use serde::{Deserialize, Serialize};

/// Filters and sort of the attribute table; persisted, so they survive reloads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AttributeTableState {
    pub query: ParcelQuery,
    pub sort: SortKey,
    pub descending: bool,
    /// Only parcels on the map now.
    pub only_visible: bool,
    /// Only the selected parcel.
    pub only_selected: bool,
    #[serde(skip)]
    min_text: String,
    #[serde(skip)]
    max_text: String,
    /// The selection the table last scrolled to.
    #[serde(skip)]
    scrolled_to: Option<usize>,
    /// The matching rows as last computed, and for what: filtering and sorting a million
    /// parcels takes far longer than a frame, so it is done only when something changed.
    #[serde(skip)]
    cache: Option<RowsCache>,
}

/// What the rows depend on.
#[derive(Debug, Clone, PartialEq)]
struct RowsKey {
    query: ParcelQuery,
    sort: SortKey,
    descending: bool,
    generation: Revision,
    /// Changes when the parcels' standing (status now) changes.
    standing: Revision,
    /// The map view, when only visible rows are shown.
    view: Option<u64>,
    /// The selection, when only selected rows are shown.
    selection: Option<crate::query::Selection>,
}

#[derive(Debug, Clone)]
struct RowsCache {
    key: RowsKey,
    rows: std::sync::Arc<Vec<usize>>,
    count: usize,
    area_m2: f64,
}

/// What the table needs from the rest of the window this frame.
pub struct TableContext<'a> {
    pub lang: Lang,
    pub park: &'a Park,
    /// Each parcel's status now: the table shows and filters by it.
    pub standing: &'a crate::standing::Standing,
    /// Changes when the standing is recomputed.
    pub standing_revision: Revision,
    /// The ledger's cases (for a row's context menu).
    pub cases: &'a [crate::ledger::StoredEntry],
    pub selection: &'a crate::query::Selection,
    /// Parcels whose envelope meets the map view.
    pub visible: &'a dyn Fn() -> Vec<usize>,
    /// Changes when the park's parcels change.
    pub generation: Revision,
    /// Changes when the map view changes.
    pub view: u64,
    /// Whether the account may register and edit cases (the context menu offers it then).
    pub may_edit: bool,
}

impl AttributeTableState {
    /// The rows that pass the filters, sorted.
    #[must_use]
    pub fn rows(&self, ctx: &TableContext<'_>) -> Vec<usize> {
        let mut rows = self
            .query
            .run(ctx.park, ctx.standing, self.sort, self.descending);
        if self.only_visible {
            let visible: std::collections::HashSet<usize> = (ctx.visible)().into_iter().collect();
            rows.retain(|i| visible.contains(i));
        }
        if self.only_selected {
            rows.retain(|i| ctx.selection.contains(*i));
        }
        rows
    }

    /// The rows that pass the filters, sorted, with their count and area; recomputed only
    /// when the filters, the sort, the parcels (or the view or selection they depend on)
    /// changed.
    fn cached_rows(&mut self, ctx: &TableContext<'_>) -> (std::sync::Arc<Vec<usize>>, usize, f64) {
        let key = RowsKey {
            query: self.query.clone(),
            sort: self.sort,
            descending: self.descending,
            generation: ctx.generation,
            standing: ctx.standing_revision,
            view: self.only_visible.then_some(ctx.view),
            selection: self.only_selected.then(|| ctx.selection.clone()),
        };
        if let Some(cache) = &self.cache
            && cache.key == key
        {
            return (
                std::sync::Arc::clone(&cache.rows),
                cache.count,
                cache.area_m2,
            );
        }
        let rows = self.rows(ctx);
        let (count, area_m2) = totals(ctx.park, &rows);
        let rows = std::sync::Arc::new(rows);
        self.cache = Some(RowsCache {
            key,
            rows: std::sync::Arc::clone(&rows),
            count,
            area_m2,
        });
        (rows, count, area_m2)
    }

    fn filters_ui(&mut self, ui: &mut Ui, ctx: &TableContext<'_>) {
        let lang = ctx.lang;
        let all = lang.pick("全部", "All");
        let query = &mut self.query;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("片区", "District"));
            let district_text = query
                .district
                .as_deref()
                .and_then(|c| ctx.park.district(c))
                .map_or(all, |d| d.label(lang));
            crate::ui::combo_labelled(
                ui,
                label.id,
                ComboBox::from_id_salt("attr_district").selected_text(district_text),
                |ui| {
                    ui.selectable_value(&mut query.district, None, all);
                    for d in &ctx.park.districts {
                        ui.selectable_value(
                            &mut query.district,
                            Some(d.code.clone()),
                            d.label(lang),
                        );
                    }
                },
            );
            let label = ui.label(lang.pick("用途", "Land use"));
            crate::ui::combo_labelled(
                ui,
                label.id,
                ComboBox::from_id_salt("attr_land_use")
                    .selected_text(query.land_use.as_deref().unwrap_or(all)),
                |ui| {
                    ui.selectable_value(&mut query.land_use, None, all);
                    for land_use in land_uses(ctx.park) {
                        let text = land_use.clone();
                        ui.selectable_value(&mut query.land_use, Some(land_use), text);
                    }
                },
            );
            let label = ui.label(lang.pick("状态", "Status"));
            crate::ui::combo_labelled(
                ui,
                label.id,
                ComboBox::from_id_salt("attr_status")
                    .selected_text(query.status.map_or(all, |s| s.label(lang))),
                |ui| {
                    ui.selectable_value(&mut query.status, None, all);
                    for &status in ParcelStatus::ALL {
                        ui.selectable_value(&mut query.status, Some(status), status.label(lang));
                    }
                },
            );
            let label = ui.label(lang.pick("亩数范围", "Area range (mu)"));
            for (text, bound, hint) in [
                (
                    &mut self.min_text,
                    &mut query.min_mu,
                    lang.pick("最小", "min"),
                ),
                (
                    &mut self.max_text,
                    &mut query.max_mu,
                    lang.pick("最大", "max"),
                ),
            ] {
                let response = ui
                    .add(
                        egui::TextEdit::singleline(text)
                            .desired_width(48.0)
                            .hint_text(hint),
                    )
                    .labelled_by(label.id);
                if response.changed() {
                    *bound = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
                }
            }
            let label = ui.label(lang.pick("搜索", "Search"));
            ui.add(
                egui::TextEdit::singleline(&mut query.text)
                    .desired_width(130.0)
                    .hint_text(lang.pick("编号/权利人", "no./holder")),
            )
            .labelled_by(label.id);
            ui.checkbox(
                &mut self.only_visible,
                lang.pick("仅地图范围内", "Only on the map"),
            );
            ui.checkbox(
                &mut self.only_selected,
                lang.pick("仅所选", "Only selected"),
            );
        });
    }

    /// Shows the filters, the counts and the table; pushes commands for clicks.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &TableContext<'_>, commands: &mut Vec<Command>) {
        let lang = ctx.lang;
        self.filters_ui(ui, ctx);
        let (rows, count, area_m2) = self.cached_rows(ctx);
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "{} {count} / {} {}  ·  {:.2} {}",
                    lang.pick("符合", "Matching"),
                    ctx.park.parcels.len(),
                    lang.pick("宗", "parcels"),
                    mu_from_m2(area_m2),
                    lang.pick("亩", "mu"),
                ))
                .strong(),
            );
            if ui
                .button(lang.pick("复制所选 (TSV)", "Copy selected (TSV)"))
                .clicked()
            {
                let selected: Vec<usize> = ctx.selection.iter().collect();
                ui.ctx()
                    .copy_text(rows_as_tsv(ctx.park, ctx.standing, &selected));
            }
            if ui
                .button(lang.pick("导出筛选结果 CSV…", "Export filtered as CSV…"))
                .clicked()
            {
                commands.push(Command::PickFile(crate::ui::files::FileRequest::save(
                    crate::ui::files::FileTarget::ParcelsCsv(rows.to_vec()),
                    lang.pick("导出筛选结果 CSV", "Export filtered as CSV"),
                    "parcels.csv",
                    "CSV",
                    &["csv"],
                )));
            }
        });

        // Scroll to a parcel selected elsewhere (on the map).
        let primary = ctx.selection.primary();
        let scroll_to = primary
            .filter(|s| self.scrolled_to != Some(*s))
            .and_then(|s| rows.iter().position(|&r| r == s));
        self.scrolled_to = primary;

        let headers: [(&str, SortKey); 9] = [
            (lang.pick("宗地编号", "Parcel no."), SortKey::ParcelNo),
            (lang.pick("片区", "District"), SortKey::District),
            (lang.pick("土地使用权人", "Holder"), SortKey::Holder),
            (lang.pick("土地用途", "Land use"), SortKey::LandUse),
            (lang.pick("供地时间", "Supplied"), SortKey::SuppliedOn),
            (lang.pick("状态", "Status"), SortKey::Status),
            (lang.pick("面积(亩)", "Area (mu)"), SortKey::AreaM2),
            (lang.pick("椭球面积(㎡)", "Ellipsoid (m²)"), SortKey::AreaM2),
            (lang.pick("投影面积(㎡)", "Plane (m²)"), SortKey::AreaM2),
        ];
        let mut table = TableBuilder::new(ui)
            .id_salt("attribute_table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .column(Column::initial(84.0).clip(true))
            .column(Column::initial(84.0).clip(true))
            .column(Column::initial(210.0).clip(true))
            .column(Column::initial(72.0).clip(true))
            .column(Column::initial(86.0).clip(true))
            .column(Column::initial(60.0).clip(true))
            .column(Column::initial(80.0).clip(true))
            .column(Column::initial(90.0).clip(true))
            .column(Column::remainder().at_least(80.0).clip(true));
        if let Some(row) = scroll_to {
            table = table.scroll_to_row(row, Some(egui::Align::Center));
        }
        table
            .header(22.0, |mut header| {
                for (title, key) in headers {
                    header.col(|ui| {
                        let arrow = match (self.sort == key, self.descending) {
                            (true, false) => " ▲",
                            (true, true) => " ▼",
                            (false, _) => "",
                        };
                        if ui
                            .button(RichText::new(format!("{title}{arrow}")).strong())
                            .clicked()
                        {
                            if self.sort == key {
                                self.descending = !self.descending;
                            } else {
                                self.sort = key;
                                self.descending = false;
                            }
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let Some(&index) = rows.get(row.index()) else {
                        return;
                    };
                    let Some(parcel) = ctx.park.parcels.get(index) else {
                        return;
                    };
                    row.set_selected(ctx.selection.contains(index));
                    let record = crate::query::parcel_record(ctx.park, ctx.standing, index);
                    let status = ctx
                        .standing
                        .status(index)
                        .map_or("", |s| s.label(lang))
                        .to_owned();
                    for (col, text) in record.into_iter().enumerate() {
                        let text = if col == 5 { status.clone() } else { text };
                        row.col(|ui| {
                            let layout = if col >= 6 {
                                egui::Layout::right_to_left(egui::Align::Center)
                            } else {
                                egui::Layout::left_to_right(egui::Align::Center)
                            };
                            ui.with_layout(layout, |ui| {
                                ui.add(egui::Label::new(text).selectable(false).truncate());
                            });
                        });
                    }
                    let response = row.response();
                    let case = ctx.standing.case(index, ctx.cases).map(|c| c.id);
                    response.context_menu(|ui| {
                        crate::ui::panels::parcel_context_menu_ui(
                            ui,
                            lang,
                            ctx.park,
                            index,
                            case,
                            ctx.may_edit,
                            commands,
                        );
                    });
                    let shift = ui_shift(&response);
                    if response.double_clicked() {
                        commands.push(Command::ShowParcel(parcel.parcel_no.clone()));
                    } else if response.clicked() && shift {
                        commands.push(Command::ToggleSelect(index));
                    } else if response.clicked() {
                        commands.push(Command::Select(Some(index)));
                    }
                });
            });
    }
}

fn ui_shift(response: &egui::Response) -> bool {
    response.ctx.input(|i| i.modifiers.shift)
}

/// The districts' attribute table: code, name, area, parcels and idle or low-efficiency land,
/// with the park total — the figures of `stats::park_summary`, as `parkland summary` prints.
pub fn district_table_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    summary: &crate::stats::ParkSummary,
) {
    use crate::units::group_thousands;
    use crate::units::km2_from_m2;
    let headers = [
        lang.pick("代码", "Code"),
        lang.pick("片区", "District"),
        lang.pick("面积(km²)", "Area (km²)"),
        lang.pick("面积(亩)", "Area (mu)"),
        lang.pick("宗地数", "Parcels"),
        lang.pick("宗地面积(亩)", "Parcel area (mu)"),
        lang.pick("闲置低效宗数", "Idle/low parcels"),
        lang.pick("闲置低效(亩)", "Idle/low (mu)"),
    ];
    let mut table = TableBuilder::new(ui)
        .id_salt("district_table")
        .striped(true)
        .resizable(true);
    for _ in headers {
        table = table.column(Column::auto().at_least(70.0));
    }
    table
        .header(22.0, |mut header| {
            for h in headers {
                header.col(|ui| {
                    ui.strong(h);
                });
            }
        })
        .body(|mut body| {
            let mut row = |cells: [String; 8]| {
                body.row(20.0, |mut row| {
                    for cell in cells {
                        row.col(|ui| {
                            ui.add(egui::Label::new(cell).selectable(false));
                        });
                    }
                });
            };
            for d in &summary.districts {
                let name = park
                    .district(&d.code)
                    .map_or_else(|| d.name.clone(), |x| x.label(lang).to_owned());
                row([
                    d.code.clone(),
                    name,
                    format!("{:.2}", km2_from_m2(d.area_m2)),
                    group_thousands(mu_from_m2(d.area_m2), 2),
                    d.parcels.to_string(),
                    group_thousands(mu_from_m2(d.parcel_area_m2), 2),
                    d.idle_parcels.to_string(),
                    group_thousands(mu_from_m2(d.idle_area_m2), 2),
                ]);
            }
            let t = &summary.total;
            row([
                String::new(),
                lang.pick("园区合计", "Park total").to_owned(),
                format!("{:.2}", km2_from_m2(t.area_m2)),
                group_thousands(mu_from_m2(t.area_m2), 2),
                t.parcels.to_string(),
                group_thousands(mu_from_m2(t.parcel_area_m2), 2),
                t.idle_parcels.to_string(),
                group_thousands(mu_from_m2(t.idle_area_m2), 2),
            ]);
        });
}
