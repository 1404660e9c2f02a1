//! The index schema: one tantivy document per passage.
//!
//! | field      | kind                          | holds                                             |
//! |------------|-------------------------------|---------------------------------------------------|
//! | `text`     | bytes, stored                 | the passage's cleaned text, as shown (rank-coded)  |
//! | `exact`    | indexed, bigrams, positions, norms | matching form of the passage + a marked tail  |
//! | `path`     | raw string, indexed           | document path relative to the corpus root          |
//! | `doc`      | u64 fast + indexed            | document ordinal (into `docs.bin`)                 |
//! | `line` `paragraph` `passage` `start` `end` | u64 fast | where the passage sits             |
//! | `mlen`     | u64 fast                      | length of the passage's own part of `exact`        |
//! | `para_chars` | u64 fast                    | length of the passage's paragraph (characters)     |
//! | `para_key` | u64 indexed                   | `doc << 32 | paragraph`, to fetch sibling passages  |
//!
//! There is no field of jieba words: `search` ranks by BM25 of each query word as a substring
//! (a phrase of `exact` bigrams), the same test that decides whether a passage matches, so a
//! passage jieba cut differently is neither missed nor ranked as if the word were absent. A
//! `words` field cost 13.4 MB of the 100 MB index of `../shared/corpora`.
//!
//! Only the text is stored: the numbers are read from the fast fields (column files), which
//! hold them anyway; stored as well they cost 7 MB of the store on `../shared/corpora`. The text
//! is stored rank-coded (a frequent character in one byte, see [`stored_text_bytes`]): the
//! LZ4-compressed store there is 27 MB in UTF-8, 21.4 MB in UTF-16, 17 MB so.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// Version of the on-disk layout; an index with another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 15;

/// Name under which the jieba word analyzer is registered (query words, theme scoring,
/// keywords).
pub const WORDS_TOKENIZER: &str = "jiansuo_words";
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
    // Field norms: the passage lengths BM25 normalises `search` scores with.
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAMS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Looked up, never scored: no field norms (0.15 MB each on `../shared/corpora`). The
    // paragraph key has no column: `doc` and `paragraph` make it.
    let lookup = NumericOptions::default().set_indexed();
    let path = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        text: b.add_bytes_field("text", STORED),
        exact: b.add_text_field("exact", exact),
        path: b.add_text_field("path", path),
        doc: b.add_u64_field("doc", lookup.clone().set_fast()),
        line: b.add_u64_field("line", FAST),
        paragraph: b.add_u64_field("paragraph", FAST),
        passage: b.add_u64_field("passage", FAST),
        start: b.add_u64_field("start", FAST),
        end: b.add_u64_field("end", FAST),
        mlen: b.add_u64_field("mlen", FAST),
        para_key: b.add_u64_field("para_key", lookup),
        para_chars: b.add_u64_field("para_chars", FAST),
    };
    (b.build(), fields)
}

/// Look the field handles up in an opened index's schema.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let f = |name: &str| schema.get_field(name);
    Ok(Fields {
        text: f("text")?,
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

/// The stored form of a passage's text (see [`super::textcode`]).
pub fn stored_text_bytes(text: &str) -> Vec<u8> {
    super::textcode::encode(text)
}

/// A passage's text from its stored form (`None` when the bytes are not one).
pub fn text_from_stored(bytes: &[u8]) -> Option<String> {
    super::textcode::decode(bytes)
}

/// Key of a paragraph: document ordinal and paragraph ordinal in one number.
pub fn para_key(doc: u64, paragraph: u32) -> u64 {
    (doc << 32) | u64::from(paragraph)
}
