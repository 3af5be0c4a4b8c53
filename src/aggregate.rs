//! Stage 5: corpus-wide counts, built by merging per-document counts.
//!
//! Counts are the source of truth. Each document yields plain counts; they are added into
//! a [`CorpusCounts`] in document order (addition commutes, so the order affects nothing
//! but is fixed anyway), and every score — FLR here, and the association measures of
//! later stages — is computed from the merged counts only when the tables are written.
//! Two `CorpusCounts` built from disjoint parts of a corpus merge exactly into the counts
//! of the whole.

use std::collections::HashMap;

use crate::cooccurrence::CoocCounts;
use crate::lexicon::CueStance;
use crate::terms::{Neighbors, TermOcc, TermPos};

/// A term as counted: its text and part of speech.
pub type TermKey = (String, TermPos);

/// Term counts of one document.
#[derive(Debug, Clone, Default)]
pub struct DocTerms {
    pub counts: HashMap<TermKey, u64>,
    /// Constituents of each compound term seen in the document.
    pub parts: HashMap<TermKey, Vec<String>>,
    pub neighbors: Neighbors,
}

impl DocTerms {
    pub fn add(&mut self, occ: &TermOcc) {
        let key = (occ.term.clone(), occ.pos);
        if occ.is_compound() && !self.parts.contains_key(&key) {
            self.parts.insert(key.clone(), occ.parts.clone());
        }
        *self.counts.entry(key).or_default() += 1;
    }

    /// (term, pos, freq) sorted by freq desc, then term, then pos — the doc_terms order.
    pub fn sorted(&self) -> Vec<(&TermKey, u64)> {
        let mut rows: Vec<(&TermKey, u64)> = self.counts.iter().map(|(k, v)| (k, *v)).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
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
    pub terms: HashMap<TermKey, [u64; 2]>,
}

/// Corpus-wide totals of one term.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermTotal {
    pub freq: u64,
    pub doc_freq: u64,
    pub parts: Vec<String>,
}

/// Every mergeable count of the corpus.
#[derive(Debug, Clone, Default)]
pub struct CorpusCounts {
    pub terms: HashMap<TermKey, TermTotal>,
    pub neighbors: Neighbors,
    /// (group, cue) → (freq, doc_freq).
    pub cues: HashMap<(String, CueKey), (u64, u64)>,
    /// Term occurrences in hedged and absolute sentences.
    pub stance_terms: HashMap<TermKey, [u64; 2]>,
    pub cooc: CoocCounts,
}

impl CorpusCounts {
    /// Add one document's term counts.
    pub fn add_doc_terms(&mut self, doc: &DocTerms) {
        for (key, count) in &doc.counts {
            let total = self.terms.entry(key.clone()).or_default();
            total.freq += count;
            total.doc_freq += 1;
            if total.parts.is_empty()
                && let Some(parts) = doc.parts.get(key)
            {
                total.parts = parts.clone();
            }
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
        for (term, [h, a]) in &doc.terms {
            let e = self.stance_terms.entry(term.clone()).or_default();
            e[0] += h;
            e[1] += a;
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
        for (term, [h, a]) in other.stance_terms {
            let e = self.stance_terms.entry(term).or_default();
            e[0] += h;
            e[1] += a;
        }
        for (key, t) in other.terms {
            let total = self.terms.entry(key).or_default();
            total.freq += t.freq;
            total.doc_freq += t.doc_freq;
            if total.parts.is_empty() {
                total.parts = t.parts;
            }
        }
        add_neighbors(&mut self.neighbors, &other.neighbors);
    }
}

fn add_neighbors(into: &mut Neighbors, from: &Neighbors) {
    for (noun, [l, r]) in from {
        let e = into.entry(noun.clone()).or_default();
        e[0] += l;
        e[1] += r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(term: &str, parts: &[&str]) -> TermOcc {
        TermOcc {
            term: term.into(),
            pos: TermPos::Noun,
            parts: parts.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn doc(occs: &[TermOcc], neighbors: &[(&str, [u64; 2])]) -> DocTerms {
        let mut d = DocTerms::default();
        for o in occs {
            d.add(o);
        }
        d.neighbors = neighbors.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        d
    }

    #[test]
    fn merging_halves_equals_counting_the_whole() {
        let a = doc(
            &[
                occ("関節軟骨", &["関節", "軟骨"]),
                occ("軟骨", &[]),
                occ("軟骨", &[]),
            ],
            &[("関節", [0, 1]), ("軟骨", [1, 0])],
        );
        let b = doc(&[occ("軟骨", &[])], &[]);
        let c = doc(
            &[occ("関節軟骨", &["関節", "軟骨"])],
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
        let key = ("軟骨".to_string(), TermPos::Noun);
        assert_eq!(
            whole.terms[&key],
            TermTotal {
                freq: 3,
                doc_freq: 2,
                parts: vec![]
            }
        );
        let compound = ("関節軟骨".to_string(), TermPos::Noun);
        assert_eq!(whole.terms[&compound].doc_freq, 2);
        assert_eq!(whole.terms[&compound].parts, ["関節", "軟骨"]);
        assert_eq!(whole.neighbors["関節"], [0, 2]);
    }

    #[test]
    fn doc_terms_sort_by_freq_then_term() {
        let d = doc(
            &[
                occ("膝", &[]),
                occ("軟骨", &[]),
                occ("軟骨", &[]),
                occ("炎症", &[]),
            ],
            &[],
        );
        let got: Vec<(&str, u64)> = d.sorted().iter().map(|(k, f)| (k.0.as_str(), *f)).collect();
        assert_eq!(got, [("軟骨", 2), ("炎症", 1), ("膝", 1)]);
    }
}
