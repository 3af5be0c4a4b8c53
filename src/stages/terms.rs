//! Stage 4a: terms — content words and compound nouns.
//!
//! Content words are nouns, verbs and adjectives by base form, and unknown words (the
//! katakana and Latin words IPADIC does not know, by surface). Runs of nouns are joined
//! into compound terms (専門用語) following the MeCab rules of TermExtract (Nakagawa &
//! Mori), with these decisions of ours:
//!
//! - **join**: 名詞-一般, 名詞-サ変接続, 名詞-固有名詞-*, unknown words with a letter in
//!   them, 記号-アルファベット;
//! - **suffix**: 名詞-接尾-一般 (性, 症, 液, 剤), 名詞-接尾-サ変接続 (化) and — our addition,
//!   so that 根本的 and 一時的 come out whole — 名詞-接尾-形容動詞語幹 (的) attach to the
//!   noun run before them and may end a compound; with nothing before them they are dropped;
//! - **adjectival stems** (名詞-形容動詞語幹 安全, 名詞-ナイ形容詞語幹) join only when a noun
//!   or suffix follows (安全性, 可能性); otherwise they stand as word terms of their own;
//! - **prefixes** (接頭詞-名詞接続: 抗, 非, 多, 再) join when a noun follows (抗炎症作用),
//!   anywhere in the run; a prefix that nothing follows is dropped;
//! - **breaks**: 名詞-数, 名詞-非自立, 名詞-代名詞, 名詞-副詞可能, the other 名詞-接尾 kinds
//!   (助数詞 回/人, 副詞可能 内/後, 人名 様/さん), symbols, particles and everything else.
//!
//! Unknown words are trimmed of a leading or trailing 中黒 (`・エクソソーム`, which lindera
//! groups where MeCab splits) and are not terms if nothing with a letter remains.
//! Verbs and adjectives count only when 自立 (not いる in ている, not やすい in しやすい).
//! Stopwords, and lone Latin letters (the n of "n=12"), are left out after the terms are
//! formed.

use serde::Serialize;

use crate::morph::Sentence;
use crate::morph::cache::SlotCache;
use crate::morph::tokenize::{Features, Morphs, Token};
use crate::resources::Stopwords;

/// Part of speech of a term, as written in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub(crate) enum TermPos {
    #[default]
    #[serde(rename = "名詞")]
    Noun,
    #[serde(rename = "動詞")]
    Verb,
    #[serde(rename = "形容詞")]
    Adjective,
}

impl TermPos {
    pub(crate) const ALL: [TermPos; 3] = [TermPos::Noun, TermPos::Verb, TermPos::Adjective];

    /// Position in per-pos count arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// One occurrence of a term in a sentence: ranges into its [`SentenceTerms`] buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermOcc {
    term: (u32, u32),
    pub(crate) pos: TermPos,
    /// Constituents of a compound, as a range of `SentenceTerms::parts`; empty for a word.
    parts: (u32, u32),
    /// The feature-cache slot of a term that is one known word (whose text the word alone
    /// decides), `u32::MAX` otherwise.
    slot: u32,
}

impl TermOcc {
    pub(crate) fn is_compound(&self) -> bool {
        self.parts.1 - self.parts.0 > 1
    }

    /// The feature-cache slot of a term that is one known word.
    pub(crate) fn slot(&self) -> Option<u32> {
        (self.slot != u32::MAX).then_some(self.slot)
    }
}

/// The terms of one sentence. Term texts live in one buffer reused from sentence to
/// sentence, so extracting terms allocates nothing per token.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentenceTerms {
    buf: String,
    parts: Vec<(u32, u32)>,
    pub(crate) occs: Vec<TermOcc>,
    /// The nouns of every run of two or more (whatever became of the run as terms), as
    /// ranges of `buf` with their feature-cache slots (`u32::MAX`: none) …
    run_parts: Vec<(u32, u32, u32)>,
    /// … and each run's span of `run_parts`.
    runs: Vec<(u32, u32)>,
}

impl SentenceTerms {
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.parts.clear();
        self.occs.clear();
        self.run_parts.clear();
        self.runs.clear();
    }

    /// Every noun of the sentence's runs of two or more, with its feature-cache slot and
    /// `[L, R]`: whether another noun of the run precedes and follows it (TermExtract's
    /// neighbour counts, for FLR).
    pub(crate) fn run_nouns(&self) -> impl Iterator<Item = (&str, Option<u32>, [u64; 2])> {
        self.runs.iter().flat_map(move |&(a, b)| {
            (a..b).map(move |i| {
                let (start, end, slot) = self.run_parts[i as usize];
                (
                    &self.buf[start as usize..end as usize],
                    (slot != u32::MAX).then_some(slot),
                    [u64::from(i > a), u64::from(i + 1 < b)],
                )
            })
        })
    }

    pub(crate) fn term(&self, occ: &TermOcc) -> &str {
        &self.buf[occ.term.0 as usize..occ.term.1 as usize]
    }

    /// The constituents of a compound (nothing for a single word).
    pub(crate) fn parts<'s>(&'s self, occ: &TermOcc) -> impl Iterator<Item = &'s str> + 's {
        self.parts[occ.parts.0 as usize..occ.parts.1 as usize]
            .iter()
            .map(|&(a, b)| &self.buf[a as usize..b as usize])
    }

    fn len_u32(&self) -> u32 {
        self.buf.len() as u32
    }
}

/// How often each noun is preceded (`[0]`, TermExtract's L) and followed (`[1]`, R) by
/// another noun inside the noun runs of the corpus. Mergeable counts for FLR.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Noun,
    Suffix,
    AdjStem,
    Prefix,
    Word(TermPos),
    Other,
}

/// The per-worker class cache keeps a word's [`Class::code`] in its low bits, and in
/// these two whether the word (as a term of its own) is a stopword, once looked up.
const CLASS_BITS: u8 = 0x0F;
const STOP_KNOWN: u8 = 0x10;
const STOP: u8 = 0x20;

impl Class {
    /// A non-zero byte for the per-worker class cache (0 = not classified yet).
    fn code(self) -> u8 {
        match self {
            Class::Noun => 1,
            Class::Suffix => 2,
            Class::AdjStem => 3,
            Class::Prefix => 4,
            Class::Word(TermPos::Noun) => 5,
            Class::Word(TermPos::Verb) => 6,
            Class::Word(TermPos::Adjective) => 7,
            Class::Other => 8,
        }
    }

    fn from_code(code: u8) -> Class {
        match code & CLASS_BITS {
            1 => Class::Noun,
            2 => Class::Suffix,
            3 => Class::AdjStem,
            4 => Class::Prefix,
            5 => Class::Word(TermPos::Noun),
            6 => Class::Word(TermPos::Verb),
            7 => Class::Word(TermPos::Adjective),
            _ => Class::Other,
        }
    }
}

/// Extracts the terms of one sentence. Shared read-only by all workers.
pub(crate) struct TermExtractor {
    pub(crate) stopwords: Stopwords,
    /// Join noun runs into compounds (off with `--no-compounds`: the morpheme view).
    pub(crate) compounds: bool,
}

/// A worker's state for the term stage: what it learned of each known word (class,
/// stopword), and the current sentence's terms.
#[derive(Debug, Default)]
pub(crate) struct TermScratch {
    classes: SlotCache<u8>,
    terms: SentenceTerms,
}

impl TermExtractor {
    /// The terms of one sentence (valid until the next call with the same scratch).
    pub(crate) fn run<'s>(
        &self,
        s: &Sentence<'_, '_>,
        scratch: &'s mut TermScratch,
    ) -> &'s SentenceTerms {
        let TermScratch { classes, terms } = scratch;
        terms.clear();
        self.extract(s.text(), s.tokens, s.morphs, classes, s.urls, terms);
        terms
    }

    /// Append the terms of `text` (a normalized sentence) and its `tokens` to `out`, with
    /// the nouns of its runs (see [`SentenceTerms::run_nouns`]).
    ///
    /// The feature-cache slots of `feats` (when it has them) and `classes` let a worker
    /// classify each known word once. Tokens inside `urls` (see
    /// [`crate::text::urls::url_spans`]) are not terms.
    pub(crate) fn extract<'t, 'd: 't>(
        &self,
        text: &'t str,
        tokens: &[Token],
        feats: Morphs<'_, 'd>,
        classes: &mut SlotCache<u8>,
        urls: &[std::ops::Range<usize>],
        out: &mut SentenceTerms,
    ) {
        let mut run = Run::default();
        for (i, token) in tokens.iter().enumerate() {
            let features = feats.get(i);
            let surface = &text[token.range()];
            // Fragments of URLs and e-mail addresses (https, com, ginza) are not terms.
            if urls
                .iter()
                .any(|u| u.start <= token.range().start && token.range().end <= u.end)
            {
                self.flush(&mut run, out, classes);
                continue;
            }
            // A known word's form is its own, whatever the sentence: its slot stands for it.
            let word = match feats.slot(i) {
                Some(slot) if !features.unknown => slot,
                _ => u32::MAX,
            };
            let (class, form) = match feats.slot(i) {
                // A known word's class depends on the word alone: classify it once.
                Some(slot) if !features.unknown => {
                    let code = classes.entry(slot);
                    let class = match *code & CLASS_BITS {
                        0 => {
                            let class = classify(features, surface).0;
                            *code |= class.code();
                            class
                        }
                        code => Class::from_code(code),
                    };
                    let form = match class {
                        Class::Word(_) if features.base() != "*" => features.base(),
                        _ => surface,
                    };
                    (class, form)
                }
                _ => classify(features, surface),
            };
            match class {
                Class::Noun => run.noun(form, word),
                Class::Suffix => {
                    if !run.suffix(form, word) {
                        self.flush(&mut run, out, classes);
                    }
                }
                Class::AdjStem => run.pending.push((form, true, word)),
                Class::Prefix => run.pending.push((form, false, word)),
                Class::Word(pos) => {
                    self.flush(&mut run, out, classes);
                    self.push(out, &[form], pos, word, classes);
                }
                Class::Other => self.flush(&mut run, out, classes),
            }
        }
        self.flush(&mut run, out, classes);
    }

    /// End the current run: emit it (as one compound or as its morphemes) and any
    /// adjectival stems left pending after it.
    fn flush(&self, run: &mut Run, out: &mut SentenceTerms, classes: &mut SlotCache<u8>) {
        let parts = &run.parts;
        if parts.len() > 1 {
            let first = out.run_parts.len() as u32;
            for (part, &slot) in parts.iter().zip(&run.slots) {
                let a = out.len_u32();
                out.buf.push_str(part);
                out.run_parts.push((a, out.len_u32(), slot));
            }
            out.runs.push((first, out.run_parts.len() as u32));
        }
        if self.compounds || parts.len() == 1 {
            if !parts.is_empty() {
                self.push(out, parts, TermPos::Noun, run.slots[0], classes);
            }
        } else {
            for (i, part) in parts.iter().enumerate() {
                if !run.prefixes.contains(&i) {
                    self.push(out, &[part], TermPos::Noun, run.slots[i], classes);
                }
            }
        }
        run.parts.clear();
        run.slots.clear();
        run.prefixes.clear();
        for i in 0..run.pending.len() {
            let (form, is_stem, slot) = run.pending[i];
            if is_stem {
                self.push(out, &[form], TermPos::Noun, slot, classes);
            }
        }
        run.pending.clear();
    }

    /// Append a term made of `parts` unless it is a stopword or a lone Latin letter (the n
    /// of "n=12", the Q of "Q1"; in a compound such as T細胞 a letter stays).
    /// `slot` is the word's feature-cache slot when `parts` is one known word: whether it
    /// is a stopword is then looked up once, and kept with its class in `classes`.
    fn push(
        &self,
        out: &mut SentenceTerms,
        parts: &[&str],
        pos: TermPos,
        slot: u32,
        classes: &mut SlotCache<u8>,
    ) {
        let start = out.len_u32();
        let first_part = out.parts.len() as u32;
        for part in parts {
            let a = out.len_u32();
            out.buf.push_str(part);
            if parts.len() > 1 {
                out.parts.push((a, out.len_u32()));
            }
        }
        let term = &out.buf[start as usize..];
        let lone_letter = term.len() == 1 && term.as_bytes()[0].is_ascii_alphabetic();
        let known = (parts.len() == 1 && slot != u32::MAX).then(|| classes.entry(slot));
        let stopword = match known {
            Some(code) => {
                if *code & STOP_KNOWN == 0 {
                    *code |= STOP_KNOWN
                        | if self.stopwords.contains(term) {
                            STOP
                        } else {
                            0
                        };
                }
                *code & STOP != 0
            }
            None => self.stopwords.contains(term),
        };
        if lone_letter || stopword {
            out.buf.truncate(start as usize);
            out.parts.truncate(first_part as usize);
            return;
        }
        out.occs.push(TermOcc {
            term: (start, out.len_u32()),
            pos,
            parts: (first_part, out.parts.len() as u32),
            slot: if parts.len() == 1 { slot } else { u32::MAX },
        });
    }
}

/// A noun run being built, with the prefixes and adjectival stems that wait for a noun.
#[derive(Default)]
struct Run<'t> {
    parts: Vec<&'t str>,
    /// The feature-cache slot of each part (`u32::MAX` for an unknown word).
    slots: Vec<u32>,
    /// (form, is adjectival stem, slot); prefixes are `false`.
    pending: Vec<(&'t str, bool, u32)>,
    /// Positions in `parts` of absorbed prefixes, which the morpheme view leaves out.
    prefixes: Vec<usize>,
}

impl<'t> Run<'t> {
    #[inline]
    fn absorb_pending(&mut self) {
        if !self.pending.is_empty() {
            self.absorb_pending_words();
        }
    }

    fn absorb_pending_words(&mut self) {
        for (form, is_stem, slot) in self.pending.drain(..) {
            if !is_stem {
                self.prefixes.push(self.parts.len());
            }
            self.parts.push(form);
            self.slots.push(slot);
        }
    }

    fn noun(&mut self, form: &'t str, slot: u32) {
        self.absorb_pending();
        self.parts.push(form);
        self.slots.push(slot);
    }

    /// Attach a suffix; false when there is nothing for it to attach to.
    fn suffix(&mut self, form: &'t str, slot: u32) -> bool {
        let stem_pending = self.pending.iter().any(|(_, is_stem, _)| *is_stem);
        if self.parts.is_empty() && !stem_pending {
            return false;
        }
        self.absorb_pending();
        self.parts.push(form);
        self.slots.push(slot);
        true
    }
}

fn has_letter(s: &str) -> bool {
    s.chars().any(|c| {
        // Kana and kanji first, without the general Unicode table.
        matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}')
            || c.is_ascii_alphabetic()
            || (!c.is_ascii() && c.is_alphabetic())
    })
}

/// The class of a token and the form a term uses for it.
fn classify<'a>(f: &Features<'a>, surface: &'a str) -> (Class, &'a str) {
    if f.unknown {
        let trimmed = surface.trim_matches('・');
        let katakana = trimmed
            .chars()
            .all(|c| ('\u{30A1}'..='\u{30FF}').contains(&c));
        let class =
            if f.pos_detail(1) != "数" && has_letter(trimmed) && (f.pos() == "名詞" || katakana)
            {
                Class::Noun
            } else {
                Class::Other
            };
        return (class, trimmed);
    }
    let base = if f.base() == "*" { surface } else { f.base() };
    let class = match (f.pos(), f.pos_detail(1), f.pos_detail(2)) {
        ("名詞", "一般" | "サ変接続" | "固有名詞", _) => Class::Noun,
        ("名詞", "接尾", "一般" | "サ変接続" | "形容動詞語幹") => Class::Suffix,
        ("名詞", "形容動詞語幹" | "ナイ形容詞語幹", _) => Class::AdjStem,
        ("記号", "アルファベット", _) => Class::Noun,
        ("接頭詞", "名詞接続", _) => Class::Prefix,
        ("動詞", "自立", _) => Class::Word(TermPos::Verb),
        ("形容詞", "自立", _) => Class::Word(TermPos::Adjective),
        _ => Class::Other,
    };
    // Nouns are taken as written (normalized); verbs and adjectives by base form.
    let form = match class {
        Class::Word(_) => base,
        _ => surface,
    };
    if !has_letter(form) {
        return (Class::Other, form);
    }
    (class, form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{stopwords, tokenizer};
    use rustc_hash::FxHashMap as HashMap;

    /// `[L, R]` neighbour counts by noun.
    type Neighbors = HashMap<String, [u64; 2]>;

    fn lr(parts: &[&str], neighbors: &Neighbors) -> f64 {
        crate::counts::stats::lr(
            parts
                .iter()
                .map(|p| neighbors.get(*p).copied().unwrap_or_default()),
        )
    }

    fn flr(freq: u64, parts: &[&str], neighbors: &Neighbors) -> f64 {
        crate::counts::stats::flr(freq, lr(parts, neighbors))
    }

    /// (term, pos, parts) of every occurrence.
    type Occ = (String, TermPos, Vec<String>);

    fn extract_with(text: &str, compounds: bool) -> (Vec<Occ>, Neighbors) {
        let ex = TermExtractor {
            stopwords: stopwords().clone(),
            compounds,
        };
        let mut worker = tokenizer().worker();
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens);
        let feats: Vec<Features> = tokens
            .iter()
            .map(|t| tokenizer().features(t.word))
            .collect();
        let feats = Morphs::direct(&feats);
        let mut out = SentenceTerms::default();
        let urls = crate::text::urls::url_spans(text);
        ex.extract(
            text,
            &tokens,
            feats,
            &mut SlotCache::default(),
            &urls,
            &mut out,
        );
        let mut neighbors = Neighbors::default();
        for (noun, _, [l, r]) in out.run_nouns() {
            let n = neighbors.entry(noun.to_string()).or_default();
            n[0] += l;
            n[1] += r;
        }
        let occs = out
            .occs
            .iter()
            .map(|o| {
                let parts = out.parts(o).map(str::to_string).collect();
                (out.term(o).to_string(), o.pos, parts)
            })
            .collect();
        (occs, neighbors)
    }

    fn terms(text: &str) -> Vec<String> {
        extract_with(text, true)
            .0
            .into_iter()
            .map(|(term, pos, _)| {
                let pos = match pos {
                    TermPos::Noun => "名",
                    TermPos::Verb => "動",
                    TermPos::Adjective => "形",
                };
                format!("{term}/{pos}")
            })
            .collect()
    }

    #[test]
    fn medical_compounds_come_out_whole() {
        assert_eq!(
            terms("変形性ひざ関節症の幹細胞培養上清液による治療"),
            ["変形性ひざ関節症/名", "幹細胞培養上清液/名", "治療/名"]
        );
        assert_eq!(
            terms("間葉系幹細胞が炎症性サイトカインを抑える"),
            ["間葉系幹細胞/名", "炎症性サイトカイン/名", "抑える/動"]
        );
        assert_eq!(terms("関節腔内注射を行う"), ["関節腔内注射/名"]);
    }

    #[test]
    fn suffixes_prefixes_and_adjectival_stems() {
        // 的 (接尾-形容動詞語幹) ends a compound; な breaks.
        assert_eq!(terms("根本的な治療"), ["根本的/名", "治療/名"]);
        // A prefix joins the noun after it, anywhere in the run.
        assert_eq!(
            terms("非ステロイド性抗炎症薬"),
            ["非ステロイド性抗炎症薬/名"]
        );
        // An adjectival stem joins only when a noun or suffix follows.
        assert_eq!(terms("安全性が高い"), ["安全性/名"]);
        assert_eq!(terms("治療は安全です"), ["治療/名", "安全/名"]);
        assert_eq!(terms("歩行困難になる"), ["歩行/名", "困難/名"]);
        // A dangling prefix is dropped; a suffix with nothing before it too.
        assert_eq!(terms("再び痛む"), ["痛む/動"]);
    }

    #[test]
    fn breaks_numbers_counters_and_honorific_suffixes() {
        // 名詞-数 and the counter 人 break; 様 (接尾-人名) is not part of the term.
        assert_eq!(terms("患者様の2人に1人が膝痛"), ["患者/名", "膝痛/名"]);
        // 副詞可能 (場合) breaks and is not a term; こと is 非自立.
        assert_eq!(terms("痛みが出る場合があること"), ["痛み/名"]);
        // Symbols are not terms and break runs.
        assert_eq!(
            terms("PRP・エクソソーム(上清液)"),
            ["PRP/名", "エクソソーム/名", "上清液/名"]
        );
        // A lone letter is no term, but it stays inside a compound.
        assert_eq!(terms("n=12のT細胞"), ["T細胞/名"]);
        // URL and e-mail fragments are not terms.
        assert_eq!(
            terms("詳細はhttps://n2clinic-ginza.com/column/ とinfo@cellgrandclinic.comまで"),
            ["詳細/名"]
        );
    }

    #[test]
    fn verbs_and_adjectives_by_base_form_only_when_independent() {
        // している: する (stopword) + て + いる (非自立); やすく: 非自立.
        assert_eq!(
            terms("軟骨が再生しやすくなり、痛みが和らいでいます"),
            ["軟骨/名", "再生/名", "痛み/名", "和らぐ/動"]
        );
        assert_eq!(
            terms("つらい痛みが強かった"),
            ["つらい/形", "痛み/名", "強い/形"]
        );
    }

    #[test]
    fn no_compounds_gives_the_morpheme_view_without_prefixes() {
        let (out, _) = extract_with("抗炎症作用", false);
        let got: Vec<&str> = out.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(got, ["炎症", "作用"]);
    }

    #[test]
    fn neighbor_counts_come_from_runs() {
        let (out, n) = extract_with("関節軟骨の軟骨細胞", true);
        assert_eq!(out[0].2, ["関節", "軟骨"]);
        assert_eq!(n["関節"], [0, 1]);
        assert_eq!(n["軟骨"], [1, 1]);
        assert_eq!(n["細胞"], [1, 0]);
    }

    #[test]
    fn lr_matches_the_termextract_worked_example() {
        // 情報科学技術 with (L, R) = 情報 (1,2), 科学 (2,3), 技術 (1,1):
        // LR = ((1+1)(2+1) · (2+1)(3+1) · (1+1)(1+1))^(1/6) = (6·12·4)^(1/6) = 288^(1/6).
        let n: Neighbors = [("情報", [1, 2]), ("科学", [2, 3]), ("技術", [1, 1])]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let lr = lr(&["情報", "科学", "技術"], &n);
        assert!((lr - 288f64.powf(1.0 / 6.0)).abs() < 1e-12);
        assert!((lr - 2.57).abs() < 0.005, "{lr}");
        // FLR multiplies by the term's own frequency.
        assert!((flr(3, &["情報", "科学", "技術"], &n) - 3.0 * lr).abs() < 1e-12);
    }

    #[test]
    fn flr_on_a_three_sentence_fixture_by_hand() {
        // Sentences: 関節軟骨が再生する。/ 軟骨細胞を培養する。/ 関節軟骨の軟骨細胞。
        // Runs: [関節,軟骨] ×2, [軟骨,細胞] ×2, plus 培養 alone.
        // L/R: 関節 (0,2); 軟骨 (2,2); 細胞 (2,0); 培養 (0,0).
        // 関節軟骨: f=2, LR=((0+1)(2+1)·(2+1)(2+1))^(1/4) = 27^(1/4); FLR = 2·27^(1/4) ≈ 4.559.
        // 軟骨細胞: f=2, LR=((2+1)(2+1)·(2+1)(0+1))^(1/4) = 27^(1/4), the same FLR.
        // 培養: f=1, LR = sqrt(1·1) = 1; FLR = 1. 再生: f=1, neighbours 0 → FLR 1.
        let mut all = Neighbors::default();
        let mut occ = Vec::new();
        for s in [
            "関節軟骨が再生する。",
            "軟骨細胞を培養する。",
            "関節軟骨の軟骨細胞。",
        ] {
            let (o, n) = extract_with(s, true);
            for (k, v) in n {
                let e = all.entry(k).or_default();
                e[0] += v[0];
                e[1] += v[1];
            }
            occ.extend(o);
        }
        let got: Vec<&str> = occ.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            got,
            [
                "関節軟骨",
                "再生",
                "軟骨細胞",
                "培養",
                "関節軟骨",
                "軟骨細胞"
            ]
        );
        assert_eq!(all["関節"], [0, 2]);
        assert_eq!(all["軟骨"], [2, 2]);
        assert_eq!(all["細胞"], [2, 0]);
        let expected = 2.0 * 27f64.powf(0.25);
        assert!((flr(2, &["関節", "軟骨"], &all) - expected).abs() < 1e-12);
        assert!((flr(2, &["軟骨", "細胞"], &all) - expected).abs() < 1e-12);
        assert!((flr(1, &["培養"], &all) - 1.0).abs() < 1e-12);
        assert!((expected - 4.559).abs() < 0.001);
    }
}
