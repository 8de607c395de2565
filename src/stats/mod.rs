//! Pure aggregations over the park, returning plain rows shared by the CLI, the window and
//! (later) the exports, so that every screen shows the same figures.

mod dashboard;
mod enterprise;

pub use enterprise::{DistrictYield, EnterpriseYields, ParcelYield, enterprise_yields};

pub use dashboard::{
    AlertCounts, AlertRow, Dashboard, DistrictLedger, KindFigures, MonthRevitalized,
    UndatedRevitalized, alert_rows, dashboard, district_ledgers, method_rows, revitalized_by_month,
};

use crate::ledger::StoredEntry;
use crate::model::{DisposalMethod, Lang, Park, Progress};
use serde::Serialize;
use std::collections::BTreeMap;

/// Figures for one district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictSummary {
    pub code: String,
    pub name: String,
    /// Geodesic area of the district outline.
    pub area_m2: f64,
    /// Parcels in the district.
    pub parcels: usize,
    pub parcel_area_m2: f64,
    /// Parcels marked 闲置 or 低效.
    pub idle_parcels: usize,
    pub idle_area_m2: f64,
}

/// Figures for the whole park.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalSummary {
    /// Sum of the district areas.
    pub area_m2: f64,
    /// Every parcel loaded, including any outside the districts.
    pub parcels: usize,
    pub parcel_area_m2: f64,
    pub idle_parcels: usize,
    pub idle_area_m2: f64,
}

/// Per-district rows and park totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParkSummary {
    pub districts: Vec<DistrictSummary>,
    pub total: TotalSummary,
}

/// Aggregates the park by district.
#[must_use]
pub fn park_summary(park: &Park) -> ParkSummary {
    let districts = park
        .districts
        .iter()
        .map(|district| {
            let inside = park
                .parcels
                .iter()
                .filter(|p| p.district.as_deref() == Some(district.code.as_str()));
            let mut row = DistrictSummary {
                code: district.code.clone(),
                name: district.name.clone(),
                area_m2: district.area_m2,
                parcels: 0,
                parcel_area_m2: 0.0,
                idle_parcels: 0,
                idle_area_m2: 0.0,
            };
            for parcel in inside {
                row.parcels += 1;
                row.parcel_area_m2 += parcel.area_m2;
                if parcel.is_idle_or_low() {
                    row.idle_parcels += 1;
                    row.idle_area_m2 += parcel.area_m2;
                }
            }
            row
        })
        .collect::<Vec<_>>();
    let idle = park.parcels.iter().filter(|p| p.is_idle_or_low());
    let total = TotalSummary {
        area_m2: park.districts.iter().map(|d| d.area_m2).sum(),
        parcels: park.parcels.len(),
        parcel_area_m2: park.parcels.iter().map(|p| p.area_m2).sum(),
        idle_parcels: idle.clone().count(),
        idle_area_m2: idle.map(|p| p.area_m2).sum(),
    };
    ParkSummary { districts, total }
}

/// Ledger figures: what `parkland summary` prints under `"ledger"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerSummary {
    /// Cases that are not deleted.
    pub entries: usize,
    /// Idle land in the cases.
    pub idle_area_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
    /// Cases per disposal method (Chinese label → count; a case may use several methods).
    pub by_method: BTreeMap<String, usize>,
    /// Cases per progress (Chinese label → count).
    pub by_progress: BTreeMap<String, usize>,
}

/// Aggregates ledger cases.
#[must_use]
pub fn ledger_summary(entries: &[StoredEntry]) -> LedgerSummary {
    let live = || entries.iter().filter(|e| !e.deleted).map(|e| &e.entry);
    let mut by_method = BTreeMap::new();
    let mut by_progress = BTreeMap::new();
    for entry in live() {
        for method in &entry.methods {
            *by_method
                .entry(method.label(Lang::Zh).to_owned())
                .or_insert(0) += 1;
        }
        *by_progress
            .entry(entry.progress.label(Lang::Zh).to_owned())
            .or_insert(0) += 1;
    }
    LedgerSummary {
        entries: live().count(),
        idle_area_m2: live().map(|e| e.idle_land_m2).sum(),
        revitalized_land_m2: live().map(|e| e.revitalized_land_m2).sum(),
        revitalized_building_m2: live().map(|e| e.revitalized_building_m2).sum(),
        by_method,
        by_progress,
    }
}

/// Methods and progress values in display order, with their counts (zeros included), for
/// tables and charts.
#[must_use]
pub fn method_counts(summary: &LedgerSummary, lang: Lang) -> Vec<(&'static str, usize)> {
    DisposalMethod::ALL
        .iter()
        .map(|m| {
            (
                m.label(lang),
                summary
                    .by_method
                    .get(m.label(Lang::Zh))
                    .copied()
                    .unwrap_or(0),
            )
        })
        .collect()
}

/// Progress values in display order with their counts.
#[must_use]
pub fn progress_counts(summary: &LedgerSummary, lang: Lang) -> Vec<(&'static str, usize)> {
    Progress::ALL
        .iter()
        .map(|p| {
            (
                p.label(lang),
                summary
                    .by_progress
                    .get(p.label(Lang::Zh))
                    .copied()
                    .unwrap_or(0),
            )
        })
        .collect()
}

/// Ledger cases and their areas under one method or one progress value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseGroup {
    pub label: &'static str,
    pub cases: usize,
    pub idle_area_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
}

impl CaseGroup {
    fn new(label: &'static str) -> Self {
        Self {
            label,
            cases: 0,
            idle_area_m2: 0.0,
            revitalized_land_m2: 0.0,
            revitalized_building_m2: 0.0,
        }
    }

    fn add(&mut self, entry: &crate::model::LedgerEntry) {
        self.cases += 1;
        self.idle_area_m2 += entry.idle_land_m2;
        self.revitalized_land_m2 += entry.revitalized_land_m2;
        self.revitalized_building_m2 += entry.revitalized_building_m2;
    }
}

/// Live cases per disposal method, every method in display order (zeros included). A case
/// with several methods counts under each, as in [`LedgerSummary::by_method`].
#[must_use]
pub fn cases_by_method(entries: &[StoredEntry], lang: Lang) -> Vec<CaseGroup> {
    let mut groups: Vec<CaseGroup> = DisposalMethod::ALL
        .iter()
        .map(|m| CaseGroup::new(m.label(lang)))
        .collect();
    for entry in entries.iter().filter(|e| !e.deleted).map(|e| &e.entry) {
        for method in &entry.methods {
            if let Some(i) = DisposalMethod::ALL.iter().position(|m| m == method)
                && let Some(group) = groups.get_mut(i)
            {
                group.add(entry);
            }
        }
    }
    groups
}

/// Live cases per progress value, in display order (zeros included).
#[must_use]
pub fn cases_by_progress(entries: &[StoredEntry], lang: Lang) -> Vec<CaseGroup> {
    let mut groups: Vec<CaseGroup> = Progress::ALL
        .iter()
        .map(|p| CaseGroup::new(p.label(lang)))
        .collect();
    for entry in entries.iter().filter(|e| !e.deleted).map(|e| &e.entry) {
        if let Some(i) = Progress::ALL.iter().position(|p| *p == entry.progress)
            && let Some(group) = groups.get_mut(i)
        {
            group.add(entry);
        }
    }
    groups
}

#[cfg(test)]
mod case_group_tests {
    use super::*;

    #[test]
    fn case_groups_agree_with_the_ledger_summary() {
        let park = crate::sample::sample_park().expect("sample park");
        let mut ledger = crate::ledger::Ledger::open_in_memory().expect("ledger");
        ledger.seed_sample(&park, "test").expect("seed");
        let cases = ledger.list().expect("list");
        let summary = ledger_summary(&cases);
        let by_method = cases_by_method(&cases, Lang::Zh);
        for (group, (label, count)) in by_method.iter().zip(method_counts(&summary, Lang::Zh)) {
            assert_eq!((group.label, group.cases), (label, count));
        }
        let by_progress = cases_by_progress(&cases, Lang::Zh);
        assert_eq!(
            by_progress.iter().map(|g| g.cases).sum::<usize>(),
            summary.entries
        );
        let land: f64 = by_progress.iter().map(|g| g.revitalized_land_m2).sum();
        assert!((land - summary.revitalized_land_m2).abs() < 1e-6);
    }
}
