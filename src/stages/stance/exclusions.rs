//! Pass 4: what looks like a cue but neither hedges nor asserts here.

use super::Hit;
use super::sentence::Prepared;
use crate::stages::stance::lexicon::CueStance;

/// Nouns that an expectation or report word names as a topic rather than hedging a
/// claim: 期待される効果, 期待できること, 報告された試験.
const TOPIC_NOUNS: [&str; 11] = [
    "効果",
    "作用",
    "効能",
    "こと",
    "メリット",
    "働き",
    "結果",
    "試験",
    "研究",
    "臨床研究",
    "論文",
];

pub(crate) fn apply(s: &Prepared, hits: &mut Vec<Hit<'_>>) {
    if hits.is_empty() {
        return;
    }
    question(s, hits);
    labels(s, hits);
    quoted(s, hits);
    topic_mentions(s, hits);
    reported_speech(s, hits);
    past_thoughts(s, hits);
    advice(s, hits);
    requests(s, hits);
    hedged_scope(s, hits);
    hits.retain(|h| !h.dropped);
}

/// A question asserts and hedges nothing (…完治しますか？, …でしょうか); a statement
/// in a clause before it still counts (「…」と言われますが、実際の効果は…でしょうか).
fn question(s: &Prepared, hits: &mut [Hit<'_>]) {
    if !s.is_question() {
        return;
    }
    let last = s.clause.last().copied().unwrap_or(0);
    for h in hits.iter_mut() {
        if s.clause.get(h.toks.start).is_none_or(|&c| c == last) {
            h.dropped = true;
        }
    }
}

/// A label with no predicate (再生医療との関係と今後の可能性) names possibilities and
/// expectations; it does not hedge.
fn labels(s: &Prepared, hits: &mut [Hit<'_>]) {
    if !hits
        .iter()
        .any(|h| matches!(&*h.category, "possibility" | "expectation"))
    {
        return;
    }
    let predicate = s
        .morphs
        .iter()
        .any(|m| matches!(m.pos, "動詞" | "形容詞" | "助動詞"));
    if !predicate {
        for h in hits.iter_mut() {
            if matches!(&*h.category, "possibility" | "expectation") {
                h.dropped = true;
            }
        }
    }
}

/// Words in quotation marks followed by a particle (「必ず若返る」といった表現,
/// 「…」と答えた人, 「補う」から「よみがえらせる」へ) are mentioned, not used: the writer neither asserts nor hedges them.
/// A quotation standing alone (a testimonial) is the writer's text.
fn quoted(s: &Prepared, hits: &mut [Hit<'_>]) {
    if !s.text.contains(['「', '『']) {
        return;
    }
    let ms = &s.morphs;
    let mut open: Option<usize> = None;
    let mut quotes = Vec::new();
    for (k, m) in ms.iter().enumerate() {
        match m.surface {
            "「" | "『" => open = Some(k),
            "」" | "』" => {
                if let Some(o) = open.take() {
                    quotes.push(o..k + 1);
                }
            }
            _ => {}
        }
    }
    // A quotation is mentioned when a particle follows it, or when it is listed right
    // before one that is (「必ず若返る」「副作用なし」といった表現).
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut mentioned = false;
    for (n, q) in quotes.iter().enumerate().rev() {
        let after = ms.get(q.end);
        let next_quote = quotes.get(n + 1).is_some_and(|next| {
            next.start == q.end
                || (next.start == q.end + 1 && matches!(ms[q.end].surface, "、" | "・" | ","))
        });
        mentioned = if next_quote {
            mentioned
        } else {
            after.is_some_and(|a| a.pos == "助詞" || a.base == "など")
        };
        if mentioned {
            spans.push(q.clone());
        }
    }
    for h in hits.iter_mut() {
        if spans
            .iter()
            .any(|q| q.start <= h.toks.start && h.toks.end <= q.end)
        {
            h.dropped = true;
        }
    }
}

/// と思っていた, と考えていた: a thought narrated in the past, not the writer's present
/// opinion.
fn past_thoughts(s: &Prepared, hits: &mut [Hit<'_>]) {
    for h in hits.iter_mut() {
        if &*h.category != "inference"
            || !s.morphs[h.toks.clone()]
                .iter()
                .any(|m| matches!(m.base, "思う" | "考える"))
        {
            continue;
        }
        let past = s.morphs[h.toks.end.min(s.morphs.len())..]
            .iter()
            .take(4)
            .take_while(|m| matches!(m.pos, "助動詞" | "助詞" | "動詞") && m.base != "ます")
            .any(|m| m.is("助動詞", "た"));
        if past
            && !s.morphs[h.toks.clone()]
                .iter()
                .any(|m| m.is("助動詞", "た"))
        {
            h.dropped = true;
        }
    }
}

/// An expectation or report word directly before a topic noun names the topic:
/// 「期待される作用と知っておきたいリスク」 and 「2020年に報告された試験では」 hedge
/// nothing, where 「改善が期待される治療」 does.
fn topic_mentions(s: &Prepared, hits: &mut [Hit<'_>]) {
    for h in hits.iter_mut() {
        if h.stance != CueStance::Hedge || !matches!(&*h.category, "expectation" | "hearsay") {
            continue;
        }
        let mut next = h.toks.end;
        // 期待される効果: past the passive and tense that the pattern left out.
        while s.morphs.get(next).is_some_and(|m| {
            matches!(
                (m.pos, m.base),
                ("助動詞", "た") | ("動詞", "れる" | "られる" | "いる")
            ) || (m.pos == "助詞" && m.base == "て")
        }) {
            next += 1;
        }
        if s.morphs
            .get(next)
            .is_some_and(|m| m.pos == "名詞" && TOPIC_NOUNS.contains(&m.base))
        {
            h.dropped = true;
        }
    }
}

/// Speech reported to the writer (医師に「…」と言われ、) is an event, not hearsay: a
/// 言われる right after a closing quote and not in the ている form of what "is said".
fn reported_speech(s: &Prepared, hits: &mut [Hit<'_>]) {
    for h in hits.iter_mut() {
        if &*h.category != "hearsay" {
            continue;
        }
        let Some(first) = s.morphs.get(h.toks.start) else {
            continue;
        };
        let quoted = h.toks.start > 0
            && matches!(s.morphs[h.toks.start - 1].surface, "」" | "』")
            && first.is("助詞", "と");
        let said = s.morphs[h.toks.clone()].iter().any(|m| m.base == "言う");
        // と言われ、 / と言われて / と言われた: an event; と言われます: what is said.
        let after = &s.morphs[h.toks.end.min(s.morphs.len())..];
        let event = match after.first() {
            None => false,
            Some(m) => {
                matches!(m.surface, "、" | ",")
                    || (m.is("助詞", "て")
                        && !after
                            .get(1)
                            .is_some_and(|n| matches!(n.base, "いる" | "くる")))
                    || m.is("助動詞", "た")
            }
        };
        let also = s.morphs[h.toks.clone()].iter().any(|m| m.is("助詞", "も"));
        if quoted && said && event && !also {
            h.dropped = true;
        }
    }
}

/// でしょう after よい/いい (続けるとよいでしょう) softens advice, not a claim.
fn advice(s: &Prepared, hits: &mut [Hit<'_>]) {
    for h in hits.iter_mut() {
        if &*h.category != "inference" || h.toks.start == 0 {
            continue;
        }
        if s.morphs[h.toks.start - 1].base == "良い" {
            h.dropped = true;
        }
    }
}

/// A request to the reader (必ず医師の指示どおりに服用してください, 安全に取り入れる
/// ポイントを教えてください) tells the reader what to do; it asserts nothing.
fn requests(s: &Prepared, hits: &mut [Hit<'_>]) {
    for h in hits.iter_mut() {
        if h.stance == CueStance::Absolute
            && s.is_request_clause(h.toks.start.min(s.morphs.len().saturating_sub(1)))
        {
            h.dropped = true;
        }
    }
}

/// A hedge covers what comes before it in its clause: a claim (痛みを改善する可能性が
/// ある), an adverbial booster (大幅に軽減したと報告されている) and, under hearsay,
/// everything reported (確認されたという報告) are hedged, not mixed. A booster right
/// before a hedge (極めて稀に) intensifies the hedge.
fn hedged_scope(s: &Prepared, hits: &mut [Hit<'_>]) {
    let hedges: Vec<(u16, usize, bool)> = hits
        .iter()
        .filter(|h| h.stance == CueStance::Hedge && !h.dropped && h.toks.start < s.clause.len())
        .map(|h| {
            (
                s.clause[h.toks.start],
                h.toks.start,
                &*h.category == "hearsay",
            )
        })
        .collect();
    for h in hits.iter_mut() {
        if h.stance != CueStance::Absolute || h.dropped || h.toks.is_empty() {
            continue;
        }
        let Some(&clause) = s.clause.get(h.toks.end - 1) else {
            continue;
        };
        let claim = h.rule != "lexicon";
        let adnominal = |m: &super::sentence::Morph| {
            m.is("助詞", "の") || (m.pos == "助動詞" && m.surface == "な") || m.pos == "連体詞"
        };
        let adverbial = s
            .morphs
            .get(h.toks.end)
            .is_some_and(|n| !n.is_content_noun() && !adnominal(n))
            && !adnominal(&s.morphs[h.toks.end - 1]);
        let covered = hedges.iter().any(|&(c, start, hearsay)| {
            c == clause && start >= h.toks.end && (claim || adverbial || hearsay)
        });
        let intensifies =
            &*h.category == "booster" && hedges.iter().any(|&(_, start, _)| start == h.toks.end);
        if covered || intensifies {
            h.dropped = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::stages::stance::tests::cats;

    #[test]
    fn questions_assert_nothing() {
        assert_eq!(cats("APS療法で変形性膝関節症は完治しますか？").0, "neutral");
        assert_eq!(
            cats("不安になった方もいるのではないでしょうか。").0,
            "neutral"
        );
        // Near miss: a statement before the question still counts.
        assert_eq!(
            cats("「打つと痛みが楽になる」と言われますが、実際の効果はどのくらいなのでしょうか。"),
            ("hedged", vec!["hearsay".into()])
        );
    }

    #[test]
    fn quotations_followed_by_a_particle_are_mentions() {
        assert_eq!(
            cats("「必ず若返る」「副作用なし」といった表現は禁止されています。").0,
            "neutral"
        );
        // Near miss: a testimonial standing alone is the page's claim.
        assert_eq!(
            cats("「左ひざはもう全く痛みません」（60代 女性）").0,
            "absolute"
        );
    }

    #[test]
    fn topics_labels_and_reported_speech_hedge_nothing() {
        assert_eq!(cats("PRP療法で期待できる効果").0, "neutral");
        assert_eq!(cats("再生医療との関係と今後の可能性").0, "neutral");
        assert_eq!(
            cats("たとえば2020年に報告された試験では、64名が飲料を飲み続けました。").0,
            "neutral"
        );
        assert_eq!(
            cats("医師に「注射を打ちましょう」と言われ、その日に施術を受けた。").0,
            "neutral"
        );
        // Near misses: the same words hedging a claim.
        assert_eq!(
            cats("改善が期待できる治療です。"),
            ("hedged", vec!["expectation".into()])
        );
        assert_eq!(
            cats("効果が出る可能性があります。"),
            ("hedged", vec!["possibility".into()])
        );
    }

    #[test]
    fn past_thoughts_advice_and_requests() {
        assert_eq!(
            cats("何か手を打たなきゃと思っていたところでした。").0,
            "neutral"
        );
        assert_eq!(
            cats("月に1回程度のペースで続けるとよいでしょう。").0,
            "neutral"
        );
        assert_eq!(
            cats(
                "飲み方を間違えると重い副作用が出るおそれがあるため、必ず指示どおりに服用してください。"
            ),
            ("hedged", vec!["possibility".into()])
        );
        // Near miss: the writer's present opinion.
        assert_eq!(
            cats("新たな希望になると考えています。"),
            ("hedged", vec!["inference".into()])
        );
    }

    #[test]
    fn a_hedge_covers_what_precedes_it_in_its_clause() {
        assert_eq!(
            cats("肌の乾燥が大幅に軽減したと報告されています。"),
            ("hedged", vec!["hearsay".into()])
        );
        assert_eq!(
            cats("極めて稀に重い副作用が起こることがあります。"),
            ("hedged", vec!["limitation".into(), "limitation".into()])
        );
        // つつ joins two predicates as て does: the hedge covers both.
        assert_eq!(
            cats("そのため、副作用やリスクを抑えつつ、最大限の治療効果が期待できます。"),
            ("hedged", vec!["expectation".into()])
        );
        // Near miss: a claim in a clause of its own.
        assert_eq!(
            cats("還元作用も持っているため、シミを薄くする効果も期待されています。"),
            ("mixed", vec!["efficacy_claim".into(), "expectation".into()])
        );
    }
}
