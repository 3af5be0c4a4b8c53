//! `bokashi segment` (hidden): lindera segmentation alone, on all threads, with no other
//! stage and no output but a token count — the tokenizer's own speed limit, which the
//! benchmark compares the full pipeline against.
//!
//! By default it runs the pipeline's own lattice-direct [`Worker`](crate::morph::tokenize::Worker)
//! (the strictest reference: exactly the tokenization `analyze` does). With
//! `--lindera-api` it runs lindera's public `SegmentWorker` instead, which also builds
//! lindera's `Token`s: what a plain lindera user gets. Both count the same tokens.

use std::time::Instant;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::cli::Settings;
use crate::input;
use crate::morph::tokenize::Tokenizer;

/// Tokens counted, bytes read, seconds taken.
pub(crate) fn run(settings: &Settings, lindera_api: bool) -> Result<(u64, u64, f64)> {
    let started = Instant::now();
    let (inputs, _) = input::discover(&settings.inputs);
    if inputs.is_empty() {
        bail!("nothing to segment");
    }
    let tokenizer = Tokenizer::new(&settings.pipeline.user_dictionaries)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs)
        .build()?;
    let (tokens, bytes) = pool.install(|| {
        inputs
            .par_iter()
            .map_init(
                || {
                    let stock = lindera_api.then(|| tokenizer.segmenter().new_worker());
                    (tokenizer.worker(), stock, Vec::new())
                },
                |(worker, stock, out), input| {
                    let Ok(doc) = input::read(input) else {
                        return (0u64, 0u64);
                    };
                    let mut n = 0;
                    for line in doc.decoded.text.lines() {
                        n += match stock {
                            Some(stock) => stock.segment(line).map_or(0, |t| t.len()),
                            None => {
                                worker.tokenize(line, out);
                                out.len()
                            }
                        } as u64;
                    }
                    (n, input.size)
                },
            )
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    Ok((tokens, bytes, started.elapsed().as_secs_f64()))
}
