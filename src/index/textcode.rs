//! The stored form of a passage's text: each character as one, two or four bytes, by its rank
//! in a fixed table of characters ordered by frequency (`charrank.txt`).
//!
//! | first byte    | bytes | character                                                   |
//! |---------------|-------|-------------------------------------------------------------|
//! | `0x00`–`0xBF` | 1     | rank `b` (the 192 most frequent: ，的。国 digits …)          |
//! | `0xC0`–`0xFE` | 2     | rank `192 + (b − 0xC0) × 256 + next byte` (16,128 more)      |
//! | `0xFF`        | 4     | not in the table: its code point in the next three bytes, LE |
//!
//! On `../shared/corpora` the 192 first ranks are 62 % of the characters: 1.4 bytes per
//! character against UTF-16's 2 and UTF-8's 2.8, and the LZ4-compressed store is 21.4 → 17 MB.
//! Decoding is a table lookup per character, no slower than UTF-16's. The table is part of the
//! index format ([`super::SCHEMA_VERSION`]): changing it means a new schema version.

use std::sync::OnceLock;

use crate::matching::{Alone, SimpleForm};

/// Characters by rank, most frequent first (line breaks separate rows of 64 and are not part
/// of the table). Made from the character frequencies of `../shared/corpora` and the seeds.
const RANKED: &str = include_str!("charrank.txt");

/// Ranks coded in one byte.
const ONE_BYTE: usize = 0xC0;
/// Lead byte of a character outside the table.
const ESCAPE: u8 = 0xFF;
/// Ranks the table can hold: one-byte ranks, then 63 lead bytes of 256.
const CAPACITY: usize = ONE_BYTE + (ESCAPE as usize - ONE_BYTE) * 256;

/// Characters by rank (what decoding needs).
fn chars() -> &'static [char] {
    static CHARS: OnceLock<Vec<char>> = OnceLock::new();
    CHARS.get_or_init(|| RANKED.chars().filter(|&c| c != '\n').collect())
}

/// Rank + 1 of every BMP character, 0 when it is not in the table (what encoding needs: only
/// a build makes it).
fn ranks() -> &'static [u16] {
    static RANKS: OnceLock<Vec<u16>> = OnceLock::new();
    RANKS.get_or_init(|| {
        let mut ranks = vec![0u16; 0x1_0000];
        for (rank, &c) in chars().iter().enumerate().take(CAPACITY) {
            // Astral characters are escaped; a duplicate keeps its first (better) rank.
            if (c as u32) < 0x1_0000 && ranks[c as usize] == 0 {
                ranks[c as usize] = rank as u16 + 1;
            }
        }
        ranks
    })
}

/// Per rank, [`crate::matching::alone`] of its character (what [`matching_chars`] needs).
fn alone() -> &'static [Option<Alone>] {
    static ALONE: OnceLock<Vec<Option<Alone>>> = OnceLock::new();
    ALONE.get_or_init(|| chars().iter().map(|&c| crate::matching::alone(c)).collect())
}

/// One coded character: a rank in the table, or a character outside it.
enum Code {
    Rank(usize),
    Char(char),
}

/// Read the code at `*i` and move past it (`None` when the bytes there are not one).
fn next_code(bytes: &[u8], i: &mut usize) -> Option<Code> {
    let b = *bytes.get(*i)?;
    Some(match b {
        ESCAPE => {
            let code = bytes.get(*i + 1..*i + 4)?;
            *i += 4;
            Code::Char(char::from_u32(u32::from_le_bytes([
                code[0], code[1], code[2], 0,
            ]))?)
        }
        b if (b as usize) < ONE_BYTE => {
            *i += 1;
            Code::Rank(b as usize)
        }
        b => {
            let next = *bytes.get(*i + 1)? as usize;
            *i += 2;
            Code::Rank(ONE_BYTE + (b as usize - ONE_BYTE) * 256 + next)
        }
    })
}

/// The stored form of `text`.
pub fn encode(text: &str) -> Vec<u8> {
    let ranks = ranks();
    let mut out = Vec::with_capacity(text.len() / 2 + 8);
    for c in text.chars() {
        let rank = if (c as u32) < 0x1_0000 {
            ranks[c as usize]
        } else {
            0
        };
        match rank as usize {
            0 => {
                out.push(ESCAPE);
                out.extend_from_slice(&(c as u32).to_le_bytes()[..3]);
            }
            r if r - 1 < ONE_BYTE => out.push((r - 1) as u8),
            r => {
                let k = r - 1 - ONE_BYTE;
                out.push((ONE_BYTE + k / 256) as u8);
                out.push((k % 256) as u8);
            }
        }
    }
    out
}

/// The text of a stored form (`None` when the bytes are not one).
pub fn decode(bytes: &[u8]) -> Option<String> {
    let chars = chars();
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut i = 0;
    while i < bytes.len() {
        out.push(match next_code(bytes, &mut i)? {
            Code::Rank(r) => *chars.get(r)?,
            Code::Char(c) => c,
        });
    }
    Some(out)
}

/// The matching form of a stored text, read from the codes without making the text, when each
/// character's matching form can be told from the character alone (Han, ASCII letters and
/// digits, dropped characters; see [`crate::matching::alone`]): `Some(true)`, with `out` holding
/// it. `Some(false)` when some character needs [`crate::matching::MatchingForm`], `None` when
/// the bytes are not a stored form. `quote` reads thousands of candidates this way and makes
/// the text only of those that may hold a hit.
pub fn matching_chars(bytes: &[u8], out: &mut Vec<char>) -> Option<bool> {
    let table = alone();
    let mut form = SimpleForm::new(out);
    let mut i = 0;
    while i < bytes.len() {
        let alone = match next_code(bytes, &mut i)? {
            Code::Rank(r) => *table.get(r)?,
            Code::Char(c) => crate::matching::alone(c),
        };
        match alone {
            Some(a) => form.push(a),
            None => return Some(false),
        }
    }
    form.finish();
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_table_fits_and_has_no_duplicates() {
        let chars = chars();
        assert!(chars.len() <= CAPACITY, "{} ranks", chars.len());
        let mut seen = std::collections::HashSet::new();
        for c in chars {
            assert!(seen.insert(*c), "{c:?} twice");
        }
        assert_eq!(chars[..4].iter().collect::<String>(), "，20。");
    }

    #[test]
    fn common_text_is_short_and_round_trips() {
        let text =
            "调查研究是谋事之基、成事之道。习近平总书记强调：“没有调查，就没有发言权。”2025年5G";
        let coded = encode(text);
        assert_eq!(decode(&coded).as_deref(), Some(text));
        let utf16 = text.encode_utf16().count() * 2;
        assert!(
            coded.len() * 10 < utf16 * 8,
            "{} against {utf16}",
            coded.len()
        );
    }

    #[test]
    fn rare_and_astral_characters_are_escaped() {
        for text in ["𠮷野家", "\u{0}", "\u{10FFFF}", "鿿", "a\u{FEFF}b"] {
            let coded = encode(text);
            assert_eq!(decode(&coded).as_deref(), Some(text), "{coded:?}");
        }
        assert_eq!(encode("𠮷")[0], ESCAPE);
    }

    #[test]
    fn damaged_forms_are_refused() {
        assert_eq!(decode(&[ESCAPE, 0x41]), None);
        assert_eq!(decode(&[0xC0]), None);
        // A code point above U+10FFFF, and a surrogate.
        assert_eq!(decode(&[ESCAPE, 0xFF, 0xFF, 0xFF]), None);
        assert_eq!(decode(&[ESCAPE, 0x00, 0xD8, 0x00]), None);
        // A two-byte rank beyond the table.
        assert_eq!(decode(&[0xFE, 0xFF]), None);
    }

    #[test]
    fn matching_chars_of_plain_text_and_of_text_that_needs_nfkc() {
        let mut out = Vec::new();
        let text = "２０２５年，调查研究ABC 5G。";
        assert_eq!(matching_chars(&encode(text), &mut out), Some(false));
        let text = "2025年，调查研究ABC 5G。";
        assert_eq!(matching_chars(&encode(text), &mut out), Some(true));
        assert_eq!(out.iter().collect::<String>(), " 2025 年调查研究 abc  5g ");
        assert_eq!(matching_chars(&[0xC0], &mut out), None);
    }

    proptest! {
        #[test]
        fn any_text_round_trips(text in "\\PC{0,64}|[\\u{0}-\\u{10FFFF}]{0,16}") {
            prop_assert_eq!(decode(&encode(&text)), Some(text));
        }

        #[test]
        fn matching_chars_agree_with_the_matching_form(
            text in "[a-zA-Z0-9调查研究是谋事之基\\u{0301}\\u{200d}\\u{1100}\\u{1161}\\u{AC00}\\u{11A8}e，。 “”、Ａ１㍻ﬁ]{0,24}"
        ) {
            let mut out = Vec::new();
            let fast = matching_chars(&encode(&text), &mut out);
            prop_assert!(fast.is_some());
            if fast == Some(true) {
                prop_assert_eq!(out, crate::matching::MatchingForm::new(&text).chars);
            }
        }
    }
}
