//! The ledger in the window: the open store, its cases, the entry form, the table, and
//! undo/redo of ledger edits (each written as a new event, so the history stays complete).

mod connect;
mod form;
mod table;

pub use connect::{ConnectAction, ConnectDialog, ServerSettings};
pub use form::EntryForm;
pub use form::FormAction;
pub use table::{LedgerTableState, TableAction};

use crate::ledger::{Action, Event, Ledger, LedgerError, StoredEntry};
use crate::model::{LedgerEntry, Park};
use crate::ui::revision::{Derived, Revision};
use jiff::civil::Date;

/// One ledger edit that undo can take back: the case, its values before and after, and the
/// version the store gave it, which undo and redo expect to find.
#[derive(Debug, Clone)]
pub struct UndoStep {
    pub id: i64,
    /// `None` when the step created the case (undo voids it: 撤销登记).
    pub before: Option<LedgerEntry>,
    pub after: LedgerEntry,
    /// The case's version after this step (or after the undo, on the redo stack).
    pub version: i64,
}

/// The open ledger and what the window shows of it.
#[derive(Default)]
pub struct LedgerView {
    pub store: Option<Ledger>,
    /// Cases, by id (not voided).
    pub entries: Vec<StoredEntry>,
    /// Voided cases, by id (they can be restored).
    pub voided: Vec<StoredEntry>,
    /// Why the ledger is not open or the last write failed.
    pub error: Option<String>,
    /// What the last action did, when it needs saying (e.g. the open case was opened instead
    /// of registering a second one).
    pub info: Option<String>,
    pub form: Option<EntryForm>,
    pub table: LedgerTableState,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    /// Changes whenever the cases are read again (after every write, and on open).
    pub revision: Revision,
    /// The history last read, for a parcel number at a revision (not a query a frame).
    history_cache: std::cell::RefCell<Derived<(String, Revision), Vec<Event>>>,
    /// For a ledger on a server: hears the changes others commit, off the UI thread.
    watcher: Option<crate::ledger::server::Watcher>,
    /// Why the server cannot be reached now (shown as a banner until it is back).
    pub offline: Option<String>,
    /// A server ledger being connected to, off the UI thread, tried again with backoff until
    /// it answers.
    connecting: Option<Connecting>,
}

/// A connection to a server ledger under way on a thread of its own.
struct Connecting {
    location: crate::ledger::Location,
    receiver: std::sync::mpsc::Receiver<Result<Ledger, LedgerError>>,
    /// When to try again after a failure.
    retry_at: Option<std::time::Instant>,
    backoff: std::time::Duration,
}

impl Connecting {
    fn start(location: crate::ledger::Location, backoff: std::time::Duration) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel();
        let to = location.clone();
        let spawned = std::thread::Builder::new()
            .name("ledger connect".to_owned())
            .spawn(move || {
                let _ = sender.send(to.open());
            });
        if let Err(e) = spawned {
            // No thread: reported as a failed attempt, tried again later.
            let (sender, failed) = std::sync::mpsc::channel();
            let _ = sender.send(Err(LedgerError::Data(e.to_string())));
            return Self {
                location,
                receiver: failed,
                retry_at: None,
                backoff,
            };
        }
        Self {
            location,
            receiver,
            retry_at: None,
            backoff,
        }
    }
}

fn stale_message(by: &str, at: &str) -> String {
    let at = crate::time::local_time_text(at);
    format!(
        "此记录已被 {by} 于 {at} 修改，已载入最新内容 / changed by {by} at {at}; the newer values are shown"
    )
}

/// A form's case changed by someone else while it is open: the form keeps what was typed.
fn changed_meanwhile_message(by: &str, at: &str) -> String {
    let at = crate::time::local_time_text(at);
    format!(
        "此记录已被 {by} 于 {at} 修改；可载入最新内容，否则保存时将被拒绝 / changed by {by} at {at}; load the newer values, or saving will be refused"
    )
}

impl LedgerView {
    /// Opens a ledger file, seeding the sample ledger into a new one when the sample park is
    /// in use (the sample park has a ledger file of its own, see [`crate::ledger::sample_path`]).
    pub fn open(
        &mut self,
        location: &crate::ledger::Location,
        park: &Park,
        sample_park: bool,
        operator: &str,
    ) {
        self.undo.clear();
        self.redo.clear();
        self.form = None;
        self.info = None;
        self.watcher = None;
        self.connecting = None;
        if location.is_server() {
            // The network is never waited on in a frame: connected on a thread, the cases
            // arrive when it answers; until then the map works and the ledger says why not.
            self.store = None;
            self.entries.clear();
            self.voided.clear();
            self.revision.bump();
            self.error = None;
            self.offline = None;
            self.connecting = Some(Connecting::start(
                location.clone(),
                std::time::Duration::from_millis(500),
            ));
            return;
        }
        match location.open() {
            Ok(mut ledger) => {
                self.error = None;
                if sample_park && let Err(e) = ledger.seed_sample(park, operator) {
                    self.error = Some(e.to_string());
                }
                self.watcher = ledger.watch_url().and_then(|url| {
                    crate::ledger::server::Watcher::start(url, || {})
                        .map_err(|e| self.error = Some(e.to_string()))
                        .ok()
                });
                self.offline = None;
                self.store = Some(ledger);
                self.reload();
            }
            Err(e) => {
                self.watcher = None;
                self.offline = location.is_server().then(|| e.to_string());
                self.store = None;
                self.entries.clear();
                self.voided.clear();
                self.revision.bump();
                self.error = Some(e.to_string());
            }
        }
    }

    /// Uses a ledger already open (an in-memory one in tests, or one opened elsewhere).
    pub fn attach(&mut self, ledger: Ledger) {
        self.undo.clear();
        self.redo.clear();
        self.form = None;
        self.info = None;
        self.error = None;
        self.store = Some(ledger);
        self.reload();
    }

    /// Takes in what the server's watcher heard: changes committed by others (the table, the
    /// map's colours and the figures follow from the new revision) and whether the server
    /// can be reached. A form open on a case someone else changed says so and offers the
    /// newer values. Returns true when anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = self.poll_connecting();
        let Some(watcher) = &self.watcher else {
            return changed;
        };
        for event in watcher.events() {
            changed = true;
            match event {
                crate::ledger::server::WatchEvent::Changed { entries, voided } => {
                    self.offline = None;
                    if entries != self.entries || voided != self.voided {
                        self.entries = entries;
                        self.voided = voided;
                        self.revision.bump();
                    }
                }
                crate::ledger::server::WatchEvent::Offline(why) => self.offline = Some(why),
            }
        }
        if changed
            && let Some(form) = &mut self.form
            && let Some((id, version)) = form.editing
            && let Some(newer) = self
                .entries
                .iter()
                .chain(&self.voided)
                .find(|c| c.id == id && c.version != version)
        {
            form.general_error = Some(changed_meanwhile_message(
                &newer.updated_by,
                &newer.updated_at,
            ));
            form.newer = Some(newer.clone());
        }
        changed
    }

    /// A connection under way: taken when it answers, tried again with backoff (up to ten
    /// seconds apart) when it fails, saying why meanwhile.
    fn poll_connecting(&mut self) -> bool {
        let Some(connecting) = &mut self.connecting else {
            return false;
        };
        if let Some(at) = connecting.retry_at {
            if std::time::Instant::now() >= at {
                let backoff = (connecting.backoff * 2).min(std::time::Duration::from_secs(10));
                *connecting = Connecting::start(connecting.location.clone(), backoff);
            }
            return false;
        }
        match connecting.receiver.try_recv() {
            Ok(Ok(ledger)) => {
                self.connecting = None;
                self.offline = None;
                self.error = None;
                self.watcher = ledger.watch_url().and_then(|url| {
                    crate::ledger::server::Watcher::start(url, || {})
                        .map_err(|e| self.error = Some(e.to_string()))
                        .ok()
                });
                self.store = Some(ledger);
                self.reload();
                true
            }
            Ok(Err(e)) => {
                let why = e.to_string();
                let changed = self.offline.as_deref() != Some(why.as_str());
                self.offline = Some(why.clone());
                self.error = Some(why);
                connecting.retry_at = Some(std::time::Instant::now() + connecting.backoff);
                changed
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                connecting.retry_at = Some(std::time::Instant::now() + connecting.backoff);
                false
            }
        }
    }

    /// True for a ledger on a server (connected or being connected to): the window asks for
    /// a frame now and then to take in what arrived.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.watcher.is_some() || self.connecting.is_some()
    }

    /// Whether this account may register, edit, void and correct cases.
    #[must_use]
    pub fn may_edit(&self) -> bool {
        self.store.as_ref().is_some_and(Ledger::may_edit)
    }

    /// Whether this account may restore a voided case.
    #[must_use]
    pub fn may_restore(&self) -> bool {
        self.store.as_ref().is_some_and(Ledger::may_restore)
    }

    /// Reads the cases again after a write. On a server the watcher does it, on its own
    /// thread, after every commit (this window's too): the frame never waits for the whole
    /// ledger to come over the network (168 ms for 100,000 cases on the loopback).
    pub fn reload(&mut self) {
        if self.watcher.is_some() {
            return;
        }
        if let Some(store) = &self.store {
            match store.list().and_then(|e| Ok((e, store.list_voided()?))) {
                Ok((entries, voided)) => {
                    self.entries = entries;
                    self.voided = voided;
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.revision.bump();
    }

    /// Every event of a parcel's cases, newest first.
    #[must_use]
    pub fn history(&self, parcel_no: &str) -> Vec<Event> {
        self.history_cache
            .borrow_mut()
            .get((parcel_no.to_owned(), self.revision), || {
                self.store
                    .as_ref()
                    .and_then(|s| s.history(parcel_no).ok())
                    .unwrap_or_default()
            })
            .clone()
    }

    /// Saves the form's case (create, update or correction). On success the form closes and
    /// the step can be undone; on failure the form keeps the messages.
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
                .map(|id| (id, 1, None)),
            Some((id, version)) if form.correcting => store
                .correct(id, version, &entry, &form.reason, operator)
                .map(|v| (id, v, form.original.clone())),
            Some((id, version)) => store
                .update(id, version, &entry, operator, Action::Update)
                .map(|v| (id, v, form.original.clone())),
        };
        match result {
            Ok((id, version, before)) => {
                self.undo.push(UndoStep {
                    id,
                    before,
                    after: entry,
                    version,
                });
                self.redo.clear();
                self.form = None;
                self.reload();
            }
            Err(LedgerError::Invalid(errors)) => form.errors = errors,
            Err(LedgerError::Stale {
                by, at, current, ..
            }) => {
                form.general_error = Some(stale_message(&by, &at));
                form.load(&current);
                self.reload();
            }
            Err(LedgerError::ReasonRequired(_)) => {
                form.reason_error = Some("请填写更正原因 / a reason is required".to_owned());
            }
            Err(other) => form.general_error = Some(other.to_string()),
        }
    }

    /// Voids the case open in the form (作废) with the form's reason.
    pub fn void_form_case(&mut self, operator: &str) {
        let Some(form) = &mut self.form else { return };
        let Some((id, version)) = form.editing else {
            return;
        };
        if form.reason.trim().is_empty() {
            form.reason_error = Some("请填写作废原因 / a reason is required".to_owned());
            return;
        }
        let Some(store) = &mut self.store else { return };
        match store.void(id, version, &form.reason, operator) {
            Ok(_) => {
                // A voided case is restored from the parcel panel, not by undo.
                self.form = None;
                self.reload();
            }
            Err(LedgerError::Stale {
                by, at, current, ..
            }) => {
                form.general_error = Some(stale_message(&by, &at));
                form.load(&current);
                self.reload();
            }
            Err(other) => form.general_error = Some(other.to_string()),
        }
    }

    /// Restores a voided case (恢复).
    pub fn restore(&mut self, id: i64, operator: &str) {
        let Some(store) = &mut self.store else { return };
        let Some(case) = self.voided.iter().find(|c| c.id == id) else {
            return;
        };
        match store.restore(id, case.version, operator) {
            Ok(_) => self.error = None,
            Err(e) => self.error = Some(e.to_string()),
        }
        self.reload();
    }

    /// Takes back the last ledger edit (Ctrl+Z).
    pub fn undo(&mut self, operator: &str) {
        let Some(step) = self.undo.pop() else { return };
        match self.apply_step(&step, true, operator) {
            Ok(version) => self.redo.push(UndoStep { version, ..step }),
            Err(e) => self.refused(e),
        }
        self.reload();
    }

    /// Does again what undo took back (Ctrl+Shift+Z).
    pub fn redo(&mut self, operator: &str) {
        let Some(step) = self.redo.pop() else { return };
        match self.apply_step(&step, false, operator) {
            Ok(version) => self.undo.push(UndoStep { version, ..step }),
            Err(e) => self.refused(e),
        }
        self.reload();
    }

    /// An undo or redo the store refused: say why, and show the newer values of a case
    /// someone else changed. The undo and redo stacks are dropped: they describe a past that
    /// is no longer the case's.
    fn refused(&mut self, error: LedgerError) {
        match error {
            LedgerError::Stale {
                by, at, current, ..
            } => {
                let message = stale_message(&by, &at);
                self.error = Some(format!("无法撤销/重做 / cannot undo or redo: {message}"));
                if !current.deleted {
                    let mut form = EntryForm::edit(&current);
                    form.general_error = Some(message);
                    self.form = Some(form);
                }
            }
            other => self.error = Some(other.to_string()),
        }
        self.undo.clear();
        self.redo.clear();
    }

    /// Writes an undo (`backwards`) or redo step, expecting the version the step left; returns
    /// the case's new version.
    fn apply_step(
        &mut self,
        step: &UndoStep,
        backwards: bool,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        let store = self.store.as_mut().ok_or(LedgerError::NotFound(step.id))?;
        let (entry, voided, action) = match (&step.before, backwards) {
            // Undo of a registration voids the case; redo brings it back.
            (None, true) => (&step.after, true, Action::UndoCreate),
            (None, false) => (&step.after, false, Action::RedoCreate),
            (Some(before), true) => (before, false, Action::Undo),
            (Some(_), false) => (&step.after, false, Action::Redo),
        };
        store.apply_undo(step.id, step.version, entry, voided, action, operator)
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

/// Today's date where the user is.
#[must_use]
pub fn today() -> Date {
    crate::time::today()
}
