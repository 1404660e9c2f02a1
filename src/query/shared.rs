//! `shared`: maximal phrases that several documents have in common (the raw material of text
//! reuse).
//!
//! 1. Every paragraph's matching form is read back from the index.
//! 2. Every `min_chars`-gram is hashed (40 bits) and paired with its document (24 bits) in one
//!    `u64`; sorting these and removing duplicates groups each gram's documents. A gram found in
//!    `min_docs..=max_docs` documents is *shared*.
//! 3. In each paragraph, runs of shared grams are grown greedily while the documents common to
//!    every gram of the run stay at least `min_docs` (and then grown to the left the same way),
//!    giving candidate phrases with their (approximate) document sets.
//! 4. Every candidate is counted exactly with [`count_phrase`] (so hash collisions and gram
//!    coincidences cannot invent a phrase). Longest first, a phrase in `min_docs..=max_docs`
//!    documents is kept unless it lies inside a kept phrase found in as many documents; one in
//!    too few documents gives way to its two one-character-shorter parts, which are counted
//!    in turn.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;

use super::{PhraseCounts, count_phrase, stored_passage};
use crate::error::{Error, Result};
use crate::index::{DocSelection, IndexHandle, selected};
use crate::matching::matching_string;

/// What to look for.
#[derive(Debug, Clone, Copy)]
pub struct SharedOptions {
    /// Shortest phrase, in matching-form characters.
    pub min_chars: usize,
    /// Fewest documents a phrase must occur in.
    pub min_docs: usize,
    /// Most documents: phrases more widespread than this (boilerplate) are left out.
    pub max_docs: usize,
}

/// A phrase several documents share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPhrase {
    /// The phrase's matching form.
    pub phrase: String,
    /// `(document ordinal, occurrences)`, in document order.
    pub docs: Vec<(u64, u64)>,
    /// All occurrences.
    pub hits: u64,
}

const DOC_BITS: u32 = 24;
const DOC_MASK: u64 = (1 << DOC_BITS) - 1;

/// Find the shared phrases of the index, longest first, then most widespread.
pub fn shared_phrases(
    handle: &IndexHandle,
    opts: SharedOptions,
    sel: Option<&DocSelection>,
) -> Result<Vec<SharedPhrase>> {
    if opts.min_chars == 0 || opts.min_docs < 2 || opts.max_docs < opts.min_docs {
        return Err(Error::Query(
            "need --min-chars ≥ 1, --min-docs ≥ 2 and --max-docs ≥ --min-docs".into(),
        ));
    }
    if handle.docs().len() as u64 > DOC_MASK {
        return Err(Error::Query(format!(
            "`shared` handles at most {DOC_MASK} documents; this index has {}",
            handle.docs().len()
        )));
    }
    let paragraphs = read_paragraphs(handle, sel)?;
    let k = opts.min_chars;

    // Gram → documents, as sorted (hash << 24 | doc) keys.
    let mut keys: Vec<u64> = Vec::new();
    for (doc, mf) in &paragraphs {
        for_each_gram_hash(mf, k, |_, h| keys.push((h << DOC_BITS) | u64::from(*doc)));
    }
    keys.sort_unstable();
    keys.dedup();
    // Shared grams: hash → their run of keys.
    let mut groups: HashMap<u64, (usize, usize)> = HashMap::new();
    let mut at = 0;
    while at < keys.len() {
        let h = keys[at] >> DOC_BITS;
        let end = at + keys[at..].partition_point(|&x| x >> DOC_BITS == h);
        if (opts.min_docs..=opts.max_docs).contains(&(end - at)) {
            groups.insert(h, (at, end));
        }
        at = end;
    }
    let docs_of = |h: u64| -> &[u64] { groups.get(&h).map_or(&[][..], |&(lo, hi)| &keys[lo..hi]) };
    let shared = |h: u64| groups.contains_key(&h);

    crate::cancel::check()?;
    // Candidates: runs of shared grams whose common documents stay ≥ min_docs.
    let mut candidates: HashMap<String, usize> = HashMap::new();
    for (n, (_, mf)) in paragraphs.iter().enumerate() {
        if n.is_multiple_of(1024) {
            crate::cancel::check()?;
        }
        let mut hashes: Vec<Option<u64>> = Vec::new();
        for_each_gram_hash(mf, k, |_, h| hashes.push(shared(h).then_some(h)));
        let mut i = 0;
        while i < hashes.len() {
            let Some(h) = hashes[i] else {
                i += 1;
                continue;
            };
            let mut common: Vec<u64> = docs_of(h).iter().map(|x| x & DOC_MASK).collect();
            let mut start = i;
            while start > 0 {
                let Some(prev) = hashes[start - 1] else { break };
                let next = intersect(&common, docs_of(prev));
                if next.len() < opts.min_docs {
                    break;
                }
                common = next;
                start -= 1;
            }
            let mut end = i + 1;
            while end < hashes.len() {
                let Some(h) = hashes[end] else { break };
                let next = intersect(&common, docs_of(h));
                if next.len() < opts.min_docs {
                    break;
                }
                common = next;
                end += 1;
            }
            let phrase: String = mf[start..end - 1 + k].iter().collect();
            let n = common.len();
            candidates
                .entry(phrase)
                .and_modify(|c| *c = (*c).max(n))
                .or_insert(n);
            i = end;
        }
    }
    drop(groups);
    drop(keys);

    // Exact counts of every candidate, on every core.
    let mut candidates: Vec<String> = candidates.into_keys().collect();
    candidates.sort_unstable();
    let counted = count_all(handle, &candidates, sel)?;

    // Longest first: keep a phrase in min_docs..=max_docs documents unless it lies inside a
    // kept, longer phrase found in as many documents; a phrase in too few documents (its run's
    // gram documents overlapped by chance) gives way to its two one-shorter parts.
    let mut queue: BTreeMap<(std::cmp::Reverse<usize>, String), Option<PhraseCounts>> = candidates
        .into_iter()
        .zip(counted)
        .map(|(p, c)| ((std::cmp::Reverse(p.chars().count()), p), Some(c)))
        .collect();
    let mut tried: HashSet<String> = HashSet::new();
    let mut out: Vec<SharedPhrase> = Vec::new();
    let mut gram_index: HashMap<u64, Vec<usize>> = HashMap::new();
    while let Some(((std::cmp::Reverse(len), phrase), counts)) = queue.pop_first() {
        if tried.len().is_multiple_of(256) {
            crate::cancel::check()?;
        }
        if !tried.insert(phrase.clone()) {
            continue;
        }
        let chars: Vec<char> = phrase.chars().collect();
        let counts = match counts {
            Some(c) => c,
            None => count_phrase(handle, &chars, sel)?,
        };
        let docs = counts.docs();
        if docs < opts.min_docs {
            if len > k {
                for part in [&chars[1..], &chars[..len - 1]] {
                    let part: String = part.iter().collect();
                    if !tried.contains(&part) {
                        queue
                            .entry((std::cmp::Reverse(len - 1), part))
                            .or_insert(None);
                    }
                }
            }
            continue;
        }
        if docs > opts.max_docs {
            continue;
        }
        let mut first = 0;
        for_each_gram_hash(&chars[..k], k, |_, h| first = h);
        let inside = gram_index.get(&first).is_some_and(|ids| {
            ids.iter()
                .any(|&id| out[id].docs.len() >= docs && out[id].phrase.contains(phrase.as_str()))
        });
        if inside {
            continue;
        }
        let id = out.len();
        for_each_gram_hash(&chars, k, |_, h| gram_index.entry(h).or_default().push(id));
        out.push(SharedPhrase {
            phrase,
            hits: counts.hits,
            docs: counts.per_doc,
        });
    }
    out.sort_by(|a, b| {
        let len = |p: &SharedPhrase| p.phrase.chars().count();
        len(b)
            .cmp(&len(a))
            .then(b.docs.len().cmp(&a.docs.len()))
            .then(a.phrase.cmp(&b.phrase))
    });
    Ok(out)
}

/// Exact counts of many phrases, on the threads of the pool (`--threads`), in order.
fn count_all(
    handle: &IndexHandle,
    phrases: &[String],
    sel: Option<&DocSelection>,
) -> Result<Vec<PhraseCounts>> {
    let token = crate::cancel::current();
    phrases
        .par_iter()
        .map(|p| {
            crate::cancel::check_token(&token)?;
            count_phrase(handle, &p.chars().collect::<Vec<_>>(), sel)
        })
        .collect()
}

/// Every paragraph's matching form with its document ordinal, read from the stored passages.
fn read_paragraphs(
    handle: &IndexHandle,
    sel: Option<&DocSelection>,
) -> Result<Vec<(u32, Vec<char>)>> {
    let searcher = handle.searcher();
    let mut addrs: Vec<_> = searcher
        .search(&AllQuery, &DocSetCollector)?
        .into_iter()
        .collect();
    if sel.is_some() {
        let cols = (0..searcher.segment_readers().len() as u32)
            .map(|s| handle.columns(s))
            .collect::<Result<Vec<_>>>()?;
        addrs.retain(|a| selected(sel, cols[a.segment_ord as usize].doc.get_val(a.doc_id)));
    }
    // In store order, so that each compressed block is read once.
    addrs.sort_unstable();
    // para_key → (passage start, text)
    let mut paras: BTreeMap<u64, Vec<(u32, String)>> = BTreeMap::new();
    for (n, addr) in addrs.into_iter().enumerate() {
        if n.is_multiple_of(4096) {
            crate::cancel::check()?;
        }
        let p = stored_passage(handle, &searcher, addr)?;
        let key = crate::index::para_key(p.doc, p.paragraph);
        paras.entry(key).or_default().push((p.start, p.text));
    }
    Ok(paras
        .into_iter()
        .map(|(key, mut parts)| {
            parts.sort_unstable_by_key(|(s, _)| *s);
            let text: String = parts.into_iter().map(|(_, t)| t).collect();
            ((key >> 32) as u32, matching_string(&text).chars().collect())
        })
        .collect())
}

/// Call `f(position, hash)` for every `k`-gram of `chars` (a 40-bit polynomial rolling hash).
fn for_each_gram_hash(chars: &[char], k: usize, mut f: impl FnMut(usize, u64)) {
    const MOD_BITS: u32 = 40;
    const MASK: u64 = (1 << MOD_BITS) - 1;
    const BASE: u64 = 1_000_003;
    if k == 0 || chars.len() < k {
        return;
    }
    // BASE^(k-1) mod 2^40, to remove the leaving character.
    let mut top = 1u64;
    for _ in 1..k {
        top = top.wrapping_mul(BASE) & MASK;
    }
    let mut h = 0u64;
    for (i, &c) in chars.iter().enumerate() {
        if i >= k {
            let out = u64::from(chars[i - k] as u32) + 1;
            h = h.wrapping_sub(out.wrapping_mul(top)) & MASK;
        }
        h = (h.wrapping_mul(BASE).wrapping_add(u64::from(c as u32) + 1)) & MASK;
        if i + 1 >= k {
            f(i + 1 - k, mix(h) & MASK);
        }
    }
}

/// Scramble the rolling hash's bits (the polynomial keeps low bits of nearby grams close).
fn mix(h: u64) -> u64 {
    let mut x = h ^ (h >> 23);
    x = x.wrapping_mul(0x2127_599b_f432_5c37);
    x ^ (x >> 29)
}

/// Documents in both `a` (sorted ordinals) and `keys` (sorted keys of one gram).
fn intersect(a: &[u64], keys: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len().min(keys.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < keys.len() {
        let b = keys[j] & DOC_MASK;
        match a[i].cmp(&b) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_hash_equals_direct_hash() {
        let text: Vec<char> = "调查研究是谋事之基成事之道调查研究".chars().collect();
        let mut rolled = Vec::new();
        for_each_gram_hash(&text, 4, |i, h| rolled.push((i, h)));
        assert_eq!(rolled.len(), text.len() - 3);
        for (i, h) in rolled {
            let mut direct = 0;
            for_each_gram_hash(&text[i..i + 4], 4, |_, h| direct = h);
            assert_eq!(h, direct, "gram at {i}");
        }
        let mut first = 0;
        let mut last = 0;
        for_each_gram_hash(&text[..4], 4, |_, h| first = h);
        for_each_gram_hash(&text[text.len() - 4..], 4, |_, h| last = h);
        assert_eq!(first, last);
    }
}
