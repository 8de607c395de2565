//! The figures of the 统计 (statistics) dashboard: park and ledger totals, per-district rows,
//! the series of its charts and the 预警 (alert) list, as plain data that the window draws and
//! the CLI or an export can print.
//!
//! ```
//! use parkland::stats::dashboard;
//! let park = parkland::model::Park::default();
//! let today = jiff::civil::date(2025, 6, 30);
//! let figures = dashboard(&park, &[], today);
//! assert_eq!(figures.ledger.entries, 0);
//! assert!(figures.by_month.is_empty() && figures.alerts.is_empty());
//! ```

use super::{LedgerSummary, ParkSummary, ledger_summary, park_summary};
use crate::ledger::StoredEntry;
use crate::model::{DisposalMethod, IdleKind, Lang, LedgerEntry, Park};
use crate::standing::{Alert, Standing};
use jiff::civil::Date;
use serde::Serialize;

/// Idle land of one kind (闲置土地, 低效用地, 闲置厂房) within a district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindFigures {
    pub kind: IdleKind,
    /// Cases of this kind.
    pub entries: usize,
    pub idle_land_m2: f64,
}

/// Ledger figures of one district, or of the cases that name no district of the park.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictLedger {
    /// District code; `None` for the cases whose district is missing or not in the park.
    pub code: Option<String>,
    /// Chinese name of the district; empty for the unassigned row (the window names it).
    pub name: String,
    /// Cases (not deleted).
    pub entries: usize,
    pub idle_land_m2: f64,
    pub idle_building_m2: f64,
    /// Idle land by kind, one row per [`IdleKind::ALL`], zeros included.
    pub by_kind: Vec<KindFigures>,
    pub revitalized_land_m2: f64,
    pub revitalized_building_m2: f64,
    /// Cases under 预警 on the dashboard's day (see [`alert_rows`]).
    pub alerts: usize,
}

impl DistrictLedger {
    fn new(code: Option<String>, name: String) -> Self {
        Self {
            code,
            name,
            entries: 0,
            idle_land_m2: 0.0,
            idle_building_m2: 0.0,
            by_kind: IdleKind::ALL
                .iter()
                .map(|&kind| KindFigures {
                    kind,
                    entries: 0,
                    idle_land_m2: 0.0,
                })
                .collect(),
            revitalized_land_m2: 0.0,
            revitalized_building_m2: 0.0,
            alerts: 0,
        }
    }

    fn add(&mut self, entry: &LedgerEntry) {
        self.entries += 1;
        self.idle_land_m2 += entry.idle_land_m2;
        self.idle_building_m2 += entry.idle_building_m2;
        self.revitalized_land_m2 += entry.revitalized_land_m2;
        self.revitalized_building_m2 += entry.revitalized_building_m2;
        if let Some(row) = self.by_kind.iter_mut().find(|k| k.kind == entry.kind) {
            row.entries += 1;
            row.idle_land_m2 += entry.idle_land_m2;
        }
    }

    /// Idle land of one kind.
    #[must_use]
    pub fn idle_land_of_kind_m2(&self, kind: IdleKind) -> f64 {
        self.by_kind
            .iter()
            .find(|k| k.kind == kind)
            .map_or(0.0, |k| k.idle_land_m2)
    }
}

/// Land and floor brought back into use in one calendar month (by `completed_on`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRevitalized {
    pub year: i16,
    /// 1–12.
    pub month: i8,
    /// Cases completed in the month with revitalized land or floor.
    pub entries: usize,
    pub land_m2: f64,
    pub building_m2: f64,
}

impl MonthRevitalized {
    /// `2025-03`.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// Revitalized land and floor of cases with no completion date: not in any month.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UndatedRevitalized {
    pub entries: usize,
    pub land_m2: f64,
    pub building_m2: f64,
}

/// One parcel under 预警 (see [`crate::standing::Alert`]): its current case overdue or idle a
/// year or two and more, registered twice, or idle in the file with no case.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent alerts, any may hold"
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRow {
    pub parcel_no: String,
    pub district: Option<String>,
    pub holder: Option<String>,
    /// Past its deadline.
    pub overdue: bool,
    pub over_one_year: bool,
    pub over_two_years: bool,
    /// 未登记: idle or low-efficiency in the file, no case.
    pub unregistered: bool,
    /// 重复登记: more than one open case.
    pub duplicate: bool,
    pub idle_days: Option<i64>,
    pub deadline: Option<Date>,
}

impl AlertRow {
    fn alert(&self) -> Alert {
        Alert {
            overdue: self.overdue,
            over_one_year: self.over_one_year,
            over_two_years: self.over_two_years,
            unregistered: self.unregistered,
            duplicate: self.duplicate,
        }
    }

    /// Overdue, idle two years and more, or registered twice: drawn red on the map.
    #[must_use]
    pub fn is_severe(&self) -> bool {
        self.alert().is_severe()
    }

    /// What the alert is about, e.g. `逾期、闲置满两年`.
    #[must_use]
    pub fn reasons(&self, lang: Lang) -> String {
        self.alert().reasons(lang)
    }
}

/// How many cases are under each 预警.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AlertCounts {
    /// Cases under any alert.
    pub entries: usize,
    pub overdue: usize,
    pub over_one_year: usize,
    pub over_two_years: usize,
}

/// Everything the 统计 dashboard shows, computed in one pass from the park and the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// The day the alerts and idle days are counted to.
    pub today: Date,
    /// Park figures: exactly what `parkland summary` prints.
    pub park: ParkSummary,
    /// Ledger totals: exactly what `parkland summary` prints under `"ledger"`.
    pub ledger: LedgerSummary,
    /// One row per district of the park, in the park's order, then one row (code `None`) for
    /// cases that name no district of the park, only when there are such cases.
    pub districts: Vec<DistrictLedger>,
    /// Cases per disposal method: the park's five methods always, the others when used.
    pub by_method: Vec<(DisposalMethod, usize)>,
    /// Revitalized land and floor by month of completion, every month from the first to the
    /// last (zeros included), oldest first.
    pub by_month: Vec<MonthRevitalized>,
    /// Revitalized cases without a completion date.
    pub undated: UndatedRevitalized,
    /// Cases with revitalized land or floor (dated or not).
    pub revitalized_entries: usize,
    /// Idle factory floor in the cases.
    pub idle_building_m2: f64,
    /// Cases under 预警, severe first, then longest idle, then by parcel number.
    pub alerts: Vec<AlertRow>,
    pub alert_counts: AlertCounts,
    /// Parcels idle or low-efficiency in the file with no case (未登记).
    pub unregistered: usize,
    /// Open cases not counted because their parcel has a newer open case (重复登记).
    pub duplicate_cases: usize,
    // ENTERPRISE FIGURES (亩均税收 / 亩均产值 per district): when `stats::enterprise` exists,
    // add its per-district rows here (e.g. `pub enterprise: Vec<enterprise::DistrictYield>`)
    // and show them in `ui::dashboard` where the same marker stands.
}

/// The dashboard's figures for a park and its ledger cases (voided ones are skipped) on a day.
#[must_use]
pub fn dashboard(park: &Park, entries: &[StoredEntry], today: Date) -> Dashboard {
    dashboard_with(park, entries, &Standing::compute(park, entries, today))
}

/// The dashboard's figures with a standing already computed for these cases.
#[must_use]
pub fn dashboard_with(park: &Park, entries: &[StoredEntry], standing: &Standing) -> Dashboard {
    let today = standing.today;
    let live: Vec<&LedgerEntry> = entries
        .iter()
        .zip(&standing.cases.counts)
        .filter(|(_, counts)| **counts)
        .map(|(e, _)| &e.entry)
        .collect();
    let ledger = ledger_summary(entries);
    let alerts = alert_rows(park, entries, standing);
    let alert_counts = AlertCounts {
        entries: alerts.len(),
        overdue: alerts.iter().filter(|a| a.overdue).count(),
        over_one_year: alerts.iter().filter(|a| a.over_one_year).count(),
        over_two_years: alerts.iter().filter(|a| a.over_two_years).count(),
    };
    let (by_month, undated) = revitalized_by_month(&live);
    let revitalized_entries = by_month.iter().map(|m| m.entries).sum::<usize>() + undated.entries;
    let mut districts = district_ledgers(park, &live);
    for alert in &alerts {
        let row = alert
            .district
            .as_deref()
            .and_then(|code| {
                districts
                    .iter()
                    .position(|r| r.code.as_deref() == Some(code))
            })
            .or_else(|| districts.iter().position(|r| r.code.is_none()));
        if let Some(row) = row.and_then(|i| districts.get_mut(i)) {
            row.alerts += 1;
        }
    }
    Dashboard {
        today,
        park: park_summary(park, standing),
        by_method: method_rows(&ledger),
        unregistered: alerts.iter().filter(|a| a.unregistered).count(),
        duplicate_cases: ledger.duplicate_cases,
        ledger,
        districts,
        by_month,
        undated,
        revitalized_entries,
        idle_building_m2: live.iter().map(|e| e.idle_building_m2).sum(),
        alerts,
        alert_counts,
    }
}

/// Ledger figures per district of the park, plus an unassigned row when needed. `entries` are
/// the cases that count; the alerts column is filled by [`dashboard`].
#[must_use]
pub fn district_ledgers(park: &Park, entries: &[&LedgerEntry]) -> Vec<DistrictLedger> {
    let mut rows: Vec<DistrictLedger> = park
        .districts
        .iter()
        .map(|d| DistrictLedger::new(Some(d.code.clone()), d.name.clone()))
        .collect();
    let mut unassigned = DistrictLedger::new(None, String::new());
    for entry in entries {
        let row = entry
            .district
            .as_deref()
            .and_then(|code| rows.iter_mut().find(|r| r.code.as_deref() == Some(code)));
        match row {
            Some(row) => row.add(entry),
            None => unassigned.add(entry),
        }
    }
    if unassigned.entries > 0 {
        rows.push(unassigned);
    }
    rows
}

/// Cases per method in display order: the park's five always, the others when used.
#[must_use]
pub fn method_rows(ledger: &LedgerSummary) -> Vec<(DisposalMethod, usize)> {
    DisposalMethod::ALL
        .iter()
        .map(|&m| {
            let n = ledger.by_method.get(&m).copied().unwrap_or(0);
            (m, n)
        })
        .filter(|&(m, n)| n > 0 || DisposalMethod::PARK_FIVE.contains(&m))
        .collect()
}

/// Revitalized land and floor by month of `completed_on`, every month from the first to the
/// last; cases with revitalized figures but no date go to the undated total.
#[must_use]
pub fn revitalized_by_month(
    entries: &[&LedgerEntry],
) -> (Vec<MonthRevitalized>, UndatedRevitalized) {
    let revitalized = entries
        .iter()
        .filter(|e| e.revitalized_land_m2 > 0.0 || e.revitalized_building_m2 > 0.0);
    let mut undated = UndatedRevitalized::default();
    let mut dated: Vec<(i32, &LedgerEntry)> = Vec::new();
    for entry in revitalized {
        if let Some(day) = entry.completed_on {
            dated.push((month_number(day), entry));
        } else {
            undated.entries += 1;
            undated.land_m2 += entry.revitalized_land_m2;
            undated.building_m2 += entry.revitalized_building_m2;
        }
    }
    let (Some(first), Some(last)) = (
        dated.iter().map(|(m, _)| *m).min(),
        dated.iter().map(|(m, _)| *m).max(),
    ) else {
        return (Vec::new(), undated);
    };
    let mut months: Vec<MonthRevitalized> = (first..=last)
        .map(|m| MonthRevitalized {
            year: i16::try_from(m.div_euclid(12)).unwrap_or(i16::MAX),
            month: i8::try_from(m.rem_euclid(12) + 1).unwrap_or(1),
            entries: 0,
            land_m2: 0.0,
            building_m2: 0.0,
        })
        .collect();
    for (m, entry) in dated {
        let slot = usize::try_from(m - first)
            .ok()
            .and_then(|i| months.get_mut(i));
        if let Some(month) = slot {
            month.entries += 1;
            month.land_m2 += entry.revitalized_land_m2;
            month.building_m2 += entry.revitalized_building_m2;
        }
    }
    (months, undated)
}

/// Months since year 0: `year * 12 + month - 1`.
fn month_number(day: Date) -> i32 {
    i32::from(day.year()) * 12 + i32::from(day.month()) - 1
}

/// The parcels under 预警 on the standing's day, severe first, then longest idle, then by
/// parcel number: every parcel of the park with an alert, and the current case of any parcel
/// number the park does not hold.
#[must_use]
pub fn alert_rows(park: &Park, entries: &[StoredEntry], standing: &Standing) -> Vec<AlertRow> {
    let today = standing.today;
    let row = |parcel_no: &str,
               district: Option<&String>,
               holder: Option<&String>,
               case: Option<&LedgerEntry>,
               alert: Alert| AlertRow {
        parcel_no: parcel_no.to_owned(),
        district: case
            .and_then(|c| c.district.clone())
            .or_else(|| district.cloned()),
        holder: case
            .and_then(|c| c.holder.clone())
            .or_else(|| holder.cloned()),
        overdue: alert.overdue,
        over_one_year: alert.over_one_year,
        over_two_years: alert.over_two_years,
        unregistered: alert.unregistered,
        duplicate: alert.duplicate,
        idle_days: case.and_then(|c| c.idle_days(today)),
        deadline: case.and_then(|c| c.deadline),
    };
    let mut rows: Vec<AlertRow> = Vec::new();
    let mut in_park = std::collections::HashSet::with_capacity(park.parcels.len());
    for (i, parcel) in park.parcels.iter().enumerate() {
        in_park.insert(parcel.parcel_no.as_str());
        let standing_of = standing.of(i);
        if standing_of.alert.any() {
            let case = standing.case(i, entries).map(|s| &s.entry);
            rows.push(row(
                &parcel.parcel_no,
                parcel.district.as_ref(),
                parcel.holder.as_ref(),
                case,
                standing_of.alert,
            ));
        }
    }
    // Cases of parcels the loaded park does not hold (another parcel file, or a number since
    // changed): their alerts still stand.
    let mut duplicated = std::collections::HashSet::new();
    for &i in &standing.cases.duplicates {
        if let Some(case) = entries.get(i) {
            duplicated.insert(case.entry.parcel_no.as_str());
        }
    }
    let mut outside: Vec<&str> = entries
        .iter()
        .filter(|s| !s.deleted && !in_park.contains(s.entry.parcel_no.as_str()))
        .map(|s| s.entry.parcel_no.as_str())
        .collect();
    outside.sort_unstable();
    outside.dedup();
    for parcel_no in outside {
        let Some(case) = standing.case_of(parcel_no, entries) else {
            continue;
        };
        let mut alert = Alert::of_case(&case.entry, today);
        alert.duplicate = duplicated.contains(parcel_no);
        if alert.any() {
            rows.push(row(parcel_no, None, None, Some(&case.entry), alert));
        }
    }
    rows.sort_by(|a, b| {
        b.is_severe()
            .cmp(&a.is_severe())
            .then(b.idle_days.cmp(&a.idle_days))
            .then_with(|| a.parcel_no.cmp(&b.parcel_no))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{District, Progress};
    use jiff::civil::date;

    fn district(code: &str, name: &str, area_m2: f64) -> District {
        District {
            code: code.to_owned(),
            name: name.to_owned(),
            name_en: code.to_owned(),
            geometry: geo::MultiPolygon::new(Vec::new()),
            areas: crate::model::Areas {
                ellipsoidal_m2: area_m2,
                plane: None,
            },
            area_m2,
            valid: true,
        }
    }

    fn stored(id: i64, entry: LedgerEntry) -> StoredEntry {
        StoredEntry {
            id,
            version: 1,
            deleted: false,
            entry,
            created_at: String::new(),
            created_by: String::new(),
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }

    /// Three cases in A, one in B, one with no district, one deleted (in A).
    fn cases() -> Vec<StoredEntry> {
        let case = |no: &str, district: Option<&str>, kind, idle_mu: f64| LedgerEntry {
            parcel_no: no.to_owned(),
            district: district.map(str::to_owned),
            kind,
            idle_land_m2: crate::units::m2_from_mu(idle_mu),
            ..LedgerEntry::default()
        };
        let mut a1 = case("A-1", Some("A"), IdleKind::Idle, 30.0);
        a1.methods = vec![DisposalMethod::LegalBuyback];
        a1.progress = Progress::Revitalized;
        a1.revitalized_land_m2 = crate::units::m2_from_mu(30.0);
        a1.completed_on = Some(date(2024, 11, 5));
        let mut a2 = case("A-2", Some("A"), IdleKind::LowEfficiency, 15.0);
        a2.methods = vec![DisposalMethod::LegalBuyback, DisposalMethod::LandSwap];
        a2.progress = Progress::Revitalized;
        a2.revitalized_land_m2 = crate::units::m2_from_mu(6.0);
        a2.revitalized_building_m2 = 2_500.0;
        a2.completed_on = Some(date(2025, 2, 28));
        let mut a3 = case("A-3", Some("A"), IdleKind::Idle, 9.0);
        a3.idle_since = Some(date(2023, 6, 1));
        a3.deadline = Some(date(2025, 12, 31));
        let mut b1 = case("B-1", Some("B"), IdleKind::IdleFactory, 0.0);
        b1.idle_building_m2 = 4_000.0;
        b1.idle_since = Some(date(2024, 9, 1));
        b1.revitalized_building_m2 = 1_000.0;
        b1.progress = Progress::Disposed;
        b1.methods = vec![DisposalMethod::LeaseForConversion];
        let mut x1 = case("X-1", None, IdleKind::LowEfficiency, 12.0);
        x1.deadline = Some(date(2025, 6, 1));
        x1.idle_since = Some(date(2025, 1, 10));
        let deleted = case("A-9", Some("A"), IdleKind::Idle, 100.0);
        let mut rows: Vec<StoredEntry> = [a1, a2, a3, b1, x1]
            .into_iter()
            .zip(1..)
            .map(|(e, id)| stored(id, e))
            .collect();
        let mut gone = stored(9, deleted);
        gone.deleted = true;
        rows.push(gone);
        rows
    }

    fn park() -> Park {
        Park {
            districts: vec![
                district("A", "甲区", 1_000_000.0),
                district("B", "乙区", 500_000.0),
            ],
            ..Park::default()
        }
    }

    fn mu(m2: f64) -> f64 {
        crate::units::mu_from_m2(m2)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn district_rows_split_the_cases_and_add_up_to_the_totals() {
        let d = dashboard(&park(), &cases(), date(2025, 6, 30));
        let codes: Vec<Option<&str>> = d.districts.iter().map(|r| r.code.as_deref()).collect();
        assert_eq!(codes, vec![Some("A"), Some("B"), None]);
        let [a, b, none] = d.districts.as_slice() else {
            panic!("three rows");
        };
        assert_eq!(
            (a.name.as_str(), a.entries, b.entries, none.entries),
            ("甲区", 3, 1, 1)
        );
        // A: 30 + 15 + 9 亩 idle; 30 + 6 亩 revitalized, 2,500 m² of floor.
        assert!(close(mu(a.idle_land_m2), 54.0), "{}", mu(a.idle_land_m2));
        assert!(close(mu(a.idle_land_of_kind_m2(IdleKind::Idle)), 39.0));
        assert!(close(
            mu(a.idle_land_of_kind_m2(IdleKind::LowEfficiency)),
            15.0
        ));
        assert!(close(a.idle_land_of_kind_m2(IdleKind::IdleFactory), 0.0));
        assert_eq!(
            a.by_kind.iter().map(|k| k.entries).collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert!(close(mu(a.revitalized_land_m2), 36.0));
        assert!(close(a.revitalized_building_m2, 2_500.0));
        assert!(close(b.revitalized_building_m2, 1_000.0));
        assert!(close(b.idle_building_m2, 4_000.0));
        // On 2025-06-30 A-3 is idle two years and X-1 overdue; B-1 is not a year idle.
        assert_eq!((a.alerts, b.alerts, none.alerts), (1, 0, 1));
        assert_eq!(
            b.by_kind.iter().map(|k| k.entries).collect::<Vec<_>>(),
            [0, 0, 1]
        );
        assert!(close(mu(none.idle_land_m2), 12.0));
        // Totals: 5 live cases, 66 亩 idle, 36 亩 and 3,500 m² revitalized.
        assert_eq!(d.ledger.entries, 5);
        assert!(close(mu(d.ledger.idle_area_m2), 66.0));
        let sum = |f: fn(&DistrictLedger) -> f64| d.districts.iter().map(f).sum::<f64>();
        assert!(close(sum(|r| r.idle_land_m2), d.ledger.idle_area_m2));
        assert!(close(
            sum(|r| r.revitalized_land_m2),
            d.ledger.revitalized_land_m2
        ));
        assert!(close(sum(|r| r.revitalized_building_m2), 3_500.0));
        // Park figures are `park_summary`'s.
        let standing = Standing::compute(&park(), &cases(), date(2025, 6, 30));
        assert_eq!(d.park, park_summary(&park(), &standing));
    }

    #[test]
    fn no_unassigned_row_when_every_case_has_a_district() {
        let entries: Vec<StoredEntry> = cases()
            .into_iter()
            .filter(|s| s.entry.district.is_some())
            .collect();
        let d = dashboard(&park(), &entries, date(2025, 6, 30));
        assert_eq!(d.districts.len(), 2);
    }

    #[test]
    fn methods_show_the_park_five_and_any_other_used() {
        let d = dashboard(&park(), &cases(), date(2025, 6, 30));
        let rows: Vec<(&str, usize)> = d
            .by_method
            .iter()
            .map(|(m, n)| (m.label(Lang::Zh), *n))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("返租共管", 0),
                ("依法回购", 2),
                ("司法拍卖", 0),
                ("租赁转产", 1),
                ("合作共建", 0),
                ("置换土地", 1),
            ]
        );
    }

    #[test]
    fn revitalized_land_is_counted_in_its_month_with_empty_months_between() {
        let d = dashboard(&park(), &cases(), date(2025, 6, 30));
        let months: Vec<(String, usize, f64, f64)> = d
            .by_month
            .iter()
            .map(|m| (m.label(), m.entries, mu(m.land_m2), m.building_m2))
            .collect();
        let labels: Vec<&str> = months.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(labels, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        let counts: Vec<usize> = months.iter().map(|m| m.1).collect();
        assert_eq!(counts, [1, 0, 0, 1]);
        assert!(close(months[0].2, 30.0) && close(months[3].2, 6.0));
        assert!(close(months[1].2, 0.0) && close(months[3].3, 2_500.0));
        // B-1 has revitalized floor but no completion date.
        assert_eq!(d.undated.entries, 1);
        assert_eq!(d.revitalized_entries, 3);
        assert!(close(d.idle_building_m2, 4_000.0));
        assert!(close(d.undated.building_m2, 1_000.0));
    }

    #[test]
    fn alerts_list_overdue_and_long_idle_cases_severe_first() {
        let d = dashboard(&park(), &cases(), date(2025, 6, 30));
        let rows: Vec<(&str, String)> = d
            .alerts
            .iter()
            .map(|a| (a.parcel_no.as_str(), a.reasons(Lang::Zh)))
            .collect();
        // A-3: idle since 2023-06-01 (two years on 2025-06-01); X-1: deadline 2025-06-01
        // passed; B-1: idle since 2024-09-01, under a year. Revitalized cases never alert.
        assert_eq!(
            rows,
            vec![("A-3", "闲置满两年".to_owned()), ("X-1", "逾期".to_owned()),]
        );
        assert_eq!(d.alerts[0].idle_days, Some(760));
        assert_eq!(
            d.alert_counts,
            AlertCounts {
                entries: 2,
                overdue: 1,
                over_one_year: 1,
                over_two_years: 1
            }
        );
        assert_eq!((d.unregistered, d.duplicate_cases), (0, 0));
        // Half a year later everything open is over a year idle, and A-3 is overdue too.
        let later = dashboard(&park(), &cases(), date(2026, 1, 2));
        let rows: Vec<(&str, String)> = later
            .alerts
            .iter()
            .map(|a| (a.parcel_no.as_str(), a.reasons(Lang::En)))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("A-3", "overdue, idle 2 years+".to_owned()),
                ("X-1", "overdue".to_owned()),
                ("B-1", "idle 1 year+".to_owned()),
            ]
        );
    }

    #[test]
    fn an_empty_ledger_gives_empty_series() {
        let d = dashboard(&park(), &[], date(2025, 6, 30));
        assert_eq!(d.districts.len(), 2);
        assert!(d.districts.iter().all(|r| r.entries == 0));
        assert_eq!(d.by_method.len(), 5);
        assert!(d.by_month.is_empty() && d.alerts.is_empty());
        assert_eq!(d.undated, UndatedRevitalized::default());
    }
}
