//! The question a GIS asks when a file names no CRS and its numbers are metres: which one is
//! it? The choices are what the numbers suggest ([`crate::crs::Crs::suggestions`]: an easting
//! of eight digits names its zone; one of six needs a central meridian, the park's first). The
//! answer reopens the file in that CRS and is remembered for that file.

use crate::crs::Crs;
use crate::layer::LayerKind;
use crate::model::Lang;
use crate::ui::app::Command;
use std::path::PathBuf;

/// A file waiting for its CRS.
#[derive(Debug, Clone)]
pub struct CrsQuestion {
    pub kind: Option<LayerKind>,
    pub path: PathBuf,
    /// Why the file was not read as it is (the reader's message).
    pub reason: String,
    pub choices: Vec<Crs>,
    pub chosen: usize,
}

/// How a CRS is named to a land officer.
#[must_use]
pub fn describe(crs: &Crs, lang: Lang) -> String {
    match crs {
        Crs::GaussKruger {
            epsg,
            central_meridian_deg,
            false_easting_m,
        } => {
            let degree = if (4491..=4512).contains(epsg) { 6 } else { 3 };
            let zone =
                (*false_easting_m > 1e6).then(|| ((false_easting_m - 500_000.0) / 1e6).round());
            match (lang, zone) {
                (Lang::Zh, Some(zone)) => format!(
                    "EPSG:{epsg}  CGCS2000 {degree}° 高斯-克吕格 第 {zone} 带（坐标含带号，中央经线 {central_meridian_deg}°E）"
                ),
                (Lang::Zh, None) => format!(
                    "EPSG:{epsg}  CGCS2000 {degree}° 高斯-克吕格 中央经线 {central_meridian_deg}°E（坐标不含带号）"
                ),
                (Lang::En, Some(zone)) => format!(
                    "EPSG:{epsg}  CGCS2000 {degree}° Gauss-Krüger zone {zone} (zone number in the easting, CM {central_meridian_deg}°E)"
                ),
                (Lang::En, None) => format!(
                    "EPSG:{epsg}  CGCS2000 {degree}° Gauss-Krüger CM {central_meridian_deg}°E (no zone number)"
                ),
            }
        }
        Crs::WebMercator => format!("EPSG:3857  {}", lang.pick("Web 墨卡托", "Web Mercator")),
        Crs::LonLat { name } => name.clone(),
    }
}

impl CrsQuestion {
    /// The dialog; `None` while it waits, `Some(true)` to read the file in the chosen CRS,
    /// `Some(false)` to give up.
    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang, commands: &mut Vec<Command>) -> bool {
        let mut done = false;
        egui::Window::new(lang.pick("选择坐标系", "Choose the coordinate system"))
            .id(egui::Id::unique("parkland_crs_question"))
            .collapsible(false)
            .default_width(560.0)
            .default_pos(egui::pos2(260.0, 80.0))
            .show(ctx, |ui| {
                ui.label(match lang {
                    Lang::Zh => format!(
                        "{} 没有说明坐标系，坐标是米而不是经纬度。请选择它的坐标系：",
                        self.path.display()
                    ),
                    Lang::En => format!(
                        "{} names no coordinate system and its coordinates are metres, not degrees. Which is it?",
                        self.path.display()
                    ),
                });
                ui.label(egui::RichText::new(&self.reason).weak());
                ui.add_space(6.0);
                for (i, crs) in self.choices.iter().enumerate() {
                    ui.radio_value(&mut self.chosen, i, describe(crs, lang));
                }
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    if ui.button(lang.pick("按此坐标系打开", "Open in this CRS")).clicked()
                        && let Some(crs) = self.choices.get(self.chosen)
                    {
                        commands.push(Command::OpenAssuming(
                            self.kind,
                            self.path.clone(),
                            crs.clone(),
                        ));
                        done = true;
                    }
                    if ui.button(lang.pick("取消", "Cancel")).clicked() {
                        done = true;
                    }
                });
            });
        done
    }
}
