//! `themes` and `keywords`: how much of a document (or the corpus) is about each theme, and
//! which words characterise it.

use std::collections::HashMap;

use tantivy::DocAddress;

use super::{StoredPassage, stored_passage};
use crate::error::Result;
use crate::index::tokenize::{normalize_words, word_tokens};
use crate::index::{DocSelection, IndexHandle};

/// A passage counts as being about a theme from this score on.
pub const ABOUT: f32 = 1.0;

/// One theme's weight in a set of documents.
#[derive(Debug, Clone)]
pub struct ThemeShare {
    pub theme: String,
    /// Sum of the passages' scores.
    pub total: f32,
    /// `total` over the sum for all themes.
    pub share: f32,
    /// Passages scoring at least [`ABOUT`].
    pub passages: usize,
    /// The best passages, best first.
    pub top: Vec<(f32, StoredPassage)>,
}

/// Theme distribution over the selected documents, with the `top` best passages per theme.
pub fn theme_distribution(
    handle: &IndexHandle,
    docs: Option<&DocSelection>,
    top: usize,
) -> Result<Vec<ThemeShare>> {
    let ts = handle.themes()?;
    let searcher = handle.searcher();
    let n = ts.themes();
    // f64 sums: the same totals whatever order the passages sit in.
    let mut totals = vec![0f64; n];
    let mut about = vec![0usize; n];
    let mut best: Vec<Vec<(f32, u64, DocAddress)>> = vec![Vec::new(); n];
    let ranks = handle.path_ranks()?;
    let places: Vec<super::search::Place> = searcher
        .segment_readers()
        .iter()
        .map(|seg| super::search::Place::of(seg, ranks.clone()))
        .collect();
    let rows = super::search::ThemeRows::of(handle, &searcher, &ts)?;
    // Over every document of an index without deletions, a row needs placing only to be
    // among the best.
    let plain = docs.is_none() && rows.every_row_live;
    // Each theme's passages scoring above 0, best first: the totals are summed in the same
    // order whatever the ordinals, and the best are the first ones read (and their ties).
    for t in 0..n {
        crate::cancel::check()?;
        for &(row, s) in ts.ranked(t) {
            let mut placed = None;
            if !plain {
                let Some(addr) = rows.live(row) else { continue };
                if docs.is_some_and(|sel| !sel.contains(rows.doc(addr))) {
                    continue;
                }
                placed = Some(addr);
            }
            totals[t] += f64::from(s);
            about[t] += usize::from(s >= ABOUT);
            let b = &mut best[t];
            if b.len() < top || b.last().is_some_and(|x| x.0 == s) {
                let Some(addr) = placed.or_else(|| rows.live(row)) else {
                    continue;
                };
                let key = places[addr.segment_ord as usize].key(addr.doc_id);
                if b.len() < top || b.last().is_some_and(|x| key < x.1) {
                    b.push((s, key, addr));
                    b.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                    b.truncate(top);
                }
            }
        }
    }
    let sum: f64 = totals.iter().sum();
    let mut out = Vec::with_capacity(n);
    for t in 0..n {
        let mut passages = Vec::new();
        for &(s, _, addr) in &best[t] {
            passages.push((s, stored_passage(handle, &searcher, addr)?));
        }
        out.push(ThemeShare {
            theme: ts.lexicon.themes[t].name.clone(),
            total: totals[t] as f32,
            share: if sum > 0.0 {
                (totals[t] / sum) as f32
            } else {
                0.0
            },
            passages: about[t],
            top: passages,
        });
    }
    out.sort_by(|a, b| b.total.total_cmp(&a.total));
    Ok(out)
}

/// A keyword and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    pub word: String,
    /// G² keyness against the rest of the corpus (for the whole corpus: `df × idf`).
    pub score: f64,
    /// Passages of the selection holding it (for the whole corpus: of the corpus).
    pub tf: u64,
    /// Passages of the corpus holding it.
    pub df: u64,
    /// log₂ of its rate in the selection over its rate in the rest (with a filter).
    pub log_ratio: Option<f64>,
}

/// G² at which a difference is significant at p < 0.0001 (one degree of freedom).
pub const SIGNIFICANT: f64 = 15.13;

/// G² and log ratio of a word in `a` of `c` passages of a selection and `b` of the `d` others;
/// `None` when it is not more frequent in the selection. A word absent from the rest counts
/// half an occurrence there for the ratio.
pub fn keyness(a: u64, b: u64, c: u64, d: u64) -> Option<(f64, f64)> {
    if a == 0 || c == 0 {
        return None;
    }
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    if d > 0.0 && a / c <= b / d {
        return None;
    }
    let n = c + d;
    let e1 = c * (a + b) / n;
    let e2 = d * (a + b) / n;
    let term = |o: f64, e: f64| {
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    let g2 = 2.0 * (term(a, e1) + term(b, e2));
    let log_ratio = if d > 0.0 {
        ((a / c) / (b.max(0.5) / d)).log2()
    } else {
        0.0
    };
    Some((
        (g2 * 1000.0).round() / 1000.0,
        (log_ratio * 1000.0).round() / 1000.0,
    ))
}

/// Words that say nothing about a text (`src/keyword_stopwords.txt`), read once.
fn stopwords() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../keyword_stopwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

fn is_keyword_shaped(w: &str) -> bool {
    w.chars().count() >= 2
        && !w.chars().all(|c| c.is_ascii_digit() || c == '.')
        && w.chars().any(char::is_alphabetic)
        && !stopwords().contains(w)
}

/// The words that distinguish the selected documents from the rest of the corpus (G²
/// keyness, see [`keyness`]), or, for the whole corpus, the words with the highest
/// `df × idf` (frequent, but not everywhere). Words are jieba's; `df` is the number of
/// passages a word is cut from (the index's word table), IDF over passages, `ln(N / df)`.
pub fn keywords(
    handle: &IndexHandle,
    docs: Option<&DocSelection>,
    n: usize,
) -> Result<Vec<Keyword>> {
    let searcher = handle.searcher();
    let total = searcher.num_docs().max(1) as f64;
    let dfs = handle.word_dfs()?;
    let mut out: Vec<Keyword> = Vec::new();
    match docs {
        Some(set) => {
            // Keyness of the selection against the rest of the corpus, by the passages a word
            // is cut from: log-likelihood G² (Rayson and Garside) over the 2×2 table of
            // passages with and without the word, in and out of the selection, and the log
            // ratio of its two rates as the effect size (Hardie); only words more frequent in
            // the selection.
            let mut analyzer = handle.word_analyzer()?;
            // Per word: passages of the selection holding it, its documents, the last one seen.
            let mut sel_df: HashMap<String, (u64, u64, u64)> = HashMap::new();
            let mut sel_passages = 0u64;
            let mut sel_docs = std::collections::HashSet::new();
            for (ord, seg) in searcher.segment_readers().iter().enumerate() {
                let doc_col = &handle.columns(ord as u32)?.doc;
                let alive = seg.alive_bitset();
                for d in 0..seg.max_doc() {
                    if d.is_multiple_of(256) {
                        crate::cancel::check()?;
                    }
                    if !set.contains(doc_col.get_val(d)) || alive.is_some_and(|a| a.is_deleted(d)) {
                        continue;
                    }
                    sel_passages += 1;
                    let doc = doc_col.get_val(d);
                    sel_docs.insert(doc);
                    let p = stored_passage(handle, &searcher, DocAddress::new(ord as u32, d))?;
                    let mut words = word_tokens(&mut analyzer, &normalize_words(&p.text));
                    words.sort_unstable();
                    words.dedup();
                    for w in words {
                        let e = sel_df.entry(w).or_insert((0, 0, u64::MAX));
                        e.0 += 1;
                        if e.2 != doc {
                            e.1 += 1;
                            e.2 = doc;
                        }
                    }
                }
            }
            let rest_passages = (total as u64).saturating_sub(sel_passages);
            // A keyword of several documents is spread over them: a name quoted in one news
            // item, or a fragment of one odd phrase, is not what sets them apart.
            let min_docs = match sel_docs.len() {
                0 | 1 => 1,
                2..=49 => 2,
                _ => 3,
            };
            let min_passages = if sel_passages >= 1000 { 3 } else { 2 };
            for (word, (a, docs_holding, _)) in sel_df {
                if a < min_passages || docs_holding < min_docs || !is_keyword_shaped(&word) {
                    continue;
                }
                let df = dfs.get(&word).copied().unwrap_or(0).max(a);
                let b = df - a;
                let Some((g2, log_ratio)) = keyness(a, b, sel_passages, rest_passages) else {
                    continue;
                };
                out.push(Keyword {
                    word,
                    score: g2,
                    tf: a,
                    df,
                    log_ratio: Some(log_ratio),
                });
            }
        }
        None => {
            for (word, &df) in dfs {
                if !is_keyword_shaped(word) {
                    continue;
                }
                let score = df as f64 * (total / df.max(1) as f64).ln();
                out.push(Keyword {
                    word: word.clone(),
                    score,
                    tf: df,
                    df,
                    log_ratio: None,
                });
            }
        }
    }
    if docs.is_some() {
        // Significant words (G² ≥ 15.13, p < 0.0001 with one degree of freedom) held in at
        // least 5 passages of the selection, by effect size; then the significant ones in
        // fewer, by effect size; then the others by G². A word held in a longer listed word
        // with the same count (jieba's search mode cuts 房地产 into 房地, 地产 too) is left out.
        let tier = |k: &Keyword| match (k.score >= SIGNIFICANT, k.tf >= 5) {
            (true, true) => 0,
            (true, false) => 1,
            _ => 2,
        };
        out.sort_by(|a, b| {
            let (ta, tb) = (tier(a), tier(b));
            ta.cmp(&tb)
                .then(if ta < 2 {
                    b.log_ratio
                        .unwrap_or(0.0)
                        .total_cmp(&a.log_ratio.unwrap_or(0.0))
                } else {
                    std::cmp::Ordering::Equal
                })
                .then(b.score.total_cmp(&a.score))
                .then(a.word.cmp(&b.word))
        });
        out.truncate(n.saturating_mul(4).max(n));
        let longer_held = |k: &Keyword| {
            out.iter()
                .any(|o| o.tf == k.tf && o.word.len() > k.word.len() && o.word.contains(&k.word))
        };
        let mut kept: Vec<Keyword> = out.iter().filter(|k| !longer_held(k)).cloned().collect();
        kept.truncate(n);
        kept.retain(|k| k.word.chars().count() >= 2);
        return Ok(kept);
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.word.cmp(&b.word)));
    out.truncate(n);
    Ok(out)
}
