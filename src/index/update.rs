//! Updating an index: what the live generation allows ([`Base`]), which files to read and
//! which documents to drop ([`Plan`]), the tables a build uses ([`Extras`]), and the new
//! generation's start as hard links to the live one's segment files.

use std::path::{Path, PathBuf};

use tantivy::Index;

use super::meta::{self, DocEntry, FileEntry, IndexMeta, SkippedFile, dict_hash};
use super::schema::{EXACT_TAIL_CHARS, SCHEMA_VERSION};
use super::theme_counts::CountsTable;
use super::{THEMES_FILE, tokenize};
use crate::analyze::{Lexicon, SpeakerTable};
use crate::docmeta::{Manifest, ManifestSet};
use crate::error::{Error, Result};
use crate::load::{self, SourceFile};

/// What an update found, file by file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
}

/// The user-supplied tables a build uses (file contents, copied into the generation). Tables
/// not given are those of the live index, so that a later `jiansuo index` keeps them.
pub(super) struct Extras {
    pub(super) user_dict: String,
    /// The file `user_dict` was read from (`None`: no user dictionary).
    pub(super) user_dict_source: Option<PathBuf>,
    pub(super) speakers: String,
    pub(super) lexicon: Lexicon,
    /// The manifests, read (from the files given, else from those the live index was built
    /// with, else from their copies there).
    pub(super) manifests: ManifestSet,
    pub(super) manifest_records: Vec<(meta::ManifestRecord, Vec<u8>)>,
    pub(super) manifests_hash: String,
    /// Warnings about the manifests themselves (a file gone, its copy read).
    pub(super) manifest_notes: Vec<String>,
    pub(super) excludes: Vec<String>,
}

/// Which manifests and excludes a build uses: the ones given, or none (`clear`), or the live
/// index's.
#[derive(Debug, Clone, Default)]
pub struct Sticky {
    pub meta: Vec<PathBuf>,
    pub no_meta: bool,
    pub exclude: Vec<String>,
    pub no_exclude: bool,
}

/// The globs a build leaves out: those given, none (`no_exclude`), or the live index's.
pub(super) fn excludes(sticky: &Sticky, live_meta: Option<&IndexMeta>) -> Vec<String> {
    if !sticky.exclude.is_empty() {
        sticky.exclude.clone()
    } else if sticky.no_exclude {
        Vec::new()
    } else {
        live_meta.map(|m| m.excludes.clone()).unwrap_or_default()
    }
}

/// The manifests of a build: parsed, with their records and bytes, and notes on stderr.
type ReadManifests = (
    ManifestSet,
    Vec<(meta::ManifestRecord, Vec<u8>)>,
    Vec<String>,
);

/// The manifests of a build, with their bytes.
fn read_manifests(
    sticky: &Sticky,
    live: Option<&Path>,
    live_meta: Option<&IndexMeta>,
) -> Result<ReadManifests> {
    let mut notes = Vec::new();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if !sticky.meta.is_empty() {
        for p in &sticky.meta {
            let bytes = std::fs::read(p).map_err(|e| Error::Manifest {
                path: p.clone(),
                reason: format!("cannot read it: {e}"),
            })?;
            files.push((
                std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                bytes,
            ));
        }
    } else if !sticky.no_meta
        && let (Some(g), Some(m)) = (live, live_meta)
    {
        for r in &m.manifests {
            let path = PathBuf::from(&r.path);
            match std::fs::read(&path) {
                Ok(bytes) => files.push((path, bytes)),
                Err(e) => match meta::read_file(g, g, &r.copy) {
                    Ok(bytes) => {
                        notes.push(format!(
                            "manifest {} cannot be read ({e}); the copy the index keeps is used",
                            r.path
                        ));
                        files.push((path, bytes));
                    }
                    Err(_) => notes.push(format!(
                        "manifest {} cannot be read ({e}) and the index has no copy; its \
                         metadata is left out",
                        r.path
                    )),
                },
            }
        }
    }
    let mut set = ManifestSet::default();
    let mut records = Vec::new();
    for (i, (path, bytes)) in files.into_iter().enumerate() {
        set.manifests.push(Manifest::parse(&path, &bytes)?);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("txt");
        records.push((
            meta::ManifestRecord {
                path: path.display().to_string(),
                copy: format!("manifest-{i}.{ext}.zst"),
            },
            bytes,
        ));
    }
    Ok((set, records, notes))
}

impl Extras {
    /// The tables in the files given (user dictionary, speakers, themes), or else the live
    /// generation's. `live_lexicon`: the lexicon of the live generation's theme scores, when it
    /// has one; `excludes`: the globs the walk of this build left out.
    pub(super) fn resolve(
        user_dict: Option<&Path>,
        speakers: Option<&Path>,
        themes: Option<&Path>,
        sticky: &Sticky,
        excludes: Vec<String>,
        live: Option<&Path>,
        live_lexicon: Option<&Lexicon>,
    ) -> Result<Extras> {
        let live_meta: Option<IndexMeta> =
            live.and_then(|g| meta::read_json(g, g, meta::META_FILE).ok());
        let (manifests, manifest_records, manifest_notes) =
            read_manifests(sticky, live, live_meta.as_ref())?;
        let mut h = blake3::Hasher::new();
        for (r, bytes) in &manifest_records {
            h.update(r.path.as_bytes());
            h.update(b"\0");
            h.update(blake3::hash(bytes).as_bytes());
        }
        let manifests_hash = h.finalize().to_hex()[..16].to_owned();
        let from_live = |name: &str| live.and_then(|g| std::fs::read_to_string(g.join(name)).ok());
        let (user_dict, user_dict_source) = match user_dict {
            Some(path) => (tokenize::read_user_dict(path)?, Some(path.to_path_buf())),
            None => match from_live(meta::USER_DICT_FILE) {
                Some(text) => (text, live.map(|g| g.join(meta::USER_DICT_FILE))),
                None => (String::new(), None),
            },
        };
        let speakers = match speakers {
            Some(path) => std::fs::read_to_string(path)
                .map_err(Error::io(format!("reading {}", path.display())))?,
            None => from_live(meta::SPEAKERS_FILE)
                .filter(|s| SpeakerTable::from_extra(s).is_ok())
                .unwrap_or_default(),
        };
        let lexicon = match themes {
            Some(path) => Lexicon::with_file(path)?,
            None => live_lexicon.cloned().unwrap_or_else(Lexicon::builtin),
        };
        Ok(Extras {
            user_dict,
            user_dict_source,
            speakers,
            lexicon,
            manifests,
            manifest_records,
            manifests_hash,
            manifest_notes,
            excludes,
        })
    }

    pub(super) fn speakers_hash(&self) -> String {
        blake3::hash(self.speakers.as_bytes()).to_hex()[..16].to_owned()
    }
}

/// The live generation an update starts from.
pub(super) struct Base {
    pub(super) generation: PathBuf,
    pub(super) meta: IndexMeta,
    /// The base's document entries and sketches, taken (not copied) by the new generation.
    pub(super) docs: std::cell::RefCell<Vec<DocEntry>>,
    pub(super) files: Vec<FileEntry>,
    pub(super) quotes: meta::LineTable,
    pub(super) sketches: std::cell::RefCell<Vec<crate::analyze::Sketch>>,
    /// Theme term counts of the base's passages, by document ordinal.
    pub(super) counts: CountsTable,
    /// The base's word table, taken (not copied) by the new generation.
    pub(super) words: std::cell::RefCell<super::words::WordDfs>,
}

impl Base {
    /// Open the live generation for an update, or say why the index must be rebuilt whole.
    pub(super) fn open(
        dir: &Path,
        generation: &Path,
        corpus: &Path,
        extras: &Extras,
        live_lexicon: &Result<Lexicon>,
    ) -> std::result::Result<Base, String> {
        let unreadable = |what: &str, e: Error| format!("its {what} could not be read ({e})");
        let version: serde_json::Value = meta::read_json(dir, generation, meta::META_FILE)
            .map_err(|e| unreadable("metadata", e))?;
        let found = version["schema_version"].as_u64().unwrap_or(0);
        if found != u64::from(SCHEMA_VERSION) {
            return Err(format!(
                "the index has schema version {found}, this jiansuo writes version {SCHEMA_VERSION}"
            ));
        }
        let meta: IndexMeta = meta::read_json(dir, generation, meta::META_FILE)
            .map_err(|e| unreadable("metadata", e))?;
        if meta.matching_form_version != crate::matching::MATCHING_FORM_VERSION {
            return Err(format!(
                "the index holds matching form {}, this jiansuo compares form {}",
                meta.matching_form_version,
                crate::matching::MATCHING_FORM_VERSION
            ));
        }
        let root = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
        if meta.corpus_root != root.display().to_string() {
            return Err(format!(
                "it was built from {}, not {}",
                meta.corpus_root,
                root.display()
            ));
        }
        if meta.user_dict_hash != dict_hash(&extras.user_dict) {
            return Err("the user dictionary changed".into());
        }
        // An update keeps the base's files: they must be as they were written.
        match super::check::check(dir) {
            Ok(r) if !r.is_sound() => {
                return Err(format!(
                    "the live generation is damaged ({}; `jiansuo check` lists it)",
                    r.damaged_names()
                ));
            }
            Ok(_) => {}
            Err(e) => return Err(format!("the live generation could not be checked ({e})")),
        }
        if meta.speakers_hash != extras.speakers_hash() {
            return Err("the speaker table changed".into());
        }
        let lexicon = live_lexicon
            .as_ref()
            .map_err(|e| format!("its themes could not be read ({e})"))?;
        if lexicon.hash() != extras.lexicon.hash() {
            return Err("the theme lexicon changed".into());
        }
        if meta.exact_tail_chars != EXACT_TAIL_CHARS {
            return Err("the exact field's tail length changed".into());
        }
        Index::open_in_dir(generation)
            .and_then(|index| index.searchable_segment_ids())
            .map_err(|e| unreadable("index files", e.into()))?;
        // The tables, read side by side (each is decoded whole; one after the other they took
        // 4 s of an update on 1 GB).
        let (docs, files, quotes, sketches, counts, words) = std::thread::scope(|scope| {
            let docs = scope.spawn(|| {
                super::DocTable::open(dir, generation)
                    .and_then(|t| t.all())
                    .map_err(|e| unreadable("document table", e))
            });
            let files = scope.spawn(|| {
                meta::read_json::<Vec<FileEntry>>(dir, generation, meta::FILES_FILE)
                    .map_err(|e| unreadable("file table", e))
            });
            let quotes = scope.spawn(|| {
                meta::LineTable::open(dir, generation, meta::QUOTES_FILE)
                    .map_err(|e| unreadable("quotations", e))
            });
            let sketches = scope.spawn(|| {
                super::read_sketches(dir, generation)
                    .map_err(|e| unreadable("document sketches", e))
            });
            let counts = scope.spawn(|| {
                CountsTable::read(dir, generation).map_err(|e| unreadable("theme term counts", e))
            });
            let words =
                super::words::read(dir, generation).map_err(|e| unreadable("word table", e));
            fn joined<T>(
                h: std::thread::ScopedJoinHandle<'_, std::result::Result<T, String>>,
            ) -> std::result::Result<T, String> {
                h.join()
                    .unwrap_or_else(|_| Err("a table reader stopped".to_owned()))
            }
            (
                joined(docs),
                joined(files),
                joined(quotes),
                joined(sketches),
                joined(counts),
                words,
            )
        });
        let (docs, files, quotes, sketches, counts, words) =
            (docs?, files?, quotes?, sketches?, counts?, words?);
        if counts.lexicon_hash != extras.lexicon.hash() {
            return Err("its theme term counts are of another lexicon".into());
        }
        if quotes.len() != docs.len()
            || sketches.len() != docs.len()
            || counts.docs() != docs.len()
            || files.iter().any(|f| f.doc as usize >= docs.len())
        {
            return Err("its tables disagree on the number of documents".into());
        }
        Ok(Base {
            generation: generation.to_path_buf(),
            meta,
            docs: docs.into(),
            files,
            quotes,
            sketches: sketches.into(),
            counts,
            words: words.into(),
        })
    }
}

/// What a build reads and what it drops.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Files to read and index, in path order.
    pub(super) index: Vec<SourceFile>,
    /// Ordinals of documents of the base to delete (changed or removed files).
    pub(super) drop: Vec<u64>,
    /// File entries of the base kept as they are (mtime refreshed).
    pub(super) keep: Vec<FileEntry>,
    /// Kept entries whose mtime changed while their content did not.
    pub(super) refreshed: bool,
    /// Files the base refused to index, unchanged since: refused again without reading.
    pub(super) still_skipped: Vec<SkippedFile>,
    pub(super) changes: Changes,
}

impl Plan {
    pub(super) fn make(walk: &load::Walk, base: Option<&Base>) -> Plan {
        let mut plan = Plan::default();
        let Some(base) = base else {
            plan.index = walk.files.clone();
            plan.changes.added = walk.files.len() as u64;
            return plan;
        };
        let mut old: rustc_hash::FxHashMap<&str, &FileEntry> =
            base.files.iter().map(|f| (f.path.as_str(), f)).collect();
        let refused: rustc_hash::FxHashMap<&str, &SkippedFile> = base
            .meta
            .skipped
            .iter()
            .filter(|s| s.stamp.is_some())
            .map(|s| (s.path.as_str(), s))
            .collect();
        for file in &walk.files {
            let Some(entry) = old.remove(file.rel.as_str()) else {
                match refused.get(file.rel.as_str()) {
                    Some(s) if s.stamp == Some((file.size, file.mtime_ns)) => {
                        plan.still_skipped.push((*s).clone());
                    }
                    _ => {
                        plan.index.push(file.clone());
                        plan.changes.added += 1;
                    }
                }
                continue;
            };
            let same = (entry.size == file.size && entry.mtime_ns == file.mtime_ns)
                || load::hash(file).is_ok_and(|h| h == entry.hash);
            if same {
                plan.refreshed |= entry.mtime_ns != file.mtime_ns;
                plan.keep.push(FileEntry {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    ..entry.clone()
                });
                plan.changes.unchanged += 1;
            } else {
                plan.index.push(file.clone());
                plan.drop.push(entry.doc);
                plan.changes.changed += 1;
            }
        }
        for entry in old.into_values() {
            plan.drop.push(entry.doc);
            plan.changes.removed += 1;
        }
        plan.drop.sort_unstable();
        plan
    }
}

/// Give the new generation the tantivy files of the base: hard links to the immutable segment
/// files (copies where links cannot be made), copies of tantivy's own metadata.
pub(super) fn link_base(base: &Path, gen_dir: &Path) -> Result<()> {
    let ours = [
        meta::META_FILE,
        super::doctable::DOCS_FILE,
        meta::FILES_FILE,
        meta::USER_DICT_FILE,
        meta::QUOTES_FILE,
        meta::SPEAKERS_FILE,
        THEMES_FILE,
        super::words::WORDS_FILE,
        super::theme_counts::COUNTS_FILE,
        super::check::CHECKSUMS_FILE,
    ];
    let entries =
        std::fs::read_dir(base).map_err(Error::io(format!("listing {}", base.display())))?;
    for entry in entries {
        let entry = entry.map_err(Error::io(format!("listing {}", base.display())))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if ours.contains(&name)
            || name.ends_with(".tmp")
            || name.ends_with(".lock")
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
            continue;
        }
        let (from, to) = (entry.path(), gen_dir.join(name));
        let mutable = name == "meta.json" || name == ".managed.json";
        if mutable || std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(Error::io(format!(
                "copying {} to {}",
                from.display(),
                to.display()
            )))?;
        }
    }
    Ok(())
}
