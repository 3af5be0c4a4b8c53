//! The command line: clap definitions, validated into [`Settings`] once and passed down.
//!
//! The doc comments on these types are the `--help` text.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::tables::CsvStyle;

/// Japanese text mining: which terms dominate, which numbers are claimed, and where a
/// corpus hedges (可能性がある, 期待される) versus asserts (証明された, 必ず) — as CSV tables.
///
/// With no command, analyzes `corpus/` into `output/`.
#[derive(Debug, Parser)]
#[command(name = "bokashi", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze a corpus and write the CSV tables.
    Analyze(AnalyzeArgs),
    /// Print MeCab-format tokens of the normalized text, for inspection.
    Tokenize(TokenizeArgs),
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Files or directories (walked recursively) to analyze.
    #[arg(value_name = "INPUT", default_value = "corpus")]
    pub inputs: Vec<PathBuf>,
    /// Folder for the tables; created if missing, old tables replaced only on success.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "DIR",
        default_value = "output"
    )]
    pub output: PathBuf,
}

impl AnalyzeArgs {
    /// What `bokashi` with no command analyzes: `corpus` into `output`.
    pub fn default_corpus() -> Self {
        AnalyzeArgs {
            inputs: vec![PathBuf::from("corpus")],
            output: PathBuf::from("output"),
        }
    }
}

#[derive(Debug, Args)]
pub struct TokenizeArgs {
    /// File to tokenize (any supported encoding); standard input when absent.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Options every command takes.
#[derive(Debug, Args, Default, Clone)]
pub struct CommonArgs {
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N", global = true)]
    pub jobs: Option<usize>,
    /// No progress bar (it is also off when stderr is not a terminal).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Spreadsheet-safe CSV: UTF-8 BOM, and text cells starting with = + - @ TAB or CR
    /// prefixed with ' so that they are not run as formulas.
    #[arg(long, global = true)]
    pub excel: bool,
}

/// Validated settings for a run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub jobs: usize,
    pub quiet: bool,
    pub style: CsvStyle,
}

impl Settings {
    pub fn new(common: &CommonArgs, analyze: &AnalyzeArgs) -> Result<Self> {
        let jobs = match common.jobs {
            Some(0) => bail!("--jobs must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Settings {
            inputs: analyze.inputs.clone(),
            output: analyze.output.clone(),
            jobs,
            quiet: common.quiet,
            style: CsvStyle {
                excel: common.excel,
            },
        })
    }
}
