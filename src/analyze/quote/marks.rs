//! Quotation marks: spans, nesting, unbalanced marks, and the kind of a quotation.
//!
//! **Marks.** “…”, 「…」, 『…』, ‘…’ and ASCII "…" (alternately opening and closing). Marks nest
//! (‘…’ or 『…』 inside “…”): every level is a quotation, inner ones flagged `nested`. A closing
//! mark closes the nearest open mark of its pair; marks opened inside it and not closed end there
//! and are flagged `unbalanced`; a closing mark with no open partner is ignored (stray; ’ is often
//! an apostrophe). A mark still open at the end of the paragraph ends there, `unbalanced`.
//! Spans over [`MAX_QUOTATION_CHARS`] characters are not kept (an unbalanced one ends at its
//! first sentence end instead, when that is near enough).
//! 《…》 are titles of cited documents, recorded as kind `title`.
//!
//! **Kind.** `cited` when a speaker cue introduces it as speech (cue, then `：` or `，`, then the
//! mark, and the sentence does not run on after the closing mark), or its matching form has
//! more than 8 characters, or it holds clause punctuation
//! (，。！？；：); otherwise `term` — a short scare-quoted expression such as “扣子”, “四下基层”,
//! “早市街”, also right after a verb or in the middle of reported speech (提出“十五五”规划 and
//! 强调，“十五五”时期… are terms; they keep a speaker named in the table, not an unlisted
//! subject). Whether a cue introduces speech is decided in `attribution.rs`; [`kind_of`] reads
//! the outcome.

use super::{Quotation, QuoteKind};

/// Longest quotation kept (characters between the marks); see `quote_spans`.
pub const MAX_QUOTATION_CHARS: usize = 2000;

const OPENERS: [char; 4] = ['“', '「', '『', '‘'];

fn closer_of(open: char) -> char {
    match open {
        '“' => '”',
        '「' => '」',
        '『' => '』',
        '‘' => '’',
        _ => '"',
    }
}

pub(super) fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}

pub(super) fn has_clause_punct(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '，' | '。' | '！' | '？' | '；' | '：' | ',' | '!' | '?' | ';'
        )
    })
}

pub(super) fn kind_of(q: &Quotation) -> QuoteKind {
    if q.cue.is_some() || q.matching.chars().count() > 8 || has_clause_punct(&q.text) {
        QuoteKind::Cited
    } else {
        QuoteKind::Term
    }
}

/// A span between marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    /// Position of the opening mark.
    pub(super) open: usize,
    /// Content `[start, end)`.
    pub(super) start: usize,
    pub(super) end: usize,
    /// Position of the closing mark, if there is one.
    pub(super) close: Option<usize>,
    pub(super) depth: u8,
    pub(super) unbalanced: bool,
    pub(super) title: bool,
}

/// Find quotation and title spans in a paragraph.
pub(super) fn quote_spans(chars: &[char]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut titles: Vec<usize> = Vec::new();
    let end_span = |stack: &[(char, usize)], k: usize, end: usize, close: Option<usize>| Span {
        open: stack[k].1,
        start: stack[k].1 + 1,
        end,
        close,
        depth: k.min(u8::MAX as usize) as u8,
        unbalanced: close.is_none(),
        title: false,
    };
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '《' => titles.push(i),
            '》' => {
                if let Some(open) = titles.pop() {
                    out.push(Span {
                        open,
                        start: open + 1,
                        end: i,
                        close: Some(i),
                        depth: titles.len().min(u8::MAX as usize) as u8,
                        unbalanced: false,
                        title: true,
                    });
                }
            }
            _ if OPENERS.contains(&c) => stack.push((c, i)),
            '"' if stack.last().is_some_and(|&(o, _)| o == '"') => {
                let k = stack.len() - 1;
                out.push(end_span(&stack, k, i, Some(i)));
                stack.pop();
            }
            '"' => stack.push(('"', i)),
            '”' | '」' | '』' | '’' => {
                let Some(k) = stack.iter().rposition(|&(o, _)| closer_of(o) == c) else {
                    continue; // stray closing mark
                };
                while stack.len() > k + 1 {
                    let inner = stack.len() - 1;
                    out.push(end_span(&stack, inner, i, None));
                    stack.pop();
                }
                out.push(end_span(&stack, k, i, Some(i)));
                stack.pop();
            }
            _ => {}
        }
    }
    while !stack.is_empty() {
        let k = stack.len() - 1;
        out.push(end_span(&stack, k, chars.len(), None));
        stack.pop();
    }
    // Bound what is kept, so that a pathological paragraph (a megabyte of text with marks that
    // never close) costs linear, not quadratic, space: an unbalanced span longer than
    // MAX_QUOTATION_CHARS ends at its first sentence end, if there is one near enough; any
    // longer span is not kept as a quotation.
    out.retain_mut(|s| {
        if s.end - s.start <= MAX_QUOTATION_CHARS {
            return true;
        }
        if s.unbalanced
            && let Some(i) = chars[s.start..s.start + MAX_QUOTATION_CHARS]
                .iter()
                .position(|c| matches!(c, '。' | '！' | '？' | '!' | '?'))
        {
            s.end = s.start + i + 1;
            return true;
        }
        false
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{quotes, summary};
    use super::*;

    #[test]
    fn spans_nest_and_long_ones_are_bounded() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let span = |open, start, end, close, depth, unbalanced| Span {
            open,
            start,
            end,
            close,
            depth,
            unbalanced,
            title: false,
        };
        assert_eq!(
            quote_spans(&chars("“甲‘乙’丙")),
            vec![
                span(2, 3, 4, Some(4), 1, false),
                span(0, 1, 6, None, 0, true)
            ]
        );
        // Unbalanced and too long: cut after its first sentence end; balanced and too long: gone.
        let long = "字".repeat(MAX_QUOTATION_CHARS);
        assert_eq!(
            quote_spans(&chars(&format!("“十个字十个字十个字。{long}"))),
            vec![span(0, 1, 11, None, 0, true)]
        );
        assert!(quote_spans(&chars(&format!("“{long}。”"))).is_empty());
    }

    #[test]
    fn terms_titles_nesting_and_unbalanced_marks() {
        let got = quotes(
            "解开群众思想上的“扣子”，制定《关于学习推广“四下基层”的通知》。他说：“要‘一竿子插到底’，做到“三个不",
        );
        let got: Vec<_> = got.iter().map(summary).collect();
        assert_eq!(got[0], ("扣子".into(), "term", None, vec![]));
        assert_eq!(
            got[1],
            ("关于学习推广“四下基层”的通知".into(), "title", None, vec![])
        );
        assert_eq!(got[2], ("四下基层".into(), "term", None, vec![]));
        assert_eq!(got[3].0, "要‘一竿子插到底’，做到“三个不");
        assert_eq!(
            (got[3].1, got[3].3.clone()),
            ("cited", vec!["unbalanced", "pronoun"])
        );
        assert_eq!(
            got[4],
            ("一竿子插到底".into(), "cited", None, vec!["nested"])
        );
        assert_eq!(got[5].0, "三个不");
        assert!(got[5].3.contains(&"unbalanced") && got[5].3.contains(&"nested"));
        // A stray closing mark is ignored.
        assert!(quotes("多余的”标记").is_empty());
    }

    #[test]
    fn ascii_quotes_and_spans() {
        let got = quotes("他说\"四下基层\"和\"一线工作法\"都好");
        let got: Vec<(String, u32, u32)> = got
            .iter()
            .map(|q| (q.text.clone(), q.start, q.end))
            .collect();
        assert_eq!(
            got,
            vec![("四下基层".into(), 3, 7), ("一线工作法".into(), 10, 15)]
        );
    }
}
