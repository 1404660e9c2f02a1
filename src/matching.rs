//! Matching form: the normalised text every exact lookup compares.
//!
//! The matching form of a text is: NFKC, then lowercase, then every character whose Unicode
//! general category is punctuation (P*), separator (Z*) or other (C*: control, format,
//! unassigned, private use, surrogate) dropped. Such characters are also dropped before NFKC,
//! so that a stray invisible character between a letter and its combining mark does not keep
//! them from composing; this makes the matching form idempotent. It comes with an offset map: for every character
//! of the matching form, the character span in the source text it came from, so that a match in
//! the matching form can be highlighted in the original (cleaned) text.
//!
//! | source            | matching form     |
//! |-------------------|-------------------|
//! | `没有调查，就没有` | `没有调查就没有`   |
//! | `２０２５年 5G`     | `2025年5g`         |
//!
//! ```
//! use jiansuo::matching::MatchingForm;
//! let m = MatchingForm::new("没有调查，就没有");
//! assert_eq!(m.as_string(), "没有调查就没有");
//! // "就没有" is matching chars 4..7, which come from source chars 5..8.
//! assert_eq!(m.source_span(4, 7), (5, 8));
//! ```

use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// The matching form of one text, with its offset map back to the source text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchingForm {
    /// The characters of the matching form.
    pub chars: Vec<char>,
    /// For each character of the matching form, the source character span `[start, end)` it
    /// came from. Spans never decrease; several matching characters may share one span
    /// (NFKC expansions such as `㍻` → `平成`).
    pub spans: Vec<(u32, u32)>,
}

impl MatchingForm {
    /// Compute the matching form of `text` and its offset map.
    pub fn new(text: &str) -> MatchingForm {
        let mut out = MatchingForm::default();
        for_each_matching_char(text, |c, start, end| {
            out.chars.push(c);
            out.spans.push((start as u32, end as u32));
        });
        out
    }

    /// Number of characters in the matching form.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// True when the text has no character that survives normalisation.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The matching form as a string.
    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }

    /// Map the matching-form span `[start, end)` (non-empty) back to a source character span.
    pub fn source_span(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(start < end && end <= self.chars.len());
        (self.spans[start].0 as usize, self.spans[end - 1].1 as usize)
    }

    /// Index of the first matching character whose source span starts at or after `src`.
    pub fn first_at_or_after(&self, src: usize) -> usize {
        self.spans.partition_point(|&(s, _)| (s as usize) < src)
    }
}

/// The matching form of `text` as a string, without the offset map.
pub fn matching_string(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for_each_matching_char(text, |c, _, _| s.push(c));
    s
}

/// True for characters dropped from the matching form: P*, Z* and C* categories.
pub fn is_dropped(c: char) -> bool {
    use GeneralCategory::*;
    matches!(
        get_general_category(c),
        ConnectorPunctuation
            | DashPunctuation
            | OpenPunctuation
            | ClosePunctuation
            | InitialPunctuation
            | FinalPunctuation
            | OtherPunctuation
            | SpaceSeparator
            | LineSeparator
            | ParagraphSeparator
            | Control
            | Format
            | Unassigned
            | PrivateUse
            | Surrogate
    )
}

/// A character's matching form when it can be told from the character alone: a plain Han
/// character or an ASCII letter or digit is itself (lowercased), a P*/Z*/C* character is dropped
/// (`Some(None)`); any other (`None`) may compose with or expand next to its neighbours, and
/// needs [`MatchingForm`]. A text made of the first kinds only has as matching form the kept
/// characters in order (proptested against [`MatchingForm`]).
pub fn alone(c: char) -> Option<Option<char>> {
    if is_plain_han(c) {
        Some(Some(c))
    } else if c.is_ascii_alphanumeric() {
        Some(Some(c.to_ascii_lowercase()))
    } else if is_dropped(c) {
        Some(None)
    } else {
        None
    }
}

/// Call `emit(char, src_start, src_end)` for each character of the matching form of `text`,
/// in order, with the source character span it came from.
///
/// Characters are normalised in groups of a starter and its combining marks, so that NFKC
/// composition (`e` + U+0301 → `é`) happens, and every output character of a group maps to the
/// whole group.
fn for_each_matching_char(text: &str, emit: impl FnMut(char, usize, usize)) {
    let mut composer = Composer {
        pending: None,
        emit,
    };
    for_each_normalised_char(text, |c, start, end| composer.push(c, start, end));
    composer.finish();
}

/// Holds back one character so that a combining mark that comes out of a group on its own
/// (`¯` → space + U+0304, the space dropped) composes with the character before it, as NFKC
/// would on the result.
struct Composer<F: FnMut(char, usize, usize)> {
    pending: Option<(char, usize, usize)>,
    emit: F,
}

impl<F: FnMut(char, usize, usize)> Composer<F> {
    fn push(&mut self, c: char, start: usize, end: usize) {
        if let Some((p, p_start, _)) = self.pending
            && !is_plain_han(c)
            && canonical_combining_class(c) != 0
            && let Some(composed) = unicode_normalization::char::compose(p, c)
        {
            self.pending = Some((composed, p_start, end));
            return;
        }
        self.finish();
        self.pending = Some((c, start, end));
    }

    fn finish(&mut self) {
        if let Some((p, s, e)) = self.pending.take() {
            (self.emit)(p, s, e);
        }
    }
}

fn for_each_normalised_char(text: &str, mut emit: impl FnMut(char, usize, usize)) {
    let mut group = String::new();
    let mut group_start = 0usize;
    // Just after the group's last character: dropped characters after it (a space after a
    // Latin word) are not part of its span.
    let mut group_end = 0usize;
    for (pos, c) in text.chars().enumerate() {
        if is_plain_han(c) {
            // Fast path, checked first (most characters are these): CJK unified ideographs are
            // their own matching form.
            flush_group(&mut group, group_start, group_end, &mut emit);
            emit(c, pos, pos + 1);
            continue;
        }
        if is_dropped(c) {
            // Dropped before NFKC too, so that an invisible character between a letter and its
            // combining mark does not keep them apart.
            continue;
        }
        if canonical_combining_class(c) != 0 && !group.is_empty() {
            group.push(c);
            group_end = pos + 1;
            continue;
        }
        flush_group(&mut group, group_start, group_end, &mut emit);
        group_start = pos;
        group_end = pos + 1;
        group.push(c);
    }
    flush_group(&mut group, group_start, group_end, &mut emit);
}

fn flush_group(
    group: &mut String,
    start: usize,
    end: usize,
    emit: &mut impl FnMut(char, usize, usize),
) {
    if group.is_empty() {
        return;
    }
    for n in group.nfkc() {
        for l in n.to_lowercase() {
            if !is_dropped(l) {
                emit(l, start, end);
            }
        }
    }
    group.clear();
}

/// CJK unified ideographs (basic block) that NFKC and lowercase leave alone and no combining
/// mark follows in practice.
pub(crate) fn is_plain_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_word_s_span_ends_at_its_last_letter() {
        let mf = MatchingForm::new("737 MAX 客机，X（推特）");
        let form: String = mf.chars.iter().collect();
        let at = form.find("max").unwrap();
        assert_eq!(mf.source_span(at, at + 3), (4, 7));
        let x = form
            .chars()
            .enumerate()
            .filter(|(_, c)| *c == 'x')
            .last()
            .unwrap()
            .0;
        assert_eq!(mf.source_span(x, x + 1), (11, 12));
        // A combining mark after an invisible character still composes.
        let mf = MatchingForm::new("e\u{200b}\u{301}!");
        assert_eq!(mf.chars, vec!['é']);
        assert_eq!(mf.source_span(0, 1), (0, 3));
    }

    #[test]
    fn table() {
        let cases = [
            ("没有调查，就没有发言权", "没有调查就没有发言权"),
            (
                "“调查研究是谋事之基、成事之道。”",
                "调查研究是谋事之基成事之道",
            ),
            ("２０２５年", "2025年"),
            ("5G网络 ABC", "5g网络abc"),
            ("统-起来", "统起来"),
            ("《人民日报》", "人民日报"),
            ("\u{3000}\u{3000}正文", "正文"),
            ("a\u{202e}b\u{0007}c", "abc"),
            ("㍻", "平成"),
            ("e\u{301}", "é"),
            ("ＡＢＣ", "abc"),
            ("…！？；", ""),
            ("1+1=2", "1+1=2"),
        ];
        for (input, want) in cases {
            assert_eq!(matching_string(input), want, "matching_string({input:?})");
            assert_eq!(
                MatchingForm::new(input).as_string(),
                want,
                "MatchingForm::new({input:?})"
            );
        }
    }

    #[test]
    fn offset_map_points_into_source() {
        let src = "习近平总书记强调，“调查研究是谋事之基、成事之道。”";
        let m = MatchingForm::new(src);
        let chars: Vec<char> = src.chars().collect();
        let needle = "谋事之基成事";
        // A byte offset in the matching form as a string, then its character offset.
        let form = m.as_string();
        let byte = memchr::memmem::find(form.as_bytes(), needle.as_bytes()).unwrap();
        let at = form[..byte].chars().count();
        let (s, e) = m.source_span(at, at + needle.chars().count());
        assert_eq!(chars[s..e].iter().collect::<String>(), "谋事之基、成事");
    }

    #[test]
    fn expansion_shares_span() {
        let m = MatchingForm::new("x㍻y");
        assert_eq!(m.as_string(), "x平成y");
        assert_eq!(m.spans, vec![(0, 1), (1, 2), (1, 2), (2, 3)]);
        assert_eq!(m.first_at_or_after(2), 3);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    /// Text drawn from what the corpus holds: CJK, ASCII, full-width forms, punctuation,
    /// spaces, combining marks, compatibility characters, controls.
    fn text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "调", "查", "研", "究", "，", "。", "“", "”", "a", "Z", "5", "Ｇ", "２", " ",
            "\u{3000}", "\u{301}", "e", "㍻", "ﬁ", "İ", "\u{202e}", "\u{7}", "-", "·", "…",
            "\u{fe0f}",
        ]);
        prop::collection::vec(
            prop_oneof![
                pieces.prop_map(str::to_owned),
                any::<char>().prop_map(String::from)
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn offset_map_is_monotone_and_inside_the_source(s in text()) {
            let m = MatchingForm::new(&s);
            let n = s.chars().count() as u32;
            prop_assert_eq!(m.chars.len(), m.spans.len());
            for w in m.spans.windows(2) {
                prop_assert!(w[0].0 <= w[1].0 && w[0].1 <= w[1].1);
            }
            for &(a, b) in &m.spans {
                prop_assert!(a < b && b <= n);
            }
            prop_assert_eq!(m.as_string(), matching_string(&s));
            prop_assert!(m.chars.iter().all(|&c| !is_dropped(c)));
        }

        #[test]
        fn matching_form_of_the_mapped_source_contains_the_match(s in text(), a in 0usize..40, l in 1usize..8) {
            let m = MatchingForm::new(&s);
            if m.is_empty() {
                return Ok(());
            }
            let a = a % m.len();
            let l = l.min(m.len() - a);
            let (start, end) = m.source_span(a, a + l);
            let source: String = s.chars().skip(start).take(end - start).collect();
            let needle: String = m.chars[a..a + l].iter().collect();
            prop_assert!(matching_string(&source).contains(&needle), "{:?} in {:?}", needle, source);
        }

        #[test]
        fn matching_form_is_idempotent(s in text()) {
            let once = matching_string(&s);
            // Known exception: runs of combining marks with no base letter are not reordered.
            let marks = |c: &char| canonical_combining_class(*c) != 0;
            let chars: Vec<char> = once.chars().collect();
            prop_assume!(!chars.windows(2).any(|w| marks(&w[0]) && marks(&w[1])));
            prop_assert_eq!(matching_string(&once), once);
        }
    }
}
