//! Document formats: plain text, Markdown, HTML and Word (.docx), each turned into plain text
//! with one paragraph per line.
//!
//! * `.txt` — decoded as it is ([`decode`]); line numbers are the file's.
//! * `.md` — markup stripped (pulldown-cmark); each block's text is put on the line where the
//!   block starts, so line numbers are still the file's; a paragraph wrapped over several
//!   lines becomes one line (Chinese text is joined without a space).
//! * `.html`/`.htm` — charset from a byte-order mark or `<meta charset>` in the first 4 KB,
//!   otherwise detected like a text file; visible text only (`script`, `style`, `head` but for
//!   `title`, `template`, `noscript`, `svg` dropped), a line per block element.
//! * `.docx` — the paragraphs (`w:p`) of `word/document.xml`, a line each; the archive is read
//!   with a bound on the decompressed size ([`MAX_XML_BYTES`]), so a zip bomb is refused.
//!
//! Line numbers of HTML and Word documents count lines of the extracted text.

use std::io::Read;
use std::ops::Range;

use encoding_rs::{Encoding, GB18030, GBK};

use super::decode::{DecodeError, Decoded, decode};

/// The largest `word/document.xml` read from a `.docx` (decompressed).
pub const MAX_XML_BYTES: u64 = 128 << 20;

/// A document format, chosen by the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Docx,
}

impl Format {
    /// The format of a file with extension `ext` (case-insensitive), if jiansuo reads it.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    /// Short name, as recorded in the index and printed by `jiansuo docs`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }
}

/// Formats that are recognised but not read, with what to do instead.
pub fn unsupported(ext: &str) -> Option<&'static str> {
    match ext.to_ascii_lowercase().as_str() {
        "pdf" => Some(
            "PDF is not read (no pure-Rust extractor gives reliable Chinese text); convert it \
             with `pdftotext -enc UTF-8 FILE.pdf` and index the .txt",
        ),
        "doc" | "wps" => Some(
            "old Word/WPS format is not read; save it as .docx (or convert it with \
             `libreoffice --headless --convert-to docx FILE`)",
        ),
        _ => None,
    }
}

/// Turn a file's bytes into plain text.
pub fn extract(format: Format, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    match format {
        Format::Text => decode(bytes),
        Format::Markdown => {
            let decoded = decode(bytes)?;
            Ok(Decoded {
                text: markdown_text(&decoded.text),
                ..decoded
            })
        }
        Format::Html => {
            let decoded = decode_html(bytes)?;
            let (text, meta) = html_text_and_meta(&decoded.text);
            Ok(Decoded {
                text,
                encoding: decoded.encoding,
                meta,
            })
        }
        Format::Docx => {
            if bytes.is_empty() {
                return Err(DecodeError::Empty);
            }
            Ok(Decoded {
                text: docx_text(bytes)?,
                encoding: "UTF-8",
                meta: docx_properties(bytes),
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// Plain text of a Markdown document, a block per line, kept on the line where it starts.
pub fn markdown_text(source: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset) - 1;
    let mut lines: Vec<String> = vec![String::new(); line_starts.len()];
    let mut block: Option<(usize, String)> = None;
    let flush = |block: &mut Option<(usize, String)>, lines: &mut Vec<String>| {
        if let Some((line, text)) = block.take() {
            let text = text.trim();
            if !text.is_empty() {
                let slot = &mut lines[line];
                if !slot.is_empty() {
                    slot.push(' ');
                }
                slot.push_str(text);
            }
        }
    };
    let push = |block: &mut Option<(usize, String)>, at: Range<usize>, text: &str| {
        let entry = block.get_or_insert_with(|| (line_of(at.start), String::new()));
        entry.1.push_str(text);
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Text(t) | Event::Code(t) => push(&mut block, range, &t),
            Event::Html(t) | Event::InlineHtml(t) => {
                let stripped = strip_tags(&t);
                if !stripped.trim().is_empty() {
                    push(&mut block, range, &stripped);
                }
            }
            Event::SoftBreak => {
                if let Some((_, text)) = &mut block
                    && text
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    text.push(' ');
                }
            }
            Event::HardBreak => flush(&mut block, &mut lines),
            Event::End(TagEnd::CodeBlock) => {
                // Code keeps its own lines.
                if let Some((line, text)) = block.take() {
                    for (i, l) in text.lines().enumerate() {
                        if let Some(slot) = lines.get_mut(line + i) {
                            slot.push_str(l);
                        }
                    }
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::HtmlBlock
                | TagEnd::FootnoteDefinition,
            ) => flush(&mut block, &mut lines),
            // Inline markup goes on; a nested block (a list inside an item) ends the text
            // before it.
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. },
            ) => {}
            Event::Start(_) if block.as_ref().is_some_and(|b| !b.1.is_empty()) => {
                flush(&mut block, &mut lines);
            }
            _ => {}
        }
    }
    flush(&mut block, &mut lines);
    lines.join("\n")
}

/// Text with `<…>` tags removed (for raw HTML inside Markdown).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Decode an HTML file: BOM, then `<meta charset>` / `content="…; charset=…"` in the first
/// 4 KB, then the detection used for text files.
fn decode_html(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.starts_with(b"\xef\xbb\xbf")
        || bytes.starts_with(b"\xff\xfe")
        || bytes.starts_with(b"\xfe\xff")
    {
        return decode(bytes);
    }
    if let Some(encoding) = meta_charset(&bytes[..bytes.len().min(4096)]) {
        let encoding = if encoding == GBK { GB18030 } else { encoding };
        if encoding == encoding_rs::UTF_8 {
            return decode(bytes);
        }
        let (text, _, errors) = encoding.decode(bytes);
        if !errors {
            return Ok(Decoded {
                text: text.into_owned(),
                encoding: encoding.name(),
                meta: Vec::new(),
            });
        }
        // The declaration is wrong; fall back to detection.
    }
    decode(bytes)
}

/// The encoding a page declares in a `<meta>` tag.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let charset = memchr::memmem::Finder::new(b"charset");
    let mut from = 0;
    while let Some(i) = charset.find(&lower[from..]) {
        let mut at = from + i + b"charset".len();
        from = at;
        while at < lower.len() && matches!(lower[at], b' ' | b'\t') {
            at += 1;
        }
        if lower.get(at) != Some(&b'=') {
            continue;
        }
        at += 1;
        while at < lower.len() && matches!(lower[at], b' ' | b'"' | b'\'') {
            at += 1;
        }
        let end = lower[at..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
            .map_or(lower.len(), |e| at + e);
        if let Some(e) = Encoding::for_label(&lower[at..end]) {
            return Some(e);
        }
    }
    None
}

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &[
    "script", "style", "template", "noscript", "svg", "math", "head", "iframe", "object",
];

/// Elements that start and end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "hr",
    "address",
    "form",
    "fieldset",
    "body",
    "html",
];

/// Visible text of an HTML document, a line per block element.
pub fn html_text(html: &str) -> String {
    html_text_and_meta(html).0
}

/// Most `<meta>` tags kept from one page, and the longest value kept.
const MAX_META_TAGS: usize = 64;
const MAX_META_VALUE: usize = 2000;

/// Visible text of an HTML document, a line per block element, and its `<meta>` tags as
/// `(name, content)` (the name from `name`, `property`, `itemprop` or `http-equiv`).
pub fn html_text_and_meta(html: &str) -> (String, Vec<(String, String)>) {
    use html5gum::{Token, Tokenizer};
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut out = String::with_capacity(html.len() / 2);
    // Depth inside hidden elements; `title` is shown even though it sits in `head`.
    let mut hidden: Vec<String> = Vec::new();
    let mut in_title = false;
    let mut pre = 0usize;
    let newline = |out: &mut String| {
        let trimmed = out.trim_end_matches([' ', '\t']).len();
        out.truncate(trimmed);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if name == "title" {
                    in_title = true;
                }
                if name == "meta" && meta.len() < MAX_META_TAGS {
                    let attr = |a: &str| {
                        tag.attributes
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(a.as_bytes()))
                            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
                    };
                    let key = ["name", "property", "itemprop", "http-equiv"]
                        .iter()
                        .find_map(|a| attr(a).filter(|v| !v.is_empty()));
                    if let (Some(key), Some(value)) = (key, attr("content"))
                        && value.len() <= MAX_META_VALUE
                    {
                        meta.push((key, value));
                    }
                }
                if HIDDEN.contains(&name.as_str()) && !tag.self_closing {
                    hidden.push(name.clone());
                }
                if name == "pre" {
                    pre += 1;
                }
                if BLOCKS.contains(&name.as_str()) {
                    newline(&mut out);
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if name == "title" {
                    in_title = false;
                }
                if let Some(i) = hidden.iter().rposition(|h| *h == name) {
                    hidden.truncate(i);
                }
                if name == "pre" {
                    pre = pre.saturating_sub(1);
                }
                if BLOCKS.contains(&name.as_str()) {
                    newline(&mut out);
                }
            }
            Token::String(s) if hidden.is_empty() || in_title => {
                let text = String::from_utf8_lossy(&s.value);
                if pre > 0 {
                    out.push_str(&text);
                } else {
                    // Whitespace collapses to one space, as a browser shows it.
                    for c in text.chars() {
                        if c.is_ascii_whitespace() {
                            if !out.is_empty() && !out.ends_with([' ', '\n']) {
                                out.push(' ');
                            }
                        } else {
                            out.push(c);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    newline(&mut out);
    let text = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (text, meta)
}

// ---------------------------------------------------------------------------------------------
// Word

/// The paragraphs of a `.docx` file's main document, a line each.
pub fn docx_text(bytes: &[u8]) -> Result<String, DecodeError> {
    let not_docx = |why: String| {
        DecodeError::Unreadable(format!(
            "not a readable .docx ({why}); open and save it again in Word or WPS"
        ))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| not_docx(format!("not a zip archive: {e}")))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|e| not_docx(format!("no word/document.xml: {e}")))?;
    let mut xml = Vec::new();
    entry
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| not_docx(format!("word/document.xml: {e}")))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(DecodeError::Unreadable(format!(
            "word/document.xml expands to more than {} MB (a zip bomb?); not read",
            MAX_XML_BYTES >> 20
        )));
    }
    let xml = String::from_utf8(xml)
        .map_err(|e| not_docx(format!("word/document.xml is not UTF-8: {e}")))?;
    word_xml_text(&xml).map_err(|e| not_docx(format!("word/document.xml: {e}")))
}

/// The core properties of a `.docx` file (`docProps/core.xml`: `dcterms:created`,
/// `dc:creator`, `dc:title`…) as `(qualified name, text)`; none when it has none.
pub fn docx_properties(bytes: &[u8]) -> Vec<(String, String)> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    let Ok(entry) = archive.by_name("docProps/core.xml") else {
        return Vec::new();
    };
    let mut xml = Vec::new();
    if entry.take(1 << 20).read_to_end(&mut xml).is_err() {
        return Vec::new();
    }
    let Ok(xml) = String::from_utf8(xml) else {
        return Vec::new();
    };
    let mut reader = Reader::from_str(&xml);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                open = Some(e.name().into_inner().to_owned());
            }
            Ok(Event::Text(t)) => {
                if let Some(name) = &open
                    && out.len() < MAX_META_TAGS
                {
                    let value = t.xml10_content().trim().to_owned();
                    if !value.is_empty() && value.len() <= MAX_META_VALUE {
                        out.push((name.clone(), value));
                    }
                }
            }
            Ok(Event::End(_)) => open = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Text of WordprocessingML: `w:t` runs, a line per `w:p`, `w:tab` as a tab, `w:br`/`w:cr` as
/// a line break; deleted text (`w:delText`) and field instructions (`w:instrText`) left out.
fn word_xml_text(xml: &str) -> Result<String, quick_xml::Error> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let mut reader = Reader::from_str(xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut in_text = false;
    loop {
        match reader.read_event()? {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => out.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                "p" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => out.push_str(&t.into_inner()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Ok(s) = quick_xml::escape::unescape(&format!("&{};", &*r)) {
                    out.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_lines_and_drops_markup() {
        let md = "# 调查研究\n\n**调查研究**是谋事之基、\n成事之道。\n\n- 宣传[政策](http://x.cn)\n- `信访`接待\n\n| a | b |\n|---|---|\n| 现场 | 办公 |\n";
        let text = markdown_text(md);
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), md.split('\n').count(), "{lines:?}");
        assert_eq!(lines[0], "调查研究");
        assert_eq!(lines[2], "调查研究是谋事之基、成事之道。");
        assert_eq!(lines[3], "");
        assert_eq!(lines[5], "宣传政策");
        assert_eq!(lines[6], "信访接待");
        assert_eq!(lines[8], "a b");
        assert_eq!(lines[10], "现场 办公", "{lines:?}");
        assert!(!text.contains("http"));
    }

    #[test]
    fn html_visible_text_by_block() {
        let html = "<html><head><meta charset=\"gbk\"><title>四下基层</title>\
            <style>p{color:red}</style><script>var a = '<p>不要</p>';</script></head>\
            <body><h1>调查研究</h1><p>调查研究是<b>谋事之基</b>、成事之道。<br>第二行&amp;符号</p>\
            <div>信访\n   接待</div><!-- 注释 --></body></html>";
        assert_eq!(
            html_text(html),
            "四下基层\n调查研究\n调查研究是谋事之基、成事之道。\n第二行&符号\n信访 接待"
        );
    }

    #[test]
    fn meta_charset_takes_the_first_charset_with_a_known_label() {
        let enc = |head: &str| meta_charset(head.as_bytes()).map(|e| e.name());
        assert_eq!(enc("<meta charset=\"GBK\">"), Some("GBK"));
        // `charset` without `=`, then with an unknown label, then a known one.
        assert_eq!(
            enc(
                "<p>charset</p><meta charset='nonsense'><meta content=\"text/html; charset = utf-8\">"
            ),
            Some("UTF-8")
        );
        assert_eq!(enc("<meta name=\"charset\">"), None);
        assert_eq!(enc("charse"), None);
        assert_eq!(enc(""), None);
    }

    #[test]
    fn html_charset_from_meta() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>调查研究是谋事之基</p></body></html>";
        let bytes = GBK.encode(page).0.into_owned();
        let d = extract(Format::Html, &bytes).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, "调查研究是谋事之基");
    }

    fn docx(document_xml: &str) -> Vec<u8> {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<Types/>").unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(document_xml.as_bytes()).unwrap();
        zip.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn docx_paragraphs() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>四下基层</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">调查研究是</w:t></w:r><w:r><w:t>谋事之基&amp;</w:t></w:r><w:del><w:r><w:delText>删掉</w:delText></w:r></w:del><w:r><w:tab/><w:t>成事之道</w:t></w:r></w:p>
<w:p/>
</w:body></w:document>"#;
        let text = docx_text(&docx(xml)).unwrap();
        assert_eq!(text, "四下基层\n调查研究是谋事之基&\t成事之道\n\n");
    }

    #[test]
    fn docx_refusals() {
        let err = docx_text(b"PK not really a zip").unwrap_err().to_string();
        assert!(err.contains("not a zip archive"), "{err}");
        // A small archive that expands past the bound is refused without reading it all.
        let big = format!(
            "<w:document><w:body><w:p><w:t>{}</w:t></w:p></w:body></w:document>",
            "a".repeat(MAX_XML_BYTES as usize + 10)
        );
        let bytes = docx(&big);
        assert!(bytes.len() < 2 << 20, "{}", bytes.len());
        let err = docx_text(&bytes).unwrap_err().to_string();
        assert!(err.contains("zip bomb"), "{err}");
    }
}
