use crate::util::{Workdir, copy_corpus, csv, ok};

const SAMPLE_DOCS: [&str; 5] = [
    "000_58525d2d109e6d9c.txt",
    "001_2cf09b8f7e84e48c.txt",
    "002_dd53875ad72d2b53.txt",
    "003_a4ee1d4a998cdb5d.txt",
    "004_240a3e6cee55b66d.txt",
];

#[test]
fn default_run_on_the_sample_corpus_writes_one_row_per_document() {
    let work = Workdir::new();
    copy_corpus(&work);
    // No arguments at all: corpus/ into output/, as `cargo run --release` does.
    ok(&work.run(&["--quiet"]));
    let (header, rows) = csv(&work.read("output/documents.csv"));
    assert_eq!(
        header[..5],
        ["doc", "group", "chars", "sentences", "tokens"]
    );
    let docs: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(docs, SAMPLE_DOCS);
    for row in &rows {
        assert_eq!(row[1], "", "files directly in the root have no group");
        let chars: u64 = row[2].parse().unwrap();
        let sentences: u64 = row[3].parse().unwrap();
        let tokens: u64 = row[4].parse().unwrap();
        assert!(chars > 2000, "{row:?}");
        // Japanese runs at roughly 1.5-2.5 characters per morpheme and 20-60 per sentence.
        assert!(tokens * 3 > chars && tokens < chars, "{row:?}");
        assert!(sentences * 10 < chars && sentences * 80 > chars, "{row:?}");
    }
    // 002 is by far the longest article.
    let tokens: Vec<u64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    assert_eq!(tokens.iter().max(), Some(&tokens[2]));
    assert_eq!(work.read("output/skipped.csv"), "path,reason\n");
}

/// Every table, the manifest and the report of two output folders are byte-identical.
fn assert_same_tables(work: &Workdir, a: &str, b: &str, what: &str) {
    let mut names: Vec<String> = std::fs::read_dir(work.path(a))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 14, "{names:?}");
    names.push("manifest.json".into());
    names.push("report.html".into());
    for name in &names {
        assert_eq!(
            std::fs::read(work.path(&format!("{a}/{name}"))).unwrap(),
            std::fs::read(work.path(&format!("{b}/{name}"))).unwrap(),
            "{name} differs: {what}"
        );
    }
}

#[test]
fn output_is_byte_identical_for_one_and_two_threads() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out1", "--jobs", "1", "--quiet"]));
    ok(&work.run(&["analyze", "corpus", "-o", "out2", "--jobs", "2", "--quiet"]));
    assert_same_tables(&work, "out1", "out2", "--jobs 1 vs --jobs 2");
}

/// A corpus whose vocabulary keeps growing, like real text: the sample's lines in a ring,
/// each led by pseudo-nouns (katakana names) drawn from a skewed distribution.
fn generated_corpus(work: &Workdir, docs: usize) {
    let mut lines: Vec<String> = Vec::new();
    for name in SAMPLE_DOCS {
        let text = std::fs::read_to_string(crate::util::repo().join("corpus").join(name)).unwrap();
        lines.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    let kana: Vec<char> = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモ"
        .chars()
        .collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut at = 0;
    for d in 0..docs {
        let mut text = String::new();
        while text.len() < 4000 {
            // Index ~ 1/u²: a few names are frequent, most are rare.
            let u = (next() % 1_000_000 + 1) as f64 / 1_000_000.0;
            let mut n = (1.0 / (u * u)) as usize;
            text.push('ゾ');
            loop {
                text.push(kana[n % kana.len()]);
                n /= kana.len();
                if n == 0 {
                    break;
                }
            }
            text.push('の');
            text.push_str(&lines[at % lines.len()]);
            text.push('\n');
            at += 1;
        }
        work.write(&format!("gen/g{:02}/doc{d:04}.txt", d % 7), text);
    }
}

#[test]
fn a_generated_corpus_gives_the_same_tables_whatever_the_threads_and_the_pair_memory() {
    let work = Workdir::new();
    generated_corpus(&work, 300);
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["analyze", "gen", "-o", out, "--quiet", "--timings"];
        args.extend_from_slice(extra);
        ok(&work.run(&args));
        let report: serde_json::Value =
            serde_json::from_str(&work.read(&format!("{out}/run.json"))).unwrap();
        report["pair_spills"].as_u64().unwrap()
    };
    assert_eq!(run("one", &["--jobs", "1"]), 0);
    assert_eq!(run("two", &["--jobs", "2"]), 0);
    // The smallest pair memory (about a thousand pairs per worker) spills all the time.
    let spills = run("spilled", &["--jobs", "2", "--cooc-memory", "0"]);
    assert!(spills > 20, "{spills} spills");
    assert_same_tables(&work, "one", "two", "--jobs 1 vs --jobs 2");
    assert_same_tables(
        &work,
        "one",
        "spilled",
        "pairs in memory vs spilled to disk",
    );
    // Nothing of the spill is left behind, and the vocabulary did grow.
    let left: Vec<_> = std::fs::read_dir(work.path("spilled"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.') && n != ".bokashi-output")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let (_, terms) = csv(&work.read("one/terms.csv"));
    let names = terms.iter().filter(|r| r[0].starts_with('ゾ')).count();
    assert!(names > 500, "{names} pseudo-nouns");
    let (_, pairs) = csv(&work.read("one/cooccurrence.csv"));
    assert!(pairs.len() > 1000, "{} pairs", pairs.len());
}

fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    encoding.encode(text).0.into_owned()
}

#[test]
fn a_png_is_skipped_and_listed_while_text_in_every_encoding_is_analyzed() {
    let work = Workdir::new();
    let text = "変形性ひざ関節症は軟骨がすり減る病気です。痛みを緩和します。\n";
    work.write("mixed/a_utf8.txt", text);
    work.write("mixed/b_sjis.txt", encode(encoding_rs::SHIFT_JIS, text));
    work.write("mixed/c_eucjp.txt", encode(encoding_rs::EUC_JP, text));
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    work.write("mixed/d_utf16.txt", utf16);
    work.write("mixed/empty.txt", "");
    work.write(
        "mixed/photo.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02",
    );
    let out = work.run(&["analyze", "mixed", "-o", "out"]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipping mixed/photo.png: binary file (PNG image)"),
        "{stderr}"
    );
    assert_eq!(
        work.read("out/skipped.csv"),
        "path,reason\nmixed/photo.png,binary file (PNG image)\n"
    );
    let (_, rows) = csv(&work.read("out/documents.csv"));
    let summary: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[3].clone(), r[4].clone()))
        .collect();
    let same = |doc: &str| (doc.to_string(), "2".to_string(), rows[0][4].clone());
    assert_eq!(
        summary,
        vec![
            same("a_utf8.txt"),
            same("b_sjis.txt"),
            same("c_eucjp.txt"),
            same("d_utf16.txt"),
            ("empty.txt".into(), "0".into(), "0".into()),
        ]
    );
    assert_eq!(rows[0][2], "30", "chars exclude the line break");
}

#[test]
fn groups_are_the_first_folder_below_the_root() {
    let work = Workdir::new();
    work.write("c/clinicA/x.txt", "幹細胞治療です。");
    work.write("c/clinicA/deep/y.txt", "軟骨です。");
    work.write("c/clinicB/z.txt", "膝です。");
    work.write("c/top.txt", "概要です。");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, rows) = csv(&work.read("out/documents.csv"));
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("clinicA/deep/y.txt", "clinicA"),
            ("clinicA/x.txt", "clinicA"),
            ("clinicB/z.txt", "clinicB"),
            ("top.txt", ""),
        ]
    );
}

#[test]
fn a_missing_input_is_a_one_line_fatal_error() {
    let work = Workdir::new();
    let out = work.run(&["analyze", "no-such-corpus", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        "bokashi: error: nothing to analyze: no-such-corpus: no such file or directory"
    );
    assert!(
        !work.path("out").exists(),
        "no staging folder left behind, nor the folder the run created"
    );
}

#[test]
fn an_output_path_that_is_a_file_fails_before_any_work() {
    let work = Workdir::new();
    work.write("c/a.txt", "本文です。");
    work.write("out", "I am a file");
    let out = work.run(&["analyze", "c", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("output path out exists and is not a directory"),
        "{stderr}"
    );
    assert_eq!(work.read("out"), "I am a file");
}

#[test]
fn a_failed_run_leaves_the_previous_tables_intact() {
    let work = Workdir::new();
    work.write("c/a.txt", "本文です。");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let before = work.read("out/documents.csv");
    // Every input is binary: nothing can be analyzed, the run fails.
    work.write("bin/x.png", b"\x89PNG\r\n\x1a\n\x00\x00");
    let out = work.run(&["analyze", "bin", "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(work.read("out/documents.csv"), before);
    let names: Vec<String> = std::fs::read_dir(work.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".bokashi-tmp")),
        "{names:?}"
    );
}

#[test]
fn the_manifest_says_what_made_the_tables_and_has_no_clock() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "a", "-q"]));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(&work.run(&["analyze", "corpus", "-o", "b", "-q", "--jobs", "1"]));
    assert_eq!(work.read("a/manifest.json"), work.read("b/manifest.json"));
    let m: serde_json::Value = serde_json::from_str(&work.read("a/manifest.json")).unwrap();
    assert_eq!(m["manifest"], 1);
    assert_eq!(m["lindera"], "6.2.0");
    assert_eq!(m["documents"], 5);
    assert_eq!(m["skipped"], 0);
    assert_eq!(m["options"]["cooc_unit"], "sentence");
    assert_eq!(m["options"]["tables"]["min_freq"], 2);
    assert_eq!(m["dictionary"]["blake3"].as_str().map(str::len), Some(64));
    // Another lexicon, another digest; another text, another inputs digest.
    work.write("lex.tsv", "hedge\tspeculation\t可能性がある\n");
    ok(&work.run(&["analyze", "corpus", "-o", "c", "-q", "--lexicon", "lex.tsv"]));
    let c: serde_json::Value = serde_json::from_str(&work.read("c/manifest.json")).unwrap();
    assert_ne!(c["lexicon"]["blake3"], m["lexicon"]["blake3"]);
    assert_eq!(c["inputs_blake3"], m["inputs_blake3"]);
    work.write("corpus/extra.txt", "追加の文です。\n");
    ok(&work.run(&["analyze", "corpus", "-o", "d", "-q"]));
    let d: serde_json::Value = serde_json::from_str(&work.read("d/manifest.json")).unwrap();
    assert_ne!(d["inputs_blake3"], m["inputs_blake3"]);
    assert_eq!(d["documents"], 6);
}
