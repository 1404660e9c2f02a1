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
        #[serde(skip_serializing_if = "Option::is_none")]
        theme: Option<ThemeJson<'a>>,
    },
    Summary {
        query: &'a str,
        terms: &'a [String],
        hits: usize,
        total: usize,
        elapsed_us: u128,
    },
}

/// Theme scores of a hit (with `--theme`).
#[derive(Debug, Serialize)]
pub struct ThemeJson<'a> {
    pub score: f32,
    pub themes: Vec<ThemePart<'a>>,
}

/// One theme's part of a hit's theme score; `terms` only with `--explain`.
#[derive(Debug, Serialize)]
pub struct ThemePart<'a> {
    pub name: &'a str,
    pub score: f32,
    pub terms: &'a [(String, f32)],
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
            theme: h.theme.as_ref().map(|t| ThemeJson {
                score: t.score,
                themes: t
                    .themes
                    .iter()
                    .map(|(name, score, terms)| ThemePart {
                        name,
                        score: *score,
                        terms,
                    })
                    .collect(),
            }),
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
        if let Some(t) = &h.theme {
            let parts: Vec<String> = t
                .themes
                .iter()
                .map(|(n, s, _)| format!("{n} {s:.2}"))
                .collect();
            style.dim(w, &format!("  [{}]", parts.join(", ")))?;
        }
        writeln!(w)?;
        if let Some(t) = &h.theme {
            for (name, score, terms) in t.themes.iter().filter(|x| !x.2.is_empty()) {
                let terms: Vec<String> = terms
                    .iter()
                    .map(|(term, c)| format!("{term} {c:+.2}"))
                    .collect();
                writeln!(w, "     {name} {score:.2} = {}", terms.join(", "))?;
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
