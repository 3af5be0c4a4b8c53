//! The integration suite: one test binary, one module per area. Every test runs the real
//! `bokashi` binary end to end on the sample corpus or on fixtures it writes itself.

/// Temp dirs, fixture files and running the binary.
mod util;

/// `bokashi analyze` and the default run: tables, determinism, skipped inputs, errors.
mod analyze;

/// `terms.csv` and `doc_terms.csv`: compounds, stopwords, user dictionary.
mod terms;

/// `numbers.csv`: numeric claims of the sample corpus, exclusions, surfaces as written.
mod numbers;

/// Stance: sentences, cues, summary and stance terms on the sample corpus and fixtures.
mod stance;

/// `cooccurrence.csv`: exact rows on a fixture, order and measures on the sample corpus.
mod cooccurrence;

/// Hostile inputs, interrupted runs, `--excel`, exit status and summary.
mod robustness;

/// `bokashi tokenize`: MeCab format, encodings, stdin.
mod tokenize_cmd;

/// Segmentation agrees with MeCab + IPADIC on the sample corpus.
mod mecab_agreement;

/// The development set: stance and number scores stay above their floors.
mod dev_set;

/// `bokashi explain`: stance, cues, rules and numbers of given text.
mod explain;

/// `bokashi kwic`: concordance lines, base forms, cue categories, alignment.
mod kwic;

/// `--xlsx`: the workbook read back with calamine.
mod workbook;

/// Tables and web pages as corpora, `--group-by`, groups.csv.
mod tables;

/// `--shard K/N` and `merge`: exact, and refused when the parts are not one run's.
mod shards;

/// Issue 18's probe: output read back, files named twice, invisible characters, ids,
/// limits, stale files, unsafe names.
mod reliability;

/// `report.html`: HTML5, offline, drawn from the tables, bounded in size.
mod report;

/// The compliance view: flags.csv, disclosures.csv, the rule file.
mod compliance;
