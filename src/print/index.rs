//! Printers of `jiansuo index` for a person (`index --json` is [`IndexSummary`] as one line).

use std::io::{self, Write};

use crate::api::{CheckReport, IndexMode, IndexSummary, RescoreSummary};

/// What a build or update did, in two or three lines.
pub fn print_index_text(w: &mut dyn Write, s: &IndexSummary) -> io::Result<()> {
    print_index_lines(w, s)?;
    print_metadata(w, s)
}

/// The line on where dates and collections came from, and the manifests' figures.
fn print_metadata(w: &mut dyn Write, s: &IndexSummary) -> io::Result<()> {
    let m = &s.metadata;
    let mut from: Vec<String> = Vec::new();
    for (n, what) in [
        (m.dated_manifest, "manifests"),
        (m.dated_embedded, "embedded metadata"),
        (m.dated_path, "paths"),
        (m.dated_text, "date lines"),
    ] {
        if n > 0 {
            from.push(format!("{n} from {what}"));
        }
    }
    if from.is_empty() {
        from.push("none".into());
    }
    writeln!(
        w,
        "dates: {}; {} undated; {} collection{}",
        from.join(", "),
        m.undated,
        m.collections,
        if m.collections == 1 { "" } else { "s" }
    )?;
    if m.manifest_rows > 0 {
        writeln!(
            w,
            "manifests: {} rows, {} matched, {} matching no document, {} ambiguous, {} repeated, {} bad dates",
            m.manifest_rows, m.matched, m.unmatched, m.ambiguous, m.duplicates, m.bad_dates
        )?;
    }
    Ok(())
}

fn print_index_lines(w: &mut dyn Write, s: &IndexSummary) -> io::Result<()> {
    if let Some(c) = &s.changes {
        if s.mode == IndexMode::UpToDate {
            writeln!(
                w,
                "{} is up to date: {} documents unchanged, checked in {:.2} s",
                s.index, c.unchanged, s.seconds
            )?;
        } else {
            writeln!(
                w,
                "updated {}: {} added, {} changed, {} removed, {} unchanged in {:.2} s",
                s.index, c.added, c.changed, c.removed, c.unchanged, s.seconds
            )?;
        }
        writeln!(
            w,
            "the index has {} documents ({} paragraphs, {} passages, {} characters) from {}",
            s.documents, s.paragraphs, s.passages, s.chars, s.corpus
        )?;
        return writeln!(
            w,
            "skipped {} files; index {} is {:.1} MB",
            s.skipped_files.len(),
            s.index,
            s.index_bytes as f64 / 1e6
        );
    }
    writeln!(
        w,
        "indexed {} documents ({} paragraphs, {} passages, {} characters) from {} in {:.2} s ({:.2} MB/s)",
        s.documents, s.paragraphs, s.passages, s.chars, s.corpus, s.seconds, s.mb_per_s
    )?;
    writeln!(
        w,
        "skipped {} files; index {} is {:.1} MB ({} threads, {} segment{})",
        s.skipped,
        s.index,
        s.index_bytes as f64 / 1e6,
        s.threads,
        s.segments,
        if s.segments == 1 { "" } else { "s" }
    )
}

/// What `index --themes-only` did.
pub fn print_rescore_text(w: &mut dyn Write, s: &RescoreSummary) -> io::Result<()> {
    writeln!(
        w,
        "rescored {} themes of {} passages in {:.2} s",
        s.themes, s.passages, s.seconds
    )
}

/// `check --json`: one line, `{"type":"check",…}` with the report's fields.
pub fn print_check_json(w: &mut dyn Write, r: &CheckReport) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        r#type: &'static str,
        #[serde(flatten)]
        report: &'a CheckReport,
    }
    super::write_json_line(
        w,
        &Line {
            r#type: "check",
            report: r,
        },
    )
}

/// `check`: a line per damaged file, or that the index is sound.
pub fn print_check_text(
    w: &mut dyn Write,
    r: &CheckReport,
    index: &std::path::Path,
) -> io::Result<()> {
    for d in &r.damaged {
        writeln!(w, "damaged  {}  {}", d.file, d.problem)?;
    }
    if r.is_sound() {
        writeln!(w, "the index at {} is sound", index.display())?;
    }
    Ok(())
}
