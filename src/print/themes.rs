//! Printers of `jiansuo themes` and `jiansuo keywords`.
//!
//! `themes --json`: one `{"type":"theme","name":…,"share":…,"total":…,"passages":N,
//! "top":[{"doc":…,"line":N,"score":…,"text":…}]}` per theme, most weighty first.
//! `keywords --json`: one `{"type":"keyword","word":…,"score":…,"tf":N,"df":N}` per keyword.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, sanitize};
use crate::query::{Keyword, ThemeShare};

#[derive(Serialize)]
struct TopJson<'a> {
    doc: &'a str,
    line: u32,
    score: f32,
    text: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Json<'a> {
    Theme {
        name: &'a str,
        share: f32,
        total: f32,
        passages: usize,
        top: Vec<TopJson<'a>>,
    },
    Keyword {
        word: &'a str,
        score: f64,
        tf: u64,
        df: u64,
    },
}

fn line(w: &mut dyn Write, v: &Json) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    writeln!(w)
}

/// `themes --json`.
pub fn print_themes_json(w: &mut dyn Write, shares: &[ThemeShare]) -> io::Result<()> {
    for s in shares {
        let top = s
            .top
            .iter()
            .map(|(score, p)| TopJson {
                doc: &p.path,
                line: p.line,
                score: *score,
                text: &p.text,
            })
            .collect();
        line(
            w,
            &Json::Theme {
                name: &s.theme,
                share: s.share,
                total: s.total,
                passages: s.passages,
                top,
            },
        )?;
    }
    Ok(())
}

/// `themes` for a person: a bar per theme (share of all theme weight), passages about it, and
/// its best passages.
pub fn print_themes_text(w: &mut dyn Write, shares: &[ThemeShare], style: Style) -> io::Result<()> {
    let name_width = shares
        .iter()
        .map(|s| s.theme.chars().count())
        .max()
        .unwrap_or(4);
    for s in shares {
        let bar = "█".repeat((s.share * 40.0).round() as usize);
        let pad = name_width - s.theme.chars().count();
        write!(w, "{}{}  ", s.theme, "　".repeat(pad))?;
        style.line(w, &format!("{bar:<40}"))?;
        writeln!(w, " {:>5.1}%  {} passages", s.share * 100.0, s.passages)?;
        for (score, p) in &s.top {
            let text: String = p.text.chars().take(60).collect();
            write!(w, "      ")?;
            style.path(w, &p.path)?;
            write!(w, ":{}  ", p.line)?;
            style.dim(w, &format!("{score:.2}  "))?;
            writeln!(
                w,
                "{}{}",
                sanitize(&text),
                if p.text.chars().count() > 60 {
                    "…"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(())
}

/// `keywords --json`.
pub fn print_keywords_json(w: &mut dyn Write, words: &[Keyword]) -> io::Result<()> {
    for k in words {
        line(
            w,
            &Json::Keyword {
                word: &k.word,
                score: k.score,
                tf: k.tf,
                df: k.df,
            },
        )?;
    }
    Ok(())
}

/// `keywords` for a person.
pub fn print_keywords_text(w: &mut dyn Write, words: &[Keyword]) -> io::Result<()> {
    for (i, k) in words.iter().enumerate() {
        writeln!(
            w,
            "{:>3}. {}  {:.1}  (tf {}, df {})",
            i + 1,
            sanitize(&k.word),
            k.score,
            k.tf,
            k.df
        )?;
    }
    Ok(())
}
