//! Builds the IPADIC system dictionary from the source archive kept in `dict/`, so the
//! binary embeds it and neither building nor running needs the network or any file
//! outside the repository.
//!
//! The archive holds the unmodified `mecab-ipadic` 2.7.0-20070801 sources (EUC-JP CSV and
//! .def files, as Debian ships them). They are unpacked into `OUT_DIR` and compiled with
//! lindera's own `DictionaryBuilder`; `LINDERA_WORKDIR` then tells
//! `lindera_dictionary::embedded_dictionary!` where the compiled files are.

use std::error::Error;
use std::fs;
use std::io::BufReader;
use std::path::Path;

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

const ARCHIVE: &str = "dict/mecab-ipadic-2.7.0-20070801.tar.zst";
const SOURCE_DIR: &str = "mecab-ipadic-2.7.0-20070801";
const OUTPUT_DIR: &str = "lindera-ipadic";

/// The same schema lindera-ipadic uses, but the sources are read as EUC-JP (the encoding
/// the IPADIC distribution is written in) instead of a pre-converted UTF-8 copy.
const METADATA: &str = r#"{
  "name": "ipadic",
  "encoding": "EUC-JP",
  "default_word_cost": -10000,
  "default_left_context_id": 1288,
  "default_right_context_id": 1288,
  "default_field_value": "*",
  "flexible_csv": true,
  "skip_invalid_cost_or_id": false,
  "normalize_details": true,
  "dictionary_schema": {
    "fields": [
      "surface", "left_context_id", "right_context_id", "cost",
      "part_of_speech", "part_of_speech_subcategory_1", "part_of_speech_subcategory_2",
      "part_of_speech_subcategory_3", "conjugation_type", "conjugation_form",
      "base_form", "reading", "pronunciation"
    ]
  },
  "user_dictionary_schema": {
    "fields": ["surface", "part_of_speech", "reading"]
  }
}"#;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed={ARCHIVE}");
    println!("cargo::rerun-if-changed=build.rs");

    // The dictionary's identity, for manifest.json: the digest of its source archive.
    let digest = blake3::hash(&fs::read(ARCHIVE).map_err(|e| format!("reading {ARCHIVE}: {e}"))?);
    println!("cargo::rustc-env=BOKASHI_IPADIC_DIGEST={}", digest.to_hex());

    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo::rustc-env=LINDERA_WORKDIR={}", out_dir.display());

    let source = out_dir.join(SOURCE_DIR);
    if source.exists() {
        fs::remove_dir_all(&source)?;
    }
    unpack(Path::new(ARCHIVE), &out_dir)?;

    let metadata: Metadata = serde_json::from_str(METADATA)?;
    DictionaryBuilder::new(metadata)
        .build_dictionary(&source, &out_dir.join(OUTPUT_DIR))
        .map_err(|e| format!("building IPADIC from {ARCHIVE}: {e}"))?;

    // The sources are 50 MB and only needed during the build.
    fs::remove_dir_all(&source)?;
    Ok(())
}

fn unpack(archive: &Path, into: &Path) -> Result<(), Box<dyn Error>> {
    let file = fs::File::open(archive).map_err(|e| {
        format!(
            "opening {}: {e} (the IPADIC source archive must be in the repository)",
            archive.display()
        )
    })?;
    let decoder = ruzstd::decoding::StreamingDecoder::new(BufReader::new(file))
        .map_err(|e| format!("reading {}: {e}", archive.display()))?;
    tar::Archive::new(decoder).unpack(into)?;
    Ok(())
}
