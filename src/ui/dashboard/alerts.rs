//! The 预警 list of the 统计 view: a click shows the parcel on the map.

use super::{
    Align, Column, Command, Dashboard, Lang, Layout, MainView, Park, RichText, TableBuilder, Ui,
    group_thousands, number_cell, text_column_width, theme,
};

pub(super) fn alerts_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    f: &Dashboard,
    commands: &mut Vec<Command>,
) {
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
