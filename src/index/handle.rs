//! An opened index generation ([`IndexHandle`]) and what it reads for queries: the
//! passages' placing columns ([`PassageColumns`]), exact BM25 statistics ([`Bm25Stats`]), and
//! the tables loaded on first use (words, quotations, themes, speakers, path ranks).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tantivy::columnar::ColumnValues;

use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::schema::{self, Fields, SCHEMA_VERSION, para_key};
use super::tokenize::register_tokenizers;
use super::{DocEntry, IndexMeta, ThemeScores, meta, store, tokenize, words};
use crate::error::{Error, Result};

/// BM25 statistics of an index generation (see [`IndexHandle::bm25_statistics`]).
pub struct Bm25Stats<'a> {
    searcher: &'a Searcher,
    exact: tantivy::schema::Field,
    tokens: u64,
}

impl tantivy::query::Bm25StatisticsProvider for Bm25Stats<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        if field == self.exact {
            return Ok(self.tokens);
        }
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &tantivy::Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for seg in self.searcher.segment_readers() {
            total += u64::from(live_doc_freq(seg, term)?);
        }
        Ok(total)
    }
}

/// The live passages of a segment holding `term`: tantivy's document frequency counts the
/// passages an update deleted too, until a merge drops them. Where a segment has deletions,
/// those holding the term are subtracted (each deleted passage sought in the postings when they
/// are few against the term's, else the postings counted).
fn live_doc_freq(seg: &tantivy::SegmentReader, term: &tantivy::Term) -> tantivy::Result<u32> {
    use tantivy::{DocSet, TERMINATED};
    let inv = seg.inverted_index(term.field())?;
    let df = inv.doc_freq(term)?;
    let Some(alive) = seg.alive_bitset() else {
        return Ok(df);
    };
    let deleted = seg.max_doc() - seg.num_docs();
    if df == 0 || deleted == 0 {
        return Ok(df);
    }
    let Some(mut postings) = inv.read_postings(term, tantivy::schema::IndexRecordOption::Basic)?
    else {
        return Ok(df);
    };
    if u64::from(deleted) * 32 < u64::from(df) {
        let mut held = 0u32;
        for d in (0..seg.max_doc()).filter(|&d| alive.is_deleted(d)) {
            if postings.doc() > d {
                continue;
            }
            if postings.seek(d) == TERMINATED {
                break;
            }
            held += u32::from(postings.doc() == d);
        }
        return Ok(df - held);
    }
    let mut live = 0u32;
    let mut d = postings.doc();
    while d != TERMINATED {
        live += u32::from(alive.is_alive(d));
        d = postings.advance();
    }
    Ok(live)
}

/// The fast-field columns of one segment that place its passages (indexed by `DocId`).
pub struct PassageColumns {
    pub doc: Arc<dyn ColumnValues<u64>>,
    pub line: Arc<dyn ColumnValues<u64>>,
    pub paragraph: Arc<dyn ColumnValues<u64>>,
    pub passage: Arc<dyn ColumnValues<u64>>,
    pub start: Arc<dyn ColumnValues<u64>>,
    pub end: Arc<dyn ColumnValues<u64>>,
    pub mlen: Arc<dyn ColumnValues<u64>>,
    pub para_chars: Arc<dyn ColumnValues<u64>>,
    /// `doc` decoded whole, on first use.
    doc_ordinals: OnceLock<Vec<u64>>,
}

impl PassageColumns {
    /// Open the columns of a segment.
    pub fn of(reader: &tantivy::SegmentReader) -> Result<PassageColumns> {
        let ff = reader.fast_fields();
        let col = |name: &str| -> Result<Arc<dyn ColumnValues<u64>>> {
            Ok(ff.u64(name)?.first_or_default_col(0))
        };
        Ok(PassageColumns {
            doc: col("doc")?,
            line: col("line")?,
            paragraph: col("paragraph")?,
            passage: col("passage")?,
            start: col("start")?,
            end: col("end")?,
            mlen: col("mlen")?,
            para_chars: col("para_chars")?,
            doc_ordinals: OnceLock::new(),
        })
    }

    /// The key of a passage's paragraph (see [`para_key`]).
    pub fn para_key(&self, d: tantivy::DocId) -> u64 {
        para_key(self.doc.get_val(d), self.paragraph.get_val(d) as u32)
    }

    /// The document ordinal of every passage, decoded once (counting a common character reads
    /// it for most passages, and one by one that was a third of the time).
    pub fn doc_ordinals(&self) -> &[u64] {
        self.doc_ordinals.get_or_init(|| {
            let mut out = vec![0u64; self.doc.num_vals() as usize];
            self.doc.get_range(0, &mut out);
            out
        })
    }
}

/// The generation `CURRENT` named was removed before it could be locked (by name).
struct Vanished(String);

/// Values kept by [`IndexHandle::memo`].
pub const MEMO_ENTRIES: usize = 64;

/// An opened index generation.
pub struct IndexHandle {
    /// The index directory.
    dir: PathBuf,
    /// The live generation's directory.
    generation: PathBuf,
    /// Kept open for the reader's lifetime.
    _index: Index,
    reader: IndexReader,
    fields: Fields,
    meta: IndexMeta,
    docs: super::DocTable,
    words: OnceLock<std::sync::Mutex<TextAnalyzer>>,
    quotes: OnceLock<meta::QuoteTable>,
    themes: OnceLock<std::sync::Arc<ThemeScores>>,
    speakers: OnceLock<crate::analyze::SpeakerTable>,
    ranks: OnceLock<std::sync::Arc<Vec<u32>>>,
    /// The word table (read on first use).
    word_dfs: OnceLock<super::words::WordCounts>,
    /// Sum of the `exact` field norms of the live passages (see [`IndexHandle::bm25_statistics`]).
    exact_tokens: OnceLock<u64>,
    columns: OnceLock<Vec<PassageColumns>>,
    /// Values derived from this generation and kept for later requests (document selections).
    memo: std::sync::Mutex<HashMap<String, std::sync::Arc<dyn std::any::Any + Send + Sync>>>,
    /// Share lock on the generation: a build does not delete it while this handle lives.
    _reading: std::fs::File,
}

impl IndexHandle {
    /// The value kept under `key` for this generation, made by `make` the first time (a
    /// document selection a filter resolved: the same filters again cost nothing). At most
    /// [`MEMO_ENTRIES`] are kept; beyond, the oldest are forgotten all at once.
    pub fn memo<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<std::sync::Arc<T>> {
        let lock = || {
            self.memo
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(v) = lock().get(key).cloned()
            && let Ok(v) = v.downcast::<T>()
        {
            return Ok(v);
        }
        let v = std::sync::Arc::new(make()?);
        let mut memo = lock();
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(key.to_owned(), v.clone());
        Ok(v)
    }

    /// The index directory (as given to [`IndexHandle::open`]).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The live generation's directory, which this handle keeps from deletion while it lives.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// The schema's fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// What the index records about itself (its build's figures, corpus root, hashes).
    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    /// The document table (paths, titles, counts), read line by line on demand.
    pub fn docs(&self) -> &super::DocTable {
        &self.docs
    }

    /// Open the live generation of the index in `dir`.
    pub fn open(dir: &Path) -> Result<IndexHandle> {
        // A concurrent build may swap generations between reading CURRENT and opening it.
        let mut last = String::new();
        for _ in 0..10 {
            match Self::open_once(dir)? {
                Ok(handle) => return Ok(handle),
                Err(Vanished(name)) => last = name,
            }
        }
        Err(Error::Corrupt {
            path: dir.to_path_buf(),
            reason: format!("generation {last} vanished"),
        })
    }

    /// Open the generation `CURRENT` names, or say it vanished meanwhile (a build removed it).
    fn open_once(dir: &Path) -> Result<std::result::Result<IndexHandle, Vanished>> {
        if !dir.exists() {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        }
        if !dir.is_dir() {
            return Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
                reason: "it is a file, not a directory".into(),
            });
        }
        let Some(name) = store::current(dir)? else {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        };
        let generation = dir.join(&name);
        if !generation.is_dir() {
            return Ok(Err(Vanished(name)));
        }
        let old_version = || -> Option<Error> {
            let version: serde_json::Value =
                meta::read_json(dir, &generation, meta::META_FILE).ok()?;
            let found = version["schema_version"].as_u64().unwrap_or(0) as u32;
            (found != SCHEMA_VERSION).then(|| Error::SchemaVersion {
                path: dir.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            })
        };
        // Generations written before schema 5 have no readers' lock file: such an index is
        // old, not vanished.
        let reading = match store::lock_for_reading(&generation)? {
            Some(lock) => lock,
            None => {
                return match old_version() {
                    Some(e) => Err(e),
                    None => Ok(Err(Vanished(name))),
                };
            }
        };
        if let Some(e) = old_version() {
            return Err(e);
        }
        let meta: IndexMeta = meta::read_json(dir, &generation, meta::META_FILE)?;
        let docs = super::DocTable::open(dir, &generation)?;
        let corrupt = |e: tantivy::TantivyError| Error::Corrupt {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        };
        let published =
            tantivy::directory::MmapDirectory::open(&generation).map_err(|e| corrupt(e.into()))?;
        let index = Index::open(Published(published)).map_err(corrupt)?;
        register_tokenizers(&index, None);
        let fields = schema::fields_of(&index.schema()).map_err(corrupt)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(corrupt)?;
        Ok(Ok(IndexHandle {
            dir: dir.to_path_buf(),
            generation,
            _index: index,
            reader,
            fields,
            meta,
            docs,
            words: OnceLock::new(),
            quotes: OnceLock::new(),
            themes: OnceLock::new(),
            speakers: OnceLock::new(),
            ranks: OnceLock::new(),
            memo: Default::default(),
            exact_tokens: OnceLock::new(),
            word_dfs: OnceLock::new(),
            columns: OnceLock::new(),
            _reading: reading,
        }))
    }

    /// A searcher over the generation (always the same segments: the reader is never
    /// reloaded).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// BM25 statistics of the handle's searcher in which the `exact` field's token count is
    /// the sum of the live passages' field norms: tantivy's own count still holds the tokens
    /// of passages an update deleted, so that an updated index would score otherwise than a
    /// rebuilt one. (Field norms are lengths rounded as BM25 sees them, the same however the
    /// passages are split into segments.)
    pub fn bm25_statistics<'a>(&self, searcher: &'a Searcher) -> Result<Bm25Stats<'a>> {
        let tokens = match self.exact_tokens.get() {
            Some(&t) => t,
            None => {
                let mut total = 0u64;
                for seg in searcher.segment_readers() {
                    let Some(norms) = seg.fieldnorms_readers().get_field(self.fields.exact)? else {
                        continue;
                    };
                    let alive = seg.alive_bitset();
                    for d in 0..seg.max_doc() {
                        if alive.is_none_or(|a| a.is_alive(d)) {
                            total += u64::from(norms.fieldnorm(d));
                        }
                    }
                }
                *self.exact_tokens.get_or_init(|| total)
            }
        };
        Ok(Bm25Stats {
            searcher,
            exact: self.fields.exact,
            tokens,
        })
    }

    /// The columns placing the passages of segment `ord` of [`IndexHandle::searcher`].
    pub fn columns(&self, ord: u32) -> Result<&PassageColumns> {
        if self.columns.get().is_none() {
            let columns = self
                .searcher()
                .segment_readers()
                .iter()
                .map(PassageColumns::of)
                .collect::<Result<Vec<_>>>()?;
            let _ = self.columns.set(columns);
        }
        self.columns
            .get()
            .and_then(|c| c.get(ord as usize))
            .ok_or_else(|| Error::Corrupt {
                path: self.dir.clone(),
                reason: format!("no segment {ord}"),
            })
    }

    /// The document with ordinal `ord` (the `doc` field).
    pub fn doc(&self, ord: u64) -> Result<DocEntry> {
        self.docs.get(ord as usize)
    }

    /// Rank of each document ordinal in path order (tombstones last). Results are ordered by
    /// it, not by ordinal, so that an updated index answers exactly as a rebuilt one.
    pub fn path_ranks(&self) -> Result<std::sync::Arc<Vec<u32>>> {
        if let Some(r) = self.ranks.get() {
            return Ok(r.clone());
        }
        let ranks = self.docs.path_ranks()?;
        Ok(self
            .ranks
            .get_or_init(|| std::sync::Arc::new(ranks))
            .clone())
    }

    /// For every jieba word of the passages (two characters or more), the number of passages
    /// it is cut from (read on first use; see [`words`]).
    pub fn word_dfs(&self) -> Result<&super::words::WordCounts> {
        if let Some(t) = self.word_dfs.get() {
            return Ok(t);
        }
        let table = words::read(&self.dir, &self.generation)?;
        Ok(self.word_dfs.get_or_init(|| table))
    }

    /// The quotations of every document (read on first use).
    pub fn quotes(&self) -> Result<&meta::QuoteTable> {
        if let Some(q) = self.quotes.get() {
            return Ok(q);
        }
        let table = meta::QuoteTable::open(&self.dir, &self.generation)?;
        Ok(self.quotes.get_or_init(|| table))
    }

    /// The theme scores of every passage and the lexicon they were computed with (read on
    /// first use).
    pub fn themes(&self) -> Result<std::sync::Arc<ThemeScores>> {
        if let Some(t) = self.themes.get() {
            return Ok(t.clone());
        }
        let scores = std::sync::Arc::new(ThemeScores::read(&self.dir, &self.generation)?);
        Ok(self.themes.get_or_init(|| scores).clone())
    }

    /// The speaker table the index was built with (read on first use).
    pub fn speakers(&self) -> Result<&crate::analyze::SpeakerTable> {
        if let Some(s) = self.speakers.get() {
            return Ok(s);
        }
        let extra =
            std::fs::read_to_string(self.generation.join(meta::SPEAKERS_FILE)).map_err(|e| {
                Error::Corrupt {
                    path: self.dir.clone(),
                    reason: format!("{}: {e}", meta::SPEAKERS_FILE),
                }
            })?;
        // The copy was checked when the index was built: an error means it was damaged since.
        let table = crate::analyze::SpeakerTable::from_extra(&extra).map_err(|e| match e {
            Error::Speakers { reason, .. } => Error::Corrupt {
                path: self.dir.clone(),
                reason: format!("{}: {reason}", meta::SPEAKERS_FILE),
            },
            other => other,
        })?;
        Ok(self.speakers.get_or_init(|| table))
    }

    /// The word analyzer, with the dictionaries the index was built with. Loads jieba's
    /// dictionary on first use (~0.2 s). One analyzer is shared (cloning it copies jieba's
    /// dictionary, which cost a theme query 3 ms): hold the guard only while tokenising, and
    /// clone it for another thread.
    pub fn word_analyzer(&self) -> Result<std::sync::MutexGuard<'_, TextAnalyzer>> {
        let shared = match self.words.get() {
            Some(a) => a,
            None => {
                let user_dict = std::fs::read_to_string(self.generation.join(meta::USER_DICT_FILE))
                    .map_err(|e| Error::Corrupt {
                        path: self.dir.clone(),
                        reason: format!("{}: {e}", meta::USER_DICT_FILE),
                    })?;
                let jieba = tokenize::load_jieba(&user_dict).map_err(|reason| Error::Corrupt {
                    path: self.dir.clone(),
                    reason: format!("{}: {reason}", meta::USER_DICT_FILE),
                })?;
                let analyzer = tokenize::words_analyzer(jieba);
                self.words.get_or_init(|| std::sync::Mutex::new(analyzer))
            }
        };
        Ok(shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

/// A published generation's directory, read without tantivy's locks: a generation never
/// changes once `CURRENT` names it (a build writes a new one), so readers need no lock, and
/// an index on a read-only disk (a shared drive mounted read-only, an archive copy) answers
/// every query. jiansuo's own `.readers` lock is taken on a file opened for reading.
#[derive(Clone, Debug)]
struct Published(tantivy::directory::MmapDirectory);

impl tantivy::Directory for Published {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<
        std::sync::Arc<dyn tantivy::directory::FileHandle>,
        tantivy::directory::error::OpenReadError,
    > {
        self.0.get_file_handle(path)
    }

    fn delete(
        &self,
        path: &Path,
    ) -> std::result::Result<(), tantivy::directory::error::DeleteError> {
        self.0.delete(path)
    }

    fn exists(
        &self,
        path: &Path,
    ) -> std::result::Result<bool, tantivy::directory::error::OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(
        &self,
        path: &Path,
    ) -> std::result::Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError>
    {
        self.0.open_write(path)
    }

    fn atomic_read(
        &self,
        path: &Path,
    ) -> std::result::Result<Vec<u8>, tantivy::directory::error::OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(
        &self,
        _lock: &tantivy::directory::Lock,
    ) -> std::result::Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError>
    {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }

    fn watch(
        &self,
        watch_callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(watch_callback)
    }
}
