//! The documents of each case (附件), on both back ends: stored whole with their SHA-256,
//! events of the case, refused clearly when bad, removed and brought back, carried by a
//! backup and a copy; the CLI's attach, attachments and export-attachments.

use crate::conformance::Subject;
use parkland::ledger::attachments::{MAX_ATTACHMENT_BYTES, sha256_hex};
use parkland::ledger::{Ledger, LedgerError};

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

/// A PDF-looking document of `n` bytes that are not all alike.
fn pdf(n: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x: u32 = 2_463_534_242;
    while bytes.len() < n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x.to_le_bytes()[0]);
    }
    bytes
}

fn sample(subject: &Subject) -> (parkland::model::Park, Ledger) {
    let park = ok(parkland::sample::sample_park());
    let mut ledger = subject.open();
    crate::conformance::seed(subject, &mut ledger, &park);
    (park, ledger)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    ok(std::fs::create_dir_all(&dir));
    dir
}

fn refusal(result: Result<i64, LedgerError>) -> String {
    match result {
        Err(LedgerError::Attachment(text)) => text.zh,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

conformance!(
    a_document_is_stored_whole_with_its_event,
    bad_documents_are_refused_by_name_and_nothing_is_stored,
    a_removed_document_is_kept_and_comes_back,
    a_copy_carries_the_documents,
);

/// A 3 MB PDF with a hostile name: stored bit for bit with its SHA-256, size, type, who and
/// when; the case's version rises with an `attach` event naming it; the list of cases never
/// reads it.
fn a_document_is_stored_whole_with_its_event(subject: &Subject) {
    let (_, mut ledger) = sample(subject);
    let case = ok(ledger.list())[0].clone();
    let name = "认定书 'x'; DROP TABLE attachment; -- 😀.pdf";
    let content = pdf(3 * 1024 * 1024);
    let id = ok(ledger.attach(case.id, name, &content, "op"));
    let listed = ok(ledger.attachments(case.id, false));
    assert_eq!(listed.len(), 1);
    let document = &listed[0];
    assert_eq!(document.id, id);
    assert_eq!(document.name, name, "the name verbatim");
    assert_eq!(document.media_type, "application/pdf");
    assert_eq!(document.size, 3 * 1024 * 1024);
    assert_eq!(document.sha256, sha256_hex(&content));
    assert_eq!(document.added_by, subject.recorded("op"));
    assert!(document.added_at.ends_with('Z'), "{}", document.added_at);
    assert!(
        ok(ledger.attachment_content(document)) == content,
        "bit for bit"
    );
    let after = ok(ledger.get(case.id)).expect("case");
    assert_eq!(after.version, case.version + 1);
    assert_eq!(after.entry, case.entry, "the case's values unchanged");
    let history = ok(ledger.history(&case.entry.parcel_no));
    assert_eq!(history[0].action, "attach");
    assert_eq!(history[0].reason.as_deref(), Some(name));
    // The ledger as of now: the same case, the event counted in its version.
    let now = ok(ledger.as_of(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2)));
    assert_eq!(now.entries, ok(ledger.list()));
}

/// Empty, too large, of another kind, not what its name says, vanished, or on a voided
/// case: each refused with a message naming the file, nothing stored, no event.
fn bad_documents_are_refused_by_name_and_nothing_is_stored(subject: &Subject) {
    let (_, mut ledger) = sample(subject);
    let cases = ok(ledger.list());
    let case = cases[0].id;
    let events = ok(ledger.event_count());
    let dir = scratch(&format!("bad-{}", subject.account.is_some()));

    let empty = dir.join("空白.pdf");
    ok(std::fs::write(&empty, b""));
    assert!(refusal(ledger.attach_file(case, &empty, "op")).contains("空文件"));

    let large = dir.join("扫描件.pdf");
    let file = ok(std::fs::File::create(&large));
    ok(file.set_len(MAX_ATTACHMENT_BYTES + 1));
    let message = refusal(ledger.attach_file(case, &large, "op"));
    assert!(
        message.contains("扫描件.pdf") && message.contains("50 MB"),
        "{message}"
    );

    let exe = dir.join("setup.exe");
    ok(std::fs::write(&exe, b"MZ\x90\x00"));
    assert!(refusal(ledger.attach_file(case, &exe, "op")).contains("setup.exe"));

    let fake = dir.join("照片.jpg");
    ok(std::fs::write(&fake, b"%PDF-1.4 not a photo"));
    assert!(refusal(ledger.attach_file(case, &fake, "op")).contains("不是 .jpg"));

    let gone = dir.join("已删除.pdf");
    let message = refusal(ledger.attach_file(case, &gone, "op"));
    assert!(message.contains("已删除.pdf"), "{message}");

    let voided = &cases[1];
    ok(ledger.void(voided.id, voided.version, "重复登记", "op"));
    let events_voided = ok(ledger.event_count());
    assert!(refusal(ledger.attach(voided.id, "a.pdf", &pdf(100), "op")).contains("已作废"));

    assert_eq!(ok(ledger.event_count()), events_voided, "no event");
    assert_eq!(events_voided, events + 1, "only the void");
    assert!(
        ok(ledger.attachments(case, true)).is_empty(),
        "nothing stored"
    );
}

/// Removing keeps the document (listed with --removed, who and when), an event each way;
/// on a server only an administrator brings it back.
fn a_removed_document_is_kept_and_comes_back(subject: &Subject) {
    let (_, mut ledger) = sample(subject);
    let case = ok(ledger.list())[0].clone();
    let photo = [b"\xFF\xD8\xFF\xE0".as_slice(), &pdf(4096)[9..]].concat();
    let id = ok(ledger.attach(case.id, "现场照片.jpg", &photo, "op"));
    ok(ledger.remove_attachment(id, "op"));
    assert!(ok(ledger.attachments(case.id, false)).is_empty());
    let all = ok(ledger.attachments(case.id, true));
    let removed = all[0].removed.clone().expect("marked removed");
    assert_eq!(removed.1, subject.recorded("op"));
    assert!(
        ok(ledger.attachment_content(&all[0])) == photo,
        "kept whole"
    );
    if let Some(url) = subject.url() {
        let editor = crate::conformance::as_account(
            url,
            &format!("doc_editor_{}", std::process::id()),
            "pw-doc",
        );
        crate::conformance::login_role(
            url,
            &format!("doc_editor_{}", std::process::id()),
            "pw-doc",
        );
        ok(parkland::ledger::server::grant(
            url,
            &format!("doc_editor_{}", std::process::id()),
            "editor",
            &[],
        ));
        let mut as_editor = ok(Ledger::connect(&editor));
        assert!(
            matches!(
                as_editor.recover_attachment(id, "op"),
                Err(LedgerError::Denied(_))
            ),
            "an editor cannot bring a document back"
        );
    }
    ok(ledger.recover_attachment(id, "op"));
    assert_eq!(ok(ledger.attachments(case.id, false)).len(), 1);
    let actions: Vec<String> = ok(ledger.history(&case.entry.parcel_no))
        .into_iter()
        .take(3)
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["reattach", "detach", "attach"]);
}

/// `ledger copy` to a new file carries every document whole, removed ones marked, with who
/// added them and when; a backup of a file too.
fn a_copy_carries_the_documents(subject: &Subject) {
    let (_, mut ledger) = sample(subject);
    let cases = ok(ledger.list());
    let kept = ok(ledger.attach(cases[0].id, "认定书.pdf", &pdf(200_000), "op"));
    let gone = ok(ledger.attach(cases[2].id, "处置决定书.pdf", &pdf(300_000), "op"));
    ok(ledger.remove_attachment(gone, "op"));
    let source = [
        ok(ledger.attachments(cases[0].id, true)),
        ok(ledger.attachments(cases[2].id, true)),
    ]
    .concat();
    let dir = scratch(&format!("copy-{}", subject.account.is_some()));
    let mut copy = ok(Ledger::open(&dir.join("copy.sqlite")));
    ok(ledger.copy_to(&mut copy, false));
    let copied = [
        ok(copy.attachments(cases[0].id, true)),
        ok(copy.attachments(cases[2].id, true)),
    ]
    .concat();
    assert_eq!(copied.len(), 2);
    for (a, b) in source.iter().zip(&copied) {
        assert_eq!(
            (
                &a.name,
                &a.sha256,
                a.size,
                &a.added_at,
                &a.added_by,
                &a.removed
            ),
            (
                &b.name,
                &b.sha256,
                b.size,
                &b.added_at,
                &b.added_by,
                &b.removed
            )
        );
        assert!(ok(copy.attachment_content(b)) == ok(ledger.attachment_content(a)));
    }
    assert_eq!(source[0].id, kept);
    if subject.account.is_none() {
        let backup = dir.join("backup.sqlite");
        ok(ledger.backup_to(&backup));
        let restored = ok(Ledger::open(&backup));
        assert_eq!(ok(restored.attachments(cases[0].id, false)).len(), 1);
    }
}

/// The CLI: attach a file, list it, write the case's documents into a folder under names
/// safe for the disk, each as stored.
#[test]
fn the_cli_attaches_lists_and_exports_documents() {
    use crate::cli::{fresh_home, json_of, parkland_in, stdout};
    let home = fresh_home("docs");
    let dir = scratch("cli");
    let file = dir.join("认定书:2024.pdf");
    let content = pdf(10_000);
    ok(std::fs::write(&file, &content));
    let list = json_of(&parkland_in(&home, "UTC", &["ledger", "list", "--json"]));
    let case = list[0]["id"].to_string();
    let attach = parkland_in(
        &home,
        "UTC",
        &["ledger", "attach", &case, &file.display().to_string()],
    );
    assert_eq!(attach.status.code(), Some(0), "{}", stdout(&attach));
    let listed = json_of(&parkland_in(
        &home,
        "UTC",
        &["ledger", "attachments", &case, "--json"],
    ));
    assert_eq!(listed[0]["name"], "认定书:2024.pdf");
    assert_eq!(listed[0]["sha256"], sha256_hex(&content));
    let out = dir.join("out");
    let export = parkland_in(
        &home,
        "UTC",
        &[
            "ledger",
            "export-attachments",
            &case,
            &out.display().to_string(),
        ],
    );
    assert_eq!(export.status.code(), Some(0), "{}", stdout(&export));
    assert!(ok(std::fs::read(out.join("认定书_2024.pdf"))) == content);
    let empty = dir.join("empty.pdf");
    ok(std::fs::write(&empty, b""));
    let refused = parkland_in(
        &home,
        "UTC",
        &["ledger", "attach", &case, &empty.display().to_string()],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stdout(&refused).contains("nothing was written"),
        "{}",
        stdout(&refused)
    );
}

/// The program killed at moments during attaching a 40 MB document: each time the ledger
/// holds either the whole document (its bytes matching their SHA-256, with its event) or
/// nothing of it.
#[test]
fn a_kill_during_an_attach_leaves_all_or_nothing() {
    use crate::cli::{fresh_home, json_of, parkland_in};
    let home = fresh_home("docs-kill");
    let dir = scratch("kill");
    let file = dir.join("扫描件.pdf");
    ok(std::fs::write(&file, pdf(40 * 1024 * 1024)));
    let list = json_of(&parkland_in(&home, "UTC", &["ledger", "list", "--json"]));
    let case = list[0]["id"].to_string();
    let ledger_path = home.join("data/parkland/sample-ledger.sqlite");
    for delay in [5_u64, 40, 120, 250, 400, 700] {
        let mut child = ok(std::process::Command::new(env!("CARGO_BIN_EXE_parkland"))
            .args(["ledger", "attach", &case, &file.display().to_string()])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("TZ", "UTC")
            .stdout(std::process::Stdio::null())
            .spawn());
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let ledger = ok(Ledger::open(&ledger_path));
        let id: i64 = case.parse().unwrap_or_default();
        let documents = ok(ledger.attachments(id, true));
        for document in &documents {
            assert_eq!(
                sha256_hex(&ok(ledger.attachment_content(document))),
                document.sha256,
                "whole (killed after {delay} ms)"
            );
        }
        let attach_events = ok(ledger.history(list[0]["parcel_no"].as_str().unwrap_or_default()))
            .iter()
            .filter(|e| e.action == "attach")
            .count();
        assert_eq!(
            attach_events,
            documents.len(),
            "an event for each, no more (killed after {delay} ms)"
        );
    }
}
