//! Printer of `jiansuo docs`.
//!
//! Text: one line per document: path, format, encoding, passages, characters, title.
//! JSON lines: one `{"type":"doc","path":…,"title":…,"format":…,"encoding":…,"paragraphs":N,
//! "passages":N,"chars":N}` per document, then `{"type":"summary","docs":N,"passages":N,
//! "chars":N}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, sanitize, write_json_line};
use crate::api::{DocRow, DocsResponse, DocsSummary};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Doc(&'a DocRow),
    Summary(&'a DocsSummary),
}

/// `docs --json`.
pub fn print_docs_json(w: &mut dyn Write, r: &DocsResponse) -> io::Result<()> {
    for d in &r.docs {
        write_json_line(w, &Line::Doc(d))?;
    }
    write_json_line(w, &Line::Summary(&r.summary))
}

/// `docs` as text: aligned columns, the title last.
pub fn print_docs_text(w: &mut dyn Write, r: &DocsResponse, style: Style) -> io::Result<()> {
    let docs = &r.docs;
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
    writeln!(
        w,
        "{} documents, {} passages, {} characters",
        r.summary.docs, r.summary.passages, r.summary.chars
    )
}
