//! The counts by group: each group's documents and sentence totals (for `groups.csv`)
//! and each term's frequency in each group (for `group_terms.csv`).

use rustc_hash::FxHashMap as HashMap;

use super::document::DocCounts;
use crate::stages::terms::TermPos;

/// What a document adds to its group's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DocTotals {
    pub(crate) sentences: u64,
    pub(crate) tokens: u64,
    pub(crate) hedged: u64,
    pub(crate) absolute: u64,
    pub(crate) mixed: u64,
    pub(crate) neutral: u64,
    pub(crate) hedge_cues: u64,
    pub(crate) absolute_cues: u64,
}

impl DocTotals {
    fn add(&mut self, o: &DocTotals) {
        self.sentences += o.sentences;
        self.tokens += o.tokens;
        self.hedged += o.hedged;
        self.absolute += o.absolute;
        self.mixed += o.mixed;
        self.neutral += o.neutral;
        self.hedge_cues += o.hedge_cues;
        self.absolute_cues += o.absolute_cues;
    }
}

/// One group's documents and totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GroupTotals {
    pub(crate) documents: u64,
    pub(crate) totals: DocTotals,
}

/// The counts of every group.
#[derive(Debug, Default)]
pub(crate) struct GroupCounts {
    names: Vec<String>,
    index: HashMap<String, u32>,
    groups: Vec<GroupTotals>,
    /// (group, term id, pos) → frequency, term ids as the corpus's `TermCounts` has them.
    /// The empty group (documents directly in an input folder) is not counted here: its
    /// frequencies are the corpus's less the named groups', so a corpus without groups
    /// pays nothing.
    terms: HashMap<(u32, u32, TermPos), u64>,
}

impl GroupCounts {
    fn group(&mut self, name: &str) -> u32 {
        if let Some(&g) = self.index.get(name) {
            return g;
        }
        let g = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), g);
        self.groups.push(GroupTotals::default());
        g
    }

    /// Add one complete document (its totals, and its terms under corpus ids `ids`).
    pub(super) fn fold(&mut self, group: &str, totals: &DocTotals, doc: &DocCounts, ids: &[u32]) {
        let g = self.group(group);
        let t = &mut self.groups[g as usize];
        t.documents += 1;
        t.totals.add(totals);
        if group.is_empty() {
            return;
        }
        for (local, &id) in doc.local.iter().zip(ids) {
            for pos in TermPos::ALL {
                let n = local.freq[pos.index()];
                if n > 0 {
                    *self.terms.entry((g, id, pos)).or_default() += n;
                }
            }
        }
    }

    /// Add another part's groups; `ids` maps its term ids to this part's.
    pub(crate) fn merge(&mut self, other: GroupCounts, ids: &[u32]) {
        let map: Vec<u32> = other.names.iter().map(|n| self.group(n)).collect();
        for (g, t) in other.groups.iter().enumerate() {
            let mine = &mut self.groups[map[g] as usize];
            mine.documents += t.documents;
            mine.totals.add(&t.totals);
        }
        for ((g, id, pos), n) in other.terms {
            *self
                .terms
                .entry((map[g as usize], ids[id as usize], pos))
                .or_default() += n;
        }
    }

    /// Every group's name and totals, by name.
    pub(crate) fn groups(&self) -> Vec<(&str, GroupTotals)> {
        let mut all: Vec<(&str, GroupTotals)> = self
            .names
            .iter()
            .map(String::as_str)
            .zip(self.groups.iter().copied())
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// Every (group, term id, pos, frequency in the group) of the named groups, in no
    /// particular order (the empty group's are the corpus's less these).
    pub(crate) fn named_terms(&self) -> impl Iterator<Item = (&str, u32, TermPos, u64)> + '_ {
        self.terms
            .iter()
            .map(|(&(g, id, pos), &n)| (self.names[g as usize].as_str(), id, pos, n))
    }

    /// Whether documents without a group were counted.
    pub(crate) fn has_empty_group(&self) -> bool {
        self.index.contains_key("")
    }
}

impl DocTotals {
    fn to_array(self) -> [u64; 8] {
        [
            self.sentences,
            self.tokens,
            self.hedged,
            self.absolute,
            self.mixed,
            self.neutral,
            self.hedge_cues,
            self.absolute_cues,
        ]
    }

    fn from_array(a: [u64; 8]) -> Self {
        let [
            sentences,
            tokens,
            hedged,
            absolute,
            mixed,
            neutral,
            hedge_cues,
            absolute_cues,
        ] = a;
        DocTotals {
            sentences,
            tokens,
            hedged,
            absolute,
            mixed,
            neutral,
            hedge_cues,
            absolute_cues,
        }
    }
}

/// A group's name, documents and totals, as data.
pub(crate) type GroupState = (String, u64, [u64; 8]);

/// A group's frequency of a term, as data: (group index, term index, pos index, freq).
pub(crate) type GroupTermState = (u32, u32, u8, u64);

impl GroupCounts {
    /// The groups and their term frequencies as data (group by index in the first list).
    pub(crate) fn export(&self) -> (Vec<GroupState>, Vec<GroupTermState>) {
        let groups = self
            .names
            .iter()
            .zip(&self.groups)
            .map(|(n, t)| (n.clone(), t.documents, t.totals.to_array()))
            .collect();
        let mut terms: Vec<GroupTermState> = self
            .terms
            .iter()
            .map(|(&(g, id, pos), &n)| (g, id, pos.index() as u8, n))
            .collect();
        terms.sort_unstable();
        (groups, terms)
    }

    pub(crate) fn import(groups: &[GroupState], terms: &[GroupTermState]) -> GroupCounts {
        let mut counts = GroupCounts::default();
        for (name, documents, totals) in groups {
            let g = counts.group(name);
            let t = &mut counts.groups[g as usize];
            t.documents += documents;
            t.totals.add(&DocTotals::from_array(*totals));
        }
        for &(g, id, pos, n) in terms {
            *counts
                .terms
                .entry((g, id, TermPos::ALL[pos as usize]))
                .or_default() += n;
        }
        counts
    }
}
