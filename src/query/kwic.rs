//! KWIC: every occurrence of a phrase located in the cleaned text, with its context either side
//! (a keyword-in-context concordance), and the orders it is shown in.
//!
//! The paragraphs come from the postings ([`locate_phrase`]); each is read whole
//! ([`paragraph_text`]) and scanned for the phrase, on matching forms (the match mapped back to
//! the source characters) or, `strict`, on the cleaned text itself.

use tantivy::Searcher;

use super::phrase::{find_all, locate_phrase, paragraph_text};
use crate::error::Result;
use crate::index::IndexHandle;
use crate::matching::MatchingForm;

/// One occurrence, located in the cleaned text and with its context, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Document ordinal.
    pub doc: u64,
    /// Document path relative to the corpus root.
    pub path: String,
    pub line: u32,
    /// Character offsets of the match in the cleaned line (`end` exclusive).
    pub start: usize,
    pub end: usize,
    /// Up to `context` characters before the match, in the same line.
    pub left: String,
    /// The matched characters of the cleaned text (punctuation inside the match included).
    pub matched: String,
    /// Up to `context` characters after the match, in the same line.
    pub right: String,
}

/// How to order occurrences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Document, line, position.
    Doc,
    /// By the text left of the match, read from the match outwards.
    Left,
    /// By the text right of the match.
    Right,
}

/// Every occurrence of `phrase`, with `context` characters either side, in document order.
///
/// Without `strict`, occurrences are those of the phrase's matching form in the paragraphs'
/// matching forms, and `matched` spans the source characters they came from. With `strict`, the
/// phrase must appear literally in the cleaned text (punctuation and spaces included); the
/// paragraphs to read are still found through the index.
pub fn occurrences(
    handle: &IndexHandle,
    searcher: &Searcher,
    phrase: &str,
    strict: bool,
    context: usize,
    sel: Option<&crate::index::DocSelection>,
) -> Result<Vec<Occurrence>> {
    let needle: Vec<char> = crate::matching::matching_string(phrase).chars().collect();
    let literal: Vec<char> = phrase.chars().collect();
    // With `strict`, the paragraphs to read are those holding a piece of the phrase that every
    // paragraph holding it literally holds (the phrase's own matching form may not be one: `ai`
    // is in `plain`, ` ai ` is not).
    let candidates = if strict {
        crate::matching::literal_piece(phrase)
    } else {
        needle.clone()
    };
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (n, para) in locate_phrase(handle, searcher, &candidates, sel)?
        .into_iter()
        .enumerate()
    {
        if n.is_multiple_of(256) {
            crate::cancel::check()?;
        }
        let text: Vec<char> = paragraph_text(handle, searcher, para.para_key)?
            .chars()
            .collect();
        let spans: Vec<(usize, usize)> = if strict {
            find_all(&text, &literal)
                .into_iter()
                .map(|s| (s, s + literal.len()))
                .collect()
        } else {
            let line: String = text.iter().collect();
            let mf = MatchingForm::new(&line);
            find_all(&mf.chars, &needle)
                .into_iter()
                .map(|i| mf.source_span(i, i + needle.len()))
                .collect()
        };
        let path = handle.docs().path(para.doc as usize)?.into_owned();
        for (s, e) in spans {
            out.push(Occurrence {
                doc: para.doc,
                path: path.clone(),
                line: para.line,
                start: s,
                end: e,
                left: text[s.saturating_sub(context)..s].iter().collect(),
                matched: text[s..e].iter().collect(),
                right: text[e..(e + context).min(text.len())].iter().collect(),
            });
        }
    }
    Ok(out)
}

/// Sort occurrences; ties are broken by document, line and position.
pub fn sort_occurrences(occurrences: &mut [Occurrence], order: SortOrder) {
    // By path, not ordinal: an update gives new and changed documents the next ordinals.
    let place = |o: &Occurrence| (o.path.clone(), o.line, o.start);
    match order {
        SortOrder::Doc => occurrences.sort_by(|a, b| {
            (a.path.as_str(), a.line, a.start).cmp(&(b.path.as_str(), b.line, b.start))
        }),
        SortOrder::Left => {
            occurrences.sort_by_cached_key(|o| (o.left.chars().rev().collect::<String>(), place(o)))
        }
        SortOrder::Right => occurrences.sort_by_cached_key(|o| (o.right.clone(), place(o))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(path: &str, line: u32, start: usize, left: &str, right: &str) -> Occurrence {
        Occurrence {
            doc: 0,
            path: path.into(),
            line,
            start,
            end: start + 2,
            left: left.into(),
            matched: "研究".into(),
            right: right.into(),
        }
    }

    #[test]
    fn orders_by_place_left_context_read_backwards_and_right_context() {
        let all = vec![
            occ("b.txt", 1, 5, "调查", "是"),
            occ("a.txt", 9, 0, "深入", "是"),
            occ("a.txt", 2, 7, "甲调查", "乙"),
        ];
        let placed = |order| {
            let mut v = all.clone();
            sort_occurrences(&mut v, order);
            v.iter()
                .map(|o| (o.path.clone(), o.line))
                .collect::<Vec<_>>()
        };
        let p = |path: &str, line| (path.to_owned(), line);
        assert_eq!(
            placed(SortOrder::Doc),
            vec![p("a.txt", 2), p("a.txt", 9), p("b.txt", 1)]
        );
        // Read backwards: 入深 < 查调 < 查调甲 (a prefix first).
        assert_eq!(
            placed(SortOrder::Left),
            vec![p("a.txt", 9), p("b.txt", 1), p("a.txt", 2)]
        );
        assert_eq!(
            placed(SortOrder::Right),
            vec![p("a.txt", 2), p("a.txt", 9), p("b.txt", 1)]
        );
    }
}
