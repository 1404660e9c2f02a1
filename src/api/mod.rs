//! The query API: one function per command, taking a typed request and returning a typed
//! response whose `Serialize` form *is* the JSON schema (each hit or row one JSON line, then
//! its summary where the command has one; `index --json` is one [`IndexSummary`] object). The
//! command line ([`crate::app`]) and `bench` call these, as a server will, and only print
//! what they return; nothing above this module assembles rows or resolves names for output
//! (`bench` only checks that a drawn theme exists before timing it).
//!
//! ```no_run
//! use jiansuo::api::{self, PhraseRequest};
//! use jiansuo::index::IndexHandle;
//!
//! let handle = IndexHandle::open(std::path::Path::new("index"))?;
//! let counts = api::phrase_counts(&handle, &PhraseRequest::new("调查研究"))?;
//! for c in &counts.counts {
//!     println!("{} {}", c.hits, c.doc);
//! }
//! # Ok::<(), jiansuo::Error>(())
//! ```

mod docs;
mod duplicates;
mod export;
mod filter;
mod index;
mod phrase;
mod quote;
mod reuse;
mod search;
mod shared;
mod show;
mod speakers;
mod themes;
mod trend;

pub use docs::{CollectionRow, DocRow, DocsRequest, DocsResponse, DocsSummary, collections, docs};
pub use duplicates::{
    DuplicateDoc, DuplicateGroupRow, DuplicateRow, DuplicatesRequest, DuplicatesResponse,
    DuplicatesSummary, duplicates,
};
pub use export::{
    ExportPassage, ExportQuotation, ExportRequest, ExportSummary, export, export_mapping,
};
pub use index::{
    CheckReport, Damage, IndexMode, IndexRequest, IndexSummary, RescoreSummary, build, check,
    rescore_themes,
};
pub use phrase::{
    DocCount, PhraseCounts, PhraseHit, PhraseHits, PhraseRequest, PhraseSummary, TrendRequest,
    TrendResponse, TrendRow, TrendSummary, phrase_counts, phrase_counts_top, phrase_hits,
    phrase_needle, phrase_trend,
};
pub use quote::{
    Cluster, Place, QuoteBucket, QuoteHit, QuoteRequest, QuoteResponse, QuoteSummary, QuoteTrend,
    QuoteTrendSummary, QuotesRequest, QuotesResponse, QuotesSummary, SpeakerCount, quote,
    quote_options, quote_trend, quotes,
};
pub use reuse::{
    CompareRequest, CompareResponse, CompareSide, CompareSpan, CompareSummary, ReuseRequest,
    ReuseResponse, ReuseRow, ReuseSource, ReuseSpan, ReuseSummary, ReuseText, SpanEnd, TextPlace,
    compare, reuse,
};
pub use search::{
    HitTheme, HitThemes, SearchBucket, SearchHit, SearchRequest, SearchResponse, SearchSummary,
    SearchTrend, SearchTrendSummary, refuse_exclusion, resolve_themes, search, search_trend,
};
pub use shared::{
    SharedDoc, SharedOrder, SharedPhrase, SharedRequest, SharedResponse, SharedSummary, shared,
};
pub use show::{ShowLine, ShowRequest, ShowResponse, show};
pub use speakers::{
    SpeakerRow, SpeakersRequest, SpeakersResponse, SpeakersSummary, TopQuotation, speakers,
};
pub use themes::{
    Keyword, KeywordsRequest, KeywordsResponse, ThemeWeight, ThemesRequest, ThemesResponse,
    TopPassage, keywords, themes,
};
pub use trend::{Buckets, By};

/// Texts given to `reuse` are read as documents are (formats, encodings), within a limit.
pub use crate::load::{MAX_INPUT_BYTES, read_input};

pub use crate::analyze::QuoteKind;
/// The token a long request checks to stop early (`export` takes one).
pub use crate::cancel::Cancel;
pub use crate::query::{SortOrder, WordRules};

use crate::error::Result;
use crate::index::IndexHandle;

pub use filter::{Filters, Scope, Selected};

/// The title and date of document `ord`, as hits show them (cached: a result names the same
/// documents many times).
pub(crate) struct DocInfo<'a> {
    handle: &'a IndexHandle,
    cache: std::collections::HashMap<u64, (String, Option<String>)>,
}

impl<'a> DocInfo<'a> {
    pub(crate) fn new(handle: &'a IndexHandle) -> DocInfo<'a> {
        DocInfo {
            handle,
            cache: Default::default(),
        }
    }

    /// (title, date as written, e.g. `2024-03-05`).
    pub(crate) fn of(&mut self, ord: u64) -> Result<(String, Option<String>)> {
        if let Some(v) = self.cache.get(&ord) {
            return Ok(v.clone());
        }
        let table = self.handle.docs();
        let v = (
            table.title(ord as usize)?.into_owned(),
            crate::docmeta::Date::from_key(table.date_key(ord as usize)).map(|x| x.to_string()),
        );
        self.cache.insert(ord, v.clone());
        Ok(v)
    }
}

/// How many of `total` results a `limit` returns: 0 means all.
pub fn shown(limit: usize, total: usize) -> usize {
    if limit == 0 { total } else { limit.min(total) }
}
