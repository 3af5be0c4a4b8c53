//! `--xlsx`: `bokashi.xlsx`, one sheet per table, built from the CSV tables once they are
//! written (the CSVs stay the source of truth), in the staging folder with them so that it
//! is committed, or dropped, with them.
//!
//! Each sheet has the table's name, a bold header row frozen under an autofilter, numbers
//! stored as numbers (the count and score columns), column widths from the content and
//! long text wrapped. A first sheet `README` lists the tables and their columns. Excel's
//! limits are kept: a cell over 32,767 characters is cut with a marker, and a table over
//! 1,048,575 rows continues on a sheet `name (2)`, with a warning. Sheets are written in
//! rust_xlsxwriter's constant-memory mode, so a big table does not live in memory.

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::{read_table, unprefixed};
use unicode_width::UnicodeWidthStr;

/// Excel's largest cell, in characters.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Data rows per sheet (Excel's 1,048,576 rows, less the header).
pub const MAX_SHEET_ROWS: usize = 1_048_575;
/// Appended to a cell cut at [`MAX_CELL_CHARS`].
pub const TRUNCATED: &str = "…[truncated]";

/// Columns that hold numbers in every table.
const NUMERIC: &[&str] = &[
    "sentence_no",
    "chars",
    "sentences",
    "tokens",
    "terms",
    "numbers",
    "hedge_cues",
    "absolute_cues",
    "hedged_sentences",
    "absolute_sentences",
    "mixed_sentences",
    "neutral_sentences",
    "hedge_per_1k_tokens",
    "absolute_per_1k_tokens",
    "freq",
    "doc_freq",
    "flr",
    "value_min",
    "value_max",
    "hedged_freq",
    "absolute_freq",
    "log_odds",
    "z",
    "cooc",
    "freq_a",
    "freq_b",
    "jaccard",
    "dice",
    "npmi",
    "llr",
    "units",
    "documents",
    "freq_rest",
    "hedged_share",
    "absolute_share",
    "mixed_share",
    "neutral_share",
    "chi2",
    "df",
    "p_value",
    "flags_high",
    "flags_medium",
    "flags_low",
    "disclosures_required",
    "disclosures_missing",
];

/// What each table holds, for the README sheet.
fn describe(table: &str) -> &'static str {
    match table {
        "documents" => "one row per analyzed document: sizes, cue and stance counts, rates",
        "terms" => "one row per distinct (term, pos): frequency, document frequency, FLR",
        "doc_terms" => "one row per (document, term, pos): frequency",
        "numbers" => "one row per numeric expression, in document order",
        "sentences" => "one row per sentence: stance, cue and number counts, text",
        "cues" => "one row per stance cue found, with its category and words as written",
        "stance_summary" => "one row per cue, for the corpus and per group",
        "stance_terms" => "terms of hedged against absolute sentences: log-odds and z",
        "cooccurrence" => "one row per pair of co-occurring terms: counts and measures",
        "groups" => "one row per group: totals, rates, shares, a chi-square against the rest",
        "group_terms" => "terms that set a group apart from the rest: log-odds and z",
        "skipped" => "inputs not analyzed, with the reason",
        "flags" => {
            "one row per compliance rule hit: rule, category, severity, words as written, reference"
        }
        "disclosures" => {
            "per document, each disclosure item required of it: stated or not, and where"
        }
        _ => "",
    }
}

/// Write `bokashi.xlsx` from the tables finished so far in `output`, committed with them.
pub(crate) fn add_to(
    output: &mut crate::tables::Output,
    excel: bool,
    warn: impl FnMut(String),
) -> Result<()> {
    let staging = output.staging().to_path_buf();
    write(
        &staging,
        &output.tables(),
        &staging.join("bokashi.xlsx"),
        excel,
        warn,
    )?;
    output.adopt("bokashi.xlsx");
    Ok(())
}

/// Write `out` from the CSV tables `tables` (file names in `dir`); `warn` hears about cut
/// cells and continued sheets. `excel` undoes the `'` that `--excel` put before
/// formula-like cells (a workbook cell is text and needs none).
pub fn write(
    dir: &Path,
    tables: &[String],
    out: &Path,
    excel: bool,
    mut warn: impl FnMut(String),
) -> Result<()> {
    let mut workbook = Workbook::new();
    workbook
        .set_tempdir(dir)
        .context("setting the workbook's temporary folder")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();

    // README first: what each sheet holds.
    let headers: Vec<(String, Vec<String>)> = tables
        .iter()
        .map(|name| Ok((name.clone(), header(&dir.join(name))?)))
        .collect::<Result<_>>()?;
    readme_sheet(&mut workbook, &headers, &bold)?;

    for (name, columns) in &headers {
        let stem = name.trim_end_matches(".csv");
        let path = dir.join(name);
        let widths = widths(&path, columns)?;
        let numeric: Vec<bool> = columns
            .iter()
            .map(|c| NUMERIC.contains(&c.as_str()))
            .collect();
        let mut reader = read_table(&path)?;
        let mut part = 1;
        let mut rows_in_sheet = 0usize;
        let mut sheet = new_sheet(&mut workbook, stem, part, columns, &widths, &bold)?;
        let mut record = csv::StringRecord::new();
        while reader
            .read_record(&mut record)
            .with_context(|| format!("reading {name}"))?
        {
            if rows_in_sheet == MAX_SHEET_ROWS {
                finish_sheet(sheet, rows_in_sheet, columns.len())?;
                part += 1;
                warn(format!(
                    "{name}: more than {MAX_SHEET_ROWS} rows; continued on sheet \"{stem} ({part})\""
                ));
                sheet = new_sheet(&mut workbook, stem, part, columns, &widths, &bold)?;
                rows_in_sheet = 0;
            }
            let cells = Cells {
                numeric: &numeric,
                widths: &widths,
                wrap: &wrap,
                excel,
            };
            write_record(sheet, rows_in_sheet as u32 + 1, &record, &cells, &mut |n| {
                warn(format!(
                    "{name}: a cell of {n} characters was cut to Excel's {MAX_CELL_CHARS}"
                ))
            })?;
            rows_in_sheet += 1;
        }
        finish_sheet(sheet, rows_in_sheet, columns.len())?;
    }
    workbook
        .save(out)
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

/// How a table's cells are written: which columns are numbers, their widths (wide ones
/// wrap), and whether cells carry the `--excel` prefix.
struct Cells<'a> {
    numeric: &'a [bool],
    widths: &'a [f64],
    wrap: &'a Format,
    excel: bool,
}

/// Write one CSV record as sheet row `row`; a cell cut to Excel's limit is reported to
/// `cut_warning` with its length.
fn write_record(
    sheet: &mut Worksheet,
    row: u32,
    record: &csv::StringRecord,
    cells: &Cells<'_>,
    cut_warning: &mut dyn FnMut(usize),
) -> Result<()> {
    for (c, cell) in record.iter().enumerate() {
        let col = c as u16;
        let cell = if cells.excel { unprefixed(cell) } else { cell };
        if cell.is_empty() {
            continue;
        }
        if cells.numeric.get(c).copied().unwrap_or(false)
            && let Ok(v) = cell.parse::<f64>()
            && v.is_finite()
        {
            sheet.write_number(row, col, v)?;
            continue;
        }
        let text = cut(cell, &mut *cut_warning);
        if cells.widths[c] >= WRAP_WIDTH {
            sheet.write_string_with_format(row, col, text.as_ref(), cells.wrap)?;
        } else {
            sheet.write_string(row, col, text.as_ref())?;
        }
    }
    Ok(())
}

/// The README sheet: what each sheet holds, one row per table.
fn readme_sheet(
    workbook: &mut Workbook,
    headers: &[(String, Vec<String>)],
    bold: &Format,
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("README")?;
    sheet.write_string_with_format(0, 0, "sheet", bold)?;
    sheet.write_string_with_format(0, 1, "one row per", bold)?;
    sheet.write_string_with_format(0, 2, "columns", bold)?;
    for (r, (name, columns)) in headers.iter().enumerate() {
        let stem = name.trim_end_matches(".csv");
        let row = r as u32 + 1;
        sheet.write_string(row, 0, stem)?;
        sheet.write_string(row, 1, describe(stem))?;
        sheet.write_string(row, 2, columns.join(", "))?;
    }
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 60)?;
    sheet.set_column_width(2, 100)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Columns at least this wide (in character cells) wrap their text.
const WRAP_WIDTH: f64 = 60.0;

fn header(path: &Path) -> Result<Vec<String>> {
    let mut r = read_table(path)?;
    Ok(r.headers()?.iter().map(str::to_string).collect())
}

/// Display widths from the header and the first thousand rows, between 6 and 60.
fn widths(path: &Path, columns: &[String]) -> Result<Vec<f64>> {
    let mut w: Vec<usize> = columns.iter().map(|c| c.width()).collect();
    let mut r = read_table(path)?;
    for record in r.records().take(1000) {
        let record = record?;
        for (c, cell) in record.iter().enumerate() {
            if let Some(slot) = w.get_mut(c) {
                *slot = (*slot).max(cell.width());
            }
        }
    }
    Ok(w.into_iter()
        .map(|n| (n as f64 + 2.0).clamp(6.0, WRAP_WIDTH))
        .collect())
}

fn new_sheet<'w>(
    workbook: &'w mut Workbook,
    stem: &str,
    part: usize,
    columns: &[String],
    widths: &[f64],
    bold: &Format,
) -> Result<&'w mut Worksheet> {
    let sheet = workbook.add_worksheet_with_constant_memory();
    let name = if part == 1 {
        stem.to_string()
    } else {
        format!("{stem} ({part})")
    };
    sheet.set_name(&name)?;
    for (c, (column, width)) in columns.iter().zip(widths).enumerate() {
        sheet.set_column_width(c as u16, *width)?;
        sheet.write_string_with_format(0, c as u16, column, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

fn finish_sheet(sheet: &mut Worksheet, rows: usize, columns: usize) -> Result<()> {
    if columns > 0 {
        sheet.autofilter(0, 0, rows as u32, columns as u16 - 1)?;
    }
    Ok(())
}

/// `cell` within Excel's limit: cut with [`TRUNCATED`] at the end when longer.
fn cut(cell: &str, on_cut: impl FnOnce(usize)) -> std::borrow::Cow<'_, str> {
    let n = cell.chars().count();
    if n <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(cell);
    }
    on_cut(n);
    let keep = MAX_CELL_CHARS - TRUNCATED.chars().count();
    let mut s: String = cell.chars().take(keep).collect();
    s.push_str(TRUNCATED);
    std::borrow::Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_with_a_marker() {
        let long = "あ".repeat(MAX_CELL_CHARS + 5);
        let mut seen = None;
        let cut = cut(&long, |n| seen = Some(n));
        assert_eq!(seen, Some(MAX_CELL_CHARS + 5));
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with(TRUNCATED));
        // Near miss: a cell at the limit is kept whole.
        let full = "い".repeat(MAX_CELL_CHARS);
        assert_eq!(super::cut(&full, |_| panic!("not cut")), full.as_str());
    }

    #[test]
    fn the_excel_prefix_is_undone_only_before_formula_characters() {
        assert_eq!(unprefixed("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unprefixed("'－5"), "－5");
        assert_eq!(unprefixed("'tis"), "'tis");
    }
}
