//! Pass 4: what looks like a cue but neither hedges nor asserts here.

use super::Hit;
use super::sentence::Sentence;
use crate::lexicon::CueStance;

/// Nouns that an expectation or report word names as a topic rather than hedging a
/// claim: 期待される効果, 期待できること, 報告された試験.
const TOPIC_NOUNS: [&str; 11] = [
    "効果", "作用", "効能", "こと", "メリット", "働き", "結果", "試験", "研究", "臨床研究", "論文",
];

pub fn apply(s: &Sentence, hits: &mut Vec<Hit>) {
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
fn question(s: &Sentence, hits: &mut [Hit]) {
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
fn labels(s: &Sentence, hits: &mut [Hit]) {
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
fn quoted(s: &Sentence, hits: &mut [Hit]) {
    let ms = &s.morphs;
    let mut open: Option<usize> = None;
    let mut spans = Vec::new();
    for (k, m) in ms.iter().enumerate() {
        match m.surface {
            "「" | "『" => open = Some(k),
            "」" | "』" => {
                if let Some(o) = open.take()
                    && ms.get(k + 1).is_some_and(|n| n.pos == "助詞" || n.base == "など")
                {
                    spans.push(o..k + 1);
                }
            }
            _ => {}
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
fn past_thoughts(s: &Sentence, hits: &mut [Hit]) {
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
        if past && !s.morphs[h.toks.clone()].iter().any(|m| m.is("助動詞", "た")) {
            h.dropped = true;
        }
    }
}

/// An expectation or report word directly before a topic noun names the topic:
/// 「期待される作用と知っておきたいリスク」 and 「2020年に報告された試験では」 hedge
/// nothing, where 「改善が期待される治療」 does.
fn topic_mentions(s: &Sentence, hits: &mut [Hit]) {
    for h in hits.iter_mut() {
        if h.stance != CueStance::Hedge || !matches!(&*h.category, "expectation" | "hearsay") {
            continue;
        }
        let mut next = h.toks.end;
        // 期待される効果: past the passive and tense that the pattern left out.
        while s
            .morphs
            .get(next)
            .is_some_and(|m| matches!((m.pos, m.base), ("助動詞", "た") | ("動詞", "れる" | "られる" | "いる")) || (m.pos == "助詞" && m.base == "て"))
        {
            next += 1;
        }
        if s
            .morphs
            .get(next)
            .is_some_and(|m| m.pos == "名詞" && TOPIC_NOUNS.contains(&m.base))
        {
            h.dropped = true;
        }
    }
}

/// Speech reported to the writer (医師に「…」と言われ、) is an event, not hearsay: a
/// 言われる right after a closing quote and not in the ている form of what "is said".
fn reported_speech(s: &Sentence, hits: &mut [Hit]) {
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
                    || (m.is("助詞", "て") && !after.get(1).is_some_and(|n| matches!(n.base, "いる" | "くる")))
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
fn advice(s: &Sentence, hits: &mut [Hit]) {
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
fn requests(s: &Sentence, hits: &mut [Hit]) {
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
fn hedged_scope(s: &Sentence, hits: &mut [Hit]) {
    let hedges: Vec<(u16, usize, bool)> = hits
        .iter()
        .filter(|h| h.stance == CueStance::Hedge && !h.dropped && h.toks.start < s.clause.len())
        .map(|h| (s.clause[h.toks.start], h.toks.start, &*h.category == "hearsay"))
        .collect();
    for h in hits.iter_mut() {
        if h.stance != CueStance::Absolute || h.dropped || h.toks.is_empty() {
            continue;
        }
        let Some(&clause) = s.clause.get(h.toks.end - 1) else {
            continue;
        };
        let claim = h.rule != "lexicon";
        let adverbial = s
            .morphs
            .get(h.toks.end)
            .is_some_and(|n| !n.is_content_noun())
            && !s.morphs[h.toks.end - 1].is("助詞", "の")
            && s.morphs[h.toks.end - 1].surface != "な";
        let covered = hedges.iter().any(|&(c, start, hearsay)| {
            c == clause && start >= h.toks.end && (claim || adverbial || hearsay)
        });
        let intensifies = &*h.category == "booster"
            && hedges.iter().any(|&(_, start, _)| start == h.toks.end);
        if covered || intensifies {
            h.dropped = true;
        }
    }
}
