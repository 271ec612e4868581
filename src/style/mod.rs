//! Document classes: the design of a book, as data. A [`DocumentClass`]
//! holds the page and its grid, the type size and leading of every kind of
//! text, which face sets each [`FontRole`], which front matter exists, the
//! running heads and folios, and the writing direction. The typesetter and
//! the EPUB style sheet both read it, so the editions agree on what is bold
//! and what carries emphasis dots.
//!
//! A new preset is one file in this folder plus one line in [`PRESETS`].

mod book;

/// Points per millimetre: the one conversion between paper units and the
/// typesetter's points.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to PostScript points.
pub fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// What a piece of text is, as far as the choice of face goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontRole {
    Body,
    /// Book and article titles, the contents heading.
    Title,
    /// Headings inside articles.
    Heading,
    Strong,
    Emphasis,
    /// Author notes, footnotes, captions.
    Note,
    /// Running heads and folios.
    RunningHead,
}

impl FontRole {
    pub const ALL: [FontRole; 7] = [
        FontRole::Body,
        FontRole::Title,
        FontRole::Heading,
        FontRole::Strong,
        FontRole::Emphasis,
        FontRole::Note,
        FontRole::RunningHead,
    ];

    /// The key naming the role in `book.toml` (`[fonts.roles]`).
    pub fn key(self) -> &'static str {
        match self {
            FontRole::Body => "body",
            FontRole::Title => "title",
            FontRole::Heading => "heading",
            FontRole::Strong => "strong",
            FontRole::Emphasis => "emphasis",
            FontRole::Note => "note",
            FontRole::RunningHead => "running_head",
        }
    }

    pub fn from_key(key: &str) -> Option<FontRole> {
        FontRole::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// The face name each role is set in (a key of `[fonts]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFaces(pub [String; 7]);

impl RoleFaces {
    pub fn get(&self, role: FontRole) -> &str {
        &self.0[role as usize]
    }

    pub fn set(&mut self, role: FontRole, face: String) {
        self.0[role as usize] = face;
    }
}

/// How a line of text sits in its measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Every line but the last fills the measure.
    Justify,
    Left,
    Center,
    Right,
}

/// Size and setting of one kind of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub role: FontRole,
    /// Size as a multiple of the body size. Anything but 1 is rounded to a
    /// multiple of `step` points, so sizes are ones a printer would name.
    pub size: f32,
    pub step: f32,
    /// Line height as a multiple of the text's own size; 0 means the body
    /// grid's line pitch.
    pub leading: f32,
    pub align: Align,
    /// First-line indent in the text's own ems (negative hangs).
    pub indent: f32,
}

impl TextStyle {
    /// The size in points for a body size of `em`.
    pub fn pt(&self, em: f32) -> f32 {
        if self.size == 1.0 {
            em
        } else {
            (em * self.size / self.step).round() * self.step
        }
    }

    /// Baseline-to-baseline distance for a body size `em` and pitch.
    pub fn pitch(&self, em: f32, grid_pitch: f32) -> f32 {
        if self.leading == 0.0 {
            grid_pitch
        } else {
            self.pt(em) * self.leading
        }
    }
}

/// The page and its text block, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSetup {
    pub width_mm: f32,
    pub height_mm: f32,
    pub margin_top_mm: f32,
    pub margin_bottom_mm: f32,
    pub margin_inner_mm: f32,
    pub margin_outer_mm: f32,
    /// Printed on both sides: mirrored margins, openings on right-hand pages.
    pub duplex: bool,
}

/// The body grid: every body line sits on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// Body size in points.
    pub size_pt: f32,
    /// Baseline distance in body ems.
    pub pitch_em: f32,
}

/// The sizes and settings of every kind of text a book shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyles {
    pub paragraph: TextStyle,
    /// Left indent of quotes, lists and code, in body ems.
    pub block_indent: f32,
    pub chapter_title: TextStyle,
    pub byline: TextStyle,
    /// Headings of rank 2, 3, and everything deeper (see [`heading_rank`]).
    pub headings: [TextStyle; 3],
    pub author_note: TextStyle,
    pub footnote: TextStyle,
    /// The footnote number in the text: size, and its rise in body ems.
    pub note_ref: TextStyle,
    pub note_ref_rise: f32,
    pub caption: TextStyle,
    pub code: TextStyle,
    pub running_head: TextStyle,
    pub folio: TextStyle,
    pub book_title: TextStyle,
    pub subtitle: TextStyle,
    pub section: TextStyle,
    pub editors: TextStyle,
    pub contents_title: TextStyle,
    pub contents_entry: TextStyle,
    pub contents_authors: TextStyle,
}

/// Parts before the first article, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontPart {
    Cover,
    TitlePage,
    Contents,
}

/// What a running head shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadText {
    BookTitle,
    ChapterTitle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunningHeads {
    /// On even-numbered pages (left-hand in a printed book).
    pub even: HeadText,
    pub odd: HeadText,
}

/// Numbering style of page labels and folios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    Roman,
    Arabic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folios {
    pub front: Numbering,
    pub body: Numbering,
}

/// How emphasis (`*text*`) is marked besides its face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmphasisMark {
    /// Emphasis dots (着重号) under each Han character, as clreq describes.
    Dots,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Horizontal,
}

/// A book design.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentClass {
    pub name: &'static str,
    pub page: PageSetup,
    pub grid: Grid,
    pub text: TextStyles,
    pub faces: RoleFaces,
    pub emphasis: EmphasisMark,
    pub front: Vec<FrontPart>,
    /// `None`: no running heads.
    pub running_heads: Option<RunningHeads>,
    pub folios: Folios,
    pub direction: Direction,
}

impl DocumentClass {
    pub fn has(&self, part: FrontPart) -> bool {
        self.front.contains(&part)
    }
}

/// The rank of a heading in both editions (h2…h6 in the EPUB, H2…H6 in the
/// tagged PDF, and the size it is set in): the article title is rank 1 and
/// the highest level a chapter uses (`top`) becomes rank 2, so no rank is
/// skipped whether a chapter starts its headings at `#` or at `##`.
pub fn heading_rank(level: u8, top: u8) -> u8 {
    (level as i32 + 2 - top as i32).clamp(2, 6) as u8
}

/// The highest (smallest) heading level in `blocks`, quotes and lists
/// included.
pub fn top_heading(blocks: &[crate::model::Block]) -> Option<u8> {
    use crate::model::Block;
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some(*level),
            Block::Quote { blocks, .. } => top_heading(blocks),
            Block::List { items, .. } => items.iter().filter_map(|i| top_heading(i)).min(),
            _ => None,
        })
        .min()
}

impl TextStyles {
    /// The style of a heading of `rank` (2 and up).
    pub fn heading(&self, rank: u8) -> &TextStyle {
        let i = (rank.max(2) as usize - 2).min(self.headings.len() - 1);
        &self.headings[i]
    }
}

/// Makes a preset's document class.
pub type Preset = fn() -> DocumentClass;

/// Every preset, by the name `book.toml` uses (`[book] style`).
pub const PRESETS: &[(&str, Preset)] = &[("book", book::class)];

/// The preset of that name.
pub fn preset(name: &str) -> Option<DocumentClass> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, f)| f())
}

/// The preset used when `book.toml` names none.
pub fn default_class() -> DocumentClass {
    book::class()
}
