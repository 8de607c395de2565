//! The app shell: persisted state, runtime state, the frame's layout, and the commands that
//! change the world at the end of the frame.

use crate::geo_io::{Import, ImportReport, RejectReason, Rejected, read_file};
use crate::load::LoadedLayer;
use crate::model::{Lang, Parcel, Park};
use crate::progress::Progress;
use crate::query::Selection;
use crate::sample;
use crate::style::{Classification, StylePreset};
use crate::ui::attributes::{AttributeTableState, TableContext};
use crate::ui::dashboard::{self, DashboardView, MainView};
use crate::ui::import_dialog::{DialogAction, ImportDialog, ImportKind};
use crate::ui::ledger::{EntryForm, LedgerView};
use crate::ui::map::measure::{Measure, MeasureMode};
use crate::ui::map::{self, Camera, LabelBy, MapLayer, MapStyle};
use crate::ui::{install_fonts, panels, theme};
use egui::{Pos2, Rect};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};

/// The ledger used when none is chosen: the sample park's own, or the user's default.
fn default_ledger_path(sample_park: bool) -> PathBuf {
    if sample_park {
        crate::ledger::sample_path()
    } else {
        crate::ledger::default_path()
    }
}

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
    pub style: StylePreset,
    /// What parcel labels show.
    pub label_by: LabelBy,
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
            style: StylePreset::Status,
            label_by: LabelBy::ParcelNo,
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
    /// 属性表 of the districts.
    Districts,
}

/// Files named on the command line; the sample park stands in for any not given.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    pub districts: Option<PathBuf>,
    pub parcels: Option<PathBuf>,
    /// The ledger file; when `None`, the sample park's own ledger on the sample park and the
    /// platform data folder's `ledger.sqlite` on the user's own parcels.
    pub ledger: Option<PathBuf>,
    /// When the process started, for the first-frame timing (`PARKLAND_FIRST_FRAME`).
    pub started: Option<std::time::Instant>,
}

pub use crate::load::LayerKind;

/// A file being read on the loading thread.
pub struct PendingLoad {
    pub path: PathBuf,
    pub progress: Arc<Progress>,
    receiver: mpsc::Receiver<Result<LoadedLayer, Box<Rejected>>>,
}

/// Everything the user can ask for; applied after the frame is laid out.
#[derive(Debug, Clone)]
pub enum Command {
    /// Stop the load running in the background.
    CancelLoad,
    /// Turn the measure tool on in a mode, or off.
    Measure(Option<MeasureMode>),
    Open(LayerKind, PathBuf),
    /// A dropped file: districts or parcels decided from its name and contents.
    OpenDropped(PathBuf),
    FitPark,
    Select(Option<usize>),
    /// Shift-click: add or remove one parcel.
    ToggleSelect(usize),
    /// Box select.
    SelectMany(Vec<usize>, SelectMode),
    /// Select a parcel by number and zoom to it (from the ledger table).
    ShowParcel(String),
    /// Open the entry form for the selected parcel.
    RegisterSelected,
    /// Select a parcel and open its entry form (its open case where it has one).
    RegisterParcel(usize),
    EditCase(i64),
    SaveForm,
    /// 作废 the case open in the form, with the form's reason.
    VoidFormCase,
    /// 恢复 a voided case.
    RestoreCase(i64),
    CancelForm,
    OpenLedger(PathBuf),
    BackupLedger(PathBuf),
    /// Write a PNG map image of the current view or of the whole park.
    ExportMapImage(PathBuf, MapExtent),
    /// Write the park and its ledger as a GeoPackage.
    ExportGpkg(PathBuf),
    /// Write the parcels and their cases as `GeoJSON`, in lon/lat or Gauss-Krüger.
    ExportGeoJson(PathBuf, crate::exchange::GeoJsonCrs),
    /// Write the ledger in the county's columns.
    ExportLedgerTable(PathBuf, TableFormat),
    /// Write the park report: xlsx or PDF by the file's extension.
    ExportReport(PathBuf),
    /// Ask for a file (the system dialog, or the built-in one where it cannot open).
    PickFile(crate::ui::files::FileRequest),
    RestoreLedger(PathBuf),
    /// Read a ledger table (xlsx/CSV) and show what importing it would do.
    PreviewLedgerImport(PathBuf),
    /// Read enterprise figures (xlsx/CSV) and show what importing them would do.
    PreviewEnterpriseImport(PathBuf),
    /// The import window's 导入 or 取消.
    FinishImport(ImportDecision),
    Undo,
    Redo,
    SetStyle(StylePreset),
    /// Write these parcels (the filtered table) as CSV.
    ExportParcelsCsv(PathBuf, Vec<usize>),
    SetLang(Lang),
    /// Show the map or the 统计 dashboard in the central area.
    SetView(MainView),
    DismissNotice(usize),
    Quit,
}

/// Replace the selection, or add to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectMode {
    Replace,
    Add,
}

/// What a map image shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapExtent {
    /// The map view as it is on screen.
    CurrentView,
    WholePark,
}

/// A table's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Xlsx,
    /// UTF-8 with a byte-order mark, so that Excel reads the Chinese.
    Csv,
}

/// The import window's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportDecision {
    Import,
    Cancel,
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
    /// A file being read on the loading thread.
    pending: Option<PendingLoad>,
    /// The measure tool, when it is on.
    pub measure: Option<Measure>,
    /// Process start, until the first frame has been timed.
    started: Option<std::time::Instant>,
    /// A parcel file named on the command line, loaded in the background on the first frame.
    startup_parcels: Option<PathBuf>,
    cursor_lon_lat: Option<(f64, f64)>,
    map_rect: Option<Rect>,
    commands: Vec<Command>,
    pub ledger: LedgerView,
    /// The parcels are the embedded sample (the sample ledger goes with them).
    sample_park: bool,
    /// The ledger was chosen by the user (`--ledger` or 打开台账…), not by default.
    ledger_chosen: bool,
    /// Where every parcel stands now (current case, status, 预警): the one answer the map,
    /// the legend, the tables and the panels read. Recomputed with the colours.
    pub standing: crate::standing::Standing,
    /// Counts the standings computed, so that tables cached on it know when to refresh.
    standing_generation: u64,
    /// Fill colours need recomputing (ledger or colour mode changed).
    colors_dirty: bool,
    /// The map fills are drawn by the GPU renderer (its buffers are up to date).
    gpu: bool,
    /// Every parcel's class under the current style, and the legend.
    pub classification: Classification,
    /// The districts' figures for the 片区属性表, recomputed with the colours.
    park_summary: crate::stats::ParkSummary,
    /// 预警 outlines, recomputed with the colours.
    alerts: Vec<(usize, egui::Color32)>,
    /// The 预警 list (`stats::alert_rows`), recomputed with the colours.
    alert_rows: Vec<crate::stats::AlertRow>,
    /// The map or the 统计 dashboard; the window always opens on the map.
    pub view: MainView,
    dashboard: DashboardView,
    /// An import previewed and waiting for 导入 or 取消.
    pub import: Option<ImportDialog>,
    /// The 定位 box.
    pub locate: crate::ui::locate::LocateState,
    /// The parcel the map's context menu is about (the one right-clicked).
    context_parcel: Option<usize>,
    /// The built-in file dialog, when one is open.
    pub file_dialog: Option<crate::ui::files::BuiltinDialog>,
    /// Try the system's file dialog first (tests turn it off).
    pub native_dialogs: bool,
    /// The folder the last file was chosen in, where the next dialog opens.
    last_dir: Option<PathBuf>,
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
        // The sample park is small and loads at once; a parcel file may be large, so it is
        // read in the background from the first frame on while the map shows the districts.
        let startup_parcels = startup.parcels;
        let parcels = if sample_park {
            load(None, sample::sample_parcels)
        } else {
            None
        };
        let park = Park::from_imports(districts, parcels);
        let layer = MapLayer::new(&park);
        let fit_pending = state.camera.is_none_or(|c| !camera_shows(&layer, &c));
        let mut ledger = LedgerView::default();
        let ledger_chosen = startup.ledger.is_some();
        let ledger_path = startup
            .ledger
            .unwrap_or_else(|| default_ledger_path(sample_park));
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
            pending: None,
            measure: None,
            started: startup.started,
            startup_parcels,
            cursor_lon_lat: None,
            map_rect: None,
            commands: Vec::new(),
            ledger,
            sample_park,
            ledger_chosen,
            standing_generation: 0,
            standing: crate::standing::Standing::compute(
                &Park::default(),
                &[],
                crate::time::today(),
            ),
            colors_dirty: true,
            gpu: false,
            park_summary: crate::stats::park_summary(
                &Park::default(),
                &crate::standing::Standing::compute(&Park::default(), &[], crate::time::today()),
            ),
            classification: Classification::compute(
                StylePreset::Status,
                &Park::default(),
                &[],
                Lang::Zh,
            ),
            alerts: Vec::new(),
            alert_rows: Vec::new(),
            view: MainView::Map,
            dashboard: DashboardView::default(),
            import: None,
            locate: crate::ui::locate::LocateState::default(),
            context_parcel: None,
            file_dialog: None,
            native_dialogs: crate::ui::files::native_available(),
            last_dir: None,
        }
    }

    /// Asks for a file: the system dialog where it opens, else the built-in one, saying why.
    fn pick_file(&mut self, request: crate::ui::files::FileRequest) {
        use crate::ui::files::{BuiltinDialog, NativeOutcome, native_pick};
        let lang = self.state.lang;
        let note = if self.native_dialogs {
            match native_pick(&request) {
                NativeOutcome::Chosen(path) => {
                    self.last_dir = path.parent().map(std::path::Path::to_path_buf);
                    let command = request.command(path);
                    self.commands.push(command);
                    return;
                }
                NativeOutcome::Cancelled => return,
                NativeOutcome::Failed => lang.pick(
                    "系统文件对话框无法打开，已改用内置对话框。",
                    "The system file dialog could not open; this built-in one is used instead.",
                ),
            }
        } else {
            lang.pick(
                "此桌面没有系统文件对话框，使用内置对话框。",
                "This desktop has no system file dialog; the built-in one is used.",
            )
        };
        // Said on stderr too, for whoever runs the program from a terminal (and the tests).
        eprintln!("parkland: built-in file dialog: {note}");
        self.file_dialog = Some(BuiltinDialog::new(
            request,
            self.last_dir.clone(),
            Some(note.to_owned()),
        ));
    }

    /// 登记闲置/低效 on the selected parcel: a new case, or its open case when it has one (a
    /// parcel has at most one open case), saying so.
    fn register_selected(&mut self) {
        let Some(index) = self.selection.primary() else {
            return;
        };
        let open = self
            .standing
            .case(index, &self.ledger.entries)
            .filter(|c| crate::standing::is_open(&c.entry));
        if let Some(case) = open {
            let mut form = EntryForm::edit(case);
            let lang = self.state.lang;
            form.general_error = None;
            self.ledger.info = Some(match lang {
                Lang::Zh => format!(
                    "宗地 {} 已有未结案件 #{}（{}），已打开该案件，未重复登记。",
                    case.entry.parcel_no,
                    case.id,
                    case.entry.progress.label(lang)
                ),
                Lang::En => format!(
                    "Parcel {} already has an open case #{} ({}); that case is open here instead of a second one.",
                    case.entry.parcel_no,
                    case.id,
                    case.entry.progress.label(lang)
                ),
            });
            self.ledger.form = Some(form);
        } else if let Some(parcel) = self.park.parcels.get(index) {
            self.ledger.info = None;
            self.ledger.form = Some(EntryForm::for_parcel(parcel, crate::ui::ledger::today()));
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
        self.standing = crate::standing::Standing::compute(
            &self.park,
            &self.ledger.entries,
            crate::ui::ledger::today(),
        );
        self.standing_generation += 1;
        self.classification = Classification::compute_with(
            self.state.style,
            &self.park,
            &self.ledger.entries,
            &self.standing,
            self.state.lang,
        );
        let classification = &self.classification;
        self.layer
            .recolor(|i| theme::rgb(classification.color_of(i)));
        self.alerts = self.compute_alerts();
        self.alert_rows =
            crate::stats::alert_rows(&self.park, &self.ledger.entries, &self.standing);
        self.park_summary = crate::stats::park_summary(&self.park, &self.standing);
        // Whatever changed the colours (ledger, park, language) changes the figures too.
        self.dashboard.invalidate();
        self.colors_dirty = false;
    }

    /// 预警 outlines: every parcel the standing puts under an alert, severe ones red.
    fn compute_alerts(&self) -> Vec<(usize, egui::Color32)> {
        self.standing
            .parcels
            .iter()
            .enumerate()
            .filter(|(_, p)| p.alert.any())
            .map(|(i, p)| {
                let color = if p.alert.is_severe() {
                    theme::ALERT_SEVERE
                } else {
                    theme::ALERT_WARNING
                };
                (i, color)
            })
            .collect()
    }

    fn zoom_to_parcel(&mut self, index: usize) {
        let (Some((min, max)), Some(rect)) = (
            self.layer.parcel_world_bounds(&self.park, index),
            self.map_rect,
        ) else {
            return;
        };
        // At least 400 m across, so the neighbours show too.
        let pad = ((400.0_f64 - (max[0] - min[0]).max(max[1] - min[1])) / 2.0).max(0.0);
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
        map::parcel_anchor_ui(&self.park, index, &camera, rect)
    }

    /// Queues a command for the end of the frame.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Open(kind, path) => self.start_load(ctx, Some(kind), path),
            Command::OpenDropped(path) => self.start_load(ctx, None, path),
            Command::Measure(mode) => self.measure = mode.map(Measure::new),
            Command::CancelLoad => {
                if let Some(pending) = &self.pending {
                    pending.progress.cancel();
                }
            }
            Command::FitPark => self.fit_pending = true,
            Command::Select(index) => self.selection.set(index),
            Command::ToggleSelect(index) => self.selection.toggle(index),
            Command::SelectMany(indices, mode) => {
                self.selection.extend(indices, mode == SelectMode::Add);
            }
            Command::ShowParcel(parcel_no) => {
                if let Some(index) = self.parcel_index(&parcel_no) {
                    self.selection.set(Some(index));
                    self.zoom_to_parcel(index);
                }
            }
            Command::RegisterSelected => self.register_selected(),
            Command::RegisterParcel(index) => {
                self.selection.set(Some(index));
                self.register_selected();
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
            Command::VoidFormCase => {
                self.ledger.void_form_case(&self.state.operator);
                self.colors_dirty = true;
            }
            Command::RestoreCase(id) => {
                self.ledger.restore(id, &self.state.operator);
                self.colors_dirty = true;
            }
            Command::CancelForm => {
                self.ledger.form = None;
                self.ledger.info = None;
            }
            Command::OpenLedger(path) => {
                // A preview made against the other ledger must not be applied to this one.
                self.import = None;
                self.ledger_chosen = true;
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
            Command::ExportMapImage(path, extent) => {
                let result = self.export_map_image(&path, extent == MapExtent::CurrentView);
                self.export_notice(&path, result);
            }
            Command::ExportGpkg(path) => {
                let result = crate::exchange::write_gpkg(&self.park, &self.ledger.entries, &path)
                    .map(|s| {
                        format!(
                            "{} {}, {} {}, {} {}",
                            s.districts,
                            self.state.lang.pick("个片区", "districts"),
                            s.parcels,
                            self.state.lang.pick("宗地", "parcels"),
                            s.cases,
                            self.state.lang.pick("件台账", "ledger cases"),
                        )
                    });
                self.export_notice(&path, result.map_err(|e| e.to_string()));
            }
            Command::ExportGeoJson(path, crs) => {
                let result =
                    crate::exchange::write_geojson(&self.park, &self.ledger.entries, &path, crs)
                        .map(|s| {
                            format!(
                                "{} {}, {} {}, {}",
                                s.parcels,
                                self.state.lang.pick("宗地", "parcels"),
                                s.parcels_with_case,
                                self.state.lang.pick("宗有台账", "with a ledger case"),
                                s.crs
                            )
                        });
                self.export_notice(&path, result.map_err(|e| e.to_string()));
            }
            Command::PickFile(request) => self.pick_file(request),
            Command::ExportLedgerTable(path, format) => {
                let table = crate::export::LedgerTable::new(&self.ledger.entries, &self.park);
                let result = if format == TableFormat::Csv {
                    crate::export::write_ledger_csv(&table, &path)
                } else {
                    crate::export::write_ledger_xlsx(&table, &path)
                }
                .map(|()| {
                    format!(
                        "{} {}",
                        table.rows.len().saturating_sub(1),
                        self.state.lang.pick("件台账", "ledger cases")
                    )
                });
                self.export_notice(&path, result.map_err(|e| format!("{e:#}")));
            }
            Command::ExportReport(path) => {
                let result = self.export_report(&path);
                self.export_notice(&path, result);
            }
            Command::RestoreLedger(path) => {
                self.import = None;
                if let Some(store) = &mut self.ledger.store {
                    match store.restore_from(&path) {
                        Ok(()) => self.ledger.error = None,
                        Err(e) => self.ledger.error = Some(e.to_string()),
                    }
                }
                self.ledger.reload();
                self.colors_dirty = true;
            }
            Command::PreviewLedgerImport(path) => self.preview_import(ImportKind::Ledger, &path),
            Command::PreviewEnterpriseImport(path) => {
                self.preview_import(ImportKind::Enterprise, &path);
            }
            Command::FinishImport(decision) => {
                self.finish_import(decision == ImportDecision::Import);
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
                if let Err(e) =
                    crate::query::write_rows_csv(&self.park, &self.standing, &rows, &path)
                {
                    self.notices.push(Notice {
                        title: path.display().to_string(),
                        rejected: true,
                        lines: vec![format!("{e:#}")],
                    });
                }
            }
            Command::SetStyle(style) => {
                self.state.style = style;
                self.colors_dirty = true;
            }
            Command::SetLang(lang) => {
                self.state.lang = lang;
                // Legend labels are in the interface language.
                self.colors_dirty = true;
            }
            Command::SetView(view) => self.view = view,
            Command::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// Reads a table to import and opens the import window, or reports why it cannot.
    fn preview_import(&mut self, kind: ImportKind, path: &std::path::Path) {
        let lang = self.state.lang;
        match crate::ui::import_dialog::preview(
            kind,
            path,
            &self.park,
            self.ledger.store.as_ref(),
            lang,
        ) {
            Ok(dialog) => self.import = Some(dialog),
            Err(notice) => self.notices.push(notice),
        }
    }

    /// Writes the previewed import (one transaction) or drops it.
    fn finish_import(&mut self, apply: bool) {
        if !apply {
            self.import = None;
            return;
        }
        let (Some(dialog), Some(store)) = (&self.import, &mut self.ledger.store) else {
            return;
        };
        let Some(notice) = dialog.apply(store, &self.state.operator, self.state.lang) else {
            // Problems block the import; the window stays open.
            return;
        };
        self.notices.push(notice);
        self.import = None;
        self.ledger.reload();
        // New progress colours the map; new figures change the 统计 view.
        self.colors_dirty = true;
        self.dashboard.invalidate();
    }

    /// Renders the map in software as the window shows it (style, layers, language; the current
    /// view or the whole park), 1920×1080 with title, legend, scale bar and north arrow.
    fn export_map_image(
        &self,
        path: &std::path::Path,
        current_view: bool,
    ) -> Result<String, String> {
        let mut request = crate::render::RenderRequest::new(&self.park, &self.classification);
        request.lang = self.state.lang;
        request.show_districts = self.state.show_districts;
        request.show_parcels = self.state.show_parcels;
        if current_view && let (Some(camera), Some(rect)) = (self.state.camera, self.map_rect) {
            let (min, max) = camera.visible_world(rect);
            request.view = crate::render::View::Mercator { min, max };
        }
        let image = crate::render::render_map(&request).map_err(|e| e.to_string())?;
        crate::render::write_png(&image, path).map_err(|e| e.to_string())?;
        Ok(format!("{} × {} PNG", image.width(), image.height()))
    }

    /// The park report (figures, tables, ledger, map) as xlsx or PDF, as `parkland report`.
    fn export_report(&self, path: &std::path::Path) -> Result<String, String> {
        let lang = self.state.lang;
        let pdf = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("pdf") => true,
            Some("xlsx") => false,
            _ => {
                return Err(lang
                    .pick("报告须为 .xlsx 或 .pdf", "a report is .xlsx or .pdf")
                    .to_owned());
            }
        };
        let report = crate::export::Report::new(
            &self.park,
            &self.ledger.entries,
            self.state.style,
            lang,
            crate::ui::ledger::today(),
        )
        .map_err(|e| e.to_string())?;
        if pdf {
            crate::export::write_report_pdf(&report, path)
        } else {
            crate::export::write_report_xlsx(&report, path)
        }
        .map_err(|e| format!("{e:#}"))?;
        Ok(format!(
            "{} {}",
            self.ledger.entries.len(),
            lang.pick("件台账", "ledger cases")
        ))
    }

    /// Says where an export went, or why it failed.
    fn export_notice(&mut self, path: &std::path::Path, result: Result<String, String>) {
        let lang = self.state.lang;
        let (rejected, line) = match result {
            Ok(summary) => (false, summary),
            Err(e) => (true, e),
        };
        self.notices.push(Notice {
            title: match (lang, rejected) {
                (Lang::Zh, false) => format!("已导出 {}", path.display()),
                (Lang::En, false) => format!("Exported {}", path.display()),
                (Lang::Zh, true) => format!("无法导出 {}", path.display()),
                (Lang::En, true) => format!("Cannot export {}", path.display()),
            },
            rejected,
            lines: vec![line],
        });
    }

    /// Starts reading a file on the loading thread; a load already running is cancelled.
    fn start_load(&mut self, ctx: &egui::Context, kind: Option<LayerKind>, path: PathBuf) {
        if let Some(pending) = self.pending.take() {
            pending.progress.cancel();
        }
        let progress = Arc::new(Progress::new());
        let (sender, receiver) = mpsc::channel();
        let spawned = {
            let (progress, path, ctx) = (Arc::clone(&progress), path.clone(), ctx.clone());
            // The parcels are checked against the districts here too, off the UI thread.
            let districts = self.park.districts.clone();
            std::thread::Builder::new()
                .name("parkland-loader".to_owned())
                .spawn(move || {
                    let mut result = crate::load::load_layer(&path, kind, &progress);
                    if let Ok(LoadedLayer::Parcels(loaded)) = &mut result {
                        let loaded = &mut **loaded;
                        Park::check_parcels(&districts, &mut loaded.parcels, &mut loaded.report);
                    }
                    // The window may have closed meanwhile; then nobody needs the result.
                    let _ = sender.send(result);
                    ctx.request_repaint();
                })
        };
        match spawned {
            Ok(_) => {
                self.pending = Some(PendingLoad {
                    path,
                    progress,
                    receiver,
                });
            }
            Err(e) => self.notices.push(Notice {
                title: path.display().to_string(),
                rejected: true,
                lines: vec![format!("cannot start the loading thread: {e}")],
            }),
        }
    }

    /// True while a file is being read in the background.
    #[must_use]
    pub fn is_loading(&self) -> bool {
        self.pending.is_some() || self.startup_parcels.is_some()
    }

    /// Takes the result of the loading thread when it is ready.
    fn poll_load(&mut self, ctx: &egui::Context) {
        if let Some(path) = self.startup_parcels.take() {
            self.start_load(ctx, Some(LayerKind::Parcels), path);
        }
        let Some(pending) = &self.pending else {
            return;
        };
        match pending.receiver.try_recv() {
            Ok(result) => {
                // Cancelled after the worker finished: the user still gets what they asked.
                let result = if pending.progress.is_cancelled() {
                    Err(Box::new(Rejected {
                        reason: RejectReason::Cancelled,
                        report: ImportReport {
                            source: pending.path.display().to_string(),
                            ..ImportReport::default()
                        },
                    }))
                } else {
                    result
                };
                self.pending = None;
                self.finish_load(result);
            }
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                let path = pending.path.display().to_string();
                self.pending = None;
                self.notices.push(Notice {
                    title: path,
                    rejected: true,
                    lines: vec!["the loading thread stopped without a result".to_owned()],
                });
            }
        }
    }

    /// Replaces a layer with a loaded file; a rejected file never gets here, so the map keeps
    /// what it had.
    fn finish_load(&mut self, result: Result<LoadedLayer, Box<Rejected>>) {
        let lang = self.state.lang;
        match result {
            Ok(LoadedLayer::Districts(import)) => {
                self.notices.extend(warning_notice(&import.report, lang));
                self.park.set_districts(import);
                let parcels = std::mem::take(&mut self.layer.parcels);
                self.layer = MapLayer::with_parcels(&self.park, parcels);
            }
            Ok(LoadedLayer::Parcels(loaded)) => {
                let loaded = *loaded;
                let old = self.park.set_checked_parcels(loaded.parcels, loaded.report);
                // A million old parcels take half a second to free: not on the UI thread.
                crate::load::free_in_background(old);
                // The user's own parcels: a new ledger must not be seeded with sample cases,
                // and the sample park's ledger is left to the sample park.
                let was_sample = std::mem::replace(&mut self.sample_park, false);
                if was_sample && !self.ledger_chosen {
                    self.ledger.open(
                        &crate::ledger::default_path(),
                        &self.park,
                        false,
                        &self.state.operator,
                    );
                }
                // A preview made against the old parcels no longer applies.
                self.import = None;
                self.measure = self.measure.as_ref().map(|m| Measure::new(m.mode));
                if let Some(report) = &self.park.parcel_report {
                    self.notices.extend(warning_notice(report, lang));
                }
                self.selection.set(None);
                self.hovered = None;
                let old = std::mem::replace(
                    &mut self.layer,
                    MapLayer::with_parcels(&self.park, loaded.prepared),
                );
                crate::load::free_in_background(old);
            }
            Err(rejected) if rejected.reason == RejectReason::Cancelled => {
                self.notices.push(Notice {
                    title: rejected.report.source.clone(),
                    rejected: false,
                    lines: vec![
                        match lang {
                            Lang::Zh => "已取消加载，地图保持原样。",
                            Lang::En => "Loading was cancelled; the map is unchanged.",
                        }
                        .to_owned(),
                    ],
                });
                return;
            }
            Err(rejected) => {
                self.notices.push(rejected_notice(&rejected, lang));
                return;
            }
        }
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
        // Ctrl+F: the 定位 box.
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
            self.locate.focus_requested = true;
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
            match &mut self.measure {
                Some(measure) if !measure.points.is_empty() => measure.points.clear(),
                Some(_) => self.measure = None,
                None => self.send(Command::Select(None)),
            }
        }
        for path in dropped {
            self.send(Command::OpenDropped(path));
        }
    }
}

impl eframe::App for ParklandApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Some(started) = self.started.take() {
            report_first_frame(&ctx, started);
        }
        self.poll_load(&ctx);
        self.handle_input(&ctx);
        if self.colors_dirty {
            self.recolor();
        }
        self.gpu = frame
            .wgpu_render_state()
            .is_some_and(|render_state| map::gpu::sync(render_state, &self.layer));
        let lang = self.state.lang;

        egui::Panel::top("menu").show(ui, |ui| {
            let (park, locate) = (&self.park, &mut self.locate);
            panels::menu_bar_ui(
                ui,
                &mut self.state,
                &self.ledger,
                self.measure.as_ref().map(|m| m.mode),
                &mut self.commands,
                |ui, commands| crate::ui::locate::locate_ui(ui, lang, park, locate, commands),
            );
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            let scale = self.state.camera.zip(self.cursor_lon_lat.or_else(|| {
                let c = self.state.camera?.center;
                Some(crate::crs::web_mercator::to_lon_lat(c[0], c[1]))
            }));
            panels::status_bar_ui(
                ui,
                lang,
                self.cursor_lon_lat,
                scale,
                &self.park,
                &self.state.operator,
            );
        });
        egui::Panel::left("layers")
            .default_size(230.0)
            .drag_to_open(false)
            .show_collapsible(ui, &mut (self.view == MainView::Map), |ui| {
                panels::layers_ui(
                    ui,
                    &mut self.state,
                    &self.park,
                    &self.alert_rows,
                    &self.classification,
                    &mut self.commands,
                );
            });
        // A fixed least width, and values that elide (full text on hover): selecting a parcel
        // with a long holder name never widens the panel and shifts the map.
        egui::Panel::right("parcel")
            .default_size(300.0)
            .min_size(300.0)
            .drag_to_open(false)
            .show_collapsible(ui, &mut (self.view == MainView::Map), |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let selected = self
                        .selection
                        .primary()
                        .and_then(|i| self.park.parcels.get(i));
                    panels::selection_ui(ui, lang, &self.park, &self.selection);
                    let index = self.selection.primary();
                    let status_now = index.and_then(|i| self.standing.status(i));
                    panels::parcel_ui(ui, lang, &self.park, selected, status_now);
                    if let (Some(parcel), Some(index)) = (selected, index) {
                        let case = self.standing.case(index, &self.ledger.entries);
                        panels::parcel_ledger_ui(
                            ui,
                            lang,
                            parcel,
                            case,
                            &self.ledger,
                            &mut self.commands,
                        );
                    }
                });
            });
        if self.state.show_ledger && self.view == MainView::Map {
            egui::Panel::bottom("ledger")
                .resizable(true)
                .default_size(220.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let tab = &mut self.state.bottom_tab;
                        ui.selectable_value(tab, BottomTab::Ledger, lang.pick("台账", "Ledger"));
                        ui.selectable_value(
                            tab,
                            BottomTab::Attributes,
                            lang.pick("宗地属性表", "Parcel attributes"),
                        );
                        ui.selectable_value(
                            tab,
                            BottomTab::Districts,
                            lang.pick("片区属性表", "District attributes"),
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
                                    let (min, max) = map::layer::lon_lat_rect(min, max);
                                    layer.parcels.index.in_rect(min, max).collect()
                                }
                                _ => Vec::new(),
                            };
                            let view = {
                                use std::hash::{Hash as _, Hasher as _};
                                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                                if let Some(camera) = self.state.camera {
                                    camera.center[0].to_bits().hash(&mut hasher);
                                    camera.center[1].to_bits().hash(&mut hasher);
                                    camera.m_per_point.to_bits().hash(&mut hasher);
                                }
                                if let Some(rect) = self.map_rect {
                                    rect.min.x.to_bits().hash(&mut hasher);
                                    rect.max.x.to_bits().hash(&mut hasher);
                                    rect.min.y.to_bits().hash(&mut hasher);
                                    rect.max.y.to_bits().hash(&mut hasher);
                                }
                                hasher.finish()
                            };
                            let context = TableContext {
                                lang,
                                park: &self.park,
                                standing: &self.standing,
                                standing_generation: self.standing_generation,
                                cases: &self.ledger.entries,
                                selection: &self.selection,
                                visible: &visible,
                                generation: self.layer.generation,
                                view,
                            };
                            self.state.attributes.ui(ui, &context, &mut self.commands);
                        }
                        BottomTab::Districts => {
                            crate::ui::attributes::district_table_ui(
                                ui,
                                lang,
                                &self.park,
                                &self.park_summary,
                            );
                            // Keep the panel's height, so the map does not jump between tabs.
                            ui.allocate_space(ui.available_size());
                        }
                    }
                });
        }
        egui::Panel::top("view_tabs").show(ui, |ui| {
            dashboard::view_tabs_ui(ui, lang, self.view, &mut self.commands);
        });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                if self.view == MainView::Stats {
                    let entries = &self.ledger.entries;
                    let store = self.ledger.store.as_ref();
                    self.dashboard
                        .ui(ui, lang, &self.park, entries, store, &mut self.commands);
                    return;
                }
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
                if !self.gpu {
                    self.layer.ensure_cpu_fill();
                }
                let style = MapStyle {
                    show_districts: self.state.show_districts,
                    show_parcels: self.state.show_parcels,
                    lang,
                    label_by: self.state.label_by,
                    gpu: self.gpu,
                };
                let overlay = map::Overlay {
                    selection: &self.selection,
                    hovered: self.hovered,
                    alerts: &self.alerts,
                    measure: self.measure.as_ref(),
                };
                let output = map::map_ui(ui, &self.layer, &self.park, &mut camera, style, overlay);
                if camera != before {
                    self.auto_fitted = false;
                }
                self.state.camera = Some(camera);
                self.map_rect = Some(output.rect);
                self.hovered = output.hovered;
                self.cursor_lon_lat = output.cursor_lon_lat;
                if let Some(hit) = output.secondary_clicked {
                    self.context_parcel = hit;
                }
                let mut response = output.response.clone();
                if let Some(index) = output.hovered
                    && !response.dragged()
                    && self.measure.is_none()
                {
                    let tip = panels::parcel_tooltip(
                        lang,
                        &self.park,
                        &self.standing,
                        &self.ledger.entries,
                        index,
                    );
                    response = response.on_hover_ui_at_pointer(|ui| {
                        for line in &tip {
                            ui.label(line);
                        }
                    });
                }
                if let Some(index) = self.context_parcel {
                    let case = self
                        .standing
                        .case(index, &self.ledger.entries)
                        .map(|c| c.id);
                    response.context_menu(|ui| {
                        panels::parcel_context_menu_ui(
                            ui,
                            lang,
                            &self.park,
                            index,
                            case,
                            &mut self.commands,
                        );
                    });
                }
                if let (Some(measure), Some(world)) = (&mut self.measure, output.clicked_world) {
                    // While measuring, a click adds a point and selects nothing.
                    measure.add_world(world);
                    return;
                }
                match (output.clicked, output.add) {
                    (Some(Some(hit)), true) => self.commands.push(Command::ToggleSelect(hit)),
                    (Some(hit), false) => self.commands.push(Command::Select(hit)),
                    _ => {}
                }
                if let Some(parcels) = output.boxed {
                    let mode = if output.add {
                        SelectMode::Add
                    } else {
                        SelectMode::Replace
                    };
                    self.commands.push(Command::SelectMany(parcels, mode));
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
                    if let Some(info) = &self.ledger.info {
                        ui.label(egui::RichText::new(info).color(theme::INFO_TEXT));
                    }
                    // Leave room for the buttons below the fields on small screens (a stored
                    // case has the correction and void rows too).
                    let below = if form.editing.is_some() { 250.0 } else { 160.0 };
                    let room = (ctx.content_rect().height() - below).max(200.0);
                    egui::ScrollArea::vertical()
                        .max_height(room)
                        .show(ui, |ui| form.ui(ui, lang));
                    ui.separator();
                    action = form.buttons_ui(ui, lang);
                });
            match action {
                crate::ui::ledger::FormAction::Save => self.commands.push(Command::SaveForm),
                crate::ui::ledger::FormAction::Cancel => self.commands.push(Command::CancelForm),
                crate::ui::ledger::FormAction::Void => self.commands.push(Command::VoidFormCase),
                crate::ui::ledger::FormAction::None if !open => {
                    self.commands.push(Command::CancelForm);
                }
                crate::ui::ledger::FormAction::None => {}
            }
        }

        if let Some(dialog) = &mut self.file_dialog {
            match dialog.window_ui(&ctx, lang) {
                crate::ui::files::DialogOutcome::Chosen(path) => {
                    self.last_dir = path.parent().map(std::path::Path::to_path_buf);
                    let command = dialog.request.command(path);
                    self.commands.push(command);
                    self.file_dialog = None;
                }
                crate::ui::files::DialogOutcome::Cancelled => self.file_dialog = None,
                crate::ui::files::DialogOutcome::None => {}
            }
        }

        if let Some(dialog) = &self.import {
            match dialog.window_ui(&ctx, lang) {
                DialogAction::Import => {
                    self.commands
                        .push(Command::FinishImport(ImportDecision::Import));
                }
                DialogAction::Cancel => {
                    self.commands
                        .push(Command::FinishImport(ImportDecision::Cancel));
                }
                DialogAction::None => {}
            }
        }

        if let Some(pending) = &self.pending
            && panels::loading_ui(&ctx, lang, &pending.path, &pending.progress)
        {
            self.commands.push(Command::CancelLoad);
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

/// With `PARKLAND_FIRST_FRAME` set, prints how long after process start the first frame was
/// laid out (its pixels follow at once); with the value `exit`, also closes the window, so
/// that the start-up time can be measured with hyperfine.
fn report_first_frame(ctx: &egui::Context, started: std::time::Instant) {
    let Some(mode) = std::env::var_os("PARKLAND_FIRST_FRAME") else {
        return;
    };
    eprintln!(
        "first frame {:.1} ms after start",
        started.elapsed().as_secs_f64() * 1000.0
    );
    if mode == "exit" {
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
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
