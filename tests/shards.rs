//! `analyze --shard K/N` and `merge`: the merged parts are the single run, byte for byte,
//! and parts that are not one run's are refused in one line.

use crate::util::{Workdir, copy_corpus, ok};

/// Every table, manifest.json and report.html of two output folders are byte-identical.
fn assert_same_output(work: &Workdir, a: &str, b: &str, what: &str) {
    let mut names: Vec<String> = std::fs::read_dir(work.path(a))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n == "manifest.json" || n == "report.html")
        .collect();
    names.sort();
    assert_eq!(names.len(), 16, "{names:?}");
    for name in &names {
        assert_eq!(
            std::fs::read(work.path(&format!("{a}/{name}"))).unwrap(),
            std::fs::read(work.path(&format!("{b}/{name}"))).unwrap(),
            "{name} differs: {what}"
        );
    }
}

/// Analyze `inputs` as `n` shards and merge them into `out`.
fn shard_and_merge(work: &Workdir, inputs: &[&str], extra: &[&str], n: u32, out: &str) {
    let mut parts = Vec::new();
    for k in 1..=n {
        let part = format!("{out}-part{k}");
        let shard = format!("{k}/{n}");
        let mut args = vec!["analyze"];
        args.extend(inputs);
        args.extend(["--shard", &shard, "-o", &part, "-q"]);
        args.extend(extra);
        ok(&work.run(&args));
        parts.push(part);
    }
    // Parts in any order: the merge orders them by their shard.
    let mut args = vec!["merge", "-o", out, "-q"];
    args.extend(parts.iter().rev().map(String::as_str));
    ok(&work.run(&args));
}

#[test]
fn merged_shards_are_the_single_run_for_one_to_five_shards() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "single", "-q"]));
    for n in 1..=5 {
        let out = format!("merged{n}");
        shard_and_merge(&work, &["corpus"], &[], n, &out);
        assert_same_output(&work, "single", &out, &format!("{n} shards"));
    }
}

#[test]
fn tables_groups_and_skipped_inputs_merge_exactly() {
    let work = Workdir::new();
    // Groups by folder, a table of rows with a skipped row, a binary file, two inputs.
    let mut csv = String::from("id,site,body\n");
    for i in 0..40 {
        let site = ["a", "b", "c"][i % 3];
        let body = match i % 4 {
            0 => "膝の痛みを緩和します。効果が期待されます。",
            1 => "副作用はありません。必ず治ります。",
            2 => "",
            _ => "再生医療の可能性があります。約3割の方に改善が見られました。",
        };
        csv.push_str(&format!("r{i},{site},{body}\n"));
    }
    work.write("in/tables/articles.csv", csv);
    work.write("in/clinicA/x.txt", "幹細胞治療で軟骨が再生します。\n");
    work.write("in/clinicB/y.txt", "軟骨の再生が期待されます。1日2回。\n");
    work.write("in/clinicB/z.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    work.write("other/w.txt", "エクソソーム治療は安全です。\n");
    let inputs = ["in", "other"];
    let mut args = vec![
        "analyze",
        "in",
        "other",
        "-o",
        "single",
        "-q",
        "--min-freq",
        "1",
    ];
    args.extend(["--min-cooc", "1"]);
    ok(&work.run(&args));
    for n in [2, 3, 7] {
        let out = format!("merged{n}");
        let extra = ["--min-freq", "1", "--min-cooc", "1"];
        shard_and_merge(&work, &inputs, &extra, n, &out);
        assert_same_output(&work, "single", &out, &format!("{n} shards"));
    }
    assert!(
        work.read("single/skipped.csv")
            .contains("the text is empty")
    );
    assert!(work.read("single/skipped.csv").contains("z.png"));
}

#[test]
fn parts_that_are_not_one_run_are_refused_in_one_line() {
    let work = Workdir::new();
    copy_corpus(&work);
    for k in 1..=3 {
        let shard = format!("{k}/3");
        ok(&work.run(&[
            "analyze",
            "corpus",
            "--shard",
            &shard,
            "-o",
            &format!("p{k}"),
            "-q",
        ]));
    }
    let merge = |parts: &[&str]| {
        let mut args = vec!["merge", "-o", "out"];
        args.extend(parts);
        let out = work.run(&args);
        assert!(!out.status.success(), "{parts:?}");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };
    assert!(merge(&["p1", "p2"]).contains("shard 3/3 is missing"));
    assert!(merge(&["p1", "p1", "p2", "p3"]).contains("shard 1/3 given twice"));
    ok(&work.run(&[
        "analyze",
        "corpus",
        "--shard",
        "2/3",
        "--no-compounds",
        "-o",
        "q2",
        "-q",
    ]));
    assert!(merge(&["p1", "q2", "p3"]).contains("option compounds differ"));
    ok(&work.run(&["analyze", "corpus", "--shard", "2/4", "-o", "r2", "-q"]));
    assert!(merge(&["p1", "r2", "p3"]).contains("is shard 2/4"));
    ok(&work.run(&["analyze", "corpus", "-o", "whole", "-q"]));
    assert!(merge(&["whole"]).contains("not a part"));
    // A part of another format is named, not misread.
    std::fs::write(work.path("p3/part.bokashi"), [9u8, 0, 0]).unwrap();
    assert!(merge(&["p1", "p2", "p3"]).contains("part format 9"));
    // And nothing was written.
    assert!(!work.path("out").exists());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Sentences the generated documents are drawn from (hedged, absolute, numbers,
    /// compounds, repeated terms for pairs).
    const SENTENCES: [&str; 8] = [
        "膝の痛みを緩和します。",
        "効果が期待されます。",
        "副作用はありません。",
        "再生医療の可能性があります。",
        "約3割の方に改善が見られました。",
        "幹細胞治療で軟骨が再生します。",
        "必ず治るとは言えません。",
        "PRP療法は1日2回、2週間続けます。",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Any corpus (random documents in random folders), any number of shards: the
        /// merge is the single run.
        #[test]
        fn any_corpus_and_any_number_of_shards_merge_exactly(
            docs in prop::collection::vec((0usize..3, prop::collection::vec(0usize..8, 1..6)), 1..14),
            n in 1u32..7,
        ) {
            let work = Workdir::new();
            for (i, (folder, picks)) in docs.iter().enumerate() {
                let text: String = picks.iter().map(|&p| SENTENCES[p]).collect::<Vec<_>>().join("\n");
                work.write(&format!("c/g{folder}/d{i}.txt"), text + "\n");
            }
            let extra = ["--min-freq", "1", "--min-cooc", "1"];
            let mut args = vec!["analyze", "c", "-o", "single", "-q"];
            args.extend(extra);
            ok(&work.run(&args));
            shard_and_merge(&work, &["c"], &extra, n, "merged");
            assert_same_output(&work, "single", "merged", &format!("{n} shards"));
        }
    }
}
