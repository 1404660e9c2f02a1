//! Clean: the text that is stored and shown.
//!
//! An ordered list of small rules applied to decoded text:
//! 1. line endings normalised to `\n` (`\r\n` and lone `\r`),
//! 2. byte-order marks and zero-width characters dropped (U+FEFF, U+200B–U+200D, U+2060),
//! 3. site markers of the form `##letters##` (`##paidbegin##`, `##paidend##`) removed, also
//!    where they sit inside a word (`统编教##paidbegin##材` → `统编教材`).
//!
//! Line count is preserved, so line numbers of the cleaned text are those of the source file.
//!
//! ```
//! assert_eq!(jiansuo::clean::clean("统编教##paidbegin##材\r\n下一行\u{200b}"), "统编教材\n下一行");
//! ```

/// Characters that carry no text and are dropped everywhere.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
    )
}

/// Apply every cleaning rule, in order.
pub fn clean(text: &str) -> String {
    let text = normalise_line_endings(text);
    let text: String = text.chars().filter(|&c| !is_invisible(c)).collect();
    remove_site_markers(&text)
}

fn normalise_line_endings(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Remove every `##` + ASCII letters + `##` run. Markers never span lines.
pub fn remove_site_markers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = text[i..].find("##") {
        let start = i + found;
        let letters = bytes[start + 2..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let end = start + 2 + letters;
        if letters > 0 && bytes[end..].starts_with(b"##") {
            out.push_str(&text[copied..start]);
            copied = end + 2;
            i = copied;
        } else {
            i = start + 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("统编教##paidbegin##材", "统编教材"),
            ("##paidend##（二）更加", "（二）更加"),
            ("a##paidbegin##b##paidend##c", "abc"),
            ("## not a marker ##", "## not a marker ##"),
            ("####", "####"),
            ("###x##", "#"),
            ("##12##", "##12##"),
            ("#", "#"),
            ("a\r\nb\rc\n", "a\nb\nc\n"),
            ("\u{feff}标题\u{200b}", "标题"),
            ("##paid\nend##", "##paid\nend##"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn keeps_line_count() {
        let text = "一\r\n二\r\n\r\n三##paidend##\n";
        assert_eq!(clean(text).lines().count(), text.lines().count());
    }
}
