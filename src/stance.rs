//! Stage 4c: stance — is a sentence hedged, absolute, mixed or neutral, and why.
//!
//! Cues are found on the sentence's canonical keys (see [`crate::lexicon`]): one
//! Aho–Corasick automaton over key ids finds every lexicon pattern in one pass, linear in
//! the sentence length; `surface` entries (No.1, 100%) are matched on the normalized text.
//! Then, in order:
//!
//! 1. a cue inside a longer cue is dropped (最高 inside 最高品質; 保証する inside
//!    保証するものではない); 必ずしも is its own word, so it never fires 必ず;
//! 2. **negation**: a negation right after a cue (only particles, copulas, formal nouns
//!    and light verbs between: 確実ではない, 証明されていない) cancels it — except that a
//!    negated commitment (保証, 約束, 言い切る, 限る, 断言) becomes a hedge `disclaimer`;
//! 3. **claim rules**: `safety_claim` (absolute) when a risk noun (副作用, リスク, 心配 …) is
//!    followed by は/が/も and a negative existence (ない, ありません, なし, ゼロ) — a
//!    hedge `limitation` after ほとんど/ほぼ, nothing inside a double negation;
//! 4. **scope**: a hedge whose own pattern is negated (とは言い切れない, わけではない,
//!    ものではない) takes the absolute cues before it in its clause out of force, so
//!    「絶対に安全とは言い切れません」 is hedged, not mixed;
//! 5. `efficacy_claim` (absolute) when no hedge cue is left and the sentence's main
//!    predicate — its last predicate, looking through です/ます/た/ている/のです, する and
//!    passives — is an efficacy word (改善, 緩和, 再生, 和らげる …) in affirmative form,
//!    and the sentence is not a question.
//!
//! The sentence is hedged with hedge cues only, absolute with absolute cues only, mixed
//! with both and neutral with none.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};

use crate::lexicon::{CueStance, Key, KeyCache, Lexicon, NEG, TOPIC, canonical_keys};
use crate::tokenize::{Morphs, Token};

/// The stance of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SentenceStance {
    Hedged,
    Absolute,
    Mixed,
    #[default]
    Neutral,
}

impl SentenceStance {
    pub fn as_str(self) -> &'static str {
        match self {
            SentenceStance::Hedged => "hedged",
            SentenceStance::Absolute => "absolute",
            SentenceStance::Mixed => "mixed",
            SentenceStance::Neutral => "neutral",
        }
    }
}

/// A cue found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub stance: CueStance,
    pub category: String,
    /// The lexicon expression, or for claim rules the claim word (緩和, 副作用).
    pub cue: String,
    /// Byte range in the normalized sentence.
    pub range: Range<usize>,
}

/// A candidate cue while rules are applied.
#[derive(Debug, Clone)]
struct Hit {
    stance: CueStance,
    category: String,
    cue: String,
    /// Key positions [start, end).
    keys: Range<usize>,
    range: Range<usize>,
    negating: bool,
    commitment: bool,
    dropped: bool,
}

/// The compiled matcher, shared read-only by all workers.
pub struct StanceMatcher {
    lexicon: Lexicon,
    vocab: HashMap<String, u32>,
    /// Per vocabulary id: RISK and COMMITMENT bits, so the claim rules test a key with
    /// an array read instead of a string lookup.
    flags: Vec<u8>,
    token_ac: Option<AhoCorasick>,
    token_entries: Vec<usize>,
    /// Bytes per key id in the token automaton's haystack (see [`push_id`]).
    width: usize,
    surface_ac: Option<AhoCorasick>,
    surface_entries: Vec<usize>,
}

/// Per-thread buffers.
#[derive(Default)]
pub struct StanceScratch<'d> {
    ids: Vec<u32>,
    /// The keys' ids, [`StanceMatcher::width`] bytes each.
    haystack: Vec<u8>,
    /// Keys and ids of known words by feature-cache slot.
    keys: KeyCache<'d>,
}

const RISK: u8 = 1;
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

/// Keys that may stand between a cue and the negation that cancels it.
fn negation_filler(key: &str) -> bool {
    matches!(
        key,
        "が" | "だ"
            | "に"
            | "と"
            | "の"
            | "わけ"
            | "もの"
            | "こと"
            | "する"
            | "いる"
            | "て"
            | "れる"
            | "られる"
            | "できる"
            | "なる"
            | "ある"
            | "言える"
            | "いえる"
            | "おる"
    )
}

fn is_clause_break(key: &str) -> bool {
    matches!(key, "、" | "," | "。" | "!" | "?" | ";" | ":")
}

impl StanceMatcher {
    pub fn new(lexicon: Lexicon) -> Result<Self> {
        let mut vocab = lexicon.vocabulary();
        let claims = &lexicon.claims;
        for word in claims.risk.iter().chain(&claims.commitment) {
            let next = vocab.len() as u32 + 1;
            vocab.entry(word.clone()).or_insert(next);
        }
        let mut flags = vec![0u8; vocab.len() + 1];
        for (word, &id) in &vocab {
            if claims.risk.contains(word) {
                flags[id as usize] |= RISK;
            }
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

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Find the cues of one normalized sentence and its stance. `out` is cleared first.
    ///
    /// `slots` (the feature-cache slot of each token, or empty) lets a worker look up each
    /// known word's vocabulary id once.
    pub fn analyze<'t, 'd: 't>(
        &self,
        text: &'t str,
        tokens: &[Token],
        feats: Morphs<'_, 'd>,
        scratch: &mut StanceScratch<'d>,
        out: &mut Vec<Cue>,
    ) -> SentenceStance {
        out.clear();
        let mut keys: Vec<Key<'t>> = Vec::with_capacity(tokens.len());
        let id_of = |key: &str| self.vocab.get(key).copied().unwrap_or(0);
        canonical_keys(text, tokens, feats, &mut scratch.keys, &id_of, &mut keys);
        let keys = &keys;
        scratch.ids.clear();
        scratch.haystack.clear();
        let width = self.width;
        for k in keys {
            let id = k.id;
            scratch.ids.push(id);
            push_id(id, width, &mut scratch.haystack);
        }
        let key_range = |ks: &Range<usize>| -> Range<usize> {
            match (
                keys.get(ks.start),
                ks.end.checked_sub(1).and_then(|e| keys.get(e)),
            ) {
                (Some(a), Some(b)) => tokens[a.token].start as usize..tokens[b.token].end as usize,
                _ => 0..0,
            }
        };

        let mut hits: Vec<Hit> = Vec::new();
        if let Some(ac) = &self.token_ac {
            for m in ac.find_overlapping_iter(&scratch.haystack) {
                let entry = &self.lexicon.entries[self.token_entries[m.pattern().as_usize()]];
                debug_assert_eq!(m.start() % width, 0, "matches start where a key does");
                let start = m.start() / width;
                let mut end = m.end() / width;
                let mut complete = true;
                for segment in &entry.segments[1..] {
                    let seg: Vec<u32> = segment.iter().map(|k| self.vocab[k]).collect();
                    match scratch.ids[end..]
                        .windows(seg.len())
                        .position(|w| w == seg.as_slice())
                    {
                        Some(p) => end += p + seg.len(),
                        None => {
                            complete = false;
                            break;
                        }
                    }
                }
                if !complete {
                    continue;
                }
                let ks = start..end;
                hits.push(Hit {
                    stance: entry.stance,
                    category: entry.category.clone(),
                    cue: entry.expression.clone(),
                    range: key_range(&ks),
                    keys: ks,
                    negating: entry.negating,
                    commitment: entry.segments[0]
                        .first()
                        .is_some_and(|k| self.lexicon.claims.commitment.contains(k)),
                    dropped: false,
                });
            }
        }
        if let Some(ac) = &self.surface_ac {
            for m in ac.find_overlapping_iter(text) {
                let entry = &self.lexicon.entries[self.surface_entries[m.pattern().as_usize()]];
                if !surface_boundary(text, m.start(), m.end()) {
                    continue;
                }
                let first = keys
                    .iter()
                    .position(|k| tokens[k.token].end as usize > m.start())
                    .unwrap_or(keys.len());
                let last = keys
                    .iter()
                    .rposition(|k| (tokens[k.token].start as usize) < m.end())
                    .map_or(first, |p| p + 1)
                    .max(first);
                hits.push(Hit {
                    stance: entry.stance,
                    category: entry.category.clone(),
                    cue: entry.expression.clone(),
                    keys: first..last,
                    range: m.start()..m.end(),
                    negating: false,
                    commitment: false,
                    dropped: false,
                });
            }
        }

        // 1. A cue inside a longer (or an equal, earlier) cue is dropped.
        for i in 0..hits.len() {
            for j in 0..hits.len() {
                if i == j || hits[j].dropped {
                    continue;
                }
                let (a, b) = (&hits[i].range, &hits[j].range);
                let inside = b.start <= a.start && a.end <= b.end;
                if inside && (a != b || j < i) {
                    hits[i].dropped = true;
                    break;
                }
            }
        }
        hits.retain(|h| !h.dropped);

        // 2. Negation right after a cue.
        for h in hits.iter_mut() {
            if h.negating || !negated_after(keys, h.keys.end) {
                continue;
            }
            if h.stance == CueStance::Absolute && h.commitment {
                h.stance = CueStance::Hedge;
                h.category = "disclaimer".into();
                h.negating = true;
                let neg = keys[h.keys.end..]
                    .iter()
                    .position(|k| k.key == NEG)
                    .map_or(h.keys.end, |p| h.keys.end + p + 1);
                h.keys.end = neg;
                h.range = key_range(&h.keys);
            } else {
                h.dropped = true;
            }
        }
        hits.retain(|h| !h.dropped);
        // A negated commitment word that no cue covers (お約束はできません) is a disclaimer.
        let ids = &scratch.ids;
        let flag = |i: usize| self.flags[ids[i] as usize];
        for (i, k) in keys.iter().enumerate() {
            if flag(i) & COMMITMENT == 0
                || !negated_after(keys, i + 1)
                || hits.iter().any(|h| h.keys.contains(&i))
            {
                continue;
            }
            let neg = keys[i + 1..]
                .iter()
                .position(|k| k.key == NEG)
                .map_or(i + 1, |p| i + 1 + p + 1);
            let ks = i..neg;
            hits.push(Hit {
                stance: CueStance::Hedge,
                category: "disclaimer".into(),
                cue: k.key.to_string(),
                range: key_range(&ks),
                keys: ks,
                negating: true,
                commitment: true,
                dropped: false,
            });
        }

        // 3. Safety claims.
        for (i, k) in keys.iter().enumerate() {
            if flag(i) & RISK == 0 {
                continue;
            }
            let mut j = i + 1;
            if keys.get(j).is_some_and(|k| k.key == TOPIC) {
                j += 1;
            }
            let mut softened = false;
            while let Some(k) = keys.get(j) {
                match k.key {
                    "ほとんど" | "ほぼ" => softened = true,
                    "全く" | "一切" | "まったく" => {}
                    _ => break,
                }
                j += 1;
            }
            let Some(end) = keys.get(j) else { continue };
            if end.key != NEG && end.key != "ゼロ" {
                continue;
            }
            // Inside a double negation (ないわけではない, なくもない): the lexicon's hedge.
            let double = keys[j + 1..]
                .iter()
                .take(5)
                .take_while(|k| negation_filler(k.key) || k.key == NEG)
                .any(|k| k.key == NEG);
            if double {
                continue;
            }
            let ks = i..j + 1;
            if hits.iter().any(|h| h.keys.start <= i && j < h.keys.end) {
                continue; // already part of a lexicon cue (副作用ゼロ)
            }
            let (stance, category) = if softened {
                (CueStance::Hedge, "limitation")
            } else {
                (CueStance::Absolute, "safety_claim")
            };
            hits.push(Hit {
                stance,
                category: category.into(),
                cue: k.key.to_string(),
                range: key_range(&ks),
                keys: ks,
                negating: false,
                commitment: false,
                dropped: false,
            });
        }

        // 4. A negated hedge takes the absolute cues before it in its clause out of force.
        let scopes: Vec<Range<usize>> = hits
            .iter()
            .filter(|h| h.stance == CueStance::Hedge && h.negating)
            .map(|h| {
                let clause_start = keys[..h.keys.start]
                    .iter()
                    .rposition(|k| is_clause_break(k.key))
                    .map_or(0, |p| p + 1);
                clause_start..h.keys.end
            })
            .collect();
        hits.retain(|h| {
            h.stance == CueStance::Hedge
                || !scopes
                    .iter()
                    .any(|s| s.start <= h.keys.start && h.keys.start < s.end && h.keys.end <= s.end)
        });

        // 5. Efficacy claims, when nothing hedges.
        if !hits.iter().any(|h| h.stance == CueStance::Hedge)
            && let Some((word, range)) = self.efficacy_predicate(text, tokens, feats)
        {
            hits.push(Hit {
                stance: CueStance::Absolute,
                category: "efficacy_claim".into(),
                cue: word,
                keys: 0..0,
                range,
                negating: false,
                commitment: false,
                dropped: false,
            });
        }

        hits.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.category).cmp(&(
                b.range.start,
                b.range.end,
                &b.category,
            ))
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
            });
        }
        match (hedge, absolute) {
            (true, true) => SentenceStance::Mixed,
            (true, false) => SentenceStance::Hedged,
            (false, true) => SentenceStance::Absolute,
            (false, false) => SentenceStance::Neutral,
        }
    }

    /// The main predicate if it is an efficacy word in affirmative form: (word, range).
    fn efficacy_predicate(
        &self,
        text: &str,
        tokens: &[Token],
        feats: Morphs,
    ) -> Option<(String, Range<usize>)> {
        if text.trim_end().ends_with('?') {
            return None;
        }
        let mut last: Option<usize> = None;
        let mut negated = false;
        for (i, (t, f)) in tokens.iter().zip(feats.iter()).enumerate().rev() {
            let surface = text.get(t.range()).unwrap_or("");
            let base = if f.base() == "*" { surface } else { f.base() };
            let through = match (f.pos(), f.pos_detail(1), base) {
                ("記号", _, _) => {
                    if last.is_none() {
                        continue;
                    }
                    false
                }
                ("助詞", "終助詞", "か") => return None,
                ("助詞", "終助詞", _) => true,
                ("助動詞", _, "ない" | "ぬ" | "ん") | ("形容詞", _, "ない") => {
                    negated = true;
                    true
                }
                ("助動詞", _, "ます" | "です" | "た" | "だ") => true,
                ("名詞", "非自立", "の" | "ん") => true,
                ("動詞", "非自立", _) | ("動詞", "接尾", _) => true,
                ("助詞", "接続助詞", "て" | "で") => true,
                ("動詞", "自立", "する" | "できる") => true,
                _ => false,
            };
            last.get_or_insert(i);
            if through {
                continue;
            }
            let word = crate::normalize::normalized(base);
            if negated || !self.lexicon.claims.efficacy.contains(word.as_ref()) {
                return None;
            }
            let end = tokens[last.unwrap_or(i)].end as usize;
            return Some((word.into_owned(), t.start as usize..end));
        }
        None
    }
}

/// A negation follows key position `end`, with only fillers between.
fn negated_after(keys: &[Key], end: usize) -> bool {
    for k in keys.iter().skip(end).take(6) {
        if k.key == NEG {
            return true;
        }
        if !negation_filler(k.key) {
            return false;
        }
    }
    false
}

/// Surface cues must not be part of a longer number or word (1100%, No.12).
fn surface_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let glued = |a: Option<char>, b: Option<char>| match (a, b) {
        (Some(a), Some(b)) => {
            (a.is_ascii_digit() && (b.is_ascii_digit() || b == '.'))
                || (a.is_ascii_alphabetic() && b.is_ascii_alphanumeric())
        }
        _ => false,
    };
    !glued(first, before) && !glued(last, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{matcher, tokenizer};
    use crate::tokenize::Features;

    use crate::normalize::Normalized;

    /// (stance, [(category, surface)]) of a sentence.
    fn stance(sentence: &str) -> (&'static str, Vec<(String, String)>) {
        let norm = Normalized::new(sentence);
        let mut worker = tokenizer().worker();
        let mut tokens = Vec::new();
        worker.tokenize(&norm.text, &mut tokens).unwrap();
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
            .map(|c| (c.category, sentence[norm.source_range(c.range)].to_string()))
            .collect();
        (s.as_str(), cues)
    }

    type FoundCue = (String, String, Range<usize>);

    /// Stance and cues of every sentence of `text` with `m`: (stance, [(category, cue, range)]).
    fn all_cues(m: &StanceMatcher, text: &str) -> Vec<(&'static str, Vec<FoundCue>)> {
        let mut worker = tokenizer().worker();
        let mut scratch = StanceScratch::default();
        let (mut tokens, mut cues) = (Vec::new(), Vec::new());
        crate::sentence::split(text)
            .into_iter()
            .map(|r| {
                let norm = Normalized::new(&text[r]);
                worker.tokenize(&norm.text, &mut tokens).unwrap();
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
                    .map(|c| (c.category, c.cue, c.range))
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
        let mut text = crate::lexicon::BUILTIN_LEXICON.to_string();
        for i in 0..400 {
            let (a, b) = (kana[i % kana.len()], kana[i / kana.len()]);
            text.push_str(&format!("hedge\tpossibility\tゾ{a}{b}ゾ\n"));
        }
        let claims = crate::lexicon::ClaimWords::parse(&crate::resources::Source::builtin(
            "claim_words",
            crate::lexicon::BUILTIN_CLAIM_WORDS,
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

    fn cats(sentence: &str) -> (&'static str, Vec<String>) {
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
        assert_eq!(
            cats("必ず良くなります。"),
            ("absolute", vec!["certainty".into()])
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
        // Near miss: not yet proven.
        assert_eq!(cats("効果はまだ証明されていません。").0, "neutral");
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
            ("absolute", vec!["guarantee".into()])
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
                vec![("safety_claim".into(), "心配はありません".into())]
            )
        );
        assert_eq!(
            cats("副作用はほとんどありません。"),
            ("hedged", vec!["limitation".into()])
        );
        assert_eq!(
            stance("炎症を和らげ、痛みを緩和します。"),
            (
                "absolute",
                vec![("efficacy_claim".into(), "緩和します".into())]
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
