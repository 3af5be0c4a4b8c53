//! The plain-text resources in `dict/` that users read and edit: the domain user
//! dictionary and the stopword list (the stance lexicon has its own module).
//!
//! The files in `dict/` are compiled into the binary so that it runs anywhere; editing them
//! and running `cargo run` rebuilds in seconds, and every file can be replaced at run time
//! with an option (`--user-dict`, `--stopwords`) without rebuilding. Every file is
//! validated on load, with errors that name the file and line.

use rustc_hash::FxHashSet as HashSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use lindera::dictionary::UserDictionary;
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

use crate::text::normalize::Normalized;

/// A named text: a built-in file or one given on the command line.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) text: String,
}

impl Source {
    pub(crate) fn builtin(name: &str, text: &str) -> Self {
        Source {
            name: format!("built-in {name}"),
            text: text.to_string(),
        }
    }

    pub(crate) fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
        Ok(Source {
            name: path.display().to_string(),
            text: text.trim_start_matches('\u{FEFF}').to_string(),
        })
    }

    /// Non-blank, non-comment lines with their 1-based line numbers.
    pub(crate) fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    }
}

pub(crate) const BUILTIN_USER_DICT: &str = include_str!("../dict/user_dict.csv");
pub(crate) const BUILTIN_STOPWORDS: &str = include_str!("../dict/stopwords.txt");

/// Content words left out of the term tables, compared after NFKC.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stopwords {
    words: HashSet<String>,
}

impl Stopwords {
    pub(crate) fn parse(source: &Source) -> Result<Self> {
        let mut words = HashSet::default();
        for (line, word) in source.lines() {
            if word.contains(char::is_whitespace) {
                bail!(
                    "{} line {line}: one stopword per line, found {word:?}",
                    source.name
                );
            }
            words.insert(Normalized::new(word).text);
        }
        Ok(Stopwords { words })
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }
}

/// Context ids and POS fields for the short user-dictionary form `surface,品詞,読み`.
fn short_form(pos: &str) -> Option<(u16, &'static str)> {
    Some(match pos {
        "名詞" | "名詞-一般" => (1285, "名詞,一般,*,*"),
        "サ変" | "名詞-サ変接続" => (1283, "名詞,サ変接続,*,*"),
        "固有名詞" | "名詞-固有名詞" | "名詞-固有名詞-一般" => {
            (1288, "名詞,固有名詞,一般,*")
        }
        _ => return None,
    })
}

/// Cost given to short-form entries: low enough to win over IPADIC's splits of the same
/// characters, as an ordinary noun would.
const SHORT_FORM_COST: i16 = 2500;

/// Build one lindera user dictionary from all `sources`, in IPADIC's 13-field CSV or the
/// short form, checking every line.
pub(crate) fn user_dictionary(
    metadata: &Metadata,
    sources: &[Source],
) -> Result<Option<UserDictionary>> {
    let mut csv_text = String::new();
    for source in sources {
        for (line, row) in source.lines() {
            let fields: Vec<&str> = row.split(',').map(str::trim).collect();
            let at = || format!("{} line {line}", source.name);
            match fields.len() {
                3 => {
                    let (surface, pos, reading) = (fields[0], fields[1], fields[2]);
                    let Some((id, pos_fields)) = short_form(pos) else {
                        bail!(
                            "{}: unknown part of speech {pos:?} (use 名詞, サ変 or 固有名詞, or the 13-field IPADIC form)",
                            at()
                        );
                    };
                    if surface.is_empty() {
                        bail!("{}: empty surface", at());
                    }
                    let surface = Normalized::new(surface).text;
                    csv_text.push_str(&format!(
                        "{surface},{id},{id},{SHORT_FORM_COST},{pos_fields},*,*,{surface},{reading},{reading}\n"
                    ));
                }
                13 => {
                    if fields[0].is_empty() {
                        bail!("{}: empty surface", at());
                    }
                    for (i, what) in [(1, "left context id"), (2, "right context id")] {
                        if fields[i].parse::<u16>().map_or(true, |v| v > 1315) {
                            bail!(
                                "{}: {what} {:?} is not an IPADIC id (0-1315)",
                                at(),
                                fields[i]
                            );
                        }
                    }
                    if fields[3].parse::<i16>().is_err() {
                        bail!(
                            "{}: cost {:?} is not a number in -32768..32767",
                            at(),
                            fields[3]
                        );
                    }
                    // Entries are matched against NFKC text, so their surfaces are normalized too.
                    let surface = Normalized::new(fields[0]).text;
                    csv_text.push_str(&surface);
                    for f in &fields[1..] {
                        csv_text.push(',');
                        csv_text.push_str(f);
                    }
                    csv_text.push('\n');
                }
                n => bail!(
                    "{}: expected 13 fields (IPADIC form) or 3 (surface,品詞,読み), found {n}",
                    at()
                ),
            }
        }
    }
    if csv_text.is_empty() {
        return Ok(None);
    }
    let dictionary = DictionaryBuilder::new(metadata.clone())
        .build_user_dict_from_reader(csv_text.as_bytes())
        .map_err(|e| anyhow::anyhow!("building the user dictionary: {e}"))?;
    Ok(Some(dictionary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        Source {
            name: "test.csv".into(),
            text: text.into(),
        }
    }

    #[test]
    fn builtin_files_parse() {
        let stop = Stopwords::parse(&Source::builtin("stopwords", BUILTIN_STOPWORDS)).unwrap();
        assert!(stop.contains("する") && stop.contains("こと") && stop.contains("ため"));
        assert!(!stop.contains("軟骨"));
        let meta = crate::morph::tokenize::load_system_dictionary()
            .unwrap()
            .metadata;
        let dict = user_dictionary(&meta, &[Source::builtin("user_dict", BUILTIN_USER_DICT)]);
        assert!(dict.unwrap().is_some());
    }

    #[test]
    fn stopwords_are_normalized_and_comments_skipped() {
        let stop = Stopwords::parse(&src("# comment\n\nＡＢＣ\n  する  \n")).unwrap();
        assert!(stop.contains("ABC") && stop.contains("する"));
        assert_eq!(stop.len(), 2);
        let err = Stopwords::parse(&src("a b\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv line 1: one stopword per line, found \"a b\""
        );
    }

    #[test]
    fn user_dictionary_lines_are_validated_with_line_numbers() {
        let meta = crate::morph::tokenize::load_system_dictionary()
            .unwrap()
            .metadata;
        let bad = |text: &str| {
            user_dictionary(&meta, &[src(text)])
                .err()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            bad("# c\nエクソ,形容詞,エクソ\n"),
            "test.csv line 2: unknown part of speech \"形容詞\" (use 名詞, サ変 or 固有名詞, or the 13-field IPADIC form)"
        );
        assert_eq!(
            bad("a,b\n"),
            "test.csv line 1: expected 13 fields (IPADIC form) or 3 (surface,品詞,読み), found 2"
        );
        assert_eq!(
            bad("上清,9999,1285,2000,名詞,一般,*,*,*,*,上清,ジョウセイ,ジョーセイ\n"),
            "test.csv line 1: left context id \"9999\" is not an IPADIC id (0-1315)"
        );
        assert!(
            user_dictionary(&meta, &[src("# only comments\n")])
                .unwrap()
                .is_none()
        );
    }
}
