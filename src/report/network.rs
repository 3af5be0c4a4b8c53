//! The co-occurrence network: the strongest pairs of `cooccurrence.csv` laid out by stress
//! majorization (graph distances kept as drawn distances) computed here, so the picture is
//! the same on every machine and needs no script. Starting positions come from a hash of
//! each term, not from any order, and the iterations are fixed: the same edges give the
//! same drawing, byte for byte.

use std::collections::{BTreeMap, HashMap};

use maud::{Markup, html};

use super::data::Edge;
use super::{clip, fixed};

const W: f64 = 960.0;
const H: f64 = 600.0;
const MARGIN: f64 = 60.0;
const ITERATIONS: usize = 60;
/// A label's line under its circle.
const LABEL: f64 = 15.0;

/// A term of the network: its units (sentences or documents with it), its lean (z of
/// stance_terms.csv, positive hedged) and its place.
pub(crate) struct Node {
    pub(crate) term: String,
    pub(crate) units: u64,
    pub(crate) z: Option<f64>,
    pub(crate) x: f64,
    pub(crate) y: f64,
}

/// Nodes (sorted by term) and edges between them (indices, Jaccard, co-occurrences).
pub(crate) struct Graph {
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<(usize, usize, f64, u64)>,
}

impl Graph {
    pub(crate) fn new(edges: &[Edge], lean: &HashMap<String, f64>) -> Graph {
        let mut units: BTreeMap<&str, u64> = BTreeMap::new();
        for e in edges {
            units.insert(&e.a, e.freq_a);
            units.insert(&e.b, e.freq_b);
        }
        let index: HashMap<&str, usize> = units.keys().enumerate().map(|(i, t)| (*t, i)).collect();
        let nodes = units
            .iter()
            .map(|(term, units)| {
                let (x, y) = start(term);
                Node {
                    term: term.to_string(),
                    units: *units,
                    z: lean.get(*term).copied(),
                    x,
                    y,
                }
            })
            .collect();
        let mut edges: Vec<_> = edges
            .iter()
            .map(|e| (index[e.a.as_str()], index[e.b.as_str()], e.jaccard, e.cooc))
            .collect();
        edges.sort_by_key(|e| (e.0, e.1));
        let mut g = Graph { nodes, edges };
        g.layout();
        g.fit();
        g.spread();
        g
    }

    /// Stress layout by stochastic gradient descent (Zheng, Pawar & Goodman 2019): each
    /// pair of terms is moved towards its graph distance (terms of different components
    /// one step further apart than the farthest linked pair), with a step size annealed
    /// over a fixed schedule and pairs visited in a fixed pseudo-random order, so that
    /// the result depends on the edges alone.
    fn layout(&mut self) {
        let n = self.nodes.len();
        if n < 2 {
            return;
        }
        let dist = self.distances();
        let mut pairs: Vec<(usize, usize, f64)> = Vec::with_capacity(n * (n - 1) / 2);
        for i in 0..n {
            for j in i + 1..n {
                pairs.push((i, j, dist[i * n + j]));
            }
        }
        let d_max = pairs.iter().map(|p| p.2).fold(1.0_f64, f64::max);
        for node in &mut self.nodes {
            (node.x, node.y) = (node.x * d_max, node.y * d_max);
        }
        let (eta_max, eta_min) = (d_max * d_max, 0.01);
        let lambda = (eta_max / eta_min).ln() / (ITERATIONS - 1) as f64;
        let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
        for step in 0..ITERATIONS {
            let eta = eta_max * (-lambda * step as f64).exp();
            shuffle(&mut pairs, &mut rng);
            for &(i, j, d) in &pairs {
                let mu = (eta / (d * d)).min(1.0);
                let (mut dx, mut dy) = (
                    self.nodes[i].x - self.nodes[j].x,
                    self.nodes[i].y - self.nodes[j].y,
                );
                let mut len = (dx * dx + dy * dy).sqrt();
                if len < 1e-9 {
                    (dx, dy, len) = (1e-3, 0.0, 1e-3);
                }
                let r = mu * (len - d) / 2.0;
                let (rx, ry) = (r * dx / len, r * dy / len);
                self.nodes[i].x -= rx;
                self.nodes[i].y -= ry;
                self.nodes[j].x += rx;
                self.nodes[j].y += ry;
            }
        }
    }

    /// Shortest-path lengths between all terms (breadth-first, edges of length 1).
    fn distances(&self) -> Vec<f64> {
        let n = self.nodes.len();
        let mut adjacent = vec![Vec::new(); n];
        for &(i, j, _, _) in &self.edges {
            adjacent[i].push(j);
            adjacent[j].push(i);
        }
        let mut dist = vec![f64::INFINITY; n * n];
        let mut queue = std::collections::VecDeque::new();
        for s in 0..n {
            dist[s * n + s] = 0.0;
            queue.push_back(s);
            while let Some(u) = queue.pop_front() {
                for &v in &adjacent[u] {
                    if dist[s * n + v].is_infinite() {
                        dist[s * n + v] = dist[s * n + u] + 1.0;
                        queue.push_back(v);
                    }
                }
            }
        }
        let apart = dist
            .iter()
            .copied()
            .filter(|d| d.is_finite())
            .fold(1.0, f64::max)
            + 1.0;
        dist.iter_mut()
            .filter(|d| d.is_infinite())
            .for_each(|d| *d = apart);
        dist
    }

    /// Scale the drawing into the frame, each axis on its own, leaving room for labels.
    fn fit(&mut self) {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for n in &self.nodes {
            (x0, x1, y0, y1) = (x0.min(n.x), x1.max(n.x), y0.min(n.y), y1.max(n.y));
        }
        let sx = (W - 2.0 * MARGIN) / (x1 - x0).max(1e-9);
        let sy = (H - 2.0 * MARGIN) / (y1 - y0).max(1e-9);
        for n in &mut self.nodes {
            n.x = if x1 > x0 {
                MARGIN + (n.x - x0) * sx
            } else {
                W / 2.0
            };
            n.y = if y1 > y0 {
                MARGIN + (n.y - y0) * sy
            } else {
                H / 2.0
            };
        }
    }

    /// Each term's circle radius: area by the units it is in.
    fn radii(&self) -> Vec<f64> {
        let max_units = self.nodes.iter().map(|n| n.units).max().unwrap_or(1).max(1) as f64;
        self.nodes
            .iter()
            .map(|n| 4.0 + 12.0 * (n.units as f64 / max_units).sqrt())
            .collect()
    }

    /// Push apart terms whose circle-and-label boxes overlap on the page (in a fixed order,
    /// a bounded number of rounds), each pair along the axis that needs the shorter move,
    /// keeping every term inside the frame.
    fn spread(&mut self) {
        let radii = self.radii();
        // Half the box's width, and its height below and above the centre (label under).
        let half = |n: &Node, r: f64| (6.5 * clip(&n.term, 12).chars().count() as f64).max(r) + 3.0;
        let n = self.nodes.len();
        for _ in 0..300 {
            let mut moved = false;
            for i in 0..n {
                for j in i + 1..n {
                    let (a, b) = (&self.nodes[i], &self.nodes[j]);
                    let (dx, dy) = (b.x - a.x, b.y - a.y);
                    let over_x = half(a, radii[i]) + half(b, radii[j]) - dx.abs();
                    let over_y = radii[i] + radii[j] + LABEL + 4.0 - dy.abs();
                    if over_x <= 0.0 || over_y <= 0.0 {
                        continue;
                    }
                    moved = true;
                    let away = |d: f64| if d < 0.0 { -1.0 } else { 1.0 };
                    let (mx, my) = if over_x < over_y {
                        (over_x / 2.0 * away(dx), 0.0)
                    } else {
                        (0.0, over_y / 2.0 * away(dy))
                    };
                    for (k, sign) in [(i, -1.0), (j, 1.0)] {
                        let node = &mut self.nodes[k];
                        node.x = (node.x + sign * mx).clamp(MARGIN, W - MARGIN);
                        node.y = (node.y + sign * my).clamp(MARGIN / 2.0, H - MARGIN);
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }

    /// The network as SVG: edges by Jaccard (width), nodes by units (area) and lean
    /// (colour), every term labelled.
    pub(crate) fn draw(&self) -> Markup {
        let radii = self.radii();
        let max_j = self
            .edges
            .iter()
            .map(|e| e.2)
            .fold(0.0_f64, f64::max)
            .max(1e-9);
        html! {
            svg.chart.network viewBox=(format!("0 0 {W} {H}")) role="img"
                aria-label="co-occurrence network" {
                g.edges {
                    @for &(i, j, jac, cooc) in &self.edges {
                        @let (a, b) = (&self.nodes[i], &self.nodes[j]);
                        line x1=(fixed(a.x, 1)) y1=(fixed(a.y, 1)) x2=(fixed(b.x, 1)) y2=(fixed(b.y, 1))
                            stroke-width=(fixed(0.8 + 4.0 * jac / max_j, 2)) {
                            title { (clip(&a.term, 200)) " – " (clip(&b.term, 200)) ": " (cooc) " together, Jaccard " (fixed(jac, 4)) }
                        }
                    }
                }
                g.nodes {
                    @for (n, r) in self.nodes.iter().zip(radii) {
                        g {
                            title {
                                (clip(&n.term, 200)) ": in " (n.units) " units"
                                @if let Some(z) = n.z { ", z " (fixed(z, 2)) }
                            }
                            circle cx=(fixed(n.x, 1)) cy=(fixed(n.y, 1)) r=(fixed(r, 1)) fill=(lean_colour(n.z)) {}
                            text x=(fixed(n.x, 1)) y=(fixed(n.y + r + LABEL - 3.0, 1)) text-anchor="middle" {
                                (clip(&n.term, 12))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Fisher–Yates with a fixed xorshift generator: a pseudo-random order that is the same
/// on every run.
fn shuffle<T>(items: &mut [T], state: &mut u64) {
    for i in (1..items.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        items.swap(i, (*state % (i as u64 + 1)) as usize);
    }
}

/// A start in the unit square from the term's hash: independent of the order terms come in.
fn start(term: &str) -> (f64, f64) {
    let h = blake3::hash(term.as_bytes());
    let b = h.as_bytes();
    let unit = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as f64 / u32::MAX as f64;
    (unit(&b[0..4]), unit(&b[4..8]))
}

/// Grey for no lean, towards blue for hedged (z > 0) and red for absolute (z < 0),
/// saturated at |z| = 2 (about the 5% level).
pub(crate) fn lean_colour(z: Option<f64>) -> String {
    let grey = (0xBB, 0xBB, 0xBB);
    let Some(z) = z else {
        return "#FFFFFF".to_string();
    };
    let t = (z / 2.0).clamp(-1.0, 1.0);
    let to = if t > 0.0 {
        (0x44, 0x77, 0xAA)
    } else {
        (0xEE, 0x66, 0x77)
    };
    let t = t.abs();
    let mix = |a: i32, b: i32| (a as f64 + (b - a) as f64 * t).round() as i32;
    format!(
        "#{:02X}{:02X}{:02X}",
        mix(grey.0, to.0),
        mix(grey.1, to.1),
        mix(grey.2, to.2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: &str, b: &str, j: f64) -> Edge {
        Edge {
            a: a.into(),
            b: b.into(),
            cooc: 3,
            jaccard: j,
            freq_a: 5,
            freq_b: 7,
        }
    }

    #[test]
    fn layout_is_the_same_whatever_order_the_edges_come_in() {
        let edges = vec![
            edge("治療", "患者", 0.2),
            edge("炎症", "抑える", 0.3),
            edge("治療", "効果", 0.1),
            edge("再生", "医療", 0.5),
        ];
        let mut reversed: Vec<Edge> = edges
            .iter()
            .rev()
            .map(|e| edge(&e.a, &e.b, e.jaccard))
            .collect();
        reversed.rotate_left(1);
        let a = Graph::new(&edges, &HashMap::new()).draw().into_string();
        let b = Graph::new(&reversed, &HashMap::new()).draw().into_string();
        assert_eq!(a, b);
        let g = Graph::new(&edges, &HashMap::new());
        assert_eq!(g.nodes.len(), 7);
        for n in &g.nodes {
            assert!(
                (MARGIN..=W - MARGIN).contains(&n.x),
                "{} at x {}",
                n.term,
                n.x
            );
            assert!(
                (MARGIN..=H - MARGIN).contains(&n.y),
                "{} at y {}",
                n.term,
                n.y
            );
        }
        // Linked terms end nearer each other than the average pair.
        let pos: HashMap<&str, (f64, f64)> = g
            .nodes
            .iter()
            .map(|n| (n.term.as_str(), (n.x, n.y)))
            .collect();
        let dist = |a: &str, b: &str| {
            ((pos[a].0 - pos[b].0).powi(2) + (pos[a].1 - pos[b].1).powi(2)).sqrt()
        };
        assert!(dist("再生", "医療") < dist("再生", "炎症"));
        assert!(dist("炎症", "抑える") < dist("炎症", "効果"));
    }

    #[test]
    fn lean_colours() {
        assert_eq!(lean_colour(None), "#FFFFFF");
        assert_eq!(lean_colour(Some(0.0)), "#BBBBBB");
        assert_eq!(lean_colour(Some(5.0)), "#4477AA");
        assert_eq!(lean_colour(Some(-2.0)), "#EE6677");
        assert_eq!(lean_colour(Some(1.0)), "#8099B3");
    }
}
