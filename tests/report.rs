//! `report.html`: an HTML5 page with nothing fetched from anywhere, every section drawn
//! from (and naming) its table, the same whatever `--jobs` is (see `analyze.rs` and
//! `shards.rs`, which compare it byte for byte), and small for a big corpus.

use std::collections::{HashMap, HashSet};

use scraper::{ElementRef, Html, Selector};

use crate::util::{Workdir, copy_corpus, csv, ok};

/// The sections of the page, in order.
const SECTIONS: [&str; 7] = [
    "overview",
    "stance",
    "cues",
    "terms",
    "network",
    "numbers",
    "compliance",
];

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts<'a>(root: impl Iterator<Item = ElementRef<'a>>) -> Vec<String> {
    root.map(|e| e.text().collect::<String>()).collect()
}

/// Rows of `table` as maps from column to cell.
fn rows(work: &Workdir, table: &str) -> Vec<HashMap<String, String>> {
    let (header, rows) = csv(&work.read(table));
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

/// Parse the page, failing on any HTML5 parse error, and check that it fetches nothing:
/// links only to its own sections, no `src`, no CSS `url()`, no `<link>`, `<img>`, frame
/// or object.
fn parse_offline(html: &str) -> Html {
    let doc = Html::parse_document(html);
    assert!(
        doc.errors.is_empty(),
        "HTML5 parse errors: {:?}",
        doc.errors
    );
    for el in doc.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(
                name != "src" && !name.ends_with("href") || value.starts_with('#'),
                "{name}={value} on <{}>",
                el.value().name()
            );
            assert!(!value.contains("url("), "{name}={value}");
            assert!(!value.contains("//"), "{name}={value}");
        }
    }
    for tag in ["link", "img", "iframe", "object", "embed", "base"] {
        assert_eq!(doc.select(&sel(tag)).count(), 0, "<{tag}>");
    }
    for style in texts(doc.select(&sel("style"))) {
        assert!(!style.contains("url(") && !style.contains("@import"));
    }
    doc
}

#[test]
fn the_report_is_offline_html5_and_every_section_is_drawn_from_its_table() {
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "out", "-q"]));
    let html = work.read("out/report.html");
    let doc = parse_offline(&html);

    // Each section exists and names tables that are in the folder.
    for id in SECTIONS {
        let section = doc.select(&sel(&format!("section#{id}"))).next();
        let section = section.unwrap_or_else(|| panic!("no section #{id}"));
        let named = texts(section.select(&sel(".source code")));
        assert!(!named.is_empty(), "#{id} names no table");
        for file in named {
            assert!(work.path(&format!("out/{file}")).is_file(), "#{id}: {file}");
        }
    }

    // Overview: the sums of documents.csv.
    let figures = texts(doc.select(&sel("#overview dd")));
    assert_eq!(figures, ["5", "951", "20733", "0", "232", "211"]);

    // Per document: one bar each, by absolute share then name.
    let docs = rows(&work, "out/documents.csv");
    let mut order: Vec<(f64, String)> = docs
        .iter()
        .map(|d| {
            let all: f64 = ["absolute", "mixed", "hedged", "neutral"]
                .iter()
                .map(|s| d[&format!("{s}_sentences")].parse::<f64>().unwrap())
                .sum();
            let abs: f64 = d["absolute_sentences"].parse().unwrap();
            (-abs / all, d["doc"].clone())
        })
        .collect();
    order.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let labels = texts(doc.select(&sel("#stance svg.stacked text.label")));
    let expected: Vec<String> = order.into_iter().map(|(_, d)| d).collect();
    assert_eq!(labels, expected);
    assert_eq!(labels[0], "002_dd53875ad72d2b53.txt");
    // Four segments per bar; no per-group chart without groups.
    assert_eq!(doc.select(&sel("#stance svg.stacked rect")).count(), 20);
    assert_eq!(doc.select(&sel("#stance h3")).count(), 1);

    // Cues: categories by corpus count, each cue's examples marked in their sentences.
    let hedge = texts(doc.select(&sel("#cues .columns > div:first-child h4")));
    assert!(hedge[0].starts_with("expectation 69"), "{hedge:?}");
    let absolute = texts(doc.select(&sel("#cues .columns > div:last-child h4")));
    assert!(
        absolute[0].starts_with("efficacy_claim 118"),
        "{absolute:?}"
    );
    let sentences: HashMap<(String, String), String> = rows(&work, "out/sentences.csv")
        .into_iter()
        .map(|r| {
            (
                (r["doc"].clone(), r["sentence_no"].clone()),
                r["text"].clone(),
            )
        })
        .collect();
    let examples: Vec<ElementRef> = doc.select(&sel("#cues p.example")).collect();
    assert!(examples.len() > 40, "{}", examples.len());
    for e in examples {
        let place = texts(e.select(&sel(".where"))).concat();
        let (d, n) = place.rsplit_once(" #").unwrap();
        let marked = texts(e.select(&sel("mark"))).concat();
        let text = &sentences[&(d.to_string(), n.to_string())];
        assert!(text.contains(&marked), "{marked} not in {d} #{n}: {text}");
    }

    // Network: exactly the 60 highest-Jaccard pairs (cooc ≥ 3) of the 80 most frequent terms.
    let mut terms = rows(&work, "out/terms.csv");
    terms.sort_by_key(|t| {
        (
            std::cmp::Reverse(t["freq"].parse::<u64>().unwrap()),
            t["term"].clone(),
        )
    });
    let top: HashSet<String> = terms.iter().take(80).map(|t| t["term"].clone()).collect();
    let mut pairs: Vec<(f64, u64, String, String)> = rows(&work, "out/cooccurrence.csv")
        .into_iter()
        .filter(|p| p["cooc"].parse::<u64>().unwrap() >= 3)
        .filter(|p| top.contains(&p["term_a"]) && top.contains(&p["term_b"]))
        .map(|p| {
            let j: f64 = p["jaccard"].parse().unwrap();
            (
                -j,
                p["cooc"].parse::<u64>().unwrap(),
                p["term_a"].clone(),
                p["term_b"].clone(),
            )
        })
        .collect();
    pairs.sort_by(|a, b| {
        a.0.partial_cmp(&b.0)
            .unwrap()
            .then(b.1.cmp(&a.1))
            .then_with(|| (&a.2, &a.3).cmp(&(&b.2, &b.3)))
    });
    let expected: HashSet<String> = pairs
        .iter()
        .take(60)
        .map(|(_, _, a, b)| format!("{a} – {b}"))
        .collect();
    let drawn: HashSet<String> = texts(doc.select(&sel("svg.network line title")))
        .into_iter()
        .map(|t| t.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(drawn.len(), 60);
    assert_eq!(drawn, expected);
    let nodes = doc.select(&sel("svg.network circle")).count();
    assert_eq!(nodes, doc.select(&sel("svg.network g.nodes text")).count());

    // Numbers: the outcome claims with their sentences.
    let claims = texts(doc.select(&sel("#numbers table.quotes tbody td:nth-child(3)")));
    assert_eq!(claims, ["30%〜40%", "10%〜15%", "75%"]);
    let kinds = texts(doc.select(&sel("#numbers svg text.label")));
    assert_eq!(kinds[0], "duration");

    // Compliance: the flags by category as flags.csv counts them, the caveat first.
    let notice = texts(doc.select(&sel("#compliance .notice"))).concat();
    assert!(
        notice.starts_with("For human review, not a legal verdict."),
        "{notice}"
    );
    let mut by_category: HashMap<String, [u64; 3]> = HashMap::new();
    for f in rows(&work, "out/flags.csv") {
        let s = ["high", "medium", "low"]
            .iter()
            .position(|s| *s == f["severity"])
            .unwrap();
        by_category.entry(f["category"].clone()).or_default()[s] += 1;
    }
    let table: Vec<Vec<String>> = doc
        .select(&sel("#compliance table:first-of-type tbody tr"))
        .map(|tr| texts(tr.select(&sel("td"))).into_iter().take(4).collect())
        .collect();
    assert_eq!(table.len(), by_category.len());
    for row in &table {
        let counts = by_category[&row[0]].map(|n| n.to_string());
        assert_eq!(row[1..], counts, "{}", row[0]);
    }
    // Every document misses the cost (the sample pages state no price).
    let items = texts(doc.select(&sel("#compliance table:nth-of-type(2) tbody tr")));
    assert!(items.contains(&"費用55".to_string()), "{items:?}");
}

#[test]
fn the_offline_check_catches_what_it_looks_for() {
    let page = |body: &str| {
        format!("<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")
    };
    parse_offline(&page("<p id=\"a\">ok</p>"));
    for bad in [
        "<p id=a id=b>duplicate attribute</p>",
        "<img src=\"https://example.org/x.png\" alt=\"\">",
        "<a href=\"https://example.org/\">link</a>",
        "<div style=\"background:url(x.png)\"></div>",
        "<svg><image href=\"x.png\"></image></svg>",
    ] {
        let caught = std::panic::catch_unwind(|| parse_offline(&page(bad)));
        assert!(caught.is_err(), "not caught: {bad}");
    }
}

#[test]
fn the_report_reads_excel_style_tables_as_plain_ones() {
    // With --excel every table starts with a BOM and formula-like cells with a ': the
    // report must read through both and draw the same sections.
    let work = Workdir::new();
    copy_corpus(&work);
    ok(&work.run(&["analyze", "corpus", "-o", "plain", "-q"]));
    ok(&work.run(&["analyze", "corpus", "-o", "excel", "-q", "--excel"]));
    assert!(work.read("excel/documents.csv").starts_with('\u{feff}'));
    let section = |dir: &str, id: &str| {
        let doc = Html::parse_document(&work.read(&format!("{dir}/report.html")));
        let s = doc.select(&sel(&format!("section#{id}"))).next().unwrap();
        s.html()
    };
    // (The overview differs: it shows the `excel` option.)
    for id in &SECTIONS[1..] {
        assert_eq!(section("plain", id), section("excel", id), "#{id}");
    }
}

#[test]
fn no_report_leaves_none_and_removes_an_earlier_one() {
    let work = Workdir::new();
    work.write("c/a.txt", "この治療で必ず治ります。効果が期待されます。");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q"]));
    assert!(work.path("out/report.html").is_file());
    let tables = work.read("out/sentences.csv");
    ok(&work.run(&["analyze", "c", "-o", "out", "-q", "--no-report"]));
    assert!(
        !work.path("out/report.html").exists(),
        "a stale report stays"
    );
    assert_eq!(work.read("out/sentences.csv"), tables);
    // A shard's part has no report; the merge of the parts has.
    ok(&work.run(&["analyze", "c", "-o", "p1", "-q", "--shard", "1/1"]));
    assert!(!work.path("p1/report.html").exists());
    ok(&work.run(&["merge", "p1", "-o", "m", "-q"]));
    ok(&work.run(&["analyze", "c", "-o", "single", "-q"]));
    assert_eq!(work.read("m/report.html"), work.read("single/report.html"));
    parse_offline(&work.read("m/report.html"));
}

/// A corpus of `docs` documents in four groups, each of sentences drawn from the sample
/// corpus and the development set by a fixed generator: varied enough that every list
/// of the report is full.
fn generated_corpus(work: &Workdir, docs: usize, bytes_each: usize) {
    let mut sentences: Vec<String> = Vec::new();
    for dir in ["corpus", "tests/fixtures/dev/texts"] {
        let mut files: Vec<_> = std::fs::read_dir(crate::util::repo().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(f).unwrap();
            sentences.extend(text.split_inclusive('。').map(str::to_string));
        }
    }
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    for d in 0..docs {
        let mut text = String::new();
        while text.len() < bytes_each {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(&sentences[(state % sentences.len() as u64) as usize]);
        }
        work.write(&format!("big/g{}/doc{d:05}.txt", d % 4), text);
    }
}

#[test]
fn the_report_of_a_20_mb_corpus_stays_small_and_shows_the_top_of_each_list() {
    let work = Workdir::new();
    generated_corpus(&work, 2000, 10_000);
    ok(&work.run(&["analyze", "big", "-o", "out", "-q"]));
    let manifest: serde_json::Value =
        serde_json::from_str(&work.read("out/manifest.json")).unwrap();
    assert!(
        manifest["bytes"].as_u64().unwrap() >= 20_000_000,
        "{}",
        manifest["bytes"]
    );
    let html = work.read("out/report.html");
    eprintln!(
        "report.html of {} bytes of text: {} bytes",
        manifest["bytes"],
        html.len()
    );
    assert!(html.len() < 5_000_000, "{} bytes", html.len());
    assert!(
        html.len() < 400_000,
        "{} bytes: more than the limits allow",
        html.len()
    );
    let doc = parse_offline(&html);
    let shown = texts(doc.select(&sel("#stance p.shown")));
    assert_eq!(
        shown,
        [
            "Showing 4 of 4 groups.",
            "Showing 60 of 2000 documents, the highest absolute shares."
        ]
    );
    assert_eq!(doc.select(&sel("svg.network line")).count(), 60);
    assert_eq!(doc.select(&sel("#terms svg")).count(), 4);
    // Each group's bar ends with its chi-square p-value from groups.csv.
    let figures = texts(doc.select(&sel("#stance svg.stacked:first-of-type text.figure")));
    let labels = texts(doc.select(&sel("#stance svg.stacked:first-of-type text.label")));
    for g in rows(&work, "out/groups.csv") {
        let at = labels.iter().position(|l| *l == g["group"]).unwrap();
        let p: f64 = g["p_value"].parse().unwrap();
        assert!(
            figures[at].ends_with(&format!(" · p {p:.3}")),
            "{}: {}",
            g["group"],
            figures[at]
        );
    }
}
