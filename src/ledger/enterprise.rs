//! Enterprise figures (企业指标) in the ledger file, and their import from xlsx or CSV.
//!
//! The file has one row per enterprise and year: 企业名称, 年度, 产值(万元), 税收(万元),
//! 投资(万元) (or `enterprise, year, output, tax, investment`). Like the ledger import, a
//! [`preview`] comes first — every row with its problems (row and column), the parcels each
//! enterprise is linked to by holder name, the enterprises no parcel holds — and
//! [`EnterpriseImportPreview::apply`] writes nothing while any row has a problem. Importing
//! replaces the figures of the years the file holds (the statistics office sends a year's
//! table whole; a corrected table replaces the earlier one), in one transaction.
//! Enterprises that no parcel holds are stored too, and reported.

use super::import::ImportError;
use super::{Ledger, LedgerError};
use crate::formats::sheet::{Problem, SheetCell, SheetRow, header_matches};
use crate::model::{EnterpriseFigures, Park};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The columns of an enterprise-figures file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnterpriseColumn {
    Enterprise,
    Year,
    Output,
    Tax,
    Investment,
}

impl EnterpriseColumn {
    pub const ALL: [Self; 5] = [
        Self::Enterprise,
        Self::Year,
        Self::Output,
        Self::Tax,
        Self::Investment,
    ];

    /// The Chinese header, e.g. `税收(万元)`.
    #[must_use]
    pub fn header(self) -> &'static str {
        match self {
            Self::Enterprise => "企业名称",
            Self::Year => "年度",
            Self::Output => "产值(万元)",
            Self::Tax => "税收(万元)",
            Self::Investment => "投资(万元)",
        }
    }

    /// The English header also accepted.
    #[must_use]
    pub fn header_en(self) -> &'static str {
        match self {
            Self::Enterprise => "enterprise",
            Self::Year => "year",
            Self::Output => "output",
            Self::Tax => "tax",
            Self::Investment => "investment",
        }
    }

    fn matches(self, text: &str) -> bool {
        header_matches(text, self.header()) || header_matches(text, self.header_en())
    }
}

/// One data row of an enterprise-figures file.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseRow {
    /// The spreadsheet row (1 = first row).
    pub row: usize,
    /// The figures, when the row could be read.
    pub figures: Option<EnterpriseFigures>,
    /// The parcels whose holder is this enterprise.
    pub parcels: Vec<String>,
    pub problems: Vec<Problem>,
}

/// Counts of an enterprise-figures preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct EnterpriseImportCounts {
    pub rows: usize,
    /// Rows whose enterprise holds at least one parcel.
    pub linked: usize,
    /// Rows whose enterprise holds no parcel (stored, reported).
    pub unknown: usize,
    /// Figures already in the ledger for the file's years, replaced by the import.
    pub replaced: usize,
    pub problems: usize,
}

/// What importing an enterprise-figures file would do.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseImportPreview {
    pub file: String,
    pub sheet: String,
    pub header_row: usize,
    pub rows: Vec<EnterpriseRow>,
    /// Problems of the file as a whole (a missing or repeated column).
    pub problems: Vec<Problem>,
    /// What blocks nothing but should be read: enterprises no parcel holds, ignored columns,
    /// totals rows.
    pub notes: Vec<Problem>,
    /// The years in the file.
    pub years: Vec<i16>,
    /// Figures in the ledger for those years (replaced on import).
    pub replaced: usize,
}

impl EnterpriseImportPreview {
    /// Every problem, of the file and of its rows.
    pub fn all_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .chain(self.rows.iter().flat_map(|r| &r.problems))
    }

    #[must_use]
    pub fn counts(&self) -> EnterpriseImportCounts {
        EnterpriseImportCounts {
            rows: self.rows.len(),
            linked: self.rows.iter().filter(|r| !r.parcels.is_empty()).count(),
            unknown: self
                .rows
                .iter()
                .filter(|r| r.figures.is_some() && r.parcels.is_empty())
                .count(),
            replaced: self.replaced,
            problems: self.all_problems().count(),
        }
    }

    /// The enterprises that no parcel holds, in file order.
    #[must_use]
    pub fn unknown_enterprises(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.parcels.is_empty())
            .filter_map(|r| r.figures.as_ref().map(|f| f.enterprise.as_str()))
            .collect()
    }

    /// Replaces the figures of the file's years in one transaction; refused, with nothing
    /// written, while the preview has a problem.
    pub fn apply(
        &self,
        ledger: &mut Ledger,
        operator: &str,
    ) -> Result<EnterpriseImportCounts, ImportError> {
        let count = self.all_problems().count();
        if count > 0 {
            return Err(ImportError::Problems {
                path: self.file.clone(),
                count,
            });
        }
        let figures: Vec<EnterpriseFigures> =
            self.rows.iter().filter_map(|r| r.figures.clone()).collect();
        let source = Path::new(&self.file)
            .file_name()
            .map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned());
        let replaced = ledger
            .replace_enterprise_figures(&figures, &source, operator)
            .map_err(|source| ImportError::Ledger {
                path: self.file.clone(),
                source,
            })?;
        Ok(EnterpriseImportCounts {
            replaced,
            ..self.counts()
        })
    }
}

/// Reads an enterprise-figures file and says what importing it would do; writes nothing.
pub fn preview(
    path: &Path,
    park: &Park,
    ledger: &Ledger,
) -> Result<EnterpriseImportPreview, ImportError> {
    let mut preview = read_table(path, park)?;
    preview.count_replaced(ledger)?;
    Ok(preview)
}

/// Reads an enterprise-figures file against the park, before the ledger is asked how many
/// figures it would replace ([`EnterpriseImportPreview::count_replaced`]).
pub fn read_table(path: &Path, park: &Park) -> Result<EnterpriseImportPreview, ImportError> {
    let table = super::import::open_table(
        path,
        &super::import::TableKind {
            is_key: &|text| EnterpriseColumn::Enterprise.matches(text),
            column_of: &|text| {
                EnterpriseColumn::ALL
                    .iter()
                    .copied()
                    .find(|c| c.matches(text))
            },
            name: ("企业指标", "the enterprise figures"),
            wanted: format!(
                "{} (or {})",
                EnterpriseColumn::Enterprise.header(),
                EnterpriseColumn::Enterprise.header_en()
            ),
            expected: "enterprise figures: 企业名称, 年度, 产值(万元), 税收(万元), 投资(万元)",
        },
    )?;
    let (shown, header_row, columns) = (table.file.clone(), table.header_row, &table.columns);
    let mut preview = EnterpriseImportPreview {
        file: shown.clone(),
        sheet: table.sheet_name(),
        header_row,
        rows: Vec::new(),
        problems: table.problems.clone(),
        notes: table.notes.clone(),
        years: Vec::new(),
        replaced: 0,
    };
    for column in EnterpriseColumn::ALL {
        if !columns.contains_key(&column) {
            preview.problems.push(Problem::new(
                Some(header_row),
                Some(column.header()),
                format!("缺少“{}”列", column.header()),
                format!(
                    "the column {} (or {}) is missing",
                    column.header(),
                    column.header_en()
                ),
            ));
        }
    }
    if !preview.problems.is_empty() {
        return Ok(preview);
    }

    let mut parcels_of: HashMap<&str, Vec<String>> = HashMap::new();
    for parcel in &park.parcels {
        if let Some(holder) = parcel.holder.as_deref().map(str::trim)
            && !holder.is_empty()
        {
            parcels_of
                .entry(holder)
                .or_default()
                .push(parcel.parcel_no.clone());
        }
    }
    let mut first_row_of: HashMap<(String, i16), usize> = HashMap::new();
    let mut years = BTreeSet::new();
    for row in table.data_rows() {
        if row.is_blank() {
            continue;
        }
        let cell = |column: EnterpriseColumn| {
            columns
                .get(&column)
                .map_or(&SheetCell::Empty, |&i| row.cell(i))
        };
        let name = cell(EnterpriseColumn::Enterprise).text();
        if ["合计", "总计", "小计"].iter().any(|w| name.starts_with(w)) {
            preview.notes.push(Problem::new(
                Some(row.number),
                None,
                "合计行，已跳过",
                "totals row, skipped",
            ));
            continue;
        }
        let mut read = read_row(row, &name, cell);
        if let Some(figures) = &read.figures {
            let key = (figures.enterprise.clone(), figures.year);
            if let Some(first) = first_row_of.get(&key) {
                read.problems.push(Problem::new(
                    Some(row.number),
                    Some(EnterpriseColumn::Enterprise.header()),
                    format!(
                        "{} {} 年的指标在文件中重复（第 {first} 行已有）",
                        key.0, key.1
                    ),
                    format!(
                        "the {} figures of {} appear twice in the file (first in row {first})",
                        key.1, key.0
                    ),
                ));
            } else {
                first_row_of.insert(key, row.number);
            }
            years.insert(figures.year);
            read.parcels = parcels_of
                .get(figures.enterprise.as_str())
                .cloned()
                .unwrap_or_default();
            if read.parcels.is_empty() {
                preview.notes.push(Problem::new(
                    Some(row.number),
                    Some(EnterpriseColumn::Enterprise.header()),
                    format!(
                        "没有土地使用权人为“{}”的宗地：指标照存，但不计入亩均",
                        figures.enterprise
                    ),
                    format!(
                        "no parcel has the holder \"{}\": its figures are stored but count in no per-mu figure",
                        figures.enterprise
                    ),
                ));
            }
        }
        preview.rows.push(read);
    }
    preview.years = years.into_iter().collect();
    Ok(preview)
}

impl EnterpriseImportPreview {
    /// Counts the figures the ledger holds for the file's years (the import replaces them).
    pub fn count_replaced(&mut self, ledger: &Ledger) -> Result<(), ImportError> {
        self.replaced = ledger
            .count_enterprise_figures(&self.years)
            .map_err(|source| ImportError::Ledger {
                path: self.file.clone(),
                source,
            })?;
        Ok(())
    }
}

fn read_row<'r>(
    row: &'r SheetRow,
    name: &str,
    cell: impl Fn(EnterpriseColumn) -> &'r SheetCell,
) -> EnterpriseRow {
    let mut problems = Vec::new();
    let mut problem = |column: EnterpriseColumn, zh: String, en: String| {
        problems.push(Problem::new(
            Some(row.number),
            Some(column.header()),
            zh,
            en,
        ));
    };
    if name.is_empty() {
        problem(
            EnterpriseColumn::Enterprise,
            "缺少企业名称".to_owned(),
            "the enterprise name is missing".to_owned(),
        );
    }
    let year = read_year(cell(EnterpriseColumn::Year));
    if let Err(bad) = &year {
        problem(
            EnterpriseColumn::Year,
            format!("“{bad}”不是年度（应为 2024 这样的四位年份）"),
            format!("\"{bad}\" is not a year (expected four digits, e.g. 2024)"),
        );
    }
    let mut amounts = [0.0; 3];
    for (amount, column) in amounts.iter_mut().zip([
        EnterpriseColumn::Output,
        EnterpriseColumn::Tax,
        EnterpriseColumn::Investment,
    ]) {
        match cell(column).number() {
            Ok(Some(value)) if value >= 0.0 => *amount = value,
            Ok(Some(value)) => problem(
                column,
                format!("{value} 为负数，应 ≥ 0"),
                format!("{value} is negative; expected a number ≥ 0"),
            ),
            // A blank figure is 0, as the statistics tables leave it.
            Ok(None) => {}
            Err(bad) => problem(
                column,
                format!("“{bad}”不是数字"),
                format!("\"{bad}\" is not a number"),
            ),
        }
    }
    let [output, tax, investment] = amounts;
    let figures = match year {
        Ok(year) if problems.is_empty() => Some(EnterpriseFigures {
            enterprise: name.to_owned(),
            year,
            output_10k_yuan: output,
            tax_10k_yuan: tax,
            investment_10k_yuan: investment,
        }),
        _ => None,
    };
    EnterpriseRow {
        row: row.number,
        figures,
        parcels: Vec::new(),
        problems,
    }
}

/// `2024`, `2024.0` or `2024年`, between 1900 and 2100.
fn read_year(cell: &SheetCell) -> Result<i16, String> {
    let value = match cell {
        SheetCell::Number(v) => Some(*v),
        SheetCell::Text(t) => t.trim().trim_end_matches('年').trim().parse::<f64>().ok(),
        _ => None,
    };
    match value {
        Some(v) if v.fract() == 0.0 && (1900.0..=2100.0).contains(&v) => Ok(v as i16),
        _ => Err(cell.text()),
    }
}

impl Ledger {
    /// Replaces the figures of every year in `figures` with `figures`, in one transaction.
    /// Returns how many figures of those years were there before.
    pub fn replace_enterprise_figures(
        &mut self,
        figures: &[EnterpriseFigures],
        source: &str,
        operator: &str,
    ) -> Result<usize, LedgerError> {
        let years: Vec<i16> = figures
            .iter()
            .map(|f| f.year)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        self.transaction(|tx| {
            tx.replace_enterprise_figures(&years, figures, source, operator, &super::now())
        })
    }

    /// The figures of one year, or of every year; by year, then enterprise.
    pub fn enterprise_figures(
        &self,
        year: Option<i16>,
    ) -> Result<Vec<EnterpriseFigures>, LedgerError> {
        self.backend.store().enterprise_figures(year)
    }

    /// The years with figures, oldest first.
    pub fn enterprise_years(&self) -> Result<Vec<i16>, LedgerError> {
        self.backend.store().enterprise_years()
    }

    /// How many figures the ledger holds for these years.
    pub fn count_enterprise_figures(&self, years: &[i16]) -> Result<usize, LedgerError> {
        self.backend.store().count_enterprise_figures(years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_four_digits() {
        assert_eq!(read_year(&SheetCell::Number(2024.0)), Ok(2024));
        assert_eq!(read_year(&SheetCell::Text("2023年".into())), Ok(2023));
        assert!(read_year(&SheetCell::Number(2024.5)).is_err());
        assert!(read_year(&SheetCell::Text("去年".into())).is_err());
        assert!(read_year(&SheetCell::Empty).is_err());
    }

    #[test]
    fn figures_replace_their_year_only() {
        let mut ledger = Ledger::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let figures = |year: i16, tax: f64| EnterpriseFigures {
            enterprise: "甲公司".into(),
            year,
            output_10k_yuan: 100.0,
            tax_10k_yuan: tax,
            investment_10k_yuan: 0.0,
        };
        let write = |ledger: &mut Ledger, f: &[EnterpriseFigures]| {
            ledger
                .replace_enterprise_figures(f, "f.xlsx", "op")
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(
            write(&mut ledger, &[figures(2023, 5.0), figures(2024, 6.0)]),
            0
        );
        assert_eq!(write(&mut ledger, &[figures(2024, 7.0)]), 1);
        let stored = ledger
            .enterprise_figures(None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored, vec![figures(2023, 5.0), figures(2024, 7.0)]);
        assert_eq!(ledger.enterprise_years().ok(), Some(vec![2023, 2024]));
        assert_eq!(ledger.count_enterprise_figures(&[2024]).ok(), Some(1));
    }
}
