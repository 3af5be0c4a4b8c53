//! The rows of every output table, one struct per table, fields in the column order of
//! SPEC.md. The CSV header is taken from the field names.

use serde::Serialize;

/// `documents.csv`: one row per analyzed document.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DocumentRow {
    pub doc: String,
    pub group: String,
    /// Characters of the decoded text, line breaks and BOM not counted.
    pub chars: u64,
    pub sentences: u64,
    /// Morphemes, punctuation included, whitespace excluded (as MeCab counts them).
    pub tokens: u64,
}

/// `skipped.csv`: one row per input that was not analyzed.
pub use crate::corpus::Skipped as SkippedRow;
