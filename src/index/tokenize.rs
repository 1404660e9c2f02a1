//! Tokenizers of the two indexed fields.
//!
//! * `exact` ([`GramTokenizer`]): for the text it is given (a matching form), every character
//!   as a unigram and every pair of adjacent characters as a bigram, both at the position of
//!   their first character. A phrase query of bigrams (or a unigram term) is then an exact
//!   substring test:
//!
//!   | text `调查研究` | position 0 | position 1 | position 2 | position 3 |
//!   |----------------|------------|------------|------------|------------|
//!   | unigrams       | 调         | 查         | 研         | 究         |
//!   | bigrams        | 调查       | 查研       | 研究       |            |
//!
//! * `words` ([`words_analyzer`]): jieba in search mode (tantivy-jieba) with the built-in
//!   domain dictionary and an optional user dictionary, keeping tokens that contain a letter or
//!   digit. Its input is [`normalize_words`] of the passage text.

use std::path::Path;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;
use tantivy_jieba::jieba_rs::Jieba;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The domain dictionary shipped with jiansuo: terms of policy texts that jieba cuts badly.
pub const BUILTIN_USER_DICT: &str = include_str!("../user_dict.txt");

/// Unigram + bigram tokenizer for the exact field.
#[derive(Clone, Default)]
pub struct GramTokenizer;

/// Token stream of [`GramTokenizer`].
pub struct GramStream<'a> {
    text: &'a str,
    /// Byte offset of each character, and the text length at the end.
    offsets: Vec<usize>,
    /// Next character position.
    pos: usize,
    /// Whether the unigram at `pos` was emitted and the bigram comes next.
    bigram_next: bool,
    token: Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        offsets.push(text.len());
        GramStream {
            text,
            offsets,
            pos: 0,
            bigram_next: false,
            token: Token::default(),
        }
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        let n = self.offsets.len() - 1;
        if self.bigram_next {
            self.bigram_next = false;
            if self.pos + 1 < n {
                self.set_token(self.pos, 2);
                self.pos += 1;
                return true;
            }
            self.pos += 1;
        }
        if self.pos < n {
            self.set_token(self.pos, 1);
            self.bigram_next = true;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl GramStream<'_> {
    fn set_token(&mut self, pos: usize, len: usize) {
        let from = self.offsets[pos];
        let to = self.offsets[pos + len];
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = pos;
        self.token.position_length = len;
    }
}

/// Text given to the `words` field and to word queries: NFKC, lowercase.
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

/// Parse dictionary lines into `(word, frequency, tag)`; the error names the line.
fn parse_dict(text: &str) -> std::result::Result<Vec<(&str, Option<usize>, Option<&str>)>, String> {
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

/// The analyzer of the `words` field.
pub fn words_analyzer(jieba: Jieba) -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::with_jieba(jieba))
        .filter(WordOnly)
        .build()
}

/// Tokens of `text` (already normalised) as the `words` field sees them.
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
        let mut t = GramTokenizer;
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while let Some(tok) = s.next() {
            assert_eq!(&text[tok.offset_from..tok.offset_to], tok.text);
            out.push((tok.text.clone(), tok.position));
        }
        out
    }

    #[test]
    fn grams_table() {
        let g = |v: &[(&str, usize)]| -> Vec<(String, usize)> {
            v.iter().map(|(s, p)| (s.to_string(), *p)).collect()
        };
        assert_eq!(grams(""), g(&[]));
        assert_eq!(grams("调"), g(&[("调", 0)]));
        assert_eq!(
            grams("调查研"),
            g(&[("调", 0), ("调查", 0), ("查", 1), ("查研", 1), ("研", 2)])
        );
        assert_eq!(
            grams("a5g"),
            g(&[("a", 0), ("a5", 0), ("5", 1), ("5g", 1), ("g", 2)])
        );
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
