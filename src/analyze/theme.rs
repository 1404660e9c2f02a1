//! Themes: weighted lexicons scored per passage.
//!
//! A theme (TOML, see `src/themes.toml`) has a name, aliases, a description, weighted `words`
//! (matched on the passage's jieba tokens), weighted `phrases` (matched exactly on its matching
//! form) and `negative` phrases (subtracted). A passage's score for a theme is
//!
//! ```text
//! max(0, Σ weight · sat(tf) − Σ negative weight · sat(tf)),
//! sat(tf) = tf · (k1 + 1) / (tf + k1 · (1 − b + b · len / avg_len)),   k1 = 1.2, b = 0.75
//! ```
//!
//! with `len` the passage's matching-form length: BM25's saturation (the tenth mention adds
//! little) and length normalisation (a long passage must mention a theme more often).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use super::words::normalize_words;
use crate::error::{Error, Result};
use crate::matching::matching_string;

const BUILTIN: &str = include_str!("../themes.toml");
const K1: f32 = 1.2;
const B: f32 = 0.75;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    theme: Vec<ThemeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeEntry {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    words: BTreeMap<String, f32>,
    #[serde(default)]
    phrases: BTreeMap<String, f32>,
    #[serde(default)]
    negative: BTreeMap<String, f32>,
}

/// One theme, ready to score.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub aliases: Vec<String>,
    pub description: String,
    /// Normalised words.
    words: Vec<Term>,
    /// Phrases (matched on matching forms) and negative phrases.
    phrases: Vec<Term>,
    negative: Vec<Term>,
}

/// A word or phrase of a theme.
#[derive(Debug, Clone)]
struct Term {
    /// As written in the lexicon (a word normalised).
    written: String,
    weight: f32,
    /// Index into [`TermCounts`]: words first, then the distinct phrases.
    id: u32,
}

/// The themes an index is scored with.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub themes: Vec<Theme>,
    /// The user file's text (empty for the built-in lexicon alone), kept with the index.
    pub extra: String,
    /// Distinct words of all themes → term id.
    word_ids: HashMap<String, u32>,
    /// Distinct non-empty phrase matching forms of all themes (pattern `i` has term id
    /// `word_ids.len() + i`), found in one scan of a passage.
    phrase_matcher: AhoCorasick,
}

/// How often each lexicon term occurs in one passage, and the passage's length: all a theme
/// score needs besides the corpus's average length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermCounts {
    /// Characters of the passage's matching form.
    pub len: u32,
    /// Word tokens of the passage.
    pub words: u32,
    /// (term id, occurrences), by term id.
    pub tf: Vec<(u32, u32)>,
}

impl TermCounts {
    fn get(&self, id: u32) -> usize {
        self.tf
            .binary_search_by_key(&id, |&(i, _)| i)
            .map_or(0, |k| self.tf[k].1 as usize)
    }
}

impl Lexicon {
    /// The built-in lexicon.
    pub fn builtin() -> Lexicon {
        Lexicon::from_extra("").expect("built-in themes are valid")
    }

    /// The built-in lexicon extended (or replaced) by a user file.
    pub fn with_file(path: &Path) -> Result<Lexicon> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Themes {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Lexicon::from_extra(&text).map_err(|e| match e {
            Error::Themes { reason, .. } => Error::Themes {
                path: path.to_path_buf(),
                reason,
            },
            other => other,
        })
    }

    /// The built-in lexicon with `extra` (a user file's text) applied.
    pub fn from_extra(extra: &str) -> Result<Lexicon> {
        let bad = |reason: String| Error::Themes {
            path: "(themes)".into(),
            reason,
        };
        let builtin: LexiconFile = toml::from_str(BUILTIN).map_err(|e| bad(e.to_string()))?;
        let user: LexiconFile = toml::from_str(extra).map_err(|e| bad(e.to_string()))?;
        let mut entries = if user.replace {
            Vec::new()
        } else {
            builtin.theme
        };
        for t in user.theme {
            entries.retain(|e| e.name != t.name);
            entries.push(t);
        }
        if entries.is_empty() {
            return Err(bad("no theme defined".into()));
        }
        // Term ids: words first, then phrases (an empty matching form never occurs: u32::MAX).
        let mut word_ids: HashMap<String, u32> = HashMap::new();
        for e in &entries {
            for w in e.words.keys() {
                let n = word_ids.len() as u32;
                word_ids.entry(normalize_words(w)).or_insert(n);
            }
        }
        let mut phrase_ids: HashMap<String, u32> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        for e in &entries {
            for p in e.phrases.keys().chain(e.negative.keys()) {
                let form = matching_string(p);
                if !form.is_empty() && !phrase_ids.contains_key(&form) {
                    phrase_ids.insert(form.clone(), (word_ids.len() + patterns.len()) as u32);
                    patterns.push(form);
                }
            }
        }
        let phrase_term = |(p, weight): (String, f32)| Term {
            id: phrase_ids
                .get(&matching_string(&p))
                .copied()
                .unwrap_or(u32::MAX),
            written: p,
            weight,
        };
        let themes = entries
            .into_iter()
            .map(|e| Theme {
                name: e.name,
                aliases: e.aliases,
                description: e.description,
                words: e
                    .words
                    .into_iter()
                    .map(|(w, weight)| {
                        let written = normalize_words(&w);
                        Term {
                            id: word_ids[&written],
                            written,
                            weight,
                        }
                    })
                    .collect(),
                phrases: e.phrases.into_iter().map(phrase_term).collect(),
                negative: e.negative.into_iter().map(phrase_term).collect(),
            })
            .collect();
        let phrase_matcher = AhoCorasick::new(&patterns)
            .map_err(|e| bad(format!("the phrases cannot be searched: {e}")))?;
        Ok(Lexicon {
            themes,
            extra: extra.to_owned(),
            word_ids,
            phrase_matcher,
        })
    }

    /// Index of the theme with this name or alias.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.themes
            .iter()
            .position(|t| t.name == name || t.aliases.iter().any(|a| a == name))
    }

    /// Hash identifying the lexicon (built-in and user text).
    pub fn hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(BUILTIN.as_bytes());
        h.update(b"\0");
        h.update(self.extra.as_bytes());
        h.finalize().to_hex()[..16].to_owned()
    }

    /// How often each lexicon term occurs in a passage: its word tokens (normalised) and its
    /// matching form. Phrases are counted at every position, overlapping ones too.
    pub fn counts(&self, words: &[String], matching: &[char]) -> TermCounts {
        let mut tf: HashMap<u32, u32> = HashMap::new();
        for w in words {
            if let Some(&id) = self.word_ids.get(w.as_str()) {
                *tf.entry(id).or_default() += 1;
            }
        }
        let text: String = matching.iter().collect();
        let first = self.word_ids.len() as u32;
        for m in self.phrase_matcher.find_overlapping_iter(&text) {
            *tf.entry(first + m.pattern().as_u32()).or_default() += 1;
        }
        let mut tf: Vec<(u32, u32)> = tf.into_iter().collect();
        tf.sort_unstable();
        TermCounts {
            len: matching.len() as u32,
            words: words.len() as u32,
            tf,
        }
    }

    /// Score of every theme for a passage of these counts.
    pub fn score(&self, counts: &TermCounts, avg_len: f32) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.themes.len());
        self.score_into(counts, avg_len, &mut out);
        out
    }

    /// [`Lexicon::score`] appended to `out`, without a label or an allocation: the sums of
    /// [`Lexicon::explain`], term by term in the same order (so the same floats). A passage
    /// without a lexicon term (most) scores 0 at once.
    pub fn score_into(&self, counts: &TermCounts, avg_len: f32, out: &mut Vec<f32>) {
        if counts.tf.is_empty() {
            out.extend(std::iter::repeat_n(0.0, self.themes.len()));
            return;
        }
        let norm = K1 * (1.0 - B + B * counts.len as f32 / avg_len.max(1.0));
        let sat = |tf: usize| {
            let tf = tf as f32;
            tf * (K1 + 1.0) / (tf + norm)
        };
        for t in &self.themes {
            let mut total = 0.0f32;
            for term in t.words.iter().chain(&t.phrases) {
                let tf = counts.get(term.id);
                if tf > 0 {
                    total += term.weight * sat(tf);
                }
            }
            for term in &t.negative {
                let tf = counts.get(term.id);
                if tf > 0 {
                    total += -term.weight * sat(tf);
                }
            }
            out.push(total.max(0.0));
        }
    }

    /// Score of one theme and the contribution of each term that matched.
    pub fn explain(
        &self,
        theme: usize,
        words: &[String],
        matching: &[char],
        avg_len: f32,
    ) -> (f32, Vec<(String, f32)>) {
        let name = |written: &str, negative: bool| {
            if negative {
                format!("-{written}")
            } else {
                written.to_owned()
            }
        };
        self.contributions(theme, &self.counts(words, matching), avg_len, name)
    }

    /// BM25-like: each term's weight times its saturated, length-normalised frequency;
    /// negative phrases subtract; the total is at least 0. `name(written, negative)` labels each
    /// part (scoring alone gives no labels).
    fn contributions(
        &self,
        theme: usize,
        counts: &TermCounts,
        avg_len: f32,
        name: impl Fn(&str, bool) -> String,
    ) -> (f32, Vec<(String, f32)>) {
        let t = &self.themes[theme];
        let norm = K1 * (1.0 - B + B * counts.len as f32 / avg_len.max(1.0));
        let sat = |tf: usize| {
            let tf = tf as f32;
            tf * (K1 + 1.0) / (tf + norm)
        };
        let mut parts = Vec::new();
        for term in t.words.iter().chain(&t.phrases) {
            let tf = counts.get(term.id);
            if tf > 0 {
                parts.push((name(&term.written, false), term.weight * sat(tf)));
            }
        }
        for term in &t.negative {
            let tf = counts.get(term.id);
            if tf > 0 {
                parts.push((name(&term.written, true), -term.weight * sat(tf)));
            }
        }
        let total: f32 = parts.iter().map(|p| p.1).sum();
        parts.sort_by(|a, b| b.1.total_cmp(&a.1));
        (total.max(0.0), parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(s: &str) -> Vec<char> {
        matching_string(s).chars().collect()
    }

    #[test]
    fn builtin_has_the_four_parts() {
        let l = Lexicon::builtin();
        for name in ["宣传政策", "调查研究", "信访接待", "现场办公"] {
            assert!(l.find(name).is_some(), "{name}");
        }
        assert_eq!(l.find("信访"), l.find("信访接待"));
    }

    #[test]
    fn scores_saturate_and_normalise() {
        let l = Lexicon::builtin();
        let t = l.find("信访接待").unwrap();
        let words: Vec<String> = vec!["信访".into()];
        let short = l.explain(t, &words, &form("做好信访接待工作"), 50.0).0;
        let long_text = format!("做好信访接待工作{}", "其他内容".repeat(50));
        let long = l.explain(t, &words, &form(&long_text), 50.0).0;
        assert!(short > long && long > 0.0, "{short} {long}");
        let twice = l.explain(t, &words, &form("信访接待，信访接待"), 50.0).0;
        let once = l.explain(t, &words, &form("信访接待，其他事情"), 50.0).0;
        assert!(twice > once && twice < 2.0 * once, "{twice} {once}");
        assert_eq!(l.explain(t, &[], &form("今天天气很好"), 50.0).0, 0.0);
    }

    #[test]
    fn user_file_extends_replaces_and_reports_lines() {
        let extra = "[[theme]]\nname = \"生态文明\"\nphrases = { \"绿水青山\" = 3.0 }\nnegative = { \"破坏\" = 1.0 }\n";
        let l = Lexicon::from_extra(extra).unwrap();
        assert!(l.find("生态文明").is_some() && l.find("信访接待").is_some());
        let only = Lexicon::from_extra(&format!("replace = true\n{extra}")).unwrap();
        assert_eq!(only.themes.len(), 1);
        let t = only.find("生态文明").unwrap();
        let (s, parts) = only.explain(t, &[], &form("绿水青山，不能破坏"), 10.0);
        assert!(s > 0.0 && parts.iter().any(|p| p.0 == "-破坏" && p.1 < 0.0));
        let err = Lexicon::from_extra("[[theme]]\nname = \"x\"\nwords = { \"a\" = \"heavy\" }\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
    }
}
