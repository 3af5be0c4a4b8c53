//! `bokashi merge PART... -o DIR`: the exact reduce of a run split with `--shard K/N` —
//! every table as one run over the whole input would have written it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::counts::pairs::{PairStore, SpillDir};
use crate::counts::{CorpusCounts, Merge, Totals};
use crate::input::{SkipReason, Skipped};
use crate::progress::Summary;
use crate::tables::corpus::{self, CorpusOptions};
use crate::tables::part::PartState;
use crate::tables::{CsvStyle, Output};

/// A document of a part: its place in the run (input, row), its part, `doc`, digest and
/// bytes.
type PartDoc = (u32, u32, usize, String, [u8; 32], u64);

/// The per-document tables, merged document by document in the run's order.
const DOC_TABLES: [&str; 7] = [
    "documents.csv",
    "doc_terms.csv",
    "numbers.csv",
    "sentences.csv",
    "cues.csv",
    "flags.csv",
    "disclosures.csv",
];

/// Merge `parts` into `out`; `report` also draws report.html from the merged tables.
pub(crate) fn run(parts: &[PathBuf], out: &Path, quiet: bool, report: bool) -> Result<Summary> {
    let (states, parts) = read_parts(parts)?;
    let parts = parts.as_slice();
    let identity: serde_json::Value = serde_json::from_str(&states[0].identity)?;
    let style = CsvStyle {
        excel: identity["options"]["excel"].as_bool().unwrap_or(false),
    };
    let mut output = Output::prepare(out, style)?;
    // Every document of every part, in the run's order.
    let mut docs: Vec<PartDoc> = Vec::new();
    for (p, s) in states.iter().enumerate() {
        docs.extend(
            s.docs
                .iter()
                .map(|(i, r, d, h, b)| (*i, *r, p, d.clone(), *h, *b)),
        );
    }
    docs.sort();
    // The per-document tables are copied in parallel, while the counts merge.
    let (staging, spill) = (
        output.staging().to_path_buf(),
        SpillDir::new(output.staging()),
    );
    let (copied, merged) = std::thread::scope(|s| {
        let tables: Vec<_> = DOC_TABLES
            .iter()
            .map(|name| s.spawn(|| merge_table(&staging, parts, name, &docs)))
            .collect();
        let merged = merge_counts(states, parts, spill);
        let copied: Vec<Result<()>> = tables
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a merge thread panicked")))
            })
            .collect();
        (copied, merged)
    });
    copied.into_iter().collect::<Result<Vec<()>>>()?;
    DOC_TABLES.iter().for_each(|name| output.adopt(name));
    let (totals, skipped, by_group) = merged?;
    let tables = &identity["options"]["tables"];
    let min = |k: &str| tables[k].as_u64().unwrap_or(2);
    let opts = CorpusOptions::new(min("min_freq"), min("min_cooc"), by_group);
    corpus::write(&mut output, totals, &skipped, opts)?;
    let mut inputs = blake3::Hasher::new();
    for (_, _, _, doc, digest, _) in &docs {
        inputs.update(doc.as_bytes());
        inputs.update(&[0]);
        inputs.update(digest);
    }
    let bytes = docs.iter().map(|d| d.5).sum();
    let manifest = crate::pipeline::manifest(
        identity,
        docs.len(),
        skipped.len(),
        bytes,
        inputs.finalize(),
    );
    output.write_json("manifest.json", &manifest)?;
    if report {
        crate::report::add_to(&mut output, style.excel)?;
    }
    output.commit()?;
    let summary = Summary {
        analyzed: docs.len(),
        skipped: skipped.len(),
        warnings: 0,
    };
    if !quiet {
        eprintln!(
            "bokashi: {} part(s) merged: {} document(s), {} skipped; tables in {}",
            parts.len(),
            summary.analyzed,
            summary.skipped,
            out.display()
        );
    }
    Ok(summary)
}

/// Read every part and refuse a set that is not one run's: another version, dictionary,
/// lexicon or option; a shard missing or given twice.
fn read_parts(parts: &[PathBuf]) -> Result<(Vec<PartState>, Vec<PathBuf>)> {
    if parts.is_empty() {
        bail!("nothing to merge: name the parts (folders written by analyze --shard K/N)");
    }
    // Checked without their counts (read again one at a time by `merge_counts`).
    let states: Vec<PartState> = parts
        .iter()
        .map(|p| {
            PartState::read(p).map(|s| PartState {
                counts: Default::default(),
                ..s
            })
        })
        .collect::<Result<_>>()?;
    let first = &states[0];
    let n = first.shard.1;
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    for (state, path) in states.iter().zip(parts) {
        if state.identity != first.identity || state.variables != first.variables {
            bail!(
                "{} was made differently from {} ({}): parts must come from one run's options, dictionaries and inputs",
                path.display(),
                parts[0].display(),
                difference(&first.identity, &state.identity)
            );
        }
        let (k, m) = state.shard;
        if m != n {
            bail!(
                "{} is shard {k}/{m}, {} is of {n} shards",
                path.display(),
                parts[0].display()
            );
        }
        if let Some(other) = seen.insert(k, path) {
            bail!(
                "shard {k}/{n} given twice: {} and {}",
                other.display(),
                path.display()
            );
        }
    }
    if let Some(k) = (1..=n).find(|k| !seen.contains_key(k)) {
        bail!("shard {k}/{n} is missing: merge needs all {n} parts");
    }
    // In shard order, with their folders.
    let mut both: Vec<(PartState, PathBuf)> =
        states.into_iter().zip(parts.iter().cloned()).collect();
    both.sort_by_key(|(s, _)| s.shard.0);
    Ok(both.into_iter().unzip())
}

/// What differs between two identities, by field.
fn difference(a: &str, b: &str) -> String {
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(a).unwrap_or_default(),
        serde_json::from_str(b).unwrap_or_default(),
    );
    let fields = |v: &serde_json::Value| -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(map) = v.as_object() {
            for (k, v) in map {
                match v.as_object() {
                    Some(inner) if k == "options" => out.extend(
                        inner
                            .iter()
                            .map(|(i, v)| (format!("option {i}"), v.to_string())),
                    ),
                    _ => out.push((k.clone(), v.to_string())),
                }
            }
        }
        out
    };
    let (fa, fb) = (fields(&a), fields(&b));
    let differ: Vec<String> = fa
        .iter()
        .filter(|f| !fb.contains(f))
        .map(|(k, _)| k.clone())
        .collect();
    if differ.is_empty() {
        "another corpus".to_string()
    } else {
        format!("{} differ", differ.join(", "))
    }
}

/// The parts' counts summed, their pairs under the merged ids, their skipped inputs.
/// The parts' counts were dropped after the check: each part is read again here, one at a
/// time, so that memory holds the merged counts and one part's, not every part's.
fn merge_counts(
    states: Vec<PartState>,
    parts: &[PathBuf],
    spill: Arc<SpillDir>,
) -> Result<(Totals, Vec<Skipped>, bool)> {
    let mut merged = CorpusCounts::default();
    let mut pairs = PairStore::new(8 << 20, spill);
    let mut skipped = Vec::new();
    let mut by_group = false;
    for (state, path) in states.into_iter().zip(parts) {
        by_group |= state.by_group;
        skipped.extend(state.skipped.into_iter().map(|(path, reason)| Skipped {
            path,
            reason: SkipReason::Recorded(reason),
        }));
        let again = PartState::read(path)?;
        if again.identity != state.identity || again.shard != state.shard {
            bail!("{} changed while merging", path.display());
        }
        let (counts, part_pairs) = again.counts.into_counts();
        let ids = merged.terms.merge_ids(counts.terms);
        merged.cues.merge(counts.cues);
        merged.groups.merge(counts.groups, &ids);
        for (a, b, n) in part_pairs {
            pairs.add_pair(ids[a as usize], ids[b as usize], n)?;
        }
    }
    skipped.sort();
    let totals = Totals {
        counts: merged,
        pairs: vec![pairs],
    };
    Ok((totals, skipped, by_group))
}

/// Merge one per-document table: its header from the first part, then each document's
/// rows, copied as written, in the run's order.
fn merge_table(staging: &Path, parts: &[PathBuf], name: &str, docs: &[PartDoc]) -> Result<()> {
    let mut cursors: Vec<TableCursor> = parts
        .iter()
        .map(|p| TableCursor::open(&p.join(name)))
        .collect::<Result<_>>()?;
    let path = staging.join(name);
    let mut out =
        std::io::BufWriter::new(File::create(&path).with_context(|| format!("writing {name}"))?);
    out.write_all(&cursors[0].header)?;
    for (_, _, part, doc, _, _) in docs {
        cursors[*part].copy_doc(doc.as_bytes(), &mut out)?;
    }
    out.flush().with_context(|| format!("writing {name}"))?;
    Ok(())
}

/// A part's table read record by record, each record copied as its bytes.
struct TableCursor {
    reader: csv::Reader<BufReader<File>>,
    /// The same file read again, in step: every record is copied once, in order, so the
    /// copies are consecutive and need no seek.
    raw: BufReader<File>,
    header: Vec<u8>,
    /// The next record's first field (its `doc`) and where it starts.
    next: Option<(Vec<u8>, u64)>,
    len: u64,
    record: csv::ByteRecord,
}

impl TableCursor {
    fn open(path: &Path) -> Result<TableCursor> {
        let open = || File::open(path).with_context(|| format!("reading {}", path.display()));
        let file = open()?;
        let len = file.metadata()?.len();
        // Opened twice: a cloned handle would share the reader's offset.
        let mut raw = BufReader::with_capacity(1 << 16, open()?);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(BufReader::new(file));
        reader.byte_headers()?;
        let mut cursor = TableCursor {
            reader,
            raw: BufReader::new(open()?),
            header: Vec::new(),
            next: None,
            len,
            record: csv::ByteRecord::new(),
        };
        cursor.advance()?;
        let header_len = cursor.next.as_ref().map_or(len, |n| n.1);
        let mut header = vec![0u8; header_len as usize];
        raw.read_exact(&mut header)?;
        cursor.header = header;
        cursor.raw = raw;
        Ok(cursor)
    }

    fn advance(&mut self) -> Result<()> {
        self.next = if self.reader.read_byte_record(&mut self.record)? {
            let start = self.record.position().map_or(0, |p| p.byte());
            Some((self.record.get(0).unwrap_or_default().to_vec(), start))
        } else {
            None
        };
        Ok(())
    }

    /// Copy the rows of `doc` (the next ones, if they are its) to `out`.
    fn copy_doc(&mut self, doc: &[u8], out: &mut impl Write) -> Result<()> {
        while let Some((next, start)) = &self.next {
            if next.as_slice() != doc {
                break;
            }
            let start = *start;
            self.advance()?;
            let end = self.next.as_ref().map_or(self.len, |n| n.1);
            // By hand, through the buffer: `io::copy` between files asks the kernel to
            // copy (a `statx` and a `copy_file_range` per call), slow for short rows.
            let mut left = (end - start) as usize;
            while left > 0 {
                let chunk = self.raw.fill_buf()?;
                if chunk.is_empty() {
                    bail!("a part's table ended early (was it changed while merging?)");
                }
                let n = chunk.len().min(left);
                out.write_all(&chunk[..n])?;
                self.raw.consume(n);
                left -= n;
            }
        }
        Ok(())
    }
}
