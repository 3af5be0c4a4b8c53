//! `bokashi analyze`: discover → run the pipeline → write the corpus tables → commit.

use std::time::Instant;

use anyhow::Result;

use crate::cli::Settings;
use crate::counts::pairs::SpillDir;
use crate::input::discover_excluding;
use crate::interrupt::Cancel;
use crate::pipeline::{Analyzer, Collected, thread_pool};
use crate::progress::{Reporter, Summary};
use crate::report;
use crate::tables::{Output, documents::DocTables, workbook};

pub(crate) fn run(settings: &Settings, cancel: &Cancel) -> Result<Summary> {
    let started = Instant::now();
    // Fail on an unusable output folder before any work is done.
    let mut output = Output::prepare(&settings.output, settings.pipeline.style)?;
    let excluded = std::slice::from_ref(&settings.output);
    let mut found = discover_excluding(&settings.inputs, excluded, &|| cancel.is_cancelled());
    cancel.check()?; // Ctrl-C while the files were listed.
    let variables = found.prepare(&settings.pipeline.read)?;
    found.require_inputs(&settings.inputs)?;
    let reporter = Reporter::new(settings.quiet, found.inputs.len(), found.bytes());
    let spill = SpillDir::new(output.staging());
    let analyzer = Analyzer::new(settings.pipeline.clone(), cancel.clone(), spill, variables)?;
    let warnings: Vec<String> = found.warnings().chain(analyzer.lint()).collect();
    warnings.iter().for_each(|m| reporter.warn(m));
    // Per-document tables stream in document order; corpus tables come from the counts.
    let mut tables = DocTables::create(&mut output, analyzer.variables())?;
    let shard = settings.pipeline.read.shard;
    let mut run = Collected::new(std::mem::take(&mut found.skipped), shard.is_some());
    let pool = thread_pool(settings.jobs)?;
    let totals = analyzer.run(&found.inputs, &pool, &reporter, |outcome| {
        run.take(outcome, |rows| tables.append(rows))
    })?;
    run.finish()?; // (its clock restarts: the tables' time starts here)
    tables.finish()?;
    reporter.finish();
    let (config, vars) = (&settings.pipeline, analyzer.variables());
    let mins = (settings.min_freq, settings.min_cooc);
    let facts = run.write(&mut output, totals, config, vars, mins)?;
    if settings.timings {
        let report = run.report(started, found.bytes(), settings.jobs, facts);
        output.write_json("run.json", &report)?;
    }
    if settings.xlsx {
        let excel = settings.pipeline.style.excel;
        workbook::add_to(&mut output, excel, |m| reporter.warn(m))?;
    }
    if settings.report {
        report::add_to(&mut output, settings.pipeline.style.excel)?;
    }
    cancel.check()?; // Last chance to stop before the tables replace the old ones.
    output.commit()?;
    let summary = run.summary(reporter.warnings());
    summary.print(
        settings.quiet,
        started.elapsed().as_secs_f64(),
        &settings.output,
    );
    Ok(summary)
}
