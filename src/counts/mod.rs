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

mod corpus;
mod document;
mod groups;
mod interner;
pub(crate) mod pairs;
pub(crate) mod state;
pub(crate) mod stats;

pub(crate) use corpus::{CorpusCounts, CueCounts, TermCounts};
pub(crate) use document::DocCounts;
pub(crate) use groups::{DocTotals, GroupCounts};

/// What a run counted: the corpus counts and every worker's co-occurrence pairs.
pub struct Totals {
    pub(crate) counts: CorpusCounts,
    pub(crate) pairs: Vec<pairs::PairStore>,
}

/// Counts per part of speech (indexed by [`TermPos::index`]).
pub(crate) type PerPos<T> = [T; 3];

/// Counts that add up: a part of the corpus counted on its own (a worker's documents, a
/// shard) merges into another part, and the sum is what counting both together gives.
pub(crate) trait Merge {
    fn merge(&mut self, other: Self);
}
