//! Quotations: spans inside quote marks, their kind and their speaker.
//!
//! * `marks.rs`: quotation and title spans in a paragraph (nesting, unbalanced and stray marks,
//!   the longest span kept) and the kind of a quotation (`cited`, `term`, `title`);
//! * `attribution.rs`: the [`Extractor`], which makes a paragraph's quotations from its spans and
//!   names their speakers (cues before, names after, continued quotations, pronouns);
//! * the word lists attribution reads (cue verbs, subjects that are no speaker, …): built-in
//!   `src/quote_words.toml`, parsed once ([`words`]).
//!
//! ```
//! use jiansuo::analyze::{Extractor, QuoteKind, SpeakerTable};
//! let t = SpeakerTable::builtin();
//! let q = Extractor::new(&t).paragraph(1, 0, "习近平总书记强调：“江山就是人民，人民就是江山。”");
//! assert_eq!((q[0].kind, q[0].speaker.as_deref()), (QuoteKind::Cited, Some("习近平")));
//! ```

mod attribution;
mod marks;
mod names;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use attribution::{Extractor, attribute_at};
pub use marks::MAX_QUOTATION_CHARS;
pub use names::{Named, is_name_list, person_in_subject, persons_in};

/// What a quotation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Attributed speech, or a quoted clause or sentence.
    Cited,
    /// A short scare-quoted expression.
    Term,
    /// A title in 《…》: a cited document.
    Title,
}

impl QuoteKind {
    pub fn name(self) -> &'static str {
        match self {
            QuoteKind::Cited => "cited",
            QuoteKind::Term => "term",
            QuoteKind::Title => "title",
        }
    }
}

/// One quotation (or title) of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quotation {
    /// 1-based line number.
    pub line: u32,
    /// 0-based paragraph ordinal.
    pub paragraph: u32,
    /// Character span of the quoted text in the line, marks excluded.
    pub start: u32,
    pub end: u32,
    pub text: String,
    /// Matching form of `text` (not written to `quotes.jsonl.zst`: read back, it is derived again).
    #[serde(skip)]
    pub matching: String,
    pub kind: QuoteKind,
    /// Canonical speaker name; for a speaker the table does not list (`unlisted`), the person's
    /// name as written (王奋), or the subject as written when it names no one (代表们).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// What the text calls an unlisted speaker before the name (绍兴市人社局办公室主任).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The cue word that introduced it (强调, 指出, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// Nesting level: 0 for outermost.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub depth: u8,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unbalanced: bool,
    /// Speaker resolved from a pronoun (他/她).
    #[serde(default, skip_serializing_if = "is_false")]
    pub pronoun: bool,
    /// Speaker named after the quotation.
    #[serde(default, skip_serializing_if = "is_false")]
    pub after: bool,
    /// Speaker not in the speaker table.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlisted: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

impl Quotation {
    /// Names of the flags that are set.
    pub fn flags(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.depth > 0 {
            f.push("nested");
        }
        for (set, name) in [
            (self.unbalanced, "unbalanced"),
            (self.pronoun, "pronoun"),
            (self.after, "after"),
            (self.unlisted, "unlisted"),
        ] {
            if set {
                f.push(name);
            }
        }
        f
    }
}

/// The word lists of attribution, as `src/quote_words.toml` holds them (each in its order: the
/// first match wins).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    /// Cue words before a quotation, longest first where one ends another.
    cues: Vec<String>,
    /// Cue words after a quotation and its speaker.
    after_cues: Vec<String>,
    /// Verbs of advice that may take a short object before the quotation.
    advice: Vec<String>,
    /// Subjects that are not speakers.
    not_speakers: Vec<String>,
    /// Adverbs and connectives trimmed from the end of a subject.
    trailing: Vec<String>,
    /// Frames between a speaker and the cue: the subject ends where one begins.
    frame_starts: Vec<String>,
    /// Words that open a subject and are no part of it (据).
    subject_openers: Vec<String>,
    /// Subjects that are only a connective (并, 还): the speaker is whom the sentence is about.
    connectives: Vec<String>,
    /// Words after a quotation that make it the words of the alias right before it.
    their_words: Vec<String>,
    /// Words before a quotation that mark it as a name or term (所谓).
    term_markers: Vec<String>,
    /// Subjects that stand for what someone issued (声明, 报道).
    issued: Vec<String>,
    /// Words that stand right before a person's name.
    person_titles: Vec<String>,
    /// Last characters of words that are titles (长, 员, 人, …).
    title_ends: String,
    /// Common single-character surnames (whitespace ignored).
    surnames: String,
    /// Double surnames.
    compound_surnames: Vec<String>,
    /// Characters that end a name taken after a title.
    not_in_names: String,
    /// Last characters of organisations, never of a name.
    not_name_ends: String,
}

const BUILTIN_WORDS: &str = include_str!("../../quote_words.toml");

/// The built-in word lists, parsed on first use.
fn words() -> &'static Words {
    static WORDS: LazyLock<Words> = LazyLock::new(|| {
        toml::from_str(BUILTIN_WORDS).expect("built-in src/quote_words.toml is valid")
    });
    &WORDS
}

/// What the unit tests of `marks` and `attribution` extract and compare.
#[cfg(test)]
mod testing {
    use super::{Extractor, Quotation};
    use crate::analyze::SpeakerTable;

    /// The quotations of one paragraph, with the built-in speaker table.
    pub(super) fn quotes(text: &str) -> Vec<Quotation> {
        let t = SpeakerTable::builtin();
        Extractor::new(&t).paragraph(1, 0, text)
    }

    /// Text, kind, speaker and flags of a quotation.
    pub(super) fn summary(
        q: &Quotation,
    ) -> (String, &'static str, Option<String>, Vec<&'static str>) {
        (q.text.clone(), q.kind.name(), q.speaker.clone(), q.flags())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_word_lists_parse_and_none_is_empty() {
        let w: Words = toml::from_str(BUILTIN_WORDS).expect("src/quote_words.toml parses");
        for (name, list) in [
            ("cues", &w.cues),
            ("after_cues", &w.after_cues),
            ("advice", &w.advice),
            ("not_speakers", &w.not_speakers),
            ("trailing", &w.trailing),
            ("frame_starts", &w.frame_starts),
            ("subject_openers", &w.subject_openers),
            ("term_markers", &w.term_markers),
            ("their_words", &w.their_words),
            ("issued", &w.issued),
            ("person_titles", &w.person_titles),
            ("compound_surnames", &w.compound_surnames),
        ] {
            assert!(!list.is_empty(), "{name} is empty");
            assert!(
                list.iter().all(|s| !s.is_empty()),
                "{name} holds an empty word"
            );
        }
        assert!(!w.not_in_names.is_empty() && !w.title_ends.is_empty());
        assert!(w.surnames.chars().filter(|c| !c.is_whitespace()).count() > 250);
        // The first match wins: a cue that ends with one listed before it (所说 after 说) would
        // never be found.
        for (i, a) in w.cues.iter().enumerate() {
            for b in &w.cues[i + 1..] {
                assert!(
                    !b.ends_with(a.as_str()),
                    "cue {b} ends with {a}, listed before it"
                );
            }
        }
        assert_eq!(words().cues, w.cues);
    }
}
