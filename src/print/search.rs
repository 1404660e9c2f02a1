//! Printers of `jiansuo search`.
//!
//! JSON lines (schema in the README):
//! `{"type":"hit","rank":1,"score":7.3,"doc":"a.txt","title":"…","line":5,"paragraph":4,
//! "passage":6,"start":0,"end":120,"text":"…","highlights":[[2,6]]}` per hit, then
//! `{"type":"summary","query":"…","terms":["…"],"hits":10,"total":42,"elapsed_us":812}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, snippet_window};
use crate::query::SearchResults;

/// One line of `search --json` output.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SearchJson<'a> {
    Hit {
        rank: usize,
        score: f32,
        doc: &'a str,
        title: &'a str,
        line: u32,
        paragraph: u32,
        passage: u32,
        start: u32,
        end: u32,
        text: &'a str,
        highlights: &'a [(usize, usize)],
    },
    Summary {
        query: &'a str,
        terms: &'a [String],
        hits: usize,
        total: usize,
        elapsed_us: u128,
    },
}

/// Write search results as JSON lines.
pub fn print_search_json(w: &mut dyn Write, r: &SearchResults) -> io::Result<()> {
    for h in &r.hits {
        let p = &h.passage;
        let line = SearchJson::Hit {
            rank: h.rank,
            score: h.score,
            doc: &p.path,
            title: &p.title,
            line: p.line,
            paragraph: p.paragraph,
            passage: p.passage,
            start: p.start,
            end: p.end,
            text: &p.text,
            highlights: &h.highlights,
        };
        serde_json::to_writer(&mut *w, &line)?;
        writeln!(w)?;
    }
    let summary = SearchJson::Summary {
        query: &r.query,
        terms: &r.terms,
        hits: r.hits.len(),
        total: r.total,
        elapsed_us: r.elapsed.as_micros(),
    };
    serde_json::to_writer(&mut *w, &summary)?;
    writeln!(w)
}

/// Write search results for a person: rank, document, line, title, then a snippet with the
/// matched terms highlighted, `snippet_chars` characters at most.
pub fn print_search_text(
    w: &mut dyn Write,
    r: &SearchResults,
    style: Style,
    snippet_chars: usize,
) -> io::Result<()> {
    for h in &r.hits {
        let p = &h.passage;
        write!(w, "{:>3}. ", h.rank)?;
        style.path(w, &p.path)?;
        write!(w, ":")?;
        style.line(w, &p.line.to_string())?;
        write!(w, "  ")?;
        style.dim(w, &format!("{}  score {:.2}", p.title, h.score))?;
        writeln!(w)?;
        let chars: Vec<char> = p.text.chars().collect();
        let (s, e) = snippet_window(chars.len(), &h.highlights, snippet_chars);
        let shifted: Vec<(usize, usize)> = h
            .highlights
            .iter()
            .filter(|&&(a, b)| b > s && a < e)
            .map(|&(a, b)| (a.max(s) - s, b.min(e) - s))
            .collect();
        write!(w, "     {}", if s > 0 { "…" } else { "" })?;
        style.highlighted(w, &chars[s..e], &shifted)?;
        writeln!(w, "{}", if e < chars.len() { "…" } else { "" })?;
    }
    Ok(())
}
