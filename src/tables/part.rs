//! A shard's part (`analyze --shard K/N`): beside its per-document tables, `part.bokashi`
//! holds what `merge` needs to write every table as one run over the whole input would.
//!
//! Format (postcard, see [`PartState`]): `PART_FORMAT` first, so that a part from another
//! layout is refused, not misread; then the shard, the run's identity (the manifest's
//! versions, digests and options, as JSON text, compared byte for byte), the document
//! variables, every analyzed document (its place in the run, id, digest and bytes) in
//! output order, the skipped inputs, and the counts ([`CountsState`]).

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::counts::state::CountsState;
use crate::tables::Output;

/// The layout version of `part.bokashi`.
pub(crate) const PART_FORMAT: u32 = 1;

/// The file name of a part's state.
pub(crate) const PART_FILE: &str = "part.bokashi";

/// One analyzed document of a part: its place in the run (input index, table row), its
/// `doc`, the digest of its text and its bytes.
pub(crate) type DocEntry = (u32, u32, String, [u8; 32], u64);

/// Everything a part holds for the merge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PartState {
    pub(crate) format: u32,
    pub(crate) shard: (u32, u32),
    /// The identity of the run (manifest.json without its counts), as JSON text.
    pub(crate) identity: String,
    pub(crate) variables: Vec<String>,
    /// Whether any document has a group.
    pub(crate) by_group: bool,
    pub(crate) docs: Vec<DocEntry>,
    /// (path, reason as written in skipped.csv).
    pub(crate) skipped: Vec<(String, String)>,
    pub(crate) counts: CountsState,
}

impl PartState {
    /// Write the state into `output`, committed with the tables.
    pub(crate) fn write(&self, output: &mut Output) -> Result<()> {
        let bytes = postcard::to_allocvec(self).context("encoding the part's state")?;
        let path = output.staging().join(PART_FILE);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        output.adopt(PART_FILE);
        Ok(())
    }

    /// Read the state of the part in folder `dir`.
    pub(crate) fn read(dir: &Path) -> Result<PartState> {
        let path = dir.join(PART_FILE);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "{}: not a part (no {PART_FILE}; make parts with analyze --shard K/N)",
                dir.display()
            )
        })?;
        // The format number leads: read it alone first, so that another layout is named.
        let (format, _): (u32, _) = postcard::take_from_bytes(&bytes)
            .with_context(|| format!("{}: unreadable", path.display()))?;
        if format != PART_FORMAT {
            bail!(
                "{}: part format {format}, this bokashi reads {PART_FORMAT}: make the parts with the same bokashi",
                path.display()
            );
        }
        postcard::from_bytes(&bytes).with_context(|| format!("{}: unreadable", path.display()))
    }
}
