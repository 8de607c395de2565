//! The window on a ledger on a PostgreSQL server: who it is signed in as, what the account's
//! role lets it do, and changes saved in another window arriving by themselves. Needs
//! `PARKLAND_TEST_PG` (skips without, fails under `PARKLAND_STRICT=1`).

use crate::conformance::{Subject, as_account};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use parkland::ledger::Location;
use parkland::model::ParcelStatus;
use parkland::ui::app::{Command, Startup};
use parkland::ui::{ParklandApp, install_fonts};
use std::time::{Duration, Instant};

/// The window as `startup` opens it, before its first frame.
fn window(startup: Startup) -> Harness<'static, ParklandApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_eframe(move |cc| ParklandApp::new(cc, startup))
}

/// The connect dialog's parts of a server URL (its password aside).
fn settings_of(url: &str) -> parkland::ui::ledger::ServerSettings {
    let config: postgres::Config = url.parse().expect("url");
    parkland::ui::ledger::ServerSettings {
        host: match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            _ => "localhost".to_owned(),
        },
        port: config
            .get_ports()
            .first()
            .copied()
            .unwrap_or(5432)
            .to_string(),
        database: config.get_dbname().unwrap_or_default().to_owned(),
        user: config.get_user().unwrap_or_default().to_owned(),
        ..parkland::ui::ledger::ServerSettings::default()
    }
}

/// The window on a server ledger, once it has connected.
fn window_on(url: &str) -> Harness<'static, ParklandApp> {
    let startup = Startup {
        ledger: Some(Location::Server(url.to_owned())),
        ..Startup::default()
    };
    let mut harness = window(startup);
    harness.run_steps(3);
    // Connected on a thread of its own: the window does not wait for it.
    until(&mut harness, Duration::from_secs(10), |app| {
        app.ledger.is_open()
    });
    harness.run_steps(2);
    harness
}

/// A window whose server does not answer (yet) opens at once with the map, says why the
/// ledger is offline, and connects by itself when the server is there.
#[test]
fn a_window_opens_while_its_server_is_not_there_and_connects_when_it_is() {
    let Some(subject) = Subject::server("late_server") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    // A database that does not hold the ledger yet.
    let db = format!("pl{}_late", std::process::id());
    let late = crate::conformance::fresh_database(&url, &db);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("owner");
    let startup = Startup {
        ledger: Some(Location::Server(late.clone())),
        ..Startup::default()
    };
    let started = Instant::now();
    let mut window = window(startup);
    window.run_steps(2);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no wait for the server"
    );
    assert_eq!(window.state().park.parcels.len(), 357, "the map is there");
    until(&mut window, Duration::from_secs(10), |app| {
        app.ledger.offline.is_some()
    });
    window.run_steps(2);
    let why = window.state().ledger.offline.clone().unwrap_or_default();
    assert!(why.contains("db init"), "{why}");
    window.get_by_label("台账服务器连接中断，正在重连；保存将被拒绝");
    // The administrator sets the ledger up; the window connects by itself.
    parkland::ledger::server::init(&late).expect("init");
    until(&mut window, Duration::from_secs(15), |app| {
        app.ledger.is_open()
    });
    window.run_steps(2);
    assert!(window.state().ledger.offline.is_none());
    assert!(
        window
            .query_by_label("台账服务器连接中断，正在重连；保存将被拒绝")
            .is_none()
    );
    drop(window);
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}

/// The window on a server ledger with the registration form open on LJ-2304.
fn registering_on(url: &str) -> Harness<'static, ParklandApp> {
    let mut window = window_on(url);
    let index = window.state().parcel_index("LJ-2304").expect("LJ-2304");
    window.state_mut().send(Command::Select(Some(index)));
    window.state_mut().send(Command::RegisterSelected);
    window.run_steps(3);
    window
}

/// Runs frames until `done`, failing after `limit`; returns how long it took.
fn until(
    harness: &mut Harness<'_, ParklandApp>,
    limit: Duration,
    done: impl Fn(&ParklandApp) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        harness.run_steps(1);
        if done(harness.state()) {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "not within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A case registered in one window shows in the other within a second, with no reload: in its
/// ledger table, in the parcel's status (the map's colour and the figures follow from it); a
/// form open there on a case the other window then changes says so and offers the newer
/// values.
#[test]
fn a_change_saved_in_one_window_appears_in_another_within_a_second() {
    let Some(subject) = Subject::server("live_windows") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let mut first = window_on(&url);
    let mut second = window_on(&url);
    first.get_by_label(&format!("登录为 {}", subject.recorded("")));
    let index = first.state().parcel_index("LJ-2304").expect("LJ-2304");
    assert_eq!(
        first.state().standing.status(index),
        Some(ParcelStatus::InUse)
    );

    second.state_mut().send(Command::Select(Some(index)));
    second.state_mut().send(Command::RegisterSelected);
    second.run_steps(3);
    second.state_mut().ledger.save_form("op");
    // Sent to the window's worker: the frame did not wait, the form says it is saving.
    assert!(
        second
            .state()
            .ledger
            .form
            .as_ref()
            .is_some_and(|f| f.saving)
    );
    until(&mut second, Duration::from_secs(5), |app| {
        app.ledger.form.is_none()
    });
    let took = until(&mut first, Duration::from_secs(1), |app| {
        app.ledger
            .entries
            .iter()
            .any(|c| c.entry.parcel_no == "LJ-2304")
    });
    eprintln!("the registration reached the other window in {took:?}");
    // The parcel's history, asked of the first window's worker, arrives in a later frame.
    until(&mut first, Duration::from_secs(2), |app| {
        app.ledger
            .history("LJ-2304")
            .iter()
            .any(|e| e.action == "create")
    });
    first.run_steps(2);
    assert_eq!(
        first.state().standing.status(index),
        Some(ParcelStatus::Idle),
        "the parcel's status (its colour, the figures) follows"
    );

    // A form open in the first window on that case; the second changes it meanwhile.
    let case = first.state().ledger.entries[0].clone();
    first.state_mut().send(Command::EditCase(case.id));
    first.run_steps(3);
    {
        // Another program's connection (the second window's is on its worker's thread).
        let mut ledger = parkland::ledger::Ledger::connect(&url).expect("open");
        let mut changed = case.entry.clone();
        changed.notes = "另一窗口的修改".to_owned();
        ledger
            .update(
                case.id,
                case.version,
                &changed,
                "op",
                parkland::ledger::Action::Update,
            )
            .expect("saved");
    }
    until(&mut first, Duration::from_secs(1), |app| {
        app.ledger.form.as_ref().is_some_and(|f| f.newer.is_some())
    });
    first.run_steps(2);
    first.get_by_label_contains("已被");
    first.get_by_label("载入最新内容").click();
    first.run_steps(2);
    let form = first.state().ledger.form.as_ref().expect("the form");
    assert_eq!(form.entry.notes, "另一窗口的修改");
    assert_eq!(form.editing, Some((case.id, case.version + 1)));

    // A document attached in the second window is listed in the first, read by its worker.
    let document = std::env::temp_dir().join(format!("parkland-live-{}.pdf", std::process::id()));
    std::fs::write(&document, b"%PDF-1.7\n%live").expect("document");
    second
        .state_mut()
        .send(Command::AttachFiles(case.id, vec![document]));
    second.run_steps(2);
    until(&mut second, Duration::from_secs(2), |app| {
        !app.ledger.busy()
    });
    until(&mut first, Duration::from_secs(2), |app| {
        app.ledger.attachments(case.id).len() == 1
    });
}

/// A viewer's window shows who it is signed in as and offers no register, edit or restore.
#[test]
fn a_viewer_window_offers_no_changes() {
    let Some(subject) = Subject::server("viewer_window") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let name = format!("looker_{}", std::process::id());
    crate::conformance::login_role(&url, &name, "pw");
    parkland::ledger::server::grant(&url, &name, "viewer", &[]).expect("grant");
    let mut window = window_on(&as_account(&url, &name, "pw"));
    window.get_by_label(&format!("登录为 {name}"));
    let index = window.state().parcel_index("LJ-2304").expect("LJ-2304");
    window.state_mut().send(Command::Select(Some(index)));
    window.run_steps(4);
    window.get_by_label("只读账号：可查看，不能修改台账");
    assert!(window.query_by_label("登记闲置/低效").is_none());
    assert!(!window.state().ledger.may_edit());
}

/// 台账 → 连接数据库…: the parts remembered from last time, the password typed; the window
/// connects (off the UI thread) and remembers the parts, never the password.
#[test]
fn the_connect_dialog_connects_and_remembers_all_but_the_password() {
    let Some(subject) = Subject::server("connect_dialog") else {
        return;
    };
    let url = subject.url().expect("url").to_owned();
    let password = crate::conformance::password_of(&url);
    let dir = std::env::temp_dir().join(format!("parkland-connect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let startup = Startup {
        ledger: Some(Location::File(dir.join("local.sqlite"))),
        ..Startup::default()
    };
    let mut window = window(startup);
    window.run_steps(3);
    let settings = parkland::ui::ledger::ServerSettings {
        // Verified TLS where the test server has it (tools/pg-dev.sh serves it).
        tls: if std::env::var("PARKLAND_TEST_PG_CA").is_ok() {
            "verify-full".to_owned()
        } else {
            "prefer".to_owned()
        },
        root_cert: std::env::var("PARKLAND_TEST_PG_CA").unwrap_or_default(),
        ..settings_of(&url)
    };
    window.state_mut().state.server = settings.clone();
    window.state_mut().send(Command::ShowConnectDialog);
    window.run_steps(3);
    window
        .get_by_role_and_label(egui::accesskit::Role::PasswordInput, "密码")
        .focus();
    window.run_steps(1);
    window
        .get_by_role_and_label(egui::accesskit::Role::PasswordInput, "密码")
        .type_text(&password);
    window.run_steps(2);
    window.get_by_label("连接").click();
    window.run_steps(2);
    assert!(window.state().connect.is_none(), "the dialog closes");
    until(&mut window, Duration::from_secs(10), |app| {
        app.ledger.is_open() && app.ledger.server_user().is_some()
    });
    window.run_steps(2);
    window.get_by_label(&format!("登录为 {}", settings.user));
    assert_eq!(
        window.state().state.server,
        settings,
        "the parts remembered"
    );
    let saved = serde_json::to_string(&window.state().state).expect("settings");
    assert!(!saved.contains(&password), "the password is never saved");
}

/// The server stops while a form is open: the window says the server is offline, saving is
/// refused with a message and the form keeps what was typed; when the server is back the
/// window connects by itself and the same form saves.
#[test]
fn a_save_while_the_server_is_down_is_refused_and_the_form_keeps_what_was_typed() {
    let Some((server, admin)) = crate::ledger_server::PrivateServer::start("offline-save") else {
        crate::skip_or_fail(
            "PARKLAND_TEST_PG is not set (tools/pg-dev.sh starts a server): the offline save was not tried",
        );
        return;
    };
    let url = crate::conformance::fresh_ledger(&admin, "ledger");
    let mut window = registering_on(&url);
    window
        .state_mut()
        .ledger
        .form
        .as_mut()
        .expect("the form")
        .entry
        .notes = "停机时填写的说明".to_owned();
    server.run("kill");
    until(&mut window, Duration::from_secs(10), |app| {
        app.ledger.offline.is_some()
    });
    window.state_mut().ledger.save_form("op");
    until(&mut window, Duration::from_secs(10), |app| {
        app.ledger.form.as_ref().is_some_and(|f| !f.saving)
    });
    let form = window
        .state()
        .ledger
        .form
        .as_ref()
        .expect("the form stays open");
    assert_eq!(
        form.entry.notes, "停机时填写的说明",
        "what was typed is kept"
    );
    let message = form.general_error.clone().unwrap_or_default();
    assert!(
        message.contains("未保存") || message.contains("nothing was saved"),
        "{message}"
    );
    assert!(window.state().ledger.entries.is_empty(), "nothing written");

    server.run("start");
    until(&mut window, Duration::from_secs(20), |app| {
        app.ledger.offline.is_none()
    });
    window.state_mut().ledger.save_form("op");
    until(&mut window, Duration::from_secs(5), |app| {
        app.ledger
            .entries
            .iter()
            .any(|c| c.entry.notes == "停机时填写的说明")
    });
    assert!(window.state().ledger.form.is_none(), "saved");
}

/// A server that stops answering in the middle of a save (as over a broken network) never
/// holds up the window: the save goes to the ledger's own thread, frames go on, the form says
/// it is saving and takes no second save; when the server answers again the save finishes.
#[test]
fn a_save_to_a_server_that_does_not_answer_never_holds_up_the_window() {
    let Some((server, admin)) = crate::ledger_server::PrivateServer::start("frozen-save") else {
        crate::skip_or_fail(
            "PARKLAND_TEST_PG is not set (tools/pg-dev.sh starts a server): the frozen save was not tried",
        );
        return;
    };
    let url = crate::conformance::fresh_ledger(&admin, "ledger");
    let mut window = registering_on(&url);

    server.run("freeze");
    // Whatever happens below, the server answers again in a while (a window that waited on
    // it would otherwise hang this test rather than fail it).
    let thaw = {
        let server_dir = server.clone_handle();
        std::thread::Builder::new()
            .name("thaw".to_owned())
            .spawn(move || {
                std::thread::sleep(Duration::from_secs(6));
                server_dir.run("thaw");
            })
            .expect("thread")
    };
    let started = Instant::now();
    window.state_mut().ledger.save_form("op");
    window.state_mut().ledger.save_form("op");
    window.run_steps(10);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "the frames waited for the server: {took:?}"
    );
    assert!(
        window
            .state()
            .ledger
            .form
            .as_ref()
            .is_some_and(|f| f.saving),
        "the form is saving"
    );
    window.get_by_label("正在保存…");
    assert!(window.state().ledger.entries.is_empty());

    thaw.join().expect("thawed");
    until(&mut window, Duration::from_secs(20), |app| {
        app.ledger.form.is_none()
            && app
                .ledger
                .entries
                .iter()
                .any(|c| c.entry.parcel_no == "LJ-2304")
    });
    let ledger = parkland::ledger::Ledger::connect(&url).expect("open");
    assert_eq!(
        ledger.list().expect("list").len(),
        1,
        "saved once, though Save was pressed twice"
    );
}

/// The sample park exported to PostGIS in a fresh database: the subject (dropped at the end),
/// its URL, the password in it, and a folder for the window's ledger file.
fn sample_in_postgis(name: &str) -> Option<(Subject, String, String, std::path::PathBuf)> {
    let subject = Subject::server(name)?;
    let url = subject.url().expect("url").to_owned();
    let park = parkland::sample::sample_park().expect("sample");
    parkland::formats::write_postgis(&park, &[], &url).expect("export");
    let password = crate::conformance::password_of(&url);
    let dir = std::env::temp_dir().join(format!("parkland-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    Some((subject, url, password, dir))
}

/// The window opens the park's layers from PostGIS (as `--parcels URL?table=parcels` gives
/// them), and never shows the password in the URL.
#[test]
fn the_window_opens_postgis_tables_and_never_shows_the_password() {
    let Some((_subject, url, password, dir)) = sample_in_postgis("window_postgis") else {
        return;
    };
    let startup = Startup {
        parcels: Some(format!("{url}?table=parcels").into()),
        districts: Some(format!("{url}?table=districts").into()),
        ledger: Some(Location::File(dir.join("ledger.sqlite"))),
        ..Startup::default()
    };
    let mut window = window(startup);
    until(&mut window, Duration::from_secs(20), |app| {
        app.park.parcels.len() == 357
    });
    window.run_steps(3);
    assert_eq!(window.state().park.districts.len(), 3);
    assert!(
        window.state().notices.is_empty(),
        "{:?}",
        window.state().notices
    );
    assert!(
        window.query_by_label_contains(&password).is_none(),
        "the password is never shown"
    );
}

/// 文件 → 打开 PostGIS 图层…: the server's parts, the table and the layer; the parcels load
/// from the table, the parts are remembered, the password is not.
#[test]
fn a_postgis_layer_opens_from_the_file_menu() {
    let Some((_subject, url, password, dir)) = sample_in_postgis("menu_postgis") else {
        return;
    };
    let startup = Startup {
        ledger: Some(Location::File(dir.join("ledger.sqlite"))),
        ..Startup::default()
    };
    let mut window = window(startup);
    window.run_steps(3);
    window.state_mut().state.server = settings_of(&url);
    window.state_mut().send(Command::ShowPostgisDialog);
    window.run_steps(3);
    window.get_by_label("打开 PostGIS 图层");
    window
        .get_by_role_and_label(egui::accesskit::Role::PasswordInput, "密码")
        .focus();
    window.run_steps(1);
    window
        .get_by_role_and_label(egui::accesskit::Role::PasswordInput, "密码")
        .type_text(&password);
    window.run_steps(2);
    window.get_by_label("打开").click();
    window.run_steps(2);
    until(&mut window, Duration::from_secs(20), |app| {
        app.park
            .parcel_report
            .as_ref()
            .is_some_and(|r| r.source.contains("table=parcels"))
    });
    let app = window.state();
    assert_eq!(app.park.parcels.len(), 357);
    let source = &app.park.parcel_report.as_ref().expect("report").source;
    assert!(!source.contains(&password), "{source}");
    let saved = serde_json::to_string(&app.state).expect("settings");
    assert!(!saved.contains(&password), "the password is never saved");
}
