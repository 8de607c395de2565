//! Exports the county asks for: the ledger as xlsx and CSV, in its column order; the park
//! report (figures, tables, ledger, map) as xlsx and as a printable A4 PDF.

mod ledger_table;
pub mod pdf;
mod report;

pub use ledger_table::{
    LEDGER_HEADERS, LedgerTable, entry_row, write_ledger_csv, write_ledger_xlsx,
};
pub use report::{
    Figure, MAP_SIZE, Report, ReportError, Table, comparison_tables, figure, report_pdf,
    write_comparison_xlsx, write_report_pdf, write_report_xlsx,
};
