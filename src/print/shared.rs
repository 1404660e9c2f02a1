//! Printers of `jiansuo shared`.
//!
//! JSON lines: one `{"type":"shared","phrase":…,"text":…,"chars":N,"docs":M,"hits":H,
//! "documents":[{"doc":…,"hits":n},…]}` per phrase, then
//! `{"type":"summary","phrases":N,"shown":n,"elapsed_us":T}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, write_json_line};
use crate::api::{SharedPhrase, SharedResponse, SharedSummary};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Shared(&'a SharedPhrase),
    Summary(&'a SharedSummary),
}

/// JSON lines: the phrases, then a summary.
pub fn print_shared_json(w: &mut dyn Write, r: &SharedResponse) -> io::Result<()> {
    for p in &r.phrases {
        write_json_line(w, &Line::Shared(p))?;
    }
    write_json_line(w, &Line::Summary(&r.summary))
}

/// For a person: length, documents and occurrences, the phrase as written; then its documents.
pub fn print_shared_text(w: &mut dyn Write, r: &SharedResponse, style: Style) -> io::Result<()> {
    for r in &r.phrases {
        style.dim(
            w,
            &format!(
                "{:>3} chars  {:>3} docs  {:>4} hits  ",
                r.chars, r.docs, r.hits
            ),
        )?;
        let text: Vec<char> = r.text.chars().collect();
        style.highlighted(w, &text, &[(0, text.len())])?;
        writeln!(w)?;
        write!(w, "    ")?;
        for (i, d) in r.documents.iter().enumerate() {
            if i > 0 {
                write!(w, ", ")?;
            }
            if i == 8 {
                write!(w, "… {} more", r.documents.len() - 8)?;
                break;
            }
            style.path(w, &d.doc)?;
            write!(w, " ({})", d.hits)?;
        }
        writeln!(w)?;
    }
    Ok(())
}
