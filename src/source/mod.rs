//! Loading a book folder into the model: `book.toml`, then every chapter in
//! order. All problems found are reported together, each with its position.

use std::path::{Path, PathBuf};

mod body;
pub mod config;
pub mod emphasis;
pub mod files;
pub mod html;
pub mod links;
pub mod markdown;
pub mod meta;
pub mod text;

use crate::diag::{Diagnostic, Failure, io_error, line_col};
use crate::model::{Book, Metadata};
use crate::style::DocumentClass;
use markdown::inside_book;

pub const BOOK_TOML: &str = "book.toml";

/// What the book folder says: the book itself, and the settings the later
/// stages read (the document class, the fonts, the editions' tables).
#[derive(Debug, Clone)]
pub struct Sources {
    pub book: Book,
    pub settings: config::Settings,
    pub fonts: config::FontConfig,
    pub class: DocumentClass,
    /// Warnings about the sources (positioned), for the build to print.
    pub warnings: Vec<Diagnostic>,
}

/// Loads the book in `root`; see [`load`].
pub fn load_book(root: &Path) -> Result<Book, Failure> {
    load(root).map(|s| s.book)
}

/// Loads the book in `root`. Diagnostic paths are shown joined to `root`.
pub fn load(root: &Path) -> Result<Sources, Failure> {
    let (sources, problems) = load_all(root)?;
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(Failure(problems))
    }
}

/// Loads the book in `root` as far as it can be: the sources (without the
/// chapters that failed) and every problem found, so that later stages
/// can report theirs in the same run. `Err` when not even `book.toml` and
/// its `[book]` table can be read.
pub fn load_all(root: &Path) -> Result<(Sources, Vec<Diagnostic>), Failure> {
    let toml_path = root.join(BOOK_TOML);
    let read = text::read(&toml_path, root, files::MAX_BOOK_TOML_BYTES, &toml_path);
    let text = read.map_err(|e| match e {
        text::ReadError::Refused(files::Refusal::Io(e))
            if e.kind() != std::io::ErrorKind::NotFound =>
        {
            io_error(&toml_path, &e)
        }
        text::ReadError::Refused(files::Refusal::NotFound | files::Refusal::Io(_)) => {
            Diagnostic::error_file(
                &toml_path,
                "not found: a book folder needs a book.toml (create one with `bindery import PAGE.txt --into DIR`)",
            )
        }
        text::ReadError::Refused(r) => {
            Diagnostic::error_file(&toml_path, r.message("file", BOOK_TOML))
        }
        text::ReadError::Text(d) => d,
    })?;
    let read_chapter = |full: &Path| text::read(full, root, files::MAX_CHAPTER_BYTES, full);
    from_texts(root, text, &read_chapter)
}

/// Reads a chapter file given its path joined to the book folder.
pub type ChapterReader<'r> = dyn Fn(&Path) -> Result<String, text::ReadError> + 'r;

/// The book in `root` from the text of its `book.toml` and its chapters as
/// `read_chapter` gives them (from the folder, or from memory); see
/// [`load_all`].
pub fn from_texts(
    root: &Path,
    text: String,
    read_chapter: &ChapterReader,
) -> Result<(Sources, Vec<Diagnostic>), Failure> {
    let toml_path = root.join(BOOK_TOML);
    let settings = config::read(&toml_path, text.clone());
    let book_section = config::book(&settings)?;
    let mut warnings = Vec::new();
    let lines = text::Lines::new(&text);
    let at = |span: std::ops::Range<usize>, msg: String| {
        let (line, column) = lines.line_col(span.start);
        Diagnostic::error_at(&toml_path, line, column, msg)
    };

    let mut problems = meta::check(&settings);
    let fonts = config::fonts(&settings).unwrap_or_else(|d| {
        problems.push(d);
        Default::default()
    });
    let class = match &book_section.style {
        None => crate::style::default_class(),
        Some(name) => crate::style::preset(name.get_ref()).unwrap_or_else(|| {
            let names: Vec<&str> = crate::style::PRESETS.iter().map(|(n, _)| *n).collect();
            problems.push(at(
                name.span(),
                format!(
                    "unknown style {}; the styles are {}",
                    name.get_ref(),
                    names.join(", ")
                ),
            ));
            crate::style::default_class()
        }),
    };
    if book_section.chapters.is_empty() {
        problems.push(Diagnostic::error_file(
            &toml_path,
            "book.chapters is empty: list the chapter files in reading order",
        ));
    }
    let mut chapters = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, entry) in book_section.chapters.iter().enumerate() {
        let (rel, body) = match chapter_text(root, entry, &mut seen, read_chapter, &at) {
            Ok(c) => c,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        match markdown::parse(&body, &rel, root, format!("ch{:02}", i + 1)) {
            Ok((ch, w)) => {
                chapters.push(ch);
                warnings.extend(w);
            }
            Err(diags) => problems.extend(diags),
        }
    }
    if problems.is_empty() {
        problems.extend(links::resolve(&mut chapters));
    }
    // The file itself is opened with the other images (`assets`).
    let cover = book_section.cover.as_ref().map(|c| {
        let (line, column) = line_col(&text, c.span().start);
        crate::model::CoverSource {
            path: root.join(c.get_ref()),
            pos: crate::model::SourcePos {
                file: toml_path.clone(),
                line,
                column,
            },
        }
    });
    if let Some(s) = &book_section.slug
        && let Err(m) = check_slug(s.get_ref())
    {
        problems.push(at(s.span(), m));
    }
    let b = book_section;
    let identifier = b.identifier.clone().unwrap_or_else(|| {
        let seed = format!("{}\u{0}{}", b.title, b.subtitle.as_deref().unwrap_or(""));
        format!(
            "urn:uuid:{}",
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, seed.as_bytes())
        )
    });
    let slug = match &b.slug {
        Some(s) => s.get_ref().clone(),
        None => default_slug(root),
    };
    let book = Book {
        root: root.to_path_buf(),
        meta: Metadata {
            title: b.title,
            subtitle: b.subtitle,
            section: b.section,
            language: b.language,
            editors: b.editors,
            publisher: b.publisher,
            identifier,
            // Checked by `meta::check` before.
            isbn: b.isbn.and_then(|s| meta::isbn13(&s).ok()),
            date: b.date,
            description: b.description,
            source: b.source,
            slug,
        },
        chapters,
        cover,
        enlarge_images: b.enlarge_images,
    };
    let sources = Sources {
        book,
        settings,
        fonts,
        class,
        warnings,
    };
    Ok((sources, problems))
}

/// The path (in the book folder) and text of the chapter `entry` names,
/// or the problem, at the entry (`at`) or in the file itself.
fn chapter_text(
    root: &Path,
    entry: &toml::Spanned<String>,
    seen: &mut std::collections::HashSet<PathBuf>,
    read_chapter: &ChapterReader,
    at: &dyn Fn(std::ops::Range<usize>, String) -> Diagnostic,
) -> Result<(PathBuf, String), Diagnostic> {
    let name = entry.get_ref();
    let Some(rel) = inside_book(Path::new(name)) else {
        return Err(at(
            entry.span(),
            format!("chapter path {name} leaves the book folder; chapters must be inside it"),
        ));
    };
    if !seen.insert(rel.clone()) {
        return Err(at(entry.span(), format!("chapter {name} is listed twice")));
    }
    match read_chapter(&root.join(&rel)) {
        Ok(body) => Ok((rel, body)),
        Err(text::ReadError::Refused(r)) => {
            let shown = crate::diag::escape_controls(name);
            Err(at(entry.span(), r.message("chapter file", &shown)))
        }
        Err(text::ReadError::Text(d)) => Err(d),
    }
}

/// A slug names the output files: one safe file stem, never a path.
fn check_slug(slug: &str) -> Result<(), String> {
    let ok_char = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || crate::script::is_han(c)
    };
    let bad = slug.is_empty()
        || slug.starts_with('.')
        || slug.chars().count() > 100
        || !slug.chars().all(ok_char);
    if bad {
        return Err(format!(
            "slug {slug:?} is not a file stem: use 1 to 100 letters, digits, Chinese characters, `-`, `_` or `.` (not first)"
        ));
    }
    Ok(())
}

/// The book folder's name, reduced to characters safe in any file system.
fn default_slug(root: &Path) -> String {
    let name: PathBuf = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("book"));
    let slug: String = name
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if slug.trim_matches('-').is_empty() {
        "book".into()
    } else {
        slug
    }
}
