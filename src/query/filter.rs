//! Queries limited to a selection of documents: [`InSelection`] wraps a query so that only the
//! passages of the selected documents (by the `doc` column) match, inside the index, before
//! ranking and counting. [`Within`] keeps the passages whose words lie near each other
//! (`search --within`), read from the stored text.

use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use crate::index::DocSelection;

/// `inner`, matching only passages of the documents in `selection`.
#[derive(Debug)]
pub struct InSelection {
    pub inner: Box<dyn Query>,
    pub selection: Arc<DocSelection>,
}

impl Clone for InSelection {
    fn clone(&self) -> InSelection {
        InSelection {
            inner: self.inner.box_clone(),
            selection: self.selection.clone(),
        }
    }
}

impl Query for InSelection {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(SelectionWeight {
            inner: self.inner.weight(enable_scoring)?,
            selection: self.selection.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct SelectionWeight {
    inner: Box<dyn Weight>,
    selection: Arc<DocSelection>,
}

impl Weight for SelectionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let doc = reader.fast_fields().u64("doc")?;
        let mut scorer = SelectionScorer {
            inner,
            doc,
            selection: self.selection.clone(),
        };
        scorer.skip_unselected();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct SelectionScorer {
    inner: Box<dyn Scorer>,
    doc: Column<u64>,
    selection: Arc<DocSelection>,
}

impl SelectionScorer {
    fn keeps(&self, d: DocId) -> bool {
        self.doc
            .first(d)
            .is_some_and(|ord| self.selection.contains(ord))
    }

    /// Move on from the current passage until one of a selected document (or the end).
    fn skip_unselected(&mut self) -> DocId {
        let mut d = self.inner.doc();
        while d != TERMINATED && !self.keeps(d) {
            d = self.inner.advance();
        }
        d
    }
}

impl DocSet for SelectionScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance();
        self.skip_unselected()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target);
        self.skip_unselected()
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for SelectionScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

/// `inner`'s passages in which one occurrence of each of `words` lies within `chars`
/// characters of the others ([`words_within`], on the stored text).
#[derive(Debug)]
pub struct Within {
    pub inner: Box<dyn Query>,
    /// Matching forms of the words.
    pub words: Arc<Vec<Vec<char>>>,
    pub chars: usize,
    /// The stored text field.
    pub text: tantivy::schema::Field,
}

impl Clone for Within {
    fn clone(&self) -> Within {
        Within {
            inner: self.inner.box_clone(),
            words: self.words.clone(),
            chars: self.chars,
            text: self.text,
        }
    }
}

impl Query for Within {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(WithinWeight {
            inner: self.inner.weight(enable_scoring)?,
            query: self.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct WithinWeight {
    inner: Box<dyn Weight>,
    query: Within,
}

impl Weight for WithinWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let mut scorer = WithinScorer {
            inner,
            store: reader.get_store_reader(16)?,
            words: self.query.words.clone(),
            chars: self.query.chars,
            text: self.query.text,
            stopped: false,
        };
        scorer.skip_far();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

struct WithinScorer {
    inner: Box<dyn Scorer>,
    store: tantivy::store::StoreReader,
    words: Arc<Vec<Vec<char>>>,
    chars: usize,
    text: tantivy::schema::Field,
    stopped: bool,
}

impl WithinScorer {
    fn keeps(&self, d: DocId) -> bool {
        use tantivy::schema::Value;
        let Ok(doc) = self.store.get::<tantivy::TantivyDocument>(d) else {
            return false;
        };
        doc.get_first(self.text)
            .and_then(|v| v.as_bytes())
            .and_then(crate::index::text_from_stored)
            .is_some_and(|t| words_within(&t, &self.words, self.chars))
    }

    fn skip_far(&mut self) -> DocId {
        let mut d = self.inner.doc();
        let mut read = 0u32;
        while d != TERMINATED && !self.keeps(d) {
            read += 1;
            // Stopped by its caller (the search reports it): the passages end here.
            if read.is_multiple_of(64) && crate::cancel::check().is_err() {
                self.stopped = true;
                return TERMINATED;
            }
            d = self.inner.advance();
        }
        d
    }
}

impl DocSet for WithinScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        self.inner.advance();
        self.skip_far()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        self.inner.seek(target);
        self.skip_far()
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for WithinScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

/// True when one occurrence of each of `words` (matching forms) lies in a stretch of at most
/// `n` characters of `text` (from the first character of the earliest to the last of the
/// latest, punctuation counted).
pub fn words_within(text: &str, words: &[Vec<char>], n: usize) -> bool {
    let mf = crate::matching::MatchingForm::new(text);
    let mut occ: Vec<Vec<(usize, usize)>> = Vec::with_capacity(words.len());
    for w in words {
        let spans: Vec<(usize, usize)> = super::find_all(&mf.chars, w)
            .into_iter()
            .map(|i| mf.source_span(i, i + w.len()))
            .collect();
        if spans.is_empty() {
            return false;
        }
        occ.push(spans);
    }
    // For each occurrence taken as the leftmost, the nearest-ending occurrence of every other
    // word that starts at or after it.
    occ.iter().flatten().any(|&(left, left_end)| {
        let mut end = left_end;
        for spans in &occ {
            let best = spans.iter().filter(|s| s.0 >= left).map(|s| s.1).min();
            match best {
                Some(e) => end = end.max(e),
                None => return false,
            }
        }
        end - left <= n
    })
}
