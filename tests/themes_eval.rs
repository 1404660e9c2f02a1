//! Themes against 82 paragraphs labelled by hand with the parts of 四下基层 they are about
//! (tests/data/themes_labels.tsv: 49 from the seeds, 33 from ../shared/corpora). A paragraph's
//! theme score is the best of its passages'. Reported per theme: precision at 5 and 10 of the
//! labelled paragraphs ranked by the theme's score; and the share of paragraphs whose best theme
//! among the four is one of their labels (paragraphs with labels) or that score below 1 for all
//! four (paragraphs labelled none). The test fails if these fall below what was measured.

use std::collections::HashMap;

use jiansuo::index::IndexHandle;
use jiansuo::query::ABOUT;

use crate::util::{Fixture, data_rows, required_corpora_index};

const FOUR: [&str; 4] = ["宣传政策", "调查研究", "信访接待", "现场办公"];

struct Label {
    source: String,
    doc: String,
    line: u32,
    themes: Vec<String>,
}

fn labels() -> Vec<Label> {
    data_rows("themes_labels.tsv")
        .into_iter()
        .map(|f| Label {
            source: f[0].clone(),
            doc: f[1].clone(),
            line: f[2].parse().unwrap(),
            themes: if f[3] == "-" {
                Vec::new()
            } else {
                f[3].split(',').map(str::to_owned).collect()
            },
        })
        .collect()
}

/// Per (document path, line): the best passage score of each of the four themes.
fn paragraph_scores(handle: &IndexHandle) -> HashMap<(String, u32), [f32; 4]> {
    let ts = handle.themes().unwrap();
    let idx: Vec<usize> = FOUR.iter().map(|t| ts.lexicon.find(t).unwrap()).collect();
    let paths: Vec<String> = handle
        .docs()
        .all()
        .unwrap()
        .into_iter()
        .map(|d| d.path)
        .collect();
    let searcher = handle.searcher();
    let mut out: HashMap<(String, u32), [f32; 4]> = HashMap::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let doc = ff.u64("doc").unwrap().first_or_default_col(0);
        let line = ff.u64("line").unwrap().first_or_default_col(0);
        let row = ts.row_of(seg).unwrap();
        for d in 0..seg.max_doc() {
            let key = (
                paths[doc.get_val(d) as usize].clone(),
                line.get_val(d) as u32,
            );
            let e = out.entry(key).or_insert([0.0; 4]);
            for (i, &t) in idx.iter().enumerate() {
                e[i] = e[i].max(ts.sum_at(row, d, &[t]));
            }
        }
    }
    out
}

struct Scored<'a> {
    label: &'a Label,
    scores: [f32; 4],
}

fn evaluate(scored: &[Scored]) -> (Vec<(f64, f64)>, f64, f64) {
    let mut per_theme = Vec::new();
    for (i, theme) in FOUR.iter().enumerate() {
        let mut ranked: Vec<&Scored> = scored.iter().collect();
        ranked.sort_by(|a, b| b.scores[i].total_cmp(&a.scores[i]));
        let at = |k: usize| {
            ranked
                .iter()
                .take(k)
                .filter(|s| s.label.themes.iter().any(|t| t == theme))
                .count() as f64
                / k as f64
        };
        per_theme.push((at(5), at(10)));
    }
    let (mut right, mut labelled, mut none_right, mut none) = (0, 0, 0, 0);
    for s in scored {
        let (best, score) = s
            .scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, v)| (FOUR[i], *v))
            .unwrap();
        if s.label.themes.is_empty() {
            none += 1;
            none_right += usize::from(score < ABOUT);
        } else {
            labelled += 1;
            right += usize::from(s.label.themes.iter().any(|t| t == best));
        }
    }
    (
        per_theme,
        right as f64 / labelled.max(1) as f64,
        none_right as f64 / none.max(1) as f64,
    )
}

fn report(name: &str, r: &(Vec<(f64, f64)>, f64, f64)) {
    for (theme, (p5, p10)) in FOUR.iter().zip(&r.0) {
        eprintln!("{name} {theme}: precision@5 {p5:.2}, precision@10 {p10:.2}");
    }
    eprintln!(
        "{name}: top theme right for {:.3} of labelled paragraphs; {:.3} of paragraphs labelled none score below {ABOUT} on all four",
        r.1, r.2
    );
}

#[test]
fn theme_ranking_on_the_seeds() {
    let all = labels();
    assert!(all.len() >= 80);
    let r = evaluate(&scored(&all, false));
    report("seeds", &r);
    assert!(r.1 >= 0.95, "seeds: top theme right for {}", r.1);
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn theme_ranking_against_labels() {
    let all = labels();
    let r = evaluate(&scored(&all, true));
    report("all", &r);
    // Measured: p@5 1.0 for all four; p@10 0.8, 0.7, 0.9, 0.6 (现场办公 has 8 positives);
    // top theme right 0.974; none-labelled below 1 on all four 0.349.
    let floors = [0.8, 0.7, 0.9, 0.6];
    for ((theme, (p5, p10)), floor) in FOUR.iter().zip(&r.0).zip(floors) {
        assert!(*p5 >= 1.0 && *p10 >= floor, "{theme}: p@5 {p5}, p@10 {p10}");
    }
    assert!(r.1 >= 0.97, "top theme right for {}", r.1);
    assert!(
        r.2 >= 0.34,
        "none-labelled paragraphs below {ABOUT}: {}",
        r.2
    );
}

/// The labelled paragraphs with their scores: the seeds' (from an index of the seeds), and with
/// `corpora` also those of ../shared/corpora.
fn scored(all: &[Label], corpora: bool) -> Vec<Scored<'_>> {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let seeds = paragraph_scores(&IndexHandle::open(&f.path("index")).unwrap());
    let corpora =
        corpora.then(|| paragraph_scores(&IndexHandle::open(required_corpora_index()).unwrap()));
    all.iter()
        .filter_map(|l| {
            let table = if l.source == "seeds" {
                Some(&seeds)
            } else {
                corpora.as_ref()
            }?;
            let scores = *table
                .get(&(l.doc.clone(), l.line))
                .unwrap_or_else(|| panic!("{}:{}", l.doc, l.line));
            Some(Scored { label: l, scores })
        })
        .collect()
}

#[test]
fn xinfang_search_ranks_the_xinfang_paragraphs_first() {
    let f = Fixture::with_seeds();
    let out = f
        .run(&["search", "--theme", "信访接待", "--json", "-n", "5"])
        .expect(0)
        .stdout();
    let top: Vec<(String, u32)> = out
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["type"] == "hit").then(|| {
                (
                    v["doc"].as_str().unwrap().to_owned(),
                    v["line"].as_u64().unwrap() as u32,
                )
            })
        })
        .collect();
    // The paragraphs on 信访接待下基层 in the seeds, labelled by hand.
    let xinfang = [
        ("001_e15f6f0065914d81.txt", 5),
        ("002_5eb3d9691549dda2.txt", 13),
        ("003_8d1d7b176a206c1a.txt", 11),
        ("004_1f68ca61dd7474fc.txt", 6),
    ];
    for (doc, line) in xinfang {
        assert!(
            top.iter().any(|t| t.0 == doc && t.1 == line),
            "{doc}:{line} not in the top 5: {top:?}"
        );
    }
}
