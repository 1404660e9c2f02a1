//! Queries limited to a selection of documents: [`InSelection`] wraps a query so that only the
//! passages of the selected documents (by the `doc` column) match, inside the index, before
//! ranking and counting.

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
