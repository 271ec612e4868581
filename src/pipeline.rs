//! `bindery build`: sources → model → editions, in one direction. The PDF is
//! set first when both editions are built, so the EPUB can carry the print
//! edition's page numbers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::assets::cover;
use crate::check::Paper;
use crate::diag::{Diagnostic, Failure};
use crate::fonts::FontSet;
use crate::fonts::coverage;
use crate::model::Book;
use crate::output::write_atomic;
use crate::source::{BOOK_TOML, load_book};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub book: PathBuf,
    pub out: PathBuf,
    pub epub: bool,
    pub pdf: bool,
}

/// One file written by a build.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: usize,
    pub took: Duration,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub written: Vec<Written>,
    /// The page size the book asks for, to check the PDF against.
    pub paper: Paper,
}

/// Runs a build; `progress` receives one line per step.
pub fn build(opts: &BuildOptions, progress: &dyn Fn(&str)) -> Result<BuildReport, Failure> {
    progress("loading book");
    let book = load_book(&opts.book)?;
    let fonts = FontSet::load(&book.fonts, &book.root, &book.root.join(BOOK_TOML))?;
    coverage::check(&book, &fonts)?;
    let date = source_date(&book)?;
    progress("preparing cover");
    let cover = cover::prepare(&book, &fonts)?;
    let mut report = BuildReport {
        written: Vec::new(),
        paper: Paper {
            name: format!("{}×{} mm", book.pdf.page_width_mm, book.pdf.page_height_mm),
            width_pt: f64::from(book.pdf.page_width_mm) * 72.0 / 25.4,
            height_pt: f64::from(book.pdf.page_height_mm) * 72.0 / 25.4,
        },
    };
    let mut pages = None;
    if opts.pdf {
        progress("setting the PDF edition");
        let start = Instant::now();
        let (pdf, map) = crate::editions::pdf::render_pdf(&book, &fonts, &cover, date)?;
        let path = opts.out.join(format!("{}.pdf", book.meta.slug));
        write_atomic(&path, &pdf)?;
        report.written.push(Written {
            path,
            bytes: pdf.len(),
            took: start.elapsed(),
        });
        pages = Some(map);
    }
    if opts.epub {
        progress("writing the EPUB edition");
        let start = Instant::now();
        let epub = crate::editions::epub::write_epub(&book, &fonts, &cover, pages.as_ref(), date)?;
        let path = opts.out.join(format!("{}.epub", book.meta.slug));
        write_atomic(&path, &epub)?;
        report.written.push(Written {
            path,
            bytes: epub.len(),
            took: start.elapsed(),
        });
    }
    Ok(report)
}

/// The date stamped into the editions: SOURCE_DATE_EPOCH when set (for
/// reproducible builds), else the newest modification time of the sources.
pub fn source_date(book: &Book) -> Result<i64, Failure> {
    if let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let s = v.to_string_lossy();
        return s.trim().parse::<i64>().map_err(|_| {
            Diagnostic::error(format!(
                "SOURCE_DATE_EPOCH={s} is not a number of seconds since 1970"
            ))
            .into()
        });
    }
    let mut files: Vec<PathBuf> = vec![book.root.join(BOOK_TOML)];
    files.extend(book.chapters.iter().map(|c| book.root.join(&c.source)));
    files.extend(book.cover.iter().cloned());
    Ok(files.iter().filter_map(|p| mtime(p)).max().unwrap_or(0))
}

fn mtime(path: &Path) -> Option<i64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64)
}
