//! The frame: input and shortcuts, then the panels, the map or the 统计 view, and the windows
//! (entry form, import preview, file dialog, notices) laid out every frame.

use super::{
    BottomTab, Camera, Command, DialogAction, ImportDecision, Lang, MainView, MapLayer, MapStyle,
    ParklandApp, SelectMode, TableContext, dashboard, map, panels, theme,
};

impl ParklandApp {
    pub(super) fn handle_input(&mut self, ctx: &egui::Context) {
        // The shortcuts of `command::SHORTCUTS` (Ctrl+Shift+Z before Ctrl+Z), unless a text
        // field has the keyboard (there Ctrl+Z undoes typing) or the entry form is open.
        let typing = ctx.memory(|m| m.focused().is_some());
        if !typing && self.ledger.form.is_none() {
            for shortcut in &super::command::SHORTCUTS {
                if ctx.input_mut(|i| i.consume_shortcut(&shortcut.keys)) {
                    self.send((shortcut.command)());
                }
            }
        }
        let form_open = self.ledger.form.is_some();
        let (escape, dropped) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Escape) && !form_open,
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .collect::<Vec<_>>(),
            )
        });
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
        // A ledger on a server: take in what others committed (read off the UI thread by the
        // watcher), and look again a few times a second.
        if self.ledger.is_live() {
            self.ledger.poll();
            self.take_ledger_outcomes();
            // A job on its way to the server is taken in as soon as it is back.
            let wait = if self.ledger.busy() || self.ledger.rebuilding.is_some() {
                10
            } else {
                200
            };
            ctx.request_repaint_after(std::time::Duration::from_millis(wait));
        }
        self.handle_input(&ctx);
        self.refresh_derived();
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
            // On a server the account the server records, not a name the program sends.
            let account = self.ledger.server_user();
            panels::status_bar_ui(
                ui,
                lang,
                self.cursor_lon_lat,
                scale,
                &self.park,
                account.map_or(panels::Recorder::Operator(&self.state.operator), |a| {
                    panels::Recorder::Account(a)
                }),
                self.ledger.offline.as_deref(),
            );
        });
        egui::Panel::left("layers")
            .default_size(230.0)
            .drag_to_open(false)
            .show_collapsible(ui, &mut (self.view == MainView::Map), |ui| {
                panels::layers_ui(
                    ui,
                    &mut self.state,
                    &self.basemaps,
                    &self.park,
                    &self.alert_rows,
                    &self.classification,
                    &self.park_summary,
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
                                standing_revision: self.standing_revision,
                                cases: &self.ledger.entries,
                                selection: &self.selection,
                                visible: &visible,
                                generation: self.layer.generation,
                                view,
                                may_edit: self.ledger.may_edit(),
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
            ui.horizontal_top(|ui| {
                dashboard::view_tabs_ui(ui, lang, self.view, &mut self.commands);
                ui.separator();
                ui.vertical(|ui| {
                    crate::ui::ledger::timeline_ui(ui, lang, &self.ledger, &mut self.commands);
                });
            });
        });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                if self.view == MainView::Stats {
                    let sources = dashboard::Sources {
                        park: &self.park,
                        entries: &self.ledger.entries,
                        standing: &self.standing,
                        revision: self.standing_revision,
                        ledger: &self.ledger,
                    };
                    self.dashboard.ui(ui, lang, &sources, &mut self.commands);
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
                    parcel_fill: self.state.parcel_fill,
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
                let output = map::map_ui(
                    ui,
                    &self.layer,
                    &self.park,
                    &mut camera,
                    style,
                    overlay,
                    Some(&mut self.basemaps),
                );
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
                            self.ledger.may_edit(),
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

        let revision = self.layer.generation;
        self.topology
            .ui(&ctx, lang, &self.park, revision, &mut self.commands);
        if let Some(question) = &mut self.open_question
            && question.ui(&ctx, lang, &mut self.commands)
        {
            self.open_question = None;
        }

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
                    // The fields scroll; the buttons below them (with the correction and
                    // void rows of a stored case, and the note above) fit on the screen.
                    let mut below = if form.editing.is_some() { 310.0 } else { 170.0 };
                    if self.ledger.info.is_some() {
                        below += 40.0;
                    }
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

        if let Some(dialog) = &mut self.connect {
            match dialog.window_ui(&ctx, lang) {
                crate::ui::ledger::ConnectAction::Connect(url) => {
                    self.commands.push(Command::ConnectLedger(url));
                }
                crate::ui::ledger::ConnectAction::OpenLayer(url, kind) => {
                    self.state.server = dialog.settings.clone();
                    self.connect = None;
                    self.commands.push(Command::OpenWith(
                        std::path::PathBuf::from(url),
                        crate::layer::LoadRequest {
                            kind: Some(kind),
                            ..crate::layer::LoadRequest::default()
                        },
                    ));
                }
                crate::ui::ledger::ConnectAction::Cancel => self.connect = None,
                crate::ui::ledger::ConnectAction::None => {}
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
pub(super) fn camera_shows(layer: &MapLayer, camera: &Camera) -> bool {
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
pub(super) fn report_first_frame(ctx: &egui::Context, started: std::time::Instant) {
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
