//! `export`: passages as NDJSON, or as the `_bulk` API's action and source lines.

use std::io::{self, Write};

use super::write_json_line;
use crate::api::ExportPassage;

/// One passage: its JSON line, after an `index` action naming `bulk` and the passage's id
/// when the lines are for the `_bulk` API.
pub fn print_export_row(
    w: &mut dyn Write,
    row: &ExportPassage,
    bulk: Option<&str>,
) -> io::Result<()> {
    if let Some(index) = bulk {
        let action = serde_json::json!({ "index": { "_index": index, "_id": row.id } });
        write_json_line(w, &action)?;
    }
    write_json_line(w, row)
}

/// The index settings and mapping, pretty-printed (a file to `PUT`).
pub fn print_export_mapping(w: &mut dyn Write, mapping: &serde_json::Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, mapping)?;
    writeln!(w)
}
