//! `jiansuo phrase`: every occurrence and no other, against the brute-force oracle; KWIC,
//! `--strict`, `--count`, `--sort`, widths and cases; no jieba.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::oracle::{Lcg, Oracle};
use crate::util::{Fixture, required_corpora, required_corpora_index, seeds_dir};
use jiansuo::matching::matching_string;

#[allow(dead_code)] // every field is parsed; not every test reads every field
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Hit {
        doc: String,
        title: String,
        date: Option<String>,
        line: u32,
        start: usize,
        end: usize,
        left: String,
        #[serde(rename = "match")]
        matched: String,
        right: String,
    },
    Count {
        doc: String,
        hits: u64,
    },
    Summary {
        phrase: String,
        hits: u64,
        docs: usize,
        elapsed_us: u64,
        #[serde(default)]
        scope: Option<serde_json::Value>,
    },
}

fn parse(stdout: &str) -> Vec<Line> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `phrase --count --json` as a map, checking the summary against it.
fn counts_of(f: &Fixture, phrase: &str, extra: &[&str]) -> BTreeMap<String, u64> {
    let mut args = vec!["phrase", "--count", "--json", "--", phrase];
    args.splice(1..1, extra.iter().copied());
    let run = f.run(&args);
    let lines = parse(&run.stdout());
    let mut counts = BTreeMap::new();
    let mut last_hits = u64::MAX;
    for l in &lines[..lines.len() - 1] {
        let Line::Count { doc, hits } = l else {
            panic!("{l:?}")
        };
        assert!(*hits <= last_hits, "counts not sorted by count");
        last_hits = *hits;
        counts.insert(doc.clone(), *hits);
    }
    let Line::Summary {
        hits,
        docs,
        phrase: p,
        ..
    } = lines.last().unwrap()
    else {
        panic!("no summary")
    };
    assert_eq!(p, phrase);
    assert_eq!(*hits, counts.values().sum::<u64>());
    assert_eq!(*docs, counts.len());
    assert_eq!(
        run.code(),
        if *hits > 0 { 0 } else { 1 },
        "{phrase}: {}",
        run.stderr()
    );
    counts
}

#[test]
fn counts_equal_brute_force_on_the_seeds() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let oracle = Oracle::load(&seeds_dir());
    let mut rng = Lcg(3);
    let mut phrases: Vec<String> = (0..250).map(|_| oracle.sample(&mut rng, 20)).collect();
    // Across the places where site markers were removed, and longer than the indexed tail.
    phrases.extend(
        [
            "统编教材",
            "国家统编教材的政策",
            "纽带，建立",
            "“四下基层”同主题教育",
        ]
        .map(String::from),
    );
    phrases.extend((0..20).map(|_| oracle.sample(&mut rng, 80)));
    let mut nonzero = 0;
    for p in &phrases {
        let needle: Vec<char> = matching_string(p).chars().collect();
        let want = oracle.counts(&needle);
        assert_eq!(counts_of(&f, p, &[]), want, "phrase {p:?}");
        nonzero += usize::from(!want.is_empty());
    }
    assert!(nonzero > 200, "only {nonzero} phrases occur");
}

#[test]
fn listing_equals_counts_and_points_at_the_text() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let oracle = Oracle::load(&seeds_dir());
    let mut rng = Lcg(11);
    for _ in 0..60 {
        let p = oracle.sample(&mut rng, 12);
        let needle = matching_string(&p);
        let want: u64 = oracle
            .counts(&needle.chars().collect::<Vec<_>>())
            .values()
            .sum();
        let lines = parse(&f.run(&["phrase", "--json", "-C", "5", "--", &p]).stdout());
        let hits: Vec<&Line> = lines
            .iter()
            .filter(|l| matches!(l, Line::Hit { .. }))
            .collect();
        assert_eq!(hits.len() as u64, want, "{p:?}");
        for h in hits {
            let Line::Hit {
                doc,
                line,
                start,
                end,
                left,
                matched,
                right,
                ..
            } = h
            else {
                unreachable!()
            };
            let d = oracle.docs.iter().find(|d| &d.path == doc).unwrap();
            let text: Vec<char> = d
                .cleaned
                .split('\n')
                .nth(*line as usize - 1)
                .unwrap()
                .chars()
                .collect();
            assert_eq!(&text[*start..*end].iter().collect::<String>(), matched);
            assert_eq!(
                matching_string(matched),
                needle,
                "{p:?} matched {matched:?}"
            );
            assert_eq!(
                &text[start.saturating_sub(5)..*start]
                    .iter()
                    .collect::<String>(),
                left
            );
            assert_eq!(
                &text[*end..(*end + 5).min(text.len())]
                    .iter()
                    .collect::<String>(),
                right
            );
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn counts_equal_brute_force_on_the_shared_corpora() {
    let (root, index) = (required_corpora(), required_corpora_index());
    let handle = jiansuo::index::IndexHandle::open(index).unwrap();
    let oracle = Oracle::load(&root);
    let mut rng = Lcg(2026);
    let mut phrases: Vec<String> = (0..300).map(|_| oracle.sample(&mut rng, 20)).collect();
    phrases.extend((0..20).map(|_| oracle.sample(&mut rng, 60)));
    phrases.extend(
        [
            "央视网消息（新闻联播）",
            "的",
            "5G",
            "２０２５年",
            "习近平总书记强调",
        ]
        .map(String::from),
    );
    for p in &phrases {
        let needle: Vec<char> = matching_string(p).chars().collect();
        let want = oracle.counts(&needle);
        let got = jiansuo::query::count_phrase(&handle, &needle, None).unwrap();
        let got: BTreeMap<String, u64> = got
            .per_doc
            .iter()
            .map(|&(d, c)| (handle.doc(d).unwrap().path, c))
            .collect();
        assert_eq!(got, want, "phrase {p:?}");
    }
    // And through the binary, for a few.
    let f = Fixture::empty();
    let index = index.to_str().unwrap();
    for p in phrases.iter().take(15) {
        let needle: Vec<char> = matching_string(p).chars().collect();
        assert_eq!(
            counts_of(&f, p, &["--index", index]),
            oracle.counts(&needle),
            "{p:?}"
        );
    }
}

#[test]
fn kwic_lines_align_on_the_match() {
    let f = Fixture::with_seeds();
    let out = f
        .run(&["phrase", "调查研究", "--color", "never", "-C", "10"])
        .expect(0)
        .stdout();
    let columns: Vec<usize> = out
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| unicode_width::UnicodeWidthStr::width(&l[..l.find(" 调查研究 ").unwrap()]))
        .collect();
    assert!(columns.len() > 20, "{out}");
    assert!(columns.iter().all(|&c| c == columns[0]), "{out}");
    // Grouped by document: blank lines between documents, each line names document and line.
    assert_eq!(out.split("\n\n").count(), 5, "{out}");
    assert!(out.lines().all(|l| l.is_empty() || l.contains(".txt:")));
    let coloured = f
        .run(&["phrase", "调查研究", "--color", "always"])
        .expect(0)
        .stdout();
    assert!(coloured.contains("\x1b[1;31m调查研究\x1b[0m"));
}

#[test]
fn sort_left_and_right() {
    let f = Fixture::with_seeds();
    let rows = |by: &str| -> Vec<(String, String)> {
        parse(
            &f.run(&["phrase", "下基层", "--json", "--sort", by, "-C", "4"])
                .expect(0)
                .stdout(),
        )
        .into_iter()
        .filter_map(|l| match l {
            Line::Hit { left, right, .. } => Some((left, right)),
            _ => None,
        })
        .collect()
    };
    let left = rows("left");
    let keys: Vec<String> = left
        .iter()
        .map(|(l, _)| l.chars().rev().collect())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    let right = rows("right");
    assert!(right.windows(2).all(|w| w[0].1 <= w[1].1));
    assert_eq!(left.len(), right.len());
    assert!(left.len() > 30);
}

#[test]
fn strict_requires_literal_punctuation() {
    let f = Fixture::with_seeds();
    f.run(&["phrase", "没有调查就没有发言权"]).expect(0);
    f.run(&["phrase", "没有调查就没有发言权", "--strict"])
        .expect(1);
    let out = f
        .run(&["phrase", "没有调查，就没有发言权", "--strict", "--json"])
        .expect(0)
        .stdout();
    assert!(
        out.contains("\"match\":\"没有调查，就没有发言权\""),
        "{out}"
    );
    let total = |p: &str, extra: &[&str]| counts_of(&f, p, extra).values().sum::<u64>();
    assert_eq!(total("，“四下基层”", &[]), 102);
    assert_eq!(total("，“四下基层”", &["--strict"]), 6);
    assert_eq!(total("调查研究，", &["--strict"]), 3);
    // Every 四下基层 in the seeds stands in quote marks.
    assert_eq!(total("“四下基层”", &["--strict"]), 102);
}

#[test]
fn empty_phrase_is_an_error_and_single_characters_are_found() {
    let f = Fixture::with_seeds();
    let run = f.run(&["phrase", "，。“”  "]).expect(2);
    assert!(
        run.stderr().contains("nothing to match"),
        "{}",
        run.stderr()
    );
    let oracle = Oracle::load(&seeds_dir());
    for c in ["基", "的", "扞"] {
        let want = oracle.counts(&c.chars().collect::<Vec<_>>());
        assert_eq!(counts_of(&f, c, &[]), want, "{c}");
    }
}

#[test]
fn letters_digits_and_full_width() {
    let f = Fixture::empty();
    f.write(
        "corpus/a.txt",
        "标题\n推进5G网络建设，２０２５年目标。\nＡＢＣ与abc及5g\n".as_bytes(),
    );
    f.write("corpus/b.txt", "另一篇\n2025年，5G基站\n".as_bytes());
    f.run(&["index"]).expect(0);
    let total = |p: &str| counts_of(&f, p, &[]).values().sum::<u64>();
    assert_eq!(total("5G"), 3);
    assert_eq!(total("5g"), 3);
    assert_eq!(total("2025年"), 2);
    assert_eq!(total("２０２５年"), 2);
    assert_eq!(total("abc"), 2);
    assert_eq!(total("Ａｂｃ与"), 1);
    let out = f.run(&["phrase", "２０２５", "--json"]).expect(0).stdout();
    assert!(out.contains("\"match\":\"２０２５\""), "{out}");
    assert!(out.contains("\"match\":\"2025\""), "{out}");
}

#[test]
fn phrase_does_not_load_jieba() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    // Without the dictionary copy, word search cannot start; phrase lookup does not need it.
    std::fs::remove_file(f.path("index/gen-000001/user-dict.txt")).unwrap();
    f.run(&["phrase", "调查研究"]).expect(0);
    f.run(&["search", "调查研究"]).expect(2);
}
