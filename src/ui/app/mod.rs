//! The app shell: persisted state, runtime state, the frame's layout, and the commands that
//! change the world at the end of the frame.

use crate::formats::{Import, ImportReport, RejectReason, Rejected, read_file};
use crate::layer::Progress;
use crate::model::{Lang, Parcel, Park};
use crate::query::Selection;
use crate::sample;
use crate::style::{Classification, StylePreset};
use crate::ui::attributes::{AttributeTableState, TableContext};
use crate::ui::dashboard::{self, DashboardView, MainView};
use crate::ui::import_dialog::{DialogAction, ImportDialog, ImportKind};
use crate::ui::ledger::{EntryForm, LedgerView};
use crate::ui::map::measure::{Measure, MeasureMode};
use crate::ui::map::{self, Camera, LabelBy, MapLayer, MapStyle};
use crate::ui::revision::Revision;
use crate::ui::{install_fonts, panels, theme};
use egui::{Pos2, Rect};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};

mod command;
mod exports;
mod frame;
mod loading;

pub use command::{Command, ImportDecision, MapExtent, SelectMode, TableFormat};
use frame::camera_shows;
use loading::{rejected_notice, warning_notice};

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
    /// The CRS chosen for files that name none, by path (`EPSG:4545`): asked once per file.
    pub crs_for_files: std::collections::BTreeMap<String, String>,
    /// Which area the figures use (面积口径).
    pub area_basis: crate::model::AreaBasis,
    /// The ledger server last connected to with 台账 → 连接数据库… (never its password).
    pub server: crate::ui::ledger::ServerSettings,
    /// The base layers under the parcels (底图), bottom first.
    #[serde(default)]
    pub basemaps: Vec<crate::ui::map::basemap::BasemapSetting>,
    /// Parcels filled, or outlined so that the ground shows through.
    #[serde(default)]
    pub parcel_fill: crate::ui::map::ParcelFill,
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
            crs_for_files: std::collections::BTreeMap::new(),
            area_basis: crate::model::AreaBasis::default(),
            server: crate::ui::ledger::ServerSettings::default(),
            basemaps: Vec::new(),
            parcel_fill: crate::ui::map::ParcelFill::Filled,
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
    /// The ledger (a file, or the office's server); when `None`, the sample park's own ledger
    /// on the sample park and the platform data folder's `ledger.sqlite` on the user's own
    /// parcels.
    pub ledger: Option<crate::ledger::Location>,
    /// A base layer to show under the parcels (added to those remembered).
    pub basemap: Option<PathBuf>,
    /// When the process started, for the first-frame timing (`PARKLAND_FIRST_FRAME`).
    pub started: Option<std::time::Instant>,
}

pub use crate::layer::LayerKind;

/// A file being read on the loading thread.
pub struct PendingLoad {
    pub path: PathBuf,
    /// What the user chose about the file.
    pub request: crate::layer::LoadRequest,
    pub progress: Arc<Progress>,
    receiver: mpsc::Receiver<Result<loading::Loaded, Box<Rejected>>>,
}

/// The inputs of the standing and of what is derived with it: the map layer (the park), the
/// ledger's cases, the style, the language, and the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DerivedKey {
    layer: Revision,
    ledger: Revision,
    style: StylePreset,
    lang: Lang,
    today: jiff::civil::Date,
    /// The figures' areas change with it.
    area: crate::model::AreaBasis,
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
    /// The base layers under the parcels, their tiles and textures.
    pub basemaps: crate::ui::map::basemap::Basemaps,
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
    /// Changes whenever the standing is recomputed, so that what is cached on it (the
    /// attribute table's rows, the 统计 view's figures) knows when to refresh.
    standing_revision: Revision,
    /// What the standing and the colours were last computed from.
    derived_for: Option<DerivedKey>,
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
    /// The 检查 window and its report.
    pub topology: crate::ui::topology::TopologyView,
    /// A file waiting for the user's answer (its CRS, the set of a zip) before it opens.
    pub open_question: Option<crate::ui::open_question::OpenQuestion>,
    /// An import previewed and waiting for 导入 or 取消.
    pub import: Option<ImportDialog>,
    /// 台账 → 连接数据库…, while open.
    pub connect: Option<crate::ui::ledger::ConnectDialog>,
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
        let mut park = Park::from_imports(districts, parcels);
        park.set_area_basis(state.area_basis);
        let layer = MapLayer::new(&park);
        let fit_pending = state.camera.is_none_or(|c| !camera_shows(&layer, &c));
        let mut ledger = LedgerView::default();
        let ledger_chosen = startup.ledger.is_some();
        let ledger_location = startup
            .ledger
            .unwrap_or_else(|| crate::ledger::default_path_for(sample_park).into());
        ledger.open(&ledger_location, &park, sample_park, &state.operator);
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
        // The base layers remembered, then the one asked for at start.
        let mut basemaps = crate::ui::map::basemap::Basemaps::default();
        let mut settings = state.basemaps.clone();
        if let Some(path) = startup.basemap
            && !settings.iter().any(|s| s.path == path)
        {
            settings.push(crate::ui::map::basemap::BasemapSetting {
                path,
                visible: true,
                opacity: 1.0,
                gcj02: false,
            });
        }
        for setting in settings {
            match setting.open() {
                Ok(source) => basemaps.add(source, setting),
                Err(e) => notices.push(Notice {
                    title: lang_pick(state.lang, "底图无法打开", "A base layer cannot be opened"),
                    rejected: true,
                    lines: vec![e.to_string()],
                }),
            }
        }
        let mut state = state;
        state.basemaps = basemaps.settings();
        Self {
            state,
            basemaps,
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
            standing_revision: Revision::new(),
            standing: crate::standing::Standing::compute(
                &Park::default(),
                &[],
                crate::time::today(),
            ),
            derived_for: None,
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
            topology: crate::ui::topology::TopologyView::default(),
            open_question: None,
            import: None,
            connect: None,
            locate: crate::ui::locate::LocateState::default(),
            context_parcel: None,
            file_dialog: None,
            native_dialogs: crate::ui::files::native_available(),
            last_dir: None,
        }
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
            self.ledger.form = Some(EntryForm::for_parcel(
                parcel,
                self.park.area_basis,
                crate::ui::ledger::today(),
            ));
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
        self.standing =
            crate::standing::Standing::compute(&self.park, &self.ledger.entries, self.ledger.day());
        self.standing_revision.bump();
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
    }

    /// What the standing, the colours and legend, the 预警 and the district figures are
    /// computed from.
    fn derived_key(&self) -> DerivedKey {
        DerivedKey {
            layer: self.layer.generation,
            ledger: self.ledger.revision,
            style: self.state.style,
            lang: self.state.lang,
            today: self.ledger.day(),
            area: self.park.area_basis,
        }
    }

    /// Computes the standing and what follows from it again when what it is computed from
    /// changed since (see [`crate::ui::revision`]).
    fn refresh_derived(&mut self) {
        let key = self.derived_key();
        if self.derived_for != Some(key) {
            self.recolor();
            self.derived_for = Some(key);
        }
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
}

/// The Chinese or the English, owned.
fn lang_pick(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick(zh, en).to_owned()
}
