//! A strict little XML tree for the checker, built on quick-xml.
//!
//! Well-formedness is checked (one root, matching and closed tags, unique
//! attributes, only predefined or numeric entity references), namespaces
//! are resolved, and a DOCTYPE that declares entities is refused outright:
//! no entity is ever expanded, so a billion-laughs document costs nothing.

use quick_xml::events::Event;

use std::cell::Cell;
use std::rc::Rc;

pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
pub const EPUB_NS: &str = "http://www.idpf.org/2007/ops";
pub const OPF_NS: &str = "http://www.idpf.org/2007/opf";
pub const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Deepest element nesting accepted.
const MAX_DEPTH: usize = 256;
/// Most nodes in one document.
const MAX_NODES: usize = 2_000_000;

#[derive(Debug, Clone)]
pub struct Element {
    /// Shared by every element of the namespace (memory on big documents).
    pub ns: Rc<str>,
    pub local: String,
    /// Attributes: (namespace or "", local name, value).
    pub attrs: Vec<(Rc<str>, Rc<str>, String)>,
    pub children: Vec<Node>,
    /// Line and column of the start tag.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub enum Node {
    /// Boxed: a child list holds small nodes, whatever their content.
    Element(Box<Element>),
    Text(String),
}

impl Element {
    /// Attribute without namespace.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attr_ns("", local)
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| &**n == ns && &**l == local)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        &*self.ns == ns && self.local == local
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(&**e),
            Node::Text(_) => None,
        })
    }

    /// Every descendant element, depth first, in document order.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = vec![self];
        while let Some(e) = stack.pop() {
            out.push(e);
            let kids: Vec<&Element> = e.elements().collect();
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    /// All text inside, concatenated.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(n) = stack.pop() {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => stack.extend(e.children.iter().rev()),
            }
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum XmlError {
    /// Not well-formed: message, line, column.
    Malformed(String, u32, u32),
    /// A DOCTYPE with entity declarations.
    Entities(String, u32, u32),
}

/// Parses a whole document into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    {
        let c = reader.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
        c.expand_empty_elements = false;
    }
    // Positions only grow while parsing: line and column are counted on
    // from the last position, which keeps long documents linear.
    let cursor = Cursor::default();
    let at = |pos: u64| cursor.line_col(text, pos as usize);
    let malformed = |m: String, pos: u64| {
        let (l, c) = at(pos);
        XmlError::Malformed(m, l, c)
    };
    // Open elements with their namespace scopes: (element, declared prefixes).
    let mut stack: Vec<(Element, Vec<(String, String)>)> = Vec::new();
    let mut names = Names {
        scopes: vec![vec![
            ("xml".into(), Rc::from(XML_NS)),
            (String::new(), Rc::from("")),
        ]],
        shared: std::collections::HashMap::new(),
        no_ns: Rc::from(""),
    };
    let mut root: Option<Element> = None;
    let mut nodes = 0usize;
    // XHTML 1.x DTDs declare the HTML 4 entities (&nbsp; ...).
    let mut html_entities = false;
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event()
            .map_err(|e| malformed(e.to_string(), reader.error_position()))?;
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(malformed(format!("more than {MAX_NODES} nodes"), pos));
        }
        match ev {
            Event::Eof => break,
            Event::DocType(d) => {
                let body: &str = &d;
                html_entities = body.contains("-//W3C//DTD XHTML");
                if body.contains("<!ENTITY") || body.contains('[') {
                    let (l, c) = at(pos);
                    return Err(XmlError::Entities(
                        "the DOCTYPE has an internal subset declaring entities; entity expansion (\"billion laughs\") is refused".into(),
                        l,
                        c,
                    ));
                }
            }
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                let _ = s;
                return Err(malformed("content after the root element".into(), pos));
            }
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let (is_empty, s) = match ev {
                    Event::Start(s) => (false, s),
                    Event::Empty(s) => (true, s),
                    _ => unreachable!(),
                };
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(
                        format!("elements nested deeper than {MAX_DEPTH}"),
                        pos,
                    ));
                }
                let (line, column) = at(pos);
                let el =
                    start_element(&s, &mut names, line, column).map_err(|m| malformed(m, pos))?;
                if is_empty {
                    names.scopes.pop();
                    match stack.last_mut() {
                        Some((parent, _)) => parent.children.push(Node::Element(Box::new(el))),
                        None => root = Some(el),
                    }
                } else {
                    stack.push((el, Vec::new()));
                }
            }
            Event::End(_) => {
                let Some((mut el, _)) = stack.pop() else {
                    return Err(malformed("end tag without start tag".into(), pos));
                };
                names.scopes.pop();
                el.children.shrink_to_fit();
                match stack.last_mut() {
                    Some((parent, _)) => parent.children.push(Node::Element(Box::new(el))),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let s: &str = &t;
                push_text(&mut stack, s, root.is_some(), pos, &malformed)?;
            }
            Event::CData(c) => {
                let s: String = c.to_string();
                push_text(&mut stack, &s, root.is_some(), pos, &malformed)?;
            }
            Event::GeneralRef(r) => {
                let s: &str = &r;
                let html = || {
                    html_entities
                        .then(|| quick_xml::escape::resolve_html5_entity(s))
                        .flatten()
                };
                let ch: String = match s {
                    "lt" => "<".into(),
                    "gt" => ">".into(),
                    "amp" => "&".into(),
                    "apos" => "'".into(),
                    "quot" => "\"".into(),
                    _ => match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ if html().is_some() => html().unwrap_or_default().to_string(),
                        _ => {
                            return Err(malformed(
                                format!(
                                    "undefined entity &{s}; (only the five XML entities and numeric references are allowed)"
                                ),
                                pos,
                            ));
                        }
                    },
                };
                push_text(&mut stack, &ch, root.is_some(), pos, &malformed)?;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if let Some((el, _)) = stack.last() {
        return Err(XmlError::Malformed(
            format!("element <{}> is not closed", el.local),
            el.line,
            el.column,
        ));
    }
    root.ok_or_else(|| malformed("no root element".into(), text.len() as u64))
}

/// Names while parsing: the namespace declarations in scope, and one
/// shared copy of each attribute name (names repeat; memory counts on
/// big documents).
struct Names {
    scopes: Vec<Vec<(String, Rc<str>)>>,
    shared: std::collections::HashMap<String, Rc<str>>,
    no_ns: Rc<str>,
}

impl Names {
    fn intern(&mut self, n: &str) -> Rc<str> {
        if let Some(r) = self.shared.get(n) {
            return r.clone();
        }
        let r: Rc<str> = Rc::from(n);
        if self.shared.len() < 10_000 {
            self.shared.insert(n.to_string(), r.clone());
        }
        r
    }

    /// The namespace name `v`, shared with an equal one in scope.
    fn uri(&self, v: &str) -> Rc<str> {
        self.scopes
            .iter()
            .flat_map(|s| s.iter())
            .find(|(_, u)| &**u == v)
            .map(|(_, u)| u.clone())
            .unwrap_or_else(|| Rc::from(v))
    }

    fn lookup(&self, prefix: &str) -> Option<Rc<str>> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter())
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.clone())
    }
}

/// Reads a start tag: opens its namespace scope and resolves the names of
/// the element and its attributes.
fn start_element(
    s: &quick_xml::events::BytesStart,
    names: &mut Names,
    line: u32,
    column: u32,
) -> Result<Element, String> {
    let qname = String::from_utf8_lossy(s.name().as_ref().as_bytes()).into_owned();
    let mut raw_attrs = Vec::new();
    let mut decls = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| format!("attribute: {e}"))?;
        let key = String::from_utf8_lossy(a.key.as_ref().as_bytes()).into_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("attribute {key}: {e}"))?
            .into_owned();
        if key == "xmlns" {
            decls.push((String::new(), names.uri(&value)));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_string(), names.uri(&value)));
        }
        raw_attrs.push((key, value));
    }
    names.scopes.push(decls);
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", qname.as_str()),
    };
    let ns = names
        .lookup(prefix)
        .ok_or_else(|| format!("undeclared namespace prefix {prefix:?}"))?;
    let mut attrs = Vec::new();
    for (k, v) in raw_attrs {
        if k == "xmlns" || k.starts_with("xmlns:") {
            continue;
        }
        let (ans, al) = match k.split_once(':') {
            Some((p, l)) => match names.lookup(p) {
                Some(u) => (u, names.intern(l)),
                None => {
                    return Err(format!(
                        "undeclared namespace prefix {p:?} on attribute {k}"
                    ));
                }
            },
            None => (names.no_ns.clone(), names.intern(&k)),
        };
        attrs.push((ans, al, v));
    }
    Ok(Element {
        ns,
        local: local.to_string(),
        attrs,
        children: Vec::new(),
        line,
        column,
    })
}

/// Line and column of byte offsets asked in increasing order.
#[derive(Default)]
struct Cursor {
    offset: Cell<usize>,
    line: Cell<u32>,
    column: Cell<u32>,
}

impl Cursor {
    fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = text.floor_char_boundary(offset.min(text.len()));
        let (mut from, mut line, mut column) =
            (self.offset.get(), self.line.get(), self.column.get());
        if line == 0 || offset < from {
            (from, line, column) = (0, 1, 1);
        }
        for c in text[from..offset].chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        self.offset.set(offset);
        self.line.set(line);
        self.column.set(column);
        (line, column)
    }
}

fn push_text(
    stack: &mut [(Element, Vec<(String, String)>)],
    s: &str,
    after_root: bool,
    pos: u64,
    malformed: &dyn Fn(String, u64) -> XmlError,
) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some((parent, _)) => {
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(s);
            } else if s.trim().is_empty() {
                // Whitespace between elements: nothing any rule reads,
                // and much of a big document's memory.
            } else {
                parent.children.push(Node::Text(s.to_string()));
            }
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(malformed(
            format!(
                "text {} the root element",
                if after_root { "after" } else { "before" }
            ),
            pos,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_and_entities() {
        let e = parse(
            r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="zh"><p epub:type="x">a&amp;b&#x4E2D;</p></html>"#,
        )
        .unwrap();
        assert!(e.is(XHTML_NS, "html"));
        assert_eq!(e.attr_ns(XML_NS, "lang"), Some("zh"));
        let p = e.elements().next().unwrap();
        assert_eq!(p.attr_ns(EPUB_NS, "type"), Some("x"));
        assert_eq!(p.text(), "a&b中");
    }

    #[test]
    fn refuses_malformed_and_entities() {
        assert!(matches!(parse("<a><b></a>"), Err(XmlError::Malformed(..))));
        assert!(matches!(parse("<a>"), Err(XmlError::Malformed(..))));
        assert!(matches!(parse("<a/><b/>"), Err(XmlError::Malformed(..))));
        assert!(matches!(
            parse("<a>&nbsp;</a>"),
            Err(XmlError::Malformed(..))
        ));
        assert!(matches!(
            parse(r#"<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>"#),
            Err(XmlError::Entities(..))
        ));
        assert!(parse("<!DOCTYPE html><a/>").is_ok());
    }
}
