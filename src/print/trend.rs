//! Printers of trends (`phrase --by`, `search --by`, `quote --by`): a table per bucket with the
//! bucket's size and the rate per million characters, with a bar for the rate on a terminal;
//! JSON lines: one `{"type":"bucket",…}` per bucket (and phrase), then the summary.

use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{Style, sanitize, write_json_line};
use crate::api::{
    QuoteBucket, QuoteTrend, QuoteTrendSummary, Scope, SearchBucket, SearchTrend,
    SearchTrendSummary, TrendResponse, TrendRow, TrendSummary,
};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a, R: Serialize, S: Serialize> {
    Bucket(&'a R),
    Summary(&'a S),
}

fn json_lines<R: Serialize, S: Serialize>(
    w: &mut dyn Write,
    rows: &[R],
    summary: &S,
) -> io::Result<()> {
    for r in rows {
        write_json_line(w, &Line::<R, S>::Bucket(r))?;
    }
    write_json_line(w, &Line::<R, S>::Summary(summary))
}

/// `phrase --by --json`.
pub fn print_trend_json(w: &mut dyn Write, r: &TrendResponse) -> io::Result<()> {
    json_lines::<TrendRow, TrendSummary>(w, &r.rows, &r.summary)
}

/// `search --by --json`.
pub fn print_search_trend_json(w: &mut dyn Write, r: &SearchTrend) -> io::Result<()> {
    json_lines::<SearchBucket, SearchTrendSummary>(w, &r.buckets, &r.summary)
}

/// `quote --by --json`.
pub fn print_quote_trend_json(w: &mut dyn Write, r: &QuoteTrend) -> io::Result<()> {
    json_lines::<QuoteBucket, QuoteTrendSummary>(w, &r.buckets, &r.summary)
}

/// Width of the rate bars.
const BAR: usize = 24;

/// A bar of `rate` against `max`, in eighths of a cell.
fn bar(rate: f64, max: f64) -> String {
    if max <= 0.0 || rate <= 0.0 {
        return String::new();
    }
    let eighths = ((rate / max) * (BAR * 8) as f64).round().max(1.0) as usize;
    let mut s = "█".repeat(eighths / 8);
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    s.push_str(PARTS[eighths % 8]);
    s
}

/// One table: a header, rows of cells (right-aligned but the first two), an optional bar per
/// row of its rate.
fn table(
    w: &mut dyn Write,
    style: Style,
    header: &[String],
    rows: &[(Vec<String>, f64)],
    bars: bool,
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for (cells, _) in rows {
        for (i, c) in cells.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max);
    let cell = |w: &mut dyn Write, i: usize, text: &str| -> io::Result<()> {
        let pad = widths[i].saturating_sub(text.width());
        if i < 2 {
            write!(w, "{}{:pad$}  ", sanitize(text), "")
        } else {
            write!(w, "{:pad$}{}  ", "", sanitize(text))
        }
    };
    let mut head = Vec::new();
    for (i, h) in header.iter().enumerate() {
        cell(&mut head, i, h)?;
    }
    style.dim(w, String::from_utf8_lossy(&head).trim_end())?;
    writeln!(w)?;
    for (cells, rate) in rows {
        let mut line = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            cell(&mut line, i, c)?;
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        if bars {
            write!(w, "{text}")?;
            style.line(w, &bar(*rate, max))?;
            writeln!(w)?;
        } else {
            writeln!(w, "{}", text.trim_end())?;
        }
    }
    Ok(())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The totals of a trend: what the buckets hold, and what lies in documents of no bucket.
struct Totals<'a> {
    label: &'a str,
    in_buckets: u64,
    /// The counted thing, singular and plural.
    what: (&'a str, &'a str),
    buckets: usize,
    by: &'a str,
    undated: usize,
    imprecise: usize,
    left_out: u64,
}

fn totals_line(t: Totals) -> String {
    let Totals {
        label,
        in_buckets,
        what,
        buckets,
        by,
        undated,
        imprecise,
        left_out,
    } = t;
    let mut line = format!(
        "{label}{} over {} {by}{}",
        plural(in_buckets, what.0, what.1),
        thousands(buckets as u64),
        if buckets == 1 { "" } else { "s" }
    );
    if undated > 0 || imprecise > 0 {
        let mut parts = Vec::new();
        if undated > 0 {
            parts.push(plural(
                undated as u64,
                "undated document",
                "undated documents",
            ));
        }
        if imprecise > 0 {
            parts.push(format!(
                "{} dated less precisely than a {by}",
                plural(imprecise as u64, "document", "documents")
            ));
        }
        line.push_str(&format!(
            "; {} more in {} ({} in all)",
            thousands(left_out),
            parts.join(" and "),
            thousands(in_buckets + left_out)
        ));
    }
    line
}

/// The header of a trend table: the bucket kind, a label column, what is counted, then the
/// same columns for every trend.
fn header(by: &str, label: &str, counted: &str) -> Vec<String> {
    [
        by,
        label,
        counted,
        "docs",
        "per million",
        "characters",
        "documents",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect()
}

/// One row of a trend table, with its rate for the bar.
fn row(
    bucket: String,
    label: String,
    counted: u64,
    docs: u64,
    per_million: f64,
    size: (u64, u64),
) -> (Vec<String>, f64) {
    (
        vec![
            bucket,
            label,
            thousands(counted),
            thousands(docs),
            format!("{per_million:.2}"),
            thousands(size.0),
            thousands(size.1),
        ],
        per_million,
    )
}

/// `phrase --by` as a table: a row per bucket and phrase.
pub fn print_trend_text(
    w: &mut dyn Write,
    r: &TrendResponse,
    style: Style,
    bars: bool,
) -> io::Result<()> {
    let s = &r.summary;
    let header = header(s.by.name(), "phrase", "hits");
    let mut rows = Vec::new();
    let mut last_bucket = "";
    for r in &r.rows {
        let bucket = if r.bucket == last_bucket {
            String::new()
        } else {
            r.bucket.clone()
        };
        last_bucket = &r.bucket;
        rows.push(row(
            bucket,
            r.phrase.clone(),
            r.hits,
            r.docs,
            r.per_million,
            (r.chars, r.documents),
        ));
    }
    table(w, style, &header, &rows, bars)?;
    for (i, p) in s.phrases.iter().enumerate() {
        let line = totals_line(Totals {
            label: &format!("{}: ", sanitize(p)),
            in_buckets: s.hits[i] - s.hits_left_out[i],
            what: ("occurrence", "occurrences"),
            buckets: s.buckets,
            by: s.by.name(),
            undated: s.undated_left_out,
            imprecise: s.imprecise_left_out,
            left_out: s.hits_left_out[i],
        });
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// `search --by` as a table.
pub fn print_search_trend_text(
    w: &mut dyn Write,
    r: &SearchTrend,
    style: Style,
    bars: bool,
) -> io::Result<()> {
    let s = &r.summary;
    let header = header(s.by.name(), "", "passages");
    let rows: Vec<(Vec<String>, f64)> = r
        .buckets
        .iter()
        .map(|b| {
            let size = (b.chars, b.documents);
            row(
                b.bucket.clone(),
                String::new(),
                b.passages,
                b.docs,
                b.per_million,
                size,
            )
        })
        .collect();
    table(w, style, &header, &rows, bars)?;
    let label = if s.query.trim().is_empty() {
        String::new()
    } else {
        format!("{}: ", sanitize(&s.query))
    };
    let line = totals_line(Totals {
        label: &label,
        in_buckets: s.passages - s.passages_left_out,
        what: ("matching passage", "matching passages"),
        buckets: s.buckets,
        by: s.by.name(),
        undated: s.undated_left_out,
        imprecise: s.imprecise_left_out,
        left_out: s.passages_left_out,
    });
    writeln!(w, "{line}")
}

/// `quote --by` as a table, with each bucket's speakers.
pub fn print_quote_trend_text(
    w: &mut dyn Write,
    r: &QuoteTrend,
    style: Style,
    bars: bool,
) -> io::Result<()> {
    let s = &r.summary;
    let header = header(s.by.name(), "speakers", "citations");
    let rows: Vec<(Vec<String>, f64)> = r
        .buckets
        .iter()
        .map(|b| {
            let speakers: Vec<String> = b
                .speakers
                .iter()
                .take(3)
                .map(|x| format!("{} {}", x.name.as_deref().unwrap_or("?"), x.count))
                .collect();
            let size = (b.chars, b.documents);
            row(
                b.bucket.clone(),
                speakers.join(", "),
                b.hits,
                b.docs,
                b.per_million,
                size,
            )
        })
        .collect();
    table(w, style, &header, &rows, bars)?;
    let line = totals_line(Totals {
        label: "",
        in_buckets: s.hits - s.hits_left_out,
        what: ("citing paragraph", "citing paragraphs"),
        buckets: s.buckets,
        by: s.by.name(),
        undated: s.undated_left_out,
        imprecise: s.imprecise_left_out,
        left_out: s.hits_left_out,
    });
    writeln!(w, "{line} (? = no speaker named)")
}

/// What a filter limited a query to, for a note on stderr.
pub fn scope_line(s: &Scope) -> String {
    let mut what = Vec::new();
    if !s.under.is_empty() {
        what.push(format!("under {}", s.under.join(", ")));
    }
    if !s.collections.is_empty() {
        what.push(format!("in {}", s.collections.join(", ")));
    }
    if let Some(d) = &s.since {
        what.push(format!("since {d}"));
    }
    if let Some(d) = &s.until {
        what.push(format!("until {d}"));
    }
    if s.duplicates_left_out > 0 {
        what.push(format!(
            "{} near-duplicate documents left out: each group counted once",
            s.duplicates_left_out
        ));
    }
    let mut line = format!(
        "limited to {} of {} documents ({})",
        s.documents,
        s.of,
        what.join(", ")
    );
    if s.undated_left_out > 0 {
        line.push_str(&format!(
            "; {} undated documents left out",
            s.undated_left_out
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_rate() {
        assert_eq!(bar(10.0, 10.0).chars().count(), BAR);
        assert_eq!(bar(0.0, 10.0), "");
        assert_eq!(bar(0.001, 10.0), "▏", "a rate above zero shows");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
