//! The page itself: head (inline style), one `<section>` per view, each opening with the
//! CSV it is drawn from, and a few lines of script that only sort tables.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::data::{
    Bar, Bars, Category, Compliance, Cues, Example, FlagCategory, Numbers, Overview, TermBar, Terms,
};
use super::network::{Graph, lean_colour};
use super::{clip, fixed, limits, svg};

/// Everything the page shows, gathered from the tables.
pub(crate) struct Page {
    pub(crate) overview: Overview,
    pub(crate) documents: Bars,
    pub(crate) groups: Bars,
    pub(crate) cues: Cues,
    pub(crate) terms: Terms,
    pub(crate) graph: Graph,
    /// Pairs that qualified for the network (cooc ≥ the minimum).
    pub(crate) pairs: u64,
    pub(crate) numbers: Numbers,
    pub(crate) compliance: Compliance,
}

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

impl Page {
    pub(crate) fn render(&self) -> Markup {
        html! {
            (DOCTYPE)
            html lang="ja" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "bokashi report" }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    header {
                        h1 { "bokashi report" }
                        p.lead {
                            "Drawn from the CSV tables in this folder; each section names its table, "
                            "where every figure can be checked and every row is. Lists are cut to the "
                            "top entries (the counts say how many there were)."
                        }
                        nav {
                            a href="#overview" { "Overview" } a href="#stance" { "Stance" }
                            a href="#cues" { "Cues" } a href="#terms" { "Terms" }
                            a href="#network" { "Network" } a href="#numbers" { "Numbers" }
                            a href="#compliance" { "Compliance" }
                        }
                    }
                    main {
                        (self.overview())
                        (self.stance())
                        (self.cues())
                        (self.terms())
                        (self.network())
                        (self.numbers())
                        (self.compliance())
                    }
                    script { (PreEscaped(SCRIPT)) }
                }
            }
        }
    }

    fn overview(&self) -> Markup {
        let o = &self.overview;
        let per_1k = |n: u64| {
            if o.tokens == 0 {
                0.0
            } else {
                1000.0 * n as f64 / o.tokens as f64
            }
        };
        let corpus = Bars {
            bars: vec![Bar {
                label: "corpus".to_string(),
                stance: o.stance,
                hedge_per_1k: per_1k(o.hedge_cues),
                absolute_per_1k: per_1k(o.absolute_cues),
                p_value: None,
            }],
            total: 1,
        };
        let all: u64 = o.stance.iter().sum();
        html! {
            section #overview {
                h2 { "Overview" }
                (source(&["documents.csv", "skipped.csv", "manifest.json"]))
                dl.figures {
                    (figure("documents", o.documents)) (figure("sentences", o.sentences))
                    (figure("tokens", o.tokens)) (figure("skipped inputs", o.skipped))
                    (figure("hedge cues", o.hedge_cues)) (figure("absolute cues", o.absolute_cues))
                }
                p {
                    "Of " (all) " sentences: "
                    @for (i, ((name, _), n)) in svg::STANCE.iter().zip(o.stance).enumerate() {
                        @if i > 0 { ", " }
                        strong { (share(n, all)) } " " (name)
                    }
                    "."
                }
                (svg::legend())
                (svg::stacked(&corpus, "corpus"))
                @if let Some(m) = &o.manifest { (run_facts(m)) }
            }
        }
    }

    fn stance(&self) -> Markup {
        let (docs, groups) = (&self.documents, &self.groups);
        html! {
            section #stance {
                h2 { "Hedged and absolute sentences" }
                p {
                    "Each bar splits the sentences of a group or document by stance; bars are "
                    "sorted by their share of absolute sentences. On the right: that share, then "
                    "hedge and absolute cues per 1,000 tokens; for a group, the p-value of the "
                    "chi-square test of its stance mix against the rest (small: the mix differs)."
                }
                (svg::legend())
                @if !groups.bars.is_empty() {
                    h3 { "Per group" }
                    (source(&["groups.csv"]))
                    (shown(groups.bars.len(), groups.total, "groups"))
                    (svg::stacked(groups, "group"))
                }
                h3 { "Per document" }
                (source(&["documents.csv"]))
                (shown(docs.bars.len(), docs.total, "documents, the highest absolute shares"))
                (svg::stacked(docs, "document"))
            }
        }
    }

    fn cues(&self) -> Markup {
        html! {
            section #cues {
                h2 { "Cues: the words that make a sentence hedged or absolute" }
                (source(&["stance_summary.csv", "cues.csv", "sentences.csv"]))
                p {
                    "Per category (by count), its " (limits::CUES_PER_CATEGORY) " most frequent cues, "
                    "each with its count, the documents it is in and up to " (limits::EXAMPLES)
                    " sentences from different documents (document and sentence number)."
                }
                div.columns {
                    div { h3.hedge { "Hedge" } @for c in &self.cues.hedge { (category(c)) } }
                    div { h3.absolute { "Absolute" } @for c in &self.cues.absolute { (category(c)) } }
                }
            }
        }
    }

    fn terms(&self) -> Markup {
        let t = &self.terms;
        let chart = |title: &str, file: &str, items: &[TermBar], colour: &str, decimals| {
            html! {
                figure {
                    figcaption { (title) " " (source_inline(file)) }
                    (svg::hbars(items, colour, decimals, title))
                }
            }
        };
        html! {
            section #terms {
                h2 { "Terms" }
                p {
                    "The " (limits::TERMS) " most frequent terms and the " (limits::TERMS)
                    " with the highest FLR (a compound's importance from the words it joins); the "
                    (limits::STANCE_TERMS) " terms most associated with hedged and with absolute "
                    "sentences (log-odds z with an informative prior; cue words left out)."
                }
                div.grid {
                    (chart("By frequency", "terms.csv", &t.by_freq, "#777777", 0))
                    (chart("By FLR", "terms.csv", &t.by_flr, "#228833", 1))
                    (chart("Leaning hedged (z)", "stance_terms.csv", &t.hedged, svg::STANCE[2].1, 2))
                    (chart("Leaning absolute (−z)", "stance_terms.csv", &t.absolute, svg::STANCE[0].1, 2))
                }
            }
        }
    }

    fn network(&self) -> Markup {
        let unit = self
            .overview
            .manifest
            .as_ref()
            .and_then(|m| m["options"]["cooc_unit"].as_str())
            .unwrap_or("sentence")
            .to_string();
        html! {
            section #network {
                h2 { "Co-occurrence network" }
                (source(&["cooccurrence.csv", "terms.csv", "stance_terms.csv"]))
                p {
                    "Of the " (limits::NETWORK_TERMS) " most frequent terms (terms.csv), the "
                    (self.graph.edges.len()) " pairs with the highest Jaccard coefficient among the "
                    (self.pairs) " pairs found together in at least " (limits::NETWORK_MIN_COOC) " "
                    (unit) "s. Line width: Jaccard. Circle area: the " (unit) "s a term is in. "
                    "Colour: the term's lean in stance_terms.csv, "
                    span.key { span.swatch style=(format!("background:{}", lean_colour(Some(3.0)))) {} "hedged" }
                    span.key { span.swatch style=(format!("background:{}", lean_colour(Some(0.0)))) {} "neither" }
                    span.key { span.swatch style=(format!("background:{}", lean_colour(Some(-3.0)))) {} "absolute" }
                    " (full colour at |z| ≥ 2; white: in no hedged or absolute sentence). "
                    "Layout: stress majorization (distances on the page follow distances in the graph), computed by bokashi, the same on every run."
                }
                @if self.graph.nodes.is_empty() {
                    p.empty { "No pair co-occurs often enough for a network." }
                } @else {
                    (self.graph.draw())
                }
            }
        }
    }

    fn numbers(&self) -> Markup {
        let n = &self.numbers;
        let kinds: Vec<TermBar> = n
            .by_kind
            .iter()
            .map(|(k, c)| TermBar {
                term: k.clone(),
                value: *c as f64,
                note: share(*c, n.total),
            })
            .collect();
        html! {
            section #numbers {
                h2 { "Numbers" }
                (source(&["numbers.csv", "sentences.csv"]))
                p { (n.total) " numeric expressions (dates, phone numbers and list numbering are not counted as claims)." }
                div.grid {
                    figure {
                        figcaption { "By kind" }
                        (svg::hbars(&kinds, "#CCBB44", 0, "numbers by kind"))
                    }
                    figure {
                        figcaption { "By unit (the " (limits::UNITS) " most frequent)" }
                        table.sortable {
                            thead { tr { th { "kind" } th { "unit" } th.n { "count" } } }
                            tbody {
                                @for (k, u, c) in &n.by_unit { tr { td { (k) } td { (u) } td.n { (c) } } }
                            }
                        }
                    }
                }
                h3 { "Outcome claims" }
                (shown(n.outcomes.len(), n.outcomes_total, "outcome figures (満足度, 改善率 …), in document order"))
                (outcomes(n))
            }
        }
    }
}

impl Page {
    fn compliance(&self) -> Markup {
        let c = &self.compliance;
        let docs = self.overview.documents;
        html! {
            section #compliance {
                h2 { "Compliance: wording to review, disclosures to check" }
                (source(&["flags.csv", "disclosures.csv", "documents.csv"]))
                p.notice {
                    strong { "For human review, not a legal verdict. " }
                    "A flag marks wording the Medical Advertising Guidelines (医療広告ガイドライン) "
                    "restrict, found by the rules of dict/compliance_rules.tsv (each row of flags.csv "
                    "names its rule and the guideline it rests on); whether a page breaks them depends "
                    "on what it is and what else it says. A disclosure item counts as stated when a "
                    "sentence names it: presence, not adequacy, and it may be on another page."
                }
                p { (c.flags) " flags in " (c.categories.len()) " categories; "
                    (c.gap_documents) " of " (docs) " documents miss at least one required item." }
                @if !c.categories.is_empty() {
                    h3 { "Flags by category" }
                    table.sortable {
                        thead { tr { th { "category" } th.n { "high" } th.n { "medium" } th.n { "low" } th.n { "documents" } th { "most frequent wording" } } }
                        tbody {
                            @for cat in &c.categories {
                                tr {
                                    td { (clip(&cat.name, 40)) }
                                    @for n in cat.severity { td.n { (n) } }
                                    td.n { (cat.documents) }
                                    td { @for (i, (w, n)) in cat.wording.iter().enumerate() {
                                        @if i > 0 { "、" } (clip(w, 24)) " " span.count { (n) }
                                    } }
                                }
                            }
                        }
                    }
                    p.shown { "Per category, the first flagged sentence of up to " (limits::FLAG_EXAMPLES) " documents (rule and severity before it)." }
                    @for cat in &c.categories { (flag_category(cat)) }
                }
                h3 { "Required items not stated" }
                table.sortable {
                    thead { tr { th { "item" } th.n { "required of" } th.n { "not stated in" } } }
                    tbody { @for (item, required, missing) in &c.items {
                        tr { td { (clip(item, 40)) } td.n { (required) } td.n { (missing) } }
                    } }
                }
                (shown(c.gaps.len(), c.gap_documents, "documents with a gap, the most items missing first"))
                table.sortable {
                    thead { tr { th { "document" } th.n { "missing" } th.n { "required" } th { "items not stated" } } }
                    tbody { @for g in &c.gaps {
                        tr { td { (clip(&g.doc, 40)) } td.n { (g.missing.len()) } td.n { (g.required) } td { (g.missing.join("、")) } }
                    } }
                }
            }
        }
    }
}

fn flag_category(cat: &FlagCategory) -> Markup {
    html! {
        div.category {
            h4 { (clip(&cat.name, 40)) span.count { " " (cat.severity.iter().sum::<u64>()) } }
            @for f in &cat.examples {
                p.example {
                    span.severity.(f.severity) { (f.severity) } " " code { (f.rule_id) } " "
                    (highlight(&f.example))
                }
            }
        }
    }
}

fn outcomes(n: &Numbers) -> Markup {
    html! {
        table.sortable.quotes {
            thead { tr { th { "document" } th.n { "sentence" } th { "figure" } th { "stance" } th { "sentence as written" } } }
            tbody {
                @for o in &n.outcomes {
                    tr {
                        td { (clip(&o.example.doc, 40)) }
                        td.n { (o.example.sentence_no) }
                        td { (clip(&o.example.surface, 30)) }
                        td { (o.stance) }
                        td { (highlight(&o.example)) }
                    }
                }
            }
        }
    }
}

fn category(c: &Category) -> Markup {
    html! {
        div.category {
            h4 { (c.name) span.count { " " (c.freq) } }
            @for cue in &c.cues {
                div.cue {
                    p {
                        strong { (clip(&cue.cue, 30)) }
                        span.count { " " (cue.freq) " times, " (cue.doc_freq) " " (plural(cue.doc_freq, "document")) }
                    }
                    @for e in &cue.examples { p.example { (highlight(e)) } }
                }
            }
        }
    }
}

/// The sentence around the example's words, those words marked, with its place.
fn highlight(e: &Example) -> Markup {
    const BEFORE: usize = 40;
    const AFTER: usize = 60;
    let (pre, hit, post) = match e
        .text
        .find(e.surface.as_str())
        .filter(|_| !e.surface.is_empty())
    {
        Some(at) => (
            &e.text[..at],
            &e.text[at..at + e.surface.len()],
            &e.text[at + e.surface.len()..],
        ),
        None => ("", "", e.text.as_str()),
    };
    let pre_chars = pre.chars().count();
    let pre: String = if pre_chars > BEFORE {
        let cut: String = pre.chars().skip(pre_chars - BEFORE + 1).collect();
        format!("…{cut}")
    } else {
        pre.to_string()
    };
    html! {
        span.where { (clip(&e.doc, 40)) " #" (e.sentence_no) } " "
        (pre) mark { (clip(hit, 40)) } (clip(post, AFTER))
    }
}

/// "From `a.csv`, `b.csv`": where the section's figures are.
fn source(files: &[&str]) -> Markup {
    html! {
        p.source { "From " @for (i, f) in files.iter().enumerate() { @if i > 0 { ", " } code { (f) } } }
    }
}

fn source_inline(file: &str) -> Markup {
    html! { span.source { "(" code { (file) } ")" } }
}

/// "Showing 60 of 2,000 documents": how much of the table a chart shows.
fn shown(shown: usize, total: u64, what: &str) -> Markup {
    html! { p.shown { "Showing " (shown) " of " (total) " " (what) "." } }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn figure(name: &str, n: u64) -> Markup {
    html! { div { dt { (name) } dd { (n) } } }
}

/// `n` of `all` as a percentage with one decimal.
fn share(n: u64, all: u64) -> String {
    let s = if all == 0 {
        0.0
    } else {
        100.0 * n as f64 / all as f64
    };
    format!("{}%", fixed(s, 1))
}

/// The run's version, dictionary, files and options (`manifest.json`), nested options
/// (the table minimums) flattened, an unset option as a dash.
fn run_facts(m: &serde_json::Value) -> Markup {
    use serde_json::Value;
    fn text(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => "—".to_string(),
            Value::Array(a) if a.is_empty() => "—".to_string(),
            Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        }
    }
    let file = |k: &str| {
        let digest: String = text(&m[k]["blake3"]).chars().take(12).collect();
        format!("{} (BLAKE3 {digest}…)", text(&m[k]["name"]))
    };
    let mut rows = vec![
        ("bokashi".to_string(), text(&m["bokashi"])),
        ("lindera".to_string(), text(&m["lindera"])),
        ("dictionary".to_string(), file("dictionary")),
        ("lexicon".to_string(), file("lexicon")),
        ("claim words".to_string(), file("claim_words")),
        ("stopwords".to_string(), file("stopwords")),
        ("compliance rules".to_string(), file("compliance_rules")),
    ];
    let mut options: Vec<(&String, &Value)> = Vec::new();
    for (k, v) in m["options"].as_object().into_iter().flatten() {
        match v.as_object() {
            Some(inner) => options.extend(inner.iter()),
            None => options.push((k, v)),
        }
    }
    for (k, v) in options {
        rows.push((k.replace('_', " "), clip(&text(v), 80)));
    }
    html! {
        details open {
            summary { "Run: version, dictionary, options" }
            table.facts { tbody { @for (k, v) in &rows { tr { th { (k) } td { (v) } } } } }
        }
    }
}
