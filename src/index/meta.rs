//! Metadata kept beside the tantivy files of an index generation.
//!
//! * `jiansuo.json` ([`IndexMeta`]): schema version, corpus root, user-dictionary hash, build
//!   figures and skipped files;
//! * `docs.bin` (`Vec<DocEntry>`, see [`super::doctable`]): one entry per document, indexed by
//!   the `doc` field: path, title, counts, date, collection and metadata, memory-mapped;
//! * `files.json.zst` (`Vec<FileEntry>`): the same documents' encoding, size, mtime and
//!   content hash (what an update needs);
//! * `user-dict.txt`: the user dictionary the index was built with (queries load the same one);
//! * `quotes.jsonl.zst`: one line per document (same order as `docs.bin`): a JSON array of
//!   its quotations ([`crate::analyze::Quotation`]);
//! * `speakers.toml`: the user speaker table the index was built with (added to the built-in one).
//!
//! A table whose name ends in `.zst` is zstd-compressed ([`write_file`] and [`read_file`] do
//! it by the name): on `../shared/corpora` the quotations are 6.0 → 1.0 MB, the file table
//! 3.0 → 0.7 MB, the theme scores 1.1 → 0.7 MB, for 4 ms of decompression when quote reads
//! its table. `docs.bin` stays plain (it is memory-mapped), and `jiansuo.json` is small
//! and meant to be read by people.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const META_FILE: &str = "jiansuo.json";
pub const FILES_FILE: &str = "files.json.zst";
pub const USER_DICT_FILE: &str = "user-dict.txt";
pub const QUOTES_FILE: &str = "quotes.jsonl.zst";
pub const SPEAKERS_FILE: &str = "speakers.toml";

/// Hash identifying the dictionaries an index was built with.
pub fn dict_hash(user_dict: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(crate::analyze::BUILTIN_USER_DICT.as_bytes());
    h.update(b"\0");
    h.update(user_dict.as_bytes());
    h.finalize().to_hex()[..16].to_owned()
}

fn first_matching_form() -> u32 {
    1
}

/// What an index records about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub schema_version: u32,
    /// Version of the matching form ([`crate::matching::MATCHING_FORM_VERSION`]) the exact
    /// fields hold (1 before it was recorded).
    #[serde(default = "first_matching_form")]
    pub matching_form_version: u32,
    pub jiansuo_version: String,
    /// Absolute path of the corpus root the index was built from.
    pub corpus_root: String,
    /// BLAKE3 of the built-in plus user dictionary, hex.
    pub user_dict_hash: String,
    /// BLAKE3 of the built-in plus user speaker table, hex.
    pub speakers_hash: String,
    /// Hash of the theme lexicon the index was first scored with (`themes.bin.zst` holds the
    /// lexicon of the current scores).
    pub themes_hash: String,
    /// Characters of following text indexed after each passage in the exact field.
    pub exact_tail_chars: usize,
    /// The manifests (`--meta`) the documents' metadata was read from, as given (absolute),
    /// with the name of the copy kept in the generation.
    #[serde(default)]
    pub manifests: Vec<ManifestRecord>,
    /// BLAKE3 of the manifests' contents, hex (an update reads them again when it changes).
    #[serde(default)]
    pub manifests_hash: String,
    /// Globs of files left out of the corpus (`--exclude`).
    #[serde(default)]
    pub excludes: Vec<String>,
    pub stats: BuildStats,
    pub skipped: Vec<SkippedFile>,
}

/// A manifest an index was built with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestRecord {
    /// Absolute path of the file.
    pub path: String,
    /// Name of its copy in the generation (read when the file is gone).
    pub copy: String,
}

/// What the documents' metadata came from (`index --json`: `metadata`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MetaStats {
    /// Manifest rows read, matched to a document, matching none, matching several, repeating a
    /// document's earlier row; date values that are not dates.
    pub manifest_rows: u64,
    pub matched: u64,
    pub unmatched: u64,
    pub ambiguous: u64,
    pub duplicates: u64,
    pub bad_dates: u64,
    /// Documents dated from each source, and undated.
    pub dated_manifest: u64,
    pub dated_embedded: u64,
    pub dated_path: u64,
    pub dated_text: u64,
    pub undated: u64,
    /// Distinct collections.
    pub collections: u64,
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
    /// Quotations and titles extracted.
    #[serde(default)]
    pub quotations: u64,
    /// jieba word tokens over all passages (what theme scores count).
    #[serde(default)]
    pub word_tokens: u64,
    /// Seconds spent in each stage of the build, in order (`read+index`, `commit`, `merge`,
    /// `themes`, `tables`).
    #[serde(default)]
    pub stages: Vec<(String, f64)>,
    /// Peak resident set size of the building process, in bytes (where the system tells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// Where the documents' metadata came from.
    #[serde(default)]
    pub metadata: MetaStats,
}

/// A file left out of the index, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
    /// Size and mtime of a file that was read and refused, so that an update does not read it
    /// again while it is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<(u64, i64)>,
}

/// One indexed document. An entry with an empty path is a tombstone: the document was removed
/// or replaced by an update, and its ordinal is not used again until a full rebuild.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocEntry {
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    pub title: String,
    pub paragraphs: u32,
    pub passages: u32,
    pub chars: u64,
    /// Format the text was extracted from (`text`, `markdown`, `html`, `docx`).
    pub format: String,
    /// Encoding the text was decoded from.
    pub encoding: String,
    /// Date, collection and other fields, with their sources.
    pub meta: crate::docmeta::DocMeta,
    /// What the document says about itself (kept so that an update can choose again).
    pub found: crate::docmeta::Found,
}

impl DocEntry {
    /// True for the entry of a removed document.
    pub fn is_tombstone(&self) -> bool {
        self.path.is_empty()
    }
}

/// The source file of one indexed document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    /// The document's ordinal (record of `docs.bin`).
    pub doc: u64,
    pub size: u64,
    pub mtime_ns: i64,
    /// BLAKE3 of the file's bytes, hex.
    pub hash: String,
}

/// Write `value` as JSON to `dir/name`, durably.
pub fn write_json<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<()> {
    write_file(dir, name, &to_json(name, value)?)
}

/// Replace `dir/name` atomically with `value` as JSON (see [`replace_file`]).
pub fn replace_json<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<()> {
    replace_file(dir, name, &to_json(name, value)?)
}

fn to_json<T: Serialize>(name: &str, value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| Error::Io {
        context: format!("serialising {name}"),
        cause: e.into(),
    })
}

/// zstd level of the compressed tables: level 3, not 6. Level 6 is about 10 % smaller but
/// slower to write, and every update of a large index writes its tables again.
pub const TABLE_ZSTD_LEVEL: i32 = 3;

/// True when the table `name` is kept zstd-compressed.
pub fn is_compressed(name: &str) -> bool {
    name.trim_end_matches(".tmp").ends_with(".zst")
}

/// Write bytes to `dir/name` (compressed when the name ends in `.zst`) and sync them.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let path = dir.join(name);
    let err = || Error::io(format!("writing {}", path.display()));
    let packed;
    let bytes = if is_compressed(name) {
        packed = zstd::bulk::compress(bytes, TABLE_ZSTD_LEVEL).map_err(err())?;
        &packed[..]
    } else {
        bytes
    };
    // Written beside and renamed over: never into an existing file, which may be a hard link
    // an update made to the same file of the live generation.
    let tmp = dir.join(format!("{name}.tmp"));
    let mut f = std::fs::File::create(&tmp).map_err(err())?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(err())
}

/// Read `dir/name` (decompressed when the name ends in `.zst`); a missing, unreadable or
/// undecodable file is reported as a damaged index.
pub fn read_file(index: &Path, dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    let corrupt = |e: std::io::Error| Error::Corrupt {
        path: index.to_path_buf(),
        reason: format!("{}: {e}", path.display()),
    };
    let bytes = std::fs::read(&path).map_err(corrupt)?;
    if is_compressed(name) {
        zstd::stream::decode_all(&bytes[..]).map_err(corrupt)
    } else {
        Ok(bytes)
    }
}

/// A writer of a compressed table that is written line by line (`quotes.jsonl.zst`); call
/// [`TableWriter::finish`] to flush and sync it.
pub struct TableWriter {
    path: std::path::PathBuf,
    out: zstd::stream::Encoder<'static, std::io::BufWriter<std::fs::File>>,
}

impl TableWriter {
    pub fn create(dir: &Path, name: &str) -> Result<TableWriter> {
        debug_assert!(is_compressed(name));
        let path = dir.join(name);
        let err = || Error::io(format!("writing {}", path.display()));
        let file = std::fs::File::create(&path).map_err(err())?;
        let out = zstd::stream::Encoder::new(std::io::BufWriter::new(file), TABLE_ZSTD_LEVEL)
            .map_err(err())?;
        Ok(TableWriter { path, out })
    }

    /// Start the file with the compressed bytes of the same table in generation `from` (whole
    /// zstd frames, before anything is written through this writer): the lines written after
    /// follow its lines.
    pub fn copy_compressed(&mut self, from: &Path) -> Result<()> {
        let name = self.path.file_name().unwrap_or_default().to_owned();
        let source = from.join(&name);
        let mut file = std::fs::File::open(&source)
            .map_err(Error::io(format!("reading {}", source.display())))?;
        // Nothing went through the encoder yet: its output buffer is empty, so the copied
        // frames come first.
        std::io::copy(&mut file, self.out.get_mut()).map_err(Error::io(format!(
            "copying {} into {}",
            source.display(),
            self.path.display()
        )))?;
        Ok(())
    }

    /// Append bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        std::io::Write::write_all(&mut self.out, bytes)
            .map_err(Error::io(format!("writing {}", self.path.display())))
    }

    /// End the compressed stream, flush and sync the file.
    pub fn finish(self) -> Result<()> {
        let err = || Error::io(format!("writing {}", self.path.display()));
        let buffered = self.out.finish().map_err(err())?;
        let file = buffered
            .into_inner()
            .map_err(|e| e.into_error())
            .map_err(err())?;
        file.sync_all().map_err(err())
    }
}

/// Replace `dir/name` atomically: write `name.tmp`, sync it, rename it over `name` (readers
/// see the old file or the new one, never a half-written one).
pub fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let tmp = format!("{name}.tmp");
    write_file(dir, &tmp, bytes)?;
    std::fs::rename(dir.join(&tmp), dir.join(name))
        .map_err(Error::io(format!("replacing {}", dir.join(name).display())))
}

/// Read JSON from `dir/name`; a missing or unreadable file is reported as a damaged index.
pub fn read_json<T: for<'de> Deserialize<'de>>(index: &Path, dir: &Path, name: &str) -> Result<T> {
    let path = dir.join(name);
    let bytes = read_file(index, dir, name)?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
        path: index.to_path_buf(),
        reason: format!("{}: {e}", path.display()),
    })
}

/// A file of lines read lazily: opening it only finds the line starts; a line is decoded
/// when it is asked for.
#[derive(Debug, Clone, Default)]
pub struct LineTable {
    bytes: Vec<u8>,
    /// Byte offset of each line.
    starts: Vec<usize>,
    /// The index the file belongs to, for error messages.
    index: std::path::PathBuf,
    name: &'static str,
}

impl LineTable {
    /// Read `dir/name`.
    pub fn open(index: &Path, dir: &Path, name: &'static str) -> Result<LineTable> {
        let bytes = read_file(index, dir, name)?;
        let mut starts = Vec::with_capacity(bytes.len() / 80);
        let mut at = 0;
        while at < bytes.len() {
            starts.push(at);
            at = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| at + i + 1);
        }
        Ok(LineTable {
            bytes,
            starts,
            index: index.to_path_buf(),
            name,
        })
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Line `i` without its line break.
    pub fn line(&self, i: usize) -> Result<&str> {
        let Some(&start) = self.starts.get(i) else {
            return Err(self.corrupt(format!("asked for entry {i}, the file has {}", self.len())));
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.bytes.len());
        std::str::from_utf8(&self.bytes[start..end])
            .map(|l| l.trim_end_matches('\n'))
            .map_err(|_| self.corrupt(format!("line {} is not UTF-8", i + 1)))
    }

    /// An error saying this file is damaged.
    pub fn corrupt(&self, reason: String) -> Error {
        Error::Corrupt {
            path: self.index.clone(),
            reason: format!("{}: {reason}", self.name),
        }
    }
}

/// The quotations of every document, read lazily.
#[derive(Debug, Clone, Default)]
pub struct QuoteTable(LineTable);

impl QuoteTable {
    pub fn open(index: &Path, dir: &Path) -> Result<QuoteTable> {
        LineTable::open(index, dir, QUOTES_FILE).map(QuoteTable)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The quotations of document `ord`.
    pub fn get(&self, ord: usize) -> Result<Vec<crate::analyze::Quotation>> {
        let line = self.0.line(ord)?;
        let mut quotes: Vec<crate::analyze::Quotation> = serde_json::from_str(line)
            .map_err(|e| self.0.corrupt(format!("line {}: {e}", ord + 1)))?;
        for q in &mut quotes {
            q.matching = crate::matching::matching_string(&q.text);
        }
        Ok(quotes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zst_tables_are_compressed_and_damage_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[{\"text\":\"调查研究是谋事之基、成事之道\"}]\n".repeat(200);
        write_file(dir.path(), QUOTES_FILE, text.as_bytes()).unwrap();
        let on_disk = std::fs::read(dir.path().join(QUOTES_FILE)).unwrap();
        assert!(
            on_disk.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]),
            "not a zstd frame"
        );
        assert!(on_disk.len() * 10 < text.len(), "{} bytes", on_disk.len());
        let table = LineTable::open(dir.path(), dir.path(), QUOTES_FILE).unwrap();
        assert_eq!(table.len(), 200);
        assert_eq!(table.line(199).unwrap(), text.lines().next().unwrap());
        replace_file(dir.path(), FILES_FILE, b"[]").unwrap();
        let files: Vec<FileEntry> = read_json(dir.path(), dir.path(), FILES_FILE).unwrap();
        assert!(files.is_empty());
        // Plain names stay plain.
        write_file(dir.path(), META_FILE, b"{}").unwrap();
        assert_eq!(std::fs::read(dir.path().join(META_FILE)).unwrap(), b"{}");
        // A truncated table is a damaged index, not a panic.
        std::fs::write(dir.path().join(QUOTES_FILE), &on_disk[..on_disk.len() / 2]).unwrap();
        let err = LineTable::open(dir.path(), dir.path(), QUOTES_FILE).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    }

    #[test]
    fn a_table_continued_after_a_copy_of_another_reads_as_one() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut w = TableWriter::create(a.path(), QUOTES_FILE).unwrap();
        w.write_all("[]\n[{\"text\":\"调查研究\"}]\n".as_bytes())
            .unwrap();
        w.finish().unwrap();
        let mut w = TableWriter::create(b.path(), QUOTES_FILE).unwrap();
        w.copy_compressed(a.path()).unwrap();
        w.write_all("[{\"text\":\"谋事之基\"}]\n".as_bytes())
            .unwrap();
        w.finish().unwrap();
        let t = LineTable::open(b.path(), b.path(), QUOTES_FILE).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t.line(1).unwrap(), "[{\"text\":\"调查研究\"}]");
        assert_eq!(t.line(2).unwrap(), "[{\"text\":\"谋事之基\"}]");
        // Nothing added: the copy alone (and an empty frame).
        let c = tempfile::tempdir().unwrap();
        let mut w = TableWriter::create(c.path(), QUOTES_FILE).unwrap();
        w.copy_compressed(b.path()).unwrap();
        w.finish().unwrap();
        assert_eq!(
            LineTable::open(c.path(), c.path(), QUOTES_FILE)
                .unwrap()
                .len(),
            3
        );
    }
}
