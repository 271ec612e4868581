//! Raw HTML in chapters, parsed as XML fragments with quick-xml and held to
//! the subset of `model::html::ELEMENTS`: HTML named entities (`&nbsp;`,
//! `&mdash;` …, the full WHATWG table from `htmlize`) become characters;
//! scripts, frames, forms, style sheets, processing instructions, DOCTYPEs
//! and event handlers are refused; every element and attribute must be in
//! the subset and placed where XHTML allows it. Problems carry the byte
//! offset in the fragment, which the caller turns into a source position.

use quick_xml::events::{BytesStart, Event};

use crate::model::html::{Content, Element, GLOBAL_ATTRS, Node, spec};

/// A problem at byte `offset` of the fragment.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
}

fn problem(offset: usize, message: impl Into<String>) -> Problem {
    Problem {
        offset,
        message: message.into(),
    }
}

/// Why an element name is refused.
fn refusal(name: &str) -> String {
    let why = match name {
        "script" | "noscript" => {
            "scripts are refused (an EPUB with scripts needs a reader that runs them, and the PDF cannot)"
        }
        "style" => "style sheets in the text are refused: the book's design sets both editions",
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "canvas" | "video"
        | "audio" | "source" | "track" | "portal" => "frames and embedded content are refused",
        "form" | "input" | "button" | "select" | "textarea" | "option" | "optgroup" | "label"
        | "fieldset" | "legend" | "datalist" | "output" | "meter" | "progress" => {
            "forms are refused"
        }
        "img" | "picture" | "svg" | "math" => {
            "write images with Markdown, ![alternative text](file), so both editions show them"
        }
        "a" => "write links with Markdown, [text](target), so both editions can follow them",
        "html" | "head" | "body" | "title" | "meta" | "link" | "base" => {
            "document-level elements belong to the edition, not to a chapter"
        }
        _ => "it is not in the raw-HTML subset bindery keeps (see the README, Raw HTML)",
    };
    format!("<{name}> is not allowed: {why}")
}

/// Elements that only belong inside a particular parent.
fn placed(name: &str) -> bool {
    matches!(
        name,
        "li" | "dt"
            | "dd"
            | "tr"
            | "th"
            | "td"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "rt"
            | "rp"
    )
}

/// Whether `content` may hold the element `name`.
pub fn allows(content: Content, name: &str, block: bool) -> bool {
    match content {
        Content::Phrasing => !block && !placed(name),
        Content::Flow => !placed(name),
        Content::Only(names) => names.contains(&name),
        Content::Ruby => (!block && !placed(name)) || name == "rt" || name == "rp",
        Content::Void => false,
    }
}

fn where_text_allowed(content: Content) -> bool {
    !matches!(content, Content::Only(_) | Content::Void)
}

/// Resolves `&name;` (HTML named entities) and `&#…;` to text.
fn entity(name: &str) -> Result<String, String> {
    if let Some(num) = name.strip_prefix('#') {
        let r = quick_xml::events::BytesRef::new(name);
        let c = r
            .resolve_char_ref()
            .ok()
            .flatten()
            .ok_or_else(|| format!("&{name}; is not a character reference"))?;
        if super::text::forbidden(c) {
            return Err(format!(
                "&#{num}; stands for the control character {}, which is not allowed",
                super::text::describe(c)
            ));
        }
        return Ok(c.to_string());
    }
    let key = format!("&{name};");
    htmlize::ENTITIES
        .get(key.as_bytes())
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .ok_or_else(|| {
            format!("&{name}; is not an HTML entity; write the character itself, or &amp; for “&”")
        })
}

/// An attribute value with its entities resolved; a lone `&` is an error.
fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .filter(|&e| {
                e > 0
                    && after[..e]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '#')
            })
            .ok_or("a lone “&” must be written &amp;")?;
        out.push_str(&entity(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn valid_attr_value(el: &str, name: &str, value: &str) -> Result<(), String> {
    let ok = match name {
        "lang" | "xml:lang" => {
            value.is_empty()
                || language_tags::LanguageTag::parse(value)
                    .map(|t| t.validate().is_ok())
                    .unwrap_or(false)
        }
        "dir" => matches!(value, "ltr" | "rtl" | "auto"),
        "start" => value.parse::<i64>().is_ok(),
        "reversed" => value.is_empty() || value == "reversed",
        "colspan" | "rowspan" => value.parse::<u32>().is_ok_and(|n| (1..=1000).contains(&n)),
        "scope" => matches!(value, "row" | "col" | "rowgroup" | "colgroup"),
        "datetime" => super::meta::valid_date(value).is_ok(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{name}=\"{value}\" is not a valid value on <{el}>"))
    }
}

/// The element of a start tag, its attributes checked; `at` is the tag's
/// offset in the fragment.
fn element(e: &BytesStart, at: usize) -> Result<Element, Problem> {
    let raw = e.name().as_ref().to_string();
    let name = raw.to_ascii_lowercase();
    if name != raw {
        return Err(problem(
            at,
            format!("<{raw}>: element names are written in lower case in XHTML (<{name}>)"),
        ));
    }
    let spec = spec(&name).ok_or_else(|| problem(at, refusal(&name)))?;
    let mut attrs = Vec::new();
    let mut it = e.attributes();
    it.with_checks(true);
    for a in it {
        let a = a.map_err(|err| problem(at, format!("<{name}>: {err}")))?;
        let key = a.key.as_ref().to_string();
        if key.to_ascii_lowercase().starts_with("on") {
            return Err(problem(
                at,
                format!("<{name} {key}>: event handler attributes are refused (no scripts)"),
            ));
        }
        let Some(&known) = GLOBAL_ATTRS
            .iter()
            .chain(spec.attrs)
            .find(|k| **k == key.as_str())
        else {
            let why = match key.as_str() {
                "style" => ": the book's design sets both editions; use class",
                "id" => ": headings get their ids from their text, and ids must stay unique",
                _ => "",
            };
            return Err(problem(
                at,
                format!("<{name}>: the attribute {key} is not kept{why}"),
            ));
        };
        let raw = a.value.to_string();
        let value = unescape(&raw).map_err(|m| problem(at, format!("<{name} {key}>: {m}")))?;
        if let Some(c) = value.chars().find(|&c| super::text::forbidden(c)) {
            return Err(problem(
                at,
                format!(
                    "<{name} {key}>: control character {} in the value",
                    super::text::describe(c)
                ),
            ));
        }
        valid_attr_value(&name, known, &value).map_err(|m| problem(at, m))?;
        attrs.push((known, value));
    }
    Ok(Element {
        name: spec.name,
        attrs,
    })
}

/// One piece of a raw HTML fragment.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Open(Element),
    Close(String),
    /// A void element (`<br/>`, `<br>`, `<wbr/>`).
    Void(Element),
    /// Text, entities and CDATA resolved.
    Text(String),
    /// A comment: not part of the book.
    Nothing,
}

fn is_void(name: &str) -> bool {
    spec(name).is_some_and(|s| s.content == Content::Void)
}

/// Reads the pieces of `html` in order; the first problem stops it.
fn pieces(html: &str) -> Result<Vec<(usize, Piece)>, Problem> {
    let mut reader = quick_xml::Reader::from_str(html);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.check_comments = true;
    cfg.allow_unmatched_ends = true;
    let mut out = Vec::new();
    loop {
        let at = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| {
            problem(
                reader.error_position() as usize,
                format!("not well-formed: {e}"),
            )
        })?;
        let piece = match ev {
            Event::Eof => return Ok(out),
            Event::Start(e) => {
                let el = element(&e, at)?;
                if is_void(el.name) {
                    Piece::Void(el)
                } else {
                    Piece::Open(el)
                }
            }
            Event::Empty(e) => {
                let el = element(&e, at)?;
                if !is_void(el.name) {
                    return Err(problem(
                        at,
                        format!(
                            "<{}/>: only void elements (br, wbr, hr) may be written self-closed; write <{0}></{0}>",
                            el.name
                        ),
                    ));
                }
                Piece::Void(el)
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                if is_void(&name) {
                    return Err(problem(at, format!("</{name}>: <{name}> has no end tag")));
                }
                Piece::Close(name)
            }
            Event::Text(t) => Piece::Text(t.xml10_content().into_owned()),
            Event::CData(t) => Piece::Text(t.xml10_content().into_owned()),
            Event::GeneralRef(r) => Piece::Text(entity(&r).map_err(|m| problem(at, m))?),
            Event::Comment(c) => {
                let c = c.xml10_content();
                if c.contains("--") || c.ends_with('-') {
                    return Err(problem(
                        at,
                        "a comment may not contain “--” or end with “-”",
                    ));
                }
                Piece::Nothing
            }
            Event::PI(_) | Event::Decl(_) => {
                return Err(problem(
                    at,
                    "processing instructions (<?…?>) are refused: the edition writes its own XML declaration",
                ));
            }
            Event::DocType(_) => {
                return Err(problem(
                    at,
                    "a DOCTYPE is refused: the edition writes its own",
                ));
            }
        };
        out.push((at, piece));
    }
}

/// A tree of nodes being built, with the content model of each open element.
pub struct Tree {
    /// Open elements: the element, its content, its children, where it opened.
    stack: Vec<(Option<Element>, Content, Vec<Node>, usize)>,
}

impl Tree {
    pub fn new(root: Content) -> Self {
        Tree {
            stack: vec![(None, root, Vec::new(), 0)],
        }
    }

    pub fn depth(&self) -> usize {
        self.stack.len() - 1
    }

    fn content(&self) -> Content {
        self.stack.last().expect("root").1
    }

    /// Adds a piece found at `at`.
    pub fn add(&mut self, at: usize, piece: Piece) -> Result<(), Problem> {
        match piece {
            Piece::Nothing => {}
            Piece::Text(t) => {
                if !where_text_allowed(self.content()) && !t.trim().is_empty() {
                    let parent = self.parent_name();
                    return Err(problem(
                        at,
                        format!(
                            "text directly inside <{parent}> is not allowed; put it in a child element"
                        ),
                    ));
                }
                let children = &mut self.stack.last_mut().expect("root").2;
                match children.last_mut() {
                    Some(Node::Text(prev)) => prev.push_str(&t),
                    _ => children.push(Node::Text(t)),
                }
            }
            Piece::Open(el) | Piece::Void(el) if !self.fits(el.name) => {
                return Err(problem(at, self.misplaced(el.name)));
            }
            Piece::Void(el) => self
                .stack
                .last_mut()
                .expect("root")
                .2
                .push(Node::Element(el, Vec::new())),
            Piece::Open(el) => {
                let content = el.spec().content;
                self.stack.push((Some(el), content, Vec::new(), at));
            }
            Piece::Close(name) => {
                let open = self.stack.last().and_then(|s| s.0.as_ref());
                match open {
                    Some(el) if el.name == name => {
                        let (el, _, children, _) = self.stack.pop().expect("open");
                        let el = el.expect("not the root");
                        self.stack
                            .last_mut()
                            .expect("root")
                            .2
                            .push(Node::Element(el, children));
                    }
                    Some(el) => {
                        return Err(problem(
                            at,
                            format!("</{name}> closes <{}>, which is still open", el.name),
                        ));
                    }
                    None => {
                        return Err(problem(
                            at,
                            format!("</{name}> has no matching start tag here"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn parent_name(&self) -> &'static str {
        self.stack
            .last()
            .and_then(|s| s.0.as_ref())
            .map_or("the text", |e| e.name)
    }

    fn fits(&self, name: &str) -> bool {
        let block = spec(name).is_some_and(|s| s.block);
        allows(self.content(), name, block)
    }

    fn misplaced(&self, name: &str) -> String {
        match self.stack.last().and_then(|s| s.0.as_ref()) {
            Some(p) => format!("<{name}> cannot be inside <{}>", p.name),
            None if self.stack[0].1 == Content::Phrasing && spec(name).is_some_and(|s| s.block) => {
                format!(
                    "<{name}> is a block element and cannot be inside a paragraph; start it on a line of its own"
                )
            }
            None => format!("<{name}> cannot stand here; it belongs inside its parent element"),
        }
    }

    /// The finished nodes, or the first element left open.
    pub fn finish(mut self) -> Result<Vec<Node>, Problem> {
        if self.stack.len() > 1 {
            let (el, _, _, at) = self.stack.pop().expect("open");
            let name = el.map_or("", |e| e.name);
            return Err(problem(at, format!("<{name}> is never closed")));
        }
        Ok(self.stack.pop().expect("root").2)
    }
}

/// Parses an HTML block. `max_depth` bounds the nesting of its elements.
pub fn block(html: &str, max_depth: usize) -> Result<Vec<Node>, Problem> {
    let mut tree = Tree::new(Content::Flow);
    for (at, piece) in pieces(html)? {
        tree.add(at, piece)?;
        if tree.depth() > max_depth {
            return Err(problem(
                at,
                format!("elements nested more than {max_depth} deep"),
            ));
        }
    }
    tree.finish()
}

/// Parses one inline raw HTML event (a tag, comment or CDATA section).
pub fn inline(html: &str) -> Result<Vec<(usize, Piece)>, Problem> {
    pieces(html)
}

/// Every element name in `nodes` whose look the PDF cannot show, with what
/// it loses.
pub fn unprinted(nodes: &[Node], out: &mut Vec<(&'static str, &'static str)>) {
    for n in nodes {
        if let Node::Element(el, children) = n {
            if let Some(what) = el.spec().unprinted
                && !out.iter().any(|(n, _)| *n == el.name)
            {
                out.push((el.name, what));
            }
            unprinted(children, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        crate::model::html::text(&block(html, 64).unwrap())
    }

    #[test]
    fn entities_become_characters() {
        assert_eq!(
            text_of("<p>甲&nbsp;乙&mdash;丙&hellip;&ldquo;丁&rdquo;&#x4E2D;&#20013;&amp;</p>"),
            "甲\u{a0}乙—丙…“丁”中中&"
        );
        let e = block("<p>&nope;</p>", 64).unwrap_err();
        assert!(e.message.contains("&nope;"), "{e:?}");
        assert!(block("<p>&#7;</p>", 64).is_err());
    }

    #[test]
    fn refused_constructs() {
        for (html, what) in [
            ("<script>x()</script>", "scripts"),
            ("<style>p{}</style>", "style sheets"),
            ("<iframe></iframe>", "frames"),
            ("<form></form>", "forms"),
            ("<?xml version=\"1.0\"?><p>x</p>", "processing"),
            ("<!DOCTYPE html><p>x</p>", "DOCTYPE"),
            ("<p onclick=\"x()\">x</p>", "event handler"),
            ("<p class=a>x</p>", "<p>"),
            ("<p class=\"a\" class=\"b\">x</p>", "<p>"),
            ("<!-- a -- b --><p>x</p>", "comment"),
            ("</p><p>", "no matching"),
            ("<p><div>x</div></p>", "cannot be inside"),
            ("<ul>文字</ul>", "text directly"),
            ("<p>x", "never closed"),
            ("<p>x</div>", "closes <p>"),
            ("<p style=\"color:red\">x</p>", "style"),
            ("<p id=\"a\">x</p>", "ids"),
            ("<p lang=\"klingon!!\">x</p>", "lang"),
            ("<li>x</li>", "belongs inside"),
        ] {
            let e = block(html, 64).expect_err(html);
            assert!(e.message.contains(what), "{html}: {e:?}");
        }
    }

    #[test]
    fn the_subset_is_kept() {
        let nodes = block(
            "<div class=\"box\">\n<p>甲<b>乙</b><br>丙<ruby>汉<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby></p>\n<ul><li>一</li></ul><![CDATA[<丁>]]><hr/></div>",
            64,
        )
        .unwrap();
        assert_eq!(crate::model::html::text(&nodes), "\n甲乙丙汉(hàn)\n一<丁>");
        let mut u = Vec::new();
        unprinted(&nodes, &mut u);
        assert_eq!(u.len(), 1, "{u:?}");
        assert!(block(&"<span>".repeat(70), 64).is_err());
    }
}
