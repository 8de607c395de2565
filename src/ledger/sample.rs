//! The sample ledger for the sample park: its 13 idle and low-efficiency parcels, disposed of
//! by the park's five methods, with 120 亩 of land and 44,000 m² of factory floor brought back
//! into use, as in the park's annual summary. Loaded only into a new ledger, only with the
//! sample park.

use crate::model::{
    CauseClass, DisposalMethod, IdleKind, IdleSubtype, LedgerEntry, ParcelStatus, Park, Progress,
};
use crate::units::m2_from_mu;
use jiff::civil::date;

/// Revitalized land of the sample ledger (亩).
pub const SAMPLE_REVITALIZED_LAND_MU: f64 = 120.0;
/// Revitalized factory floor of the sample ledger (m²).
pub const SAMPLE_REVITALIZED_BUILDING_M2: f64 = 44_000.0;

/// Ledger entries (with the parcel geometry as GeoJSON) for the park's idle and
/// low-efficiency parcels, in parcel-number order.
#[must_use]
pub fn sample_entries(park: &Park) -> Vec<(LedgerEntry, Option<String>)> {
    let mut parcels: Vec<_> = park.parcels.iter().filter(|p| p.is_idle_or_low()).collect();
    parcels.sort_by(|a, b| a.parcel_no.cmp(&b.parcel_no));

    // Which cases are revitalized: every other one, five in all (at least the five largest
    // would also do); their land shares are proportional to their areas.
    let revitalized: Vec<usize> = (0..parcels.len()).filter(|i| i % 3 == 0).take(5).collect();
    let revitalized_area: f64 = revitalized
        .iter()
        .filter_map(|&i| parcels.get(i))
        .map(|p| p.area_m2)
        .sum();
    let land_share = |i: usize| {
        parcels.get(i).map_or(0.0, |p| {
            m2_from_mu(SAMPLE_REVITALIZED_LAND_MU) * p.area_m2 / revitalized_area
        })
    };
    let floor_shares = [0.27, 0.22, 0.18, 0.17, 0.16];
    let units = [
        "园区管委会规划建设局",
        "梁产城新区管理办公室",
        "两江工业区管理办公室",
        "吴溪工业区管理办公室",
    ];
    let projects = [
        "秦岭新材料科技项目",
        "汉水智能装备项目",
        "梁川绿色食品加工项目",
        "溪南电子元件项目",
        "园区标准厂房招商项目",
    ];
    let progress_cycle = [
        Progress::Disposing,
        Progress::Disposed,
        Progress::Identified,
        Progress::Disposing,
    ];

    parcels
        .iter()
        .enumerate()
        .map(|(i, parcel)| {
            let idle = parcel.status == Some(ParcelStatus::Idle);
            let method = DisposalMethod::PARK_FIVE[i % DisposalMethod::PARK_FIVE.len()];
            let year = 2021 + i16::try_from(i % 3).unwrap_or(0);
            let month = 1 + i8::try_from(i % 12).unwrap_or(0);
            let mut entry = LedgerEntry {
                parcel_no: parcel.parcel_no.clone(),
                district: parcel.district.clone(),
                holder: parcel.holder.clone(),
                parcel_area_m2: parcel.area_m2,
                idle_land_m2: parcel.area_m2,
                idle_building_m2: if idle {
                    0.0
                } else {
                    3_000.0 + 500.0 * i as f64
                },
                kind: if idle {
                    IdleKind::Idle
                } else {
                    IdleKind::LowEfficiency
                },
                subtype: Some(match (idle, i % 2) {
                    (true, 0) => IdleSubtype::NotStartedOneYear,
                    (true, _) => IdleSubtype::Underdeveloped,
                    (false, 0) => IdleSubtype::BuiltNotOperating,
                    (false, _) => IdleSubtype::LowYieldPerMu,
                }),
                cause: match method {
                    DisposalMethod::JudicialAuction => CauseClass::JudicialSeizure,
                    DisposalMethod::LegalBuyback => CauseClass::Government,
                    _ => CauseClass::Enterprise,
                },
                cause_text: match method {
                    DisposalMethod::JudicialAuction => "企业涉诉，土地及厂房被法院查封".to_owned(),
                    DisposalMethod::LegalBuyback => "规划调整，项目无法按期建设".to_owned(),
                    _ => "企业资金链紧张，项目停建".to_owned(),
                },
                identified_on: Some(date(year + 1, month, 15)),
                agreed_start_on: Some(date(year - 1, month, 1)),
                idle_since: Some(date(year, month, 1)),
                deadline: Some(date(2025 + i16::try_from(i % 2).unwrap_or(0), 12, 31)),
                completed_on: None,
                methods: vec![method],
                method_other: String::new(),
                progress: progress_cycle[i % progress_cycle.len()],
                revitalized_land_m2: 0.0,
                revitalized_building_m2: 0.0,
                new_project: String::new(),
                investment_10k_yuan: 0.0,
                responsible_unit: units[i % units.len()].to_owned(),
                notes: String::new(),
            };
            if let Some(k) = revitalized.iter().position(|&r| r == i) {
                entry.progress = Progress::Revitalized;
                entry.revitalized_land_m2 = land_share(i);
                entry.revitalized_building_m2 = SAMPLE_REVITALIZED_BUILDING_M2 * floor_shares[k];
                entry.completed_on = Some(date(2025, 3 + i8::try_from(k).unwrap_or(0), 20));
                projects[k].clone_into(&mut entry.new_project);
                entry.investment_10k_yuan = 3_000.0 + 1_500.0 * k as f64;
            }
            let geometry = geojson::GeometryValue::from(&parcel.geometry).to_string();
            (entry, Some(geometry))
        })
        .collect()
}

/// One dated change of the sample ledger's history.
pub type SampleStep = super::DatedChange;

/// The sample ledger's history over two years (2024 and 2025): each case registered in the
/// first half of 2024 (待认定 when its 认定 came later), confirmed, disposed of and revitalized
/// on believable dates, ending exactly at [`sample_entries`]. Sorted by time; written by
/// [`super::Ledger::write_history`].
#[must_use]
pub fn sample_history(park: &Park) -> Vec<SampleStep> {
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    let at = |day: jiff::civil::Date, minute: usize| {
        let minute = i8::try_from(minute % 60).unwrap_or(0);
        day.at(9, minute, 0, 0)
            .to_zoned(zone.clone())
            .map_or(jiff::Timestamp::UNIX_EPOCH, |z| z.timestamp())
    };
    let days = |n: usize| jiff::Span::new().days(i64::try_from(n).unwrap_or(0));
    let mut steps = Vec::new();
    for (i, (last, geometry)) in sample_entries(park).into_iter().enumerate() {
        let registered = date(2024, 1, 8)
            .checked_add(days(11 * i))
            .unwrap_or(date(2024, 1, 8));
        let identified = last.identified_on.unwrap_or(registered);
        // The planned method is known from the start; what disposal brings comes with it.
        let mut entry = last.clone();
        entry.completed_on = None;
        entry.revitalized_land_m2 = 0.0;
        entry.revitalized_building_m2 = 0.0;
        entry.new_project = String::new();
        entry.investment_10k_yuan = 0.0;
        let mut push = |day: jiff::civil::Date, entry: &LedgerEntry, geometry: Option<String>| {
            steps.push(super::DatedChange {
                at: at(day, i),
                entry: entry.clone(),
                geometry,
            });
        };
        // Registered: confirmed already, or waiting for its 认定.
        let confirmed_on = if identified <= registered {
            entry.progress = Progress::Identified;
            push(registered, &entry, geometry);
            registered
        } else {
            entry.progress = Progress::Pending;
            entry.identified_on = None;
            push(registered, &entry, geometry);
            let day = identified.max(registered.checked_add(days(30)).unwrap_or(registered));
            entry.progress = Progress::Identified;
            entry.identified_on = last.identified_on;
            push(day, &entry, None);
            day
        };
        if last.progress.needs_method() {
            // Disposal starts four months after the 认定, before any completion.
            let mut day = confirmed_on.checked_add(days(120)).unwrap_or(confirmed_on);
            if let Some(done) = last.completed_on {
                day = day.min(done.checked_sub(days(45)).unwrap_or(done));
            }
            entry.progress = Progress::Disposing;
            push(day, &entry, None);
            if last.progress == Progress::Disposed {
                push(day.checked_add(days(150)).unwrap_or(day), &last, None);
            }
            if let Some(done) = last.completed_on {
                push(done.checked_add(days(3)).unwrap_or(done), &last, None);
            }
        }
    }
    steps.sort_by_key(|s| s.at);
    steps
}
