//! The corpus tables, written from the merged counts once every document is in:
//! terms (FLR), stance_summary, cooccurrence (pair runs merged, association measures),
//! stance_terms (log-odds), skipped.

use std::collections::HashMap;

use anyhow::Result;

use crate::counts::pairs::{self, CoocRow};
use crate::counts::stats::{flr, log_odds, round};
use crate::counts::{CueCounts, TermCounts, Totals};
use crate::input::Skipped;
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::TermPos;
use crate::tables::Output;
use crate::tables::rows::{SkippedRow, StanceSummaryRow, StanceTermRow, TermKind, TermRow};

/// The options that shape the corpus tables (not the counts).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CorpusOptions {
    /// Terms in fewer units than this are not paired in cooccurrence.csv.
    pub(crate) min_freq: u64,
    /// Pairs co-occurring in fewer units than this are not written.
    pub(crate) min_cooc: u64,
    /// Whether the corpus has groups (stance_summary.csv then has group rows).
    pub(crate) by_group: bool,
}

impl CorpusOptions {
    pub(crate) fn new(min_freq: u64, min_cooc: u64, by_group: bool) -> Self {
        CorpusOptions {
            min_freq,
            min_cooc,
            by_group,
        }
    }
}

/// What writing the corpus tables found, for run.json.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CorpusFacts {
    /// Distinct terms, and the bytes their counts take.
    distinct_terms: usize,
    term_count_bytes: usize,
    /// Times the workers' pair maps were spilled to disk.
    pair_spills: usize,
}

impl CorpusFacts {
    /// `report` (run.json) with what the counts and pairs took.
    pub(crate) fn add_to(&self, mut report: serde_json::Value) -> serde_json::Value {
        report["distinct_terms"] = serde_json::json!(self.distinct_terms);
        report["term_count_bytes"] = serde_json::json!(self.term_count_bytes);
        report["pair_spills"] = serde_json::json!(self.pair_spills);
        report
    }
}

/// Write every corpus table into `output`'s staging folder.
pub(crate) fn write(
    output: &mut Output,
    totals: Totals,
    skipped: &[Skipped],
    options: CorpusOptions,
) -> Result<CorpusFacts> {
    let Totals { counts, pairs } = totals;
    let counts = &counts;
    let mut terms = output.table::<TermRow>("terms.csv")?;
    for row in term_rows(&counts.terms) {
        terms.write(&row)?;
    }
    terms.finish()?;

    let mut summary = output.table::<StanceSummaryRow>("stance_summary.csv")?;
    for row in stance_summary_rows(&counts.cues, options.by_group) {
        summary.write(&row)?;
    }
    summary.finish()?;

    let mut cooc = output.table::<CoocRow>("cooccurrence.csv")?;
    let pair_spills = pairs.iter().map(|p| p.spills()).sum();
    let merged = pairs::PairMerge::of(pairs)?;
    for kept in pairs::kept_pairs(&counts.terms, merged, options.min_freq, options.min_cooc)? {
        cooc.write(&pairs::row(&counts.terms, &kept))?;
    }
    cooc.finish()?;

    let mut stance_terms = output.table::<StanceTermRow>("stance_terms.csv")?;
    for row in stance_term_rows(&counts.terms) {
        stance_terms.write(&row)?;
    }
    stance_terms.finish()?;

    let mut skipped_table = output.table::<SkippedRow>("skipped.csv")?;
    for s in skipped {
        let reason = s.reason.to_string();
        skipped_table.write(&SkippedRow {
            path: &s.path,
            reason,
        })?;
    }
    skipped_table.finish()?;
    Ok(CorpusFacts {
        distinct_terms: counts.terms.len(),
        term_count_bytes: counts.terms.heap_bytes(),
        pair_spills,
    })
}

/// `terms.csv` rows from the corpus counts, FLR computed here from the counts, sorted by
/// freq desc, then term, then pos.
fn term_rows(counts: &TermCounts) -> impl Iterator<Item = TermRow> + '_ {
    let mut keys: Vec<(u32, TermPos, u64)> = counts
        .terms()
        .map(|(id, pos, c)| (id, pos, c.freq))
        .collect();
    keys.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| counts.text(a.0).cmp(counts.text(b.0)))
            .then_with(|| a.1.cmp(&b.1))
    });
    keys.into_iter().map(move |(id, pos, _)| {
        let c = counts.counts(id, pos);
        TermRow {
            term: counts.text(id).to_string(),
            pos,
            kind: if counts.is_compound(id) && pos == TermPos::Noun {
                TermKind::Compound
            } else {
                TermKind::Word
            },
            freq: c.freq,
            doc_freq: c.doc_freq,
            flr: (pos == TermPos::Noun).then(|| round(flr(c.freq, counts.lr(id)), 4)),
        }
    })
}

/// `stance_summary.csv` rows: whole-corpus totals (`level` corpus, empty group) first, then,
/// when the corpus has groups, one block per group (`level` group). Sorted by level, group,
/// stance (hedge first), category, freq desc, cue.
fn stance_summary_rows(cues: &CueCounts, by_group: bool) -> Vec<StanceSummaryRow> {
    let mut corpus: HashMap<(CueStance, &str, &str), (u64, u64)> = HashMap::new();
    let mut rows = Vec::new();
    for (group, (stance, category, cue), (freq, doc_freq)) in cues.iter() {
        let e = corpus
            .entry((*stance, category.as_str(), cue.as_str()))
            .or_default();
        e.0 += freq;
        e.1 += doc_freq;
        if by_group {
            rows.push(StanceSummaryRow {
                group: group.to_string(),
                stance: *stance,
                category: category.clone(),
                cue: cue.clone(),
                freq,
                doc_freq,
                level: "group".into(),
            });
        }
    }
    for ((stance, category, cue), (freq, doc_freq)) in corpus {
        rows.push(StanceSummaryRow {
            group: String::new(),
            stance,
            category: category.to_string(),
            cue: cue.to_string(),
            freq,
            doc_freq,
            level: "corpus".into(),
        });
    }
    rows.sort_by(|a, b| {
        (a.level != "corpus", &a.group, a.stance, &a.category)
            .cmp(&(b.level != "corpus", &b.group, b.stance, &b.category))
            .then_with(|| b.freq.cmp(&a.freq))
            .then_with(|| a.cue.cmp(&b.cue))
    });
    rows
}

/// `stance_terms.csv` rows: log-odds ratio with an informative Dirichlet prior
/// (Monroe, Colaresi & Quinn 2008), hedged vs absolute sentences.
///
/// With y_h, y_a a term's counts in hedged and absolute sentences, n_h, n_a their totals,
/// f the term's frequency in the whole corpus and F the total of all terms' f:
/// α = f · (n_h + n_a) / F (the prior has the corpus's term distribution and as much
/// weight as the data compared), α0 = n_h + n_a,
/// δ = ln((y_h+α)/(n_h+α0−y_h−α)) − ln((y_a+α)/(n_a+α0−y_a−α)),
/// σ² = 1/(y_h+α) + 1/(y_a+α), z = δ/σ. Positive values lean hedged. Sorted by z desc.
fn stance_term_rows(counts: &TermCounts) -> Vec<StanceTermRow> {
    let (mut n_h, mut n_a, mut total_f) = (0u64, 0u64, 0u64);
    for (_, _, c) in counts.terms() {
        n_h += c.hedged;
        n_a += c.absolute;
        total_f += c.freq;
    }
    let alpha0 = (n_h + n_a) as f64;
    let mut rows: Vec<(u32, TermPos, u64, u64, f64, f64)> = Vec::new();
    for (id, pos, c) in counts.terms() {
        if c.hedged + c.absolute == 0 {
            continue;
        }
        let f = match c.freq {
            0 => c.hedged + c.absolute,
            f => f,
        };
        let alpha = if total_f == 0 {
            0.5
        } else {
            (f as f64 * alpha0 / total_f as f64).max(1e-3)
        };
        let (log_odds, z) = log_odds(c.hedged, c.absolute, n_h, n_a, alpha, alpha0);
        rows.push((
            id,
            pos,
            c.hedged,
            c.absolute,
            round(log_odds, 4),
            round(z, 4),
        ));
    }
    rows.sort_by(|a, b| {
        b.5.total_cmp(&a.5)
            .then_with(|| counts.text(a.0).cmp(counts.text(b.0)))
            .then_with(|| a.1.cmp(&b.1))
    });
    rows.into_iter()
        .map(
            |(id, pos, hedged_freq, absolute_freq, log_odds, z)| StanceTermRow {
                term: counts.text(id).to_string(),
                pos,
                hedged_freq,
                absolute_freq,
                log_odds,
                z,
            },
        )
        .collect()
}
