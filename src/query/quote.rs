//! `quote`: every paragraph that cites a quotation, verbatim, in part or changed.
//!
//! 1. **Candidates** from the `exact` field: for every distinct bigram of the quotation's
//!    matching form, the passages that hold it (plain or tail-marked); a passage needs at least
//!    as many as an alignment reaching the thresholds must keep: an alignment covering `L`
//!    quotation characters with at most `e` edits keeps at least `L − 1 − 2e` of them.
//! 2. **Alignment** ([`crate::align`]) of the quotation against each candidate passage's matching
//!    form; when the best alignment touches the passage's edge, against the paragraph around it
//!    (a quotation spread over two sentences may cross passages).
//! 3. **Hits**: one per citation: a passage's best alignment, then the best alignments of what
//!    is left of the passage on either side of it, as long as they pass (a paragraph that cites
//!    the quotation twice gives two hits, each with its own speaker); kept when coverage ≥
//!    `min_coverage` and identity ≥ `min_identity`; hits that overlap keep the best; the aligned
//!    span is mapped back to the cleaned line. A hit is
//!    `quoted` when most of it lies inside a quotation of the paragraph, whose speaker it takes;
//!    otherwise the speaker comes from a cue right before the span (习近平总书记强调，…).
//! 4. **Rank**: coverage × identity, then quoted before unquoted, attributed before not, then
//!    document order.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::{DocAddress, DocSet, TERMINATED};

use super::phrase::bigram_postings;
use super::{paragraph_text, passage_of};
use crate::align::{Alignment, align, align_ending_at, best_cell, min_score};
use crate::analyze::{Quotation, attribute_at};
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::matching::{MatchingForm, matching_string};

/// Longest quotation (matching-form characters) `quote` aligns: the alignment keeps a
/// quotation × passage score table in memory.
pub const MAX_QUOTE_CHARS: usize = 2000;

/// Thresholds of a quotation lookup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteOptions {
    /// Least share of the quotation's characters a hit must align.
    pub min_coverage: f64,
    /// Least share of matching columns in a hit's alignment.
    pub min_identity: f64,
    /// Most candidate passages aligned (the ones sharing most bigrams first).
    pub max_candidates: usize,
}

impl QuoteOptions {
    /// Defaults for a quotation whose matching form has `n` characters: up to 8 characters it
    /// must be matched nearly whole (0.9); longer ones must match at least 8 characters and at
    /// least 30% of the quotation, so that one clause cited from a long quotation is found
    /// (没有调查，就没有发言权 — 10 of the 31 characters of 调查研究是谋事之基… — is a
    /// citation). Chosen on the evaluation set: a 10-character quotation at 0.5 matched every
    /// passage holding any 5-character half of it (民族要复兴 alone for 民族要复兴，乡村必振兴).
    pub fn for_length(n: usize) -> QuoteOptions {
        let min_coverage = if n <= 8 {
            0.9
        } else {
            (8.0 / n as f64).max(0.3)
        };
        QuoteOptions {
            min_coverage,
            min_identity: 0.8,
            max_candidates: 5000,
        }
    }
}

/// One paragraph citing the quotation.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteHit {
    /// Document ordinal and path.
    pub doc: u64,
    pub path: String,
    pub line: u32,
    /// Character span of the aligned text in the cleaned line.
    pub start: usize,
    pub end: usize,
    /// The aligned text.
    pub text: String,
    /// Text around the hit: its passage, or its whole line when the alignment crossed passages.
    pub context: String,
    /// Character offset of `context` in the line.
    pub context_start: usize,
    pub coverage: f64,
    pub identity: f64,
    /// Inside quote marks.
    pub quoted: bool,
    pub speaker: Option<String>,
}

impl QuoteHit {
    /// The ranking score: coverage × identity.
    pub fn score(&self) -> f64 {
        self.coverage * self.identity
    }
}

/// The answer to a quotation lookup.
#[derive(Debug, Clone)]
pub struct QuoteResults {
    pub quote: String,
    pub hits: Vec<QuoteHit>,
    /// Passages aligned.
    pub candidates: usize,
    pub elapsed: Duration,
}

/// Find every paragraph citing `quote`.
pub fn find_quote(
    handle: &IndexHandle,
    quote: &str,
    opts: QuoteOptions,
    sel: Option<&crate::index::DocSelection>,
) -> Result<QuoteResults> {
    let started = Instant::now();
    let needle: Vec<char> = matching_string(quote).chars().collect();
    if needle.len() < 2 {
        return Err(Error::Query(format!(
            "the quotation {quote:?} needs at least two characters to match (punctuation and \
             spaces do not count); for one character use `jiansuo phrase`"
        )));
    }
    if needle.len() > MAX_QUOTE_CHARS {
        return Err(Error::Query(format!(
            "the quotation has {} characters; `quote` aligns quotations of up to {MAX_QUOTE_CHARS} \
             (a paragraph or two): cite a part of it, or look it up with `jiansuo phrase`",
            needle.len()
        )));
    }
    let searcher = handle.searcher();
    let candidates = candidates(handle, &searcher, &needle, opts, sel)?;
    let speakers = handle.speakers()?;
    let quotes = handle.quotes()?;

    // Align the candidates on the threads of the pool (`--threads`), in pieces (in store
    // order) taken from a shared queue, so that a thread that drew easy passages takes more;
    // each worker keeps its store readers and quotation tables for all the pieces it takes;
    // keep the best alignment per paragraph.
    let threads = rayon::current_num_threads();
    let piece = (candidates.len() / (threads * 8)).max(64);
    let pieces: Vec<&[DocAddress]> = candidates.chunks(piece).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    // A caller that stops the query (the server, past its budget) stops every worker.
    let token = crate::cancel::current();
    let parts: Vec<Result<Found>> = (0..threads.min(pieces.len()))
        .into_par_iter()
        .map(|_| {
            let take = || {
                if token.as_ref().is_some_and(|t| t.is_cancelled()) {
                    return None;
                }
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                pieces.get(i).map(|&part| (i, part))
            };
            verify(handle, &searcher, &needle, opts, speakers, quotes, take)
        })
        .collect();
    // Stopped: the workers took no more pieces.
    crate::cancel::check()?;
    // Merged in piece order, whichever core aligned them, so that ties resolve alike.
    let mut found: Found = Vec::with_capacity(pieces.len());
    for part in parts {
        found.extend(part?);
    }
    found.sort_unstable_by_key(|(i, _)| *i);
    let mut best: HashMap<(u64, u32), Vec<QuoteHit>> = HashMap::new();
    for (_, part) in found {
        for (key, line_hits) in part {
            let kept = best.entry(key).or_default();
            for hit in line_hits {
                keep_hit(kept, hit);
            }
        }
    }
    let mut hits: Vec<QuoteHit> = best.into_values().flatten().collect();
    let ranks = handle.path_ranks()?;
    let rank = |d: u64| ranks.get(d as usize).copied();
    hits.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then(b.quoted.cmp(&a.quoted))
            .then(b.speaker.is_some().cmp(&a.speaker.is_some()))
            .then(rank(a.doc).cmp(&rank(b.doc)))
            .then(a.line.cmp(&b.line))
            .then(a.start.cmp(&b.start))
    });
    Ok(QuoteResults {
        quote: quote.to_owned(),
        hits,
        candidates: candidates.len(),
        elapsed: started.elapsed(),
    })
}

/// The hits per paragraph of each piece of candidates, with the piece's number.
type Found = Vec<(usize, HashMap<(u64, u32), Vec<QuoteHit>>)>;

/// Add a hit to a line's hits: hits that overlap it give way when it scores higher (ties: the
/// one kept first stays), else it is dropped.
fn keep_hit(kept: &mut Vec<QuoteHit>, hit: QuoteHit) {
    let overlaps = |h: &QuoteHit| h.start < hit.end && hit.start < h.end;
    if kept.iter().any(|h| overlaps(h) && h.score() >= hit.score()) {
        return;
    }
    kept.retain(|h| !overlaps(h));
    kept.push(hit);
}

/// Align `needle` against the candidate passages of each piece `take` hands out; the best hit
/// per paragraph, per piece. One worker's store readers and quotation tables serve all its pieces.
fn verify<'c>(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    needle: &[char],
    opts: QuoteOptions,
    speakers: &crate::analyze::SpeakerTable,
    quotes: &crate::index::meta::QuoteTable,
    mut take: impl FnMut() -> Option<(usize, &'c [DocAddress])>,
) -> Result<Found> {
    let mut found = Vec::new();
    let mut doc_quotes: HashMap<u64, Vec<Quotation>> = HashMap::new();
    let covered = (opts.min_coverage * needle.len() as f64).ceil();
    let least_score = min_score(covered, opts.min_identity.max(0.5)) - 1e-9;
    let mut stores: Vec<Option<tantivy::store::StoreReader>> = std::iter::repeat_with(|| None)
        .take(searcher.segment_readers().len())
        .collect();
    let mut scratch: Vec<char> = Vec::new();
    while let Some((piece, candidates)) = take() {
        let mut best: HashMap<(u64, u32), Vec<QuoteHit>> = HashMap::new();
        for &addr in candidates {
            // A store reader of this thread's own (its block cache is not shared, so the cores do
            // not queue for its lock).
            let store = match &mut stores[addr.segment_ord as usize] {
                Some(store) => store,
                slot => slot.insert(
                    searcher
                        .segment_reader(addr.segment_ord)
                        .get_store_reader(16)
                        .map_err(|e| Error::io("opening the stored passages")(e))?,
                ),
            };
            let d: tantivy::TantivyDocument = store.get(addr.doc_id)?;
            // A score-only pass first: a whole paragraph whose best alignment scores too low cannot
            // hold a hit (a passage with neighbours may hold the start of one). Then the alignment
            // ending in the best cell, over the columns it can reach. Most candidates end in one
            // of the two, so both read the matching form straight from the stored codes when
            // they can (`matching_chars`); the passage's text and offset map are made for the
            // others and for the hits.
            let cols = handle.columns(addr.segment_ord)?;
            let (start, end, para_chars) = (
                cols.start.get_val(addr.doc_id),
                cols.end.get_val(addr.doc_id),
                cols.para_chars.get_val(addr.doc_id),
            );
            let plain = d
                .get_first(handle.fields().text)
                .and_then(|v| v.as_bytes())
                .and_then(|b| crate::index::matching_chars(b, &mut scratch))
                == Some(true);
            let make = || -> Result<_> {
                let p = passage_of(handle, &d, addr)?;
                let mf = MatchingForm::new(&p.text);
                Ok((p, mf))
            };
            let mut made = if plain { None } else { Some(make()?) };
            let chars: &[char] = match &made {
                Some((_, mf)) => &mf.chars,
                None => &scratch,
            };
            let Some((score, qe, te)) = best_cell(needle, chars) else {
                continue;
            };
            let whole = start == 0 && end >= para_chars;
            if whole && (score as f64) < least_score {
                continue;
            }
            let mut a = align_ending_at(needle, chars, qe, te);
            // A hit may cross into the passage before or after, if there is one (a passage that
            // starts or ends its paragraph has nothing to cross into on that side).
            let touches_edge = (start > 0 && a.target_start <= 1)
                || (end < para_chars && a.target_end + 1 >= chars.len());
            let widen = a.coverage(needle.len()) < 1.0 && touches_edge;
            let fails = |a: &Alignment| {
                a.coverage(needle.len()) + 1e-9 < opts.min_coverage
                    || a.identity() + 1e-9 < opts.min_identity
            };
            if !widen && fails(&a) {
                continue;
            }
            let (p, mf) = match made.take() {
                Some(made) => made,
                None => make()?,
            };
            // The text the hit is shown in (the passage, or its paragraph when the alignment had to
            // look past the passage), where it starts in the line, and the hit's span in the line.
            let mut context: Option<String> = None;
            let mut span = {
                let (s, e) = mf.source_span(a.target_start, a.target_end);
                (p.start as usize + s, p.start as usize + e)
            };
            if widen {
                let line =
                    paragraph_text(handle, searcher, crate::index::para_key(p.doc, p.paragraph))?;
                if let Some((wa, wspan)) =
                    align_in_window(needle, &line, p.start as usize, p.end as usize)
                    && wa.score > a.score
                {
                    a = wa;
                    span = wspan;
                }
                context = Some(line);
                if fails(&a) {
                    continue;
                }
            }
            let (coverage, identity) = (a.coverage(needle.len()), a.identity());
            let key = (p.doc, p.line);
            // Other citations in the passage: the best alignments of what is left on either
            // side of this one, while they pass.
            let mut others: Vec<(Alignment, (usize, usize))> = Vec::new();
            let mut rest: Vec<(usize, usize)> = vec![(0, a.target_start), (a.target_end, mf.len())];
            if widen {
                // The hit may lie outside the passage: look in the passage outside its span.
                let (s0, e0) = span;
                rest = vec![(0, mf.first_at_or_after(s0.saturating_sub(p.start as usize)))];
                rest.push((
                    mf.first_at_or_after(e0.saturating_sub(p.start as usize)),
                    mf.len(),
                ));
            }
            while let Some((lo, hi)) = rest.pop() {
                if hi <= lo || ((hi - lo) as f64) < covered * opts.min_identity {
                    continue;
                }
                let Some(o) = align(needle, &mf.chars[lo..hi]) else {
                    continue;
                };
                if fails(&o) {
                    continue;
                }
                let (s, e) = mf.source_span(lo + o.target_start, lo + o.target_end);
                rest.push((lo, lo + o.target_start));
                rest.push((lo + o.target_end, hi));
                others.push((o, (p.start as usize + s, p.start as usize + e)));
            }
            let quotes_here = match doc_quotes.entry(p.doc) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(quotes.get(p.doc as usize)?)
                }
            };
            let path = handle.docs().path(p.doc as usize)?.into_owned();
            let line_hits = best.entry(key).or_default();
            for (o, (start, end)) in others {
                let chars: Vec<char> = p.text.chars().collect();
                let p0 = p.start as usize;
                let (quoted, speaker) =
                    attribution(speakers, quotes_here, p.line, &chars, p0, start, end);
                keep_hit(
                    line_hits,
                    QuoteHit {
                        doc: p.doc,
                        path: path.clone(),
                        line: p.line,
                        start,
                        end,
                        text: chars[start - p0..(end - p0).min(chars.len())]
                            .iter()
                            .collect(),
                        context: p.text.clone(),
                        context_start: p0,
                        coverage: o.coverage(needle.len()),
                        identity: o.identity(),
                        quoted,
                        speaker,
                    },
                );
            }
            let (context, context_start) = match context {
                Some(line) => (line, 0),
                None => (p.text.clone(), p.start as usize),
            };
            let chars: Vec<char> = context.chars().collect();
            let (start, end) = span;
            let local = (
                start - context_start,
                (end - context_start).min(chars.len()),
            );
            let (quoted, speaker) = attribution(
                speakers,
                quotes_here,
                p.line,
                &chars,
                context_start,
                start,
                end,
            );
            keep_hit(
                line_hits,
                QuoteHit {
                    doc: p.doc,
                    path,
                    line: p.line,
                    start,
                    end,
                    text: chars[local.0..local.1].iter().collect(),
                    context,
                    context_start,
                    coverage,
                    identity,
                    quoted,
                    speaker,
                },
            );
        }
        found.push((piece, best));
    }
    Ok(found)
}

/// Align within the paragraph, in a window around the passage `[start, end)` (line offsets).
fn align_in_window(
    needle: &[char],
    line: &str,
    start: usize,
    end: usize,
) -> Option<(Alignment, (usize, usize))> {
    let mf = MatchingForm::new(line);
    let a0 = mf.first_at_or_after(start).saturating_sub(needle.len() + 4);
    let a1 = (mf.first_at_or_after(end) + needle.len() + 4).min(mf.len());
    let a = align(needle, &mf.chars[a0..a1])?;
    let (s, e) = mf.source_span(a0 + a.target_start, a0 + a.target_end);
    Some((a, (s, e)))
}

/// Whether `[start, end)` of a line lies (mostly) inside one of the document's quotations on
/// that line, and who is speaking; `chars` is the text around the hit, starting at
/// `context_start` of the line.
fn attribution(
    speakers: &crate::analyze::SpeakerTable,
    quotes: &[Quotation],
    line: u32,
    chars: &[char],
    context_start: usize,
    start: usize,
    end: usize,
) -> (bool, Option<String>) {
    let len = end.saturating_sub(start).max(1);
    let inside = quotes
        .iter()
        .filter(|q| q.line == line && q.kind != crate::analyze::QuoteKind::Title)
        .filter(|q| {
            let overlap = end
                .min(q.end as usize)
                .saturating_sub(start.max(q.start as usize));
            overlap * 2 >= len
        })
        .min_by_key(|q| q.depth);
    if let Some(q) = inside {
        return (true, q.speaker.clone());
    }
    let speaker = attribute_at(speakers, chars, start - context_start).and_then(|(s, _)| s);
    (false, speaker)
}

/// The fewest distinct bigrams of the quotation that a text holding a hit must hold.
///
/// A hit aligns `L ≥ ⌈min_coverage · n⌉` quotation characters with identity `i ≥ min_identity`:
/// its columns number at most `L / i`, so it has at most `e = ⌊L (1 − i) / i⌋` non-matching
/// columns, each of which breaks at most two of the `L − 1` bigrams of the aligned part; and
/// `repeated` bigrams of the quotation may stand twice. Hence at least
/// `L − 1 − 2e − repeated` distinct bigrams survive.
pub fn min_shared_bigrams(n: usize, repeated: usize, opts: QuoteOptions) -> u32 {
    let covered = (opts.min_coverage * n as f64).ceil().max(1.0);
    let edits = (covered * (1.0 - opts.min_identity) / opts.min_identity.max(0.01)).floor();
    let need = covered - 1.0 - 2.0 * edits - repeated as f64;
    need.max(1.0) as u32
}

/// `(W, k)`: a text holding a hit holds, among some `W` consecutive bigram positions of the
/// quotation, at least `k` whose bigram it contains.
///
/// The aligned part spans `L' ≥ L = ⌈min_coverage · n⌉` quotation characters, so `L' − 1 ≥ W =
/// L − 1` bigram positions, of which at most `2e'` are broken, `e' ≤ L' (1 − i) / i` the
/// non-matching columns. Some window of `W` positions inside it therefore holds at least the
/// average, `W (1 − 2 (1 − i) / i · L' / (L' − 1))`; `L' / (L' − 1) ≤ 2` bounds the last factor
/// for any `L' ≥ 2` and one position more is taken off for rounding.
pub fn min_window(n: usize, opts: QuoteOptions) -> (usize, usize) {
    let l = (opts.min_coverage * n as f64).ceil().max(2.0);
    let w = l - 1.0;
    let broken = 2.0 * (1.0 - opts.min_identity) / opts.min_identity.max(0.01);
    let factor = l / (l - 1.0).max(1.0);
    let k = (w * (1.0 - broken * factor)).floor() - 1.0;
    (w as usize, k.max(0.0) as usize)
}

/// The most set bits in any `width` consecutive positions of the first `len` of `bits`.
fn densest_window(bits: &[u64], len: usize, width: usize) -> usize {
    let bit = |p: usize| (bits[p / 64] >> (p % 64)) & 1 == 1;
    let width = width.clamp(1, len.max(1));
    let mut inside = (0..width.min(len)).filter(|&p| bit(p)).count();
    let mut best = inside;
    for p in width..len {
        inside += usize::from(bit(p));
        inside -= usize::from(bit(p - width));
        best = best.max(inside);
    }
    best
}

/// Quotations up to this length are also filtered by diagonal band (a hit of a longer one may
/// span more passages than the band test can see).
const BAND_MAX_CHARS: usize = 240;

/// Keep the candidates whose bigram hits (positions read from the `exact` postings, the tail
/// included) put enough of them near one diagonal: a hit aligning `L` quotation characters with
/// at most `e` non-matching columns keeps about `L − 1 − 2e` bigrams within about `e + 1`
/// neighbouring diagonals (text position − quotation position). A hit that runs beyond a
/// passage's tail lies mostly in the next passage, which holds it in its own text.
///
/// The test is run with a margin (`e + 2` diagonals, 2 bigrams fewer): without it, 13 of the
/// 4,965 evaluation hits were lost (社会主义道路和资本主义 for 社会主义和资本主义…, an insertion
/// at the edge of the bound); with it the hits are exactly those found without this filter, on
/// the 243 evaluation queries and on 300 quotations drawn from the corpora.
fn in_one_band(
    inv: &tantivy::InvertedIndexReader,
    field: tantivy::schema::Field,
    grams: &[(String, Vec<usize>)],
    n: usize,
    opts: QuoteOptions,
    candidates: Vec<(u32, u32)>,
    own_len: impl Fn(u32) -> usize,
) -> Result<Vec<(u32, u32)>> {
    use tantivy::postings::Postings;
    let covered = (opts.min_coverage * n as f64).ceil().max(1.0);
    let edits = (covered * (1.0 - opts.min_identity) / opts.min_identity.max(0.01)).floor();
    let need = (covered - 3.0 - 2.0 * edits).max(1.0) as u32;
    let width = edits as usize + 2;
    // A row of diagonals per candidate: positions lie below its own length plus the tail.
    let mut rows = Vec::with_capacity(candidates.len() + 1);
    rows.push(0usize);
    for &(d, _) in &candidates {
        let span = own_len(d) + crate::index::EXACT_TAIL_CHARS + n + 2;
        rows.push(rows.last().copied().unwrap_or(0) + span);
    }
    let mut hist = vec![0u16; rows.last().copied().unwrap_or(0)];
    // The diagonals each candidate touches, lowest and highest: the windows are slid only there.
    let mut touched = vec![(usize::MAX, 0usize); candidates.len()];
    let mut positions = Vec::new();
    for (gram, at) in grams {
        for mut postings in
            bigram_postings(inv, field, gram, IndexRecordOption::WithFreqsAndPositions)?
        {
            for (row, &(d, _)) in candidates.iter().enumerate() {
                if postings.doc() > d {
                    continue;
                }
                if postings.seek(d) != d {
                    continue;
                }
                postings.positions(&mut positions);
                for &pos in &positions {
                    for &p in at {
                        let diag = pos as usize + n - p;
                        let span = rows[row + 1] - rows[row];
                        if diag < span {
                            hist[rows[row] + diag] += 1;
                            let t = &mut touched[row];
                            *t = (t.0.min(diag), t.1.max(diag));
                        }
                    }
                }
            }
        }
    }
    Ok(candidates
        .into_iter()
        .enumerate()
        .filter(|&(row, _)| {
            let (lo, hi) = touched[row];
            if lo > hi {
                return false;
            }
            // Windows of `width` diagonals ending at lo..=hi + width - 1 cover every count.
            let h = &hist[rows[row]..rows[row + 1]];
            let (from, to) = (lo, (hi + width).min(h.len()));
            let mut inside: u32 = 0;
            let mut best = 0;
            for i in from..to {
                inside += u32::from(h[i]);
                if i >= from + width {
                    inside -= u32::from(h[i - width]);
                }
                best = best.max(inside);
            }
            best >= need
        })
        .map(|(_, c)| c)
        .collect())
}

/// Candidate passages: those sharing enough distinct bigrams with the needle, enough of them
/// close together, most first.
fn candidates(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    needle: &[char],
    opts: QuoteOptions,
    sel: Option<&crate::index::DocSelection>,
) -> Result<Vec<DocAddress>> {
    // Distinct bigrams, each with the positions in the needle where it stands.
    let mut grams: Vec<(String, Vec<usize>)> = Vec::new();
    for (pos, w) in needle.windows(2).enumerate() {
        let g: String = w.iter().collect();
        match grams.iter_mut().find(|(t, _)| *t == g) {
            Some((_, positions)) => positions.push(pos),
            None => grams.push((g, vec![pos])),
        }
    }
    let positions = needle.len() - 1;
    let need = min_shared_bigrams(needle.len(), positions - grams.len(), opts);
    let window = min_window(needle.len(), opts);
    // Bitsets of the needle positions whose bigram a passage holds: for needles of up to 513
    // characters (longer ones are filtered by the count alone).
    let words = positions.div_ceil(64);
    let use_bits = words <= 8;
    let field = handle.fields().exact;
    let mut out: Vec<(u32, u64, DocAddress)> = Vec::new();
    let ranks = handle.path_ranks()?;
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let place = super::search::Place::of(reader, ranks.clone());
        let inv = reader.inverted_index(field)?;
        let max_doc = reader.max_doc() as usize;
        let mut count = vec![0u32; max_doc];
        let mut seen = vec![u32::MAX; max_doc];
        let mut bits = vec![0u64; if use_bits { max_doc * words } else { 0 }];
        for (g, (gram, at)) in grams.iter().enumerate() {
            for mut postings in bigram_postings(&inv, field, gram, IndexRecordOption::Basic)? {
                while postings.doc() != TERMINATED {
                    let d = postings.doc() as usize;
                    if seen[d] != g as u32 {
                        seen[d] = g as u32;
                        count[d] += 1;
                        if use_bits {
                            for &p in at {
                                bits[d * words + p / 64] |= 1 << (p % 64);
                            }
                        }
                    }
                    postings.advance();
                }
            }
        }
        let alive = reader.alive_bitset();
        let doc_col = &handle.columns(seg as u32)?.doc;
        let mut passing: Vec<(u32, u32)> = Vec::new();
        for (d, &c) in count.iter().enumerate() {
            if c < need
                || !alive.is_none_or(|a| a.is_alive(d as u32))
                || (sel.is_some() && !crate::index::selected(sel, doc_col.get_val(d as u32)))
            {
                continue;
            }
            if use_bits
                && densest_window(&bits[d * words..(d + 1) * words], positions, window.0) < window.1
            {
                continue;
            }
            passing.push((d as u32, c));
        }
        if needle.len() <= BAND_MAX_CHARS && passing.len() > 16 {
            let mlen = &handle.columns(seg as u32)?.mlen;
            passing = in_one_band(&inv, field, &grams, needle.len(), opts, passing, |d| {
                mlen.get_val(d) as usize
            })?;
        }
        out.extend(
            passing
                .into_iter()
                .map(|(d, c)| (c, place.key(d), DocAddress::new(seg as u32, d))),
        );
    }
    // Ties by path and passage, so that the same candidates are kept on any build.
    out.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.truncate(opts.max_candidates);
    let mut addrs: Vec<DocAddress> = out.into_iter().map(|(_, _, a)| a).collect();
    addrs.sort_unstable(); // store order: each compressed block read once
    Ok(addrs)
}
