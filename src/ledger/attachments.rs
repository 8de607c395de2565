//! The documents of each case (附件): 闲置土地认定书, 处置决定书, site photos. Stored inside the
//! ledger (a SQLite blob, a PostgreSQL bytea) in a table of their own, with name, type, size,
//! SHA-256, who and when, so that a backup or a copy carries them. Attaching, removing and
//! bringing back are events of the case (its version rises); a removed document is kept.

use super::store::NewAttachment;
use super::{Action, Ledger, LedgerError, RowUpdate, now, update_row};
use crate::model::Text;
use std::path::Path;

/// The largest document taken (50 MB).
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// A document of a case, as listed (its bytes are read apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub entry_id: i64,
    /// The file's name as it was attached (any characters).
    pub name: String,
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub added_at: String,
    pub added_by: String,
    /// When and by whom it was removed: `(at, by)`.
    pub removed: Option<(String, String)>,
}

impl Attachment {
    /// Whether it is an image the window can show as a thumbnail.
    #[must_use]
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }
}

/// The kinds of document a case takes, by extension, with their media type and how their
/// bytes begin (the content must agree with the name).
const KINDS: [(&str, &str, &[&[u8]]); 7] = [
    ("pdf", "application/pdf", &[b"%PDF"]),
    ("jpg", "image/jpeg", &[b"\xFF\xD8\xFF"]),
    ("jpeg", "image/jpeg", &[b"\xFF\xD8\xFF"]),
    ("png", "image/png", &[b"\x89PNG\r\n\x1a\n"]),
    (
        "doc",
        "application/msword",
        &[b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"],
    ),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &[b"PK\x03\x04"],
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &[b"PK\x03\x04"],
    ),
];

/// `.xls` shares the old Office container with `.doc`.
const XLS: (&str, &str, &[u8]) = (
    "xls",
    "application/vnd.ms-excel",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
);

fn refused(zh: String, en: String) -> LedgerError {
    LedgerError::Attachment(Text { zh, en })
}

/// The media type of a document named `name` with these bytes, or why it is not taken.
pub fn media_type(name: &str, content: &[u8]) -> Result<&'static str, LedgerError> {
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let kind = KINDS
        .iter()
        .map(|&(ext, media, magic)| (ext, media, magic))
        .chain(std::iter::once((XLS.0, XLS.1, &[XLS.2][..])))
        .find(|(ext, _, _)| *ext == extension);
    let Some((_, media, magic)) = kind else {
        return Err(refused(
            format!(
                "“{name}”不是可附加的文件类型：可附加 PDF、JPEG、PNG、Word（doc/docx）、Excel（xls/xlsx）"
            ),
            format!(
                "\"{name}\" is not a kind of document a case takes: PDF, JPEG, PNG, Word (doc/docx) or Excel (xls/xlsx)"
            ),
        ));
    };
    if !magic.iter().any(|m| content.starts_with(m)) {
        return Err(refused(
            format!("“{name}”的内容不是 .{extension} 文件（文件可能已损坏或扩展名有误）"),
            format!(
                "\"{name}\" does not hold a .{extension} file (damaged, or the wrong extension)"
            ),
        ));
    }
    Ok(media)
}

/// SHA-256 of the bytes, lowercase hex.
#[must_use]
pub fn sha256_hex(content: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, content);
    digest
        .as_ref()
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// A name safe to write in a folder on any system: path separators, control characters and
/// the characters Windows refuses become `_`; a name that is empty or only dots becomes
/// `附件`. The stored name is never changed; this is for files written out.
#[must_use]
pub fn file_name_for_disk(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_end_matches('.');
    if trimmed.trim_matches('.').is_empty() {
        "附件".to_owned()
    } else {
        trimmed.to_owned()
    }
}

impl Ledger {
    /// Attaches a file to a case: read whole first (a file over 50 MB, empty, vanished or
    /// unreadable is refused, naming it), then stored in one transaction with its event.
    pub fn attach_file(
        &mut self,
        case_id: i64,
        path: &Path,
        operator: &str,
    ) -> Result<i64, LedgerError> {
        let shown = path.display().to_string();
        let name = path
            .file_name()
            .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
        let metadata = std::fs::metadata(path).map_err(|e| {
            refused(
                format!("无法读取 {shown}：{e}（文件不存在或已被移走？）"),
                format!("cannot read {shown}: {e} (is it there?)"),
            )
        })?;
        if !metadata.is_file() {
            return Err(refused(
                format!("{shown} 不是文件"),
                format!("{shown} is not a file"),
            ));
        }
        if metadata.len() > MAX_ATTACHMENT_BYTES {
            return Err(too_large(&shown, metadata.len()));
        }
        let content = std::fs::read(path).map_err(|e| {
            refused(
                format!("无法读取 {shown}：{e}"),
                format!("cannot read {shown}: {e}"),
            )
        })?;
        self.attach(case_id, &name, &content, operator)
    }

    /// Attaches a document to a case in one transaction with its event; returns its id.
    pub fn attach(
        &mut self,
        case_id: i64,
        name: &str,
        content: &[u8],
        operator: &str,
    ) -> Result<i64, LedgerError> {
        if name.trim().is_empty() {
            return Err(refused(
                "附件须有文件名".to_owned(),
                "a document needs a name".to_owned(),
            ));
        }
        if content.is_empty() {
            return Err(refused(
                format!("“{name}”是空文件，未附加"),
                format!("\"{name}\" is empty: not attached"),
            ));
        }
        let size = u64::try_from(content.len()).unwrap_or(u64::MAX);
        if size > MAX_ATTACHMENT_BYTES {
            return Err(too_large(name, size));
        }
        let media_type = media_type(name, content)?;
        let sha256 = sha256_hex(content);
        self.transaction(|tx| {
            let at = now();
            case_event(tx, case_id, Action::Attach, name, operator, &at)?;
            tx.insert_attachment(
                &NewAttachment {
                    entry_id: case_id,
                    name,
                    media_type,
                    sha256: &sha256,
                    content,
                },
                operator,
                &at,
            )
        })
    }

    /// The documents of a case, oldest first; removed ones too when `removed`.
    pub fn attachments(&self, case_id: i64, removed: bool) -> Result<Vec<Attachment>, LedgerError> {
        self.backend.store().attachments(case_id, removed)
    }

    /// A document's bytes, checked against its SHA-256.
    pub fn attachment_content(&self, attachment: &Attachment) -> Result<Vec<u8>, LedgerError> {
        let content = self
            .backend
            .store()
            .attachment_content(attachment.id)?
            .ok_or(LedgerError::NotFound(attachment.id))?;
        if sha256_hex(&content) != attachment.sha256 {
            return Err(LedgerError::Data(format!(
                "attachment {} ({}): its bytes do not match their SHA-256",
                attachment.id, attachment.name
            )));
        }
        Ok(content)
    }

    /// Removes a document from its case (kept, and listed as removed; an administrator can
    /// bring it back), with an event.
    pub fn remove_attachment(&mut self, id: i64, operator: &str) -> Result<(), LedgerError> {
        self.transaction(|tx| {
            let attachment = tx.attachment(id)?.ok_or(LedgerError::NotFound(id))?;
            if attachment.removed.is_some() {
                return Ok(());
            }
            let at = now();
            case_event(
                tx,
                attachment.entry_id,
                Action::Detach,
                &attachment.name,
                operator,
                &at,
            )?;
            tx.set_attachment_removed(id, Some((operator, &at)))
        })
    }

    /// Brings a removed document back (an administrator's act on a server), with an event.
    pub fn recover_attachment(&mut self, id: i64, operator: &str) -> Result<(), LedgerError> {
        self.transaction(|tx| {
            let attachment = tx.attachment(id)?.ok_or(LedgerError::NotFound(id))?;
            if attachment.removed.is_none() {
                return Ok(());
            }
            let at = now();
            case_event(
                tx,
                attachment.entry_id,
                Action::Reattach,
                &attachment.name,
                operator,
                &at,
            )?;
            tx.set_attachment_removed(id, None)
        })
    }
}

fn too_large(name: &str, size: u64) -> LedgerError {
    let mb = |n: u64| n as f64 / (1024.0 * 1024.0);
    let limit = mb(MAX_ATTACHMENT_BYTES);
    refused(
        format!("“{name}”有 {:.1} MB，超过附件上限 {limit:.0} MB", mb(size)),
        format!(
            "\"{name}\" is {:.1} MB, over the {limit:.0} MB limit for a document",
            mb(size)
        ),
    )
}

/// The case's event for a change of its documents: its values unchanged, its version one
/// higher, the document's name as the reason. A voided case takes no documents.
fn case_event(
    tx: &mut dyn super::store::Tx,
    case_id: i64,
    action: Action,
    name: &str,
    operator: &str,
    at: &str,
) -> Result<(), LedgerError> {
    let case = tx
        .select_one(case_id)?
        .ok_or(LedgerError::NotFound(case_id))?;
    if case.deleted {
        return Err(refused(
            format!("案件 {case_id} 已作废：请先恢复再管理附件"),
            format!("case {case_id} is voided: restore it before changing its documents"),
        ));
    }
    update_row(
        tx,
        &RowUpdate {
            id: case_id,
            expected_version: case.version,
            entry: &case.entry,
            deleted: false,
            reason: Some(name),
        },
        operator,
        action,
        at,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_taken_by_its_name_and_its_first_bytes() {
        assert_eq!(
            media_type("认定书.PDF", b"%PDF-1.7 ...").ok(),
            Some("application/pdf")
        );
        assert_eq!(
            media_type("现场.jpg", b"\xFF\xD8\xFF\xE0").ok(),
            Some("image/jpeg")
        );
        assert_eq!(
            media_type("台账.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").ok(),
            Some("application/vnd.ms-excel")
        );
        let wrong = media_type("照片.png", b"%PDF").err().map(|e| e.to_string());
        assert!(
            wrong.is_some_and(|e| e.contains("不是 .png")),
            "content checked"
        );
        let kind = media_type("run.exe", b"MZ").err().map(|e| e.to_string());
        assert!(
            kind.is_some_and(|e| e.contains("PDF、JPEG")),
            "kind refused"
        );
    }

    #[test]
    fn names_written_out_are_safe_and_stored_names_are_not_touched() {
        assert_eq!(file_name_for_disk("a/b\\c:d*?.pdf"), "a_b_c_d__.pdf");
        assert_eq!(file_name_for_disk(".."), "附件");
        assert_eq!(file_name_for_disk("  认定书 2024.pdf "), "认定书 2024.pdf");
        assert_eq!(file_name_for_disk("x\u{0}y.png"), "x_y.png");
    }

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
