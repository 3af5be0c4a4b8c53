//! Progress and messages on stderr.
//!
//! A bar (documents and bytes done) is drawn at a few Hz only when stderr is a terminal
//! and `--quiet` is off. Every warning goes through [`Reporter::warn`], which suspends the
//! bar while it prints, so lines never tear the bar, and counts the warnings for the
//! closing summary.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Reporter {
    bar: ProgressBar,
    warnings: AtomicUsize,
}

impl Reporter {
    /// A reporter for `total_bytes` of input in `total_inputs` files.
    pub(crate) fn new(quiet: bool, total_inputs: usize, total_bytes: u64) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr_with_hz(4)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total_bytes), target);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}) {msg}",
        ) {
            bar.set_style(style);
        }
        bar.set_message(format!("0 documents of {total_inputs} input(s)"));
        Reporter {
            bar,
            warnings: AtomicUsize::new(0),
        }
    }

    /// A reporter that never draws (tests, `tokenize`).
    pub fn hidden() -> Self {
        Self::new(true, 0, 0)
    }

    /// Print one warning line on stderr, above the bar.
    pub(crate) fn warn(&self, message: impl std::fmt::Display) {
        self.warnings.fetch_add(1, Ordering::Relaxed);
        let message = message.to_string();
        let message = escape_controls(&message);
        self.bar
            .suspend(|| eprintln!("bokashi: warning: {message}"));
    }

    pub(crate) fn warnings(&self) -> usize {
        self.warnings.load(Ordering::Relaxed)
    }

    /// Advance after a batch is done (tables make the number of documents known only as
    /// they are read, so the bar counts bytes and the message documents done).
    pub(crate) fn advance(&self, bytes: u64, docs_done: usize) {
        self.bar.inc(bytes);
        self.bar.set_message(format!("{docs_done} documents"));
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `text` with control and bidi characters written as `\u{…}`, so that a file name cannot
/// move the cursor, set the terminal's title or reorder the line it is printed in.
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || crate::text::normalize::is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What a finished run did, for the summary line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) analyzed: usize,
    pub(crate) skipped: usize,
    pub(crate) warnings: usize,
}

impl Summary {
    /// The closing line on stderr (none when `quiet`).
    pub(crate) fn print(&self, quiet: bool, seconds: f64, output: &std::path::Path) {
        if quiet {
            return;
        }
        eprintln!(
            "bokashi: {} document(s) analyzed, {} skipped, {} warning(s) in {:.2}s; tables in {}",
            self.analyzed,
            self.skipped,
            self.warnings,
            seconds,
            output.display()
        );
    }
}
