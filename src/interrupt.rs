//! Ctrl-C and SIGTERM: stop promptly and leave the output folder as it was.
//!
//! The signal handler only raises a flag. Workers check it before each document (and every
//! few hundred sentences inside a long one), the pipeline stops after the current batch, and
//! the run returns [`Interrupted`]; dropping the staging folder on the way out removes
//! every half-written table, so the previous tables stay untouched.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The run was stopped by a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// A flag raised by SIGINT/SIGTERM (or by hand, in tests).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag raised by Ctrl-C and SIGTERM. Only the first call in a process installs the
    /// handler; later flags are plain flags.
    pub(crate) fn on_signals() -> Self {
        let cancel = Cancel::default();
        let flag = cancel.0.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
        cancel
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Interrupted)` once the flag is raised.
    pub(crate) fn check(&self) -> Result<(), Interrupted> {
        if self.is_cancelled() {
            Err(Interrupted)
        } else {
            Ok(())
        }
    }
}
