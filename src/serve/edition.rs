//! Preview builds, through the normal pipeline, into the server's private
//! folder. The EPUB is built first and alone, so a chapter shows as soon
//! as possible; it is read back into memory (its entries are what the
//! browser gets) with its reading order. The PDF follows in a second build.
//! The preview's EPUB therefore has no page-list of the print edition.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check::xml::{self, Element};
use crate::diag::{Diagnostic, Failure};
use crate::pipeline::{BuildOptions, build};

/// A finished EPUB build as the browser sees it.
pub struct Preview {
    pub title: String,
    pub language: String,
    /// EPUB entries by their name in the archive (`EPUB/ch01.xhtml`).
    pub entries: HashMap<String, Vec<u8>>,
    /// The reading order: (entry name, document title).
    pub contents: Vec<(String, String)>,
    pub took: Duration,
}

/// A finished PDF build.
pub struct PdfFile {
    pub bytes: Vec<u8>,
    pub took: Duration,
}

/// Builds the EPUB of the book in `book` into `out` (never into the book folder).
pub fn build_epub(book: &Path, out: &Path) -> Result<Preview, Failure> {
    let start = Instant::now();
    let epub = read(&build_one(book, out, "epub")?)?;
    let entries = unzip(&epub)?;
    let order = reading_order(&entries)?;
    Ok(Preview {
        title: order.title,
        language: order.language,
        entries,
        contents: order.contents,
        took: start.elapsed(),
    })
}

/// Builds the PDF of the book in `book` into `out`.
pub fn build_pdf(book: &Path, out: &Path) -> Result<PdfFile, Failure> {
    let start = Instant::now();
    let bytes = read(&build_one(book, out, "pdf")?)?;
    Ok(PdfFile {
        bytes,
        took: start.elapsed(),
    })
}

/// Runs the pipeline for one edition (`ext`: "epub" or "pdf"); returns the file written.
fn build_one(book: &Path, out: &Path, ext: &str) -> Result<PathBuf, Failure> {
    let opts = BuildOptions {
        book: book.to_path_buf(),
        out: out.to_path_buf(),
        editions: vec![ext.to_string()],
        missing: None,
    };
    let report = build(&opts, &|_| {})?;
    report
        .written
        .into_iter()
        .map(|w| w.path)
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .ok_or_else(|| internal(format!("the build wrote no {ext} file")))
}

fn internal(msg: String) -> Failure {
    Diagnostic::error(format!("preview: {msg}")).into()
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| crate::diag::io_error(path, &e).into())
}

fn unzip(bytes: &[u8]) -> Result<HashMap<String, Vec<u8>>, Failure> {
    let fail = |e: zip::result::ZipError| internal(format!("reading the EPUB back: {e}"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(fail)?;
    let mut entries = HashMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(fail)?;
        let name = file.name().map_err(fail)?.into_owned();
        let mut data = Vec::with_capacity(file.size() as usize);
        file.read_to_end(&mut data)
            .map_err(|e| internal(format!("reading the EPUB back: {e}")))?;
        entries.insert(name, data);
    }
    Ok(entries)
}

fn parse_entry(entries: &HashMap<String, Vec<u8>>, name: &str) -> Result<Element, Failure> {
    let bytes = entries
        .get(name)
        .ok_or_else(|| internal(format!("the EPUB has no {name}")))?;
    let text = std::str::from_utf8(bytes).map_err(|_| internal(format!("{name} is not UTF-8")))?;
    xml::parse(text).map_err(|e| internal(format!("{name}: {e:?}")))
}

/// What the package document says about the book.
struct ReadingOrder {
    title: String,
    language: String,
    /// Spine documents: (entry name, label).
    contents: Vec<(String, String)>,
}

/// Title, language and spine documents (labelled as the navigation
/// document calls them, else by their `<title>`), found the way a reading
/// system finds them: container → package → spine.
fn reading_order(entries: &HashMap<String, Vec<u8>>) -> Result<ReadingOrder, Failure> {
    let container = parse_entry(entries, "META-INF/container.xml")?;
    let opf_name = container
        .descendants()
        .into_iter()
        .find(|e| e.local == "rootfile")
        .and_then(|e| e.attr("full-path"))
        .ok_or_else(|| internal("container.xml names no package".into()))?
        .to_string();
    let opf = parse_entry(entries, &opf_name)?;
    let base = opf_name.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let find_text = |local: &str| {
        opf.descendants()
            .into_iter()
            .find(|e| e.is(xml::DC_NS, local))
            .map(|e| e.text())
            .unwrap_or_default()
    };
    let (title, language) = (find_text("title"), find_text("language"));
    let items: Vec<&Element> = opf
        .descendants()
        .into_iter()
        .filter(|e| e.local == "item")
        .collect();
    let hrefs: HashMap<&str, &str> = items
        .iter()
        .filter_map(|e| Some((e.attr("id")?, e.attr("href")?)))
        .collect();
    let nav_href = items
        .iter()
        .find(|e| {
            e.attr("properties")
                .is_some_and(|p| p.split(' ').any(|p| p == "nav"))
        })
        .and_then(|e| e.attr("href"));
    let labels = match nav_href {
        Some(href) => nav_labels(&parse_entry(entries, &join(base, href))?),
        None => HashMap::new(),
    };
    let mut contents = Vec::new();
    for itemref in opf
        .descendants()
        .into_iter()
        .filter(|e| e.local == "itemref")
    {
        let Some(href) = itemref.attr("idref").and_then(|id| hrefs.get(id)) else {
            continue;
        };
        let name = join(base, href);
        let label = match labels.get(*href) {
            Some(label) => label.clone(),
            None => parse_entry(entries, &name)?
                .descendants()
                .into_iter()
                .find(|e| e.local == "title")
                .map(|e| e.text())
                .unwrap_or_else(|| href.to_string()),
        };
        contents.push((name, label));
    }
    Ok(ReadingOrder {
        title,
        language,
        contents,
    })
}

fn join(base: &str, href: &str) -> String {
    if base.is_empty() {
        href.to_string()
    } else {
        format!("{base}/{href}")
    }
}

/// What the navigation document calls each document it links to (the
/// first link wins: the table of contents comes before the landmarks).
fn nav_labels(nav: &Element) -> HashMap<String, String> {
    let mut labels = HashMap::new();
    for a in nav.descendants().into_iter().filter(|e| e.local == "a") {
        if let Some(href) = a.attr("href") {
            let doc = href.split('#').next().unwrap_or(href).to_string();
            labels.entry(doc).or_insert_with(|| a.text());
        }
    }
    labels
}

/// The media type a browser needs for an EPUB entry.
pub fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "xhtml" => "application/xhtml+xml; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "opf" | "ncx" | "xml" => "application/xml; charset=utf-8",
        _ => "application/octet-stream",
    }
}
