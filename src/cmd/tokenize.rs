//! `bokashi tokenize [FILE|TEXT]`: MeCab-format tokens of the text as the pipeline sees it.
//!
//! Each input line is split into sentences, normalized (NFKC) and tokenized exactly as
//! `analyze` does; each token prints as `surface<TAB>9 IPADIC features`, and `EOS` closes
//! every input line (blank lines included), so the output lines up with MeCab's.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::input::decode;
use crate::morph::tokenize::Tokenizer;
use crate::resources::Source;
use crate::text::normalize::Normalized;
use crate::text::sentence;

pub(crate) fn run(
    file: Option<&Path>,
    user_dictionaries: &[Source],
    out: &mut dyn Write,
) -> Result<()> {
    // An argument that names no file and does not look like a path is the text itself
    // (`bokashi tokenize 副作用は一切ありません`); a missing `notes.txt` is still an error.
    if let Some(arg) = file
        && !arg.exists()
        && !looks_like_path(arg)
    {
        let tokenizer = Tokenizer::new(user_dictionaries)?;
        let text = arg.to_string_lossy();
        return tokenize_text(&tokenizer, &format!("{text}\n"), out);
    }
    let bytes = match file {
        Some(path) => std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .context("reading standard input")?;
            buf
        }
    };
    let name = file.map_or("standard input".to_string(), |p| p.display().to_string());
    let decoded = decode::decode(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let tokenizer = Tokenizer::new(user_dictionaries)?;
    tokenize_text(&tokenizer, &decoded.text, out)
}

/// A path separator, or an ASCII file extension (notes.txt, data.csv).
fn looks_like_path(arg: &Path) -> bool {
    let s = arg.to_string_lossy();
    s.contains('/')
        || s.contains('\\')
        || arg.extension().is_some_and(|e| {
            !e.is_empty()
                && e.to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric())
        })
}

/// Print the MeCab-format analysis of `text`.
pub(crate) fn tokenize_text(tokenizer: &Tokenizer, text: &str, out: &mut dyn Write) -> Result<()> {
    let mut worker = tokenizer.worker();
    let mut norm = Normalized::default();
    let mut tokens = Vec::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_none() && line.is_empty() {
            break; // the text's final newline does not start another line
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        for range in sentence::split(line) {
            norm.rebuild(&line[range]);
            worker.tokenize(&norm.text, &mut tokens);
            for token in &tokens {
                writeln!(
                    out,
                    "{}\t{}",
                    &norm.text[token.range()],
                    tokenizer.details(token.word).join(",")
                )?;
            }
        }
        writeln!(out, "EOS")?;
    }
    out.flush()?;
    Ok(())
}
