//! Document sketches: what a document's text is made of, in 128 bytes, to find near-duplicate
//! documents (reposts) without comparing every pair.
//!
//! One-permutation MinHash: every [`SHINGLE`]-character window of the matching form is hashed
//! once; the hash's top bits choose one of [`SKETCH_BINS`] bins, which keeps the smallest of its
//! low 32 bits. Two documents' sketches agree in a bin about as often as their sets of windows
//! overlap (the Jaccard similarity), so [`similarity`] estimates it, and documents whose
//! sketches agree on a whole band of bins are the candidates that are then compared exactly.

/// Bins of a sketch.
pub const SKETCH_BINS: usize = 32;
/// Characters of a window.
pub const SHINGLE: usize = 5;
/// A bin no window fell in.
pub const EMPTY_BIN: u32 = u32::MAX;

/// A document's sketch.
pub type Sketch = [u32; SKETCH_BINS];

/// The sketch of a document with no text (a removed one).
pub const EMPTY_SKETCH: Sketch = [EMPTY_BIN; SKETCH_BINS];

/// Builds a sketch from the matching forms of a document's passages, in order.
#[derive(Debug, Clone)]
pub struct Sketcher {
    bins: Sketch,
}

impl Default for Sketcher {
    fn default() -> Sketcher {
        Sketcher { bins: EMPTY_SKETCH }
    }
}

impl Sketcher {
    /// Add the windows of one passage's matching form.
    pub fn add(&mut self, chars: &[char]) {
        for w in chars.windows(SHINGLE) {
            let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
            for &c in w {
                h = (h ^ u64::from(c as u32)).wrapping_mul(0x0100_0000_01b3);
                h ^= h >> 29;
            }
            h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
            h ^= h >> 31;
            let bin = (h >> (64 - SKETCH_BINS.trailing_zeros())) as usize;
            let v = (h as u32).min(EMPTY_BIN - 1);
            if v < self.bins[bin] {
                self.bins[bin] = v;
            }
        }
    }

    pub fn finish(self) -> Sketch {
        self.bins
    }
}

/// Bins a window fell in.
pub fn filled_bins(s: &Sketch) -> usize {
    s.iter().filter(|&&v| v != EMPTY_BIN).count()
}

/// The estimated Jaccard similarity of two documents' windows: bins that agree over bins
/// filled in either (`None` when both are empty).
pub fn similarity(a: &Sketch, b: &Sketch) -> Option<f64> {
    let (mut same, mut used) = (0, 0);
    for (x, y) in a.iter().zip(b) {
        if *x == EMPTY_BIN && *y == EMPTY_BIN {
            continue;
        }
        used += 1;
        same += usize::from(x == y);
    }
    (used > 0).then(|| same as f64 / used as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(text: &str) -> Sketch {
        let mut s = Sketcher::default();
        s.add(&text.chars().collect::<Vec<_>>());
        s.finish()
    }

    #[test]
    fn a_repost_is_similar_and_another_text_is_not() {
        let body = "国务院总理李克强主持召开国务院常务会议，部署进一步做好稳就业工作，确定支持中小微企业发展的措施，推动降低企业融资成本，决定延续实施部分减税降费政策。会议指出，就业是民生之本，要把稳就业放在更加突出位置。";
        let a = sketch(&format!("新华社北京电{body}"));
        let b = sketch(&format!("本报北京电{body}（记者某某）"));
        let c = sketch(
            "今天天气很好，我们一起去公园散步，看见很多孩子在放风筝，还有老人在下棋，湖边的柳树已经发芽了，春天真的来了。",
        );
        assert!(
            similarity(&a, &b).unwrap() > 0.6,
            "{:?}",
            similarity(&a, &b)
        );
        assert!(similarity(&a, &c).unwrap() < 0.2);
        assert_eq!(similarity(&EMPTY_SKETCH, &EMPTY_SKETCH), None);
        assert!(filled_bins(&a) > 20);
    }
}
