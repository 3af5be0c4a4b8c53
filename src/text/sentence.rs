//! Stage 2b: cut a document into sentences, on the text as written.
//!
//! Sentences end after 。．！？!? (and half-width ｡), together with any closing brackets,
//! quotes and further terminators that follow (「痛い！」と → one unit up to 」), and at
//! every line break; blank lines are dropped and surrounding spaces trimmed. A terminator
//! inside 「」『』（）() does not end a sentence, so quoted speech stays inside the sentence
//! that reports it. Brackets are matched within the line first: an opener that is never
//! closed (or a closer never opened) is ignored, so an unbalanced bracket cannot swallow
//! the rest of its line, and nothing ever crosses a line break.
//!
//! A full-width period between digits (０．４９２) is a decimal point, not an end.
//! Splitting runs on the source text, not the NFKC text, because NFKC turns the full-width
//! period ． into the ASCII `.` of decimals (0.492) and abbreviations (No.1), which must not
//! end sentences.

use std::ops::Range;

/// Byte ranges of the sentences of `text`, in order.
pub(crate) fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut scratch = LineScratch::default();
    let mut line_start = 0;
    for_each_line_break(text.as_bytes(), |at, len| {
        split_line(text, line_start..at, &mut scratch, &mut out);
        line_start = at + len;
    });
    split_line(text, line_start..text.len(), &mut scratch, &mut out);
    out
}

/// Calls `each(at, len)` for every line break, in order: `\n`, `\r\n`, `\r`, U+2028 and
/// U+2029 (E2 80 A8/A9) and NEL (C2 85).
///
/// Text without NEL (nearly all) is searched with memchr for `\n`, `\r` and the byte 0x80
/// of U+2028/U+2029, which is rare in kana and kanji; otherwise byte by byte.
fn for_each_line_break(bytes: &[u8], mut each: impl FnMut(usize, usize)) {
    if memchr::memmem::find(bytes, "\u{85}".as_bytes()).is_some() {
        return line_breaks_bytewise(bytes, each);
    }
    let mut next = 0; // the first byte not yet consumed by a break
    for at in memchr::memchr3_iter(b'\n', b'\r', 0x80, bytes) {
        if at < next {
            continue; // the \n of a \r\n
        }
        let (start, len) = match bytes[at] {
            b'\n' => (at, 1),
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => (at, 2),
            b'\r' => (at, 1),
            _ if at > 0
                && bytes[at - 1] == 0xE2
                && matches!(bytes.get(at + 1), Some(0xA8 | 0xA9)) =>
            {
                (at - 1, 3)
            }
            _ => continue,
        };
        each(start, len);
        next = start + len;
    }
}

/// [`for_each_line_break`], one byte at a time.
fn line_breaks_bytewise(bytes: &[u8], mut each: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < bytes.len() {
        let brk = match bytes[i] {
            b'\n' => 1,
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                }
            }
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                3
            }
            0xC2 if bytes.get(i + 1) == Some(&0x85) => 2,
            _ => 0,
        };
        if brk > 0 {
            each(i, brk);
            i += brk;
        } else {
            i += 1;
        }
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '．' | '！' | '？' | '!' | '?' | '｡')
}

/// Closing characters that stay with the sentence they follow.
fn is_trailing_closer(c: char) -> bool {
    matches!(
        c,
        '」' | '』'
            | '）'
            | ')'
            | '｣'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '］'
            | ']'
            | '”'
            | '’'
            | '"'
            | '\''
    )
}

/// The opener that `c` closes, for the bracket pairs that protect terminators.
fn opener_of(c: char) -> Option<char> {
    Some(match c {
        '」' => '「',
        '』' => '『',
        '）' => '（',
        ')' => '(',
        '｣' => '｢',
        _ => return None,
    })
}

fn is_opener(c: char) -> bool {
    matches!(c, '「' | '『' | '（' | '(' | '｢')
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

/// Buffers of [`split_line`], reused from line to line.
#[derive(Default)]
struct LineScratch {
    /// The line's marks (see [`is_mark`]) with their byte positions, in order.
    marks: Vec<(usize, char)>,
    matched: Vec<bool>,
    stack: Vec<usize>,
}

/// Characters that can open, close or end a sentence: the only ones [`split_line`] has
/// to look at (with their neighbours).
fn is_mark(c: char) -> bool {
    is_terminator(c) || is_opener(c) || is_trailing_closer(c) || opener_of(c).is_some()
}

/// The marks of `text[range]` with their byte positions, appended to `out`.
///
/// Every mark is ASCII or starts with E2 80 (”’), E3 80 (CJK punctuation: 。「」…) or
/// EF BC / EF BD (full-width forms): the bytes of kana and kanji are skipped without
/// decoding them.
fn find_marks(text: &str, range: Range<usize>, out: &mut Vec<(usize, char)>) {
    let bytes = text.as_bytes();
    let mut i = range.start;
    while i < range.end {
        let b = bytes[i];
        let lead = LEADS[usize::from(b)];
        if lead & MARK_LEAD != 0 {
            let candidate = match b {
                0xE2 | 0xE3 => bytes.get(i + 1) == Some(&0x80),
                0xEF => matches!(bytes.get(i + 1), Some(0xBC | 0xBD)),
                _ => true,
            };
            if candidate
                && let Some(c) = text[i..].chars().next()
                && is_mark(c)
            {
                out.push((i, c));
            }
        }
        i += usize::from(lead & LENGTH);
    }
}

/// Per byte that starts a character: its UTF-8 length (the low bits) and whether a mark
/// may start with it ([`MARK_LEAD`]): one table read per character.
const LEADS: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0xC0;
    while b < 256 {
        table[b] = if b < 0xE0 {
            2
        } else if b < 0xF0 {
            3
        } else {
            4
        };
        b += 1;
    }
    let marks: [u8; 10] = [b'!', b'?', b'(', b')', b']', b'"', b'\'', 0xE2, 0xE3, 0xEF];
    let mut i = 0;
    while i < marks.len() {
        table[marks[i] as usize] |= MARK_LEAD;
        i += 1;
    }
    table
};
const LENGTH: u8 = 0x07;
const MARK_LEAD: u8 = 0x10;

fn split_line(
    text: &str,
    line: Range<usize>,
    scratch: &mut LineScratch,
    out: &mut Vec<Range<usize>>,
) {
    let LineScratch {
        marks,
        matched,
        stack,
    } = scratch;
    marks.clear();
    find_marks(text, line.clone(), marks);
    let marks = &marks[..];

    // Pass 1: which brackets are matched within this line (other characters play no part).
    matched.clear();
    matched.resize(marks.len(), false);
    stack.clear();
    for (k, &(_, c)) in marks.iter().enumerate() {
        if is_opener(c) {
            stack.push(k);
        } else if let Some(open) = opener_of(c)
            && let Some(depth) = stack.iter().rposition(|&o| marks[o].1 == open)
        {
            // Openers above the match are left unclosed (unmatched).
            matched[stack[depth]] = true;
            matched[k] = true;
            stack.truncate(depth);
        }
    }

    // Pass 2: cut at terminators outside matched brackets.
    let within = &text[line.clone()];
    let next_char = |pos: usize| within[pos - line.start..].chars().next();
    let prev_char = |pos: usize| within[..pos - line.start].chars().next_back();
    let mut depth = 0usize;
    let mut start = line.start;
    let mut k = 0;
    while k < marks.len() {
        let (pos, c) = marks[k];
        let after = pos + c.len_utf8();
        if matched[k] {
            if is_opener(c) {
                depth += 1;
            } else {
                depth = depth.saturating_sub(1);
            }
        } else if depth == 0
            && is_terminator(c)
            && !ascii_mark_inside_token(c, next_char(after))
            && !decimal_point(prev_char(pos), c, next_char(after))
        {
            let mut end = after;
            let mut m = k + 1;
            // The marks right after it (no other character between) that go with it.
            while let Some(&(p, d)) = marks.get(m) {
                if p == end && (is_terminator(d) || (is_trailing_closer(d) && !matched[m])) {
                    end = p + d.len_utf8();
                    m += 1;
                } else {
                    break;
                }
            }
            push_trimmed(text, start..end, out);
            start = end;
            k = m;
            continue;
        }
        k += 1;
    }
    push_trimmed(text, start..line.end, out);
}

/// `!` or `?` between ASCII word characters is part of a URL or identifier, not an end.
fn ascii_mark_inside_token(c: char, next: Option<char>) -> bool {
    (c == '!' || c == '?')
        && next.is_some_and(|n| n.is_ascii_alphanumeric() || matches!(n, '=' | '&' | '/' | '%'))
}

/// A full-width period between digits (０．４９２) is a decimal point.
fn decimal_point(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    c == '．' && prev.is_some_and(is_digit) && next.is_some_and(is_digit)
}

/// The longest sentence, in characters. Longer runs (a scraped page with no terminator and
/// no line break) are cut into pieces of at most this size, at the last 、，, or space in
/// the second half of the window when there is one, so that tokenizing stays linear in time
/// and memory whatever the input.
pub(crate) const MAX_SENTENCE_CHARS: usize = 1024;

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let trimmed_start = s.len() - s.trim_start_matches(is_space).len();
    let trimmed_end = s.trim_end_matches(is_space).len();
    if trimmed_end <= trimmed_start {
        return;
    }
    let mut start = range.start + trimmed_start;
    let end = range.start + trimmed_end;
    // (A piece of no more bytes than the limit cannot have more characters.)
    while end - start > MAX_SENTENCE_CHARS
        && text[start..end].chars().nth(MAX_SENTENCE_CHARS).is_some()
    {
        let window: Vec<(usize, char)> = text[start..end]
            .char_indices()
            .take(MAX_SENTENCE_CHARS)
            .collect();
        let hard = start + window.last().map_or(0, |&(i, c)| i + c.len_utf8());
        let soft = window[MAX_SENTENCE_CHARS / 2..]
            .iter()
            .rev()
            .find(|(_, c)| matches!(c, '、' | '，' | ',' | ' ' | '\u{3000}' | '\t'))
            .map(|&(i, c)| start + i + c.len_utf8());
        let cut = soft.unwrap_or(hard);
        push_trimmed(text, start..cut, out);
        start = cut;
    }
    let s = &text[start..end];
    let lead = s.len() - s.trim_start_matches(is_space).len();
    if start + lead < end {
        out.push(start + lead..end);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn breaks(bytes: &[u8], fast: bool) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        if fast {
            for_each_line_break(bytes, |a, l| out.push((a, l)));
        } else {
            line_breaks_bytewise(bytes, |a, l| out.push((a, l)));
        }
        out
    }

    proptest! {
        #[test]
        fn the_memchr_line_breaks_are_the_bytewise_ones(
            text in "[a\r\n。、「」ー一\u{80}\u{85}\u{2000}\u{2028}\u{2029}\u{2080}\u{20A8}\u{3000}\u{3040}]{0,40}",
        ) {
            // Without NEL too, so that the memchr path runs.
            for text in [text.clone(), text.replace('\u{85}', "")] {
                prop_assert_eq!(breaks(text.as_bytes(), true), breaks(text.as_bytes(), false));
            }
        }
    }

    #[test]
    fn line_breaks_of_every_kind_are_found() {
        let text = "a\r\nb\rc\nd\u{2028}e\u{2029}f\u{80}g\u{2080}h";
        assert_eq!(
            breaks(text.as_bytes(), true),
            [(1, 2), (4, 1), (6, 1), (8, 3), (12, 3)]
        );
        let nel = "a\u{85}b\nc";
        assert_eq!(breaks(nel.as_bytes(), true), [(1, 2), (4, 1)]);
    }

    use super::*;

    /// The character-by-character splitter the mark-based one replaced: the reference.
    #[derive(Default)]
    struct RefScratch {
        chars: Vec<(usize, char)>,
        matched: Vec<bool>,
        stack: Vec<usize>,
    }

    fn split_line_reference(
        text: &str,
        line: Range<usize>,
        scratch: &mut RefScratch,
        out: &mut Vec<Range<usize>>,
    ) {
        let RefScratch {
            chars,
            matched,
            stack,
        } = scratch;
        chars.clear();
        chars.extend(
            text[line.clone()]
                .char_indices()
                .map(|(i, c)| (i + line.start, c)),
        );
        let chars = &chars[..];

        // Pass 1: which brackets are matched within this line.
        matched.clear();
        matched.resize(chars.len(), false);
        stack.clear();
        for (k, &(_, c)) in chars.iter().enumerate() {
            if is_opener(c) {
                stack.push(k);
            } else if let Some(open) = opener_of(c)
                && let Some(depth) = stack.iter().rposition(|&o| chars[o].1 == open)
            {
                // Openers above the match are left unclosed (unmatched).
                matched[stack[depth]] = true;
                matched[k] = true;
                stack.truncate(depth);
            }
        }

        // Pass 2: cut at terminators outside matched brackets.
        let mut depth = 0usize;
        let mut start = line.start;
        let mut k = 0;
        while k < chars.len() {
            let (pos, c) = chars[k];
            if matched[k] {
                if is_opener(c) {
                    depth += 1;
                } else {
                    depth = depth.saturating_sub(1);
                }
            } else if depth == 0
                && is_terminator(c)
                && !ascii_mark_inside_token(c, chars.get(k + 1).map(|x| x.1))
                && !decimal_point(
                    k.checked_sub(1).map(|j| chars[j].1),
                    c,
                    chars.get(k + 1).map(|x| x.1),
                )
            {
                let mut end = pos + c.len_utf8();
                let mut m = k + 1;
                while m < chars.len() {
                    let (p, d) = chars[m];
                    // A following closer is kept only if it is not the close of an open pair.
                    if is_terminator(d) || (is_trailing_closer(d) && !matched[m]) {
                        end = p + d.len_utf8();
                        m += 1;
                    } else {
                        break;
                    }
                }
                push_trimmed(text, start..end, out);
                start = end;
                k = m;
                continue;
            }
            k += 1;
        }
        push_trimmed(text, start..line.end, out);
    }

    fn split_reference(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut scratch = RefScratch::default();
        let mut line_start = 0;
        for_each_line_break(text.as_bytes(), |at, len| {
            split_line_reference(text, line_start..at, &mut scratch, &mut out);
            line_start = at + len;
        });
        split_line_reference(text, line_start..text.len(), &mut scratch, &mut out);
        out
    }

    proptest! {
        #[test]
        fn the_mark_splitter_agrees_with_the_character_splitter(
            text in "[a1１ \n。．！？!?｡「」『』（）()｢｣】〕〉》］\\]”’\"'=/、ー一あア\u{2000}\u{3000}\u{FF00}\u{FF61}\u{FFFF}]{0,40}",
        ) {
            prop_assert_eq!(split(&text), split_reference(&text));
        }
    }

    #[test]
    fn every_mark_is_found_by_its_bytes() {
        // Each mark is a candidate of find_marks: none is skipped by the byte test.
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| is_mark(c))
        {
            let text = format!("あ{c}漢");
            let mut marks = Vec::new();
            find_marks(&text, 0..text.len(), &mut marks);
            assert_eq!(marks, [(3, c)], "{c:?}");
        }
    }

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn quoted_speech_stays_inside_the_reporting_sentence() {
        assert_eq!(
            sentences("「体調が良い。痛みもなくなった」という感想をいただきました。次の文です。"),
            vec![
                "「体調が良い。痛みもなくなった」という感想をいただきました。",
                "次の文です。"
            ]
        );
    }

    #[test]
    fn a_closing_bracket_after_the_terminator_stays_with_the_sentence() {
        assert_eq!(
            sentences("「軟骨がなくなると、もう元には戻らないんですよね？」\n医師"),
            vec![
                "「軟骨がなくなると、もう元には戻らないんですよね？」",
                "医師"
            ]
        );
        assert_eq!(
            sentences("本当ですか！？　はい。"),
            vec!["本当ですか！？", "はい。"]
        );
    }

    #[test]
    fn exclamation_and_question_marks_full_and_half_width() {
        assert_eq!(
            sentences("新たな光!国内初の研究とは?その力！驚き？"),
            vec!["新たな光!", "国内初の研究とは?", "その力！", "驚き？"]
        );
    }

    #[test]
    fn full_width_digits_and_decimals_do_not_split() {
        assert_eq!(
            sentences("ＣＲＰは０．４９２から0.037へ。No.1の実績。"),
            vec!["ＣＲＰは０．４９２から0.037へ。", "No.1の実績。"]
        );
    }

    #[test]
    fn crlf_and_blank_lines() {
        assert_eq!(
            sentences("一行目です。\r\n\r\n  \r\n二行目\r三行目。\n"),
            vec!["一行目です。", "二行目", "三行目。"]
        );
    }

    #[test]
    fn an_unbalanced_bracket_does_not_swallow_the_line() {
        assert_eq!(
            sentences("「閉じない括弧です。次の文。\n次の行。"),
            vec!["「閉じない括弧です。", "次の文。", "次の行。"]
        );
        assert_eq!(
            sentences("閉じ括弧だけ」です。次。"),
            vec!["閉じ括弧だけ」です。", "次。"]
        );
    }

    #[test]
    fn parentheses_protect_terminators() {
        assert_eq!(
            sentences("小胞（膜に包まれた微粒子。直径30nm）のことです。以上。"),
            vec!["小胞（膜に包まれた微粒子。直径30nm）のことです。", "以上。"]
        );
    }

    #[test]
    fn a_long_run_without_terminators_is_cut_into_bounded_pieces() {
        // 3000 characters, a comma every 100: pieces end at a comma, never over the limit.
        let unit = format!("{}、", "あ".repeat(99));
        let text = unit.repeat(30);
        let pieces = sentences(&text);
        assert!(
            pieces
                .iter()
                .all(|p| p.chars().count() <= MAX_SENTENCE_CHARS)
        );
        assert!(pieces[..pieces.len() - 1].iter().all(|p| p.ends_with('、')));
        assert_eq!(pieces.concat(), text, "nothing lost");
        // No soft break at all: hard cuts at the limit.
        let flat = "漢".repeat(2500);
        let pieces = sentences(&flat);
        let lens: Vec<usize> = pieces.iter().map(|p| p.chars().count()).collect();
        assert_eq!(lens, [1024, 1024, 452]);
    }

    #[test]
    fn urls_keep_their_question_marks() {
        assert_eq!(
            sentences("詳しくは https://example.jp/?id=3 を見てください。"),
            vec!["詳しくは https://example.jp/?id=3 を見てください。"]
        );
    }
}
