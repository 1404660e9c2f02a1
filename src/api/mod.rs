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
mod index;
mod phrase;
mod quote;
mod search;
mod shared;
mod themes;

pub use docs::{DocRow, DocsRequest, DocsResponse, DocsSummary, docs};
pub use index::{IndexMode, IndexRequest, IndexSummary, RescoreSummary, build, rescore_themes};
pub use phrase::{
    DocCount, PhraseCounts, PhraseHit, PhraseHits, PhraseRequest, PhraseSummary, phrase_counts,
    phrase_hits, phrase_needle,
};
pub use quote::{
    Cluster, Place, QuoteHit, QuoteRequest, QuoteResponse, QuoteSummary, QuotesRequest,
    QuotesResponse, QuotesSummary, SpeakerCount, quote, quote_options, quotes,
};
pub use search::{
    HitTheme, HitThemes, SearchHit, SearchRequest, SearchResponse, SearchSummary, refuse_exclusion,
    resolve_themes, search,
};
pub use shared::{SharedDoc, SharedPhrase, SharedRequest, SharedResponse, SharedSummary, shared};
pub use themes::{
    Keyword, KeywordsRequest, KeywordsResponse, ThemeWeight, ThemesRequest, ThemesResponse,
    TopPassage, keywords, themes,
};

pub use crate::analyze::QuoteKind;
pub use crate::query::SortOrder;

/// The documents a request is limited to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only this document, or the documents under this directory (a path relative to the
    /// corpus root, `/`-separated).
    pub doc: Option<String>,
}

/// How many of `total` results a `limit` returns: 0 means all.
pub fn shown(limit: usize, total: usize) -> usize {
    if limit == 0 { total } else { limit.min(total) }
}
