//! The ledger in the window: the open store, its cases, the entry form, the table, and
//! undo/redo of ledger edits (each written as a new event, so the history stays complete).

mod connect;
mod documents;
mod form;
mod table;
mod timeline;
mod worker;

pub use connect::{ConnectAction, ConnectDialog, ServerSettings};
pub use documents::Thumb;
use documents::Thumbnail;
pub use form::EntryForm;
pub use form::FormAction;
pub use table::{LedgerTableState, TableAction};
pub use timeline::{Slot, timeline_ui};

use crate::ledger::attachments::Attachment;
use crate::ledger::{Action, Event, Ledger, LedgerError, StoredEntry};
use crate::model::EnterpriseFigures;
use crate::model::{LedgerEntry, Park};
use crate::ui::app::Notice;
use crate::ui::import_dialog::ImportDialog;
use crate::ui::revision::{Asked, Revision};
use jiff::civil::Date;
use std::cell::RefCell;
use std::sync::Arc;
use worker::{About, Job, Worker};

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
    /// A ledger file: its jobs run in the frame (the local disk answers in a millisecond).
    pub file: Option<Ledger>,
    /// A ledger on a server: its connection lives on the worker's thread, which runs the
    /// window's jobs; no frame waits on the network.
    worker: Option<Worker>,
    /// Where the open ledger is, who is signed in, and what the account may do.
    about: Option<About>,
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
    /// Changes when this window writes enterprise figures.
    figures_revision: Revision,
    /// The history last read, for a parcel number at a revision (not a query a frame).
    history_cache: RefCell<Asked<(String, Revision), Vec<Event>>>,
    /// Thumbnails of image documents, by id.
    thumbnails: RefCell<std::collections::HashMap<i64, Thumb>>,
    /// Thumbnails decoded off the UI thread, on their way in.
    thumbnail_channel: Option<(
        std::sync::mpsc::Sender<Thumbnail>,
        std::sync::mpsc::Receiver<Thumbnail>,
    )>,
    /// The documents last read, for a case at a revision.
    attachments_cache: RefCell<Asked<(i64, Revision), Vec<Attachment>>>,
    /// The enterprise figures' years and the chosen year's figures, at a revision.
    enterprise_cache: RefCell<Asked<EnterpriseKey, Arc<EnterpriseRead>>>,
    /// For a ledger on a server: hears the changes others commit, off the UI thread.
    watcher: Option<crate::ledger::server::Watcher>,
    /// Why the server cannot be reached now (shown as a banner until it is back).
    pub offline: Option<String>,
    /// A server ledger being connected to, off the UI thread, tried again with backoff until
    /// it answers.
    connecting: Option<Connecting>,
    /// Import previews and import outcomes finished by jobs, for the window to take.
    pub outcomes: Vec<Outcome>,
    /// Where the open ledger is, for the timeline's own connection.
    location: Option<crate::ledger::Location>,
    /// Rebuilds the ledger as of past dates, off the UI thread (started when first asked).
    timeline: Option<timeline::Timeline>,
    /// The day the window shows the ledger as of; `None`: now (editing happens only now).
    pub as_of: Option<Date>,
    /// A past date asked for and not rebuilt yet.
    pub rebuilding: Option<Date>,
    /// The cases now, kept while a past date is shown (a server's watcher keeps them current).
    present: Option<(Vec<StoredEntry>, Vec<StoredEntry>)>,
    /// The first and the last day with a recorded change, where the user is.
    pub span: Option<(Date, Date)>,
    /// The two dates of the 统计 comparison, and their rebuilt cases when they came.
    pub compare: [Option<(Date, Option<Vec<StoredEntry>>)>; 2],
    /// Changes when either side of the comparison changes.
    pub compare_revision: Revision,
}

/// What a job leaves for the window beyond the ledger: an import to decide on, or a notice.
pub enum Outcome {
    Preview(ImportDialog),
    Notice(Notice),
}

/// The enterprise figures asked for: the ledger's revision, the window's writes of figures,
/// and the year chosen.
pub type EnterpriseKey = (Revision, Revision, Option<i16>);

/// The years with enterprise figures, and the figures of the year shown (the chosen year
/// when it is there, else the latest).
pub type EnterpriseRead = (Vec<i16>, Option<(i16, Vec<EnterpriseFigures>)>);

fn read_enterprise(ledger: &Ledger, chosen: Option<i16>) -> EnterpriseRead {
    let years = ledger.enterprise_years().unwrap_or_default();
    let year = chosen
        .filter(|y| years.contains(y))
        .or_else(|| years.last().copied());
    let figures = year.and_then(|year| Some((year, ledger.enterprise_figures(Some(year)).ok()?)));
    (years, figures)
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
    /// in use (the sample park has a ledger file of its own, see [`crate::ledger::sample_path`]),
    /// or starts connecting to a server ledger.
    pub fn open(
        &mut self,
        location: &crate::ledger::Location,
        park: &Park,
        sample_park: bool,
        operator: &str,
    ) {
        self.close();
        if location.is_server() {
            // The network is never waited on in a frame: connected on a thread, the cases
            // arrive when it answers; until then the map works and the ledger says why not.
            self.connecting = Some(Connecting::start(
                location.clone(),
                std::time::Duration::from_millis(500),
            ));
            return;
        }
        match location.open() {
            Ok(mut ledger) => {
                if sample_park && let Err(e) = ledger.seed_sample(park, operator) {
                    self.error = Some(e.to_string());
                }
                self.attach(ledger);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Closes whatever ledger is open (its worker thread ends when its jobs are done).
    fn close(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.form = None;
        self.info = None;
        self.error = None;
        self.offline = None;
        self.watcher = None;
        self.connecting = None;
        self.worker = None;
        self.file = None;
        self.about = None;
        self.entries.clear();
        self.voided.clear();
        self.history_cache.borrow_mut().clear();
        self.attachments_cache.borrow_mut().clear();
        self.enterprise_cache.borrow_mut().clear();
        self.location = None;
        self.timeline = None;
        self.as_of = None;
        self.rebuilding = None;
        self.present = None;
        self.span = None;
        self.compare = [None, None];
        self.revision.bump();
    }

    /// Uses a ledger already open: a file is used in the frame; a server ledger's
    /// connection moves to a worker thread, and a watcher hears every commit.
    pub fn attach(&mut self, ledger: Ledger) {
        let error = self.error.take();
        self.close();
        self.error = error;
        self.about = Some(About::of(&ledger));
        self.thumbnails.borrow_mut().clear();
        self.thumbnail_channel = Some(std::sync::mpsc::channel());
        self.location = match (ledger.path(), ledger.watch_url()) {
            (Some(path), _) => Some(crate::ledger::Location::File(path.to_owned())),
            (None, Some(url)) => Some(crate::ledger::Location::Server(url.to_owned())),
            (None, None) => None,
        };
        if let Some(url) = ledger.watch_url() {
            self.watcher = crate::ledger::server::Watcher::start(url, || {})
                .map_err(|e| self.error = Some(e.to_string()))
                .ok();
            match Worker::start(ledger) {
                Ok(worker) => self.worker = Some(worker),
                Err(e) => {
                    self.about = None;
                    self.error = Some(e.to_string());
                }
            }
        } else {
            self.file = Some(ledger);
        }
        self.reload();
        self.read_span();
    }

    /// Asks for the days the history spans (the timeline's range).
    fn read_span(&mut self) {
        self.run(Box::new(|ledger| {
            let span = ledger.event_span().ok().flatten().map(|(first, last)| {
                let zone = crate::time::local_zone();
                (
                    first.to_zoned(zone.clone()).date(),
                    last.to_zoned(zone).date(),
                )
            });
            Box::new(move |view| view.span = span)
        }));
    }

    /// The day the figures are counted to: the date shown, or today.
    #[must_use]
    pub fn day(&self) -> Date {
        self.as_of.unwrap_or_else(today)
    }

    /// Shows the ledger as it stood at the end of `date` (rebuilt off the UI thread; the
    /// cases shown change when it comes), or now (`None`, or today or later).
    pub fn show_as_of(&mut self, date: Option<Date>) {
        let date = date.filter(|d| *d < today());
        if date == self.as_of
            && (date.is_none() || self.rebuilding.is_some() || self.present.is_some())
        {
            return;
        }
        match date {
            None => {
                self.as_of = None;
                self.rebuilding = None;
                if let Some((entries, voided)) = self.present.take() {
                    self.entries = entries;
                    self.voided = voided;
                    self.revision.bump();
                }
            }
            Some(day) => {
                // Editing happens only now: a form open on the present closes.
                self.form = None;
                self.as_of = Some(day);
                self.rebuilding = Some(day);
                self.ask_timeline(timeline::Slot::Shown, day);
            }
        }
    }

    /// Sets one date of the 统计 comparison (0: from, 1: to) and asks for its cases.
    pub fn set_compare(&mut self, side: usize, date: Date) {
        let Some(slot) = self.compare.get_mut(side) else {
            return;
        };
        if slot.as_ref().is_some_and(|(d, _)| *d == date) {
            return;
        }
        *slot = Some((date, None));
        self.compare_revision.bump();
        let which = if side == 0 {
            timeline::Slot::CompareFrom
        } else {
            timeline::Slot::CompareTo
        };
        self.ask_timeline(which, date);
    }

    fn ask_timeline(&mut self, slot: timeline::Slot, date: Date) {
        if self.timeline.is_none()
            && let Some(location) = self.location.clone()
        {
            match timeline::Timeline::start(location) {
                Ok(timeline) => self.timeline = Some(timeline),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if let Some(timeline) = &self.timeline {
            timeline.ask(slot, date);
        } else if let Some(file) = &self.file {
            // A ledger without a place to open again (in memory): rebuilt here.
            let rebuilt = file
                .as_of(crate::time::end_of_day(date))
                .map_err(|e| e.to_string());
            self.rebuilt(slot, date, rebuilt);
        }
    }

    /// Takes in a rebuilt ledger: shown when it is still the date asked for.
    fn rebuilt(
        &mut self,
        slot: timeline::Slot,
        date: Date,
        result: Result<crate::ledger::as_of::AsOf, String>,
    ) {
        let as_of = match result {
            Ok(as_of) => as_of,
            Err(why) => {
                self.error = Some(why);
                if slot == timeline::Slot::Shown && self.rebuilding == Some(date) {
                    self.rebuilding = None;
                }
                return;
            }
        };
        match slot {
            timeline::Slot::Shown => {
                if self.as_of != Some(date) {
                    return;
                }
                self.rebuilding = None;
                if self.present.is_none() {
                    self.present = Some((
                        std::mem::take(&mut self.entries),
                        std::mem::take(&mut self.voided),
                    ));
                }
                self.entries = as_of.entries;
                self.voided = as_of.voided;
                self.revision.bump();
            }
            timeline::Slot::CompareFrom | timeline::Slot::CompareTo => {
                let side = usize::from(slot == timeline::Slot::CompareTo);
                if let Some(Some((asked, cases))) = self.compare.get_mut(side)
                    && *asked == date
                {
                    *cases = Some(as_of.entries);
                    self.compare_revision.bump();
                }
            }
        }
    }

    /// True when a ledger is open (a file, or a server that answered).
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.about.is_some()
    }

    /// Where the open ledger is: a path, or the server's address without the password.
    #[must_use]
    pub fn location(&self) -> Option<&str> {
        self.about.as_ref().map(|a| a.location.as_str())
    }

    /// The account a server knows this window as (recorded on every change it makes).
    #[must_use]
    pub fn server_user(&self) -> Option<&str> {
        self.about.as_ref()?.server_user.as_deref()
    }

    /// Runs a job where the ledger is: in the frame for a file, on the worker's thread for a
    /// server (what it did is taken in by [`Self::poll`]). Nothing runs when no ledger is open.
    fn run(&mut self, job: Job) {
        if let Some(file) = &mut self.file {
            let finish = job(file);
            finish(self);
        } else if let Some(worker) = &self.worker
            && !worker.send(job)
        {
            self.error = Some(
                "台账连接线程已停止，请重新连接 / the ledger's connection thread stopped: connect again"
                    .to_owned(),
            );
        }
    }

    /// True while a job sent to the server has not come back.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.worker.as_ref().is_some_and(Worker::busy)
    }

    /// Takes in what the worker finished and what the server's watcher heard: changes
    /// committed by others (the table, the map's colours and the figures follow from the new
    /// revision) and whether the server can be reached. A form open on a case someone else
    /// changed says so and offers the newer values. Returns true when anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = self.poll_connecting();
        let answers = self
            .timeline
            .as_ref()
            .map(timeline::Timeline::answers)
            .unwrap_or_default();
        for (slot, date, result) in answers {
            changed = true;
            self.rebuilt(slot, date, result);
        }
        if let Some(worker) = &self.worker {
            match worker.finished() {
                Ok(finished) => {
                    changed |= !finished.is_empty();
                    for finish in finished {
                        finish(self);
                    }
                }
                Err(stopped) => {
                    self.error = Some(stopped.to_owned());
                    changed = true;
                }
            }
        }
        let Some(watcher) = &self.watcher else {
            return changed;
        };
        let mut heard = false;
        for event in watcher.events() {
            heard = true;
            match event {
                crate::ledger::server::WatchEvent::Changed { entries, voided } => {
                    self.offline = None;
                    if let Some(present) = &mut self.present {
                        // A past date is shown: the present waits aside.
                        *present = (entries, voided);
                    } else if entries != self.entries || voided != self.voided {
                        self.entries = entries;
                        self.voided = voided;
                        self.revision.bump();
                    }
                }
                crate::ledger::server::WatchEvent::Offline(why) => self.offline = Some(why),
            }
        }
        if heard
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
        changed || heard
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
                self.error = None;
                self.attach(ledger);
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
        self.worker.is_some()
            || self.watcher.is_some()
            || self.connecting.is_some()
            || self.rebuilding.is_some()
            || self
                .compare
                .iter()
                .flatten()
                .any(|(_, cases)| cases.is_none())
    }

    /// Whether this account may register, edit, void and correct cases.
    #[must_use]
    pub fn may_edit(&self) -> bool {
        self.as_of.is_none() && self.about.as_ref().is_some_and(|a| a.may_edit)
    }

    /// Whether this account may restore a voided case.
    #[must_use]
    pub fn may_restore(&self) -> bool {
        self.as_of.is_none() && self.about.as_ref().is_some_and(|a| a.may_restore)
    }

    /// Reads the cases again after a write. On a server the watcher does it, on its own
    /// thread, after every commit (this window's too): the frame never waits for the whole
    /// ledger to come over the network (168 ms for 100,000 cases on the loopback).
    pub fn reload(&mut self) {
        if let Some(file) = &self.file {
            match file.list().and_then(|e| Ok((e, file.list_voided()?))) {
                // A past date is shown: the present waits aside.
                Ok(now) if self.present.is_some() => self.present = Some(now),
                Ok((entries, voided)) => {
                    self.entries = entries;
                    self.voided = voided;
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.revision.bump();
    }

    /// Every event of a parcel's cases, newest first. Read once per parcel and revision; on
    /// a server it is asked of the worker and shown when it comes (the last history shown
    /// stays meanwhile when it is the same parcel's).
    #[must_use]
    pub fn history(&self, parcel_no: &str) -> Vec<Event> {
        let key = (parcel_no.to_owned(), self.revision);
        let mut cache = self.history_cache.borrow_mut();
        match cache.lookup(&key) {
            Ok(events) => return events.clone(),
            Err(true) => {
                if let Some(file) = &self.file {
                    let events = file.history(parcel_no).unwrap_or_default();
                    cache.answer(key, events.clone());
                    return events;
                }
                if let Some(worker) = &self.worker {
                    let parcel_no = parcel_no.to_owned();
                    worker.send(Box::new(move |ledger| {
                        let events = ledger.history(&parcel_no).unwrap_or_default();
                        Box::new(move |view| view.history_cache.borrow_mut().answer(key, events))
                    }));
                }
            }
            Err(false) => {}
        }
        cache
            .latest()
            .filter(|((parcel, _), _)| parcel == parcel_no)
            .map(|(_, events)| events.clone())
            .unwrap_or_default()
    }

    /// The years with enterprise figures and the figures of the year shown (`chosen` when it
    /// is there, else the latest), read once per revision, with the key they were read for;
    /// on a server the last answer stays until the newer one comes (`None` before the first).
    #[must_use]
    pub fn enterprise(&self, chosen: Option<i16>) -> Option<(EnterpriseKey, Arc<EnterpriseRead>)> {
        let key = (self.revision, self.figures_revision, chosen);
        let mut cache = self.enterprise_cache.borrow_mut();
        match cache.lookup(&key) {
            Ok(read) => return Some((key, Arc::clone(read))),
            Err(true) => {
                if let Some(file) = &self.file {
                    let read = Arc::new(read_enterprise(file, chosen));
                    cache.answer(key, Arc::clone(&read));
                    return Some((key, read));
                }
                if let Some(worker) = &self.worker {
                    worker.send(Box::new(move |ledger| {
                        let read = Arc::new(read_enterprise(ledger, chosen));
                        Box::new(move |view| view.enterprise_cache.borrow_mut().answer(key, read))
                    }));
                }
            }
            Err(false) => {}
        }
        cache.latest().map(|(key, read)| (*key, Arc::clone(read)))
    }

    /// Saves the form's case (create, update or correction). On success the form closes and
    /// the step can be undone; on failure the form keeps the messages. On a server the form
    /// says it is saving until the server answers.
    pub fn save_form(&mut self, operator: &str) {
        let open = self.is_open();
        let Some(form) = &mut self.form else { return };
        if form.saving {
            return;
        }
        let Some(entry) = form.checked_entry() else {
            return;
        };
        if !open {
            form.general_error = Some("台账未打开 / the ledger is not open".to_owned());
            return;
        }
        form.saving = true;
        let (editing, correcting) = (form.editing, form.correcting);
        let (reason, geometry, before) = (
            form.reason.clone(),
            form.geometry.clone(),
            form.original.clone(),
        );
        let operator = operator.to_owned();
        self.run(Box::new(move |store| {
            let result = match editing {
                None => store
                    .create(&entry, geometry.as_deref(), &operator)
                    .map(|id| (id, 1, None)),
                Some((id, version)) if correcting => store
                    .correct(id, version, &entry, &reason, &operator)
                    .map(|v| (id, v, before)),
                Some((id, version)) => store
                    .update(id, version, &entry, &operator, Action::Update)
                    .map(|v| (id, v, before)),
            };
            Box::new(move |view| view.saved(entry, result))
        }));
    }

    /// What a save did: the form closes and the step can be undone, or the form keeps the
    /// messages.
    fn saved(
        &mut self,
        entry: LedgerEntry,
        result: Result<(i64, i64, Option<LedgerEntry>), LedgerError>,
    ) {
        if let Some(form) = &mut self.form {
            form.saving = false;
        }
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
            Err(error) => self.refused_form(error),
        }
    }

    /// A save or void the store refused: the form says why and keeps what was typed (or
    /// shows the newer values of a case someone else changed).
    fn refused_form(&mut self, error: LedgerError) {
        let Some(form) = &mut self.form else {
            self.error = Some(error.to_string());
            return;
        };
        match error {
            LedgerError::Invalid(errors) => form.errors = errors,
            LedgerError::Stale {
                by, at, current, ..
            } => {
                form.general_error = Some(stale_message(&by, &at));
                form.load(&current);
                self.reload();
            }
            LedgerError::ReasonRequired(_) => {
                form.reason_error = Some("请填写更正原因 / a reason is required".to_owned());
            }
            other => form.general_error = Some(other.to_string()),
        }
    }

    /// Voids the case open in the form (作废) with the form's reason.
    pub fn void_form_case(&mut self, operator: &str) {
        let Some(form) = &mut self.form else { return };
        let Some((id, version)) = form.editing else {
            return;
        };
        if form.saving {
            return;
        }
        if form.reason.trim().is_empty() {
            form.reason_error = Some("请填写作废原因 / a reason is required".to_owned());
            return;
        }
        form.saving = true;
        let (reason, operator) = (form.reason.clone(), operator.to_owned());
        self.run(Box::new(move |store| {
            let result = store.void(id, version, &reason, &operator);
            Box::new(move |view| {
                if let Some(form) = &mut view.form {
                    form.saving = false;
                }
                match result {
                    // A voided case is restored from the parcel panel, not by undo.
                    Ok(_) => {
                        view.form = None;
                        view.reload();
                    }
                    Err(error) => view.refused_form(error),
                }
            })
        }));
    }

    /// Restores a voided case (恢复).
    pub fn restore(&mut self, id: i64, operator: &str) {
        let Some(case) = self.voided.iter().find(|c| c.id == id) else {
            return;
        };
        let (version, operator) = (case.version, operator.to_owned());
        self.run(Box::new(move |store| {
            let result = store.restore(id, version, &operator);
            Box::new(move |view| {
                view.error = result.err().map(|e| e.to_string());
                view.reload();
            })
        }));
    }

    /// Takes back the last ledger edit (Ctrl+Z).
    pub fn undo(&mut self, operator: &str) {
        let Some(step) = self.undo.pop() else { return };
        self.run_step(step, true, operator);
    }

    /// Does again what undo took back (Ctrl+Shift+Z).
    pub fn redo(&mut self, operator: &str) {
        let Some(step) = self.redo.pop() else { return };
        self.run_step(step, false, operator);
    }

    /// Writes an undo (`backwards`) or redo step, expecting the version the step left; the
    /// step moves to the other stack with the case's new version.
    fn run_step(&mut self, step: UndoStep, backwards: bool, operator: &str) {
        let operator = operator.to_owned();
        self.run(Box::new(move |store| {
            let (entry, voided, action) = match (&step.before, backwards) {
                // Undo of a registration voids the case; redo brings it back.
                (None, true) => (&step.after, true, Action::UndoCreate),
                (None, false) => (&step.after, false, Action::RedoCreate),
                (Some(before), true) => (before, false, Action::Undo),
                (Some(_), false) => (&step.after, false, Action::Redo),
            };
            let result = store.apply_undo(step.id, step.version, entry, voided, action, &operator);
            Box::new(move |view| {
                match result {
                    Ok(version) if backwards => view.redo.push(UndoStep { version, ..step }),
                    Ok(version) => view.undo.push(UndoStep { version, ..step }),
                    Err(e) => view.refused(e),
                }
                view.reload();
            })
        }));
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

    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Copies a ledger file to `dest` (SQLite's online backup); a server says to use its own.
    pub fn backup_to(&mut self, dest: std::path::PathBuf) {
        self.run(Box::new(move |store| {
            let result = store.backup_to(&dest);
            Box::new(move |view| view.error = result.err().map(|e| e.to_string()))
        }));
    }

    /// Replaces a ledger file's contents with a backup's.
    pub fn restore_from(&mut self, src: std::path::PathBuf) {
        self.run(Box::new(move |store| {
            let result = store.restore_from(&src);
            Box::new(move |view| {
                view.error = result.err().map(|e| e.to_string());
                view.enterprise_cache.borrow_mut().clear();
                view.reload();
            })
        }));
    }

    /// Finishes an enterprise-figures preview with what the ledger holds for its years
    /// (the figures the import would replace); the preview is offered when it is counted.
    pub fn count_replaced(
        &mut self,
        mut preview: Box<crate::ledger::enterprise::EnterpriseImportPreview>,
        lang: crate::model::Lang,
    ) {
        self.run(Box::new(move |store| {
            let counted = preview.count_replaced(store);
            Box::new(move |view| {
                view.outcomes.push(match counted {
                    Ok(()) => Outcome::Preview(ImportDialog::Enterprise(preview)),
                    Err(error) => Outcome::Notice(crate::ui::import_dialog::cannot_import(
                        lang,
                        &preview.file,
                        &error,
                    )),
                });
            })
        }));
    }

    /// Writes an import the user accepted (one transaction); its notice is an outcome.
    pub fn import(&mut self, dialog: ImportDialog, operator: &str, lang: crate::model::Lang) {
        let operator = operator.to_owned();
        self.run(Box::new(move |store| {
            let notice = dialog.apply(store, &operator, lang);
            Box::new(move |view| {
                if let Some(notice) = notice {
                    view.outcomes.push(Outcome::Notice(notice));
                }
                view.figures_revision.bump();
                view.reload();
            })
        }));
    }
}

/// Today's date where the user is.
#[must_use]
pub fn today() -> Date {
    crate::time::today()
}
