//! Web pages: the visible text in reading order, parsed by html5ever (through `scraper`),
//! so that markup never becomes terms.
//!
//! Block elements (paragraphs, headings, list items, table rows, `<br>` …) end a line, so
//! they end a sentence; `script`, `style`, `nav`, `header`, `footer`, `aside` and other
//! parts that are not the page's own text are left out; `<title>` is kept as the
//! document variable `title`.

use ego_tree::NodeRef;
use scraper::{Html, Node};

/// A page's visible text and its title.
pub(crate) struct Page {
    pub(crate) text: String,
    pub(crate) title: String,
}

/// Elements whose content is not read: code, styling, navigation and page furniture.
const HIDDEN: [&str; 12] = [
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "svg",
    "iframe", "button",
];

/// Elements that stand on lines of their own.
const BLOCKS: [&str; 33] = [
    "address",
    "article",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// The visible text of `html` in reading order, and its `<title>`.
pub(crate) fn visible_text(html: &str) -> Page {
    let page = Html::parse_document(html);
    let mut text = String::new();
    let mut title = String::new();
    walk(page.tree.root(), &mut text, &mut title);
    // Lines trimmed, runs of blank lines and spaces collapsed.
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = collapse_spaces(line);
        if !line.is_empty() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Page {
        text: out,
        title: collapse_spaces(&title),
    }
}

fn walk(node: NodeRef<'_, Node>, text: &mut String, title: &mut String) {
    match node.value() {
        Node::Text(t) => {
            // Line breaks and indentation inside a paragraph are spaces, as a browser
            // shows them; only block elements end a line.
            for (i, part) in t.split(char::is_whitespace).enumerate() {
                if i > 0 {
                    text.push(' ');
                }
                text.push_str(part);
            }
        }
        Node::Element(e) => {
            let name = e.name();
            if name == "title" {
                for child in node.children() {
                    if let Node::Text(t) = child.value() {
                        title.push_str(t);
                    }
                }
                return;
            }
            if HIDDEN.contains(&name) {
                // The title lives in <head>: look for it there, and read nothing else.
                if name == "head" {
                    for child in node.children() {
                        walk_title(child, title);
                    }
                }
                return;
            }
            let block = BLOCKS.contains(&name);
            if block {
                text.push('\n');
            }
            for child in node.children() {
                walk(child, text, title);
            }
            if block {
                text.push('\n');
            }
        }
        _ => {
            for child in node.children() {
                walk(child, text, title);
            }
        }
    }
}

fn walk_title(node: NodeRef<'_, Node>, title: &mut String) {
    if let Node::Element(e) = node.value()
        && e.name() == "title"
    {
        for child in node.children() {
            if let Node::Text(t) = child.value() {
                title.push_str(t);
            }
        }
    }
}

/// Whitespace runs (HTML's source line breaks and indentation) as one space, trimmed.
fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_scripts_and_page_furniture_are_not_text() {
        let page = visible_text(
            "<!DOCTYPE html><html><head><title> 膝の再生医療 | クリニック </title>\
             <style>div{color:red}</style><script>var x = 1;</script></head><body>\
             <header><nav><a href='/'>ホーム</a></nav></header>\
             <div class='main'><h1>PRP療法</h1><p>痛みを<b>和らげる</b>効果が\n  期待されます。</p>\
             <ul><li>一つ目</li><li>二つ目</li></ul>改行<br>のあと</div>\
             <footer>© clinic</footer></body></html>",
        );
        assert_eq!(page.title, "膝の再生医療 | クリニック");
        assert_eq!(
            page.text,
            "PRP療法\n痛みを和らげる効果が 期待されます。\n一つ目\n二つ目\n改行\nのあと\n"
        );
    }
}
