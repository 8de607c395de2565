//! Files out of the window: choosing them (the system dialog or the built-in one) and the
//! exports (map image, report) with the notice that says where they went or why not.

use super::{Lang, Notice, ParklandApp};

impl ParklandApp {
    /// Asks for a file: the system dialog where it opens, else the built-in one, saying why.
    pub(super) fn pick_file(&mut self, request: crate::ui::files::FileRequest) {
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

    /// Renders the map in software as the window shows it (style, layers, language; the current
    /// view or the whole park), 1920×1080 with title, legend, scale bar and north arrow.
    pub(super) fn export_map_image(
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
    pub(super) fn export_report(&self, path: &std::path::Path) -> Result<String, String> {
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
            // The day shown (a past one on the timeline), as the figures on screen.
            self.ledger.day(),
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
    pub(super) fn export_notice(&mut self, path: &std::path::Path, result: Result<String, String>) {
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

    /// Writes 年度对比 (both dates rebuilt) as a workbook.
    pub(super) fn export_comparison(&self, path: &std::path::Path) -> Result<String, String> {
        let lang = self.state.lang;
        let (Some((from, Some(a))), Some((to, Some(b)))) =
            (&self.ledger.compare[0], &self.ledger.compare[1])
        else {
            return Err(lang
                .pick(
                    "两日的台账尚未重建完成",
                    "the ledger at both dates is not rebuilt yet",
                )
                .to_owned());
        };
        let comparison = crate::stats::compare(&self.park, (a, *from), (b, *to));
        crate::export::write_comparison_xlsx(&comparison, lang, path)
            .map_err(|e| format!("{e:#}"))?;
        Ok(format!("{} → {}", comparison.from_date, comparison.to_date))
    }
}
