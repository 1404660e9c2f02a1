//! Printers of `jiansuo shared`.
//!
//! JSON lines: one `{"type":"shared","phrase":…,"text":…,"chars":N,"docs":M,"hits":H,
//! "documents":[{"doc":…,"hits":n},…]}` per phrase, then
//! `{"type":"summary","phrases":N,"shown":n,"elapsed_us":T}`.

use std::io::{self, Write};

use serde::Serialize;

use super::Style;

/// A shared phrase ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct SharedRow {
    /// Matching form.
    pub phrase: String,
    /// As written at its first occurrence (punctuation included).
    pub text: String,
    pub chars: usize,
    pub docs: usize,
    pub hits: u64,
    pub documents: Vec<SharedDoc>,
}

/// One document of a shared phrase.
#[derive(Debug, Clone, Serialize)]
pub struct SharedDoc {
    pub doc: String,
    pub hits: u64,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum SharedJson<'a> {
    Shared(&'a SharedRow),
    Summary {
        phrases: usize,
        shown: usize,
        elapsed_us: u128,
    },
}

/// JSON lines: the rows, then a summary.
pub fn print_shared_json(
    w: &mut dyn Write,
    rows: &[SharedRow],
    total: usize,
    elapsed: std::time::Duration,
) -> io::Result<()> {
    for r in rows {
        serde_json::to_writer(&mut *w, &SharedJson::Shared(r))?;
        writeln!(w)?;
    }
    let summary = SharedJson::Summary {
        phrases: total,
        shown: rows.len(),
        elapsed_us: elapsed.as_micros(),
    };
    serde_json::to_writer(&mut *w, &summary)?;
    writeln!(w)
}

/// For a person: length, documents and occurrences, the phrase as written; then its documents.
pub fn print_shared_text(w: &mut dyn Write, rows: &[SharedRow], style: Style) -> io::Result<()> {
    for r in rows {
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
