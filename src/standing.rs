//! Where each parcel stands now (现状): its current ledger case, its status and its 预警.
//!
//! This is the one place that answers "what is the current case of this parcel" and "what is
//! its status and alert level". The map styles and legend, the attribute and district tables,
//! the 统计 view, `summary`, `ledger list`, the exports and the GeoPackage attributes all read
//! it, so that one question never gets two answers.
//!
//! The rules:
//! - The status written in the parcel file is the survey's starting point. Once a parcel has
//!   a ledger case, its status comes from the case: an open case of kind 闲置土地 makes it 闲置,
//!   of kind 低效用地 or 闲置厂房 低效; a case at 已盘活 makes it 已盘活; a case written off (核销)
//!   makes it 在用.
//! - A parcel may have several cases over the years but at most one open case (not 已盘活,
//!   not 核销, not voided). Its current case is its open case, else its newest case.
//! - A ledger written before that rule may hold two open cases for one parcel: the newest
//!   counts in every figure, the others are listed under 预警 as 重复登记 and counted nowhere,
//!   so the parcel's area is counted once.
//! - A parcel the file marks 闲置 or 低效 with no case is a 预警 of its own: 未登记.
//!
//! ```
//! use parkland::standing::Standing;
//! let park = parkland::sample::sample_park().unwrap();
//! let today = jiff::civil::date(2026, 1, 1);
//! let standing = Standing::compute(&park, &[], today);
//! // With an empty ledger every parcel the file marks idle is unregistered.
//! let idle = park.parcels.iter().filter(|p| p.is_idle_or_low()).count();
//! assert_eq!(standing.alert_count(), idle);
//! ```

use crate::ledger::StoredEntry;
use crate::model::{IdleKind, Lang, LedgerEntry, ParcelStatus, Park, Progress};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;

/// A case is open until it is revitalized or written off (a voided case is not live at all).
#[must_use]
pub fn is_open(entry: &LedgerEntry) -> bool {
    !entry.progress.is_closed()
}

/// The status a case gives its parcel.
#[must_use]
pub fn status_from_case(entry: &LedgerEntry) -> ParcelStatus {
    match entry.progress {
        Progress::Revitalized => ParcelStatus::Revitalized,
        Progress::WrittenOff => ParcelStatus::InUse,
        _ => match entry.kind {
            IdleKind::Idle => ParcelStatus::Idle,
            IdleKind::LowEfficiency | IdleKind::IdleFactory => ParcelStatus::LowEfficiency,
        },
    }
}

/// A parcel's status now: from its current case when it has one, else as the file says.
#[must_use]
pub fn current_status(
    file_status: Option<ParcelStatus>,
    case: Option<&LedgerEntry>,
) -> Option<ParcelStatus> {
    case.map_or(file_status, |c| Some(status_from_case(c)))
}

/// What the figures need to know of a case to decide whether it counts.
#[derive(Debug, Clone, Copy)]
pub struct CaseKey<'a> {
    pub id: i64,
    pub parcel_no: &'a str,
    pub open: bool,
    /// Voided (作废): in the history, in no figure.
    pub voided: bool,
}

impl<'a> From<&'a StoredEntry> for CaseKey<'a> {
    fn from(s: &'a StoredEntry) -> Self {
        Self {
            id: s.id,
            parcel_no: &s.entry.parcel_no,
            open: is_open(&s.entry),
            voided: s.deleted,
        }
    }
}

/// How each case counts in the figures, by position in the list given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCounts {
    /// `counts[i]`: case `i` is in the figures (live, and not a duplicate open case).
    pub counts: Vec<bool>,
    /// Positions of open cases left out because their parcel has a newer open case
    /// (重复登记), in list order.
    pub duplicates: Vec<usize>,
}

/// Decides which cases count: every live case, except that a parcel with several open cases
/// counts only its newest (highest id). One rule for the SQL summary and every other figure.
#[must_use]
pub fn count_cases<'a>(cases: impl IntoIterator<Item = CaseKey<'a>>) -> CaseCounts {
    let keys: Vec<CaseKey<'a>> = cases.into_iter().collect();
    let mut newest_open: HashMap<&str, (i64, usize)> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        if key.open && !key.voided {
            newest_open
                .entry(key.parcel_no)
                .and_modify(|best| {
                    if key.id > best.0 {
                        *best = (key.id, i);
                    }
                })
                .or_insert((key.id, i));
        }
    }
    let mut counts = Vec::with_capacity(keys.len());
    let mut duplicates = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let duplicate =
            key.open && !key.voided && newest_open.get(key.parcel_no).is_some_and(|&(_, j)| j != i);
        if duplicate {
            duplicates.push(i);
        }
        counts.push(!key.voided && !duplicate);
    }
    CaseCounts { counts, duplicates }
}

/// Each parcel number's current case (position in `cases`): its newest open case, else its
/// newest case. Voided cases are never current.
#[must_use]
pub fn current_cases(cases: &[StoredEntry]) -> HashMap<&str, usize> {
    let mut current: HashMap<&str, usize> = HashMap::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate().filter(|(_, c)| !c.deleted) {
        current
            .entry(case.entry.parcel_no.as_str())
            .and_modify(|j| {
                let other = &cases[*j];
                let rank = |s: &StoredEntry| (is_open(&s.entry), s.id);
                if rank(case) > rank(other) {
                    *j = i;
                }
            })
            .or_insert(i);
    }
    current
}

/// The 预警 of one parcel.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent alerts, any may hold"
)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// Past the case's deadline and not closed (逾期).
    pub overdue: bool,
    /// Idle a year or more and not closed (闲置满一年).
    pub over_one_year: bool,
    /// Idle two years or more and not closed (闲置满两年).
    pub over_two_years: bool,
    /// The file marks the parcel 闲置 or 低效 and the ledger has no case for it (未登记).
    pub unregistered: bool,
    /// The parcel has more than one open case (重复登记).
    pub duplicate: bool,
}

impl Alert {
    /// The alerts a case raises on `today`.
    #[must_use]
    pub fn of_case(entry: &LedgerEntry, today: Date) -> Self {
        Self {
            overdue: entry.is_overdue(today),
            over_one_year: entry.idle_over_one_year(today),
            over_two_years: entry.idle_over_two_years(today),
            unregistered: false,
            duplicate: false,
        }
    }

    /// Any alert at all.
    #[must_use]
    pub fn any(self) -> bool {
        self.overdue
            || self.over_one_year
            || self.over_two_years
            || self.unregistered
            || self.duplicate
    }

    /// Overdue, idle two years and more, or registered twice: drawn red.
    #[must_use]
    pub fn is_severe(self) -> bool {
        self.overdue || self.over_two_years || self.duplicate
    }

    /// What the alert is about, e.g. `逾期、闲置满两年`.
    #[must_use]
    pub fn reasons(self, lang: Lang) -> String {
        let mut what = Vec::new();
        if self.duplicate {
            what.push(lang.pick("重复登记", "registered twice"));
        }
        if self.unregistered {
            what.push(lang.pick("未登记", "not registered"));
        }
        if self.overdue {
            what.push(lang.pick("逾期", "overdue"));
        }
        if self.over_two_years {
            what.push(lang.pick("闲置满两年", "idle 2 years+"));
        } else if self.over_one_year {
            what.push(lang.pick("闲置满一年", "idle 1 year+"));
        }
        what.join(lang.pick("、", ", "))
    }
}

/// Where one parcel stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParcelStanding {
    /// Position of its current case in the case list.
    pub case: Option<usize>,
    /// Its status now.
    pub status: Option<ParcelStatus>,
    pub alert: Alert,
}

/// Where every parcel of a park stands, and how every case counts, on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The day alerts are counted to (the local date).
    pub today: Date,
    /// One per parcel, in park order.
    pub parcels: Vec<ParcelStanding>,
    /// How each case counts, by position in the case list.
    pub cases: CaseCounts,
    /// Each parcel number's current case.
    current: HashMap<String, usize>,
}

impl Standing {
    /// Computes the standing of `park` with the ledger's `cases` (voided ones may be among
    /// them; they count nowhere) on `today`.
    #[must_use]
    pub fn compute(park: &Park, cases: &[StoredEntry], today: Date) -> Self {
        let counts = count_cases(cases.iter().map(CaseKey::from));
        let current = current_cases(cases);
        let mut duplicated: HashMap<&str, usize> = HashMap::new();
        for &i in &counts.duplicates {
            if let Some(case) = cases.get(i) {
                *duplicated.entry(case.entry.parcel_no.as_str()).or_default() += 1;
            }
        }
        let parcels = park
            .parcels
            .iter()
            .map(|parcel| {
                let case = current.get(parcel.parcel_no.as_str()).copied();
                let entry = case.and_then(|i| cases.get(i)).map(|s| &s.entry);
                let mut alert = entry.map_or_else(Alert::default, |e| Alert::of_case(e, today));
                alert.unregistered = entry.is_none() && parcel.is_idle_or_low();
                alert.duplicate = duplicated.contains_key(parcel.parcel_no.as_str());
                ParcelStanding {
                    case,
                    status: current_status(parcel.status, entry),
                    alert,
                }
            })
            .collect();
        Self {
            today,
            parcels,
            current: current
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            cases: counts,
        }
    }

    /// A parcel's standing (the default, no case and no status, for an index out of range).
    #[must_use]
    pub fn of(&self, parcel: usize) -> ParcelStanding {
        self.parcels.get(parcel).copied().unwrap_or_default()
    }

    /// A parcel's status now.
    #[must_use]
    pub fn status(&self, parcel: usize) -> Option<ParcelStatus> {
        self.of(parcel).status
    }

    /// A parcel's current case.
    #[must_use]
    pub fn case<'c>(&self, parcel: usize, cases: &'c [StoredEntry]) -> Option<&'c StoredEntry> {
        self.of(parcel).case.and_then(|i| cases.get(i))
    }

    /// The current case of a parcel number (also one that is not in the park).
    #[must_use]
    pub fn case_of<'c>(
        &self,
        parcel_no: &str,
        cases: &'c [StoredEntry],
    ) -> Option<&'c StoredEntry> {
        self.current.get(parcel_no).and_then(|&i| cases.get(i))
    }

    /// Whether case `i` counts in the figures.
    #[must_use]
    pub fn counts(&self, case: usize) -> bool {
        self.cases.counts.get(case).copied().unwrap_or(false)
    }

    /// Parcels under any 预警.
    #[must_use]
    pub fn alert_count(&self) -> usize {
        self.parcels.iter().filter(|p| p.alert.any()).count()
    }

    /// Is the parcel idle or low-efficiency now?
    #[must_use]
    pub fn is_idle_or_low(&self, parcel: usize) -> bool {
        self.status(parcel)
            .is_some_and(ParcelStatus::is_idle_or_low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Ledger;
    use jiff::civil::date;

    fn sample() -> (Park, Vec<StoredEntry>) {
        let park = crate::sample::sample_park().expect("sample park");
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        ledger.seed_sample(&park, "test").expect("seed");
        let cases = ledger.list().expect("list");
        (park, cases)
    }

    #[test]
    fn a_revitalized_case_makes_its_parcel_revitalized() {
        let (park, cases) = sample();
        let standing = Standing::compute(&park, &cases, date(2026, 1, 1));
        let mut revitalized = 0;
        for (i, parcel) in park.parcels.iter().enumerate() {
            let Some(case) = standing.case(i, &cases) else {
                assert_eq!(standing.status(i), parcel.status, "{}", parcel.parcel_no);
                continue;
            };
            if case.entry.progress == Progress::Revitalized {
                revitalized += 1;
                assert_eq!(standing.status(i), Some(ParcelStatus::Revitalized));
            } else {
                assert!(standing.is_idle_or_low(i), "{}", parcel.parcel_no);
            }
        }
        assert_eq!(revitalized, 5);
    }

    #[test]
    fn the_open_case_is_current_and_a_second_open_case_is_a_duplicate() {
        let (park, mut cases) = sample();
        let i = park
            .parcels
            .iter()
            .position(|p| p.parcel_no == "LJ-3302")
            .expect("LJ-3302");
        let open = cases
            .iter()
            .find(|c| c.entry.parcel_no == "LJ-3302")
            .cloned()
            .expect("case");
        assert!(is_open(&open.entry));
        let mut second = open.clone();
        second.id = 1000;
        cases.push(second);
        let standing = Standing::compute(&park, &cases, date(2026, 1, 1));
        assert_eq!(standing.case(i, &cases).map(|c| c.id), Some(1000));
        assert!(standing.of(i).alert.duplicate);
        let position = cases.iter().position(|c| c.id == open.id).expect("pos");
        assert_eq!(standing.cases.duplicates, vec![position]);
        assert!(!standing.counts(position));
        assert!(standing.counts(cases.len() - 1));
    }

    #[test]
    fn an_idle_parcel_without_a_case_is_unregistered() {
        let (park, cases) = sample();
        let standing = Standing::compute(&park, &[], date(2026, 1, 1));
        for (i, parcel) in park.parcels.iter().enumerate() {
            assert_eq!(standing.of(i).alert.unregistered, parcel.is_idle_or_low());
        }
        let standing = Standing::compute(&park, &cases, date(2026, 1, 1));
        assert!(standing.parcels.iter().all(|p| !p.alert.unregistered));
    }

    #[test]
    fn a_closed_case_yields_to_a_newer_open_one() {
        let (_, mut cases) = sample();
        let closed = cases
            .iter()
            .find(|c| c.entry.progress == Progress::Revitalized)
            .cloned()
            .expect("revitalized case");
        let mut reopened = closed.clone();
        reopened.id = 500;
        reopened.entry.progress = Progress::Identified;
        cases.insert(0, reopened);
        let current = current_cases(&cases);
        assert_eq!(current.get(closed.entry.parcel_no.as_str()), Some(&0));
        let counts = count_cases(cases.iter().map(CaseKey::from));
        assert!(counts.duplicates.is_empty());
        assert!(counts.counts.iter().all(|&c| c));
    }
}
