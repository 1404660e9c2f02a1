//! Theme scores of every passage, computed once and kept in `themes.bin.zst` beside the index, so
//! that ranking and filtering by theme costs no analysis at query time.
//!
//! ```text
//! "JSTH2\n"
//! u32 length + user lexicon text (TOML, empty for the built-in lexicon alone)
//! f32 mean matching-form length of a passage
//! u32 themes, then per theme: u32 length + name
//! u32 segments, then per segment: u32 length + segment id (32 hex digits) + u32 max_doc
//! per theme: u32 rows scoring above 0, then per such row, best first (equal scores by row):
//! u32 row + f32 score, where the rows are the passages segment by segment, document by
//! document (every other score is 0)
//! ```
//! (little-endian). The rows of a theme in score order are what a ranking by themes alone
//! walks: the best `k` passages of a theme are its first `k` live rows, not a scan of every
//! passage. `jiansuo index --themes-only` rewrites the file (write, then rename) with
//! another lexicon without touching the rest of the index.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, SegmentReader};

use super::theme_counts::CountsTable;
use super::tokenize::{normalize_words, word_tokens};
use super::{Fields, meta};
use crate::analyze::{Lexicon, TermCounts};
use crate::error::{Error, Result};
use crate::matching::MatchingForm;

pub const THEMES_FILE: &str = "themes.bin.zst";
const MAGIC: &[u8] = b"JSTH3\n";

/// The stored text of a passage.
fn stored_text(searcher: &Searcher, fields: &Fields, addr: DocAddress) -> Result<String> {
    let doc: tantivy::TantivyDocument = searcher.doc(addr)?;
    doc.get_first(fields.text)
        .and_then(|v| tantivy::schema::Value::as_bytes(&v))
        .and_then(super::schema::text_from_stored)
        .ok_or(Error::NoPassageText {
            segment: addr.segment_ord,
            doc: addr.doc_id,
        })
}

/// The theme scores of an index.
#[derive(Debug, Clone)]
pub struct ThemeScores {
    /// The lexicon the scores were computed with.
    pub lexicon: Lexicon,
    /// Segment id → (first row, max_doc).
    segments: HashMap<String, (usize, u32)>,
    segment_order: Vec<(String, u32)>,
    scores: Vec<f32>,
    /// Per theme, the rows scoring above 0 with their scores, best first (equal scores by
    /// row): read in order, not looked up in `scores` (a random read a row, the most of
    /// `themes` on 1 GB).
    order: Vec<Vec<(u32, f32)>>,
    /// Mean matching-form length of a passage.
    pub avg_len: f32,
    /// Word tokens of every passage counted while scoring (0 when read from disk).
    pub word_tokens: u64,
    /// The counts of the passages this scoring had to cut, as (document, passage, counts):
    /// those `known` did not have (all of them for a rescoring with another lexicon); empty
    /// when read from disk.
    pub cut: Vec<(u64, u32, TermCounts)>,
}

impl ThemeScores {
    /// Number of themes.
    pub fn themes(&self) -> usize {
        self.lexicon.themes.len()
    }

    /// The scores of a passage, one per theme (zeros for a document the file does not know).
    pub fn of(&self, segment: &SegmentReader, doc: u32) -> &[f32] {
        let id = segment.segment_id().uuid_string();
        let t = self.themes();
        match self.segments.get(&id) {
            Some(&(row, max)) if doc < max => {
                let at = (row + doc as usize) * t;
                &self.scores[at..at + t]
            }
            _ => &[],
        }
    }

    /// The rows of `theme` scoring above 0, best first (equal scores in row order): a row is
    /// a passage, placed by [`ThemeScores::locate`].
    pub fn ranked(&self, theme: usize) -> &[(u32, f32)] {
        self.order.get(theme).map_or(&[], Vec::as_slice)
    }

    /// Rows (passages of every segment the table knows, live or not).
    pub fn rows(&self) -> usize {
        self.scores.len() / self.themes().max(1)
    }

    /// The score of `theme` at a row of [`ThemeScores::ranked`].
    pub fn score_at_row(&self, row: u32, theme: usize) -> f32 {
        self.scores
            .get(row as usize * self.themes() + theme)
            .copied()
            .unwrap_or(0.0)
    }

    /// Where the rows of the searcher's segments start: (first row, rows, segment ordinal),
    /// by first row, for [`ThemeScores::locate`] (segments the table does not know are left
    /// out).
    pub fn segment_starts(&self, searcher: &Searcher) -> Vec<(usize, u32, u32)> {
        let mut out: Vec<(usize, u32, u32)> = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .filter_map(|(ord, seg)| self.row_of(seg).map(|(row, max)| (row, max, ord as u32)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether every row of the table is a live passage of the searcher (no deletions, no
    /// segment the searcher lacks), given its [`ThemeScores::segment_starts`]: then a theme's
    /// rows need no placing to be counted.
    pub fn every_row_live(&self, searcher: &Searcher, starts: &[(usize, u32, u32)]) -> bool {
        !searcher.segment_readers().iter().any(|s| s.has_deletes())
            && starts.iter().map(|s| s.1 as usize).sum::<usize>() == self.rows()
    }

    /// The passage of a row: its address among `starts` (from
    /// [`ThemeScores::segment_starts`]), `None` for a row of a segment the searcher lacks.
    pub fn locate(starts: &[(usize, u32, u32)], row: u32) -> Option<DocAddress> {
        let row = row as usize;
        let at = starts.partition_point(|s| s.0 <= row).checked_sub(1)?;
        let (first, max, ord) = starts[at];
        (row < first + max as usize).then(|| DocAddress::new(ord, (row - first) as u32))
    }

    /// The first row of a segment in the table, with its size (`None`: unknown segment).
    pub fn row_of(&self, segment: &SegmentReader) -> Option<(usize, u32)> {
        self.segments
            .get(&segment.segment_id().uuid_string())
            .copied()
    }

    /// Sum of the scores of `themes` for document `doc` of the segment at `row`.
    pub fn sum_at(&self, row: (usize, u32), doc: u32, themes: &[usize]) -> f32 {
        if doc >= row.1 {
            return 0.0;
        }
        let base = (row.0 + doc as usize) * self.themes();
        themes
            .iter()
            .map(|&t| self.scores.get(base + t).copied().unwrap_or(0.0))
            .sum()
    }

    /// Score every live passage of the searcher's segments with `lexicon`, on every core
    /// (rayon's global pool): from its counts in `known` when the table has them, else by
    /// cutting its stored text (those counts are returned in [`ThemeScores::cut`]). Deleted
    /// passages (an update's, until a merge drops them) score 0 and count for nothing, the mean
    /// length included, so that an updated index scores as a rebuilt one.
    pub fn compute(
        searcher: &Searcher,
        fields: &Fields,
        lexicon: &Lexicon,
        analyzer: &TextAnalyzer,
        known: &CountsTable,
    ) -> Result<ThemeScores> {
        let known = (known.lexicon_hash == lexicon.hash()).then_some(known);
        let mut total_len = 0u64;
        let mut count = 0u64;
        for seg in searcher.segment_readers() {
            let mlen = seg.fast_fields().u64("mlen")?.first_or_default_col(0);
            let alive = seg.alive_bitset();
            for d in 0..seg.max_doc() {
                if alive.is_none_or(|a| a.is_alive(d)) {
                    total_len += mlen.get_val(d);
                    count += 1;
                }
            }
        }
        let avg_len = total_len as f32 / count.max(1) as f32;
        let t = lexicon.themes.len();
        // rayon's global pool: a thread per core.
        let threads = rayon::current_num_threads();
        let mut segments = HashMap::new();
        let mut segment_order = Vec::new();
        let mut scores = Vec::new();
        let mut total_tokens = 0u64;
        let mut cut = Vec::new();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let max = seg.max_doc();
            let id = seg.segment_id().uuid_string();
            segments.insert(id.clone(), (scores.len() / t.max(1), max));
            segment_order.push((id, max));
            let chunk = (max as usize).div_ceil(threads).max(1);
            let ff = seg.fast_fields();
            let doc_col = ff.u64("doc")?.first_or_default_col(0);
            let passage_col = ff.u64("passage")?.first_or_default_col(0);
            let alive = seg.alive_bitset();
            // The segment in `threads` pieces scored on rayon's threads, collected in order.
            let pieces: Vec<usize> = (0..max as usize).step_by(chunk).collect();
            type Part = (Vec<f32>, u64, Vec<(u64, u32, TermCounts)>);
            let parts: Vec<Result<Part>> = pieces
                .into_par_iter()
                .map(|from| -> Result<Part> {
                    let to = (from + chunk).min(max as usize);
                    let mut out = Vec::with_capacity((to - from) * t);
                    let mut tokens = 0u64;
                    let mut cut = Vec::new();
                    // Cloned (jieba's dictionary with it) only if a passage needs it.
                    let mut own_analyzer: Option<TextAnalyzer> = None;
                    let mut counts = TermCounts::default();
                    for d in from..to {
                        if alive.is_some_and(|a| a.is_deleted(d as u32)) {
                            out.extend(std::iter::repeat_n(0.0, t));
                            continue;
                        }
                        let (doc, passage) = (
                            doc_col.get_val(d as u32),
                            passage_col.get_val(d as u32) as u32,
                        );
                        let counted = known
                            .is_some_and(|k| k.fill(doc as usize, passage as usize, &mut counts));
                        if !counted {
                            let addr = DocAddress::new(ord as u32, d as u32);
                            let text = stored_text(searcher, fields, addr)?;
                            let analyzer = own_analyzer.get_or_insert_with(|| analyzer.clone());
                            let words = word_tokens(analyzer, &normalize_words(&text));
                            let mf = MatchingForm::new(&text);
                            counts = lexicon.counts(&words, &mf.chars);
                            cut.push((doc, passage, counts.clone()));
                        }
                        tokens += u64::from(counts.words);
                        lexicon.score_into(&counts, avg_len, &mut out);
                    }
                    Ok((out, tokens, cut))
                })
                .collect();
            for part in parts {
                let (part, tokens, mut c) = part?;
                scores.extend(part);
                total_tokens += tokens;
                cut.append(&mut c);
            }
        }
        let order = orders(&scores, t);
        Ok(ThemeScores {
            lexicon: lexicon.clone(),
            segments,
            segment_order,
            scores,
            order,
            avg_len,
            word_tokens: total_tokens,
            cut,
        })
    }

    /// The counts of every live passage, as a table of `docs` documents: those of `known`
    /// where this scoring used them, else those it cut (a rescoring with another lexicon cuts
    /// them all).
    pub fn counts_table(&mut self, known: &CountsTable, docs: usize) -> CountsTable {
        let hash = self.lexicon.hash();
        let mut cut = std::mem::take(&mut self.cut);
        if cut.is_empty() && known.lexicon_hash == hash {
            return known.clone();
        }
        cut.sort_unstable_by_key(|&(d, p, _)| (d, p));
        let mut table = CountsTable::new(hash);
        let mut at = 0;
        for d in 0..docs {
            let from = at;
            while at < cut.len() && cut[at].0 == d as u64 {
                at += 1;
            }
            if from == at && known.lexicon_hash == table.lexicon_hash {
                table.push_from(known, d);
            } else {
                let counts: Vec<TermCounts> =
                    cut[from..at].iter().map(|(_, _, c)| c.clone()).collect();
                table.push_doc(&counts);
            }
        }
        table
    }

    /// Write `themes.bin.zst` in `dir` (compressed, through a temporary file and a rename).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut out = Vec::with_capacity(self.scores.len() * 4 + 1024);
        out.extend_from_slice(MAGIC);
        let put = |out: &mut Vec<u8>, bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
        };
        put(&mut out, self.lexicon.extra.as_bytes());
        out.extend_from_slice(&self.avg_len.to_le_bytes());
        out.extend_from_slice(&(self.themes() as u32).to_le_bytes());
        for th in &self.lexicon.themes {
            put(&mut out, th.name.as_bytes());
        }
        out.extend_from_slice(&(self.segment_order.len() as u32).to_le_bytes());
        for (id, max) in &self.segment_order {
            put(&mut out, id.as_bytes());
            out.extend_from_slice(&max.to_le_bytes());
        }
        // Sparse: 7 % of the cells are not 0 on ../shared/corpora (7.7 MB dense, 1.1 MB so),
        // and in the order a ranking reads them.
        for rows in &self.order {
            out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
            for &(row, score) in rows {
                out.extend_from_slice(&row.to_le_bytes());
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        meta::replace_file(dir, THEMES_FILE, &out)
    }

    /// The lexicon of `themes.bin.zst` in `dir`, read from the head of the file alone (what an
    /// update checks and keeps; the scores are not decoded).
    pub fn read_lexicon(index: &Path, dir: &Path) -> Result<Lexicon> {
        use std::io::Read;
        let path = dir.join(THEMES_FILE);
        let corrupt = |reason: String| Error::Corrupt {
            path: index.to_path_buf(),
            reason: format!("{}: {reason}", path.display()),
        };
        let file = std::fs::File::open(&path).map_err(|e| corrupt(e.to_string()))?;
        let mut r = zstd::stream::read::Decoder::new(file).map_err(|e| corrupt(e.to_string()))?;
        let mut head = [0u8; MAGIC.len() + 4];
        r.read_exact(&mut head)
            .map_err(|e| corrupt(format!("truncated ({e})")))?;
        if !head.starts_with(MAGIC) {
            return Err(corrupt("not a theme score file".into()));
        }
        let n = u32::from_le_bytes(head[MAGIC.len()..].try_into().expect("4 bytes")) as u64;
        let mut extra = String::new();
        r.take(n)
            .read_to_string(&mut extra)
            .map_err(|e| corrupt(format!("lexicon: {e}")))?;
        if extra.len() as u64 != n {
            return Err(corrupt("truncated lexicon".into()));
        }
        Lexicon::from_extra(&extra).map_err(|e| match e {
            Error::Themes { reason, .. } => corrupt(format!("lexicon: {reason}")),
            other => other,
        })
    }

    /// Read `themes.bin.zst` from `dir`.
    pub fn read(index: &Path, dir: &Path) -> Result<ThemeScores> {
        let path = dir.join(THEMES_FILE);
        let corrupt = |reason: &str| Error::Corrupt {
            path: index.to_path_buf(),
            reason: format!("{}: {reason}", path.display()),
        };
        let bytes = meta::read_file(index, dir, THEMES_FILE)?;
        if !bytes.starts_with(MAGIC) {
            return Err(corrupt("not a theme score file"));
        }
        let mut r = Reader {
            bytes: &bytes,
            at: MAGIC.len(),
        };
        let extra = r.string().ok_or_else(|| corrupt("truncated lexicon"))?;
        let avg_len = f32::from_bits(r.u32().ok_or_else(|| corrupt("truncated"))?);
        let themes = r.u32().ok_or_else(|| corrupt("truncated"))? as usize;
        let mut names = Vec::with_capacity(themes);
        for _ in 0..themes {
            names.push(r.string().ok_or_else(|| corrupt("truncated theme names"))?);
        }
        let n_segments = r.u32().ok_or_else(|| corrupt("truncated"))? as usize;
        let mut segments = HashMap::new();
        let mut segment_order = Vec::new();
        let mut rows = 0usize;
        for _ in 0..n_segments {
            let id = r.string().ok_or_else(|| corrupt("truncated segment ids"))?;
            let max = r.u32().ok_or_else(|| corrupt("truncated"))?;
            segments.insert(id.clone(), (rows, max));
            segment_order.push((id, max));
            rows += max as usize;
        }
        let mut scores = vec![0f32; rows * themes];
        let mut order = Vec::with_capacity(themes);
        for t in 0..themes {
            let n = r.u32().ok_or_else(|| corrupt("truncated"))? as usize;
            let data = bytes
                .get(r.at..r.at.saturating_add(n.saturating_mul(8)))
                .ok_or_else(|| corrupt("score table of the wrong size"))?;
            r.at += data.len();
            let mut ranked = Vec::with_capacity(n);
            let mut last: Option<(f32, u32)> = None;
            for c in data.chunks_exact(8) {
                let row = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                let score = f32::from_le_bytes([c[4], c[5], c[6], c[7]]);
                // Best first, equal scores by row, every score above 0 and finite: also what
                // makes each cell written once.
                let in_order = last.is_none_or(|(s, r)| score < s || (score == s && row > r));
                if row as usize >= rows || !(score > 0.0 && score.is_finite()) || !in_order {
                    return Err(corrupt("score rows out of order"));
                }
                scores[row as usize * themes + t] = score;
                ranked.push((row, score));
                last = Some((score, row));
            }
            order.push(ranked);
        }
        if r.at != bytes.len() {
            return Err(corrupt("score table of the wrong size"));
        }
        let lexicon = Lexicon::from_extra(&extra).map_err(|e| match e {
            Error::Themes { reason, .. } => corrupt(&format!("lexicon: {reason}")),
            other => other,
        })?;
        if lexicon.themes.iter().map(|t| &t.name).ne(names.iter()) {
            return Err(corrupt("theme names differ from the lexicon's"));
        }
        Ok(ThemeScores {
            lexicon,
            segments,
            segment_order,
            scores,
            order,
            avg_len,
            word_tokens: 0,
            cut: Vec::new(),
        })
    }
}

/// Per theme, the rows of a `themes`-wide score table scoring above 0, best first (equal
/// scores by row), the themes sorted side by side on rayon's pool.
fn orders(scores: &[f32], themes: usize) -> Vec<Vec<(u32, f32)>> {
    (0..themes)
        .into_par_iter()
        .map(|t| {
            // One u64 a row: the score's bits inverted (a positive f32's bits order as its
            // value), then the row; ascending keys are best first, equal scores by row.
            let mut keys: Vec<u64> = scores
                .iter()
                .skip(t)
                .step_by(themes.max(1))
                .enumerate()
                .filter(|(_, s)| **s > 0.0)
                .map(|(row, &s)| (u64::from(!s.to_bits()) << 32) | row as u64)
                .collect();
            keys.sort_unstable();
            keys.into_iter()
                .map(|k| (k as u32, f32::from_bits(!((k >> 32) as u32))))
                .collect()
        })
        .collect()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u32(&mut self) -> Option<u32> {
        let b = self.bytes.get(self.at..self.at + 4)?;
        self.at += 4;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        let b = self.bytes.get(self.at..self.at + n)?;
        self.at += n;
        String::from_utf8(b.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_are_every_scoring_row_best_first() {
        // 3 themes × 7 rows, ties and zeros among them.
        let scores: Vec<f32> = vec![
            0.0, 1.0, 2.0, //
            3.0, 0.0, 2.0, //
            3.0, 1.0, 0.0, //
            0.5, 0.0, 0.0, //
            0.0, 0.0, 0.0, //
            3.0, 4.0, 2.0, //
            1.0, 1.0, 0.0,
        ];
        let pairs = orders(&scores, 3);
        for (t, rows) in pairs.iter().enumerate() {
            assert!(rows.iter().all(|&(r, s)| scores[r as usize * 3 + t] == s));
        }
        let got: Vec<Vec<u32>> = pairs
            .iter()
            .map(|rows| rows.iter().map(|&(r, _)| r).collect())
            .collect();
        for (t, rows) in got.iter().enumerate() {
            // Brute force: every row with a score above 0, by score descending, then row.
            let mut want: Vec<u32> = (0..7)
                .filter(|&r| scores[r * 3 + t] > 0.0)
                .map(|r| r as u32)
                .collect();
            want.sort_by(|&a, &b| {
                scores[b as usize * 3 + t]
                    .total_cmp(&scores[a as usize * 3 + t])
                    .then(a.cmp(&b))
            });
            assert_eq!(rows, &want, "theme {t}");
        }
        assert_eq!(got[0], vec![1, 2, 5, 6, 3]);
        assert_eq!(got[1], vec![5, 0, 2, 6]);
        assert!(orders(&[], 0).is_empty());
    }

    #[test]
    fn rows_are_located_in_their_segment() {
        // Segments of 4, 0 and 3 rows at rows 0, 4 and 4, searcher ordinals 2, 0 and 1.
        let starts = vec![(0usize, 4u32, 2u32), (4, 0, 0), (4, 3, 1)];
        assert_eq!(ThemeScores::locate(&starts, 0), Some(DocAddress::new(2, 0)));
        assert_eq!(ThemeScores::locate(&starts, 3), Some(DocAddress::new(2, 3)));
        assert_eq!(ThemeScores::locate(&starts, 4), Some(DocAddress::new(1, 0)));
        assert_eq!(ThemeScores::locate(&starts, 6), Some(DocAddress::new(1, 2)));
        assert_eq!(ThemeScores::locate(&starts, 7), None);
        // A segment the searcher lacks leaves a gap.
        let gap = vec![(0usize, 2u32, 0u32), (5, 2, 1)];
        assert_eq!(ThemeScores::locate(&gap, 3), None);
        assert_eq!(ThemeScores::locate(&gap, 5), Some(DocAddress::new(1, 0)));
        assert_eq!(ThemeScores::locate(&[], 0), None);
    }
}
