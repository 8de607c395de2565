//! The ledger in the window: the open store, its cases, the entry form, the table, and
//! undo/redo of ledger edits (each written as a new event, so the history stays complete).

mod form;
mod table;

pub use form::EntryForm;
pub use form::FormAction;
pub use table::{LedgerTableState, TableAction};

use crate::ledger::{Action, Event, Ledger, LedgerError, StoredEntry};
use crate::model::{LedgerEntry, Park, Progress};
use jiff::civil::Date;
use std::path::Path;

/// One ledger edit that undo can take back: the case, and its values before and after.
#[derive(Debug, Clone)]
pub struct UndoStep {
    pub id: i64,
    /// `None` when the step created the case (undo deletes it).
    pub before: Option<LedgerEntry>,
    pub after: LedgerEntry,
}

/// The open ledger and what the window shows of it.
#[derive(Default)]
pub struct LedgerView {
    pub store: Option<Ledger>,
    /// Cases, by id (not deleted).
    pub entries: Vec<StoredEntry>,
    /// Why the ledger is not open or the last write failed.
    pub error: Option<String>,
    pub form: Option<EntryForm>,
    pub table: LedgerTableState,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    /// Parcel number → position in `entries` of its newest case.
    by_parcel: std::collections::HashMap<String, usize>,
    /// The history last read, by parcel number, until the next reload (not a query a frame).
    history_cache: std::cell::RefCell<Option<(String, Vec<Event>)>>,
}

/// Where a parcel stands in the ledger, for colouring and 预警.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParcelAlert {
    pub progress: Option<Progress>,
    pub overdue: bool,
    pub over_one_year: bool,
    pub over_two_years: bool,
}

impl LedgerView {
    /// Opens a ledger file, seeding the sample ledger into a new one when the sample park is
    /// in use.
    pub fn open(&mut self, path: &Path, park: &Park, sample_park: bool, operator: &str) {
        self.undo.clear();
        self.redo.clear();
        match Ledger::open(path) {
            Ok(mut ledger) => {
                self.error = None;
                if sample_park && let Err(e) = ledger.seed_sample(park, operator) {
                    self.error = Some(e.to_string());
                }
                self.store = Some(ledger);
                self.reload();
            }
            Err(e) => {
                self.store = None;
                self.entries.clear();
                self.by_parcel.clear();
                self.history_cache.replace(None);
                self.error = Some(e.to_string());
            }
        }
    }

    /// Reads the cases again after a write.
    pub fn reload(&mut self) {
        if let Some(store) = &self.store {
            match store.list() {
                Ok(entries) => self.entries = entries,
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.by_parcel = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entry.parcel_no.clone(), i))
            .collect();
        self.history_cache.replace(None);
    }

    /// The newest live case of a parcel.
    #[must_use]
    pub fn case_of(&self, parcel_no: &str) -> Option<&StoredEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.entry.parcel_no == parcel_no)
    }

    /// Every event of a parcel's cases, newest first.
    #[must_use]
    pub fn history(&self, parcel_no: &str) -> Vec<Event> {
        if let Some((cached_for, events)) = &*self.history_cache.borrow()
            && cached_for == parcel_no
        {
            return events.clone();
        }
        let events = self
            .store
            .as_ref()
            .and_then(|s| s.history(parcel_no).ok())
            .unwrap_or_default();
        self.history_cache
            .replace(Some((parcel_no.to_owned(), events.clone())));
        events
    }

    /// 预警 and progress of a parcel on `today`.
    #[must_use]
    pub fn alert(&self, parcel_no: &str, today: Date) -> ParcelAlert {
        self.case_of(parcel_no)
            .map_or_else(ParcelAlert::default, |s| ParcelAlert {
                progress: Some(s.entry.progress),
                overdue: s.entry.is_overdue(today),
                over_one_year: s.entry.idle_over_one_year(today),
                over_two_years: s.entry.idle_over_two_years(today),
            })
    }

    /// Saves the form's case (create or update). On success the form closes and the step can
    /// be undone; on failure the form keeps the messages.
    pub fn save_form(&mut self, operator: &str) {
        let Some(form) = &mut self.form else { return };
        let Some(entry) = form.checked_entry() else {
            return;
        };
        let Some(store) = &mut self.store else {
            form.general_error = Some("台账未打开 / the ledger is not open".to_owned());
            return;
        };
        let result = match form.editing {
            None => store
                .create(&entry, form.geometry.as_deref(), operator)
                .map(|id| (id, None)),
            Some((id, version)) => store
                .update(id, version, &entry, operator, Action::Update)
                .map(|_| (id, form.original.clone())),
        };
        match result {
            Ok((id, before)) => {
                self.undo.push(UndoStep {
                    id,
                    before,
                    after: entry,
                });
                self.redo.clear();
                self.form = None;
                self.reload();
            }
            Err(LedgerError::Invalid(errors)) => form.errors = errors,
            Err(LedgerError::Stale {
                by, at, current, ..
            }) => {
                form.general_error = Some(format!(
                    "此记录已被 {by} 于 {at} 修改，已载入最新内容，请重新修改后保存 / changed by {by} at {at}; the newer values are shown"
                ));
                form.load(&current);
                self.reload();
            }
            Err(other) => form.general_error = Some(other.to_string()),
        }
    }

    /// Takes back the last ledger edit (Ctrl+Z).
    pub fn undo(&mut self, operator: &str) {
        let Some(step) = self.undo.pop() else { return };
        match self.apply_step(&step, true, operator) {
            Ok(()) => self.redo.push(step),
            Err(e) => self.error = Some(e.to_string()),
        }
        self.reload();
    }

    /// Does again what undo took back (Ctrl+Shift+Z).
    pub fn redo(&mut self, operator: &str) {
        let Some(step) = self.redo.pop() else { return };
        match self.apply_step(&step, false, operator) {
            Ok(()) => self.undo.push(step),
            Err(e) => self.error = Some(e.to_string()),
        }
        self.reload();
    }

    fn apply_step(
        &mut self,
        step: &UndoStep,
        backwards: bool,
        operator: &str,
    ) -> Result<(), LedgerError> {
        let store = self.store.as_mut().ok_or(LedgerError::NotFound(step.id))?;
        let current = store.get(step.id)?.ok_or(LedgerError::NotFound(step.id))?;
        let action = if backwards {
            Action::Undo
        } else {
            Action::Redo
        };
        match (&step.before, backwards) {
            // Undo of a creation deletes the case; redo brings it back.
            (None, true) => store.delete(step.id, current.version, operator).map(drop),
            (None, false) => store.undelete(step.id, current.version, operator).map(drop),
            (Some(before), true) => store
                .update(step.id, current.version, before, operator, action)
                .map(drop),
            (Some(_), false) => store
                .update(step.id, current.version, &step.after, operator, action)
                .map(drop),
        }
    }

    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

/// Today's date on this computer.
#[must_use]
pub fn today() -> Date {
    jiff::Zoned::now().date()
}
