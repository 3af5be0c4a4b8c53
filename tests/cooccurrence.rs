use crate::util::{Workdir, copy_corpus, csv, ok};

#[test]
fn every_row_of_a_five_sentence_fixture() {
    let work = Workdir::new();
    // Terms per sentence: {軟骨, 再生} {軟骨, 炎症} {炎症, 痛み} {軟骨, 炎症, 痛み} {膝, 痛み}.
    work.write(
        "c/a.txt",
        "軟骨が再生する。軟骨の炎症。炎症と痛み。\n軟骨と炎症と痛み。膝の痛み。\n",
    );
    ok(&work.run(&[
        "analyze",
        "c",
        "-o",
        "out",
        "-q",
        "--min-freq",
        "1",
        "--min-cooc",
        "1",
    ]));
    // N = 5 sentences; freq: 軟骨 3, 炎症 3, 痛み 3, 再生 1, 膝 1.
    // (炎症, 痛み) and (炎症, 軟骨): c=2, fa=fb=3: Jaccard 2/4, Dice 4/6,
    //   NPMI ln(10/9)/−ln(0.4) = 0.115, G² over (2,1,1,1) = 0.1384.
    // (再生, 軟骨) and (痛み, 膝): c=1, fa+fb=4: Jaccard 1/3, Dice 2/4,
    //   NPMI ln(5/3)/−ln(0.2) = 0.3174, G² over (1,0,2,2) = 1.1849.
    // (痛み, 軟骨): c=1, fa=fb=3: Jaccard 1/5, Dice 2/6, NPMI ln(5/9)/−ln(0.2) = −0.3652,
    //   G² over (1,2,2,0) = 2.911.
    assert_eq!(
        work.read("out/cooccurrence.csv"),
        "term_a,term_b,cooc,freq_a,freq_b,jaccard,dice,npmi,llr,units\n\
         炎症,痛み,2,3,3,0.5,0.6667,0.115,0.1384,5\n\
         炎症,軟骨,2,3,3,0.5,0.6667,0.115,0.1384,5\n\
         再生,軟骨,1,1,3,0.3333,0.5,0.3174,1.1849,5\n\
         痛み,膝,1,3,1,0.3333,0.5,0.3174,1.1849,5\n\
         痛み,軟骨,1,3,3,0.2,0.3333,-0.3652,2.911,5\n"
    );
    // Default thresholds (a term in 2+ units, a pair in 2+ units) keep the two strong pairs.
    ok(&work.run(&["analyze", "c", "-o", "out2", "-q"]));
    assert_eq!(work.read("out2/cooccurrence.csv").lines().count(), 3);
    // Document units: one unit, every pair once.
    ok(&work.run(&[
        "analyze",
        "c",
        "-o",
        "out3",
        "-q",
        "--cooc-unit",
        "document",
        "--min-freq",
        "1",
        "--min-cooc",
        "1",
    ]));
    let (_, rows) = csv(&work.read("out3/cooccurrence.csv"));
    assert_eq!(rows.len(), 10, "5 terms, 10 pairs");
    assert!(rows.iter().all(|r| r[2] == "1" && r[9] == "1"));
}

#[test]
fn the_sample_corpus_table_is_sorted_and_recomputable() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    let (header, rows) = csv(&work.read("out/cooccurrence.csv"));
    assert_eq!(
        header,
        [
            "term_a", "term_b", "cooc", "freq_a", "freq_b", "jaccard", "dice", "npmi", "llr",
            "units"
        ]
    );
    assert!(rows.len() > 100);
    assert!(
        rows.iter()
            .any(|r| r[0] == "エクソソーム" && r[1] == "炎症"),
        "エクソソーム and 炎症 co-occur"
    );
    let num = |s: &str| s.parse::<f64>().unwrap();
    for r in &rows {
        assert!(r[0] < r[1], "term_a < term_b: {r:?}");
        let (c, fa, fb) = (num(&r[2]), num(&r[3]), num(&r[4]));
        assert!(c >= 2.0 && fa >= 2.0 && fb >= 2.0, "thresholds: {r:?}");
        let jaccard = c / (fa + fb - c);
        assert!((num(&r[5]) - jaccard).abs() < 5.1e-5, "jaccard of {r:?}");
        assert!(
            (num(&r[6]) - 2.0 * c / (fa + fb)).abs() < 5.1e-5,
            "dice of {r:?}"
        );
    }
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let key = |r: &Vec<String>| (-(num(&r[2]) as i64), -(num(&r[5]) * 1e4) as i64);
        assert!(
            key(a) < key(b) || (key(a) == key(b) && (&a[0], &a[1]) < (&b[0], &b[1])),
            "order: {a:?} then {b:?}"
        );
    }
    let mut seen = std::collections::HashSet::new();
    assert!(
        rows.iter()
            .all(|r| seen.insert((r[0].clone(), r[1].clone()))),
        "each pair once"
    );
}
