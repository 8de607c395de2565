//! The window (feature `gui`): a thin layer over the core. The app shell keeps persisted
//! state apart from runtime state; buttons produce [`app::Command`]s applied at the end of
//! the frame.

pub mod app;
pub mod attributes;
pub mod dashboard;
pub mod date_picker;
pub mod files;
pub mod import_dialog;
pub mod ledger;
pub mod locate;
pub mod map;
pub mod open_question;
pub mod panels;
pub mod revision;
pub mod theme;
pub mod topology;

pub use app::ParklandApp;

pub use crate::fonts::CJK_FONT;

/// Registers the CJK font as a fallback of both families; call once per context.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto_sans_sc".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Opens the window: the given files, or the embedded sample park.
pub fn run(startup: app::Startup) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Parkland 园区土地管理")
            .with_app_id("parkland")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "parkland",
        options,
        Box::new(move |cc| Ok(Box::new(ParklandApp::new(cc, startup)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// A combo box named by a label beside it (for screen readers and UI tests).
pub fn combo_labelled(
    ui: &mut egui::Ui,
    label: egui::Id,
    combo: egui::ComboBox,
    add: impl FnOnce(&mut egui::Ui),
) {
    ui.label_inputs_by(label, |ui| {
        combo.show_ui(ui, add);
    });
}
