//! `export`: every passage of the index with its document's metadata, matching form, jieba
//! words, quotations and theme scores, one JSON object a line (NDJSON), in the bulk formats
//! that Elasticsearch, OpenSearch, Quickwit and Meilisearch ingest; and the index mapping that
//! makes such a cluster search the exported passages as jiansuo does ([`export_mapping`]).
//!
//! Passages come in path order, then paragraph and position: the same output for an updated
//! index as for a rebuilt one. Documents are read in batches on rayon's pool (jieba's words
//! are the costly part) and written in order.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use tantivy::Searcher;
use tantivy::tokenizer::TextAnalyzer;

use super::Filters;
use crate::analyze::Quotation;
use crate::cancel::Cancel;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::index::tokenize::{normalize_words, word_tokens};
use crate::matching::{MATCHING_FORM_VERSION, matching_string};
use crate::query;

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    pub filters: Filters,
    /// Each passage's jieba words (the `words` field); without them an export is several
    /// times faster.
    pub words: bool,
}

/// One quotation of an exported passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportQuotation {
    pub text: String,
    /// Matching form of `text`.
    pub matching: String,
    /// `cited`, `term` or `title`.
    pub kind: &'static str,
    /// Character span of the quoted text in the passage's line (marks excluded).
    pub start: u32,
    pub end: u32,
    pub speaker: Option<String>,
    pub role: Option<String>,
    pub cue: Option<String>,
    /// The speaker is not in the speaker table.
    pub unlisted: bool,
}

/// One passage (an NDJSON line of `export`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPassage {
    /// `DOC:LINE:PASSAGE`: unique, and the same in every export of the same corpus.
    pub id: String,
    pub doc: String,
    pub title: String,
    /// `2024`, `2024-03` or `2024-03-05`; `null` when undated.
    pub date: Option<String>,
    /// `year`, `month` or `day`.
    pub date_precision: Option<&'static str>,
    pub collection: String,
    pub url: Option<String>,
    /// The document's other metadata fields.
    pub fields: BTreeMap<String, String>,
    /// 1-based line of the document; 0-based paragraph; 0-based passage of the document.
    pub line: u32,
    pub paragraph: u32,
    pub passage: u32,
    /// Character span of the passage in its line.
    pub start: u32,
    pub end: u32,
    /// The passage as shown.
    pub text: String,
    /// Its matching form (what exact lookup compares; README, "The matching form").
    pub matching: String,
    /// jieba's words (search mode, as `search` and the themes cut them), space-separated;
    /// absent without `--words`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<String>,
    pub quotations: Vec<ExportQuotation>,
    /// Score of every theme of the index's lexicon.
    pub themes: BTreeMap<String, f32>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub documents: usize,
    pub passages: u64,
    pub quotations: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
    pub elapsed_us: u128,
}

/// Documents read at once (in parallel), then written in order.
const BATCH: usize = 512;

/// Export the passages of the request's documents, handing each to `sink` in order;
/// `progress` is told the documents done and their total after each batch.
pub fn export(
    handle: &IndexHandle,
    req: &ExportRequest,
    cancel: &Cancel,
    progress: &mut dyn FnMut(usize, usize),
    mut sink: impl FnMut(&ExportPassage) -> Result<()>,
) -> Result<ExportSummary> {
    let started = std::time::Instant::now();
    let selected = req.filters.select(handle)?;
    let order = query::selected_in_path_order(handle, handle.docs().len(), selected.get())?;
    let searcher = handle.searcher();
    let themes = handle.themes()?;
    let names: Vec<String> = themes
        .lexicon
        .themes
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let analyzers: Mutex<Vec<TextAnalyzer>> = Mutex::new(Vec::new());
    let take_analyzer = || -> Result<TextAnalyzer> {
        if let Some(a) = analyzers.lock().map_err(|_| poisoned())?.pop() {
            return Ok(a);
        }
        Ok(handle.word_analyzer()?.clone())
    };
    let mut summary = ExportSummary {
        documents: order.len(),
        passages: 0,
        quotations: 0,
        scope: selected.scope.clone(),
        elapsed_us: 0,
    };
    let mut done = 0usize;
    for batch in order.chunks(BATCH) {
        cancel.check()?;
        let rows: Vec<Vec<ExportPassage>> = batch
            .par_chunks(16)
            .map(|docs| -> Result<Vec<ExportPassage>> {
                let mut analyzer = if req.words {
                    Some(take_analyzer()?)
                } else {
                    None
                };
                let mut out = Vec::new();
                for &ord in docs {
                    let ord = ord as u64;
                    document_rows(
                        handle,
                        &searcher,
                        ord,
                        &names,
                        &themes,
                        analyzer.as_mut(),
                        &mut out,
                    )?;
                }
                if let Some(a) = analyzer {
                    analyzers.lock().map_err(|_| poisoned())?.push(a);
                }
                Ok(out)
            })
            .collect::<Result<_>>()?;
        for row in rows.iter().flatten() {
            summary.passages += 1;
            summary.quotations += row.quotations.len() as u64;
            sink(row)?;
        }
        done += batch.len();
        progress(done, order.len());
    }
    summary.elapsed_us = started.elapsed().as_micros();
    Ok(summary)
}

fn poisoned() -> Error {
    Error::Query("a worker of the export failed".into())
}

/// The rows of document `ord`, in paragraph and position order.
fn document_rows(
    handle: &IndexHandle,
    searcher: &Searcher,
    ord: u64,
    names: &[String],
    themes: &crate::index::ThemeScores,
    mut analyzer: Option<&mut TextAnalyzer>,
    out: &mut Vec<ExportPassage>,
) -> Result<()> {
    let entry = handle.doc(ord)?;
    let addrs = query::passage_addresses(handle, searcher, ord)?;
    let mut passages = Vec::with_capacity(addrs.len());
    for addr in addrs {
        let d: tantivy::TantivyDocument = searcher.doc(addr)?;
        let p = query::passage_of(handle, &d, addr)?;
        let scores = themes.of(searcher.segment_reader(addr.segment_ord), addr.doc_id);
        passages.push((p, scores));
    }
    passages.sort_by_key(|(p, _)| (p.paragraph, p.start));
    let quotations = handle.quotes()?.get(ord as usize)?;
    let date = entry.meta.date;
    for (p, scores) in passages {
        let words = analyzer
            .as_deref_mut()
            .map(|a| word_tokens(a, &normalize_words(&p.text)).join(" "));
        let quotes = quotations
            .iter()
            .filter(|q| q.paragraph == p.paragraph && q.start >= p.start && q.start < p.end)
            .map(export_quotation)
            .collect();
        out.push(ExportPassage {
            id: format!("{}:{}:{}", entry.path, p.line, p.passage),
            doc: entry.path.clone(),
            title: entry.title.clone(),
            date: date.map(|d| d.to_string()),
            date_precision: date.map(|d| d.precision().as_str()),
            collection: entry.meta.collection.clone(),
            url: entry.meta.url.clone(),
            fields: entry.meta.fields.clone(),
            line: p.line,
            paragraph: p.paragraph,
            passage: p.passage,
            start: p.start,
            end: p.end,
            matching: matching_string(&p.text),
            text: p.text,
            words,
            quotations: quotes,
            themes: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), scores.get(i).copied().unwrap_or(0.0)))
                .collect(),
        });
    }
    Ok(())
}

fn export_quotation(q: &Quotation) -> ExportQuotation {
    ExportQuotation {
        matching: matching_string(&q.text),
        text: q.text.clone(),
        kind: q.kind.name(),
        start: q.start,
        end: q.end,
        speaker: q.speaker.clone(),
        role: q.role.clone(),
        cue: q.cue.clone(),
        unlisted: q.unlisted,
    }
}

/// The Elasticsearch/OpenSearch index (settings and mapping) for the exported passages of
/// `handle`: `matching` as bigrams with positions (an exact phrase of two characters or more
/// is a `match_phrase` of its matching form), its `chars` sub-field as single characters (a
/// one-character phrase), `words` as jieba's words for ranking, `date` and `collection` for
/// filters, one float per theme, quotations nested.
pub fn export_mapping(handle: &IndexHandle) -> Result<Value> {
    let themes = handle.themes()?;
    let theme_props: serde_json::Map<String, Value> = themes
        .lexicon
        .themes
        .iter()
        .map(|t| (t.name.clone(), json!({ "type": "float" })))
        .collect();
    Ok(mapping_with_themes(theme_props))
}

fn mapping_with_themes(theme_props: serde_json::Map<String, Value>) -> Value {
    let bigrams = json!({
        "type": "text",
        "analyzer": "jiansuo_bigrams",
        "fields": { "chars": { "type": "text", "analyzer": "jiansuo_chars" } }
    });
    let int = json!({ "type": "integer" });
    let keyword = json!({ "type": "keyword" });
    json!({
        "_meta": {
            "made_by": "jiansuo export --mapping",
            "matching_form_version": MATCHING_FORM_VERSION,
        },
        "settings": {
            "analysis": {
                "tokenizer": {
                    "jiansuo_bigram": { "type": "ngram", "min_gram": 2, "max_gram": 2, "token_chars": [] },
                    "jiansuo_char": { "type": "ngram", "min_gram": 1, "max_gram": 1, "token_chars": [] }
                },
                "analyzer": {
                    "jiansuo_bigrams": { "type": "custom", "tokenizer": "jiansuo_bigram" },
                    "jiansuo_chars": { "type": "custom", "tokenizer": "jiansuo_char" },
                    "jiansuo_words": { "type": "custom", "tokenizer": "whitespace" }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": keyword,
                "doc": keyword,
                "title": { "type": "text", "analyzer": "jiansuo_bigrams", "fields": { "raw": keyword } },
                "date": { "type": "date", "format": "yyyy-MM-dd||yyyy-MM||yyyy" },
                "date_precision": keyword,
                "collection": keyword,
                "url": { "type": "keyword", "index": false },
                "fields": { "type": "object", "dynamic": true },
                "line": int,
                "paragraph": int,
                "passage": int,
                "start": int,
                "end": int,
                "text": { "type": "text", "index": false },
                "matching": bigrams,
                "words": { "type": "text", "analyzer": "jiansuo_words" },
                "quotations": {
                    "type": "nested",
                    "properties": {
                        "text": { "type": "text", "index": false },
                        "matching": bigrams,
                        "kind": keyword,
                        "start": int,
                        "end": int,
                        "speaker": keyword,
                        "role": keyword,
                        "cue": keyword,
                        "unlisted": { "type": "boolean" }
                    }
                },
                "themes": { "properties": theme_props }
            }
        }
    })
}
