//! Tokenizers: the `exact` field's bigrams, and jieba for words (queries, themes, keywords).
//!
//! * `exact` ([`BigramTokenizer`]): for the text it is given (a matching form), every pair of
//!   adjacent characters at the position of its first character, so that a phrase of bigrams at
//!   consecutive positions is an exact substring test. Bigrams that reach past the passage into
//!   the indexed tail carry [`TAIL_MARK`]; the passage's last character also stands alone,
//!   after [`LAST_MARK`], so that every character of the passage starts exactly one unmarked
//!   term and a single character is counted from the terms it starts:
//!
//!   | text `调查研究`, tail `是`   | position 0 | position 1 | position 2 | position 3 |
//!   |-----------------------------|------------|------------|------------|------------|
//!   | terms                       | 调查       | 查研       | 研究       | ⁽¹⁾究是, ⁽²⁾究 |
//!
//! * words ([`words_analyzer`]): jieba in search mode (tantivy-jieba) with the built-in
//!   domain dictionary and an optional user dictionary, keeping tokens that contain a letter or
//!   digit. Its input is [`normalize_words`] of the text. It cuts queries into the words
//!   `search` requires and scores, and passages into the words themes and keywords count; no
//!   field holds its tokens.

use std::path::Path;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;
use tantivy_jieba::jieba_rs::Jieba;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The domain dictionary shipped with jiansuo: terms of policy texts that jieba cuts badly.
pub const BUILTIN_USER_DICT: &str = include_str!("../user_dict.txt");

/// First character of the `exact` terms of bigrams that are not wholly inside the passage
/// (they reach into, or lie in, the tail of following text). It never occurs in a matching
/// form; in the text given to [`BigramTokenizer`] it marks where the passage ends.
pub const TAIL_MARK: char = '\u{1}';

/// First character of the `exact` term holding the passage's last character alone (at its
/// position). It never occurs in a matching form.
pub const LAST_MARK: char = '\u{2}';

/// Bigram tokenizer of the `exact` field: every run of two adjacent characters, at the
/// position of its first character, then the passage's last character after [`LAST_MARK`].
///
/// The input may contain one [`TAIL_MARK`] where the passage ends and its tail begins: the
/// mark takes no position, and bigrams not wholly before it are emitted with the mark in front.
/// A phrase of unmarked bigrams therefore matches only inside the passage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BigramTokenizer;

/// Token stream of [`BigramTokenizer`].
pub struct BigramStream<'a> {
    text: &'a str,
    /// Byte range of each character (the tail mark left out).
    chars: Vec<(usize, usize)>,
    /// Characters before the tail mark.
    own: usize,
    /// Position of the next bigram; past the last one, the last character's term comes.
    pos: usize,
    last_done: bool,
    token: Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream<'a> {
        let mut chars = Vec::with_capacity(text.len() / 3 + 1);
        let mut own = None;
        for (i, c) in text.char_indices() {
            if c == TAIL_MARK {
                own.get_or_insert(chars.len());
            } else {
                chars.push((i, i + c.len_utf8()));
            }
        }
        let own = own.unwrap_or(chars.len());
        BigramStream {
            text,
            own,
            chars,
            pos: 0,
            last_done: own == 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for BigramStream<'_> {
    fn advance(&mut self) -> bool {
        let pos = self.pos;
        let text = &mut self.token.text;
        text.clear();
        if pos + 2 <= self.chars.len() {
            if pos + 2 > self.own {
                text.push(TAIL_MARK);
            }
            // Character by character: the tail mark may stand between the two.
            let ((from, a), (b, to)) = (self.chars[pos], self.chars[pos + 1]);
            text.push_str(&self.text[from..a]);
            text.push_str(&self.text[b..to]);
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = pos;
            self.token.position_length = 2;
            self.pos += 1;
            return true;
        }
        if self.last_done {
            return false;
        }
        // The passage's last character (its term occurs once, so its position may come after
        // the tail's in the stream).
        self.last_done = true;
        let (from, to) = self.chars[self.own - 1];
        text.push(LAST_MARK);
        text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.own - 1;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Text given to the word analyzer: NFKC, lowercase.
pub fn normalize_words(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// Load jieba's dictionary plus the built-in domain dictionary and `extra` (the contents of a
/// user dictionary: one `word [frequency] [tag]` per line, `#` comments).
pub fn load_jieba(extra: &str) -> Result<Jieba> {
    let mut jieba = Jieba::new();
    add_dict(&mut jieba, BUILTIN_USER_DICT).expect("built-in dictionary is valid");
    add_dict(&mut jieba, extra).map_err(|reason| Error::UserDict {
        path: "(index copy)".into(),
        reason,
    })?;
    Ok(jieba)
}

/// Read a user dictionary file and check it parses; returns its contents.
pub fn read_user_dict(path: &Path) -> Result<String> {
    let err = |reason: String| Error::UserDict {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| err("not UTF-8 text".into()))?;
    parse_dict(&text).map_err(err)?;
    Ok(text)
}

/// One dictionary line: word, frequency, part-of-speech tag.
type DictEntry<'a> = (&'a str, Option<usize>, Option<&'a str>);

/// Parse dictionary lines; the error names the line.
fn parse_dict(text: &str) -> std::result::Result<Vec<DictEntry<'_>>, String> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next().unwrap_or_default();
        let freq = match parts.next() {
            None => None,
            Some(f) => Some(f.parse::<usize>().map_err(|_| {
                format!(
                    "line {}: frequency {f:?} is not a whole number (format: word [frequency] [tag])",
                    i + 1
                )
            })?),
        };
        entries.push((word, freq, parts.next()));
    }
    Ok(entries)
}

fn add_dict(jieba: &mut Jieba, text: &str) -> std::result::Result<(), String> {
    for (word, freq, tag) in parse_dict(text)? {
        jieba.add_word(word, freq, tag);
    }
    Ok(())
}

/// The word analyzer (jieba, search mode, word-like tokens only).
pub fn words_analyzer(jieba: Jieba) -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::with_jieba(jieba))
        .filter(WordOnly)
        .build()
}

/// The word analyzer's tokens of `text` (already normalised).
pub fn word_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Drops tokens that have no letter or digit (punctuation, spaces).
#[derive(Clone)]
pub struct WordOnly;

impl TokenFilter for WordOnly {
    type Tokenizer<T: Tokenizer> = WordOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordOnlyTokenizer<T> {
        WordOnlyTokenizer(tokenizer)
    }
}

/// [`WordOnly`] applied to a tokenizer.
#[derive(Clone)]
pub struct WordOnlyTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for WordOnlyTokenizer<T> {
    type TokenStream<'a> = WordOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordOnlyStream(self.0.token_stream(text))
    }
}

/// Token stream of [`WordOnlyTokenizer`].
pub struct WordOnlyStream<S>(S);

impl<S: TokenStream> TokenStream for WordOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if self.0.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<(String, usize)> {
        let mut tok = BigramTokenizer;
        let mut s = tok.token_stream(text);
        let mut out = Vec::new();
        while let Some(tok) = s.next() {
            let plain: String = text[tok.offset_from..tok.offset_to]
                .chars()
                .filter(|&c| c != TAIL_MARK)
                .collect();
            assert_eq!(plain, tok.text.trim_start_matches([TAIL_MARK, LAST_MARK]));
            out.push((tok.text.clone(), tok.position));
        }
        out
    }

    fn g(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(s, p)| (s.to_string(), *p)).collect()
    }

    #[test]
    fn grams_table() {
        assert_eq!(grams(""), g(&[]));
        assert_eq!(grams("调"), g(&[("\u{2}调", 0)]));
        assert_eq!(
            grams("调查研"),
            g(&[("调查", 0), ("查研", 1), ("\u{2}研", 2)])
        );
        assert_eq!(grams("a5g"), g(&[("a5", 0), ("5g", 1), ("\u{2}g", 2)]));
    }

    #[test]
    fn bigrams_after_the_tail_mark_are_marked() {
        assert_eq!(
            grams("调查研\u{1}究是"),
            g(&[
                ("调查", 0),
                ("查研", 1),
                ("\u{1}研究", 2),
                ("\u{1}究是", 3),
                ("\u{2}研", 2)
            ])
        );
        assert_eq!(grams("调\u{1}"), g(&[("\u{2}调", 0)]));
        assert_eq!(grams("\u{1}调查"), g(&[("\u{1}调查", 0)]));
    }

    #[test]
    fn domain_dictionary_keeps_terms_whole() {
        let mut a = words_analyzer(load_jieba("").unwrap());
        let toks = word_tokens(
            &mut a,
            &normalize_words("践行“四下基层”，解决急难愁盼问题，坚持四不两直。"),
        );
        for term in ["四下基层", "急难愁盼", "四不两直"] {
            assert!(toks.iter().any(|t| t == term), "{term} not in {toks:?}");
        }
        assert!(
            toks.iter().all(|t| t.chars().any(char::is_alphanumeric)),
            "{toks:?}"
        );
    }

    #[test]
    fn bad_user_dict_names_the_line() {
        let err = parse_dict("好词 5\n坏词 many\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
