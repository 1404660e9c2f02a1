//! `jiansuo search`: first use builds the index, hits are highlighted, JSON parses back,
//! exit codes 0/1/2, user text is never query syntax.

use serde::Deserialize;

use crate::util::{Fixture, required_corpora_index};

#[allow(dead_code)] // every field is parsed; not every test reads every field
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Hit {
        rank: usize,
        score: f32,
        doc: String,
        title: String,
        date: Option<String>,
        line: u32,
        paragraph: u32,
        passage: u32,
        start: u32,
        end: u32,
        text: String,
        highlights: Vec<(usize, usize)>,
        #[serde(default)]
        theme: Option<ThemeField>,
    },
    Summary {
        query: String,
        terms: Vec<String>,
        hits: usize,
        total: usize,
        words: String,
        elapsed_us: u64,
        #[serde(default)]
        scope: Option<serde_json::Value>,
    },
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeField {
    score: f32,
    themes: Vec<ThemePart>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemePart {
    name: String,
    score: f32,
    terms: Vec<(String, f32)>,
}

fn parse(stdout: &str) -> Vec<Line> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn first_search_builds_the_index_and_finds_xinfang() {
    let f = Fixture::with_seeds();
    let run = f.run(&["search", "信访", "--color", "never"]).expect(0);
    assert!(
        run.stderr().contains("building it from corpus"),
        "{}",
        run.stderr()
    );
    let out = run.stdout();
    let hits: Vec<&str> = out.lines().filter(|l| l.starts_with("  ")).collect();
    assert!(!hits.is_empty());
    assert!(out.contains("002_5eb3d9691549dda2.txt:13"), "{out}");
    // Snippet lines (indented below each header line) all show the word.
    for snippet in out.lines().filter(|l| l.starts_with("     ")) {
        assert!(snippet.contains("信访"), "{snippet}");
    }
    assert!(!out.contains('\x1b'));
    let again = f.run(&["search", "信访"]).expect(0);
    assert!(!again.stderr().contains("building"), "{}", again.stderr());
}

#[test]
fn json_lines_parse_back_and_point_into_the_documents() {
    let f = Fixture::with_seeds();
    let lines = parse(
        &f.run(&["search", "调查研究", "--json", "-n", "50"])
            .expect(0)
            .stdout(),
    );
    let (hits, summary) = lines.split_at(lines.len() - 1);
    let Line::Summary {
        hits: n,
        total,
        terms,
        query,
        ..
    } = &summary[0]
    else {
        panic!("last line is not a summary");
    };
    assert_eq!(query, "调查研究");
    assert!(terms.contains(&"调查研究".to_string()), "{terms:?}");
    assert_eq!(*n, hits.len());
    assert!(*total >= hits.len() && *n > 5, "{n} of {total}");
    let mut last_score = f32::INFINITY;
    for (i, hit) in hits.iter().enumerate() {
        let Line::Hit {
            rank,
            score,
            doc,
            title,
            line,
            start,
            end,
            text,
            highlights,
            ..
        } = hit
        else {
            panic!("summary before the end");
        };
        assert_eq!(*rank, i + 1);
        assert!(*score <= last_score);
        last_score = *score;
        // Every passage contains the query word, and the highlights cover it.
        assert!(text.contains("调查研究"), "{text}");
        let chars: Vec<char> = text.chars().collect();
        assert!(
            highlights
                .iter()
                .any(|&(s, e)| chars[s..e].iter().collect::<String>() == "调查研究")
        );
        // The passage is the stated span of the stated line of the document.
        let source = std::fs::read_to_string(f.path("corpus").join(doc)).unwrap();
        let cleaned = jiansuo::clean::clean(&source);
        let src_line: Vec<char> = cleaned
            .lines()
            .nth(*line as usize - 1)
            .unwrap()
            .chars()
            .collect();
        let span: String = src_line[*start as usize..*end as usize].iter().collect();
        assert_eq!(&span, text);
        assert_eq!(title, jiansuo::passage::title(&cleaned));
    }
}

#[test]
fn nothing_found_exits_1() {
    let f = Fixture::with_seeds();
    let run = f.run(&["search", "不存在的词语xyz"]).expect(1);
    assert_eq!(run.stdout(), "");
    let json = f.run(&["search", "不存在的词语xyz", "--json"]).expect(1);
    let lines = parse(&json.stdout());
    assert!(matches!(
        lines.as_slice(),
        [Line::Summary {
            hits: 0,
            total: 0,
            ..
        }]
    ));
}

#[test]
fn query_syntax_characters_are_plain_text() {
    let f = Fixture::with_seeds();
    for q in [
        "\"信访\" AND (接待)",
        "信访:接待",
        "信访 - 接待",
        "信访~2^3",
        "title:信访 OR *",
    ] {
        let run = f.run(&["search", q, "--json"]);
        assert!(run.code() == 0 || run.code() == 1, "{q}: {}", run.stderr());
    }
    let run = f.run(&["search", "\"信访\" (接待):", "--json"]).expect(0);
    assert!(run.stdout().contains("信访接待"));
    // A word written as an exclusion is refused, not silently required (issue 13).
    let run = f.run(&["search", "信访 -接待"]).expect(2);
    assert!(run.stderr().contains("--not 接待"), "{}", run.stderr());
}

#[test]
fn punctuation_only_query_is_a_clear_error() {
    let f = Fixture::with_seeds();
    let run = f.run(&["search", "“”，。!?"]).expect(2);
    assert!(
        run.stderr().contains("no word to search for"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stdout(), "");
}

#[test]
fn colour_always_never_and_no_color() {
    let f = Fixture::with_seeds();
    let always = f
        .run(&["search", "信访", "--color", "always"])
        .expect(0)
        .stdout();
    assert!(always.contains("\x1b[1;31m信访\x1b[0m"), "{always}");
    let never = f
        .run(&["search", "信访", "--color", "never"])
        .expect(0)
        .stdout();
    assert!(!never.contains('\x1b'));
    let auto = f
        .run_env(&["search", "信访"], &[("NO_COLOR", "1")])
        .expect(0)
        .stdout();
    assert!(!auto.contains('\x1b'));
}

#[test]
fn index_env_variable_and_missing_index() {
    let f = Fixture::empty();
    let run = f.run(&["search", "信访"]).expect(2);
    assert!(run.stderr().contains("jiansuo index"), "{}", run.stderr());
    let f = Fixture::with_seeds();
    f.run(&["index", "corpus", "--index", "elsewhere"])
        .expect(0);
    let run = f.run_env(
        &["search", "信访", "--corpus", "nowhere"],
        &[("JIANSUO_INDEX", "elsewhere")],
    );
    run.expect(0);
}

#[test]
fn theme_search_with_and_without_query_explained() {
    let f = Fixture::with_seeds();
    let lines = parse(
        &f.run(&[
            "search",
            "--theme",
            "调研",
            "--theme",
            "现场办公",
            "--explain",
            "--json",
            "-n",
            "3",
        ])
        .expect(0)
        .stdout(),
    );
    let mut last = f32::INFINITY;
    for l in &lines[..lines.len() - 1] {
        let Line::Hit {
            score,
            theme: Some(t),
            ..
        } = l
        else {
            panic!("{l:?}")
        };
        assert!(*score <= last && (t.score - score).abs() < 1e-3, "{l:?}");
        last = *score;
        let names: Vec<&str> = t.themes.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["调查研究", "现场办公"]);
        assert!(t.themes.iter().any(|p| !p.terms.is_empty()));
    }
    // With a query: only passages holding the words, BM25 plus twice the theme score.
    let with = parse(
        &f.run(&["search", "群众", "--theme", "信访接待", "--json", "-n", "3"])
            .expect(0)
            .stdout(),
    );
    let Line::Hit {
        text,
        theme: Some(t),
        ..
    } = &with[0]
    else {
        panic!()
    };
    assert!(text.contains("群众") && t.score > 0.0 && t.themes[0].terms.is_empty());
    let run = f.run(&["search", "--theme", "不存在的主题"]).expect(2);
    assert!(run.stderr().contains("the themes are"), "{}", run.stderr());
    f.run(&["search"]).expect(2);
}

#[test]
fn themes_rescored_without_rebuilding() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    f.write(
        "mine.toml",
        "[[theme]]\nname = \"统编教材\"\nphrases = { \"统编教材\" = 3.0, \"国家通用语言文字\" = 2.0 }\n".as_bytes(),
    );
    let run = f
        .run(&["search", "--theme", "统编教材", "--themes", "mine.toml"])
        .expect(2);
    assert!(
        run.stderr().contains("--themes-only --themes mine.toml"),
        "{}",
        run.stderr()
    );
    let out = f
        .run(&["index", "--themes-only", "--themes", "mine.toml"])
        .expect(0)
        .stdout();
    assert!(out.starts_with("rescored 14 themes"), "{out}");
    let lines = parse(
        &f.run(&["search", "--theme", "统编教材", "--json"])
            .expect(0)
            .stdout(),
    );
    let Line::Hit { doc, line, .. } = &lines[0] else {
        panic!()
    };
    assert_eq!((doc.as_str(), *line), ("000_43c7a6c6068f4716.txt", 4));
    f.write("bad.toml", b"[[theme]]\nname = 3\n");
    let run = f
        .run(&["index", "--themes-only", "--themes", "bad.toml"])
        .expect(2);
    assert!(run.stderr().contains("line 2"), "{}", run.stderr());
}

#[test]
fn themes_and_keywords_commands() {
    let f = Fixture::with_seeds();
    let out = f
        .run(&[
            "themes",
            "--doc",
            "002_5eb3d9691549dda2.txt",
            "--json",
            "-n",
            "1",
        ])
        .expect(0)
        .stdout();
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 13);
    let share: f64 = rows.iter().map(|r| r["share"].as_f64().unwrap()).sum();
    assert!((share - 1.0).abs() < 1e-3, "{share}");
    assert!(rows.iter().all(|r| {
        r["top"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["doc"] == "002_5eb3d9691549dda2.txt")
    }));
    let kw = f
        .run(&[
            "keywords",
            "--doc",
            "001_e15f6f0065914d81.txt",
            "-n",
            "10",
            "--json",
        ])
        .expect(0)
        .stdout();
    let words: Vec<String> = kw
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["word"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(words.len(), 10);
    // 001 is the one seed document about epidemic control and resuming work.
    assert!(
        words.iter().any(|w| w == "复工复产") && words.iter().any(|w| w == "疫情防控"),
        "{words:?}"
    );
    f.run(&["keywords", "-n", "5"]).expect(0);
    let run = f.run(&["themes", "--doc", "nope.txt"]).expect(2);
    assert!(
        run.stderr().contains("no indexed document"),
        "{}",
        run.stderr()
    );
}

/// The passages of the seed corpus, as the index cuts them: each one's own matching form.
fn seed_passages(f: &Fixture) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(f.path("corpus")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let doc = jiansuo::index::prepare(&jiansuo::clean::clean(&text));
        out.extend(doc.passages.iter().map(|p| p.own_exact().to_owned()));
    }
    out
}

#[test]
fn every_query_word_is_required_single_characters_too() {
    // A passage matches when its own text holds every query word (the words no longer word
    // contains), single characters included: the total equals a brute-force count.
    let f = Fixture::with_seeds();
    let passages = seed_passages(&f);
    for query in [
        "的 调查研究",
        "国 发展",
        "在基层",
        "信访 了",
        "调查研究",
        "党 民 的",
    ] {
        let out = f
            .run(&["search", query, "--json", "-n", "1000"])
            .expect(0)
            .stdout();
        let lines = parse(&out);
        let Some(Line::Summary { terms, total, .. }) = lines.last() else {
            panic!("{out}")
        };
        let forms: Vec<String> = terms
            .iter()
            .map(|t| jiansuo::matching::matching_string(t))
            .filter(|t| !t.is_empty())
            .collect();
        let required: Vec<&String> = forms
            .iter()
            .filter(|w| {
                !forms
                    .iter()
                    .any(|g| g.len() > w.len() && g.contains(w.as_str()))
            })
            .collect();
        assert!(
            required.iter().any(|w| w.chars().count() == 1) || query == "调查研究",
            "{query}: {required:?}"
        );
        let want = passages
            .iter()
            .filter(|p| required.iter().all(|w| p.contains(w.as_str())))
            .count();
        assert_eq!(*total, want, "{query}: required {required:?}");
        assert!(want > 0, "{query}");
    }
}

#[test]
fn every_hit_scores_by_its_words_as_substrings() {
    // The ranking counts the same occurrences the match does: no hit scores 0 because jieba cut
    // its text differently, and one character is scored by its occurrences, not a constant.
    let f = Fixture::with_seeds();
    for query in ["的", "调查研究", "信访 群众", "党 民 的", "查研"] {
        let out = f
            .run(&["search", query, "--json", "-n", "1000"])
            .expect(0)
            .stdout();
        let scores: Vec<f32> = parse(&out)
            .iter()
            .filter_map(|l| match l {
                Line::Hit { score, .. } => Some(*score),
                Line::Summary { .. } => None,
            })
            .collect();
        assert!(scores.len() > 1, "{query}: {out}");
        assert!(scores.iter().all(|&s| s > 0.0), "{query}: {scores:?}");
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{query}");
        assert!(scores[0] > scores[scores.len() - 1], "{query}: {scores:?}");
    }
}

/// Each seed passage: its own text and its own matching form.
fn seed_passage_texts(f: &Fixture) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(f.path("corpus")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let doc = jiansuo::index::prepare(&jiansuo::clean::clean(&text));
        out.extend(
            doc.passages
                .iter()
                .map(|p| (p.text.clone(), p.own_exact().to_owned())),
        );
    }
    out
}

fn total_and_words(f: &Fixture, args: &[&str]) -> (usize, String, Vec<(String, u32)>) {
    let mut all = vec!["search", "--json", "-n", "0"];
    all.extend_from_slice(args);
    let run = f.run(&all);
    let out = run.stdout();
    let lines = parse(&out);
    let mut hits = Vec::new();
    for l in &lines {
        if let Line::Hit { text, passage, .. } = l {
            hits.push((text.clone(), *passage));
        }
    }
    match lines.last() {
        Some(Line::Summary { total, words, .. }) => (*total, words.clone(), hits),
        _ => (0, String::new(), hits),
    }
}

#[test]
fn any_not_and_within_against_brute_force() {
    // Options, not syntax: --any (any word, ranked by how many), --not (exact exclusion in
    // matching form), --within N (all words inside N characters of the text). Totals and hit
    // sets equal a brute-force scan of the seed passages.
    let f = Fixture::with_seeds();
    let passages = seed_passage_texts(&f);
    let form = |w: &str| jiansuo::matching::matching_string(w);
    // --any: passages holding at least one word; the hits ranked by how many they hold.
    for words in [["信访", "调查研究"], ["基层", "群众"], ["党中央", "脱贫"]] {
        let query = words.join(" ");
        let (total, mode, hits) = total_and_words(&f, &[&query, "--any"]);
        let holds = |m: &str| {
            words
                .iter()
                .filter(|w| m.contains(form(w).as_str()))
                .count()
        };
        let want = passages.iter().filter(|(_, m)| holds(m) > 0).count();
        assert_eq!(total, want, "--any {query}");
        assert_eq!(mode, "any");
        assert_eq!(hits.len(), want);
        let held: Vec<usize> = hits.iter().map(|(t, _)| holds(&form(t))).collect();
        assert!(
            held.windows(2).all(|w| w[0] >= w[1]),
            "--any {query}: {held:?}"
        );
    }
    // --not: passages with the word and without the excluded one.
    for (word, not) in [
        ("群众", "信访"),
        ("调查研究", "习近平"),
        ("基层", "四下基层"),
    ] {
        let (total, mode, hits) = total_and_words(&f, &[word, "--not", not]);
        let want = passages
            .iter()
            .filter(|(_, m)| m.contains(form(word).as_str()) && !m.contains(form(not).as_str()))
            .count();
        assert_eq!(total, want, "{word} --not {not}");
        assert_eq!(mode, "all");
        assert!(
            want > 0
                && hits
                    .iter()
                    .all(|(t, _)| !form(t).contains(form(not).as_str()))
        );
        let (with, _, _) = total_and_words(&f, &[word]);
        assert!(with > total, "{word}: --not {not} left out nothing");
    }
    // --within: a stretch of at most N characters of the passage text whose matching form
    // holds every word (every stretch tried).
    for (a, b, n) in [
        ("调查", "研究", 6),
        ("群众", "信访", 12),
        ("基层", "干部", 20),
        ("党", "人民", 8),
    ] {
        let query = format!("{a} {b}");
        let (total, _, _) = total_and_words(&f, &[&query, "--within", &n.to_string()]);
        let near = |text: &str| {
            let cs: Vec<char> = text.chars().collect();
            (0..cs.len()).any(|s| {
                let w: String = cs[s..(s + n).min(cs.len())].iter().collect();
                let m = form(&w);
                m.contains(form(a).as_str()) && m.contains(form(b).as_str())
            })
        };
        let want = passages.iter().filter(|(t, _)| near(t)).count();
        assert_eq!(total, want, "{query} --within {n}");
        let (all, _, _) = total_and_words(&f, &[&query]);
        assert!(want > 0 && all >= want, "{query}: {all} {want}");
    }
    // Bad combinations are errors.
    let run = f.run(&["search", "信访", "--within", "0"]).expect(2);
    assert!(run.stderr().contains("--within"), "{}", run.stderr());
    let run = f.run(&["search", "信访", "--not", "，"]).expect(2);
    assert!(run.stderr().contains("--not"), "{}", run.stderr());
}

/// A ranking by one theme reads the theme's passages best first and stops after the best and
/// their ties: its top equals the head of the whole ranking (`-n 0`) and the ranking through
/// the path that visits every scoring passage (a filter of every collection), total included;
/// several themes (summed) agree the same way. On the corpora, whose ties are many (reposts).
#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn a_theme_ranking_is_the_head_of_the_whole_ranking() {
    let index = required_corpora_index();
    let f = Fixture::empty();
    let idx = index.to_str().unwrap();
    let json = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["--index", idx];
        all.extend_from_slice(args);
        f.run(&all)
            .expect(0)
            .stdout()
            .lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("elapsed_us");
                v
            })
            .collect()
    };
    let collections: Vec<String> = json(&["docs", "--collections", "--json"])
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    let mut every: Vec<&str> = Vec::new();
    for c in &collections {
        every.extend(["--collection", c.as_str()]);
    }
    let themes: Vec<String> = json(&["themes", "--json", "-n", "0"])
        .iter()
        .filter(|v| v["type"] == "theme")
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(themes.len() >= 10, "{themes:?}");
    let mut asked: Vec<Vec<&str>> = themes.iter().map(|t| vec!["--theme", t.as_str()]).collect();
    asked.push(vec!["--theme", &themes[0], "--theme", &themes[3]]);
    for theme in &asked {
        let mut args = vec!["search", "--json"];
        args.extend(theme);
        let whole = json(&[args.as_slice(), &["-n", "0"]].concat());
        let (hits, summary) = whole.split_at(whole.len() - 1);
        assert!(hits.len() > 30, "{theme:?}: {} hits", hits.len());
        assert_eq!(summary[0]["total"].as_u64(), Some(hits.len() as u64));
        let mut scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{theme:?}");
        scores.dedup();
        assert!(scores.len() < hits.len(), "{theme:?}: no ties to test");
        for n in ["1", "10", "25"] {
            let top = json(&[args.as_slice(), &["-n", n]].concat());
            let k: usize = n.parse().unwrap();
            assert_eq!(&top[..k], &hits[..k], "{theme:?} -n {n}");
            assert_eq!(top[k]["total"], summary[0]["total"], "{theme:?} -n {n}");
            let filtered = json(&[args.as_slice(), &["-n", n], every.as_slice()].concat());
            assert_eq!(
                &filtered[..k],
                &hits[..k],
                "{theme:?} -n {n}, every collection"
            );
            assert_eq!(
                filtered[k]["total"], summary[0]["total"],
                "{theme:?} -n {n}"
            );
        }
    }
}
