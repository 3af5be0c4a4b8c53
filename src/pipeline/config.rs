//! What a pipeline is built from: owned by the pipeline, built by the command line (or
//! by a test, without it).

use crate::counts::pairs::Unit;
use crate::resources::{BUILTIN_STOPWORDS, BUILTIN_USER_DICT, Source};
use crate::stages::compliance::BUILTIN_RULES;
use crate::stages::stance::lexicon::{BUILTIN_CLAIM_WORDS, BUILTIN_LEXICON};
use crate::tables::CsvStyle;

/// The version of manifest.json's layout.
pub(crate) const MANIFEST_FORMAT: u32 = 1;

/// The editable files the pipeline compiles, and the options that change what it counts
/// or how it renders rows.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) user_dictionaries: Vec<Source>,
    pub(crate) stopwords: Source,
    pub(crate) lexicon: Source,
    pub(crate) claim_words: Source,
    pub(crate) compliance_rules: Source,
    /// Join noun runs into compound terms.
    pub(crate) compounds: bool,
    pub(crate) cooc_unit: Unit,
    pub(crate) style: CsvStyle,
    /// Bytes of co-occurrence pairs each worker keeps in memory before spilling.
    pub(crate) pair_budget: usize,
    /// Bytes of one document's rendered rows kept in memory before they are spilled.
    pub(crate) row_budget: usize,
    /// How inputs are read (tables' columns, `--format`, `--group-by`).
    pub(crate) read: crate::input::ReadOptions,
}

impl Default for Config {
    /// The built-in files and the command line's defaults.
    fn default() -> Self {
        Config {
            user_dictionaries: vec![Config::builtin_user_dictionary()],
            stopwords: Source::builtin("dict/stopwords.txt", BUILTIN_STOPWORDS),
            lexicon: Source::builtin("dict/stance_lexicon.tsv", BUILTIN_LEXICON),
            claim_words: Source::builtin("dict/claim_words.tsv", BUILTIN_CLAIM_WORDS),
            compliance_rules: Source::builtin("dict/compliance_rules.tsv", BUILTIN_RULES),
            compounds: true,
            cooc_unit: Unit::Sentence,
            style: CsvStyle::default(),
            pair_budget: 8 << 20,
            row_budget: 8 << 20,
            read: Default::default(),
        }
    }
}

impl Config {
    /// The domain user dictionary bokashi ships (`dict/user_dict.csv`).
    pub(crate) fn builtin_user_dictionary() -> Source {
        Source::builtin("dict/user_dict.csv", BUILTIN_USER_DICT)
    }

    /// What identifies the pipeline in manifest.json: versions, the dictionary and the
    /// editable files by name and digest, and the options that change the counts.
    pub(crate) fn identity(&self, tables: serde_json::Value) -> serde_json::Value {
        let file = |s: &Source| serde_json::json!({"name": s.name, "blake3": blake3::hash(s.text.as_bytes()).to_hex().as_str()});
        let read = &self.read;
        serde_json::json!({
            "manifest": MANIFEST_FORMAT,
            "bokashi": env!("CARGO_PKG_VERSION"),
            "lindera": crate::morph::tokenize::LINDERA_VERSION,
            "dictionary": {
                "name": "mecab-ipadic-2.7.0-20070801",
                "blake3": env!("BOKASHI_IPADIC_DIGEST"),
            },
            "user_dictionaries": self.user_dictionaries.iter().map(file).collect::<Vec<_>>(),
            "stopwords": file(&self.stopwords),
            "lexicon": file(&self.lexicon),
            "claim_words": file(&self.claim_words),
            "compliance_rules": file(&self.compliance_rules),
            "options": {
                "compounds": self.compounds,
                "cooc_unit": format!("{:?}", self.cooc_unit).to_lowercase(),
                "excel": self.style.excel,
                "format": read.format.map(|f| format!("{f:?}").to_lowercase()),
                "text_columns": read.table.text_columns,
                "id_column": read.table.id_column,
                "group_by": read.group_by,
                "tables": tables,
            },
        })
    }

    /// Whether the lexicon or the claim words are a user's own files (checked for dead
    /// entries when loaded; the built-in ones are checked by a test).
    pub(crate) fn has_user_lexicon(&self) -> bool {
        !self.lexicon.name.starts_with("built-in") || !self.claim_words.name.starts_with("built-in")
    }
}
