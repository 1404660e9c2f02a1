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
//! * words ([`words_analyzer`], from [`crate::analyze`], re-exported here): jieba in search
//!   mode. It cuts queries into the words `search` requires and scores, and passages into the
//!   words themes and keywords count; no field holds its tokens.

use tantivy::Index;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::Jieba;

use super::schema;

pub use crate::analyze::{
    BUILTIN_USER_DICT, WordOnly, WordOnlyStream, WordOnlyTokenizer, load_jieba, normalize_words,
    read_user_dict, word_tokens, words_analyzer,
};

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

/// Register jiansuo's tokenizers on an index; the word analyzer only when jieba is given.
pub fn register_tokenizers(index: &Index, jieba: Option<Jieba>) {
    let tokenizers = index.tokenizers();
    tokenizers.register(schema::BIGRAMS_TOKENIZER, BigramTokenizer);
    if let Some(jieba) = jieba {
        tokenizers.register(schema::WORDS_TOKENIZER, words_analyzer(jieba));
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
}
