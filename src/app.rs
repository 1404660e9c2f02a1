//! The glue: resolve arguments (terminal, colour, paths), call the query API, print what it
//! returns. The only module that sees both [`crate::cli`] types and the library.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::{self, Filters};
use crate::bench::{self, QueryKind};
use crate::cli::{
    BenchArgs, BenchKind, ByArg, CheckArgs, Cli, ColorWhen, Command, CompareArgs, DocsArgs,
    ExportArgs, FilterArgs, IndexArgs, KeywordsArgs, KindArg, OutputArgs, PhraseArgs, QuoteArgs,
    QuotesArgs, ReuseArgs, SearchArgs, ServeArgs, SharedArgs, SharedSortArg, ShowArgs, SortArg,
    SpeakersArgs, ThemesArgs,
};
use crate::error::Error;
use crate::index::{self, BuildObserver, BuildOptions, IndexHandle, SkippedFile};
use crate::print::{self, Style};

/// How a command ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found (or done): exit code 0.
    Hits,
    /// Nothing was found: exit code 1.
    NoHits,
}

impl Outcome {
    /// `Hits` when something was found, else `NoHits`.
    pub fn found(any: bool) -> Outcome {
        if any { Outcome::Hits } else { Outcome::NoHits }
    }
}

/// Run one command.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    if let Some(n) = cli.threads {
        // The pool of every parallel step but the build's own (which takes the same number).
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("starting the thread pool")?;
    }
    let style = Style {
        color: color_enabled(cli.color, io::stdout().is_terminal()),
    };
    // A damaged index can make the reading code panic: that is caught here, at the command's
    // boundary, and told as what it is (exit 2), never as exit 101 and a Rust dump.
    // The server answers a handler's panic with a 500 and goes on: it keeps the default hook,
    // so the panic is logged.
    if matches!(cli.command, Command::Serve(_)) {
        return dispatch(&cli, style);
    }
    let panicked = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let seen = panicked.clone();
    std::panic::set_hook(Box::new(move |info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let mut slot = seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.get_or_insert(format!("{what}{at}"));
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(&cli, style)));
    let what = panicked
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    // The hook stays while the damage is looked for (the check catches the panics a damaged
    // file causes, and they are not to be printed).
    let result = match outcome {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(e)) => Err(explain_failure(&cli, e)),
        Err(_) => Err(damage_or_bug(&cli, what.as_deref().unwrap_or("a panic"))),
    };
    let _ = std::panic::take_hook();
    result
}

/// An error of reading the index (not of what the user typed), with the damaged files named
/// when a check finds some.
fn explain_failure(cli: &Cli, e: anyhow::Error) -> anyhow::Error {
    let reading = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<Error>(),
            Some(Error::Tantivy(_) | Error::Corrupt { .. } | Error::Io { .. })
        )
    });
    if !reading
        || matches!(
            cli.command,
            Command::Index(_) | Command::Check(_) | Command::Serve(_)
        )
    {
        return e;
    }
    match api::check(&cli.index) {
        Ok(r) if !r.is_sound() => {
            anyhow::anyhow!(damaged_message(cli, &r)).context(error_message(&e))
        }
        _ => e,
    }
}

fn damaged_message(cli: &Cli, r: &api::CheckReport) -> String {
    format!(
        "the index at {} is damaged (file {}); run `jiansuo --index {} check` to see it, \
         `jiansuo --index {} index --full` to rebuild it",
        cli.index.display(),
        r.damaged_names(),
        cli.index.display(),
        cli.index.display()
    )
}

/// After a panic: the damaged files, if a check finds some; else a bug, said so.
fn damage_or_bug(cli: &Cli, what: &str) -> anyhow::Error {
    match api::check(&cli.index) {
        Ok(r) if !r.is_sound() => anyhow::anyhow!(damaged_message(cli, &r)),
        Ok(_) => anyhow::anyhow!(
            "internal error ({what}); the index at {} checks sound, so this is a bug in \
             jiansuo: please report it with the command that caused it",
            cli.index.display()
        ),
        Err(e) => anyhow::anyhow!(
            "internal error ({what}); the index at {} could not be checked ({e}): run \
             `jiansuo check`, and rebuild it with `jiansuo index --full` if it is damaged",
            cli.index.display()
        ),
    }
}

fn dispatch(cli: &Cli, style: Style) -> anyhow::Result<Outcome> {
    match &cli.command {
        Command::Index(args) => run_index(cli, args),
        Command::Search(args) => run_search(cli, args, style),
        Command::Phrase(args) => run_phrase(cli, args, style),
        Command::Shared(args) => run_shared(cli, args, style),
        Command::Reuse(args) => run_reuse(cli, args, style),
        Command::Compare(args) => run_compare(cli, args, style),
        Command::Bench(args) => run_bench(cli, args),
        Command::Quote(args) => run_quote(cli, args, style),
        Command::Themes(args) => run_themes(cli, args, style),
        Command::Keywords(args) => run_keywords(cli, args),
        Command::Quotes(args) => run_quotes(cli, args, style),
        Command::Speakers(args) => run_speakers(cli, args, style),
        Command::Docs(args) => run_docs(cli, args, style),
        Command::Check(args) => run_check(cli, args),
        Command::Show(args) => run_show(cli, args, style),
        Command::Serve(args) => run_serve(cli, args),
        Command::Export(args) => run_export(cli, args),
    }
}

/// The error and its causes, `: `-separated.
pub fn error_message(e: &anyhow::Error) -> String {
    let parts: Vec<String> = e.chain().map(ToString::to_string).collect();
    parts.join(": ")
}

/// True when the error is a closed stdout (e.g. `jiansuo … | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c
            .downcast_ref::<io::Error>()
            .or_else(|| match c.downcast_ref::<Error>() {
                Some(Error::Io { cause, .. }) => Some(cause),
                _ => None,
            });
        io.is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Resolve `--color`: `auto` means a terminal on stdout and no (non-empty) `NO_COLOR`.
pub fn color_enabled(when: ColorWhen, stdout_is_terminal: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            stdout_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Results go through a buffer to stdout; `print` writes them, then the buffer is flushed.
fn to_stdout(print: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> anyhow::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    print(&mut out)?;
    out.flush()?;
    Ok(())
}

/// A timing or count line on stderr, unless `--quiet` or the output is JSON.
fn note(cli: &Cli, json: bool, line: impl FnOnce() -> String) {
    if !json && !cli.quiet {
        eprintln!("{}", line());
    }
}

fn run_index(cli: &Cli, args: &IndexArgs) -> anyhow::Result<Outcome> {
    if args.themes_only {
        let summary = api::rescore_themes(&cli.index, args.themes.as_deref())?;
        to_stdout(|w| print::print_rescore_text(w, &summary))?;
        return Ok(Outcome::Hits);
    }
    let options = build_options(
        cli,
        BuildOptions {
            user_dict: args.user_dict.clone(),
            speakers: args.speakers.clone(),
            themes: args.themes.clone(),
            update: !args.full,
            sticky: jiansuo_sticky(args),
            ..BuildOptions::default()
        },
    );
    let req = api::IndexRequest {
        corpus: index_corpus(cli, args),
        index: cli.index.clone(),
        options,
    };
    let summary = build_with_progress(&req, cli.quiet, !args.json)?;
    if args.json {
        to_stdout(|w| print::write_json_line(w, &summary))?;
    } else {
        to_stdout(|w| print::print_index_text(w, &summary))?;
    }
    Ok(Outcome::Hits)
}

fn run_check(cli: &Cli, args: &CheckArgs) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    let r = api::check(&cli.index)?;
    if args.json {
        to_stdout(|w| print::print_check_json(w, &r))?;
    } else {
        to_stdout(|w| print::print_check_text(w, &r, &cli.index))?;
    }
    note(cli, args.json, || {
        format!(
            "checked {} files ({:.1} MB) of {} in {:.2} s",
            r.files,
            r.bytes as f64 / 1e6,
            r.generation.display(),
            started.elapsed().as_secs_f64()
        )
    });
    if r.is_sound() {
        Ok(Outcome::Hits)
    } else {
        Err(Error::Corrupt {
            path: cli.index.clone(),
            reason: format!(
                "{} damaged file(s): {}; `jiansuo index --full` rebuilds it",
                r.damaged.len(),
                r.damaged_names()
            ),
        }
        .into())
    }
}

/// The corpus `index` reads: the one named (argument or `--corpus`); else, for an existing
/// index, the corpus it was built from (an update, not a replacement by `./corpus`); else
/// `--corpus`'s default.
fn index_corpus(cli: &Cli, args: &IndexArgs) -> PathBuf {
    if let Some(c) = &args.corpus {
        return c.clone();
    }
    // Read from `jiansuo.json` alone, not by opening the index (which may be damaged, or of
    // an older schema, and is about to be rebuilt).
    if !cli.corpus_given
        && let Ok(Some(name)) = index::store::current(&cli.index)
        && let Ok(meta) = index::meta::read_json::<serde_json::Value>(
            &cli.index,
            &cli.index.join(&name),
            index::meta::META_FILE,
        )
        && let Some(root) = meta["corpus_root"].as_str()
    {
        let root = PathBuf::from(root);
        if root.is_dir() {
            if !cli.quiet {
                eprintln!(
                    "jiansuo: updating {} from the corpus it was built from, {}",
                    cli.index.display(),
                    root.display()
                );
            }
            return root;
        }
    }
    cli.corpus.clone()
}

/// The manifests and excludes `index` was given.
fn jiansuo_sticky(args: &IndexArgs) -> crate::index::Sticky {
    crate::index::Sticky {
        meta: args.meta.clone(),
        no_meta: args.no_meta,
        exclude: args.exclude.clone(),
        no_exclude: args.no_exclude,
    }
}

/// `options` with `--threads` applied, when given.
fn build_options(cli: &Cli, options: BuildOptions) -> BuildOptions {
    match cli.threads {
        Some(n) => options.with_threads(n),
        None => options,
    }
}

/// Progress bar and warnings on stderr while building.
struct Progress {
    bar: ProgressBar,
    quiet: bool,
}

impl BuildObserver for Progress {
    fn start(&self, _files: u64, bytes: u64) {
        self.bar.set_length(bytes);
    }
    fn file_done(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
    fn skipped(&self, f: &SkippedFile) {
        if !self.quiet {
            self.bar.suspend(|| {
                eprintln!(
                    "jiansuo: warning: skipped {}: {}",
                    print::sanitize(&f.path),
                    f.reason
                )
            });
        }
    }
    fn finishing(&self) {
        self.bar.set_message("committing and merging");
    }
    fn rebuilding(&self, reason: &str) {
        if !self.quiet {
            self.bar
                .suspend(|| eprintln!("jiansuo: rebuilding the whole index: {reason}"));
        }
    }
    fn warning(&self, message: &str) {
        if !self.quiet {
            self.bar
                .suspend(|| eprintln!("jiansuo: warning: {}", print::sanitize(message)));
        }
    }
}

fn build_with_progress(
    req: &api::IndexRequest,
    quiet: bool,
    bar: bool,
) -> anyhow::Result<api::IndexSummary> {
    let show_bar = bar && !quiet && io::stderr().is_terminal();
    let bar = if show_bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} indexing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress = Progress { bar, quiet };
    let summary = api::build(req, &progress).with_context(|| {
        format!(
            "indexing {} into {} failed; the previous index, if any, is unchanged",
            req.corpus.display(),
            req.index.display()
        )
    })?;
    progress.bar.finish_and_clear();
    Ok(summary)
}

/// Open the index. When there is none, build it first from the corpus, but only where no one
/// can be surprised: `--corpus` was given, or neither `--index` nor `--corpus` was (the default
/// index of the default corpus). Any other missing index is an error that says how to build
/// one, and names a near index directory (a typo answers from no corpus, not the wrong one).
fn open_or_build(cli: &Cli) -> anyhow::Result<IndexHandle> {
    let may_build = cli.corpus_given || !cli.index_given;
    match IndexHandle::open(&cli.index) {
        Err(Error::NoIndex { path }) if !may_build || !cli.corpus.is_dir() => {
            let build = if cli.index_given {
                format!("jiansuo --index {} index CORPUS_DIR", path.display())
            } else {
                "jiansuo index CORPUS_DIR".to_owned()
            };
            let mut msg = format!("no index at {}; build one with `{build}`", path.display());
            if may_build {
                msg.push_str(&format!(
                    " (there is no corpus folder {} to build it from)",
                    cli.corpus.display()
                ));
            }
            if let Some(near) = nearest_index(&path) {
                msg.push_str(&format!(
                    " (an index exists at {}: did you mean that one?)",
                    near.display()
                ));
            } else if !may_build {
                msg.push_str(
                    ", or give --corpus DIR to build it from that corpus on this first query",
                );
            }
            Err(anyhow::anyhow!(msg))
        }
        Err(Error::NoIndex { .. }) => {
            if !cli.quiet {
                eprintln!(
                    "jiansuo: no index at {} yet; building it from {} (once) …",
                    cli.index.display(),
                    cli.corpus.display()
                );
            }
            let req = api::IndexRequest {
                corpus: cli.corpus.clone(),
                index: cli.index.clone(),
                options: build_options(cli, BuildOptions::default()),
            };
            if let Err(e) = build_with_progress(&req, cli.quiet, true) {
                // Another process started the same first build: wait for it, then use its index.
                if !matches!(e.downcast_ref::<Error>(), Some(Error::Locked { .. })) {
                    return Err(e);
                }
                if !cli.quiet {
                    eprintln!("jiansuo: another process is building the index; waiting for it …");
                }
                index::store::wait_unlocked(&cli.index)?;
            }
            Ok(IndexHandle::open(&cli.index)?)
        }
        other => Ok(other?),
    }
}

/// The index directory beside `path` whose name is nearest its name (at most two edits, or one
/// holding the other), if any.
fn nearest_index(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut best: Option<(usize, PathBuf)> = None;
    for entry in std::fs::read_dir(&parent).ok()?.flatten() {
        let p = entry.path();
        if !p.join(index::store::CURRENT_FILE).is_file() {
            continue;
        }
        let other = entry.file_name().to_string_lossy().into_owned();
        let d = strsim::levenshtein(&name, &other);
        let close = d <= 2 || (other.len() > 2 && (name.contains(&other) || other.contains(&name)));
        if close && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
            best = Some((d, p));
        }
    }
    best.map(|(_, p)| p)
}

fn filters(f: &FilterArgs) -> Filters {
    Filters {
        under: f.under.clone(),
        collections: f.collection.clone(),
        since: f.since,
        until: f.until,
        once: f.once,
    }
}

fn by(b: ByArg) -> api::By {
    match b {
        ByArg::Year => api::By::Year,
        ByArg::Month => api::By::Month,
        ByArg::Day => api::By::Day,
        ByArg::Collection => api::By::Collection,
    }
}

/// The results on stdout in the format asked for: `rows` as CSV (with a byte-order mark for
/// `--excel`), JSON lines by `json`, or text by `text`.
fn emit<T: serde::Serialize>(
    out: &OutputArgs,
    rows: &[T],
    json: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    if out.csv() {
        to_stdout(|w| print::write_csv(w, rows, out.excel))
    } else if out.json {
        to_stdout(json)
    } else {
        to_stdout(text)
    }
}

/// The note on stderr saying what filters limited a query to.
fn scope_note(cli: &Cli, machine: bool, scope: Option<&api::Scope>) {
    if let Some(s) = scope {
        note(cli, machine, || print::scope_line(s));
    }
}

fn ms(us: u128) -> f64 {
    us as f64 / 1e3
}

fn run_search(cli: &Cli, args: &SearchArgs, style: Style) -> anyhow::Result<Outcome> {
    api::refuse_exclusion(&args.query.join(" "))?; // before the index is opened (or built)
    let handle = open_or_build(cli)?;
    let req = api::SearchRequest {
        query: args.query.join(" "),
        themes: args.theme.clone(),
        themes_file: args.themes.clone(),
        limit: args.limit,
        explain: args.explain,
        words: api::WordRules {
            any: args.any,
            not: args.not.clone(),
            within: args.within,
        },
        filters: filters(&args.filters),
    };
    let machine = args.out.machine();
    if let Some(b) = args.by {
        let r = api::search_trend(&handle, &req, by(b))?;
        let bars = io::stdout().is_terminal();
        emit(
            &args.out,
            &r.buckets,
            |w| print::print_search_trend_json(w, &r),
            |w| print::print_search_trend_text(w, &r, style, bars),
        )?;
        scope_note(cli, machine, r.summary.scope.as_ref());
        return Ok(Outcome::found(r.summary.passages > 0));
    }
    let r = api::search(&handle, &req)?;
    emit(
        &args.out,
        &r.hits,
        |w| print::print_search_json(w, &r),
        |w| print::print_search_text(w, &r, style, args.snippet),
    )?;
    let s = &r.summary;
    scope_note(cli, machine, s.scope.as_ref());
    note(cli, machine, || {
        let how = if s.words == "any" {
            if args.any {
                "passages with any of the words, most words first"
            } else {
                "passages with any of the words (a long query: more than 12 words), most words first"
            }
        } else {
            "matching passages"
        };
        format!(
            "{} of {} {how} ({:.1} ms)",
            s.hits,
            s.total,
            ms(s.elapsed_us)
        )
    });
    Ok(Outcome::found(!r.hits.is_empty()))
}

fn run_phrase(cli: &Cli, args: &PhraseArgs, style: Style) -> anyhow::Result<Outcome> {
    let req = api::PhraseRequest {
        phrase: args.phrase.join(" "),
        strict: args.strict,
        context: args.context,
        sort: match args.sort {
            SortArg::Doc => api::SortOrder::Doc,
            SortArg::Left => api::SortOrder::Left,
            SortArg::Right => api::SortOrder::Right,
        },
        filters: filters(&args.filters),
    };
    // Checked before the index is opened (or built): a phrase of punctuation is a usage error.
    api::phrase_needle(&req.phrase)?;
    if !args.also.is_empty() && args.by.is_none() {
        return Err(Error::Query(
            "--also compares phrases in a trend table: give --by year|month|day|collection".into(),
        )
        .into());
    }
    for p in &args.also {
        api::phrase_needle(p)?;
    }
    let handle = open_or_build(cli)?;
    let machine = args.out.machine();
    if let Some(b) = args.by {
        let mut phrases = vec![req.phrase.clone()];
        phrases.extend(args.also.iter().cloned());
        let r = api::phrase_trend(
            &handle,
            &api::TrendRequest {
                phrases,
                by: by(b),
                strict: args.strict,
                filters: req.filters.clone(),
            },
        )?;
        let bars = io::stdout().is_terminal();
        emit(
            &args.out,
            &r.rows,
            |w| print::print_trend_json(w, &r),
            |w| print::print_trend_text(w, &r, style, bars),
        )?;
        scope_note(cli, machine, r.summary.scope.as_ref());
        return Ok(Outcome::found(r.summary.hits.iter().any(|&h| h > 0)));
    }
    if args.count {
        let r = api::phrase_counts(&handle, &req)?;
        emit(
            &args.out,
            &r.counts,
            |w| print::print_counts_json(w, &r),
            |w| print::print_counts_text(w, &r, style),
        )?;
        scope_note(cli, machine, r.summary.scope.as_ref());
        return Ok(Outcome::found(r.summary.hits > 0));
    }
    let r = api::phrase_hits(&handle, &req)?;
    let by_doc = req.sort == api::SortOrder::Doc;
    emit(
        &args.out,
        &r.hits,
        |w| print::print_phrase_json(w, &r),
        |w| print::print_kwic_text(w, &r.hits, args.context, style, by_doc),
    )?;
    let s = &r.summary;
    scope_note(cli, machine, s.scope.as_ref());
    note(cli, machine, || {
        format!(
            "{} occurrence(s) in {} document(s) ({:.1} ms)",
            s.hits,
            s.docs,
            ms(s.elapsed_us)
        )
    });
    Ok(Outcome::found(s.hits > 0))
}

fn run_reuse(cli: &Cli, args: &ReuseArgs, style: Style) -> anyhow::Result<Outcome> {
    let text = match (&args.file, &args.doc) {
        (_, Some(doc)) => api::ReuseText::Doc(doc.clone()),
        (Some(f), None) => {
            let (name, bytes) = if f.as_os_str() == "-" {
                let mut bytes = Vec::new();
                io::stdin()
                    .lock()
                    .take((api::MAX_INPUT_BYTES + 1) as u64)
                    .read_to_end(&mut bytes)
                    .context("reading standard input")?;
                ("standard input".to_owned(), bytes)
            } else {
                let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
                (f.display().to_string(), bytes)
            };
            let ext = (f.as_os_str() != "-")
                .then(|| f.extension().and_then(|e| e.to_str()))
                .flatten();
            api::ReuseText::Text(api::read_input(&name, &bytes, ext)?)
        }
        (None, None) => anyhow::bail!("give a FILE, `-` for standard input, or --doc PATH"),
    };
    let handle = open_or_build(cli)?;
    let req = api::ReuseRequest {
        min_chars: args.min_chars,
        min_identity: args.min_identity,
        limit: args.limit,
        filters: filters(&(&args.filters).into()),
        ..api::ReuseRequest::new(text)
    };
    let r = api::reuse(&handle, &req)?;
    let machine = args.out.machine();
    emit(
        &args.out,
        &r.rows(),
        |w| print::print_reuse_json(w, &r),
        |w| print::print_reuse_text(w, &r, style),
    )?;
    let s = &r.summary;
    scope_note(cli, machine, s.scope.as_ref());
    note(cli, machine, || {
        format!(
            "{} span(s) from {} source(s); {} seeds ({} too common), {} paragraphs aligned \
             ({:.2} s)",
            s.spans,
            s.sources,
            s.seeds,
            s.common_seeds,
            s.candidates,
            s.elapsed_us as f64 / 1e6
        )
    });
    Ok(Outcome::found(s.sources > 0))
}

fn run_compare(cli: &Cli, args: &CompareArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::CompareRequest {
        min_chars: args.min_chars,
        min_identity: args.min_identity,
        ..api::CompareRequest::new(&args.a, &args.b)
    };
    let r = api::compare(&handle, &req)?;
    emit(
        &args.out,
        &r.spans,
        |w| print::print_compare_json(w, &r),
        |w| print::print_compare_text(w, &r, style, args.marked),
    )?;
    note(cli, args.out.machine(), || {
        format!(
            "{} shared span(s) ({:.1} ms)",
            r.spans.len(),
            ms(r.summary.elapsed_us)
        )
    });
    Ok(Outcome::found(!r.spans.is_empty()))
}

fn run_shared(cli: &Cli, args: &SharedArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::SharedRequest {
        min_chars: args.min_chars,
        min_docs: args.min_docs,
        max_docs: args.max_docs,
        limit: args.limit,
        order: match args.sort {
            SharedSortArg::Score => api::SharedOrder::Score,
            SharedSortArg::Length => api::SharedOrder::Length,
            SharedSortArg::Docs => api::SharedOrder::Docs,
        },
        keep_boilerplate: args.keep_boilerplate,
        filters: filters(&args.filters),
    };
    let r = api::shared(&handle, &req)?;
    let machine = args.out.machine();
    emit(
        &args.out,
        &r.phrases,
        |w| print::print_shared_json(w, &r),
        |w| print::print_shared_text(w, &r, style),
    )?;
    let s = &r.summary;
    scope_note(cli, machine, s.scope.as_ref());
    note(cli, machine, || {
        format!(
            "{} shared phrase(s), {} shown{} ({:.2} s; {} characters in {} shard(s))",
            s.phrases,
            s.shown,
            match (s.name_lists, s.variants) {
                (0, 0) => String::new(),
                (n, v) =>
                    format!(" ({n} lists of names and {v} variants of shown phrases left out)"),
            },
            s.elapsed_us as f64 / 1e6,
            s.chars,
            s.shards
        )
    });
    Ok(Outcome::found(s.phrases > 0))
}

fn run_bench(cli: &Cli, args: &BenchArgs) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let kinds: &[QueryKind] = match args.kind {
        BenchKind::Phrase => &[QueryKind::Phrase],
        BenchKind::Search => &[QueryKind::Search],
        BenchKind::Quote => &[QueryKind::Quote],
        BenchKind::Theme => &[QueryKind::Theme],
        BenchKind::Trend => &[QueryKind::Trend],
        BenchKind::Mixed => &[
            QueryKind::Phrase,
            QueryKind::Search,
            QueryKind::Quote,
            QueryKind::Theme,
        ],
    };
    let queries = match &args.queries {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading query file {}", path.display()))?;
            bench::parse_queries(&text, kinds[0])?
        }
        None => {
            let mut rng = bench::Lcg(args.seed);
            let mut all = Vec::new();
            for &k in kinds {
                all.extend(bench::sample_queries(&handle, k, args.count, &mut rng)?);
            }
            all
        }
    };
    if let Some(path) = &args.save_queries {
        std::fs::write(path, bench::query_lines(&queries))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let r = bench::bench(
        &handle,
        &bench::BenchRequest {
            queries,
            runs: args.runs,
            filters: filters(&args.filters),
        },
    )?;
    if args.json {
        to_stdout(|w| print::print_bench_json(w, &r))?;
    } else {
        to_stdout(|w| print::print_bench_text(w, &r))?;
    }
    Ok(Outcome::Hits)
}

fn run_quote(cli: &Cli, args: &QuoteArgs, style: Style) -> anyhow::Result<Outcome> {
    let req = api::QuoteRequest {
        text: args.quote.join(" "),
        min_coverage: args.min_coverage,
        min_identity: args.min_identity,
        limit: args.limit,
        filters: filters(&args.filters),
    };
    api::quote_options(&req)?; // bad thresholds are refused before the index is opened
    let handle = open_or_build(cli)?;
    let machine = args.out.machine();
    if let Some(b) = args.by {
        let r = api::quote_trend(&handle, &req, by(b))?;
        let bars = io::stdout().is_terminal();
        emit(
            &args.out,
            &r.buckets,
            |w| print::print_quote_trend_json(w, &r),
            |w| print::print_quote_trend_text(w, &r, style, bars),
        )?;
        scope_note(cli, machine, r.summary.scope.as_ref());
        return Ok(Outcome::found(r.summary.hits > 0));
    }
    let r = api::quote(&handle, &req)?;
    emit(
        &args.out,
        &r.hits,
        |w| print::print_quote_json(w, &r),
        |w| print::print_quote_text(w, &r, style, args.snippet),
    )?;
    scope_note(cli, machine, r.summary.scope.as_ref());
    note(cli, machine, || {
        format!(
            "{} citation(s) ({} candidate passages aligned, {:.1} ms)",
            r.total,
            r.summary.candidates,
            ms(r.summary.elapsed_us)
        )
    });
    Ok(Outcome::found(r.total > 0))
}

fn run_quotes(cli: &Cli, args: &QuotesArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::QuotesRequest {
        text: args.text.clone(),
        speaker: args.speaker.clone(),
        kind: args.kind.map(|k| match k {
            KindArg::Cited => api::QuoteKind::Cited,
            KindArg::Term => api::QuoteKind::Term,
            KindArg::Title => api::QuoteKind::Title,
        }),
        min_docs: args.min_docs,
        filters: filters(&args.filters),
        limit: args.limit,
    };
    let r = api::quotes(&handle, &req)?;
    let machine = args.out.machine();
    emit(
        &args.out,
        &r.clusters,
        |w| print::print_clusters_json(w, &r),
        |w| print::print_clusters_text(w, &r, style),
    )?;
    let s = &r.summary;
    scope_note(cli, machine, s.scope.as_ref());
    note(cli, machine, || {
        format!(
            "{} cluster(s) of {} quotation(s), {} shown ({:.1} ms)",
            s.clusters,
            s.quotations,
            s.shown,
            ms(s.elapsed_us)
        )
    });
    Ok(Outcome::found(s.clusters > 0))
}

fn run_speakers(cli: &Cli, args: &SpeakersArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::SpeakersRequest {
        name: args.name.clone(),
        listed: match (args.listed, args.unlisted) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        min_quotations: args.min_quotes,
        top: args.top,
        filters: filters(&args.filters),
        limit: args.limit,
    };
    let r = api::speakers(&handle, &req)?;
    let machine = args.out.machine();
    emit(
        &args.out,
        &r.speakers,
        |w| print::print_speakers_json(w, &r),
        |w| print::print_speakers_text(w, &r, style),
    )?;
    let s = &r.summary;
    scope_note(cli, machine, s.scope.as_ref());
    note(cli, machine, || {
        format!(
            "{} speaker(s) of {} quotation(s), {} shown ({:.1} ms)",
            s.speakers,
            s.quotations,
            s.shown,
            ms(s.elapsed_us)
        )
    });
    Ok(Outcome::found(s.speakers > 0))
}

fn run_themes(cli: &Cli, args: &ThemesArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::ThemesRequest {
        filters: filters(&args.filters),
        top: args.limit,
    };
    let r = api::themes(&handle, &req)?;
    scope_note(cli, args.out.machine(), r.scope.as_ref());
    emit(
        &args.out,
        &r.themes,
        |w| print::print_themes_json(w, &r),
        |w| print::print_themes_text(w, &r, style),
    )?;
    Ok(Outcome::found(r.themes.iter().any(|t| t.total > 0.0)))
}

fn run_docs(cli: &Cli, args: &DocsArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let mut f = filters(&args.filters);
    f.under.extend(args.path.iter().cloned());
    if args.duplicates {
        let r = api::duplicates(
            &handle,
            &api::DuplicatesRequest {
                min_share: args.min_share,
                filters: f,
            },
        )?;
        emit(
            &args.out,
            &r.rows(),
            |w| print::print_duplicates_json(w, &r),
            |w| print::print_duplicates_text(w, &r, style),
        )?;
        scope_note(cli, args.out.machine(), r.summary.scope.as_ref());
        note(cli, args.out.machine(), || {
            format!(
                "{} group(s) of near-duplicate documents, {} documents in them; {} pairs \
                 compared ({:.2} s)",
                r.summary.groups,
                r.summary.documents,
                r.summary.compared,
                r.summary.elapsed_us as f64 / 1e6
            )
        });
        return Ok(Outcome::found(!r.groups.is_empty()));
    }
    if args.collections {
        let rows = api::collections(&handle, &f)?;
        emit(
            &args.out,
            &rows,
            |w| print::print_collections_json(w, &rows),
            |w| print::print_collections_text(w, &rows, style),
        )?;
        return Ok(Outcome::found(!rows.is_empty()));
    }
    let req = api::DocsRequest { filters: f };
    let r = api::docs(&handle, &req)?;
    emit(
        &args.out,
        &r.docs,
        |w| print::print_docs_json(w, &r),
        |w| print::print_docs_text(w, &r, style),
    )?;
    scope_note(cli, args.out.machine(), r.summary.scope.as_ref());
    Ok(Outcome::found(!r.docs.is_empty()))
}

fn run_export(cli: &Cli, args: &ExportArgs) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    if args.mapping {
        let mapping = api::export_mapping(&handle)?;
        to_stdout(|w| print::print_export_mapping(w, &mapping))?;
        return Ok(Outcome::found(true));
    }
    let req = api::ExportRequest {
        filters: filters(&args.filters),
        words: args.words,
    };
    let bar = if !cli.quiet && io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} exporting [{bar:30}] {pos}/{len} documents")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let summary = api::export(
        &handle,
        &req,
        &api::Cancel::new(None),
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
        |row| {
            print::print_export_row(&mut out, row, args.bulk.as_deref())
                .map_err(Error::io("writing the export to standard output"))
        },
    )?;
    out.flush()?;
    bar.finish_and_clear();
    scope_note(cli, false, summary.scope.as_ref());
    note(cli, false, || {
        format!(
            "{} passages of {} documents exported, {} quotations ({:.2} s)",
            summary.passages,
            summary.documents,
            summary.quotations,
            summary.elapsed_us as f64 / 1e6
        )
    });
    Ok(Outcome::found(summary.passages > 0))
}

fn run_keywords(cli: &Cli, args: &KeywordsArgs) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::KeywordsRequest {
        filters: filters(&args.filters),
        limit: args.limit,
    };
    let r = api::keywords(&handle, &req)?;
    scope_note(cli, args.out.machine(), r.scope.as_ref());
    if r.keywords.is_empty() {
        note(cli, args.out.machine(), || {
            "no keyword: the selection has no word frequent and widespread enough in it".into()
        });
    }
    emit(
        &args.out,
        &r.keywords,
        |w| print::print_keywords_json(w, &r),
        |w| print::print_keywords_text(w, &r),
    )?;
    Ok(Outcome::found(!r.keywords.is_empty()))
}

fn run_show(cli: &Cli, args: &ShowArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let req = api::ShowRequest {
        locator: args.locator.clone(),
        context: args.context,
        highlight: args.highlight.clone(),
    };
    let r = api::show(&handle, &req)?;
    if args.json {
        to_stdout(|w| print::print_show_json(w, &r))?;
    } else {
        to_stdout(|w| print::print_show_text(w, &r, style))?;
    }
    Ok(Outcome::found(!r.lines.is_empty()))
}

fn run_serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<Outcome> {
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return Err(Error::Query(format!(
            "--timeout {} is not a number of seconds above 0",
            args.timeout
        ))
        .into());
    }
    // The index is opened (or built from the default corpus on first use) and checked before
    // the server listens.
    let handle = open_or_build(cli)?;
    // Every file verified once, at start (a query never pays for it).
    let report = api::check(&cli.index)?;
    if !report.is_sound() {
        return Err(anyhow::anyhow!(damaged_message(cli, &report)));
    }
    let documents = handle.meta().stats.documents;
    let opts = crate::serve::ServeOptions {
        index: cli.index.clone(),
        addr: args.addr,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        cors: args.cors.clone(),
        jobs: args.jobs,
    };
    crate::serve::serve(&opts, handle, |addr| {
        if !addr.ip().is_loopback() {
            eprintln!(
                "jiansuo: warning: serving on {addr}, which other machines can reach: the index \
                 is readable by anyone there (read-only)"
            );
        }
        eprintln!(
            "jiansuo: serving {} ({documents} documents) at http://{addr}/ (Ctrl-C stops)",
            cli.index.display()
        );
    })?;
    Ok(Outcome::Hits)
}
