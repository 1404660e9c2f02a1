//! `docs`: the indexed documents.

use serde::Serialize;

use std::collections::BTreeMap;

use super::Filters;
use crate::docmeta::{Date, Source};
use crate::error::Result;
use crate::index::{DocEntry, IndexHandle};

/// Which documents to list.
#[derive(Debug, Clone, Default)]
pub struct DocsRequest {
    pub filters: Filters,
}

/// One document (a `docs --json` `doc` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocRow {
    pub path: String,
    pub title: String,
    /// Where the title came from: `manifest` or `first-line`.
    pub title_source: Source,
    /// `2024`, `2024-03` or `2024-03-05` (`null`: undated), and where it came from
    /// (`manifest`, `embedded`, `path`, `text`).
    pub date: Option<String>,
    pub date_source: Option<Source>,
    /// `year`, `month` or `day`.
    pub date_precision: Option<&'static str>,
    pub collection: String,
    /// `manifest` or `folder`.
    pub collection_source: Source,
    pub url: Option<String>,
    /// Other fields (a manifest's other columns, embedded author or source).
    pub fields: BTreeMap<String, String>,
    /// Format the text was extracted from (`text`, `markdown`, `html`, `docx`).
    pub format: String,
    pub encoding: String,
    pub paragraphs: u32,
    pub passages: u32,
    pub chars: u64,
}

impl DocRow {
    /// The row of one document entry.
    pub fn of(d: DocEntry) -> DocRow {
        DocRow {
            path: d.path,
            title: d.title,
            title_source: d.meta.title_source,
            date: d.meta.date.map(|x| x.to_string()),
            date_source: d.meta.date_source,
            date_precision: d.meta.date.map(|x| x.precision().as_str()),
            collection: d.meta.collection,
            collection_source: d.meta.collection_source,
            url: d.meta.url,
            fields: d.meta.fields,
            format: d.format,
            encoding: d.encoding,
            paragraphs: d.paragraphs,
            passages: d.passages,
            chars: d.chars,
        }
    }
}

/// The totals (a `docs --json` `summary` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocsSummary {
    pub docs: usize,
    pub passages: u64,
    pub chars: u64,
    /// Documents without a date.
    pub undated: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::Scope>,
}

/// The documents, by path.
#[derive(Debug, Clone, Serialize)]
pub struct DocsResponse {
    pub docs: Vec<DocRow>,
    pub summary: DocsSummary,
}

/// The live documents under the filter, by path.
pub fn docs(handle: &IndexHandle, req: &DocsRequest) -> Result<DocsResponse> {
    let sel = req.filters.select(handle)?;
    let mut docs: Vec<DocRow> = handle
        .docs()
        .live()?
        .into_iter()
        .filter(|(ord, _)| crate::index::selected(sel.get(), *ord))
        .map(|(_, d)| DocRow::of(d))
        .collect();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let summary = DocsSummary {
        docs: docs.len(),
        passages: docs.iter().map(|d| u64::from(d.passages)).sum(),
        chars: docs.iter().map(|d| d.chars).sum(),
        undated: docs.iter().filter(|d| d.date.is_none()).count(),
        scope: sel.scope,
    };
    Ok(DocsResponse { docs, summary })
}

/// One collection (a `docs --collections --json` `collection` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionRow {
    pub name: String,
    pub docs: u64,
    pub chars: u64,
    /// Documents without a date.
    pub undated: u64,
    /// The earliest and latest dates of its documents.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

/// The collections of the selected documents, by name.
pub fn collections(handle: &IndexHandle, filters: &super::Filters) -> Result<Vec<CollectionRow>> {
    let sel = filters.select(handle)?;
    let table = handle.docs();
    let names = table.collections();
    let mut rows: Vec<CollectionRow> = names
        .iter()
        .map(|n| CollectionRow {
            name: n.clone(),
            docs: 0,
            chars: 0,
            undated: 0,
            first_date: None,
            last_date: None,
        })
        .collect();
    let mut spans: Vec<(u32, u32)> = vec![(u32::MAX, 0); names.len()];
    for ord in 0..table.len() {
        if table.is_tombstone(ord) || !crate::index::selected(sel.get(), ord as u64) {
            continue;
        }
        let c = table.collection(ord) as usize;
        let Some(row) = rows.get_mut(c) else { continue };
        row.docs += 1;
        row.chars += table.chars(ord);
        match table.date_key(ord) {
            0 => row.undated += 1,
            k => spans[c] = (spans[c].0.min(k), spans[c].1.max(k)),
        }
    }
    for (row, (lo, hi)) in rows.iter_mut().zip(spans) {
        row.first_date = Date::from_key(lo).map(|d| d.to_string());
        row.last_date = Date::from_key(hi).map(|d| d.to_string());
    }
    rows.retain(|r| r.docs > 0);
    Ok(rows)
}
