//! Tables as corpora: CSV, TSV, JSON lines and Excel sheets hold one document per row.
//!
//! A row's text is its text column (or several joined, each its own line, so a title is
//! its own first sentence); its `doc` is the file's id, `#`, and its id column (`id`,
//! else `url`, else the row number), made unique; every other column is a document
//! variable. A row that cannot be read (ragged, malformed, empty text) becomes a skipped
//! entry with its line, and the rest of the table goes on.

use std::collections::HashMap;
use std::path::Path;

use super::decode;
use super::{Input, SkipReason, Skipped};

/// The text columns tried, in order, when `--text-column` is not given (case-insensitive).
pub const DEFAULT_TEXT_COLUMNS: [&str; 5] = ["text", "body", "content", "本文", "article"];

/// The id columns tried, in order, when `--id-column` is not given.
const DEFAULT_ID_COLUMNS: [&str; 2] = ["id", "url"];

/// The kinds of tables read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Csv,
    Tsv,
    Jsonl,
    Xlsx,
}

impl TableFormat {
    /// The format a file name's extension says, if it is a table.
    pub(crate) fn of(path: &Path) -> Option<TableFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(TableFormat::Csv),
            "tsv" | "tab" => Some(TableFormat::Tsv),
            "jsonl" | "ndjson" => Some(TableFormat::Jsonl),
            "xlsx" | "xlsm" => Some(TableFormat::Xlsx),
            _ => None,
        }
    }
}

/// How tables are read: which columns hold the text and the id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Text columns, joined in this order; empty: the first of [`DEFAULT_TEXT_COLUMNS`].
    pub text_columns: Vec<String>,
    /// The id column; `None`: `id`, else `url`, else the row number.
    pub id_column: Option<String>,
}

/// One row of a table, as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowDoc {
    pub(crate) doc: String,
    /// The file and the row's line (or row number), for messages.
    pub(crate) display: String,
    pub(crate) text: String,
    /// The row's variables: (column, value), in the table's column order.
    pub(crate) vars: Vec<(String, String)>,
}

/// What reading a table gives, row by row.
pub(crate) enum Item {
    Row(RowDoc),
    Skipped(Skipped),
}

/// The columns of a table, and which of them hold the text and the id.
struct Layout {
    columns: Vec<String>,
    text: Vec<usize>,
    id: Option<usize>,
}

impl Layout {
    fn new(columns: Vec<String>, options: &TableOptions) -> Result<Layout, SkipReason> {
        let find = |name: &str| {
            let name = name.trim();
            columns.iter().position(|c| c.trim() == name).or_else(|| {
                columns
                    .iter()
                    .position(|c| c.trim().eq_ignore_ascii_case(name))
            })
        };
        let text: Vec<usize> = if options.text_columns.is_empty() {
            DEFAULT_TEXT_COLUMNS
                .iter()
                .find_map(|c| find(c))
                .into_iter()
                .collect()
        } else {
            let found: Option<Vec<usize>> = options.text_columns.iter().map(|c| find(c)).collect();
            found.unwrap_or_default()
        };
        if text.is_empty() {
            return Err(SkipReason::NoTextColumn {
                wanted: if options.text_columns.is_empty() {
                    DEFAULT_TEXT_COLUMNS.iter().map(|c| c.to_string()).collect()
                } else {
                    options.text_columns.clone()
                },
                columns: columns.clone(),
            });
        }
        let id = match &options.id_column {
            Some(name) => Some(find(name).ok_or_else(|| SkipReason::NoIdColumn {
                wanted: name.clone(),
                columns: columns.clone(),
            })?),
            None => DEFAULT_ID_COLUMNS.iter().find_map(|c| find(c)),
        };
        Ok(Layout { columns, text, id })
    }

    /// The document of one row (`cells` in column order; missing cells are empty), or why
    /// it is skipped. `where_` names the row in messages (`file:line`).
    fn row(&self, cells: &[String], number: usize, where_: String) -> Result<RowDoc, SkipReason> {
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let text: Vec<&str> = self
            .text
            .iter()
            .map(|&i| cell(i).trim())
            .filter(|t| !t.is_empty())
            .collect();
        if text.is_empty() {
            return Err(SkipReason::EmptyText);
        }
        let id = match self.id.map(|i| cell(i).trim()) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => number.to_string(),
        };
        let vars = (0..self.columns.len())
            .filter(|i| !self.text.contains(i))
            .map(|i| (self.columns[i].trim().to_string(), cell(i).to_string()))
            .collect();
        Ok(RowDoc {
            doc: id,
            display: where_,
            text: text.join("\n"),
            vars,
        })
    }
}

/// Make row ids unique within a table: a repeated id gets `~2`, `~3`, … in row order.
#[derive(Default)]
struct UniqueIds(HashMap<String, usize>);

impl UniqueIds {
    fn make(&mut self, id: String) -> String {
        let n = self.0.entry(id.clone()).or_default();
        *n += 1;
        if *n == 1 { id } else { format!("{id}~{n}") }
    }
}

/// Read every row of `input` (a table of `format`), handing each document or skipped row
/// to `each` in row order. `Err` when the table as a whole cannot be read.
pub(crate) fn read(
    input: &Input,
    format: TableFormat,
    bytes: Vec<u8>,
    options: &TableOptions,
    each: &mut dyn FnMut(Item),
) -> Result<(), SkipReason> {
    let mut reader = Reader::open(input, format, bytes, options)?;
    while let Some(item) = reader.next_item() {
        each(item);
    }
    Ok(())
}

/// A table read one row at a time: memory holds the file's text and one row, not all
/// its documents.
pub(crate) struct Reader {
    /// The file's `doc` and its name in messages.
    doc: String,
    display: String,
    layout: Layout,
    ids: UniqueIds,
    /// Data rows handed out so far.
    number: usize,
    rows: Rows,
}

/// Where the rows come from.
enum Rows {
    Delimited {
        /// The records, over the file's text (which the line counter reads through it).
        records: csv::StringRecordsIntoIter<std::io::Cursor<Vec<u8>>>,
        lines: LineCounter,
    },
    Jsonl {
        text: String,
        /// Byte offset of the next line, and its number.
        at: usize,
        line: usize,
    },
    Xlsx {
        range: calamine::Range<calamine::Data>,
        /// Index of the next row (0 is the header).
        row: usize,
    },
}

impl Reader {
    /// Open a table: its text decoded, its header read.
    pub(crate) fn open(
        input: &Input,
        format: TableFormat,
        bytes: Vec<u8>,
        options: &TableOptions,
    ) -> Result<Reader, SkipReason> {
        let (columns, rows) = match format {
            TableFormat::Csv => open_delimited(bytes, b',')?,
            TableFormat::Tsv => open_delimited(bytes, b'\t')?,
            TableFormat::Jsonl => open_jsonl(bytes)?,
            TableFormat::Xlsx => open_xlsx(bytes)?,
        };
        Ok(Reader {
            doc: input.doc.clone(),
            display: input.display.clone(),
            layout: Layout::new(columns, options)?,
            ids: UniqueIds::default(),
            number: 0,
            rows,
        })
    }

    /// The next row as a document, or why it is skipped; `None` at the end.
    pub(crate) fn next_item(&mut self) -> Option<Item> {
        let (cells, where_) = match self.next_cells()? {
            Ok(found) => found,
            Err((reason, where_)) => {
                return Some(Item::Skipped(Skipped {
                    path: where_,
                    reason,
                }));
            }
        };
        self.number += 1;
        Some(match self.layout.row(&cells, self.number, where_.clone()) {
            Ok(mut row) => {
                row.doc = format!("{}#{}", self.doc, self.ids.make(row.doc));
                Item::Row(row)
            }
            Err(reason) => Item::Skipped(Skipped {
                path: where_,
                reason,
            }),
        })
    }

    /// The next row's cells in column order and where it is, or why it cannot be read.
    #[allow(clippy::type_complexity)]
    fn next_cells(&mut self) -> Option<Result<(Vec<String>, String), (SkipReason, String)>> {
        let display = &self.display;
        match &mut self.rows {
            Rows::Delimited { records, lines } => {
                let record = records.next()?;
                let text = records.reader().get_ref().get_ref();
                let columns = self.layout.columns.len();
                Some(match record {
                    Ok(record) => {
                        let line = lines.at(text, record.position().map_or(0, |p| p.byte()));
                        let where_ = format!("{display}:{line}");
                        if record.len() != columns {
                            let fields = record.len();
                            Err((SkipReason::RaggedRow { fields, columns }, where_))
                        } else {
                            Ok((record.iter().map(str::to_string).collect(), where_))
                        }
                    }
                    Err(e) => {
                        let line = lines.at(text, e.position().map_or(0, |p| p.byte()));
                        Err((
                            SkipReason::BadRow(e.to_string()),
                            format!("{display}:{line}"),
                        ))
                    }
                })
            }
            Rows::Jsonl { text, at, line } => loop {
                if *at >= text.len() {
                    return None;
                }
                let rest = &text[*at..];
                let end = rest.find('\n').map_or(rest.len(), |e| e + 1);
                let raw = rest[..end].trim_end_matches(['\n', '\r']);
                *at += end;
                *line += 1;
                if raw.trim().is_empty() {
                    continue;
                }
                let where_ = format!("{display}:{line}");
                return Some(match serde_json::from_str::<serde_json::Value>(raw) {
                    Ok(serde_json::Value::Object(map)) => {
                        let columns = &mut self.layout.columns;
                        for key in map.keys() {
                            if !columns.contains(key) {
                                columns.push(key.clone());
                            }
                        }
                        let cells = columns
                            .iter()
                            .map(|c| map.get(c).map(json_cell).unwrap_or_default())
                            .collect();
                        Ok((cells, where_))
                    }
                    Ok(_) => Err((SkipReason::BadRow("not a JSON object".into()), where_)),
                    Err(e) => Err((SkipReason::BadRow(format!("invalid JSON: {e}")), where_)),
                });
            },
            Rows::Xlsx { range, row } => loop {
                let (height, width) = range.get_size();
                if *row >= height {
                    return None;
                }
                let cells: Vec<String> = (0..width)
                    .map(|c| range.get((*row, c)).map(xlsx_cell).unwrap_or_default())
                    .collect();
                *row += 1;
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                // Row numbers as Excel shows them: the header is row 1.
                return Some(Ok((cells, format!("{display} row {row}"))));
            },
        }
    }
}

/// A table's text, decoded like a text file's.
fn text_of(bytes: Vec<u8>) -> Result<String, SkipReason> {
    decode::decode_owned(bytes)
        .map(|d| d.text)
        .map_err(SkipReason::NotText)
}

/// CSV or TSV: the header record, and the records after it.
fn open_delimited(bytes: Vec<u8>, delimiter: u8) -> Result<(Vec<String>, Rows), SkipReason> {
    let text = text_of(bytes)?.into_bytes();
    let mut records = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(std::io::Cursor::new(text))
        .into_records();
    let header = match records.next() {
        Some(Ok(h)) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{FEFF}').to_string())
            .collect(),
        Some(Err(e)) => return Err(SkipReason::BadTable(e.to_string())),
        None => return Err(SkipReason::EmptyTable),
    };
    let lines = LineCounter::default();
    Ok((header, Rows::Delimited { records, lines }))
}

/// JSON lines: the keys of the first object are the first columns.
fn open_jsonl(bytes: Vec<u8>) -> Result<(Vec<String>, Rows), SkipReason> {
    let text = text_of(bytes)?;
    let first = text
        .lines()
        .find_map(|l| match serde_json::from_str(l) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => None,
        })
        .ok_or(SkipReason::EmptyTable)?;
    let columns = first.keys().cloned().collect();
    Ok((
        columns,
        Rows::Jsonl {
            text,
            at: 0,
            line: 0,
        },
    ))
}

/// An Excel workbook: its first sheet, whose first row is the header.
fn open_xlsx(bytes: Vec<u8>) -> Result<(Vec<String>, Rows), SkipReason> {
    use calamine::Reader as _;
    let bad = |e: &dyn std::fmt::Display| SkipReason::BadTable(e.to_string());
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(range) => range.map_err(|e| bad(&e))?,
        None => return Err(SkipReason::EmptyTable),
    };
    let header: Vec<String> = match range.rows().next() {
        Some(header) => header.iter().map(xlsx_cell).collect(),
        None => return Err(SkipReason::EmptyTable),
    };
    Ok((header, Rows::Xlsx { range, row: 1 }))
}

/// Line numbers of byte offsets of one text, met in increasing order.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    /// Line breaks before `byte`.
    breaks: u64,
}

impl LineCounter {
    /// The line (from 1) of the record at byte `at` of `text` (not before the last one
    /// asked). The reader's offset of a record can be the end of the line before it (the
    /// `\n` of a `\r\n`): line breaks at the offset are passed over.
    fn at(&mut self, text: &[u8], at: u64) -> u64 {
        let mut at = (at as usize).clamp(self.byte, text.len());
        while matches!(text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.breaks += memchr::memchr_iter(b'\n', &text[self.byte..at]).count() as u64;
        self.byte = at;
        self.breaks + 1
    }
}

/// The variables of a table (its columns but the text columns), in column order; a JSON
/// lines file's are the keys of all its objects, in order of first sight.
pub(crate) fn variables(
    input: &Input,
    format: TableFormat,
    bytes: Vec<u8>,
    options: &TableOptions,
) -> Result<Vec<String>, SkipReason> {
    let mut reader = Reader::open(input, format, bytes, options)?;
    if let Rows::Jsonl { text, .. } = &reader.rows {
        let columns = &mut reader.layout.columns;
        for line in text.lines() {
            if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(line) {
                for key in map.keys() {
                    if !columns.contains(key) {
                        columns.push(key.clone());
                    }
                }
            }
        }
    }
    let layout = &reader.layout;
    Ok((0..layout.columns.len())
        .filter(|i| !layout.text.contains(i))
        .map(|i| layout.columns[i].trim().to_string())
        .collect())
}

/// A JSON value as a cell: strings as they are, null empty, anything else as JSON.
fn json_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An Excel cell as text: dates as ISO 8601, whole numbers without `.0`.
fn xlsx_cell(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> Input {
        Input {
            path: name.into(),
            display: name.into(),
            doc: name.into(),
            group: String::new(),
            size: 0,
            kind: super::super::Kind::Text,
        }
    }

    fn rows(format: TableFormat, text: &str, options: &TableOptions) -> (Vec<RowDoc>, Vec<String>) {
        let (mut docs, mut skipped) = (Vec::new(), Vec::new());
        read(
            &input("a.csv"),
            format,
            text.as_bytes().to_vec(),
            options,
            &mut |item| match item {
                Item::Row(r) => docs.push(r),
                Item::Skipped(s) => skipped.push(format!("{}: {}", s.path, s.reason)),
            },
        )
        .unwrap();
        (docs, skipped)
    }

    #[test]
    fn csv_rows_are_documents_with_their_variables_and_lines() {
        let text = "id,site,body\n\
                    a1,clinicA,\"再生医療です。\n改善します。\"\n\
                    a2,clinicB\n\
                    a1,clinicB,  \n\
                    a1,clinicC,効果があります。\n";
        let (docs, skipped) = rows(TableFormat::Csv, text, &TableOptions::default());
        let ids: Vec<&str> = docs.iter().map(|d| d.doc.as_str()).collect();
        assert_eq!(ids, ["a.csv#a1", "a.csv#a1~2"]);
        assert_eq!(docs[0].text, "再生医療です。\n改善します。");
        assert_eq!(
            docs[0].vars,
            [
                ("id".into(), "a1".into()),
                ("site".into(), "clinicA".into())
            ]
        );
        assert_eq!(docs[1].display, "a.csv:6");
        assert_eq!(
            skipped,
            [
                "a.csv:4: ragged row: 2 fields where the header has 3",
                "a.csv:5: the text is empty",
            ]
        );
    }

    #[test]
    fn several_text_columns_are_joined_and_a_missing_one_is_named() {
        let options = TableOptions {
            text_columns: vec!["title".into(), "body".into()],
            id_column: None,
        };
        let (docs, _) = rows(
            TableFormat::Tsv,
            "title\tbody\n見出し\t本文です。\n",
            &options,
        );
        assert_eq!(docs[0].text, "見出し\n本文です。");
        assert_eq!(docs[0].doc, "a.csv#1");
        let mut out = Vec::new();
        let err = read(
            &input("a.csv"),
            TableFormat::Csv,
            b"url,title\nx,y\n".to_vec(),
            &TableOptions::default(),
            &mut |i| out.push(matches!(i, Item::Row(_))),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no text column (tried text, body, content, 本文, article; the columns are url, title): choose one with --text-column"
        );
    }

    #[test]
    fn json_lines_keep_key_order_and_skip_bad_lines() {
        let text = "{\"url\":\"u1\",\"text\":\"痛みが\\u6d88えます。\",\"n\":3}\nnot json\n{\"url\":\"u2\",\"text\":\"安全です。\",\"date\":null,\"extra\":true}\n";
        let (docs, skipped) = rows(TableFormat::Jsonl, text, &TableOptions::default());
        assert_eq!(docs[0].doc, "a.csv#u1");
        assert_eq!(docs[0].text, "痛みが消えます。");
        assert_eq!(
            docs[0].vars,
            [("url".into(), "u1".into()), ("n".into(), "3".into())]
        );
        assert_eq!(
            docs[1].vars,
            [
                ("url".into(), "u2".into()),
                ("n".into(), "".into()),
                ("date".into(), "".into()),
                ("extra".into(), "true".into())
            ]
        );
        assert_eq!(skipped.len(), 1);
        assert!(
            skipped[0].starts_with("a.csv:2: invalid JSON"),
            "{skipped:?}"
        );
    }
}
