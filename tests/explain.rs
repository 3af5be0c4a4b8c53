use crate::util::{Workdir, bokashi, ok, repo};

#[test]
fn explain_shows_the_spec_examples_with_their_rules() {
    let work = Workdir::new();
    let out = ok(&work.run(&[
        "explain",
        "「体調が良い。痛みもなくなった」という感想をいただきました。",
        "効果を保証するものではありません。",
        "副作用はありません。",
        "重い副作用の報告はありません。",
        "皮膚の再生を促す",
        "コラーゲンの産生促進",
    ]));
    assert_eq!(
        out,
        "[1] neutral  「体調が良い。痛みもなくなった」という感想をいただきました。\n\
         \x20   (no cue)\n\
         \x20   flag     high   体験談 TEST-QUOTE 「「体調が良い。痛みもなくなった」という感想」\n\
         [2] hedged  効果を保証するものではありません。\n\
         \x20   hedge    disclaimer      「保証するものではありません」 cue=保証するものではない rule=lexicon\n\
         [3] absolute  副作用はありません。\n\
         \x20   absolute safety_claim    「副作用はありません」 cue=副作用 rule=safety\n\
         \x20   flag     medium 虚偽・誇大 FALSE-NORISK 「副作用はありません」\n\
         [4] hedged  重い副作用の報告はありません。\n\
         \x20   hedge    hearsay         「副作用の報告はありません」 cue=副作用 rule=reported_safety\n\
         [5] absolute  皮膚の再生を促す\n\
         \x20   absolute efficacy_claim  「促す」 cue=促す rule=efficacy\n\
         [6] neutral  コラーゲンの産生促進\n\
         \x20   (no cue)\n"
    );
}

#[test]
fn explain_reads_standard_input_and_shows_numbers() {
    let out = bokashi(
        &repo(),
        &["explain"],
        Some("約8割の患者さまが改善を実感しています。\n".as_bytes()),
    );
    assert_eq!(
        ok(&out),
        "[1] absolute  約8割の患者さまが改善を実感しています。\n\
         \x20   absolute efficacy_claim  「実感しています」 cue=実感 rule=efficacy\n\
         \x20   number   「8割」 80 (percent, percent, approx, outcome)\n\
         \x20   flag     medium 根拠要 EVID-OUTCOME 「8割」\n"
    );
}
