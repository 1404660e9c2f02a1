//! Index: build a tantivy index of passages and open it again.
//!
//! [`build()`] writes a new generation ([`store`]) from a corpus; [`IndexHandle::open`] opens the
//! live generation for queries. jieba's dictionary is loaded only by commands that need word
//! tokens ([`IndexHandle::word_analyzer`]).

mod build;
pub mod check;
pub mod doctable;
mod failpoint;
mod handle;
pub mod meta;
mod schema;
mod sketch;
pub mod store;
mod textcode;
mod theme_counts;
mod themes;
pub mod tokenize;
mod update;
pub mod words;

pub use build::{
    BuildObserver, BuildOptions, BuildReport, PreparedDoc, PreparedPassage, Quiet, Sticky, build,
    prepare,
};
pub use doctable::{DocSelection, DocTable, selected};
pub use handle::{Bm25Stats, IndexHandle, MEMO_ENTRIES, PassageColumns};
pub use meta::{BuildStats, DocEntry, FileEntry, IndexMeta, MetaStats, SkippedFile, dict_hash};
pub use schema::{EXACT_TAIL_CHARS, Fields, SCHEMA_VERSION, para_key, text_from_stored};
pub use sketch::{SKETCH_FILE, read_sketches};
pub use textcode::matching_chars;
pub use theme_counts::{COUNTS_FILE, CountsTable};
pub use themes::{THEMES_FILE, ThemeScores};
pub use tokenize::register_tokenizers;
pub use update::Changes;
