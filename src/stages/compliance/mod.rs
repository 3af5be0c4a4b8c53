//! Compliance: advertising-rule flags and disclosure items, sentence by sentence, for
//! people who review clinic marketing against the Medical Advertising Guidelines. It flags
//! wording for human review; it is not a legal verdict.
//!
//! The rules (`dict/compliance_rules.tsv`, see [`rules`]) are conjunctions of atoms. Words
//! atoms are written in the stance lexicon's pattern language and matched by a second
//! [`StanceMatcher`] whose only other entries are the lexicon's negated hedges: the same
//! negation, hedge-scope, question and quotation passes that decide a cue decide a rule's
//! words, so 「必ず治るわけではありません」 and 「絶対に安全とは言い切れません」 raise no
//! flag. Other atoms read what the earlier stages found in the sentence: stance cues in
//! force (`cue:`, `rule:`), numbers (`number:`), and contact details (`contact:`: phone
//! numbers, which are rightly not numeric claims, URLs and e-mail addresses).

pub(crate) mod rules;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex::Regex;

use crate::morph::Sentence;
use crate::morph::tokenize::Tokenizer;
use crate::resources::Source;
use crate::stages::numbers::NumberOcc;
use crate::stages::stance::lexicon::{ClaimWords, CueStance, Entry, Lexicon};
use crate::stages::stance::{Cue, StanceMatcher, StanceScratch};
use rules::{Atom, Contact, NumberTest, Part, Rules};
pub(crate) use rules::{FlagRule, Severity};

/// The built-in rules.
pub(crate) const BUILTIN_RULES: &str = include_str!("../../../dict/compliance_rules.tsv");

/// The compiled rules, shared read-only by all workers.
pub(crate) struct Compliance {
    pub(crate) rules: Rules,
    /// Words and surface atoms (as absolute entries named by atom id) with the stance
    /// lexicon's negated hedges as their scope; `None` when no rule has words.
    matcher: Option<StanceMatcher>,
    regexes: Vec<Option<Regex>>,
    /// Stance cue category → `cue:` atoms; claim rule → `rule:` atoms.
    by_category: HashMap<String, Vec<usize>>,
    by_rule: HashMap<String, Vec<usize>>,
    anchors: Anchors,
}

/// A rule of the file: a flag line, an item line or a scope line (by index).
#[derive(Debug, Clone, Copy)]
enum Target {
    Flag(usize),
    Item(usize),
    Scope(usize),
}

/// Which rules a sentence can match, from the atoms present in it: each rule is tried
/// only when an atom of its anchor (its first positive part) is there, so the many
/// rules cost nothing on the many sentences that have none of their words.
#[derive(Debug, Default)]
struct Anchors {
    /// Per atom: the rules anchored on it.
    by_atom: Vec<Vec<Target>>,
    /// Rules whose anchor has a regex or contact atom (found only by running it): tried
    /// on every sentence.
    always: Vec<Target>,
    /// The number atoms (present or not by a look at the sentence's numbers).
    numbers: Vec<usize>,
    /// Per flag rule: whether it reads words in force (so that the matcher's passes must
    /// run when it is tried).
    in_force: Vec<bool>,
}

impl Anchors {
    fn new(rules: &Rules) -> Self {
        let mut anchors = Anchors {
            by_atom: vec![Vec::new(); rules.atoms.len()],
            ..Anchors::default()
        };
        let flags = rules
            .flags
            .iter()
            .enumerate()
            .map(|(i, r)| (Target::Flag(i), &r.parts));
        let items = (rules.item_rules.iter().enumerate()).map(|(i, r)| (Target::Item(i), &r.parts));
        let scopes =
            (rules.scope_rules.iter().enumerate()).map(|(i, r)| (Target::Scope(i), &r.parts));
        for (target, parts) in flags.chain(items).chain(scopes) {
            let Some(anchor) = parts.iter().find(|p| !p.negated) else {
                continue;
            };
            let costly = |&a: &usize| matches!(rules.atoms[a], Atom::Regex(_) | Atom::Contact(_));
            if anchor.atoms.iter().any(costly) {
                anchors.always.push(target);
            } else {
                anchor
                    .atoms
                    .iter()
                    .for_each(|&a| anchors.by_atom[a].push(target));
            }
        }
        anchors.in_force = (rules.flags.iter())
            .map(|f| {
                let words = |a: &usize| matches!(rules.atoms[*a], Atom::Words(_));
                f.parts.iter().any(|p| p.atoms.iter().any(words))
            })
            .collect();
        anchors.numbers = (0..rules.atoms.len())
            .filter(|&a| {
                matches!(rules.atoms[a], Atom::Number(_)) && !anchors.by_atom[a].is_empty()
            })
            .collect();
        anchors
    }
}

/// Per-thread buffers: the matcher's scratch and each atom's matches in the sentence.
#[derive(Default)]
pub(crate) struct ComplianceScratch<'a> {
    stance: StanceScratch<'a>,
    cues: Vec<Cue<'a>>,
    /// The sentence's number: what is stamped with it is about this sentence, so that
    /// nothing per atom or per rule is cleared from one sentence to the next.
    generation: u32,
    /// Per atom: its matches, valid when `known` holds this sentence's generation
    /// (buffers kept from sentence to sentence).
    matches: Vec<Vec<Range<usize>>>,
    known: Vec<u32>,
    /// Per words or surface atom: its matches before negation and scope took any out of
    /// force (what items and scopes read); `touched` lists those filled.
    raw: Vec<Vec<Range<usize>>>,
    touched: Vec<usize>,
    /// The rules worth trying on the sentence (flags, item lines, scope lines), stamped.
    flag_candidates: Vec<u32>,
    item_candidates: Vec<u32>,
    scope_candidates: Vec<u32>,
}

impl ComplianceScratch<'_> {
    /// Start a sentence: a new generation (stamps of an old one, after wrapping, wiped).
    fn next(&mut self, rules: &Rules) {
        let atoms = rules.atoms.len();
        self.matches.resize(atoms, Vec::new());
        self.raw.resize(atoms, Vec::new());
        self.known.resize(atoms, 0);
        self.flag_candidates.resize(rules.flags.len(), 0);
        self.item_candidates.resize(rules.item_rules.len(), 0);
        self.scope_candidates.resize(rules.scope_rules.len(), 0);
        for &a in &self.touched {
            self.raw[a].clear();
        }
        self.touched.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            for v in [
                &mut self.known,
                &mut self.flag_candidates,
                &mut self.item_candidates,
                &mut self.scope_candidates,
            ] {
                v.iter_mut().for_each(|g| *g = 0);
            }
            self.generation = 1;
        }
    }
}

/// What the earlier stages found in the sentence that atoms read.
pub(crate) struct Facts<'x> {
    /// `cue:`/`rule:` atoms the sentence's cues in force satisfy, with their ranges.
    pub(crate) marks: &'x [(usize, Range<usize>)],
    pub(crate) numbers: &'x [NumberOcc],
}

/// What a sentence raises: flags (rule index, normalized range), items it states, scopes
/// it puts its document in.
#[derive(Default, Debug)]
pub(crate) struct Findings {
    pub(crate) flags: Vec<(usize, Range<usize>)>,
    pub(crate) items: Vec<usize>,
    pub(crate) scopes: Vec<usize>,
}

impl Compliance {
    /// Parse and compile `source`; words atoms are tokenized like the lexicon's
    /// expressions, and the lexicon's negated hedges give them their scope.
    pub(crate) fn compile(
        source: &Source,
        lexicon: &Lexicon,
        tokenizer: &Tokenizer,
    ) -> Result<Self> {
        let mut categories: Vec<String> =
            lexicon.entries.iter().map(|e| e.category.clone()).collect();
        categories.sort();
        categories.dedup();
        let rules = Rules::parse(source, &categories)?;
        let mut worker = tokenizer.worker();
        let mut entries = Vec::new();
        let (mut by_category, mut by_rule): (HashMap<_, Vec<_>>, HashMap<_, Vec<_>>) =
            Default::default();
        let mut regexes = vec![None; rules.atoms.len()];
        for (i, atom) in rules.atoms.iter().enumerate() {
            let line = rules.atom_lines[i];
            let at = || format!("{} line {line}", source.name);
            match atom {
                Atom::Words(e) | Atom::Surface(e) => {
                    let surface = matches!(atom, Atom::Surface(_));
                    // Flags read it in force (after the passes); items and scopes only
                    // ask whether it is there.
                    // Surfaces are text, matched where they stand.
                    let in_flags = !surface
                        && (rules.flags.iter())
                            .any(|f| f.parts.iter().any(|p| p.atoms.contains(&i)));
                    let name = format!("{}{i}", if in_flags { "f" } else { "i" });
                    let mut entry = Entry::new(CueStance::Absolute, &name, e, surface, line);
                    entry.compile(tokenizer, &mut worker, &at)?;
                    entries.push(entry);
                }
                Atom::Regex(r) => regexes[i] = Some(Regex::new(r).with_context(at)?),
                Atom::Cue(c) => by_category.entry(c.clone()).or_default().push(i),
                Atom::Rule(r) => by_rule.entry(r.clone()).or_default().push(i),
                Atom::Number(_) | Atom::Contact(_) => {}
            }
        }
        let matcher = if entries.is_empty() {
            None
        } else {
            entries.extend(
                lexicon
                    .entries
                    .iter()
                    .filter(|e| e.stance == CueStance::Hedge && e.negating)
                    .cloned(),
            );
            let lexicon = Lexicon {
                entries,
                claims: ClaimWords::default(),
                source: source.name.clone(),
            };
            Some(StanceMatcher::scaffolded(lexicon)?)
        };
        Ok(Compliance {
            matcher,
            regexes,
            by_category,
            by_rule,
            anchors: Anchors::new(&rules),
            rules,
        })
    }

    /// The `cue:` and `rule:` atoms a stance cue satisfies.
    pub(crate) fn marks<'s>(&'s self, cue: &Cue<'_>) -> impl Iterator<Item = usize> + 's {
        let by_category = self.by_category.get(&*cue.category).into_iter().flatten();
        let by_rule = self.by_rule.get(cue.rule).into_iter().flatten();
        by_category.chain(by_rule).copied()
    }

    /// The flags, items and scopes of one sentence.
    pub(crate) fn run<'a, 'd: 'a>(
        &'a self,
        s: &Sentence<'_, 'd>,
        facts: &Facts<'_>,
        scratch: &mut ComplianceScratch<'a>,
        out: &mut Findings,
    ) {
        out.flags.clear();
        out.items.clear();
        out.scopes.clear();
        scratch.next(&self.rules);
        let generation = scratch.generation;
        self.words(s, scratch);
        self.candidates(s, facts, scratch);
        self.in_force(s, scratch);
        for (i, rule) in self.rules.flags.iter().enumerate() {
            if scratch.flag_candidates[i] == generation {
                self.flag(i, rule, s, facts, scratch, out);
            }
        }
        self.supersede(&mut out.flags);
        // An item or scope is stated even in a negated sentence (「…医薬品はありません」).
        for (i, r) in self.rules.item_rules.iter().enumerate() {
            if scratch.item_candidates[i] == generation
                && !out.items.contains(&r.item)
                && self.holds(&r.parts, true, s, facts, scratch).is_some()
            {
                out.items.push(r.item);
            }
        }
        for (i, r) in self.rules.scope_rules.iter().enumerate() {
            if scratch.scope_candidates[i] == generation
                && !out.scopes.contains(&r.scope)
                && self.holds(&r.parts, true, s, facts, scratch).is_some()
            {
                out.scopes.push(r.scope);
            }
        }
    }

    /// Mark the rules whose anchor has an atom present in the sentence (words before
    /// any pass, cues, numbers), and those always tried.
    fn candidates(
        &self,
        s: &Sentence<'_, '_>,
        facts: &Facts<'_>,
        scratch: &mut ComplianceScratch<'_>,
    ) {
        let a = &self.anchors;
        // Number atoms are found by a look at the sentence's numbers (and remembered).
        for &atom in &a.numbers {
            self.found(atom, false, s, facts, scratch);
        }
        let g = scratch.generation;
        let ComplianceScratch {
            stance,
            matches,
            flag_candidates,
            item_candidates,
            scope_candidates,
            ..
        } = scratch;
        let mut mark = |t: &Target| match *t {
            Target::Flag(i) => flag_candidates[i] = g,
            Target::Item(i) => item_candidates[i] = g,
            Target::Scope(i) => scope_candidates[i] = g,
        };
        a.always.iter().for_each(&mut mark);
        let numbers = a
            .numbers
            .iter()
            .copied()
            .filter(|&n| !matches[n].is_empty());
        let present = (stance.raw.iter().map(|(atom, _)| *atom))
            .chain(facts.marks.iter().map(|(atom, _)| *atom))
            .chain(numbers);
        for atom in present {
            a.by_atom[atom].iter().for_each(&mut mark);
        }
    }

    /// Find every words and surface atom as it stands (`raw`), without the passes.
    fn words<'a, 'd: 'a>(&'a self, s: &Sentence<'_, 'd>, scratch: &mut ComplianceScratch<'a>) {
        let Some(m) = &self.matcher else { return };
        let mut cues = std::mem::take(&mut scratch.cues);
        scratch.stance.raw_only = true;
        m.run(s, &mut scratch.stance, &mut cues);
        for (i, range) in &scratch.stance.raw {
            if let Some(raw) = scratch.raw.get_mut(*i) {
                if raw.is_empty() {
                    scratch.touched.push(*i);
                }
                raw.push(range.clone());
            }
        }
        scratch.cues = cues;
    }

    /// Run the words matcher with its passes, when a rule worth trying needs words in
    /// force: every words atom's matches in force become known.
    fn in_force<'a, 'd: 'a>(&'a self, s: &Sentence<'_, 'd>, scratch: &mut ComplianceScratch<'a>) {
        let Some(m) = &self.matcher else { return };
        let g = scratch.generation;
        let needed = (self.rules.flags.iter().zip(&self.anchors.in_force))
            .zip(&scratch.flag_candidates)
            .any(|((_, &words), &stamp)| words && stamp == g);
        if !needed {
            return;
        }
        let mut cues = std::mem::take(&mut scratch.cues);
        scratch.stance.raw_only = false;
        m.run(s, &mut scratch.stance, &mut cues);
        for c in &cues {
            if c.stance == CueStance::Absolute
                && let Some(Ok(i)) = c.category.strip_prefix('f').map(str::parse::<usize>)
                && i < scratch.matches.len()
            {
                if scratch.known[i] != g {
                    scratch.matches[i].clear();
                    scratch.known[i] = g;
                }
                scratch.matches[i].push(c.range.clone());
            }
        }
        scratch.cues = cues;
    }

    /// Add the flags of rule `i`: one per match of a single positive part (each place the
    /// words stand), or one per sentence spanning the parts of a conjunction.
    fn flag<'a>(
        &self,
        i: usize,
        rule: &FlagRule,
        s: &Sentence<'_, '_>,
        facts: &Facts<'_>,
        scratch: &mut ComplianceScratch<'a>,
        out: &mut Findings,
    ) {
        let Some(spans) = self.holds(&rule.parts, false, s, facts, scratch) else {
            return;
        };
        let ranges: Vec<Range<usize>> = if spans.len() == 1 {
            spans.into_iter().next().unwrap_or_default()
        } else {
            std::iter::once(conjunction_span(s.text(), &spans)).collect()
        };
        // One flag of a rule per place: of overlapping ones, the longest stays.
        for r in ranges {
            let overlaps = |j: usize, q: &Range<usize>| {
                self.rules.flags[j].id == rule.id && q.start < r.end && r.start < q.end
            };
            if out
                .flags
                .iter()
                .any(|(j, q)| overlaps(*j, q) && q.len() >= r.len())
            {
                continue;
            }
            out.flags.retain(|(j, q)| !overlaps(*j, q));
            out.flags.push((i, r));
        }
    }

    /// Words flagged by rules of different severity are flagged once, by the more severe
    /// (副作用は一切ありません: a guarantee of safety, not also a safety claim to support);
    /// the flags are then in sentence order.
    fn supersede(&self, flags: &mut Vec<(usize, Range<usize>)>) {
        let severity = |i: usize| self.rules.flags[i].severity;
        flags.sort_by_key(|(i, r)| (severity(*i), r.start, *i));
        let mut kept: Vec<(usize, Range<usize>)> = Vec::with_capacity(flags.len());
        for (i, r) in flags.drain(..) {
            let covered = kept
                .iter()
                .any(|(j, q)| severity(*j) < severity(i) && q.start < r.end && r.start < q.end);
            if !covered {
                kept.push((i, r));
            }
        }
        kept.sort_by_key(|(i, r)| (r.start, *i));
        *flags = kept;
    }

    /// Whether every part holds; the matches of each positive part if so. `raw`: words
    /// count even where negation or a hedge's scope takes them out of force. Checked
    /// first without collecting anything: most rules fail on most sentences.
    fn holds<'a>(
        &self,
        parts: &[Part],
        raw: bool,
        s: &Sentence<'_, '_>,
        facts: &Facts<'_>,
        scratch: &mut ComplianceScratch<'a>,
    ) -> Option<Vec<Vec<Range<usize>>>> {
        for part in parts {
            let mut any = false;
            for &a in &part.atoms {
                any = !self.found(a, raw, s, facts, scratch).is_empty();
                if any {
                    break;
                }
            }
            if any == part.negated {
                return None;
            }
        }
        let mut spans = Vec::new();
        for part in parts.iter().filter(|p| !p.negated) {
            let mut found: Vec<Range<usize>> = Vec::new();
            for &a in &part.atoms {
                found.extend(self.found(a, raw, s, facts, scratch).iter().cloned());
            }
            found.sort_by_key(|r| (r.start, r.end));
            spans.push(found);
        }
        Some(spans)
    }

    /// The matches of atom `a`; for words with `raw`, before negation and scope.
    fn found<'s, 'a>(
        &self,
        a: usize,
        raw: bool,
        s: &Sentence<'_, '_>,
        facts: &Facts<'_>,
        scratch: &'s mut ComplianceScratch<'a>,
    ) -> &'s [Range<usize>] {
        let g = scratch.generation;
        match self.rules.atoms[a] {
            Atom::Surface(_) => return &scratch.raw[a],
            Atom::Words(_) if raw => return &scratch.raw[a],
            // Words in force were stamped by `words` when found.
            Atom::Words(_) if scratch.known[a] != g => return &[],
            _ => {}
        }
        if scratch.known[a] != g {
            let mut found = std::mem::take(&mut scratch.matches[a]);
            found.clear();
            self.atom(a, s, facts, &mut found);
            scratch.matches[a] = found;
            scratch.known[a] = g;
        }
        &scratch.matches[a]
    }

    /// Find atom `a` in the sentence (words and surfaces are found by [`Self::words`]).
    fn atom(
        &self,
        a: usize,
        s: &Sentence<'_, '_>,
        facts: &Facts<'_>,
        found: &mut Vec<Range<usize>>,
    ) {
        let text = s.text();
        match &self.rules.atoms[a] {
            Atom::Words(_) | Atom::Surface(_) => {}
            Atom::Regex(_) => {
                if let Some(re) = &self.regexes[a] {
                    found.extend(re.find_iter(text).map(|m| m.range()));
                }
            }
            Atom::Cue(_) | Atom::Rule(_) => found.extend(
                (facts.marks.iter())
                    .filter(|(m, _)| *m == a)
                    .map(|(_, r)| r.clone()),
            ),
            Atom::Number(test) => found.extend(
                (facts.numbers.iter())
                    .filter(|n| match test {
                        NumberTest::Kind(k) => n.kind.name() == k,
                        NumberTest::Unit(u) => n.unit == u,
                        NumberTest::Outcome => n.outcome,
                    })
                    .map(|n| n.range.clone()),
            ),
            Atom::Contact(Contact::Phone) => found.extend(phones(text)),
            Atom::Contact(c) => found.extend(
                (s.urls.iter())
                    .filter(|r| text[(*r).clone()].contains('@') == (*c == Contact::Email))
                    .cloned(),
            ),
        }
    }
}

/// Where a conjunction stands: its last part's first match, widened to the nearest match
/// of each other part (必ず + 治ります → 必ず治ります; a quote's 「 + the regex on the
/// quote → the quote), unless that spans more than 40 characters.
fn conjunction_span(text: &str, spans: &[Vec<Range<usize>>]) -> Range<usize> {
    let Some(pivot) = spans.last().and_then(|s| s.first()).cloned() else {
        return 0..0;
    };
    let distance = |r: &Range<usize>| {
        if r.end <= pivot.start {
            pivot.start - r.end
        } else {
            r.start.saturating_sub(pivot.end)
        }
    };
    let (mut start, mut end) = (pivot.start, pivot.end);
    for part in &spans[..spans.len() - 1] {
        if let Some(near) = part.iter().min_by_key(|r| (distance(r), r.start)) {
            (start, end) = (start.min(near.start), end.max(near.end));
        }
    }
    match text.get(start..end) {
        Some(t) if t.chars().count() <= 40 => start..end,
        _ => pivot,
    }
}

/// Japanese phone numbers written with separators (06-6212-5960, 0120-123-456,
/// 03(1234)5678, +81-3-1234-5678): 9 to 12 digits, not part of a longer number.
fn phones(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    static PHONE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:\+81[- ]?|0)\d{1,4}(?:-|\(| )\d{1,4}(?:-|\)| )\d{3,4}")
            .expect("phone pattern")
    });
    let maybe = text.len() >= 9 && text.bytes().any(|b| b == b'0' || b == b'+');
    PHONE
        .find_iter(if maybe { text } else { "" })
        .filter(|m| {
            let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            (9..=12).contains(&digits)
                && !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_ascii_digit())
        })
        .map(|m| m.range())
}

#[cfg(test)]
mod tests {
    use super::phones;

    #[test]
    fn phone_numbers_but_not_dates_postal_codes_or_longer_numbers() {
        let found = |t: &str| phones(t).map(|r| t[r].to_string()).collect::<Vec<_>>();
        assert_eq!(found("TEL.06-6212-5960"), ["06-6212-5960"]);
        assert_eq!(found("フリーダイヤル0120-123-456まで"), ["0120-123-456"]);
        assert_eq!(found("電話03(1234)5678"), ["03(1234)5678"]);
        assert_eq!(found("+81-3-1234-5678"), ["+81-3-1234-5678"]);
        assert!(found("2024-06-01に開始").is_empty());
        assert!(found("〒150-0001").is_empty());
        assert!(found("番号12-3456-7890-12").is_empty());
    }
}
