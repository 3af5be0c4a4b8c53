//! Morphological analysis: lindera over the embedded IPADIC, with a per-worker cache of
//! each dictionary word's features ([`tokenize`]).

pub mod cache;
pub mod tokenize;

use std::ops::Range;

use crate::text::normalize::Normalized;
use tokenize::{Morphs, Token};

/// One sentence as every extraction stage sees it: the text as written, its normalized
/// form with the map back, the URLs in it, its tokens and their features.
#[derive(Clone, Copy)]
pub struct Sentence<'s, 'd> {
    /// Its number in the document, from 1.
    pub no: u64,
    /// The sentence as written in the source.
    pub source: &'s str,
    pub norm: &'s Normalized,
    /// URLs and e-mail addresses in the normalized text ([`crate::text::urls`]).
    pub urls: &'s [Range<usize>],
    pub tokens: &'s [Token],
    pub morphs: Morphs<'s, 'd>,
}

impl<'s> Sentence<'s, '_> {
    /// The normalized text the tokens index.
    pub fn text(&self) -> &'s str {
        &self.norm.text
    }

    /// The source text of a range of the normalized text (surfaces are written as in the
    /// source).
    pub fn as_written(&self, range: Range<usize>) -> &'s str {
        &self.source[self.norm.source_range(range)]
    }
}
