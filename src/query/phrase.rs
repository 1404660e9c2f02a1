//! `phrase`: every occurrence of a phrase, counted from the postings of the `exact` field.
//!
//! An **occurrence** of a phrase in a document is a start position in the matching form of one
//! of its paragraphs where the phrase's matching form begins; overlapping occurrences count
//! separately; occurrences never span paragraphs.
//!
//! How they are found, for a needle (the phrase's matching form) of `n` characters:
//! * `n = 1`: in each passage, the summed frequencies of the unmarked terms the character starts
//!   (the bigrams `c…` and the last-character term: see [`super::char_terms`]);
//! * `2 ≤ n ≤ EXACT_TAIL_CHARS + 1`: the bigrams at offsets 0, 2, 4, … and `n − 2` of the
//!   needle, each read from its unmarked and its tail-marked term, intersected by document and
//!   then by position; a start position counts when it lies in the passage's own part
//!   (`< mlen`). An occurrence that starts in a passage is wholly inside that passage's own text
//!   and tail, so every occurrence is counted once, in the passage where it starts;
//! * longer needles: the same for the first `EXACT_TAIL_CHARS + 1` characters gives candidate
//!   paragraphs, whose text is then scanned for the whole needle.

use std::collections::BTreeMap;

use tantivy::collector::DocSetCollector;
use tantivy::columnar::ColumnValues;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use super::stored_passage;
use crate::error::{Error, Result};
use crate::index::tokenize::TAIL_MARK;
use crate::index::{DocSelection, EXACT_TAIL_CHARS, IndexHandle, PassageColumns, selected};
use crate::matching::MatchingForm;

/// Occurrences counted in one paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParagraphCount {
    /// Document ordinal.
    pub doc: u64,
    /// 1-based line number.
    pub line: u32,
    /// `doc << 32 | paragraph ordinal`.
    pub para_key: u64,
    pub count: u32,
}

/// Occurrence counts per document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhraseCounts {
    /// `(document ordinal, occurrences)`, in document order, documents without any left out.
    pub per_doc: Vec<(u64, u64)>,
    /// All occurrences.
    pub hits: u64,
}

impl PhraseCounts {
    /// Documents with at least one occurrence.
    pub fn docs(&self) -> usize {
        self.per_doc.len()
    }
}

/// Count the occurrences of `needle` (a non-empty matching form) per document (of the
/// selection, when one is given).
pub fn count_phrase(
    handle: &IndexHandle,
    needle: &[char],
    sel: Option<&DocSelection>,
) -> Result<PhraseCounts> {
    let searcher = handle.searcher();
    let mut found: Vec<Vec<(DocId, u32)>> = vec![Vec::new(); searcher.segment_readers().len()];
    for_each_match(handle, &searcher, needle, sel, |seg, _, doc_id, count| {
        found[seg].push((doc_id, count));
    })?;
    // Each passage's document: from the column, or, when many of a segment's passages hold the
    // phrase (a common character), from the column decoded whole (once per index handle).
    let mut matches: Vec<(u64, u64)> = Vec::with_capacity(found.iter().map(Vec::len).sum());
    for (seg, found) in found.into_iter().enumerate() {
        let cols = handle.columns(seg as u32)?;
        if found.len() as u32 > cols.doc.num_vals() / 16 {
            let docs = cols.doc_ordinals();
            matches.extend(found.iter().map(|&(d, c)| (docs[d as usize], u64::from(c))));
        } else {
            matches.extend(
                found
                    .iter()
                    .map(|&(d, c)| (cols.doc.get_val(d), u64::from(c))),
            );
        }
    }
    let hits = matches.iter().map(|m| m.1).sum();
    let ndocs = handle.docs().len();
    let per_doc = if matches.len() > ndocs / 4 {
        // Many passages: add up in a table with a slot per document.
        let mut table = vec![0u64; ndocs];
        for (d, c) in matches {
            if let Some(slot) = table.get_mut(d as usize) {
                *slot += c;
            }
        }
        table
            .into_iter()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .map(|(d, c)| (d as u64, c))
            .collect()
    } else {
        matches.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(matches.len());
        for (d, c) in matches {
            match merged.last_mut() {
                Some(last) if last.0 == d => last.1 += c,
                _ => merged.push((d, c)),
            }
        }
        merged
    };
    Ok(PhraseCounts { per_doc, hits })
}

/// The paragraphs where `needle` occurs, with their counts, in document and line order.
pub fn locate_phrase(
    handle: &IndexHandle,
    searcher: &Searcher,
    needle: &[char],
    sel: Option<&DocSelection>,
) -> Result<Vec<ParagraphCount>> {
    let mut found: Vec<ParagraphCount> = Vec::new();
    for_each_match(handle, searcher, needle, sel, |_, cols, doc_id, count| {
        found.push(ParagraphCount {
            doc: cols.doc.get_val(doc_id),
            line: cols.line.get_val(doc_id) as u32,
            para_key: cols.para_key(doc_id),
            count,
        });
    })?;
    found.sort_unstable();
    let mut merged: Vec<ParagraphCount> = Vec::with_capacity(found.len());
    for p in found {
        match merged.last_mut() {
            Some(last) if last.para_key == p.para_key => last.count += p.count,
            _ => merged.push(p),
        }
    }
    Ok(merged)
}

/// The addresses of document `ord`'s passages, in address order (the `doc` field's postings).
pub fn passage_addresses(
    handle: &IndexHandle,
    searcher: &Searcher,
    ord: u64,
) -> Result<Vec<tantivy::DocAddress>> {
    let term = Term::from_field_u64(handle.fields().doc, ord);
    let mut addrs: Vec<_> = searcher
        .search(
            &TermQuery::new(term, IndexRecordOption::Basic),
            &DocSetCollector,
        )?
        .into_iter()
        .collect();
    addrs.sort_unstable();
    Ok(addrs)
}

/// Every paragraph of document `ord` as `(line, text)`, in line order, assembled from its
/// stored passages.
pub fn document_lines(
    handle: &IndexHandle,
    searcher: &Searcher,
    ord: u64,
) -> Result<Vec<(u32, String)>> {
    let addrs = passage_addresses(handle, searcher, ord)?;
    let mut parts: BTreeMap<(u32, u32), (u32, String)> = BTreeMap::new();
    for addr in addrs {
        let p = stored_passage(handle, searcher, addr)?;
        parts.insert((p.paragraph, p.start), (p.line, p.text));
    }
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut last_paragraph = None;
    for ((paragraph, _), (line, text)) in parts {
        match out.last_mut() {
            Some(last) if last_paragraph == Some(paragraph) => last.1.push_str(&text),
            _ => out.push((line, text)),
        }
        last_paragraph = Some(paragraph);
    }
    Ok(out)
}

/// The full text of a paragraph (its line), assembled from its passages.
pub fn paragraph_text(handle: &IndexHandle, searcher: &Searcher, para_key: u64) -> Result<String> {
    let term = Term::from_field_u64(handle.fields().para_key, para_key);
    let addrs = searcher.search(
        &TermQuery::new(term, IndexRecordOption::Basic),
        &DocSetCollector,
    )?;
    let mut parts = Vec::with_capacity(addrs.len());
    for addr in addrs {
        let p = stored_passage(handle, searcher, addr)?;
        parts.push((p.start, p.text));
    }
    parts.sort_unstable_by_key(|(start, _)| *start);
    Ok(parts.into_iter().map(|(_, t)| t).collect())
}

/// Start offsets of every (overlapping) occurrence of `needle` in `hay`.
///
/// On characters, not through `memchr::memmem` on UTF-8: the callers hold characters, and
/// encoding both, searching and turning byte offsets back into character offsets was no faster
/// (measured on 26,000 paragraphs of `../shared/corpora`: 19.5 against 12.2 ms for 的, 33 against
/// 11 ms for a 36-character needle, 10.5 against 12.7 ms for 调查研究).
pub fn find_all(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Call `sink(segment, columns, doc_id, count)` for each passage (or, for needles longer than the
/// indexed tail, each paragraph) with occurrences of `needle`, across all segments of
/// `searcher` (a searcher of `handle`).
fn for_each_match(
    handle: &IndexHandle,
    searcher: &Searcher,
    needle: &[char],
    sel: Option<&DocSelection>,
    mut sink: impl FnMut(usize, &PassageColumns, DocId, u32),
) -> Result<()> {
    if needle.is_empty() {
        return Err(Error::Query("the phrase has no characters to match".into()));
    }
    let long = needle.len() > EXACT_TAIL_CHARS + 1;
    let prefix = &needle[..needle.len().min(EXACT_TAIL_CHARS + 1)];
    let readers = searcher.segment_readers();
    let cols = (0..readers.len() as u32)
        .map(|s| handle.columns(s))
        .collect::<Result<Vec<_>>>()?;
    // Long needle: candidate paragraphs from the prefix, then a scan of their text. A
    // paragraph's passages may lie in several segments: each paragraph is counted once, at its
    // first candidate passage.
    let mut candidates: BTreeMap<u64, (u64, usize, DocId)> = BTreeMap::new();
    for (s, reader) in readers.iter().enumerate() {
        let cols = cols[s];
        let alive = reader.alive_bitset();
        let is_alive = |d: DocId| alive.is_none_or(|a| a.is_alive(d));
        let mut on_match = |d: DocId, c: u32| {
            if !is_alive(d) || (sel.is_some() && !selected(sel, cols.doc.get_val(d))) {
                return;
            }
            if !long {
                return sink(s, cols, d, c);
            }
            let here = (cols.passage.get_val(d), s, d);
            candidates
                .entry(cols.para_key(d))
                .and_modify(|first| *first = (*first).min(here))
                .or_insert(here);
        };
        if prefix.len() == 1 {
            let inv = reader.inverted_index(handle.fields().exact)?;
            char_counts(
                &inv,
                handle.fields().exact,
                reader.max_doc(),
                prefix[0],
                on_match,
            )?;
        } else {
            match_segment(handle, reader, cols, prefix, |d, starts| {
                on_match(d, starts.len() as u32)
            })?;
        }
    }
    for (para_key, (_, s, doc_id)) in candidates {
        let text = paragraph_text(handle, searcher, para_key)?;
        let count = find_all(&MatchingForm::new(&text).chars, needle).len() as u32;
        if count > 0 {
            sink(s, cols[s], doc_id, count);
        }
    }
    Ok(())
}

/// Where a seed of text reuse occurs: `(segment, doc_id, start)` for each start of `needle`
/// (2 to `EXACT_TAIL_CHARS + 1` characters of matching form) in a live passage's own text (of
/// the selection, when one is given), in segment and passage order; `None` when more than
/// `cap` passages hold it (too common to tell where a text comes from).
pub fn seed_occurrences(
    handle: &IndexHandle,
    searcher: &Searcher,
    needle: &[char],
    sel: Option<&DocSelection>,
    cap: usize,
) -> Result<Option<Vec<(u32, DocId, u32)>>> {
    if !(2..=EXACT_TAIL_CHARS + 1).contains(&needle.len()) {
        return Err(Error::Query(format!(
            "a seed has 2 to {} characters",
            EXACT_TAIL_CHARS + 1
        )));
    }
    let mut out: Vec<(u32, DocId, u32)> = Vec::new();
    let mut passages = 0usize;
    for (s, reader) in searcher.segment_readers().iter().enumerate() {
        let cols = handle.columns(s as u32)?;
        let alive = reader.alive_bitset();
        match_segment(handle, reader, cols, needle, |d, starts| {
            if passages > cap
                || alive.is_some_and(|a| !a.is_alive(d))
                || (sel.is_some() && !selected(sel, cols.doc.get_val(d)))
            {
                return;
            }
            passages += 1;
            out.extend(starts.iter().map(|&p| (s as u32, d, p)));
        })?;
        if passages > cap {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

/// How often the character `c` occurs in each passage's own text, in passage order: every
/// occurrence starts one unmarked `exact` term, a bigram `cX` wholly inside the passage or, for
/// the passage's last character, [`LAST_MARK`]`c`; their frequencies add up.
fn char_counts(
    inv: &tantivy::InvertedIndexReader,
    field: tantivy::schema::Field,
    max_doc: DocId,
    c: char,
    mut sink: impl FnMut(DocId, u32),
) -> Result<()> {
    let mut counts = vec![0u32; max_doc as usize];
    super::for_each_char_posting(inv, field, c, IndexRecordOption::WithFreqs, |d, tf| {
        counts[d as usize] += tf
    })
    .map_err(read_error)?;
    for (d, &n) in counts.iter().enumerate() {
        if n > 0 {
            sink(d as DocId, n);
        }
    }
    Ok(())
}

/// The postings of a bigram in the `exact` field: of its plain term and of its tail-marked
/// term (`TAIL_MARK` + bigram), those that exist.
pub(crate) fn bigram_postings(
    inv: &tantivy::InvertedIndexReader,
    field: tantivy::schema::Field,
    bigram: &str,
    option: IndexRecordOption,
) -> Result<Vec<SegmentPostings>> {
    let mut parts = Vec::with_capacity(2);
    for text in [bigram.to_owned(), format!("{TAIL_MARK}{bigram}")] {
        let term = Term::from_field_text(field, &text);
        if let Some(p) = inv.read_postings(&term, option).map_err(read_error)? {
            parts.push(p);
        }
    }
    Ok(parts)
}

fn read_error(e: std::io::Error) -> Error {
    Error::Io {
        context: "reading postings".into(),
        cause: e,
    }
}

/// The postings of one bigram of the needle: its unmarked and its tail-marked term.
struct Gram {
    parts: Vec<SegmentPostings>,
    /// Offsets in the needle where this bigram stands.
    offsets: Vec<u32>,
    positions: Vec<u32>,
}

impl Gram {
    fn doc(&self) -> DocId {
        self.parts
            .iter()
            .map(|p| p.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for p in &mut self.parts {
            if p.doc() < target {
                p.seek(target);
            }
        }
        self.doc()
    }

    fn advance(&mut self) -> DocId {
        let d = self.doc();
        for p in &mut self.parts {
            if p.doc() == d {
                p.advance();
            }
        }
        self.doc()
    }

    /// Load the positions of the current document (sorted).
    fn load_positions(&mut self) {
        let d = self.doc();
        self.positions.clear();
        for p in &mut self.parts {
            if p.doc() == d {
                p.append_positions_with_offset(0, &mut self.positions);
            }
        }
        if self.parts.len() > 1 {
            self.positions.sort_unstable();
        }
    }
}

/// Find the passages of one segment where `needle` (at most `EXACT_TAIL_CHARS + 1` characters)
/// starts in the passage's own text; `sink(doc_id, start positions)`.
fn match_segment(
    handle: &IndexHandle,
    reader: &SegmentReader,
    cols: &PassageColumns,
    needle: &[char],
    mut sink: impl FnMut(DocId, &[u32]),
) -> Result<()> {
    let f = &handle.fields();
    let inv = reader.inverted_index(f.exact)?;
    if needle.len() == 1 {
        return Err(Error::Query(
            "positions of one character are not read from the index".into(),
        ));
    }
    // Bigram offsets covering the needle: 0, 2, 4, … and n − 2.
    let n = needle.len();
    let mut offsets: Vec<usize> = (0..n - 1).step_by(2).collect();
    if offsets.last() != Some(&(n - 2)) {
        offsets.push(n - 2);
    }
    let mut grams: Vec<(String, Gram)> = Vec::new();
    for k in offsets {
        let text: String = needle[k..k + 2].iter().collect();
        if let Some((_, g)) = grams.iter_mut().find(|(t, _)| *t == text) {
            g.offsets.push(k as u32);
            continue;
        }
        let parts = bigram_postings(
            &inv,
            f.exact,
            &text,
            IndexRecordOption::WithFreqsAndPositions,
        )?;
        if parts.is_empty() {
            return Ok(()); // a bigram that never occurs: no match in this segment
        }
        grams.push((
            text,
            Gram {
                parts,
                offsets: vec![k as u32],
                positions: Vec::new(),
            },
        ));
    }
    let mut grams: Vec<Gram> = grams.into_iter().map(|(_, g)| g).collect();
    // Rarest first: it drives the intersection.
    grams.sort_by_key(|g| g.parts.iter().map(|p| p.doc_freq()).sum::<u32>());

    let mut starts: Vec<u32> = Vec::new();
    let mut target = grams[0].doc();
    'docs: while target != TERMINATED {
        for g in grams.iter_mut() {
            let d = g.seek(target);
            if d > target {
                target = d;
                continue 'docs;
            }
        }
        // Every bigram occurs in `target`: check positions.
        let mlen = cols.mlen.get_val(target) as u32;
        for g in grams.iter_mut() {
            g.load_positions();
        }
        starts.clear();
        let (driver, rest) = grams.split_first().expect("at least one bigram");
        for &pos in &driver.positions {
            for &k in &driver.offsets {
                let Some(p) = pos.checked_sub(k) else {
                    continue;
                };
                if p >= mlen {
                    continue;
                }
                let ok = driver
                    .offsets
                    .iter()
                    .all(|&o| driver.positions.binary_search(&(p + o)).is_ok())
                    && rest.iter().all(|g| {
                        g.offsets
                            .iter()
                            .all(|&o| g.positions.binary_search(&(p + o)).is_ok())
                    });
                if ok {
                    starts.push(p);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        if !starts.is_empty() {
            sink(target, &starts);
        }
        target = grams[0].advance();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_all_counts_overlaps() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(find_all(&c("哈哈哈哈"), &c("哈哈")), vec![0, 1, 2]);
        assert_eq!(find_all(&c("调查研究"), &c("研究")), vec![2]);
        assert_eq!(find_all(&c("调"), &c("调查")), Vec::<usize>::new());
        assert_eq!(find_all(&c("调"), &[]), Vec::<usize>::new());
    }
}
