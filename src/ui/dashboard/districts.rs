//! The per-district table of the 统计 view, with the park total (and 亩均 figures when the
//! ledger has enterprise figures).

use super::{
    Align, Column, Dashboard, DistrictYield, EnterpriseFigures, Lang, Layout, Park, RichText,
    TableBuilder, Ui, district_label, group_thousands, km2_from_m2, mu_from_m2, number_cell,
    text_column_width, theme,
};

/// What the 亩均 columns are: the year (a selector when there are several) and its coverage.
pub(super) fn enterprise_heading_ui(
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
pub(super) fn per_mu_cells(row: Option<&DistrictYield>) -> [String; 2] {
    let text = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"));
    [
        text(row.and_then(|r| r.tax_per_mu)),
        text(row.and_then(|r| r.output_per_mu)),
    ]
}

pub(super) fn districts_ui(
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
