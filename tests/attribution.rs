//! Speaker attribution against quotations labelled by hand (`tests/data/attribution.tsv`, the
//! rule in its header and in README "Who said it").
//!
//! Two sets: `v1`, 109 quotations of the seeds and ../shared/corpora labelled first (mostly
//! leaders), and `news`, 580 quotations drawn at random from the features of 新闻联播 and 人民日报
//! (ordinary people, officials, foreign speakers, and quotations that name nobody). `news-dev`
//! rows were looked at while the rules were written, `news-test` rows in the last rounds only,
//! `news-holdout` (drawn and labelled when the rules were done) never.
//!
//! A predicted speaker is right when it is the labelled name (one of them, for `A|B`: someone
//! citing another's words), or holds it (副校长姚强 for 姚强). Precision: right predictions /
//! predictions (a speaker given to a quotation that names nobody counts against it); recall:
//! right predictions / labelled speakers. Reported per kind of speaker: `table` (in the speaker
//! table), `person` (a Chinese name the table does not list), `foreign`, `group` (unnamed
//! people, institutions, media); `none` rows count the quotations given a speaker they do not
//! have.

use std::collections::{BTreeMap, HashMap};

use jiansuo::index::IndexHandle;

use crate::util::{Fixture, data_rows, required_corpora_index};

struct Label {
    source: String,
    doc: String,
    line: u32,
    start: u32,
    speakers: Vec<String>,
    kind: String,
    how: String,
    set: String,
}

fn labels() -> Vec<Label> {
    data_rows("attribution.tsv")
        .into_iter()
        .map(|f| Label {
            source: f[0].clone(),
            doc: f[1].clone(),
            line: f[2].parse().unwrap(),
            start: f[3].parse().unwrap(),
            speakers: if f[4] == "-" {
                Vec::new()
            } else {
                f[4].split('|').map(str::to_owned).collect()
            },
            kind: f[5].clone(),
            how: f[6].clone(),
            set: f[7].clone(),
        })
        .collect()
}

#[derive(Default, Debug, Clone, Copy)]
struct Score {
    right: usize,
    predicted: usize,
    labelled: usize,
    /// Rows labelled `none` given a speaker.
    invented: usize,
    none: usize,
}

impl Score {
    fn add(&mut self, o: Score) {
        self.right += o.right;
        self.predicted += o.predicted;
        self.labelled += o.labelled;
        self.invented += o.invented;
        self.none += o.none;
    }
    fn precision(&self) -> f64 {
        self.right as f64 / self.predicted.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.right as f64 / self.labelled.max(1) as f64
    }
}

/// Scores by (set, kind, how).
type Scores = BTreeMap<(String, String, String), Score>;

fn score(handle: &IndexHandle, labels: &[&Label], scores: &mut Scores) {
    let docs: HashMap<String, usize> = handle
        .docs()
        .all()
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d.path, i))
        .collect();
    for l in labels {
        let ord = docs[&l.doc];
        let quotes = handle.quotes().unwrap().get(ord).unwrap();
        let q = quotes
            .iter()
            .find(|q| q.line == l.line && q.start == l.start);
        assert!(
            q.is_some(),
            "{}:{} no quotation starts at {}",
            l.doc,
            l.line,
            l.start
        );
        let predicted = q.and_then(|q| q.speaker.clone());
        let s = scores
            .entry((l.set.clone(), l.kind.clone(), l.how.clone()))
            .or_default();
        s.labelled += usize::from(!l.speakers.is_empty());
        s.none += usize::from(l.speakers.is_empty());
        if let Some(p) = &predicted {
            s.predicted += 1;
            s.invented += usize::from(l.speakers.is_empty());
            let right = l.speakers.iter().any(|g| p == g || p.contains(g.as_str()));
            s.right += usize::from(right);
            if !right {
                eprintln!(
                    "{} {}:{}:{} predicted {p}, labelled {:?}",
                    l.set, l.doc, l.line, l.start, l.speakers
                );
            }
        } else if !l.speakers.is_empty() {
            eprintln!(
                "{} {}:{}:{} no speaker, labelled {:?}",
                l.set, l.doc, l.line, l.start, l.speakers
            );
        }
    }
}

fn line(name: &str, s: &Score) {
    eprintln!(
        "{name:<22} labelled {:>3}  predicted {:>3}  right {:>3}  precision {:.3}  recall {:.3}  none {:>3} given a speaker {:>2}",
        s.labelled,
        s.predicted,
        s.right,
        s.precision(),
        s.recall(),
        s.none,
        s.invented
    );
}

/// Print the table and return the totals without the implied rows: all, unlisted (person +
/// foreign + group), none.
fn report(scores: &Scores) -> (Score, Score, Score) {
    let mut all = Score::default();
    let mut with_implied = Score::default();
    let mut unlisted = Score::default();
    let mut none = Score::default();
    let mut by_kind: BTreeMap<&str, Score> = BTreeMap::new();
    let mut by_set: BTreeMap<&str, Score> = BTreeMap::new();
    let mut by_how: BTreeMap<&str, Score> = BTreeMap::new();
    for ((set, kind, how), s) in scores {
        with_implied.add(*s);
        by_how.entry(how).or_default().add(*s);
        if how == "implied" {
            continue;
        }
        all.add(*s);
        by_kind.entry(kind).or_default().add(*s);
        by_set.entry(set).or_default().add(*s);
        if matches!(kind.as_str(), "person" | "foreign" | "group") {
            unlisted.add(*s);
        }
        if kind == "none" {
            none.add(*s);
        }
    }
    eprintln!("without the implied rows:");
    for (k, s) in &by_kind {
        line(&format!("kind {k}"), s);
    }
    for (k, s) in &by_set {
        line(&format!("set {k}"), s);
    }
    line("unlisted speakers", &unlisted);
    line("all", &all);
    eprintln!("by how the speaker is given:");
    for (k, s) in &by_how {
        line(&format!("how {k}"), s);
    }
    line("all, implied included", &with_implied);
    (all, unlisted, none)
}

/// The seed documents' labels scored on an index of the seeds.
fn seed_score(all: &[Label], scores: &mut Scores) {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let seeds = IndexHandle::open(&f.path("index")).unwrap();
    let seed_labels: Vec<&Label> = all.iter().filter(|l| l.source == "seeds").collect();
    score(&seeds, &seed_labels, scores);
}

#[test]
fn speaker_attribution_on_the_seeds() {
    let all = labels();
    let mut scores = Scores::new();
    seed_score(&all, &mut scores);
    let (s, _, _) = report(&scores);
    assert!(all.len() >= 400);
    assert!(
        s.precision() >= 1.0 && s.recall() >= 0.87,
        "seeds: precision {}, recall {}",
        s.precision(),
        s.recall()
    );
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn speaker_attribution_precision_and_recall() {
    let all = labels();
    let news = all.iter().filter(|l| l.set.starts_with("news")).count();
    let ordinary = all
        .iter()
        .filter(|l| {
            l.set.starts_with("news") && matches!(l.kind.as_str(), "person" | "foreign" | "group")
        })
        .count();
    let mut scores = Scores::new();
    seed_score(&all, &mut scores);
    let index = required_corpora_index();
    let corpora = IndexHandle::open(index).unwrap();
    let corpus_labels: Vec<&Label> = all.iter().filter(|l| l.source == "corpora").collect();
    score(&corpora, &corpus_labels, &mut scores);
    let (all, unlisted, none) = report(&scores);
    assert!(
        news >= 300 && ordinary >= 150,
        "{news} news rows, {ordinary} ordinary or foreign"
    );
    let invented = none.invented as f64 / none.none.max(1) as f64;
    assert!(
        all.precision() >= PRECISION_FLOOR
            && all.recall() >= RECALL_FLOOR
            && unlisted.recall() >= UNLISTED_RECALL_FLOOR
            && invented <= 0.05,
        "precision {:.3}, recall {:.3}, unlisted recall {:.3}, none given a speaker {invented:.3}",
        all.precision(),
        all.recall(),
        unlisted.recall()
    );
}

/// Floors a little under what is measured (README "Who said it": precision 0.916, recall 0.801,
/// unlisted recall 0.763, 12 of 298 quotations that name nobody given a speaker, without the
/// implied rows). Issue #17 asks for 0.95, 0.92 and 0.85.
const PRECISION_FLOOR: f64 = 0.90;
const RECALL_FLOOR: f64 = 0.79;
const UNLISTED_RECALL_FLOOR: f64 = 0.75;
