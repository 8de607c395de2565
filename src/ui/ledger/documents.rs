//! The documents of a case in the window (附件): listed, attached, removed, written out or
//! opened with the system's viewer, and image thumbnails decoded off the UI thread. Each goes
//! where the ledger is, as a job (in the frame for a file, on the worker for a server).

use super::{LedgerView, Outcome};
use crate::ledger::LedgerError;
use crate::ledger::attachments::Attachment;
use crate::ui::app::Notice;
use std::sync::Arc;

impl LedgerView {
    /// The documents of a case (not removed), oldest first: read once per case and revision,
    /// on a server asked of the worker (the last list shown stays meanwhile for that case).
    #[must_use]
    pub fn attachments(&self, case_id: i64) -> Vec<Attachment> {
        let key = (case_id, self.revision);
        let mut cache = self.attachments_cache.borrow_mut();
        match cache.lookup(&key) {
            Ok(list) => return list.clone(),
            Err(true) => {
                if let Some(file) = &self.file {
                    let list = file.attachments(case_id, false).unwrap_or_default();
                    cache.answer(key, list.clone());
                    return list;
                }
                if let Some(worker) = &self.worker {
                    worker.send(Box::new(move |ledger| {
                        let list = ledger.attachments(case_id, false).unwrap_or_default();
                        Box::new(move |view| view.attachments_cache.borrow_mut().answer(key, list))
                    }));
                }
            }
            Err(false) => {}
        }
        cache
            .latest()
            .filter(|((case, _), _)| *case == case_id)
            .map(|(_, list)| list.clone())
            .unwrap_or_default()
    }

    /// A thumbnail of an image document (128 pixels on its longer side), decoded off the UI
    /// thread.
    #[must_use]
    pub fn thumbnail(&self, attachment: &Attachment) -> Thumb {
        if !attachment.is_image() {
            return Thumb::None;
        }
        if let Some((_, receiver)) = &self.thumbnail_channel {
            for (id, image) in receiver.try_iter() {
                let thumb = image.map_or(Thumb::None, |i| Thumb::Ready(Arc::new(i)));
                self.thumbnails.borrow_mut().insert(id, thumb);
            }
        }
        if let Some(known) = self.thumbnails.borrow().get(&attachment.id) {
            return known.clone();
        }
        self.thumbnails
            .borrow_mut()
            .insert(attachment.id, Thumb::Loading);
        let Some((sender, _)) = &self.thumbnail_channel else {
            return Thumb::None;
        };
        let (sender, document) = (sender.clone(), attachment.clone());
        if let Some(file) = &self.file {
            // The bytes from the local file now (a millisecond); decoded on a thread.
            let Ok(content) = file.attachment_content(&document) else {
                self.thumbnails
                    .borrow_mut()
                    .insert(document.id, Thumb::None);
                return Thumb::None;
            };
            let _ = std::thread::Builder::new()
                .name("thumbnail".to_owned())
                .spawn(move || {
                    let _ = sender.send((document.id, thumbnail_of(&content)));
                });
        } else if let Some(worker) = &self.worker {
            worker.send(Box::new(move |ledger| {
                let image = ledger
                    .attachment_content(&document)
                    .ok()
                    .and_then(|content| thumbnail_of(&content));
                let _ = sender.send((document.id, image));
                Box::new(|_| {})
            }));
        }
        Thumb::Loading
    }

    /// Attaches files to a case, each in its own transaction; a file refused is a notice
    /// naming it, the others are attached.
    pub fn attach_files(&mut self, case_id: i64, paths: Vec<std::path::PathBuf>, operator: &str) {
        let operator = operator.to_owned();
        self.run(Box::new(move |store| {
            let results: Vec<(std::path::PathBuf, Result<i64, LedgerError>)> = paths
                .into_iter()
                .map(|path| {
                    let result = store.attach_file(case_id, &path, &operator);
                    (path, result)
                })
                .collect();
            Box::new(move |view| {
                let refused: Vec<String> = results
                    .iter()
                    .filter_map(|(_, r)| r.as_ref().err().map(ToString::to_string))
                    .collect();
                if !refused.is_empty() {
                    view.outcomes.push(Outcome::Notice(Notice {
                        title: "附件未添加 / documents not attached".to_owned(),
                        rejected: true,
                        lines: refused,
                    }));
                }
                view.reload();
            })
        }));
    }

    /// Removes a document from its case (kept; an administrator can bring it back).
    pub fn remove_attachment(&mut self, id: i64, operator: &str) {
        let operator = operator.to_owned();
        self.run(Box::new(move |store| {
            let result = store.remove_attachment(id, &operator);
            Box::new(move |view| {
                view.error = result.err().map(|e| e.to_string());
                view.reload();
            })
        }));
    }

    /// Writes a document where the user chose, or (`None`) to a temporary file opened with
    /// the system's viewer; its bytes are checked against their SHA-256 first.
    pub fn write_attachment(&mut self, attachment: Attachment, to: Option<std::path::PathBuf>) {
        let open = to.is_none();
        self.run(Box::new(move |store| {
            let written = store
                .attachment_content(&attachment)
                .map_err(|e| e.to_string())
                .and_then(|content| {
                    let path = match to {
                        Some(path) => path,
                        None => temporary_copy_path(&attachment)?,
                    };
                    crate::atomic_file::write(&path, &content)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    Ok(path)
                });
            Box::new(move |view| match written {
                Ok(path) if open => {
                    if let Err(e) = open::that_detached(&path) {
                        view.error = Some(format!("{}: {e}", path.display()));
                    }
                }
                Ok(path) => {
                    view.outcomes.push(Outcome::Notice(Notice {
                        title: path.display().to_string(),
                        rejected: false,
                        lines: vec!["附件已保存 / document saved".to_owned()],
                    }));
                }
                Err(why) => view.error = Some(why),
            })
        }));
    }
}

/// A document's thumbnail in the window.
#[derive(Debug, Clone)]
pub enum Thumb {
    /// Being read and decoded.
    Loading,
    Ready(Arc<egui::ColorImage>),
    /// Not an image, or one that cannot be decoded.
    None,
}

/// A document's thumbnail as decoded (`None`: not an image after all).
pub(super) type Thumbnail = (i64, Option<egui::ColorImage>);

/// An image's thumbnail, 128 pixels on its longer side.
fn thumbnail_of(content: &[u8]) -> Option<egui::ColorImage> {
    let image = image::load_from_memory(content)
        .ok()?
        .thumbnail(128, 128)
        .to_rgba8();
    Some(egui::ColorImage::from_rgba_unmultiplied(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    ))
}

/// Where a document opened with the system's viewer is written: a folder of its own under
/// the temporary directory, under its own name made safe for the disk.
fn temporary_copy_path(attachment: &Attachment) -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir()
        .join("parkland-documents")
        .join(attachment.id.to_string());
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir.join(crate::ledger::attachments::file_name_for_disk(
        &attachment.name,
    )))
}
