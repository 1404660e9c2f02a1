//! The theme term counts of every passage (`themecounts.bin.zst`), by document ordinal: what
//! theme scores are computed from. A build counts them while it reads; an update keeps the
//! base's for the documents it keeps, so that rescoring every passage (the mean passage length
//! changes with every update) is arithmetic, not a second jieba cut of the corpus.
//!
//! ```text
//! "JSTC1\n"
//! u32 length + hash of the lexicon the counts are of
//! varint documents, then per document (tombstones included, with 0 passages):
//!   varint passages, then per passage:
//!     varint len, varint words, varint terms, then per term: varint id − previous id, varint n
//! ```
//! (little-endian `u32`, LEB128 varints; the whole compressed with zstd).

use std::path::Path;

use super::meta;
use crate::analyze::TermCounts;
use crate::error::{Error, Result};

/// File name of the table, beside the tantivy files of a generation.
pub const COUNTS_FILE: &str = "themecounts.bin.zst";
const MAGIC: &[u8] = b"JSTC1\n";

/// Theme term counts of every passage of every document, held flat (a few arrays, not a vector
/// per passage).
#[derive(Debug, Clone, Default)]
pub struct CountsTable {
    /// The lexicon (its hash) whose term ids the counts use.
    pub lexicon_hash: String,
    /// Document `d`'s passages are rows `doc_start[d]..doc_start[d + 1]`.
    doc_start: Vec<u32>,
    len: Vec<u32>,
    words: Vec<u32>,
    /// Row `r`'s terms are `tf[tf_start[r]..tf_start[r + 1]]`.
    tf_start: Vec<u32>,
    tf: Vec<(u32, u32)>,
}

impl CountsTable {
    /// An empty table for counts of the lexicon with hash `lexicon_hash`.
    pub fn new(lexicon_hash: String) -> CountsTable {
        CountsTable {
            lexicon_hash,
            doc_start: vec![0],
            tf_start: vec![0],
            ..CountsTable::default()
        }
    }

    /// Number of documents (tombstones included).
    pub fn docs(&self) -> usize {
        self.doc_start.len().saturating_sub(1)
    }

    /// Number of passages of document `doc` (0 for a tombstone or an unknown document).
    pub fn passages(&self, doc: usize) -> usize {
        match (self.doc_start.get(doc), self.doc_start.get(doc + 1)) {
            (Some(&a), Some(&b)) => (b - a) as usize,
            _ => 0,
        }
    }

    /// Append a document's counts, passage by passage.
    pub fn push_doc(&mut self, counts: &[TermCounts]) {
        for c in counts {
            self.len.push(c.len);
            self.words.push(c.words);
            self.tf.extend_from_slice(&c.tf);
            self.tf_start.push(self.tf.len() as u32);
        }
        self.doc_start.push(self.len.len() as u32);
    }

    /// Append document `doc` of `other` (nothing, a tombstone, when `other` does not have it).
    pub fn push_from(&mut self, other: &CountsTable, doc: usize) {
        let n = other.passages(doc);
        let first = if n > 0 {
            other.doc_start[doc] as usize
        } else {
            0
        };
        for r in first..first + n {
            self.len.push(other.len[r]);
            self.words.push(other.words[r]);
            let (a, b) = (other.tf_start[r] as usize, other.tf_start[r + 1] as usize);
            self.tf.extend_from_slice(&other.tf[a..b]);
            self.tf_start.push(self.tf.len() as u32);
        }
        self.doc_start.push(self.len.len() as u32);
    }

    /// Append a document without passages (a tombstone).
    pub fn push_tombstone(&mut self) {
        self.doc_start.push(self.len.len() as u32);
    }

    /// Passage `passage` of document `doc` into `into`; `false` when the table does not have it.
    pub fn fill(&self, doc: usize, passage: usize, into: &mut TermCounts) -> bool {
        if passage >= self.passages(doc) {
            return false;
        }
        let r = self.doc_start[doc] as usize + passage;
        into.len = self.len[r];
        into.words = self.words[r];
        into.tf.clear();
        let (a, b) = (self.tf_start[r] as usize, self.tf_start[r + 1] as usize);
        into.tf.extend_from_slice(&self.tf[a..b]);
        true
    }

    /// Write the table in `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut out = Vec::with_capacity(self.len.len() * 6 + self.tf.len() * 3 + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.lexicon_hash.len() as u32).to_le_bytes());
        out.extend_from_slice(self.lexicon_hash.as_bytes());
        put(&mut out, self.docs() as u64);
        for d in 0..self.docs() {
            let (a, b) = (self.doc_start[d] as usize, self.doc_start[d + 1] as usize);
            put(&mut out, (b - a) as u64);
            for r in a..b {
                put(&mut out, u64::from(self.len[r]));
                put(&mut out, u64::from(self.words[r]));
                let terms = &self.tf[self.tf_start[r] as usize..self.tf_start[r + 1] as usize];
                put(&mut out, terms.len() as u64);
                let mut last = 0u32;
                for &(id, n) in terms {
                    put(&mut out, u64::from(id - last));
                    put(&mut out, u64::from(n));
                    last = id;
                }
            }
        }
        meta::write_file(dir, COUNTS_FILE, &out)
    }

    /// Read the table written by [`CountsTable::write`] in `dir`.
    pub fn read(index: &Path, dir: &Path) -> Result<CountsTable> {
        let bytes = meta::read_file(index, dir, COUNTS_FILE)?;
        let corrupt = |reason: &str| Error::Corrupt {
            path: index.to_path_buf(),
            reason: format!("{}: {reason}", dir.join(COUNTS_FILE).display()),
        };
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| corrupt("not a theme count file"))?;
        let n = rest
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| corrupt("truncated"))?;
        let hash = rest
            .get(4..4 + n)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| corrupt("truncated lexicon hash"))?;
        let mut r = Varints {
            bytes: &rest[4 + n..],
            at: 0,
        };
        let mut table = CountsTable::new(hash.to_owned());
        let mut next = || r.next().ok_or_else(|| corrupt("truncated or malformed"));
        let small = |v: u64| u32::try_from(v).map_err(|_| corrupt("a count out of range"));
        let docs = next()?;
        for _ in 0..docs {
            let passages = next()?;
            for _ in 0..passages {
                table.len.push(small(next()?)?);
                table.words.push(small(next()?)?);
                let terms = next()?;
                let mut id = 0u32;
                for _ in 0..terms {
                    id = id
                        .checked_add(small(next()?)?)
                        .ok_or_else(|| corrupt("a term id out of range"))?;
                    table.tf.push((id, small(next()?)?));
                }
                table.tf_start.push(small(table.tf.len() as u64)?);
            }
            table.doc_start.push(small(table.len.len() as u64)?);
        }
        if r.at != r.bytes.len() {
            return Err(corrupt("bytes after the last document"));
        }
        Ok(table)
    }
}

/// Append `v` as a LEB128 varint.
fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Varints<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Varints<'_> {
    fn next(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(len: u32, tf: &[(u32, u32)]) -> TermCounts {
        TermCounts {
            len,
            words: len / 2,
            tf: tf.to_vec(),
        }
    }

    #[test]
    fn counts_round_trip_and_are_copied_document_by_document() {
        let mut t = CountsTable::new("abc".into());
        t.push_doc(&[counts(40, &[(1, 2), (300, 1)]), counts(7, &[])]);
        t.push_tombstone();
        t.push_doc(&[counts(100_000, &[(0, 1), (70_000, 3)])]);
        let dir = tempfile::tempdir().unwrap();
        t.write(dir.path()).unwrap();
        let back = CountsTable::read(dir.path(), dir.path()).unwrap();
        assert_eq!(back.lexicon_hash, "abc");
        assert_eq!(back.docs(), 3);
        assert_eq!(
            (back.passages(0), back.passages(1), back.passages(2)),
            (2, 0, 1)
        );
        let mut c = TermCounts::default();
        assert!(back.fill(0, 0, &mut c));
        assert_eq!(
            (c.len, c.words, c.tf.clone()),
            (40, 20, vec![(1, 2), (300, 1)])
        );
        assert!(back.fill(2, 0, &mut c));
        assert_eq!(c.tf, vec![(0, 1), (70_000, 3)]);
        assert!(!back.fill(1, 0, &mut c) && !back.fill(0, 2, &mut c) && !back.fill(9, 0, &mut c));
        // An update's copy: the first document dropped, the third kept, one added.
        let mut next = CountsTable::new("abc".into());
        next.push_tombstone();
        next.push_from(&back, 1);
        next.push_from(&back, 2);
        next.push_doc(&[counts(5, &[(2, 1)])]);
        assert_eq!(next.docs(), 4);
        assert!(next.fill(2, 0, &mut c) && c.tf == vec![(0, 1), (70_000, 3)]);
        assert!(next.fill(3, 0, &mut c) && c.tf == vec![(2, 1)]);
        // Damage is an error, not a panic.
        let bytes = meta::read_file(dir.path(), dir.path(), COUNTS_FILE).unwrap();
        for cut in [3, 10, bytes.len() - 1] {
            meta::write_file(dir.path(), COUNTS_FILE, &bytes[..cut]).unwrap();
            assert!(CountsTable::read(dir.path(), dir.path()).is_err(), "{cut}");
        }
    }
}
