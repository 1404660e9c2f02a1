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
    for c in ["基", "的", "扞", "A"] {
        let want = oracle.counts(&matching_string(c).chars().collect::<Vec<_>>());
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

/// Simplified text written in traditional characters: each character that some traditional
/// character folds to is replaced by the first such (in code point order).
fn to_traditional(s: &str) -> String {
    let mut back: BTreeMap<char, char> = BTreeMap::new();
    for (t, simp) in jiansuo::matching::fold::table().pairs() {
        back.entry(simp).or_insert(t);
    }
    s.chars().map(|c| *back.get(&c).unwrap_or(&c)).collect()
}

/// Occurrences of `number` as a whole number in `text`: not preceded by a letter, digit or a
/// decimal point that follows a digit, and not followed by a digit, a decimal point and a
/// digit, or a letter. Written from the definition, on the cleaned text, with no matching form.
fn whole_number_occurrences(text: &str, number: &str, then: &[char]) -> u64 {
    let cs: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
            '．' => '.',
            '％' => '%',
            '，' => ',',
            c => c,
        })
        .collect();
    let digit = |k: usize| cs.get(k).is_some_and(|c| c.is_ascii_digit());
    // A grouping comma: after a digit, before exactly three digits.
    let grouping = |k: usize| {
        cs.get(k) == Some(&',')
            && k > 0
            && digit(k - 1)
            && (1..=3).all(|d| digit(k + d))
            && !digit(k + 4)
    };
    let n: Vec<char> = number.chars().collect();
    let run = |c: char| c.is_ascii_alphanumeric();
    let mut count = 0;
    for i in 0..cs.len().saturating_sub(n.len() - 1) {
        if cs[i..i + n.len()] != n[..] {
            continue;
        }
        let before = i.checked_sub(1).map(|j| cs[j]);
        let before2 = i.checked_sub(2).map(|j| cs[j]);
        if before.is_some_and(run)
            || (before == Some('.') && before2.is_some_and(|c| c.is_ascii_digit()))
            || (i > 0 && grouping(i - 1))
        {
            continue;
        }
        let j = i + n.len();
        let after = cs.get(j).copied();
        let after2 = cs.get(j + 1).copied();
        if after.is_some_and(run)
            || (after == Some('.') && after2.is_some_and(|c| c.is_ascii_digit()))
            || grouping(j)
        {
            continue;
        }
        if !then.is_empty() && !after.is_some_and(|c| then.contains(&c)) {
            continue;
        }
        count += 1;
    }
    count
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn matching_form_v2_on_the_shared_corpora() {
    let (root, index) = (required_corpora(), required_corpora_index());
    let handle = jiansuo::index::IndexHandle::open(index).unwrap();
    let oracle = Oracle::load(&root);
    let count = |p: &str| -> BTreeMap<String, u64> {
        let needle: Vec<char> = matching_string(p).chars().collect();
        jiansuo::query::count_phrase(&handle, &needle, None)
            .unwrap()
            .per_doc
            .iter()
            .map(|&(d, c)| (handle.doc(d).unwrap().path, c))
            .collect()
    };
    let mut rng = Lcg(1954);
    // Phrases from the traditional report, from lines with Latin letters or digits, and
    // simplified phrases written in traditional characters: 100 % recall and precision against
    // the scan of folded text; the traditional spelling counts what the simplified one does.
    let mut phrases: Vec<String> = Vec::new();
    for _ in 0..80 {
        phrases.extend(oracle.sample_where(&mut rng, 16, "gwr_1954", |_| true));
    }
    for _ in 0..80 {
        phrases.extend(oracle.sample_where(&mut rng, 12, "", |l| {
            l.chars().any(|c| c.is_ascii_alphabetic())
        }));
        phrases.extend(oracle.sample_where(&mut rng, 12, "", |l| {
            l.contains('.') || l.contains('%') || l.contains('％') || l.contains(',')
        }));
    }
    let simplified: Vec<String> = (0..60).map(|_| oracle.sample(&mut rng, 12)).collect();
    assert!(phrases.len() > 200, "{}", phrases.len());
    for p in phrases.iter().chain(&simplified) {
        let needle: Vec<char> = matching_string(p).chars().collect();
        assert_eq!(count(p), oracle.counts(&needle), "phrase {p:?}");
    }
    let mut differ = 0;
    for p in &simplified {
        let t = to_traditional(p);
        differ += usize::from(&t != p);
        assert_eq!(count(&t), count(p), "{t:?} against {p:?}");
    }
    assert!(differ > 30, "only {differ} phrases changed script");

    // The cases.
    let simp = count("政府工作报告");
    assert_eq!(count("政府工作報告"), simp);
    assert!(simp.contains_key("gov_reports/gwr_1954.txt"), "{simp:?}");
    assert!(!count("调查研究").is_empty());
    assert_eq!(count("習近平"), count("习近平"));
    assert_eq!(count("調查研究"), count("调查研究"));

    // search and quote answer the same in either script.
    let passages = |q: &str| -> Vec<(String, u32, u32)> {
        let req = jiansuo::api::SearchRequest {
            query: q.into(),
            limit: 0,
            ..Default::default()
        };
        let r = jiansuo::api::search(&handle, &req).unwrap();
        r.hits
            .iter()
            .map(|h| (h.doc.clone(), h.line, h.passage))
            .collect()
    };
    let simp = passages("习近平 调查研究");
    assert!(simp.len() > 50, "{}", simp.len());
    assert_eq!(passages("習近平 調查研究"), simp);
    let cited = |q: &str| -> Vec<(String, u32, String)> {
        let r = jiansuo::api::quote(&handle, &jiansuo::api::QuoteRequest::new(q)).unwrap();
        r.hits
            .iter()
            .map(|h| (h.doc.clone(), h.line, format!("{:.3}", h.coverage)))
            .collect()
    };
    for (t, s) in [
        ("綠水青山就是金山銀山", "绿水青山就是金山银山"),
        (
            "人民對美好生活的嚮往，就是我們的奮鬥目標",
            "人民对美好生活的向往，就是我们的奋斗目标",
        ),
    ] {
        let want = cited(s);
        assert!(want.len() > 2, "{s}: {}", want.len());
        assert_eq!(cited(t), want, "{t}");
    }

    // Numbers: 3.5% is the whole number 3.5 before a percent sign; 35 is not inside 2035.
    let scan = |number: &str, then: &[char]| -> u64 {
        oracle
            .docs
            .iter()
            .map(|d| whole_number_occurrences(&d.cleaned, number, then))
            .sum()
    };
    let total = |m: &BTreeMap<String, u64>| m.values().sum::<u64>();
    let pct = total(&count("3.5%"));
    assert_eq!(pct, scan("3.5", &['%']), "3.5%");
    assert_eq!(total(&count("3.5％")), pct);
    assert!((30..200).contains(&pct), "3.5%: {pct}");
    assert_eq!(total(&count("35")), scan("35", &[]), "35");
    assert_eq!(total(&count("2035")), scan("2035", &[]), "2035");
    assert_eq!(count("1,000"), count("1000"));
    // Latin words whole: AI never inside another word.
    let f = Fixture::empty();
    let out = f
        .run(&[
            "--index",
            index.to_str().unwrap(),
            "phrase",
            "AI",
            "--json",
            "-C",
            "1",
        ])
        .expect(0)
        .stdout();
    let hits: Vec<Line> = parse(&out);
    let mut n = 0;
    for h in &hits {
        if let Line::Hit {
            left,
            right,
            matched,
            ..
        } = h
        {
            n += 1;
            assert!(matched.eq_ignore_ascii_case("ai"), "{matched}");
            let l = left.chars().last();
            let r = right.chars().next();
            assert!(
                !l.is_some_and(|c| c.is_ascii_alphanumeric()),
                "{left}[{matched}]{right}"
            );
            assert!(
                !r.is_some_and(|c| c.is_ascii_alphanumeric()),
                "{left}[{matched}]{right}"
            );
        }
    }
    assert!(n > 100, "{n} hits of AI");
    // --strict stays literal substring matching: `ai` inside `plain`.
    let strict = counts_of(&f, "ai", &["--index", index.to_str().unwrap(), "--strict"]);
    let literal: u64 = oracle
        .docs
        .iter()
        .map(|d| d.cleaned.matches("ai").count() as u64)
        .sum();
    assert_eq!(strict.values().sum::<u64>(), literal);
}
