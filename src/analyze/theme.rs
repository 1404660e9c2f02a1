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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::index::tokenize::normalize_words;
use crate::matching::matching_string;
use crate::query::find_all;

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
    /// (normalised word, weight)
    words: Vec<(String, f32)>,
    /// (matching form, weight, as written)
    phrases: Vec<(Vec<char>, f32, String)>,
    negative: Vec<(Vec<char>, f32, String)>,
}

/// The themes an index is scored with.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub themes: Vec<Theme>,
    /// The user file's text (empty for the built-in lexicon alone), kept with the index.
    pub extra: String,
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
        let themes = entries
            .into_iter()
            .map(|e| {
                let phrase = |(p, w): (String, f32)| (matching_string(&p).chars().collect(), w, p);
                Theme {
                    name: e.name,
                    aliases: e.aliases,
                    description: e.description,
                    words: e
                        .words
                        .into_iter()
                        .map(|(w, x)| (normalize_words(&w), x))
                        .collect(),
                    phrases: e.phrases.into_iter().map(phrase).collect(),
                    negative: e.negative.into_iter().map(phrase).collect(),
                }
            })
            .collect();
        Ok(Lexicon {
            themes,
            extra: extra.to_owned(),
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

    /// Score of every theme for a passage: its word tokens (normalised) and matching form.
    pub fn score(&self, words: &[String], matching: &[char], avg_len: f32) -> Vec<f32> {
        let seen = Seen::new(words, matching);
        (0..self.themes.len())
            .map(|t| self.contributions(t, &seen, avg_len).0)
            .collect()
    }

    /// Score of one theme and the contribution of each term that matched.
    pub fn explain(
        &self,
        theme: usize,
        words: &[String],
        matching: &[char],
        avg_len: f32,
    ) -> (f32, Vec<(String, f32)>) {
        self.contributions(theme, &Seen::new(words, matching), avg_len)
    }

    fn contributions(&self, theme: usize, seen: &Seen, avg_len: f32) -> (f32, Vec<(String, f32)>) {
        let t = &self.themes[theme];
        let norm = K1 * (1.0 - B + B * seen.matching.len() as f32 / avg_len.max(1.0));
        let sat = |tf: usize| {
            let tf = tf as f32;
            tf * (K1 + 1.0) / (tf + norm)
        };
        let mut parts = Vec::new();
        for (w, weight) in &t.words {
            let tf = seen.words.get(w.as_str()).copied().unwrap_or(0);
            if tf > 0 {
                parts.push((w.clone(), weight * sat(tf)));
            }
        }
        for (p, weight, written) in &t.phrases {
            let tf = seen.count(p);
            if tf > 0 {
                parts.push((written.clone(), weight * sat(tf)));
            }
        }
        for (p, weight, written) in &t.negative {
            let tf = seen.count(p);
            if tf > 0 {
                parts.push((format!("-{written}"), -weight * sat(tf)));
            }
        }
        let total: f32 = parts.iter().map(|p| p.1).sum();
        parts.sort_by(|a, b| b.1.total_cmp(&a.1));
        (total.max(0.0), parts)
    }
}

/// A passage as the scorer looks at it: token counts and the bigrams of its matching form (a
/// phrase whose first bigram is missing is not scanned for).
struct Seen<'a> {
    words: HashMap<&'a str, usize>,
    bigrams: HashSet<(char, char)>,
    matching: &'a [char],
}

impl<'a> Seen<'a> {
    fn new(words: &'a [String], matching: &'a [char]) -> Seen<'a> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for w in words {
            *counts.entry(w.as_str()).or_default() += 1;
        }
        Seen {
            words: counts,
            bigrams: matching.windows(2).map(|w| (w[0], w[1])).collect(),
            matching,
        }
    }

    /// Occurrences of a phrase (matching form) in the passage.
    fn count(&self, phrase: &[char]) -> usize {
        if phrase.len() >= 2 && !self.bigrams.contains(&(phrase[0], phrase[1])) {
            return 0;
        }
        find_all(self.matching, phrase).len()
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
