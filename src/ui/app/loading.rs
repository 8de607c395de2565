//! Background loading: a file read on the loading thread with its progress, and what the
//! window does with the result (a new layer, or a notice naming the file and the problem).

use super::{
    Arc, ImportReport, Lang, LayerKind, MapLayer, Measure, Notice, ParklandApp, PathBuf,
    PendingLoad, Progress, RejectReason, Rejected, mpsc,
};
use crate::layer::LoadedLayer;
use crate::model::ParcelList;

/// What the loading thread hands the window: districts, or parcels checked against the
/// park's districts and prepared for the map.
pub(super) enum Loaded {
    Districts(crate::formats::Import),
    Parcels(Box<(ParcelList, crate::layer::PreparedShapes)>),
}

impl ParklandApp {
    /// Starts reading a file on the loading thread; a load already running is cancelled.
    pub(super) fn start_load(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        mut request: crate::layer::LoadRequest,
    ) {
        // A file that named no CRS is read in the one chosen for it before.
        if request.assume.is_none() {
            request.assume = self
                .state
                .crs_for_files
                .get(&crate::formats::postgis::shown_path(&path))
                .and_then(|name| crate::crs::Crs::from_name(name).ok());
        }
        if let Some(pending) = self.pending.take() {
            pending.progress.cancel();
        }
        let progress = Arc::new(Progress::new());
        let (sender, receiver) = mpsc::channel();
        let spawned = {
            let (progress, path, ctx) = (Arc::clone(&progress), path.clone(), ctx.clone());
            let request = request.clone();
            // The parcels are checked against the districts here too, off the UI thread.
            let districts = self.park.districts.clone();
            std::thread::Builder::new()
                .name("parkland-loader".to_owned())
                .spawn(move || {
                    let result = crate::layer::load_layer(&path, &request, &progress).map(
                        |layer| match layer {
                            LoadedLayer::Districts(import) => Loaded::Districts(import),
                            LoadedLayer::Parcels(loaded) => Loaded::Parcels(Box::new((
                                ParcelList::check(&districts, loaded.parcels, loaded.report),
                                loaded.prepared,
                            ))),
                        },
                    );
                    // The window may have closed meanwhile; then nobody needs the result.
                    let _ = sender.send(result);
                    ctx.request_repaint();
                })
        };
        match spawned {
            Ok(_) => {
                self.pending = Some(PendingLoad {
                    path,
                    request,
                    progress,
                    receiver,
                });
            }
            Err(e) => self.notices.push(Notice {
                title: crate::formats::postgis::shown_path(&path),
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
    pub(super) fn poll_load(&mut self, ctx: &egui::Context) {
        if let Some(path) = self.startup_parcels.take() {
            let request = crate::layer::LoadRequest {
                kind: Some(LayerKind::Parcels),
                ..Default::default()
            };
            self.start_load(ctx, path, request);
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
                            source: crate::formats::postgis::shown_path(&pending.path),
                            ..ImportReport::default()
                        },
                    }))
                } else {
                    result
                };
                let opened = Some((pending.request.clone(), pending.path.clone()));
                self.pending = None;
                self.finish_load(result, opened);
            }
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                let path = crate::formats::postgis::shown_path(&pending.path);
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
    /// `opened`: what the file was opened as and its path, for asking its CRS.
    pub(super) fn finish_load(
        &mut self,
        result: Result<Loaded, Box<Rejected>>,
        opened: Option<(crate::layer::LoadRequest, PathBuf)>,
    ) {
        let lang = self.state.lang;
        match result {
            Ok(Loaded::Districts(import)) => {
                self.notices.extend(warning_notice(&import.report, lang));
                self.park.set_districts(import);
                let parcels = std::mem::take(&mut self.layer.parcels);
                self.layer = MapLayer::with_parcels(&self.park, parcels);
            }
            Ok(Loaded::Parcels(loaded)) => {
                let (list, prepared) = *loaded;
                let old = self.park.set_parcels(list);
                // A million old parcels take half a second to free: not on the UI thread.
                crate::layer::free_in_background(old);
                // The user's own parcels: a new ledger must not be seeded with sample cases,
                // and the sample park's ledger is left to the sample park.
                let was_sample = std::mem::replace(&mut self.sample_park, false);
                if was_sample && !self.ledger_chosen {
                    self.ledger.open(
                        &crate::ledger::default_path().into(),
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
                    MapLayer::with_parcels(&self.park, prepared),
                );
                crate::layer::free_in_background(old);
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
                // What the user can answer is asked, instead of only refusing the file: the
                // CRS of a file that names none, the set of a zip of several.
                let question = opened.and_then(|(request, path)| {
                    crate::ui::open_question::OpenQuestion::for_rejection(&rejected, request, path)
                });
                if let Some(question) = question {
                    self.open_question = Some(question);
                } else {
                    self.notices.push(rejected_notice(&rejected, lang));
                }
                return;
            }
        }
        self.fit_pending = true;
    }
}

pub(super) fn rejected_notice(rejected: &Rejected, lang: Lang) -> Notice {
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

pub(super) fn warning_notice(report: &ImportReport, lang: Lang) -> Option<Notice> {
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
