//! `jiansuo quote` and `jiansuo quotes` through the binary: variants found, JSON schema, filters,
//! exit codes.

use serde::Deserialize;

use crate::util::Fixture;

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum QuoteLine {
    Hit {
        doc: String,
        title: String,
        date: Option<String>,
        line: u32,
        start: usize,
        end: usize,
        coverage: f64,
        identity: f64,
        quoted: bool,
        speaker: Option<String>,
        text: String,
    },
    Summary {
        quote: String,
        hits: usize,
        docs: usize,
        candidates: usize,
        elapsed_us: u64,
        #[serde(default)]
        scope: Option<serde_json::Value>,
    },
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum QuotesLine {
    Cluster {
        text: String,
        matching: String,
        kind: String,
        occurrences: usize,
        docs: usize,
        variants: usize,
        speakers: Vec<Speaker>,
        first: Place,
        last: Place,
        years: Option<(u16, u16)>,
    },
    Summary {
        clusters: usize,
        shown: usize,
        quotations: usize,
        elapsed_us: u64,
        #[serde(default)]
        scope: Option<serde_json::Value>,
    },
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Speaker {
    name: Option<String>,
    count: usize,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Place {
    doc: String,
    line: u32,
    date: Option<String>,
}

/// doc, line, coverage, identity, quoted, speaker, text
type Hit = (String, u32, f64, f64, bool, Option<String>, String);

fn hits(f: &Fixture, quote: &str) -> Vec<Hit> {
    let out = f.run(&["quote", "--json", "--", quote]).stdout();
    out.lines()
        .filter_map(|l| match serde_json::from_str::<QuoteLine>(l).unwrap() {
            QuoteLine::Hit {
                doc,
                line,
                coverage,
                identity,
                quoted,
                speaker,
                text,
                ..
            } => Some((doc, line, coverage, identity, quoted, speaker, text)),
            QuoteLine::Summary { .. } => None,
        })
        .collect()
}

#[test]
fn finds_verbatim_partial_and_changed_citations_with_speakers() {
    let f = Fixture::empty();
    f.write(
        "corpus/a.txt",
        "调研报告\n习近平总书记强调，“调查研究是谋事之基、成事之道。没有调查，就没有发言权，更没有决策权”。\n"
            .as_bytes(),
    );
    f.write(
        "corpus/b.txt",
        "学习体会\n正如总书记所说，“没有调查，就没有发言权”。我们要深入基层。\n调查研究乃谋事之基，成事之道，这是经验之谈。\n"
            .as_bytes(),
    );
    f.write(
        "corpus/c.txt",
        "无关\n今天天气很好，我们去公园散步。\n".as_bytes(),
    );
    f.run(&["index"]).expect(0);
    let q = "调查研究是谋事之基、成事之道。没有调查，就没有发言权，更没有决策权";
    let found = hits(&f, q);
    let places: Vec<(&str, u32)> = found.iter().map(|h| (h.0.as_str(), h.1)).collect();
    assert_eq!(
        places,
        vec![("a.txt", 2), ("b.txt", 3), ("b.txt", 2)],
        "{found:?}"
    );
    // Verbatim, quoted, attributed.
    assert_eq!((found[0].2, found[0].3, found[0].4), (1.0, 1.0, true));
    assert_eq!(found[0].5.as_deref(), Some("习近平"));
    // Edited (乃 for 是) and unquoted, two of the four clauses.
    assert!(
        !found[1].4 && found[1].2 >= 0.4 && found[1].3 < 1.0,
        "{:?}",
        found[1]
    );
    // One clause, quoted, speaker from 总书记.
    assert_eq!((found[2].4, found[2].5.as_deref()), (true, Some("习近平")));
    assert_eq!(found[2].6, "没有调查，就没有发言权");
    // Short quotations need near-exact matches.
    assert!(hits(&f, "没有调查研究").is_empty());
    assert_eq!(hits(&f, "谋事之基，成事之道").len(), 2);
}

#[test]
fn exit_codes_and_bad_input() {
    let f = Fixture::with_seeds();
    f.run(&["quote", "坐在办公室碰到的都是问题"]).expect(0);
    f.run(&["quote", "春眠不觉晓处处闻啼鸟"]).expect(1);
    let run = f.run(&["quote", "“，”"]).expect(2);
    assert!(
        run.stderr().contains("at least two characters"),
        "{}",
        run.stderr()
    );
    let long = "调查研究".repeat(600);
    let run = f.run(&["quote", &long]).expect(2);
    assert!(run.stderr().contains("up to 2000"), "{}", run.stderr());
    let run = f
        .run(&["quote", "调查研究", "--min-coverage", "3"])
        .expect(2);
    assert!(run.stderr().contains("between 0 and 1"), "{}", run.stderr());
    let out = f
        .run(&["quote", "坐在办公室碰到的都是问题", "--color", "always"])
        .expect(0)
        .stdout();
    assert!(out.contains("\x1b[1;31m坐在办公室碰到的都是问题"), "{out}");
}

/// text, kind, docs, speakers
type Cluster = (String, String, usize, Vec<Option<String>>);

fn clusters(f: &Fixture, args: &[&str]) -> Vec<Cluster> {
    let mut all = vec!["quotes", "--json", "-n", "0"];
    all.extend_from_slice(args);
    let out = f.run(&all).stdout();
    out.lines()
        .filter_map(|l| match serde_json::from_str::<QuotesLine>(l).unwrap() {
            QuotesLine::Cluster {
                text,
                kind,
                docs,
                speakers,
                ..
            } => Some((
                text,
                kind,
                docs,
                speakers.into_iter().map(|s| s.name).collect(),
            )),
            QuotesLine::Summary { .. } => None,
        })
        .collect()
}

#[test]
fn quotes_are_clustered_and_filtered() {
    let f = Fixture::with_seeds();
    let all = clusters(&f, &[]);
    let top = &all[0];
    assert_eq!(
        (top.0.as_str(), top.1.as_str(), top.2),
        ("四下基层", "term", 5)
    );
    // The enumerations of the four 下基层 are one cluster in three documents, two wordings.
    assert!(all.iter().any(|c| {
        c.0.starts_with("宣传党的路线、方针、政策下基层，调查研究下基层") && c.2 == 3
    }));
    let xi = clusters(&f, &["--speaker", "总书记", "--kind", "cited"]);
    assert!(xi.len() >= 6, "{xi:?}");
    assert!(
        xi.iter()
            .all(|c| c.3.contains(&Some("习近平".into())) && c.1 == "cited")
    );
    assert!(xi.iter().any(|c| c.0.starts_with("调查研究是谋事之基")));
    let li = clusters(&f, &["--speaker", "李强"]);
    assert_eq!(li.len(), 1);
    assert!(li[0].0.starts_with("坐在办公室碰到的都是问题"));
    let wide = clusters(&f, &["--min-docs", "3"]);
    assert!(wide.iter().all(|c| c.2 >= 3) && !wide.is_empty());
    let one_doc = clusters(&f, &["--doc", "001_e15f6f0065914d81.txt"]);
    assert!(one_doc.iter().all(|c| c.2 == 1) && one_doc.iter().any(|c| c.0 == "最后一公里"));
    let titles = clusters(&f, &["--kind", "title"]);
    assert!(
        titles.iter().any(|c| c.0.contains("弱鸟如何先飞")),
        "{titles:?}"
    );
    let text = clusters(&f, &["飞入寻常百姓"]);
    assert!(text.iter().all(|c| c.0.contains("飞入寻常百姓")) && !text.is_empty());
    f.run(&["quotes", "不存在的引文"]).expect(1);
}
