//! Print: results to stdout, as text for a terminal or as JSON lines.
//!
//! Printers write into any `io::Write`, so they are tested on byte buffers. They never decide
//! about terminals: colour comes resolved in [`Style`].

mod bench;
mod csv_out;
mod docs;
mod export;
mod index;
mod phrase;
mod quote;
mod reuse;
mod search;
mod shared;
mod show;
mod themes;
mod trend;

pub use bench::{print_bench_json, print_bench_text};
pub use csv_out::write_csv;
pub use docs::{
    print_collections_json, print_collections_text, print_docs_json, print_docs_text,
    print_duplicates_json, print_duplicates_text,
};
pub use export::{print_export_mapping, print_export_row};
pub use index::{print_check_json, print_check_text, print_index_text, print_rescore_text};
pub use phrase::{print_counts_json, print_counts_text, print_kwic_text, print_phrase_json};
pub use quote::{
    print_clusters_json, print_clusters_text, print_quote_json, print_quote_text,
    print_speakers_json, print_speakers_text,
};
pub use reuse::{
    marks_on_line, print_compare_json, print_compare_text, print_reuse_json, print_reuse_text,
};
pub use search::{print_search_json, print_search_text};
pub use shared::{print_shared_json, print_shared_text};
pub use show::{print_show_json, print_show_text};
pub use themes::{print_keywords_json, print_keywords_text, print_themes_json, print_themes_text};

pub use trend::{
    print_quote_trend_json, print_quote_trend_text, print_search_trend_json,
    print_search_trend_text, print_trend_json, print_trend_text, scope_line,
};

use std::borrow::Cow;
use std::io::{self, Write};

/// Write one JSON line: `value` serialised, then a newline.
pub fn write_json_line<T: serde::Serialize + ?Sized>(
    w: &mut dyn Write,
    value: &T,
) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    writeln!(w)
}

/// How to render text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

const RESET: &str = "\x1b[0m";
const MATCH: &str = "\x1b[1;31m";
const PATH: &str = "\x1b[35m";
const LINE: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";

impl Style {
    fn paint(&self, w: &mut dyn Write, code: &str, text: &str) -> io::Result<()> {
        if self.color {
            write!(w, "{code}{}{RESET}", sanitize(text))
        } else {
            write!(w, "{}", sanitize(text))
        }
    }

    /// Write a document path.
    pub fn path(&self, w: &mut dyn Write, text: &str) -> io::Result<()> {
        self.paint(w, PATH, text)
    }

    /// Write a line number.
    pub fn line(&self, w: &mut dyn Write, text: &str) -> io::Result<()> {
        self.paint(w, LINE, text)
    }

    /// Write secondary information.
    pub fn dim(&self, w: &mut dyn Write, text: &str) -> io::Result<()> {
        self.paint(w, DIM, text)
    }

    /// Write `chars` with the character spans `highlights` marked: coloured when colour is on,
    /// plain otherwise, so that output can be piped and compared.
    pub fn highlighted(
        &self,
        w: &mut dyn Write,
        chars: &[char],
        highlights: &[(usize, usize)],
    ) -> io::Result<()> {
        let mut at = 0;
        for &(s, e) in highlights {
            let (s, e) = (s.clamp(at, chars.len()), e.clamp(at, chars.len()));
            let before: String = chars[at..s].iter().collect();
            write!(w, "{}", sanitize(&before))?;
            let hit: String = chars[s..e].iter().collect();
            self.paint(w, MATCH, &hit)?;
            at = e;
        }
        let rest: String = chars[at..].iter().collect();
        write!(w, "{}", sanitize(&rest))
    }
}

/// Make untrusted text safe for a terminal: control characters, bidi overrides and other
/// invisible format characters are shown as `\u{…}` escapes.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Choose the window of at most `width` characters of a text of `len` characters that shows
/// the most highlighted characters, starting a little before the first highlight it shows.
pub fn snippet_window(len: usize, highlights: &[(usize, usize)], width: usize) -> (usize, usize) {
    if len <= width {
        return (0, len);
    }
    let lead = width / 8;
    let mut best = (0, 0usize);
    for &(s, _) in highlights {
        let start = s.saturating_sub(lead).min(len - width);
        let end = start + width;
        let covered: usize = highlights
            .iter()
            .map(|&(a, b)| b.min(end).saturating_sub(a.max(start)))
            .sum();
        if covered > best.1 {
            best = (start, covered);
        }
    }
    (best.0, best.0 + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_controls_and_bidi() {
        assert_eq!(sanitize("正常"), "正常");
        assert_eq!(sanitize("a\u{202e}b\x1b[31m"), "a\\u{202e}b\\u{1b}[31m");
    }

    #[test]
    fn window_prefers_most_highlights() {
        assert_eq!(snippet_window(50, &[(10, 12)], 100), (0, 50));
        assert_eq!(
            snippet_window(300, &[(5, 7), (200, 204), (210, 214)], 80),
            (190, 270)
        );
        assert_eq!(snippet_window(300, &[(295, 300)], 80), (220, 300));
        assert_eq!(snippet_window(300, &[], 80), (0, 80));
    }

    #[test]
    fn highlight_rendering() {
        let chars: Vec<char> = "搞好调查研究".chars().collect();
        let mut plain = Vec::new();
        Style { color: false }
            .highlighted(&mut plain, &chars, &[(2, 4)])
            .unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), "搞好调查研究");
        let mut coloured = Vec::new();
        Style { color: true }
            .highlighted(&mut coloured, &chars, &[(2, 4)])
            .unwrap();
        assert_eq!(
            String::from_utf8(coloured).unwrap(),
            "搞好\x1b[1;31m调查\x1b[0m研究"
        );
    }
}
