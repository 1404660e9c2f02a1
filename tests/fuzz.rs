//! Fuzzing with a budget that fits CI (proptest, arbitrary bytes): the readers of every format
//! (plain text in any encoding, Markdown, HTML, docx as arbitrary zip bytes), the manifest
//! parser, the document table's reader, and query strings for every query command. No panic;
//! every 1 MB input is read in well under a second. `JIANSUO_FUZZ_CASES=N` runs a longer
//! campaign (README "Reliability").

use std::time::{Duration, Instant};

use jiansuo::load::formats::{Format, extract};
use proptest::prelude::*;

use crate::util::Fixture;

fn cases(default: u32) -> u32 {
    std::env::var("JIANSUO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Bytes that look like what the readers meet: random, UTF-8 and GBK-ish text with markup,
/// zip local headers, BOMs.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        "[调查研究<>/#*&;\"'=\\-\\n\\r\\t a-z0-9]{0,40}".prop_map(|s| s.into_bytes()),
        Just(b"PK\x03\x04".to_vec()),
        Just(b"PK\x05\x06\0\0\0\0\x01\0\x01\0".to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        Just(b"<html><meta name=\"PubDate\" content=\"2024-13-45\"><body><p>".to_vec()),
        Just(b"word/document.xml<w:t>".to_vec()),
        Just("\u{3000}\u{202e}【】“”".as_bytes().to_vec()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(160), ..ProptestConfig::default() })]

    #[test]
    fn every_reader_takes_any_bytes(b in bytes()) {
        for format in [Format::Text, Format::Markdown, Format::Html, Format::Docx] {
            let _ = extract(format, &b);
        }
        let _ = jiansuo::load::formats::docx_properties(&b);
        let _ = jiansuo::clean::clean(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn the_manifest_parser_takes_any_bytes(b in bytes(), tab in any::<bool>()) {
        let name = if tab { "m.tsv" } else { "m.csv" };
        let mut with_header = b"path\tdate\ttitle\n".to_vec();
        with_header.extend_from_slice(&b);
        let _ = jiansuo::docmeta::manifest::Manifest::parse(std::path::Path::new(name), &b);
        let _ = jiansuo::docmeta::manifest::Manifest::parse(std::path::Path::new(name), &with_header);
    }
}

#[test]
fn one_megabyte_of_anything_is_read_in_well_under_a_second() {
    let mut rng = jiansuo::bench::Lcg(7);
    let random: Vec<u8> = (0..1 << 20).map(|_| rng.below(256) as u8).collect();
    let markup: Vec<u8> = "<p>调查研究<b>是</b>谋事之基&amp;</p>\n"
        .repeat(1 << 20 >> 6)
        .into_bytes();
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&random[..(1 << 20) - 4]);
    let mut slowest = Duration::ZERO;
    for input in [&random, &markup, &zip] {
        for format in [Format::Text, Format::Markdown, Format::Html, Format::Docx] {
            let t = Instant::now();
            let _ = extract(format, input);
            slowest = slowest.max(t.elapsed());
        }
    }
    eprintln!("slowest 1 MB read: {slowest:?}");
    // A hang detector, not a timing claim (the README gives the measured figure).
    assert!(slowest < Duration::from_secs(5), "{slowest:?}");
}

#[test]
fn the_document_table_reader_takes_any_bytes() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let index = f.path("index");
    let name = std::fs::read_to_string(index.join("CURRENT")).unwrap();
    let generation = index.join(name.trim());
    let good = std::fs::read(generation.join("docs.bin")).unwrap();
    let mut rng = jiansuo::bench::Lcg(11);
    for case in 0..cases(200) {
        let mut b = good.clone();
        match case % 4 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(b.len());
                    b[at] = rng.below(256) as u8;
                }
            }
            1 => b.truncate(rng.below(b.len())),
            2 => b = (0..rng.below(4096)).map(|_| rng.below(256) as u8).collect(),
            _ => {
                // The header kept, the records and heap random.
                for x in b.iter_mut().skip(48) {
                    *x = rng.below(256) as u8;
                }
            }
        }
        std::fs::write(generation.join("docs.bin"), &b).unwrap();
        if let Ok(t) = jiansuo::index::DocTable::open(&index, &generation) {
            for i in 0..t.len().min(64) {
                let _ = t.path(i);
                let _ = t.title(i);
                let _ = t.get(i);
            }
            let _ = t.collections();
        }
    }
}

#[test]
fn query_strings_of_every_command_are_answered_or_refused() {
    let f = Fixture::with_seeds();
    f.run(&["index"]).expect(0);
    let handle = jiansuo::index::IndexHandle::open(&f.path("index")).unwrap();
    let strategy = prop_oneof![
        any::<String>(),
        "[调查研究信访基层，。“”\\-\\s():*%.,0-9a-zA-Z]{0,30}",
        prop::collection::vec(any::<char>(), 0..400).prop_map(|v| v.into_iter().collect()),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: cases(48),
        ..ProptestConfig::default()
    });
    runner
        .run(&strategy, |q| {
            let phrase = jiansuo::api::PhraseRequest::new(q.clone());
            let _ = jiansuo::api::phrase_counts(&handle, &phrase);
            let _ = jiansuo::api::phrase_hits(&handle, &phrase);
            let _ = jiansuo::api::search(
                &handle,
                &jiansuo::api::SearchRequest {
                    query: q.clone(),
                    limit: 5,
                    words: jiansuo::api::WordRules {
                        not: vec![q.chars().take(3).collect()],
                        ..Default::default()
                    },
                    ..Default::default()
                },
            );
            let _ = jiansuo::api::quote(&handle, &jiansuo::api::QuoteRequest::new(&q));
            let mut show = jiansuo::api::ShowRequest::new(q.clone());
            show.highlight = Some(q.clone());
            let _ = jiansuo::api::show(&handle, &show);
            Ok(())
        })
        .unwrap();
}
