//! `search`: passages ranked by BM25 over the jieba-tokenised `words` field.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use tantivy::Term;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::{StoredPassage, highlight_spans, stored_passage};
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::index::tokenize::{normalize_words, word_tokens};

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// 1-based rank.
    pub rank: usize,
    pub score: f32,
    pub passage: StoredPassage,
    /// Character spans of query terms in the passage text.
    pub highlights: Vec<(usize, usize)>,
}

/// The answer to a search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub query: String,
    /// The word tokens searched for.
    pub terms: Vec<String>,
    pub hits: Vec<SearchHit>,
    /// Passages that match at least one term.
    pub total: usize,
    pub elapsed: Duration,
}

/// Rank passages for `query` by BM25 and return the best `limit`.
pub fn search(handle: &IndexHandle, query: &str, limit: usize) -> Result<SearchResults> {
    let mut analyzer = handle.word_analyzer()?;
    let started = Instant::now();
    let mut seen = HashSet::new();
    let terms: Vec<String> = word_tokens(&mut analyzer, &normalize_words(query))
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect();
    if terms.is_empty() {
        return Err(Error::Query(format!(
            "the query {query:?} has no word to search for (only punctuation or spaces); \
             type a word, e.g. `jiansuo search 调查研究`"
        )));
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| {
            let term = Term::from_field_text(handle.fields.words, t);
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            (Occur::Should, q)
        })
        .collect();
    let q = BooleanQuery::new(clauses);
    let searcher = handle.searcher();
    let (top, total) = searcher.search(
        &q,
        &(TopDocs::with_limit(limit.max(1)).order_by_score(), Count),
    )?;
    let mut hits = Vec::with_capacity(top.len());
    for (i, (score, addr)) in top.into_iter().take(limit).enumerate() {
        let passage = stored_passage(handle, &searcher, addr)?;
        let highlights = highlight_spans(&passage.text, &terms);
        hits.push(SearchHit {
            rank: i + 1,
            score,
            passage,
            highlights,
        });
    }
    Ok(SearchResults {
        query: query.to_owned(),
        terms,
        hits,
        total,
        elapsed: started.elapsed(),
    })
}
