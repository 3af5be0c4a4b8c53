//! Stage 6: write the CSV tables, atomically.
//!
//! Every table is written into a staging folder inside the output folder and moved into
//! place only when the whole run has succeeded, so an interrupted or failed run leaves the
//! previous tables untouched. Rows are `#[derive(Serialize)]` structs; the header comes
//! from the type's field names, so a table with no rows still has its header.
//!
//! Rows are serialized cell by cell through [`RowSerializer`], which knows text cells from
//! numeric ones. That is what `--excel` needs: a text cell that a spreadsheet would run as
//! a formula is prefixed with `'`, while a numeric cell (a negative log-odds, say) is
//! written as a number and never touched.

pub(crate) mod corpus;
pub(crate) mod documents;
pub(crate) mod part;
pub(crate) mod rows;
pub mod workbook;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde::ser::{self, Impossible};

/// How cells are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CsvStyle {
    /// Spreadsheet-safe output: UTF-8 BOM, formula-like text cells prefixed with `'`.
    pub(crate) excel: bool,
}

/// The output folder and the staging folder inside it.
pub(crate) struct Output {
    dir: PathBuf,
    staging: tempfile::TempDir,
    written: Vec<String>,
    style: CsvStyle,
    /// The folder did not exist before this run: a run that fails removes it again.
    created: bool,
    committed: bool,
    /// The staging folder is a sibling: the commit swaps it with the output folder.
    swap: bool,
    /// The advisory lock on the folder, held until the run ends (dropped last).
    _lock: Option<File>,
}

/// The parent of `dir` (None for the current folder) and the prefix of its sibling
/// staging folders, when `dir` is a real folder (not a link) with a name.
fn sibling_prefix(dir: &Path) -> Option<(Option<PathBuf>, String)> {
    if std::fs::symlink_metadata(dir)
        .ok()?
        .file_type()
        .is_symlink()
    {
        return None;
    }
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf);
    Some((parent, format!(".{name}.bokashi-tmp-")))
}

/// Sibling staging folders of runs killed outright (this run holds the folder's lock).
fn remove_stale_siblings(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(prefix)
            && entry.file_type().is_ok_and(|t| t.is_dir())
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Swap two folders in one atomic rename (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Flush a file or folder to disk.
fn sync(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Mark `dir` as bokashi's output (so that no run reads its tables as documents) and take
/// the marker's advisory lock, without waiting: a second run into the same folder fails
/// at once with a clear message rather than interleaving its tables.
fn lock(dir: &Path) -> Result<Option<File>> {
    let path = dir.join(crate::input::OUTPUT_MARKER);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot write to output directory {}", dir.display()))?;
    if file.metadata().is_ok_and(|m| m.len() == 0) {
        use std::io::Write;
        file.write_all(
            b"This folder holds tables written by bokashi; bokashi never reads it as input.\n",
        )
        .with_context(|| format!("cannot write to output directory {}", dir.display()))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a file descriptor this function owns; no memory is involved.
        let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if !taken {
            bail!(
                "another bokashi run is writing to {}; try again when it has finished",
                dir.display()
            );
        }
        Ok(Some(file))
    }
    #[cfg(not(unix))]
    {
        Ok(Some(file))
    }
}

/// Staging folders left by runs that were killed outright (SIGKILL, power loss): removed
/// once this run holds the folder's lock, so none is in use.
fn remove_stale_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".bokashi-tmp-")
            && entry.file_type().is_ok_and(|t| t.is_dir())
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Files a run writes only when asked (`--timings`, `--xlsx`, not `--no-report`): a run
/// without them removes the one an earlier run left, so that no file in the folder is stale.
const OPTIONAL_OUTPUTS: [&str; 3] = ["run.json", "bokashi.xlsx", "report.html"];

impl Output {
    /// Create (if needed) and check the output folder before any work is done.
    pub(crate) fn prepare(dir: &Path, style: CsvStyle) -> Result<Self> {
        if dir.exists() && !dir.is_dir() {
            bail!(
                "output path {} exists and is not a directory",
                dir.display()
            );
        }
        let created = !dir.exists();
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output directory {}", dir.display()))?;

        let lock = lock(dir)?;
        remove_stale_staging(dir);
        // The new folder is built beside the old one, so that the commit can swap the two
        // in one rename; inside it when its parent cannot be written to (or it is a link).
        let sibling = sibling_prefix(dir).and_then(|(parent, prefix)| {
            if let Some(parent) = &parent {
                remove_stale_siblings(parent, &prefix);
            }
            let parent = parent.unwrap_or_else(|| PathBuf::from("."));
            tempfile::Builder::new()
                .prefix(&prefix)
                .tempdir_in(parent)
                .ok()
        });
        let swap = sibling.is_some();
        let staging = match sibling {
            Some(staging) => staging,
            None => tempfile::Builder::new()
                .prefix(".bokashi-tmp-")
                .tempdir_in(dir)
                .with_context(|| format!("cannot write to output directory {}", dir.display()))?,
        };
        Ok(Output {
            dir: dir.to_path_buf(),
            swap,
            staging,
            written: Vec::new(),
            style,
            created,
            committed: false,
            _lock: lock,
        })
    }

    /// Start a table `name` (e.g. `documents.csv`) in the staging folder.
    pub(crate) fn table<R: Serialize + Default>(&mut self, name: &str) -> Result<Table<R>> {
        self.table_with(name, &[])
    }

    /// A table whose rows end with `extra` columns after their row type's (the document
    /// variables of documents.csv).
    pub(crate) fn table_with<R: Serialize + Default>(
        &mut self,
        name: &str,
        extra: &[String],
    ) -> Result<Table<R>> {
        let path = self.staging.path().join(name);
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        self.written.push(name.to_string());
        let out = BufWriter::with_capacity(256 * 1024, file);
        Table::with_columns(out, name, self.style, extra)
    }

    /// The staging folder, for files written other than as tables.
    pub(crate) fn staging(&self) -> &Path {
        self.staging.path()
    }

    /// The CSV tables written so far, in the order they were started.
    pub(crate) fn tables(&self) -> Vec<String> {
        self.written
            .iter()
            .filter(|n| n.ends_with(".csv"))
            .cloned()
            .collect()
    }

    /// Write `value` as pretty JSON to `name`, committed with the tables.
    pub(crate) fn write_json(&mut self, name: &str, value: &serde_json::Value) -> Result<()> {
        let mut file =
            File::create(self.staging().join(name)).with_context(|| format!("writing {name}"))?;
        serde_json::to_writer_pretty(&mut file, value)
            .with_context(|| format!("writing {name}"))?;
        self.adopt(name);
        Ok(())
    }

    /// Move `name`, written into the staging folder by hand, into place with the tables.
    pub(crate) fn adopt(&mut self, name: &str) {
        self.written.push(name.to_string());
    }

    /// Move every finished table into the output folder; the staging folder goes away.
    pub(crate) fn commit(mut self) -> Result<Vec<PathBuf>> {
        self.committed = true;
        for stale in OPTIONAL_OUTPUTS {
            if !self.written.iter().any(|w| w == stale) {
                let path = self.dir.join(stale);
                if path.is_file() {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("cannot remove the stale {}", path.display()))?;
                }
            }
        }
        if self.swap && self.try_swap()? {
            return Ok(self.written.iter().map(|n| self.dir.join(n)).collect());
        }
        let mut moved = Vec::new();
        for name in &self.written {
            let from = self.staging.path().join(name);
            let to = self.dir.join(name);
            std::fs::rename(&from, &to)
                .with_context(|| format!("cannot move {} into place", to.display()))?;
            moved.push(to);
        }
        Ok(moved)
    }

    /// Commit by swapping the complete new folder with the old one in one rename: the
    /// folder holds either every old table or every new one, whenever the run is killed.
    /// Files of the old folder this run does not replace (other than stale optional
    /// outputs and staging folders) are linked into the new one first. Returns false,
    /// having changed nothing, when the swap cannot be used (a subfolder of the user's in
    /// the output folder, another file system, no `renameat2`): the tables are then moved
    /// one by one.
    fn try_swap(&mut self) -> Result<bool> {
        let staging = self.staging.path().to_path_buf();
        let mut carried = Vec::new();
        for entry in std::fs::read_dir(&self.dir)
            .with_context(|| format!("reading {}", self.dir.display()))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = self.written.contains(&name)
                || OPTIONAL_OUTPUTS.contains(&name.as_str())
                || name.starts_with(".bokashi-tmp-");
            if ours {
                continue;
            }
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                return Ok(false);
            }
            carried.push(name);
        }
        for name in &carried {
            let (from, to) = (self.dir.join(name), staging.join(name));
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to)
                    .with_context(|| format!("carrying {} over", from.display()))?;
            }
        }
        // Working folders of the run (spilled pairs) are done with: not part of the output.
        for entry in std::fs::read_dir(&staging)
            .with_context(|| format!("reading {}", staging.display()))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !self.written.contains(&name) && !carried.contains(&name) {
                let path = entry.path();
                let _ = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
        for name in &self.written {
            sync(&staging.join(name)).with_context(|| format!("flushing {name}"))?;
        }
        sync(&staging).context("flushing the new tables")?;
        if exchange(&staging, &self.dir).is_err() {
            for name in &carried {
                let _ = std::fs::remove_file(staging.join(name));
            }
            return Ok(false);
        }
        if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = sync(parent);
        }
        // The staging path now holds the old folder: it goes with the guard.
        Ok(true)
    }
}

impl Drop for Output {
    /// A run that did not commit leaves no folder it created (its staging folder goes with
    /// it; the marker too, and then the folder when nothing else is in it).
    fn drop(&mut self) {
        if self.committed || !self.created {
            return;
        }
        let _ = std::fs::remove_dir_all(self.staging.path());
        let _ = std::fs::remove_file(self.dir.join(crate::input::OUTPUT_MARKER));
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Encodes rows as CSV bytes (RFC 4180, quoting only where needed, `\n` line ends, as the
/// csv crate writes them), with the table style. Used by [`Table`] and by the workers,
/// which render their documents' rows in parallel for the writer to append in document
/// order.
///
/// Cells are serialized straight into the row bytes: the tables hold millions of cells and
/// almost none needs quoting, so a cell is copied as is unless csv-core says it must be
/// quoted, and only then goes through csv-core's quoting.
pub(crate) struct RowEncoder {
    core: csv_core::Writer,
    bytes: Vec<u8>,
    /// A cell to be quoted, with its `--excel` prefix.
    quoted: Vec<u8>,
    /// Cells written in the current record, and where its bytes start.
    fields: usize,
    record_start: usize,
    excel: bool,
}

impl RowEncoder {
    pub(crate) fn new(style: CsvStyle) -> Self {
        RowEncoder {
            core: csv_core::WriterBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            bytes: Vec::new(),
            quoted: Vec::new(),
            fields: 0,
            record_start: 0,
            excel: style.excel,
        }
    }

    /// Append one row (any flat `Serialize` struct); a row that cannot be serialized
    /// leaves nothing behind.
    pub(crate) fn encode<T: Serialize>(&mut self, row: &T) -> Result<()> {
        self.encode_with(row, std::iter::empty())
    }

    /// [`RowEncoder::encode`] with `extra` text cells after the row's.
    pub(crate) fn encode_with<'x, T: Serialize>(
        &mut self,
        row: &T,
        extra: impl Iterator<Item = &'x str>,
    ) -> Result<()> {
        self.begin_record();
        let result = row.serialize(RowSerializer {
            encoder: self,
            keys: None,
        });
        if let Err(e) = result {
            self.bytes.truncate(self.record_start);
            return Err(e.into());
        }
        for cell in extra {
            self.text_cell(cell);
        }
        self.end_record();
        Ok(())
    }

    fn begin_record(&mut self) {
        self.fields = 0;
        self.record_start = self.bytes.len();
    }

    /// Close the record; a record of one empty cell is written `""`, as csv-core does, so
    /// that it is not read back as an empty line.
    fn end_record(&mut self) {
        if self.bytes.len() == self.record_start {
            self.bytes.extend_from_slice(b"\"\"");
        }
        self.bytes.push(b'\n');
    }

    /// The delimiter before every cell but the first of the record.
    fn begin_cell(&mut self) {
        if self.fields > 0 {
            self.bytes.push(b',');
        }
        self.fields += 1;
    }

    /// Append a text cell, neutralized under `--excel` when a spreadsheet would run it.
    fn text_cell(&mut self, s: &str) {
        let prefix = (self.excel && is_formula_like(s)).then_some(b'\'');
        self.cell(prefix, s.as_bytes());
    }

    /// Append one cell: `prefix` (the `--excel` neutralizer) then `cell`.
    #[inline]
    fn cell(&mut self, prefix: Option<u8>, cell: &[u8]) {
        self.begin_cell();
        // The prefix (`'`) never needs quoting, so the cell alone decides.
        if !needs_quotes(cell) {
            self.bytes.extend(prefix);
            self.bytes.extend_from_slice(cell);
            return;
        }
        self.quoted_cell(prefix, cell);
    }

    /// [`RowEncoder::cell`] for a cell with a comma, a quote or a line break (rare).
    #[inline(never)]
    fn quoted_cell(&mut self, prefix: Option<u8>, cell: &[u8]) {
        self.quoted.clear();
        self.quoted.extend(prefix);
        self.quoted.extend_from_slice(cell);
        // csv-core writes at most 2 + 2n bytes for the field, and 1 to close the quotes.
        let at = self.bytes.len();
        self.bytes.resize(at + 3 + 2 * self.quoted.len(), 0);
        let (_, _, n) = self.core.field(&self.quoted, &mut self.bytes[at..]);
        let (_, closed) = self.core.finish(&mut self.bytes[at + n..]);
        self.bytes.truncate(at + n + closed);
    }

    /// Append a cell that never needs quoting (a number), written by `write`.
    fn unquoted_cell(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result<(), CellError> {
        self.begin_cell();
        write(&mut self.bytes).map_err(|e| CellError(e.to_string()))
    }

    /// Append a finite float as Rust's `Display` writes it (the shortest decimal that
    /// reads back as the same float, never in exponent form).
    ///
    /// The scores are rounded to 4 decimals, and formatting a float the general way costs
    /// hundreds of instructions: a value on the 10⁻⁴ grid is written from its integer
    /// ([`crate::stages::numbers::grid_units`]), which gives the same shortest round-trip form.
    fn float_cell(&mut self, v: f64) -> Result<(), CellError> {
        if let Some(n) = crate::stages::numbers::grid_units(v) {
            self.begin_cell();
            crate::stages::numbers::write_grid(n, &mut self.bytes);
            return Ok(());
        }
        self.unquoted_cell(|out| write!(out, "{v}"))
    }

    fn header(&mut self, keys: &[String]) {
        self.begin_record();
        for key in keys {
            self.cell(None, key.as_bytes());
        }
        self.end_record();
    }

    /// The bytes encoded so far, leaving the encoder empty.
    /// The next rows start in a buffer as large as these (documents are alike): no
    /// chain of reallocations per document.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        let capacity = self.bytes.len().next_power_of_two();
        std::mem::replace(&mut self.bytes, Vec::with_capacity(capacity))
    }

    /// Bytes encoded so far.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Write the bytes encoded so far to `out` and forget them.
    pub(crate) fn drain_to(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(&self.bytes)?;
        self.bytes.clear();
        Ok(())
    }

    /// Write the bytes encoded so far to `out` and forget them.
    fn drain_into(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(&self.bytes)?;
        self.bytes.clear();
        Ok(())
    }
}

/// Whether csv-core (as the encoder configures it) would quote `cell`: it holds a comma,
/// a quote or a line break. Long cells (sentences) are searched with memchr; short ones
/// (terms, ids: most cells) eight bytes at a time: the four bytes all lie below 0x2D, and
/// a cell without any byte below 0x2D (Japanese text, words, numbers) needs no quotes.
fn needs_quotes(cell: &[u8]) -> bool {
    const SHORT: usize = 32;
    if cell.len() >= SHORT {
        return memchr::memchr3(b',', b'"', b'\n', cell).is_some()
            || memchr::memchr(b'\r', cell).is_some();
    }
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // Whether a byte of `x` is below 0x2D (exact for a bound up to 0x80).
    let has_low = |x: u64| x.wrapping_sub(ONES * 0x2D) & !x & HIGH != 0;
    let mut chunks = cell.chunks_exact(8);
    let mut low = chunks.by_ref().fold(false, |low, c| {
        low | has_low(u64::from_le_bytes(c.try_into().unwrap_or_default()))
    });
    low |= chunks.remainder().iter().any(|&b| b < 0x2D);
    low && cell
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// A CSV table of rows of type `R`.
pub(crate) struct Table<R> {
    name: String,
    out: Box<dyn Write + Send>,
    encoder: RowEncoder,
    _rows: PhantomData<fn(&R)>,
}

impl<R: Serialize + Default> Table<R> {
    /// A table writing into any writer.
    #[cfg(test)]
    pub(crate) fn new(
        out: impl Write + Send + 'static,
        name: &str,
        style: CsvStyle,
    ) -> Result<Self> {
        Self::with_columns(out, name, style, &[])
    }

    /// [`Table::new`] with `extra` columns after the row type's.
    fn with_columns(
        out: impl Write + Send + 'static,
        name: &str,
        style: CsvStyle,
        extra: &[String],
    ) -> Result<Self> {
        let mut out: Box<dyn Write + Send> = Box::new(out);
        if style.excel {
            out.write_all("\u{FEFF}".as_bytes())
                .with_context(|| format!("writing {name}"))?;
        }
        let mut table = Table {
            name: name.to_string(),
            out,
            encoder: RowEncoder::new(style),
            _rows: PhantomData,
        };
        let mut header = header_of(&R::default())?;
        header.extend(extra.iter().cloned());
        table.encoder.header(&header);
        table.flush_encoder()?;
        Ok(table)
    }

    pub(crate) fn write(&mut self, row: &R) -> Result<()> {
        self.encoder
            .encode(row)
            .with_context(|| format!("serializing a row of {}", self.name))?;
        self.flush_encoder()
    }

    /// Append rows a [`RowEncoder`] rendered elsewhere (with the same style).
    pub(crate) fn append(&mut self, rows: &[u8]) -> Result<()> {
        self.out
            .write_all(rows)
            .with_context(|| format!("writing {}", self.name))
    }

    fn flush_encoder(&mut self) -> Result<()> {
        self.encoder
            .drain_into(&mut self.out)
            .with_context(|| format!("writing {}", self.name))
    }

    /// Flush and check: a writer's `Drop` would swallow the error.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.out
            .flush()
            .with_context(|| format!("writing {}", self.name))
    }
}

/// The field names of a row type, from a default instance.
fn header_of<R: Serialize>(row: &R) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    row.serialize(RowSerializer {
        encoder: &mut RowEncoder::new(CsvStyle::default()),
        keys: Some(&mut keys),
    })?;
    Ok(keys)
}

/// A finished table read back (the workbook, the report), its `--excel` BOM skipped.
pub(crate) fn read_table(path: &Path) -> Result<csv::Reader<std::io::BufReader<std::fs::File>>> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut buf = std::io::BufReader::new(file);
    // Skip a UTF-8 BOM (--excel).
    {
        use std::io::BufRead;
        let head = buf.fill_buf()?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            buf.consume(3);
        }
    }
    Ok(csv::ReaderBuilder::new().has_headers(true).from_reader(buf))
}

/// A cell without the `'` that `--excel` adds before `= + - @ TAB CR` (and their
/// full-width forms).
pub(crate) fn unprefixed(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) =>
        {
            rest
        }
        _ => cell,
    }
}

/// Whether a spreadsheet would treat a text cell starting like this as a formula.
pub(crate) fn is_formula_like(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) || cell.starts_with(['＝', '＋', '－', '＠'])
}

#[derive(Debug)]
pub(crate) struct CellError(String);

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for CellError {}
impl ser::Error for CellError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        CellError(msg.to_string())
    }
}

/// Serializes a flat struct into one cell per field.
struct RowSerializer<'a> {
    encoder: &'a mut RowEncoder,
    keys: Option<&'a mut Vec<String>>,
}

impl ser::SerializeStruct for RowSerializer<'_> {
    type Ok = ();
    type Error = CellError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        if let Some(keys) = self.keys.as_mut() {
            keys.push(key.to_string());
        }
        value.serialize(CellSerializer {
            encoder: self.encoder,
        })
    }
    fn end(self) -> Result<(), CellError> {
        Ok(())
    }
}

macro_rules! unsupported {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, CellError> {
            Err(CellError(concat!("table rows cannot contain ", stringify!($method)).into()))
        })*
    };
}

impl<'a> ser::Serializer for RowSerializer<'a> {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Impossible<(), CellError>;
    type SerializeTuple = Impossible<(), CellError>;
    type SerializeTupleStruct = Impossible<(), CellError>;
    type SerializeTupleVariant = Impossible<(), CellError>;
    type SerializeMap = Impossible<(), CellError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), CellError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, CellError> {
        Ok(self)
    }

    unsupported! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> (); serialize_i16(i16) -> (); serialize_i32(i32) -> ();
        serialize_i64(i64) -> (); serialize_u8(u8) -> (); serialize_u16(u16) -> ();
        serialize_u32(u32) -> (); serialize_u64(u64) -> (); serialize_f32(f32) -> ();
        serialize_f64(f64) -> (); serialize_char(char) -> (); serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> (); serialize_none() -> (); serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), CellError> {
        Err(CellError("a table row must be a struct".into()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        Err(CellError("a table row must be a struct".into()))
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        Err(CellError("a table row must be a struct".into()))
    }
}

/// Serializes one cell: text (neutralized under `--excel`), an integer, or a float in plain
/// decimal (never scientific notation; NaN and infinities are written as an empty cell).
struct CellSerializer<'a> {
    encoder: &'a mut RowEncoder,
}

impl CellSerializer<'_> {
    fn text(self, s: &str) -> Result<(), CellError> {
        self.encoder.text_cell(s);
        Ok(())
    }
    fn int(self, v: impl itoa::Integer) -> Result<(), CellError> {
        self.encoder.begin_cell();
        self.encoder
            .bytes
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn empty(self) -> Result<(), CellError> {
        self.encoder.cell(None, b"");
        Ok(())
    }
}

impl ser::Serializer for CellSerializer<'_> {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Impossible<(), CellError>;
    type SerializeTuple = Impossible<(), CellError>;
    type SerializeTupleStruct = Impossible<(), CellError>;
    type SerializeTupleVariant = Impossible<(), CellError>;
    type SerializeMap = Impossible<(), CellError>;
    type SerializeStruct = Impossible<(), CellError>;
    type SerializeStructVariant = Impossible<(), CellError>;

    fn serialize_bool(self, v: bool) -> Result<(), CellError> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), CellError> {
        self.int(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), CellError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), CellError> {
        if v.is_finite() {
            // Rust's Display for f64 is the shortest round-trip decimal, never exponent form.
            let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
            self.encoder.float_cell(v)
        } else {
            self.empty()
        }
    }
    fn serialize_char(self, v: char) -> Result<(), CellError> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), CellError> {
        self.text(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), CellError> {
        self.text(&String::from_utf8_lossy(v))
    }
    fn serialize_none(self) -> Result<(), CellError> {
        self.empty()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), CellError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CellError> {
        self.empty()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CellError> {
        self.empty()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CellError> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(self)
    }
    unsupported! {
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Serialize, Default)]
    struct Row {
        text: String,
        count: u64,
        score: f64,
        maybe: Option<f64>,
    }

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn render(excel: bool, rows: &[Row]) -> String {
        let buf = Shared::default();
        let mut t: Table<Row> = Table::new(buf.clone(), "t.csv", CsvStyle { excel }).unwrap();
        for r in rows {
            t.write(r).unwrap();
        }
        t.finish().unwrap();
        String::from_utf8(buf.0.lock().unwrap().clone()).unwrap()
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                text: "=HYPERLINK(\"http://x\",\"y\")".into(),
                count: 3,
                score: -0.25,
                maybe: None,
            },
            Row {
                text: "-5%".into(),
                count: 0,
                score: 1e21,
                maybe: Some(f64::NAN),
            },
            Row {
                text: "軟骨, 再生".into(),
                count: 1,
                score: 0.000001,
                maybe: Some(2.5),
            },
        ]
    }

    #[test]
    fn header_comes_from_the_type_and_floats_are_plain_decimal() {
        assert_eq!(
            render(false, &rows()),
            "text,count,score,maybe\n\
             \"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3,-0.25,\n\
             -5%,0,1000000000000000000000,\n\
             \"軟骨, 再生\",1,0.000001,2.5\n"
        );
        assert_eq!(render(false, &[]), "text,count,score,maybe\n");
    }

    fn float_cell(v: f64) -> String {
        let mut enc = RowEncoder::new(CsvStyle::default());
        enc.float_cell(v).unwrap();
        String::from_utf8(enc.bytes).unwrap()
    }

    #[test]
    fn floats_are_written_as_display_writes_them() {
        for v in [
            0.0,
            1.0,
            -1.0,
            0.5,
            0.0001,
            -0.0001,
            0.001,
            0.1234,
            12.3456,
            99999.9999,
            1e10,
            1e11,
            3e11,
            1e21,
            0.00001,
            1.23456,
            0.1 + 0.2,
            1.0 / 3.0,
            2.5e-7,
            -7.25,
        ] {
            assert_eq!(float_cell(v), format!("{v}"), "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn rounded_and_arbitrary_floats_are_written_as_display_writes_them(
            n in -2_000_000_000_000_000i64..2_000_000_000_000_000,
            bits in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        ) {
            for v in [n as f64 / 1e4, (n % 100_000_000) as f64 / 1e4, bits] {
                let v = if v == 0.0 { 0.0 } else { v };
                proptest::prop_assert_eq!(float_cell(v), format!("{v}"));
            }
        }
    }

    #[test]
    fn the_quoting_test_is_csv_cores() {
        let core = RowEncoder::new(CsvStyle::default()).core;
        for b in 0..=255u8 {
            for cell in [
                vec![b],
                vec![b'a', b, b'b'],
                [b"0123456789abcdef".as_slice(), &[b]].concat(),
                // Inside the first and the second eight-byte word, among UTF-8 bytes.
                [b"0123".as_slice(), &[b], b"4567890"].concat(),
                ["あい".as_bytes(), b"ab", &[b], "う".as_bytes()].concat(),
                [b"01234567abc".as_slice(), &[b], b"defgh"].concat(),
                // Past the short-cell cut: the memchr path.
                [b"0123456789abcdef".repeat(4).as_slice(), &[b]].concat(),
            ] {
                assert_eq!(needs_quotes(&cell), core.should_quote(&cell), "{cell:?}");
            }
        }
    }

    #[test]
    fn a_lone_empty_cell_is_quoted_and_a_failed_row_leaves_nothing() {
        #[derive(Serialize)]
        struct One {
            text: &'static str,
        }
        #[derive(Serialize)]
        struct Bad {
            text: &'static str,
            list: Vec<u8>,
        }
        let mut enc = RowEncoder::new(CsvStyle::default());
        enc.encode(&One { text: "" }).unwrap();
        enc.encode(&One { text: "a\"b" }).unwrap();
        assert!(
            enc.encode(&Bad {
                text: "x",
                list: vec![1]
            })
            .is_err()
        );
        enc.encode(&One { text: "c" }).unwrap();
        assert_eq!(enc.take(), b"\"\"\n\"a\"\"b\"\nc\n");
    }

    #[test]
    fn excel_style_adds_a_bom_and_neutralizes_text_cells_only() {
        let out = render(true, &rows());
        assert!(out.starts_with('\u{FEFF}'));
        assert_eq!(
            &out['\u{FEFF}'.len_utf8()..],
            "text,count,score,maybe\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3,-0.25,\n\
             '-5%,0,1000000000000000000000,\n\
             \"軟骨, 再生\",1,0.000001,2.5\n"
        );
    }

    #[test]
    fn output_is_staged_and_moved_into_place_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");
        std::fs::create_dir_all(&out_dir).unwrap();
        std::fs::write(out_dir.join("t.csv"), "old\n").unwrap();
        let mut output = Output::prepare(&out_dir, CsvStyle::default()).unwrap();
        let mut t: Table<Row> = output.table("t.csv").unwrap();
        t.write(&Row::default()).unwrap();
        t.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(out_dir.join("t.csv")).unwrap(),
            "old\n"
        );
        output.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out_dir.join("t.csv")).unwrap(),
            "text,count,score,maybe\n,0,0,\n"
        );
        let mut leftovers: Vec<String> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        leftovers.sort();
        assert_eq!(
            leftovers,
            [crate::input::OUTPUT_MARKER, "t.csv"],
            "staging folder removed, marker written"
        );
    }

    #[test]
    fn an_output_path_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out");
        std::fs::write(&file, "x").unwrap();
        let err = Output::prepare(&file, CsvStyle::default()).err().unwrap();
        assert!(err.to_string().contains("is not a directory"), "{err}");
    }
}
