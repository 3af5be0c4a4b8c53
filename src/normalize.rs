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
/// use bokashi::normalize::Normalized;
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
    /// Byte offset in `text` where each chunk starts, then `text.len()`.
    norm_starts: Vec<u32>,
    /// Byte offset in the source where each chunk starts, then the source length.
    src_starts: Vec<u32>,
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
    pub fn rebuild(&mut self, source: &str) {
        self.text.clear();
        self.norm_starts.clear();
        self.src_starts.clear();
        let mut chunk_start = 0;
        for (i, c) in source.char_indices() {
            if i > chunk_start && starts_chunk(c) {
                self.push_chunk(&source[chunk_start..i], chunk_start);
                chunk_start = i;
            }
        }
        if chunk_start < source.len() {
            self.push_chunk(&source[chunk_start..], chunk_start);
        }
        self.norm_starts.push(self.text.len() as u32);
        self.src_starts.push(source.len() as u32);
    }

    fn push_chunk(&mut self, chunk: &str, src_offset: usize) {
        self.norm_starts.push(self.text.len() as u32);
        self.src_starts.push(src_offset as u32);
        let mut chars = chunk.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            // The common case: one character on its own.
            match clean(c) {
                Some(Some(r)) => self.text.push(r),
                Some(None) => {}
                None if c.is_ascii() || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes => {
                    self.text.push(c)
                }
                None => self.text.extend(std::iter::once(c).nfkc()),
            }
            return;
        }
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
        let Some(last) = self.norm_starts.len().checked_sub(1) else {
            return 0..0;
        };
        let len = self.norm_starts[last];
        let a = (norm.start.min(len as usize)) as u32;
        let b = (norm.end.min(len as usize) as u32).max(a);
        if a == len {
            let end = self.src_starts[last] as usize;
            return end..end;
        }
        // The last chunk starting at or before `a`: skips chunks that normalized to nothing.
        let i = self.norm_starts[..last]
            .partition_point(|&s| s <= a)
            .saturating_sub(1);
        // The first chunk boundary at or after `b`.
        let j = self.norm_starts.partition_point(|&s| s < b).min(last);
        let start = self.src_starts[i] as usize;
        let end = (self.src_starts[j] as usize).max(start);
        start..end
    }
}

/// Whether `c` begins a new normalization chunk.
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
        c if c.is_control() => Some(Some(' ')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
