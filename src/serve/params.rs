//! The query-string parameters of a request, named as the command line's options
//! (`min-coverage` or `min_coverage`), checked: an unknown name, a repeated single value or a
//! value that does not parse is a 400 that says what is valid.

use crate::api::Filters;
use crate::docmeta::Date;
use crate::error::{Error, Result};

/// Longest value of one parameter, in characters (but `text`, the text `reuse` traces, bounded
/// only by the request's size: 16 KB of query string, 1 MB of form body).
pub const MAX_VALUE_CHARS: usize = 4000;

/// The parameters of one request.
pub struct Params {
    pairs: Vec<(String, String)>,
    used: Vec<bool>,
    /// `(offset, limit)` once [`Params::page`] read them.
    page: (usize, usize),
}

fn bad(msg: String) -> Error {
    Error::Query(msg)
}

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Result<Params> {
        for (k, v) in &pairs {
            if k != "text" && v.chars().count() > MAX_VALUE_CHARS {
                return Err(bad(format!(
                    "the parameter {k} is {} characters long; at most {MAX_VALUE_CHARS} are read",
                    v.chars().count()
                )));
            }
        }
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.replace('_', "-"), v))
            .collect();
        let used = vec![false; pairs.len()];
        Ok(Params {
            pairs,
            used,
            page: (0, 0),
        })
    }

    /// Every value of `name`.
    pub fn all(&mut self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, (k, v)) in self.pairs.iter().enumerate() {
            if k == name {
                self.used[i] = true;
                if !v.is_empty() {
                    out.push(v.clone());
                }
            }
        }
        out
    }

    /// The value of `name` (an empty value counts as absent).
    pub fn get(&mut self, name: &str) -> Result<Option<String>> {
        let mut all = self.all(name);
        match all.len() {
            0 => Ok(None),
            1 => Ok(all.pop()),
            n => Err(bad(format!("{name} is given {n} times; give it once"))),
        }
    }

    pub fn text(&mut self, name: &str, what: &str) -> Result<String> {
        self.get(name)?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| bad(format!("give {name}: {what}")))
    }

    pub fn number<T: std::str::FromStr>(&mut self, name: &str, default: T) -> Result<T> {
        match self.get(name)? {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| {
                bad(format!(
                    "{name}={v:?} is not a number of the kind this takes"
                ))
            }),
        }
    }

    pub fn opt_number<T: std::str::FromStr>(&mut self, name: &str) -> Result<Option<T>> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| bad(format!("{name}={v:?} is not a number"))),
        }
    }

    pub fn flag(&mut self, name: &str) -> Result<bool> {
        match self.get(name)?.as_deref() {
            None | Some("0" | "false" | "no") => Ok(false),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some(v) => Err(bad(format!("{name}={v:?}: give true or false"))),
        }
    }

    fn date(&mut self, name: &str) -> Result<Option<Date>> {
        self.get(name)?
            .map(|v| v.parse::<Date>().map_err(|e| bad(format!("{name}: {e}"))))
            .transpose()
    }

    /// The filters: `since`, `until`, `under` (or `doc`), `collection` (repeatable).
    pub fn filters(&mut self) -> Result<Filters> {
        let mut under = self.all("under");
        under.extend(self.all("doc"));
        Ok(Filters {
            under,
            collections: self.all("collection"),
            since: self.date("since")?,
            until: self.date("until")?,
            once: self.flag("once")?,
        })
    }

    /// Paging: `offset` (0) and `limit` (`default`; 0 = all).
    pub fn page(&mut self, default: usize) -> Result<(usize, usize)> {
        let page = (self.number("offset", 0)?, self.number("limit", default)?);
        self.page = page;
        Ok(page)
    }

    /// How many rows the page read by [`Params::page`] reaches (`None`: all).
    pub fn rows_wanted(&self) -> Option<usize> {
        match self.page {
            (_, 0) => None,
            (offset, limit) => Some(offset.saturating_add(limit)),
        }
    }

    /// Fail on a parameter no one read.
    pub fn finish(&self, known: &str) -> Result<()> {
        match self.pairs.iter().zip(&self.used).find(|(_, u)| !**u) {
            None => Ok(()),
            Some(((k, _), _)) => Err(bad(format!(
                "unknown parameter {k:?}; this endpoint takes {known}"
            ))),
        }
    }
}
