//! `jiansuo shared`: maximal phrases several documents have in common.

use serde::Deserialize;

use crate::util::{Fixture, required_corpora_index};

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Shared {
        phrase: String,
        text: String,
        chars: usize,
        docs: usize,
        hits: u64,
        documents: Vec<Doc>,
    },
    Summary {
        phrases: usize,
        shown: usize,
        name_lists: usize,
        variants: usize,
        chars: usize,
        shards: usize,
        elapsed_us: u64,
        scope: Option<serde_json::Value>,
    },
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    doc: String,
    hits: u64,
}

fn rows(stdout: &str) -> Vec<(String, String, usize, Vec<String>)> {
    stdout
        .lines()
        .filter_map(|l| match serde_json::from_str::<Line>(l).unwrap() {
            Line::Shared {
                phrase,
                text,
                docs,
                documents,
                ..
            } => Some((
                phrase,
                text,
                docs,
                documents.into_iter().map(|d| d.doc).collect(),
            )),
            Line::Summary { .. } => None,
        })
        .collect()
}

#[test]
fn seeds_share_known_phrases() {
    let f = Fixture::with_seeds();
    let out = f.run(&["shared", "--json", "-n", "0"]).expect(0).stdout();
    let rows = rows(&out);
    let find = |needle: &str| {
        rows.iter()
            .filter(|r| r.0.contains(needle))
            .collect::<Vec<_>>()
    };
    let flying = find("飞入寻常百姓家");
    assert!(!flying.is_empty(), "{out}");
    assert!(
        flying
            .iter()
            .any(|r| r.3 == ["002_5eb3d9691549dda2.txt", "003_8d1d7b176a206c1a.txt"])
    );
    let last_mile = find("最后一公里");
    assert!(
        last_mile.iter().any(|r| r.1.contains("“最后一公里”")),
        "{last_mile:?}"
    );
    // Longest first; every phrase is long enough and in at least two documents.
    let lens: Vec<usize> = rows.iter().map(|r| r.0.chars().count()).collect();
    assert!(lens.windows(2).all(|w| w[0] >= w[1]));
    assert!(
        rows.iter()
            .all(|r| r.0.chars().count() >= 8 && r.2 >= 2 && r.3.len() == r.2)
    );
    // Maximal: no phrase is inside a longer one found in as many documents.
    for a in &rows {
        assert!(
            !rows
                .iter()
                .any(|b| b.0 != a.0 && b.0.contains(&a.0) && b.2 >= a.2),
            "{} is not maximal",
            a.0
        );
    }
}

#[test]
fn counts_are_exact_orders_and_boilerplate_as_asked() {
    let f = Fixture::with_seeds();
    // Counts agree with `phrase --count` (the brute-force-checked lookup).
    let out = f.run(&["shared", "--json", "-n", "15"]).expect(0).stdout();
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        if v["type"] != "shared" {
            continue;
        }
        let phrase = v["phrase"].as_str().unwrap();
        let count = f
            .run(&["phrase", phrase, "--count", "--json"])
            .expect(0)
            .stdout();
        let s: serde_json::Value = serde_json::from_str(count.lines().last().unwrap()).unwrap();
        assert_eq!(
            (&s["hits"], &s["docs"]),
            (&v["hits"], &v["docs"]),
            "{phrase}"
        );
    }
    // Most widespread first.
    let docs: Vec<usize> = rows(
        &f.run(&["shared", "--json", "--sort", "docs"])
            .expect(0)
            .stdout(),
    )
    .iter()
    .map(|r| r.2)
    .collect();
    assert!(docs.windows(2).all(|w| w[0] >= w[1]), "{docs:?}");
    // A list of leaders in two documents is boilerplate, left out unless asked for.
    let names =
        "出席会议的有王沪宁、蔡奇、丁薛祥、李希、韩正、赵乐际、王毅、石泰峰、尹力、张国清。";
    f.write("corpus/x/a.txt", format!("甲文\n{names}\n").as_bytes());
    f.write("corpus/x/b.txt", format!("乙文\n{names}\n").as_bytes());
    f.run(&["index"]).expect(0);
    let plain = rows(
        &f.run(&["shared", "--json", "-n", "0", "--under", "x"])
            .expect(1)
            .stdout(),
    );
    assert!(plain.is_empty(), "{plain:?}");
    let kept = rows(
        &f.run(&[
            "shared",
            "--json",
            "-n",
            "0",
            "--under",
            "x",
            "--keep-boilerplate",
        ])
        .expect(0)
        .stdout(),
    );
    assert!(kept.iter().any(|r| r.0.contains("王沪宁蔡奇")), "{kept:?}");
}

#[test]
fn options_filter_phrases() {
    let f = Fixture::with_seeds();
    let everywhere = rows(
        &f.run(&["shared", "--json", "--min-chars", "4", "--min-docs", "5"])
            .expect(0)
            .stdout(),
    );
    assert!(
        everywhere.iter().any(|r| r.0 == "四下基层"),
        "{everywhere:?}"
    );
    assert!(everywhere.iter().all(|r| r.2 == 5));
    let capped = rows(
        &f.run(&["shared", "--json", "--min-chars", "4", "--max-docs", "4"])
            .expect(0)
            .stdout(),
    );
    assert!(!capped.iter().any(|r| r.0 == "四下基层"));
    f.run(&["shared", "--min-chars", "200"]).expect(1);
    f.run(&["shared", "--min-docs", "1"]).expect(2);
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn finishes_on_the_shared_corpora_without_boilerplate() {
    let index = required_corpora_index();
    let f = Fixture::empty();
    let out = f
        .run(&[
            "--index",
            index.to_str().unwrap(),
            "shared",
            "--json",
            "-n",
            "50",
        ])
        .expect(0)
        .stdout();
    let rows = rows(&out);
    assert_eq!(rows.len(), 50);
    assert!(
        rows.iter()
            .all(|r| r.2 <= 100 && !r.0.contains("央视网消息新闻联播"))
    );
    assert!(rows[0].0.chars().count() > 100, "{:?}", rows[0]);
}
