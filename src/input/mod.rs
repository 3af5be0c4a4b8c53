//! Stage 1a: find the documents of a corpus and read them.
//!
//! Inputs are files and directories; directories are walked recursively (following
//! symbolic links, with loops detected) and hidden entries (`.git`, `.DS_Store`) are
//! passed over. Every document gets its `doc` id (the path relative to its input root,
//! with `/`) and its `group` (the first folder below the root), and the list is sorted by
//! `doc` so that output never depends on the order the file system lists entries in.
//!
//! Nothing here stops a run: a path that cannot be listed or read becomes a [`Skipped`]
//! entry with its reason, and the run goes on.

pub mod decode;
mod html;
mod skip;
pub mod table;

pub use skip::{SkipReason, SpecialFile};
pub use table::{TableFormat, TableOptions};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use decode::Decoded;

/// A file to analyze.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where to read it.
    pub path: PathBuf,
    /// The path as the user named it (input argument joined with the relative path).
    pub(crate) display: String,
    /// Document id: the path relative to the input root, with `/` separators.
    pub(crate) doc: String,
    /// First folder below the input root; empty for files directly in the root.
    pub(crate) group: String,
    /// Size when listed, for the progress bar and batch sizing.
    pub(crate) size: u64,
    /// How it is read.
    pub(crate) kind: Kind,
}

/// How a file is read: as text, as a web page's visible text, or as a table of documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Html,
    Table(TableFormat),
}

/// `--format`: read every input as this, whatever its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Html,
    Csv,
    Tsv,
    Jsonl,
    Xlsx,
}

impl Kind {
    /// How `path` is read: by `forced` if given, else by its extension.
    fn of(path: &Path, forced: Option<Format>) -> Kind {
        match forced {
            Some(Format::Text) => Kind::Text,
            Some(Format::Html) => Kind::Html,
            Some(Format::Csv) => Kind::Table(TableFormat::Csv),
            Some(Format::Tsv) => Kind::Table(TableFormat::Tsv),
            Some(Format::Jsonl) => Kind::Table(TableFormat::Jsonl),
            Some(Format::Xlsx) => Kind::Table(TableFormat::Xlsx),
            None => match TableFormat::of(path) {
                Some(table) => Kind::Table(table),
                None => {
                    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                    if ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm") {
                        Kind::Html
                    } else {
                        Kind::Text
                    }
                }
            },
        }
    }
}

/// How inputs are read: a forced format, the table columns, the group variable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub format: Option<Format>,
    pub table: TableOptions,
    /// `--group-by`: the document variable whose value is the group.
    pub group_by: Option<String>,
    /// `--shard K/N`: read only the documents of slot K of N.
    pub shard: Option<Shard>,
}

/// Slot `k` (from 1) of `n`: the documents whose `doc` hashes there (BLAKE3, so the same
/// on every machine and for any listing order or thread count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl Shard {
    /// Parse `K/N` (1 ≤ K ≤ N).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("--shard {s}: expected K/N, such as 3/8"))?;
        let (k, n): (u32, u32) = match (k.trim().parse(), n.trim().parse()) {
            (Ok(k), Ok(n)) => (k, n),
            _ => return Err(format!("--shard {s}: K and N must be whole numbers")),
        };
        if n == 0 || k == 0 || k > n {
            return Err(format!("--shard {s}: K must be from 1 to N"));
        }
        Ok(Shard { k, n })
    }

    /// Whether the document (or skipped path) `key` is this shard's.
    pub(crate) fn holds(&self, key: &str) -> bool {
        let hash = blake3::hash(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        u64::from_le_bytes(first) % u64::from(self.n) == u64::from(self.k - 1)
    }
}

/// A path that was not analyzed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

impl Ord for Skipped {
    /// By path, then by the reason as written, as `skipped.csv` lists them.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.path.as_str(), self.reason.to_string())
            .cmp(&(other.path.as_str(), other.reason.to_string()))
    }
}

impl PartialOrd for Skipped {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A document read and decoded.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) doc: String,
    pub(crate) group: String,
    pub(crate) decoded: Decoded,
    /// Its variables, (column, value): a table row's other columns, a page's title.
    pub(crate) vars: Vec<(String, String)>,
}

impl Document {
    /// A table row as a document, grouped by `group_by` when given.
    pub(crate) fn of_row(input: &Input, row: table::RowDoc, group_by: Option<&str>) -> Self {
        let mut doc = Document {
            doc: row.doc,
            group: input.group.clone(),
            decoded: Decoded {
                text: row.text,
                encoding: "UTF-8".into(),
                replacements: 0,
            },
            vars: row.vars,
        };
        doc.group_by(group_by);
        doc
    }

    /// `--group-by`: the group is the value of that variable (empty where it has none).
    fn group_by(&mut self, column: Option<&str>) {
        if let Some(column) = column {
            self.group = self
                .vars
                .iter()
                .find(|(c, _)| c == column)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default();
        }
    }

    /// The value of each of `columns` (empty where this document has none).
    pub(crate) fn values<'d>(
        &'d self,
        columns: &'d [String],
    ) -> impl Iterator<Item = &'d str> + 'd {
        columns.iter().map(|c| {
            self.vars
                .iter()
                .find(|(name, _)| name == c)
                .map_or("", |(_, v)| v.as_str())
        })
    }
}

/// The file bokashi writes into every output folder, so that no later run reads its
/// tables back as documents (`bokashi analyze .` twice).
pub(crate) const OUTPUT_MARKER: &str = ".bokashi-output";

/// The documents under `roots`, sorted by `doc`, and the paths that could not be listed.
pub fn discover(roots: &[PathBuf]) -> (Vec<Input>, Vec<Skipped>) {
    let found = discover_excluding(roots, &[], &|| false);
    (found.inputs, found.skipped)
}

/// What [`discover_excluding`] found.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    pub(crate) inputs: Vec<Input>,
    pub(crate) skipped: Vec<Skipped>,
    /// Things the user should hear about: output folders passed over, files named twice.
    pub(crate) notes: Vec<String>,
}

impl Discovery {
    /// The listed size of every input.
    pub(crate) fn bytes(&self) -> u64 {
        self.inputs.iter().map(|i| i.size).sum()
    }

    /// What the user should hear about the listing: skipped inputs and notes.
    pub(crate) fn warnings(&self) -> impl Iterator<Item = String> + '_ {
        let skips = self.skipped.iter();
        let skips = skips.map(|s| format!("skipping {}: {}", s.path, s.reason));
        skips.chain(self.notes.iter().cloned())
    }

    /// Make ready to read as `options` say: inputs read as `--format`, the tables'
    /// columns looked up; returns the document variables (see
    /// [`Discovery::variables`]). Refuses a `--group-by` no input has.
    pub(crate) fn prepare(&mut self, options: &ReadOptions) -> anyhow::Result<Vec<String>> {
        self.read_as(options.format);
        let variables = self.variables(&options.table);
        if let Some(shard) = options.shard {
            self.skipped.retain(|s| shard.holds(&s.path));
        }
        if let Some(column) = &options.group_by
            && !variables.contains(column)
            && !self.inputs.is_empty()
        {
            anyhow::bail!(
                "--group-by {column}: no input has that variable (the variables are: {})",
                if variables.is_empty() {
                    "none".to_string()
                } else {
                    variables.join(", ")
                }
            );
        }
        Ok(variables)
    }

    /// Read inputs as `format` whatever their extension (`--format`).
    fn read_as(&mut self, format: Option<Format>) {
        for input in &mut self.inputs {
            if input.path.as_os_str() != "-" || format.is_some() {
                input.kind = Kind::of(&input.path, format);
            }
        }
    }

    /// The document variables of the corpus, in input order: each table's columns but
    /// its text columns, and `title` for web pages. A table whose columns cannot be read
    /// (no text column, not a table) moves to the skipped inputs.
    fn variables(&mut self, options: &TableOptions) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let add = |names: &mut Vec<String>, name: &str| {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        };
        let mut skipped = Vec::new();
        self.inputs.retain(|input| {
            let found = match input.kind {
                Kind::Text => return true,
                Kind::Html => Ok(vec!["title".to_string()]),
                // Standard input can be read once only: its variables are not listed.
                Kind::Table(_) if input.path.as_os_str() == "-" => Ok(Vec::new()),
                Kind::Table(format) => {
                    // A CSV's columns are in its first line: its start is enough.
                    let head = matches!(format, TableFormat::Csv | TableFormat::Tsv);
                    let bytes = if head {
                        // Whole lines only, so that no character is cut in two.
                        read_listed_up_to(input, HEADER_BYTES).map(|mut bytes| {
                            if bytes.len() as u64 == HEADER_BYTES
                                && let Some(end) = memchr::memrchr(b'\n', &bytes)
                            {
                                bytes.truncate(end + 1);
                            }
                            bytes
                        })
                    } else {
                        read_bytes(input)
                    };
                    bytes.and_then(|bytes| table::variables(input, format, bytes, options))
                }
            };
            match found {
                Ok(columns) => {
                    columns.iter().for_each(|c| add(&mut names, c));
                    true
                }
                Err(reason) => {
                    skipped.push(Skipped {
                        path: input.display.clone(),
                        reason,
                    });
                    false
                }
            }
        });
        self.skipped.extend(skipped);
        self.skipped.sort();
        names
    }

    /// Refuse a run with nothing to analyze, saying why (the first skipped input's reason,
    /// or that `roots` hold no files).
    pub(crate) fn require_inputs(&self, roots: &[PathBuf]) -> anyhow::Result<()> {
        if !self.inputs.is_empty() {
            return Ok(());
        }
        match self.skipped.first() {
            Some(s) => anyhow::bail!("nothing to analyze: {}: {}", s.path, s.reason),
            None => {
                let names: Vec<String> = roots.iter().map(|p| p.display().to_string()).collect();
                anyhow::bail!("nothing to analyze: no files in {}", names.join(", "))
            }
        }
    }
}

/// [`discover`], passing over the folders in `exclude` (the run's own output folder) and
/// every folder holding an [`OUTPUT_MARKER`], and reading each file once however many
/// inputs name it (by canonical path).
/// `stop` is asked between entries: a Ctrl-C during a long listing ends it.
pub(crate) fn discover_excluding(
    roots: &[PathBuf],
    exclude: &[PathBuf],
    stop: &dyn Fn() -> bool,
) -> Discovery {
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut found = Discovery::default();
    let mut inputs = Vec::new();
    for root in roots {
        if let Some(files) = discover_root(root, &exclude, stop, &mut found) {
            inputs.push((root, files));
        }
    }
    let Discovery {
        mut skipped,
        mut notes,
        ..
    } = found;
    read_each_file_once(&mut inputs, &mut notes);
    // Several inputs (each with files of its own, once read once) are named.
    if inputs.iter().filter(|(_, files)| !files.is_empty()).count() > 1 {
        name_by_root(&mut inputs);
    }
    let mut inputs = disambiguate(inputs);
    for input in &mut inputs {
        if input.path.as_os_str() != "-" {
            input.kind = Kind::of(&input.path, None);
        }
    }
    inputs.sort_by(|a, b| a.doc.cmp(&b.doc).then_with(|| a.path.cmp(&b.path)));
    skipped.sort();
    Discovery {
        inputs,
        skipped,
        notes,
    }
}

/// With several inputs, each input's name is the group of its documents and the first
/// part of their `doc` (`analyze grp/groupA grp/groupB`: `groupA/x.txt` in `groupA`).
/// Inputs of the same name (`a/data` and `b/data`) are named as given instead, so that no
/// two inputs share a group.
fn name_by_root(inputs: &mut [(&PathBuf, Vec<Input>)]) {
    let short = |root: &PathBuf| {
        root.file_name()
            .map(id_part)
            .unwrap_or_else(|| root.display().to_string())
    };
    let names: Vec<String> = inputs.iter().map(|(root, _)| short(root)).collect();
    for (i, (root, files)) in inputs.iter_mut().enumerate() {
        let name = if names.iter().filter(|n| **n == names[i]).count() > 1 {
            root.to_string_lossy()
                .trim_end_matches('/')
                .replace('\\', "/")
        } else {
            names[i].clone()
        };
        for input in files.iter_mut() {
            if input.path != **root {
                input.doc = format!("{name}/{}", input.doc);
            } else {
                input.doc = name.clone();
            }
            input.group = name.clone();
        }
    }
}

/// The files one input names (`-`, a file, or a folder walked), or `None` when it is
/// skipped or passed over (noted in `found`).
fn discover_root(
    root: &PathBuf,
    exclude: &[PathBuf],
    stop: &dyn Fn() -> bool,
    found: &mut Discovery,
) -> Option<Vec<Input>> {
    // `-` is standard input, a document of its own.
    if root.as_os_str() == "-" {
        let input = Input {
            path: root.clone(),
            display: "standard input".into(),
            doc: "stdin".into(),
            group: String::new(),
            size: 0,
            kind: Kind::Text,
        };
        return Some(vec![input]);
    }
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            found.skipped.push(Skipped {
                path: root.display().to_string(),
                reason: SkipReason::io(&e),
            });
            return None;
        }
    };
    let mut files = Vec::new();
    if meta.is_file() {
        let name = root
            .file_name()
            .map(id_part)
            .unwrap_or_else(|| root.display().to_string());
        files.push(Input {
            path: root.clone(),
            display: root.display().to_string(),
            doc: name,
            group: String::new(),
            size: meta.len(),
            kind: Kind::Text,
        });
    } else if meta.is_dir() {
        if is_output_folder(root, exclude) {
            found.notes.push(format!(
                "skipping {}: it is a bokashi output folder",
                root.display()
            ));
            return None;
        }
        walk(
            root,
            exclude,
            stop,
            &mut files,
            &mut found.skipped,
            &mut found.notes,
        );
    } else {
        found.skipped.push(Skipped {
            path: root.display().to_string(),
            reason: SkipReason::special(&meta.file_type()),
        });
    }
    Some(files)
}

/// Each file once: `analyze corpus corpus`, `corpus ./corpus/`, a folder and one of its
/// files. The first input to name a file keeps it (before ids are made unique, so a
/// repeated input does not change any id).
fn read_each_file_once(inputs: &mut [(&PathBuf, Vec<Input>)], notes: &mut Vec<String>) {
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    // One root cannot name a file twice (the walk does not follow a link to a file it
    // already listed … except through links, which canonical paths also catch only with
    // several roots); a single root skips the system calls.
    let several = inputs.len() > 1;
    for (root, found) in inputs.iter_mut().filter(|_| several) {
        let before = found.len();
        found.retain(|input| {
            seen.insert(std::fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone()))
        });
        let dropped = before - found.len();
        if dropped > 0 {
            notes.push(format!(
                "{}: {dropped} file(s) already named by an earlier input, read once",
                root.display()
            ));
        }
    }
}

/// A file or folder name as part of a `doc` id: readable, and lossless so that two files
/// never share an id — bytes that are not UTF-8, control and bidi characters (which would
/// reorder the id on screen) and `%` itself are written `%XX`, their bytes in hex.
pub(crate) fn id_part(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes: &[u8] = std::os::unix::ffi::OsStrExt::as_bytes(name);
    #[cfg(not(unix))]
    let lossy = name.to_string_lossy();
    #[cfg(not(unix))]
    let bytes: &[u8] = lossy.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    let escape = |out: &mut String, b: &[u8]| {
        for byte in b {
            out.push_str(&format!("%{byte:02X}"));
        }
    };
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let hidden = c.is_control() || c == '%' || crate::text::normalize::is_bidi_control(c);
            if hidden {
                let mut buf = [0u8; 4];
                escape(&mut out, c.encode_utf8(&mut buf).as_bytes());
            } else {
                out.push(c);
            }
        }
        escape(&mut out, chunk.invalid());
    }
    out
}

/// Whether `dir` is the run's output folder or holds an [`OUTPUT_MARKER`].
fn is_output_folder(dir: &Path, exclude: &[PathBuf]) -> bool {
    dir.join(OUTPUT_MARKER).exists()
        || std::fs::canonicalize(dir).is_ok_and(|c| exclude.contains(&c))
}

fn walk(
    root: &Path,
    exclude: &[PathBuf],
    stop: &dyn Fn() -> bool,
    found: &mut Vec<Input>,
    skipped: &mut Vec<Skipped>,
    notes: &mut Vec<String>,
) {
    let mut passed_over = Vec::new();
    let mut system_links = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if e.depth() > 0 && e.file_type().is_dir() && is_output_folder(e.path(), exclude) {
                passed_over.push(e.path().display().to_string());
                return false;
            }
            // A link out of the tree into /proc, /sys or /dev (a link to /proc/self walks
            // the whole file system) is not followed.
            if e.path_is_symlink()
                && let Ok(target) = std::fs::canonicalize(e.path())
                && let Some(system) = ["/proc", "/sys", "/dev"]
                    .into_iter()
                    .find(|s| target.starts_with(s))
            {
                system_links.push(Skipped {
                    path: e.path().display().to_string(),
                    reason: SkipReason::SystemLink(system),
                });
                return false;
            }
            true
        });
    for entry in walker {
        if stop() {
            break;
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                skipped.push(walk_error(&e, root));
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            // A FIFO, a socket or a device would block or never end: listed, not read.
            skipped.push(Skipped {
                path: entry.path().display().to_string(),
                reason: SkipReason::special(&file_type),
            });
            continue;
        }
        found.extend(input_of(&entry, root));
    }
    for dir in passed_over {
        notes.push(format!("skipping {dir}: it is a bokashi output folder"));
    }
    skipped.extend(system_links);
}

/// An entry the walk could not read, as a skipped input.
fn walk_error(e: &walkdir::Error, root: &Path) -> Skipped {
    let path = e
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| root.display().to_string());
    let reason = if e.loop_ancestor().is_some() {
        SkipReason::LinkLoop
    } else if let Some(io) = e.io_error() {
        SkipReason::io(io)
    } else {
        SkipReason::Walk(e.to_string())
    };
    Skipped { path, reason }
}

/// A file found under `root`: its `doc` id is its path below the root (each part made
/// lossless), its group the first folder below the root.
fn input_of(entry: &walkdir::DirEntry, root: &Path) -> Option<Input> {
    let relative = entry.path().strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| id_part(c.as_os_str()))
        .collect();
    let group = if parts.len() > 1 {
        parts[0].clone()
    } else {
        String::new()
    };
    Some(Input {
        path: entry.path().to_path_buf(),
        display: entry.path().display().to_string(),
        doc: parts.join("/"),
        group,
        size: entry.metadata().map(|m| m.len()).unwrap_or(0),
        kind: Kind::Text,
    })
}

/// Bytes of a CSV or TSV read to find its columns.
const HEADER_BYTES: u64 = 1 << 20;

/// Bytes a file may have grown by between listing and reading before it is refused.
const GROWTH_MARGIN: u64 = 64 << 20;

/// Read a listed file without hanging: opened without blocking (a FIFO put in its place
/// after listing does not wait for a writer), its type checked on the opened handle (a
/// link to /dev/zero is refused), and at most its listed size plus a margin read.
fn read_listed(input: &Input) -> Result<Vec<u8>, SkipReason> {
    read_listed_up_to(input, u64::MAX)
}

/// [`read_listed`], stopping after `limit` bytes (a table's header needs its start only).
fn read_listed_up_to(input: &Input, limit: u64) -> Result<Vec<u8>, SkipReason> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(&input.path).map_err(|e| SkipReason::io(&e))?;
    let meta = file.metadata().map_err(|e| SkipReason::io(&e))?;
    if !meta.is_file() {
        return Err(SkipReason::special(&meta.file_type()));
    }
    let cap = input.size.max(meta.len()) + GROWTH_MARGIN;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take((cap + 1).min(limit))
        .read_to_end(&mut bytes)
        .map_err(|e| SkipReason::io(&e))?;
    if bytes.len() as u64 > cap {
        return Err(SkipReason::Grew(GROWTH_MARGIN >> 20));
    }
    Ok(bytes)
}

/// Two inputs (say `a/x.txt` and `b/x.txt` given as roots `a` and `b`) can yield the same
/// `doc`. Ids must be unique, so colliding ones are prefixed with their root as given.
fn disambiguate(per_root: Vec<(&PathBuf, Vec<Input>)>) -> Vec<Input> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (_, found) in &per_root {
        for input in found {
            *seen.entry(input.doc.clone()).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (root, found) in per_root {
        let prefix = root
            .to_string_lossy()
            .trim_end_matches('/')
            .replace('\\', "/");
        for mut input in found {
            if seen[&input.doc] > 1 {
                input.doc = format!("{prefix}/{}", input.doc);
            }
            out.push(input);
        }
    }
    out
}

/// The bytes of one input (standard input for `-`).
pub(crate) fn read_bytes(input: &Input) -> Result<Vec<u8>, SkipReason> {
    if input.path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| SkipReason::io(&e))?;
        Ok(buf)
    } else {
        read_listed(input)
    }
}

/// Read and decode one text or HTML input (a table is read row by row, by
/// [`table::read`]). Errors are reasons for `skipped.csv`.
pub fn read(input: &Input) -> Result<Document, SkipReason> {
    read_with(input, None)
}

/// Every document of `input` in order (one for a text or web page, one per row for a
/// table), or why it or a row is skipped: for commands that read a corpus without the
/// pipeline (`kwic`).
pub(crate) fn for_each_document(
    input: &Input,
    options: &ReadOptions,
    each: &mut dyn FnMut(Result<Document, Skipped>),
) {
    let group_by = options.group_by.as_deref();
    let skipped = |reason| Skipped {
        path: input.display.clone(),
        reason,
    };
    match input.kind {
        Kind::Text | Kind::Html => each(read_with(input, group_by).map_err(skipped)),
        Kind::Table(format) => {
            let read = read_bytes(input).and_then(|bytes| {
                table::read(
                    input,
                    format,
                    bytes,
                    &options.table,
                    &mut |item| match item {
                        table::Item::Row(row) => each(Ok(Document::of_row(input, row, group_by))),
                        table::Item::Skipped(s) => each(Err(s)),
                    },
                )
            });
            if let Err(reason) = read {
                each(Err(skipped(reason)));
            }
        }
    }
}

/// [`read`], grouped by the variable `group_by` when given.
pub(crate) fn read_with(input: &Input, group_by: Option<&str>) -> Result<Document, SkipReason> {
    let mut decoded = decode::decode_owned(read_bytes(input)?).map_err(SkipReason::NotText)?;
    let mut vars = Vec::new();
    if input.kind == Kind::Html {
        let page = html::visible_text(&decoded.text);
        decoded.text = page.text;
        vars.push(("title".to_string(), page.title));
    }
    let mut doc = Document {
        doc: input.doc.clone(),
        group: input.group.clone(),
        decoded,
        vars,
    };
    doc.group_by(group_by);
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_and_group_are_relative_to_the_root_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("clinicB/sub")).unwrap();
        std::fs::create_dir_all(root.join("clinicA")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "clinicB/sub/z.txt",
            "clinicA/x.txt",
            "top.txt",
            ".git/HEAD",
            ".hidden.txt",
        ] {
            std::fs::write(root.join(f), "本文。").unwrap();
        }
        let (inputs, skipped) = discover(&[root.to_path_buf()]);
        assert!(skipped.is_empty());
        let got: Vec<(&str, &str)> = inputs
            .iter()
            .map(|i| (i.doc.as_str(), i.group.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("clinicA/x.txt", "clinicA"),
                ("clinicB/sub/z.txt", "clinicB"),
                ("top.txt", ""),
            ]
        );
    }

    #[test]
    fn a_missing_root_is_skipped_with_its_reason() {
        let (inputs, skipped) = discover(&[PathBuf::from("/nonexistent/bokashi/corpus")]);
        assert!(inputs.is_empty());
        let got: Vec<(&str, String)> = skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason.to_string()))
            .collect();
        assert_eq!(
            got,
            [(
                "/nonexistent/bokashi/corpus",
                "no such file or directory".to_string()
            )]
        );
    }

    #[test]
    fn several_inputs_name_their_groups_and_same_names_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("grp/groupA");
        let b = dir.path().join("grp/groupB");
        let other = dir.path().join("other/groupA");
        for d in [&a, &b, &other] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
        }
        std::fs::write(a.join("x.txt"), "一。").unwrap();
        std::fs::write(b.join("sub/x.txt"), "二。").unwrap();
        std::fs::write(other.join("y.txt"), "三。").unwrap();
        let (inputs, _) = discover(&[a.clone(), b.clone()]);
        let got: Vec<(&str, &str)> = inputs
            .iter()
            .map(|i| (i.doc.as_str(), i.group.as_str()))
            .collect();
        assert_eq!(
            got,
            [("groupA/x.txt", "groupA"), ("groupB/sub/x.txt", "groupB")]
        );
        // Two inputs of the same name: their documents are prefixed by the input as given.
        let (inputs, _) = discover(&[a.clone(), other.clone()]);
        let docs: Vec<String> = inputs.iter().map(|i| i.doc.clone()).collect();
        let pa = format!("{}/x.txt", a.display());
        let po = format!("{}/y.txt", other.display());
        assert_eq!(docs, [pa, po]);
        assert_eq!(inputs[0].group, a.display().to_string());
    }
}
