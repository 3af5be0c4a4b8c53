//! The command line: clap definitions, validated into [`Settings`] once and passed down.
//!
//! The doc comments on these types are the `--help` text.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::counts::pairs::Unit;
use crate::input::{Format, ReadOptions, Shard, TableOptions};
use crate::pipeline::Config;
use crate::resources::Source;
use crate::tables::CsvStyle;

/// Japanese text mining: which terms dominate, which numbers are claimed, and where a
/// corpus hedges (可能性がある, 期待される) versus asserts (証明された, 必ず) — as CSV tables.
///
/// With no command, analyzes `corpus/` into `output/`.
#[derive(Debug, Parser)]
#[command(name = "bokashi", version, about, long_about = None)]
#[command(subcommand_precedence_over_arg = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    /// With no command, the `analyze` arguments apply.
    #[command(flatten)]
    pub(crate) analyze: AnalyzeArgs,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Analyze a corpus and write the CSV tables.
    Analyze(AnalyzeArgs),
    /// Print MeCab-format tokens of the normalized text, for inspection.
    Tokenize(TokenizeArgs),
    /// Show each sentence's stance and why: its cues (category, words as written, the rule
    /// that found them) and its numbers.
    Explain(ExplainArgs),
    /// Concordance (KWIC): every occurrence of a term, words or a stance category, with
    /// its context, document, sentence number and the sentence's stance.
    Kwic(KwicArgs),
    /// Merge the parts of a run split with `analyze --shard K/N` into every table, as one
    /// run over the whole input would write them.
    Merge(MergeArgs),
    /// Segment only (no other stage, no output): the tokenizer's speed, for benchmarks.
    #[command(hide = true)]
    Segment(SegmentArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The part folders (every shard K/N of one run, each once).
    #[arg(value_name = "PART", required = true)]
    pub(crate) parts: Vec<PathBuf>,
    /// Folder for the tables.
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    pub(crate) output: PathBuf,
    /// No summary line.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Do not write report.html (the charts drawn from the tables).
    #[arg(long)]
    pub(crate) no_report: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SegmentArgs {
    #[command(flatten)]
    pub(crate) analyze: AnalyzeArgs,
    /// Segment through lindera's own public API (`SegmentWorker`, which builds lindera
    /// `Token`s) instead of the lattice-direct worker the pipeline uses: the speed a
    /// plain lindera user gets, as a second reference for the benchmark.
    #[arg(long)]
    pub(crate) lindera_api: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    /// Files or directories (walked recursively) to analyze.
    #[arg(value_name = "INPUT", default_value = "corpus")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Folder for the tables; created if missing, old tables replaced only on success.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "DIR",
        default_value = "output"
    )]
    pub(crate) output: PathBuf,
    /// Stopword list replacing the built-in dict/stopwords.txt (one word per line).
    #[arg(long, value_name = "FILE")]
    pub(crate) stopwords: Option<PathBuf>,
    /// Count every noun morpheme as its own term instead of joining compounds.
    #[arg(long)]
    pub(crate) no_compounds: bool,
    /// Stance lexicon replacing the built-in dict/stance_lexicon.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) lexicon: Option<PathBuf>,
    /// Claim words (efficacy verbs, risk nouns) replacing dict/claim_words.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) claim_words: Option<PathBuf>,
    /// Compliance rules (advertising-rule flags, disclosure items) replacing
    /// dict/compliance_rules.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) compliance_rules: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Analyze only shard K of N (the documents whose `doc` hashes to slot K) into a part
    /// for `bokashi merge`: per-document tables and the part's counts, no corpus tables.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub(crate) shard: Option<Shard>,
    /// Co-occurrence unit: terms co-occur when they share a sentence or a document.
    #[arg(long, value_enum, default_value = "sentence")]
    pub(crate) cooc_unit: Unit,
    /// Terms in fewer units than this are not paired in cooccurrence.csv.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub(crate) min_freq: u64,
    /// Pairs co-occurring in fewer units than this are not written.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub(crate) min_cooc: u64,
    /// Memory for co-occurrence pairs per worker thread, in MiB; beyond it, pairs are
    /// spilled to sorted files in the output folder and merged at the end (same results).
    #[arg(long, value_name = "MIB", default_value_t = 8)]
    pub(crate) cooc_memory: usize,
    /// Memory for one document's rendered rows, in MiB; a longer document's rows are
    /// spilled to temporary files as they are made (same tables; 0 spills every window,
    /// for tests).
    #[arg(long, value_name = "MIB", default_value_t = 8, hide = true)]
    pub(crate) row_memory: usize,
    /// Print per-stage timings on stderr and write them to run.json in the output folder.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Also write bokashi.xlsx: one sheet per table, numbers as numbers, a README sheet.
    #[arg(long)]
    pub(crate) xlsx: bool,
    /// Do not write report.html (the charts drawn from the tables).
    #[arg(long)]
    pub(crate) no_report: bool,
    /// Worker threads [default: all cores; at most 256].
    #[arg(long, short = 'j', value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// No progress bar and no summary line (the bar is also off when stderr is not a
    /// terminal).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Spreadsheet-safe CSV: UTF-8 BOM, and text cells starting with = + - @ TAB or CR
    /// (or ＝ ＋ － ＠) prefixed with ' so that they are not run as formulas.
    #[arg(long)]
    pub(crate) excel: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// Text to explain, one line per argument; standard input when absent.
    #[arg(value_name = "TEXT")]
    pub(crate) text: Vec<String>,
    /// Stance lexicon replacing the built-in dict/stance_lexicon.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) lexicon: Option<PathBuf>,
    /// Claim words replacing the built-in dict/claim_words.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) claim_words: Option<PathBuf>,
    /// Compliance rules replacing the built-in dict/compliance_rules.tsv (each sentence's
    /// flags and disclosure items are shown).
    #[arg(long, value_name = "FILE")]
    pub(crate) compliance_rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct KwicArgs {
    /// PATTERN then INPUT...: the term (by base form: 改善 finds 改善し) or words to find,
    /// then files or directories (default `corpus`). With --cue, a first argument that is
    /// not an existing path narrows the cues to those containing it.
    #[arg(value_name = "PATTERN|INPUT")]
    pub(crate) args: Vec<String>,
    /// PATTERN is a regular expression (on the normalized text).
    #[arg(long)]
    pub(crate) regex: bool,
    /// List the cues of this stance category (possibility, hearsay, efficacy_claim …).
    #[arg(long, value_name = "CATEGORY")]
    pub(crate) cue: Option<String>,
    /// Only sentences of this stance (hedged, absolute, mixed, neutral).
    #[arg(long, value_name = "STANCE", value_parser = ["hedged", "absolute", "mixed", "neutral"])]
    pub(crate) stance: Option<String>,
    /// Only documents of this group (the first folder below the input root, or the value
    /// of --group-by).
    #[arg(long, value_name = "GROUP")]
    pub(crate) group: Option<String>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Characters of context on each side.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub(crate) window: usize,
    /// Write CSV (doc,group,sentence_no,stance,left,keyword,right) instead of aligned text.
    #[arg(long)]
    pub(crate) csv: bool,
    /// Stance lexicon replacing the built-in dict/stance_lexicon.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) lexicon: Option<PathBuf>,
    /// Claim words replacing the built-in dict/claim_words.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) claim_words: Option<PathBuf>,
}

/// How inputs are read: formats, table columns, the group variable.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ReadArgs {
    /// Read every input as this format, whatever its extension (tables: one document
    /// per row; html: the page's visible text).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Option<Format>,
    /// The column(s) of a table holding the text, joined in this order (`title,body`:
    /// the title is its own first sentence). Default: the first of text, body, content,
    /// 本文, article.
    #[arg(long, value_name = "NAME[,NAME…]", value_delimiter = ',')]
    pub(crate) text_column: Vec<String>,
    /// The column of a table naming each row in `doc` (`articles.csv#ID`). Default: id,
    /// else url, else the row number.
    #[arg(long, value_name = "NAME")]
    pub(crate) id_column: Option<String>,
    /// Make this document variable (a table column, or `title` of a web page) the group
    /// that groups.csv, group_terms.csv and stance_summary.csv compare.
    #[arg(long, value_name = "COLUMN")]
    pub(crate) group_by: Option<String>,
}

impl ReadArgs {
    pub(crate) fn options(&self) -> ReadOptions {
        ReadOptions {
            format: self.format,
            table: TableOptions {
                text_columns: self.text_column.clone(),
                id_column: self.id_column.clone(),
            },
            group_by: self.group_by.clone(),
            shard: None,
        }
    }
}

impl AnalyzeArgs {
    /// The analyze defaults, for commands that read text without writing tables.
    pub(crate) fn default_for_inspection() -> Self {
        AnalyzeArgs {
            inputs: Vec::new(),
            output: PathBuf::from("output"),
            stopwords: None,
            no_compounds: false,
            lexicon: None,
            claim_words: None,
            compliance_rules: None,
            read: ReadArgs::default(),
            shard: None,
            cooc_unit: Unit::Sentence,
            min_freq: 2,
            min_cooc: 2,
            cooc_memory: 8,
            row_memory: 8,
            timings: false,
            xlsx: false,
            no_report: false,
            jobs: None,
            quiet: false,
            excel: false,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct TokenizeArgs {
    /// File to tokenize (any supported encoding), or the text itself when no such file
    /// exists and it does not look like a path; standard input when absent.
    #[arg(value_name = "FILE|TEXT")]
    pub(crate) file: Option<PathBuf>,
}

/// Options every command takes (those that only change how tables are made belong to
/// `analyze`, so that `tokenize --excel` is refused rather than ignored).
#[derive(Debug, Args, Default, Clone)]
pub(crate) struct CommonArgs {
    /// Another user dictionary (IPADIC CSV or `surface,品詞,読み`), added to the built-in
    /// dict/user_dict.csv. May be repeated.
    #[arg(long, value_name = "FILE", global = true)]
    pub(crate) user_dict: Vec<PathBuf>,
    /// Use IPADIC alone, without the built-in domain user dictionary.
    #[arg(long, global = true)]
    pub(crate) no_user_dict: bool,
}

impl CommonArgs {
    /// The user dictionaries these options select, read and ready to build.
    pub(crate) fn user_dictionaries(&self) -> Result<Vec<Source>> {
        let mut sources = Vec::new();
        if !self.no_user_dict {
            sources.push(Config::builtin_user_dictionary());
        }
        for path in &self.user_dict {
            sources.push(Source::read(path)?);
        }
        Ok(sources)
    }
}

/// The most worker threads a run takes.
pub(crate) const MAX_JOBS: usize = 256;

/// Validated settings for a run: what the command does with the pipeline, and the
/// pipeline's own [`Config`].
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) inputs: Vec<PathBuf>,
    pub(crate) output: PathBuf,
    pub(crate) jobs: usize,
    pub(crate) quiet: bool,
    pub(crate) pipeline: Config,
    pub(crate) min_freq: u64,
    pub(crate) min_cooc: u64,
    pub(crate) timings: bool,
    /// Write bokashi.xlsx beside the tables.
    pub(crate) xlsx: bool,
    /// Write report.html beside the tables (not for a shard's part).
    pub(crate) report: bool,
}

impl Settings {
    pub(crate) fn new(common: &CommonArgs, analyze: &AnalyzeArgs) -> Result<Self> {
        let jobs = match analyze.jobs {
            Some(0) => bail!("--jobs must be at least 1"),
            Some(n) if n > MAX_JOBS => bail!(
                "--jobs {n} is more than {MAX_JOBS}; the work is split in batches, and more \
                 threads than cores only cost memory"
            ),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let builtin = Config::default();
        let file_or = |path: &Option<PathBuf>, builtin: Source| match path {
            Some(path) => Source::read(path),
            None => Ok(builtin),
        };
        let pipeline = Config {
            user_dictionaries: common.user_dictionaries()?,
            stopwords: file_or(&analyze.stopwords, builtin.stopwords)?,
            lexicon: file_or(&analyze.lexicon, builtin.lexicon)?,
            claim_words: file_or(&analyze.claim_words, builtin.claim_words)?,
            compliance_rules: file_or(&analyze.compliance_rules, builtin.compliance_rules)?,
            compounds: !analyze.no_compounds,
            cooc_unit: analyze.cooc_unit,
            style: CsvStyle {
                excel: analyze.excel,
            },
            pair_budget: analyze.cooc_memory.saturating_mul(1 << 20),
            row_budget: analyze.row_memory.saturating_mul(1 << 20),
            read: ReadOptions {
                shard: analyze.shard,
                ..analyze.read.options()
            },
        };
        Ok(Settings {
            inputs: analyze.inputs.clone(),
            output: analyze.output.clone(),
            jobs,
            quiet: analyze.quiet,
            pipeline,
            min_freq: analyze.min_freq.max(1),
            min_cooc: analyze.min_cooc.max(1),
            timings: analyze.timings,
            xlsx: analyze.xlsx,
            report: !analyze.no_report && analyze.shard.is_none(),
        })
    }
}
