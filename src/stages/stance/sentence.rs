//! The view of one sentence that every stance pass reads: its canonical keys (for the
//! lexicon automaton) and its morphemes with part of speech and base form (for the
//! grammatical rules), plus the clause each morpheme belongs to.

use std::ops::Range;

use crate::morph::tokenize::{Morphs, Token};
use crate::stages::stance::lexicon::{Key, canonical_base};

/// One morpheme as the rules read it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Morph<'t> {
    pub(crate) pos: &'t str,
    pub(crate) pos1: &'t str,
    /// The base form, kana spellings of common verbs folded to kanji (わかる → 分かる);
    /// the surface when the dictionary gives none.
    pub(crate) base: &'t str,
    pub(crate) surface: &'t str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The claim rules that may start here (see [`super::claims::ClaimIndex`]).
    pub(crate) claim: u8,
}

impl Morph<'_> {
    pub(crate) fn is(&self, pos: &str, base: &str) -> bool {
        self.pos == pos && self.base == base
    }

    /// A noun that can head a phrase (not a formal noun, suffix or number).
    pub(crate) fn is_content_noun(&self) -> bool {
        self.pos == "名詞" && !matches!(self.pos1, "非自立" | "接尾" | "数" | "代名詞")
    }

    /// ない, ぬ/ず, ません's ん, なし: a negation.
    pub(crate) fn is_negation(&self) -> bool {
        matches!(
            (self.pos, self.base),
            ("助動詞", "ない" | "ぬ" | "ん") | ("形容詞", "ない" | "なし")
        ) || (self.pos == "名詞" && self.base == "なし")
    }

    /// は, が, も as topic or subject markers.
    pub(crate) fn is_topic(&self) -> bool {
        self.pos == "助詞"
            && matches!(self.base, "は" | "が" | "も")
            && matches!(self.pos1, "係助詞" | "格助詞")
    }

    pub(crate) fn is_predicate(&self) -> bool {
        matches!(self.pos, "動詞" | "形容詞") && self.pos1 == "自立"
    }
}

/// Allocations kept by a worker from sentence to sentence.
#[derive(Default)]
pub(crate) struct Buffers {
    morphs: Vec<Morph<'static>>,
    clause: Vec<u16>,
}

/// An empty vector of morphemes with `v`'s allocation, for text of another lifetime (the
/// in-place `collect` of an empty iterator keeps the allocation).
fn relifetime<'a, 'b>(mut v: Vec<Morph<'a>>) -> Vec<Morph<'b>> {
    v.clear();
    v.into_iter().map(|_| unreachable!("empty")).collect()
}

/// A sentence prepared for the passes.
pub(crate) struct Prepared<'t, 'k> {
    pub(crate) text: &'t str,
    pub(crate) tokens: &'k [Token],
    pub(crate) keys: &'k [Key<'t>],
    pub(crate) ids: &'k [u32],
    pub(crate) morphs: Vec<Morph<'t>>,
    /// The clause of each morpheme (see [`clauses`]).
    pub(crate) clause: Vec<u16>,
}

impl<'t, 'k> Prepared<'t, 'k> {
    /// `buffers` lends its allocations (give them back with [`Prepared::recycle`]);
    /// `claim` tells whether a claim may start at token `i` with base form `base`.
    pub(crate) fn new<'d: 't>(
        text: &'t str,
        tokens: &'k [Token],
        feats: Morphs<'_, 'd>,
        keys: &'k [Key<'t>],
        ids: &'k [u32],
        buffers: &mut Buffers,
        mut claim: impl FnMut(usize, &str) -> u8,
    ) -> Self {
        let mut morphs = relifetime(std::mem::take(&mut buffers.morphs));
        morphs.extend(tokens.iter().enumerate().map(|(i, t)| {
            let f = feats.get(i);
            let surface = text.get(t.range()).unwrap_or("");
            let base = if f.base() == "*" { surface } else { f.base() };
            let base = canonical_base(base).unwrap_or(base);
            Morph {
                pos: f.pos(),
                pos1: f.pos_detail(1),
                base,
                surface,
                start: t.start as usize,
                end: t.end as usize,
                claim: claim(i, base),
            }
        }));
        let mut clause = std::mem::take(&mut buffers.clause);
        clauses(&morphs, &mut clause);
        Prepared {
            text,
            tokens,
            keys,
            ids,
            morphs,
            clause,
        }
    }

    /// Give the allocations back to `buffers` for the next sentence.
    pub(crate) fn recycle(self, buffers: &mut Buffers) {
        buffers.morphs = relifetime(self.morphs);
        buffers.clause = self.clause;
    }

    /// Byte range of the morphemes `r`.
    pub(crate) fn span(&self, r: &Range<usize>) -> Range<usize> {
        match (self.morphs.get(r.start), r.end.checked_sub(1)) {
            (Some(a), Some(e)) if e >= r.start => a.start..self.morphs[e].end,
            _ => 0..0,
        }
    }

    /// The morphemes of key positions `ks`.
    pub(crate) fn key_tokens(&self, ks: &Range<usize>) -> Range<usize> {
        match (
            self.keys.get(ks.start),
            ks.end.checked_sub(1).map(|e| self.keys.get(e)),
        ) {
            (Some(a), Some(Some(b))) if ks.end > ks.start => a.token..b.token + 1,
            _ => 0..0,
        }
    }

    /// The text of the noun run ending at morpheme `i` (compounds: 拒絶反応, 効果的,
    /// 安全性), when `i` is a noun.
    pub(crate) fn noun_run(&self, i: usize) -> Option<(usize, &'t str)> {
        let m = self.morphs.get(i)?;
        if m.pos != "名詞" {
            return None;
        }
        let mut start = i;
        while start > 0 {
            let p = &self.morphs[start - 1];
            if p.pos == "名詞" && !matches!(p.pos1, "非自立" | "数") || p.pos == "接頭詞" {
                start -= 1;
            } else {
                break;
            }
        }
        Some((start, &self.text[self.morphs[start].start..m.end]))
    }

    /// Whether the sentence asks rather than states: it ends in the particle か (…ますか,
    /// …でしょうか) or a question mark.
    pub(crate) fn is_question(&self) -> bool {
        let trimmed = self
            .text
            .trim_end_matches(|c: char| c.is_whitespace() || "」』）)]】".contains(c));
        if trimmed.ends_with('?') {
            return true;
        }
        self.morphs
            .iter()
            .rev()
            .find(|m| m.pos != "記号")
            .is_some_and(|m| m.pos == "助詞" && matches!(m.base, "か" | "かな" | "かしら"))
    }

    /// Whether the clause of morpheme `i` ends in a request to the reader (してください,
    /// しましょう, しなさい).
    pub(crate) fn is_request_clause(&self, i: usize) -> bool {
        let c = self.clause[i];
        let ms = &self.morphs;
        (0..ms.len()).filter(|&j| self.clause[j] == c).any(|j| {
            let m = &ms[j];
            matches!(m.base, "下さる" | "くださる" | "なさる")
                && m.pos == "動詞"
                && m.pos1 == "非自立"
                || (m.pos == "助動詞" && m.base == "う" && j > 0 && ms[j - 1].base == "ます")
        })
    }
}

/// Clause numbers: a new clause starts after a conjunction particle that joins two
/// statements (が, けれど, ものの, のに, し), a sentence-internal terminator, and a comma
/// that closes a clause — after a conjunctive particle (ため、 is a noun: also after a
/// noun) or an auxiliary (ですが、). A comma after a verb, an adjective or て
/// coordinates predicates (修復し、再生させる), and one after a case particle
/// (可能性が、動物実験で示唆されている) leaves its clause open.
fn clauses(ms: &[Morph], out: &mut Vec<u16>) {
    out.clear();
    let mut c = 0u16;
    for (i, m) in ms.iter().enumerate() {
        out.push(c);
        let breaks = match m.pos {
            "助詞" => {
                m.pos1 == "接続助詞"
                    && matches!(
                        m.base,
                        "が" | "けれど" | "けれども" | "けど" | "ものの" | "のに" | "し"
                    )
            }
            "記号" => match m.surface {
                "。" | "." | "!" | "?" => true,
                "、" | "," => i
                    .checked_sub(1)
                    .map(|p| &ms[p])
                    .is_some_and(|p| match p.pos {
                        "助詞" => {
                            p.pos1 == "接続助詞"
                                && !matches!(p.base, "て" | "で" | "ながら" | "たり" | "つつ")
                        }
                        // 少なく、: an adjective's continuative form ends a statement.
                        "名詞" | "形容詞" => true,
                        "助動詞" => !matches!(p.base, "ぬ" | "ず"),
                        _ => false,
                    }),
                _ => m.pos1 == "句点",
            },
            _ => false,
        };
        if breaks {
            c = c.saturating_add(1);
        }
    }
}
