//! The entry form: dropdowns for enumerations, date pickers, numbers in 亩 or m² with the unit
//! shown, and each validation message beside its field. Nothing is saved until it is valid.

use crate::ledger::StoredEntry;
use crate::model::{
    CauseClass, DisposalMethod, Field, FieldError, IdleKind, IdleSubtype, Lang, LedgerEntry,
    Parcel, ParcelStatus, Progress,
};
use crate::ui::theme;
use crate::units::{m2_from_mu, mu_from_m2};
use egui::{ComboBox, RichText, Ui};
use jiff::civil::Date;

/// What the user asked of the form this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    None,
    Save,
    Cancel,
    /// 作废 the case being edited, with the form's reason.
    Void,
}

/// The number fields, typed as text so that a bad value can be shown beside its field.
const NUMBER_FIELDS: [(Field, &str, &str, &str); 5] = [
    (Field::IdleLand, "闲置土地", "Idle land", "亩"),
    (Field::IdleBuilding, "闲置厂房", "Idle floor", "m²"),
    (Field::RevitalizedLand, "盘活土地", "Revitalized land", "亩"),
    (
        Field::RevitalizedBuilding,
        "盘活厂房",
        "Revitalized floor",
        "m²",
    ),
    (Field::Investment, "投资", "Investment", "万元"),
];

/// A case being registered or edited.
pub struct EntryForm {
    /// `(id, version)` of the case being edited; `None` for a new case.
    pub editing: Option<(i64, i64)>,
    /// The stored values when editing began.
    pub original: Option<LedgerEntry>,
    pub entry: LedgerEntry,
    /// The parcel's geometry (GeoJSON) for the snapshot of a new case.
    pub geometry: Option<String>,
    numbers: [String; 5],
    /// The number texts as the form first showed them: a field whose text is still this keeps
    /// its stored value bit for bit (the text is rounded for reading).
    shown_numbers: [String; 5],
    /// 更正: save as a correction, any progress step allowed, with `reason`.
    pub correcting: bool,
    /// Why the case is corrected or voided.
    pub reason: String,
    pub reason_error: Option<String>,
    pub errors: Vec<FieldError>,
    parse_errors: Vec<(Field, String)>,
    pub general_error: Option<String>,
    /// For a new case, which of the parcel's areas prefilled it (the park's 面积口径); a
    /// stored case shows its stored area.
    pub area_basis: Option<crate::model::AreaBasis>,
    /// The case as someone else saved it while this form was open (a ledger on a server):
    /// offered with a button, never forced on what was typed.
    pub newer: Option<StoredEntry>,
    /// A save or void sent to a server ledger and not answered yet.
    pub saving: bool,
}

fn format_number(value: f64, decimals: usize) -> String {
    if value == 0.0 {
        String::new()
    } else {
        format!("{value:.decimals$}")
    }
}

impl EntryForm {
    /// A new case for a parcel, prefilled from it: its area on the park's `basis`.
    #[must_use]
    pub fn for_parcel(parcel: &Parcel, basis: crate::model::AreaBasis, today: Date) -> Self {
        let entry = LedgerEntry {
            parcel_no: parcel.parcel_no.clone(),
            district: parcel.district.clone(),
            holder: parcel.holder.clone(),
            parcel_area_m2: parcel.areas.on(basis),
            idle_land_m2: parcel.areas.on(basis),
            kind: if parcel.status == Some(ParcelStatus::LowEfficiency) {
                IdleKind::LowEfficiency
            } else {
                IdleKind::Idle
            },
            identified_on: Some(today),
            ..LedgerEntry::default()
        };
        let geometry = Some(geojson::GeometryValue::from(&parcel.geometry).to_string());
        let mut form = Self {
            editing: None,
            original: None,
            entry,
            geometry,
            numbers: Default::default(),
            shown_numbers: Default::default(),
            correcting: false,
            reason: String::new(),
            reason_error: None,
            errors: Vec::new(),
            parse_errors: Vec::new(),
            general_error: None,
            saving: false,
            area_basis: Some(basis),
            newer: None,
        };
        form.fill_numbers();
        form
    }

    /// The form for editing a stored case.
    #[must_use]
    pub fn edit(stored: &StoredEntry) -> Self {
        let mut form = Self {
            editing: None,
            original: None,
            entry: LedgerEntry::default(),
            geometry: None,
            numbers: Default::default(),
            shown_numbers: Default::default(),
            correcting: false,
            reason: String::new(),
            reason_error: None,
            errors: Vec::new(),
            parse_errors: Vec::new(),
            general_error: None,
            saving: false,
            area_basis: None,
            newer: None,
        };
        form.load(stored);
        form
    }

    /// Shows a stored case (also after a stale save, with the newer values).
    pub fn load(&mut self, stored: &StoredEntry) {
        self.newer = None;
        self.editing = Some((stored.id, stored.version));
        self.original = Some(stored.entry.clone());
        self.entry = stored.entry.clone();
        self.errors.clear();
        self.parse_errors.clear();
        self.fill_numbers();
    }

    fn fill_numbers(&mut self) {
        let e = &self.entry;
        self.numbers = [
            format_number(mu_from_m2(e.idle_land_m2), 2),
            format_number(e.idle_building_m2, 0),
            format_number(mu_from_m2(e.revitalized_land_m2), 2),
            format_number(e.revitalized_building_m2, 0),
            format_number(e.investment_10k_yuan, 2),
        ];
        self.shown_numbers.clone_from(&self.numbers);
    }

    /// The stored values of the number fields, in [`NUMBER_FIELDS`] order, in m² (or 万元).
    fn stored_numbers(&self) -> [f64; 5] {
        let e = self.original.as_ref().unwrap_or(&self.entry);
        [
            e.idle_land_m2,
            e.idle_building_m2,
            e.revitalized_land_m2,
            e.revitalized_building_m2,
            e.investment_10k_yuan,
        ]
    }

    /// Sets a number field's text (tests and paste).
    pub fn set_number(&mut self, field: Field, text: &str) {
        if let Some(i) = NUMBER_FIELDS.iter().position(|(f, ..)| *f == field) {
            text.clone_into(&mut self.numbers[i]);
        }
    }

    /// The entry with the typed numbers, or `None` with the messages set.
    pub fn checked_entry(&mut self) -> Option<LedgerEntry> {
        self.general_error = None;
        self.reason_error = None;
        self.validate()
    }

    /// Reads the typed numbers and checks the case, setting the messages beside the fields.
    /// A number field the user did not change keeps its stored value exactly; a typed value
    /// is converted once (亩 → m²).
    fn validate(&mut self) -> Option<LedgerEntry> {
        self.parse_errors.clear();
        let stored = self.stored_numbers();
        let mut values = [0.0; 5];
        for (i, (field, _, _, unit)) in NUMBER_FIELDS.iter().enumerate() {
            if self.numbers[i] == self.shown_numbers[i] {
                values[i] = stored[i];
                continue;
            }
            let text = self.numbers[i].trim().replace(',', "");
            if text.is_empty() {
                continue;
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    values[i] = if *unit == "亩" { m2_from_mu(v) } else { v };
                }
                _ => self
                    .parse_errors
                    .push((*field, format!("“{text}”不是数字 / not a number"))),
            }
        }
        let mut entry = self.entry.clone();
        entry.idle_land_m2 = values[0];
        entry.idle_building_m2 = values[1];
        entry.revitalized_land_m2 = values[2];
        entry.revitalized_building_m2 = values[3];
        entry.investment_10k_yuan = values[4];
        self.errors = entry.validate();
        if let Some(original) = &self.original
            && !self.correcting
            && !original.progress.can_move_to(entry.progress)
        {
            self.errors.push(FieldError::new(
                Field::Progress,
                format!(
                    "不能从“{}”改为“{}”",
                    original.progress.label(Lang::Zh),
                    entry.progress.label(Lang::Zh)
                ),
                format!(
                    "cannot move from {} to {}",
                    original.progress.label(Lang::En),
                    entry.progress.label(Lang::En)
                ),
            ));
        }
        (self.errors.is_empty() && self.parse_errors.is_empty()).then_some(entry)
    }

    fn messages_for(&self, field: Field, lang: Lang) -> Vec<String> {
        self.parse_errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
            .chain(
                self.errors
                    .iter()
                    .filter(|e| e.field == field)
                    .map(|e| e.message(lang).to_owned()),
            )
            .collect()
    }

    /// The messages for a field, joined, if any.
    fn message(&self, field: Field, lang: Lang) -> Option<String> {
        let messages = self.messages_for(field, lang);
        (!messages.is_empty()).then(|| messages.join("；"))
    }

    /// Shows the form's fields, each with its messages.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) {
        // Once a save has shown messages, they follow the values: a message goes as soon as
        // its field is valid.
        if !self.errors.is_empty() || !self.parse_errors.is_empty() {
            self.validate();
        }
        ui.label(
            RichText::new(
                format!(
                    "{} {}  {}  {:.2} {}",
                    lang.pick("宗地", "Parcel"),
                    self.entry.parcel_no,
                    self.entry.holder.as_deref().unwrap_or(""),
                    mu_from_m2(self.entry.parcel_area_m2),
                    lang.pick("亩", "mu"),
                ) + &self
                    .area_basis
                    .map(|b| format!(" ({})", b.label(lang)))
                    .unwrap_or_default(),
            )
            .strong(),
        );
        // Each message shows under its field, in the same cell, so it is always in view.
        let messages: std::collections::HashMap<Field, String> = [
            Field::Subtype,
            Field::IdleLand,
            Field::IdleBuilding,
            Field::RevitalizedLand,
            Field::RevitalizedBuilding,
            Field::Investment,
            Field::IdleSince,
            Field::IdentifiedOn,
            Field::Deadline,
            Field::CompletedOn,
            Field::Methods,
            Field::MethodOther,
            Field::Progress,
        ]
        .into_iter()
        .filter_map(|f| self.message(f, lang).map(|m| (f, m)))
        .collect();
        let show = |ui: &mut Ui, field: Field| {
            if let Some(message) = messages.get(&field) {
                ui.label(RichText::new(message).color(theme::ERROR_TEXT));
            }
        };
        egui::Grid::new("entry_form")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(lang.pick("类型", "Kind"));
                let kind_before = self.entry.kind;
                crate::ui::combo_labelled(
                    ui,
                    label.id,
                    ComboBox::from_id_salt("form_kind").selected_text(self.entry.kind.label(lang)),
                    |ui| {
                        for &kind in IdleKind::ALL {
                            ui.selectable_value(&mut self.entry.kind, kind, kind.label(lang));
                        }
                    },
                );
                if kind_before != self.entry.kind
                    && self
                        .entry
                        .subtype
                        .is_some_and(|s| s.kind() != self.entry.kind)
                {
                    self.entry.subtype = None;
                }
                ui.end_row();

                let label = ui.label(lang.pick("细类", "Category"));
                ui.vertical(|ui| {
                    crate::ui::combo_labelled(
                        ui,
                        label.id,
                        ComboBox::from_id_salt("form_subtype")
                            .selected_text(self.entry.subtype.map_or("—", |s| s.label(lang))),
                        |ui| {
                            ui.selectable_value(&mut self.entry.subtype, None, "—");
                            for &subtype in IdleSubtype::ALL
                                .iter()
                                .filter(|s| s.kind() == self.entry.kind)
                            {
                                ui.selectable_value(
                                    &mut self.entry.subtype,
                                    Some(subtype),
                                    subtype.label(lang),
                                );
                            }
                        },
                    );
                    show(ui, Field::Subtype);
                });
                ui.end_row();

                let label = ui.label(lang.pick("闲置原因", "Cause"));
                ui.horizontal(|ui| {
                    crate::ui::combo_labelled(
                        ui,
                        label.id,
                        ComboBox::from_id_salt("form_cause")
                            .selected_text(self.entry.cause.label(lang)),
                        |ui| {
                            for &cause in CauseClass::ALL {
                                ui.selectable_value(
                                    &mut self.entry.cause,
                                    cause,
                                    cause.label(lang),
                                );
                            }
                        },
                    );
                    ui.add(
                        egui::TextEdit::singleline(&mut self.entry.cause_text)
                            .hint_text(lang.pick("说明", "details"))
                            .desired_width(220.0),
                    );
                });
                ui.end_row();

                for (i, (field, zh, en, unit)) in NUMBER_FIELDS.iter().enumerate() {
                    let label = ui.label(lang.pick(*zh, *en));
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            ui.add(
                                egui::TextEdit::singleline(&mut self.numbers[i])
                                    .desired_width(110.0),
                            )
                            .labelled_by(label.id);
                            ui.label(*unit);
                        });
                        show(ui, *field);
                    });
                    ui.end_row();
                }

                for (field, zh, en) in [
                    (None, "约定动工", "Agreed start"),
                    (Some(Field::IdleSince), "闲置起始", "Idle since"),
                    (Some(Field::IdentifiedOn), "认定日期", "Identified on"),
                    (Some(Field::Deadline), "完成时限", "Deadline"),
                    (Some(Field::CompletedOn), "完成日期", "Completed on"),
                ] {
                    ui.label(lang.pick(zh, en));
                    let value = match field {
                        None => &mut self.entry.agreed_start_on,
                        Some(Field::IdleSince) => &mut self.entry.idle_since,
                        Some(Field::IdentifiedOn) => &mut self.entry.identified_on,
                        Some(Field::Deadline) => &mut self.entry.deadline,
                        _ => &mut self.entry.completed_on,
                    };
                    ui.vertical(|ui| {
                        date_field(ui, zh, value, lang);
                        if let Some(field) = field {
                            show(ui, field);
                        }
                    });
                    ui.end_row();
                }

                ui.label(lang.pick("处置方式", "Methods"));
                ui.vertical(|ui| {
                    ui.horizontal_wrapped(|ui| {
                        ui.set_max_width(440.0);
                        for &method in DisposalMethod::ALL {
                            let mut on = self.entry.methods.contains(&method);
                            if ui.checkbox(&mut on, method.label(lang)).changed() {
                                if on {
                                    self.entry.methods.push(method);
                                } else {
                                    self.entry.methods.retain(|m| *m != method);
                                }
                            }
                        }
                    });
                    show(ui, Field::Methods);
                });
                ui.end_row();

                if self.entry.methods.contains(&DisposalMethod::Other) {
                    let label = ui.label(lang.pick("其他方式说明", "Other method"));
                    ui.vertical(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut self.entry.method_other))
                            .labelled_by(label.id);
                        show(ui, Field::MethodOther);
                    });
                    ui.end_row();
                }

                let label = ui.label(lang.pick("处置进度", "Progress"));
                // A correction may move progress back; an ordinary edit keeps to the steps.
                let from = self
                    .original
                    .as_ref()
                    .map(|o| o.progress)
                    .filter(|_| !self.correcting);
                ui.vertical(|ui| {
                    crate::ui::combo_labelled(
                        ui,
                        label.id,
                        ComboBox::from_id_salt("form_progress")
                            .selected_text(self.entry.progress.label(lang)),
                        |ui| {
                            for &progress in Progress::ALL
                                .iter()
                                .filter(|p| from.is_none_or(|f| f.can_move_to(**p)))
                            {
                                ui.selectable_value(
                                    &mut self.entry.progress,
                                    progress,
                                    progress.label(lang),
                                );
                            }
                        },
                    );
                    show(ui, Field::Progress);
                });
                ui.end_row();

                for (zh, en, text) in [
                    (
                        "引进项目",
                        "Project brought in",
                        &mut self.entry.new_project,
                    ),
                    (
                        "责任单位",
                        "Responsible unit",
                        &mut self.entry.responsible_unit,
                    ),
                    ("备注", "Notes", &mut self.entry.notes),
                ] {
                    let label = ui.label(lang.pick(zh, en));
                    ui.add(egui::TextEdit::singleline(text).desired_width(280.0))
                        .labelled_by(label.id);
                    ui.end_row();
                }
            });
    }

    /// The general message, the correction and void controls of a stored case, and the
    /// Save / Cancel buttons, below the scrolling fields.
    pub fn buttons_ui(&mut self, ui: &mut Ui, lang: Lang) -> FormAction {
        let mut action = FormAction::None;
        if let Some(general) = &self.general_error {
            ui.label(RichText::new(general).color(theme::ERROR_TEXT));
        }
        if let Some(newer) = self.newer.clone()
            && ui
                .button(lang.pick("载入最新内容", "Load the newer values"))
                .clicked()
        {
            self.load(&newer);
            self.general_error = None;
        }
        if self.editing.is_some() {
            ui.horizontal(|ui| {
                ui.checkbox(
                    &mut self.correcting,
                    lang.pick("更正（可回退进度）", "Correction (progress may go back)"),
                );
            });
            ui.horizontal(|ui| {
                let label = ui.label(lang.pick("原因", "Reason"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.reason)
                        .hint_text(lang.pick("更正或作废须填写", "required to correct or void"))
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                if ui.button(lang.pick("作废", "Void")).clicked() {
                    action = FormAction::Void;
                }
            });
            if let Some(message) = &self.reason_error {
                if self.reason.trim().is_empty() {
                    ui.label(RichText::new(message).color(theme::ERROR_TEXT));
                } else {
                    self.reason_error = None;
                }
            }
        }
        ui.horizontal(|ui| {
            // One save at a time: the button waits for the server's answer.
            if ui
                .add_enabled(!self.saving, egui::Button::new(lang.pick("保存", "Save")))
                .clicked()
            {
                action = FormAction::Save;
            }
            if self.saving {
                ui.spinner();
                ui.label(lang.pick("正在保存…", "Saving…"));
            }
            if ui.button(lang.pick("取消", "Cancel")).clicked() {
                action = FormAction::Cancel;
            }
        });
        action
    }
}

/// An optional date: a checkbox to fill it in, then a date picker.
fn date_field(ui: &mut Ui, id: &str, value: &mut Option<Date>, lang: Lang) {
    ui.horizontal(|ui| {
        let mut set = value.is_some();
        let text = if lang == Lang::Zh { "填写" } else { "Set" };
        if ui.checkbox(&mut set, text).changed() {
            *value = set.then(crate::ui::ledger::today);
        }
        if let Some(date) = value {
            crate::ui::date_picker::date_picker_ui(ui, id, date, lang);
        }
    });
}
