//! The corpus's counts: every document's counts folded in, mergeable with another part's.

use rustc_hash::FxHashMap as HashMap;

use super::document::{CueKey, DocCounts};
use super::groups::{DocTotals, GroupCounts};
use super::interner::{Interner, Span, keep_smaller_split};
use super::state::TermState;
use super::{Merge, PerPos};
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::TermPos;

/// Corpus-wide counts of one term with one part of speech.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PosCounts {
    pub(crate) freq: u64,
    pub(crate) doc_freq: u64,
    pub(crate) hedged: u64,
    pub(crate) absolute: u64,
}

/// The counters of the corpus store are `u32`s, so that the long tail of rare terms costs
/// little; a counter that passes 2³² keeps its low 32 bits in place and carries the rest
/// into this (almost always empty) map, keyed by (counter index, field). Sums stay exact.
#[derive(Debug, Clone, Default)]
struct Carries(HashMap<(u32, u8), u64>);

/// Fields of the counters, for [`Carries`] keys.
const FREQ: u8 = 0;
const DOC_FREQ: u8 = 1;
const HEDGED: u8 = 2;
const ABSOLUTE: u8 = 3;
const UNITS: u8 = 4;
const LEFT: u8 = 5;
const RIGHT: u8 = 6;

impl Carries {
    fn add(&mut self, low: &mut u32, at: (u32, u8), n: u64) {
        let sum = u64::from(*low) + n;
        *low = sum as u32;
        if sum >> 32 != 0 {
            *self.0.entry(at).or_default() += sum >> 32;
        }
    }

    fn get(&self, low: u32, at: (u32, u8)) -> u64 {
        match self.0.get(&at) {
            Some(high) => (high << 32) | u64::from(low),
            None => u64::from(low),
        }
    }
}

/// Corpus-wide counts of one text and part of speech (see [`Carries`]).
#[derive(Debug, Clone, Copy, Default)]
struct PosSlot {
    /// freq, doc_freq, hedged, absolute.
    n: [u32; 4],
}

/// Corpus-wide counts of one text.
#[derive(Debug, Clone, Copy, Default)]
struct TermRecord {
    /// Index + 1 into `CorpusCounts::pos` per part of speech; 0 = never seen so.
    pos: PerPos<u32>,
    /// Co-occurrence units containing the text.
    units: u32,
    /// How often the noun is preceded (`[0]`, L) and followed (`[1]`, R) by another noun
    /// inside noun runs (TermExtract's FLR).
    neighbors: [u32; 2],
    /// Constituents of a compound, as a span of `CorpusCounts::parts`.
    parts: Span,
}

/// Every count of the corpus but the co-occurrence pairs: the terms and the cues.
#[derive(Debug, Default)]
pub(crate) struct CorpusCounts {
    pub(crate) terms: TermCounts,
    pub(crate) cues: CueCounts,
    pub(crate) groups: GroupCounts,
}

impl CorpusCounts {
    /// Add one complete document's counts under its group; `ids` receives the corpus id
    /// of each of the document's local ids (for its co-occurrence pairs).
    pub(crate) fn fold(
        &mut self,
        doc: &mut DocCounts,
        group: &str,
        totals: &DocTotals,
        ids: &mut Vec<u32>,
    ) {
        self.terms.fold(doc, ids);
        self.cues.fold(doc, group);
        self.groups.fold(group, totals, doc, ids);
    }
}

impl Merge for CorpusCounts {
    fn merge(&mut self, other: CorpusCounts) {
        let ids = self.terms.merge_ids(other.terms);
        self.cues.merge(other.cues);
        self.groups.merge(other.groups, &ids);
    }
}

/// The cues counted by group: (group, (stance, category, cue)) → (freq, doc_freq).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CueCounts(HashMap<(String, CueKey), (u64, u64)>);

impl CueCounts {
    fn fold(&mut self, doc: &DocCounts, group: &str) {
        for (cue, n) in &doc.cues {
            let e = self.0.entry((group.to_string(), cue.clone())).or_default();
            e.0 += n;
            e.1 += 1;
        }
    }

    /// Every (group, cue, (freq, doc_freq)), in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &CueKey, (u64, u64))> + '_ {
        self.0.iter().map(|((g, cue), &n)| (g.as_str(), cue, n))
    }
}

impl Merge for CueCounts {
    fn merge(&mut self, other: CueCounts) {
        for (key, (f, d)) in other.0 {
            let e = self.0.entry(key).or_default();
            e.0 += f;
            e.1 += d;
        }
    }
}

/// The term counts of the corpus: each distinct text once, in about 70 bytes plus its own
/// length.
#[derive(Debug)]
pub(crate) struct TermCounts {
    /// Which store this is: the corpus ids a worker remembers (see [`DocCounts`]) are
    /// valid for this store only.
    store: u64,
    names: Interner,
    records: Vec<TermRecord>,
    pos: Vec<PosSlot>,
    parts: Vec<u32>,
    carries: Carries,
    /// Co-occurrence units of the corpus.
    pub(crate) units: u64,
}

/// Numbers for [`TermCounts::store`], unique in the process.
static STORES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Default for TermCounts {
    fn default() -> Self {
        TermCounts {
            store: STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            names: Interner::default(),
            records: Vec::new(),
            pos: Vec::new(),
            parts: Vec::new(),
            carries: Carries::default(),
            units: 0,
        }
    }
}

impl TermCounts {
    fn id(&mut self, text: &str) -> u32 {
        let id = self.names.intern(text);
        if id as usize == self.records.len() {
            self.records.push(TermRecord::default());
        }
        id
    }

    /// Add `n` to the counts of (`id`, `pos`) — freq, doc_freq, hedged, absolute.
    fn add_pos(&mut self, id: u32, pos: TermPos, n: [u64; 4]) {
        let record = &mut self.records[id as usize];
        if record.pos[pos.index()] == 0 {
            self.pos.push(PosSlot::default());
            record.pos[pos.index()] = self.pos.len() as u32;
        }
        let slot = record.pos[pos.index()] - 1;
        let counts = &mut self.pos[slot as usize].n;
        for (field, (low, add)) in counts.iter_mut().zip(n).enumerate() {
            if add > 0 {
                self.carries.add(low, (slot, field as u8), add);
            }
        }
    }

    /// Add to the per-text counts of `id`: units, left and right neighbours.
    fn add_text(&mut self, id: u32, units: u64, neighbors: [u64; 2]) {
        let record = &mut self.records[id as usize];
        let c = &mut self.carries;
        if units > 0 {
            c.add(&mut record.units, (id, UNITS), units);
        }
        if neighbors[0] > 0 {
            c.add(&mut record.neighbors[0], (id, LEFT), neighbors[0]);
        }
        if neighbors[1] > 0 {
            c.add(&mut record.neighbors[1], (id, RIGHT), neighbors[1]);
        }
    }

    /// Add one complete document's term counts; `ids` receives the corpus id of each of
    /// the document's local ids (for its co-occurrence pairs). The worker ids of `doc`
    /// learn their corpus ids, so that the next document need not look them up.
    fn fold(&mut self, doc: &mut DocCounts, ids: &mut Vec<u32>) {
        ids.clear();
        if doc.corpus_store != self.store {
            doc.corpus_ids.clear();
            doc.corpus_store = self.store;
        }
        for &wid in &doc.wids {
            let w = wid as usize;
            if doc.corpus_ids.len() <= w {
                doc.corpus_ids.resize(w + 1, u32::MAX);
            }
            if doc.corpus_ids[w] == u32::MAX {
                doc.corpus_ids[w] = self.id(doc.names.get(wid));
            }
            ids.push(doc.corpus_ids[w]);
        }
        let doc = &*doc;
        for (local, &id) in doc.local.iter().zip(ids.iter()) {
            self.add_text(id, local.units, local.neighbors);
            for pos in TermPos::ALL {
                let i = pos.index();
                if local.freq[i] > 0 {
                    let [h, a] = local.sides[i];
                    self.add_pos(id, pos, [local.freq[i], 1, h, a]);
                }
            }
            if local.parts.0 != local.parts.1 {
                let parts = &doc.part_ids[local.parts.0 as usize..local.parts.1 as usize];
                self.add_parts(id, parts.iter().map(|&p| ids[p as usize]));
            }
        }
        self.units += doc.units;
    }

    fn add_parts(&mut self, id: u32, parts: impl Iterator<Item = u32>) {
        let start = self.parts.len() as u32;
        self.parts.extend(parts);
        let old = self.records[id as usize].parts;
        let names = &self.names;
        self.records[id as usize].parts =
            keep_smaller_split(&mut self.parts, |p| names.get(p), old, start);
    }

    fn part_ids(&self, span: Span) -> &[u32] {
        &self.parts[span.0 as usize..span.1 as usize]
    }

    /// The text of a corpus term id.
    pub(crate) fn text(&self, id: u32) -> &str {
        self.names.get(id)
    }

    /// Distinct texts known (terms, and nouns seen only inside compounds).
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    fn pos_counts(&self, slot: u32) -> PosCounts {
        let n = self.pos[slot as usize].n;
        let get = |field: u8| self.carries.get(n[field as usize], (slot, field));
        PosCounts {
            freq: get(FREQ),
            doc_freq: get(DOC_FREQ),
            hedged: get(HEDGED),
            absolute: get(ABSOLUTE),
        }
    }

    /// Every (id, pos, counts) of the corpus, in id order.
    pub(crate) fn terms(&self) -> impl Iterator<Item = (u32, TermPos, PosCounts)> + '_ {
        self.records.iter().enumerate().flat_map(move |(id, r)| {
            TermPos::ALL
                .into_iter()
                .filter(|p| r.pos[p.index()] != 0)
                .map(move |p| (id as u32, p, self.pos_counts(r.pos[p.index()] - 1)))
        })
    }

    /// The counts of one (text, pos), zero when unseen.
    #[cfg(test)]
    pub(crate) fn term(&self, text: &str, pos: TermPos) -> PosCounts {
        match self.names.find(text) {
            Some(id) => self.counts(id, pos),
            None => PosCounts::default(),
        }
    }

    /// The counts of (`id`, `pos`), zero when unseen.
    pub(crate) fn counts(&self, id: u32, pos: TermPos) -> PosCounts {
        match self.records[id as usize].pos[pos.index()] {
            0 => PosCounts::default(),
            slot => self.pos_counts(slot - 1),
        }
    }

    /// Whether the term is a compound of several nouns.
    pub(crate) fn is_compound(&self, id: u32) -> bool {
        let parts = self.records[id as usize].parts;
        parts.0 != parts.1
    }

    /// The constituents of a compound; the term itself for a single word.
    #[cfg(test)]
    pub(crate) fn parts(&self, id: u32) -> Vec<&str> {
        if self.is_compound(id) {
            let names = &self.names;
            super::interner::split_texts(
                &self.parts,
                |p| names.get(p),
                self.records[id as usize].parts,
            )
            .collect()
        } else {
            vec![self.text(id)]
        }
    }

    fn neighbors(&self, id: u32) -> [u64; 2] {
        let n = self.records[id as usize].neighbors;
        [
            self.carries.get(n[0], (id, LEFT)),
            self.carries.get(n[1], (id, RIGHT)),
        ]
    }

    /// TermExtract's LR of a noun term, from its constituents' neighbour counts.
    pub(crate) fn lr(&self, id: u32) -> f64 {
        if self.is_compound(id) {
            let parts = self.part_ids(self.records[id as usize].parts);
            crate::counts::stats::lr(parts.iter().map(|&p| self.neighbors(p)))
        } else {
            crate::counts::stats::lr(std::iter::once(self.neighbors(id)))
        }
    }

    /// Co-occurrence units containing the text of `id`.
    pub(crate) fn units_of(&self, id: u32) -> u64 {
        self.carries
            .get(self.records[id as usize].units, (id, UNITS))
    }

    /// Bytes held (capacities), for the run summary.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.names.heap_bytes()
            + self.records.capacity() * std::mem::size_of::<TermRecord>()
            + self.pos.capacity() * std::mem::size_of::<PosSlot>()
            + self.parts.capacity() * 4
    }
}

impl Merge for TermCounts {
    fn merge(&mut self, other: TermCounts) {
        self.merge_ids(other);
    }
}

impl TermCounts {
    /// Add the counts of another part of the corpus (counted in pieces); returns this
    /// part's id of each of the other's term ids.
    pub(crate) fn merge_ids(&mut self, other: TermCounts) -> Vec<u32> {
        let ids: Vec<u32> = (0..other.len())
            .map(|i| self.id(other.text(i as u32)))
            .collect();
        for (i, &id) in ids.iter().enumerate() {
            let from = i as u32;
            self.add_text(id, other.units_of(from), other.neighbors(from));
            for pos in TermPos::ALL {
                if other.records[i].pos[pos.index()] != 0 {
                    let c = other.counts(from, pos);
                    self.add_pos(id, pos, [c.freq, c.doc_freq, c.hedged, c.absolute]);
                }
            }
            if other.is_compound(from) {
                let parts: Vec<u32> = other
                    .part_ids(other.records[i].parts)
                    .iter()
                    .map(|&p| ids[p as usize])
                    .collect();
                self.add_parts(id, parts.into_iter());
            }
        }
        self.units += other.units;
        ids
    }
}

impl TermCounts {
    /// The terms as data (index = id).
    pub(crate) fn export(&self) -> Vec<TermState> {
        (0..self.len() as u32)
            .map(|id| {
                let r = &self.records[id as usize];
                TermState {
                    text: self.text(id).to_string(),
                    pos: TermPos::ALL
                        .iter()
                        .filter(|p| r.pos[p.index()] != 0)
                        .map(|&p| {
                            let c = self.counts(id, p);
                            (p.index() as u8, [c.freq, c.doc_freq, c.hedged, c.absolute])
                        })
                        .collect(),
                    units: self.units_of(id),
                    neighbors: self.neighbors(id),
                    parts: if self.is_compound(id) {
                        self.part_ids(r.parts).to_vec()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }

    /// Terms from data: term `i` of `terms` gets id `i`.
    pub(crate) fn import(terms: &[TermState], units: u64) -> TermCounts {
        let mut counts = TermCounts::default();
        for t in terms {
            counts.id(&t.text);
        }
        for (id, t) in terms.iter().enumerate() {
            let id = id as u32;
            counts.add_text(id, t.units, t.neighbors);
            for &(pos, n) in &t.pos {
                counts.add_pos(id, TermPos::ALL[pos as usize], n);
            }
            if !t.parts.is_empty() {
                counts.add_parts(id, t.parts.iter().copied());
            }
        }
        counts.units = units;
        counts
    }
}

impl CueCounts {
    pub(crate) fn export(&self) -> Vec<(String, u8, String, String, u64, u64)> {
        let mut all: Vec<_> = self
            .0
            .iter()
            .map(|((g, (stance, category, cue)), &(f, d))| {
                let stance = u8::from(*stance == CueStance::Absolute);
                (g.clone(), stance, category.clone(), cue.clone(), f, d)
            })
            .collect();
        all.sort();
        all
    }

    pub(crate) fn import(cues: &[(String, u8, String, String, u64, u64)]) -> CueCounts {
        let mut counts = CueCounts::default();
        for (g, stance, category, cue, f, d) in cues {
            let stance = if *stance == 1 {
                CueStance::Absolute
            } else {
                CueStance::Hedge
            };
            let key = (g.clone(), (stance, category.clone(), cue.clone()));
            let e = counts.0.entry(key).or_default();
            e.0 += f;
            e.1 += d;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::DocTotals;
    use crate::counts::interner::prefix_key;
    use crate::stages::stance::SentenceStance;
    use crate::stages::stance::lexicon::CueStance;
    use crate::stages::terms::SentenceTerms;
    use crate::stages::terms::TermExtractor;
    use crate::test_support::{stopwords, tokenizer};

    /// The counts of `sentences` (one document), as the pipeline makes them.
    /// Count `sentences` into `d` (cleared first) as the pipeline does, with the worker's
    /// feature cache giving slots (so known words go by slot).
    fn count_into<'a>(
        d: &mut DocCounts,
        cache: &mut crate::morph::tokenize::FeatureCache<'a>,
        classes: &mut crate::morph::cache::SlotCache<u8>,
        sentences: &[&str],
    ) {
        let tokenizer = tokenizer();
        let mut worker = tokenizer.worker();
        let ex = TermExtractor {
            stopwords: stopwords().clone(),
            compounds: true,
        };
        d.clear();
        let (mut tokens, mut slots) = (Vec::new(), Vec::new());
        let mut terms = SentenceTerms::default();
        for s in sentences {
            worker.tokenize(s, &mut tokens);
            cache.all(&tokens, &mut slots);
            terms.clear();
            ex.extract(s, &tokens, cache.morphs(&slots), classes, &[], &mut terms);
            d.add_sentence(&terms);
            d.end_sentence(SentenceStance::Neutral, std::iter::empty());
            d.end_unit();
        }
    }

    #[test]
    fn a_worker_reusing_its_counts_gets_what_a_fresh_one_gets() {
        let mut cache = crate::morph::tokenize::FeatureCache::new(tokenizer());
        let mut classes = crate::morph::cache::SlotCache::default();
        let first = ["関節軟骨の軟骨が再生する。", "幹細胞を注射する。"];
        let second = ["幹細胞が軟骨を再生させる。", "膝の痛み。"];
        let mut reused = DocCounts::default();
        count_into(&mut reused, &mut cache, &mut classes, &first);
        let mut store = CorpusCounts::default();
        let mut ids = Vec::new();
        store.fold(&mut reused, "", &DocTotals::default(), &mut ids);
        count_into(&mut reused, &mut cache, &mut classes, &second);
        let mut fresh = DocCounts::default();
        count_into(&mut fresh, &mut cache, &mut classes, &second);
        let rows = |d: &mut DocCounts| -> Vec<(String, TermPos, u64)> {
            d.sorted().map(|(t, p, f)| (t.to_string(), p, f)).collect()
        };
        assert_eq!(rows(&mut reused), rows(&mut fresh));
        assert_eq!(
            rows(&mut fresh)
                .iter()
                .map(|r| r.0.as_str())
                .collect::<Vec<_>>(),
            ["再生", "幹細胞", "痛み", "膝", "軟骨"]
        );
        // The second document's ids in the store: the first document's terms keep theirs.
        store.fold(&mut reused, "", &DocTotals::default(), &mut ids);
        let texts: Vec<&str> = ids.iter().map(|&id| store.terms.text(id)).collect();
        let names: Vec<&str> = (0..reused.wids.len() as u32)
            .map(|i| reused.name(i))
            .collect();
        assert_eq!(texts, names);
        assert_eq!(store.terms.term("軟骨", TermPos::Noun).freq, 2);
    }

    fn doc(sentences: &[&str]) -> DocCounts {
        let tokenizer = tokenizer();
        let mut worker = tokenizer.worker();
        let ex = TermExtractor {
            stopwords: stopwords().clone(),
            compounds: true,
        };
        let mut d = DocCounts::default();
        let mut tokens = Vec::new();
        let mut terms = SentenceTerms::default();
        for s in sentences {
            worker.tokenize(s, &mut tokens);
            let feats: Vec<_> = tokens.iter().map(|t| tokenizer.features(t.word)).collect();
            terms.clear();
            let feats = crate::morph::tokenize::Morphs::direct(&feats);
            ex.extract(s, &tokens, feats, &mut Default::default(), &[], &mut terms);
            d.add_sentence(&terms);
            d.end_sentence(SentenceStance::Hedged, std::iter::empty());
            d.end_unit();
        }
        d
    }

    #[test]
    fn interner_numbers_strings_in_order_of_first_sight() {
        let mut i = Interner::default();
        assert_eq!(
            ["軟骨", "再生", "軟骨", "", "再生"].map(|s| i.intern(s)),
            [0, 1, 0, 2, 1]
        );
        assert_eq!(
            (i.get(0), i.get(1), i.get(2), i.len()),
            ("軟骨", "再生", "", 3)
        );
        i.clear();
        assert_eq!(i.len(), 0);
        assert_eq!(i.intern("再生"), 0);
    }

    #[test]
    fn folding_documents_in_any_order_or_in_parts_gives_the_same_counts() {
        let mut a = doc(&["関節軟骨の軟骨が再生する。", "軟骨が減る。"]);
        let mut b = doc(&["軟骨を守る。"]);
        let mut c = doc(&["関節軟骨を再生させる。"]);
        let snapshot = |counts: &CorpusCounts| {
            let mut rows: Vec<(String, TermPos, PosCounts, Vec<String>, u64, u64)> = counts
                .terms
                .terms()
                .map(|(id, pos, c)| {
                    (
                        counts.terms.text(id).to_string(),
                        pos,
                        c,
                        counts
                            .terms
                            .parts(id)
                            .iter()
                            .map(|s| s.to_string())
                            .collect(),
                        counts.terms.lr(id).to_bits(),
                        counts.terms.units_of(id),
                    )
                })
                .collect();
            rows.sort_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)));
            rows
        };
        a.add_cue(CueStance::Hedge, "推量", "可能性");
        c.add_cue(CueStance::Absolute, "断定", "必ず");
        c.add_cue(CueStance::Hedge, "推量", "可能性");
        let mut ids = Vec::new();
        let totals = |g: &str| DocTotals {
            sentences: 2,
            tokens: if g == "A" { 7 } else { 3 },
            hedged: 1,
            ..DocTotals::default()
        };
        let mut whole = CorpusCounts::default();
        // The same documents go into several stores: each store has its own ids.
        for (d, g) in [(&mut a, "A"), (&mut b, "B"), (&mut c, "A")] {
            whole.fold(d, g, &totals(g), &mut ids);
        }
        let mut reversed = CorpusCounts::default();
        for (d, g) in [(&mut c, "A"), (&mut b, "B"), (&mut a, "A")] {
            reversed.fold(d, g, &totals(g), &mut ids);
        }
        let mut left = CorpusCounts::default();
        left.fold(&mut a, "A", &totals("A"), &mut ids);
        let mut right = CorpusCounts::default();
        right.fold(&mut b, "B", &totals("B"), &mut ids);
        right.fold(&mut c, "A", &totals("A"), &mut ids);
        left.merge(right);
        assert_eq!(snapshot(&whole), snapshot(&reversed));
        assert_eq!(snapshot(&whole), snapshot(&left));
        assert_eq!(whole.cues, left.cues);
        let by_group = |c: &CorpusCounts| {
            let mut terms: Vec<(String, String, TermPos, u64)> = c
                .groups
                .named_terms()
                .map(|(g, id, pos, n)| (g.to_string(), c.terms.text(id).to_string(), pos, n))
                .collect();
            terms.sort();
            let groups: Vec<(String, u64, u64)> = c
                .groups
                .groups()
                .iter()
                .map(|(g, t)| (g.to_string(), t.documents, t.totals.tokens))
                .collect();
            (groups, terms)
        };
        assert_eq!(by_group(&whole), by_group(&left));
        assert_eq!(by_group(&whole), by_group(&reversed));
        let (groups, terms) = by_group(&whole);
        assert_eq!(groups, [("A".to_string(), 2, 14), ("B".to_string(), 1, 3)]);
        let cartilage: Vec<(&str, u64)> = terms
            .iter()
            .filter(|t| t.1 == "軟骨" && t.2 == TermPos::Noun)
            .map(|t| (t.0.as_str(), t.3))
            .collect();
        assert_eq!(cartilage, [("A", 2), ("B", 1)]);
        let hedge = (CueStance::Hedge, "推量".to_string(), "可能性".to_string());
        let n = whole
            .cues
            .iter()
            .find(|(_, cue, _)| **cue == hedge)
            .map(|c| c.2);
        assert_eq!(n, Some((2, 2)));

        assert_eq!(
            whole.terms.term("軟骨", TermPos::Noun),
            PosCounts {
                freq: 3,
                doc_freq: 2,
                hedged: 3,
                absolute: 0
            }
        );
        assert_eq!(whole.terms.term("関節軟骨", TermPos::Noun).doc_freq, 2);
        assert_eq!(
            whole.terms.term("関節軟骨", TermPos::Verb),
            PosCounts::default()
        );
        assert_eq!(
            whole.terms.term("再生", TermPos::Noun).doc_freq,
            2,
            "再生する, 再生させる"
        );
        assert_eq!(
            whole.terms.term("再生", TermPos::Verb),
            PosCounts::default()
        );
        // 関節 precedes another noun twice (L 0, R 2); 軟骨 follows one twice (L 2, R 0):
        // LR(関節軟骨) = ((0+1)(2+1)(2+1)(0+1))^(1/4) = 3^(1/2).
        let id = (0..whole.terms.len() as u32)
            .find(|&i| whole.terms.text(i) == "関節軟骨")
            .unwrap();
        assert!(whole.terms.is_compound(id));
        assert_eq!(whole.terms.parts(id), ["関節", "軟骨"]);
        assert!((whole.terms.lr(id) - 3f64.sqrt()).abs() < 1e-12);
        assert_eq!(whole.terms.units, 4);
    }

    #[test]
    fn counters_past_32_bits_stay_exact() {
        let mut carries = Carries::default();
        let mut low = u32::MAX - 1;
        carries.add(&mut low, (7, FREQ), 3);
        assert_eq!(carries.get(low, (7, FREQ)), u64::from(u32::MAX) + 2);
        carries.add(&mut low, (7, FREQ), 5 << 32);
        assert_eq!(carries.get(low, (7, FREQ)), (6 << 32) + 1);
        assert_eq!(
            carries.get(low, (8, FREQ)),
            1,
            "another counter has no carry"
        );
        let mut counts = TermCounts::default();
        let id = counts.id("軟骨");
        counts.add_pos(id, TermPos::Noun, [u64::from(u32::MAX), 1, 0, 0]);
        counts.add_pos(id, TermPos::Noun, [10, 1, 0, 0]);
        let c = counts.counts(id, TermPos::Noun);
        assert_eq!((c.freq, c.doc_freq), (u64::from(u32::MAX) + 10, 2));
    }

    proptest::proptest! {
        #[test]
        fn prefix_keys_never_contradict_the_text_order(a in "[a\\x00あア漢]{0,5}", b in "[a\\x00あア漢]{0,5}") {
            let (ka, kb) = (prefix_key(&a), prefix_key(&b));
            if ka != kb {
                proptest::prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            }
        }
    }

    #[test]
    fn units_keep_each_term_once() {
        let mut d = doc(&["軟骨と軟骨が再生する。"]);
        let names: Vec<&str> = (0..d.wids.len() as u32).map(|i| d.name(i)).collect();
        let units: Vec<Vec<&str>> = d
            .units()
            .map(|u| u.iter().map(|&i| names[i as usize]).collect())
            .collect();
        assert_eq!(units, [["軟骨", "再生"]]);
        assert_eq!(d.distinct(), 2);
        assert_eq!(
            d.sorted().collect::<Vec<_>>(),
            [("軟骨", TermPos::Noun, 2), ("再生", TermPos::Noun, 1)]
        );
    }

    #[test]
    fn doc_terms_sort_by_freq_then_term() {
        let mut d = doc(&["膝の軟骨と軟骨の炎症。"]);
        let got: Vec<(&str, u64)> = d.sorted().map(|(t, _, f)| (t, f)).collect();
        assert_eq!(got, [("軟骨", 2), ("炎症", 1), ("膝", 1)]);
    }
}
