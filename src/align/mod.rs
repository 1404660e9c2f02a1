//! Alignment on matching forms: a quotation against a text ([`local`]: Smith–Waterman), and
//! the spans two texts share ([`spans`]: seeds, chains, identity).

pub mod local;
pub mod spans;

#[cfg(test)]
pub use local::align_reference;
pub use local::{Alignment, align, align_ending_at, best_cell, min_score};
pub use spans::{SharedSpan, SpanIndex, SpanOptions};
