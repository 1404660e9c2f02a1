//! Analyze: what the text says beyond its words — quotations and their speakers.

mod quote;
mod speaker;

pub use quote::{Extractor, Quotation, QuoteKind, attribute_at};
pub use speaker::{AliasMatch, SpeakerTable};
