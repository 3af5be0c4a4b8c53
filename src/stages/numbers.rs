//! Stage 4b: numeric expressions — every number a sentence uses as a claim.
//!
//! The parser scans the normalized (NFKC) sentence, so full-width digits are ASCII and
//! `～` is `~`. It is a pure function of the text and of the byte ranges the tokenizer
//! marked as numerals (名詞-数): a kanji numeral counts only inside such a range, which is
//! what keeps 一般, 一時的, 十分, 万能 and 三位一体 from being read as numbers.
//!
//! An expression is: prefix qualifiers (約, 平均, 最大 …), a number (Arabic with thousands
//! separators and decimals, kanji, or mixed: 1500億, 3万5千, 二十数), a unit or counter,
//! optionally a range (〜 ~ - から) to a second number and unit, and suffix qualifiers
//! (以上, 程度, まで …). Special forms: `A人にB人` and `A人中B人` (ratio B/A), `A分のB`
//! (ratio B/A), `N割` (ratio N/10), `50代` (ages 50–59), dates (`2026年2月` → `2026-02`,
//! `2025.12.23` → `2025-12-23`, ranges of dates).
//!
//! Not claims, never emitted: phone numbers, postal codes, times of day (10:00-19:00),
//! URLs and e-mail addresses, address block numbers (6丁目6-5, 11階), identifiers with
//! letters (PB5240089, CD9, IL-1β, MMP-3's 3, N2), labels (STEP 1, Q1, No.1, 症例1, 第二),
//! list numbering at the start of a sentence (`1. 初期症状`), ordinals (2回目), per-unit
//! denominators (1本当たり), and kanji numerals without a unit (一度 → not "1").
//!
//! Values are `f64`: exact for integers below 2^53 and printed with at most 15 significant
//! digits in plain decimal (never scientific notation). Digit runs longer than
//! [`MAX_DIGITS`] are serial numbers or junk, not claims, and are skipped.

use crate::morph::Sentence;
use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

/// Longest digit run read as a quantity.
pub(crate) const MAX_DIGITS: usize = 100;

/// Kind of numeric claim (the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    Percent,
    Count,
    Duration,
    Age,
    Date,
    Money,
    Measurement,
    Ratio,
    Multiplier,
    #[default]
    Other,
}

impl Kind {
    /// The `kind` column's word (as serde writes it).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Percent => "percent",
            Kind::Count => "count",
            Kind::Duration => "duration",
            Kind::Age => "age",
            Kind::Date => "date",
            Kind::Money => "money",
            Kind::Measurement => "measurement",
            Kind::Ratio => "ratio",
            Kind::Multiplier => "multiplier",
            Kind::Other => "other",
        }
    }
}

/// A value: a number, or a date in ISO form (`2026-02`, `2025-12-23`, `2024`, `--02`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Num(f64),
    Date(String),
}

impl Value {
    /// Plain decimal (at most 15 significant digits) or the ISO date.
    #[cfg(test)]
    pub(crate) fn render(&self) -> String {
        match self {
            Value::Num(v) => plain_decimal(*v),
            Value::Date(d) => d.clone(),
        }
    }

    /// The `value_min`/`value_max` cell: a plain decimal, or nothing for a date, so that a
    /// spreadsheet reads the column as numbers.
    pub(crate) fn number_cell(&self) -> String {
        match self {
            Value::Num(v) => plain_decimal(*v),
            Value::Date(_) => String::new(),
        }
    }
}

impl NumberOcc {
    /// The `date` cell: the ISO 8601 date, or `start/end` for a span (2024-06/2025-01);
    /// empty for a number.
    pub(crate) fn date_cell(&self) -> String {
        match (&self.value_min, &self.value_max) {
            (Value::Date(a), Value::Date(b)) if a == b => a.clone(),
            (Value::Date(a), Value::Date(b)) => format!("{a}/{b}"),
            _ => String::new(),
        }
    }
}

/// Qualifiers, in the canonical order they are written in (joined with `;`).
pub(crate) const QUALIFIERS: [&str; 6] = ["mean", "max", "min", "approx", "at_least", "at_most"];

/// One numeric expression found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumberOcc {
    /// Byte range of the number(s) and unit in the normalized sentence (qualifiers excluded).
    pub(crate) range: Range<usize>,
    pub(crate) value_min: Value,
    pub(crate) value_max: Value,
    pub(crate) unit: &'static str,
    pub(crate) kind: Kind,
    /// Bit i set = `QUALIFIERS[i]` applies.
    pub(crate) qualifiers: u8,
    /// The measured quantity for a bare number (CRP, MMP-3), when one precedes it.
    pub(crate) analyte: Option<String>,
    /// The period of a rate (月に1回 → month, 1日3回 → day).
    pub(crate) per: Option<&'static str>,
    /// A figure of results a claim rests on (満足度98%, 約8割の患者が改善).
    pub(crate) outcome: bool,
}

impl NumberOcc {
    pub(crate) fn qualifier_text(&self) -> String {
        QUALIFIERS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.qualifiers & (1 << i) != 0)
            .map(|(_, q)| *q)
            .collect::<Vec<_>>()
            .join(";")
    }
}

const MEAN: u8 = 1;
const MAX: u8 = 2;
const MIN: u8 = 4;
const APPROX: u8 = 8;
const AT_LEAST: u8 = 16;
const AT_MOST: u8 = 32;

const PREFIX_QUALIFIERS: &[(&str, u8)] = &[
    ("平均", MEAN),
    ("最大", MAX),
    ("最高", MAX),
    ("最低", MIN),
    ("最小", MIN),
    ("少なくとも", MIN),
    ("約", APPROX),
    ("およそ", APPROX),
    ("大体", APPROX),
    ("概ね", APPROX),
    ("おおむね", APPROX),
    ("ほぼ", APPROX),
];

const SUFFIX_QUALIFIERS: &[(&str, u8)] = &[
    ("程度", APPROX),
    ("前後", APPROX),
    ("ほど", APPROX),
    ("近く", APPROX),
    ("ぐらい", APPROX),
    ("くらい", APPROX),
    ("以上", AT_LEAST),
    ("を超える", AT_LEAST),
    ("を超え", AT_LEAST),
    ("を上回る", AT_LEAST),
    ("超", AT_LEAST),
    ("以下", AT_MOST),
    ("未満", AT_MOST),
    ("以内", AT_MOST),
    ("まで", AT_MOST),
    ("を下回る", AT_MOST),
];

/// The [`UNITS`] that start with `c`, in their order (so that the first of the longest
/// still wins): a number is followed by a handful of candidates, not by all of them.
fn units_starting_with(c: char) -> &'static [(&'static str, &'static str, Kind, f64)] {
    type Unit = (&'static str, &'static str, Kind, f64);
    static BY_FIRST: std::sync::LazyLock<HashMap<char, Vec<Unit>>> =
        std::sync::LazyLock::new(|| {
            let mut map: HashMap<char, Vec<Unit>> = HashMap::default();
            for &unit in UNITS {
                if let Some(first) = unit.0.chars().next() {
                    map.entry(first).or_default().push(unit);
                }
            }
            map
        });
    BY_FIRST.get(&c).map_or(&[], Vec::as_slice)
}

/// Units and counters after a number: text, unit, kind, factor applied to the value.
/// Longest match wins; ASCII units must not run on into further letters.
const UNITS: &[(&str, &str, Kind, f64)] = &[
    ("%", "percent", Kind::Percent, 1.0),
    ("パーセント", "percent", Kind::Percent, 1.0),
    // N割 is read as a percentage (3割 = 30%).
    ("割", "percent", Kind::Percent, 10.0),
    ("倍", "times", Kind::Multiplier, 1.0),
    ("人", "person", Kind::Count, 1.0),
    ("名", "person", Kind::Count, 1.0),
    ("例", "case", Kind::Count, 1.0),
    ("症例", "case", Kind::Count, 1.0),
    ("回", "times", Kind::Count, 1.0),
    ("件", "count", Kind::Count, 1.0),
    ("個", "item", Kind::Count, 1.0),
    ("つ", "item", Kind::Count, 1.0),
    ("本", "piece", Kind::Count, 1.0),
    ("種類", "type", Kind::Count, 1.0),
    ("種", "type", Kind::Count, 1.0),
    ("カ所", "site", Kind::Count, 1.0),
    ("ヶ所", "site", Kind::Count, 1.0),
    ("か所", "site", Kind::Count, 1.0),
    ("箇所", "site", Kind::Count, 1.0),
    ("施設", "facility", Kind::Count, 1.0),
    ("単位", "unit", Kind::Measurement, 1.0),
    ("錠", "tablet", Kind::Count, 1.0),
    ("クール", "course", Kind::Count, 1.0),
    ("歳", "age", Kind::Age, 1.0),
    ("才", "age", Kind::Age, 1.0),
    ("秒", "second", Kind::Duration, 1.0),
    ("分間", "minute", Kind::Duration, 1.0),
    ("分", "minute", Kind::Duration, 1.0),
    ("時間", "hour", Kind::Duration, 1.0),
    ("日間", "day", Kind::Duration, 1.0),
    ("日", "day", Kind::Duration, 1.0),
    ("週間", "week", Kind::Duration, 1.0),
    ("週", "week", Kind::Duration, 1.0),
    ("ヶ月間", "month", Kind::Duration, 1.0),
    ("カ月間", "month", Kind::Duration, 1.0),
    ("か月間", "month", Kind::Duration, 1.0),
    ("ヵ月間", "month", Kind::Duration, 1.0),
    ("ヶ月", "month", Kind::Duration, 1.0),
    ("カ月", "month", Kind::Duration, 1.0),
    ("か月", "month", Kind::Duration, 1.0),
    ("ヵ月", "month", Kind::Duration, 1.0),
    ("ケ月", "month", Kind::Duration, 1.0),
    ("箇月", "month", Kind::Duration, 1.0),
    ("年間", "year", Kind::Duration, 1.0),
    ("年", "year", Kind::Duration, 1.0),
    ("円", "yen", Kind::Money, 1.0),
    ("ドル", "usd", Kind::Money, 1.0),
    ("ナノメートル", "nm", Kind::Measurement, 1.0),
    ("nm", "nm", Kind::Measurement, 1.0),
    ("マイクロメートル", "um", Kind::Measurement, 1.0),
    ("ミクロン", "um", Kind::Measurement, 1.0),
    ("μm", "um", Kind::Measurement, 1.0),
    ("μm", "um", Kind::Measurement, 1.0),
    ("ミリメートル", "mm", Kind::Measurement, 1.0),
    ("mm", "mm", Kind::Measurement, 1.0),
    ("センチメートル", "cm", Kind::Measurement, 1.0),
    ("センチ", "cm", Kind::Measurement, 1.0),
    ("cm", "cm", Kind::Measurement, 1.0),
    ("キロメートル", "km", Kind::Measurement, 1.0),
    ("km", "km", Kind::Measurement, 1.0),
    ("メートル", "m", Kind::Measurement, 1.0),
    ("m", "m", Kind::Measurement, 1.0),
    ("ミリグラム", "mg", Kind::Measurement, 1.0),
    ("mg", "mg", Kind::Measurement, 1.0),
    ("マイクログラム", "ug", Kind::Measurement, 1.0),
    ("μg", "ug", Kind::Measurement, 1.0),
    ("μg", "ug", Kind::Measurement, 1.0),
    ("ng", "ng", Kind::Measurement, 1.0),
    ("pg", "pg", Kind::Measurement, 1.0),
    ("キログラム", "kg", Kind::Measurement, 1.0),
    ("キロ", "kg", Kind::Measurement, 1.0),
    ("kg", "kg", Kind::Measurement, 1.0),
    ("グラム", "g", Kind::Measurement, 1.0),
    ("g", "g", Kind::Measurement, 1.0),
    ("ミリリットル", "ml", Kind::Measurement, 1.0),
    ("ml", "ml", Kind::Measurement, 1.0),
    ("mL", "ml", Kind::Measurement, 1.0),
    ("cc", "ml", Kind::Measurement, 1.0),
    ("dl", "dl", Kind::Measurement, 1.0),
    ("dL", "dl", Kind::Measurement, 1.0),
    ("リットル", "l", Kind::Measurement, 1.0),
    ("L", "l", Kind::Measurement, 1.0),
    ("°C", "celsius", Kind::Measurement, 1.0),
    ("度C", "celsius", Kind::Measurement, 1.0),
    ("kcal", "kcal", Kind::Measurement, 1.0),
    ("mmHg", "mmHg", Kind::Measurement, 1.0),
    // Composite units are kept whole (the longest match wins).
    ("mg/dL", "mg/dl", Kind::Measurement, 1.0),
    ("mg/dl", "mg/dl", Kind::Measurement, 1.0),
    ("g/dL", "g/dl", Kind::Measurement, 1.0),
    ("g/dl", "g/dl", Kind::Measurement, 1.0),
    ("mg/L", "mg/l", Kind::Measurement, 1.0),
    ("mg/kg", "mg/kg", Kind::Measurement, 1.0),
    ("g/kg", "g/kg", Kind::Measurement, 1.0),
    ("mg/日", "mg/day", Kind::Measurement, 1.0),
    ("ng/mL", "ng/ml", Kind::Measurement, 1.0),
    ("ng/ml", "ng/ml", Kind::Measurement, 1.0),
    ("pg/mL", "pg/ml", Kind::Measurement, 1.0),
    ("pg/ml", "pg/ml", Kind::Measurement, 1.0),
    ("μg/mL", "ug/ml", Kind::Measurement, 1.0),
    ("mmol/L", "mmol/l", Kind::Measurement, 1.0),
    ("IU/L", "IU/l", Kind::Measurement, 1.0),
    ("U/L", "U/l", Kind::Measurement, 1.0),
    ("kcal/日", "kcal/day", Kind::Measurement, 1.0),
    ("IU", "IU", Kind::Measurement, 1.0),
    ("ミリ", "mm", Kind::Measurement, 1.0),
];

/// Words after a number that make it an address, a floor or a serial: not a claim.
const NOT_CLAIM_AFTER: &[&str] = &["丁目", "番地", "番", "号", "階", "F"];

/// Labels before a number: STEP 1, Q1, No.1, 症例1, 第2.
const LABELS: &[&str] = &[
    "STEP",
    "Step",
    "step",
    "No.",
    "NO.",
    "no.",
    "No",
    "Q",
    "Case",
    "case",
    "Phase",
    "phase",
    "Part",
    "Vol.",
    "Vol",
    "Chapter",
    "Grade",
    "Type",
    "Level",
    "症例",
    "第",
    "その",
    "#",
    "グレード",
    "ステージ",
    "Stage",
    "pp.",
    "p.",
    "型",
    "モデル",
];

fn is_kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn kanji_place(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1000.0,
        _ => return None,
    })
}

fn big_unit(c: char) -> Option<f64> {
    Some(match c {
        '万' => 1e4,
        '億' => 1e8,
        '兆' => 1e12,
        _ => return None,
    })
}

fn is_latin_or_greek(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{0370}'..='\u{03FF}').contains(&c) || c == 'µ'
}

/// Parser state over one sentence.
struct Scanner<'a> {
    text: &'a str,
    numerals: &'a [Range<usize>],
    /// Byte ranges that are never numbers (URLs, e-mail addresses).
    blocked: Vec<Range<usize>>,
}

/// A numeral being read, kanji by kanji: the total of the big units (万億兆) so far, the
/// section below them (十百千), and the current digit, each as bounds (数 is fuzzy).
#[derive(Debug, Default)]
struct Reading {
    total_min: f64,
    total_max: f64,
    sec_min: f64,
    sec_max: f64,
    cur: Option<(f64, f64)>,
    kanji: bool,
    big: bool,
}

impl Reading {
    /// Read one kanji of a numeral (`next` is the character after it); false where the
    /// numeral ends before it.
    fn kanji(&mut self, c: char, next: Option<char>) -> bool {
        if let Some(d) = is_kanji_digit(c) {
            let d = f64::from(d);
            self.cur = Some(match self.cur {
                Some((lo, hi)) if self.kanji => (lo * 10.0 + d, hi * 10.0 + d),
                Some(_) => return false,
                None => (d, d),
            });
            self.kanji = true;
        } else if c == '数' {
            // 数十 (several tens: 20-90), 十数 (11-19), 二十数 (21-29).
            let next_is_place =
                next.is_some_and(|n| kanji_place(n).is_some() || big_unit(n).is_some());
            if self.cur.is_some() {
                return false;
            }
            // 数 alone (数週間, a few weeks) is 2-9; after 十 (十数) it is the units, 1-9.
            let after_place = self.sec_max > 0.0;
            self.cur = Some(if next_is_place || !after_place {
                (2.0, 9.0)
            } else {
                (1.0, 9.0)
            });
            self.kanji = true;
        } else if let Some(p) = kanji_place(c) {
            let (lo, hi) = self.cur.take().unwrap_or((1.0, 1.0));
            self.sec_min += lo * p;
            self.sec_max += hi * p;
            self.kanji = true;
        } else if let Some(u) = big_unit(c) {
            let (lo, hi) = self.cur.take().unwrap_or((0.0, 0.0));
            let (s_lo, s_hi) = (self.sec_min + lo, self.sec_max + hi);
            if s_hi == 0.0 {
                return false; // 万 with nothing before it
            }
            self.total_min += s_lo * u;
            self.total_max += s_hi * u;
            self.sec_min = 0.0;
            self.sec_max = 0.0;
            self.big = true;
        } else {
            return false;
        }
        true
    }
}

/// A parsed number: value bounds (fuzzy 数 gives min < max), the byte end, whether it
/// used kanji, and whether it used a big unit (万億兆).
#[derive(Debug, Clone, Copy)]
struct Core {
    min: f64,
    max: f64,
    end: usize,
    kanji: bool,
    big: bool,
}

impl<'a> Scanner<'a> {
    fn at(&self, i: usize) -> &'a str {
        self.text.get(i..).unwrap_or("")
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.at(i).chars().next()
    }

    fn in_numeral(&self, i: usize) -> bool {
        self.numerals.iter().any(|r| r.start <= i && i < r.end)
    }

    fn blocked(&self, i: usize) -> Option<usize> {
        self.blocked.iter().find(|r| r.contains(&i)).map(|r| r.end)
    }

    /// Whether a number can start at `i`.
    fn starts_number(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some(c) if c.is_ascii_digit() => true,
            Some(c) => {
                (is_kanji_digit(c).is_some() || kanji_place(c).is_some() || c == '数')
                    && self.in_numeral(i)
            }
            None => false,
        }
    }

    /// ASCII digits with optional thousands separators and decimals: (value, end, digits).
    fn arabic(&self, i: usize) -> Option<(f64, usize, usize)> {
        let s = self.at(i);
        let b = s.as_bytes();
        let mut j = 0;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == 0 {
            return None;
        }
        let mut digits = j;
        let mut end = j;
        // Thousands separators: 1,500 or 12,345,678 (groups of exactly three).
        if j <= 3 {
            let mut k = j;
            while k + 4 <= b.len()
                && b[k] == b','
                && b[k + 1..k + 4].iter().all(u8::is_ascii_digit)
                && b.get(k + 4).is_none_or(|c| !c.is_ascii_digit())
            {
                k += 4;
                digits += 3;
            }
            end = k;
        }
        // Decimals.
        if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
                digits += 1;
            }
        }
        if digits > MAX_DIGITS {
            return None;
        }
        let value: f64 = s[..end].replace(',', "").parse().ok()?;
        Some((value, i + end, digits))
    }

    /// A number in Arabic, kanji or mixed notation (1500億, 3万5千, 二十数).
    fn core(&self, i: usize) -> Option<Core> {
        let mut r = Reading::default();
        let mut pos = i;
        let mut any = false;
        while let Some(c) = self.char_at(pos) {
            if c.is_ascii_digit() {
                if r.cur.is_some() {
                    break; // "2 3" run-together: stop
                }
                let (v, end, _) = self.arabic(pos)?;
                r.cur = Some((v, v));
                pos = end;
                any = true;
                continue;
            }
            if !self.in_numeral(pos) || !r.kanji(c, self.char_at(pos + c.len_utf8())) {
                break;
            }
            any = true;
            pos += c.len_utf8();
        }
        if !any {
            return None;
        }
        let (lo, hi) = r.cur.unwrap_or((0.0, 0.0));
        let min = r.total_min + r.sec_min + lo;
        let max = r.total_max + r.sec_max + hi;
        if !min.is_finite() || !max.is_finite() {
            return None;
        }
        Some(Core {
            min,
            max,
            end: pos,
            kanji: r.kanji,
            big: r.big,
        })
    }

    /// The longest unit at `i`: (text length, unit, kind, factor). A Latin unit may follow
    /// one space (10 mg).
    fn unit(&self, i: usize) -> Option<(usize, &'static str, Kind, f64)> {
        if let Some(found) = self.unit_at(i) {
            return Some(found);
        }
        if self.at(i).starts_with(' ')
            && self
                .at(i + 1)
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '%')
        {
            return self.unit_at(i + 1).map(|(len, u, k, f)| (len + 1, u, k, f));
        }
        None
    }

    fn unit_at(&self, i: usize) -> Option<(usize, &'static str, Kind, f64)> {
        let s = self.at(i);
        let first = s.chars().next()?;
        let mut best: Option<(usize, &'static str, Kind, f64)> = None;
        for &(text, unit, kind, factor) in units_starting_with(first) {
            if s.starts_with(text) && best.is_none_or(|b| text.len() > b.0) {
                // ASCII units must end at a word boundary (m is not the m of "min").
                let ascii = text.bytes().last().is_some_and(|b| b.is_ascii_alphabetic());
                let next = s[text.len()..].chars().next();
                if ascii && next.is_some_and(|c| c.is_ascii_alphabetic()) {
                    continue;
                }
                best = Some((text.len(), unit, kind, factor));
            }
        }
        best
    }

    /// Prefix qualifiers ending at `i`: (bits, start of the first).
    fn prefix_qualifiers(&self, mut i: usize) -> u8 {
        let mut bits = 0;
        'outer: loop {
            let before = self.text.get(..i).unwrap_or("");
            for &(q, bit) in PREFIX_QUALIFIERS {
                if before.ends_with(q) {
                    bits |= bit;
                    i -= q.len();
                    continue 'outer;
                }
            }
            return bits;
        }
    }

    /// Suffix qualifiers starting at `i`: (bits, end).
    fn suffix_qualifiers(&self, mut i: usize) -> (u8, usize) {
        let mut bits = 0;
        'outer: loop {
            let rest = self.at(i);
            for &(q, bit) in SUFFIX_QUALIFIERS {
                if rest.starts_with(q) {
                    bits |= bit;
                    i += q.len();
                    continue 'outer;
                }
            }
            return (bits, i);
        }
    }

    /// Whether the number at `i` is a label (STEP 1, Q1, No.1, 症例1, 第2) or part of an
    /// identifier (CD9, IL-1β, PB5240089, MMP-3).
    fn is_label_or_identifier(&self, i: usize) -> bool {
        let before = self.text.get(..i).unwrap_or("");
        let mut rev = before.chars().rev();
        match rev.next() {
            Some(c) if is_latin_or_greek(c) => return true,
            Some('-') | Some('.') if rev.next().is_some_and(is_latin_or_greek) => return true,
            _ => {}
        }
        let trimmed = before.trim_end_matches(' ');
        LABELS.iter().any(|l| {
            trimmed.ends_with(l)
                && trimmed[..trimmed.len() - l.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        })
    }

    /// List numbering at the start of the sentence: `1. `, `2)`, `(3)`, `3、`.
    fn is_list_number(&self, i: usize, end: usize) -> bool {
        let before = self.text.get(..i).unwrap_or("");
        let lead_ok = before
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '(' | '[' | '【' | '<' | '・' | '■' | '●'));
        if !lead_ok {
            return false;
        }
        let after = self.at(end);
        // Section numbers at the head of a line: 1.1 概要, 2.3.1 手順 (a decimal with no
        // unit after it).
        let number = &self.text[i..end];
        if number.contains('.')
            && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && self.unit_at(end).is_none()
            && !after.starts_with('%')
        {
            return true;
        }
        after.starts_with(". ")
            || after.starts_with('.') && !after[1..].starts_with(|c: char| c.is_ascii_digit())
            || after.starts_with(')')
            || after.starts_with(']')
            || after.starts_with('】')
            || after.starts_with('>')
            || after.starts_with('、')
            || after.starts_with(':')
    }

    /// Nearest Latin abbreviation (CRP, MMP-3, IL-6) before `i` in the sentence.
    fn analyte_before(&self, i: usize) -> Option<String> {
        let before = self.text.get(..i)?;
        let mut best: Option<&str> = None;
        let mut start = None;
        for (k, c) in before.char_indices() {
            let part = c.is_ascii_alphanumeric() || c == '-' || is_latin_or_greek(c);
            match (part, start) {
                (true, None) => start = Some(k),
                (false, Some(s)) => {
                    best = candidate(&before[s..k]).or(best);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            best = candidate(&before[s..]).or(best);
        }
        return best.map(str::to_string);

        fn candidate(word: &str) -> Option<&str> {
            let word = word.trim_matches('-');
            let upper = word.chars().filter(char::is_ascii_uppercase).count();
            (upper >= 2 && word.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
                .then_some(word)
        }
    }
}

/// Find every numeric expression in a normalized sentence. `numerals` are the byte ranges
/// the tokenizer tagged 名詞-数. Never panics, whatever the input.
pub(crate) fn extract(text: &str, numerals: &[Range<usize>], out: &mut Vec<NumberOcc>) {
    extract_with_urls(text, numerals, &crate::text::urls::url_spans(text), out);
}

/// A worker's state for the number stage: the numeral tokens of the current sentence.
#[derive(Debug, Default)]
pub(crate) struct NumberScratch {
    numerals: Vec<Range<usize>>,
}

/// Append the numeric expressions of one sentence to `out`; returns how many.
pub(crate) fn run(
    s: &Sentence<'_, '_>,
    scratch: &mut NumberScratch,
    out: &mut Vec<NumberOcc>,
) -> usize {
    scratch.numerals.clear();
    scratch.numerals.extend(
        s.tokens
            .iter()
            .zip(s.morphs.iter())
            .filter(|(_, f)| f.numeral)
            .map(|(t, _)| t.range()),
    );
    let before = out.len();
    extract_with_urls(s.text(), &scratch.numerals, s.urls, out);
    out.len() - before
}

/// [`extract`] with the sentence's [`crate::text::urls::url_spans`] already found (the pipeline finds them
/// once per sentence for the term stage and this one).
pub(crate) fn extract_with_urls(
    text: &str,
    numerals: &[Range<usize>],
    urls: &[Range<usize>],
    out: &mut Vec<NumberOcc>,
) {
    // Most sentences hold no number at all: no digit, no numeral token and no 半年. (A
    // fold without an early exit vectorizes.)
    if numerals.is_empty()
        && !text
            .bytes()
            .fold(false, |seen, b| seen | b.is_ascii_digit())
        && !text.contains("半年")
    {
        return;
    }
    let scanner = Scanner {
        text,
        numerals,
        blocked: urls.to_vec(),
    };
    let mut i = 0;
    let mut carried: u8 = 0; // qualifiers carried over a skipped 1本当たり
    while i < text.len() {
        if let Some(end) = scanner.blocked(i) {
            i = end.max(i + 1);
            continue;
        }
        let step = match half_year(&scanner, i, carried) {
            Some(step) => step,
            None if scanner.starts_number(i) => parse_at(&scanner, i, carried),
            None => {
                i += scanner.char_at(i).map_or(1, char::len_utf8);
                continue;
            }
        };
        match step {
            Step::Emit(mut occ, next) => {
                let next = signed(&scanner, &mut occ).max(next);
                occ.outcome = is_outcome(&scanner, &occ);
                if occ.unit == "times" && occ.per.is_none() {
                    occ.per = period_before(&scanner, occ.range.start);
                }
                out.push(*occ);
                carried = 0;
                i = next;
            }
            Step::Skip(next, carry) => {
                carried = carry;
                i = next.max(i + 1);
            }
        }
        while !text.is_char_boundary(i) && i < text.len() {
            i += 1;
        }
    }
}

/// The `(issue):pages` after a volume number in a reference: `(8):1234-1240`; its length.
fn volume_issue_pages(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if b.first() != Some(&b'(') {
        return None;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || b.get(1 + digits) != Some(&b')') || b.get(2 + digits) != Some(&b':') {
        return None;
    }
    let mut end = 3 + digits;
    for (k, c) in rest[end..].char_indices() {
        if c.is_ascii_digit() || matches!(c, '-' | '–' | '−' | 'e' | 'E') {
            end = 3 + digits + k + c.len_utf8();
        } else {
            break;
        }
    }
    Some(end)
}

/// 半年 (half a year: 6 months) and 半年〜1年 (6–12 months) at `i`.
fn half_year(s: &Scanner, i: usize, carried: u8) -> Option<Step> {
    if !s.at(i).starts_with("半年") {
        return None;
    }
    // Not the 半 of 1年半 or 前半年 (a number or a kanji before it).
    let before = s.text.get(..i).unwrap_or("").chars().next_back();
    if before.is_some_and(|c| {
        c.is_ascii_digit() || is_kanji_digit(c).is_some() || c == '前' || c == '後'
    }) {
        return None;
    }
    let mut end = i + "半年".len();
    if s.at(end).starts_with('間') {
        end += '間'.len_utf8();
    }
    let prefix = s.prefix_qualifiers(i) | carried;
    let mut hi = 6.0;
    if let Some((sep_end, sep)) = range_separator(s, end)
        && s.starts_number(sep_end)
        && let Some(second) = s.core(sep_end)
        && let Some((len, "year", _, _)) = s.unit(second.end)
    {
        hi = second.max * 12.0;
        end = second.end + len;
        let q = range_suffix(s, end, sep);
        return Some(emit(
            i..end,
            Value::Num(6.0),
            Value::Num(hi),
            "month",
            Kind::Duration,
            prefix | q,
            None,
        ));
    }
    let (q, _) = s.suffix_qualifiers(end);
    Some(emit(
        i..end,
        Value::Num(6.0),
        Value::Num(hi),
        "month",
        Kind::Duration,
        prefix | q,
        None,
    ))
}

/// A sign before the number makes it negative: -5℃, −0.3%, ▲5%, マイナス2度 (a
/// temperature: 度 after マイナス is degrees Celsius). Returns the end of the occurrence.
fn signed(s: &Scanner, occ: &mut NumberOcc) -> usize {
    let before = s.text.get(..occ.range.start).unwrap_or("");
    let sign = ["マイナス", "−", "-", "▲", "△"]
        .into_iter()
        .find(|m| before.ends_with(m));
    let Some(sign) = sign else {
        return occ.range.end;
    };
    let lead = &before[..before.len() - sign.len()];
    // 2-3 is a range and IL-6 an identifier: a sign stands after a space, a bracket, a
    // Japanese word or nothing.
    if lead.chars().next_back().is_some_and(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | ')' | '-' | '~' | '〜')
    }) {
        return occ.range.end;
    }
    let (Value::Num(lo), Value::Num(hi)) = (&occ.value_min, &occ.value_max) else {
        return occ.range.end;
    };
    let (lo, hi) = (-*hi, -*lo);
    occ.value_min = Value::Num(lo);
    occ.value_max = Value::Num(hi);
    occ.range.start -= sign.len();
    if sign == "マイナス" && occ.unit.is_empty() && s.at(occ.range.end).starts_with('度') {
        occ.range.end += '度'.len_utf8();
        occ.unit = "celsius";
        occ.kind = Kind::Measurement;
    }
    occ.range.end
}

/// The period of a rate written before its count: 月に1回, 週2回, 年に約1回, 毎週2〜3回
/// (not the 月 of 3か月 or 6ヶ月).
fn period_before(s: &Scanner, start: usize) -> Option<&'static str> {
    let mut before = s.text.get(..start).unwrap_or("");
    'strip: loop {
        for &(q, _) in PREFIX_QUALIFIERS {
            if let Some(rest) = before.strip_suffix(q) {
                before = rest;
                continue 'strip;
            }
        }
        break;
    }
    let before = before.strip_suffix('に').unwrap_or(before);
    let (period, rest) = [
        ("日", "day"),
        ("週", "week"),
        ("月", "month"),
        ("年", "year"),
    ]
    .into_iter()
    .find_map(|(w, p)| before.strip_suffix(w).map(|r| (p, r)))?;
    let prev = rest.chars().next_back();
    let counted = prev.is_some_and(|c| {
        c.is_ascii_digit()
            || is_kanji_digit(c).is_some()
            || matches!(
                c,
                'ヶ' | 'か'
                    | 'カ'
                    | 'ケ'
                    | 'ヵ'
                    | '箇'
                    | '数'
                    | '半'
                    | '今'
                    | '先'
                    | '来'
                    | '昨'
                    | '隔'
            )
    });
    (!counted).then_some(period)
}

/// Words that make a percentage or a share an outcome figure, within a few characters of
/// it: 満足度98%, 改善率85%, 約8割の患者さまが改善を実感.
const OUTCOME_WORDS: &[&str] = &[
    "満足度",
    "満足",
    "改善率",
    "有効率",
    "奏効率",
    "成功率",
    "治癒率",
    "改善",
    "実感",
    "効果",
    "回復",
    "軽減",
    "再生",
];

/// Whether the occurrence is an outcome figure: a percentage or a share with an outcome
/// word in the 16 characters before it or the 24 after it.
fn is_outcome(s: &Scanner, occ: &NumberOcc) -> bool {
    if !matches!(occ.kind, Kind::Percent | Kind::Ratio) {
        return false;
    }
    let before: String = {
        let t = s.text.get(..occ.range.start).unwrap_or("");
        let chars: Vec<char> = t.chars().rev().take(16).collect();
        chars.into_iter().rev().collect()
    };
    let after: String = s.at(occ.range.end).chars().take(24).collect();
    OUTCOME_WORDS
        .iter()
        .any(|w| before.contains(w) || after.contains(w))
}

enum Step {
    Emit(Box<NumberOcc>, usize),
    /// Skip to this byte, carrying these qualifiers to a number that follows at once.
    Skip(usize, u8),
}

/// Skip an ASCII/numeric run that is not a claim.
fn skip_run(s: &Scanner, i: usize) -> usize {
    let mut end = i;
    for (k, c) in s.at(i).char_indices() {
        if c.is_ascii_alphanumeric()
            || matches!(c, '-' | '.' | ':' | '/' | ',')
            || s.in_numeral(i + k)
        {
            end = i + k + c.len_utf8();
        } else {
            break;
        }
    }
    end.max(i + 1)
}

/// The numeric expression starting at byte `i` (a digit or numeral), tried shape by
/// shape in this order: runs that are not claims (labels, times, phone numbers), dates
/// with separators, the number itself, references and addresses, ratios and fractions,
/// dates in 年/月/日, what its unit says (ordinals, per-unit, decades, 1年半, idioms,
/// rates), ranges, and last the number with its unit.
fn parse_at(s: &Scanner, i: usize, carried: u8) -> Step {
    if let Some(step) = not_a_claim(s, i).or_else(|| separated_date(s, i, carried)) {
        return step;
    }
    let Some(first) = s.core(i) else {
        // Too many digits to be a quantity: skip the whole run, not just its first digit.
        let run = s.at(i).bytes().take_while(u8::is_ascii_digit).count();
        return Step::Skip(i + run.max(1), 0);
    };
    let prefix = s.prefix_qualifiers(i) | carried;
    let at = At {
        s,
        i,
        first,
        prefix,
        unit1: s.unit(first.end),
    };
    let shaped = not_a_quantity(s, i, &first)
        .or_else(|| at.ratio())
        .or_else(|| at.kanji_date())
        .or_else(|| at.by_unit())
        .or_else(|| at.by_unit_shape())
        .or_else(|| at.range());
    if let Some(step) = shaped {
        return step;
    }
    let end1 = at.end1();
    let (q, _) = s.suffix_qualifiers(end1);
    finish(
        s,
        i..end1,
        first.min,
        first.max,
        at.unit1,
        prefix | q,
        &first,
    )
}

/// Runs at `i` that are not claims: labels and identifiers, times of day, phone and
/// postal numbers.
fn not_a_claim(s: &Scanner, i: usize) -> Option<Step> {
    let rest = s.at(i);
    let b = rest.as_bytes();
    if s.is_label_or_identifier(i) {
        return Some(Step::Skip(skip_run(s, i), 0));
    }
    // Times of day (10:00, 10:00-19:00) and phone / postal numbers: not claims.
    let digits_then = |k: usize, c: u8| {
        let n = b.iter().take_while(|x| x.is_ascii_digit()).count();
        n >= 1 && n <= k && b.get(n) == Some(&c)
    };
    if digits_then(2, b':')
        && b.get(b.iter().take_while(|x| x.is_ascii_digit()).count() + 1)
            .is_some_and(u8::is_ascii_digit)
    {
        return Some(Step::Skip(skip_run(s, i), 0));
    }
    if let Some(len) = phone_or_postal(rest) {
        return Some(Step::Skip(i + len, 0));
    }
    None
}

/// Dates with separators: 2025.12.23, 2025/12/23, 2025-12-23, 2025/12.
fn separated_date(s: &Scanner, i: usize, carried: u8) -> Option<Step> {
    let (date, len) = dotted_date(s.at(i))?;
    Some(emit_simple(
        s,
        i..i + len,
        Value::Date(date.clone()),
        Value::Date(date),
        "",
        Kind::Date,
        carried,
    ))
}

/// A number at `i` that is no quantity: a list number, a reference's volume(issue):pages,
/// an address number.
fn not_a_quantity(s: &Scanner, i: usize, first: &Core) -> Option<Step> {
    let text = s.text;
    if s.is_list_number(i, first.end) {
        return Some(Step::Skip(skip_run(s, i).max(first.end), 0));
    }
    // Volume(issue):pages of a reference (46(8):1234-1240) is not a claim.
    if let Some(len) = volume_issue_pages(s.at(first.end)) {
        return Some(Step::Skip(first.end + len, 0));
    }
    // Address numbers: 6丁目, 11階, and the 6-5 that follows 丁目.
    if NOT_CLAIM_AFTER
        .iter()
        .any(|w| s.at(first.end).starts_with(w))
        || text.get(..i).is_some_and(|t| t.ends_with("丁目"))
    {
        return Some(Step::Skip(skip_run(s, i).max(first.end), 0));
    }
    None
}

/// A number that has been read, with what follows it: the context of the shape rules.
struct At<'s, 'a> {
    s: &'s Scanner<'a>,
    i: usize,
    first: Core,
    /// Qualifiers before the number (and carried to it).
    prefix: u8,
    /// The unit right after the number.
    unit1: Option<(usize, &'static str, Kind, f64)>,
}

impl At<'_, '_> {
    /// Where the number and its unit end.
    fn end1(&self) -> usize {
        self.first.end + self.unit1.map_or(0, |u| u.0)
    }

    /// Ratios (A人にB人, A人中B人) and fractions (A分のB).
    fn ratio(&self) -> Option<Step> {
        let (s, i, first, prefix) = (self.s, self.i, self.first, self.prefix);
        // Ratios: A人にB人, A人中B人.
        for joiner in ["人に", "人中", "人のうち"] {
            if s.at(first.end).starts_with(joiner) {
                let j = first.end + joiner.len();
                if s.starts_number(j)
                    && let Some(second) = s.core(j)
                    && s.at(second.end).starts_with('人')
                    && first.max > 0.0
                {
                    let end = second.end + '人'.len_utf8();
                    let v = round_ratio(second.min / first.max);
                    let (q, _) = s.suffix_qualifiers(end);
                    return Some(emit(
                        i..end,
                        Value::Num(v),
                        Value::Num(v),
                        "ratio",
                        Kind::Ratio,
                        prefix | q,
                        None,
                    ));
                }
            }
        }
        // Fractions: A分のB (1万分の1).
        if s.at(first.end).starts_with("分の") {
            let j = first.end + "分の".len();
            if s.starts_number(j)
                && let Some(second) = s.core(j)
                && first.max > 0.0
            {
                let v = round_ratio(second.min / first.max);
                let (q, _) = s.suffix_qualifiers(second.end);
                return Some(emit(
                    i..second.end,
                    Value::Num(v),
                    Value::Num(v),
                    "ratio",
                    Kind::Ratio,
                    prefix | q,
                    None,
                ));
            }
        }
        None
    }

    /// Dates written with 年/月/日, and ranges of them.
    fn kanji_date(&self) -> Option<Step> {
        let (s, i, first, prefix) = (self.s, self.i, self.first, self.prefix);
        // Dates written with 年/月/日.
        if let Some(d) = kanji_date(s, i, &first) {
            let (date, end) = d;
            // A range of dates: 2024年6月から2025年1月.
            if let Some((sep_end, _)) = range_separator(s, end)
                && s.starts_number(sep_end)
                && let Some(second) = s.core(sep_end)
                && let Some((date2, end2)) = kanji_date(s, sep_end, &second)
                && date2 >= date
            {
                let q = range_suffix(s, end2, "から");
                return Some(emit(
                    i..end2,
                    Value::Date(date),
                    Value::Date(date2),
                    "",
                    Kind::Date,
                    prefix | q,
                    None,
                ));
            }
            let (q, _) = s.suffix_qualifiers(end);
            return Some(emit(
                i..end,
                Value::Date(date.clone()),
                Value::Date(date),
                "",
                Kind::Date,
                prefix | q,
                None,
            ));
        }
        None
    }

    /// Units that say the number is not counted: ordinals (2回目), per-unit denominators
    /// (1本当たり), idioms (一種).
    fn by_unit(&self) -> Option<Step> {
        let (s, first, prefix, unit1) = (self.s, self.first, self.prefix, self.unit1);
        let end1 = self.end1();
        // Ordinals (2回目) and per-unit denominators (1本当たり) are not claims.
        if unit1.is_some() && s.at(end1).starts_with('目') {
            return Some(Step::Skip(end1, 0));
        }
        if unit1.is_some() && (s.at(end1).starts_with("当たり") || s.at(end1).starts_with("あたり"))
        {
            let len = if s.at(end1).starts_with("当たり") {
                "当たり".len()
            } else {
                "あたり".len()
            };
            return Some(Step::Skip(end1 + len, prefix));
        }
        // 一種, 一例: "a kind of", "an example" — idioms, not counts.
        if first.kanji
            && !first.big
            && first.min == 1.0
            && matches!(unit1, Some((_, "type" | "case", _, _)))
        {
            return Some(Step::Skip(end1, 0));
        }
        None
    }

    /// Decade ranges (30代から50代), 1年半 in months, rates (1日3回).
    fn by_unit_shape(&self) -> Option<Step> {
        let (s, i, first, prefix, unit1) = (self.s, self.i, self.first, self.prefix, self.unit1);
        let end1 = self.end1();
        // Decade ranges: 30代から50代, 30代〜50代 (ages 30-59).
        if unit1.is_none() && s.at(first.end).starts_with('代') && is_decade(first.min) {
            let end_d = first.end + '代'.len_utf8();
            if let Some((sep_end, sep)) = range_separator(s, end_d)
                && s.starts_number(sep_end)
                && let Some(second) = s.core(sep_end)
                && s.at(second.end).starts_with('代')
                && is_decade(second.max)
                && first.min <= second.max
            {
                let end = second.end + '代'.len_utf8();
                let q = range_suffix(s, end, sep);
                return Some(emit(
                    i..end,
                    Value::Num(first.min),
                    Value::Num(second.max + 9.0),
                    "age",
                    Kind::Age,
                    prefix | q,
                    None,
                ));
            }
        }
        // 1年半: a year and a half, in months.
        if let Some((_, "year", Kind::Duration, _)) = unit1
            && s.at(end1).starts_with('半')
        {
            let end = end1 + '半'.len_utf8();
            let (q, _) = s.suffix_qualifiers(end);
            let (lo, hi) = (first.min * 12.0 + 6.0, first.max * 12.0 + 6.0);
            return Some(emit(
                i..end,
                Value::Num(lo),
                Value::Num(hi),
                "month",
                Kind::Duration,
                prefix | q,
                None,
            ));
        }
        // 1日3回, 1日に2〜3回: a rate whose period is the first number's unit.
        if let Some((_, period @ ("day" | "week" | "month" | "year"), Kind::Duration, _)) = unit1
            && first.min == 1.0
            && first.max == 1.0
        {
            let j = if s.at(end1).starts_with('に') {
                end1 + 'に'.len_utf8()
            } else {
                end1
            };
            if s.starts_number(j)
                && let Step::Emit(mut occ, next) = parse_at(s, j, prefix)
                && occ.unit == "times"
            {
                occ.per = Some(period);
                occ.range.start = i;
                return Some(Step::Emit(occ, next));
            }
        }
        None
    }

    /// Ranges: 30〜150nm, 60%〜75%, 2週間から4週間, 2-3回.
    fn range(&self) -> Option<Step> {
        let (s, i, first, prefix, unit1) = (self.s, self.i, self.first, self.prefix, self.unit1);
        let end1 = self.end1();
        if let Some((sep_end, sep)) = range_separator(s, end1)
            && s.starts_number(sep_end)
            && !s.is_label_or_identifier(sep_end)
            && let Some(second) = s.core(sep_end)
        {
            let unit2 = s.unit(second.end);
            let end2 = second.end + unit2.map_or(0, |u| u.0);
            let same_unit = match (unit1, unit2) {
                (Some(a), Some(b)) => a.1 == b.1,
                (None, Some(_)) => true,
                (None, None) => sep != "から",
                (Some(_), None) => sep != "から" && sep != "-",
            };
            let ordered = first.min <= second.max;
            let dash_ok = sep != "-" || ordered;
            // 70〜100万人: the multiplier on the right applies to both ends, when the left
            // number is no larger than the right one's coefficient.
            let mut first = first;
            if !first.big
                && second.big
                && let Some(mult) = s.text[sep_end..second.end]
                    .chars()
                    .next_back()
                    .and_then(big_unit)
                && first.max <= second.min / mult
            {
                first.min *= mult;
                first.max *= mult;
            }
            let ordered = first.min <= second.max;
            if same_unit && dash_ok && (ordered || sep != "から") {
                let unit = unit2.or(unit1);
                let q = range_suffix(s, end2, sep);
                let (lo, hi) = (first.min.min(second.min), first.max.max(second.max));
                return Some(finish(s, i..end2, lo, hi, unit, prefix | q, &first));
            }
        }
        None
    }
}

/// A multiple of ten from 10: a decade of ages (50代).
fn is_decade(v: f64) -> bool {
    v >= 10.0 && v % 10.0 == 0.0
}

/// Build the occurrence for a number (or range) with an optional unit.
fn finish(
    s: &Scanner,
    span: Range<usize>,
    min: f64,
    max: f64,
    unit: Option<(usize, &'static str, Kind, f64)>,
    qualifiers: u8,
    first: &Core,
) -> Step {
    let Range { start, end } = span;
    // 50代, 70歳代: the ages 50-59, 70-79; 30〜50代: 30-59.
    let bare_or_age = matches!(unit, None | Some((_, "age", _, _)));
    if bare_or_age && s.at(end).starts_with('代') && is_decade(min) && is_decade(max) {
        let end = end + '代'.len_utf8();
        let (q, _) = s.suffix_qualifiers(end);
        return emit(
            start..end,
            Value::Num(min),
            Value::Num(max + 9.0),
            "age",
            Kind::Age,
            qualifiers | q,
            None,
        );
    }
    match unit {
        Some((_, "age", _, _)) => emit(
            start..end,
            Value::Num(min),
            Value::Num(max),
            "age",
            Kind::Age,
            qualifiers,
            None,
        ),
        Some((_, unit, kind, factor)) => {
            let (lo, hi) = (min * factor, max * factor);
            let (lo, hi) = if factor != 1.0 {
                (round_ratio(lo), round_ratio(hi))
            } else {
                (lo, hi)
            };
            emit(
                start..end,
                Value::Num(lo),
                Value::Num(hi),
                unit,
                kind,
                qualifiers,
                None,
            )
        }
        None => bare_number(s, start..end, min, max, qualifiers, first),
    }
}

/// A number with no unit: an idiom (一度), a cited year (J Med, 2009), a measurement of
/// a named analyte, or another number.
fn bare_number(
    s: &Scanner,
    span: Range<usize>,
    min: f64,
    max: f64,
    qualifiers: u8,
    first: &Core,
) -> Step {
    let Range { start, end } = span;
    // A kanji numeral with no unit is an idiom (一度, 一つ), not a quantity.
    if first.kanji && !first.big {
        return Step::Skip(end, 0);
    }
    // A bare four-digit year after a comma or bracket: a citation (J Med, 2009).
    let year = end - start == 4 && min == max && (1900.0..=2099.0).contains(&min);
    let before = s.text.get(..start).unwrap_or("").trim_end_matches(' ');
    let after = s.at(end);
    let citation_after = after.starts_with(';')
        || [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .any(|m| after.trim_start_matches(' ').starts_with(m) && after.starts_with(' '));
    if year
        && (before.ends_with(',')
            || before.ends_with('(')
            || before.ends_with('、')
            || citation_after)
    {
        let y = Value::Date(format!("{min}"));
        return emit(start..end, y.clone(), y, "", Kind::Date, qualifiers, None);
    }
    let analyte = s.analyte_before(start);
    let kind = if analyte.is_some() {
        Kind::Measurement
    } else {
        Kind::Other
    };
    emit(
        start..end,
        Value::Num(min),
        Value::Num(max),
        "",
        kind,
        qualifiers,
        analyte,
    )
}

fn emit(
    range: Range<usize>,
    value_min: Value,
    value_max: Value,
    unit: &'static str,
    kind: Kind,
    qualifiers: u8,
    analyte: Option<String>,
) -> Step {
    let end = range.end;
    Step::Emit(
        Box::new(NumberOcc {
            range,
            value_min,
            value_max,
            unit,
            kind,
            qualifiers,
            analyte,
            per: None,
            outcome: false,
        }),
        end,
    )
}

fn emit_simple(
    s: &Scanner,
    span: Range<usize>,
    min: Value,
    max: Value,
    unit: &'static str,
    kind: Kind,
    carried: u8,
) -> Step {
    let Range { start, end } = span;
    let (q, _) = s.suffix_qualifiers(end);
    emit(
        start..end,
        min,
        max,
        unit,
        kind,
        s.prefix_qualifiers(start) | carried | q,
        None,
    )
}

/// Suffix qualifiers after a range: the まで of `AからBまで` closes the range, it is not
/// an upper bound of B.
fn range_suffix(s: &Scanner, end: usize, sep: &str) -> u8 {
    let skip = if sep == "から" && s.at(end).starts_with("まで") {
        "まで".len()
    } else {
        0
    };
    s.suffix_qualifiers(end + skip).0
}

/// A range separator at `i`: (end of separator and any 約, the separator).
fn range_separator(s: &Scanner, i: usize) -> Option<(usize, &'static str)> {
    let rest = s.at(i);
    for sep in ["~", "〜", "-", "–", "—", "から"] {
        if let Some(after) = rest.strip_prefix(sep) {
            let extra = ["約", "およそ"]
                .iter()
                .find(|q| after.starts_with(**q))
                .map_or(0, |q| q.len());
            return Some((i + sep.len() + extra, sep));
        }
    }
    None
}

/// 2026年2月, 2026年2月3日, 2024年, 2月 → ISO date and end, when `first` is a year or month.
fn kanji_date(s: &Scanner, i: usize, first: &Core) -> Option<(String, usize)> {
    if first.min != first.max || first.min.fract() != 0.0 || first.big {
        return None;
    }
    let v = first.min as u64;
    let after = s.at(first.end);
    if let Some(rest) = after.strip_prefix('年') {
        // A four-digit year (or a year followed by a month) is a date; 3年 is a duration.
        let month = month_day(s, first.end + '年'.len_utf8());
        if let Some((m, d, end)) = month {
            let date = match d {
                Some(d) => format!("{v:04}-{m:02}-{d:02}"),
                None => format!("{v:04}-{m:02}"),
            };
            return Some((date, end));
        }
        if (1000..=2200).contains(&v) && !rest.starts_with('間') && !rest.starts_with("以上") {
            return Some((format!("{v:04}"), first.end + '年'.len_utf8()));
        }
        return None;
    }
    // 2月 alone (not 2ヶ月): a month of an unnamed year.
    if after.starts_with('月') && (1..=12).contains(&v) && !after.starts_with("月間") {
        let (m, d, end) = month_day(s, i)?;
        return Some((
            match d {
                Some(d) => format!("--{m:02}-{d:02}"),
                None => format!("--{m:02}"),
            },
            end,
        ));
    }
    None
}

/// `M月` or `M月D日` at `i`: (month, day, end).
fn month_day(s: &Scanner, i: usize) -> Option<(u64, Option<u64>, usize)> {
    let m = s.core(i)?;
    if m.min != m.max || m.min.fract() != 0.0 || !(1.0..=12.0).contains(&m.min) {
        return None;
    }
    let after = s.at(m.end);
    if !after.starts_with('月') || after.starts_with("月間") {
        return None;
    }
    let end = m.end + '月'.len_utf8();
    if s.starts_number(end)
        && let Some(d) = s.core(end)
        && d.min == d.max
        && (1.0..=31.0).contains(&d.min)
        && d.min.fract() == 0.0
        && s.at(d.end).starts_with('日')
        && !s.at(d.end).starts_with("日間")
    {
        return Some((m.min as u64, Some(d.min as u64), d.end + '日'.len_utf8()));
    }
    Some((m.min as u64, None, end))
}

/// 2025.12.23, 2025/12/23, 2025-12-23, 2025/12 at the start of `s`.
fn dotted_date(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let year_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_len != 4 {
        return None;
    }
    let sep = *b.get(4)?;
    if !matches!(sep, b'.' | b'/' | b'-') {
        return None;
    }
    let month_len = b[5..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&month_len) {
        return None;
    }
    let year: u32 = s[..4].parse().ok()?;
    let month: u32 = s[5..5 + month_len].parse().ok()?;
    if !(1000..=2200).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let mut end = 5 + month_len;
    let mut day = None;
    if b.get(end) == Some(&sep) {
        let day_len = b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if (1..=2).contains(&day_len) {
            let d: u32 = s[end + 1..end + 1 + day_len].parse().ok()?;
            if (1..=31).contains(&d) {
                day = Some(d);
                end += 1 + day_len;
            }
        }
    }
    // "2025.12" followed by more digits is a decimal, not a date; a dash date needs a day.
    if b.get(end).is_some_and(u8::is_ascii_digit) || (sep != b'/' && day.is_none()) {
        return None;
    }
    let date = match day {
        Some(d) => format!("{year:04}-{month:02}-{d:02}"),
        None => format!("{year:04}-{month:02}"),
    };
    Some((date, end))
}

/// Phone numbers (06-6212-5960, 0120-123-456, +81-3-1234-5678) and postal codes
/// (150-0001): the byte length of the run to skip.
fn phone_or_postal(s: &str) -> Option<usize> {
    let mut groups = Vec::new();
    let mut len = 0;
    let b = s.as_bytes();
    loop {
        let n = b[len..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            break;
        }
        groups.push(n);
        len += n;
        if b.get(len) == Some(&b'-') && b.get(len + 1).is_some_and(u8::is_ascii_digit) {
            len += 1;
        } else {
            break;
        }
    }
    let phone = groups.len() >= 3 && groups.iter().all(|g| (1..=5).contains(g));
    let postal = groups == [3, 4];
    (phone || postal).then_some(len)
}

/// Ratios keep six decimals (1/3 → 0.333333), enough for any percentage a text states.
fn round_ratio(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// `v` in plain decimal with at most 15 significant digits: never an exponent, no
/// binary noise (0.1 stays 0.1, 1e40 is a 1 and forty zeros).
pub(crate) fn plain_decimal(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v == 0.0 {
        return "0".into();
    }
    if let Some(short) = short_decimal(v) {
        return short;
    }
    let sci = format!("{:.14e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let point = exp + 1; // digits before the decimal point
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// [`plain_decimal`] of a value on the 10⁻⁴ grid (see [`grid_units`]), written from its
/// integer instead of through float formatting, which costs thousands of instructions.
/// `n` has at most 15 digits and the float lies far closer to `n / 10^4` than half a unit
/// of the 15th, so the 15 significant digits of the general path are `n`'s own.
fn short_decimal(v: f64) -> Option<String> {
    let n = grid_units(v)?;
    let mut bytes = Vec::new();
    write_grid(n, &mut bytes);
    String::from_utf8(bytes).ok()
}

/// `n` when `v` is exactly the float nearest to the decimal `n / 10^4` and below 10^11 in
/// magnitude: nearly every number in a text and every rounded score. Such a value can be
/// written from `n` ([`write_grid`]): that decimal is also the shortest one that reads back
/// as `v`, since any other with as few digits lies at least 10^-4 away, far more than the
/// spacing of floats below 10^11.
#[inline]
pub(crate) fn grid_units(v: f64) -> Option<i64> {
    let scaled = (v * 1e4).round();
    (v.abs() < 1e11 && scaled / 1e4 == v).then_some(scaled as i64)
}

/// Append `n / 10^4` in plain decimal, without trailing zeros (`-12.5`, `3`, `0.0001`).
#[inline]
pub(crate) fn write_grid(n: i64, out: &mut Vec<u8>) {
    if n < 0 {
        out.push(b'-');
    }
    let n = n.unsigned_abs();
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(digits.format(n / 10_000).as_bytes());
    let mut frac = n % 10_000;
    if frac > 0 {
        let mut width = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        out.push(b'.');
        let frac = digits.format(frac);
        out.extend(std::iter::repeat_n(b'0', width - frac.len()));
        out.extend_from_slice(frac.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tokenizer;
    use crate::text::normalize::Normalized;

    /// The normalized `source` and its numbers, as the pipeline finds them.
    fn occurrences(source: &str) -> (Normalized, Vec<NumberOcc>) {
        let norm = Normalized::new(source);
        let mut worker = tokenizer().worker();
        let mut tokens = Vec::new();
        worker.tokenize(&norm.text, &mut tokens);
        let numerals: Vec<Range<usize>> = tokens
            .iter()
            .filter(|t| tokenizer().features(t.word).pos_detail(1) == "数")
            .map(|t| t.range())
            .collect();
        let mut out = Vec::new();
        extract(&norm.text, &numerals, &mut out);
        (norm, out)
    }

    /// (surface as written, value_min, value_max, unit, kind, qualifier) of every number.
    fn numbers(source: &str) -> Vec<(String, String, String, String, String, String)> {
        let (norm, out) = occurrences(source);
        out.into_iter()
            .map(|n| {
                (
                    source[norm.source_range(n.range.clone())].to_string(),
                    n.value_min.render(),
                    n.value_max.render(),
                    n.unit.to_string(),
                    serde_plain(n.kind),
                    n.qualifier_text(),
                )
            })
            .collect()
    }

    fn serde_plain(kind: Kind) -> String {
        format!("{kind:?}").to_lowercase()
    }

    fn one(source: &str) -> (String, String, String, String, String, String) {
        let all = numbers(source);
        assert_eq!(all.len(), 1, "{source}: {all:?}");
        all.into_iter().next().unwrap()
    }

    fn row(
        s: &str,
        min: &str,
        max: &str,
        unit: &str,
        kind: &str,
        q: &str,
    ) -> (String, String, String, String, String, String) {
        (
            s.into(),
            min.into(),
            max.into(),
            unit.into(),
            kind.into(),
            q.into(),
        )
    }

    /// The cells of every row of `source` as numbers.csv writes them: surface, value_min,
    /// value_max, unit, kind, qualifier, per, claim, date.
    fn cells(source: &str) -> Vec<[String; 9]> {
        let (norm, out) = occurrences(source);
        out.into_iter()
            .map(|n| {
                [
                    source[norm.source_range(n.range.clone())].to_string(),
                    n.value_min.number_cell(),
                    n.value_max.number_cell(),
                    n.unit.to_string(),
                    serde_plain(n.kind),
                    n.qualifier_text(),
                    n.per.unwrap_or_default().to_string(),
                    if n.outcome {
                        "outcome".into()
                    } else {
                        String::new()
                    },
                    n.date_cell(),
                ]
            })
            .collect()
    }

    fn cells_row(r: [&str; 9]) -> [String; 9] {
        r.map(str::to_string)
    }

    #[test]
    fn multipliers_on_the_right_apply_to_both_ends() {
        assert_eq!(
            cells("国内の患者数は70〜100万人と推定されています。"),
            [cells_row([
                "70〜100万人",
                "700000",
                "1000000",
                "person",
                "count",
                "",
                "",
                "",
                ""
            ])]
        );
        assert_eq!(
            cells("1回あたり3〜5億個のエクソソームを投与します。")[0][1..3],
            ["300000000".to_string(), "500000000".to_string()]
        );
        // Near miss: the left number is larger than the right one's coefficient.
        assert_eq!(cells("費用は5000〜1万円です。")[0][1], "5000");
    }

    #[test]
    fn decades_and_decade_ranges() {
        assert_eq!(
            cells("30〜50代の女性、70歳代の男性、40代から50代の方に多い病気です。"),
            [
                cells_row(["30〜50代", "30", "59", "age", "age", "", "", "", ""]),
                cells_row(["70歳代", "70", "79", "age", "age", "", "", "", ""]),
                cells_row(["40代から50代", "40", "59", "age", "age", "", "", "", ""]),
            ]
        );
    }

    #[test]
    fn wari_is_a_percentage_and_outcomes_are_marked() {
        assert_eq!(
            cells("約8割の患者さまが、治療後に症状の改善を実感されています。"),
            [cells_row([
                "8割", "80", "80", "percent", "percent", "approx", "", "outcome", ""
            ])]
        );
        assert_eq!(cells("患者満足度98%を達成しました。")[0][7], "outcome");
        // Near miss: a share with no outcome word is a plain percentage.
        assert_eq!(
            cells("全体の3割が男性でした。")[0][1..8],
            ["30", "30", "percent", "percent", "", "", ""].map(str::to_string)
        );
    }

    #[test]
    fn half_years_in_months() {
        assert_eq!(
            cells("半年〜1年ほどで効果を感じる方が多いです。"),
            [cells_row([
                "半年〜1年",
                "6",
                "12",
                "month",
                "duration",
                "approx",
                "",
                "",
                ""
            ])]
        );
        assert_eq!(
            cells("1年半後に再検査します。"),
            [cells_row([
                "1年半", "18", "18", "month", "duration", "", "", "", ""
            ])]
        );
        // Near miss: 前半年 is not a half year of its own.
        assert!(cells("前半年の売上").is_empty());
    }

    #[test]
    fn negative_values_keep_their_sign() {
        assert_eq!(
            cells("-5℃で保存し、売上は▲5%、気温はマイナス2度、変化は−0.3%でした。"),
            [
                cells_row(["-5℃", "-5", "-5", "celsius", "measurement", "", "", "", ""]),
                cells_row(["▲5%", "-5", "-5", "percent", "percent", "", "", "", ""]),
                cells_row([
                    "マイナス2度",
                    "-2",
                    "-2",
                    "celsius",
                    "measurement",
                    "",
                    "",
                    "",
                    ""
                ]),
                cells_row([
                    "−0.3%", "-0.3", "-0.3", "percent", "percent", "", "", "", ""
                ]),
            ]
        );
        // Near misses: a range and an identifier keep their numbers positive.
        assert_eq!(
            cells("2-3回通院します。")[0][1..3],
            ["2".to_string(), "3".to_string()]
        );
        assert!(cells("IL-6が上昇").is_empty());
    }

    #[test]
    fn rates_keep_their_period() {
        assert_eq!(
            cells("月に1回、週2回、1日3回、週に2〜3回の通院が必要です。"),
            [
                cells_row(["1回", "1", "1", "times", "count", "", "month", "", ""]),
                cells_row(["2回", "2", "2", "times", "count", "", "week", "", ""]),
                cells_row(["1日3回", "3", "3", "times", "count", "", "day", "", ""]),
                cells_row(["2〜3回", "2", "3", "times", "count", "", "week", "", ""]),
            ]
        );
        // Near miss: 6ヶ月 is a duration, and its 1回 has no period.
        assert_eq!(cells("6ヶ月で1回の注射")[1][6], "");
    }

    #[test]
    fn dates_leave_the_value_cells_empty() {
        assert_eq!(
            cells("2024年6月から2025年1月にかけて、2025年12月23日に発表。"),
            [
                cells_row([
                    "2024年6月から2025年1月",
                    "",
                    "",
                    "",
                    "date",
                    "",
                    "",
                    "",
                    "2024-06/2025-01"
                ]),
                cells_row([
                    "2025年12月23日",
                    "",
                    "",
                    "",
                    "date",
                    "",
                    "",
                    "",
                    "2025-12-23"
                ]),
            ]
        );
    }

    #[test]
    fn references_sections_grades_and_idioms_are_not_claims() {
        assert!(cells("2.3.1 手順").is_empty());
        assert!(cells("KL分類グレード3の方も対象です。").is_empty());
        assert!(cells("第二種再生医療として届け出ています。").is_empty());
        assert!(cells("再生医療の一種です。").is_empty());
        // Model and product numbers: glued to Latin letters, or after 型/モデル.
        assert!(cells("機器AB-1200型とモデル3を導入").is_empty());
        // ①② mark list items (kept as written by normalization, not read as 1 and 2).
        assert!(cells("①治療の流れ ②費用の目安 ⑩その他").is_empty());
        assert_eq!(
            cells("Smith J. J Bone Joint Surg. 2018 Jul;46(8):1234-1240."),
            [cells_row(["2018", "", "", "", "date", "", "", "", "2018"])]
        );
        // Near miss: a decimal with a unit at the head of a line is a claim.
        assert_eq!(cells("1.5倍の効果が確認されています。")[0][0], "1.5倍");
    }

    #[test]
    fn units_seen_in_the_genre() {
        let unit = |src: &str| {
            let all = cells(src);
            assert_eq!(all.len(), 1, "{src}: {all:?}");
            (all[0][3].clone(), all[0][4].clone(), all[0][1].clone())
        };
        let u = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(unit("2〜8℃で保管"), u("celsius", "measurement", "2"));
        assert_eq!(unit("体重が2kg減少"), u("kg", "measurement", "2"));
        assert_eq!(unit("5gを配合"), u("g", "measurement", "5"));
        assert_eq!(unit("脂肪を20ccほど採取"), u("ml", "measurement", "20"));
        assert_eq!(unit("ヒアルロン酸を3本注射"), u("piece", "count", "3"));
        assert_eq!(unit("ひざ2箇所に注射"), u("site", "count", "2"));
        assert_eq!(unit("相談は5件"), u("count", "count", "5"));
        assert_eq!(unit("全国120施設で実施"), u("facility", "count", "120"));
        assert_eq!(unit("患者64名"), u("person", "count", "64"));
        assert_eq!(unit("濃度は2.5倍"), u("times", "multiplier", "2.5"));
        assert_eq!(unit("0.3g/kg投与"), u("g/kg", "measurement", "0.3"));
    }

    #[test]
    fn composite_units_are_kept_whole() {
        assert_eq!(
            cells("血糖値は110mg/dLでした。"),
            [cells_row([
                "110mg/dL",
                "110",
                "110",
                "mg/dl",
                "measurement",
                "",
                "",
                "",
                ""
            ])]
        );
        assert_eq!(cells("インスリン10単位")[0][3], "unit");
    }

    #[test]
    fn percent_range_with_mean() {
        assert_eq!(
            one("痛みのスコアが平均60%〜75%減少したという報告があります。"),
            row("60%〜75%", "60", "75", "percent", "percent", "mean")
        );
    }

    #[test]
    fn percent_range_with_approx_before_and_after() {
        assert_eq!(
            one("約10%〜15%程度回復した例も報告されています。"),
            row("10%〜15%", "10", "15", "percent", "percent", "approx")
        );
    }

    #[test]
    fn single_percent_with_max_and_approx() {
        assert_eq!(
            one("痛み軽減率(最大75%減)"),
            row("75%", "75", "75", "percent", "percent", "max")
        );
        assert_eq!(numbers("投与後1ヶ月で約45%減少した")[0].0, "1ヶ月");
        assert_eq!(
            numbers("投与後1ヶ月で約45%減少した")[1],
            row("45%", "45", "45", "percent", "percent", "approx")
        );
    }

    #[test]
    fn nanometre_range_with_the_unit_on_the_right() {
        assert_eq!(
            numbers("直径30〜150ナノメートル(1ミリの1万分の1以下)")[0].0,
            "30〜150ナノメートル"
        );
    }

    #[test]
    fn nanometre_ranges_in_every_spelling() {
        let all = numbers("直径30〜150ナノメートル(1ミリの1万分の1以下)という極めて小さな粒子");
        assert_eq!(
            all,
            vec![
                row("30〜150ナノメートル", "30", "150", "nm", "measurement", ""),
                row("1ミリ", "1", "1", "mm", "measurement", ""),
                row("1万分の1", "0.0001", "0.0001", "ratio", "ratio", "at_most"),
            ]
        );
        assert_eq!(
            one("直径30~150ナノメートルほどの大きさ"),
            row(
                "30~150ナノメートル",
                "30",
                "150",
                "nm",
                "measurement",
                "approx"
            )
        );
        assert_eq!(
            one("直径約３０～１５０ｎｍの小胞"),
            row(
                "３０～１５０ｎｍ",
                "30",
                "150",
                "nm",
                "measurement",
                "approx"
            )
        );
    }

    #[test]
    fn ratio_two_people_in_one() {
        assert_eq!(
            numbers("50代以上の2人に1人が抱える「ひざの悩み」"),
            vec![
                row("50代", "50", "59", "age", "age", "at_least"),
                row("2人に1人", "0.5", "0.5", "ratio", "ratio", ""),
            ]
        );
    }

    #[test]
    fn ratio_in_kanji_and_wari() {
        assert_eq!(
            one("二人に一人が悩んでいる"),
            row("二人に一人", "0.5", "0.5", "ratio", "ratio", "")
        );
        assert_eq!(
            one("3人に1人"),
            row("3人に1人", "0.333333", "0.333333", "ratio", "ratio", "")
        );
        assert_eq!(
            one("患者の約3割が改善"),
            row("3割", "30", "30", "percent", "percent", "approx")
        );
        assert_eq!(
            one("10人中7人が満足"),
            row("10人中7人", "0.7", "0.7", "ratio", "ratio", "")
        );
    }

    #[test]
    fn big_kanji_units_and_mixed_forms() {
        assert_eq!(
            one("最大1本当たり1500億(歯髄)のエクソソーム"),
            row("1500億", "150000000000", "150000000000", "", "other", "max")
        );
        assert_eq!(
            one("参加者は3万5千人"),
            row("3万5千人", "35000", "35000", "person", "count", "")
        );
        assert_eq!(
            one("費用は30万円です"),
            row("30万円", "300000", "300000", "yen", "money", "")
        );
        assert_eq!(
            one("1,500円の負担"),
            row("1,500円", "1500", "1500", "yen", "money", "")
        );
    }

    #[test]
    fn fuzzy_kanji_numerals() {
        assert_eq!(
            one("二十数年の経験"),
            row("二十数年", "21", "29", "year", "duration", "")
        );
        assert_eq!(
            one("数十人の患者"),
            row("数十人", "20", "90", "person", "count", "")
        );
        assert_eq!(
            one("十数回の注射"),
            row("十数回", "11", "19", "times", "count", "")
        );
        assert_eq!(
            one("初回の施術後、数週間から"),
            row("数週間", "2", "9", "week", "duration", "")
        );
    }

    #[test]
    fn week_and_occurrence_ranges_with_kara() {
        assert_eq!(
            numbers("2週間から4週間の間隔を空けて、合計3回から5回程度の投与"),
            vec![
                row("2週間から4週間", "2", "4", "week", "duration", ""),
                row("3回から5回", "3", "5", "times", "count", "approx"),
            ]
        );
    }

    #[test]
    fn ranges_with_different_units_are_two_numbers() {
        assert_eq!(
            numbers("1クールの治療で6ヶ月から1年近くの効果持続"),
            vec![
                row("1クール", "1", "1", "course", "count", ""),
                row("6ヶ月", "6", "6", "month", "duration", ""),
                row("1年", "1", "1", "year", "duration", "approx"),
            ]
        );
    }

    #[test]
    fn a_decrease_with_kara_is_two_values_with_their_analyte() {
        let src = "MMP-3という数値を測定したところ、治療前の2024年2月には198であったものが、2025年6月には55.6まで低下していました。";
        assert_eq!(
            numbers(src),
            vec![
                row("2024年2月", "2024-02", "2024-02", "", "date", ""),
                row("198", "198", "198", "", "measurement", ""),
                row("2025年6月", "2025-06", "2025-06", "", "date", ""),
                row("55.6", "55.6", "55.6", "", "measurement", "at_most"),
            ]
        );
        let norm = Normalized::new(src);
        let mut out = Vec::new();
        extract(&norm.text, &[], &mut out);
        let analytes: Vec<Option<String>> = out.iter().map(|n| n.analyte.clone()).collect();
        assert_eq!(analytes[1].as_deref(), Some("MMP-3"));
        assert_eq!(analytes[3].as_deref(), Some("MMP-3"));
    }

    #[test]
    fn crp_values_are_measurements_of_crp() {
        let src = "また、炎症反応を示すCRPも0.492から0.037へと著明に改善しており";
        assert_eq!(
            numbers(src),
            vec![
                row("0.492", "0.492", "0.492", "", "measurement", ""),
                row("0.037", "0.037", "0.037", "", "measurement", ""),
            ]
        );
        let mut out = Vec::new();
        extract(src, &[], &mut out);
        assert!(out.iter().all(|n| n.analyte.as_deref() == Some("CRP")));
        let mut spaced = Vec::new();
        extract("CRP 0.492 mg/dl", &[], &mut spaced);
        assert_eq!(
            spaced[0].analyte, None,
            "a unit makes it a plain measurement"
        );
        assert_eq!(spaced[0].unit, "mg/dl", "a composite unit is kept whole");
    }

    #[test]
    fn ages_and_decades() {
        assert_eq!(
            one("<症例1> 36歳 男性"),
            row("36歳", "36", "36", "age", "age", "")
        );
        assert_eq!(
            one("50歳以上の日本人"),
            row("50歳", "50", "50", "age", "age", "at_least")
        );
        assert_eq!(one("50代の女性"), row("50代", "50", "59", "age", "age", ""));
    }

    #[test]
    fn durations_with_upper_and_lower_bounds() {
        assert_eq!(
            one("3ヶ月以上続く痛み。"),
            row("3ヶ月", "3", "3", "month", "duration", "at_least")
        );
        assert_eq!(
            one("当日から1週間以内に疼痛"),
            row("1週間", "1", "1", "week", "duration", "at_most")
        );
        assert_eq!(
            one("注射後わずか15分で痛みが軽減"),
            row("15分", "15", "15", "minute", "duration", "")
        );
        assert_eq!(
            one("3カ月後"),
            row("3カ月", "3", "3", "month", "duration", "")
        );
        assert_eq!(
            one("２時間程度"),
            row("２時間", "2", "2", "hour", "duration", "approx")
        );
        assert_eq!(
            one("20年以上の研究実績"),
            row("20年", "20", "20", "year", "duration", "at_least")
        );
    }

    #[test]
    fn dates_and_date_ranges() {
        assert_eq!(
            one("そんな中、2026年2月、神奈川県"),
            row("2026年2月", "2026-02", "2026-02", "", "date", "")
        );
        assert_eq!(
            numbers("2024年10月から2025年4月まで、計4回"),
            vec![
                row(
                    "2024年10月から2025年4月",
                    "2024-10",
                    "2025-04",
                    "",
                    "date",
                    ""
                ),
                row("4回", "4", "4", "times", "count", ""),
            ]
        );
        assert_eq!(
            one("COLUMN 2025.12.23"),
            row("2025.12.23", "2025-12-23", "2025-12-23", "", "date", "")
        );
        assert_eq!(
            one("2025年12月23日に公開"),
            row("2025年12月23日", "2025-12-23", "2025-12-23", "", "date", "")
        );
        assert_eq!(
            one("(N Engl J Med, 2009)"),
            row("2009", "2009", "2009", "", "date", "")
        );
    }

    #[test]
    fn counts_with_counters() {
        assert_eq!(
            one("筋肉痛に悩む患者16名に対し"),
            row("16名", "16", "16", "person", "count", "")
        );
        assert_eq!(
            one("計4回の幹細胞上清液点滴"),
            row("4回", "4", "4", "times", "count", "")
        );
        assert_eq!(
            one("以下の3つの要因"),
            row("3つ", "3", "3", "item", "count", "")
        );
        assert_eq!(
            one("12例を対象"),
            row("12例", "12", "12", "case", "count", "")
        );
        assert_eq!(
            one("5種類の成長因子"),
            row("5種類", "5", "5", "type", "count", "")
        );
        assert_eq!(one("3件の報告"), row("3件", "3", "3", "count", "count", ""));
    }

    #[test]
    fn multipliers_and_measurements() {
        assert_eq!(
            one("2倍に増加"),
            row("2倍", "2", "2", "times", "multiplier", "")
        );
        assert_eq!(
            one("10倍以上の濃度"),
            row("10倍", "10", "10", "times", "multiplier", "at_least")
        );
        assert_eq!(
            one("ステロイド10mgの処方"),
            row("10mg", "10", "10", "mg", "measurement", "")
        );
        assert_eq!(
            one("5mLを注入"),
            row("5mL", "5", "5", "ml", "measurement", "")
        );
        assert_eq!(
            one("2ccの上清液"),
            row("2cc", "2", "2", "ml", "measurement", "")
        );
        assert_eq!(
            one("体温は37.5℃"),
            row("37.5℃", "37.5", "37.5", "celsius", "measurement", "")
        );
        assert_eq!(
            one("体重60kg"),
            row("60kg", "60", "60", "kg", "measurement", "")
        );
    }

    #[test]
    fn phone_numbers_times_and_registration_numbers_are_not_claims() {
        assert!(numbers("TEL.06-6212-5960").is_empty());
        assert!(numbers("対応時間:10:00-19:00").is_empty());
        assert!(numbers("診療時間:10:00~18:30").is_empty());
        assert!(numbers("(計画番号:PB5240089ほか/PC5250007ほか)").is_empty());
        assert!(numbers("〒104-0061 東京都中央区").is_empty());
        assert!(numbers("+81-3-3289-0202").is_empty());
    }

    #[test]
    fn protein_names_are_not_numbers() {
        assert!(numbers("タンパク質(CD9、CD63、CD81など)が存在します").is_empty());
        assert!(numbers("炎症性サイトカイン(IL-1βなど)の過剰な産生").is_empty());
        assert!(numbers("MMP-3という数値").is_empty());
        assert!(numbers("IL-6、TNF-α、TGF-β1").is_empty());
    }

    #[test]
    fn list_numbers_labels_and_addresses_are_not_claims() {
        assert!(numbers("1. 初期症状:見過ごされがちです").is_empty());
        assert!(numbers("STEP 1:初診・カウンセリング").is_empty());
        assert!(numbers("Q1. 効果はいつ頃から").is_empty());
        assert!(numbers("No.1の実績").is_empty());
        assert!(numbers("<症例1> ").is_empty());
        assert!(numbers("N2クリニック銀座本院").is_empty());
        assert!(numbers("東京都中央区銀座6丁目6-5 HULIC 11階").is_empty());
        assert!(numbers("銀座駅B5番出口").is_empty());
        assert!(
            numbers("第二種・三種の再生医療")
                .iter()
                .all(|n| n.0 != "二種")
        );
    }

    #[test]
    fn urls_emails_ordinals_and_idioms_are_not_claims() {
        assert!(numbers("https://n2clinic-ginza.com/column/123 を参照").is_empty());
        assert!(numbers("MAIL: info2@cellgrandclinic.com").is_empty());
        assert!(numbers("1回目の点滴投与後").is_empty());
        assert!(numbers("一度失われかけた軟骨、一般的、十分な効果、一時的、万が一").is_empty());
        assert!(numbers("三位一体の作用").is_empty());
    }

    #[test]
    fn plain_decimal_never_uses_exponents() {
        assert_eq!(plain_decimal(1e40), format!("1{}", "0".repeat(40)));
        assert_eq!(plain_decimal(150000000000.0), "150000000000");
        assert_eq!(plain_decimal(0.0001), "0.0001");
        assert_eq!(plain_decimal(55.6), "55.6");
        assert_eq!(plain_decimal(0.1 + 0.2), "0.3");
        assert_eq!(plain_decimal(1.0 / 3.0), "0.333333333333333");
        assert_eq!(plain_decimal(-2.5), "-2.5");
        assert_eq!(plain_decimal(1e-20), format!("0.{}1", "0".repeat(19)));
    }

    #[test]
    fn huge_digit_runs_do_not_overflow() {
        // 10^40 fits: plain decimal, no exponent.
        let forty = format!("1{}人", "0".repeat(40));
        let got = numbers(&forty);
        assert_eq!(got[0].1, format!("1{}", "0".repeat(40)));
        // Longer than MAX_DIGITS: a serial, not a quantity; skipped whole, not mangled.
        let huge = format!("{}人", "9".repeat(400));
        assert!(numbers(&huge).is_empty());
        let huge_kanji = format!("{}兆", "9".repeat(99));
        let got = numbers(&huge_kanji);
        assert!(got.iter().all(|n| !n.1.contains('e')), "{got:?}");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// [`plain_decimal`] without its short path: the reference.
    fn general(v: f64) -> String {
        let sci = format!("{:.14e}", v.abs());
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_end_matches('0');
        let point = exp + 1;
        let sign = if v < 0.0 { "-" } else { "" };
        if point <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!(
                "{sign}{digits}{}",
                "0".repeat(point as usize - digits.len())
            )
        } else {
            let (a, b) = digits.split_at(point as usize);
            format!("{sign}{a}.{b}")
        }
    }

    proptest! {
        #[test]
        fn the_short_decimal_path_writes_what_float_formatting_writes(
            n in -999_999_999_999_999i64..=999_999_999_999_999,
            scale in 0u32..=6,
            bits in any::<u64>(),
        ) {
            for v in [n as f64 / 10f64.powi(scale as i32), f64::from_bits(bits)] {
                if v.is_finite() && v != 0.0 && let Some(short) = short_decimal(v) {
                    prop_assert_eq!(short, general(v), "{}", v);
                }
            }
        }
    }

    fn check(text: &str, numerals: &[Range<usize>]) {
        let mut out = Vec::new();
        extract(text, numerals, &mut out);
        for n in &out {
            assert!(n.range.start < n.range.end && n.range.end <= text.len());
            assert!(text.is_char_boundary(n.range.start) && text.is_char_boundary(n.range.end));
            for v in [&n.value_min, &n.value_max] {
                let r = v.render();
                assert!(
                    !r.contains('e') && !r.contains("inf") && !r.contains("NaN"),
                    "{r}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in "\\PC{0,80}", ranges in prop::collection::vec((0usize..400, 0usize..400), 0..6)) {
            let numerals: Vec<Range<usize>> = ranges.into_iter().map(|(a, b)| a..b).collect();
            check(&text, &numerals);
        }

        #[test]
        fn never_panics_on_number_like_text(
            text in "[0-9０-９一二三四五六七八九十百千万億兆数〇約平均以上以下まで〜~\\-.,:/%人に分の年月日歳代倍割ヶ月回]{0,60}"
        ) {
            // Every kanji counts as a numeral here: the worst case for the parser.
            let all = std::iter::once(0..text.len()).collect::<Vec<_>>();
            check(&text, &all);
        }

        #[test]
        fn huge_digit_runs_are_plain_or_skipped(n in 1usize..400) {
            let text = format!("約{}人", "9".repeat(n));
            check(&text, &[]);
        }
    }
}
