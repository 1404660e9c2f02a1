//! Printers of `jiansuo search`.
//!
//! JSON lines (schema in the README):
//! `{"type":"hit","rank":1,"score":7.3,"doc":"a.txt","title":"…","line":5,"paragraph":4,
//! "passage":6,"start":0,"end":120,"text":"…","highlights":[[2,6]]}` per hit, then
//! `{"type":"summary","query":"…","terms":["…"],"hits":10,"total":42,"elapsed_us":812}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, snippet_window, write_json_line};
use crate::api::{SearchHit, SearchResponse, SearchSummary};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Hit(&'a SearchHit),
    Summary(&'a SearchSummary),
}

/// Write search results as JSON lines.
pub fn print_search_json(w: &mut dyn Write, r: &SearchResponse) -> io::Result<()> {
    for h in &r.hits {
        write_json_line(w, &Line::Hit(h))?;
    }
    write_json_line(w, &Line::Summary(&r.summary))
}

/// Write search results for a person: rank, document, line, title, then a snippet with the
/// matched terms highlighted, `snippet_chars` characters at most.
pub fn print_search_text(
    w: &mut dyn Write,
    r: &SearchResponse,
    style: Style,
    snippet_chars: usize,
) -> io::Result<()> {
    for h in &r.hits {
        let p = h;
        write!(w, "{:>3}. ", h.rank)?;
        style.path(w, &p.doc)?;
        write!(w, ":")?;
        style.line(w, &p.line.to_string())?;
        write!(w, "  ")?;
        style.dim(w, &format!("{}  score {:.2}", p.title, h.score))?;
        if let Some(t) = &h.theme {
            let parts: Vec<String> = t
                .themes
                .iter()
                .map(|t| format!("{} {:.2}", t.name, t.score))
                .collect();
            style.dim(w, &format!("  [{}]", parts.join(", ")))?;
        }
        writeln!(w)?;
        if let Some(t) = &h.theme {
            for part in t.themes.iter().filter(|x| !x.terms.is_empty()) {
                let terms: Vec<String> = part
                    .terms
                    .iter()
                    .map(|(term, c)| format!("{term} {c:+.2}"))
                    .collect();
                writeln!(
                    w,
                    "     {} {:.2} = {}",
                    part.name,
                    part.score,
                    terms.join(", ")
                )?;
            }
        }
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
