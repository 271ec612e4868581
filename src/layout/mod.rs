//! The typesetter: turns the book model into pages of positioned glyph runs,
//! rules, images and links, independent of any PDF library, following the
//! document class (`style`). The laid-out lines are kept in
//! [`Document::lines`] so tests can check them.
//!
//! Stages: `para` sets one paragraph (shaping in `shape`, line breaking);
//! `article` and `front` build single-column galleys of lines (articles;
//! title page and contents); `paginate` cuts galleys into pages and places
//! their lines; `notes` puts footnotes at the foot of the page; `furniture`
//! adds running heads and folios; `book` assembles the pages in order.

mod article;
mod book;
mod front;
mod furniture;
mod galley;
mod geometry;
mod glue;
mod html;
mod notes;
mod paginate;
pub mod para;
pub mod shape;

use std::ops::Range;
use std::path::PathBuf;

pub use book::typeset;

pub use crate::fonts::FaceId;
use crate::model::pagemap::PageMap;
pub use crate::style::Numbering;

/// A glyph in a run, in points. The pen moves by `advance` after it; `dx`,
/// `dy` displace the glyph itself (y up, as the shaper gives it).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    /// Bytes of the run's text this glyph stands for (32-bit: a run is one
    /// line, and glyphs are most of a large book's memory while it is set).
    pub range: Range<u32>,
}

impl Glyph {
    /// `range` as indices into the run's text.
    pub fn bytes(&self) -> Range<usize> {
        self.range.start as usize..self.range.end as usize
    }
}

/// What a piece of content is, for tagged output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Book or article title (level 1) and headings inside articles.
    Heading(u8),
    Paragraph,
    /// The byline under an article title.
    Byline,
    /// The author note at an article's end.
    Note,
    Footnote,
    /// A table of contents entry.
    TocItem,
    Caption,
    Figure,
    /// A list item's marker (number or bullet).
    ListLabel,
}

/// Inline structure inside a paragraph: strong and emphasised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineTag {
    Strong,
    Emphasis,
}

/// Structure that groups consecutive elements: lists, their items and
/// bodies, block quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    List { ordered: bool },
    ListItem,
    ListBody,
    Quote,
}

/// A group over the elements with ids `first..=last` (ids are in reading
/// order, so a group is a range; groups nest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub kind: GroupKind,
    pub first: u32,
    pub last: u32,
}

/// A structure element that content belongs to: one paragraph, heading…
/// Content without one (running heads, folios, leaders) is an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Structure {
    pub role: Role,
    /// Unique in the document, in reading order.
    pub id: u32,
}

/// Glyphs of one face and size on one baseline. Coordinates are points from
/// the page's top-left corner, y down; `y` is the baseline.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub font: FaceId,
    pub size: f32,
    pub x: f32,
    pub y: f32,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    pub structure: Option<Structure>,
    /// Strong or emphasised text inside its structure element.
    pub inline: Option<InlineTag>,
}

/// A straight line (rules under running heads, footnote separators).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleLine {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub width: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImageSource {
    /// The book's cover, supplied to the writer separately.
    Cover,
    /// An image file of the book.
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct PlacedImage {
    pub source: ImageSource,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// Clip to this rectangle (x0, y0, x1, y1) when the image overflows it.
    pub clip: Option<[f32; 4]>,
    pub alt: Option<String>,
    /// The figure's place in reading order (the cover has none: it comes
    /// first).
    pub structure: Option<Structure>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A page of this document (index from 0) and a y position on it.
    Page {
        page: usize,
        y: f32,
    },
    Uri(String),
    /// A place in the book named before pages exist: a chapter's id, or
    /// `chapter-id#heading-id`; made a [`LinkTarget::Page`] once the book
    /// is paginated.
    Anchor(String),
}

impl LinkTarget {
    /// What the link leads to, in words for assistive technology.
    pub fn description(&self) -> String {
        match self {
            LinkTarget::Page { page, .. } => format!("page {}", page + 1),
            LinkTarget::Uri(u) | LinkTarget::Anchor(u) => u.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// x0, y0, x1, y1 in points from the top-left corner.
    pub rect: [f32; 4],
    pub target: LinkTarget,
    /// The element the link belongs to (a contents entry, a paragraph).
    pub structure: Option<Structure>,
    /// What the link leads to, for assistive technology.
    pub description: String,
}

/// The page number a reader sees (PDF page label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLabel {
    pub style: Numbering,
    pub number: u32,
}

impl PageLabel {
    pub fn text(&self) -> String {
        match self.style {
            Numbering::Arabic => self.number.to_string(),
            Numbering::Roman => crate::script::generated::roman(self.number),
        }
    }
}

/// An emphasis dot (着重号) under a character: centre and radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dot {
    pub x: f32,
    pub y: f32,
    pub r: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Cover,
    Title,
    Contents,
    /// First page of an article.
    Opening,
    Body,
    /// Left empty so that the next article starts on a right-hand page.
    Blank,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    pub label: PageLabel,
    pub runs: Vec<GlyphRun>,
    pub rules: Vec<RuleLine>,
    pub images: Vec<PlacedImage>,
    pub links: Vec<Link>,
    pub dots: Vec<Dot>,
    /// Places links lead to (see [`LinkTarget::Anchor`]) and their y.
    pub anchors: Vec<(String, f32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// A laid-out line, for inspection.
#[derive(Debug, Clone)]
pub struct LineRecord {
    pub page: usize,
    pub role: Role,
    /// Left edge of the line's measure and its length, in points.
    pub left: f32,
    pub measure: f32,
    /// Origin of the first glyph and end of the last glyph's advance.
    pub x_start: f32,
    pub x_end: f32,
    pub baseline: f32,
    /// Stretched or shrunk to the full measure.
    pub justified: bool,
    /// First line of its paragraph.
    pub first: bool,
    /// Last line of its paragraph.
    pub last: bool,
    /// First-line indent the paragraph asks for, in points.
    pub indent: f32,
    pub em: f32,
    pub text: String,
}

/// A typeset book.
#[derive(Debug, Clone)]
pub struct Document {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    pub lines: Vec<LineRecord>,
    /// Where each body page starts in the book model.
    pub page_map: PageMap,
    /// Text of runs holding a glyph the face does not have (`.notdef`);
    /// the build refuses to write such a PDF.
    pub notdef: Vec<String>,
    /// What the print edition cannot do as the sources ask (images that
    /// print below 150 ppi), with positions.
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// Lists, list items and quotes over the structure elements.
    pub groups: Vec<Group>,
}

/// Everything the typesetter reads: the book, its design, its faces and the
/// strings the tool generates, with the page grid derived from the design.
pub struct Ctx<'a> {
    pub book: &'a crate::model::Book,
    pub class: &'a crate::style::DocumentClass,
    pub fonts: &'a crate::fonts::FontSet,
    pub texts: &'a crate::script::generated::Texts,
    pub assets: &'a crate::assets::Assets,
    geo: geometry::Geo,
    /// Whether [`Document::lines`] is filled (for inspection; a build
    /// does without).
    pub record_lines: bool,
}

impl<'a> Ctx<'a> {
    /// The typesetter's view of an edition's context, in `class`.
    pub fn new(
        ctx: &crate::editions::RenderContext<'a>,
        class: &'a crate::style::DocumentClass,
    ) -> Self {
        let body = ctx.fonts.role(crate::style::FontRole::Body);
        let ascent = shape::Shaper::new(ctx.fonts).ascent(body);
        Ctx {
            book: ctx.book,
            class,
            fonts: ctx.fonts,
            texts: ctx.texts,
            assets: ctx.assets,
            geo: geometry::Geo::new(class, ascent),
            record_lines: true,
        }
    }

    /// Word boundaries of a display text, from a segmenter loaded with the
    /// words its characters can form (a few hundred for a title).
    pub(crate) fn word_breaks(&self, text: &str) -> Vec<usize> {
        crate::script::segment::boundaries(text)
    }

    /// The face that sets `role`.
    fn face(&self, role: crate::style::FontRole) -> FaceId {
        self.fonts.role(role)
    }
}
