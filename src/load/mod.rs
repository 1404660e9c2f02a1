//! Load: find the documents of a corpus and decode them.
//!
//! [`walk`] lists the document files under a corpus root (`.txt`, `.md`, `.html`/`.htm`,
//! `.docx`; recursively, following symbolic links, skipping hidden entries, sorted by path);
//! [`read`] reads one file and turns it into plain text ([`formats`], [`decode`]). Problems with
//! single files are returned as [`Skipped`] values, never as errors, so one bad file does not
//! stop an index build. PDF and old Word files are listed as skipped, with what to do instead.

mod decode;
pub mod formats;

pub use decode::{DecodeError, Decoded, decode};
pub use formats::Format;

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::error::{Error, Result};

/// Files larger than this are skipped: a text file of 256 MB is not a document, and an index
/// build holds one document in memory at a time (about nine times its size at the peak: a
/// 98 MB file of one line took 870 MB).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// A document file found under the corpus root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path to open.
    pub path: PathBuf,
    /// Path relative to the corpus root, with `/` separators: the document's name everywhere.
    pub rel: String,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: i64,
    pub format: Format,
}

/// A file that was passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// The result of walking a corpus.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<SourceFile>,
    pub skipped: Vec<Skipped>,
}

/// A decoded document file.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: SourceFile,
    pub decoded: Decoded,
    /// BLAKE3 hash of the file's bytes (its first 128 bits), hex.
    pub hash: String,
}

/// Name of the ignore file read in a corpus root (gitignore syntax).
pub const IGNORE_FILE: &str = ".jiansuoignore";

/// List the document files under `root`.
pub fn walk(root: &Path) -> Result<Walk> {
    walk_excluding(root, &[])
}

/// The matcher of the files to leave out: `root/.jiansuoignore` (when there is one) and the
/// `excludes` globs (gitignore syntax, relative to the root; `!GLOB` keeps a file back in).
pub fn exclusions(root: &Path, excludes: &[String]) -> Result<ignore::gitignore::Gitignore> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(root);
    let file = root.join(IGNORE_FILE);
    if file.is_file()
        && let Some(e) = b.add(&file)
    {
        return Err(Error::Corpus {
            path: root.to_path_buf(),
            reason: format!("{}: {e}", file.display()),
        });
    }
    for glob in excludes {
        b.add_line(None, glob).map_err(|e| {
            Error::Query(format!(
                "--exclude {glob:?} is not a glob ({e}); globs are gitignore's: `README.md`, \
                 `drafts/`, `*.html`, `2020/**/*.txt`"
            ))
        })?;
    }
    b.build().map_err(|e| Error::Corpus {
        path: root.to_path_buf(),
        reason: format!("the files to exclude: {e}"),
    })
}

/// List the document files under `root`, leaving out those [`exclusions`] names (and the
/// folders it names, whole).
pub fn walk_excluding(root: &Path, excludes: &[String]) -> Result<Walk> {
    let meta = std::fs::metadata(root).map_err(|e| Error::Corpus {
        path: root.to_path_buf(),
        reason: e.to_string(),
    })?;
    if !meta.is_dir() {
        return Err(Error::Corpus {
            path: root.to_path_buf(),
            reason: "not a directory".into(),
        });
    }
    let mut out = Walk::default();
    let left_out = exclusions(root, excludes)?;
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || (!e.file_name().to_string_lossy().starts_with('.')
                    && !left_out
                        .matched(
                            e.path().strip_prefix(root).unwrap_or(e.path()),
                            e.file_type().is_dir(),
                        )
                        .is_ignore())
        });
    let mut pending = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| root.display().to_string(), display_path);
                out.skipped.push(Skipped {
                    path,
                    reason: io_reason(&e),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let ext = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        let Some(format) = Format::from_extension(ext) else {
            if let Some(reason) = formats::unsupported(ext) {
                out.skipped.push(Skipped {
                    path: rel_string(entry.path().strip_prefix(root).unwrap_or(entry.path()))
                        .unwrap_or_else(|| display_path(entry.path())),
                    reason: reason.into(),
                });
            }
            continue;
        };
        let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let Some(rel) = rel_string(rel_path) else {
            out.skipped.push(Skipped {
                path: display_path(entry.path()),
                reason: "file name is not valid UTF-8; rename the file".into(),
            });
            continue;
        };
        pending.push((entry, rel, format));
    }
    // The files' sizes and times, read on rayon's threads (a stat each: half the walk of
    // 548,122 files), kept in walk order.
    use rayon::prelude::*;
    let stated: Vec<std::result::Result<SourceFile, Skipped>> = pending
        .into_par_iter()
        .map(|(entry, rel, format)| match entry.metadata() {
            Ok(meta) => Ok(SourceFile {
                path: entry.path().to_path_buf(),
                rel,
                size: meta.len(),
                mtime_ns: meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i64),
                format,
            }),
            Err(e) => Err(Skipped {
                path: rel,
                reason: io_reason(&e),
            }),
        })
        .collect();
    for s in stated {
        match s {
            Ok(file) => out.files.push(file),
            Err(skip) => out.skipped.push(skip),
        }
    }
    Ok(out)
}

/// Read and decode one document file.
pub fn read(file: &SourceFile) -> std::result::Result<Loaded, Skipped> {
    let skipped = |reason: String| Skipped {
        path: file.rel.clone(),
        reason,
    };
    let size = std::fs::metadata(&file.path)
        .map_err(|e| skipped(e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(skipped(format!(
            "file is {} MB, more than the {} MB a document may have; split it",
            size >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(&file.path).map_err(|e| skipped(e.to_string()))?;
    let decoded = formats::extract(file.format, &bytes).map_err(|e| skipped(e.to_string()))?;
    Ok(Loaded {
        file: file.clone(),
        decoded,
        hash: hex128(blake3::hash(&bytes)),
    })
}

/// BLAKE3 hash of a file's bytes (what [`Loaded::hash`] holds), without decoding it.
pub fn hash(file: &SourceFile) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut f = std::fs::File::open(&file.path)?;
    std::io::copy(&mut f, &mut hasher)?;
    Ok(hex128(hasher.finalize()))
}

/// The first 128 bits of a hash, in hex: plenty to tell a changed file, half the bytes of
/// `files.json.zst`'s hashes.
fn hex128(hash: blake3::Hash) -> String {
    hash.to_hex()[..32].to_owned()
}

fn rel_string(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

fn io_reason(e: &dyn std::fmt::Display) -> String {
    e.to_string()
}

/// Largest text a query reads from a file or standard input.
pub const MAX_INPUT_BYTES: usize = 16 << 20;

/// Decode a text given to a query (a file of any format the corpus may hold, by its extension
/// — plain text when it has none or another — or the bytes of standard input as text): a clear error for
/// text that is too long or undecodable, never a guess.
pub fn read_input(name: &str, bytes: &[u8], ext: Option<&str>) -> Result<String> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::Query(format!(
            "{name} is {} MB; a text to compare may have at most {} MB",
            bytes.len() >> 20,
            MAX_INPUT_BYTES >> 20
        )));
    }
    let format = match ext {
        Some(e) => match (Format::from_extension(e), formats::unsupported(e)) {
            (Some(f), _) => f,
            (None, Some(why)) => return Err(Error::Query(format!("{name}: {why}"))),
            (None, None) => Format::Text,
        },
        None => Format::Text,
    };
    formats::extract(format, bytes)
        .map(|d| d.text)
        .map_err(|e| Error::Query(format!("{name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_documents_only_sorted_and_relative() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        for name in [
            "z.txt",
            "a.MD",
            "b/c/d.txt",
            "notes.tsv",
            "page.htm",
            "w.docx",
            "scan.pdf",
            ".hidden/x.txt",
            ".y.txt",
        ] {
            std::fs::write(root.join(name), "文本").unwrap();
        }
        let walk = walk(root).unwrap();
        let rels: Vec<_> = walk
            .files
            .iter()
            .map(|f| (f.rel.as_str(), f.format.name()))
            .collect();
        assert_eq!(
            rels,
            vec![
                ("a.MD", "markdown"),
                ("b/c/d.txt", "text"),
                ("page.htm", "html"),
                ("w.docx", "docx"),
                ("z.txt", "text")
            ]
        );
        assert_eq!(walk.skipped.len(), 1);
        assert_eq!(walk.skipped[0].path, "scan.pdf");
        assert!(walk.skipped[0].reason.contains("pdftotext"));
    }

    #[test]
    fn missing_root_is_an_error() {
        let err = walk(Path::new("/nonexistent/jiansuo/corpus")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/jiansuo/corpus"),
            "{err}"
        );
    }
}
