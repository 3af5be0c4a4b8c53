use unicode_width::UnicodeWidthStr;

use crate::util::{Workdir, copy_corpus, csv, ok};

fn sample() -> Workdir {
    let work = Workdir::new();
    copy_corpus(&work);
    work
}

#[test]
fn kwic_lists_a_term_with_its_context_and_stance() {
    let work = sample();
    let out = ok(&work.run(&["kwic", "緩和", "corpus", "--csv", "--window", "8"]));
    let (header, rows) = csv(&out);
    assert_eq!(
        header,
        [
            "doc",
            "group",
            "sentence_no",
            "stance",
            "left",
            "keyword",
            "right"
        ]
    );
    assert_eq!(rows.len(), 9);
    assert_eq!(
        rows[2],
        [
            "001_2cf09b8f7e84e48c.txt",
            "",
            "79",
            "absolute",
            "を和らげ、痛みを",
            "緩和",
            "します。"
        ]
    );
    assert_eq!(
        rows[8][3..],
        ["hedged", "害や全身の炎症を", "緩和", "できる可能性が研"]
    );
}

#[test]
fn kwic_matches_base_forms_and_filters_by_stance() {
    let work = sample();
    // 和らげる finds 和らげ (the continuative form) by its base form.
    let out = ok(&work.run(&["kwic", "和らげる", "corpus", "--csv"]));
    let (_, rows) = csv(&out);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[5].starts_with("和らげ")), "{rows:?}");
    assert!(rows.iter().any(|r| r[5] == "和らげ"), "{rows:?}");
    let hedged = ok(&work.run(&["kwic", "緩和", "corpus", "--csv", "--stance", "hedged"]));
    let (_, rows) = csv(&hedged);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r[3] == "hedged"));
}

#[test]
fn kwic_lists_the_cues_of_a_category() {
    let work = sample();
    let out = ok(&work.run(&["kwic", "--cue", "hearsay", "corpus", "--csv"]));
    let (_, rows) = csv(&out);
    assert!(rows.len() > 20, "{}", rows.len());
    assert_eq!(rows[0][5], "によれば");
    assert!(
        rows.iter()
            .all(|r| matches!(r[3].as_str(), "hedged" | "mixed"))
    );
}

#[test]
fn kwic_aligns_the_keyword_by_display_width() {
    let work = sample();
    let out = ok(&work.run(&["kwic", "緩和", "corpus", "--window", "8"]));
    let columns: Vec<usize> = out
        .lines()
        .map(|l| l[..l.find('【').unwrap()].width())
        .collect();
    assert_eq!(columns.len(), 9);
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "{columns:?}\n{out}"
    );
}
