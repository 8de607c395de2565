//! The app shell: persisted state, runtime state, the frame's layout, and the commands that
//! change the world at the end of the frame.

use crate::geo_io::{Import, ImportReport, Rejected, read_geojson_file};
use crate::model::{Lang, Parcel, Park};
use crate::sample;
use crate::ui::map::{self, Camera, MapLayer, MapStyle};
use crate::ui::{install_fonts, panels};
use egui::{Pos2, Rect};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What is remembered between runs (window size and position are eframe's).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PersistedState {
    pub camera: Option<Camera>,
    pub show_districts: bool,
    pub show_parcels: bool,
    pub lang: Lang,
}

impl Default for PersistedState {
    fn default() -> Self {
        Self {
            camera: None,
            show_districts: true,
            show_parcels: true,
            lang: Lang::Zh,
        }
    }
}

/// Files named on the command line; the sample park stands in for any not given.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    pub districts: Option<PathBuf>,
    pub parcels: Option<PathBuf>,
}

/// Which layer a file replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    Districts,
    Parcels,
}

/// Everything the user can ask for; applied after the frame is laid out.
#[derive(Debug, Clone)]
pub enum Command {
    Open(LayerKind, PathBuf),
    /// A dropped file: districts or parcels decided from its name and contents.
    OpenDropped(PathBuf),
    FitPark,
    Select(Option<usize>),
    SetLang(Lang),
    DismissNotice(usize),
    Quit,
}

/// A report shown in a window until dismissed: a rejected file or a load with warnings.
#[derive(Debug, Clone)]
pub struct Notice {
    pub title: String,
    pub rejected: bool,
    pub lines: Vec<String>,
}

/// The Parkland window.
pub struct ParklandApp {
    pub state: PersistedState,
    pub park: Park,
    layer: MapLayer,
    pub selected: Option<usize>,
    hovered: Option<usize>,
    fit_pending: bool,
    /// The view was fitted automatically and not moved since: refit when the map resizes.
    auto_fitted: bool,
    pub notices: Vec<Notice>,
    cursor_lon_lat: Option<(f64, f64)>,
    map_rect: Option<Rect>,
    commands: Vec<Command>,
}

impl ParklandApp {
    /// Creates the app, restoring the persisted state and loading the startup files.
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, startup: Startup) -> Self {
        install_fonts(&cc.egui_ctx);
        // A map reads best on a light page, as in QGIS.
        cc.egui_ctx.set_theme(egui::Theme::Light);
        let state: PersistedState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        Self::with_state(state, startup)
    }

    /// Creates the app from a given state (tests use this with no storage).
    #[must_use]
    pub fn with_state(state: PersistedState, startup: Startup) -> Self {
        let mut notices = Vec::new();
        let mut load = |path: Option<PathBuf>, embedded: fn() -> Result<Import, Box<Rejected>>| {
            let result = match path {
                Some(path) => read_geojson_file(&path),
                None => embedded(),
            };
            match result {
                Ok(import) => {
                    notices.extend(warning_notice(&import.report, state.lang));
                    Some(import)
                }
                Err(rejected) => {
                    notices.push(rejected_notice(&rejected, state.lang));
                    None
                }
            }
        };
        let districts = load(startup.districts, sample::sample_districts);
        let parcels = load(startup.parcels, sample::sample_parcels);
        let park = Park::from_imports(districts, parcels);
        let layer = MapLayer::new(&park);
        let fit_pending = state.camera.is_none_or(|c| !camera_shows(&layer, &c));
        Self {
            state,
            park,
            layer,
            selected: None,
            hovered: None,
            fit_pending,
            auto_fitted: false,
            notices,
            cursor_lon_lat: None,
            map_rect: None,
            commands: Vec::new(),
        }
    }

    /// The selected parcel.
    #[must_use]
    pub fn selected_parcel(&self) -> Option<&Parcel> {
        self.selected.and_then(|i| self.park.parcels.get(i))
    }

    /// Where a parcel's label anchor (an interior point) is on screen, after a frame.
    #[must_use]
    pub fn parcel_ui_pos(&self, index: usize) -> Option<Pos2> {
        let rect = self.map_rect?;
        let camera = self.state.camera?;
        let anchor = (*self.layer.parcels.anchors.get(index)?)?;
        Some(map::ui_from_local(&self.layer, &camera, rect) * anchor)
    }

    /// Queues a command for the end of the frame.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Open(kind, path) => self.open(kind, &path),
            Command::OpenDropped(path) => match read_geojson_file(&path) {
                Ok(import) => {
                    let kind = guess_layer_kind(&path, &import);
                    self.replace(kind, import);
                }
                Err(rejected) => self
                    .notices
                    .push(rejected_notice(&rejected, self.state.lang)),
            },
            Command::FitPark => self.fit_pending = true,
            Command::Select(index) => self.selected = index,
            Command::SetLang(lang) => self.state.lang = lang,
            Command::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn open(&mut self, kind: LayerKind, path: &std::path::Path) {
        match read_geojson_file(path) {
            Ok(import) => self.replace(kind, import),
            Err(rejected) => self
                .notices
                .push(rejected_notice(&rejected, self.state.lang)),
        }
    }

    /// Replaces a layer with a loaded file; a rejected file never gets here, so the map keeps
    /// what it had.
    fn replace(&mut self, kind: LayerKind, import: Import) {
        self.notices
            .extend(warning_notice(&import.report, self.state.lang));
        match kind {
            LayerKind::Districts => self.park.set_districts(import),
            LayerKind::Parcels => {
                self.park.set_parcels(import);
                self.selected = None;
                self.hovered = None;
            }
        }
        self.layer = MapLayer::new(&self.park);
        self.fit_pending = true;
    }

    fn handle_input(&mut self, ctx: &egui::Context) {
        let (home, escape, dropped) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Home),
                i.key_pressed(egui::Key::Escape),
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .collect::<Vec<_>>(),
            )
        });
        if home {
            self.send(Command::FitPark);
        }
        if escape {
            self.send(Command::Select(None));
        }
        for path in dropped {
            self.send(Command::OpenDropped(path));
        }
    }
}

impl eframe::App for ParklandApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.handle_input(&ctx);
        let lang = self.state.lang;

        egui::Panel::top("menu").show(ui, |ui| {
            panels::menu_bar_ui(ui, lang, &mut self.commands);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            let scale = self.state.camera.zip(self.cursor_lon_lat.or_else(|| {
                let c = self.state.camera?.center;
                Some(crate::crs::web_mercator::to_lon_lat(c[0], c[1]))
            }));
            panels::status_bar_ui(ui, lang, self.cursor_lon_lat, scale, &self.park);
        });
        egui::Panel::left("layers")
            .default_size(230.0)
            .show(ui, |ui| {
                panels::layers_ui(ui, &mut self.state, &self.park);
            });
        egui::Panel::right("parcel")
            .default_size(280.0)
            .show(ui, |ui| {
                panels::parcel_ui(ui, lang, &self.park, self.selected_parcel());
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let rect = ui.available_rect_before_wrap();
                let mut camera = self.state.camera.unwrap_or_default();
                let resized = self.map_rect.is_some_and(|r| r.size() != rect.size());
                if self.fit_pending || (self.auto_fitted && resized) {
                    if let Some((min, max)) = self.layer.bounds {
                        camera.fit(min, max, rect);
                    }
                    self.fit_pending = false;
                    self.auto_fitted = true;
                }
                let before = camera;
                let style = MapStyle {
                    show_districts: self.state.show_districts,
                    show_parcels: self.state.show_parcels,
                    lang,
                };
                let output = map::map_ui(
                    ui,
                    &self.layer,
                    &self.park,
                    &mut camera,
                    style,
                    self.selected,
                    self.hovered,
                );
                if camera != before {
                    self.auto_fitted = false;
                }
                self.state.camera = Some(camera);
                self.map_rect = Some(output.rect);
                self.hovered = output.hovered;
                self.cursor_lon_lat = output.cursor_lon_lat;
                if let Some(hit) = output.clicked {
                    self.commands.push(Command::Select(hit));
                }
            });

        let mut dismissed = Vec::new();
        for (i, notice) in self.notices.iter().enumerate() {
            if panels::notice_ui(&ctx, lang, i, notice) {
                dismissed.push(Command::DismissNotice(i));
            }
        }
        // Dismiss from the back so indices stay right.
        self.commands.extend(dismissed.into_iter().rev());

        for command in std::mem::take(&mut self.commands) {
            self.apply(&ctx, command);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

/// True when the camera looks at (part of) the loaded park.
fn camera_shows(layer: &MapLayer, camera: &Camera) -> bool {
    layer.bounds.is_some_and(|(min, max)| {
        let margin = (max[0] - min[0]).max(max[1] - min[1]);
        (min[0] - margin..=max[0] + margin).contains(&camera.center[0])
            && (min[1] - margin..=max[1] + margin).contains(&camera.center[1])
            && camera.m_per_point < margin
    })
}

/// Districts if the file name says so or its features look like districts, else parcels.
fn guess_layer_kind(path: &std::path::Path, import: &Import) -> LayerKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.contains("district") || name.contains("片区") || name.contains("zone") {
        return LayerKind::Districts;
    }
    let has = |key: &str| {
        import
            .features
            .iter()
            .any(|f| f.properties.contains_key(key))
    };
    if !has("parcel_no") && has("code") && import.features.len() <= 50 {
        LayerKind::Districts
    } else {
        LayerKind::Parcels
    }
}

fn rejected_notice(rejected: &Rejected, lang: Lang) -> Notice {
    let mut lines = vec![rejected.reason.to_string()];
    lines.extend(rejected.report.messages.iter().map(ToString::to_string));
    Notice {
        title: match lang {
            Lang::Zh => format!("无法打开 {}", rejected.report.source),
            Lang::En => format!("Cannot open {}", rejected.report.source),
        },
        rejected: true,
        lines,
    }
}

fn warning_notice(report: &ImportReport, lang: Lang) -> Option<Notice> {
    if report.is_clean() {
        return None;
    }
    Some(Notice {
        title: match lang {
            Lang::Zh => format!(
                "{} 已打开，有 {} 条提示",
                report.source,
                report.messages.len()
            ),
            Lang::En => format!(
                "{} opened with {} message(s)",
                report.source,
                report.messages.len()
            ),
        },
        rejected: false,
        lines: report.messages.iter().map(ToString::to_string).collect(),
    })
}
