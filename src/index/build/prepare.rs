//! Prepare: a cleaned document cut into passages, each with its `exact` field text (own
//! matching form and the tail of its paragraph).

use super::super::schema::EXACT_TAIL_CHARS;
use super::super::tokenize;
use crate::matching::MatchingForm;
use crate::passage::{self, PassageSpan};

/// A passage ready to be indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPassage {
    pub span: PassageSpan,
    /// Cleaned text of the passage.
    pub text: String,
    /// Matching form of the passage followed by up to [`EXACT_TAIL_CHARS`] matching characters
    /// of the rest of its paragraph.
    pub exact: String,
    /// Characters of `exact` that belong to the passage itself.
    pub mlen: u32,
    /// Characters of the passage's paragraph.
    pub para_chars: u32,
}

impl PreparedPassage {
    /// Text of the `exact` field: own matching form, [`tokenize::TAIL_MARK`], tail.
    pub fn exact_field_text(&self) -> String {
        let own = self.own_exact();
        let tail = &self.exact[own.len()..];
        if tail.is_empty() {
            own.to_owned()
        } else {
            format!("{own}{}{tail}", tokenize::TAIL_MARK)
        }
    }

    /// The passage's own matching form (`exact` without the tail).
    pub fn own_exact(&self) -> &str {
        let end = self
            .exact
            .char_indices()
            .nth(self.mlen as usize)
            .map_or(self.exact.len(), |(i, _)| i);
        &self.exact[..end]
    }
}

/// A cleaned document cut into passages.
#[derive(Debug, Clone, Default)]
pub struct PreparedDoc {
    pub title: String,
    pub paragraphs: u32,
    pub chars: u64,
    pub passages: Vec<PreparedPassage>,
}

/// Cut a cleaned document into passages with their exact-field text.
pub fn prepare(cleaned: &str) -> PreparedDoc {
    let mut out = PreparedDoc {
        title: passage::title(cleaned).to_owned(),
        chars: cleaned.chars().count() as u64,
        ..PreparedDoc::default()
    };
    for para in passage::paragraphs(cleaned) {
        out.paragraphs += 1;
        let mf = MatchingForm::new(para.text);
        // Byte offset of every passage boundary (character offsets come from the splitter).
        let pieces = passage::split_paragraph(para.text);
        let mut bounds: Vec<usize> = Vec::with_capacity(pieces.len() + 1);
        let mut wanted = pieces.iter().map(|p| p.0).chain(pieces.last().map(|p| p.1));
        let mut next = wanted.next();
        for (ci, (bi, _)) in para
            .text
            .char_indices()
            .chain(std::iter::once((para.text.len(), ' ')))
            .enumerate()
        {
            while next == Some(ci) {
                bounds.push(bi);
                next = wanted.next();
            }
        }
        let para_chars = pieces.last().map_or(0, |p| p.1) as u32;
        for (k, &(start, end)) in pieces.iter().enumerate() {
            let a = mf.first_at_or_after(start);
            let b = mf.first_at_or_after(end);
            let tail_end = (b + EXACT_TAIL_CHARS).min(mf.len());
            out.passages.push(PreparedPassage {
                span: PassageSpan {
                    line: para.line,
                    paragraph: para.ordinal,
                    passage: out.passages.len() as u32,
                    start: start as u32,
                    end: end as u32,
                },
                text: para.text[bounds[k]..bounds[k + 1]].to_owned(),
                exact: mf.chars[a..tail_end].iter().collect(),
                mlen: (b - a) as u32,
                para_chars,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_text_has_tail_of_next_passage() {
        let s1 = format!("{}。", "甲".repeat(200));
        let s2 = format!("{}。", "乙".repeat(200));
        let doc = format!("标题\n{s1}{s2}\n");
        let p = prepare(&doc);
        assert_eq!(p.title, "标题");
        assert_eq!(p.paragraphs, 2);
        assert_eq!(p.passages.len(), 3);
        let second = &p.passages[1];
        assert_eq!(
            (second.span.line, second.span.start, second.span.end),
            (2, 0, 201)
        );
        assert_eq!(second.mlen, 200);
        assert_eq!(
            second.exact,
            format!("{}{}", "甲".repeat(200), "乙".repeat(EXACT_TAIL_CHARS))
        );
        let third = &p.passages[2];
        assert_eq!(
            (third.span.start, third.span.end, third.mlen),
            (201, 402, 200)
        );
        assert_eq!(third.exact, "乙".repeat(200));
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::clean;

    fn document() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "调查研究",
            "是谋事之基",
            "。",
            "！",
            "？",
            "；",
            "…",
            "”",
            "，",
            "\n",
            "\n\n",
            " ",
            "\u{3000}",
            "5G",
            "２０２５",
            "“",
            "##paidbegin##",
            "\r\n",
        ]);
        prop::collection::vec(pieces, 0..400).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn passages_tile_paragraphs_and_exact_text_is_consistent(raw in document()) {
            let cleaned = clean::clean(&raw);
            let prepared = prepare(&cleaned);
            let lines: Vec<&str> = cleaned.split('\n').collect();
            let mut by_line: std::collections::BTreeMap<u32, Vec<&PreparedPassage>> = Default::default();
            for p in &prepared.passages {
                by_line.entry(p.span.line).or_default().push(p);
            }
            prop_assert_eq!(by_line.len() as u32, prepared.paragraphs);
            for (line, ps) in by_line {
                let text = lines[line as usize - 1];
                let chars: Vec<char> = text.chars().collect();
                prop_assert_eq!(ps[0].span.start, 0);
                prop_assert_eq!(ps.last().unwrap().span.end as usize, chars.len());
                let mut own = String::new();
                for (i, p) in ps.iter().enumerate() {
                    let span: String = chars[p.span.start as usize..p.span.end as usize].iter().collect();
                    prop_assert_eq!(&span, &p.text);
                    if i + 1 < ps.len() {
                        prop_assert_eq!(p.span.end, ps[i + 1].span.start);
                    }
                    prop_assert!(p.exact.starts_with(p.own_exact()));
                    own.push_str(p.own_exact());
                }
                // The own parts concatenate to the paragraph's matching form, and each tail is
                // the text that follows.
                let whole = crate::matching::matching_string(text);
                prop_assert_eq!(&own, &whole);
                let mut at = 0;
                for p in &ps {
                    let rest: String = whole.chars().skip(at).take(p.mlen as usize + EXACT_TAIL_CHARS).collect();
                    prop_assert_eq!(&p.exact, &rest);
                    at += p.mlen as usize;
                }
            }
        }
    }
}
