//! `bokashi analyze`: discover → run the pipeline → write the corpus tables → commit.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cli::Settings;
use crate::counts::pairs::SpillDir;
use crate::interrupt::Cancel;
use crate::pipeline::{Analyzer, Collected};
use crate::progress::{Reporter, Summary};
use crate::tables::corpus::{self, CorpusOptions};
use crate::tables::{Output, documents::DocTables, workbook};
use crate::timing::{self, Stage};

pub(crate) fn run(settings: &Settings, cancel: &Cancel) -> Result<Summary> {
    let started = Instant::now();
    // Fail on an unusable output folder before any work is done.
    let mut output = Output::prepare(&settings.output, settings.pipeline.style)?;
    let outputs = std::slice::from_ref(&settings.output);
    let found =
        crate::input::discover_excluding(&settings.inputs, outputs, &|| cancel.is_cancelled());
    cancel.check()?; // Ctrl-C while the files were listed.
    found.require_inputs(&settings.inputs)?;
    let bytes = found.inputs.iter().map(|i| i.size).sum();
    let reporter = Reporter::new(settings.quiet, found.inputs.len(), bytes);
    let spill = SpillDir::new(output.staging());
    let analyzer = Analyzer::new(settings.pipeline.clone(), cancel.clone(), spill)?;
    let skips = found
        .skipped
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
    let mut run = Collected::new(found.skipped);
    let totals = analyzer.run(&found.inputs, &pool, &reporter, |outcome| {
        run.take(outcome, |rows| tables.append(rows))
    })?;
    run.watch.restart();
    tables.finish()?;
    reporter.finish();
    if run.analyzed == 0 {
        bail!(
            "nothing could be analyzed: all {} input file(s) were skipped",
            run.skipped.len()
        );
    }
    run.skipped.sort();
    let (min_freq, min_cooc, by_group) = (settings.min_freq, settings.min_cooc, run.by_group);
    let options = CorpusOptions {
        min_freq,
        min_cooc,
        by_group,
    };
    let facts = corpus::write(
        &mut output,
        &totals.counts,
        totals.pairs,
        &run.skipped,
        options,
    )?;
    run.watch.lap(Stage::Tables);
    if settings.timings {
        let (times, wall) = (&run.watch.timings, started.elapsed().as_secs_f64());
        let report = timing::report(times, wall, bytes, run.analyzed, settings.jobs);
        output.write_json("run.json", &facts.with_counts(report, &totals.counts))?;
        eprintln!("{}", timing::lines(times, wall, bytes));
    }
    if settings.xlsx {
        workbook::add_to(&mut output, settings.pipeline.style.excel, |m| {
            reporter.warn(m)
        })?;
    }
    cancel.check()?; // Last chance to stop before the tables replace the old ones.
    output.commit()?;
    let (analyzed, skipped, warnings) = (run.analyzed, run.skipped.len(), reporter.warnings());
    let summary = Summary {
        analyzed,
        skipped,
        warnings,
    };
    if !settings.quiet {
        summary.print(started.elapsed().as_secs_f64(), &settings.output);
    }
    Ok(summary)
}
