//! Every file Parkland writes replaces its target whole or not at all: the content goes to a
//! temporary file beside the target (same file system), is synced, and is renamed over it.
//! A failed or interrupted write leaves the old file as it was and no temporary file behind.
//!
//! ```
//! let dir = std::env::temp_dir().join(format!("parkland-atomic-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("out.csv");
//! parkland::atomic_file::write(&path, b"a,b\n").unwrap();
//! assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n");
//! ```

use std::io;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path`, replacing it atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_with(path, |temp| std::fs::write(temp, bytes), |e| e).map(drop)
}

/// Runs `write` on a temporary path beside `path`, syncs the result and renames it over
/// `path`; returns the size written. On any failure the temporary file is removed and `path`
/// is left as it was. `io` turns an I/O error of the replacing itself into the caller's error.
pub fn replace_with<E>(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), E>,
    io: impl Fn(io::Error) -> E,
) -> Result<u64, E> {
    if path.is_dir() {
        return Err(io(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder; give a file name",
        )));
    }
    let temp = temp_path(path);
    let _ = std::fs::remove_file(&temp);
    let result = write(&temp).and_then(|()| {
        let file = std::fs::File::open(&temp).map_err(&io)?;
        file.sync_all().map_err(&io)?;
        let bytes = file.metadata().map_err(&io)?.len();
        drop(file);
        std::fs::rename(&temp, path).map_err(&io)?;
        Ok(bytes)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `.NAME.parkland-PID.tmp` in the target's folder (same file system, so the rename is atomic).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.parkland-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_one() {
        let dir = std::env::temp_dir().join(format!("parkland-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("map.png");
        write(&path, b"old").expect("first write");
        let failed: Result<u64, io::Error> = replace_with(
            &path,
            |temp| {
                std::fs::write(temp, b"half")?;
                Err(io::Error::other("disk full"))
            },
            |e| e,
        );
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        let left: Vec<_> = std::fs::read_dir(&dir).expect("list").flatten().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
        write(&path, b"new").expect("second write");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        assert!(write(&dir, b"x").is_err(), "a folder is refused");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
