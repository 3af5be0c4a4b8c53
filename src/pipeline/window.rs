//! A window of sentences normalized and tokenized ahead of the extraction stages.
//!
//! A window is tokenized, then each stage runs over the whole window before the next: the
//! lattice's dictionary and cost matrix, and each stage's own tables, stay in cache while
//! they are used, instead of being evicted by the other stages after every sentence.

use std::ops::Range;

use crate::morph::Sentence;
use crate::morph::tokenize::{FeatureCache, Token, Worker};
use crate::stages::stance::SentenceStance;
use crate::text::normalize::Normalized;
use crate::timing::{Stage, Stopwatch};

/// Sentences a window holds at most, and the text length after which it takes no more:
/// enough to amortize the switch between the lattice and the other stages, small enough
/// that a window's tokens stay in cache and its memory does not grow with the document.
pub(crate) const WINDOW_SENTENCES: usize = 64;
pub(crate) const WINDOW_BYTES: usize = 16 * 1024;

/// One sentence of a window: what tokenization made of it, and what the stages found.
#[derive(Default)]
struct Slot {
    source: Range<usize>,
    norm: Normalized,
    urls: Vec<Range<usize>>,
    tokens: Vec<Token>,
    /// The tokens' feature-cache slots.
    features: Vec<u32>,
    found: Found,
}

/// What the stages found in a sentence that later stages and its rows need.
#[derive(Default)]
pub(crate) struct Found {
    pub(crate) stance: SentenceStance,
    /// The normalized byte ranges of its cues: their words are left out of
    /// `stance_terms.csv`, which is about what the sentence hedges or asserts.
    pub(crate) cue_spans: Vec<Range<usize>>,
    /// The compliance atoms (`cue:`, `rule:`) its cues satisfy, with their ranges.
    pub(crate) marks: Vec<(usize, Range<usize>)>,
    pub(crate) hedges: u64,
    pub(crate) absolutes: u64,
    pub(crate) numbers: u64,
}

/// The sentences tokenized ahead of the extraction stages; its buffers are reused.
#[derive(Default)]
pub(crate) struct Window {
    slots: Vec<Slot>,
    len: usize,
    /// The number of the window's first sentence in its document, from 0.
    first: usize,
}

impl Window {
    /// Normalize, tokenize and look up the features of the sentences of `text` from number
    /// `first` (0-based) on, up to the window's limits; returns how many (at least one, if
    /// any are left).
    pub(crate) fn fill<'d>(
        &mut self,
        text: &str,
        sentences: &[Range<usize>],
        first: usize,
        tokenizer: (&mut Worker<'d>, &mut FeatureCache<'d>),
        watch: &mut Stopwatch,
    ) -> usize {
        let (worker, cache) = tokenizer;
        let (mut n, mut bytes) = (0, 0);
        for range in &sentences[first..] {
            if n == WINDOW_SENTENCES || bytes >= WINDOW_BYTES {
                break;
            }
            let source = &text[range.clone()];
            bytes += source.len();
            if self.slots.len() == n {
                self.slots.push(Slot::default());
            }
            let s = &mut self.slots[n];
            s.source = range.clone();
            s.norm.rebuild(source);
            // URLs and e-mail addresses: neither terms nor numbers.
            s.urls = crate::text::urls::url_spans(&s.norm.text);
            n += 1;
        }
        watch.lap(Stage::Normalize);
        for s in &mut self.slots[..n] {
            worker.tokenize(&s.norm.text, &mut s.tokens);
            cache.all(&s.tokens, &mut s.features);
        }
        watch.lap(Stage::Tokenize);
        (self.len, self.first) = (n, first);
        n
    }

    /// Each sentence of the window as the stages see it, with what the stages found.
    pub(crate) fn sentences<'w, 'd>(
        &'w mut self,
        text: &'w str,
        cache: &'w FeatureCache<'d>,
    ) -> impl Iterator<Item = (Sentence<'w, 'd>, &'w mut Found)> {
        let first = self.first;
        self.slots[..self.len]
            .iter_mut()
            .enumerate()
            .map(move |(i, s)| {
                let Slot {
                    source,
                    norm,
                    urls,
                    tokens,
                    features,
                    found,
                } = s;
                let sentence = Sentence {
                    no: (first + i + 1) as u64,
                    source: &text[source.clone()],
                    norm,
                    urls,
                    tokens,
                    morphs: cache.morphs(features),
                };
                (sentence, found)
            })
    }
}
