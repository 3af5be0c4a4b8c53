//! `bokashi analyze`: the whole pipeline over a corpus, tables into the output folder.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::Settings;
use crate::corpus;
use crate::pipeline::{Analyzer, Outcome};
use crate::progress::Reporter;
use crate::rows::{DocumentRow, SkippedRow};
use crate::tables::Output;
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
    let analyzer = Analyzer::new(Tokenizer::new(None)?);

    let mut documents = output.table::<DocumentRow>("documents.csv")?;
    let mut analyzed = 0;
    analyzer.run(&inputs, &pool, &reporter, |outcome| {
        match outcome {
            Outcome::Analyzed(analysis) => {
                analyzed += 1;
                documents.write(&analysis.row)?;
            }
            Outcome::Skipped(s) => skipped.push(s),
        }
        Ok(())
    })?;
    documents.finish()?;
    reporter.finish();

    if analyzed == 0 {
        bail!(
            "nothing could be analyzed: all {} input file(s) were skipped",
            skipped.len()
        );
    }
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
