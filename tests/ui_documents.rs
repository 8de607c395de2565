//! A case's documents in the window (issue 15): attached from a file or dropped on the window
//! while the case is selected, listed in the parcel panel, saved elsewhere bit for bit,
//! removed; a bad file is a notice naming it.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use parkland::ui::ParklandApp;
use parkland::ui::app::Command;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("parkland-ui-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn window(dir: &std::path::Path) -> Harness<'static, ParklandApp> {
    crate::ui::window_with_ledger(&dir.join("ledger.sqlite"))
}

#[test]
fn documents_are_attached_dropped_saved_and_removed_in_the_window() {
    let dir = scratch("docs");
    let mut window = window(&dir);
    let case = window.state().ledger.entries[0].clone();
    let index = window
        .state()
        .parcel_index(&case.entry.parcel_no)
        .expect("parcel");
    window.state_mut().send(Command::Select(Some(index)));
    window.run_steps(2);
    window.get_by_label("附件（0）");
    window.get_by_label("添加附件…");

    let scan = dir.join("闲置土地认定书.pdf");
    let content = [b"%PDF-1.7\n".as_slice(), &[7u8; 5000]].concat();
    std::fs::write(&scan, &content).unwrap_or_else(|e| panic!("{e}"));
    window
        .state_mut()
        .send(Command::AttachFiles(case.id, vec![scan]));
    window.run_steps(3);
    window.get_by_label("附件（1）");
    window.get_by_label("闲置土地认定书.pdf  5 KB");

    // Dropped on the window while the case is selected: attached, not opened as a layer.
    let photo = dir.join("现场照片.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n....").unwrap_or_else(|e| panic!("{e}"));
    window
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(crate::ui::Dropped(photo)));
    window.run_steps(3);
    window.get_by_label("附件（2）");
    assert!(
        window.state().notices.is_empty(),
        "{:?}",
        window.state().notices
    );

    // A file of another kind: a notice naming it; nothing attached.
    let bad = dir.join("setup.exe");
    std::fs::write(&bad, b"MZ").unwrap_or_else(|e| panic!("{e}"));
    window
        .state_mut()
        .send(Command::AttachFiles(case.id, vec![bad]));
    window.run_steps(3);
    assert!(
        window
            .state()
            .notices
            .iter()
            .any(|n| n.lines.iter().any(|l| l.contains("setup.exe"))),
        "{:?}",
        window.state().notices
    );
    window.get_by_label("附件（2）");

    // A real photo: its thumbnail is decoded off the UI thread and shown.
    let real = dir.join("航拍.png");
    let image = image::RgbImage::from_fn(300, 200, |x, _| image::Rgb([x as u8, 90, 40]));
    image.save(&real).unwrap_or_else(|e| panic!("{e}"));
    window
        .state_mut()
        .send(Command::AttachFiles(case.id, vec![real]));
    window.run_steps(3);
    let photo = window
        .state()
        .ledger
        .attachments(case.id)
        .into_iter()
        .find(|d| d.name == "航拍.png")
        .expect("attached");
    let start = std::time::Instant::now();
    loop {
        window.run_steps(1);
        if let parkland::ui::ledger::Thumb::Ready(thumbnail) =
            window.state().ledger.thumbnail(&photo)
        {
            assert_eq!(thumbnail.size, [128, 85], "128 pixels on the longer side");
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "no thumbnail"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // The drawing of a PNG that is not one: no thumbnail, and the window does not wait for it.
    let fake = window
        .state()
        .ledger
        .attachments(case.id)
        .into_iter()
        .find(|d| d.name == "现场照片.png")
        .expect("attached");
    let start = std::time::Instant::now();
    while !matches!(
        window.state().ledger.thumbnail(&fake),
        parkland::ui::ledger::Thumb::None
    ) {
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        window.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    window.get_by_label("附件（3）");

    // Saved elsewhere, bit for bit; then removed from the case.
    let documents = window.state().ledger.attachments(case.id);
    let saved = dir.join("saved.pdf");
    window.state_mut().send(Command::WriteAttachment(
        documents[0].clone(),
        Some(saved.clone()),
    ));
    window.run_steps(2);
    assert!(std::fs::read(&saved).unwrap_or_default() == content);
    window
        .state_mut()
        .send(Command::RemoveAttachment(documents[0].id));
    window.run_steps(3);
    window.get_by_label("附件（2）");
}
