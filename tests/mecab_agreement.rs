//! bokashi's segmentation (lindera over the embedded IPADIC) against MeCab with Debian's
//! mecab-ipadic-utf8, the reference implementation of the same dictionary.
//!
//! Both read the same NFKC-normalized sample corpus, bokashi with IPADIC alone
//! (`--no-user-dict`, as the domain words are meant to differ from MeCab); tokens are aligned by their character
//! spans in each line, and at least 99.9% of MeCab's tokens must have a bokashi token with
//! the same span. CI installs MeCab, so there this test always runs; on a machine without
//! MeCab it says so and passes, unless `CI` is set, where a missing MeCab is a failure.

use std::collections::HashSet;
use std::process::{Command, Stdio};

use crate::util::{Workdir, ok, repo};

const MECAB_DIC: &str = "/var/lib/mecab/dic/ipadic-utf8";

/// (start, end) character spans of the tokens of one line, located by searching each
/// surface after the previous one (both tokenizers skip whitespace).
fn spans(line: &str, surfaces: &[&str]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for s in surfaces {
        let at = cursor + line[cursor..].find(s)?;
        let start = line[..at].chars().count();
        out.push((start, start + s.chars().count()));
        cursor = at + s.len();
    }
    Some(out)
}

/// Token surfaces per line from MeCab-format output.
fn parse(output: &str) -> Vec<Vec<&str>> {
    let mut lines = vec![Vec::new()];
    for l in output.lines() {
        if l == "EOS" {
            lines.push(Vec::new());
        } else if let Some((surface, _)) = l.split_once('\t') {
            lines.last_mut().unwrap().push(surface);
        }
    }
    lines.pop();
    lines
}

#[test]
fn segmentation_agrees_with_mecab_on_the_sample_corpus() {
    let mecab_ok = Command::new("mecab")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        && std::path::Path::new(MECAB_DIC).exists();
    if !mecab_ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install mecab and mecab-ipadic-utf8 for this check"
        );
        eprintln!("mecab or {MECAB_DIC} not installed: agreement check not run");
        return;
    }

    // The normalized corpus, one source line per line.
    let mut corpus_files: Vec<_> = std::fs::read_dir(repo().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    corpus_files.sort();
    let mut text = String::new();
    for path in corpus_files {
        let raw = std::fs::read_to_string(path).unwrap();
        for line in raw.lines() {
            text.push_str(&bokashi::text::normalize::Normalized::new(line).text);
            text.push('\n');
        }
    }
    let work = Workdir::new();
    let input = work.write("normalized.txt", &text);

    let mecab = Command::new("mecab")
        .args(["-d", MECAB_DIC, "-b", "1048576"])
        .arg(&input)
        .output()
        .expect("run mecab");
    assert!(mecab.status.success());
    let mecab_out = String::from_utf8(mecab.stdout).unwrap();
    let ours_out = ok(&work.run(&["tokenize", "--no-user-dict", input.to_str().unwrap()]));

    let lines: Vec<&str> = text.lines().collect();
    let theirs = parse(&mecab_out);
    let ours = parse(&ours_out);
    assert_eq!(theirs.len(), lines.len(), "one EOS per line from mecab");
    assert_eq!(ours.len(), lines.len(), "one EOS per line from bokashi");

    let (mut total, mut agreed) = (0usize, 0usize);
    let mut differences = Vec::new();
    for ((line, t), o) in lines.iter().zip(&theirs).zip(&ours) {
        let ts = spans(line, t).expect("mecab surfaces are in the line");
        let os = spans(line, o).expect("bokashi surfaces are in the line");
        let os_set: HashSet<_> = os.iter().collect();
        total += ts.len();
        let here = ts.iter().filter(|s| os_set.contains(s)).count();
        agreed += here;
        if here < ts.len() && differences.len() < 10 {
            differences.push(format!("mecab {t:?}\nours  {o:?}"));
        }
    }
    let rate = agreed as f64 / total as f64;
    eprintln!(
        "MeCab agreement: {agreed}/{total} tokens = {:.4}%",
        rate * 100.0
    );
    for d in &differences {
        eprintln!("{d}");
    }
    assert!(total > 15_000, "the sample corpus has about 20k tokens");
    assert!(rate >= 0.999, "agreement {rate} below 99.9%");
}
