//! `bench`: query latency measured in-process on an open index.
//!
//! A query set (from a file, or drawn reproducibly from the index's own passages) is run once to
//! warm up, then `runs` times; every run of every query is timed. Reported per query kind:
//! count, median, p95, p99 and max latency, queries per second, and the total hit count, so that
//! "faster but wrong" shows.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::api;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::matching::matching_string;
pub use crate::process::peak_rss_bytes;
use crate::query;

/// The kinds of query that can be measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryKind {
    /// `phrase --count`: every occurrence and document counted.
    Phrase,
    /// `search -n 10`: BM25 top 10 with stored text and highlights.
    Search,
    /// `quote`: every paragraph citing a quotation (candidates and alignment).
    Quote,
    /// `search --theme NAME [QUERY]`: top 10 by theme score (plus BM25 with a query); a query
    /// file line is `theme<TAB>NAME` or `theme<TAB>NAME<TAB>QUERY`.
    Theme,
    /// `phrase --by year`: occurrences counted per year, with the years' sizes.
    Trend,
}

impl QueryKind {
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::Phrase => "phrase",
            QueryKind::Search => "search",
            QueryKind::Quote => "quote",
            QueryKind::Theme => "theme",
            QueryKind::Trend => "trend",
        }
    }

    fn parse(s: &str) -> Option<QueryKind> {
        match s {
            "phrase" => Some(QueryKind::Phrase),
            "search" => Some(QueryKind::Search),
            "quote" => Some(QueryKind::Quote),
            "theme" => Some(QueryKind::Theme),
            "trend" => Some(QueryKind::Trend),
            _ => None,
        }
    }
}

/// One query to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    pub kind: QueryKind,
    pub text: String,
}

/// Figures for one query kind (a `bench --json` `bench` line; fields in the order written).
#[derive(Debug, Clone, Serialize)]
pub struct KindReport {
    /// Hits of one run over all queries (occurrences for `phrase`, matching passages for
    /// `search`).
    pub hits: u64,
    pub kind: QueryKind,
    pub max_us: f64,
    pub median_us: f64,
    pub p95_us: f64,
    pub p99_us: f64,
    pub qps: f64,
    pub queries: usize,
    pub runs: usize,
    #[serde(rename = "type")]
    pub line: &'static str,
}

/// A small deterministic generator (64-bit LCG): the same seed draws the same queries.
#[derive(Debug, Clone)]
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Read a query file: one query per line, either `TEXT` (of kind `default`) or
/// `KIND<TAB>TEXT`; empty lines and lines starting with `#` are skipped.
pub fn parse_queries(text: &str, default: QueryKind) -> Result<Vec<BenchQuery>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (kind, q) = match line.split_once('\t') {
            Some((k, q)) => (
                QueryKind::parse(k.trim()).ok_or_else(|| {
                    Error::Query(format!(
                        "query file line {}: unknown kind {k:?} (phrase, search, quote or theme)",
                        i + 1
                    ))
                })?,
                q,
            ),
            None => (default, line),
        };
        out.push(BenchQuery {
            kind,
            text: q.to_owned(),
        });
    }
    Ok(out)
}

/// Queries as the lines of a query file (`KIND<TAB>TEXT`), which [`parse_queries`] reads back.
pub fn query_lines(queries: &[BenchQuery]) -> String {
    queries
        .iter()
        .map(|q| format!("{}\t{}\n", q.kind.name(), q.text))
        .collect()
}

/// Draw `n` queries of `kind` from the index's passages: phrases are substrings of 1–16
/// characters of a passage's matching form (lengths uniform), searches are 2–6 characters of a
/// passage's text, quotes are cited quotations of a random document.
pub fn sample_queries(
    handle: &IndexHandle,
    kind: QueryKind,
    n: usize,
    rng: &mut Lcg,
) -> Result<Vec<BenchQuery>> {
    let searcher = handle.searcher();
    if handle.docs().is_empty() {
        return Err(Error::Query(
            "the index has no passages to draw queries from".into(),
        ));
    }
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0;
    while out.len() < n && attempts < n * 50 {
        attempts += 1;
        // A random document, then a random passage of it: the same draw on every build of the
        // same corpus, whatever order the indexing threads wrote the passages in.
        let doc = rng.below(handle.docs().len()) as u64;
        let addrs = query::passage_addresses(handle, &searcher, doc)?;
        if addrs.is_empty() {
            continue;
        }
        let mut passages = Vec::with_capacity(addrs.len());
        for a in addrs {
            passages.push(query::stored_passage(handle, &searcher, a)?);
        }
        passages.sort_unstable_by_key(|p| p.passage);
        if kind == QueryKind::Theme {
            // A theme alone, or with two characters of a passage as the query.
            let lexicon = &handle.themes()?.lexicon;
            let name = lexicon.themes[rng.below(lexicon.themes.len())].name.clone();
            let text = if rng.below(2) == 0 {
                name
            } else {
                let chars: Vec<char> = passages[rng.below(passages.len())].text.chars().collect();
                let start = rng.below(chars.len().saturating_sub(1).max(1));
                let q: String = chars[start..(start + 2).min(chars.len())].iter().collect();
                if crate::matching::matching_string(&q).chars().count() < 2 {
                    name
                } else {
                    format!("{name}\t{q}")
                }
            };
            out.push(BenchQuery { kind, text });
            continue;
        }
        if kind == QueryKind::Quote {
            let cited: Vec<String> = handle
                .quotes()?
                .get(doc as usize)?
                .into_iter()
                .filter(|q| {
                    q.kind == crate::analyze::QuoteKind::Cited && q.matching.chars().count() >= 4
                })
                .map(|q| q.text)
                .collect();
            if !cited.is_empty() {
                let text = cited[rng.below(cited.len())].clone();
                out.push(BenchQuery { kind, text });
            }
            continue;
        }
        let passage = &passages[rng.below(passages.len())];
        let (source, len): (Vec<char>, usize) = match kind {
            QueryKind::Phrase | QueryKind::Trend => (
                matching_string(&passage.text).chars().collect(),
                1 + rng.below(16),
            ),
            QueryKind::Search | QueryKind::Quote | QueryKind::Theme => {
                (passage.text.chars().collect(), 2 + rng.below(5))
            }
        };
        if source.len() < len {
            continue;
        }
        let start = rng.below(source.len() - len + 1);
        let text: String = source[start..start + len].iter().collect();
        if matching_string(&text).is_empty() {
            continue;
        }
        out.push(BenchQuery { kind, text });
    }
    Ok(out)
}

/// Run one query through the query API, as its command would; returns its hit count (a
/// query the API refuses, such as one of punctuation only, counts 0).
pub fn run_query(handle: &IndexHandle, q: &BenchQuery, filters: &api::Filters) -> Result<u64> {
    let counted = match q.kind {
        QueryKind::Phrase => {
            let req = api::PhraseRequest {
                filters: filters.clone(),
                ..api::PhraseRequest::new(&q.text)
            };
            api::phrase_counts(handle, &req).map(|r| r.summary.hits)
        }
        QueryKind::Trend => {
            let req = api::TrendRequest {
                phrases: vec![q.text.clone()],
                by: api::By::Year,
                strict: false,
                filters: filters.clone(),
            };
            api::phrase_trend(handle, &req).map(|r| r.summary.hits[0])
        }
        QueryKind::Search => {
            let req = api::SearchRequest {
                query: q.text.clone(),
                limit: 10,
                filters: filters.clone(),
                ..Default::default()
            };
            api::search(handle, &req).map(|r| r.summary.total as u64)
        }
        QueryKind::Theme => {
            let (name, query) = q.text.split_once('\t').unwrap_or((&q.text, ""));
            // An unknown theme in a query file is an error, not a query with no hits.
            let themes = vec![name.to_owned()];
            api::resolve_themes(handle, &themes, None)?;
            let req = api::SearchRequest {
                query: query.to_owned(),
                themes,
                limit: 10,
                filters: filters.clone(),
                ..Default::default()
            };
            api::search(handle, &req).map(|r| r.summary.total as u64)
        }
        QueryKind::Quote => {
            let req = api::QuoteRequest {
                filters: filters.clone(),
                ..api::QuoteRequest::new(&q.text)
            };
            api::quote(handle, &req).map(|r| r.total as u64)
        }
    };
    match counted {
        Err(Error::Query(_)) => Ok(0),
        other => other,
    }
}

/// A measurement: the queries, and how many timed passes over them.
#[derive(Debug, Clone)]
pub struct BenchRequest {
    pub queries: Vec<BenchQuery>,
    pub runs: usize,
    /// The documents every query is limited to.
    pub filters: api::Filters,
}

/// The index measured (the first `bench --json` line; fields in the order written).
#[derive(Debug, Clone, Serialize)]
pub struct BenchIndex {
    pub bytes: u64,
    pub chars: u64,
    pub documents: u64,
    pub index_bytes: u64,
    pub mb_per_s: f64,
    pub paragraphs: u64,
    pub passages: u64,
    /// The index directory.
    pub path: String,
    /// Of the build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    pub quotations: u64,
    pub seconds: f64,
    pub segments: usize,
    pub skipped: u64,
    pub stages: Vec<(String, f64)>,
    pub threads: usize,
    #[serde(rename = "type")]
    pub line: &'static str,
    pub word_tokens: u64,
}

/// The measuring process (the last `bench --json` line).
#[derive(Debug, Clone, Serialize)]
pub struct BenchProcess {
    pub peak_rss_bytes: Option<u64>,
    #[serde(rename = "type")]
    pub line: &'static str,
}

/// What a measurement found.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResponse {
    pub index: BenchIndex,
    pub kinds: Vec<KindReport>,
    pub process: BenchProcess,
}

/// Measure the queries on an open index.
pub fn bench(handle: &IndexHandle, req: &BenchRequest) -> Result<BenchResponse> {
    let kinds = run_bench(handle, &req.queries, req.runs, &req.filters)?;
    let s = &handle.meta().stats;
    Ok(BenchResponse {
        index: BenchIndex {
            bytes: s.bytes,
            chars: s.chars,
            documents: s.documents,
            index_bytes: s.index_bytes,
            mb_per_s: s.mb_per_s,
            paragraphs: s.paragraphs,
            passages: s.passages,
            path: handle.dir().display().to_string(),
            peak_rss_bytes: s.peak_rss_bytes,
            quotations: s.quotations,
            seconds: s.seconds,
            segments: s.segments,
            skipped: s.skipped,
            stages: s.stages.clone(),
            threads: s.threads,
            line: "index",
            word_tokens: s.word_tokens,
        },
        kinds,
        process: BenchProcess {
            peak_rss_bytes: peak_rss_bytes(),
            line: "process",
        },
    })
}

/// Time every query: a warm-up pass, then `runs` timed passes. One report per kind present.
pub fn run_bench(
    handle: &IndexHandle,
    queries: &[BenchQuery],
    runs: usize,
    filters: &api::Filters,
) -> Result<Vec<KindReport>> {
    let runs = runs.max(1);
    let mut kinds: Vec<QueryKind> = queries.iter().map(|q| q.kind).collect();
    kinds.sort();
    kinds.dedup();
    if kinds.contains(&QueryKind::Search) || kinds.contains(&QueryKind::Theme) {
        drop(handle.word_analyzer()?); // load jieba before timing
    }
    let mut reports = Vec::new();
    for kind in kinds {
        let set: Vec<&BenchQuery> = queries.iter().filter(|q| q.kind == kind).collect();
        let mut hits = 0u64;
        for q in &set {
            hits += run_query(handle, q, filters)?;
        }
        let mut times: Vec<Duration> = Vec::with_capacity(set.len() * runs);
        for _ in 0..runs {
            for q in &set {
                let t = Instant::now();
                let h = run_query(handle, q, filters)?;
                times.push(t.elapsed());
                std::hint::black_box(h);
            }
        }
        reports.push(summarise(kind, set.len(), runs, &mut times, hits));
    }
    Ok(reports)
}

fn summarise(
    kind: QueryKind,
    queries: usize,
    runs: usize,
    times: &mut [Duration],
    hits: u64,
) -> KindReport {
    times.sort_unstable();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let pct = |p: f64| -> f64 {
        if times.is_empty() {
            return 0.0;
        }
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        us(times[i])
    };
    let total: f64 = times.iter().map(|d| d.as_secs_f64()).sum();
    KindReport {
        kind,
        queries,
        runs,
        median_us: pct(0.5),
        p95_us: pct(0.95),
        p99_us: pct(0.99),
        max_us: times.last().map_or(0.0, |d| us(*d)),
        qps: if total > 0.0 {
            times.len() as f64 / total
        } else {
            0.0
        },
        hits,
        line: "bench",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_file_lines() {
        let q = parse_queries(
            "# comment\n调查研究\nsearch\t信访\n\nphrase\t5G\n",
            QueryKind::Phrase,
        )
        .unwrap();
        let got: Vec<(QueryKind, &str)> = q.iter().map(|q| (q.kind, q.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (QueryKind::Phrase, "调查研究"),
                (QueryKind::Search, "信访"),
                (QueryKind::Phrase, "5G")
            ]
        );
        let err = parse_queries("topic\tx\n", QueryKind::Phrase).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn percentiles() {
        let mut times: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let r = summarise(QueryKind::Phrase, 100, 1, &mut times, 7);
        assert_eq!(
            (r.median_us, r.p95_us, r.p99_us, r.max_us),
            (51.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(r.hits, 7);
    }
}
