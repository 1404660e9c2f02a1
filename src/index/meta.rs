//! Metadata kept beside the tantivy files of an index generation.
//!
//! * `jiansuo.json` ([`IndexMeta`]): schema version, corpus root, user-dictionary hash, build
//!   figures and skipped files;
//! * `docs.tsv` (`Vec<DocEntry>`): one line per document, indexed by the `doc` field: path,
//!   title and counts (what queries need; tab-separated so that opening an index of 20,000
//!   documents costs a millisecond, not the ten that JSON takes);
//! * `files.json.zst` (`Vec<FileEntry>`): the same documents' encoding, size, mtime and
//!   content hash (what an update needs);
//! * `user-dict.txt`: the user dictionary the index was built with (queries load the same one);
//! * `quotes.jsonl.zst`: one line per document (same order as `docs.tsv`): a JSON array of
//!   its quotations ([`crate::analyze::Quotation`]);
//! * `speakers.toml`: the user speaker table the index was built with (added to the built-in one).
//!
//! A table whose name ends in `.zst` is zstd-compressed ([`write_file`] and [`read_file`] do
//! it by the name): on `../shared/corpora` the quotations are 6.0 → 1.0 MB, the file table
//! 3.0 → 0.7 MB, the theme scores 1.1 → 0.7 MB, for 4 ms of decompression when quote reads
//! its table. `docs.tsv` stays plain: every query process reads it (2 ms more per process
//! to save 2 MB), and `jiansuo.json` is small and meant to be read by people.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const META_FILE: &str = "jiansuo.json";
pub const DOCS_FILE: &str = "docs.tsv";
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

/// What an index records about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexMeta {
    pub schema_version: u32,
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
    /// The document's ordinal (line of `docs.tsv`).
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

/// zstd level of the compressed tables: level 6 is 10 % smaller than 3 and still compresses
/// the 12 MB of tables of `../shared/corpora` in about 0.1 s.
pub const TABLE_ZSTD_LEVEL: i32 = 6;

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
    let mut f = std::fs::File::create(&path).map_err(err())?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
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

/// Write the document table as tab-separated lines: path, title, paragraphs, passages, chars,
/// format, encoding (tabs, line breaks and backslashes in text escaped as `\t`, `\n`, `\\`).
pub fn write_docs(dir: &Path, docs: &[DocEntry]) -> Result<()> {
    let mut out = String::with_capacity(docs.len() * 80);
    for d in docs {
        out.push_str(&escape(&d.path));
        out.push('\t');
        out.push_str(&escape(&d.title));
        out.push_str(&format!(
            "\t{}\t{}\t{}\t{}\t{}\n",
            d.paragraphs,
            d.passages,
            d.chars,
            escape(&d.format),
            escape(&d.encoding)
        ));
    }
    write_file(dir, DOCS_FILE, out.as_bytes())
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

/// The document table of an index, read lazily (an index of 20,000 documents opens in about a
/// millisecond; parsing every entry up front took ten).
#[derive(Debug, Clone, Default)]
pub struct DocTable(LineTable);

impl DocTable {
    /// Read the table written by [`write_docs`] in `dir`.
    pub fn open(index: &Path, dir: &Path) -> Result<DocTable> {
        LineTable::open(index, dir, DOCS_FILE).map(DocTable)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entry of document `ord`.
    pub fn get(&self, ord: usize) -> Result<DocEntry> {
        let line = self.0.line(ord)?;
        let bad = || {
            self.0.corrupt(format!(
                "line {} is not path, title, three counts, format and encoding",
                ord + 1
            ))
        };
        let f: Vec<&str> = line.split('\t').collect();
        let [path, title, paragraphs, passages, chars, format, encoding] = f[..] else {
            return Err(bad());
        };
        Ok(DocEntry {
            path: unescape(path),
            title: unescape(title),
            paragraphs: paragraphs.parse().map_err(|_| bad())?,
            passages: passages.parse().map_err(|_| bad())?,
            chars: chars.parse().map_err(|_| bad())?,
            format: unescape(format),
            encoding: unescape(encoding),
        })
    }

    /// Every entry, in order, tombstones included (the position is the ordinal).
    pub fn all(&self) -> Result<Vec<DocEntry>> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }

    /// The path of every document by ordinal (empty for a tombstone), read without parsing
    /// the rest of the entries.
    pub fn paths(&self) -> Result<Vec<std::borrow::Cow<'_, str>>> {
        (0..self.len()).map(|i| self.path(i)).collect()
    }

    /// The path of document `ord` alone (empty for a tombstone), without parsing the rest of
    /// its line: what results that name documents by path need.
    pub fn path(&self, ord: usize) -> Result<std::borrow::Cow<'_, str>> {
        let line = self.0.line(ord)?;
        if line.bytes().filter(|&b| b == b'\t').count() != 6 {
            return Err(self.0.corrupt(format!(
                "line {} is not path, title, three counts, format and encoding",
                ord + 1
            )));
        }
        let path = line.split('\t').next().unwrap_or("");
        Ok(if path.contains('\\') {
            unescape(path).into()
        } else {
            path.into()
        })
    }

    /// The ordinals and entries of the documents in the index (tombstones left out).
    pub fn live(&self) -> Result<Vec<(u64, DocEntry)>> {
        Ok(self
            .all()?
            .into_iter()
            .enumerate()
            .filter(|(_, d)| !d.is_tombstone())
            .map(|(i, d)| (i as u64, d))
            .collect())
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

fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\t', '\n', '\r', '\\']) {
        return s.into();
    }
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .into()
}

fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
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
    fn docs_table_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let docs = vec![
            DocEntry {
                path: "a/b.txt".into(),
                title: "“四下基层”专题学习研讨材料".into(),
                paragraphs: 13,
                passages: 20,
                chars: 3000,
                format: "text".into(),
                encoding: "UTF-8".into(),
            },
            DocEntry::default(),
            DocEntry {
                path: "odd\tname\\x.md".into(),
                title: "tab\there\nnew line\\".into(),
                paragraphs: 1,
                passages: 1,
                chars: 5,
                format: "docx".into(),
                encoding: "UTF-8".into(),
            },
        ];
        write_docs(dir.path(), &docs).unwrap();
        let table = DocTable::open(dir.path(), dir.path()).unwrap();
        assert_eq!(table.all().unwrap(), docs);
        assert!(table.get(1).unwrap().is_tombstone());
        assert_eq!(table.live().unwrap().len(), 2);
        assert!(table.get(3).is_err());
        std::fs::write(dir.path().join(DOCS_FILE), "only\ttwo\n").unwrap();
        let table = DocTable::open(dir.path(), dir.path()).unwrap();
        let err = table.get(0).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
