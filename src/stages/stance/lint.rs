//! Entries of `dict/` that can never fire, reported when the files are loaded: a lexicon
//! expression that does not match its own text (IPADIC reads it as other words, or an
//! earlier entry with the same pattern shadows it), and a claim word the dictionary does
//! not read as one word of the kind its rule looks for (目覚めさせる is 目覚め + させる:
//! write 目覚める).

use super::sentence::Prepared;
use super::{StanceMatcher, StanceScratch, cues};
use crate::morph::tokenize::{Features, Morphs, Tokenizer};
use crate::stages::stance::lexicon::Entry;
use crate::stages::stance::lexicon::{Key, canonical_keys};
use crate::text::normalize::Normalized;

impl StanceMatcher {
    /// Whether `entry` fires on `text` (lexicon pass only), and the keys `text` is read as.
    fn fires_in<'d>(
        &self,
        tokenizer: &'d Tokenizer,
        scratch: &mut StanceScratch<'d>,
        entry: &crate::stages::stance::lexicon::Entry,
        text: &str,
    ) -> (bool, String) {
        let mut worker = tokenizer.worker();
        let mut tokens = Vec::new();
        worker.tokenize(text, &mut tokens);
        let feats: Vec<Features> = tokens.iter().map(|t| tokenizer.features(t.word)).collect();
        let morphs = Morphs::direct(&feats);
        let mut keys: Vec<Key> = Vec::new();
        let id_of = |key: &str| self.vocab.get(key).copied().unwrap_or(0);
        canonical_keys(text, &tokens, morphs, &mut scratch.keys, &id_of, &mut keys);
        let ids: Vec<u32> = keys.iter().map(|k| k.id).collect();
        let mut haystack = Vec::new();
        for &id in &ids {
            super::push_id(id, self.width, &mut haystack);
        }
        let mut buffers = Default::default();
        let s = Prepared::new(text, &tokens, morphs, &keys, &ids, &mut buffers, |_, _| 0);
        let mut hits = Vec::new();
        cues::find(self, &s, &haystack, &mut hits);
        let its =
            |h: &super::Hit<'_>| h.cue == entry.expression && h.category == entry.category.as_str();
        // Found, and not dropped for a longer or an earlier cue — unless what it lost to is
        // another entry over the same words (a surface twin), not a duplicate pattern.
        let found = hits.iter().any(its);
        let duplicate = self
            .lexicon
            .entries
            .iter()
            .take_while(|e| e.line < entry.line)
            .any(|e| e.segments == entry.segments && e.surface == entry.surface);
        cues::drop_nested(&mut hits);
        let fires = hits.iter().any(its) || (found && !duplicate);
        let read = keys
            .iter()
            .map(|k| k.key.trim_start_matches('\u{0}'))
            .collect::<Vec<_>>()
            .join(" ");
        (fires, read)
    }

    /// One message per entry of the lexicon or claim-word file that cannot match.
    pub(crate) fn lint(&self, tokenizer: &Tokenizer) -> Vec<String> {
        let mut scratch = StanceScratch::default();
        let entries = self.lexicon.entries.iter().enumerate();
        let mut out: Vec<String> = entries
            .filter_map(|(i, entry)| self.lint_entry(i, entry, tokenizer, &mut scratch))
            .collect();
        out.extend(self.lint_claim_words(tokenizer));
        out
    }

    /// Why lexicon entry `i` never fires, if it does not.
    fn lint_entry<'d>(
        &self,
        i: usize,
        entry: &Entry,
        tokenizer: &'d Tokenizer,
        scratch: &mut StanceScratch<'d>,
    ) -> Option<String> {
        let text = match &entry.surface {
            Some(surface) => surface.clone(),
            None => Normalized::new(&entry.expression.replace('…', "")).text,
        };
        // Alone, then inside sentences: IPADIC may read an expression one way alone
        // and another way before a noun (誰でも alone is 誰 で も, before 効果 誰 でも).
        let carriers = [text.clone(), format!("{text}効果があります。")];
        let mut failed = None;
        for (n, carrier) in carriers.iter().enumerate() {
            let (fires, keys) = self.fires_in(tokenizer, scratch, entry, carrier);
            if !fires {
                failed = Some((n, carrier.clone(), keys));
                break;
            }
        }
        let (n, carrier, keys) = failed?;
        if entry.surface.is_some() && n > 0 {
            return None; // a surface cue next to other words is the boundary rule's call
        }
        let shadow = self.lexicon.entries[..i]
            .iter()
            .find(|e| e.segments == entry.segments && e.surface == entry.surface);
        Some(match (shadow, n) {
            (Some(e), _) => format!(
                "{} line {}: {:?} has the same pattern as line {} ({:?}); it never fires",
                self.lexicon.source, entry.line, entry.expression, e.line, e.expression
            ),
            (None, 0) => format!(
                "{} line {}: {:?} does not match its own text (read as {keys}); write it as \
                 it appears in a sentence, or add `surface` as a fourth column",
                self.lexicon.source, entry.line, entry.expression,
            ),
            (None, _) => format!(
                "{} line {}: {:?} does not match in a sentence ({carrier:?} is read as \
                 {keys}); add `surface` as a fourth column to match it as written",
                self.lexicon.source, entry.line, entry.expression,
            ),
        })
    }

    /// Why claim words never fire: read as more words than their rule looks for.
    fn lint_claim_words(&self, tokenizer: &Tokenizer) -> Vec<String> {
        let mut out = Vec::new();
        let mut worker = tokenizer.worker();
        let mut tokens = Vec::new();
        let claims = &self.lexicon.claims;
        for (line, kind, word) in &claims.lines {
            worker.tokenize(word, &mut tokens);
            let feats: Vec<Features> = tokens.iter().map(|t| tokenizer.features(t.word)).collect();
            let mut buffers = Default::default();
            let s = Prepared::new(
                word,
                &tokens,
                Morphs::direct(&feats),
                &[],
                &[],
                &mut buffers,
                |_, _| 0,
            );
            let ms = &s.morphs;
            let one_word =
                ms.len() == 1 && (ms[0].base == word.as_str() || ms[0].surface == word.as_str());
            let noun_run = !ms.is_empty() && ms.iter().all(|m| matches!(m.pos, "名詞" | "接頭詞"));
            let ok = match *kind {
                "benefit" | "safe" | "effect" => noun_run,
                "risk" => noun_run || one_word,
                _ => one_word,
            };
            if !ok {
                out.push(format!(
                    "{} line {line}: {kind} word {word:?} is read as {} words ({}); the {kind} \
                     rule looks for {}, so it never fires",
                    claims.source,
                    ms.len(),
                    ms.iter().map(|m| m.surface).collect::<Vec<_>>().join(" + "),
                    if matches!(*kind, "benefit" | "safe" | "effect" | "risk") {
                        "a noun or a run of nouns"
                    } else {
                        "one word by its base form"
                    }
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::resources::Source;
    use crate::stages::stance::StanceMatcher;
    use crate::stages::stance::lexicon::{BUILTIN_CLAIM_WORDS, ClaimWords, Lexicon};
    use crate::test_support::{matcher, tokenizer};

    #[test]
    fn the_builtin_files_have_no_dead_entries() {
        assert_eq!(matcher().lint(tokenizer()), Vec::<String>::new());
    }

    #[test]
    fn an_expression_read_otherwise_in_a_sentence_is_reported() {
        // 誰でも alone is 誰 で も; before a noun it is 誰 でも, so the pattern never fires.
        let claims = ClaimWords::parse(&Source::builtin("claims", BUILTIN_CLAIM_WORDS)).unwrap();
        let lexicon = "absolute\tcertainty\t誰でも\nabsolute\tguarantee\t誰でも\tsurface\n";
        let lex = Lexicon::compile(&Source::builtin("lex", lexicon), claims, tokenizer()).unwrap();
        let messages = StanceMatcher::new(lex).unwrap().lint(tokenizer());
        assert_eq!(
            messages,
            [
                "built-in lex line 1: \"誰でも\" does not match in a sentence (\"誰でも効果があります。\" \
              is read as 誰 でも 効果 が ある 。); add `surface` as a fourth column to match it as \
              written"
            ]
        );
    }

    #[test]
    fn dead_entries_are_reported_with_their_line() {
        let mut claims = BUILTIN_CLAIM_WORDS.to_string();
        claims.push_str("efficacy\t目覚めさせる\n");
        let line = claims.lines().count();
        let claims = ClaimWords::parse(&Source::builtin("claims", &claims)).unwrap();
        let lexicon = "hedge\tpossibility\tかもしれない\nhedge\tpossibility\tかもしれません\n";
        let lex = Lexicon::compile(&Source::builtin("lex", lexicon), claims, tokenizer()).unwrap();
        let m = StanceMatcher::new(lex).unwrap();
        let messages = m.lint(tokenizer());
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with(
                "built-in lex line 2: \"かもしれません\" has the same pattern as line 1"
            ),
            "{messages:?}"
        );
        assert_eq!(
            messages[1],
            format!(
                "built-in claims line {line}: efficacy word \"目覚めさせる\" is read as 2 words \
                 (目覚め + させる); the efficacy rule looks for one word by its base form, so it \
                 never fires"
            )
        );
    }
}
