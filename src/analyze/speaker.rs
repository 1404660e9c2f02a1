//! The speaker table: aliases (names with titles, titles alone) → canonical names.
//!
//! Built in from `src/speakers.toml`; a user file in the same format adds speakers or takes
//! aliases over (`jiansuo index --speakers FILE`).
//!
//! ```
//! let t = jiansuo::analyze::SpeakerTable::builtin();
//! assert_eq!(t.last_in("2019年，习近平总书记在开班式上").map(|m| m.name), Some("习近平"));
//! assert_eq!(t.last_in("李强总理也").map(|m| m.name), Some("李强"));
//! ```

use std::path::Path;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::error::{Error, Result};

const BUILTIN: &str = include_str!("../speakers.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    #[serde(default)]
    speaker: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// Titles alone (总书记, 总理): they name the speaker only where no other name or title
    /// word stands right before them (德国总理默克尔, 副总理 are someone else).
    #[serde(default)]
    titles: Vec<String>,
}

/// Aliases → canonical speaker names.
#[derive(Debug, Clone)]
pub struct SpeakerTable {
    /// (alias, canonical name, is a bare title), longest alias first.
    aliases: Vec<(String, String, bool)>,
    /// Every alias at once (pattern `i` is `aliases[i]`), so that a text is scanned once and
    /// not once per alias.
    matcher: AhoCorasick,
}

/// An alias found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AliasMatch<'a> {
    /// Canonical name.
    pub name: &'a str,
    /// The alias as it stands in the text.
    pub alias: &'a str,
    /// Character offsets of the alias in the text searched.
    pub start: usize,
    pub end: usize,
}

impl SpeakerTable {
    /// The built-in table.
    pub fn builtin() -> SpeakerTable {
        let mut t = SpeakerTable {
            aliases: Vec::new(),
            matcher: AhoCorasick::new(std::iter::empty::<&str>())
                .expect("an empty automaton builds"),
        };
        t.add_toml(BUILTIN)
            .expect("built-in speaker table is valid");
        t
    }

    /// The built-in table extended by a user file.
    pub fn with_file(path: &Path) -> Result<SpeakerTable> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Speakers {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut t = SpeakerTable::builtin();
        t.add_toml(&text).map_err(|reason| Error::Speakers {
            path: path.to_path_buf(),
            reason,
        })?;
        Ok(t)
    }

    /// Parse a table from TOML text (built-in plus `extra`), as stored in an index.
    pub fn from_extra(extra: &str) -> Result<SpeakerTable> {
        let mut t = SpeakerTable::builtin();
        t.add_toml(extra).map_err(|reason| Error::Speakers {
            path: "(index copy)".into(),
            reason,
        })?;
        Ok(t)
    }

    fn add_toml(&mut self, text: &str) -> std::result::Result<(), String> {
        let file: TableFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for entry in file.speaker {
            let mut aliases: Vec<(String, bool)> =
                entry.aliases.into_iter().map(|a| (a, false)).collect();
            aliases.push((entry.name.clone(), false));
            aliases.extend(entry.titles.into_iter().map(|t| (t, true)));
            for (alias, title) in aliases {
                if alias.trim().is_empty() {
                    continue;
                }
                let alias = crate::matching::fold_str(&alias);
                self.aliases.retain(|(a, _, _)| *a != alias);
                self.aliases.push((alias, entry.name.clone(), title));
            }
        }
        self.aliases.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        self.matcher = AhoCorasick::new(self.aliases.iter().map(|a| a.0.as_str()))
            .map_err(|e| format!("the speaker aliases cannot be searched: {e}"))?;
        Ok(())
    }

    /// The canonical name of an alias or name, if the table knows it.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.aliases
            .iter()
            .find(|(a, n, _)| a == name || n == name)
            .map(|(_, n, _)| n.as_str())
    }

    /// The alias that ends last in `text` (the one nearest a cue that follows), the longest of
    /// those ending at the same place.
    pub fn last_in(&self, text: &str) -> Option<AliasMatch<'_>> {
        self.best_in(text, true)
    }

    /// The alias that starts first in `text`, the longest of those starting there.
    pub fn first_in(&self, text: &str) -> Option<AliasMatch<'_>> {
        self.best_in(text, false)
    }

    fn best_in(&self, text: &str, last: bool) -> Option<AliasMatch<'_>> {
        // Aliases are folded to simplified, and so is the text (one character for one, so
        // character offsets hold).
        let folded = crate::matching::fold_str(text);
        let text = folded.as_str();
        // Every occurrence of every alias (overlapping ones too); the best by byte offsets,
        // which order as character offsets do. Aliases are distinct, so no two occurrences
        // share both ends.
        let mut best: Option<(usize, usize, usize)> = None;
        for m in self.matcher.find_overlapping_iter(text) {
            let (b, e, i) = (m.start(), m.end(), m.pattern().as_usize());
            if self.aliases[i].2 && !bare_title_stands_alone(&text[..b]) {
                continue;
            }
            let better = best.is_none_or(|(bb, be, _)| {
                if last {
                    e > be || (e == be && b < bb)
                } else {
                    b < bb || (b == bb && e > be)
                }
            });
            if better {
                best = Some((b, e, i));
            }
        }
        let (b, e, i) = best?;
        let (alias, name, _) = &self.aliases[i];
        let start = text[..b].chars().count();
        Some(AliasMatch {
            name,
            alias,
            start,
            end: start + text[b..e].chars().count(),
        })
    }
}

/// A bare title stands alone when what precedes it is not part of a name or another title:
/// the start, punctuation, a digit, a time or place word ending in 时, 后, 日, 上, 中, 里, 前,
/// or 正如 / 据.
fn bare_title_stands_alone(before: &str) -> bool {
    before.chars().next_back().is_none_or(|c| {
        !c.is_alphanumeric() || c.is_ascii_digit() || "时后日上中里前如据".contains(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_names() {
        let t = SpeakerTable::builtin();
        let cases = [
            ("习近平总书记", Some("习近平")),
            ("总书记在瞻仰中共一大会址时", Some("习近平")),
            ("习近平同志", Some("习近平")),
            ("毛主席又一次批评他们", Some("毛泽东")),
            ("邓小平在谈到建设初级阶段的社会主义时特别", Some("邓小平")),
            ("国务院总理李强", Some("李强")),
            ("代表们", None),
            (
                "德国总理默克尔此前在阐述德国担任欧盟轮值主席国期间的外交和安全政策时",
                None,
            ),
            ("国务院副总理丁薛祥", Some("丁薛祥")),
            ("几天后，总书记给田华等8位电影艺术家回信，", Some("习近平")),
        ];
        for (text, want) in cases {
            assert_eq!(t.last_in(text).map(|m| m.name), want, "{text}");
        }
        let m = t.last_in("正如习近平总书记").unwrap();
        assert_eq!((m.alias, m.start, m.end), ("习近平总书记", 2, 8));
    }

    #[test]
    fn user_table_adds_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("s.toml");
        std::fs::write(
            &f,
            "[[speaker]]\nname = \"李克强\"\naliases = [\"总理\"]\n\n[[speaker]]\nname = \"王充\"\n",
        )
        .unwrap();
        let t = SpeakerTable::with_file(&f).unwrap();
        assert_eq!(t.last_in("总理指出").map(|m| m.name), Some("李克强"));
        assert_eq!(t.last_in("东汉王充").map(|m| m.name), Some("王充"));
        std::fs::write(&f, "[[speaker]]\nname = 3\n").unwrap();
        let err = SpeakerTable::with_file(&f).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
