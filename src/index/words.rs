//! The jieba words of an index and, for each, the number of passages it is cut from
//! (`words.tsv.zst`): the document frequencies `keywords` ranks by, without a field of words
//! in the index.
//!
//! A build counts the words of the passages it reads on its workers (the same cut that counts
//! the theme terms); an update adds those of the passages it keeps, which the theme rescoring
//! cuts anyway. Words of one character are left out (no keyword is one).

use std::path::Path;

use super::meta;
use crate::error::Result;

/// File name of the table, beside the tantivy files of a generation.
pub const WORDS_FILE: &str = "words.tsv.zst";

use rustc_hash::FxHashMap;

/// Word → passages it is cut from (Fx hash: std's SipHash resists hostile keys a local index
/// does not have, and was the first cost of an update's tables on 1 GB).
pub type WordDfs = FxHashMap<String, u32>;

/// Word → passages, as read back from the table.
pub type WordCounts = FxHashMap<String, u64>;

/// Count the distinct words (of two characters or more) of one passage.
pub fn count_passage(dfs: &mut WordDfs, words: &[String]) {
    let mut distinct: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| w.chars().nth(1).is_some() && !w.contains(['\t', '\n', '\r']))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    for w in distinct {
        match dfs.get_mut(w) {
            Some(n) => *n += 1,
            None => {
                dfs.insert(w.to_owned(), 1);
            }
        }
    }
}

/// Add the counts of `from` to `into`.
pub fn merge(into: &mut WordDfs, from: WordDfs) {
    if into.is_empty() {
        *into = from;
        return;
    }
    for (w, n) in from {
        *into.entry(w).or_default() += n;
    }
}

/// Write the table in `dir`: a `word<TAB>passages` line per word, in word order.
pub fn write(dir: &Path, dfs: &WordDfs) -> Result<()> {
    let mut words: Vec<(&String, &u32)> = dfs.iter().collect();
    // On both cores: a million words or more on 1 GB, written at every update.
    rayon::slice::ParallelSliceMut::par_sort_unstable(&mut words[..]);
    let mut out = String::with_capacity(words.len() * 12);
    for (w, n) in words {
        out.push_str(w);
        out.push('\t');
        out.push_str(&n.to_string());
        out.push('\n');
    }
    meta::write_file(dir, WORDS_FILE, out.as_bytes())
}

/// Read the table written by [`write()`] in `dir`, counts as `u64` ([`WordCounts`], for
/// queries) or `u32` ([`WordDfs`], what an update continues).
pub fn read<N: std::str::FromStr>(index: &Path, dir: &Path) -> Result<FxHashMap<String, N>> {
    let table = meta::LineTable::open(index, dir, WORDS_FILE)?;
    let mut out = FxHashMap::with_capacity_and_hasher(table.len(), Default::default());
    for i in 0..table.len() {
        let line = table.line(i)?;
        let parsed = line
            .split_once('\t')
            .and_then(|(w, n)| Some((w, n.parse::<N>().ok()?)));
        let Some((word, n)) = parsed else {
            return Err(table.corrupt(format!("line {} is not a word and a count", i + 1)));
        };
        out.insert(word.to_owned(), n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_count_once_and_the_table_round_trips() {
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let mut dfs = WordDfs::default();
        count_passage(&mut dfs, &words("调查 研究 调查研究 调查 的 5g"));
        count_passage(&mut dfs, &words("调查 基层"));
        let mut other = WordDfs::default();
        count_passage(&mut other, &words("基层 基层"));
        merge(&mut dfs, other);
        assert_eq!(dfs.get("调查"), Some(&2));
        assert_eq!(dfs.get("基层"), Some(&2));
        assert_eq!(dfs.get("5g"), Some(&1));
        assert_eq!(dfs.get("的"), None);
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &dfs).unwrap();
        let back: WordCounts = read(dir.path(), dir.path()).unwrap();
        assert_eq!(back.len(), dfs.len());
        assert!(dfs.iter().all(|(w, &n)| back.get(w) == Some(&u64::from(n))));
        let same: WordDfs = read(dir.path(), dir.path()).unwrap();
        assert_eq!(same, dfs);
        meta::write_file(dir.path(), WORDS_FILE, b"no count here\n").unwrap();
        assert!(read::<u64>(dir.path(), dir.path()).is_err());
    }
}
