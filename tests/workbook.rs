use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::util::{Workdir, copy_corpus, csv, ok};

#[test]
fn xlsx_holds_every_table_with_numbers_as_numbers() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q", "--xlsx"]));
    let mut book: Xlsx<_> = open_workbook(work.path("out/bokashi.xlsx")).unwrap();
    let tables = [
        "documents",
        "doc_terms",
        "numbers",
        "sentences",
        "cues",
        "flags",
        "disclosures",
        "terms",
        "stance_summary",
        "cooccurrence",
        "stance_terms",
        "groups",
        "group_terms",
        "skipped",
    ];
    let mut names = book.sheet_names();
    assert_eq!(names.remove(0), "README");
    names.sort();
    let mut expected: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
    for table in tables {
        let (header, rows) = csv(&work.read(&format!("out/{table}.csv")));
        let range = book.worksheet_range(table).unwrap();
        assert_eq!(range.height(), rows.len() + 1, "{table}");
        let first: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(first, header, "{table}");
    }
    // Counts are numbers; texts are text.
    let documents = book.worksheet_range("documents").unwrap();
    let row: Vec<&Data> = documents.rows().nth(1).unwrap().iter().collect();
    assert!(matches!(row[0], Data::String(_)), "{:?}", row[0]);
    assert!(
        matches!(row[2], Data::Float(_) | Data::Int(_)),
        "{:?}",
        row[2]
    );
    let readme = book.worksheet_range("README").unwrap();
    assert_eq!(readme.height(), tables.len() + 1);
}

#[test]
fn xlsx_cuts_cells_over_excels_limit_with_a_marker() {
    let work = Workdir::new();
    let long = "あ".repeat(40_000);
    work.write("t/long.csv", format!("doc,text\nd1,{long}\n"));
    let mut warnings = Vec::new();
    bokashi::tables::workbook::write(
        &work.path("t"),
        &["long.csv".to_string()],
        &work.path("t/book.xlsx"),
        false,
        |w| warnings.push(w),
    )
    .unwrap();
    assert_eq!(
        warnings,
        ["long.csv: a cell of 40000 characters was cut to Excel's 32767"]
    );
    let mut book: Xlsx<_> = open_workbook(work.path("t/book.xlsx")).unwrap();
    let range = book.worksheet_range("long").unwrap();
    let cell = range.get((1, 1)).unwrap().to_string();
    assert_eq!(
        cell.chars().count(),
        bokashi::tables::workbook::MAX_CELL_CHARS
    );
    assert!(cell.ends_with(bokashi::tables::workbook::TRUNCATED));
}

#[test]
fn xlsx_continues_a_table_over_excels_rows_on_a_second_sheet() {
    let work = Workdir::new();
    let rows = bokashi::tables::workbook::MAX_SHEET_ROWS + 2;
    let mut text = String::with_capacity(rows * 8 + 8);
    text.push_str("n\n");
    for i in 0..rows {
        text.push_str(&i.to_string());
        text.push('\n');
    }
    work.write("t/big.csv", text);
    let mut warnings = Vec::new();
    bokashi::tables::workbook::write(
        &work.path("t"),
        &["big.csv".to_string()],
        &work.path("t/book.xlsx"),
        false,
        |w| warnings.push(w),
    )
    .unwrap();
    assert_eq!(
        warnings,
        ["big.csv: more than 1048575 rows; continued on sheet \"big (2)\""]
    );
    let mut book: Xlsx<_> = open_workbook(work.path("t/book.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["README", "big", "big (2)"]);
    let second = book.worksheet_range("big (2)").unwrap();
    assert_eq!(second.height(), 3, "header and the last two rows");
    assert_eq!(
        second.get((2, 0)).unwrap().to_string(),
        rows.saturating_sub(1).to_string()
    );
}
