//! `index`: build or update the index of a corpus; rescore its themes; check its files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::analyze::Lexicon;
use crate::error::Result;
use crate::index::{
    self, BuildObserver, BuildOptions, BuildReport, Changes, IndexHandle, SkippedFile,
};

/// A build or update.
#[derive(Debug, Clone)]
pub struct IndexRequest {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub options: BuildOptions,
}

/// What a build did: written `full`, `update` or `up-to-date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexMode {
    /// The whole index built.
    Full,
    /// New and changed files read, removed ones dropped.
    Update,
    /// Nothing had changed; nothing was written.
    UpToDate,
}

/// What a build did (the `index --json` object; fields in the order they are written).
#[derive(Debug, Clone, Serialize)]
pub struct IndexSummary {
    /// Bytes of the source files read.
    pub bytes: u64,
    /// For an update (or an index found up to date): files added, changed, removed, unchanged.
    pub changes: Option<Changes>,
    /// Characters of cleaned text.
    pub chars: u64,
    /// The corpus directory as given.
    pub corpus: String,
    pub documents: u64,
    /// The index directory as given.
    pub index: String,
    pub index_bytes: u64,
    pub mb_per_s: f64,
    /// Where the documents' dates, collections and titles came from.
    pub metadata: index::MetaStats,
    pub mode: IndexMode,
    pub paragraphs: u64,
    pub passages: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    pub quotations: u64,
    /// Why an update became a full rebuild.
    pub rebuild_reason: Option<String>,
    pub seconds: f64,
    pub segments: usize,
    /// Files skipped by the build that made the live figures.
    pub skipped: u64,
    /// Every file left out, and why.
    pub skipped_files: Vec<SkippedFile>,
    /// Seconds per build stage.
    pub stages: Vec<(String, f64)>,
    pub threads: usize,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// jieba tokens of all passages (what theme scores count).
    pub word_tokens: u64,
}

impl IndexSummary {
    fn of(req: &IndexRequest, report: BuildReport) -> IndexSummary {
        let s = report.stats;
        IndexSummary {
            bytes: s.bytes,
            changes: report.changes,
            chars: s.chars,
            corpus: req.corpus.display().to_string(),
            documents: s.documents,
            index: req.index.display().to_string(),
            index_bytes: s.index_bytes,
            mb_per_s: s.mb_per_s,
            metadata: s.metadata,
            mode: match (report.up_to_date, report.changes.is_some()) {
                (true, _) => IndexMode::UpToDate,
                (false, true) => IndexMode::Update,
                (false, false) => IndexMode::Full,
            },
            paragraphs: s.paragraphs,
            passages: s.passages,
            peak_rss_bytes: s.peak_rss_bytes,
            quotations: s.quotations,
            rebuild_reason: report.full_reason,
            seconds: s.seconds,
            segments: s.segments,
            skipped: s.skipped,
            skipped_files: report.skipped,
            stages: s.stages,
            threads: s.threads,
            kind: "index",
            word_tokens: s.word_tokens,
        }
    }
}

/// Build (or update) the index; `observer` hears of progress and skipped files.
pub fn build(req: &IndexRequest, observer: &dyn BuildObserver) -> Result<IndexSummary> {
    let report = index::build(&req.corpus, &req.index, &req.options, observer)?;
    Ok(IndexSummary::of(req, report))
}

/// What a rescoring did.
#[derive(Debug, Clone, Serialize)]
pub struct RescoreSummary {
    pub themes: usize,
    pub passages: u64,
    pub seconds: f64,
}

/// Rescore the themes of the live generation with a lexicon (the built-in one without a file),
/// under the index's writer lock.
pub fn rescore_themes(dir: &Path, lexicon: Option<&Path>) -> Result<RescoreSummary> {
    let lexicon = match lexicon {
        Some(path) => Lexicon::with_file(path)?,
        None => Lexicon::builtin(),
    };
    let _lock = index::store::lock(dir)?;
    let handle = IndexHandle::open(dir)?;
    let started = Instant::now();
    let analyzer = handle.word_analyzer()?;
    // The counts kept are of the index's lexicon: another lexicon's are cut again.
    let known = index::CountsTable::read(dir, handle.generation())?;
    let mut scores = index::ThemeScores::compute(
        &handle.searcher(),
        handle.fields(),
        &lexicon,
        &analyzer,
        &known,
    )?;
    let docs = handle.docs().len();
    let counts = scores.counts_table(&known, docs);
    // The counts first: a rescoring stopped between the two leaves counts of the new lexicon
    // beside scores of the old, which the next rescoring or update notices by the hashes.
    counts.write(handle.generation())?;
    scores.write(handle.generation())?;
    crate::index::check::write_checksums(handle.generation())?;
    Ok(RescoreSummary {
        themes: lexicon.themes.len(),
        passages: handle.meta().stats.passages,
        seconds: started.elapsed().as_secs_f64(),
    })
}

pub use crate::index::check::{CheckReport, Damage};

/// Verify every file of the live generation of the index at `dir` (`jiansuo check`).
pub fn check(dir: &Path) -> Result<CheckReport> {
    crate::index::check::check(dir)
}
