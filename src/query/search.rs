//! `search`: passages holding every query word, ranked by BM25 of the words as substrings.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::time::{Duration, Instant};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocAddress, DocId, Score, SegmentReader};

use super::filter::InSelection;
use super::{StoredPassage, highlight_spans, stored_passage, word_query};
use crate::error::{Error, Result};
use crate::index::tokenize::{normalize_words, word_tokens};
use crate::index::{DocSelection, IndexHandle, ThemeScores, selected};
use crate::matching::matching_string;

/// Where a passage sits, as one sortable number: the document's rank in path order, then the
/// passage's ordinal in the document.
pub(crate) struct Place {
    ranks: std::sync::Arc<Vec<u32>>,
    doc: Option<tantivy::columnar::Column<u64>>,
    passage: Option<tantivy::columnar::Column<u64>>,
}

impl Place {
    pub(crate) fn of(seg: &SegmentReader, ranks: std::sync::Arc<Vec<u32>>) -> Place {
        let col = |name: &str| seg.fast_fields().u64(name).ok();
        Place {
            ranks,
            doc: col("doc"),
            passage: col("passage"),
        }
    }

    pub(crate) fn key(&self, d: DocId) -> u64 {
        let ord = self.doc.as_ref().and_then(|c| c.first(d)).unwrap_or(0);
        let rank = self.ranks.get(ord as usize).copied().unwrap_or(u32::MAX);
        let passage = self.passage.as_ref().and_then(|c| c.first(d)).unwrap_or(0);
        (u64::from(rank) << 32) | (passage & 0xffff_ffff)
    }
}

/// The passages of a theme table's rows in a searcher: a row placed in its segment, if the
/// searcher has it and the passage is live, with the passage's document ordinal.
pub(crate) struct ThemeRows<'a> {
    starts: Vec<(usize, u32, u32)>,
    segments: &'a [SegmentReader],
    columns: Vec<&'a crate::index::PassageColumns>,
    /// Every row is a live passage of the searcher (see [`ThemeScores::every_row_live`]).
    pub every_row_live: bool,
}

impl<'a> ThemeRows<'a> {
    pub(crate) fn of(
        handle: &'a IndexHandle,
        searcher: &'a tantivy::Searcher,
        ts: &ThemeScores,
    ) -> Result<ThemeRows<'a>> {
        let starts = ts.segment_starts(searcher);
        let segments = searcher.segment_readers();
        let mut columns = Vec::with_capacity(segments.len());
        for ord in 0..segments.len() {
            columns.push(handle.columns(ord as u32)?);
        }
        let every_row_live = ts.every_row_live(searcher, &starts);
        Ok(ThemeRows {
            starts,
            segments,
            columns,
            every_row_live,
        })
    }

    /// The address of a row's passage, `None` when it is deleted or in no segment.
    pub(crate) fn live(&self, row: u32) -> Option<DocAddress> {
        let addr = ThemeScores::locate(&self.starts, row)?;
        let seg = &self.segments[addr.segment_ord as usize];
        seg.alive_bitset()
            .is_none_or(|a| a.is_alive(addr.doc_id))
            .then_some(addr)
    }

    /// The document ordinal of a passage.
    pub(crate) fn doc(&self, addr: DocAddress) -> u64 {
        self.columns[addr.segment_ord as usize]
            .doc
            .get_val(addr.doc_id)
    }
}

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// 1-based rank.
    pub rank: usize,
    pub score: f32,
    pub passage: StoredPassage,
    /// Character spans of query terms in the passage text.
    pub highlights: Vec<(usize, usize)>,
    /// With `--theme`: the passage's theme score and, with `--explain`, what contributed.
    pub theme: Option<ThemeExplain>,
}

/// Why a passage scored for the requested themes.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeExplain {
    /// Sum of the requested themes' scores.
    pub score: f32,
    /// Per theme: name, score, and the terms that contributed with their share.
    pub themes: Vec<ThemePartOf>,
}

/// One theme's part of a hit: name, score, contributing terms (with `--explain`).
pub type ThemePartOf = (String, f32, Vec<(String, f32)>);

/// The answer to a search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    pub query: String,
    /// The word tokens searched for.
    pub terms: Vec<String>,
    pub hits: Vec<SearchHit>,
    /// Passages that match (every required word, or with `any` at least one; with themes only,
    /// a theme score above 0).
    pub total: usize,
    /// The words were searched as with [`WordRules::any`] (asked for, or a long query).
    pub any: bool,
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

/// The clauses of a boolean query.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// How the words of a query combine (options, not query syntax: what is typed stays text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordRules {
    /// Passages with any of the words, ranked by how many of them they hold, then BM25.
    pub any: bool,
    /// Leave out the passages whose own text holds one of these (exactly, in matching form).
    pub not: Vec<String>,
    /// Every word within this many characters of the others (the stretch of the passage's text
    /// from the first character of one to the last of another, punctuation counted).
    pub within: Option<usize>,
}

/// A query with more words than this (not counting parts of longer ones) is searched as with
/// [`WordRules::any`]: a pasted paragraph is found by the passages that share most of its
/// words, where no passage holds all of them.
pub const LONG_QUERY_WORDS: usize = 12;

/// A query turned into clauses.
struct Plan {
    /// The jieba tokens of the query (each once).
    terms: Vec<String>,
    clauses: Clauses,
    /// The words that are not part of another one (all required, or counted with `any`).
    required: Vec<Vec<char>>,
    any: bool,
}

/// The query words (jieba, search mode, each once) and the clauses that match and score them:
/// every word scores; the words that are not part of another one are required (or, with
/// `any`, at least one of them); words of `rules.not` are excluded.
fn word_clauses(
    handle: &IndexHandle,
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    query: &str,
    rules: &WordRules,
) -> Result<Plan> {
    let mut seen = HashSet::new();
    let terms: Vec<String> = word_tokens(analyzer, &normalize_words(query))
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect();
    if terms.is_empty() {
        return Err(Error::Query(format!(
            "the query {query:?} has no word to search for (only punctuation or spaces); \
             type a word, e.g. `jiansuo search 调查研究`"
        )));
    }
    let required = required_words(&terms);
    let any = rules.any || (rules.within.is_none() && required.len() > LONG_QUERY_WORDS);
    if rules.any && rules.within.is_some() {
        return Err(Error::Query(
            "--within asks for every word near the others, --any for any of them: give one".into(),
        ));
    }
    let mut forms: Vec<Vec<char>> = Vec::new();
    for t in &terms {
        let form: Vec<char> = matching_string(t).chars().collect();
        if !form.is_empty() && !forms.contains(&form) {
            forms.push(form);
        }
    }
    let mut clauses: Clauses = Vec::new();
    if any {
        // At least one of the words; the parts jieba adds (调查 of 调查研究) only score.
        let words: Clauses = required
            .iter()
            .map(|form| (Occur::Should, word_query(handle.fields(), form)))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(words))));
        for form in forms.iter().filter(|f| !required.contains(f)) {
            clauses.push((Occur::Should, word_query(handle.fields(), form)));
        }
    } else {
        for form in &forms {
            let occur = if required.contains(form) {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, word_query(handle.fields(), form)));
        }
    }
    for form in excluded_words(rules)? {
        clauses.push((
            Occur::MustNot,
            super::contains_query(handle.fields(), &form),
        ));
    }
    Ok(Plan {
        terms,
        clauses,
        required,
        any,
    })
}

/// The matching forms of the `--not` words; an error for one that has nothing to match.
fn excluded_words(rules: &WordRules) -> Result<Vec<Vec<char>>> {
    rules
        .not
        .iter()
        .map(|w| {
            let form: Vec<char> = matching_string(w).chars().collect();
            if form.is_empty() {
                Err(Error::Query(format!(
                    "--not {w:?} has nothing to match (only punctuation or spaces)"
                )))
            } else {
                Ok(form)
            }
        })
        .collect()
}

/// The query of a plan: its clauses, then the `--within` test, then the selection.
fn plan_query(
    handle: &IndexHandle,
    plan: &Plan,
    rules: &WordRules,
    sel: Option<&DocSelection>,
) -> Box<dyn Query> {
    let mut q: Box<dyn Query> = Box::new(BooleanQuery::new(
        plan.clauses
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect(),
    ));
    if let Some(n) = rules.within {
        q = Box::new(super::filter::Within {
            inner: q,
            words: std::sync::Arc::new(plan.required.clone()),
            chars: n,
            text: handle.fields().text,
        });
    }
    if let Some(s) = sel {
        q = Box::new(InSelection {
            inner: q,
            selection: std::sync::Arc::new(s.clone()),
        });
    }
    q
}

/// Per segment, how many of `words` each passage holds (for `any`).
fn word_counts(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    words: &[Vec<char>],
) -> Result<std::collections::HashMap<tantivy::index::SegmentId, std::sync::Arc<Vec<u16>>>> {
    let mut out = std::collections::HashMap::new();
    let weights = words
        .iter()
        .map(|w| {
            super::contains_query(handle.fields(), w).weight(
                tantivy::query::EnableScoring::disabled_from_searcher(searcher),
            )
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    for seg in searcher.segment_readers() {
        let mut counts = vec![0u16; seg.max_doc() as usize];
        for w in &weights {
            crate::cancel::check()?;
            let mut scorer = w.scorer(seg, 1.0)?;
            let mut d = scorer.doc();
            while d != tantivy::TERMINATED {
                counts[d as usize] = counts[d as usize].saturating_add(1);
                d = scorer.advance();
            }
        }
        out.insert(seg.segment_id(), std::sync::Arc::new(counts));
    }
    Ok(out)
}

/// The document ordinal of every passage a search matches (every query word, themes or not, as
/// `search` ranks them; with themes and no words, a theme score above zero), in the documents of
/// `sel`: what `search --by` counts.
pub fn matching_docs(
    handle: &IndexHandle,
    query: &str,
    themes: &[usize],
    sel: Option<&DocSelection>,
    rules: &WordRules,
) -> Result<Vec<u64>> {
    let searcher = handle.searcher();
    let has_words = query.chars().any(|c| !crate::matching::is_dropped(c));
    let mut out = Vec::new();
    if has_words {
        let mut analyzer = handle.word_analyzer()?;
        let plan = word_clauses(handle, &mut analyzer, query, rules)?;
        let q = plan_query(handle, &plan, rules, sel);
        let found = searcher.search(q.as_ref(), &tantivy::collector::DocSetCollector)?;
        // `--within` stops with its caller: then the passages are not all.
        crate::cancel::check()?;
        for addr in found {
            let ord = handle.columns(addr.segment_ord)?.doc.get_val(addr.doc_id);
            if selected(sel, ord) {
                out.push(ord);
            }
        }
    } else {
        let ts = handle.themes()?;
        for_each_themed(handle, &searcher, &ts, themes, sel, rules, |_, _, o| {
            out.push(o)
        })?;
    }
    out.sort_unstable();
    Ok(out)
}

/// How much a point of theme score weighs against a point of BM25 when a query and themes are
/// combined: `score = BM25 + THEME_WEIGHT × Σ theme scores`.
pub const THEME_WEIGHT: f32 = 2.0;

/// Call `f(theme score, address, document ordinal)` for every live passage of the selection
/// with a score above 0 for `themes` and no `--not` word: a ranking without query words. Only
/// the passages scoring above 0 for one of the themes are visited (the themes' rows in score
/// order, [`ThemeScores::ranked`](crate::index::ThemeScores::ranked)), not every passage.
fn for_each_themed(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    ts: &ThemeScores,
    themes: &[usize],
    sel: Option<&DocSelection>,
    rules: &WordRules,
    mut f: impl FnMut(f32, DocAddress, u64),
) -> Result<()> {
    let excluded = excluded_passages(handle, searcher, rules)?;
    let excluded: Vec<_> = searcher
        .segment_readers()
        .iter()
        .map(|seg| excluded.get(&seg.segment_id()).cloned())
        .collect();
    let rows = ThemeRows::of(handle, searcher, ts)?;
    let mut visit = |row: u32, s: f32| {
        let Some(addr) = rows.live(row) else { return };
        let out = &excluded[addr.segment_ord as usize];
        if out.as_ref().is_none_or(|x| x[addr.doc_id as usize] == 0) {
            let o = rows.doc(addr);
            if selected(sel, o) {
                f(s, addr, o);
            }
        }
    };
    if let [t] = themes {
        for &(row, s) in ts.ranked(*t) {
            visit(row, s);
        }
    } else {
        // Rows scoring above 0 for any of the themes, each once.
        let mut scoring: Vec<u32> = themes
            .iter()
            .flat_map(|&t| ts.ranked(t))
            .map(|&(row, _)| row)
            .collect();
        scoring.sort_unstable();
        scoring.dedup();
        for row in scoring {
            let s: f32 = themes.iter().map(|&t| ts.score_at_row(row, t)).sum();
            if s > 0.0 {
                visit(row, s);
            }
        }
    }
    Ok(())
}

/// The best `limit` passages of one theme over every document, with the passages tied with
/// the last of them, and the number of passages scoring above 0: the theme's rows read best
/// first until `limit` live ones (all of them, to count, only where a segment has deletions).
fn theme_top(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    ts: &ThemeScores,
    theme: usize,
    limit: usize,
) -> Result<(Vec<(f32, DocAddress)>, usize)> {
    let rows = ThemeRows::of(handle, searcher, ts)?;
    let mut top: Vec<(f32, DocAddress)> = Vec::new();
    let mut total = 0;
    for &(row, s) in ts.ranked(theme) {
        let Some(addr) = rows.live(row) else { continue };
        total += 1;
        if top.len() < limit || top.last().is_some_and(|l| l.0 == s) {
            top.push((s, addr));
        } else if rows.every_row_live {
            // The rest of the rows are live passages that count: the total is the list's
            // length.
            return Ok((top, ts.ranked(theme).len()));
        }
    }
    Ok((top, total))
}

/// Per segment, the passages holding a `--not` word (non-zero), for rankings without query
/// words.
fn excluded_passages(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    rules: &WordRules,
) -> Result<std::collections::HashMap<tantivy::index::SegmentId, std::sync::Arc<Vec<u16>>>> {
    let words = excluded_words(rules)?;
    if words.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    word_counts(handle, searcher, &words)
}

/// Rank passages for `query` by BM25 and return the best `limit`.
///
/// The query is cut into words by jieba (search mode, which adds the parts of long words:
/// 调查研究 → 调查, 研究, 调查研究). A passage matches when it contains every word that is not
/// part of another one, compared in matching form on the `exact` field, so a passage jieba would
/// cut differently is not lost; matching passages are ranked by the sum of BM25 of every query
/// word's occurrences as a substring (the same test, so the ranking never disagrees with the
/// match).
pub fn search(handle: &IndexHandle, query: &str, limit: usize) -> Result<SearchResults> {
    search_with(
        handle,
        query,
        &[],
        limit,
        false,
        None,
        &WordRules::default(),
    )
}

/// Rank passages by BM25 of `query`, by the scores of `themes` (indexes into the index's
/// lexicon), or by both (`BM25 + THEME_WEIGHT × Σ theme scores`, over the passages that contain
/// every query word). With themes and no query, passages with a theme score above zero are
/// ranked by it. `explain` adds, per hit, the terms that made its theme score.
pub fn search_with(
    handle: &IndexHandle,
    query: &str,
    themes: &[usize],
    limit: usize,
    explain: bool,
    sel: Option<&DocSelection>,
    rules: &WordRules,
) -> Result<SearchResults> {
    let has_words = query.chars().any(|c| !crate::matching::is_dropped(c));
    if !has_words && themes.is_empty() {
        return Err(Error::Query(format!(
            "the query {query:?} has no word to search for (only punctuation or spaces); \
             type a word, e.g. `jiansuo search 调查研究`, or give --theme"
        )));
    }
    let mut analyzer = handle.word_analyzer()?;
    let started = Instant::now();
    let scores = if themes.is_empty() {
        None
    } else {
        Some(handle.themes()?)
    };
    let searcher = handle.searcher();
    let limit = limit.max(1);
    let mut any = false;
    let (terms, top, total) = if has_words {
        let plan = word_clauses(handle, &mut analyzer, query, rules)?;
        any = plan.any;
        let q = plan_query(handle, &plan, rules, sel);
        let counts = if plan.any {
            std::sync::Arc::new(word_counts(handle, &searcher, &plan.required)?)
        } else {
            std::sync::Arc::new(std::collections::HashMap::new())
        };
        let terms = plan.terms;
        let ts = scores.clone();
        let selected = themes.to_vec();
        let ranks = handle.path_ranks()?;
        // (words held with `any`,) BM25 (+ theme scores), ties broken by path and passage,
        // not by index order.
        let ranked = TopDocs::with_limit(limit).tweak_score(move |seg: &SegmentReader| {
            let row = ts.as_ref().and_then(|t| t.row_of(seg));
            let ts = ts.clone();
            let selected = selected.clone();
            let place = Place::of(seg, ranks.clone());
            let held = counts.get(&seg.segment_id()).cloned();
            move |doc: DocId, bm25: Score| {
                let theme = match (&ts, row) {
                    (Some(ts), Some(r)) => THEME_WEIGHT * ts.sum_at(r, doc, &selected),
                    _ => 0.0,
                };
                let words = held.as_ref().map_or(0, |h| h[doc as usize]);
                (words, bm25 + theme, Reverse(place.key(doc)))
            }
        });
        let stats = handle.bm25_statistics(&searcher)?;
        let (top, total) =
            searcher.search_with_statistics_provider(q.as_ref(), &(ranked, Count), &stats)?;
        // `--within` reads passages and stops when its caller does: then the hits are not all.
        crate::cancel::check()?;
        let top: Vec<(f32, DocAddress)> = top.into_iter().map(|((_, s, _), a)| (s, a)).collect();
        (terms, top, total)
    } else {
        let ts = scores.as_ref().expect("themes were asked for");
        let (mut ranked, total) = if let ([t], None, true) = (themes, sel, rules.not.is_empty()) {
            theme_top(handle, &searcher, ts, *t, limit)?
        } else {
            let mut ranked: Vec<(f32, DocAddress)> = Vec::new();
            for_each_themed(handle, &searcher, ts, themes, sel, rules, |s, addr, _| {
                ranked.push((s, addr))
            })?;
            let total = ranked.len();
            (ranked, total)
        };
        // The best `limit` in linear time (a full sort of 100,000 scores took most of the
        // query), then ties at the cut broken by path and passage.
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, |a, b| b.0.total_cmp(&a.0));
            let cut = ranked[limit - 1].0;
            let (head, tail) = ranked.split_at_mut(limit);
            let tied: Vec<(f32, DocAddress)> =
                tail.iter().filter(|x| x.0 == cut).copied().collect();
            let mut kept = head.to_vec();
            kept.extend(tied);
            ranked = kept;
        }
        let ranks = handle.path_ranks()?;
        let places: Vec<Place> = searcher
            .segment_readers()
            .iter()
            .map(|seg| Place::of(seg, ranks.clone()))
            .collect();
        let mut keyed: Vec<(f32, u64, DocAddress)> = ranked
            .into_iter()
            .map(|(s, a)| (s, places[a.segment_ord as usize].key(a.doc_id), a))
            .collect();
        keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.truncate(limit);
        let top: Vec<(f32, DocAddress)> = keyed.into_iter().map(|(s, _, a)| (s, a)).collect();
        (Vec::new(), top, total)
    };
    let mut hits = Vec::with_capacity(top.len());
    for (i, (score, addr)) in top.into_iter().take(limit).enumerate() {
        let passage = stored_passage(handle, &searcher, addr)?;
        let mut highlights = highlight_spans(&passage.text, &terms);
        let theme = match &scores {
            None => None,
            Some(ts) => {
                let seg = searcher.segment_reader(addr.segment_ord);
                let all = ts.of(seg, addr.doc_id);
                let words = word_tokens(&mut analyzer, &normalize_words(&passage.text));
                let mf = crate::matching::MatchingForm::new(&passage.text);
                let mut parts = Vec::new();
                let mut marked: Vec<String> = Vec::new();
                for &t in themes {
                    let (_, terms) = ts.lexicon.explain(t, &words, &mf.chars, ts.avg_len);
                    marked.extend(terms.iter().filter(|x| x.1 > 0.0).map(|x| x.0.clone()));
                    let name = ts.lexicon.themes[t].name.clone();
                    let s = all.get(t).copied().unwrap_or(0.0);
                    parts.push((name, s, if explain { terms } else { Vec::new() }));
                }
                if terms.is_empty() {
                    highlights = highlight_spans(&passage.text, &marked);
                }
                Some(ThemeExplain {
                    score: parts.iter().map(|p| p.1).sum(),
                    themes: parts,
                })
            }
        };
        hits.push(SearchHit {
            rank: i + 1,
            score,
            passage,
            highlights,
            theme,
        });
    }
    Ok(SearchResults {
        query: query.to_owned(),
        terms,
        hits,
        total,
        any,
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
        assert_eq!(got, vec![" 5g ", "调查研究"]);
    }
}
