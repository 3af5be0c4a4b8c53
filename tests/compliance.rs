//! The compliance view: `flags.csv`, `disclosures.csv` and the flag and disclosure
//! columns of `documents.csv`, on pages written here, and the rule file's errors.

use crate::util::{Workdir, csv, ok};

/// A clinic page that states everything a page on an unapproved regenerative product must.
const COMPLETE: &str = "\
幹細胞培養上清液点滴療法のご案内
当院の幹細胞培養上清液点滴療法は、培養上清液を静脈から点滴で投与する治療です。
費用は1回あたり165,000円（税込）です。
治療期間は3か月で、4週間ごとに計3回の投与を行います。
主なリスク・副作用として、注射部位の内出血や腫れ、一時的な発熱が生じることがあります。
本治療に用いる培養上清液は、医薬品医療機器等法上の承認を受けていない未承認の製品です。
培養上清液は、提携する細胞培養加工施設で製造されたものを当院が入手しています。
国内で承認された同一の成分を持つ医薬品はありません。
諸外国においても安全性は確立されておらず、重大なリスクが報告されている場合があります。
万一重篤な副作用が生じた場合でも、医薬品副作用被害救済制度の対象外となります。
お問い合わせは、電話03-1234-5678までご連絡ください。
";

/// A page of the wording the guidelines forbid, and none of the required items.
const FORBIDDEN: &str = "\
当院は日本一の再生医療クリニックです。
この治療で膝の痛みは必ず治ります。
副作用は一切ありません。
「長年の膝の痛みが嘘のように治りました！」（60代女性）
";

/// Negated, hedged and mentioned forms of the same wording: nothing to flag.
const CAREFUL: &str = "\
この治療で必ず治るわけではありません。
効果には個人差があります。
絶対に安全な治療とは言い切れません。
「必ず治る」「副作用なし」といった表現は広告では禁止されています。
日本一かどうかは分かりません。
";

fn run(work: &Workdir, extra: &[&str]) {
    work.write("pages/complete.txt", COMPLETE);
    work.write("pages/forbidden.txt", FORBIDDEN);
    work.write("pages/careful.txt", CAREFUL);
    let mut args = vec!["analyze", "pages", "-o", "out", "-q"];
    args.extend(extra);
    ok(&work.run(&args));
}

#[test]
fn forbidden_wording_is_flagged_in_its_categories_and_careful_wording_is_not() {
    let work = Workdir::new();
    run(&work, &[]);
    let (header, rows) = csv(&work.read("out/flags.csv"));
    assert_eq!(
        header,
        [
            "doc",
            "group",
            "sentence_no",
            "rule_id",
            "category",
            "severity",
            "surface",
            "reference"
        ]
    );
    let got: Vec<[&str; 5]> = rows
        .iter()
        .map(|r| {
            [
                r[0].as_str(),
                r[2].as_str(),
                r[3].as_str(),
                r[5].as_str(),
                r[6].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        got,
        [
            ["forbidden.txt", "1", "COMP-TOP", "high", "日本一"],
            ["forbidden.txt", "2", "FALSE-CURE", "high", "必ず治ります"],
            [
                "forbidden.txt",
                "3",
                "FALSE-SAFE",
                "high",
                "副作用は一切ありません"
            ],
            // The quote with its attribution: TEST-ATTR's medium flag of （60代女性）
            // alone is superseded by this high one over the same words.
            [
                "forbidden.txt",
                "4",
                "TEST-QUOTE",
                "high",
                "「長年の膝の痛みが嘘のように治りました！」（60代女性）"
            ],
        ]
    );
    let categories: Vec<&str> = rows.iter().map(|r| r[4].as_str()).collect();
    assert_eq!(
        categories,
        ["比較優良", "虚偽・誇大", "虚偽・誇大", "体験談"]
    );
    assert!(
        rows[0][7].contains("医療法第6条の5第2項第1号"),
        "{}",
        rows[0][7]
    );
    // documents.csv counts them by severity.
    let (header, docs) = csv(&work.read("out/documents.csv"));
    assert_eq!(
        &header[15..20],
        [
            "flags_high",
            "flags_medium",
            "flags_low",
            "disclosures_required",
            "disclosures_missing"
        ]
    );
    let counts: Vec<(&str, String)> = docs
        .iter()
        .map(|d| (d[0].as_str(), d[15..20].join(",")))
        .collect();
    assert_eq!(
        counts,
        [
            // Items count what a page names, not how well: the mention of 副作用 (in
            // 「副作用なし」といった表現) counts as naming the risks.
            ("careful.txt", "0,0,0,5,4".to_string()),
            ("complete.txt", "0,0,0,10,0".to_string()),
            ("forbidden.txt", "4,0,0,10,10".to_string()),
        ]
    );
}

#[test]
fn every_required_item_is_found_with_the_sentences_that_state_it() {
    let work = Workdir::new();
    run(&work, &[]);
    let (header, rows) = csv(&work.read("out/disclosures.csv"));
    assert_eq!(
        header,
        ["doc", "item", "present", "sentence_nos", "group", "scope"]
    );
    let of = |doc: &str| -> Vec<(String, String, String)> {
        rows.iter()
            .filter(|r| r[0] == doc)
            .map(|r| (r[1].clone(), r[2].clone(), r[3].clone()))
            .collect()
    };
    let row = |item: &str, present: &str, nos: &str| {
        (item.to_string(), present.to_string(), nos.to_string())
    };
    assert_eq!(
        of("complete.txt"),
        [
            row("治療内容", "true", "1 2 4 5"),
            row("費用", "true", "3"),
            row("期間・回数", "true", "4"),
            row("主なリスク・副作用", "true", "5 9 10"),
            row("問い合わせ先", "true", "11"),
            row("未承認であることの明示", "true", "6"),
            row("入手経路等", "true", "7"),
            row("国内の承認医薬品等の有無", "true", "8"),
            row("諸外国における安全性等", "true", "9"),
            row("医薬品副作用被害救済制度", "true", "10"),
        ]
    );
    // The forbidden page is about regenerative medicine (再生医療): ten items, none stated.
    let forbidden = of("forbidden.txt");
    assert_eq!(forbidden.len(), 10);
    assert!(
        forbidden
            .iter()
            .all(|(_, present, nos)| present == "false" && nos.is_empty())
    );
    // The careful page is not: only the five items every page needs.
    assert_eq!(of("careful.txt").len(), 5);
    let scopes: Vec<&str> = rows
        .iter()
        .filter(|r| r[0] == "complete.txt")
        .map(|r| r[5].as_str())
        .collect();
    assert_eq!(scopes[..5], ["all"; 5]);
    assert_eq!(scopes[5..], ["再生医療・未承認"; 5]);
}

#[test]
fn a_rule_file_of_ones_own_is_used_and_a_bad_line_is_refused_with_its_number() {
    let work = Workdir::new();
    work.write(
        "rules.tsv",
        "# mine\nflag\tMY-1\t独自\tlow\t点滴\tmy note\nitem\t連絡先\tall\tcontact:phone\n",
    );
    run(&work, &["--compliance-rules", "rules.tsv"]);
    let (_, rows) = csv(&work.read("out/flags.csv"));
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[6].as_str()))
        .collect();
    // Each place the words stand: 点滴療法 (sentences 1 and 2) and 点滴で (sentence 2).
    assert_eq!(
        got,
        [
            ("complete.txt", "1", "点滴"),
            ("complete.txt", "2", "点滴"),
            ("complete.txt", "2", "点滴")
        ]
    );
    let (_, items) = csv(&work.read("out/disclosures.csv"));
    let phone: Vec<(&str, &str)> = items
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        phone,
        [
            ("careful.txt", ""),
            ("complete.txt", "11"),
            ("forbidden.txt", "")
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&work.read("out/manifest.json")).unwrap();
    assert_eq!(manifest["compliance_rules"]["name"], "rules.tsv");

    // A bad line: the run stops before any work with the file and line; the tables stay.
    let before = work.read("out/flags.csv");
    work.write(
        "bad.tsv",
        "flag\tMY-1\t独自\tlow\t点滴\tmy note\nflag\tMY-2\t独自\tsevere\t注射\tnote\n",
    );
    let out = work.run(&[
        "analyze",
        "pages",
        "-o",
        "out",
        "-q",
        "--compliance-rules",
        "bad.tsv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.tsv line 2: severity must be high, medium or low, not \"severe\""),
        "{err}"
    );
    assert_eq!(work.read("out/flags.csv"), before);
}

#[test]
fn explain_shows_each_sentence_flags_and_the_items_it_states() {
    let work = Workdir::new();
    let out = ok(&work.run(&[
        "explain",
        "この治療で膝の痛みは必ず治ります。",
        "この治療で必ず治るわけではありません。",
        "費用は1回あたり165,000円（税込）です。",
    ]));
    let flags: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("flag ") || l.contains("states "))
        .collect();
    assert_eq!(
        flags,
        [
            "    flag     high   虚偽・誇大 FALSE-CURE 「必ず治ります」",
            "    states   費用"
        ]
    );
    // A rule file of one's own, to try a rule on a sentence before a run.
    work.write("rules.tsv", "flag\tMY-1\t独自\tlow\t税込\tnote\n");
    let out = ok(&work.run(&[
        "explain",
        "--compliance-rules",
        "rules.tsv",
        "費用は1万円（税込）です。",
    ]));
    assert!(
        out.contains("    flag     low    独自 MY-1 「税込」"),
        "{out}"
    );
}
