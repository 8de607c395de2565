//! The 定位 box on the map toolbar (Ctrl+F): type part of a parcel number or holder, pick from
//! the list (arrow keys or the mouse), Enter zooms to and selects the parcel.

use crate::model::{Lang, Park};
use crate::ui::app::Command;
use egui::{Key, Ui};

/// Most matches listed under the box.
pub const MAX_MATCHES: usize = 12;

/// What the box holds between frames.
#[derive(Debug, Default)]
pub struct LocateState {
    pub text: String,
    /// The highlighted match.
    pub highlighted: usize,
    /// Ctrl+F was pressed: focus the box on the next frame.
    pub focus_requested: bool,
    /// The list stays open while the pointer is on it, so that a click on a match lands.
    popup_open: bool,
}

/// The parcels whose number or holder contains `text` (case-insensitive), numbers that
/// start with it first, then in natural parcel-number order.
#[must_use]
pub fn matches(park: &Park, text: &str) -> Vec<usize> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(bool, usize)> = park
        .parcels
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let number = p.parcel_no.to_lowercase();
            let holder = p.holder.as_deref().unwrap_or("").to_lowercase();
            (number.contains(&needle) || holder.contains(&needle))
                .then_some((!number.starts_with(&needle), i))
        })
        .collect();
    found.sort_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            crate::query::natural_cmp(&park.parcels[a.1].parcel_no, &park.parcels[b.1].parcel_no)
        })
    });
    found
        .into_iter()
        .map(|(_, i)| i)
        .take(MAX_MATCHES)
        .collect()
}

/// The box and its list of matches.
pub fn locate_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    state: &mut LocateState,
    commands: &mut Vec<Command>,
) {
    let label = ui.label(lang.pick("定位", "Find"));
    let edit = egui::TextEdit::singleline(&mut state.text)
        .hint_text(lang.pick("宗地编号或权利人 (Ctrl+F)", "Parcel no. or holder (Ctrl+F)"))
        .desired_width(190.0);
    let response = ui.add(edit).labelled_by(label.id);
    if state.focus_requested {
        response.request_focus();
        state.focus_requested = false;
    }
    if response.changed() {
        state.highlighted = 0;
    }
    let found = matches(park, &state.text);
    let focused = response.has_focus();
    if focused && !found.is_empty() {
        let (down, up) = ui.input(|i| (i.key_pressed(Key::ArrowDown), i.key_pressed(Key::ArrowUp)));
        if down {
            state.highlighted = (state.highlighted + 1).min(found.len() - 1);
        }
        if up {
            state.highlighted = state.highlighted.saturating_sub(1);
        }
    }
    let enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    if enter && let Some(&index) = found.get(state.highlighted.min(found.len().saturating_sub(1))) {
        pick(park, state, index, commands);
        return;
    }
    let popup_id = ui.make_persistent_id("locate_matches");
    let show = (focused || state.popup_open) && !state.text.trim().is_empty();
    if !show {
        state.popup_open = false;
        return;
    }
    let mut picked = None;
    let area = egui::Area::new(popup_id)
        .order(egui::Order::Foreground)
        .fixed_pos(response.rect.left_bottom())
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_min_width(response.rect.width().max(260.0));
                if found.is_empty() {
                    ui.label(lang.pick("没有匹配的宗地", "No parcel matches"));
                }
                for (row, &index) in found.iter().enumerate() {
                    let parcel = &park.parcels[index];
                    let text = format!(
                        "{}  {}",
                        parcel.parcel_no,
                        parcel.holder.as_deref().unwrap_or("")
                    );
                    let item = egui::Button::selectable(row == state.highlighted, text).truncate();
                    if ui.add(item).clicked() {
                        picked = Some(index);
                    }
                }
            });
        });
    state.popup_open = focused || area.response.contains_pointer();
    if let Some(index) = picked {
        pick(park, state, index, commands);
    }
}

fn pick(park: &Park, state: &mut LocateState, index: usize, commands: &mut Vec<Command>) {
    if let Some(parcel) = park.parcels.get(index) {
        commands.push(Command::ShowParcel(parcel.parcel_no.clone()));
        state.text.clone_from(&parcel.parcel_no);
        state.highlighted = 0;
        state.popup_open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_start_with_the_text_come_first() {
        let park = crate::sample::sample_park().expect("sample park");
        let found = matches(&park, "lj-33");
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|&i| park.parcels[i].parcel_no.to_lowercase().contains("lj-33"))
        );
        assert_eq!(park.parcels[found[0]].parcel_no, "LJ-3301");
        let Some(holder) = park.parcels[5].holder.clone() else {
            panic!("holders")
        };
        let fragment: String = holder.chars().skip(2).take(3).collect();
        assert!(matches(&park, &fragment).contains(&5));
        assert!(matches(&park, "  ").is_empty());
        assert!(matches(&park, "LJ").len() <= MAX_MATCHES);
    }
}
