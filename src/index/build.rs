//! Build an index from a corpus: load → clean → passages → tantivy documents.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::{Index, IndexWriter, TantivyDocument, doc};

use super::meta::{self, BuildStats, DocEntry, IndexMeta, SkippedFile};
use super::schema::{self, EXACT_TAIL_CHARS, Fields, SCHEMA_VERSION};
use super::{store, tokenize};
use crate::error::{Error, Result};
use crate::load::{self, SourceFile};
use crate::matching::MatchingForm;
use crate::passage::{self, PassageSpan};
use crate::{clean, index};

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// A user dictionary for jieba, added to the built-in one.
    pub user_dict: Option<PathBuf>,
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
    let walk = load::walk(corpus)?;
    let lock = store::lock(dir)?;
    store::remove_stale(dir, &lock)?;
    let (gen_name, gen_dir) = store::new_generation(dir, &lock)?;
    let result = write_generation(corpus, &gen_dir, &user_dict, walk, opts, observer, started);
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

fn write_generation(
    corpus: &Path,
    gen_dir: &Path,
    user_dict: &str,
    walk: load::Walk,
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
    started: Instant,
) -> Result<BuildReport> {
    let (schema, fields) = schema::schema();
    let index = Index::create_in_dir(gen_dir, schema)?;
    index::register_tokenizers(&index, Some(tokenize::load_jieba(user_dict)?));
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
                    stats.documents += 1;
                    stats.paragraphs += u64::from(prepared.paragraphs);
                    stats.passages += prepared.passages.len() as u64;
                    stats.chars += prepared.chars;
                    stats.bytes += file.size;
                    docs.push(doc_entry(file, &loaded, &prepared));
                }
            }
            Err(s) => skip(s.path, s.reason),
        }
        observer.file_done(file.size);
    }
    observer.finishing();
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    stats.segments = index.searchable_segment_ids()?.len();
    stats.skipped = skipped.len() as u64;
    stats.seconds = started.elapsed().as_secs_f64();
    stats.mb_per_s = stats.bytes as f64 / 1e6 / stats.seconds.max(1e-9);

    meta::write_json(gen_dir, meta::DOCS_FILE, &docs)?;
    meta::write_file(gen_dir, meta::USER_DICT_FILE, user_dict.as_bytes())?;
    stats.index_bytes = store::dir_size(gen_dir);
    let corpus_root = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    let meta = IndexMeta {
        schema_version: SCHEMA_VERSION,
        jiansuo_version: env!("CARGO_PKG_VERSION").to_owned(),
        corpus_root: corpus_root.display().to_string(),
        user_dict_hash: dict_hash(user_dict),
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
            f.exact => p.exact.as_str(),
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

fn doc_entry(file: &SourceFile, loaded: &load::Loaded, prepared: &PreparedDoc) -> DocEntry {
    DocEntry {
        path: file.rel.clone(),
        title: prepared.title.clone(),
        encoding: loaded.decoded.encoding.to_owned(),
        size: file.size,
        mtime_ns: file.mtime_ns,
        hash: loaded.hash.clone(),
        paragraphs: prepared.paragraphs,
        passages: prepared.passages.len() as u32,
        chars: prepared.chars,
    }
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
