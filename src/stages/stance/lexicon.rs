//! The stance lexicon and claim words of `dict/`, compiled to base-form patterns.
//!
//! Users write expressions as they appear in text (期待されています, 可能性があります).
//! Each one is normalized and tokenized with the same dictionary as the corpus, and the
//! tokens are reduced to *keys* by [`canonical_keys`], the same function the matcher
//! applies to every sentence, so the two always agree:
//!
//! - a token's key is its base form (its surface when it has none);
//! - ます is dropped; です and the copula-like で are だ, but the attributive な stays な;
//!   the particles は/が/も are one key; よう after の (a simile) is its own key;
//! - every negation (ない, ぬ/ず, ません's ん, なし, and 難い/がたい "hard to") is one key,
//!   and ある directly before a
//!   negation merges into it (ありません ≡ ない);
//! - a pattern's trailing て/いる/おる/ます/です/だ/た and のだ are dropped (as long as a
//!   content word remains; the の of 夢の stays), so 期待されています, 期待されていました and 期待される are one pattern.
//!
//! Patterns are matched with Aho–Corasick over key ids (see [`crate::stages::stance`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use anyhow::{Result, bail};

use crate::morph::cache::SlotCache;
use crate::morph::tokenize::{Features, Morphs, Token, Tokenizer, Worker};
use crate::resources::Source;
use crate::text::normalize::Normalized;

pub(crate) const BUILTIN_LEXICON: &str = include_str!("../../../dict/stance_lexicon.tsv");
pub(crate) const BUILTIN_CLAIM_WORDS: &str = include_str!("../../../dict/claim_words.tsv");

/// The key every negation maps to. Not a possible base form.
pub(crate) const NEG: &str = "\u{0}NEG";
/// The key of よう after の (a simile), which the inference ようだ must not match.
pub(crate) const SIMILE: &str = "\u{0}SIMILE";
/// The key of the particles は, が and も.
pub(crate) const TOPIC: &str = "が";

/// Whether a cue softens or asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CueStance {
    #[default]
    Hedge,
    Absolute,
}

/// One lexicon line.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) stance: CueStance,
    pub(crate) category: String,
    /// The expression as the user wrote it (the `cue` column).
    pub(crate) expression: String,
    /// Token pattern: key segments, matched in order (`…` separates segments).
    pub(crate) segments: Vec<Vec<String>>,
    /// Surface pattern on the normalized text, for `surface` entries.
    pub(crate) surface: Option<String>,
    /// Whether the pattern itself contains a negation (ないわけではない): such hedges
    /// take the absolute cues before them in their clause out of force.
    pub(crate) negating: bool,
    /// The line of the lexicon file, for messages.
    pub(crate) line: usize,
}

impl Entry {
    /// An entry not yet compiled (see [`Entry::compile`]).
    pub(crate) fn new(
        stance: CueStance,
        category: &str,
        expression: &str,
        surface_mode: bool,
        line: usize,
    ) -> Self {
        Entry {
            stance,
            category: category.to_string(),
            expression: expression.to_string(),
            segments: Vec::new(),
            surface: surface_mode.then(|| Normalized::new(expression).text),
            negating: false,
            line,
        }
    }

    /// Compile the expression to key segments (a surface entry needs nothing); `at` names
    /// the line in errors. Shared by the lexicon and the compliance rules, so that both
    /// are written in one pattern language.
    pub(crate) fn compile(
        &mut self,
        tokenizer: &Tokenizer,
        worker: &mut Worker<'_>,
        at: &dyn Fn() -> String,
    ) -> Result<()> {
        if self.surface.is_some() {
            return Ok(());
        }
        for part in self.expression.split('…') {
            let segment = segment_keys(part, tokenizer, worker);
            if segment.is_empty() {
                bail!(
                    "{}: expression {:?} has no words to match",
                    at(),
                    self.expression
                );
            }
            self.segments.push(segment);
        }
        self.negating = self.segments.iter().flatten().any(|k| k == NEG);
        Ok(())
    }
}

/// The claim words of `dict/claim_words.tsv`: classes of predicates and nouns that the
/// claim rules of [`crate::stages::stance`] read (see that file's header for each kind).
#[derive(Debug, Clone, Default)]
pub(crate) struct ClaimWords {
    /// Verbs and サ変 nouns of improvement, suppression, promotion, recovery, protection.
    pub(crate) efficacy: HashSet<String>,
    /// Verbs that state a benefit through their object (修復を促す, 改善を実感).
    pub(crate) support: HashSet<String>,
    /// Words whose predicative or attributive use states a benefit (効果的, 有効) …
    pub(crate) benefit: HashSet<String>,
    /// … or safety (安全, 安心).
    pub(crate) safe: HashSet<String>,
    /// Nouns naming an effect (効果, 作用, 安全性) …
    pub(crate) effect: HashSet<String>,
    /// … and the predicates that assert one (ある, 持つ, 発揮, 高い, 続く).
    pub(crate) effect_verb: HashSet<String>,
    /// Verbs reporting an established finding (分かる, 判明, 突き止める).
    pub(crate) evidence: HashSet<String>,
    /// Nouns of harm whose absence or smallness is a safety claim.
    pub(crate) risk: HashSet<String>,
    /// Predicates of smallness (少ない, 低い, 軽い) for the risk nouns.
    pub(crate) risk_low: HashSet<String>,
    /// Adjectives and adjectival nouns of a better state (軽い, 楽, 若々しい) with なる.
    pub(crate) better: HashSet<String>,
    pub(crate) commitment: HashSet<String>,
    /// (line, kind, word) as read, for messages.
    pub(crate) lines: Vec<(usize, &'static str, String)>,
    /// The last morpheme of every noun-class word that the dictionary splits (反応 of
    /// 拒絶反応, 性 of 安全性), filled in by [`Lexicon::compile`].
    pub(crate) tails: HashSet<String>,
    /// The file's name, for messages.
    pub(crate) source: String,
}

/// The kinds of `dict/claim_words.tsv`, in the order the file documents them.
pub(crate) const CLAIM_KINDS: [&str; 11] = [
    "efficacy",
    "support",
    "benefit",
    "safe",
    "effect",
    "effect_verb",
    "evidence",
    "risk",
    "risk_low",
    "better",
    "commitment",
];

impl ClaimWords {
    pub(crate) fn parse(source: &Source) -> Result<Self> {
        let mut words = ClaimWords {
            source: source.name.clone(),
            ..ClaimWords::default()
        };
        for (line, text) in source.lines() {
            let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
            let [kind, word] = fields[..] else {
                bail!(
                    "{} line {line}: expected `kind<TAB>word`, found {text:?}",
                    source.name
                );
            };
            let word = Normalized::new(word).text;
            if word.is_empty() {
                bail!("{} line {line}: empty word", source.name);
            }
            let word = canonical_base(&word).map_or(word, str::to_string);
            let set = match kind {
                "efficacy" => &mut words.efficacy,
                "support" => &mut words.support,
                "benefit" => &mut words.benefit,
                "safe" => &mut words.safe,
                "effect" => &mut words.effect,
                "effect_verb" => &mut words.effect_verb,
                "evidence" => &mut words.evidence,
                "risk" => &mut words.risk,
                "risk_low" => &mut words.risk_low,
                "better" => &mut words.better,
                "commitment" => &mut words.commitment,
                _ => bail!(
                    "{} line {line}: unknown kind {kind:?} ({})",
                    source.name,
                    CLAIM_KINDS.join(", ")
                ),
            };
            set.insert(word.clone());
            let kind = CLAIM_KINDS
                .iter()
                .find(|k| **k == kind)
                .copied()
                .unwrap_or("");
            words.lines.push((line, kind, word));
        }
        Ok(words)
    }
}

/// The kanji spelling of a base form often written in kana, so that a lexicon entry or a
/// claim word written one way matches text written the other (いえる ≡ 言える,
/// わかる ≡ 分かる, やわらげる ≡ 和らげる).
pub(crate) fn canonical_base(base: &str) -> Option<&'static str> {
    // Every spelling below is two to five hiragana (U+3041–U+309F: E3 81 xx or E3 82 xx):
    // most base forms are not.
    let b = base.as_bytes();
    if !(6..=15).contains(&b.len()) || b[0] != 0xE3 || !matches!(b[1], 0x81 | 0x82) {
        return None;
    }
    Some(match base {
        "いう" => "言う",
        "いえる" => "言える",
        "わかる" => "分かる",
        "やわらげる" => "和らげる",
        "やわらぐ" => "和らぐ",
        "しずめる" => "鎮める",
        "おさえる" => "抑える",
        "なおる" => "治る",
        "なおす" => "治す",
        "よみがえる" => "蘇る",
        "いい" | "よい" => "良い",
        "おこる" => "起こる",
        "おきる" => "起きる",
        "ととのえる" => "整える",
        "たすける" => "助ける",
        "うながす" => "促す",
        "ふせぐ" => "防ぐ",
        "たもつ" => "保つ",
        "ひきだす" => "引き出す",
        "みちびく" => "導く",
        "つながる" => "繋がる",
        "つなげる" => "繋げる",
        "おもう" => "思う",
        "かんがえる" => "考える",
        _ => return None,
    })
}

/// A canonical key of one token, the index of that token, and the key's id in the
/// matcher's vocabulary (0 when it has none, or when no vocabulary was given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key<'a> {
    pub(crate) key: &'a str,
    pub(crate) token: usize,
    pub(crate) id: u32,
}

/// How a token's key is derived from the token; for a dictionary word it depends on the
/// word alone, so it is computed once per word and cached (see [`KeyCache`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyRule {
    /// The token has no key (ます).
    Dropped,
    /// The base form (the surface when the dictionary gives none).
    Base,
    Surface,
    /// A fixed key.
    Fixed(&'static str),
}

fn key_rule(f: &Features<'_>, surface: &str) -> KeyRule {
    let base = if f.base() == "*" { surface } else { f.base() };
    let pos1 = f.pos_detail(1);
    let fixed = match (f.pos(), base) {
        ("助動詞", "ます") => return KeyRule::Dropped,
        ("助動詞", "ない" | "ぬ" | "ん") => NEG,
        ("形容詞", "ない" | "なし") => NEG,
        // 言い難い, 認めがたい: "hard to" says no.
        ("形容詞", "難い" | "がたい") if pos1 == "接尾" || pos1 == "非自立" => NEG,
        ("助動詞", "です") => "だ",
        ("助詞", "は" | "が" | "も") if pos1 == "係助詞" || pos1 == "格助詞" => TOPIC,
        ("助詞", "で") if pos1 == "格助詞" => "だ",
        // The attributive な (強力な, ような) is not the predicative だ.
        ("助動詞", "だ") if surface == "な" => "な",
        _ if f.base() == "*" => return KeyRule::Surface,
        _ => match canonical_base(base) {
            Some(canonical) => canonical,
            None => return KeyRule::Base,
        },
    };
    KeyRule::Fixed(fixed)
}

impl KeyRule {
    fn apply<'a>(self, f: &Features<'a>, surface: &'a str) -> Option<&'a str> {
        match self {
            KeyRule::Dropped => None,
            KeyRule::Base => Some(f.base()),
            KeyRule::Surface => Some(surface),
            KeyRule::Fixed(key) => Some(key),
        }
    }
}

/// A dictionary word's key as far as it depends on the word alone.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved<'a> {
    Dropped,
    /// The key depends on the surface (a word without a base form).
    Surface,
    /// The key and its id.
    Key(&'a str, u32),
}

/// Keys of dictionary words (and their ids) by feature-cache slot, kept by a worker across
/// sentences (an unknown word's key depends on its surface, so it is never cached).
pub(crate) type KeyCache<'a> = SlotCache<Option<Resolved<'a>>>;

/// The keys of a tokenized text, with ある merged into a following negation; `id_of`
/// gives each key its id. The tokens' feature-cache slots (when `feats` has them) key
/// `cache`.
pub(crate) fn canonical_keys<'t, 'd: 't>(
    text: &'t str,
    tokens: &[Token],
    feats: Morphs<'_, 'd>,
    cache: &mut KeyCache<'d>,
    id_of: &impl Fn(&str) -> u32,
    out: &mut Vec<Key<'t>>,
) {
    out.clear();
    let surface = |t: &Token| text.get(t.range());
    let from_surface = |t: &Token, f: &Features<'t>| {
        let surface = surface(t)?;
        let key = key_rule(f, surface).apply(f, surface)?;
        Some((key, id_of(key)))
    };
    for (i, t) in tokens.iter().enumerate() {
        let f = feats.get(i);
        let resolved = match feats.slot(i) {
            Some(slot) if !f.unknown => {
                let cached = cache.entry(slot);
                match *cached {
                    Some(r) => Some(r),
                    None => {
                        let Some(surface) = surface(t) else { continue };
                        let r = match key_rule(f, surface) {
                            KeyRule::Dropped => Resolved::Dropped,
                            KeyRule::Surface => Resolved::Surface,
                            KeyRule::Base => Resolved::Key(f.base(), id_of(f.base())),
                            KeyRule::Fixed(key) => Resolved::Key(key, id_of(key)),
                        };
                        *cached = Some(r);
                        Some(r)
                    }
                }
            }
            _ => None,
        };
        let (key, id) = match resolved {
            Some(Resolved::Dropped) => continue,
            Some(Resolved::Key(key, id)) => (key, id),
            Some(Resolved::Surface) | None => match from_surface(t, f) {
                Some(found) => found,
                None => continue,
            },
        };
        if key == NEG
            && let Some(prev) = out.last()
            && prev.key == "ある"
        {
            out.pop();
        }
        // 〜のようだ is a simile (宅配便のようなもの), not an inference.
        let (key, id) = if key == "よう" && out.last().is_some_and(|p| p.key == "の") {
            (SIMILE, id_of(SIMILE))
        } else {
            (key, id)
        };
        out.push(Key { key, token: i, id });
    }
}

/// Keys a pattern may end with that are not part of it.
const TRAILING: [&str; 7] = ["て", "で", "いる", "おる", "ます", "だ", "た"];

/// Keys that carry no content (for the trailing-strip rule).
fn is_function_key(key: &str) -> bool {
    TRAILING.contains(&key)
        || matches!(
            key,
            "が" | "に" | "と" | "を" | "の" | "よう" | "べし" | "する"
        )
}

/// The stance lexicon, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    pub(crate) entries: Vec<Entry>,
    pub(crate) claims: ClaimWords,
    /// The file's name, for messages.
    pub(crate) source: String,
}

impl Lexicon {
    /// Parse and compile `source` with `tokenizer`; errors name the file and line.
    pub(crate) fn compile(
        source: &Source,
        claims: ClaimWords,
        tokenizer: &Tokenizer,
    ) -> Result<Self> {
        let mut worker = tokenizer.worker();
        let mut entries = Vec::new();
        for (line, text) in source.lines() {
            let at = || format!("{} line {line}", source.name);
            let (stance, category, expression, surface_mode) = parse_line(text, &at)?;
            let mut entry = Entry::new(stance, category, expression, surface_mode, line);
            entry.compile(tokenizer, &mut worker, &at)?;
            entries.push(entry);
        }
        if entries.is_empty() {
            bail!("{}: the lexicon has no entries", source.name);
        }
        let claims = with_tails(claims, tokenizer, &mut worker);
        Ok(Lexicon {
            entries,
            claims,
            source: source.name.clone(),
        })
    }

    /// Every distinct key used by a pattern, numbered from 1 (0 is "any other key").
    pub(crate) fn vocabulary(&self) -> HashMap<String, u32> {
        let mut vocab = HashMap::default();
        for key in self
            .entries
            .iter()
            .flat_map(|e| e.segments.iter().flatten())
        {
            let next = vocab.len() as u32 + 1;
            vocab.entry(key.clone()).or_insert(next);
        }
        vocab
    }
}

/// One lexicon line's fields: stance, category, expression, and whether it is matched on
/// the surface; `at` names the line in errors.
fn parse_line<'t>(
    text: &'t str,
    at: &dyn Fn() -> String,
) -> Result<(CueStance, &'t str, &'t str, bool)> {
    let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
    if !(3..=4).contains(&fields.len()) {
        bail!(
            "{}: expected `stance<TAB>category<TAB>expression[<TAB>surface]`, found {} field(s)",
            at(),
            fields.len()
        );
    }
    let stance = match fields[0] {
        "hedge" => CueStance::Hedge,
        "absolute" => CueStance::Absolute,
        other => bail!("{}: stance must be hedge or absolute, not {other:?}", at()),
    };
    let category = fields[1];
    if category.is_empty()
        || !category
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        bail!(
            "{}: category {category:?} must be lower-case letters, digits or _",
            at()
        );
    }
    let expression = fields[2];
    if expression.is_empty() {
        bail!("{}: empty expression", at());
    }
    let surface_mode = match fields.get(3) {
        None => false,
        Some(&"surface") => true,
        Some(other) => bail!("{}: fourth column must be `surface`, not {other:?}", at()),
    };
    Ok((stance, category, expression, surface_mode))
}

/// The keys of one segment of an expression (the part between two `…`), with trailing
/// function words (です, のだ, ている) cut off while words remain.
fn segment_keys(part: &str, tokenizer: &Tokenizer, worker: &mut Worker<'_>) -> Vec<String> {
    let mut tokens = Vec::new();
    let norm = Normalized::new(part.trim());
    worker.tokenize(&norm.text, &mut tokens);
    let feats: Vec<Features> = tokens.iter().map(|t| tokenizer.features(t.word)).collect();
    let mut keys = Vec::new();
    canonical_keys(
        &norm.text,
        &tokens,
        Morphs::direct(&feats),
        &mut KeyCache::default(),
        &|_| 0,
        &mut keys,
    );
    let mut segment: Vec<String> = keys.iter().map(|k| k.key.to_string()).collect();
    loop {
        // のです/のだ goes as a pair; a lone の (夢の) is part of the pattern.
        let n = segment.len();
        let cut = if n > 2 && segment[n - 2] == "の" && segment[n - 1] == "だ" {
            2
        } else if n > 1
            && TRAILING.contains(&segment[n - 1].as_str())
            // いる/おる are auxiliaries only after て (していた); alone
            // they are existence (方もいる), part of the pattern.
            && (!matches!(segment[n - 1].as_str(), "いる" | "おる")
                || matches!(segment[n - 2].as_str(), "て" | "で"))
        {
            1
        } else {
            break;
        };
        if !segment[..n - cut].iter().any(|k| !is_function_key(k)) {
            break;
        }
        segment.truncate(n - cut);
    }
    segment
}

/// The claim words with `tails` filled in: the last word of each multi-word noun (作用機序
/// ends in 序), so that a split compound is matched by its end.
fn with_tails(
    mut claims: ClaimWords,
    tokenizer: &Tokenizer,
    worker: &mut Worker<'_>,
) -> ClaimWords {
    let mut tokens = Vec::new();
    let nouns: Vec<String> = (claims.benefit.iter())
        .chain(&claims.safe)
        .chain(&claims.effect)
        .chain(&claims.risk)
        .cloned()
        .collect();
    for noun in nouns {
        worker.tokenize(&noun, &mut tokens);
        if tokens.len() > 1
            && let Some(last) = tokens.last()
        {
            let f = tokenizer.features(last.word);
            let base = if f.base() == "*" {
                &noun[last.range()]
            } else {
                f.base()
            };
            claims.tails.insert(base.to_string());
        }
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tokenizer;

    fn compile(text: &str) -> Result<Lexicon> {
        Lexicon::compile(
            &Source {
                name: "lex.tsv".into(),
                text: text.into(),
            },
            ClaimWords::default(),
            tokenizer(),
        )
    }

    #[test]
    fn conjugated_expressions_compile_to_one_pattern() {
        let lex = compile(
            "hedge\texpectation\t期待されています\n\
             hedge\texpectation\t期待されていました\n\
             hedge\texpectation\t期待される\n\
             hedge\texpectation\t期待されているのです\n\
             absolute\tnovelty\t夢の\n",
        )
        .unwrap();
        let patterns: Vec<&Vec<String>> = lex.entries.iter().map(|e| &e.segments[0]).collect();
        assert_eq!(patterns[0], &["期待", "する", "れる"]);
        assert_eq!(patterns[0], patterns[1]);
        assert_eq!(patterns[0], patterns[2]);
        assert_eq!(patterns[0], patterns[3]);
        assert_eq!(patterns[4], &["夢", "の"]);
    }

    #[test]
    fn negations_and_particles_are_canonical() {
        let lex = compile(
            "hedge\tlimitation\tとは限りません\n\
             hedge\tdisclaimer\tリスクがないわけではない\n\
             hedge\tdisclaimer\tリスクもないわけではありません\n\
             hedge\tinference\tようです\n\
             hedge\tlimitation\t必ずしも…ない\n",
        )
        .unwrap();
        assert_eq!(lex.entries[0].segments[0], ["と", TOPIC, "限る", NEG]);
        assert_eq!(
            lex.entries[1].segments[0],
            ["リスク", TOPIC, NEG, "わけ", "だ", TOPIC, NEG]
        );
        assert_eq!(lex.entries[1].segments, lex.entries[2].segments);
        assert!(lex.entries[1].negating);
        // よう alone has no content: its だ stays.
        assert_eq!(lex.entries[3].segments[0], ["よう", "だ"]);
        assert_eq!(
            lex.entries[4].segments,
            vec![vec!["必ずしも".to_string()], vec![NEG.to_string()]]
        );
    }

    #[test]
    fn the_builtin_lexicon_compiles_with_every_required_category() {
        let claims =
            ClaimWords::parse(&Source::builtin("claim_words", BUILTIN_CLAIM_WORDS)).unwrap();
        assert!(claims.efficacy.contains("緩和") && claims.risk.contains("副作用"));
        let lex = Lexicon::compile(
            &Source::builtin("stance_lexicon", BUILTIN_LEXICON),
            claims,
            tokenizer(),
        )
        .unwrap();
        let categories: HashSet<(CueStance, &str)> = lex
            .entries
            .iter()
            .map(|e| (e.stance, e.category.as_str()))
            .collect();
        for c in [
            "possibility",
            "expectation",
            "inference",
            "hearsay",
            "limitation",
            "disclaimer",
        ] {
            assert!(categories.contains(&(CueStance::Hedge, c)), "{c}");
        }
        for c in [
            "certainty",
            "evidence",
            "booster",
            "superlative",
            "novelty",
            "guarantee",
        ] {
            assert!(categories.contains(&(CueStance::Absolute, c)), "{c}");
        }
        assert!(lex.entries.len() > 150);
    }

    #[test]
    fn invalid_lines_are_reported_with_their_line_number() {
        let err = |text: &str| compile(text).err().unwrap().to_string();
        assert_eq!(
            err("# c\nmaybe\tpossibility\tかも\n"),
            "lex.tsv line 2: stance must be hedge or absolute, not \"maybe\""
        );
        assert_eq!(
            err("hedge\tPossibility\tかも\n"),
            "lex.tsv line 1: category \"Possibility\" must be lower-case letters, digits or _"
        );
        assert_eq!(
            err("hedge\tpossibility\n"),
            "lex.tsv line 1: expected `stance<TAB>category<TAB>expression[<TAB>surface]`, found 2 field(s)"
        );
        assert_eq!(
            err("hedge\tx\tかも\tregex\n"),
            "lex.tsv line 1: fourth column must be `surface`, not \"regex\""
        );
        assert_eq!(err("# nothing\n"), "lex.tsv: the lexicon has no entries");
    }
}
