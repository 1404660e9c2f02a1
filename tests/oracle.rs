//! The brute-force oracle for exact lookups: every paragraph's matching form, scanned.

use std::collections::BTreeMap;
use std::path::Path;

use jiansuo::matching::matching_string;

pub use jiansuo::bench::Lcg;

/// One document as the oracle sees it.
pub struct Doc {
    pub path: String,
    /// Cleaned text.
    pub cleaned: String,
    /// Matching form of each paragraph (non-empty line).
    pub paragraphs: Vec<Vec<char>>,
    /// 1-based line number of each paragraph.
    pub lines: Vec<u32>,
}

/// Every readable document of a corpus.
pub struct Oracle {
    pub docs: Vec<Doc>,
}

impl Oracle {
    /// Read a corpus with jiansuo's loader and cleaner (their definitions are shared; the
    /// lookup is not), leaving out a `README.md` in its root as the tests' index of
    /// `../shared/corpora` does.
    pub fn load(root: &Path) -> Oracle {
        let walk = jiansuo::load::walk_excluding(root, &["/README.md".into()]).unwrap();
        let mut docs = Vec::new();
        for f in &walk.files {
            let Ok(loaded) = jiansuo::load::read(f) else {
                continue;
            };
            let cleaned = jiansuo::clean::clean(&loaded.decoded.text);
            let (lines, paragraphs): (Vec<u32>, Vec<Vec<char>>) = cleaned
                .split('\n')
                .enumerate()
                .filter(|(_, l)| l.chars().any(|c| !c.is_whitespace()))
                .map(|(i, l)| (i as u32 + 1, matching_string(l).chars().collect()))
                .unzip();
            docs.push(Doc {
                path: f.rel.clone(),
                cleaned,
                paragraphs,
                lines,
            });
        }
        Oracle { docs }
    }

    /// Occurrences of `needle` (a matching form) per document path, documents without any
    /// left out: overlapping occurrences count, none spans paragraphs.
    pub fn counts(&self, needle: &[char]) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for d in &self.docs {
            let n: u64 = d
                .paragraphs
                .iter()
                .map(|p| {
                    if needle.len() > p.len() {
                        0
                    } else {
                        p.windows(needle.len()).filter(|w| *w == needle).count() as u64
                    }
                })
                .sum();
            if n > 0 {
                out.insert(d.path.clone(), n);
            }
        }
        out
    }

    /// A random phrase of 1 to `max_len` characters from a random line, among the lines of
    /// documents whose path contains `path` that `keep` accepts (punctuation and spaces
    /// included); `None` when no line is accepted.
    pub fn sample_where(
        &self,
        rng: &mut Lcg,
        max_len: usize,
        path: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let lines: Vec<&str> = self
            .docs
            .iter()
            .filter(|d| d.path.contains(path))
            .flat_map(|d| d.cleaned.lines())
            .filter(|l| !l.trim().is_empty() && keep(l))
            .collect();
        if lines.is_empty() {
            return None;
        }
        loop {
            let source: Vec<char> = lines[rng.below(lines.len())].chars().collect();
            let len = 1 + rng.below(max_len);
            let start = rng.below(source.len());
            let s: String = source[start..(start + len).min(source.len())]
                .iter()
                .collect();
            if !matching_string(&s).is_empty() {
                return Some(s);
            }
        }
    }

    /// A random phrase: a substring of 1 to `max_len` characters of a random non-empty line of
    /// the cleaned text (punctuation and spaces included), or of the whole cleaned document
    /// (crossing line ends); one in ten gets a character appended that occurs nowhere.
    pub fn sample(&self, rng: &mut Lcg, max_len: usize) -> String {
        loop {
            let d = &self.docs[rng.below(self.docs.len())];
            let source: Vec<char> = if rng.below(8) == 0 {
                d.cleaned.chars().collect()
            } else {
                let lines: Vec<&str> = d.cleaned.lines().filter(|l| !l.trim().is_empty()).collect();
                if lines.is_empty() {
                    continue;
                }
                lines[rng.below(lines.len())].chars().collect()
            };
            if source.is_empty() {
                continue;
            }
            let len = 1 + rng.below(max_len);
            let start = rng.below(source.len());
            let mut s: String = source[start..(start + len).min(source.len())]
                .iter()
                .collect();
            if rng.below(10) == 0 {
                s.push('龘');
            }
            if !matching_string(&s).is_empty() {
                return s;
            }
        }
    }
}
