//! `reuse`: the paragraphs of the corpus that share spans with a text (exactly or nearly).
//!
//! 1. **Seeds.** Every second position of the text's matching form starts a seed of
//!    [`SEED_CHARS`] characters, looked up in the `exact` field's postings (the phrase lookup,
//!    with positions). A seed held by more than [`SEED_CAP`] passages says nothing about where
//!    a text comes from (a formula of the genre) and is dropped. A span of 16 characters with
//!    one character changed keeps an unchanged run of 8, which holds a seed.
//! 2. **Candidates.** A paragraph is a candidate when two seeds (one, for spans shorter than 12
//!    characters) starting at most [`SEED_SPREAD`] characters apart in the text are found in it.
//! 3. **Spans.** Each candidate paragraph's matching form is aligned against the text with
//!    [`crate::align::SpanIndex`] (exact matches chained over small edits; a span must reach
//!    the asked length and identity in both).
//!
//! Every reported span is an alignment of the text with stored text, never a guess of the
//! seeds; what the seeds can miss is a span whose every unchanged run is shorter than 8
//! characters, or made only of formulas found in more than [`SEED_CAP`] passages.

use std::collections::HashMap;

use rayon::prelude::*;
use tantivy::DocId;

use super::paragraph_text;
use super::phrase::seed_occurrences;
use crate::align::{SpanIndex, SpanOptions};
use crate::error::{Error, Result};
use crate::index::{DocSelection, IndexHandle};
use crate::matching::MatchingForm;

/// Characters of a seed.
pub const SEED_CHARS: usize = 7;
/// Seeds start every this many characters.
pub const SEED_STRIDE: usize = 2;
/// Seeds found in more passages than this are dropped.
pub const SEED_CAP: usize = 400;
/// Most characters between the starts of two seeds that make a paragraph a candidate.
pub const SEED_SPREAD: usize = 12;
/// Longest text `reuse` takes, in matching-form characters.
pub const MAX_TEXT_CHARS: usize = 400_000;

/// What to look for.
#[derive(Debug, Clone, Copy)]
pub struct ReuseOptions {
    pub spans: SpanOptions,
    /// A document left out of the sources (the text's own, for `reuse --doc`).
    pub except_doc: Option<u64>,
}

/// A span of the text found in a paragraph of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct ReusedSpan {
    /// Span of the text's matching form.
    pub text_start: usize,
    pub text_end: usize,
    /// Document ordinal, paragraph key and 1-based line of the source.
    pub doc: u64,
    pub para_key: u64,
    pub line: u32,
    /// The source span, in characters of its (cleaned) line.
    pub source_start: usize,
    pub source_end: usize,
    /// The source span as written.
    pub source_text: String,
    /// Characters aligned equal; identity over the longer side.
    pub matches: usize,
    pub identity: f64,
    pub exact: bool,
}

/// What [`find_reuse`] did, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReuseWork {
    pub seeds: usize,
    /// Seeds dropped as too common.
    pub common_seeds: usize,
    /// Paragraphs aligned.
    pub candidates: usize,
}

/// The spans `text` (a matching form) shares with the paragraphs of the index (of the
/// selection), in document, line and text order.
pub fn find_reuse(
    handle: &IndexHandle,
    text: &[char],
    opts: &ReuseOptions,
    sel: Option<&DocSelection>,
) -> Result<(Vec<ReusedSpan>, ReuseWork)> {
    if text.len() > MAX_TEXT_CHARS {
        return Err(Error::Query(format!(
            "the text has {} characters to compare; `reuse` takes at most {MAX_TEXT_CHARS} \
             (split it, or compare documents with `jiansuo compare`)",
            text.len()
        )));
    }
    if opts.spans.min_chars < 8 || !(0.5..=1.0).contains(&opts.spans.min_identity) {
        return Err(Error::Query(
            "need --min-chars ≥ 8 and --min-identity between 0.5 and 1".into(),
        ));
    }
    let mut work = ReuseWork::default();
    if text.len() < opts.spans.min_chars {
        return Ok((Vec::new(), work));
    }
    let searcher = handle.searcher();
    let starts: Vec<usize> = (0..=text.len() - SEED_CHARS).step_by(SEED_STRIDE).collect();
    work.seeds = starts.len();
    let token = crate::cancel::current();
    let found: Vec<Option<Vec<(u32, DocId, u32)>>> = starts
        .par_iter()
        .map(|&i| {
            crate::cancel::check_token(&token)?;
            seed_occurrences(handle, &searcher, &text[i..i + SEED_CHARS], sel, SEED_CAP)
        })
        .collect::<Result<_>>()?;

    // Paragraph → (document, line, seed starts in the text).
    let mut paragraphs: HashMap<u64, (u64, u32, Vec<u32>)> = HashMap::new();
    for (&i, hits) in starts.iter().zip(&found) {
        let Some(hits) = hits else {
            work.common_seeds += 1;
            continue;
        };
        for &(seg, d, _) in hits {
            let cols = handle.columns(seg)?;
            let doc = cols.doc.get_val(d);
            if opts.except_doc == Some(doc) {
                continue;
            }
            let e = paragraphs
                .entry(cols.para_key(d))
                .or_insert_with(|| (doc, cols.line.get_val(d) as u32, Vec::new()));
            e.2.push(i as u32);
        }
    }
    drop(found);
    let need_two = opts.spans.min_chars >= 12;
    let mut candidates: Vec<(u64, u32, u64)> = paragraphs
        .into_iter()
        .filter_map(|(key, (doc, line, mut at))| {
            at.sort_unstable();
            at.dedup();
            let close = at.windows(2).any(|w| w[1] - w[0] <= SEED_SPREAD as u32);
            (!need_two || close).then_some((doc, line, key))
        })
        .collect();
    candidates.sort_unstable();
    work.candidates = candidates.len();

    let index = SpanIndex::new(text);
    let spans: Vec<Vec<ReusedSpan>> = candidates
        .par_iter()
        .map(|&(doc, line, para_key)| {
            crate::cancel::check_token(&token)?;
            let para = paragraph_text(handle, &searcher, para_key)?;
            let mf = MatchingForm::new(&para);
            let chars: Vec<char> = para.chars().collect();
            Ok(index
                .spans_in(&mf.chars, &opts.spans)
                .into_iter()
                .map(|s| {
                    let (from, to) = mf.source_span(s.a_start, s.a_end);
                    ReusedSpan {
                        text_start: s.b_start,
                        text_end: s.b_end,
                        doc,
                        para_key,
                        line,
                        source_start: from,
                        source_end: to,
                        source_text: chars[from..to].iter().collect(),
                        matches: s.matches,
                        identity: s.identity(),
                        exact: s.exact(),
                    }
                })
                .collect())
        })
        .collect::<Result<_>>()?;
    // Per source document, one place for each part of the text: the best-matching span, the
    // others that lie mostly inside it (the same words on another line of the source, or a
    // piece of them) left out.
    let mut all: Vec<ReusedSpan> = spans.into_iter().flatten().collect();
    all.sort_by(|a, b| {
        a.doc
            .cmp(&b.doc)
            .then(b.matches.cmp(&a.matches))
            .then(a.text_start.cmp(&b.text_start))
            .then(a.line.cmp(&b.line))
    });
    let mut out: Vec<ReusedSpan> = Vec::with_capacity(all.len());
    let mut doc_from = 0;
    for s in all {
        if out.last().is_some_and(|l| l.doc != s.doc) {
            doc_from = out.len();
        }
        let len = s.text_end - s.text_start;
        let inside = out[doc_from..].iter().any(|k| {
            let common = s
                .text_end
                .min(k.text_end)
                .saturating_sub(s.text_start.max(k.text_start));
            common * 2 > len
        });
        if !inside {
            out.push(s);
        }
    }
    out.sort_by_key(|s| (s.doc, s.text_start, s.line, s.source_start));
    Ok((out, work))
}

/// A document's text as one matching form, with each character's place in the document.
pub struct DocumentText {
    /// The matching form of the whole document (paragraph ends do not separate spans: a
    /// reused passage may run across them, as punctuation does not separate them).
    pub chars: Vec<char>,
    /// Per matching character: `(paragraph index, [start, end)` in that paragraph's line).
    places: Vec<(u32, u32, u32)>,
    /// `(line number, text)` of every paragraph.
    pub lines: Vec<(u32, String)>,
}

/// One end of a shared span in a document: from `line:col` to `end_line:end_col` (1-based
/// lines, 0-based character columns, end exclusive), and the text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSpan {
    pub line: u32,
    pub col: usize,
    pub end_line: u32,
    pub end_col: usize,
    pub text: String,
}

impl DocumentText {
    /// Document `ord` of the index.
    pub fn read(handle: &IndexHandle, ord: u64) -> Result<DocumentText> {
        let searcher = handle.searcher();
        let lines = super::document_lines(handle, &searcher, ord)?;
        Ok(DocumentText::of_lines(lines))
    }

    /// A text given as `(line number, text)` paragraphs.
    pub fn of_lines(lines: Vec<(u32, String)>) -> DocumentText {
        let mut chars = Vec::new();
        let mut places = Vec::new();
        for (i, (_, text)) in lines.iter().enumerate() {
            let mf = MatchingForm::new(text);
            chars.extend_from_slice(&mf.chars);
            places.extend(mf.spans.iter().map(|&(s, e)| (i as u32, s, e)));
        }
        DocumentText {
            chars,
            places,
            lines,
        }
    }

    /// Where the matching-form span `[start, end)` (non-empty) lies, and its text as written
    /// (paragraphs joined by line breaks).
    pub fn place(&self, start: usize, end: usize) -> DocumentSpan {
        let (p0, s0, _) = self.places[start];
        let (p1, _, e1) = self.places[end - 1];
        let (p0, p1) = (p0 as usize, p1 as usize);
        let mut text = String::new();
        for p in p0..=p1 {
            let line: Vec<char> = self.lines[p].1.chars().collect();
            let from = if p == p0 { s0 as usize } else { 0 };
            let to = if p == p1 { e1 as usize } else { line.len() };
            if p > p0 {
                text.push('\n');
            }
            text.extend(&line[from.min(line.len())..to.min(line.len())]);
        }
        DocumentSpan {
            line: self.lines[p0].0,
            col: s0 as usize,
            end_line: self.lines[p1].0,
            end_col: e1 as usize,
            text,
        }
    }
}

/// The spans two documents share, in the order of the first.
pub fn compare_documents(
    a: &DocumentText,
    b: &DocumentText,
    opts: &SpanOptions,
) -> Vec<crate::align::SharedSpan> {
    SpanIndex::new(&b.chars).spans_in(&a.chars, opts)
}

/// Characters of `[start, end)` spans, overlaps counted once.
pub fn covered(mut spans: Vec<(usize, usize)>) -> usize {
    spans.sort_unstable();
    let (mut total, mut reach) = (0, 0);
    for (s, e) in spans {
        let s = s.max(reach);
        if e > s {
            total += e - s;
            reach = e;
        }
    }
    total
}
