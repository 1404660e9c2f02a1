//! Near-duplicate documents (reposts): groups of documents whose texts are nearly the same.
//!
//! 1. **Candidates** from the documents' sketches (made at index time, `sketch.bin`): two
//!    documents are candidates when their sketches agree on all [`ROWS`] bins of one of the
//!    [`BANDS`] bands (locality-sensitive hashing: documents sharing 80 % of their windows meet
//!    in some band with probability 0.985, unrelated ones almost never), their estimated
//!    similarity is at least the threshold less 0.25, and their lengths allow it.
//! 2. **Proof**: each candidate pair is aligned ([`super::compare_documents`]); the two are
//!    near-duplicates when each holds at least `min_share` of the other's characters in shared
//!    spans.
//! 3. **Groups**: connected components of the proved pairs; a group's first document is its
//!    earliest (by date, undated last, then by ordinal), the one counted by `--once`.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{DocumentText, compare_documents, covered};
use crate::align::SpanOptions;
use crate::analyze::{SKETCH_BINS, Sketch, filled_bins, sketch_similarity};
use crate::error::Result;
use crate::index::{IndexHandle, read_sketches};

/// The default least share of each document its near-duplicate holds.
pub const DUPLICATE_SHARE: f64 = 0.8;

/// Bands of the sketch, and bins per band.
pub const BANDS: usize = 8;
pub const ROWS: usize = SKETCH_BINS / BANDS;
/// Documents with fewer filled bins than this (a few dozen characters) are not grouped.
pub const MIN_FILLED_BINS: usize = 16;
/// A band bucket holding more documents than this (a template most documents share) is not
/// used for candidates.
pub const MAX_BUCKET: usize = 200;

/// A group of near-duplicate documents: ordinals, the one counted first.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateGroup {
    pub docs: Vec<u64>,
    /// The least share, over the group's proved pairs, of one document held by the other.
    pub min_share: f64,
}

/// The near-duplicate documents of an index.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    /// Largest first.
    pub groups: Vec<DuplicateGroup>,
    /// Candidate pairs aligned.
    pub compared: usize,
}

/// Every group of near-duplicate documents of the index (found once per index handle).
pub fn duplicate_groups(
    handle: &IndexHandle,
    min_share: f64,
) -> Result<std::sync::Arc<Duplicates>> {
    let key = format!("duplicates {min_share}");
    handle.memo(&key, || find_groups(handle, min_share))
}

fn find_groups(handle: &IndexHandle, min_share: f64) -> Result<Duplicates> {
    let sketches = read_sketches(handle.dir(), handle.generation())?;
    let table = handle.docs();
    let usable = |d: usize| {
        d < sketches.len() && !table.is_tombstone(d) && filled_bins(&sketches[d]) >= MIN_FILLED_BINS
    };
    // Band buckets.
    let mut buckets: HashMap<(usize, [u32; ROWS]), Vec<u32>> = HashMap::new();
    for d in (0..table.len()).filter(|&d| usable(d)) {
        for b in 0..BANDS {
            let mut key = [0u32; ROWS];
            key.copy_from_slice(&sketches[d][b * ROWS..(b + 1) * ROWS]);
            buckets.entry((b, key)).or_default().push(d as u32);
        }
    }
    let mut pairs: HashSet<(u32, u32)> = HashSet::new();
    for docs in buckets
        .values()
        .filter(|v| v.len() > 1 && v.len() <= MAX_BUCKET)
    {
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
    drop(buckets);
    crate::cancel::check()?;
    let estimate = |a: &Sketch, b: &Sketch| sketch_similarity(a, b).unwrap_or(0.0);
    let mut pairs: Vec<(u32, u32)> = pairs
        .into_iter()
        .filter(|&(a, b)| {
            let (ca, cb) = (table.chars(a as usize), table.chars(b as usize));
            let ratio = ca.min(cb) as f64 / ca.max(cb).max(1) as f64;
            ratio >= min_share * 0.9
                && estimate(&sketches[a as usize], &sketches[b as usize]) >= min_share - 0.25
        })
        .collect();
    pairs.sort_unstable();

    // Proof by alignment, each document's text read once per thread's pair.
    let token = crate::cancel::current();
    let opts = SpanOptions::default();
    let proved: Vec<Option<(u32, u32, f64)>> = pairs
        .par_iter()
        .map(|&(a, b)| {
            crate::cancel::check_token(&token)?;
            let ta = DocumentText::read(handle, u64::from(a))?;
            let tb = DocumentText::read(handle, u64::from(b))?;
            let spans = compare_documents(&ta, &tb, &opts);
            let sa = covered(spans.iter().map(|s| (s.a_start, s.a_end)).collect()) as f64
                / ta.chars.len().max(1) as f64;
            let sb = covered(spans.iter().map(|s| (s.b_start, s.b_end)).collect()) as f64
                / tb.chars.len().max(1) as f64;
            let share = sa.min(sb);
            Ok((share >= min_share).then_some((a, b, share)))
        })
        .collect::<Result<_>>()?;

    // Connected components.
    let mut parent: HashMap<u32, u32> = HashMap::new();
    fn root(parent: &mut HashMap<u32, u32>, x: u32) -> u32 {
        let mut r = x;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        let mut y = x;
        while y != r {
            let next = parent[&y];
            parent.insert(y, r);
            y = next;
        }
        r
    }
    let proved: Vec<(u32, u32, f64)> = proved.into_iter().flatten().collect();
    for &(a, b, _) in &proved {
        parent.entry(a).or_insert(a);
        parent.entry(b).or_insert(b);
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent.insert(ra.max(rb), ra.min(rb));
        }
    }
    let mut members: HashMap<u32, Vec<u64>> = HashMap::new();
    let nodes: Vec<u32> = parent.keys().copied().collect();
    for d in nodes {
        let r = root(&mut parent, d);
        members.entry(r).or_default().push(u64::from(d));
    }
    let mut least: HashMap<u32, f64> = HashMap::new();
    for &(a, _, share) in &proved {
        let r = root(&mut parent, a);
        let e = least.entry(r).or_insert(1.0);
        *e = e.min(share);
    }
    let mut groups: Vec<DuplicateGroup> = members
        .into_iter()
        .map(|(r, mut docs)| {
            // Earliest first: dated before undated, then by ordinal.
            docs.sort_by_key(|&d| {
                let k = table.date_key(d as usize);
                (k == 0, k, d)
            });
            DuplicateGroup {
                docs,
                min_share: least.get(&r).copied().unwrap_or(1.0),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.docs
            .len()
            .cmp(&a.docs.len())
            .then(a.docs[0].cmp(&b.docs[0]))
    });
    Ok(Duplicates {
        groups,
        compared: pairs.len(),
    })
}
