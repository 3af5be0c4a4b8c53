//! Morphological analysis: lindera over the embedded IPADIC, with a per-worker cache of
//! each dictionary word's features ([`tokenize`]).

pub(crate) mod cache;
pub(crate) mod tokenize;

use std::ops::Range;

use crate::text::normalize::Normalized;
use tokenize::{Morphs, Token};

/// One sentence as every extraction stage sees it: the text as written, its normalized
/// form with the map back, the URLs in it, its tokens and their features.
#[derive(Clone, Copy)]
pub(crate) struct Sentence<'s, 'd> {
    /// Its number in the document, from 1.
    pub(crate) no: u64,
    /// The sentence as written in the source.
    pub(crate) source: &'s str,
    pub(crate) norm: &'s Normalized,
    /// URLs and e-mail addresses in the normalized text ([`crate::text::urls`]).
    pub(crate) urls: &'s [Range<usize>],
    pub(crate) tokens: &'s [Token],
    pub(crate) morphs: Morphs<'s, 'd>,
}

impl<'s> Sentence<'s, '_> {
    /// The normalized text the tokens index.
    pub(crate) fn text(&self) -> &'s str {
        &self.norm.text
    }

    /// The source text of a range of the normalized text (surfaces are written as in the
    /// source).
    pub(crate) fn as_written(&self, range: Range<usize>) -> &'s str {
        &self.source[self.norm.source_range(range)]
    }
}
