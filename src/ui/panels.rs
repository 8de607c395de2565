//! The panels around the map: menu, layers and legend, parcel attributes, status bar, and
//! import notices.

use crate::cli::group_thousands;
use crate::model::{Lang, Parcel, ParcelStatus, Park};
use crate::ui::app::{Command, LayerKind, Notice, PersistedState};
use crate::ui::map::Camera;
use crate::ui::theme;
use crate::units::{ha_from_m2, km2_from_m2, mu_from_m2};
use egui::{Color32, RichText, Ui};

/// Chinese or English text.
fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub fn menu_bar_ui(ui: &mut Ui, lang: Lang, commands: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button(tr(lang, "文件", "File"), |ui| {
            for (kind, label) in [
                (
                    LayerKind::Districts,
                    tr(lang, "打开片区…", "Open districts…"),
                ),
                (LayerKind::Parcels, tr(lang, "打开宗地…", "Open parcels…")),
            ] {
                if ui.button(label).clicked() {
                    ui.close();
                    if let Some(path) = rfd::FileDialog::new()
                        .set_title(label)
                        .add_filter("GeoJSON", &["geojson", "json"])
                        .pick_file()
                    {
                        commands.push(Command::Open(kind, path));
                    }
                }
            }
            ui.separator();
            if ui.button(tr(lang, "退出", "Quit")).clicked() {
                commands.push(Command::Quit);
            }
        });
        ui.menu_button(tr(lang, "视图", "View"), |ui| {
            if ui
                .button(tr(lang, "全图显示 (Home)", "Zoom to park (Home)"))
                .clicked()
            {
                commands.push(Command::FitPark);
                ui.close();
            }
        });
        ui.menu_button(tr(lang, "语言", "Language"), |ui| {
            for (value, label) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
                if ui.selectable_label(lang == value, label).clicked() {
                    commands.push(Command::SetLang(value));
                    ui.close();
                }
            }
        });
        ui.separator();
        if ui
            .button(tr(lang, "全图", "Whole park"))
            .on_hover_text(tr(
                lang,
                "缩放到整个园区 (Home)",
                "Zoom to the whole park (Home)",
            ))
            .clicked()
        {
            commands.push(Command::FitPark);
        }
    });
}

pub fn status_bar_ui(
    ui: &mut Ui,
    lang: Lang,
    cursor_lon_lat: Option<(f64, f64)>,
    scale: Option<(Camera, (f64, f64))>,
    park: &Park,
) {
    ui.horizontal(|ui| {
        match cursor_lon_lat {
            Some((lon, lat)) => ui.label(format!(
                "{} {lon:.6}°  {} {lat:.6}°",
                tr(lang, "经度", "Lon"),
                tr(lang, "纬度", "Lat")
            )),
            None => ui.label(tr(lang, "经度 —  纬度 —", "Lon —  Lat —")),
        };
        ui.separator();
        if let Some((camera, (_, lat))) = scale {
            ui.label(format!(
                "{} 1:{}",
                tr(lang, "比例尺", "Scale"),
                group_thousands(camera.scale_denominator(lat), 0)
            ));
            ui.separator();
        }
        ui.label(format!(
            "{} {}  {} {}",
            tr(lang, "片区", "Districts"),
            park.districts.len(),
            tr(lang, "宗地", "Parcels"),
            park.parcels.len()
        ));
    });
}

fn swatch(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

pub fn layers_ui(ui: &mut Ui, state: &mut PersistedState, park: &Park) {
    let lang = state.lang;
    ui.heading(tr(lang, "图层", "Layers"));
    ui.checkbox(&mut state.show_districts, tr(lang, "片区", "Districts"));
    ui.checkbox(&mut state.show_parcels, tr(lang, "宗地", "Parcels"));
    ui.separator();

    ui.heading(tr(lang, "片区", "Districts"));
    egui::Grid::new("districts").num_columns(2).show(ui, |ui| {
        for (i, district) in park.districts.iter().enumerate() {
            ui.horizontal(|ui| {
                swatch(ui, theme::district_outline(i));
                ui.label(district.label(lang));
            });
            ui.label(format!("{:.2} km²", km2_from_m2(district.area_m2)));
            ui.end_row();
        }
    });
    let total: f64 = park.districts.iter().map(|d| d.area_m2).sum();
    ui.label(format!(
        "{} {:.2} km²",
        tr(lang, "合计", "Total"),
        km2_from_m2(total)
    ));
    ui.separator();

    ui.heading(tr(lang, "图例：宗地状态", "Legend: parcel status"));
    egui::Grid::new("legend").num_columns(3).show(ui, |ui| {
        let row = |ui: &mut Ui, status: Option<ParcelStatus>, label: &str| {
            let parcels = park.parcels.iter().filter(|p| p.status == status);
            let (count, area) = parcels.fold((0, 0.0), |(n, a), p| (n + 1, a + p.area_m2));
            if status.is_none() && count == 0 {
                return;
            }
            ui.horizontal(|ui| {
                swatch(ui, theme::status_fill(status));
                ui.label(label);
            });
            ui.label(format!("{count}"));
            ui.label(format!(
                "{} {}",
                group_thousands(mu_from_m2(area), 1),
                tr(lang, "亩", "mu")
            ));
            ui.end_row();
        };
        for &status in ParcelStatus::ALL {
            row(ui, Some(status), status.label(lang));
        }
        row(ui, None, tr(lang, "未注明", "Not given"));
    });
}

pub fn parcel_ui(ui: &mut Ui, lang: Lang, park: &Park, parcel: Option<&Parcel>) {
    ui.heading(tr(lang, "宗地信息", "Parcel"));
    let Some(parcel) = parcel else {
        ui.label(tr(
            lang,
            "点击地图上的宗地查看属性。",
            "Click a parcel on the map to see it.",
        ));
        return;
    };
    let district = parcel.district.as_deref().map(|code| {
        park.district(code).map_or_else(
            || code.to_owned(),
            |d| format!("{} ({code})", d.label(lang)),
        )
    });
    let dash = || "—".to_owned();
    let rows: [(&str, String); 9] = [
        (tr(lang, "宗地编号", "Parcel no."), parcel.parcel_no.clone()),
        (tr(lang, "片区", "District"), district.unwrap_or_else(dash)),
        (
            tr(lang, "土地使用权人", "Holder"),
            parcel.holder.clone().unwrap_or_else(dash),
        ),
        (
            tr(lang, "土地用途", "Land use"),
            parcel.land_use.clone().unwrap_or_else(dash),
        ),
        (
            tr(lang, "供地时间", "Supplied on"),
            parcel.supplied_on.clone().unwrap_or_else(dash),
        ),
        (
            tr(lang, "状态", "Status"),
            parcel
                .status
                .map_or_else(dash, |s| s.label(lang).to_owned()),
        ),
        (
            tr(lang, "面积 (m²)", "Area (m²)"),
            group_thousands(parcel.area_m2, 2),
        ),
        (
            tr(lang, "面积 (亩)", "Area (mu)"),
            group_thousands(mu_from_m2(parcel.area_m2), 2),
        ),
        (
            tr(lang, "面积 (公顷)", "Area (ha)"),
            format!("{:.4}", ha_from_m2(parcel.area_m2)),
        ),
    ];
    egui::Grid::new("parcel_attributes")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (key, value) in rows {
                ui.label(RichText::new(key).strong());
                ui.label(value);
                ui.end_row();
            }
        });
    if !parcel.valid {
        ui.colored_label(
            theme::status_fill(Some(ParcelStatus::Idle)),
            tr(
                lang,
                "几何无效（自相交等），面积可能不准。",
                "Invalid geometry (self-intersection…); the area may be wrong.",
            ),
        );
    }
}

/// Shows one notice window; returns true when the user closes it.
pub fn notice_ui(ctx: &egui::Context, lang: Lang, index: usize, notice: &Notice) -> bool {
    let mut close = false;
    egui::Window::new(notice.title.as_str())
        .id(egui::Id::unique(("parkland_notice", index)))
        .collapsible(false)
        .default_width(520.0)
        .show(ctx, |ui| {
            if notice.rejected {
                ui.colored_label(
                    theme::status_fill(Some(ParcelStatus::Idle)),
                    tr(
                        lang,
                        "文件未加载，地图保持原样。",
                        "The file was not loaded; the map is unchanged.",
                    ),
                );
            }
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for line in &notice.lines {
                        ui.label(line);
                    }
                });
            if ui.button(tr(lang, "关闭", "Close")).clicked() {
                close = true;
            }
        });
    close
}
