//! Criterion benches: tokenizers, index build, and every query kind on an index of the seeds
//! and, when `../shared/corpora` exists, on that corpus. Each bench asserts its result count
//! inside the measured closure, so a faster but wrong build fails. `cargo bench`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use jiansuo::index::tokenize::{
    BigramTokenizer, load_jieba, normalize_words, word_tokens, words_analyzer,
};
use jiansuo::index::{BuildOptions, IndexHandle, Quiet, build};
use jiansuo::query::{QuoteOptions, count_phrase, find_quote, search, search_with};
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn seed_text() -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(seeds()).unwrap() {
        all.push_str(&jiansuo::clean::clean(
            &std::fs::read_to_string(e.unwrap().path()).unwrap(),
        ));
    }
    all
}

fn tokenizers(c: &mut Criterion) {
    let text = seed_text();
    let normal = normalize_words(&text);
    let mut jieba = words_analyzer(load_jieba("").unwrap());
    let expected_words = word_tokens(&mut jieba, &normal).len();
    let matching = jiansuo::matching::matching_string(&text);
    // A bigram at every character but the last, and the last alone.
    let expected_grams = matching.chars().count();
    let mut g = c.benchmark_group("tokenize seeds");
    g.bench_function("jieba (search mode, dictionary loaded)", |b| {
        b.iter(|| {
            assert_eq!(
                word_tokens(&mut jieba, black_box(&normal)).len(),
                expected_words
            )
        })
    });
    g.bench_function("bigrams of the matching form", |b| {
        b.iter(|| {
            let mut t = BigramTokenizer;
            let mut s = t.token_stream(black_box(&matching));
            let mut n = 0;
            while s.advance() {
                n += 1;
            }
            assert_eq!(n, expected_grams);
        })
    });
    g.bench_function("matching form with offset map", |b| {
        b.iter(|| assert!(jiansuo::matching::MatchingForm::new(black_box(&text)).len() > 10_000))
    });
    g.finish();
}

fn index_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("index build");
    g.sample_size(10);
    g.bench_function("seeds", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let r = build(&seeds(), dir.path(), &BuildOptions::default(), &Quiet).unwrap();
            assert_eq!(r.stats.documents, 5);
        })
    });
    g.finish();
}

fn queries_on(c: &mut Criterion, name: &str, handle: &IndexHandle) {
    let expect = |phrase: &str| {
        count_phrase(handle, &phrase.chars().collect::<Vec<_>>(), None)
            .unwrap()
            .hits
    };
    let (dcyj, de) = (expect("调查研究"), expect("的"));
    let total = search(handle, "信访", 10).unwrap().total;
    let quote = "没有调查，就没有发言权";
    let opts = QuoteOptions::for_length(10);
    let quoted = find_quote(handle, quote, opts, None).unwrap().hits.len();
    let theme = handle.themes().unwrap().lexicon.find("信访接待").unwrap();
    let themed = search_with(handle, "", &[theme], 10, false, None, &Default::default())
        .unwrap()
        .total;
    let mut g = c.benchmark_group(format!("queries on {name}"));
    g.bench_function("phrase 调查研究 (count)", |b| {
        b.iter(|| assert_eq!(expect(black_box("调查研究")), dcyj))
    });
    g.bench_function("phrase 的 (count)", |b| {
        b.iter(|| assert_eq!(expect(black_box("的")), de))
    });
    g.bench_function("search 信访 (top 10)", |b| {
        b.iter(|| assert_eq!(search(handle, black_box("信访"), 10).unwrap().total, total))
    });
    g.bench_function("quote 没有调查，就没有发言权", |b| {
        b.iter(|| {
            assert_eq!(
                find_quote(handle, black_box(quote), opts, None)
                    .unwrap()
                    .hits
                    .len(),
                quoted
            )
        })
    });
    g.bench_function("search --theme 信访接待", |b| {
        b.iter(|| {
            assert_eq!(
                search_with(handle, "", &[theme], 10, false, None, &Default::default())
                    .unwrap()
                    .total,
                themed
            )
        })
    });
    // The same count limited by filters (resolved once, as a request resolves them).
    for (label, filters) in [
        (
            "--under",
            jiansuo::api::Filters::under(first_folder(handle)),
        ),
        (
            "--since",
            jiansuo::api::Filters {
                since: "2024".parse().ok(),
                ..Default::default()
            },
        ),
    ] {
        let Ok(sel) = filters.select(handle) else {
            continue;
        };
        let needle: Vec<char> = "调查研究".chars().collect();
        g.bench_function(format!("phrase 调查研究 (count {label})"), |b| {
            b.iter(|| {
                count_phrase(handle, black_box(&needle), sel.get())
                    .unwrap()
                    .hits
            })
        });
    }
    g.finish();
}

/// The first folder of the index (or its first document), for an `--under` filter.
fn first_folder(handle: &IndexHandle) -> String {
    let path = handle.docs().path(0).unwrap().into_owned();
    path.split_once('/')
        .map_or(path.clone(), |(f, _)| f.to_owned())
}

fn queries(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    build(&seeds(), dir.path(), &BuildOptions::default(), &Quiet).unwrap();
    queries_on(c, "seeds", &IndexHandle::open(dir.path()).unwrap());
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if corpora.is_dir() {
        let big = tempfile::tempdir().unwrap();
        build(&corpora, big.path(), &BuildOptions::default(), &Quiet).unwrap();
        queries_on(c, "shared corpora", &IndexHandle::open(big.path()).unwrap());
    }
}

criterion_group!(benches, tokenizers, index_build, queries);
criterion_main!(benches);
