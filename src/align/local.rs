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

/// The best local alignment's score and the cell it ends in (query end, target end; the last
/// best cell in scanning order, as [`align`] takes it), in one row of `i32`: several times
/// faster than carrying the traceback, to skip texts that cannot hold a hit.
pub fn best_cell(query: &[char], target: &[char]) -> Option<(i32, usize, usize)> {
    // In 16 bits (eight cells to a vector even on baseline x86-64) when every character is in
    // the Basic Multilingual Plane and no score can overflow; else in 32 bits.
    let bmp = |c: &char| (*c as u32) <= 0xffff;
    if query.len() < 8000 && query.iter().all(bmp) && target.iter().all(bmp) {
        let q: Vec<u16> = query.iter().map(|&c| c as u16).collect();
        let t: Vec<u16> = target.iter().map(|&c| c as u16).collect();
        best_cell_in::<u16, i16>(&q, &t)
    } else {
        let q: Vec<u32> = query.iter().map(|&c| c as u32).collect();
        let t: Vec<u32> = target.iter().map(|&c| c as u32).collect();
        best_cell_in::<u32, i32>(&q, &t)
    }
}

/// [`best_cell`] over characters of type `C` with scores of type `S`.
fn best_cell_in<C, S>(query: &[C], target: &[C]) -> Option<(i32, usize, usize)>
where
    C: Copy + PartialEq,
    S: Copy + Ord + Default + std::ops::Add<Output = S> + TryFrom<i32> + Into<i32>,
{
    let k = |v: i32| S::try_from(v).unwrap_or_default();
    let (hit, miss, gap, zero) = (k(MATCH), k(MISMATCH), k(GAP), S::default());
    let m = target.len();
    let mut prev = vec![zero; m + 1];
    let mut cur = vec![zero; m + 1];
    let mut best = (0, 0, 0);
    for (i, &qc) in query.iter().enumerate() {
        // Two sweeps per row: the diagonal and upper neighbours have no dependency along the
        // row (the compiler vectorises it), then the left neighbour is a running max-plus.
        // The row's maximum is the first sweep's: a left neighbour only ever passes on less.
        let mut row_max = zero;
        let above = prev[..m].iter().zip(&prev[1..]);
        for ((c, (&d, &u)), &tc) in cur[1..].iter_mut().zip(above).zip(target) {
            let diag = d + if qc == tc { hit } else { miss };
            *c = diag.max(u + gap).max(zero);
            row_max = row_max.max(*c);
        }
        let mut left = zero;
        for v in &mut cur[1..] {
            *v = (*v).max(left + gap);
            left = *v;
        }
        // The row's last best cell, looked for only when the row can change the best.
        let top: i32 = row_max.into();
        if top > 0 && top >= best.0 {
            let j = cur.iter().rposition(|&v| v == row_max).unwrap_or(0);
            best = (top, i + 1, j);
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

/// Best local alignment of `query` in `target` (Smith–Waterman): [`best_cell`], then
/// [`align_ending_at`] that cell.
pub fn align(query: &[char], target: &[char]) -> Option<Alignment> {
    let (_, i, j) = best_cell(query, target)?;
    Some(align_ending_at(query, target, i, j))
}

/// The best alignment that ends in cell (`query_end`, `target_end`), as a full-matrix
/// traceback from there gives it (ties resolved alike: diagonal, then up, then left).
///
/// Computed in two rows over the columns `target_end − 2·query_end ..= target_end` only, every
/// cell carrying where its traceback would start and what it would count. Exact: an alignment
/// of positive score spans fewer than twice its query characters of target (each gap costs what
/// a match earns), so the traceback stays inside those columns, and every cell it passes (and
/// every neighbour that could tie with it) has there the value it has in the full matrix.
pub fn align_ending_at(
    query: &[char],
    target: &[char],
    query_end: usize,
    target_end: usize,
) -> Alignment {
    #[derive(Clone, Copy, Default)]
    struct Cell {
        h: i32,
        /// Start of the traceback from this cell (query, target).
        qs: u32,
        ts: u32,
        matches: u32,
        columns: u32,
    }
    let from = target_end.saturating_sub(2 * query_end);
    let width = target_end - from;
    // Column k of the rows is target column from + k.
    let mut prev = vec![Cell::default(); width + 1];
    let mut cur = vec![Cell::default(); width + 1];
    for (i, &qc) in query[..query_end]
        .iter()
        .enumerate()
        .map(|(k, c)| (k + 1, c))
    {
        cur[0] = Cell::default();
        for k in 1..=width {
            let j = from + k;
            let same = qc == target[j - 1];
            let (d, u, l) = (prev[k - 1], prev[k], cur[k - 1]);
            let diag = d.h + if same { MATCH } else { MISMATCH };
            let up = u.h + GAP;
            let left = l.h + GAP;
            let v = diag.max(up).max(left).max(0);
            cur[k] = if v == 0 {
                Cell::default()
            } else {
                // The predecessor the traceback takes, and where it stands.
                let (p, pi, pj, matched) = if v == diag {
                    (d, i - 1, j - 1, same)
                } else if v == up {
                    (u, i - 1, j, false)
                } else {
                    (l, i, j - 1, false)
                };
                if p.h > 0 {
                    Cell {
                        h: v,
                        qs: p.qs,
                        ts: p.ts,
                        matches: p.matches + u32::from(matched),
                        columns: p.columns + 1,
                    }
                } else {
                    Cell {
                        h: v,
                        qs: pi as u32,
                        ts: pj as u32,
                        matches: u32::from(matched),
                        columns: 1,
                    }
                }
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let c = prev[width];
    Alignment {
        score: c.h,
        query_start: c.qs as usize,
        query_end,
        target_start: c.ts as usize,
        target_end,
        matches: c.matches as usize,
        columns: c.columns as usize,
    }
}

/// The full-matrix Smith–Waterman with a traceback: the reference [`align`] is tested against.
#[cfg(test)]
pub fn align_reference(query: &[char], target: &[char]) -> Option<Alignment> {
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn two_rows_agree_with_the_full_matrix(
            q in proptest::collection::vec(proptest::sample::select(vec!['调', '查', '研', '究', 'a']), 1..30),
            t in proptest::collection::vec(proptest::sample::select(vec!['调', '查', '研', '究', 'b']), 1..80),
        ) {
            let a = align(&q, &t);
            proptest::prop_assert_eq!(a, align_reference(&q, &t));
            proptest::prop_assert_eq!(best_cell(&q, &t).map(|b| b.0), a.map(|a| a.score));
        }

        #[test]
        fn characters_outside_the_basic_plane(
            q in proptest::collection::vec(proptest::sample::select(vec!['𠀀', '𠀁', '调', '\u{10000}']), 1..12),
            t in proptest::collection::vec(proptest::sample::select(vec!['𠀀', '𠀁', '调', '\u{0}', '\u{10000}']), 1..60),
        ) {
            // Two different astral characters must not compare equal in the 16-bit pass.
            proptest::prop_assert_eq!(align(&q, &t), align_reference(&q, &t));
        }

        #[test]
        fn short_quotations_in_long_texts(
            q in proptest::collection::vec(proptest::sample::select(vec!['调', '查', '研', '究', '是']), 1..12),
            t in proptest::collection::vec(proptest::sample::select(vec!['调', '查', '研', '究', '之', '基']), 1..240),
        ) {
            proptest::prop_assert_eq!(align(&q, &t), align_reference(&q, &t));
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
