//! Why an input is not analyzed: one variant per cause, written to `skipped.csv` as a
//! short, stable sentence (no OS error numbers, which differ by platform).

use std::io::ErrorKind;

use super::decode::NotText;

/// Why an input is not analyzed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// An I/O error, by kind; `message` is the error's text, shown for rare kinds.
    Io { kind: ErrorKind, message: String },
    /// A FIFO, socket or device would block or never end: listed, not read.
    Special(SpecialFile),
    /// A symbolic link into this system folder (/proc, /sys, /dev), not followed.
    SystemLink(&'static str),
    /// A symbolic link loop.
    LinkLoop,
    /// Another error of the folder walk (its text).
    Walk(String),
    /// The file grew by more than this many MiB between listing and reading.
    Grew(u64),
    /// Binary, or no supported encoding decodes it.
    NotText(NotText),
    /// A table without the text column (the columns tried, and the table's columns).
    NoTextColumn {
        wanted: Vec<String>,
        columns: Vec<String>,
    },
    /// A table without the `--id-column` asked for.
    NoIdColumn {
        wanted: String,
        columns: Vec<String>,
    },
    /// A table with no header or no rows.
    EmptyTable,
    /// A table its reader cannot read (the reader's message).
    BadTable(String),
    /// A row whose number of fields differs from the header's.
    RaggedRow { fields: usize, columns: usize },
    /// A row that cannot be read (the reader's message).
    BadRow(String),
    /// A row whose text cells are empty.
    EmptyText,
    /// The analysis of this document failed (the error and its causes).
    Failed(String),
    /// The analysis panicked: a bug.
    Panicked,
    /// A reason as a shard's part recorded it (for `merge`).
    Recorded(String),
}

/// A file that is neither a regular file nor a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialFile {
    Fifo,
    Socket,
    Device,
    Other,
}

impl SkipReason {
    pub(crate) fn io(e: &std::io::Error) -> Self {
        SkipReason::Io {
            kind: e.kind(),
            message: e.to_string(),
        }
    }

    pub(crate) fn special(t: &std::fs::FileType) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return SkipReason::Special(SpecialFile::Fifo);
            }
            if t.is_socket() {
                return SkipReason::Special(SpecialFile::Socket);
            }
            if t.is_char_device() || t.is_block_device() {
                return SkipReason::Special(SpecialFile::Device);
            }
        }
        let _ = t;
        SkipReason::Special(SpecialFile::Other)
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Io { kind, message } => match kind {
                ErrorKind::NotFound => f.write_str("no such file or directory"),
                ErrorKind::PermissionDenied => f.write_str("permission denied"),
                ErrorKind::IsADirectory => f.write_str("is a directory"),
                ErrorKind::InvalidData => f.write_str("invalid data"),
                _ => write!(f, "cannot read: {message}"),
            },
            SkipReason::Special(SpecialFile::Fifo) => {
                f.write_str("a FIFO (named pipe), not a regular file")
            }
            SkipReason::Special(SpecialFile::Socket) => f.write_str("a socket, not a regular file"),
            SkipReason::Special(SpecialFile::Device) => f.write_str("a device, not a regular file"),
            SkipReason::Special(SpecialFile::Other) => {
                f.write_str("not a regular file or directory")
            }
            SkipReason::SystemLink(system) => {
                write!(f, "symbolic link into {system}, not followed")
            }
            SkipReason::LinkLoop => f.write_str("symbolic link loop"),
            SkipReason::Walk(text) => f.write_str(text),
            SkipReason::Grew(mib) => write!(f, "grew by more than {mib} MiB while being read"),
            SkipReason::NotText(not_text) => not_text.fmt(f),
            SkipReason::NoTextColumn { wanted, columns } => write!(
                f,
                "no text column (tried {}; the columns are {}): choose one with --text-column",
                wanted.join(", "),
                columns.join(", ")
            ),
            SkipReason::NoIdColumn { wanted, columns } => write!(
                f,
                "no id column {wanted:?} (the columns are {})",
                columns.join(", ")
            ),
            SkipReason::EmptyTable => f.write_str("an empty table (no header or no rows)"),
            SkipReason::BadTable(message) => write!(f, "cannot read the table: {message}"),
            SkipReason::RaggedRow { fields, columns } => {
                write!(
                    f,
                    "ragged row: {fields} fields where the header has {columns}"
                )
            }
            SkipReason::BadRow(message) => f.write_str(message),
            SkipReason::EmptyText => f.write_str("the text is empty"),
            SkipReason::Failed(error) => write!(f, "analysis failed: {error}"),
            SkipReason::Recorded(reason) => f.write_str(reason),
            SkipReason::Panicked => {
                f.write_str("internal error while analyzing (a bug: please report it)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_before_whatever_the_platform_says() {
        let gone = std::io::Error::new(ErrorKind::NotFound, "os error 2");
        assert_eq!(
            SkipReason::io(&gone).to_string(),
            "no such file or directory"
        );
        let odd = std::io::Error::other("disk on fire");
        assert_eq!(
            SkipReason::io(&odd).to_string(),
            "cannot read: disk on fire"
        );
        assert_eq!(
            SkipReason::Grew(64).to_string(),
            "grew by more than 64 MiB while being read"
        );
        assert_eq!(SkipReason::LinkLoop.to_string(), "symbolic link loop");
    }
}
