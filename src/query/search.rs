//! `search`: passages ranked by BM25 over the jieba-tokenised `words` field.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use tantivy::Term;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::{StoredPassage, contains_query, highlight_spans, stored_passage};
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::index::tokenize::{normalize_words, word_tokens};
use crate::matching::matching_string;

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

/// Matching forms of the query words a passage must contain: those of `terms` that are not
/// part of another one (jieba's search mode adds the parts of long words: 调查研究 → 调查, 研究).
fn required_words(terms: &[String]) -> Vec<Vec<char>> {
    let mut forms: Vec<String> = terms
        .iter()
        .map(|t| matching_string(t))
        .filter(|f| !f.is_empty())
        .collect();
    forms.sort();
    forms.dedup();
    forms
        .iter()
        .filter(|f| {
            !forms
                .iter()
                .any(|g| g.len() > f.len() && g.contains(f.as_str()))
        })
        .map(|f| f.chars().collect())
        .collect()
}

/// Rank passages for `query` by BM25 and return the best `limit`.
///
/// A passage matches when it contains every query word (compared in matching form on the exact
/// fields, so a different jieba segmentation of the passage does not lose it); matching passages
/// are ranked by BM25 of the query's jieba tokens on the `words` field.
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
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for t in &terms {
        let term = Term::from_field_text(handle.fields.words, t);
        clauses.push((
            Occur::Should,
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        ));
    }
    for word in required_words(&terms) {
        let q = contains_query(&handle.fields, &word);
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_words_drop_parts_and_duplicates() {
        let terms: Vec<String> = ["调查", "研究", "调查研究", "5g", "5g"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let got: Vec<String> = required_words(&terms)
            .iter()
            .map(|w| w.iter().collect())
            .collect();
        assert_eq!(got, vec!["5g", "调查研究"]);
    }
}
