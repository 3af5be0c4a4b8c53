//! One text read sentence by sentence as `analyze` reads it — split, normalized,
//! tokenized, stance and numbers — for the commands that show evidence (`explain`,
//! `kwic`) rather than count it.

use std::ops::Range;

use crate::morph::Sentence;
use crate::morph::tokenize::{Features, Morphs, Token, Tokenizer};
use crate::stages::compliance::{Compliance, ComplianceScratch, Facts, Findings};
use crate::stages::numbers::{self, NumberOcc};
use crate::stages::stance::{SentenceStance, StanceMatcher, StanceScratch};
use crate::text::normalize::Normalized;
use crate::text::sentence;

/// A cue as written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShownCue {
    pub(crate) stance: &'static str,
    pub(crate) category: String,
    pub(crate) cue: String,
    pub(crate) surface: String,
    pub(crate) rule: &'static str,
}

/// A number as written, with its cells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShownNumber {
    pub(crate) surface: String,
    pub(crate) occ: NumberOcc,
}

/// A compliance flag as `flags.csv` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShownFlag {
    pub(crate) rule_id: String,
    pub(crate) category: String,
    pub(crate) severity: &'static str,
    pub(crate) surface: String,
}

/// A morpheme: its source byte range in the sentence, surface as written and base form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShownToken {
    pub(crate) source: Range<usize>,
    pub(crate) base: String,
}

/// One sentence of a text.
#[derive(Debug, Clone)]
pub(crate) struct ShownSentence {
    /// 1-based, as `sentence_no` in the tables.
    pub(crate) no: usize,
    /// As written.
    pub(crate) text: String,
    pub(crate) stance: SentenceStance,
    pub(crate) cues: Vec<ShownCue>,
    pub(crate) numbers: Vec<ShownNumber>,
    pub(crate) tokens: Vec<ShownToken>,
    /// Compliance flags and the disclosure items the sentence states (when asked).
    pub(crate) flags: Vec<ShownFlag>,
    pub(crate) items: Vec<String>,
}

/// Reads texts with one tokenizer and one stance matcher.
pub(crate) struct Inspector<'a> {
    pub(crate) tokenizer: &'a Tokenizer,
    pub(crate) matcher: &'a StanceMatcher,
    /// Also show each sentence's compliance flags and items (`explain`).
    pub(crate) compliance: Option<&'a Compliance>,
}

impl Inspector<'_> {
    /// Every sentence of `text`, in order.
    pub(crate) fn sentences(&self, text: &str) -> Vec<ShownSentence> {
        let mut worker = self.tokenizer.worker();
        let mut scratch = StanceScratch::default();
        let mut tokens: Vec<Token> = Vec::new();
        let mut cues = Vec::new();
        let mut out = Vec::new();
        for range in sentence::split(text) {
            let source = &text[range];
            let norm = Normalized::new(source);
            worker.tokenize(&norm.text, &mut tokens);
            let feats: Vec<Features> = tokens
                .iter()
                .map(|t| self.tokenizer.features(t.word))
                .collect();
            let stance = self.matcher.analyze(
                &norm.text,
                &tokens,
                Morphs::direct(&feats),
                &mut scratch,
                &mut cues,
            );
            let as_written = |r: Range<usize>| source[norm.source_range(r)].to_string();
            let shown_cues = cues
                .iter()
                .map(|c| ShownCue {
                    stance: match c.stance {
                        crate::stages::stance::lexicon::CueStance::Hedge => "hedge",
                        crate::stages::stance::lexicon::CueStance::Absolute => "absolute",
                    },
                    category: c.category.to_string(),
                    cue: c.cue.to_string(),
                    surface: as_written(c.range.clone()),
                    rule: c.rule,
                })
                .collect();
            let numerals: Vec<Range<usize>> = tokens
                .iter()
                .zip(&feats)
                .filter(|(_, f)| f.numeral)
                .map(|(t, _)| t.range())
                .collect();
            let mut occs = Vec::new();
            numbers::extract(&norm.text, &numerals, &mut occs);
            let shown_tokens = tokens
                .iter()
                .zip(&feats)
                .map(|(t, f)| ShownToken {
                    source: norm.source_range(t.range()),
                    base: if f.base() == "*" {
                        norm.text[t.range()].to_string()
                    } else {
                        f.base().to_string()
                    },
                })
                .collect();
            let (flags, items) = match self.compliance {
                Some(c) => {
                    let s = Sentence {
                        no: out.len() as u64 + 1,
                        source,
                        norm: &norm,
                        urls: &crate::text::urls::url_spans(&norm.text),
                        tokens: &tokens,
                        morphs: Morphs::direct(&feats),
                    };
                    comply(c, &s, &cues, &occs)
                }
                None => (Vec::new(), Vec::new()),
            };
            let shown_numbers = occs
                .into_iter()
                .map(|occ| ShownNumber {
                    surface: as_written(occ.range.clone()),
                    occ,
                })
                .collect();
            out.push(ShownSentence {
                no: out.len() + 1,
                text: source.to_string(),
                stance,
                cues: shown_cues,
                numbers: shown_numbers,
                tokens: shown_tokens,
                flags,
                items,
            });
        }
        out
    }
}

/// One sentence's compliance flags and stated items, as `analyze` finds them.
fn comply(
    c: &Compliance,
    s: &Sentence<'_, '_>,
    cues: &[crate::stages::stance::Cue<'_>],
    numbers: &[NumberOcc],
) -> (Vec<ShownFlag>, Vec<String>) {
    let marks: Vec<(usize, Range<usize>)> = cues
        .iter()
        .flat_map(|cue| c.marks(cue).map(|m| (m, cue.range.clone())))
        .collect();
    let facts = Facts {
        marks: &marks,
        numbers,
    };
    let mut scratch = ComplianceScratch::default();
    let mut found = Findings::default();
    c.run(s, &facts, &mut scratch, &mut found);
    let flags = found
        .flags
        .iter()
        .map(|(i, r)| {
            let rule = &c.rules.flags[*i];
            ShownFlag {
                rule_id: rule.id.clone(),
                category: rule.category.clone(),
                severity: rule.severity.as_str(),
                surface: s.as_written(r.clone()).to_string(),
            }
        })
        .collect();
    let items = found
        .items
        .iter()
        .map(|&i| c.rules.items[i].name.clone())
        .collect();
    (flags, items)
}
