//! `jiansuo check`: is every file of the live generation as it was written?
//!
//! * tantivy's segment files: each listed by the segments of `meta.json` must exist, and its
//!   footer checksum must match (`Index::validate_checksum`);
//! * jiansuo's own files (its tables, `jiansuo.json`, tantivy's `meta.json` and
//!   `.managed.json`): their BLAKE3 hashes, written at build time into [`CHECKSUMS_FILE`]
//!   (and again when themes are rescored), must match.
//!
//! The check reads every byte of the generation, so it is paid by `check`, by `index` before
//! an update (a damaged base is rebuilt in full) and by `serve` at start, never by a query.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::store;
use crate::error::{Error, Result};

/// The file listing the BLAKE3 hash of each of jiansuo's files in a generation (`b3sum`
/// format: hash, two spaces, name).
pub const CHECKSUMS_FILE: &str = "checksums.b3";

/// One damaged file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Damage {
    /// The file's name in the generation.
    pub file: String,
    /// What is wrong: `missing`, `checksum mismatch`, `unreadable: …`.
    pub problem: String,
}

/// What [`check`] found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The generation checked.
    pub generation: PathBuf,
    /// Files verified.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    pub damaged: Vec<Damage>,
}

impl CheckReport {
    pub fn is_sound(&self) -> bool {
        self.damaged.is_empty()
    }

    /// The damaged files' names, comma-separated.
    pub fn damaged_names(&self) -> String {
        self.damaged
            .iter()
            .map(|d| d.file.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Files of a generation that [`write_checksums`] hashes: all but tantivy's segment files
/// (checked by their own footers), lock and reader-marker files, and the list itself.
fn is_hashed(name: &str) -> bool {
    let segment_file = name
        .split_once('.')
        .is_some_and(|(stem, _)| stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()));
    !(segment_file
        || name == CHECKSUMS_FILE
        || name == ".readers"
        || name.ends_with(".lock")
        || name.starts_with(".tmp"))
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut h = blake3::Hasher::new();
    let mut f = std::fs::File::open(path)?;
    let n = std::io::copy(&mut f, &mut h)?;
    Ok((h.finalize().to_hex().to_string(), n))
}

/// Write [`CHECKSUMS_FILE`] for the files of `gen_dir` (call last, when they are final).
pub fn write_checksums(gen_dir: &Path) -> Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(gen_dir)
        .map_err(Error::io(format!("listing {}", gen_dir.display())))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_hashed(n))
        .collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let (hash, _) = hash_file(&gen_dir.join(&name)).map_err(Error::io(format!(
            "reading {}",
            gen_dir.join(&name).display()
        )))?;
        out.push_str(&format!("{hash}  {name}\n"));
    }
    super::meta::write_file(gen_dir, CHECKSUMS_FILE, out.as_bytes())
}

fn damaged(file: &str, problem: String) -> Damage {
    Damage {
        file: file.to_owned(),
        problem,
    }
}

/// Verify every file of the live generation of the index at `dir`.
pub fn check(dir: &Path) -> Result<CheckReport> {
    let Some(name) = store::current(dir)? else {
        return Err(Error::NoIndex {
            path: dir.to_path_buf(),
        });
    };
    let generation = dir.join(&name);
    let mut report = CheckReport {
        generation: generation.clone(),
        files: 0,
        bytes: 0,
        damaged: Vec::new(),
    };
    let mut found: Vec<Damage> = Vec::new();
    // jiansuo's files, by their hashes.
    match std::fs::read_to_string(generation.join(CHECKSUMS_FILE)) {
        Err(e) => found.push(damaged(CHECKSUMS_FILE, format!("unreadable: {e}"))),
        Ok(list) => {
            for line in list.lines() {
                let Some((hash, file)) = line.split_once("  ") else {
                    found.push(damaged(
                        CHECKSUMS_FILE,
                        format!("a line does not parse: {line:?}"),
                    ));
                    continue;
                };
                match hash_file(&generation.join(file)) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        found.push(damaged(file, "missing".into()))
                    }
                    Err(e) => found.push(damaged(file, format!("unreadable: {e}"))),
                    Ok((h, n)) => {
                        report.files += 1;
                        report.bytes += n;
                        if h != hash {
                            found.push(damaged(file, "checksum mismatch".into()));
                        }
                    }
                }
            }
        }
    }
    // tantivy's segment files: present, and their footers' checksums, file by file.
    let opened = std::panic::catch_unwind(|| -> std::result::Result<_, String> {
        let index = tantivy::Index::open_in_dir(&generation).map_err(|e| e.to_string())?;
        let metas = index
            .searchable_segment_metas()
            .map_err(|e| e.to_string())?;
        use tantivy::index::SegmentComponent as C;
        let mut files: Vec<PathBuf> = Vec::new();
        for m in &metas {
            for c in [
                C::Postings,
                C::Positions,
                C::FastFields,
                C::FieldNorms,
                C::Terms,
                C::Store,
            ] {
                files.push(m.relative_path(c));
            }
            if m.has_deletes() {
                files.push(m.relative_path(C::Delete));
            }
        }
        files.sort();
        files.dedup();
        Ok((index, files))
    });
    match opened {
        Ok(Ok((index, files))) => {
            for f in files {
                let name = f.to_string_lossy().into_owned();
                let Ok(m) = std::fs::metadata(generation.join(&f)) else {
                    found.push(damaged(&name, "missing".into()));
                    continue;
                };
                report.files += 1;
                report.bytes += m.len();
                let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    index.directory().validate_checksum(&f)
                }));
                match verdict {
                    Ok(Ok(true)) => {}
                    Ok(Ok(false)) => found.push(damaged(&name, "checksum mismatch".into())),
                    Ok(Err(e)) => found.push(damaged(&name, format!("unreadable: {e}"))),
                    Err(_) => found.push(damaged(&name, "unreadable".into())),
                }
            }
        }
        Ok(Err(e)) => found.push(damaged(
            "meta.json",
            format!("the segments cannot be read: {e}"),
        )),
        Err(_) => found.push(damaged("meta.json", "the segments cannot be read".into())),
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found.dedup_by(|a, b| a.file == b.file);
    report.damaged = found;
    Ok(report)
}
