//! Exports the county asks for: the ledger as xlsx and CSV, in its column order.

mod ledger_table;

pub use ledger_table::{
    Cell, LEDGER_HEADERS, LedgerTable, entry_row, write_ledger_csv, write_ledger_xlsx,
};
