//! What a ledger back end provides: the primitive reads and writes of one database, SQLite
//! ([`super::sqlite`]) or PostgreSQL ([`super::server`]). The rules (validation, versions,
//! one open case per parcel, an event for every change) are the ledger's own, in
//! [`super::Ledger`], written once over these primitives.

use super::attachments::Attachment;
use super::{CaseRow, Event, LedgerError, StoredEntry};
use crate::model::{EnterpriseFigures, LedgerEntry, Progress};

/// A row update as the ledger asks for it: the case's new values if it is still at
/// `expected_version`.
pub(crate) struct RowUpdate<'a> {
    pub id: i64,
    pub expected_version: i64,
    pub entry: &'a LedgerEntry,
    pub deleted: bool,
    pub reason: Option<&'a str>,
}

/// An event to append to the history.
pub(crate) struct NewEvent<'a> {
    pub entry_id: i64,
    pub operator: &'a str,
    pub action: &'static str,
    pub step: Option<&'static str>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<&'a str>,
}

/// A whole ledger, exactly as stored, to copy it to another: every case (voided ones too, with
/// the parcel's geometry), every event (its JSON as stored), every enterprise figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dump {
    pub cases: Vec<(StoredEntry, Option<String>)>,
    pub events: Vec<DumpEvent>,
    pub figures: Vec<DumpFigure>,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpEvent {
    pub id: i64,
    pub entry_id: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub step: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<String>,
}

/// An enterprise figure as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpFigure {
    pub figure: EnterpriseFigures,
    pub source: String,
    pub imported_at: String,
    pub imported_by: String,
}

/// One open write transaction. Dropped without [`Tx::commit`], it is rolled back.
pub(crate) trait Tx {
    /// One case by id; inside a write, the row is locked until the transaction ends (on a
    /// server, so that the version check and the update are one step).
    fn select_one(&mut self, id: i64) -> Result<Option<StoredEntry>, LedgerError>;
    /// The newest open live case of a parcel other than `except`; on a server, two writers
    /// checking the same parcel wait for each other.
    fn open_case_of(
        &mut self,
        parcel_no: &str,
        except: Option<i64>,
    ) -> Result<Option<i64>, LedgerError>;
    /// Inserts a case; returns its id.
    fn insert(
        &mut self,
        entry: &LedgerEntry,
        geometry: Option<&str>,
        operator: &str,
        at: &str,
    ) -> Result<i64, LedgerError>;
    /// Updates a case at its expected version; returns how many rows changed (0 or 1).
    fn update(&mut self, row: &RowUpdate<'_>, operator: &str, at: &str)
    -> Result<u64, LedgerError>;
    fn insert_event(&mut self, event: &NewEvent<'_>, at: &str) -> Result<(), LedgerError>;
    /// Replaces the enterprise figures of `years`; returns how many were there before.
    fn replace_enterprise_figures(
        &mut self,
        years: &[i16],
        figures: &[EnterpriseFigures],
        source: &str,
        operator: &str,
        at: &str,
    ) -> Result<usize, LedgerError>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), LedgerError>;
    /// A value of the `meta` table, read inside the write.
    fn meta(&mut self, key: &str) -> Result<Option<String>, LedgerError>;
    /// Begins writing a copy: the people and times of the copy are kept as they were (on a
    /// server, an administrator's act).
    fn start_copy(&mut self) -> Result<(), LedgerError>;
    /// `n` new ids for cases (`events` false) or events, after any used.
    fn reserve_ids(&mut self, events: bool, n: usize) -> Result<Vec<i64>, LedgerError>;
    /// Writes a copy exactly as dumped (ids, versions, people, times, JSON), figures replacing
    /// those of the same enterprise and year.
    fn load(&mut self, dump: &Dump) -> Result<(), LedgerError>;
    /// After loading with given ids: new ids continue after the highest.
    fn after_loading(&mut self) -> Result<(), LedgerError>;
    /// Stores a document of a case with its bytes; returns its id.
    fn insert_attachment(
        &mut self,
        attachment: &NewAttachment<'_>,
        operator: &str,
        at: &str,
    ) -> Result<i64, LedgerError>;
    /// A document's description, read inside the write.
    fn attachment(&mut self, id: i64) -> Result<Option<Attachment>, LedgerError>;
    /// Marks a document removed (`Some((by, at))`) or brings it back (`None`).
    fn set_attachment_removed(
        &mut self,
        id: i64,
        removed: Option<(&str, &str)>,
    ) -> Result<(), LedgerError>;
    fn commit(self: Box<Self>) -> Result<(), LedgerError>;
}

/// A document to store.
pub(crate) struct NewAttachment<'a> {
    pub entry_id: i64,
    pub name: &'a str,
    pub media_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// A document's description from the columns `id, entry_id, name, media_type, size, sha256,
/// added_at, added_by, removed_at, removed_by`.
pub(crate) fn attachment_from(row: &dyn Cols) -> Result<Attachment, LedgerError> {
    Ok(Attachment {
        id: row.int(0)?,
        entry_id: row.int(1)?,
        name: row.text(2)?,
        media_type: row.text(3)?,
        size: row.int(4)?,
        sha256: row.text(5)?,
        added_at: row.text(6)?,
        added_by: row.text(7)?,
        removed: row.opt_text(8)?.zip(row.opt_text(9)?),
    })
}

/// A ledger database.
pub(crate) trait Store: Send {
    /// Starts a write transaction.
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, LedgerError>;
    /// The live cases (or the voided ones), by id.
    fn list(&self, voided: bool) -> Result<Vec<StoredEntry>, LedgerError>;
    fn get(&self, id: i64) -> Result<Option<StoredEntry>, LedgerError>;
    fn open_case(&self, parcel_no: &str) -> Result<Option<i64>, LedgerError>;
    fn case_rows(&self) -> Result<Vec<CaseRow>, LedgerError>;
    /// Every event of the cases of a parcel, newest first.
    fn history(&self, parcel_no: &str) -> Result<Vec<Event>, LedgerError>;
    fn event_count(&self) -> Result<i64, LedgerError>;
    fn meta(&self, key: &str) -> Result<Option<String>, LedgerError>;
    fn enterprise_figures(&self, year: Option<i16>) -> Result<Vec<EnterpriseFigures>, LedgerError>;
    fn enterprise_years(&self) -> Result<Vec<i16>, LedgerError>;
    fn count_enterprise_figures(&self, years: &[i16]) -> Result<usize, LedgerError>;
    /// Where the ledger is, for people (a path, or a server URL without its password).
    fn location(&self) -> String;
    /// The whole ledger as stored.
    fn dump(&self) -> Result<Dump, LedgerError>;
    /// At most `parts` pieces of the ledger for [`Store::as_of_rows`] to read apart (each on a
    /// connection of its own), together covering every case; one piece for a small ledger.
    /// What a piece's two numbers mean (a range of case ids, a remainder) is the store's.
    fn as_of_parts(&self, parts: usize) -> Result<Vec<(i64, i64)>, LedgerError>;
    /// For every case in `part` (one of [`Store::as_of_parts`]) with an event before
    /// `before` (UTC, `YYYY-MM-DDTHH:MM:SSZ`): how many it had then, who made it and when,
    /// and its last event (the columns of [`as_of_row_from`]), in no order.
    fn as_of_rows(&self, before: &str, part: (i64, i64)) -> Result<Vec<AsOfRow>, LedgerError>;
    /// Another connection to the same ledger, to read on another thread; `None` where there
    /// is none to open (a ledger in memory).
    fn reader(&self) -> Result<Option<Box<dyn Store>>, LedgerError>;
    /// Takes back a reader after use, to hand out again where connecting costs (a server);
    /// by default it is closed.
    fn keep_reader(&self, reader: Box<dyn Store>) {
        drop(reader);
    }
    /// The times of the first and the last event, if any.
    fn event_span(&self) -> Result<Option<(String, String)>, LedgerError>;
    /// The documents of a case (removed ones too when asked), oldest first.
    fn attachments(&self, entry_id: i64, removed: bool) -> Result<Vec<Attachment>, LedgerError>;
    /// A document's bytes.
    fn attachment_content(&self, id: i64) -> Result<Option<Vec<u8>>, LedgerError>;
    /// Every document of every case (removed ones too), by id: to copy the ledger.
    fn all_attachments(&self) -> Result<Vec<Attachment>, LedgerError>;
}

/// From how many cases (the highest case id) the ledger as of a date is read in pieces on
/// several connections; below, a second connection costs more than it saves.
pub(crate) const PIECES_FROM_CASES: i64 = 20_000;

/// `parts` half-open ranges splitting `first..end` evenly (at least one; the last one
/// open-ended, to `i64::MAX`).
pub(crate) fn split_range(first: i64, end: i64, parts: usize) -> Vec<(i64, i64)> {
    let parts = i64::try_from(parts.max(1)).unwrap_or(1);
    let step = (end - first).max(0) / parts + 1;
    (0..parts)
        .map(|k| {
            let last = if k == parts - 1 {
                i64::MAX
            } else {
                first + (k + 1) * step
            };
            (first + k * step, last)
        })
        .collect()
}

/// A case as its events left it at some instant: what [`super::as_of`] rebuilds it from.
pub(crate) struct AsOfRow {
    pub entry_id: i64,
    pub events: i64,
    pub created_at: String,
    pub created_by: String,
    pub last_at: String,
    pub last_operator: String,
    pub last_action: String,
    /// The values the last event left (a deletion's: those before it).
    pub last_entry: Option<LedgerEntry>,
}

/// An as-of row from the columns: the case id, its count of events, `created_at`,
/// `created_by`, the last event's time, operator and action, and the JSON of the values the
/// last event left (for a deletion, those before it).
pub(crate) fn as_of_row_from(row: &dyn Cols) -> Result<AsOfRow, LedgerError> {
    Ok(AsOfRow {
        entry_id: row.int(0)?,
        events: row.int(1)?,
        created_at: row.time(2)?,
        created_by: row.text(3)?,
        last_at: row.time(4)?,
        last_operator: row.text(5)?,
        last_action: row.text(6)?,
        last_entry: row.entry_json(7)?,
    })
}

/// A dumped event from the columns `id, entry_id, at, operator, action, step, before_json,
/// after_json, reason`.
pub(crate) fn dump_event_from(row: &dyn Cols) -> Result<DumpEvent, LedgerError> {
    Ok(DumpEvent {
        id: row.int(0)?,
        entry_id: row.int(1)?,
        at: row.text(2)?,
        operator: row.text(3)?,
        action: row.text(4)?,
        step: row.opt_text(5)?,
        before_json: row.opt_text(6)?,
        after_json: row.opt_text(7)?,
        reason: row.opt_text(8)?,
    })
}

/// A dumped figure from the columns of [`figure_from`], then `source, imported_at,
/// imported_by`.
pub(crate) fn dump_figure_from(row: &dyn Cols) -> Result<DumpFigure, LedgerError> {
    Ok(DumpFigure {
        figure: figure_from(row)?,
        source: row.text(5)?,
        imported_at: row.text(6)?,
        imported_by: row.text(7)?,
    })
}

/// A case with its geometry: the columns of [`stored_from`], then `parcel_geometry`.
pub(crate) fn dump_case_from(row: &dyn Cols) -> Result<(StoredEntry, Option<String>), LedgerError> {
    Ok((stored_from(row)?, row.opt_text(31)?))
}

/// A case's JSON as events store it, read bit for bit.
pub(crate) fn parse_entry_json(json: &[u8]) -> Result<LedgerEntry, LedgerError> {
    serde_json::from_slice(json).map_err(|e| entry_json_error(&e))
}

/// [`parse_entry_json`] of text already checked as UTF-8 (a server's), not checked again.
pub(crate) fn parse_entry_text(json: &str) -> Result<LedgerEntry, LedgerError> {
    serde_json::from_str(json).map_err(|e| entry_json_error(&e))
}

fn entry_json_error(e: &serde_json::Error) -> LedgerError {
    LedgerError::Data(format!("a case's values: {e}"))
}

/// The columns of a result row, read the same way from either database.
pub(crate) trait Cols {
    fn text(&self, i: usize) -> Result<String, LedgerError>;
    /// A time as the ledger writes it, `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC): a file
    /// stores that text; a server sends its `timestamptz`, formatted here.
    fn time(&self, i: usize) -> Result<String, LedgerError>;
    /// A case's JSON (an event's snapshot) read where it lies, without a copy of the text.
    fn entry_json(&self, i: usize) -> Result<Option<LedgerEntry>, LedgerError>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, LedgerError>;
    fn real(&self, i: usize) -> Result<f64, LedgerError>;
    fn int(&self, i: usize) -> Result<i64, LedgerError>;
    fn flag(&self, i: usize) -> Result<bool, LedgerError>;
}

/// The columns every `SELECT` of cases lists, in this order (`sql/select_entries.sql` and
/// its server twin).
pub(crate) fn stored_from(row: &dyn Cols) -> Result<StoredEntry, LedgerError> {
    use crate::model::{CauseClass, IdleKind, IdleSubtype};
    fn parsed<T>(
        row: &dyn Cols,
        i: usize,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, LedgerError> {
        let text = row.text(i)?;
        parse(&text).ok_or_else(|| LedgerError::Data(format!("unexpected {what} {text:?}")))
    }
    let date = |i: usize| -> Result<Option<jiff::civil::Date>, LedgerError> {
        row.opt_text(i)?
            .map(|t| {
                t.parse()
                    .map_err(|e: jiff::Error| LedgerError::Data(format!("date {t:?}: {e}")))
            })
            .transpose()
    };
    let entry = LedgerEntry {
        parcel_no: row.text(3)?,
        district: row.opt_text(4)?,
        holder: row.opt_text(5)?,
        parcel_area_m2: row.real(6)?,
        idle_land_m2: row.real(7)?,
        idle_building_m2: row.real(8)?,
        kind: parsed(row, 9, "kind", IdleKind::parse)?,
        subtype: row.opt_text(10)?.and_then(|s| IdleSubtype::parse(&s)),
        cause: parsed(row, 11, "cause", CauseClass::parse)?,
        cause_text: row.text(12)?,
        identified_on: date(13)?,
        agreed_start_on: date(14)?,
        idle_since: date(15)?,
        deadline: date(16)?,
        completed_on: date(17)?,
        methods: parsed(row, 18, "methods", |t| serde_json::from_str(t).ok())?,
        method_other: row.text(19)?,
        progress: parsed(row, 20, "progress", Progress::parse)?,
        revitalized_land_m2: row.real(21)?,
        revitalized_building_m2: row.real(22)?,
        new_project: row.text(23)?,
        investment_10k_yuan: row.real(24)?,
        responsible_unit: row.text(25)?,
        notes: row.text(26)?,
    };
    Ok(StoredEntry {
        id: row.int(0)?,
        version: row.int(1)?,
        deleted: row.flag(2)?,
        entry,
        created_at: row.text(27)?,
        created_by: row.text(28)?,
        updated_at: row.text(29)?,
        updated_by: row.text(30)?,
    })
}

/// An event from the columns `id, entry_id, parcel_no, at, operator, action, step,
/// before_json, after_json, reason`.
pub(crate) fn event_from(row: &dyn Cols) -> Result<Event, LedgerError> {
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(Event {
        id: row.int(0)?,
        entry_id: row.int(1)?,
        parcel_no: row.text(2)?,
        at: row.text(3)?,
        operator: row.text(4)?,
        action: row.text(5)?,
        step: row.opt_text(6)?.and_then(|s| Progress::parse(&s)),
        before: parse(row.opt_text(7)?),
        after: parse(row.opt_text(8)?),
        reason: row.opt_text(9)?,
    })
}

/// A figures row from the columns `id, parcel_no, progress, methods, idle_land_m2,
/// revitalized_land_m2, revitalized_building_m2`.
pub(crate) fn case_row_from(row: &dyn Cols) -> Result<CaseRow, LedgerError> {
    use crate::model::DisposalMethod;
    let progress = row.text(2)?;
    let Some(progress) = Progress::parse(&progress) else {
        return Err(LedgerError::Data(format!("unknown progress {progress:?}")));
    };
    // `methods` is a JSON array of codes, e.g. ["leaseback_co_management"].
    let methods = row.text(3)?;
    let methods = methods
        .split('"')
        .skip(1)
        .step_by(2)
        .filter_map(|code| DisposalMethod::ALL.iter().find(|m| m.code() == code))
        .copied()
        .collect();
    Ok(CaseRow {
        id: row.int(0)?,
        parcel_no: row.text(1)?,
        progress,
        methods,
        idle_land_m2: row.real(4)?,
        revitalized_land_m2: row.real(5)?,
        revitalized_building_m2: row.real(6)?,
    })
}

/// An enterprise figure from `enterprise, year, output_10k_yuan, tax_10k_yuan,
/// investment_10k_yuan`.
pub(crate) fn figure_from(row: &dyn Cols) -> Result<EnterpriseFigures, LedgerError> {
    Ok(EnterpriseFigures {
        enterprise: row.text(0)?,
        year: i16::try_from(row.int(1)?)
            .map_err(|_| LedgerError::Data("a year out of range".to_owned()))?,
        output_10k_yuan: row.real(2)?,
        tax_10k_yuan: row.real(3)?,
        investment_10k_yuan: row.real(4)?,
    })
}

/// An entry's column values as text and numbers, as both databases bind them (dates as
/// `YYYY-MM-DD`, methods as a JSON array of codes).
pub(crate) struct EntryColumns<'a> {
    pub entry: &'a LedgerEntry,
    pub kind: &'static str,
    pub cause: &'static str,
    pub progress: &'static str,
    pub subtype: Option<&'static str>,
    pub dates: [Option<String>; 5],
    pub methods: String,
}

impl<'a> EntryColumns<'a> {
    pub fn new(entry: &'a LedgerEntry) -> Self {
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
        Self {
            entry,
            kind: entry.kind.code(),
            cause: entry.cause.code(),
            progress: entry.progress.code(),
            subtype: entry.subtype.map(crate::model::IdleSubtype::code),
            dates: [
                date(entry.identified_on),
                date(entry.agreed_start_on),
                date(entry.idle_since),
                date(entry.deadline),
                date(entry.completed_on),
            ],
            methods: serde_json::to_string(&entry.methods).unwrap_or_else(|_| "[]".to_owned()),
        }
    }
}
