//! Metadata kept beside the tantivy files of an index generation.
//!
//! * `jiansuo.json` ([`IndexMeta`]): schema version, corpus root, user-dictionary hash, build
//!   figures and skipped files;
//! * `docs.json` (`Vec<DocEntry>`): one entry per document, indexed by the `doc` field: path,
//!   title and counts (what queries need);
//! * `files.json` (`Vec<FileEntry>`): the same documents' encoding, size, mtime and content
//!   hash (what an update needs);
//! * `user-dict.txt`: the user dictionary the index was built with (queries load the same one).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const META_FILE: &str = "jiansuo.json";
pub const DOCS_FILE: &str = "docs.json";
pub const FILES_FILE: &str = "files.json";
pub const USER_DICT_FILE: &str = "user-dict.txt";

/// What an index records about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub schema_version: u32,
    pub jiansuo_version: String,
    /// Absolute path of the corpus root the index was built from.
    pub corpus_root: String,
    /// BLAKE3 of the built-in plus user dictionary, hex.
    pub user_dict_hash: String,
    /// Characters of following text indexed after each passage in the exact field.
    pub exact_tail_chars: usize,
    pub stats: BuildStats,
    pub skipped: Vec<SkippedFile>,
}

/// Figures of one index build.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BuildStats {
    pub documents: u64,
    pub paragraphs: u64,
    pub passages: u64,
    /// Characters of cleaned text.
    pub chars: u64,
    /// Bytes of the source files read.
    pub bytes: u64,
    pub skipped: u64,
    pub seconds: f64,
    /// Source megabytes (10^6 bytes) per second.
    pub mb_per_s: f64,
    /// Bytes of the index generation on disk.
    pub index_bytes: u64,
    pub threads: usize,
    pub segments: usize,
}

/// A file left out of the index, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// One indexed document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocEntry {
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    pub title: String,
    pub paragraphs: u32,
    pub passages: u32,
    pub chars: u64,
}

/// The source file of one indexed document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    pub encoding: String,
    pub size: u64,
    pub mtime_ns: i64,
    /// BLAKE3 of the file's bytes, hex.
    pub hash: String,
}

/// Write `value` as JSON to `dir/name`, durably.
pub fn write_json<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| Error::Io {
        context: format!("serialising {name}"),
        source: e.into(),
    })?;
    write_file(dir, name, &bytes)
}

/// Write bytes to `dir/name` and sync them.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let path = dir.join(name);
    let mut f =
        std::fs::File::create(&path).map_err(Error::io(format!("writing {}", path.display())))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(Error::io(format!("writing {}", path.display())))
}

/// Read JSON from `dir/name`; a missing or unreadable file is reported as a damaged index.
pub fn read_json<T: for<'de> Deserialize<'de>>(index: &Path, dir: &Path, name: &str) -> Result<T> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(|e| Error::Corrupt {
        path: index.to_path_buf(),
        reason: format!("{}: {e}", path.display()),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
        path: index.to_path_buf(),
        reason: format!("{}: {e}", path.display()),
    })
}
