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

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::cli::Settings;
use crate::counts::pairs::{PairStore, SpillDir, Unit};
use crate::counts::{CorpusCounts, DocCounts};
use crate::input::{self, Document, Input, Skipped};
use crate::interrupt::{Cancel, Interrupted};
use crate::morph::tokenize::{FeatureCache, Token, Tokenizer, Worker};
use crate::progress::Reporter;
use crate::resources::Stopwords;
use crate::stages::numbers::{self, NumberOcc};
use crate::stages::stance::lexicon::{ClaimWords, CueStance, Lexicon};
use crate::stages::stance::{Cue, SentenceStance, StanceMatcher, StanceScratch};
use crate::stages::terms::{SentenceTerms, TermExtractor};
use crate::tables::rows::{CueRow, DocTermRow, DocumentRow, NumberRow, SentenceRow};
use crate::tables::{CsvStyle, RowEncoder};
use crate::text::normalize::Normalized;
use crate::text::sentence;
use crate::timing::{Stage, Timings};

/// A batch closes when it holds this many bytes of input …
const BATCH_BYTES: u64 = 8 * 1024 * 1024;
/// … or this many documents.
const BATCH_DOCS: usize = 256;

/// The per-document tables, rendered as CSV rows.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub documents: Vec<u8>,
    pub doc_terms: Vec<u8>,
    pub numbers: Vec<u8>,
    pub sentences: Vec<u8>,
    pub cues: Vec<u8>,
    /// For a long document, the first of its numbers, sentences and cues rows, written to
    /// temporary files as they were rendered; the writer copies them before the rows in
    /// memory.
    pub spilled: Option<Arc<std::sync::Mutex<SpilledRows>>>,
}

/// The rows of a long document spilled to anonymous temporary files (numbers, sentences,
/// cues), so that memory does not grow with the size of one document.
#[derive(Debug)]
pub struct SpilledRows {
    pub files: [std::fs::File; 3],
}

impl SpilledRows {
    /// Copy each file, from its start, to its table (`append` is called with chunks).
    pub fn copy_into(&mut self, mut append: impl FnMut(usize, &[u8]) -> Result<()>) -> Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut chunk = vec![0u8; 1 << 20];
        for (i, file) in self.files.iter_mut().enumerate() {
            file.seek(SeekFrom::Start(0))
                .context("reading spilled rows")?;
            loop {
                let n = file.read(&mut chunk).context("reading spilled rows")?;
                if n == 0 {
                    break;
                }
                append(i, &chunk[..n])?;
            }
        }
        Ok(())
    }
}

/// What the pipeline hands on for one analyzed document: its documents.csv row, its
/// rendered per-document rows and its timings. (Its counts went into the corpus store and its worker's pair store.)
#[derive(Debug, Clone, Default)]
pub struct DocAnalysis {
    pub row: DocumentRow,
    pub rendered: Rendered,
    /// Time this document spent in each parallel stage.
    pub timings: Timings,
}

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

/// An error that stops the whole run rather than skipping one document.
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Fatal {}

/// What a run counted: the corpus counts and every worker's co-occurrence pairs.
pub struct Totals {
    pub counts: CorpusCounts,
    pub pairs: Vec<PairStore>,
}

/// The read-only state shared by all workers.
pub struct Analyzer {
    pub tokenizer: Tokenizer,
    pub stopwords: Stopwords,
    /// Join noun runs into compound terms.
    pub compounds: bool,
    pub stance: StanceMatcher,
    pub cooc_unit: Unit,
    pub style: CsvStyle,
    /// Raised by Ctrl-C/SIGTERM: stop at the next document (or the next few hundred
    /// sentences of a long one).
    pub cancel: Cancel,
    /// Bytes of co-occurrence pairs each worker keeps in memory before spilling.
    pub pair_budget: usize,
    /// Bytes of one document's rendered rows kept in memory before they are spilled.
    pub row_budget: usize,
    /// Where pair runs are spilled (the output's staging folder for `analyze`).
    pub spill: Arc<SpillDir>,
    /// The corpus-wide counts, which every worker folds its documents into.
    counts: Mutex<CorpusCounts>,
}

/// Per-worker buffers, reused from document to document.
pub struct Buffers<'a> {
    worker: Worker<'a>,
    cache: FeatureCache<'a>,
    classes: Vec<u8>,
    /// The window of sentences normalized and tokenized ahead of the other stages.
    window: Window,
    terms: SentenceTerms,
    numerals: Vec<std::ops::Range<usize>>,
    numbers: Vec<NumberOcc>,
    stance: StanceScratch<'a>,
    cues: Vec<Cue<'a>>,
    encoders: [RowEncoder; 5],
    /// Per-document counts, cleared and reused so their maps keep their capacity.
    doc: DocCounts,
    /// Corpus id of each local id of the document.
    ids: Vec<u32>,
}

/// Sentences a window holds at most, and the text length after which it takes no more:
/// enough to amortize the switch between the lattice and the other stages, small enough
/// that a window's tokens stay in cache and its memory does not grow with the document.
const WINDOW_SENTENCES: usize = 64;
const WINDOW_BYTES: usize = 16 * 1024;

/// One sentence of a window: its normalized text, URL spans, tokens and their
/// feature-cache slots; then what the stages found that its rows need.
#[derive(Default)]
struct Tokenized {
    norm: Normalized,
    urls: Vec<std::ops::Range<usize>>,
    tokens: Vec<Token>,
    slots: Vec<u32>,
    stance: SentenceStance,
    /// The normalized byte ranges of its cues: their words are left out of
    /// `stance_terms.csv`, which is about what the sentence hedges or asserts.
    cue_spans: Vec<std::ops::Range<usize>>,
    hedges: u64,
    absolutes: u64,
    numbers: u64,
}

/// The sentences tokenized ahead of the extraction stages; its buffers are reused.
#[derive(Default)]
struct Window {
    sentences: Vec<Tokenized>,
}

impl Window {
    /// Normalize, tokenize and look up the features of the first of `sentences` (ranges
    /// of `text`) up to the window's limits; returns how many (at least one, if any).
    fn fill<'a>(
        &mut self,
        text: &str,
        sentences: &[std::ops::Range<usize>],
        worker: &mut Worker<'a>,
        cache: &mut FeatureCache<'a>,
        times: &mut Timings,
        clock: &mut Instant,
    ) -> Result<usize> {
        let (mut n, mut bytes) = (0, 0);
        for range in sentences {
            if n == WINDOW_SENTENCES || bytes >= WINDOW_BYTES {
                break;
            }
            let source = &text[range.clone()];
            bytes += source.len();
            if self.sentences.len() == n {
                self.sentences.push(Tokenized::default());
            }
            let s = &mut self.sentences[n];
            s.norm.rebuild(source);
            // URLs and e-mail addresses: neither terms nor numbers.
            s.urls = numbers::url_spans(&s.norm.text);
            n += 1;
        }
        times.lap(Stage::Normalize, clock);
        for s in &mut self.sentences[..n] {
            worker.tokenize(&s.norm.text, &mut s.tokens)?;
            cache.all(&s.tokens, &mut s.slots);
        }
        times.lap(Stage::Tokenize, clock);
        Ok(n)
    }
}

/// A worker's state: its buffers and the pairs of every document it analyzed.
pub struct Scratch<'a> {
    buffers: Buffers<'a>,
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
    /// Build the tokenizer and compile the lexicon the settings name.
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        let tokenizer = Tokenizer::new(&settings.user_dictionaries)?;
        let claims = ClaimWords::parse(&settings.claim_words)?;
        let lexicon = Lexicon::compile(&settings.lexicon, claims, &tokenizer)?;
        Ok(Analyzer {
            stance: StanceMatcher::new(lexicon)?,
            tokenizer,
            stopwords: settings.stopwords.clone(),
            compounds: settings.compounds,
            cooc_unit: settings.cooc_unit,
            style: settings.style,
            cancel: Cancel::default(),
            pair_budget: settings.pair_budget,
            row_budget: settings.row_budget,
            spill: SpillDir::new(&std::env::temp_dir()),
            counts: Mutex::default(),
        })
    }

    fn buffers(&self) -> Buffers<'_> {
        Buffers {
            worker: self.tokenizer.worker(),
            cache: FeatureCache::new(&self.tokenizer),
            classes: Vec::new(),
            window: Window::default(),
            terms: SentenceTerms::default(),
            numerals: Vec::new(),
            numbers: Vec::new(),
            stance: StanceScratch::default(),
            cues: Vec::new(),
            encoders: std::array::from_fn(|_| RowEncoder::new(self.style)),
            doc: DocCounts::default(),
            ids: Vec::new(),
        }
    }

    pub fn scratch(&self) -> Scratch<'_> {
        Scratch {
            buffers: self.buffers(),
            pairs: PairStore::new(self.pair_budget, self.spill.clone()),
        }
    }

    /// Take the corpus counts gathered so far (leaving none).
    pub fn take_counts(&self) -> CorpusCounts {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Analyze one decoded document: render its rows and fold its counts into the corpus
    /// counts and `scratch.pairs`. The counts are added only once the document is
    /// complete.
    pub fn analyze<'a>(&'a self, scratch: &mut Scratch<'a>, doc: &Document) -> Result<DocAnalysis> {
        let b = &mut scratch.buffers;
        let text = doc.decoded.text.as_str();
        let mut row = DocumentRow {
            doc: doc.input.doc.clone(),
            group: doc.input.group.clone(),
            chars: visible_chars(text),
            ..DocumentRow::default()
        };
        let extractor = TermExtractor {
            stopwords: &self.stopwords,
            compounds: self.compounds,
        };
        b.doc.clear();
        let mut numbers_total = 0u64;
        let mut timings = Timings::default();
        let times = &mut timings;
        let mut clock = Instant::now();
        let doc_id = doc.input.doc.as_str();
        let [_, _, enc_numbers, enc_sentences, enc_cues] = &mut b.encoders;
        let mut spilled: Option<SpilledRows> = None;
        let sentences = sentence::split(text);
        row.sentences = sentences.len() as u64;
        times.lap(Stage::Normalize, &mut clock);
        // A window of sentences is normalized and tokenized, then each stage runs over the
        // whole window before the next: the lattice's dictionary and cost matrix, and each
        // stage's own tables, stay in cache while they are used, instead of being evicted
        // by the other stages after every sentence.
        let mut first = 0;
        while first < sentences.len() {
            self.cancel.check()?;
            let n = b.window.fill(
                text,
                &sentences[first..],
                &mut b.worker,
                &mut b.cache,
                times,
                &mut clock,
            )?;
            let window = &mut b.window.sentences[..n];
            let cache = &b.cache;
            let sources = &sentences[first..first + n];
            let sentence_no = |i: usize| (first + i + 1) as u64;

            // Stance, and the cue rows.
            for (i, s) in window.iter_mut().enumerate() {
                let source = &text[sources[i].clone()];
                s.stance = self.stance.analyze(
                    &s.norm.text,
                    &s.tokens,
                    cache.morphs(&s.slots),
                    &mut b.stance,
                    &mut b.cues,
                );
                (s.hedges, s.absolutes) = (0, 0);
                s.cue_spans.clear();
                s.cue_spans.extend(b.cues.iter().map(|c| c.range.clone()));
                for cue in &b.cues {
                    match cue.stance {
                        CueStance::Hedge => s.hedges += 1,
                        CueStance::Absolute => s.absolutes += 1,
                    }
                    b.doc.add_cue(cue.stance, &cue.category, &cue.cue);
                    enc_cues.encode(&CueRow {
                        doc: doc_id,
                        sentence_no: sentence_no(i),
                        stance: cue.stance,
                        category: &cue.category,
                        cue: &cue.cue,
                        surface: &source[s.norm.source_range(cue.range.clone())],
                    })?;
                }
                match s.stance {
                    SentenceStance::Hedged => row.hedged_sentences += 1,
                    SentenceStance::Absolute => row.absolute_sentences += 1,
                    SentenceStance::Mixed => row.mixed_sentences += 1,
                    SentenceStance::Neutral => row.neutral_sentences += 1,
                }
                row.hedge_cues += s.hedges;
                row.absolute_cues += s.absolutes;
            }
            times.lap(Stage::Stance, &mut clock);

            // Terms, counted with their sentence's stance and in their co-occurrence unit.
            for s in window.iter() {
                row.tokens += s.tokens.len() as u64;
                b.terms.clear();
                extractor.extract(
                    &s.norm.text,
                    &s.tokens,
                    cache.morphs(&s.slots),
                    &mut b.classes,
                    &s.urls,
                    &mut b.terms,
                );
                b.doc.add_sentence(&b.terms);
                let cue_texts = s
                    .cue_spans
                    .iter()
                    .filter_map(|r| s.norm.text.get(r.clone()));
                b.doc.end_sentence(
                    match s.stance {
                        SentenceStance::Hedged => Some(0),
                        SentenceStance::Absolute => Some(1),
                        SentenceStance::Mixed | SentenceStance::Neutral => None,
                    },
                    cue_texts,
                );
                if self.cooc_unit == Unit::Sentence {
                    b.doc.end_unit();
                }
            }
            times.lap(Stage::Terms, &mut clock);

            // Numbers: the window's occurrences one after the other, each sentence's count
            // telling whose they are.
            b.numbers.clear();
            for s in window.iter_mut() {
                b.numerals.clear();
                b.numerals.extend(
                    s.tokens
                        .iter()
                        .zip(cache.morphs(&s.slots).iter())
                        .filter(|(_, f)| f.numeral)
                        .map(|(t, _)| t.range()),
                );
                let before = b.numbers.len();
                numbers::extract_with_urls(&s.norm.text, &b.numerals, &s.urls, &mut b.numbers);
                s.numbers = (b.numbers.len() - before) as u64;
            }
            times.lap(Stage::Numbers, &mut clock);

            // The number and sentence rows.
            let mut occs = b.numbers.iter();
            for (i, s) in window.iter().enumerate() {
                let source = &text[sources[i].clone()];
                let as_written = |r: std::ops::Range<usize>| &source[s.norm.source_range(r)];
                for occ in occs.by_ref().take(s.numbers as usize) {
                    enc_numbers.encode(&NumberRow {
                        doc: doc_id,
                        sentence_no: sentence_no(i),
                        surface: as_written(occ.range.clone()),
                        value_min: occ.value_min.number_cell(),
                        value_max: occ.value_max.number_cell(),
                        unit: occ.unit,
                        kind: occ.kind,
                        qualifier: occ.qualifier_text(),
                        stance: s.stance.as_str(),
                        analyte: occ.analyte.as_deref().unwrap_or_default(),
                        per: occ.per.unwrap_or_default(),
                        claim: if occ.outcome { "outcome" } else { "" },
                        date: occ.date_cell(),
                    })?;
                }
                numbers_total += s.numbers;
                enc_sentences.encode(&SentenceRow {
                    doc: doc_id,
                    sentence_no: sentence_no(i),
                    stance: s.stance,
                    hedge_cues: s.hedges,
                    absolute_cues: s.absolutes,
                    numbers: s.numbers,
                    text: source,
                })?;
            }
            times.lap(Stage::Rows, &mut clock);
            first += n;
            // A long document's rows go to temporary files as they are made.
            let buffered = enc_numbers.len() + enc_sentences.len() + enc_cues.len();
            if buffered > self.row_budget {
                if spilled.is_none() {
                    spilled = Some(SpilledRows {
                        files: [
                            self.spill.anonymous()?,
                            self.spill.anonymous()?,
                            self.spill.anonymous()?,
                        ],
                    });
                }
                if let Some(rows) = spilled.as_mut() {
                    for (enc, file) in [&mut *enc_numbers, &mut *enc_sentences, &mut *enc_cues]
                        .into_iter()
                        .zip(rows.files.iter_mut())
                    {
                        enc.drain_to(file)
                            .context("spilling rows of a long document")?;
                    }
                }
            }
        }
        if self.cooc_unit == Unit::Document {
            b.doc.end_unit();
        }
        row.terms = b.doc.distinct() as u64;
        row.numbers = numbers_total;
        let per_1k = |n: u64| {
            if row.tokens == 0 {
                0.0
            } else {
                crate::cmd::analyze::round(n as f64 * 1000.0 / row.tokens as f64, 4)
            }
        };
        row.hedge_per_1k_tokens = per_1k(row.hedge_cues);
        row.absolute_per_1k_tokens = per_1k(row.absolute_cues);

        let [enc_documents, enc_doc_terms, ..] = &mut b.encoders;
        enc_documents.encode(&row)?;
        for (term, pos, freq) in b.doc.sorted() {
            enc_doc_terms.encode(&DocTermRow {
                doc: doc_id,
                term,
                pos,
                freq,
            })?;
        }
        let [e0, e1, e2, e3, e4] = &mut b.encoders;
        let rendered = Rendered {
            documents: e0.take(),
            doc_terms: e1.take(),
            numbers: e2.take(),
            sentences: e3.take(),
            cues: e4.take(),
            spilled: spilled.map(|rows| Arc::new(std::sync::Mutex::new(rows))),
        };

        // The document is complete: its counts join the corpus's.
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .fold(&mut b.doc, &row.group, &mut b.ids);
        scratch
            .pairs
            .add_doc(&b.doc, &b.ids)
            .map_err(|e| Fatal(format!("{e:#}")))?;
        times.lap(Stage::Rows, &mut clock);
        Ok(DocAnalysis {
            row,
            rendered,
            timings,
        })
    }

    /// Read, decode and analyze one input, turning every failure (a panic included) into
    /// a skipped entry.
    fn process<'a>(
        &'a self,
        scratch: &mut Scratch<'a>,
        input: &Input,
        reporter: &Reporter,
    ) -> Outcome {
        if self.cancel.is_cancelled() {
            return Outcome::Cancelled;
        }
        let skip = |reason: String| {
            reporter.warn(format_args!("skipping {}: {reason}", input.display));
            Outcome::Skipped(Skipped {
                path: input.display.clone(),
                reason,
            })
        };
        let started = Instant::now();
        let doc = match input::read(input) {
            Ok(doc) => doc,
            Err(reason) => return skip(reason),
        };
        let read_time = started.elapsed();
        if doc.decoded.replacements > 0 {
            reporter.warn(format_args!(
                "{}: {} invalid byte sequence(s) replaced with U+FFFD (decoded as {})",
                input.display, doc.decoded.replacements, doc.decoded.encoding
            ));
        }
        match catch_unwind(AssertUnwindSafe(|| self.analyze(scratch, &doc))) {
            Ok(Ok(mut analysis)) => {
                analysis.timings.add_to(Stage::Read, read_time);
                Outcome::Analyzed(Box::new(analysis))
            }
            Ok(Err(e)) if e.is::<Interrupted>() => Outcome::Cancelled,
            Ok(Err(e)) if e.is::<Fatal>() => Outcome::Failed(e),
            Ok(Err(e)) => skip(format!("analysis failed: {e:#}")),
            Err(_) => {
                // The buffers may be half-updated: start them afresh. The counts are
                // intact, as a document's counts are added only once it is complete.
                scratch.buffers = self.buffers();
                skip("internal error while analyzing (a bug: please report it)".into())
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
        let analyze_batch = |batch: &[Input]| -> Vec<Outcome> {
            pool.install(|| {
                batch
                    .par_iter()
                    .map_init(lease, |lease, input| match lease.scratch.as_mut() {
                        Some(scratch) => self.process(scratch, input, reporter),
                        None => Outcome::Cancelled,
                    })
                    .collect()
            })
        };
        // While the pool analyzes a batch, this thread hands out the one before it (the
        // writing), so that the workers never wait for the writer.
        let mut done = 0;
        let mut previous: Vec<Outcome> = Vec::new();
        for batch in batches(inputs) {
            let (outcomes, handed) = std::thread::scope(|s| {
                let analyzing = s.spawn(|| analyze_batch(batch));
                let handed = hand_out(std::mem::take(&mut previous), &mut each);
                (analyzing.join(), handed)
            });
            handed?;
            let outcomes = outcomes
                .map_err(|_| anyhow::anyhow!("a worker thread panicked outside any document"))?;
            self.cancel.check()?;
            done += batch.len();
            reporter.advance(batch.iter().map(|i| i.size).sum(), done, inputs.len());
            previous = outcomes;
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

/// Characters of `text` but line breaks (`\n`, `\r`) and byte-order marks, counted from
/// the bytes: every byte that does not continue a character starts one.
fn visible_chars(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let starts = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let breaks = memchr::memchr2_iter(b'\n', b'\r', bytes).count();
    let boms = memchr::memmem::find_iter(bytes, "\u{FEFF}".as_bytes()).count();
    (starts - breaks - boms) as u64
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

/// Consecutive slices of `inputs`, each under the batch limits (a single document larger
/// than the byte limit is a batch of its own).
fn batches(inputs: &[Input]) -> Vec<&[Input]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, input) in inputs.iter().enumerate() {
        if i > start && (bytes + input.size > BATCH_BYTES || i - start >= BATCH_DOCS) {
            out.push(&inputs[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += input.size;
    }
    if start < inputs.len() {
        out.push(&inputs[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(size: u64) -> Input {
        Input {
            path: "x".into(),
            display: "x".into(),
            doc: "x".into(),
            group: String::new(),
            size,
        }
    }

    #[test]
    fn batches_respect_both_limits_and_keep_order() {
        let mut inputs: Vec<Input> = (0..600).map(|_| input(10)).collect();
        inputs[3].size = BATCH_BYTES; // a huge document closes the batch before it
        let sizes: Vec<usize> = batches(&inputs).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, vec![3, 1, 256, 256, 84]);
        assert_eq!(sizes.iter().sum::<usize>(), 600);
        assert!(batches(&[]).is_empty());
    }
}

#[cfg(test)]
mod properties {
    proptest::proptest! {
        #[test]
        fn visible_chars_counts_what_the_char_filter_counts(text in "[a\r\n\u{FEFF}あ漢é\u{1F600}]{0,30}") {
            let by_char = text.chars().filter(|c| !matches!(c, '\n' | '\r' | '\u{FEFF}')).count() as u64;
            proptest::prop_assert_eq!(super::visible_chars(&text), by_char);
        }
    }

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::input::decode;
    use clap::Parser;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn analyzer() -> &'static Analyzer {
        static A: OnceLock<Analyzer> = OnceLock::new();
        A.get_or_init(|| {
            let cli = Cli::parse_from(["bokashi", "analyze"]);
            let Some(Command::Analyze(args)) = &cli.command else {
                unreachable!()
            };
            Analyzer::from_settings(&Settings::new(&cli.common, args).unwrap()).unwrap()
        })
    }

    fn document(text: &str) -> Document {
        Document {
            input: Input {
                path: "x".into(),
                display: "x".into(),
                doc: "x".into(),
                group: String::new(),
                size: text.len() as u64,
            },
            decoded: decode::Decoded {
                text: text.to_string(),
                encoding: "UTF-8".into(),
                replacements: 0,
            },
        }
    }

    fn analyze(text: &str) -> DocAnalysis {
        let a = analyzer();
        let mut scratch = a.scratch();
        a.analyze(&mut scratch, &document(text)).expect("analysis")
    }

    /// The rendered rows of one table, as records.
    fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.expect("valid CSV"))
            .collect()
    }

    /// Analyze `text` and check that everything written as "as in the source" is.
    fn check(text: &str) {
        let out = analyze(text);
        // Column `col` of every rendered row of one table.
        let column = |bytes: &[u8], col: usize| -> Vec<String> {
            records(bytes).iter().map(|r| r[col].to_string()).collect()
        };
        let r = &out.rendered;
        let sentences = column(&r.sentences, 6);
        for s in &sentences {
            assert!(text.contains(s.as_str()), "sentence {s:?}");
        }
        for n in column(&r.numbers, 2) {
            assert!(text.contains(n.as_str()), "number {n:?}");
        }
        for c in column(&r.cues, 5) {
            assert!(text.contains(c.as_str()), "cue {c:?}");
        }
        assert_eq!(out.row.sentences as usize, sentences.len());
    }

    /// A document of many windows (a sample article 12 times over, plus a sentence longer
    /// than a window's byte limit) has the rows of its parts, in order: no sentence is
    /// lost, repeated or paired with another's tokens at a window's edge.
    #[test]
    fn sentences_across_windows_keep_their_own_rows() {
        let article = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus/000_58525d2d109e6d9c.txt"),
        )
        .expect("sample article");
        let article = article.trim_end().to_string() + "\n";
        // Longer than a window's byte limit (the splitter cuts it into several sentences).
        let long = "再生医療の".repeat(WINDOW_BYTES / 10) + "効果が期待される。\n";
        let times = 12;
        let whole = article.repeat(times) + &long;
        let one = analyze(&article);
        let tail = analyze(&long);
        let all = analyze(&whole);
        let (one_s, tail_s, all_s) = (
            records(&one.rendered.sentences),
            records(&tail.rendered.sentences),
            records(&all.rendered.sentences),
        );
        assert!(
            one_s.len() * times > 2 * WINDOW_SENTENCES,
            "crosses windows"
        );
        assert_eq!(all_s.len(), one_s.len() * times + tail_s.len());
        let expected = (0..times).flat_map(|_| one_s.iter()).chain(tail_s.iter());
        for (i, (got, want)) in all_s.iter().zip(expected).enumerate() {
            assert_eq!(got[1], (i + 1).to_string(), "sentence_no");
            // Everything but doc and sentence_no: stance, cue and number counts, text.
            assert_eq!(
                got.iter().skip(2).collect::<Vec<_>>(),
                want.iter().skip(2).collect::<Vec<_>>()
            );
        }
        let count = |a: &DocAnalysis| {
            (
                records(&a.rendered.cues).len(),
                records(&a.rendered.numbers).len(),
            )
        };
        let (c1, n1) = count(&one);
        let (ct, nt) = count(&tail);
        assert_eq!(count(&all), (c1 * times + ct, n1 * times + nt));
        assert!(c1 > 0 && n1 > 0, "{c1} {n1}");
        assert!(
            ct > 0 && tail_s.len() > 1,
            "the long piece is split, its cue kept"
        );
        assert_eq!(
            all.row.tokens,
            one.row.tokens * times as u64 + tail.row.tokens
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn arbitrary_bytes_decode_and_analyze_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(decoded) = decode::decode(&bytes) {
                check(&decoded.text);
            }
        }

        #[test]
        fn arbitrary_unicode_analyzes_without_panic(text in "\\PC{0,120}") {
            check(&text);
        }

        #[test]
        fn japanese_like_text_keeps_every_surface_in_the_source(
            text in "[ぁ-んァ-ヶ一-龥ｦ-ﾟ0-9０-９。、．「」『』（）()！？!?〜~%％㍉ー・\n\r ]{0,160}"
        ) {
            check(&text);
        }
    }
}
