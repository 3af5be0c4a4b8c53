//! The corpus tables, written from the merged counts once every document is in:
//! terms (FLR), stance_summary, cooccurrence (pair runs merged, association measures),
//! stance_terms (log-odds), skipped.

use std::collections::HashMap;

use anyhow::Result;

use crate::counts::pairs::{self, CoocRow};
use crate::counts::stats::{chi_square, flr, log_odds, round};
use crate::counts::{CorpusCounts, CueCounts, GroupCounts, TermCounts, Totals};
use crate::input::Skipped;
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::TermPos;
use crate::tables::Output;
use crate::tables::rows::{
    GroupRow, GroupTermRow, SkippedRow, StanceSummaryRow, StanceTermRow, TermKind, TermRow,
};

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

    let mut groups = output.table::<GroupRow>("groups.csv")?;
    for row in group_rows(&counts.groups) {
        groups.write(&row)?;
    }
    groups.finish()?;

    let mut group_terms = output.table::<GroupTermRow>("group_terms.csv")?;
    for row in group_term_rows(counts, options.min_freq) {
        group_terms.write(&row)?;
    }
    group_terms.finish()?;

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

/// `groups.csv` rows, by group: totals, rates per 1,000 tokens, shares of sentences, and
/// each group's hedged/absolute/mixed/neutral sentence counts tested against the rest.
fn group_rows(groups: &GroupCounts) -> Vec<GroupRow> {
    let all = groups.groups();
    let sides = |t: &crate::counts::DocTotals| [t.hedged, t.absolute, t.mixed, t.neutral];
    let mut corpus = [0u64; 4];
    for (_, g) in &all {
        for (c, n) in corpus.iter_mut().zip(sides(&g.totals)) {
            *c += n;
        }
    }
    all.iter()
        .map(|(name, g)| {
            let t = &g.totals;
            let per_1k = |n: u64| match t.tokens {
                0 => 0.0,
                tokens => round(n as f64 * 1000.0 / tokens as f64, 4),
            };
            let share = |n: u64| match t.sentences {
                0 => 0.0,
                s => round(n as f64 / s as f64, 4),
            };
            let mine = sides(t);
            let rest: Vec<u64> = corpus.iter().zip(mine).map(|(c, m)| c - m).collect();
            let test = (all.len() > 1).then(|| chi_square(&mine, &rest)).flatten();
            GroupRow {
                group: name.to_string(),
                documents: g.documents,
                sentences: t.sentences,
                tokens: t.tokens,
                hedged_sentences: t.hedged,
                absolute_sentences: t.absolute,
                mixed_sentences: t.mixed,
                neutral_sentences: t.neutral,
                hedge_cues: t.hedge_cues,
                absolute_cues: t.absolute_cues,
                hedge_per_1k_tokens: per_1k(t.hedge_cues),
                absolute_per_1k_tokens: per_1k(t.absolute_cues),
                hedged_share: share(t.hedged),
                absolute_share: share(t.absolute),
                mixed_share: share(t.mixed),
                neutral_share: share(t.neutral),
                chi2: test.map(|(chi2, _, _)| round(chi2, 4)),
                df: test.map(|(_, df, _)| df),
                p_value: test.map(|(_, _, p)| round(p, 6)),
            }
        })
        .collect()
}

/// `group_terms.csv` rows: for each group, its terms (at least `min_freq` times in it)
/// against the rest of the corpus, by the log-odds model of `stance_terms.csv` (α from the
/// term's corpus frequency, α0 the corpus's term occurrences). Sorted by group, then z
/// descending, then term and part of speech. Empty with fewer than two groups.
fn group_term_rows(counts: &CorpusCounts, min_freq: u64) -> Vec<GroupTermRow<'_>> {
    let groups = &counts.groups;
    if groups.groups().len() < 2 {
        return Vec::new();
    }
    let freqs = group_freqs(counts);
    let mut in_group: HashMap<&str, u64> = HashMap::new();
    for &(group, _, _, n) in &freqs {
        *in_group.entry(group).or_default() += n;
    }
    let total: u64 = in_group.values().sum();
    let alpha0 = total as f64;
    let mut rows: Vec<GroupTermRow<'_>> = freqs
        .into_iter()
        .filter(|&(_, _, _, n)| n >= min_freq)
        .map(|(group, id, pos, n)| {
            let f = counts.terms.counts(id, pos).freq;
            let n_g = in_group.get(group).copied().unwrap_or(0);
            let alpha = (f as f64).max(1e-3);
            let (log_odds, z) = log_odds(n, f - n, n_g, total - n_g, alpha, alpha0);
            GroupTermRow {
                group,
                term: counts.terms.text(id),
                pos,
                freq: n,
                freq_rest: f - n,
                log_odds: round(log_odds, 4),
                z: round(z, 4),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.group
            .cmp(b.group)
            .then_with(|| b.z.total_cmp(&a.z))
            .then_with(|| (a.term, a.pos).cmp(&(b.term, b.pos)))
    });
    rows
}

/// Every (group, term id, pos, frequency in the group): the named groups' as counted, the
/// empty group's (documents directly in an input folder) as the corpus's less theirs.
fn group_freqs(counts: &CorpusCounts) -> Vec<(&str, u32, TermPos, u64)> {
    let groups = &counts.groups;
    let mut freqs: Vec<(&str, u32, TermPos, u64)> = groups.named_terms().collect();
    if groups.has_empty_group() {
        let mut named: HashMap<(u32, TermPos), u64> = HashMap::new();
        for &(_, id, pos, n) in &freqs {
            *named.entry((id, pos)).or_default() += n;
        }
        for (id, pos, c) in counts.terms.terms() {
            let rest = c.freq - named.get(&(id, pos)).copied().unwrap_or(0);
            if rest > 0 {
                freqs.push(("", id, pos, rest));
            }
        }
    }
    freqs
}
