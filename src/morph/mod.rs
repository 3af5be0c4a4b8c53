//! Morphological analysis: lindera over the embedded IPADIC, with a per-worker cache of
//! each dictionary word's features ([`tokenize`]).

pub mod tokenize;
