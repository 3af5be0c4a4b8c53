//! The pipeline that ties the stages together for each document:
//! read and decode → split into sentences → normalize → tokenize → extract → counts.
//!
//! Documents are processed in bounded batches: a batch is analyzed in parallel on the
//! rayon pool (each thread with its own tokenizer [`Worker`]), and its results are handed
//! to the caller in document order before the next batch starts. Memory is therefore
//! bounded by the batch, and every per-row table comes out in the same order whatever the
//! number of threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::aggregate::{DocStance, DocTerms};
use crate::cli::Settings;
use crate::cooccurrence::{DocCooc, Unit};
use crate::corpus::{self, Document, Input, Skipped};
use crate::interrupt::{Cancel, Interrupted};
use crate::lexicon::{ClaimWords, CueStance, Lexicon};
use crate::normalize::Normalized;
use crate::numbers::{self, NumberOcc};
use crate::progress::Reporter;
use crate::resources::Stopwords;
use crate::rows::{CueRow, DocumentRow, NumberRow, SentenceRow};
use crate::sentence;
use crate::stance::{Cue, SentenceStance, StanceMatcher, StanceScratch};
use crate::terms::{SentenceTerms, TermExtractor};
use crate::timing::{Stage, Timings};
use crate::tokenize::{FeatureCache, Features, Token, Tokenizer, Worker};

/// A batch closes when it holds this many bytes of input …
const BATCH_BYTES: u64 = 8 * 1024 * 1024;
/// … or this many documents.
const BATCH_DOCS: usize = 256;

/// Everything the pipeline learned from one document.
#[derive(Debug, Clone, Default)]
pub struct DocAnalysis {
    pub row: DocumentRow,
    pub terms: DocTerms,
    pub numbers: Vec<NumberRow>,
    pub sentences: Vec<SentenceRow>,
    pub cues: Vec<CueRow>,
    pub stance: DocStance,
    pub cooc: DocCooc,
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
}

/// The read-only state shared by all workers.
pub struct Analyzer {
    pub tokenizer: Tokenizer,
    pub stopwords: Stopwords,
    /// Join noun runs into compound terms.
    pub compounds: bool,
    pub stance: StanceMatcher,
    pub cooc_unit: Unit,
    /// Raised by Ctrl-C/SIGTERM: stop at the next document (or the next few hundred
    /// sentences of a long one).
    pub cancel: Cancel,
}

/// Per-thread scratch space, reused from document to document.
pub struct Scratch<'a> {
    worker: Worker,
    cache: FeatureCache<'a>,
    feats: Vec<Features<'a>>,
    norm: Normalized,
    tokens: Vec<Token>,
    terms: SentenceTerms,
    numerals: Vec<std::ops::Range<usize>>,
    numbers: Vec<NumberOcc>,
    stance: StanceScratch,
    cues: Vec<Cue>,
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
            cancel: Cancel::default(),
        })
    }

    pub fn scratch(&self) -> Scratch<'_> {
        Scratch {
            worker: self.tokenizer.worker(),
            cache: FeatureCache::new(&self.tokenizer),
            feats: Vec::new(),
            norm: Normalized::default(),
            tokens: Vec::new(),
            terms: SentenceTerms::default(),
            numerals: Vec::new(),
            numbers: Vec::new(),
            stance: StanceScratch::default(),
            cues: Vec::new(),
        }
    }

    /// Analyze one decoded document.
    pub fn analyze<'a>(&'a self, scratch: &mut Scratch<'a>, doc: &Document) -> Result<DocAnalysis> {
        let text = doc.decoded.text.as_str();
        let mut row = DocumentRow {
            doc: doc.input.doc.clone(),
            group: doc.input.group.clone(),
            chars: text
                .chars()
                .filter(|c| !matches!(c, '\n' | '\r' | '\u{FEFF}'))
                .count() as u64,
            ..DocumentRow::default()
        };
        let extractor = TermExtractor {
            stopwords: &self.stopwords,
            compounds: self.compounds,
        };
        let mut out = DocAnalysis::default();
        let times = &mut out.timings;
        let mut clock = Instant::now();
        let doc_id = &doc.input.doc;
        let sentences = sentence::split(text);
        times.lap(Stage::Normalize, &mut clock);
        for range in sentences {
            if row.sentences % 256 == 255 {
                self.cancel.check()?;
            }
            let source = &text[range];
            scratch.norm.rebuild(source);
            let norm = &scratch.norm;
            times.lap(Stage::Normalize, &mut clock);
            scratch.worker.tokenize(&norm.text, &mut scratch.tokens)?;
            scratch.cache.all(&scratch.tokens, &mut scratch.feats);
            times.lap(Stage::Tokenize, &mut clock);
            row.sentences += 1;
            row.tokens += scratch.tokens.len() as u64;
            let sentence_no = row.sentences;
            let as_written = |r: std::ops::Range<usize>| source[norm.source_range(r)].to_string();

            // Terms.
            scratch.terms.clear();
            extractor.extract(
                &norm.text,
                &scratch.tokens,
                &scratch.feats,
                &mut scratch.terms,
                &mut out.terms.neighbors,
            );
            out.terms.add_sentence(&scratch.terms);
            times.lap(Stage::Terms, &mut clock);
            for (term, _) in scratch.terms.iter() {
                out.cooc.add_term(term);
            }
            if self.cooc_unit == Unit::Sentence {
                out.cooc.end_unit();
            }
            times.lap(Stage::Rows, &mut clock);

            // Stance.
            let stance = self.stance.analyze(
                &norm.text,
                &scratch.tokens,
                &scratch.feats,
                &mut scratch.stance,
                &mut scratch.cues,
            );
            let (mut hedges, mut absolutes) = (0, 0);
            for cue in &scratch.cues {
                match cue.stance {
                    CueStance::Hedge => hedges += 1,
                    CueStance::Absolute => absolutes += 1,
                }
                *out.stance
                    .cues
                    .entry((cue.stance, cue.category.clone(), cue.cue.clone()))
                    .or_default() += 1;
                out.cues.push(CueRow {
                    doc: doc_id.clone(),
                    sentence_no,
                    stance: cue.stance,
                    category: cue.category.clone(),
                    cue: cue.cue.clone(),
                    surface: as_written(cue.range.clone()),
                });
            }
            let side = match stance {
                SentenceStance::Hedged => {
                    row.hedged_sentences += 1;
                    Some(0)
                }
                SentenceStance::Absolute => {
                    row.absolute_sentences += 1;
                    Some(1)
                }
                SentenceStance::Mixed => {
                    row.mixed_sentences += 1;
                    None
                }
                SentenceStance::Neutral => {
                    row.neutral_sentences += 1;
                    None
                }
            };
            if let Some(side) = side {
                out.stance.add_terms(&scratch.terms, side);
            }
            row.hedge_cues += hedges;
            row.absolute_cues += absolutes;
            times.lap(Stage::Stance, &mut clock);

            // Numbers.
            scratch.numerals.clear();
            scratch.numerals.extend(
                scratch
                    .tokens
                    .iter()
                    .zip(&scratch.feats)
                    .filter(|(_, f)| f.pos() == "名詞" && f.pos_detail(1) == "数")
                    .map(|(t, _)| t.range()),
            );
            scratch.numbers.clear();
            numbers::extract(&norm.text, &scratch.numerals, &mut scratch.numbers);
            let sentence_numbers = scratch.numbers.len() as u64;
            times.lap(Stage::Numbers, &mut clock);
            for occ in scratch.numbers.drain(..) {
                out.numbers.push(NumberRow {
                    doc: doc_id.clone(),
                    sentence_no,
                    surface: as_written(occ.range.clone()),
                    value_min: occ.value_min.render(),
                    value_max: occ.value_max.render(),
                    unit: occ.unit.to_string(),
                    kind: occ.kind,
                    qualifier: occ.qualifier_text(),
                    stance: stance.as_str().to_string(),
                    analyte: occ.analyte.clone().unwrap_or_default(),
                });
            }

            out.sentences.push(SentenceRow {
                doc: doc_id.clone(),
                sentence_no,
                stance,
                hedge_cues: hedges,
                absolute_cues: absolutes,
                numbers: sentence_numbers,
                text: source.to_string(),
            });
            times.lap(Stage::Rows, &mut clock);
        }
        if self.cooc_unit == Unit::Document {
            out.cooc.end_unit();
        }
        row.terms = out.terms.distinct() as u64;
        row.numbers = out.numbers.len() as u64;
        let per_1k = |n: u64| {
            if row.tokens == 0 {
                0.0
            } else {
                crate::cmd::analyze::round(n as f64 * 1000.0 / row.tokens as f64, 4)
            }
        };
        row.hedge_per_1k_tokens = per_1k(row.hedge_cues);
        row.absolute_per_1k_tokens = per_1k(row.absolute_cues);
        out.row = row;
        Ok(out)
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
        let doc = match corpus::read(input) {
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
            Ok(Err(e)) => skip(format!("analysis failed: {e:#}")),
            Err(_) => {
                // The worker may hold half-updated buffers: start it afresh.
                *scratch = self.scratch();
                skip("internal error while analyzing (a bug: please report it)".into())
            }
        }
    }

    /// Run every input through the pipeline in bounded batches on `pool`, handing each
    /// outcome to `each` in input order.
    pub fn run(
        &self,
        inputs: &[Input],
        pool: &rayon::ThreadPool,
        reporter: &Reporter,
        mut each: impl FnMut(Outcome) -> Result<()>,
    ) -> Result<()> {
        let mut done = 0;
        for batch in batches(inputs) {
            let outcomes: Vec<Outcome> = pool.install(|| {
                batch
                    .par_iter()
                    .map_init(
                        || self.scratch(),
                        |scratch, input| self.process(scratch, input, reporter),
                    )
                    .collect()
            });
            self.cancel.check()?;
            done += batch.len();
            reporter.advance(batch.iter().map(|i| i.size).sum(), done, inputs.len());
            for outcome in outcomes {
                each(outcome)?;
            }
        }
        Ok(())
    }
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
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::decode;
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

    /// Analyze `text` and check that everything written as "as in the source" is.
    fn check(text: &str) {
        let doc = Document {
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
        };
        let a = analyzer();
        let mut scratch = a.scratch();
        let out = a.analyze(&mut scratch, &doc).expect("analysis");
        for s in &out.sentences {
            assert!(text.contains(&s.text), "sentence {:?}", s.text);
        }
        for n in &out.numbers {
            assert!(text.contains(&n.surface), "number {:?}", n.surface);
        }
        for c in &out.cues {
            assert!(text.contains(&c.surface), "cue {:?}", c.surface);
        }
        assert_eq!(out.row.sentences as usize, out.sentences.len());
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
