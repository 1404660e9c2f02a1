//! `shared`: maximal phrases that several documents have in common (text reuse).

use std::time::Instant;

use serde::Serialize;

use super::shown;
use crate::error::Result;
use crate::index::IndexHandle;
use crate::query::{self, SharedOptions, SortOrder};

/// Which shared phrases to list.
#[derive(Debug, Clone)]
pub struct SharedRequest {
    /// Shortest phrase, in matching-form characters.
    pub min_chars: usize,
    /// Fewest documents a phrase must occur in.
    pub min_docs: usize,
    /// Most documents a phrase may occur in (boilerplate is more widespread).
    pub max_docs: usize,
    /// Phrases returned (0: all).
    pub limit: usize,
    pub filters: super::Filters,
}

impl Default for SharedRequest {
    /// The command line's defaults: 8 characters, 2 to 100 documents, 100 phrases.
    fn default() -> SharedRequest {
        SharedRequest {
            min_chars: 8,
            min_docs: 2,
            max_docs: 100,
            limit: 100,
            filters: super::Filters::default(),
        }
    }
}

/// One document of a shared phrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedDoc {
    pub doc: String,
    pub hits: u64,
}

/// One shared phrase (a `shared --json` `shared` line).
#[derive(Debug, Clone, Serialize)]
pub struct SharedPhrase {
    /// Matching form.
    pub phrase: String,
    /// As written at its first occurrence (punctuation included).
    pub text: String,
    /// Characters of the matching form.
    pub chars: usize,
    pub docs: usize,
    pub hits: u64,
    /// Its documents, by path.
    pub documents: Vec<SharedDoc>,
}

/// The totals (a `shared --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct SharedSummary {
    /// Phrases found.
    pub phrases: usize,
    /// Phrases returned.
    pub shown: usize,
    pub elapsed_us: u128,
    /// The documents compared, when filters limited them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// The answer to a [`SharedRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SharedResponse {
    pub phrases: Vec<SharedPhrase>,
    pub summary: SharedSummary,
}

/// The shared phrases, longest first.
pub fn shared(handle: &IndexHandle, req: &SharedRequest) -> Result<SharedResponse> {
    let started = Instant::now();
    let opts = SharedOptions {
        min_chars: req.min_chars,
        min_docs: req.min_docs,
        max_docs: req.max_docs,
    };
    let sel = req.filters.select(handle)?;
    let found = query::shared_phrases(handle, opts, sel.get())?;
    let searcher = handle.searcher();
    let mut phrases = Vec::new();
    for p in &found[..shown(req.limit, found.len())] {
        let mut first = query::occurrences(handle, &searcher, &p.phrase, false, 0, sel.get())?;
        query::sort_occurrences(&mut first, SortOrder::Doc);
        let mut documents = p
            .docs
            .iter()
            .map(|&(d, hits)| {
                Ok(SharedDoc {
                    doc: handle.docs().path(d as usize)?.into_owned(),
                    hits,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        documents.sort_by(|a, b| a.doc.cmp(&b.doc));
        phrases.push(SharedPhrase {
            text: first
                .first()
                .map_or_else(|| p.phrase.clone(), |o| o.matched.clone()),
            chars: p.phrase.chars().count(),
            phrase: p.phrase.clone(),
            docs: p.docs.len(),
            hits: p.hits,
            documents,
        });
    }
    Ok(SharedResponse {
        summary: SharedSummary {
            phrases: found.len(),
            shown: phrases.len(),
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
        phrases,
    })
}
