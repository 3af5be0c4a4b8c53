//! Stage 5: corpus-wide counts, built by merging per-document counts.
//!
//! Counts are the source of truth. Each document yields plain counts; they are added into
//! a [`CorpusCounts`] in document order (addition commutes, so the order affects nothing
//! but is fixed anyway), and every score — FLR here, and the association measures of
//! later stages — is computed from the merged counts only when the tables are written.
//! Two `CorpusCounts` built from disjoint parts of a corpus merge exactly into the counts
//! of the whole.
//!
//! Term counts are keyed by the term's text with one slot per part of speech, so a count
//! is found by `&str` without building a key: nothing is allocated per occurrence.

use rustc_hash::FxHashMap as HashMap;

use crate::cooccurrence::CoocCounts;
use crate::lexicon::CueStance;
use crate::terms::{Neighbors, SentenceTerms, TermPos};

/// A term as counted: its text and part of speech.
pub type TermKey = (String, TermPos);

/// Counts per part of speech (indexed by [`TermPos::index`]).
pub type PerPos<T> = [T; 3];

/// Term counts of one document.
#[derive(Debug, Clone, Default)]
pub struct DocTerms {
    pub counts: HashMap<String, PerPos<u64>>,
    /// Constituents of each compound term seen in the document.
    pub parts: HashMap<String, Vec<String>>,
    pub neighbors: Neighbors,
}

/// Empty a reused map, giving memory back if one huge document grew it far beyond what
/// documents usually need (iterating a map costs its capacity, not its length).
pub fn reset<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>) {
    let big = map.capacity() > 1 << 16;
    map.clear();
    if big {
        map.shrink_to(1 << 12);
    }
}

impl DocTerms {
    pub fn clear(&mut self) {
        reset(&mut self.counts);
        reset(&mut self.parts);
        reset(&mut self.neighbors);
    }

    /// Count the terms of one sentence.
    pub fn add_sentence(&mut self, terms: &SentenceTerms) {
        for occ in &terms.occs {
            let term = terms.term(occ);
            match self.counts.get_mut(term) {
                Some(c) => c[occ.pos.index()] += 1,
                None => {
                    let mut c = [0; 3];
                    c[occ.pos.index()] = 1;
                    self.counts.insert(term.to_string(), c);
                }
            }
            if occ.is_compound() && !self.parts.contains_key(term) {
                self.parts.insert(
                    term.to_string(),
                    terms.parts(occ).map(str::to_string).collect(),
                );
            }
        }
    }

    /// Distinct (term, pos) pairs.
    pub fn distinct(&self) -> usize {
        self.counts
            .values()
            .map(|c| c.iter().filter(|n| **n > 0).count())
            .sum()
    }

    /// (term, pos, freq) sorted by freq desc, then term, then pos — the doc_terms order.
    pub fn sorted(&self) -> Vec<(&str, TermPos, u64)> {
        let mut rows: Vec<(&str, TermPos, u64)> = self
            .counts
            .iter()
            .flat_map(|(term, c)| {
                TermPos::ALL
                    .iter()
                    .filter(|p| c[p.index()] > 0)
                    .map(|p| (term.as_str(), *p, c[p.index()]))
            })
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (a.0, a.1).cmp(&(b.0, b.1))));
        rows
    }
}

/// A cue as counted: stance, category, cue.
pub type CueKey = (CueStance, String, String);

/// Stance counts of one document.
#[derive(Debug, Clone, Default)]
pub struct DocStance {
    pub cues: HashMap<CueKey, u64>,
    /// Occurrences of each term in hedged (`[0]`) and absolute (`[1]`) sentences.
    pub terms: HashMap<String, PerPos<[u64; 2]>>,
}

impl DocStance {
    pub fn clear(&mut self) {
        reset(&mut self.cues);
        reset(&mut self.terms);
    }

    /// Count the terms of a hedged (`side` 0) or absolute (`side` 1) sentence.
    pub fn add_terms(&mut self, terms: &SentenceTerms, side: usize) {
        for (term, pos) in terms.iter() {
            match self.terms.get_mut(term) {
                Some(c) => c[pos.index()][side] += 1,
                None => {
                    let mut c = [[0; 2]; 3];
                    c[pos.index()][side] = 1;
                    self.terms.insert(term.to_string(), c);
                }
            }
        }
    }
}

/// Corpus-wide totals of one term with one part of speech.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermTotal {
    pub freq: u64,
    pub doc_freq: u64,
}

/// Every mergeable count of the corpus.
#[derive(Debug, Clone, Default)]
pub struct CorpusCounts {
    pub terms: HashMap<String, PerPos<TermTotal>>,
    /// Constituents of every compound term.
    pub parts: HashMap<String, Vec<String>>,
    pub neighbors: Neighbors,
    /// (group, cue) → (freq, doc_freq).
    pub cues: HashMap<(String, CueKey), (u64, u64)>,
    /// Term occurrences in hedged and absolute sentences.
    pub stance_terms: HashMap<String, PerPos<[u64; 2]>>,
    pub cooc: CoocCounts,
}

impl CorpusCounts {
    /// Add one document's term counts.
    pub fn add_doc_terms(&mut self, doc: &DocTerms) {
        for (term, counts) in &doc.counts {
            let totals = match self.terms.get_mut(term.as_str()) {
                Some(t) => t,
                None => self.terms.entry(term.clone()).or_default(),
            };
            for (total, &n) in totals.iter_mut().zip(counts) {
                if n > 0 {
                    total.freq += n;
                    total.doc_freq += 1;
                }
            }
        }
        for (term, parts) in &doc.parts {
            add_parts(&mut self.parts, term, parts);
        }
        add_neighbors(&mut self.neighbors, &doc.neighbors);
    }

    /// Add one document's stance counts under its group.
    pub fn add_doc_stance(&mut self, group: &str, doc: &DocStance) {
        for (cue, n) in &doc.cues {
            let e = self
                .cues
                .entry((group.to_string(), cue.clone()))
                .or_default();
            e.0 += n;
            e.1 += 1;
        }
        for (term, counts) in &doc.terms {
            add_sides(&mut self.stance_terms, term, counts);
        }
    }

    /// Merge counts built from another, disjoint part of the corpus.
    pub fn merge(&mut self, other: CorpusCounts) {
        self.cooc.merge(&other.cooc);
        for (key, (f, d)) in other.cues {
            let e = self.cues.entry(key).or_default();
            e.0 += f;
            e.1 += d;
        }
        for (term, counts) in &other.stance_terms {
            add_sides(&mut self.stance_terms, term, counts);
        }
        for (term, t) in other.terms {
            let totals = self.terms.entry(term).or_default();
            for (total, add) in totals.iter_mut().zip(t) {
                total.freq += add.freq;
                total.doc_freq += add.doc_freq;
            }
        }
        for (term, parts) in &other.parts {
            add_parts(&mut self.parts, term, parts);
        }
        add_neighbors(&mut self.neighbors, &other.neighbors);
    }

    /// The totals of one (term, pos), zero when unseen.
    pub fn term(&self, term: &str, pos: TermPos) -> TermTotal {
        self.terms
            .get(term)
            .map_or_else(TermTotal::default, |t| t[pos.index()])
    }
}

/// The same compound text can (rarely) be segmented two ways; keep the smaller split, so
/// the result does not depend on which document or worker saw the term first.
fn add_parts(into: &mut HashMap<String, Vec<String>>, term: &str, parts: &[String]) {
    match into.get_mut(term) {
        Some(existing) if parts < existing.as_slice() => *existing = parts.to_vec(),
        Some(_) => {}
        None => {
            into.insert(term.to_string(), parts.to_vec());
        }
    }
}

fn add_sides(into: &mut HashMap<String, PerPos<[u64; 2]>>, term: &str, counts: &PerPos<[u64; 2]>) {
    let e = match into.get_mut(term) {
        Some(e) => e,
        None => into.entry(term.to_string()).or_default(),
    };
    for (a, b) in e.iter_mut().zip(counts) {
        a[0] += b[0];
        a[1] += b[1];
    }
}

fn add_neighbors(into: &mut Neighbors, from: &Neighbors) {
    for (noun, [l, r]) in from {
        let e = match into.get_mut(noun.as_str()) {
            Some(e) => e,
            None => into.entry(noun.clone()).or_default(),
        };
        e[0] += l;
        e[1] += r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(terms: &[(&str, u64, &[&str])], neighbors: &[(&str, [u64; 2])]) -> DocTerms {
        let mut d = DocTerms::default();
        for (term, n, parts) in terms {
            d.counts.entry(term.to_string()).or_default()[0] += n;
            if parts.len() > 1 {
                d.parts.insert(
                    term.to_string(),
                    parts.iter().map(|s| s.to_string()).collect(),
                );
            }
        }
        d.neighbors = neighbors.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        d
    }

    #[test]
    fn merging_halves_equals_counting_the_whole() {
        let a = doc(
            &[("関節軟骨", 1, &["関節", "軟骨"]), ("軟骨", 2, &[])],
            &[("関節", [0, 1]), ("軟骨", [1, 0])],
        );
        let b = doc(&[("軟骨", 1, &[])], &[]);
        let c = doc(
            &[("関節軟骨", 1, &["関節", "軟骨"])],
            &[("関節", [0, 1]), ("軟骨", [1, 0])],
        );
        let mut whole = CorpusCounts::default();
        for d in [&a, &b, &c] {
            whole.add_doc_terms(d);
        }
        let mut left = CorpusCounts::default();
        left.add_doc_terms(&a);
        let mut right = CorpusCounts::default();
        right.add_doc_terms(&b);
        right.add_doc_terms(&c);
        left.merge(right);
        assert_eq!(left.terms, whole.terms);
        assert_eq!(left.neighbors, whole.neighbors);
        assert_eq!(left.parts, whole.parts);
        assert_eq!(
            whole.term("軟骨", TermPos::Noun),
            TermTotal {
                freq: 3,
                doc_freq: 2
            }
        );
        assert_eq!(whole.term("関節軟骨", TermPos::Noun).doc_freq, 2);
        assert_eq!(whole.term("関節軟骨", TermPos::Verb), TermTotal::default());
        assert_eq!(whole.parts["関節軟骨"], ["関節", "軟骨"]);
        assert_eq!(whole.neighbors["関節"], [0, 2]);
    }

    #[test]
    fn doc_terms_sort_by_freq_then_term() {
        let d = doc(&[("膝", 1, &[]), ("軟骨", 2, &[]), ("炎症", 1, &[])], &[]);
        let got: Vec<(&str, u64)> = d.sorted().iter().map(|(t, _, f)| (*t, *f)).collect();
        assert_eq!(got, [("軟骨", 2), ("炎症", 1), ("膝", 1)]);
        assert_eq!(d.distinct(), 3);
    }
}
