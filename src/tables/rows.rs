//! The rows of every output table, one struct per table, fields in the column order of
//! SPEC.md. The CSV header is taken from the field names.

use serde::Serialize;

use crate::stages::stance::SentenceStance;
use crate::stages::stance::lexicon::CueStance;
use crate::stages::terms::TermPos;

/// `documents.csv`: one row per analyzed document.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DocumentRow {
    pub doc: String,
    pub(crate) group: String,
    /// Characters of the decoded text, line breaks and BOM not counted.
    pub(crate) chars: u64,
    pub(crate) sentences: u64,
    /// Morphemes, punctuation included, whitespace excluded (as MeCab counts them).
    pub(crate) tokens: u64,
    /// Distinct terms (term, pos) in the document.
    pub(crate) terms: u64,
    /// Numeric expressions (rows of numbers.csv).
    pub(crate) numbers: u64,
    /// Cues found (rows of cues.csv), by stance.
    pub(crate) hedge_cues: u64,
    pub(crate) absolute_cues: u64,
    /// Sentences by stance.
    pub(crate) hedged_sentences: u64,
    pub(crate) absolute_sentences: u64,
    pub(crate) mixed_sentences: u64,
    pub(crate) neutral_sentences: u64,
    /// Cues per 1,000 tokens, computed from the counts above.
    pub(crate) hedge_per_1k_tokens: f64,
    pub(crate) absolute_per_1k_tokens: f64,
    /// Compliance flags (rows of flags.csv), by severity.
    pub(crate) flags_high: u64,
    pub(crate) flags_medium: u64,
    pub(crate) flags_low: u64,
    /// Disclosure items required of the document (rows of disclosures.csv) and how many
    /// of them it does not state.
    pub(crate) disclosures_required: u64,
    pub(crate) disclosures_missing: u64,
}

/// `skipped.csv`: one row per input that was not analyzed.
/// `skipped.csv`: one row per input that was not analyzed.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct SkippedRow<'a> {
    pub(crate) path: &'a str,
    pub(crate) reason: String,
}

/// Whether a term is a single word or a compound of several nouns.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TermKind {
    #[default]
    Word,
    Compound,
}

/// `terms.csv`: one row per distinct (term, pos) of the corpus.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub(crate) struct TermRow {
    pub(crate) term: String,
    pub(crate) pos: TermPos,
    pub(crate) kind: TermKind,
    pub(crate) freq: u64,
    pub(crate) doc_freq: u64,
    /// TermExtract FLR for nouns; empty for verbs and adjectives.
    pub(crate) flr: Option<f64>,
}

/// `doc_terms.csv`: one row per (document, term, pos).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct DocTermRow<'a> {
    pub doc: &'a str,
    pub(crate) term: &'a str,
    pub(crate) pos: TermPos,
    pub(crate) freq: u64,
}

/// `numbers.csv`: one row per numeric expression, in document order.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct NumberRow<'a> {
    pub doc: &'a str,
    pub(crate) sentence_no: u64,
    /// The number(s) and unit as written in the source (qualifiers not included).
    pub(crate) surface: &'a str,
    /// Plain decimal; empty for a date (see `date`).
    pub(crate) value_min: String,
    pub(crate) value_max: String,
    pub(crate) unit: &'a str,
    pub(crate) kind: crate::stages::numbers::Kind,
    /// `mean;max;min;approx;at_least;at_most`, those that apply, in that order.
    pub(crate) qualifier: String,
    /// Stance of the sentence (hedged, absolute, mixed, neutral).
    pub(crate) stance: &'a str,
    /// What a bare number measures, when a Latin abbreviation precedes it (CRP, MMP-3).
    pub(crate) analyte: &'a str,
    /// The period of a rate: day, week, month or year (月に1回), empty otherwise.
    pub(crate) per: &'a str,
    /// `outcome` for a figure of results a claim rests on (満足度98%, 約8割の患者が改善).
    pub(crate) claim: &'a str,
    /// ISO 8601 date (`2026-02`, `2025-12-23`, a span `2024-06/2025-01`); the value columns
    /// are then empty.
    pub(crate) date: String,
}

/// `cues.csv`: one row per cue found, in document order.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct CueRow<'a> {
    pub doc: &'a str,
    pub(crate) sentence_no: u64,
    pub(crate) stance: CueStance,
    pub(crate) category: &'a str,
    /// The lexicon entry (or, for claim rules, the claim word).
    pub(crate) cue: &'a str,
    /// The matched text as written in the source.
    pub(crate) surface: &'a str,
}

/// `flags.csv`: one row per compliance rule hit, in document order.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct FlagRow<'a> {
    pub doc: &'a str,
    pub(crate) group: &'a str,
    pub(crate) sentence_no: u64,
    pub(crate) rule_id: &'a str,
    pub(crate) category: &'a str,
    pub(crate) severity: &'a str,
    /// The flagged words as written in the source.
    pub(crate) surface: &'a str,
    /// The rule or guideline the flag rests on.
    pub(crate) reference: &'a str,
}

/// `disclosures.csv`: per document, each disclosure item required of it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct DisclosureRow<'a> {
    pub doc: &'a str,
    pub(crate) item: &'a str,
    pub(crate) present: bool,
    /// The numbers of the sentences that state it, space-separated.
    pub(crate) sentence_nos: String,
    pub(crate) group: &'a str,
    /// `all`, or the scope that requires the item (再生医療・未承認).
    pub(crate) scope: &'a str,
}

/// `sentences.csv`: one row per sentence, in document order.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct SentenceRow<'a> {
    pub doc: &'a str,
    pub(crate) sentence_no: u64,
    pub(crate) stance: SentenceStance,
    pub(crate) hedge_cues: u64,
    pub(crate) absolute_cues: u64,
    pub(crate) numbers: u64,
    /// The sentence as written in the source.
    pub(crate) text: &'a str,
}

/// `stance_summary.csv`: cue counts per group and for the whole corpus.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct StanceSummaryRow {
    /// The group; empty on corpus rows (and for documents directly in the input root).
    pub(crate) group: String,
    pub(crate) stance: CueStance,
    pub(crate) category: String,
    pub(crate) cue: String,
    pub(crate) freq: u64,
    pub(crate) doc_freq: u64,
    /// `corpus` for whole-corpus totals, `group` for per-group rows.
    pub(crate) level: String,
}

/// `stance_terms.csv`: which terms go with hedged versus absolute sentences.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub(crate) struct StanceTermRow {
    pub(crate) term: String,
    pub(crate) pos: TermPos,
    pub(crate) hedged_freq: u64,
    pub(crate) absolute_freq: u64,
    /// Log-odds ratio (hedged vs absolute) with an informative Dirichlet prior; > 0 leans hedged.
    pub(crate) log_odds: f64,
    pub(crate) z: f64,
}

/// `groups.csv`: one row per group, so that groups compare at one look.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub(crate) struct GroupRow {
    pub(crate) group: String,
    pub(crate) documents: u64,
    pub(crate) sentences: u64,
    pub(crate) tokens: u64,
    pub(crate) hedged_sentences: u64,
    pub(crate) absolute_sentences: u64,
    pub(crate) mixed_sentences: u64,
    pub(crate) neutral_sentences: u64,
    pub(crate) hedge_cues: u64,
    pub(crate) absolute_cues: u64,
    pub(crate) hedge_per_1k_tokens: f64,
    pub(crate) absolute_per_1k_tokens: f64,
    /// Shares of the group's sentences.
    pub(crate) hedged_share: f64,
    pub(crate) absolute_share: f64,
    pub(crate) mixed_share: f64,
    pub(crate) neutral_share: f64,
    /// Pearson's chi-square of the group's hedged/absolute/mixed/neutral sentence counts
    /// against the rest of the corpus's, its degrees of freedom and p-value (empty with
    /// one group).
    pub(crate) chi2: Option<f64>,
    pub(crate) df: Option<u64>,
    pub(crate) p_value: Option<f64>,
}

/// `group_terms.csv`: the terms that set a group apart from the rest (keyness).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub(crate) struct GroupTermRow<'a> {
    pub(crate) term: &'a str,
    pub(crate) pos: TermPos,
    pub(crate) group: &'a str,
    pub(crate) freq: u64,
    pub(crate) freq_rest: u64,
    /// Log-odds ratio (group vs rest) with an informative Dirichlet prior; > 0: more in
    /// the group.
    pub(crate) log_odds: f64,
    pub(crate) z: f64,
}
