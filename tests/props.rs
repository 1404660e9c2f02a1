//! Property tests over arbitrary Unicode (mixed with the characters that matter here: CJK,
//! quote marks, sentence ends, line breaks, site markers, combining marks, controls):
//! cleaning, paragraphs and passages, matching form and offset map, quotation extraction and
//! every tokenizer. Nothing panics, spans sit on character boundaries, offset maps round-trip,
//! and tokens cover the text exactly.

use proptest::prelude::*;
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer};

use jiansuo::analyze::{Extractor, SpeakerTable};
use jiansuo::index::tokenize::{self, BigramTokenizer, LAST_MARK, TAIL_MARK};
use jiansuo::matching::{MatchingForm, is_dropped, matching_string};
use jiansuo::{clean, passage};

fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "调查研究",
        "是谋事之基",
        "习近平总书记强调：",
        "他说，",
        // Shapes of attribution (frames, titles and names, pronouns, issuers, colons).
        "某委主任王某某说",
        "村民",
        "告诉记者：",
        "据",
        "介绍，",
        "声明还称，",
        "发表声明",
        "她",
        "一边",
        "·",
        "夏巴兹",
        "18日",
        "所谓",
        "接受采访时表示",
        "：",
        "、",
        "。",
        "！",
        "？",
        "；",
        "，",
        "…",
        "“",
        "”",
        "‘",
        "’",
        "「",
        "」",
        "『",
        "』",
        "《",
        "》",
        "\"",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\u{3000}",
        "##paidbegin##",
        "##",
        "5G",
        "２０２５",
        "e\u{301}",
        "\u{301}",
        "㍻",
        "ﬁ",
        "İ",
        "\u{202e}",
        "\u{200b}",
        "\u{feff}",
        "\u{7}",
        "\u{1}",
        "\u{0}",
        "🇨🇳",
    ]);
    prop::collection::vec(
        prop_oneof![
            3 => pieces.prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
            1 => ".{0,8}",
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

/// A long paragraph: sentences and clauses of arbitrary text, so that it is cut in passages.
fn long_paragraph() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::collection::vec(any::<char>(), 0..60),
            prop::sample::select(vec!["。", "，", "；", "！”", "", "…"]),
        ),
        10..80,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(cs, end)| {
                cs.into_iter()
                    .filter(|&c| c != '\n' && c != '\r')
                    .collect::<String>()
                    + end
            })
            .collect()
    })
}

fn words_analyzer() -> TextAnalyzer {
    static JIEBA: std::sync::OnceLock<TextAnalyzer> = std::sync::OnceLock::new();
    JIEBA
        .get_or_init(|| tokenize::words_analyzer(tokenize::load_jieba("").unwrap()))
        .clone()
}

fn line_breaks(s: &str) -> usize {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\r')
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn cleaning_keeps_lines_and_drops_only_invisibles_and_markers(s in text()) {
        let cleaned = clean::clean(&s);
        prop_assert_eq!(cleaned.matches('\n').count(), line_breaks(&s));
        prop_assert!(!cleaned.contains('\r'));
        prop_assert!(!cleaned.chars().any(clean::is_invisible));
        // Nothing is added: every character of the output comes from the input.
        prop_assert!(cleaned.chars().count() <= s.chars().count());
    }

    #[test]
    fn passages_tile_every_paragraph(s in prop_oneof![text(), long_paragraph()]) {
        let cleaned = clean::clean(&s);
        let lines: Vec<&str> = cleaned.split('\n').collect();
        prop_assert!(passage::title(&cleaned).chars().count() <= passage::MAX_TITLE_CHARS);
        for para in passage::paragraphs(&cleaned) {
            prop_assert_eq!(para.text, lines[para.line as usize - 1]);
            let n = para.text.chars().count();
            let pieces = passage::split_paragraph(para.text);
            prop_assert_eq!(pieces.first().map(|p| p.0), Some(0));
            prop_assert_eq!(pieces.last().map(|p| p.1), Some(n));
            for w in pieces.windows(2) {
                prop_assert_eq!(w[0].1, w[1].0);
            }
            for &(a, b) in &pieces {
                prop_assert!(a < b && b - a <= passage::HARD_MAX_CHARS + 1, "{a}..{b}");
            }
        }
        // And as the index prepares them: own matching forms concatenate to the paragraph's.
        let prepared = jiansuo::index::prepare(&cleaned);
        let mut own: std::collections::BTreeMap<u32, String> = Default::default();
        for p in &prepared.passages {
            let line = lines[p.span.line as usize - 1];
            let text: String = line
                .chars()
                .skip(p.span.start as usize)
                .take((p.span.end - p.span.start) as usize)
                .collect();
            prop_assert_eq!(&text, &p.text);
            own.entry(p.span.line).or_default().push_str(p.own_exact());
        }
        for (line, m) in own {
            prop_assert_eq!(m, matching_string(lines[line as usize - 1]));
        }
    }

    #[test]
    fn offset_map_round_trips(s in text(), a in 0usize..200, l in 1usize..12) {
        let m = MatchingForm::new(&s);
        let n = s.chars().count();
        prop_assert_eq!(m.chars.len(), m.spans.len());
        prop_assert_eq!(m.as_string(), matching_string(&s));
        prop_assert!(m.chars.iter().all(|&c| c == jiansuo::matching::RUN_MARK || c == '.' || !is_dropped(c)));
        for w in m.spans.windows(2) {
            prop_assert!(w[0].0 <= w[1].0 && w[0].1 <= w[1].1);
        }
        if m.is_empty() {
            return Ok(());
        }
        let a = a % m.len();
        let l = l.min(m.len() - a);
        let (start, end) = m.source_span(a, a + l);
        prop_assert!(start < end && end <= n);
        let source: String = s.chars().skip(start).take(end - start).collect();
        let needle: String = m.chars[a..a + l].iter().collect();
        prop_assert!(matching_string(&source).contains(&needle));
        // Back again: the first matching character at or after the span's start is `a` or one
        // that shares its source character.
        let back = m.first_at_or_after(start);
        prop_assert!(back <= a && m.spans[back].0 == m.spans[a].0 || back == a);
    }

    #[test]
    fn quotations_are_spans_of_their_lines(s in text()) {
        let cleaned = clean::clean(&s);
        let lines: Vec<&str> = cleaned.split('\n').collect();
        let table = SpeakerTable::builtin();
        for q in Extractor::document(&table, &cleaned) {
            let line: Vec<char> = lines[q.line as usize - 1].chars().collect();
            prop_assert!(q.start <= q.end && (q.end as usize) <= line.len());
            let text: String = line[q.start as usize..q.end as usize].iter().collect();
            prop_assert_eq!(&q.text, &text);
            prop_assert_eq!(&q.matching, &matching_string(&q.text));
            prop_assert!(!q.matching.is_empty());
            prop_assert!(q.text.chars().count() <= jiansuo::analyze::MAX_QUOTATION_CHARS);
        }
    }

    #[test]
    fn gram_tokens_cover_the_text(s in text(), cut in 0usize..200) {
        // The exact field's text: a matching form, optionally with the tail mark inside.
        let m = matching_string(&s);
        let chars: Vec<char> = m.chars().collect();
        let cut = cut.min(chars.len());
        let with_mark: String = chars[..cut]
            .iter()
            .chain(std::iter::once(&TAIL_MARK))
            .chain(chars[cut..].iter())
            .collect();
        for (input, own) in [(m.clone(), chars.len()), (with_mark, cut)] {
            let mut tok = BigramTokenizer;
            let mut stream = tok.token_stream(&input);
            let mut got = Vec::new();
            let mut last = Vec::new();
            while stream.advance() {
                let t = stream.token();
                prop_assert!(input.is_char_boundary(t.offset_from) && input.is_char_boundary(t.offset_to));
                let gram: String = input[t.offset_from..t.offset_to].chars().filter(|&c| c != TAIL_MARK).collect();
                if t.text.starts_with(LAST_MARK) {
                    last.push((t.text.clone(), t.position));
                    prop_assert_eq!(&t.text, &format!("{LAST_MARK}{gram}"));
                    continue;
                }
                prop_assert!(last.is_empty(), "the last character's term comes last");
                prop_assert_eq!(t.position, got.len());
                let marked = t.position + 2 > own;
                let expected = if marked { format!("{TAIL_MARK}{gram}") } else { gram };
                prop_assert_eq!(&t.text, &expected);
                got.push(t.text.clone());
            }
            // One bigram per start position: they cover the text exactly.
            prop_assert_eq!(got.len(), chars.len().saturating_sub(1));
            let firsts: String = got.iter().map(|g| g.trim_start_matches(TAIL_MARK).chars().next().unwrap()).collect();
            let expect: String = chars[..got.len()].iter().collect();
            prop_assert_eq!(firsts, expect);
            // The passage's last character once, at its position; so every character of the
            // passage starts exactly one unmarked term.
            if own == 0 {
                prop_assert!(last.is_empty());
            } else {
                prop_assert_eq!(last, vec![(format!("{LAST_MARK}{}", chars[own - 1]), own - 1)]);
                let unmarked = got.iter().filter(|g| !g.starts_with(TAIL_MARK)).count();
                prop_assert_eq!(unmarked + 1, own);
            }
        }
    }

    #[test]
    fn word_tokens_are_slices_and_cover_every_letter(s in text()) {
        let text = tokenize::normalize_words(&s);
        let mut analyzer = words_analyzer();
        let mut stream = analyzer.token_stream(&text);
        let mut covered = vec![false; text.len()];
        while let Some(t) = stream.next() {
            prop_assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
            prop_assert_eq!(&t.text, &text[t.offset_from..t.offset_to]);
            prop_assert!(t.text.chars().any(char::is_alphanumeric));
            covered[t.offset_from..t.offset_to].iter_mut().for_each(|c| *c = true);
        }
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() {
                prop_assert!(covered[i], "{c:?} at byte {i} of {text:?} is in no token");
            }
        }
    }
}
