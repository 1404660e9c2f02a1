//! The index directory: generations, the `CURRENT` pointer and the writer lock.
//!
//! ```text
//! index/
//!   CURRENT        name of the live generation, replaced atomically (write + rename)
//!   gen-000007/    tantivy files, jiansuo.json, docs.bin, user-dict.txt, …
//!     .readers     share-locked (flock) by every process reading the generation
//!   .lock          held (flock) by the process that is building; holds its pid
//! ```
//!
//! A build writes a new generation beside the live one and swaps `CURRENT` only when it is
//! complete, so a failed or killed build leaves the previous index usable. Generations that
//! `CURRENT` does not name are removed by the next build that holds the lock, but only when no
//! query holds their `.readers` lock: a query that opened the old generation reads it to the
//! end. A generation is renamed to `.trash-…` before it is deleted, so a reader that takes its
//! lock just after can tell it is gone and opens the new one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const CURRENT_FILE: &str = "CURRENT";
pub const LOCK_FILE: &str = ".lock";
const GEN_PREFIX: &str = "gen-";
const TRASH_PREFIX: &str = ".trash-";
/// File in each generation that readers share-lock.
pub const READERS_FILE: &str = ".readers";

/// The exclusive right to write an index directory; released on drop (or process death).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

/// Create the index directory if needed and take its write lock.
pub fn lock(dir: &Path) -> Result<WriteLock> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::NotAnIndex {
            path: dir.to_path_buf(),
            reason: "it is a file, not a directory".into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(Error::io(format!("opening {}", path.display())))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut s = String::new();
            let _ = file.read_to_string(&mut s);
            return Err(Error::Locked {
                path: dir.to_path_buf(),
                pid: s.trim().parse().ok(),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(Error::io(format!("locking {}", path.display()))(e));
        }
    }
    let pid = std::process::id().to_string();
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(pid.as_bytes()))
        .map_err(Error::io(format!("writing {}", path.display())))?;
    Ok(WriteLock { _file: file })
}

/// Wait until no process holds the write lock of the index in `dir` (a build in progress ends,
/// or dies).
pub fn wait_unlocked(dir: &Path) -> Result<()> {
    let path = dir.join(LOCK_FILE);
    let file = File::open(&path).map_err(Error::io(format!("opening {}", path.display())))?;
    file.lock_shared()
        .map_err(Error::io(format!("waiting for {}", path.display())))
}

/// Name of the live generation, if the directory has one.
pub fn current(dir: &Path) -> Result<Option<String>> {
    let path = dir.join(CURRENT_FILE);
    match std::fs::read_to_string(&path) {
        Ok(s) => {
            let name = s.trim().to_owned();
            if !name.starts_with(GEN_PREFIX) || name.contains(['/', '\\']) {
                return Err(Error::Corrupt {
                    path: dir.to_path_buf(),
                    reason: format!("{} names {name:?}", path.display()),
                });
            }
            Ok(Some(name))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(format!("reading {}", path.display()))(e)),
    }
}

/// Create a fresh, empty generation directory (the lock must be held).
pub fn new_generation(dir: &Path, _lock: &WriteLock) -> Result<(String, PathBuf)> {
    let next = generations(dir)?
        .iter()
        .filter_map(|g| g[GEN_PREFIX.len()..].parse::<u64>().ok())
        .max()
        .map_or(1, |n| n + 1);
    let name = format!("{GEN_PREFIX}{next:06}");
    let path = dir.join(&name);
    std::fs::create_dir(&path).map_err(Error::io(format!("creating {}", path.display())))?;
    crate::index::meta::write_file(&path, READERS_FILE, b"")?;
    Ok((name, path))
}

/// Make `name` the live generation, atomically, then remove every other generation.
pub fn publish(dir: &Path, name: &str, lock: &WriteLock) -> Result<()> {
    let tmp = dir.join(format!("{CURRENT_FILE}.tmp"));
    crate::index::meta::write_file(dir, &format!("{CURRENT_FILE}.tmp"), name.as_bytes())?;
    super::failpoint::fail_point("publish")?;
    std::fs::rename(&tmp, dir.join(CURRENT_FILE)).map_err(Error::io(format!(
        "replacing {}/{CURRENT_FILE}",
        dir.display()
    )))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    remove_stale(dir, lock)
}

/// Remove generations that `CURRENT` does not name (left by failed or killed builds, or
/// replaced by a newer one) unless a query still reads them.
pub fn remove_stale(dir: &Path, _lock: &WriteLock) -> Result<()> {
    let live = current(dir)?;
    for g in generations(dir)? {
        if Some(&g) == live.as_ref() {
            continue;
        }
        let path = dir.join(&g);
        let guard = match File::open(path.join(READERS_FILE)) {
            Ok(f) => match f.try_lock() {
                Ok(()) => Some(f),
                Err(_) => continue, // a query reads it; a later build removes it
            },
            Err(_) => None,
        };
        let trash = dir.join(format!("{TRASH_PREFIX}{g}"));
        if std::fs::rename(&path, &trash).is_ok() {
            let _ = std::fs::remove_dir_all(&trash);
        }
        drop(guard);
    }
    // Trash left by a build killed while deleting.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(|e| e.ok()) {
            if e.file_name().to_string_lossy().starts_with(TRASH_PREFIX) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(())
}

/// Share-lock a generation for reading; `None` when it has been removed meanwhile (open the
/// live one again).
pub fn lock_for_reading(generation: &Path) -> Result<Option<File>> {
    let path = generation.join(READERS_FILE);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(format!("opening {}", path.display()))(e)),
    };
    file.lock_shared()
        .map_err(Error::io(format!("locking {}", path.display())))?;
    // The builder renames a generation away before deleting it, holding the lock meanwhile.
    if !generation.join(crate::index::meta::META_FILE).is_file() {
        return Ok(None);
    }
    Ok(Some(file))
}

/// Remove a generation directory (after a failed build).
pub fn discard(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
}

fn generations(dir: &Path) -> Result<Vec<String>> {
    let entries =
        std::fs::read_dir(dir).map_err(Error::io(format!("listing {}", dir.display())))?;
    Ok(entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(GEN_PREFIX))
        .collect())
}

/// Total size in bytes of the files under `path`.
pub fn dir_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_reports_pid() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock(dir.path()).unwrap();
        match lock(dir.path()) {
            Err(Error::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn publish_swaps_and_cleans() {
        let dir = tempfile::tempdir().unwrap();
        let l = lock(dir.path()).unwrap();
        let (a, _) = new_generation(dir.path(), &l).unwrap();
        publish(dir.path(), &a, &l).unwrap();
        let (b, _) = new_generation(dir.path(), &l).unwrap();
        let (c, _) = new_generation(dir.path(), &l).unwrap();
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("gen-000001", "gen-000002", "gen-000003")
        );
        assert_eq!(current(dir.path()).unwrap().as_deref(), Some("gen-000001"));
        publish(dir.path(), &c, &l).unwrap();
        assert_eq!(current(dir.path()).unwrap().as_deref(), Some("gen-000003"));
        assert_eq!(
            generations(dir.path()).unwrap(),
            vec!["gen-000003".to_string()]
        );
    }

    #[test]
    fn index_path_that_is_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "x").unwrap();
        assert!(matches!(lock(&f), Err(Error::NotAnIndex { .. })));
    }
}
