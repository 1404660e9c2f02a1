//! `show`: a document, or the paragraphs around one of its lines, as the index holds it.

use serde::Serialize;

use super::DocRow;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::matching::{MatchingForm, matching_string};
use crate::query;

/// What to show.
#[derive(Debug, Clone)]
pub struct ShowRequest {
    /// `DOC` or `DOC:LINE` (a path relative to the corpus root, as results print it).
    pub locator: String,
    /// Paragraphs before and after the line.
    pub context: usize,
    /// Text to highlight, compared in matching form.
    pub highlight: Option<String>,
}

impl ShowRequest {
    /// The whole document or line, with the command line's context (2 paragraphs).
    pub fn new(locator: impl Into<String>) -> ShowRequest {
        ShowRequest {
            locator: locator.into(),
            context: 2,
            highlight: None,
        }
    }
}

/// One paragraph shown (a `show --json` `line` line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShowLine {
    pub line: u32,
    pub text: String,
    /// `[start, end)` character spans of the highlighted text.
    pub highlights: Vec<(usize, usize)>,
    /// The line asked for.
    pub target: bool,
}

/// The document and the paragraphs shown.
#[derive(Debug, Clone, Serialize)]
pub struct ShowResponse {
    pub doc: DocRow,
    pub lines: Vec<ShowLine>,
    /// Paragraphs of the whole document.
    pub paragraphs: usize,
}

/// The ordinal of the document at `path` (as results print it; `DOC:LINE` names its document).
pub(super) fn resolve_doc(handle: &IndexHandle, path: &str) -> Result<u64> {
    resolve(handle, path).map(|(ord, _)| ord)
}

/// The document's ordinal and the line asked for, from `DOC[:LINE]`.
fn resolve(handle: &IndexHandle, locator: &str) -> Result<(u64, Option<u32>)> {
    let table = handle.docs();
    let find = |path: &str| -> Result<Option<u64>> {
        let path = path.trim().trim_start_matches("./");
        Ok(table.find_path(path)?.map(|o| o as u64))
    };
    if let Some(ord) = find(locator)? {
        return Ok((ord, None));
    }
    if let Some((path, line)) = locator.rsplit_once(':')
        && let Ok(line) = line.trim().parse::<u32>()
        && let Some(ord) = find(path)?
    {
        return Ok((ord, Some(line)));
    }
    let name = locator
        .rsplit_once(':')
        .map_or(locator, |(p, _)| p)
        .rsplit('/')
        .next()
        .unwrap_or(locator);
    let mut near: Vec<String> = Vec::new();
    for ord in 0..table.len() {
        let p = table.path(ord)?;
        if !name.is_empty() && p.ends_with(name) && near.len() < 3 {
            near.push(p.into_owned());
        }
    }
    Err(Error::NotFound(if near.is_empty() {
        format!(
            "no indexed document {locator:?}; give a path relative to the corpus root as results \
             print it, e.g. DOC or DOC:LINE (`jiansuo docs` lists the documents)"
        )
    } else {
        format!(
            "no indexed document {locator:?}; did you mean {}?",
            near.join(", ")
        )
    }))
}

/// The document of the request, whole or around its line.
pub fn show(handle: &IndexHandle, req: &ShowRequest) -> Result<ShowResponse> {
    let (ord, line) = resolve(handle, &req.locator)?;
    let lines = query::document_lines(handle, &handle.searcher(), ord)?;
    let paragraphs = lines.len();
    let (from, to, target) = match line {
        None => (0, lines.len(), None),
        Some(0) => {
            return Err(Error::NotFound(format!(
                "line 0 of {}: lines are numbered from 1",
                handle.docs().path(ord as usize)?
            )));
        }
        Some(n) => {
            let Some(i) = lines.iter().position(|(l, _)| *l >= n) else {
                return Err(Error::NotFound(format!(
                    "{} has no line {n}: its text ends on line {}",
                    handle.docs().path(ord as usize)?,
                    lines.last().map_or(0, |l| l.0)
                )));
            };
            (
                i.saturating_sub(req.context),
                (i + req.context + 1).min(lines.len()),
                Some(i),
            )
        }
    };
    let needle: Option<Vec<char>> = req
        .highlight
        .as_deref()
        .map(|h| matching_string(h).chars().collect())
        .filter(|n: &Vec<char>| !n.is_empty());
    let shown = lines[from..to]
        .iter()
        .enumerate()
        .map(|(k, (l, text))| {
            let highlights = match &needle {
                Some(n) => {
                    let mf = MatchingForm::new(text);
                    query::find_all(&mf.chars, n)
                        .into_iter()
                        .map(|i| mf.source_span(i, i + n.len()))
                        .collect()
                }
                None => Vec::new(),
            };
            ShowLine {
                line: *l,
                text: text.clone(),
                highlights,
                target: target == Some(from + k),
            }
        })
        .collect();
    Ok(ShowResponse {
        doc: DocRow::of(handle.doc(ord)?),
        lines: shown,
        paragraphs,
    })
}
