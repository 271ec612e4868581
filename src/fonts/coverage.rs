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
use crate::script::charbits::CharBits;
use crate::script::generated::Texts;
use crate::script::needs_glyph;
use crate::source::BOOK_TOML;
use crate::source::config::{FontConfig, Missing};
use crate::style::FontRole;

/// Characters each face must have, gathered from the book by role.
pub struct FaceText {
    fonts_len: usize,
    chars: Vec<BTreeSet<char>>,
}

/// Characters seen per face as bits by code point while the book's text is
/// walked (a set insertion per character of a long book was the cost of
/// the whole pass), made sets once at the end.
struct Seen {
    bits: Vec<CharBits>,
}

impl Seen {
    fn new(fonts: &FontSet) -> Self {
        Seen {
            bits: vec![CharBits::default(); fonts.faces.len()],
        }
    }

    /// Notes `c` in `face`; whether it is new.
    fn first(&mut self, face: FaceId, c: char) -> bool {
        self.bits[face.index()].insert(c)
    }

    fn add(&mut self, face: FaceId, text: &str) {
        let bits = &mut self.bits[face.index()];
        for c in text.chars() {
            if !bits.contains(c) && needs_glyph(c) {
                bits.insert(c);
            }
        }
    }

    fn sets(self) -> Vec<BTreeSet<char>> {
        self.bits.iter().map(|bits| bits.iter().collect()).collect()
    }
}

impl FaceText {
    /// The characters set in `face`.
    pub fn of(&self, face: FaceId) -> &BTreeSet<char> {
        debug_assert!(face.index() < self.fonts_len);
        &self.chars[face.index()]
    }
}

/// Every character of the book's own text, by the face that sets it.
pub fn book_text(book: &Book, fonts: &FontSet) -> FaceText {
    let mut seen = Seen::new(fonts);
    reading::walk(book, fonts, &mut |face, s| seen.add(face, s));
    FaceText {
        fonts_len: fonts.faces.len(),
        chars: seen.sets(),
    }
}

/// The walk over every text of the book, written once for reading (`&`)
/// and once for replacing (`&mut`, placeholders): reading the text of a
/// long book needs no copy of it.
macro_rules! book_walk {
    ($name:ident, $($mut:tt)?) => {
        mod $name {
            use super::*;

            /// Calls `f` with every text of the book and the face that sets
            /// it: the metadata, titles, bylines, blocks, notes. A text set
            /// in several faces (a title: title page, contents, running
            /// head) is passed once for each.
            pub fn walk(
                book: & $($mut)? Book,
                fonts: &FontSet,
                f: &mut dyn FnMut(FaceId, & $($mut)? String),
            ) {
                let role = |r| fonts.role(r);
                let m = & $($mut)? book.meta;
                for r in [FontRole::Title, FontRole::RunningHead] {
                    f(role(r), & $($mut)? m.title);
                }
                // The cover draws the section name in the title face.
                if let Some(s) = & $($mut)? m.section {
                    f(role(FontRole::Title), s);
                }
                for s in [
                    & $($mut)? m.subtitle,
                    & $($mut)? m.section,
                    & $($mut)? m.publisher,
                    & $($mut)? m.date,
                ]
                .into_iter()
                .flatten()
                {
                    f(role(FontRole::Body), s);
                }
                for e in & $($mut)? m.editors {
                    f(role(FontRole::Body), e);
                }
                for ch in & $($mut)? book.chapters {
                    // An untitled chapter's fallback title is generated
                    // text: the registry lists it.
                    for r in [FontRole::Title, FontRole::Body, FontRole::RunningHead] {
                        f(role(r), & $($mut)? ch.title);
                    }
                    // The byline: mark, authors and role, in the body face.
                    for s in (& $($mut)? ch.byline_mark)
                        .into_iter()
                        .chain(& $($mut)? ch.role)
                    {
                        f(role(FontRole::Body), s);
                    }
                    for a in & $($mut)? ch.authors {
                        f(role(FontRole::Body), a);
                        f(role(FontRole::Note), a);
                    }
                    blocks(& $($mut)? ch.blocks, role(FontRole::Body), fonts, f);
                    for n in & $($mut)? ch.footnotes {
                        blocks(& $($mut)? n.blocks, role(FontRole::Note), fonts, f);
                    }
                    if let Some(n) = & $($mut)? ch.note {
                        f(role(FontRole::Note), n);
                    }
                }
            }

            type Visit<'a> = dyn FnMut(FaceId, & $($mut)? String) + 'a;

            fn blocks(list: & $($mut)? [Block], face: FaceId, fonts: &FontSet, f: &mut Visit) {
                for b in list {
                    match b {
                        Block::Paragraph { content, .. } => inlines(content, face, fonts, f),
                        Block::Heading { content, .. } => {
                            let inner = fonts.within(FontRole::Heading, face);
                            inlines(content, inner, fonts, f)
                        }
                        Block::Quote { blocks: inner, .. } => blocks(inner, face, fonts, f),
                        Block::List { items, .. } => {
                            for i in items {
                                blocks(i, face, fonts, f)
                            }
                        }
                        Block::Image { alt, .. } => f(fonts.within(FontRole::Note, face), alt),
                        Block::Code { text, .. } => f(face, text),
                        Block::Html { nodes, .. } => html_nodes(nodes, face, fonts, f),
                        Block::Rule { .. } => {}
                    }
                }
            }

            fn inlines(list: & $($mut)? [Inline], face: FaceId, fonts: &FontSet, f: &mut Visit) {
                for i in list {
                    match i {
                        Inline::Text(s) | Inline::Code(s) => f(face, s),
                        Inline::Strong(c) => {
                            inlines(c, fonts.within(FontRole::Strong, face), fonts, f)
                        }
                        Inline::Emphasis(c) => {
                            inlines(c, fonts.within(FontRole::Emphasis, face), fonts, f)
                        }
                        Inline::Link { content, .. } => inlines(content, face, fonts, f),
                        Inline::Html(el, c) => {
                            let inner = html_face(el, face, fonts);
                            inlines(c, inner, fonts, f)
                        }
                        Inline::Image { alt, .. } => f(fonts.within(FontRole::Note, face), alt),
                        Inline::FootnoteRef(_) | Inline::LineBreak => {}
                    }
                }
            }

            fn html_nodes(
                nodes: & $($mut)? [crate::model::html::Node],
                face: FaceId,
                fonts: &FontSet,
                f: &mut Visit,
            ) {
                for n in nodes {
                    match n {
                        crate::model::html::Node::Text(s) => f(face, s),
                        crate::model::html::Node::Element(el, c) => {
                            let inner = html_face(el, face, fonts);
                            html_nodes(c, inner, fonts, f)
                        }
                    }
                }
            }
        }
    };
}

book_walk!(reading,);
book_walk!(replacing, mut);

pub use replacing::walk;

/// The face an HTML element's text is set in, inside text of `face`.
fn html_face(el: &crate::model::html::Element, face: FaceId, fonts: &FontSet) -> FaceId {
    use crate::model::html::Print;
    match el.spec().print {
        Print::Strong => fonts.within(FontRole::Strong, face),
        Print::Emphasis => fonts.within(FontRole::Emphasis, face),
        _ => face,
    }
}

/// The book's faces parsed once, to ask which characters a face and the
/// fallbacks lack (parsing a face per question made the pass slow on books
/// with many generated strings).
struct Lookup<'f> {
    faces: Vec<rustybuzz::ttf_parser::Face<'f>>,
    fallbacks: Vec<usize>,
}

impl<'f> Lookup<'f> {
    fn new(fonts: &'f FontSet) -> Self {
        Lookup {
            faces: fonts.ids().map(|id| fonts.face(id).face()).collect(),
            fallbacks: fonts.fallbacks().map(|f| f.index()).collect(),
        }
    }

    /// Whether `c`, set in `id`, has no glyph there nor in the fallback
    /// [`FontSet::face_for`] would take.
    fn lacks(&self, id: FaceId, c: char) -> bool {
        needs_glyph(c)
            && self.faces[id.index()].glyph_index(c).is_none()
            && !self
                .fallbacks
                .iter()
                .any(|&f| self.faces[f].glyph_index(c).is_some())
    }
}

/// The characters of the book's own text that neither the face setting
/// them nor a fallback has, with those faces.
fn missing_in_book(book: &Book, fonts: &FontSet) -> BTreeMap<char, Vec<FaceId>> {
    let text = book_text(book, fonts);
    let lookup = Lookup::new(fonts);
    let mut missing: BTreeMap<char, Vec<FaceId>> = BTreeMap::new();
    for id in fonts.ids() {
        for &c in text.of(id) {
            if lookup.lacks(id, c) {
                missing.entry(c).or_default().push(id);
            }
        }
    }
    missing
}

/// Characters of generated strings that the face setting them and the
/// fallbacks lack.
fn missing_generated(book: &Book, fonts: &FontSet, texts: &Texts) -> BTreeSet<char> {
    let lookup = Lookup::new(fonts);
    let mut asked = Seen::new(fonts);
    let mut out = BTreeSet::new();
    for g in texts.registry(book) {
        let id = fonts.role(g.role);
        for c in g.text.chars() {
            if asked.first(id, c) && lookup.lacks(id, c) {
                out.insert(c);
            }
        }
    }
    out
}

/// Checks that every character is in the face that sets it or in a
/// fallback.
pub fn check(book: &Book, fonts: &FontSet, texts: &Texts) -> Result<(), Failure> {
    let missing = missing_in_book(book, fonts);
    let mut diags = source_diagnostics(book, fonts, &missing);
    diags.extend(generated_diagnostics(book, fonts, texts));
    if diags.is_empty() {
        Ok(())
    } else {
        Err(Failure(diags))
    }
}

/// Covers what the book's faces lack: fallback faces as `[fonts] fallback`
/// finds them (added to `fonts`), then, with `missing = "placeholder"`,
/// 〓 in place of every character still missing (in `book`). Returns the
/// warnings: one per fallback face, one per placeholder; errors when
/// characters stay missing.
pub fn resolve(
    book: &mut Book,
    fonts: &mut FontSet,
    config: &FontConfig,
    texts: &Texts,
) -> Result<Vec<Diagnostic>, Failure> {
    let missing = missing_in_book(book, fonts);
    let generated = missing_generated(book, fonts, texts);
    if missing.is_empty() && generated.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: BTreeSet<char> = missing.keys().copied().chain(generated).collect();
    let toml = book.root.join(BOOK_TOML);
    let found = super::fallback::find(config, &wanted, &book.root, &toml).map_err(Failure)?;
    let mut warnings = Vec::new();
    let sources = source_texts(book);
    for (n, f) in found.into_iter().enumerate() {
        warnings.push(fallback_warning(&f, &sources, &toml));
        fonts.add_fallback(format!("fallback{}", n + 1), f.font);
    }
    if config.missing == Missing::Placeholder {
        let replaced = set_placeholders(book, fonts);
        for (path, text) in &sources {
            for (off, c) in text.char_indices().filter(|(_, c)| replaced.contains(c)) {
                let (line, column) = line_col(text, off);
                let msg = format!(
                    "character {c} (U+{:04X}) is in no font: set as {PLACEHOLDER}",
                    c as u32
                );
                warnings.push(
                    Diagnostic::warning_at(path, line, column, msg).rule("fonts.placeholder"),
                );
            }
        }
    }
    Ok(warnings)
}

/// Names the count of placeholders in the editions' metadata: an EPUB
/// `meta` name, a keyword `bindery:placeholders=N` of the PDF.
pub const PLACEHOLDER_KEY: &str = "bindery:placeholders";

/// The geta mark typesetters set for a character they do not have.
pub const PLACEHOLDER: char = '\u{3013}';

/// Replaces every character of the book's text that its face and the
/// fallbacks lack by [`PLACEHOLDER`]; counts them in the metadata and
/// returns the characters replaced.
fn set_placeholders(book: &mut Book, fonts: &FontSet) -> BTreeSet<char> {
    let mut replaced = BTreeSet::new();
    let mut count = 0;
    let lookup = Lookup::new(fonts);
    walk(book, fonts, &mut |id, s| {
        let lacks = |c: char| lookup.lacks(id, c);
        if !s.chars().any(lacks) {
            return;
        }
        *s = s
            .chars()
            .map(|c| {
                if lacks(c) {
                    replaced.insert(c);
                    count += 1;
                    PLACEHOLDER
                } else {
                    c
                }
            })
            .collect();
    });
    book.meta.placeholders = count;
    replaced
}

/// One warning for a fallback face: the characters it sets and every
/// place they occur.
fn fallback_warning(
    f: &super::fallback::Found,
    sources: &[(PathBuf, String)],
    toml: &std::path::Path,
) -> Diagnostic {
    let mut first = None;
    let mut parts = Vec::new();
    for &c in &f.chars {
        let mut places = Vec::new();
        for (path, text) in sources {
            for (off, _) in text.match_indices(c) {
                let (line, column) = line_col(text, off);
                first.get_or_insert((path.clone(), line, column));
                places.push(format!("{}:{line}:{column}", path.display()));
            }
        }
        let at = if places.is_empty() {
            "in generated text".to_string()
        } else {
            format!("at {}", places.join(", "))
        };
        parts.push(format!("{c} (U+{:04X}) {at}", c as u32));
    }
    let msg = format!(
        "font {} ({}) sets characters the book's faces lack: {}",
        f.font.origin,
        f.font.family,
        parts.join("; ")
    );
    let d = match first {
        Some((path, line, column)) => Diagnostic::warning_at(&path, line, column, msg),
        None => Diagnostic::warning_at(toml, 0, 0, msg),
    };
    d.rule("fonts.fallback")
}

fn font_names(fonts: &FontSet, ids: &[FaceId]) -> String {
    let names: Vec<&str> = ids.iter().map(|&i| fonts.face(i).origin.as_str()).collect();
    names.join(" or ")
}

/// Missing characters of the book's own text, at every place they occur
/// in the sources.
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
            "character {c} (U+{:04X}) is not in font {} nor in any fallback font",
            *c as u32,
            font_names(fonts, ids)
        );
        let mut total = 0;
        for (path, text) in &sources {
            for (off, _) in text.match_indices(*c) {
                total += 1;
                let (line, column) = line_col(text, off);
                let d = Diagnostic::error_at(path, line, column, what.clone());
                diags.push(d.rule("fonts.coverage").hint(HINT));
            }
        }
        if total == 0 {
            diags.push(Diagnostic::error(what).rule("fonts.coverage").hint(HINT));
        }
    }
    diags
}

const HINT: &str =
    "add a font that has it to [fonts] fallback, or build proofs with --missing placeholder";

/// Generated strings whose face lacks one of their characters.
fn generated_diagnostics(book: &Book, fonts: &FontSet, texts: &Texts) -> Vec<Diagnostic> {
    // Every string is gone through again, naming each, only when some
    // character is missing.
    if missing_generated(book, fonts, texts).is_empty() {
        return Vec::new();
    }
    let toml = book.root.join(BOOK_TOML);
    let mut seen = BTreeSet::new();
    let mut diags = Vec::new();
    let lookup = Lookup::new(fonts);
    for g in texts.registry(book) {
        let id = fonts.role(g.role);
        for c in g.text.chars() {
            if lookup.lacks(id, c) && seen.insert((c, id, g.what.clone())) {
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

/// Characters of `text` that neither the bundled faces nor the default
/// fallbacks (the installed faces) have: what a book imported from `text`
/// could not print without `--missing placeholder`.
pub fn uncovered_in(text: &str) -> BTreeSet<char> {
    let fonts = FontSet::bundled();
    let faces: Vec<_> = fonts.ids().map(|id| fonts.face(id).face()).collect();
    let mut missing: BTreeSet<char> = text
        .chars()
        .filter(|&c| needs_glyph(c) && !faces.iter().any(|f| f.glyph_index(c).is_some()))
        .collect();
    if missing.is_empty() {
        return missing;
    }
    let config = FontConfig::default();
    let here = std::path::Path::new(".");
    let found = super::fallback::find(&config, &missing, here, here).unwrap_or_default();
    for f in found {
        missing.retain(|c| !f.chars.contains(c));
    }
    missing
}
