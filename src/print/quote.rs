//! Printers of `jiansuo quote` and `jiansuo quotes`.
//!
//! `quote --json`: one `{"type":"hit","doc":…,"line":N,"start":C,"end":C,"coverage":…,
//! "identity":…,"quoted":true|false,"speaker":…|null,"text":…}` per hit, then
//! `{"type":"summary","quote":…,"hits":N,"docs":M,"candidates":C,"elapsed_us":T}`.
//!
//! `quotes --json`: one `{"type":"cluster","text":…,"matching":…,"kind":…,"occurrences":N,
//! "docs":M,"variants":V,"speakers":[{"name":…|null,"count":n}],"first":{"doc":…,"line":N,"date":…},
//! "last":{"doc":…,"line":N,"date":…},"years":[Y1,Y2]}` per cluster, then `{"type":"summary","clusters":N,"shown":n,
//! "quotations":Q,"elapsed_us":T}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Style, snippet_window, write_json_line};
use crate::api::{
    Cluster, QuoteHit, QuoteResponse, QuoteSummary, QuotesResponse, QuotesSummary, SpeakerRow,
    SpeakersResponse, SpeakersSummary,
};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum QuoteLine<'a> {
    Hit(&'a QuoteHit),
    Summary(&'a QuoteSummary),
}

/// `quote` results as JSON lines.
pub fn print_quote_json(w: &mut dyn Write, r: &QuoteResponse) -> io::Result<()> {
    for h in &r.hits {
        write_json_line(w, &QuoteLine::Hit(h))?;
    }
    write_json_line(w, &QuoteLine::Summary(&r.summary))
}

/// `quote` results for a person: rank, document:line, coverage, identity, quoted, speaker; then
/// the line around the hit with the aligned text highlighted.
pub fn print_quote_text(
    w: &mut dyn Write,
    r: &QuoteResponse,
    style: Style,
    snippet_chars: usize,
) -> io::Result<()> {
    for (i, h) in r.hits.iter().enumerate() {
        write!(w, "{:>3}. ", i + 1)?;
        style.path(w, &h.doc)?;
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

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ClusterLine<'a> {
    Cluster(&'a Cluster),
    Summary(&'a QuotesSummary),
}

/// `quotes` as JSON lines.
pub fn print_clusters_json(w: &mut dyn Write, r: &QuotesResponse) -> io::Result<()> {
    for c in &r.clusters {
        write_json_line(w, &ClusterLine::Cluster(c))?;
    }
    write_json_line(w, &ClusterLine::Summary(&r.summary))
}

/// `quotes` for a person.
pub fn print_clusters_text(w: &mut dyn Write, r: &QuotesResponse, style: Style) -> io::Result<()> {
    for r in &r.clusters {
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
        let dated = |d: &Option<String>| d.as_ref().map_or(String::new(), |d| format!("{d} "));
        if let Some((a, b)) = r.years {
            write!(
                w,
                "; {}",
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}–{b}")
                }
            )?;
        }
        write!(w, "; first {}", dated(&r.first.date))?;
        style.path(w, &r.first.doc)?;
        write!(w, ":{}, last {}", r.first.line, dated(&r.last.date))?;
        style.path(w, &r.last.doc)?;
        writeln!(w, ":{}", r.last.line)?;
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum SpeakerLine<'a> {
    Speaker(&'a SpeakerRow),
    Summary(&'a SpeakersSummary),
}

/// `speakers` as JSON lines.
pub fn print_speakers_json(w: &mut dyn Write, r: &SpeakersResponse) -> io::Result<()> {
    for s in &r.speakers {
        write_json_line(w, &SpeakerLine::Speaker(s))?;
    }
    write_json_line(w, &SpeakerLine::Summary(&r.summary))
}

/// `speakers` for a person: name (role), counts and dates, then the most cited quotations.
pub fn print_speakers_text(
    w: &mut dyn Write,
    r: &SpeakersResponse,
    style: Style,
) -> io::Result<()> {
    for s in &r.speakers {
        style.path(w, &s.name)?;
        if let Some(role) = s.roles.first() {
            write!(w, " ({role})")?;
        }
        let span = match (&s.first_date, &s.last_date) {
            (Some(a), Some(b)) if a == b => format!("  {a}"),
            (Some(a), Some(b)) => format!("  {a} … {b}"),
            _ => String::new(),
        };
        let listed = if s.listed { "" } else { "  (not in the table)" };
        style.dim(
            w,
            &format!(
                "  {} quotation(s) in {} document(s){span}{listed}",
                s.quotations, s.docs
            ),
        )?;
        writeln!(w)?;
        for t in &s.top {
            let text: Vec<char> = t.text.trim().chars().collect();
            let shown: String = text.iter().take(60).collect();
            let more = if text.len() > 60 { "…" } else { "" };
            writeln!(w, "    {:>4}×  “{shown}{more}”", t.count)?;
        }
    }
    Ok(())
}
