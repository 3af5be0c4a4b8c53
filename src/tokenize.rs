//! Stage 3: morphological analysis with lindera over the embedded IPADIC.
//!
//! One [`Tokenizer`] is built per run and shared read-only by every rayon worker; each
//! worker owns a [`Worker`] whose lattice buffers are reused from sentence to sentence
//! (the vibrato `Tokenizer` + `Worker` split). Tokens are small `Copy` values (a byte
//! range and a word id); their IPADIC features are borrowed from the dictionary on demand,
//! so no string is allocated per token.

use std::ops::Range;

use anyhow::{Context, Result};
use lindera::dictionary::Dictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::viterbi::WordId;

use crate::resources::{self, Source};

mod embedded {
    lindera_dictionary::embedded_dictionary!("/lindera-ipadic", EmbeddedIpadicLoader);
}

/// Number of IPADIC feature fields after the surface: 品詞, 品詞細分類1-3, 活用型, 活用形,
/// 原形, 読み, 発音.
pub const FEATURE_COUNT: usize = 9;

/// A morpheme of a normalized sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the normalized text that was tokenized.
    pub start: u32,
    pub end: u32,
    pub word: WordId,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The IPADIC features the stages use, borrowed from the dictionary: kept small because
/// every token of the corpus carries a copy through the stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features<'a> {
    /// 品詞, 品詞細分類1-3.
    pos: [&'a str; 4],
    /// 原形 (base form); `*` for unknown words, whose base is their surface.
    base: &'a str,
    /// The word is not in any dictionary (an unknown-word guess from char.def).
    pub unknown: bool,
}

impl<'a> Features<'a> {
    /// From the nine IPADIC detail fields.
    pub fn from_details(details: &[&'a str; FEATURE_COUNT], unknown: bool) -> Self {
        Features {
            pos: [details[0], details[1], details[2], details[3]],
            base: details[6],
            unknown,
        }
    }

    /// 品詞 (part of speech), e.g. 名詞.
    pub fn pos(&self) -> &'a str {
        self.pos[0]
    }
    /// 品詞細分類1-3, `*` when absent.
    pub fn pos_detail(&self, level: usize) -> &'a str {
        self.pos[level.clamp(1, 3)]
    }
    /// 原形 (base form); `*` for unknown words, whose base is their surface.
    pub fn base(&self) -> &'a str {
        self.base
    }
}

/// The shared, read-only segmenter.
pub struct Tokenizer {
    segmenter: Segmenter,
}

impl Tokenizer {
    /// The embedded IPADIC plus a user dictionary built from `user_dictionaries` (none
    /// for the system dictionary alone, as MeCab with IPADIC would segment).
    pub fn new(user_dictionaries: &[Source]) -> Result<Self> {
        let dictionary = load_system_dictionary()?;
        let user = resources::user_dictionary(&dictionary.metadata, user_dictionaries)?;
        Ok(Tokenizer {
            segmenter: Segmenter::new(Mode::Normal, dictionary, user),
        })
    }

    /// The system dictionary, for loading user dictionaries against its metadata.
    pub fn dictionary(&self) -> &Dictionary {
        &self.segmenter.dictionary
    }

    pub fn worker(&self) -> Worker {
        Worker {
            inner: self.segmenter.new_worker(),
        }
    }

    /// The features of a token produced by this tokenizer.
    pub fn features(&self, word: WordId) -> Features<'_> {
        Features::from_details(&self.details(word), word.is_unknown())
    }

    /// All nine IPADIC detail fields of a word, in MeCab order (`*` where absent).
    pub fn details(&self, word: WordId) -> [&str; FEATURE_COUNT] {
        let id = word.id() as usize;
        let dictionary = &self.segmenter.dictionary;
        let mut fields = ["*"; FEATURE_COUNT];
        let details: Option<lindera_dictionary::dictionary::DetailFields<'_>> = if word.is_unknown()
        {
            Some(dictionary.unknown_word_details_iter(id))
        } else if word.is_system() {
            Some(dictionary.word_details_iter(id))
        } else {
            self.segmenter
                .user_dictionary
                .as_ref()
                .map(|user| user.word_details_iter(id))
        };
        for (slot, value) in fields.iter_mut().zip(details.into_iter().flatten()) {
            *slot = value;
        }
        fields
    }
}

/// Loads the IPADIC compiled into the binary by `build.rs`.
pub fn load_system_dictionary() -> Result<Dictionary> {
    embedded::load().context("loading the embedded IPADIC dictionary")
}

/// Per-thread cache of parsed features by word id.
///
/// Reading a word's features out of the dictionary means splitting and UTF-8-checking its
/// packed detail string; every stage needs them for every token, and a corpus uses a few
/// thousand distinct words a million times each. Each worker parses a word once.
pub struct FeatureCache<'a> {
    tokenizer: &'a Tokenizer,
    /// Slot + 1 of each word id, per lexicon (system, user, unknown); 0 = not parsed yet.
    slots: [Vec<u32>; 3],
    store: Vec<Features<'a>>,
}

impl<'a> FeatureCache<'a> {
    pub fn new(tokenizer: &'a Tokenizer) -> Self {
        FeatureCache {
            tokenizer,
            slots: [Vec::new(), Vec::new(), Vec::new()],
            store: Vec::new(),
        }
    }

    pub fn get(&mut self, word: WordId) -> Features<'a> {
        let slot = self.slot(word);
        self.store[slot as usize]
    }

    /// The dense index of a word in this cache (parsing its features on first sight):
    /// stages key their own per-word caches by it.
    pub fn slot(&mut self, word: WordId) -> u32 {
        let table = if word.is_unknown() {
            2
        } else if word.is_system() {
            0
        } else {
            1
        };
        let id = word.id() as usize;
        let slots = &mut self.slots[table];
        if let Some(&slot) = slots.get(id)
            && slot != 0
        {
            return slot - 1;
        }
        let features = self.tokenizer.features(word);
        self.store.push(features);
        if slots.len() <= id {
            slots.resize(id + 1, 0);
        }
        slots[id] = self.store.len() as u32;
        slots[id] - 1
    }

    /// The features and slots of every token, in order.
    pub fn all(&mut self, tokens: &[Token], feats: &mut Vec<Features<'a>>, slots: &mut Vec<u32>) {
        feats.clear();
        slots.clear();
        for t in tokens {
            let slot = self.slot(t.word);
            slots.push(slot);
            feats.push(self.store[slot as usize]);
        }
    }
}

/// Per-thread tokenizer state.
pub struct Worker {
    inner: lindera::worker::SegmentWorker,
}

impl Worker {
    /// Tokenize `text` (already normalized) into `out`, which is cleared first.
    /// Whitespace produces no tokens, as in MeCab.
    pub fn tokenize(&mut self, text: &str, out: &mut Vec<Token>) -> Result<()> {
        out.clear();
        if text.is_empty() {
            return Ok(());
        }
        let tokens = self
            .inner
            .segment(text)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        out.extend(tokens.iter().map(|t| Token {
            start: t.byte_start as u32,
            end: t.byte_end as u32,
            word: t.word_id,
        }));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cartilage_sentence_has_the_expected_surfaces_and_base_forms() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let text = "すり減った軟骨そのものを再生させる";
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens).unwrap();
        let got: Vec<(&str, &str, &str)> = tokens
            .iter()
            .map(|t| {
                let f = tokenizer.features(t.word);
                (&text[t.range()], f.pos(), f.base())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("すり減っ", "動詞", "すり減る"),
                ("た", "助動詞", "た"),
                ("軟骨", "名詞", "軟骨"),
                ("そのもの", "名詞", "そのもの"),
                ("を", "助詞", "を"),
                ("再生", "名詞", "再生"),
                ("さ", "動詞", "する"),
                ("せる", "動詞", "せる"),
            ]
        );
        // Full feature row of a conjugated verb, in MeCab order.
        let f = tokenizer.features(tokens[0].word);
        assert_eq!(
            tokenizer.details(tokens[0].word),
            [
                "動詞",
                "自立",
                "*",
                "*",
                "五段・ラ行",
                "連用タ接続",
                "すり減る",
                "スリヘッ",
                "スリヘッ"
            ]
        );
        assert!(!f.unknown);
    }

    #[test]
    fn unknown_katakana_word_is_flagged_and_padded() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let text = "エクソソームの作用";
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens).unwrap();
        assert_eq!(&text[tokens[0].range()], "エクソソーム");
        let f = tokenizer.features(tokens[0].word);
        assert!(f.unknown);
        assert_eq!(f.pos(), "名詞");
        assert_eq!(f.base(), "*");
        assert_eq!(tokenizer.details(tokens[0].word).len(), FEATURE_COUNT);
    }

    #[test]
    fn the_feature_cache_returns_what_the_dictionary_says() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let mut cache = FeatureCache::new(&tokenizer);
        let text = "軟骨の軟骨とエクソソームのエクソソーム";
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens).unwrap();
        let mut feats = Vec::new();
        let mut slots = Vec::new();
        cache.all(&tokens, &mut feats, &mut slots);
        assert_eq!(slots, [0, 1, 0, 2, 3, 1, 3]);
        for (t, f) in tokens.iter().zip(&feats) {
            assert_eq!(*f, tokenizer.features(t.word));
        }
        assert_eq!(
            cache.store.len(),
            4,
            "軟骨, の, と, エクソソーム parsed once each"
        );
    }

    #[test]
    fn spaces_make_no_tokens_and_offsets_skip_them() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let text = "膝  の 痛み";
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens).unwrap();
        let surfaces: Vec<&str> = tokens.iter().map(|t| &text[t.range()]).collect();
        assert_eq!(surfaces, vec!["膝", "の", "痛み"]);
    }
}
