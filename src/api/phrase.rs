//! `phrase`: every occurrence of a phrase, as a concordance or counted per document.

use std::time::Instant;

use serde::Serialize;

use super::trend::{Buckets, By, per_million, tally};
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
    pub filters: super::Filters,
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
            filters: super::Filters::default(),
        }
    }
}

/// One occurrence (a `phrase --json` `hit` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhraseHit {
    /// Document path relative to the corpus root.
    pub doc: String,
    /// The document's title and date (`null`: undated).
    pub title: String,
    pub date: Option<String>,
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
    /// The documents searched, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
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
    let sel = req.filters.select(handle)?;
    let started = Instant::now();
    let mut occs = query::occurrences(
        handle,
        &handle.searcher(),
        &req.phrase,
        req.strict,
        req.context,
        sel.get(),
    )?;
    let elapsed = started.elapsed();
    let mut docs: Vec<u64> = occs.iter().map(|o| o.doc).collect();
    docs.dedup();
    query::sort_occurrences(&mut occs, req.sort);
    let mut info = super::DocInfo::new(handle);
    let hits: Vec<PhraseHit> = occs
        .into_iter()
        .map(|o| {
            let (title, date) = info.of(o.doc)?;
            Ok(PhraseHit {
                doc: o.path,
                title,
                date,
                line: o.line,
                start: o.start,
                end: o.end,
                left: o.left,
                matched: o.matched,
                right: o.right,
            })
        })
        .collect::<Result<_>>()?;
    Ok(PhraseHits {
        summary: PhraseSummary {
            phrase: req.phrase.clone(),
            hits: hits.len() as u64,
            docs: docs.len(),
            elapsed_us: elapsed.as_micros(),
            scope: sel.scope,
        },
        hits,
    })
}

/// The occurrences of the phrase counted per document: from the postings alone, or with
/// `strict` by reading the paragraphs (punctuation must agree).
pub fn phrase_counts(handle: &IndexHandle, req: &PhraseRequest) -> Result<PhraseCounts> {
    phrase_counts_top(handle, req, None)
}

/// [`phrase_counts`] with only the first `top` documents listed (most first; the summary still
/// counts them all): a page of a common phrase's thousands of documents names only those.
pub fn phrase_counts_top(
    handle: &IndexHandle,
    req: &PhraseRequest,
    top: Option<usize>,
) -> Result<PhraseCounts> {
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
        counts.truncate(top.unwrap_or(usize::MAX));
        return Ok(PhraseCounts {
            counts,
            summary: found.summary,
        });
    }
    let sel = req.filters.select(handle)?;
    let started = Instant::now();
    let mut counted = query::count_phrase(handle, &needle, sel.get())?;
    let elapsed = started.elapsed();
    let named = |order: &[(u64, u64)]| -> Result<Vec<DocCount>> {
        order
            .iter()
            .map(|&(d, hits)| {
                Ok(DocCount {
                    doc: handle.docs().path(d as usize)?.into_owned(),
                    hits,
                })
            })
            .collect()
    };
    let counts = match top {
        // All of them: named, then most first, ties by path (the paths' ranks would cost a
        // sort of every path of the index, in a process that asks once).
        None => {
            let mut counts = named(&counted.per_doc)?;
            most_first(&mut counts);
            counts
        }
        // A page (the server, whose handle keeps the ranks): ordered by count and path rank,
        // and only the documents of the page named.
        Some(n) => {
            let ranks = handle.path_ranks()?;
            let order = &mut counted.per_doc;
            order.sort_unstable_by_key(|&(d, hits)| {
                (
                    std::cmp::Reverse(hits),
                    ranks.get(d as usize).copied().unwrap_or(u32::MAX),
                )
            });
            named(&order[..n.min(order.len())])?
        }
    };
    Ok(PhraseCounts {
        counts,
        summary: PhraseSummary {
            phrase: req.phrase.clone(),
            hits: counted.hits,
            docs: counted.docs(),
            elapsed_us: elapsed.as_micros(),
            scope: sel.scope,
        },
    })
}

/// A trend: several phrases counted per bucket.
#[derive(Debug, Clone)]
pub struct TrendRequest {
    /// The phrases (the first is the main one; the others are compared with it).
    pub phrases: Vec<String>,
    pub by: By,
    pub strict: bool,
    pub filters: super::Filters,
}

/// One phrase in one bucket (a `phrase --by --json` `bucket` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendRow {
    /// `2020`, `2020-07`, `2020-07-01` or a collection's name.
    pub bucket: String,
    pub phrase: String,
    /// Occurrences of the phrase in the bucket, and documents holding it.
    pub hits: u64,
    pub docs: u64,
    /// Occurrences per million characters of the bucket.
    pub per_million: f64,
    /// The bucket's size: characters and documents.
    pub chars: u64,
    pub documents: u64,
}

/// The totals of a trend (a `phrase --by --json` `summary` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendSummary {
    pub phrases: Vec<String>,
    pub by: By,
    pub buckets: usize,
    /// Per phrase: all occurrences in the documents searched, and those of documents in no
    /// bucket (undated, or dated less precisely than the buckets).
    pub hits: Vec<u64>,
    pub hits_left_out: Vec<u64>,
    /// Documents in no bucket: undated, or dated less precisely than the buckets.
    pub undated_left_out: usize,
    pub imprecise_left_out: usize,
    pub elapsed_us: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// A trend: one row per bucket and phrase, buckets in order, phrases in the order given.
#[derive(Debug, Clone, Serialize)]
pub struct TrendResponse {
    pub rows: Vec<TrendRow>,
    pub summary: TrendSummary,
}

/// Count every phrase per bucket.
pub fn phrase_trend(handle: &IndexHandle, req: &TrendRequest) -> Result<TrendResponse> {
    if req.phrases.is_empty() {
        return Err(Error::Query("give a phrase to count".into()));
    }
    let needles = req
        .phrases
        .iter()
        .map(|p| phrase_needle(p))
        .collect::<Result<Vec<_>>>()?;
    let sel = req.filters.select(handle)?;
    let started = Instant::now();
    let buckets = Buckets::of(handle, req.by, sel.get())?;
    let mut per_phrase = Vec::with_capacity(needles.len());
    for (phrase, needle) in req.phrases.iter().zip(&needles) {
        let per_doc: Vec<(u64, u64)> = if req.strict {
            let occs = query::occurrences(handle, &handle.searcher(), phrase, true, 0, sel.get())?;
            occs.iter().map(|o| (o.doc, 1)).collect()
        } else {
            query::count_phrase(handle, needle, sel.get())?.per_doc
        };
        let total: u64 = per_doc.iter().map(|x| x.1).sum();
        let (tallied, left_out) = tally(&buckets, &per_doc);
        per_phrase.push((tallied, total, left_out));
    }
    let mut rows = Vec::with_capacity(buckets.len() * needles.len());
    for b in 0..buckets.len() {
        for (p, (tallied, _, _)) in req.phrases.iter().zip(&per_phrase) {
            let (hits, docs) = tallied[b];
            rows.push(TrendRow {
                bucket: buckets.names[b].clone(),
                phrase: p.clone(),
                hits,
                docs,
                per_million: per_million(hits, buckets.chars[b]),
                chars: buckets.chars[b],
                documents: buckets.docs[b],
            });
        }
    }
    Ok(TrendResponse {
        rows,
        summary: TrendSummary {
            phrases: req.phrases.clone(),
            by: req.by,
            buckets: buckets.len(),
            hits: per_phrase.iter().map(|x| x.1).collect(),
            hits_left_out: per_phrase.iter().map(|x| x.2).collect(),
            undated_left_out: buckets.undated_left_out,
            imprecise_left_out: buckets.imprecise_left_out,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
    })
}
