//! Pure aggregations over the park, returning plain rows shared by the CLI, the window and
//! the exports, so that every screen shows the same figures. Where a parcel stands and which
//! cases count come from [`crate::standing`]; nothing here decides that again.
//!
//! Each figure is named for what it counts, so that two questions never share a heading:
//! - *cases registered* (台账登记): ledger cases that count (live, one open case per parcel),
//!   with their idle land — [`LedgerSummary::entries`], [`LedgerSummary::idle_area_m2`];
//! - *parcels idle or low-efficiency now* (现闲置低效宗地): parcels whose status now is 闲置 or
//!   低效, with their parcel area — [`DistrictSummary::idle_parcels`];
//! - *land and floor revitalized* (已盘活): [`LedgerSummary::revitalized_land_m2`] and
//!   [`LedgerSummary::revitalized_building_m2`].

mod compare;
mod dashboard;
mod enterprise;

pub use compare::{Change, Comparison, ComparisonRow, Figures, MethodComparison, compare};
pub use enterprise::{DistrictYield, EnterpriseYields, ParcelYield, enterprise_yields};

pub use dashboard::{
    AlertCounts, AlertRow, Dashboard, DistrictLedger, KindFigures, MonthRevitalized,
    UndatedRevitalized, alert_rows, dashboard, dashboard_with, district_ledgers, method_rows,
    revitalized_by_month,
};

use crate::ledger::StoredEntry;
use crate::model::{DisposalMethod, Lang, Park, Progress};
use crate::standing::{CaseKey, Standing, count_cases};
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
    /// Parcels idle or low-efficiency now (status from the ledger where it has a case).
    pub idle_parcels: usize,
    /// Their parcel area.
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
    /// Which area the figures above use ([`Park::area_basis`]).
    pub area_basis: crate::model::AreaBasis,
    /// Parcels without a plane area (outside China's zones): their ellipsoidal area stands in.
    pub parcels_outside_zones: usize,
}

impl ParkSummary {
    /// What the areas are, for a caption beside the figures.
    #[must_use]
    pub fn area_caption(&self, lang: crate::model::Lang) -> String {
        self.area_basis.caption(self.parcels_outside_zones, lang)
    }
}

/// The parcels' plane areas (each in the CGCS2000 3° Gauss-Krüger zone of its interior point,
/// [`crate::geometry::plane_area_m2`]), by district and in all, beside the ellipsoidal ones of
/// [`park_summary`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlaneAreas {
    /// District code → plane area of its parcels (m²).
    pub by_district: std::collections::BTreeMap<String, f64>,
    pub total_m2: f64,
    /// The zones the parcels lie in (`EPSG:4524`).
    pub zones: Vec<String>,
}

/// The plane area of parcels in all (each its [`crate::model::Areas::plane`]: a
/// Gauss-Krüger file's own zone, else the zone of its middle) and the zones they lie in: the
/// one sum behind [`plane_areas`] and `check`.
#[must_use]
pub fn plane_total(areas: impl IntoIterator<Item = crate::model::Areas>) -> PlaneAreas {
    let mut zones = Vec::new();
    let mut all = Vec::new();
    for plane in areas.into_iter().filter_map(|a| a.plane) {
        if !zones.contains(&plane.epsg) {
            zones.push(plane.epsg);
        }
        all.push(plane.m2);
    }
    PlaneAreas {
        total_m2: order_free_sum(all),
        zones: zones.iter().map(|epsg| format!("EPSG:{epsg}")).collect(),
        ..PlaneAreas::default()
    }
}

/// The plane areas of the park's parcels, in all ([`plane_total`]) and by district;
/// computed when asked (a report, the CLI), not with every recolouring.
#[must_use]
pub fn plane_areas(park: &Park) -> PlaneAreas {
    let mut areas = plane_total(park.parcels.iter().map(|p| p.areas));
    let mut by_district: std::collections::BTreeMap<String, Vec<f64>> =
        std::collections::BTreeMap::new();
    for parcel in &park.parcels {
        if let (Some(plane), Some(code)) = (parcel.areas.plane, &parcel.district) {
            by_district.entry(code.clone()).or_default().push(plane.m2);
        }
    }
    areas.by_district = by_district
        .into_iter()
        .map(|(code, values)| (code, order_free_sum(values)))
        .collect();
    areas
}

/// Aggregates the park by district, with each parcel's status now from `standing`.
#[must_use]
pub fn park_summary(park: &Park, standing: &Standing) -> ParkSummary {
    let districts = park
        .districts
        .iter()
        .map(|district| {
            let inside = park
                .parcels
                .iter()
                .enumerate()
                .filter(|(_, p)| p.district.as_deref() == Some(district.code.as_str()));
            let mut row = DistrictSummary {
                code: district.code.clone(),
                name: district.name.clone(),
                area_m2: district.area_m2,
                parcels: 0,
                parcel_area_m2: 0.0,
                idle_parcels: 0,
                idle_area_m2: 0.0,
            };
            let mut idle = Vec::new();
            let mut all = Vec::new();
            for (i, parcel) in inside {
                row.parcels += 1;
                all.push(parcel.area_m2);
                if standing.is_idle_or_low(i) {
                    row.idle_parcels += 1;
                    idle.push(parcel.area_m2);
                }
            }
            row.parcel_area_m2 = order_free_sum(all);
            row.idle_area_m2 = order_free_sum(idle);
            row
        })
        .collect::<Vec<_>>();
    let idle = park
        .parcels
        .iter()
        .enumerate()
        .filter(|(i, _)| standing.is_idle_or_low(*i))
        .map(|(_, p)| p.area_m2);
    let total = TotalSummary {
        area_m2: park.districts.iter().map(|d| d.area_m2).sum(),
        parcels: park.parcels.len(),
        parcel_area_m2: order_free_sum(park.parcels.iter().map(|p| p.area_m2)),
        idle_parcels: idle.clone().count(),
        idle_area_m2: order_free_sum(idle),
    };
    ParkSummary {
        districts,
        total,
        area_basis: park.area_basis,
        parcels_outside_zones: park.outside_zones(),
    }
}

/// Ledger figures: what `parkland summary` prints under `"ledger"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerSummary {
    /// Cases registered that count: not voided, and one open case per parcel.
    pub entries: usize,
    /// Idle land in those cases.
    pub idle_area_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
    /// Cases per disposal method (a case may use several methods), in display order; written
    /// as Chinese label → count.
    #[serde(serialize_with = "method_labels")]
    pub by_method: BTreeMap<DisposalMethod, usize>,
    /// Cases per progress, in display order; written as Chinese label → count.
    #[serde(serialize_with = "progress_labels")]
    pub by_progress: BTreeMap<Progress, usize>,
    /// Open cases of a parcel that has a newer open case (重复登记): listed under 预警, in
    /// none of the figures above, so the parcel's area is counted once.
    pub duplicate_cases: usize,
}

/// What the ledger figures read of one case: its key (which decides whether it counts) and
/// its figures. The SQL summary builds these from an index; the window from its cases.
#[derive(Debug, Clone)]
pub struct CaseFigures<'a> {
    pub key: CaseKey<'a>,
    pub progress: Progress,
    pub methods: &'a [DisposalMethod],
    pub idle_land_m2: f64,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
}

impl<'a> From<&'a StoredEntry> for CaseFigures<'a> {
    fn from(s: &'a StoredEntry) -> Self {
        Self {
            key: CaseKey::from(s),
            progress: s.entry.progress,
            methods: &s.entry.methods,
            idle_land_m2: s.entry.idle_land_m2,
            revitalized_land_m2: s.entry.revitalized_land_m2,
            revitalized_building_m2: s.entry.revitalized_building_m2,
        }
    }
}

impl<'a> From<&'a crate::ledger::CaseRow> for CaseFigures<'a> {
    fn from(r: &'a crate::ledger::CaseRow) -> Self {
        Self {
            key: CaseKey {
                id: r.id,
                parcel_no: &r.parcel_no,
                open: !r.progress.is_closed(),
                voided: false,
            },
            progress: r.progress,
            methods: &r.methods,
            idle_land_m2: r.idle_land_m2,
            revitalized_land_m2: r.revitalized_land_m2,
            revitalized_building_m2: r.revitalized_building_m2,
        }
    }
}

/// The ledger figures of the rows the store reads from its index ([`Ledger::case_rows`]):
/// what `parkland summary` needs from a large ledger without loading the cases.
///
/// [`Ledger::case_rows`]: crate::ledger::Ledger::case_rows
#[must_use]
pub fn summarize_rows(rows: &[crate::ledger::CaseRow]) -> LedgerSummary {
    summarize_cases(&rows.iter().map(CaseFigures::from).collect::<Vec<_>>())
}

/// The ledger figures of a stored ledger, read from its index.
pub fn stored_summary(
    ledger: &crate::ledger::Ledger,
) -> Result<LedgerSummary, crate::ledger::LedgerError> {
    Ok(summarize_rows(&ledger.case_rows()?))
}

/// Aggregates ledger cases.
#[must_use]
pub fn ledger_summary(entries: &[StoredEntry]) -> LedgerSummary {
    summarize_cases(&entries.iter().map(CaseFigures::from).collect::<Vec<_>>())
}

/// The ledger figures of cases: the one function behind `summary`, the 统计 view, the
/// report and the window. Cases that do not count ([`count_cases`]) are left out.
#[must_use]
pub fn summarize_cases(cases: &[CaseFigures<'_>]) -> LedgerSummary {
    let counts = count_cases(cases.iter().map(|c| c.key));
    let counted = || {
        cases
            .iter()
            .zip(&counts.counts)
            .filter(|(_, counts)| **counts)
            .map(|(c, _)| c)
    };
    let mut progress_counts = [0_usize; 16];
    let mut method_counts = [0_usize; 32];
    for case in counted() {
        for method in case.methods {
            if let Some(i) = DisposalMethod::ALL.iter().position(|m| m == method) {
                method_counts[i] += 1;
            }
        }
        if let Some(i) = Progress::ALL.iter().position(|p| *p == case.progress) {
            progress_counts[i] += 1;
        }
    }
    let by_method = DisposalMethod::ALL
        .iter()
        .zip(method_counts)
        .filter(|(_, n)| *n > 0)
        .map(|(m, n)| (*m, n))
        .collect();
    let by_progress = Progress::ALL
        .iter()
        .zip(progress_counts)
        .filter(|(_, n)| *n > 0)
        .map(|(p, n)| (*p, n))
        .collect();
    LedgerSummary {
        entries: counted().count(),
        idle_area_m2: order_free_sum(counted().map(|e| e.idle_land_m2)),
        revitalized_land_m2: order_free_sum(counted().map(|e| e.revitalized_land_m2)),
        revitalized_building_m2: order_free_sum(counted().map(|e| e.revitalized_building_m2)),
        by_method,
        by_progress,
        duplicate_cases: counts.duplicates.len(),
    }
}

/// Counts keyed by an enumeration, written with the enumeration's Chinese labels as keys (in
/// the enumeration's order): labels only where the figures are shown.
fn labelled<K: Copy, S: serde::Serializer>(
    counts: &BTreeMap<K, usize>,
    label: impl Fn(K) -> &'static str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = serializer.serialize_map(Some(counts.len()))?;
    for (&key, count) in counts {
        map.serialize_entry(label(key), count)?;
    }
    map.end()
}

fn method_labels<S: serde::Serializer>(
    counts: &BTreeMap<DisposalMethod, usize>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    labelled(counts, |m| m.label(Lang::Zh), serializer)
}

fn progress_labels<S: serde::Serializer>(
    counts: &BTreeMap<Progress, usize>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    labelled(counts, |p| p.label(Lang::Zh), serializer)
}

/// The sum of `values` whatever order they come in: sorted, then added with Neumaier's
/// compensation. The ledger's totals are computed from rows in id order (the window) and in
/// index order (SQL, for `summary`); both must print the same last digit.
#[must_use]
pub fn order_free_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.into_iter().collect();
    values.sort_unstable_by(f64::total_cmp);
    let (mut sum, mut compensation) = (0.0_f64, 0.0_f64);
    for v in values {
        let t = sum + v;
        compensation += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
    }
    sum + compensation
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
                summary.by_method.get(m).copied().unwrap_or(0),
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
                summary.by_progress.get(p).copied().unwrap_or(0),
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

/// The cases that count in the figures ([`count_cases`]).
pub fn counted_entries(
    entries: &[StoredEntry],
) -> impl Iterator<Item = &crate::model::LedgerEntry> {
    let counts = count_cases(entries.iter().map(CaseKey::from));
    entries
        .iter()
        .zip(counts.counts)
        .filter(|(_, counts)| *counts)
        .map(|(e, _)| &e.entry)
}

/// Live cases per disposal method, every method in display order (zeros included). A case
/// with several methods counts under each, as in [`LedgerSummary::by_method`].
#[must_use]
pub fn cases_by_method(entries: &[StoredEntry], lang: Lang) -> Vec<CaseGroup> {
    let mut groups: Vec<CaseGroup> = DisposalMethod::ALL
        .iter()
        .map(|m| CaseGroup::new(m.label(lang)))
        .collect();
    for entry in counted_entries(entries) {
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
    for entry in counted_entries(entries) {
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
    fn order_free_sums_do_not_depend_on_the_order() {
        // The shares of 120 亩 among five parcels, as the sample ledger seeds them.
        let areas = [18_088.054, 34_932.607, 25_347.534, 38_215.602, 39_414.617];
        let total: f64 = areas.iter().sum();
        let shares: Vec<f64> = areas.iter().map(|a| 80_000.0 * a / total).collect();
        let expected = order_free_sum(shares.iter().copied());
        assert!((expected - 80_000.0).abs() < 1e-9);
        let mut order: Vec<usize> = (0..shares.len()).collect();
        let mut plain_sums = std::collections::BTreeSet::new();
        for _ in 0..120 {
            // Rotations, and reversals of them.
            order.rotate_left(1);
            if order[0].is_multiple_of(2) {
                order.reverse();
            }
            plain_sums.insert(order.iter().map(|&i| shares[i]).sum::<f64>().to_bits());
            let sum = order_free_sum(order.iter().map(|&i| shares[i]));
            assert_eq!(sum.to_bits(), expected.to_bits());
        }
        // With these shares a plain sum does depend on the order, so the test can fail.
        assert!(plain_sums.len() > 1, "{plain_sums:?}");
    }

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

#[cfg(test)]
mod plane_tests {
    use super::*;

    /// The sample park's plane areas: zone 36 (CM 108°E) around 107°E, so each district's
    /// plane area is its ellipsoidal one scaled by about 1.0002, and the districts add up.
    /// The summary's figures follow the park's basis: the plane areas by default.
    #[test]
    fn plane_areas_by_district_add_up_and_scale_the_ellipsoidal_ones() {
        let mut park = crate::sample::sample_park().expect("sample");
        let standing = Standing::compute(&park, &[], jiff::civil::date(2026, 1, 1));
        let plane_summary = park_summary(&park, &standing);
        park.set_area_basis(crate::model::AreaBasis::Ellipsoidal);
        let summary = park_summary(&park, &standing);
        let plane = plane_areas(&park);
        assert_eq!(plane.zones, vec!["EPSG:4524".to_owned()]);
        let sum: f64 = plane.by_district.values().sum();
        assert!((sum - plane.total_m2).abs() < 1e-6 * plane.total_m2);
        for (row, plane_row) in summary.districts.iter().zip(&plane_summary.districts) {
            let ratio = plane.by_district[&row.code] / row.parcel_area_m2;
            assert!(ratio > 1.000_1 && ratio < 1.000_4, "{}: {ratio}", row.code);
            let same = plane.by_district[&row.code] / plane_row.parcel_area_m2;
            assert!((same - 1.0).abs() < 1e-12, "{}: {same}", row.code);
        }
    }
}
