//! Build an index from a corpus: load → clean → passages → tantivy documents.

use std::path::{Path, PathBuf};
use std::time::Instant;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use tantivy::store::Compressor;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument, doc};

use super::failpoint::fail_point;
use super::meta::dict_hash;
use super::meta::{self, BuildStats, DocEntry, FileEntry, IndexMeta, SkippedFile};
use super::schema::{self, EXACT_TAIL_CHARS, Fields, SCHEMA_VERSION};
use super::update::{Base, Changes, Extras, Plan, link_base};
use super::words::{self, WordDfs};
use super::{store, tokenize};
use crate::analyze::{Extractor, Lexicon, SpeakerTable, TermCounts};
use crate::error::{Error, Result};
use crate::index::ThemeScores;
use crate::load::{self, SourceFile};
use crate::matching::MatchingForm;
use crate::passage::{self, PassageSpan};
use crate::{clean, index};

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// A user dictionary for jieba, added to the built-in one.
    pub user_dict: Option<PathBuf>,
    /// A user speaker table (TOML), added to the built-in one.
    pub speakers: Option<PathBuf>,
    /// A user theme lexicon (TOML), added to (or replacing) the built-in one.
    pub themes: Option<PathBuf>,
    /// Reading workers, and tantivy writer threads (a full build keeps their segments).
    pub threads: usize,
    /// Memory budget of the tantivy writer, in bytes, shared by its threads.
    pub heap_bytes: usize,
    /// Update the live index when it allows (same corpus, schema, dictionaries, lexicon)
    /// instead of rebuilding it whole.
    pub update: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
        BuildOptions {
            user_dict: None,
            speakers: None,
            themes: None,
            threads,
            heap_bytes: 128_000_000 * threads,
            update: false,
        }
    }
}

/// Receives what happens during a build (progress bars, warnings). Every method does nothing
/// by default.
pub trait BuildObserver {
    /// The corpus was listed: this many files and bytes will be read.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// One file was read (indexed or skipped).
    fn file_done(&self, _bytes: u64) {}
    /// A file was left out.
    fn skipped(&self, _file: &SkippedFile) {}
    /// Passages are written; now committing and merging.
    fn finishing(&self) {}
    /// Scoring every passage for every theme.
    fn scoring_themes(&self) {}
    /// An update was asked for but the whole index is rebuilt, for this reason.
    fn rebuilding(&self, _reason: &str) {}
}

/// Observer that ignores everything.
pub struct Quiet;
impl BuildObserver for Quiet {}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub stats: BuildStats,
    pub skipped: Vec<SkippedFile>,
    /// Directory of the new generation (of the live one when it was up to date).
    pub generation: PathBuf,
    /// For an update: files added, changed, removed and unchanged.
    pub changes: Option<Changes>,
    /// Why an update was asked for but the index was rebuilt whole.
    pub full_reason: Option<String>,
    /// An update found nothing to do.
    pub up_to_date: bool,
}

/// A passage ready to be indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPassage {
    pub span: PassageSpan,
    /// Cleaned text of the passage.
    pub text: String,
    /// Matching form of the passage followed by up to [`EXACT_TAIL_CHARS`] matching characters
    /// of the rest of its paragraph.
    pub exact: String,
    /// Characters of `exact` that belong to the passage itself.
    pub mlen: u32,
    /// Characters of the passage's paragraph.
    pub para_chars: u32,
}

impl PreparedPassage {
    /// Text of the `exact` field: own matching form, [`tokenize::TAIL_MARK`], tail.
    pub fn exact_field_text(&self) -> String {
        let own = self.own_exact();
        let tail = &self.exact[own.len()..];
        if tail.is_empty() {
            own.to_owned()
        } else {
            format!("{own}{}{tail}", tokenize::TAIL_MARK)
        }
    }

    /// The passage's own matching form (`exact` without the tail).
    pub fn own_exact(&self) -> &str {
        let end = self
            .exact
            .char_indices()
            .nth(self.mlen as usize)
            .map_or(self.exact.len(), |(i, _)| i);
        &self.exact[..end]
    }
}

/// A cleaned document cut into passages.
#[derive(Debug, Clone, Default)]
pub struct PreparedDoc {
    pub title: String,
    pub paragraphs: u32,
    pub chars: u64,
    pub passages: Vec<PreparedPassage>,
}

/// Cut a cleaned document into passages with their exact-field text.
pub fn prepare(cleaned: &str) -> PreparedDoc {
    let mut out = PreparedDoc {
        title: passage::title(cleaned).to_owned(),
        chars: cleaned.chars().count() as u64,
        ..PreparedDoc::default()
    };
    for para in passage::paragraphs(cleaned) {
        out.paragraphs += 1;
        let mf = MatchingForm::new(para.text);
        // Byte offset of every passage boundary (character offsets come from the splitter).
        let pieces = passage::split_paragraph(para.text);
        let mut bounds: Vec<usize> = Vec::with_capacity(pieces.len() + 1);
        let mut wanted = pieces.iter().map(|p| p.0).chain(pieces.last().map(|p| p.1));
        let mut next = wanted.next();
        for (ci, (bi, _)) in para
            .text
            .char_indices()
            .chain(std::iter::once((para.text.len(), ' ')))
            .enumerate()
        {
            while next == Some(ci) {
                bounds.push(bi);
                next = wanted.next();
            }
        }
        let para_chars = pieces.last().map_or(0, |p| p.1) as u32;
        for (k, &(start, end)) in pieces.iter().enumerate() {
            let a = mf.first_at_or_after(start);
            let b = mf.first_at_or_after(end);
            let tail_end = (b + EXACT_TAIL_CHARS).min(mf.len());
            out.passages.push(PreparedPassage {
                span: PassageSpan {
                    line: para.line,
                    paragraph: para.ordinal,
                    passage: out.passages.len() as u32,
                    start: start as u32,
                    end: end as u32,
                },
                text: para.text[bounds[k]..bounds[k + 1]].to_owned(),
                exact: mf.chars[a..tail_end].iter().collect(),
                mlen: (b - a) as u32,
                para_chars,
            });
        }
    }
    out
}

/// Build the index in `dir` from the corpus at `corpus`: a new generation, made live when it is
/// complete. With [`BuildOptions::update`], an index of the same corpus, schema, dictionaries and
/// lexicon is updated: only new and changed files are read (size and mtime, then the content
/// hash, tell), passages of changed and removed files are deleted, the rest is kept. On failure
/// the previous generation stays live and the new one is removed.
pub fn build(
    corpus: &Path,
    dir: &Path,
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildReport> {
    let started = Instant::now();
    // Check the given tables before anything else, so that a bad file stops nothing.
    if let Some(path) = &opts.user_dict {
        tokenize::read_user_dict(path)?;
    }
    if let Some(path) = &opts.speakers {
        SpeakerTable::with_file(path)?;
    }
    if let Some(path) = &opts.themes {
        Lexicon::with_file(path)?;
    }
    let walk = load::walk(corpus)?;
    let lock = store::lock(dir)?;
    store::remove_stale(dir, &lock)?;
    let live = store::current(dir)
        .ok()
        .flatten()
        .map(|name| dir.join(name))
        .filter(|g| g.is_dir());
    // The live generation's theme lexicon, read once: the default lexicon, and an update's check.
    let live_lexicon = live
        .as_deref()
        .map(|g| ThemeScores::read(dir, g).map(|t| t.lexicon));
    let extras = Extras::resolve(
        opts.user_dict.as_deref(),
        opts.speakers.as_deref(),
        opts.themes.as_deref(),
        live.as_deref(),
        live_lexicon.as_ref().and_then(|r| r.as_ref().ok()),
    )?;
    let mut full_reason = None;
    let base = match (&live, &live_lexicon, opts.update) {
        (Some(generation), Some(lexicon), true) => {
            match Base::open(dir, generation, corpus, &extras, lexicon) {
                Ok(base) => Some(base),
                Err(reason) => {
                    observer.rebuilding(&reason);
                    full_reason = Some(reason);
                    None
                }
            }
        }
        _ => None,
    };
    let plan = Plan::make(&walk, base.as_ref());
    if let Some(base) = &base
        && plan.index.is_empty()
        && plan.drop.is_empty()
    {
        return up_to_date(base, plan, walk.skipped, observer, started);
    }
    let (gen_name, gen_dir) = store::new_generation(dir, &lock)?;
    let result = write_generation(
        corpus,
        &gen_dir,
        &extras,
        base.as_ref(),
        plan,
        walk.skipped,
        opts,
        observer,
        started,
    );
    match result {
        Ok(mut report) => {
            store::publish(dir, &gen_name, &lock)?;
            report.full_reason = full_reason;
            Ok(report)
        }
        Err(e) => {
            store::discard(&gen_dir);
            Err(match e {
                // tantivy reports a failed write in its indexing threads only as a dead writer.
                Error::Tantivy(t) if t.to_string().contains("index writer was killed") => {
                    Error::io("writing the index")(std::io::Error::other(
                        "an indexing thread could not write (is the disk full, or a file-size \
                         limit set?)",
                    ))
                }
                // A write error met while committing or merging comes back as an internal error
                // holding the system's message.
                Error::Tantivy(t) if t.to_string().contains("(os error") => {
                    let reason = t.to_string();
                    let reason = reason.rsplit("Internal error: ").next().unwrap_or(&reason);
                    Error::io("writing the index")(std::io::Error::other(format!(
                        "could not write the index files: {} (is the disk full, or a \
                         file-size limit set?)",
                        reason.trim_matches('\'')
                    )))
                }
                other => other,
            })
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn write_generation(
    corpus: &Path,
    gen_dir: &Path,
    extras: &Extras,
    base: Option<&Base>,
    mut plan: Plan,
    walk_skipped: Vec<load::Skipped>,
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
    started: Instant,
) -> Result<BuildReport> {
    fail_point("start")?;
    let (schema, fields) = schema::schema();
    let index = match base {
        Some(base) => {
            link_base(&base.generation, gen_dir)?;
            Index::open_in_dir(gen_dir)?
        }
        None => {
            let settings = IndexSettings {
                // LZ4, not zstd: zstd made the store 9 MB smaller on ../shared/corpora (108
                // against 117 MB in all) but every stored-passage read slower: quote's p99 was
                // 108 ms against 74 ms with LZ4 on the evaluation queries.
                docstore_compression: Compressor::Lz4,
                ..IndexSettings::default()
            };
            Index::builder()
                .schema(schema)
                .settings(settings)
                .create_in_dir(gen_dir)?
        }
    };
    index::register_tokenizers(&index, Some(tokenize::load_jieba(&extras.user_dict)?));
    let speakers = SpeakerTable::from_extra(&extras.speakers)?;
    let mut quotes_out = meta::TableWriter::create(gen_dir, meta::QUOTES_FILE)?;
    let mut writer: IndexWriter = index.writer_with_num_threads(opts.threads, opts.heap_bytes)?;

    let mut skipped: Vec<SkippedFile> = Vec::new();
    let mut skip = |path: String, reason: String, stamp: Option<(u64, i64)>| {
        let s = SkippedFile {
            path,
            reason,
            stamp,
        };
        observer.skipped(&s);
        skipped.push(s);
    };
    for s in walk_skipped {
        skip(s.path, s.reason, None);
    }
    for s in std::mem::take(&mut plan.still_skipped) {
        skip(s.path, s.reason, s.stamp);
    }
    let mut stats = BuildStats {
        threads: opts.threads,
        ..BuildStats::default()
    };
    // The base's documents, the dropped ones as tombstones.
    let mut docs: Vec<DocEntry> = Vec::new();
    let mut files: Vec<FileEntry> = plan.keep;
    if let Some(base) = base {
        docs = base.docs.clone();
        // The base's count, less the quotations of the documents dropped.
        stats.quotations = base.meta.stats.quotations;
        for &d in &plan.drop {
            writer.delete_term(tantivy::Term::from_field_u64(fields.doc, d));
            docs[d as usize] = DocEntry::default();
            stats.quotations = stats
                .quotations
                .saturating_sub(count_quotations(base.quotes.line(d as usize)?));
        }
        for (d, entry) in docs.iter().enumerate() {
            let line = if entry.is_tombstone() {
                "[]"
            } else {
                base.quotes.line(d)?
            };
            quotes_out.write_all(line.as_bytes())?;
            quotes_out.write_all(b"\n")?;
        }
    }

    let mut stage_started = Instant::now();
    let mut stage = |stats: &mut BuildStats, name: &str| {
        stats
            .stages
            .push((name.to_owned(), stage_started.elapsed().as_secs_f64()));
        stage_started = Instant::now();
    };
    let read_bytes: u64 = plan.index.iter().map(|f| f.size).sum();
    observer.start(plan.index.len() as u64, read_bytes);
    let halfway = plan.index.len() / 2;
    // Term counts of the passages read, by document ordinal: themes are scored from them, not
    // from a second analysis.
    let mut known: HashMap<u64, Vec<TermCounts>> = HashMap::new();
    let analyzer = index
        .tokenizers()
        .get(schema::WORDS_TOKENIZER)
        .expect("the words analyzer is registered");
    let context = ReadContext {
        fields: &fields,
        speakers: &speakers,
        lexicon: &extras.lexicon,
    };
    // Files are read and analysed on `threads` workers, and added in plan order (document
    // ordinals follow the plan, whatever the workers' timing), while tantivy's own threads
    // index what was added.
    let mut word_dfs =
        read_in_parallel(&plan.index, opts.threads, &context, &analyzer, |i, read| {
            let file = &plan.index[i];
            if i == halfway {
                fail_point("halfway")?;
            }
            match read {
                Ok(read) if read.docs.is_empty() => skip(
                    file.rel.clone(),
                    "no text after cleaning".into(),
                    Some((file.size, file.mtime_ns)),
                ),
                Ok(read) => {
                    let ord = docs.len() as u64;
                    for (mut d, paragraph) in read.docs {
                        d.add_u64(fields.doc, ord);
                        d.add_u64(fields.para_key, schema::para_key(ord, paragraph));
                        writer.add_document(d).map_err(Error::from)?;
                    }
                    known.insert(ord, read.counts);
                    stats.quotations += read.quotations;
                    quotes_out.write_all(read.quotes_json.as_bytes())?;
                    quotes_out.write_all(b"\n")?;
                    docs.push(DocEntry {
                        path: file.rel.clone(),
                        title: read.title,
                        paragraphs: read.paragraphs,
                        passages: read.passages,
                        chars: read.chars,
                        format: file.format.name().to_owned(),
                        encoding: read.encoding,
                    });
                    files.push(FileEntry {
                        path: file.rel.clone(),
                        doc: ord,
                        size: file.size,
                        mtime_ns: file.mtime_ns,
                        hash: read.hash,
                    });
                }
                Err(s) => skip(s.path, s.reason, Some((file.size, file.mtime_ns))),
            }
            observer.file_done(file.size);
            Ok(())
        })?;
    quotes_out.finish()?;
    observer.finishing();
    stage(&mut stats, "read+index");
    fail_point("commit")?;
    writer.commit()?;
    stage(&mut stats, "commit");
    // A full build keeps the segments its threads wrote (one each): merging them cost 1.9 s of
    // 9.2 on ../shared/corpora, for an index 5 % smaller and phrase/search medians 20-30 %
    // faster (tens of µs). An update merges everything into one segment.
    let segments = index.searchable_segment_ids()?;
    if base.is_some() && segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    stage(&mut stats, "merge");
    fail_point("merged")?;
    stats.segments = index.searchable_segment_ids()?.len();
    observer.scoring_themes();
    let reader: tantivy::IndexReader = index.reader()?;
    let searcher = reader.searcher();
    let mut scores = ThemeScores::compute(&searcher, &fields, &extras.lexicon, &analyzer, &known)?;
    scores.write(gen_dir)?;
    // The words of the passages read, and of those kept by an update (cut while rescoring).
    words::merge(&mut word_dfs, std::mem::take(&mut scores.word_dfs));
    stats.word_tokens = scores.word_tokens;
    stage(&mut stats, "themes");

    files.sort_by(|a, b| a.path.cmp(&b.path));
    for d in docs.iter().filter(|d| !d.is_tombstone()) {
        stats.documents += 1;
        stats.paragraphs += u64::from(d.paragraphs);
        stats.passages += u64::from(d.passages);
        stats.chars += d.chars;
    }
    stats.bytes = files.iter().map(|f| f.size).sum();
    stats.skipped = skipped.len() as u64;
    stats.seconds = started.elapsed().as_secs_f64();
    stats.mb_per_s = read_bytes as f64 / 1e6 / stats.seconds.max(1e-9);

    meta::write_docs(gen_dir, &docs)?;
    meta::write_json(gen_dir, meta::FILES_FILE, &files)?;
    words::write(gen_dir, &word_dfs)?;
    meta::write_file(gen_dir, meta::USER_DICT_FILE, extras.user_dict.as_bytes())?;
    meta::write_file(gen_dir, meta::SPEAKERS_FILE, extras.speakers.as_bytes())?;
    stage(&mut stats, "tables");
    stats.peak_rss_bytes = crate::process::peak_rss_bytes();
    stats.index_bytes = store::dir_size(gen_dir);
    let corpus_root = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    let meta = IndexMeta {
        schema_version: SCHEMA_VERSION,
        jiansuo_version: env!("CARGO_PKG_VERSION").to_owned(),
        corpus_root: corpus_root.display().to_string(),
        user_dict_hash: dict_hash(&extras.user_dict),
        speakers_hash: extras.speakers_hash(),
        themes_hash: extras.lexicon.hash(),
        exact_tail_chars: EXACT_TAIL_CHARS,
        stats: stats.clone(),
        skipped: skipped.clone(),
    };
    meta::write_json(gen_dir, meta::META_FILE, &meta)?;
    fail_point("written")?;
    Ok(BuildReport {
        stats,
        skipped,
        generation: gen_dir.to_path_buf(),
        changes: base.map(|_| plan.changes),
        full_reason: None,
        up_to_date: false,
    })
}

/// Nothing to index: refresh the recorded mtimes if some changed, and report.
fn up_to_date(
    base: &Base,
    plan: Plan,
    walk_skipped: Vec<load::Skipped>,
    observer: &dyn BuildObserver,
    started: Instant,
) -> Result<BuildReport> {
    if plan.refreshed {
        let mut files = plan.keep.clone();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        meta::replace_json(&base.generation, meta::FILES_FILE, &files)?;
    }
    let mut stats = base.meta.stats.clone();
    stats.seconds = started.elapsed().as_secs_f64();
    stats.mb_per_s = 0.0;
    let skipped: Vec<SkippedFile> = walk_skipped
        .into_iter()
        .map(|s| SkippedFile {
            path: s.path,
            reason: s.reason,
            stamp: None,
        })
        .chain(plan.still_skipped)
        .collect();
    for s in &skipped {
        observer.skipped(s);
    }
    stats.skipped = skipped.len() as u64;
    Ok(BuildReport {
        stats,
        skipped,
        generation: base.generation.clone(),
        changes: Some(plan.changes),
        full_reason: None,
        up_to_date: true,
    })
}

/// Number of quotations in one line of `quotes.jsonl.zst`.
fn count_quotations(line: &str) -> u64 {
    serde_json::from_str::<Vec<serde::de::IgnoredAny>>(line).map_or(0, |v| v.len() as u64)
}

/// What a worker needs to read a file.
struct ReadContext<'a> {
    fields: &'a Fields,
    speakers: &'a SpeakerTable,
    lexicon: &'a Lexicon,
}

/// A file read and analysed, ready to be added under its document ordinal.
struct ReadDoc {
    hash: String,
    encoding: String,
    title: String,
    paragraphs: u32,
    passages: u32,
    chars: u64,
    /// The passages' tantivy documents (without `doc` and `para_key`, which need the ordinal)
    /// with their paragraph ordinals.
    docs: Vec<(TantivyDocument, u32)>,
    /// Theme term counts of each passage.
    counts: Vec<TermCounts>,
    /// The document's quotations, as a line of `quotes.jsonl.zst`.
    quotes_json: String,
    quotations: u64,
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
    // Each passage is dropped as soon as its document is made: for a file of one 96 MB line the
    // passages and the documents are each hundreds of MB.
    for p in passages {
        let words = tokenize::word_tokens(analyzer, &tokenize::normalize_words(&p.text));
        counts.push(cx.lexicon.counts(&words, &MatchingForm::new(&p.text).chars));
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
    })
}

/// Read `files` on `threads` workers and hand each result to `add`, in order. Stops at the
/// first error `add` returns. Returns the word counts of the passages read.
fn read_in_parallel(
    files: &[SourceFile],
    threads: usize,
    cx: &ReadContext,
    analyzer: &TextAnalyzer,
    mut add: impl FnMut(usize, std::result::Result<ReadDoc, load::Skipped>) -> Result<()>,
) -> Result<WordDfs> {
    type Read = (usize, std::result::Result<ReadDoc, load::Skipped>);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Bounded, so that fast workers do not pile up read documents ahead of a slow one.
        let (tx, rx) = mpsc::sync_channel::<Read>(64);
        let mut workers = Vec::new();
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            let next = &next;
            let mut analyzer = analyzer.clone();
            workers.push(scope.spawn(move || {
                // The words of every passage this worker reads (summed at the end: the sum
                // does not depend on which worker read which file).
                let mut word_dfs = WordDfs::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() {
                        break;
                    }
                    // The receiver gone means the build stopped: so do the workers.
                    if tx
                        .send((i, read_file(&files[i], cx, &mut analyzer, &mut word_dfs)))
                        .is_err()
                    {
                        break;
                    }
                }
                word_dfs
            }));
        }
        drop(tx);
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
        let mut word_dfs = WordDfs::new();
        for w in workers {
            words::merge(&mut word_dfs, w.join().expect("a reading worker panicked"));
        }
        Ok(word_dfs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_text_has_tail_of_next_passage() {
        let s1 = format!("{}。", "甲".repeat(200));
        let s2 = format!("{}。", "乙".repeat(200));
        let doc = format!("标题\n{s1}{s2}\n");
        let p = prepare(&doc);
        assert_eq!(p.title, "标题");
        assert_eq!(p.paragraphs, 2);
        assert_eq!(p.passages.len(), 3);
        let second = &p.passages[1];
        assert_eq!(
            (second.span.line, second.span.start, second.span.end),
            (2, 0, 201)
        );
        assert_eq!(second.mlen, 200);
        assert_eq!(
            second.exact,
            format!("{}{}", "甲".repeat(200), "乙".repeat(EXACT_TAIL_CHARS))
        );
        let third = &p.passages[2];
        assert_eq!(
            (third.span.start, third.span.end, third.mlen),
            (201, 402, 200)
        );
        assert_eq!(third.exact, "乙".repeat(200));
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    fn document() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "调查研究",
            "是谋事之基",
            "。",
            "！",
            "？",
            "；",
            "…",
            "”",
            "，",
            "\n",
            "\n\n",
            " ",
            "\u{3000}",
            "5G",
            "２０２５",
            "“",
            "##paidbegin##",
            "\r\n",
        ]);
        prop::collection::vec(pieces, 0..400).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn passages_tile_paragraphs_and_exact_text_is_consistent(raw in document()) {
            let cleaned = clean::clean(&raw);
            let prepared = prepare(&cleaned);
            let lines: Vec<&str> = cleaned.split('\n').collect();
            let mut by_line: std::collections::BTreeMap<u32, Vec<&PreparedPassage>> = Default::default();
            for p in &prepared.passages {
                by_line.entry(p.span.line).or_default().push(p);
            }
            prop_assert_eq!(by_line.len() as u32, prepared.paragraphs);
            for (line, ps) in by_line {
                let text = lines[line as usize - 1];
                let chars: Vec<char> = text.chars().collect();
                prop_assert_eq!(ps[0].span.start, 0);
                prop_assert_eq!(ps.last().unwrap().span.end as usize, chars.len());
                let mut own = String::new();
                for (i, p) in ps.iter().enumerate() {
                    let span: String = chars[p.span.start as usize..p.span.end as usize].iter().collect();
                    prop_assert_eq!(&span, &p.text);
                    if i + 1 < ps.len() {
                        prop_assert_eq!(p.span.end, ps[i + 1].span.start);
                    }
                    prop_assert!(p.exact.starts_with(p.own_exact()));
                    own.push_str(p.own_exact());
                }
                // The own parts concatenate to the paragraph's matching form, and each tail is
                // the text that follows.
                let whole = crate::matching::matching_string(text);
                prop_assert_eq!(&own, &whole);
                let mut at = 0;
                for p in &ps {
                    let rest: String = whole.chars().skip(at).take(p.mlen as usize + EXACT_TAIL_CHARS).collect();
                    prop_assert_eq!(&p.exact, &rest);
                    at += p.mlen as usize;
                }
            }
        }
    }
}
