//! Per-stage timings, for `--timings` and the benchmark.
//!
//! Parallel stages report CPU time summed over the worker threads (the time spent in each
//! stage, whichever thread ran it); the sequential stages report wall time. A lap costs a
//! clock read, a few tens of nanoseconds, taken a handful of times per sentence.

use std::time::{Duration, Instant};

/// The stages of the pipeline, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Reading and decoding files (parallel).
    Read,
    /// Sentence split and NFKC normalization (parallel).
    Normalize,
    /// lindera segmentation and feature lookup (parallel).
    Tokenize,
    /// Term extraction (parallel).
    Terms,
    /// Stance cues and rules (parallel).
    Stance,
    /// Numeric expressions (parallel).
    Numbers,
    /// Compliance flags and disclosure items (parallel).
    Compliance,
    /// Co-occurrence units and per-document rows (parallel).
    Rows,
    /// Merging counts and writing per-document rows, in document order (sequential).
    Merge,
    /// Computing scores and writing the corpus tables (sequential).
    Tables,
}

impl Stage {
    pub(crate) const ALL: [Stage; 10] = [
        Stage::Read,
        Stage::Normalize,
        Stage::Tokenize,
        Stage::Terms,
        Stage::Stance,
        Stage::Numbers,
        Stage::Compliance,
        Stage::Rows,
        Stage::Merge,
        Stage::Tables,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Normalize => "normalize",
            Stage::Tokenize => "tokenize",
            Stage::Terms => "terms",
            Stage::Stance => "stance",
            Stage::Numbers => "numbers",
            Stage::Compliance => "compliance",
            Stage::Rows => "rows",
            Stage::Merge => "merge",
            Stage::Tables => "tables",
        }
    }
}

/// Times a sequence of stages: each lap is charged to the stage that just ran.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stopwatch {
    pub(crate) timings: Timings,
    clock: Instant,
}

impl Stopwatch {
    pub(crate) fn start() -> Self {
        Stopwatch {
            timings: Timings::default(),
            clock: Instant::now(),
        }
    }

    /// Start timing afresh (the time since the last lap is charged to no stage).
    pub(crate) fn restart(&mut self) {
        self.clock = Instant::now();
    }

    /// Charge the time since the last lap to `stage`.
    pub(crate) fn lap(&mut self, stage: Stage) {
        self.timings.lap(stage, &mut self.clock);
    }
}

/// Time spent per stage; merged by addition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Timings([Duration; Stage::ALL.len()]);

impl Timings {
    /// Charge the time since `clock` to `stage` and restart the clock.
    pub(crate) fn lap(&mut self, stage: Stage, clock: &mut Instant) {
        let now = Instant::now();
        self.0[stage as usize] += now - *clock;
        *clock = now;
    }

    pub(crate) fn add_to(&mut self, stage: Stage, time: Duration) {
        self.0[stage as usize] += time;
    }

    pub(crate) fn get(&self, stage: Stage) -> Duration {
        self.0[stage as usize]
    }
}

/// The contents of run.json: what ran, how long each stage took, and the throughput.
pub(crate) fn report(
    timings: &Timings,
    wall: f64,
    bytes: u64,
    documents: usize,
    threads: usize,
) -> serde_json::Value {
    let stages: serde_json::Map<String, serde_json::Value> = Stage::ALL
        .iter()
        .map(|s| {
            let secs = (timings.get(*s).as_secs_f64() * 1e4).round() / 1e4;
            (s.name().to_string(), serde_json::json!(secs))
        })
        .collect();
    serde_json::json!({
        "documents": documents,
        "bytes": bytes,
        "threads": threads,
        "wall_seconds": (wall * 1e4).round() / 1e4,
        "mb_per_second": ((bytes as f64 / 1e6 / wall) * 100.0).round() / 100.0,
        "stage_seconds": stages,
        "note": "parallel stages (read … rows) are CPU seconds summed over threads; merge and tables are wall seconds",
    })
}

/// The `--timings` lines on stderr.
pub(crate) fn lines(timings: &Timings, wall: f64, bytes: u64) -> String {
    let mut out = format!(
        "bokashi: timings: {:.3}s wall, {:.2} MB/s; stage seconds:",
        wall,
        bytes as f64 / 1e6 / wall
    );
    for s in Stage::ALL {
        out.push_str(&format!(
            " {} {:.3}",
            s.name(),
            timings.get(s).as_secs_f64()
        ));
    }
    out
}

impl crate::counts::Merge for Timings {
    fn merge(&mut self, other: Timings) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
}
