//! The failures a hostile probe found (issue 18), one test each, named after what it guards.

use crate::util::{Workdir, copy_corpus, csv, ok};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn term_freq(work: &Workdir, out: &str, term: &str) -> String {
    let (_, rows) = csv(&work.read(&format!("{out}/terms.csv")));
    rows.iter()
        .find(|r| r[0] == term)
        .map(|r| r[3].clone())
        .unwrap_or_default()
}

#[test]
fn output_inside_the_input_is_not_read_back() {
    let work = Workdir::new();
    copy_corpus(&work);
    let p = work.path("corpus");
    let first = crate::util::bokashi(&p, &["analyze", "."], None);
    ok(&first);
    let second = crate::util::bokashi(&p, &["analyze", "."], None);
    ok(&second);
    assert!(
        stderr(&second).contains("skipping ./output: it is a bokashi output folder"),
        "{}",
        stderr(&second)
    );
    let (_, docs) = csv(&work.read("corpus/output/documents.csv"));
    assert_eq!(
        docs.len(),
        5,
        "the tables of the first run are not documents"
    );
    // An output folder named elsewhere with -o is passed over too, marker or not.
    std::fs::remove_file(work.path("corpus/output/.bokashi-output")).unwrap();
    ok(&crate::util::bokashi(
        &p,
        &["analyze", ".", "-o", "output"],
        None,
    ));
    let (_, docs) = csv(&work.read("corpus/output/documents.csv"));
    assert_eq!(docs.len(), 5);
}

#[test]
fn each_file_is_read_once() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "once", "-q"]));
    let out = work.run(&[
        "analyze",
        "corpus",
        "./corpus/",
        "corpus/000_58525d2d109e6d9c.txt",
        "-o",
        "twice",
    ]);
    ok(&out);
    assert!(
        stderr(&out).contains("./corpus/: 5 file(s) already named by an earlier input, read once"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        term_freq(&work, "twice", "エクソソーム"),
        term_freq(&work, "once", "エクソソーム")
    );
    assert_eq!(
        work.read("twice/documents.csv"),
        work.read("once/documents.csv")
    );
}

#[test]
fn invisible_characters_do_not_hide_words() {
    let work = Workdir::new();
    work.write(
        "c/a.txt",
        "効果が期\u{00AD}待されます。\n必\u{200E}ず治ります。\nエクソ\u{00AD}ソームを\u{202E}使\u{202C}います。\n",
    );
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, cues) = csv(&work.read("out/cues.csv"));
    let found: Vec<(&str, &str)> = cues
        .iter()
        .map(|c| (c[3].as_str(), c[5].as_str()))
        .collect();
    assert!(
        found.contains(&("expectation", "期\u{00AD}待され")),
        "{found:?}"
    );
    assert!(found.contains(&("certainty", "必\u{200E}ず")), "{found:?}");
    assert_eq!(term_freq(&work, "out", "エクソソーム"), "1");
}

#[cfg(unix)]
#[test]
fn distinct_files_keep_distinct_ids() {
    use std::os::unix::ffi::OsStrExt;
    let work = Workdir::new();
    let dir = work.path("c");
    std::fs::create_dir_all(&dir).unwrap();
    for name in [&b"bad\xff\xfe.txt"[..], b"bad\xfd\xfd.txt", b"50%.txt"] {
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, "膝の痛みが和らぎます。\n").unwrap();
    }
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, docs) = csv(&work.read("out/documents.csv"));
    let ids: Vec<&str> = docs.iter().map(|d| d[0].as_str()).collect();
    assert_eq!(ids, ["50%25.txt", "bad%FD%FD.txt", "bad%FF%FE.txt"]);
}

#[test]
fn jobs_above_the_ceiling_are_refused() {
    let work = Workdir::new();
    copy_corpus(&work);
    let out = work.run(&["analyze", "corpus", "-j", "100000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("bokashi: error: --jobs 100000 is more than 256"),
        "{}",
        stderr(&out)
    );
    assert!(
        !work.path("output").exists(),
        "refused before any output is made"
    );
}

#[test]
fn no_stale_run_json_and_no_empty_output_folder_after_a_failure() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&[
        "analyze",
        "corpus",
        "-o",
        "out",
        "-q",
        "--timings",
        "--xlsx",
    ]));
    assert!(work.path("out/run.json").exists() && work.path("out/bokashi.xlsx").exists());
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    assert!(
        !work.path("out/run.json").exists(),
        "run.json of an earlier --timings run"
    );
    assert!(
        !work.path("out/bokashi.xlsx").exists(),
        "a workbook of earlier tables"
    );
    // A run with nothing to analyze fails and leaves no folder it created.
    work.write("empty/.keep", "");
    let failed = work.run(&["analyze", "empty", "-o", "new_out", "-q"]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(!work.path("new_out").exists());
}

#[test]
fn names_in_messages_and_cells_are_safe() {
    let work = Workdir::new();
    // A missing input whose name would set the terminal title.
    let out = work.run(&["analyze", "\u{1b}]0;pwned\u{7}", "-o", "out", "-q"]);
    let err = stderr(&out);
    assert!(
        !err.contains('\u{1b}') && err.contains("\\u{1b}]0;pwned\\u{7}"),
        "{err:?}"
    );
    // Full-width formula characters are neutralised by --excel.
    work.write("c/a.txt", "＝SUM(A1)と書かれていました。\n");
    ok(&work.run(&["analyze", "c", "-o", "x", "-q", "--excel"]));
    let sentences = work.read("x/sentences.csv");
    assert!(
        sentences.contains("'＝SUM(A1)と書かれていました。"),
        "{sentences}"
    );
    // A bidi override in a file name is escaped in the doc id.
    work.write("d/a\u{202E}txt.exe", "膝の痛み。\n");
    ok(&work.run(&["analyze", "d", "-o", "y", "-q"]));
    let (_, docs) = csv(&work.read("y/documents.csv"));
    assert_eq!(docs[0][0], "a%E2%80%AEtxt.exe");
}

#[test]
fn a_few_bad_bytes_do_not_drop_a_document() {
    let work = Workdir::new();
    // 240 bytes of UTF-8 with three invalid bytes (over 1%), and a file cut mid-character.
    let mut damaged = "膝の痛みが和らぎます。".repeat(7).into_bytes();
    damaged.truncate(231);
    damaged.extend_from_slice(b"\xff\xfe\xfd");
    damaged.extend_from_slice("。\n".as_bytes());
    work.write("c/damaged.txt", &damaged);
    let mut cut = "副作用はありません。".as_bytes().to_vec();
    cut.truncate(cut.len() - 1);
    work.write("c/cut.txt", &cut);
    // Mostly invalid: not text, and the reason says what was found.
    let garbage: Vec<u8> = b"\xffA".repeat(200);
    work.write("c/garbage.txt", &garbage);
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, docs) = csv(&work.read("out/documents.csv"));
    let ids: Vec<&str> = docs.iter().map(|d| d[0].as_str()).collect();
    assert_eq!(ids, ["cut.txt", "damaged.txt"]);
    let (_, skipped) = csv(&work.read("out/skipped.csv"));
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0][0].ends_with("garbage.txt"), "{skipped:?}");
    assert!(
        skipped[0][1].starts_with("not text in UTF-8, UTF-16, Shift_JIS or EUC-JP: ")
            && skipped[0][1].contains("invalid byte sequence(s) in 400 bytes"),
        "{skipped:?}"
    );
}

#[test]
fn the_command_line_says_what_it_means() {
    let work = Workdir::new();
    copy_corpus(&work);
    let typo = work.run(&["analyse", "corpus"]);
    assert_eq!(typo.status.code(), Some(2));
    assert_eq!(
        stderr(&typo).trim_end(),
        "bokashi: error: `analyse` is neither a command nor an existing file or folder (did you \
         mean `bokashi analyze`?); commands: analyze, tokenize, explain, kwic, merge"
    );
    assert!(!work.path("output").exists(), "nothing was analyzed");
    let unknown = work.run(&["mrege", "a", "b"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("`mrege` is neither a command"));
    assert!(stderr(&unknown).contains("did you mean `bokashi merge`?"));
    // Options that do nothing for a command are refused there.
    let excel = work.run(&["tokenize", "--excel", "本文"]);
    assert_eq!(excel.status.code(), Some(2));
    // `-` reads standard input.
    let out = crate::util::bokashi(
        work.dir.path(),
        &["analyze", "-", "-o", "stdin_out", "-q"],
        Some("副作用はありません。\n".as_bytes()),
    );
    ok(&out);
    let (_, docs) = csv(&work.read("stdin_out/documents.csv"));
    assert_eq!((docs[0][0].as_str(), docs[0][10].as_str()), ("stdin", "1"));
}

#[cfg(unix)]
#[test]
fn nothing_hangs_on_fifos_devices_and_links_into_the_system() {
    let work = Workdir::new();
    work.write("c/a.txt", "膝の痛みが和らぎます。\n");
    let c = work.path("c");
    let fifo = c.join("pipe.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/proc/self", c.join("self")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", c.join("zero.txt")).unwrap();
    let started = std::time::Instant::now();
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let (_, skipped) = csv(&work.read("out/skipped.csv"));
    let reasons: Vec<(String, &str)> = skipped
        .iter()
        .map(|r| (r[0].rsplit('/').next().unwrap().to_string(), r[1].as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "pipe.txt".to_string(),
                "a FIFO (named pipe), not a regular file"
            ),
            ("self".to_string(), "symbolic link into /proc, not followed"),
            (
                "zero.txt".to_string(),
                "symbolic link into /dev, not followed"
            ),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_file_replaced_after_listing_by_a_fifo_or_a_device_is_refused() {
    let work = Workdir::new();
    work.write("c/a.txt", "本文。\n");
    work.write("c/b.txt", "本文。\n");
    let (inputs, _) = bokashi::input::discover(&[work.path("c")]);
    assert_eq!(inputs.len(), 2);
    // Replaced after the listing: a FIFO with no writer, and a link to /dev/zero.
    std::fs::remove_file(&inputs[0].path).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&inputs[0].path)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(&inputs[1].path).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &inputs[1].path).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        bokashi::input::read(&inputs[0]).unwrap_err().to_string(),
        "a FIFO (named pipe), not a regular file"
    );
    assert_eq!(
        bokashi::input::read(&inputs[1]).unwrap_err().to_string(),
        "a device, not a regular file"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[cfg(unix)]
#[test]
fn the_output_folder_is_locked_and_stale_staging_is_cleaned() {
    use std::os::unix::io::AsRawFd;
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    // A staging folder left by a run killed outright is removed by the next run.
    work.write("out/.bokashi-tmp-killed/terms.csv", "half\n");
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    assert!(!work.path("out/.bokashi-tmp-killed").exists());
    // While another process holds the folder's lock, a run fails at once, tables intact.
    let before = work.read("out/terms.csv");
    let marker = std::fs::OpenOptions::new()
        .write(true)
        .open(work.path("out/.bokashi-output"))
        .unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(
        unsafe { libc::flock(marker.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let second = work.run(&["analyze", "corpus", "-o", "out", "-q"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        stderr(&second)
            .contains("another bokashi run is writing to out; try again when it has finished"),
        "{}",
        stderr(&second)
    );
    assert_eq!(work.read("out/terms.csv"), before);
    drop(marker);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
}

#[test]
fn memory_is_bounded_per_document_and_spilled_rows_are_exact() {
    // One long document, its rows kept in memory, and spilled at every window: the same
    // tables. (Peak memory of a 100 MB file is measured in PERFORMANCE.md, not here.)
    let work = Workdir::new();
    let mut text = String::new();
    for entry in std::fs::read_dir(crate::util::repo().join("corpus")).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    work.write("c/long.txt", text.repeat(3));
    ok(&work.run(&["analyze", "c", "-o", "kept", "-q"]));
    ok(&work.run(&["analyze", "c", "-o", "spilled", "-q", "--row-memory", "0"]));
    for table in [
        "numbers.csv",
        "sentences.csv",
        "cues.csv",
        "documents.csv",
        "doc_terms.csv",
    ] {
        let kept = work.read(&format!("kept/{table}"));
        assert!(kept.lines().count() > 1, "{table}");
        assert_eq!(kept, work.read(&format!("spilled/{table}")), "{table}");
    }
    let leftovers: Vec<String> = std::fs::read_dir(work.path("spilled"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".bokashi-output")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_commit_swaps_the_whole_folder_at_once() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    // A file of the user's in the folder survives; a directory where a table goes (which
    // made the old commit fail halfway) no longer matters: the new folder replaces the old
    // one in one rename.
    work.write("out/notes.txt", "mine\n");
    std::fs::remove_file(work.path("out/skipped.csv")).unwrap();
    work.write("out/skipped.csv/inside.txt", "in the way\n");
    let before_terms = work.read("out/terms.csv");
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    assert_eq!(work.read("out/notes.txt"), "mine\n");
    assert_eq!(work.read("out/skipped.csv"), "path,reason\n");
    assert_eq!(work.read("out/terms.csv"), before_terms);
    // No staging folder is left, inside the folder or beside it.
    let beside: Vec<String> = std::fs::read_dir(work.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("bokashi-tmp"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
    let mut names: Vec<String> = std::fs::read_dir(work.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".bokashi-output",
            "cooccurrence.csv",
            "cues.csv",
            "disclosures.csv",
            "doc_terms.csv",
            "documents.csv",
            "flags.csv",
            "group_terms.csv",
            "groups.csv",
            "manifest.json",
            "notes.txt",
            "numbers.csv",
            "report.html",
            "sentences.csv",
            "skipped.csv",
            "stance_summary.csv",
            "stance_terms.csv",
            "terms.csv"
        ]
    );
}

#[test]
fn negative_numbers_keep_their_sign() {
    let work = Workdir::new();
    work.write(
        "c/a.txt",
        "冷凍庫は-5℃、気温はマイナス2度、売上は▲5%、変化は−0.3%でした。\n",
    );
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    let (_, rows) = csv(&work.read("out/numbers.csv"));
    let values: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[2].as_str(), r[3].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("-5℃", "-5", "celsius"),
            ("マイナス2度", "-2", "celsius"),
            ("▲5%", "-5", "percent"),
            ("−0.3%", "-0.3", "percent"),
        ]
    );
}
