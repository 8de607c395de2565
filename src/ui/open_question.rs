//! The questions a GIS asks before a file can open, instead of only refusing it:
//!
//! - a file names no CRS and its numbers are metres: which CRS is it? The choices are what the
//!   numbers suggest ([`crate::crs::Crs::suggestions`]: an easting of eight digits names its
//!   zone; one of six needs a central meridian, the park's first). The answer is remembered
//!   for that file;
//! - a zip holds several Shapefile sets: which one?
//!
//! The answer reopens the file with what was chosen before plus the answer.

use crate::crs::Crs;
use crate::formats::{RejectReason, Rejected};
use crate::layer::LoadRequest;
use crate::model::Lang;
use crate::ui::app::Command;
use std::path::PathBuf;

/// A file waiting for the user's answer.
#[derive(Debug, Clone)]
pub struct OpenQuestion {
    /// What was chosen already (kind, CRS, set).
    pub request: LoadRequest,
    pub path: PathBuf,
    /// Why the file was not read as it is (the reader's message).
    pub reason: String,
    pub ask: Ask,
    pub chosen: usize,
}

/// What is asked.
#[derive(Debug, Clone)]
pub enum Ask {
    /// The CRS of a file that names none.
    Crs(Vec<Crs>),
    /// The set of a zip holding several.
    Set(Vec<String>),
}

impl OpenQuestion {
    /// The question a rejection leaves the user to answer, if any.
    #[must_use]
    pub fn for_rejection(rejected: &Rejected, request: LoadRequest, path: PathBuf) -> Option<Self> {
        let ask = match &rejected.reason {
            RejectReason::SeveralSets(sets) => Ask::Set(sets.clone()),
            reason => {
                let choices = reason.crs_suggestions();
                if choices.is_empty() {
                    return None;
                }
                Ask::Crs(choices)
            }
        };
        Some(Self {
            request,
            path,
            reason: rejected.reason.to_string(),
            ask,
            chosen: 0,
        })
    }
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

impl OpenQuestion {
    /// The dialog, one for both questions: the title, what is asked, the choices and what
    /// the answer adds to the request differ; true once answered or given up.
    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang, commands: &mut Vec<Command>) -> bool {
        let path = crate::formats::postgis::shown_path(&self.path);
        let (title, question, choices, open) = match &self.ask {
            Ask::Crs(crs) => (
                lang.pick("选择坐标系", "Choose the coordinate system"),
                match lang {
                    Lang::Zh => {
                        format!("{path} 没有说明坐标系，坐标是米而不是经纬度。请选择它的坐标系：")
                    }
                    Lang::En => format!(
                        "{path} names no coordinate system and its coordinates are metres, not degrees. Which is it?"
                    ),
                },
                crs.iter().map(|c| describe(c, lang)).collect::<Vec<_>>(),
                lang.pick("按此坐标系打开", "Open in this CRS"),
            ),
            Ask::Set(sets) => (
                lang.pick("选择图层", "Choose a set"),
                match lang {
                    Lang::Zh => format!(
                        "{path} 中有 {} 套 Shapefile，请选择要打开的一套：",
                        sets.len()
                    ),
                    Lang::En => format!("{path} holds {} Shapefile sets. Which one?", sets.len()),
                },
                sets.iter().map(|s| format!("{s}.shp")).collect(),
                lang.pick("打开", "Open"),
            ),
        };
        let (mut answered, mut done) = (false, false);
        egui::Window::new(title)
            .id(egui::Id::unique("parkland_open_question"))
            .collapsible(false)
            .default_width(560.0)
            .default_pos(egui::pos2(260.0, 80.0))
            .show(ctx, |ui| {
                ui.label(question);
                if matches!(self.ask, Ask::Crs(_)) {
                    ui.label(egui::RichText::new(&self.reason).weak());
                }
                ui.add_space(6.0);
                for (i, choice) in choices.into_iter().enumerate() {
                    ui.radio_value(&mut self.chosen, i, choice);
                }
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    answered = ui.button(open).clicked();
                    let cancelled = ui.button(lang.pick("取消", "Cancel")).clicked();
                    done = answered || cancelled;
                });
            });
        if answered {
            let mut request = self.request.clone();
            match &self.ask {
                Ask::Crs(crs) => request.assume = crs.get(self.chosen).cloned(),
                Ask::Set(sets) => request.layer = sets.get(self.chosen).cloned(),
            }
            commands.push(Command::OpenWith(self.path.clone(), request));
        }
        done
    }
}
