//! Hostile corpora, interrupted runs and spreadsheet safety. Each test is named after the
//! trouble it guards against and writes its own fixture.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Workdir, csv, ok};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn documents(work: &Workdir, dir: &str) -> Vec<Vec<String>> {
    csv(&work.read(&format!("{dir}/documents.csv"))).1
}

/// Staging folders of output folder `dir`: inside it, or beside it (`.out.bokashi-tmp-*`).
fn leftovers(dir: &Path) -> Vec<String> {
    let list = |d: &Path| -> Vec<String> {
        std::fs::read_dir(d)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.contains("bokashi-tmp"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut found = list(dir);
    if let Some(parent) = dir.parent() {
        found.extend(list(parent));
    }
    found
}

#[test]
fn invalid_utf8_bytes_are_replaced_and_counted_not_dropped() {
    let work = Workdir::new();
    let mut bytes = "軟骨が再生する可能性があります。".repeat(20).into_bytes();
    bytes.insert(9, 0xFF);
    bytes.insert(40, 0xC3);
    work.write("c/broken.txt", bytes);
    let out = work.run(&["analyze", "c", "-o", "out"]);
    ok(&out);
    assert!(
        stderr(&out).contains("c/broken.txt: 2 invalid byte sequence(s) replaced with U+FFFD"),
        "{}",
        stderr(&out)
    );
    let docs = documents(&work, "out");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0][3], "20", "all 20 sentences kept");
}

#[test]
fn a_file_mixing_encodings_is_decoded_line_by_line() {
    let work = Workdir::new();
    let mut bytes = "一行目は軟骨の話です。\n".as_bytes().to_vec();
    bytes.extend(
        encoding_rs::SHIFT_JIS
            .encode("二行目は炎症の話です。\n")
            .0
            .iter(),
    );
    bytes.extend(
        encoding_rs::EUC_JP
            .encode("三行目は痛みの話です。\n")
            .0
            .iter(),
    );
    work.write("c/mixed.txt", bytes);
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, sentences) = csv(&work.read("out/sentences.csv"));
    let texts: Vec<&str> = sentences.iter().map(|s| s[6].as_str()).collect();
    assert_eq!(
        texts,
        [
            "一行目は軟骨の話です。",
            "二行目は炎症の話です。",
            "三行目は痛みの話です。"
        ]
    );
}

#[test]
fn nul_bytes_and_control_characters_do_not_break_analysis() {
    let work = Workdir::new();
    let text = "軟骨\u{0}が再生\u{7}します。\u{1b}炎症\u{8}を抑えます。\u{c}\n".repeat(10);
    work.write("c/ctrl.txt", text);
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, terms) = csv(&work.read("out/terms.csv"));
    let names: Vec<&str> = terms.iter().map(|t| t[0].as_str()).collect();
    assert!(
        names.contains(&"軟骨") && names.contains(&"炎症"),
        "{names:?}"
    );
    assert!(names.iter().all(|n| !n.chars().any(char::is_control)));
}

#[test]
fn utf16_with_unpaired_surrogates_is_decoded_with_replacements() {
    let work = Workdir::new();
    let mut bytes = vec![0xFF, 0xFE];
    let mut units: Vec<u16> = "痛みを緩和します。".repeat(30).encode_utf16().collect();
    units.insert(3, 0xD800); // a lone high surrogate
    units.insert(10, 0xDC00); // a lone low surrogate
    for u in units {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    work.write("c/u16.txt", bytes);
    let out = work.run(&["analyze", "c", "-o", "out"]);
    ok(&out);
    assert!(
        stderr(&out).contains("2 invalid byte sequence(s)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(documents(&work, "out")[0][3], "30");
}

#[test]
fn a_50mb_file_without_line_break_or_terminator_is_cut_into_bounded_sentences() {
    let work = Workdir::new();
    // Realistic text with every terminator and line break taken out: 50 MB on one line.
    let mut seed = String::new();
    let corpus = crate::util::repo().join("corpus");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        seed.push_str(&std::fs::read_to_string(f).unwrap());
    }
    let seed: String = seed
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r' | '。' | '．' | '！' | '？' | '!' | '?'))
        .collect();
    let mut big = String::with_capacity(50_000_100);
    while big.len() < 50_000_000 {
        big.push_str(&seed);
    }
    let mut cut = 50_000_000;
    while !big.is_char_boundary(cut) {
        cut -= 1;
    }
    big.truncate(cut);
    work.write("c/one-line.txt", &big);
    drop(big);
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let docs = documents(&work, "out");
    let sentences: u64 = docs[0][3].parse().unwrap();
    let chars: u64 = docs[0][2].parse().unwrap();
    // Pieces of at most 1,024 characters: at least chars/1024 of them.
    assert!(
        sentences >= chars / 1024,
        "{sentences} sentences for {chars} chars"
    );
    let (_, rows) = csv(&work.read("out/sentences.csv"));
    assert!(rows.iter().all(|r| r[6].chars().count() <= 1024));
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop_is_reported_and_the_rest_analyzed() {
    let work = Workdir::new();
    work.write("c/a.txt", "軟骨です。");
    std::fs::create_dir_all(work.path("c/sub")).unwrap();
    std::os::unix::fs::symlink("..", work.path("c/sub/loop")).unwrap();
    let out = work.run(&["analyze", "c", "-o", "out"]);
    ok(&out);
    assert_eq!(documents(&work, "out").len(), 1);
    let (_, skipped) = csv(&work.read("out/skipped.csv"));
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0][0], "c/sub/loop");
    assert_eq!(skipped[0][1], "symbolic link loop");
}

/// Run bokashi as an unprivileged user when the tests run as root (as in CI), because
/// root reads and writes through any permission bits.
#[cfg(unix)]
fn run_unprivileged(work: &Workdir, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt;
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut cmd = if root {
        // A copy of the binary that the unprivileged user can run, in a folder it can enter.
        let bin = work.path("bokashi-bin");
        std::fs::copy(env!("CARGO_BIN_EXE_bokashi"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(work.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_bokashi"))
    };
    cmd.args(args)
        .current_dir(work.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_skipped_with_its_reason() {
    use std::os::unix::fs::PermissionsExt;
    let work = Workdir::new();
    work.write("c/ok.txt", "軟骨です。");
    let secret = work.write("c/secret.txt", "秘密です。");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(work.path("c"), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(
        work.path("c/ok.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = run_unprivileged(&work, &["analyze", "c", "-o", "out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("skipping c/secret.txt: permission denied"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        work.read("out/skipped.csv"),
        "path,reason\nc/secret.txt,permission denied\n"
    );
    assert_eq!(documents(&work, "out").len(), 1);
}

#[cfg(unix)]
#[test]
fn a_read_only_output_directory_fails_before_any_work() {
    use std::os::unix::fs::PermissionsExt;
    let work = Workdir::new();
    work.write("c/a.txt", "軟骨です。");
    std::fs::set_permissions(work.path("c"), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(work.path("c/a.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::create_dir_all(work.path("ro")).unwrap();
    std::fs::set_permissions(work.path("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = run_unprivileged(&work, &["analyze", "c", "-o", "ro"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("bokashi: error: cannot write to output directory ro"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn a_file_deleted_between_listing_and_reading_is_skipped() {
    use bokashi::pipeline::{Analyzer, Config, Outcome};

    let work = Workdir::new();
    work.write("c/a.txt", "軟骨です。");
    work.write("c/gone.txt", "消えます。");
    let root = work.path("c");
    let (inputs, _) = bokashi::input::discover(std::slice::from_ref(&root));
    assert_eq!(inputs.len(), 2);
    std::fs::remove_file(work.path("c/gone.txt")).unwrap();

    // A pipeline built without the command line.
    let analyzer = Analyzer::standalone(Config::default()).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut outcomes = Vec::new();
    analyzer
        .run(
            &inputs,
            &pool,
            &bokashi::progress::Reporter::hidden(),
            |o| {
                outcomes.push(o);
                Ok(())
            },
        )
        .unwrap();
    assert!(matches!(&outcomes[0], Outcome::Analyzed(a) if a.row.doc == "a.txt"));
    match &outcomes[1] {
        Outcome::Skipped(s) => {
            assert!(s.path.ends_with("c/gone.txt"));
            assert_eq!(s.reason.to_string(), "no such file or directory");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_missing_input_among_others_is_listed_and_the_run_completes() {
    let work = Workdir::new();
    work.write("c/a.txt", "軟骨です。");
    let out = work.run(&["analyze", "c", "nowhere", "-o", "out"]);
    ok(&out);
    assert!(stderr(&out).contains("skipping nowhere: no such file or directory"));
    assert_eq!(
        work.read("out/skipped.csv"),
        "path,reason\nnowhere,no such file or directory\n"
    );
}

#[test]
fn an_empty_corpus_is_a_clear_error() {
    let work = Workdir::new();
    std::fs::create_dir_all(work.path("empty")).unwrap();
    let out = work.run(&["analyze", "empty", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        "bokashi: error: nothing to analyze: no files in empty"
    );
}

#[test]
fn english_and_chinese_text_is_analyzed_without_error() {
    let work = Workdir::new();
    work.write(
        "c/en.txt",
        "Exosome therapy may reduce knee pain. It is 100% safe, the clinic claims.\n",
    );
    work.write(
        "c/zh.txt",
        "外泌体疗法可能减轻膝关节疼痛。这是最先进的治疗。\n",
    );
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let docs = documents(&work, "out");
    assert_eq!(docs.len(), 2);
    assert!(
        docs.iter().all(|d| d[4].parse::<u64>().unwrap() > 5),
        "{docs:?}"
    );
}

#[test]
fn sigterm_stops_promptly_and_leaves_the_old_tables_untouched() {
    let work = Workdir::new();
    // About 24 MB in 400 files: several seconds of work.
    let seed = std::fs::read_to_string(crate::util::repo().join("corpus/002_dd53875ad72d2b53.txt"))
        .unwrap();
    for i in 0..400 {
        work.write(&format!("big/doc{i:04}.txt"), &seed);
    }
    std::fs::create_dir_all(work.path("out")).unwrap();
    work.write("out/documents.csv", "old table\n");

    let mut child = Command::new(env!("CARGO_BIN_EXE_bokashi"))
        .args(["analyze", "big", "-o", "out", "-q", "--jobs", "2"])
        .current_dir(work.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run is under way (its staging folder exists), then a bit more.
    let started = Instant::now();
    while leftovers(&work.path("out")).is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run must still be going"
    );
    let signalled = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let took = signalled.elapsed();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "stopped in {took:?}");
    assert!(stderr(&out).contains("interrupted"));
    assert_eq!(work.read("out/documents.csv"), "old table\n");
    assert!(
        leftovers(&work.path("out")).is_empty(),
        "no staging folder left"
    );
    let mut names: Vec<String> = std::fs::read_dir(work.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".bokashi-output", "documents.csv"],
        "nothing else written but the marker of an output folder"
    );
}

#[test]
fn excel_mode_neutralizes_formulas_and_adds_a_bom() {
    let work = Workdir::new();
    work.write(
        "c/inject.txt",
        "=HYPERLINK(\"http://x\",\"y\")\n+81-3-1234-5678に電話してください。\n@SUM(A1)\n-5%の改善が確認できました。\n",
    );
    ok(&work.run(&["analyze", "c", "-o", "plain", "-q"]));
    ok(&work.run(&["analyze", "c", "-o", "xl", "-q", "--excel"]));
    let plain = work.read("plain/sentences.csv");
    let xl = work.read("xl/sentences.csv");
    assert!(!plain.starts_with('\u{FEFF}'));
    assert!(xl.starts_with('\u{FEFF}'));
    let texts = |t: &str| -> Vec<String> {
        csv(t.trim_start_matches('\u{FEFF}'))
            .1
            .into_iter()
            .map(|r| r[6].clone())
            .collect()
    };
    assert_eq!(
        texts(&plain),
        [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+81-3-1234-5678に電話してください。",
            "@SUM(A1)",
            "-5%の改善が確認できました。"
        ]
    );
    assert_eq!(
        texts(&xl),
        [
            "'=HYPERLINK(\"http://x\",\"y\")",
            "'+81-3-1234-5678に電話してください。",
            "'@SUM(A1)",
            "'-5%の改善が確認できました。"
        ]
    );
    // Every table has the BOM; numeric cells are never prefixed.
    for name in [
        "documents.csv",
        "terms.csv",
        "cues.csv",
        "numbers.csv",
        "skipped.csv",
    ] {
        assert!(
            work.read(&format!("xl/{name}")).starts_with('\u{FEFF}'),
            "{name}"
        );
    }
    let (_, rows) = csv(work.read("xl/sentences.csv").trim_start_matches('\u{FEFF}'));
    assert!(
        rows.iter().all(|r| r[1].parse::<u64>().is_ok()),
        "sentence_no stays a number"
    );
    let (_, terms) = csv(work
        .read("xl/stance_terms.csv")
        .trim_start_matches('\u{FEFF}'));
    for t in &terms {
        assert!(
            t[4].parse::<f64>().is_ok() && t[5].parse::<f64>().is_ok(),
            "{t:?}"
        );
    }
}

#[test]
fn a_summary_line_closes_every_run() {
    let work = Workdir::new();
    work.write("c/a.txt", "軟骨です。");
    work.write("c/b.png", b"\x89PNG\r\n\x1a\n\x00\x00");
    let out = work.run(&["analyze", "c", "-o", "out"]);
    ok(&out);
    let last = stderr(&out).lines().last().unwrap_or_default().to_string();
    assert!(
        last.starts_with("bokashi: 1 document(s) analyzed, 1 skipped, 1 warning(s) in "),
        "{last}"
    );
    assert!(last.ends_with("s; tables in out"), "{last}");
}
