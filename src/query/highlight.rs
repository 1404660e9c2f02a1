//! Highlights: where query terms occur in a passage, as character spans of its text.

use crate::matching::{MatchingForm, matching_string};

/// Character spans `[start, end)` of `text` where any of `terms` occurs, compared in matching
/// form (so `发言权` highlights `发言权` and `ＡＢ` highlights `ab`); overlapping spans are merged.
pub fn highlight_spans(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mf = MatchingForm::new(text);
    let mut spans = Vec::new();
    for term in terms {
        let needle: Vec<char> = matching_string(term).chars().collect();
        if needle.is_empty() || needle.len() > mf.len() {
            continue;
        }
        for (i, w) in mf.chars.windows(needle.len()).enumerate() {
            if w == needle.as_slice() {
                spans.push(mf.source_span(i, i + needle.len()));
            }
        }
    }
    merge(spans)
}

fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_in_source_characters() {
        let terms = vec![
            "调查".to_string(),
            "调查研究".to_string(),
            "研究".to_string(),
        ];
        assert_eq!(
            highlight_spans("搞好调查研究，调查。", &terms),
            vec![(2, 6), (7, 9)]
        );
        let terms = vec!["没有调查就没有".to_string()];
        assert_eq!(highlight_spans("没有调查，就没有", &terms), vec![(0, 8)]);
        assert_eq!(highlight_spans("无关", &terms), vec![]);
    }
}
