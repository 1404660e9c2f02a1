//! `docs`: the indexed documents.

use serde::Serialize;

use super::Filters;
use crate::error::Result;
use crate::index::IndexHandle;
use crate::query;

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
    /// Format the text was extracted from (`text`, `markdown`, `html`, `docx`).
    pub format: String,
    pub encoding: String,
    pub paragraphs: u32,
    pub passages: u32,
    pub chars: u64,
}

/// The totals (a `docs --json` `summary` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocsSummary {
    pub docs: usize,
    pub passages: u64,
    pub chars: u64,
}

/// The documents, by path.
#[derive(Debug, Clone, Serialize)]
pub struct DocsResponse {
    pub docs: Vec<DocRow>,
    pub summary: DocsSummary,
}

/// The live documents under the filter, by path.
pub fn docs(handle: &IndexHandle, req: &DocsRequest) -> Result<DocsResponse> {
    let wanted = query::documents_matching(handle, req.filters.doc.as_deref())?;
    let mut docs: Vec<DocRow> = handle
        .docs()
        .live()?
        .into_iter()
        .filter(|(ord, _)| wanted.as_ref().is_none_or(|w| w.contains(ord)))
        .map(|(_, d)| DocRow {
            path: d.path,
            title: d.title,
            format: d.format,
            encoding: d.encoding,
            paragraphs: d.paragraphs,
            passages: d.passages,
            chars: d.chars,
        })
        .collect();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let summary = DocsSummary {
        docs: docs.len(),
        passages: docs.iter().map(|d| u64::from(d.passages)).sum(),
        chars: docs.iter().map(|d| d.chars).sum(),
    };
    Ok(DocsResponse { docs, summary })
}
