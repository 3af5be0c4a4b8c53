//! `bokashi analyze`: discover → run the pipeline → write the corpus tables → commit.

use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::cli::Settings;
use crate::counts::pairs::SpillDir;
use crate::input::discover_excluding;
use crate::interrupt::Cancel;
use crate::pipeline::{Analyzer, Collected, thread_pool};
use crate::progress::{Reporter, Summary};
use crate::tables::corpus::{self, CorpusOptions};
use crate::tables::{Output, documents::DocTables, workbook};
use crate::timing::Stage;

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
    run.watch.restart();
    tables.finish()?;
    reporter.finish();
    run.finish()?;
    let (min_freq, min_cooc) = (settings.min_freq, settings.min_cooc);
    let identity = settings
        .pipeline
        .identity(json!({"min_freq": min_freq, "min_cooc": min_cooc}));
    let facts = if let Some(shard) = shard {
        let variables = analyzer.variables();
        run.part(shard, &identity, variables, totals)?
            .write(&mut output)?;
        None
    } else {
        let opts = CorpusOptions::new(min_freq, min_cooc, run.by_group);
        Some(corpus::write(&mut output, totals, &run.skipped, opts)?)
    };
    run.watch.lap(Stage::Tables);
    let mut manifest = run.manifest(identity);
    if let Some(s) = shard {
        manifest["shard"] = json!(format!("{}/{}", s.k, s.n));
    }
    output.write_json("manifest.json", &manifest)?;
    if settings.timings {
        let report = run.report(started, found.bytes(), settings.jobs);
        output.write_json(
            "run.json",
            &facts.map_or(report.clone(), |f| f.add_to(report)),
        )?;
    }
    if settings.xlsx {
        let excel = settings.pipeline.style.excel;
        workbook::add_to(&mut output, excel, |m| reporter.warn(m))?;
    }
    cancel.check()?; // Last chance to stop before the tables replace the old ones.
    output.commit()?;
    let summary = run.summary(reporter.warnings());
    if !settings.quiet {
        summary.print(started.elapsed().as_secs_f64(), &settings.output);
    }
    Ok(summary)
}
