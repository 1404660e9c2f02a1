//! Printer of `jiansuo bench` for a person (its JSON lines are the [`crate::bench`] structs).

use std::io::{self, Write};

use crate::bench::BenchResponse;

/// The index measured, a table of figures per query kind, and the peak memory.
pub fn print_bench_text(w: &mut dyn Write, r: &BenchResponse) -> io::Result<()> {
    let s = &r.index;
    writeln!(
        w,
        "index {}: {:.1} MB, {} passages of {} documents ({:.1} MB of text); built in {:.2} s ({:.2} MB/s, {} threads)",
        s.path,
        s.index_bytes as f64 / 1e6,
        s.passages,
        s.documents,
        s.bytes as f64 / 1e6,
        s.seconds,
        s.mb_per_s,
        s.threads
    )?;
    writeln!(
        w,
        "{:<8}{:>8}{:>6}{:>12}{:>10}{:>10}{:>10}{:>10}{:>12}",
        "kind", "queries", "runs", "median µs", "p95 µs", "p99 µs", "max µs", "qps", "hits"
    )?;
    for k in &r.kinds {
        writeln!(
            w,
            "{:<8}{:>8}{:>6}{:>12.1}{:>10.1}{:>10.1}{:>10.1}{:>10.0}{:>12}",
            k.kind.name(),
            k.queries,
            k.runs,
            k.median_us,
            k.p95_us,
            k.p99_us,
            k.max_us,
            k.qps,
            k.hits
        )?;
    }
    let mb = |b: Option<u64>| {
        b.map_or("unknown".to_owned(), |b| {
            format!("{:.0} MB", b as f64 / 1e6)
        })
    };
    writeln!(
        w,
        "peak RSS: this process {}, the build {}",
        mb(r.process.peak_rss_bytes),
        mb(s.peak_rss_bytes)
    )
}

/// `bench --json`: the index, one line per kind, the process.
pub fn print_bench_json(w: &mut dyn Write, r: &BenchResponse) -> io::Result<()> {
    super::write_json_line(w, &r.index)?;
    for k in &r.kinds {
        super::write_json_line(w, k)?;
    }
    super::write_json_line(w, &r.process)
}
