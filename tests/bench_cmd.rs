//! `jiansuo bench`: every query kind timed and counted on the seeds, JSON parses back, the peak
//! RSS of the build and of the bench process reported.

use serde::Deserialize;

use crate::util::Fixture;

#[allow(dead_code)] // every field is parsed; not every test reads every field
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line {
    Index {
        documents: u64,
        passages: u64,
        index_bytes: u64,
        stages: Vec<(String, f64)>,
        peak_rss_bytes: Option<u64>,
    },
    Bench {
        kind: String,
        queries: usize,
        runs: usize,
        median_us: f64,
        p95_us: f64,
        p99_us: f64,
        max_us: f64,
        qps: f64,
        hits: u64,
    },
    Process {
        peak_rss_bytes: Option<u64>,
    },
}

#[test]
fn bench_times_every_kind_and_reports_memory() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let out = f
        .run(&["bench", "--count", "20", "--runs", "2", "--json"])
        .expect(0)
        .stdout();
    let lines: Vec<Line> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let Line::Index {
        documents,
        stages,
        peak_rss_bytes,
        ..
    } = &lines[0]
    else {
        panic!("{out}")
    };
    assert_eq!(*documents, 5);
    let names: Vec<&str> = stages.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "walk",
            "open",
            "create",
            "read+index",
            "commit",
            "merge",
            "themes",
            "metadata",
            "tables"
        ]
    );
    let linux = cfg!(target_os = "linux");
    assert_eq!(
        peak_rss_bytes.is_some_and(|b| b > 1_000_000),
        linux,
        "{out}"
    );
    let kinds: Vec<&str> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Bench {
                kind,
                queries,
                runs,
                median_us,
                p99_us,
                hits,
                ..
            } => {
                assert_eq!((*queries, *runs), (20, 2), "{out}");
                assert!(*hits > 0 && median_us <= p99_us, "{out}");
                Some(kind.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["phrase", "search", "quote", "theme"], "{out}");
    let Some(Line::Process { peak_rss_bytes }) = lines.last() else {
        panic!("{out}")
    };
    assert_eq!(
        peak_rss_bytes.is_some_and(|b| b > 1_000_000),
        linux,
        "{out}"
    );
    // The text form says the same.
    let text = f
        .run(&["bench", "--kind", "phrase", "--count", "5", "--runs", "1"])
        .expect(0)
        .stdout();
    assert!(
        text.contains("phrase") && text.contains("peak RSS: this process"),
        "{text}"
    );
}
