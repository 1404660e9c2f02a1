//! Dates of documents: a calendar date known to the year, the month or the day.
//!
//! A [`Date`] has `month`/`day` 0 when that part is unknown. Its [`Date::key`] is `yyyymmdd`
//! with `00` for the unknown parts, so keys sort chronologically and a document dated only
//! "2020" sorts before every document of 2020-01-01.
//!
//! Comparison rule for filters: a document's date is compared by its key. `--since B` keeps
//! documents with `key >= B.key()`, `--until B` keeps `key <= B.last_key()`, where
//! `last_key` covers the whole period of `B` (`2020` → `20201299`, `2020-07` → `20200799`).
//! So `--since 2020-07` keeps a document dated "2020-07" but not one dated only "2020", and
//! `--until 2020` keeps everything of 2020 at any precision.
//!
//! Where dates come from:
//! * [`parse_value`]: a metadata value that must be a date as a whole (`20220924`,
//!   `2022-09-24T10:00:00+08:00`, `2022年9月`, `二〇二〇年一月三日`, `２０２０年７月１日` …).
//! * [`from_path`]: dates in path components (`2024/202401/20240101_02.txt`, `gwr_2024.txt`,
//!   `2020年1月3日.docx`). Ambiguous digit runs are ignored; contradicting components → `None`.
//! * [`from_text`]: the date line of the document (see there for the rule).
//!
//! All parsers bound their work (long input is cut) and never panic.

use std::fmt;
use std::str::FromStr;

const MIN_YEAR: u16 = 1800;
const MAX_YEAR: u16 = 2100;

/// A calendar date known to the year, the month or the day. month/day 0 = unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// How much of a [`Date`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// Days since 1970-01-01 of a valid date (proleptic Gregorian; Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a number of days since 1970-01-01, the inverse of
/// [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m as u8, d as u8)
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = [
        31,
        28 + u8::from(leap),
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let i = usize::from(month).wrapping_sub(1);
    days.get(i).copied().unwrap_or(0)
}

impl Date {
    /// A validated date: year 1800..=2100, month 0..=12, day 0..=days in the month; a day
    /// needs a month.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let ok = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && month <= 12
            && (day == 0 || (month > 0 && day <= days_in_month(year, month)));
        ok.then_some(Date { year, month, day })
    }

    /// `yyyymmdd` with `00` for unknown parts; never 0 for a valid date.
    pub fn key(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    /// The date whose [`Date::key`] is `key`, if it is a valid one.
    pub fn from_key(key: u32) -> Option<Date> {
        let year = u16::try_from(key / 10_000).ok()?;
        Date::new(year, (key / 100 % 100) as u8, (key % 100) as u8)
    }

    pub fn precision(self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// Lower bound of the period: the key itself (`2020` → `20200000`), which is below
    /// the key of every more precise date inside the period.
    pub fn first_key(self) -> u32 {
        self.key()
    }

    /// Upper bound covering the whole period: `2020` → `20201299`, `2020-07` → `20200799`,
    /// `2020-07-01` → `20200701`.
    pub fn last_key(self) -> u32 {
        match self.precision() {
            Precision::Year => u32::from(self.year) * 10_000 + 1299,
            Precision::Month => self.key() + 99,
            Precision::Day => self.key(),
        }
    }

    /// Whether `self` is `coarse` or a more precise date inside it.
    fn refines(self, coarse: Date) -> bool {
        self.year == coarse.year
            && (coarse.month == 0 || coarse.month == self.month)
            && (coarse.day == 0 || coarse.day == self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision() {
            Precision::Year => write!(f, "{:04}", self.year),
            Precision::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

impl FromStr for Date {
    type Err = String;

    /// Strict user input: `2020`, `2020-07`, `2020-07-01`, `2020-7-1`, `202007`, `20200701`.
    fn from_str(s: &str) -> Result<Date, String> {
        let t = s.trim();
        let shown: String = t.chars().take(40).collect();
        let generic = || {
            format!(
                "\"{shown}\" is not a date: give YYYY, YYYY-MM or YYYY-MM-DD \
                 (e.g. 2024, 2024-03, 2024-03-05)"
            )
        };
        let c: Vec<char> = t.chars().take(41).collect();
        let ([year, month, day], n, end) = fields(&c, 0, &['-']).ok_or_else(generic)?;
        if end != c.len() {
            return Err(generic());
        }
        if !(u32::from(MIN_YEAR)..=u32::from(MAX_YEAR)).contains(&year) {
            return Err(format!(
                "\"{shown}\" is not a date: the year must be between {MIN_YEAR} and {MAX_YEAR}"
            ));
        }
        if n > 1 && !(1..=12).contains(&month) {
            return Err(generic());
        }
        to_date([year, month, day], n).ok_or_else(|| {
            let days = days_in_month(year as u16, month as u8);
            format!(
                "\"{shown}\" is not a date: {year:04}-{month:02} has no day {day} (it has {days} days)"
            )
        })
    }
}

// ---------------------------------------------------------------------------------------
// Character level helpers

/// Blank for trimming: whitespace (incl. U+3000, U+00A0) and zero-width characters.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Full-width digits and punctuation → ASCII.
fn norm(c: char) -> char {
    let full = "０１２３４５６７８９（）－／．：　"
        .chars()
        .position(|x| x == c);
    full.and_then(|d| "0123456789()-/.: ".chars().nth(d))
        .unwrap_or(c)
}

/// The trimmed, normalised characters of `s`, at most `cap` of them, and whether `s` had
/// more.
fn prepare(s: &str, cap: usize) -> (Vec<char>, bool) {
    let t = s.trim_matches(is_blank);
    let mut c: Vec<char> = t.chars().take(cap + 1).map(norm).collect();
    let long = c.len() > cap;
    c.truncate(cap);
    (c, long)
}

fn cn_digit(c: char) -> Option<u32> {
    match c {
        '〇' | '○' | '零' | 'Ｏ' => Some(0),
        _ => Some(1 + "一二三四五六七八九".chars().position(|x| x == c)? as u32),
    }
}

/// The ASCII digit run starting at `i`: (value, end). Value saturates; callers check length.
fn digit_run(c: &[char], i: usize) -> (u32, usize) {
    let mut j = i;
    let mut v: u32 = 0;
    while let Some(d) = c.get(j).and_then(|ch| ch.to_digit(10)) {
        v = v.saturating_mul(10).saturating_add(d);
        j += 1;
    }
    (v, j)
}

/// A 4-digit year, ASCII (not followed by a further digit) or Chinese (`二〇二〇`).
fn scan_year(c: &[char], i: usize) -> Option<(u16, usize)> {
    let (v, end) = digit_run(c, i);
    let cn = || (0..4).try_fold(0, |v, k| Some(v * 10 + cn_digit(*c.get(i + k)?)?));
    match end - i {
        4 => Some((v as u16, end)),
        0 => Some((cn()? as u16, i + 4)),
        _ => None,
    }
}

/// A month or day number 1..=31: 1–2 ASCII digits or Chinese `三`, `十`, `十二`, `三十一`.
fn scan_small(c: &[char], i: usize) -> Option<(u32, usize)> {
    let (v, end) = digit_run(c, i);
    if end > i {
        return (end - i <= 2 && v >= 1).then_some((v, end));
    }
    let unit = |k: usize| c.get(k).copied().and_then(cn_digit).filter(|&d| d > 0);
    let ten = |k: usize| c.get(k) == Some(&'十');
    let (v, end) = match (unit(i), ten(i), ten(i + 1)) {
        (None, true, _) => unit(i + 1).map_or((10, i + 1), |u| (10 + u, i + 2)),
        (Some(t), _, true) if t <= 3 => {
            unit(i + 2).map_or((t * 10, i + 2), |u| (t * 10 + u, i + 3))
        }
        (Some(u), _, _) => (u, i + 1),
        _ => return None,
    };
    (v <= 31).then_some((v, end))
}

/// `Y年`, `Y年M月` or `Y年M月D日` at `i` (the most that is there). A month or day that is
/// written but invalid (`2020年2月30日`) makes the whole date invalid.
fn scan_cn_date(c: &[char], i: usize) -> Option<(Date, usize)> {
    let (year, end) = scan_year(c, i)?;
    if c.get(end) != Some(&'年') {
        return None;
    }
    let year_only = (Date::new(year, 0, 0)?, end + 1);
    let Some((month, end)) = scan_small(c, end + 1).filter(|&(_, e)| c.get(e) == Some(&'月'))
    else {
        return Some(year_only);
    };
    let month = u8::try_from(month).ok()?;
    let month_only = (Date::new(year, month, 0)?, end + 1);
    match scan_small(c, end + 1).filter(|&(_, e)| c.get(e) == Some(&'日')) {
        Some((day, e)) => Some((Date::new(year, month, day as u8)?, e + 1)),
        None => Some(month_only),
    }
}

/// Digits `yyyy`, `yyyymm`, `yyyymmdd`, or `yyyy-m[-d]` with one of `seps` (the same one
/// twice, 1–2 digits each) at `i`: the numbers (0 when absent), how many, and the end.
fn fields(c: &[char], i: usize, seps: &[char]) -> Option<([u32; 3], usize, usize)> {
    let (v, mut end) = digit_run(c, i);
    match end - i {
        4 => {}
        6 => return Some(([v / 100, v % 100, 0], 2, end)),
        8 => return Some(([v / 10_000, v / 100 % 100, v % 100], 3, end)),
        _ => return None,
    }
    let mut f = [v, 0, 0];
    let mut n = 1;
    let sep = c.get(end).copied().filter(|s| seps.contains(s));
    while n < 3 && sep.is_some() && c.get(end).copied() == sep {
        let (x, e) = digit_run(c, end + 1);
        if !(1..=2).contains(&(e - end - 1)) {
            break;
        }
        (f[n], n, end) = (x, n + 1, e);
    }
    Some((f, n, end))
}

/// The date of `n` fields; a month or day that is there must not be 0.
fn to_date(f: [u32; 3], n: usize) -> Option<Date> {
    let year = u16::try_from(f[0]).ok()?;
    let part = |k: usize| if k < n { f[k] as u8 } else { 0 };
    let ok = (1..n).all(|k| part(k) > 0);
    ok.then(|| Date::new(year, part(1), part(2))).flatten()
}

/// A full `Y年M月D日` date at `i`.
fn scan_full_date(c: &[char], i: usize) -> Option<(Date, usize)> {
    scan_cn_date(c, i).filter(|(d, _)| d.day > 0)
}

/// A time after a full date: `T10:00:00+08:00`, ` 10:00`.
fn time_tail(rest: &[char]) -> bool {
    let timey = |&ch: &char| ch.is_ascii_digit() || ":.+-Z ".contains(ch);
    matches!(rest, [' ' | 'T', first, ..] if first.is_ascii_digit()) && rest[1..].iter().all(timey)
}

fn is_sentence_punct(c: char) -> bool {
    "。，；！？,;!?:、".contains(c)
}

// ---------------------------------------------------------------------------------------
// Parsers

/// A metadata value that is a date as a whole (surrounding blanks allowed): `20220924`,
/// `2022-09-24`, `2022/9/24`, `2022.09.24`, `2022-09-24T10:00:00+08:00`,
/// `2022-09-24 10:00:00`, `202209`, `2022-09`, `2022`, `2022年9月24日`, `2022年9月`,
/// `二〇二〇年十二月三十一日`, `２０２０年７月１日`. `12` or `20` (a congress number) is not.
pub fn parse_value(s: &str) -> Option<Date> {
    let (c, long) = prepare(s, 64);
    if long {
        return None;
    }
    let (d, end) = match scan_cn_date(&c, 0) {
        Some(found) => found,
        None => {
            let (f, n, end) = fields(&c, 0, &['-', '/', '.'])?;
            (to_date(f, n)?, end)
        }
    };
    let rest = &c[end..];
    (rest.is_empty() || (d.day > 0 && time_tail(rest))).then_some(d)
}

/// The most precise of `ds` if all of them agree with it (are it or coarser forms of it).
fn agree(ds: &[Date]) -> Option<Date> {
    let best = *ds.iter().max_by_key(|d| d.precision() as u8)?;
    ds.iter().all(|&d| best.refines(d)).then_some(best)
}

/// The date of one path component; `None` when it has none or contradicting ones.
fn component_date(comp: &str) -> Option<Date> {
    let (c, _) = prepare(comp, 255);
    let mut found = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ascii = c[i].is_ascii_digit();
        if ascii && i > 0 && c[i - 1].is_ascii_digit() {
            i += 1;
            continue;
        }
        if let Some((d, end)) = scan_cn_date(&c, i) {
            found.push(d);
            i = end;
        } else if !ascii {
            i += 1;
        } else {
            // Runs of 4 (a year), 6 (yyyymm) or 8 digits (yyyymmdd), `yyyy-mm-dd`, `yyyy_mm_dd`;
            // `2024_01` is not a month: an underscore needs a day.
            let (_, run_end) = digit_run(&c, i);
            let Some((f, n, end)) = fields(&c, i, &['-', '_', '.']) else {
                i = run_end;
                continue;
            };
            let underscore = n == 2 && c.get(run_end) == Some(&'_');
            found.extend(to_date(f, if underscore { 1 } else { n }));
            i = end;
        }
    }
    agree(&found)
}

/// The date in a corpus-relative `/`-separated path: `2024/202401/20240101_02.txt` →
/// 2024-01-01, `gwr_2024_npc_resolution.txt` → 2024, `rmrb2020_0001.txt` → 2020. A
/// component with two different dates gives none; components that contradict → `None`.
pub fn from_path(path: &str) -> Option<Date> {
    let components = path.split('/').take(64);
    agree(&components.filter_map(component_date).collect::<Vec<_>>())
}

const HEAD_LINES: usize = 8;
const TAIL_LINES: usize = 5;
/// How many lines (empty ones included) are looked at from either end.
const SCAN_LINES: usize = 64;
/// Longest date line, in characters.
const MAX_DATE_LINE: usize = 80;

/// A date line: a full date alone, possibly in brackets (`2020年1月3日`, `（二〇二〇年一月三日）`,
/// `2020-01-03`). In the head also: dash-led (`——2024年3月5日`), a date then `在…` without
/// sentence punctuation (`——2024年3月5日在…会议上`, `2024年3月5日在…上的讲话`), or a bracketed
/// note starting with the date (`（2020年5月28日第十三届…会议通过）`).
fn date_line(line: &str, head: bool) -> Option<Date> {
    let (c, long) = prepare(line, MAX_DATE_LINE);
    let start = if head {
        c.iter().position(|&ch| !"—-–―─".contains(ch))?
    } else {
        0
    };
    let (inner, bracketed) = match &c[start..] {
        _ if long => return None,
        [open, inner @ .., close] if "([〔【".contains(*open) && ")]〕】".contains(*close) => {
            (inner, true)
        }
        all => (all, false),
    };
    let Some((d, end)) = scan_full_date(inner, 0) else {
        let s: String = inner.iter().collect();
        return parse_value(&s).filter(|d| d.day > 0 && !inner.iter().all(char::is_ascii_digit));
    };
    let rest = &inner[end..];
    let plain = !rest.iter().any(|&ch| is_sentence_punct(ch));
    let noted = bracketed || rest.first() == Some(&'在') || rest.ends_with(&['通', '过']);
    (rest.is_empty() || (head && plain && noted)).then_some(d)
}

/// A dateline at the start of the first body line: agency or paper, place, full date, `电`
/// (`新华社北京2020年6月30日电`, `本报北京2020年7月1日电`).
fn dateline(line: &str) -> Option<Date> {
    let (c, _) = prepare(line, 48);
    let from = usize::from(matches!(c.first(), Some('(' | '【')));
    for k in from + 2..=from + 16 {
        let Some(&ch) = c.get(k) else { break };
        if !(ch.is_ascii_digit() || cn_digit(ch).is_some()) {
            continue;
        }
        let Some((d, end)) = scan_full_date(&c, k) else {
            continue;
        };
        let prefix = &c[from..k];
        let organ = prefix.iter().any(|&p| "社报网台".contains(p));
        let clean = !prefix
            .iter()
            .any(|&p| is_sentence_punct(p) || p.is_ascii_digit());
        return (c.get(end) == Some(&'电') && organ && clean).then_some(d);
    }
    None
}

/// The date of a document from its lines (the first line is the title, never used).
///
/// Rule: the head is the first 8 non-empty lines after the title, the tail the last 5.
/// A head date is a dateline on the first body line (`新华社北京2020年6月30日电`; without a
/// year there is none), else the first head line that is a date line (`date_line`: a
/// date alone, bracketed, or `——2024年3月5日在…上`). A tail date is the last tail line
/// that is only a date (the GB/T 9704 落款). If both exist and disagree, the tail wins
/// (it is always a line of its own). A date merely mentioned in a sentence
/// (`2020年1月3日，国务院召开…`) never counts.
pub fn from_text(lines: &[&str]) -> Option<Date> {
    let body = lines.get(1..)?;
    let head = filled(body.iter(), HEAD_LINES);
    let head_date = head.first().and_then(|l| dateline(l));
    let head_date = head_date.or_else(|| head.iter().find_map(|l| date_line(l, true)));
    let tail = filled(body.iter().rev(), TAIL_LINES);
    let tail_date = tail.into_iter().find_map(|l| date_line(l, false));
    tail_date.or(head_date)
}

/// The first `n` non-empty lines among the first [`SCAN_LINES`] of `lines`.
fn filled<'a>(lines: impl Iterator<Item = &'a &'a str>, n: usize) -> Vec<&'a str> {
    let keep = |l: &&&str| !l.trim_matches(is_blank).is_empty();
    let kept = lines.take(SCAN_LINES).filter(keep);
    kept.take(n).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(d: Option<Date>) -> String {
        d.map_or("-".into(), |d| d.to_string())
    }

    /// Rows `input => expected` (`-`: none); in the input `|` is a line break.
    fn check(table: &str, f: impl Fn(&str) -> Option<Date>) {
        for row in table.lines().map(str::trim).filter(|r| !r.is_empty()) {
            let (input, want) = row.rsplit_once("=> ").expect("row");
            let input = input.strip_suffix(' ').unwrap_or(input).replace('|', "\n");
            assert_eq!(show(f(&input)), want, "input {input:?}");
        }
    }

    #[test]
    fn dates_and_keys() {
        let new = |s: &str| {
            let n: Vec<u16> = s.split('-').map(|x| x.parse().unwrap()).collect();
            Date::new(n[0], n[1] as u8, n[2] as u8)
        };
        check(
            "2020-2-29 => 2020-02-29\n2000-2-29 => 2000-02-29\n1800-0-0 => 1800\n2100-12-0 => 2100-12
            2019-2-29 => -\n1900-2-29 => -\n2020-2-30 => -\n2020-4-31 => -\n2020-0-5 => -
            2020-13-0 => -\n1799-1-1 => -\n2101-0-0 => -\n2020-1-32 => -",
            new,
        );
        check(
            "20200000 => 2020\n20200700 => 2020-07\n20000229 => 2000-02-29\n0 => -\n20201299 => -
            20200799 => -\n20200230 => -\n20201300 => -\n99999999 => -\n4294967295 => -",
            |s| Date::from_key(s.parse().unwrap()),
        );
        let [y, m, d] = ["2020", "2020-07", "2020-07-01"].map(|s| s.parse::<Date>().unwrap());
        let keys = |f: fn(Date) -> u32| [y, m, d].map(f);
        assert_eq!(keys(Date::key), [20200000, 20200700, 20200701]);
        assert_eq!(keys(Date::first_key), keys(Date::key));
        assert_eq!(keys(Date::last_key), [20201299, 20200799, 20200701]);
        let names = [y, m, d].map(|x| x.precision().as_str());
        assert_eq!(names, ["year", "month", "day"]);
        assert_eq!(m.precision(), Precision::Month);
        assert!(y < m && m < d && y.key() < Date::new(2020, 1, 1).unwrap().key());
    }

    #[test]
    fn from_str_strict() {
        check(
            "2020 => 2020\n 2020-07  => 2020-07\n2020-07-01 => 2020-07-01\n2020-7-1 => 2020-07-01
            20200701 => 2020-07-01\n202007 => 2020-07\n2000-02-29 => 2000-02-29
            20 => -\n2020- => -\n2020/07/01 => -\n2020-007 => -\n2020-07-01-02 => -\n202 => -
            2020-00 => -\n2020-07-00 => -\n20201301 => -\n二〇二〇 => -\n2020年 => -\n1e3 => -",
            |s| s.parse().ok(),
        );
        let err = |s: &str| s.parse::<Date>().unwrap_err();
        let e = err("2020-13");
        assert!(e.starts_with("\"2020-13\" is not a date: give YYYY, YYYY-MM or YYYY-MM-DD"));
        assert!(err("2020-02-30").contains("\"2020-02-30\" is not a date: 2020-02 has no day 30"));
        assert!(err("2019-02-29").contains("(it has 28 days)"));
        assert!(err("1700").contains("between 1800 and 2100"));
        assert!(err(&"9".repeat(10_000)).len() < 200);
    }

    #[test]
    fn values() {
        check(
            "20220924 => 2022-09-24\n2022-09-24 => 2022-09-24\n2022/9/24 => 2022-09-24
            2022.09.24 => 2022-09-24\n2022-09-24T10:00:00+08:00 => 2022-09-24
            2022-09-24 10:00:00 => 2022-09-24\n2022-09-24T08:00Z => 2022-09-24
            2022年9月24日 => 2022-09-24\n2022年9月 => 2022-09\n2022年 => 2022\n2022 => 2022
            2022-09 => 2022-09\n202209 => 2022-09\n二〇二〇年一月三日 => 2020-01-03
            二〇二〇年十二月三十一日 => 2020-12-31\n二零二零年十月二十日 => 2020-10-20
            一九八○年五月十日 => 1980-05-10\n２０２０年７月１日 => 2020-07-01
            ２０２０－０７－０１ => 2020-07-01\n\u{3000}2020年7月\u{200B} => 2020-07
            1 => -\n12 => -\n20 => -\n0020 => -\n1799 => -\n2101 => -\n2020-02-30 => -
            2019年2月29日 => -\n2020年13月 => -\n2020-13 => -\n20201301 => -\n20200230 => -
            202200 => -\n2022-09-24x => -\n2022-09 10:00 => -\n2022年9月24日电 => -\n第20届 => -
            2022-9/24 => -\n2024-0924 => -\n二〇二〇年一月四十日 => -\n２０２２２ => -\n🎉2022 => -
            2022年九月二十四日，国务院 => -\n2022\u{301} => -\n => -",
            parse_value,
        );
        assert_eq!(parse_value(" 2022年9月24日 "), Date::new(2022, 9, 24));
        assert_eq!(parse_value(&"2".repeat(100_000)), None);
    }

    #[test]
    fn paths() {
        check(
            "cctv_xwlb/2024/202401/20240101_02.txt => 2024-01-01\n20240101_01.txt => 2024-01-01
            2024/202401/ => 2024-01\n2024/ => 2024\nnotes/2020-01-03.md => 2020-01-03
            2020_01_03 => 2020-01-03\n2020年1月3日.docx => 2020-01-03\ngwr_2024.txt => 2024
            gov_reports/gwr_2024_npc_resolution.txt => 2024\nrmrb_2020/rmrb2020_0001.txt => 2020
            2020/2020-07/x.txt => 2020-07\ngwr_2024_01.txt => 2024\n2021/report_1998_2003.txt => 2021
            0001.txt => -\n12345.txt => -\n20241399.txt => -\n20240230_1.txt => -\n202413/a => -
            report_1998_2003.txt => -\n1999-2003.txt => -\n2024/202301/a.txt => -
            2024/20230101.txt => -\n123456789.txt => -\ncpc_congress_19.txt => -\n20.txt => -
            a/99_01_03.txt => -\nv1.2.3 => -\n//// => -\n二〇二〇.txt => -\n => -",
            from_path,
        );
        let long = format!("{}{}", "é/".repeat(5000), "2024".repeat(5000));
        assert_eq!(from_path(&long), None);
    }

    #[test]
    fn text_date_lines() {
        let lines = |s: &str| from_text(&s.lines().collect::<Vec<_>>());
        check(
            "标题||正文第一段。|国务院|2020年1月3日 => 2020-01-03
            标题|（2020年1月3日）|正文。 => 2020-01-03\n标题|(2020年1月3日)|正文。 => 2020-01-03
            标题|正文。|二〇二〇年一月三日| => 2020-01-03\n标题|正文。|　２０２０年１月３日　 => 2020-01-03
            报告|政府工作报告|——2024年3月5日在第十四届全国人民代表大会第二次会议上|国务院总理　李　强 => 2024-03-05
            讲话|2024年3月5日在……上的讲话|同志们： => 2024-03-05
            决议|（2020年5月28日第十三届全国人民代表大会第三次会议通过）|会议听取… => 2020-05-28
            标题||新华社北京2020年6月30日电 国务院总理李克强30日主持召开会议，部署… => 2020-06-30
            标题|本报北京2020年7月1日电（记者 张三）今天…… => 2020-07-01
            报告|——在中国共产党第十九次全国代表大会上的报告|（2017年10月18日）|习　近　平 => 2017-10-18
            标题|（2020年1月3日）|正文。|2020年1月5日 => 2020-01-05
            标题|2020年1月3日，国务院召开常务会议，部署进一步做好稳就业工作，会议指出要加大力度。 => -
            标题|正文。|2020年1月3日，国务院召开常务会议。 => -
            标题|新华社北京6月30日电 国务院总理李克强30日主持召开会议。 => -
            2020年1月3日|正文没有日期。 => -\n标题|2020年2月30日|正文。 => -\n标题|20200103 => -
            标题|第20届|12|正文。 => -\n标题|20年1月3日|正文。 => -\n标题|2020年1月3日起施行 => -
            标题|正文。|普查标准时点为2024年4月30日。 => -\n标题|他说北京2020年6月30日电视台播出。 => -
            标题|——2020年，新中国第一个关于教育评价系统改革的纲领性文件出台。 => -\n => -",
            lines,
        );
        // Only the head (8 non-empty lines after the title) and the tail (5) are read.
        let mut body = vec!["标题"];
        body.extend(std::iter::repeat_n("正文。", 20));
        body.insert(10, "2020年1月3日");
        assert_eq!(from_text(&body), None);
        body.swap(10, 8);
        assert_eq!(from_text(&body), Date::new(2020, 1, 3));
    }

    #[test]
    fn odd_input_never_panics() {
        const ALPHABET: &str = "0123456789２年月日电-_./|:T （）()—〇一二十三九社 🎉\u{301}é";
        let alphabet: Vec<char> = ALPHABET.chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 23) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            let lines: Vec<&str> = s.split('|').collect();
            let a = [parse_value(&s), from_path(&s)];
            let b = [from_text(&lines), s.parse().ok()];
            for d in a.into_iter().chain(b) {
                let valid = d.is_none_or(|d| Date::from_key(d.key()) == Some(d));
                assert!(valid, "{s:?}");
            }
        }
        let long = "2020年1月3日".repeat(10_000);
        assert_eq!(from_text(&["t", &long, "🎉\u{301}", ""]), None);
    }
}
