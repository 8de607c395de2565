//! The 统计 (statistics) view: figure cards, the per-district table, three charts and the 预警
//! list. Every figure comes from [`crate::stats::dashboard`]; this file only lays them out.

use crate::ledger::{Ledger, StoredEntry};
use crate::model::{IdleKind, Lang, ParcelStatus, Park};
use crate::stats::{self, Dashboard, DistrictLedger, DistrictYield, EnterpriseYields};
use crate::ui::app::Command;
use crate::ui::theme;
use crate::units::group_thousands;
use crate::units::{km2_from_m2, mu_from_m2};
use egui::text::LayoutJob;
use egui::{Align, Color32, FontId, Layout, RichText, Stroke, TextFormat, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{AxisHints, Bar, BarChart, Corner, GridInput, GridMark, Legend, Plot};
use jiff::civil::Date;

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

/// The dashboard's figures, kept until the park or the ledger changes or the day turns.
#[derive(Default)]
pub struct DashboardView {
    figures: Option<Dashboard>,
    /// Enterprise figures (企业指标) read from the ledger, until the next change.
    enterprise: Option<EnterpriseFigures>,
    /// The year chosen for 亩均 figures; the latest year when `None`.
    enterprise_year: Option<i16>,
}

/// The years with enterprise figures, and the 亩均税收 / 亩均产值 of the year shown.
struct EnterpriseFigures {
    years: Vec<i16>,
    yields: Option<EnterpriseYields>,
}

impl EnterpriseFigures {
    /// Reads the chosen year's figures (the latest year when not chosen or not there), as
    /// `parkland enterprise summary` does.
    fn read(park: &Park, store: Option<&Ledger>, chosen: Option<i16>) -> Self {
        let years = store
            .and_then(|s| s.enterprise_years().ok())
            .unwrap_or_default();
        let year = chosen
            .filter(|y| years.contains(y))
            .or_else(|| years.last().copied());
        let yields = year.and_then(|year| {
            let figures = store?.enterprise_figures(Some(year)).ok()?;
            Some(stats::enterprise_yields(park, &figures, year))
        });
        Self { years, yields }
    }
}

impl DashboardView {
    /// Forgets the figures (the park, the ledger or the language changed).
    pub fn invalidate(&mut self) {
        self.figures = None;
        self.enterprise = None;
    }

    /// The figures on `today`, computed again only when needed.
    pub fn figures(&mut self, park: &Park, entries: &[StoredEntry], today: Date) -> &Dashboard {
        if self.figures.as_ref().is_some_and(|f| f.today != today) {
            self.figures = None;
        }
        self.figures
            .get_or_insert_with(|| stats::dashboard(park, entries, today))
    }

    /// The whole view, scrolling.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        park: &Park,
        entries: &[StoredEntry],
        store: Option<&Ledger>,
        commands: &mut Vec<Command>,
    ) {
        self.figures(park, entries, crate::ui::ledger::today());
        let chosen = self.enterprise_year;
        let enterprise = self
            .enterprise
            .get_or_insert_with(|| EnterpriseFigures::read(park, store, chosen));
        let Some(figures) = self.figures.as_ref() else {
            return;
        };
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
                    });
                    ui.add_space(6.0);
                    cards_ui(ui, lang, figures);
                    ui.add_space(14.0);
                    districts_ui(ui, lang, park, figures, enterprise, &mut new_year);
                    ui.add_space(14.0);
                    charts_ui(ui, lang, park, figures);
                    ui.add_space(14.0);
                    alerts_ui(ui, lang, park, figures, commands);
                });
        });
        if let Some(year) = new_year {
            self.enterprise_year = Some(year);
            self.enterprise = None;
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

/// One figure card: title, value with its unit, a line of detail.
struct Card {
    title: &'static str,
    value: String,
    unit: &'static str,
    detail: String,
    accent: Color32,
}

fn cards_ui(ui: &mut Ui, lang: Lang, f: &Dashboard) {
    let total = &f.park.total;
    let ledger = &f.ledger;
    let alerts = &f.alert_counts;
    let cards = [
        Card {
            title: lang.pick("园区面积", "Park area"),
            value: group_thousands(km2_from_m2(total.area_m2), 2),
            unit: "km²",
            detail: format!(
                "{} {} · {} {}",
                group_thousands(mu_from_m2(total.area_m2), 0),
                lang.pick("亩", "mu"),
                f.park.districts.len(),
                lang.pick("个片区", "districts")
            ),
            accent: theme::CARD_PARK,
        },
        Card {
            title: lang.pick("宗地", "Parcels"),
            value: group_thousands(total.parcels as f64, 0),
            unit: lang.pick("宗", "parcels"),
            detail: format!(
                "{} {} {}",
                lang.pick("合计", "total"),
                group_thousands(mu_from_m2(total.parcel_area_m2), 2),
                lang.pick("亩", "mu")
            ),
            accent: theme::status_fill(Some(ParcelStatus::InUse)),
        },
        Card {
            title: lang.pick("台账登记", "Cases registered"),
            value: group_thousands(mu_from_m2(ledger.idle_area_m2), 2),
            unit: lang.pick("亩", "mu"),
            detail: format!(
                "{} {}{}",
                ledger.entries,
                lang.pick("件案件", "cases"),
                if ledger.duplicate_cases > 0 {
                    match lang {
                        Lang::Zh => format!(" · 重复登记 {} 件未计", ledger.duplicate_cases),
                        Lang::En => {
                            format!(" · {} duplicates not counted", ledger.duplicate_cases)
                        }
                    }
                } else {
                    String::new()
                }
            ),
            accent: theme::status_fill(Some(ParcelStatus::LowEfficiency)),
        },
        Card {
            title: lang.pick("现闲置低效宗地", "Idle or low-efficiency now"),
            value: group_thousands(mu_from_m2(total.idle_area_m2), 2),
            unit: lang.pick("亩", "mu"),
            detail: format!("{} {}", total.idle_parcels, lang.pick("宗宗地", "parcels")),
            accent: theme::status_fill(Some(ParcelStatus::Idle)),
        },
        Card {
            title: lang.pick("盘活土地", "Revitalized land"),
            value: group_thousands(mu_from_m2(ledger.revitalized_land_m2), 2),
            unit: lang.pick("亩", "mu"),
            detail: format!(
                "{} {} {}",
                lang.pick("已盘活", "from"),
                f.revitalized_entries,
                lang.pick("宗", "cases")
            ),
            accent: theme::CHART_REVITALIZED,
        },
        Card {
            title: lang.pick("盘活厂房", "Revitalized factory floor"),
            value: group_thousands(ledger.revitalized_building_m2, 0),
            unit: "m²",
            detail: format!(
                "{} {} m²",
                lang.pick("闲置厂房", "idle floor"),
                group_thousands(f.idle_building_m2, 0)
            ),
            accent: theme::CHART_REVITALIZED,
        },
        Card {
            title: lang.pick("预警", "Alerts"),
            value: alerts.entries.to_string(),
            unit: lang.pick("宗", "parcels"),
            detail: match lang {
                Lang::Zh => format!(
                    "逾期 {} · 满一年 {} · 满两年 {} · 未登记 {} · 重复 {}",
                    alerts.overdue,
                    alerts.over_one_year,
                    alerts.over_two_years,
                    f.unregistered,
                    f.duplicate_cases
                ),
                Lang::En => format!(
                    "overdue {} · 1y+ {} · 2y+ {} · unregistered {} · duplicate {}",
                    alerts.overdue,
                    alerts.over_one_year,
                    alerts.over_two_years,
                    f.unregistered,
                    f.duplicate_cases
                ),
            },
            accent: if alerts.entries > 0 {
                theme::ALERT_SEVERE
            } else {
                theme::CHART_REVITALIZED
            },
        },
    ];
    // As many cards in a row as fit at 200 points or more, all of one width.
    let gap = ui.spacing().item_spacing.x;
    let available = ui.available_width();
    let per_row = (((available + gap) / (200.0 + gap)).floor() as usize).clamp(1, cards.len());
    let width = (available - gap * (per_row - 1) as f32) / per_row as f32;
    for row in cards.chunks(per_row) {
        ui.horizontal(|ui| {
            for card in row {
                card_ui(ui, width, card);
            }
        });
    }
}

fn card_ui(ui: &mut Ui, width: f32, card: &Card) {
    let visuals = ui.visuals().clone();
    let response = egui::Frame::new()
        .fill(visuals.extreme_bg_color)
        .stroke(visuals.widgets.noninteractive.bg_stroke)
        .corner_radius(6)
        .inner_margin(egui::Margin {
            left: 14,
            right: 10,
            top: 8,
            bottom: 8,
        })
        .show(ui, |ui| {
            ui.set_width((width - 26.0).max(40.0));
            ui.vertical(|ui| card_contents_ui(ui, card, &visuals));
        })
        .response;
    let rect = response.rect;
    let strip = egui::Rect::from_min_max(rect.min, egui::pos2(rect.min.x + 4.0, rect.max.y));
    ui.painter().rect_filled(
        strip,
        egui::CornerRadius {
            nw: 6,
            sw: 6,
            ne: 0,
            se: 0,
        },
        card.accent,
    );
}

fn card_contents_ui(ui: &mut Ui, card: &Card, visuals: &egui::Visuals) {
    ui.label(RichText::new(card.title).color(visuals.text_color()));
    let mut value = LayoutJob::default();
    value.append(
        &card.value,
        0.0,
        TextFormat {
            font_id: FontId::proportional(24.0),
            color: visuals.strong_text_color(),
            valign: Align::BOTTOM,
            ..TextFormat::default()
        },
    );
    // A real space, so that the label reads "536.00 亩" to a screen reader too.
    value.append(
        &format!(" {}", card.unit),
        0.0,
        TextFormat {
            font_id: FontId::proportional(14.0),
            color: visuals.text_color(),
            valign: Align::BOTTOM,
            ..TextFormat::default()
        },
    );
    ui.add(egui::Label::new(value).wrap_mode(egui::TextWrapMode::Truncate));
    ui.add(
        egui::Label::new(RichText::new(&card.detail).size(12.0).weak())
            .wrap_mode(egui::TextWrapMode::Truncate),
    );
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

/// What the 亩均 columns are: the year (a selector when there are several) and its coverage.
fn enterprise_heading_ui(
    ui: &mut Ui,
    lang: Lang,
    enterprise: &EnterpriseFigures,
    new_year: &mut Option<i16>,
) {
    let Some(yields) = &enterprise.yields else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.pick("企业指标年度", "Enterprise figures of"));
        if enterprise.years.len() > 1 {
            crate::ui::combo_labelled(
                ui,
                label.id,
                egui::ComboBox::from_id_salt("dashboard_enterprise_year")
                    .selected_text(yields.year.to_string()),
                |ui| {
                    for &year in enterprise.years.iter().rev() {
                        if ui
                            .selectable_label(year == yields.year, year.to_string())
                            .clicked()
                        {
                            *new_year = Some(year);
                        }
                    }
                },
            );
        } else {
            ui.label(RichText::new(yields.year.to_string()).strong());
        }
        let total = &yields.total;
        ui.label(
            RichText::new(match lang {
                Lang::Zh => format!(
                    "亩均税收、亩均产值单位 万元/亩：{} 家企业，{} 宗宗地 {} 亩有指标",
                    total.enterprises,
                    total.parcels,
                    group_thousands(mu_from_m2(total.area_m2), 2)
                ),
                Lang::En => format!(
                    "tax and output per mu in 10k yuan/mu: {} enterprise(s) on {} parcel(s), {} mu with figures",
                    total.enterprises,
                    total.parcels,
                    group_thousands(mu_from_m2(total.area_m2), 2)
                ),
            })
            .weak(),
        );
        if !yields.unlinked.is_empty() {
            ui.label(
                RichText::new(match lang {
                    Lang::Zh => format!("{} 家企业无宗地，未计入", yields.unlinked.len()),
                    Lang::En => format!("{} enterprise(s) hold no parcel", yields.unlinked.len()),
                })
                .color(theme::ALERT_WARNING),
            );
        }
    });
}

/// 亩均税收 and 亩均产值 (万元/亩) as `parkland enterprise summary` prints them.
fn per_mu_cells(row: Option<&DistrictYield>) -> [String; 2] {
    let text = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"));
    [
        text(row.and_then(|r| r.tax_per_mu)),
        text(row.and_then(|r| r.output_per_mu)),
    ]
}

fn districts_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    f: &Dashboard,
    enterprise: &EnterpriseFigures,
    new_year: &mut Option<i16>,
) {
    ui.heading(lang.pick("分片区统计", "By district"));
    enterprise_heading_ui(ui, lang, enterprise, new_year);
    let yields = enterprise.yields.as_ref();
    let mu = lang.pick("亩", "mu");
    let mut headers: Vec<String> = vec![
        lang.pick("片区", "District").to_owned(),
        lang.pick("面积(km²)", "Area (km²)").to_owned(),
        format!("{}({mu})", lang.pick("面积", "Area ")),
        lang.pick("宗地(宗)", "Parcels").to_owned(),
        lang.pick("登记案件(宗)", "Cases registered").to_owned(),
        format!(
            "{}({mu})",
            lang.pick("登记闲置低效", "Registered idle/low ")
        ),
        lang.pick("闲置厂房(m²)", "Idle floor (m²)").to_owned(),
        format!("{}({mu})", lang.pick("盘活土地", "Revit. land ")),
        lang.pick("盘活厂房(m²)", "Revit. floor (m²)").to_owned(),
        lang.pick("预警(宗)", "Alerts").to_owned(),
    ];
    // ENTERPRISE FIGURES: 亩均税收 / 亩均产值 (万元/亩) of the year shown, from
    // `stats::enterprise_yields`, when the ledger has enterprise figures.
    if yields.is_some() {
        headers.push(lang.pick("亩均税收", "Tax/mu").to_owned());
        headers.push(lang.pick("亩均产值", "Output/mu").to_owned());
    }
    let per_mu = |code: Option<&str>| {
        yields.map(|y| per_mu_cells(code.and_then(|c| y.districts.iter().find(|d| d.code == c))))
    };
    let dash = || "—".to_owned();
    let mut rows: Vec<(String, Vec<String>)> = f
        .districts
        .iter()
        .map(|d| {
            let area = d
                .code
                .as_deref()
                .and_then(|code| f.park.districts.iter().find(|p| p.code == code));
            let mut cells = vec![
                area.map_or_else(dash, |a| format!("{:.2}", km2_from_m2(a.area_m2))),
                area.map_or_else(dash, |a| group_thousands(mu_from_m2(a.area_m2), 0)),
                area.map_or_else(dash, |a| group_thousands(a.parcels as f64, 0)),
                d.entries.to_string(),
                group_thousands(mu_from_m2(d.idle_land_m2), 2),
                group_thousands(d.idle_building_m2, 0),
                group_thousands(mu_from_m2(d.revitalized_land_m2), 2),
                group_thousands(d.revitalized_building_m2, 0),
                d.alerts.to_string(),
            ];
            cells.extend(per_mu(d.code.as_deref()).into_iter().flatten());
            (district_label(lang, park, d), cells)
        })
        .collect();
    let total = &f.park.total;
    let mut total_cells = vec![
        format!("{:.2}", km2_from_m2(total.area_m2)),
        group_thousands(mu_from_m2(total.area_m2), 0),
        group_thousands(total.parcels as f64, 0),
        f.ledger.entries.to_string(),
        group_thousands(mu_from_m2(f.ledger.idle_area_m2), 2),
        group_thousands(f.idle_building_m2, 0),
        group_thousands(mu_from_m2(f.ledger.revitalized_land_m2), 2),
        group_thousands(f.ledger.revitalized_building_m2, 0),
        f.alert_counts.entries.to_string(),
    ];
    total_cells.extend(
        yields
            .map(|y| per_mu_cells(Some(&y.total)))
            .into_iter()
            .flatten(),
    );
    rows.push((lang.pick("园区合计", "Park total").to_owned(), total_cells));
    let total_row = rows.len() - 1;
    let name_width = text_column_width(ui, rows.iter().map(|(name, _)| name.as_str()), 90.0);
    // Its own horizontal scroll, so that a narrow window does not widen the charts below.
    egui::ScrollArea::horizontal()
        .id_salt("dashboard_districts")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("dashboard_districts")
                .striped(true)
                .vscroll(false)
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::initial(name_width).at_least(90.0).clip(true))
                .columns(
                    Column::initial(98.0).at_least(70.0).clip(true),
                    headers.len() - 1,
                )
                .header(24.0, |mut header| {
                    for (i, title) in headers.iter().enumerate() {
                        header.col(|ui| {
                            let text = RichText::new(title.as_str()).strong();
                            if i == 0 {
                                ui.add(egui::Label::new(text).selectable(false));
                            } else {
                                number_cell(ui, text);
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, rows.len(), |mut row| {
                        let index = row.index();
                        let Some((name, cells)) = rows.get(index) else {
                            return;
                        };
                        let strong = index == total_row;
                        let text = |t: &str| {
                            let text = RichText::new(t);
                            if strong { text.strong() } else { text }
                        };
                        row.col(|ui| {
                            ui.add(egui::Label::new(text(name)).selectable(false).truncate());
                        });
                        for cell in cells {
                            row.col(|ui| number_cell(ui, text(cell)));
                        }
                    });
                });
        });
}

#[derive(Debug, Clone, Copy)]
enum Chart {
    Kinds,
    Methods,
    Months,
}

fn charts_ui(ui: &mut Ui, lang: Lang, park: &Park, f: &Dashboard) {
    let available = ui.available_width();
    let per_row = if available >= 1000.0 {
        3
    } else if available >= 640.0 {
        2
    } else {
        1
    };
    let charts = [Chart::Kinds, Chart::Methods, Chart::Months];
    for row in charts.chunks(per_row) {
        ui.columns(per_row, |columns| {
            for (ui, chart) in columns.iter_mut().zip(row) {
                match chart {
                    Chart::Kinds => kinds_chart_ui(ui, lang, park, f),
                    Chart::Methods => methods_chart_ui(ui, lang, f),
                    Chart::Months => months_chart_ui(ui, lang, f),
                }
            }
        });
        ui.add_space(10.0);
    }
}

const CHART_HEIGHT: f32 = 240.0;

fn chart_title_ui(ui: &mut Ui, title: &str, caption: &str) {
    ui.label(RichText::new(title).strong());
    ui.label(RichText::new(caption).size(12.0).weak());
}

/// A static chart: no pan, zoom or cursor read-out; [`category_tooltip`] says what a bar is.
fn static_plot(id: &str) -> Plot<'static> {
    Plot::new(id)
        .height(CHART_HEIGHT)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .show_crosshair(false)
        .set_margin_fraction(egui::vec2(0.04, 0.08))
}

/// Grid marks at round values (1, 2 or 5 × 10ⁿ) at least `points` apart on screen; whole
/// numbers only when the axis counts cases.
fn round_marks(input: &GridInput, points: f64, whole: bool) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    // `base_step_size` is the value of 8 points on screen (the plot's smallest grid spacing).
    let wanted =
        (input.base_step_size * points / 8.0).max(if whole { 1.0 } else { f64::MIN_POSITIVE });
    if !wanted.is_finite() || !low.is_finite() || !high.is_finite() || high <= low {
        return Vec::new();
    }
    let magnitude = 10_f64.powf(wanted.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= wanted)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last.min(first + 1000))
        .map(|i| GridMark {
            value: i as f64 * step,
            step_size: step,
        })
        .collect()
}

/// Grid marks at every `stride`-th category (0, 1, 2, … on the axis).
fn category_marks(input: &GridInput, count: usize, stride: usize) -> Vec<GridMark> {
    let stride = stride.max(1);
    let (low, high) = input.bounds;
    (0..count)
        .filter(|i| i % stride == 0)
        .map(|i| i as f64)
        .filter(|v| (low..=high).contains(v))
        .map(|value| GridMark {
            value,
            step_size: stride as f64,
        })
        .collect()
}

/// The name of the category at an axis value, empty between categories.
fn category_name(names: &[String], value: f64) -> String {
    let index = value.round();
    if (value - index).abs() > 1e-6 || index < 0.0 {
        return String::new();
    }
    names.get(index as usize).cloned().unwrap_or_default()
}

/// Bars of one colour, with a darker edge.
fn bar(argument: usize, value: f64, name: &str, color: Color32) -> Bar {
    Bar::new(argument as f64, value)
        .name(name)
        .fill(color)
        .stroke(Stroke::new(1.0, color.gamma_multiply(0.8)))
        .width(0.6)
}

/// A tooltip at the pointer for the category under it (bars are 0.6 wide around whole
/// numbers on the category axis: y for horizontal bars, x for vertical ones).
fn category_tooltip(plot: egui_plot::PlotResponse<()>, horizontal: bool, texts: &[String]) {
    let Some(pos) = plot.response.hover_pos() else {
        return;
    };
    let value = plot.transform.value_from_position(pos);
    let at = if horizontal { value.y } else { value.x };
    let index = at.round();
    if (at - index).abs() <= 0.35
        && index >= 0.0
        && let Some(text) = texts.get(index as usize)
    {
        plot.response.on_hover_text_at_pointer(text);
    }
}

fn kinds_chart_ui(ui: &mut Ui, lang: Lang, park: &Park, f: &Dashboard) {
    chart_title_ui(
        ui,
        lang.pick(
            "台账登记闲置低效用地（亩）",
            "Idle & low-efficiency land registered (mu)",
        ),
        lang.pick("按片区和类型", "by district and kind"),
    );
    let names: Vec<String> = f
        .districts
        .iter()
        .map(|d| district_label(lang, park, d))
        .collect();
    let mut charts: Vec<BarChart> = Vec::new();
    let mut shown: Vec<IdleKind> = Vec::new();
    for &kind in IdleKind::ALL {
        let values: Vec<f64> = f
            .districts
            .iter()
            .map(|d| mu_from_m2(d.idle_land_of_kind_m2(kind)))
            .collect();
        if values.iter().all(|v| *v <= 0.0) {
            continue;
        }
        let color = theme::rgb(crate::style::kind_color(Some(kind)));
        let bars = values
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(i, (v, name))| bar(i, *v, name, color))
            .collect();
        let below: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(kind.label(lang), bars)
            .color(color)
            .stack_on(&below);
        shown.push(kind);
        charts.push(chart);
    }
    let (mu, cases) = (lang.pick("亩", "mu"), lang.pick("宗", "cases"));
    let texts: Vec<String> = f
        .districts
        .iter()
        .zip(&names)
        .map(|(d, name)| {
            let line = |label: &str, area_m2: f64, n: usize| {
                format!(
                    "{label} {} {mu} · {n} {cases}",
                    group_thousands(mu_from_m2(area_m2), 2)
                )
            };
            let mut lines = vec![name.clone()];
            lines.extend(
                d.by_kind
                    .iter()
                    .filter(|k| shown.contains(&k.kind))
                    .map(|k| line(k.kind.label(lang), k.idle_land_m2, k.entries)),
            );
            lines.push(line(lang.pick("合计", "Total"), d.idle_land_m2, d.entries));
            lines.join("\n")
        })
        .collect();
    // Long names (English) give way to the district codes on the axis; the tooltip has both.
    let room = (ui.available_width() - 60.0) / names.len().max(1) as f32;
    let font = egui::TextStyle::Body.resolve(ui.style());
    let axis_names: Vec<String> = names
        .iter()
        .zip(&f.districts)
        .map(|(name, d)| {
            let width = ui
                .painter()
                .layout_no_wrap(name.clone(), font.clone(), Color32::PLACEHOLDER)
                .size()
                .x;
            match &d.code {
                Some(code) if width > room * 0.9 => code.clone(),
                _ => name.clone(),
            }
        })
        .collect();
    let count = names.len();
    let plot = static_plot("dashboard_kinds")
        .legend(Legend::default().position(Corner::RightTop))
        .show_grid([false, true])
        .include_y(0.0)
        .x_grid_spacer(move |input| category_marks(&input, count, 1))
        .y_grid_spacer(|input| round_marks(&input, 40.0, false))
        .custom_x_axes(vec![
            AxisHints::new_x()
                .formatter(move |mark, _| category_name(&axis_names, mark.value))
                .label_spacing(20.0..=30.0),
        ])
        .y_axis_label(lang.pick("亩", "mu"))
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
    category_tooltip(plot, false, &texts);
}

fn methods_chart_ui(ui: &mut Ui, lang: Lang, f: &Dashboard) {
    chart_title_ui(
        ui,
        lang.pick("处置方式（宗）", "Disposal methods (cases)"),
        lang.pick(
            "一宗可用多种方式；园区五种方式总是列出",
            "a case may use several; the park's five always shown",
        ),
    );
    // The first method on top: category i sits at y = n - 1 - i.
    let n = f.by_method.len();
    let names: Vec<String> = f
        .by_method
        .iter()
        .rev()
        .map(|(m, _)| m.label(lang).to_owned())
        .collect();
    let texts: Vec<String> = f
        .by_method
        .iter()
        .rev()
        .map(|(m, count)| format!("{}: {count} {}", m.label(lang), lang.pick("宗", "cases")))
        .collect();
    let bars = f
        .by_method
        .iter()
        .rev()
        .enumerate()
        .map(|(i, (m, count))| bar(i, *count as f64, m.label(lang), theme::CHART_METHODS))
        .collect();
    let chart = BarChart::new(lang.pick("处置方式", "Methods"), bars)
        .horizontal()
        .color(theme::CHART_METHODS)
        .allow_hover(false);
    let plot = static_plot("dashboard_methods")
        .show_grid([true, false])
        .include_x(0.0)
        .y_grid_spacer(move |input| category_marks(&input, n, 1))
        .x_grid_spacer(|input| round_marks(&input, 70.0, true))
        .custom_y_axes(vec![
            AxisHints::new_y()
                .formatter(move |mark, _| category_name(&names, mark.value))
                .label_spacing(12.0..=16.0),
        ])
        .x_axis_label(lang.pick("宗", "cases"))
        .show(ui, |plot| plot.bar_chart(chart));
    category_tooltip(plot, true, &texts);
}

fn months_chart_ui(ui: &mut Ui, lang: Lang, f: &Dashboard) {
    chart_title_ui(
        ui,
        lang.pick("盘活土地（亩）", "Revitalized land (mu)"),
        lang.pick("按完成月份", "by month of completion"),
    );
    if f.by_month.is_empty() {
        let (rect, _) = ui.allocate_exact_size(
            egui::vec2(ui.available_width(), CHART_HEIGHT),
            egui::Sense::hover(),
        );
        ui.put(
            rect,
            egui::Label::new(
                RichText::new(lang.pick(
                    "暂无填写完成日期的盘活案件",
                    "No revitalized case has a completion date yet",
                ))
                .weak(),
            ),
        );
    } else {
        let names: Vec<String> = f
            .by_month
            .iter()
            .map(stats::MonthRevitalized::label)
            .collect();
        let texts: Vec<String> = f
            .by_month
            .iter()
            .map(|m| {
                format!(
                    "{}\n{} {} {} · {} {} m² · {} {}",
                    m.label(),
                    lang.pick("盘活土地", "land"),
                    group_thousands(mu_from_m2(m.land_m2), 2),
                    lang.pick("亩", "mu"),
                    lang.pick("厂房", "floor"),
                    group_thousands(m.building_m2, 0),
                    m.entries,
                    lang.pick("宗", "cases")
                )
            })
            .collect();
        let bars = f
            .by_month
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(i, (m, name))| bar(i, mu_from_m2(m.land_m2), name, theme::CHART_REVITALIZED))
            .collect();
        let chart = BarChart::new(lang.pick("盘活土地", "Revitalized land"), bars)
            .color(theme::CHART_REVITALIZED)
            .allow_hover(false);
        // Every month labelled when there is room (about 64 points a label), else every k-th.
        let count = names.len();
        let stride = ((count as f32 * 64.0) / ui.available_width().max(1.0)).ceil() as usize;
        let plot = static_plot("dashboard_months")
            .show_grid([false, true])
            .include_y(0.0)
            .x_grid_spacer(move |input| category_marks(&input, count, stride))
            .y_grid_spacer(|input| round_marks(&input, 40.0, false))
            .custom_x_axes(vec![
                AxisHints::new_x()
                    .formatter(move |mark, _| category_name(&names, mark.value))
                    .label_spacing(20.0..=30.0),
            ])
            .y_axis_label(lang.pick("亩", "mu"))
            .show(ui, |plot| plot.bar_chart(chart));
        category_tooltip(plot, false, &texts);
    }
    if f.undated.entries > 0 {
        ui.label(
            RichText::new(match lang {
                Lang::Zh => format!(
                    "另有 {} 宗未填完成日期：{} 亩",
                    f.undated.entries,
                    group_thousands(mu_from_m2(f.undated.land_m2), 2)
                ),
                Lang::En => format!(
                    "{} more case(s) without a completion date: {} mu",
                    f.undated.entries,
                    group_thousands(mu_from_m2(f.undated.land_m2), 2)
                ),
            })
            .small()
            .weak(),
        );
    }
}

fn alerts_ui(ui: &mut Ui, lang: Lang, park: &Park, f: &Dashboard, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading(lang.pick("预警", "Alerts"));
        ui.label(
            RichText::new(lang.pick(
                "点击一行，在地图上查看该宗地",
                "Click a row to see the parcel on the map",
            ))
            .weak(),
        );
    });
    if f.alerts.is_empty() {
        ui.label(lang.pick("无预警。", "No alerts."));
        return;
    }
    let headers = [
        lang.pick("宗地编号", "Parcel"),
        lang.pick("片区", "District"),
        lang.pick("土地使用权人", "Holder"),
        lang.pick("预警", "Alert"),
        lang.pick("闲置天数", "Days idle"),
        lang.pick("完成时限", "Deadline"),
    ];
    let district_width = text_column_width(ui, park.districts.iter().map(|d| d.label(lang)), 90.0);
    // Its own horizontal scroll, so that a narrow window does not widen the charts below.
    egui::ScrollArea::horizontal()
        .id_salt("dashboard_alerts")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("dashboard_alerts")
                .striped(true)
                .vscroll(false)
                .cell_layout(Layout::left_to_right(Align::Center))
                .sense(egui::Sense::click())
                .column(Column::initial(110.0).at_least(80.0).clip(true))
                .column(Column::initial(district_width).clip(true))
                .column(Column::initial(260.0).clip(true))
                .column(Column::initial(200.0).clip(true))
                .column(Column::initial(90.0).clip(true))
                .column(Column::remainder().at_least(90.0).clip(true))
                .header(24.0, |mut header| {
                    for (i, title) in headers.iter().enumerate() {
                        header.col(|ui| {
                            let text = RichText::new(*title).strong();
                            if i == 4 {
                                number_cell(ui, text);
                            } else {
                                ui.add(egui::Label::new(text).selectable(false));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, f.alerts.len(), |mut row| {
                        let Some(alert) = f.alerts.get(row.index()) else {
                            return;
                        };
                        let district = alert.district.as_deref().map_or_else(
                            || "—".to_owned(),
                            |code| {
                                park.district(code)
                                    .map_or(code, |d| d.label(lang))
                                    .to_owned()
                            },
                        );
                        // Not selectable, so that a click on the text is a click on the row.
                        let plain = |ui: &mut Ui, text: String| {
                            ui.add(egui::Label::new(text).selectable(false).truncate());
                        };
                        row.col(|ui| plain(ui, alert.parcel_no.clone()));
                        row.col(|ui| plain(ui, district));
                        row.col(|ui| plain(ui, alert.holder.clone().unwrap_or_default()));
                        row.col(|ui| {
                            let color = if alert.is_severe() {
                                theme::ALERT_SEVERE
                            } else {
                                theme::ALERT_WARNING
                            };
                            let (rect, _) = ui
                                .allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                            ui.painter().rect_filled(rect, 2.0, color);
                            ui.add(
                                egui::Label::new(RichText::new(alert.reasons(lang)).color(color))
                                    .selectable(false)
                                    .truncate(),
                            );
                        });
                        row.col(|ui| {
                            number_cell(
                                ui,
                                alert.idle_days.map_or_else(
                                    || "—".to_owned(),
                                    |d| group_thousands(d as f64, 0),
                                ),
                            );
                        });
                        row.col(|ui| {
                            plain(
                                ui,
                                alert
                                    .deadline
                                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
                            );
                        });
                        let response = row
                            .response()
                            .on_hover_cursor(egui::CursorIcon::PointingHand);
                        if response.clicked() {
                            commands.push(Command::SetView(MainView::Map));
                            commands.push(Command::ShowParcel(alert.parcel_no.clone()));
                        }
                    });
                });
        });
}
