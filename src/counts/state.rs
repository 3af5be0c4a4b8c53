//! A part's counts as data: what `analyze --shard K/N` writes and `merge` reads back.
//! Logical, not the in-memory layout: each term by its text, pairs by term index, so a
//! part merges into any other.

use serde::{Deserialize, Serialize};

use super::{CorpusCounts, CueCounts, GroupCounts, TermCounts};

/// One term: its text, its counts per part of speech (pos index, freq, doc_freq, hedged,
/// absolute), units, FLR neighbours, and a compound's constituents (term indexes).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct TermState {
    pub(crate) text: String,
    pub(crate) pos: Vec<(u8, [u64; 4])>,
    pub(crate) units: u64,
    pub(crate) neighbors: [u64; 2],
    pub(crate) parts: Vec<u32>,
}

/// Every count of a part: terms (their index is their id in `pairs` and `group_terms`),
/// co-occurrence units, cues, groups and pairs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct CountsState {
    pub(crate) terms: Vec<TermState>,
    pub(crate) units: u64,
    /// (group, stance: 0 hedge / 1 absolute, category, cue, freq, doc_freq).
    pub(crate) cues: Vec<(String, u8, String, String, u64, u64)>,
    /// (group, documents, [sentences, tokens, hedged, absolute, mixed, neutral,
    /// hedge_cues, absolute_cues]).
    pub(crate) groups: Vec<super::groups::GroupState>,
    /// (group index in `groups`, term index, pos index, freq).
    pub(crate) group_terms: Vec<(u32, u32, u8, u64)>,
    /// (term index, term index, units with both), each pair once.
    pub(crate) pairs: Vec<(u32, u32, u64)>,
}

impl CountsState {
    /// A part's counts and its pairs (sorted, under the counts' term ids) as data.
    pub(crate) fn of(
        counts: &CorpusCounts,
        pairs: impl Iterator<Item = anyhow::Result<(u64, u64)>>,
    ) -> anyhow::Result<Self> {
        let (groups, group_terms) = counts.groups.export();
        let mut state = CountsState {
            terms: counts.terms.export(),
            units: counts.terms.units,
            cues: counts.cues.export(),
            groups,
            group_terms,
            pairs: Vec::new(),
        };
        for pair in pairs {
            let (key, n) = pair?;
            let (a, b) = super::pairs::unpack(key);
            state.pairs.push((a, b, n));
        }
        Ok(state)
    }

    /// The counts back (term `i` with id `i`), and the pairs under those ids.
    pub(crate) fn into_counts(self) -> (CorpusCounts, Vec<(u32, u32, u64)>) {
        let counts = CorpusCounts {
            terms: TermCounts::import(&self.terms, self.units),
            cues: CueCounts::import(&self.cues),
            groups: GroupCounts::import(&self.groups, &self.group_terms),
        };
        (counts, self.pairs)
    }
}
