//! Writing a table as a spreadsheet: CSV in UTF-8 with a byte-order mark (so that Excel reads
//! the Chinese), or an xlsx workbook (`rust_xlsxwriter`) with bold headers, numbers shown to
//! their decimals and the header row frozen. Each file replaces its target whole or not at
//! all ([`crate::atomic_file`]).

use anyhow::Context as _;
use std::path::Path;

/// One cell: text or a number with its decimals.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, usize),
}

impl Cell {
    /// The cell as the CSV writes it.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Number(v, decimals) => format!("{v:.decimals$}"),
        }
    }
}

/// A table as a worksheet shows it.
pub struct SheetTable<'a> {
    /// The worksheet's name.
    pub name: &'a str,
    pub headers: &'a [&'a str],
    pub rows: &'a [Vec<Cell>],
    /// Columns wider than the default: (column, width in characters).
    pub widths: &'a [(u16, f64)],
}

/// Writes the header and the rows as CSV, UTF-8 with a byte-order mark.
pub fn write_csv(path: &Path, headers: &[&str], rows: &[Vec<Cell>]) -> anyhow::Result<()> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        writer.write_record(headers)?;
        for row in rows {
            writer.write_record(row.iter().map(Cell::text))?;
        }
        writer.flush()?;
    }
    crate::atomic_file::write(path, &bytes).with_context(|| format!("writing {}", path.display()))
}

/// Writes the table as an Excel workbook with one worksheet.
pub fn write_xlsx(path: &Path, table: &SheetTable<'_>) -> anyhow::Result<()> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    write_worksheet(table, workbook.add_worksheet())?;
    let bytes = workbook
        .save_to_buffer()
        .with_context(|| format!("writing {}", path.display()))?;
    crate::atomic_file::write(path, &bytes).with_context(|| format!("writing {}", path.display()))
}

/// Writes the table into a worksheet (also one sheet of a bigger workbook): bold headers on
/// a light blue, numbers to their decimals (whole numbers with thousands separators), the
/// header row frozen.
pub fn write_worksheet(
    table: &SheetTable<'_>,
    sheet: &mut rust_xlsxwriter::Worksheet,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    sheet.set_name(table.name)?;
    let header = Format::new().set_bold().set_background_color("#DDEBF7");
    let mut number_formats: Vec<Format> = Vec::new();
    for (col, title) in (0u16..).zip(table.headers) {
        sheet.write_string_with_format(0, col, *title, &header)?;
    }
    for (row, cells) in (1u32..).zip(table.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) => {
                    sheet.write_string(row, col, text)?;
                }
                Cell::Number(value, decimals) => {
                    if number_formats.len() <= *decimals {
                        number_formats.extend(
                            (number_formats.len()..=*decimals)
                                .map(|d| Format::new().set_num_format(number_format(d))),
                        );
                    }
                    sheet.write_number_with_format(row, col, *value, &number_formats[*decimals])?;
                }
            }
        }
    }
    for &(col, width) in table.widths {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Excel's number format for `decimals` decimals: `#,##0` for whole numbers, `0.00` for two.
fn number_format(decimals: usize) -> String {
    if decimals == 0 {
        "#,##0".to_owned()
    } else {
        format!("0.{}", "0".repeat(decimals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_follow_the_decimals() {
        assert_eq!(number_format(0), "#,##0");
        assert_eq!(number_format(2), "0.00");
        assert_eq!(Cell::Number(1234.5, 2).text(), "1234.50");
        assert_eq!(Cell::Number(44000.0, 0).text(), "44000");
    }
}
