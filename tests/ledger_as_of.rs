//! The ledger as of any date (时间轴), rebuilt from the event history, on both back ends.

use crate::conformance::Subject;
use parkland::ledger::as_of::AsOf;
use parkland::ledger::{Action, Ledger, StoredEntry, sample_history};
use parkland::model::Progress;
use std::collections::BTreeMap;

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn state(ledger: &Ledger) -> AsOf {
    AsOf {
        entries: ok(ledger.list()),
        voided: ok(ledger.list_voided()),
    }
}

fn second_after(at: jiff::Timestamp) -> jiff::Timestamp {
    at + jiff::SignedDuration::from_secs(1)
}

conformance!(
    the_ledger_as_of_each_change_is_what_the_store_held_right_after_it,
    a_history_is_written_forward_only,
);

/// The sample's two years written change by change: the ledger rebuilt as of each change's
/// time (and as of the end of each day) is exactly what the store held right after it (ids,
/// versions, values, voided, who and when), and nothing before the first. Then live changes
/// (an edit, a void, a restore, a correction) are rebuilt as of now.
fn the_ledger_as_of_each_change_is_what_the_store_held_right_after_it(subject: &Subject) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    let history = sample_history(&park);
    assert!(history.len() > 13, "more than one change per case");
    let first = history.first().map(|c| c.at).unwrap_or_default();
    let last = history.last().map(|c| c.at).unwrap_or_default();
    assert!(
        first.to_string().starts_with("2024") && last.to_string().starts_with("2025"),
        "over 2024 and 2025: {first} to {last}"
    );
    let mut held = Vec::new();
    for change in &history {
        assert_eq!(
            ok(ledger.write_history(std::slice::from_ref(change), "op")),
            1
        );
        held.push((change.at, state(&ledger)));
    }
    assert_eq!(
        ok(ledger.as_of(first)),
        AsOf::default(),
        "nothing before the first"
    );
    for (at, expected) in &held {
        assert_eq!(&ok(ledger.as_of(second_after(*at))), expected, "as of {at}");
    }
    // By day, in the office's zone: the state after that day's last change.
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    let mut by_day: BTreeMap<jiff::civil::Date, &AsOf> = BTreeMap::new();
    for (at, expected) in &held {
        by_day.insert(at.to_zoned(zone.clone()).date(), expected);
    }
    for (day, expected) in by_day {
        let end = parkland::time::end_of_day_in(day, &zone);
        assert_eq!(&ok(ledger.as_of(end)), expected, "as of the end of {day}");
    }
    // The figures at the end of each year come from the same function as today's.
    let end_2024 = parkland::time::end_of_day_in(jiff::civil::date(2024, 12, 31), &zone);
    let at_2024 = parkland::stats::ledger_summary(&ok(ledger.as_of(end_2024)).entries);
    let now = parkland::stats::ledger_summary(&ok(ledger.list()));
    assert_eq!(at_2024.entries, 13, "every case registered in 2024");
    assert!(
        at_2024.revitalized_land_m2.abs() < f64::EPSILON,
        "nothing revitalized before 2025"
    );
    assert!((parkland::units::mu_from_m2(now.revitalized_land_m2) - 120.0).abs() < 1e-6);

    // Live changes on top of the history, rebuilt as of a second after them.
    let cases = ok(ledger.list());
    let open: Vec<&StoredEntry> = cases
        .iter()
        .filter(|c| c.entry.progress == Progress::Identified)
        .collect();
    let (a, b) = (open[0], open[1]);
    let mut edited = a.entry.clone();
    "现场复核".clone_into(&mut edited.notes);
    ok(ledger.update(a.id, a.version, &edited, "op", Action::Update));
    ok(ledger.void(b.id, b.version, "重复登记", "op"));
    let voided = ok(ledger.get(b.id)).expect("voided");
    ok(ledger.restore(b.id, voided.version, "op"));
    let restored = ok(ledger.get(b.id)).expect("restored");
    ok(ledger.void(b.id, restored.version, "确认重复", "op"));
    let mut corrected = edited.clone();
    corrected.progress = Progress::Pending;
    ok(ledger.correct(a.id, a.version + 1, &corrected, "认定有误", "op"));
    let now = second_after(jiff::Timestamp::now());
    let rebuilt = ok(ledger.as_of(now));
    assert_eq!(rebuilt, state(&ledger));
    assert!(
        rebuilt.voided.iter().any(|c| c.id == b.id),
        "voided as of now"
    );
}

/// A history only grows forward: a change dated before the last recorded one is refused and
/// nothing is written.
fn a_history_is_written_forward_only(subject: &Subject) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    let history = sample_history(&park);
    ok(ledger.write_history(&history[1..], "op"));
    let events = ok(ledger.event_count());
    let error = ledger
        .write_history(&history[..1], "op")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("forward only"), "{error}");
    assert_eq!(ok(ledger.event_count()), events, "nothing written");
}

/// `summary --as-of`: the sample's figures at the end of each year, from the same function
/// as today's (nothing registered before 2024; all 13 cases and nothing revitalized at the
/// end of 2024; 120 亩 and 44,000 m² revitalized by the end of 2025).
#[test]
fn the_summary_as_of_a_date_gives_that_days_figures() {
    use crate::cli::{fresh_home, json_of, parkland_in};
    let home = fresh_home("as-of-summary");
    let at = |day: &str| {
        json_of(&parkland_in(
            &home,
            "Asia/Shanghai",
            &["summary", "--json", "--as-of", day],
        ))
    };
    let before = at("2023-12-31");
    assert_eq!(before["ledger"]["entries"], 0, "{before}");
    assert_eq!(before["as_of"], "2023-12-31");
    let end_2024 = at("2024-12-31");
    assert_eq!(end_2024["ledger"]["entries"], 13);
    assert_eq!(end_2024["ledger"]["revitalized_land_m2"], 0.0);
    let end_2025 = at("2025-12-31");
    let mu = end_2025["ledger"]["revitalized_land_m2"]
        .as_f64()
        .unwrap_or_default()
        / (10_000.0 / 15.0);
    assert!((mu - 120.0).abs() < 1e-6, "{end_2025}");
    assert_eq!(end_2025["ledger"]["revitalized_building_m2"], 44_000.0);
    // Idle parcels on that day: the 13 less the 5 revitalized in 2025.
    assert_eq!(end_2025["total"]["idle_parcels"], 8, "{end_2025}");
    let today = json_of(&parkland_in(&home, "Asia/Shanghai", &["summary", "--json"]));
    assert_eq!(
        today["ledger"], end_2025["ledger"],
        "nothing changed after 2025"
    );
    let bad = parkland_in(&home, "UTC", &["summary", "--as-of", "2024-13-01"]);
    assert_eq!(bad.status.code(), Some(2), "a bad date is refused");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("not a date"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

/// `ledger list --as-of` ends the day in the user's time zone: WX-1102's 认定 was recorded
/// at 09:11 on 2024-12-15 in Shanghai, which is still 2024-12-14 in Los Angeles.
#[test]
fn a_day_ends_where_the_user_is() {
    use crate::cli::{fresh_home, json_of, parkland_in};
    let home = fresh_home("as-of-zone");
    let progress_of = |tz: &str| {
        let list = json_of(&parkland_in(
            &home,
            tz,
            &["ledger", "list", "--json", "--as-of", "2024-12-14"],
        ));
        list.as_array()
            .and_then(|cases| cases.iter().find(|c| c["parcel_no"] == "WX-1102"))
            .map(|c| c["progress"].clone())
            .unwrap_or_default()
    };
    assert_eq!(progress_of("Asia/Shanghai"), "pending");
    assert_eq!(progress_of("America/Los_Angeles"), "identified");
}

/// `report --as-of 2025-12-31 --compare 2024-12-31`: the workbook holds the comparison, its
/// totals the change the two summaries give.
#[test]
fn a_report_compares_two_dates() {
    use crate::cli::{fresh_home, parkland_in, stdout};
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let home = fresh_home("as-of-report");
    let out = home.join("report.xlsx");
    let run = parkland_in(
        &home,
        "Asia/Shanghai",
        &[
            "report",
            "--out",
            &out.display().to_string(),
            "--as-of",
            "2025-12-31",
            "--compare",
            "2024-12-31",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stdout(&run));
    let mut book: Xlsx<_> = ok(open_workbook(&out));
    let sheet = ok(book.worksheet_range("汇总"));
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let title = rows
        .iter()
        .position(|r| matches!(r.first(), Some(Data::String(t)) if t.starts_with("年度对比：盘活") && t.contains("2024-12-31 → 2025-12-31")))
        .unwrap_or_else(|| panic!("the comparison: {rows:?}"));
    let total = rows[title..]
        .iter()
        .find(|r| matches!(r.first(), Some(Data::String(t)) if t == "园区合计"))
        .unwrap_or_else(|| panic!("its total"));
    let number = |i: usize| match total.get(i) {
        Some(Data::Float(v)) => *v,
        other => panic!("{other:?}"),
    };
    // 盘活土地 期初, 期末, 增减; 盘活厂房 期初, 期末, 增减.
    assert!(number(1).abs() < 1e-9);
    assert!((number(2) - 120.0).abs() < 0.005);
    assert!((number(3) - 120.0).abs() < 0.005);
    assert!((number(6) - 44_000.0).abs() < 0.5);
}

/// A ledger too large for one reader (20,001 cases, read in pieces on several connections;
/// on the server each piece reads the span index), with two changes to every case a quarter
/// apart, copied from a file onto the server in one statement: as of days before, during and
/// after the changes the server rebuilds exactly what the file does. Then a change made on
/// the server is in its ledger as of now and not as of a moment before it.
#[test]
fn a_large_ledger_on_the_server_rebuilds_as_its_file_does() {
    use parkland::ledger::DatedChange;
    use parkland::model::{IdleKind, LedgerEntry};
    let Some(subject) = Subject::server("asof_large") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("parkland-asof-large-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let start: jiff::Timestamp = "2024-01-01T01:00:00Z".parse().expect("time");
    let mut changes = Vec::new();
    for i in 0..20_001_i64 {
        for round in 0..2_i64 {
            let entry = LedgerEntry {
                parcel_no: format!("LJ-{i:06}"),
                district: Some("LJ".to_owned()),
                parcel_area_m2: 30_000.0,
                idle_land_m2: 1_000.0 + i as f64,
                kind: if i % 2 == 0 {
                    IdleKind::Idle
                } else {
                    IdleKind::LowEfficiency
                },
                notes: format!("change {round}"),
                ..LedgerEntry::default()
            };
            changes.push(DatedChange {
                at: start + jiff::SignedDuration::from_mins(i + round * 91 * 24 * 60),
                entry,
                geometry: None,
            });
        }
    }
    changes.sort_by_key(|c| c.at);
    let source = {
        let mut file = ok(Ledger::open(&dir.join("large.sqlite")));
        assert_eq!(ok(file.write_history(&changes, "op")), 40_002);
        file
    };
    let mut server = subject.open();
    ok(source.copy_to(&mut server, false));
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    for (y, m, d) in [
        (2023, 12, 31),
        (2024, 1, 1),
        (2024, 2, 1),
        (2024, 4, 1),
        (2025, 1, 1),
    ] {
        let end = parkland::time::end_of_day_in(jiff::civil::date(y, m, d), &zone);
        let file = ok(source.as_of(end));
        assert_eq!(ok(server.as_of(end)), file, "as of {y}-{m}-{d}");
        let present = match (y, m, d) {
            (2023, ..) => 0,
            (2024, 1, 1) => 900, // registered by 16:00 UTC: minutes 0 to 899
            _ => 20_001,
        };
        assert_eq!(file.entries.len(), present, "as of {y}-{m}-{d}");
    }
    // A second back: the instant is rounded up to the whole second the events are kept in.
    let before = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1);
    let case = ok(server.list()).swap_remove(17);
    let mut edited = case.entry.clone();
    edited.notes = "现场复核".to_owned();
    ok(server.update(case.id, case.version, &edited, "op", Action::Update));
    let now = ok(server.as_of(second_after(jiff::Timestamp::now())));
    assert_eq!(now, state(&server));
    assert_eq!(now.entries[17].entry.notes, "现场复核");
    let then = ok(server.as_of(before));
    assert_eq!(then.entries[17].entry.notes, "change 1");
    assert_eq!(then.entries[17].version, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
