//! A date picker that speaks the interface's language: 2025年3月 and 一 二 三 … 日 with
//! 取消 / 确定 in Chinese, March 2025 and Mon … Sun with Cancel / OK in English. Weeks start on
//! Monday, as Chinese calendars print them. (`egui_extras`' picker has English text only.)

use crate::model::Lang;
use egui::{Area, Frame, Key, Order, RichText, Ui};
use jiff::civil::{Date, Weekday};

/// What the picker keeps between frames while it is open.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PickerState {
    /// The month shown and the day chosen in it (not saved until 确定).
    year: i16,
    month: i8,
    chosen: Date,
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month's title, `2025年3月` or `March 2025`.
#[must_use]
pub fn month_title(year: i16, month: i8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{year}年{month}月"),
        Lang::En => format!(
            "{} {year}",
            MONTHS_EN
                .get(usize::try_from(month - 1).unwrap_or(0))
                .copied()
                .unwrap_or("")
        ),
    }
}

/// The weekday names from Monday.
#[must_use]
pub fn weekday_names(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
}

/// The days of a month's calendar, in weeks from Monday (`None` outside the month).
#[must_use]
pub fn month_grid(year: i16, month: i8) -> Vec<[Option<Date>; 7]> {
    let Ok(first) = Date::new(year, month, 1) else {
        return Vec::new();
    };
    let lead = usize::try_from(first.weekday().to_monday_zero_offset()).unwrap_or(0);
    let days = usize::try_from(first.days_in_month()).unwrap_or(0);
    let mut weeks = Vec::new();
    let mut week = [None; 7];
    for cell in 0..(lead + days) {
        if cell >= lead {
            let day = i8::try_from(cell - lead + 1).unwrap_or(1);
            week[cell % 7] = Date::new(year, month, day).ok();
        }
        if cell % 7 == 6 {
            weeks.push(std::mem::take(&mut week));
        }
    }
    if week.iter().any(Option::is_some) {
        weeks.push(week);
    }
    weeks
}

fn shift_month(year: i16, month: i8, by: i8) -> (i16, i8) {
    let index = i32::from(year) * 12 + i32::from(month) - 1 + i32::from(by);
    (
        i16::try_from(index.div_euclid(12)).unwrap_or(year),
        i8::try_from(index.rem_euclid(12) + 1).unwrap_or(month),
    )
}

/// A button showing the date (`YYYY-MM-DD`); a click opens the month calendar. Returns true
/// when the date was changed (确定).
pub fn date_picker_ui(ui: &mut Ui, id_salt: &str, date: &mut Date, lang: Lang) -> bool {
    let id = ui.make_persistent_id(("parkland_date_picker", id_salt));
    let button = ui.button(date.strftime("%Y-%m-%d").to_string());
    let mut state: Option<PickerState> = ui.data(|d| d.get_temp(id));
    if button.clicked() {
        state = match state {
            Some(_) => None,
            None => Some(PickerState {
                year: date.year(),
                month: date.month(),
                chosen: *date,
            }),
        };
    }
    let Some(mut picker) = state else {
        ui.data_mut(|d| d.remove::<PickerState>(id));
        return false;
    };
    let mut changed = false;
    let mut close = false;
    let area = Area::new(id.with("area"))
        .kind(egui::UiKind::Picker)
        .order(Order::Foreground)
        .fixed_pos(button.rect.left_bottom())
        .show(ui.ctx(), |ui| {
            Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    if ui
                        .button("<")
                        .on_hover_text(lang.pick("上个月", "Previous month"))
                        .clicked()
                    {
                        (picker.year, picker.month) = shift_month(picker.year, picker.month, -1);
                    }
                    ui.label(RichText::new(month_title(picker.year, picker.month, lang)).strong());
                    if ui
                        .button(">")
                        .on_hover_text(lang.pick("下个月", "Next month"))
                        .clicked()
                    {
                        (picker.year, picker.month) = shift_month(picker.year, picker.month, 1);
                    }
                });
                egui::Grid::new(id.with("days"))
                    .num_columns(7)
                    .spacing([4.0, 2.0])
                    .show(ui, |ui| {
                        for name in weekday_names(lang) {
                            ui.label(RichText::new(name).weak());
                        }
                        ui.end_row();
                        for week in month_grid(picker.year, picker.month) {
                            for day in week {
                                match day {
                                    Some(day) => {
                                        let weekend = matches!(
                                            day.weekday(),
                                            Weekday::Saturday | Weekday::Sunday
                                        );
                                        let mut text = RichText::new(format!("{:>2}", day.day()));
                                        if weekend {
                                            text = text.color(crate::ui::theme::ERROR_TEXT);
                                        }
                                        if ui.selectable_label(day == picker.chosen, text).clicked()
                                        {
                                            picker.chosen = day;
                                        }
                                    }
                                    None => {
                                        ui.label("");
                                    }
                                }
                            }
                            ui.end_row();
                        }
                    });
                ui.horizontal(|ui| {
                    if ui.button(lang.pick("今天", "Today")).clicked() {
                        let today = crate::time::today();
                        picker.chosen = today;
                        (picker.year, picker.month) = (today.year(), today.month());
                    }
                    if ui.button(lang.pick("取消", "Cancel")).clicked() {
                        close = true;
                    }
                    if ui.button(lang.pick("确定", "OK")).clicked() {
                        changed = *date != picker.chosen;
                        *date = picker.chosen;
                        close = true;
                    }
                });
            });
        });
    if ui.input(|i| i.key_pressed(Key::Escape))
        || (area.response.clicked_elsewhere() && !button.clicked())
    {
        close = true;
    }
    if close {
        ui.data_mut(|d| d.remove::<PickerState>(id));
    } else {
        ui.data_mut(|d| d.insert_temp(id, picker));
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_laid_out_from_monday() {
        // 2025-03-01 was a Saturday: five blank cells, then the 1st.
        let weeks = month_grid(2025, 3);
        assert_eq!(weeks.len(), 6);
        assert_eq!(weeks[0][5].map(jiff::civil::Date::day), Some(1));
        assert!(weeks[0][..5].iter().all(Option::is_none));
        let days: usize = weeks.iter().flatten().filter(|d| d.is_some()).count();
        assert_eq!(days, 31);
        assert_eq!(month_title(2025, 3, Lang::Zh), "2025年3月");
        assert_eq!(month_title(2025, 3, Lang::En), "March 2025");
        assert_eq!(shift_month(2025, 1, -1), (2024, 12));
        assert_eq!(shift_month(2025, 12, 1), (2026, 1));
        assert_eq!(weekday_names(Lang::Zh)[6], "日");
    }
}
