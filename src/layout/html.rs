//! Raw HTML in the print edition: a block's elements set as paragraphs of
//! pieces, following `model::html::Print` (strong and emphasis in their
//! roles, `sup` and `sub` raised and lowered, `br` as a line break, each
//! block element its own paragraph, list items with the list's markers,
//! table rows as lines). White space collapses as in HTML, and a line
//! break between two Chinese characters is no space.

use super::para::Piece;
use super::{Ctx, FaceId};
use crate::model::html::{Element, Node, Print};
use crate::script::generated::Texts;
use crate::style::{EmphasisMark, FontRole};

/// One paragraph of a raw HTML block.
pub(super) enum HtmlPara {
    Text { pieces: Vec<Piece>, pre: bool },
    Rule,
}

/// The face, size, raise and emphasis of text being set.
#[derive(Clone, Copy)]
struct Look {
    font: FaceId,
    size: f32,
    raise: f32,
    dots: bool,
}

struct Flow<'a> {
    cx: &'a Ctx<'a>,
    paras: Vec<HtmlPara>,
    cur: Vec<Piece>,
    /// The last character set in the current paragraph.
    last: Option<char>,
    /// A collapsed space waiting for the next character.
    space: bool,
    pre: bool,
    src: usize,
}

impl Flow<'_> {
    fn flush(&mut self) {
        if self
            .cur
            .iter()
            .any(|p| !p.text.trim().is_empty() || p.footnote.is_some())
        {
            let pieces = std::mem::take(&mut self.cur);
            self.paras.push(HtmlPara::Text {
                pieces,
                pre: self.pre,
            });
        }
        self.cur.clear();
        self.last = None;
        self.space = false;
    }

    fn piece(&mut self, text: String, look: Look) {
        let mut p = Piece::new(text, look.font, look.size, Some(self.src));
        p.raise = look.raise;
        p.dots = look.dots;
        self.cur.push(p);
    }

    fn text(&mut self, t: &str, look: Look) {
        if self.pre {
            self.piece(t.to_string(), look);
            return;
        }
        let mut out = String::new();
        for c in t.chars() {
            if c.is_whitespace() {
                self.space = self.last.is_some();
                continue;
            }
            if self.space {
                let wide = |c: char| crate::script::is_wide(c);
                if !(self.last.is_some_and(wide) || wide(c)) {
                    out.push(' ');
                }
                self.space = false;
            }
            out.push(c);
            self.last = Some(c);
        }
        if !out.is_empty() {
            self.piece(out, look);
        }
    }

    fn nodes(&mut self, nodes: &[Node], look: Look) {
        for n in nodes {
            match n {
                Node::Text(t) => self.text(t, look),
                Node::Element(el, children) => self.element(el, children, look),
            }
        }
    }

    fn element(&mut self, el: &Element, children: &[Node], look: Look) {
        let fonts = self.cx.fonts;
        match el.spec().print {
            Print::Plain => self.nodes(children, look),
            Print::Strong => {
                let font = fonts.within(FontRole::Strong, look.font);
                self.nodes(children, Look { font, ..look })
            }
            Print::Emphasis => {
                let font = fonts.within(FontRole::Emphasis, look.font);
                let dots = look.dots || self.cx.class.emphasis == EmphasisMark::Dots;
                self.nodes(children, Look { font, dots, ..look })
            }
            Print::Raised | Print::Lowered => {
                let up = if el.spec().print == Print::Raised {
                    0.35
                } else {
                    -0.15
                };
                let l = Look {
                    size: look.size * 0.7,
                    raise: look.raise + look.size * up,
                    ..look
                };
                self.nodes(children, l)
            }
            Print::Break => {
                self.piece("\n".into(), look);
                self.last = None;
                self.space = false;
            }
            Print::Nothing => {}
            Print::Rule => {
                self.flush();
                self.paras.push(HtmlPara::Rule);
            }
            Print::Paragraph | Print::Preformatted => {
                self.flush();
                let pre = self.pre;
                self.pre = pre || el.spec().print == Print::Preformatted;
                if matches!(el.name, "ol" | "ul") {
                    self.list(el, children, look);
                } else {
                    self.nodes(children, look);
                }
                self.flush();
                self.pre = pre;
            }
            // Items outside a list do not occur (the loader refuses them).
            Print::Item => self.nodes(children, look),
            Print::Row => {
                self.flush();
                for (k, cell) in children
                    .iter()
                    .filter(|c| matches!(c, Node::Element(..)))
                    .enumerate()
                {
                    if k > 0 {
                        self.piece(" ".into(), look);
                        self.last = None;
                    }
                    self.nodes(std::slice::from_ref(cell), look);
                    self.space = false;
                }
                self.flush();
            }
        }
    }

    fn list(&mut self, el: &Element, children: &[Node], look: Look) {
        let start = if el.name == "ol" {
            let attr = el.attrs.iter().find(|(k, _)| *k == "start");
            Some(attr.and_then(|(_, v)| v.parse::<u64>().ok()).unwrap_or(1))
        } else {
            None
        };
        let items = children.iter().filter_map(|c| match c {
            Node::Element(li, content) => Some((li, content)),
            Node::Text(_) => None,
        });
        for (k, (_, content)) in items.enumerate() {
            self.flush();
            let marker = Texts::list_marker(start, k);
            let mut p = Piece::new(marker, look.font, look.size, None);
            p.raise = look.raise;
            self.cur.push(p);
            self.nodes(content, look);
            self.flush();
        }
    }
}

/// The paragraphs of a raw HTML block set in `font` at `size`; `src` is
/// the block's offset in its top-level block's text.
pub(super) fn paragraphs(
    cx: &Ctx,
    nodes: &[Node],
    font: FaceId,
    size: f32,
    src: usize,
) -> Vec<HtmlPara> {
    let mut flow = Flow {
        cx,
        paras: Vec::new(),
        cur: Vec::new(),
        last: None,
        space: false,
        pre: false,
        src,
    };
    let look = Look {
        font,
        size,
        raise: 0.0,
        dots: false,
    };
    flow.nodes(nodes, look);
    flow.flush();
    flow.paras
}
