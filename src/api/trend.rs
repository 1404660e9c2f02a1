//! Trends: counts per bucket of time (year, month, day) or per collection, with each bucket's
//! size in characters, so that a year with more text does not look like a rise.
//!
//! A document falls in the bucket of its date at the bucket's precision: a document dated only
//! to the year is left out of months and days (counted as `imprecise_left_out`), an undated
//! one out of every time bucket (`undated_left_out`). Between the first and the last bucket
//! holding a selected document every bucket is listed, empty ones with zeros.

use std::collections::HashSet;

use serde::Serialize;

use crate::docmeta::Date;
use crate::docmeta::date::{civil_from_days, days_from_civil};
use crate::error::{Error, Result};
use crate::index::{DocSelection, IndexHandle, selected};

/// What to bucket by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Year,
    Month,
    Day,
    Collection,
}

impl By {
    pub fn name(self) -> &'static str {
        match self {
            By::Year => "year",
            By::Month => "month",
            By::Day => "day",
            By::Collection => "collection",
        }
    }
}

/// The buckets of the selected documents.
#[derive(Debug, Clone)]
pub struct Buckets {
    pub by: By,
    /// Bucket names in order (`2020`, `2020-07`, `2020-07-01`, or collection names).
    pub names: Vec<String>,
    /// Characters and documents of each bucket.
    pub chars: Vec<u64>,
    pub docs: Vec<u64>,
    /// Per document ordinal: its bucket (`u32::MAX`: none).
    of_doc: Vec<u32>,
    pub undated_left_out: usize,
    pub imprecise_left_out: usize,
}

/// A time bucket as a number that counts up by one from bucket to bucket.
fn time_slot(by: By, d: Date) -> Option<i64> {
    let (y, m, day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    match by {
        By::Year => Some(y),
        By::Month if m > 0 => Some(y * 12 + m - 1),
        By::Day if day > 0 => Some(days_from_civil(y, m, day)),
        _ => None,
    }
}

fn slot_name(by: By, slot: i64) -> String {
    match by {
        By::Year => format!("{slot:04}"),
        By::Month => format!("{:04}-{:02}", slot.div_euclid(12), slot.rem_euclid(12) + 1),
        By::Day => {
            let (y, m, d) = civil_from_days(slot);
            format!("{y:04}-{m:02}-{d:02}")
        }
        By::Collection => String::new(),
    }
}

/// Most time buckets listed (a day-by-day table of 1954–2026 has 26,000 rows).
const MAX_BUCKETS: i64 = 100_000;

impl Buckets {
    /// The buckets of the documents of `sel` (all live documents without one).
    pub fn of(handle: &IndexHandle, by: By, sel: Option<&DocSelection>) -> Result<Buckets> {
        let table = handle.docs();
        let mut of_doc = vec![u32::MAX; table.len()];
        let mut out = Buckets {
            by,
            names: Vec::new(),
            chars: Vec::new(),
            docs: Vec::new(),
            of_doc: Vec::new(),
            undated_left_out: 0,
            imprecise_left_out: 0,
        };
        if by == By::Collection {
            let names = table.collections();
            out.names = names.to_vec();
            out.chars = vec![0; names.len()];
            out.docs = vec![0; names.len()];
            for (ord, slot) in of_doc.iter_mut().enumerate() {
                if table.is_tombstone(ord) || !selected(sel, ord as u64) {
                    continue;
                }
                let c = table.collection(ord);
                if let Some(chars) = out.chars.get_mut(c as usize) {
                    *chars += table.chars(ord);
                    out.docs[c as usize] += 1;
                    *slot = c;
                }
            }
            // Only the collections that hold selected documents.
            let keep: Vec<bool> = out.docs.iter().map(|&n| n > 0).collect();
            let mut renumber = vec![u32::MAX; keep.len()];
            let mut next = 0u32;
            for (i, &k) in keep.iter().enumerate() {
                if k {
                    renumber[i] = next;
                    next += 1;
                }
            }
            for slot in of_doc.iter_mut().filter(|s| **s != u32::MAX) {
                *slot = renumber[*slot as usize];
            }
            let filter = |v: Vec<u64>| -> Vec<u64> {
                v.into_iter()
                    .zip(&keep)
                    .filter(|x| *x.1)
                    .map(|x| x.0)
                    .collect()
            };
            out.names = out
                .names
                .into_iter()
                .zip(&keep)
                .filter(|x| *x.1)
                .map(|x| x.0)
                .collect();
            out.chars = filter(out.chars);
            out.docs = filter(out.docs);
            out.of_doc = of_doc;
            return Ok(out);
        }
        let mut slots: Vec<(usize, i64)> = Vec::new();
        for ord in 0..table.len() {
            if table.is_tombstone(ord) || !selected(sel, ord as u64) {
                continue;
            }
            match Date::from_key(table.date_key(ord)) {
                None => out.undated_left_out += 1,
                Some(d) => match time_slot(by, d) {
                    Some(s) => slots.push((ord, s)),
                    None => out.imprecise_left_out += 1,
                },
            }
        }
        let (Some(lo), Some(hi)) = (
            slots.iter().map(|s| s.1).min(),
            slots.iter().map(|s| s.1).max(),
        ) else {
            out.of_doc = of_doc;
            return Ok(out);
        };
        if hi - lo >= MAX_BUCKETS {
            return Err(Error::Query(format!(
                "the documents span {} {}s; give --since/--until or a coarser --by",
                hi - lo + 1,
                by.name()
            )));
        }
        let n = (hi - lo + 1) as usize;
        out.names = (lo..=hi).map(|s| slot_name(by, s)).collect();
        out.chars = vec![0; n];
        out.docs = vec![0; n];
        for (ord, s) in slots {
            let b = (s - lo) as usize;
            out.chars[b] += table.chars(ord);
            out.docs[b] += 1;
            of_doc[ord] = b as u32;
        }
        out.of_doc = of_doc;
        Ok(out)
    }

    /// The bucket of document `ord`, if it has one.
    pub fn bucket(&self, ord: u64) -> Option<usize> {
        self.of_doc
            .get(ord as usize)
            .copied()
            .filter(|&b| b != u32::MAX)
            .map(|b| b as usize)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Occurrences per million characters.
pub fn per_million(hits: u64, chars: u64) -> f64 {
    if chars == 0 {
        0.0
    } else {
        let x = hits as f64 * 1e6 / chars as f64;
        (x * 1000.0).round() / 1000.0
    }
}

/// Sums per bucket of `(document ordinal, count)` pairs (a document may come several times):
/// (count, documents) per bucket, and the count of the documents in no bucket.
pub fn tally(buckets: &Buckets, per_doc: &[(u64, u64)]) -> (Vec<(u64, u64)>, u64) {
    let mut out = vec![(0u64, 0u64); buckets.len()];
    let mut left_out = 0;
    let mut seen: HashSet<u64> = HashSet::new();
    for &(d, n) in per_doc {
        match buckets.bucket(d) {
            Some(b) => {
                out[b].0 += n;
                if seen.insert(d) {
                    out[b].1 += 1;
                }
            }
            None => left_out += n,
        }
    }
    (out, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_slots_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2020, 2, 29), (2024, 12, 31), (1954, 9, 23)] {
            let s = days_from_civil(y, m, d);
            assert_eq!(slot_name(By::Day, s), format!("{y:04}-{m:02}-{d:02}"));
            assert_eq!(slot_name(By::Day, s + 1).len(), 10);
        }
        assert_eq!(
            slot_name(By::Day, days_from_civil(2020, 2, 28) + 1),
            "2020-02-29"
        );
        assert_eq!(
            slot_name(By::Day, days_from_civil(2021, 2, 28) + 1),
            "2021-03-01"
        );
        assert_eq!(slot_name(By::Month, 2020 * 12 + 11), "2020-12");
    }
}
