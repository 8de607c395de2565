//! What only a ledger on a PostgreSQL server does: accounts and roles the server enforces,
//! the recorded person set by the server, the append-only history, editors limited to a
//! district, schema versions, and the `db` commands. Needs `PARKLAND_TEST_PG` (skips without,
//! fails under `PARKLAND_STRICT=1`).

use crate::conformance::{Subject, as_account, with_database};
use parkland::ledger::{Action, Ledger, LedgerError, Location, server};
use parkland::model::{DisposalMethod, IdleKind, LedgerEntry, Progress};
use std::process::{Command, Output};

fn ok<T>(result: Result<T, LedgerError>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

fn case(parcel_no: &str, district: &str) -> LedgerEntry {
    LedgerEntry {
        parcel_no: parcel_no.to_owned(),
        district: Some(district.to_owned()),
        holder: Some("梁川示例科技有限公司".to_owned()),
        parcel_area_m2: 20_000.0,
        idle_land_m2: 20_000.0,
        kind: IdleKind::Idle,
        progress: Progress::Identified,
        ..LedgerEntry::default()
    }
}

/// A login account on the test server, made by its superuser, with `role` granted by the
/// same code as `parkland db grant`; returns the ledger's URL as that account.
fn account(subject: &Subject, name: &str, role: &str, districts: &[&str]) -> String {
    let url = subject.url().expect("a server subject");
    let name = format!("{name}_{}", std::process::id());
    crate::conformance::login_role(url, &name, &format!("pw-{name}"));
    let districts: Vec<String> = districts.iter().map(|d| (*d).to_owned()).collect();
    ok(server::grant(url, &name, role, &districts));
    as_account(url, &name, &format!("pw-{name}"))
}

fn connect(url: &str) -> Ledger {
    ok(Ledger::connect(url))
}

fn denied<T: std::fmt::Debug>(result: Result<T, LedgerError>) -> String {
    match result {
        Err(LedgerError::Denied(text)) => text.zh,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Viewers read and cannot write; editors write, recorded as themselves whatever name the
/// program sends, and cannot restore a voided case; an administrator can. Nobody changes or
/// removes an event. Each refusal is a clear message and writes nothing.
#[test]
fn roles_are_enforced_by_the_server_and_the_history_is_append_only() {
    let Some(subject) = Subject::server("roles") else {
        return;
    };
    let mut owner = subject.open();
    let lj = ok(owner.create(&case("LJ-1001", "LJ"), None, "op"));
    let events = ok(owner.event_count());

    let viewer_url = account(&subject, "viewer", "viewer", &[]);
    let mut viewer = connect(&viewer_url);
    assert_eq!(ok(viewer.list()).len(), 1, "a viewer reads");
    denied(viewer.create(&case("LJ-1002", "LJ"), None, "op"));
    let mut changed = case("LJ-1001", "LJ");
    changed.notes = "viewer".to_owned();
    denied(viewer.update(lj, 1, &changed, "op", Action::Update));
    assert_eq!(ok(owner.event_count()), events, "nothing written");
    assert_eq!(ok(owner.get(lj)).map(|s| s.version), Some(1));

    let editor_url = account(&subject, "editor", "editor", &[]);
    let editor_name = crate::conformance::user_of(&editor_url);
    let mut editor = connect(&editor_url);
    assert_eq!(editor.server_user(), Some(editor_name.as_str()));
    // The name the program sends is not what the server records.
    let id = ok(editor.create(&case("WX-1001", "WX"), None, "冒名顶替"));
    let stored = ok(editor.get(id)).expect("created");
    assert_eq!(stored.created_by, editor_name);
    assert_eq!(ok(editor.history("WX-1001"))[0].operator, editor_name);
    ok(editor.void(id, 1, "登记错误", "op"));
    let message = denied(editor.restore(id, 2, "op"));
    assert!(message.contains("administrator"), "{message}");
    assert_eq!(
        ok(owner.get(id)).map(|s| (s.deleted, s.version)),
        Some((true, 2))
    );

    let admin_url = account(&subject, "chief", "admin", &[]);
    ok(connect(&admin_url).restore(id, 2, "op"));
    assert_eq!(ok(owner.get(id)).map(|s| s.deleted), Some(false));

    // The history cannot be changed or removed, by an editor or by the owner.
    let before = ok(owner.event_count());
    let mut raw_editor = postgres::Client::connect(&editor_url, postgres::NoTls).expect("editor");
    // Nor the states the server keeps from it (the ledger as of a date).
    for statement in [
        "UPDATE entry_event SET operator = 'someone else'",
        "DELETE FROM entry_event",
        "UPDATE entry_state SET snapshot = NULL",
        "DELETE FROM entry_state",
        "INSERT INTO entry_state SELECT * FROM entry_state",
    ] {
        let error = raw_editor
            .batch_execute(statement)
            .expect_err("an editor cannot touch an event or a state");
        assert_eq!(
            error.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{statement}: {error:?}"
        );
    }
    let mut raw_owner =
        postgres::Client::connect(subject.url().expect("url"), postgres::NoTls).expect("owner");
    let error = raw_owner
        .batch_execute("DELETE FROM entry_event")
        .expect_err("append-only for the owner too");
    assert!(
        error
            .as_db_error()
            .is_some_and(|e| e.message().contains("append-only")),
        "{error:?}"
    );
    assert_eq!(ok(owner.event_count()), before);
}

/// An editor limited to 吴溪工业区 (WX) changes its cases and no other district's.
#[test]
fn a_district_editor_cannot_touch_another_district() {
    let Some(subject) = Subject::server("district") else {
        return;
    };
    let mut owner = subject.open();
    let lj = ok(owner.create(&case("LJ-2001", "LJ"), None, "op"));
    let wx = ok(owner.create(&case("WX-2001", "WX"), None, "op"));
    let events = ok(owner.event_count());

    let url = account(&subject, "wx_editor", "editor", &["WX"]);
    let mut editor = connect(&url);
    let mut moved = case("LJ-2001", "LJ");
    moved.progress = Progress::Disposing;
    moved.methods = vec![DisposalMethod::LegalBuyback];
    let message = denied(editor.update(lj, 1, &moved, "op", Action::Update));
    assert_eq!(message, "没有修改LJ片区台账的权限");
    assert_eq!(
        denied(editor.create(&case("LJ-2002", "LJ"), None, "op")),
        "没有修改LJ片区台账的权限"
    );
    denied(editor.void(lj, 1, "越权", "op"));
    assert_eq!(ok(owner.event_count()), events, "nothing written");
    assert_eq!(ok(owner.get(lj)).map(|s| s.version), Some(1));

    let mut own = case("WX-2001", "WX");
    own.progress = Progress::Disposing;
    own.methods = vec![DisposalMethod::LeasebackCoManagement];
    assert_eq!(ok(editor.update(wx, 1, &own, "op", Action::Update)), 2);
    ok(editor.create(&case("WX-2002", "WX"), None, "op"));
    // Moving a case out of its district into another is refused too.
    let mut elsewhere = own.clone();
    elsewhere.district = Some("LJ".to_owned());
    denied(editor.update(wx, 2, &elsewhere, "op", Action::Update));
    assert_eq!(ok(owner.event_count()), events + 2);
}

/// A ledger made on the server before its states table (schema 3, the sample's two years of
/// history in its events) is refused until `db init` migrates it, which builds every state
/// from the events: the ledger as of each year's end is then what it was before.
#[test]
fn a_ledger_from_before_the_states_is_migrated_with_its_history() {
    let Some(subject) = Subject::server("states") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let mut ledger = connect(&url);
    let park = parkland::sample::sample_park().expect("sample");
    ok(ledger.write_history(&parkland::ledger::sample_history(&park), "op"));
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    let ends: Vec<_> = [2024, 2025]
        .into_iter()
        .map(|y| parkland::time::end_of_day_in(jiff::civil::date(y, 12, 31), &zone))
        .collect();
    let expected: Vec<_> = ends.iter().map(|at| ok(ledger.as_of(*at))).collect();
    assert_eq!(expected[0].entries.len(), 13);
    drop(ledger);
    // Back to schema 3 as an older Parkland left it.
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    raw.batch_execute(
        "DROP TRIGGER entry_event_state ON entry_event; \
         DROP FUNCTION parkland_track_state(); DROP TABLE entry_state; \
         UPDATE parkland_schema SET version = 3",
    )
    .expect("schema 3");
    match Ledger::connect(&url) {
        Err(error) => assert!(error.to_string().contains("db init"), "{error}"),
        Ok(_) => panic!("an older schema must be migrated first"),
    }
    assert_eq!(ok(server::init(&url)), 3, "migrated from schema 3");
    let ledger = connect(&url);
    for (at, expected) in ends.iter().zip(&expected) {
        assert_eq!(&ok(ledger.as_of(*at)), expected, "as of {at}");
    }
}

/// A fresh server database holding one case, LJ-1001: its subject (dropped with it), URL,
/// ledger and case id; `None` when no test server is set.
fn one_case(name: &str) -> Option<(Subject, String, Ledger, i64)> {
    let subject = Subject::server(name)?;
    let url = subject.url().expect("url").to_owned();
    let mut ledger = connect(&url);
    let id = ok(ledger.create(&case("LJ-1001", "LJ"), None, "op"));
    Some((subject, url, ledger, id))
}

/// An event's time is its transaction's start: an import that began before an edit and
/// committed after it has the later id and the earlier time. As of a moment between the two
/// times the case is the import's (its last event by id before the moment), once; the span
/// of the state before both held that moment too, and the case came back twice.
#[test]
fn events_committed_out_of_time_order_give_the_case_once() {
    let Some((_subject, url, ledger, id)) = one_case("outoforder") else {
        return;
    };
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    // Written as the owner with their times kept: the edit an hour ahead, then the import
    // (the higher id) half an hour ahead.
    raw.batch_execute("SET parkland.preserve = 'on'")
        .expect("preserve");
    for (notes, minutes) in [("edit", 60), ("import", 30)] {
        let mut entry = case("LJ-1001", "LJ");
        entry.notes = notes.to_owned();
        let json = serde_json::to_string(&entry).expect("json");
        raw.execute(
            "INSERT INTO entry_event (entry_id, at, operator, action, after_json) \
             VALUES ($1, now() + make_interval(mins => $2), 'op', 'update', $3)",
            &[&id, &minutes, &json],
        )
        .expect("event");
    }
    let now = jiff::Timestamp::now();
    let at = |minutes: i64| {
        let cases = ok(ledger.as_of(now + jiff::SignedDuration::from_mins(minutes)));
        cases
            .entries
            .iter()
            .map(|c| (c.entry.notes.clone(), c.version))
            .collect::<Vec<_>>()
    };
    assert_eq!(at(10), vec![(String::new(), 1)]);
    assert_eq!(at(45), vec![("import".to_owned(), 3)]);
    assert_eq!(at(90), vec![("import".to_owned(), 3)]);
}

/// Two sessions appending events to one case at once (an account may insert events itself):
/// the second waits for the first, so the case keeps one open state and its versions count
/// up. Without waiting, both closed the same state and the case had two open states.
#[test]
fn events_appended_at_once_keep_one_open_state() {
    let Some((_subject, url, _ledger, id)) = one_case("twoappends") else {
        return;
    };
    let json = serde_json::to_string(&case("LJ-1001", "LJ")).expect("json");
    let append = "INSERT INTO entry_event (entry_id, operator, action, after_json) \
                  VALUES ($1, 'op', 'update', $2)";
    let mut first = postgres::Client::connect(&url, postgres::NoTls).expect("first");
    let mut tx = first.transaction().expect("begin");
    tx.execute(append, &[&id, &json]).expect("first event");
    let second = std::thread::Builder::new()
        .name("second append".into())
        .spawn({
            let (url, json) = (url.clone(), json.clone());
            move || {
                let mut second = postgres::Client::connect(&url, postgres::NoTls).expect("second");
                second.execute(append, &[&id, &json]).expect("second event");
            }
        })
        .expect("thread");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !second.is_finished(),
        "the second append waits for the first"
    );
    tx.commit().expect("commit");
    second.join().expect("second");
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    let states: Vec<(i64, bool)> = raw
        .query(
            "SELECT version, valid_until = 'infinity' FROM entry_state \
             WHERE entry_id = $1 ORDER BY event_id",
            &[&id],
        )
        .expect("states")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(states, vec![(1, false), (2, false), (3, true)]);
}

/// A database without the ledger, and a ledger whose schema is newer than this program's,
/// are refused with what to do.
#[test]
fn schema_versions_are_checked_on_connecting() {
    let Some(subject) = Subject::server("schema") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    raw.batch_execute("UPDATE parkland_schema SET version = 99")
        .expect("set");
    match Ledger::connect(&url) {
        Err(error) => {
            let text = error.to_string();
            assert!(
                text.contains("schema 99") && text.contains("update Parkland"),
                "{text}"
            );
        }
        Ok(_) => panic!("a newer schema must be refused"),
    }
    let empty = with_database(&url, "postgres");
    match Ledger::connect(&empty) {
        Err(error) => assert!(error.to_string().contains("db init"), "{error}"),
        Ok(_) => panic!("a database without the ledger must be refused"),
    }
    // A wrong password says so, and the password is never shown.
    let wrong = as_account(&url, "postgres", "not-the-password");
    match Ledger::connect(&wrong) {
        Err(error) => {
            let text = error.to_string();
            assert!(text.contains("password"), "{text}");
            assert!(!text.contains("not-the-password"), "{text}");
        }
        Ok(_) => panic!("a wrong password must be refused"),
    }
    assert!(
        !Location::Server(wrong)
            .to_string()
            .contains("not-the-password")
    );
}

fn parkland(args: &[&str]) -> Output {
    crate::conformance::parkland_cli("db-cli", args)
}

fn text(output: &Output) -> String {
    crate::conformance::output_text(output)
}

/// `db init` and `db grant` set up a server; `--ledger URL` (or `PARKLAND_LEDGER`) points any
/// command at it; a refused write exits 2 and writes nothing.
#[test]
fn the_cli_sets_up_a_server_and_works_on_it() {
    let Some(subject) = Subject::server("cli") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let init = parkland(&["db", "init", &url]);
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));
    assert!(
        text(&init).contains("already up to date"),
        "{}",
        text(&init)
    );

    let name = format!("clerk_{}", std::process::id());
    crate::conformance::login_role(&url, &name, "pw");
    let grant = parkland(&["db", "grant", &url, &name, "viewer"]);
    assert_eq!(grant.status.code(), Some(0), "{}", text(&grant));
    let unknown = parkland(&["db", "grant", &url, "nobody_at_all", "editor"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(text(&unknown).contains("no account"), "{}", text(&unknown));

    let add = [
        "ledger",
        "add",
        "--parcel",
        "LCX-0101",
        "--kind",
        "低效用地",
        "--progress",
        "已认定",
    ];
    let added = parkland(&[&["--ledger", &url][..], &add[..]].concat());
    assert_eq!(added.status.code(), Some(0), "{}", text(&added));
    let as_clerk = as_account(&url, &name, "pw");
    let refused = parkland(&[&["--ledger", &as_clerk][..], &add[..]].concat());
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("nothing was written"),
        "{}",
        text(&refused)
    );
    assert!(
        !text(&refused).contains("pw@"),
        "no password shown: {}",
        text(&refused)
    );
    let listed = Command::new(env!("CARGO_BIN_EXE_parkland"))
        .args(["ledger", "list", "--json"])
        .env("PARKLAND_LEDGER", &as_clerk)
        .output()
        .expect("run");
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
    let cases: serde_json::Value =
        serde_json::from_slice(&listed.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&listed)));
    assert_eq!(
        cases.as_array().map(Vec::len),
        Some(1),
        "the one case added"
    );
}

/// A PostgreSQL cluster of this test's own (stopping the shared one would fail the other
/// tests), started by `tools/pg-dev.sh`, stopped and removed when the test ends.
pub struct PrivateServer {
    dir: std::path::PathBuf,
    port: String,
}

impl PrivateServer {
    /// A cluster for the test `name`: a folder and a port of its own (tests run at once).
    pub fn start(name: &str) -> Option<(Self, String)> {
        crate::conformance::test_server()?;
        let dir =
            std::env::temp_dir().join(format!("parkland-private-pg-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let spread = name.bytes().fold(std::process::id(), |h, b| {
            h.wrapping_mul(31).wrapping_add(u32::from(b))
        });
        // Below Linux's ephemeral range (32768–60999): a port there may be taken by one of
        // the many client connections the other tests open (seen: "could not start server").
        let server = Self {
            dir,
            port: (21_000 + spread % 8_000).to_string(),
        };
        let out = server.run("start");
        let url = out
            .lines()
            .find_map(|line| line.strip_prefix("export PARKLAND_TEST_PG="))
            .unwrap_or_else(|| panic!("pg-dev.sh start said {out:?}"))
            .to_owned();
        Some((server, url))
    }

    /// A handle that can run `pg-dev.sh` commands on this cluster from another thread (it
    /// does not stop the cluster when dropped).
    #[must_use]
    pub fn clone_handle(&self) -> ServerHandle {
        ServerHandle {
            dir: self.dir.clone(),
            port: self.port.clone(),
        }
    }

    pub fn run(&self, command: &str) -> String {
        pg_dev(&self.dir, &self.port, command)
    }
}

/// Runs `pg-dev.sh` commands on a private cluster, without owning it.
pub struct ServerHandle {
    dir: std::path::PathBuf,
    port: String,
}

impl ServerHandle {
    pub fn run(&self, command: &str) -> String {
        pg_dev(&self.dir, &self.port, command)
    }
}

fn pg_dev(dir: &std::path::Path, port: &str, command: &str) -> String {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/pg-dev.sh");
    let output = Command::new(script)
        .arg(command)
        .env("PARKLAND_PG_DIR", dir)
        .env("PARKLAND_PG_PORT", port)
        .output()
        .unwrap_or_else(|e| panic!("pg-dev.sh: {e}"));
    assert!(
        output.status.success(),
        "pg-dev.sh {command}: {}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| self.run("stop"));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The server stopped at once (as a crash would) in the middle of a loop of saves, then
/// started again: every save that said it succeeded is there exactly once, every one that
/// said it failed is not, and the same connection object goes on by itself.
#[test]
fn a_server_killed_mid_write_loses_nothing_and_the_client_comes_back() {
    let Some((server, admin)) = PrivateServer::start("kill") else {
        crate::skip_or_fail(
            "PARKLAND_TEST_PG is not set (tools/pg-dev.sh starts a server): the server-kill test did not run",
        );
        return;
    };
    let url = crate::conformance::fresh_ledger(&admin, "ledger");
    let writer_url = url.clone();
    // Set once the server has started again: the writer goes on until it has saved enough
    // after that (a busy machine may take seconds to restart the server), not for a fixed time.
    let restarted_flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let restarted_seen = std::sync::Arc::clone(&restarted_flag);
    let writer = std::thread::Builder::new()
        .name("kill-test writer".to_owned())
        .spawn(move || {
            let mut ledger = connect(&writer_url);
            let mut outcomes = Vec::new();
            let started = std::time::Instant::now();
            let (mut i, mut saved_after) = (0, 0);
            let seconds = |s| std::time::Duration::from_secs(s);
            while started.elapsed() < seconds(4)
                || (saved_after < 20 && started.elapsed() < seconds(60))
            {
                let no = format!("K-{i:05}");
                let after = restarted_seen.load(std::sync::atomic::Ordering::SeqCst);
                let result = ledger.create(&case(&no, "LJ"), None, "op");
                match result {
                    Ok(_) => {
                        saved_after += usize::from(after);
                        outcomes.push((no, true, std::time::Instant::now()));
                    }
                    Err(LedgerError::Offline(_)) => {
                        outcomes.push((no, false, std::time::Instant::now()));
                    }
                    Err(other) => panic!("{no}: {other}"),
                }
                i += 1;
                std::thread::sleep(std::time::Duration::from_millis(3));
            }
            outcomes
        })
        .expect("thread");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::time::Instant::now();
    server.run("kill");
    std::thread::sleep(std::time::Duration::from_millis(800));
    server.run("start");
    let restarted = std::time::Instant::now();
    restarted_flag.store(true, std::sync::atomic::Ordering::SeqCst);
    let outcomes = writer.join().expect("writer");
    let saved: Vec<&str> = outcomes
        .iter()
        .filter(|(_, ok, _)| *ok)
        .map(|(no, _, _)| no.as_str())
        .collect();
    // Saves went on up to the kill and again after the restart, on the same connection
    // object, which made its connection again by itself. (Whether one failed depends on the
    // moment: a save cut off in its commit waits for the server and reports what it finds.)
    let saved_at = |keep: &dyn Fn(std::time::Instant) -> bool| {
        outcomes
            .iter()
            .filter(|(_, ok, at)| *ok && keep(*at))
            .count()
    };
    assert!(saved_at(&|at| at < killed) > 10, "saves before the kill");
    assert!(
        saved_at(&|at| at > restarted) > 10,
        "the writer came back by itself after the restart"
    );
    let stored = ok(connect(&url).list());
    let mut counts = std::collections::HashMap::new();
    for case in &stored {
        *counts.entry(case.entry.parcel_no.clone()).or_insert(0) += 1;
    }
    for (no, ok, _) in &outcomes {
        let expected = usize::from(*ok);
        assert_eq!(
            counts.get(no).copied().unwrap_or(0),
            expected,
            "{no}: said {}",
            if *ok { "saved" } else { "not saved" }
        );
    }
    assert_eq!(stored.len(), saved.len(), "nothing else was written");
}

const WRITER_URL: &str = "PARKLAND_TEST_WRITER_URL";
const WRITER_ID: &str = "PARKLAND_TEST_WRITER_ID";
const SHARED_CASES: usize = 20;
const UPDATES_PER_WRITER: usize = 500;

/// Not a test: one of the writer processes of
/// `eight_writers_on_shared_cases_lose_nothing_and_overwrite_nothing` (this test binary run
/// again). It makes its updates to the shared cases, each read then saved at the version
/// read, and prints each outcome: `OUTCOME ok NOTE` or `OUTCOME stale NOTE`.
#[test]
#[ignore = "a helper process, started by eight_writers_on_shared_cases_lose_nothing_and_overwrite_nothing"]
fn shared_case_writer() {
    use std::io::Write as _;
    let (Ok(url), Ok(writer)) = (std::env::var(WRITER_URL), std::env::var(WRITER_ID)) else {
        return;
    };
    let writer: usize = writer.parse().expect("writer id");
    let mut ledger = connect(&url);
    let ids: Vec<i64> = ok(ledger.list()).iter().map(|c| c.id).collect();
    let mut out = std::io::stdout().lock();
    for n in 0..UPDATES_PER_WRITER {
        let id = ids[(writer * 7 + n * 13) % ids.len()];
        let current = ok(ledger.get(id)).expect("a shared case");
        let mut entry = current.entry.clone();
        entry.notes = format!("w{writer}-{n}");
        entry.idle_building_m2 = (writer * 1_000 + n) as f64;
        let outcome = match ledger.update(id, current.version, &entry, "op", Action::Update) {
            Ok(_) => "ok",
            Err(LedgerError::Stale { .. }) => "stale",
            Err(other) => panic!("{}: {other}", entry.notes),
        };
        // Marked: the test harness prints its own words on the first line.
        let _ = writeln!(out, "OUTCOME {outcome} {}", entry.notes);
    }
    let _ = out.flush();
}

/// Eight processes each make 500 updates to 20 shared cases: every update that said it
/// succeeded is in the history, every refused one was a reported conflict and is not,
/// versions rose by one per successful update, and the cases and their figures equal a replay
/// of the events.
#[test]
fn eight_writers_on_shared_cases_lose_nothing_and_overwrite_nothing() {
    let Some(subject) = Subject::server("writers") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let mut ledger = subject.open();
    for i in 0..SHARED_CASES {
        ok(ledger.create(&case(&format!("S-{i:02}"), "LJ"), None, "op"));
    }
    let writers: Vec<std::process::Child> = (0..8)
        .map(|writer| {
            // This test binary again, running only the writer above.
            Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    "--exact",
                    "ledger_server::shared_case_writer",
                    "--ignored",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env(WRITER_URL, &url)
                .env(WRITER_ID, writer.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("writer")
        })
        .collect();
    let mut saved = std::collections::HashSet::new();
    let mut refused = std::collections::HashSet::new();
    for child in writers {
        let output = child.wait_with_output().expect("writer");
        assert!(output.status.success(), "{}", text(&output));
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Some(at) = line.find("OUTCOME ") else {
                continue;
            };
            match line[at + "OUTCOME ".len()..].split_once(' ') {
                Some(("ok", note)) => assert!(saved.insert(note.to_owned())),
                Some(("stale", note)) => assert!(refused.insert(note.to_owned())),
                _ => {}
            }
        }
    }
    assert_eq!(saved.len() + refused.len(), 8 * UPDATES_PER_WRITER);
    assert!(!saved.is_empty());
    eprintln!(
        "{} saved, {} refused as conflicts",
        saved.len(),
        refused.len()
    );

    let cases = ok(ledger.list());
    let mut in_history = std::collections::HashSet::new();
    let mut building = 0.0;
    let mut replayed = 0.0;
    for stored in &cases {
        let history = ok(ledger.history(&stored.entry.parcel_no));
        let updates: Vec<_> = history.iter().filter(|e| e.action == "update").collect();
        for event in &updates {
            let note = event
                .after
                .as_ref()
                .map(|e| e.notes.clone())
                .unwrap_or_default();
            assert!(in_history.insert(note.clone()), "{note} saved twice");
        }
        assert_eq!(
            stored.version,
            1 + i64::try_from(updates.len()).expect("a count"),
            "{}: one version per saved update",
            stored.entry.parcel_no
        );
        assert_eq!(
            history[0].after.as_ref(),
            Some(&stored.entry),
            "{}: the case is its last event",
            stored.entry.parcel_no
        );
        building += stored.entry.idle_building_m2;
        replayed += history[0]
            .after
            .as_ref()
            .map_or(0.0, |e| e.idle_building_m2);
    }
    assert_eq!(
        in_history, saved,
        "every saved update, and only those, in the history"
    );
    assert!(refused.is_disjoint(&in_history));
    assert!((building - replayed).abs() < 1e-9);
}

/// `ledger copy` moves a ledger file onto the server and back with its ids, versions,
/// voided cases, events (people and times as recorded) and enterprise figures; it refuses a
/// target that has cases unless `--append`, and refuses an account that is not an
/// administrator; the copy back is the same as the original, row for row.
#[test]
fn a_ledger_file_copied_to_the_server_and_back_is_the_same() {
    let Some(subject) = Subject::server("copy") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let dir = std::env::temp_dir().join(format!("parkland-copy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("office.sqlite");
    {
        let park = parkland::sample::sample_park().expect("sample");
        let mut ledger = ok(Ledger::open(&file));
        ok(ledger.seed_sample(&park, "张三"));
        let cases = ok(ledger.list());
        let first = &cases[0];
        let mut edited = first.entry.clone();
        edited.notes = "复核 'quoted'\ttab\\slash\n第二行".to_owned();
        ok(ledger.update(first.id, first.version, &edited, "李四", Action::Update));
        ok(ledger.void(cases[1].id, cases[1].version, "重复登记", "王五"));
        ok(ledger.replace_enterprise_figures(
            &[parkland::model::EnterpriseFigures {
                enterprise: "梁川示例科技有限公司".to_owned(),
                year: 2025,
                output_10k_yuan: 1234.5,
                tax_10k_yuan: 67.8,
                investment_10k_yuan: 0.0,
            }],
            "figures.xlsx",
            "王五",
        ));
    }
    let copy = parkland(&[
        "ledger",
        "copy",
        "--from",
        &file.display().to_string(),
        "--to",
        &url,
    ]);
    assert_eq!(copy.status.code(), Some(0), "{}", text(&copy));
    // The sample's 13 cases, one of them voided above.
    assert!(
        text(&copy).contains("12 case(s) and 1 voided"),
        "{}",
        text(&copy)
    );
    // The ledger as of any day is the same on the server as in the file: the cases' states
    // built after the bulk copy agree with the history copied.
    {
        let source = ok(Ledger::open(&file));
        let target = ok(Ledger::connect(&url));
        let zone = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        for day in [
            jiff::civil::date(2024, 3, 31),
            jiff::civil::date(2024, 12, 31),
            jiff::civil::date(2025, 6, 30),
            jiff::civil::date(2026, 12, 31),
        ] {
            let end = parkland::time::end_of_day_in(day, &zone);
            assert_eq!(ok(target.as_of(end)), ok(source.as_of(end)), "as of {day}");
        }
    }
    // The second time the target has cases: refused, nothing written.
    let again = parkland(&[
        "ledger",
        "copy",
        "--from",
        &file.display().to_string(),
        "--to",
        &url,
    ]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("--append"), "{}", text(&again));

    let original = ok(Ledger::open(&file));
    let on_server = connect(&url);
    assert_eq!(ok(on_server.tally()), ok(original.tally()));
    for (a, b) in ok(original.list()).iter().zip(ok(on_server.list()).iter()) {
        assert_eq!(a, b, "the same case, id, version, people and times");
    }
    for case in ok(original.list())
        .iter()
        .chain(ok(original.list_voided()).iter())
    {
        assert_eq!(
            ok(on_server.history(&case.entry.parcel_no)),
            ok(original.history(&case.entry.parcel_no)),
            "{}: the same events",
            case.entry.parcel_no
        );
    }
    assert_eq!(
        ok(on_server.enterprise_figures(None)),
        ok(original.enterprise_figures(None))
    );
    // New cases on the server continue after the copied ids.
    let mut writer = connect(&url);
    let highest = ok(original.list()).iter().map(|c| c.id).max().unwrap_or(0);
    let fresh = ok(writer.create(&case("LJ-9001", "LJ"), None, "op"));
    assert!(fresh > highest, "{fresh} after {highest}");

    // And back to a new file: the same again.
    let back = dir.join("back.sqlite");
    let copied = parkland(&[
        "ledger",
        "copy",
        "--from",
        &url,
        "--to",
        &back.display().to_string(),
    ]);
    assert_eq!(copied.status.code(), Some(0), "{}", text(&copied));
    let back = ok(Ledger::open(&back));
    assert_eq!(ok(back.tally()), ok(on_server.tally()));
    assert_eq!(ok(back.list()), ok(on_server.list()));

    // Appended onto the server again: new ids, the parcels with an open case refused.
    let appended = parkland(&[
        "ledger",
        "copy",
        "--append",
        "--from",
        &file.display().to_string(),
        "--to",
        &url,
    ]);
    assert_eq!(appended.status.code(), Some(2), "{}", text(&appended));
    assert!(text(&appended).contains("open case"), "{}", text(&appended));

    // Only an administrator copies onto the server.
    let clerk = account(&subject, "copy_clerk", "editor", &[]);
    let db = format!("pl{}_copy_empty", std::process::id());
    let empty = crate::conformance::fresh_ledger(&url, &db);
    let user = crate::conformance::user_of(&clerk);
    ok(server::grant(&empty, &user, "editor", &[]));
    let as_clerk = as_account(&empty, &user, &format!("pw-{user}"));
    let refused = parkland(&[
        "ledger",
        "copy",
        "--from",
        &file.display().to_string(),
        "--to",
        &as_clerk,
    ]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("administrator"),
        "{}",
        text(&refused)
    );
    assert_eq!(
        ok(connect(&empty).tally()),
        parkland::ledger::Tally::default()
    );
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}

/// TLS as libpq's `sslmode` says: `require` encrypts, `verify-full` also checks the server's
/// certificate against the root given and the host name, `disable` does not encrypt; a
/// certificate signed by another root is refused with the reason, and so is `verify-full`
/// without a root certificate.
#[test]
fn tls_encrypts_and_verifies_as_the_url_asks() {
    let Some(subject) = Subject::server("tls") else {
        return;
    };
    let Ok(ca) = std::env::var("PARKLAND_TEST_PG_CA") else {
        crate::skip_or_fail(
            "PARKLAND_TEST_PG_CA is not set (tools/pg-dev.sh start prints it): TLS was not tested",
        );
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let with = |query: &str| format!("{url}?{query}");
    let encrypted = |url: &str| -> bool {
        let mut client = server::connect_plain(url).unwrap_or_else(|e| panic!("{e}"));
        client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .expect("ssl")
            .get(0)
    };
    assert!(encrypted(&with("sslmode=require")));
    assert!(!encrypted(&with("sslmode=disable")));
    let verified = with(&format!("sslmode=verify-full&sslrootcert={ca}"));
    assert!(encrypted(&verified));
    assert!(
        encrypted(&verified.replace("127.0.0.1", "localhost")),
        "the name localhost too"
    );
    // The ledger itself over the verified connection.
    let mut ledger = connect(&verified);
    ok(ledger.create(&case("LJ-7001", "LJ"), None, "op"));
    assert_eq!(ok(ledger.list()).len(), 1);

    let no_root = server::connect_plain(&with(
        "sslmode=verify-full&sslrootcert=/nonexistent/root.crt",
    ))
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(no_root.contains("/nonexistent/root.crt"), "{no_root}");
    // A root that did not sign the server's certificate.
    let dir = std::env::temp_dir().join(format!("parkland-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let other = dir.join("other-ca.crt");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=elsewhere",
        ])
        .arg("-keyout")
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&other)
        .output();
    match made {
        Ok(output) if output.status.success() => {
            let refused = server::connect_plain(&with(&format!(
                "sslmode=verify-full&sslrootcert={}",
                other.display()
            )))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
            assert!(refused.contains("certificate"), "{refused}");
            assert!(
                !refused.contains("parkland-test"),
                "no password shown: {refused}"
            );
        }
        _ => {
            crate::skip_or_fail("openssl is not installed: a wrong root certificate was not tried");
        }
    }
}
