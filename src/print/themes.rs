//! Printers of `jiansuo themes` and `jiansuo keywords`.
//!
//! `themes --json`: one `{"type":"theme","name":…,"share":…,"total":…,"passages":N,
//! "top":[{"doc":…,"line":N,"score":…,"text":…}]}` per theme, most weighty first.
//! `keywords --json`: one `{"type":"keyword","word":…,"score":…,"tf":N,"df":N}` per keyword.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, sanitize, write_json_line};
use crate::api::{Keyword, KeywordsResponse, ThemeWeight, ThemesResponse};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Theme(&'a ThemeWeight),
    Keyword(&'a Keyword),
}

/// `themes --json`.
pub fn print_themes_json(w: &mut dyn Write, r: &ThemesResponse) -> io::Result<()> {
    for t in &r.themes {
        write_json_line(w, &Line::Theme(t))?;
    }
    Ok(())
}

/// `themes` for a person: a bar per theme (share of all theme weight), passages about it, and
/// its best passages.
pub fn print_themes_text(w: &mut dyn Write, r: &ThemesResponse, style: Style) -> io::Result<()> {
    let shares = &r.themes;
    let name_width = shares
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(4);
    for s in shares {
        let bar = "█".repeat((s.share * 40.0).round() as usize);
        let pad = name_width - s.name.chars().count();
        write!(w, "{}{}  ", s.name, "　".repeat(pad))?;
        style.line(w, &format!("{bar:<40}"))?;
        writeln!(w, " {:>5.1}%  {} passages", s.share * 100.0, s.passages)?;
        for p in &s.top {
            let text: String = p.text.chars().take(60).collect();
            write!(w, "      ")?;
            style.path(w, &p.doc)?;
            write!(w, ":{}  ", p.line)?;
            style.dim(w, &format!("{:.2}  ", p.score))?;
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
pub fn print_keywords_json(w: &mut dyn Write, r: &KeywordsResponse) -> io::Result<()> {
    for k in &r.keywords {
        write_json_line(w, &Line::Keyword(k))?;
    }
    Ok(())
}

/// `keywords` for a person.
pub fn print_keywords_text(w: &mut dyn Write, r: &KeywordsResponse) -> io::Result<()> {
    for (i, k) in r.keywords.iter().enumerate() {
        match k.log_ratio {
            Some(lr) => writeln!(
                w,
                "{:>3}. {}  G² {:.1}  log ratio {:.2}  ({} passages here, {} in the corpus)",
                i + 1,
                sanitize(&k.word),
                k.score,
                lr,
                k.tf,
                k.df
            )?,
            None => writeln!(
                w,
                "{:>3}. {}  {:.1}  (tf {}, df {})",
                i + 1,
                sanitize(&k.word),
                k.score,
                k.tf,
                k.df
            )?,
        }
    }
    Ok(())
}
