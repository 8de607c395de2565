//! The charts of the 统计 view (`egui_plot`): idle land by district and kind, cases by method,
//! revitalized land by month.

use super::{
    AxisHints, Bar, BarChart, Color32, Corner, Dashboard, GridInput, GridMark, IdleKind, Lang,
    Legend, Park, Plot, RichText, Stroke, Ui, district_label, group_thousands, mu_from_m2, stats,
    theme,
};

#[derive(Debug, Clone, Copy)]
pub(super) enum Chart {
    Kinds,
    Methods,
    Months,
}

pub(super) fn charts_ui(ui: &mut Ui, lang: Lang, park: &Park, f: &Dashboard) {
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

pub(super) const CHART_HEIGHT: f32 = 240.0;

pub(super) fn chart_title_ui(ui: &mut Ui, title: &str, caption: &str) {
    ui.label(RichText::new(title).strong());
    ui.label(RichText::new(caption).size(12.0).weak());
}

/// A static chart: no pan, zoom or cursor read-out; [`category_tooltip`] says what a bar is.
pub(super) fn static_plot(id: &str) -> Plot<'static> {
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
pub(super) fn round_marks(input: &GridInput, points: f64, whole: bool) -> Vec<GridMark> {
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
pub(super) fn category_marks(input: &GridInput, count: usize, stride: usize) -> Vec<GridMark> {
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
pub(super) fn category_name(names: &[String], value: f64) -> String {
    let index = value.round();
    if (value - index).abs() > 1e-6 || index < 0.0 {
        return String::new();
    }
    names.get(index as usize).cloned().unwrap_or_default()
}

/// Bars of one colour, with a darker edge.
pub(super) fn bar(argument: usize, value: f64, name: &str, color: Color32) -> Bar {
    Bar::new(argument as f64, value)
        .name(name)
        .fill(color)
        .stroke(Stroke::new(1.0, color.gamma_multiply(0.8)))
        .width(0.6)
}

/// A tooltip at the pointer for the category under it (bars are 0.6 wide around whole
/// numbers on the category axis: y for horizontal bars, x for vertical ones).
pub(super) fn category_tooltip(
    plot: egui_plot::PlotResponse<()>,
    horizontal: bool,
    texts: &[String],
) {
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

pub(super) fn kinds_chart_ui(ui: &mut Ui, lang: Lang, park: &Park, f: &Dashboard) {
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

pub(super) fn methods_chart_ui(ui: &mut Ui, lang: Lang, f: &Dashboard) {
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

pub(super) fn months_chart_ui(ui: &mut Ui, lang: Lang, f: &Dashboard) {
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
