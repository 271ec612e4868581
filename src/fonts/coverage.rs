//! Glyph coverage: every character the book shows must be in the font that
//! sets it, or readers see empty boxes. Missing characters are listed with
//! their code point and every place they occur in the sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::{Diagnostic, Failure, line_col};
use crate::fonts::{FontSet, LoadedFont};
use crate::model::{Block, Book, Inline, inline_text};
use crate::source::BOOK_TOML;

/// Text the renderers add themselves (contents heading, fallbacks, folios).
pub const GENERATED_TEXT: &str = "目录第篇无题（）·0123456789ivxlcdm.…—封面正文导览页码[]";

/// At most this many places are listed per missing character.
const MAX_PLACES: usize = 5;

pub fn check(book: &Book, fonts: &FontSet) -> Result<(), Failure> {
    let mut regular_text = book.visible_text();
    regular_text.push_str(GENERATED_TEXT);
    let mut bold_text = book.meta.title.clone();
    for (i, ch) in book.chapters.iter().enumerate() {
        bold_text.push_str(&ch.display_title(i + 1));
        collect_bold(&ch.blocks, &mut bold_text);
    }
    let mut missing: BTreeMap<char, Vec<&LoadedFont>> = BTreeMap::new();
    for (text, font) in [(&regular_text, &fonts.regular), (&bold_text, &fonts.bold)] {
        let face = font.face();
        let chars: BTreeSet<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        for c in chars {
            if face.glyph_index(c).is_none() {
                missing.entry(c).or_default().push(font);
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let sources = source_texts(book);
    let mut diags = Vec::new();
    for (c, fonts) in missing {
        let names: Vec<&str> = fonts.iter().map(|f| f.origin.as_str()).collect();
        let what = format!(
            "character {c} (U+{:04X}) is not in font {}",
            c as u32,
            names.join(" or ")
        );
        let mut places = 0;
        let mut total = 0;
        for (path, text) in &sources {
            for (off, _) in text.match_indices(c) {
                total += 1;
                if places < MAX_PLACES {
                    let (line, column) = line_col(text, off);
                    diags.push(Diagnostic::error_at(path, line, column, what.clone()));
                    places += 1;
                }
            }
        }
        if total > places {
            diags.push(Diagnostic::error(format!(
                "{what}: {} more place(s) not listed",
                total - places
            )));
        }
        if total == 0 {
            diags.push(Diagnostic::error(what));
        }
    }
    Err(Failure(diags))
}

fn collect_bold(blocks: &[Block], out: &mut String) {
    for b in blocks {
        match b {
            Block::Heading { content, .. } => out.push_str(&inline_text(content)),
            Block::Paragraph { content, .. } => collect_strong(content, out),
            Block::Quote { blocks, .. } => collect_bold(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| collect_bold(i, out)),
            _ => {}
        }
    }
}

fn collect_strong(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Strong(c) => out.push_str(&inline_text(c)),
            Inline::Emphasis(c) | Inline::Link { content: c, .. } => collect_strong(c, out),
            _ => {}
        }
    }
}

/// The source files' text, to locate characters for messages.
fn source_texts(book: &Book) -> Vec<(std::path::PathBuf, String)> {
    let mut files = vec![book.root.join(BOOK_TOML)];
    files.extend(book.chapters.iter().map(|c| book.root.join(&c.source)));
    files
        .into_iter()
        .filter_map(|p| {
            let t = std::fs::read_to_string(Path::new(&p)).ok()?;
            Some((p, t))
        })
        .collect()
}
