//! `speakers`: every speaker with their quotations, documents, date span and most cited
//! quotations.

use std::time::Instant;

use serde::Serialize;

use super::{Filters, Scope, shown};
use crate::error::Result;
use crate::index::IndexHandle;
use crate::query;

/// Which speakers to list.
#[derive(Debug, Clone, Default)]
pub struct SpeakersRequest {
    /// Only this speaker (a canonical name, an alias, or an unlisted name as attributed).
    pub name: Option<String>,
    /// Only speakers of the speaker table (`Some(true)`) or only the others (`Some(false)`).
    pub listed: Option<bool>,
    /// Only speakers with at least this many quotations.
    pub min_quotations: usize,
    /// Most cited quotations per speaker.
    pub top: usize,
    pub filters: Filters,
    /// Speakers returned (0: all).
    pub limit: usize,
}

/// A quotation and how often the speaker is quoted saying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopQuotation {
    pub text: String,
    pub count: usize,
}

/// One speaker (a `speakers --json` `speaker` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerRow {
    /// Canonical name (listed speakers) or the name as attributed.
    pub name: String,
    /// In the speaker table (`src/speakers.toml` and `--speakers FILE`).
    pub listed: bool,
    /// What the texts call an unlisted speaker before the name, most frequent first.
    pub roles: Vec<String>,
    /// Cited quotations attributed to them.
    pub quotations: usize,
    pub docs: usize,
    /// Dates of the earliest and latest dated documents quoting them (`null`: none dated).
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Their most cited quotations.
    pub top: Vec<TopQuotation>,
}

/// The totals (a `speakers --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct SpeakersSummary {
    /// Speakers found.
    pub speakers: usize,
    pub shown: usize,
    /// Quotations of the speakers found.
    pub quotations: usize,
    pub elapsed_us: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// The answer to a [`SpeakersRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SpeakersResponse {
    pub speakers: Vec<SpeakerRow>,
    pub summary: SpeakersSummary,
}

/// Every speaker quoted in the selected documents, most quoted first.
pub fn speakers(handle: &IndexHandle, req: &SpeakersRequest) -> Result<SpeakersResponse> {
    let started = Instant::now();
    let sel = req.filters.select(handle)?;
    let filter = query::SpeakersFilter {
        name: req.name.clone(),
        listed: req.listed,
        selection: sel.selection.clone(),
        top: req.top,
    };
    let mut found = query::list_speakers(handle, &filter)?;
    found.retain(|s| s.quotations >= req.min_quotations.max(1));
    let quotations = found.iter().map(|s| s.quotations).sum();
    let date = |k: u32| crate::docmeta::Date::from_key(k).map(|d| d.to_string());
    let speakers: Vec<SpeakerRow> = found[..shown(req.limit, found.len())]
        .iter()
        .map(|s| SpeakerRow {
            name: s.name.clone(),
            listed: s.listed,
            roles: s.roles.iter().map(|(r, _)| r.clone()).collect(),
            quotations: s.quotations,
            docs: s.docs,
            first_date: s.dates.and_then(|(a, _)| date(a)),
            last_date: s.dates.and_then(|(_, b)| date(b)),
            top: s
                .top
                .iter()
                .map(|(text, count)| TopQuotation {
                    text: text.clone(),
                    count: *count,
                })
                .collect(),
        })
        .collect();
    Ok(SpeakersResponse {
        summary: SpeakersSummary {
            speakers: found.len(),
            shown: speakers.len(),
            quotations,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
        speakers,
    })
}
