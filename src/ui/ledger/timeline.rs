//! The ledger as of a past date, rebuilt off the UI thread (时间轴): a thread with a
//! connection of its own takes the newest request of each kind and drops the ones it
//! overtook, so dragging the slider never queues rebuilds behind one another.

use crate::ledger::as_of::AsOf;
use crate::ledger::{Ledger, Location};
use jiff::civil::Date;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What a rebuild is for: the date the window shows, or one side of the 统计 comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Shown,
    CompareFrom,
    CompareTo,
}

/// A rebuilt ledger, or why it could not be.
pub type Rebuilt = (Slot, Date, Result<AsOf, String>);

/// The rebuilding thread.
pub struct Timeline {
    requests: Sender<(Slot, Date)>,
    answers: Receiver<Rebuilt>,
}

impl Timeline {
    /// Starts the thread; it opens its own connection to the ledger at `location` when the
    /// first request comes.
    pub fn start(location: Location) -> std::io::Result<Self> {
        let (requests, inbox) = channel::<(Slot, Date)>();
        let (outbox, answers) = channel();
        std::thread::Builder::new()
            .name("ledger timeline".to_owned())
            .spawn(move || {
                let mut ledger: Option<Ledger> = None;
                while let Ok(first) = inbox.recv() {
                    // The newest request of each slot; older ones were overtaken.
                    let mut wanted = vec![first];
                    for (slot, date) in inbox.try_iter() {
                        wanted.retain(|(s, _)| *s != slot);
                        wanted.push((slot, date));
                    }
                    for (slot, date) in wanted {
                        let result = match &ledger {
                            Some(ledger) => ledger.as_of(crate::time::end_of_day(date)),
                            None => location.open().and_then(|opened| {
                                let result = opened.as_of(crate::time::end_of_day(date));
                                ledger = Some(opened);
                                result
                            }),
                        };
                        if outbox
                            .send((slot, date, result.map_err(|e| e.to_string())))
                            .is_err()
                        {
                            return;
                        }
                    }
                }
            })?;
        Ok(Self { requests, answers })
    }

    /// Asks for the ledger as of the end of `date`, for `slot`.
    pub fn ask(&self, slot: Slot, date: Date) {
        let _ = self.requests.send((slot, date));
    }

    /// What was rebuilt since the last call, oldest first.
    pub fn answers(&self) -> Vec<Rebuilt> {
        self.answers.try_iter().collect()
    }
}

/// The 时间轴 bar: a slider over the days of the ledger's history up to today, a date picker
/// and 今天; while a past day is shown, says so (read only) and whether it is being rebuilt.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    lang: crate::model::Lang,
    ledger: &super::LedgerView,
    commands: &mut Vec<crate::ui::app::Command>,
) {
    use crate::ui::app::Command;
    let today = super::today();
    let Some((first, _)) = ledger.span else {
        return;
    };
    let first = first.min(today);
    let shown = ledger.as_of.unwrap_or(today);
    ui.horizontal(|ui| {
        ui.label(lang.pick("时间轴", "Timeline"));
        let total = (today - first).get_days();
        let mut day = (shown - first).get_days();
        // About a day a pixel over two or three years of history.
        ui.spacing_mut().slider_width = 320.0;
        let slider = egui::Slider::new(&mut day, 0..=total)
            .show_value(false)
            .clamping(egui::SliderClamping::Always);
        let response = ui.add(slider).on_hover_text(lang.pick(
            "拖动查看台账在当日日终的状态",
            "Drag to see the ledger as it stood at the end of a day",
        ));
        if response.changed() {
            let date = first
                .checked_add(jiff::Span::new().days(day))
                .unwrap_or(today);
            commands.push(Command::ShowAsOf((date < today).then_some(date)));
        }
        let mut picked = shown;
        if crate::ui::date_picker::date_picker_ui(ui, "timeline", &mut picked, lang)
            && picked != shown
        {
            commands.push(Command::ShowAsOf((picked < today).then_some(picked)));
        }
        if ledger.as_of.is_some() {
            if ui.button(lang.pick("今天", "Today")).clicked() {
                commands.push(Command::ShowAsOf(None));
            }
            if ledger.rebuilding.is_some() {
                ui.spinner();
            }
        }
    });
    if ledger.as_of.is_some() {
        let text = match lang {
            crate::model::Lang::Zh => format!("正在查看 {shown} 日终的台账（只读）"),
            crate::model::Lang::En => format!("The ledger as of the end of {shown} (read only)"),
        };
        ui.label(egui::RichText::new(text).color(crate::ui::theme::ALERT_WARNING));
    }
}
