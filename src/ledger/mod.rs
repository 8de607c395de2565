//! The ledger: the cases of the idle and low-efficiency land ledger and an event for every
//! change, in one SQLite file ([`sqlite`], the embedded default) or on a PostgreSQL server
//! ([`server`], for an office). The rules are written once, here, over the primitives both
//! back ends provide ([`store`]):
//!
//! - Every create, update, void, restore and correction is one transaction writing the row and
//!   its event. Nothing is ever deleted: a voided case (作废) stays with its history.
//! - A parcel has at most one open case: registering a second is refused, naming the first.
//! - Rows carry a version: a save against a stale version is refused with who changed the
//!   row and when, never a silent overwrite.

pub mod as_of;
pub mod attachments;
mod changes;
pub mod enterprise;
pub mod import;
mod sample;
pub mod server;
mod sqlite;
mod store;
mod tls;

pub use changes::{FieldChange, field_changes};
pub use sample::{
    SAMPLE_REVITALIZED_BUILDING_M2, SAMPLE_REVITALIZED_LAND_MU, SampleStep, sample_entries,
    sample_history,
};

pub use sqlite::SCHEMA_VERSION;

use crate::model::{FieldError, LedgerEntry, Progress};
use std::path::{Path, PathBuf};
use store::{NewEvent, RowUpdate, Store, Tx};

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot open the ledger {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "the ledger {path} is damaged ({detail}); it was left as it is: open another ledger or restore a backup"
    )]
    Corrupt { path: String, detail: String },
    #[error(
        "the ledger {path} was written by a newer Parkland (schema {found}; this program knows {known}); update Parkland to open it"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("the entry is not valid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error(
        "entry {id} was changed by {by} at {}; its newer values are shown, apply your change again",
        crate::time::local_time_text(.at)
    )]
    Stale {
        id: i64,
        by: String,
        at: String,
        current: Box<StoredEntry>,
    },
    #[error("no ledger entry {0}")]
    NotFound(i64),
    #[error("progress cannot move from {from} to {to}", from = .from.code(), to = .to.code())]
    Transition { from: Progress, to: Progress },
    #[error(
        "parcel {parcel_no} already has an open case ({id}); edit that case instead of registering another"
    )]
    OpenCaseExists { parcel_no: String, id: i64 },
    #[error("a reason is required to {0}")]
    ReasonRequired(&'static str),
    #[error("ledger database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Server(#[from] server::ServerError),
    /// The server refused: the account may not do this.
    #[error("{}", .0)]
    Denied(crate::model::Text),
    /// The server cannot be reached (or the connection was lost): nothing was written, or,
    /// for a save whose commit was cut off, the check after reconnecting found it was not.
    #[error("{}", .0)]
    Offline(crate::model::Text),
    /// A document that is not attached: too large, empty, of a kind a case does not take,
    /// unreadable, or the case is voided.
    #[error("{}", .0)]
    Attachment(crate::model::Text),
    #[error(
        "{location} already holds {cases} case(s) and {events} event(s): copy into an empty ledger, or add to it with --append"
    )]
    NotEmpty {
        location: String,
        cases: usize,
        events: i64,
    },
    /// The copy was written, and counting it again in the target found a difference.
    #[error("the copy was written but does not add up ({0}): check the target ledger")]
    CopyCheck(String),
    #[error("{0} is not available for a ledger on a server: {1}")]
    NotOnServer(&'static str, &'static str),
    #[error("ledger data error: {0}")]
    Data(String),
}

/// A case as stored, with its version and audit fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub id: i64,
    pub version: i64,
    /// Voided (作废): kept with its history, counted nowhere.
    pub deleted: bool,
    pub entry: LedgerEntry,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

crate::model::coded_enum! {
    /// What kind of change an event records (stored as its code).
    pub enum Action {
        /// 登记
        Create => ("create", "登记", "Registered"),
        /// 修改
        Update => ("update", "修改", "Edited"),
        /// 删除: written by earlier versions only; voiding replaced it.
        Delete => ("delete", "删除", "Deleted"),
        /// 撤销 of an edit
        Undo => ("undo", "撤销", "Undone"),
        /// 重做 of an edit
        Redo => ("redo", "重做", "Redone"),
        /// 撤销登记: undo of a registration (the case is voided)
        UndoCreate => ("undo_create", "撤销登记", "Registration undone"),
        /// 重新登记: redo of a registration (the case is restored)
        RedoCreate => ("redo_create", "重新登记", "Registration redone"),
        /// 导入
        Import => ("import", "导入", "Imported"),
        /// 作废, with a reason
        Void => ("void", "作废", "Voided"),
        /// 恢复 of a voided case
        Restore => ("restore", "恢复", "Restored"),
        /// 更正: progress moved back, with a reason
        Correct => ("correct", "更正", "Corrected"),
        /// 添加附件: a document attached (its name is the event's reason)
        Attach => ("attach", "添加附件", "Document attached"),
        /// 移除附件: a document removed (kept, recoverable by an administrator)
        Detach => ("detach", "移除附件", "Document removed"),
        /// 恢复附件: a removed document brought back
        Reattach => ("reattach", "恢复附件", "Document brought back"),
    }
}

/// One change to a case: who, when, what step, before → after.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub entry_id: i64,
    pub parcel_no: String,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub step: Option<Progress>,
    pub before: Option<LedgerEntry>,
    pub after: Option<LedgerEntry>,
    /// Why (作废 and 更正 require one).
    pub reason: Option<String>,
}

impl Event {
    /// What the event did, in the interface language (`撤销登记`, `作废`…).
    #[must_use]
    pub fn action_label(&self, lang: crate::model::Lang) -> &str {
        Action::parse(&self.action).map_or(self.action.as_str(), |a| a.label(lang))
    }

    /// What changed, field by field (empty for a registration).
    #[must_use]
    pub fn changes(&self, lang: crate::model::Lang) -> Vec<FieldChange> {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => field_changes(before, after, lang),
            _ => Vec::new(),
        }
    }
}

/// The ledger: an open SQLite file or a connection to a PostgreSQL server.
pub struct Ledger {
    backend: Backend,
    created: bool,
}

enum Backend {
    File(sqlite::SqliteStore),
    Server(Box<server::ServerStore>),
}

impl Backend {
    fn store(&self) -> &dyn Store {
        match self {
            Self::File(s) => s,
            Self::Server(s) => s.as_ref(),
        }
    }

    fn store_mut(&mut self) -> &mut dyn Store {
        match self {
            Self::File(s) => s,
            Self::Server(s) => s.as_mut(),
        }
    }
}

/// Where a ledger is: a SQLite file, or a PostgreSQL server (`postgresql://…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// The URL as given (it may hold a password: never shown, see [`Location`]'s `Display`).
    Server(String),
}

impl Location {
    /// A server URL (`postgresql://`, `postgres://`) or else a file path.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        if server::is_server_url(text) {
            Self::Server(text.trim().to_owned())
        } else {
            Self::File(PathBuf::from(text))
        }
    }

    /// True for a server.
    #[must_use]
    pub fn is_server(&self) -> bool {
        matches!(self, Self::Server(_))
    }

    /// Opens the file (creating it) or connects to the server.
    pub fn open(&self) -> Result<Ledger, LedgerError> {
        match self {
            Self::File(path) => Ledger::open(path),
            Self::Server(url) => Ledger::connect(url),
        }
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Self {
        Self::File(path)
    }
}

impl std::fmt::Display for Location {
    /// The path, or the server's URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Server(url) => f.write_str(&server::shown_url_text(url)),
        }
    }
}

/// Where the ledger lives when `--ledger` is not given: the platform data folder.
#[must_use]
pub fn default_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "Parkland").map_or_else(
        || PathBuf::from("parkland-ledger.sqlite"),
        |dirs| dirs.data_dir().join("ledger.sqlite"),
    )
}

/// Where the sample park's own ledger lives: beside the default ledger, never in it.
#[must_use]
pub fn sample_path() -> PathBuf {
    default_path().with_file_name("sample-ledger.sqlite")
}

/// The ledger used when none is chosen: the sample park's own, or the user's default (so
/// the sample cases never reach the user's ledger). The window and the CLI both ask here.
#[must_use]
pub fn default_path_for(sample_park: bool) -> PathBuf {
    if sample_park {
        sample_path()
    } else {
        default_path()
    }
}

/// The operator recorded on changes when none is set: the operating system's account (from
/// the account database, so it works where `$USER` is unset), else `$USER` and its kin.
#[must_use]
pub fn default_operator() -> String {
    whoami::username()
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            ["USER", "USERNAME", "LOGNAME"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        })
        .unwrap_or_else(|| "operator".to_owned())
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}

impl Ledger {
    /// Opens (or creates) a ledger file, checking and migrating it.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        let (store, created) = sqlite::SqliteStore::open(path)?;
        Ok(Self {
            backend: Backend::File(store),
            created,
        })
    }

    /// A ledger in memory (tests, previews).
    pub fn open_in_memory() -> Result<Self, LedgerError> {
        Ok(Self {
            backend: Backend::File(sqlite::SqliteStore::open_in_memory()?),
            created: true,
        })
    }

    /// Connects to a ledger on a PostgreSQL server (`postgresql://user@host:port/db`),
    /// whose schema `parkland db init` made; migrates it when this program's is newer.
    pub fn connect(url: &str) -> Result<Self, LedgerError> {
        let (store, created) = server::ServerStore::connect(url)?;
        Ok(Self {
            backend: Backend::Server(Box::new(store)),
            created,
        })
    }

    /// True when this open created the ledger (it had no cases' schema before).
    #[must_use]
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// The file, if the ledger is a file on disk.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::File(s) => s.path(),
            Backend::Server(_) => None,
        }
    }

    /// Where the ledger is, for people: a path, or the server's URL without a password.
    #[must_use]
    pub fn location(&self) -> String {
        self.backend.store().location()
    }

    /// True for a ledger on a server.
    #[must_use]
    pub fn is_on_server(&self) -> bool {
        matches!(self.backend, Backend::Server(_))
    }

    /// The account the server knows this connection as (recorded on every change it makes);
    /// `None` for a file, where the operator is whoever the program says.
    #[must_use]
    pub fn server_user(&self) -> Option<&str> {
        match &self.backend {
            Backend::File(_) => None,
            Backend::Server(s) => Some(s.user()),
        }
    }

    /// Whether this connection may register, edit, void and correct cases (a file: yes; a
    /// server: an editor or administrator).
    #[must_use]
    pub fn may_edit(&self) -> bool {
        match &self.backend {
            Backend::File(_) => true,
            Backend::Server(s) => s.role() >= server::Role::Editor,
        }
    }

    /// Whether this connection may restore a voided case (a file: yes; a server: an
    /// administrator).
    #[must_use]
    pub fn may_restore(&self) -> bool {
        match &self.backend {
            Backend::File(_) => true,
            Backend::Server(s) => s.role() == server::Role::Admin,
        }
    }

    /// The URL to listen to for changes made by others (a server ledger), with its password.
    #[must_use]
    pub fn watch_url(&self) -> Option<&str> {
        match &self.backend {
            Backend::File(_) => None,
            Backend::Server(s) => Some(s.url()),
        }
    }

    /// Copies the whole ledger file to `dest` with SQLite's online backup.
    pub fn backup_to(&self, dest: &Path) -> Result<(), LedgerError> {
        match &self.backend {
            Backend::File(s) => s.backup_to(dest),
            Backend::Server(_) => Err(LedgerError::NotOnServer(
                "a backup file",
                "the server's administrator backs it up (pg_dump)",
            )),
        }
    }

    /// Replaces the ledger's contents with a backup file, after checking the backup.
    pub fn restore_from(&mut self, src: &Path) -> Result<(), LedgerError> {
        match &mut self.backend {
            Backend::File(s) => s.restore_from(src),
            Backend::Server(_) => Err(LedgerError::NotOnServer(
                "restoring a backup file",
                "the server's administrator restores it (pg_restore)",
            )),
        }
    }

    /// The database's full check: SQLite's `integrity_check`; on a server, `ok` when the
    /// connection answers.
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        match &self.backend {
            Backend::File(s) => s.integrity_check(),
            Backend::Server(s) => s.ping().map(|()| "ok".to_owned()),
        }
    }

    /// A value kept in the ledger's `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        self.backend.store().meta(key)
    }

    /// Runs `write` in one transaction, committed when it succeeds.
    fn transaction<T>(
        &mut self,
        write: impl FnOnce(&mut dyn Tx) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut tx = self.backend.store_mut().begin()?;
        let value = write(tx.as_mut())?;
        tx.commit()?;
        Ok(value)
    }

    /// Registers a new case; `geometry` is the parcel's GeoJSON geometry at registration.
    pub fn create(
        &mut self,
        entry: &LedgerEntry,
        geometry: Option<&str>,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        check_valid(entry)?;
        if entry.progress == Progress::Revitalized && entry.completed_on.is_none() {
            return Err(LedgerError::Invalid(vec![FieldError::new(
                crate::model::Field::CompletedOn,
                "登记为已盘活的案件须填写完成日期",
                "a case registered as revitalized needs its completion date",
            )]));
        }
        self.transaction(|tx| {
            check_no_other_open_case(tx, entry, None)?;
            let at = now();
            insert_case(tx, entry, geometry, operator, Action::Create, &at)
        })
    }

    /// The open case of a parcel, if it has one (the newest, where an older ledger has two).
    pub fn open_case(&self, parcel_no: &str) -> Result<Option<i64>, LedgerError> {
        self.backend.store().open_case(parcel_no)
    }

    /// Registers many cases in one transaction (imports, the sample ledger).
    pub fn create_many(
        &mut self,
        entries: &[(LedgerEntry, Option<String>)],
        operator: &str,
    ) -> Result<Vec<i64>, LedgerError> {
        for (entry, _) in entries {
            check_valid(entry)?;
        }
        self.transaction(|tx| register_all(tx, entries, operator, &now()))
    }

    /// Saves a changed case if `expected_version` is still current; returns the new version.
    ///
    /// `Action::Update` checks the progress transition; undo and redo restore earlier states
    /// and are recorded as their own events (use [`Ledger::apply_undo`] for them).
    pub fn update(
        &mut self,
        id: i64,
        expected_version: i64,
        entry: &LedgerEntry,
        operator: &str,
        action: Action,
    ) -> Result<i64, LedgerError> {
        self.write(id, expected_version, entry, false, operator, action, None)
    }

    /// Voids a case (作废): it stays in the ledger with its history and leaves every figure;
    /// it can be restored. The reason is required and kept with the event.
    pub fn void(
        &mut self,
        id: i64,
        expected_version: i64,
        reason: &str,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        let reason = required_reason(reason, "void a case")?;
        let current = self.get(id)?.ok_or(LedgerError::NotFound(id))?;
        self.write(
            id,
            expected_version,
            &current.entry,
            true,
            operator,
            Action::Void,
            Some(reason),
        )
    }

    /// Restores a voided case (恢复). Refused when its parcel has another open case by now.
    pub fn restore(
        &mut self,
        id: i64,
        expected_version: i64,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        let current = self.get(id)?.ok_or(LedgerError::NotFound(id))?;
        self.write(
            id,
            expected_version,
            &current.entry,
            false,
            operator,
            Action::Restore,
            None,
        )
    }

    /// A correction (更正): saves `entry` whatever its progress step (moving progress back is
    /// what corrections are for), with a required reason recorded on the event.
    pub fn correct(
        &mut self,
        id: i64,
        expected_version: i64,
        entry: &LedgerEntry,
        reason: &str,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        let reason = required_reason(reason, "correct a case")?;
        self.write(
            id,
            expected_version,
            entry,
            false,
            operator,
            Action::Correct,
            Some(reason),
        )
    }

    /// Writes an undo or redo step: the case back to `entry`, voided or not, if it is still
    /// at `expected_version` (the version the step being undone or redone left). A case
    /// changed by someone else since is refused as stale, with who changed it and when.
    pub fn apply_undo(
        &mut self,
        id: i64,
        expected_version: i64,
        entry: &LedgerEntry,
        voided: bool,
        action: Action,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        debug_assert!(matches!(
            action,
            Action::Undo | Action::Redo | Action::UndoCreate | Action::RedoCreate
        ));
        self.write(id, expected_version, entry, voided, operator, action, None)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one private writer behind the public verbs"
    )]
    fn write(
        &mut self,
        id: i64,
        expected_version: i64,
        entry: &LedgerEntry,
        deleted: bool,
        operator: &str,
        action: Action,
        reason: Option<&str>,
    ) -> Result<i64, LedgerError> {
        check_valid(entry)?;
        self.transaction(|tx| {
            update_row(
                tx,
                &RowUpdate {
                    id,
                    expected_version,
                    entry,
                    deleted,
                    reason,
                },
                operator,
                action,
                &now(),
            )
        })
    }

    /// Writes an import in one transaction: the new cases, then the changed ones, each with
    /// its `import` event. Every case is validated first; a stale version or a progress step
    /// that is not allowed refuses the whole import and nothing is written.
    /// Returns the ids of the new cases.
    pub fn import_rows(
        &mut self,
        creates: &[(LedgerEntry, Option<String>)],
        updates: &[ImportUpdate],
        operator: &str,
    ) -> Result<Vec<i64>, LedgerError> {
        for entry in creates
            .iter()
            .map(|(e, _)| e)
            .chain(updates.iter().map(|u| &u.entry))
        {
            check_valid(entry)?;
        }
        self.transaction(|tx| {
            let at = now();
            let ids = register_all(tx, creates, operator, &at)?;
            for update in updates {
                update_row(
                    tx,
                    &RowUpdate {
                        id: update.id,
                        expected_version: update.expected_version,
                        entry: &update.entry,
                        deleted: false,
                        reason: None,
                    },
                    operator,
                    Action::Import,
                    &at,
                )?;
            }
            Ok(ids)
        })
    }

    /// One case by id (deleted ones too).
    pub fn get(&self, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
        self.backend.store().get(id)
    }

    /// All cases that are not voided, by id.
    pub fn list(&self) -> Result<Vec<StoredEntry>, LedgerError> {
        self.backend.store().list(false)
    }

    /// The voided cases, by id (to restore one).
    pub fn list_voided(&self) -> Result<Vec<StoredEntry>, LedgerError> {
        self.backend.store().list(true)
    }

    /// What the figures need of every live case, read from the covering index without the
    /// cases' texts and geometry (what `summary` and the dashboard need from a large ledger);
    /// `stats::summarize_rows` turns them into the figures, as for the window's cases.
    pub fn case_rows(&self) -> Result<Vec<CaseRow>, LedgerError> {
        self.backend.store().case_rows()
    }

    /// Every event of the cases of a parcel, newest first.
    pub fn history(&self, parcel_no: &str) -> Result<Vec<Event>, LedgerError> {
        self.backend.store().history(parcel_no)
    }

    /// Number of events (all cases).
    pub fn event_count(&self) -> Result<i64, LedgerError> {
        self.backend.store().event_count()
    }

    /// Loads the sample ledger into a ledger this open created, for the sample park.
    /// Returns how many entries were added.
    pub fn seed_sample(
        &mut self,
        park: &crate::model::Park,
        operator: &str,
    ) -> Result<usize, LedgerError> {
        if !self.created {
            return Ok(0);
        }
        let history = sample_history(park);
        for change in &history {
            check_valid(&change.entry)?;
        }
        // Checked and written in one transaction: two programs opening the same new ledger
        // at once seed it once. The history keeps its dates, so the timeline has two years
        // to show.
        self.transaction(|tx| {
            if tx.meta("sample_seeded")?.is_some() {
                return Ok(0);
            }
            for change in &history {
                if tx.open_case_of(&change.entry.parcel_no, None)?.is_some() {
                    // Cases registered there already: not the sample's to fill.
                    return Ok(0);
                }
            }
            write_changes(tx, &history, operator)?;
            tx.set_meta("sample_seeded", &now())?;
            let cases: std::collections::BTreeSet<&str> =
                history.iter().map(|c| c.entry.parcel_no.as_str()).collect();
            Ok(cases.len())
        })
    }
}

/// A change as it happened, with its time: registering the parcel's case when it has no open
/// one, else a new state of that case.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedChange {
    pub at: jiff::Timestamp,
    pub entry: LedgerEntry,
    /// The parcel's GeoJSON geometry, kept when the change registers the case.
    pub geometry: Option<String>,
}

impl Ledger {
    /// Writes a history as it happened (the sample's; one carried over from older records),
    /// each change with its own time, in one transaction. Refused unless the changes are in
    /// time order and after every event already recorded (the history only grows forward);
    /// on a server an administrator's act, like a copy. Returns how many were written.
    pub fn write_history(
        &mut self,
        changes: &[DatedChange],
        operator: &str,
    ) -> Result<usize, LedgerError> {
        for change in changes {
            check_valid(&change.entry)?;
        }
        let last = self.event_span()?.map(|(_, last)| last);
        let mut previous = last;
        for change in changes {
            if previous.is_some_and(|p| change.at <= p) {
                return Err(LedgerError::Data(format!(
                    "{}: a change at {} is not after the last recorded ({}); a history is written forward only",
                    change.entry.parcel_no,
                    change.at,
                    previous.map(|p| p.to_string()).unwrap_or_default()
                )));
            }
            previous = Some(change.at);
        }
        self.transaction(|tx| {
            tx.start_copy()?;
            write_changes(tx, changes, operator)?;
            Ok(changes.len())
        })
    }
}

/// What a ledger holds, counted: to check a copy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Live cases (not voided).
    pub cases: usize,
    pub voided: usize,
    pub events: i64,
    pub figures: usize,
    /// Over the live cases.
    pub idle_land_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
}

impl Tally {
    fn of(cases: &[StoredEntry], voided: usize, events: i64, figures: usize) -> Self {
        let sum = |f: fn(&LedgerEntry) -> f64| cases.iter().map(|c| f(&c.entry)).sum();
        Self {
            cases: cases.len(),
            voided,
            events,
            figures,
            idle_land_m2: sum(|e| e.idle_land_m2),
            revitalized_land_m2: sum(|e| e.revitalized_land_m2),
            revitalized_building_m2: sum(|e| e.revitalized_building_m2),
        }
    }

    fn is_empty(&self) -> bool {
        self.cases == 0 && self.voided == 0 && self.events == 0
    }

    /// Whether `after` holds `self` plus `moved` (figures aside: a copied figure replaces
    /// the same enterprise and year).
    fn adds_up(&self, moved: &Self, after: &Self) -> bool {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
        after.cases == self.cases + moved.cases
            && after.voided == self.voided + moved.voided
            && after.events == self.events + moved.events
            && close(after.idle_land_m2, self.idle_land_m2 + moved.idle_land_m2)
            && close(
                after.revitalized_land_m2,
                self.revitalized_land_m2 + moved.revitalized_land_m2,
            )
            && close(
                after.revitalized_building_m2,
                self.revitalized_building_m2 + moved.revitalized_building_m2,
            )
    }
}

impl Ledger {
    /// Counts what the ledger holds.
    pub fn tally(&self) -> Result<Tally, LedgerError> {
        Ok(Tally::of(
            &self.list()?,
            self.list_voided()?.len(),
            self.event_count()?,
            self.enterprise_figures(None)?.len(),
        ))
    }

    /// Copies this whole ledger into `target`: every case with its id, version, voiding and
    /// geometry, every event as recorded (people, times, reasons), every enterprise figure,
    /// in one transaction. An empty target keeps the ids; with `append`, the cases get new ids
    /// after the target's (a parcel with an open case in both is refused). Counts and totals
    /// are checked afterwards. Returns what was moved.
    pub fn copy_to(&self, target: &mut Ledger, append: bool) -> Result<Tally, LedgerError> {
        let mut dump = self.backend.store().dump()?;
        let live: Vec<StoredEntry> = dump
            .cases
            .iter()
            .filter(|(c, _)| !c.deleted)
            .map(|(c, _)| c.clone())
            .collect();
        let moved = Tally::of(
            &live,
            dump.cases.len() - live.len(),
            i64::try_from(dump.events.len()).unwrap_or(i64::MAX),
            dump.figures.len(),
        );
        let before = target.tally()?;
        if !append && !before.is_empty() {
            return Err(LedgerError::NotEmpty {
                location: target.location(),
                cases: before.cases + before.voided,
                events: before.events,
            });
        }
        let documents = self.backend.store().all_attachments()?;
        let documents_before = target.backend.store().all_attachments()?.len();
        target.transaction(|tx| {
            tx.start_copy()?;
            let mut case_ids: std::collections::HashMap<i64, i64> =
                dump.cases.iter().map(|(c, _)| (c.id, c.id)).collect();
            if append {
                for (case, _) in dump.cases.iter().filter(|(c, _)| !c.deleted) {
                    check_no_other_open_case(tx, &case.entry, None)?;
                }
                let ids = tx.reserve_ids(false, dump.cases.len())?;
                let new_id: std::collections::HashMap<i64, i64> =
                    dump.cases.iter().map(|(c, _)| c.id).zip(ids).collect();
                for (case, _) in &mut dump.cases {
                    case.id = new_id[&case.id];
                }
                case_ids.clone_from(&new_id);
                let event_ids = tx.reserve_ids(true, dump.events.len())?;
                for (event, id) in dump.events.iter_mut().zip(event_ids) {
                    event.id = id;
                    event.entry_id = new_id.get(&event.entry_id).copied().ok_or_else(|| {
                        LedgerError::Data(format!(
                            "event {} belongs to no case of the ledger copied",
                            event.id
                        ))
                    })?;
                }
            }
            tx.load(&dump)?;
            tx.after_loading()?;
            // The documents, one at a time (a ledger may hold gigabytes of them), each with
            // who added it and when, and whether it was removed.
            for document in &documents {
                let content = self
                    .backend
                    .store()
                    .attachment_content(document.id)?
                    .ok_or(LedgerError::NotFound(document.id))?;
                let case = case_ids.get(&document.entry_id).copied().ok_or_else(|| {
                    LedgerError::Data(format!(
                        "attachment {} belongs to no case of the ledger copied",
                        document.id
                    ))
                })?;
                let id = tx.insert_attachment(
                    &store::NewAttachment {
                        entry_id: case,
                        name: &document.name,
                        media_type: &document.media_type,
                        sha256: &document.sha256,
                        content: &content,
                    },
                    &document.added_by,
                    &document.added_at,
                )?;
                if let Some((at, by)) = &document.removed {
                    tx.set_attachment_removed(id, Some((by, at)))?;
                }
            }
            Ok(())
        })?;
        let documents_after = target.backend.store().all_attachments()?.len();
        if documents_after != documents_before + documents.len() {
            return Err(LedgerError::CopyCheck(format!(
                "{} document(s) copied onto {documents_before} gave {documents_after}",
                documents.len()
            )));
        }
        let after = target.tally()?;
        let figures = target.enterprise_figures(None)?;
        let figures_there = dump.figures.iter().all(|f| figures.contains(&f.figure));
        if !before.adds_up(&moved, &after) || !figures_there {
            return Err(LedgerError::CopyCheck(format!(
                "{moved:?} copied onto {before:?} gave {after:?}"
            )));
        }
        Ok(moved)
    }
}

/// One live case as the figures read it ([`Ledger::case_rows`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub id: i64,
    pub parcel_no: String,
    pub progress: Progress,
    pub methods: Vec<crate::model::DisposalMethod>,
    pub idle_land_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
}

/// A changed case in an import: its id, the version it was read at, and its new values.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportUpdate {
    pub id: i64,
    pub expected_version: i64,
    pub entry: LedgerEntry,
}

/// Updates a row inside the caller's transaction with its event; returns the new version.
/// A stale version and (for updates and imports) a progress step that is not allowed are
/// refused.
fn update_row(
    tx: &mut dyn Tx,
    row: &RowUpdate<'_>,
    operator: &str,
    action: Action,
    at: &str,
) -> Result<i64, LedgerError> {
    let RowUpdate {
        id,
        expected_version,
        entry,
        deleted,
        reason,
    } = *row;
    let current = tx.select_one(id)?.ok_or(LedgerError::NotFound(id))?;
    if current.version != expected_version {
        return Err(LedgerError::Stale {
            id,
            by: current.updated_by.clone(),
            at: current.updated_at.clone(),
            current: Box::new(current),
        });
    }
    if matches!(action, Action::Update | Action::Import)
        && !current.entry.progress.can_move_to(entry.progress)
    {
        return Err(LedgerError::Transition {
            from: current.entry.progress,
            to: entry.progress,
        });
    }
    // A write that makes the case open again (restored, or a closed case corrected back)
    // must not give its parcel a second open case.
    let was_open = !current.deleted && crate::standing::is_open(&current.entry);
    if !deleted && !was_open {
        check_no_other_open_case(tx, entry, Some(id))?;
    }
    if tx.update(row, operator, at)? != 1 {
        return Err(LedgerError::Data(format!("entry {id} was not updated")));
    }
    record_event(
        tx,
        id,
        operator,
        action,
        Some(&current.entry),
        Some(entry),
        reason,
        at,
    )?;
    Ok(expected_version + 1)
}

/// Writes dated changes inside the caller's transaction: each registers its parcel's case
/// (no open one) or is that case's next state, at its own time.
fn write_changes(
    tx: &mut dyn Tx,
    changes: &[DatedChange],
    operator: &str,
) -> Result<(), LedgerError> {
    for change in changes {
        let at = as_of::stored_instant(change.at);
        match tx.open_case_of(&change.entry.parcel_no, None)? {
            None => {
                let geometry = change.geometry.as_deref();
                insert_case(tx, &change.entry, geometry, operator, Action::Create, &at)?;
            }
            Some(id) => {
                let current = tx.select_one(id)?.ok_or(LedgerError::NotFound(id))?;
                update_row(
                    tx,
                    &RowUpdate {
                        id,
                        expected_version: current.version,
                        entry: &change.entry,
                        deleted: false,
                        reason: None,
                    },
                    operator,
                    Action::Update,
                    &at,
                )?;
            }
        }
    }
    Ok(())
}

/// Inserts a case with the event that registers it (`create`, or `import`); returns its id.
fn insert_case(
    tx: &mut dyn Tx,
    entry: &LedgerEntry,
    geometry: Option<&str>,
    operator: &str,
    action: Action,
    at: &str,
) -> Result<i64, LedgerError> {
    let id = tx.insert(entry, geometry, operator, at)?;
    record_event(tx, id, operator, action, None, Some(entry), None, at)?;
    Ok(id)
}

/// Registers cases inside the caller's transaction, each with its `import` event, none giving
/// its parcel a second open case; returns their ids (imports, the sample ledger).
fn register_all(
    tx: &mut dyn Tx,
    entries: &[(LedgerEntry, Option<String>)],
    operator: &str,
    at: &str,
) -> Result<Vec<i64>, LedgerError> {
    let mut ids = Vec::with_capacity(entries.len());
    for (entry, geometry) in entries {
        check_no_other_open_case(tx, entry, None)?;
        ids.push(insert_case(
            tx,
            entry,
            geometry.as_deref(),
            operator,
            Action::Import,
            at,
        )?);
    }
    Ok(ids)
}

/// A reason that is not blank, trimmed.
fn required_reason<'a>(reason: &'a str, what: &'static str) -> Result<&'a str, LedgerError> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(LedgerError::ReasonRequired(what))
    } else {
        Ok(reason)
    }
}

/// Refuses to give a parcel a second open case.
fn check_no_other_open_case(
    tx: &mut dyn Tx,
    entry: &LedgerEntry,
    except: Option<i64>,
) -> Result<(), LedgerError> {
    if !crate::standing::is_open(entry) {
        return Ok(());
    }
    match tx.open_case_of(&entry.parcel_no, except)? {
        Some(id) => Err(LedgerError::OpenCaseExists {
            parcel_no: entry.parcel_no.clone(),
            id,
        }),
        None => Ok(()),
    }
}

/// Refuses a case that breaks a rule; nothing is written for it.
fn check_valid(entry: &LedgerEntry) -> Result<(), LedgerError> {
    let errors = entry.validate();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(LedgerError::Invalid(errors))
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "an event's fields, written in one place"
)]
fn record_event(
    tx: &mut dyn Tx,
    entry_id: i64,
    operator: &str,
    action: Action,
    before: Option<&LedgerEntry>,
    after: Option<&LedgerEntry>,
    reason: Option<&str>,
    at: &str,
) -> Result<(), LedgerError> {
    let json = |e: Option<&LedgerEntry>| e.and_then(event_json);
    tx.insert_event(
        &NewEvent {
            entry_id,
            operator,
            action: action.code(),
            step: after.map(|e| e.progress.code()),
            before_json: json(before),
            after_json: json(after),
            reason,
        },
        at,
    )
}

/// A case as event JSON without its empty fields (null, "", 0, []): they read back as the
/// defaults of `LedgerEntry`, and the events, most of a ledger, stay about half as big.
fn event_json(entry: &LedgerEntry) -> Option<String> {
    let serde_json::Value::Object(mut fields) = serde_json::to_value(entry).ok()? else {
        return None;
    };
    fields.retain(|_, v| match v {
        serde_json::Value::Null => false,
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
        serde_json::Value::Array(a) => !a.is_empty(),
        _ => true,
    });
    serde_json::to_string(&fields).ok()
}
