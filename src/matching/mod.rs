//! Matching form: the normalised text every exact lookup compares (version 2).
//!
//! The matching form of a text is made in two steps.
//!
//! 1. **Characters.** Each character (with its combining marks) is put in NFKC, lowercased,
//!    and folded from traditional (or a Hong Kong / Taiwan variant) to simplified
//!    ([`fold`], OpenCC's tables, one character to one character). Punctuation (P*) and
//!    separators (Z*) are dropped, except the percent and per-mille signs (`%` `％` `‰` `‱`),
//!    which are kept like symbols; other characters (C*: controls, format characters, private
//!    use) are ignored (dropped without a trace, so an invisible character between a letter and
//!    its combining mark does not keep them from composing).
//! 2. **Runs of letters and digits.** A *run* is a maximal stretch of letters and digits of
//!    alphabetic scripts (Latin, Greek, Cyrillic, …; not Han or kana) with no dropped
//!    character inside, except these, which are part of the number they stand in:
//!    * a decimal point (`.` or `．`) between two digits: `3.5`;
//!    * a grouping comma (`,` or `，`) after a digit and before exactly three digits that no
//!      further digit follows: `1,000` and `1,000,000` are `1000` and `1000000`; `3,5` and
//!      `2019,2020` are two numbers each.
//!
//!    Each run is written between two spaces (`RUN_MARK`, a character that occurs nowhere
//!    else in a matching form), so that a lookup that begins or ends with a letter or digit
//!    matches only where the text's run begins or ends: `ai` is ` ai `, found in `发展AI技术`
//!    and not inside `plain`; `35` is not found inside `2035` or `3.5`.
//!
//! | source                  | matching form            |
//! |-------------------------|--------------------------|
//! | `没有调查，就没有`       | `没有调查就没有`          |
//! | `調查研究`               | `调查研究`                |
//! | `２０２５年 5G`           | ` 2025 年 5g `            |
//! | `增长3.5％`              | `增长 3.5 %`              |
//! | `1,000 元`               | ` 1000 元`                |
//! | `COVID-19`, `COVID 19`   | ` covid  19 `            |
//!
//! It comes with an offset map: for every character of the matching form, the character span
//! in the source text it came from (a run's marks take the span of its first and last
//! character), so that a match in the matching form can be highlighted in the original
//! (cleaned) text. The matching form is idempotent (proptested).
//!
//! ```
//! use jiansuo::matching::MatchingForm;
//! let m = MatchingForm::new("没有调查，就没有");
//! assert_eq!(m.as_string(), "没有调查就没有");
//! // "就没有" is matching chars 4..7, which come from source chars 5..8.
//! assert_eq!(m.source_span(4, 7), (5, 8));
//! assert_eq!(MatchingForm::new("發展AI").as_string(), "发展 ai ");
//! ```

pub mod fold;

use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

pub use fold::fold_char;

/// The version of the matching form, recorded in every index built with it.
pub const MATCHING_FORM_VERSION: u32 = 2;

/// The mark written before and after every run of letters and digits.
pub const RUN_MARK: char = ' ';

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
    let mut s = String::with_capacity(text.len() + 8);
    for_each_matching_char(text, |c, _, _| s.push(c));
    s
}

/// For a literal lookup (`--strict`): a piece of the matching form of `literal` that the
/// matching form of every text holding `literal` contains, as long as can be (empty when
/// `literal` has nothing to match). Pieces are cut at punctuation and spaces and between runs
/// and other characters, and carry no run marks, since where a run begins or ends depends on
/// the text around: `ai` is a piece of `plain`'s form (` plain `), though ` ai ` is not.
pub fn literal_piece(literal: &str) -> Vec<char> {
    let mut best: Vec<char> = Vec::new();
    for segment in literal.split(|c| classify(c) == Kind::Break) {
        for piece in matching_string(segment).split(RUN_MARK) {
            if piece.chars().count() > best.len() {
                best = piece.chars().collect();
            }
        }
    }
    best
}

/// Text with each character folded from traditional to simplified (see [`fold`]); nothing else
/// changes.
pub fn fold_str(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// True for the characters step 1 drops: P*, Z* and C* categories, except the percent and
/// per-mille signs.
pub fn is_dropped(c: char) -> bool {
    classify(c) != Kind::Kept
}

/// What step 1 does with a character before normalisation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Kept,
    /// Punctuation or separator: dropped, and a break between runs.
    Break,
    /// Control, format, unassigned, private use, surrogate: dropped, no break.
    Ignored,
}

fn classify(c: char) -> Kind {
    use GeneralCategory::*;
    if is_percent(c) {
        return Kind::Kept;
    }
    match get_general_category(c) {
        ConnectorPunctuation | DashPunctuation | OpenPunctuation | ClosePunctuation
        | InitialPunctuation | FinalPunctuation | OtherPunctuation | SpaceSeparator
        | LineSeparator | ParagraphSeparator => Kind::Break,
        Control | Format | Unassigned | PrivateUse | Surrogate => Kind::Ignored,
        _ => Kind::Kept,
    }
}

/// Percent and per-mille signs, kept in the matching form (`％` and `﹪` become `%`).
fn is_percent(c: char) -> bool {
    matches!(c, '%' | '％' | '﹪' | '‰' | '‱')
}

/// True for the characters the matching form drops without a trace (C*: controls, format
/// characters, private use), which do not break a run.
pub fn is_ignored(c: char) -> bool {
    classify(c) == Kind::Ignored
}

/// True for the characters that make up runs: letters and digits of alphabetic scripts (in
/// the matching form, so already lowercased), not Han, kana or hangul.
pub fn is_run_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ((c as u32) >= 0x80 && (c as u32) < 0x2E80 && c.is_alphanumeric())
}

/// A character's step-1 outcome when it can be told from the character alone, for
/// [`SimpleForm`]: a plain Han character (folded) or an ASCII character that is kept,
/// a break, or an ignored one. `None` for the others, which may compose with or expand next to
/// their neighbours and need [`MatchingForm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alone {
    Char(char),
    Break(char),
    Ignored,
}

/// See [`Alone`].
pub fn alone(c: char) -> Option<Alone> {
    if is_plain_han(c) {
        return Some(Alone::Char(fold::table().fold(c)));
    }
    match classify(c) {
        Kind::Break => Some(Alone::Break(c)),
        Kind::Ignored => Some(Alone::Ignored),
        Kind::Kept if c.is_ascii() => Some(Alone::Char(c.to_ascii_lowercase())),
        Kind::Kept => None,
    }
}

/// The matching form of a text given as [`Alone`] outcomes (no offset map): what
/// [`crate::index::matching_chars`] reads from stored codes without making the text. The same
/// characters as [`MatchingForm::new`] of the text (proptested).
pub struct SimpleForm<'a> {
    runs: Runs<Sink<'a>>,
}

/// Where [`SimpleForm`] writes its characters.
type Sink<'a> = Box<dyn FnMut(char, u32, u32) + 'a>;

impl<'a> SimpleForm<'a> {
    /// A form written into `out` (cleared first).
    pub fn new(out: &'a mut Vec<char>) -> SimpleForm<'a> {
        out.clear();
        SimpleForm {
            runs: Runs::new(Box::new(move |c, _, _| out.push(c))),
        }
    }

    /// The next character's outcome.
    pub fn push(&mut self, a: Alone) {
        match a {
            Alone::Char(c) => self.runs.char(c, 0, 1),
            Alone::Break(c) => self.runs.brk(c, 0),
            Alone::Ignored => {}
        }
    }

    /// The end of the text.
    pub fn finish(mut self) {
        self.runs.finish();
    }
}

/// Call `emit(char, src_start, src_end)` for each character of the matching form of `text`,
/// in order, with the source character span it came from.
///
/// Characters are normalised in groups of a starter and its combining marks, so that NFKC
/// composition (`e` + U+0301 → `é`) happens, and every output character of a group maps to the
/// whole group.
fn for_each_matching_char(text: &str, emit: impl FnMut(char, usize, usize)) {
    let mut emit = emit;
    let mut composer = Composer {
        pending: None,
        runs: Runs::new(|c, s, e| emit(c, s as usize, e as usize)),
    };
    for_each_normalised_char(text, |ev| match ev {
        Event::Char(c, start, end) => composer.push(c, start, end),
        Event::Break(b, pos) => {
            composer.finish();
            composer.runs.brk(b, pos as u32);
        }
    });
    composer.finish();
    composer.runs.finish();
}

/// What step 1 hands on: a kept character with its source span, or a break (the punctuation
/// or separator character, which step 2 needs for decimal points and grouping commas).
enum Event {
    Char(char, usize, usize),
    Break(char, usize),
}

/// Holds back one character so that a combining mark that comes out of a group on its own
/// (`¯` → space + U+0304, the space dropped) composes with the character before it, as NFKC
/// would on the result.
struct Composer<F: FnMut(char, u32, u32)> {
    pending: Option<(char, usize, usize)>,
    runs: Runs<F>,
}

impl<F: FnMut(char, u32, u32)> Composer<F> {
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
            self.runs.char(fold_char(p), s as u32, e as u32);
        }
    }
}

/// Step 2: runs of letters and digits between marks, decimal points and grouping commas.
struct Runs<F: FnMut(char, u32, u32)> {
    emit: F,
    /// The last run character written, while a run is open.
    open: Option<(char, u32, u32)>,
    pending: Pending,
}

/// A dropped character inside a number, waiting for what follows to say whether it stays.
enum Pending {
    None,
    /// A decimal point (its span) after a digit: kept when a digit follows.
    Point(u32, u32),
    /// A grouping comma after a digit, with the digits read after it (at most three): dropped
    /// and the run goes on when exactly three digits follow, else a break.
    Comma(Vec<(char, u32, u32)>),
}

impl<F: FnMut(char, u32, u32)> Runs<F> {
    fn new(emit: F) -> Runs<F> {
        Runs {
            emit,
            open: None,
            pending: Pending::None,
        }
    }

    fn last_is_digit(&self) -> bool {
        self.open.is_some_and(|(c, _, _)| c.is_ascii_digit())
    }

    /// Write a run character, opening a run if none is open.
    fn run_char(&mut self, c: char, s: u32, e: u32) {
        if self.open.is_none() {
            (self.emit)(RUN_MARK, s, e);
        }
        (self.emit)(c, s, e);
        self.open = Some((c, s, e));
    }

    fn close(&mut self) {
        if let Some((_, s, e)) = self.open.take() {
            (self.emit)(RUN_MARK, s, e);
        }
    }

    /// Settle a pending point or comma given that the next thing is not a digit; with
    /// `keeps_run`, the next thing is a point or comma, so the digits read stay an open run
    /// that it may continue.
    fn settle(&mut self, keeps_run: bool) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Point(..) => self.close(),
            Pending::Comma(digits) => {
                if digits.len() == 3 {
                    for (c, s, e) in digits {
                        self.run_char(c, s, e);
                    }
                    if !keeps_run {
                        self.close();
                    }
                } else {
                    // Not a grouping comma: a break, and the digits after it a run of their own.
                    self.close();
                    for (c, s, e) in digits {
                        self.run_char(c, s, e);
                    }
                    if !keeps_run {
                        self.close();
                    }
                }
            }
        }
    }

    fn char(&mut self, c: char, s: u32, e: u32) {
        if !is_run_char(c) {
            self.settle(false);
            self.close();
            (self.emit)(c, s, e);
            return;
        }
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => self.run_char(c, s, e),
            Pending::Point(ps, pe) => {
                if c.is_ascii_digit() {
                    (self.emit)('.', ps, pe);
                } else {
                    self.close();
                }
                self.run_char(c, s, e);
            }
            Pending::Comma(mut digits) => {
                if c.is_ascii_digit() && digits.len() < 3 {
                    digits.push((c, s, e));
                    self.pending = Pending::Comma(digits);
                } else {
                    // A fourth digit or a letter: the comma was a break.
                    self.close();
                    for (d, ds, de) in digits {
                        self.run_char(d, ds, de);
                    }
                    self.run_char(c, s, e);
                }
            }
        }
    }

    fn brk(&mut self, b: char, pos: u32) {
        let point = matches!(b, '.' | '．');
        let comma = matches!(b, ',' | '，');
        if matches!(self.pending, Pending::Comma(_)) && (point || comma) {
            // `1,000,` or `1,000.`: the group joins; `3,5.` or `1,5,`: the digits after the
            // comma are a run of their own. Either way the next comma or point waits.
            self.settle(true);
        } else {
            self.settle(false);
        }
        if self.last_is_digit() && point {
            self.pending = Pending::Point(pos, pos + 1);
        } else if self.last_is_digit() && comma {
            self.pending = Pending::Comma(Vec::new());
        } else {
            self.close();
        }
    }

    fn finish(&mut self) {
        self.settle(false);
        self.close();
    }
}

fn for_each_normalised_char(text: &str, mut emit: impl FnMut(Event)) {
    let mut group = String::new();
    let mut group_start = 0usize;
    // Just after the group's last character: dropped characters after it (a space after a
    // Latin word) are not part of its span.
    let mut group_end = 0usize;
    for (pos, c) in text.chars().enumerate() {
        if is_plain_han(c) {
            // Fast path, checked first (most characters are these).
            flush_group(&mut group, group_start, group_end, &mut emit);
            emit(Event::Char(fold::table().fold(c), pos, pos + 1));
            continue;
        }
        match classify(c) {
            Kind::Ignored => continue,
            Kind::Break => {
                flush_group(&mut group, group_start, group_end, &mut emit);
                emit(Event::Break(c, pos));
                continue;
            }
            Kind::Kept => {}
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

fn flush_group(group: &mut String, start: usize, end: usize, emit: &mut impl FnMut(Event)) {
    if group.is_empty() {
        return;
    }
    for n in group.nfkc() {
        for l in n.to_lowercase() {
            // What NFKC brings out of a group (a space in `¯` → space + U+0304) is dropped
            // without a break.
            if classify(l) == Kind::Kept {
                emit(Event::Char(l, start, end));
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
        assert_eq!(form, " 737  max 客机 x 推特");
        let at = form.chars().position(|c| c == 'm').unwrap();
        // The run with its marks comes from the letters alone.
        assert_eq!(mf.source_span(at - 1, at + 4), (4, 7));
        let x = mf.chars.iter().rposition(|&c| c == 'x').unwrap();
        assert_eq!(mf.source_span(x - 1, x + 2), (11, 12));
        // A combining mark after an invisible character still composes.
        let mf = MatchingForm::new("e\u{200b}\u{301}!");
        assert_eq!(mf.chars, vec![' ', 'é', ' ']);
        assert_eq!(mf.source_span(1, 2), (0, 3));
    }

    #[test]
    fn table() {
        let cases = [
            ("没有调查，就没有发言权", "没有调查就没有发言权"),
            (
                "“调查研究是谋事之基、成事之道。”",
                "调查研究是谋事之基成事之道",
            ),
            // Scripts: traditional and regional variants fold to simplified.
            ("調查研究", "调查研究"),
            ("習近平總書記", "习近平总书记"),
            ("政府工作報告", "政府工作报告"),
            ("衹有", "只有"),
            // Runs of letters and digits between marks.
            ("２０２５年", " 2025 年"),
            ("5G网络 ABC", " 5g 网络 abc "),
            ("ＡＢＣ", " abc "),
            ("AI plain", " ai  plain "),
            ("发展AI技术", "发展 ai 技术"),
            ("COVID-19", " covid  19 "),
            ("G20峰会", " g20 峰会"),
            ("Ελλάδα и Россия", " ελλάδα  и  россия "),
            // Numbers: decimal points, grouping commas, percent signs.
            ("增长3.5%", "增长 3.5 %"),
            ("增长３．５％", "增长 3.5 %"),
            ("千分之3‰", "千分之 3 ‰"),
            ("1,000元", " 1000 元"),
            ("1,000,000.5", " 1000000.5 "),
            ("3,5", " 3  5 "),
            ("2019,2020", " 2019  2020 "),
            ("1,00", " 1  00 "),
            ("1,0000", " 1  0000 "),
            ("1,000a", " 1  000a "),
            ("3,5.2", " 3  5.2 "),
            ("1,5,000", " 1  5000 "),
            ("1,,5", " 1  5 "),
            ("3.", " 3 "),
            ("3.a", " 3  a "),
            ("U.S.", " u  s "),
            ("第3、5条", "第 3  5 条"),
            ("2035年", " 2035 年"),
            // Other characters.
            ("统-起来", "统起来"),
            ("《人民日报》", "人民日报"),
            ("\u{3000}\u{3000}正文", "正文"),
            ("a\u{202e}b\u{0007}c", " abc "),
            ("㍻", "平成"),
            ("e\u{301}", " é "),
            ("…！？；", ""),
            ("1+1=2", " 1 + 1 = 2 "),
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
    fn literal_pieces_are_in_every_text_that_holds_the_literal() {
        let piece = |s: &str| literal_piece(s).into_iter().collect::<String>();
        assert_eq!(piece("ai"), "ai");
        assert_eq!(piece("2035年远景目标"), "年远景目标");
        assert_eq!(piece("1,000"), "000");
        assert_eq!(piece("，"), "");
        for (literal, text) in [
            ("ai", "plain"),
            ("3.5", "13.5%"),
            ("1,000", "21,0005"),
            ("5年", "2035年"),
        ] {
            let form = matching_string(text);
            assert!(text.contains(literal));
            assert!(
                form.contains(&piece(literal)),
                "{literal} in {text}: {form:?}"
            );
        }
    }

    #[test]
    fn a_decimal_point_maps_to_itself() {
        let m = MatchingForm::new("增长3.5%");
        assert_eq!(m.as_string(), "增长 3.5 %");
        assert_eq!(m.spans[4], (3, 4));
        assert_eq!(m.source_span(2, 7), (2, 5));
    }

    #[test]
    fn expansion_shares_span() {
        let m = MatchingForm::new("x㍻y");
        assert_eq!(m.as_string(), " x 平成 y ");
        assert_eq!(
            m.spans,
            vec![
                (0, 1),
                (0, 1),
                (0, 1),
                (1, 2),
                (1, 2),
                (2, 3),
                (2, 3),
                (2, 3)
            ]
        );
        assert_eq!(m.first_at_or_after(2), 5);
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
            "\u{fe0f}", "調", "習", "乾", ".", ",", "%", "％", "．", "，", "1", "0", "9", "‰",
            "1,000", "3.5", "Ω",
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
            prop_assert!(m.chars.iter().all(|&c| c == RUN_MARK || c == '.' || !is_dropped(c)));
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
            // Up to the run marks and decimal points, which depend on what is around.
            let bare = |s: &str| s.chars().filter(|&c| c != RUN_MARK && c != '.').collect::<String>();
            let needle = bare(&m.chars[a..a + l].iter().collect::<String>());
            prop_assert!(bare(&matching_string(&source)).contains(&needle), "{:?} in {:?}", needle, source);
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
