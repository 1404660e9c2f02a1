//! The exact fields are an exact substring test: for random substrings of the seeds, the
//! passages that `contains_query` finds are exactly those whose own matching form contains the
//! substring (brute-force scan), and single characters are found.

use std::collections::BTreeSet;

use jiansuo::index::{BuildOptions, IndexHandle, Quiet, build, prepare};
use jiansuo::matching::matching_string;
use jiansuo::query::{contains_query, stored_passage};
use tantivy::collector::DocSetCollector;

use crate::util::seeds_dir;

use jiansuo::bench::Lcg;

#[test]
fn contains_query_equals_brute_force_on_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        threads: 1,
        heap_bytes: 50_000_000,
        ..BuildOptions::default()
    };
    build(&seeds_dir(), dir.path(), &opts, &Quiet).unwrap();
    let handle = IndexHandle::open(dir.path()).unwrap();
    let searcher = handle.searcher();

    // Own matching form of every passage, keyed by (document ordinal, passage ordinal).
    let mut own: Vec<((u64, u32), Vec<char>)> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for (ord, doc) in handle.docs().all().unwrap().iter().enumerate() {
        let text = std::fs::read_to_string(seeds_dir().join(&doc.path)).unwrap();
        let cleaned = jiansuo::clean::clean(&text);
        for p in prepare(&cleaned).passages {
            own.push((
                (ord as u64, p.span.passage),
                p.own_exact().chars().collect(),
            ));
        }
        lines.extend(
            cleaned
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned),
        );
    }

    let mut rng = Lcg(20261121);
    let mut checked = 0;
    for i in 0..600 {
        let line: Vec<char> = lines[rng.below(lines.len())].chars().collect();
        let len = 1 + rng.below(12);
        let start = rng.below(line.len().saturating_sub(len) + 1);
        let mut raw: String = line[start..(start + len).min(line.len())].iter().collect();
        if i % 10 == 0 {
            raw.push('龘'); // a string that does not occur
        }
        let needle: Vec<char> = matching_string(&raw).chars().collect();
        if needle.is_empty() {
            continue;
        }
        let want: BTreeSet<(u64, u32)> = own
            .iter()
            .filter(|(_, m)| m.windows(needle.len()).any(|w| w == needle.as_slice()))
            .map(|(k, _)| *k)
            .collect();
        let found = searcher
            .search(&*contains_query(handle.fields(), &needle), &DocSetCollector)
            .unwrap();
        let got: BTreeSet<(u64, u32)> = found
            .into_iter()
            .map(|addr| {
                let p = stored_passage(&handle, &searcher, addr).unwrap();
                (p.doc, p.passage)
            })
            .collect();
        assert_eq!(
            got,
            want,
            "needle {raw:?} → {:?}",
            needle.iter().collect::<String>()
        );
        checked += 1;
    }
    assert!(checked > 500, "only {checked} needles checked");
}
