//! The glue: resolve arguments (terminal, colour, paths), run a command, print its results.
//! This is the only module that sees both [`crate::cli`] types and the library stages.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::bench::{self, QueryKind};
use crate::cli::{
    BenchArgs, BenchKind, Cli, ColorWhen, Command, DocsArgs, IndexArgs, KeywordsArgs, KindArg,
    PhraseArgs, QuoteArgs, QuotesArgs, SearchArgs, SharedArgs, SortArg, ThemesArgs,
};
use crate::error::Error;
use crate::index::{self, BuildObserver, BuildOptions, BuildReport, IndexHandle, SkippedFile};
use crate::matching::matching_string;
use crate::print::{self, PhraseSummary, Style};
use crate::query::{self, SortOrder};

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
    let style = Style {
        color: color_enabled(cli.color, io::stdout().is_terminal()),
    };
    match &cli.command {
        Command::Index(args) => run_index(&cli, args),
        Command::Search(args) => run_search(&cli, args, style),
        Command::Phrase(args) => run_phrase(&cli, args, style),
        Command::Shared(args) => run_shared(&cli, args, style),
        Command::Bench(args) => run_bench(&cli, args),
        Command::Quote(args) => run_quote(&cli, args, style),
        Command::Themes(args) => run_themes(&cli, args, style),
        Command::Keywords(args) => run_keywords(&cli, args),
        Command::Quotes(args) => run_quotes(&cli, args, style),
        Command::Docs(args) => run_docs(&cli, args, style),
    }
}

/// The error and its causes, `: `-separated, each cause left out when the message before it
/// ends with it already (an error that shows its source in its own message).
pub fn error_message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.is_empty() {
            out = text;
        } else if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

/// True when the error is a closed stdout (e.g. `jiansuo … | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
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

fn run_index(cli: &Cli, args: &IndexArgs) -> anyhow::Result<Outcome> {
    if args.themes_only {
        return rescore_themes(cli, args);
    }
    let corpus = args.corpus.as_deref().unwrap_or(&cli.corpus);
    let mut opts = BuildOptions {
        user_dict: args.user_dict.clone(),
        speakers: args.speakers.clone(),
        themes: args.themes.clone(),
        update: !args.full,
        ..BuildOptions::default()
    };
    if let Some(t) = args.threads {
        opts.threads = t.max(1);
        opts.heap_bytes = 128_000_000 * opts.threads;
    }
    let report = build_with_progress(corpus, &cli.index, &opts, cli.quiet, !args.json)?;
    let mut out = io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(&report.stats)?;
        v["type"] = "index".into();
        v["mode"] = match (report.up_to_date, report.changes.is_some()) {
            (true, _) => "up-to-date",
            (false, true) => "update",
            (false, false) => "full",
        }
        .into();
        v["changes"] = serde_json::to_value(report.changes)?;
        v["rebuild_reason"] = serde_json::to_value(&report.full_reason)?;
        v["corpus"] = corpus.display().to_string().into();
        v["index"] = cli.index.display().to_string().into();
        v["skipped_files"] = serde_json::to_value(&report.skipped)?;
        writeln!(out, "{v}")?;
    } else {
        write_index_summary(&mut out, corpus, &cli.index, &report)?;
    }
    Ok(Outcome::Hits)
}

fn write_index_summary(
    w: &mut dyn Write,
    corpus: &Path,
    dir: &Path,
    report: &BuildReport,
) -> io::Result<()> {
    let s = &report.stats;
    if let Some(c) = &report.changes {
        if report.up_to_date {
            writeln!(
                w,
                "{} is up to date: {} documents unchanged, checked in {:.2} s",
                dir.display(),
                c.unchanged,
                s.seconds
            )?;
        } else {
            writeln!(
                w,
                "updated {}: {} added, {} changed, {} removed, {} unchanged in {:.2} s",
                dir.display(),
                c.added,
                c.changed,
                c.removed,
                c.unchanged,
                s.seconds
            )?;
        }
        writeln!(
            w,
            "the index has {} documents ({} paragraphs, {} passages, {} characters) from {}",
            s.documents,
            s.paragraphs,
            s.passages,
            s.chars,
            corpus.display()
        )?;
        return writeln!(
            w,
            "skipped {} files; index {} is {:.1} MB",
            report.skipped.len(),
            dir.display(),
            s.index_bytes as f64 / 1e6
        );
    }
    writeln!(
        w,
        "indexed {} documents ({} paragraphs, {} passages, {} characters) from {} in {:.2} s ({:.2} MB/s)",
        s.documents,
        s.paragraphs,
        s.passages,
        s.chars,
        corpus.display(),
        s.seconds,
        s.mb_per_s
    )?;
    writeln!(
        w,
        "skipped {} files; index {} is {:.1} MB ({} threads, {} segment{})",
        s.skipped,
        dir.display(),
        s.index_bytes as f64 / 1e6,
        s.threads,
        s.segments,
        if s.segments == 1 { "" } else { "s" }
    )
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
}

fn build_with_progress(
    corpus: &Path,
    dir: &Path,
    opts: &BuildOptions,
    quiet: bool,
    bar: bool,
) -> anyhow::Result<BuildReport> {
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
    let report = index::build(corpus, dir, opts, &progress).with_context(|| {
        format!(
            "indexing {} into {} failed; the previous index, if any, is unchanged",
            corpus.display(),
            dir.display()
        )
    })?;
    progress.bar.finish_and_clear();
    Ok(report)
}

/// Open the index; when there is none and the corpus directory exists, build it first.
fn open_or_build(cli: &Cli) -> anyhow::Result<IndexHandle> {
    match IndexHandle::open(&cli.index) {
        Err(Error::NoIndex { .. }) if cli.corpus.is_dir() => {
            if !cli.quiet {
                eprintln!(
                    "jiansuo: no index at {} yet; building it from {} (once) …",
                    cli.index.display(),
                    cli.corpus.display()
                );
            }
            let built = build_with_progress(
                &cli.corpus,
                &cli.index,
                &BuildOptions::default(),
                cli.quiet,
                true,
            );
            if let Err(e) = built {
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

fn run_search(cli: &Cli, args: &SearchArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let query_text = args.query.join(" ");
    let mut themes = Vec::new();
    if !args.theme.is_empty() {
        let scores = handle.themes()?;
        if let Some(path) = &args.themes {
            let wanted = crate::analyze::Lexicon::with_file(path)?;
            if wanted.hash() != scores.lexicon.hash() {
                return Err(Error::Query(format!(
                    "the index's themes were scored with another lexicon; rescore them with \
                     `jiansuo index --themes-only --themes {}` (seconds, not a rebuild)",
                    path.display()
                ))
                .into());
            }
        }
        for name in &args.theme {
            let t = scores.lexicon.find(name).ok_or_else(|| {
                let known: Vec<&str> = scores
                    .lexicon
                    .themes
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect();
                Error::Query(format!(
                    "no theme {name:?}; the themes are {}",
                    known.join(", ")
                ))
            })?;
            themes.push(t);
        }
    }
    let results = query::search_with(&handle, &query_text, &themes, args.limit, args.explain)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_search_json(&mut out, &results)?;
    } else {
        print::print_search_text(&mut out, &results, style, args.snippet)?;
    }
    out.flush()?;
    if !args.json && !cli.quiet {
        eprintln!(
            "{} of {} matching passages ({:.1} ms)",
            results.hits.len(),
            results.total,
            results.elapsed.as_secs_f64() * 1e3
        );
    }
    Ok(Outcome::found(!results.hits.is_empty()))
}

fn run_phrase(cli: &Cli, args: &PhraseArgs, style: Style) -> anyhow::Result<Outcome> {
    let phrase = args.phrase.join(" ");
    let needle: Vec<char> = matching_string(&phrase).chars().collect();
    if needle.is_empty() {
        return Err(Error::Query(format!(
            "the phrase {phrase:?} has nothing to match: only letters, digits and CJK characters \
             count (punctuation and spaces are ignored); e.g. `jiansuo phrase 调查研究`"
        ))
        .into());
    }
    let handle = open_or_build(cli)?;
    let searcher = handle.searcher();
    let started = std::time::Instant::now();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let hits = if args.count && !args.strict {
        let counts = query::count_phrase(&handle, &needle)?;
        let elapsed = started.elapsed();
        let paths: Vec<(String, u64)> = counts
            .per_doc
            .iter()
            .map(|&(d, c)| Ok((handle.doc(d)?.path, c)))
            .collect::<crate::Result<_>>()?;
        let mut rows: Vec<(&str, u64)> = paths.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let summary = PhraseSummary {
            phrase: &phrase,
            hits: counts.hits,
            docs: counts.docs(),
            elapsed,
        };
        write_counts(&mut out, &rows, &summary, style, args.json)?;
        counts.hits
    } else {
        let mut occs = query::occurrences(&handle, &searcher, &phrase, args.strict, args.context)?;
        let elapsed = started.elapsed();
        let docs = {
            let mut d: Vec<u64> = occs.iter().map(|o| o.doc).collect();
            d.dedup();
            d.len()
        };
        let summary = PhraseSummary {
            phrase: &phrase,
            hits: occs.len() as u64,
            docs,
            elapsed,
        };
        if args.count {
            let mut rows: Vec<(&str, u64)> = Vec::new();
            for o in &occs {
                match rows.last_mut() {
                    Some(last) if last.0 == o.path => last.1 += 1,
                    _ => rows.push((&o.path, 1)),
                }
            }
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            write_counts(&mut out, &rows, &summary, style, args.json)?;
        } else {
            let order = match args.sort {
                SortArg::Doc => SortOrder::Doc,
                SortArg::Left => SortOrder::Left,
                SortArg::Right => SortOrder::Right,
            };
            query::sort_occurrences(&mut occs, order);
            if args.json {
                print::print_phrase_json(&mut out, &occs, &summary)?;
            } else {
                print::print_kwic_text(
                    &mut out,
                    &occs,
                    args.context,
                    style,
                    order == SortOrder::Doc,
                )?;
            }
        }
        if !args.json && !args.count && !cli.quiet {
            out.flush()?;
            eprintln!(
                "{} occurrence(s) in {} document(s) ({:.1} ms)",
                summary.hits,
                summary.docs,
                elapsed.as_secs_f64() * 1e3
            );
        }
        summary.hits
    };
    out.flush()?;
    Ok(Outcome::found(hits > 0))
}

fn write_counts(
    w: &mut dyn Write,
    rows: &[(&str, u64)],
    summary: &PhraseSummary,
    style: Style,
    json: bool,
) -> io::Result<()> {
    if json {
        print::print_counts_json(w, rows, summary)
    } else {
        print::print_counts_text(w, rows, summary, style)
    }
}

fn run_shared(cli: &Cli, args: &SharedArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let started = std::time::Instant::now();
    let opts = query::SharedOptions {
        min_chars: args.min_chars,
        min_docs: args.min_docs,
        max_docs: args.max_docs,
    };
    let phrases = query::shared_phrases(&handle, opts)?;
    let shown = if args.limit == 0 {
        phrases.len()
    } else {
        args.limit.min(phrases.len())
    };
    let searcher = handle.searcher();
    let mut rows = Vec::with_capacity(shown);
    for p in &phrases[..shown] {
        let mut first = query::occurrences(&handle, &searcher, &p.phrase, false, 0)?;
        query::sort_occurrences(&mut first, SortOrder::Doc);
        let mut documents = p
            .docs
            .iter()
            .map(|&(d, hits)| {
                Ok(print::SharedDoc {
                    doc: handle.doc(d)?.path,
                    hits,
                })
            })
            .collect::<crate::Result<Vec<_>>>()?;
        documents.sort_by(|a, b| a.doc.cmp(&b.doc));
        rows.push(print::SharedRow {
            text: first
                .first()
                .map_or_else(|| p.phrase.clone(), |o| o.matched.clone()),
            chars: p.phrase.chars().count(),
            phrase: p.phrase.clone(),
            docs: p.docs.len(),
            hits: p.hits,
            documents,
        });
    }
    let elapsed = started.elapsed();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_shared_json(&mut out, &rows, phrases.len(), elapsed)?;
    } else {
        print::print_shared_text(&mut out, &rows, style)?;
    }
    out.flush()?;
    if !args.json && !cli.quiet {
        eprintln!(
            "{} shared phrase(s), {} shown ({:.2} s)",
            phrases.len(),
            rows.len(),
            elapsed.as_secs_f64()
        );
    }
    Ok(Outcome::found(!phrases.is_empty()))
}

fn run_bench(cli: &Cli, args: &BenchArgs) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let kinds: &[QueryKind] = match args.kind {
        BenchKind::Phrase => &[QueryKind::Phrase],
        BenchKind::Search => &[QueryKind::Search],
        BenchKind::Quote => &[QueryKind::Quote],
        BenchKind::Theme => &[QueryKind::Theme],
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
        let lines: String = queries
            .iter()
            .map(|q| format!("{}\t{}\n", q.kind.name(), q.text))
            .collect();
        std::fs::write(path, lines).with_context(|| format!("writing {}", path.display()))?;
    }
    let reports = bench::run_bench(&handle, &queries, args.runs)?;
    let stats = &handle.meta.stats;
    let mut out = io::stdout().lock();
    if args.json {
        let mut index = serde_json::to_value(stats)?;
        index["type"] = "index".into();
        index["path"] = cli.index.display().to_string().into();
        writeln!(out, "{index}")?;
        for r in &reports {
            let mut v = serde_json::to_value(r)?;
            v["type"] = "bench".into();
            writeln!(out, "{v}")?;
        }
        let process = serde_json::json!({
            "type": "process",
            "peak_rss_bytes": bench::peak_rss_bytes(),
        });
        writeln!(out, "{process}")?;
    } else {
        writeln!(
            out,
            "index {}: {:.1} MB, {} passages of {} documents ({:.1} MB of text); built in {:.2} s ({:.2} MB/s, {} threads)",
            cli.index.display(),
            stats.index_bytes as f64 / 1e6,
            stats.passages,
            stats.documents,
            stats.bytes as f64 / 1e6,
            stats.seconds,
            stats.mb_per_s,
            stats.threads
        )?;
        writeln!(
            out,
            "{:<8}{:>8}{:>6}{:>12}{:>10}{:>10}{:>10}{:>10}{:>12}",
            "kind", "queries", "runs", "median µs", "p95 µs", "p99 µs", "max µs", "qps", "hits"
        )?;
        for r in &reports {
            writeln!(
                out,
                "{:<8}{:>8}{:>6}{:>12.1}{:>10.1}{:>10.1}{:>10.1}{:>10.0}{:>12}",
                r.kind.name(),
                r.queries,
                r.runs,
                r.median_us,
                r.p95_us,
                r.p99_us,
                r.max_us,
                r.qps,
                r.hits
            )?;
        }
        let mb = |b: Option<u64>| {
            b.map_or("unknown".to_owned(), |b| {
                format!("{:.0} MB", b as f64 / 1e6)
            })
        };
        writeln!(
            out,
            "peak RSS: this process {}, the build {}",
            mb(bench::peak_rss_bytes()),
            mb(stats.peak_rss_bytes)
        )?;
    }
    Ok(Outcome::Hits)
}

fn run_quote(cli: &Cli, args: &QuoteArgs, style: Style) -> anyhow::Result<Outcome> {
    let text = args.quote.join(" ");
    let n = matching_string(&text).chars().count();
    let mut opts = query::QuoteOptions::for_length(n);
    if let Some(c) = args.min_coverage {
        opts.min_coverage = c;
    }
    opts.min_identity = args.min_identity;
    for (name, v) in [
        ("--min-coverage", opts.min_coverage),
        ("--min-identity", opts.min_identity),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(
                Error::Query(format!("{name} takes a share between 0 and 1, not {v}")).into(),
            );
        }
    }
    let handle = open_or_build(cli)?;
    let results = query::find_quote(&handle, &text, opts)?;
    let shown = if args.limit == 0 {
        &results.hits[..]
    } else {
        &results.hits[..args.limit.min(results.hits.len())]
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_quote_json(&mut out, &results, shown)?;
    } else {
        print::print_quote_text(&mut out, shown, style, args.snippet)?;
    }
    out.flush()?;
    if !args.json && !cli.quiet {
        eprintln!(
            "{} paragraph(s) cite it ({} candidate passages aligned, {:.1} ms)",
            results.hits.len(),
            results.candidates,
            results.elapsed.as_secs_f64() * 1e3
        );
    }
    Ok(Outcome::found(!results.hits.is_empty()))
}

fn run_quotes(cli: &Cli, args: &QuotesArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let started = std::time::Instant::now();
    let filter = query::QuotesFilter {
        text: args.text.clone(),
        speaker: args.speaker.clone(),
        kind: args.kind.map(|k| match k {
            KindArg::Cited => crate::analyze::QuoteKind::Cited,
            KindArg::Term => crate::analyze::QuoteKind::Term,
            KindArg::Title => crate::analyze::QuoteKind::Title,
        }),
        doc: args.doc.clone(),
        min_docs: args.min_docs,
    };
    let clusters = query::list_quotes(&handle, &filter)?;
    let quotations: usize = clusters.iter().map(|c| c.occurrences.len()).sum();
    let shown = if args.limit == 0 {
        clusters.len()
    } else {
        args.limit.min(clusters.len())
    };
    let place = |o: &query::QuoteOccurrence| -> crate::Result<print::Place> {
        Ok(print::Place {
            doc: handle.doc(o.doc)?.path,
            line: o.line,
        })
    };
    let mut rows = Vec::with_capacity(shown);
    for c in &clusters[..shown] {
        rows.push(print::ClusterRow {
            text: c.text.clone(),
            matching: c.matching.clone(),
            kind: c.kind.name(),
            occurrences: c.occurrences.len(),
            docs: c.docs,
            variants: c.variants,
            speakers: c
                .speakers
                .iter()
                .map(|(name, count)| print::SpeakerCount {
                    name: name.clone(),
                    count: *count,
                })
                .collect(),
            first: place(c.occurrences.first().expect("non-empty cluster"))?,
            last: place(c.occurrences.last().expect("non-empty cluster"))?,
        });
    }
    let elapsed = started.elapsed();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_clusters_json(&mut out, &rows, clusters.len(), quotations, elapsed)?;
    } else {
        print::print_clusters_text(&mut out, &rows, style)?;
    }
    out.flush()?;
    if !args.json && !cli.quiet {
        eprintln!(
            "{} cluster(s) of {} quotation(s), {} shown ({:.1} ms)",
            clusters.len(),
            quotations,
            rows.len(),
            elapsed.as_secs_f64() * 1e3
        );
    }
    Ok(Outcome::found(!clusters.is_empty()))
}

/// `jiansuo index --themes-only`: rescore the themes of the live generation with a lexicon.
fn rescore_themes(cli: &Cli, args: &IndexArgs) -> anyhow::Result<Outcome> {
    let lexicon = match &args.themes {
        Some(path) => crate::analyze::Lexicon::with_file(path)?,
        None => crate::analyze::Lexicon::builtin(),
    };
    let _lock = index::store::lock(&cli.index)?;
    let handle = IndexHandle::open(&cli.index)?;
    let started = std::time::Instant::now();
    let analyzer = handle.word_analyzer()?;
    let scores = index::ThemeScores::compute(
        &handle.searcher(),
        &handle.fields,
        &lexicon,
        &analyzer,
        &Default::default(),
    )?;
    scores.write(&handle.generation)?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "rescored {} themes of {} passages in {:.2} s",
        lexicon.themes.len(),
        handle.meta.stats.passages,
        started.elapsed().as_secs_f64()
    )?;
    Ok(Outcome::Hits)
}

fn run_themes(cli: &Cli, args: &ThemesArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let docs = query::documents_matching(&handle, args.doc.as_deref())?;
    let shares = query::theme_distribution(&handle, docs.as_ref(), args.limit)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_themes_json(&mut out, &shares)?;
    } else {
        print::print_themes_text(&mut out, &shares, style)?;
    }
    out.flush()?;
    Ok(Outcome::found(shares.iter().any(|s| s.total > 0.0)))
}

fn run_docs(cli: &Cli, args: &DocsArgs, style: Style) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let wanted = query::documents_matching(&handle, args.path.as_deref())?;
    let mut docs: Vec<index::DocEntry> = handle
        .docs
        .live()?
        .into_iter()
        .filter(|(ord, _)| wanted.as_ref().is_none_or(|w| w.contains(ord)))
        .map(|(_, d)| d)
        .collect();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_docs_json(&mut out, &docs)?;
    } else {
        print::print_docs_text(&mut out, &docs, style)?;
    }
    out.flush()?;
    Ok(Outcome::found(!docs.is_empty()))
}

fn run_keywords(cli: &Cli, args: &KeywordsArgs) -> anyhow::Result<Outcome> {
    let handle = open_or_build(cli)?;
    let docs = query::documents_matching(&handle, args.doc.as_deref())?;
    let words = query::keywords(&handle, docs.as_ref(), args.limit)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        print::print_keywords_json(&mut out, &words)?;
    } else {
        print::print_keywords_text(&mut out, &words)?;
    }
    out.flush()?;
    Ok(Outcome::found(!words.is_empty()))
}
