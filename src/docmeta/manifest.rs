//! Manifests: CSV or TSV files with a header row giving metadata per document
//! (`jiansuo index --meta FILE`).
//!
//! Columns are recognised by name (case and spaces ignored): `file`/`path`/`filename` (required),
//! `date`/`pubdate`/`time`/`year` (a date, warned about when it is not one), any other column
//! whose name holds `year` (`year_or_congress`: a date where its value is a year, silently not
//! one otherwise), `title`, `url`/`link`, `collection`/`source`. Every other column (and the
//! year-like ones) is kept as a field of the document. A `.tsv` file is tab-separated without
//! quoting (titles hold `"`); a `.csv` file is RFC 4180; another name is tab-separated when
//! its header line holds a tab.
//!
//! A row names its document by its path relative to the corpus root, or by a path with a prefix
//! (`corpora/cctv_xwlb/…` relative to another folder) whose unique suffix is an indexed path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::date::{self, Date};
use crate::error::{Error, Result};

/// One row of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    /// `FILE:LINE` of the row, for warnings.
    pub at: String,
    /// The path as the row gives it, `/`-separated, without a leading `./`.
    pub path: String,
    pub date: Option<Date>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub collection: Option<String>,
    /// The other columns, by header name.
    pub fields: BTreeMap<String, String>,
}

/// A manifest read from a file, with the warnings its rows gave.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub path: PathBuf,
    pub rows: Vec<ManifestRow>,
    pub warnings: Vec<String>,
    /// Values of a date column that are not dates.
    pub bad_dates: usize,
}

/// Largest manifest read (a manifest of 10 million rows is about 1 GB).
const MAX_MANIFEST_BYTES: u64 = 2 << 30;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Path,
    Date,
    YearLike,
    Title,
    Url,
    Collection,
    Other,
}

fn column_of(name: &str) -> Column {
    let n: String = name
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match n.as_str() {
        "file" | "path" | "filename" | "file_name" | "filepath" | "file_path" => Column::Path,
        "date" | "pubdate" | "pub_date" | "time" | "year" | "published" | "publishdate" => {
            Column::Date
        }
        "title" => Column::Title,
        "url" | "link" => Column::Url,
        "collection" | "source" => Column::Collection,
        n if n.contains("year") => Column::YearLike,
        _ => Column::Other,
    }
}

impl Manifest {
    /// Read a manifest. A file that cannot be read, has no header or no path column is an
    /// error; a bad row is a warning.
    pub fn read(path: &Path) -> Result<Manifest> {
        let meta = std::fs::metadata(path).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            reason: format!("cannot read it: {e}"),
        })?;
        if meta.len() > MAX_MANIFEST_BYTES {
            return Err(Error::Manifest {
                path: path.to_path_buf(),
                reason: format!(
                    "it is {} MB; a manifest of more than {} MB is not read",
                    meta.len() >> 20,
                    MAX_MANIFEST_BYTES >> 20
                ),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            reason: format!("cannot read it: {e}"),
        })?;
        Manifest::parse(path, &bytes)
    }

    /// Parse the bytes of the manifest at `path` (named in warnings).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest> {
        let shown = path.display().to_string();
        let bad = |reason: String| Error::Manifest {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = bytes.to_vec();
        let text = String::from_utf8(bytes).map_err(|e| {
            bad(format!(
                "it is not UTF-8 (byte {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let first = text.lines().next().unwrap_or("");
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let tsv = match ext.as_deref() {
            Some("tsv") | Some("tab") => true,
            Some("csv") => false,
            _ => first.contains('\t'),
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .quoting(!tsv)
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| bad(format!("no header row: {e}")))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        let columns: Vec<Column> = headers.iter().map(|h| column_of(h)).collect();
        if !columns.contains(&Column::Path) {
            return Err(bad(format!(
                "no column names the files: the header row is {:?}; name one column `file` or \
                 `path`",
                headers.join(if tsv { "\t" } else { "," })
            )));
        }
        let mut out = Manifest {
            path: path.to_path_buf(),
            ..Manifest::default()
        };
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    out.warnings
                        .push(format!("{shown}:{line}: row not read: {e}"));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let at = format!("{shown}:{line}");
            let mut row = ManifestRow {
                at: at.clone(),
                path: String::new(),
                date: None,
                title: None,
                url: None,
                collection: None,
                fields: BTreeMap::new(),
            };
            for (i, value) in record.iter().enumerate() {
                let Some(&col) = columns.get(i) else {
                    out.warnings.push(format!(
                        "{at}: {} fields, the header has {}; the extra ones are left out",
                        record.len(),
                        headers.len()
                    ));
                    break;
                };
                let value = value.trim();
                let name = &headers[i];
                match col {
                    Column::Path => {
                        if row.path.is_empty() {
                            row.path = normalise_path(value);
                        }
                    }
                    Column::Date => {
                        if value.is_empty() || row.date.is_some() {
                            continue;
                        }
                        match date::parse_value(value) {
                            Some(d) => row.date = Some(d),
                            None => {
                                out.bad_dates += 1;
                                out.warnings.push(format!(
                                    "{at}: {name} {value:?} is not a date (YYYY, YYYY-MM, \
                                     YYYY-MM-DD, YYYYMMDD, 2024年3月5日…); the row's other \
                                     fields are used"
                                ));
                            }
                        }
                    }
                    Column::YearLike => {
                        if row.date.is_none()
                            && value.len() == 4
                            && let Some(d) = date::parse_value(value)
                        {
                            row.date = Some(d);
                        }
                        if !value.is_empty() {
                            row.fields.insert(name.clone(), value.to_owned());
                        }
                    }
                    Column::Title => row.title = Some(value.to_owned()).filter(|v| !v.is_empty()),
                    Column::Url => row.url = Some(value.to_owned()).filter(|v| !v.is_empty()),
                    Column::Collection => {
                        row.collection = Some(value.to_owned()).filter(|v| !v.is_empty())
                    }
                    Column::Other => {
                        if !value.is_empty() {
                            row.fields.insert(name.clone(), value.to_owned());
                        }
                    }
                }
            }
            if row.path.is_empty() {
                out.warnings
                    .push(format!("{at}: no file named; the row is left out"));
                continue;
            }
            out.rows.push(row);
        }
        Ok(out)
    }
}

fn normalise_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.trim_start_matches('/').to_owned()
}

/// The manifests of a build, matched against the indexed paths.
#[derive(Debug, Clone, Default)]
pub struct ManifestSet {
    pub manifests: Vec<Manifest>,
}

/// Which row (manifest, row) each document got, and what did not match.
#[derive(Debug, Clone, Default)]
pub struct Matched {
    /// Document index (into the paths given) → (manifest, row).
    pub rows: rustc_hash::FxHashMap<usize, (usize, usize)>,
    pub warnings: Vec<String>,
    pub rows_read: usize,
    pub unmatched: usize,
    pub ambiguous: usize,
    pub duplicates: usize,
    pub bad_dates: usize,
}

impl ManifestSet {
    pub fn read(paths: &[PathBuf]) -> Result<ManifestSet> {
        Ok(ManifestSet {
            manifests: paths
                .iter()
                .map(|p| Manifest::read(p))
                .collect::<Result<_>>()?,
        })
    }

    pub fn row(&self, at: (usize, usize)) -> &ManifestRow {
        &self.manifests[at.0].rows[at.1]
    }

    /// Match every row to one of `paths` (documents' paths relative to the corpus root): the
    /// same path, else the one path the row's path ends with (`corpora/x/a.txt` → `x/a.txt`,
    /// the longest when several do), else the one path that ends with the row's path. A row
    /// matching none, or several equally, is a warning; a second row for a document too.
    pub fn match_paths(&self, paths: &[&str]) -> Matched {
        let mut m = Matched::default();
        // Fx hash, not SipHash: the keys are the corpus's own paths (548,122 on 1 GB).
        let mut exact: rustc_hash::FxHashMap<&str, usize> = Default::default();
        let mut by_name: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
        for (i, p) in paths.iter().enumerate() {
            if p.is_empty() {
                continue;
            }
            exact.insert(p, i);
            by_name
                .entry(p.rsplit('/').next().unwrap_or(p))
                .or_default()
                .push(i);
        }
        for (mi, manifest) in self.manifests.iter().enumerate() {
            m.warnings.extend(manifest.warnings.iter().cloned());
            m.bad_dates += manifest.bad_dates;
            for (ri, row) in manifest.rows.iter().enumerate() {
                m.rows_read += 1;
                let found = match exact.get(row.path.as_str()) {
                    Some(&i) => Ok(i),
                    None => {
                        let name = row.path.rsplit('/').next().unwrap_or(&row.path);
                        let candidates = by_name.get(name).map(Vec::as_slice).unwrap_or(&[]);
                        suffix_match(&row.path, candidates, paths)
                    }
                };
                match found {
                    Ok(i) => {
                        if let Some(&(pm, pr)) = m.rows.get(&i) {
                            m.duplicates += 1;
                            m.warnings.push(format!(
                                "{}: {} already has metadata from {}; this row is left out",
                                row.at, paths[i], self.manifests[pm].rows[pr].at
                            ));
                        } else {
                            m.rows.insert(i, (mi, ri));
                        }
                    }
                    Err(None) => {
                        m.unmatched += 1;
                        m.warnings.push(format!(
                            "{}: {:?} names no indexed document",
                            row.at, row.path
                        ));
                    }
                    Err(Some(several)) => {
                        m.ambiguous += 1;
                        m.warnings.push(format!(
                            "{}: {:?} could be any of {}; give a path relative to the corpus \
                             root",
                            row.at,
                            row.path,
                            several
                                .iter()
                                .take(3)
                                .map(|&i| paths[i])
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
            }
        }
        m
    }
}

/// The one candidate that is a suffix of `row` (the longest), else the one that `row` is a
/// suffix of. `Err(None)`: none; `Err(Some(list))`: several.
fn suffix_match(
    row: &str,
    candidates: &[usize],
    paths: &[&str],
) -> std::result::Result<usize, Option<Vec<usize>>> {
    let ends = |long: &str, short: &str| {
        long.len() > short.len()
            && long.ends_with(short)
            && long.as_bytes()[long.len() - short.len() - 1] == b'/'
    };
    let inner: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| ends(row, paths[i]))
        .collect();
    if let Some(&best) = inner.iter().max_by_key(|&&i| paths[i].len()) {
        return Ok(best);
    }
    let outer: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| ends(paths[i], row))
        .collect();
    match outer.len() {
        0 => Err(None),
        1 => Ok(outer[0]),
        _ => Err(Some(outer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_tsv_with_quotes_in_titles_and_csv_with_quoting() {
        let dir = tempfile::tempdir().unwrap();
        let tsv = write(
            dir.path(),
            "m.tsv",
            "file\tdate\ttitle\turl\n\
             corpora/x/2024/a.txt\t20240105\t他说\"好\"\thttp://a\n\
             corpora/x/b.txt\t2024-02-30\tB\t\n\
             \t2024\tno file\t\n",
        );
        let m = Manifest::read(&tsv).unwrap();
        assert_eq!(m.rows.len(), 2);
        assert_eq!(m.rows[0].title.as_deref(), Some("他说\"好\""));
        assert_eq!(m.rows[0].date.unwrap().to_string(), "2024-01-05");
        assert_eq!(m.rows[1].date, None);
        assert_eq!(m.bad_dates, 1);
        assert!(m.warnings[0].contains("m.tsv:3"), "{:?}", m.warnings);
        assert!(m.warnings[1].contains("no file"), "{:?}", m.warnings);
        let csv = write(
            dir.path(),
            "m.csv",
            "path,year_or_congress,kind,collection\n\"a, b.txt\",1998,report,gov\nc.txt,9,congress,\n",
        );
        let m = Manifest::read(&csv).unwrap();
        assert_eq!(m.rows[0].path, "a, b.txt");
        assert_eq!(m.rows[0].date.unwrap().to_string(), "1998");
        assert_eq!(m.rows[0].collection.as_deref(), Some("gov"));
        assert_eq!(m.rows[1].date, None);
        assert_eq!(m.rows[1].fields["year_or_congress"], "9");
        assert_eq!(m.bad_dates, 0);
        let none = write(dir.path(), "n.csv", "name,date\nx,2020\n");
        let err = Manifest::read(&none).unwrap_err().to_string();
        assert!(err.contains("`file`"), "{err}");
    }

    #[test]
    fn rows_match_by_path_or_unique_suffix() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "m.tsv",
            "file\tdate\n\
             corpora/news/a.txt\t2020\n\
             news/b.txt\t2021\n\
             c.txt\t2022\n\
             gone.txt\t2023\n\
             news/b.txt\t2024\n",
        );
        let set = ManifestSet::read(&[p]).unwrap();
        let paths = ["news/a.txt", "a.txt", "news/b.txt", "x/c.txt", "y/c.txt"];
        let m = set.match_paths(&paths);
        assert_eq!(m.rows.get(&0), Some(&(0, 0)), "longest suffix wins");
        assert_eq!(m.rows.get(&2), Some(&(0, 1)));
        assert_eq!((m.unmatched, m.ambiguous, m.duplicates), (1, 1, 1));
        assert_eq!(m.rows.len(), 2);
    }
}
