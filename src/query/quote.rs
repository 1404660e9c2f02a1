//! `quote`: every paragraph that cites a quotation, verbatim, in part or changed.
//!
//! 1. **Candidates** from the `exact` field: for every distinct bigram of the quotation's
//!    matching form, the passages that hold it (plain or tail-marked); a passage needs at least
//!    as many as an alignment reaching the thresholds must keep: an alignment covering `L`
//!    quotation characters with at most `e` edits keeps at least `L − 1 − 2e` of them.
//! 2. **Alignment** ([`crate::align`]) of the quotation against each candidate passage's matching
//!    form; when the best alignment touches the passage's edge, against the paragraph around it
//!    (a quotation spread over two sentences may cross passages).
//! 3. **Hits**: one per paragraph (its best alignment), kept when coverage ≥ `min_coverage` and
//!    identity ≥ `min_identity`; the aligned span is mapped back to the cleaned line. A hit is
//!    `quoted` when most of it lies inside a quotation of the paragraph, whose speaker it takes;
//!    otherwise the speaker comes from a cue right before the span (习近平总书记强调，…).
//! 4. **Rank**: coverage × identity, then quoted before unquoted, then document order.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, TERMINATED, Term};

use super::{paragraph_text, stored_passage};
use crate::align::{Alignment, align};
use crate::analyze::attribute_at;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::index::tokenize::TAIL_MARK;
use crate::matching::{MatchingForm, matching_string};

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
    /// Defaults for a quotation whose matching form has `n` characters: short quotations
    /// (≤ 8 characters) must be matched nearly whole, longer ones at least half.
    pub fn for_length(n: usize) -> QuoteOptions {
        QuoteOptions {
            min_coverage: if n <= 8 { 0.9 } else { 0.5 },
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
    /// The whole line, for context.
    pub line_text: String,
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
pub fn find_quote(handle: &IndexHandle, quote: &str, opts: QuoteOptions) -> Result<QuoteResults> {
    let started = Instant::now();
    let needle: Vec<char> = matching_string(quote).chars().collect();
    if needle.len() < 2 {
        return Err(Error::Query(format!(
            "the quotation {quote:?} needs at least two characters to match (punctuation and \
             spaces do not count); for one character use `jiansuo phrase`"
        )));
    }
    let searcher = handle.searcher();
    let candidates = candidates(handle, &searcher, &needle, opts)?;
    let speakers = handle.speakers()?;
    let quotes = handle.quotes()?;

    // Best alignment per paragraph.
    let mut best: HashMap<(u64, u32), QuoteHit> = HashMap::new();
    let mut para_cache: HashMap<u64, String> = HashMap::new();
    for &addr in &candidates {
        let p = stored_passage(handle, &searcher, addr)?;
        let mf = MatchingForm::new(&p.text);
        let Some(mut a) = align(&needle, &mf.chars) else {
            continue;
        };
        // Offsets of the aligned span in the line, and the line's text if it was needed.
        let mut line_text: Option<String> = None;
        let mut span_in_line = {
            let (s, e) = mf.source_span(a.target_start, a.target_end);
            (p.start as usize + s, p.start as usize + e)
        };
        let touches_edge = a.target_start <= 1 || a.target_end + 1 >= mf.len();
        if a.coverage(needle.len()) < 1.0 && touches_edge {
            let key = crate::index::para_key(p.doc, p.paragraph);
            let text = match para_cache.get(&key) {
                Some(t) => t.clone(),
                None => {
                    let t = paragraph_text(handle, &searcher, key)?;
                    para_cache.insert(key, t.clone());
                    t
                }
            };
            if let Some((wa, span)) =
                align_in_window(&needle, &text, p.start as usize, p.end as usize)
            {
                if wa.score > a.score {
                    a = wa;
                    span_in_line = span;
                }
            }
            line_text = Some(text);
        }
        let (coverage, identity) = (a.coverage(needle.len()), a.identity());
        if coverage + 1e-9 < opts.min_coverage || identity + 1e-9 < opts.min_identity {
            continue;
        }
        let key = (p.doc, p.line);
        let candidate_score = coverage * identity;
        if best.get(&key).is_some_and(|h| h.score() >= candidate_score) {
            continue;
        }
        let line_text = match line_text {
            Some(t) => t,
            None => {
                let k = crate::index::para_key(p.doc, p.paragraph);
                match para_cache.get(&k) {
                    Some(t) => t.clone(),
                    None => {
                        let t = paragraph_text(handle, &searcher, k)?;
                        para_cache.insert(k, t.clone());
                        t
                    }
                }
            }
        };
        let chars: Vec<char> = line_text.chars().collect();
        let (start, end) = span_in_line;
        let (quoted, speaker) = attribution(speakers, quotes, p.doc, p.line, &chars, start, end)?;
        best.insert(
            key,
            QuoteHit {
                doc: p.doc,
                path: p.path.clone(),
                line: p.line,
                start,
                end,
                text: chars[start..end.min(chars.len())].iter().collect(),
                line_text,
                coverage,
                identity,
                quoted,
                speaker,
            },
        );
    }
    let mut hits: Vec<QuoteHit> = best.into_values().collect();
    hits.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then(b.quoted.cmp(&a.quoted))
            .then(a.doc.cmp(&b.doc))
            .then(a.line.cmp(&b.line))
    });
    Ok(QuoteResults {
        quote: quote.to_owned(),
        hits,
        candidates: candidates.len(),
        elapsed: started.elapsed(),
    })
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

/// Whether `[start, end)` of a line lies (mostly) inside a quotation, and who is speaking.
fn attribution(
    speakers: &crate::analyze::SpeakerTable,
    quotes: &crate::index::meta::QuoteTable,
    doc: u64,
    line: u32,
    chars: &[char],
    start: usize,
    end: usize,
) -> Result<(bool, Option<String>)> {
    let len = end.saturating_sub(start).max(1);
    let inside = quotes
        .get(doc as usize)?
        .into_iter()
        .filter(|q| q.line == line && q.kind != crate::analyze::QuoteKind::Title)
        .filter(|q| {
            let overlap = end
                .min(q.end as usize)
                .saturating_sub(start.max(q.start as usize));
            overlap * 2 >= len
        })
        .min_by_key(|q| q.depth);
    if let Some(q) = inside {
        return Ok((true, q.speaker));
    }
    Ok((
        false,
        attribute_at(speakers, chars, start).and_then(|(s, _)| s),
    ))
}

/// Candidate passages: those sharing enough distinct bigrams with the needle, most first.
fn candidates(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    needle: &[char],
    opts: QuoteOptions,
) -> Result<Vec<DocAddress>> {
    let mut grams: Vec<String> = needle.windows(2).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    let n = needle.len();
    let covered = (opts.min_coverage * n as f64).ceil() as usize;
    let edits = ((1.0 - opts.min_identity) * covered as f64).floor() as usize;
    let need = covered.saturating_sub(1 + 2 * edits).max(1) as u32;
    let field = handle.fields.exact;
    let mut out: Vec<(u32, DocAddress)> = Vec::new();
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let inv = reader.inverted_index(field)?;
        let max_doc = reader.max_doc() as usize;
        let mut count = vec![0u32; max_doc];
        let mut seen = vec![u32::MAX; max_doc];
        for (g, gram) in grams.iter().enumerate() {
            for marked in [false, true] {
                let text = if marked {
                    format!("{TAIL_MARK}{gram}")
                } else {
                    gram.clone()
                };
                let term = Term::from_field_text(field, &text);
                let Some(mut postings) = inv
                    .read_postings(&term, IndexRecordOption::Basic)
                    .map_err(|e| Error::Io {
                        context: "reading postings".into(),
                        source: e,
                    })?
                else {
                    continue;
                };
                while postings.doc() != TERMINATED {
                    let d = postings.doc() as usize;
                    if seen[d] != g as u32 {
                        seen[d] = g as u32;
                        count[d] += 1;
                    }
                    postings.advance();
                }
            }
        }
        let alive = reader.alive_bitset();
        for (d, &c) in count.iter().enumerate() {
            if c >= need && alive.is_none_or(|a| a.is_alive(d as u32)) {
                out.push((c, DocAddress::new(seg as u32, d as u32)));
            }
        }
    }
    out.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.truncate(opts.max_candidates);
    let mut addrs: Vec<DocAddress> = out.into_iter().map(|(_, a)| a).collect();
    addrs.sort_unstable(); // store order: each compressed block read once
    Ok(addrs)
}
