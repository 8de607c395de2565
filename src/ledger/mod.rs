//! The ledger store: one SQLite file (bundled SQLite) holding the cases of the idle and
//! low-efficiency land ledger and an event for every change.
//!
//! - Opened with WAL, `foreign_keys=ON`, `synchronous=FULL`, a busy timeout, and a
//!   `quick_check` first: a damaged file is reported, never replaced.
//! - Migrations by `user_version` inside one immediate transaction; a file newer than the
//!   program is refused; an older file is backed up beside itself before it is migrated.
//! - Every create, update, void, restore and correction is one transaction writing the row and
//!   its event. Nothing is ever deleted: a voided case (作废) stays with its history.
//! - A parcel has at most one open case: registering a second is refused, naming the first.
//! - Rows carry a version: a save against a stale version is refused with who changed the
//!   row and when, never a silent overwrite.
//!
//! SQL lives in `sql/*.sql` beside this file.

mod changes;
pub mod enterprise;
pub mod import;
mod sample;

pub use changes::{FieldChange, field_changes};
pub use sample::{SAMPLE_REVITALIZED_BUILDING_M2, SAMPLE_REVITALIZED_LAND_MU, sample_entries};

use crate::model::{FieldError, LedgerEntry, Progress};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema this program writes.
pub const SCHEMA_VERSION: i64 = 4;

/// Migration `i` takes a database from version `i` to `i + 1`.
const MIGRATIONS: [&str; 4] = [
    include_str!("sql/0001_init.sql"),
    include_str!("sql/0002_summary_index.sql"),
    include_str!("sql/0003_enterprise.sql"),
    include_str!("sql/0004_void_reason.sql"),
];

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

/// The ledger: an open SQLite connection.
pub struct Ledger {
    conn: Connection,
    path: Option<PathBuf>,
    created: bool,
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
        let shown = path.display().to_string();
        let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| LedgerError::Open {
                path: shown.clone(),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            })?;
        }
        let conn = Connection::open(path).map_err(|source| LedgerError::Open {
            path: shown.clone(),
            source,
        })?;
        let mut ledger = Self {
            conn,
            path: Some(path.to_path_buf()),
            created: false,
        };
        ledger.check_integrity(&shown)?;
        ledger.configure()?;
        let from = ledger.migrate(&shown)?;
        ledger.created = !existed || from == 0;
        Ok(ledger)
    }

    /// A ledger in memory (tests, previews).
    pub fn open_in_memory() -> Result<Self, LedgerError> {
        let mut ledger = Self {
            conn: Connection::open_in_memory()?,
            path: None,
            created: true,
        };
        ledger.configure()?;
        ledger.migrate(":memory:")?;
        Ok(ledger)
    }

    /// True when this open created the ledger (it had no schema before).
    #[must_use]
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// The file, if the ledger is on disk.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn check_integrity(&self, shown: &str) -> Result<(), LedgerError> {
        let corrupt = |detail: String| LedgerError::Corrupt {
            path: shown.to_owned(),
            detail,
        };
        let mut statement = self
            .conn
            .prepare("PRAGMA quick_check")
            .map_err(|e| corrupt(e.to_string()))?;
        let problems: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| corrupt(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| corrupt(e.to_string()))?;
        if problems.len() == 1 && problems[0] == "ok" {
            Ok(())
        } else {
            Err(corrupt(problems.join("; ")))
        }
    }

    fn configure(&self) -> Result<(), LedgerError> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }

    /// Brings the schema up to [`SCHEMA_VERSION`]; returns the version found.
    fn migrate(&mut self, shown: &str) -> Result<i64, LedgerError> {
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(LedgerError::TooNew {
                path: shown.to_owned(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(found);
        }
        if found > 0
            && let Some(path) = &self.path
        {
            let backup = path.with_extension(format!("v{found}.backup.sqlite"));
            self.backup_to(&backup)?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for migration in MIGRATIONS.iter().skip(usize::try_from(found).unwrap_or(0)) {
            tx.execute_batch(migration)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(found)
    }

    /// Copies the whole ledger to `dest` with SQLite's online backup.
    pub fn backup_to(&self, dest: &Path) -> Result<(), LedgerError> {
        self.conn
            .backup(
                rusqlite::MAIN_DB,
                dest,
                None::<fn(rusqlite::backup::Progress)>,
            )
            .map_err(LedgerError::from)
    }

    /// Replaces the ledger's contents with a backup file, after checking the backup.
    pub fn restore_from(&mut self, src: &Path) -> Result<(), LedgerError> {
        let checked = Self::open(src)?;
        drop(checked);
        self.conn.restore(
            rusqlite::MAIN_DB,
            src,
            None::<fn(rusqlite::backup::Progress)>,
        )?;
        let shown = self
            .path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string());
        self.migrate(&shown)?;
        Ok(())
    }

    /// `PRAGMA integrity_check` (the full check).
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// A value kept in the ledger's `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        check_no_other_open_case(&tx, entry, None)?;
        let id = insert(&tx, entry, geometry, operator, &now())?;
        record_event(&tx, id, operator, Action::Create, None, Some(entry), None)?;
        tx.commit()?;
        Ok(id)
    }

    /// The open case of a parcel, if it has one (the newest, where an older ledger has two).
    pub fn open_case(&self, parcel_no: &str) -> Result<Option<i64>, LedgerError> {
        open_case_of(&self.conn, parcel_no, None)
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let mut ids = Vec::with_capacity(entries.len());
        for (entry, geometry) in entries {
            check_no_other_open_case(&tx, entry, None)?;
            let id = insert(&tx, entry, geometry.as_deref(), operator, &at)?;
            record_event(&tx, id, operator, Action::Import, None, Some(entry), None)?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
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

    /// Voids a case (作废): it stays in the file with its history and leaves every figure; it
    /// can be restored. The reason is required and kept with the event.
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = update_row(
            &tx,
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
        )?;
        tx.commit()?;
        Ok(version)
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let mut ids = Vec::with_capacity(creates.len());
        for (entry, geometry) in creates {
            check_no_other_open_case(&tx, entry, None)?;
            let id = insert(&tx, entry, geometry.as_deref(), operator, &at)?;
            record_event(&tx, id, operator, Action::Import, None, Some(entry), None)?;
            ids.push(id);
        }
        for update in updates {
            update_row(
                &tx,
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
        tx.commit()?;
        Ok(ids)
    }

    /// One case by id (deleted ones too).
    pub fn get(&self, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
        select_one(&self.conn, id)
    }

    /// All cases that are not voided, by id.
    pub fn list(&self) -> Result<Vec<StoredEntry>, LedgerError> {
        let sql = concat!(
            include_str!("sql/select_entries.sql"),
            " WHERE deleted = 0 ORDER BY id"
        );
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map([], stored_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The voided cases, by id (to restore one).
    pub fn list_voided(&self) -> Result<Vec<StoredEntry>, LedgerError> {
        let sql = concat!(
            include_str!("sql/select_entries.sql"),
            " WHERE deleted <> 0 ORDER BY id"
        );
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map([], stored_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What the figures need of every live case, read from the covering index without the
    /// cases' texts and geometry (what `summary` and the dashboard need from a large ledger);
    /// `stats::summarize_rows` turns them into the figures, as for the window's cases.
    pub fn case_rows(&self) -> Result<Vec<CaseRow>, LedgerError> {
        use crate::model::DisposalMethod;
        let mut statement = self.conn.prepare_cached(include_str!("sql/summary.sql"))?;
        let mut rows = statement.query([])?;
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            let progress = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let Some(progress) = Progress::parse(progress) else {
                return Err(LedgerError::Data(format!("unknown progress {progress:?}")));
            };
            // `methods` is a JSON array of codes, e.g. ["leaseback_co_management"].
            let methods = row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
            let methods = methods
                .split('"')
                .skip(1)
                .step_by(2)
                .filter_map(|code| DisposalMethod::ALL.iter().find(|m| m.code() == code))
                .copied()
                .collect();
            read.push(CaseRow {
                id: row.get(0)?,
                parcel_no: row.get(1)?,
                progress,
                methods,
                idle_land_m2: row.get(4)?,
                revitalized_land_m2: row.get(5)?,
                revitalized_building_m2: row.get(6)?,
            });
        }
        Ok(read)
    }

    /// Every event of the cases of a parcel, newest first.
    pub fn history(&self, parcel_no: &str) -> Result<Vec<Event>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT e.id, e.entry_id, l.parcel_no, e.at, e.operator, e.action, e.step, e.before_json, e.after_json, e.reason \
             FROM entry_event e JOIN ledger_entry l ON l.id = e.entry_id \
             WHERE l.parcel_no = ?1 ORDER BY e.id DESC",
        )?;
        let rows = statement.query_map([parcel_no], |row| {
            let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
            Ok(Event {
                id: row.get(0)?,
                entry_id: row.get(1)?,
                parcel_no: row.get(2)?,
                at: row.get(3)?,
                operator: row.get(4)?,
                action: row.get(5)?,
                step: row
                    .get::<_, Option<String>>(6)?
                    .and_then(|s| Progress::parse(&s)),
                before: parse(row.get(7)?),
                after: parse(row.get(8)?),
                reason: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of events (all cases).
    pub fn event_count(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM entry_event", [], |r| r.get(0))?)
    }

    /// Loads the sample ledger into a ledger this open created, for the sample park.
    /// Returns how many entries were added.
    pub fn seed_sample(
        &mut self,
        park: &crate::model::Park,
        operator: &str,
    ) -> Result<usize, LedgerError> {
        if !self.created || self.meta("sample_seeded")?.is_some() || !self.list()?.is_empty() {
            return Ok(0);
        }
        let entries = sample_entries(park);
        self.create_many(&entries, operator)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('sample_seeded', ?1)",
            [now()],
        )?;
        Ok(entries.len())
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

/// One row update, as `update_row` takes it.
struct RowUpdate<'a> {
    id: i64,
    expected_version: i64,
    entry: &'a LedgerEntry,
    deleted: bool,
    reason: Option<&'a str>,
}

/// Updates a row inside the caller's transaction with its event; returns the new version.
/// A stale version and (for updates and imports) a progress step that is not allowed are
/// refused.
fn update_row(
    conn: &Connection,
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
    let current = select_one(conn, id)?.ok_or(LedgerError::NotFound(id))?;
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
        check_no_other_open_case(conn, entry, Some(id))?;
    }
    let columns = EntryColumns::new(entry);
    let mut params = entry_params(&columns);
    params.extend([
        (":id", &id as &dyn ToSql),
        (":version", &expected_version),
        (":deleted", &deleted),
        (":at", &at),
        (":operator", &operator),
    ]);
    let changed = conn
        .prepare_cached(include_str!("sql/update_entry.sql"))?
        .execute(params.as_slice())?;
    if changed != 1 {
        return Err(LedgerError::Data(format!("entry {id} was not updated")));
    }
    record_event(
        conn,
        id,
        operator,
        action,
        Some(&current.entry),
        Some(entry),
        reason,
    )?;
    Ok(expected_version + 1)
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

/// The newest open live case of a parcel other than `except`.
fn open_case_of(
    conn: &Connection,
    parcel_no: &str,
    except: Option<i64>,
) -> Result<Option<i64>, LedgerError> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM ledger_entry WHERE parcel_no = ?1 AND deleted = 0 \
             AND progress NOT IN ('revitalized', 'written_off') AND id <> ?2 \
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![parcel_no, except.unwrap_or(-1)], |r| r.get(0))
        .optional()?)
}

/// Refuses to give a parcel a second open case.
fn check_no_other_open_case(
    conn: &Connection,
    entry: &LedgerEntry,
    except: Option<i64>,
) -> Result<(), LedgerError> {
    if !crate::standing::is_open(entry) {
        return Ok(());
    }
    match open_case_of(conn, &entry.parcel_no, except)? {
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

fn date_text(date: Option<jiff::civil::Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn methods_json(entry: &LedgerEntry) -> String {
    serde_json::to_string(&entry.methods).unwrap_or_else(|_| "[]".to_owned())
}

/// An entry's column values, owned, so that they can be bound by name.
struct EntryColumns<'a> {
    entry: &'a LedgerEntry,
    kind: &'static str,
    cause: &'static str,
    progress: &'static str,
    subtype: Option<&'static str>,
    dates: [Option<String>; 5],
    methods: String,
}

impl<'a> EntryColumns<'a> {
    fn new(entry: &'a LedgerEntry) -> Self {
        Self {
            entry,
            kind: entry.kind.code(),
            cause: entry.cause.code(),
            progress: entry.progress.code(),
            subtype: entry.subtype.map(crate::model::IdleSubtype::code),
            dates: [
                date_text(entry.identified_on),
                date_text(entry.agreed_start_on),
                date_text(entry.idle_since),
                date_text(entry.deadline),
                date_text(entry.completed_on),
            ],
            methods: methods_json(entry),
        }
    }
}

/// The entry's columns as named parameters, shared by the insert and the update.
fn entry_params<'a>(columns: &'a EntryColumns<'a>) -> Vec<(&'static str, &'a dyn ToSql)> {
    let e = columns.entry;
    vec![
        (":parcel_no", &e.parcel_no),
        (":district", &e.district),
        (":holder", &e.holder),
        (":parcel_area_m2", &e.parcel_area_m2),
        (":idle_land_m2", &e.idle_land_m2),
        (":idle_building_m2", &e.idle_building_m2),
        (":kind", &columns.kind),
        (":subtype", &columns.subtype),
        (":cause", &columns.cause),
        (":cause_text", &e.cause_text),
        (":identified_on", &columns.dates[0]),
        (":agreed_start_on", &columns.dates[1]),
        (":idle_since", &columns.dates[2]),
        (":deadline", &columns.dates[3]),
        (":completed_on", &columns.dates[4]),
        (":methods", &columns.methods),
        (":method_other", &e.method_other),
        (":progress", &columns.progress),
        (":revitalized_land_m2", &e.revitalized_land_m2),
        (":revitalized_building_m2", &e.revitalized_building_m2),
        (":new_project", &e.new_project),
        (":investment_10k_yuan", &e.investment_10k_yuan),
        (":responsible_unit", &e.responsible_unit),
        (":notes", &e.notes),
    ]
}

fn insert(
    conn: &Connection,
    e: &LedgerEntry,
    geometry: Option<&str>,
    operator: &str,
    at: &str,
) -> Result<i64, LedgerError> {
    let columns = EntryColumns::new(e);
    let mut params = entry_params(&columns);
    params.extend([
        (":parcel_geometry", &geometry as &dyn ToSql),
        (":at", &at),
        (":operator", &operator),
    ]);
    conn.prepare_cached(include_str!("sql/insert_entry.sql"))?
        .execute(params.as_slice())?;
    Ok(conn.last_insert_rowid())
}

fn record_event(
    conn: &Connection,
    entry_id: i64,
    operator: &str,
    action: Action,
    before: Option<&LedgerEntry>,
    after: Option<&LedgerEntry>,
    reason: Option<&str>,
) -> Result<(), LedgerError> {
    let json = |e: Option<&LedgerEntry>| e.and_then(event_json);
    conn.prepare_cached(
        "INSERT INTO entry_event (entry_id, at, operator, action, step, before_json, after_json, reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        entry_id,
        now(),
        operator,
        action.code(),
        after.map(|e| e.progress.code()),
        json(before),
        json(after),
        reason,
    ])?;
    Ok(())
}

/// A case as event JSON without its empty fields (null, "", 0, []): they read back as the
/// defaults of `LedgerEntry`, and the events, most of a ledger file, stay about half as big.
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

fn select_one(conn: &Connection, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
    let sql = concat!(include_str!("sql/select_entries.sql"), " WHERE id = ?1");
    Ok(conn
        .prepare_cached(sql)?
        .query_row([id], stored_from_row)
        .optional()?)
}

/// A text column parsed with `parse`, as a conversion error when it does not parse.
fn parsed<T>(
    row: &Row<'_>,
    index: usize,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("unexpected value {text:?}").into(),
        )
    })
}

fn optional_date(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<jiff::civil::Date>> {
    let text: Option<String> = row.get(index)?;
    text.map(|t| {
        t.parse().map_err(|e: jiff::Error| {
            rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
        })
    })
    .transpose()
}

fn stored_from_row(row: &Row<'_>) -> rusqlite::Result<StoredEntry> {
    use crate::model::{CauseClass, IdleKind, IdleSubtype};
    let entry = LedgerEntry {
        parcel_no: row.get(3)?,
        district: row.get(4)?,
        holder: row.get(5)?,
        parcel_area_m2: row.get(6)?,
        idle_land_m2: row.get(7)?,
        idle_building_m2: row.get(8)?,
        kind: parsed(row, 9, IdleKind::parse)?,
        subtype: row
            .get::<_, Option<String>>(10)?
            .and_then(|s| IdleSubtype::parse(&s)),
        cause: parsed(row, 11, CauseClass::parse)?,
        cause_text: row.get(12)?,
        identified_on: optional_date(row, 13)?,
        agreed_start_on: optional_date(row, 14)?,
        idle_since: optional_date(row, 15)?,
        deadline: optional_date(row, 16)?,
        completed_on: optional_date(row, 17)?,
        methods: parsed(row, 18, |t| serde_json::from_str(t).ok())?,
        method_other: row.get(19)?,
        progress: parsed(row, 20, Progress::parse)?,
        revitalized_land_m2: row.get(21)?,
        revitalized_building_m2: row.get(22)?,
        new_project: row.get(23)?,
        investment_10k_yuan: row.get(24)?,
        responsible_unit: row.get(25)?,
        notes: row.get(26)?,
    };
    Ok(StoredEntry {
        id: row.get(0)?,
        version: row.get(1)?,
        deleted: row.get(2)?,
        entry,
        created_at: row.get(27)?,
        created_by: row.get(28)?,
        updated_at: row.get(29)?,
        updated_by: row.get(30)?,
    })
}
