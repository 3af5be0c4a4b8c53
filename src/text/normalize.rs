//! Stage 2a: Unicode NFKC for analysis, with a map back to the text as written.
//!
//! The tokenizer and every extractor see NFKC text (full-width digits and letters become
//! ASCII, half-width kana become full-width, ㍉ becomes ミリ), because IPADIC and the
//! number parser expect it. Users, however, search their documents for what the tables
//! show, so every `surface`/`text` column is cut from the source through this map.
//!
//! The source is cut into chunks that NFKC treats independently: a chunk starts at every
//! character that cannot combine with what precedes it (combining class 0, excluding the
//! kana voicing marks, which compose with the kana before them). Each chunk is normalized
//! on its own and the map records where each chunk starts on both sides. A range of the
//! normalized text maps to the smallest run of whole source chunks that covers it.
//! (Chunking diverges from whole-string NFKC only where two class-0 characters compose,
//! as Hangul jamo do; Japanese text has no such case.)

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Normalized text plus the offset map to its source.
///
/// ```
/// use bokashi::text::normalize::Normalized;
///
/// let source = "ＣＲＰは０．４９２";
/// let n = Normalized::new(source);
/// assert_eq!(n.text, "CRPは0.492");
/// // The span of "0.492" in the normalized text maps back to the text as written.
/// let at = n.text.find("0.492").unwrap();
/// assert_eq!(&source[n.source_range(at..n.text.len())], "０．４９２");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The NFKC text, with control characters turned into spaces and zero-width
    /// characters removed.
    pub text: String,
    /// Where segments start in `text` and in the source, and whether the segment is an
    /// identity run (bytes copied unchanged, so offsets inside it map one to one) or a
    /// single chunk that normalization changed (it maps as a whole). A sentinel segment
    /// (text length, source length) closes the list.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Segment {
    norm: u32,
    src: u32,
    identity: bool,
}

impl Normalized {
    /// Normalize `source`. Offsets are relative to `source`.
    ///
    /// Texts longer than 4 GiB are not supported by the map's `u32` offsets; the reader
    /// cuts documents into much smaller pieces long before that.
    pub fn new(source: &str) -> Self {
        let mut out = Normalized::default();
        out.rebuild(source);
        out
    }

    /// Normalize `source` into this value, reusing its buffers.
    ///
    /// Runs of stable starters (nearly all of Japanese text) are copied as they are, in
    /// one piece; every other chunk goes through [`Self::push_chunk`].
    pub(crate) fn rebuild(&mut self, source: &str) {
        self.text.clear();
        self.segments.clear();
        let bytes = source.as_bytes();
        let char_at = |i: usize| source[i..].chars().next();
        let mut i = 0;
        while let Some(first) = char_at(i) {
            if stable_starter(first) {
                // The run of stable starters from `i`; its last one is a chunk with what
                // follows it unless that starts a chunk of its own.
                let mut last = i;
                let mut j = i;
                loop {
                    let n = stable_starter_len(&bytes[j..]);
                    if n == 0 {
                        break;
                    }
                    last = j;
                    j += n;
                }
                let end = match char_at(j) {
                    Some(c) if !starts_chunk(c) => last,
                    _ => j,
                };
                if end > i {
                    self.push_identity(&source[i..end], i);
                    i = end;
                    continue;
                }
            }
            let mut end = i + first.len_utf8();
            while let Some(c) = char_at(end).filter(|&c| !stable_starter(c) && !starts_chunk(c)) {
                end += c.len_utf8();
            }
            self.push_chunk(&source[i..end], i);
            i = end;
        }
        self.segments.push(Segment {
            norm: self.text.len() as u32,
            src: source.len() as u32,
            identity: false,
        });
    }

    /// Append text that normalization keeps as it is: it joins (or starts) an identity
    /// run, which needs no entry of its own.
    fn push_identity(&mut self, run: &str, src_offset: usize) {
        if !self.segments.last().is_some_and(|s| s.identity) {
            self.segments.push(Segment {
                norm: self.text.len() as u32,
                src: src_offset as u32,
                identity: true,
            });
        }
        self.text.push_str(run);
    }

    fn push_chunk(&mut self, chunk: &str, src_offset: usize) {
        let mut chars = chunk.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && (stable_starter(c)
                || is_list_mark(c)
                || (clean(c).is_none() && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes))
        {
            // A character that normalization keeps.
            self.push_identity(chunk, src_offset);
            return;
        }
        self.segments.push(Segment {
            norm: self.text.len() as u32,
            src: src_offset as u32,
            identity: false,
        });
        for c in chunk.nfkc() {
            match clean(c) {
                Some(Some(r)) => self.text.push(r),
                Some(None) => {}
                None => self.text.push(c),
            }
        }
    }

    /// The source byte range that a range of the normalized text came from.
    ///
    /// Out-of-range or non-boundary inputs are clamped, never a panic.
    pub fn source_range(&self, norm: Range<usize>) -> Range<usize> {
        let Some(sentinel) = self.segments.last() else {
            return 0..0;
        };
        let len = sentinel.norm as usize;
        let a = norm.start.min(len);
        let b = norm.end.min(len).max(a);
        let last = self.segments.len() - 1;
        let start = if a == len {
            sentinel.src as usize
        } else {
            // The last segment starting at or before `a` (skipping chunks that normalized
            // to nothing).
            let i = self.segments[..last]
                .partition_point(|s| s.norm as usize <= a)
                .saturating_sub(1);
            self.position(i, a, false)
        };
        if b == a {
            return start..start;
        }
        // The segment holding the last byte of the range.
        let j = self.segments[..last]
            .partition_point(|s| (s.norm as usize) < b)
            .saturating_sub(1);
        let end = self.position(j, b, true).max(start);
        start..end
    }

    /// The source offset of text offset `at` inside segment `i`: one to one in an
    /// identity run, else the start (or with `end`, the end) of the whole chunk.
    fn position(&self, i: usize, at: usize, end: bool) -> usize {
        let seg = self.segments[i];
        if seg.identity {
            let off = at - seg.norm as usize;
            // Both sides hold the same bytes, so the offset is a boundary on both; the
            // clamp only guards against a segment shorter than claimed.
            let next = self.segments.get(i + 1).map_or(seg.src, |n| n.src) as usize;
            (seg.src as usize + off).min(next)
        } else if end {
            self.segments.get(i + 1).map_or(seg.src, |n| n.src) as usize
        } else {
            seg.src as usize
        }
    }
}

/// `s` normalized as [`Normalized`] does, borrowed when that changes nothing (a base form
/// from the dictionary, a word of a list): no allocation in the common case.
#[cfg(test)]
pub(crate) fn normalized(s: &str) -> std::borrow::Cow<'_, str> {
    // Kana and kanji only (nearly every base form): nothing to look up.
    if s.chars().all(stable_starter) {
        return std::borrow::Cow::Borrowed(s);
    }
    let unchanged = s.chars().all(|c| stable_starter(c) || clean(c).is_none())
        && is_nfkc_quick(s.chars()) == IsNormalized::Yes;
    if unchanged {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(Normalized::new(s).text)
    }
}

/// Characters that NFKC keeps as they are and that start a chunk (combining class 0),
/// known without a table lookup: printable ASCII, the CJK punctuation of running text
/// (、。「」『』【】〜 and their kin), hiragana, katakana and the CJK unified ideographs —
/// nearly every character of Japanese text.
const fn stable_starter(c: char) -> bool {
    matches!(
        c,
        ' '..='~'
            | '\u{3001}'..='\u{3011}'
            | '\u{3014}'..='\u{301F}'
            | '\u{3041}'..='\u{3096}'
            | '\u{30A1}'..='\u{30FA}'
            | '\u{30FC}'
            | '\u{4E00}'..='\u{9FFF}'
    )
}

/// Which characters of U+3000–U+30FF (CJK punctuation, hiragana, katakana) are stable
/// starters, by their last six bits and the low two of the byte before.
const KANA_BLOCK: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = match char::from_u32(0x3000 + i as u32) {
            Some(c) => stable_starter(c),
            None => false,
        };
        i += 1;
    }
    table
};

/// The UTF-8 length of the stable starter `bytes` begin with, 0 if they begin otherwise
/// (read from the bytes, which are valid UTF-8: this runs for every character of the
/// corpus).
fn stable_starter_len(bytes: &[u8]) -> usize {
    match *bytes {
        [b, ..] if b.is_ascii() => usize::from(matches!(b, b' '..=b'~')),
        // U+3000–U+30FF: E3 80–83 xx.
        [0xE3, b1 @ 0x80..=0x83, b2, ..] => {
            3 * usize::from(KANA_BLOCK[usize::from(((b1 & 0x03) << 6) | (b2 & 0x3F))])
        }
        // CJK unified ideographs U+4E00–U+4FFF (E4 B8–BF xx) and U+5000–U+9FFF (E5–E9).
        [0xE4, 0xB8..=0xBF, _, ..] | [0xE5..=0xE9, _, _, ..] => 3,
        _ => 0,
    }
}

/// Whether `c` begins a new normalization chunk.
/// Marks that reorder text on screen without showing: LRM, RLM, ALM, bidi embeddings,
/// overrides and isolates. Dropped for analysis, escaped in ids and messages.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Circled and parenthesized numbers (①, ❶, ⑴, ⒈) mark list items: NFKC would make
/// them digits, which the number stage would read as quantities, so they are kept.
pub(crate) fn is_list_mark(c: char) -> bool {
    matches!(c, '\u{2460}'..='\u{24FF}' | '\u{2776}'..='\u{2793}' | '\u{3251}'..='\u{325F}' | '\u{32B1}'..='\u{32BF}')
}

fn starts_chunk(c: char) -> bool {
    // Kana voicing marks (combining and half-width) compose with the kana before them.
    !matches!(c, '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}')
        && canonical_combining_class(c) == 0
}

/// Characters the pipeline cleans beyond NFKC: `Some(Some(' '))` replaces a control
/// character with a space (the tokenizer skips spaces), `Some(None)` drops a zero-width
/// character, `None` keeps `c` as normalized.
fn clean(c: char) -> Option<Option<char>> {
    match c {
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => Some(None),
        // Invisible characters that would split a word or a cue without showing: soft
        // hyphen, LRM/RLM/ALM, bidi embeddings, overrides and isolates, the Mongolian vowel
        // separator, variation selectors and tag characters.
        c if is_bidi_control(c) => Some(None),
        '\u{00AD}'
        | '\u{180E}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{E0000}'..='\u{E007F}' => Some(None),
        c if c.is_control() => Some(Some(' ')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stable_starters_are_kept_by_nfkc_and_start_a_chunk() {
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| stable_starter(c))
        {
            let one = c.to_string();
            assert_eq!(one.nfkc().collect::<String>(), one, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert!(starts_chunk(c) && clean(c).is_none(), "{c:?}");
            assert_eq!(stable_starter_len(one.as_bytes()), c.len_utf8(), "{c:?}");
        }
        // And the bytes of every other character are not taken for one.
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| !stable_starter(c))
        {
            let text = format!("{c}あ");
            assert_eq!(stable_starter_len(text.as_bytes()), 0, "{c:?}");
        }
    }

    /// The chunking by definition, one character at a time: what the run-copying
    /// `rebuild` must agree with.
    fn rebuild_char_by_char(source: &str) -> Normalized {
        let mut out = Normalized::default();
        let mut chunk_start = 0;
        for (i, c) in source.char_indices() {
            if i > chunk_start && (stable_starter(c) || starts_chunk(c)) {
                out.push_chunk(&source[chunk_start..i], chunk_start);
                chunk_start = i;
            }
        }
        if chunk_start < source.len() {
            out.push_chunk(&source[chunk_start..], chunk_start);
        }
        out.segments.push(Segment {
            norm: out.text.len() as u32,
            src: source.len() as u32,
            identity: false,
        });
        out
    }

    proptest! {
        #[test]
        fn run_copying_agrees_with_char_by_char_chunking(
            source in "[a-z0-9 あかがはぱアカガ漢字ｶﾞﾊﾟｶ\u{3099}\u{309A}\u{FF9E}\u{0301}０１ＡＢ㍉①\u{200B}\u{0}、。]{0,40}"
        ) {
            let fast = Normalized::new(&source);
            let slow = rebuild_char_by_char(&source);
            prop_assert_eq!(&fast.text, &slow.text);
            for a in 0..=fast.text.len() {
                for b in a..=fast.text.len() {
                    prop_assert_eq!(fast.source_range(a..b), slow.source_range(a..b));
                }
            }
        }
    }

    fn surfaces(source: &str, n: &Normalized, needle: &str) -> String {
        let at = n.text.find(needle).expect("needle in normalized text");
        source[n.source_range(at..at + needle.len())].to_string()
    }

    #[test]
    fn full_width_digits_and_letters_become_ascii_and_map_back() {
        let source = "直径３０〜１５０ｎｍ、ＭＭＰ－３は１９８";
        let n = Normalized::new(source);
        assert_eq!(n.text, "直径30〜150nm、MMP-3は198");
        assert_eq!(surfaces(source, &n, "30〜150nm"), "３０〜１５０ｎｍ");
        assert_eq!(surfaces(source, &n, "MMP-3"), "ＭＭＰ－３");
        assert_eq!(surfaces(source, &n, "198"), "１９８");
    }

    #[test]
    fn half_width_kana_with_voicing_mark_is_one_chunk() {
        let source = "ｶﾞｲﾄﾞを読む";
        let n = Normalized::new(source);
        assert_eq!(n.text, "ガイドを読む");
        assert_eq!(surfaces(source, &n, "ガ"), "ｶﾞ");
        assert_eq!(surfaces(source, &n, "ガイド"), "ｶﾞｲﾄﾞ");
        assert_eq!(surfaces(source, &n, "読む"), "読む");
    }

    #[test]
    fn one_source_char_expanding_to_several_maps_to_the_whole_char() {
        // ㍉ (one char) normalizes to ミリ (two chars): either half maps back to ㍉.
        let source = "５㍉の針";
        let n = Normalized::new(source);
        assert_eq!(n.text, "5ミリの針");
        assert_eq!(surfaces(source, &n, "ミ"), "㍉");
        assert_eq!(surfaces(source, &n, "5ミリ"), "５㍉");
        assert_eq!(surfaces(source, &n, "の針"), "の針");
    }

    #[test]
    fn controls_become_spaces_and_zero_width_chars_vanish() {
        let source = "軟骨\u{0}再生\u{200B}医療\u{FEFF}";
        let n = Normalized::new(source);
        assert_eq!(n.text, "軟骨 再生医療");
        assert_eq!(surfaces(source, &n, "再生医療"), "再生\u{200B}医療");
        let whole = n.source_range(0..n.text.len());
        assert_eq!(&source[whole], "軟骨\u{0}再生\u{200B}医療");
    }

    #[test]
    fn normalized_borrows_only_what_normalization_keeps() {
        for s in [
            "改善",
            "再生医療",
            "abc",
            "",
            "ＣＲＰ",
            "ｶﾞｲﾄﾞ",
            "軟骨\u{200B}",
            "a\u{0}b",
            "か\u{3099}",
        ] {
            let cow = normalized(s);
            assert_eq!(cow, Normalized::new(s).text, "{s:?}");
            assert_eq!(
                matches!(cow, std::borrow::Cow::Borrowed(_)),
                Normalized::new(s).text == s,
                "{s:?}"
            );
        }
    }

    #[test]
    fn ranges_are_clamped_not_panicking() {
        let n = Normalized::new("abc");
        assert_eq!(n.source_range(0..100), 0..3);
        let reversed = std::ops::Range { start: 5, end: 2 };
        assert_eq!(n.source_range(reversed), 3..3);
        let empty = Normalized::new("");
        assert_eq!(empty.text, "");
        assert_eq!(empty.source_range(0..0), 0..0);
    }
}
