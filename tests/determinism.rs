//! Deterministic output: the same command run twice gives the same bytes on stdout (timings
//! masked), and two indexes built from the same corpus answer alike. Regression test for the
//! `quotes` listing whose cluster order followed HashMap iteration (issue 13).

use crate::util::{Fixture, required_corpora, required_corpora_index};

/// Commands whose every output byte must repeat; `elapsed_us` and the like are masked.
const COMMANDS: &[&[&str]] = &[
    &["quotes", "--json", "-n", "0"],
    &["quotes", "--min-docs", "2", "--json", "-n", "0"],
    &["shared", "--json", "-n", "0"],
    &["search", "群众", "--json", "-n", "50"],
    &["search", "--theme", "调查研究", "--json", "-n", "50"],
    &["phrase", "人民", "--sort", "left", "--json"],
    &["quote", "没有调查就没有发言权", "--json"],
    &["themes", "--json"],
    &["keywords", "--json", "-n", "50"],
    &["docs", "--json"],
];

/// Timings and sizes that may differ between runs, masked.
fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\"elapsed_us\":") {
        let (head, tail) = rest.split_at(i + "\"elapsed_us\":".len());
        out.push_str(head);
        out.push('#');
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

fn run_twice(f: &Fixture, index: &str, corpus: &str, cmd: &[&str]) {
    let mut args = vec![
        "--index", index, "--corpus", corpus, "-q", "--color", "never",
    ];
    args.extend_from_slice(cmd);
    let first = f.run(&args);
    let second = f.run(&args);
    assert_eq!(first.code(), second.code(), "{cmd:?}: exit codes");
    let (a, b) = (masked(&first.stdout()), masked(&second.stdout()));
    if a != b {
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "{cmd:?} printed different output on a second run, from line {}:\n{}\n{}",
            line + 1,
            a.lines().nth(line).unwrap_or(""),
            b.lines().nth(line).unwrap_or("")
        );
    }
}

#[test]
fn every_command_repeats_itself_on_the_seeds() {
    let f = Fixture::with_seeds();
    f.run(&["index", "-q"]).expect(0);
    for cmd in COMMANDS {
        run_twice(&f, "index", "corpus", cmd);
    }
}

#[test]
#[ignore = "needs ../shared/corpora: cargo test --release -- --include-ignored"]
fn every_command_repeats_itself_on_the_corpora() {
    let corpus = required_corpora();
    let index = required_corpora_index();
    let f = Fixture::empty();
    let (index, corpus) = (index.to_str().unwrap(), corpus.to_str().unwrap());
    for cmd in COMMANDS {
        run_twice(&f, index, corpus, cmd);
    }
}
