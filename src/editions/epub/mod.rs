//! The EPUB 3 edition: package document, navigation (toc, landmarks,
//! page-list) and NCX, one XHTML document per article, a style sheet and
//! the font subsets, zipped in a fixed order with fixed timestamps so the
//! same sources give the same bytes.

mod archive;
mod chapter;
mod front;
pub mod nav;
pub mod package;
pub mod style;
pub mod subset;
pub mod xhtml;

use serde::Deserialize;

use super::{Edition, Expectations, RenderContext, Rendered};
use crate::diag::{Diagnostic, Failure};
use crate::fonts::FontSet;
use crate::model::Book;
use crate::model::pagemap::PageMap;
use crate::script::generated::Texts;
use crate::source::config::Settings;
use crate::style::DocumentClass;
use archive::Body;
pub use archive::format_timestamp;
use package::ManifestItem;
use xhtml::{ImageRef, UsedChars};

/// Folder inside the archive holding the publication.
const ROOT: &str = "EPUB";
const CSS_HREF: &str = "style.css";

/// `[epub]` in `book.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EpubOptions {
    /// Embed subsets of the fonts so readers without Chinese fonts show the text.
    pub embed_fonts: bool,
    /// Add a page-list with the print edition's page numbers when the PDF is built too.
    pub page_list: bool,
}

impl Default for EpubOptions {
    fn default() -> Self {
        EpubOptions {
            embed_fonts: true,
            page_list: true,
        }
    }
}

/// The EPUB edition.
pub struct EpubEdition {
    pub options: EpubOptions,
    pub class: DocumentClass,
}

/// Reads `[epub]`.
pub fn configure(
    settings: &Settings,
    class: &DocumentClass,
) -> Result<Box<dyn Edition>, Diagnostic> {
    let options = settings.table("epub")?.unwrap_or_default();
    Ok(Box::new(EpubEdition {
        options,
        class: class.clone(),
    }))
}

impl Edition for EpubEdition {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn extension(&self) -> &'static str {
        "epub"
    }

    fn render(&self, ctx: &RenderContext) -> Result<Rendered, Failure> {
        let bytes = self.write(ctx)?;
        Ok(Rendered {
            bytes,
            page_map: None,
            expect: Expectations {
                embeds_fonts: self.options.embed_fonts,
                ..Default::default()
            },
            warnings: Vec::new(),
        })
    }
}

/// What the document writers read.
pub struct Writer<'a> {
    pub book: &'a Book,
    pub fonts: &'a FontSet,
    pub texts: &'a Texts,
    pub assets: &'a crate::assets::Assets,
    pub css_href: &'a str,
}

/// The XHTML documents of the book, written in reading order.
struct Documents {
    cover: String,
    title: String,
    nav: String,
    ncx: String,
    chapters: Vec<String>,
    images: Vec<ImageRef>,
    used: UsedChars,
    has_page_list: bool,
}

impl EpubEdition {
    /// Writes the book as an EPUB 3 file and returns its bytes. The print
    /// edition's page starts give a page-list when the book asks for one;
    /// `ctx.date` is `dcterms:modified` and every entry's timestamp.
    pub fn write(&self, ctx: &RenderContext) -> Result<Vec<u8>, Failure> {
        let book = ctx.book;
        if book.chapters.is_empty() {
            return Err(
                Diagnostic::error("the book has no chapters: nothing to write")
                    .rule("epub.write")
                    .into(),
            );
        }
        let pages = ctx.page_map.filter(|_| self.options.page_list);
        let w = Writer {
            book,
            fonts: ctx.fonts,
            texts: ctx.texts,
            assets: ctx.assets,
            css_href: CSS_HREF,
        };
        let cover = &ctx.assets.cover;
        let cover_href = format!("images/cover.{}", cover.extension());
        let docs = documents(&w, &cover_href, pages);
        let fonts = self.font_files(ctx.fonts, &docs.used)?;
        let faces: Vec<style::FontFace> = fonts
            .iter()
            .map(|f| style::FontFace {
                face: f.face,
                href: &f.href,
                format: if f.subset.extension == "otf" {
                    "opentype"
                } else {
                    "truetype"
                },
            })
            .collect();
        let css = style::css(&faces, ctx.fonts, &self.class);
        // Images the chapters show, as the assets stage read them.
        let mut image_files: Vec<&[u8]> = Vec::new();
        for img in &docs.images {
            let asset = ctx.assets.image(&img.source).ok_or_else(|| {
                Diagnostic::error(format!("image {} was not opened", img.source.display()))
                    .rule("epub.write")
            })?;
            image_files.push(&asset.bytes[..]);
        }
        let items = manifest(book, cover, &cover_href, &fonts, &docs.images);
        let identifier = package::package_identifier(book);
        let modified_text = format_timestamp(ctx.date);
        let labels = &ctx.texts.labels;
        let first = format!("{}.xhtml", book.chapters[0].id);
        let guide = [
            ("cover", labels.cover.as_str(), "cover.xhtml"),
            ("toc", labels.contents.as_str(), "nav.xhtml"),
            ("text", labels.body.as_str(), first.as_str()),
        ];
        let opf = package::opf(
            book,
            &package::PackageInfo {
                identifier: &identifier,
                modified: &modified_text,
                has_page_list: docs.has_page_list,
                has_footnotes: book.chapters.iter().any(|c| !c.footnotes.is_empty()),
                items: &items,
                guide: &guide,
                labels,
            },
        );
        let mut files: Vec<archive::Entry<'_>> = vec![
            text("META-INF/container.xml".into(), archive::CONTAINER_XML),
            text(format!("{ROOT}/package.opf"), &opf),
            text(format!("{ROOT}/nav.xhtml"), &docs.nav),
            text(format!("{ROOT}/toc.ncx"), &docs.ncx),
            text(format!("{ROOT}/{CSS_HREF}"), &css),
            text(format!("{ROOT}/cover.xhtml"), &docs.cover),
            text(format!("{ROOT}/titlepage.xhtml"), &docs.title),
        ];
        for (ch, doc) in book.chapters.iter().zip(&docs.chapters) {
            files.push(text(format!("{ROOT}/{}.xhtml", ch.id), doc));
        }
        // Already-compressed images are stored; fonts compress well. The
        // cover may still be being encoded: the archive asks for it last.
        files.push((format!("{ROOT}/{cover_href}"), Body::Cover(cover), false));
        for f in &fonts {
            let href = format!("{ROOT}/{}", f.href);
            files.push((href, Body::Bytes(&f.subset.bytes), true));
        }
        for (img, bytes) in docs.images.iter().zip(image_files) {
            files.push((format!("{ROOT}/{}", img.href), Body::Bytes(bytes), false));
        }
        archive::zip_epub(&files, ctx.date)
    }

    /// Subsets of exactly the characters each face sets.
    fn font_files(&self, fonts: &FontSet, used: &UsedChars) -> Result<Vec<FontFile>, Failure> {
        let mut out = Vec::new();
        if !self.options.embed_fonts {
            return Ok(out);
        }
        for id in fonts.ids() {
            let chars = used.of(id);
            if chars.is_empty() {
                continue;
            }
            let subset = subset::subset_font(fonts.face(id), &chars)?;
            let name = fonts.name(id).to_string();
            let href = format!("fonts/{name}.{}", subset.extension);
            out.push(FontFile {
                face: id,
                name,
                href,
                subset,
            });
        }
        Ok(out)
    }
}

/// A text file of the archive, deflated.
fn text(name: String, s: &str) -> archive::Entry<'_> {
    (name, Body::Bytes(s.as_bytes()), true)
}

/// An embedded font subset.
struct FontFile {
    face: crate::fonts::FaceId,
    name: String,
    href: String,
    subset: subset::Subset,
}

fn documents(w: &Writer, cover_href: &str, pages: Option<&PageMap>) -> Documents {
    let book = w.book;
    let mut used = UsedChars::new(w.fonts);
    let cover_alt = w.texts.cover_alt(book);
    let cover = front::cover_page(w, cover_href, &cover_alt, &mut used);
    let title = front::title_page(w, &mut used);
    let toc = nav::toc_entries(book, w.texts);
    let page_entries = pages.map(|p| nav::page_entries(book, p));
    let nav = nav::nav_document(w, &toc, page_entries.as_deref(), "cover.xhtml", &mut used);
    let mut images = Vec::new();
    let chapters = (0..book.chapters.len())
        .map(|i| chapter::chapter(w, i, pages, &mut images, &mut used))
        .collect();
    let ncx = nav::ncx(
        book,
        &package::package_identifier(book),
        &toc,
        page_entries.as_deref(),
    );
    Documents {
        cover,
        title,
        nav,
        ncx,
        chapters,
        images,
        used,
        has_page_list: page_entries.as_ref().is_some_and(|p| !p.is_empty()),
    }
}

fn manifest(
    book: &Book,
    cover: &crate::assets::cover::Cover,
    cover_href: &str,
    fonts: &[FontFile],
    images: &[ImageRef],
) -> Vec<ManifestItem> {
    let mut items = vec![
        item("ncx", "toc.ncx", "application/x-dtbncx+xml", None, false),
        item("css", CSS_HREF, "text/css", None, false),
        item(
            "cover-image",
            cover_href,
            cover.media_type,
            Some("cover-image"),
            false,
        ),
    ];
    for f in fonts {
        let id = format!("font-{}", f.name);
        items.push(item(&id, &f.href, f.subset.media_type, None, false));
    }
    for (i, img) in images.iter().enumerate() {
        let id = format!("image-{}", i + 1);
        items.push(item(&id, &img.href, img.media_type, None, false));
    }
    let xhtml = "application/xhtml+xml";
    items.push(item("cover", "cover.xhtml", xhtml, None, true));
    items.push(item("titlepage", "titlepage.xhtml", xhtml, None, true));
    // The contents page is read after the title page.
    items.push(item("nav", "nav.xhtml", xhtml, Some("nav"), true));
    for ch in &book.chapters {
        items.push(item(&ch.id, &format!("{}.xhtml", ch.id), xhtml, None, true));
    }
    items
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
