//! Shared fixtures of the unit tests: the built-in resources, loaded once per test binary.

use std::sync::OnceLock;

use crate::morph::tokenize::Tokenizer;
use crate::resources::{BUILTIN_STOPWORDS, BUILTIN_USER_DICT, Source, Stopwords};
use crate::stages::stance::StanceMatcher;
use crate::stages::stance::lexicon::{BUILTIN_CLAIM_WORDS, BUILTIN_LEXICON, ClaimWords, Lexicon};

/// IPADIC with the built-in domain user dictionary, as `analyze` uses it.
pub(crate) fn tokenizer() -> &'static Tokenizer {
    static T: OnceLock<Tokenizer> = OnceLock::new();
    T.get_or_init(|| Tokenizer::new(&[Source::builtin("user_dict", BUILTIN_USER_DICT)]).unwrap())
}

/// The built-in stopwords.
pub(crate) fn stopwords() -> &'static Stopwords {
    static S: OnceLock<Stopwords> = OnceLock::new();
    S.get_or_init(|| Stopwords::parse(&Source::builtin("stopwords", BUILTIN_STOPWORDS)).unwrap())
}

/// The built-in lexicon and claim words, compiled.
pub(crate) fn matcher() -> &'static StanceMatcher {
    static M: OnceLock<StanceMatcher> = OnceLock::new();
    M.get_or_init(|| {
        let claims =
            ClaimWords::parse(&Source::builtin("claim_words", BUILTIN_CLAIM_WORDS)).unwrap();
        let lex = Lexicon::compile(
            &Source::builtin("stance_lexicon", BUILTIN_LEXICON),
            claims,
            tokenizer(),
        )
        .unwrap();
        StanceMatcher::new(lex).unwrap()
    })
}
