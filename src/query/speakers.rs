//! `speakers`: who is quoted, how often, where and when, and their most cited quotations.
//!
//! Read from the quotation table the index build wrote (speakers are attributed at index time,
//! see `analyze::quote`): every `cited` quotation with a speaker counts once; a speaker's
//! documents are the distinct documents of those quotations; the most cited quotations are
//! their wordings in matching form, counted by occurrence.

use std::collections::HashMap;

use crate::analyze::QuoteKind;
use crate::error::Result;
use crate::index::IndexHandle;

/// Which speakers to list.
#[derive(Debug, Clone, Default)]
pub struct SpeakersFilter {
    /// Only this speaker (a canonical name, an alias, or an unlisted name as attributed).
    pub name: Option<String>,
    /// Only speakers of the table (`Some(true)`) or only the others (`Some(false)`).
    pub listed: Option<bool>,
    /// Only these documents.
    pub selection: Option<std::sync::Arc<crate::index::DocSelection>>,
    /// Most cited quotations kept per speaker.
    pub top: usize,
}

/// One speaker's quotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerStats {
    pub name: String,
    /// In the speaker table.
    pub listed: bool,
    /// Roles written before the name (unlisted speakers), most frequent first.
    pub roles: Vec<(String, usize)>,
    pub quotations: usize,
    pub docs: usize,
    /// Date keys (`YYYYMMDD`, month and day 0 when unknown) of the earliest and latest dated
    /// document quoting them.
    pub dates: Option<(u32, u32)>,
    /// Most cited wordings (the text as first written, occurrences), most first.
    pub top: Vec<(String, usize)>,
}

#[derive(Default)]
struct Acc {
    listed: bool,
    roles: HashMap<String, usize>,
    quotations: usize,
    docs: usize,
    last_doc: Option<usize>,
    dates: Option<(u32, u32)>,
    /// matching form → (text as first written, occurrences)
    forms: HashMap<String, (String, usize)>,
}

/// Every speaker quoted in the selected documents, most quoted first.
pub fn list_speakers(handle: &IndexHandle, filter: &SpeakersFilter) -> Result<Vec<SpeakerStats>> {
    let table = handle.quotes()?;
    let speakers = handle.speakers()?;
    let docs = handle.docs();
    let want = filter
        .name
        .as_deref()
        .map(crate::matching::fold_str)
        .map(|s| speakers.canonical(&s).map_or(s.clone(), str::to_owned));
    let mut acc: HashMap<String, Acc> = HashMap::new();
    // Documents in path order (tombstones left out), so that an updated index answers as a
    // rebuilt one does.
    let order =
        super::quotes::selected_in_path_order(handle, table.len(), filter.selection.as_deref())?;
    for (n, d) in order.into_iter().enumerate() {
        if n.is_multiple_of(64) {
            crate::cancel::check()?;
        }
        let date = docs.date_key(d);
        for q in table.get(d)? {
            let Some(name) = q.speaker.as_ref().filter(|_| q.kind == QuoteKind::Cited) else {
                continue;
            };
            if want.as_ref().is_some_and(|w| w != name) {
                continue;
            }
            let listed = !q.unlisted && speakers.canonical(name).is_some();
            if filter.listed.is_some_and(|l| l != listed) {
                continue;
            }
            let a = acc.entry(name.clone()).or_default();
            a.listed |= listed;
            a.quotations += 1;
            if a.last_doc != Some(d) {
                a.docs += 1;
                a.last_doc = Some(d);
                if date != 0 {
                    a.dates = Some(match a.dates {
                        Some((lo, hi)) => (lo.min(date), hi.max(date)),
                        None => (date, date),
                    });
                }
            }
            if let Some(r) = &q.role {
                *a.roles.entry(r.clone()).or_default() += 1;
            }
            a.forms
                .entry(q.matching.clone())
                .or_insert_with(|| (q.text.clone(), 0))
                .1 += 1;
        }
    }
    let mut out: Vec<SpeakerStats> = acc
        .into_iter()
        .map(|(name, a)| {
            let mut roles: Vec<(String, usize)> = a.roles.into_iter().collect();
            roles.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            roles.truncate(3);
            let mut top: Vec<(String, usize)> = a.forms.into_values().collect();
            top.sort_by(|x, y| {
                y.1.cmp(&x.1)
                    .then(y.0.chars().count().cmp(&x.0.chars().count()))
                    .then(x.0.cmp(&y.0))
            });
            top.truncate(filter.top);
            SpeakerStats {
                name,
                listed: a.listed,
                roles,
                quotations: a.quotations,
                docs: a.docs,
                dates: a.dates,
                top,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.quotations
            .cmp(&a.quotations)
            .then(b.docs.cmp(&a.docs))
            .then(a.name.cmp(&b.name))
    });
    Ok(out)
}
