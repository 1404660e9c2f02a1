//! Encoding detection and decoding of one file's bytes.
//!
//! Order of decisions: empty → byte-order mark (UTF-8, UTF-16LE, UTF-16BE) → valid UTF-8 →
//! NUL bytes (UTF-16 without BOM when the NULs fall on one side of each code unit and it decodes
//! cleanly, else binary) → mostly-UTF-8 with a few invalid bytes (an error naming the byte) →
//! chardetng's guess (GBK is decoded as its superset GB18030), which must decode without error
//! and without control characters.

use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE};

/// Why a file could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary file ({0})")]
    Binary(String),
    #[error("undecodable text: {0}")]
    Undecodable(String),
    /// A container format (.docx) that cannot be opened.
    #[error("{0}")]
    Unreadable(String),
}

/// Decoded text and the name of the encoding it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Embedded metadata as `(name, value)`: HTML `<meta>` tags by their `name`, `property`,
    /// `itemprop` or `http-equiv`; docx core properties by their qualified name.
    pub meta: Vec<(String, String)>,
}

/// Detect the encoding of `bytes` and decode them.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok(text_of(text.to_owned(), "UTF-8 (BOM)")),
            Err(e) => Err(invalid_utf8(e.valid_up_to() + 3)),
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return strict(UTF_16LE, rest, "UTF-16LE (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return strict(UTF_16BE, rest, "UTF-16BE (BOM)");
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) if !has_nul(text.as_bytes()) => return Ok(text_of(text.to_owned(), "UTF-8")),
        Ok(_) => None,
        Err(e) => Some(e),
    };
    if has_nul(bytes) {
        return decode_with_nuls(bytes);
    }
    if let Some(e) = utf8_error
        && mostly_utf8(bytes)
    {
        return Err(invalid_utf8(e.valid_up_to()));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let encoding = if guess == GBK { GB18030 } else { guess };
    let decoded = strict(encoding, bytes, encoding.name())?;
    if control_share(&decoded.text) > 0.01 {
        return Err(DecodeError::Binary("control characters in the text".into()));
    }
    Ok(decoded)
}

fn text_of(text: String, encoding: &'static str) -> Decoded {
    Decoded {
        text,
        encoding,
        meta: Vec::new(),
    }
}

fn invalid_utf8(at: usize) -> DecodeError {
    DecodeError::Undecodable(format!(
        "invalid UTF-8 at byte {at}; convert the file to UTF-8 (e.g. with iconv) and index again"
    ))
}

fn strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    name: &'static str,
) -> Result<Decoded, DecodeError> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text_of(text.into_owned(), name)),
        None => Err(DecodeError::Undecodable(format!(
            "not valid {}; convert the file to UTF-8 and index again",
            encoding.name()
        ))),
    }
}

fn has_nul(bytes: &[u8]) -> bool {
    bytes.iter().take(1 << 16).any(|&b| b == 0)
}

/// Text with NUL bytes is UTF-16 without a BOM when nearly all NULs sit on one side of the
/// code units (ASCII and Latin text) or when it decodes to CJK text without errors; otherwise binary.
fn decode_with_nuls(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let sample = &bytes[..bytes.len().min(1 << 16)];
    if sample.len().is_multiple_of(2) {
        let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let (encoding, name) = if odd > even {
            (UTF_16LE, "UTF-16LE")
        } else {
            (UTF_16BE, "UTF-16BE")
        };
        if even.min(odd) * 20 <= even.max(odd)
            && let Ok(decoded) = strict(encoding, bytes, name)
            && control_share(&decoded.text) < 0.01
            && !decoded.text.contains('\0')
        {
            return Ok(decoded);
        }
    }
    Err(DecodeError::Binary("contains NUL bytes".into()))
}

/// True when the bytes are UTF-8 but for a few invalid sequences: at least 20 multi-byte
/// characters decode, and there are at least ten times as many of them as broken sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(bytes);
    let mut multibyte = 0usize;
    let mut broken = 0usize;
    for c in text.chars() {
        match c {
            '\u{fffd}' => broken += 1,
            c if !c.is_ascii() => multibyte += 1,
            _ => {}
        }
    }
    multibyte >= 20 && broken * 10 <= multibyte
}

/// Share of C0/C1 control characters other than tab, line feed, carriage return and form feed.
fn control_share(text: &str) -> f64 {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(1 << 16) {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            controls += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        controls as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "习近平总书记强调，“调查研究是谋事之基、成事之道。没有调查，就没有发言权，更没有决策权”。\n";

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { b"\xff\xfe" } else { b"\xfe\xff" });
        }
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn encodings() {
        let gbk = GBK.encode(SAMPLE).0.into_owned();
        let gb18030 = GB18030.encode(SAMPLE).0.into_owned();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (SAMPLE.as_bytes().to_vec(), "UTF-8"),
            (
                [b"\xef\xbb\xbf".as_slice(), SAMPLE.as_bytes()].concat(),
                "UTF-8 (BOM)",
            ),
            (utf16(SAMPLE, true, true), "UTF-16LE (BOM)"),
            (utf16(SAMPLE, false, true), "UTF-16BE (BOM)"),
            (utf16("plain ascii text, no bom\n", true, false), "UTF-16LE"),
            (gbk, "gb18030"),
            (gb18030, "gb18030"),
        ];
        for (bytes, want) in cases {
            let got = decode(&bytes).unwrap_or_else(|e| panic!("{want}: {e}"));
            assert_eq!(got.encoding, want);
            assert!(
                got.text.contains("发言权") || got.text.contains("plain"),
                "{want}"
            );
        }
    }

    #[test]
    fn rejects() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(
            matches!(decode(&binary), Err(DecodeError::Binary(_))),
            "{:?}",
            decode(&binary)
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert!(matches!(decode(png), Err(DecodeError::Binary(_))));
        let mut broken = SAMPLE.repeat(3).into_bytes();
        broken[10] = 0xff;
        match decode(&broken) {
            Err(DecodeError::Undecodable(msg)) => assert!(msg.contains("byte 9"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }
}
