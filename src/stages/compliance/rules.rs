//! `dict/compliance_rules.tsv`, parsed: flag rules, disclosure items and the scopes that
//! make items required, each a conjunction of parts, each part one or more atoms (`|`).
//! Every error names the file and line.

use std::collections::HashMap;

use anyhow::{Result, bail};

use crate::resources::Source;

/// How serious a flag is, for sorting and counting (`documents.csv`'s flag columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// What one atom of a pattern looks for in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Atom {
    /// An expression in the lexicon's pattern language (base forms, `…`, negation).
    Words(String),
    /// Text on the normalized sentence (`surface:No.1`).
    Surface(String),
    /// A regular expression on the normalized sentence (`regex:…`).
    Regex(String),
    /// A stance cue in force of this category (`cue:certainty`).
    Cue(String),
    /// A stance cue found by this claim rule (`rule:safety`).
    Rule(String),
    /// A number of this kind, unit or claim (`number:kind=money`, `number:claim=outcome`).
    Number(NumberTest),
    /// A phone number, URL or e-mail address (`contact:phone`).
    Contact(Contact),
}

/// What a `number:` atom asks of a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum NumberTest {
    Kind(String),
    Unit(String),
    Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Contact {
    Phone,
    Url,
    Email,
}

/// A part of a pattern: any of its atoms (ids into [`Rules::atoms`]); `negated` parts
/// must have no match in the sentence.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) negated: bool,
    pub(crate) atoms: Vec<usize>,
}

/// One `flag` line.
#[derive(Debug, Clone)]
pub(crate) struct FlagRule {
    pub(crate) id: String,
    pub(crate) category: String,
    pub(crate) severity: Severity,
    pub(crate) parts: Vec<Part>,
    pub(crate) reference: String,
}

/// One `item` line: `item` is present in a sentence matching `parts`; it is required of
/// every document (`scope` None) or of those in a scope.
#[derive(Debug, Clone)]
pub(crate) struct ItemRule {
    pub(crate) item: usize,
    pub(crate) parts: Vec<Part>,
}

/// One `scope` line: a document is in scope `scope` when a sentence matches `parts`.
#[derive(Debug, Clone)]
pub(crate) struct ScopeRule {
    pub(crate) scope: usize,
    pub(crate) parts: Vec<Part>,
}

/// A disclosure item, in the file's order, and the scope that requires it.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) name: String,
    pub(crate) scope: Option<usize>,
}

/// The parsed file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    pub(crate) atoms: Vec<Atom>,
    pub(crate) flags: Vec<FlagRule>,
    pub(crate) items: Vec<Item>,
    pub(crate) item_rules: Vec<ItemRule>,
    pub(crate) scopes: Vec<String>,
    pub(crate) scope_rules: Vec<ScopeRule>,
    /// Line of each atom's first use, for messages about it.
    pub(crate) atom_lines: Vec<usize>,
    /// What is valid but cannot match (a cue category the lexicon does not have).
    pub(crate) warnings: Vec<String>,
}

/// Claim rules a `rule:` atom may name (the `rule` of `explain`).
pub(crate) const CLAIM_RULES: [&str; 8] = [
    "lexicon",
    "efficacy",
    "benefit",
    "effect",
    "safety",
    "reported_safety",
    "evidence_verb",
    "negated_commitment",
];

/// Categories the claim rules give, besides the lexicon's own.
pub(crate) const CLAIM_CATEGORIES: [&str; 5] = [
    "efficacy_claim",
    "safety_claim",
    "evidence",
    "hearsay",
    "disclaimer",
];

const NUMBER_KINDS: [&str; 10] = [
    "percent",
    "count",
    "duration",
    "age",
    "date",
    "money",
    "measurement",
    "ratio",
    "multiplier",
    "other",
];

impl Rules {
    /// Parse `source`; `categories` are the cue categories a `cue:` atom may name.
    pub(crate) fn parse(source: &Source, categories: &[String]) -> Result<Self> {
        let mut rules = Rules::default();
        let mut ids: HashMap<String, (String, Severity, String, usize)> = HashMap::new();
        for (line, text) in source.lines() {
            let at = || format!("{} line {line}", source.name);
            let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
            match fields[0] {
                "flag" => {
                    let rule = rules.flag(&fields, line, categories, &at)?;
                    let key = (rule.category.clone(), rule.severity, rule.reference.clone());
                    match ids.get(&rule.id) {
                        Some((c, s, r, first)) if (c, s, r) != (&key.0, &key.1, &key.2) => bail!(
                            "{}: rule {} was given another category, severity or reference on line {first}",
                            at(),
                            rule.id
                        ),
                        Some(_) => {}
                        None => {
                            ids.insert(rule.id.clone(), (key.0, key.1, key.2, line));
                        }
                    }
                    rules.flags.push(rule);
                }
                "item" => rules.item(&fields, line, categories, &at)?,
                "scope" => {
                    expect(&fields, 3, "scope<TAB>name<TAB>pattern", &at)?;
                    let scope = rules.scope_id(name(fields[1], "scope", &at)?);
                    let parts = rules.pattern(fields[2], line, categories, &at)?;
                    rules.scope_rules.push(ScopeRule { scope, parts });
                }
                other => bail!(
                    "{}: a line starts with flag, item or scope, not {other:?}",
                    at()
                ),
            }
        }
        if rules.flags.is_empty() && rules.items.is_empty() {
            bail!("{}: no flag or item lines", source.name);
        }
        for item in &rules.items {
            if let Some(s) = item.scope
                && !rules.scope_rules.iter().any(|r| r.scope == s)
            {
                bail!(
                    "{}: item {} needs scope {}, which no scope line defines",
                    source.name,
                    item.name,
                    rules.scopes[s]
                );
            }
        }
        Ok(rules)
    }

    fn flag(
        &mut self,
        fields: &[&str],
        line: usize,
        categories: &[String],
        at: &dyn Fn() -> String,
    ) -> Result<FlagRule> {
        expect(
            fields,
            6,
            "flag<TAB>id<TAB>category<TAB>severity<TAB>pattern<TAB>reference",
            at,
        )?;
        let id = fields[1];
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            bail!("{}: rule id {id:?} must be one word", at());
        }
        let severity = Severity::parse(fields[3]).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: severity must be high, medium or low, not {:?}",
                at(),
                fields[3]
            )
        })?;
        Ok(FlagRule {
            id: id.to_string(),
            category: name(fields[2], "category", at)?.to_string(),
            severity,
            parts: self.pattern(fields[4], line, categories, at)?,
            reference: name(fields[5], "reference", at)?.to_string(),
        })
    }

    fn item(
        &mut self,
        fields: &[&str],
        line: usize,
        categories: &[String],
        at: &dyn Fn() -> String,
    ) -> Result<()> {
        expect(fields, 4, "item<TAB>name<TAB>scope<TAB>pattern", at)?;
        let item_name = name(fields[1], "item", at)?;
        let scope = match name(fields[2], "scope", at)? {
            "all" => None,
            s => Some(self.scope_id(s)),
        };
        let item = match self.items.iter().position(|i| i.name == item_name) {
            Some(i) if self.items[i].scope != scope => bail!(
                "{}: item {item_name} was given another scope on an earlier line",
                at()
            ),
            Some(i) => i,
            None => {
                self.items.push(Item {
                    name: item_name.to_string(),
                    scope,
                });
                self.items.len() - 1
            }
        };
        let parts = self.pattern(fields[3], line, categories, at)?;
        self.item_rules.push(ItemRule { item, parts });
        Ok(())
    }

    fn scope_id(&mut self, name: &str) -> usize {
        match self.scopes.iter().position(|s| s == name) {
            Some(i) => i,
            None => {
                self.scopes.push(name.to_string());
                self.scopes.len() - 1
            }
        }
    }

    /// `part & part & !part`, each part `atom|atom`.
    fn pattern(
        &mut self,
        text: &str,
        line: usize,
        categories: &[String],
        at: &dyn Fn() -> String,
    ) -> Result<Vec<Part>> {
        let mut parts = Vec::new();
        for part in text.split('&').map(str::trim) {
            let (negated, part) = match part.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, part),
            };
            let mut atoms = Vec::new();
            // A regular expression takes its whole part: its `|` are its own.
            let alternatives: Vec<&str> = if part.starts_with("regex:") {
                vec![part]
            } else {
                part.split('|').map(str::trim).collect()
            };
            for atom in alternatives {
                if atom.is_empty() {
                    bail!("{}: empty part in pattern {text:?}", at());
                }
                let atom = parse_atom(atom, categories, &mut self.warnings, at)?;
                atoms.push(self.atom_id(atom, line));
            }
            parts.push(Part { negated, atoms });
        }
        if parts.iter().all(|p| p.negated) {
            bail!(
                "{}: pattern {text:?} needs a part that is not negated",
                at()
            );
        }
        Ok(parts)
    }

    fn atom_id(&mut self, atom: Atom, line: usize) -> usize {
        match self.atoms.iter().position(|a| *a == atom) {
            Some(i) => i,
            None => {
                self.atoms.push(atom);
                self.atom_lines.push(line);
                self.atoms.len() - 1
            }
        }
    }
}

fn parse_atom(
    atom: &str,
    categories: &[String],
    warnings: &mut Vec<String>,
    at: &dyn Fn() -> String,
) -> Result<Atom> {
    let Some((kind, value)) = atom.split_once(':').filter(|(k, _)| {
        matches!(
            *k,
            "surface" | "regex" | "cue" | "rule" | "number" | "contact"
        )
    }) else {
        return Ok(Atom::Words(atom.to_string()));
    };
    let value = value.trim();
    if value.is_empty() {
        bail!("{}: {kind}: needs a value", at());
    }
    Ok(match kind {
        "surface" => Atom::Surface(value.to_string()),
        "regex" => {
            if let Err(e) = regex::Regex::new(value) {
                bail!("{}: regex {value:?} is not valid: {e}", at());
            }
            Atom::Regex(value.to_string())
        }
        "cue" => {
            // Not an error: a rule written for the built-in lexicon stays valid with a
            // lexicon of one's own; it cannot fire, and the run says so.
            if !categories.iter().any(|c| c == value) && !CLAIM_CATEGORIES.contains(&value) {
                warnings.push(format!(
                    "{}: cue category {value:?} is neither in the lexicon nor a claim category ({}); this atom never matches",
                    at(),
                    CLAIM_CATEGORIES.join(", ")
                ));
            }
            Atom::Cue(value.to_string())
        }
        "rule" => {
            if !CLAIM_RULES.contains(&value) {
                bail!(
                    "{}: rule {value:?} is not one of {}",
                    at(),
                    CLAIM_RULES.join(", ")
                );
            }
            Atom::Rule(value.to_string())
        }
        "number" => Atom::Number(number_test(value, at)?),
        _ => Atom::Contact(match value {
            "phone" => Contact::Phone,
            "url" => Contact::Url,
            "email" => Contact::Email,
            other => bail!("{}: contact:{other} — contact is phone, url or email", at()),
        }),
    })
}

fn number_test(value: &str, at: &dyn Fn() -> String) -> Result<NumberTest> {
    Ok(match value.split_once('=') {
        Some(("kind", kind)) if NUMBER_KINDS.contains(&kind) => NumberTest::Kind(kind.to_string()),
        Some(("kind", kind)) => bail!(
            "{}: number kind {kind:?} is not one of {}",
            at(),
            NUMBER_KINDS.join(", ")
        ),
        Some(("unit", unit)) if !unit.is_empty() => NumberTest::Unit(unit.to_string()),
        Some(("claim", "outcome")) => NumberTest::Outcome,
        _ => bail!(
            "{}: number:{value} — write number:kind=K, number:unit=U or number:claim=outcome",
            at()
        ),
    })
}

fn expect(fields: &[&str], n: usize, form: &str, at: &dyn Fn() -> String) -> Result<()> {
    if fields.len() != n {
        bail!(
            "{}: expected `{form}`, found {} field(s)",
            at(),
            fields.len()
        );
    }
    Ok(())
}

fn name<'t>(value: &'t str, what: &str, at: &dyn Fn() -> String) -> Result<&'t str> {
    if value.is_empty() {
        bail!("{}: empty {what}", at());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Rules> {
        let source = Source {
            name: "rules.tsv".into(),
            text: text.into(),
        };
        Rules::parse(&source, &["certainty".to_string()])
    }

    #[test]
    fn a_bad_line_is_an_error_with_its_line_number() {
        let good = "flag\tG1\t比較優良\thigh\t日本一\t医療法第6条の5第2項第1号\n";
        let cases = [
            (
                "flag\tX\t虚偽・誇大\thuge\t必ず\tref",
                "line 2: severity must be high",
            ),
            ("flag\tX\t虚偽・誇大\thigh\t必ず", "line 2: expected `flag"),
            (
                "flag\tX\tc\thigh\trule:safe\tref",
                "line 2: rule \"safe\" is not one of",
            ),
            (
                "flag\tX\tc\thigh\tnumber:kind=cash\tref",
                "line 2: number kind \"cash\"",
            ),
            (
                "flag\tX\tc\thigh\tregex:(\tref",
                "line 2: regex \"(\" is not valid",
            ),
            (
                "flag\tX\tc\thigh\t!日本一\tref",
                "line 2: pattern \"!日本一\" needs a part",
            ),
            (
                "flag\tG1\t最上級\thigh\t日本一\tref",
                "line 2: rule G1 was given another",
            ),
            (
                "item\t費用\tregenerative\tnumber:kind=money",
                "item 費用 needs scope regenerative",
            ),
            ("flags\tX", "line 2: a line starts with flag, item or scope"),
        ];
        for (bad, message) in cases {
            let err = parse(&format!("{good}{bad}\n")).unwrap_err().to_string();
            assert!(err.contains(message), "{bad:?}: {err}");
            assert!(err.starts_with("rules.tsv"), "{err}");
        }
    }

    #[test]
    fn an_unknown_cue_category_is_a_warning_naming_its_line() {
        let rules = parse("flag\tX\tc\thigh\tcue:certanity\tref\n").unwrap();
        assert_eq!(rules.warnings.len(), 1);
        assert!(
            rules.warnings[0].starts_with("rules.tsv line 1: cue category \"certanity\""),
            "{:?}",
            rules.warnings
        );
        assert!(
            parse("flag\tX\tc\thigh\tcue:certainty\tref\n")
                .unwrap()
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn atoms_are_shared_and_parts_keep_their_alternatives() {
        let rules = parse(
            "flag\tA\t虚偽・誇大\thigh\tcue:certainty & 治る|改善 & !number:claim=outcome\tref\n\
             item\t費用\tall\tnumber:kind=money\n\
             item\t未承認\tregenerative\t未承認|contact:phone\n\
             scope\tregenerative\t幹細胞|再生医療\n\
             flag\tB\t比較優良\tlow\t改善 & surface:No.1\tref\n",
        )
        .unwrap();
        assert_eq!(rules.atoms.len(), 10);
        assert_eq!(rules.flags[0].parts.len(), 3);
        assert_eq!(rules.flags[0].parts[1].atoms, [1, 2]);
        assert!(rules.flags[0].parts[2].negated);
        assert_eq!(rules.flags[1].parts[0].atoms, [2]);
        assert_eq!(rules.items.len(), 2);
        assert_eq!(rules.items[1].scope, Some(0));
        assert_eq!(rules.atoms[3], Atom::Number(NumberTest::Outcome));
    }
}
