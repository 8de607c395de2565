//! The 检查 (topology check) window: every finding of [`crate::topology::check`] by kind, each
//! row a link that selects the parcel and zooms to it. The report is kept until the park
//! changes ([`crate::ui::revision`]).

use crate::model::{Lang, Park};
use crate::topology::TopologyReport;
use crate::ui::app::Command;
use crate::ui::revision::{Derived, Revision};
use crate::units::group_thousands;
use egui::Ui;

/// The window's state: open or not, and the report for the park it was computed on.
#[derive(Default)]
pub struct TopologyView {
    pub open: bool,
    report: Derived<Revision, TopologyReport>,
}

impl TopologyView {
    /// The report for the park at `revision`, computed again when the park changed.
    pub fn report(&mut self, park: &Park, revision: Revision) -> &TopologyReport {
        self.report.get(revision, || crate::topology::check(park))
    }

    /// The window, when open.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        lang: Lang,
        park: &Park,
        revision: Revision,
        commands: &mut Vec<Command>,
    ) {
        if !self.open {
            return;
        }
        let mut open = true;
        // Borrowed, not cloned: the window is drawn every frame.
        let report = self.report.get(revision, || crate::topology::check(park));
        egui::Window::new(lang.pick("拓扑检查", "Topology check"))
            .id(egui::Id::unique("parkland_topology"))
            .open(&mut open)
            .default_width(420.0)
            .default_pos(egui::pos2(260.0, 60.0))
            .constrain(true)
            .show(ctx, |ui| report_ui(ui, lang, park, report, commands));
        self.open = open;
    }
}

fn parcel_link(ui: &mut Ui, park: &Park, index: usize, commands: &mut Vec<Command>) {
    let number = park
        .parcels
        .get(index)
        .map_or("?", |p| p.parcel_no.as_str());
    if ui.link(number).clicked() {
        commands.push(Command::ShowParcelAt(index));
    }
}

fn report_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    report: &TopologyReport,
    commands: &mut Vec<Command>,
) {
    ui.label(match lang {
        Lang::Zh => format!(
            "已检查 {} 宗地，发现 {} 处问题",
            report.parcels,
            report.problem_count()
        ),
        Lang::En => format!(
            "{} parcels checked, {} finding(s)",
            report.parcels,
            report.problem_count()
        ),
    });
    let m2 = |v: f64| group_thousands(v, 1);
    egui::ScrollArea::vertical()
        .max_height(420.0)
        .show(ui, |ui| {
            section(
                ui,
                lang.pick("重叠（>1 m²）", "Overlaps (>1 m²)"),
                report.overlaps.len(),
                |ui| {
                    for o in &report.overlaps {
                        ui.horizontal(|ui| {
                            parcel_link(ui, park, o.parcels[0], commands);
                            ui.label("×");
                            parcel_link(ui, park, o.parcels[1], commands);
                            ui.label(format!("{} m²", m2(o.area_m2)));
                        });
                    }
                },
            );
            section(
                ui,
                lang.pick("越界 / 区外", "Crossing or outside districts"),
                report.outside_districts.len(),
                |ui| {
                    for o in &report.outside_districts {
                        ui.horizontal(|ui| {
                            parcel_link(ui, park, o.parcel, commands);
                            let district = o.district.as_deref().map_or_else(
                                || {
                                    lang.pick("不在任何片区", "outside every district")
                                        .to_owned()
                                },
                                |code| {
                                    park.district(code)
                                        .map_or(code, |d| d.label(lang))
                                        .to_owned()
                                },
                            );
                            ui.label(format!(
                                "{district}: {} {} m²",
                                lang.pick("区外面积", "outside"),
                                m2(o.area_outside_m2)
                            ));
                        });
                    }
                },
            );
            section(
                ui,
                lang.pick("宗地编号重复", "Duplicate parcel numbers"),
                report.duplicate_numbers.len(),
                |ui| {
                    for d in &report.duplicate_numbers {
                        ui.horizontal(|ui| {
                            for &index in &d.parcels {
                                parcel_link(ui, park, index, commands);
                            }
                            ui.label(format!("× {}", d.count));
                        });
                    }
                },
            );
            section(
                ui,
                lang.pick("图形完全相同", "Identical geometries"),
                report.identical_geometries.len(),
                |ui| {
                    for g in &report.identical_geometries {
                        ui.horizontal(|ui| {
                            for &index in &g.parcels {
                                parcel_link(ui, park, index, commands);
                            }
                        });
                    }
                },
            );
            section(
                ui,
                lang.pick("细长碎片（平均宽度 <2 m）", "Slivers (mean width <2 m)"),
                report.slivers.len(),
                |ui| {
                    for s in &report.slivers {
                        ui.horizontal(|ui| {
                            parcel_link(ui, park, s.parcel, commands);
                            ui.label(format!("{:.2} m", s.mean_width_m));
                        });
                    }
                },
            );
        });
}

fn section(ui: &mut Ui, title: &str, count: usize, body: impl FnOnce(&mut Ui)) {
    egui::CollapsingHeader::new(format!("{title}：{count}"))
        .id_salt(title)
        .default_open(count > 0)
        .show(ui, body);
}
