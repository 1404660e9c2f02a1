//! `quote` against the oracle: an exhaustive alignment of each query against every paragraph.
//!
//! The queries (tests/data/quote_eval.tsv) are 36 quotations from the seeds and the corpora in
//! seven forms each: verbatim, truncated, punctuation changed, a character dropped, replaced or
//! inserted, two words swapped. The oracle aligns each query with every paragraph of the corpus
//! (a paragraph is skipped only when it cannot hold a hit: it shares fewer distinct bigrams with
//! the query than any hit must keep, a proven bound) and keeps those reaching the thresholds.
//! Recall and precision of `quote` on (document, line) are asserted at ≥ 0.98 and ≥ 0.95.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

use jiansuo::align::align;
use jiansuo::index::IndexHandle;
use jiansuo::matching::matching_string;
use jiansuo::query::{QuoteOptions, find_quote, min_shared_bigrams};

use crate::oracle::Oracle;
use crate::util::{Fixture, data_rows, required_corpora, required_corpora_index, seeds_dir};

struct Query {
    id: String,
    variant: String,
    text: String,
}

fn queries() -> Vec<Query> {
    data_rows("quote_eval.tsv")
        .into_iter()
        .map(|f| Query {
            id: f[0].clone(),
            variant: f[2].clone(),
            text: f[3].clone(),
        })
        .collect()
}

type Hits = BTreeSet<(String, u32)>;

fn oracle_hits(oracle: &Oracle, text: &str, opts: QuoteOptions) -> Hits {
    let needle: Vec<char> = matching_string(text).chars().collect();
    let bigrams: Vec<(char, char)> = needle.windows(2).map(|w| (w[0], w[1])).collect();
    let distinct: HashSet<(char, char)> = bigrams.iter().copied().collect();
    let need = min_shared_bigrams(needle.len(), bigrams.len() - distinct.len(), opts) as usize;
    let mut out = Hits::new();
    let mut seen: HashSet<(char, char)> = HashSet::new();
    for d in &oracle.docs {
        for (p, line) in d.paragraphs.iter().zip(&d.lines) {
            seen.clear();
            for w in p.windows(2) {
                if distinct.contains(&(w[0], w[1])) {
                    seen.insert((w[0], w[1]));
                }
            }
            if seen.len() < need {
                continue;
            }
            let Some(a) = align(&needle, p) else { continue };
            if a.coverage(needle.len()) + 1e-9 >= opts.min_coverage
                && a.identity() + 1e-9 >= opts.min_identity
            {
                out.insert((d.path.clone(), *line));
            }
        }
    }
    out
}

fn tool_hits(handle: &IndexHandle, text: &str, opts: QuoteOptions) -> (Hits, f64) {
    let t = Instant::now();
    let r = find_quote(handle, text, opts, None).unwrap();
    let ms = t.elapsed().as_secs_f64() * 1e3;
    (r.hits.into_iter().map(|h| (h.path, h.line)).collect(), ms)
}

/// Returns (true positives, false positives, false negatives, latencies in ms).
fn evaluate(handle: &IndexHandle, oracle: &Oracle) -> (usize, usize, usize, Vec<f64>) {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut by_variant: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut times = Vec::new();
    for q in queries() {
        let n = matching_string(&q.text).chars().count();
        let opts = QuoteOptions::for_length(n);
        let want = oracle_hits(oracle, &q.text, opts);
        let (got, ms) = tool_hits(handle, &q.text, opts);
        times.push(ms);
        let t = got.intersection(&want).count();
        let (f, m) = (got.len() - t, want.len() - t);
        if f + m > 0 {
            eprintln!(
                "{} {}: {t} found, {f} extra {:?}, {m} missed {:?}",
                q.id,
                q.variant,
                got.difference(&want).take(3).collect::<Vec<_>>(),
                want.difference(&got).take(3).collect::<Vec<_>>()
            );
        }
        let v = by_variant.entry(q.variant.clone()).or_default();
        *v = (v.0 + t, v.1 + f, v.2 + m);
        tp += t;
        fp += f;
        fn_ += m;
    }
    for (variant, (t, f, m)) in &by_variant {
        eprintln!("{variant:>12}: {t} found, {f} extra, {m} missed");
    }
    (tp, fp, fn_, times)
}

fn report(name: &str, tp: usize, fp: usize, fn_: usize, mut times: Vec<f64>) -> (f64, f64) {
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    eprintln!(
        "{name}: {tp} hits agreed, {fp} extra, {fn_} missed: recall {recall:.4}, precision {precision:.4}; \
         latency median {:.2} ms, p99 {:.2} ms over {} queries",
        pct(0.5),
        pct(0.99),
        times.len()
    );
    (recall, precision)
}

#[test]
fn quote_recall_and_precision_on_the_seeds() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let handle = IndexHandle::open(&f.path("index")).unwrap();
    let oracle = Oracle::load(&seeds_dir());
    let (tp, fp, fn_, times) = evaluate(&handle, &oracle);
    let (recall, precision) = report("seeds", tp, fp, fn_, times);
    assert!(tp > 60, "only {tp} hits");
    assert!(
        recall >= 0.98 && precision >= 0.95,
        "recall {recall}, precision {precision}"
    );
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn quote_recall_and_precision_on_the_shared_corpora() {
    let (root, index) = (required_corpora(), required_corpora_index());
    let handle = IndexHandle::open(index).unwrap();
    let oracle = Oracle::load(&root);
    let (tp, fp, fn_, times) = evaluate(&handle, &oracle);
    let (recall, precision) = report("corpora", tp, fp, fn_, times);
    assert!(tp > 500, "only {tp} hits");
    assert!(
        recall >= 0.98 && precision >= 0.95,
        "recall {recall}, precision {precision}"
    );
}
