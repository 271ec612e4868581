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

use crate::diag::{Diagnostic, Failure, io_error};
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
    let text = read_book_toml(root, &toml_path)?;
    let read_chapter = |full: &Path| text::read(full, root, files::MAX_CHAPTER_BYTES, full);
    from_texts(root, text, &read_chapter)
}

/// Reads a chapter file given its path joined to the book folder.
pub type ChapterReader<'r> = dyn Fn(&Path) -> Result<String, text::ReadError> + Sync + 'r;

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
    let class = style_class(&book_section, &at, &mut problems);
    let (mut chapters, warnings) =
        read_chapters(root, &book_section, &at, read_chapter, &mut problems);
    if problems.is_empty() {
        problems.extend(links::resolve(&mut chapters));
    }
    if let Some(s) = &book_section.slug
        && let Err(m) = check_slug(s.get_ref())
    {
        problems.push(at(s.span(), m).rule("source.book-toml.value"));
    }
    let cover = cover_source(root, &book_section, &lines, &toml_path);
    let enlarge_images = book_section.enlarge_images;
    let book = Book {
        root: root.to_path_buf(),
        meta: metadata(book_section, root),
        chapters,
        cover,
        enlarge_images,
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

/// The text of `book.toml`; a missing file says how to make one.
fn read_book_toml(root: &Path, toml_path: &Path) -> Result<String, Diagnostic> {
    let read = text::read(toml_path, root, files::MAX_BOOK_TOML_BYTES, toml_path);
    read.map_err(|e| match e {
        text::ReadError::Refused(files::Refusal::Io(e))
            if e.kind() != std::io::ErrorKind::NotFound =>
        {
            io_error(toml_path, &e).rule("source.book-toml")
        }
        text::ReadError::Refused(files::Refusal::NotFound | files::Refusal::Io(_)) => {
            Diagnostic::error_file(
                toml_path,
                "not found: a book folder needs a book.toml (create one with `bindery import PAGE.txt --into DIR`)",
            )
            .rule("source.book-toml")
        }
        text::ReadError::Refused(r) => {
            Diagnostic::error_file(toml_path, r.message("file", BOOK_TOML)).rule("source.book-toml")
        }
        text::ReadError::Text(d) => d,
    })
}

type At<'a> = dyn Fn(std::ops::Range<usize>, String) -> Diagnostic + 'a;

/// The document class `[book] style` names, or the default.
fn style_class(
    b: &config::BookSection,
    at: &At,
    problems: &mut Vec<Diagnostic>,
) -> crate::style::DocumentClass {
    let Some(name) = &b.style else {
        return crate::style::default_class();
    };
    crate::style::preset(name.get_ref()).unwrap_or_else(|| {
        let names: Vec<&str> = crate::style::PRESETS.iter().map(|(n, _)| *n).collect();
        problems.push(
            at(
                name.span(),
                format!(
                    "unknown style {}; the styles are {}",
                    name.get_ref(),
                    names.join(", ")
                ),
            )
            .rule("source.book-toml.value"),
        );
        crate::style::default_class()
    })
}

/// Reads and parses every chapter `[book] chapters` lists, in order;
/// returns the chapters and their warnings, and adds each problem.
fn read_chapters(
    root: &Path,
    b: &config::BookSection,
    at: &At,
    read: &ChapterReader,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<crate::model::Chapter>, Vec<Diagnostic>) {
    let (mut chapters, mut warnings) = (Vec::new(), Vec::new());
    if b.chapters.is_empty() {
        problems.push(
            Diagnostic::error_file(
                &root.join(BOOK_TOML),
                "book.chapters is empty: list the chapter files in reading order",
            )
            .rule("source.chapter"),
        );
    }
    let mut seen = std::collections::HashSet::new();
    let paths: Vec<Result<PathBuf, String>> = b
        .chapters
        .iter()
        .map(|entry| chapter_path(entry.get_ref(), &mut seen))
        .collect();
    let names: Vec<&str> = b.chapters.iter().map(|e| e.get_ref().as_str()).collect();
    let parsed = read_all(root, &names, paths, read);
    for (entry, found) in b.chapters.iter().zip(parsed) {
        match found {
            Ok(Ok((ch, w))) => {
                chapters.push(ch);
                warnings.extend(w);
            }
            Ok(Err(diags)) => problems.extend(diags),
            Err(m) => problems.push(at(entry.span(), m).rule("source.chapter")),
        }
    }
    (chapters, warnings)
}

/// Reads and parses the chapters at `paths` beside each other, one thread
/// per core (a 1000-chapter book's loading was a tenth of its build, on
/// one core); results in chapter order.
fn read_all(
    root: &Path,
    names: &[&str],
    paths: Vec<Result<PathBuf, String>>,
    read: &ChapterReader,
) -> Vec<Result<Parsed, String>> {
    crate::par::map_in_order(
        paths.len(),
        usize::MAX,
        || (),
        |_, i| {
            let rel = paths[i].clone()?;
            read_chapter(root, &rel, names[i], i, read)
        },
    )
}

/// The chapter's path inside the book folder, once; else why not. (Where
/// a symlink leads is checked when the file is read.)
fn chapter_path(
    name: &str,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<PathBuf, String> {
    let shown = crate::diag::escape_controls(name);
    let Some(rel) = inside_book(Path::new(name)) else {
        return Err(format!(
            "chapter path {shown} leaves the book folder; chapters must be inside it"
        ));
    };
    if !seen.insert(rel.clone()) {
        return Err(format!("chapter {shown} is listed twice"));
    }
    Ok(rel)
}

type Parsed = Result<(crate::model::Chapter, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads chapter `i` at `rel`: a read error is a message for the chapter's
/// entry in `book.toml`; what is wrong inside the file is positioned there.
fn read_chapter(
    root: &Path,
    rel: &Path,
    name: &str,
    i: usize,
    read: &ChapterReader,
) -> Result<Parsed, String> {
    let body = match read(&root.join(rel)) {
        Ok(b) => b,
        Err(text::ReadError::Refused(r)) => {
            let name = crate::diag::escape_controls(name);
            return Err(r.message("chapter file", &name));
        }
        Err(text::ReadError::Text(d)) => return Ok(Err(vec![d])),
    };
    Ok(markdown::parse(&body, rel, root, format!("ch{:02}", i + 1)))
}

/// Where the cover named in `book.toml` is; the file itself is opened with
/// the other images (`assets`).
fn cover_source(
    root: &Path,
    b: &config::BookSection,
    lines: &text::Lines,
    toml_path: &Path,
) -> Option<crate::model::CoverSource> {
    b.cover.as_ref().map(|c| {
        let (line, column) = lines.line_col(c.span().start);
        crate::model::CoverSource {
            path: root.join(c.get_ref()),
            pos: crate::model::SourcePos {
                file: toml_path.into(),
                line,
                column,
            },
        }
    })
}

/// The book's metadata from `[book]` (checked by `meta::check` before).
fn metadata(b: config::BookSection, root: &Path) -> Metadata {
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
    Metadata {
        title: b.title,
        subtitle: b.subtitle,
        section: b.section,
        language: b.language,
        editors: b.editors,
        publisher: b.publisher,
        identifier,
        isbn: b.isbn.and_then(|s| meta::isbn13(&s).ok()),
        date: b.date,
        description: b.description,
        source: b.source,
        slug,
        placeholders: 0,
        labels: b.labels,
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
