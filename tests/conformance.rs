//! One ledger, two back ends: every test here runs against a SQLite file and against a
//! PostgreSQL server (`PARKLAND_TEST_PG`, a superuser's URL: each test gets a database of its
//! own, made by `parkland db init`'s code). Without `PARKLAND_TEST_PG` the server half says it
//! skipped; with `PARKLAND_STRICT=1` it fails instead.

use parkland::ledger::{Action, Ledger, LedgerError, Location};
use parkland::model::{DisposalMethod, EnterpriseFigures, IdleKind, LedgerEntry, Progress};
use parkland::units::mu_from_m2;

/// A ledger under test: where it is, and how to open more connections to it.
pub struct Subject {
    pub location: Location,
    /// The account a server records on every change (`None` for a file, which records the
    /// operator the program names).
    pub account: Option<String>,
    /// The test server's database, dropped when the test ends.
    database: Option<(String, String)>,
}

impl Drop for Subject {
    fn drop(&mut self) {
        if let Some((admin, db)) = &self.database
            && let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
        }
    }
}

impl Subject {
    /// A fresh ledger file.
    pub fn file(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "parkland-conformance-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        Self {
            location: Location::File(dir.join("ledger.sqlite")),
            account: None,
            database: None,
        }
    }

    /// A fresh database on the test server with the ledger's schema, connected to as the
    /// server's superuser; `None` (the test said it skipped) without a server.
    pub fn server(name: &str) -> Option<Self> {
        let Some(admin) = test_server() else {
            crate::skip_or_fail(
                "PARKLAND_TEST_PG is not set (tools/pg-dev.sh starts a server): the PostgreSQL half of the ledger tests did not run",
            );
            return None;
        };
        let db = format!("pl{}_{name}", std::process::id());
        let db: String = db.chars().take(63).collect();
        let url = fresh_ledger(&admin, &db);
        let account = user_of(&url);
        Some(Self {
            location: Location::Server(url),
            account: Some(account),
            database: Some((admin, db)),
        })
    }

    /// A new connection to the ledger.
    pub fn open(&self) -> Ledger {
        self.location.open().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Who the ledger records for a change made naming `operator`.
    pub fn recorded(&self, operator: &str) -> String {
        self.account.clone().unwrap_or_else(|| operator.to_owned())
    }

    /// The server URL, for a server subject.
    pub fn url(&self) -> Option<&str> {
        match &self.location {
            Location::Server(url) => Some(url),
            Location::File(_) => None,
        }
    }
}

/// A login role on the server at `url` (made by its superuser), kept if it is there already.
/// A new, empty database `db` on the server at `admin` (dropped first if it is there), as a
/// URL for the same account.
pub fn fresh_database(admin: &str, db: &str) -> String {
    let mut client = postgres::Client::connect(admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("the test server {}: {e}", shown(admin)));
    // One statement at a time: CREATE DATABASE runs outside any transaction.
    for statement in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        client
            .batch_execute(&statement)
            .unwrap_or_else(|e| panic!("{statement}: {e:?}"));
    }
    with_database(admin, db)
}

/// [`fresh_database`] with the ledger's schema (`db init`).
pub fn fresh_ledger(admin: &str, db: &str) -> String {
    let url = fresh_database(admin, db);
    parkland::ledger::server::init(&url).unwrap_or_else(|e| panic!("db init: {e}"));
    url
}

pub fn login_role(url: &str, name: &str, password: &str) {
    let mut admin = postgres::Client::connect(url, postgres::NoTls).expect("superuser");
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE {name} LOGIN PASSWORD '{password}'; \
             EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
}

/// The password of a URL (`postgresql://user:PASSWORD@host/db`), empty when it has none.
pub fn password_of(url: &str) -> String {
    url.parse::<postgres::Config>()
        .ok()
        .and_then(|c| {
            c.get_password()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        })
        .unwrap_or_default()
}

/// Runs the binary with a data folder of its own (`tag`) and no `PARKLAND_LEDGER`.
pub fn parkland_cli(tag: &str, args: &[&str]) -> std::process::Output {
    let home = std::env::temp_dir().join(format!("parkland-{tag}-{}", std::process::id()));
    std::process::Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(args)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("PARKLAND_LEDGER")
        .output()
        .unwrap_or_else(|e| panic!("cannot run parkland: {e}"))
}

/// What a run printed, on both streams.
pub fn output_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The user of a URL (`postgresql://user:…@host/db`).
pub fn user_of(url: &str) -> String {
    url.parse::<postgres::Config>()
        .ok()
        .and_then(|c| c.get_user().map(str::to_owned))
        .unwrap_or_default()
}

/// The superuser's URL of the test server, if one is set.
pub fn test_server() -> Option<String> {
    std::env::var("PARKLAND_TEST_PG")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// The same server URL with another database.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// The same server URL as another account.
pub fn as_account(url: &str, user: &str, password: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{}{user}:{password}@{host}", &url[..scheme_end])
}

fn shown(url: &str) -> String {
    Location::Server(url.to_owned()).to_string()
}

/// Runs a conformance test against both back ends: `sqlite` and `postgresql` tests.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&super::Subject::file(stringify!($name)));
                }
                #[test]
                fn postgresql() {
                    if let Some(subject) = super::Subject::server(stringify!($name)) {
                        super::$name(&subject);
                    }
                }
            }
        )*
    };
}

conformance!(
    create_update_void_restore_each_write_an_event,
    invalid_entries_and_bad_transitions_write_nothing,
    a_stale_save_from_a_second_connection_is_refused,
    a_parcel_has_one_open_case,
    the_sample_ledger_has_the_parks_figures_and_exports,
    the_figures_read_from_the_store_agree_with_the_cases,
    events_read_back_whole_although_stored_without_empty_fields,
    hostile_text_round_trips_exactly,
    enterprise_figures_replace_their_years_only,
    an_import_writes_all_or_nothing,
);

fn ok<T>(result: Result<T, LedgerError>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn case(parcel_no: &str) -> LedgerEntry {
    LedgerEntry {
        parcel_no: parcel_no.to_owned(),
        district: Some("LJ".to_owned()),
        holder: Some("汉梁示例机械有限公司".to_owned()),
        parcel_area_m2: 30_000.0,
        idle_land_m2: 30_000.0,
        kind: IdleKind::LowEfficiency,
        progress: Progress::Identified,
        ..LedgerEntry::default()
    }
}

fn create_update_void_restore_each_write_an_event(subject: &Subject) {
    let mut ledger = subject.open();
    let id = ok(ledger.create(
        &case("LJ-0101"),
        Some(r#"{"type":"Polygon","coordinates":[]}"#),
        "王五",
    ));
    let stored = ok(ledger.get(id)).unwrap_or_else(|| panic!("created"));
    assert_eq!(
        (stored.version, stored.created_by.clone()),
        (1, subject.recorded("王五"))
    );
    assert!(
        stored.created_at.ends_with('Z') && stored.created_at.len() == 20,
        "UTC to the second: {}",
        stored.created_at
    );

    let mut changed = stored.entry.clone();
    changed.progress = Progress::Disposing;
    changed.methods = vec![DisposalMethod::LeasebackCoManagement];
    changed.identified_on = Some(jiff::civil::date(2024, 2, 29));
    let version = ok(ledger.update(id, 1, &changed, "赵六", Action::Update));
    assert_eq!(version, 2);
    assert_eq!(ok(ledger.get(id)).map(|s| s.entry), Some(changed.clone()));

    let history = ok(ledger.history("LJ-0101"));
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0].action.clone(), history[0].operator.clone()),
        ("update".to_owned(), subject.recorded("赵六"))
    );
    assert_eq!(history[0].step, Some(Progress::Disposing));
    assert_eq!(
        history[0].before.as_ref().map(|e| e.progress),
        Some(Progress::Identified)
    );
    assert_eq!(history[0].after.as_ref(), Some(&changed));
    assert_eq!(history[1].action, "create");

    ok(ledger.void(id, 2, "登记错误", "赵六"));
    assert!(ok(ledger.list()).is_empty(), "voided cases leave the list");
    assert_eq!(ok(ledger.list_voided()).len(), 1);
    assert!(
        ok(ledger.get(id)).is_some_and(|s| s.deleted),
        "but stay in the ledger"
    );
    assert_eq!(ok(ledger.event_count()), 3);
    let history = ok(ledger.history("LJ-0101"));
    assert_eq!(history[0].action, "void");
    assert_eq!(history[0].reason.as_deref(), Some("登记错误"));
    ok(ledger.restore(id, 3, "赵六"));
    assert_eq!(ok(ledger.list()).len(), 1);
    // A second connection sees it all.
    let other = subject.open();
    assert_eq!(ok(other.event_count()), 4);
    assert_eq!(ok(other.get(id)).map(|s| s.version), Some(4));
}

fn invalid_entries_and_bad_transitions_write_nothing(subject: &Subject) {
    let mut ledger = subject.open();
    let mut bad = case("LJ-0102");
    bad.revitalized_land_m2 = 40_000.0;
    match ledger.create(&bad, None, "op") {
        Err(LedgerError::Invalid(errors)) => assert_eq!(errors.len(), 1, "{errors:?}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(ok(ledger.event_count()), 0);

    let id = ok(ledger.create(&case("LJ-0102"), None, "op"));
    let mut jump = case("LJ-0102");
    jump.progress = Progress::Pending;
    assert!(matches!(
        ledger.update(id, 1, &jump, "op", Action::Update),
        Err(LedgerError::Transition { .. })
    ));
    assert!(matches!(
        ledger.void(id, 1, "  ", "op"),
        Err(LedgerError::ReasonRequired(_))
    ));
    assert!(matches!(
        ledger.update(id + 1000, 1, &jump, "op", Action::Update),
        Err(LedgerError::NotFound(_))
    ));
    assert_eq!(ok(ledger.event_count()), 1);
    assert_eq!(ok(ledger.get(id)).map(|s| s.version), Some(1));
}

fn a_stale_save_from_a_second_connection_is_refused(subject: &Subject) {
    let mut first = subject.open();
    let mut second = subject.open();
    let id = ok(first.create(&case("LJ-0201"), None, "甲"));

    let mut by_first = case("LJ-0201");
    by_first.notes = "甲的修改".into();
    ok(first.update(id, 1, &by_first, "甲", Action::Update));

    let mut by_second = case("LJ-0201");
    by_second.notes = "乙的修改".into();
    match second.update(id, 1, &by_second, "乙", Action::Update) {
        Err(LedgerError::Stale { by, current, .. }) => {
            assert_eq!(by, subject.recorded("甲"));
            assert_eq!(
                current.entry.notes, "甲的修改",
                "the newer values are returned"
            );
            assert_eq!(current.version, 2);
        }
        other => panic!("expected Stale, got {other:?}"),
    }
    let stored = ok(second.get(id)).unwrap_or_else(|| panic!("exists"));
    assert_eq!(stored.entry.notes, "甲的修改", "no silent overwrite");
    // With the current version the second operator's save goes through.
    ok(second.update(id, 2, &by_second, "乙", Action::Update));
    assert_eq!(ok(first.event_count()), 3);
}

fn a_parcel_has_one_open_case(subject: &Subject) {
    let mut ledger = subject.open();
    let first = ok(ledger.create(&case("WX-0301"), None, "op"));
    match ledger.create(&case("WX-0301"), None, "op") {
        Err(LedgerError::OpenCaseExists { id, .. }) => assert_eq!(id, first),
        other => panic!("expected OpenCaseExists, got {other:?}"),
    }
    assert_eq!(ok(ledger.open_case("WX-0301")), Some(first));
    // Voided, the parcel is free for a new case; the voided one cannot come back over it.
    ok(ledger.void(first, 1, "重复", "op"));
    let second = ok(ledger.create(&case("WX-0301"), None, "op"));
    assert!(matches!(
        ledger.restore(first, 2, "op"),
        Err(LedgerError::OpenCaseExists { id, .. }) if id == second
    ));
    assert_eq!(ok(ledger.list()).len(), 1);
}

pub fn seed(subject: &Subject, ledger: &mut Ledger, park: &parkland::model::Park) {
    // A file this open created is seeded as the window seeds it; a server ledger is never
    // seeded by opening it, so the same history is written by its administrator.
    if subject.account.is_none() {
        assert_eq!(ok(ledger.seed_sample(park, "op")), 13);
        assert_eq!(ok(ledger.seed_sample(park, "op")), 0, "seeded once");
    } else {
        assert_eq!(ok(ledger.seed_sample(park, "op")), 0, "never on a server");
        ok(ledger.write_history(&parkland::ledger::sample_history(park), "op"));
    }
}

fn the_sample_ledger_has_the_parks_figures_and_exports(subject: &Subject) {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = subject.open();
    seed(subject, &mut ledger, &park);
    let summary = parkland::stats::ledger_summary(&ok(ledger.list()));
    assert_eq!(summary.entries, 13);
    assert!((mu_from_m2(summary.idle_area_m2) - 536.0).abs() < 0.005);
    assert!((mu_from_m2(summary.revitalized_land_m2) - 120.0).abs() < 1e-6);
    assert!((summary.revitalized_building_m2 - 44_000.0).abs() < 1e-6);
    for method in DisposalMethod::PARK_FIVE {
        assert!(
            summary.by_method.get(&method).is_some_and(|&n| n >= 2),
            "{method:?}: {:?}",
            summary.by_method
        );
    }
    let dir = std::env::temp_dir().join(format!(
        "parkland-conformance-export-{}-{}",
        std::process::id(),
        subject.account.is_some()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let xlsx = dir.join("ledger.xlsx");
    let table = parkland::export::LedgerTable::new(&ok(ledger.list()), &park);
    parkland::export::write_ledger_xlsx(&table, &xlsx).unwrap_or_else(|e| panic!("{e}"));
    let mut workbook: Xlsx<_> = open_workbook(&xlsx).unwrap_or_else(|e| panic!("{e}"));
    let range = workbook
        .worksheet_range("台账")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(range.height(), 1 + 13 + 1, "header, 13 cases, totals");
    let total_row = range.rows().next_back().unwrap_or_default();
    let total_mu = total_row
        .iter()
        .find_map(|c| match c {
            Data::Float(v) if (*v - 536.0).abs() < 0.01 => Some(*v),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no 536 亩 total in {total_row:?}"));
    assert!((total_mu - 536.0).abs() < 0.01);
}

fn the_figures_read_from_the_store_agree_with_the_cases(subject: &Subject) {
    let park = parkland::sample::sample_park().unwrap_or_else(|e| panic!("{e}"));
    let mut ledger = subject.open();
    seed(subject, &mut ledger, &park);
    let mut extra = case("LJ-0901");
    extra.progress = Progress::Disposing;
    extra.methods = vec![DisposalMethod::LandSwap, DisposalMethod::LegalBuyback];
    let id = ok(ledger.create(&extra, None, "op"));
    let deleted = ok(ledger.create(&case("LJ-0902"), None, "op"));
    ok(ledger.void(deleted, 1, "test", "op"));
    let in_memory = parkland::stats::ledger_summary(&ok(ledger.list()));
    let in_sql = ok(parkland::stats::stored_summary(&ledger));
    assert_eq!(in_sql.entries, 14);
    assert_eq!(in_sql.by_method, in_memory.by_method);
    assert_eq!(in_sql.by_progress, in_memory.by_progress);
    assert!((in_sql.idle_area_m2 - in_memory.idle_area_m2).abs() < 1e-6);
    assert!((in_sql.revitalized_land_m2 - in_memory.revitalized_land_m2).abs() < 1e-6);
    assert!((in_sql.revitalized_building_m2 - in_memory.revitalized_building_m2).abs() < 1e-6);
    assert!(id > 0);
}

fn events_read_back_whole_although_stored_without_empty_fields(subject: &Subject) {
    let mut ledger = subject.open();
    let mut entry = case("LJ-0401");
    entry.cause_text = String::new();
    entry.identified_on = Some(jiff::civil::date(2024, 3, 1));
    let id = ok(ledger.create(&entry, None, "op"));
    let mut changed = entry.clone();
    changed.progress = Progress::Disposing;
    changed.methods = vec![DisposalMethod::JointDevelopment];
    ok(ledger.update(id, 1, &changed, "op", Action::Update));
    let history = ok(ledger.history("LJ-0401"));
    assert_eq!(history[0].before.as_ref(), Some(&entry));
    assert_eq!(history[0].after.as_ref(), Some(&changed));
    assert_eq!(history[1].after.as_ref(), Some(&entry));
}

/// Quotes, SQL, emoji, control characters and 10,000 characters are kept exactly, in the
/// case and in its history.
fn hostile_text_round_trips_exactly(subject: &Subject) {
    let hostile = [
        "O'Brien \"quoted\" `back` \\ slash",
        "'); DROP TABLE ledger_entry; --",
        "$1 $$ :name ?1 %s {0}",
        "😀 闲置土地 \u{200b}zero-width\ttab\nnewline\r\n",
        &"长".repeat(10_000),
    ];
    let mut ledger = subject.open();
    for (i, text) in hostile.iter().enumerate() {
        let mut entry = case(&format!("LJ-H{i}"));
        entry.holder = Some((*text).to_owned());
        (*text).clone_into(&mut entry.notes);
        (*text).clone_into(&mut entry.cause_text);
        let id = ok(ledger.create(&entry, None, "op"));
        let stored = ok(subject.open().get(id)).unwrap_or_else(|| panic!("stored"));
        assert_eq!(stored.entry, entry, "text {i}");
        ok(ledger.void(id, 1, text, "op"));
        let history = ok(ledger.history(&entry.parcel_no));
        // A reason is trimmed (it must not be blank); inside, it is kept exactly.
        assert_eq!(
            history[0].reason.as_deref(),
            Some(text.trim()),
            "reason {i}"
        );
        assert_eq!(history[1].after.as_ref(), Some(&entry));
    }
    assert_eq!(ok(ledger.list_voided()).len(), hostile.len());
}

fn enterprise_figures_replace_their_years_only(subject: &Subject) {
    let figure = |enterprise: &str, year: i16, tax: f64| EnterpriseFigures {
        enterprise: enterprise.to_owned(),
        year,
        output_10k_yuan: tax * 10.0,
        tax_10k_yuan: tax,
        investment_10k_yuan: 0.0,
    };
    let mut ledger = subject.open();
    ok(ledger.replace_enterprise_figures(
        &[figure("甲公司", 2023, 10.0), figure("乙公司", 2024, 20.0)],
        "a.xlsx",
        "op",
    ));
    let replaced =
        ok(ledger.replace_enterprise_figures(&[figure("甲公司", 2024, 30.0)], "b.xlsx", "op"));
    assert_eq!(replaced, 1, "2024's one figure");
    assert_eq!(ok(ledger.enterprise_years()), [2023, 2024]);
    assert_eq!(ok(ledger.count_enterprise_figures(&[2023, 2024])), 2);
    let figures = ok(ledger.enterprise_figures(Some(2024)));
    assert_eq!(figures, [figure("甲公司", 2024, 30.0)]);
    assert_eq!(ok(ledger.enterprise_figures(None)).len(), 2);
}

fn an_import_writes_all_or_nothing(subject: &Subject) {
    use parkland::ledger::ImportUpdate;
    let mut ledger = subject.open();
    let id = ok(ledger.create(&case("LJ-0501"), None, "op"));
    let mut moved = case("LJ-0501");
    moved.progress = Progress::Disposing;
    moved.methods = vec![DisposalMethod::LegalBuyback];
    // A stale version in the updates refuses the new cases too.
    let stale = ImportUpdate {
        id,
        expected_version: 7,
        entry: moved.clone(),
    };
    let refused = ledger.import_rows(&[(case("LJ-0502"), None)], &[stale], "op");
    assert!(
        matches!(refused, Err(LedgerError::Stale { .. })),
        "{refused:?}"
    );
    assert_eq!(ok(ledger.list()).len(), 1);
    assert_eq!(ok(ledger.event_count()), 1);
    let fresh = ImportUpdate {
        id,
        expected_version: 1,
        entry: moved,
    };
    let ids = ok(ledger.import_rows(&[(case("LJ-0502"), None)], &[fresh], "op"));
    assert_eq!(ids.len(), 1);
    assert_eq!(ok(ledger.list()).len(), 2);
    assert_eq!(ok(ledger.event_count()), 3);
    assert_eq!(ok(ledger.get(id)).map(|s| s.version), Some(2));
}
