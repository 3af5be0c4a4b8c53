use crate::util::{Workdir, bokashi, ok};

const EXPECTED: &str = "\
すり減っ\t動詞,自立,*,*,五段・ラ行,連用タ接続,すり減る,スリヘッ,スリヘッ
た\t助動詞,*,*,*,特殊・タ,基本形,た,タ,タ
軟骨\t名詞,一般,*,*,*,*,軟骨,ナンコツ,ナンコツ
そのもの\t名詞,一般,*,*,*,*,そのもの,ソノモノ,ソノモノ
を\t助詞,格助詞,一般,*,*,*,を,ヲ,ヲ
再生\t名詞,サ変接続,*,*,*,*,再生,サイセイ,サイセイ
さ\t動詞,自立,*,*,サ変・スル,未然レル接続,する,サ,サ
せる\t動詞,接尾,*,*,一段,基本形,せる,セル,セル
EOS
";

#[test]
fn stdin_prints_mecab_format_with_eos_per_line() {
    let work = Workdir::new();
    let out = bokashi(
        work.dir.path(),
        &["tokenize"],
        Some("すり減った軟骨そのものを再生させる\n\n".as_bytes()),
    );
    assert_eq!(ok(&out), format!("{EXPECTED}EOS\n"));
}

#[test]
fn a_shift_jis_file_is_decoded_and_normalized_before_tokenizing() {
    let work = Workdir::new();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("ＭＭＰ－３は１９８\r\n");
    let path = work.write("sjis.txt", sjis);
    let out = ok(&work.run(&["tokenize", path.to_str().unwrap()]));
    let surfaces: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    // Full-width letters and digits are NFKC-normalized to ASCII.
    assert_eq!(surfaces, ["MMP", "-", "3", "は", "198", "EOS"]);
    assert!(
        out.starts_with("MMP\t名詞,固有名詞,組織,*,*,*,*,*,*\n"),
        "{out}"
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let work = Workdir::new();
    let out = work.run(&["tokenize", "nope.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("bokashi: error: reading nope.txt:"),
        "{stderr}"
    );
}

/// The benchmark's two references segment the same tokens: the pipeline's lattice-direct
/// worker and lindera's public `SegmentWorker` (so their speeds compare like for like).
#[test]
fn segment_counts_the_same_tokens_through_lindera_api() {
    let work = Workdir::new();
    crate::util::copy_corpus(&work);
    let count = |args: &[&str]| -> String {
        let out = ok(&work.run(args));
        out.split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(count(&["segment", "corpus"]), "20876");
    assert_eq!(count(&["segment", "corpus", "--lindera-api"]), "20876");
    assert_eq!(
        count(&["segment", "corpus", "--lindera-api", "--jobs", "1"]),
        "20876"
    );
}

#[test]
fn tokenize_takes_text_on_the_command_line() {
    let work = Workdir::new();
    let out = ok(&work.run(&["tokenize", "副作用は一切ありません"]));
    let surfaces: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(
        surfaces,
        ["副作用", "は", "一切", "あり", "ませ", "ん", "EOS"]
    );
    // A missing file that looks like one is still an error.
    let missing = work.run(&["tokenize", "notes.txt"]);
    assert_eq!(missing.status.code(), Some(2));
}
