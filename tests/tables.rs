//! Corpora as users have them: CSV (CP932, multi-line fields), TSV, JSON lines and Excel
//! give the same documents; web pages are read as their visible text; `--group-by` and
//! several inputs make the groups that `groups.csv` compares.

use crate::util::{Workdir, csv, ok};

/// The rows of the fixture: id, site, date, body (one empty, one over two lines).
const ROWS: [[&str; 4]; 4] = [
    [
        "r1",
        "siteA",
        "2024-01-05",
        "膝の痛みを緩和します。\n効果が期待されます。",
    ],
    ["r2", "siteA", "2024-02-10", "再生医療は安全です。"],
    ["r3", "siteB", "2024-03-15", ""],
    ["r4", "siteB", "2024-04-20", "副作用の可能性があります。"],
];

const HEADER: [&str; 4] = ["id", "site", "date", "body"];

/// The fixture as CSV (quoted where needed, CRLF line ends) in CP932, Excel's Japanese
/// default.
fn cp932_csv() -> Vec<u8> {
    let mut text = String::new();
    for row in std::iter::once(&HEADER).chain(ROWS.iter()) {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains(['\n', ',', '"']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_string()
                }
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// The same rows as TSV (the line break in a quoted field).
fn tsv() -> String {
    let mut text = HEADER.join("\t") + "\n";
    for row in ROWS {
        let body = format!("\"{}\"", row[3]);
        text.push_str(&[row[0], row[1], row[2], &body].join("\t"));
        text.push('\n');
    }
    text
}

/// The same rows as JSON lines, every non-ASCII character written as a `\uXXXX` escape.
fn jsonl() -> String {
    let escape = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '\n' => "\\n".to_string(),
                c if c.is_ascii() => c.to_string(),
                c => format!("\\u{:04x}", c as u32),
            })
            .collect()
    };
    ROWS.iter()
        .map(|r| {
            format!(
                "{{\"id\":\"{}\",\"site\":\"{}\",\"date\":\"{}\",\"body\":\"{}\"}}\n",
                r[0],
                r[1],
                r[2],
                escape(r[3])
            )
        })
        .collect()
}

/// The same rows as an Excel workbook, written with rust_xlsxwriter.
fn xlsx(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in ROWS.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *cell).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_cp932_csv_is_one_document_per_row_with_its_variables() {
    let work = Workdir::new();
    work.write("articles.csv", cp932_csv());
    let out = work.run(&["analyze", "articles.csv", "-o", "out", "-q"]);
    ok(&out);
    let (header, rows) = csv(&work.read("out/documents.csv"));
    assert_eq!(&header[20..], ["id", "site", "date"]);
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str(), r[21].as_str(), r[22].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("articles.csv#r1", "2", "siteA", "2024-01-05"),
            ("articles.csv#r2", "1", "siteA", "2024-02-10"),
            ("articles.csv#r4", "1", "siteB", "2024-04-20"),
        ]
    );
    // The empty row is listed with its line (the row before it spans two lines).
    assert_eq!(
        work.read("out/skipped.csv"),
        "path,reason\narticles.csv:5,the text is empty\n"
    );
    // The header is not a sentence, and the ids are not numbers.
    let (_, sentences) = csv(&work.read("out/sentences.csv"));
    let texts: Vec<&str> = sentences.iter().map(|r| r[6].as_str()).collect();
    assert_eq!(
        texts,
        [
            "膝の痛みを緩和します。",
            "効果が期待されます。",
            "再生医療は安全です。",
            "副作用の可能性があります。"
        ]
    );
    assert_eq!(work.read("out/numbers.csv").lines().count(), 1);
}

#[test]
fn csv_tsv_json_lines_and_xlsx_give_the_same_terms() {
    let work = Workdir::new();
    work.write("csv/articles.csv", cp932_csv());
    work.write("tsv/articles.tsv", tsv());
    work.write("jsonl/articles.jsonl", jsonl());
    std::fs::create_dir_all(work.path("xlsx")).unwrap();
    xlsx(&work.path("xlsx/articles.xlsx"));
    for format in ["csv", "tsv", "jsonl", "xlsx"] {
        ok(&work.run(&["analyze", format, "-o", &format!("out-{format}"), "-q"]));
    }
    let terms = work.read("out-csv/terms.csv");
    assert!(terms.contains("\n緩和,名詞,word,1,1,1\n"), "{terms}");
    for format in ["tsv", "jsonl", "xlsx"] {
        assert_eq!(
            work.read(&format!("out-{format}/terms.csv")),
            terms,
            "{format}"
        );
        assert_eq!(
            work.read(&format!("out-{format}/sentences.csv"))
                .replace(&format!("articles.{format}"), "articles.csv"),
            work.read("out-csv/sentences.csv"),
            "{format}"
        );
    }
}

#[test]
fn a_web_page_is_its_visible_text_and_its_tags_never_become_terms() {
    let work = Workdir::new();
    work.write(
        "pages/clinic.html",
        "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'>\
         <title>再生医療のご案内</title><style>.main{color:red}</style>\
         <script>var tracking = 'analytics';</script></head><body>\
         <nav><a href='/'>トップページ</a></nav>\
         <div class='main'><h1>PRP療法</h1><p>膝の痛みを緩和します。</p>\
         <p>効果には<b>個人差</b>があります。</p></div><footer>Copyright clinic</footer>\
         </body></html>",
    );
    ok(&work.run(&["analyze", "pages", "-o", "out", "-q"]));
    let (header, rows) = csv(&work.read("out/documents.csv"));
    assert_eq!(header.last().map(String::as_str), Some("title"));
    assert_eq!(rows[0].last().map(String::as_str), Some("再生医療のご案内"));
    let (_, sentences) = csv(&work.read("out/sentences.csv"));
    let texts: Vec<&str> = sentences.iter().map(|r| r[6].as_str()).collect();
    assert_eq!(
        texts,
        [
            "PRP療法",
            "膝の痛みを緩和します。",
            "効果には個人差があります。"
        ]
    );
    let terms = work.read("out/terms.csv");
    for tag in [
        "html",
        "div",
        "DOCTYPE",
        "script",
        "tracking",
        "トップページ",
        "Copyright",
        "main",
    ] {
        assert!(!terms.contains(tag), "{tag} in {terms}");
    }
}

#[test]
fn group_by_a_column_compares_its_values() {
    let work = Workdir::new();
    work.write("articles.csv", cp932_csv());
    ok(&work.run(&[
        "analyze",
        "articles.csv",
        "-o",
        "out",
        "-q",
        "--group-by",
        "site",
    ]));
    // siteA: r1 (absolute, hedged) and r2 (absolute); siteB: r4 (hedged).
    // Chi-square of (1 hedged, 2 absolute) against (1, 0): expected (1.5, 1.5 | 0.5, 0.5),
    // χ² = 2·0.25/1.5 + 2·0.25/0.5 = 1.3333, df 1, p = 0.248213.
    let (header, rows) = csv(&work.read("out/groups.csv"));
    assert_eq!(
        header[..10],
        [
            "group",
            "documents",
            "sentences",
            "tokens",
            "hedged_sentences",
            "absolute_sentences",
            "mixed_sentences",
            "neutral_sentences",
            "hedge_cues",
            "absolute_cues"
        ]
    );
    let pick = |r: &Vec<String>| {
        let cols = [0, 1, 2, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 18];
        cols.iter()
            .map(|&c| r[c].clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    let got: Vec<String> = rows.iter().map(pick).collect();
    assert_eq!(
        got,
        [
            "siteA,2,3,1,2,0,0,1,2,0.3333,0.6667,1.3333,1,0.248213",
            "siteB,1,1,1,0,0,0,1,0,1,0,1.3333,1,0.248213",
        ]
    );
    let (_, docs) = csv(&work.read("out/documents.csv"));
    let groups: Vec<&str> = docs.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(groups, ["siteA", "siteA", "siteB"]);
    // A variable no input has is refused in one line.
    let out = work.run(&[
        "analyze",
        "articles.csv",
        "-o",
        "out2",
        "--group-by",
        "clinic",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "--group-by clinic: no input has that variable (the variables are: id, site, date)"
        ),
        "{err}"
    );
}

#[test]
fn several_folder_inputs_keep_their_names() {
    let work = Workdir::new();
    work.write("grp/groupA/x.txt", "膝の痛みを緩和します。\n");
    work.write("grp/groupA/sub/y.txt", "効果が期待されます。\n");
    work.write("grp/groupB/x.txt", "副作用はありません。\n");
    ok(&work.run(&["analyze", "grp/groupA", "grp/groupB", "-o", "out", "-q"]));
    let (_, docs) = csv(&work.read("out/documents.csv"));
    let got: Vec<(&str, &str)> = docs
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("groupA/sub/y.txt", "groupA"),
            ("groupA/x.txt", "groupA"),
            ("groupB/x.txt", "groupB")
        ]
    );
    let (_, groups) = csv(&work.read("out/groups.csv"));
    let names: Vec<(&str, &str)> = groups
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(names, [("groupA", "2"), ("groupB", "1")]);
    let summary = work.read("out/stance_summary.csv");
    assert!(summary.contains("\ngroupB,absolute,"), "{summary}");
}

#[test]
fn a_table_without_a_text_column_is_named_with_its_columns() {
    let work = Workdir::new();
    work.write("a.csv", "url,title\nhttps://example.jp,見出し\n");
    let out = work.run(&["analyze", "a.csv", "-o", "out"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "a.csv: no text column (tried text, body, content, 本文, article; the columns are url, title): choose one with --text-column"
        ),
        "{err}"
    );
    ok(&work.run(&[
        "analyze",
        "a.csv",
        "-o",
        "out",
        "-q",
        "--text-column",
        "title",
    ]));
    let (_, docs) = csv(&work.read("out/documents.csv"));
    assert_eq!(docs[0][0], "a.csv#https://example.jp");
}

#[test]
fn documents_without_a_group_are_a_group_of_their_own_in_group_terms() {
    let work = Workdir::new();
    work.write("c/x.txt", "軟骨が再生します。軟骨の再生です。\n");
    work.write(
        "c/B/y.txt",
        "軟骨を守ります。軟骨を守ります。軟骨を守ります。\n",
    );
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (header, rows) = csv(&work.read("out/group_terms.csv"));
    assert_eq!(
        header,
        ["term", "pos", "group", "freq", "freq_rest", "log_odds", "z"]
    );
    let cartilage: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[0] == "軟骨")
        .map(|r| (r[2].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    // The empty group's count is the corpus's (5) less group B's (3).
    assert_eq!(cartilage, [("", "2", "3"), ("B", "3", "2")]);
}

#[test]
fn kwic_reads_table_rows_and_filters_by_their_group() {
    let work = Workdir::new();
    work.write("articles.csv", cp932_csv());
    let out = work.run(&[
        "kwic",
        "効果",
        "articles.csv",
        "--group-by",
        "site",
        "--group",
        "siteA",
        "--csv",
    ]);
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "doc,group,sentence_no,stance,left,keyword,right\n\
         articles.csv#r1,siteA,2,hedged,,効果,が期待されます。\n"
    );
}
