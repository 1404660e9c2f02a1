//! `reuse` (where the parts of a text come from) and `compare` (two documents aligned).

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use super::show::resolve_doc;
use crate::align::SpanOptions;
use crate::docmeta::Date;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::matching::MatchingForm;
use crate::query::{self, DocumentSpan, DocumentText, ReuseOptions};

/// The text whose sources are looked for.
#[derive(Debug, Clone)]
pub enum ReuseText {
    /// A text not in the index (a file, standard input, a form).
    Text(String),
    /// A document of the index, by path (`jiansuo docs` prints them); its own document is
    /// left out of the sources.
    Doc(String),
}

/// Where the parts of a text come from.
#[derive(Debug, Clone)]
pub struct ReuseRequest {
    pub text: ReuseText,
    /// Shortest span, in matching-form characters of each side.
    pub min_chars: usize,
    /// Least share of matching characters in a span.
    pub min_identity: f64,
    /// Sources returned (0: all).
    pub limit: usize,
    /// The documents that may be sources.
    pub filters: super::Filters,
}

impl ReuseRequest {
    /// The command line's defaults: spans of 12 characters, identity 0.8, 20 sources.
    pub fn new(text: ReuseText) -> ReuseRequest {
        ReuseRequest {
            text,
            min_chars: 12,
            min_identity: 0.8,
            limit: 20,
            filters: super::Filters::default(),
        }
    }
}

/// Where a span lies in the text: 1-based line, 0-based character column, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextPlace {
    /// `[start, end)` in characters of the whole text.
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub col: usize,
    pub text: String,
}

/// One span of the text found in a source (a `reuse --json` source's `spans` item; a
/// `reuse --csv` row with the source's fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReuseSpan {
    /// The span in the text.
    pub at: TextPlace,
    /// Line of the source and `[start, end)` characters in it.
    pub source_line: u32,
    pub source_start: usize,
    pub source_end: usize,
    /// The source span as written.
    pub source_text: String,
    /// Matching-form characters of the text's span.
    pub chars: usize,
    /// Matching characters over the longer side.
    pub identity: f64,
    /// Word for word the same (in matching form).
    pub exact: bool,
}

/// A document the text shares spans with (a `reuse --json` `source` line).
#[derive(Debug, Clone, Serialize)]
pub struct ReuseSource {
    pub doc: String,
    pub title: String,
    /// `null`: undated.
    pub date: Option<String>,
    pub collection: String,
    /// Matching-form characters of the text covered by this source's spans.
    pub covered: usize,
    /// `covered` over the text's characters.
    pub share: f64,
    pub spans: Vec<ReuseSpan>,
}

/// The totals (a `reuse --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct ReuseSummary {
    /// The text: `-`, a file name, or the document's path.
    pub text: String,
    /// Matching-form characters of the text.
    pub chars: usize,
    /// Characters of the text covered by a span of any source.
    pub reused: usize,
    /// `reused` over `chars`.
    pub share: f64,
    /// Sources found; returned.
    pub sources: usize,
    pub shown: usize,
    /// Spans of all sources found.
    pub spans: usize,
    /// Seeds looked up; dropped as too common; paragraphs aligned.
    pub seeds: usize,
    pub common_seeds: usize,
    pub candidates: usize,
    pub elapsed_us: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// A `reuse --csv` row: one span with its source.
#[derive(Debug, Clone, Serialize)]
pub struct ReuseRow<'a> {
    pub doc: &'a str,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub share: f64,
    #[serde(flatten)]
    pub span: &'a ReuseSpan,
}

/// The answer to a [`ReuseRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct ReuseResponse {
    /// Most covered first.
    pub sources: Vec<ReuseSource>,
    pub summary: ReuseSummary,
}

impl ReuseResponse {
    /// One row per span, for CSV.
    pub fn rows(&self) -> Vec<ReuseRow<'_>> {
        self.sources
            .iter()
            .flat_map(|s| {
                s.spans.iter().map(move |span| ReuseRow {
                    doc: &s.doc,
                    title: &s.title,
                    date: s.date.as_deref(),
                    share: s.share,
                    span,
                })
            })
            .collect()
    }
}

fn date_of(handle: &IndexHandle, ord: u64) -> Option<String> {
    Date::from_key(handle.docs().date_key(ord as usize)).map(|d| d.to_string())
}

fn collection_of(handle: &IndexHandle, ord: u64) -> String {
    let c = handle.docs().collection(ord as usize) as usize;
    handle
        .docs()
        .collections()
        .get(c)
        .cloned()
        .unwrap_or_default()
}

/// The documents of the corpus that share spans with the text, most covered first.
pub fn reuse(handle: &IndexHandle, req: &ReuseRequest) -> Result<ReuseResponse> {
    let started = Instant::now();
    if req.min_chars < 8 || !(0.5..=1.0).contains(&req.min_identity) {
        return Err(Error::Query(
            "need --min-chars ≥ 8 and --min-identity between 0.5 and 1".into(),
        ));
    }
    let (name, text, except_doc) = match &req.text {
        ReuseText::Text(t) => ("-".to_owned(), t.clone(), None),
        ReuseText::Doc(locator) => {
            let ord = resolve_doc(handle, locator)?;
            let lines = query::document_lines(handle, &handle.searcher(), ord)?;
            let text = lines
                .into_iter()
                .map(|(_, t)| t)
                .collect::<Vec<_>>()
                .join("\n");
            (
                handle.docs().path(ord as usize)?.into_owned(),
                text,
                Some(ord),
            )
        }
    };
    let mf = MatchingForm::new(&text);
    if mf.is_empty() {
        return Err(Error::Query(
            "the text has no characters to compare (only punctuation and spaces)".into(),
        ));
    }
    let sel = req.filters.select(handle)?;
    let opts = ReuseOptions {
        spans: SpanOptions {
            min_chars: req.min_chars,
            min_identity: req.min_identity,
        },
        except_doc,
    };
    let (found, work) = query::find_reuse(handle, &mf.chars, &opts, sel.get())?;
    let text_chars: Vec<char> = text.chars().collect();
    let place = |start: usize, end: usize| -> TextPlace {
        let (from, to) = mf.source_span(start, end);
        let line = 1 + text_chars[..from].iter().filter(|&&c| c == '\n').count() as u32;
        let col = from
            - text_chars[..from]
                .iter()
                .rposition(|&c| c == '\n')
                .map_or(0, |i| i + 1);
        TextPlace {
            start: from,
            end: to,
            line,
            col,
            text: text_chars[from..to].iter().collect(),
        }
    };
    let mut by_doc: BTreeMap<u64, Vec<query::ReusedSpan>> = BTreeMap::new();
    for s in found {
        by_doc.entry(s.doc).or_default().push(s);
    }
    let all_ranges: Vec<(usize, usize)> = by_doc
        .values()
        .flatten()
        .map(|s| (s.text_start, s.text_end))
        .collect();
    let spans_found = all_ranges.len();
    let reused = query::covered(all_ranges);
    let n = mf.len();
    let mut sources: Vec<(usize, u64, Vec<query::ReusedSpan>)> = by_doc
        .into_iter()
        .map(|(doc, mut spans)| {
            spans.sort_by_key(|s| (s.text_start, s.line, s.source_start));
            let covered =
                query::covered(spans.iter().map(|s| (s.text_start, s.text_end)).collect());
            (covered, doc, spans)
        })
        .collect();
    // Most covered first; then the earlier document (by date, then path order).
    let ranks = handle.path_ranks()?;
    sources.sort_by_key(|&(covered, doc, _)| {
        (
            std::cmp::Reverse(covered),
            handle.docs().date_key(doc as usize),
            ranks.get(doc as usize).copied().unwrap_or(u32::MAX),
        )
    });
    let total = sources.len();
    let shown = super::shown(req.limit, total);
    let mut out = Vec::with_capacity(shown);
    for (covered, doc, spans) in sources.into_iter().take(shown) {
        out.push(ReuseSource {
            doc: handle.docs().path(doc as usize)?.into_owned(),
            title: handle.docs().title(doc as usize)?.into_owned(),
            date: date_of(handle, doc),
            collection: collection_of(handle, doc),
            covered,
            share: covered as f64 / n as f64,
            spans: spans
                .into_iter()
                .map(|s| ReuseSpan {
                    at: place(s.text_start, s.text_end),
                    source_line: s.line,
                    source_start: s.source_start,
                    source_end: s.source_end,
                    source_text: s.source_text,
                    chars: s.text_end - s.text_start,
                    identity: s.identity,
                    exact: s.exact,
                })
                .collect(),
        });
    }
    Ok(ReuseResponse {
        summary: ReuseSummary {
            text: name,
            chars: n,
            reused,
            share: reused as f64 / n as f64,
            sources: total,
            shown: out.len(),
            spans: spans_found,
            seeds: work.seeds,
            common_seeds: work.common_seeds,
            candidates: work.candidates,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
        sources: out,
    })
}

/// Two documents to align.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// Paths, as `jiansuo docs` prints them.
    pub a: String,
    pub b: String,
    pub min_chars: usize,
    pub min_identity: f64,
}

impl CompareRequest {
    /// The command line's defaults: spans of 12 characters, identity 0.8.
    pub fn new(a: impl Into<String>, b: impl Into<String>) -> CompareRequest {
        CompareRequest {
            a: a.into(),
            b: b.into(),
            min_chars: 12,
            min_identity: 0.8,
        }
    }
}

/// One end of a shared span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanEnd {
    /// From `line:col` to `end_line:end_col` (1-based lines, 0-based character columns, end
    /// exclusive).
    pub line: u32,
    pub col: usize,
    pub end_line: u32,
    pub end_col: usize,
    /// As written (paragraphs joined by line breaks).
    pub text: String,
}

impl From<DocumentSpan> for SpanEnd {
    fn from(s: DocumentSpan) -> SpanEnd {
        SpanEnd {
            line: s.line,
            col: s.col,
            end_line: s.end_line,
            end_col: s.end_col,
            text: s.text,
        }
    }
}

/// A span both documents hold (a `compare --json` `span` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareSpan {
    pub a: SpanEnd,
    pub b: SpanEnd,
    /// Matching-form characters in the first document's span.
    pub chars: usize,
    pub identity: f64,
    pub exact: bool,
}

/// One document's side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CompareSide {
    pub doc: String,
    pub title: String,
    pub date: Option<String>,
    /// Matching-form characters of the document.
    pub chars: usize,
    /// Of them, in spans shared with the other document.
    pub shared: usize,
    /// `shared` over `chars`: how much of this document the other one holds.
    pub share: f64,
}

/// The totals (a `compare --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct CompareSummary {
    pub a: CompareSide,
    pub b: CompareSide,
    pub spans: usize,
    pub elapsed_us: u128,
}

/// The answer to a [`CompareRequest`], with both documents' paragraphs for a marked view.
#[derive(Debug, Clone, Serialize)]
pub struct CompareResponse {
    /// In the order of the first document.
    pub spans: Vec<CompareSpan>,
    pub summary: CompareSummary,
    /// `(line, text)` of each document's paragraphs.
    #[serde(skip)]
    pub a_lines: Vec<(u32, String)>,
    #[serde(skip)]
    pub b_lines: Vec<(u32, String)>,
}

/// Two documents aligned: the spans they share and how much of each they cover.
pub fn compare(handle: &IndexHandle, req: &CompareRequest) -> Result<CompareResponse> {
    let started = Instant::now();
    if req.min_chars < 8 || !(0.5..=1.0).contains(&req.min_identity) {
        return Err(Error::Query(
            "need --min-chars ≥ 8 and --min-identity between 0.5 and 1".into(),
        ));
    }
    let ord_a = resolve_doc(handle, &req.a)?;
    let ord_b = resolve_doc(handle, &req.b)?;
    let a = DocumentText::read(handle, ord_a)?;
    let b = DocumentText::read(handle, ord_b)?;
    for (t, name) in [(&a, &req.a), (&b, &req.b)] {
        if t.chars.len() > query::MAX_TEXT_CHARS {
            return Err(Error::Query(format!(
                "{name} has {} characters to compare; `compare` takes documents of up to {}",
                t.chars.len(),
                query::MAX_TEXT_CHARS
            )));
        }
    }
    let opts = SpanOptions {
        min_chars: req.min_chars,
        min_identity: req.min_identity,
    };
    let found = query::compare_documents(&a, &b, &opts);
    let shared_a = query::covered(found.iter().map(|s| (s.a_start, s.a_end)).collect());
    let shared_b = query::covered(found.iter().map(|s| (s.b_start, s.b_end)).collect());
    let side = |ord: u64, t: &DocumentText, shared: usize| -> Result<CompareSide> {
        Ok(CompareSide {
            doc: handle.docs().path(ord as usize)?.into_owned(),
            title: handle.docs().title(ord as usize)?.into_owned(),
            date: date_of(handle, ord),
            chars: t.chars.len(),
            shared,
            share: shared as f64 / t.chars.len().max(1) as f64,
        })
    };
    let spans: Vec<CompareSpan> = found
        .iter()
        .map(|s| CompareSpan {
            a: a.place(s.a_start, s.a_end).into(),
            b: b.place(s.b_start, s.b_end).into(),
            chars: s.a_end - s.a_start,
            identity: s.identity(),
            exact: s.exact(),
        })
        .collect();
    Ok(CompareResponse {
        summary: CompareSummary {
            a: side(ord_a, &a, shared_a)?,
            b: side(ord_b, &b, shared_b)?,
            spans: spans.len(),
            elapsed_us: started.elapsed().as_micros(),
        },
        spans,
        a_lines: a.lines,
        b_lines: b.lines,
    })
}
