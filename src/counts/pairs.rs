//! Stage 4d/5: term co-occurrence — which terms appear in the same unit (a sentence, or a
//! whole document with `--cooc-unit document`), with the counts and the association
//! measures computed from them.
//!
//! Each term counts once per unit (binary presence, as KH Coder and quanteda's boolean fcm
//! do). A document's pairs are counted under document-local ids
//! ([`crate::counts::DocCounts`]), then re-keyed with corpus ids into its worker's
//! [`PairStore`]: one map keyed by the two ids packed in a `u64`. Distinct pairs grow
//! much faster than the vocabulary, so a store that reaches its budget writes its pairs,
//! sorted, to a run file on disk and starts afresh; at the end the runs are merged
//! (summing equal pairs) in one streaming pass, and only pairs above the thresholds are
//! kept. Memory is therefore the budget, not the corpus; the counts stay exact.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::counts::stats::{Measures, round};

use crate::counts::{DocCounts, TermCounts};

/// What a co-occurrence unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Unit {
    #[default]
    Sentence,
    Document,
}

/// Bytes of memory a pair takes in a store's map (key, count, control byte, load factor).
pub(crate) const BYTES_PER_PAIR: usize = 20;

/// Runs are merged in tiers: when a worker holds this many runs of the same tier, they
/// are merged into one run of the next tier. Each pair is rewritten once per tier
/// (logarithmic in the corpus), and the final merge opens at most this many files per
/// tier and worker.
const FAN_IN: usize = 16;

/// Two ids as one pair key, the lower id in the high half.
pub(crate) fn pack(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

pub(crate) fn unpack(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// Where pair runs go: a folder created on first use (inside the output's staging folder
/// for `analyze`), removed with everything in it when the run ends.
#[derive(Debug)]
pub(crate) struct SpillDir {
    base: PathBuf,
    dir: OnceLock<std::result::Result<tempfile::TempDir, String>>,
    next: AtomicUsize,
}

impl SpillDir {
    pub(crate) fn new(base: &Path) -> Arc<Self> {
        Arc::new(SpillDir {
            base: base.to_path_buf(),
            dir: OnceLock::new(),
            next: AtomicUsize::new(0),
        })
    }

    /// An anonymous temporary file beside the spill folder (in the run's staging folder),
    /// gone when closed: the rows of a long document wait there for the writer.
    pub(crate) fn anonymous(&self) -> Result<std::fs::File> {
        tempfile::tempfile_in(&self.base)
            .with_context(|| format!("cannot create a temporary file in {}", self.base.display()))
    }

    /// A fresh file name in the folder.
    fn file(&self) -> Result<PathBuf> {
        let dir = self.dir.get_or_init(|| {
            tempfile::Builder::new()
                .prefix(".bokashi-pairs-")
                .tempdir_in(&self.base)
                .map_err(|e| format!("cannot create a folder in {}: {e}", self.base.display()))
        });
        let dir = dir
            .as_ref()
            .map_err(|e| anyhow::anyhow!("spilling co-occurrence pairs: {e}"))?;
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Ok(dir.path().join(format!("run-{n}.pairs")))
    }
}

/// One worker's pair counts under corpus ids: a map of at most `limit` pairs, and the
/// sorted runs it spilled.
#[derive(Debug)]
pub(crate) struct PairStore {
    map: HashMap<u64, u64>,
    limit: usize,
    spill: Arc<SpillDir>,
    /// (tier, file) of each spilled run, tiers non-increasing.
    runs: Vec<(u32, PathBuf)>,
    /// Times the map was spilled.
    spills: usize,
}

impl PairStore {
    /// A store holding at most `budget` bytes of pairs in memory (at least a few
    /// thousand pairs), spilling into `spill`.
    pub(crate) fn new(budget: usize, spill: Arc<SpillDir>) -> Self {
        PairStore {
            map: HashMap::default(),
            limit: (budget / BYTES_PER_PAIR).max(1024),
            spill,
            runs: Vec::new(),
            spills: 0,
        }
    }

    /// Add a document's pairs; `ids` maps its local ids to corpus ids.
    pub(crate) fn add_doc(&mut self, doc: &DocCounts, ids: &[u32]) -> Result<()> {
        for unit in doc.units() {
            for (i, &a) in unit.iter().enumerate() {
                let a = ids[a as usize];
                for &b in &unit[i + 1..] {
                    *self.map.entry(pack(a, ids[b as usize])).or_default() += 1;
                }
                // Checked per row of the unit: a whole document as one unit can hold
                // millions of pairs.
                if self.map.len() >= self.limit {
                    self.spill()?;
                }
            }
        }
        Ok(())
    }

    /// Add `n` units holding the terms `a` and `b` (a merged part's pairs).
    pub(crate) fn add_pair(&mut self, a: u32, b: u32, n: u64) -> Result<()> {
        *self.map.entry(pack(a, b)).or_default() += n;
        if self.map.len() >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// Write the map, sorted, to a new run file and empty it.
    fn spill(&mut self) -> Result<()> {
        let mut pairs: Vec<(u64, u64)> = self.map.drain().collect();
        pairs.sort_unstable();
        let path = self.spill.file()?;
        write_run(&path, pairs.into_iter().map(Ok))?;
        self.spills += 1;
        self.runs.push((0, path));
        loop {
            let tier = self.runs.last().map_or(0, |r| r.0);
            let same = self.runs.iter().rev().take_while(|r| r.0 == tier).count();
            if same < FAN_IN {
                return Ok(());
            }
            let runs = self.runs.split_off(self.runs.len() - same);
            let sources = runs
                .iter()
                .map(|(_, p)| RunReader::open(p).map(SortedPairs::File))
                .collect::<Result<Vec<_>>>()?;
            let path = self.spill.file()?;
            write_run(&path, PairMerge::new(sources)?)?;
            for (_, run) in &runs {
                let _ = std::fs::remove_file(run);
            }
            self.runs.push((tier + 1, path));
        }
    }

    /// Run files the store holds now.
    #[cfg(test)]
    pub(crate) fn spilled_runs(&self) -> usize {
        self.runs.len()
    }

    /// Times the store spilled its map to disk.
    pub(crate) fn spills(&self) -> usize {
        self.spills
    }

    /// The store's pairs as sorted sources for [`PairMerge`].
    fn into_sources(mut self) -> Result<Vec<SortedPairs>> {
        let mut sources = self
            .runs
            .iter()
            .map(|(_, p)| RunReader::open(p).map(SortedPairs::File))
            .collect::<Result<Vec<_>>>()?;
        let mut pairs: Vec<(u64, u64)> = self.map.drain().collect();
        pairs.sort_unstable();
        sources.push(SortedPairs::Memory(pairs.into_iter()));
        Ok(sources)
    }
}

fn write_run(path: &Path, pairs: impl Iterator<Item = Result<(u64, u64)>>) -> Result<()> {
    let context = || format!("writing co-occurrence pairs to {}", path.display());
    let file = File::create(path).with_context(context)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut prev = 0;
    for pair in pairs {
        let (key, n) = pair?;
        write_varint(&mut out, key - prev).with_context(context)?;
        write_varint(&mut out, n).with_context(context)?;
        prev = key;
    }
    out.flush().with_context(context)
}

fn write_varint(out: &mut impl Write, mut v: u64) -> std::io::Result<()> {
    let mut buf = [0u8; 10];
    let mut i = 0;
    while v >= 0x80 {
        buf[i] = (v as u8) | 0x80;
        v >>= 7;
        i += 1;
    }
    buf[i] = v as u8;
    out.write_all(&buf[..=i])
}

/// Reads a run file back: (key delta, count) varints.
#[derive(Debug)]
struct RunReader {
    input: BufReader<File>,
    path: PathBuf,
    prev: u64,
}

impl RunReader {
    fn open(path: &Path) -> Result<Self> {
        let file = File::open(path)
            .with_context(|| format!("reading co-occurrence pairs from {}", path.display()))?;
        Ok(RunReader {
            input: BufReader::with_capacity(1 << 16, file),
            path: path.to_path_buf(),
            prev: 0,
        })
    }

    /// The next varint, or `None` at the end of the file.
    fn varint(&mut self) -> std::io::Result<Option<u64>> {
        let mut v = 0u64;
        let mut byte = [0u8];
        for shift in (0..64).step_by(7) {
            if self.input.read(&mut byte)? == 0 {
                return if shift == 0 {
                    Ok(None)
                } else {
                    Err(std::io::ErrorKind::UnexpectedEof.into())
                };
            }
            v |= u64::from(byte[0] & 0x7f) << shift;
            if byte[0] < 0x80 {
                return Ok(Some(v));
            }
        }
        Err(std::io::ErrorKind::InvalidData.into())
    }

    fn next(&mut self) -> Result<Option<(u64, u64)>> {
        let pair = match self.varint() {
            Ok(None) => return Ok(None),
            Ok(Some(delta)) => self.varint().and_then(|n| {
                n.map(|n| (delta, n))
                    .ok_or(std::io::ErrorKind::UnexpectedEof.into())
            }),
            Err(e) => Err(e),
        };
        let (delta, n) = pair
            .with_context(|| format!("reading co-occurrence pairs from {}", self.path.display()))?;
        self.prev += delta;
        Ok(Some((self.prev, n)))
    }
}

/// A sorted stream of (pair key, count).
#[derive(Debug)]
enum SortedPairs {
    Memory(std::vec::IntoIter<(u64, u64)>),
    File(RunReader),
}

impl SortedPairs {
    fn next(&mut self) -> Result<Option<(u64, u64)>> {
        match self {
            SortedPairs::Memory(it) => Ok(it.next()),
            SortedPairs::File(r) => r.next(),
        }
    }
}

/// The k-way merge of sorted sources, equal keys summed: every pair once, in key order.
#[derive(Debug)]
pub(crate) struct PairMerge {
    sources: Vec<SortedPairs>,
    heads: BinaryHeap<Reverse<(u64, u64, usize)>>,
}

impl PairMerge {
    fn new(mut sources: Vec<SortedPairs>) -> Result<Self> {
        let mut heads = BinaryHeap::with_capacity(sources.len());
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some((k, n)) = s.next()? {
                heads.push(Reverse((k, n, i)));
            }
        }
        Ok(PairMerge { sources, heads })
    }

    /// PairMerge the stores of every worker.
    pub(crate) fn of(stores: Vec<PairStore>) -> Result<Self> {
        let mut sources = Vec::new();
        for store in stores {
            sources.extend(store.into_sources()?);
        }
        PairMerge::new(sources)
    }

    fn pop(&mut self) -> Result<Option<(u64, u64)>> {
        let Some(Reverse((key, n, i))) = self.heads.pop() else {
            return Ok(None);
        };
        if let Some((k, m)) = self.sources[i].next()? {
            self.heads.push(Reverse((k, m, i)));
        }
        Ok(Some((key, n)))
    }
}

impl Iterator for PairMerge {
    type Item = Result<(u64, u64)>;

    fn next(&mut self) -> Option<Self::Item> {
        let (key, mut total) = match self.pop() {
            Ok(Some(head)) => head,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        while let Some(Reverse((k, n, _))) = self.heads.peek() {
            if *k != key {
                break;
            }
            total += n;
            if let Err(e) = self.pop() {
                return Some(Err(e));
            }
        }
        Some(Ok((key, total)))
    }
}

/// A pair kept for `cooccurrence.csv`: corpus ids (`a`'s text sorts first), counts and the
/// rounded Jaccard the rows are ordered by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kept {
    a: u32,
    b: u32,
    cooc: u64,
    jaccard: f64,
}

/// The pairs whose terms occur in at least `min_freq` units and that co-occur in at
/// least `min_cooc`, sorted by cooc desc, jaccard desc, term_a, term_b.
pub(crate) fn kept_pairs(
    counts: &TermCounts,
    pairs: impl Iterator<Item = Result<(u64, u64)>>,
    min_freq: u64,
    min_cooc: u64,
) -> Result<Vec<Kept>> {
    let mut kept = Vec::new();
    for pair in pairs {
        let (key, c) = pair?;
        if c < min_cooc {
            continue;
        }
        let (x, y) = unpack(key);
        let (fx, fy) = (counts.units_of(x), counts.units_of(y));
        if fx < min_freq || fy < min_freq {
            continue;
        }
        let (a, b) = if counts.text(x) < counts.text(y) {
            (x, y)
        } else {
            (y, x)
        };
        let jaccard = round(Measures::of(c, fx, fy, counts.units).jaccard, 4);
        kept.push(Kept {
            a,
            b,
            cooc: c,
            jaccard,
        });
    }
    kept.sort_by(|x, y| {
        y.cooc
            .cmp(&x.cooc)
            .then_with(|| y.jaccard.total_cmp(&x.jaccard))
            .then_with(|| counts.text(x.a).cmp(counts.text(y.a)))
            .then_with(|| counts.text(x.b).cmp(counts.text(y.b)))
    });
    Ok(kept)
}

/// The `cooccurrence.csv` row of a kept pair.
pub(crate) fn row(counts: &TermCounts, k: &Kept) -> CoocRow {
    let (freq_a, freq_b, n) = (counts.units_of(k.a), counts.units_of(k.b), counts.units);
    let m = Measures::of(k.cooc, freq_a, freq_b, n);
    CoocRow {
        term_a: counts.text(k.a).to_string(),
        term_b: counts.text(k.b).to_string(),
        cooc: k.cooc,
        freq_a,
        freq_b,
        jaccard: round(m.jaccard, 4),
        dice: round(m.dice, 4),
        npmi: round(m.npmi, 4),
        llr: round(m.llr, 4),
        units: n,
    }
}

/// `cooccurrence.csv`: one row per pair of terms above the thresholds.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub(crate) struct CoocRow {
    pub(crate) term_a: String,
    pub(crate) term_b: String,
    pub(crate) cooc: u64,
    pub(crate) freq_a: u64,
    pub(crate) freq_b: u64,
    pub(crate) jaccard: f64,
    pub(crate) dice: f64,
    pub(crate) npmi: f64,
    pub(crate) llr: f64,
    /// N, the number of units, so that every measure can be recomputed from the row.
    pub(crate) units: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_runs_merge_into_the_exact_counts() {
        // Pairs from three "workers", one spilling after every few pairs.
        let dir = tempfile::tempdir().unwrap();
        let spill = SpillDir::new(dir.path());
        let mut small = PairStore::new(0, spill.clone());
        small.limit = 3;
        let mut big = PairStore::new(1 << 20, spill.clone());
        let mut expected: std::collections::BTreeMap<u64, u64> = Default::default();
        let mut seed = 7u64;
        for i in 0..2000u64 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (a, b) = ((seed >> 33) as u32 % 40, (seed >> 13) as u32 % 40);
            if a == b {
                continue;
            }
            let n = 1 + (seed >> 60);
            let store = if i % 3 == 0 { &mut big } else { &mut small };
            *store.map.entry(pack(a, b)).or_default() += n;
            if store.map.len() >= store.limit {
                store.spill().unwrap();
            }
            *expected.entry(pack(a, b)).or_default() += n;
        }
        assert!(small.spilled_runs() > 0 && small.spilled_runs() < FAN_IN * 3);
        let empty = PairStore::new(0, spill.clone());
        let merged: Vec<(u64, u64)> = PairMerge::of(vec![small, big, empty])
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(merged, expected.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn varints_round_trip_through_a_run_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r");
        let pairs = [(0, 1), (1, 127), (128, 128), (u64::MAX - 1, u64::MAX)];
        write_run(&path, pairs.iter().map(|&p| Ok(p))).unwrap();
        let mut r = RunReader::open(&path).unwrap();
        let mut got = Vec::new();
        while let Some(p) = r.next().unwrap() {
            got.push(p);
        }
        assert_eq!(got, pairs);
        // A cut file is an error, not a silent end.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let mut r = RunReader::open(&path).unwrap();
        let mut result = Ok(None);
        for _ in 0..4 {
            result = r.next();
        }
        assert!(result.is_err());
    }
}
