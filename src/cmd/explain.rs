//! `bokashi explain [TEXT]...`: each sentence's stance and why — its cues with category,
//! surface as written and the rule that found them, its numbers, its compliance flags and
//! the disclosure items it states — to refine a lexicon or a rule file, or to check a label.

use std::io::{Read, Write};

use anyhow::{Context, Result};

use crate::cmd::inspect::{Inspector, ShownSentence};
use crate::input::decode;

/// The text to explain: the arguments (one line each), or standard input.
pub(crate) fn input(text: &[String]) -> Result<String> {
    if !text.is_empty() {
        return Ok(text.join("\n"));
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .context("reading standard input")?;
    let decoded = decode::decode(&buf).map_err(|e| anyhow::anyhow!("standard input: {e}"))?;
    Ok(decoded.text)
}

pub(crate) fn run(inspector: &Inspector, text: &str, out: &mut dyn Write) -> Result<()> {
    for s in inspector.sentences(text) {
        write_sentence(&s, out)?;
    }
    out.flush()?;
    Ok(())
}

/// One sentence: a header line, then a line per cue and per number.
fn write_sentence(s: &ShownSentence, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "[{}] {}  {}", s.no, s.stance.as_str(), s.text)?;
    if s.cues.is_empty() {
        writeln!(out, "    (no cue)")?;
    }
    for c in &s.cues {
        writeln!(
            out,
            "    {:<8} {:<15} 「{}」 cue={} rule={}",
            c.stance, c.category, c.surface, c.cue, c.rule
        )?;
    }
    for n in &s.numbers {
        let o = &n.occ;
        let value = match o.date_cell() {
            d if !d.is_empty() => format!("date {d}"),
            _ => {
                let (lo, hi) = (o.value_min.number_cell(), o.value_max.number_cell());
                if lo == hi { lo } else { format!("{lo}..{hi}") }
            }
        };
        let mut extra = Vec::new();
        if !o.unit.is_empty() {
            extra.push(o.unit.to_string());
        }
        extra.push(format!("{:?}", o.kind).to_lowercase());
        let q = o.qualifier_text();
        if !q.is_empty() {
            extra.push(q);
        }
        if let Some(per) = o.per {
            extra.push(format!("per {per}"));
        }
        if o.outcome {
            extra.push("outcome".into());
        }
        writeln!(
            out,
            "    number   「{}」 {} ({})",
            n.surface,
            value,
            extra.join(", ")
        )?;
    }
    for f in &s.flags {
        writeln!(
            out,
            "    flag     {:<6} {} {} 「{}」",
            f.severity, f.category, f.rule_id, f.surface
        )?;
    }
    if !s.items.is_empty() {
        writeln!(out, "    states   {}", s.items.join("、"))?;
    }
    Ok(())
}
