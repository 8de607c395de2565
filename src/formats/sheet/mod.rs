//! Spreadsheets, the tables the office edits in Excel: read ([`read`]: the cells of an xlsx,
//! xls, xlsb or ods workbook through calamine, or a CSV in UTF-8 or GB18030, with the row
//! numbers a user sees, the header found by its text, every problem naming its row and
//! column) and written ([`write`]: a table as CSV with a byte-order mark or as an xlsx
//! workbook).
//!
//! The importers on top (`ledger::import`, `ledger::enterprise`) and the exports
//! (`export::ledger_table`, the report workbook) hold only their own columns and rules.

mod read;
mod write;

pub use read::{
    HEADER_SEARCH_ROWS, Problem, Sheet, SheetCell, SheetError, SheetRow, find_header,
    header_matches, map_header, normalize_header, read_sheets,
};
pub use write::{Cell, SheetTable, write_csv, write_worksheet, write_xlsx};
