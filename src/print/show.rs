//! Printer of `jiansuo show`: the document's title, date, collection and path, then its
//! paragraphs with their line numbers (the line asked for marked `>`), the highlighted text
//! marked. JSON lines: one `{"type":"doc",…}` (the `docs` row), then one
//! `{"type":"line","line":N,"text":…,"highlights":[[s,e],…],"target":bool}` per paragraph.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, sanitize, write_json_line};
use crate::api::{DocRow, ShowLine, ShowResponse};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Doc(&'a DocRow),
    Line(&'a ShowLine),
}

/// `show --json`.
pub fn print_show_json(w: &mut dyn Write, r: &ShowResponse) -> io::Result<()> {
    write_json_line(w, &Line::Doc(&r.doc))?;
    for l in &r.lines {
        write_json_line(w, &Line::Line(l))?;
    }
    Ok(())
}

/// The head of a document: title, then date, collection and path with their sources.
fn doc_head(w: &mut dyn Write, d: &DocRow, style: Style) -> io::Result<()> {
    writeln!(w, "{}", sanitize(&d.title))?;
    let date = match (&d.date, d.date_source) {
        (Some(date), Some(src)) => format!("{date} ({})", src.as_str()),
        _ => "undated".to_owned(),
    };
    style.dim(
        w,
        &format!(
            "date {date} · collection {} ({}) · ",
            d.collection,
            d.collection_source.as_str()
        ),
    )?;
    style.path(w, &d.path)?;
    writeln!(w)?;
    if let Some(url) = &d.url {
        style.dim(w, &format!("url {url}"))?;
        writeln!(w)?;
    }
    Ok(())
}

/// `show` as text.
pub fn print_show_text(w: &mut dyn Write, r: &ShowResponse, style: Style) -> io::Result<()> {
    doc_head(w, &r.doc, style)?;
    writeln!(w)?;
    let width = r.lines.last().map_or(1, |l| l.line.to_string().len());
    for l in &r.lines {
        let mark = if l.target { ">" } else { " " };
        write!(w, "{mark}")?;
        style.line(w, &format!("{:>width$}", l.line))?;
        write!(w, "  ")?;
        let chars: Vec<char> = l.text.chars().collect();
        style.highlighted(w, &chars, &l.highlights)?;
        writeln!(w)?;
    }
    if r.lines.len() < r.paragraphs {
        style.dim(
            w,
            &format!(
                "{} of {} paragraphs shown; `jiansuo show {}` shows the whole document",
                r.lines.len(),
                r.paragraphs,
                r.doc.path
            ),
        )?;
        writeln!(w)?;
    }
    Ok(())
}
