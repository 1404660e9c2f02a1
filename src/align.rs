//! Local alignment (Smith–Waterman, linear gaps) of a quotation against a text, on matching
//! forms.
//!
//! Scores: match +2, mismatch −2, gap −2: one edited, dropped or inserted character costs about
//! what one matching character earns, so an alignment runs through single edits and stops at
//! unrelated text.
//!
//! ```
//! use jiansuo::align::align;
//! let q: Vec<char> = "调查研究是谋事之基".chars().collect();
//! let t: Vec<char> = "他说调查研究乃谋事之基也".chars().collect();
//! let a = align(&q, &t).unwrap();
//! assert_eq!((a.query_start, a.query_end, a.target_start, a.target_end), (0, 9, 2, 11));
//! assert_eq!((a.matches, a.columns), (8, 9));
//! ```

const MATCH: i32 = 2;
const MISMATCH: i32 = -2;
const GAP: i32 = -2;

/// The best local alignment of a query against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alignment {
    pub score: i32,
    /// Aligned query characters `[query_start, query_end)`.
    pub query_start: usize,
    pub query_end: usize,
    /// Aligned target characters `[target_start, target_end)`.
    pub target_start: usize,
    pub target_end: usize,
    /// Columns where the characters are equal.
    pub matches: usize,
    /// Columns of the alignment (matches, mismatches and gaps).
    pub columns: usize,
}

impl Alignment {
    /// Share of the query's characters inside the alignment.
    pub fn coverage(&self, query_len: usize) -> f64 {
        (self.query_end - self.query_start) as f64 / query_len.max(1) as f64
    }

    /// Share of the alignment's columns that match.
    pub fn identity(&self) -> f64 {
        self.matches as f64 / self.columns.max(1) as f64
    }
}

/// The best local alignment's score and target span `[start, end)`, computed in two rows
/// (no traceback): a cheap first look before [`align`]. `None` when no character matches.
pub fn best_score(query: &[char], target: &[char]) -> Option<(i32, usize, usize)> {
    let m = target.len();
    if query.is_empty() || m == 0 {
        return None;
    }
    // Score and the target column where the alignment ending here began.
    let mut prev = vec![(0i32, 0usize); m + 1];
    let mut cur = vec![(0i32, 0usize); m + 1];
    let mut best = (0i32, 0usize, 0usize);
    for &qc in query {
        cur[0] = (0, 0);
        for j in 1..=m {
            let d = prev[j - 1];
            let diag = (
                d.0 + if qc == target[j - 1] { MATCH } else { MISMATCH },
                if d.0 > 0 { d.1 } else { j - 1 },
            );
            let up = (prev[j].0 + GAP, prev[j].1);
            let left = (cur[j - 1].0 + GAP, cur[j - 1].1);
            let mut v = diag;
            if up.0 > v.0 {
                v = up;
            }
            if left.0 > v.0 {
                v = left;
            }
            if v.0 <= 0 {
                v = (0, j);
            }
            cur[j] = v;
            if v.0 > 0 && v.0 >= best.0 {
                best = (v.0, v.1, j);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (best.0 > 0).then_some(best)
}

/// The lowest score of a best alignment that covers at least `covered` query characters with
/// identity at least `identity` (≥ 0.5): with `M` matches in `C ≥ covered` columns and
/// `M ≥ identity · C`, the score `2M − 2(C − M) = 4M − 2C ≥ (4 · identity − 2) · covered`.
pub fn min_score(covered: f64, identity: f64) -> f64 {
    (4.0 * identity - 2.0) * covered
}

/// Align `query` against `target`; `None` when no character matches.
pub fn align(query: &[char], target: &[char]) -> Option<Alignment> {
    let (n, m) = (query.len(), target.len());
    if n == 0 || m == 0 {
        return None;
    }
    let w = m + 1;
    let mut h = vec![0i32; (n + 1) * w];
    let mut best = (0i32, 0usize, 0usize);
    for i in 1..=n {
        let qc = query[i - 1];
        for j in 1..=m {
            let diag = h[(i - 1) * w + j - 1] + if qc == target[j - 1] { MATCH } else { MISMATCH };
            let up = h[(i - 1) * w + j] + GAP;
            let left = h[i * w + j - 1] + GAP;
            let v = diag.max(up).max(left).max(0);
            h[i * w + j] = v;
            if v > 0 && v >= best.0 {
                best = (v, i, j);
            }
        }
    }
    if best.0 == 0 {
        return None;
    }
    // Trace back from the best cell to where the score falls to zero.
    let (score, mut i, mut j) = best;
    let (query_end, target_end) = (i, j);
    let (mut matches, mut columns) = (0, 0);
    while i > 0 && j > 0 && h[i * w + j] > 0 {
        let v = h[i * w + j];
        let same = query[i - 1] == target[j - 1];
        let diag = h[(i - 1) * w + j - 1] + if same { MATCH } else { MISMATCH };
        columns += 1;
        if v == diag {
            matches += usize::from(same);
            i -= 1;
            j -= 1;
        } else if v == h[(i - 1) * w + j] + GAP {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    Some(Alignment {
        score,
        query_start: i,
        query_end,
        target_start: j,
        target_end,
        matches,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn edits() {
        let q = c("没有调查就没有发言权更没有决策权");
        // Verbatim inside a longer text.
        let a = align(&q, &c("他说没有调查就没有发言权更没有决策权。")).unwrap();
        assert_eq!((a.coverage(q.len()), a.identity()), (1.0, 1.0));
        // One character dropped, one replaced.
        let a = align(&q, &c("没有调查就没发言权更没有决断权")).unwrap();
        assert_eq!(a.query_end - a.query_start, q.len());
        assert_eq!((a.matches, a.columns), (14, 16));
        // One clause only.
        let a = align(&q, &c("总之没有调查就没有发言权。")).unwrap();
        assert_eq!((a.query_start, a.query_end), (0, 10));
        // Unrelated text.
        assert!(align(&q, &c("春眠不觉晓")).is_none());
    }

    #[test]
    fn best_score_agrees_with_align() {
        let q = c("没有调查就没有发言权更没有决策权");
        for t in [
            "他说没有调查就没有发言权更没有决策权。",
            "没有调查就没发言权更没有决断权",
            "总之没有调查就没有发言权。",
            "春眠不觉晓",
        ] {
            let t = c(t);
            let full = align(&q, &t).map(|a| (a.score, a.target_start, a.target_end));
            let fast = best_score(&q, &t);
            assert_eq!(fast.map(|f| f.0), full.map(|f| f.0));
            if let (Some(f), Some(a)) = (fast, full) {
                assert_eq!(f.2, a.2, "end");
                assert!(f.1 <= a.1 + 1 && f.1 + 1 >= a.1, "start {f:?} {a:?}");
            }
        }
    }

    #[test]
    fn inserted_characters() {
        let q = c("调查研究是谋事之基");
        let a = align(&q, &c("调查研究也是谋事之基")).unwrap();
        assert_eq!(
            (a.query_start, a.query_end, a.target_start, a.target_end),
            (0, 9, 0, 10)
        );
        assert_eq!((a.matches, a.columns), (9, 10));
    }
}
