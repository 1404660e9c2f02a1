//! Ingest: the reading workers. Each reads, cleans, cuts and jieba-tokenises files and
//! extracts their quotations ([`read_file`]); [`read_in_parallel`] hands the results over in
//! plan order, so that document ordinals never depend on the workers' timing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use tantivy::tokenizer::TextAnalyzer;
use tantivy::{TantivyDocument, doc};

use super::super::schema::{self, Fields};
use super::super::tokenize;
use super::super::words::{self, WordDfs};
use super::prepare::{PreparedDoc, prepare};
use crate::analyze::{Extractor, Lexicon, SpeakerTable, TermCounts};
use crate::clean;
use crate::error::{Error, Result};
use crate::load::{self, SourceFile};
use crate::matching::MatchingForm;

/// What a worker needs to read a file.
pub(super) struct ReadContext<'a> {
    pub(super) fields: &'a Fields,
    pub(super) speakers: &'a SpeakerTable,
    pub(super) lexicon: &'a Lexicon,
}

/// A file read and analysed, ready to be added under its document ordinal.
pub(super) struct ReadDoc {
    pub(super) hash: String,
    pub(super) encoding: String,
    pub(super) title: String,
    pub(super) paragraphs: u32,
    pub(super) passages: u32,
    pub(super) chars: u64,
    /// The passages' tantivy documents (without `doc` and `para_key`, which need the ordinal)
    /// with their paragraph ordinals.
    pub(super) docs: Vec<(TantivyDocument, u32)>,
    /// Theme term counts of each passage.
    pub(super) counts: Vec<TermCounts>,
    /// The document's quotations, as a line of `quotes.jsonl.zst`.
    pub(super) quotes_json: String,
    pub(super) quotations: u64,
    /// What the document says about itself (embedded metadata, a date line).
    pub(super) found: crate::docmeta::Found,
    /// Its sketch, for near-duplicate documents.
    pub(super) sketch: crate::analyze::Sketch,
}

/// Non-empty lines of a text that a date line is looked for in: the first 12 and the last 6.
fn date_line_candidates(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() <= 18 {
        return lines;
    }
    let mut out = lines[..12].to_vec();
    out.extend_from_slice(&lines[lines.len() - 6..]);
    out
}

/// Read, clean, cut and analyse one file: its passages' documents, their theme counts (from
/// the passages' jieba words and matching forms), quotations.
fn read_file(
    file: &SourceFile,
    cx: &ReadContext,
    analyzer: &mut TextAnalyzer,
    word_dfs: &mut WordDfs,
) -> std::result::Result<ReadDoc, load::Skipped> {
    let mut loaded = load::read(file)?;
    let cleaned = clean::clean(&loaded.decoded.text);
    // Keep one copy of a big document's text in memory, not two.
    loaded.decoded.text = String::new();
    let found =
        crate::docmeta::found_from_embedded(&loaded.decoded.meta, &date_line_candidates(&cleaned));
    let PreparedDoc {
        title,
        paragraphs,
        chars,
        passages,
    } = prepare(&cleaned);
    let f = cx.fields;
    let n = passages.len();
    let mut docs = Vec::with_capacity(n);
    let mut counts = Vec::with_capacity(n);
    let mut sketcher = crate::analyze::Sketcher::default();
    // Each passage is dropped as soon as its document is made: for a file of one 96 MB line the
    // passages and the documents are each hundreds of MB.
    for p in passages {
        let words = tokenize::word_tokens(analyzer, &tokenize::normalize_words(&p.text));
        let mf = MatchingForm::new(&p.text).chars;
        counts.push(cx.lexicon.counts(&words, &mf));
        sketcher.add(&mf);
        words::count_passage(word_dfs, &words);
        let d: TantivyDocument = doc!(
            f.text => schema::stored_text_bytes(&p.text),
            f.exact => p.exact_field_text(),
            f.path => file.rel.as_str(),
            f.line => u64::from(p.span.line),
            f.paragraph => u64::from(p.span.paragraph),
            f.passage => u64::from(p.span.passage),
            f.start => u64::from(p.span.start),
            f.end => u64::from(p.span.end),
            f.mlen => u64::from(p.mlen),
            f.para_chars => u64::from(p.para_chars),
        );
        docs.push((d, p.span.paragraph));
    }
    let (quotes_json, quotations) = if docs.is_empty() {
        (String::new(), 0)
    } else {
        let quotes = Extractor::document(cx.speakers, &cleaned);
        let json = serde_json::to_string(&quotes).expect("quotations serialise");
        (json, quotes.len() as u64)
    };
    Ok(ReadDoc {
        hash: loaded.hash,
        encoding: loaded.decoded.encoding.to_owned(),
        title,
        paragraphs,
        passages: n as u32,
        chars,
        docs,
        counts,
        quotes_json,
        quotations,
        found,
        sketch: sketcher.finish(),
    })
}

/// Read `files` on `threads` workers (a rayon pool of that many threads) and hand each result
/// to `add`, on the calling thread, in plan order. Stops at the first error `add` returns.
/// Returns the word counts of the passages read.
///
/// The workers take the files in order from a shared counter, so that reading runs just ahead
/// of adding; the channel is bounded, so that fast workers do not pile up read documents ahead
/// of a slow one.
pub(super) fn read_in_parallel(
    files: &[SourceFile],
    threads: usize,
    cx: &ReadContext,
    analyzer: &TextAnalyzer,
    mut add: impl FnMut(usize, std::result::Result<ReadDoc, load::Skipped>) -> Result<()>,
) -> Result<WordDfs> {
    type Read = (usize, std::result::Result<ReadDoc, load::Skipped>);
    let threads = threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("jiansuo-read-{i}"))
        .build()
        .map_err(|e| Error::io("starting the reading workers")(std::io::Error::other(e)))?;
    let next = AtomicUsize::new(0);
    // The words of every passage read, each worker's added when it ends (the sum does not
    // depend on which worker read which file).
    let word_dfs = Mutex::new(WordDfs::default());
    let (tx, rx) = mpsc::sync_channel::<Read>(64);
    let added: Result<()> = pool.in_place_scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, word_dfs) = (&next, &word_dfs);
            let mut analyzer = analyzer.clone();
            scope.spawn(move |_| {
                let mut own = WordDfs::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() {
                        break;
                    }
                    // The receiver gone means the build stopped: so do the workers.
                    if tx
                        .send((i, read_file(&files[i], cx, &mut analyzer, &mut own)))
                        .is_err()
                    {
                        break;
                    }
                }
                let mut total = word_dfs.lock().unwrap_or_else(PoisonError::into_inner);
                words::merge(&mut total, own);
            });
        }
        drop(tx);
        // Moved in, so that it is dropped (and the workers stop) as soon as `add` fails.
        let rx = rx;
        let mut waiting: BTreeMap<usize, std::result::Result<ReadDoc, load::Skipped>> =
            BTreeMap::new();
        let mut want = 0;
        for (i, read) in rx.iter() {
            waiting.insert(i, read);
            while let Some(read) = waiting.remove(&want) {
                add(want, read)?;
                want += 1;
            }
        }
        Ok(())
    });
    added?;
    Ok(word_dfs
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner))
}
