//! The typesetter: turns the book model into pages of positioned glyph runs,
//! rules, images and links, independent of any PDF library. The laid-out
//! lines are kept in [`Document::lines`] so tests can check them.

mod compose;
pub mod para;
pub mod shape;

use std::ops::Range;
use std::path::PathBuf;

pub use compose::typeset;

use crate::model::pagemap::PageMap;

/// The faces of a [`crate::fonts::FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontId {
    Regular = 0,
    Bold = 1,
}

/// A glyph in a run, in points. The pen moves by `advance` after it; `dx`,
/// `dy` displace the glyph itself (y up, as the shaper gives it).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    /// Bytes of the run's text this glyph stands for.
    pub range: Range<usize>,
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
    pub font: FontId,
    pub size: f32,
    pub x: f32,
    pub y: f32,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    pub structure: Option<Structure>,
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A page of this document (index from 0) and a y position on it.
    Page {
        page: usize,
        y: f32,
    },
    Uri(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// x0, y0, x1, y1 in points from the top-left corner.
    pub rect: [f32; 4],
    pub target: LinkTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    Roman,
    Arabic,
}

/// The page number a reader sees (PDF page label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLabel {
    pub style: LabelStyle,
    pub number: u32,
}

impl PageLabel {
    pub fn text(&self) -> String {
        match self.style {
            LabelStyle::Arabic => self.number.to_string(),
            LabelStyle::Roman => roman(self.number),
        }
    }
}

/// Lower-case roman numeral.
pub fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
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
}
