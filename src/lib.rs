//! bokashi: a Japanese text-mining pipeline. `ARCHITECTURE.md` is the map.
//!
//! The folders follow the pipeline, top to bottom:
//!
//! 1. [`input`] finds the documents and decodes their bytes into text;
//! 2. [`text`] cuts the text into sentences and normalizes each (NFKC with a map back to
//!    the source), finding its URLs once;
//! 3. [`morph`] segments each sentence with lindera over the embedded IPADIC; a
//!    [`morph::Sentence`] is what every stage reads;
//! 4. [`stages`] extract from each window of sentences, in order: stance, terms, numbers;
//! 5. [`counts`] holds what is counted (per document, then folded into the corpus's, all
//!    mergeable) and the scores computed from it;
//! 6. [`pipeline`] runs documents in parallel batches on per-thread workers and hands
//!    their rows on in order;
//! 7. [`tables`] writes the CSV tables (and the workbook) atomically.
//!
//! [`cli`] parses the command line into settings (which build the pipeline's
//! [`pipeline::Config`]); [`cmd`] holds one file per command; [`resources`] loads the
//! editable files of `dict/`.

pub mod cli;
pub mod cmd;
pub mod counts;
pub mod input;
pub mod interrupt;
pub mod morph;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod resources;
pub mod stages;
pub mod tables;
#[cfg(test)]
mod test_support;
pub mod text;
pub mod timing;

use clap::Parser;

/// Exit status: the run completed (inputs may have been skipped and listed).
pub const EXIT_OK: i32 = 0;
/// Exit status: nothing could be analyzed, or the output could not be written.
pub const EXIT_FATAL: i32 = 2;
/// Exit status: stopped by Ctrl-C or SIGTERM; the output folder was left as it was.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Parse the command line, run the command, and return the process exit status.
pub fn run() -> i32 {
    let cli = cli::Cli::parse();
    let result = match &cli.command {
        None => unknown_command(&cli.analyze).and_then(|()| run_analyze(&cli.common, &cli.analyze)),
        Some(cli::Command::Analyze(args)) => run_analyze(&cli.common, args),
        Some(cli::Command::Segment(args)) => cli::Settings::new(&cli.common, &args.analyze)
            .and_then(|settings| cmd::segment::run(&settings, args.lindera_api))
            .map(|(tokens, bytes, secs)| {
                println!(
                    "segmented {tokens} tokens, {bytes} bytes in {secs:.3}s ({:.2} MB/s)",
                    bytes as f64 / 1e6 / secs
                )
            }),
        Some(cli::Command::Explain(args)) => run_explain(&cli.common, args),
        Some(cli::Command::Kwic(args)) => run_kwic(&cli.common, args),
        Some(cli::Command::Merge(args)) => {
            cmd::merge::run(&args.parts, &args.output, args.quiet, !args.no_report).map(|_| ())
        }
        Some(cli::Command::Tokenize(args)) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            cli.common
                .user_dictionaries()
                .and_then(|dicts| cmd::tokenize::run(args.file.as_deref(), &dicts, &mut out))
        }
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) if e.is::<interrupt::Interrupted>() => {
            eprintln!("bokashi: interrupted; the output folder was left as it was");
            EXIT_INTERRUPTED
        }
        Err(e) => {
            eprintln!(
                "bokashi: error: {}",
                progress::escape_controls(&format!("{e:#}"))
            );
            EXIT_FATAL
        }
    }
}

fn run_explain(common: &cli::CommonArgs, args: &cli::ExplainArgs) -> anyhow::Result<()> {
    let analyze = cli::AnalyzeArgs {
        lexicon: args.lexicon.clone(),
        claim_words: args.claim_words.clone(),
        compliance_rules: args.compliance_rules.clone(),
        ..cli::AnalyzeArgs::default_for_inspection()
    };
    let settings = cli::Settings::new(common, &analyze)?;
    let analyzer = pipeline::Analyzer::standalone(settings.pipeline)?;
    for message in analyzer.lint() {
        eprintln!("bokashi: warning: {message}");
    }
    let text = cmd::explain::input(&args.text)?;
    let inspector = cmd::inspect::Inspector {
        tokenizer: analyzer.tokenizer(),
        matcher: analyzer.stance(),
        compliance: Some(analyzer.compliance()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    cmd::explain::run(&inspector, &text, &mut out)
}

fn run_kwic(common: &cli::CommonArgs, args: &cli::KwicArgs) -> anyhow::Result<()> {
    let mut positional = args.args.iter();
    let pattern = match &args.cue {
        // With --cue, the first argument narrows the cues unless it is an input.
        Some(_) => args
            .args
            .first()
            .filter(|a| !std::path::Path::new(a).exists())
            .inspect(|_| {
                positional.next();
            }),
        None => positional.next(),
    };
    let pattern =
        cmd::kwic::Pattern::new(pattern.map(String::as_str), args.regex, args.cue.as_deref())?;
    let mut inputs: Vec<std::path::PathBuf> = positional.map(std::path::PathBuf::from).collect();
    if inputs.is_empty() {
        inputs.push("corpus".into());
    }
    let analyze = cli::AnalyzeArgs {
        inputs,
        lexicon: args.lexicon.clone(),
        claim_words: args.claim_words.clone(),
        ..cli::AnalyzeArgs::default_for_inspection()
    };
    let settings = cli::Settings::new(common, &analyze)?;
    let mut discovery = input::discover_excluding(&settings.inputs, &[], &|| false);
    let read = args.read.options();
    discovery.prepare(&read)?;
    let (found, skipped) = (discovery.inputs, discovery.skipped);
    for s in &skipped {
        eprintln!(
            "bokashi: warning: skipping {}: {}",
            progress::escape_controls(&s.path),
            s.reason
        );
    }
    if found.is_empty() {
        anyhow::bail!("nothing to read in {}", args.args.join(" "));
    }
    let analyzer = pipeline::Analyzer::standalone(settings.pipeline)?;
    let inspector = cmd::inspect::Inspector {
        tokenizer: analyzer.tokenizer(),
        matcher: analyzer.stance(),
        compliance: None,
    };
    let options = cmd::kwic::Options {
        stance: args.stance.clone(),
        group: args.group.clone(),
        window: args.window,
        csv: args.csv,
        read,
    };
    let lines = cmd::kwic::lines(&inspector, &found, &pattern, &options, |path, reason| {
        eprintln!(
            "bokashi: warning: skipping {}: {reason}",
            progress::escape_controls(path)
        )
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    cmd::kwic::write(&lines, &options, &mut out)
}

/// With no command, a first argument that is neither an existing path nor `-` and reads
/// like a word (`bokashi analyse corpus`, `bokashi merge a b`) is a mistyped or unknown
/// command, not a missing input: refused with the nearest command.
fn unknown_command(args: &cli::AnalyzeArgs) -> anyhow::Result<()> {
    let Some(first) = args.inputs.first() else {
        return Ok(());
    };
    let word = first.to_string_lossy();
    let pathlike = word.contains(['/', '\\', '.']) || word == "-" || first.exists();
    let given = std::env::args_os().skip(1).any(|a| a == first.as_os_str());
    if pathlike || !given {
        return Ok(());
    }
    const COMMANDS: [&str; 5] = ["analyze", "tokenize", "explain", "kwic", "merge"];
    let nearest = COMMANDS
        .iter()
        .map(|c| (edit_distance(&word, c), *c))
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, c)| format!(" (did you mean `bokashi {c}`?)"))
        .unwrap_or_default();
    anyhow::bail!(
        "`{word}` is neither a command nor an existing file or folder{nearest}; commands: {}",
        COMMANDS.join(", ")
    )
}

/// Levenshtein distance, for suggesting a command.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn run_analyze(common: &cli::CommonArgs, args: &cli::AnalyzeArgs) -> anyhow::Result<()> {
    let settings = cli::Settings::new(common, args)?;
    cmd::analyze::run(&settings, &interrupt::Cancel::on_signals()).map(|_| ())
}

/// A closed pipe on stdout (`bokashi tokenize | head`) ends the program quietly.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
