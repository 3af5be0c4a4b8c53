//! Stage 4c: stance — is a sentence hedged, absolute, mixed or neutral, and why.
//!
//! A sentence is read by named passes, in this order (each in its own function or file,
//! each with its own tests):
//!
//! 1. **cue hits** ([`cues`]): every lexicon pattern, found in one Aho–Corasick pass over
//!    the sentence's canonical keys (see [`crate::stages::stance::lexicon`]), and `surface` entries (No.1,
//!    100%) on the normalized text; a cue inside a longer cue is dropped (最高 in
//!    最高品質), and 必ずしも is its own word, so it never fires 必ず;
//! 2. **negation and its scope** ([`negation`]): a negation right after a cue (確実では
//!    ない, 証明されていない) or after the predicate an adverbial cue modifies
//!    (根本から治すことは難しい) cancels it; a negated commitment (保証, 約束, 言い切る)
//!    becomes a hedge `disclaimer`; a hedge whose own pattern is negated (とは言い切れない,
//!    わけではない) takes the absolute cues before it in its clause out of force;
//! 3. **claims** ([`claims`]): plain claims with no cue word, read from every predicate of
//!    the sentence — efficacy, benefit, safety, evidence;
//! 4. **exclusions** ([`exclusions`]): questions assert and hedge nothing; an instruction
//!    to the reader (必ず…してください) is no certainty; a claim or adverbial booster
//!    inside the scope of a hedge that follows it in its clause is hedged, not mixed
//!    (大幅に軽減したと報告されています); a booster of a hedge (極めて稀に) hedges;
//!    expectation and report words naming a topic (期待される効果, 報告された試験) and
//!    speech reported to the writer (「…」と言われ) hedge nothing;
//! 5. **label**: hedged with hedge cues only, absolute with absolute cues only, mixed with
//!    both and neutral with none. Every cue left is a row of `cues.csv`, so every label
//!    that is not neutral is explained.

mod claims;
mod cues;
mod exclusions;
pub(crate) mod lexicon;
mod lint;
mod negation;
mod sentence;

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};

use crate::morph::Sentence;
use crate::morph::cache::SlotCache;
use crate::morph::tokenize::{Morphs, Token};
use crate::stages::stance::lexicon::{CueStance, Key, KeyCache, Lexicon, canonical_keys};
use sentence::Prepared;

/// The stance of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SentenceStance {
    Hedged,
    Absolute,
    Mixed,
    #[default]
    Neutral,
}

impl SentenceStance {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SentenceStance::Hedged => "hedged",
            SentenceStance::Absolute => "absolute",
            SentenceStance::Mixed => "mixed",
            SentenceStance::Neutral => "neutral",
        }
    }
}

/// A cue found in a sentence; its words are borrowed from the lexicon when they can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cue<'m> {
    pub(crate) stance: CueStance,
    pub(crate) category: Cow<'m, str>,
    /// The lexicon expression, or for claim rules the claim word (緩和, 副作用).
    pub(crate) cue: Cow<'m, str>,
    /// Byte range in the normalized sentence.
    pub(crate) range: Range<usize>,
    /// The rule that found it: `lexicon`, or a claim or negation rule's name.
    pub(crate) rule: &'static str,
}

/// A candidate cue while the passes run.
#[derive(Debug, Clone)]
struct Hit<'m> {
    stance: CueStance,
    category: Cow<'m, str>,
    cue: Cow<'m, str>,
    /// Key positions [start, end) (lexicon hits only).
    keys: Range<usize>,
    /// Morpheme positions [start, end).
    toks: Range<usize>,
    /// Byte range in the normalized sentence.
    range: Range<usize>,
    negating: bool,
    commitment: bool,
    rule: &'static str,
    dropped: bool,
}

/// The compiled matcher, shared read-only by all workers.
pub(crate) struct StanceMatcher {
    lexicon: Lexicon,
    vocab: HashMap<String, u32>,
    /// Per vocabulary id: the COMMITMENT bit, so the negation pass tests a key with an
    /// array read instead of a string lookup.
    flags: Vec<u8>,
    token_ac: Option<AhoCorasick>,
    token_entries: Vec<usize>,
    /// Bytes per key id in the token automaton's haystack (see [`push_id`]).
    width: usize,
    surface_ac: Option<AhoCorasick>,
    surface_entries: Vec<usize>,
    claim_index: claims::ClaimIndex,
    /// Whether claim rules are tried only where their necessary context is present
    /// ([`claims::possible`]); off in a test that checks the filter hides no claim.
    prefilter: bool,
    /// Hedge entries are only scaffolding (the compliance rules' matcher keeps the
    /// negated hedges, so that a rule's words in their scope are out of force): per
    /// entry, the atom of an absolute entry (its category is `f<atom>` when flags need it
    /// in force, `i<atom>` when only its presence counts), `None` for a hedge. `None` for
    /// the stance matcher itself.
    scaffold: Option<Vec<Option<(usize, bool)>>>,
}

/// Per-thread buffers.
#[derive(Default)]
pub(crate) struct StanceScratch<'d> {
    ids: Vec<u32>,
    /// The keys' ids, [`StanceMatcher::width`] bytes each.
    haystack: Vec<u8>,
    /// Keys and ids of known words by feature-cache slot.
    keys: KeyCache<'d>,
    /// The claim rules that may start at a known word (bit 7: looked up).
    claims: SlotCache<u8>,
    /// Per token of the sentence: whether a claim may start there.
    claim_at: Vec<u8>,
    sentence: sentence::Buffers,
    /// A scaffolded matcher's absolute entries found in the sentence before any pass took
    /// one out of force (entry category parsed as a number, normalized range): what a
    /// sentence states, even negated (「国内で承認された医薬品はありません」 states that
    /// there is none).
    pub(crate) raw: Vec<(usize, Range<usize>)>,
    /// For a scaffolded matcher: find `raw` only, no pass (the caller decides from it
    /// whether the sentence needs them).
    pub(crate) raw_only: bool,
}

const COMMITMENT: u8 = 2;

/// Key ids are written as `width` bytes each, so that a byte automaton searches a
/// sentence's keys; a key outside the vocabulary (most of them) is id 0, which no pattern
/// holds. With the built-in lexicon (under 256 keys) a key is one byte. Wider ids are
/// written seven bits a byte, the first byte with its high bit set and the others
/// without, so that a pattern can only match where a key starts.
fn push_id(id: u32, width: usize, out: &mut Vec<u8>) {
    if width == 1 {
        out.push(id as u8);
        return;
    }
    for i in (0..width).rev() {
        let bits = ((id >> (7 * i)) & 0x7F) as u8;
        out.push(if i == width - 1 { 0x80 | bits } else { bits });
    }
}

/// The fewest bytes that hold every id up to `max` (see [`push_id`]).
fn id_width(max: usize) -> usize {
    match max {
        0..=0xFF => 1,
        0x100..=0x3FFF => 2,
        _ => 4,
    }
}

impl StanceMatcher {
    /// The stance of one sentence; its cues (those left in force) are put in `out`.
    pub(crate) fn run<'m, 'd>(
        &'m self,
        s: &Sentence<'_, 'd>,
        scratch: &mut StanceScratch<'d>,
        out: &mut Vec<Cue<'m>>,
    ) -> SentenceStance {
        self.analyze(s.text(), s.tokens, s.morphs, scratch, out)
    }

    pub(crate) fn new(lexicon: Lexicon) -> Result<Self> {
        let mut vocab = lexicon.vocabulary();
        let claims = &lexicon.claims;
        for word in &claims.commitment {
            let next = vocab.len() as u32 + 1;
            vocab.entry(word.clone()).or_insert(next);
        }
        let mut flags = vec![0u8; vocab.len() + 1];
        for (word, &id) in &vocab {
            if claims.commitment.contains(word) {
                flags[id as usize] |= COMMITMENT;
            }
        }
        let width = id_width(vocab.len());
        let mut token_patterns = Vec::new();
        let mut token_entries = Vec::new();
        let mut surface_patterns = Vec::new();
        let mut surface_entries = Vec::new();
        for (i, e) in lexicon.entries.iter().enumerate() {
            if let Some(s) = &e.surface {
                surface_patterns.push(s.clone());
                surface_entries.push(i);
            } else if let Some(first) = e.segments.first() {
                let mut pattern = Vec::new();
                for k in first {
                    push_id(vocab[k], width, &mut pattern);
                }
                token_patterns.push(pattern);
                token_entries.push(i);
            }
        }
        fn build<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Option<AhoCorasick>> {
            if patterns.is_empty() {
                return Ok(None);
            }
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(patterns)
                .map(Some)
                .context("building the stance matcher")
        }
        Ok(StanceMatcher {
            claim_index: claims::ClaimIndex::new(&lexicon.claims),
            prefilter: true,
            scaffold: None,
            flags,
            width,
            token_ac: build(&token_patterns)?,
            surface_ac: build(&surface_patterns)?,
            lexicon,
            vocab,
            token_entries,
            surface_entries,
        })
    }

    /// A matcher whose hedge entries only serve as scope for the absolute ones (see
    /// `scaffold`); it has no claim words.
    pub(crate) fn scaffolded(lexicon: Lexicon) -> Result<Self> {
        let atoms = lexicon
            .entries
            .iter()
            .map(|e| {
                let (passes, atom) = match e.category.split_at_checked(1)? {
                    ("f", n) => (true, n),
                    ("i", n) => (false, n),
                    _ => return None,
                };
                Some((atom.parse().ok()?, passes))
            })
            .collect();
        Ok(StanceMatcher {
            scaffold: Some(atoms),
            ..StanceMatcher::new(lexicon)?
        })
    }

    pub(crate) fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Find the cues of one normalized sentence and its stance. `out` is cleared first.
    ///
    /// `feats` (read through the worker's feature cache when it has one) lets a worker
    /// look up each known word's vocabulary id once.
    pub(crate) fn analyze<'t, 'd: 't, 'm>(
        &'m self,
        text: &'t str,
        tokens: &[Token],
        feats: Morphs<'_, 'd>,
        scratch: &mut StanceScratch<'d>,
        out: &mut Vec<Cue<'m>>,
    ) -> SentenceStance {
        out.clear();
        scratch.raw.clear();
        let mut keys: Vec<Key<'t>> = Vec::with_capacity(tokens.len());
        let id_of = |key: &str| self.vocab.get(key).copied().unwrap_or(0);
        canonical_keys(text, tokens, feats, &mut scratch.keys, &id_of, &mut keys);
        scratch.ids.clear();
        scratch.haystack.clear();
        for k in &keys {
            scratch.ids.push(k.id);
            push_id(k.id, self.width, &mut scratch.haystack);
        }
        // A scaffolded matcher has no claim words: no claim starts anywhere.
        if self.scaffold.is_some() {
            scratch.claim_at.clear();
            scratch.claim_at.resize(tokens.len(), 0);
        } else {
            self.claim_starts(text, tokens, feats, scratch);
        }
        // A scaffolded matcher: what is present, and whether any of it needs the passes.
        if let Some(atoms) = &self.scaffold {
            let passes = self.raw_hits(atoms, text, tokens, &keys, scratch);
            if !passes || scratch.raw_only {
                return SentenceStance::Neutral;
            }
        } else if self.is_quiet(text, scratch) {
            // Most sentences have no cue, no claim word and no commitment: they are
            // neutral without building the morpheme view.
            return SentenceStance::Neutral;
        }
        let claim_at = &scratch.claim_at;
        let s = Prepared::new(
            text,
            tokens,
            feats,
            &keys,
            &scratch.ids,
            &mut scratch.sentence,
            |i, _| claim_at[i],
        );

        let mut hits = Vec::new();
        cues::find(self, &s, &scratch.haystack, &mut hits); // 1
        cues::drop_nested(&mut hits);
        negation::cancel_negated(&s, &mut hits); // 2
        negation::negated_commitments(self, &s, &mut hits);
        negation::negated_hedge_scope(&s, &mut hits);
        claims::find(self, &s, &mut hits); // 3
        exclusions::apply(&s, &mut hits); // 4
        s.recycle(&mut scratch.sentence);
        label(hits, out) // 5
    }

    /// Whether a claim may start at each token (`scratch.claim_at`: the claim rules that
    /// may), looked up once per known word by its feature-cache slot.
    fn claim_starts<'d>(
        &self,
        text: &str,
        tokens: &[Token],
        feats: Morphs<'_, 'd>,
        scratch: &mut StanceScratch<'d>,
    ) {
        // Whether a claim may start at each token, by feature-cache slot for known words.
        let index = &self.claim_index;
        let cache = &mut scratch.claims;
        scratch.claim_at.clear();
        scratch.claim_at.extend((0..tokens.len()).map(|i| {
            let f = feats.get(i);
            let base = || {
                let base = if f.base() == "*" {
                    text.get(tokens[i].range()).unwrap_or("")
                } else {
                    f.base()
                };
                crate::stages::stance::lexicon::canonical_base(base).unwrap_or(base)
            };
            let rules = match feats.slot(i) {
                Some(slot) if !f.unknown => {
                    let cached = cache.entry(slot);
                    // Bit 7: looked up.
                    if *cached == 0 {
                        *cached = 0x80 | index.rules(base());
                    }
                    *cached & 0x7F
                }
                _ => index.rules(base()),
            };
            if rules == 0 || !self.prefilter {
                return rules;
            }
            claims::possible(rules, i, feats, &self.lexicon.claims)
        }));
    }

    /// A scaffolded matcher's absolute entries in the sentence, before any pass, into
    /// `scratch.raw` (atom, normalized range) straight from the automata; whether one of
    /// them needs the passes (a flag's words, to be taken out of force when negated).
    fn raw_hits(
        &self,
        atoms: &[Option<(usize, bool)>],
        text: &str,
        tokens: &[Token],
        keys: &[Key<'_>],
        scratch: &mut StanceScratch<'_>,
    ) -> bool {
        let mut passes = false;
        if let Some(ac) = &self.token_ac {
            for found in ac.find_overlapping_iter(&scratch.haystack[..]) {
                let e = self.token_entries[found.pattern().as_usize()];
                let Some((atom, needs)) = atoms[e] else {
                    continue;
                };
                let entry = &self.lexicon.entries[e];
                let start = found.start() / self.width;
                let later = &entry.segments[1..];
                let Some(end) =
                    cues::later_segments(self, &scratch.ids, later, found.end() / self.width)
                else {
                    continue;
                };
                let (a, b) = (keys[start].token, keys[end - 1].token);
                let range = tokens[a].start as usize..tokens[b].end as usize;
                scratch.raw.push((atom, range));
                passes |= needs;
            }
        }
        if let Some(ac) = &self.surface_ac {
            for found in ac.find_overlapping_iter(text) {
                let e = self.surface_entries[found.pattern().as_usize()];
                if let Some((atom, needs)) = atoms[e] {
                    scratch.raw.push((atom, found.start()..found.end()));
                    passes |= needs;
                }
            }
        }
        passes
    }

    /// A sentence with no cue, no claim word and no commitment is neutral without the
    /// morpheme view (most sentences).
    fn is_quiet(&self, text: &str, scratch: &StanceScratch<'_>) -> bool {
        scratch.claim_at.iter().all(|&r| r == 0)
            && self
                .token_ac
                .as_ref()
                .is_none_or(|ac| ac.find(&scratch.haystack[..]).is_none())
            && self
                .surface_ac
                .as_ref()
                .is_none_or(|ac| ac.find(text).is_none())
            && !scratch
                .ids
                .iter()
                .any(|&id| self.flags[id as usize] & COMMITMENT != 0)
    }
}

/// Pass 5: the cues left, in sentence order, and the sentence's stance.
fn label<'m>(mut hits: Vec<Hit<'m>>, out: &mut Vec<Cue<'m>>) -> SentenceStance {
    hits.retain(|h| !h.dropped);
    hits.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.category).cmp(&(b.range.start, b.range.end, &b.category))
    });
    let (mut hedge, mut absolute) = (false, false);
    for h in hits {
        match h.stance {
            CueStance::Hedge => hedge = true,
            CueStance::Absolute => absolute = true,
        }
        out.push(Cue {
            stance: h.stance,
            category: h.category,
            cue: h.cue,
            range: h.range,
            rule: h.rule,
        });
    }
    match (hedge, absolute) {
        (true, true) => SentenceStance::Mixed,
        (true, false) => SentenceStance::Hedged,
        (false, true) => SentenceStance::Absolute,
        (false, false) => SentenceStance::Neutral,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::morph::tokenize::Features;
    use crate::test_support::{matcher, tokenizer};

    use crate::text::normalize::Normalized;

    /// (stance, [(category, surface)]) of a sentence.
    pub(crate) fn stance(sentence: &str) -> (&'static str, Vec<(String, String)>) {
        let norm = Normalized::new(sentence);
        let mut worker = tokenizer().worker();
        let mut tokens = Vec::new();
        worker.tokenize(&norm.text, &mut tokens);
        let feats: Vec<Features> = tokens
            .iter()
            .map(|t| tokenizer().features(t.word))
            .collect();
        let mut scratch = StanceScratch::default();
        let mut cues = Vec::new();
        let s = matcher().analyze(
            &norm.text,
            &tokens,
            Morphs::direct(&feats),
            &mut scratch,
            &mut cues,
        );
        let cues = cues
            .into_iter()
            .map(|c| {
                (
                    c.category.into_owned(),
                    sentence[norm.source_range(c.range)].to_string(),
                )
            })
            .collect();
        (s.as_str(), cues)
    }

    type FoundCue = (String, String, Range<usize>);

    /// Stance and cues of every sentence of `text` with `m`: (stance, [(category, cue, range)]).
    fn all_cues(m: &StanceMatcher, text: &str) -> Vec<(&'static str, Vec<FoundCue>)> {
        let mut worker = tokenizer().worker();
        let mut scratch = StanceScratch::default();
        let (mut tokens, mut cues) = (Vec::new(), Vec::new());
        crate::text::sentence::split(text)
            .into_iter()
            .map(|r| {
                let norm = Normalized::new(&text[r]);
                worker.tokenize(&norm.text, &mut tokens);
                let feats: Vec<Features> = tokens
                    .iter()
                    .map(|t| tokenizer().features(t.word))
                    .collect();
                let s = m.analyze(
                    &norm.text,
                    &tokens,
                    Morphs::direct(&feats),
                    &mut scratch,
                    &mut cues,
                );
                let found = cues
                    .drain(..)
                    .map(|c| (c.category.into_owned(), c.cue.into_owned(), c.range))
                    .collect();
                (s.as_str(), found)
            })
            .collect()
    }

    #[test]
    fn wide_ids_are_self_synchronizing() {
        // Only the first byte of an id has its high bit set: no id's bytes can be found
        // astride two ids.
        for width in [2, 4] {
            let max = if width == 2 { 0x3FFF } else { 0x0FFF_FFFF };
            for id in [0, 1, 0x7F, 0x80, 0x101, 0x3FFF, max] {
                let mut bytes = Vec::new();
                push_id(id, width, &mut bytes);
                assert_eq!(bytes.len(), width);
                assert!(bytes[0] & 0x80 != 0 && bytes[1..].iter().all(|b| b & 0x80 == 0));
                let back = bytes
                    .iter()
                    .fold(0u32, |n, b| (n << 7) | u32::from(b & 0x7F));
                assert_eq!(back, id, "{id:#x} in {width} bytes");
            }
        }
    }

    #[test]
    fn a_lexicon_of_many_keys_matches_as_the_builtin_one_does() {
        // 400 more entries, each a katakana word of its own: over 255 keys, so key ids
        // take two bytes in the automaton's haystack.
        let kana: Vec<char> = ('ァ'..='ヶ').collect();
        let mut text = crate::stages::stance::lexicon::BUILTIN_LEXICON.to_string();
        for i in 0..400 {
            let (a, b) = (kana[i % kana.len()], kana[i / kana.len()]);
            text.push_str(&format!("hedge\tpossibility\tゾ{a}{b}ゾ\n"));
        }
        let claims =
            crate::stages::stance::lexicon::ClaimWords::parse(&crate::resources::Source::builtin(
                "claim_words",
                crate::stages::stance::lexicon::BUILTIN_CLAIM_WORDS,
            ))
            .unwrap();
        let source = crate::resources::Source::builtin("big lexicon", &text);
        let big =
            StanceMatcher::new(Lexicon::compile(&source, claims, tokenizer()).unwrap()).unwrap();
        assert_eq!((matcher().width, big.width), (1, 2));
        let mut found = 0;
        for entry in std::fs::read_dir("corpus").unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let builtin = all_cues(matcher(), &text);
            found += builtin.iter().map(|s| s.1.len()).sum::<usize>();
            assert_eq!(all_cues(&big, &text), builtin);
        }
        assert!(found > 100, "the sample corpus has cues: {found}");
        let added = all_cues(&big, "ゾアァゾがあります。");
        assert_eq!(
            added[0].1.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
            ["ゾアァゾ"]
        );
    }

    #[test]
    fn the_claim_prefilter_hides_no_claim() {
        // Every sentence of the sample corpus and the development set, with and without the
        // prefilter of claims::possible: the same cues.
        let claims =
            crate::stages::stance::lexicon::ClaimWords::parse(&crate::resources::Source::builtin(
                "claim_words",
                crate::stages::stance::lexicon::BUILTIN_CLAIM_WORDS,
            ))
            .unwrap();
        let lex = Lexicon::compile(
            &crate::resources::Source::builtin(
                "lexicon",
                crate::stages::stance::lexicon::BUILTIN_LEXICON,
            ),
            claims,
            tokenizer(),
        )
        .unwrap();
        let mut unfiltered = StanceMatcher::new(lex).unwrap();
        unfiltered.prefilter = false;
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for dir in ["corpus", "tests/fixtures/dev/texts"] {
            for entry in std::fs::read_dir(dir).unwrap() {
                files.push(entry.unwrap().path());
            }
        }
        files.sort();
        let mut claims_seen = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let filtered = all_cues(matcher(), &text);
            claims_seen += filtered
                .iter()
                .flat_map(|s| &s.1)
                .filter(|c| c.0.ends_with("_claim"))
                .count();
            assert_eq!(filtered, all_cues(&unfiltered, &text), "{}", path.display());
        }
        assert!(claims_seen > 200, "claims were found: {claims_seen}");
    }

    pub(crate) fn cats(sentence: &str) -> (&'static str, Vec<String>) {
        let (s, cues) = stance(sentence);
        (s, cues.into_iter().map(|c| c.0).collect())
    }

    #[test]
    fn possibility() {
        assert_eq!(
            cats("膝の軟骨が再生する可能性があります。"),
            ("hedged", vec!["possibility".into()])
        );
        assert_eq!(
            cats("痛みが和らぐかもしれません。"),
            ("hedged", vec!["possibility".into()])
        );
        // Near miss: 可能 (possible) alone is no hedge.
        assert_eq!(cats("日帰りでの治療が可能です。").0, "neutral");
    }

    #[test]
    fn expectation() {
        assert_eq!(
            cats("軟骨の再生が期待されています。"),
            ("hedged", vec!["expectation".into()])
        );
        assert_eq!(
            cats("改善が見込まれます。"),
            ("hedged", vec!["expectation".into()])
        );
        // Near miss: a negated expectation is no hedge.
        assert_eq!(cats("効果は期待できません。").0, "neutral");
    }

    #[test]
    fn inference() {
        assert_eq!(
            cats("炎症が関与していると考えられます。"),
            ("hedged", vec!["inference".into()])
        );
        assert_eq!(
            cats("効果があるようです。"),
            ("hedged", vec!["inference".into()])
        );
        // Near miss: よう in ように is not an inference.
        assert_eq!(cats("このように注射します。").0, "neutral");
    }

    #[test]
    fn hearsay() {
        assert_eq!(
            cats("有効であるとされています。"),
            ("hedged", vec!["hearsay".into()])
        );
        assert_eq!(cats("改善したという報告もあります。").0, "hedged");
        // Near miss: 報告 as a plain noun.
        assert_eq!(cats("検査結果を報告書にまとめます。").0, "neutral");
    }

    #[test]
    fn limitation() {
        assert_eq!(
            cats("効果には個人差があります。"),
            ("hedged", vec!["limitation".into()])
        );
        assert_eq!(
            cats("腫れが出る場合があります。"),
            ("hedged", vec!["limitation".into()])
        );
        assert_eq!(
            cats("必ずしも全員に効果があるわけではありません。"),
            ("hedged", vec!["limitation".into()])
        );
        // Near miss: 場合 without ある.
        assert_eq!(cats("注射の場合は局所麻酔を使います。").0, "neutral");
    }

    #[test]
    fn disclaimer_and_negated_commitments() {
        assert_eq!(
            stance("効果を保証するものではありません。"),
            (
                "hedged",
                vec![("disclaimer".into(), "保証するものではありません".into())]
            )
        );
        assert_eq!(
            cats("リスクがないわけではありません。"),
            ("hedged", vec!["disclaimer".into()])
        );
        assert_eq!(
            cats("絶対に安全な治療とは言い切れません。"),
            ("hedged", vec!["disclaimer".into()])
        );
        // A negated commitment not in the lexicon becomes a disclaimer.
        assert_eq!(
            cats("結果をお約束はできません。"),
            ("hedged", vec!["disclaimer".into()])
        );
        // Near miss: 保証します is a guarantee.
        assert_eq!(
            cats("効果を保証します。"),
            ("absolute", vec!["guarantee".into()])
        );
    }

    #[test]
    fn certainty() {
        // The certainty adverb and the claim it makes are two cues.
        assert_eq!(
            cats("必ず良くなります。"),
            (
                "absolute",
                vec!["certainty".into(), "efficacy_claim".into()]
            )
        );
        assert_eq!(cats("確実に痛みが取れます。").0, "absolute");
        // Near miss: 必ずしも never fires 必ず, and a negated certainty does not count.
        assert_eq!(cats("必ずしも良くなるとは限りません。").0, "hedged");
        assert_eq!(cats("効果は確実ではない。").0, "neutral");
    }

    #[test]
    fn evidence() {
        assert_eq!(cats("効果が科学的に証明されています。").0, "absolute");
        assert_eq!(
            cats("明確な治療効果が確認できました。"),
            ("absolute", vec!["evidence".into()])
        );
        // Not yet proven: no evidence, and a hedge (the development set's まだ〜ない).
        assert_eq!(
            cats("効果はまだ証明されていません。"),
            ("hedged", vec!["disclaimer".into()])
        );
    }

    #[test]
    fn booster() {
        assert_eq!(cats("痛みが劇的に軽くなります。").0, "absolute");
        assert_eq!(
            cats("拒絶反応のリスクが極めて低い治療です。"),
            ("absolute", vec!["booster".into()])
        );
        // Near miss: 劇 in 劇場.
        assert_eq!(cats("劇場に行きました。").0, "neutral");
    }

    #[test]
    fn superlative_with_surface_patterns() {
        assert_eq!(
            stance("最高品質の培養液を使用しています。").1,
            vec![("superlative".into(), "最高品質".into())]
        );
        assert_eq!(
            stance("患者満足度No.1のクリニック").1,
            vec![("superlative".into(), "No.1".into())]
        );
        assert_eq!(
            stance("患者満足度Ｎｏ．１のクリニック").1,
            vec![("superlative".into(), "Ｎｏ．１".into())]
        );
        // Near miss: No.12 is not No.1.
        assert_eq!(cats("資料No.12を参照。").0, "neutral");
    }

    #[test]
    fn novelty() {
        assert_eq!(
            cats("国内初のエクソソーム臨床研究です。"),
            ("absolute", vec!["novelty".into()])
        );
        assert_eq!(cats("最先端の再生医療を提供します。").0, "absolute");
        // Near miss: 初 in 初診.
        assert_eq!(cats("初診の方はお電話ください。").0, "neutral");
    }

    #[test]
    fn guarantee() {
        assert_eq!(
            cats("100%安全な治療です。"),
            ("absolute", vec!["guarantee".into(), "safety_claim".into()])
        );
        assert_eq!(
            stance("膝の痛みを完治させます。").1[0],
            ("guarantee".into(), "完治".into())
        );
        // Near miss: 100% inside 1100% or a decimal.
        assert_eq!(cats("濃度は1100%に達した。").0, "neutral");
    }

    #[test]
    fn claim_rules() {
        assert_eq!(
            stance("副作用の心配はありません。"),
            (
                "absolute",
                vec![("safety_claim".into(), "副作用の心配はありません".into())]
            )
        );
        // "Almost none" is still a flat safety claim (SPEC: only a denial framed as
        // reports is hedged).
        assert_eq!(
            cats("副作用はほとんどありません。"),
            ("absolute", vec!["safety_claim".into()])
        );
        assert_eq!(
            cats("重い副作用の報告はほとんどありません。"),
            ("hedged", vec!["hearsay".into()])
        );
        assert_eq!(
            stance("炎症を和らげ、痛みを緩和します。"),
            (
                "absolute",
                vec![
                    ("efficacy_claim".into(), "和らげ".into()),
                    ("efficacy_claim".into(), "緩和します".into())
                ]
            )
        );
        assert_eq!(
            cats("軟骨が再生されます。"),
            ("absolute", vec!["efficacy_claim".into()])
        );
        // Near misses: negated, a question, a hedge in the sentence.
        assert_eq!(cats("痛みは改善しません。").0, "neutral");
        assert_eq!(cats("痛みは改善しますか？").0, "neutral");
        assert_eq!(cats("痛みが改善する可能性があります。").0, "hedged");
    }

    #[test]
    fn mixed() {
        assert_eq!(
            cats("最先端の再生医療で、膝の軟骨が再生する可能性があります。"),
            ("mixed", vec!["novelty".into(), "possibility".into()])
        );
    }

    #[test]
    fn neutral() {
        assert_eq!(
            cats(
                "変形性ひざ関節症は、ひざ関節のクッションである「軟骨」がすり減ったり変形したりする病気です。"
            ),
            ("neutral", vec![])
        );
    }
}
