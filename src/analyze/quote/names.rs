//! Person names the speaker table does not list: in a speaker's subject (绍兴市人社局办公室主任
//! 王奋, 俄罗斯总统普京, 巴基斯坦总理夏巴兹·谢里夫) and in running text, where a pronoun may refer
//! back to them (某研究院主任张某某近八年来一直在她身边。她告诉记者：…).
//!
//! Three sources, in this order:
//! 1. names already seen as speakers in the same document (`known`);
//! 2. a title (`person_titles` of `src/quote_words.toml`, or a word ending in one of
//!    `title_ends`) followed by the name: in a subject, the name runs from the last title to the
//!    cue; in running text, the words after a title that jieba tags as a name, or two or three
//!    characters starting with a common surname (jieba cuts 主席赵林中 into 赵 / 林中);
//! 3. jieba's part-of-speech tags (`nr`, `nrfg`, `nrt`: personal, full and transliterated
//!    names), with `·` joining the parts of a transliterated name.
//!
//! jieba is loaded on first use (about 0.15 s), only when a quotation needs it; queries never
//! do.
//!
//! ```
//! use jiansuo::analyze::person_in_subject;
//! let p = person_in_subject("绍兴市人社局办公室主任王奋", &[]).unwrap();
//! assert_eq!((p.name.as_str(), p.role.as_deref()), ("王奋", Some("绍兴市人社局办公室主任")));
//! assert_eq!(person_in_subject("俄罗斯总统普京", &[]).unwrap().name, "普京");
//! assert_eq!(person_in_subject("代表们", &[]), None);
//! ```

use std::sync::LazyLock;

use tantivy_jieba::jieba_rs::{Jieba, Tag};

use super::words;

/// jieba with its built-in dictionary and part-of-speech tags.
static TAGGER: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Longest name taken after a title (transliterated names are long: 夏巴兹·谢里夫).
const MAX_NAME_CHARS: usize = 10;

/// A person: the name, and the title or organisation written before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub role: Option<String>,
}

pub(super) fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// The dots that join the parts of a transliterated name.
pub(super) fn is_dot(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '‧' | '．' | '⋅')
}

fn starts_with_surname(name: &[char]) -> bool {
    let w = words();
    name.first().is_some_and(|c| w.surnames.contains(*c))
        || w.compound_surnames.iter().any(|s| {
            let s: Vec<char> = s.chars().collect();
            name.starts_with(&s)
        })
}

/// A run that may be a name: Han characters and inner dots, no function word.
fn name_shaped(name: &[char]) -> bool {
    let w = words();
    name.len() >= 2
        && !w.not_name_ends.contains(name[name.len() - 1])
        && name.iter().all(|&c| is_han(c) || is_dot(c))
        && !is_dot(name[0])
        && !is_dot(name[name.len() - 1])
        // A function word may stand inside a name (李向东, 张和平), not at its ends.
        && !w.not_in_names.contains(name[0])
        && !w.not_in_names.contains(name[name.len() - 1])
}

/// Whether `before` ends with a listed title.
fn ends_with_listed_title(before: &[char]) -> bool {
    let s: String = before.iter().collect();
    words()
        .person_titles
        .iter()
        .any(|t| s.ends_with(t.as_str()))
}

/// Whether `before` ends with a title: a listed one, or a word ending in a title character.
fn ends_with_title(before: &[char]) -> bool {
    let w = words();
    ends_with_listed_title(before)
        || (before.len() >= 2
            && before.last().is_some_and(|&c| w.title_ends.contains(c))
            && before[before.len() - 2..].iter().all(|&c| is_han(c)))
}

fn role_of(before: &[char]) -> Option<String> {
    let role: String = before.iter().collect();
    let role = role.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
    (!role.is_empty()).then_some(role)
}

/// The person a speaker's subject names at its end (the subject is what stands before the
/// reporting verb, frames and adverbs taken off): a name known in the document, the name after
/// the last title, or trailing words jieba tags as a name. `None` for subjects that name no one
/// by name (代表们, 外交部发言人, 专家).
pub fn person_in_subject(subject: &str, known: &[String]) -> Option<Named> {
    person_in_subject_with(subject, known, true)
}

/// [`person_in_subject`] without jieba's tags: a known name or a name after a title only.
pub(super) fn titled_in_subject(subject: &str, known: &[String]) -> Option<Named> {
    person_in_subject_with(subject, known, false)
}

/// [`person_in_subject`], with jieba's tags only when `tag`.
pub(super) fn person_in_subject_with(subject: &str, known: &[String], tag: bool) -> Option<Named> {
    let chars: Vec<char> = subject.chars().collect();
    let n = chars.len();
    if n < 2 {
        return None;
    }
    if let Some(k) = known
        .iter()
        .filter(|k| subject.ends_with(k.as_str()))
        .max_by_key(|k| k.len())
    {
        let kn = k.chars().count();
        return Some(Named {
            name: k.clone(),
            role: role_of(&chars[..n - kn]),
        });
    }
    // The shortest name after a title: 主任李民华 is 李民华, not 华 or 民华.
    // A listed title first (村民任建国 is 任建国, not 建国 after a word ending in 任), then a word
    // ending in a title character.
    for listed in [true, false] {
        for p in (1..=n - 2).rev() {
            let name = &chars[p..];
            if name.len() > MAX_NAME_CHARS {
                break;
            }
            // 教育部相关负责人: a "name" that is itself a title (负责人) is none.
            let is_title = {
                let n: String = name.iter().collect();
                words()
                    .person_titles
                    .iter()
                    .any(|t| n.ends_with(t.as_str()))
            };
            let titled = if listed {
                ends_with_listed_title(&chars[..p])
            } else {
                ends_with_title(&chars[..p])
            };
            // 合作社理事长钟振华: after 理事, 长钟振华 starts with the end of a longer title (长
            // is no surname); 村民任建国 keeps 任, a surname.
            let starts_in_title = listed
                && name.len() >= 3
                && words().title_ends.contains(name[0])
                && !starts_with_surname(name);
            if name_shaped(name) && !is_title && titled && !starts_in_title {
                return Some(Named {
                    name: name.iter().collect(),
                    role: role_of(&chars[..p]),
                });
            }
        }
    }
    if !tag {
        return None;
    }
    let tags = TAGGER.tag(subject, true);
    let start = trailing_name_start(&tags)?;
    let name: Vec<char> = chars[start..].to_vec();
    if !name_shaped(&name) || name.len() > MAX_NAME_CHARS {
        return None;
    }
    Some(Named {
        name: name.iter().collect(),
        role: role_of(&chars[..start]),
    })
}

fn is_name_tag(t: &Tag) -> bool {
    t.tag.starts_with("nr")
}

/// Words of other classes than verbs, adverbs, prepositions, particles, pronouns, numbers and
/// the like may be parts of a name that jieba did not recognise (刘/zg 德福/ns).
fn may_be_in_a_name(t: &Tag) -> bool {
    ![
        "v", "u", "p", "d", "c", "r", "m", "q", "f", "t", "y", "e", "o", "l", "i", "b",
    ]
    .iter()
    .any(|p| t.tag.starts_with(p))
}

fn is_dot_token(t: &Tag) -> bool {
    t.word.chars().all(is_dot)
}

/// Character start of the trailing words of `tags` that make a name: tagged `nr*`, or joined by
/// dots (the parts of 夏巴兹·谢里夫 get other tags too).
fn trailing_name_start(tags: &[Tag]) -> Option<usize> {
    let mut i = tags.len();
    while i > 0 {
        let t = &tags[i - 1];
        let next_is_dot = tags.get(i).is_some_and(is_dot_token);
        let prev_is_dot = i >= 2 && is_dot_token(&tags[i - 2]);
        if is_name_tag(t) || is_dot_token(t) || next_is_dot || prev_is_dot {
            i -= 1;
        } else {
            break;
        }
    }
    (i < tags.len()).then(|| tags[i].start)
}

/// Every person named in `text` (character start, name, whether a title or the document
/// vouches for it), in order: names known in the document, names after a title, names jieba
/// tags (those only `false`: jieba calls 黎巴嫩 a name too). Used to find whom 他/她 refers back
/// to.
pub fn persons_in(text: &str, known: &[String]) -> Vec<(usize, String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(usize, String, bool)> = Vec::new();
    for k in known {
        for (b, _) in text.match_indices(k.as_str()) {
            out.push((text[..b].chars().count(), k.clone(), true));
        }
    }
    let tags = TAGGER.tag(text, true);
    let mut i = 0;
    while i < tags.len() {
        let t = &tags[i];
        // A listed title, then the name: words tagged as a name, or two or three characters
        // from a surname, ending where a word ends.
        let titled = {
            let w = words();
            t.word.chars().count() >= 2
                && w.person_titles.iter().any(|p| t.word.ends_with(p.as_str()))
        };
        if titled {
            let from = t.end;
            let mut j = i + 1;
            let mut tagged = false;
            while j < tags.len()
                && tags[j].end - from <= MAX_NAME_CHARS
                && (is_name_tag(&tags[j])
                    || is_dot_token(&tags[j])
                    || (tags[j].end - from <= 3
                        && tags[j].word.chars().all(is_han)
                        && (may_be_in_a_name(&tags[j])
                            // 执行官 王/nr 大为/d: a surname alone, then the given name.
                            || (j == i + 2
                                && tags[i + 1].word.chars().count() == 1
                                && starts_with_surname(&chars[from..from + 1])))))
            {
                tagged |= is_name_tag(&tags[j]);
                j += 1;
                let len = tags[j - 1].end - from;
                let name = &chars[from..tags[j - 1].end];
                let chinese = (2..=3).contains(&len) && starts_with_surname(name);
                // Stop at the first length that makes a name, unless the next word is part of it.
                let next_joins = tags
                    .get(j)
                    .is_some_and(|n| is_dot_token(n) || is_name_tag(n));
                if name_shaped(name) && (chinese || tagged) && !next_joins {
                    out.push((from, name.iter().collect(), true));
                    break;
                }
            }
            i += 1;
            continue;
        }
        if is_name_tag(t) {
            let mut j = i + 1;
            while j < tags.len() && (is_name_tag(&tags[j]) || is_dot_token(&tags[j])) {
                j += 1;
            }
            let name = &chars[t.start..tags[j - 1].end];
            let transliterated = tags[i..j].iter().any(|t| t.tag == "nrt" || is_dot_token(t));
            if name_shaped(name)
                && (transliterated || (name.len() <= 4 && starts_with_surname(name)))
            {
                out.push((t.start, name.iter().collect(), false));
            }
            i = j;
            continue;
        }
        i += 1;
    }
    // One person per start, the vouched-for reading first.
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
    out.dedup_by(|b, a| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_after_titles_in_subjects() {
        let cases = [
            (
                "绍兴市人社局办公室主任王奋",
                Some(("王奋", Some("绍兴市人社局办公室主任"))),
            ),
            (
                "富润控股集团董事会主席赵林中",
                Some(("赵林中", Some("富润控股集团董事会主席"))),
            ),
            ("某委主任王某某", Some(("王某某", Some("某委主任")))),
            ("村民王建国", Some(("王建国", Some("村民")))),
            ("村民任建国", Some(("任建国", Some("村民")))),
            ("主任李向东", Some(("李向东", Some("主任")))),
            ("工人王建军", Some(("王建军", Some("工人")))),
            ("主任李民华", Some(("李民华", Some("主任")))),
            ("俄罗斯外长拉夫罗夫", Some(("拉夫罗夫", Some("俄罗斯外长")))),
            (
                "蒙古国央行行长勒哈格瓦苏伦",
                Some(("勒哈格瓦苏伦", Some("蒙古国央行行长"))),
            ),
            (
                "巴基斯坦总理夏巴兹·谢里夫",
                Some(("夏巴兹·谢里夫", Some("巴基斯坦总理"))),
            ),
            (
                "今年62岁的老党员刘德福",
                Some(("刘德福", Some("今年62岁的老党员"))),
            ),
            ("王建国", Some(("王建国", None))),
            ("代表们", None),
            ("外交部发言人", None),
            ("专家", None),
        ];
        for (subject, want) in cases {
            let got = person_in_subject(subject, &[]);
            let got = got.as_ref().map(|p| (p.name.as_str(), p.role.as_deref()));
            assert_eq!(got, want, "{subject}");
        }
        let known = vec!["赵林中".to_owned()];
        assert_eq!(
            person_in_subject("董事长赵林中", &known).unwrap().name,
            "赵林中"
        );
    }

    #[test]
    fn persons_in_running_text() {
        let names = |t: &str| -> Vec<String> {
            persons_in(t, &[]).into_iter().map(|(_, n, _)| n).collect()
        };
        assert_eq!(
            names("某研究院主任张桂梅近八年来一直在她身边。"),
            vec!["张桂梅"]
        );
        assert_eq!(
            names("富润控股集团董事会主席赵林中告诉记者"),
            vec!["赵林中"]
        );
        assert_eq!(
            names("习近平总书记会见了美国总统拜登。"),
            vec!["习近平", "拜登"]
        );
        assert!(names("高质量发展是全面建设社会主义现代化国家的首要任务。").is_empty());
    }
}

/// Is `text` (as written) mostly a list of person names — the lists of leaders that open and
/// close official news (`盛华仁、路甬祥、华建敏、…等老同志`)? At least five items separated by
/// `、`, `，` or spaces, three in four of them names: two to four Han characters from a surname,
/// or a transliterated name with a dot.
pub fn is_name_list(text: &str) -> bool {
    let items: Vec<Vec<char>> = text
        .split(['、', '，', ',', ' ', '　', '；'])
        .map(|s| s.trim().chars().collect::<Vec<char>>())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() < 5 {
        return false;
    }
    let names = items
        .iter()
        .filter(|it| {
            let han = it.iter().all(|&c| is_han(c));
            (han && (2..=4).contains(&it.len()) && starts_with_surname(it))
                || (it.iter().any(|&c| is_dot(c))
                    && it.len() <= 16
                    && it.iter().all(|&c| is_han(c) || is_dot(c)))
        })
        .count();
    names * 4 >= items.len() * 3
}

#[cfg(test)]
mod name_list_tests {
    use super::is_name_list;

    #[test]
    fn lists_of_leaders_are_name_lists_and_policy_lists_are_not() {
        assert!(is_name_list(
            "盛华仁、路甬祥、华建敏、陈至立、司马义·铁力瓦尔地、蒋树声、王胜俊、陈昌智"
        ));
        assert!(!is_name_list(
            "统筹推进稳增长、促改革、调结构、惠民生、防风险、保稳定工作"
        ));
        assert!(!is_name_list("全面推进乡村振兴，加快建设农业强国"));
    }
}
