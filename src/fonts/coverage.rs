//! Glyph coverage: every character the book shows must be in the face that
//! sets it, or readers see empty boxes. The text of each face is gathered by
//! role (body, titles, headings, strong, emphasis, notes, running heads) as
//! the editions set it, plus every string the tool generates
//! ([`Texts::registry`]). Missing characters are listed with their code point
//! and every place they occur: the source files for text the book brings,
//! the generated text and where it appears for text the tool adds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::{FaceId, FontSet};
use crate::diag::{Diagnostic, Failure, line_col};
use crate::model::{Block, Book, Inline};
use crate::script::generated::Texts;
use crate::script::needs_glyph;
use crate::source::BOOK_TOML;
use crate::style::FontRole;

/// At most this many places are listed per missing character.
const MAX_PLACES: usize = 5;

/// Characters each face must have, gathered from the book by role.
pub struct FaceText {
    fonts_len: usize,
    chars: Vec<BTreeSet<char>>,
}

impl FaceText {
    fn new(fonts: &FontSet) -> Self {
        FaceText {
            fonts_len: fonts.faces.len(),
            chars: vec![BTreeSet::new(); fonts.faces.len()],
        }
    }

    fn add(&mut self, face: FaceId, text: &str) {
        debug_assert!(face.index() < self.fonts_len);
        self.chars[face.index()].extend(text.chars().filter(|&c| needs_glyph(c)));
    }

    /// The characters set in `face`.
    pub fn of(&self, face: FaceId) -> &BTreeSet<char> {
        &self.chars[face.index()]
    }
}

/// Every character of the book's own text, by the face that sets it.
pub fn book_text(book: &Book, fonts: &FontSet) -> FaceText {
    let mut t = FaceText::new(fonts);
    let role = |r| fonts.role(r);
    let m = &book.meta;
    for r in [FontRole::Title, FontRole::RunningHead] {
        t.add(role(r), &m.title);
    }
    // The cover draws the section name in the title face.
    for s in m.section.iter() {
        t.add(role(FontRole::Title), s);
    }
    for s in [&m.subtitle, &m.section, &m.publisher, &m.date]
        .into_iter()
        .flatten()
    {
        t.add(role(FontRole::Body), s);
    }
    for e in &m.editors {
        t.add(role(FontRole::Body), e);
    }
    for ch in &book.chapters {
        // An untitled chapter's fallback title is generated text: the
        // registry lists it.
        for r in [FontRole::Title, FontRole::Body, FontRole::RunningHead] {
            t.add(role(r), &ch.title);
        }
        if let Some(b) = ch.byline() {
            t.add(role(FontRole::Body), &b);
        }
        for a in &ch.authors {
            t.add(role(FontRole::Note), a);
        }
        blocks(&ch.blocks, role(FontRole::Body), fonts, &mut t);
        for f in &ch.footnotes {
            blocks(&f.blocks, role(FontRole::Note), fonts, &mut t);
        }
        if let Some(n) = &ch.note {
            t.add(role(FontRole::Note), n);
        }
    }
    t
}

fn blocks(list: &[Block], face: FaceId, fonts: &FontSet, t: &mut FaceText) {
    for b in list {
        match b {
            Block::Paragraph { content, .. } => inlines(content, face, fonts, t),
            Block::Heading { content, .. } => {
                inlines(content, fonts.within(FontRole::Heading, face), fonts, t)
            }
            Block::Quote { blocks: inner, .. } => blocks(inner, face, fonts, t),
            Block::List { items, .. } => items.iter().for_each(|i| blocks(i, face, fonts, t)),
            Block::Image { alt, .. } => t.add(fonts.within(FontRole::Note, face), alt),
            Block::Code { text, .. } => t.add(face, text),
            Block::Html { nodes, .. } => html_nodes(nodes, face, fonts, t),
            Block::Rule { .. } => {}
        }
    }
}

fn inlines(list: &[Inline], face: FaceId, fonts: &FontSet, t: &mut FaceText) {
    for i in list {
        match i {
            Inline::Text(s) | Inline::Code(s) => t.add(face, s),
            Inline::Strong(c) => inlines(c, fonts.within(FontRole::Strong, face), fonts, t),
            Inline::Emphasis(c) => inlines(c, fonts.within(FontRole::Emphasis, face), fonts, t),
            Inline::Link { content, .. } => inlines(content, face, fonts, t),
            Inline::Html(el, c) => inlines(c, html_face(el, face, fonts), fonts, t),
            Inline::Image { alt, .. } => t.add(fonts.within(FontRole::Note, face), alt),
            Inline::FootnoteRef(_) | Inline::LineBreak => {}
        }
    }
}

/// The face an HTML element's text is set in, inside text of `face`.
fn html_face(el: &crate::model::html::Element, face: FaceId, fonts: &FontSet) -> FaceId {
    use crate::model::html::Print;
    match el.spec().print {
        Print::Strong => fonts.within(FontRole::Strong, face),
        Print::Emphasis => fonts.within(FontRole::Emphasis, face),
        _ => face,
    }
}

fn html_nodes(nodes: &[crate::model::html::Node], face: FaceId, fonts: &FontSet, t: &mut FaceText) {
    for n in nodes {
        match n {
            crate::model::html::Node::Text(s) => t.add(face, s),
            crate::model::html::Node::Element(el, c) => {
                html_nodes(c, html_face(el, face, fonts), fonts, t)
            }
        }
    }
}

/// Checks that every face has every character it sets.
pub fn check(book: &Book, fonts: &FontSet, texts: &Texts) -> Result<(), Failure> {
    let text = book_text(book, fonts);
    let mut missing: BTreeMap<char, Vec<FaceId>> = BTreeMap::new();
    for id in fonts.ids() {
        let face = fonts.face(id).face();
        for &c in text.of(id) {
            if face.glyph_index(c).is_none() {
                missing.entry(c).or_default().push(id);
            }
        }
    }
    let mut diags = source_diagnostics(book, fonts, &missing);
    diags.extend(generated_diagnostics(book, fonts, texts));
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Failure(diags))
    }
}

fn font_names(fonts: &FontSet, ids: &[FaceId]) -> String {
    let names: Vec<&str> = ids.iter().map(|&i| fonts.face(i).origin.as_str()).collect();
    names.join(" or ")
}

/// Missing characters of the book's own text, at every place (up to
/// [`MAX_PLACES`]) they occur in the sources.
fn source_diagnostics(
    book: &Book,
    fonts: &FontSet,
    missing: &BTreeMap<char, Vec<FaceId>>,
) -> Vec<Diagnostic> {
    if missing.is_empty() {
        return Vec::new();
    }
    let sources = source_texts(book);
    let mut diags = Vec::new();
    for (c, ids) in missing {
        let what = format!(
            "character {c} (U+{:04X}) is not in font {}",
            *c as u32,
            font_names(fonts, ids)
        );
        let mut places = 0;
        let mut total = 0;
        for (path, text) in &sources {
            for (off, _) in text.match_indices(*c) {
                total += 1;
                if places < MAX_PLACES {
                    let (line, column) = line_col(text, off);
                    let d = Diagnostic::error_at(path, line, column, what.clone());
                    diags.push(d.rule("fonts.coverage"));
                    places += 1;
                }
            }
        }
        if total > places {
            let d = Diagnostic::error(format!(
                "{what}: {} more place(s) not listed",
                total - places
            ));
            diags.push(d.rule("fonts.coverage"));
        }
        if total == 0 {
            diags.push(Diagnostic::error(what).rule("fonts.coverage"));
        }
    }
    diags
}

/// Generated strings whose face lacks one of their characters.
fn generated_diagnostics(book: &Book, fonts: &FontSet, texts: &Texts) -> Vec<Diagnostic> {
    let toml = book.root.join(BOOK_TOML);
    let mut seen = BTreeSet::new();
    let mut diags = Vec::new();
    for g in texts.registry(book) {
        let id = fonts.role(g.role);
        let face = fonts.face(id).face();
        for c in g.text.chars().filter(|&c| needs_glyph(c)) {
            if face.glyph_index(c).is_none() && seen.insert((c, id, g.what.clone())) {
                diags.push(Diagnostic::error_file(
                    &toml,
                    format!(
                        "character {c} (U+{:04X}) of the generated text “{}” ({}) is not in font {}",
                        c as u32,
                        g.text.trim(),
                        g.what,
                        font_names(fonts, &[id])
                    ),
                )
                .rule("fonts.coverage.generated"));
            }
        }
    }
    diags
}

/// The source files' text, to locate characters for messages.
fn source_texts(book: &Book) -> Vec<(PathBuf, String)> {
    let mut files = vec![book.root.join(BOOK_TOML)];
    files.extend(book.chapters.iter().map(|c| book.root.join(&c.source)));
    files
        .into_iter()
        .filter_map(|p| {
            let t = std::fs::read_to_string(&p).ok()?;
            Some((p, t))
        })
        .collect()
}
