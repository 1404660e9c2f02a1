//! Query: turn what the user typed into tantivy queries and collect hits.
//!
//! * [`search()`]: BM25 over the `words` field, every query word required.
//! * [`count_phrase`], [`locate_phrase`]: every occurrence of a phrase, from the exact fields.
//! * [`shared_phrases`]: maximal phrases several documents have in common.
//! * [`find_quote`]: every paragraph citing a quotation (candidates + local alignment).
//!
//! A user's text is never parsed as query syntax: `" : ( ) AND -` are just characters.

mod highlight;
mod phrase;
mod quote;
mod quotes;
mod search;
mod shared;
mod themes;

pub use highlight::highlight_spans;
pub use phrase::{
    Occurrence, ParagraphCount, PhraseCounts, SortOrder, count_phrase, find_all, locate_phrase,
    occurrences, paragraph_text, sort_occurrences,
};
pub use quote::{QuoteHit, QuoteOptions, QuoteResults, find_quote, min_shared_bigrams};
pub use quotes::{QuoteCluster, QuoteOccurrence, QuotesFilter, list_quotes};
pub use search::{SearchHit, SearchResults, THEME_WEIGHT, ThemeExplain, search, search_with};
pub use shared::{SharedOptions, SharedPhrase, shared_phrases};
pub use themes::{ABOUT, Keyword, ThemeShare, documents_matching, keywords, theme_distribution};

use tantivy::BitSet;
use tantivy::postings::TermInfo;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer, TermQuery,
    Weight,
};
use tantivy::schema::Field;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use tantivy::{DocId, DocSet, Score, SegmentReader};

use crate::error::{Error, Result};
use crate::index::tokenize::LAST_MARK;
use crate::index::{Fields, IndexHandle};

/// A query matching the passages whose own matching form contains `needle` (a non-empty
/// matching form): for one character `c`, any unmarked `exact` term it starts (the bigrams
/// `c…` and [`LAST_MARK`]`c`), else a phrase of unmarked `exact` bigrams.
pub fn contains_query(fields: &Fields, needle: &[char]) -> Box<dyn Query> {
    let bigram = |i: usize| -> Term {
        let gram: String = needle[i..i + 2].iter().collect();
        Term::from_field_text(fields.exact, &gram)
    };
    match needle.len() {
        0 | 1 => Box::new(CharQuery {
            field: fields.exact,
            c: needle.first().copied().unwrap_or(' '),
        }),
        2 => Box::new(TermQuery::new(bigram(0), IndexRecordOption::Basic)),
        n => Box::new(PhraseQuery::new_with_offset(
            (0..n - 1).map(|i| (i, bigram(i))).collect(),
        )),
    }
}

/// Call `f(doc, term frequency)` for every posting of the `exact` terms the character `c`
/// starts in a passage's own text: the bigrams `c…` wholly inside the passage and
/// [`LAST_MARK`]`c` (the passage's last character). Every occurrence of `c` starts exactly one
/// of them, so the frequencies of a passage add up to its occurrences of `c` (with
/// [`IndexRecordOption::Basic`], the frequency given is 1).
pub(crate) fn for_each_char_posting(
    inv: &tantivy::InvertedIndexReader,
    field: Field,
    c: char,
    option: IndexRecordOption,
    mut f: impl FnMut(DocId, u32),
) -> std::io::Result<()> {
    for info in char_terms(inv, field, c)? {
        let mut block = inv.read_block_postings_from_terminfo(&info, option)?;
        while !block.docs().is_empty() {
            if option.has_freq() {
                for (&d, &tf) in block.docs().iter().zip(block.freqs()) {
                    f(d, tf);
                }
            } else {
                for &d in block.docs() {
                    f(d, 1);
                }
            }
            block.advance();
        }
    }
    Ok(())
}

/// The term infos behind [`for_each_char_posting`].
fn char_terms(
    inv: &tantivy::InvertedIndexReader,
    field: Field,
    c: char,
) -> std::io::Result<Vec<TermInfo>> {
    let mut buf = [0u8; 4];
    let prefix = c.encode_utf8(&mut buf).as_bytes().to_vec();
    // UTF-8 never holds 0xFF, so the prefix's last byte can be raised by one.
    let mut upper = prefix.clone();
    *upper.last_mut().expect("a character has a byte") += 1;
    let mut infos = Vec::new();
    let mut stream = inv.terms().range().ge(&prefix).lt(&upper).into_stream()?;
    while stream.advance() {
        infos.push(stream.value().clone());
    }
    let last = Term::from_field_text(field, &format!("{LAST_MARK}{c}"));
    if let Some(info) = inv.get_term_info(&last)? {
        infos.push(info);
    }
    Ok(infos)
}

/// The passages whose own text holds the character `c`: its postings
/// ([`for_each_char_posting`]) read block by block into a bitset (a common character starts thousands of bigrams; a
/// regex query over the dictionary took twice as long).
#[derive(Debug, Clone)]
struct CharQuery {
    field: Field,
    c: char,
}

impl Query for CharQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for CharQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inv = reader.inverted_index(self.field)?;
        let mut set = BitSet::with_max_value(reader.max_doc());
        for_each_char_posting(
            &inv,
            self.field,
            self.c,
            IndexRecordOption::Basic,
            |d, _| {
                set.insert(d);
            },
        )?;
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(set), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("CharQuery", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "passage {doc} does not hold {:?}",
                self.c
            )))
        }
    }
}

/// A passage as stored in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassage {
    /// Document ordinal.
    pub doc: u64,
    /// Document path relative to the corpus root.
    pub path: String,
    pub title: String,
    pub line: u32,
    pub paragraph: u32,
    pub passage: u32,
    /// Character span of the passage in its line.
    pub start: u32,
    pub end: u32,
    /// Characters of the passage's paragraph (the passage ends it when `end` equals it).
    pub para_chars: u32,
    pub text: String,
}

/// Read a passage's stored fields, with its document's path and title.
pub fn stored_passage(
    handle: &IndexHandle,
    searcher: &Searcher,
    addr: DocAddress,
) -> Result<StoredPassage> {
    let d: TantivyDocument = searcher.doc(addr)?;
    let mut p = passage_of(handle, &d, addr)?;
    let entry = handle.doc(p.doc)?;
    p.path = entry.path;
    p.title = entry.title;
    Ok(p)
}

/// The passage held in a stored document, path and title left empty (`quote` reads thousands
/// of candidates this way, through store readers of its own, before it knows the hits).
pub fn passage_of(
    handle: &IndexHandle,
    d: &TantivyDocument,
    addr: DocAddress,
) -> Result<StoredPassage> {
    let f = &handle.fields;
    let cols = handle.columns(addr.segment_ord)?;
    let num =
        |col: &std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>| col.get_val(addr.doc_id);
    let doc = num(&cols.doc);
    let text = d
        .get_first(f.text)
        .and_then(|v| v.as_bytes())
        .and_then(crate::index::text_from_stored)
        .ok_or_else(|| Error::Corrupt {
            path: handle.dir.clone(),
            reason: format!("passage {addr:?} has no stored text"),
        })?;
    Ok(StoredPassage {
        doc,
        path: String::new(),
        title: String::new(),
        line: num(&cols.line) as u32,
        paragraph: num(&cols.paragraph) as u32,
        passage: num(&cols.passage) as u32,
        start: num(&cols.start) as u32,
        end: num(&cols.end) as u32,
        para_chars: num(&cols.para_chars) as u32,
        text,
    })
}
