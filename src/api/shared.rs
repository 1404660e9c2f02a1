//! `shared`: maximal phrases that several documents have in common (text reuse).

use std::time::Instant;

use serde::Serialize;

use crate::error::Result;
use crate::index::IndexHandle;
use crate::query::{self, SharedOptions, SortOrder};

pub use crate::query::SharedOrder;

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
    /// Their order.
    pub order: SharedOrder,
    /// Keep boilerplate: phrases in more than `max_docs` documents, lists of names.
    pub keep_boilerplate: bool,
    pub filters: super::Filters,
}

impl Default for SharedRequest {
    /// The command line's defaults: 8 characters, 2 to 100 documents, 100 phrases longest
    /// first, boilerplate left out.
    fn default() -> SharedRequest {
        SharedRequest {
            min_chars: 8,
            min_docs: 2,
            max_docs: 100,
            limit: 100,
            order: SharedOrder::Length,
            keep_boilerplate: false,
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
    /// Phrases found in `min_docs..=max_docs` documents.
    pub phrases: usize,
    /// Phrases returned.
    pub shown: usize,
    /// Lists of names left out among the best phrases (boilerplate).
    pub name_lists: usize,
    /// Phrases left out as mostly made of one shown before them.
    pub variants: usize,
    /// Characters compared; shards the grams were counted in.
    pub chars: usize,
    pub shards: usize,
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

/// The shared phrases, best first by the order asked.
pub fn shared(handle: &IndexHandle, req: &SharedRequest) -> Result<SharedResponse> {
    let started = Instant::now();
    // Lists of names are told from the written text, known only for the phrases kept, and a
    // phrase mostly made of one shown before it (the same formula with a few more or fewer
    // characters, in a few more or fewer documents) is left out: keep more than asked, to fill
    // their places.
    let keep = if req.limit == 0 {
        0
    } else {
        (req.limit * 20).max(2000)
    };
    let opts = SharedOptions {
        min_chars: req.min_chars,
        min_docs: req.min_docs,
        max_docs: if req.keep_boilerplate {
            usize::MAX
        } else {
            req.max_docs
        },
        order: req.order,
        keep,
    };
    let sel = req.filters.select(handle)?;
    let found = query::shared_phrases(handle, opts, sel.get())?;
    let searcher = handle.searcher();
    let mut phrases = Vec::new();
    let mut name_lists = 0;
    let mut variants = 0;
    // Gram → the shown phrases holding it (up to VARIANT_IDS of them: a formula's grams are in
    // very many), so that a candidate is compared with the shown phrases it shares grams with.
    const VARIANT_IDS: usize = 256;
    let mut shown_grams: std::collections::HashMap<&[char], Vec<u32>> =
        std::collections::HashMap::new();
    let chars: Vec<Vec<char>> = found
        .phrases
        .iter()
        .map(|p| p.phrase.chars().collect())
        .collect();
    for (p, pchars) in found.phrases.iter().zip(&chars) {
        if req.limit > 0 && phrases.len() >= req.limit {
            break;
        }
        let k = req.min_chars.min(pchars.len());
        let mut grams: Vec<&[char]> = pchars.windows(k).collect();
        grams.sort_unstable();
        grams.dedup();
        let mut common: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        for g in &grams {
            for &id in shown_grams.get(g).map_or(&[][..], |v| &v[..]) {
                *common.entry(id).or_default() += 1;
            }
        }
        let variant = common.values().any(|&c| c * 5 >= grams.len() * 3);
        if variant {
            variants += 1;
            continue;
        }
        crate::cancel::check()?;
        let mut first = query::occurrences(handle, &searcher, &p.phrase, false, 0, sel.get())?;
        query::sort_occurrences(&mut first, SortOrder::Doc);
        let text = first
            .first()
            .map_or_else(|| p.phrase.clone(), |o| o.matched.clone());
        if !req.keep_boilerplate && crate::analyze::is_name_list(&text) {
            name_lists += 1;
            continue;
        }
        for g in grams {
            let ids = shown_grams.entry(g).or_default();
            if ids.len() < VARIANT_IDS {
                ids.push(phrases.len() as u32);
            }
        }
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
            text,
            chars: p.phrase.chars().count(),
            phrase: p.phrase.clone(),
            docs: p.docs.len(),
            hits: p.hits,
            documents,
        });
    }
    Ok(SharedResponse {
        summary: SharedSummary {
            phrases: found.total.saturating_sub(name_lists),
            shown: phrases.len(),
            name_lists,
            variants,
            chars: found.chars,
            shards: found.shards,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
        phrases,
    })
}
