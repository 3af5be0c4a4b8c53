use std::collections::HashMap;

use crate::util::{Workdir, copy_corpus, csv, ok};

fn analyzed() -> Workdir {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    work
}

/// The one sentence of sentences.csv containing `fragment`.
fn sentence<'a>(rows: &'a [Vec<String>], fragment: &str) -> &'a Vec<String> {
    let found: Vec<&Vec<String>> = rows.iter().filter(|r| r[6].contains(fragment)).collect();
    assert_eq!(found.len(), 1, "{fragment}: {} sentences", found.len());
    found[0]
}

#[test]
fn sample_sentences_get_their_stance() {
    let work = analyzed();
    let (header, rows) = csv(&work.read("out/sentences.csv"));
    assert_eq!(
        header,
        [
            "doc",
            "sentence_no",
            "stance",
            "hedge_cues",
            "absolute_cues",
            "numbers",
            "text"
        ]
    );
    for (fragment, stance) in [
        (
            "より安全かつ低コストで実現できるのではないかと期待されているのです。",
            "hedged",
        ),
        ("強力な抗炎症作用が数値で証明されています。", "mixed"),
        ("全く異なる次元の治療と言えます。", "absolute"),
        (
            "細胞自体を含まないため、拒絶反応のリスクが極めて低く、炎症を和らげ、痛みを緩和します。",
            "absolute",
        ),
        (
            "エクソソーム治療単独での予防効果を保証するものではありません。",
            "hedged",
        ),
        ("慢性疼痛を和らげる可能性があるのです。", "hedged"),
        (
            "検査データからも明確な治療効果が確認できました。",
            "absolute",
        ),
        (
            "変形性ひざ関節症は、ひざ関節のクッションである「軟骨」が",
            "neutral",
        ),
    ] {
        assert_eq!(sentence(&rows, fragment)[2], stance, "{fragment}");
    }
    // The TNF-α sentence is mixed because of its hearsay and its evidence.
    let tnf = sentence(&rows, "強力な抗炎症作用が数値で証明されています。");
    let (_, cues) = csv(&work.read("out/cues.csv"));
    let its: Vec<(&str, &str)> = cues
        .iter()
        .filter(|c| c[0] == tnf[0] && c[1] == tnf[1])
        .map(|c| (c[3].as_str(), c[5].as_str()))
        .collect();
    assert!(its.contains(&("hearsay", "というデータもあり")), "{its:?}");
    assert!(its.contains(&("evidence", "証明され")), "{its:?}");
}

#[test]
fn cue_and_sentence_counts_agree_across_tables() {
    let work = analyzed();
    let (_, sentences) = csv(&work.read("out/sentences.csv"));
    let (cue_header, cues) = csv(&work.read("out/cues.csv"));
    assert_eq!(
        cue_header,
        ["doc", "sentence_no", "stance", "category", "cue", "surface"]
    );
    let (dh, docs) = csv(&work.read("out/documents.csv"));
    let col = |name: &str| dh.iter().position(|h| h == name).unwrap();
    let mut per_doc: HashMap<&str, [u64; 6]> = HashMap::new();
    for s in &sentences {
        let e = per_doc.entry(s[0].as_str()).or_default();
        match s[2].as_str() {
            "hedged" => e[0] += 1,
            "absolute" => e[1] += 1,
            "mixed" => e[2] += 1,
            "neutral" => e[3] += 1,
            other => panic!("stance {other}"),
        }
        e[4] += s[3].parse::<u64>().unwrap();
        e[5] += s[4].parse::<u64>().unwrap();
        // A sentence's stance follows from its cue counts.
        let (h, a): (u64, u64) = (s[3].parse().unwrap(), s[4].parse().unwrap());
        let expect = match (h > 0, a > 0) {
            (true, true) => "mixed",
            (true, false) => "hedged",
            (false, true) => "absolute",
            (false, false) => "neutral",
        };
        assert_eq!(s[2], expect, "{s:?}");
    }
    for d in &docs {
        let e = per_doc[d[0].as_str()];
        assert_eq!(d[col("hedged_sentences")], e[0].to_string());
        assert_eq!(d[col("absolute_sentences")], e[1].to_string());
        assert_eq!(d[col("mixed_sentences")], e[2].to_string());
        assert_eq!(d[col("neutral_sentences")], e[3].to_string());
        assert_eq!(d[col("hedge_cues")], e[4].to_string());
        assert_eq!(d[col("absolute_cues")], e[5].to_string());
        let tokens: f64 = d[col("tokens")].parse().unwrap();
        let rate: f64 = d[col("hedge_per_1k_tokens")].parse().unwrap();
        assert!((rate - e[4] as f64 * 1000.0 / tokens).abs() < 1e-4);
        let n_cues = cues.iter().filter(|c| c[0] == d[0]).count() as u64;
        assert_eq!(n_cues, e[4] + e[5]);
    }
    // numbers.csv carries the stance of its sentence.
    let (_, numbers) = csv(&work.read("out/numbers.csv"));
    let stance_of: HashMap<(&str, &str), &str> = sentences
        .iter()
        .map(|s| ((s[0].as_str(), s[1].as_str()), s[2].as_str()))
        .collect();
    for n in &numbers {
        assert_eq!(n[8], stance_of[&(n[0].as_str(), n[1].as_str())], "{n:?}");
    }
}

#[test]
fn summary_and_stance_terms_come_from_the_counts() {
    let work = analyzed();
    let (header, summary) = csv(&work.read("out/stance_summary.csv"));
    assert_eq!(
        header[..6],
        ["group", "stance", "category", "cue", "freq", "doc_freq"]
    );
    // No groups in the sample corpus: corpus rows only, and they add up to cues.csv.
    assert!(summary.iter().all(|r| r[0].is_empty() && r[6] == "corpus"));
    let (_, cues) = csv(&work.read("out/cues.csv"));
    let total: u64 = summary.iter().map(|r| r[4].parse::<u64>().unwrap()).sum();
    assert_eq!(total, cues.len() as u64);
    let expect = summary
        .iter()
        .find(|r| r[3] == "期待される")
        .expect("期待される in the summary");
    let n = cues.iter().filter(|c| c[4] == "期待される").count();
    assert_eq!(expect[4], n.to_string());

    let (header, terms) = csv(&work.read("out/stance_terms.csv"));
    assert_eq!(
        header,
        [
            "term",
            "pos",
            "hedged_freq",
            "absolute_freq",
            "log_odds",
            "z"
        ]
    );
    let z: Vec<f64> = terms.iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(z.windows(2).all(|w| w[0] >= w[1]), "sorted by z desc");
    for r in &terms {
        let (h, a): (u64, u64) = (r[2].parse().unwrap(), r[3].parse().unwrap());
        let lo: f64 = r[4].parse().unwrap();
        assert!(h + a > 0);
        // The sign of the log-odds follows the counts' lean (prior aside, for clear cases).
        if h >= 5 && a == 0 {
            assert!(lo > 0.0, "{r:?}");
        }
        if a >= 5 && h == 0 {
            assert!(lo < 0.0, "{r:?}");
        }
    }
}

#[test]
fn groups_get_their_own_summary_rows() {
    let work = Workdir::new();
    work.write(
        "c/clinicA/a.txt",
        "軟骨が再生する可能性があります。効果を保証します。\n",
    );
    work.write("c/clinicB/b.txt", "軟骨の再生が期待されています。\n");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, summary) = csv(&work.read("out/stance_summary.csv"));
    let got: Vec<(&str, &str, &str, &str, &str)> = summary
        .iter()
        .map(|r| {
            (
                r[6].as_str(),
                r[0].as_str(),
                r[1].as_str(),
                r[3].as_str(),
                r[4].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("corpus", "", "hedge", "期待される", "1"),
            ("corpus", "", "hedge", "可能性がある", "1"),
            ("corpus", "", "absolute", "保証します", "1"),
            ("group", "clinicA", "hedge", "可能性がある", "1"),
            ("group", "clinicA", "absolute", "保証します", "1"),
            ("group", "clinicB", "hedge", "期待される", "1"),
        ]
    );
}

#[test]
fn a_custom_lexicon_replaces_the_builtin_one() {
    let work = Workdir::new();
    work.write(
        "c/a.txt",
        "軟骨が再生する可能性があります。\n奇跡の治療です。\n",
    );
    work.write("lex.tsv", "# mine\nabsolute\tmiracle\t奇跡の\n");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q", "--lexicon", "lex.tsv"]));
    let (_, cues) = csv(&work.read("out/cues.csv"));
    let got: Vec<(&str, &str, &str)> = cues
        .iter()
        .map(|c| (c[2].as_str(), c[3].as_str(), c[5].as_str()))
        .collect();
    // 可能性 is no cue any more, so the claim it hedged stands; the new category works
    // without recompiling.
    assert_eq!(
        got,
        [
            ("absolute", "efficacy_claim", "再生する"),
            ("absolute", "miracle", "奇跡の")
        ]
    );

    work.write("bad.tsv", "absolute\tmiracle\n");
    let out = work.run(&["analyze", "c", "-o", "out", "--lexicon", "bad.tsv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.tsv line 1: expected"));
}
