//! Build an index from a corpus: load → clean → passages → tantivy documents.
//!
//! [`build()`] takes the index's write lock, decides between an update and a full build
//! ([`super::update`]) and writes a new generation in stages: [`prepare`] cuts a cleaned
//! document into passages, `ingest` reads the files on the build's workers and hands them over
//! in plan order, `generation` writes the new generation step by step.

mod generation;
mod ingest;
mod prepare;

pub use prepare::{PreparedDoc, PreparedPassage, prepare};

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::TantivyError;
use tantivy::directory::error::OpenWriteError;

use self::generation::{Generation, Job};
use super::meta::{self, BuildStats, SkippedFile};
pub use super::update::Sticky;
use super::update::{Base, Changes, Extras, Plan};
use super::{ThemeScores, store, tokenize};
use crate::analyze::{Lexicon, SpeakerTable};
use crate::error::{Error, Result};
use crate::load;

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
    /// Manifests and files to leave out (kept by the index for its next build).
    pub sticky: Sticky,
}

impl Default for BuildOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
        BuildOptions {
            user_dict: None,
            speakers: None,
            themes: None,
            threads: 0,
            heap_bytes: 0,
            update: false,
            sticky: Sticky::default(),
        }
        .with_threads(threads)
    }
}

impl BuildOptions {
    /// `threads` reading workers and writer threads (at least one), with the writer's memory
    /// budget that goes with them (128 MB a thread).
    pub fn with_threads(self, threads: usize) -> BuildOptions {
        let threads = threads.max(1);
        BuildOptions {
            threads,
            heap_bytes: 128_000_000 * threads,
            ..self
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
    /// Something the user should know that stops nothing (a manifest row matching no file).
    fn warning(&self, _message: &str) {}
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
    let live_meta: Option<meta::IndexMeta> = store::current(dir)
        .ok()
        .flatten()
        .map(|name| dir.join(name))
        .and_then(|g| meta::read_json(&g, &g, meta::META_FILE).ok());
    let excludes = super::update::excludes(&opts.sticky, live_meta.as_ref());
    let walk = load::walk_excluding(corpus, &excludes)?;
    let mut stages = vec![("walk".to_owned(), started.elapsed().as_secs_f64())];
    let opening = Instant::now();
    // The globs the walk used are the ones the new generation records.
    let lock = store::lock(dir)?;
    store::remove_stale(dir, &lock)?;
    let live = store::current(dir)
        .ok()
        .flatten()
        .map(|name| dir.join(name))
        .filter(|g| g.is_dir());
    // The live generation's theme lexicon, read once: the default lexicon, and an update's check.
    let live_lexicon = live.as_deref().map(|g| ThemeScores::read_lexicon(dir, g));
    let extras = Extras::resolve(
        opts.user_dict.as_deref(),
        opts.speakers.as_deref(),
        opts.themes.as_deref(),
        &opts.sticky,
        excludes,
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
    stages.push(("open".to_owned(), opening.elapsed().as_secs_f64()));
    if let Some(base) = &base
        && plan.index.is_empty()
        && plan.drop.is_empty()
        && base.meta.manifests_hash == extras.manifests_hash
        && base.meta.excludes == extras.excludes
    {
        return up_to_date(base, plan, walk.skipped, observer, started);
    }
    let (gen_name, gen_dir) = store::new_generation(dir, &lock)?;
    let job = Job {
        corpus,
        gen_dir: &gen_dir,
        extras: &extras,
        base: base.as_ref(),
        opts,
        observer,
        started,
        stages,
    };
    let result = write_generation(&job, plan, walk.skipped);
    match result {
        Ok(mut report) => {
            store::publish(dir, &gen_name, &lock)?;
            report.full_reason = full_reason;
            Ok(report)
        }
        Err(e) => {
            store::discard(&gen_dir);
            Err(match e {
                Error::Tantivy(t) => match write_failure(&t) {
                    Some(reason) => Error::IndexWrite { reason },
                    None => Error::Tantivy(t),
                },
                other => other,
            })
        }
    }
}

/// What tantivy's error says about a failed write while building, by its kind: `None` when it
/// is not one.
fn write_failure(e: &TantivyError) -> Option<String> {
    let files =
        |reason: &dyn std::fmt::Display| format!("could not write the index files: {reason}");
    match e {
        // tantivy reports a failed write in its indexing threads only as a dead writer.
        TantivyError::ErrorInThread(_) => Some("an indexing thread could not write".into()),
        TantivyError::IoError(io) => Some(files(io)),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, filepath }) => {
            Some(files(&format_args!("{}: {io_error}", filepath.display())))
        }
        // A write error met while serialising a segment (committing or merging) comes back as
        // an internal error holding the system's message.
        TantivyError::InternalError(reason) => Some(files(reason)),
        _ => None,
    }
}

/// Write the new generation of `job`: the steps of [`Generation`], in order.
fn write_generation(
    job: &Job,
    mut plan: Plan,
    walk_skipped: Vec<load::Skipped>,
) -> Result<BuildReport> {
    super::failpoint::fail_point("start")?;
    let mut writing = Generation::create(job)?;
    writing.skip_listed(walk_skipped, std::mem::take(&mut plan.still_skipped));
    writing.keep_base(&plan.drop, std::mem::take(&mut plan.keep))?;
    writing.add_documents(&plan.index)?;
    let mut generation = writing.commit()?;
    generation.score_themes()?;
    generation.write_tables(plan.changes)
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
        // The file table changed in place: its hash too.
        super::check::write_checksums(&base.generation)?;
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
