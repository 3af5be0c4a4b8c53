//! Pass 2: negation and its scope.

use super::claims::{Status, denied_noun_phrase, predicate_status};
use super::sentence::Prepared;
use super::{COMMITMENT, Hit, StanceMatcher};
use crate::stages::stance::lexicon::{CueStance, Key, NEG};

/// Keys that may stand between a cue and the negation that cancels it.
fn negation_filler(key: &str) -> bool {
    matches!(
        key,
        "が" | "だ"
            | "に"
            | "と"
            | "の"
            | "わけ"
            | "もの"
            | "こと"
            | "する"
            | "いる"
            | "て"
            | "れる"
            | "られる"
            | "できる"
            | "なる"
            | "ある"
            | "言える"
            | "おる"
    )
}

/// A negation follows key position `end`, with only fillers between.
pub(super) fn negated_after(keys: &[Key], end: usize) -> bool {
    for k in keys.iter().skip(end).take(6) {
        if k.key == NEG {
            return true;
        }
        if !negation_filler(k.key) {
            return false;
        }
    }
    false
}

/// The key position just after the first negation from `from`.
fn after_negation(keys: &[Key], from: usize) -> usize {
    keys[from..]
        .iter()
        .position(|k| k.key == NEG)
        .map_or(from, |p| from + p + 1)
}

/// A negation right after a cue cancels it (確実ではない, 証明されていない, 期待できない);
/// a negated commitment (保証はできない) becomes a hedge `disclaimer`. An adverbial
/// absolute cue is cancelled by the negation of the predicate it modifies (根本から治す
/// ことは難しい, 必ずしも), an adnominal one by the denial of the noun it describes
/// (確かなデータは見当たらない).
pub(crate) fn cancel_negated(s: &Prepared, hits: &mut Vec<Hit<'_>>) {
    let keys = s.keys;
    for h in hits.iter_mut() {
        if h.negating {
            continue;
        }
        let polarity = matches!(&*h.cue, "全く" | "まったく" | "一切" | "決して");
        if negated_after(keys, h.keys.end) && !polarity {
            if h.stance == CueStance::Absolute && h.commitment {
                h.stance = CueStance::Hedge;
                h.category = "disclaimer".into();
                h.negating = true;
                h.rule = "negated_commitment";
                h.keys.end = after_negation(keys, h.keys.end);
                h.toks = s.key_tokens(&h.keys);
                h.range = s.span(&h.toks);
            } else {
                h.dropped = true;
            }
            continue;
        }
        // 全く, 一切, 決して ask for a negation: with it they deny categorically.
        let polarity = matches!(&*h.cue, "全く" | "まったく" | "一切" | "決して");
        if polarity {
            continue;
        }
        if h.stance == CueStance::Absolute && modified_predicate_negated(s, h.toks.end) {
            h.dropped = true;
        }
    }
    hits.retain(|h| !h.dropped);
}

/// Whether the word after a cue ending at morpheme `end` is negated: the next predicate
/// of the clause for an adverbial cue (劇的に, 根本から, 必ず), the noun phrase's
/// existence for an adnominal one (確かな, 根本的な).
fn modified_predicate_negated(s: &Prepared, end: usize) -> bool {
    let ms = &s.morphs;
    let Some(next) = ms.get(end) else {
        return false;
    };
    let last = &ms[end - 1];
    let adnominal = last.is("助詞", "の")
        || (last.pos == "助動詞" && last.surface == "な")
        || last.pos == "連体詞"
        || (next.is_content_noun() && !last.is("助詞", "に"));
    if adnominal {
        return next.is_content_noun() && denied_noun_phrase(s, end);
    }
    let clause = s.clause[end - 1];
    let pred = (end..ms.len())
        .take_while(|&k| s.clause[k] == clause)
        .find(|&k| {
            ms[k].is_predicate()
                || (ms[k].pos == "名詞"
                    && ms[k].pos1 == "サ変接続"
                    && ms.get(k + 1).is_some_and(|n| n.is("動詞", "する")))
        });
    match pred {
        Some(k) => {
            let k = if ms[k].pos == "名詞" { k + 1 } else { k };
            predicate_status(s, k).0 == Status::Negated
        }
        None => false,
    }
}

/// A negated commitment word that no cue covers (お約束はできません) is a disclaimer.
pub(crate) fn negated_commitments(m: &StanceMatcher, s: &Prepared, hits: &mut Vec<Hit<'_>>) {
    let keys = s.keys;
    let flag = |i: usize| m.flags[s.ids[i] as usize];
    for (i, k) in keys.iter().enumerate() {
        if flag(i) & COMMITMENT == 0
            || !negated_after(keys, i + 1)
            || hits.iter().any(|h| h.keys.contains(&i))
        {
            continue;
        }
        let ks = i..after_negation(keys, i + 1);
        let toks = s.key_tokens(&ks);
        hits.push(Hit {
            stance: CueStance::Hedge,
            category: "disclaimer".into(),
            cue: k.key.to_string().into(),
            range: s.span(&toks),
            toks,
            keys: ks,
            negating: true,
            commitment: true,
            rule: "negated_commitment",
            dropped: false,
        });
    }
}

/// A hedge whose own pattern is negated (とは言い切れない, わけではない, ものではない)
/// takes the absolute cues before it in its clause (since the last 、) out of force:
/// 「絶対に安全な治療とは言い切れません」 is hedged.
pub(crate) fn negated_hedge_scope(s: &Prepared, hits: &mut Vec<Hit<'_>>) {
    // Clauses as the other passes cut them: a comma after a topic (治療法は、) does not
    // end the clause a negated hedge closes.
    let scopes: Vec<(u16, usize)> = hits
        .iter()
        .filter(|h| h.stance == CueStance::Hedge && h.negating && h.toks.start < s.clause.len())
        .map(|h| (s.clause[h.toks.start], h.toks.end))
        .collect();
    hits.retain(|h| {
        h.stance == CueStance::Hedge
            || h.toks.is_empty()
            || !scopes.iter().any(|&(clause, end)| {
                s.clause.get(h.toks.start) == Some(&clause) && h.toks.end <= end
            })
    });
}

#[cfg(test)]
mod tests {
    use crate::stages::stance::tests::cats;

    #[test]
    fn a_negated_predicate_cancels_its_booster() {
        assert_eq!(
            cats("根本から治すことは難しく、一度壊れた関節をもとに戻すこともできません。").0,
            "neutral"
        );
        assert_eq!(cats("劇的に改善するわけではありません。").0, "hedged");
        // Near miss: the booster's own predicate is affirmed.
        assert_eq!(
            cats("痛みが劇的に軽くなります。"),
            ("absolute", vec!["booster".into(), "efficacy_claim".into()])
        );
    }

    #[test]
    fn a_denied_noun_phrase_cancels_its_adjective() {
        assert_eq!(
            cats("それに見合う効果を示した確かなデータは、私の知る限り見当たらない。"),
            ("hedged", vec!["limitation".into()])
        );
        assert_eq!(
            cats(
                "肌そのものを立て直す根本的なケアをうたう商品は、ほとんど見当たらなかったのです。"
            )
            .0,
            "neutral"
        );
        // Near miss: the noun phrase exists.
        assert_eq!(
            cats("確かなデータがあります。"),
            ("absolute", vec!["certainty".into()])
        );
    }

    #[test]
    fn a_negated_hedge_covers_its_clause_across_a_topic_comma() {
        assert_eq!(
            cats(
                "しかし、すり減った軟骨そのものを再生させる根本的な治療法は、いまだ確立されているとは言い難い状況にあります。"
            ),
            ("hedged", vec!["disclaimer".into()])
        );
        // Near miss: a clause of its own (ですが) keeps its booster.
        assert_eq!(
            cats("根本的な治療法ですが、確立されているとは言い難い状況です。"),
            ("mixed", vec!["booster".into(), "disclaimer".into()])
        );
    }

    #[test]
    fn negative_polarity_boosters_deny_categorically() {
        assert_eq!(
            cats("左ひざはもう全く痛みません。"),
            ("absolute", vec!["booster".into(), "safety_claim".into()])
        );
    }
}
