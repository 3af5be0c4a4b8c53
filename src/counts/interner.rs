//! Strings numbered once in an arena, and the splits of compound terms, for the counts.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

/// Empty a reused map, giving memory back if one huge document grew it far beyond what
/// documents usually need (iterating a map costs its capacity, not its length).
pub(crate) fn reset<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>) {
    let big = map.capacity() > 1 << 16;
    map.clear();
    if big {
        map.shrink_to(1 << 12);
    }
}

/// Strings numbered in order of first sight, kept in one arena: a term costs its bytes
/// plus a few words, instead of a `String` per map that knows it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    text: String,
    /// Where each string starts in `text`; it ends where the next one starts.
    starts: Vec<u64>,
    table: HashTable<u32>,
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

fn get<'t>(text: &'t str, starts: &[u64], id: u32) -> &'t str {
    let start = starts[id as usize] as usize;
    let end = starts
        .get(id as usize + 1)
        .map_or(text.len(), |&e| e as usize);
    &text[start..end]
}

impl Interner {
    /// The id of `s`, added if new.
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.table.find(hash(s), |&id| self.get(id) == s) {
            return id;
        }
        let id = self.starts.len() as u32;
        self.starts.push(self.text.len() as u64);
        self.text.push_str(s);
        let Interner {
            text,
            starts,
            table,
        } = self;
        table.insert_unique(hash(s), id, |&id| hash(get(text, starts, id)));
        id
    }

    /// The id of `s`, if it was interned.
    #[cfg(test)]
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.table.find(hash(s), |&id| self.get(id) == s).copied()
    }

    /// Bytes held (capacities).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.starts.capacity() * 8 + self.table.capacity() * 5
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        get(&self.text, &self.starts, id)
    }

    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Forget every string, keeping the memory unless a huge document grew it.
    pub(crate) fn clear(&mut self) {
        let big = self.starts.capacity() > 1 << 16;
        self.text.clear();
        self.starts.clear();
        self.table.clear();
        if big {
            self.text.shrink_to(1 << 16);
            self.starts.shrink_to(1 << 12);
            self.table.shrink_to(1 << 12, |_| 0);
        }
    }
}

/// The first eight bytes of `s` as a big-endian integer (zero-padded): where two of these
/// differ, the texts compare the same way (bytewise, as `str` does).
pub(super) fn prefix_key(s: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = s.len().min(8);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// A range of a part-id arena; empty for a single word.
pub(super) type Span = (u32, u32);

/// The texts of a split (a span of part ids, named by `name`).
pub(super) fn split_texts<'n>(
    parts: &[u32],
    name: impl Fn(u32) -> &'n str,
    span: Span,
) -> impl Iterator<Item = &'n str> {
    parts[span.0 as usize..span.1 as usize]
        .iter()
        .map(move |&p| name(p))
}

/// The same compound text can (rarely) be segmented two ways; keep the smaller split, so
/// the result does not depend on which occurrence or document came first. The new split
/// is `parts[start..]`; it is dropped again if the `old` one stays. Returns the kept span.
pub(super) fn keep_smaller_split<'n>(
    parts: &mut Vec<u32>,
    name: impl Fn(u32) -> &'n str + Copy,
    old: Span,
    start: u32,
) -> Span {
    let new = (start, parts.len() as u32);
    if old.0 == old.1 || split_texts(parts, name, new).lt(split_texts(parts, name, old)) {
        new
    } else {
        parts.truncate(start as usize);
        old
    }
}
