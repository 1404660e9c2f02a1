//! The document table of a generation (`docs.bin`): one fixed-width record per document
//! ordinal — date, collection, counts — and beside them each document's path, title and the
//! rest of its entry (format, encoding, the sources of its metadata, url and other fields) as
//! a small JSON object, and the live documents' ordinals in path order.
//!
//! The file is memory-mapped, never parsed whole: opening an index reads the 56-byte header and
//! the list of collections; a filter reads the fixed-width records (32 bytes a document); a
//! result reads the path (or the entry) of the documents it names; a path is found by binary
//! search in the path order, and results are ordered by it without reading every path. On the
//! 548,122 documents of a 1 GB corpus the text table this replaces (66 MB) took a query process
//! tens of milliseconds to read and split at every start; the previous layout (the whole
//! metadata as JSON, 321 bytes a document) made the table 176 MB, this one 78 MB.
//!
//! ```text
//! header   b"JSDOCS03", documents u64, heap start u64, order start u64, collections start u64,
//!          file length u64, live documents u64
//! records  documents × { date u32 (YYYYMMDD, 00 for unknown parts, 0 undated),
//!                        collection u32 (u32::MAX: a removed document), chars u64,
//!                        paragraphs u32, passages u32, heap offset u64 }
//! heap     per document: path length u32, path (UTF-8), title length u32, title, entry JSON
//!          (keys left out at their defaults: `f` format `text`, `e` encoding `UTF-8`, `s` the
//!          date, collection and title sources one letter each, `u` url, `x` fields, `d` what
//!          the document says about itself; the date and collection are the record's)
//! order    live documents × u32: their ordinals, by path
//! trailer  the collections' names, a JSON array (a record's collection indexes it)
//! ```
//! Numbers are little-endian. A tombstone (a removed document) has an empty path.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};

use super::meta::{self, DocEntry};
use crate::docmeta::{Date, DocMeta, Found, Source};
use crate::error::{Error, Result};

/// File name of the table.
pub const DOCS_FILE: &str = "docs.bin";

const MAGIC: &[u8; 8] = b"JSDOCS03";
const HEADER: usize = 56;
/// The collection of a tombstone's record.
const TOMBSTONE: u32 = u32::MAX;
const RECORD: usize = 32;

/// The part of an entry kept as JSON, each key left out at its most common value.
#[derive(Serialize, Deserialize)]
struct Rest<'a> {
    #[serde(
        rename = "f",
        default = "text_format",
        skip_serializing_if = "is_text_format"
    )]
    #[serde(borrow)]
    format: Cow<'a, str>,
    #[serde(rename = "e", default = "utf8", skip_serializing_if = "is_utf8")]
    #[serde(borrow)]
    encoding: Cow<'a, str>,
    /// Sources of the date (`-` when undated), the collection and the title.
    #[serde(rename = "s")]
    #[serde(borrow)]
    sources: Cow<'a, str>,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(rename = "x", default, skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<String, String>,
    #[serde(rename = "d", default, skip_serializing_if = "is_default_found")]
    found: Found,
}

fn text_format() -> Cow<'static, str> {
    Cow::Borrowed("text")
}

fn is_text_format(f: &str) -> bool {
    f == "text"
}

fn utf8() -> Cow<'static, str> {
    Cow::Borrowed("UTF-8")
}

fn is_utf8(e: &str) -> bool {
    e == "UTF-8"
}

fn is_default_found(f: &Found) -> bool {
    *f == Found::default()
}

const SOURCES: [(Source, char); 6] = [
    (Source::Manifest, 'm'),
    (Source::Embedded, 'e'),
    (Source::Path, 'p'),
    (Source::Text, 't'),
    (Source::Folder, 'f'),
    (Source::FirstLine, 'l'),
];

fn source_letter(s: Source) -> char {
    SOURCES
        .iter()
        .find(|(x, _)| *x == s)
        .map_or('l', |(_, c)| *c)
}

fn letter_source(c: char) -> Option<Source> {
    SOURCES.iter().find(|(_, x)| *x == c).map(|(s, _)| *s)
}

/// Write the table of `docs` (by ordinal, tombstones included) in `dir`.
pub fn write_docs(dir: &Path, docs: &[DocEntry]) -> Result<()> {
    let mut collections: Vec<&str> = docs
        .iter()
        .filter(|d| !d.is_tombstone())
        .map(|d| d.meta.collection.as_str())
        .collect();
    collections.sort_unstable();
    collections.dedup();
    let n = docs.len();
    let mut records = Vec::with_capacity(n * RECORD);
    let mut heap: Vec<u8> = Vec::with_capacity(n * 160);
    for d in docs {
        let collection = if d.is_tombstone() {
            TOMBSTONE
        } else {
            collections
                .binary_search(&d.meta.collection.as_str())
                .unwrap_or(0) as u32
        };
        let date = if d.is_tombstone() {
            0
        } else {
            d.meta.date.map_or(0, Date::key)
        };
        records.extend_from_slice(&date.to_le_bytes());
        records.extend_from_slice(&collection.to_le_bytes());
        records.extend_from_slice(&d.chars.to_le_bytes());
        records.extend_from_slice(&d.paragraphs.to_le_bytes());
        records.extend_from_slice(&d.passages.to_le_bytes());
        records.extend_from_slice(&(heap.len() as u64).to_le_bytes());
        heap.extend_from_slice(&(d.path.len() as u32).to_le_bytes());
        heap.extend_from_slice(d.path.as_bytes());
        heap.extend_from_slice(&(d.title.len() as u32).to_le_bytes());
        heap.extend_from_slice(d.title.as_bytes());
        let sources: String = [
            d.meta.date_source.map_or('-', source_letter),
            source_letter(d.meta.collection_source),
            source_letter(d.meta.title_source),
        ]
        .into_iter()
        .collect();
        let rest = Rest {
            format: Cow::Borrowed(&d.format),
            encoding: Cow::Borrowed(&d.encoding),
            sources: Cow::Owned(sources),
            url: d.meta.url.clone(),
            fields: d.meta.fields.clone(),
            found: d.found.clone(),
        };
        serde_json::to_writer(&mut heap, &rest).map_err(|e| Error::Io {
            context: "serialising the document table".into(),
            cause: e.into(),
        })?;
    }
    let names = serde_json::to_vec(&collections).expect("names serialise");
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&i| !docs[i as usize].is_tombstone())
        .collect();
    order.sort_by(|&a, &b| docs[a as usize].path.cmp(&docs[b as usize].path));
    let heap_start = HEADER + records.len();
    let order_start = heap_start + heap.len();
    let colls_start = order_start + 4 * order.len();
    let total = colls_start + names.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    let live = order.len();
    for v in [n, heap_start, order_start, colls_start, total, live] {
        out.extend_from_slice(&(v as u64).to_le_bytes());
    }
    out.extend_from_slice(&records);
    out.extend_from_slice(&heap);
    for o in order {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&names);
    meta::write_file(dir, DOCS_FILE, &out)
}

/// The document table of an index, memory-mapped.
#[derive(Clone)]
pub struct DocTable {
    bytes: OwnedBytes,
    len: usize,
    live: usize,
    heap_start: usize,
    order_start: usize,
    collections: Vec<String>,
    index: std::path::PathBuf,
}

impl std::fmt::Debug for DocTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocTable")
            .field("len", &self.len)
            .field("collections", &self.collections)
            .finish()
    }
}

impl Default for DocTable {
    fn default() -> Self {
        DocTable {
            bytes: OwnedBytes::empty(),
            len: 0,
            live: 0,
            heap_start: HEADER,
            order_start: HEADER,
            collections: Vec::new(),
            index: Default::default(),
        }
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

impl DocTable {
    /// Map the table of the generation `dir` of the index `index`.
    pub fn open(index: &Path, dir: &Path) -> Result<DocTable> {
        let corrupt = |reason: String| Error::Corrupt {
            path: index.to_path_buf(),
            reason: format!("{}: {reason}", dir.join(DOCS_FILE).display()),
        };
        let mmap = MmapDirectory::open(dir).map_err(|e| corrupt(e.to_string()))?;
        let bytes = mmap
            .open_read(Path::new(DOCS_FILE))
            .map_err(|e| corrupt(e.to_string()))?
            .read_bytes()
            .map_err(|e| corrupt(e.to_string()))?;
        let b = bytes.as_slice();
        if b.len() < HEADER || &b[..8] != MAGIC {
            return Err(corrupt("not a document table".into()));
        }
        let [n, heap_start, order_start, colls_start, total, live] =
            [8, 16, 24, 32, 40, 48].map(|at| u64_at(b, at) as usize);
        if total != b.len()
            || n.checked_mul(RECORD).and_then(|r| r.checked_add(HEADER)) != Some(heap_start)
            || heap_start > order_start
            || live.checked_mul(4).and_then(|o| o.checked_add(order_start)) != Some(colls_start)
            || colls_start > total
            || live > n
        {
            return Err(corrupt(format!(
                "its header does not fit its {} bytes",
                b.len()
            )));
        }
        let collections: Vec<String> = serde_json::from_slice(&b[colls_start..])
            .map_err(|e| corrupt(format!("collections: {e}")))?;
        Ok(DocTable {
            len: n,
            live,
            heap_start,
            order_start,
            collections,
            index: index.to_path_buf(),
            bytes,
        })
    }

    fn corrupt(&self, reason: String) -> Error {
        Error::Corrupt {
            path: self.index.clone(),
            reason: format!("{DOCS_FILE}: {reason}"),
        }
    }

    /// Number of documents (tombstones included).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Documents in the index (tombstones left out).
    pub fn live_len(&self) -> usize {
        self.live
    }

    /// The names of the collections, in order (a document's [`DocTable::collection`] indexes
    /// them).
    pub fn collections(&self) -> &[String] {
        &self.collections
    }

    fn record(&self, ord: usize) -> Result<&[u8]> {
        if ord >= self.len {
            return Err(self.corrupt(format!(
                "asked for document {ord}, the table has {}",
                self.len
            )));
        }
        let at = HEADER + ord * RECORD;
        Ok(&self.bytes.as_slice()[at..at + RECORD])
    }

    /// Date key of document `ord` (`YYYYMMDD`, 00 for unknown parts; 0 when undated).
    pub fn date_key(&self, ord: usize) -> u32 {
        self.record(ord).map_or(0, |r| u32_at(r, 0))
    }

    /// Collection index of document `ord` (`u32::MAX` for a removed document).
    pub fn collection(&self, ord: usize) -> u32 {
        self.record(ord).map_or(TOMBSTONE, |r| u32_at(r, 4))
    }

    /// Characters of document `ord`.
    pub fn chars(&self, ord: usize) -> u64 {
        self.record(ord).map_or(0, |r| u64_at(r, 8))
    }

    /// The bytes of document `ord`'s heap entry.
    fn entry(&self, ord: usize) -> Result<&[u8]> {
        let start = self.heap_start + u64_at(self.record(ord)?, 24) as usize;
        let end = if ord + 1 < self.len {
            self.heap_start + u64_at(self.record(ord + 1)?, 24) as usize
        } else {
            self.order_start
        };
        if start + 4 > end || end > self.order_start {
            return Err(self.corrupt(format!("entry {ord} is out of place")));
        }
        Ok(&self.bytes.as_slice()[start..end])
    }

    /// The path of document `ord` alone (empty for a tombstone).
    pub fn path(&self, ord: usize) -> Result<Cow<'_, str>> {
        let e = self.entry(ord)?;
        let n = u32_at(e, 0) as usize;
        let path = e
            .get(4..4 + n)
            .ok_or_else(|| self.corrupt(format!("entry {ord}: path longer than the entry")))?;
        std::str::from_utf8(path)
            .map(Cow::Borrowed)
            .map_err(|_| self.corrupt(format!("entry {ord}: path is not UTF-8")))
    }

    /// The title of document `ord` alone (what a hit shows), and where its JSON starts.
    fn title_at(&self, ord: usize) -> Result<(&str, usize)> {
        let e = self.entry(ord)?;
        let n = u32_at(e, 0) as usize;
        let bad = || self.corrupt(format!("entry {ord}: title out of place"));
        let at = 4 + n;
        if at + 4 > e.len() {
            return Err(bad());
        }
        let t = u32_at(e, at) as usize;
        let title = e.get(at + 4..at + 4 + t).ok_or_else(bad)?;
        let title = std::str::from_utf8(title).map_err(|_| bad())?;
        Ok((title, at + 4 + t))
    }

    /// The title of document `ord`, without parsing the rest of its entry.
    pub fn title(&self, ord: usize) -> Result<Cow<'_, str>> {
        self.title_at(ord).map(|(t, _)| Cow::Borrowed(t))
    }

    /// True when document `ord` was removed (from its record alone).
    pub fn is_tombstone(&self, ord: usize) -> bool {
        self.collection(ord) == TOMBSTONE
    }

    /// The path of document `ord` as bytes, unchecked (for prefix tests over many documents;
    /// empty when the entry is damaged).
    pub fn path_bytes(&self, ord: usize) -> &[u8] {
        let Ok(e) = self.entry(ord) else {
            return &[];
        };
        let n = u32_at(e, 0) as usize;
        e.get(4..4 + n).unwrap_or(&[])
    }

    /// The entry of document `ord`.
    pub fn get(&self, ord: usize) -> Result<DocEntry> {
        let e = self.entry(ord)?;
        let path = self.path(ord)?.into_owned();
        let (title, json_at) = self.title_at(ord)?;
        let title = title.to_owned();
        let rest: Rest = serde_json::from_slice(&e[json_at..])
            .map_err(|err| self.corrupt(format!("entry {ord}: {err}")))?;
        let r = self.record(ord)?;
        let mut letters = rest.sources.chars();
        let bad = || self.corrupt(format!("entry {ord}: sources {:?}", rest.sources));
        let date_source = match letters.next().ok_or_else(bad)? {
            '-' => None,
            c => Some(letter_source(c).ok_or_else(bad)?),
        };
        let collection_source = letters.next().and_then(letter_source).ok_or_else(bad)?;
        let title_source = letters.next().and_then(letter_source).ok_or_else(bad)?;
        let collection = match u32_at(r, 4) {
            TOMBSTONE => String::new(),
            c => self
                .collections
                .get(c as usize)
                .cloned()
                .ok_or_else(|| self.corrupt(format!("entry {ord}: collection {c}")))?,
        };
        Ok(DocEntry {
            path,
            title,
            paragraphs: u32_at(r, 16),
            passages: u32_at(r, 20),
            chars: u64_at(r, 8),
            format: rest.format.into_owned(),
            encoding: rest.encoding.into_owned(),
            meta: DocMeta {
                date: Date::from_key(u32_at(r, 0)),
                date_source,
                collection,
                collection_source,
                title_source,
                url: rest.url,
                fields: rest.fields,
            },
            found: rest.found,
        })
    }

    /// Every entry, in order, tombstones included (the position is the ordinal).
    pub fn all(&self) -> Result<Vec<DocEntry>> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }

    /// The ordinal of the live document at `rank` in path order (`rank < live_len()`).
    pub fn ordinal_at_rank(&self, rank: usize) -> u32 {
        if rank >= self.live {
            return u32::MAX;
        }
        u32_at(self.bytes.as_slice(), self.order_start + 4 * rank)
    }

    /// Rank of each document ordinal in path order (`u32::MAX` for tombstones), from the
    /// stored order (no path is read).
    pub fn path_ranks(&self) -> Result<Vec<u32>> {
        let mut ranks = vec![u32::MAX; self.len];
        for rank in 0..self.live {
            let ord = self.ordinal_at_rank(rank) as usize;
            let slot = ranks
                .get_mut(ord)
                .ok_or_else(|| self.corrupt(format!("path order names document {ord}")))?;
            *slot = rank as u32;
        }
        Ok(ranks)
    }

    /// The live document at `path`, found by binary search in the path order.
    pub fn find_path(&self, path: &str) -> Result<Option<usize>> {
        let (mut lo, mut hi) = (0usize, self.live);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let ord = self.ordinal_at_rank(mid) as usize;
            match self.path(ord)?.as_ref().cmp(path) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(ord)),
            }
        }
        Ok(None)
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

/// A set of document ordinals: the documents a query is limited to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocSelection {
    bits: Vec<u64>,
    len: usize,
}

impl DocSelection {
    /// The documents of `table` (tombstones never) for which `keep` holds.
    pub fn of(
        table: &DocTable,
        mut keep: impl FnMut(usize) -> Result<bool>,
    ) -> Result<DocSelection> {
        let mut bits = vec![0u64; table.len().div_ceil(64)];
        let mut len = 0;
        for ord in 0..table.len() {
            if !table.is_tombstone(ord) && keep(ord)? {
                bits[ord / 64] |= 1 << (ord % 64);
                len += 1;
            }
        }
        Ok(DocSelection { bits, len })
    }

    /// True when document `ord` is selected.
    pub fn contains(&self, ord: u64) -> bool {
        let i = ord as usize;
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Documents selected.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// True when `sel` is absent (no filter) or holds `ord`.
pub fn selected(sel: Option<&DocSelection>, ord: u64) -> bool {
    sel.is_none_or(|s| s.contains(ord))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_table_round_trips_and_damage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = DocEntry {
            path: "a/b.txt".into(),
            title: "“四下基层”专题学习研讨材料".into(),
            paragraphs: 13,
            passages: 20,
            chars: 3000,
            format: "text".into(),
            encoding: "UTF-8".into(),
            ..DocEntry::default()
        };
        a.meta.date = Date::new(2024, 3, 0);
        a.meta.collection = "a".into();
        let mut c = DocEntry {
            path: "odd\tname\\x.md".into(),
            title: "tab\there\nnew line\\".into(),
            paragraphs: 1,
            passages: 1,
            chars: 5,
            format: "docx".into(),
            encoding: "UTF-8".into(),
            ..DocEntry::default()
        };
        c.meta.collection = ".".into();
        let docs = vec![a, DocEntry::default(), c];
        write_docs(dir.path(), &docs).unwrap();
        let table = DocTable::open(dir.path(), dir.path()).unwrap();
        assert_eq!(table.all().unwrap(), docs);
        assert!(table.is_tombstone(1));
        assert_eq!(table.live().unwrap().len(), 2);
        assert_eq!(table.date_key(0), 20240300);
        assert_eq!(table.collections(), [".", "a"]);
        assert_eq!(table.collection(0), 1);
        assert_eq!(table.path(2).unwrap(), "odd\tname\\x.md");
        assert!(table.get(3).is_err());
        // Paths found by binary search in the stored path order; ranks without reading paths.
        assert_eq!(table.find_path("a/b.txt").unwrap(), Some(0));
        assert_eq!(table.find_path("odd\tname\\x.md").unwrap(), Some(2));
        assert_eq!(table.find_path("").unwrap(), None);
        assert_eq!(table.find_path("b").unwrap(), None);
        assert_eq!(table.path_ranks().unwrap(), [0, u32::MAX, 1]);
        // An entry of the common kind is a few bytes of JSON beside its path and title.
        let plain = DocEntry {
            path: "x.txt".into(),
            title: "t".into(),
            format: "text".into(),
            encoding: "UTF-8".into(),
            meta: DocMeta {
                date: Date::new(2020, 1, 2),
                date_source: Some(Source::Manifest),
                collection: "c".into(),
                collection_source: Source::Manifest,
                title_source: Source::Manifest,
                ..DocMeta::default()
            },
            ..DocEntry::default()
        };
        let more = vec![plain.clone(), plain.clone()];
        let mut more = more;
        more[1].path = "w.txt".into();
        write_docs(dir.path(), &more).unwrap();
        let table = DocTable::open(dir.path(), dir.path()).unwrap();
        assert_eq!(table.all().unwrap(), more);
        assert_eq!(table.path_ranks().unwrap(), [1, 0]);
        let size = std::fs::metadata(dir.path().join(DOCS_FILE)).unwrap().len();
        assert!(
            size < 56 + 2 * (32 + 8 + 5 + 1 + 12 + 4) + 10,
            "{size} bytes"
        );
        let bytes = std::fs::read(dir.path().join(DOCS_FILE)).unwrap();
        std::fs::write(dir.path().join(DOCS_FILE), &bytes[..bytes.len() - 3]).unwrap();
        let err = DocTable::open(dir.path(), dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("docs.bin"), "{err}");
        std::fs::write(dir.path().join(DOCS_FILE), "only\ttwo\n").unwrap();
        assert!(DocTable::open(dir.path(), dir.path()).is_err());
    }
}
