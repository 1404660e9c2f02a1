//! Analyze: what the text says beyond its words — quotations and their speakers, themes.

mod quote;
mod sketch;
mod speaker;
mod theme;
mod words;

pub use quote::{
    Extractor, MAX_QUOTATION_CHARS, Named, Quotation, QuoteKind, attribute_at, is_name_list,
    person_in_subject, persons_in,
};
pub use sketch::{
    EMPTY_SKETCH, SKETCH_BINS, Sketch, Sketcher, filled_bins, similarity as sketch_similarity,
};
pub use speaker::{AliasMatch, SpeakerTable};
pub use theme::{Lexicon, TermCounts, Theme};
pub use words::{
    BUILTIN_USER_DICT, WordOnly, WordOnlyStream, WordOnlyTokenizer, load_jieba, normalize_words,
    read_user_dict, word_tokens, words_analyzer,
};
