//! 年度对比 in the 统计 view: the park's figures at two dates side by side (by default the
//! ends of the last two years), each date's ledger rebuilt from its history off the UI
//! thread; the tables are the report's ([`crate::export::comparison_tables`]), exportable as
//! a workbook.

use crate::formats::sheet::Cell;
use crate::model::{Lang, Park};
use crate::stats::Comparison;
use crate::ui::app::Command;
use crate::ui::files::{FileRequest, FileTarget};
use crate::ui::ledger::LedgerView;
use crate::ui::revision::{Derived, Revision};
use crate::units::group_thousands;
use egui::{RichText, Ui};
use jiff::civil::{Date, date};

/// The comparison last computed, for the dates and the cases it was computed from.
pub type Cached = Derived<(Revision, Revision, Lang), Option<Comparison>>;

/// The dates compared by default: the ends of the two years before this one.
#[must_use]
pub fn default_dates(today: Date) -> [Date; 2] {
    let year = today.year();
    [date(year - 2, 12, 31), date(year - 1, 12, 31)]
}

/// The comparison's dates, its tables, and 导出 (under the 统计 view's 年度对比 heading).
pub fn compare_ui(
    ui: &mut Ui,
    lang: Lang,
    park: &Park,
    park_revision: Revision,
    ledger: &LedgerView,
    cached: &mut Cached,
    commands: &mut Vec<Command>,
) {
    let defaults = default_dates(crate::time::today());
    let mut dates = defaults;
    for (side, date) in dates.iter_mut().enumerate() {
        match ledger.compare.get(side).and_then(Option::as_ref) {
            Some((chosen, _)) => *date = *chosen,
            // Asked for once, when the view first shows.
            None => commands.push(Command::SetCompareDate(side, *date)),
        }
    }
    let comparison = cached.get((park_revision, ledger.compare_revision, lang), || {
        match (&ledger.compare[0], &ledger.compare[1]) {
            (Some((from, Some(a))), Some((to, Some(b)))) => {
                Some(crate::stats::compare(park, (a, *from), (b, *to)))
            }
            _ => None,
        }
    });
    ui.horizontal(|ui| {
        for (side, label) in [lang.pick("期初", "From"), lang.pick("期末", "To")]
            .into_iter()
            .enumerate()
        {
            ui.label(label);
            let mut picked = dates[side];
            if crate::ui::date_picker::date_picker_ui(
                ui,
                &format!("compare{side}"),
                &mut picked,
                lang,
            ) && picked != dates[side]
            {
                commands.push(Command::SetCompareDate(side, picked));
            }
        }
        if comparison.is_some()
            && ui
                .button(lang.pick("导出对比表…", "Export the comparison…"))
                .clicked()
        {
            commands.push(Command::PickFile(FileRequest::save(
                FileTarget::ComparisonXlsx,
                lang.pick("导出年度对比", "Export the year-on-year comparison"),
                "年度对比.xlsx",
                "Excel",
                &["xlsx"],
            )));
        }
    });
    let Some(comparison) = comparison else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(lang.pick(
                "正在按历史重建两日的台账…",
                "Rebuilding the ledger at both dates…",
            ));
        });
        return;
    };
    for (i, table) in crate::export::comparison_tables(comparison, lang)
        .iter()
        .enumerate()
    {
        ui.add_space(6.0);
        ui.label(RichText::new(&table.title).strong());
        egui::Grid::new(("comparison", i))
            .striped(true)
            .num_columns(table.headers.len())
            .show(ui, |ui| {
                for head in &table.headers {
                    ui.label(RichText::new(head).strong());
                }
                ui.end_row();
                for (cells, total) in table
                    .rows
                    .iter()
                    .map(|r| (r, false))
                    .chain(table.total.iter().map(|r| (r, true)))
                {
                    for cell in cells {
                        let text = match cell {
                            Cell::Text(text) => text.clone(),
                            Cell::Number(v, d) => group_thousands(*v, *d),
                        };
                        let text = RichText::new(text);
                        ui.label(if total { text.strong() } else { text });
                    }
                    ui.end_row();
                }
            });
        if let Some(note) = &table.note {
            ui.label(RichText::new(note).weak());
        }
    }
}
