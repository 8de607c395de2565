//! The figure cards at the top of the 统计 view.

use super::{
    Align, Color32, Dashboard, FontId, Lang, LayoutJob, ParcelStatus, RichText, TextFormat, Ui,
    group_thousands, km2_from_m2, mu_from_m2, theme,
};

/// One figure card: title, value with its unit, a line of detail.
pub(super) struct Card {
    title: &'static str,
    value: String,
    unit: &'static str,
    detail: String,
    accent: Color32,
}

pub(super) fn cards_ui(ui: &mut Ui, lang: Lang, f: &Dashboard) {
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

pub(super) fn card_ui(ui: &mut Ui, width: f32, card: &Card) {
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

pub(super) fn card_contents_ui(ui: &mut Ui, card: &Card, visuals: &egui::Visuals) {
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
