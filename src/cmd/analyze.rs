//! `bokashi analyze`: discover → run the pipeline → write the corpus tables → commit.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::Settings;
use crate::counts::Merge;
use crate::counts::pairs::SpillDir;
use crate::interrupt::Cancel;
use crate::pipeline::{Analyzer, Outcome};
use crate::progress::{Reporter, Summary};
use crate::tables::corpus::{self, CorpusOptions};
use crate::tables::{Output, documents::DocTables, workbook};
use crate::timing::{self, Stage, Stopwatch};

pub(crate) fn run(settings: &Settings, cancel: &Cancel) -> Result<Summary> {
    let started = Instant::now();
    // Fail on an unusable output folder before any work is done.
    let mut output = Output::prepare(&settings.output, settings.pipeline.style)?;
    let outputs = std::slice::from_ref(&settings.output);
    let found =
        crate::input::discover_excluding(&settings.inputs, outputs, &|| cancel.is_cancelled());
    cancel.check()?; // Ctrl-C while the files were listed.
    found.require_inputs(&settings.inputs)?;
    let (inputs, mut skipped) = (found.inputs, found.skipped);
    let bytes = inputs.iter().map(|i| i.size).sum();
    let reporter = Reporter::new(settings.quiet, inputs.len(), bytes);
    let spill = SpillDir::new(output.staging());
    let analyzer = Analyzer::new(settings.pipeline.clone(), cancel.clone(), spill)?;
    let skips = skipped
        .iter()
        .map(|s| format!("skipping {}: {}", s.path, s.reason));
    let warnings: Vec<String> = skips.chain(found.notes).chain(analyzer.lint()).collect();
    warnings.iter().for_each(|m| reporter.warn(m));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build();
    let pool = pool.context("starting worker threads")?;

    // Per-document tables stream in document order; corpus tables come from the counts.
    let mut tables = DocTables::create(&mut output)?;
    let (mut analyzed, mut by_group, mut watch) = (0, false, Stopwatch::start());
    let totals = analyzer.run(&inputs, &pool, &reporter, |outcome| {
        watch.restart();
        match outcome {
            Outcome::Analyzed(doc) => {
                (analyzed, by_group) = (analyzed + 1, by_group || !doc.row.group.is_empty());
                watch.timings.merge(doc.timings);
                tables.append(&doc.rendered)?;
            }
            Outcome::Skipped(s) => skipped.push(s),
            Outcome::Cancelled | Outcome::Failed(_) => {}
        }
        watch.lap(Stage::Merge);
        Ok(())
    })?;
    watch.restart();
    tables.finish()?;
    reporter.finish();
    if analyzed == 0 {
        bail!(
            "nothing could be analyzed: all {} input file(s) were skipped",
            skipped.len()
        );
    }
    skipped.sort();
    let (min_freq, min_cooc) = (settings.min_freq, settings.min_cooc);
    let options = CorpusOptions {
        min_freq,
        min_cooc,
        by_group,
    };
    let facts = corpus::write(&mut output, &totals.counts, totals.pairs, &skipped, options)?;
    watch.lap(Stage::Tables);
    if settings.timings {
        let wall = started.elapsed().as_secs_f64();
        let report = timing::report(&watch.timings, wall, bytes, analyzed, settings.jobs);
        output.write_json("run.json", &facts.with_counts(report, &totals.counts))?;
        eprintln!("{}", timing::lines(&watch.timings, wall, bytes));
    }
    if settings.xlsx {
        workbook::add_to(&mut output, settings.pipeline.style.excel, |m| {
            reporter.warn(m)
        })?;
    }
    cancel.check()?; // Last chance to stop before the tables replace the old ones.
    output.commit()?;
    let summary = Summary {
        analyzed,
        skipped: skipped.len(),
        warnings: reporter.warnings(),
    };
    if !settings.quiet {
        summary.print(started.elapsed().as_secs_f64(), &settings.output);
    }
    Ok(summary)
}
