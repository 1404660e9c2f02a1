//! `phrase`: every occurrence of a phrase, as a concordance or counted per document.

use std::time::Instant;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::matching::matching_string;
use crate::query::{self, SortOrder};

/// What to look up.
#[derive(Debug, Clone)]
pub struct PhraseRequest {
    /// The phrase, compared in matching form (or literally with `strict`).
    pub phrase: String,
    /// Punctuation and spaces must agree with the cleaned text.
    pub strict: bool,
    /// Characters of context either side of an occurrence.
    pub context: usize,
    /// Order of the occurrences.
    pub sort: SortOrder,
}

impl PhraseRequest {
    /// A request for `phrase` with the command line's defaults (20 characters of context, in
    /// document order, not strict).
    pub fn new(phrase: impl Into<String>) -> PhraseRequest {
        PhraseRequest {
            phrase: phrase.into(),
            strict: false,
            context: 20,
            sort: SortOrder::Doc,
        }
    }
}

/// One occurrence (a `phrase --json` `hit` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhraseHit {
    /// Document path relative to the corpus root.
    pub doc: String,
    pub line: u32,
    /// Character offsets of the match in the cleaned line (`end` exclusive).
    pub start: usize,
    pub end: usize,
    /// Up to `context` characters before the match, in the same line.
    pub left: String,
    /// The cleaned text matched (punctuation inside the match included).
    #[serde(rename = "match")]
    pub matched: String,
    /// Up to `context` characters after the match.
    pub right: String,
}

/// Occurrences in one document (a `phrase --count --json` `count` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocCount {
    pub doc: String,
    pub hits: u64,
}

/// The totals of a lookup (a `phrase --json` `summary` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhraseSummary {
    pub phrase: String,
    /// Occurrences.
    pub hits: u64,
    /// Documents holding one or more.
    pub docs: usize,
    pub elapsed_us: u128,
}

/// Every occurrence, in the requested order.
#[derive(Debug, Clone, Serialize)]
pub struct PhraseHits {
    pub hits: Vec<PhraseHit>,
    pub summary: PhraseSummary,
}

/// Occurrences per document, most first (ties by path).
#[derive(Debug, Clone, Serialize)]
pub struct PhraseCounts {
    pub counts: Vec<DocCount>,
    pub summary: PhraseSummary,
}

/// The phrase's matching form, or an error saying why it has none.
pub fn phrase_needle(phrase: &str) -> Result<Vec<char>> {
    let needle: Vec<char> = matching_string(phrase).chars().collect();
    if needle.is_empty() {
        return Err(Error::Query(format!(
            "the phrase {phrase:?} has nothing to match: only letters, digits and CJK characters \
             count (punctuation and spaces are ignored); e.g. `jiansuo phrase 调查研究`"
        )));
    }
    Ok(needle)
}

fn most_first(counts: &mut [DocCount]) {
    counts.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.doc.cmp(&b.doc)));
}

/// Every occurrence of the phrase with its context (a KWIC concordance).
pub fn phrase_hits(handle: &IndexHandle, req: &PhraseRequest) -> Result<PhraseHits> {
    phrase_needle(&req.phrase)?;
    let started = Instant::now();
    let mut occs = query::occurrences(
        handle,
        &handle.searcher(),
        &req.phrase,
        req.strict,
        req.context,
    )?;
    let elapsed = started.elapsed();
    let mut docs: Vec<u64> = occs.iter().map(|o| o.doc).collect();
    docs.dedup();
    query::sort_occurrences(&mut occs, req.sort);
    let hits: Vec<PhraseHit> = occs
        .into_iter()
        .map(|o| PhraseHit {
            doc: o.path,
            line: o.line,
            start: o.start,
            end: o.end,
            left: o.left,
            matched: o.matched,
            right: o.right,
        })
        .collect();
    Ok(PhraseHits {
        summary: PhraseSummary {
            phrase: req.phrase.clone(),
            hits: hits.len() as u64,
            docs: docs.len(),
            elapsed_us: elapsed.as_micros(),
        },
        hits,
    })
}

/// The occurrences of the phrase counted per document: from the postings alone, or with
/// `strict` by reading the paragraphs (punctuation must agree).
pub fn phrase_counts(handle: &IndexHandle, req: &PhraseRequest) -> Result<PhraseCounts> {
    let needle = phrase_needle(&req.phrase)?;
    if req.strict {
        let by_doc = PhraseRequest {
            sort: SortOrder::Doc,
            ..req.clone()
        };
        let found = phrase_hits(handle, &by_doc)?;
        let mut counts: Vec<DocCount> = Vec::new();
        for h in found.hits {
            match counts.last_mut() {
                Some(last) if last.doc == h.doc => last.hits += 1,
                _ => counts.push(DocCount {
                    doc: h.doc,
                    hits: 1,
                }),
            }
        }
        most_first(&mut counts);
        return Ok(PhraseCounts {
            counts,
            summary: found.summary,
        });
    }
    let started = Instant::now();
    let counted = query::count_phrase(handle, &needle)?;
    let elapsed = started.elapsed();
    let mut counts = counted
        .per_doc
        .iter()
        .map(|&(d, hits)| {
            Ok(DocCount {
                doc: handle.docs().path(d as usize)?.into_owned(),
                hits,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    most_first(&mut counts);
    Ok(PhraseCounts {
        counts,
        summary: PhraseSummary {
            phrase: req.phrase.clone(),
            hits: counted.hits,
            docs: counted.docs(),
            elapsed_us: elapsed.as_micros(),
        },
    })
}
