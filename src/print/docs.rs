//! Printer of `jiansuo docs`.
//!
//! Text: one line per document: path, format, encoding, passages, characters, title.
//! JSON lines: one `{"type":"doc","path":…,"title":…,"format":…,"encoding":…,"paragraphs":N,
//! "passages":N,"chars":N}` per document, then `{"type":"summary","docs":N,"passages":N,
//! "chars":N}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, sanitize};
use crate::index::DocEntry;

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Json<'a> {
    Doc {
        path: &'a str,
        title: &'a str,
        format: &'a str,
        encoding: &'a str,
        paragraphs: u32,
        passages: u32,
        chars: u64,
    },
    Summary {
        docs: usize,
        passages: u64,
        chars: u64,
    },
}

fn totals(docs: &[DocEntry]) -> (u64, u64) {
    docs.iter()
        .fold((0, 0), |(p, c), d| (p + u64::from(d.passages), c + d.chars))
}

/// `docs --json`.
pub fn print_docs_json(w: &mut dyn Write, docs: &[DocEntry]) -> io::Result<()> {
    for d in docs {
        serde_json::to_writer(
            &mut *w,
            &Json::Doc {
                path: &d.path,
                title: &d.title,
                format: &d.format,
                encoding: &d.encoding,
                paragraphs: d.paragraphs,
                passages: d.passages,
                chars: d.chars,
            },
        )?;
        writeln!(w)?;
    }
    let (passages, chars) = totals(docs);
    serde_json::to_writer(
        &mut *w,
        &Json::Summary {
            docs: docs.len(),
            passages,
            chars,
        },
    )?;
    writeln!(w)
}

/// `docs` as text: aligned columns, the title last.
pub fn print_docs_text(w: &mut dyn Write, docs: &[DocEntry], style: Style) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let width = docs
        .iter()
        .map(|d| sanitize(&d.path).width())
        .max()
        .unwrap_or(0)
        .min(60);
    for d in docs {
        let path = sanitize(&d.path);
        style.path(w, &path)?;
        let pad = width.saturating_sub(path.width());
        write!(w, "{:pad$}  ", "")?;
        style.dim(
            w,
            &format!(
                "{:<8} {:<14} {:>5} passages {:>7} chars  ",
                d.format, d.encoding, d.passages, d.chars
            ),
        )?;
        writeln!(w, "{}", sanitize(&d.title))?;
    }
    let (passages, chars) = totals(docs);
    writeln!(
        w,
        "{} documents, {passages} passages, {chars} characters",
        docs.len()
    )
}
