//! Passages: the units that are indexed, ranked and shown.
//!
//! In a cleaned document, the first non-empty line is the **title**; every non-empty line
//! (the title included) is a **paragraph**; a **passage** is a paragraph, or, when the paragraph
//! is longer than [`SOFT_MAX_CHARS`], a piece of it cut at sentence ends (`。！？；!?;…`, with
//! closing quote marks and brackets kept on the sentence). Consecutive sentences are grouped
//! into one passage while the group stays within [`SOFT_MAX_CHARS`]; a single sentence longer
//! than [`HARD_MAX_CHARS`] is cut there, after a comma when one is near.
//!
//! ```
//! use jiansuo::passage::{paragraphs, split_paragraph};
//! let doc = "\n标题\n\n第一段。第二句。\n";
//! let paras: Vec<_> = paragraphs(doc).collect();
//! assert_eq!(paras.len(), 2);
//! assert_eq!((paras[1].line, paras[1].text), (4, "第一段。第二句。"));
//! assert_eq!(split_paragraph(paras[1].text), vec![(0, 8)]);
//! ```

use serde::{Deserialize, Serialize};

/// A paragraph longer than this (in characters) is cut into several passages.
pub const SOFT_MAX_CHARS: usize = 240;
/// No passage is longer than this many characters.
pub const HARD_MAX_CHARS: usize = 1000;

/// One non-empty line of a cleaned document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph<'a> {
    /// 1-based line number in the cleaned text (equal to the source file's line number).
    pub line: u32,
    /// 0-based ordinal among the document's paragraphs.
    pub ordinal: u32,
    /// The line's text, without the line break.
    pub text: &'a str,
}

/// Where a passage sits in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageSpan {
    /// 1-based line number.
    pub line: u32,
    /// 0-based paragraph ordinal in the document.
    pub paragraph: u32,
    /// 0-based passage ordinal in the document.
    pub passage: u32,
    /// Character span `[start, end)` of the passage in its line.
    pub start: u32,
    pub end: u32,
}

/// The title of a cleaned document: its first non-empty line, trimmed, at most
/// [`MAX_TITLE_CHARS`] characters.
pub fn title(text: &str) -> &str {
    let first = paragraphs(text).next().map_or("", |p| p.text.trim());
    // A title is a line; a document of one huge line has its first characters as title.
    match first.char_indices().nth(MAX_TITLE_CHARS) {
        Some((at, _)) => &first[..at],
        None => first,
    }
}

/// Longest title kept (characters).
pub const MAX_TITLE_CHARS: usize = 200;

/// The paragraphs of a cleaned document: every line with a non-whitespace character.
pub fn paragraphs(text: &str) -> impl Iterator<Item = Paragraph<'_>> {
    text.split('\n')
        .enumerate()
        .filter(|(_, line)| line.chars().any(|c| !c.is_whitespace()))
        .enumerate()
        .map(|(ordinal, (i, line))| Paragraph {
            line: i as u32 + 1,
            ordinal: ordinal as u32,
            text: line,
        })
}

/// Cut a paragraph into passages; returns character spans `[start, end)` that tile the line.
pub fn split_paragraph(line: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= SOFT_MAX_CHARS {
        return vec![(0, chars.len())];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for sentence_end in sentence_ends(&chars) {
        if sentence_end - start > SOFT_MAX_CHARS && end > start {
            pieces.push((start, end));
            start = end;
        }
        end = sentence_end;
        while end - start > HARD_MAX_CHARS {
            let cut = hard_cut(&chars, start);
            pieces.push((start, cut));
            start = cut;
        }
    }
    if end > start {
        pieces.push((start, end));
    }
    pieces
}

/// Character offsets just after each sentence end, the last one being the end of the line.
fn sentence_ends(chars: &[char]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_terminator(chars[i]) {
            while i < chars.len() && (is_terminator(chars[i]) || is_closer(chars[i])) {
                i += 1;
            }
            ends.push(i);
        } else {
            i += 1;
        }
    }
    if ends.last() != Some(&chars.len()) {
        ends.push(chars.len());
    }
    ends
}

/// Where to cut a sentence that is too long: after the last comma-like mark in the second half
/// of the allowed length, else at the limit.
fn hard_cut(chars: &[char], start: usize) -> usize {
    let limit = start + HARD_MAX_CHARS;
    (start + HARD_MAX_CHARS / 2..limit)
        .rev()
        .find(|&i| matches!(chars[i - 1], '，' | ',' | '、' | '：' | ':'))
        .unwrap_or(limit)
}

fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…' | '．')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '〕' | '】' | '"' | '\'' | '〉'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(line: &str) -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        split_paragraph(line)
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect()
    }

    #[test]
    fn title_and_paragraphs() {
        let doc = "\n  \n党员领导干部学习“四下基层”制度感悟\n正文一。\n\u{3000}\n正文二\n";
        assert_eq!(title(doc), "党员领导干部学习“四下基层”制度感悟");
        let p: Vec<_> = paragraphs(doc).map(|p| (p.line, p.ordinal)).collect();
        assert_eq!(p, vec![(3, 0), (4, 1), (6, 2)]);
    }

    #[test]
    fn short_paragraph_is_one_passage() {
        assert_eq!(pieces("一。二。三。"), vec!["一。二。三。"]);
    }

    #[test]
    fn long_paragraph_cut_at_sentence_ends_keeping_closing_quotes() {
        let s1 = format!("他说：“{}。”", "甲".repeat(150));
        let s2 = format!("{}！", "乙".repeat(150));
        let s3 = "丙？".to_string();
        let line = format!("{s1}{s2}{s3}");
        let got = pieces(&line);
        assert_eq!(got, vec![s1, format!("{s2}{s3}")]);
    }

    #[test]
    fn ellipsis_run_stays_together() {
        let a = format!("{}……", "甲".repeat(200));
        let b = format!("{}。", "乙".repeat(200));
        assert_eq!(pieces(&format!("{a}{b}")), vec![a, b]);
    }

    #[test]
    fn very_long_sentence_is_hard_cut() {
        let line = "字".repeat(2500);
        let spans = split_paragraph(&line);
        assert_eq!(spans, vec![(0, 1000), (1000, 2000), (2000, 2500)]);
        let with_comma = format!("{}，{}", "字".repeat(700), "字".repeat(700));
        assert_eq!(split_paragraph(&with_comma)[0], (0, 701));
    }

    #[test]
    fn pieces_tile_the_line() {
        let line = format!("{}。{}", "字".repeat(300), "词；".repeat(400));
        let spans = split_paragraph(&line);
        assert_eq!(spans.first().unwrap().0, 0);
        assert_eq!(spans.last().unwrap().1, line.chars().count());
        for w in spans.windows(2) {
            assert_eq!(w[0].1, w[1].0);
        }
        assert!(spans.iter().all(|(s, e)| e - s <= HARD_MAX_CHARS && e > s));
    }
}
