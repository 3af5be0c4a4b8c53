//! The report's charts as inline SVG: stacked stance bars and plain horizontal bars. Every
//! mark carries a `<title>` (the browser's own tooltip, no script) with its exact figures,
//! and coordinates are printed with one decimal so that the page is byte-stable.

use maud::{Markup, html};

use super::data::{Bar, Bars, TermBar};
use super::{clip, fixed};

/// The stance colours (Paul Tol's bright scheme, safe for colour-blind readers), in the
/// bars' order: absolute, mixed, hedged, neutral.
pub(crate) const STANCE: [(&str, &str); 4] = [
    ("absolute", "#EE6677"),
    ("mixed", "#AA3377"),
    ("hedged", "#4477AA"),
    ("neutral", "#DDDDDD"),
];

const ROW: f64 = 22.0;
const LABEL_W: f64 = 250.0;
const BAR_W: f64 = 380.0;
const WIDTH: f64 = 960.0;

/// One stacked bar per row: the shares of absolute, mixed, hedged and neutral sentences,
/// then the absolute share and the cue rates per 1,000 tokens.
pub(crate) fn stacked(bars: &Bars, what: &str) -> Markup {
    let height = ROW * bars.bars.len() as f64 + 24.0;
    html! {
        svg.chart.stacked viewBox=(format!("0 0 {WIDTH} {}", fixed(height, 1)))
            role="img" aria-label=(format!("sentences by stance, per {what}")) {
            text.axis x=(fixed(LABEL_W + BAR_W + 12.0, 1)) y="14" {
                "absolute % · cues per 1k tokens: hedge / absolute"
            }
            @for (i, bar) in bars.bars.iter().enumerate() {
                (stacked_row(bar, 20.0 + ROW * i as f64))
            }
        }
    }
}

fn stacked_row(bar: &Bar, y: f64) -> Markup {
    let all: u64 = bar.stance.iter().sum();
    let mut x = LABEL_W;
    let mut segments = Vec::new();
    for (n, (name, colour)) in bar.stance.iter().zip(STANCE) {
        let w = if all == 0 {
            0.0
        } else {
            BAR_W * *n as f64 / all as f64
        };
        let share = if all == 0 {
            0.0
        } else {
            *n as f64 / all as f64
        };
        let tip = format!(
            "{}: {n} {name} of {all} sentences ({}%)",
            clip(&bar.label, 200),
            fixed(100.0 * share, 1)
        );
        segments.push((x, w, colour, tip));
        x += w;
    }
    html! {
        g {
            title { (clip(&bar.label, 200)) }
            text.label x=(fixed(LABEL_W - 8.0, 1)) y=(fixed(y + 12.0, 1)) text-anchor="end" {
                (clip(&bar.label, 34))
            }
        }
        @for (x, w, colour, tip) in &segments {
            rect x=(fixed(*x, 1)) y=(fixed(y, 1)) width=(fixed(*w, 1)) height="16" fill=(colour) {
                title { (tip) }
            }
        }
        text.figure x=(fixed(LABEL_W + BAR_W + 12.0, 1)) y=(fixed(y + 12.0, 1)) {
            (fixed(100.0 * bar.absolute_share(), 1)) "% · "
            (fixed(bar.hedge_per_1k, 1)) " / " (fixed(bar.absolute_per_1k, 1))
            @if let Some(p) = bar.p_value { " · p " (fixed(p, 3)) }
        }
    }
}

/// The stance colours as a legend line.
pub(crate) fn legend() -> Markup {
    html! {
        p.legend {
            @for (name, colour) in STANCE {
                span.key { span.swatch style=(format!("background:{colour}")) {} (name) }
            }
        }
    }
}

const TERM_LABEL_W: f64 = 170.0;
const TERM_BAR_W: f64 = 190.0;

/// Horizontal bars for a ranked list of terms, longest first; `decimals` for the figure.
pub(crate) fn hbars(items: &[TermBar], colour: &str, decimals: usize, label: &str) -> Markup {
    let max = items.iter().map(|t| t.value).fold(0.0_f64, f64::max);
    let height = 20.0 * items.len() as f64 + 4.0;
    html! {
        svg.chart.bars viewBox=(format!("0 0 440 {}", fixed(height, 1))) role="img" aria-label=(label) {
            @for (i, t) in items.iter().enumerate() {
                @let y = 2.0 + 20.0 * i as f64;
                @let w = if max > 0.0 { TERM_BAR_W * t.value / max } else { 0.0 };
                g {
                    title { (clip(&t.term, 200)) ": " (fixed(t.value, decimals)) " (" (t.note) ")" }
                    text.label x=(fixed(TERM_LABEL_W - 6.0, 1)) y=(fixed(y + 12.0, 1)) text-anchor="end" {
                        (clip(&t.term, 14))
                    }
                    rect x=(fixed(TERM_LABEL_W, 1)) y=(fixed(y, 1)) width=(fixed(w, 1)) height="14" fill=(colour) {}
                    text.figure x=(fixed(TERM_LABEL_W + w + 4.0, 1)) y=(fixed(y + 12.0, 1)) {
                        (fixed(t.value, decimals))
                    }
                }
            }
        }
    }
}
