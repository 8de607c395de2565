//! The park's figures at two dates side by side (年度对比): what the annual summary reports,
//! e.g. the end of 2024 against the end of 2025. Each date's figures are the dashboard's for
//! the ledger as it stood then ([`crate::ledger::Ledger::as_of`]); nothing is counted here
//! that the dashboard does not count.

use super::dashboard::{Dashboard, DistrictLedger, dashboard};
use crate::ledger::StoredEntry;
use crate::model::{DisposalMethod, Park};
use jiff::civil::Date;
use serde::Serialize;

/// The figures of one row at one date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Cases that count (not voided, one open case per parcel).
    pub entries: usize,
    pub idle_land_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
}

impl Figures {
    fn of(row: &DistrictLedger) -> Self {
        Self {
            entries: row.entries,
            idle_land_m2: row.idle_land_m2,
            revitalized_land_m2: row.revitalized_land_m2,
            revitalized_building_m2: row.revitalized_building_m2,
        }
    }

    fn total(d: &Dashboard) -> Self {
        Self {
            entries: d.ledger.entries,
            idle_land_m2: d.ledger.idle_area_m2,
            revitalized_land_m2: d.ledger.revitalized_land_m2,
            revitalized_building_m2: d.ledger.revitalized_building_m2,
        }
    }
}

/// A district (or the park's total, code `None` and name 园区合计) at both dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    /// District code; `None` for the total (and for cases naming no district of the park,
    /// whose name is empty).
    pub code: Option<String>,
    pub name: String,
    pub from: Figures,
    pub to: Figures,
    /// `to` less `from`: cases and 亩 added, land and floor revitalized between the dates.
    pub change: Change,
}

/// What changed between the two dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Change {
    pub entries: i64,
    pub idle_land_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
}

impl ComparisonRow {
    fn new(code: Option<String>, name: String, from: Figures, to: Figures) -> Self {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Self {
            code,
            name,
            change: Change {
                entries: count(to.entries) - count(from.entries),
                idle_land_m2: to.idle_land_m2 - from.idle_land_m2,
                revitalized_land_m2: to.revitalized_land_m2 - from.revitalized_land_m2,
                revitalized_building_m2: to.revitalized_building_m2 - from.revitalized_building_m2,
            },
            from,
            to,
        }
    }
}

/// Cases of one disposal method at both dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodComparison {
    pub method: DisposalMethod,
    pub from: usize,
    pub to: usize,
}

/// The park's figures at two dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub from_date: Date,
    pub to_date: Date,
    /// One row per district of the park (and one for cases naming none, when there are
    /// such), then the park's total.
    pub rows: Vec<ComparisonRow>,
    /// The park's five methods always, others when used at either date.
    pub methods: Vec<MethodComparison>,
}

/// The figures of the ledger as it stood at two dates (each with its cases then), the
/// earlier first whichever order they are given in.
#[must_use]
pub fn compare(
    park: &Park,
    one: (&[StoredEntry], Date),
    other: (&[StoredEntry], Date),
) -> Comparison {
    let ((from, from_date), (to, to_date)) = if one.1 <= other.1 {
        (one, other)
    } else {
        (other, one)
    };
    let (a, b) = (
        dashboard(park, from, from_date),
        dashboard(park, to, to_date),
    );
    let mut rows = Vec::new();
    // The park's districts in order; a row of cases naming none when either date has one.
    let codes: Vec<Option<String>> = park
        .districts
        .iter()
        .map(|d| Some(d.code.clone()))
        .chain(
            (a.districts.iter().chain(&b.districts))
                .any(|r| r.code.is_none())
                .then_some(None),
        )
        .collect();
    for code in codes {
        let find = |d: &Dashboard| {
            d.districts
                .iter()
                .find(|r| r.code == code)
                .map(Figures::of)
                .unwrap_or_default()
        };
        let name = park
            .districts
            .iter()
            .find(|d| Some(&d.code) == code.as_ref())
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let (at_a, at_b) = (find(&a), find(&b));
        rows.push(ComparisonRow::new(code, name, at_a, at_b));
    }
    rows.push(ComparisonRow::new(
        None,
        "园区合计".to_owned(),
        Figures::total(&a),
        Figures::total(&b),
    ));
    let methods = DisposalMethod::ALL
        .iter()
        .filter_map(|&method| {
            let count = |d: &Dashboard| {
                d.by_method
                    .iter()
                    .find(|(m, _)| *m == method)
                    .map_or(0, |(_, n)| *n)
            };
            let (from, to) = (count(&a), count(&b));
            (DisposalMethod::PARK_FIVE.contains(&method) || from > 0 || to > 0)
                .then_some(MethodComparison { method, from, to })
        })
        .collect();
    Comparison {
        from_date,
        to_date,
        rows,
        methods,
    }
}
