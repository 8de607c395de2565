//! The panels around the map: menu, layers and legend, parcel attributes, status bar, and
//! import notices.

use crate::formats::GeoJsonCrs;
use crate::model::{AreaBasis, Lang, Parcel, ParcelStatus, Park};
use crate::style::{Classification, StylePreset};
use crate::ui::app::{Command, LayerKind, MapExtent, Notice, PersistedState};
use crate::ui::files::{FileRequest, FileTarget};
use crate::ui::ledger::LedgerView;
use crate::ui::map::Camera;
use crate::ui::map::LabelBy;
use crate::ui::map::measure::MeasureMode;
use crate::ui::theme;
use crate::units::group_thousands;
use crate::units::{ha_from_m2, km2_from_m2, mu_from_m2};
use egui::{Color32, RichText, Ui};

/// The widest a value column of the parcel panel gets; longer values elide (full text on
/// hover), so the panel keeps its width.
const PANEL_VALUE_WIDTH: f32 = 170.0;

/// A command's label with its shortcut, from the one list of shortcuts.
fn shortcut_label(command: &Command, lang: Lang, ui: &Ui) -> String {
    command.menu_label(lang, ui.ctx()).unwrap_or_default()
}

fn sqlite(target: FileTarget, title: &str) -> Command {
    Command::PickFile(FileRequest::open(
        target,
        title,
        "SQLite",
        &["sqlite", "db"],
    ))
}

pub fn menu_bar_ui(
    ui: &mut Ui,
    state: &mut PersistedState,
    ledger: &LedgerView,
    measuring: Option<MeasureMode>,
    commands: &mut Vec<Command>,
    toolbar_end: impl FnOnce(&mut Ui, &mut Vec<Command>),
) {
    let lang = state.lang;
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button(lang.pick("文件", "File"), |ui| {
            for (kind, label) in [
                (
                    LayerKind::Districts,
                    lang.pick("打开片区…", "Open districts…"),
                ),
                (LayerKind::Parcels, lang.pick("打开宗地…", "Open parcels…")),
            ] {
                if ui.button(label).clicked() {
                    ui.close();
                    let (formats, extensions) = crate::formats::Format::open_filter();
                    commands.push(Command::PickFile(FileRequest::open(
                        FileTarget::Open(kind),
                        label,
                        &formats,
                        &extensions,
                    )));
                }
            }
            if ui
                .button(lang.pick("打开 PostGIS 图层…", "Open a PostGIS layer…"))
                .clicked()
            {
                ui.close();
                commands.push(Command::ShowPostgisDialog);
            }
            ui.separator();
            for (extent, label) in [
                (
                    MapExtent::CurrentView,
                    lang.pick("导出地图图片（当前视图）…", "Export map image (this view)…"),
                ),
                (
                    MapExtent::WholePark,
                    lang.pick("导出地图图片（全园区）…", "Export map image (whole park)…"),
                ),
            ] {
                if ui.button(label).clicked() {
                    ui.close();
                    commands.push(Command::PickFile(FileRequest::save(
                        FileTarget::MapImage(extent),
                        label,
                        "map.png",
                        "PNG",
                        &["png"],
                    )));
                }
            }
            if ui
                .button(lang.pick("导出 GeoPackage…", "Export GeoPackage…"))
                .on_hover_text(lang.pick("片区、宗地（含台账字段）和台账表，QGIS 与 GDAL 可直接打开",
                    "Districts, parcels with their ledger fields, and the ledger, for QGIS and GDAL",
                ))
                .clicked()
            {
                ui.close();
                commands.push(Command::PickFile(FileRequest::save(
                    FileTarget::Gpkg,
                    "GeoPackage",
                    "parkland.gpkg",
                    "GeoPackage",
                    &["gpkg"],
                )));
            }
            for (crs, label) in [
                (
                    GeoJsonCrs::LonLat,
                    lang.pick("导出 GeoJSON（经纬度）…", "Export GeoJSON (lon/lat)…"),
                ),
                (
                    GeoJsonCrs::GaussKruger,
                    lang.pick("导出 GeoJSON（高斯-克吕格）…", "Export GeoJSON (Gauss-Krüger)…"),
                ),
            ] {
                if ui.button(label).clicked() {
                    ui.close();
                    commands.push(Command::PickFile(FileRequest::save(
                        FileTarget::GeoJson(crs),
                        label,
                        "parcels.geojson",
                        "GeoJSON",
                        &["geojson", "json"],
                    )));
                }
            }
            if ui
                .button(lang.pick("导出 Shapefile（高斯-克吕格）…", "Export Shapefile (Gauss-Krüger)…"))
                .on_hover_text(lang.pick(
                    "宗地及其台账字段，园区所在 3° 带，UTF-8，含 .prj",
                    "Parcels with their ledger fields, in the park's 3° zone, UTF-8, with .prj",
                ))
                .clicked()
            {
                ui.close();
                commands.push(Command::PickFile(FileRequest::save(
                    FileTarget::Shapefile,
                    "Shapefile",
                    "parcels.shp",
                    "Shapefile",
                    &["shp"],
                )));
            }
            if ui
                .button(lang.pick("导出国土TXT（所选宗地）…", "Export 国土TXT (selected parcels)…"))
                .on_hover_text(lang.pick(
                    "界址点坐标文件（报部格式），未选择时导出全部宗地",
                    "Boundary-point file for land approval; all parcels when none is selected",
                ))
                .clicked()
            {
                ui.close();
                commands.push(Command::PickFile(FileRequest::save(
                    FileTarget::GuotuTxt,
                    "国土TXT",
                    "parcels.txt",
                    "国土TXT",
                    &["txt"],
                )));
            }
            ui.separator();
            for (target, label, name, filter, extension) in [
                (
                    FileTarget::LedgerXlsx,
                    lang.pick("导出台账 (Excel)…", "Export ledger (Excel)…"),
                    "ledger.xlsx",
                    "Excel",
                    "xlsx",
                ),
                (
                    FileTarget::LedgerCsv,
                    lang.pick("导出台账 (CSV)…", "Export ledger (CSV)…"),
                    "ledger.csv",
                    "CSV",
                    "csv",
                ),
                (
                    FileTarget::ReportXlsx,
                    lang.pick("导出报告 (Excel)…", "Export report (Excel)…"),
                    "report.xlsx",
                    "Excel",
                    "xlsx",
                ),
                (
                    FileTarget::ReportPdf,
                    lang.pick("导出报告 (PDF)…", "Export report (PDF)…"),
                    "report.pdf",
                    "PDF",
                    "pdf",
                ),
            ] {
                if ui.button(label).clicked() {
                    ui.close();
                    commands.push(Command::PickFile(FileRequest::save(
                        target,
                        label,
                        name,
                        filter,
                        &[extension],
                    )));
                }
            }
            ui.separator();
            if ui
                .button(lang.pick("备份台账…", "Back up ledger…"))
                .clicked()
            {
                ui.close();
                commands.push(Command::PickFile(FileRequest::save(
                    FileTarget::BackupLedger,
                    lang.pick("备份台账", "Back up ledger"),
                    "ledger-backup.sqlite",
                    "SQLite",
                    &["sqlite"],
                )));
            }
            if ui
                .button(lang.pick("恢复台账…", "Restore ledger…"))
                .clicked()
            {
                ui.close();
                commands.push(sqlite(
                    FileTarget::RestoreLedger,
                    lang.pick("从备份恢复台账", "Restore ledger from a backup"),
                ));
            }
            ui.separator();
            if ui.button(lang.pick("退出", "Quit")).clicked() {
                commands.push(Command::Quit);
            }
        });
        ui.menu_button(lang.pick("台账", "Ledger"), |ui| {
            if ui.button(lang.pick("打开台账…", "Open ledger…")).clicked() {
                ui.close();
                commands.push(sqlite(
                    FileTarget::OpenLedger,
                    lang.pick("打开台账", "Open ledger"),
                ));
            }
            if ui
                .button(lang.pick("连接数据库…", "Connect to a server…"))
                .clicked()
            {
                ui.close();
                commands.push(Command::ShowConnectDialog);
            }
            crate::ui::import_dialog::import_menu_ui(ui, lang, commands);
            ui.separator();
            if ui
                .add_enabled(
                    ledger.can_undo(),
                    egui::Button::new(shortcut_label(&Command::Undo, lang, ui)),
                )
                .clicked()
            {
                commands.push(Command::Undo);
                ui.close();
            }
            if ui
                .add_enabled(
                    ledger.can_redo(),
                    egui::Button::new(shortcut_label(&Command::Redo, lang, ui)),
                )
                .clicked()
            {
                commands.push(Command::Redo);
                ui.close();
            }
            ui.separator();
            ui.checkbox(
                &mut state.show_ledger,
                lang.pick("显示台账表", "Show the ledger table"),
            );
            ui.horizontal(|ui| {
                let label = ui.label(lang.pick("操作员", "Operator"));
                ui.add(egui::TextEdit::singleline(&mut state.operator).desired_width(120.0))
                    .labelled_by(label.id);
            });
        });
        ui.menu_button(lang.pick("视图", "View"), |ui| {
            if ui
                .button(shortcut_label(&Command::FitPark, lang, ui))
                .clicked()
            {
                commands.push(Command::FitPark);
                ui.close();
            }
        });
        ui.menu_button(lang.pick("检查", "Check"), |ui| {
            if ui
                .button(lang.pick("拓扑检查…", "Topology check…"))
                .on_hover_text(lang.pick(
                    "重叠、越界或区外、编号重复、图形相同、细长碎片",
                    "Overlaps, parcels crossing or outside districts, duplicate numbers, identical geometries, slivers",
                ))
                .clicked()
            {
                commands.push(Command::ShowTopology);
                ui.close();
            }
        });
        ui.menu_button(lang.pick("语言", "Language"), |ui| {
            for (value, label) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
                if ui.selectable_label(lang == value, label).clicked() {
                    commands.push(Command::SetLang(value));
                    ui.close();
                }
            }
        });
        ui.separator();
        for (mode, label, hint) in [
            (
                MeasureMode::Distance,
                lang.pick("测距", "Measure distance"),
                lang.pick("单击地图量测大地线距离",
                    "Click on the map to measure geodesic distance",
                ),
            ),
            (
                MeasureMode::Area,
                lang.pick("测面", "Measure area"),
                lang.pick("单击地图量测面积（平方米、亩）",
                    "Click on the map to measure area (m², mu)",
                ),
            ),
        ] {
            let on = measuring == Some(mode);
            if ui.selectable_label(on, label).on_hover_text(hint).clicked() {
                commands.push(Command::Measure((!on).then_some(mode)));
            }
        }
        ui.separator();
        if ui
            .button(lang.pick("全图", "Whole park"))
            .on_hover_text(shortcut_label(&Command::FitPark, lang, ui))
            .clicked()
        {
            commands.push(Command::FitPark);
        }
        ui.separator();
        toolbar_end(ui, commands);
    });
}

/// Who the ledger records changes as.
#[derive(Debug, Clone, Copy)]
pub enum Recorder<'a> {
    /// A file: the operator the program names (台账 → 操作员).
    Operator(&'a str),
    /// A server: the account the server knows the connection as.
    Account(&'a str),
}

pub fn status_bar_ui(
    ui: &mut Ui,
    lang: Lang,
    cursor_lon_lat: Option<(f64, f64)>,
    scale: Option<(Camera, (f64, f64))>,
    park: &Park,
    recorder: Recorder<'_>,
    offline: Option<&str>,
) {
    ui.horizontal(|ui| {
        match cursor_lon_lat {
            Some((lon, lat)) => ui.label(format!(
                "{} {lon:.6}°  {} {lat:.6}°",
                lang.pick("经度", "Lon"),
                lang.pick("纬度", "Lat")
            )),
            None => ui.label(lang.pick("经度 —  纬度 —", "Lon —  Lat —")),
        };
        ui.separator();
        if let Some((camera, (_, lat))) = scale {
            ui.label(format!(
                "{} 1:{}",
                lang.pick("比例尺", "Scale"),
                group_thousands(camera.scale_denominator(lat), 0)
            ));
            ui.separator();
        }
        ui.label(format!(
            "{} {}  {} {}",
            lang.pick("片区", "Districts"),
            park.districts.len(),
            lang.pick("宗地", "Parcels"),
            park.parcels.len()
        ));
        ui.separator();
        match recorder {
            // Who every ledger change is recorded as (台账 → 操作员 changes it).
            Recorder::Operator(operator) => {
                ui.label(format!("{} {operator}", lang.pick("登记人", "Recorded as")))
                    .on_hover_text(lang.pick(
                        "台账的每次修改都记录此操作员（台账 → 操作员）",
                        "Every ledger change is recorded with this name (Ledger → Operator)",
                    ));
            }
            Recorder::Account(account) => {
                ui.label(format!("{} {account}", lang.pick("登录为", "Signed in as")))
                    .on_hover_text(lang.pick(
                        "台账服务器以此账号记录每次修改",
                        "The ledger server records every change with this account",
                    ));
            }
        }
        if let Some(why) = offline {
            ui.separator();
            ui.label(
                RichText::new(lang.pick(
                    "台账服务器连接中断，正在重连；保存将被拒绝",
                    "Ledger server offline, reconnecting; saving is refused",
                ))
                .color(theme::ERROR_TEXT),
            )
            .on_hover_text(why);
        }
    });
}

fn swatch(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

#[allow(
    clippy::too_many_arguments,
    reason = "the left panel shows the layers, the base layers, the districts, the legend and the alerts"
)]
pub fn layers_ui(
    ui: &mut Ui,
    state: &mut PersistedState,
    basemaps: &crate::ui::map::basemap::Basemaps,
    park: &Park,
    alerts: &[crate::stats::AlertRow],
    classification: &Classification,
    summary: &crate::stats::ParkSummary,
    commands: &mut Vec<Command>,
) {
    let lang = state.lang;
    ui.heading(lang.pick("图层", "Layers"));
    ui.checkbox(&mut state.show_districts, lang.pick("片区", "Districts"));
    ui.checkbox(&mut state.show_parcels, lang.pick("宗地", "Parcels"));
    ui.horizontal(|ui| {
        let label = ui.label(lang.pick("标注", "Labels"));
        let text = |by: LabelBy| match by {
            LabelBy::ParcelNo => lang.pick("宗地编号", "Parcel number"),
            LabelBy::Holder => lang.pick("权利人", "Holder"),
            LabelBy::None => lang.pick("不标注", "None"),
        };
        crate::ui::combo_labelled(
            ui,
            label.id,
            egui::ComboBox::from_id_salt("label_by").selected_text(text(state.label_by)),
            |ui| {
                for by in [LabelBy::ParcelNo, LabelBy::Holder, LabelBy::None] {
                    ui.selectable_value(&mut state.label_by, by, text(by));
                }
            },
        );
    });
    basemaps_ui(ui, lang, basemaps, &mut state.parcel_fill, commands);
    ui.separator();

    ui.heading(lang.pick("片区", "Districts"));
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
        lang.pick("合计", "Total"),
        km2_from_m2(total)
    ));
    ui.separator();

    ui.heading(lang.pick("专题", "Style"));
    let mut style = state.style;
    ui.horizontal(|ui| {
        let label = ui.label(lang.pick("着色", "Colour by"));
        crate::ui::combo_labelled(
            ui,
            label.id,
            egui::ComboBox::from_id_salt("style_preset").selected_text(style.label(lang)),
            |ui| {
                for &preset in StylePreset::ALL {
                    ui.selectable_value(&mut style, preset, preset.label(lang));
                }
            },
        );
    });
    if style != state.style {
        commands.push(Command::SetStyle(style));
    }
    egui::Grid::new("legend").num_columns(3).show(ui, |ui| {
        for class in &classification.classes {
            ui.horizontal(|ui| {
                swatch(ui, theme::rgb(class.color));
                ui.label(&class.label);
            });
            ui.label(format!("{}", class.count));
            ui.label(format!(
                "{} {}",
                group_thousands(class.area_mu(), 1),
                lang.pick("亩", "mu")
            ));
            ui.end_row();
        }
    });
    // Which area the figures (the districts' and the legend's above, 统计, the tables) use.
    let mut basis = state.area_basis;
    ui.horizontal(|ui| {
        let label = ui.label(lang.pick("面积口径", "Areas"));
        crate::ui::combo_labelled(
            ui,
            label.id,
            egui::ComboBox::from_id_salt("area_basis").selected_text(basis.label(lang)),
            |ui| {
                for &choice in AreaBasis::ALL {
                    ui.selectable_value(&mut basis, choice, choice.label(lang))
                        .on_hover_text(choice.describe(lang));
                }
            },
        );
    })
    .response
    .on_hover_text(summary.area_caption(lang));
    if summary.parcels_outside_zones > 0 && basis == AreaBasis::Plane {
        ui.label(RichText::new(summary.area_caption(lang)).weak().small());
    }
    if basis != state.area_basis {
        commands.push(Command::SetAreaBasis(basis));
    }
    ui.separator();
    ui.heading(lang.pick("预警", "Alerts"));
    ui.horizontal(|ui| {
        swatch(ui, theme::ALERT_SEVERE);
        ui.label(lang.pick(
            "逾期、闲置满两年或重复登记",
            "Overdue, idle 2 years+ or registered twice",
        ));
    });
    ui.horizontal(|ui| {
        swatch(ui, theme::ALERT_WARNING);
        ui.label(lang.pick("闲置满一年或未登记", "Idle 1 year+ or not registered"));
    });
    if alerts.is_empty() {
        ui.label(lang.pick("无", "None"));
    }
    for row in alerts {
        if ui
            .link(format!("{} {}", row.parcel_no, row.reasons(lang)))
            .clicked()
        {
            commands.push(Command::ShowParcel(row.parcel_no.clone()));
        }
    }
    let _ = park;
}

pub fn parcel_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    parcel: Option<&Parcel>,
    status_now: Option<ParcelStatus>,
) {
    ui.heading(lang.pick("宗地信息", "Parcel"));
    let Some(parcel) = parcel else {
        ui.label(lang.pick(
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
    // Both areas, each named, and the figures' area (on the park's basis) in 亩 and 公顷.
    let plane = parcel.areas.plane;
    let basis = park.area_basis.label(lang);
    let (mu_key, ha_key) = match lang {
        Lang::Zh => (format!("{basis} (亩)"), format!("{basis} (公顷)")),
        Lang::En => (format!("{basis} (mu)"), format!("{basis} (ha)")),
    };
    let rows: [(&str, String); 12] = [
        (
            lang.pick("宗地编号", "Parcel no."),
            parcel.parcel_no.clone(),
        ),
        (lang.pick("片区", "District"), district.unwrap_or_else(dash)),
        (
            lang.pick("土地使用权人", "Holder"),
            parcel.holder.clone().unwrap_or_else(dash),
        ),
        (
            lang.pick("土地用途", "Land use"),
            parcel.land_use.clone().unwrap_or_else(dash),
        ),
        (
            lang.pick("供地时间", "Supplied on"),
            parcel.supplied_on.clone().unwrap_or_else(dash),
        ),
        (
            lang.pick("现状", "Status now"),
            status_now.map_or_else(dash, |s| s.label(lang).to_owned()),
        ),
        (
            lang.pick("调查状态", "Surveyed status"),
            parcel
                .status
                .map_or_else(dash, |s| s.label(lang).to_owned()),
        ),
        (
            lang.pick("椭球面积 (m²)", "Ellipsoid (m²)"),
            group_thousands(parcel.areas.ellipsoidal_m2, 2),
        ),
        (
            lang.pick("投影面积 (m²)", "Plane (m²)"),
            plane.map_or_else(dash, |p| group_thousands(p.m2, 2)),
        ),
        (
            lang.pick("投影带", "Plane zone"),
            plane.map_or_else(dash, |p| p.describe_zone(lang)),
        ),
        (&mu_key, group_thousands(mu_from_m2(parcel.area_m2), 2)),
        (&ha_key, format!("{:.4}", ha_from_m2(parcel.area_m2))),
    ];
    egui::Grid::new("parcel_attributes")
        .num_columns(2)
        .striped(true)
        .max_col_width(PANEL_VALUE_WIDTH)
        .show(ui, |ui| {
            for (key, value) in rows {
                ui.label(RichText::new(key).strong());
                ui.add(egui::Label::new(value).truncate());
                ui.end_row();
            }
        });
    if !parcel.valid {
        ui.colored_label(
            theme::status_fill(Some(ParcelStatus::Idle)),
            lang.pick(
                "几何无效（自相交等），面积可能不准。",
                "Invalid geometry (self-intersection…); the area may be wrong.",
            ),
        );
    }
}

/// The progress of a background load, with a cancel button; returns true when it is clicked.
pub fn loading_ui(
    ctx: &egui::Context,
    lang: Lang,
    path: &std::path::Path,
    progress: &crate::layer::Progress,
) -> bool {
    let mut cancel = false;
    egui::Window::new(lang.pick("正在加载", "Loading"))
        .id(egui::Id::unique("parkland_loading"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 48.0))
        .show(ctx, |ui| {
            let name = path.file_name().map_or_else(
                || crate::formats::postgis::shown_path(path),
                |n| n.to_string_lossy().into_owned(),
            );
            ui.label(name);
            ui.label(progress.stage().label(lang));
            ui.add(
                egui::ProgressBar::new(progress.fraction())
                    .show_percentage()
                    .desired_width(320.0),
            );
            ui.label(lang.pick(
                "加载完成前，地图显示原有图层。",
                "Until it is done, the map shows what it had.",
            ));
            if ui.button(lang.pick("取消", "Cancel")).clicked() {
                cancel = true;
            }
        });
    cancel
}

/// Lines of a notice shown (the rest are counted).
const NOTICE_LINES: usize = 500;

/// Shows one notice window; returns true when the user closes it.
#[must_use]
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
                    lang.pick(
                        "文件未加载，地图保持原样。",
                        "The file was not loaded; the map is unchanged.",
                    ),
                );
            }
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    // A million-feature file can have a million messages: show the first ones.
                    for line in notice.lines.iter().take(NOTICE_LINES) {
                        ui.label(line);
                    }
                    if notice.lines.len() > NOTICE_LINES {
                        ui.label(
                            format!(
                                "{} {}",
                                lang.pick("……另有", "… and"),
                                notice.lines.len() - NOTICE_LINES
                            ) + lang.pick(" 条", " more"),
                        );
                    }
                });
            if ui.button(lang.pick("关闭", "Close")).clicked() {
                close = true;
            }
        });
    close
}

/// The selected parcel's ledger: its current case, the register/edit buttons, its voided
/// cases (to restore) and every event, with what changed, in the user's time zone.
pub fn parcel_ledger_ui(
    ui: &mut Ui,
    lang: Lang,
    parcel: &Parcel,
    case: Option<&crate::ledger::StoredEntry>,
    ledger: &LedgerView,
    commands: &mut Vec<Command>,
) {
    ui.separator();
    ui.heading(lang.pick("台账", "Ledger"));
    if !ledger.is_open() {
        ui.label(lang.pick("台账未打开。", "The ledger is not open."));
        return;
    }
    // An account that may only read sees no register or edit buttons (the server would
    // refuse them anyway).
    let may_edit = ledger.may_edit();
    if ledger.as_of.is_none() && !may_edit {
        ui.label(
            RichText::new(lang.pick(
                "只读账号：可查看，不能修改台账",
                "Read-only account: the ledger can be read, not changed",
            ))
            .weak(),
        );
    }
    ui.horizontal(|ui| {
        if may_edit
            && ui
                .button(lang.pick("登记闲置/低效", "Register idle/low-efficiency"))
                .clicked()
        {
            commands.push(Command::RegisterSelected);
        }
        if may_edit
            && let Some(case) = case
            && ui.button(lang.pick("编辑台账", "Edit case")).clicked()
        {
            commands.push(Command::EditCase(case.id));
        }
    });
    if let Some(case) = case {
        let e = &case.entry;
        let day = ledger.day();
        egui::Grid::new("parcel_case")
            .num_columns(2)
            .striped(true)
            .max_col_width(PANEL_VALUE_WIDTH)
            .show(ui, |ui| {
                let methods = e.methods_label(lang);
                let idle_days = e
                    .idle_days(day)
                    .map_or_else(|| "—".to_owned(), |d| d.to_string());
                for (key, value) in [
                    (lang.pick("案件", "Case"), format!("#{}", case.id)),
                    (lang.pick("类型", "Kind"), e.kind.label(lang).to_owned()),
                    (lang.pick("处置方式", "Methods"), methods),
                    (
                        lang.pick("处置进度", "Progress"),
                        e.progress.label(lang).to_owned(),
                    ),
                    (lang.pick("闲置天数", "Days idle"), idle_days),
                    (
                        lang.pick("盘活土地 (亩)", "Revitalized (mu)"),
                        format!("{:.2}", mu_from_m2(e.revitalized_land_m2)),
                    ),
                    (
                        lang.pick("盘活厂房 (m²)", "Revitalized floor (m²)"),
                        group_thousands(e.revitalized_building_m2, 0),
                    ),
                ] {
                    ui.label(RichText::new(key).strong());
                    ui.add(egui::Label::new(value).truncate());
                    ui.end_row();
                }
            });
    }
    for voided in ledger
        .voided
        .iter()
        .filter(|v| v.entry.parcel_no == parcel.parcel_no)
    {
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "{} #{} ({})",
                    lang.pick("已作废案件", "Voided case"),
                    voided.id,
                    voided.entry.progress.label(lang)
                ))
                .weak(),
            );
            if ledger.may_restore() && ui.button(lang.pick("恢复", "Restore")).clicked() {
                commands.push(Command::RestoreCase(voided.id));
            }
        });
    }
    if let Some(case) = case {
        documents_ui(ui, lang, ledger, case.id, may_edit, commands);
    }
    // On a past day, the history as it was by then.
    let until = ledger.as_of.map(crate::time::end_of_day);
    let history: Vec<_> = ledger
        .history(&parcel.parcel_no)
        .into_iter()
        .filter(|e| {
            until.is_none_or(|until| e.at.parse::<jiff::Timestamp>().is_ok_and(|at| at < until))
        })
        .collect();
    if !history.is_empty() {
        ui.label(
            RichText::new(lang.pick("变更记录（最新在前）", "History (newest first)")).strong(),
        );
        for event in history {
            let step = event.step.map_or("", |s| s.label(lang));
            ui.label(format!(
                "{}  {}  {}  {}  #{}",
                crate::time::local_time_text(&event.at),
                event.operator,
                event.action_label(lang),
                step,
                event.entry_id,
            ));
            if let Some(reason) = &event.reason {
                ui.label(
                    RichText::new(format!("    {}: {reason}", lang.pick("原因", "Reason"))).weak(),
                );
            }
            for change in event.changes(lang) {
                ui.label(RichText::new(format!("    {change}")).weak());
            }
        }
    }
}

/// 底图: the base layers under the parcels, top first as QGIS lists them: shown or not,
/// opacity, order, removed; 添加底图… adds an MBTiles file.
fn basemaps_ui(
    ui: &mut Ui,
    lang: Lang,
    basemaps: &crate::ui::map::basemap::Basemaps,
    parcel_fill: &mut crate::ui::map::ParcelFill,
    commands: &mut Vec<Command>,
) {
    use crate::ui::map::basemap::BasemapEdit;
    ui.horizontal(|ui| {
        ui.label(RichText::new(lang.pick("底图", "Base layers")).strong());
        ui.menu_button(lang.pick("添加底图…", "Add…"), |ui| {
            if ui
                .button(lang.pick("MBTiles 文件…", "MBTiles file…"))
                .clicked()
            {
                ui.close();
                commands.push(Command::PickFile(FileRequest::open(
                    FileTarget::Basemap,
                    lang.pick("添加底图", "Add a base layer"),
                    "MBTiles",
                    &["mbtiles"],
                )));
            }
            ui.separator();
            // A tile server on the office network (天地图 node, GeoServer): its URL template.
            let id = ui.make_persistent_id("basemap_url");
            let mut url: String = ui.data(|d| d.get_temp(id)).unwrap_or_default();
            let label = ui.label(lang.pick("瓦片服务地址", "Tile server URL"));
            ui.add(
                egui::TextEdit::singleline(&mut url)
                    .hint_text("http://…/{z}/{x}/{y}.png")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
            let usable = url.starts_with("http") && url.contains("{z}");
            if ui
                .add_enabled(usable, egui::Button::new(lang.pick("添加", "Add")))
                .clicked()
            {
                ui.close();
                commands.push(Command::AddBasemap(std::path::PathBuf::from(url.trim())));
                url.clear();
            }
            ui.data_mut(|d| d.insert_temp(id, url));
        });
    });
    let count = basemaps.layers.len();
    if count > 0 {
        let mut outlined = *parcel_fill == crate::ui::map::ParcelFill::Outlined;
        if ui
            .checkbox(
                &mut outlined,
                lang.pick("宗地仅显示轮廓", "Parcels as outlines"),
            )
            .on_hover_text(lang.pick("底图透过宗地显示", "The ground shows through the parcels"))
            .changed()
        {
            *parcel_fill = if outlined {
                crate::ui::map::ParcelFill::Outlined
            } else {
                crate::ui::map::ParcelFill::Filled
            };
        }
    }
    for (index, layer) in basemaps.layers.iter().enumerate().rev() {
        let name = layer
            .setting
            .path
            .file_name()
            .map_or_else(|| layer.source.name(), |n| n.to_string_lossy().into_owned());
        ui.horizontal(|ui| {
            let mut visible = layer.setting.visible;
            if ui
                .checkbox(&mut visible, &name)
                .on_hover_text(layer.source.name())
                .changed()
            {
                commands.push(Command::EditBasemap(index, BasemapEdit::Visible(visible)));
            }
            if index + 1 < count && ui.small_button(lang.pick("上移", "Up")).clicked() {
                commands.push(Command::EditBasemap(index, BasemapEdit::Raise));
            }
            if index > 0 && ui.small_button(lang.pick("下移", "Down")).clicked() {
                commands.push(Command::EditBasemap(index - 1, BasemapEdit::Raise));
            }
            if ui.small_button(lang.pick("移除", "Remove")).clicked() {
                commands.push(Command::EditBasemap(index, BasemapEdit::Remove));
            }
        });
        let mut opacity = layer.setting.opacity;
        ui.horizontal(|ui| {
            let label = ui.label(lang.pick("不透明度", "Opacity"));
            if ui
                .add(egui::Slider::new(&mut opacity, 0.0..=1.0).show_value(false))
                .labelled_by(label.id)
                .changed()
            {
                commands.push(Command::EditBasemap(index, BasemapEdit::Opacity(opacity)));
            }
        });
        let mut gcj02 = layer.setting.gcj02;
        if ui
            .checkbox(&mut gcj02, lang.pick("GCJ-02 瓦片（纠偏）", "GCJ-02 tiles (shift to fit)"))
            .on_hover_text(lang.pick(
                "部分商业地图服务的瓦片采用 GCJ-02，与 CGCS2000 宗地相差数百米：勾选后平移对齐",
                "Some commercial services draw their tiles in GCJ-02, a few hundred metres off CGCS2000 parcels: ticked, they are shifted to fit",
            ))
            .changed()
        {
            commands.push(Command::EditBasemap(index, BasemapEdit::Gcj02(gcj02)));
        }
    }
}

/// 附件: the documents of the case, each opened with the system's viewer or saved elsewhere;
/// an editor adds (also by dropping files on the window) and removes them.
fn documents_ui(
    ui: &mut Ui,
    lang: Lang,
    ledger: &LedgerView,
    case_id: i64,
    may_edit: bool,
    commands: &mut Vec<Command>,
) {
    let documents = ledger.attachments(case_id);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{}（{}）",
                lang.pick("附件", "Documents"),
                documents.len()
            ))
            .strong(),
        );
        if may_edit
            && ui
                .button(lang.pick("添加附件…", "Attach…"))
                .on_hover_text(lang.pick(
                    "PDF、JPEG、PNG、Word、Excel，每个不超过 50 MB；也可把文件拖到窗口上",
                    "PDF, JPEG, PNG, Word, Excel, up to 50 MB each; or drop files on the window",
                ))
                .clicked()
        {
            commands.push(Command::PickFile(FileRequest::open(
                FileTarget::AttachTo(case_id),
                lang.pick("添加附件", "Attach a document"),
                lang.pick("文档", "Documents"),
                &["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"],
            )));
        }
    });
    for document in documents {
        let thumbnail = match ledger.thumbnail(&document) {
            crate::ui::ledger::Thumb::Ready(image) => Some(image),
            crate::ui::ledger::Thumb::Loading => {
                // Decoded on a thread: looked for again shortly.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
                None
            }
            crate::ui::ledger::Thumb::None => None,
        };
        if let Some(thumbnail) = thumbnail {
            // Kept as a texture in egui's memory, by document (its bytes never change).
            let id = ui.make_persistent_id(("document_thumbnail", document.id));
            let texture: egui::TextureHandle = ui.data(|d| d.get_temp(id)).unwrap_or_else(|| {
                let texture = ui.ctx().load_texture(
                    format!("document-{}", document.id),
                    (*thumbnail).clone(),
                    egui::TextureOptions::LINEAR,
                );
                ui.data_mut(|d| d.insert_temp(id, texture.clone()));
                texture
            });
            ui.add(egui::Image::new(&texture).max_height(96.0))
                .on_hover_text(&document.name);
        }
        ui.horizontal(|ui| {
            let size = if document.size >= 1024 * 1024 {
                format!("{:.1} MB", document.size as f64 / (1024.0 * 1024.0))
            } else {
                format!("{} KB", (document.size + 1023) / 1024)
            };
            ui.label(format!("{}  {size}", document.name))
                .on_hover_text(format!(
                    "{} {}\nSHA-256 {}",
                    crate::time::local_time_text(&document.added_at),
                    document.added_by,
                    document.sha256
                ));
            if ui.small_button(lang.pick("打开", "Open")).clicked() {
                commands.push(Command::WriteAttachment(document.clone(), None));
            }
            if ui.small_button(lang.pick("另存为…", "Save as…")).clicked() {
                let name = crate::ledger::attachments::file_name_for_disk(&document.name);
                commands.push(Command::PickFile(FileRequest::save(
                    FileTarget::SaveAttachment(document.clone()),
                    lang.pick("保存附件", "Save the document"),
                    &name,
                    lang.pick("文档", "Documents"),
                    &[],
                )));
            }
            if may_edit && ui.small_button(lang.pick("移除", "Remove")).clicked() {
                commands.push(Command::RemoveAttachment(document.id));
            }
        });
    }
}

/// The ledger table panel.
pub fn ledger_panel_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    ledger: &mut LedgerView,
    selected: Option<&Parcel>,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading(lang.pick(
            "低效闲置工业用地台账",
            "Idle and low-efficiency industrial land ledger",
        ));
        if let Some(location) = ledger.location() {
            ui.label(RichText::new(location).weak());
        }
    });
    if let Some(error) = &ledger.error {
        ui.label(RichText::new(error).color(theme::ERROR_TEXT));
    }
    let may_edit = ledger.may_edit();
    let day = ledger.day();
    let LedgerView { table, entries, .. } = ledger;
    let action = table.ui(
        ui,
        lang,
        entries,
        park,
        day,
        selected.map(|p| p.parcel_no.as_str()),
        may_edit,
    );
    match action {
        Some(crate::ui::ledger::TableAction::Select(parcel_no)) => {
            commands.push(Command::ShowParcel(parcel_no));
        }
        Some(crate::ui::ledger::TableAction::Edit(id)) => commands.push(Command::EditCase(id)),
        Some(crate::ui::ledger::TableAction::Commands(more)) => commands.extend(more),
        None => {}
    }
}

/// When several parcels are selected: their count and total area.
pub fn selection_ui(ui: &mut Ui, lang: Lang, park: &Park, selection: &crate::query::Selection) {
    if selection.len() < 2 {
        return;
    }
    let parcels: Vec<usize> = selection.iter().collect();
    let (count, area_m2) = crate::query::totals(park, &parcels);
    ui.label(
        RichText::new(format!(
            "{} {count} {}，{} {} {}",
            lang.pick("已选", "Selected"),
            lang.pick("宗", "parcels"),
            lang.pick("合计", "total"),
            group_thousands(mu_from_m2(area_m2), 2),
            lang.pick("亩", "mu"),
        ))
        .strong(),
    );
    ui.separator();
}

/// The lines of a parcel's hover tooltip: number, holder, 亩, and its case's progress or its
/// status now.
#[must_use]
pub fn parcel_tooltip(
    lang: Lang,
    park: &Park,
    standing: &crate::standing::Standing,
    cases: &[crate::ledger::StoredEntry],
    index: usize,
) -> Vec<String> {
    let Some(parcel) = park.parcels.get(index) else {
        return Vec::new();
    };
    let mut lines = vec![parcel.parcel_no.clone()];
    if let Some(holder) = &parcel.holder {
        lines.push(holder.clone());
    }
    lines.push(format!(
        "{} {}",
        group_thousands(mu_from_m2(parcel.area_m2), 2),
        lang.pick("亩", "mu")
    ));
    let standing_of = standing.of(index);
    match standing.case(index, cases) {
        Some(case) => lines.push(format!(
            "{} #{}: {}",
            lang.pick("台账", "Case"),
            case.id,
            case.entry.progress.label(lang)
        )),
        None => lines.push(format!(
            "{}: {}",
            lang.pick("现状", "Status"),
            standing_of.status.map_or("—", |s| s.label(lang))
        )),
    }
    if standing_of.alert.any() {
        lines.push(format!(
            "{}: {}",
            lang.pick("预警", "Alert"),
            standing_of.alert.reasons(lang)
        ));
    }
    lines
}

/// The context menu of a parcel (on the map or a table row): 登记/编辑台账, 缩放至,
/// 复制宗地编号, 查看历史.
pub fn parcel_context_menu_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    index: usize,
    case: Option<i64>,
    may_edit: bool,
    commands: &mut Vec<Command>,
) {
    let Some(parcel) = park.parcels.get(index) else {
        return;
    };
    ui.label(RichText::new(&parcel.parcel_no).strong());
    ui.separator();
    let register = match case {
        Some(_) => lang.pick("编辑台账", "Edit case"),
        None => lang.pick("登记闲置/低效", "Register idle/low-efficiency"),
    };
    if may_edit && ui.button(register).clicked() {
        match case {
            Some(id) => {
                commands.push(Command::Select(Some(index)));
                commands.push(Command::EditCase(id));
            }
            None => commands.push(Command::RegisterParcel(index)),
        }
        ui.close();
    }
    if ui.button(lang.pick("缩放至", "Zoom to")).clicked() {
        commands.push(Command::ShowParcel(parcel.parcel_no.clone()));
        ui.close();
    }
    if ui
        .button(lang.pick("复制宗地编号", "Copy parcel number"))
        .clicked()
    {
        ui.ctx().copy_text(parcel.parcel_no.clone());
        ui.close();
    }
    if ui.button(lang.pick("查看历史", "Show history")).clicked() {
        commands.push(Command::Select(Some(index)));
        ui.close();
    }
}
