//! `bokashi segment` (hidden): lindera segmentation alone, on all threads, with no other
//! stage and no output but a token count — the tokenizer's own speed limit, which the
//! benchmark compares the full pipeline against.

use std::time::Instant;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::cli::Settings;
use crate::corpus;
use crate::tokenize::Tokenizer;

/// Tokens counted, bytes read, seconds taken.
pub fn run(settings: &Settings) -> Result<(u64, u64, f64)> {
    let started = Instant::now();
    let (inputs, _) = corpus::discover(&settings.inputs);
    if inputs.is_empty() {
        bail!("nothing to segment");
    }
    let tokenizer = Tokenizer::new(&settings.user_dictionaries)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build()?;
    let (tokens, bytes) = pool.install(|| {
        inputs
            .par_iter()
            .map_init(
                || (tokenizer.worker(), Vec::new()),
                |(worker, out), input| {
                    let Ok(doc) = corpus::read(input) else {
                        return (0u64, 0u64);
                    };
                    let mut n = 0;
                    for line in doc.decoded.text.lines() {
                        if worker.tokenize(line, out).is_ok() {
                            n += out.len() as u64;
                        }
                    }
                    (n, input.size)
                },
            )
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    Ok((tokens, bytes, started.elapsed().as_secs_f64()))
}
