//! The book model: what the loader produces from `book.toml` and the chapter
//! Markdown files, and what every renderer (EPUB writer, PDF typesetter),
//! the linter and the coverage check read. Renderers never look at sources.

pub mod html;
pub mod pagemap;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A place in a source file, for diagnostics. Lines and columns start at 1;
/// columns count characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePos {
    /// The file as shown to the user: the book folder joined with the
    /// chapter path (e.g. `book/01.md`). One name is shared by every
    /// position in its file: a chapter of 100,000 blocks held as many
    /// copies of it.
    pub file: Arc<Path>,
    pub line: u32,
    pub column: u32,
}

impl Default for SourcePos {
    fn default() -> Self {
        SourcePos {
            file: Arc::from(Path::new("")),
            line: 0,
            column: 0,
        }
    }
}

impl std::fmt::Display for SourcePos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Debug, Clone)]
pub struct Book {
    /// The book folder (the one holding `book.toml`), as given on the command line.
    pub root: PathBuf,
    pub meta: Metadata,
    pub chapters: Vec<Chapter>,
    /// Cover image file, resolved against the book folder; `None` means a
    /// typographic cover is generated from the title.
    pub cover: Option<CoverSource>,
    /// Images may be set larger than their natural size (`[book]
    /// enlarge_images`): up to the full measure.
    pub enlarge_images: bool,
}

/// The cover image a book names, and where `book.toml` names it.
#[derive(Debug, Clone)]
pub struct CoverSource {
    /// Joined to the book folder.
    pub path: PathBuf,
    pub pos: SourcePos,
}

#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub subtitle: Option<String>,
    /// Column or section name printed on the title page (学思践悟).
    pub section: Option<String>,
    /// BCP 47 language tag, `zh-CN` for the seed.
    pub language: String,
    /// Editors of the collection; they are the book's creators.
    pub editors: Vec<String>,
    pub publisher: Option<String>,
    /// Stable identifier (`urn:uuid:…`), always present after loading.
    pub identifier: String,
    /// ISBN-13 digits when the book has one; then it is the EPUB identifier.
    pub isbn: Option<String>,
    /// Publication date, `YYYY-MM-DD` or `YYYY`.
    pub date: Option<String>,
    pub description: Option<String>,
    /// Where the text comes from (newspaper page, etc.): `dc:source`.
    pub source: Option<String>,
    /// File name stem for outputs (`out/<slug>.epub`).
    pub slug: String,
    /// Characters no font has, set as 〓 (`--missing placeholder`): the
    /// editions record the count so the checker can report it.
    pub placeholders: usize,
    /// `[book] labels`: generated labels the editor replaced, by key
    /// (`script::generated::LABEL_KEYS`).
    pub labels: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct Chapter {
    /// Stable id usable in file names and XML ids: `ch01`, `ch02`, …
    pub id: String,
    /// Source file, relative to the book folder.
    pub source: PathBuf,
    /// May be empty (the page lost it); renderers then show
    /// [`Chapter::display_title`].
    pub title: String,
    /// Where the title is (or should be) written in the source.
    pub title_pos: SourcePos,
    /// Marker printed before the byline, kept from the newspaper (□).
    pub byline_mark: Option<String>,
    pub authors: Vec<String>,
    /// The authors' role as printed after their names in the byline (撰,
    /// 编, 译…); `None` means they wrote the article.
    pub role: Option<String>,
    /// The author note exactly as written, with its parentheses:
    /// `(作者系中共奉节县委书记)`.
    pub note: Option<String>,
    pub blocks: Vec<Block>,
    /// Footnotes in order of first reference; `Inline::FootnoteRef(i)` points here.
    pub footnotes: Vec<Footnote>,
}

impl Chapter {
    /// The title to show: the real one, or a visible fallback built from the
    /// chapter's number and its authors when the source has none.
    pub fn display_title(&self, number: usize) -> String {
        if !self.title.trim().is_empty() {
            return self.title.clone();
        }
        if self.authors.is_empty() {
            format!("第{}篇（无题）", number)
        } else {
            format!("第{}篇（无题）·{}", number, self.authors.join(" "))
        }
    }

    /// The byline as printed: marker followed by the authors separated by
    /// spaces, then the role word if any (`□刘向 撰`).
    pub fn byline(&self) -> Option<String> {
        if self.authors.is_empty() {
            return None;
        }
        let mut s = format!(
            "{}{}",
            self.byline_mark.as_deref().unwrap_or(""),
            self.authors.join(" ")
        );
        if let Some(role) = self.role.as_deref().filter(|r| !r.is_empty()) {
            s.push(' ');
            s.push_str(role);
        }
        Some(s)
    }
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub label: String,
    pub blocks: Vec<Block>,
    pub pos: SourcePos,
}

#[derive(Debug, Clone)]
pub enum Block {
    Paragraph {
        content: Vec<Inline>,
        pos: SourcePos,
    },
    /// Headings inside a chapter body (the chapter title is not one of them).
    Heading {
        level: u8,
        content: Vec<Inline>,
        /// Unique in its chapter, made from the text (`source::links::slug`);
        /// links to the heading name it.
        id: String,
        pos: SourcePos,
    },
    Quote {
        blocks: Vec<Block>,
        pos: SourcePos,
    },
    List {
        /// `Some(first number)` for an ordered list.
        start: Option<u64>,
        items: Vec<Vec<Block>>,
        pos: SourcePos,
    },
    Image {
        /// Resolved path, checked to lie inside the book folder.
        path: PathBuf,
        alt: String,
        pos: SourcePos,
    },
    Code {
        text: String,
        pos: SourcePos,
    },
    /// Raw HTML block, parsed and held to the subset of [`html::ELEMENTS`].
    Html {
        nodes: Vec<html::Node>,
        pos: SourcePos,
    },
    Rule {
        pos: SourcePos,
    },
}

impl Block {
    pub fn pos(&self) -> &SourcePos {
        match self {
            Block::Paragraph { pos, .. }
            | Block::Heading { pos, .. }
            | Block::Quote { pos, .. }
            | Block::List { pos, .. }
            | Block::Image { pos, .. }
            | Block::Code { pos, .. }
            | Block::Html { pos, .. }
            | Block::Rule { pos } => pos,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Code(String),
    Link {
        target: LinkTarget,
        content: Vec<Inline>,
    },
    /// Index into `Chapter::footnotes`.
    FootnoteRef(usize),
    /// A raw HTML element of the subset ([`html::ELEMENTS`]) and its content.
    Html(html::Element, Vec<Inline>),
    /// An image inside a paragraph's text: both editions set it where it
    /// stands, as a figure that splits the paragraph.
    Image {
        path: PathBuf,
        alt: String,
        pos: SourcePos,
    },
    /// A hard line break.
    LineBreak,
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A URL outside the book (`https:`, `mailto:` …).
    External(String),
    /// A chapter of the book (index into `Book::chapters`), at its start or
    /// at a heading (`Block::Heading::id`).
    Chapter {
        chapter: usize,
        anchor: Option<String>,
    },
    /// As written, before the loader resolves it against every chapter;
    /// no loaded book holds one.
    Pending { url: String, pos: SourcePos },
}

/// The page map's measure of text, in one place: a printed page's start is
/// a character offset into its top-level block's plain text
/// ([`block_text`]), and both editions advance their counters only through
/// these functions, so the print edition's page starts and the EPUB's
/// page-break markers agree.
pub mod offsets {
    use super::Inline;

    /// What ends a paragraph, heading, code or HTML block, or an image's
    /// caption, in the plain text: one line end.
    pub const LINE_END: usize = 1;

    /// Characters an inline adds to its block's plain text (a footnote
    /// mark adds none: it is the tool's, not the text's).
    pub fn inline_len(i: &Inline) -> usize {
        match i {
            Inline::Text(t) | Inline::Code(t) => t.chars().count(),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } => {
                inlines_len(c)
            }
            Inline::Html(_, c) => inlines_len(c),
            Inline::Image { alt, .. } => text_len(alt),
            Inline::FootnoteRef(_) => 0,
            Inline::LineBreak => 1,
        }
    }

    pub fn inlines_len(list: &[Inline]) -> usize {
        list.iter().map(inline_len).sum()
    }

    /// Characters of a paragraph or heading, with its line end.
    pub fn paragraph_len(content: &[Inline]) -> usize {
        inlines_len(content) + LINE_END
    }

    /// Characters of plain text (an image's caption, a code block's text,
    /// an HTML block's text), with its line end.
    pub fn text_len(text: &str) -> usize {
        text.chars().count() + LINE_END
    }
}

/// Plain text of inlines, as a reader would see it (footnote markers and
/// HTML tags left out, an image's caption on a line of its own).
pub fn inline_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_inline_text(inlines, &mut out);
    out
}

fn push_inline_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } => {
                push_inline_text(c, out)
            }
            Inline::Html(_, c) => push_inline_text(c, out),
            Inline::Image { alt, .. } => {
                out.push_str(alt);
                out.push('\n');
            }
            Inline::FootnoteRef(_) => {}
            Inline::LineBreak => out.push('\n'),
        }
    }
}

impl Book {
    /// Every piece of text the book shows, for coverage checks and the
    /// nothing-lost tests: metadata, titles, bylines, bodies, footnotes, notes.
    pub fn visible_text(&self) -> String {
        let mut out = String::new();
        let m = &self.meta;
        for s in [Some(&m.title), m.subtitle.as_ref(), m.section.as_ref()]
            .into_iter()
            .flatten()
        {
            out.push_str(s);
            out.push('\n');
        }
        for ch in &self.chapters {
            out.push_str(&ch.title);
            out.push('\n');
            if let Some(b) = ch.byline() {
                out.push_str(&b);
                out.push('\n');
            }
            for b in &ch.blocks {
                push_block_text(b, &mut out);
            }
            for f in &ch.footnotes {
                for b in &f.blocks {
                    push_block_text(b, &mut out);
                }
            }
            if let Some(n) = &ch.note {
                out.push_str(n);
                out.push('\n');
            }
        }
        out
    }
}

/// Plain text of a block and its children, one line per paragraph.
pub fn block_text(block: &Block) -> String {
    let mut out = String::new();
    push_block_text(block, &mut out);
    out
}

fn push_block_text(block: &Block, out: &mut String) {
    match block {
        Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
            push_inline_text(content, out);
            out.push('\n');
        }
        Block::Quote { blocks, .. } => blocks.iter().for_each(|b| push_block_text(b, out)),
        Block::List { items, .. } => items.iter().flatten().for_each(|b| push_block_text(b, out)),
        Block::Image { alt, .. } => {
            out.push_str(alt);
            out.push('\n');
        }
        Block::Code { text, .. } => {
            out.push_str(text);
            out.push('\n');
        }
        Block::Html { nodes, .. } => {
            out.push_str(&html::text(nodes));
            out.push('\n');
        }
        Block::Rule { .. } => {}
    }
}
