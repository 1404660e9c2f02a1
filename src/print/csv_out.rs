//! CSV output (`--csv`, `--excel`): one row per result, the fields of its JSON line flattened,
//! so that the CSV and the JSON schema are one definition. Nested objects become `a.b`
//! columns; a list of numbers or strings becomes one cell joined with `; `; a list of objects
//! becomes one cell of compact JSON. The header is every field in the order first met.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

/// Write `rows` as CSV (RFC 4180 quoting), with a UTF-8 byte-order mark when `bom`.
pub fn write_csv<T: Serialize>(w: &mut dyn Write, rows: &[T], bom: bool) -> io::Result<()> {
    let mut flat: Vec<Vec<(String, String)>> = Vec::with_capacity(rows.len());
    let mut header: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let value = serde_json::to_value(row).map_err(io::Error::other)?;
        let mut cells = Vec::new();
        flatten("", &value, &mut cells);
        for (k, _) in &cells {
            if seen.insert(k.clone()) {
                header.push(k.clone());
            }
        }
        flat.push(cells);
    }
    if bom {
        w.write_all("\u{feff}".as_bytes())?;
    }
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    let err = |e: csv::Error| io::Error::other(e.to_string());
    if header.is_empty() {
        return out.flush();
    }
    out.write_record(&header).map_err(err)?;
    for cells in flat {
        let mut record = vec![String::new(); header.len()];
        for (k, v) in cells {
            if let Some(i) = header.iter().position(|h| *h == k) {
                record[i] = v;
            }
        }
        out.write_record(&record).map_err(err)?;
    }
    out.flush()
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) => flatten_object(map, out, &key),
        Value::Array(items) if items.iter().all(is_scalar) => {
            let cell: Vec<String> = items.iter().map(scalar).collect();
            out.push((prefix.to_owned(), cell.join("; ")));
        }
        Value::Array(items)
            if items
                .iter()
                .all(|i| matches!(i, Value::Array(a) if a.iter().all(is_scalar))) =>
        {
            // Pairs such as highlight spans `[[3,7],[9,11]]`: `3-7; 9-11`.
            let cell: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join("-"),
                    _ => String::new(),
                })
                .collect();
            out.push((prefix.to_owned(), cell.join("; ")));
        }
        Value::Array(_) => out.push((prefix.to_owned(), value.to_string())),
        other => out.push((prefix.to_owned(), scalar(other))),
    }
}

fn flatten_object(
    map: &Map<String, Value>,
    out: &mut Vec<(String, String)>,
    key: &dyn Fn(&str) -> String,
) {
    for (k, v) in map {
        match v {
            Value::Object(_) => flatten(&key(k), v, out),
            _ => {
                let mut inner = Vec::new();
                flatten("", v, &mut inner);
                for (_, cell) in inner {
                    out.push((key(k), cell));
                }
            }
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // An f32 widened to f64 on the way (scores) is written as the f32 it was, as in JSON.
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(0.0);
            if f64::from(x as f32) == x {
                (x as f32).to_string()
            } else {
                x.to_string()
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        doc: &'static str,
        text: &'static str,
        spans: Vec<(usize, usize)>,
        date: Option<&'static str>,
        theme: Option<Inner>,
    }

    #[derive(Serialize)]
    struct Inner {
        score: f32,
        terms: Vec<&'static str>,
    }

    #[test]
    fn rows_flatten_and_quote() {
        let rows = vec![
            Row {
                doc: "a,b.txt",
                text: "他说：“好”\n下一行",
                spans: vec![(0, 2), (5, 7)],
                date: None,
                theme: None,
            },
            Row {
                doc: "c.txt",
                text: "调查研究",
                spans: vec![],
                date: Some("2024-03-05"),
                theme: Some(Inner {
                    score: 1.5,
                    terms: vec!["调研", "走访"],
                }),
            },
        ];
        let mut out = Vec::new();
        write_csv(&mut out, &rows, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(
            lines[0],
            "doc,text,spans,date,theme,theme.score,theme.terms"
        );
        assert_eq!(lines[1], "\"a,b.txt\",\"他说：“好”\n下一行\",0-2; 5-7,,,,");
        assert!(
            lines[2].starts_with("c.txt,调查研究,,2024-03-05,"),
            "{}",
            lines[2]
        );
        assert!(lines[2].ends_with("1.5,调研; 走访"), "{}", lines[2]);
    }
}
