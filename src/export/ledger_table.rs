//! The ledger table in the column order a county office uses, with Chinese headers, 亩 to
//! two decimals and a totals row.

use crate::formats::sheet::{Cell, SheetTable};
use crate::ledger::StoredEntry;
use crate::model::{Lang, LedgerEntry, Park};
use crate::units::mu_from_m2;
use std::path::Path;

/// The county's columns, in order.
pub const LEDGER_HEADERS: [&str; 15] = [
    "序号",
    "宗地编号",
    "片区",
    "土地使用权人",
    "面积(亩)",
    "类型",
    "闲置原因",
    "处置方式",
    "处置进度",
    "盘活土地(亩)",
    "盘活厂房(㎡)",
    "引进项目",
    "责任单位",
    "完成时限",
    "备注",
];

/// The ledger as rows of cells, the last row being the totals.
pub struct LedgerTable {
    pub rows: Vec<Vec<Cell>>,
}

impl LedgerTable {
    /// Builds the table; district codes are shown by their Chinese names from `park`.
    #[must_use]
    pub fn new(entries: &[StoredEntry], park: &Park) -> Self {
        // The totals are the ledger figures (`stats::ledger_summary`): a duplicate open case
        // (重复登记) is listed and left out of the totals.
        let live: Vec<&StoredEntry> = entries.iter().filter(|e| !e.deleted).collect();
        let mut rows = Vec::with_capacity(live.len() + 1);
        // A duplicate's row stays as the export writes any case (the import reads it back
        // unchanged); the totals row says how many cases it counts.
        for (i, stored) in live.iter().enumerate() {
            rows.push(entry_row(i + 1, &stored.entry, park));
        }
        let summary = crate::stats::ledger_summary(entries);
        let blank = || Cell::Text(String::new());
        rows.push(vec![
            Cell::Text("合计".to_owned()),
            Cell::Text(format!("{} 宗", summary.entries)),
            blank(),
            blank(),
            Cell::Number(mu_from_m2(summary.idle_area_m2), 2),
            blank(),
            blank(),
            blank(),
            blank(),
            Cell::Number(mu_from_m2(summary.revitalized_land_m2), 2),
            Cell::Number(summary.revitalized_building_m2, 0),
            blank(),
            blank(),
            blank(),
            blank(),
        ]);
        Self { rows }
    }
}

/// One case as a row of the table; `serial` is its 序号. The ledger import compares what a
/// file holds with this rendering to tell changed cells from unchanged ones.
#[must_use]
pub fn entry_row(serial: usize, e: &LedgerEntry, park: &Park) -> Vec<Cell> {
    let district = e
        .district
        .as_deref()
        .map_or_else(String::new, |code| park.district_name(code));
    let kind = match e.subtype {
        Some(subtype) => {
            format!("{}（{}）", e.kind.label(Lang::Zh), subtype.label(Lang::Zh))
        }
        None => e.kind.label(Lang::Zh).to_owned(),
    };
    let cause = if e.cause_text.is_empty() {
        e.cause.label(Lang::Zh).to_owned()
    } else {
        format!("{}：{}", e.cause.label(Lang::Zh), e.cause_text)
    };
    vec![
        Cell::Number(serial as f64, 0),
        Cell::Text(e.parcel_no.clone()),
        Cell::Text(district),
        Cell::Text(e.holder.clone().unwrap_or_default()),
        Cell::Number(mu_from_m2(e.idle_land_m2), 2),
        Cell::Text(kind),
        Cell::Text(cause),
        Cell::Text(e.methods_label(Lang::Zh)),
        Cell::Text(e.progress.label(Lang::Zh).to_owned()),
        Cell::Number(mu_from_m2(e.revitalized_land_m2), 2),
        Cell::Number(e.revitalized_building_m2, 0),
        Cell::Text(e.new_project.clone()),
        Cell::Text(e.responsible_unit.clone()),
        Cell::Text(e.deadline.map(|d| d.to_string()).unwrap_or_default()),
        Cell::Text(e.notes.clone()),
    ]
}

/// Columns wider than Excel's default in the ledger sheet.
const LEDGER_WIDTHS: [(u16, f64); 5] = [(1, 12.0), (3, 28.0), (5, 24.0), (6, 30.0), (7, 16.0)];

impl LedgerTable {
    /// The table as a worksheet named 台账.
    #[must_use]
    pub fn sheet(&self) -> SheetTable<'_> {
        SheetTable {
            name: "台账",
            headers: &LEDGER_HEADERS,
            rows: &self.rows,
            widths: &LEDGER_WIDTHS,
        }
    }
}

/// Writes the table as CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese.
pub fn write_ledger_csv(table: &LedgerTable, path: &Path) -> anyhow::Result<()> {
    crate::formats::sheet::write_csv(path, &LEDGER_HEADERS, &table.rows)
}

/// Writes the table as an Excel workbook with one sheet, 台账.
pub fn write_ledger_xlsx(table: &LedgerTable, path: &Path) -> anyhow::Result<()> {
    crate::formats::sheet::write_xlsx(path, &table.sheet())
}
