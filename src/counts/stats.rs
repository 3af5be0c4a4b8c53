//! The scores of the tables, each in one place, computed from counts when a table is
//! written: FLR (terms), the log-odds ratio with an informative Dirichlet prior (stance
//! terms), the association measures of a 2×2 table (co-occurrence).

/// Round to `digits` decimals, so tables show stable, readable scores.
pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// TermExtract's LR (Nakagawa & Mori) of a noun term from the `[L, R]` neighbour counts
/// of its constituents, in order: `[∏ (L(Ni)+1)(R(Ni)+1)]^(1/(2L))`. A single noun is its
/// own only constituent.
pub(crate) fn lr(parts: impl Iterator<Item = [u64; 2]>) -> f64 {
    let (mut log_sum, mut n) = (0.0, 0usize);
    for [l, r] in parts {
        log_sum += ((l + 1) as f64).ln() + ((r + 1) as f64).ln();
        n += 1;
    }
    if n == 0 {
        return 1.0;
    }
    (log_sum / (2.0 * n as f64)).exp()
}

/// FLR = f(CN) × LR(CN), where f is the frequency of the term standing alone; written
/// with four decimals.
pub(crate) fn flr(freq: u64, lr: f64) -> f64 {
    freq as f64 * lr
}

/// Monroe et al.'s δ and its z-score for one word.
pub(crate) fn log_odds(
    y_h: u64,
    y_a: u64,
    n_h: u64,
    n_a: u64,
    alpha: f64,
    alpha0: f64,
) -> (f64, f64) {
    let (y_h, y_a, n_h, n_a) = (y_h as f64, y_a as f64, n_h as f64, n_a as f64);
    let odds = |y: f64, n: f64| ((y + alpha) / (n + alpha0 - y - alpha).max(1e-9)).ln();
    let delta = odds(y_h, n_h) - odds(y_a, n_a);
    let variance = 1.0 / (y_h + alpha) + 1.0 / (y_a + alpha);
    (delta, delta / variance.sqrt())
}

/// The association measures of a pair, from its 2×2 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Measures {
    pub(crate) jaccard: f64,
    pub(crate) dice: f64,
    pub(crate) npmi: f64,
    pub(crate) llr: f64,
}

impl Measures {
    /// `c` units with both terms, `fa`/`fb` with each, `n` in all. Always finite:
    /// NPMI is 1 when the two terms are in every unit together (c = fa = fb = N, where the
    /// formula is 0/0) and −1 when they never co-occur (c = 0); every measure is 0 when
    /// there are no units or no occurrences.
    pub(crate) fn of(c: u64, fa: u64, fb: u64, n: u64) -> Measures {
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

/// Pearson's chi-square of a 2×k table (`a` against `b`, column by column), leaving out
/// columns empty in both rows: (χ², degrees of freedom, p-value). `None` when the table
/// has fewer than two columns or an empty row.
pub(crate) fn chi_square(a: &[u64], b: &[u64]) -> Option<(f64, u64, f64)> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let cols: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| **x + **y > 0)
        .map(|(&x, &y)| (x as f64, y as f64))
        .collect();
    let (ra, rb): (f64, f64) = cols
        .iter()
        .fold((0.0, 0.0), |(p, q), (x, y)| (p + x, q + y));
    if cols.len() < 2 || ra == 0.0 || rb == 0.0 {
        return None;
    }
    let n = ra + rb;
    let mut chi2 = 0.0;
    for &(x, y) in &cols {
        let col = x + y;
        for (observed, row) in [(x, ra), (y, rb)] {
            let expected = row * col / n;
            chi2 += (observed - expected).powi(2) / expected;
        }
    }
    let df = cols.len() as u64 - 1;
    let p = ChiSquared::new(df as f64).ok()?.sf(chi2);
    Some((chi2, df, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_on_a_hand_made_table() {
        // Group (10, 20, 30) against rest (20, 20, 20): N = 120, columns 30, 40, 50,
        // rows 60, 60; expected 15, 20, 25 in each row.
        // χ² = 2·(25/15) + 0 + 2·(25/25) = 3.3333 + 2 = 5.3333, df 2, p = e^(−χ²/2) = 0.06948.
        let (chi2, df, p) = chi_square(&[10, 20, 30, 0], &[20, 20, 20, 0]).unwrap();
        assert!((chi2 - 16.0 / 3.0).abs() < 1e-9, "{chi2}");
        assert_eq!(df, 2);
        assert!((p - (-chi2 / 2.0).exp()).abs() < 1e-9, "{p}");
        assert_eq!(chi_square(&[3, 0], &[0, 0]), None);
        assert_eq!(chi_square(&[3, 0], &[4, 0]), None);
    }

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
}
