//! The jieba word analyzer: jieba in search mode (tantivy-jieba) with the built-in domain
//! dictionary (`src/user_dict.txt`) and an optional user dictionary, keeping tokens that
//! contain a letter or digit. Its input is [`normalize_words`] of the text. Queries are cut into
//! words by it, and passages into the words themes (and the index's keywords) count.

use std::path::Path;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;
use tantivy_jieba::jieba_rs::Jieba;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The domain dictionary shipped with jiansuo: terms of policy texts that jieba cuts badly.
pub const BUILTIN_USER_DICT: &str = include_str!("../user_dict.txt");

/// Text given to the word analyzer: NFKC, lowercase, traditional characters folded to
/// simplified ([`crate::matching::fold`]; before cutting, since jieba's dictionary is
/// simplified).
pub fn normalize_words(text: &str) -> String {
    // Invisible characters (a soft hyphen, a zero-width space) go, as in the matching form, so
    // that they do not cut a word or a number in two.
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|&c| c.is_whitespace() || !crate::matching::is_ignored(c))
        .map(crate::matching::fold_char)
        .collect()
}

/// Load jieba's dictionary plus the built-in domain dictionary and `extra` (the contents of a
/// user dictionary: one `word [frequency] [tag]` per line, `#` comments). The error names the
/// line of `extra` that does not parse (the caller knows where `extra` came from).
pub fn load_jieba(extra: &str) -> std::result::Result<Jieba, String> {
    let mut jieba = Jieba::new();
    add_dict(&mut jieba, BUILTIN_USER_DICT).expect("built-in dictionary is valid");
    add_dict(&mut jieba, extra)?;
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

/// The word analyzer's tokens of `text` (already normalised). A run of letters and digits (as
/// the matching form has them: `3.5`, `1,000`, `covid`, `5g`), with a percent sign right after
/// it, is one token, whatever jieba would make of it; jieba cuts the text between runs.
pub fn word_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    for (start, end) in runs(text) {
        jieba_tokens(analyzer, &text[from..start], &mut out);
        out.push(text[start..end].to_owned());
        from = end;
    }
    jieba_tokens(analyzer, &text[from..], &mut out);
    out
}

fn jieba_tokens(analyzer: &mut TextAnalyzer, text: &str, out: &mut Vec<String>) {
    if text.is_empty() {
        return;
    }
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
}

/// Byte ranges of the runs of letters and digits in `text` (normalised), each with its decimal
/// points, grouping commas and a percent or per-mille sign right after it: the rule of
/// [`crate::matching`]'s runs, on text whose punctuation is still there.
fn runs(text: &str) -> Vec<(usize, usize)> {
    use crate::matching::is_run_char;
    let cs: Vec<(usize, char)> = text.char_indices().collect();
    let digit = |i: usize| cs.get(i).is_some_and(|&(_, c)| c.is_ascii_digit());
    let end_of = |i: usize| cs.get(i).map_or(text.len(), |&(b, _)| b);
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if !is_run_char(cs[i].1) {
            i += 1;
            continue;
        }
        let start = i;
        while i < cs.len() {
            let c = cs[i].1;
            let point = matches!(c, '.' | '．') && digit(i.wrapping_sub(1)) && digit(i + 1);
            if is_run_char(c) || point {
                i += 1;
            } else if matches!(c, ',' | '，')
                && digit(i.wrapping_sub(1))
                && (1..=3).all(|k| digit(i + k))
                && !digit(i + 4)
            {
                i += 4;
            } else {
                break;
            }
        }
        if cs
            .get(i)
            .is_some_and(|&(_, c)| matches!(c, '%' | '‰' | '‱'))
        {
            i += 1;
        }
        out.push((cs[start].0, end_of(i)));
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
    fn numbers_and_latin_words_are_one_token_and_traditional_text_is_cut_as_simplified() {
        let mut a = words_analyzer(load_jieba("").unwrap());
        let toks = word_tokens(
            &mut a,
            &normalize_words("增長３.５％，投資1,000億元，COVID-19與5G網絡、AI技術"),
        );
        for want in [
            "增长", "3.5%", "投资", "1,000", "covid", "19", "5g", "网络", "ai", "技术",
        ] {
            assert!(toks.iter().any(|t| t == want), "{want} not in {toks:?}");
        }
        assert!(
            !toks.iter().any(|t| t == "3" || t == "5" || t == "000"),
            "{toks:?}"
        );
        // Each run token is found in the matching form of the text it came from.
        for text in ["3,5.2%的增长", "1,5,000元", "co\u{ad}op与1\u{200b},000"] {
            let form = crate::matching::matching_string(text);
            for t in word_tokens(&mut a, &normalize_words(text)) {
                let tf = crate::matching::matching_string(&t);
                assert!(form.contains(&tf), "{t:?} ({tf:?}) not in {form:?}");
            }
        }
    }

    #[test]
    fn bad_user_dict_names_the_line() {
        let err = parse_dict("好词 5\n坏词 many\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
