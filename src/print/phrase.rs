//! Printers of `jiansuo phrase`: a KWIC concordance for the terminal, per-document counts, and
//! JSON lines.
//!
//! JSON lines (schema in the README): one
//! `{"type":"hit","doc":…,"line":N,"start":C,"end":C,"left":…,"match":…,"right":…}` per
//! occurrence, or with `--count` one `{"type":"count","doc":…,"hits":N}` per document; then
//! `{"type":"summary","phrase":…,"hits":N,"docs":M,"elapsed_us":T}`.

use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{Style, sanitize, write_json_line};
use crate::api::{DocCount, PhraseCounts, PhraseHit, PhraseHits, PhraseSummary};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Hit(&'a PhraseHit),
    Count(&'a DocCount),
    Summary(&'a PhraseSummary),
}

/// Every occurrence as JSON lines, then the summary.
pub fn print_phrase_json(w: &mut dyn Write, r: &PhraseHits) -> io::Result<()> {
    for h in &r.hits {
        write_json_line(w, &Line::Hit(h))?;
    }
    write_json_line(w, &Line::Summary(&r.summary))
}

/// Per-document counts as JSON lines, then the summary.
pub fn print_counts_json(w: &mut dyn Write, r: &PhraseCounts) -> io::Result<()> {
    for c in &r.counts {
        write_json_line(w, &Line::Count(c))?;
    }
    write_json_line(w, &Line::Summary(&r.summary))
}

/// Per-document counts for a person: count, document; then the totals.
pub fn print_counts_text(w: &mut dyn Write, r: &PhraseCounts, style: Style) -> io::Result<()> {
    let summary = &r.summary;
    let width = r.counts.first().map_or(1, |c| c.hits.to_string().len());
    for c in &r.counts {
        write!(w, "{:>width$}  ", c.hits)?;
        style.path(w, &c.doc)?;
        writeln!(w)?;
    }
    writeln!(
        w,
        "{} occurrence{} of {} in {} document{}",
        summary.hits,
        plural(summary.hits),
        sanitize(&summary.phrase),
        summary.docs,
        plural(summary.docs as u64)
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A KWIC concordance: `document:line`, the left context right-aligned to `context` characters
/// (two columns each), the match (highlighted), the right context. Matches line up in a
/// terminal. When `group_by_doc`, a blank line separates documents.
pub fn print_kwic_text(
    w: &mut dyn Write,
    occurrences: &[PhraseHit],
    context: usize,
    style: Style,
    group_by_doc: bool,
) -> io::Result<()> {
    let locations: Vec<String> = occurrences
        .iter()
        .map(|o| format!("{}:{}", sanitize(&o.doc), o.line))
        .collect();
    let loc_width = locations.iter().map(|l| l.width()).max().unwrap_or(0);
    let left_width = context * 2;
    let mut last_doc = None;
    for (o, loc) in occurrences.iter().zip(&locations) {
        if group_by_doc && last_doc.is_some_and(|d| d != o.doc.as_str()) {
            writeln!(w)?;
        }
        last_doc = Some(o.doc.as_str());
        let (path, line) = loc.rsplit_once(':').unwrap_or((loc, ""));
        style.path(w, path)?;
        write!(w, ":")?;
        style.line(w, line)?;
        let left = sanitize(&o.left);
        let pad = (loc_width - loc.width()) + 2 + left_width.saturating_sub(left.width());
        write!(w, "{:pad$}{left} ", "")?;
        let matched: Vec<char> = o.matched.chars().collect();
        style.highlighted(w, &matched, &[(0, matched.len())])?;
        writeln!(w, " {}", sanitize(&o.right))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(path: &str, line: u32, left: &str, m: &str, right: &str) -> PhraseHit {
        PhraseHit {
            doc: path.into(),
            title: String::new(),
            date: None,
            line,
            start: 0,
            end: 0,
            left: left.into(),
            matched: m.into(),
            right: right.into(),
        }
    }

    #[test]
    fn kwic_lines_align_matches() {
        let occs = vec![
            occ("a.txt", 3, "总书记强调，“", "调查研究", "是谋事之基"),
            occ("a.txt", 12, "搞好", "调查研究", "，才能"),
            occ("long/b.txt", 7, "5G网络", "调查研究", ""),
        ];
        let mut out = Vec::new();
        print_kwic_text(&mut out, &occs, 8, Style::default(), true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[2], "");
        let columns: Vec<usize> = [lines[0], lines[1], lines[3]]
            .iter()
            .map(|l| l[..l.find("调查研究").unwrap()].width())
            .collect();
        assert_eq!(columns, vec![columns[0]; 3], "{text}");
        assert!(lines[0].starts_with("a.txt:3 "));
        assert!(lines[3].starts_with("long/b.txt:7 "));
    }

    #[test]
    fn counts_text_and_json() {
        let count = |doc: &str, hits| DocCount {
            doc: doc.into(),
            hits,
        };
        let counts = PhraseCounts {
            counts: vec![count("b.txt", 12), count("a.txt", 3)],
            summary: PhraseSummary {
                phrase: "信访".into(),
                hits: 15,
                docs: 2,
                elapsed_us: 42,
                scope: None,
            },
        };
        let mut out = Vec::new();
        print_counts_text(&mut out, &counts, Style::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "12  b.txt\n 3  a.txt\n15 occurrences of 信访 in 2 documents\n"
        );
        let mut out = Vec::new();
        print_counts_json(&mut out, &counts).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"count\",\"doc\":\"b.txt\",\"hits\":12}\n\
             {\"type\":\"count\",\"doc\":\"a.txt\",\"hits\":3}\n\
             {\"type\":\"summary\",\"phrase\":\"信访\",\"hits\":15,\"docs\":2,\"elapsed_us\":42}\n"
        );
    }
}
