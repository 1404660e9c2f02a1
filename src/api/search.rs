//! `search`: passages ranked by BM25 of the query words, by theme scores, or by both.

use std::path::PathBuf;

use serde::Serialize;

use super::trend::{Buckets, By, per_million, tally};
use crate::analyze::Lexicon;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::query;

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query text (not query syntax: every character is text). May be empty with themes.
    pub query: String,
    /// Theme names or aliases to rank by (combined by summing their scores).
    pub themes: Vec<String>,
    /// The lexicon the index must have been scored with (an error says how to rescore).
    pub themes_file: Option<PathBuf>,
    /// Passages returned (0: all that match).
    pub limit: usize,
    /// Fill in, per hit, the terms that made its theme score.
    pub explain: bool,
    /// How the words combine: `--any`, `--not`, `--within`.
    pub words: super::WordRules,
    pub filters: super::Filters,
}

/// One ranked passage (a `search --json` `hit` line).
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 (+ [`query::THEME_WEIGHT`] × theme score), higher is better.
    pub score: f32,
    /// Document path relative to the corpus root.
    pub doc: String,
    pub title: String,
    /// The document's date (`null`: undated).
    pub date: Option<String>,
    pub line: u32,
    pub paragraph: u32,
    pub passage: u32,
    /// Character offsets of the passage in its line.
    pub start: u32,
    pub end: u32,
    pub text: String,
    /// `[start, end)` character spans of the query words (or theme terms) in `text`.
    pub highlights: Vec<(usize, usize)>,
    /// With themes: the passage's theme score and its parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<HitThemes>,
}

/// The theme scores of a hit.
#[derive(Debug, Clone, Serialize)]
pub struct HitThemes {
    pub score: f32,
    pub themes: Vec<HitTheme>,
}

/// One theme's part of a hit's theme score; `terms` (term, contribution) only when explained.
#[derive(Debug, Clone, Serialize)]
pub struct HitTheme {
    pub name: String,
    pub score: f32,
    pub terms: Vec<(String, f32)>,
}

/// The totals of a search (a `search --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct SearchSummary {
    pub query: String,
    /// The jieba tokens searched for.
    pub terms: Vec<String>,
    /// Hits returned.
    pub hits: usize,
    /// Passages matching.
    pub total: usize,
    /// How the words were combined: `all` (every word required), or `any` (asked for, or a
    /// query of more than [`query::LONG_QUERY_WORDS`] words): passages with any of them,
    /// ranked by how many they hold, then BM25.
    pub words: &'static str,
    pub elapsed_us: u128,
    /// The documents searched, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub hits: Vec<SearchHit>,
    pub summary: SearchSummary,
}

/// The lexicon indexes of theme names, checked against the index's lexicon (and against
/// `themes_file` when given).
pub fn resolve_themes(
    handle: &IndexHandle,
    names: &[String],
    themes_file: Option<&std::path::Path>,
) -> Result<Vec<usize>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let scores = handle.themes()?;
    if let Some(path) = themes_file {
        let wanted = Lexicon::with_file(path)?;
        if wanted.hash() != scores.lexicon.hash() {
            return Err(Error::Query(format!(
                "the index's themes were scored with another lexicon; rescore them with \
                 `jiansuo index --themes-only --themes {}` (seconds, not a rebuild)",
                path.display()
            )));
        }
    }
    names
        .iter()
        .map(|name| {
            scores.lexicon.find(name).ok_or_else(|| {
                let known: Vec<&str> = scores
                    .lexicon
                    .themes
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect();
                Error::Query(format!(
                    "no theme {name:?}; the themes are {}",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

/// A query word written as an exclusion (`-脱贫`): there is no exclusion operator, and the
/// `-` is punctuation, which matching ignores, so such a word would silently be required.
/// Checked by [`search`]; a front end may call it before opening (or building) an index.
pub fn refuse_exclusion(query: &str) -> Result<()> {
    match query
        .split_whitespace()
        .find(|w| w.chars().count() > 1 && w.starts_with(['-', '－']))
    {
        Some(word) => Err(Error::Query(format!(
            "{word:?} looks like an exclusion, but the query is text, not syntax: `-` is \
             ignored, so it would find passages containing {0:?}; to leave those out, give \
             `--not {0}` (API: not={0})",
            word.trim_start_matches(['-', '－'])
        ))),
        None => Ok(()),
    }
}

/// `--within` and `--any` need query words, and `--within` a positive distance.
fn check_word_rules(req: &SearchRequest) -> Result<()> {
    let has_words = req.query.chars().any(|c| !crate::matching::is_dropped(c));
    if !has_words && (req.words.any || req.words.within.is_some()) {
        return Err(Error::Query(
            "--any and --within combine query words; give some (they do not apply to --theme \
             alone)"
                .into(),
        ));
    }
    if req.words.within == Some(0) {
        return Err(Error::Query(
            "--within 0 leaves no room for a word; give a number of characters, e.g. --within 20"
                .into(),
        ));
    }
    Ok(())
}

/// Run a search.
pub fn search(handle: &IndexHandle, req: &SearchRequest) -> Result<SearchResponse> {
    refuse_exclusion(&req.query)?;
    let themes = resolve_themes(handle, &req.themes, req.themes_file.as_deref())?;
    let limit = match req.limit {
        0 => handle.meta().stats.passages.max(1) as usize,
        n => n,
    };
    let sel = req.filters.select(handle)?;
    check_word_rules(req)?;
    let r = query::search_with(
        handle,
        &req.query,
        &themes,
        limit,
        req.explain,
        sel.get(),
        &req.words,
    )?;
    let hits: Vec<SearchHit> = r
        .hits
        .into_iter()
        .map(|h| {
            let p = h.passage;
            SearchHit {
                rank: h.rank,
                score: h.score,
                date: crate::docmeta::Date::from_key(handle.docs().date_key(p.doc as usize))
                    .map(|d| d.to_string()),
                doc: p.path,
                title: p.title,
                line: p.line,
                paragraph: p.paragraph,
                passage: p.passage,
                start: p.start,
                end: p.end,
                text: p.text,
                highlights: h.highlights,
                theme: h.theme.map(|t| HitThemes {
                    score: t.score,
                    themes: t
                        .themes
                        .into_iter()
                        .map(|(name, score, terms)| HitTheme { name, score, terms })
                        .collect(),
                }),
            }
        })
        .collect();
    Ok(SearchResponse {
        summary: SearchSummary {
            query: r.query,
            terms: r.terms,
            hits: hits.len(),
            total: r.total,
            words: if r.any { "any" } else { "all" },
            elapsed_us: r.elapsed.as_micros(),
            scope: sel.scope,
        },
        hits,
    })
}

/// One bucket of a search trend (a `search --by --json` `bucket` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchBucket {
    pub bucket: String,
    /// Passages matching, and documents holding one.
    pub passages: u64,
    pub docs: u64,
    /// Matching passages per million characters of the bucket.
    pub per_million: f64,
    pub chars: u64,
    pub documents: u64,
}

/// The totals of a search trend (a `search --by --json` `summary` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchTrendSummary {
    pub query: String,
    pub by: By,
    pub buckets: usize,
    /// Passages matching in the documents searched, and those in documents of no bucket.
    pub passages: u64,
    pub passages_left_out: u64,
    pub undated_left_out: usize,
    pub imprecise_left_out: usize,
    pub elapsed_us: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// Matching passages per bucket.
#[derive(Debug, Clone, Serialize)]
pub struct SearchTrend {
    pub buckets: Vec<SearchBucket>,
    pub summary: SearchTrendSummary,
}

/// Count the passages a search matches per bucket.
pub fn search_trend(handle: &IndexHandle, req: &SearchRequest, by: By) -> Result<SearchTrend> {
    refuse_exclusion(&req.query)?;
    let themes = resolve_themes(handle, &req.themes, req.themes_file.as_deref())?;
    let sel = req.filters.select(handle)?;
    let started = std::time::Instant::now();
    check_word_rules(req)?;
    let docs = query::matching_docs(handle, &req.query, &themes, sel.get(), &req.words)?;
    let buckets = Buckets::of(handle, by, sel.get())?;
    let per_doc: Vec<(u64, u64)> = docs.into_iter().map(|d| (d, 1)).collect();
    let total: u64 = per_doc.iter().map(|x| x.1).sum();
    let (tallied, left_out) = tally(&buckets, &per_doc);
    let rows = (0..buckets.len())
        .map(|b| SearchBucket {
            bucket: buckets.names[b].clone(),
            passages: tallied[b].0,
            docs: tallied[b].1,
            per_million: per_million(tallied[b].0, buckets.chars[b]),
            chars: buckets.chars[b],
            documents: buckets.docs[b],
        })
        .collect();
    Ok(SearchTrend {
        buckets: rows,
        summary: SearchTrendSummary {
            query: req.query.clone(),
            by,
            buckets: buckets.len(),
            passages: total,
            passages_left_out: left_out,
            undated_left_out: buckets.undated_left_out,
            imprecise_left_out: buckets.imprecise_left_out,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusion_is_refused_not_searched() {
        let err = refuse_exclusion("扶贫 -脱贫").unwrap_err().to_string();
        assert!(err.contains("--not 脱贫"), "{err}");
        assert!(refuse_exclusion("扶贫 脱贫").is_ok());
        assert!(
            refuse_exclusion("5G - 网络").is_ok(),
            "a lone dash is punctuation"
        );
    }
}
