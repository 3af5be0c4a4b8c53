//! URLs, e-mail addresses and bare domains in a sentence: neither terms nor numbers.

use std::ops::Range;

/// Byte ranges of URLs, e-mail addresses and bare domains in `text`: not numbers, and not
/// terms either (the term stage skips the tokens inside them).
pub(crate) fn url_spans(text: &str) -> Vec<Range<usize>> {
    // Cheap test first: almost no sentence holds any of these, and every one of them has
    // a `.` before a letter (a domain) or after www, a `:` before `/` (http://) or an `@`
    // (e-mail) — one memchr pass, which decimals (0.492) and No.1 do not stop.
    let bytes = text.as_bytes();
    let candidate = memchr::memchr3_iter(b'.', b':', b'@', bytes).any(|at| {
        let next = bytes.get(at + 1).copied().unwrap_or(0);
        match bytes[at] {
            b'.' => next.is_ascii_alphabetic() || bytes[..at].ends_with(b"www"),
            b':' => next == b'/',
            _ => true,
        }
    });
    if !candidate {
        return Vec::new();
    }
    url_scan(text)
}

/// [`url_spans`] without its cheap test.
fn url_scan(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let url_char = |c: char| c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '(' | ')');
    let mut search = 0;
    while let Some(found) = ["http://", "https://", "www."]
        .iter()
        .filter_map(|p| text[search..].find(p).map(|k| search + k))
        .min()
    {
        let end = found
            + text[found..]
                .char_indices()
                .find(|&(_, c)| !url_char(c))
                .map_or(text.len() - found, |(k, _)| k);
        out.push(found..end.max(found + 1));
        search = end.max(found + 1);
        if search >= text.len() {
            break;
        }
    }
    // E-mail addresses and bare domains: an ASCII word run containing @ or a dot-TLD.
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@');
    let mut start = None;
    for (k, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if k < text.len() && word_char(c) {
            start.get_or_insert(k);
        } else if let Some(s) = start.take() {
            let w = &text[s..k];
            let domain = [".com", ".jp", ".net", ".org", ".html", ".co"]
                .iter()
                .any(|t| w.contains(t));
            if w.contains('@') || domain {
                out.push(s..k);
            }
        }
    }
    out
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn url_cheap_test_drops_no_span(
            text in "(https?://|https?|www\\.?|[.:@/]|com|jp|co|net|org|html?|[a-z_+-]|[0-9]|No|あ|日本){0,16}"
        ) {
            prop_assert_eq!(url_spans(&text), url_scan(&text));
        }
    }
}
