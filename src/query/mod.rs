//! Query: turn what the user typed into tantivy queries and collect hits.
//!
//! * [`search()`]: every query word required, BM25 of each word as a substring of the passage.
//! * [`count_phrase`], [`locate_phrase`]: every occurrence of a phrase, from the exact fields.
//! * [`shared_phrases`]: maximal phrases several documents have in common.
//! * [`find_quote`]: every paragraph citing a quotation (candidates + local alignment).
//!
//! A user's text is never parsed as query syntax: `" : ( ) AND -` are just characters.

mod duplicates;
mod filter;
mod highlight;
mod kwic;
mod phrase;
mod quote;
mod quotes;
mod reuse;
mod search;
mod shared;
mod speakers;
mod themes;

pub use duplicates::{DUPLICATE_SHARE, DuplicateGroup, Duplicates, duplicate_groups};
pub use filter::{InSelection, Within, words_within};
pub use highlight::highlight_spans;
pub use kwic::{Occurrence, SortOrder, occurrences, sort_occurrences};
pub use phrase::{
    ParagraphCount, PhraseCounts, count_phrase, document_lines, find_all, locate_phrase,
    paragraph_text, passage_addresses,
};
pub use quote::{QuoteHit, QuoteOptions, QuoteResults, find_quote, min_shared_bigrams};
pub use quotes::{
    QuoteCluster, QuoteOccurrence, QuotesFilter, list_quotes, selected_in_path_order,
};
pub use reuse::{
    DocumentSpan, DocumentText, MAX_TEXT_CHARS, ReuseOptions, ReuseWork, ReusedSpan,
    compare_documents, covered, find_reuse,
};
pub use search::{
    LONG_QUERY_WORDS, SearchHit, SearchResults, THEME_WEIGHT, ThemeExplain, WordRules,
    matching_docs, search, search_with,
};
pub use shared::{SharedFound, SharedOptions, SharedOrder, SharedPhrase, shared_phrases};
pub use speakers::{SpeakerStats, SpeakersFilter, list_speakers};
pub use themes::{ABOUT, Keyword, SIGNIFICANT, ThemeShare, keyness, keywords, theme_distribution};

use tantivy::BitSet;
use tantivy::postings::TermInfo;
use tantivy::query::{
    BitSetDocSet, Bm25Weight, ConstScorer, EnableScoring, Explanation, PhraseQuery, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::Field;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

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

/// A query scoring the passages whose own matching form contains `needle` (non-empty) by
/// BM25 of its occurrences: the term frequency of its bigram, of the phrase of its bigrams
/// (whose idf is the sum of theirs), or for one character the sum of the frequencies of the
/// terms it starts. A passage's length is its number of `exact` tokens.
pub fn word_query(fields: &Fields, needle: &[char]) -> Box<dyn Query> {
    if needle.len() == 2 {
        let gram: String = needle.iter().collect();
        return Box::new(TermQuery::new(
            Term::from_field_text(fields.exact, &gram),
            IndexRecordOption::WithFreqs,
        ));
    }
    contains_query(fields, needle)
}

/// The passages whose own text holds the character `c`: its postings
/// ([`for_each_char_posting`]) read block by block (a common character starts thousands of
/// bigrams; a regex query over the dictionary took twice as long). Scored, each passage gets
/// BM25 of the character's occurrences in it; unscored, the passages are a bitset.
#[derive(Debug, Clone)]
struct CharQuery {
    field: Field,
    c: char,
}

impl CharQuery {
    /// The occurrences of the character in every passage of a segment (0 where it is absent),
    /// and the number of passages holding it.
    fn frequencies(
        &self,
        reader: &SegmentReader,
    ) -> tantivy::Result<(std::sync::Arc<Vec<u32>>, u32)> {
        let inv = reader.inverted_index(self.field)?;
        let mut tf = vec![0u32; reader.max_doc() as usize];
        for_each_char_posting(
            &inv,
            self.field,
            self.c,
            IndexRecordOption::WithFreqs,
            |d, f| tf[d as usize] += f,
        )?;
        // Live passages only: an update's deleted ones stay in their segment until a merge,
        // and must not count in the document frequency.
        let alive = reader.alive_bitset();
        let matching = tf
            .iter()
            .enumerate()
            .filter(|&(d, &f)| f > 0 && alive.is_none_or(|a| a.is_alive(d as DocId)))
            .count() as u32;
        Ok((std::sync::Arc::new(tf), matching))
    }
}

impl Query for CharQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            searcher,
            statistics_provider,
        } = scoring
        else {
            return Ok(Box::new(CharWeight {
                query: self.clone(),
                scored: None,
            }));
        };
        // The frequencies are read once here, for the document frequency, and kept for the
        // scorers.
        let mut segments = std::collections::HashMap::new();
        let mut df = 0u64;
        for reader in searcher.segment_readers() {
            let (tf, matching) = self.frequencies(reader)?;
            df += u64::from(matching);
            segments.insert(reader.segment_id(), (tf, matching));
        }
        let docs = statistics_provider.total_num_docs()?;
        let tokens = statistics_provider.total_num_tokens(self.field)?;
        let bm25 = Bm25Weight::for_one_term(df, docs, tokens as Score / docs.max(1) as Score);
        Ok(Box::new(CharWeight {
            query: self.clone(),
            scored: Some((bm25, segments)),
        }))
    }
}

/// Per segment: a character's frequency in every passage, and the passages holding it.
type SegmentFrequencies =
    std::collections::HashMap<tantivy::index::SegmentId, (std::sync::Arc<Vec<u32>>, u32)>;

/// The weight of a [`CharQuery`]: with scoring, the BM25 weight and each segment's
/// frequencies.
struct CharWeight {
    query: CharQuery,
    scored: Option<(Bm25Weight, SegmentFrequencies)>,
}

impl Weight for CharWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some((bm25, segments)) = &self.scored else {
            let inv = reader.inverted_index(self.query.field)?;
            let mut set = BitSet::with_max_value(reader.max_doc());
            for_each_char_posting(
                &inv,
                self.query.field,
                self.query.c,
                IndexRecordOption::Basic,
                |d, _| {
                    set.insert(d);
                },
            )?;
            return Ok(Box::new(ConstScorer::new(BitSetDocSet::from(set), boost)));
        };
        let (tf, matching) = match segments.get(&reader.segment_id()) {
            Some((tf, matching)) => (tf.clone(), *matching),
            None => self.query.frequencies(reader)?,
        };
        let norms = reader
            .fieldnorms_readers()
            .get_field(self.query.field)?
            .unwrap_or_else(|| tantivy::fieldnorm::FieldNormReader::constant(reader.max_doc(), 1));
        Ok(Box::new(TfScorer::new(
            tf,
            matching,
            bm25.boost_by(boost),
            norms,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("CharQuery", scorer.score()))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "passage {doc} does not hold {:?}",
                self.query.c
            )))
        }
    }
}

/// A scorer over a segment's dense term frequencies (0: the passage does not match), scoring
/// only the passages it is asked for (a conjunction asks for few of a common character's).
struct TfScorer {
    tf: std::sync::Arc<Vec<u32>>,
    /// Passages with a frequency above 0.
    matching: u32,
    doc: DocId,
    bm25: Bm25Weight,
    norms: tantivy::fieldnorm::FieldNormReader,
}

impl TfScorer {
    fn new(
        tf: std::sync::Arc<Vec<u32>>,
        matching: u32,
        bm25: Bm25Weight,
        norms: tantivy::fieldnorm::FieldNormReader,
    ) -> TfScorer {
        let mut scorer = TfScorer {
            tf,
            matching,
            doc: 0,
            bm25,
            norms,
        };
        scorer.doc = scorer.next_from(0);
        scorer
    }

    /// The first matching passage at or after `from`.
    fn next_from(&self, from: usize) -> DocId {
        self.tf
            .get(from..)
            .and_then(|rest| rest.iter().position(|&f| f > 0))
            .map_or(TERMINATED, |k| (from + k) as DocId)
    }
}

impl DocSet for TfScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_from(self.doc as usize + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            self.doc = self.next_from(target as usize);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.matching
    }
}

impl Scorer for TfScorer {
    fn score(&mut self) -> Score {
        match self.tf.get(self.doc as usize) {
            Some(&f) if f > 0 => self.bm25.score(self.norms.fieldnorm_id(self.doc), f),
            _ => 0.0,
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
    p.path = handle.docs().path(p.doc as usize)?.into_owned();
    p.title = handle.docs().title(p.doc as usize)?.into_owned();
    Ok(p)
}

/// The passage held in a stored document, path and title left empty (`quote` reads thousands
/// of candidates this way, through store readers of its own, before it knows the hits).
pub fn passage_of(
    handle: &IndexHandle,
    d: &TantivyDocument,
    addr: DocAddress,
) -> Result<StoredPassage> {
    let f = &handle.fields();
    let cols = handle.columns(addr.segment_ord)?;
    let num =
        |col: &std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>| col.get_val(addr.doc_id);
    let doc = num(&cols.doc);
    let text = d
        .get_first(f.text)
        .and_then(|v| v.as_bytes())
        .and_then(crate::index::text_from_stored)
        .ok_or_else(|| Error::Corrupt {
            path: handle.dir().to_path_buf(),
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
