//! `shared`: maximal phrases that several documents have in common (the raw material of text
//! reuse), in memory bounded by the text and one shard of grams.
//!
//! 1. **Text.** The selected paragraphs are read from the store, in paragraph order, into one
//!    array of 16-bit codes of their matching forms (2 bytes a character; characters outside
//!    the Basic Multilingual Plane and the paragraph ends are codes that never match).
//! 2. **Grams in shards.** Every `min_chars`-gram is hashed; the grams are taken in
//!    [`shards`] by their hash, as many as keep one shard's keys (hash and position in one
//!    `u64`) within [`SHARD_BYTES`], so that memory does not grow with the corpus beyond the
//!    text itself. Each shard is sorted; the positions of one gram (checked character by
//!    character, so hash collisions cannot merge grams) are its occurrences.
//! 3. **Maximal phrases.** A gram found in at least `min_docs` documents is extended to the right
//!    one character at a time, following every next character that keeps `min_docs`
//!    documents (a branch); a phrase is emitted where no branch keeps all of its documents.
//!    A phrase whose documents all agree on the character before it is not emitted (the
//!    phrase one character longer, found from the gram before, is in as many documents), and
//!    a gram whose occurrences all agree on it is not extended at all: every phrase comes from
//!    its first gram only, so there are no one-character shifts of a kept phrase. The
//!    occurrences followed are all those of the phrase, so its counts are exact.
//! 4. **Order.** Phrases in `min_docs..=max_docs` documents are counted, and the best
//!    `keep` of them by the chosen score kept (a bounded heap).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;
use tantivy::{DocAddress, DocId, TantivyDocument};

use super::passage_of;
use crate::error::{Error, Result};
use crate::index::{DocSelection, IndexHandle, selected};
use crate::matching::MatchingForm;

/// Most bytes of gram keys held at once (one shard).
pub const SHARD_BYTES: usize = 96 << 20;
/// Grams found in more documents than this (and in more than `4 × max_docs`) are not extended:
/// formulas of the genre, whose phrases begin a character later.
pub const GROUP_CAP: usize = 2000;

/// How shared phrases are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SharedOrder {
    /// Longest first, then most widespread.
    #[default]
    Length,
    /// In most documents first, then longest.
    Docs,
    /// By characters × documents: long phrases several documents share.
    Score,
}

/// What to look for.
#[derive(Debug, Clone, Copy)]
pub struct SharedOptions {
    /// Shortest phrase, in matching-form characters.
    pub min_chars: usize,
    /// Fewest documents a phrase must occur in.
    pub min_docs: usize,
    /// Most documents: phrases more widespread than this (boilerplate) are left out.
    pub max_docs: usize,
    pub order: SharedOrder,
    /// Phrases kept, the best first (0: all).
    pub keep: usize,
}

/// A phrase several documents share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPhrase {
    /// The phrase's matching form.
    pub phrase: String,
    /// `(document ordinal, occurrences)`, in document order.
    pub docs: Vec<(u64, u64)>,
    /// All occurrences.
    pub hits: u64,
}

/// What [`shared_phrases`] found and did.
#[derive(Debug, Clone, Default)]
pub struct SharedFound {
    /// The best phrases, in order.
    pub phrases: Vec<SharedPhrase>,
    /// Phrases found in all.
    pub total: usize,
    /// Characters compared; shards the grams were taken in.
    pub chars: usize,
    pub shards: usize,
}

/// A code that matches nothing: a paragraph's end.
const END: u16 = 0xFFFF;
/// A character outside the BMP: matches nothing either (such phrases end there).
const WIDE: u16 = 0xFFFE;

fn code(c: char) -> u16 {
    let v = c as u32;
    if v < 0xFFFE { v as u16 } else { WIDE }
}

fn live(c: u16) -> bool {
    c < WIDE
}

/// The selected paragraphs as one array of codes, each ended by [`END`], with the start and
/// document of each paragraph.
struct Text {
    codes: Vec<u16>,
    /// `(start in codes, document ordinal)`, in order.
    paras: Vec<(u32, u32)>,
    /// The paragraph holding each [`BLOCK`]-th position.
    blocks: Vec<u32>,
}

/// Positions per entry of [`Text::blocks`].
const BLOCK: usize = 256;

impl Text {
    fn new(codes: Vec<u16>, paras: Vec<(u32, u32)>) -> Text {
        let mut blocks = Vec::with_capacity(codes.len() / BLOCK + 1);
        let mut i = 0usize;
        for b in (0..codes.len()).step_by(BLOCK) {
            while i + 1 < paras.len() && paras[i + 1].0 as usize <= b {
                i += 1;
            }
            blocks.push(i as u32);
        }
        Text {
            codes,
            paras,
            blocks,
        }
    }

    fn doc_at(&self, pos: u32) -> u32 {
        let mut i = self.blocks[pos as usize / BLOCK] as usize;
        while i + 1 < self.paras.len() && self.paras[i + 1].0 <= pos {
            i += 1;
        }
        self.paras[i].1
    }
}

fn read_text(handle: &IndexHandle, sel: Option<&DocSelection>) -> Result<Text> {
    let searcher = handle.searcher();
    // Every passage's place, from the columns: (paragraph key, start, segment, doc id).
    let mut places: Vec<(u64, u32, u32, DocId)> = Vec::new();
    for (s, reader) in searcher.segment_readers().iter().enumerate() {
        let cols = handle.columns(s as u32)?;
        let alive = reader.alive_bitset();
        for d in 0..reader.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(d)) {
                continue;
            }
            if sel.is_some() && !selected(sel, cols.doc.get_val(d)) {
                continue;
            }
            places.push((cols.para_key(d), cols.start.get_val(d) as u32, s as u32, d));
        }
    }
    places.sort_unstable();
    let mut codes: Vec<u16> = Vec::new();
    let mut paras: Vec<(u32, u32)> = Vec::new();
    let mut current: Option<u64> = None;
    let mut para = String::new();
    let flush = |para: &mut String, key: u64, codes: &mut Vec<u16>, paras: &mut Vec<(u32, u32)>| {
        paras.push((codes.len() as u32, (key >> 32) as u32));
        codes.extend(MatchingForm::new(para).chars.into_iter().map(code));
        codes.push(END);
        para.clear();
    };
    for (n, &(key, _, seg, doc_id)) in places.iter().enumerate() {
        if n.is_multiple_of(4096) {
            crate::cancel::check()?;
        }
        if current.is_some_and(|c| c != key) {
            flush(
                &mut para,
                current.expect("a paragraph"),
                &mut codes,
                &mut paras,
            );
        }
        current = Some(key);
        let d: TantivyDocument = searcher.doc(DocAddress::new(seg, doc_id))?;
        para.push_str(&passage_of(handle, &d, DocAddress::new(seg, doc_id))?.text);
    }
    if let Some(key) = current {
        flush(&mut para, key, &mut codes, &mut paras);
    }
    if codes.len() >= u32::MAX as usize {
        return Err(Error::Query(format!(
            "`shared` compares at most {} characters at once; limit it with --since, --until, \
             --collection or --under",
            u32::MAX
        )));
    }
    Ok(Text::new(codes, paras))
}

/// Number of shards for `positions` gram keys.
pub fn shards(positions: usize) -> usize {
    (positions * 8).div_ceil(SHARD_BYTES).max(1)
}

/// The hash of every `k`-gram of live codes: `f(position, hash)`.
fn for_each_gram(codes: &[u16], k: usize, mut f: impl FnMut(u32, u64)) {
    let mut run = 0usize; // live codes ending here
    for (i, &c) in codes.iter().enumerate() {
        if !live(c) {
            run = 0;
            continue;
        }
        run += 1;
        if run >= k {
            let start = i + 1 - k;
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for &x in &codes[start..=i] {
                h = (h ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            h ^= h >> 33;
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
            h ^= h >> 33;
            f(start as u32, h);
        }
    }
}

/// A phrase found: its length and occurrences (positions, ascending).
struct Found {
    len: u32,
    docs: u32,
    at: Vec<u32>,
}

/// The score a heap keeps the best of (larger is better), then the earlier position.
fn rank(order: SharedOrder, len: u32, docs: u32) -> (u64, u64) {
    let (len, docs) = (u64::from(len), u64::from(docs));
    match order {
        SharedOrder::Length => (len, docs),
        SharedOrder::Docs => (docs, len),
        SharedOrder::Score => (len * docs, len),
    }
}

/// A heap entry: rank, the phrase (the smaller wins a tie), index into `Best::found`.
type Entry = ((u64, u64), Reverse<Vec<u16>>, usize);

struct Best {
    order: SharedOrder,
    keep: usize,
    /// Min-heap of the best: (rank, Reverse(the phrase)), index into `found`.
    heap: BinaryHeap<Reverse<Entry>>,
    found: Vec<Option<Found>>,
    total: usize,
}

impl Best {
    fn new(order: SharedOrder, keep: usize) -> Best {
        Best {
            order,
            keep,
            heap: BinaryHeap::new(),
            found: Vec::new(),
            total: 0,
        }
    }

    /// Offer a phrase; ties are broken by the phrase itself (never by positions, which
    /// depend on document ordinals: an updated index must answer as a rebuilt one).
    fn offer(&mut self, f: Found, text: &Text) {
        self.total += 1;
        let r = rank(self.order, f.len, f.docs);
        if self.keep > 0
            && self.heap.len() >= self.keep
            && self
                .heap
                .peek()
                .is_some_and(|Reverse((worst, _, _))| r < *worst)
        {
            return;
        }
        let p0 = f.at[0] as usize;
        let key = (r, Reverse(text.codes[p0..p0 + f.len as usize].to_vec()));
        if self.keep > 0 && self.heap.len() >= self.keep {
            let Some(Reverse((worst, wpos, _))) = self.heap.peek() else {
                return;
            };
            if (&key.0, &key.1) <= (worst, wpos) {
                return;
            }
            let Reverse((_, _, slot)) = self.heap.pop().expect("a full heap");
            self.found[slot] = Some(f);
            self.heap.push(Reverse((key.0, key.1, slot)));
            return;
        }
        self.found.push(Some(f));
        self.heap
            .push(Reverse((key.0, key.1, self.found.len() - 1)));
    }
}

/// Distinct documents of sorted positions.
fn distinct_docs(text: &Text, at: &[u32]) -> u32 {
    let mut n = 0;
    let mut last = u32::MAX;
    for &p in at {
        let d = text.doc_at(p);
        if d != last {
            n += 1;
            last = d;
        }
    }
    n
}

/// The most documents that agree on the code at `offset` from the occurrences (`offset` −1:
/// the code before), and the groups of occurrences by that code.
fn by_code(text: &Text, at: &[u32], offset: i64) -> Vec<(u16, Vec<u32>)> {
    let mut keyed: Vec<(u16, u32)> = at
        .iter()
        .filter_map(|&p| {
            let q = i64::from(p) + offset;
            if q < 0 {
                return None;
            }
            let c = *text.codes.get(q as usize)?;
            live(c).then_some((c, p))
        })
        .collect();
    keyed.sort_unstable();
    let mut out: Vec<(u16, Vec<u32>)> = Vec::new();
    for (c, p) in keyed {
        match out.last_mut() {
            Some((lc, v)) if *lc == c => v.push(p),
            _ => out.push((c, vec![p])),
        }
    }
    out
}

/// Most documents any one code before the occurrences is shared by.
fn most_agreeing_before(text: &Text, at: &[u32]) -> u32 {
    by_code(text, at, -1)
        .iter()
        .map(|(_, v)| distinct_docs(text, v))
        .max()
        .unwrap_or(0)
}

/// Extend the occurrences `at` of a gram (all in at least `min_docs` documents) into maximal
/// phrases.
fn extend(text: &Text, at: Vec<u32>, docs: u32, k: usize, opts: &SharedOptions, best: &mut Best) {
    // Every phrase from here is a shift of one beginning earlier when all the occurrences
    // have the same character before them (the common case inside a shared phrase: told
    // without sorting), or the documents of one such character are all of them.
    let before = |p: u32| {
        (p > 0)
            .then(|| text.codes[p as usize - 1])
            .filter(|&c| live(c))
    };
    let first = before(at[0]);
    if first.is_some() && at.iter().all(|&p| before(p) == first) {
        return;
    }
    if most_agreeing_before(text, &at) == docs {
        return;
    }
    let mut stack: Vec<(Vec<u32>, u32, u32)> = vec![(at, k as u32, docs)];
    while let Some((at, len, docs)) = stack.pop() {
        let children = by_code(text, &at, i64::from(len));
        let mut keeps_all = false;
        for (_, child) in children {
            let d = distinct_docs(text, &child);
            if d == docs {
                keeps_all = true;
            }
            if d as usize >= opts.min_docs {
                stack.push((child, len + 1, d));
            }
        }
        if !keeps_all && (docs as usize) <= opts.max_docs && most_agreeing_before(text, &at) < docs
        {
            best.offer(Found { len, docs, at }, text);
        }
    }
}

/// Extend the groups of sorted `keys` (whole groups of equal hashes) into phrases.
fn groups_of(
    text: &Text,
    keys: &[u64],
    k: usize,
    cap: usize,
    opts: &SharedOptions,
    best: &mut Best,
    token: &Option<crate::cancel::Cancel>,
) -> Result<()> {
    let before = |p: u32| {
        (p > 0)
            .then(|| text.codes[p as usize - 1])
            .filter(|&c| live(c))
    };
    let mut i = 0;
    let mut groups = 0usize;
    while i < keys.len() {
        let h = keys[i] >> 32;
        let end = i + keys[i..].partition_point(|&x| x >> 32 == h);
        let group = &keys[i..end];
        i = end;
        if group.len() < opts.min_docs {
            continue;
        }
        groups += 1;
        if groups.is_multiple_of(65_536) {
            crate::cancel::check_token(token)?;
        }
        // Inside a shared phrase every occurrence has the same character before it: nothing
        // begins here (whatever grams share the hash, each has that character before it).
        let first = before(group[0] as u32);
        if first.is_some() && group.iter().all(|&x| before(x as u32) == first) {
            continue;
        }
        // The same hash may hold different grams: split by the grams' codes.
        let mut at: Vec<u32> = group.iter().map(|&x| x as u32).collect();
        let gram = |p: u32| &text.codes[p as usize..p as usize + k];
        if at.iter().any(|&p| gram(p) != gram(at[0])) {
            at.sort_by(|&a, &b| gram(a).cmp(gram(b)).then(a.cmp(&b)));
            let mut j = 0;
            while j < at.len() {
                let e = j + at[j..].partition_point(|&p| gram(p) == gram(at[j]));
                let part = at[j..e].to_vec();
                let d = distinct_docs(text, &part) as usize;
                if d >= opts.min_docs && d <= cap {
                    extend(text, part, d as u32, k, opts, best);
                }
                j = e;
            }
        } else {
            let d = distinct_docs(text, &at) as usize;
            if d >= opts.min_docs && d <= cap {
                extend(text, at, d as u32, k, opts, best);
            }
        }
    }
    Ok(())
}

/// Find the shared phrases of the index (of the selection), the best `keep` by the order asked.
pub fn shared_phrases(
    handle: &IndexHandle,
    opts: SharedOptions,
    sel: Option<&DocSelection>,
) -> Result<SharedFound> {
    if opts.min_chars < 2 || opts.min_docs < 2 || opts.max_docs < opts.min_docs {
        return Err(Error::Query(
            "need --min-chars ≥ 2, --min-docs ≥ 2 and --max-docs ≥ --min-docs".into(),
        ));
    }
    let text = read_text(handle, sel)?;
    let k = opts.min_chars;
    let positions = text.codes.len();
    let nshards = shards(positions);
    let cap = GROUP_CAP.max(opts.max_docs.saturating_mul(4));
    let mut best = Best::new(opts.order, opts.keep);
    for shard in 0..nshards as u64 {
        crate::cancel::check()?;
        let mut keys: Vec<u64> = Vec::new();
        for_each_gram(&text.codes, k, |p, h| {
            if (h >> 32) % nshards as u64 == shard {
                keys.push((h << 32) | u64::from(p));
            }
        });
        keys.sort_unstable();
        // Chunks of whole groups, on the threads of the pool.
        let pieces = rayon::current_num_threads().max(1) * 8;
        let mut bounds = vec![0usize];
        for c in 1..pieces {
            let mut at = keys.len() * c / pieces;
            if at <= *bounds.last().expect("a bound") {
                continue;
            }
            let h = keys[at] >> 32;
            at += keys[at..].partition_point(|&x| x >> 32 == h);
            if at < keys.len() {
                bounds.push(at);
            }
        }
        bounds.push(keys.len());
        let token = crate::cancel::current();
        let parts: Vec<Best> = bounds
            .windows(2)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|w| {
                let mut part = Best::new(opts.order, opts.keep);
                groups_of(&text, &keys[w[0]..w[1]], k, cap, &opts, &mut part, &token)?;
                Ok(part)
            })
            .collect::<Result<_>>()?;
        for part in parts {
            best.total += part.total;
            for f in part.found.into_iter().flatten() {
                best.offer(f, &text);
                best.total -= 1;
            }
        }
    }
    // The kept phrases, best first.
    let mut kept: Vec<Entry> = best.heap.into_iter().map(|Reverse(x)| x).collect();
    kept.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut phrases = Vec::with_capacity(kept.len());
    for (_, _, slot) in kept {
        let Some(f) = best.found[slot].take() else {
            continue;
        };
        let p0 = f.at[0] as usize;
        let phrase: String = text.codes[p0..p0 + f.len as usize]
            .iter()
            .map(|&c| char::from_u32(u32::from(c)).unwrap_or('\u{FFFD}'))
            .collect();
        let mut docs: Vec<(u64, u64)> = Vec::new();
        for &p in &f.at {
            let d = u64::from(text.doc_at(p));
            match docs.last_mut() {
                Some(last) if last.0 == d => last.1 += 1,
                _ => docs.push((d, 1)),
            }
        }
        phrases.push(SharedPhrase {
            phrase,
            hits: f.at.len() as u64,
            docs,
        });
    }
    Ok(SharedFound {
        phrases,
        total: best.total,
        chars: positions - text.paras.len(),
        shards: nshards,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(paras: &[(&str, u32)]) -> Text {
        let mut codes = Vec::new();
        let mut ps = Vec::new();
        for (t, d) in paras {
            ps.push((codes.len() as u32, *d));
            codes.extend(t.chars().map(code));
            codes.push(END);
        }
        Text::new(codes, ps)
    }

    fn run(paras: &[(&str, u32)], k: usize) -> Vec<(String, u32)> {
        let text = text_of(paras);
        let opts = SharedOptions {
            min_chars: k,
            min_docs: 2,
            max_docs: 100,
            order: SharedOrder::Length,
            keep: 0,
        };
        let mut best = Best::new(opts.order, 0);
        let mut keys: Vec<u64> = Vec::new();
        for_each_gram(&text.codes, k, |p, h| keys.push((h << 32) | u64::from(p)));
        keys.sort_unstable();
        groups_of(&text, &keys, k, usize::MAX, &opts, &mut best, &None).unwrap();
        let mut out: Vec<(String, u32)> = best
            .found
            .into_iter()
            .flatten()
            .map(|f| {
                let p = f.at[0] as usize;
                let s: String = text.codes[p..p + f.len as usize]
                    .iter()
                    .map(|&c| char::from_u32(u32::from(c)).unwrap())
                    .collect();
                (s, f.docs)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn maximal_phrases_without_shifts() {
        let found = run(
            &[
                ("甲乙全面推进乡村振兴丙丁", 0),
                ("戊全面推进乡村振兴己", 1),
                ("庚全面推进乡村振兴辛加快建设", 2),
                ("加快建设农业强国", 3),
            ],
            4,
        );
        assert_eq!(
            found,
            vec![
                ("全面推进乡村振兴".to_owned(), 3),
                ("加快建设".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn a_longer_phrase_in_fewer_documents_is_kept_beside_the_shorter() {
        let found = run(
            &[
                ("一全面推进乡村振兴加快建设农业强国二", 0),
                ("三全面推进乡村振兴加快建设农业强国四", 1),
                ("五全面推进乡村振兴六", 2),
            ],
            4,
        );
        assert_eq!(
            found,
            vec![
                ("全面推进乡村振兴".to_owned(), 3),
                ("全面推进乡村振兴加快建设农业强国".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn paragraph_ends_and_one_document_do_not_make_a_phrase() {
        // Twice in one document only: not shared.
        assert!(run(&[("全面推进乡村振兴", 0), ("全面推进乡村振兴", 0)], 4).is_empty());
        // Across a paragraph end: no phrase spans it, its two halves are shared.
        let found = run(
            &[("全面推进", 0), ("乡村振兴", 0), ("全面推进乡村振兴", 1)],
            4,
        );
        assert_eq!(
            found,
            vec![("乡村振兴".to_owned(), 2), ("全面推进".to_owned(), 2)]
        );
    }
}
