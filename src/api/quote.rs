//! `quote`: every paragraph that cites a quotation, and `quotes`: the corpus's quotations,
//! clustered.

use std::time::Instant;

use serde::Serialize;

use super::{Filters, shown};
use crate::analyze::QuoteKind;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::matching::matching_string;
use crate::query::{self, QuoteOptions};

/// A quotation to look for.
#[derive(Debug, Clone)]
pub struct QuoteRequest {
    pub text: String,
    /// Least share of the quotation a hit must align (default: [`QuoteOptions::for_length`]).
    pub min_coverage: Option<f64>,
    /// Least share of matching columns in a hit's alignment.
    pub min_identity: f64,
    /// Hits returned (0: all).
    pub limit: usize,
}

impl QuoteRequest {
    /// A request with the command line's defaults (identity 0.8, all hits).
    pub fn new(text: impl Into<String>) -> QuoteRequest {
        QuoteRequest {
            text: text.into(),
            min_coverage: None,
            min_identity: QuoteOptions::for_length(0).min_identity,
            limit: 0,
        }
    }
}

/// One paragraph citing the quotation (a `quote --json` `hit` line).
#[derive(Debug, Clone, Serialize)]
pub struct QuoteHit {
    pub doc: String,
    pub line: u32,
    /// Characters of the aligned text in the cleaned line.
    pub start: usize,
    pub end: usize,
    /// Share of the quotation aligned (written rounded to three decimals).
    #[serde(serialize_with = "round3")]
    pub coverage: f64,
    /// Share of matching columns in the alignment (written rounded likewise).
    #[serde(serialize_with = "round3")]
    pub identity: f64,
    /// Inside quote marks.
    pub quoted: bool,
    /// Who the quotation is attributed to (`null`: no one named).
    pub speaker: Option<String>,
    /// The aligned text.
    pub text: String,
    /// The line around the hit, for display.
    #[serde(skip)]
    pub context: String,
    /// Where `context` starts in the line.
    #[serde(skip)]
    pub context_start: usize,
}

/// The totals of a quotation lookup (a `quote --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct QuoteSummary {
    pub quote: String,
    /// Hits returned.
    pub hits: usize,
    /// Documents of the hits returned.
    pub docs: usize,
    /// Candidate passages aligned.
    pub candidates: usize,
    pub elapsed_us: u128,
}

/// The answer to a [`QuoteRequest`]; `total` counts every hit, `hits` holds those returned.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteResponse {
    pub hits: Vec<QuoteHit>,
    #[serde(skip)]
    pub total: usize,
    pub summary: QuoteSummary,
}

fn round3<S: serde::Serializer>(x: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((x * 1000.0).round() / 1000.0)
}

/// The thresholds of a request, checked.
pub fn quote_options(req: &QuoteRequest) -> Result<QuoteOptions> {
    let n = matching_string(&req.text).chars().count();
    let mut opts = QuoteOptions::for_length(n);
    if let Some(c) = req.min_coverage {
        opts.min_coverage = c;
    }
    opts.min_identity = req.min_identity;
    for (name, v) in [
        ("--min-coverage", opts.min_coverage),
        ("--min-identity", opts.min_identity),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::Query(format!(
                "{name} takes a share between 0 and 1, not {v}"
            )));
        }
    }
    Ok(opts)
}

/// Every paragraph citing the quotation, best first.
pub fn quote(handle: &IndexHandle, req: &QuoteRequest) -> Result<QuoteResponse> {
    let opts = quote_options(req)?;
    let r = query::find_quote(handle, &req.text, opts)?;
    let total = r.hits.len();
    let hits: Vec<QuoteHit> = r
        .hits
        .into_iter()
        .take(shown(req.limit, total))
        .map(|h| QuoteHit {
            doc: h.path,
            line: h.line,
            start: h.start,
            end: h.end,
            coverage: h.coverage,
            identity: h.identity,
            quoted: h.quoted,
            speaker: h.speaker,
            text: h.text,
            context: h.context,
            context_start: h.context_start,
        })
        .collect();
    let mut docs: Vec<&str> = hits.iter().map(|h| h.doc.as_str()).collect();
    docs.sort_unstable();
    docs.dedup();
    Ok(QuoteResponse {
        summary: QuoteSummary {
            quote: r.quote,
            hits: hits.len(),
            docs: docs.len(),
            candidates: r.candidates,
            elapsed_us: r.elapsed.as_micros(),
        },
        total,
        hits,
    })
}

/// Which quotations to list.
#[derive(Debug, Clone, Default)]
pub struct QuotesRequest {
    /// Only quotations containing this text (in matching form).
    pub text: Option<String>,
    /// Only quotations attributed to this speaker (name or alias).
    pub speaker: Option<String>,
    /// Only this kind (default: cited and term).
    pub kind: Option<QuoteKind>,
    /// Only clusters found in at least this many documents.
    pub min_docs: usize,
    pub filters: Filters,
    /// Clusters returned (0: all).
    pub limit: usize,
}

/// A document and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub doc: String,
    pub line: u32,
}

/// A speaker and how many of a cluster's quotations are attributed to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerCount {
    /// `null`: unattributed.
    pub name: Option<String>,
    pub count: usize,
}

/// One cluster of quotations (a `quotes --json` `cluster` line).
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    /// The most complete wording, as written.
    pub text: String,
    pub matching: String,
    pub kind: &'static str,
    pub occurrences: usize,
    pub docs: usize,
    pub variants: usize,
    pub speakers: Vec<SpeakerCount>,
    pub first: Place,
    pub last: Place,
}

/// The totals of a listing (a `quotes --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct QuotesSummary {
    /// Clusters found.
    pub clusters: usize,
    /// Clusters returned.
    pub shown: usize,
    /// Quotations in all the clusters found.
    pub quotations: usize,
    pub elapsed_us: u128,
}

/// The answer to a [`QuotesRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct QuotesResponse {
    pub clusters: Vec<Cluster>,
    pub summary: QuotesSummary,
}

/// The quotations of the corpus, clustered, most widespread first.
pub fn quotes(handle: &IndexHandle, req: &QuotesRequest) -> Result<QuotesResponse> {
    let started = Instant::now();
    let filter = query::QuotesFilter {
        text: req.text.clone(),
        speaker: req.speaker.clone(),
        kind: req.kind,
        doc: req.filters.doc.clone(),
        min_docs: req.min_docs,
    };
    let found = query::list_quotes(handle, &filter)?;
    let quotations: usize = found.iter().map(|c| c.occurrences.len()).sum();
    let place = |o: &query::QuoteOccurrence| -> Result<Place> {
        Ok(Place {
            doc: handle.doc(o.doc)?.path,
            line: o.line,
        })
    };
    let clusters = found[..shown(req.limit, found.len())]
        .iter()
        .map(|c| {
            let (Some(first), Some(last)) = (c.occurrences.first(), c.occurrences.last()) else {
                unreachable!("a cluster has an occurrence");
            };
            Ok(Cluster {
                text: c.text.clone(),
                matching: c.matching.clone(),
                kind: c.kind.name(),
                occurrences: c.occurrences.len(),
                docs: c.docs,
                variants: c.variants,
                speakers: c
                    .speakers
                    .iter()
                    .map(|(name, count)| SpeakerCount {
                        name: name.clone(),
                        count: *count,
                    })
                    .collect(),
                first: place(first)?,
                last: place(last)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(QuotesResponse {
        summary: QuotesSummary {
            clusters: found.len(),
            shown: clusters.len(),
            quotations,
            elapsed_us: started.elapsed().as_micros(),
        },
        clusters,
    })
}
