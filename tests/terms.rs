use std::collections::{HashMap, HashSet};

use crate::util::{Workdir, copy_corpus, csv, ok, repo};

fn analyze_corpus(extra: &[&str]) -> Workdir {
    let work = Workdir::new();
    copy_corpus(&work);
    let mut args = vec!["analyze", "corpus", "-o", "out", "-q"];
    args.extend_from_slice(extra);
    ok(&work.run(&args));
    work
}

#[test]
fn domain_compounds_are_terms_of_the_sample_corpus() {
    let work = analyze_corpus(&[]);
    let (header, rows) = csv(&work.read("out/terms.csv"));
    assert_eq!(header, ["term", "pos", "kind", "freq", "doc_freq", "flr"]);
    let by_term: HashMap<&str, &Vec<String>> = rows.iter().map(|r| (r[0].as_str(), r)).collect();
    for compound in [
        "変形性ひざ関節症",
        "幹細胞培養上清液",
        "関節リウマチ",
        "慢性疼痛",
        "間葉系幹細胞",
        "炎症性サイトカイン",
        "根本的",
    ] {
        let row = by_term
            .get(compound)
            .unwrap_or_else(|| panic!("{compound} missing from terms.csv"));
        assert_eq!(row[1], "名詞");
        assert_eq!(row[2], "compound", "{compound}");
        assert!(!row[5].is_empty(), "{compound} has an FLR");
    }
    // エクソソーム is among the five most frequent terms.
    let top5: Vec<&str> = rows.iter().take(5).map(|r| r[0].as_str()).collect();
    assert!(top5.contains(&"エクソソーム"), "{top5:?}");
    // Verbs and adjectives have no FLR.
    let verb = rows.iter().find(|r| r[1] == "動詞").expect("a verb");
    assert_eq!(verb[5], "");
}

#[test]
fn no_stopword_number_or_symbol_is_a_term() {
    let work = analyze_corpus(&[]);
    let (_, rows) = csv(&work.read("out/terms.csv"));
    let stopwords: HashSet<String> = std::fs::read_to_string(repo().join("dict/stopwords.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert!(stopwords.contains("する") && stopwords.contains("こと"));
    for row in &rows {
        let term = row[0].as_str();
        assert!(!stopwords.contains(term), "stopword {term} in terms.csv");
        assert!(
            term.chars().any(char::is_alphabetic),
            "term without a letter: {term:?}"
        );
        assert!(term.parse::<f64>().is_err(), "number as a term: {term}");
    }
}

#[test]
fn terms_are_sorted_and_doc_terms_add_up_to_them() {
    let work = analyze_corpus(&[]);
    let (_, terms) = csv(&work.read("out/terms.csv"));
    let (header, doc_terms) = csv(&work.read("out/doc_terms.csv"));
    assert_eq!(header, ["doc", "term", "pos", "freq"]);
    // terms.csv: freq desc, then term.
    for pair in terms.windows(2) {
        let (a, b): (u64, u64) = (pair[0][3].parse().unwrap(), pair[1][3].parse().unwrap());
        assert!(a > b || (a == b && pair[0][0] <= pair[1][0]), "{pair:?}");
    }
    // doc_terms.csv: doc, then freq desc, then term.
    for pair in doc_terms.windows(2) {
        let (a, b): (u64, u64) = (pair[0][3].parse().unwrap(), pair[1][3].parse().unwrap());
        assert!(
            pair[0][0] < pair[1][0]
                || (pair[0][0] == pair[1][0] && (a > b || (a == b && pair[0][1] <= pair[1][1]))),
            "{pair:?}"
        );
    }
    let mut sums: HashMap<(String, String), (u64, u64)> = HashMap::new();
    for r in &doc_terms {
        let e = sums.entry((r[1].clone(), r[2].clone())).or_default();
        e.0 += r[3].parse::<u64>().unwrap();
        e.1 += 1;
    }
    assert_eq!(sums.len(), terms.len());
    for r in &terms {
        let (freq, docs) = sums[&(r[0].clone(), r[1].clone())];
        assert_eq!(freq.to_string(), r[3], "freq of {}", r[0]);
        assert_eq!(docs.to_string(), r[4], "doc_freq of {}", r[0]);
    }
    // documents.csv counts the distinct terms of each document.
    let (_, docs) = csv(&work.read("out/documents.csv"));
    for d in &docs {
        let n = doc_terms.iter().filter(|r| r[0] == d[0]).count();
        assert_eq!(d[5], n.to_string(), "terms of {}", d[0]);
    }
}

#[test]
fn no_compounds_gives_the_morpheme_view() {
    let work = analyze_corpus(&["--no-compounds"]);
    let (_, rows) = csv(&work.read("out/terms.csv"));
    assert!(rows.iter().all(|r| r[2] == "word"));
    let terms: HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(terms.contains("関節") && terms.contains("リウマチ"));
    assert!(!terms.contains("関節リウマチ"));
}

#[test]
fn stopwords_can_be_replaced() {
    let work = Workdir::new();
    work.write("c/a.txt", "エクソソームが軟骨を守る。\n");
    work.write("stop.txt", "# only this\n軟骨\n");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q", "--stopwords", "stop.txt"]));
    let (_, rows) = csv(&work.read("out/terms.csv"));
    let terms: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(terms, ["エクソソーム", "守る"]);
}

#[test]
fn the_user_dictionary_is_on_by_default_and_can_be_extended() {
    let work = Workdir::new();
    let line = "幹細胞培養上清液と滑液包炎\n";
    let surfaces = |args: &[&str]| -> Vec<String> {
        let out = crate::util::bokashi(work.dir.path(), args, Some(line.as_bytes()));
        ok(&out)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    };
    // Built-in dict/user_dict.csv: 上清 is one word.
    assert!(surfaces(&["tokenize"]).contains(&"上清".to_string()));
    // IPADIC alone splits it.
    let plain = surfaces(&["tokenize", "--no-user-dict"]);
    assert!(!plain.contains(&"上清".to_string()), "{plain:?}");
    // A user file adds words, in the short form.
    work.write("user.csv", "# mine\n滑液,名詞,カツエキ\n");
    let mine = surfaces(&["tokenize", "--user-dict", "user.csv"]);
    assert!(
        mine.contains(&"滑液".to_string()) && mine.contains(&"上清".to_string()),
        "{mine:?}"
    );

    // A broken user dictionary is a clear error naming file and line.
    work.write("bad.csv", "# c\nナノ,動詞,ナノ\n");
    work.write("c/a.txt", "本文です。");
    let out = work.run(&["analyze", "c", "-o", "out", "--user-dict", "bad.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.csv line 2: unknown part of speech"),
        "{stderr}"
    );
}
