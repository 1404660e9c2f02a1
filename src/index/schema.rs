//! The index schema: one tantivy document per passage.
//!
//! | field      | kind                          | holds                                             |
//! |------------|-------------------------------|---------------------------------------------------|
//! | `text`     | bytes, stored                 | the passage's cleaned text, as shown (UTF-16LE)    |
//! | `words`    | indexed, jieba, freqs         | NFKC-lowercased text cut by jieba, for BM25        |
//! | `exact`    | indexed, bigrams, positions   | matching form of the passage + a marked tail       |
//! | `path`     | raw string, indexed           | document path relative to the corpus root          |
//! | `doc`      | u64 fast + indexed            | document ordinal (into `docs.tsv`)                 |
//! | `line` `paragraph` `passage` `start` `end` | u64 fast | where the passage sits             |
//! | `mlen`     | u64 fast                      | length of the passage's own part of `exact`        |
//! | `para_chars` | u64 fast                    | length of the passage's paragraph (characters)     |
//! | `para_key` | u64 indexed + fast            | `doc << 32 | paragraph`, to fetch sibling passages  |
//!
//! Only the text is stored: the numbers are read from the fast fields (column files), which
//! hold them anyway; stored as well they cost 7 MB of the store on `../shared/corpora`. The text
//! is stored as UTF-16: a Han character takes 2 bytes, not UTF-8's 3, and the LZ4-compressed
//! store is 27 → 20 MB there (see [`stored_text_bytes`]).

use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// Version of the on-disk layout; an index with another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 7;

/// Name under which the jieba word analyzer is registered (queries, theme scoring).
pub const WORDS_TOKENIZER: &str = "jiansuo_words";
/// Tokenizer of the `words` field: the build cuts each passage with the word analyzer itself
/// (the same tokens then count for themes) and gives the field the tokens as a list.
pub const WORD_LIST_TOKENIZER: &str = "jiansuo_word_list";
/// Name under which the bigram tokenizer of the `exact` field is registered.
pub const BIGRAMS_TOKENIZER: &str = "jiansuo_bigrams";

/// Characters of the following text of the same paragraph indexed after each passage's own
/// matching form, so that a phrase of up to `EXACT_TAIL_CHARS + 1` characters that starts in a
/// passage and runs into the next one is found from the postings alone.
pub const EXACT_TAIL_CHARS: usize = 31;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub text: Field,
    pub words: Field,
    pub exact: Field,
    pub path: Field,
    pub doc: Field,
    pub line: Field,
    pub paragraph: Field,
    pub passage: Field,
    pub start: Field,
    pub end: Field,
    pub mlen: Field,
    pub para_key: Field,
    pub para_chars: Field,
}

/// Build the schema and its field handles.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORD_LIST_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAMS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
            .set_fieldnorms(false),
    );
    // Looked up, never scored: no field norms (0.15 MB each on `../shared/corpora`).
    let key = || NumericOptions::default().set_indexed().set_fast();
    let path = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        text: b.add_bytes_field("text", STORED),
        words: b.add_text_field("words", words),
        exact: b.add_text_field("exact", exact),
        path: b.add_text_field("path", path),
        doc: b.add_u64_field("doc", key()),
        line: b.add_u64_field("line", FAST),
        paragraph: b.add_u64_field("paragraph", FAST),
        passage: b.add_u64_field("passage", FAST),
        start: b.add_u64_field("start", FAST),
        end: b.add_u64_field("end", FAST),
        mlen: b.add_u64_field("mlen", FAST),
        para_key: b.add_u64_field("para_key", key()),
        para_chars: b.add_u64_field("para_chars", FAST),
    };
    (b.build(), fields)
}

/// Look the field handles up in an opened index's schema.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        text: f("text")?,
        words: f("words")?,
        exact: f("exact")?,
        path: f("path")?,
        doc: f("doc")?,
        line: f("line")?,
        paragraph: f("paragraph")?,
        passage: f("passage")?,
        start: f("start")?,
        end: f("end")?,
        mlen: f("mlen")?,
        para_key: f("para_key")?,
        para_chars: f("para_chars")?,
    })
}

/// The stored form of a passage's text: UTF-16, little-endian.
pub fn stored_text_bytes(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A passage's text from its stored form (`None` when it is not UTF-16).
pub fn text_from_stored(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    char::decode_utf16(
        bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]])),
    )
    .collect::<std::result::Result<String, _>>()
    .ok()
}

/// Key of a paragraph: document ordinal and paragraph ordinal in one number.
pub fn para_key(doc: u64, paragraph: u32) -> u64 {
    (doc << 32) | u64::from(paragraph)
}
