//! `bokashi analyze`: the whole pipeline over a corpus, tables into the output folder.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::Settings;
use crate::counts::CorpusCounts;
use crate::counts::pairs::{self, CoocRow, SpillDir};
use crate::input;
use crate::interrupt::Cancel;
use crate::pipeline::{Analyzer, Outcome};
use crate::progress::Reporter;
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::TermPos;
use crate::tables::Output;
use crate::tables::rows::{
    CueRow, DocTermRow, DocumentRow, NumberRow, SentenceRow, SkippedRow, StanceSummaryRow,
    StanceTermRow, TermKind, TermRow,
};
use crate::timing::{Stage, Timings};

/// What a finished run did, for the summary line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub analyzed: usize,
    pub skipped: usize,
    pub warnings: usize,
}

pub fn run(settings: &Settings, cancel: &Cancel) -> Result<Summary> {
    let started = Instant::now();
    // Fail on an unusable output folder before any work is done.
    let mut output = Output::prepare(&settings.output, settings.style)?;

    let found = input::discover_excluding(
        &settings.inputs,
        std::slice::from_ref(&settings.output),
        &|| cancel.is_cancelled(),
    );
    // Ctrl-C while the files were listed.
    cancel.check()?;
    let (inputs, mut skipped, notes) = (found.inputs, found.skipped, found.notes);
    if inputs.is_empty() {
        let names: Vec<String> = settings
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        match skipped.first() {
            Some(s) => bail!("nothing to analyze: {}: {}", s.path, s.reason),
            None => bail!("nothing to analyze: no files in {}", names.join(", ")),
        }
    }
    let total_bytes = inputs.iter().map(|i| i.size).sum();
    let reporter = Reporter::new(settings.quiet, inputs.len(), total_bytes);
    for s in &skipped {
        reporter.warn(format_args!("skipping {}: {}", s.path, s.reason));
    }
    for note in &notes {
        reporter.warn(note);
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build()
        .context("starting worker threads")?;
    let mut analyzer = Analyzer::from_settings(settings)?;
    analyzer.cancel = cancel.clone();
    // The built-in files are checked by a test; a user's own are checked here.
    if !settings.lexicon.name.starts_with("built-in")
        || !settings.claim_words.name.starts_with("built-in")
    {
        for message in analyzer.stance.lint(&analyzer.tokenizer) {
            reporter.warn(message);
        }
    }

    // Per-document tables stream in document order; corpus tables come from the counts.
    let mut documents = output.table::<DocumentRow>("documents.csv")?;
    let mut doc_terms = output.table::<DocTermRow>("doc_terms.csv")?;
    let mut numbers = output.table::<NumberRow>("numbers.csv")?;
    let mut sentences = output.table::<SentenceRow>("sentences.csv")?;
    let mut cues = output.table::<CueRow>("cues.csv")?;
    let mut groups = std::collections::BTreeSet::new();
    let mut timings = Timings::default();
    let mut analyzed = 0;
    analyzer.spill = SpillDir::new(output.staging());
    let totals = analyzer.run(&inputs, &pool, &reporter, |outcome| {
        let mut clock = Instant::now();
        match outcome {
            Outcome::Analyzed(analysis) => {
                analyzed += 1;
                timings.add(&analysis.timings);
                let r = &analysis.rendered;
                documents.append(&r.documents)?;
                doc_terms.append(&r.doc_terms)?;
                if let Some(spilled) = &r.spilled {
                    let mut rows = spilled
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    rows.copy_into(|i, bytes| match i {
                        0 => numbers.append(bytes),
                        1 => sentences.append(bytes),
                        _ => cues.append(bytes),
                    })?;
                }
                numbers.append(&r.numbers)?;
                sentences.append(&r.sentences)?;
                cues.append(&r.cues)?;
                if !groups.contains(&analysis.row.group) {
                    groups.insert(analysis.row.group.clone());
                }
            }
            Outcome::Skipped(s) => skipped.push(s),
            Outcome::Cancelled | Outcome::Failed(_) => {}
        }
        timings.lap(Stage::Merge, &mut clock);
        Ok(())
    })?;
    let mut clock = Instant::now();
    documents.finish()?;
    doc_terms.finish()?;
    numbers.finish()?;
    sentences.finish()?;
    cues.finish()?;
    reporter.finish();

    if analyzed == 0 {
        bail!(
            "nothing could be analyzed: all {} input file(s) were skipped",
            skipped.len()
        );
    }
    let counts = &totals.counts;
    let mut terms_table = output.table::<TermRow>("terms.csv")?;
    for row in term_rows(counts) {
        terms_table.write(&row)?;
    }
    terms_table.finish()?;

    let mut summary_table = output.table::<StanceSummaryRow>("stance_summary.csv")?;
    let by_group = groups.len() > 1 || groups.iter().any(|g| !g.is_empty());
    for row in stance_summary_rows(counts, by_group) {
        summary_table.write(&row)?;
    }
    summary_table.finish()?;

    let mut cooc = output.table::<CoocRow>("cooccurrence.csv")?;
    let spilled: usize = totals.pairs.iter().map(|p| p.spills()).sum();
    let pairs = pairs::Merge::of(totals.pairs)?;
    for kept in pairs::kept_pairs(counts, pairs, settings.min_freq, settings.min_cooc)? {
        cooc.write(&pairs::row(counts, &kept))?;
    }
    cooc.finish()?;

    let mut stance_terms = output.table::<StanceTermRow>("stance_terms.csv")?;
    for row in stance_term_rows(counts) {
        stance_terms.write(&row)?;
    }
    stance_terms.finish()?;

    skipped.sort();
    let mut skipped_table = output.table::<SkippedRow>("skipped.csv")?;
    for s in &skipped {
        skipped_table.write(s)?;
    }
    skipped_table.finish()?;
    timings.lap(Stage::Tables, &mut clock);
    let wall = started.elapsed().as_secs_f64();
    if settings.timings {
        let mut report = timing_report(&timings, wall, total_bytes, analyzed, settings.jobs);
        report["distinct_terms"] = serde_json::json!(counts.len());
        report["term_count_bytes"] = serde_json::json!(counts.heap_bytes());
        report["pair_spills"] = serde_json::json!(spilled);
        let mut run_json =
            std::fs::File::create(output.staging().join("run.json")).context("writing run.json")?;
        serde_json::to_writer_pretty(&mut run_json, &report).context("writing run.json")?;
        output.adopt("run.json");
        eprintln!("{}", timing_lines(&timings, wall, total_bytes));
    }
    if settings.xlsx {
        let staging = output.staging().to_path_buf();
        crate::tables::workbook::write(
            &staging,
            &output.tables(),
            &staging.join("bokashi.xlsx"),
            settings.style.excel,
            |message| reporter.warn(message),
        )?;
        output.adopt("bokashi.xlsx");
    }
    // Last chance to stop before the tables replace the old ones.
    cancel.check()?;
    output.commit()?;

    let summary = Summary {
        analyzed,
        skipped: skipped.len(),
        warnings: reporter.warnings(),
    };
    if !settings.quiet {
        eprintln!(
            "bokashi: {} document(s) analyzed, {} skipped, {} warning(s) in {:.2}s; tables in {}",
            summary.analyzed,
            summary.skipped,
            summary.warnings,
            started.elapsed().as_secs_f64(),
            settings.output.display()
        );
    }
    Ok(summary)
}

/// `terms.csv` rows from the corpus counts, FLR computed here from the counts, sorted by
/// freq desc, then term, then pos.
pub fn term_rows(counts: &CorpusCounts) -> impl Iterator<Item = TermRow> + '_ {
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
            flr: (pos == TermPos::Noun).then(|| round(c.freq as f64 * counts.lr(id), 4)),
        }
    })
}

/// Round to `digits` decimals, so tables show stable, readable scores.
pub fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// `stance_summary.csv` rows: whole-corpus totals (`level` corpus, empty group) first, then,
/// when the corpus has groups, one block per group (`level` group). Sorted by level, group,
/// stance (hedge first), category, freq desc, cue.
pub fn stance_summary_rows(counts: &CorpusCounts, by_group: bool) -> Vec<StanceSummaryRow> {
    let mut corpus: HashMap<(CueStance, &str, &str), (u64, u64)> = HashMap::new();
    let mut rows = Vec::new();
    for ((group, (stance, category, cue)), (freq, doc_freq)) in &counts.cues {
        let e = corpus
            .entry((*stance, category.as_str(), cue.as_str()))
            .or_default();
        e.0 += freq;
        e.1 += doc_freq;
        if by_group {
            rows.push(StanceSummaryRow {
                group: group.clone(),
                stance: *stance,
                category: category.clone(),
                cue: cue.clone(),
                freq: *freq,
                doc_freq: *doc_freq,
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
pub fn stance_term_rows(counts: &CorpusCounts) -> Vec<StanceTermRow> {
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

/// Monroe et al.'s δ and its z-score for one word.
pub fn log_odds(y_h: u64, y_a: u64, n_h: u64, n_a: u64, alpha: f64, alpha0: f64) -> (f64, f64) {
    let (y_h, y_a, n_h, n_a) = (y_h as f64, y_a as f64, n_h as f64, n_a as f64);
    let odds = |y: f64, n: f64| ((y + alpha) / (n + alpha0 - y - alpha).max(1e-9)).ln();
    let delta = odds(y_h, n_h) - odds(y_a, n_a);
    let variance = 1.0 / (y_h + alpha) + 1.0 / (y_a + alpha);
    (delta, delta / variance.sqrt())
}

/// The contents of run.json: what ran, how long each stage took, and the throughput.
fn timing_report(
    timings: &Timings,
    wall: f64,
    bytes: u64,
    documents: usize,
    threads: usize,
) -> serde_json::Value {
    let stages: serde_json::Map<String, serde_json::Value> = Stage::ALL
        .iter()
        .map(|s| {
            let secs = (timings.get(*s).as_secs_f64() * 1e4).round() / 1e4;
            (s.name().to_string(), serde_json::json!(secs))
        })
        .collect();
    serde_json::json!({
        "documents": documents,
        "bytes": bytes,
        "threads": threads,
        "wall_seconds": (wall * 1e4).round() / 1e4,
        "mb_per_second": ((bytes as f64 / 1e6 / wall) * 100.0).round() / 100.0,
        "stage_seconds": stages,
        "note": "parallel stages (read … rows) are CPU seconds summed over threads; merge and tables are wall seconds",
    })
}

/// The `--timings` lines on stderr.
fn timing_lines(timings: &Timings, wall: f64, bytes: u64) -> String {
    let mut out = format!(
        "bokashi: timings: {:.3}s wall, {:.2} MB/s; stage seconds:",
        wall,
        bytes as f64 / 1e6 / wall
    );
    for s in Stage::ALL {
        out.push_str(&format!(
            " {} {:.3}",
            s.name(),
            timings.get(s).as_secs_f64()
        ));
    }
    out
}
