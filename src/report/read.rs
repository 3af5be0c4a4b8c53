//! The finished tables read back for the report: one streaming pass per table, cells by
//! column name with the `--excel` prefix undone, and bounded selections ([`Top`]) so that
//! neither the page nor the memory it takes grows with the corpus.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};

use crate::tables::{read_table, unprefixed};

/// The tables of one output folder (the staging folder while a run writes them).
pub(crate) struct Tables<'a> {
    pub(crate) dir: &'a Path,
    /// The cells carry `--excel`'s `'` before formula-like text.
    pub(crate) excel: bool,
}

/// One row of a table, its cells found by column name.
pub(crate) struct Row<'r> {
    header: &'r csv::StringRecord,
    record: &'r csv::StringRecord,
    excel: bool,
}

impl Row<'_> {
    /// The cell of column `col` as written (empty when the table has no such column).
    pub(crate) fn get(&self, col: &str) -> &str {
        let cell = self
            .header
            .iter()
            .position(|h| h == col)
            .and_then(|i| self.record.get(i))
            .unwrap_or("");
        if self.excel { unprefixed(cell) } else { cell }
    }

    /// A count column (0 when empty or not a number).
    pub(crate) fn count(&self, col: &str) -> u64 {
        self.get(col).parse().unwrap_or(0)
    }

    /// A score column (`None` when empty, as FLR is for verbs).
    pub(crate) fn score(&self, col: &str) -> Option<f64> {
        self.get(col).parse().ok().filter(|v: &f64| v.is_finite())
    }
}

impl Tables<'_> {
    /// Call `f` on every row of `name`, in the table's order. A table this run did not
    /// write (a part, an older layout) is no rows.
    pub(crate) fn each(&self, name: &str, mut f: impl FnMut(&Row)) -> Result<()> {
        self.each_while(name, |r| {
            f(r);
            true
        })
    }

    /// Call `f` on the rows of `name` in order while it returns true.
    pub(crate) fn each_while(&self, name: &str, mut f: impl FnMut(&Row) -> bool) -> Result<()> {
        let path = self.dir.join(name);
        if !path.is_file() {
            return Ok(());
        }
        let mut reader = read_table(&path)?;
        let header = reader.headers()?.clone();
        let mut record = csv::StringRecord::new();
        while reader
            .read_record(&mut record)
            .with_context(|| format!("reading {name} for the report"))?
        {
            let more = f(&Row {
                header: &header,
                record: &record,
                excel: self.excel,
            });
            if !more {
                break;
            }
        }
        Ok(())
    }

    /// The texts of the sentences `wanted` names, from one pass over `sentences.csv` that
    /// stops once all are found (examples are mostly the first of their kind).
    pub(crate) fn sentences(&self, wanted: &Wanted) -> Result<HashMap<(String, u64), String>> {
        let mut found = HashMap::new();
        let all: usize = wanted.0.values().map(HashSet::len).sum();
        self.each_while("sentences.csv", |r| {
            let (doc, no) = (r.get("doc"), r.count("sentence_no"));
            if wanted.0.get(doc).is_some_and(|s| s.contains(&no)) {
                found.insert((doc.to_string(), no), r.get("text").to_string());
            }
            found.len() < all
        })?;
        Ok(found)
    }
}

/// Sentences a section wants to quote, by document and sentence number.
#[derive(Default)]
pub(crate) struct Wanted(HashMap<String, HashSet<u64>>);

impl Wanted {
    /// Add what another section wants.
    pub(crate) fn extend(&mut self, other: Wanted) {
        for (doc, nos) in other.0 {
            self.0.entry(doc).or_default().extend(nos);
        }
    }

    pub(crate) fn add(&mut self, doc: &str, no: u64) {
        match self.0.get_mut(doc) {
            Some(s) => {
                s.insert(no);
            }
            None => {
                self.0.insert(doc.to_string(), HashSet::from([no]));
            }
        }
    }
}

/// A score ordered by `f64::total_cmp`, so that it can be part of a sort key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Score(pub(crate) f64);

impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The `cap` greatest items pushed, in a heap of `cap`: a top-N list over a table of any
/// length. Items are totally ordered (ties broken by their text), so the selection does not
/// depend on the order rows arrive in.
pub(crate) struct Top<T: Ord> {
    cap: usize,
    heap: BinaryHeap<Reverse<T>>,
    seen: u64,
}

impl<T: Ord> Top<T> {
    pub(crate) fn new(cap: usize) -> Self {
        Top {
            cap,
            heap: BinaryHeap::with_capacity(cap + 1),
            seen: 0,
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        self.seen += 1;
        if self.heap.len() < self.cap {
            self.heap.push(Reverse(item));
        } else if self.heap.peek().is_some_and(|Reverse(min)| item > *min) {
            self.heap.pop();
            self.heap.push(Reverse(item));
        }
    }

    /// How many items were offered (the "of N" of a caption).
    pub(crate) fn seen(&self) -> u64 {
        self.seen
    }

    /// The kept items, greatest first.
    pub(crate) fn into_sorted(self) -> Vec<T> {
        let mut v: Vec<T> = self.heap.into_iter().map(|Reverse(t)| t).collect();
        v.sort_by(|a, b| b.cmp(a));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_keeps_the_greatest_whatever_the_order() {
        let items = [5, 1, 9, 3, 9, 7, 2];
        let mut a = Top::new(3);
        items.iter().for_each(|&i| a.push(i));
        let mut b = Top::new(3);
        items.iter().rev().for_each(|&i| b.push(i));
        assert_eq!(a.seen(), 7);
        assert_eq!(a.into_sorted(), vec![9, 9, 7]);
        assert_eq!(b.into_sorted(), vec![9, 9, 7]);
    }
}
