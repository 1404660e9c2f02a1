//! The documents a request is limited to: [`Filters`] (by folder or file, collection and date)
//! resolved against the index's document table into a selection of document ordinals, which
//! the queries apply inside the index (postings and candidates of other documents are passed
//! over before any text is read).

use serde::Serialize;

use crate::docmeta::Date;
use crate::error::{Error, Result};
use crate::index::{DocSelection, IndexHandle};

/// The documents a request is limited to (all of them when empty). Documents must satisfy
/// every kind of filter given, and any one value of a repeated kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Documents that are one of these paths or lie under one of these folders (relative to
    /// the corpus root, `/`-separated).
    pub under: Vec<String>,
    /// Documents of one of these collections.
    pub collections: Vec<String>,
    /// Documents dated on or after the first day of this date's period.
    pub since: Option<Date>,
    /// Documents dated on or before the last day of this date's period.
    pub until: Option<Date>,
    /// Each group of near-duplicate documents (reposts) counted once: only its earliest
    /// document is kept.
    pub once: bool,
}

/// What a request was limited to (the `scope` of a summary line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Documents selected.
    pub documents: usize,
    /// Documents in the index.
    pub of: usize,
    /// Documents the other filters kept that a date filter left out for having no date.
    pub undated_left_out: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub under: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Near-duplicates of a kept document left out (`--once`).
    #[serde(skip_serializing_if = "is_zero")]
    pub duplicates_left_out: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A resolved filter: the selection (none without filters) and what it is.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub selection: Option<std::sync::Arc<DocSelection>>,
    pub scope: Option<Scope>,
}

impl Selected {
    pub fn get(&self) -> Option<&DocSelection> {
        self.selection.as_deref()
    }
}

/// A path as results name documents: `/`-separated, relative to the corpus root (an absolute
/// path inside the root has the root taken off), without `./`, doubled or trailing slashes.
fn normalise(p: &str, root: &str) -> String {
    let mut p = p.trim().replace('\\', "/");
    while p.contains("//") {
        p = p.replace("//", "/");
    }
    let root = root.trim_end_matches('/');
    if !root.is_empty()
        && let Some(rest) = p.strip_prefix(root)
        && (rest.is_empty() || rest.starts_with('/'))
    {
        p = rest.to_owned();
    }
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_owned();
    }
    p.trim_matches('/').to_owned()
}

impl Filters {
    /// Limited to the documents under `path` (what `--doc PATH` was).
    pub fn under(path: impl Into<String>) -> Filters {
        Filters {
            under: vec![path.into()],
            ..Filters::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.under.is_empty()
            && self.collections.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && !self.once
    }

    /// Check the filters against the index and select their documents (kept by the handle:
    /// the same filters again cost nothing).
    pub fn select(&self, handle: &IndexHandle) -> Result<Selected> {
        if self.is_empty() {
            return Ok(Selected::default());
        }
        let key = format!("filters {self:?}");
        let kept = handle.memo(&key, || self.select_now(handle))?;
        Ok((*kept).clone())
    }

    fn select_now(&self, handle: &IndexHandle) -> Result<Selected> {
        if let (Some(s), Some(u)) = (self.since, self.until)
            && s.key() > u.last_key()
        {
            return Err(Error::Query(format!(
                "--since {s} is after --until {u}: nothing can be dated between them"
            )));
        }
        let table = handle.docs();
        let names = table.collections();
        let mut wanted_collections: Vec<u32> = Vec::new();
        for c in &self.collections {
            match names.iter().position(|n| n == c) {
                Some(i) => wanted_collections.push(i as u32),
                None => {
                    return Err(Error::Query(format!(
                        "no collection {c:?} in this index; its collections are {} (see \
                         `jiansuo docs --collections`)",
                        names.join(", ")
                    )));
                }
            }
        }
        let root = handle.meta().corpus_root.clone();
        let under: Vec<String> = self.under.iter().map(|p| normalise(p, &root)).collect();
        let mut under_hits = vec![0usize; under.len()];
        let lo = self.since.map_or(0, Date::key);
        let hi = self.until.map_or(u32::MAX, Date::last_key);
        let dated_filter = self.since.is_some() || self.until.is_some();
        let mut undated = 0usize;
        let hidden: std::collections::HashSet<u64> = if self.once {
            crate::query::duplicate_groups(handle, crate::query::DUPLICATE_SHARE)?
                .groups
                .iter()
                .flat_map(|g| g.docs.iter().skip(1).copied())
                .collect()
        } else {
            Default::default()
        };
        let mut duplicates = 0usize;
        let selection = DocSelection::of(table, |ord| {
            // Paths first, so that a path nothing lies under is told apart from filters that
            // exclude each other.
            if !under.is_empty() {
                let path = table.path_bytes(ord);
                let mut any = false;
                for (i, u) in under.iter().enumerate() {
                    let u = u.as_bytes();
                    let inside = u.is_empty()
                        || (path.starts_with(u)
                            && (path.len() == u.len() || path[u.len()] == b'/'));
                    if inside {
                        under_hits[i] += 1;
                        any = true;
                    }
                }
                if !any {
                    return Ok(false);
                }
            }
            if !wanted_collections.is_empty()
                && !wanted_collections.contains(&table.collection(ord))
            {
                return Ok(false);
            }
            if dated_filter {
                let key = table.date_key(ord);
                if key == 0 {
                    undated += 1;
                    return Ok(false);
                }
                if key < lo || key > hi {
                    return Ok(false);
                }
            }
            if hidden.contains(&(ord as u64)) {
                duplicates += 1;
                return Ok(false);
            }
            Ok(true)
        })?;
        if let Some(i) = under_hits.iter().position(|&n| n == 0) {
            return Err(Error::Query(format!(
                "no indexed document is {:?} or lies under it; paths are relative to the corpus \
                 root, as `jiansuo docs` prints them",
                self.under[i]
            )));
        }
        let of = table.live_len();
        let scope = Scope {
            documents: selection.len(),
            of,
            undated_left_out: undated,
            under,
            collections: self.collections.clone(),
            since: self.since.map(|d| d.to_string()),
            until: self.until.map(|d| d.to_string()),
            duplicates_left_out: duplicates,
        };
        Ok(Selected {
            selection: Some(std::sync::Arc::new(selection)),
            scope: Some(scope),
        })
    }
}
