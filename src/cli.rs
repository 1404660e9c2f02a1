//! Command-line arguments, as the user typed them (clap derive). Resolved in [`crate::app`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::{PhraseRequest, QuoteRequest, SharedRequest};
use crate::docmeta::Date;

/// jiansuo (检索): search Chinese policy and political documents by phrase, quotation and theme.
#[derive(Debug, Parser)]
#[command(name = "jiansuo", version, max_term_width = 100)]
pub struct Cli {
    /// Index directory.
    #[arg(
        long,
        global = true,
        env = "JIANSUO_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub index: PathBuf,

    /// Corpus directory. A query command that finds no index builds one from it only when
    /// this is given, or when both --index and --corpus are left at their defaults.
    #[arg(
        long,
        global = true,
        env = "JIANSUO_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub corpus: PathBuf,

    /// `--index` (or `JIANSUO_INDEX`) was given, not left at its default.
    #[arg(skip)]
    pub index_given: bool,

    /// `--corpus` (or `JIANSUO_CORPUS`) was given, not left at its default.
    #[arg(skip)]
    pub corpus_given: bool,

    /// When to colour output (`auto`: when stdout is a terminal and NO_COLOR is not set).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Threads for the work that runs in parallel: an index build reads and analyses files on
    /// N threads and builds the postings on as many (a full build keeps the segments they
    /// write, usually one each); quote, shared and theme scoring use N (default: the number of
    /// cores).
    #[arg(long, global = true, env = "JIANSUO_THREADS", value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no warnings on stderr (errors are still shown).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Never,
    Always,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index of a corpus (a new generation; the old one stays usable until done).
    Index(IndexArgs),
    /// Rank passages holding every query word by BM25 (words found as substrings).
    Search(SearchArgs),
    /// Every occurrence of a phrase (punctuation and spaces ignored), as a concordance.
    Phrase(PhraseArgs),
    /// Maximal phrases that several documents share (text reuse), longest first.
    Shared(SharedArgs),
    /// Where the parts of a text come from: every paragraph of the corpus sharing a span with
    /// it (word for word or nearly), by source document, with how much of the text each covers.
    Reuse(ReuseArgs),
    /// Two documents aligned: the spans they share, marked in both, and how much of each the
    /// other holds.
    Compare(CompareArgs),
    /// Theme distribution per document and the top passages per theme.
    Themes(ThemesArgs),
    /// Keywords: what sets the filtered documents apart from the rest (G² keyness), or the
    /// corpus's most characteristic words.
    Keywords(KeywordsArgs),
    /// Every paragraph that cites a quotation: verbatim, in part, or with changes.
    Quote(QuoteArgs),
    /// The quotations of the corpus, clustered, with speakers and document counts.
    Quotes(QuotesArgs),
    /// Who is quoted: every speaker with their quotations, documents, date span and most cited
    /// quotations.
    Speakers(SpeakersArgs),
    /// Measure query latency in-process (median, p95, p99, max, queries/s, hits).
    Bench(BenchArgs),
    /// The indexed documents: path, title, date, collection, format, passages, characters.
    Docs(DocsArgs),
    /// Verify every file of the index against the checksums written when it was built; exit 2
    /// when one is damaged (then `jiansuo index --full` rebuilds it).
    Check(CheckArgs),
    /// A document, or the paragraphs around one of its lines, as indexed (`DOC:LINE` as
    /// results print it).
    Show(ShowArgs),
    /// Serve the index read-only: an HTTP API and a search page for the browser.
    Serve(ServeArgs),
    /// Every passage with its document's metadata, matching form, quotations and theme scores,
    /// one JSON object a line (NDJSON), for a search cluster (Elasticsearch, OpenSearch,
    /// Quickwit, Meilisearch); or, with --mapping, the cluster's index for them.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Lines for the `_bulk` API of Elasticsearch and OpenSearch: before each passage an
    /// `index` action naming the index NAME and the passage's id.
    #[arg(long, value_name = "NAME", conflicts_with = "mapping")]
    pub bulk: Option<String>,

    /// Each passage's jieba words too (the `words` field, for ranking in the cluster; several
    /// times slower).
    #[arg(long, conflicts_with = "mapping")]
    pub words: bool,

    /// Print the Elasticsearch/OpenSearch index settings and mapping of the export (one JSON
    /// object: `PUT /NAME` with it, then load the export) instead of the passages.
    #[arg(long)]
    pub mapping: bool,

    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; another address serves the index to the
    /// network, and says so.
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,

    /// Seconds a query may run before the server answers 503 (the query is given up).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// Let web pages of this origin call the API (CORS; off by default).
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,

    /// Queries run at once; the others wait their turn (0: twice the cores).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub jobs: usize,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Corpus directory (.txt, .md, .html/.htm and .docx files, searched recursively).
    /// Default: --corpus if given, else the corpus an existing index was built from, else
    /// `corpus`.
    #[arg(id = "corpus_dir", value_name = "CORPUS")]
    pub corpus: Option<PathBuf>,

    /// Extra jieba dictionary: one `word [frequency] [tag]` per line.
    #[arg(long, value_name = "FILE")]
    pub user_dict: Option<PathBuf>,

    /// Extra speakers (TOML: `[[speaker]] name = "…", aliases = ["…"]`), added to the built-in
    /// table used to attribute quotations.
    #[arg(long, value_name = "FILE")]
    pub speakers: Option<PathBuf>,

    /// Theme lexicon (TOML) added to, or with `replace = true` replacing, the built-in themes.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,

    /// Metadata per document: a CSV or TSV file with a header row (columns `file`/`path`,
    /// `date`, `title`, `url`, `collection`, any others kept as fields). Repeatable; kept by
    /// the index, so a later `jiansuo index` reads the same files again.
    #[arg(long, value_name = "FILE", conflicts_with = "no_meta")]
    pub meta: Vec<PathBuf>,

    /// Forget the manifests the index was built with.
    #[arg(long)]
    pub no_meta: bool,

    /// Leave out files matching this glob (gitignore syntax, relative to the corpus root, e.g.
    /// `README.md` or `drafts/`). Repeatable; kept by the index like --meta. The corpus root's
    /// `.jiansuoignore` file is read too.
    #[arg(long, value_name = "GLOB", conflicts_with = "no_exclude")]
    pub exclude: Vec<String>,

    /// Forget the --exclude globs the index was built with.
    #[arg(long)]
    pub no_exclude: bool,

    /// Only rescore the themes of the existing index (with --themes, or the built-in lexicon).
    #[arg(long)]
    pub themes_only: bool,

    /// Rebuild the whole index. Without it an existing index of the same corpus is updated:
    /// only new and changed files are read, removed files are dropped.
    #[arg(long, conflicts_with = "themes_only")]
    pub full: bool,

    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The documents a query is limited to (every kind given must hold; a repeated kind, any one).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Only documents dated on or after DATE (`2020`, `2020-07` or `2020-07-01`). Undated
    /// documents are left out (and counted).
    #[arg(long, value_name = "DATE")]
    pub since: Option<Date>,

    /// Only documents dated on or before DATE; a year or a month covers its whole period.
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,

    /// Only the document at PATH, or the documents under the folder PATH (relative to the
    /// corpus root, as results name them). Repeatable.
    #[arg(long, visible_alias = "doc", value_name = "PATH")]
    pub under: Vec<String>,

    /// Only documents of this collection (by default the first folder under the corpus root;
    /// a manifest's `collection` column). Repeatable; `jiansuo docs --collections` lists them.
    #[arg(long, value_name = "NAME")]
    pub collection: Vec<String>,

    /// Count each group of near-duplicate documents (reposts: each holds 80 % of the other's
    /// text) once: only its earliest document is searched. `jiansuo docs --duplicates` lists
    /// the groups.
    #[arg(long)]
    pub once: bool,
}

/// The format of the results.
#[derive(Debug, Clone, Copy, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// One JSON object per line (schema in the README).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// CSV (RFC 4180): a header row, then one row per result with the JSON fields flattened
    /// (nested fields as `a.b`, lists joined with `; `).
    #[arg(long)]
    pub csv: bool,

    /// CSV that spreadsheets open right: with a UTF-8 byte-order mark (implies --csv).
    #[arg(long, conflicts_with = "json")]
    pub excel: bool,
}

impl OutputArgs {
    /// CSV asked for (`--csv` or `--excel`).
    pub fn csv(&self) -> bool {
        self.csv || self.excel
    }

    /// JSON output, which carries its own summary: no notes on stderr (CSV rows carry none,
    /// so CSV keeps the notes).
    pub fn machine(&self) -> bool {
        self.json
    }
}

/// `--by` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Year,
    Month,
    Day,
    Collection,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to search for (several arguments are joined with spaces); a passage must contain
    /// every word (with more than 12 words, as with --any). Not query syntax: quotes, colons,
    /// brackets and AND/OR are ordinary text, and a word starting with `-` is refused (use
    /// --not). May be left out with --theme.
    #[arg(value_name = "QUERY", required_unless_present = "theme")]
    pub query: Vec<String>,

    /// Passages with any of the words, ranked by how many of them they hold, then BM25.
    #[arg(long)]
    pub any: bool,

    /// Leave out passages containing WORD (exactly, in matching form); repeatable.
    #[arg(long, value_name = "WORD")]
    pub not: Vec<String>,

    /// Every word within N characters of the others (punctuation counted), in one passage.
    #[arg(long, value_name = "N", conflicts_with = "any")]
    pub within: Option<usize>,

    /// Rank by this theme (name or alias; repeat to combine themes). With a query:
    /// BM25 + 2 × theme score.
    #[arg(long, value_name = "NAME")]
    pub theme: Vec<String>,

    /// Show which terms made each hit's theme score.
    #[arg(long)]
    pub explain: bool,

    /// Matching passages per year, month, day or collection (instead of the ranked hits).
    #[arg(long, value_enum, value_name = "BUCKET")]
    pub by: Option<ByArg>,

    /// Check that the index was scored with this theme lexicon (else say how to rescore).
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,

    /// Number of passages to show (0: all).
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,

    /// Characters of passage text shown per hit.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub snippet: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct PhraseArgs {
    /// The phrase (several arguments are joined with spaces). Compared in matching form:
    /// full/half width, case, punctuation and spaces do not matter.
    #[arg(required = true, value_name = "PHRASE")]
    pub phrase: Vec<String>,

    /// Match the cleaned text literally: punctuation and spaces must agree.
    #[arg(long)]
    pub strict: bool,

    /// Per-document occurrence counts, most first, and totals.
    #[arg(short, long)]
    pub count: bool,

    /// Characters of context shown left and right of each occurrence.
    #[arg(short = 'C', long, default_value_t = PhraseRequest::new("").context, value_name = "N")]
    pub context: usize,

    /// Order of concordance lines.
    #[arg(long, value_enum, default_value_t = SortArg::Doc, value_name = "BY")]
    pub sort: SortArg,

    /// A trend: occurrences per year, month, day or collection, with each bucket's size in
    /// characters and the rate per million characters.
    #[arg(long, value_enum, value_name = "BUCKET", conflicts_with = "count")]
    pub by: Option<ByArg>,

    /// With --by: another phrase counted in the same table, for comparison. Repeatable.
    #[arg(long, value_name = "PHRASE", requires = "by")]
    pub also: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// `shared --sort` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SharedSortArg {
    Score,
    Length,
    Docs,
}

/// `--sort` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Document, line, position.
    Doc,
    /// Text left of the match, read outwards from the match.
    Left,
    /// Text right of the match.
    Right,
}

#[derive(Debug, Args)]
pub struct ReuseArgs {
    /// The text: a file (.txt, .md, .html, .docx; others read as text) or `-` for standard
    /// input. Not with --doc.
    #[arg(
        value_name = "FILE|-",
        required_unless_present = "doc",
        conflicts_with = "doc"
    )]
    pub file: Option<PathBuf>,

    /// A document of the index instead (its path as results print it); the document itself is
    /// not counted as a source.
    #[arg(long, value_name = "PATH")]
    pub doc: Option<String>,

    /// Shortest shared span, in characters of each side (punctuation and spaces not counted).
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub min_chars: usize,

    /// Least share of characters a span's two sides have in common (1: word for word).
    #[arg(long, default_value_t = 0.8, value_name = "X")]
    pub min_identity: f64,

    /// Number of sources to show (0: all).
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: SourceFilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// The documents that may be sources (as the filters of other commands, without `--doc`).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Filters")]
pub struct SourceFilterArgs {
    /// Only sources dated on or after DATE (`2020`, `2020-07` or `2020-07-01`).
    #[arg(long, value_name = "DATE")]
    pub since: Option<Date>,

    /// Only sources dated on or before DATE.
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,

    /// Only sources at PATH or under the folder PATH. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub under: Vec<String>,

    /// Only sources of this collection. Repeatable.
    #[arg(long, value_name = "NAME")]
    pub collection: Vec<String>,

    /// One source for each group of near-duplicate documents (reposts): its earliest.
    #[arg(long)]
    pub once: bool,
}

impl From<&SourceFilterArgs> for FilterArgs {
    fn from(f: &SourceFilterArgs) -> FilterArgs {
        FilterArgs {
            since: f.since,
            until: f.until,
            under: f.under.clone(),
            collection: f.collection.clone(),
            once: f.once,
        }
    }
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first document (its path as results print it).
    #[arg(value_name = "DOC")]
    pub a: String,

    /// The second document.
    #[arg(value_name = "DOC")]
    pub b: String,

    /// Shortest shared span, in characters of each side.
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub min_chars: usize,

    /// Least share of characters a span's two sides have in common.
    #[arg(long, default_value_t = 0.8, value_name = "X")]
    pub min_identity: f64,

    /// Print both documents whole with the shared spans marked (【…】 without colour), instead
    /// of the list of spans side by side.
    #[arg(long)]
    pub marked: bool,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SharedArgs {
    /// Shortest phrase, in characters (punctuation and spaces not counted).
    #[arg(long, default_value_t = SharedRequest::default().min_chars, value_name = "N")]
    pub min_chars: usize,

    /// Fewest documents a phrase must occur in.
    #[arg(long, default_value_t = SharedRequest::default().min_docs, value_name = "N")]
    pub min_docs: usize,

    /// Most documents a phrase may occur in: more widespread ones (boilerplate such as
    /// 央视网消息（新闻联播）) are left out.
    #[arg(long, default_value_t = SharedRequest::default().max_docs, value_name = "N")]
    pub max_docs: usize,

    /// Number of phrases to show (0: all).
    #[arg(short = 'n', long, default_value_t = SharedRequest::default().limit, value_name = "N")]
    pub limit: usize,

    /// Order: `length` (longest first), `docs` (most widespread first) or `score`
    /// (characters × documents).
    #[arg(long, value_enum, default_value_t = SharedSortArg::Length, value_name = "BY")]
    pub sort: SharedSortArg,

    /// Keep boilerplate: phrases in more than --max-docs documents, and lists of names (the
    /// leaders named at the start or end of official news).
    #[arg(long)]
    pub keep_boilerplate: bool,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Query file: one query per line, `TEXT` or `KIND<TAB>TEXT`. Default: drawn from the index.
    #[arg(long, value_name = "FILE")]
    pub queries: Option<std::path::PathBuf>,

    /// Which queries to draw (or the kind of untagged lines in --queries).
    #[arg(long, value_enum, default_value_t = BenchKind::Mixed, value_name = "KIND")]
    pub kind: BenchKind,

    /// Timed passes over the query set (after one warm-up pass).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub runs: usize,

    /// Queries drawn per kind when no --queries file is given.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub count: usize,

    /// Seed of the drawing: the same seed draws the same queries.
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// Write the drawn queries to this file (to feed other tools the same set).
    #[arg(long, value_name = "FILE")]
    pub save_queries: Option<std::path::PathBuf>,

    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,

    // Last: clap gives the arguments after a flattened group its help heading.
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// `bench --kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchKind {
    Phrase,
    Search,
    Quote,
    Theme,
    /// `phrase --by year` (not in mixed).
    Trend,
    /// All kinds but trend.
    Mixed,
}

#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The quotation (several arguments are joined with spaces).
    #[arg(required = true, value_name = "TEXT")]
    pub quote: Vec<String>,

    /// Least share of the quotation a hit must contain (default: 0.9 for quotations of up to
    /// 8 characters, else 8 characters' share, at least 0.3).
    #[arg(long, value_name = "X")]
    pub min_coverage: Option<f64>,

    /// Least share of matching characters in a hit's alignment.
    #[arg(long, default_value_t = QuoteRequest::new("").min_identity, value_name = "X")]
    pub min_identity: f64,

    /// Citations per year, month, day or collection, with their speakers (instead of the hits).
    #[arg(long, value_enum, value_name = "BUCKET")]
    pub by: Option<ByArg>,

    /// Number of hits to show (0: all).
    #[arg(short = 'n', long, default_value_t = 0, value_name = "N")]
    pub limit: usize,

    /// Characters of the line shown around each hit.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub snippet: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct QuotesArgs {
    /// Only quotations containing this text (compared in matching form).
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,

    /// Only quotations attributed to this speaker (name or alias, e.g. 习近平 or 总书记).
    #[arg(long, value_name = "NAME")]
    pub speaker: Option<String>,

    /// Only this kind (default: cited and term).
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<KindArg>,

    /// Only clusters found in at least this many documents.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min_docs: usize,

    /// Number of clusters to show (0: all).
    #[arg(short = 'n', long, default_value_t = 50, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SpeakersArgs {
    /// Only this speaker (name or alias, e.g. 习近平 or 总书记; an unlisted name as attributed).
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// Only speakers of the speaker table.
    #[arg(long, conflicts_with = "unlisted")]
    pub listed: bool,

    /// Only speakers the speaker table does not list (found in the text).
    #[arg(long)]
    pub unlisted: bool,

    /// Only speakers with at least this many quotations.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min_quotes: usize,

    /// Most cited quotations shown per speaker.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub top: usize,

    /// Number of speakers to show (0: all).
    #[arg(short = 'n', long, default_value_t = 50, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// `quotes --kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Attributed speech, quoted clauses and sentences.
    Cited,
    /// Short scare-quoted expressions (“四下基层”).
    Term,
    /// Titles in 《…》.
    Title,
}

#[derive(Debug, Args)]
pub struct ThemesArgs {
    /// Top passages shown per theme.
    #[arg(short = 'n', long, default_value_t = 3, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One JSON line: `{"type":"check","generation":…,"files":N,"bytes":N,"damaged":[{"file","problem"}]}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Only this document, or the documents under this directory.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,

    /// The collections instead: documents, characters and dates of each.
    #[arg(long, conflicts_with = "duplicates")]
    pub collections: bool,

    /// Groups of near-duplicate documents (reposts) instead: documents each holding at least
    /// --min-share of the other's text in shared spans, earliest first.
    #[arg(long)]
    pub duplicates: bool,

    /// With --duplicates: the least share of each document the other must hold.
    #[arg(long, default_value_t = 0.8, value_name = "X", requires = "duplicates")]
    pub min_share: f64,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The document (path relative to the corpus root), optionally with a line: `DOC:LINE`.
    #[arg(value_name = "DOC[:LINE]")]
    pub locator: String,

    /// Paragraphs shown before and after the line (with a line; without one, the whole
    /// document is shown).
    #[arg(short = 'C', long, default_value_t = 2, value_name = "N")]
    pub context: usize,

    /// Highlight this text (compared in matching form) in what is shown.
    #[arg(long, value_name = "TEXT")]
    pub highlight: Option<String>,

    /// One JSON object per line (schema in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeywordsArgs {
    /// Number of keywords.
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub limit: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub out: OutputArgs,
}
