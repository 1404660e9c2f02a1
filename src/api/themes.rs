//! `themes`: how much of the selected documents is about each theme; `keywords`: the words that
//! characterise them.

use serde::Serialize;

use super::Filters;
use crate::error::Result;
use crate::index::IndexHandle;
use crate::query;

/// Which documents, and how many passages per theme.
#[derive(Debug, Clone, Default)]
pub struct ThemesRequest {
    pub filters: Filters,
    /// Best passages returned per theme.
    pub top: usize,
}

/// One of a theme's best passages.
#[derive(Debug, Clone, Serialize)]
pub struct TopPassage {
    pub doc: String,
    pub line: u32,
    pub score: f32,
    pub text: String,
}

/// One theme's weight (a `themes --json` `theme` line).
#[derive(Debug, Clone, Serialize)]
pub struct ThemeWeight {
    pub name: String,
    /// Share of all themes' weight.
    pub share: f32,
    /// Sum of the passages' scores.
    pub total: f32,
    /// Passages scoring at least [`query::ABOUT`].
    pub passages: usize,
    pub top: Vec<TopPassage>,
}

/// The themes, most weighty first.
#[derive(Debug, Clone, Serialize)]
pub struct ThemesResponse {
    pub themes: Vec<ThemeWeight>,
    /// The documents weighed, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// The theme distribution of the selected documents.
pub fn themes(handle: &IndexHandle, req: &ThemesRequest) -> Result<ThemesResponse> {
    let sel = req.filters.select(handle)?;
    let shares = query::theme_distribution(handle, sel.get(), req.top)?;
    Ok(ThemesResponse {
        themes: shares
            .into_iter()
            .map(|s| ThemeWeight {
                name: s.theme,
                share: s.share,
                total: s.total,
                passages: s.passages,
                top: s
                    .top
                    .into_iter()
                    .map(|(score, p)| TopPassage {
                        doc: p.path,
                        line: p.line,
                        score,
                        text: p.text,
                    })
                    .collect(),
            })
            .collect(),
        scope: sel.scope,
    })
}

/// Which documents, and how many keywords.
#[derive(Debug, Clone, Default)]
pub struct KeywordsRequest {
    pub filters: Filters,
    pub limit: usize,
}

/// One keyword (a `keywords --json` `keyword` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyword {
    pub word: String,
    /// With a filter, G² keyness of the selection against the rest of the corpus; for the
    /// whole corpus, `df × idf`.
    pub score: f64,
    /// Passages of the selection holding it (whole corpus: passages holding it).
    pub tf: u64,
    /// Passages of the corpus holding it.
    pub df: u64,
    /// With a filter: log₂ of the word's rate in the selection over its rate in the rest
    /// (1 = twice as frequent), the effect size beside G².
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_ratio: Option<f64>,
}

/// The keywords, best first.
#[derive(Debug, Clone, Serialize)]
pub struct KeywordsResponse {
    pub keywords: Vec<Keyword>,
    /// The documents the keywords are of, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// Keywords of the selected documents against the rest (or of the whole corpus).
pub fn keywords(handle: &IndexHandle, req: &KeywordsRequest) -> Result<KeywordsResponse> {
    let sel = req.filters.select(handle)?;
    let words = query::keywords(handle, sel.get(), req.limit)?;
    Ok(KeywordsResponse {
        keywords: words
            .into_iter()
            .map(|k| Keyword {
                word: k.word,
                score: k.score,
                tf: k.tf,
                df: k.df,
                log_ratio: k.log_ratio,
            })
            .collect(),
        scope: sel.scope,
    })
}
