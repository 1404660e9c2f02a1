//! Printer of `jiansuo docs`.
//!
//! Text: one line per document: path, date (and its source), collection, format, passages,
//! characters, title. JSON lines: one `{"type":"doc",…}` per document (fields in the README),
//! then `{"type":"summary","docs":N,"passages":N,"chars":N,"undated":N}`; with
//! `--collections`, one `{"type":"collection","name":…,"docs":N,"chars":N,"undated":N,
//! "first_date":…,"last_date":…}` per collection.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, sanitize, write_json_line};
use crate::api::{
    CollectionRow, DocRow, DocsResponse, DocsSummary, DuplicateGroupRow, DuplicatesResponse,
    DuplicatesSummary,
};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Doc(&'a DocRow),
    Summary(&'a DocsSummary),
    Collection(&'a CollectionRow),
}

/// `docs --collections --json`.
pub fn print_collections_json(w: &mut dyn Write, rows: &[CollectionRow]) -> io::Result<()> {
    for r in rows {
        write_json_line(w, &Line::Collection(r))?;
    }
    Ok(())
}

/// `docs --collections` as text.
pub fn print_collections_text(
    w: &mut dyn Write,
    rows: &[CollectionRow],
    style: Style,
) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let width = rows.iter().map(|r| r.name.width()).max().unwrap_or(0);
    for r in rows {
        style.path(w, &r.name)?;
        let pad = width.saturating_sub(r.name.width());
        let span = match (&r.first_date, &r.last_date) {
            (Some(a), Some(b)) => format!("{a} … {b}"),
            _ => "undated".into(),
        };
        writeln!(
            w,
            "{:pad$}  {:>7} documents {:>11} chars  {span}{}",
            "",
            r.docs,
            r.chars,
            if r.undated > 0 && r.first_date.is_some() {
                format!(" ({} undated)", r.undated)
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
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
    let coll_width = docs
        .iter()
        .map(|d| sanitize(&d.collection).width())
        .max()
        .unwrap_or(0)
        .min(30);
    for d in docs {
        let path = sanitize(&d.path);
        style.path(w, &path)?;
        let pad = width.saturating_sub(path.width());
        write!(w, "{:pad$}  ", "")?;
        let date = match (&d.date, d.date_source) {
            (Some(date), Some(src)) => format!("{date} ({})", src.as_str()),
            _ => "undated".to_owned(),
        };
        let coll = sanitize(&d.collection);
        let coll_pad = coll_width.saturating_sub(coll.width());
        style.dim(
            w,
            &format!(
                "{:<24} {coll}{:coll_pad$} {:<8} {:>5} passages {:>7} chars  ",
                date, "", d.format, d.passages, d.chars
            ),
        )?;
        writeln!(w, "{}", sanitize(&d.title))?;
    }
    writeln!(
        w,
        "{} documents ({} undated), {} passages, {} characters",
        r.summary.docs, r.summary.undated, r.summary.passages, r.summary.chars
    )
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum DuplicatesLine<'a> {
    Group(&'a DuplicateGroupRow),
    Summary(&'a DuplicatesSummary),
}

/// `docs --duplicates --json`: one `{"type":"group","group":N,"docs":[{"doc","title","date",
/// "chars"},…],"min_share":X}` per group (its first document the earliest), then
/// `{"type":"summary","groups","documents","compared","elapsed_us"}`.
pub fn print_duplicates_json(w: &mut dyn Write, r: &DuplicatesResponse) -> io::Result<()> {
    for g in &r.groups {
        write_json_line(w, &DuplicatesLine::Group(g))?;
    }
    write_json_line(w, &DuplicatesLine::Summary(&r.summary))
}

/// For a person: each group, its earliest document first (the one `--once` keeps).
pub fn print_duplicates_text(
    w: &mut dyn Write,
    r: &DuplicatesResponse,
    style: Style,
) -> io::Result<()> {
    for g in &r.groups {
        style.dim(
            w,
            &format!(
                "group {}: {} documents, each holding ≥ {:.0}% of the other",
                g.group,
                g.docs.len(),
                (g.min_share * 100.0).floor()
            ),
        )?;
        writeln!(w)?;
        for (i, d) in g.docs.iter().enumerate() {
            write!(w, "  {} ", if i == 0 { "*" } else { " " })?;
            style.path(w, &d.doc)?;
            writeln!(
                w,
                "  {}  {} chars  {}",
                d.date.as_deref().unwrap_or("undated"),
                d.chars,
                sanitize(&d.title)
            )?;
        }
    }
    Ok(())
}
