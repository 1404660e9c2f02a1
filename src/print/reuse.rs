//! Printers of `jiansuo reuse` and `jiansuo compare`.
//!
//! `reuse --json`: one `{"type":"source","doc","title","date","collection","covered","share",
//! "spans":[{"at":{"start","end","line","col","text"},"source_line","source_start",
//! "source_end","source_text","chars","identity","exact"},…]}` per source, most covered first,
//! then `{"type":"summary","text","chars","reused","share","sources","shown","spans","seeds",
//! "common_seeds","candidates","elapsed_us"}`. `reuse --csv`: one row per span, with its
//! source's `doc`, `title`, `date`, `share`.
//!
//! `compare --json`: one `{"type":"span","a":{"line","col","end_line","end_col","text"},
//! "b":{…},"chars","identity","exact"}` per span in the first document's order, then
//! `{"type":"summary","a":{"doc","title","date","chars","shared","share"},"b":{…},"spans",
//! "elapsed_us"}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, write_json_line};
use crate::api::{
    CompareResponse, CompareSpan, CompareSummary, ReuseResponse, ReuseSource, ReuseSummary, SpanEnd,
};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ReuseLine<'a> {
    Source(&'a ReuseSource),
    Summary(&'a ReuseSummary),
}

/// JSON lines: the sources, then a summary.
pub fn print_reuse_json(w: &mut dyn Write, r: &ReuseResponse) -> io::Result<()> {
    for s in &r.sources {
        write_json_line(w, &ReuseLine::Source(s))?;
    }
    write_json_line(w, &ReuseLine::Summary(&r.summary))
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// For a person: how much of the text is reused, then each source with its spans side by side
/// (the text's line, the source's line).
pub fn print_reuse_text(w: &mut dyn Write, r: &ReuseResponse, style: Style) -> io::Result<()> {
    let s = &r.summary;
    writeln!(
        w,
        "{} of {} characters ({}) found in {} source document(s){}",
        s.reused,
        s.chars,
        pct(s.share),
        s.sources,
        if s.shown < s.sources {
            format!(", {} shown", s.shown)
        } else {
            String::new()
        }
    )?;
    for src in &r.sources {
        writeln!(w)?;
        style.path(w, &src.doc)?;
        write!(w, "  ")?;
        style.dim(
            w,
            &format!(
                "{}  {}  covers {} of the text ({} chars, {} span(s))",
                src.date.as_deref().unwrap_or("undated"),
                src.title,
                pct(src.share),
                src.covered,
                src.spans.len()
            ),
        )?;
        writeln!(w)?;
        for sp in &src.spans {
            style.dim(
                w,
                &format!(
                    "  text {}:{}  {} chars{}",
                    sp.at.line,
                    sp.at.col + 1,
                    sp.chars,
                    if sp.exact {
                        String::new()
                    } else {
                        format!(", identity {:.2}", sp.identity)
                    }
                ),
            )?;
            writeln!(w)?;
            write!(w, "    ")?;
            let t: Vec<char> = one_line(&sp.at.text).chars().collect();
            style.highlighted(w, &t, &[(0, t.len())])?;
            writeln!(w)?;
            write!(w, "    ")?;
            style.line(w, &format!("{}:{}", src.doc, sp.source_line))?;
            write!(w, "  ")?;
            let t: Vec<char> = one_line(&sp.source_text).chars().collect();
            style.highlighted(w, &t, &[(0, t.len())])?;
            writeln!(w)?;
        }
    }
    Ok(())
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ⏎ ")
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum CompareLine<'a> {
    Span(&'a CompareSpan),
    Summary(&'a CompareSummary),
}

/// JSON lines: the spans, then a summary.
pub fn print_compare_json(w: &mut dyn Write, r: &CompareResponse) -> io::Result<()> {
    for s in &r.spans {
        write_json_line(w, &CompareLine::Span(s))?;
    }
    write_json_line(w, &CompareLine::Summary(&r.summary))
}

fn place(e: &SpanEnd) -> String {
    format!("{}:{}–{}:{}", e.line, e.col + 1, e.end_line, e.end_col)
}

/// For a person: the similarity each way, then every shared span, first document above the
/// second; or, `marked`, both documents whole with the shared spans marked.
pub fn print_compare_text(
    w: &mut dyn Write,
    r: &CompareResponse,
    style: Style,
    marked: bool,
) -> io::Result<()> {
    let (a, b) = (&r.summary.a, &r.summary.b);
    for (name, side, other) in [("A", a, b), ("B", b, a)] {
        write!(w, "{name} ")?;
        style.path(w, &side.doc)?;
        writeln!(
            w,
            "  {}: {} of its {} characters ({}) are in spans shared with {}",
            side.title,
            side.shared,
            side.chars,
            pct(side.share),
            other.doc
        )?;
    }
    writeln!(w, "{} shared span(s)", r.spans.len())?;
    if marked {
        for (name, lines, pick) in [
            (
                "A",
                &r.a_lines,
                (|s: &CompareSpan| &s.a) as fn(&CompareSpan) -> &SpanEnd,
            ),
            ("B", &r.b_lines, |s: &CompareSpan| &s.b),
        ] {
            writeln!(w)?;
            writeln!(w, "== {name} ==")?;
            for (line, text) in lines {
                let chars: Vec<char> = text.chars().collect();
                let marks = marks_on_line(r.spans.iter().map(pick), *line, chars.len());
                style.line(w, &format!("{line:>4}"))?;
                write!(w, "  ")?;
                if style.color {
                    style.highlighted(w, &chars, &marks)?;
                } else {
                    let mut at = 0;
                    for (s, e) in marks {
                        let before: String = chars[at..s].iter().collect();
                        let hit: String = chars[s..e].iter().collect();
                        write!(w, "{before}【{hit}】")?;
                        at = e;
                    }
                    let rest: String = chars[at..].iter().collect();
                    write!(w, "{rest}")?;
                }
                writeln!(w)?;
            }
        }
        return Ok(());
    }
    for s in &r.spans {
        writeln!(w)?;
        style.dim(
            w,
            &format!(
                "A {}  ⇄  B {}  {} chars{}",
                place(&s.a),
                place(&s.b),
                s.chars,
                if s.exact {
                    String::new()
                } else {
                    format!(", identity {:.2}", s.identity)
                }
            ),
        )?;
        writeln!(w)?;
        for (name, e) in [("A", &s.a), ("B", &s.b)] {
            write!(w, "  {name}  ")?;
            let t: Vec<char> = one_line(&e.text).chars().collect();
            style.highlighted(w, &t, &[(0, t.len())])?;
            writeln!(w)?;
        }
    }
    Ok(())
}

/// The `[start, end)` character spans of `line` that shared spans cover, merged and sorted.
pub fn marks_on_line<'a>(
    spans: impl Iterator<Item = &'a SpanEnd>,
    line: u32,
    len: usize,
) -> Vec<(usize, usize)> {
    let mut marks: Vec<(usize, usize)> = spans
        .filter(|e| e.line <= line && line <= e.end_line)
        .map(|e| {
            let s = if e.line == line { e.col } else { 0 };
            let t = if e.end_line == line { e.end_col } else { len };
            (s.min(len), t.min(len))
        })
        .filter(|(s, e)| s < e)
        .collect();
    marks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in marks {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}
