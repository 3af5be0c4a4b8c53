//! Stage 4d/5: term co-occurrence — which terms appear in the same unit (a sentence, or a
//! whole document with `--cooc-unit document`), with the counts and the association
//! measures computed from them.
//!
//! Each term counts once per unit (binary presence, as KH Coder and quanteda's boolean fcm
//! do). A document's pairs are counted in the parallel stage with document-local term ids;
//! the merge maps them to corpus-wide ids (one lookup per distinct term of the document)
//! and adds them into one map keyed by the two ids packed in a `u64`. Memory is therefore
//! about 24 bytes per distinct pair seen plus the term strings; thresholds are applied
//! when the table is written, from the exact counts.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

/// What a co-occurrence unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Unit {
    #[default]
    Sentence,
    Document,
}

/// Co-occurrence counts of one document, with document-local term ids.
#[derive(Debug, Clone, Default)]
pub struct DocCooc {
    /// Local id → term.
    pub terms: Vec<String>,
    index: HashMap<String, u32>,
    /// Units of this document containing each local term.
    pub freq: Vec<u64>,
    /// Packed (low id, high id) → units containing both.
    pub pairs: HashMap<u64, u64>,
    pub units: u64,
    /// Terms of the unit being collected (local ids).
    current: Vec<u32>,
}

fn pack(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

fn unpack(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

impl DocCooc {
    /// Empty it for the next document, keeping its memory.
    pub fn clear(&mut self) {
        self.terms.clear();
        crate::aggregate::reset(&mut self.index);
        self.freq.clear();
        crate::aggregate::reset(&mut self.pairs);
        self.units = 0;
        self.current.clear();
    }

    /// Note a term of the current unit.
    pub fn add_term(&mut self, term: &str) {
        let id = match self.index.get(term) {
            Some(&id) => id,
            None => {
                let id = self.terms.len() as u32;
                self.terms.push(term.to_string());
                self.index.insert(term.to_string(), id);
                self.freq.push(0);
                id
            }
        };
        self.current.push(id);
    }

    /// Close the current unit: count each of its distinct terms and pairs once.
    pub fn end_unit(&mut self) {
        self.current.sort_unstable();
        self.current.dedup();
        if self.current.is_empty() {
            self.units += 1;
            return;
        }
        for (i, &a) in self.current.iter().enumerate() {
            self.freq[a as usize] += 1;
            for &b in &self.current[i + 1..] {
                *self.pairs.entry(pack(a, b)).or_default() += 1;
            }
        }
        self.current.clear();
        self.units += 1;
    }
}

/// Corpus-wide co-occurrence counts.
#[derive(Debug, Clone, Default)]
pub struct CoocCounts {
    terms: Vec<String>,
    index: HashMap<String, u32>,
    freq: Vec<u64>,
    pairs: HashMap<u64, u64>,
    pub units: u64,
}

impl CoocCounts {
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.index.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.to_string());
        self.index.insert(term.to_string(), id);
        self.freq.push(0);
        id
    }

    /// Add one document's counts.
    pub fn add_doc(&mut self, doc: &DocCooc) {
        self.absorb(&doc.terms, &doc.freq, &doc.pairs, doc.units);
    }

    /// Merge counts of another, disjoint part of the corpus.
    pub fn merge(&mut self, other: &CoocCounts) {
        self.absorb(&other.terms, &other.freq, &other.pairs, other.units);
    }

    /// Add counts kept under other term ids (`terms[id]` is the term of id).
    fn absorb(&mut self, terms: &[String], freq: &[u64], pairs: &HashMap<u64, u64>, units: u64) {
        let map: Vec<u32> = terms.iter().map(|t| self.id(t)).collect();
        for (id, f) in freq.iter().enumerate() {
            self.freq[map[id] as usize] += f;
        }
        for (&key, &n) in pairs {
            let (a, b) = unpack(key);
            *self
                .pairs
                .entry(pack(map[a as usize], map[b as usize]))
                .or_default() += n;
        }
        self.units += units;
    }

    /// Rows for the pairs whose terms occur in at least `min_freq` units and that
    /// co-occur in at least `min_cooc`, sorted by cooc desc, jaccard desc, term_a, term_b.
    pub fn rows(&self, min_freq: u64, min_cooc: u64) -> Vec<CoocRow> {
        let n = self.units;
        let mut rows: Vec<CoocRow> = self
            .pairs
            .iter()
            .filter_map(|(&key, &c)| {
                let (a, b) = unpack(key);
                let (fa, fb) = (self.freq[a as usize], self.freq[b as usize]);
                if c < min_cooc || fa < min_freq || fb < min_freq {
                    return None;
                }
                let (ta, tb) = (&self.terms[a as usize], &self.terms[b as usize]);
                let ((term_a, freq_a), (term_b, freq_b)) = if ta < tb {
                    ((ta, fa), (tb, fb))
                } else {
                    ((tb, fb), (ta, fa))
                };
                let m = Measures::of(c, freq_a, freq_b, n);
                Some(CoocRow {
                    term_a: term_a.clone(),
                    term_b: term_b.clone(),
                    cooc: c,
                    freq_a,
                    freq_b,
                    jaccard: round4(m.jaccard),
                    dice: round4(m.dice),
                    npmi: round4(m.npmi),
                    llr: round4(m.llr),
                    units: n,
                })
            })
            .collect();
        rows.sort_by(|x, y| {
            y.cooc
                .cmp(&x.cooc)
                .then_with(|| y.jaccard.total_cmp(&x.jaccard))
                .then_with(|| x.term_a.cmp(&y.term_a))
                .then_with(|| x.term_b.cmp(&y.term_b))
        });
        rows
    }

    /// Distinct pairs held, for the memory note in the run summary.
    pub fn pair_count(&self) -> usize {
        self.pairs.len()
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// `cooccurrence.csv`: one row per pair of terms above the thresholds.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CoocRow {
    pub term_a: String,
    pub term_b: String,
    pub cooc: u64,
    pub freq_a: u64,
    pub freq_b: u64,
    pub jaccard: f64,
    pub dice: f64,
    pub npmi: f64,
    pub llr: f64,
    /// N, the number of units, so that every measure can be recomputed from the row.
    pub units: u64,
}

/// The association measures of a pair, from its 2×2 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    pub jaccard: f64,
    pub dice: f64,
    pub npmi: f64,
    pub llr: f64,
}

impl Measures {
    /// `c` units with both terms, `fa`/`fb` with each, `n` in all. Always finite:
    /// NPMI is 1 when the two terms are in every unit together (c = fa = fb = N, where the
    /// formula is 0/0) and −1 when they never co-occur (c = 0); every measure is 0 when
    /// there are no units or no occurrences.
    pub fn of(c: u64, fa: u64, fb: u64, n: u64) -> Measures {
        let (cf, fa_f, fb_f, n_f) = (c as f64, fa as f64, fb as f64, n as f64);
        let union = fa_f + fb_f - cf;
        let jaccard = if union > 0.0 { cf / union } else { 0.0 };
        let dice = if fa + fb > 0 {
            2.0 * cf / (fa_f + fb_f)
        } else {
            0.0
        };
        let npmi = if n == 0 || fa == 0 || fb == 0 {
            0.0
        } else if c == 0 {
            -1.0
        } else if c >= n {
            1.0
        } else {
            let pmi = (cf * n_f / (fa_f * fb_f)).ln();
            pmi / -(cf / n_f).ln()
        };
        // Dunning's G² over (c, fa−c, fb−c, N−fa−fb+c), with 0·ln 0 = 0.
        let llr = if n == 0 {
            0.0
        } else {
            let k = [cf, fa_f - cf, fb_f - cf, (n_f - fa_f - fb_f + cf).max(0.0)];
            let rows = [k[0] + k[1], k[2] + k[3]];
            let cols = [k[0] + k[2], k[1] + k[3]];
            let mut g = 0.0;
            for (i, &o) in k.iter().enumerate() {
                let e = rows[i / 2] * cols[i % 2] / n_f;
                if o > 0.0 && e > 0.0 {
                    g += o * (o / e).ln();
                }
            }
            (2.0 * g).max(0.0)
        };
        Measures {
            jaccard,
            dice,
            npmi,
            llr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn measures_on_a_hand_made_table() {
        // N = 10 units; term a in 4, term b in 5, both in 3.
        // Jaccard = 3 / (4 + 5 − 3) = 0.5; Dice = 6 / 9 = 0.6667.
        // PMI = ln(3·10 / (4·5)) = ln 1.5 = 0.405465; NPMI = 0.405465 / 1.203973 = 0.336773.
        // Table (3, 1, 2, 4); rows (4, 6), cols (5, 5); expected (2, 2, 3, 3).
        // G² = 2·(3 ln 1.5 + 1 ln 0.5 + 2 ln(2/3) + 4 ln(4/3))
        //    = 2·(1.216395 − 0.693147 − 0.810930 + 1.150728) = 1.726092.
        let m = Measures::of(3, 4, 5, 10);
        assert!(close(m.jaccard, 0.5));
        assert!(close(m.dice, 6.0 / 9.0));
        assert!((m.npmi - 0.336773).abs() < 1e-6, "{}", m.npmi);
        assert!((m.llr - 1.726092).abs() < 1e-6, "{}", m.llr);
    }

    #[test]
    fn edge_cases_stay_finite() {
        // Always together, in every unit: NPMI is 1 (not 0/0), G² is 0 (no association
        // can be told apart from chance when every cell but one is empty).
        let all = Measures::of(10, 10, 10, 10);
        assert_eq!(
            (all.jaccard, all.dice, all.npmi, all.llr),
            (1.0, 1.0, 1.0, 0.0)
        );
        // Never together: Jaccard and Dice 0, NPMI −1.
        // G² over (0, 5, 5, 0): expected (2.5, 2.5, 2.5, 2.5), G² = 2·(5 ln 2 + 5 ln 2) = 13.8629.
        let never = Measures::of(0, 5, 5, 10);
        assert_eq!((never.jaccard, never.dice, never.npmi), (0.0, 0.0, -1.0));
        assert!((never.llr - 20.0 * 2f64.ln()).abs() < 1e-9);
        let empty = Measures::of(0, 0, 0, 0);
        for v in [empty.jaccard, empty.dice, empty.npmi, empty.llr] {
            assert!(v.is_finite() && v == 0.0);
        }
    }

    #[test]
    fn units_count_each_term_once_and_merge_exactly() {
        let mut d1 = DocCooc::default();
        for t in ["軟骨", "再生", "軟骨"] {
            d1.add_term(t);
        }
        d1.end_unit();
        d1.add_term("再生");
        d1.end_unit();
        let mut d2 = DocCooc::default();
        for t in ["再生", "軟骨", "炎症"] {
            d2.add_term(t);
        }
        d2.end_unit();
        d2.end_unit(); // a unit with no terms still counts in N

        let mut whole = CoocCounts::default();
        whole.add_doc(&d1);
        whole.add_doc(&d2);
        let mut left = CoocCounts::default();
        left.add_doc(&d2);
        let mut right = CoocCounts::default();
        right.add_doc(&d1);
        left.merge(&right);
        assert_eq!(whole.rows(1, 1), left.rows(1, 1));

        let rows = whole.rows(1, 1);
        let got: Vec<(&str, &str, u64, u64, u64, u64)> = rows
            .iter()
            .map(|r| {
                (
                    r.term_a.as_str(),
                    r.term_b.as_str(),
                    r.cooc,
                    r.freq_a,
                    r.freq_b,
                    r.units,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("再生", "軟骨", 2, 3, 2, 4),
                ("炎症", "軟骨", 1, 1, 2, 4),
                ("再生", "炎症", 1, 3, 1, 4),
            ]
        );
        // Thresholds: 炎症 occurs in one unit only.
        assert_eq!(whole.rows(2, 1).len(), 1);
        assert_eq!(whole.rows(1, 2).len(), 1);
    }
}
