//! Writing a new generation, step by step: [`Generation::create`] (the base's segment files
//! linked, or a new index) gives a [`Writing`], which records the files left out
//! ([`Writing::skip_listed`]), keeps the base's documents ([`Writing::keep_base`]), adds the
//! documents read ([`Writing::add_documents`]) and commits and merges ([`Writing::commit`]);
//! then the [`Generation`] scores the themes ([`Generation::score_themes`]) and writes its
//! tables ([`Generation::write_tables`]).

use std::path::Path;
use std::time::Instant;

use tantivy::store::Compressor;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexSettings, IndexWriter};

use super::super::failpoint::fail_point;
use super::super::meta::{
    self, BuildStats, DocEntry, FileEntry, IndexMeta, SkippedFile, TableWriter, dict_hash,
};
use super::super::schema::{self, EXACT_TAIL_CHARS, Fields, SCHEMA_VERSION};
use super::super::theme_counts::CountsTable;
use super::super::update::{Base, Changes, Extras, link_base};
use super::super::words::{self, WordDfs};
use super::super::{ThemeScores, store, tokenize};
use super::ingest::{ReadContext, ReadDoc, read_in_parallel};
use super::{BuildObserver, BuildOptions, BuildReport};
use crate::analyze::SpeakerTable;
use crate::error::{Error, Result};
use crate::load::{self, SourceFile};

/// What a generation is written from.
pub(super) struct Job<'a> {
    pub(super) corpus: &'a Path,
    pub(super) gen_dir: &'a Path,
    pub(super) extras: &'a Extras,
    /// The live generation an update starts from (`None`: a full build).
    pub(super) base: Option<&'a Base>,
    pub(super) opts: &'a BuildOptions,
    pub(super) observer: &'a dyn BuildObserver,
    pub(super) started: Instant,
    /// Stages before the generation was started (listing the corpus, opening the base).
    pub(super) stages: Vec<(String, f64)>,
}

/// The files left out, each told to the observer as it is recorded.
struct Skips<'a> {
    observer: &'a dyn BuildObserver,
    list: Vec<SkippedFile>,
}

impl Skips<'_> {
    fn add(&mut self, path: String, reason: String, stamp: Option<(u64, i64)>) {
        let s = SkippedFile {
            path,
            reason,
            stamp,
        };
        self.observer.skipped(&s);
        self.list.push(s);
    }
}

/// What the generation's tables are made of, gathered document by document.
struct Tables<'a> {
    stats: BuildStats,
    skips: Skips<'a>,
    /// Document entries by ordinal (the base's dropped documents as tombstones).
    docs: Vec<DocEntry>,
    /// Their sketches, by ordinal.
    sketches: Vec<crate::analyze::Sketch>,
    files: Vec<FileEntry>,
    /// Theme term counts of every passage, by document ordinal (an update's kept documents
    /// from the base): themes are scored from them, not from a second analysis.
    counts: CountsTable,
    /// The word table: the base's (less the words of the documents dropped) and the words of
    /// the passages read.
    word_dfs: WordDfs,
}

impl Tables<'_> {
    /// Add a file read by a worker under the next document ordinal (or record it as skipped).
    fn add(
        &mut self,
        file: &SourceFile,
        read: std::result::Result<ReadDoc, load::Skipped>,
        fields: &Fields,
        writer: &mut IndexWriter,
        quotes_out: &mut TableWriter,
    ) -> Result<()> {
        match read {
            Ok(read) if read.docs.is_empty() => self.skips.add(
                file.rel.clone(),
                "no text after cleaning".into(),
                Some((file.size, file.mtime_ns)),
            ),
            Ok(read) => {
                let ord = self.docs.len() as u64;
                for (mut d, paragraph) in read.docs {
                    d.add_u64(fields.doc, ord);
                    d.add_u64(fields.para_key, schema::para_key(ord, paragraph));
                    writer.add_document(d).map_err(Error::from)?;
                }
                self.counts.push_doc(&read.counts);
                self.stats.quotations += read.quotations;
                quotes_out.write_all(read.quotes_json.as_bytes())?;
                quotes_out.write_all(b"\n")?;
                self.sketches.push(read.sketch);
                self.docs.push(DocEntry {
                    path: file.rel.clone(),
                    title: read.title,
                    paragraphs: read.paragraphs,
                    passages: read.passages,
                    chars: read.chars,
                    format: file.format.name().to_owned(),
                    encoding: read.encoding,
                    meta: Default::default(),
                    found: read.found,
                });
                self.files.push(FileEntry {
                    path: file.rel.clone(),
                    doc: ord,
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    hash: read.hash,
                });
            }
            Err(s) => self
                .skips
                .add(s.path, s.reason, Some((file.size, file.mtime_ns))),
        }
        Ok(())
    }
}

/// Choose every live document's metadata from the manifests and what it says about itself
/// (again for the documents an update keeps, so that an update and a full build agree), telling
/// the observer each manifest warning.
fn resolve_metadata(
    docs: &mut [DocEntry],
    extras: &Extras,
    observer: &dyn BuildObserver,
) -> meta::MetaStats {
    use crate::docmeta::{self, Source};
    for note in &extras.manifest_notes {
        observer.warning(note);
    }
    let paths: Vec<&str> = docs.iter().map(|d| d.path.as_str()).collect();
    let matched = extras.manifests.match_paths(&paths);
    for w in &matched.warnings {
        observer.warning(w);
    }
    let mut stats = meta::MetaStats {
        manifest_rows: matched.rows_read as u64,
        matched: matched.rows.len() as u64,
        unmatched: matched.unmatched as u64,
        ambiguous: matched.ambiguous as u64,
        duplicates: matched.duplicates as u64,
        bad_dates: matched.bad_dates as u64,
        ..meta::MetaStats::default()
    };
    let mut collections = std::collections::BTreeSet::new();
    for (i, d) in docs.iter_mut().enumerate() {
        if d.is_tombstone() {
            continue;
        }
        let first = d
            .found
            .first_line
            .take()
            .unwrap_or_else(|| std::mem::take(&mut d.title));
        let row = matched.rows.get(&i).map(|&at| extras.manifests.row(at));
        let (title, m) = docmeta::resolve(&d.path, &first, &d.found, row);
        if title != first {
            d.found.first_line = Some(first);
        }
        d.title = title;
        match m.date_source {
            Some(Source::Manifest) => stats.dated_manifest += 1,
            Some(Source::Embedded) => stats.dated_embedded += 1,
            Some(Source::Path) => stats.dated_path += 1,
            Some(Source::Text) => stats.dated_text += 1,
            _ => stats.undated += 1,
        }
        collections.insert(m.collection.clone());
        d.meta = m;
    }
    stats.collections = collections.len() as u64;
    stats
}

/// A new generation: its index, and the tables gathered for it.
pub(super) struct Generation<'a> {
    job: &'a Job<'a>,
    index: Index,
    fields: Fields,
    /// The word analyzer registered on the index (jieba with the build's dictionaries).
    analyzer: TextAnalyzer,
    tables: Tables<'a>,
    /// Source bytes of the files read.
    read_bytes: u64,
    stage_started: Instant,
}

/// A generation whose documents are being written.
pub(super) struct Writing<'a> {
    generation: Generation<'a>,
    speakers: SpeakerTable,
    writer: IndexWriter,
    quotes_out: TableWriter,
}

impl<'a> Generation<'a> {
    /// Start the generation: hard links to the base's segment files (an update) or a new
    /// index, the tokenizers registered, the quotation table and the tantivy writer open.
    pub(super) fn create(job: &'a Job<'a>) -> Result<Writing<'a>> {
        let (schema, fields) = schema::schema();
        let index = match job.base {
            Some(base) => {
                link_base(&base.generation, job.gen_dir)?;
                Index::open_in_dir(job.gen_dir)?
            }
            None => {
                let settings = IndexSettings {
                    // LZ4, not zstd: zstd made the store 9 MB smaller on ../shared/corpora (108
                    // against 117 MB in all) but every stored-passage read slower: quote's p99
                    // was 108 ms against 74 ms with LZ4 on the evaluation queries.
                    docstore_compression: Compressor::Lz4,
                    ..IndexSettings::default()
                };
                Index::builder()
                    .schema(schema)
                    .settings(settings)
                    .create_in_dir(job.gen_dir)?
            }
        };
        let extras = job.extras;
        let jieba = tokenize::load_jieba(&extras.user_dict).map_err(|reason| Error::UserDict {
            path: extras.user_dict_source.clone().unwrap_or_default(),
            reason,
        })?;
        tokenize::register_tokenizers(&index, Some(jieba));
        let speakers = SpeakerTable::from_extra(&job.extras.speakers)?;
        let quotes_out = TableWriter::create(job.gen_dir, meta::QUOTES_FILE)?;
        let writer: IndexWriter =
            index.writer_with_num_threads(job.opts.threads, job.opts.heap_bytes)?;
        let analyzer = index
            .tokenizers()
            .get(schema::WORDS_TOKENIZER)
            .expect("the words analyzer is registered");
        let tables = Tables {
            stats: BuildStats {
                threads: job.opts.threads,
                stages: job.stages.clone(),
                ..BuildStats::default()
            },
            skips: Skips {
                observer: job.observer,
                list: Vec::new(),
            },
            docs: Vec::new(),
            sketches: Vec::new(),
            files: Vec::new(),
            counts: CountsTable::new(extras.lexicon.hash()),
            word_dfs: WordDfs::default(),
        };
        Ok(Writing {
            generation: Generation {
                job,
                index,
                fields,
                analyzer,
                tables,
                read_bytes: 0,
                stage_started: Instant::now(),
            },
            speakers,
            writer,
            quotes_out,
        })
    }

    /// Record how long the stage that ends now took.
    fn stage(&mut self, name: &str) {
        self.tables
            .stats
            .stages
            .push((name.to_owned(), self.stage_started.elapsed().as_secs_f64()));
        self.stage_started = Instant::now();
    }

    /// Score every passage for every theme from the counts (those of the passages read, and
    /// the base's for those an update keeps) and write `themes.bin.zst`.
    pub(super) fn score_themes(&mut self) -> Result<()> {
        self.job.observer.scoring_themes();
        let reader: tantivy::IndexReader = self.index.reader()?;
        let searcher = reader.searcher();
        let mut scores = ThemeScores::compute(
            &searcher,
            &self.fields,
            &self.job.extras.lexicon,
            &self.analyzer,
            &self.tables.counts,
        )?;
        scores.write(self.job.gen_dir)?;
        // Passages without counts (none, unless a table was short) were cut while scoring.
        if !scores.cut.is_empty() {
            self.tables.counts = scores.counts_table(&self.tables.counts, self.tables.docs.len());
        }
        self.tables.stats.word_tokens = scores.word_tokens;
        self.stage("themes");
        Ok(())
    }

    /// Write the document, file and word tables, the dictionaries and, last, `jiansuo.json`.
    pub(super) fn write_tables(mut self, changes: Changes) -> Result<BuildReport> {
        let job = self.job;
        let gen_dir = job.gen_dir;
        let extras = job.extras;
        let tables = &mut self.tables;
        tables.files.sort_by(|a, b| a.path.cmp(&b.path));
        let stats = &mut tables.stats;
        for d in tables.docs.iter().filter(|d| !d.is_tombstone()) {
            stats.documents += 1;
            stats.paragraphs += u64::from(d.paragraphs);
            stats.passages += u64::from(d.passages);
            stats.chars += d.chars;
        }
        stats.bytes = tables.files.iter().map(|f| f.size).sum();
        stats.skipped = tables.skips.list.len() as u64;

        tables.stats.metadata = resolve_metadata(&mut tables.docs, extras, job.observer);
        self.stage("metadata");
        let tables = &mut self.tables;
        super::super::doctable::write_docs(gen_dir, &tables.docs)?;
        super::super::sketch::write_sketches(gen_dir, &tables.sketches)?;
        for (record, bytes) in &extras.manifest_records {
            // The base's copy of the same manifest (linked with the base's files) is kept, not
            // compressed again.
            let kept = job.base.is_some_and(|b| {
                b.meta.manifests_hash == extras.manifests_hash
                    && b.meta.manifests.iter().any(|r| r.copy == record.copy)
            }) && gen_dir.join(&record.copy).is_file();
            if !kept {
                meta::write_file(gen_dir, &record.copy, bytes)?;
            }
        }
        meta::write_json(gen_dir, meta::FILES_FILE, &tables.files)?;
        words::write(gen_dir, &tables.word_dfs)?;
        tables.counts.write(gen_dir)?;
        meta::write_file(gen_dir, meta::USER_DICT_FILE, extras.user_dict.as_bytes())?;
        meta::write_file(gen_dir, meta::SPEAKERS_FILE, extras.speakers.as_bytes())?;
        self.stage("tables");
        let mut stats = std::mem::take(&mut self.tables.stats);
        // Every stage counted, the tables' too (only the checksums, next, come after).
        stats.seconds = job.started.elapsed().as_secs_f64();
        stats.mb_per_s = self.read_bytes as f64 / 1e6 / stats.seconds.max(1e-9);
        let skipped = std::mem::take(&mut self.tables.skips.list);
        stats.peak_rss_bytes = crate::process::peak_rss_bytes();
        stats.index_bytes = store::dir_size(gen_dir);
        let corpus_root =
            std::fs::canonicalize(job.corpus).unwrap_or_else(|_| job.corpus.to_path_buf());
        let meta = IndexMeta {
            schema_version: SCHEMA_VERSION,
            matching_form_version: crate::matching::MATCHING_FORM_VERSION,
            jiansuo_version: env!("CARGO_PKG_VERSION").to_owned(),
            corpus_root: corpus_root.display().to_string(),
            user_dict_hash: dict_hash(&extras.user_dict),
            speakers_hash: extras.speakers_hash(),
            themes_hash: extras.lexicon.hash(),
            exact_tail_chars: EXACT_TAIL_CHARS,
            manifests: extras
                .manifest_records
                .iter()
                .map(|(r, _)| r.clone())
                .collect(),
            manifests_hash: extras.manifests_hash.clone(),
            excludes: extras.excludes.clone(),
            stats: stats.clone(),
            skipped: skipped.clone(),
        };
        meta::write_json(gen_dir, meta::META_FILE, &meta)?;
        super::super::check::write_checksums(gen_dir)?;
        fail_point("written")?;
        Ok(BuildReport {
            stats,
            skipped,
            generation: gen_dir.to_path_buf(),
            changes: job.base.map(|_| changes),
            full_reason: None,
            up_to_date: false,
        })
    }
}

impl<'a> Writing<'a> {
    /// Record the files the walk left out and those the base refused, unchanged since.
    pub(super) fn skip_listed(
        &mut self,
        walk_skipped: Vec<load::Skipped>,
        still_skipped: Vec<SkippedFile>,
    ) {
        let skips = &mut self.generation.tables.skips;
        for s in walk_skipped {
            skips.add(s.path, s.reason, None);
        }
        for s in still_skipped {
            skips.add(s.path, s.reason, s.stamp);
        }
    }

    /// An update: keep the base's documents, delete the `drop`ped ones (their ordinals stay, as
    /// tombstones), and copy the base's quotations.
    pub(super) fn keep_base(&mut self, drop: &[u64], keep: Vec<FileEntry>) -> Result<()> {
        self.generation.stage("create");
        let tables = &mut self.generation.tables;
        tables.files = keep;
        let Some(base) = self.generation.job.base else {
            return Ok(());
        };
        tables.docs = base.docs.take();
        tables.sketches = base.sketches.take();
        // The base's words, less those of the documents dropped (cut again from their stored
        // text, before they are deleted).
        let g = &self.generation;
        let dropped = dropped_words(&g.index, &g.fields, &g.analyzer, drop)?;
        let tables = &mut self.generation.tables;
        tables.word_dfs = base.words.take();
        if !dropped.is_empty() {
            tables.word_dfs.retain(|w, n| {
                *n = n.saturating_sub(dropped.get(w).copied().unwrap_or(0));
                *n > 0
            });
        }
        let dropped_set: std::collections::HashSet<u64> = drop.iter().copied().collect();
        tables.counts = CountsTable::new(base.counts.lexicon_hash.clone());
        for d in 0..tables.docs.len() {
            if dropped_set.contains(&(d as u64)) {
                tables.counts.push_tombstone();
            } else {
                tables.counts.push_from(&base.counts, d);
            }
        }
        // The base's count, less the quotations of the documents dropped.
        tables.stats.quotations = base.meta.stats.quotations;
        for &d in drop {
            self.writer
                .delete_term(tantivy::Term::from_field_u64(self.generation.fields.doc, d));
            tables.docs[d as usize] = DocEntry::default();
            tables.sketches[d as usize] = crate::analyze::EMPTY_SKETCH;
            tables.stats.quotations = tables
                .stats
                .quotations
                .saturating_sub(count_quotations(base.quotes.line(d as usize)?));
        }
        // The base's quotation table is copied as it is compressed, and the lines of the
        // documents read are added as a second zstd frame (a reader decodes the frames as one
        // stream): recompressing the whole table took 3 s of an update on 1 GB. The lines of
        // the documents dropped stay; only live documents' lines are ever read.
        self.quotes_out.copy_compressed(&base.generation)?;
        self.generation.stage("keep");
        Ok(())
    }

    /// Read and analyse `files` on the build's workers and add them in plan order (document
    /// ordinals follow the plan, whatever the workers' timing), while tantivy's own threads
    /// index what was added.
    pub(super) fn add_documents(&mut self, files: &[SourceFile]) -> Result<()> {
        let g = &mut self.generation;
        g.stage_started = Instant::now();
        g.read_bytes = files.iter().map(|f| f.size).sum();
        g.job.observer.start(files.len() as u64, g.read_bytes);
        let halfway = files.len() / 2;
        let context = ReadContext {
            fields: &g.fields,
            speakers: &self.speakers,
            lexicon: &g.job.extras.lexicon,
        };
        let (writer, quotes_out) = (&mut self.writer, &mut self.quotes_out);
        let word_dfs = read_in_parallel(
            files,
            g.job.opts.threads,
            &context,
            &g.analyzer,
            |i, read| {
                let file = &files[i];
                if i == halfway {
                    fail_point("halfway")?;
                }
                g.tables.add(file, read, &g.fields, writer, quotes_out)?;
                g.job.observer.file_done(file.size);
                Ok(())
            },
        )?;
        words::merge(&mut g.tables.word_dfs, word_dfs);
        Ok(())
    }

    /// Close the quotation table, commit, and wait for the merges tantivy's merge policy starts
    /// (an update adds its own segments and leaves the base's as they are, deletions aside).
    pub(super) fn commit(self) -> Result<Generation<'a>> {
        let Writing {
            mut generation,
            writer: mut w,
            quotes_out,
            ..
        } = self;
        quotes_out.finish()?;
        generation.job.observer.finishing();
        generation.stage("read+index");
        fail_point("commit")?;
        w.commit()?;
        generation.stage("commit");
        // A full build keeps the segments its threads wrote (one each): merging them cost 1.9 s
        // of 9.2 on ../shared/corpora, for an index 5 % smaller and phrase/search medians
        // 20-30 % faster (tens of µs). An update adds its own segments: merging everything made an
        // update of one file take 303 s on 1 GB. tantivy's log merge policy merges small
        // segments once there are 8 of a size; deleted passages stay in their segments until
        // then, and every query and statistic skips them.
        w.wait_merging_threads()?;
        generation.stage("merge");
        fail_point("merged")?;
        generation.tables.stats.segments = generation.index.searchable_segment_ids()?.len();
        Ok(generation)
    }
}

/// The words (as the word table counts them) of the live passages of documents `drop`.
fn dropped_words(
    index: &Index,
    fields: &Fields,
    analyzer: &TextAnalyzer,
    drop: &[u64],
) -> Result<WordDfs> {
    let mut dfs = WordDfs::default();
    if drop.is_empty() {
        return Ok(dfs);
    }
    let wanted: std::collections::HashSet<u64> = drop.iter().copied().collect();
    let searcher = index.reader()?.searcher();
    let mut analyzer = analyzer.clone();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let doc_col = seg.fast_fields().u64("doc")?.first_or_default_col(0);
        let alive = seg.alive_bitset();
        for d in 0..seg.max_doc() {
            if !wanted.contains(&doc_col.get_val(d)) || alive.is_some_and(|a| a.is_deleted(d)) {
                continue;
            }
            let stored: tantivy::TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, d))?;
            let text = stored
                .get_first(fields.text)
                .and_then(|v| tantivy::schema::Value::as_bytes(&v))
                .and_then(schema::text_from_stored)
                .ok_or(Error::NoPassageText {
                    segment: ord as u32,
                    doc: d,
                })?;
            let words = tokenize::word_tokens(&mut analyzer, &tokenize::normalize_words(&text));
            words::count_passage(&mut dfs, &words);
        }
    }
    Ok(dfs)
}

/// Number of quotations in one line of `quotes.jsonl.zst`.
fn count_quotations(line: &str) -> u64 {
    serde_json::from_str::<Vec<serde::de::IgnoredAny>>(line).map_or(0, |v| v.len() as u64)
}
