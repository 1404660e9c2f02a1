//! Script folding: traditional (and Hong Kong / Taiwan variant) characters to simplified ones,
//! one character to one character, from OpenCC's tables (vendored in `opencc/`, Apache-2.0).
//!
//! The table is built once per process from three files:
//! * `TSCharacters.txt`: traditional → simplified; where a line gives several simplified
//!   readings (`乾 → 干 乾`), the first is taken;
//! * `HKVariants.txt`, `TWVariants.txt`: standard traditional → regional variant, read in
//!   reverse (variant → standard traditional, the first line naming a variant wins), applied
//!   first, as OpenCC's `hk2s` and `tw2s` do, so that a variant reaches the simplified form
//!   through the standard one (`衹 → 只`, `啟 → 啓 → 启`); a character that is the simplified
//!   form of another is never read as a variant (`么` stays `么`, though Taiwan writes `幺` so).
//!
//! In simplified text, the few characters OpenCC also lists as traditional fold too (`著 → 着`,
//! `乾 → 干`, `昇 → 升`): both the text and the query are folded, so `著名` still finds `著名`,
//! and `着` finds `著` as well.
//!
//! A character is folded to the end of that chain, so folding is idempotent: `fold(fold(c)) ==
//! fold(c)` for every character (tested over the whole table). A character in none of the
//! tables is itself.

use std::collections::HashMap;
use std::sync::OnceLock;

#[cfg(test)]
const TS: &str = include_str!("opencc/TSCharacters.txt");
#[cfg(test)]
const HK: &str = include_str!("opencc/HKVariants.txt");
#[cfg(test)]
const TW: &str = include_str!("opencc/TWVariants.txt");

/// The table made from those files by [`build`]: every character that folds to another, as
/// pairs of little-endian `u32` code points in code point order (written by the test
/// `fold_table_is_made_from_the_opencc_files`, which fails when it is out of date; reading it
/// takes microseconds, making it from the files most of a millisecond).
const PAIRS: &[u8] = include_bytes!("fold.bin");

/// First and last code point of the dense part of the table (CJK Unified Ideographs).
const BASIC_FIRST: u32 = 0x4E00;
const BASIC_LAST: u32 = 0x9FFF;

/// The folding table: dense over the basic CJK block (where nearly every lookup falls), a map
/// for the characters outside it (extension blocks, compatibility forms).
pub struct FoldTable {
    basic: Vec<char>,
    other: HashMap<char, char>,
}

impl FoldTable {
    /// Every character to itself.
    fn identity() -> FoldTable {
        FoldTable {
            basic: (BASIC_FIRST..=BASIC_LAST)
                .map(|u| char::from_u32(u).unwrap_or('\u{fffd}'))
                .collect(),
            other: HashMap::new(),
        }
    }

    /// Fold `c` to `f` from now on.
    fn set(&mut self, c: char, f: char) {
        let u = c as u32;
        if (BASIC_FIRST..=BASIC_LAST).contains(&u) {
            self.basic[(u - BASIC_FIRST) as usize] = f;
        } else if f != c {
            self.other.insert(c, f);
        }
    }

    /// The folded form of `c`.
    #[inline]
    pub fn fold(&self, c: char) -> char {
        let u = c as u32;
        if (BASIC_FIRST..=BASIC_LAST).contains(&u) {
            self.basic[(u - BASIC_FIRST) as usize]
        } else if u < 0x2E80 {
            // Below the CJK radicals nothing folds: Latin, digits, punctuation, kana-free text.
            c
        } else {
            self.other.get(&c).copied().unwrap_or(c)
        }
    }

    /// Every character that folds to another one, with its folded form, in code point order.
    pub fn pairs(&self) -> Vec<(char, char)> {
        let mut out: Vec<(char, char)> = (BASIC_FIRST..=BASIC_LAST)
            .filter_map(char::from_u32)
            .map(|c| (c, self.fold(c)))
            .filter(|(c, f)| c != f)
            .collect();
        out.extend(self.other.iter().map(|(&c, &f)| (c, f)));
        out.sort_unstable();
        out
    }
}

/// The process's folding table (built on first use, about a millisecond).
pub fn table() -> &'static FoldTable {
    static TABLE: OnceLock<FoldTable> = OnceLock::new();
    TABLE.get_or_init(read_pairs)
}

fn read_pairs() -> FoldTable {
    let mut table = FoldTable::identity();
    let code = |b: &[u8]| char::from_u32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    for pair in PAIRS.chunks_exact(8) {
        if let (Some(c), Some(f)) = (code(&pair[..4]), code(&pair[4..])) {
            table.set(c, f);
        }
    }
    table
}

/// The folded form of one character: see the module documentation.
pub fn fold_char(c: char) -> char {
    if (c as u32) < 0x2E80 {
        return c;
    }
    table().fold(c)
}

/// `(key, values)` of each line of an OpenCC dictionary file whose key is one character.
#[cfg(test)]
fn lines(text: &str) -> impl Iterator<Item = (char, Vec<char>)> + '_ {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (key, values) = l.split_once('\t')?;
            let mut k = key.chars();
            let key = k.next()?;
            if k.next().is_some() {
                return None;
            }
            let values: Vec<char> = values
                .split_whitespace()
                .filter_map(|v| {
                    let mut cs = v.chars();
                    let c = cs.next()?;
                    cs.next().is_none().then_some(c)
                })
                .collect();
            Some((key, values))
        })
}

/// The table made from the OpenCC files (see the module documentation).
#[cfg(test)]
fn build() -> FoldTable {
    // Traditional → simplified, the first line naming a character winning.
    let mut ts = FoldTable::identity();
    let mut keys: Vec<char> = Vec::new();
    // The characters that are the simplified form of another.
    let mut simplified = std::collections::HashSet::new();
    for (key, values) in lines(TS) {
        let Some(&first) = values.first() else {
            continue;
        };
        if ts.fold(key) != key {
            continue;
        }
        ts.set(key, first);
        keys.push(key);
        if first != key {
            simplified.insert(first);
        }
    }
    // Variant → standard traditional, from the regional tables read in reverse; never for a
    // character that is the simplified form of another (TWVariants lists 么 as Taiwan's form
    // of 幺, but in simplified text 么 is the 么 of 什么).
    let mut standard = FoldTable::identity();
    for text in [HK, TW] {
        for (key, values) in lines(text) {
            for v in values {
                if v != key && !simplified.contains(&v) && standard.fold(v) == v {
                    standard.set(v, key);
                    keys.push(v);
                }
            }
        }
    }
    // As OpenCC's hk2s and tw2s do: the regional variant to its standard form, then that to
    // simplified.
    let step = |c: char| -> char { ts.fold(standard.fold(c)) };
    // Follow each chain to its end (a few steps at most; a cycle keeps the character).
    let fold = |c: char| -> char {
        let mut cur = c;
        for _ in 0..8 {
            let next = step(cur);
            if next == cur {
                return cur;
            }
            cur = next;
        }
        c
    };
    let mut table = FoldTable::identity();
    for &c in &keys {
        table.set(c, fold(c));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_variants_fold_to_simplified() {
        let fold = |s: &str| s.chars().map(fold_char).collect::<String>();
        assert_eq!(fold("習近平"), "习近平");
        assert_eq!(fold("政府工作報告"), "政府工作报告");
        assert_eq!(fold("調查研究"), "调查研究");
        assert_eq!(fold("發展"), "发展");
        // Several readings: OpenCC's first.
        assert_eq!(fold("乾"), "干");
        // Regional variants through the standard form.
        assert_eq!(fold("衹"), "只");
        assert_eq!(fold("啟"), "启");
        // Simplified text, Latin and digits are left alone.
        assert_eq!(fold("什么"), "什么");
        assert_eq!(fold("习近平 5G 2025年"), "习近平 5G 2025年");
    }

    #[test]
    fn fold_table_is_made_from_the_opencc_files() {
        let mut bytes = Vec::new();
        for (c, f) in build().pairs() {
            bytes.extend_from_slice(&(c as u32).to_le_bytes());
            bytes.extend_from_slice(&(f as u32).to_le_bytes());
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/matching/fold.bin");
        if std::env::var_os("JIANSUO_WRITE_FOLD_TABLE").is_some() {
            std::fs::write(path, &bytes).unwrap();
        }
        assert!(
            bytes == PAIRS,
            "src/matching/fold.bin is not the table of the files in src/matching/opencc/; \
             write it again with `JIANSUO_WRITE_FOLD_TABLE=1 cargo test --lib fold_table`"
        );
        assert_eq!(read_pairs().pairs(), build().pairs());
    }

    #[test]
    fn folding_is_idempotent_over_the_whole_table() {
        let t = table();
        let pairs = t.pairs();
        assert!(pairs.len() > 3000, "{} characters fold", pairs.len());
        for (c, f) in pairs {
            assert_eq!(t.fold(f), f, "{c} → {f} → {}", t.fold(f));
        }
    }
}
