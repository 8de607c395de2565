//! The park report (issue 5): the summary figures, the per-district, per-method and
//! per-progress tables, the ledger and the map, as an Excel workbook or a printable A4 PDF.
//!
//! Every figure comes from [`crate::stats`], the functions behind `parkland summary`, so the
//! report, the CLI and the window agree. The map is [`crate::render`]'s image, with the same
//! classification as the window.

use super::ledger_table::{LEDGER_HEADERS, LedgerTable};
use super::pdf::{A4, HAlign, PdfDoc, PdfError, Rgb, Style};
use crate::formats::sheet::{Cell, write_worksheet};
use crate::ledger::StoredEntry;
use crate::model::{Lang, Park};
use crate::render::{RenderError, RenderRequest, render_map};
use crate::standing::Standing;
use crate::stats::{CaseGroup, cases_by_method, cases_by_progress, ledger_summary, park_summary};
use crate::style::{Classification, StylePreset};
use crate::units::group_thousands;
use crate::units::{km2_from_m2, mu_from_m2};
use std::path::{Path, PathBuf};

/// Size of the map image in the reports (3:2, printed 17 cm wide at about 360 dpi).
pub const MAP_SIZE: (u32, u32) = (2400, 1600);
/// Text and line scale of the report's map: legend text about 7 pt on paper.
const MAP_TEXT_SCALE: f32 = 2.4;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("drawing the map: {0}")]
    Map(#[from] RenderError),
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing the PDF: {0}")]
    Pdf(#[from] PdfError),
    #[error("writing {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One summary figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: f64,
    pub decimals: usize,
    pub unit: String,
}

/// A table with its heading, column heads, rows, totals row and a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    pub note: Option<String>,
}

/// Everything a report shows, computed once and written as xlsx or PDF.
pub struct Report {
    pub lang: Lang,
    pub title: String,
    pub date: jiff::civil::Date,
    /// The park in figures (总体情况).
    pub figures: Vec<Figure>,
    /// Per district, per disposal method, per progress.
    pub tables: Vec<Table>,
    pub ledger: LedgerTable,
    pub map_title: String,
    pub map: tiny_skia::Pixmap,
}

/// The labels of the figures, in order, so that tests and other readers can find them.
pub mod figure {
    pub const PARK_AREA: &str = "园区面积";
    pub const PARCELS: &str = "宗地";
    pub const PARCEL_AREA: &str = "宗地面积";
    /// Parcels idle or low-efficiency now (status from the ledger where a parcel has a case).
    pub const IDLE_PARCELS: &str = "现闲置低效宗地";
    pub const IDLE_AREA: &str = "现闲置低效面积";
    /// Cases registered in the ledger (one open case per parcel counted).
    pub const CASES: &str = "台账登记案件";
    pub const CASE_IDLE_AREA: &str = "登记闲置面积";
    pub const REVITALIZED_LAND: &str = "已盘活土地";
    pub const REVITALIZED_BUILDING: &str = "已盘活厂房";
    pub const REVITALIZED_SHARE: &str = "土地盘活率";
}

impl Report {
    /// Adds the comparison of two dates (`--compare`) after the report's tables.
    pub fn add_comparison(&mut self, comparison: &crate::stats::Comparison) {
        self.tables.extend(comparison_tables(comparison, self.lang));
    }

    /// Builds the report of a park and its ledger cases; the map is coloured by `preset`.
    pub fn new(
        park: &Park,
        cases: &[StoredEntry],
        preset: StylePreset,
        lang: Lang,
        date: jiff::civil::Date,
    ) -> Result<Self, ReportError> {
        let standing = Standing::compute(park, cases, date);
        let summary = park_summary(park, &standing);
        let ledger = ledger_summary(cases);
        let t = &summary.total;
        let share = if ledger.idle_area_m2 > 0.0 {
            100.0 * ledger.revitalized_land_m2 / ledger.idle_area_m2
        } else {
            0.0
        };
        let mu = lang.pick("亩", "mu").to_owned();
        let figure = |zh: &str, en: &str, value: f64, decimals: usize, unit: &str| Figure {
            label: lang.pick(zh, en).to_owned(),
            value,
            decimals,
            unit: unit.to_owned(),
        };
        let figures = vec![
            figure(
                figure::PARK_AREA,
                "Park area",
                km2_from_m2(t.area_m2),
                2,
                "km²",
            ),
            figure(
                figure::PARCELS,
                "Parcels",
                t.parcels as f64,
                0,
                lang.pick("宗", ""),
            ),
            figure(
                figure::PARCEL_AREA,
                "Parcel area",
                mu_from_m2(t.parcel_area_m2),
                2,
                &mu,
            ),
            figure(
                figure::IDLE_PARCELS,
                "Parcels idle or low-efficiency now",
                t.idle_parcels as f64,
                0,
                lang.pick("宗", ""),
            ),
            figure(
                figure::IDLE_AREA,
                "Area idle or low-efficiency now",
                mu_from_m2(t.idle_area_m2),
                2,
                &mu,
            ),
            figure(
                figure::CASES,
                "Cases registered in the ledger",
                ledger.entries as f64,
                0,
                lang.pick("件", ""),
            ),
            figure(
                figure::CASE_IDLE_AREA,
                "Idle land of the cases registered",
                mu_from_m2(ledger.idle_area_m2),
                2,
                &mu,
            ),
            figure(
                figure::REVITALIZED_LAND,
                "Revitalized land",
                mu_from_m2(ledger.revitalized_land_m2),
                2,
                &mu,
            ),
            figure(
                figure::REVITALIZED_BUILDING,
                "Revitalized factory floor",
                ledger.revitalized_building_m2,
                0,
                "㎡",
            ),
            figure(
                figure::REVITALIZED_SHARE,
                "Share of idle land revitalized",
                share,
                1,
                "%",
            ),
        ];

        let districts = Table {
            title: lang.pick("二、分片区情况", "2. By district").to_owned(),
            headers: vec![
                lang.pick("片区", "District").to_owned(),
                lang.pick("面积（km²）", "Area (km²)").to_owned(),
                lang.pick("宗地（宗）", "Parcels").to_owned(),
                lang.pick("宗地面积（亩）", "Parcel area (mu)").to_owned(),
                lang.pick("现闲置低效（宗）", "Idle/low now (parcels)")
                    .to_owned(),
                lang.pick("现闲置低效面积（亩）", "Idle/low now (mu)")
                    .to_owned(),
            ],
            rows: summary
                .districts
                .iter()
                .map(|d| {
                    let name = park.district(&d.code).map_or_else(
                        || d.name.clone(),
                        |district| district.label(lang).to_owned(),
                    );
                    vec![
                        Cell::Text(name),
                        Cell::Number(km2_from_m2(d.area_m2), 2),
                        Cell::Number(d.parcels as f64, 0),
                        Cell::Number(mu_from_m2(d.parcel_area_m2), 2),
                        Cell::Number(d.idle_parcels as f64, 0),
                        Cell::Number(mu_from_m2(d.idle_area_m2), 2),
                    ]
                })
                .collect(),
            total: Some(vec![
                Cell::Text(lang.pick("合计", "Total").to_owned()),
                Cell::Number(km2_from_m2(t.area_m2), 2),
                Cell::Number(t.parcels as f64, 0),
                Cell::Number(mu_from_m2(t.parcel_area_m2), 2),
                Cell::Number(t.idle_parcels as f64, 0),
                Cell::Number(mu_from_m2(t.idle_area_m2), 2),
            ]),
            // Which area the figures use, always; and parcels outside every district, when any.
            note: Some({
                let mut note = format!(
                    "{}{}",
                    lang.pick("注：", "Note: "),
                    summary.area_caption(lang)
                );
                if summary.districts.iter().map(|d| d.parcels).sum::<usize>() != t.parcels {
                    note.push_str(lang.pick(
                        "；合计含不在任何片区内的宗地。",
                        "; the total includes parcels outside every district.",
                    ));
                }
                note
            }),
        };

        let group_headers = |first: String| {
            vec![
                first,
                lang.pick("案件（件）", "Cases").to_owned(),
                lang.pick("闲置面积（亩）", "Idle land (mu)").to_owned(),
                lang.pick("盘活土地（亩）", "Revitalized land (mu)")
                    .to_owned(),
                lang.pick("盘活厂房（㎡）", "Revitalized floor (m²)")
                    .to_owned(),
            ]
        };
        let group_row = |g: &CaseGroup| {
            vec![
                Cell::Text(g.label.to_owned()),
                Cell::Number(g.cases as f64, 0),
                Cell::Number(mu_from_m2(g.idle_area_m2), 2),
                Cell::Number(mu_from_m2(g.revitalized_land_m2), 2),
                Cell::Number(g.revitalized_building_m2, 0),
            ]
        };
        let ledger_total = vec![
            Cell::Text(lang.pick("合计", "Total").to_owned()),
            Cell::Number(ledger.entries as f64, 0),
            Cell::Number(mu_from_m2(ledger.idle_area_m2), 2),
            Cell::Number(mu_from_m2(ledger.revitalized_land_m2), 2),
            Cell::Number(ledger.revitalized_building_m2, 0),
        ];
        let park_five: Vec<&str> = crate::model::DisposalMethod::PARK_FIVE
            .iter()
            .map(|m| m.label(lang))
            .collect();
        let several = cases
            .iter()
            .any(|c| !c.deleted && c.entry.methods.len() > 1);
        let methods = Table {
            title: lang.pick("三、按处置方式", "3. By disposal method").to_owned(),
            headers: group_headers(lang.pick("处置方式", "Method").to_owned()),
            rows: cases_by_method(cases, lang)
                .iter()
                .filter(|g| g.cases > 0 || park_five.contains(&g.label))
                .map(group_row)
                .collect(),
            total: Some(ledger_total.clone()),
            note: several.then(|| {
                lang.pick("注：一件案件采用多种处置方式的，在各方式下分别计入，合计按案件计。", "Note: a case with several methods counts under each; the total counts it once.").to_owned()
            }),
        };
        let progress = Table {
            title: lang
                .pick("四、按处置进度", "4. By disposal progress")
                .to_owned(),
            headers: group_headers(lang.pick("处置进度", "Progress").to_owned()),
            rows: cases_by_progress(cases, lang)
                .iter()
                .map(group_row)
                .collect(),
            total: Some(ledger_total),
            note: None,
        };

        let classification = Classification::compute_with(preset, park, cases, &standing, lang);
        let mut request = RenderRequest::new(park, &classification);
        (request.width, request.height) = MAP_SIZE;
        // Larger text than the image size alone gives: the map is printed 17 cm wide.
        request.scale = Some(MAP_TEXT_SCALE);
        request.lang = lang;
        request.date = Some(date);
        let map = render_map(&request)?;
        Ok(Self {
            lang,
            title: lang
                .pick(
                    "一园三区 低效闲置工业用地处置情况报告",
                    "Industrial park: idle and low-efficiency land report",
                )
                .to_owned(),
            date,
            figures,
            tables: vec![districts, methods, progress],
            ledger: LedgerTable::new(cases, park),
            map_title: crate::render::default_title(&classification, lang),
            map,
        })
    }

    fn date_text(&self) -> String {
        let d = self.date;
        match self.lang {
            Lang::Zh => format!("报告日期：{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => format!("Date: {d}"),
        }
    }

    fn map_png(&self) -> Result<Vec<u8>, ReportError> {
        Ok(crate::render::encode_png(&self.map)?)
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Number(v, decimals) => group_thousands(*v, *decimals),
    }
}

fn figure_text(f: &Figure) -> String {
    let value = group_thousands(f.value, f.decimals);
    if f.unit.is_empty() {
        value
    } else if f.unit == "%" {
        format!("{value}%")
    } else {
        format!("{value} {}", f.unit)
    }
}

/// Writes the report as an Excel workbook: 汇总 (figures and tables), 台账 (the ledger in the
/// county's columns) and 专题图 (the map).
pub fn write_report_xlsx(report: &Report, path: &Path) -> Result<(), ReportError> {
    use rust_xlsxwriter::{Format, FormatBorder, Image, Workbook};
    let lang = report.lang;
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16);
    let muted = Format::new().set_font_color("#5F6670");
    let section = Format::new().set_bold().set_font_size(12);
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border_bottom(FormatBorder::Thin);
    let bold = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let number = |decimals: usize| {
        Format::new().set_num_format(match decimals {
            0 => "#,##0",
            1 => "#,##0.0",
            _ => "#,##0.00",
        })
    };
    let bold_number = |decimals: usize| {
        number(decimals)
            .set_bold()
            .set_border_top(FormatBorder::Thin)
    };

    let sheet = workbook.add_worksheet();
    sheet.set_name(lang.pick("汇总", "Summary").to_owned())?;
    sheet.write_string_with_format(0, 0, &report.title, &title)?;
    sheet.write_string_with_format(1, 0, report.date_text(), &muted)?;
    let mut row = 3u32;
    sheet.write_string_with_format(
        row,
        0,
        lang.pick("一、总体情况", "1. The park in figures")
            .to_owned(),
        &section,
    )?;
    row += 1;
    for (col, head) in (0u16..).zip([
        lang.pick("指标", "Figure").to_owned(),
        lang.pick("数值", "Value").to_owned(),
        lang.pick("单位", "Unit").to_owned(),
    ]) {
        sheet.write_string_with_format(row, col, head, &header)?;
    }
    row += 1;
    for f in &report.figures {
        sheet.write_string(row, 0, &f.label)?;
        sheet.write_number_with_format(row, 1, f.value, &number(f.decimals))?;
        sheet.write_string(row, 2, &f.unit)?;
        row += 1;
    }
    for table in &report.tables {
        row += 1;
        sheet.write_string_with_format(row, 0, &table.title, &section)?;
        row += 1;
        for (col, head) in (0u16..).zip(&table.headers) {
            sheet.write_string_with_format(row, col, head, &header)?;
        }
        row += 1;
        let rows = table.rows.iter().map(|r| (r, false));
        let total = table.total.iter().map(|r| (r, true));
        for (cells, is_total) in rows.chain(total) {
            for (col, cell) in (0u16..).zip(cells) {
                match (cell, is_total) {
                    (Cell::Text(text), false) => sheet.write_string(row, col, text)?,
                    (Cell::Text(text), true) => {
                        sheet.write_string_with_format(row, col, text, &bold)?
                    }
                    (Cell::Number(v, d), false) => {
                        sheet.write_number_with_format(row, col, *v, &number(*d))?
                    }
                    (Cell::Number(v, d), true) => {
                        sheet.write_number_with_format(row, col, *v, &bold_number(*d))?
                    }
                };
            }
            row += 1;
        }
        if let Some(note) = &table.note {
            sheet.write_string_with_format(row, 0, note, &muted)?;
            row += 1;
        }
    }
    sheet.set_column_width(0, 22)?;
    for col in 1..6 {
        sheet.set_column_width(col, 18)?;
    }

    write_worksheet(&report.ledger.sheet(), workbook.add_worksheet())?;
    if lang == Lang::En {
        // The county's column heads stay Chinese (they are the county's form); the sheet
        // name follows the report's language.
        if let Ok(sheet) = workbook.worksheet_from_name("台账") {
            sheet.set_name("Ledger")?;
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name(lang.pick("专题图", "Map").to_owned())?;
    sheet.write_string_with_format(0, 0, &report.map_title, &section)?;
    let image = Image::new_from_buffer(&report.map_png()?)?
        .set_scale_width(0.5)
        .set_scale_height(0.5)
        .set_alt_text(&report.map_title);
    sheet.insert_image(1, 0, &image)?;

    let bytes = workbook.save_to_buffer().map_err(|e| match e {
        rust_xlsxwriter::XlsxError::IoError(source) => ReportError::Io {
            path: path.to_owned(),
            source,
        },
        other => ReportError::Xlsx(other),
    })?;
    crate::atomic_file::write(path, &bytes).map_err(|source| ReportError::Io {
        path: path.to_owned(),
        source,
    })
}

/// The park's figures at two dates as tables (年度对比): cases and idle land by district,
/// revitalized land and floor by district, cases by disposal method; each with the change.
#[must_use]
pub fn comparison_tables(c: &crate::stats::Comparison, lang: Lang) -> Vec<Table> {
    let period = format!("{} → {}", c.from_date, c.to_date);
    let district = |row: &crate::stats::ComparisonRow| {
        Cell::Text(if row.name.is_empty() {
            lang.pick("未指明片区", "No district").to_owned()
        } else if row.code.is_none() {
            lang.pick("园区合计", "Park total").to_owned()
        } else {
            row.name.clone()
        })
    };
    let (rows, total) = c.rows.split_at(c.rows.len().saturating_sub(1));
    let from = lang.pick("期初", "from");
    let to = lang.pick("期末", "to");
    let change = lang.pick("增减", "change");
    let triple = |what: &str| -> [String; 3] {
        [
            format!("{what} {from}"),
            format!("{what} {to}"),
            format!("{what} {change}"),
        ]
    };
    let number = |v: f64, d: usize| Cell::Number(v, d);
    let count = |n: usize| Cell::Number(n as f64, 0);
    let cases_table = {
        let mut headers = vec![lang.pick("片区", "District").to_owned()];
        headers.extend(triple(lang.pick("案件", "Cases")));
        headers.extend(triple(lang.pick("闲置(亩)", "Idle (mu)")));
        let cells = |r: &crate::stats::ComparisonRow| {
            vec![
                district(r),
                count(r.from.entries),
                count(r.to.entries),
                number(r.change.entries as f64, 0),
                number(mu_from_m2(r.from.idle_land_m2), 2),
                number(mu_from_m2(r.to.idle_land_m2), 2),
                number(mu_from_m2(r.change.idle_land_m2), 2),
            ]
        };
        Table {
            title: format!(
                "{} {period}",
                lang.pick("年度对比：登记", "Year on year: registered")
            ),
            headers,
            rows: rows.iter().map(cells).collect(),
            total: total.first().map(cells),
            note: None,
        }
    };
    let revitalized_table = {
        let mut headers = vec![lang.pick("片区", "District").to_owned()];
        headers.extend(triple(lang.pick("盘活土地(亩)", "Land (mu)")));
        headers.extend(triple(lang.pick("盘活厂房(㎡)", "Floor (m²)")));
        let cells = |r: &crate::stats::ComparisonRow| {
            vec![
                district(r),
                number(mu_from_m2(r.from.revitalized_land_m2), 2),
                number(mu_from_m2(r.to.revitalized_land_m2), 2),
                number(mu_from_m2(r.change.revitalized_land_m2), 2),
                number(r.from.revitalized_building_m2, 0),
                number(r.to.revitalized_building_m2, 0),
                number(r.change.revitalized_building_m2, 0),
            ]
        };
        Table {
            title: format!(
                "{} {period}",
                lang.pick("年度对比：盘活", "Year on year: revitalized")
            ),
            headers,
            rows: rows.iter().map(cells).collect(),
            total: total.first().map(cells),
            note: None,
        }
    };
    let methods_table = Table {
        title: format!(
            "{} {period}",
            lang.pick("年度对比：处置方式", "Year on year: methods")
        ),
        headers: vec![
            lang.pick("处置方式", "Method").to_owned(),
            format!("{} {from}", lang.pick("案件", "Cases")),
            format!("{} {to}", lang.pick("案件", "Cases")),
            change.to_owned(),
        ],
        rows: c
            .methods
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.method.label(lang).to_owned()),
                    count(m.from),
                    count(m.to),
                    number(m.to as f64 - m.from as f64, 0),
                ]
            })
            .collect(),
        total: None,
        note: Some(
            lang.pick(
                "一宗案件可有多种处置方式。",
                "A case may use several methods.",
            )
            .to_owned(),
        ),
    };
    vec![cases_table, revitalized_table, methods_table]
}

/// The comparison of two dates as a workbook: one sheet per table of [`comparison_tables`].
pub fn write_comparison_xlsx(
    c: &crate::stats::Comparison,
    lang: Lang,
    path: &Path,
) -> Result<(), ReportError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let names = [
        lang.pick("登记对比", "Registered"),
        lang.pick("盘活对比", "Revitalized"),
        lang.pick("处置方式对比", "Methods"),
    ];
    for (table, name) in comparison_tables(c, lang).iter().zip(names) {
        let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
        let rows: Vec<Vec<Cell>> = table
            .rows
            .iter()
            .chain(table.total.iter())
            .cloned()
            .collect();
        write_worksheet(
            &crate::formats::sheet::SheetTable {
                name,
                headers: &headers,
                rows: &rows,
                widths: &[(0, 16.0)],
            },
            workbook.add_worksheet(),
        )?;
    }
    let bytes = workbook.save_to_buffer()?;
    crate::atomic_file::write(path, &bytes).map_err(|source| ReportError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Page layout of the PDF, in points.
const MARGIN: f32 = 56.7;
const TEXT: Rgb = [0x1d, 0x24, 0x30];
const MUTED: Rgb = [0x5f, 0x66, 0x70];
const RULE: Rgb = [0x40, 0x40, 0x40];
const SHADE: Rgb = [0xee, 0xf3, 0xf9];

/// Writes the report as a printable A4 PDF: page 1 the figures and tables, page 2 the map
/// and the ledger (continued on further pages when long). Text is real text in the embedded
/// CJK font.
pub fn write_report_pdf(report: &Report, path: &Path) -> Result<(), ReportError> {
    let bytes = report_pdf(report)?;
    crate::atomic_file::write(path, &bytes).map_err(|source| ReportError::Io {
        path: path.to_owned(),
        source,
    })
}

/// The report as PDF bytes.
pub fn report_pdf(report: &Report) -> Result<Vec<u8>, ReportError> {
    let lang = report.lang;
    let mut doc = PdfDoc::new(&report.title)?;
    let content_w = A4.0 - 2.0 * MARGIN;
    doc.new_page();
    let mut y = MARGIN + 16.0;
    doc.text(
        &report.title,
        A4.0 / 2.0,
        y,
        Style::new(18.0, TEXT).align(HAlign::Center).bold(true),
    );
    y += 20.0;
    doc.text(
        &report.date_text(),
        A4.0 / 2.0,
        y,
        Style::new(10.0, MUTED).align(HAlign::Center),
    );
    y += 30.0;

    // 一、总体情况: the figures in two columns of label … value.
    doc.text(
        lang.pick("一、总体情况", "1. The park in figures"),
        MARGIN,
        y,
        Style::new(13.0, TEXT).bold(true),
    );
    y += 10.0;
    let half = (content_w - 24.0) / 2.0;
    let rows = report.figures.len().div_ceil(2);
    doc.line(MARGIN, y, MARGIN + content_w, y, 1.0, RULE);
    for (i, f) in report.figures.iter().enumerate() {
        let col = (i / rows) as f32;
        let line = (i % rows) as f32;
        let x = MARGIN + col * (half + 24.0);
        let baseline = y + 18.0 + line * 20.0;
        doc.text(&f.label, x + 4.0, baseline, Style::new(10.5, TEXT));
        doc.text(
            &figure_text(f),
            x + half - 4.0,
            baseline,
            Style::new(10.5, TEXT).align(HAlign::Right).bold(true),
        );
    }
    y += 18.0 + rows as f32 * 20.0 - 12.0;
    doc.line(MARGIN, y, MARGIN + content_w, y, 1.0, RULE);
    y += 30.0;

    for table in &report.tables {
        y = pdf_table(&mut doc, table, y, content_w);
        y += 24.0;
    }

    // The map, then the ledger.
    doc.new_page();
    let mut y = MARGIN + 10.0;
    doc.text(
        lang.pick("五、宗地专题图", "5. Parcel map"),
        MARGIN,
        y,
        Style::new(13.0, TEXT).bold(true),
    );
    y += 12.0;
    let (w, h) = (report.map.width(), report.map.height());
    let map_h = content_w * h as f32 / w as f32;
    let rgb: Vec<u8> = report
        .map
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    doc.image(&rgb, w, h, MARGIN, y, content_w, map_h);
    y += map_h + 30.0;
    let ledger = ledger_table_for_pdf(&report.ledger, lang);
    pdf_table_paged(&mut doc, &ledger, y, content_w);

    // Page numbers, once the pages are known.
    let pages = doc.page_count();
    for i in 0..pages {
        doc.select_page(i);
        let y = A4.1 - 30.0;
        doc.line(
            MARGIN,
            y - 12.0,
            A4.0 - MARGIN,
            y - 12.0,
            0.4,
            [0xb8, 0xbc, 0xc4],
        );
        doc.text(&report.title, MARGIN, y, Style::new(8.0, MUTED));
        let n = i + 1;
        let footer = match lang {
            Lang::Zh => format!("第 {n} 页 共 {pages} 页"),
            Lang::En => format!("Page {n} of {pages}"),
        };
        doc.text(
            &footer,
            A4.0 - MARGIN,
            y,
            Style::new(8.0, MUTED).align(HAlign::Right),
        );
    }
    Ok(doc.finish()?)
}

/// The ledger in fewer columns, to fit a portrait page.
fn ledger_table_for_pdf(table: &LedgerTable, lang: Lang) -> Table {
    // 序号, 宗地编号, 片区, 面积(亩), 类型, 处置方式, 处置进度, 盘活土地(亩), 盘活厂房(㎡)
    const COLUMNS: [usize; 9] = [0, 1, 2, 4, 5, 7, 8, 9, 10];
    let pick = |row: &Vec<Cell>| -> Vec<Cell> {
        COLUMNS
            .iter()
            .map(|&c| row.get(c).cloned().unwrap_or(Cell::Text(String::new())))
            .collect()
    };
    let (rows, total) = match table.rows.split_last() {
        Some((total, rows)) => (rows.iter().map(pick).collect(), Some(pick(total))),
        None => (Vec::new(), None),
    };
    Table {
        title: lang.pick("六、台账明细", "6. The ledger").to_owned(),
        headers: COLUMNS
            .iter()
            .map(|&c| {
                LEDGER_HEADERS
                    .get(c)
                    .copied()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect(),
        rows,
        total,
        note: Some(lang.pick("注：完整台账（闲置原因、引进项目、责任单位、完成时限等）见 Excel 报告的“台账”表。", "Note: the full ledger (causes, projects, units, deadlines) is in the workbook's 台账 sheet.").to_owned()),
    }
}

/// Column widths proportional to the widest text in each column, at least the header's.
fn column_widths(doc: &PdfDoc, table: &Table, size: f32, total_w: f32) -> Vec<f32> {
    let n = table.headers.len();
    let mut widths = vec![0.0f32; n];
    let all = table.rows.iter().chain(table.total.iter());
    for (i, head) in table.headers.iter().enumerate() {
        widths[i] = doc.width(head, size);
    }
    for row in all {
        for (i, cell) in row.iter().enumerate().take(n) {
            widths[i] = widths[i].max(doc.width(&cell_text(cell), size));
        }
    }
    let padded: Vec<f32> = widths.iter().map(|w| w + 10.0).collect();
    let sum: f32 = padded.iter().sum();
    if sum <= 0.0 {
        return vec![total_w / n.max(1) as f32; n];
    }
    padded.iter().map(|w| w / sum * total_w).collect()
}

const ROW_H: f32 = 17.0;

/// A three-line table (三线表): heading, thick top rule, column heads, thin rule, rows,
/// totals on a light band, thick bottom rule. Returns the y below it.
fn pdf_table(doc: &mut PdfDoc, table: &Table, top: f32, width: f32) -> f32 {
    pdf_table_rows(
        doc,
        table,
        &table.rows,
        true,
        table.total.as_ref(),
        top,
        width,
    )
}

/// [`pdf_table`] that continues on new pages (heads repeated) when the rows do not fit.
fn pdf_table_paged(doc: &mut PdfDoc, table: &Table, top: f32, width: f32) -> f32 {
    let bottom = A4.1 - MARGIN - 20.0;
    let mut y = top;
    let mut rest: &[Vec<Cell>] = &table.rows;
    let mut first = true;
    loop {
        let room = ((bottom - y - 60.0) / ROW_H).floor().max(0.0) as usize;
        if room == 0 && !rest.is_empty() {
            doc.new_page();
            y = MARGIN;
            continue;
        }
        let (now, later) = rest.split_at(room.min(rest.len()));
        let total = if later.is_empty() {
            table.total.as_ref()
        } else {
            None
        };
        y = pdf_table_rows(doc, table, now, first, total, y, width);
        first = false;
        if later.is_empty() {
            return y;
        }
        rest = later;
        doc.new_page();
        y = MARGIN;
    }
}

fn pdf_table_rows(
    doc: &mut PdfDoc,
    table: &Table,
    rows: &[Vec<Cell>],
    with_title: bool,
    total: Option<&Vec<Cell>>,
    top: f32,
    width: f32,
) -> f32 {
    let size = if table.headers.len() > 6 { 8.0 } else { 9.5 };
    let widths = column_widths(doc, table, size, width);
    // Heads are aligned as their columns: numbers right, text left.
    let numeric: Vec<bool> = (0..table.headers.len())
        .map(|i| {
            table
                .rows
                .iter()
                .chain(table.total.iter())
                .find_map(|row| match row.get(i) {
                    Some(Cell::Number(..)) => Some(true),
                    Some(Cell::Text(t)) if !t.is_empty() => Some(false),
                    _ => None,
                })
                .unwrap_or(false)
        })
        .collect();
    let mut y = top;
    if with_title {
        doc.text(&table.title, MARGIN, y, Style::new(13.0, TEXT).bold(true));
        y += 10.0;
    }
    doc.line(MARGIN, y, MARGIN + width, y, 1.2, RULE);
    let draw_row = |doc: &mut PdfDoc, cells: &[Cell], y: f32, bold: bool, header: bool| {
        let mut x = MARGIN;
        for (i, w) in widths.iter().enumerate() {
            let (text, numeric) = if header {
                (
                    table.headers.get(i).cloned().unwrap_or_default(),
                    numeric.get(i).copied().unwrap_or(false),
                )
            } else {
                match cells.get(i) {
                    Some(c @ Cell::Number(..)) => (cell_text(c), true),
                    Some(c) => (cell_text(c), false),
                    None => (String::new(), false),
                }
            };
            let text = doc.fit(&text, size, w - 6.0);
            let baseline = y + ROW_H / 2.0 + size * 0.36;
            if numeric {
                doc.text(
                    &text,
                    x + w - 4.0,
                    baseline,
                    Style::new(size, TEXT).align(HAlign::Right).bold(bold),
                );
            } else {
                doc.text(&text, x + 4.0, baseline, Style::new(size, TEXT).bold(bold));
            }
            x += w;
        }
    };
    draw_row(doc, &[], y, true, true);
    y += ROW_H;
    doc.line(MARGIN, y, MARGIN + width, y, 0.5, RULE);
    for row in rows {
        draw_row(doc, row, y, false, false);
        y += ROW_H;
    }
    if let Some(total) = total {
        doc.fill_rect(MARGIN, y, width, ROW_H, SHADE);
        draw_row(doc, total, y, true, false);
        y += ROW_H;
    }
    doc.line(MARGIN, y, MARGIN + width, y, 1.2, RULE);
    if let Some(note) = &table.note
        && total.is_some()
    {
        y += 14.0;
        let note = doc.fit(note, 8.5, width);
        doc.text(&note, MARGIN, y, Style::new(8.5, MUTED));
    }
    y
}
