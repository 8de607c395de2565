//! The 统计 (statistics) view: figure cards, the per-district table, three charts and the 预警
//! list. Every figure comes from [`crate::stats::dashboard`]; this file only lays them out.

use crate::ledger::StoredEntry;
use crate::model::{IdleKind, Lang, ParcelStatus, Park};
use crate::stats::{self, Dashboard, DistrictLedger, DistrictYield, EnterpriseYields};
use crate::ui::app::Command;
use crate::ui::ledger::{EnterpriseKey, EnterpriseRead, LedgerView};
use crate::ui::revision::{Derived, Revision};
use crate::ui::theme;
use crate::units::group_thousands;
use crate::units::{km2_from_m2, mu_from_m2};
use egui::text::LayoutJob;
use egui::{Align, Color32, FontId, Layout, RichText, Stroke, TextFormat, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{AxisHints, Bar, BarChart, Corner, GridInput, GridMark, Legend, Plot};

mod alerts;
mod cards;
mod charts;
mod compare;
mod districts;

use alerts::alerts_ui;
use cards::cards_ui;
use charts::charts_ui;
use districts::districts_ui;

/// What the central area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MainView {
    /// 地图
    #[default]
    Map,
    /// 统计
    Stats,
}

/// The tabs above the central area: 地图视图 | 统计视图.
pub fn view_tabs_ui(ui: &mut Ui, lang: Lang, view: MainView, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        for (value, label) in [
            (MainView::Map, lang.pick("地图视图", "Map view")),
            (MainView::Stats, lang.pick("统计视图", "Statistics")),
        ] {
            if ui.selectable_label(view == value, label).clicked() && view != value {
                commands.push(Command::SetView(value));
            }
        }
    });
}

/// The dashboard's figures, kept until the standing they are computed from changes (the
/// park, the ledger, the language or the day).
#[derive(Default)]
pub struct DashboardView {
    figures: Derived<Revision, Dashboard>,
    /// Enterprise figures (企业指标) read from the ledger, for the year chosen.
    enterprise: Derived<(Revision, Option<EnterpriseKey>), EnterpriseFigures>,
    /// The year chosen for 亩均 figures; the latest year when `None`.
    enterprise_year: Option<i16>,
    /// 年度对比, for the dates and cases it was computed from.
    comparison: compare::Cached,
}

/// The years with enterprise figures, and the 亩均税收 / 亩均产值 of the year shown.
struct EnterpriseFigures {
    years: Vec<i16>,
    yields: Option<EnterpriseYields>,
}

impl EnterpriseFigures {
    /// The 亩均 figures of the year the ledger read (the chosen year when it is there, else
    /// the latest), as `parkland enterprise summary` gives them.
    fn of(park: &Park, read: Option<&EnterpriseRead>) -> Self {
        let Some((years, figures)) = read else {
            return Self {
                years: Vec::new(),
                yields: None,
            };
        };
        Self {
            years: years.clone(),
            yields: figures
                .as_ref()
                .map(|(year, figures)| stats::enterprise_yields(park, figures, *year)),
        }
    }
}

/// What the 统计 view is computed from: the park, the ledger's cases and where each parcel
/// stands (the window's, not computed again), and the open ledger for enterprise figures.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub park: &'a Park,
    pub entries: &'a [StoredEntry],
    pub standing: &'a crate::standing::Standing,
    pub ledger: &'a LedgerView,
    /// Changes whenever the standing is recomputed: when any of the above changed.
    pub revision: Revision,
}

impl DashboardView {
    /// The whole view, scrolling.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        sources: &Sources<'_>,
        commands: &mut Vec<Command>,
    ) {
        let park = sources.park;
        let read = sources.ledger.enterprise(self.enterprise_year);
        let key = (sources.revision, read.as_ref().map(|(key, _)| *key));
        let enterprise = self.enterprise.get(key, || {
            EnterpriseFigures::of(park, read.as_ref().map(|(_, read)| read.as_ref()))
        });
        let figures = self.figures.get(sources.revision, || {
            stats::dashboard_with(park, sources.entries, sources.standing)
        });
        let mut new_year = None;
        egui::Frame::central_panel(ui.style()).show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.heading(lang.pick("园区统计", "Park statistics"));
                        ui.label(
                            RichText::new(format!(
                                "{} {}",
                                lang.pick("统计日期", "As of"),
                                figures.today
                            ))
                            .weak(),
                        );
                        // Which area every figure below uses.
                        ui.label(RichText::new(figures.park.area_caption(lang)).weak());
                    });
                    ui.add_space(6.0);
                    cards_ui(ui, lang, figures);
                    ui.add_space(14.0);
                    districts_ui(ui, lang, park, figures, enterprise, &mut new_year);
                    ui.add_space(14.0);
                    charts_ui(ui, lang, park, figures);
                    ui.add_space(14.0);
                    alerts_ui(ui, lang, park, figures, commands);
                    ui.add_space(14.0);
                    if sources.ledger.is_open() {
                        // Closed until asked for: opening it rebuilds the ledger at two dates.
                        egui::CollapsingHeader::new(
                            RichText::new(lang.pick("年度对比", "Year on year")).heading(),
                        )
                        .id_salt("year_on_year")
                        .default_open(false)
                        .show(ui, |ui| {
                            compare::compare_ui(
                                ui,
                                lang,
                                park,
                                sources.revision,
                                sources.ledger,
                                &mut self.comparison,
                                commands,
                            );
                        });
                    }
                });
        });
        if let Some(year) = new_year {
            self.enterprise_year = Some(year);
        }
    }
}

/// A district row's name in the interface language; "未分区" for cases without one.
fn district_label(lang: Lang, park: &Park, row: &DistrictLedger) -> String {
    match &row.code {
        Some(code) => park
            .district(code)
            .map_or_else(|| row.name.clone(), |d| d.label(lang).to_owned()),
        None => lang.pick("未分区", "No district").to_owned(),
    }
}

/// The width a column needs for the longest of some texts (in the body font), at least `min`.
fn text_column_width<'a>(ui: &Ui, texts: impl Iterator<Item = &'a str>, min: f32) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    texts
        .map(|t| {
            ui.painter()
                .layout_no_wrap(t.to_owned(), font.clone(), Color32::PLACEHOLDER)
                .size()
                .x
                + 12.0
        })
        .fold(min, f32::max)
}

/// A right-aligned number cell.
fn number_cell(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        ui.add(egui::Label::new(text).selectable(false));
    });
}
