//! Raw HTML in the model: the subset of XHTML elements and attributes a
//! chapter may carry, parsed and checked by the loader (`source::html`),
//! written as XHTML by the EPUB and set as text by the PDF. [`ELEMENTS`] is
//! the one list of what is kept and how the print edition shows it.

/// An element of the subset, with its checked attributes (values decoded).
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String)>,
}

impl Element {
    pub fn spec(&self) -> &'static Spec {
        spec(self.name).expect("elements are made from the subset")
    }
}

/// A node of a raw HTML block.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element, Vec<Node>),
    Text(String),
}

/// What an element may contain (a simplified HTML content model, strict
/// enough that the XHTML written is valid EPUB 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Text and phrasing elements.
    Phrasing,
    /// Text, phrasing and block elements.
    Flow,
    /// Only the named children (and white space between them).
    Only(&'static [&'static str]),
    /// Phrasing content plus `rt` and `rp` (ruby).
    Ruby,
    /// No content (`br`, `wbr`, `hr`).
    Void,
}

/// How the print edition sets an element's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    /// As the surrounding text.
    Plain,
    /// In the strong (bold) role.
    Strong,
    /// In the emphasis role (emphasis dots).
    Emphasis,
    /// Raised or lowered and smaller (`sup`, `sub`).
    Raised,
    Lowered,
    /// A line break.
    Break,
    /// Nothing visible (`wbr`).
    Nothing,
    /// Its own paragraph (block elements).
    Paragraph,
    /// Its own paragraph, lines kept (`pre`).
    Preformatted,
    /// A list item, with the list's marker.
    Item,
    /// A table row: its cells on one line, separated by spaces.
    Row,
    /// A short rule.
    Rule,
}

/// One element of the subset.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    /// A block element: not allowed inside paragraphs.
    pub block: bool,
    pub content: Content,
    pub print: Print,
    /// Attributes kept besides the global ones ([`GLOBAL_ATTRS`]).
    pub attrs: &'static [&'static str],
    /// What the PDF cannot show of it (a warning names it), if anything.
    pub unprinted: Option<&'static str>,
}

/// Attributes kept on every element.
pub const GLOBAL_ATTRS: &[&str] = &["class", "title", "lang", "xml:lang", "dir"];

const fn el(name: &'static str, block: bool, content: Content, print: Print) -> Spec {
    Spec {
        name,
        block,
        content,
        print,
        attrs: &[],
        unprinted: None,
    }
}

const fn unprinted(mut s: Spec, what: &'static str) -> Spec {
    s.unprinted = Some(what);
    s
}

const fn with_attrs(mut s: Spec, attrs: &'static [&'static str]) -> Spec {
    s.attrs = attrs;
    s
}

use Content::{Flow, Only, Phrasing, Ruby, Void};

/// The raw-HTML subset: every element a chapter may use.
pub const ELEMENTS: &[Spec] = &[
    el("span", false, Phrasing, Print::Plain),
    el("b", false, Phrasing, Print::Strong),
    el("strong", false, Phrasing, Print::Strong),
    el("em", false, Phrasing, Print::Emphasis),
    unprinted(el("i", false, Phrasing, Print::Plain), "italic"),
    unprinted(el("cite", false, Phrasing, Print::Plain), "italic"),
    unprinted(el("dfn", false, Phrasing, Print::Plain), "italic"),
    unprinted(el("var", false, Phrasing, Print::Plain), "italic"),
    el("abbr", false, Phrasing, Print::Plain),
    unprinted(el("small", false, Phrasing, Print::Plain), "smaller type"),
    el("sub", false, Phrasing, Print::Lowered),
    el("sup", false, Phrasing, Print::Raised),
    el("code", false, Phrasing, Print::Plain),
    unprinted(el("mark", false, Phrasing, Print::Plain), "highlighting"),
    unprinted(el("u", false, Phrasing, Print::Plain), "underlining"),
    unprinted(el("ins", false, Phrasing, Print::Plain), "underlining"),
    unprinted(el("s", false, Phrasing, Print::Plain), "strike-through"),
    unprinted(el("del", false, Phrasing, Print::Plain), "strike-through"),
    el("bdi", false, Phrasing, Print::Plain),
    with_attrs(el("time", false, Phrasing, Print::Plain), &["datetime"]),
    with_attrs(el("data", false, Phrasing, Print::Plain), &["value"]),
    unprinted(
        el("ruby", false, Ruby, Print::Plain),
        "ruby placement (the annotation follows its base text)",
    ),
    el("rt", false, Phrasing, Print::Plain),
    el("rp", false, Phrasing, Print::Plain),
    el("br", false, Void, Print::Break),
    el("wbr", false, Void, Print::Nothing),
    el("div", true, Flow, Print::Paragraph),
    el("p", true, Phrasing, Print::Paragraph),
    el("blockquote", true, Flow, Print::Paragraph),
    with_attrs(
        el("ol", true, Only(&["li"]), Print::Paragraph),
        &["start", "reversed"],
    ),
    el("ul", true, Only(&["li"]), Print::Paragraph),
    el("li", true, Flow, Print::Item),
    el("dl", true, Only(&["dt", "dd"]), Print::Paragraph),
    el("dt", true, Phrasing, Print::Paragraph),
    el("dd", true, Flow, Print::Paragraph),
    el("hr", true, Void, Print::Rule),
    el("pre", true, Phrasing, Print::Preformatted),
    unprinted(
        el(
            "table",
            true,
            Only(&["caption", "thead", "tbody", "tfoot", "tr"]),
            Print::Paragraph,
        ),
        "table layout (each row is set as a line of text)",
    ),
    el("caption", true, Phrasing, Print::Paragraph),
    el("thead", true, Only(&["tr"]), Print::Paragraph),
    el("tbody", true, Only(&["tr"]), Print::Paragraph),
    el("tfoot", true, Only(&["tr"]), Print::Paragraph),
    el("tr", true, Only(&["th", "td"]), Print::Row),
    // Reading systems set header cells bold.
    with_attrs(
        el("th", true, Phrasing, Print::Strong),
        &["colspan", "rowspan", "scope"],
    ),
    with_attrs(
        el("td", true, Phrasing, Print::Plain),
        &["colspan", "rowspan"],
    ),
];

/// The subset's entry for `name`.
pub fn spec(name: &str) -> Option<&'static Spec> {
    ELEMENTS.iter().find(|s| s.name == name)
}

/// Text content of nodes, as a reader sees it: every text node in order.
pub fn text(nodes: &[Node]) -> String {
    let mut out = String::new();
    push_text(nodes, &mut out);
    out
}

fn push_text(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(_, children) => push_text(children, out),
        }
    }
}
