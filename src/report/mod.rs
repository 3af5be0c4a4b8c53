//! `report.html`: one self-contained page of charts drawn from the finished tables, for
//! the reader who looks before reading. Inline CSS and SVG only (a few lines of script
//! sort the tables; the page reads the same without it), no fetched font, image or
//! script; Japanese shown in the browser's own fonts. Every section names the CSV it is
//! drawn from. Built from the CSVs in the staging folder like the workbook, so a merge
//! of shards writes the same page as a single run; every list is a top-N ([`limits`]), so
//! the page stays small for a corpus of any size.

mod data;
mod network;
mod page;
mod read;
mod svg;

use std::path::Path;

use anyhow::{Context, Result};

use crate::tables::Output;
use read::{Tables, Wanted};

/// How much of each table the page shows (the README lists them).
pub(crate) mod limits {
    /// Documents in the per-document chart (the highest absolute shares).
    pub(crate) const DOCUMENTS: usize = 60;
    /// Groups in the per-group chart.
    pub(crate) const GROUPS: usize = 40;
    /// Cues shown per stance category.
    pub(crate) const CUES_PER_CATEGORY: usize = 4;
    /// Example sentences per cue (from different documents).
    pub(crate) const EXAMPLES: usize = 2;
    /// Terms per ranking (frequency, FLR).
    pub(crate) const TERMS: usize = 25;
    /// Terms leaning hedged, and leaning absolute.
    pub(crate) const STANCE_TERMS: usize = 20;
    /// Terms the co-occurrence network may draw (the most frequent)…
    pub(crate) const NETWORK_TERMS: usize = 80;
    /// …its edges (the highest Jaccard among their pairs)…
    pub(crate) const EDGES: usize = 60;
    /// …among the pairs that co-occur in at least this many units.
    pub(crate) const NETWORK_MIN_COOC: u64 = 3;
    /// Rows of the kind × unit table.
    pub(crate) const UNITS: usize = 25;
    /// Outcome claims listed with their sentences.
    pub(crate) const OUTCOMES: usize = 40;
    /// Flagged sentences shown per compliance category (from different documents).
    pub(crate) const FLAG_EXAMPLES: usize = 3;
    /// Most frequent flagged wordings per category.
    pub(crate) const FLAG_WORDING: usize = 8;
    /// Documents listed with their missing disclosure items (the most missing first).
    pub(crate) const GAPS: usize = 40;
}

/// The file's name in the output folder.
pub(crate) const FILE: &str = "report.html";

/// Write `report.html` into the staging folder from the tables written there, to be
/// committed with them.
pub(crate) fn add_to(output: &mut Output, excel: bool) -> Result<()> {
    let html = render(output.staging(), excel)?;
    let path = output.staging().join(FILE);
    std::fs::write(&path, html).with_context(|| format!("writing {}", path.display()))?;
    output.adopt(FILE);
    Ok(())
}

/// The page for the tables in `dir`.
pub fn render(dir: &Path, excel: bool) -> Result<String> {
    let t = Tables { dir, excel };
    // The sections read different tables: four threads, then one pass over the sentences
    // for every quoted example.
    let (first, cues, terms, numbers) = std::thread::scope(|scope| {
        let first = scope.spawn(|| -> Result<_> {
            let mut wanted = Wanted::default();
            let (overview, documents) = data::documents(&t)?;
            let groups = data::groups(&t)?;
            let compliance = data::compliance(&t, &mut wanted)?;
            Ok((overview, documents, groups, compliance, wanted))
        });
        let cues = scope.spawn(|| -> Result<_> {
            let mut wanted = Wanted::default();
            Ok((data::cues(&t, &mut wanted)?, wanted))
        });
        let terms = scope.spawn(|| -> Result<_> {
            let terms = data::terms(&t)?;
            let (edges, pairs) = data::network(&t, &terms.network)?;
            let graph = network::Graph::new(&edges, &terms.lean);
            Ok((terms, graph, pairs))
        });
        let mut wanted = Wanted::default();
        let numbers = data::numbers(&t, &mut wanted).map(|n| (n, wanted));
        (join(first), join(cues), join(terms), numbers)
    });
    let (overview, documents, groups, mut compliance, mut wanted) = first?;
    let (mut cues, cue_wanted) = cues?;
    let (terms, graph, pairs) = terms?;
    let (mut numbers, number_wanted) = numbers?;
    wanted.extend(cue_wanted);
    wanted.extend(number_wanted);
    let texts = t.sentences(&wanted)?;
    let cue_examples = cues
        .hedge
        .iter_mut()
        .chain(cues.absolute.iter_mut())
        .flat_map(|c| c.cues.iter_mut())
        .flat_map(|c| c.examples.iter_mut());
    data::fill(cue_examples, &texts);
    data::fill(numbers.outcomes.iter_mut().map(|o| &mut o.example), &texts);
    let flagged = compliance
        .categories
        .iter_mut()
        .flat_map(|c| c.examples.iter_mut());
    data::fill(flagged.map(|f| &mut f.example), &texts);
    let page = page::Page {
        overview,
        documents,
        groups,
        cues,
        terms,
        graph,
        pairs,
        numbers,
        compliance,
    };
    Ok(page.render().into_string())
}

/// A section's result, or an error if its thread panicked.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("a report thread panicked")))
}

/// `s` cut to `n` characters, with an ellipsis when cut (labels and quoted text).
pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `x` with `decimals` places: one text for one value on every machine.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    // No "-0.0".
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_and_fixed() {
        assert_eq!(clip("幹細胞培養上清液", 5), "幹細胞培…");
        assert_eq!(clip("幹細胞", 5), "幹細胞");
        assert_eq!(fixed(-0.01, 1), "0.0");
        assert_eq!(fixed(12.345, 2), "12.35");
        assert_eq!(fixed(-1.25, 1), "-1.2");
    }
}
