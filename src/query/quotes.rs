//! `quotes`: the quotations of the corpus, clustered.
//!
//! Quotations whose matching forms are identical form one group. Groups join a cluster when one
//! form lies inside a longer one (the shorter having at least 8 characters and a fifth of the
//! longer's length, the longer closed by its quote mark somewhere; it joins the longest form that
//! holds it), or when two forms of similar length (ratio ≥ 0.8, at least 8 characters)
//! align with coverage ≥ 0.9 and identity ≥ 0.85. A cluster is shown with its most complete
//! wording (its longest form, as written at its first occurrence).

use std::collections::HashMap;

use crate::align::align;
use crate::analyze::{Quotation, QuoteKind};
use crate::error::Result;
use crate::index::IndexHandle;
use crate::matching::matching_string;

/// Which quotations to list.
#[derive(Debug, Clone, Default)]
pub struct QuotesFilter {
    /// Only quotations whose matching form contains this text's matching form.
    pub text: Option<String>,
    /// Only quotations attributed to this speaker (a canonical name or an alias).
    pub speaker: Option<String>,
    /// Only this kind (default: cited and term; titles only when asked for).
    pub kind: Option<QuoteKind>,
    /// Only these documents.
    pub selection: Option<std::sync::Arc<crate::index::DocSelection>>,
    /// Clusters found in at least this many documents.
    pub min_docs: usize,
}

/// One place a quotation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteOccurrence {
    pub doc: u64,
    pub line: u32,
    pub start: u32,
    pub end: u32,
    pub speaker: Option<String>,
}

/// Quotations that are the same or nearly the same.
#[derive(Debug, Clone)]
pub struct QuoteCluster {
    /// The most complete wording, as written.
    pub text: String,
    /// Its matching form.
    pub matching: String,
    pub kind: QuoteKind,
    /// Every occurrence, in document order.
    pub occurrences: Vec<QuoteOccurrence>,
    /// Distinct documents.
    pub docs: usize,
    /// Speakers and how often each is named (`None`: unattributed), most first.
    pub speakers: Vec<(Option<String>, usize)>,
    /// Distinct matching forms in the cluster.
    pub variants: usize,
}

/// The selected live documents among the first `len` ordinals, in path order (so that an
/// updated index answers as a rebuilt one does).
pub fn selected_in_path_order(
    handle: &IndexHandle,
    len: usize,
    selection: Option<&crate::index::DocSelection>,
) -> Result<Vec<usize>> {
    let ranks = handle.path_ranks()?;
    let mut order: Vec<usize> = (0..len)
        .filter(|&d| ranks.get(d).is_some_and(|&r| r != u32::MAX))
        .filter(|&d| crate::index::selected(selection, d as u64))
        .collect();
    order.sort_by_key(|&d| ranks[d]);
    Ok(order)
}

struct Form {
    matching: Vec<char>,
    /// `matching` as a string, for substring search.
    text: String,
    instances: Vec<(u64, Quotation)>,
}

/// List the clusters of quotations matching `filter`, most widespread first.
pub fn list_quotes(handle: &IndexHandle, filter: &QuotesFilter) -> Result<Vec<QuoteCluster>> {
    let table = handle.quotes()?;
    let speakers = handle.speakers()?;
    let want_speaker = filter
        .speaker
        .as_deref()
        .map(|s| speakers.canonical(s).unwrap_or(s).to_owned());
    let want_text = filter.text.as_deref().map(matching_string);
    let mut forms: Vec<Form> = Vec::new();
    let mut by_form: HashMap<String, usize> = HashMap::new();
    // Documents in path order, so that an updated index lists clusters as a rebuilt one does.
    let order = selected_in_path_order(handle, table.len(), filter.selection.as_deref())?;
    for (n, d) in order.into_iter().enumerate() {
        if n.is_multiple_of(64) {
            crate::cancel::check()?;
        }
        for q in table.get(d)? {
            let kind_ok = match filter.kind {
                Some(k) => q.kind == k,
                None => q.kind != QuoteKind::Title,
            };
            if !kind_ok
                || want_speaker
                    .as_ref()
                    .is_some_and(|s| q.speaker.as_ref() != Some(s))
                || want_text
                    .as_ref()
                    .is_some_and(|t| !q.matching.contains(t.as_str()))
            {
                continue;
            }
            let id = *by_form.entry(q.matching.clone()).or_insert_with(|| {
                forms.push(Form {
                    matching: q.matching.chars().collect(),
                    text: q.matching.clone(),
                    instances: Vec::new(),
                });
                forms.len() - 1
            });
            forms[id].instances.push((d as u64, q));
        }
    }
    let mut uf = UnionFind::new(forms.len());
    join_similar(&forms, &mut uf)?;

    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..forms.len() {
        groups.entry(uf.find(i)).or_default().push(i);
    }
    let ranks = handle.path_ranks()?; // cached by the handle
    let mut clusters: Vec<QuoteCluster> = groups
        .into_values()
        .map(|mut members| {
            members.sort_unstable();
            cluster_of(&forms, &members, &ranks)
        })
        .filter(|c| c.docs >= filter.min_docs.max(1))
        .collect();
    clusters.sort_by(|a, b| {
        b.docs
            .cmp(&a.docs)
            .then(b.occurrences.len().cmp(&a.occurrences.len()))
            .then(a.matching.cmp(&b.matching))
    });
    Ok(clusters)
}

fn cluster_of(forms: &[Form], members: &[usize], ranks: &[u32]) -> QuoteCluster {
    let rep = *members
        .iter()
        .max_by_key(|&&i| (forms[i].matching.len(), forms[i].instances.len()))
        .expect("a cluster has a member");
    let mut occurrences: Vec<QuoteOccurrence> = Vec::new();
    let mut kinds: HashMap<QuoteKind, usize> = HashMap::new();
    for &i in members {
        for (doc, q) in &forms[i].instances {
            *kinds.entry(q.kind).or_default() += 1;
            occurrences.push(QuoteOccurrence {
                doc: *doc,
                line: q.line,
                start: q.start,
                end: q.end,
                speaker: q.speaker.clone(),
            });
        }
    }
    occurrences.sort_by_key(|o| (ranks.get(o.doc as usize).copied(), o.line, o.start));
    let kind = kinds
        .into_iter()
        .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)))
        .map_or(QuoteKind::Term, |(k, _)| k);
    let mut docs: Vec<u64> = occurrences.iter().map(|o| o.doc).collect();
    docs.dedup();
    let mut speakers: HashMap<Option<String>, usize> = HashMap::new();
    for o in &occurrences {
        *speakers.entry(o.speaker.clone()).or_default() += 1;
    }
    let mut speakers: Vec<(Option<String>, usize)> = speakers.into_iter().collect();
    speakers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let first = &forms[rep].instances[0].1;
    QuoteCluster {
        text: first.text.clone(),
        matching: forms[rep].matching.iter().collect(),
        kind,
        occurrences,
        docs: docs.len(),
        speakers,
        variants: members.len(),
    }
}

/// Join forms held in a longer form, and forms of similar length that align closely. A form held
/// in several longest forms joins the first of them (forms are numbered in path order), so that
/// the clusters do not depend on hash order.
fn join_similar(forms: &[Form], uf: &mut UnionFind) -> Result<()> {
    const MIN: usize = 8;
    // Bigrams too common to tell anything are not counted.
    const COMMON: usize = 5000;
    let grams_of: Vec<Vec<(char, char)>> = forms
        .iter()
        .map(|f| {
            if f.matching.len() < MIN {
                return Vec::new();
            }
            let mut grams: Vec<(char, char)> =
                f.matching.windows(2).map(|w| (w[0], w[1])).collect();
            grams.sort_unstable();
            grams.dedup();
            grams
        })
        .collect();
    // Bigram → forms (of at least MIN characters) that hold it.
    let mut index: HashMap<(char, char), Vec<usize>> = HashMap::new();
    for (i, grams) in grams_of.iter().enumerate() {
        for &g in grams {
            index.entry(g).or_default().push(i);
        }
    }
    let mut candidates: Vec<usize> = Vec::new();
    for (i, f) in forms.iter().enumerate() {
        if i.is_multiple_of(512) {
            crate::cancel::check()?;
        }
        let n = f.matching.len();
        if n < MIN {
            continue;
        }
        let grams = &grams_of[i];
        // `count`, the bigrams of this form (those not too common) that another holds, must
        // reach `need` for either test below: all but 2 of them (held in a longer form) or 60 %
        // (similar forms). A form reaching `need` holds at least one of any
        // `usable - need + 1` of the counted bigrams, so only the lists of the rarest that
        // many are read for candidates (prefix filtering), and each candidate's count is then
        // taken exactly: the same pairs as counting every list, without walking the long ones.
        let g = grams.len();
        let need = g.saturating_sub(2).min((g * 3).div_ceil(5)).max(1);
        let mut usable: Vec<(usize, (char, char))> = grams
            .iter()
            .filter_map(|gram| {
                let len = index.get(gram).map_or(0, Vec::len);
                (len <= COMMON).then_some((len, *gram))
            })
            .collect();
        if usable.len() < need {
            continue;
        }
        usable.sort_unstable();
        candidates.clear();
        for (_, gram) in &usable[..usable.len() - need + 1] {
            candidates.extend(index[gram].iter().copied().filter(|&j| j != i));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut counted: Vec<(char, char)> = usable.iter().map(|&(_, gram)| gram).collect();
        counted.sort_unstable();
        let mut container: Option<usize> = None;
        for &j in &candidates {
            let count = shared_count(&counted, &grams_of[j]);
            let m = forms[j].matching.len();
            if m > n
                && n * 5 >= m
                && count + 2 >= grams.len()
                && forms[j].instances.iter().any(|(_, q)| !q.unbalanced)
                && contains(&forms[j].text, &f.text)
            {
                // The longest; of equally long ones the first form (in path order).
                if container.is_none_or(|c| {
                    (forms[c].matching.len(), std::cmp::Reverse(c)) < (m, std::cmp::Reverse(j))
                }) {
                    container = Some(j);
                }
            } else if m >= n
                && (n as f64) >= 0.8 * m as f64
                && count as f64 >= 0.6 * grams.len() as f64
                // Already joined: the alignment could change nothing.
                && uf.find(i) != uf.find(j)
                && let Some(a) = align(&f.matching, &forms[j].matching)
                && a.coverage(n) >= 0.9
                && a.identity() >= 0.85
                && (a.target_end - a.target_start) as f64 >= 0.9 * m as f64
            {
                uf.union(i, j);
            }
        }
        if let Some(c) = container {
            uf.union(i, c);
        }
    }
    Ok(())
}

/// Elements common to two sorted, deduplicated lists.
fn shared_count<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Whether `needle` is a substring of `hay`. On the UTF-8 bytes: a valid needle found in a valid
/// haystack starts and ends on character boundaries, so this is the same as on characters.
fn contains(hay: &str, needle: &str) -> bool {
    memchr::memmem::find(hay.as_bytes(), needle.as_bytes()).is_some()
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind((0..n).collect())
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str) -> Form {
        let q = Quotation {
            line: 1,
            paragraph: 0,
            start: 0,
            end: text.chars().count() as u32,
            text: text.to_owned(),
            matching: text.to_owned(),
            kind: QuoteKind::Cited,
            speaker: None,
            role: None,
            cue: None,
            depth: 0,
            unbalanced: false,
            pronoun: false,
            after: false,
            unlisted: false,
        };
        Form {
            matching: text.chars().collect(),
            text: text.to_owned(),
            instances: vec![(0, q)],
        }
    }

    #[test]
    fn a_form_held_in_equally_long_forms_joins_the_first() {
        // Twenty forms of 9 characters hold the same 8 (and do not align with each other:
        // coverage 8/9). Chosen in hash order, the 8 would join any of them.
        let mut forms = vec![form("一二三四五六七八")];
        forms.extend(
            "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
                .chars()
                .map(|c| form(&format!("{c}一二三四五六七八"))),
        );
        for _ in 0..5 {
            let mut uf = UnionFind::new(forms.len());
            join_similar(&forms, &mut uf).unwrap();
            let roots: Vec<usize> = (0..forms.len()).map(|i| uf.find(i)).collect();
            let mut want: Vec<usize> = (0..forms.len()).collect();
            want[1] = 0;
            assert_eq!(roots, want);
        }
    }

    /// The joins counted the plain way: every bigram list walked, every similar pair aligned.
    fn join_plainly(forms: &[Form]) -> Vec<usize> {
        let mut uf = UnionFind::new(forms.len());
        let grams = |f: &Form| {
            let mut g: Vec<(char, char)> = f.matching.windows(2).map(|w| (w[0], w[1])).collect();
            g.sort_unstable();
            g.dedup();
            g
        };
        let mut index: HashMap<(char, char), Vec<usize>> = HashMap::new();
        for (i, f) in forms
            .iter()
            .enumerate()
            .filter(|(_, f)| f.matching.len() >= 8)
        {
            for g in grams(f) {
                index.entry(g).or_default().push(i);
            }
        }
        for (i, f) in forms
            .iter()
            .enumerate()
            .filter(|(_, f)| f.matching.len() >= 8)
        {
            let (n, gs) = (f.matching.len(), grams(f));
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for g in &gs {
                for &j in index.get(g).into_iter().flatten().filter(|&&j| j != i) {
                    *shared.entry(j).or_default() += 1;
                }
            }
            let mut container: Option<usize> = None;
            for (&j, &count) in &shared {
                let m = forms[j].matching.len();
                if m > n && n * 5 >= m && count + 2 >= gs.len() && contains(&forms[j].text, &f.text)
                {
                    if container.is_none_or(|c| {
                        (forms[c].matching.len(), std::cmp::Reverse(c)) < (m, std::cmp::Reverse(j))
                    }) {
                        container = Some(j);
                    }
                } else if m >= n
                    && (n as f64) >= 0.8 * m as f64
                    && count as f64 >= 0.6 * gs.len() as f64
                    && let Some(a) = align(&f.matching, &forms[j].matching)
                    && a.coverage(n) >= 0.9
                    && a.identity() >= 0.85
                    && (a.target_end - a.target_start) as f64 >= 0.9 * m as f64
                {
                    uf.union(i, j);
                }
            }
            if let Some(c) = container {
                uf.union(i, c);
            }
        }
        (0..forms.len()).map(|i| uf.find(i)).collect()
    }

    #[test]
    fn prefix_filtered_joins_are_the_plain_joins() {
        // Forms made of a few shared clauses, with words changed and clauses dropped: held
        // forms, similar forms and unrelated ones, as quotations of a corpus are.
        let clauses = [
            "调查研究是谋事之基",
            "成事之道",
            "没有调查就没有发言权",
            "更没有决策权",
            "绿水青山就是金山银山",
            "要在全党大兴调查研究",
            "坚持以人民为中心",
        ];
        let swaps = ['研', '事', '权', '山', '心', '党'];
        let mut seed = 7u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut forms = Vec::new();
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..1 + next(3) {
                text.push_str(clauses[next(clauses.len())]);
            }
            let mut chars: Vec<char> = text.chars().collect();
            if next(2) == 0 {
                let at = next(chars.len());
                chars[at] = swaps[next(swaps.len())];
            }
            if next(3) == 0 && chars.len() > 10 {
                chars.truncate(chars.len() - next(4));
            }
            forms.push(form(&chars.iter().collect::<String>()));
        }
        let mut uf = UnionFind::new(forms.len());
        join_similar(&forms, &mut uf).unwrap();
        let fast: Vec<usize> = (0..forms.len()).map(|i| uf.find(i)).collect();
        let plain = join_plainly(&forms);
        assert_eq!(fast, plain);
        let joined = (0..forms.len()).filter(|&i| plain[i] != i).count();
        assert!(joined > 100, "the forms should join: {joined}");
    }

    #[test]
    fn contains_on_characters() {
        assert!(contains("调查研究是谋事之基", "研究是"));
        assert!(contains("调查研究", "调查研究"));
        assert!(contains("调查", ""));
        assert!(!contains("调查", "调查研究"));
        assert!(!contains("调查研究", "查调"));
        // U+00AD is C2 AD and 中 is E4 B8 AD: bytes match whole characters only.
        assert!(!contains("中丸", "\u{AD}"));
    }
}
