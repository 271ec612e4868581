//! Writing XHTML content documents: [`Doc`] escapes text and records every
//! character under the face that sets it, so the font subsets hold exactly
//! what the book shows, and places page-break markers at the character
//! where each printed page starts.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::fonts::{FaceId, FontSet};
use crate::script::charbits::CharBits;
use crate::style::FontRole;

pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
pub const OPS_NS: &str = "http://www.idpf.org/2007/ops";

/// Characters set in each face of the book, collected while writing the
/// documents; indexed by [`FaceId`].
/// Bit sets: every character of the text is recorded, and a tree's
/// search per character was 2 % of a large book's build.
#[derive(Clone)]
pub struct UsedChars(Vec<CharBits>);

impl UsedChars {
    pub fn new(fonts: &FontSet) -> Self {
        UsedChars(vec![CharBits::default(); fonts.faces.len()])
    }

    /// The characters set in `face`, in code point order.
    pub fn of(&self, face: FaceId) -> BTreeSet<char> {
        self.0[face.index()].iter().collect()
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A page-break marker waiting for its place in a block's text.
pub(super) struct Marker {
    pub offset: usize,
    pub markup: String,
}

/// One document being written.
pub struct Doc<'u> {
    out: String,
    faces: Vec<FaceId>,
    fonts: &'u FontSet,
    used: &'u mut UsedChars,
    /// Markers of the current top-level block, in text order, and the
    /// number of characters of `model::block_text` written so far.
    markers: std::collections::VecDeque<Marker>,
    counted: usize,
}

impl<'u> Doc<'u> {
    /// Starts a document: XML declaration, `html` with the book's language,
    /// `head` with the title and the style sheet.
    pub fn new(
        (fonts, used): (&'u FontSet, &'u mut UsedChars),
        lang: &str,
        title: &str,
        css_href: &str,
    ) -> Self {
        let mut out = String::with_capacity(16 * 1024);
        let lang = escape(lang);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
        out.push_str(&format!(
            "<html xmlns=\"{XHTML_NS}\" xmlns:epub=\"{OPS_NS}\" xml:lang=\"{lang}\" lang=\"{lang}\">\n"
        ));
        out.push_str(&format!(
            "<head>\n<meta charset=\"UTF-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"{}\"/>\n</head>\n",
            escape(title),
            escape(css_href)
        ));
        Doc {
            out,
            faces: vec![fonts.role(FontRole::Body)],
            fonts,
            used,
            markers: Default::default(),
            counted: 0,
        }
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</html>\n");
        self.out
    }

    /// Markup written as is (tags, attributes already escaped).
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Text of `role` follows, in the face the style sheet gives it.
    pub fn push_role(&mut self, role: FontRole) {
        let current = self.faces.last().copied().unwrap_or(FaceId(0));
        self.faces.push(self.fonts.within(role, current));
    }

    pub fn pop_face(&mut self) {
        self.faces.pop();
    }

    fn record(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let face = self.faces.last().copied().unwrap_or(FaceId(0));
        // A character the face lacks is drawn from the fallback that has it.
        let face = self.fonts.face_for(face, c);
        self.used.0[face.index()].insert(c);
    }

    /// Visible text: escaped, recorded, and counted against page markers.
    pub fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.marker_before_char();
            self.counted += 1;
            self.record(c);
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                _ => self.out.push(c),
            }
        }
    }

    /// Display text (a title, a heading): like [`Doc::text`], with `<wbr/>`
    /// between its words, so a reader that keeps words whole (headings
    /// have `word-break: keep-all`) breaks a long title only between words.
    pub fn words(&mut self, s: &str) {
        let mut last = 0;
        for b in crate::script::segment::boundaries(s) {
            self.text(&s[last..b]);
            self.out.push_str("<wbr/>");
            last = b;
        }
        self.text(&s[last..]);
    }

    /// Visible text the renderer adds (note numbers): recorded for the
    /// font but not part of the model's block text, so not counted.
    pub fn generated_text(&mut self, s: &str) {
        for c in s.chars() {
            self.record(c);
        }
        escape_into(s, &mut self.out);
    }

    /// Places the markers that fall within the next `n` characters here,
    /// before content that cannot hold them (a raw HTML block).
    pub(super) fn markers_before(&mut self, n: usize) {
        while self
            .markers
            .front()
            .is_some_and(|m| m.offset < self.counted + n.max(1))
        {
            let m = self.markers.pop_front().expect("checked");
            self.out.push_str(&m.markup);
        }
    }

    /// Counts characters of the block text that have no markup of their
    /// own (the line end after each paragraph).
    pub(super) fn count(&mut self, n: usize) {
        self.counted += n;
    }

    pub(super) fn marker_before_char(&mut self) {
        while self
            .markers
            .front()
            .is_some_and(|m| m.offset <= self.counted)
        {
            let m = self.markers.pop_front().expect("checked");
            self.out.push_str(&m.markup);
        }
    }

    pub(super) fn begin_block(&mut self, markers: Vec<Marker>) {
        self.markers = markers.into();
        self.counted = 0;
    }

    /// Ends a block; markers past its last character are returned, to
    /// start the next block's text.
    pub(super) fn end_block(&mut self) -> Vec<Marker> {
        self.out.push('\n');
        self.markers.drain(..).collect()
    }
}

/// The id of page `index` (0-based in the page map) in its document.
pub fn page_id(index: usize) -> String {
    format!("page-{}", index + 1)
}

pub(super) fn page_marker(index: usize, label: &str) -> String {
    format!(
        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{}\"></span>",
        page_id(index),
        escape(label)
    )
}

/// An image file the chapters use, with its name inside the package.
#[derive(Debug, Clone)]
pub struct ImageRef {
    pub source: PathBuf,
    pub href: String,
    pub media_type: &'static str,
}
