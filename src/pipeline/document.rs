//! One document through the stages, on one worker: sentences → windows → stance → terms →
//! numbers → compliance → rows, then its counts folded into the corpus's.
//!
//! The stages run in this order over each window because each needs the one before:
//! term counts are kept by their sentence's stance, compliance rules read the cues and
//! numbers, and a sentence's row holds its stance, cue and number counts.

use anyhow::Result;

use crate::counts::pairs::Unit;
use crate::counts::{DocCounts, DocTotals};
use crate::input::Document;
use crate::interrupt::Interrupted;
use crate::morph::Sentence;
use crate::morph::tokenize::{FeatureCache, Worker};
use crate::stages::compliance::{ComplianceScratch, Facts, Findings, Severity};
use crate::stages::numbers::{self, NumberOcc, NumberScratch};
use crate::stages::stance::lexicon::CueStance;
use crate::stages::stance::{Cue, SentenceStance, StanceScratch};
use crate::stages::terms::TermScratch;
use crate::tables::documents::{DocRows, Rendered};
use crate::tables::rows::{
    CueRow, DisclosureRow, DocTermRow, DocumentRow, FlagRow, NumberRow, SentenceRow,
};
use crate::text::sentence;
use crate::timing::{Stage, Stopwatch, Timings};

use super::Analyzer;
use super::window::{Found, Window};

/// What the pipeline hands on for one analyzed document: its documents.csv row, its
/// rendered per-document rows and its timings. (Its counts went into the corpus counts
/// and its worker's pair store.)
#[derive(Debug, Clone, Default)]
pub struct DocAnalysis {
    pub row: DocumentRow,
    pub(crate) rendered: Rendered,
    /// Time this document spent in each parallel stage.
    pub(crate) timings: Timings,
    /// The digest of its text and the text's length in bytes (for manifest.json).
    pub(crate) digest: [u8; 32],
    pub(crate) bytes: u64,
    /// Where it stands in the run (see [`super::jobs::Seq`]).
    pub(crate) seq: (u32, u32),
}

/// How the analysis of one document ends early.
#[derive(Debug)]
pub(crate) enum DocError {
    /// The run was interrupted (Ctrl-C, SIGTERM).
    Interrupted,
    /// The run cannot go on: the co-occurrence pairs could not be spilled.
    Fatal(anyhow::Error),
    /// This document cannot be analyzed; the others can.
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for DocError {
    fn from(e: anyhow::Error) -> Self {
        DocError::Failed(e)
    }
}

impl From<Interrupted> for DocError {
    fn from(_: Interrupted) -> Self {
        DocError::Interrupted
    }
}

/// A worker's state for documents, reused from one to the next: the tokenizer's and each
/// stage's scratch, the row encoders and the document's counts.
pub(crate) struct DocWorker<'a> {
    tokenizer: Worker<'a>,
    features: FeatureCache<'a>,
    window: Window,
    stages: StageScratch<'a>,
    out: DocOut,
    /// Corpus id of each local id of the document.
    ids: Vec<u32>,
}

/// Each stage's per-worker scratch.
struct StageScratch<'a> {
    stance: StanceScratch<'a>,
    cues: Vec<Cue<'a>>,
    terms: TermScratch,
    numbers: NumberScratch,
    /// The number occurrences of the window, one sentence after the other.
    occs: Vec<NumberOcc>,
    compliance: ComplianceScratch<'a>,
    findings: Findings,
}

/// What the stages of a document write into.
struct DocOut {
    row: DocumentRow,
    /// Its values of the corpus's document variables, in their order.
    vars: Vec<String>,
    rows: DocRows,
    /// Per-document counts, cleared and reused so their maps keep their capacity.
    counts: DocCounts,
    /// Per disclosure item, the sentences that state it; per scope, whether the document
    /// is in it.
    items: Vec<Vec<u64>>,
    scopes: Vec<bool>,
}

impl<'a> DocWorker<'a> {
    pub(crate) fn new(analyzer: &'a Analyzer) -> Self {
        DocWorker {
            tokenizer: analyzer.tokenizer.worker(),
            features: FeatureCache::new(&analyzer.tokenizer),
            window: Window::default(),
            stages: StageScratch {
                stance: StanceScratch::default(),
                cues: Vec::new(),
                terms: TermScratch::default(),
                numbers: NumberScratch::default(),
                occs: Vec::new(),
                compliance: ComplianceScratch::default(),
                findings: Findings::default(),
            },
            out: DocOut {
                row: DocumentRow::default(),
                vars: Vec::new(),
                rows: DocRows::new(analyzer.config.style),
                counts: DocCounts::default(),
                items: Vec::new(),
                scopes: Vec::new(),
            },
            ids: Vec::new(),
        }
    }

    /// Analyze one decoded document: render its rows and count it. Its counts are
    /// folded into the corpus's (by `fold`) only once the document is complete.
    pub(crate) fn analyze(
        &mut self,
        a: &'a Analyzer,
        doc: &Document,
        fold: impl FnOnce(&DocCounts, &[u32]) -> Result<(), DocError>,
    ) -> Result<DocAnalysis, DocError> {
        let text = doc.decoded.text.as_str();
        let mut watch = Stopwatch::start();
        self.out.start(doc, a);
        let sentences = sentence::split(text);
        self.out.row.sentences = sentences.len() as u64;
        watch.lap(Stage::Normalize);
        let mut first = 0;
        while first < sentences.len() {
            a.cancel.check()?;
            let tokenizer = (&mut self.tokenizer, &mut self.features);
            first += self
                .window
                .fill(text, &sentences, first, tokenizer, &mut watch);
            self.run_window(a, text, &mut watch)?;
            self.out
                .rows
                .spill_over(a.config.row_budget, || a.spill.anonymous())?;
        }
        let rendered = self.out.finish(a)?;
        // The document is complete: its counts join the corpus's.
        let totals = self.out.totals();
        let counts = &mut self.out.counts;
        a.fold(counts, &self.out.row.group, &totals, &mut self.ids);
        fold(counts, &self.ids)?;
        watch.lap(Stage::Rows);
        Ok(DocAnalysis {
            row: std::mem::take(&mut self.out.row),
            rendered,
            timings: watch.timings,
            digest: *blake3::hash(text.as_bytes()).as_bytes(),
            bytes: text.len() as u64,
            seq: (0, 0),
        })
    }

    /// The stages over the sentences of the window, in order.
    fn run_window(&mut self, a: &'a Analyzer, text: &str, watch: &mut Stopwatch) -> Result<()> {
        let DocWorker {
            features,
            window,
            stages,
            out,
            ..
        } = self;
        for (s, found) in window.sentences(text, features) {
            stages.stance(a, &s, found, out)?;
        }
        watch.lap(Stage::Stance);
        for (s, found) in window.sentences(text, features) {
            stages.terms(a, &s, found, out);
        }
        watch.lap(Stage::Terms);
        stages.occs.clear();
        for (s, found) in window.sentences(text, features) {
            found.numbers = numbers::run(&s, &mut stages.numbers, &mut stages.occs) as u64;
        }
        watch.lap(Stage::Numbers);
        let mut next = 0;
        for (s, found) in window.sentences(text, features) {
            let end = next + found.numbers as usize;
            stages.comply(a, &s, found, next..end, out)?;
            next = end;
        }
        watch.lap(Stage::Compliance);
        let mut next = 0;
        for (s, found) in window.sentences(text, features) {
            next = stages.rows(&s, found, next, out)?;
        }
        watch.lap(Stage::Rows);
        Ok(())
    }
}

impl<'a> StageScratch<'a> {
    /// The sentence's stance and its cue rows.
    fn stance(
        &mut self,
        a: &'a Analyzer,
        s: &Sentence<'_, 'a>,
        found: &mut Found,
        out: &mut DocOut,
    ) -> Result<()> {
        found.stance = a.stance.run(s, &mut self.stance, &mut self.cues);
        (found.hedges, found.absolutes) = (0, 0);
        found.cue_spans.clear();
        found
            .cue_spans
            .extend(self.cues.iter().map(|c| c.range.clone()));
        found.marks.clear();
        for c in &self.cues {
            let marks = a.compliance.marks(c).map(|m| (m, c.range.clone()));
            found.marks.extend(marks);
        }
        let row = &mut out.row;
        for cue in &self.cues {
            match cue.stance {
                CueStance::Hedge => found.hedges += 1,
                CueStance::Absolute => found.absolutes += 1,
            }
            out.counts.add_cue(cue.stance, &cue.category, &cue.cue);
            out.rows.cues.encode(&CueRow {
                doc: &row.doc,
                sentence_no: s.no,
                stance: cue.stance,
                category: &cue.category,
                cue: &cue.cue,
                surface: s.as_written(cue.range.clone()),
            })?;
        }
        match found.stance {
            SentenceStance::Hedged => row.hedged_sentences += 1,
            SentenceStance::Absolute => row.absolute_sentences += 1,
            SentenceStance::Mixed => row.mixed_sentences += 1,
            SentenceStance::Neutral => row.neutral_sentences += 1,
        }
        row.hedge_cues += found.hedges;
        row.absolute_cues += found.absolutes;
        Ok(())
    }

    /// The sentence's compliance flags (rows of flags.csv) and the disclosure items it
    /// states; `numbers` are its occurrences in the window's.
    fn comply(
        &mut self,
        a: &'a Analyzer,
        s: &Sentence<'_, 'a>,
        found: &Found,
        numbers: std::ops::Range<usize>,
        out: &mut DocOut,
    ) -> Result<()> {
        let facts = Facts {
            marks: &found.marks,
            numbers: &self.occs[numbers],
        };
        let findings = &mut self.findings;
        a.compliance.run(s, &facts, &mut self.compliance, findings);
        let row = &mut out.row;
        for (i, range) in &findings.flags {
            let rule = &a.compliance.rules.flags[*i];
            match rule.severity {
                Severity::High => row.flags_high += 1,
                Severity::Medium => row.flags_medium += 1,
                Severity::Low => row.flags_low += 1,
            }
            out.rows.flags.encode(&FlagRow {
                doc: &row.doc,
                group: &row.group,
                sentence_no: s.no,
                rule_id: &rule.id,
                category: &rule.category,
                severity: rule.severity.as_str(),
                surface: s.as_written(range.clone()),
                reference: &rule.reference,
            })?;
        }
        for &item in &findings.items {
            out.items[item].push(s.no);
        }
        for &scope in &findings.scopes {
            out.scopes[scope] = true;
        }
        Ok(())
    }

    /// The sentence's terms, counted with its stance and in their co-occurrence unit.
    fn terms(&mut self, a: &Analyzer, s: &Sentence<'_, '_>, found: &Found, out: &mut DocOut) {
        out.row.tokens += s.tokens.len() as u64;
        let terms = a.terms.run(s, &mut self.terms);
        out.counts.add_sentence(terms);
        let cue_texts = found
            .cue_spans
            .iter()
            .filter_map(|r| s.text().get(r.clone()));
        out.counts.end_sentence(found.stance, cue_texts);
        if a.config.cooc_unit == Unit::Sentence {
            out.counts.end_unit();
        }
    }

    /// The sentence's number rows (its occurrences start at `self.occs[next]`) and its
    /// sentence row; returns where the next sentence's occurrences start.
    fn rows(
        &self,
        s: &Sentence<'_, '_>,
        found: &Found,
        next: usize,
        out: &mut DocOut,
    ) -> Result<usize> {
        let end = next + found.numbers as usize;
        let doc = out.row.doc.as_str();
        for occ in &self.occs[next..end] {
            out.rows.numbers.encode(&NumberRow {
                doc,
                sentence_no: s.no,
                surface: s.as_written(occ.range.clone()),
                value_min: occ.value_min.number_cell(),
                value_max: occ.value_max.number_cell(),
                unit: occ.unit,
                kind: occ.kind,
                qualifier: occ.qualifier_text(),
                stance: found.stance.as_str(),
                analyte: occ.analyte.as_deref().unwrap_or_default(),
                per: occ.per.unwrap_or_default(),
                claim: if occ.outcome { "outcome" } else { "" },
                date: occ.date_cell(),
            })?;
        }
        out.rows.sentences.encode(&SentenceRow {
            doc,
            sentence_no: s.no,
            stance: found.stance,
            hedge_cues: found.hedges,
            absolute_cues: found.absolutes,
            numbers: found.numbers,
            text: s.source,
        })?;
        out.row.numbers += found.numbers;
        Ok(end)
    }
}

impl DocOut {
    /// What the document adds to its group's totals.
    fn totals(&self) -> DocTotals {
        let r = &self.row;
        DocTotals {
            sentences: r.sentences,
            tokens: r.tokens,
            hedged: r.hedged_sentences,
            absolute: r.absolute_sentences,
            mixed: r.mixed_sentences,
            neutral: r.neutral_sentences,
            hedge_cues: r.hedge_cues,
            absolute_cues: r.absolute_cues,
        }
    }

    /// Start a document's row; its counts start empty.
    fn start(&mut self, doc: &Document, a: &Analyzer) {
        self.row = DocumentRow {
            doc: doc.doc.clone(),
            group: doc.group.clone(),
            chars: visible_chars(&doc.decoded.text),
            ..DocumentRow::default()
        };
        self.vars.clear();
        self.vars
            .extend(doc.values(&a.variables).map(str::to_string));
        self.counts.clear();
        let rules = &a.compliance.rules;
        self.items.iter_mut().for_each(Vec::clear);
        self.items.resize(rules.items.len(), Vec::new());
        self.scopes.clear();
        self.scopes.resize(rules.scopes.len(), false);
    }

    /// Close the document: its last co-occurrence unit, its disclosures, documents.csv
    /// and doc_terms rows; returns all its rows.
    fn finish(&mut self, a: &Analyzer) -> Result<Rendered> {
        self.disclosures(a)?;
        if a.config.cooc_unit == Unit::Document {
            self.counts.end_unit();
        }
        let row = &mut self.row;
        row.terms = self.counts.distinct() as u64;
        let per_1k = |n: u64| match row.tokens {
            0 => 0.0,
            tokens => crate::counts::stats::round(n as f64 * 1000.0 / tokens as f64, 4),
        };
        row.hedge_per_1k_tokens = per_1k(row.hedge_cues);
        row.absolute_per_1k_tokens = per_1k(row.absolute_cues);
        let vars = self.vars.iter().map(String::as_str);
        self.rows.documents.encode_with(&*row, vars)?;
        for (term, pos, freq) in self.counts.sorted() {
            self.rows.doc_terms.encode(&DocTermRow {
                doc: &row.doc,
                term,
                pos,
                freq,
            })?;
        }
        Ok(self.rows.take())
    }
}

impl DocOut {
    /// One disclosures.csv row per item required of the document (every `all` item, and
    /// those of the scopes it is in), and the count of those it does not state.
    fn disclosures(&mut self, a: &Analyzer) -> Result<()> {
        let rules = &a.compliance.rules;
        let row = &mut self.row;
        for (item, sentences) in rules.items.iter().zip(&self.items) {
            let scope = match item.scope {
                Some(s) if !self.scopes[s] => continue,
                Some(s) => rules.scopes[s].as_str(),
                None => "all",
            };
            row.disclosures_required += 1;
            if sentences.is_empty() {
                row.disclosures_missing += 1;
            }
            let numbers: Vec<String> = sentences.iter().map(u64::to_string).collect();
            self.rows.disclosures.encode(&DisclosureRow {
                doc: &row.doc,
                item: &item.name,
                present: !sentences.is_empty(),
                sentence_nos: numbers.join(" "),
                group: &row.group,
                scope,
            })?;
        }
        Ok(())
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
    use crate::input::decode;
    use crate::pipeline::Config;
    use crate::pipeline::window::{WINDOW_BYTES, WINDOW_SENTENCES};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// The pipeline as `analyze` builds it by default, without the command line.
    fn analyzer() -> &'static Analyzer {
        static A: OnceLock<Analyzer> = OnceLock::new();
        A.get_or_init(|| Analyzer::standalone(Config::default()).unwrap())
    }

    fn document(text: &str) -> Document {
        Document {
            doc: "x".into(),
            group: String::new(),
            decoded: decode::Decoded {
                text: text.to_string(),
                encoding: "UTF-8".into(),
                replacements: 0,
            },
            vars: Vec::new(),
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
