//! The app shell: persisted state, runtime state, the frame's layout, and the commands that
//! change the world at the end of the frame.

use crate::geo_io::{Import, ImportReport, Rejected, read_file, read_file_layer};
use crate::model::{Lang, Parcel, Park};
use crate::query::Selection;
use crate::sample;
use crate::ui::attributes::{AttributeTableState, TableContext};
use crate::ui::ledger::{EntryForm, LedgerView};
use crate::ui::map::{self, Camera, MapLayer, MapStyle};
use crate::ui::{install_fonts, panels, theme};
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
    /// Recorded on every ledger change.
    pub operator: String,
    pub color_by: ColorBy,
    pub show_ledger: bool,
    /// Which table the bottom panel shows.
    pub bottom_tab: BottomTab,
    pub attributes: AttributeTableState,
}

impl Default for PersistedState {
    fn default() -> Self {
        Self {
            camera: None,
            show_districts: true,
            show_parcels: true,
            lang: Lang::Zh,
            operator: crate::ledger::default_operator(),
            color_by: ColorBy::Status,
            show_ledger: true,
            bottom_tab: BottomTab::Ledger,
            attributes: AttributeTableState::default(),
        }
    }
}

/// The tables of the bottom panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BottomTab {
    /// 台账
    Ledger,
    /// 属性表 of the parcels.
    Attributes,
}

/// What the parcel fills show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColorBy {
    /// 宗地状态 from the parcel file.
    Status,
    /// 处置进度 from the ledger.
    Progress,
}

/// Files named on the command line; the sample park stands in for any not given.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    pub districts: Option<PathBuf>,
    pub parcels: Option<PathBuf>,
    /// The ledger file; the platform data folder's `ledger.sqlite` when `None`.
    pub ledger: Option<PathBuf>,
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
    /// Shift-click: add or remove one parcel.
    ToggleSelect(usize),
    /// Box select; `true` adds to the selection.
    SelectMany(Vec<usize>, bool),
    /// Select a parcel by number and zoom to it (from the ledger table).
    ShowParcel(String),
    /// Open the entry form for the selected parcel.
    RegisterSelected,
    EditCase(i64),
    SaveForm,
    CancelForm,
    OpenLedger(PathBuf),
    BackupLedger(PathBuf),
    RestoreLedger(PathBuf),
    Undo,
    Redo,
    SetColorBy(ColorBy),
    /// Write these parcels (the filtered table) as CSV.
    ExportParcelsCsv(PathBuf, Vec<usize>),
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
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent flags of the frame loop"
)]
pub struct ParklandApp {
    pub state: PersistedState,
    pub park: Park,
    layer: MapLayer,
    /// Selected parcels, shared by the map, the tables and the panels.
    pub selection: Selection,
    hovered: Option<usize>,
    fit_pending: bool,
    /// The view was fitted automatically and not moved since: refit when the map resizes.
    auto_fitted: bool,
    pub notices: Vec<Notice>,
    cursor_lon_lat: Option<(f64, f64)>,
    map_rect: Option<Rect>,
    commands: Vec<Command>,
    pub ledger: LedgerView,
    /// The parcels are the embedded sample (the sample ledger goes with them).
    sample_park: bool,
    /// Fill colours need recomputing (ledger or colour mode changed).
    colors_dirty: bool,
    /// 预警 outlines, recomputed with the colours.
    alerts: Vec<(usize, egui::Color32)>,
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
                Some(path) => read_file(&path),
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
        let sample_park = startup.parcels.is_none();
        let districts = load(startup.districts, sample::sample_districts);
        let parcels = load(startup.parcels, sample::sample_parcels);
        let park = Park::from_imports(districts, parcels);
        let layer = MapLayer::new(&park);
        let fit_pending = state.camera.is_none_or(|c| !camera_shows(&layer, &c));
        let mut ledger = LedgerView::default();
        let ledger_path = startup.ledger.unwrap_or_else(crate::ledger::default_path);
        ledger.open(&ledger_path, &park, sample_park, &state.operator);
        if let Some(error) = &ledger.error {
            notices.push(Notice {
                title: match state.lang {
                    Lang::Zh => "台账无法打开".to_owned(),
                    Lang::En => "The ledger cannot be opened".to_owned(),
                },
                rejected: true,
                lines: vec![
                    error.clone(),
                    "台账 → 打开台账… 或 恢复台账… / Ledger → Open… or Restore…".to_owned(),
                ],
            });
        }
        Self {
            state,
            park,
            layer,
            selection: Selection::default(),
            hovered: None,
            fit_pending,
            auto_fitted: false,
            notices,
            cursor_lon_lat: None,
            map_rect: None,
            commands: Vec::new(),
            ledger,
            sample_park,
            colors_dirty: true,
            alerts: Vec::new(),
        }
    }

    /// Index of a parcel by number.
    #[must_use]
    pub fn parcel_index(&self, parcel_no: &str) -> Option<usize> {
        self.park
            .parcels
            .iter()
            .position(|p| p.parcel_no == parcel_no)
    }

    fn recolor(&mut self) {
        let park = &self.park;
        let ledger = &self.ledger;
        match self.state.color_by {
            ColorBy::Status => self
                .layer
                .parcels
                .recolor(|i| theme::status_fill(park.parcels.get(i).and_then(|p| p.status))),
            ColorBy::Progress => self.layer.parcels.recolor(|i| {
                theme::progress_fill(
                    park.parcels
                        .get(i)
                        .and_then(|p| ledger.case_of(&p.parcel_no))
                        .map(|s| s.entry.progress),
                )
            }),
        }
        self.alerts = self.compute_alerts();
        self.colors_dirty = false;
    }

    /// 预警 outlines: parcels whose case is overdue or idle a year or more.
    fn compute_alerts(&self) -> Vec<(usize, egui::Color32)> {
        let today = crate::ui::ledger::today();
        self.park
            .parcels
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let alert = self.ledger.alert(&p.parcel_no, today);
                if alert.overdue || alert.over_two_years {
                    Some((i, theme::ALERT_SEVERE))
                } else if alert.over_one_year {
                    Some((i, theme::ALERT_WARNING))
                } else {
                    None
                }
            })
            .collect()
    }

    fn zoom_to_parcel(&mut self, index: usize) {
        let (Some(Some((min, max))), Some(rect)) =
            (self.layer.parcels.bounds.get(index), self.map_rect)
        else {
            return;
        };
        // At least 400 m across, so the neighbours show too.
        let pad = ((400.0 - (max[0] - min[0]).max(max[1] - min[1])) / 2.0).max(0.0);
        let mut camera = self.state.camera.unwrap_or_default();
        camera.fit(
            [min[0] - pad, min[1] - pad],
            [max[0] + pad, max[1] + pad],
            rect,
        );
        self.state.camera = Some(camera);
        self.auto_fitted = false;
    }

    /// The selected parcel.
    #[must_use]
    pub fn selected_parcel(&self) -> Option<&Parcel> {
        self.selection
            .primary()
            .and_then(|i| self.park.parcels.get(i))
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
            Command::OpenDropped(path) => match read_file(&path) {
                Ok(import) => {
                    let kind = guess_layer_kind(&path, &import);
                    self.replace(kind, import);
                }
                Err(rejected) => self
                    .notices
                    .push(rejected_notice(&rejected, self.state.lang)),
            },
            Command::FitPark => self.fit_pending = true,
            Command::Select(index) => self.selection.set(index),
            Command::ToggleSelect(index) => self.selection.toggle(index),
            Command::SelectMany(indices, add) => self.selection.extend(indices, add),
            Command::ShowParcel(parcel_no) => {
                if let Some(index) = self.parcel_index(&parcel_no) {
                    self.selection.set(Some(index));
                    self.zoom_to_parcel(index);
                }
            }
            Command::RegisterSelected => {
                if let Some(parcel) = self.selected_parcel() {
                    self.ledger.form =
                        Some(EntryForm::for_parcel(parcel, crate::ui::ledger::today()));
                }
            }
            Command::EditCase(id) => {
                if let Some(stored) = self.ledger.entries.iter().find(|e| e.id == id) {
                    self.ledger.form = Some(EntryForm::edit(stored));
                }
            }
            Command::SaveForm => {
                self.ledger.save_form(&self.state.operator);
                self.colors_dirty = true;
            }
            Command::CancelForm => self.ledger.form = None,
            Command::OpenLedger(path) => {
                self.ledger
                    .open(&path, &self.park, self.sample_park, &self.state.operator);
                self.colors_dirty = true;
            }
            Command::BackupLedger(path) => {
                if let Some(store) = &self.ledger.store
                    && let Err(e) = store.backup_to(&path)
                {
                    self.ledger.error = Some(e.to_string());
                }
            }
            Command::RestoreLedger(path) => {
                if let Some(store) = &mut self.ledger.store {
                    match store.restore_from(&path) {
                        Ok(()) => self.ledger.error = None,
                        Err(e) => self.ledger.error = Some(e.to_string()),
                    }
                }
                self.ledger.reload();
                self.colors_dirty = true;
            }
            Command::Undo => {
                self.ledger.undo(&self.state.operator);
                self.colors_dirty = true;
            }
            Command::Redo => {
                self.ledger.redo(&self.state.operator);
                self.colors_dirty = true;
            }
            Command::ExportParcelsCsv(path, rows) => {
                if let Err(e) = crate::query::write_rows_csv(&self.park, &rows, &path) {
                    self.notices.push(Notice {
                        title: path.display().to_string(),
                        rejected: true,
                        lines: vec![format!("{e:#}")],
                    });
                }
            }
            Command::SetColorBy(color_by) => {
                self.state.color_by = color_by;
                self.colors_dirty = true;
            }
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
        let layer = match kind {
            LayerKind::Districts => "districts",
            LayerKind::Parcels => "parcels",
        };
        match read_file_layer(path, crate::exchange::LayerChoice::Prefer(layer)) {
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
                self.selection.set(None);
                self.hovered = None;
            }
        }
        self.layer = MapLayer::new(&self.park);
        self.fit_pending = true;
        self.colors_dirty = true;
    }

    fn handle_input(&mut self, ctx: &egui::Context) {
        // Ctrl+Z / Ctrl+Shift+Z undo ledger edits unless a text field has the keyboard.
        let typing = ctx.memory(|m| m.focused().is_some());
        if !typing && self.ledger.form.is_none() {
            let (undo, redo) = ctx.input_mut(|i| {
                let redo = i.consume_key(
                    egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                    egui::Key::Z,
                );
                let undo = i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z);
                (undo, redo)
            });
            if redo {
                self.send(Command::Redo);
            } else if undo {
                self.send(Command::Undo);
            }
        }
        let form_open = self.ledger.form.is_some();
        let (home, escape, dropped) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Home),
                i.key_pressed(egui::Key::Escape) && !form_open,
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
        if self.colors_dirty {
            self.recolor();
        }
        let lang = self.state.lang;

        egui::Panel::top("menu").show(ui, |ui| {
            panels::menu_bar_ui(ui, &mut self.state, &self.ledger, &mut self.commands);
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
                panels::layers_ui(
                    ui,
                    &mut self.state,
                    &self.park,
                    &self.ledger,
                    &mut self.commands,
                );
            });
        egui::Panel::right("parcel")
            .default_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let selected = self
                        .selection
                        .primary()
                        .and_then(|i| self.park.parcels.get(i));
                    panels::selection_ui(ui, lang, &self.park, &self.selection);
                    panels::parcel_ui(ui, lang, &self.park, selected);
                    if let Some(parcel) = selected {
                        panels::parcel_ledger_ui(
                            ui,
                            lang,
                            parcel,
                            &self.ledger,
                            &mut self.commands,
                        );
                    }
                });
            });
        if self.state.show_ledger {
            egui::Panel::bottom("ledger")
                .resizable(true)
                .default_size(220.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let tab = &mut self.state.bottom_tab;
                        ui.selectable_value(
                            tab,
                            BottomTab::Ledger,
                            panels::tr(lang, "台账", "Ledger"),
                        );
                        ui.selectable_value(
                            tab,
                            BottomTab::Attributes,
                            panels::tr(lang, "宗地属性表", "Parcel attributes"),
                        );
                    });
                    ui.separator();
                    match self.state.bottom_tab {
                        BottomTab::Ledger => {
                            let selected = self
                                .selection
                                .primary()
                                .and_then(|i| self.park.parcels.get(i));
                            panels::ledger_panel_ui(
                                ui,
                                lang,
                                &self.park,
                                &mut self.ledger,
                                selected,
                                &mut self.commands,
                            );
                        }
                        BottomTab::Attributes => {
                            let (layer, camera, map_rect) =
                                (&self.layer, self.state.camera, self.map_rect);
                            let visible = move || match (camera, map_rect) {
                                (Some(camera), Some(rect)) => {
                                    let (min, max) = camera.visible_world(rect);
                                    layer.parcel_index.in_rect(min, max).collect()
                                }
                                _ => Vec::new(),
                            };
                            let context = TableContext {
                                lang,
                                park: &self.park,
                                selection: &self.selection,
                                visible: &visible,
                            };
                            self.state.attributes.ui(ui, &context, &mut self.commands);
                        }
                    }
                });
        }
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
                let overlay = map::Overlay {
                    selection: &self.selection,
                    hovered: self.hovered,
                    alerts: &self.alerts,
                };
                let output = map::map_ui(ui, &self.layer, &self.park, &mut camera, style, overlay);
                if camera != before {
                    self.auto_fitted = false;
                }
                self.state.camera = Some(camera);
                self.map_rect = Some(output.rect);
                self.hovered = output.hovered;
                self.cursor_lon_lat = output.cursor_lon_lat;
                match (output.clicked, output.add) {
                    (Some(Some(hit)), true) => self.commands.push(Command::ToggleSelect(hit)),
                    (Some(hit), false) => self.commands.push(Command::Select(hit)),
                    _ => {}
                }
                if let Some(parcels) = output.boxed {
                    self.commands.push(Command::SelectMany(parcels, output.add));
                }
            });

        if let Some(form) = &mut self.ledger.form {
            let title = match (lang, form.editing.is_some()) {
                (Lang::Zh, false) => "登记闲置/低效",
                (Lang::Zh, true) => "编辑台账",
                (Lang::En, false) => "Register idle / low-efficiency land",
                (Lang::En, true) => "Edit ledger case",
            };
            let mut open = true;
            let mut action = crate::ui::ledger::FormAction::None;
            egui::Window::new(title)
                .id(egui::Id::unique("parkland_entry_form"))
                .open(&mut open)
                .collapsible(false)
                .default_width(640.0)
                .default_pos(egui::pos2(240.0, 36.0))
                .constrain(true)
                .show(&ctx, |ui| {
                    // Leave room for the Save button below the fields on small screens.
                    let room = (ctx.content_rect().height() - 160.0).max(200.0);
                    egui::ScrollArea::vertical()
                        .max_height(room)
                        .show(ui, |ui| form.ui(ui, lang));
                    ui.separator();
                    action = form.buttons_ui(ui, lang);
                });
            match action {
                crate::ui::ledger::FormAction::Save => self.commands.push(Command::SaveForm),
                crate::ui::ledger::FormAction::Cancel => self.commands.push(Command::CancelForm),
                crate::ui::ledger::FormAction::None if !open => {
                    self.commands.push(Command::CancelForm);
                }
                crate::ui::ledger::FormAction::None => {}
            }
        }

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
