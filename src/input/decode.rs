//! Stage 1b: turn a file's bytes into text.
//!
//! Corpora are scraped and converted by many hands, so each file's encoding is detected on
//! its own: a BOM wins (UTF-8, UTF-16LE/BE); otherwise valid UTF-8 is UTF-8; otherwise the
//! Japanese legacy encodings are tried (Shift_JIS/CP932 and EUC-JP, told apart by
//! chardetng, Firefox's detector, and checked by a strict decode). Binary files are
//! recognised first so that an image is never "decoded" into mojibake.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

/// Text decoded from a file, with what was needed to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    /// Name of the encoding used, as encoding_rs spells it (`UTF-8`, `Shift_JIS`, …), or
    /// `mixed (…)` when lines of one file needed different encodings.
    pub(crate) encoding: String,
    /// Byte sequences that could not be decoded and were replaced with U+FFFD.
    pub(crate) replacements: usize,
}

/// Why a file is not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    /// Magic number of a known binary format, or NUL/control bytes throughout.
    Binary(String),
    /// No supported encoding decodes it with few enough errors: the fewest invalid byte
    /// sequences any decoding had, and the file's size.
    Undecodable { invalid: usize, bytes: usize },
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotText::Binary(what) => write!(f, "binary file ({what})"),
            NotText::Undecodable { invalid, bytes } => write!(
                f,
                "not text in UTF-8, UTF-16, Shift_JIS or EUC-JP: {invalid} invalid byte \
                 sequence(s) in {bytes} bytes at best (over {MAX_INVALID} and over 1%)"
            ),
        }
    }
}

/// How many bytes are looked at to decide whether a file is binary.
const SNIFF_BYTES: usize = 64 * 1024;

/// A decode is accepted when at most this share of its input was invalid: a stray bad
/// byte in a long article should not lose the article, but a file that is mostly invalid
/// is not text in that encoding.
const MAX_ERROR_RATE: f64 = 0.01;

/// … or at most this many, however short the file: three bad bytes in a 240-byte note, or
/// a file cut in the middle of a character, are damage, not another format.
const MAX_INVALID: usize = 8;

/// Decode `bytes` by detection. An empty input decodes to empty UTF-8 text.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(encoding, &bytes[bom_len..]));
    }
    if let Some(encoding) = sniff_utf16_without_bom(bytes) {
        return Ok(decode_with(encoding, bytes));
    }
    if let Some(what) = binary_signature(bytes) {
        return Err(NotText::Binary(what));
    }
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return Ok(decode_with(UTF_8, bytes));
    }
    let legacy = legacy_order(bytes);
    if let Some(decoded) = best_clean(bytes, legacy) {
        return Ok(decoded);
    }
    // No encoding fits the whole file: a concatenation of files in different encodings,
    // or text with a few damaged bytes. Decide line by line ('\n' is never a trail byte
    // in UTF-8, Shift_JIS or EUC-JP, so lines split cleanly in all of them).
    let decoded = decode_by_line(bytes, legacy);
    if decoded.replacements <= MAX_INVALID
        || (decoded.replacements as f64) <= MAX_ERROR_RATE * bytes.len() as f64
    {
        Ok(decoded)
    } else {
        Err(NotText::Undecodable {
            invalid: decoded.replacements,
            bytes: bytes.len(),
        })
    }
}

/// As [`decode`], taking the bytes: valid UTF-8 without a BOM (nearly every file) becomes
/// the text as it is, without a second validation and a copy.
pub(crate) fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, NotText> {
    if Encoding::for_bom(&bytes).is_some()
        || sniff_utf16_without_bom(&bytes).is_some()
        || binary_signature(&bytes).is_some()
    {
        return decode(&bytes);
    }
    // simdutf8 validates several times faster than the standard library on Japanese
    // text, where nearly every byte is part of a multi-byte character.
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return decode(&bytes);
    }
    // SAFETY: `bytes` was just validated as UTF-8, and is moved without change.
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    Ok(Decoded {
        text,
        encoding: UTF_8.name().to_string(),
        replacements: 0,
    })
}

/// Shift_JIS and EUC-JP, the one chardetng prefers first.
fn legacy_order(bytes: &[u8]) -> [&'static Encoding; 2] {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    if detector.guess(None, Utf8Detection::Deny) == EUC_JP {
        [EUC_JP, SHIFT_JIS]
    } else {
        [SHIFT_JIS, EUC_JP]
    }
}

/// The legacy decoding without errors that reads most like Japanese. EUC-JP bytes are
/// often valid Shift_JIS too (as half-width katakana and stray kanji), so a clean decode
/// alone does not decide; the first in `order` wins a tie.
fn best_clean(bytes: &[u8], order: [&'static Encoding; 2]) -> Option<Decoded> {
    let mut best: Option<(i64, Decoded)> = None;
    for encoding in order {
        let decoded = decode_with(encoding, bytes);
        if decoded.replacements > 0 {
            continue;
        }
        let score = japanese_score(&decoded.text);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, decoded));
        }
    }
    best.map(|(_, d)| d)
}

/// Hiragana and common kanji count for a decoding, half-width katakana and rare
/// characters against it (mojibake is full of both).
fn japanese_score(text: &str) -> i64 {
    text.chars()
        .map(|c| match c {
            '\u{3040}'..='\u{309F}' => 2,                           // hiragana
            '\u{30A0}'..='\u{30FF}' | '\u{3000}'..='\u{303F}' => 1, // katakana, punctuation
            '\u{4E00}'..='\u{9FFF}' => 1,                           // CJK ideographs
            '\u{FF61}'..='\u{FF9F}' => -2,                          // half-width katakana
            c if c.is_ascii() => 0,
            _ => -1,
        })
        .sum()
}

fn decode_by_line(bytes: &[u8], legacy: [&'static Encoding; 2]) -> Decoded {
    let mut text = String::with_capacity(bytes.len() * 3 / 2);
    let mut replacements = 0;
    let mut used: Vec<&'static str> = Vec::new();
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let best = if std::str::from_utf8(line).is_ok() {
            decode_with(UTF_8, line)
        } else {
            match best_clean(line, legacy) {
                Some(clean) => clean,
                None => {
                    // UTF-8 first so that it wins ties: a stray byte in UTF-8 text stays UTF-8.
                    let mut best = decode_with(UTF_8, line);
                    for encoding in legacy {
                        let candidate = decode_with(encoding, line);
                        if candidate.replacements < best.replacements {
                            best = candidate;
                        }
                    }
                    best
                }
            }
        };
        if !used.contains(&best.encoding.as_str()) && !best.text.trim().is_empty() {
            used.push(match best.encoding.as_str() {
                "UTF-8" => "UTF-8",
                "Shift_JIS" => "Shift_JIS",
                _ => "EUC-JP",
            });
        }
        replacements += best.replacements;
        text.push_str(&best.text);
    }
    let encoding = match used.as_slice() {
        [] => "UTF-8".to_string(),
        [one] => (*one).to_string(),
        many => format!("mixed ({})", many.join(", ")),
    };
    Decoded {
        text,
        encoding,
        replacements,
    }
}

/// Decode with a known encoding, replacing malformed sequences and counting them.
pub(crate) fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut replacements = 0;
    let mut input = bytes;
    // Decoded through a fixed buffer: encoding_rs's `String` variant zero-fills the
    // string's spare capacity on every call, which made a megabyte of text with many
    // malformed sequences (UTF-8 tried as Shift_JIS) take seconds.
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(input, &mut buf, true);
        input = &input[read..];
        // encoding_rs writes UTF-8 only; the lossy path can never run.
        text.push_str(&String::from_utf8_lossy(&buf[..written]));
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::Malformed(_, _) => {
                replacements += 1;
                text.push('\u{FFFD}');
            }
            encoding_rs::DecoderResult::OutputFull => {}
        }
    }
    Decoded {
        text,
        encoding: encoding.name().to_string(),
        replacements,
    }
}

/// UTF-16 without a BOM shows as NUL in every other byte of ASCII-range text.
fn sniff_utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    // Either verdict needs a NUL byte: text without one (nearly all) is decided at once.
    if head.len() < 16 || !head.len().is_multiple_of(2) || memchr::memchr(0, head).is_none() {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    // Japanese UTF-16 has few NULs (kana are 0x30xx), so also accept the 0x30 high byte.
    let even_30 = head.iter().step_by(2).filter(|b| **b == 0x30).count();
    let odd_30 = head
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0x30)
        .count();
    let le = odd_nul + odd_30;
    let be = even_nul + even_30;
    let decisive = |hits: usize, other_nul: usize| hits * 10 >= pairs * 4 && other_nul == 0;
    if decisive(le, even_nul) && odd_nul > 0 {
        Some(UTF_16LE)
    } else if decisive(be, odd_nul) && even_nul > 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Known binary formats by magic number, then a NUL / control-byte density test.
fn binary_signature(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"%PDF-", "PDF document"),
        (b"PK\x03\x04", "ZIP archive or Office document"),
        (b"\x1f\x8b", "gzip archive"),
        (b"\x7fELF", "ELF executable"),
        (b"BZh", "bzip2 archive"),
        (b"\xfd7zXZ\x00", "xz archive"),
        (b"\x28\xb5\x2f\xfd", "zstd archive"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "legacy Office document",
        ),
        (b"RIFF", "RIFF media file"),
        (b"SQLite format 3\x00", "SQLite database"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some((*what).to_string());
        }
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let suspicious = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b);
    // A fold without an early exit vectorizes: this runs over the head of every file.
    if !head.iter().fold(false, |seen, &b| seen | suspicious(b)) {
        return None;
    }
    let nul = head.iter().filter(|b| **b == 0).count();
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b | 0))
        .count();
    // Stray NUL or control bytes are tolerated (and cleaned later); a file made of them is not text.
    if nul * 10 > head.len() || (nul + control) * 4 > head.len() {
        return Some(format!(
            "{} NUL and {} control bytes in the first {} bytes",
            nul,
            control,
            head.len()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "変形性ひざ関節症は、ひざ関節のクッションである「軟骨」がすり減る病気です。\n約２人に１人。";

    fn encode(encoding: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, errors) = encoding.encode(s);
        assert!(!errors, "fixture must be encodable in {}", encoding.name());
        bytes.into_owned()
    }

    /// A long file cut in the middle of its last character (a download cut short): its
    /// text, one replacement — decoded through the buffer in several chunks.
    #[test]
    fn a_long_text_cut_mid_character_keeps_its_text() {
        let whole = TEXT.repeat(2000); // about 250 KB, several decode buffers
        let cut = &whole.as_bytes()[..whole.len() - 1];
        let decoded = decode(cut).unwrap();
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.replacements, 1);
        let kept = &whole[..whole.len() - "。".len()];
        assert_eq!(decoded.text, format!("{kept}\u{FFFD}"));
        // Shift_JIS bytes through the same path: the same text, no replacement.
        let sjis = decode_with(
            encoding_rs::SHIFT_JIS,
            &encode(encoding_rs::SHIFT_JIS, &whole),
        );
        assert_eq!((sjis.text.as_str(), sjis.replacements), (whole.as_str(), 0));
    }

    #[test]
    fn every_supported_encoding_decodes_to_the_same_text() {
        let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
        utf8_bom.extend_from_slice(TEXT.as_bytes());
        let mut utf16le = vec![0xFF, 0xFE];
        for unit in TEXT.encode_utf16() {
            utf16le.extend_from_slice(&unit.to_le_bytes());
        }
        let mut utf16be = vec![0xFE, 0xFF];
        for unit in TEXT.encode_utf16() {
            utf16be.extend_from_slice(&unit.to_be_bytes());
        }
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("UTF-8", TEXT.as_bytes().to_vec()),
            ("UTF-8", utf8_bom),
            ("UTF-16LE", utf16le),
            ("UTF-16BE", utf16be),
            ("Shift_JIS", encode(SHIFT_JIS, TEXT)),
            ("EUC-JP", encode(EUC_JP, TEXT)),
        ];
        for (name, bytes) in cases {
            let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decoded.text, TEXT, "{name}");
            assert_eq!(decoded.encoding, name);
            assert_eq!(decoded.replacements, 0, "{name}");
            assert_eq!(decode_owned(bytes), Ok(decoded), "{name}: owned");
        }
    }

    #[test]
    fn utf16le_without_bom_is_detected() {
        let mut bytes = Vec::new();
        for unit in TEXT.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.encoding, "UTF-16LE");
        assert_eq!(decoded.text, TEXT);
    }

    #[test]
    fn short_cp932_text_with_ibm_extensions_decodes() {
        // ① and ㈱ are CP932 (NEC/IBM) extensions that plain Shift_JIS lacks.
        let text = "①株式会社㈱の治療は約３０分です。";
        let bytes = encode(SHIFT_JIS, text);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.encoding, "Shift_JIS");
    }

    #[test]
    fn png_and_binary_junk_are_rejected() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
        assert_eq!(decode(png), Err(NotText::Binary("PNG image".into())));
        assert_eq!(
            decode_owned(png.to_vec()),
            Err(NotText::Binary("PNG image".into()))
        );
        let junk: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert!(decode(&junk).is_err(), "random bytes are not text");
    }

    #[test]
    fn a_stray_invalid_byte_in_utf8_is_replaced_not_fatal() {
        let mut bytes = TEXT.repeat(20).into_bytes();
        bytes.insert(30, 0xFF);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.replacements, 1);
        assert!(decoded.text.contains('\u{FFFD}'));
        assert_eq!(decode_owned(bytes), Ok(decoded));
    }

    #[test]
    fn a_file_mixing_utf8_and_shift_jis_lines_decodes_each_line() {
        let first = "一行目はUTF-8で書かれた再生医療の説明です。\n";
        let second = "二行目はShift_JISで書かれた幹細胞の説明です。\n";
        let third = "三行目は痛みの話です。\n";
        let mut bytes = first.as_bytes().to_vec();
        bytes.extend(encode(SHIFT_JIS, second));
        bytes.extend(encode(EUC_JP, third));
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, format!("{first}{second}{third}"));
        assert_eq!(decoded.encoding, "mixed (UTF-8, Shift_JIS, EUC-JP)");
        assert_eq!(decoded.replacements, 0);
    }

    #[test]
    fn short_euc_jp_that_is_also_valid_shift_jis_is_read_as_euc_jp() {
        let text = "三行目は痛みの話です。";
        let decoded = decode(&encode(EUC_JP, text)).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.encoding, "EUC-JP");
    }

    #[test]
    fn empty_input_is_empty_text() {
        let decoded = decode(b"").unwrap();
        assert_eq!(decoded.text, "");
        assert_eq!(decoded.encoding, "UTF-8");
    }
}
