//! `jiansuo search`: first use builds the index, hits are highlighted, JSON parses back,
//! exit codes 0/1/2, user text is never query syntax.

use serde::Deserialize;

use crate::util::Fixture;

#[allow(dead_code)] // every field is parsed; not every test reads every field
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Hit {
        rank: usize,
        score: f32,
        doc: String,
        title: String,
        line: u32,
        paragraph: u32,
        passage: u32,
        start: u32,
        end: u32,
        text: String,
        highlights: Vec<(usize, usize)>,
    },
    Summary {
        query: String,
        terms: Vec<String>,
        hits: usize,
        total: usize,
        elapsed_us: u64,
    },
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
        "信访 -接待",
        "信访~2^3",
        "title:信访 OR *",
    ] {
        let run = f.run(&["search", q, "--json"]);
        assert!(run.code() == 0 || run.code() == 1, "{q}: {}", run.stderr());
    }
    let run = f.run(&["search", "\"信访\" (接待):", "--json"]).expect(0);
    assert!(run.stdout().contains("信访接待"));
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
