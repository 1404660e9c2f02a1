//! `jiansuo reuse` and `jiansuo compare`: spans a text shares with the corpus, proved by planted
//! reuse on `../shared/corpora`, and the commands' behaviour on the seeds.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::util::{Fixture, required_corpora, required_corpora_index};

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Source {
        doc: String,
        title: String,
        date: Option<String>,
        collection: String,
        covered: usize,
        share: f64,
        spans: Vec<Span>,
    },
    Summary {
        text: String,
        chars: usize,
        reused: usize,
        share: f64,
        sources: usize,
        shown: usize,
        spans: usize,
        seeds: usize,
        common_seeds: usize,
        candidates: usize,
        elapsed_us: u64,
        scope: Option<serde_json::Value>,
    },
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Span {
    at: At,
    source_line: u32,
    source_start: usize,
    source_end: usize,
    source_text: String,
    chars: usize,
    identity: f64,
    exact: bool,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct At {
    start: usize,
    end: usize,
    line: u32,
    col: usize,
    text: String,
}

struct Source {
    doc: String,
    share: f64,
    spans: Vec<Span>,
}

fn sources(stdout: &str) -> (Vec<Source>, f64) {
    let mut out = Vec::new();
    let mut share = f64::NAN;
    for l in stdout.lines() {
        match serde_json::from_str::<Line>(l).unwrap_or_else(|e| panic!("{e}: {l}")) {
            Line::Source {
                doc, share, spans, ..
            } => out.push(Source { doc, share, spans }),
            Line::Summary { share: s, .. } => share = s,
        }
    }
    (out, share)
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mf(s: &str) -> Vec<char> {
    jiansuo::matching::MatchingForm::new(s).chars
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// One planted piece: characters `[start, end)` of the text, from `doc` line `line`.
#[allow(dead_code)] // `line` is shown when a piece is missed
#[derive(Debug, Clone)]
struct Planted {
    start: usize,
    end: usize,
    doc: String,
    line: u32,
    mf_len: usize,
    edit: &'static str,
}

/// Lines of the documents of `root` (relative path → lines), for `n` documents drawn.
fn draw_documents(root: &Path, rng: &mut Rng, n: usize) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<String> = Vec::new();
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "txt") {
                out.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    for c in ["cctv_xwlb", "gov_reports", "rmrb_2020"] {
        walk(&root.join(c), root, &mut files);
    }
    (0..n)
        .map(|_| {
            let rel = files[rng.below(files.len())].clone();
            let text = std::fs::read_to_string(root.join(&rel)).unwrap();
            (rel, text.lines().map(str::to_owned).collect())
        })
        .collect()
}

/// A text built of spans of corpus documents (12–200 characters, lightly edited) between
/// sentences of the seed documents (which the corpus does not hold), with what was planted.
fn planted_text(
    rng: &mut Rng,
    docs: &[(String, Vec<String>)],
    fresh: &[String],
) -> (String, Vec<Planted>) {
    let mut text: Vec<char> = Vec::new();
    let mut planted = Vec::new();
    let push_fresh = |text: &mut Vec<char>, rng: &mut Rng| {
        for _ in 0..1 + rng.below(2) {
            text.extend(fresh[rng.below(fresh.len())].chars());
        }
        if rng.below(3) == 0 {
            text.push('\n');
        }
    };
    push_fresh(&mut text, rng);
    for _ in 0..8 {
        // A line long enough, of a document drawn.
        let (doc, lines) = &docs[rng.below(docs.len())];
        let usable: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].chars().count() >= 40)
            .collect();
        if usable.is_empty() {
            continue;
        }
        let li = usable[rng.below(usable.len())];
        let line: Vec<char> = lines[li].chars().collect();
        let len = (12 + rng.below(189)).min(line.len());
        let from = rng.below(line.len() - len + 1);
        let mut span: Vec<char> = line[from..from + len].to_vec();
        let mut cut: Option<usize> = None; // where a dropped clause was, in `span`
        let edit = match rng.below(4) {
            0 => "none",
            1 => {
                // One character changed, inside the span.
                let at: Vec<usize> = (len / 4..len * 3 / 4)
                    .filter(|&i| is_han(span[i]))
                    .collect();
                if let Some(&i) = at.get(rng.below(at.len().max(1))) {
                    span[i] = if span[i] == '某' { '甲' } else { '某' };
                    "char changed"
                } else {
                    "none"
                }
            }
            2 => {
                // Punctuation changed: a mark replaced, or one inserted.
                match span.iter().position(|c| "，。、；：".contains(*c)) {
                    Some(i) => span[i] = if span[i] == '，' { '；' } else { '，' },
                    None => span.insert(len / 2, '，'),
                }
                "punctuation changed"
            }
            _ => {
                // A clause dropped: from after one comma to after the next.
                let commas: Vec<usize> = (0..span.len()).filter(|&i| span[i] == '，').collect();
                if commas.len() >= 2 {
                    let k = rng.below(commas.len() - 1);
                    let (a, b) = (commas[k] + 1, commas[k + 1] + 1);
                    span.drain(a..b);
                    cut = Some(a);
                    "clause dropped"
                } else {
                    "none"
                }
            }
        };
        let start = text.len();
        text.extend(&span);
        let pieces = match cut {
            Some(c) => vec![(start, start + c), (start + c, text.len())],
            None => vec![(start, text.len())],
        };
        for (s, e) in pieces {
            let piece: String = text[s..e].iter().collect();
            planted.push(Planted {
                start: s,
                end: e,
                doc: doc.clone(),
                line: li as u32 + 1,
                mf_len: mf(&piece).len(),
                edit,
            });
        }
        push_fresh(&mut text, rng);
    }
    (text.into_iter().collect(), planted)
}

/// Sentences of the seed documents (fresh text: not in the corpus).
fn fresh_sentences() -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(crate::util::seeds_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for p in dirs {
        let text = std::fs::read_to_string(&p).unwrap();
        let mut cur = String::new();
        for c in text.chars() {
            if c == '\n' {
                continue;
            }
            cur.push(c);
            if "。！？".contains(c) {
                if cur.chars().count() >= 10 {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.clear();
                }
            }
        }
    }
    out
}

/// Does the corpus hold the reported span? Brute force: the span's matching form aligned
/// (Smith–Waterman) against the whole source line as read from the file.
fn corpus_holds(root: &Path, doc: &str, line: u32, text: &str) -> bool {
    let Ok(file) = std::fs::read_to_string(root.join(doc)) else {
        return false;
    };
    let Some(l) = file.lines().nth(line as usize - 1) else {
        return false;
    };
    let q = mf(text);
    let t = mf(l);
    jiansuo::align::align(&q, &t)
        .is_some_and(|a| a.coverage(q.len()) >= 0.85 && a.identity() >= 0.8)
}

#[test]
#[ignore = "needs ../shared/corpora; run with --include-ignored"]
fn planted_reuse_is_found_with_its_sources() {
    let root = required_corpora();
    let index = required_corpora_index();
    let f = Fixture::empty();
    let fresh = fresh_sentences();
    assert!(fresh.len() > 100, "{} seed sentences", fresh.len());
    let mut rng = Rng(0x5eed_2026_1202);
    let mut planted_all: Vec<(Planted, bool)> = Vec::new();
    let (mut reported, mut backed, mut confirmed, mut false_spans) =
        (0usize, 0usize, 0usize, 0usize);
    let mut examples_false: Vec<String> = Vec::new();
    for t in 0..40 {
        let docs = draw_documents(&root, &mut rng, 6);
        let (text, planted) = planted_text(&mut rng, &docs, &fresh);
        let name = format!("t{t}.txt");
        f.write(&name, text.as_bytes());
        let run = f.run(&[
            "--index",
            index.to_str().unwrap(),
            "reuse",
            &name,
            "--json",
            "-n",
            "0",
        ]);
        assert!(run.code() == 0 || run.code() == 1, "{}", run.stderr());
        let (found, _) = sources(&run.stdout());
        // Recall: a planted piece is found when its own document's spans cover 80 % of it.
        for p in &planted {
            let mut covered = vec![false; p.end - p.start];
            for s in found.iter().filter(|s| s.doc == p.doc) {
                for sp in &s.spans {
                    for i in sp.at.start.max(p.start)..sp.at.end.min(p.end) {
                        covered[i - p.start] = true;
                    }
                }
            }
            let share = covered.iter().filter(|&&c| c).count() as f64 / covered.len().max(1) as f64;
            planted_all.push((p.clone(), share >= 0.8));
        }
        // Precision: every reported span is planted there, or the source really holds it.
        for s in &found {
            for sp in &s.spans {
                reported += 1;
                let len = sp.at.end - sp.at.start;
                let on_planted = planted.iter().any(|p| {
                    p.doc == s.doc
                        && sp
                            .at
                            .end
                            .min(p.end)
                            .saturating_sub(sp.at.start.max(p.start))
                            * 2
                            > len
                });
                if on_planted {
                    backed += 1;
                } else if corpus_holds(&root, &s.doc, sp.source_line, &sp.at.text) {
                    confirmed += 1;
                } else {
                    false_spans += 1;
                    if examples_false.len() < 5 {
                        examples_false.push(format!(
                            "{}:{} {:?} ← {:?}",
                            s.doc, sp.source_line, sp.at.text, sp.source_text
                        ));
                    }
                }
            }
        }
    }
    let long: Vec<&(Planted, bool)> = planted_all.iter().filter(|(p, _)| p.mf_len >= 16).collect();
    let recall = long.iter().filter(|(_, ok)| *ok).count() as f64 / long.len() as f64;
    let mut by_edit: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (p, ok) in &long {
        let e = by_edit.entry(p.edit).or_default();
        e.0 += 1;
        e.1 += usize::from(*ok);
    }
    let short: Vec<&(Planted, bool)> = planted_all
        .iter()
        .filter(|(p, _)| p.mf_len >= 12 && p.mf_len < 16)
        .collect();
    let short_recall =
        short.iter().filter(|(_, ok)| *ok).count() as f64 / short.len().max(1) as f64;
    let false_rate = false_spans as f64 / reported.max(1) as f64;
    eprintln!(
        "planted reuse: {} pieces of ≥16 characters, recall {recall:.3} (by edit: {by_edit:?}); \
         12–15 characters: {} pieces, recall {short_recall:.3}; {reported} spans reported: \
         {backed} on planted text, {confirmed} confirmed in the source by brute force, \
         {false_spans} false ({false_rate:.3}) {examples_false:?}",
        long.len(),
        short.len()
    );
    let missed: Vec<_> = long
        .iter()
        .filter(|(_, ok)| !ok)
        .take(5)
        .map(|(p, _)| p.clone())
        .collect();
    assert!(long.len() >= 200, "only {} planted pieces", long.len());
    assert!(
        recall >= 0.95,
        "recall {recall:.3} < 0.95; missed e.g. {missed:?}"
    );
    assert!(
        false_rate < 0.05,
        "false spans {false_rate:.3} ≥ 0.05: {examples_false:?}"
    );
}

#[test]
fn reuse_finds_a_seed_paragraph_in_a_new_text_and_compare_aligns_two_documents() {
    let f = Fixture::with_seeds();
    let seed = std::fs::read_to_string(f.path("corpus/002_5eb3d9691549dda2.txt")).unwrap();
    let para = seed
        .lines()
        .find(|l| l.chars().count() > 80)
        .expect("a long paragraph")
        .to_owned();
    let piece: String = para.chars().take(60).collect();
    let text = format!("这是一段新写的文字，与语料无关。{piece}以上引自学习材料。");
    f.write("new.txt", text.as_bytes());
    let out = f.run(&["reuse", "new.txt", "--json"]).expect(0).stdout();
    let (found, share) = sources(&out);
    let top = found.first().expect("a source");
    assert_eq!(top.doc, "002_5eb3d9691549dda2.txt", "{out}");
    assert!(top.share > 0.6 && share > 0.6, "{out}");
    // The span starts where the piece does (in matching form: its opening quote mark aside).
    assert_eq!(mf(&top.spans[0].at.text)[..8], mf(&piece)[..8], "{out}");

    // From standard input, as CSV: a header and one row per span.
    let run = f
        .run_stdin(&["reuse", "-", "--csv"], text.as_bytes())
        .expect(0);
    let csv = run.stdout();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("doc,title,date,share,at.start"),
        "{csv}"
    );

    // Text unrelated to the corpus: no source, exit 1.
    f.write(
        "other.txt",
        "今天天气很好，我们一起去公园散步，看见很多孩子在放风筝。".as_bytes(),
    );
    f.run(&["reuse", "other.txt"]).expect(1);

    // A document of the index against itself would be all reuse: --doc leaves it out.
    let out = f
        .run(&[
            "reuse",
            "--doc",
            "002_5eb3d9691549dda2.txt",
            "--json",
            "-n",
            "0",
        ])
        .stdout();
    assert!(
        !out.contains("\"doc\":\"002_5eb3d9691549dda2.txt\""),
        "the document itself listed: {out}"
    );

    // compare: a document with itself shares all of its text each way.
    let out = f
        .run(&[
            "compare",
            "002_5eb3d9691549dda2.txt",
            "002_5eb3d9691549dda2.txt",
            "--json",
        ])
        .expect(0)
        .stdout();
    let summary: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert!(summary["a"]["share"].as_f64().unwrap() > 0.99, "{summary}");
    let marked = f
        .run(&[
            "compare",
            "000_43c7a6c6068f4716.txt",
            "002_5eb3d9691549dda2.txt",
            "--marked",
        ])
        .stdout();
    assert!(
        marked.contains("== A ==") && marked.contains("== B =="),
        "{marked}"
    );
}

#[test]
fn reuse_and_compare_refuse_bad_input_clearly() {
    let f = Fixture::with_seeds();
    let err = f.run(&["reuse", "missing.txt"]).expect(2).stderr();
    assert!(err.contains("missing.txt"), "{err}");
    f.write("a.pdf", b"%PDF-1.4");
    let err = f.run(&["reuse", "a.pdf"]).expect(2).stderr();
    assert!(err.contains("pdftotext"), "{err}");
    f.write("punct.txt", "，。！？".as_bytes());
    let err = f.run(&["reuse", "punct.txt"]).expect(2).stderr();
    assert!(err.contains("no characters"), "{err}");
    f.write("bin.txt", &[0xff, 0xfe, 0x00, 0xd8, 0x00, 0x00, 0x41]);
    f.run(&["reuse", "bin.txt"]).expect(2);
    let err = f.run_stdin(&["reuse", "-"], b"").expect(2).stderr();
    assert!(err.contains("standard input"), "{err}");
    let err = f
        .run_stdin(
            &["reuse", "-", "--min-chars", "3"],
            "调查研究是谋事之基".as_bytes(),
        )
        .expect(2)
        .stderr();
    assert!(err.contains("--min-chars"), "{err}");
    let err = f
        .run(&["compare", "nope.txt", "002_5eb3d9691549dda2.txt"])
        .expect(2)
        .stderr();
    assert!(err.contains("no indexed document"), "{err}");
    f.run(&["reuse"]).expect(2);
}

#[test]
fn reposts_are_grouped_and_counted_once() {
    let f = Fixture::with_seeds();
    let seed = std::fs::read_to_string(f.path("corpus/003_8d1d7b176a206c1a.txt")).unwrap();
    // A repost with a header and a source line of its own, dated later in its path.
    f.write(
        "corpus/2024/repost.txt",
        format!("转载：{}\n（来源：学习材料，有删节）\n", seed.trim_end()).as_bytes(),
    );
    let out = f
        .run(&["docs", "--duplicates", "--json"])
        .expect(0)
        .stdout();
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let docs: Vec<&str> = first["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doc"].as_str().unwrap())
        .collect();
    assert_eq!(docs.len(), 2, "{out}");
    assert!(docs.contains(&"003_8d1d7b176a206c1a.txt") && docs.contains(&"2024/repost.txt"));
    assert!(first["min_share"].as_f64().unwrap() >= 0.8, "{out}");
    // No other seed is a near-duplicate of another.
    let summary: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["groups"], 1, "{out}");

    // Counted once: the phrase's documents drop by one with --once, and the note says why.
    let count = |once: bool| {
        let mut args = vec!["phrase", "四下基层", "--count", "--json"];
        if once {
            args.push("--once");
        }
        let out = f.run(&args).expect(0).stdout();
        let s: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        s["docs"].as_u64().unwrap()
    };
    assert_eq!(count(false), count(true) + 1);
    let run = f
        .run(&["phrase", "四下基层", "--count", "--once"])
        .expect(0);
    assert!(run.stderr().contains("near-duplicate"), "{}", run.stderr());
    // Not word for word the same: --min-share 1 keeps no group.
    f.run(&["docs", "--duplicates", "--min-share", "1"])
        .expect(1);
    f.run(&["docs", "--duplicates", "--min-share", "1.5"])
        .expect(2);
}
