//! Building a chapter body from pulldown-cmark's events: a stack of frames
//! (containers being filled) that turn into the model's blocks and inlines.
//! Raw inline HTML tags open and close frames of their own, so an element
//! holds the Markdown inside it; nesting deeper than [`MAX_DEPTH`] is an
//! error, and nothing deeper is kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::html::{self as raw, Piece};
use crate::diag::Diagnostic;
use crate::model::html::{Content, Element};
use crate::model::{Block, Footnote, Inline, LinkTarget, SourcePos};

/// Deepest nesting of blocks, inlines and HTML elements a chapter may use.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, PartialEq)]
pub(super) enum FrameKind {
    Root,
    /// `true` for the paragraph of a tight list item, which pulldown-cmark
    /// does not mark: it closes with its container or the next block.
    Paragraph(bool),
    Heading(u8),
    Quote,
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Link(String),
    Image(String),
    Footnote(String),
    CodeBlock,
    HtmlBlock,
    Html(Element),
    Other,
}

impl FrameKind {
    fn is_block_container(&self) -> bool {
        matches!(
            self,
            FrameKind::Root | FrameKind::Item | FrameKind::Quote | FrameKind::Footnote(_)
        )
    }
}

/// A container being filled while events stream in.
pub(super) struct Frame {
    pub kind: FrameKind,
    pub offset: usize,
    pub blocks: Vec<Block>,
    pub inlines: Vec<Inline>,
    pub items: Vec<Vec<Block>>,
    pub text: String,
    /// For HTML blocks: where each piece of `text` starts in the source.
    pub segments: Vec<(usize, usize)>,
}

impl Frame {
    pub fn new(kind: FrameKind, offset: usize) -> Self {
        Frame {
            kind,
            offset,
            blocks: Vec::new(),
            inlines: Vec::new(),
            items: Vec::new(),
            text: String::new(),
            segments: Vec::new(),
        }
    }
}

pub(super) struct BodyBuilder<'a> {
    /// Line index of the chapter's text (front matter included), for
    /// positions.
    pub lines: super::text::Lines<'a>,
    /// Chapter path relative to the book folder (images resolve from it).
    pub rel: &'a Path,
    /// The same, joined to the book folder, for messages.
    pub shown: &'a Arc<Path>,
    pub root: &'a Path,
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// Referenced notes by label: their number in order of first reference.
    pub footnote_index: HashMap<String, usize>,
    /// Definitions in the order they are written (a label defined twice
    /// keeps its first). A list rather than a map by label: a chapter of
    /// 100,000 notes is placed by one lookup each in `footnote_index`.
    pub footnote_defs: Vec<Footnote>,
    pub stack: Vec<Frame>,
    /// Past [`MAX_DEPTH`]: reported once.
    pub too_deep: bool,
    /// Elements whose look the PDF cannot show, warned once each.
    pub unprinted: Vec<&'static str>,
}

impl BodyBuilder<'_> {
    /// Position of byte `offset` of the chapter text.
    pub fn pos(&self, offset: usize) -> SourcePos {
        let (line, column) = self.lines.line_col(offset);
        SourcePos {
            file: Arc::clone(self.shown),
            line,
            column,
        }
    }

    pub fn error(&mut self, offset: usize, message: impl Into<String>) {
        let p = self.pos(offset);
        self.diagnostics.push(
            Diagnostic::error_at(self.shown, p.line, p.column, message).rule("source.markdown"),
        );
    }

    pub fn warn(&mut self, rule: &str, offset: usize, message: impl Into<String>) {
        let p = self.pos(offset);
        self.warnings
            .push(Diagnostic::warning_at(self.shown, p.line, p.column, message).rule(rule));
    }

    pub fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("stack never empty")
    }

    fn in_kind(&self, f: impl Fn(&FrameKind) -> bool) -> bool {
        self.stack.iter().any(|fr| f(&fr.kind))
    }

    /// Opens a frame, holding nesting to [`MAX_DEPTH`].
    pub fn push(&mut self, kind: FrameKind, offset: usize) {
        if self.stack.len() > MAX_DEPTH && !self.too_deep {
            self.too_deep = true;
            self.error(
                offset,
                format!(
                    "nested more than {MAX_DEPTH} levels deep (quotes, lists, emphasis and HTML elements together); flatten the structure"
                ),
            );
        }
        self.stack.push(Frame::new(kind, offset));
    }

    pub fn push_inline(&mut self, inline: Inline, offset: usize) {
        if self.top().kind.is_block_container() {
            self.push(FrameKind::Paragraph(true), offset);
        }
        let frame = self.top();
        match (&frame.kind, inline) {
            (FrameKind::CodeBlock | FrameKind::Image(_), Inline::Text(t)) => {
                frame.text.push_str(&t)
            }
            (_, Inline::Text(t)) => match frame.inlines.last_mut() {
                Some(Inline::Text(prev)) => prev.push_str(&t),
                _ => frame.inlines.push(Inline::Text(t)),
            },
            (_, other) => frame.inlines.push(other),
        }
    }

    /// Closes a tight item's paragraph before a block starts at `offset`
    /// or its container ends there; an HTML element still open is an error.
    pub fn close_implicit(&mut self, offset: usize) {
        while matches!(
            self.stack.last().map(|f| &f.kind),
            Some(FrameKind::Paragraph(true) | FrameKind::Html(_))
        ) {
            self.end_frame(Some(offset));
        }
    }

    /// Closes the top frame; `source_end` is where the closing event is.
    pub fn end_frame(&mut self, source_end: Option<usize>) {
        let mut frame = self.stack.pop().expect("balanced events");
        if self.stack.len() > MAX_DEPTH {
            // Already reported: nothing this deep is kept.
            return;
        }
        // The model is kept for the whole build: a paragraph of one text
        // holds one inline, not the four a growing list makes room for
        // (a large chapter's model is a quarter smaller).
        frame.inlines.shrink_to_fit();
        frame.blocks.shrink_to_fit();
        let pos = self.pos(frame.offset);
        match frame.kind {
            FrameKind::Root => unreachable!("root is never closed"),
            FrameKind::Paragraph(_) => self.paragraph(frame, pos),
            FrameKind::Heading(level) => self.top().blocks.push(Block::Heading {
                level,
                content: frame.inlines,
                id: String::new(),
                pos,
            }),
            FrameKind::Quote => self.top().blocks.push(Block::Quote {
                blocks: frame.blocks,
                pos,
            }),
            FrameKind::List(start) => self.top().blocks.push(Block::List {
                start,
                items: frame.items,
                pos,
            }),
            FrameKind::Item => {
                let mut blocks = frame.blocks;
                if !frame.inlines.is_empty() {
                    blocks.push(Block::Paragraph {
                        content: frame.inlines,
                        pos,
                    });
                }
                self.top().items.push(blocks);
            }
            FrameKind::Emphasis => self.push_inline(Inline::Emphasis(frame.inlines), frame.offset),
            FrameKind::Strong => self.push_inline(Inline::Strong(frame.inlines), frame.offset),
            FrameKind::Link(url) => {
                let target = LinkTarget::Pending { url, pos };
                let link = Inline::Link {
                    target,
                    content: frame.inlines,
                };
                self.push_inline(link, frame.offset);
            }
            FrameKind::Image(ref url) => {
                let url = url.clone();
                self.image(frame, &url, pos)
            }
            FrameKind::Footnote(label) => {
                self.footnote_defs.push(Footnote {
                    label,
                    blocks: frame.blocks,
                    pos,
                });
            }
            FrameKind::CodeBlock => self.top().blocks.push(Block::Code {
                text: frame.text,
                pos,
            }),
            FrameKind::HtmlBlock => self.html_block(frame, pos),
            FrameKind::Html(el) => {
                if let Some(at) = source_end {
                    self.error(
                        at,
                        format!(
                            "<{}> opened at line {}, column {} is not closed before this point",
                            el.name, pos.line, pos.column
                        ),
                    );
                }
                self.push_inline(Inline::Html(el, frame.inlines), frame.offset);
            }
            FrameKind::Other => {
                let parent = self.top();
                parent.blocks.extend(frame.blocks);
                parent.inlines.extend(frame.inlines);
            }
        }
    }

    /// A paragraph: its text, with inline images where they stand; one of
    /// images only (and blanks) is a figure block for each.
    fn paragraph(&mut self, frame: Frame, pos: SourcePos) {
        let content = frame.inlines;
        let only_images = content.iter().all(|i| match i {
            Inline::Text(t) => t.trim().is_empty(),
            Inline::Image { .. } | Inline::LineBreak => true,
            _ => false,
        });
        let parent = self.top();
        if only_images && content.iter().any(|i| matches!(i, Inline::Image { .. })) {
            for i in content {
                if let Inline::Image { path, alt, pos } = i {
                    parent.blocks.push(Block::Image { path, alt, pos });
                }
            }
            return;
        }
        parent.blocks.push(Block::Paragraph { content, pos });
    }

    fn image(&mut self, frame: Frame, url: &str, pos: SourcePos) {
        let alt = crate::model::inline_text(&frame.inlines) + &frame.text;
        let path = match self.resolve_image(url) {
            Ok(p) => p,
            Err(m) => return self.error(frame.offset, m),
        };
        let inside = self.stack.iter().rev().find_map(|f| match f.kind {
            FrameKind::Link(_) => Some("a link"),
            FrameKind::Emphasis | FrameKind::Strong => Some("emphasis"),
            FrameKind::Heading(_) => Some("a heading"),
            FrameKind::Html(_) => Some("an HTML element"),
            FrameKind::Footnote(_) => Some("a footnote"),
            FrameKind::Image(_) => Some("an image's text"),
            _ => None,
        });
        if let Some(place) = inside {
            return self.error(
                frame.offset,
                format!(
                    "an image cannot be inside {place}: both editions set images as figures; put it in the paragraph's text or on a line of its own"
                ),
            );
        }
        if alt.trim().is_empty() {
            self.warn(
                "source.image.alt",
                frame.offset,
                "image without alternative text: write it between the brackets, ![what the image shows](file); both editions print it as the caption",
            );
        }
        self.push_inline(Inline::Image { path, alt, pos }, frame.offset);
    }

    fn resolve_image(&self, url: &str) -> Result<PathBuf, String> {
        if url.contains("://") {
            return Err(format!(
                "image {url} is on the network; books must carry their images, put it in the book folder"
            ));
        }
        let url = percent_encoding::percent_decode_str(url).decode_utf8_lossy();
        let dir = self.rel.parent().unwrap_or(Path::new(""));
        let rel = dir.join(&*url);
        let normal = super::markdown::inside_book(&rel)
            .ok_or_else(|| format!("image path {url} leaves the book folder"))?;
        // The file is opened, confined and checked with the other assets.
        Ok(self.root.join(&normal))
    }

    /// Source offset of byte `i` of an HTML block's collected text.
    fn block_offset(segments: &[(usize, usize)], i: usize) -> usize {
        let k = segments.partition_point(|&(t, _)| t <= i).max(1) - 1;
        segments.get(k).map_or(0, |&(t, s)| s + (i - t))
    }

    fn html_block(&mut self, frame: Frame, pos: SourcePos) {
        let room = MAX_DEPTH.saturating_sub(self.stack.len());
        match raw::block(&frame.text, room) {
            Ok(nodes) => {
                let mut names = Vec::new();
                raw::unprinted(&nodes, &mut names);
                self.warn_unprinted(&names, frame.offset);
                self.top().blocks.push(Block::Html { nodes, pos });
            }
            Err(p) => {
                let at = Self::block_offset(&frame.segments, p.offset);
                self.error(at, format!("raw HTML: {}", p.message));
            }
        }
    }

    fn warn_unprinted(&mut self, names: &[(&'static str, &'static str)], offset: usize) {
        for &(name, what) in names {
            if !self.unprinted.contains(&name) {
                self.unprinted.push(name);
                self.warn(
                    "source.html.unprinted",
                    offset,
                    format!("the PDF edition cannot show the {what} of <{name}>: it prints the text only (the EPUB keeps it)"),
                );
            }
        }
    }

    /// The content model at the top of the stack, for inline HTML.
    fn content_here(&self) -> Content {
        match self.stack.last().map(|f| &f.kind) {
            Some(FrameKind::Html(el)) => el.spec().content,
            _ => Content::Phrasing,
        }
    }

    /// One raw inline HTML event at `offset`.
    pub fn inline_html(&mut self, html: &str, offset: usize) {
        let pieces = match raw::inline(html) {
            Ok(p) => p,
            Err(p) => return self.error(offset + p.offset, format!("raw HTML: {}", p.message)),
        };
        for (at, piece) in pieces {
            let at = offset + at;
            match piece {
                Piece::Nothing => {}
                Piece::Text(t) => self.push_inline(Inline::Text(t), at),
                Piece::Open(el) | Piece::Void(el)
                    if !raw::allows(self.content_here(), el.name, el.spec().block) =>
                {
                    let msg = if el.spec().block {
                        format!(
                            "raw HTML: <{}> is a block element and cannot be inside a paragraph; start it on a line of its own",
                            el.name
                        )
                    } else {
                        format!("raw HTML: <{}> cannot stand here", el.name)
                    };
                    self.error(at, msg);
                }
                Piece::Void(el) if el.name == "br" => self.push_inline(Inline::LineBreak, at),
                Piece::Void(el) => self.push_inline(Inline::Html(el, Vec::new()), at),
                Piece::Open(el) => {
                    if let Some(what) = el.spec().unprinted {
                        self.warn_unprinted(&[(el.name, what)], at);
                    }
                    if self.top().kind.is_block_container() {
                        self.push(FrameKind::Paragraph(true), at);
                    }
                    self.push(FrameKind::Html(el), at);
                }
                Piece::Close(name) => self.close_html(&name, at),
            }
        }
    }

    fn close_html(&mut self, name: &str, at: usize) {
        match self.stack.last().map(|f| &f.kind) {
            Some(FrameKind::Html(el)) if el.name == name => self.end_frame(None),
            Some(FrameKind::Html(el)) => {
                let open = el.name;
                self.error(
                    at,
                    format!("raw HTML: </{name}> closes <{open}>, which is still open"),
                );
            }
            _ if self.in_kind(|k| matches!(k, FrameKind::Html(e) if e.name == name)) => {
                self.error(
                    at,
                    format!("raw HTML: </{name}> closes an element opened outside the Markdown emphasis or link it ends in"),
                );
            }
            _ => self.error(
                at,
                format!("raw HTML: </{name}> has no matching start tag in this paragraph"),
            ),
        }
    }

    /// Closes frames up to the one a Markdown end event at `offset` ends:
    /// a tight item's paragraph closes with it, HTML elements still open
    /// there are errors.
    pub fn end_tag(&mut self, offset: usize) {
        self.close_implicit(offset);
        self.end_frame(None);
    }
}
