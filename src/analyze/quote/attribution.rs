//! Speaker attribution: cues before the opening mark, names after the closing one, continued
//! quotations, pronouns. The word lists it reads are `src/quote_words.toml` ([`super::words`]).
//!
//! **Speaker.** Before the opening mark, after an optional `：:，,`, a cue verb (强调, 指出, 说,
//! 要求, 所说, 深刻指出, 重要论述, …); in the clause before the cue (back to the sentence start),
//! the alias of the speaker table that ends nearest the cue names the speaker (习近平总书记,
//! 总书记 → 习近平). No alias, but the clause's subject is 他/她: the last speaker named before,
//! in the paragraph or the document (flag `pronoun`). No alias and another short subject
//! (村党支部书记王建国说：“), when a colon or comma follows the cue: that subject, flag
//! `unlisted`. With no cue before, the pattern
//! `“…”，<alias>说` after the quotation (flag `after`). A quotation that opens right where an
//! attributed one closed (“……。”“……”) continues it and takes its speaker. Nested quotations take
//! their outer quotation's speaker.

use super::marks::{has_clause_punct, is_sentence_end, kind_of, quote_spans};
use super::{Quotation, QuoteKind, words};
use crate::analyze::SpeakerTable;
use crate::matching::matching_string;
use crate::passage;

/// Characters looked back from a quotation for its cue and the sentence before it.
const LOOK_BACK_CUE: usize = 300;
/// Characters looked back in a paragraph for the last speaker named (for 他/她).
const LOOK_BACK_NAME: usize = 3000;

/// Extracts quotations document by document, remembering the last speaker named.
pub struct Extractor<'a> {
    speakers: &'a SpeakerTable,
    /// Last speaker named in earlier paragraphs of the document.
    last_speaker: Option<String>,
}

impl<'a> Extractor<'a> {
    pub fn new(speakers: &'a SpeakerTable) -> Extractor<'a> {
        Extractor {
            speakers,
            last_speaker: None,
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
        let mut outer: Vec<(usize, usize, Option<String>, Option<String>)> = Vec::new();
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
                            && chars[p.end as usize + 1..s.open]
                                .iter()
                                .all(|c| c.is_whitespace())
                    })
                })
                .flatten()
                .map(|p| (p.speaker.clone(), p.cue.clone()));
            if s.depth > 0
                && let Some((_, _, speaker, cue)) = outer.last()
            {
                q.speaker = speaker.clone();
                q.cue = cue.clone();
            } else if let Some((speaker, cue)) = continued.filter(|_| {
                s.close
                    .is_none_or(|c| self.attribute_after(&chars, c).is_none())
            }) {
                q.speaker = speaker;
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
                    q.cue = Some(a.cue);
                    q.pronoun = a.pronoun;
                    q.unlisted = a.unlisted;
                } else if !a.unlisted {
                    q.speaker = a.speaker;
                    q.pronoun = a.pronoun;
                }
            } else if let Some(close) = s.close
                && starts_sentence(&chars, s.open)
                && let Some((speaker, cue, unlisted)) = self.attribute_after(&chars, close)
            {
                q.speaker = Some(speaker);
                q.cue = Some(cue);
                q.after = true;
                q.unlisted = unlisted;
            }
            q.kind = kind_of(&q);
            outer.push((s.start, s.end, q.speaker.clone(), q.cue.clone()));
            out.push(q);
        }
        if let Some(m) = self.speakers.last_in(text) {
            self.last_speaker = Some(m.name.to_owned());
        }
        out
    }

    /// Speaker from the text before an opening mark at `open`.
    fn attribute_before(&self, chars: &[char], open: usize) -> Option<Attribution> {
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
        if let Some(m) = self.speakers.last_in(&clause) {
            return Some(Attribution {
                speaker: Some(m.name.to_owned()),
                cue: (*cue).to_owned(),
                separated,
                pronoun: false,
                unlisted: false,
            });
        }
        let subject = subject_of(&clause);
        // 他说, 夺冠后她深情告白: 他 or 她 (not 他们, 她们) as the subject.
        let pronoun = subject.char_indices().any(|(i, c)| {
            matches!(c, '他' | '她') && !subject[i + c.len_utf8()..].starts_with('们')
        });
        if pronoun {
            let named_before: String = chars[from.saturating_sub(LOOK_BACK_NAME)..from]
                .iter()
                .collect();
            let this_sentence: String = chars[cue_start.saturating_sub(LOOK_BACK_CUE)..cue_start]
                .iter()
                .collect();
            let speaker = self
                .speakers
                .last_in(&named_before)
                .map(|m| m.name.to_owned())
                .or_else(|| titled_name(&this_sentence))
                .or_else(|| self.last_speaker.clone());
            return Some(Attribution {
                speaker,
                cue: (*cue).to_owned(),
                separated,
                pronoun: true,
                unlisted: false,
            });
        }
        // A subject not in the table is taken only in the plain `X说：“` / `X表示，“` shape.
        let n = subject.chars().count();
        // 激动地说, 夏衍的叮嘱, 对他说: an adverb, a possessive or a preposition is no speaker.
        let shaped_like_a_speaker = !subject.ends_with(['地', '的'])
            && !subject.starts_with(['对', '向', '跟', '同', '和', '与', '把', '被', '给']);
        let speaker = (separated
            && shaped_like_a_speaker
            && (2..=12).contains(&n)
            && !words()
                .not_speakers
                .iter()
                .any(|s| subject.ends_with(s.as_str()) || subject == *s)
            && !subject.contains(['“', '”', '《', '》', '"', '我', '你', '但', '是']))
        .then(|| subject.clone());
        // A one-character cue (说, 云, 曰) ends many words: with no known speaker it counts only
        // when a colon or comma follows it.
        if cue.chars().count() == 1 && (speaker.is_none() || !separated) {
            return None;
        }
        Some(Attribution {
            unlisted: speaker.is_some(),
            speaker,
            cue: (*cue).to_owned(),
            separated,
            pronoun: false,
        })
    }

    /// `“…”，<alias>说` after the closing mark at `close`; or `“…”<name>说。` with a short
    /// subject not in the table, when the cue ends the sentence or clause. The bool says
    /// whether the speaker is unlisted.
    fn attribute_after(&self, chars: &[char], close: usize) -> Option<(String, String, bool)> {
        let after_cues = &words().after_cues;
        let mut i = close + 1;
        if i < chars.len() && matches!(chars[i], '，' | ',') {
            i += 1;
        }
        let w: Vec<char> = chars[i..chars.len().min(i + 16)].to_vec();
        let window: String = w.iter().collect();
        if let Some(m) = self.speakers.first_in(&window)
            && m.start == 0
        {
            let rest: String = window.chars().skip(m.end).collect();
            for gap in 0..=4 {
                let tail: String = rest.chars().skip(gap).collect();
                if let Some(cue) = after_cues.iter().find(|c| tail.starts_with(c.as_str())) {
                    // 习近平总书记强调：“… introduces the next quotation, not this one.
                    let next: Vec<char> = tail.chars().skip(cue.chars().count()).take(2).collect();
                    if next.iter().any(|c| matches!(c, '：' | ':' | '“' | '「')) {
                        return None;
                    }
                    return Some((m.name.to_owned(), (*cue).to_owned(), false));
                }
            }
        }
        for end in 2..=12.min(w.len()) {
            if !w[..end].iter().all(|&c| is_han(c)) {
                break;
            }
            let subject: String = w[..end].iter().collect();
            let rest: String = w[end..].iter().collect();
            if let Some(cue) = after_cues.iter().find(|c| rest.starts_with(c.as_str())) {
                let after = w.get(end + cue.chars().count());
                if after.is_none_or(|&c| matches!(c, '。' | '，' | '！' | '；'))
                    && !words()
                        .not_speakers
                        .iter()
                        .any(|s| subject.ends_with(s.as_str()))
                {
                    return Some((subject, (*cue).to_owned(), true));
                }
            }
        }
        None
    }
}

/// The speaker of text that starts at `pos` of a paragraph without quote marks (习近平总书记强调，
/// 调查研究是…): the same rules as for a quotation that opens there, the pronoun resolved within
/// the paragraph only. Returns the speaker (if named) and the cue.
pub fn attribute_at(
    speakers: &SpeakerTable,
    chars: &[char],
    pos: usize,
) -> Option<(Option<String>, String)> {
    let ex = Extractor::new(speakers);
    ex.attribute_before(chars, pos.min(chars.len()))
        .map(|a| (a.speaker, a.cue))
}

struct Attribution {
    speaker: Option<String>,
    cue: String,
    /// A colon or comma stands between the cue and the quotation.
    separated: bool,
    pronoun: bool,
    unlisted: bool,
}

/// The subject of a clause: its last comma-separated part, without trailing adverbs and
/// without a leading time or place phrase such as 2019年 … (kept simple: text before 在 … 时/上
/// is the subject when there is such a phrase).
fn subject_of(clause: &str) -> String {
    let last = clause
        .rsplit(['，', ',', '：', ':', '、'])
        .next()
        .unwrap_or(clause)
        .trim()
        .trim_start_matches(['”', '’', '」', '』', '"', '。', '！', '？', '…']);
    let mut s = last.to_owned();
    // 王建国在会上 / 他在座谈会上: the subject ends where the place or time phrase begins.
    if let Some(i) = s.find('在')
        && i > 0
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
        if s.len() == before {
            break;
        }
    }
    s
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

/// A person named after a title in the last sentence of `text`, or the sentence before it (the
/// antecedent of 他/她 when the speaker table names nobody): the first title of the sentence
/// (the subject comes first), then 2 or 3 characters, stopping at a function word.
fn titled_name(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let sentence_start = |end: usize| {
        chars[..end]
            .iter()
            .rposition(|&c| is_sentence_end(c))
            .map_or(0, |i| i + 1)
    };
    let mut start = sentence_start(chars.len().saturating_sub(1));
    for _ in 0..2 {
        let sentence: String = chars[start..].iter().collect();
        let mut best: Option<(usize, String)> = None;
        for t in &words().person_titles {
            for (b, _) in sentence.match_indices(t.as_str()) {
                let at = sentence[..b].chars().count() + t.chars().count();
                let name: String = sentence
                    .chars()
                    .skip(at)
                    .take(3)
                    .take_while(|c| is_han(*c) && !words().not_in_names.contains(*c))
                    .collect();
                if name.chars().count() >= 2 && best.as_ref().is_none_or(|(p, _)| at < *p) {
                    best = Some((at, name));
                }
            }
        }
        if let Some((_, name)) = best {
            return Some(name);
        }
        if start == 0 {
            break;
        }
        start = sentence_start(start - 1);
    }
    None
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
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
                Some("村党支部书记王建国"),
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
