//! Speaker attribution: cues before the opening mark, names after the closing one, cues earlier
//! in the sentence, colons, continued quotations, pronouns. The word lists and frames it reads
//! are `src/quote_words.toml` ([`super::words`]); names the speaker table does not list are
//! found by [`super::names`].
//!
//! In the order tried for a quotation (the first that names someone wins):
//! 1. **Nested** quotations take their outer quotation's speaker; one that opens right where an
//!    attributed one closed, or after it with only a comma or 、 between, continues it.
//! 2. **A cue before the opening mark** (强调, 指出, 说, 告诉记者, 接受采访时说, 报道称, …, after an
//!    optional `：:，,`). In the clause before it (back to the sentence start) the speaker table's
//!    alias nearest the cue names the speaker, unless the clause's subject names someone else by
//!    a title (习近平会见…时，美国总统拜登表示). The subject is the clause's last part without frames
//!    (在…上, 接受…采访时, 对记者), openers (据), trailing adverbs and dates; 他/她 → the nearest
//!    person named before (flag `pronoun`); a connective alone (并, 从) → the person the clause
//!    is about; 声明 / 报道 → who 发表 it; anyone else, when a colon or comma follows the cue →
//!    that person (村民王建国说：“ → 王建国, role 村民; flag `unlisted`), or the subject as
//!    written when it names no one by name (代表们).
//! 3. **`<alias>“…”重要指示`**: the alias right before the mark, when words like 重要指示 follow.
//! 4. **A colon** with no cue (他问战友：“…”): the person of the clause before it.
//! 5. **After the quotation** (flag `after`): `“…”，<speaker>说` up to four clauses on, the
//!    speaker a listed one, a pronoun, or a title chain and a name; when the quotation begins a
//!    sentence or is a whole sentence.
//! 6. **A cue earlier in the sentence**, for a quotation of a clause or of 8 characters or more
//!    the sentence does not run on from (and no 所谓 before it).

use super::marks::{has_clause_punct, is_sentence_end, kind_of, quote_spans};
use super::names::{is_dot, is_han, persons_in};
use super::{Quotation, QuoteKind, words};
use crate::analyze::SpeakerTable;
use crate::matching::matching_string;
use crate::passage;

/// Characters looked back from a quotation for its cue and the sentence before it.
const LOOK_BACK_CUE: usize = 300;
/// Characters looked back in a paragraph for the last speaker named (for 他/她).
const LOOK_BACK_NAME: usize = 3000;
/// Characters of earlier paragraphs kept for the antecedent of 他/她.
const EARLIER_KEPT: usize = 600;
/// Sentences looked back for the antecedent of 他/她.
const PRONOUN_SENTENCES: usize = 5;
/// Names of unlisted speakers a document keeps as known (each is looked for in subjects).
const MAX_KNOWN: usize = 64;
/// Characters of a sentence before a pronoun looked at for its antecedent.
const SENTENCE_TAGGED: usize = 200;
/// Longest subject after a quotation (`“…”某区政协副主席、某委主任王某某说`).
const AFTER_SUBJECT_CHARS: usize = 30;

/// Speaker, role and cue of a quotation, for the quotations nested in it.
type Said = (Option<String>, Option<String>, Option<String>);

/// Extracts quotations document by document, remembering the speakers named.
pub struct Extractor<'a> {
    speakers: &'a SpeakerTable,
    /// Last speaker named in earlier paragraphs of the document.
    last_speaker: Option<String>,
    /// Names of unlisted speakers found in the document so far (a name seen as a speaker once
    /// is known in the rest of the document).
    known: Vec<String>,
    /// The end of the document's earlier paragraphs (folded), for the antecedent of 他/她.
    earlier: Vec<char>,
    /// Whether jieba may be used for names (index builds: yes; queries: no, it takes 0.15 s to
    /// load).
    tag: bool,
}

impl<'a> Extractor<'a> {
    pub fn new(speakers: &'a SpeakerTable) -> Extractor<'a> {
        Extractor {
            speakers,
            last_speaker: None,
            known: Vec::new(),
            earlier: Vec::new(),
            tag: true,
        }
    }

    /// Every quotation of a cleaned document, in order.
    pub fn document(speakers: &SpeakerTable, cleaned: &str) -> Vec<Quotation> {
        let mut ex = Extractor::new(speakers);
        passage::paragraphs(cleaned)
            .flat_map(|p| ex.paragraph(p.line, p.ordinal, p.text))
            .collect()
    }

    /// The quotations of one paragraph (and titles), ordered by start.
    pub fn paragraph(&mut self, line: u32, paragraph: u32, text: &str) -> Vec<Quotation> {
        let written: Vec<char> = text.chars().collect();
        // Cues and speakers are looked for in the folded text (说 for 說, 习近平 for 習近平): one
        // character for one, so offsets hold; the quotation keeps its text as written.
        let chars: Vec<char> = written
            .iter()
            .map(|&c| crate::matching::fold_char(c))
            .collect();
        let mut spans = quote_spans(&chars);
        spans.sort_by_key(|s| (s.open, s.depth));
        let mut out: Vec<Quotation> = Vec::with_capacity(spans.len());
        // Speakers of the open outer quotations, for nested ones.
        let mut outer: Vec<(usize, usize, Said)> = Vec::new();
        for s in spans {
            let content: String = written[s.start..s.end].iter().collect();
            let matching = matching_string(&content);
            if matching.is_empty() {
                continue;
            }
            let mut q = Quotation {
                line,
                paragraph,
                start: s.start as u32,
                end: s.end as u32,
                text: content,
                matching,
                kind: QuoteKind::Title,
                speaker: None,
                role: None,
                cue: None,
                depth: s.depth,
                unbalanced: s.unbalanced,
                pronoun: false,
                after: false,
                unlisted: false,
            };
            if s.title {
                out.push(q);
                continue;
            }
            outer.retain(|o| o.1 > s.start);
            // “……。”“……”: a quotation that opens right where a cited one closed continues it.
            let continued = (s.depth == 0)
                .then(|| {
                    // Only the last outermost one can touch it (what lies between would not be
                    // blank), so look no further back.
                    out.iter().rev().find(|p| p.depth == 0).filter(|p| {
                        p.kind == QuoteKind::Cited
                            && p.speaker.is_some()
                            && !p.unbalanced
                            && chars
                                .get(p.end as usize + 1..s.open)
                                .is_some_and(|between| {
                                    between.len() <= 3
                                        && between
                                            .iter()
                                            .filter(|c| !c.is_whitespace())
                                            .all(|&c| matches!(c, '，' | '、' | ','))
                                })
                    })
                })
                .flatten()
                .map(|p| (p.speaker.clone(), p.role.clone(), p.cue.clone()));
            if s.depth > 0
                && let Some((_, _, (speaker, role, cue))) = outer.last()
            {
                q.speaker = speaker.clone();
                q.role = role.clone();
                q.cue = cue.clone();
            } else if let Some((speaker, role, cue)) = continued.filter(|_| {
                s.close
                    .is_none_or(|c| self.attribute_after(&chars, s.open, c).is_none())
            }) {
                q.speaker = speaker;
                q.role = role;
                q.cue = cue;
            } else if let Some(a) = self.attribute_before(&chars, s.open) {
                // 提出“十五五”规划, 强调，“十五五”时期…: a short expression that the sentence runs
                // on from, or that follows the verb directly, is a term, not speech.
                let runs_on = s
                    .close
                    .and_then(|c| chars.get(c + 1))
                    .is_some_and(|&c| !crate::matching::is_dropped(c));
                let long = q.matching.chars().count() > 8 || has_clause_punct(&q.text);
                let speech = long || (a.separated && !runs_on);
                if speech {
                    q.speaker = a.speaker;
                    q.role = a.role;
                    q.cue = Some(a.cue);
                    q.pronoun = a.pronoun;
                    q.unlisted = a.unlisted;
                } else if !a.unlisted {
                    q.speaker = a.speaker;
                    q.pronoun = a.pronoun;
                }
            } else if let Some(close) = s.close
                && let Some(speaker) = self.alias_before(&chars, s.open, close)
            {
                q.speaker = Some(speaker);
            } else if let Some(a) = (sentence_like(&q.text) && before_colon(&chars, s.open))
                .then(|| self.attribute_colon(&chars, s.open))
                .flatten()
            {
                // 村民赵志科开心地盘算起来：“…”, 他问战友：“…”: a person before a colon.
                q.speaker = a.speaker;
                q.role = a.role;
                q.unlisted = a.unlisted;
                q.pronoun = a.pronoun;
            } else if let Some(close) = s.close
                && (starts_sentence(&chars, s.open) || ends_a_sentence(&chars[s.start..s.end]))
                && let Some(a) = self.attribute_after(&chars, s.open, close)
            {
                q.speaker = a.speaker;
                q.role = a.role;
                q.cue = Some(a.cue);
                q.after = true;
                q.unlisted = a.unlisted;
                q.pronoun = a.pronoun;
            } else if sentence_like(&q.text)
                || (q.matching.chars().count() >= 8
                    && s.close
                        .and_then(|c| chars.get(c + 1))
                        .is_none_or(|&c| crate::matching::is_dropped(c))
                    && !term_marked(&chars, s.open))
            {
                // 胡振宇介绍，他们曾实地调查过，…，“我曾趴在边上往里扔石块”, 马来西亚总理安瓦尔5日
                // 表示，美国关税政策“背离公平贸易原则”，…: the words go on from a cue earlier in
                // the sentence (a shorter quotation only when the sentence does not run on from
                // it as from a name: “中美俄三边军控谈判”并不意味着…).
                if let Some(a) = self.attribute_earlier(&chars, s.open)
                    && a.speaker.is_some()
                {
                    q.speaker = a.speaker;
                    q.role = a.role;
                    q.cue = Some(a.cue);
                    q.unlisted = a.unlisted;
                    q.pronoun = a.pronoun;
                }
            }
            q.kind = kind_of(&q);
            // Speakers and roles were found in the folded text: give them as written (李兴乾, not
            // 李兴干). Listed speakers keep their canonical names.
            if q.unlisted && s.depth == 0 {
                q.speaker = q
                    .speaker
                    .take()
                    .map(|n| as_written(&chars, &written, &n, s.open));
                q.role = q
                    .role
                    .take()
                    .map(|r| as_written(&chars, &written, &r, s.open));
            }
            if q.unlisted
                && q.kind == QuoteKind::Cited
                && q.role.is_some()
                && let Some(name) = &q.speaker
                && !self.known.contains(&crate::matching::fold_str(name))
                && self.known.len() < MAX_KNOWN
            {
                self.known.push(crate::matching::fold_str(name));
            }
            outer.push((
                s.start,
                s.end,
                (q.speaker.clone(), q.role.clone(), q.cue.clone()),
            ));
            out.push(q);
        }
        if let Some(m) = self.speakers.last_in(text) {
            self.last_speaker = Some(m.name.to_owned());
        }
        self.earlier.push('。');
        let keep = chars.len().min(EARLIER_KEPT);
        self.earlier.extend_from_slice(&chars[chars.len() - keep..]);
        if self.earlier.len() > 2 * EARLIER_KEPT {
            self.earlier.drain(..self.earlier.len() - EARLIER_KEPT);
        }
        out
    }

    /// A subject of up to 30 characters that ends with a person's name (同为职工书屋公益代言人的
    /// 全国劳模尹利平, 法国国家科研中心的马克·拉弗涅) or a title (马鞍山市外事办公室相关负责人).
    fn long_speaker(&self, subject: &str) -> bool {
        let n = subject.chars().count();
        (2..=AFTER_SUBJECT_CHARS).contains(&n)
            && !subject.contains(['“', '”', '"', '我', '你'])
            && (super::names::person_in_subject_with(subject, &self.known, self.tag).is_some()
                || words()
                    .person_titles
                    .iter()
                    .any(|t| subject.ends_with(t.as_str())))
    }

    /// The person an unlisted subject names: the name (and its role) when one is found, or the
    /// subject as written.
    fn unlisted(&self, subject: &str) -> (String, Option<String>) {
        match super::names::person_in_subject_with(subject, &self.known, self.tag) {
            Some(p) => (p.name, p.role),
            None => (subject.to_owned(), None),
        }
    }

    /// Speaker from the text before an opening mark at `open`.
    fn attribute_before(&self, chars: &[char], open: usize) -> Option<Attribution> {
        self.attribute_cue(chars, open, false)
    }

    /// [`Self::attribute_before`]; `embedded`: the words at `open` are the object of the cue
    /// (抨击美国司法系统“…”), so an unlisted subject counts without a colon or comma.
    fn attribute_cue(&self, chars: &[char], open: usize, embedded: bool) -> Option<Attribution> {
        let mut j = open;
        while j > 0 && chars[j - 1].is_whitespace() {
            j -= 1;
        }
        let separated = j > 0 && matches!(chars[j - 1], '：' | ':' | '，' | ',');
        if separated {
            j -= 1;
        }
        while j > 0 && chars[j - 1].is_whitespace() {
            j -= 1;
        }
        // Look-backs are bounded, so that a paragraph of a million characters with thousands of
        // quotations costs linear time.
        let before: String = chars[j.saturating_sub(LOOK_BACK_CUE)..j].iter().collect();
        // 叮嘱青年“…”, 寄语大家：“…”: a verb of advice may take a short object before the mark.
        let (cue, cue_start) = match words().cues.iter().find(|c| before.ends_with(c.as_str())) {
            Some(c) => (c.as_str(), j - c.chars().count()),
            None => (1..=4)
                .filter(|&k| k < j)
                .find_map(|k| {
                    let head: String = chars[(j - k).saturating_sub(LOOK_BACK_CUE)..j - k]
                        .iter()
                        .collect();
                    words()
                        .advice
                        .iter()
                        .find(|c| head.ends_with(c.as_str()))
                        .map(|c| (c.as_str(), j - k - c.chars().count()))
                })
                .filter(|_| chars[..j].iter().rev().take(4).all(|c| c.is_alphanumeric()))?,
        };
        let cue = &cue;
        let window = cue_start.saturating_sub(60);
        let from = chars[window..cue_start]
            .iter()
            .rposition(|&c| is_sentence_end(c))
            .map_or(window, |i| window + i + 1);
        let clause: String = chars[from..cue_start].iter().collect();
        let subject = subject_of(&clause);
        // 他说, 夺冠后她深情告白: 他 or 她 (not 他们, 她们) as the subject.
        let pronoun = has_pronoun(&subject);
        if let Some(m) = self.speakers.last_in(&clause) {
            // 习近平总书记会见…时，拜登表示：the subject, when it holds no alias and names a
            // person by a title, is the speaker.
            let other = (separated && !pronoun && !subject.contains(m.alias))
                .then(|| super::names::titled_in_subject(&subject, &self.known))
                .flatten();
            return Some(match other {
                Some(p) => Attribution {
                    speaker: Some(p.name),
                    role: p.role,
                    cue: (*cue).to_owned(),
                    separated,
                    pronoun: false,
                    unlisted: true,
                },
                None => Attribution {
                    speaker: Some(m.name.to_owned()),
                    role: None,
                    cue: (*cue).to_owned(),
                    separated,
                    pronoun: false,
                    unlisted: false,
                },
            });
        }
        // 给少先队员回信，指出“…”, 从提出“…”: no subject of its own, the sentence's person speaks.
        if words().connectives.contains(&subject)
            && cue.chars().count() > 1
            // 要求美国政府披露“…”: a cue whose object leads to the quotation needs a subject.
            && !embedded
            && let Some(speaker) = self
                .clause_person(&clause)
                .or_else(|| self.antecedent(chars, from))
        {
            let unlisted = self.speakers.canonical(&speaker).is_none();
            return Some(Attribution {
                speaker: Some(speaker),
                role: None,
                cue: (*cue).to_owned(),
                separated,
                pronoun: false,
                unlisted,
            });
        }
        if pronoun {
            // 刘秀荣踏实了，她把自家8亩地流转给大户，她说：the sentence's own words before the
            // pronoun come first.
            let own: String = chars[from..cue_start].iter().collect();
            let own = own.rfind(['他', '她']).map_or("", |i| &own[..i]);
            let speaker = self
                .first_person(own)
                .or_else(|| self.antecedent(chars, from));
            return Some(Attribution {
                speaker,
                role: None,
                cue: (*cue).to_owned(),
                separated,
                pronoun: true,
                unlisted: false,
            });
        }
        // 声明还称, 报道指出: who issued it.
        if words().issued.contains(&subject)
            && let Some((speaker, role)) = self.issuer(chars, cue_start)
        {
            return Some(Attribution {
                speaker: Some(speaker),
                role,
                cue: (*cue).to_owned(),
                separated,
                pronoun: false,
                unlisted: true,
            });
        }
        // A subject not in the table is taken only in the plain `X说：“` / `X表示，“` shape.
        // Longer subjects only when they end in a title and a name (富润控股集团董事会主席赵林中).
        let shaped = speaker_shaped(&subject, 12) || self.long_speaker(&subject);
        let speaker = ((separated || embedded) && shaped).then(|| self.unlisted(&subject));
        // A one-character cue (说, 云, 曰) ends many words: with no known speaker it counts only
        // when a colon or comma follows it.
        if cue.chars().count() == 1 && (speaker.is_none() || !(separated || embedded)) {
            return None;
        }
        let (speaker, role) = match speaker {
            Some((s, r)) => (Some(s), r),
            None => (None, None),
        };
        Some(Attribution {
            unlisted: speaker.is_some(),
            speaker,
            role,
            cue: (*cue).to_owned(),
            separated,
            pronoun: false,
        })
    }

    /// The person a clause of several comma-separated parts is about: the first person named in
    /// its first part (none when that part's subject is 他/她: the caller resolves it).
    fn clause_person(&self, clause: &str) -> Option<String> {
        let first = clause.split(['，', ',']).find(|p| !p.trim().is_empty())?;
        let first = subject_of(first);
        if first
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '他' | '她'))
            && has_pronoun(&first)
        {
            return None; // resolved by the caller, from the sentences before
        }
        self.first_person(&first)
    }

    /// `<alias>“…”重要指示`: a listed speaker's alias right before the opening mark at `open`,
    /// and words that make the quotation theirs right after the closing mark at `close`.
    fn alias_before(&self, chars: &[char], open: usize, close: usize) -> Option<String> {
        let before: String = chars[open.saturating_sub(12)..open].iter().collect();
        let m = self.speakers.last_in(&before)?;
        if m.end != before.chars().count() {
            return None;
        }
        let after: String = chars[(close + 1).min(chars.len())..chars.len().min(close + 8)]
            .iter()
            .collect();
        words()
            .their_words
            .iter()
            .any(|w| after.starts_with(w.as_str()))
            .then(|| m.name.to_owned())
    }

    /// `X……：“…”` with no cue before the colon: the person the clause before the colon is
    /// about (他/她 resolved as a subject), when one is named in it.
    fn attribute_colon(&self, chars: &[char], open: usize) -> Option<Attribution> {
        let colon = chars[..open]
            .iter()
            .rposition(|&c| matches!(c, '：' | ':'))?;
        let window = colon.saturating_sub(80);
        let from = chars[window..colon]
            .iter()
            .rposition(|&c| is_sentence_end(c))
            .map_or(window, |i| window + i + 1);
        let clause: String = chars[from..colon].iter().collect();
        let subject = subject_of(&clause);
        let (speaker, pronoun) = if subject.chars().take(2).any(|c| matches!(c, '他' | '她'))
            && has_pronoun(&subject)
        {
            (self.antecedent(chars, from), true)
        } else {
            let last_part = clause.rsplit(['，', ',']).next().unwrap_or(&clause);
            // 记者问村民王建国：the person after a verb of address is spoken to.
            if last_part.contains([
                '问', '对', '向', '给', '跟', '与', '和', '把', '被', '让', '请',
            ]) {
                return None;
            }
            (self.first_person(last_part), false)
        };
        let speaker = speaker?;
        let unlisted = self.speakers.canonical(&speaker).is_none();
        Some(Attribution {
            speaker: Some(speaker),
            role: None,
            cue: String::new(),
            separated: true,
            pronoun,
            unlisted,
        })
    }

    /// Who issued what a subject like 声明 or 报道 stands for: the subject before the last 发表
    /// of the text before `upto` (伊朗原子能组织19日发表声明称 → 伊朗原子能组织).
    fn issuer(&self, chars: &[char], upto: usize) -> Option<(String, Option<String>)> {
        let look = upto.saturating_sub(LOOK_BACK_CUE);
        let text: String = chars[look..upto].iter().collect();
        let at = text.rfind("发表")?;
        let before = &text[..at];
        let start = before
            .rfind(['，', '。', '；', '！', '？', '：', ',', ';'])
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        let subject = subject_of(&before[start..]);
        speaker_shaped(&subject, AFTER_SUBJECT_CHARS).then(|| self.unlisted(&subject))
    }

    /// A cue earlier in the sentence of a quotation opening at `open`, with no quote mark in
    /// between: followed by a comma or colon (`X表示，……，“…”`), or by the words that lead to
    /// the quotation (`X抨击美国司法系统“…”`, `X表示，美国关税政策“…”`); the nearest, by the
    /// rules of a cue right before a quotation.
    fn attribute_earlier(&self, chars: &[char], open: usize) -> Option<Attribution> {
        let floor = open.saturating_sub(LOOK_BACK_CUE);
        let mut k = open;
        let mut tried = 0;
        while k > floor {
            k -= 1;
            let c = chars[k];
            // A short quoted term on the way (自己是来自江西的“新洞头人”，“…”) is stepped over.
            if matches!(c, '”' | '」')
                && let Some(o) = chars[k.saturating_sub(12)..k]
                    .iter()
                    .rposition(|&c| matches!(c, '“' | '「'))
            {
                k = k.saturating_sub(12) + o;
                continue;
            }
            if is_sentence_end(c) || matches!(c, '“' | '”' | '「' | '」' | '"') {
                return None;
            }
            // Only where a cue can end (most characters end none), so that the look-back costs
            // a few comparisons per character.
            if k == 0 || !cue_ends().contains(&chars[k - 1]) {
                continue;
            }
            let before: String = chars[k.saturating_sub(12)..k].iter().collect();
            let cue = words()
                .cues
                .iter()
                .find(|cue| before.ends_with(cue.as_str()));
            let Some(cue) = cue else { continue };
            let found = if matches!(c, '，' | '：' | ',' | ':') {
                self.attribute_cue(chars, k + 1, false)
            } else if is_han(c) && cue.chars().count() > 1 {
                self.attribute_cue(chars, k, true)
            } else {
                None
            };
            // A cue with no speaker before it (…，抨击美国司法系统“…”): look further back, at
            // most three cues (each may resolve a pronoun).
            if found.as_ref().is_some_and(|a| a.speaker.is_some()) {
                return found;
            }
            tried += 1;
            if tried == 3 {
                return None;
            }
        }
        None
    }

    /// The person 他/她 refers back to from a sentence starting at `from`: the first person
    /// named in the nearest sentence before that names one (in this paragraph, then the end of
    /// the earlier ones); then the last listed speaker of the paragraph, then of the document.
    fn antecedent(&self, chars: &[char], from: usize) -> Option<String> {
        let look: usize = from.saturating_sub(LOOK_BACK_NAME);
        let mut text: Vec<char> = Vec::new();
        if look == 0 {
            text.extend_from_slice(&self.earlier);
        }
        let own = text.len();
        text.extend_from_slice(&chars[look..from]);
        let mut end = text.len();
        for _ in 0..PRONOUN_SENTENCES {
            let trimmed = text[..end]
                .iter()
                .rposition(|&c| !is_sentence_end(c) && !c.is_whitespace())
                .map_or(0, |i| i + 1);
            if trimmed == 0 {
                break;
            }
            let start = text[..trimmed]
                .iter()
                .rposition(|&c| is_sentence_end(c))
                .map_or(0, |i| i + 1);
            // A sentence is tagged by its last characters only, so that a paragraph without
            // sentence ends costs no more per quotation than one with them.
            let sentence: String = text
                [start.max(trimmed.saturating_sub(SENTENCE_TAGGED))..trimmed]
                .iter()
                .collect();
            if let Some(name) = self.first_person_in(&sentence, false) {
                return Some(name);
            }
            end = start;
        }
        let named_before: String = text[own..].iter().collect();
        self.speakers
            .last_in(&named_before)
            .map(|m| m.name.to_owned())
            .or_else(|| self.last_speaker.clone())
    }

    /// The first person named in a sentence (none in an empty one): a listed speaker (canonical name), a name known in
    /// the document, a name after a title, a name jieba tags.
    fn first_person(&self, sentence: &str) -> Option<String> {
        self.first_person_in(sentence, true)
    }

    /// [`Self::first_person`]; names jieba tags with no title before them count anywhere when
    /// `untitled` (the speaker's own sentence), else only at the start of a clause (in sentences
    /// before, 蓝天 and 高品质 are tagged names too).
    fn first_person_in(&self, sentence: &str, untitled: bool) -> Option<String> {
        if sentence.chars().count() < 2 {
            return None;
        }
        let listed = self.speakers.first_in(sentence);
        let others = if self.tag {
            persons_in(sentence, &self.known)
        } else {
            Vec::new()
        };
        // A listed speaker or a person after a title, the first of them; else a name jieba
        // tags.
        let vouched = others.iter().find(|o| o.2);
        let other = match (&listed, vouched) {
            (Some(m), Some(o)) if m.start <= o.0 => None,
            (Some(_), None) => None,
            (_, Some(o)) => Some(o),
            (None, None) => {
                let chars: Vec<char> = sentence.chars().collect();
                // In sentences before, a bare name counts where a subject stands: at the start of
                // a clause (塞尔玛对未来憧憬无限), not inside one (还老百姓蓝天白云).
                others.iter().find(|o| {
                    untitled
                        || o.0 == 0
                        || chars
                            .get(o.0 - 1)
                            .is_some_and(|&c| matches!(c, '，' | ',' | '：' | '；' | '、'))
                })
            }
        };
        match (listed, other) {
            (_, Some((_, name, _))) => Some(
                self.speakers
                    .canonical(name)
                    .map_or(name.clone(), str::to_owned),
            ),
            (Some(m), None) => Some(m.name.to_owned()),
            (None, None) => None,
        }
    }

    /// `“…”，<speaker>说` after the closing mark at `close` (of a quotation opening at `open`):
    /// a listed speaker, a pronoun, or a short subject not in the table when the cue ends the
    /// sentence or clause.
    fn attribute_after(&self, chars: &[char], open: usize, close: usize) -> Option<Attribution> {
        let after_cues = &words().after_cues;
        let mut i = close + 1;
        let comma = i < chars.len() && matches!(chars[i], '，' | ',');
        if comma {
            i += 1;
        }
        // “十五五”规划纲要指出: a term the sentence runs on from is part of the subject, not
        // its speech; with no comma after it the quotation must be speech itself.
        let quoted: String = chars[(open + 1).min(close)..close].iter().collect();
        if !comma && !has_clause_punct(&quoted) && quoted.chars().count() <= 8 {
            return None;
        }
        let w: Vec<char> = chars[i..chars.len().min(i + 120)].to_vec();
        let window: String = w.iter().take(16).collect();
        // 习近平总书记强调：“… introduces the next quotation, not this one.
        let introduces_next = |tail: &str, cue: &str| {
            tail.chars()
                .skip(cue.chars().count())
                .take(2)
                .any(|c| matches!(c, '：' | ':'))
                || tail
                    .chars()
                    .nth(cue.chars().count())
                    .is_some_and(|c| matches!(c, '“' | '「'))
        };
        if let Some(m) = self.speakers.first_in(&window)
            && m.start == 0
        {
            let rest: String = window.chars().skip(m.end).collect();
            for gap in 0..=4 {
                let tail: String = rest.chars().skip(gap).collect();
                if let Some(cue) = after_cues.iter().find(|c| tail.starts_with(c.as_str())) {
                    if introduces_next(&tail, cue) {
                        return None;
                    }
                    return Some(Attribution {
                        speaker: Some(m.name.to_owned()),
                        role: None,
                        cue: (*cue).to_owned(),
                        separated: true,
                        pronoun: false,
                        unlisted: false,
                    });
                }
            }
        }
        // The rest of the sentence, in comma-separated parts: the speaker's part ends with the
        // cue (“…”喻传洋说。 / “…”日前，乒乓球运动员马龙在接受采访时表示，…).
        let subject_char = |c: char| {
            is_han(c) || is_dot(c) || c == '、' || c.is_ascii_alphanumeric() || "（）()".contains(c)
        };
        let mut part_start = 0;
        for _ in 0..4 {
            let mut end = part_start;
            while end < w.len() && subject_char(w[end]) {
                end += 1;
            }
            let part: String = w[part_start..end].iter().collect();
            let next = w.get(end).copied();
            if let Some(cue) = after_cues
                .iter()
                .filter(|c| part.ends_with(c.as_str()))
                .max_by_key(|c| c.chars().count())
                && next.is_none_or(|c| matches!(c, '。' | '，' | '！' | '；' | '：' | ',' | '…'))
                && !(next == Some('：') || next == Some(':'))
            {
                let raw: String = part
                    .chars()
                    .take(part.chars().count() - cue.chars().count())
                    .collect();
                let subject = subject_of(&raw);
                if matches!(subject.as_str(), "他" | "她") {
                    return Some(Attribution {
                        speaker: self.antecedent(chars, open.saturating_sub(1)),
                        role: None,
                        cue: (*cue).to_owned(),
                        separated: true,
                        pronoun: true,
                        unlisted: false,
                    });
                }
                if subject.chars().count() >= 2 && speaker_shaped(&subject, AFTER_SUBJECT_CHARS) {
                    // The alias must end the subject (…习近平总书记考察过的这个村的村民说 is the
                    // villagers').
                    if let Some(m) = self
                        .speakers
                        .last_in(&subject)
                        .filter(|m| m.end == subject.chars().count())
                    {
                        return Some(Attribution {
                            speaker: Some(m.name.to_owned()),
                            role: None,
                            cue: (*cue).to_owned(),
                            separated: true,
                            pronoun: false,
                            unlisted: false,
                        });
                    }
                    let (speaker, role) = self.unlisted(&subject);
                    return Some(Attribution {
                        speaker: Some(speaker),
                        role,
                        cue: (*cue).to_owned(),
                        separated: true,
                        pronoun: false,
                        unlisted: true,
                    });
                }
            }
            // Only a comma goes on to the next part; the first part must not be too long.
            if next != Some('，') && next != Some(',') {
                break;
            }
            part_start = end + 1;
        }
        None
    }
}

/// The speaker of text that starts at `pos` of a paragraph without quote marks (习近平总书记强调，
/// 调查研究是…): the same rules as for a quotation that opens there, the pronoun resolved within
/// the paragraph only and without jieba. Returns the speaker (if named) and the cue.
pub fn attribute_at(
    speakers: &SpeakerTable,
    chars: &[char],
    pos: usize,
) -> Option<(Option<String>, String)> {
    let mut ex = Extractor::new(speakers);
    ex.tag = false;
    ex.attribute_before(chars, pos.min(chars.len()))
        .map(|a| (a.speaker, a.cue))
}

struct Attribution {
    speaker: Option<String>,
    role: Option<String>,
    cue: String,
    /// A colon or comma stands between the cue and the quotation.
    separated: bool,
    pronoun: bool,
    unlisted: bool,
}

/// 他 or 她 (not 他们, 她们) in a subject.
fn has_pronoun(subject: &str) -> bool {
    subject.char_indices().any(|(i, c)| {
        let rest = &subject[i + c.len_utf8()..];
        // Not 他们, not a possessive (她的母亲), not 其他.
        matches!(c, '他' | '她') && !rest.starts_with(['们', '的']) && !subject[..i].ends_with('其')
    })
}

/// Whether a subject not in the table may be a speaker: 2 to `max` characters, no adverb,
/// possessive or preposition at its ends (激动地, 夏衍的, 对他), no word that names nobody
/// (俗话, 也就是), no quote mark, first person or copula.
fn speaker_shaped(subject: &str, max: usize) -> bool {
    let n = subject.chars().count();
    !subject.ends_with(['地', '的'])
        && !subject.starts_with(['对', '向', '跟', '同', '和', '与', '把', '被', '给', '为'])
        && (2..=max).contains(&n)
        && !words()
            .not_speakers
            .iter()
            .any(|s| subject.ends_with(s.as_str()) || subject == *s)
        && !subject.contains(['“', '”', '"', '我', '你', '但', '是'])
}

/// The subject of a clause: its last comma-separated part, without a leading opener (据), from
/// where a frame begins (在…上, 接受…采访时, 对记者), and without trailing adverbs.
fn subject_of(clause: &str) -> String {
    let mut parts = clause.rsplit(['，', ',', '：', ':']);
    let mut last = parts.next().unwrap_or(clause);
    // 黄海东一边给老母亲铺床，一边告诉记者: the subject stands before the first 一边.
    if last.trim_start().starts_with("一边")
        && let Some(prev) = parts.next()
    {
        last = prev.split("一边").next().unwrap_or(prev);
    }
    let last = last
        .trim()
        .trim_start_matches(['”', '’', '」', '』', '"', '。', '！', '？', '…', '、']);
    let mut s = last.to_owned();
    for o in &words().subject_openers {
        if let Some(rest) = s.strip_prefix(o.as_str()) {
            s = rest.to_owned();
            break;
        }
    }
    // 王建国在会上 / 他在座谈会上 / 张三接受记者采访时: the subject ends where the frame begins.
    if let Some(i) = words()
        .frame_starts
        .iter()
        .filter_map(|f| s.find(f.as_str()))
        .filter(|&i| i > 0)
        .min()
    {
        s.truncate(i);
    }
    loop {
        let before = s.len();
        for t in &words().trailing {
            if let Some(stripped) = s.strip_suffix(t.as_str()) {
                s = stripped.to_owned();
            }
        }
        s = strip_date(&s).to_owned();
        if s.len() == before {
            break;
        }
    }
    // A list of titles (某区政协副主席、某委主任王某某): the last one holds the name.
    if let Some(i) = s.rfind('、')
        && super::names::titled_in_subject(&s[i + '、'.len_utf8()..], &[]).is_some()
    {
        s = s[i + '、'.len_utf8()..].to_owned();
    }
    s
}

/// The last characters of the cues.
fn cue_ends() -> &'static [char] {
    static ENDS: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
        let mut e: Vec<char> = words()
            .cues
            .iter()
            .filter_map(|c| c.chars().last())
            .collect();
        e.sort_unstable();
        e.dedup();
        e
    });
    &ENDS
}

/// `folded` (a name or role found in the folded text `chars`) as `written` has it, from its
/// occurrence nearest `near` (before it first); unchanged when it is not found close by.
fn as_written(chars: &[char], written: &[char], folded: &str, near: usize) -> String {
    let pat: Vec<char> = folded.chars().collect();
    if pat.is_empty() || chars.len() < pat.len() {
        return folded.to_owned();
    }
    let lo = near.saturating_sub(LOOK_BACK_CUE);
    let hi = (near + 200).min(chars.len() - pat.len());
    (lo..=hi.max(lo))
        .filter(|&i| i + pat.len() <= chars.len() && chars[i..i + pat.len()] == pat[..])
        .min_by_key(|&i| {
            if i + pat.len() <= near {
                near - i
            } else {
                2 * (i - near) + LOOK_BACK_CUE
            }
        })
        .map_or_else(
            || folded.to_owned(),
            |i| written[i..i + pat.len()].iter().collect(),
        )
}

/// A quotation holding clause punctuation other than 、 (a clause or sentence of speech).
fn sentence_like(text: &str) -> bool {
    text.contains(['，', '。', '！', '？', '；', '：', ',', '!', '?', ';'])
}

/// A colon right before the opening mark at `open`.
fn before_colon(chars: &[char], open: usize) -> bool {
    chars[..open]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .is_some_and(|&c| matches!(c, '：' | ':'))
}

/// A word marking the quotation at `open` as a name or term (所谓“…”) right before it.
fn term_marked(chars: &[char], open: usize) -> bool {
    let before: String = chars[open.saturating_sub(6)..open].iter().collect();
    // 所谓 anywhere in the clause before (所谓的局部“…”).
    let clause_start = chars[open.saturating_sub(30)..open]
        .iter()
        .rposition(|&c| matches!(c, '，' | ',' | '。' | '；' | '：'))
        .map_or(open.saturating_sub(30), |i| open.saturating_sub(30) + i + 1);
    let clause: String = chars[clause_start..open].iter().collect();
    clause.contains("所谓")
        || words()
            .term_markers
            .iter()
            .any(|m| before.ends_with(m.as_str()))
}

/// True when a quotation's text ends with a sentence end (or an ellipsis): a whole sentence of
/// speech, which may stand after a heading or a comma and still be the speaker's named after it.
fn ends_a_sentence(text: &[char]) -> bool {
    text.iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .is_some_and(|&c| is_sentence_end(c) || c == '…')
}

/// A subject without the date it ends with (北约18日 → 北约, 7月8日).
fn strip_date(s: &str) -> &str {
    let mut t = s;
    loop {
        let Some(rest) = t.strip_suffix(['日', '号', '月', '年']) else {
            return t;
        };
        let digits =
            rest.trim_end_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
        if digits.len() == rest.len() {
            return t;
        }
        t = digits;
    }
}

/// True when the mark at `open` begins a sentence: at the paragraph start, or after a sentence
/// end, a colon or a closing quote mark.
fn starts_sentence(chars: &[char], open: usize) -> bool {
    chars[..open]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .is_none_or(|&c| is_sentence_end(c) || matches!(c, '：' | ':' | '”' | '」' | '』'))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{quotes, summary};
    use super::*;

    #[test]
    fn attributed_citation_from_the_seeds() {
        let got = quotes(
            "习近平总书记强调，“调查研究是谋事之基、成事之道。没有调查，就没有发言权，更没有决策权”，并指出……李强总理也指出“坐在办公室碰到的都是问题，深入基层看到的全是办法”，这句话",
        );
        let got: Vec<_> = got.iter().map(summary).collect();
        assert_eq!(
            got,
            vec![
                (
                    "调查研究是谋事之基、成事之道。没有调查，就没有发言权，更没有决策权".into(),
                    "cited",
                    Some("习近平".into()),
                    vec![]
                ),
                (
                    "坐在办公室碰到的都是问题，深入基层看到的全是办法".into(),
                    "cited",
                    Some("李强".into()),
                    vec![]
                ),
            ]
        );
    }

    #[test]
    fn speakers_of_many_shapes() {
        let cases: &[(&str, Option<&str>, &[&str])] = &[
            (
                "邓小平在谈到建设初级阶段的社会主义时特别强调：“我们现在所干的事业，是一项新事业。”",
                Some("邓小平"),
                &[],
            ),
            (
                "毛主席特别指出：“社会主义和资本主义之间谁胜谁负的问题还没有真正解决。”",
                Some("毛泽东"),
                &[],
            ),
            (
                "总书记在瞻仰中共一大会址时强调：“入党誓词字数不多，记住并不难。”",
                Some("习近平"),
                &[],
            ),
            (
                "正如习近平总书记所说，“江山就是人民，人民就是江山”。",
                Some("习近平"),
                &[],
            ),
            (
                "2019 年，习近平总书记在春季学期中央党校(国家行政学院)中青年干部培训班开班式上强调：“要拜人民为师”",
                Some("习近平"),
                &[],
            ),
            (
                "“人民对美好生活的向往，就是我们的奋斗目标。”习近平总书记说。",
                Some("习近平"),
                &["after"],
            ),
            (
                "村党支部书记王建国说：“日子越过越红火。”",
                Some("王建国"),
                &["unlisted"],
            ),
            ("俗话说：“众人拾柴火焰高。”", None, &[]),
            (
                "代表们一致认为，“这是一份实干为民的报告。”",
                Some("代表们"),
                &["unlisted"],
            ),
        ];
        for (text, speaker, flags) in cases {
            let q = &quotes(text)[0];
            assert_eq!(q.speaker.as_deref(), *speaker, "{text}");
            assert_eq!(q.flags(), *flags, "{text}");
            assert_eq!(q.kind, QuoteKind::Cited, "{text}");
        }
    }

    #[test]
    fn speakers_the_table_does_not_list() {
        // (paragraph, which quotation, speaker, role)
        let cases: &[(&str, usize, &str, Option<&str>)] = &[
            (
                "“一家企业来不及完成。”某区政协副主席、某委主任王某某说，“分享订单，岂不一举两得？”",
                0,
                "王某某",
                Some("某委主任"),
            ),
            (
                "“一家企业来不及完成。”某区政协副主席、某委主任王某某说，“分享订单，岂不一举两得？”",
                1,
                "王某某",
                Some("某委主任"),
            ),
            (
                "富润控股集团董事会主席赵林中告诉记者：“分享订单，岂不一举两得？”",
                0,
                "赵林中",
                Some("富润控股集团董事会主席"),
            ),
            (
                "据村党支部书记李海明介绍，“今年合作社的分红又涨了。”",
                0,
                "李海明",
                Some("村党支部书记"),
            ),
            (
                "俄罗斯外长拉夫罗夫在记者会上表示：“俄方愿同中方加强协调。”",
                0,
                "拉夫罗夫",
                Some("俄罗斯外长"),
            ),
            (
                "巴基斯坦总理夏巴兹·谢里夫接受采访时说：“巴中友谊比山高。”",
                0,
                "夏巴兹·谢里夫",
                Some("巴基斯坦总理"),
            ),
            (
                "习近平总书记来到村里看望群众，村民王建国激动地说：“日子越过越红火。”",
                0,
                "王建国",
                Some("村民"),
            ),
            (
                "某研究院主任张桂梅近八年来一直在她身边。她告诉记者：“孩子们都很努力。”",
                0,
                "张桂梅",
                None,
            ),
            (
                "“这里的变化太大了。”今年62岁的老党员刘德福感慨道。",
                0,
                "刘德福",
                Some("今年62岁的老党员"),
            ),
        ];
        for (text, i, speaker, role) in cases {
            let q = &quotes(text)[*i];
            assert_eq!(q.speaker.as_deref(), Some(*speaker), "{text}");
            assert_eq!(q.role.as_deref(), *role, "{text}");
            assert_eq!(q.kind, QuoteKind::Cited, "{text}");
        }
    }

    #[test]
    fn a_name_seen_as_a_speaker_is_known_later_in_the_document() {
        let t = SpeakerTable::builtin();
        let doc = "标题\n合作社理事长钟振华说：“今年收成好。”\n钟振华带着记者走进大棚。他说：“这些都是新品种。”\n";
        let q = Extractor::document(&t, doc);
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].speaker.as_deref(), Some("钟振华"));
        assert!(q[1].pronoun);
    }

    #[test]
    fn possessives_objects_and_aliases_inside_a_subject_name_no_one_wrongly() {
        // (paragraph, speaker of its first quotation)
        let cases: &[(&str, Option<&str>)] = &[
            (
                "张桂梅来到学校。她的母亲告诉记者：“孩子从小就懂事，我们很放心。”",
                Some("她的母亲"),
            ),
            ("记者问村民王建国：“今年的收成怎么样，比去年好吗？”", None),
            (
                "“日子越过越好，我们都很满意。”习近平总书记考察过的这个村的村民说。",
                Some("习近平总书记考察过的这个村的村民"),
            ),
        ];
        for (text, speaker) in cases {
            let q = &quotes(text)[0];
            assert_eq!(q.speaker.as_deref(), *speaker, "{text}");
        }
    }

    #[test]
    fn unlisted_names_as_written() {
        let q = &quotes("商务部对外贸易司司长李兴乾說：“今年以來，農產品進口穩定增長。”")[0];
        assert_eq!(q.speaker.as_deref(), Some("李兴乾"));
        let q = &quotes("商務部對外貿易司司長李興乾說：“今年以來，農產品進口穩定增長。”")[0];
        assert_eq!(
            (q.speaker.as_deref(), q.role.as_deref()),
            (Some("李興乾"), Some("商務部對外貿易司司長"))
        );
    }

    #[test]
    fn a_paragraph_of_many_quotations_and_no_sentence_end() {
        // Every look-back is bounded: 4,000 unattributed pronoun quotations in one paragraph
        // without a sentence end.
        let text = "主任王某某带着记者，他说，“一二三四五六七八九十”，".repeat(4000);
        let q = quotes(&text);
        assert_eq!(q.len(), 4000);
        assert_eq!(q[3999].speaker.as_deref(), Some("王某某"));
    }

    #[test]
    fn pronoun_resolves_to_last_named_speaker_in_the_document() {
        let t = SpeakerTable::builtin();
        let doc = "标题\n习近平总书记来到村里看望群众。\n他强调，“要把群众的事情办好。”\n";
        let q = Extractor::document(&t, doc);
        assert_eq!(q.len(), 1);
        assert_eq!(
            (q[0].speaker.as_deref(), q[0].flags()),
            (Some("习近平"), vec!["pronoun"])
        );
        assert_eq!((q[0].line, q[0].start, q[0].end), (3, 5, 15));
    }
}
