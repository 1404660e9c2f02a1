//! Shared spans of two texts: where one reuses the other, word for word or nearly (a character
//! changed, dropped or inserted here and there), on matching forms.
//!
//! 1. **Seeds.** One text is indexed by its 5-character windows ([`SpanIndex`]); the other is
//!    scanned, and every window found in the index starts a *maximal exact match* (extended left
//!    and right while the characters agree). Windows found at more than
//!    [`MAX_SEED_POSITIONS`] places of the indexed text (a formula repeated all through it) seed
//!    nothing themselves; the match they belong to is still found from its first rare window,
//!    and extended left over them.
//! 2. **Chains.** Exact matches in scanning order are chained when the next one starts at most
//!    [`MAX_GAP`] characters after the chain's end in both texts, with gaps that differ by at most
//!    [`MAX_SKEW`] (a character changed, dropped or inserted; a short clause replaced).
//! 3. **Spans.** A chain is a span when it is at least `min_chars` long in both texts and its
//!    identity — matching characters (the exact matches, plus the longest common subsequence
//!    of each gap) over the longer side — is at least `min_identity`. Of spans that cover the
//!    same characters of both texts (a repeated phrase, matched twice), the one with the most
//!    matching characters is kept.
//!
//! A caller joining several paragraphs into one text separates them by characters that never
//! occur in the other text (different private-use characters on each side), so that no span
//! runs across the join unless the reuse does.
//!
//! ```
//! use jiansuo::align::{SpanIndex, SpanOptions};
//! let a: Vec<char> = "我们要坚持以人民为中心的发展思想不断增进民生福祉促进共同富裕".chars().collect();
//! let b: Vec<char> = "会议强调坚持以人民为中心的发展思想不断增加民生福祉促进共同富裕。".chars().collect();
//! let spans = SpanIndex::new(&b).spans_in(&a, &SpanOptions::default());
//! assert_eq!(spans.len(), 1);
//! let s = &spans[0];
//! assert_eq!((s.a_start, s.a_end, s.b_start, s.b_end), (3, 30, 4, 31));
//! assert_eq!(s.matches, 26); // 增进 against 增加: one character changed
//! ```

use std::collections::{HashMap, HashSet};

/// Length of the windows that seed exact matches.
pub const SEED: usize = 5;
/// Longest gap, in either text, between two exact matches of one span.
pub const MAX_GAP: usize = 8;
/// Most the two gaps between exact matches of one span may differ.
pub const MAX_SKEW: usize = 3;
/// Windows found more often than this in the indexed text seed nothing.
pub const MAX_SEED_POSITIONS: usize = 64;

/// What counts as a shared span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanOptions {
    /// Shortest span, in characters of each text.
    pub min_chars: usize,
    /// Least share of matching characters (over the longer side).
    pub min_identity: f64,
}

impl Default for SpanOptions {
    /// 12 characters, identity 0.8.
    fn default() -> SpanOptions {
        SpanOptions {
            min_chars: 12,
            min_identity: 0.8,
        }
    }
}

/// A span of the scanned text `a` aligned with a span of the indexed text `b`
/// (`[start, end)` character offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedSpan {
    pub a_start: usize,
    pub a_end: usize,
    pub b_start: usize,
    pub b_end: usize,
    /// Characters aligned equal.
    pub matches: usize,
}

impl SharedSpan {
    /// Matching characters over the longer side.
    pub fn identity(&self) -> f64 {
        let longer = (self.a_end - self.a_start).max(self.b_end - self.b_start);
        self.matches as f64 / longer.max(1) as f64
    }

    /// The span is word for word the same on both sides.
    pub fn exact(&self) -> bool {
        self.matches == self.a_end - self.a_start && self.matches == self.b_end - self.b_start
    }
}

/// A text indexed by its [`SEED`]-character windows, to be compared with others.
pub struct SpanIndex<'a> {
    text: &'a [char],
    windows: HashMap<[char; SEED], Vec<u32>>,
}

impl<'a> SpanIndex<'a> {
    /// Index `text`.
    pub fn new(text: &'a [char]) -> SpanIndex<'a> {
        let mut windows: HashMap<[char; SEED], Vec<u32>> = HashMap::new();
        for (i, w) in text.windows(SEED).enumerate() {
            let key: [char; SEED] = w.try_into().expect("a window has SEED characters");
            windows.entry(key).or_default().push(i as u32);
        }
        SpanIndex { text, windows }
    }

    /// The indexed text.
    pub fn text(&self) -> &'a [char] {
        self.text
    }

    /// The spans `a` shares with the indexed text, in the order of `a`.
    pub fn spans_in(&self, a: &[char], opts: &SpanOptions) -> Vec<SharedSpan> {
        let b = self.text;
        if a.len() < opts.min_chars.max(SEED) || b.len() < opts.min_chars.max(SEED) {
            return Vec::new();
        }
        let mems = self.exact_matches(a);
        let mut spans: Vec<SharedSpan> = chain(&mems)
            .into_iter()
            .filter_map(|c| score(&c, a, b))
            .filter(|s| {
                (s.a_end - s.a_start).min(s.b_end - s.b_start) >= opts.min_chars
                    && s.identity() >= opts.min_identity
            })
            .collect();
        keep_best(&mut spans);
        spans
    }

    /// Maximal exact matches of at least [`SEED`] characters: `(a start, b start, length)`,
    /// sorted.
    fn exact_matches(&self, a: &[char]) -> Vec<(usize, usize, usize)> {
        let b = self.text;
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let mut frequent_before = false;
        for (i, w) in a.windows(SEED).enumerate() {
            let key: [char; SEED] = w.try_into().expect("a window has SEED characters");
            let Some(at) = self.windows.get(&key) else {
                frequent_before = false;
                continue;
            };
            if at.len() > MAX_SEED_POSITIONS {
                frequent_before = true;
                continue;
            }
            for &j in at {
                let j = j as usize;
                let continues = i > 0 && j > 0 && a[i - 1] == b[j - 1];
                if continues && !frequent_before {
                    continue; // inside the match seeded one window earlier
                }
                let (mut s, mut t) = (i, j);
                while s > 0 && t > 0 && a[s - 1] == b[t - 1] {
                    s -= 1;
                    t -= 1;
                }
                if s != i && !seen.insert((s, t)) {
                    continue;
                }
                let mut len = i - s + SEED;
                while s + len < a.len() && t + len < b.len() && a[s + len] == b[t + len] {
                    len += 1;
                }
                out.push((s, t, len));
            }
            frequent_before = false;
        }
        out.sort_unstable();
        out
    }
}

/// Exact matches chained into candidate spans (each a list of matches in order).
fn chain(mems: &[(usize, usize, usize)]) -> Vec<Vec<(usize, usize, usize)>> {
    let mut open: Vec<Vec<(usize, usize, usize)>> = Vec::new();
    let mut done: Vec<Vec<(usize, usize, usize)>> = Vec::new();
    for &m in mems {
        let (ma, mb, len) = m;
        // Chains ending too far before this match can grow no more.
        let mut k = 0;
        while k < open.len() {
            let &(la, _, ll) = open[k].last().expect("chains are not empty");
            if la + ll + MAX_GAP < ma {
                done.push(open.swap_remove(k));
            } else {
                k += 1;
            }
        }
        let mut best: Option<(usize, usize)> = None;
        for (k, c) in open.iter().enumerate() {
            let &(la, lb, ll) = c.last().expect("chains are not empty");
            let (ea, eb) = ((la + ll) as isize, (lb + ll) as isize);
            let (ga, gb) = (ma as isize - ea, mb as isize - eb);
            let fits = (-(MAX_SKEW as isize)..=MAX_GAP as isize).contains(&ga)
                && (-(MAX_SKEW as isize)..=MAX_GAP as isize).contains(&gb)
                && (ga - gb).unsigned_abs() <= MAX_SKEW
                && ma + len > la + ll
                && mb + len > lb + ll;
            if fits {
                let cost = (ga.abs() + gb.abs()) as usize;
                if best.is_none_or(|(_, c)| cost < c) {
                    best = Some((k, cost));
                }
            }
        }
        match best {
            Some((k, _)) => open[k].push(m),
            None => open.push(vec![m]),
        }
    }
    done.extend(open);
    done
}

/// A chain as a span: its extent and matching characters.
fn score(c: &[(usize, usize, usize)], a: &[char], b: &[char]) -> Option<SharedSpan> {
    let &(a_start, b_start, _) = c.first()?;
    let (mut ea, mut eb) = (a_start, b_start);
    let mut matches = 0;
    for &(ma, mb, len) in c {
        // Overlap with what came before (a repeat shifted by a character or two).
        let skip = ea.saturating_sub(ma).max(eb.saturating_sub(mb)).min(len);
        let (sa, sb) = (ma + skip, mb + skip);
        if sa > ea && sb > eb {
            matches += lcs(&a[ea..sa], &b[eb..sb]);
        }
        matches += len - skip;
        ea = ea.max(ma + len);
        eb = eb.max(mb + len);
    }
    Some(SharedSpan {
        a_start,
        a_end: ea,
        b_start,
        b_end: eb,
        matches,
    })
}

/// Length of the longest common subsequence of two short gaps.
fn lcs(x: &[char], y: &[char]) -> usize {
    let mut row = vec![0usize; y.len() + 1];
    for &cx in x {
        let mut diag = 0;
        for (j, &cy) in y.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if cx == cy {
                diag + 1
            } else {
                row[j + 1].max(row[j])
            };
            diag = up;
        }
    }
    row[y.len()]
}

/// Of spans covering mostly the same characters of both texts, keep the one with the most
/// matches; the rest in the order of `a`.
fn keep_best(spans: &mut Vec<SharedSpan>) {
    spans.sort_by(|x, y| {
        y.matches
            .cmp(&x.matches)
            .then(x.a_start.cmp(&y.a_start))
            .then(x.b_start.cmp(&y.b_start))
    });
    let mut kept: Vec<SharedSpan> = Vec::with_capacity(spans.len());
    for s in spans.drain(..) {
        let inside = |lo: usize, hi: usize, klo: usize, khi: usize| {
            let common = hi.min(khi).saturating_sub(lo.max(klo));
            common * 2 > hi - lo
        };
        let redundant = kept.iter().any(|k| {
            inside(s.a_start, s.a_end, k.a_start, k.a_end)
                && inside(s.b_start, s.b_end, k.b_start, k.b_end)
        });
        if !redundant {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| (s.a_start, s.b_start));
    *spans = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn spans(a: &str, b: &str) -> Vec<SharedSpan> {
        let (a, b) = (chars(a), chars(b));
        SpanIndex::new(&b).spans_in(&a, &SpanOptions::default())
    }

    #[test]
    fn exact_span_found_with_its_ends() {
        let s = spans(
            "今天天气很好全面推进乡村振兴加快建设农业强国我们去公园",
            "报告说要全面推进乡村振兴加快建设农业强国",
        );
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].a_start, s[0].a_end), (6, 22));
        assert_eq!((s[0].b_start, s[0].b_end), (4, 20));
        assert!(s[0].exact());
    }

    #[test]
    fn edits_are_bridged_and_unrelated_text_is_not() {
        // One character dropped, one inserted, one changed.
        let a = "坚持把解决好三农问题作为全党工作重中之重举全党全社会之力推动乡村振兴";
        let b = "坚持把解决好三农问题作为全党工作的重中之重举全党全社会力量推动乡村振兴";
        let s = spans(a, b);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!((s[0].a_start, s[0].a_end), (0, a.chars().count()));
        assert!(s[0].identity() > 0.9);
        assert!(
            spans(
                "今天天气很好我们一起去公园散步吧",
                "明天可能下雨大家都待在家里看书"
            )
            .is_empty()
        );
    }

    #[test]
    fn short_common_formula_is_no_span() {
        // 11 characters in common: under the 12 of the default.
        assert!(
            spans(
                "我们要推动经济社会高质量发展啊",
                "必须推动经济社会高质量发展吗"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_repeated_phrase_is_matched_at_each_place() {
        let p = "人民对美好生活的向往就是我们的奋斗目标";
        let a = format!("{p}。中间是别的话语内容。{p}");
        let s = spans(&a, &format!("他说{p}"));
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s.iter().all(|s| s.exact() && s.b_start == 2));
    }

    #[test]
    fn separators_stop_a_span() {
        let a: Vec<char> = "全面推进乡村振兴\u{E000}加快建设农业强国".chars().collect();
        let b: Vec<char> = "全面推进乡村振兴\u{E001}加快建设农业强国".chars().collect();
        let found = SpanIndex::new(&b).spans_in(
            &a,
            &SpanOptions {
                min_chars: 9,
                min_identity: 0.8,
            },
        );
        // Bridged by one changed character, the separators: one span of 17, identity 16/17.
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].matches, 16);
    }
}
