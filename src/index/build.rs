//! Build an index from a corpus: load → clean → passages → tantivy documents.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument, doc};

use super::meta::{self, BuildStats, DocEntry, FileEntry, IndexMeta, SkippedFile};
use super::schema::{self, EXACT_TAIL_CHARS, Fields, SCHEMA_VERSION};
use super::{store, tokenize};
use crate::analyze::{Extractor, Lexicon, SpeakerTable};
use crate::error::{Error, Result};
use crate::index::ThemeScores;
use crate::load::{self, SourceFile};
use crate::matching::MatchingForm;
use crate::passage::{self, PassageSpan};
use crate::{clean, index};
use std::io::Write;

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// A user dictionary for jieba, added to the built-in one.
    pub user_dict: Option<PathBuf>,
    /// A user speaker table (TOML), added to the built-in one.
    pub speakers: Option<PathBuf>,
    /// A user theme lexicon (TOML), added to (or replacing) the built-in one.
    pub themes: Option<PathBuf>,
    /// Indexing threads (tokenising runs on these).
    pub threads: usize,
    /// Memory budget of the tantivy writer, in bytes, shared by its threads.
    pub heap_bytes: usize,
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
}

/// Observer that ignores everything.
pub struct Quiet;
impl BuildObserver for Quiet {}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub stats: BuildStats,
    pub skipped: Vec<SkippedFile>,
    /// Directory of the new generation.
    pub generation: PathBuf,
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
        let chars: Vec<char> = para.text.chars().collect();
        for (start, end) in passage::split_paragraph(para.text) {
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
                text: chars[start..end].iter().collect(),
                exact: mf.chars[a..tail_end].iter().collect(),
                mlen: (b - a) as u32,
            });
        }
    }
    out
}

/// Build a new generation of the index in `dir` from the corpus at `corpus` and make it live.
/// On failure the previous generation stays live and the new one is removed.
pub fn build(
    corpus: &Path,
    dir: &Path,
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildReport> {
    let started = Instant::now();
    let user_dict = match &opts.user_dict {
        Some(path) => tokenize::read_user_dict(path)?,
        None => String::new(),
    };
    let speakers_extra = match &opts.speakers {
        Some(path) => {
            SpeakerTable::with_file(path)?;
            std::fs::read_to_string(path)
                .map_err(Error::io(format!("reading {}", path.display())))?
        }
        None => String::new(),
    };
    let lexicon = match &opts.themes {
        Some(path) => Lexicon::with_file(path)?,
        None => Lexicon::builtin(),
    };
    let walk = load::walk(corpus)?;
    let lock = store::lock(dir)?;
    store::remove_stale(dir, &lock)?;
    let (gen_name, gen_dir) = store::new_generation(dir, &lock)?;
    let extras = Extras {
        user_dict: &user_dict,
        speakers: &speakers_extra,
        lexicon: &lexicon,
    };
    let result = write_generation(corpus, &gen_dir, &extras, walk, opts, observer, started);
    match result {
        Ok(report) => {
            store::publish(dir, &gen_name, &lock)?;
            Ok(report)
        }
        Err(e) => {
            store::discard(&gen_dir);
            Err(e)
        }
    }
}

/// The user-supplied tables a build uses (file contents, copied into the generation).
struct Extras<'a> {
    user_dict: &'a str,
    speakers: &'a str,
    lexicon: &'a Lexicon,
}

fn write_generation(
    corpus: &Path,
    gen_dir: &Path,
    extras: &Extras,
    walk: load::Walk,
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
    started: Instant,
) -> Result<BuildReport> {
    let (schema, fields) = schema::schema();
    let settings = IndexSettings {
        // LZ4, not zstd: zstd made the store 9 MB smaller on ../shared/corpora (108 against
        // 117 MB in all) but every stored-passage read slower: quote's p99 was 108 ms against
        // 74 ms with LZ4 on the evaluation queries.
        docstore_compression: Compressor::Lz4,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(gen_dir)?;
    index::register_tokenizers(&index, Some(tokenize::load_jieba(extras.user_dict)?));
    let speakers = SpeakerTable::from_extra(extras.speakers)?;
    let quotes_path = gen_dir.join(meta::QUOTES_FILE);
    let mut quotes_out = std::io::BufWriter::new(
        std::fs::File::create(&quotes_path)
            .map_err(Error::io(format!("writing {}", quotes_path.display())))?,
    );
    let mut writer: IndexWriter = index.writer_with_num_threads(opts.threads, opts.heap_bytes)?;

    let mut skipped: Vec<SkippedFile> = Vec::new();
    let mut skip = |path: String, reason: String| {
        let s = SkippedFile { path, reason };
        observer.skipped(&s);
        skipped.push(s);
    };
    for s in walk.skipped {
        skip(s.path, s.reason);
    }
    let total_bytes: u64 = walk.files.iter().map(|f| f.size).sum();
    observer.start(walk.files.len() as u64, total_bytes);

    let mut stats = BuildStats {
        threads: opts.threads,
        ..BuildStats::default()
    };
    let mut docs: Vec<DocEntry> = Vec::new();
    let mut files: Vec<FileEntry> = Vec::new();
    for file in &walk.files {
        match load::read(file) {
            Ok(loaded) => {
                let cleaned = clean::clean(&loaded.decoded.text);
                let prepared = prepare(&cleaned);
                if prepared.passages.is_empty() {
                    skip(file.rel.clone(), "no text after cleaning".into());
                } else {
                    let ord = docs.len() as u64;
                    add_passages(&writer, &fields, ord, file, &prepared)?;
                    let quotes = Extractor::document(&speakers, &cleaned);
                    stats.quotations += quotes.len() as u64;
                    serde_json::to_writer(&mut quotes_out, &quotes).map_err(|e| {
                        Error::io(format!("writing {}", quotes_path.display()))(e.into())
                    })?;
                    quotes_out
                        .write_all(b"\n")
                        .map_err(Error::io(format!("writing {}", quotes_path.display())))?;
                    stats.documents += 1;
                    stats.paragraphs += u64::from(prepared.paragraphs);
                    stats.passages += prepared.passages.len() as u64;
                    stats.chars += prepared.chars;
                    stats.bytes += file.size;
                    docs.push(DocEntry {
                        path: file.rel.clone(),
                        title: prepared.title.clone(),
                        paragraphs: prepared.paragraphs,
                        passages: prepared.passages.len() as u32,
                        chars: prepared.chars,
                    });
                    files.push(FileEntry {
                        path: file.rel.clone(),
                        encoding: loaded.decoded.encoding.to_owned(),
                        size: file.size,
                        mtime_ns: file.mtime_ns,
                        hash: loaded.hash,
                    });
                }
            }
            Err(s) => skip(s.path, s.reason),
        }
        observer.file_done(file.size);
    }
    quotes_out
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .map_err(Error::io(format!("writing {}", quotes_path.display())))?;
    observer.finishing();
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    stats.segments = index.searchable_segment_ids()?.len();
    observer.scoring_themes();
    let reader: tantivy::IndexReader = index.reader()?;
    let analyzer = index
        .tokenizers()
        .get(schema::WORDS_TOKENIZER)
        .expect("the words analyzer is registered");
    ThemeScores::compute(&reader.searcher(), &fields, extras.lexicon, &analyzer)?.write(gen_dir)?;
    stats.skipped = skipped.len() as u64;
    stats.seconds = started.elapsed().as_secs_f64();
    stats.mb_per_s = stats.bytes as f64 / 1e6 / stats.seconds.max(1e-9);

    meta::write_docs(gen_dir, &docs)?;
    meta::write_json(gen_dir, meta::FILES_FILE, &files)?;
    meta::write_file(gen_dir, meta::USER_DICT_FILE, extras.user_dict.as_bytes())?;
    meta::write_file(gen_dir, meta::SPEAKERS_FILE, extras.speakers.as_bytes())?;
    stats.index_bytes = store::dir_size(gen_dir);
    let corpus_root = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    let meta = IndexMeta {
        schema_version: SCHEMA_VERSION,
        jiansuo_version: env!("CARGO_PKG_VERSION").to_owned(),
        corpus_root: corpus_root.display().to_string(),
        user_dict_hash: dict_hash(extras.user_dict),
        speakers_hash: blake3::hash(extras.speakers.as_bytes()).to_hex()[..16].to_owned(),
        themes_hash: extras.lexicon.hash(),
        exact_tail_chars: EXACT_TAIL_CHARS,
        stats: stats.clone(),
        skipped: skipped.clone(),
    };
    meta::write_json(gen_dir, meta::META_FILE, &meta)?;
    Ok(BuildReport {
        stats,
        skipped,
        generation: gen_dir.to_path_buf(),
    })
}

fn add_passages(
    writer: &IndexWriter,
    f: &Fields,
    ord: u64,
    file: &SourceFile,
    prepared: &PreparedDoc,
) -> Result<()> {
    for p in &prepared.passages {
        let d: TantivyDocument = doc!(
            f.text => p.text.as_str(),
            f.words => tokenize::normalize_words(&p.text),
            f.chars => p.own_exact(),
            f.exact => p.exact_field_text(),
            f.path => file.rel.as_str(),
            f.doc => ord,
            f.line => u64::from(p.span.line),
            f.paragraph => u64::from(p.span.paragraph),
            f.passage => u64::from(p.span.passage),
            f.start => u64::from(p.span.start),
            f.end => u64::from(p.span.end),
            f.mlen => u64::from(p.mlen),
            f.para_key => schema::para_key(ord, p.span.paragraph),
        );
        writer.add_document(d).map_err(Error::from)?;
    }
    Ok(())
}

/// Hash identifying the dictionaries an index was built with.
pub fn dict_hash(user_dict: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(tokenize::BUILTIN_USER_DICT.as_bytes());
    h.update(b"\0");
    h.update(user_dict.as_bytes());
    h.finalize().to_hex()[..16].to_owned()
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
