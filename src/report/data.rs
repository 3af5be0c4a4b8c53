//! What each section of the report shows, gathered from the tables: every figure is read
//! from a CSV of the same run (named in the section), never recomputed from text, so the
//! page and the tables cannot disagree.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;

use super::limits;
use super::read::{Score, Tables, Top, Wanted};

/// Sentences by stance, in the order the bars draw them: absolute, mixed, hedged, neutral.
pub(crate) type StanceCounts = [u64; 4];

/// The corpus in figures (`documents.csv`, `skipped.csv`, `manifest.json`).
#[derive(Default)]
pub(crate) struct Overview {
    pub(crate) documents: u64,
    pub(crate) sentences: u64,
    pub(crate) tokens: u64,
    pub(crate) stance: StanceCounts,
    pub(crate) hedge_cues: u64,
    pub(crate) absolute_cues: u64,
    pub(crate) skipped: u64,
    pub(crate) manifest: Option<serde_json::Value>,
}

/// One bar of the per-document or per-group chart.
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) stance: StanceCounts,
    pub(crate) hedge_per_1k: f64,
    pub(crate) absolute_per_1k: f64,
    /// A group's chi-square p-value against the rest (`groups.csv`), when there is one.
    pub(crate) p_value: Option<f64>,
}

impl Bar {
    fn from_row(r: &super::read::Row, label_col: &str) -> Bar {
        Bar {
            label: r.get(label_col).to_string(),
            stance: [
                r.count("absolute_sentences"),
                r.count("mixed_sentences"),
                r.count("hedged_sentences"),
                r.count("neutral_sentences"),
            ],
            hedge_per_1k: r.score("hedge_per_1k_tokens").unwrap_or(0.0),
            absolute_per_1k: r.score("absolute_per_1k_tokens").unwrap_or(0.0),
            p_value: None,
        }
    }

    /// Absolute sentences over all sentences: the bars' order.
    pub(crate) fn absolute_share(&self) -> f64 {
        let all: u64 = self.stance.iter().sum();
        if all == 0 {
            0.0
        } else {
            self.stance[0] as f64 / all as f64
        }
    }
}

// Bars are ordered by absolute share, then by label (reversed, so that of equal shares
// the first label comes first in a greatest-first list).
impl Ord for Bar {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        Score(self.absolute_share())
            .cmp(&Score(other.absolute_share()))
            .then_with(|| other.label.cmp(&self.label))
    }
}
impl PartialOrd for Bar {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Bar {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Bar {}

/// Bars sorted by absolute share (desc), then label; `total` is how many there were.
pub(crate) struct Bars {
    pub(crate) bars: Vec<Bar>,
    pub(crate) total: u64,
}

fn select(top: Top<Bar>) -> Bars {
    let total = top.seen();
    Bars {
        bars: top.into_sorted(),
        total,
    }
}

/// The overview and the per-document bars: one pass over `documents.csv`.
pub(crate) fn documents(t: &Tables) -> Result<(Overview, Bars)> {
    let mut o = Overview::default();
    let mut top = Top::new(limits::DOCUMENTS);
    t.each("documents.csv", |r| {
        let bar = Bar::from_row(r, "doc");
        o.documents += 1;
        o.sentences += r.count("sentences");
        o.tokens += r.count("tokens");
        o.hedge_cues += r.count("hedge_cues");
        o.absolute_cues += r.count("absolute_cues");
        for (sum, n) in o.stance.iter_mut().zip(bar.stance) {
            *sum += n;
        }
        top.push(bar);
    })?;
    t.each("skipped.csv", |_| o.skipped += 1)?;
    let manifest = t.dir.join("manifest.json");
    o.manifest = std::fs::read(&manifest)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    Ok((o, select(top)))
}

/// The per-group bars (`groups.csv`); none when the corpus has only the empty group.
pub(crate) fn groups(t: &Tables) -> Result<Bars> {
    let mut top = Top::new(limits::GROUPS);
    let mut named = false;
    t.each("groups.csv", |r| {
        named |= !r.get("group").is_empty();
        // (documents.csv may hold a document variable of any name: only groups.csv's
        // p_value is one.)
        let mut bar = Bar::from_row(r, "group");
        bar.p_value = r.score("p_value");
        top.push(bar);
    })?;
    if !named {
        return Ok(Bars {
            bars: Vec::new(),
            total: 0,
        });
    }
    Ok(select(top))
}

/// A sentence quoted as evidence: where it is, and the words to highlight.
pub(crate) struct Example {
    pub(crate) doc: String,
    pub(crate) sentence_no: u64,
    pub(crate) surface: String,
    pub(crate) text: String,
}

impl Example {
    fn new(doc: &str, sentence_no: u64, surface: &str) -> Example {
        Example {
            doc: doc.to_string(),
            sentence_no,
            surface: surface.to_string(),
            text: String::new(),
        }
    }
}

/// A cue with its corpus count and the first sentences that use it (distinct documents
/// first).
pub(crate) struct Cue {
    pub(crate) cue: String,
    pub(crate) freq: u64,
    pub(crate) doc_freq: u64,
    pub(crate) examples: Vec<Example>,
}

/// A category of one stance: its total count and its top cues.
pub(crate) struct Category {
    pub(crate) name: String,
    pub(crate) freq: u64,
    pub(crate) cues: Vec<Cue>,
}

/// The cue section: categories per stance (hedge, absolute), by count.
pub(crate) struct Cues {
    pub(crate) hedge: Vec<Category>,
    pub(crate) absolute: Vec<Category>,
}

/// Cues from `stance_summary.csv` (corpus level), examples from `cues.csv`.
pub(crate) fn cues(t: &Tables, wanted: &mut Wanted) -> Result<Cues> {
    // (stance, category) → (total, top cues by freq desc, cue asc)
    type Tops = Top<(u64, Reverse<String>, u64)>;
    let mut cats: BTreeMap<(String, String), (u64, Tops)> = BTreeMap::new();
    t.each("stance_summary.csv", |r| {
        if r.get("level") != "corpus" {
            return;
        }
        let key = (r.get("stance").to_string(), r.get("category").to_string());
        let (total, top) = cats
            .entry(key)
            .or_insert_with(|| (0, Top::new(limits::CUES_PER_CATEGORY)));
        let freq = r.count("freq");
        *total += freq;
        top.push((freq, Reverse(r.get("cue").to_string()), r.count("doc_freq")));
    })?;
    let mut out = Cues {
        hedge: Vec::new(),
        absolute: Vec::new(),
    };
    // (stance, category, cue) → its place in `out`.
    let mut index: HashMap<(String, String, String), (bool, usize, usize)> = HashMap::new();
    for ((stance, category), (freq, top)) in cats {
        let hedge = stance == "hedge";
        let list = if hedge {
            &mut out.hedge
        } else {
            &mut out.absolute
        };
        let cues: Vec<Cue> = top
            .into_sorted()
            .into_iter()
            .map(|(freq, Reverse(cue), doc_freq)| Cue {
                cue,
                freq,
                doc_freq,
                examples: Vec::new(),
            })
            .collect();
        for (i, c) in cues.iter().enumerate() {
            let key = (stance.clone(), category.clone(), c.cue.clone());
            index.insert(key, (hedge, list.len(), i));
        }
        list.push(Category {
            name: category,
            freq,
            cues,
        });
    }
    for list in [&mut out.hedge, &mut out.absolute] {
        list.sort_by(|a, b| b.freq.cmp(&a.freq).then_with(|| a.name.cmp(&b.name)));
    }
    examples(t, &mut out, &index, wanted)?;
    Ok(out)
}

/// The first examples of each shown cue in `cues.csv` (document order): one per document
/// until there are enough, so that one page's repetition does not fill the list.
fn examples(
    t: &Tables,
    out: &mut Cues,
    index: &HashMap<(String, String, String), (bool, usize, usize)>,
    wanted: &mut Wanted,
) -> Result<()> {
    // Re-index by position after sorting the categories.
    let mut place: HashMap<(bool, String, String), (usize, usize)> = HashMap::new();
    for (hedge, list) in [(true, &out.hedge), (false, &out.absolute)] {
        for (ci, cat) in list.iter().enumerate() {
            for (i, cue) in cat.cues.iter().enumerate() {
                place.insert((hedge, cat.name.clone(), cue.cue.clone()), (ci, i));
            }
        }
    }
    let mut key = (String::new(), String::new(), String::new());
    t.each("cues.csv", |r| {
        key.0.clear();
        key.0.push_str(r.get("stance"));
        key.1.clear();
        key.1.push_str(r.get("category"));
        key.2.clear();
        key.2.push_str(r.get("cue"));
        let Some(&(hedge, _, _)) = index.get(&key) else {
            return;
        };
        let Some(&(ci, i)) = place.get(&(hedge, key.1.clone(), key.2.clone())) else {
            return;
        };
        let list = if hedge {
            &mut out.hedge
        } else {
            &mut out.absolute
        };
        let ex = &mut list[ci].cues[i].examples;
        let doc = r.get("doc");
        if ex.len() < limits::EXAMPLES && ex.iter().all(|e| e.doc != doc) {
            ex.push(Example::new(doc, r.count("sentence_no"), r.get("surface")));
        }
    })?;
    for list in [&out.hedge, &out.absolute] {
        for e in list.iter().flat_map(|c| &c.cues).flat_map(|c| &c.examples) {
            wanted.add(&e.doc, e.sentence_no);
        }
    }
    Ok(())
}

/// A term and a figure for a bar chart.
pub(crate) struct TermBar {
    pub(crate) term: String,
    pub(crate) value: f64,
    /// A second figure shown in the tooltip (document frequency, the other count).
    pub(crate) note: String,
}

/// The term section: by frequency and FLR (`terms.csv`), and the terms leaning hedged
/// and absolute (`stance_terms.csv`).
pub(crate) struct Terms {
    pub(crate) by_freq: Vec<TermBar>,
    pub(crate) by_flr: Vec<TermBar>,
    pub(crate) hedged: Vec<TermBar>,
    pub(crate) absolute: Vec<TermBar>,
    /// z of every term of the network, for its node colour.
    pub(crate) lean: HashMap<String, f64>,
    /// The terms the network may draw: the most frequent.
    pub(crate) network: HashSet<String>,
}

type TermTop = Top<(Score, Reverse<String>, String)>;

fn bars(top: TermTop) -> Vec<TermBar> {
    top.into_sorted()
        .into_iter()
        .map(|(value, Reverse(term), note)| TermBar {
            term,
            value: value.0,
            note,
        })
        .collect()
}

/// The term rankings, the network's candidate terms (the most frequent) and their lean.
pub(crate) fn terms(t: &Tables) -> Result<Terms> {
    let (mut freq, mut flr): (TermTop, TermTop) = (
        Top::new(limits::TERMS.max(limits::NETWORK_TERMS)),
        Top::new(limits::TERMS),
    );
    t.each("terms.csv", |r| {
        let term = || Reverse(r.get("term").to_string());
        let note = format!("{} documents", r.count("doc_freq"));
        freq.push((Score(r.count("freq") as f64), term(), note.clone()));
        if let Some(v) = r.score("flr") {
            flr.push((Score(v), term(), note));
        }
    })?;
    let mut by_freq = bars(freq);
    let network: HashSet<String> = by_freq
        .iter()
        .take(limits::NETWORK_TERMS)
        .map(|b| b.term.clone())
        .collect();
    by_freq.truncate(limits::TERMS);
    let (mut hedged, mut absolute): (TermTop, TermTop) = (
        Top::new(limits::STANCE_TERMS),
        Top::new(limits::STANCE_TERMS),
    );
    // A term's lean: the z of its most frequent (term, pos) row.
    let mut lean: HashMap<String, (u64, f64)> = HashMap::new();
    t.each("stance_terms.csv", |r| {
        let Some(z) = r.score("z") else { return };
        let (h, a) = (r.count("hedged_freq"), r.count("absolute_freq"));
        let term = r.get("term");
        let note = format!("hedged {h}, absolute {a}");
        if z > 0.0 {
            hedged.push((Score(z), Reverse(term.to_string()), note));
        } else if z < 0.0 {
            absolute.push((Score(-z), Reverse(term.to_string()), note));
        }
        if network.contains(term) {
            let e = lean.entry(term.to_string()).or_insert((0, 0.0));
            if h + a > e.0 {
                *e = (h + a, z);
            }
        }
    })?;
    Ok(Terms {
        by_freq,
        by_flr: bars(flr),
        hedged: bars(hedged),
        absolute: bars(absolute),
        lean: lean.into_iter().map(|(k, (_, z))| (k, z)).collect(),
        network,
    })
}

/// An edge of the co-occurrence network, with its terms' unit counts.
pub(crate) struct Edge {
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) cooc: u64,
    pub(crate) jaccard: f64,
    pub(crate) freq_a: u64,
    pub(crate) freq_b: u64,
}

/// The strongest pairs by Jaccard (`cooccurrence.csv`) among those of two of the most
/// frequent `terms` in at least [`limits::NETWORK_MIN_COOC`] units, as KH Coder draws
/// it (rare terms would otherwise fill the picture with pairs of Jaccard 1), and how many
/// pairs qualified.
pub(crate) fn network(t: &Tables, terms: &HashSet<String>) -> Result<(Vec<Edge>, u64)> {
    type Key = (Score, u64, Reverse<String>, Reverse<String>);
    let mut top: Top<(Key, u64, u64)> = Top::new(limits::EDGES);
    t.each("cooccurrence.csv", |r| {
        let cooc = r.count("cooc");
        if cooc < limits::NETWORK_MIN_COOC
            || !terms.contains(r.get("term_a"))
            || !terms.contains(r.get("term_b"))
        {
            return;
        }
        let key = (
            Score(r.score("jaccard").unwrap_or(0.0)),
            cooc,
            Reverse(r.get("term_a").to_string()),
            Reverse(r.get("term_b").to_string()),
        );
        top.push((key, r.count("freq_a"), r.count("freq_b")));
    })?;
    let seen = top.seen();
    let edges = top
        .into_sorted()
        .into_iter()
        .map(|((j, cooc, Reverse(a), Reverse(b)), freq_a, freq_b)| Edge {
            a,
            b,
            cooc,
            jaccard: j.0,
            freq_a,
            freq_b,
        })
        .collect();
    Ok((edges, seen))
}

/// An outcome claim (`claim` = outcome in `numbers.csv`) and its sentence.
pub(crate) struct Outcome {
    pub(crate) example: Example,
    pub(crate) stance: String,
}

/// The number section: counts by kind and by unit, and the outcome claims.
pub(crate) struct Numbers {
    pub(crate) total: u64,
    pub(crate) by_kind: Vec<(String, u64)>,
    /// (kind, unit, count), by count.
    pub(crate) by_unit: Vec<(String, String, u64)>,
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) outcomes_total: u64,
}

pub(crate) fn numbers(t: &Tables, wanted: &mut Wanted) -> Result<Numbers> {
    let mut n = Numbers {
        total: 0,
        by_kind: Vec::new(),
        by_unit: Vec::new(),
        outcomes: Vec::new(),
        outcomes_total: 0,
    };
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut units: BTreeMap<(String, String), u64> = BTreeMap::new();
    t.each("numbers.csv", |r| {
        n.total += 1;
        let kind = r.get("kind");
        *kinds.entry(kind.to_string()).or_default() += 1;
        let unit = r.get("unit");
        if !unit.is_empty() {
            *units
                .entry((kind.to_string(), unit.to_string()))
                .or_default() += 1;
        }
        if r.get("claim") == "outcome" {
            n.outcomes_total += 1;
            if n.outcomes.len() < limits::OUTCOMES {
                n.outcomes.push(Outcome {
                    example: Example::new(r.get("doc"), r.count("sentence_no"), r.get("surface")),
                    stance: r.get("stance").to_string(),
                });
            }
        }
    })?;
    n.by_kind = kinds.into_iter().collect();
    n.by_kind
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut units: Vec<_> = units.into_iter().map(|((k, u), c)| (k, u, c)).collect();
    units.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    units.truncate(limits::UNITS);
    n.by_unit = units;
    for o in &n.outcomes {
        wanted.add(&o.example.doc, o.example.sentence_no);
    }
    Ok(n)
}

/// Fill every example's text from the sentences found.
pub(crate) fn fill<'e>(
    examples: impl Iterator<Item = &'e mut Example>,
    texts: &HashMap<(String, u64), String>,
) {
    for e in examples {
        if let Some(text) = texts.get(&(e.doc.clone(), e.sentence_no)) {
            e.text.clone_from(text);
        }
    }
}

/// A flagged sentence shown as evidence, with its rule.
pub(crate) struct Flagged {
    pub(crate) example: Example,
    pub(crate) rule_id: String,
    pub(crate) severity: String,
}

/// One compliance category: its flags by severity (high, medium, low), the documents
/// with any, its most frequent wording and the first flagged sentences.
pub(crate) struct FlagCategory {
    pub(crate) name: String,
    pub(crate) severity: [u64; 3],
    pub(crate) documents: u64,
    pub(crate) wording: Vec<(String, u64)>,
    pub(crate) examples: Vec<Flagged>,
}

/// A document's disclosure gaps.
pub(crate) struct Gap {
    pub(crate) doc: String,
    pub(crate) required: u64,
    pub(crate) missing: Vec<String>,
}

/// The compliance section: flags by category (`flags.csv`), items missing by item and by
/// document (`disclosures.csv`, `documents.csv`).
pub(crate) struct Compliance {
    pub(crate) flags: u64,
    pub(crate) categories: Vec<FlagCategory>,
    /// (item, documents required to state it, documents that do not).
    pub(crate) items: Vec<(String, u64, u64)>,
    pub(crate) gaps: Vec<Gap>,
    /// Documents missing at least one item.
    pub(crate) gap_documents: u64,
}

/// Distinct flagged wordings counted per category, at most (a regex rule flags every
/// testimonial as its own wording).
const WORDINGS: usize = 10_000;

pub(crate) fn compliance(t: &Tables, wanted: &mut Wanted) -> Result<Compliance> {
    let mut c = Compliance {
        flags: 0,
        categories: Vec::new(),
        items: Vec::new(),
        gaps: Vec::new(),
        gap_documents: 0,
    };
    let mut cats: BTreeMap<String, (FlagCategory, HashMap<String, u64>, String)> = BTreeMap::new();
    t.each("flags.csv", |r| {
        c.flags += 1;
        let (cat, wording, last_doc) =
            cats.entry(r.get("category").to_string())
                .or_insert_with(|| {
                    let cat = FlagCategory {
                        name: r.get("category").to_string(),
                        severity: [0; 3],
                        documents: 0,
                        wording: Vec::new(),
                        examples: Vec::new(),
                    };
                    (cat, HashMap::new(), String::new())
                });
        let s = match r.get("severity") {
            "high" => 0,
            "medium" => 1,
            _ => 2,
        };
        cat.severity[s] += 1;
        let doc = r.get("doc");
        if doc != last_doc.as_str() {
            cat.documents += 1;
            last_doc.clear();
            last_doc.push_str(doc);
            if cat.examples.len() < limits::FLAG_EXAMPLES {
                cat.examples.push(Flagged {
                    example: Example::new(doc, r.count("sentence_no"), r.get("surface")),
                    rule_id: r.get("rule_id").to_string(),
                    severity: r.get("severity").to_string(),
                });
            }
        }
        let surface = r.get("surface");
        if let Some(n) = wording.get_mut(surface) {
            *n += 1;
        } else if wording.len() < WORDINGS {
            wording.insert(surface.to_string(), 1);
        }
    })?;
    for (_, (mut cat, wording, _)) in cats {
        let mut top = Top::new(limits::FLAG_WORDING);
        wording
            .into_iter()
            .for_each(|(w, n)| top.push((n, Reverse(w))));
        cat.wording = top
            .into_sorted()
            .into_iter()
            .map(|(n, Reverse(w))| (w, n))
            .collect();
        for e in &cat.examples {
            wanted.add(&e.example.doc, e.example.sentence_no);
        }
        c.categories.push(cat);
    }
    c.categories.sort_by(|a, b| {
        let total = |c: &FlagCategory| c.severity.iter().sum::<u64>();
        (b.severity[0], total(b))
            .cmp(&(a.severity[0], total(a)))
            .then_with(|| a.name.cmp(&b.name))
    });
    gaps(t, &mut c)?;
    Ok(c)
}

/// Items missing by item, and the documents missing most (their items named).
fn gaps(t: &Tables, c: &mut Compliance) -> Result<()> {
    let mut top: Top<(u64, Reverse<String>, u64)> = Top::new(limits::GAPS);
    t.each("documents.csv", |r| {
        let missing = r.count("disclosures_missing");
        if missing > 0 {
            c.gap_documents += 1;
            top.push((
                missing,
                Reverse(r.get("doc").to_string()),
                r.count("disclosures_required"),
            ));
        }
    })?;
    let mut gaps: Vec<Gap> = top
        .into_sorted()
        .into_iter()
        .map(|(_, Reverse(doc), required)| Gap {
            doc,
            required,
            missing: Vec::new(),
        })
        .collect();
    let place: HashMap<String, usize> = gaps
        .iter()
        .enumerate()
        .map(|(i, g)| (g.doc.clone(), i))
        .collect();
    let mut items: Vec<(String, u64, u64)> = Vec::new();
    t.each("disclosures.csv", |r| {
        let (item, present) = (r.get("item"), r.get("present") == "true");
        let at = match items.iter().position(|(i, _, _)| i == item) {
            Some(at) => at,
            None => {
                items.push((item.to_string(), 0, 0));
                items.len() - 1
            }
        };
        items[at].1 += 1;
        if !present {
            items[at].2 += 1;
            if let Some(&g) = place.get(r.get("doc")) {
                gaps[g].missing.push(item.to_string());
            }
        }
    })?;
    c.items = items;
    c.gaps = gaps;
    Ok(())
}
