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
use lindera_dictionary::dictionary::character_definition::CategoryId;
use lindera_dictionary::viterbi::{Lattice, LatticeOptions, WordId};

use crate::resources::{self, Source};

/// The lindera release the tokenizer is built on (Cargo.toml pins it), for manifest.json.
pub(crate) const LINDERA_VERSION: &str = "6.2.0";

mod embedded {
    lindera_dictionary::embedded_dictionary!("/lindera-ipadic", EmbeddedIpadicLoader);
}

/// Number of IPADIC feature fields after the surface: 品詞, 品詞細分類1-3, 活用型, 活用形,
/// 原形, 読み, 発音.
pub(crate) const FEATURE_COUNT: usize = 9;

/// A morpheme of a normalized sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte range in the normalized text that was tokenized.
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) word: WordId,
}

impl Token {
    pub(crate) fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The IPADIC features the stages use, borrowed from the dictionary: kept small because
/// every token of the corpus carries a copy through the stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features<'a> {
    /// 品詞, 品詞細分類1-3.
    pos: [&'a str; 4],
    /// 原形 (base form); `*` for unknown words, whose base is their surface.
    base: &'a str,
    /// The word is not in any dictionary (an unknown-word guess from char.def).
    pub(crate) unknown: bool,
    /// 名詞,数: a numeral, which the number stage reads (decided once per word, not per
    /// token).
    pub(crate) numeral: bool,
}

impl<'a> Features<'a> {
    /// From the nine IPADIC detail fields.
    pub(crate) fn from_details(details: &[&'a str; FEATURE_COUNT], unknown: bool) -> Self {
        Features {
            pos: [details[0], details[1], details[2], details[3]],
            base: details[6],
            unknown,
            numeral: details[0] == "名詞" && details[1] == "数",
        }
    }

    /// 品詞 (part of speech), e.g. 名詞.
    pub(crate) fn pos(&self) -> &'a str {
        self.pos[0]
    }
    /// 品詞細分類1-3, `*` when absent.
    pub(crate) fn pos_detail(&self, level: usize) -> &'a str {
        self.pos[level.clamp(1, 3)]
    }
    /// 原形 (base form); `*` for unknown words, whose base is their surface.
    pub(crate) fn base(&self) -> &'a str {
        self.base
    }
}

/// The shared, read-only segmenter.
pub(crate) struct Tokenizer {
    segmenter: Segmenter,
    /// char.def's SPACE category: tokens of it are dropped, as MeCab and lindera do.
    space: Option<CategoryId>,
    /// Whether each Latin-1 character is a SPACE one (the common case, without a lookup).
    space_latin1: [bool; 256],
}

impl Tokenizer {
    /// The embedded IPADIC plus a user dictionary built from `user_dictionaries` (none
    /// for the system dictionary alone, as MeCab with IPADIC would segment).
    pub(crate) fn new(user_dictionaries: &[Source]) -> Result<Self> {
        let dictionary = load_system_dictionary()?;
        let user = resources::user_dictionary(&dictionary.metadata, user_dictionaries)?;
        let segmenter = Segmenter::new(Mode::Normal, dictionary, user);
        let chars = &segmenter.dictionary.character_definition;
        let space = chars.category_id_by_name("SPACE");
        let space_latin1 = std::array::from_fn(|b| {
            space.is_some_and(|id| chars.lookup_categories(char::from(b as u8)).contains(&id))
        });
        Ok(Tokenizer {
            segmenter,
            space,
            space_latin1,
        })
    }

    /// Whether a token is whitespace only (and so not a token).
    #[inline]
    fn is_space(&self, text: &str) -> bool {
        // Kana, kanji and CJK punctuation (lead bytes E3–E9: U+3000–U+9FFF) are nearly
        // every token, and none of them is SPACE in IPADIC's char.def (a test checks each).
        if matches!(text.as_bytes().first(), Some(0xE3..=0xE9)) {
            return false;
        }
        self.is_space_slow(text)
    }

    fn is_space_slow(&self, text: &str) -> bool {
        let Some(space) = self.space else {
            return false;
        };
        let chars = &self.segmenter.dictionary.character_definition;
        text.chars().all(|c| match u8::try_from(c) {
            Ok(b) => self.space_latin1[b as usize],
            Err(_) => chars.lookup_categories(c).contains(&space),
        })
    }

    /// lindera's segmenter itself, for the benchmark's reference run through lindera's
    /// public API (`bokashi segment --lindera-api`).
    pub(crate) fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    pub(crate) fn worker(&self) -> Worker<'_> {
        Worker {
            tokenizer: self,
            lattice: Lattice::default(),
            offsets: Vec::new(),
        }
    }

    /// The features of a token produced by this tokenizer.
    pub(crate) fn features(&self, word: WordId) -> Features<'_> {
        Features::from_details(&self.details(word), word.is_unknown())
    }

    /// All nine IPADIC detail fields of a word, in MeCab order (`*` where absent).
    pub(crate) fn details(&self, word: WordId) -> [&str; FEATURE_COUNT] {
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
pub(crate) fn load_system_dictionary() -> Result<Dictionary> {
    embedded::load().context("loading the embedded IPADIC dictionary")
}

/// Per-thread cache of parsed features by word id.
///
/// Reading a word's features out of the dictionary means splitting and UTF-8-checking its
/// packed detail string; every stage needs them for every token, and a corpus uses a few
/// thousand distinct words a million times each. Each worker parses a word once.
pub(crate) struct FeatureCache<'a> {
    tokenizer: &'a Tokenizer,
    /// Slot + 1 of each word id, per lexicon (system, user, unknown); 0 = not parsed yet.
    slots: [Vec<u32>; 3],
    store: Vec<Features<'a>>,
}

impl<'a> FeatureCache<'a> {
    pub(crate) fn new(tokenizer: &'a Tokenizer) -> Self {
        FeatureCache {
            tokenizer,
            slots: [Vec::new(), Vec::new(), Vec::new()],
            store: Vec::new(),
        }
    }

    /// The dense index of a word in this cache (parsing its features on first sight):
    /// stages key their own per-word caches by it.
    #[inline]
    pub(crate) fn slot(&mut self, word: WordId) -> u32 {
        let table = if word.is_unknown() {
            2
        } else if word.is_system() {
            0
        } else {
            1
        };
        match self.slots[table].get(word.id() as usize) {
            Some(&slot) if slot != 0 => slot - 1,
            _ => self.first_sight(table, word),
        }
    }

    /// Parse a word's features and give it the next slot (a few thousand times a run,
    /// against millions of lookups: kept out of the lookup's way).
    #[cold]
    #[inline(never)]
    fn first_sight(&mut self, table: usize, word: WordId) -> u32 {
        let id = word.id() as usize;
        let features = self.tokenizer.features(word);
        self.store.push(features);
        let slots = &mut self.slots[table];
        if slots.len() <= id {
            slots.resize(id + 1, 0);
        }
        slots[id] = self.store.len() as u32;
        slots[id] - 1
    }

    /// The slot of every token, in order.
    pub(crate) fn all(&mut self, tokens: &[Token], slots: &mut Vec<u32>) {
        slots.clear();
        slots.reserve(tokens.len());
        for t in tokens {
            slots.push(self.slot(t.word));
        }
    }

    /// The features of tokens whose slots are `slots`.
    pub(crate) fn morphs<'s>(&'s self, slots: &'s [u32]) -> Morphs<'s, 'a> {
        Morphs {
            store: &self.store,
            slots: Some(slots),
        }
    }
}

/// The features of a sentence's tokens, by position: read through each token's slot in a
/// worker's [`FeatureCache`] (no copy per token), or given one per token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Morphs<'s, 'd> {
    store: &'s [Features<'d>],
    slots: Option<&'s [u32]>,
}

impl<'s, 'd> Morphs<'s, 'd> {
    /// One entry of `feats` per token, without a cache (tests, the lexicon compiler).
    pub(crate) fn direct(feats: &'s [Features<'d>]) -> Self {
        Morphs {
            store: feats,
            slots: None,
        }
    }

    /// The features of token `i`.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &'s Features<'d> {
        match self.slots {
            Some(slots) => &self.store[slots[i] as usize],
            None => &self.store[i],
        }
    }

    /// The feature-cache slot of token `i`, if there is a cache: stages key their own
    /// per-word caches by it.
    #[inline]
    pub(crate) fn slot(&self, i: usize) -> Option<u32> {
        self.slots.map(|slots| slots[i])
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.map_or(self.store.len(), <[u32]>::len)
    }

    /// The features of every token, in order.
    pub(crate) fn iter(
        &self,
    ) -> impl ExactSizeIterator<Item = &'s Features<'d>> + DoubleEndedIterator + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// lindera cuts the text it is given at these bytes (and 。/、), and at this length when
/// there is none, to bound the lattice; the worker cuts the same way, so that its tokens
/// are exactly lindera's.
const LINDERA_MAX_CHUNK_BYTES: usize = 32 * 1024;

/// The end of the chunk starting at `start`: after the next `\n`, `\t`, 。 or 、, or at
/// lindera's length limit (as `lindera::segmenter::find_sentence_end` does).
///
/// 。 and 、 are E3 80 82 and E3 80 81: the search skips with memchr to the bytes `\n`,
/// `\t` and 0x80 (rare in kana and kanji, which are nearly all of the text) and checks
/// its neighbours there.
fn chunk_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut cap = bytes.len();
    if cap - start > LINDERA_MAX_CHUNK_BYTES {
        cap = start + LINDERA_MAX_CHUNK_BYTES;
        while !text.is_char_boundary(cap) {
            cap += 1;
        }
    }
    for at in memchr::memchr3_iter(b'\n', b'\t', 0x80, &bytes[start..cap]) {
        let at = start + at;
        if bytes[at] != 0x80 {
            return at + 1;
        }
        if at > start && bytes[at - 1] == 0xE3 && matches!(bytes.get(at + 1), Some(0x81 | 0x82)) {
            return at + 2;
        }
    }
    cap
}

/// Per-thread tokenizer state: lindera's Viterbi lattice and backtrace buffer, driven
/// directly so that a call allocates nothing and builds no lindera `Token`s (whose
/// surface and detail fields the pipeline does not use).
pub(crate) struct Worker<'a> {
    tokenizer: &'a Tokenizer,
    lattice: Lattice,
    offsets: Vec<(usize, WordId)>,
}

impl Worker<'_> {
    /// Tokenize `text` (already normalized) into `out`, which is cleared first.
    /// Whitespace produces no tokens, as in MeCab.
    pub(crate) fn tokenize(&mut self, text: &str, out: &mut Vec<Token>) {
        out.clear();
        let t = self.tokenizer;
        let segmenter = &t.segmenter;
        let dictionary = &segmenter.dictionary;
        let user = segmenter.user_dictionary.as_ref().map(|d| &d.dict);
        let mut options = LatticeOptions::new(&segmenter.mode);
        options.max_grouping_len = segmenter.max_grouping_len;
        options.unknown_word_ladder = segmenter.unknown_word_ladder;
        let mut start = 0;
        while start < text.len() {
            let end = chunk_end(text, start);
            let chunk = &text[start..end];
            self.lattice.set_text_with_options(
                &dictionary.prefix_dictionary,
                &user,
                &dictionary.character_definition,
                &dictionary.unknown_dictionary,
                &dictionary.connection_cost_matrix,
                chunk,
                &options,
            );
            self.lattice.tokens_offset_into(&mut self.offsets);
            let offsets = &self.offsets;
            for (i, &(a, word)) in offsets.iter().enumerate() {
                let b = offsets.get(i + 1).map_or(chunk.len(), |n| n.0);
                if t.is_space(&chunk[a..b]) {
                    continue;
                }
                out.push(Token {
                    start: (start + a) as u32,
                    end: (start + b) as u32,
                    word,
                });
            }
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// lindera's cut, byte by byte: what the memchr search must agree with.
    fn chunk_end_bytewise(text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let mut end = start;
        while end < bytes.len() {
            let b = bytes[end];
            end += 1;
            if b == b'\n' || b == b'\t' {
                return end;
            }
            if (b == 0x81 || b == 0x82) && end >= 3 {
                let last = &bytes[end - 3..end];
                if last == "。".as_bytes() || last == "、".as_bytes() {
                    return end;
                }
            }
            if end - start >= LINDERA_MAX_CHUNK_BYTES && text.is_char_boundary(end) {
                return end;
            }
        }
        end
    }

    proptest! {
        #[test]
        fn chunk_ends_agree_with_the_bytewise_cut(
            text in "[a\t\n。、「」〜ぁ぀ー一\u{3000}\u{3001}\u{3002}\u{3003}\u{C0}\u{800}\u{1F600}]{0,60}",
            repeat in 1usize..3000,
        ) {
            // Long repeats cross the 32 KiB limit at every alignment of a character.
            let text = if repeat > 2000 { text.replace(['\n', '\t', '。', '、'], "").repeat(repeat) } else { text };
            let mut start = 0;
            while start < text.len() {
                let end = chunk_end(&text, start);
                prop_assert_eq!(end, chunk_end_bytewise(&text, start));
                prop_assert!(end > start);
                start = end;
            }
        }
    }

    #[test]
    fn cartilage_sentence_has_the_expected_surfaces_and_base_forms() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let text = "すり減った軟骨そのものを再生させる";
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens);
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
        worker.tokenize(text, &mut tokens);
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
        worker.tokenize(text, &mut tokens);
        let mut slots = Vec::new();
        cache.all(&tokens, &mut slots);
        assert_eq!(slots, [0, 1, 0, 2, 3, 1, 3]);
        let morphs = cache.morphs(&slots);
        assert_eq!(morphs.len(), tokens.len());
        for (t, f) in tokens.iter().zip(morphs.iter()) {
            assert_eq!(*f, tokenizer.features(t.word));
        }
        assert_eq!(
            cache.store.len(),
            4,
            "軟骨, の, と, エクソソーム parsed once each"
        );
    }

    #[test]
    fn the_worker_cuts_and_tokenizes_exactly_as_lindera_does() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let mut lindera = tokenizer.segmenter.new_worker();
        let long = "ア".repeat(12_000); // past lindera's 32 KiB cut, with no delimiter
        for text in [
            "膝の痛み、腫れ。\t再生医療\nとは 何か？　 ＡＢＣ abc",
            long.as_str(),
            "",
            " \u{3000} ",
        ] {
            let mut ours = Vec::new();
            worker.tokenize(text, &mut ours);
            let theirs: Vec<Token> = lindera
                .segment(text)
                .unwrap()
                .iter()
                .map(|t| Token {
                    start: t.byte_start as u32,
                    end: t.byte_end as u32,
                    word: t.word_id,
                })
                .collect();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn the_space_fast_path_agrees_with_char_def() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        for c in ('\u{3000}'..='\u{9FFF}').chain(['a', ' ', '\t', 'é']) {
            let text = format!("{c}{c}");
            assert_eq!(
                tokenizer.is_space(&text),
                tokenizer.is_space_slow(&text),
                "{c:?}"
            );
        }
        assert!(tokenizer.is_space(" \t") && !tokenizer.is_space("a"));
    }

    #[test]
    fn spaces_make_no_tokens_and_offsets_skip_them() {
        let tokenizer = Tokenizer::new(&[]).unwrap();
        let mut worker = tokenizer.worker();
        let text = "膝  の 痛み";
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens);
        let surfaces: Vec<&str> = tokens.iter().map(|t| &text[t.range()]).collect();
        assert_eq!(surfaces, vec!["膝", "の", "痛み"]);
    }
}
