//! Printers of `jiansuo quote` and `jiansuo quotes`.
//!
//! `quote --json`: one `{"type":"hit","doc":…,"line":N,"start":C,"end":C,"coverage":…,
//! "identity":…,"quoted":true|false,"speaker":…|null,"text":…}` per hit, then
//! `{"type":"summary","quote":…,"hits":N,"docs":M,"candidates":C,"elapsed_us":T}`.
//!
//! `quotes --json`: one `{"type":"cluster","text":…,"matching":…,"kind":…,"occurrences":N,
//! "docs":M,"variants":V,"speakers":[{"name":…|null,"count":n}],"first":{"doc":…,"line":N},
//! "last":{"doc":…,"line":N}}` per cluster, then `{"type":"summary","clusters":N,"shown":n,
//! "quotations":Q,"elapsed_us":T}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, snippet_window};
use crate::query::{QuoteHit, QuoteResults};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum QuoteJson<'a> {
    Hit {
        doc: &'a str,
        line: u32,
        start: usize,
        end: usize,
        coverage: f64,
        identity: f64,
        quoted: bool,
        speaker: Option<&'a str>,
        text: &'a str,
    },
    Summary {
        quote: &'a str,
        hits: usize,
        docs: usize,
        candidates: usize,
        elapsed_us: u128,
    },
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn docs_of(hits: &[QuoteHit]) -> usize {
    let mut d: Vec<u64> = hits.iter().map(|h| h.doc).collect();
    d.sort_unstable();
    d.dedup();
    d.len()
}

/// `quote` results as JSON lines.
pub fn print_quote_json(w: &mut dyn Write, r: &QuoteResults, hits: &[QuoteHit]) -> io::Result<()> {
    for h in hits {
        let line = QuoteJson::Hit {
            doc: &h.path,
            line: h.line,
            start: h.start,
            end: h.end,
            coverage: round3(h.coverage),
            identity: round3(h.identity),
            quoted: h.quoted,
            speaker: h.speaker.as_deref(),
            text: &h.text,
        };
        serde_json::to_writer(&mut *w, &line)?;
        writeln!(w)?;
    }
    let summary = QuoteJson::Summary {
        quote: &r.quote,
        hits: hits.len(),
        docs: docs_of(hits),
        candidates: r.candidates,
        elapsed_us: r.elapsed.as_micros(),
    };
    serde_json::to_writer(&mut *w, &summary)?;
    writeln!(w)
}

/// `quote` results for a person: rank, document:line, coverage, identity, quoted, speaker; then
/// the line around the hit with the aligned text highlighted.
pub fn print_quote_text(
    w: &mut dyn Write,
    hits: &[QuoteHit],
    style: Style,
    snippet_chars: usize,
) -> io::Result<()> {
    for (i, h) in hits.iter().enumerate() {
        write!(w, "{:>3}. ", i + 1)?;
        style.path(w, &h.path)?;
        write!(w, ":")?;
        style.line(w, &h.line.to_string())?;
        write!(w, "  ")?;
        style.dim(
            w,
            &format!(
                "coverage {:.2}  identity {:.2}  {}  {}",
                h.coverage,
                h.identity,
                if h.quoted { "quoted" } else { "unquoted" },
                h.speaker.as_deref().unwrap_or("—")
            ),
        )?;
        writeln!(w)?;
        let chars: Vec<char> = h.context.chars().collect();
        let (hs, he) = (h.start - h.context_start, h.end - h.context_start);
        let width = snippet_chars.max(he - hs + 20);
        let (s, e) = snippet_window(chars.len(), &[(hs, he)], width);
        let hl = [(hs.max(s) - s, he.min(e) - s)];
        write!(w, "     {}", if s > 0 { "…" } else { "" })?;
        style.highlighted(w, &chars[s..e], &hl)?;
        writeln!(w, "{}", if e < chars.len() { "…" } else { "" })?;
    }
    Ok(())
}

/// A cluster row for `quotes` output.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterRow {
    pub text: String,
    pub matching: String,
    pub kind: &'static str,
    pub occurrences: usize,
    pub docs: usize,
    pub variants: usize,
    pub speakers: Vec<SpeakerCount>,
    pub first: Place,
    pub last: Place,
}

/// A speaker and how often a cluster's quotations are attributed to them.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakerCount {
    pub name: Option<String>,
    pub count: usize,
}

/// A document and line.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub doc: String,
    pub line: u32,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ClusterJson<'a> {
    Cluster(&'a ClusterRow),
    Summary {
        clusters: usize,
        shown: usize,
        quotations: usize,
        elapsed_us: u128,
    },
}

/// `quotes` as JSON lines.
pub fn print_clusters_json(
    w: &mut dyn Write,
    rows: &[ClusterRow],
    clusters: usize,
    quotations: usize,
    elapsed: std::time::Duration,
) -> io::Result<()> {
    for r in rows {
        serde_json::to_writer(&mut *w, &ClusterJson::Cluster(r))?;
        writeln!(w)?;
    }
    let s = ClusterJson::Summary {
        clusters,
        shown: rows.len(),
        quotations,
        elapsed_us: elapsed.as_micros(),
    };
    serde_json::to_writer(&mut *w, &s)?;
    writeln!(w)
}

/// `quotes` for a person.
pub fn print_clusters_text(w: &mut dyn Write, rows: &[ClusterRow], style: Style) -> io::Result<()> {
    for r in rows {
        style.dim(
            w,
            &format!("{:>4} docs {:>5}× {:<5} ", r.docs, r.occurrences, r.kind),
        )?;
        let text: Vec<char> = r.text.chars().collect();
        write!(w, "“")?;
        style.highlighted(w, &text, &[(0, text.len())])?;
        writeln!(w, "”")?;
        let speakers: Vec<String> = r
            .speakers
            .iter()
            .map(|s| format!("{} ({})", s.name.as_deref().unwrap_or("—"), s.count))
            .collect();
        write!(w, "     {}", speakers.join(", "))?;
        if r.variants > 1 {
            write!(w, "; {} wordings", r.variants)?;
        }
        write!(w, "; first ")?;
        style.path(w, &r.first.doc)?;
        write!(w, ":{}, last ", r.first.line)?;
        style.path(w, &r.last.doc)?;
        writeln!(w, ":{}", r.last.line)?;
    }
    Ok(())
}
