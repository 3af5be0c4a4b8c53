//! One document's counts, under document-local term ids, reused by a worker from document
//! to document.

use rustc_hash::FxHashMap as HashMap;

use super::interner::{Interner, Span, keep_smaller_split, prefix_key, reset};
use crate::morph::cache::SlotCache;
use crate::stages::stance::SentenceStance;
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::{SentenceTerms, TermPos};

use super::PerPos;

/// The counts of one term (by text) in one document.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LocalTerm {
    pub(super) freq: PerPos<u64>,
    /// Occurrences in hedged (`[0]`) and absolute (`[1]`) sentences.
    pub(super) sides: PerPos<[u64; 2]>,
    /// Co-occurrence units containing the term.
    pub(super) units: u64,
    /// How often the noun is preceded (`[0]`) and followed (`[1]`) by another noun of its
    /// run (FLR's L and R).
    pub(super) neighbors: [u64; 2],
    /// Constituents of a compound (local ids in `DocCounts::part_ids`).
    pub(super) parts: Span,
}

/// A cue as counted: stance, category, cue.
pub(crate) type CueKey = (CueStance, String, String);

/// Every count of one document, under document-local term ids.
///
/// The texts are interned for the whole worker, not per document, under worker ids that
/// stay the same from document to document: a known word's term is found by its
/// feature-cache slot without hashing its text, and a worker id that was folded into the
/// corpus before keeps its corpus id (see [`CorpusCounts::fold`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct DocCounts {
    /// Every text the worker has counted, under worker ids.
    pub(super) names: Interner,
    /// Worker id of each single-word term by feature-cache slot.
    /// (Worker id + 1, so that the cache stays four bytes a word.)
    pub(super) by_slot: SlotCache<Option<std::num::NonZeroU32>>,
    /// Corpus id of each worker id (`u32::MAX`: not folded yet) in the store numbered
    /// `corpus_store`.
    pub(super) corpus_ids: Vec<u32>,
    pub(super) corpus_store: u64,
    /// The current document's number, and per worker id the number of the document that
    /// last gave it a local id ([`NEVER`] for none), and that id.
    pub(super) generation: u32,
    pub(super) local_of: Vec<(u32, u32)>,
    /// Worker id of each local id.
    pub(super) wids: Vec<u32>,
    /// Counts by local id (constituents that are not terms themselves have zero counts).
    pub(super) local: Vec<LocalTerm>,
    pub(super) part_ids: Vec<u32>,
    /// (local id, pos) of each term occurrence of the current sentence.
    pub(super) sentence: Vec<(u32, TermPos)>,
    /// Local ids of the terms of the current co-occurrence unit.
    pub(super) unit: Vec<u32>,
    /// The distinct local ids of every closed unit, one after the other …
    pub(super) unit_terms: Vec<u32>,
    /// … and where each unit ends in `unit_terms`. Pairs are formed from these once the
    /// document's corpus ids are known, straight into the worker's pair store.
    pub(super) unit_ends: Vec<u32>,
    /// Co-occurrence units closed (sentences, or 1 for a whole document).
    pub(crate) units: u64,
    pub(crate) cues: HashMap<CueKey, u64>,
    /// The doc_terms rows (freq, [`prefix_key`] of the text, local id, pos), sorted by [`DocCounts::sorted`]; kept so
    /// that every document does not grow a fresh buffer.
    pub(super) rows: Vec<(u64, u64, u32, TermPos)>,
}

/// No document's number (see [`DocCounts::local_of`]).
const NEVER: u32 = u32::MAX;

/// Texts a worker keeps interned across documents before it starts afresh (its memory is
/// then about 40 bytes a text plus the texts).
const WORKER_TEXTS: usize = 1 << 20;

impl DocCounts {
    /// Empty it for the next document, keeping its memory (and the worker's texts, unless
    /// they grew past a million).
    pub(crate) fn clear(&mut self) {
        if self.names.len() > WORKER_TEXTS || self.generation + 1 == NEVER {
            self.names.clear();
            self.by_slot.clear();
            self.corpus_ids.clear();
            self.local_of.clear();
            self.generation = 0;
        }
        self.generation += 1;
        self.wids.clear();
        self.local.clear();
        self.part_ids.clear();
        self.sentence.clear();
        self.unit.clear();
        self.unit_terms.clear();
        self.unit_ends.clear();
        self.units = 0;
        reset(&mut self.cues);
        if self.rows.capacity() > 1 << 16 {
            self.rows = Vec::new();
        }
    }

    /// The local id of a worker id, given on its first sight in the document.
    fn local(&mut self, wid: u32) -> u32 {
        let w = wid as usize;
        if self.local_of.len() <= w {
            self.local_of.resize(w + 1, (NEVER, 0));
        }
        let (generation, local) = self.local_of[w];
        if generation == self.generation {
            return local;
        }
        let local = self.wids.len() as u32;
        self.wids.push(wid);
        self.local.push(LocalTerm::default());
        self.local_of[w] = (self.generation, local);
        local
    }

    fn id(&mut self, text: &str) -> u32 {
        let wid = self.names.intern(text);
        self.local(wid)
    }

    /// The local id of `text`, which is the one known word of feature-cache slot `slot`
    /// when there is one: found by the slot, without hashing the text.
    fn word_id(&mut self, text: &str, slot: Option<u32>) -> u32 {
        let Some(slot) = slot else {
            return self.id(text);
        };
        let cached = self.by_slot.entry(slot);
        let wid = match *cached {
            Some(wid_1) => wid_1.get() - 1,
            None => {
                let wid = self.names.intern(text);
                *cached = std::num::NonZeroU32::new(wid + 1);
                wid
            }
        };
        self.local(wid)
    }

    /// The text of a local id.
    pub(super) fn name(&self, local: u32) -> &str {
        self.names.get(self.wids[local as usize])
    }

    /// Count the terms of one sentence; they also join the current co-occurrence unit
    /// and wait for [`DocCounts::end_sentence`] to learn the sentence's stance.
    pub(crate) fn add_sentence(&mut self, terms: &SentenceTerms) {
        self.sentence.clear();
        for occ in &terms.occs {
            let id = self.word_id(terms.term(occ), occ.slot());
            self.local[id as usize].freq[occ.pos.index()] += 1;
            if occ.is_compound() {
                let old = self.local[id as usize].parts;
                // Usually a compound is split as it was before: nothing to intern or weigh.
                let before = &self.part_ids[old.0 as usize..old.1 as usize];
                let as_before =
                    old.0 != old.1 && terms.parts(occ).eq(before.iter().map(|&p| self.name(p)));
                if !as_before {
                    let start = self.part_ids.len() as u32;
                    for part in terms.parts(occ) {
                        let part = self.id(part);
                        self.part_ids.push(part);
                    }
                    let (names, wids) = (&self.names, &self.wids);
                    self.local[id as usize].parts = keep_smaller_split(
                        &mut self.part_ids,
                        |p| names.get(wids[p as usize]),
                        old,
                        start,
                    );
                }
            }
            self.sentence.push((id, occ.pos));
            self.unit.push(id);
        }
        for (noun, slot, [l, r]) in terms.run_nouns() {
            let id = self.word_id(noun, slot) as usize;
            self.local[id].neighbors[0] += l;
            self.local[id].neighbors[1] += r;
        }
    }

    /// Close the current sentence with its stance: hedged and absolute sentences count
    /// their terms on that side (for `stance_terms.csv`). Occurrences that are words of the sentence's cues (`cue_texts`: 可能性 in
    /// 可能性があります, 緩和 in 緩和します) are not counted on either side, so that
    /// `stance_terms.csv` shows the topics that are hedged or asserted, not the cue words;
    /// a term is left out as many times as the cue texts contain it.
    pub(crate) fn end_sentence<'c>(
        &mut self,
        stance: SentenceStance,
        cue_texts: impl Iterator<Item = &'c str>,
    ) {
        let side = match stance {
            SentenceStance::Hedged => Some(0),
            SentenceStance::Absolute => Some(1),
            SentenceStance::Mixed | SentenceStance::Neutral => None,
        };
        if let Some(side) = side {
            let cues: Vec<&str> = cue_texts.collect();
            let mut excluded: Vec<(u32, usize)> = Vec::new();
            for &(id, pos) in &self.sentence {
                if !cues.is_empty() {
                    let name = self.name(id);
                    let inside: usize = cues.iter().map(|c| occurrences(c, name)).sum();
                    if inside > 0 {
                        match excluded.iter_mut().find(|(e, _)| *e == id) {
                            Some((_, n)) if *n < inside => {
                                *n += 1;
                                continue;
                            }
                            Some(_) => {}
                            None => {
                                excluded.push((id, 1));
                                continue;
                            }
                        }
                    }
                }
                self.local[id as usize].sides[pos.index()][side] += 1;
            }
        }
        self.sentence.clear();
    }

    /// Close the current co-occurrence unit: count each of its distinct terms once, and
    /// keep them for the pairs.
    pub(crate) fn end_unit(&mut self) {
        self.units += 1;
        self.unit.sort_unstable();
        self.unit.dedup();
        for &a in &self.unit {
            self.local[a as usize].units += 1;
        }
        if self.unit.len() > 1 {
            self.unit_terms.extend_from_slice(&self.unit);
            self.unit_ends.push(self.unit_terms.len() as u32);
        }
        self.unit.clear();
    }

    pub(crate) fn add_cue(&mut self, stance: CueStance, category: &str, cue: &str) {
        let key = (stance, category.to_string(), cue.to_string());
        *self.cues.entry(key).or_default() += 1;
    }

    /// Distinct (term, pos) pairs.
    pub(crate) fn distinct(&self) -> usize {
        self.local
            .iter()
            .map(|t| t.freq.iter().filter(|n| **n > 0).count())
            .sum()
    }

    /// (term, pos, freq) sorted by freq desc, then term, then pos — the doc_terms order.
    pub(crate) fn sorted(&mut self) -> impl Iterator<Item = (&str, TermPos, u64)> + '_ {
        let DocCounts {
            names,
            wids,
            local,
            rows,
            ..
        } = self;
        let name = |id: u32| names.get(wids[id as usize]);
        rows.clear();
        for (id, t) in local.iter().enumerate() {
            let name = name(id as u32);
            for p in TermPos::ALL {
                if t.freq[p.index()] > 0 {
                    rows.push((t.freq[p.index()], prefix_key(name), id as u32, p));
                }
            }
        }
        // Most rows are told apart by their count or by the first eight bytes of their
        // text, compared as one integer; only the rest go on to compare whole texts.
        // (term, pos) is unique, so the order is total and an unstable sort (no scratch
        // buffer) gives the same rows.
        rows.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then_with(|| (name(a.2), a.3).cmp(&(name(b.2), b.3)))
        });
        rows.iter().map(move |&(f, _, id, p)| (name(id), p, f))
    }

    /// The distinct local ids of each unit with two terms or more.
    pub(crate) fn units(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let starts = std::iter::once(0).chain(self.unit_ends.iter().copied());
        starts
            .zip(&self.unit_ends)
            .map(|(a, &b)| &self.unit_terms[a as usize..b as usize])
    }
}

/// How many times `needle` occurs in the short text `hay` (a cue), without building a
/// searcher: cues are a few words long.
pub(super) fn occurrences(hay: &str, needle: &str) -> usize {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return 0;
    }
    h.windows(n.len()).filter(|w| *w == n).count()
}
