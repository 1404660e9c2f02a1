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

const TS: &str = include_str!("opencc/TSCharacters.txt");
const HK: &str = include_str!("opencc/HKVariants.txt");
const TW: &str = include_str!("opencc/TWVariants.txt");

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
    TABLE.get_or_init(build)
}

/// The folded form of one character: see the module documentation.
pub fn fold_char(c: char) -> char {
    if (c as u32) < 0x2E80 {
        return c;
    }
    table().fold(c)
}

/// `(key, values)` of each line of an OpenCC dictionary file whose key is one character.
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

fn build() -> FoldTable {
    let mut ts: HashMap<char, char> = HashMap::new();
    for (key, values) in lines(TS) {
        if let Some(&first) = values.first() {
            ts.entry(key).or_insert(first);
        }
    }
    // Variant → standard traditional, from the regional tables read in reverse; never for a
    // character that is the simplified form of another (TWVariants lists 么 as Taiwan's form
    // of 幺, but in simplified text 么 is the 么 of 什么).
    let simplified: std::collections::HashSet<char> =
        ts.iter().filter(|(k, v)| k != v).map(|(_, &v)| v).collect();
    let mut standard: HashMap<char, char> = HashMap::new();
    for text in [HK, TW] {
        for (key, values) in lines(text) {
            for v in values {
                if v != key && !simplified.contains(&v) {
                    standard.entry(v).or_insert(key);
                }
            }
        }
    }
    // As OpenCC's hk2s and tw2s do: the regional variant to its standard form, then that to
    // simplified.
    let step = |c: char| -> char {
        let k = standard.get(&c).copied().unwrap_or(c);
        ts.get(&k).copied().unwrap_or(k)
    };
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
    let basic: Vec<char> = (BASIC_FIRST..=BASIC_LAST)
        .map(|u| char::from_u32(u).map_or('\u{fffd}', fold))
        .collect();
    let mut other = HashMap::new();
    for &c in ts.keys().chain(standard.keys()) {
        let u = c as u32;
        if !(BASIC_FIRST..=BASIC_LAST).contains(&u) {
            let f = fold(c);
            if f != c {
                other.insert(c, f);
            }
        }
    }
    FoldTable { basic, other }
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
    fn folding_is_idempotent_over_the_whole_table() {
        let t = table();
        let pairs = t.pairs();
        assert!(pairs.len() > 3000, "{} characters fold", pairs.len());
        for (c, f) in pairs {
            assert_eq!(t.fold(f), f, "{c} → {f} → {}", t.fold(f));
        }
    }
}
