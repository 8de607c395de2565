//! Importing the county ledger table — the layout `parkland ledger export` writes — from xlsx
//! or CSV, in two steps:
//!
//! 1. [`preview`] reads the file, finds the header row by its Chinese text, matches every row
//!    to its parcel and its case by 宗地编号, and returns a plain [`LedgerImportPreview`]: every
//!    row with its proposed [`RowAction`] (new case, update, unchanged), the cells that change,
//!    and every [`Problem`] with its row and column. Nothing is written.
//! 2. [`LedgerImportPreview::apply`] writes every new and changed row in one transaction
//!    ([`Ledger::import_rows`]), each with its `import` event — and refuses to write anything
//!    while any row has a problem.
//!
//! The table is lossy (areas in 亩 to two decimals; dates of identification, idle since and
//! so on are not in it), so a row of an existing case only changes the cells whose text
//! differs from what the export would write for the stored case; everything else keeps its
//! stored value. An exported ledger read back is therefore "unchanged" on every row. A
//! blank 片区, 土地使用权人 or 面积(亩) means "as recorded" (for a new case: the parcel's);
//! blank 盘活 areas are 0; a blank text column clears the text.

use super::{ImportUpdate, Ledger, LedgerError, StoredEntry};
use crate::export::{LEDGER_HEADERS, entry_row};
use crate::formats::sheet::Cell;
use crate::formats::sheet::{
    Problem, Sheet, SheetCell, SheetError, SheetRow, header_matches, read_sheets,
};
use crate::model::{
    CauseClass, DisposalMethod, Field, IdleKind, IdleSubtype, Lang, LedgerEntry, Parcel, Park,
    Progress,
};
use crate::units::m2_from_mu;
use std::collections::HashMap;
use std::path::Path;

/// How many rows from the top are searched for the header row.
pub use crate::formats::sheet::HEADER_SEARCH_ROWS;

/// A column of the county table, in the export's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Serial,
    ParcelNo,
    District,
    Holder,
    IdleLand,
    Kind,
    Cause,
    Methods,
    Progress,
    RevitalizedLand,
    RevitalizedBuilding,
    NewProject,
    ResponsibleUnit,
    Deadline,
    Notes,
}

impl Column {
    /// Every column, in the order of [`LEDGER_HEADERS`].
    pub const ALL: [Self; 15] = [
        Self::Serial,
        Self::ParcelNo,
        Self::District,
        Self::Holder,
        Self::IdleLand,
        Self::Kind,
        Self::Cause,
        Self::Methods,
        Self::Progress,
        Self::RevitalizedLand,
        Self::RevitalizedBuilding,
        Self::NewProject,
        Self::ResponsibleUnit,
        Self::Deadline,
        Self::Notes,
    ];

    /// The header the export writes, e.g. `处置方式`.
    #[must_use]
    pub fn header(self) -> &'static str {
        LEDGER_HEADERS.get(self as usize).copied().unwrap_or("")
    }

    /// The column a validation message stands beside, if the table has one.
    #[must_use]
    pub fn for_field(field: Field) -> Option<Self> {
        match field {
            Field::ParcelNo => Some(Self::ParcelNo),
            Field::IdleLand => Some(Self::IdleLand),
            Field::Subtype => Some(Self::Kind),
            Field::Deadline => Some(Self::Deadline),
            Field::Methods | Field::MethodOther => Some(Self::Methods),
            Field::Progress => Some(Self::Progress),
            Field::RevitalizedLand => Some(Self::RevitalizedLand),
            Field::RevitalizedBuilding => Some(Self::RevitalizedBuilding),
            Field::IdleBuilding
            | Field::IdentifiedOn
            | Field::IdleSince
            | Field::CompletedOn
            | Field::Investment => None,
        }
    }
}

/// What an import would do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// A new case for a parcel that has none.
    Create,
    /// Changes to the case `id`, read at `version`.
    Update { id: i64, version: i64 },
    /// The row says what the case `id` already says.
    Unchanged { id: i64 },
}

impl RowAction {
    #[must_use]
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Create, Lang::Zh) => "新增",
            (Self::Create, Lang::En) => "new case",
            (Self::Update { .. }, Lang::Zh) => "更新",
            (Self::Update { .. }, Lang::En) => "update",
            (Self::Unchanged { .. }, Lang::Zh) => "无变化",
            (Self::Unchanged { .. }, Lang::En) => "unchanged",
        }
    }
}

/// A cell of an existing case that the file changes: its text in the ledger and in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    pub column: Column,
    pub before: String,
    pub after: String,
}

/// One data row of the file with what the import would do with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewRow {
    /// The spreadsheet row (1 = the first row of the sheet).
    pub row: usize,
    pub parcel_no: String,
    pub action: RowAction,
    /// For updates: the cells that change.
    pub changes: Vec<CellChange>,
    /// Everything wrong with the row; the import writes nothing while any row has one.
    pub problems: Vec<Problem>,
    /// The case as it would be written, when the row could be read.
    pub entry: Option<LedgerEntry>,
    /// The parcel's geometry (GeoJSON) for a new case.
    geometry: Option<String>,
}

/// Counts of a preview (or of what an import wrote).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImportCounts {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub problems: usize,
}

/// What importing a file would do: a table a window can show and the CLI prints.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerImportPreview {
    /// The file as given.
    pub file: String,
    /// The worksheet read (the file name for a CSV).
    pub sheet: String,
    /// The row holding the headers.
    pub header_row: usize,
    pub rows: Vec<PreviewRow>,
    /// Problems of the file as a whole (a column given twice).
    pub problems: Vec<Problem>,
    /// Things worth knowing that block nothing: ignored columns, the totals row, cases of the
    /// ledger that the file does not mention (they are left as they are).
    pub notes: Vec<Problem>,
}

/// Why an import could not be previewed or applied.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Sheet(#[from] SheetError),
    #[error(
        "{path}: no header row with {wanted} in the first {HEADER_SEARCH_ROWS} rows of any sheet; expected {expected}"
    )]
    NoHeader {
        path: String,
        wanted: String,
        expected: &'static str,
    },
    #[error("{path}: {count} problem(s) in the file; nothing was written")]
    Problems { path: String, count: usize },
    #[error("{path}: {source}")]
    Ledger { path: String, source: LedgerError },
}

impl LedgerImportPreview {
    /// Rows by action, and the number of problems.
    #[must_use]
    pub fn counts(&self) -> ImportCounts {
        let mut counts = ImportCounts {
            rows: self.rows.len(),
            problems: self.problem_count(),
            ..ImportCounts::default()
        };
        for row in &self.rows {
            match row.action {
                RowAction::Create => counts.created += 1,
                RowAction::Update { .. } => counts.updated += 1,
                RowAction::Unchanged { .. } => counts.unchanged += 1,
            }
        }
        counts
    }

    /// Every problem, of the file and of its rows, in row order.
    pub fn all_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .chain(self.rows.iter().flat_map(|r| &r.problems))
    }

    #[must_use]
    pub fn problem_count(&self) -> usize {
        self.all_problems().count()
    }

    /// Writes the new and changed rows in one transaction, each with its `import` event.
    /// Refused, with nothing written, while the preview has a problem, or when a case was
    /// changed by someone else since the preview (preview again).
    pub fn apply(&self, ledger: &mut Ledger, operator: &str) -> Result<ImportCounts, ImportError> {
        let count = self.problem_count();
        if count > 0 {
            return Err(ImportError::Problems {
                path: self.file.clone(),
                count,
            });
        }
        let mut creates = Vec::new();
        let mut updates = Vec::new();
        for row in &self.rows {
            let Some(entry) = &row.entry else { continue };
            match row.action {
                RowAction::Create => creates.push((entry.clone(), row.geometry.clone())),
                RowAction::Update { id, version } => updates.push(ImportUpdate {
                    id,
                    expected_version: version,
                    entry: entry.clone(),
                }),
                RowAction::Unchanged { .. } => {}
            }
        }
        ledger
            .import_rows(&creates, &updates, operator)
            .map_err(|source| ImportError::Ledger {
                path: self.file.clone(),
                source,
            })?;
        Ok(ImportCounts {
            problems: 0,
            ..self.counts()
        })
    }
}

/// Reads a ledger table and says what importing it would do; writes nothing.
pub fn preview(
    path: &Path,
    park: &Park,
    ledger: &Ledger,
) -> Result<LedgerImportPreview, ImportError> {
    let cases = ledger.list().map_err(|source| ImportError::Ledger {
        path: path.display().to_string(),
        source,
    })?;
    preview_against(path, park, &cases)
}

/// Reads a ledger table against the cases given (the window's, as it last read them: the
/// import checks each case's version again when it writes).
pub fn preview_against(
    path: &Path,
    park: &Park,
    cases: &[StoredEntry],
) -> Result<LedgerImportPreview, ImportError> {
    let table = open_table(
        path,
        &TableKind {
            is_key: &|text| header_matches(text, Column::ParcelNo.header()),
            column_of: &|text| {
                Column::ALL
                    .iter()
                    .copied()
                    .find(|c| header_matches(text, c.header()))
            },
            name: ("县台账", "the county ledger table"),
            wanted: Column::ParcelNo.header().to_owned(),
            expected: "the county ledger table (as `parkland ledger export` writes it)",
        },
    )?;
    let mut preview = LedgerImportPreview {
        file: table.file.clone(),
        sheet: table.sheet_name(),
        header_row: table.header_row,
        rows: Vec::new(),
        problems: table.problems.clone(),
        notes: table.notes.clone(),
    };
    let columns = &table.columns;
    if !columns.contains_key(&Column::Progress) {
        // The parcel attribute table has 宗地编号 too; a ledger table always has 处置进度.
        preview.problems.push(Problem::new(
            Some(preview.header_row),
            Some(Column::Progress.header()),
            "缺少“处置进度”列：这不像县台账（请用“导出台账”的表格）",
            "the column 处置进度 is missing: this does not look like the county ledger table (use the table `parkland ledger export` writes)",
        ));
    }

    let parcels: HashMap<&str, &Parcel> = park
        .parcels
        .iter()
        .map(|p| (p.parcel_no.as_str(), p))
        .collect();
    let mut cases_by_parcel: HashMap<&str, Vec<&StoredEntry>> = HashMap::new();
    for case in cases {
        cases_by_parcel
            .entry(case.entry.parcel_no.as_str())
            .or_default()
            .push(case);
    }
    let context = RowContext {
        park,
        columns,
        parcels: &parcels,
        cases_by_parcel: &cases_by_parcel,
    };
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for row in table.data_rows() {
        if row.is_blank() {
            continue;
        }
        if is_totals_row(row, columns) {
            preview.notes.push(Problem::new(
                Some(row.number),
                None,
                "合计行，已跳过",
                "totals row, skipped",
            ));
            continue;
        }
        let mut preview_row = context.read_row(row);
        if !preview_row.parcel_no.is_empty() {
            if let Some(first) = first_row_of.get(&preview_row.parcel_no) {
                preview_row.problems.push(Problem::new(
                    Some(row.number),
                    Some(Column::ParcelNo.header()),
                    format!(
                        "宗地 {} 在文件中重复（第 {first} 行已有）",
                        preview_row.parcel_no
                    ),
                    format!(
                        "parcel {} appears twice in the file (first in row {first})",
                        preview_row.parcel_no
                    ),
                ));
            } else {
                first_row_of.insert(preview_row.parcel_no.clone(), row.number);
            }
        }
        preview.rows.push(preview_row);
    }
    let untouched = cases
        .iter()
        .filter(|c| !first_row_of.contains_key(&c.entry.parcel_no))
        .count();
    if untouched > 0 {
        preview.notes.push(Problem::new(
            None,
            None,
            format!("台账中有 {untouched} 宗案件不在文件中，保持不变"),
            format!(
                "{untouched} case(s) of the ledger are not in the file; they are left as they are"
            ),
        ));
    }
    Ok(preview)
}

/// A table found in a workbook: the first sheet with the table's header row near the top,
/// its columns mapped from their headers, and the problems and notes of that mapping. The
/// first steps every spreadsheet import shares (the ledger's and the enterprise figures').
pub(super) struct OpenTable<C> {
    pub file: String,
    pub sheets: Vec<Sheet>,
    pub sheet: usize,
    /// The header row's index in the sheet's rows, and its spreadsheet row number.
    pub header_index: usize,
    pub header_row: usize,
    pub columns: HashMap<C, usize>,
    pub problems: Vec<Problem>,
    pub notes: Vec<Problem>,
}

impl<C> OpenTable<C> {
    /// The name of the sheet read.
    pub fn sheet_name(&self) -> String {
        self.sheets
            .get(self.sheet)
            .map_or_else(String::new, |s| s.name.clone())
    }

    /// The rows under the header.
    pub fn data_rows(&self) -> impl Iterator<Item = &SheetRow> {
        self.sheets
            .get(self.sheet)
            .into_iter()
            .flat_map(|s| s.rows.iter().skip(self.header_index + 1))
    }
}

/// What a table is, for [`open_table`]: the header that identifies it, how each header maps
/// to a column, its name (zh, en) for notes, and what the user should give instead.
pub(super) struct TableKind<'a, C> {
    pub is_key: &'a dyn Fn(&str) -> bool,
    pub column_of: &'a dyn Fn(&str) -> Option<C>,
    pub name: (&'static str, &'static str),
    pub wanted: String,
    pub expected: &'static str,
}

/// Reads a workbook or CSV and finds the table in it.
pub(super) fn open_table<C: Copy + Eq + std::hash::Hash>(
    path: &Path,
    kind: &TableKind<'_, C>,
) -> Result<OpenTable<C>, ImportError> {
    let file = path.display().to_string();
    let sheets = read_sheets(path)?;
    // The first sheet with the key header near its top, and that header's row.
    let found = sheets.iter().enumerate().find_map(|(index, sheet)| {
        crate::formats::sheet::find_header(std::slice::from_ref(sheet), kind.is_key)
            .map(|(_, header)| (index, header))
    });
    let Some((sheet, header_index)) = found else {
        return Err(ImportError::NoHeader {
            path: file,
            wanted: kind.wanted.clone(),
            expected: kind.expected,
        });
    };
    let header = sheets[sheet].rows.get(header_index);
    let header_row = header.map_or(1, |r| r.number);
    let (mut problems, mut notes) = (Vec::new(), Vec::new());
    let columns = header.map_or_else(HashMap::new, |header| {
        crate::formats::sheet::map_header(
            header,
            header_row,
            kind.column_of,
            kind.name,
            &mut problems,
            &mut notes,
        )
    });
    Ok(OpenTable {
        file,
        sheets,
        sheet,
        header_index,
        header_row,
        columns,
        problems,
        notes,
    })
}

/// The export's totals row: 合计 in the first column, or `13 宗` as the parcel number.
fn is_totals_row(row: &SheetRow, columns: &HashMap<Column, usize>) -> bool {
    let text = |column: Column| {
        columns
            .get(&column)
            .map(|&i| row.cell(i).text())
            .unwrap_or_default()
    };
    let serial = text(Column::Serial);
    let parcel = text(Column::ParcelNo);
    ["合计", "总计", "小计"]
        .iter()
        .any(|w| serial.starts_with(w) || parcel.starts_with(w))
        || parcel
            .strip_suffix('宗')
            .is_some_and(|n| n.trim().parse::<usize>().is_ok())
}

struct RowContext<'a> {
    park: &'a Park,
    columns: &'a HashMap<Column, usize>,
    parcels: &'a HashMap<&'a str, &'a Parcel>,
    cases_by_parcel: &'a HashMap<&'a str, Vec<&'a StoredEntry>>,
}

/// One row being read: the proposed case and what was found wrong.
struct RowReader<'a> {
    row: &'a SheetRow,
    problems: Vec<Problem>,
}

impl RowReader<'_> {
    fn problem(&mut self, column: Column, zh: impl Into<String>, en: impl Into<String>) {
        self.problems.push(Problem::new(
            Some(self.row.number),
            Some(column.header()),
            zh,
            en,
        ));
    }
}

impl RowContext<'_> {
    fn cell<'r>(&self, row: &'r SheetRow, column: Column) -> Option<&'r SheetCell> {
        self.columns.get(&column).map(|&i| row.cell(i))
    }

    fn read_row(&self, row: &SheetRow) -> PreviewRow {
        let mut reader = RowReader {
            row,
            problems: Vec::new(),
        };
        let parcel_no = self
            .cell(row, Column::ParcelNo)
            .map(SheetCell::text)
            .unwrap_or_default();
        let mut result = PreviewRow {
            row: row.number,
            parcel_no: parcel_no.clone(),
            action: RowAction::Create,
            changes: Vec::new(),
            problems: Vec::new(),
            entry: None,
            geometry: None,
        };
        if parcel_no.is_empty() {
            reader.problem(
                Column::ParcelNo,
                "缺少宗地编号",
                "the parcel number is missing",
            );
            result.problems = reader.problems;
            return result;
        }
        let parcel = self.parcels.get(parcel_no.as_str()).copied();
        let cases = self
            .cases_by_parcel
            .get(parcel_no.as_str())
            .map_or(&[][..], Vec::as_slice);
        let (entry, stored) = match (cases, parcel) {
            ([], None) => {
                reader.problem(
                    Column::ParcelNo,
                    format!("加载的宗地中没有 {parcel_no}，台账中也没有它的案件"),
                    format!(
                        "no parcel {parcel_no} in the loaded park and no case for it in the ledger"
                    ),
                );
                result.problems = reader.problems;
                return result;
            }
            ([], Some(parcel)) => {
                result.geometry = Some(geojson::GeometryValue::from(&parcel.geometry).to_string());
                (new_case(parcel), None)
            }
            ([case], _) => (case.entry.clone(), Some(*case)),
            (many, _) => {
                let ids: Vec<String> = many.iter().map(|c| c.id.to_string()).collect();
                reader.problem(
                    Column::ParcelNo,
                    format!(
                        "台账中宗地 {parcel_no} 有 {} 宗案件（{}），无法判断本行对应哪一宗；请在窗口中修改",
                        many.len(),
                        ids.join("、")
                    ),
                    format!(
                        "the ledger has {} cases for parcel {parcel_no} (ids {}); the import cannot tell which one this row is: edit them in the window",
                        many.len(),
                        ids.join(", ")
                    ),
                );
                result.problems = reader.problems;
                return result;
            }
        };
        let mut entry = entry;
        let rendered = stored.map(|s| entry_row(0, &s.entry, self.park));
        for column in Column::ALL {
            if matches!(column, Column::Serial | Column::ParcelNo) {
                continue;
            }
            let file = self.cell(row, column);
            let before = rendered.as_ref().and_then(|r| r.get(column as usize));
            match (file, before) {
                // An existing case keeps what the file does not change.
                (None, Some(_)) => continue,
                (Some(file), Some(before)) if same(before, file) => continue,
                _ => {}
            }
            let blank = SheetCell::Empty;
            let file = file.unwrap_or(&blank);
            self.apply_cell(&mut reader, &mut entry, stored, parcel, column, file);
        }
        if let (Some(stored), Some(before)) = (stored, &rendered) {
            // The changes as the table would show them before and after, so that cells
            // written differently with the same meaning (a district by its code, ASCII
            // brackets) are no change.
            let after = entry_row(0, &entry, self.park);
            for ((column, old), new) in Column::ALL.iter().zip(before).zip(&after).skip(2) {
                let (old, new) = (old.text(), new.text());
                if old != new {
                    result.changes.push(CellChange {
                        column: *column,
                        before: old,
                        after: new,
                    });
                }
            }
            if result.changes.is_empty() {
                entry.clone_from(&stored.entry);
            }
        }
        if reader.problems.is_empty() && (stored.is_none() || !result.changes.is_empty()) {
            for error in entry.validate() {
                let column = Column::for_field(error.field).map(Column::header);
                reader.problems.push(Problem::new(
                    Some(row.number),
                    column,
                    error.text.zh,
                    error.text.en,
                ));
            }
        }
        result.action = match stored {
            None => RowAction::Create,
            Some(s) if result.changes.is_empty() => RowAction::Unchanged { id: s.id },
            Some(s) => RowAction::Update {
                id: s.id,
                version: s.version,
            },
        };
        result.problems = reader.problems;
        result.entry = Some(entry);
        result
    }

    /// Reads one cell into the case, or records why it cannot be read.
    fn apply_cell(
        &self,
        reader: &mut RowReader<'_>,
        entry: &mut LedgerEntry,
        stored: Option<&StoredEntry>,
        parcel: Option<&Parcel>,
        column: Column,
        file: &SheetCell,
    ) {
        let text = file.text();
        match column {
            Column::Serial | Column::ParcelNo => {}
            Column::District => {
                // Blank: the parcel's district (new case) or the one recorded (update).
                if text.is_empty() {
                    return;
                }
                let Some(district) = self
                    .park
                    .districts
                    .iter()
                    .find(|d| d.name == text || d.name_en == text || d.code == text)
                else {
                    let names: Vec<&str> =
                        self.park.districts.iter().map(|d| d.name.as_str()).collect();
                    reader.problem(
                        column,
                        format!("未知片区“{text}”（应为 {}）", names.join("、")),
                        format!("unknown district \"{text}\" (expected {})", names.join(", ")),
                    );
                    return;
                };
                if let Some(parcel_district) = parcel.and_then(|p| p.district.as_deref())
                    && parcel_district != district.code
                {
                    let actual = self.park.district_name(parcel_district);
                    reader.problem(
                        column,
                        format!("宗地 {} 位于{actual}，不在{text}", entry.parcel_no),
                        format!("parcel {} is in {actual}, not in {text}", entry.parcel_no),
                    );
                    return;
                }
                entry.district = Some(district.code.clone());
            }
            Column::Holder => {
                // Blank: the parcel's holder (new case) or the one recorded (update).
                if !text.is_empty() {
                    entry.holder = Some(text);
                }
            }
            Column::IdleLand => {
                // Blank: the parcel's area (new case) or the area recorded (update).
                if let Ok(Some(mu)) = number(reader, column, file) {
                    entry.idle_land_m2 = m2_from_mu(mu);
                }
            }
            Column::RevitalizedLand => {
                if let Ok(mu) = number(reader, column, file) {
                    entry.revitalized_land_m2 = m2_from_mu(mu.unwrap_or(0.0));
                }
            }
            Column::RevitalizedBuilding => {
                if let Ok(m2) = number(reader, column, file) {
                    entry.revitalized_building_m2 = m2.unwrap_or(0.0);
                }
            }
            Column::Kind => match parse_kind(&text) {
                Some((kind, subtype)) => {
                    entry.kind = kind;
                    entry.subtype = subtype;
                }
                None if text.is_empty() => reader.problem(
                    column,
                    "请填写类型（闲置土地、低效用地或闲置厂房）",
                    "the kind is required (闲置土地, 低效用地 or 闲置厂房)",
                ),
                None => reader.problem(
                    column,
                    format!("未知类型“{text}”（应为 闲置土地、低效用地 或 闲置厂房，可加括号注明类别，如 低效用地（建而未投））"),
                    format!("unknown kind \"{text}\" (expected 闲置土地, 低效用地 or 闲置厂房, optionally with its category in brackets, e.g. 低效用地（建而未投）)"),
                ),
            },
            Column::Cause => match parse_cause(&text) {
                Some((cause, cause_text)) => {
                    entry.cause = cause;
                    entry.cause_text = cause_text;
                }
                None if text.is_empty() => reader.problem(
                    column,
                    "请填写闲置原因（政府原因、企业原因、司法查封或其他，可加“：说明”）",
                    "the cause is required (政府原因, 企业原因, 司法查封 or 其他, optionally followed by ：and the details)",
                ),
                None => reader.problem(
                    column,
                    format!("闲置原因“{text}”应以 政府原因、企业原因、司法查封 或 其他 开头（可加“：说明”）"),
                    format!("the cause \"{text}\" must start with 政府原因, 企业原因, 司法查封 or 其他 (optionally followed by ：and the details)"),
                ),
            },
            Column::Methods => match parse_methods(&text) {
                Ok((methods, other)) => {
                    entry.methods = methods;
                    entry.method_other = other;
                }
                Err(unknown) => {
                    let choices: Vec<&str> = DisposalMethod::ALL
                        .iter()
                        .map(|m| m.label(Lang::Zh))
                        .collect();
                    for name in unknown {
                        reader.problem(
                            column,
                            format!("未知处置方式“{name}”（应为 {}）", choices.join("、")),
                            format!(
                                "unknown disposal method \"{name}\" (expected one of {})",
                                choices.join(", ")
                            ),
                        );
                    }
                }
            },
            Column::Progress => Self::read_progress(reader, entry, stored, &text),
            Column::NewProject => entry.new_project = text,
            Column::ResponsibleUnit => entry.responsible_unit = text,
            Column::Notes => entry.notes = text,
            Column::Deadline => match file.date() {
                Ok(date) => entry.deadline = date,
                Err(bad) => reader.problem(
                    column,
                    format!("“{bad}”不是日期（应为 2025-12-31）"),
                    format!("\"{bad}\" is not a date (expected YYYY-MM-DD, e.g. 2025-12-31)"),
                ),
            },
        }
    }

    /// Reads 处置进度, refusing a step the case may not take.
    fn read_progress(
        reader: &mut RowReader<'_>,
        entry: &mut LedgerEntry,
        stored: Option<&StoredEntry>,
        text: &str,
    ) {
        let column = Column::Progress;
        let Some(progress) = Progress::parse(text) else {
            let choices: Vec<&str> = Progress::ALL.iter().map(|p| p.label(Lang::Zh)).collect();
            if text.is_empty() {
                reader.problem(
                    column,
                    format!("请填写处置进度（{}）", choices.join("、")),
                    format!("the progress is required ({})", choices.join(", ")),
                );
            } else {
                reader.problem(
                    column,
                    format!("未知处置进度“{text}”（应为 {}）", choices.join("、")),
                    format!(
                        "unknown progress \"{text}\" (expected one of {})",
                        choices.join(", ")
                    ),
                );
            }
            return;
        };
        if let Some(stored) = stored {
            let from = stored.entry.progress;
            if !from.can_move_to(progress) {
                let next: Vec<&str> = Progress::ALL
                    .iter()
                    .filter(|&&p| p != from && from.can_move_to(p))
                    .map(|p| p.label(Lang::Zh))
                    .collect();
                let next_zh = if next.is_empty() {
                    "已结案，不能再改".to_owned()
                } else {
                    format!("只能改为 {}", next.join("、"))
                };
                let next_en = if next.is_empty() {
                    "the case is closed".to_owned()
                } else {
                    format!("allowed next: {}", next.join(", "))
                };
                reader.problem(
                    column,
                    format!(
                        "处置进度不能从“{}”改为“{}”（{next_zh}）",
                        from.label(Lang::Zh),
                        progress.label(Lang::Zh)
                    ),
                    format!(
                        "progress cannot move from {} to {} ({next_en})",
                        from.label(Lang::Zh),
                        progress.label(Lang::Zh)
                    ),
                );
                return;
            }
        }
        entry.progress = progress;
    }
}

/// A new case for a parcel, as `ledger add` and the window's form start one.
fn new_case(parcel: &Parcel) -> LedgerEntry {
    LedgerEntry {
        parcel_no: parcel.parcel_no.clone(),
        district: parcel.district.clone(),
        holder: parcel.holder.clone(),
        parcel_area_m2: parcel.area_m2,
        idle_land_m2: parcel.area_m2,
        ..LedgerEntry::default()
    }
}

/// Whether a file cell says what the export wrote for the stored case: the same text, or
/// the same number at the column's decimals (a blank number cell is 0).
fn same(rendered: &Cell, file: &SheetCell) -> bool {
    match rendered {
        Cell::Text(text) => file.text() == text.trim(),
        Cell::Number(value, decimals) => match file.number() {
            Ok(number) => {
                let decimals = *decimals;
                format!("{:.decimals$}", number.unwrap_or(0.0)) == format!("{value:.decimals$}")
            }
            Err(_) => false,
        },
    }
}

/// A number cell: `Ok(None)` when blank, `Err` after recording the problem.
fn number(reader: &mut RowReader<'_>, column: Column, file: &SheetCell) -> Result<Option<f64>, ()> {
    match file.number() {
        Ok(value) => Ok(value),
        Err(bad) => {
            reader.problem(
                column,
                format!("“{bad}”不是数字"),
                format!("\"{bad}\" is not a number"),
            );
            Err(())
        }
    }
}

/// Full-width brackets as ASCII ones.
fn ascii_brackets(text: &str) -> String {
    text.replace('（', "(").replace('）', ")")
}

/// `低效用地（建而未投）`, `低效用地` or just `建而未投` → kind and category.
fn parse_kind(text: &str) -> Option<(IdleKind, Option<IdleSubtype>)> {
    let text = ascii_brackets(text);
    let text = text.trim();
    if let Some((kind, rest)) = text.split_once('(') {
        let subtype = rest.trim().strip_suffix(')')?;
        return Some((IdleKind::parse(kind)?, Some(IdleSubtype::parse(subtype)?)));
    }
    IdleKind::parse(text)
        .map(|kind| (kind, None))
        .or_else(|| IdleSubtype::parse(text).map(|s| (s.kind(), Some(s))))
}

/// `企业原因：资金链紧张` or `企业原因` → class and details.
fn parse_cause(text: &str) -> Option<(CauseClass, String)> {
    if let Some((class, details)) = text.split_once(['：', ':'])
        && let Some(class) = CauseClass::parse(class)
    {
        return Some((class, details.trim().to_owned()));
    }
    CauseClass::parse(text).map(|class| (class, String::new()))
}

/// `返租共管、其他（厂房分割出租）` → methods and what 其他 means; the names not known on error.
fn parse_methods(text: &str) -> Result<(Vec<DisposalMethod>, String), Vec<String>> {
    let text = ascii_brackets(text);
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0_usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '、' | ',' | '，' | ';' | '；' | '\n' if depth == 0 => {
                items.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    items.push(current);
    let mut methods = Vec::new();
    let mut other = String::new();
    let mut unknown = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        let (name, details) = match item.split_once('(') {
            Some((name, rest)) if rest.ends_with(')') => {
                (name.trim(), rest.trim_end_matches(')').trim())
            }
            _ => (item, ""),
        };
        match DisposalMethod::parse(name) {
            Some(method) if details.is_empty() || method == DisposalMethod::Other => {
                if method == DisposalMethod::Other && !details.is_empty() {
                    details.clone_into(&mut other);
                }
                if !methods.contains(&method) {
                    methods.push(method);
                }
            }
            _ => unknown.push(item.to_owned()),
        }
    }
    if unknown.is_empty() {
        Ok((methods, other))
    } else {
        Err(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_exports_headers() {
        let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
        assert_eq!(headers, LEDGER_HEADERS.to_vec());
    }

    #[test]
    fn kinds_causes_and_methods_read_back_as_the_export_writes_them() {
        assert_eq!(
            parse_kind("低效用地（建而未投）"),
            Some((
                IdleKind::LowEfficiency,
                Some(IdleSubtype::BuiltNotOperating)
            ))
        );
        assert_eq!(
            parse_kind("闲置土地(开发不足)"),
            Some((IdleKind::Idle, Some(IdleSubtype::Underdeveloped)))
        );
        assert_eq!(parse_kind("闲置厂房"), Some((IdleKind::IdleFactory, None)));
        assert_eq!(
            parse_kind("亩均效益低"),
            Some((IdleKind::LowEfficiency, Some(IdleSubtype::LowYieldPerMu)))
        );
        assert_eq!(parse_kind("低效用地（卖掉）"), None);
        assert_eq!(
            parse_cause("企业原因：企业资金链紧张，项目停建"),
            Some((
                CauseClass::Enterprise,
                "企业资金链紧张，项目停建".to_owned()
            ))
        );
        assert_eq!(
            parse_cause("司法查封"),
            Some((CauseClass::JudicialSeizure, String::new()))
        );
        assert_eq!(parse_cause("资金链紧张"), None);
        assert_eq!(
            parse_methods("租赁转产、其他（厂房分割出租，分两期）"),
            Ok((
                vec![DisposalMethod::LeaseForConversion, DisposalMethod::Other],
                "厂房分割出租，分两期".to_owned()
            ))
        );
        assert_eq!(
            parse_methods("返租共管, legal_buyback"),
            Ok((
                vec![
                    DisposalMethod::LeasebackCoManagement,
                    DisposalMethod::LegalBuyback
                ],
                String::new()
            ))
        );
        assert_eq!(parse_methods(""), Ok((vec![], String::new())));
        assert_eq!(
            parse_methods("返租共管、卖掉"),
            Err(vec!["卖掉".to_owned()])
        );
    }

    #[test]
    fn numbers_compare_at_the_columns_decimals() {
        let number = |v: f64| SheetCell::Number(v);
        let text = |t: &str| SheetCell::Text(t.to_owned());
        assert!(same(&Cell::Number(45.675_123, 2), &number(45.675_123)));
        assert!(same(&Cell::Number(45.676, 2), &text("45.68")));
        assert!(!same(&Cell::Number(45.676, 2), &text("45.67")));
        assert!(same(&Cell::Number(0.0, 2), &SheetCell::Empty));
        assert!(!same(&Cell::Number(1.0, 0), &text("one")));
        assert!(same(&Cell::Text("已认定".into()), &text(" 已认定 ")));
    }
}
