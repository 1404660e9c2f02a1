//! `jiansuo speakers` through the binary: counts on the seeds, the JSON schema, CSV, filters,
//! exit codes; unlisted speakers with their roles and every citation a hit on ../shared/corpora.

use serde::Deserialize;

use crate::util::{Fixture, required_corpora_index};

#[allow(dead_code)] // every field is parsed; not every test reads every field
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Speaker {
        name: String,
        listed: bool,
        roles: Vec<String>,
        quotations: usize,
        docs: usize,
        first_date: Option<String>,
        last_date: Option<String>,
        top: Vec<Top>,
    },
    Summary {
        speakers: usize,
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
struct Top {
    text: String,
    count: usize,
}

fn lines(out: &str) -> Vec<Line> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// (name, listed, quotations, docs) of the speaker lines.
fn rows(out: &str) -> Vec<(String, bool, usize, usize)> {
    lines(out)
        .into_iter()
        .filter_map(|l| match l {
            Line::Speaker {
                name,
                listed,
                quotations,
                docs,
                ..
            } => Some((name, listed, quotations, docs)),
            Line::Summary { .. } => None,
        })
        .collect()
}

#[test]
fn speakers_of_the_seeds() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let out = f.run(&["speakers", "--json"]).expect(0).stdout();
    // Counted by hand in corpus/: 9 cited quotations of 习近平 in two documents, one of 李强
    // (the seeds' labels in tests/data/attribution.tsv).
    assert_eq!(
        rows(&out),
        vec![
            ("习近平".to_owned(), true, 9, 2),
            ("李强".to_owned(), true, 1, 1)
        ]
    );
    let Some(Line::Summary {
        speakers,
        shown,
        quotations,
        ..
    }) = lines(&out).pop()
    else {
        panic!("no summary: {out}");
    };
    assert_eq!((speakers, shown, quotations), (2, 2, 10));
    // An alias names the speaker; -n and --top limit; --unlisted finds none here.
    let out = f
        .run(&["speakers", "总书记", "--top", "1", "--json"])
        .expect(0)
        .stdout();
    match &lines(&out)[0] {
        Line::Speaker { name, top, .. } => {
            assert_eq!((name.as_str(), top.len()), ("习近平", 1));
        }
        l => panic!("{l:?}"),
    }
    assert_eq!(
        rows(&f.run(&["speakers", "-n", "1", "--json"]).expect(0).stdout()).len(),
        1
    );
    f.run(&["speakers", "--unlisted"]).expect(1);
    f.run(&["speakers", "王充"]).expect(1);
    let csv = f.run(&["speakers", "--csv"]).expect(0).stdout();
    assert!(
        csv.starts_with(
            "name,listed,roles,quotations,docs,first_date,last_date,top\r\n习近平,true,,9,2,"
        ),
        "{csv}"
    );
    let text = f.run(&["speakers", "--color", "never"]).expect(0).stdout();
    assert!(
        text.starts_with("习近平  9 quotation(s) in 2 document(s)\n"),
        "{text}"
    );
    let err = f
        .run(&["speakers", "--listed", "--unlisted"])
        .expect(2)
        .stderr();
    assert!(err.contains("cannot be used with"), "{err}");
    f.run(&["speakers", "--since", "2020-13"]).expect(2);
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn unlisted_speakers_and_every_citation_on_the_corpora() {
    let index = required_corpora_index().to_str().unwrap().to_owned();
    let f = Fixture::empty();
    // 绍兴市人社局办公室主任王奋说 (rmrb2020_0085): a speaker found in the text, with the role.
    let out = f
        .run(&["--index", &index, "speakers", "王奋", "--json"])
        .expect(0)
        .stdout();
    match &lines(&out)[0] {
        Line::Speaker {
            name,
            listed,
            roles,
            ..
        } => {
            assert_eq!(name, "王奋");
            assert!(!listed);
            assert_eq!(roles, &vec!["绍兴市人社局办公室主任".to_owned()]);
        }
        l => panic!("{l:?}"),
    }
    // Filters: only the unlisted, with at least 3 quotations, in 2020.
    let out = f
        .run(&[
            "--index",
            &index,
            "speakers",
            "--unlisted",
            "--min-quotes",
            "3",
            "--since",
            "2020",
            "--until",
            "2020",
            "-n",
            "0",
            "--json",
        ])
        .expect(0)
        .stdout();
    let r = rows(&out);
    assert!(r.len() >= 10, "{out}");
    assert!(
        r.iter().all(|(_, listed, q, _)| !listed && *q >= 3),
        "{out}"
    );
    // The leader quoted most in the corpora is 习近平.
    let out = f
        .run(&[
            "--index", &index, "speakers", "--listed", "-n", "1", "--json",
        ])
        .expect(0)
        .stdout();
    assert_eq!(rows(&out)[0].0, "习近平");

    // Every citation a hit: cctv_xwlb/2023/202306/20230626_02.txt:5 cites 绿水青山就是金山银山
    // after 习近平同志…首次提出 and again unattributed; both are hits, the attributed one first.
    let out = f
        .run(&[
            "--index",
            &index,
            "quote",
            "绿水青山就是金山银山",
            "--under",
            "cctv_xwlb/2023/202306/20230626_02.txt",
            "--json",
        ])
        .expect(0)
        .stdout();
    let hits: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["type"] == "hit")
        .collect();
    assert_eq!(hits.len(), 2, "{out}");
    assert!(hits.iter().all(|h| h["line"] == 5), "{out}");
    assert_eq!(hits[0]["speaker"], "习近平", "{out}");
    assert!(hits[1]["speaker"].is_null(), "{out}");
    assert!(
        hits[0]["start"].as_u64() < hits[1]["start"].as_u64(),
        "{out}"
    );
}
