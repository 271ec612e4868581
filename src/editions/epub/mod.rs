//! The EPUB 3 edition: package document, navigation (toc, landmarks,
//! page-list) and NCX, one XHTML document per article, a style sheet and
//! the font subsets, zipped in a fixed order with fixed timestamps so the
//! same sources give the same bytes.

pub mod nav;
pub mod package;
pub mod style;
pub mod subset;
pub mod xhtml;

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::assets::cover::Cover;
use crate::diag::{Diagnostic, Failure};
use crate::fonts::FontSet;
use crate::model::Book;
use crate::model::pagemap::PageMap;

use package::ManifestItem;
use xhtml::UsedChars;

/// Folder inside the archive holding the publication.
const ROOT: &str = "EPUB";
const CSS_HREF: &str = "style.css";

/// Writes the book as an EPUB 3 file and returns its bytes.
///
/// `pages` (the print edition's page starts) gives a page-list when the
/// book asks for one; `modified` (unix seconds) is the publication's
/// modification time and every archive entry's timestamp.
pub fn write_epub(
    book: &Book,
    fonts: &FontSet,
    cover: &Cover,
    pages: Option<&PageMap>,
    modified: i64,
) -> Result<Vec<u8>, Failure> {
    if book.chapters.is_empty() {
        return Err(Diagnostic::error("the book has no chapters: nothing to write").into());
    }
    let pages = pages.filter(|_| book.epub.page_list);
    let identifier = package::package_identifier(book);
    let mut used = UsedChars::default();

    let cover_image_href = format!("images/cover.{}", cover.extension());
    let cover_alt = cover_alt(book);
    let cover_doc = xhtml::cover_page(book, &cover_image_href, &cover_alt, &mut used, CSS_HREF);
    let title_doc = xhtml::title_page(book, &mut used, CSS_HREF);

    let toc = nav::toc_entries(book);
    let page_entries = pages.map(|p| nav::page_entries(book, p));
    let nav_doc = nav::nav_document(
        book,
        &toc,
        page_entries.as_deref(),
        "cover.xhtml",
        &mut used,
        CSS_HREF,
    );
    let mut images = Vec::new();
    let chapter_docs: Vec<String> = (0..book.chapters.len())
        .map(|i| xhtml::chapter(book, i, pages, &mut images, &mut used, CSS_HREF))
        .collect();
    let ncx = nav::ncx(book, &identifier, &toc, page_entries.as_deref());

    // Fonts: subsets of exactly the characters each face sets.
    let mut font_files = Vec::new();
    let mut faces = Vec::new();
    if book.epub.embed_fonts {
        for (font, chars, bold, name) in [
            (&fonts.regular, &used.regular, false, "regular"),
            (&fonts.bold, &used.bold, true, "bold"),
        ] {
            if chars.is_empty() {
                continue;
            }
            let sub = subset::subset_font(font, chars)?;
            let href = format!("fonts/{name}.{}", sub.extension);
            font_files.push((href, name, sub, bold));
        }
        for (href, _, sub, bold) in &font_files {
            faces.push(style::FontFace {
                href,
                format: if sub.extension == "otf" {
                    "opentype"
                } else {
                    "truetype"
                },
                bold: *bold,
            });
        }
    }
    let css = style::css(&faces);

    // Images the chapters show, read from the paths the model resolved.
    let mut image_files = Vec::new();
    for img in &images {
        let bytes = std::fs::read(&img.source)
            .map_err(|e| Failure::from(crate::diag::io_error(&img.source, &e)))?;
        image_files.push(bytes);
    }

    let mut items = vec![
        item(
            "nav",
            "nav.xhtml",
            "application/xhtml+xml",
            Some("nav"),
            false,
        ),
        item("ncx", "toc.ncx", "application/x-dtbncx+xml", None, false),
        item("css", CSS_HREF, "text/css", None, false),
        item(
            "cover-image",
            &cover_image_href,
            cover.media_type,
            Some("cover-image"),
            false,
        ),
    ];
    for (href, name, sub, _) in &font_files {
        items.push(item(
            &format!("font-{name}"),
            href,
            sub.media_type,
            None,
            false,
        ));
    }
    for (i, img) in images.iter().enumerate() {
        items.push(item(
            &format!("image-{}", i + 1),
            &img.href,
            img.media_type,
            None,
            false,
        ));
    }
    items.push(item(
        "cover",
        "cover.xhtml",
        "application/xhtml+xml",
        None,
        true,
    ));
    items.push(item(
        "titlepage",
        "titlepage.xhtml",
        "application/xhtml+xml",
        None,
        true,
    ));
    // The contents page is read after the title page.
    items[0].spine = true;
    let nav_item = items.remove(0);
    items.push(nav_item);
    for ch in &book.chapters {
        items.push(item(
            &ch.id,
            &format!("{}.xhtml", ch.id),
            "application/xhtml+xml",
            None,
            true,
        ));
    }

    let modified_text = format_timestamp(modified);
    let opf = package::opf(
        book,
        &package::PackageInfo {
            identifier: &identifier,
            modified: &modified_text,
            has_page_list: page_entries.as_ref().is_some_and(|p| !p.is_empty()),
            has_footnotes: book.chapters.iter().any(|c| !c.footnotes.is_empty()),
            items: &items,
        },
    );

    // The archive, in a fixed order.
    let mut files: Vec<(String, &[u8], bool)> = vec![
        (
            "META-INF/container.xml".into(),
            CONTAINER_XML.as_bytes(),
            true,
        ),
        (format!("{ROOT}/package.opf"), opf.as_bytes(), true),
        (format!("{ROOT}/nav.xhtml"), nav_doc.as_bytes(), true),
        (format!("{ROOT}/toc.ncx"), ncx.as_bytes(), true),
        (format!("{ROOT}/{CSS_HREF}"), css.as_bytes(), true),
        (format!("{ROOT}/cover.xhtml"), cover_doc.as_bytes(), true),
        (
            format!("{ROOT}/titlepage.xhtml"),
            title_doc.as_bytes(),
            true,
        ),
    ];
    for (ch, doc) in book.chapters.iter().zip(&chapter_docs) {
        files.push((format!("{ROOT}/{}.xhtml", ch.id), doc.as_bytes(), true));
    }
    // Already-compressed images are stored; fonts compress well.
    files.push((
        format!("{ROOT}/{cover_image_href}"),
        &cover.bytes[..],
        false,
    ));
    for (href, _, sub, _) in &font_files {
        files.push((format!("{ROOT}/{href}"), &sub.bytes[..], true));
    }
    for (img, bytes) in images.iter().zip(&image_files) {
        files.push((format!("{ROOT}/{}", img.href), &bytes[..], false));
    }
    zip_epub(&files, modified)
}

fn item(
    id: &str,
    href: &str,
    media_type: &str,
    properties: Option<&'static str>,
    spine: bool,
) -> ManifestItem {
    ManifestItem {
        id: id.to_string(),
        href: href.to_string(),
        media_type: media_type.to_string(),
        properties,
        spine,
    }
}

/// Text alternative of the cover image: what the cover shows.
fn cover_alt(book: &Book) -> String {
    let m = &book.meta;
    let mut alt = format!("封面：{}", m.title);
    if let Some(s) = &m.subtitle {
        alt.push_str(&format!("——{s}"));
    }
    alt
}

const CONTAINER_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

fn zip_epub(files: &[(String, &[u8], bool)], modified: i64) -> Result<Vec<u8>, Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        Failure::from(Diagnostic::error(format!("writing the EPUB archive: {e}")))
    };
    let t = crate::date::Utc::from_unix(modified);
    // ZIP (DOS) times run from 1980 to 2107.
    let time = if t.year < 1980 {
        DateTime::default()
    } else {
        DateTime::from_date_and_time(
            t.year.min(2107) as u16,
            t.month,
            t.day,
            t.hour,
            t.minute,
            t.second,
        )
        .unwrap_or_default()
    };
    let base = SimpleFileOptions::default()
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(512 * 1024)));
    // The mimetype entry comes first and is stored, so the file type can
    // be read at a fixed offset.
    zip.start_file(
        "mimetype",
        base.compression_method(CompressionMethod::Stored),
    )
    .map_err(|e| fail(&e))?;
    zip.write_all(b"application/epub+zip")
        .map_err(|e| fail(&e))?;
    for (name, bytes, deflate) in files {
        let opts = if *deflate {
            base.compression_method(CompressionMethod::Deflated)
        } else {
            base.compression_method(CompressionMethod::Stored)
        };
        zip.start_file(name.as_str(), opts).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    let out = zip.finish().map_err(|e| fail(&e))?;
    Ok(out.into_inner())
}

/// `CCYY-MM-DDThh:mm:ssZ`, the form `dcterms:modified` requires.
pub fn format_timestamp(secs: i64) -> String {
    let t = crate::date::Utc::from_unix(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day) 12:34:56 UTC.
        assert_eq!(format_timestamp(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(format_timestamp(1_767_225_599), "2025-12-31T23:59:59Z");
    }
}
