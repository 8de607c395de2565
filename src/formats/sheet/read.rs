//! Reading a table the office edited in Excel: the cells of an xlsx (or xls, xlsb, ods)
//! workbook through calamine, or a CSV file (UTF-8 with or without a byte-order mark, or
//! GB18030 as Chinese Excel saves "CSV"), with the spreadsheet row numbers a user sees.
//!
//! The importers on top (`ledger::import`, `ledger::enterprise`) find their header row by its
//! text and report every problem as a [`Problem`] naming the row and the column.

use crate::model::{Lang, Text};
use std::path::Path;

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetCell {
    Empty,
    Text(String),
    Number(f64),
    Date(jiff::civil::Date),
    /// A cell that Excel shows as an error (`#VALUE!`, `#REF!`, …) or cannot be read.
    Error(String),
}

impl SheetCell {
    /// Empty, or text of only whitespace.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, trimmed: numbers in their shortest form (`12.5`, `3000`), dates as
    /// `YYYY-MM-DD`.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => text.trim().to_owned(),
            Self::Number(value) => format!("{value}"),
            Self::Date(date) => date.to_string(),
            Self::Error(error) => error.clone(),
        }
    }

    /// A number: a numeric cell, or text such as `1,234.5` (blank is `None`).
    pub fn number(&self) -> Result<Option<f64>, String> {
        match self {
            Self::Number(value) if value.is_finite() => Ok(Some(*value)),
            Self::Number(value) => Err(format!("{value}")),
            Self::Text(text) => {
                let cleaned: String = text
                    .trim()
                    .chars()
                    .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{a0}'))
                    .collect();
                if cleaned.is_empty() {
                    return Ok(None);
                }
                match cleaned.parse::<f64>() {
                    Ok(value) if value.is_finite() => Ok(Some(value)),
                    _ => Err(text.trim().to_owned()),
                }
            }
            Self::Empty => Ok(None),
            Self::Date(date) => Err(date.to_string()),
            Self::Error(error) => Err(error.clone()),
        }
    }

    /// A civil date: a date cell, or text `2025-12-31`, `2025/12/31`, `2025.12.31` or
    /// `2025年12月31日` (a time of day after it is ignored). Blank is `None`.
    pub fn date(&self) -> Result<Option<jiff::civil::Date>, String> {
        match self {
            Self::Date(date) => Ok(Some(*date)),
            Self::Empty => Ok(None),
            Self::Text(text) if text.trim().is_empty() => Ok(None),
            Self::Text(text) => parse_date(text)
                .map(Some)
                .ok_or_else(|| text.trim().to_owned()),
            other => Err(other.text()),
        }
    }
}

/// Reads the date forms an office types; `None` when the text is not one of them.
fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    let text = text.trim();
    // The date part: up to a space or 'T' that starts a time of day.
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    let groups: Vec<&str> = date_part
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|g| !g.is_empty())
        .collect();
    let [year, month, day] = groups.as_slice() else {
        return None;
    };
    if year.len() != 4 {
        return None;
    }
    jiff::civil::Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

/// One row with its number as the spreadsheet shows it (the first row is 1). Only the cells
/// that hold something are kept, by column: a file naming a cell far to the right or far
/// down costs that one cell, not the empty ones before it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub number: usize,
    /// (zero-based column, cell), by column; no empty cells.
    cells: Vec<(usize, SheetCell)>,
}

impl SheetRow {
    /// A row of cells from column A on.
    #[must_use]
    pub fn new(number: usize, cells: impl IntoIterator<Item = SheetCell>) -> Self {
        Self::from_columns(number, cells.into_iter().enumerate())
    }

    /// A row of cells with their zero-based columns, in any order (a later cell in the same
    /// column replaces an earlier one).
    #[must_use]
    pub fn from_columns(
        number: usize,
        cells: impl IntoIterator<Item = (usize, SheetCell)>,
    ) -> Self {
        let mut cells: Vec<(usize, SheetCell)> = cells
            .into_iter()
            .filter(|(_, cell)| *cell != SheetCell::Empty)
            .collect();
        cells.sort_by_key(|(column, _)| *column);
        cells.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        Self { number, cells }
    }

    /// The cell in column `index` (empty where the row has none).
    #[must_use]
    pub fn cell(&self, index: usize) -> &SheetCell {
        self.cells
            .binary_search_by_key(&index, |(column, _)| *column)
            .map_or(&SheetCell::Empty, |i| &self.cells[i].1)
    }

    /// The cells that hold something, with their zero-based columns, left to right.
    pub fn cells(&self) -> impl Iterator<Item = (usize, &SheetCell)> {
        self.cells.iter().map(|(column, cell)| (*column, cell))
    }

    /// Every cell blank.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, cell)| cell.is_blank())
    }
}

/// One worksheet (a CSV file is one sheet named after the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<SheetRow>,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a workbook Parkland can read ({detail}); save it as .xlsx or .csv")]
    Workbook { path: String, detail: String },
    #[error("{path}, row {row}: {detail}")]
    Csv {
        path: String,
        row: usize,
        detail: String,
    },
}

/// How many rows from the top of a sheet are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// The first sheet with a header row near the top: a row with a cell `is_key` accepts (the
/// column that names the table, e.g. 宗地编号 or 企业名称). The sheet and the row's index.
pub fn find_header(sheets: &[Sheet], is_key: impl Fn(&str) -> bool) -> Option<(&Sheet, usize)> {
    sheets.iter().find_map(|sheet| {
        sheet
            .rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|row| row.cells().any(|(_, c)| is_key(&c.text())))
            .map(|index| (sheet, index))
    })
}

/// Reads every worksheet of an xlsx/xls/xlsb/ods workbook, or a `.csv` file as one sheet.
pub fn read_sheets(path: &Path) -> Result<Vec<Sheet>, SheetError> {
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"));
    if is_csv {
        read_csv(path).map(|sheet| vec![sheet])
    } else {
        // calamine 0.38 panics on some damaged workbooks (arithmetic overflow in its cell
        // reference parser, found by fuzzing: `fuzz/`, FUZZING.md). A damaged file must get a
        // message naming it, never end the program: its panic becomes this file's error.
        std::panic::catch_unwind(|| read_workbook(path)).unwrap_or_else(|panic| {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the reader failed".to_owned());
            Err(SheetError::Workbook {
                path: path.display().to_string(),
                detail: format!("the workbook is damaged: {detail}"),
            })
        })
    }
}

/// Excel's sheet has 1,048,576 rows and 16,384 columns: a cell beyond them is damage.
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;
/// Cells read from one workbook at most (a ledger of 100,000 cases is about 1.5 million): a
/// small compressed file can hold far more, and they would all be kept in memory.
const MAX_CELLS: usize = 20_000_000;

fn read_workbook(path: &Path) -> Result<Vec<Sheet>, SheetError> {
    use calamine::{Reader as _, Sheets};
    let shown = path.display().to_string();
    if let Err(source) = std::fs::metadata(path) {
        return Err(SheetError::Io {
            path: shown,
            source,
        });
    }
    let damaged = |detail: String| SheetError::Workbook {
        path: shown.clone(),
        detail,
    };
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| damaged(e.to_string()))?;
    let mut sheets = Vec::new();
    let mut cells = SheetCells::default();
    for name in workbook.sheet_names() {
        let in_sheet = |e: &dyn std::fmt::Display| damaged(format!("sheet {name}: {e}"));
        // xlsx and xlsb are read cell by cell: their declared dimensions (which a damaged
        // or hostile file can set to millions of rows) allocate nothing.
        let rows = match &mut workbook {
            Sheets::Xlsx(xlsx) => {
                let mut reader = xlsx
                    .worksheet_cells_reader(&name)
                    .map_err(|e| in_sheet(&e))?;
                cells
                    .read(|| Ok(reader.next_cell()?.as_ref().map(owned)))
                    .map_err(|e: ReadError<_>| in_sheet(&e))?
            }
            Sheets::Xlsb(xlsb) => {
                let mut reader = xlsb
                    .worksheet_cells_reader(&name)
                    .map_err(|e| in_sheet(&e))?;
                cells
                    .read(|| Ok(reader.next_cell()?.as_ref().map(owned)))
                    .map_err(|e: ReadError<_>| in_sheet(&e))?
            }
            other => {
                let range = other.worksheet_range(&name).map_err(|e| in_sheet(&e))?;
                let (first_row, first_col) = range.start().unwrap_or((0, 0));
                let mut used = range.used_cells().map(|(row, col, value)| {
                    let at = (first_row + row as u32, first_col + col as u32);
                    (at, sheet_cell(value))
                });
                cells
                    .read(|| Ok(used.next()))
                    .map_err(|e: ReadError<std::convert::Infallible>| in_sheet(&e))?
            }
        };
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// Cells gathered into rows, counting them across the workbook.
#[derive(Default)]
struct SheetCells {
    count: usize,
}

impl SheetCells {
    /// The rows of one sheet from its cells, in any order.
    fn read<E: std::fmt::Display>(
        &mut self,
        mut next: impl FnMut() -> Result<Option<((u32, u32), SheetCell)>, ReadError<E>>,
    ) -> Result<Vec<SheetRow>, ReadError<E>> {
        let mut rows: std::collections::BTreeMap<u32, Vec<(usize, SheetCell)>> =
            std::collections::BTreeMap::new();
        while let Some(((row, column), value)) = next()? {
            if row >= EXCEL_ROWS || column >= EXCEL_COLUMNS {
                return Err(ReadError::Limit(format!(
                    "a cell at row {}, column {} lies outside Excel's sheet of {EXCEL_ROWS} rows and {EXCEL_COLUMNS} columns",
                    u64::from(row) + 1,
                    u64::from(column) + 1
                )));
            }
            if value == SheetCell::Empty {
                continue;
            }
            self.count += 1;
            if self.count > MAX_CELLS {
                return Err(ReadError::Limit(format!(
                    "more than {MAX_CELLS} cells; Parkland reads tables up to that size"
                )));
            }
            rows.entry(row).or_default().push((column as usize, value));
        }
        Ok(rows
            .into_iter()
            .map(|(row, cells)| SheetRow::from_columns(row as usize + 1, cells))
            .collect())
    }
}

/// Why a sheet's cells could not be read: the reader's error, or a limit.
#[derive(Debug, thiserror::Error)]
enum ReadError<E: std::fmt::Display> {
    #[error("{0}")]
    Reader(E),
    #[error("{0}")]
    Limit(String),
}

impl<E: std::fmt::Display> From<E> for ReadError<E> {
    fn from(error: E) -> Self {
        Self::Reader(error)
    }
}

/// A cell of a cells reader, with its position, as the importers read it.
fn owned(cell: &calamine::Cell<calamine::DataRef<'_>>) -> ((u32, u32), SheetCell) {
    let value = calamine::Data::from(cell.get_value().clone());
    (cell.get_position(), sheet_cell(&value))
}

/// A workbook's cell as the importers read it.
fn sheet_cell(value: &calamine::Data) -> SheetCell {
    use calamine::Data;
    match value {
        Data::Empty => SheetCell::Empty,
        Data::String(text) | Data::DurationIso(text) => SheetCell::Text(text.clone()),
        Data::Float(value) => SheetCell::Number(*value),
        Data::Int(value) => SheetCell::Number(*value as f64),
        Data::Bool(value) => SheetCell::Text(value.to_string()),
        Data::DateTime(datetime) => {
            let (y, m, d, ..) = datetime.to_ymd_hms_milli();
            i16::try_from(y)
                .ok()
                .and_then(|y| {
                    jiff::civil::Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
                })
                .map_or_else(
                    || SheetCell::Error(format!("date {}", datetime.as_f64())),
                    SheetCell::Date,
                )
        }
        Data::DateTimeIso(text) => {
            parse_date(text).map_or_else(|| SheetCell::Text(text.clone()), SheetCell::Date)
        }
        Data::Error(error) => SheetCell::Error(error.to_string()),
    }
}

fn read_csv(path: &Path) -> Result<Sheet, SheetError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| SheetError::Io {
        path: shown.clone(),
        source,
    })?;
    let text = decode(&bytes);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SheetError::Csv {
            path: shown.clone(),
            row: i + 1,
            detail: e.to_string(),
        })?;
        rows.push(SheetRow::new(
            i + 1,
            record.iter().map(|field| {
                if field.trim().is_empty() {
                    SheetCell::Empty
                } else {
                    SheetCell::Text(field.to_owned())
                }
            }),
        ));
    }
    let name = path
        .file_stem()
        .map_or_else(|| shown.clone(), |s| s.to_string_lossy().into_owned());
    Ok(Sheet { name, rows })
}

/// UTF-8 (a byte-order mark dropped), else GB18030, the encoding of Chinese Excel's "CSV".
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// A header's text reduced for matching: no whitespace, ASCII parentheses, lower case.
#[must_use]
pub fn normalize_header(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a header cell names `known` (e.g. `面积(亩)`): the same text after
/// [`normalize_header`], or the name without its unit (`面积`). A different unit
/// (`面积(平方米)`) does not match.
#[must_use]
pub fn header_matches(cell: &str, known: &str) -> bool {
    let (cell, known) = (normalize_header(cell), normalize_header(known));
    if cell.is_empty() {
        return false;
    }
    cell == known || known.split('(').next().is_some_and(|base| base == cell)
}

/// Column index of each known column in a header row. A header given twice is a problem; a
/// header that is no known column is a note (`ignored` says, in both languages, what the
/// file was expected to be).
pub fn map_header<C: Copy + Eq + std::hash::Hash>(
    header: &SheetRow,
    header_row: usize,
    find: impl Fn(&str) -> Option<C>,
    ignored: (&str, &str),
    problems: &mut Vec<Problem>,
    notes: &mut Vec<Problem>,
) -> std::collections::HashMap<C, usize> {
    let mut columns = std::collections::HashMap::new();
    for (index, cell) in header.cells() {
        let text = cell.text();
        if text.is_empty() {
            continue;
        }
        match find(&text) {
            Some(column) => {
                if columns.insert(column, index).is_some() {
                    problems.push(Problem::new(
                        Some(header_row),
                        Some(&text),
                        "此列出现两次",
                        "this column is given twice",
                    ));
                }
            }
            None => notes.push(Problem::new(
                Some(header_row),
                Some(&text),
                format!("不是{}的列，已忽略", ignored.0),
                format!("not a column of {}; ignored", ignored.1),
            )),
        }
    }
    columns
}

/// A problem with the file, a row or a cell, with its place and a message in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The spreadsheet row (1 = first row); `None` for the file as a whole.
    pub row: Option<usize>,
    /// The column's header, as the file or the county table names it.
    pub column: Option<String>,
    pub text: Text,
}

impl Problem {
    #[must_use]
    pub fn new(
        row: Option<usize>,
        column: Option<&str>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            row,
            column: column.map(str::to_owned),
            text: Text::new(zh, en),
        }
    }

    #[must_use]
    pub fn message(&self, lang: Lang) -> &str {
        self.text.get(lang)
    }

    /// Where the problem is: `row 7, column 处置方式`.
    #[must_use]
    pub fn place(&self) -> String {
        match (self.row, &self.column) {
            (Some(row), Some(column)) => format!("row {row}, column {column}"),
            (Some(row), None) => format!("row {row}"),
            (None, Some(column)) => format!("column {column}"),
            (None, None) => String::new(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = self.place();
        if place.is_empty() {
            write!(f, "{}", self.text)
        } else {
            write!(f, "{place}: {}", self.text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn numbers_and_dates_are_read_the_way_offices_type_them() {
        let text = |t: &str| SheetCell::Text(t.to_owned());
        assert_eq!(text(" 1,234.5 ").number(), Ok(Some(1234.5)));
        assert_eq!(text("").number(), Ok(None));
        assert_eq!(text("12亩").number(), Err("12亩".to_owned()));
        assert_eq!(SheetCell::Number(f64::NAN).number().ok(), None);
        for typed in ["2025-12-31", "2025/12/31", "2025.12.31", "2025年12月31日"] {
            assert_eq!(text(typed).date(), Ok(Some(date(2025, 12, 31))), "{typed}");
        }
        assert_eq!(
            text("2025-12-31 00:00:00").date(),
            Ok(Some(date(2025, 12, 31)))
        );
        assert!(text("2025-02-30").date().is_err());
        assert!(text("31/12/25").date().is_err());
        assert_eq!(SheetCell::Empty.date(), Ok(None));
    }

    #[test]
    fn headers_match_with_full_width_brackets_or_without_their_unit() {
        assert!(header_matches("面积（亩）", "面积(亩)"));
        assert!(header_matches(" 面积 ", "面积(亩)"));
        assert!(header_matches("Tax", "tax"));
        assert!(!header_matches("面积(平方米)", "面积(亩)"));
        assert!(!header_matches("", "面积(亩)"));
    }

    #[test]
    fn gb18030_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("宗地编号,片区\n");
        assert_eq!(decode(&bytes), "宗地编号,片区\n");
        assert_eq!(decode(b"\xEF\xBB\xBFa,b"), "a,b");
    }
}
