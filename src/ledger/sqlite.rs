//! The embedded back end: one SQLite file (bundled SQLite).
//!
//! - Opened with WAL, `foreign_keys=ON`, `synchronous=FULL`, a busy timeout, and a
//!   `quick_check` first: a damaged file is reported, never replaced.
//! - Migrations by `user_version` inside one immediate transaction; a file newer than the
//!   program is refused; an older file is backed up beside itself before it is migrated.
//! - Writes are immediate transactions: one writer at a time, readers never blocked.
//!
//! SQL lives in `sql/*.sql` beside this file.

use super::attachments::Attachment;
use super::store::{
    AsOfRow, Cols, Dump, EntryColumns, NewAttachment, NewEvent, PIECES_FROM_CASES, RowUpdate,
    Store, Tx, as_of_row_from, attachment_from, case_row_from, dump_case_from, dump_event_from,
    dump_figure_from, event_from, figure_from, split_range, stored_from,
};
use super::{CaseRow, Event, LedgerError, StoredEntry};
use crate::model::{EnterpriseFigures, LedgerEntry};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The columns of a document's description ([`attachment_from`]).
const ATTACHMENT_SELECT: &str = "SELECT id, entry_id, name, media_type, size, sha256, \
     added_at, added_by, removed_at, removed_by FROM attachment";

/// The schema this program writes.
pub const SCHEMA_VERSION: i64 = 6;

/// Migration `i` takes a database from version `i` to `i + 1`.
const MIGRATIONS: [&str; 6] = [
    include_str!("sql/0001_init.sql"),
    include_str!("sql/0002_summary_index.sql"),
    include_str!("sql/0003_enterprise.sql"),
    include_str!("sql/0004_void_reason.sql"),
    include_str!("sql/0005_event_time_index.sql"),
    include_str!("sql/0006_attachments.sql"),
];

/// An open SQLite ledger.
pub(crate) struct SqliteStore {
    conn: Connection,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (or creates) a ledger file, checking and migrating it; with whether this open
    /// created it (it had no schema before). While another program is making, migrating or
    /// switching the same file to WAL, SQLite may answer "busy" outside the busy timeout's
    /// reach: the open is tried again for a few seconds.
    pub fn open(path: &Path) -> Result<(Self, bool), LedgerError> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            match Self::open_once(path) {
                Err(LedgerError::Sql(rusqlite::Error::SqliteFailure(e, _)))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<(Self, bool), LedgerError> {
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
        // Before anything reads: another program may be making or migrating the file.
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut store = Self {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.check_integrity(&shown)?;
        store.configure()?;
        let from = store.migrate(&shown)?;
        Ok((store, !existed || from == 0))
    }

    /// A ledger in memory (tests, previews).
    pub fn open_in_memory() -> Result<Self, LedgerError> {
        let mut store = Self {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        store.configure()?;
        store.migrate(":memory:")?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn check_integrity(&self, shown: &str) -> Result<(), LedgerError> {
        let corrupt = |detail: String| LedgerError::Corrupt {
            path: shown.to_owned(),
            detail,
        };
        // Every table but the documents' bytes, each with its indexes: a gigabyte of
        // documents would otherwise be read at every open (148 ms became 363 ms with 1 GB
        // attached); a document's bytes are checked against its SHA-256 whenever read.
        let tables: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name <> 'attachment_content' ORDER BY name",
            )
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| corrupt(e.to_string()))?;
        let mut problems = Vec::new();
        for table in &tables {
            let pragma = format!("PRAGMA quick_check(\"{}\")", table.replace('"', "\"\""));
            let found: Vec<String> = self
                .conn
                .prepare(&pragma)
                .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
                .map_err(|e| corrupt(e.to_string()))?;
            problems.extend(found.into_iter().filter(|p| p != "ok"));
        }
        if problems.is_empty() {
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
        // Read again under the write lock: another program opening the same new file at the
        // same moment may have migrated it meanwhile.
        let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for migration in MIGRATIONS.iter().skip(usize::try_from(now).unwrap_or(0)) {
            tx.execute_batch(migration)?;
        }
        if now < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
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
        let shown = self.location();
        self.migrate(&shown)?;
        Ok(())
    }

    /// `PRAGMA integrity_check` (the full check).
    pub fn integrity_check(&self) -> Result<String, LedgerError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Rows of a query, each decoded by `decode`.
    fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        decode: fn(&dyn Cols) -> Result<T, LedgerError>,
    ) -> Result<Vec<T>, LedgerError> {
        rows(&self.conn, sql, params, decode)
    }
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    decode: fn(&dyn Cols) -> Result<T, LedgerError>,
) -> Result<Vec<T>, LedgerError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        read.push(decode(&SqliteRow(row))?);
    }
    Ok(read)
}

/// A SQLite row as [`Cols`].
struct SqliteRow<'a, 'b>(&'a Row<'b>);

impl Cols for SqliteRow<'_, '_> {
    fn text(&self, i: usize) -> Result<String, LedgerError> {
        Ok(self.0.get(i)?)
    }
    fn time(&self, i: usize) -> Result<String, LedgerError> {
        self.text(i)
    }
    fn entry_json(&self, i: usize) -> Result<Option<LedgerEntry>, LedgerError> {
        match self.0.get_ref(i)? {
            rusqlite::types::ValueRef::Null => Ok(None),
            value => {
                let json = value
                    .as_bytes()
                    .map_err(|e| LedgerError::Data(format!("a case's values: {e}")))?;
                super::store::parse_entry_json(json).map(Some)
            }
        }
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, LedgerError> {
        Ok(self.0.get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64, LedgerError> {
        Ok(self.0.get(i)?)
    }
    fn int(&self, i: usize) -> Result<i64, LedgerError> {
        Ok(self.0.get(i)?)
    }
    fn flag(&self, i: usize) -> Result<bool, LedgerError> {
        Ok(self.0.get(i)?)
    }
}

fn select_one(conn: &Connection, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
    let sql = concat!(include_str!("sql/select_entries.sql"), " WHERE id = ?1");
    Ok(rows(conn, sql, &[&id], stored_from)?.into_iter().next())
}

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

/// An immediate SQLite transaction.
struct SqliteTx<'a>(rusqlite::Transaction<'a>);

impl Tx for SqliteTx<'_> {
    fn select_one(&mut self, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
        // The immediate transaction already holds the write lock.
        select_one(&self.0, id)
    }

    fn open_case_of(
        &mut self,
        parcel_no: &str,
        except: Option<i64>,
    ) -> Result<Option<i64>, LedgerError> {
        open_case_of(&self.0, parcel_no, except)
    }

    fn insert(
        &mut self,
        entry: &LedgerEntry,
        geometry: Option<&str>,
        operator: &str,
        at: &str,
    ) -> Result<i64, LedgerError> {
        let columns = EntryColumns::new(entry);
        let mut params = entry_params(&columns);
        params.extend([
            (":parcel_geometry", &geometry as &dyn ToSql),
            (":at", &at),
            (":operator", &operator),
        ]);
        self.0
            .prepare_cached(include_str!("sql/insert_entry.sql"))?
            .execute(params.as_slice())?;
        Ok(self.0.last_insert_rowid())
    }

    fn update(
        &mut self,
        row: &RowUpdate<'_>,
        operator: &str,
        at: &str,
    ) -> Result<u64, LedgerError> {
        let columns = EntryColumns::new(row.entry);
        let mut params = entry_params(&columns);
        params.extend([
            (":id", &row.id as &dyn ToSql),
            (":version", &row.expected_version),
            (":deleted", &row.deleted),
            (":at", &at),
            (":operator", &operator),
        ]);
        let changed = self
            .0
            .prepare_cached(include_str!("sql/update_entry.sql"))?
            .execute(params.as_slice())?;
        Ok(changed as u64)
    }

    fn insert_event(&mut self, event: &NewEvent<'_>, at: &str) -> Result<(), LedgerError> {
        self.0
            .prepare_cached(
                "INSERT INTO entry_event (entry_id, at, operator, action, step, before_json, \
                 after_json, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                event.entry_id,
                at,
                event.operator,
                event.action,
                event.step,
                event.before_json,
                event.after_json,
                event.reason,
            ])?;
        Ok(())
    }

    fn insert_attachment(
        &mut self,
        a: &NewAttachment<'_>,
        operator: &str,
        at: &str,
    ) -> Result<i64, LedgerError> {
        self.0
            .prepare_cached(
                "INSERT INTO attachment (entry_id, name, media_type, size, sha256, added_at, \
                 added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                a.entry_id,
                a.name,
                a.media_type,
                i64::try_from(a.content.len()).unwrap_or(i64::MAX),
                a.sha256,
                at,
                operator,
            ])?;
        let id = self.0.last_insert_rowid();
        self.0
            .prepare_cached(
                "INSERT INTO attachment_content (attachment_id, content) VALUES (?1, ?2)",
            )?
            .execute(params![id, a.content])?;
        Ok(id)
    }

    fn attachment(&mut self, id: i64) -> Result<Option<Attachment>, LedgerError> {
        Ok(rows(
            &self.0,
            &format!("{ATTACHMENT_SELECT} WHERE id = ?1"),
            &[&id],
            attachment_from,
        )?
        .into_iter()
        .next())
    }

    fn set_attachment_removed(
        &mut self,
        id: i64,
        removed: Option<(&str, &str)>,
    ) -> Result<(), LedgerError> {
        let (by, at) = removed.unzip();
        self.0.execute(
            "UPDATE attachment SET removed_by = ?2, removed_at = ?3 WHERE id = ?1",
            params![id, by, at],
        )?;
        Ok(())
    }

    fn replace_enterprise_figures(
        &mut self,
        years: &[i16],
        figures: &[EnterpriseFigures],
        source: &str,
        operator: &str,
        at: &str,
    ) -> Result<usize, LedgerError> {
        let mut replaced = 0;
        for year in years {
            replaced += self
                .0
                .prepare_cached("DELETE FROM enterprise_figure WHERE year = ?1")?
                .execute([year])?;
        }
        for f in figures {
            self.0
                .prepare_cached(
                    "INSERT INTO enterprise_figure (enterprise, year, output_10k_yuan, \
                     tax_10k_yuan, investment_10k_yuan, source, imported_at, imported_by) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    f.enterprise.trim(),
                    f.year,
                    f.output_10k_yuan,
                    f.tax_10k_yuan,
                    f.investment_10k_yuan,
                    source,
                    at,
                    operator
                ])?;
        }
        Ok(replaced)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.0.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            [key, value],
        )?;
        Ok(())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .0
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn start_copy(&mut self) -> Result<(), LedgerError> {
        Ok(())
    }

    fn reserve_ids(&mut self, events: bool, n: usize) -> Result<Vec<i64>, LedgerError> {
        let table = if events {
            "entry_event"
        } else {
            "ledger_entry"
        };
        let highest: i64 = self.0.query_row(
            &format!("SELECT coalesce(max(id), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )?;
        Ok((1..=i64::try_from(n).unwrap_or(i64::MAX))
            .map(|i| highest + i)
            .collect())
    }

    fn load(&mut self, dump: &Dump) -> Result<(), LedgerError> {
        let mut case = self.0.prepare_cached(&format!(
            "INSERT INTO ledger_entry (id, version, deleted, {ENTRY_COLUMNS}, parcel_geometry, \
             created_at, created_by, updated_at, updated_by) VALUES (:id, :version, :deleted, \
             {ENTRY_PARAMETERS}, :parcel_geometry, :created_at, :created_by, :updated_at, \
             :updated_by)"
        ))?;
        for (stored, geometry) in &dump.cases {
            let columns = EntryColumns::new(&stored.entry);
            let mut params = entry_params(&columns);
            params.extend([
                (":id", &stored.id as &dyn ToSql),
                (":version", &stored.version),
                (":deleted", &stored.deleted),
                (":parcel_geometry", geometry),
                (":created_at", &stored.created_at),
                (":created_by", &stored.created_by),
                (":updated_at", &stored.updated_at),
                (":updated_by", &stored.updated_by),
            ]);
            case.execute(params.as_slice())?;
        }
        let mut event = self.0.prepare_cached(
            "INSERT INTO entry_event (id, entry_id, at, operator, action, step, before_json, \
             after_json, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for e in &dump.events {
            event.execute(params![
                e.id,
                e.entry_id,
                e.at,
                e.operator,
                e.action,
                e.step,
                e.before_json,
                e.after_json,
                e.reason
            ])?;
        }
        let mut figure = self.0.prepare_cached(
            "INSERT OR REPLACE INTO enterprise_figure (enterprise, year, output_10k_yuan, \
             tax_10k_yuan, investment_10k_yuan, source, imported_at, imported_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for f in &dump.figures {
            let g = &f.figure;
            figure.execute(params![
                g.enterprise,
                g.year,
                g.output_10k_yuan,
                g.tax_10k_yuan,
                g.investment_10k_yuan,
                f.source,
                f.imported_at,
                f.imported_by
            ])?;
        }
        Ok(())
    }

    fn after_loading(&mut self) -> Result<(), LedgerError> {
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<(), LedgerError> {
        Ok(self.0.commit()?)
    }
}

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, LedgerError> {
        Ok(Box::new(SqliteTx(self.conn.transaction_with_behavior(
            TransactionBehavior::Immediate,
        )?)))
    }

    fn list(&self, voided: bool) -> Result<Vec<StoredEntry>, LedgerError> {
        let sql = if voided {
            concat!(
                include_str!("sql/select_entries.sql"),
                " WHERE deleted <> 0 ORDER BY id"
            )
        } else {
            concat!(
                include_str!("sql/select_entries.sql"),
                " WHERE deleted = 0 ORDER BY id"
            )
        };
        self.rows(sql, &[], stored_from)
    }

    fn get(&self, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
        select_one(&self.conn, id)
    }

    fn open_case(&self, parcel_no: &str) -> Result<Option<i64>, LedgerError> {
        open_case_of(&self.conn, parcel_no, None)
    }

    fn case_rows(&self) -> Result<Vec<CaseRow>, LedgerError> {
        self.rows(include_str!("sql/summary.sql"), &[], case_row_from)
    }

    fn history(&self, parcel_no: &str) -> Result<Vec<Event>, LedgerError> {
        self.rows(
            "SELECT e.id, e.entry_id, l.parcel_no, e.at, e.operator, e.action, e.step, \
             e.before_json, e.after_json, e.reason \
             FROM entry_event e JOIN ledger_entry l ON l.id = e.entry_id \
             WHERE l.parcel_no = ?1 ORDER BY e.id DESC",
            &[&parcel_no],
            event_from,
        )
    }

    fn event_count(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM entry_event", [], |r| r.get(0))?)
    }

    fn as_of_parts(&self, parts: usize) -> Result<Vec<(i64, i64)>, LedgerError> {
        let highest: i64 =
            self.conn
                .query_row("SELECT coalesce(max(id), 0) FROM ledger_entry", [], |r| {
                    r.get(0)
                })?;
        // Ranges of case ids.
        let parts = if highest < PIECES_FROM_CASES {
            1
        } else {
            parts
        };
        Ok(split_range(1, highest + 1, parts))
    }

    fn as_of_rows(&self, before: &str, ids: (i64, i64)) -> Result<Vec<AsOfRow>, LedgerError> {
        // The counts and the last ids come from the (entry_id, at) index alone; only the
        // last event's row (its JSON) and the case's (who made it, when) are read.
        // Times are stored in one form (`YYYY-MM-DDTHH:MM:SSZ`), so text order is time order.
        // Not ordered here: a sort of the wide rows (a temporary B-tree) took 130 of 230 ms
        // for 100,000 cases; the caller sorts the cases by id.
        self.rows(
            "SELECT a.entry_id, a.n, c.created_at, c.created_by, l.at, l.operator, l.action, \
             CASE l.action WHEN 'delete' THEN l.before_json ELSE l.after_json END \
             FROM (SELECT entry_id, count(*) AS n, max(id) AS last_id \
                   FROM entry_event WHERE entry_id >= ?2 AND entry_id < ?3 AND at < ?1 \
                   GROUP BY entry_id) a \
             JOIN ledger_entry c ON c.id = a.entry_id \
             JOIN entry_event l ON l.id = a.last_id",
            &[&before, &ids.0, &ids.1],
            as_of_row_from,
        )
    }

    fn reader(&self) -> Result<Option<Box<dyn Store>>, LedgerError> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        // Read only, no checks: the ledger was checked and migrated when it was opened.
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(Some(Box::new(Self {
            conn,
            path: Some(path.clone()),
        })))
    }

    fn attachments(&self, entry_id: i64, removed: bool) -> Result<Vec<Attachment>, LedgerError> {
        let filter = if removed {
            ""
        } else {
            " AND removed_at IS NULL"
        };
        self.rows(
            &format!("{ATTACHMENT_SELECT} WHERE entry_id = ?1{filter} ORDER BY id"),
            &[&entry_id],
            attachment_from,
        )
    }

    fn all_attachments(&self) -> Result<Vec<Attachment>, LedgerError> {
        self.rows(
            &format!("{ATTACHMENT_SELECT} ORDER BY id"),
            &[],
            attachment_from,
        )
    }

    fn attachment_content(&self, id: i64) -> Result<Option<Vec<u8>>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT content FROM attachment_content WHERE attachment_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn event_span(&self) -> Result<Option<(String, String)>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT min(at), max(at) FROM entry_event", [], |r| {
                Ok(r.get::<_, Option<String>>(0)?
                    .zip(r.get::<_, Option<String>>(1)?))
            })?)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn enterprise_figures(&self, year: Option<i16>) -> Result<Vec<EnterpriseFigures>, LedgerError> {
        self.rows(
            "SELECT enterprise, year, output_10k_yuan, tax_10k_yuan, investment_10k_yuan \
             FROM enterprise_figure WHERE ?1 IS NULL OR year = ?1 ORDER BY year, enterprise",
            &[&year],
            figure_from,
        )
    }

    fn enterprise_years(&self) -> Result<Vec<i16>, LedgerError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT DISTINCT year FROM enterprise_figure ORDER BY year")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count_enterprise_figures(&self, years: &[i16]) -> Result<usize, LedgerError> {
        let mut total = 0;
        for year in years {
            let n: i64 = self.conn.query_row(
                "SELECT count(*) FROM enterprise_figure WHERE year = ?1",
                [year],
                |r| r.get(0),
            )?;
            total += usize::try_from(n).unwrap_or(0);
        }
        Ok(total)
    }

    fn location(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string())
    }

    fn dump(&self) -> Result<Dump, LedgerError> {
        Ok(Dump {
            cases: self.rows(
                &include_str!("sql/select_entries.sql").replace(
                    "FROM ledger_entry",
                    ", parcel_geometry FROM ledger_entry ORDER BY id",
                ),
                &[],
                dump_case_from,
            )?,
            events: self.rows(
                "SELECT id, entry_id, at, operator, action, step, before_json, after_json, reason \
                 FROM entry_event ORDER BY id",
                &[],
                dump_event_from,
            )?,
            figures: self.rows(
                "SELECT enterprise, year, output_10k_yuan, tax_10k_yuan, investment_10k_yuan, \
                 source, imported_at, imported_by FROM enterprise_figure ORDER BY year, enterprise",
                &[],
                dump_figure_from,
            )?,
        })
    }
}

/// The columns of an entry, in the order of [`entry_params`].
const ENTRY_COLUMNS: &str = "parcel_no, district, holder, parcel_area_m2, idle_land_m2, \
    idle_building_m2, kind, subtype, cause, cause_text, identified_on, agreed_start_on, \
    idle_since, deadline, completed_on, methods, method_other, progress, revitalized_land_m2, \
    revitalized_building_m2, new_project, investment_10k_yuan, responsible_unit, notes";

/// The named parameters of [`entry_params`], in order.
const ENTRY_PARAMETERS: &str = ":parcel_no, :district, :holder, :parcel_area_m2, :idle_land_m2, \
    :idle_building_m2, :kind, :subtype, :cause, :cause_text, :identified_on, :agreed_start_on, \
    :idle_since, :deadline, :completed_on, :methods, :method_other, :progress, \
    :revitalized_land_m2, :revitalized_building_m2, :new_project, :investment_10k_yuan, \
    :responsible_unit, :notes";
