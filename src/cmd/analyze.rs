//! `bokashi analyze`: the whole pipeline over a corpus, tables into the output folder.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::aggregate::CorpusCounts;
use crate::cli::Settings;
use crate::corpus;
use crate::pipeline::{Analyzer, Outcome};
use crate::progress::Reporter;
use crate::rows::{DocTermRow, DocumentRow, NumberRow, SkippedRow, TermKind, TermRow};
use crate::tables::Output;
use crate::terms::{self, TermPos};
use crate::tokenize::Tokenizer;

/// What a finished run did, for the summary line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub analyzed: usize,
    pub skipped: usize,
    pub warnings: usize,
}

pub fn run(settings: &Settings) -> Result<Summary> {
    let started = Instant::now();
    // Fail on an unusable output folder before any work is done.
    let mut output = Output::prepare(&settings.output, settings.style)?;

    let (inputs, mut skipped) = corpus::discover(&settings.inputs);
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

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build()
        .context("starting worker threads")?;
    let analyzer = Analyzer::new(
        Tokenizer::new(&settings.user_dictionaries)?,
        settings.stopwords.clone(),
        settings.compounds,
    );

    // Per-document tables stream in document order; corpus tables come from the counts.
    let mut documents = output.table::<DocumentRow>("documents.csv")?;
    let mut doc_terms = output.table::<DocTermRow>("doc_terms.csv")?;
    let mut numbers = output.table::<NumberRow>("numbers.csv")?;
    let mut counts = CorpusCounts::default();
    let mut analyzed = 0;
    analyzer.run(&inputs, &pool, &reporter, |outcome| {
        match outcome {
            Outcome::Analyzed(analysis) => {
                analyzed += 1;
                documents.write(&analysis.row)?;
                for ((term, pos), freq) in analysis.terms.sorted() {
                    doc_terms.write(&DocTermRow {
                        doc: analysis.row.doc.clone(),
                        term: term.clone(),
                        pos: *pos,
                        freq,
                    })?;
                }
                counts.add_doc_terms(&analysis.terms);
                for row in &analysis.numbers {
                    numbers.write(row)?;
                }
            }
            Outcome::Skipped(s) => skipped.push(s),
        }
        Ok(())
    })?;
    documents.finish()?;
    doc_terms.finish()?;
    numbers.finish()?;
    reporter.finish();

    if analyzed == 0 {
        bail!(
            "nothing could be analyzed: all {} input file(s) were skipped",
            skipped.len()
        );
    }
    let mut terms_table = output.table::<TermRow>("terms.csv")?;
    for row in term_rows(&counts) {
        terms_table.write(&row)?;
    }
    terms_table.finish()?;

    skipped.sort();
    let mut skipped_table = output.table::<SkippedRow>("skipped.csv")?;
    for s in &skipped {
        skipped_table.write(s)?;
    }
    skipped_table.finish()?;
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
pub fn term_rows(counts: &CorpusCounts) -> Vec<TermRow> {
    let mut rows: Vec<TermRow> = counts
        .terms
        .iter()
        .map(|((term, pos), total)| {
            let flr = (*pos == TermPos::Noun).then(|| {
                let parts: Vec<&str> = if total.parts.is_empty() {
                    vec![term.as_str()]
                } else {
                    total.parts.iter().map(String::as_str).collect()
                };
                round(terms::flr(total.freq, &parts, &counts.neighbors), 4)
            });
            TermRow {
                term: term.clone(),
                pos: *pos,
                kind: if total.parts.len() > 1 {
                    TermKind::Compound
                } else {
                    TermKind::Word
                },
                freq: total.freq,
                doc_freq: total.doc_freq,
                flr,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.freq
            .cmp(&a.freq)
            .then_with(|| a.term.cmp(&b.term))
            .then_with(|| a.pos.cmp(&b.pos))
    });
    rows
}

/// Round to `digits` decimals, so tables show stable, readable scores.
pub fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}
