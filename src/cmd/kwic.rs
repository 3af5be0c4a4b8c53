//! `bokashi kwic PATTERN [INPUT]...`: a concordance — every occurrence with its left and
//! right context, document, sentence number and the sentence's stance.
//!
//! PATTERN matches, in each sentence read as `analyze` reads it: a term by base form (a
//! run of morphemes whose base forms or surfaces spell it, so 改善 finds 改善し and
//! 改善された), or the words as written (a substring of the normalized sentence); with
//! `--regex` a regular expression on the normalized sentence; with `--cue CATEGORY` the
//! cues of a stance category instead. Context is counted in characters of the text as
//! written.

use std::io::Write;
use std::ops::Range;

use anyhow::{Context, Result, bail};
use unicode_width::UnicodeWidthStr;

use crate::cmd::inspect::{Inspector, ShownSentence};
use crate::input;
use crate::text::normalize::Normalized;

/// What to look for.
pub(crate) enum Pattern {
    Term(String),
    Regex(regex::Regex),
    /// A stance category, and optionally words its cues must contain.
    Cue(String, Option<String>),
}

impl Pattern {
    pub(crate) fn new(pattern: Option<&str>, regex: bool, cue: Option<&str>) -> Result<Self> {
        Ok(match (cue, regex, pattern) {
            (Some(category), _, words) => Pattern::Cue(
                category.to_string(),
                words.map(|w| Normalized::new(w.trim()).text),
            ),
            (None, _, None) => bail!("a PATTERN (or --cue CATEGORY) is needed"),
            (None, true, Some(pattern)) => Pattern::Regex(
                regex::Regex::new(pattern).with_context(|| format!("--regex {pattern:?}"))?,
            ),
            (None, false, Some(pattern)) => {
                let term = Normalized::new(pattern.trim()).text;
                if term.is_empty() {
                    bail!("the pattern is empty");
                }
                Pattern::Term(term)
            }
        })
    }
}

/// Filters and layout.
pub(crate) struct Options {
    pub(crate) stance: Option<String>,
    pub(crate) group: Option<String>,
    /// Characters of context on each side.
    pub(crate) window: usize,
    pub(crate) csv: bool,
    /// How tables are read (their default text and id columns).
    pub(crate) read: input::ReadOptions,
}

/// One line of the concordance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) doc: String,
    pub(crate) group: String,
    pub(crate) sentence_no: usize,
    pub(crate) stance: &'static str,
    pub(crate) left: String,
    pub(crate) keyword: String,
    pub(crate) right: String,
}

/// The byte ranges (in the sentence as written) that `pattern` matches, in order, without
/// overlaps.
pub(crate) fn matches(pattern: &Pattern, s: &ShownSentence) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    match pattern {
        Pattern::Cue(category, words) => {
            // The cue's surface as written, located in the sentence.
            let mut from = 0;
            let wanted = |c: &&crate::cmd::inspect::ShownCue| {
                &c.category == category
                    && words.as_ref().is_none_or(|w| {
                        c.cue.contains(w.as_str())
                            || Normalized::new(&c.surface).text.contains(w.as_str())
                    })
            };
            for c in s.cues.iter().filter(wanted) {
                if let Some(p) = s.text[from..].find(&c.surface) {
                    found.push(from + p..from + p + c.surface.len());
                    from += p + c.surface.len();
                } else if let Some(p) = s.text.find(&c.surface) {
                    found.push(p..p + c.surface.len());
                }
            }
        }
        Pattern::Regex(re) => {
            let norm = Normalized::new(&s.text);
            for m in re.find_iter(&norm.text) {
                if !m.range().is_empty() {
                    found.push(norm.source_range(m.range()));
                }
            }
        }
        Pattern::Term(term) => {
            // Runs of morphemes whose base forms (or surfaces) spell the term.
            let toks = &s.tokens;
            for i in 0..toks.len() {
                let (mut base, mut surface) = (String::new(), String::new());
                for (j, t) in toks.iter().enumerate().skip(i) {
                    base.push_str(&t.base);
                    surface.push_str(&Normalized::new(&s.text[t.source.clone()]).text);
                    if base == *term || surface == *term {
                        found.push(toks[i].source.start..toks[j].source.end);
                        break;
                    }
                    if !term.starts_with(base.as_str()) && !term.starts_with(surface.as_str()) {
                        break;
                    }
                }
            }
            // The words as written, where no morpheme run spells them (inside a word).
            let norm = Normalized::new(&s.text);
            for (p, _) in norm.text.match_indices(term.as_str()) {
                found.push(norm.source_range(p..p + term.len()));
            }
        }
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in found {
        if out.last().is_none_or(|l| r.start >= l.end) {
            out.push(r);
        }
    }
    out
}

/// The concordance of `inputs`.
pub(crate) fn lines(
    inspector: &Inspector,
    inputs: &[input::Input],
    pattern: &Pattern,
    options: &Options,
    mut skipped: impl FnMut(&str, &str),
) -> Vec<Line> {
    let mut out = Vec::new();
    for input in inputs {
        input::for_each_document(input, &options.read, &mut |doc| match doc {
            Ok(doc) => concordance(inspector, &doc, pattern, options, &mut out),
            Err(s) => skipped(&s.path, &s.reason.to_string()),
        });
    }
    out
}

/// The lines of one document.
fn concordance(
    inspector: &Inspector,
    doc: &input::Document,
    pattern: &Pattern,
    options: &Options,
    out: &mut Vec<Line>,
) {
    if options.group.as_ref().is_some_and(|g| *g != doc.group) {
        return;
    }
    for s in inspector.sentences(&doc.decoded.text) {
        let stance = s.stance.as_str();
        if options.stance.as_ref().is_some_and(|want| want != stance) {
            continue;
        }
        for r in matches(pattern, &s) {
            let left: String = {
                let chars: Vec<char> = s.text[..r.start]
                    .chars()
                    .rev()
                    .take(options.window)
                    .collect();
                chars.into_iter().rev().collect()
            };
            let right: String = s.text[r.end..].chars().take(options.window).collect();
            out.push(Line {
                doc: doc.doc.clone(),
                group: doc.group.clone(),
                sentence_no: s.no,
                stance,
                left: left.replace(['\n', '\r', '\t'], " "),
                keyword: s.text[r].to_string(),
                right: right.replace(['\n', '\r', '\t'], " "),
            });
        }
    }
}

/// Write the lines: aligned on the keyword for a terminal (East Asian widths), or as CSV.
pub(crate) fn write(lines: &[Line], options: &Options, out: &mut dyn Write) -> Result<()> {
    if options.csv {
        let mut w = csv_writer(out);
        w.write_record([
            "doc",
            "group",
            "sentence_no",
            "stance",
            "left",
            "keyword",
            "right",
        ])?;
        for l in lines {
            w.write_record([
                l.doc.as_str(),
                &l.group,
                &l.sentence_no.to_string(),
                l.stance,
                &l.left,
                &l.keyword,
                &l.right,
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    let left_width = lines.iter().map(|l| l.left.width()).max().unwrap_or(0);
    let label_width = lines
        .iter()
        .map(|l| format!("{}:{}", l.doc, l.sentence_no).width())
        .max()
        .unwrap_or(0);
    for l in lines {
        let label = format!("{}:{}", l.doc, l.sentence_no);
        writeln!(
            out,
            "{label}{}  {:<8}  {}{} 【{}】 {}",
            " ".repeat(label_width - label.width()),
            l.stance,
            " ".repeat(left_width - l.left.width()),
            l.left,
            l.keyword,
            l.right
        )?;
    }
    out.flush()?;
    Ok(())
}

fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}
