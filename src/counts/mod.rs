//! Stage 5: corpus-wide counts, built by folding per-document counts.
//!
//! Counts are the source of truth. A document's terms are counted in a [`DocCounts`] under
//! document-local ids (one string hash per term occurrence, shared by the term, stance and
//! co-occurrence counts). When the document is complete, its counts are folded once into
//! the corpus-wide [`CorpusCounts`] (one lookup per distinct term of the document), which
//! hands back the local → corpus id map the co-occurrence pairs are re-keyed with. Every
//! score — FLR, log-odds, the association measures — is computed from the merged counts
//! only when the tables are written.
//!
//! Memory: the corpus counts hold each distinct term once (its text in one arena, its
//! counts in flat arrays, the constituents of a compound as ids), not once per worker;
//! the pair counts, which grow much faster, are spilled to disk (see
//! [`crate::counts::pairs`]).

pub mod pairs;
pub mod stats;

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

use crate::morph::cache::SlotCache;
use crate::stages::stance::SentenceStance;
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::{SentenceTerms, TermPos};

/// Counts per part of speech (indexed by [`TermPos::index`]).
pub type PerPos<T> = [T; 3];

/// Empty a reused map, giving memory back if one huge document grew it far beyond what
/// documents usually need (iterating a map costs its capacity, not its length).
pub fn reset<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>) {
    let big = map.capacity() > 1 << 16;
    map.clear();
    if big {
        map.shrink_to(1 << 12);
    }
}

/// Strings numbered in order of first sight, kept in one arena: a term costs its bytes
/// plus a few words, instead of a `String` per map that knows it.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    text: String,
    /// Where each string starts in `text`; it ends where the next one starts.
    starts: Vec<u64>,
    table: HashTable<u32>,
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

fn get<'t>(text: &'t str, starts: &[u64], id: u32) -> &'t str {
    let start = starts[id as usize] as usize;
    let end = starts
        .get(id as usize + 1)
        .map_or(text.len(), |&e| e as usize);
    &text[start..end]
}

impl Interner {
    /// The id of `s`, added if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.table.find(hash(s), |&id| self.get(id) == s) {
            return id;
        }
        let id = self.starts.len() as u32;
        self.starts.push(self.text.len() as u64);
        self.text.push_str(s);
        let Interner {
            text,
            starts,
            table,
        } = self;
        table.insert_unique(hash(s), id, |&id| hash(get(text, starts, id)));
        id
    }

    pub fn get(&self, id: u32) -> &str {
        get(&self.text, &self.starts, id)
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Forget every string, keeping the memory unless a huge document grew it.
    pub fn clear(&mut self) {
        let big = self.starts.capacity() > 1 << 16;
        self.text.clear();
        self.starts.clear();
        self.table.clear();
        if big {
            self.text.shrink_to(1 << 16);
            self.starts.shrink_to(1 << 12);
            self.table.shrink_to(1 << 12, |_| 0);
        }
    }
}

/// The first eight bytes of `s` as a big-endian integer (zero-padded): where two of these
/// differ, the texts compare the same way (bytewise, as `str` does).
fn prefix_key(s: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = s.len().min(8);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// A range of a part-id arena; empty for a single word.
type Span = (u32, u32);

/// The texts of a split (a span of part ids, named by `name`).
fn split_texts<'n>(
    parts: &[u32],
    name: impl Fn(u32) -> &'n str,
    span: Span,
) -> impl Iterator<Item = &'n str> {
    parts[span.0 as usize..span.1 as usize]
        .iter()
        .map(move |&p| name(p))
}

/// The same compound text can (rarely) be segmented two ways; keep the smaller split, so
/// the result does not depend on which occurrence or document came first. The new split
/// is `parts[start..]`; it is dropped again if the `old` one stays. Returns the kept span.
fn keep_smaller_split<'n>(
    parts: &mut Vec<u32>,
    name: impl Fn(u32) -> &'n str + Copy,
    old: Span,
    start: u32,
) -> Span {
    let new = (start, parts.len() as u32);
    if old.0 == old.1 || split_texts(parts, name, new).lt(split_texts(parts, name, old)) {
        new
    } else {
        parts.truncate(start as usize);
        old
    }
}

/// The counts of one term (by text) in one document.
#[derive(Debug, Clone, Copy, Default)]
struct LocalTerm {
    freq: PerPos<u64>,
    /// Occurrences in hedged (`[0]`) and absolute (`[1]`) sentences.
    sides: PerPos<[u64; 2]>,
    /// Co-occurrence units containing the term.
    units: u64,
    /// How often the noun is preceded (`[0]`) and followed (`[1]`) by another noun of its
    /// run (FLR's L and R).
    neighbors: [u64; 2],
    /// Constituents of a compound (local ids in `DocCounts::part_ids`).
    parts: Span,
}

/// A cue as counted: stance, category, cue.
pub type CueKey = (CueStance, String, String);

/// Every count of one document, under document-local term ids.
///
/// The texts are interned for the whole worker, not per document, under worker ids that
/// stay the same from document to document: a known word's term is found by its
/// feature-cache slot without hashing its text, and a worker id that was folded into the
/// corpus before keeps its corpus id (see [`CorpusCounts::fold`]).
#[derive(Debug, Clone, Default)]
pub struct DocCounts {
    /// Every text the worker has counted, under worker ids.
    names: Interner,
    /// Worker id of each single-word term by feature-cache slot.
    by_slot: SlotCache<Option<u32>>,
    /// Corpus id of each worker id (`u32::MAX`: not folded yet) in the store numbered
    /// `corpus_store`.
    corpus_ids: Vec<u32>,
    corpus_store: u64,
    /// The current document's number, and per worker id the number of the document that
    /// last gave it a local id ([`NEVER`] for none), and that id.
    generation: u32,
    local_of: Vec<(u32, u32)>,
    /// Worker id of each local id.
    wids: Vec<u32>,
    /// Counts by local id (constituents that are not terms themselves have zero counts).
    local: Vec<LocalTerm>,
    part_ids: Vec<u32>,
    /// (local id, pos) of each term occurrence of the current sentence.
    sentence: Vec<(u32, TermPos)>,
    /// Local ids of the terms of the current co-occurrence unit.
    unit: Vec<u32>,
    /// The distinct local ids of every closed unit, one after the other …
    unit_terms: Vec<u32>,
    /// … and where each unit ends in `unit_terms`. Pairs are formed from these once the
    /// document's corpus ids are known, straight into the worker's pair store.
    unit_ends: Vec<u32>,
    /// Co-occurrence units closed (sentences, or 1 for a whole document).
    pub units: u64,
    pub cues: HashMap<CueKey, u64>,
    /// The doc_terms rows (freq, [`prefix_key`] of the text, local id, pos), sorted by [`DocCounts::sorted`]; kept so
    /// that every document does not grow a fresh buffer.
    rows: Vec<(u64, u64, u32, TermPos)>,
}

/// No document's number (see [`DocCounts::local_of`]).
const NEVER: u32 = u32::MAX;

/// Texts a worker keeps interned across documents before it starts afresh (its memory is
/// then about 40 bytes a text plus the texts).
const WORKER_TEXTS: usize = 1 << 20;

/// Two ids as one pair key, the lower id in the high half.
pub fn pack(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

pub fn unpack(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

impl DocCounts {
    /// Empty it for the next document, keeping its memory (and the worker's texts, unless
    /// they grew past a million).
    pub fn clear(&mut self) {
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
            Some(wid) => wid,
            None => {
                let wid = self.names.intern(text);
                *cached = Some(wid);
                wid
            }
        };
        self.local(wid)
    }

    /// The text of a local id.
    fn name(&self, local: u32) -> &str {
        self.names.get(self.wids[local as usize])
    }

    /// Count the terms of one sentence; they also join the current co-occurrence unit
    /// and wait for [`DocCounts::end_sentence`] to learn the sentence's stance.
    pub fn add_sentence(&mut self, terms: &SentenceTerms) {
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
    pub fn end_sentence<'c>(
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
    pub fn end_unit(&mut self) {
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

    pub fn add_cue(&mut self, stance: CueStance, category: &str, cue: &str) {
        let key = (stance, category.to_string(), cue.to_string());
        *self.cues.entry(key).or_default() += 1;
    }

    /// Distinct (term, pos) pairs.
    pub fn distinct(&self) -> usize {
        self.local
            .iter()
            .map(|t| t.freq.iter().filter(|n| **n > 0).count())
            .sum()
    }

    /// (term, pos, freq) sorted by freq desc, then term, then pos — the doc_terms order.
    pub fn sorted(&mut self) -> impl Iterator<Item = (&str, TermPos, u64)> + '_ {
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
    pub fn units(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let starts = std::iter::once(0).chain(self.unit_ends.iter().copied());
        starts
            .zip(&self.unit_ends)
            .map(|(a, &b)| &self.unit_terms[a as usize..b as usize])
    }
}

/// Corpus-wide counts of one term with one part of speech.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PosCounts {
    pub freq: u64,
    pub doc_freq: u64,
    pub hedged: u64,
    pub absolute: u64,
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

/// Every mergeable count of the corpus but the co-occurrence pairs: each distinct text
/// once, in about 70 bytes plus its own length.
#[derive(Debug)]
pub struct CorpusCounts {
    /// Which store this is: the corpus ids a worker remembers (see [`DocCounts`]) are
    /// valid for this store only.
    store: u64,
    names: Interner,
    records: Vec<TermRecord>,
    pos: Vec<PosSlot>,
    parts: Vec<u32>,
    carries: Carries,
    /// (group, cue) → (freq, doc_freq).
    pub cues: HashMap<(String, CueKey), (u64, u64)>,
    /// Co-occurrence units of the corpus.
    pub units: u64,
}

/// Numbers for [`CorpusCounts::store`], unique in the process.
static STORES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Default for CorpusCounts {
    fn default() -> Self {
        CorpusCounts {
            store: STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            names: Interner::default(),
            records: Vec::new(),
            pos: Vec::new(),
            parts: Vec::new(),
            carries: Carries::default(),
            cues: HashMap::default(),
            units: 0,
        }
    }
}

impl CorpusCounts {
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

    /// Add one complete document's counts under its group; `ids` receives the corpus id
    /// of each of the document's local ids (for its co-occurrence pairs). The worker ids
    /// of `doc` learn their corpus ids, so that the next document need not look them up.
    pub fn fold(&mut self, doc: &mut DocCounts, group: &str, ids: &mut Vec<u32>) {
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
        for (cue, n) in &doc.cues {
            let e = self
                .cues
                .entry((group.to_string(), cue.clone()))
                .or_default();
            e.0 += n;
            e.1 += 1;
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
    pub fn text(&self, id: u32) -> &str {
        self.names.get(id)
    }

    /// Distinct texts known (terms, and nouns seen only inside compounds).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
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
    pub fn terms(&self) -> impl Iterator<Item = (u32, TermPos, PosCounts)> + '_ {
        self.records.iter().enumerate().flat_map(move |(id, r)| {
            TermPos::ALL
                .into_iter()
                .filter(|p| r.pos[p.index()] != 0)
                .map(move |p| (id as u32, p, self.pos_counts(r.pos[p.index()] - 1)))
        })
    }

    /// The counts of one (text, pos), zero when unseen.
    pub fn term(&self, text: &str, pos: TermPos) -> PosCounts {
        let found = self
            .names
            .table
            .find(hash(text), |&id| self.names.get(id) == text);
        match found {
            Some(&id) => self.counts(id, pos),
            None => PosCounts::default(),
        }
    }

    /// The counts of (`id`, `pos`), zero when unseen.
    pub fn counts(&self, id: u32, pos: TermPos) -> PosCounts {
        match self.records[id as usize].pos[pos.index()] {
            0 => PosCounts::default(),
            slot => self.pos_counts(slot - 1),
        }
    }

    /// Whether the term is a compound of several nouns.
    pub fn is_compound(&self, id: u32) -> bool {
        let parts = self.records[id as usize].parts;
        parts.0 != parts.1
    }

    /// The constituents of a compound; the term itself for a single word.
    pub fn parts(&self, id: u32) -> Vec<&str> {
        if self.is_compound(id) {
            let names = &self.names;
            split_texts(
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
    pub fn lr(&self, id: u32) -> f64 {
        if self.is_compound(id) {
            let parts = self.part_ids(self.records[id as usize].parts);
            crate::counts::stats::lr(parts.iter().map(|&p| self.neighbors(p)))
        } else {
            crate::counts::stats::lr(std::iter::once(self.neighbors(id)))
        }
    }

    /// Co-occurrence units containing the text of `id`.
    pub fn units_of(&self, id: u32) -> u64 {
        self.carries
            .get(self.records[id as usize].units, (id, UNITS))
    }

    /// Bytes held (capacities), for the run summary.
    pub fn heap_bytes(&self) -> usize {
        self.names.text.capacity()
            + self.names.starts.capacity() * 8
            + self.names.table.capacity() * 5
            + self.records.capacity() * std::mem::size_of::<TermRecord>()
            + self.pos.capacity() * std::mem::size_of::<PosSlot>()
            + self.parts.capacity() * 4
    }

    /// Add the counts of another part of the corpus (counted in pieces).
    pub fn merge(&mut self, other: &CorpusCounts) {
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
        for (key, (f, d)) in &other.cues {
            let e = self.cues.entry(key.clone()).or_default();
            e.0 += f;
            e.1 += d;
        }
        self.units += other.units;
    }
}

/// How many times `needle` occurs in the short text `hay` (a cue), without building a
/// searcher: cues are a few words long.
fn occurrences(hay: &str, needle: &str) -> usize {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return 0;
    }
    h.windows(n.len()).filter(|w| *w == n).count()
}

#[cfg(test)]
mod tests {
    use super::*;
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
            worker.tokenize(s, &mut tokens).unwrap();
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
        store.fold(&mut reused, "", &mut ids);
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
        store.fold(&mut reused, "", &mut ids);
        let texts: Vec<&str> = ids.iter().map(|&id| store.text(id)).collect();
        let names: Vec<&str> = (0..reused.wids.len() as u32)
            .map(|i| reused.name(i))
            .collect();
        assert_eq!(texts, names);
        assert_eq!(store.term("軟骨", TermPos::Noun).freq, 2);
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
            worker.tokenize(s, &mut tokens).unwrap();
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
        assert!(i.is_empty());
        assert_eq!(i.intern("再生"), 0);
    }

    #[test]
    fn folding_documents_in_any_order_or_in_parts_gives_the_same_counts() {
        let mut a = doc(&["関節軟骨の軟骨が再生する。", "軟骨が減る。"]);
        let mut b = doc(&["軟骨を守る。"]);
        let mut c = doc(&["関節軟骨を再生させる。"]);
        let snapshot = |counts: &CorpusCounts| {
            let mut rows: Vec<(String, TermPos, PosCounts, Vec<String>, u64, u64)> = counts
                .terms()
                .map(|(id, pos, c)| {
                    (
                        counts.text(id).to_string(),
                        pos,
                        c,
                        counts.parts(id).iter().map(|s| s.to_string()).collect(),
                        counts.lr(id).to_bits(),
                        counts.units_of(id),
                    )
                })
                .collect();
            rows.sort_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)));
            rows
        };
        let mut ids = Vec::new();
        let mut whole = CorpusCounts::default();
        // The same documents go into several stores: each store has its own ids.
        for d in [&mut a, &mut b, &mut c] {
            whole.fold(d, "", &mut ids);
        }
        let mut reversed = CorpusCounts::default();
        for d in [&mut c, &mut b, &mut a] {
            reversed.fold(d, "", &mut ids);
        }
        let mut left = CorpusCounts::default();
        left.fold(&mut a, "", &mut ids);
        let mut right = CorpusCounts::default();
        right.fold(&mut b, "", &mut ids);
        right.fold(&mut c, "", &mut ids);
        left.merge(&right);
        assert_eq!(snapshot(&whole), snapshot(&reversed));
        assert_eq!(snapshot(&whole), snapshot(&left));

        assert_eq!(
            whole.term("軟骨", TermPos::Noun),
            PosCounts {
                freq: 3,
                doc_freq: 2,
                hedged: 3,
                absolute: 0
            }
        );
        assert_eq!(whole.term("関節軟骨", TermPos::Noun).doc_freq, 2);
        assert_eq!(whole.term("関節軟骨", TermPos::Verb), PosCounts::default());
        assert_eq!(
            whole.term("再生", TermPos::Noun).doc_freq,
            2,
            "再生する, 再生させる"
        );
        assert_eq!(whole.term("再生", TermPos::Verb), PosCounts::default());
        // 関節 precedes another noun twice (L 0, R 2); 軟骨 follows one twice (L 2, R 0):
        // LR(関節軟骨) = ((0+1)(2+1)(2+1)(0+1))^(1/4) = 3^(1/2).
        let id = (0..whole.len() as u32)
            .find(|&i| whole.text(i) == "関節軟骨")
            .unwrap();
        assert!(whole.is_compound(id));
        assert_eq!(whole.parts(id), ["関節", "軟骨"]);
        assert!((whole.lr(id) - 3f64.sqrt()).abs() < 1e-12);
        assert_eq!(whole.units, 4);
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
        let mut counts = CorpusCounts::default();
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
