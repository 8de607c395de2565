//! Everything the user can ask for, as values: menus, shortcuts, context menus and tables
//! send a [`Command`]; the app applies them after the frame is laid out, so layout code never
//! changes the world.

use super::{
    EntryForm, ImportKind, Lang, LayerKind, MainView, Measure, MeasureMode, Notice, ParklandApp,
    PathBuf, StylePreset,
};

/// Everything the user can ask for; applied after the frame is laid out.
#[derive(Debug, Clone)]
pub enum Command {
    /// Show the ledger as it stood at the end of a past day (时间轴), or now (`None`).
    ShowAsOf(Option<jiff::civil::Date>),
    /// Add a base layer (底图) from a file or folder.
    AddBasemap(PathBuf),
    /// Change a base layer: shown or hidden, opacity, order, removed.
    EditBasemap(usize, crate::ui::map::basemap::BasemapEdit),
    /// Attach files to a case.
    AttachFiles(i64, Vec<PathBuf>),
    /// Write a case's document to a file (`None`: a temporary one, opened with the system's
    /// viewer).
    WriteAttachment(crate::ledger::attachments::Attachment, Option<PathBuf>),
    /// Remove a document from its case.
    RemoveAttachment(i64),
    /// Set a date of the 统计 comparison: 0 the earlier, 1 the later.
    SetCompareDate(usize, jiff::civil::Date),
    /// Stop the load running in the background.
    CancelLoad,
    /// Turn the measure tool on in a mode, or off.
    Measure(Option<MeasureMode>),
    Open(LayerKind, PathBuf),
    /// Open a file as the user chose: the CRS of a file that names none (remembered for the
    /// file), the set of a zip of Shapefiles.
    OpenWith(PathBuf, crate::layer::LoadRequest),
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
    /// Select the parcel at this index and zoom to it.
    ShowParcelAt(usize),
    /// Open the 检查 (topology check) window.
    ShowTopology,
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
    /// 台账 → 连接数据库…
    ShowConnectDialog,
    /// 文件 → 打开 PostGIS 图层…
    ShowPostgisDialog,
    /// Connect to the ledger server at this URL (from the dialog: its parts are remembered).
    ConnectLedger(String),
    BackupLedger(PathBuf),
    /// Write a PNG map image of the current view or of the whole park.
    ExportMapImage(PathBuf, MapExtent),
    /// Write the park and its ledger as a GeoPackage.
    ExportGpkg(PathBuf),
    /// Write the parcels and their cases as `GeoJSON`, in lon/lat or Gauss-Krüger.
    ExportGeoJson(PathBuf, crate::formats::GeoJsonCrs),
    /// Export the parcels with their cases as a Shapefile set.
    ExportShapefile(PathBuf),
    /// Export the selected parcels (all when none is selected) as 国土TXT.
    ExportGuotuTxt(PathBuf),
    /// Write the ledger in the county's columns.
    ExportLedgerTable(PathBuf, TableFormat),
    /// Write the park report: xlsx or PDF by the file's extension.
    ExportReport(PathBuf),
    /// 年度对比 of the 统计 view as a workbook.
    ExportComparison(PathBuf),
    /// Ask for a file (the system dialog, or the built-in one where it cannot open).
    PickFile(crate::ui::files::FileRequest),
    /// Put the keyboard in the 定位 box.
    FocusLocate,
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
    /// Which area the figures use (面积口径).
    SetAreaBasis(crate::model::AreaBasis),
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

/// A command with a keyboard shortcut and its label.
pub struct Shortcut {
    pub command: fn() -> Command,
    pub keys: egui::KeyboardShortcut,
    /// Chinese and English.
    pub label: (&'static str, &'static str),
}

/// The commands that have a keyboard shortcut, with their labels: the one list the menus,
/// the tooltips and the keyboard read, so that a shortcut shown is the shortcut that works.
/// Ctrl+Shift+Z comes before Ctrl+Z, which it contains.
pub const SHORTCUTS: [Shortcut; 4] = [
    Shortcut {
        command: || Command::Redo,
        keys: egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
            egui::Key::Z,
        ),
        label: ("重做", "Redo"),
    },
    Shortcut {
        command: || Command::Undo,
        keys: egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Z),
        label: ("撤销", "Undo"),
    },
    Shortcut {
        command: || Command::FocusLocate,
        keys: egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::F),
        label: ("定位宗地", "Find a parcel"),
    },
    Shortcut {
        command: || Command::FitPark,
        keys: egui::KeyboardShortcut::new(egui::Modifiers::NONE, egui::Key::Home),
        label: ("全图显示", "Zoom to park"),
    },
];

impl Command {
    /// The command's menu label with its shortcut, e.g. `撤销 (Ctrl+Z)`, for the commands of
    /// [`SHORTCUTS`].
    #[must_use]
    pub fn menu_label(&self, lang: crate::model::Lang, ctx: &egui::Context) -> Option<String> {
        SHORTCUTS.iter().find_map(|s| {
            (std::mem::discriminant(&(s.command)()) == std::mem::discriminant(self)).then(|| {
                let (zh, en) = s.label;
                format!("{} ({})", lang.pick(zh, en), ctx.format_shortcut(&s.keys))
            })
        })
    }
}

impl ParklandApp {
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Open(kind, path) => {
                let request = crate::layer::LoadRequest {
                    kind: Some(kind),
                    ..Default::default()
                };
                self.start_load(ctx, path, request);
            }
            Command::OpenDropped(path) => {
                // A document dropped while a case is selected is attached to it; anything
                // else is opened as a layer.
                match self.selected_case_for(&path) {
                    Some(case) => {
                        self.ledger
                            .attach_files(case, vec![path], &self.state.operator);
                        self.take_ledger_outcomes();
                    }
                    None => self.start_load(ctx, path, crate::layer::LoadRequest::default()),
                }
            }
            Command::OpenWith(path, request) => {
                if let Some(crs) = &request.assume {
                    self.state
                        .crs_for_files
                        .insert(crate::formats::postgis::shown_path(&path), crs.label());
                }
                self.start_load(ctx, path, request);
            }
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
            Command::ShowParcelAt(index) => {
                if index < self.park.parcels.len() {
                    self.selection.set(Some(index));
                    self.zoom_to_parcel(index);
                }
            }
            Command::ShowTopology => self.topology.open = true,
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
            }
            Command::VoidFormCase => {
                self.ledger.void_form_case(&self.state.operator);
            }
            Command::RestoreCase(id) => {
                self.ledger.restore(id, &self.state.operator);
            }
            Command::CancelForm => {
                self.ledger.form = None;
                self.ledger.info = None;
            }
            Command::ShowPostgisDialog => {
                self.connect = Some(crate::ui::ledger::ConnectDialog::for_layer(
                    self.state.server.clone(),
                ));
            }
            Command::ShowConnectDialog => {
                self.connect = Some(crate::ui::ledger::ConnectDialog::new(
                    self.state.server.clone(),
                ));
            }
            Command::ConnectLedger(url) => {
                if let Some(dialog) = self.connect.take() {
                    self.state.server = dialog.settings;
                }
                self.import = None;
                self.ledger_chosen = true;
                self.ledger.open(
                    &crate::ledger::Location::Server(url),
                    &self.park,
                    self.sample_park,
                    &self.state.operator,
                );
            }
            Command::OpenLedger(path) => {
                // A preview made against the other ledger must not be applied to this one.
                self.import = None;
                self.ledger_chosen = true;
                self.ledger.open(
                    &path.into(),
                    &self.park,
                    self.sample_park,
                    &self.state.operator,
                );
            }
            Command::BackupLedger(path) => self.ledger.backup_to(path),
            Command::ExportMapImage(path, extent) => {
                let result = self.export_map_image(&path, extent == MapExtent::CurrentView);
                self.export_notice(&path, result);
            }
            Command::ExportGpkg(path) => {
                let result = crate::formats::write_gpkg(&self.park, &self.ledger.entries, &path)
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
                    crate::formats::write_geojson(&self.park, &self.ledger.entries, &path, crs)
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
            Command::ExportShapefile(path) => {
                let lang = self.state.lang;
                let result =
                    crate::formats::write_shapefile(&self.park, &self.ledger.entries, &path).map(
                        |s| {
                            format!(
                                "{} {}, {} {}, {}",
                                s.parcels,
                                lang.pick("宗地", "parcels"),
                                s.parcels_with_case,
                                lang.pick("宗有台账", "with a ledger case"),
                                s.crs
                            )
                        },
                    );
                self.export_notice(&path, result.map_err(|e| e.to_string()));
            }
            Command::ExportGuotuTxt(path) => {
                let lang = self.state.lang;
                let chosen: Vec<String> = self
                    .selection
                    .iter()
                    .filter_map(|i| self.park.parcels.get(i).map(|p| p.parcel_no.clone()))
                    .collect();
                let result = crate::formats::write_guotu_txt(&self.park, &chosen, &path).map(|s| {
                    format!(
                        "{} {}, {} {}, {}",
                        s.parcels,
                        lang.pick("宗地", "parcels"),
                        s.points,
                        lang.pick("个界址点", "boundary points"),
                        s.crs
                    )
                });
                self.export_notice(&path, result.map_err(|e| e.to_string()));
            }
            Command::PickFile(request) => self.pick_file(request),
            Command::FocusLocate => self.locate.focus_requested = true,
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
            Command::ExportComparison(path) => {
                let result = self.export_comparison(&path);
                self.export_notice(&path, result);
            }
            Command::RestoreLedger(path) => {
                self.import = None;
                self.ledger.restore_from(path);
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
            }
            Command::Redo => {
                self.ledger.redo(&self.state.operator);
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
            }
            Command::SetAreaBasis(basis) => {
                self.state.area_basis = basis;
                self.park.set_area_basis(basis);
            }
            Command::SetLang(lang) => {
                self.state.lang = lang;
            }
            Command::SetView(view) => self.view = view,
            Command::ShowAsOf(date) => self.ledger.show_as_of(date),
            Command::AddBasemap(path) => match crate::basemap::open(&path) {
                Ok(source) => {
                    self.basemaps.add(
                        std::sync::Arc::from(source),
                        crate::ui::map::basemap::BasemapSetting {
                            path,
                            visible: true,
                            opacity: 1.0,
                            gcj02: false,
                        },
                    );
                    self.state.basemaps = self.basemaps.settings();
                }
                Err(e) => self.notices.push(Notice {
                    title: path.display().to_string(),
                    rejected: true,
                    lines: vec![e.to_string()],
                }),
            },
            Command::EditBasemap(index, edit) => {
                self.basemaps.edit(index, edit);
                self.state.basemaps = self.basemaps.settings();
            }
            Command::AttachFiles(case, paths) => {
                self.ledger.attach_files(case, paths, &self.state.operator);
                self.take_ledger_outcomes();
            }
            Command::WriteAttachment(document, path) => {
                self.ledger.write_attachment(document, path);
                self.take_ledger_outcomes();
            }
            Command::RemoveAttachment(id) => {
                self.ledger.remove_attachment(id, &self.state.operator);
            }
            Command::SetCompareDate(side, date) => self.ledger.set_compare(side, date),
            Command::DismissNotice(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// Reads a table to import and opens the import window (when the ledger has answered
    /// what it holds), or reports why it cannot.
    pub(super) fn preview_import(&mut self, kind: ImportKind, path: &std::path::Path) {
        let lang = self.state.lang;
        if let Err(notice) =
            crate::ui::import_dialog::preview(kind, path, &self.park, &mut self.ledger, lang)
        {
            self.notices.push(notice);
        }
        self.take_ledger_outcomes();
    }

    /// Writes the previewed import (one transaction) or drops it.
    pub(super) fn finish_import(&mut self, apply: bool) {
        let Some(dialog) = self.import.take() else {
            return;
        };
        if !apply {
            return;
        }
        if dialog.problem_count() > 0 {
            // Problems block the import; the window stays open.
            self.import = Some(dialog);
            return;
        }
        self.ledger
            .import(dialog, &self.state.operator, self.state.lang);
        self.take_ledger_outcomes();
    }

    /// The selected parcel's case, when `path` is a document a case takes and the account
    /// may change the case.
    fn selected_case_for(&self, path: &std::path::Path) -> Option<i64> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        let document = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"]
            .contains(&extension.as_str());
        if !document || !self.ledger.may_edit() {
            return None;
        }
        let index = self.selection.primary()?;
        self.standing
            .case(index, &self.ledger.entries)
            .map(|c| c.id)
    }

    /// Takes what the ledger's jobs left for the window: an import to decide on, a notice.
    pub(super) fn take_ledger_outcomes(&mut self) {
        for outcome in std::mem::take(&mut self.ledger.outcomes) {
            match outcome {
                crate::ui::ledger::Outcome::Preview(dialog) => self.import = Some(dialog),
                crate::ui::ledger::Outcome::Notice(notice) => self.notices.push(notice),
            }
        }
    }
}
