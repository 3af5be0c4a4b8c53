//! The per-document tables (documents, doc_terms, numbers, sentences, cues, flags,
//! disclosures): rendered to
//! CSV bytes on the worker that analyzed the document ([`DocRows`]), appended by the
//! writer in document order ([`DocTables`]).
//!
//! Adding a per-document table: its row type in [`crate::tables::rows`], an encoder here
//! (in [`DocRows`], [`Rendered`] and [`DocTables`]), and the stage that fills it in
//! `pipeline/document.rs`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result};

use crate::tables::rows::{
    CueRow, DisclosureRow, DocTermRow, DocumentRow, FlagRow, NumberRow, SentenceRow,
};
use crate::tables::{CsvStyle, Output, RowEncoder, Table};

/// One document's rows, rendered as CSV bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    pub(crate) documents: Vec<u8>,
    pub(crate) doc_terms: Vec<u8>,
    pub(crate) numbers: Vec<u8>,
    pub(crate) sentences: Vec<u8>,
    pub(crate) cues: Vec<u8>,
    pub(crate) flags: Vec<u8>,
    pub(crate) disclosures: Vec<u8>,
    /// For a long document, the first of its numbers, sentences, cues and flags rows, written to
    /// temporary files as they were rendered; the writer copies them before the rows in
    /// memory.
    pub(crate) spilled: Option<Arc<Mutex<SpilledRows>>>,
}

/// The rows of a long document spilled to anonymous temporary files, so that memory does
/// not grow with the size of one document.
#[derive(Debug)]
pub(crate) struct SpilledRows {
    numbers: File,
    sentences: File,
    cues: File,
    flags: File,
}

/// A worker's row encoders, reused from document to document.
pub(crate) struct DocRows {
    pub(crate) documents: RowEncoder,
    pub(crate) doc_terms: RowEncoder,
    pub(crate) numbers: RowEncoder,
    pub(crate) sentences: RowEncoder,
    pub(crate) cues: RowEncoder,
    pub(crate) flags: RowEncoder,
    pub(crate) disclosures: RowEncoder,
    spilled: Option<SpilledRows>,
}

impl DocRows {
    pub(crate) fn new(style: CsvStyle) -> Self {
        DocRows {
            documents: RowEncoder::new(style),
            doc_terms: RowEncoder::new(style),
            numbers: RowEncoder::new(style),
            sentences: RowEncoder::new(style),
            cues: RowEncoder::new(style),
            flags: RowEncoder::new(style),
            disclosures: RowEncoder::new(style),
            spilled: None,
        }
    }

    /// Once the sentence-level rows pass `budget` bytes, move them to temporary files
    /// (made by `file`) — a long document's rows go there as they are made.
    pub(crate) fn spill_over(
        &mut self,
        budget: usize,
        file: impl Fn() -> Result<File>,
    ) -> Result<()> {
        let held = self.numbers.len() + self.sentences.len() + self.cues.len() + self.flags.len();
        if held <= budget {
            return Ok(());
        }
        if self.spilled.is_none() {
            self.spilled = Some(SpilledRows {
                numbers: file()?,
                sentences: file()?,
                cues: file()?,
                flags: file()?,
            });
        }
        if let Some(files) = self.spilled.as_mut() {
            for (rows, file) in [
                (&mut self.numbers, &mut files.numbers),
                (&mut self.sentences, &mut files.sentences),
                (&mut self.cues, &mut files.cues),
                (&mut self.flags, &mut files.flags),
            ] {
                rows.drain_to(file)
                    .context("spilling rows of a long document")?;
            }
        }
        Ok(())
    }

    /// The document's rows, leaving the encoders empty for the next document.
    pub(crate) fn take(&mut self) -> Rendered {
        Rendered {
            documents: self.documents.take(),
            doc_terms: self.doc_terms.take(),
            numbers: self.numbers.take(),
            sentences: self.sentences.take(),
            cues: self.cues.take(),
            flags: self.flags.take(),
            disclosures: self.disclosures.take(),
            spilled: self.spilled.take().map(|rows| Arc::new(Mutex::new(rows))),
        }
    }
}

/// Copy `file` from its start into `table`.
fn copy_spilled<R: serde::Serialize + Default>(
    file: &mut File,
    table: &mut Table<R>,
) -> Result<()> {
    let mut chunk = vec![0u8; 1 << 20];
    file.seek(SeekFrom::Start(0))
        .context("reading spilled rows")?;
    loop {
        let n = file.read(&mut chunk).context("reading spilled rows")?;
        if n == 0 {
            return Ok(());
        }
        table.append(&chunk[..n])?;
    }
}

/// The per-document tables being written, in document order.
pub(crate) struct DocTables {
    documents: Table<DocumentRow>,
    doc_terms: Table<DocTermRow<'static>>,
    numbers: Table<NumberRow<'static>>,
    sentences: Table<SentenceRow<'static>>,
    cues: Table<CueRow<'static>>,
    flags: Table<FlagRow<'static>>,
    disclosures: Table<DisclosureRow<'static>>,
}

impl DocTables {
    /// The tables, documents.csv with a column for each of `variables` after its own.
    pub(crate) fn create(output: &mut Output, variables: &[String]) -> Result<Self> {
        Ok(DocTables {
            documents: output.table_with("documents.csv", variables)?,
            doc_terms: output.table("doc_terms.csv")?,
            numbers: output.table("numbers.csv")?,
            sentences: output.table("sentences.csv")?,
            cues: output.table("cues.csv")?,
            flags: output.table("flags.csv")?,
            disclosures: output.table("disclosures.csv")?,
        })
    }

    /// Append one document's rows (its spilled rows first).
    pub(crate) fn append(&mut self, rows: &Rendered) -> Result<()> {
        self.documents.append(&rows.documents)?;
        self.doc_terms.append(&rows.doc_terms)?;
        if let Some(spilled) = &rows.spilled {
            let mut files = spilled.lock().unwrap_or_else(PoisonError::into_inner);
            copy_spilled(&mut files.numbers, &mut self.numbers)?;
            copy_spilled(&mut files.sentences, &mut self.sentences)?;
            copy_spilled(&mut files.cues, &mut self.cues)?;
            copy_spilled(&mut files.flags, &mut self.flags)?;
        }
        self.numbers.append(&rows.numbers)?;
        self.sentences.append(&rows.sentences)?;
        self.cues.append(&rows.cues)?;
        self.flags.append(&rows.flags)?;
        self.disclosures.append(&rows.disclosures)
    }

    pub(crate) fn finish(self) -> Result<()> {
        self.documents.finish()?;
        self.doc_terms.finish()?;
        self.numbers.finish()?;
        self.sentences.finish()?;
        self.cues.finish()?;
        self.flags.finish()?;
        self.disclosures.finish()
    }
}
