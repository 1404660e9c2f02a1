//! `themes` and `keywords`: how much of a document (or the corpus) is about each theme, and
//! which words characterise it.

use std::collections::HashMap;

use tantivy::DocAddress;

use super::{StoredPassage, stored_passage};
use crate::error::Result;
use crate::index::{DocSelection, IndexHandle};
use crate::index::tokenize::{normalize_words, word_tokens};

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
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let Some(row) = ts.row_of(seg) else { continue };
        let place = super::search::Place::of(seg, ranks.clone());
        let doc_col = &handle.columns(ord as u32)?.doc;
        let alive = seg.alive_bitset();
        for d in 0..seg.max_doc() {
            if docs.is_some_and(|s| !s.contains(doc_col.get_val(d)))
                || !alive.is_none_or(|a| a.is_alive(d))
            {
                continue;
            }
            for t in 0..n {
                let s = ts.sum_at(row, d, &[t]);
                if s <= 0.0 {
                    continue;
                }
                totals[t] += f64::from(s);
                about[t] += usize::from(s >= ABOUT);
                let b = &mut best[t];
                let key = place.key(d);
                if b.len() < top || b.last().is_some_and(|x| x.0 < s || (x.0 == s && key < x.1)) {
                    b.push((s, key, DocAddress::new(ord as u32, d)));
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
    pub score: f64,
    /// Occurrences in the selected documents (for the whole corpus: passages holding it).
    pub tf: u64,
    /// Passages of the corpus holding it.
    pub df: u64,
}

/// Words that say nothing about a text.
const STOPWORDS: &[&str] = &[
    "我们",
    "他们",
    "你们",
    "一个",
    "这个",
    "那个",
    "这些",
    "那些",
    "进行",
    "以及",
    "没有",
    "可以",
    "通过",
    "一些",
    "已经",
    "就是",
    "还是",
    "如果",
    "因为",
    "所以",
    "但是",
    "而且",
    "同时",
    "其中",
    "自己",
    "什么",
    "怎么",
    "这样",
    "那样",
    "今年",
    "去年",
    "目前",
    "记者",
    "表示",
    "指出",
    "认为",
    "央视网",
    "消息",
    "新闻联播",
    "一是",
    "二是",
    "三是",
    "四是",
    "方面",
    "工作",
    "有关",
];

fn is_keyword_shaped(w: &str) -> bool {
    w.chars().count() >= 2
        && !w.chars().all(|c| c.is_ascii_digit() || c == '.')
        && w.chars().any(char::is_alphabetic)
        && !STOPWORDS.contains(&w)
}

/// TF-IDF keywords of the selected documents, or, for the whole corpus, the words with the
/// highest `df × idf` (frequent, but not everywhere). Words are jieba's; `df` is the number of
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
            let mut analyzer = handle.word_analyzer()?;
            let mut tf: HashMap<String, u64> = HashMap::new();
            for (ord, seg) in searcher.segment_readers().iter().enumerate() {
                let doc_col = &handle.columns(ord as u32)?.doc;
                let alive = seg.alive_bitset();
                for d in 0..seg.max_doc() {
                    if !set.contains(doc_col.get_val(d)) || alive.is_some_and(|a| a.is_deleted(d))
                    {
                        continue;
                    }
                    let p = stored_passage(handle, &searcher, DocAddress::new(ord as u32, d))?;
                    for w in word_tokens(&mut analyzer, &normalize_words(&p.text)) {
                        *tf.entry(w).or_default() += 1;
                    }
                }
            }
            for (word, count) in tf {
                if !is_keyword_shaped(&word) {
                    continue;
                }
                let df = dfs.get(&word).copied().unwrap_or(1).max(1);
                let score = count as f64 * (total / df as f64).ln();
                out.push(Keyword {
                    word,
                    score,
                    tf: count,
                    df,
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
                });
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.word.cmp(&b.word)));
    out.truncate(n);
    Ok(out)
}
