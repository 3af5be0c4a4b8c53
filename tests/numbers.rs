use crate::util::{Workdir, copy_corpus, csv, ok, repo};

fn corpus_numbers() -> (Workdir, Vec<String>, Vec<Vec<String>>) {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    let (header, rows) = csv(&work.read("out/numbers.csv"));
    (work, header, rows)
}

/// The row whose surface is `surface` (the first one).
fn find<'a>(rows: &'a [Vec<String>], surface: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[2] == surface)
        .unwrap_or_else(|| panic!("{surface} not in numbers.csv"))
}

#[test]
fn the_sample_corpus_numbers_are_parsed_and_classified() {
    let (_, header, rows) = corpus_numbers();
    assert_eq!(
        header[..9],
        [
            "doc",
            "sentence_no",
            "surface",
            "value_min",
            "value_max",
            "unit",
            "kind",
            "qualifier",
            "stance"
        ]
    );
    // (surface, value_min, value_max, unit, kind)
    let expect = [
        ("30〜150ナノメートル", "30", "150", "nm", "measurement"),
        ("60%〜75%", "60", "75", "percent", "percent"),
        ("2人に1人", "0.5", "0.5", "ratio", "ratio"),
        ("1500億", "150000000000", "150000000000", "", "other"),
        ("198", "198", "198", "", "measurement"),
        ("55.6", "55.6", "55.6", "", "measurement"),
        ("0.492", "0.492", "0.492", "", "measurement"),
        ("0.037", "0.037", "0.037", "", "measurement"),
        ("36歳", "36", "36", "age", "age"),
        ("2024年6月から2025年1月", "", "", "", "date"),
        ("3ヶ月", "3", "3", "month", "duration"),
    ];
    for (surface, min, max, unit, kind) in expect {
        let r = find(&rows, surface);
        assert_eq!(
            (&r[3][..], &r[4][..], &r[5][..], &r[6][..]),
            (min, max, unit, kind),
            "{surface}"
        );
    }
    assert_eq!(find(&rows, "2024年6月から2025年1月")[12], "2024-06/2025-01");
    assert_eq!(find(&rows, "60%〜75%")[7], "mean");
    assert_eq!(find(&rows, "1500億")[7], "max");
    assert_eq!(find(&rows, "3ヶ月")[7], "at_least");
    // 198 and 55.6 come from the MMP-3 sentence, 0.492 and 0.037 from the CRP one.
    let mmp = find(&rows, "198");
    assert_eq!(find(&rows, "55.6")[1], mmp[1], "same sentence");
    assert_eq!(mmp[9], "MMP-3");
    let crp = find(&rows, "0.492");
    assert_eq!(find(&rows, "0.037")[1], crp[1]);
    assert_eq!(crp[9], "CRP");
}

#[test]
fn phone_numbers_times_and_plan_numbers_are_not_emitted() {
    let (_, _, rows) = corpus_numbers();
    for r in &rows {
        let s = &r[2];
        for bad in [
            "6212", "5960", "3289", "10:00", "19:00", "18:30", "5240089", "5250007",
        ] {
            assert!(!s.contains(bad), "{s} should not be a numeric claim");
        }
        assert!(
            !["9", "63", "81", "3"].contains(&s.as_str()),
            "protein or label number {s}"
        );
        assert!(
            !r[3].contains('e') && !r[4].contains('e'),
            "no exponent: {r:?}"
        );
    }
}

#[test]
fn rows_are_in_document_order_and_counted_per_document() {
    let (work, _, rows) = corpus_numbers();
    for pair in rows.windows(2) {
        let a: u64 = pair[0][1].parse().unwrap();
        let b: u64 = pair[1][1].parse().unwrap();
        assert!(
            pair[0][0] < pair[1][0] || (pair[0][0] == pair[1][0] && a <= b),
            "{pair:?}"
        );
    }
    let (header, docs) = csv(&work.read("out/documents.csv"));
    let col = header.iter().position(|h| h == "numbers").unwrap();
    for d in &docs {
        let n = rows.iter().filter(|r| r[0] == d[0]).count();
        assert_eq!(d[col], n.to_string(), "numbers of {}", d[0]);
    }
}

#[test]
fn surfaces_are_written_as_in_the_source() {
    let work = Workdir::new();
    work.write(
        "c/a.txt",
        "直径約３０～１５０ｎｍで、費用は３０万円です。\n",
    );
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, rows) = csv(&work.read("out/numbers.csv"));
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[2].as_str(), r[3].as_str(), r[5].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("３０～１５０ｎｍ", "30", "nm", "approx"),
            ("３０万円", "300000", "yen", "")
        ]
    );
}

/// Every value cell of numbers.csv is a plain decimal or empty, and only dates (with their
/// `date` cell) leave them empty — on the sample corpus and the development set.
#[test]
fn value_columns_hold_plain_decimals_and_dates_their_own_column() {
    let plain = |v: &str| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        let mut parts = digits.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut rows_seen = 0;
    let mut dates_seen = 0;
    for input in ["corpus", "tests/fixtures/dev/texts"] {
        let work = Workdir::new();
        let path = repo().join(input);
        ok(&work.run(&["analyze", path.to_str().unwrap(), "-o", "out", "-q"]));
        let (header, rows) = csv(&work.read("out/numbers.csv"));
        assert_eq!(
            header,
            [
                "doc",
                "sentence_no",
                "surface",
                "value_min",
                "value_max",
                "unit",
                "kind",
                "qualifier",
                "stance",
                "analyte",
                "per",
                "claim",
                "date"
            ]
        );
        for r in &rows {
            rows_seen += 1;
            if r[6] == "date" {
                dates_seen += 1;
                assert!(
                    r[3].is_empty() && r[4].is_empty() && !r[12].is_empty(),
                    "{r:?}"
                );
            } else {
                assert!(plain(&r[3]) && plain(&r[4]) && r[12].is_empty(), "{r:?}");
            }
        }
    }
    assert!(
        rows_seen > 300 && dates_seen > 20,
        "{rows_seen} rows, {dates_seen} dates"
    );
}
