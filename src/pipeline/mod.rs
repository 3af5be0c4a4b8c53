//! The pipeline that ties the stages together for each document:
//! read and decode → split into sentences → normalize → tokenize → extract → counts.
//!
//! Documents are processed in bounded batches on the rayon pool. Each worker holds a
//! [`Scratch`] (tokenizer buffers, feature cache, row encoders, its co-occurrence
//! [`PairStore`]) leased from a small pool, so caches stay warm from batch to batch. A
//! document is counted under local ids; once it is complete its counts are folded into
//! the one shared [`CorpusCounts`] (a lock taken once per document, never per token) and
//! its pairs into the worker's store, and its rows are rendered to CSV bytes on the
//! worker. The caller only appends those bytes, in document order, before the next batch
//! starts. Memory is bounded by the batch, the vocabulary and the pair budget, and every
//! table comes out the same whatever the number of threads (counts commute; every
//! corpus table is sorted by its values and texts, never by ids).

mod config;
mod document;
mod jobs;
mod window;

pub use config::Config;
pub use document::DocAnalysis;
use document::DocError;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::counts::pairs::{PairStore, SpillDir};
use crate::counts::{CorpusCounts, DocCounts, DocTotals, Totals};
use crate::input::{self, Input, SkipReason, Skipped};
use crate::interrupt::Cancel;
use crate::morph::tokenize::Tokenizer;
use crate::progress::Reporter;
use crate::resources::Stopwords;
use crate::stages::compliance::Compliance;
use crate::stages::stance::StanceMatcher;
use crate::stages::stance::lexicon::{ClaimWords, Lexicon};
use crate::stages::terms::TermExtractor;
use crate::timing::Stage;
use document::DocWorker;
use jobs::{Job, Jobs};

/// What happened to one input.
#[derive(Debug)]
pub enum Outcome {
    Analyzed(Box<DocAnalysis>),
    Skipped(Skipped),
    /// Not analyzed because the run was interrupted.
    Cancelled,
    /// The run cannot go on (the co-occurrence pairs could not be spilled to disk).
    Failed(anyhow::Error),
}

/// What the caller of [`Analyzer::run`] keeps of the outcomes, in input order.
pub(crate) struct Collected {
    pub(crate) analyzed: usize,
    /// Whether any analyzed document has a group.
    pub(crate) by_group: bool,
    pub(crate) skipped: Vec<Skipped>,
    /// Time spent in each stage: the documents' parallel stages, and the writer's.
    pub(crate) watch: crate::timing::Stopwatch,
    /// The digest of every analyzed document's id and text, in document order, and
    /// their bytes (manifest.json).
    inputs: blake3::Hasher,
    bytes: u64,
    /// Every analyzed document, for a shard's part (kept only with `--shard`).
    pub(crate) docs: Option<Vec<crate::tables::part::DocEntry>>,
}

impl Collected {
    /// Outcomes to collect, after the inputs `skipped` when listed; `docs` keeps every
    /// analyzed document's entry (for a shard's part).
    pub(crate) fn new(skipped: Vec<Skipped>, docs: bool) -> Self {
        Collected {
            analyzed: 0,
            by_group: false,
            skipped,
            watch: crate::timing::Stopwatch::start(),
            inputs: blake3::Hasher::new(),
            bytes: 0,
            docs: docs.then(Vec::new),
        }
    }

    /// After the run: refuse a run where nothing could be analyzed; sort the skipped
    /// inputs as `skipped.csv` lists them.
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.watch.restart();
        // A shard may rightly hold no document: the merge still needs its part.
        if self.analyzed == 0 && self.docs.is_none() {
            anyhow::bail!(
                "nothing could be analyzed: all {} input file(s) were skipped",
                self.skipped.len()
            );
        }
        self.skipped.sort();
        Ok(())
    }

    /// run.json's report (and the `--timings` line on stderr) for a run that began at
    /// `started` over `bytes` of input on `threads` threads.
    pub(crate) fn report(
        &self,
        started: Instant,
        bytes: u64,
        threads: usize,
        facts: Option<crate::tables::corpus::CorpusFacts>,
    ) -> serde_json::Value {
        let (times, wall) = (&self.watch.timings, started.elapsed().as_secs_f64());
        eprintln!("{}", crate::timing::lines(times, wall, bytes));
        let report = crate::timing::report(times, wall, bytes, self.analyzed, threads);
        match facts {
            Some(facts) => facts.add_to(report),
            None => report,
        }
    }

    /// manifest.json: what made the tables (versions, digests of the dictionary and the
    /// editable files, the options that change them) and what they hold (documents,
    /// bytes, a digest of every document's id and text). No clock: the same run gives the
    /// same file.
    pub(crate) fn manifest(&self, identity: serde_json::Value) -> serde_json::Value {
        let digest = self.inputs.finalize();
        manifest(
            identity,
            self.analyzed,
            self.skipped.len(),
            self.bytes,
            digest,
        )
    }

    /// Write what comes from the counts: the corpus tables, or with `--shard` the part for
    /// `bokashi merge`; then manifest.json. Returns what the corpus tables found (for
    /// run.json). `mins`: `--min-freq`, `--min-cooc`.
    pub(crate) fn write(
        &mut self,
        output: &mut crate::tables::Output,
        totals: Totals,
        config: &Config,
        variables: &[String],
        mins: (u64, u64),
    ) -> Result<Option<crate::tables::corpus::CorpusFacts>> {
        use crate::tables::corpus::{self, CorpusOptions};
        let (min_freq, min_cooc) = mins;
        let identity =
            config.identity(serde_json::json!({"min_freq": min_freq, "min_cooc": min_cooc}));
        let shard = config.read.shard;
        let facts = match shard {
            Some(shard) => {
                self.part(shard, &identity, variables, totals)?
                    .write(output)?;
                None
            }
            None => {
                let opts = CorpusOptions::new(min_freq, min_cooc, self.by_group);
                Some(corpus::write(output, totals, &self.skipped, opts)?)
            }
        };
        self.watch.lap(Stage::Tables);
        let mut manifest = self.manifest(identity);
        if let Some(s) = shard {
            manifest["shard"] = serde_json::json!(format!("{}/{}", s.k, s.n));
        }
        output.write_json("manifest.json", &manifest)?;
        Ok(facts)
    }

    /// A shard's part: its documents, skipped inputs and counts, for `bokashi merge`.
    pub(crate) fn part(
        &mut self,
        shard: crate::input::Shard,
        identity: &serde_json::Value,
        variables: &[String],
        totals: Totals,
    ) -> Result<crate::tables::part::PartState> {
        let pairs = crate::counts::pairs::PairMerge::of(totals.pairs)?;
        Ok(crate::tables::part::PartState {
            format: crate::tables::part::PART_FORMAT,
            shard: (shard.k, shard.n),
            identity: identity.to_string(),
            variables: variables.to_vec(),
            by_group: self.by_group,
            docs: self.docs.take().unwrap_or_default(),
            skipped: self
                .skipped
                .iter()
                .map(|s| (s.path.clone(), s.reason.to_string()))
                .collect(),
            counts: crate::counts::state::CountsState::of(&totals.counts, pairs)?,
        })
    }

    /// The summary line's figures.
    pub(crate) fn summary(&self, warnings: usize) -> crate::progress::Summary {
        crate::progress::Summary {
            analyzed: self.analyzed,
            skipped: self.skipped.len(),
            warnings,
        }
    }

    /// Keep one outcome; an analyzed document's rows go to `write`.
    pub(crate) fn take(
        &mut self,
        outcome: Outcome,
        write: impl FnOnce(&crate::tables::documents::Rendered) -> Result<()>,
    ) -> Result<()> {
        use crate::counts::Merge;
        self.watch.restart();
        match outcome {
            Outcome::Analyzed(doc) => {
                self.analyzed += 1;
                self.by_group |= !doc.row.group.is_empty();
                self.watch.timings.merge(doc.timings);
                self.inputs.update(doc.row.doc.as_bytes());
                self.inputs.update(&[0]);
                self.inputs.update(&doc.digest);
                self.bytes += doc.bytes;
                if let Some(docs) = &mut self.docs {
                    let (input, row) = doc.seq;
                    docs.push((input, row, doc.row.doc.clone(), doc.digest, doc.bytes));
                }
                write(&doc.rendered)?;
            }
            Outcome::Skipped(s) => self.skipped.push(s),
            Outcome::Cancelled | Outcome::Failed(_) => {}
        }
        self.watch.lap(Stage::Merge);
        Ok(())
    }
}

/// manifest.json: the run's identity (see [`Config::identity`]) and what its tables hold.
pub(crate) fn manifest(
    mut identity: serde_json::Value,
    documents: usize,
    skipped: usize,
    bytes: u64,
    inputs: blake3::Hash,
) -> serde_json::Value {
    identity["documents"] = serde_json::json!(documents);
    identity["skipped"] = serde_json::json!(skipped);
    identity["bytes"] = serde_json::json!(bytes);
    identity["inputs_blake3"] = serde_json::json!(inputs.to_hex().as_str());
    identity
}

/// The worker threads of a run.
pub(crate) fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    use anyhow::Context;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    pool.context("starting worker threads")
}

/// The read-only state shared by all workers: the tokenizer, each stage's shared part,
/// and the corpus counts every worker folds its documents into.
pub struct Analyzer {
    config: Config,
    tokenizer: Tokenizer,
    stance: StanceMatcher,
    compliance: Compliance,
    terms: TermExtractor,
    /// Raised by Ctrl-C/SIGTERM: stop at the next document (or the next few hundred
    /// sentences of a long one).
    cancel: Cancel,
    /// The corpus's document variables: the columns after documents.csv's own.
    variables: Vec<String>,
    /// Where pair runs and long documents' rows are spilled (the output's staging folder
    /// for `analyze`).
    spill: Arc<SpillDir>,
    counts: Mutex<CorpusCounts>,
}

/// A worker's state: its document worker and the pairs of every document it analyzed.
pub(crate) struct Scratch<'a> {
    worker: DocWorker<'a>,
    pub pairs: PairStore,
}

/// A [`Scratch`] taken from the pool for one rayon job, put back when the job ends.
struct Lease<'p, 'a> {
    pool: &'p Mutex<Vec<Scratch<'a>>>,
    scratch: Option<Scratch<'a>>,
}

impl Drop for Lease<'_, '_> {
    fn drop(&mut self) {
        if let (Some(s), Ok(mut pool)) = (self.scratch.take(), self.pool.lock()) {
            pool.push(s);
        }
    }
}

impl Analyzer {
    /// Build the tokenizer and compile the stopwords, lexicon and claim words `config`
    /// names. `cancel` stops a run; spilled pairs and rows go under `spill`.
    pub(crate) fn new(
        config: Config,
        cancel: Cancel,
        spill: Arc<SpillDir>,
        variables: Vec<String>,
    ) -> Result<Self> {
        let tokenizer = Tokenizer::new(&config.user_dictionaries)?;
        let claims = ClaimWords::parse(&config.claim_words)?;
        let lexicon = Lexicon::compile(&config.lexicon, claims, &tokenizer)?;
        let compliance = Compliance::compile(&config.compliance_rules, &lexicon, &tokenizer)?;
        let terms = TermExtractor {
            stopwords: Stopwords::parse(&config.stopwords)?,
            compounds: config.compounds,
        };
        Ok(Analyzer {
            stance: StanceMatcher::new(lexicon)?,
            compliance,
            terms,
            tokenizer,
            config,
            cancel,
            variables,
            spill,
            counts: Mutex::default(),
        })
    }

    /// An analyzer not tied to an output folder: spilled pairs and rows go to the
    /// system's temporary folder, and nothing cancels it.
    pub fn standalone(config: Config) -> Result<Self> {
        let spill = SpillDir::new(&std::env::temp_dir());
        Analyzer::new(config, Cancel::default(), spill, Vec::new())
    }

    /// The corpus's document variables (documents.csv's columns after its own).
    pub(crate) fn variables(&self) -> &[String] {
        &self.variables
    }

    pub(crate) fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    pub(crate) fn stance(&self) -> &StanceMatcher {
        &self.stance
    }

    pub(crate) fn compliance(&self) -> &Compliance {
        &self.compliance
    }

    /// Warnings about entries of a user's lexicon or claim words that can never fire
    /// (none for the built-in files, which a test checks).
    pub(crate) fn lint(&self) -> Vec<String> {
        let mut warnings = if self.config.has_user_lexicon() {
            self.stance.lint(&self.tokenizer)
        } else {
            Vec::new()
        };
        warnings.extend(self.compliance.rules.warnings.iter().cloned());
        warnings
    }

    pub(crate) fn scratch(&self) -> Scratch<'_> {
        Scratch {
            worker: DocWorker::new(self),
            pairs: PairStore::new(self.config.pair_budget, self.spill.clone()),
        }
    }

    /// Fold a complete document's counts into the corpus counts; `ids` receives the corpus
    /// id of each of its local ids.
    fn fold(&self, doc: &mut DocCounts, group: &str, totals: &DocTotals, ids: &mut Vec<u32>) {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .fold(doc, group, totals, ids);
    }

    /// Take the corpus counts gathered so far (leaving none).
    fn take_counts(&self) -> CorpusCounts {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Analyze one decoded document: render its rows and fold its counts into the corpus
    /// counts and `scratch.pairs`.
    pub(crate) fn analyze<'a>(
        &'a self,
        scratch: &mut Scratch<'a>,
        doc: &input::Document,
    ) -> Result<DocAnalysis, DocError> {
        let pairs = &mut scratch.pairs;
        scratch.worker.analyze(self, doc, |counts, ids| {
            pairs.add_doc(counts, ids).map_err(DocError::Fatal)
        })
    }

    /// Read (or take), decode and analyze one job, turning every failure (a panic
    /// included) into a skipped entry.
    fn process<'a>(
        &'a self,
        scratch: &mut Scratch<'a>,
        job: Job<'_>,
        reporter: &Reporter,
    ) -> Outcome {
        if self.cancel.is_cancelled() {
            return Outcome::Cancelled;
        }
        let (display, seq) = match &job {
            Job::File(input, seq) => (input.display.clone(), *seq),
            Job::Row(_, row, seq) => (row.display.clone(), *seq),
            Job::Skipped(s) => (s.path.clone(), (0, 0)),
        };
        let skip = |reason: SkipReason| {
            reporter.warn(format_args!("skipping {display}: {reason}"));
            Outcome::Skipped(Skipped {
                path: display.clone(),
                reason,
            })
        };
        let started = Instant::now();
        let group_by = self.config.read.group_by.as_deref();
        let doc = match job {
            Job::File(input, _) => match input::read_with(input, group_by) {
                Ok(doc) => doc,
                Err(reason) => return skip(reason),
            },
            Job::Row(input, row, _) => input::Document::of_row(input, *row, group_by),
            Job::Skipped(s) => return skip(s.reason),
        };
        let read_time = started.elapsed();
        if doc.decoded.replacements > 0 {
            reporter.warn(format_args!(
                "{display}: {} invalid byte sequence(s) replaced with U+FFFD (decoded as {})",
                doc.decoded.replacements, doc.decoded.encoding
            ));
        }
        match catch_unwind(AssertUnwindSafe(|| self.analyze(scratch, &doc))) {
            Ok(Ok(mut analysis)) => {
                analysis.timings.add_to(Stage::Read, read_time);
                analysis.seq = seq;
                Outcome::Analyzed(Box::new(analysis))
            }
            Ok(Err(DocError::Interrupted)) => Outcome::Cancelled,
            Ok(Err(DocError::Fatal(e))) => Outcome::Failed(e),
            Ok(Err(DocError::Failed(e))) => skip(SkipReason::Failed(format!("{e:#}"))),
            Err(_) => {
                // The buffers may be half-updated: start them afresh. The counts are
                // intact, as a document's counts are added only once it is complete.
                scratch.worker = DocWorker::new(self);
                skip(SkipReason::Panicked)
            }
        }
    }

    /// Run every input through the pipeline in bounded batches on `pool`, handing each
    /// outcome to `each` in input order; return the counts of the whole corpus.
    /// A [`Outcome::Failed`] document stops the run with its error.
    pub fn run(
        &self,
        inputs: &[Input],
        pool: &rayon::ThreadPool,
        reporter: &Reporter,
        mut each: impl FnMut(Outcome) -> Result<()>,
    ) -> Result<Totals> {
        let scratches: Mutex<Vec<Scratch<'_>>> = Mutex::new(Vec::new());
        let lease = || Lease {
            pool: &scratches,
            scratch: Some(
                scratches
                    .lock()
                    .ok()
                    .and_then(|mut p| p.pop())
                    .unwrap_or_else(|| self.scratch()),
            ),
        };
        let analyze_batch = |batch: Vec<Job<'_>>| -> Vec<Outcome> {
            pool.install(|| {
                batch
                    .into_par_iter()
                    .map_init(lease, |lease, job| match lease.scratch.as_mut() {
                        Some(scratch) => self.process(scratch, job, reporter),
                        None => Outcome::Cancelled,
                    })
                    .collect()
            })
        };
        // While the pool analyzes a batch, this thread hands out the one before it (the
        // writing) and forms the next (reading a table when one comes), so that the
        // workers never wait for the writer.
        let mut jobs = Jobs::new(inputs, &self.config.read.table, self.config.read.shard);
        let mut done = 0;
        let mut previous: Vec<Outcome> = Vec::new();
        let mut batch = jobs.next_batch();
        while !batch.is_empty() {
            let (size, count) = (batch.iter().map(Job::size).sum(), batch.len());
            let (outcomes, handed, next) = std::thread::scope(|s| {
                let analyzing = s.spawn(|| analyze_batch(batch));
                let handed = hand_out(std::mem::take(&mut previous), &mut each);
                let next = if handed.is_ok() {
                    jobs.next_batch()
                } else {
                    Vec::new()
                };
                (analyzing.join(), handed, next)
            });
            handed?;
            let outcomes = outcomes
                .map_err(|_| anyhow::anyhow!("a worker thread panicked outside any document"))?;
            self.cancel.check()?;
            done += count;
            reporter.advance(size, done);
            previous = outcomes;
            batch = next;
        }
        hand_out(previous, &mut each)?;
        let scratches = scratches
            .into_inner()
            .map_err(|_| anyhow::anyhow!("a worker panicked while holding its counts"))?;
        Ok(Totals {
            counts: self.take_counts(),
            pairs: scratches.into_iter().map(|s| s.pairs).collect(),
        })
    }
}

/// Hand `outcomes` to `each` in order; a [`Outcome::Failed`] document stops the run.
fn hand_out(outcomes: Vec<Outcome>, each: &mut impl FnMut(Outcome) -> Result<()>) -> Result<()> {
    for outcome in outcomes {
        if let Outcome::Failed(e) = outcome {
            return Err(e);
        }
        each(outcome)?;
    }
    Ok(())
}
