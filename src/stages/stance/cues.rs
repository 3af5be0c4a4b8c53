//! Pass 1: the lexicon's cues in a sentence.

use std::ops::Range;

use super::sentence::Prepared;
use super::{Hit, StanceMatcher};

/// Every lexicon pattern in the sentence: token patterns in one Aho–Corasick pass over
/// the keys' ids (`haystack`, see [`super::push_id`]), later `…` segments searched after
/// the first; `surface` patterns on the normalized text.
pub(crate) fn find<'m>(
    m: &'m StanceMatcher,
    s: &Prepared,
    haystack: &[u8],
    hits: &mut Vec<Hit<'m>>,
) {
    let width = m.width;
    if let Some(ac) = &m.token_ac {
        for found in ac.find_overlapping_iter(haystack) {
            let entry = &m.lexicon.entries[m.token_entries[found.pattern().as_usize()]];
            debug_assert_eq!(found.start() % width, 0, "matches start where a key does");
            let start = found.start() / width;
            let Some(end) = later_segments(m, s.ids, &entry.segments[1..], found.end() / width)
            else {
                continue;
            };
            let ks = start..end;
            let toks = s.key_tokens(&ks);
            hits.push(Hit {
                stance: entry.stance,
                category: entry.category.as_str().into(),
                cue: entry.expression.as_str().into(),
                range: s.span(&toks),
                toks,
                keys: ks,
                negating: entry.negating,
                commitment: entry.segments[0]
                    .first()
                    .is_some_and(|k| m.lexicon.claims.commitment.contains(k)),
                rule: "lexicon",
                dropped: false,
            });
        }
    }
    if let Some(ac) = &m.surface_ac {
        let text = s.text;
        for found in ac.find_overlapping_iter(text) {
            let entry = &m.lexicon.entries[m.surface_entries[found.pattern().as_usize()]];
            if !surface_boundary(text, found.start(), found.end()) {
                continue;
            }
            let keys = s.keys;
            let first = keys
                .iter()
                .position(|k| s.tokens[k.token].end as usize > found.start())
                .unwrap_or(keys.len());
            let last = keys
                .iter()
                .rposition(|k| (s.tokens[k.token].start as usize) < found.end())
                .map_or(first, |p| p + 1)
                .max(first);
            let toks = covering_tokens(s, found.start()..found.end());
            hits.push(Hit {
                stance: entry.stance,
                category: entry.category.as_str().into(),
                cue: entry.expression.as_str().into(),
                keys: first..last,
                toks,
                range: found.start()..found.end(),
                negating: false,
                commitment: false,
                rule: "lexicon",
                dropped: false,
            });
        }
    }
}

/// Where a pattern's later `…` segments end, each found after the one before it (the
/// first ends at key `end`); `None` if one is missing.
pub(crate) fn later_segments(
    m: &StanceMatcher,
    ids: &[u32],
    segments: &[Vec<String>],
    mut end: usize,
) -> Option<usize> {
    for segment in segments {
        let seg: Vec<u32> = segment.iter().map(|k| m.vocab[k]).collect();
        let p = ids[end..]
            .windows(seg.len())
            .position(|w| w == seg.as_slice())?;
        end += p + seg.len();
    }
    Some(end)
}

/// The morphemes that overlap the byte range `r`.
fn covering_tokens(s: &Prepared, r: Range<usize>) -> Range<usize> {
    let first = s
        .morphs
        .iter()
        .position(|m| m.end > r.start)
        .unwrap_or(s.morphs.len());
    let last = s
        .morphs
        .iter()
        .rposition(|m| m.start < r.end)
        .map_or(first, |p| p + 1)
        .max(first);
    first..last
}

/// A cue inside a longer (or an equal, earlier) cue is dropped: 最高 in 最高品質,
/// 保証する in 保証するものではない.
pub(crate) fn drop_nested(hits: &mut Vec<Hit<'_>>) {
    for i in 0..hits.len() {
        for j in 0..hits.len() {
            if i == j || hits[j].dropped {
                continue;
            }
            let (a, b) = (&hits[i].range, &hits[j].range);
            let inside = b.start <= a.start && a.end <= b.end;
            if inside && (a != b || j < i) {
                hits[i].dropped = true;
                break;
            }
        }
    }
    hits.retain(|h| !h.dropped);
}

/// Surface cues must not be part of a longer number or word (1100%, No.12).
fn surface_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let glued = |a: Option<char>, b: Option<char>| match (a, b) {
        (Some(a), Some(b)) => {
            (a.is_ascii_digit() && (b.is_ascii_digit() || b == '.'))
                || (a.is_ascii_alphabetic() && b.is_ascii_alphanumeric())
        }
        _ => false,
    };
    !glued(first, before) && !glued(last, after)
}
