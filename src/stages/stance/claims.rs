//! Pass 3: claims stated without a cue word — every predicate of the sentence, not only
//! the last, is read against the classes of `dict/claim_words.tsv`:
//!
//! - `efficacy_claim`: a verb or verbal サ変 noun of improvement, suppression, promotion or
//!   recovery (痛みを緩和します, 修復を促す, 治すことができます); a benefit word used as a
//!   predicate or attribute (効果的です, 有効な, 安全です); an effect noun with a predicate
//!   that asserts it (効果を発揮します, 効果が続きます, 安全性に優れる); a change for the
//!   better (軽くなる, 楽になる, 歩きやすくなる);
//! - `safety_claim`: a harm noun whose existence is denied or called small (副作用は
//!   ありません, 負担が少ない, 拒絶反応が起こりにくい, 痛みのない) — a hedge `hearsay`
//!   instead when the denial is of reports (副作用の報告はありません);
//! - `evidence`: a verb reporting a finding in past or perfect form (ことが分かっています,
//!   突き止めた, 発見された) — a hedge `disclaimer` when negated (まだ分かっていない).
//!
//! A predicate counts only when it is asserted: not negated (in its own verb group, or by
//! ことは難しい/こともできない after it), not a purpose (ために, ことを目指す), not a
//! condition (すれば, すると), not nominalized into another predicate (改善することが
//! 大切), and not a relative clause of a noun whose existence is denied (効果を示した
//! データは見当たらない). A bare noun (コラーゲンの産生促進) asserts nothing.

use std::ops::Range;

use super::sentence::{Morph, Prepared};
use super::{Hit, StanceMatcher};
use crate::morph::tokenize::Morphs;
use crate::stages::stance::lexicon::CueStance;

/// How a predicate is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Affirmed,
    Negated,
    /// ために, ように, ことを目指す.
    Purpose,
    /// すれば, したら, すると.
    Conditional,
    /// The verb group ends in か.
    Question,
    /// こと/の + a particle + another predicate (改善することが大切だ).
    Nominal,
}

/// Nouns whose relative clause describes rather than asserts: manner, time, reason and
/// purpose (痛みがやわらぐ仕組み, 効果が続く期間), and reports whose content is someone
/// else's (有効性を示す報告, 良くなったという記述).
const DESCRIBED_HEADS: [&str; 27] = [
    "仕組み",
    "機序",
    "しくみ",
    "メカニズム",
    "力",
    "期間",
    "方法",
    "理由",
    "目的",
    "場合",
    "際",
    "とき",
    "時",
    "前",
    "後",
    "ポイント",
    "報告",
    "声",
    "評判",
    "研究",
    "論文",
    "データ",
    "試験",
    "記述",
    "表現",
    "例",
    "働き",
];

/// Words that present a nominalized clause as a fact (…のが特長です, …ことは確かです).
const FACTIVE: [&str; 9] = [
    "特長",
    "特徴",
    "魅力",
    "強み",
    "メリット",
    "確か",
    "事実",
    "利点",
    "ポイント",
];

/// The status of the predicate at morpheme `i` and the end of its verb group.
pub(crate) fn predicate_status(s: &Prepared, i: usize) -> (Status, usize) {
    let (status, end) = verb_group(s, i);
    if status != Status::Affirmed {
        return (status, end);
    }
    let ms = &s.morphs;
    // A coordinated predicate (修復し、再生させる; 後押しし、…食い止めることを目指す)
    // shares the purpose, question or nominalization of the next one in its clause.
    let coordinated = end > 0
        && end < ms.len()
        && (matches!(ms[end].surface, "、" | ",")
            || ms[end - 1].is("助詞", "て")
            || ms[end - 1].is("助詞", "で")
            || (ms[end - 1].pos == "動詞" && ms[end].pos != "名詞"));
    if coordinated {
        let clause = s.clause[i];
        let next = (end..ms.len())
            .take_while(|&k| s.clause[k] == clause)
            .find(|&k| ms[k].is_predicate() && ms[k].base != "する");
        if let Some(k) = next {
            let (then, _) = predicate_status(s, k);
            if matches!(then, Status::Purpose | Status::Question | Status::Nominal) {
                return (then, end);
            }
        }
    }
    (status, end)
}

/// The verb group after morpheme `i` (auxiliaries, する/できる, て, こと+できる …) and
/// how it uses the predicate.
fn verb_group(s: &Prepared, i: usize) -> (Status, usize) {
    let ms = &s.morphs;
    let mut negated = false;
    let mut done = false; // た or ている: a reason (ため) rather than a purpose
    let mut j = i + 1;
    while let Some(m) = ms.get(j) {
        if m.is_negation() {
            negated = !negated;
            done = true;
            j += 1;
            continue;
        }
        match (m.pos, m.pos1) {
            ("助動詞", _) => match auxiliary(ms, j, &mut done) {
                Next::Go(k) => j = k,
                Next::Stop => break,
                Next::Done(status, k) => return (status, k),
            },
            ("動詞", "非自立" | "接尾") => {
                done |= m.base == "いる";
                j += 1
            }
            ("動詞", "自立") if matches!(m.base, "する" | "できる" | "出来る" | "させる") => {
                j += 1
            }
            // 確実ではない, 効果的でもありません: the copula's は/も and ある.
            ("助詞", "係助詞")
                if matches!(m.base, "は" | "も")
                    && (ms[j - 1].surface == "で" || ms[j - 1].is("助詞", "て")) =>
            {
                j += 1
            }
            ("動詞", "自立") if m.base == "ある" && ms[j - 1].pos1 == "係助詞" => j += 1,
            ("形容詞", "非自立" | "接尾") => {
                // 治りにくい, 言い難い: hard to — not an assertion of the effect.
                if matches!(m.base, "にくい" | "難い" | "がたい" | "づらい" | "辛い") {
                    negated = !negated;
                }
                j += 1;
            }
            ("助詞", "接続助詞") => match m.base {
                "て" | "で" => j += 1,
                "ば" | "と" | "たら" | "なら" => return (Status::Conditional, j + 1),
                _ => break,
            },
            ("助詞", _) if m.base == "か" => return (Status::Question, j + 1),
            ("助詞", _) if matches!(m.base, "まで" | "までに") => {
                return (Status::Nominal, j + 1);
            }
            // 良くなったという記述, 改善するといった: the words are quoted, not asserted.
            ("助詞", "格助詞") if is_quotation(ms, j) => return (Status::Nominal, j + 1),
            ("名詞", "非自立") if matches!(m.base, "こと" | "の") => {
                match nominalized(s, j, &mut negated) {
                    Next::Go(k) => j = k,
                    Next::Stop => break,
                    Next::Done(status, k) => return (status, k),
                }
            }
            ("名詞", "非自立") if matches!(m.base, "ため" | "よう") => {
                match purpose_noun(ms, j, done) {
                    Next::Done(status, k) => return (status, k),
                    Next::Go(_) | Next::Stop => break,
                }
            }
            ("名詞", "非自立" | "副詞可能")
                if matches!(
                    m.base,
                    "うえ" | "上" | "あと" | "後" | "際" | "とき" | "時" | "場合"
                ) =>
            {
                return (Status::Nominal, j + 1);
            }
            _ => break,
        }
    }
    group_end(s, j, negated)
}

/// ため/よう at `j`: に after it, or ため after an unfinished verb (防ぐため), make a purpose;
/// after a finished one (少なかったため) it is a reason.
fn purpose_noun(ms: &[Morph<'_>], j: usize, done: bool) -> Next {
    let m = &ms[j];
    if ms.get(j + 1).is_some_and(|n| n.is("助詞", "に")) {
        return Next::Done(Status::Purpose, j + 2);
    }
    // 防ぐため (purpose) against 少ないため (reason).
    if m.base == "ため" && !done && ms[j - 1].pos == "動詞" {
        return Next::Done(Status::Purpose, j + 1);
    }
    Next::Stop
}

/// The case particle at `j` quotes what precedes it: という, といった, との, と言う.
fn is_quotation(ms: &[Morph<'_>], j: usize) -> bool {
    let m = &ms[j];
    matches!(m.base, "という" | "といった" | "との")
        || (m.base == "と"
            && ms
                .get(j + 1)
                .is_some_and(|n| matches!(n.base, "言う" | "いう" | "いった")))
}

/// What one morpheme of a verb group does to the walk along it.
enum Next {
    /// Go on at this morpheme.
    Go(usize),
    /// The group ends before this morpheme.
    Stop,
    /// The group's status is known; the walk ends at this morpheme.
    Done(Status, usize),
}

/// An auxiliary verb at `j`: たら/なら are conditions, たい and う wishes and intentions,
/// た marks the group as done (a reason rather than a purpose).
fn auxiliary(ms: &[Morph<'_>], j: usize, done: &mut bool) -> Next {
    let m = &ms[j];
    if m.base == "だ" && m.surface == "な" {
        return Next::Stop; // attributive な: a noun follows
    }
    if matches!(m.surface, "たら" | "なら" | "だら") {
        return Next::Done(Status::Conditional, j + 1);
    }
    // 治したい: a wish; 治そう(とする): an intention.
    if m.base == "たい"
        || (m.base == "う" && !ms[j - 1].is("助動詞", "ます") && ms[j - 1].base != "です")
    {
        return Next::Done(Status::Purpose, j + 1);
    }
    *done |= m.base == "た";
    Next::Go(j + 1)
}

/// A predicate nominalized by こと/の at `j`: できる, 難しい, negation, 目指す and the
/// factive predicates (のが特長です) decide what the nominalization asserts.
fn nominalized(s: &Prepared, j: usize, negated: &mut bool) -> Next {
    let ms = &s.morphs;
    let m = &ms[j];
    let p = ms.get(j + 1);
    let q = ms.get(j + 2);
    let particle = p.is_some_and(|p| p.is_topic() || p.is("助詞", "を"));
    if !particle {
        if m.base == "の" && p.is_some_and(|p| p.is("助動詞", "だ") || p.base == "です") {
            return Next::Go(j + 1); // のです
        }
        if p.is_some_and(|p| p.is("助詞", "か")) {
            return Next::Done(Status::Question, j + 2);
        }
        return Next::Done(Status::Nominal, j + 1);
    }
    match q {
        Some(q) if matches!(q.base, "できる" | "出来る" | "可能") => Next::Go(j + 3),
        // 負担が小さいのが特長です, 安全性が高いことは確かです: a fact.
        Some(q) if FACTIVE.contains(&q.base) => Next::Stop,
        // …のが大きな特長です
        Some(q)
            if matches!(q.pos, "連体詞" | "形容詞")
                && ms.get(j + 3).is_some_and(|r| FACTIVE.contains(&r.base)) =>
        {
            Next::Stop
        }
        Some(q) if matches!(q.base, "難しい" | "困難" | "不可能") => {
            Next::Done(Status::Negated, j + 3)
        }
        Some(q) if q.is_negation() => {
            *negated = !*negated;
            Next::Go(j + 3)
        }
        // 起こることはありません
        Some(q) if q.base == "ある" && verb_group(s, j + 2).0 == Status::Negated => {
            Next::Done(Status::Negated, verb_group(s, j + 2).1)
        }
        Some(q) if matches!(q.base, "目指す" | "目的" | "狙う" | "ねらう") => {
            Next::Done(Status::Purpose, j + 3)
        }
        _ => Next::Done(Status::Nominal, j + 1),
    }
}

/// Where the verb group ends at `j`: negated, a purpose (目指す), a relative clause on a
/// described or denied noun, or asserted.
fn group_end(s: &Prepared, j: usize, negated: bool) -> (Status, usize) {
    let ms = &s.morphs;
    if negated {
        return (Status::Negated, j);
    }
    if ms.get(j).is_some_and(|m| m.base == "目指す") {
        return (Status::Purpose, j + 1);
    }
    if ms.get(j).is_some_and(|m| m.pos == "名詞") {
        // A relative clause: of a noun it describes (仕組み, 報告) or one whose existence
        // is denied (…データは見当たらない), it asserts nothing.
        let near = ms[j..]
            .iter()
            .take(4)
            .take_while(|m| !matches!(m.pos, "記号" | "動詞" | "形容詞"));
        // Whole words (力 is not the 力 of 協力 …) or the end of a compound the dictionary
        // splits (作用機序 is 作用 + 機 + 序).
        let run: String = ms[j..]
            .iter()
            .take(4)
            .take_while(|m| m.pos == "名詞")
            .map(|m| m.surface)
            .collect();
        let head = near
            .clone()
            .any(|m| m.pos == "名詞" && DESCRIBED_HEADS.contains(&m.base))
            || DESCRIBED_HEADS
                .iter()
                .any(|h| h.chars().count() > 1 && run.ends_with(h));
        if head {
            return (Status::Nominal, j);
        }
        if denied_noun_phrase(s, j) {
            return (Status::Negated, j);
        }
    }
    (Status::Affirmed, j)
}

/// Whether the noun phrase starting at morpheme `j` is the subject of a denied
/// existence (確かなデータは、私の知る限り見当たらない; 根本的なケアをうたう商品は、
/// ほとんど見当たらなかった).
pub(crate) fn denied_noun_phrase(s: &Prepared, j: usize) -> bool {
    let ms = &s.morphs;
    let Some(&clause) = s.clause.get(j) else {
        return false;
    };
    let in_clause = |k: usize| k < ms.len() && s.clause[k] == clause;
    // The subject's は/が/も, not the copula's (…病気ではない denies the predicate noun,
    // not the phrase).
    let Some(topic) = (j..j + 10)
        .take_while(|&k| in_clause(k))
        .find(|&k| ms[k].is_topic() && ms[k - 1].pos == "名詞")
    else {
        return false;
    };
    let existence = (topic + 1..ms.len())
        .take_while(|&k| in_clause(k))
        .find(|&k| {
            ms[k].is_negation()
                || matches!(
                    ms[k].base,
                    "見当たる" | "見つかる" | "存在" | "ある" | "いる" | "難しい" | "困難"
                )
        });
    match existence {
        Some(k) if matches!(ms[k].base, "難しい" | "困難") => true,
        Some(k) if ms[k].is_negation() => ms.get(k + 1).is_none_or(|n| n.base != "なる"),
        Some(k) => verb_group(s, k).0 == Status::Negated,
        None => false,
    }
}

/// Adds the claim hits of the sentence.
pub(crate) fn find(m: &StanceMatcher, s: &Prepared, hits: &mut Vec<Hit<'_>>) {
    let words = &m.lexicon().claims;
    let ms = &s.morphs;
    // A cue already found on these morphemes (副作用ゼロ, ないわけではない) wins.
    let covered = |hits: &[Hit<'_>], c: &Claim| {
        hits.iter().any(|h| {
            h.toks.contains(&c.anchor) || (h.toks.start < c.toks.end && c.toks.start < h.toks.end)
        })
    };
    let mut i = 0;
    while i < ms.len() {
        // Most morphemes belong to no class and cannot start a claim.
        let rules = ms[i].claim;
        if rules == 0 {
            i += 1;
            continue;
        }
        let rule = |bit: u8,
                    f: fn(
            &Prepared,
            usize,
            &crate::stages::stance::lexicon::ClaimWords,
        ) -> Option<Claim>| {
            if rules & bit != 0 {
                f(s, i, words)
            } else {
                None
            }
        };
        let found = rule(EFFICACY_RULE, efficacy)
            .or_else(|| rule(BENEFIT_RULE, benefit))
            .or_else(|| rule(EFFECT_RULE, effect))
            .or_else(|| rule(SAFETY_RULE, safety))
            .or_else(|| rule(EVIDENCE_RULE, evidence));
        if let Some(c) = found
            && !covered(hits, &c)
        {
            let range = s.span(&c.toks);
            hits.push(Hit {
                stance: c.stance,
                category: c.category.into(),
                cue: c.word.into(),
                keys: 0..0,
                toks: c.toks.clone(),
                range,
                negating: false,
                commitment: false,
                rule: c.rule,
                dropped: false,
            });
            i = c.toks.end.max(i + 1);
            continue;
        }
        i += 1;
    }
}

struct Claim {
    stance: CueStance,
    category: &'static str,
    rule: &'static str,
    word: String,
    /// The morpheme the claim is about (a lexicon cue already on it wins).
    anchor: usize,
    toks: Range<usize>,
}

fn absolute(
    category: &'static str,
    rule: &'static str,
    word: &str,
    anchor: usize,
    toks: Range<usize>,
) -> Claim {
    Claim {
        stance: CueStance::Absolute,
        category,
        rule,
        word: word.to_string(),
        anchor,
        toks,
    }
}

/// A verbal use of an efficacy word: the verb itself, or a サ変 noun with する/できる/
/// させる/される, or a サ変 noun leading to a result (回復へとつながる).
fn efficacy(
    s: &Prepared,
    i: usize,
    w: &crate::stages::stance::lexicon::ClaimWords,
) -> Option<Claim> {
    let ms = &s.morphs;
    let m = &ms[i];
    let efficacy_word =
        |b: &str| w.efficacy.contains(b) || (w.support.contains(b) && benefit_object(s, i, w));
    let verbal = match (m.pos, m.pos1) {
        ("動詞", "自立") => {
            efficacy_word(m.base) || plain_of_potential(m.base).is_some_and(|b| efficacy_word(&b))
        }
        ("名詞", "サ変接続") => {
            efficacy_word(m.base)
                && ms.get(i + 1).is_some_and(|n| {
                    n.pos == "動詞"
                        && matches!(
                            n.base,
                            "する" | "できる" | "出来る" | "させる" | "れる" | "られる"
                        )
                })
        }
        // 軽くなる, 楽になる, 歩きやすくなる: a change for the better.
        ("形容詞", _) => {
            w.better.contains(m.base) && ms.get(i + 1).is_some_and(|n| n.is("動詞", "なる"))
        }
        ("名詞", "形容動詞語幹") => {
            w.better.contains(m.base)
                && ms.get(i + 1).is_some_and(|n| n.is("助詞", "に"))
                && ms.get(i + 2).is_some_and(|n| n.is("動詞", "なる"))
        }
        _ => false,
    };
    if !verbal {
        return None;
    }
    let start = i;
    let head = if m.pos == "名詞" && m.pos1 == "形容動詞語幹" {
        i + 2
    } else if m.pos == "形容詞" {
        i + 1
    } else {
        i
    };
    let (status, end) = predicate_status(s, head);
    // 安心して受けられる: a safety word used as a verb.
    let category = if w.safe.contains(m.base) {
        "safety_claim"
    } else {
        "efficacy_claim"
    };
    (status == Status::Affirmed)
        .then(|| absolute(category, "efficacy", m.base, i, start..end.max(head + 1)))
}

/// The words of every claim class and their tails, so that [`find`] passes over a
/// morpheme that can start no claim with one lookup: a class word itself, a potential
/// form of an efficacy or support verb (保てる), or the last part of a noun class word
/// that IPADIC splits (反応 of 拒絶反応, 的 of 効果的, 性 of 安全性).
#[derive(Debug, Default)]
pub(crate) struct ClaimIndex {
    words: rustc_hash::FxHashMap<String, u8>,
}

/// Which rules a morpheme may start (see [`ClaimIndex::rules`]).
pub(crate) const EFFICACY_RULE: u8 = 1;
pub(crate) const BENEFIT_RULE: u8 = 2;
pub(crate) const EFFECT_RULE: u8 = 4;
pub(crate) const SAFETY_RULE: u8 = 8;
pub(crate) const EVIDENCE_RULE: u8 = 16;

impl ClaimIndex {
    pub(crate) fn new(w: &crate::stages::stance::lexicon::ClaimWords) -> Self {
        let mut words: rustc_hash::FxHashMap<String, u8> = rustc_hash::FxHashMap::default();
        let mut add = |word: &str, rule: u8| *words.entry(word.to_string()).or_default() |= rule;
        for word in w.efficacy.iter().chain(&w.support).chain(&w.better) {
            add(word, EFFICACY_RULE);
        }
        for verb in w.efficacy.iter().chain(&w.support) {
            if let Some(potential) = potential_of_plain(verb) {
                add(&potential, EFFICACY_RULE);
            }
        }
        for word in w.benefit.iter().chain(&w.safe) {
            add(word, BENEFIT_RULE);
        }
        for word in &w.effect {
            add(word, EFFECT_RULE);
        }
        for word in &w.risk {
            add(word, SAFETY_RULE);
        }
        for word in &w.evidence {
            add(word, EVIDENCE_RULE);
        }
        // The dictionary may split a word in a sentence that it reads whole alone
        // (ダウンタイム): suffixes of two characters or more count as tails too.
        let nouns = w
            .benefit
            .iter()
            .chain(&w.safe)
            .chain(&w.effect)
            .chain(&w.risk);
        let suffixes = nouns.flat_map(|n| {
            let starts: Vec<usize> = n.char_indices().map(|(i, _)| i).skip(1).collect();
            let len = n.chars().count();
            starts
                .into_iter()
                .enumerate()
                .filter(move |(k, _)| len - (k + 1) >= 2)
                .map(move |(_, i)| n[i..].to_string())
        });
        for tail in w.tails.iter().cloned().chain(suffixes) {
            add(&tail, BENEFIT_RULE | EFFECT_RULE | SAFETY_RULE);
        }
        ClaimIndex { words }
    }

    /// The rules that may start at a morpheme with this base form (0: none).
    pub(crate) fn rules(&self, base: &str) -> u8 {
        self.words.get(base).copied().unwrap_or(0)
    }
}

/// The rules of `rules` whose necessary context is present around token `i`, read from
/// the features alone: most sentences with a claim word then need no morpheme view. Each
/// test here is implied by the rule it guards (a test compares the cues of the sample
/// corpus and the development set with and without this filter).
pub(crate) fn possible(
    rules: u8,
    i: usize,
    feats: Morphs<'_, '_>,
    w: &crate::stages::stance::lexicon::ClaimWords,
) -> u8 {
    let f = feats.get(i);
    let at = |k: usize| (i + k < feats.len()).then(|| feats.get(i + k));
    // A noun starts a claim only at the end of its run and before a particle, a copula or
    // a verb (効果が, 安全です, 改善する; not 再生医療, not the 痛み of 痛みや腫れ).
    if f.pos() == "名詞" {
        let opens = at(1).is_some_and(|n| {
            matches!(
                n.pos(),
                "助詞" | "助動詞" | "動詞" | "形容詞" | "副詞" | "連体詞"
            ) && !matches!(n.pos_detail(1), "並立助詞" | "終助詞")
        });
        if !opens {
            return 0;
        }
    }
    let mut r = rules;
    if r & EFFICACY_RULE != 0 && !efficacy_context(feats, i) {
        r &= !EFFICACY_RULE;
    }
    if r & BENEFIT_RULE != 0 {
        let ok = at(1).is_some_and(|n| {
            (n.pos() == "助動詞" && matches!(n.base(), "だ" | "です"))
                || (n.pos() == "助詞" && (n.base() == "に" || n.pos_detail(1) == "副詞化"))
        });
        if !ok {
            r &= !BENEFIT_RULE;
        }
    }
    if r & EFFECT_RULE != 0
        && !(1..=8).any(|k| at(k).is_some_and(|n| w.effect_verb.contains(n.base())))
    {
        r &= !EFFECT_RULE;
    }
    if r & SAFETY_RULE != 0 && f.pos() != "動詞" {
        // The rule needs a denial (ない, ません, なし, ゼロ), a smallness (少ない) or
        // 〜にくい after the noun.
        let after = (1..=8).any(|k| {
            at(k).is_some_and(|n| {
                matches!((n.pos(), n.base()), ("助動詞", "ない" | "ぬ" | "ん"))
                    || (n.pos() == "形容詞"
                        && (matches!(n.base(), "ない" | "なし" | "にくい")
                            || w.risk_low.contains(n.base())))
                    || matches!(n.base(), "ゼロ" | "なし")
            })
        });
        // 少ない負担: the adjective before the run, at most three nouns back.
        let before = (1..=4).any(|k| {
            i.checked_sub(k).is_some_and(|p| {
                feats.get(p).pos() == "形容詞" && w.risk_low.contains(feats.get(p).base())
            })
        });
        if !after && !before {
            r &= !SAFETY_RULE;
        }
    }
    r
}

/// Whether token `i` stands where an efficacy claim can be made: a verb, a サ変 noun
/// before する/できる, an adjectival noun or adjective before (に)なる.
fn efficacy_context(feats: Morphs<'_, '_>, i: usize) -> bool {
    let f = feats.get(i);
    let at = |k: usize| (i + k < feats.len()).then(|| feats.get(i + k));
    match (f.pos(), f.pos_detail(1)) {
        ("動詞", _) => true,
        ("名詞", "サ変接続") => at(1).is_some_and(|n| {
            n.pos() == "動詞"
                && matches!(
                    n.base(),
                    "する" | "できる" | "出来る" | "させる" | "れる" | "られる"
                )
        }),
        ("名詞", "形容動詞語幹") => {
            at(1).is_some_and(|n| n.pos() == "助詞" && n.base() == "に")
                && at(2).is_some_and(|n| n.base() == "なる")
        }
        ("形容詞", _) => at(1).is_some_and(|n| n.base() == "なる"),
        _ => false,
    }
}

/// The potential verb of a plain 五段 verb (保つ → 保てる), as IPADIC lists it.
fn potential_of_plain(plain: &str) -> Option<String> {
    let last = plain.chars().next_back()?;
    let e = match last {
        'う' => 'え',
        'く' => 'け',
        'ぐ' => 'げ',
        'す' => 'せ',
        'つ' => 'て',
        'ぬ' => 'ね',
        'ぶ' => 'べ',
        'む' => 'め',
        'る' => 'れ',
        _ => return None,
    };
    let mut out = plain[..plain.len() - last.len_utf8()].to_string();
    out.push(e);
    out.push('る');
    Some(out)
}

/// Whether the object before a support verb at `i` names a benefit: 修復を促す,
/// 組織の修復を後押しする, 再生するのを助ける, 症状の改善を実感する.
fn benefit_object(s: &Prepared, i: usize, w: &crate::stages::stance::lexicon::ClaimWords) -> bool {
    let ms = &s.morphs;
    let Some(particle) = i.checked_sub(1) else {
        return false;
    };
    if !matches!(ms[particle].base, "を" | "に" | "へ" | "と") || particle == 0 {
        return false;
    }
    let mut k = particle - 1;
    // 回復へとつながる, 改善にと: two particles.
    if ms[particle].base == "と" && matches!(ms[k].base, "へ" | "に") {
        let Some(before) = k.checked_sub(1) else {
            return false;
        };
        k = before;
    }
    // …するのを助ける: the nominalized verb.
    if ms[k].is("名詞", "の") || (ms[k].pos == "名詞" && ms[k].pos1 == "非自立") {
        let Some(v) = k.checked_sub(1) else {
            return false;
        };
        k = v;
        while k > 0 && (ms[k].pos == "助動詞" || (ms[k].pos == "動詞" && ms[k].pos1 != "自立"))
        {
            k -= 1;
        }
        return w.efficacy.contains(ms[k].base) || (k > 0 && w.efficacy.contains(ms[k - 1].base));
    }
    match s.noun_run(k) {
        Some((start, run)) => {
            ms[start..=k].iter().any(|m| w.efficacy.contains(m.base))
                || longest_suffix(&w.effect, run).is_some()
        }
        None => false,
    }
}

/// A benefit word (効果的, 有効) or a safety word (安全, 安心) used as a predicate or an
/// attribute.
fn benefit(
    s: &Prepared,
    i: usize,
    w: &crate::stages::stance::lexicon::ClaimWords,
) -> Option<Claim> {
    let ms = &s.morphs;
    let m = &ms[i];
    if m.pos != "名詞" || ms.get(i + 1).is_some_and(|n| n.pos == "名詞") {
        return None;
    }
    let (start, run) = s.noun_run(i)?;
    let (word, category) = match longest_suffix(&w.safe, run) {
        Some(word) => (word, "safety_claim"),
        None => (longest_suffix(&w.benefit, run)?, "efficacy_claim"),
    };
    let word_start = m.end - word.len();
    let first = (start..=i)
        .find(|&k| ms[k].start >= word_start)
        .unwrap_or(i);
    // The run must end exactly on the benefit word, and be used as an adjective.
    let next = ms.get(i + 1)?;
    let adjectival = (next.pos == "助動詞" && matches!(next.base, "だ" | "です"))
        || next.is("助詞", "に")
        || (next.pos == "助詞" && next.pos1 == "副詞化");
    if !adjectival {
        return None;
    }
    let (status, end) = predicate_status(s, i);
    (status == Status::Affirmed)
        .then(|| absolute(category, "benefit", word, i, first..end.max(i + 1)))
}

/// An effect noun with a predicate asserting it: 効果を発揮します, 効果が続く,
/// 安全性に優れる, 有効性が高い.
fn effect(s: &Prepared, i: usize, w: &crate::stages::stance::lexicon::ClaimWords) -> Option<Claim> {
    let ms = &s.morphs;
    let m = &ms[i];
    if m.pos != "名詞" || ms.get(i + 1).is_some_and(|n| n.pos == "名詞") {
        return None;
    }
    let (start, run) = s.noun_run(i)?;
    let noun = longest_suffix(&w.effect, run)?;
    let noun_start = m.end - noun.len();
    let first = (start..=i)
        .find(|&k| ms[k].start >= noun_start)
        .unwrap_or(i);
    let mut k = i + 1;
    // Particles, adverbs, adnominals between: 効果は/が/を/に/も, はっきり, さらに.
    let mut steps = 0;
    while let Some(n) = ms.get(k) {
        let skip = (n.pos == "助詞"
            && matches!(n.base, "が" | "は" | "も" | "を" | "に" | "へ" | "の"))
            || n.pos == "副詞"
            || n.pos == "連体詞"
            || (n.pos == "名詞" && matches!(n.pos1, "副詞可能" | "数" | "接尾"))
            || (n.pos == "記号" && matches!(n.surface, "〜" | "~" | "-" | "～"));
        if !skip || steps > 6 {
            break;
        }
        k += 1;
        steps += 1;
    }
    let v = ms.get(k)?;
    if !w.effect_verb.contains(v.base) || !matches!(v.pos, "動詞" | "形容詞" | "名詞" | "副詞")
    {
        return None;
    }
    // A noun predicate must be used as one: 実感できる, 確かだ — not 効果の実感と,
    // 結果の確かさ.
    let next = ms.get(k + 1);
    if v.pos == "名詞"
        && !next.is_some_and(|n| {
            (n.pos == "動詞" && matches!(n.base, "する" | "できる" | "れる" | "られる"))
                || (n.pos == "助動詞" && matches!(n.base, "だ" | "です"))
        })
    {
        return None;
    }
    let (status, end) = predicate_status(s, k);
    // 安全性が高い: the effect is safety.
    let category = if w.safe.iter().any(|w| noun.starts_with(w.as_str())) {
        "safety_claim"
    } else {
        "efficacy_claim"
    };
    (status == Status::Affirmed)
        .then(|| absolute(category, "effect", noun, i, first..end.max(k + 1)))
}

/// A harm noun whose existence is denied or called small (副作用はありません, 少ない
/// 負担で), or a harm verb denied (まったく痛みません).
fn safety(s: &Prepared, i: usize, w: &crate::stages::stance::lexicon::ClaimWords) -> Option<Claim> {
    let ms = &s.morphs;
    let m = &ms[i];
    if m.pos == "動詞" && w.risk.contains(m.base) {
        let (status, end) = predicate_status(s, i);
        return (status == Status::Negated)
            .then(|| absolute("safety_claim", "safety", m.base, i, i..end));
    }
    if m.pos != "名詞"
        || ms
            .get(i + 1)
            .is_some_and(|n| n.pos == "名詞" && n.pos1 != "非自立")
    {
        return None;
    }
    let (start, run) = s.noun_run(i)?;
    let noun = longest_suffix(&w.risk, run)?;
    let noun_start = m.end - noun.len();
    let first = (start..=i)
        .find(|&k| ms[k].start >= noun_start)
        .unwrap_or(i);
    // 少ない負担で, 低いリスク: the smallness said before the noun.
    if let Some(a) = first.checked_sub(1).map(|p| &ms[p])
        && a.pos == "形容詞"
        && w.risk_low.contains(a.base)
    {
        return Some(absolute(
            "safety_claim",
            "safety",
            noun,
            i,
            first - 1..i + 1,
        ));
    }
    let (k, mut reported) = harm_predicate(ms, i);
    let denied = harm_denied(s, k, w, &mut reported)?;
    if !denied {
        return None;
    }
    let (_, end) = predicate_status(s, k);
    let toks = first..end.max(k + 1);
    Some(if reported {
        Claim {
            stance: CueStance::Hedge,
            category: "hearsay",
            rule: "reported_safety",
            word: noun.clone(),
            anchor: i,
            toks,
        }
    } else {
        absolute("safety_claim", "safety", noun, i, toks)
    })
}

/// Past the particles, adverbs and report words after a harm noun at `i` (副作用の報告は
/// ほとんど): the predicate's index, and whether the harm is framed as reported.
fn harm_predicate(ms: &[Morph<'_>], i: usize) -> (usize, bool) {
    let mut k = i + 1;
    let mut reported = false;
    let mut steps = 0;
    while let Some(n) = ms.get(k) {
        let skip = (n.pos == "助詞"
            && matches!(
                n.base,
                "が" | "は" | "も" | "の" | "へ" | "に" | "で" | "まで"
            ))
            || n.pos == "副詞"
            || n.pos == "連体詞"
            || (n.pos == "名詞" && matches!(n.pos1, "副詞可能" | "代名詞"))
            || matches!(n.base, "報告" | "報告例" | "心配");
        if !skip || steps > 6 {
            break;
        }
        reported |= n.base.starts_with("報告");
        k += 1;
        steps += 1;
    }
    (k, reported)
}

/// Whether the predicate at `k` denies the harm (ありません, ゼロ, 少ない, 起こりにくい,
/// 報告されていません); `None` when there is no predicate.
fn harm_denied(
    s: &Prepared,
    k: usize,
    w: &crate::stages::stance::lexicon::ClaimWords,
    reported: &mut bool,
) -> Option<bool> {
    let ms = &s.morphs;
    let v = ms.get(k)?;
    Some(if v.is_negation() || v.base == "ゼロ" {
        // ないわけではない, 少なくない: a double negation is the lexicon's hedge.
        let (status, _) = predicate_status(s, k);
        status != Status::Negated
    } else if v.pos == "形容詞" && w.risk_low.contains(v.base) {
        // 痛みが軽くなる is a change: the efficacy rule's.
        !ms.get(k + 1).is_some_and(|n| n.is("動詞", "なる"))
            && predicate_status(s, k).0 == Status::Affirmed
    } else if v.pos == "動詞" || (v.pos == "名詞" && v.pos1 == "サ変接続") {
        // 起こりにくい, 起こることはありません, 報告されていません.
        let (status, _) = predicate_status(s, k);
        *reported |= v.base == "報告";
        status == Status::Negated
            && (*reported
                || matches!(
                    v.base,
                    "起こる"
                        | "起きる"
                        | "出る"
                        | "生じる"
                        | "かかる"
                        | "伴う"
                        | "残る"
                        | "現れる"
                        | "発生"
                        | "ある"
                        | "いる"
                ))
    } else {
        false
    })
}

/// A verb reporting a finding: past or perfect (分かった, 分かっています, 突き止めた,
/// 発見された); negated, it says the matter is not known (hedge `disclaimer`).
fn evidence(
    s: &Prepared,
    i: usize,
    w: &crate::stages::stance::lexicon::ClaimWords,
) -> Option<Claim> {
    let ms = &s.morphs;
    let m = &ms[i];
    let verbal = match (m.pos, m.pos1) {
        ("動詞", "自立") => w.evidence.contains(m.base),
        ("名詞", "サ変接続") => {
            w.evidence.contains(m.base)
                && ms.get(i + 1).is_some_and(|n| {
                    n.pos == "動詞" && matches!(n.base, "する" | "れる" | "られる" | "できる")
                })
        }
        _ => false,
    };
    if !verbal {
        return None;
    }
    // 分かる states a finding only with a complement: ことが分かった, と分かった.
    if m.base == "分かる" {
        let before = i.checked_sub(1).map(|p| &ms[p]);
        let complement = match before {
            Some(p) if p.is_topic() => i >= 2 && matches!(ms[i - 2].base, "こと" | "の"),
            _ => false,
        };
        let unknown =
            matches!(before, Some(p) if p.is("助詞", "か") || p.base == "まだ" || p.pos == "副詞");
        if !complement && !unknown {
            return None;
        }
    }
    let (status, end) = predicate_status(s, i);
    let group = &ms[i + 1..end.min(ms.len())];
    let done = group
        .iter()
        .any(|g| g.is("助動詞", "た") || g.base == "いる" || g.base == "くる");
    match status {
        Status::Affirmed if done => Some(absolute("evidence", "evidence_verb", m.base, i, i..end)),
        Status::Negated => Some(Claim {
            stance: CueStance::Hedge,
            category: "disclaimer",
            rule: "unknown",
            word: m.base.to_string(),
            anchor: i,
            toks: i..end,
        }),
        _ => None,
    }
}

/// The longest word of `set` that `run` ends with (拒絶反応 in 重い拒絶反応): each suffix
/// of the run looked up, longest first.
fn longest_suffix<'w>(set: &'w rustc_hash::FxHashSet<String>, run: &str) -> Option<&'w String> {
    run.char_indices().find_map(|(i, _)| set.get(&run[i..]))
}

/// The plain verb of a potential form (保てる → 保つ, 取り戻せる → 取り戻す), which IPADIC
/// lists as a verb of its own.
fn plain_of_potential(base: &str) -> Option<String> {
    let stem = base.strip_suffix('る')?;
    let last = stem.chars().next_back()?;
    let plain = match last {
        'え' => 'う',
        'け' => 'く',
        'げ' => 'ぐ',
        'せ' => 'す',
        'て' => 'つ',
        'ね' => 'ぬ',
        'べ' => 'ぶ',
        'め' => 'む',
        'れ' => 'る',
        _ => return None,
    };
    let mut out = stem[..stem.len() - last.len_utf8()].to_string();
    out.push(plain);
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::stages::stance::tests::{cats, stance};

    fn cues(sentence: &str) -> Vec<(String, String)> {
        stance(sentence).1
    }

    #[test]
    fn efficacy_in_every_clause() {
        // Two coordinated predicates, each a claim.
        assert_eq!(
            cues("炎症を抑え、組織の修復を後押しします。"),
            [
                ("efficacy_claim".to_string(), "抑え".to_string()),
                ("efficacy_claim".into(), "後押しします".into())
            ]
        );
        assert_eq!(
            cats("しっかり補うことで折れにくくしなやかな骨を保てます。"),
            ("absolute", vec!["efficacy_claim".into()])
        );
        assert_eq!(
            cats("治療後すぐに歩けるようになり、痛みが軽くなります。"),
            ("absolute", vec!["efficacy_claim".into()])
        );
        // Near misses: a bare noun label, a purpose, a wish, a described mechanism.
        assert_eq!(cats("コラーゲンの産生促進").0, "neutral");
        assert_eq!(
            cats("関節の劣化を食い止めることを目指す治療法です。").0,
            "neutral"
        );
        assert_eq!(cats("痛みを軽くすることを狙った治療です。").0, "neutral");
        assert_eq!(
            cats("できることなら、手術をせずにひざを治したい").0,
            "neutral"
        );
        assert_eq!(cats("痛みがやわらぐ仕組み").0, "neutral");
        assert_eq!(cats("腱・靭帯損傷の修復を促す作用機序").0, "neutral");
        assert_eq!(
            cats("さまざまな症状が良くなったという記述がしばしば見られます。").0,
            "neutral"
        );
    }

    #[test]
    fn benefit_and_safety_words() {
        assert_eq!(
            cues("当院の治療は安全です。"),
            [("safety_claim".to_string(), "安全です".to_string())]
        );
        assert_eq!(
            cats("透明感のある肌を目指す方に効果的です。"),
            ("absolute", vec!["efficacy_claim".into()])
        );
        assert_eq!(
            cats("そうした方でも安心してお受けいただけます。"),
            ("absolute", vec!["safety_claim".into()])
        );
        // Near miss: 安全性 as the object of a check.
        assert_eq!(cats("安全性を確認するための検査です。").0, "neutral");
    }

    #[test]
    fn effect_nouns_with_their_predicates() {
        assert_eq!(
            cues("多くの症状に効果を発揮します。"),
            [("efficacy_claim".to_string(), "効果を発揮します".to_string())]
        );
        assert_eq!(
            cats("点滴の効果はおよそ10〜14日続きます。"),
            ("absolute", vec!["efficacy_claim".into()])
        );
        assert_eq!(
            cats("安全性の高い治療ですが、すべての方に同じ効果が得られるとは限りません。"),
            ("mixed", vec!["safety_claim".into(), "limitation".into()])
        );
        // Near misses: a heading naming the effect, a period the effect lasts.
        assert_eq!(cats("■効果の実感と副作用について").0, "neutral");
        assert_eq!(
            cats("本記事では、効果が続く期間をくわしく解説します。").0,
            "neutral"
        );
    }

    #[test]
    fn harm_denied_or_small() {
        assert_eq!(
            cues("拒絶反応が起こることはありません。"),
            [(
                "safety_claim".to_string(),
                "拒絶反応が起こることはありません".to_string()
            )]
        );
        assert_eq!(
            cats("・少ない負担で採取できる"),
            ("absolute", vec!["safety_claim".into()])
        );
        assert_eq!(
            cats("体への負担が少なく、ダウンタイムもほとんどありません。"),
            (
                "absolute",
                vec!["safety_claim".into(), "safety_claim".into()]
            )
        );
        // Framed as reports it is a hedge; a possible harm is a limitation.
        assert_eq!(
            cats("大きな有害事象は報告されていません。"),
            ("hedged", vec!["hearsay".into()])
        );
        assert_eq!(
            cats("副作用が出ることがあります。"),
            ("hedged", vec!["limitation".into()])
        );
        assert_eq!(
            cats("リスクがないわけではありません。"),
            ("hedged", vec!["disclaimer".into()])
        );
    }

    #[test]
    fn findings_and_what_is_not_known() {
        assert_eq!(
            cues("体内の量は年齢とともに減っていくことがわかっています。"),
            [("evidence".to_string(), "わかっています".to_string())]
        );
        assert_eq!(
            cats("研究チームが原因となる物質を突き止めた。"),
            ("absolute", vec!["evidence".into()])
        );
        assert_eq!(
            cats("点滴で入れた成分がどの程度働くのかは、まだよく分かっていない。"),
            ("hedged", vec!["disclaimer".into()])
        );
        // Near misses: 分かる of a person's test result, a plan to investigate.
        assert_eq!(
            cats("不足していると分かった方は受けられません。").0,
            "neutral"
        );
        assert_eq!(cats("今後、仕組みを解明する予定です。").0, "neutral");
    }
}
