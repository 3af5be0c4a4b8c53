//! The units of work of a run, in input order: a file to read on a worker, or a table's
//! row already read (a table is read, row by row, on the thread that forms the batches,
//! while the workers analyze the batch before).

use std::collections::VecDeque;

use crate::input::table::{Item, Reader, RowDoc};
use crate::input::{Input, Kind, Shard, Skipped, TableOptions};

/// A batch closes when it holds this many bytes of input …
pub(crate) const BATCH_BYTES: u64 = 8 * 1024 * 1024;
/// … or this many documents.
pub(crate) const BATCH_DOCS: usize = 256;

/// Where a document stands in the run: its input's index and its row in a table (0 for a
/// file). Documents are written in this order; merging shards follows it.
pub(crate) type Seq = (u32, u32);

/// One unit of work.
pub(crate) enum Job<'i> {
    /// A text or HTML file, read and decoded by the worker.
    File(&'i Input, Seq),
    /// A row of a table.
    Row(&'i Input, Box<RowDoc>, Seq),
    /// A table or a row of one that cannot be read.
    Skipped(Skipped),
}

impl Job<'_> {
    /// Bytes it stands for, for batching and progress.
    pub(crate) fn size(&self) -> u64 {
        match self {
            Job::File(input, _) => input.size,
            Job::Row(_, row, _) => row.text.len() as u64,
            Job::Skipped(_) => 0,
        }
    }
}

/// The jobs of `inputs`, in order, handed out in batches.
pub(crate) struct Jobs<'i> {
    inputs: std::iter::Enumerate<std::slice::Iter<'i, Input>>,
    /// The table being read, a row at a time: its input, reader, index and rows so far.
    table: Option<(&'i Input, Reader, u32, u32)>,
    /// The next job, looked at but not yet handed out.
    pending: VecDeque<Job<'i>>,
    options: &'i TableOptions,
    shard: Option<Shard>,
}

impl<'i> Jobs<'i> {
    pub(crate) fn new(
        inputs: &'i [Input],
        options: &'i TableOptions,
        shard: Option<Shard>,
    ) -> Self {
        Jobs {
            inputs: inputs.iter().enumerate(),
            table: None,
            pending: VecDeque::new(),
            options,
            shard,
        }
    }

    /// Whether a document or skipped path is this run's (all are without `--shard`).
    fn ours(&self, key: &str) -> bool {
        self.shard.is_none_or(|s| s.holds(key))
    }

    fn push(&mut self, job: Job<'i>) {
        let key = match &job {
            Job::File(input, _) => input.doc.as_str(),
            Job::Row(_, row, _) => row.doc.as_str(),
            Job::Skipped(s) => s.path.as_str(),
        };
        if self.ours(key) {
            self.pending.push_back(job);
        }
    }

    /// The next batch: jobs up to [`BATCH_BYTES`] or [`BATCH_DOCS`] (a single job larger
    /// than the byte limit is a batch of its own); empty when all are handed out.
    pub(crate) fn next_batch(&mut self) -> Vec<Job<'i>> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some(job) = self.peek_size() {
            if !batch.is_empty() && (bytes + job > BATCH_BYTES || batch.len() >= BATCH_DOCS) {
                break;
            }
            bytes += job;
            batch.extend(self.pending.pop_front());
        }
        batch
    }

    /// The size of the next job, reading the next row of a table when it is one.
    fn peek_size(&mut self) -> Option<u64> {
        while self.pending.is_empty() {
            if let Some((input, reader, index, rows)) = &mut self.table {
                let (input, seq) = (*input, (*index, *rows + 1));
                match reader.next_item() {
                    Some(Item::Row(row)) => {
                        *rows += 1;
                        self.push(Job::Row(input, Box::new(row), seq));
                    }
                    Some(Item::Skipped(s)) => self.push(Job::Skipped(s)),
                    None => self.table = None,
                }
                continue;
            }
            let (index, input) = self.inputs.next()?;
            let index = index as u32;
            match input.kind {
                Kind::Text | Kind::Html => self.push(Job::File(input, (index, 0))),
                Kind::Table(format) => {
                    let open = crate::input::read_bytes(input)
                        .and_then(|bytes| Reader::open(input, format, bytes, self.options));
                    match open {
                        Ok(reader) => self.table = Some((input, reader, index, 0)),
                        Err(reason) => self.push(Job::Skipped(Skipped {
                            path: input.display.clone(),
                            reason,
                        })),
                    }
                }
            }
        }
        self.pending.front().map(Job::size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(size: u64) -> Input {
        Input {
            path: "x".into(),
            display: "x".into(),
            doc: "x".into(),
            group: String::new(),
            size,
            kind: Kind::Text,
        }
    }

    #[test]
    fn batches_respect_both_limits_and_keep_order() {
        let mut inputs: Vec<Input> = (0..600).map(|_| input(10)).collect();
        inputs[3].size = BATCH_BYTES; // a huge document closes the batch before it
        let options = TableOptions::default();
        let mut jobs = Jobs::new(&inputs, &options, None);
        let mut sizes = Vec::new();
        loop {
            let batch = jobs.next_batch();
            if batch.is_empty() {
                break;
            }
            sizes.push(batch.len());
        }
        assert_eq!(sizes, vec![3, 1, 256, 256, 84]);
        assert!(Jobs::new(&[], &options, None).next_batch().is_empty());
    }
}
