//! `docs --duplicates`: groups of near-duplicate documents (reposts).

use std::time::Instant;

use serde::Serialize;

use crate::docmeta::Date;
use crate::error::{Error, Result};
use crate::index::{IndexHandle, selected};
use crate::query;

/// Which groups to list.
#[derive(Debug, Clone)]
pub struct DuplicatesRequest {
    /// The least share of each document its near-duplicate must hold (0.5 to 1).
    pub min_share: f64,
    /// Groups with at least one document selected are listed (whole).
    pub filters: super::Filters,
}

/// One document of a group.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateDoc {
    pub doc: String,
    pub title: String,
    /// `null`: undated.
    pub date: Option<String>,
    pub chars: u64,
}

/// A group of near-duplicate documents (a `docs --duplicates --json` `group` line).
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateGroupRow {
    /// 1-based, largest group first.
    pub group: usize,
    /// Documents; the first is the earliest, the one `--once` keeps.
    pub docs: Vec<DuplicateDoc>,
    /// The least share of one document held by another, over the pairs that proved the group.
    pub min_share: f64,
}

/// A `docs --duplicates --csv` row: one document with its group.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateRow<'a> {
    pub group: usize,
    pub size: usize,
    /// The document `--once` keeps.
    pub kept: bool,
    #[serde(flatten)]
    pub doc: &'a DuplicateDoc,
}

/// The totals (a `docs --duplicates --json` `summary` line).
#[derive(Debug, Clone, Serialize)]
pub struct DuplicatesSummary {
    pub groups: usize,
    /// Documents in the groups.
    pub documents: usize,
    /// Candidate pairs aligned to prove them.
    pub compared: usize,
    pub elapsed_us: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// The answer to a [`DuplicatesRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct DuplicatesResponse {
    pub groups: Vec<DuplicateGroupRow>,
    pub summary: DuplicatesSummary,
}

impl DuplicatesResponse {
    /// One row per document, for CSV.
    pub fn rows(&self) -> Vec<DuplicateRow<'_>> {
        self.groups
            .iter()
            .flat_map(|g| {
                g.docs.iter().enumerate().map(move |(i, doc)| DuplicateRow {
                    group: g.group,
                    size: g.docs.len(),
                    kept: i == 0,
                    doc,
                })
            })
            .collect()
    }
}

/// The groups of near-duplicate documents, largest first.
pub fn duplicates(handle: &IndexHandle, req: &DuplicatesRequest) -> Result<DuplicatesResponse> {
    let started = Instant::now();
    if !(0.5..=1.0).contains(&req.min_share) {
        return Err(Error::Query(
            "--min-share must lie between 0.5 and 1".into(),
        ));
    }
    let sel = req.filters.select(handle)?;
    let found = query::duplicate_groups(handle, req.min_share)?;
    let table = handle.docs();
    let mut groups = Vec::new();
    for g in &found.groups {
        if !g.docs.iter().any(|&d| selected(sel.get(), d)) {
            continue;
        }
        let docs = g
            .docs
            .iter()
            .map(|&d| {
                Ok(DuplicateDoc {
                    doc: table.path(d as usize)?.into_owned(),
                    title: table.title(d as usize)?.into_owned(),
                    date: Date::from_key(table.date_key(d as usize)).map(|d| d.to_string()),
                    chars: table.chars(d as usize),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        groups.push(DuplicateGroupRow {
            group: groups.len() + 1,
            docs,
            min_share: g.min_share,
        });
    }
    Ok(DuplicatesResponse {
        summary: DuplicatesSummary {
            groups: groups.len(),
            documents: groups.iter().map(|g| g.docs.len()).sum(),
            compared: found.compared,
            elapsed_us: started.elapsed().as_micros(),
            scope: sel.scope,
        },
        groups,
    })
}
