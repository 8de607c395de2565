//! Choosing a file: the system's dialog where it can open, a built-in one where it cannot.
//!
//! A menu item asks for a file with a [`FileRequest`] (what for, open or save, a suggested
//! name, filters); the app turns the chosen path into the request's [`Command`]. On Linux the
//! system dialog (rfd: the XDG desktop portal or GTK) needs a desktop session: without a
//! session bus, or when the dialog returns at once without being shown, the built-in dialog
//! opens instead and a message says why. No request is ever dropped without a word.
//!
//! egui-file-dialog would do this, but its releases are built on egui 0.36 and this program
//! on 0.37; the built-in dialog is small: folders, files matching the filter, a name field.

use crate::model::Lang;
use crate::ui::app::{Command, LayerKind};
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};

/// What a chosen file will be used for.
#[derive(Debug, Clone, PartialEq)]
pub enum FileTarget {
    Open(LayerKind),
    /// A PNG map image.
    MapImage(crate::ui::app::MapExtent),
    Gpkg,
    /// `GeoJSON` in lon/lat or Gauss-Krüger.
    GeoJson(crate::formats::GeoJsonCrs),
    /// A Shapefile set in the park's Gauss-Krüger zone.
    Shapefile,
    /// 国土TXT of the selected parcels (all when none is selected).
    GuotuTxt,
    BackupLedger,
    RestoreLedger,
    OpenLedger,
    ImportLedger,
    ImportEnterprise,
    /// These parcels (the filtered table) as CSV.
    ParcelsCsv(Vec<usize>),
    LedgerXlsx,
    LedgerCsv,
    ReportXlsx,
    ReportPdf,
    /// 年度对比 of the 统计 view.
    ComparisonXlsx,
    /// A document to attach to this case.
    AttachTo(i64),
    /// An MBTiles file or a GeoTIFF orthophoto to show under the parcels.
    Basemap,
    /// Where to save a case's document.
    SaveAttachment(crate::ledger::attachments::Attachment),
}

/// A request for a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRequest {
    pub target: FileTarget,
    pub title: String,
    /// A file to write (a name may be typed) rather than one to open.
    pub save: bool,
    pub file_name: String,
    /// Filter name and extensions (without the dot).
    pub filter: (String, Vec<String>),
}

impl FileRequest {
    /// A request to open a file of the given extensions.
    #[must_use]
    pub fn open(target: FileTarget, title: &str, filter: &str, extensions: &[&str]) -> Self {
        Self {
            target,
            title: title.to_owned(),
            save: false,
            file_name: String::new(),
            filter: (
                filter.to_owned(),
                extensions.iter().map(|e| (*e).to_owned()).collect(),
            ),
        }
    }

    /// A request for a file to write, with a suggested name.
    #[must_use]
    pub fn save(
        target: FileTarget,
        title: &str,
        file_name: &str,
        filter: &str,
        extensions: &[&str],
    ) -> Self {
        Self {
            save: true,
            file_name: file_name.to_owned(),
            ..Self::open(target, title, filter, extensions)
        }
    }

    /// The command that uses the chosen file.
    #[must_use]
    pub fn command(&self, path: PathBuf) -> Command {
        match &self.target {
            FileTarget::Open(kind) => Command::Open(*kind, path),
            FileTarget::MapImage(view) => Command::ExportMapImage(path, *view),
            FileTarget::Gpkg => Command::ExportGpkg(path),
            FileTarget::GeoJson(gk) => Command::ExportGeoJson(path, *gk),
            FileTarget::Shapefile => Command::ExportShapefile(path),
            FileTarget::GuotuTxt => Command::ExportGuotuTxt(path),
            FileTarget::BackupLedger => Command::BackupLedger(path),
            FileTarget::RestoreLedger => Command::RestoreLedger(path),
            FileTarget::OpenLedger => Command::OpenLedger(path),
            FileTarget::ImportLedger => Command::PreviewLedgerImport(path),
            FileTarget::ImportEnterprise => Command::PreviewEnterpriseImport(path),
            FileTarget::ParcelsCsv(rows) => Command::ExportParcelsCsv(path, rows.clone()),
            FileTarget::LedgerXlsx => {
                Command::ExportLedgerTable(path, crate::ui::app::TableFormat::Xlsx)
            }
            FileTarget::LedgerCsv => {
                Command::ExportLedgerTable(path, crate::ui::app::TableFormat::Csv)
            }
            FileTarget::ReportXlsx | FileTarget::ReportPdf => Command::ExportReport(path),
            FileTarget::ComparisonXlsx => Command::ExportComparison(path),
            FileTarget::AttachTo(case) => Command::AttachFiles(*case, vec![path]),
            FileTarget::Basemap => Command::AddBasemap(path),
            FileTarget::SaveAttachment(document) => {
                Command::WriteAttachment(document.clone(), Some(path))
            }
        }
    }

    /// Whether a file name passes the filter.
    fn accepts(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.filter.1.is_empty()
            || self
                .filter
                .1
                .iter()
                .any(|e| lower.ends_with(&format!(".{}", e.to_lowercase())))
    }
}

/// Whether the system's dialog can be tried: on Linux and the BSDs it needs a desktop session
/// (a session bus for the portal, or a display for GTK). `PARKLAND_FILE_DIALOG=builtin`
/// always uses the built-in one.
#[must_use]
pub fn native_available() -> bool {
    if std::env::var("PARKLAND_FILE_DIALOG").is_ok_and(|v| v == "builtin") {
        return false;
    }
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// What the system dialog did.
pub enum NativeOutcome {
    Chosen(PathBuf),
    /// The user closed the dialog.
    Cancelled,
    /// It returned at once without showing itself: it could not open.
    Failed,
}

/// Shows the system dialog. A dialog that returns nothing within a moment never opened (the
/// portal or GTK is missing): no person closes a dialog that fast.
#[must_use]
pub fn native_pick(request: &FileRequest) -> NativeOutcome {
    let extensions: Vec<&str> = request.filter.1.iter().map(String::as_str).collect();
    let mut dialog = rfd::FileDialog::new()
        .set_title(&request.title)
        .add_filter(&request.filter.0, &extensions);
    if !request.file_name.is_empty() {
        dialog = dialog.set_file_name(&request.file_name);
    }
    let started = std::time::Instant::now();
    let chosen = if request.save {
        dialog.save_file()
    } else {
        dialog.pick_file()
    };
    match chosen {
        Some(path) => NativeOutcome::Chosen(path),
        None if started.elapsed() < std::time::Duration::from_millis(300) => NativeOutcome::Failed,
        None => NativeOutcome::Cancelled,
    }
}

/// The built-in file dialog.
pub struct BuiltinDialog {
    pub request: FileRequest,
    pub dir: PathBuf,
    /// The file name typed or clicked.
    pub name: String,
    /// Why the system dialog was not used, shown at the top.
    pub note: Option<String>,
    error: Option<String>,
    /// The name field takes the keyboard when the dialog opens (type a path, Enter).
    focus_name: bool,
    /// Folders and matching files of `dir`: (name, is a folder).
    entries: Vec<(String, bool)>,
}

/// What the user did with the built-in dialog this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum DialogOutcome {
    None,
    Chosen(PathBuf),
    Cancelled,
}

impl BuiltinDialog {
    /// Opens in `dir` (the user's home, or the current folder when it is not given).
    #[must_use]
    pub fn new(request: FileRequest, dir: Option<PathBuf>, note: Option<String>) -> Self {
        let dir = dir
            .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let name = request.file_name.clone();
        let mut dialog = Self {
            request,
            dir,
            name,
            note,
            error: None,
            focus_name: true,
            entries: Vec::new(),
        };
        dialog.read_dir();
        dialog
    }

    fn read_dir(&mut self) {
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                for entry in read.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                    if is_dir || self.request.accepts(&name) {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries
                    .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                self.error = None;
            }
            Err(e) => self.error = Some(format!("{}: {e}", self.dir.display())),
        }
    }

    /// Goes into a folder.
    pub fn enter(&mut self, dir: &Path) {
        self.dir = dir.to_path_buf();
        self.read_dir();
    }

    /// The path the dialog would give now, if the name is acceptable.
    fn chosen(&mut self, lang: Lang) -> Option<PathBuf> {
        let name = self.name.trim();
        if name.is_empty() {
            self.error = Some(
                lang.pick("请选择或输入文件名", "choose or type a file name")
                    .to_owned(),
            );
            return None;
        }
        let mut path = self.dir.join(name);
        if self.request.save
            && !self.request.accepts(name)
            && let Some(extension) = self.request.filter.1.first()
        {
            path.set_extension(extension);
        }
        if !self.request.save && !path.is_file() {
            self.error = Some(format!(
                "{}: {}",
                path.display(),
                lang.pick("文件不存在", "no such file")
            ));
            return None;
        }
        Some(path)
    }

    /// Shows the dialog as a window.
    pub fn window_ui(&mut self, ctx: &egui::Context, lang: Lang) -> DialogOutcome {
        let mut outcome = DialogOutcome::None;
        let mut open = true;
        egui::Window::new(self.request.title.clone())
            .id(egui::Id::unique("parkland_file_dialog"))
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .show(ctx, |ui| outcome = self.ui(ui, lang));
        if !open {
            outcome = DialogOutcome::Cancelled;
        }
        outcome
    }

    fn ui(&mut self, ui: &mut Ui, lang: Lang) -> DialogOutcome {
        let mut outcome = DialogOutcome::None;
        if let Some(note) = &self.note {
            ui.label(RichText::new(note).color(crate::ui::theme::INFO_TEXT));
        }
        ui.horizontal(|ui| {
            if ui.button(lang.pick("上一级", "Up")).clicked()
                && let Some(parent) = self.dir.parent().map(Path::to_path_buf)
            {
                self.enter(&parent);
            }
            ui.add(egui::Label::new(self.dir.display().to_string()).truncate());
        });
        ui.separator();
        let mut enter = None;
        let mut double_clicked = false;
        egui::ScrollArea::vertical()
            .min_scrolled_height(240.0)
            .max_height(300.0)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.entries.is_empty() {
                    ui.label(RichText::new(lang.pick("（空）", "(empty)")).weak());
                }
                for (name, is_dir) in &self.entries {
                    let text = if *is_dir {
                        format!("{name}/")
                    } else {
                        name.clone()
                    };
                    let response = ui.selectable_label(!*is_dir && self.name == *name, text);
                    if response.clicked() || response.double_clicked() {
                        if *is_dir {
                            enter = Some(self.dir.join(name));
                        } else {
                            self.name.clone_from(name);
                            double_clicked |= response.double_clicked();
                        }
                    }
                }
            });
        if let Some(dir) = enter {
            self.enter(&dir);
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = ui.label(lang.pick("文件名", "File name"));
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.name).desired_width(300.0))
                .labelled_by(label.id);
            if std::mem::take(&mut self.focus_name) {
                field.request_focus();
            }
            // Enter in the name field is the OK button (a typed path works too).
            double_clicked |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.label(
                RichText::new(format!(
                    "{} (*.{})",
                    self.request.filter.0,
                    self.request.filter.1.join(", *.")
                ))
                .weak(),
            );
        });
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(crate::ui::theme::ERROR_TEXT));
        }
        ui.horizontal(|ui| {
            let ok = if self.request.save {
                lang.pick("保存", "Save")
            } else {
                lang.pick("打开", "Open")
            };
            if (ui.button(ok).clicked() || double_clicked)
                && let Some(path) = self.chosen(lang)
            {
                outcome = DialogOutcome::Chosen(path);
            }
            if ui.button(lang.pick("取消", "Cancel")).clicked() {
                outcome = DialogOutcome::Cancelled;
            }
        });
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_request_adds_the_extension_and_an_open_request_needs_a_file() {
        let dir = std::env::temp_dir().join(format!("parkland-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("a.gpkg"), b"x").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("b.txt"), b"x").unwrap_or_else(|e| panic!("{e}"));
        let save = FileRequest::save(
            FileTarget::Gpkg,
            "GeoPackage",
            "out",
            "GeoPackage",
            &["gpkg"],
        );
        let mut dialog = BuiltinDialog::new(save, Some(dir.clone()), None);
        assert_eq!(
            dialog.entries,
            vec![("sub".to_owned(), true), ("a.gpkg".to_owned(), false)],
            "folders first, only matching files"
        );
        assert_eq!(dialog.chosen(Lang::Zh), Some(dir.join("out.gpkg")));
        let open = FileRequest::open(FileTarget::OpenLedger, "台账", "SQLite", &["sqlite"]);
        let mut dialog = BuiltinDialog::new(open, Some(dir.clone()), None);
        dialog.name = "missing.sqlite".into();
        assert_eq!(dialog.chosen(Lang::Zh), None);
        assert!(
            dialog
                .error
                .as_deref()
                .is_some_and(|e| e.contains("文件不存在"))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
