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
    let mut ids = UniqueIds::default();
    let mut emit = |row: Result<RowDoc, SkipReason>, where_: String| match row {
        Ok(mut row) => {
            row.doc = format!("{}#{}", input.doc, ids.make(row.doc));
            each(Item::Row(row));
        }
        Err(reason) => each(Item::Skipped(Skipped {
            path: where_,
            reason,
        })),
    };
    match format {
        TableFormat::Csv | TableFormat::Tsv => {
            let delimiter = if format == TableFormat::Csv {
                b','
            } else {
                b'\t'
            };
            let text = decode::decode_owned(bytes)
                .map_err(SkipReason::NotText)?
                .text;
            read_delimited(input, &text, delimiter, options, &mut emit)
        }
        TableFormat::Jsonl => {
            let text = decode::decode_owned(bytes)
                .map_err(SkipReason::NotText)?
                .text;
            read_jsonl(input, &text, options, &mut emit)
        }
        TableFormat::Xlsx => read_xlsx(input, bytes, options, &mut emit),
    }
}

/// The variables of a table (its columns but the text columns), in column order; a JSON
/// lines file's are the keys of all its objects, in order of first sight.
pub(crate) fn variables(
    format: TableFormat,
    bytes: Vec<u8>,
    options: &TableOptions,
) -> Result<Vec<String>, SkipReason> {
    let text_of = |bytes| {
        decode::decode_owned(bytes)
            .map(|d| d.text)
            .map_err(SkipReason::NotText)
    };
    let columns: Vec<String> = match format {
        TableFormat::Csv | TableFormat::Tsv => {
            let delimiter = if format == TableFormat::Csv {
                b','
            } else {
                b'\t'
            };
            let text = text_of(bytes)?;
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .has_headers(false)
                .from_reader(text.as_bytes());
            match reader.records().next() {
                Some(Ok(h)) => h
                    .iter()
                    .map(|c| c.trim_start_matches('\u{FEFF}').to_string())
                    .collect(),
                Some(Err(e)) => return Err(SkipReason::BadTable(e.to_string())),
                None => return Err(SkipReason::EmptyTable),
            }
        }
        TableFormat::Jsonl => {
            let text = text_of(bytes)?;
            let mut keys: Vec<String> = Vec::new();
            for line in text.lines() {
                if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(line) {
                    for key in map.keys() {
                        if !keys.contains(key) {
                            keys.push(key.clone());
                        }
                    }
                }
            }
            keys
        }
        TableFormat::Xlsx => {
            use calamine::Reader;
            let bad = |e: &dyn std::fmt::Display| SkipReason::BadTable(e.to_string());
            let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
            match book.worksheet_range_at(0) {
                Some(range) => {
                    let range = range.map_err(|e| bad(&e))?;
                    match range.rows().next() {
                        Some(header) => header.iter().map(xlsx_cell).collect(),
                        None => return Err(SkipReason::EmptyTable),
                    }
                }
                None => return Err(SkipReason::EmptyTable),
            }
        }
    };
    if columns.is_empty() {
        return Err(SkipReason::EmptyTable);
    }
    let layout = Layout::new(columns, options)?;
    Ok((0..layout.columns.len())
        .filter(|i| !layout.text.contains(i))
        .map(|i| layout.columns[i].trim().to_string())
        .collect())
}

type Emit<'e> = dyn FnMut(Result<RowDoc, SkipReason>, String) + 'e;

/// CSV or TSV: a header row, then one document per record (quoted fields may span lines).
fn read_delimited(
    input: &Input,
    text: &str,
    delimiter: u8,
    options: &TableOptions,
    emit: &mut Emit<'_>,
) -> Result<(), SkipReason> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{FEFF}').to_string())
            .collect(),
        Some(Err(e)) => return Err(SkipReason::BadTable(e.to_string())),
        None => return Err(SkipReason::EmptyTable),
    };
    let layout = Layout::new(header, options)?;
    // The reader counts records; a row's line in the file (quoted fields span lines) is
    // counted from its byte offset, one row after the other.
    let mut lines = LineCounter::new(text);
    for (n, record) in records.enumerate() {
        let number = n + 1;
        let (line, row) = match record {
            Ok(record) => {
                let line = lines.at(record.position().map_or(0, |p| p.byte()));
                let row = if record.len() != layout.columns.len() {
                    Err(SkipReason::RaggedRow {
                        fields: record.len(),
                        columns: layout.columns.len(),
                    })
                } else {
                    let cells: Vec<String> = record.iter().map(str::to_string).collect();
                    layout.row(&cells, number, format!("{}:{line}", input.display))
                };
                (line, row)
            }
            Err(e) => {
                let line = lines.at(e.position().map_or(0, |p| p.byte()));
                (line, Err(SkipReason::BadRow(e.to_string())))
            }
        };
        emit(row, format!("{}:{line}", input.display));
    }
    Ok(())
}

/// Line numbers of byte offsets met in increasing order.
struct LineCounter<'t> {
    text: &'t [u8],
    byte: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line (from 1) of the record at byte `at` (not before the last one asked). The
    /// reader's offset of a record can be the end of the line before it (the `\n` of a
    /// `\r\n`): line breaks at the offset are passed over.
    fn at(&mut self, at: u64) -> u64 {
        let mut at = (at as usize).clamp(self.byte, self.text.len());
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.byte..at]).count() as u64;
        self.byte = at;
        self.line
    }
}

/// JSON lines: one object per line; the columns are the keys of the first object, and
/// a later object's other keys are variables too, after them.
fn read_jsonl(
    input: &Input,
    text: &str,
    options: &TableOptions,
    emit: &mut Emit<'_>,
) -> Result<(), SkipReason> {
    let mut layout: Option<Layout> = None;
    let mut number = 0;
    for (n, line) in text.lines().enumerate() {
        let where_ = format!("{}:{}", input.display, n + 1);
        if line.trim().is_empty() {
            continue;
        }
        number += 1;
        let object = match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => {
                emit(Err(SkipReason::BadRow("not a JSON object".into())), where_);
                continue;
            }
            Err(e) => {
                emit(
                    Err(SkipReason::BadRow(format!("invalid JSON: {e}"))),
                    where_,
                );
                continue;
            }
        };
        if layout.is_none() {
            layout = Some(Layout::new(object.keys().cloned().collect(), options)?);
        }
        let Some(layout) = layout.as_mut() else {
            continue;
        };
        for key in object.keys() {
            if !layout.columns.contains(key) {
                layout.columns.push(key.clone());
            }
        }
        let cells: Vec<String> = layout
            .columns
            .iter()
            .map(|c| object.get(c).map(json_cell).unwrap_or_default())
            .collect();
        emit(layout.row(&cells, number, where_.clone()), where_);
    }
    if layout.is_none() {
        return Err(SkipReason::EmptyTable);
    }
    Ok(())
}

/// A JSON value as a cell: strings as they are, null empty, anything else as JSON.
fn json_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An Excel workbook: the first sheet, its first row the header.
fn read_xlsx(
    input: &Input,
    bytes: Vec<u8>,
    options: &TableOptions,
    emit: &mut Emit<'_>,
) -> Result<(), SkipReason> {
    use calamine::Reader;
    let bad = |e: &dyn std::fmt::Display| SkipReason::BadTable(e.to_string());
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(range) => range.map_err(|e| bad(&e))?,
        None => return Err(SkipReason::EmptyTable),
    };
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Err(SkipReason::EmptyTable);
    };
    let layout = Layout::new(header.iter().map(xlsx_cell).collect(), options)?;
    for (n, row) in rows.enumerate() {
        let cells: Vec<String> = row.iter().map(xlsx_cell).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        // Row numbers as Excel shows them: the header is row 1.
        let where_ = format!("{} row {}", input.display, n + 2);
        emit(layout.row(&cells, n + 1, where_.clone()), where_);
    }
    Ok(())
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
