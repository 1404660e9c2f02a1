//! `quote`: every paragraph that cites a quotation, and `quotes`: the corpus's quotations,
//! clustered.

use std::time::Instant;

use serde::Serialize;

use super::trend::{Buckets, By, per_million, tally};
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
    pub filters: Filters,
}

impl QuoteRequest {
    /// A request with the command line's defaults (identity 0.8, all hits).
    pub fn new(text: impl Into<String>) -> QuoteRequest {
        QuoteRequest {
            text: text.into(),
            min_coverage: None,
            min_identity: QuoteOptions::for_length(0).min_identity,
            limit: 0,
            filters: Filters::default(),
        }
    }
}

/// One paragraph citing the quotation (a `quote --json` `hit` line).
#[derive(Debug, Clone, Serialize)]
pub struct QuoteHit {
    pub doc: String,
    /// The document's title and date (`null`: undated).
    pub title: String,
    pub date: Option<String>,
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
    /// The documents searched, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
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
    let sel = req.filters.select(handle)?;
    let r = query::find_quote(handle, &req.text, opts, sel.get())?;
    let total = r.hits.len();
    let mut info = super::DocInfo::new(handle);
    let hits: Vec<QuoteHit> = r
        .hits
        .into_iter()
        .take(shown(req.limit, total))
        .map(|h| {
            let (title, date) = info.of(h.doc)?;
            Ok(QuoteHit {
                doc: h.path,
                title,
                date,
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
        })
        .collect::<Result<Vec<_>>>()?;
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
            scope: sel.scope,
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
    /// The document's date (`null`: undated).
    pub date: Option<String>,
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
    /// The earliest occurrence by date (by path among undated ones, after the dated).
    pub first: Place,
    /// The latest dated occurrence (the last undated one when none is dated).
    pub last: Place,
    /// Years of the earliest and latest dated occurrences (`null`: none dated).
    pub years: Option<(u16, u16)>,
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
    /// The documents searched, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
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
    let sel = req.filters.select(handle)?;
    let filter = query::QuotesFilter {
        text: req.text.clone(),
        speaker: req.speaker.clone(),
        kind: req.kind,
        selection: sel.selection.clone(),
        min_docs: req.min_docs,
    };
    let found = query::list_quotes(handle, &filter)?;
    let quotations: usize = found.iter().map(|c| c.occurrences.len()).sum();
    let table = handle.docs();
    let date_of =
        |o: &query::QuoteOccurrence| crate::docmeta::Date::from_key(table.date_key(o.doc as usize));
    let place = |o: &query::QuoteOccurrence| -> Result<Place> {
        Ok(Place {
            doc: table.path(o.doc as usize)?.into_owned(),
            line: o.line,
            date: date_of(o).map(|d| d.to_string()),
        })
    };
    let clusters = found[..shown(req.limit, found.len())]
        .iter()
        .map(|c| {
            // Occurrences are in path order: the earliest dated one (else the first), the
            // latest dated one (else the last).
            let dated = || {
                c.occurrences
                    .iter()
                    .filter_map(|o| date_of(o).map(|d| (d.key(), o)))
            };
            let earliest = dated().min_by_key(|(k, _)| *k);
            let latest =
                dated().fold(
                    None,
                    |acc: Option<(u32, &query::QuoteOccurrence)>, x| match acc {
                        Some(a) if a.0 > x.0 => Some(a),
                        _ => Some(x),
                    },
                );
            let (Some(first), Some(last)) = (
                earliest.map(|x| x.1).or(c.occurrences.first()),
                latest.map(|x| x.1).or(c.occurrences.last()),
            ) else {
                unreachable!("a cluster has an occurrence");
            };
            let years = match (earliest, latest) {
                (Some(a), Some(b)) => Some(((a.0 / 10000) as u16, (b.0 / 10000) as u16)),
                _ => None,
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
                years,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(QuotesResponse {
        summary: QuotesSummary {
            clusters: found.len(),
            shown: clusters.len(),
            quotations,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
        clusters,
    })
}

/// One bucket of a quotation's citations (a `quote --by --json` `bucket` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteBucket {
    pub bucket: String,
    /// Paragraphs citing the quotation, and documents holding one.
    pub hits: u64,
    pub docs: u64,
    /// Citations per million characters of the bucket.
    pub per_million: f64,
    pub chars: u64,
    pub documents: u64,
    /// Who is named as saying it, most first (`null`: no one).
    pub speakers: Vec<SpeakerCount>,
}

/// The totals of a quotation's trend (a `quote --by --json` `summary` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteTrendSummary {
    pub quote: String,
    pub by: By,
    pub buckets: usize,
    pub hits: u64,
    pub hits_left_out: u64,
    pub undated_left_out: usize,
    pub imprecise_left_out: usize,
    pub elapsed_us: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// Citations of a quotation per bucket.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteTrend {
    pub buckets: Vec<QuoteBucket>,
    pub summary: QuoteTrendSummary,
}

/// Count the paragraphs citing a quotation per bucket, with their speakers.
pub fn quote_trend(handle: &IndexHandle, req: &QuoteRequest, by: By) -> Result<QuoteTrend> {
    let opts = quote_options(req)?;
    let sel = req.filters.select(handle)?;
    let started = Instant::now();
    let r = query::find_quote(handle, &req.text, opts, sel.get())?;
    let buckets = Buckets::of(handle, by, sel.get())?;
    let per_doc: Vec<(u64, u64)> = r.hits.iter().map(|h| (h.doc, 1)).collect();
    let (tallied, left_out) = tally(&buckets, &per_doc);
    let mut speakers: Vec<std::collections::BTreeMap<Option<String>, usize>> =
        vec![Default::default(); buckets.len()];
    for h in &r.hits {
        if let Some(b) = buckets.bucket(h.doc) {
            *speakers[b].entry(h.speaker.clone()).or_default() += 1;
        }
    }
    let rows = (0..buckets.len())
        .map(|b| {
            let mut named: Vec<SpeakerCount> = speakers[b]
                .iter()
                .map(|(name, &count)| SpeakerCount {
                    name: name.clone(),
                    count,
                })
                .collect();
            named.sort_by(|x, y| y.count.cmp(&x.count).then(x.name.cmp(&y.name)));
            QuoteBucket {
                bucket: buckets.names[b].clone(),
                hits: tallied[b].0,
                docs: tallied[b].1,
                per_million: per_million(tallied[b].0, buckets.chars[b]),
                chars: buckets.chars[b],
                documents: buckets.docs[b],
                speakers: named,
            }
        })
        .collect();
    Ok(QuoteTrend {
        buckets: rows,
        summary: QuoteTrendSummary {
            quote: req.text.clone(),
            by,
            buckets: buckets.len(),
            hits: r.hits.len() as u64,
            hits_left_out: left_out,
            undated_left_out: buckets.undated_left_out,
            imprecise_left_out: buckets.imprecise_left_out,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
    })
}
