//! Analyze: what the text says beyond its words — quotations and their speakers, themes.

mod quote;
mod speaker;
mod theme;

pub use quote::{Extractor, MAX_QUOTATION_CHARS, Quotation, QuoteKind, attribute_at};
pub use speaker::{AliasMatch, SpeakerTable};
pub use theme::{Lexicon, TermCounts, Theme};
