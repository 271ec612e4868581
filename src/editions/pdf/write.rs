//! Writing a typeset [`Document`] as PDF bytes with krilla: pages, outline,
//! metadata and the structure tree. It receives positioned glyph runs,
//! rules, images and links and knows nothing of Chinese typography; fonts
//! are parsed once and subset once by krilla.

use std::num::NonZeroU32;

use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Rect, Size};
use krilla::image::Image;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::text::Font;
use krilla::{Data, Document as PdfDocument, SerializeSettings};

use super::PdfOptions;
use super::draw::{Drawn, draw_page};
use super::pack::pack;
use super::tags::{metadata, tag_tree};
use super::widen::Widened;
use crate::assets::Format;
use crate::diag::{Diagnostic, Failure};
use crate::editions::RenderContext;
use crate::layout::{Document, ImageSource, Numbering, PageKind};
use crate::style::mm;

/// Writes a typeset document as PDF bytes. Its pages are handed to krilla
/// and dropped one by one (a large book's pages are most of its memory):
/// `doc.pages` is empty afterwards.
pub fn write_pdf(
    doc: &mut Document,
    ctx: &RenderContext,
    opts: &PdfOptions,
) -> Result<Vec<u8>, Failure> {
    let mut pdf = PdfDocument::new_with(settings(opts)?);
    let faces = ctx
        .fonts
        .faces
        .iter()
        .map(|f| {
            Font::new(Data::from(f.font.data.clone()), f.font.index).ok_or_else(|| {
                Diagnostic::error(format!("font {} cannot be embedded", f.font.origin))
                    .rule("pdf.write")
            })
        })
        .collect::<Result<Vec<Font>, Diagnostic>>()?;
    let pictures = pictures(doc, ctx, opts)?;
    let widened = Widened::new(doc, &pictures, ctx.fonts);
    let mut drawn = Drawn::default();
    let size = Size::from_wh(doc.width, doc.height)
        .ok_or_else(|| Diagnostic::error("invalid page size").rule("pdf.write"))?;
    let bleed = mm(opts.bleed_mm());
    let labels = page_labels(doc);
    let pages = std::mem::take(&mut doc.pages);
    let doc = &*doc;
    for (pi, page) in pages.into_iter().enumerate() {
        // The cover is printed to the edge: its media reaches `bleed` past
        // the trimmed page on every side; viewers show the trimmed page.
        let b = if page.kind == PageKind::Cover {
            bleed
        } else {
            0.0
        };
        let media = Size::from_wh(doc.width + 2.0 * b, doc.height + 2.0 * b).unwrap_or(size);
        let trim = Rect::from_xywh(b, b, doc.width, doc.height);
        let mut settings = PageSettings::new(media)
            .with_page_label(labels[pi].clone())
            .with_trim_box(trim);
        if b > 0.0 {
            // Elsewhere crop and bleed boxes default to the media box.
            settings = settings.with_crop_box(trim).with_bleed_box(Rect::from_xywh(
                0.0,
                0.0,
                media.width(),
                media.height(),
            ));
        }
        let mut p = pdf.start_page_with(settings);
        draw_page(
            &mut p,
            (&page, b),
            doc,
            (&faces, &pictures, &widened),
            &mut drawn,
        );
        p.finish();
    }

    // Outline: one entry per article.
    let mut outline = Outline::new();
    for e in &doc.outline {
        outline.push_child(OutlineNode::new(
            e.title.clone(),
            XyzDestination::new(e.page, Point::from_xy(0.0, e.y)),
        ));
    }
    pdf.set_outline(outline);
    pdf.set_metadata(metadata(ctx.book, ctx.date));
    pdf.set_tag_tree(tag_tree(
        ctx.book,
        drawn.cover,
        drawn.structure,
        &doc.groups,
    ));
    let bytes = pdf.finish().map_err(|e| {
        Failure::from(
            Diagnostic::error(format!("PDF could not be written: {e:?}")).rule("pdf.write"),
        )
    })?;
    Ok(pack(bytes))
}

/// Page labels as ranges: each run of pages numbered in one style from 1
/// is one entry of the label tree. krilla merges a page's label into the
/// entry before it when neither has a start number (a missing start is 1),
/// so only such runs leave the start out; any other page states its number
/// (an entry of its own, still right).
fn page_labels(doc: &Document) -> Vec<PageLabel> {
    let mut out = Vec::with_capacity(doc.pages.len());
    let mut prev: Option<crate::layout::PageLabel> = None;
    let mut from_one = false;
    for page in &doc.pages {
        let l = page.label;
        let same_style = prev.is_some_and(|p| p.style == l.style);
        let continues = same_style && prev.is_some_and(|p| p.number + 1 == l.number);
        if !continues {
            from_one = l.number == 1 && !same_style;
        }
        let style = match l.style {
            Numbering::Roman => NumberingStyle::LowerRoman,
            Numbering::Arabic => NumberingStyle::Arabic,
        };
        let start = if from_one {
            None
        } else {
            NonZeroU32::new(l.number)
        };
        out.push(PageLabel::new(Some(style), None, start));
        prev = Some(l);
    }
    out
}

fn settings(opts: &PdfOptions) -> Result<SerializeSettings, Diagnostic> {
    let mut settings = SerializeSettings {
        enable_tagging: opts.tagged() || opts.pdfa || opts.ua(),
        ..SerializeSettings::default()
    };
    let mut config = ConfigurationBuilder::new();
    if opts.pdfa {
        config = config.with_archival_validator(Archival::A2_U);
    }
    if opts.ua() {
        config = config.with_accessibility_validator(Accessibility::UA1);
    }
    settings.configuration = config.finish().map_err(|e| {
        Diagnostic::error(format!("PDF/A or PDF/UA configuration: {e:?}")).rule("pdf.write")
    })?;
    Ok(settings)
}

/// An image ready to draw: a raster image krilla embeds, or an SVG drawing.
#[derive(Clone)]
pub(super) enum Picture {
    Raster(Image),
    Vector(std::sync::Arc<usvg::Tree>),
    /// The generated cover, drawn with the book's fonts at the page's
    /// proportions (no raster, no PNG to decode).
    Art(std::sync::Arc<crate::assets::cover::CoverArt>),
}

/// Every image the pages show, prepared once: the cover and the book's
/// images by path.
pub(super) struct Pictures {
    pub cover: Option<Picture>,
    pub files: std::collections::HashMap<std::path::PathBuf, Picture>,
}

fn pictures(
    doc: &Document,
    ctx: &RenderContext,
    opts: &PdfOptions,
) -> Result<Pictures, Diagnostic> {
    let interpolate = !opts.pdfa;
    let mut out = Pictures {
        cover: None,
        files: Default::default(),
    };
    for img in doc.pages.iter().flat_map(|p| &p.images) {
        match &img.source {
            ImageSource::Cover if out.cover.is_none() => {
                let c = &ctx.assets.cover;
                out.cover = Some(match &c.svg {
                    Some(svg) => Picture::Vector(svg.tree.clone()),
                    None if ctx.book.cover.is_none() => {
                        // The art's own units: 1600 across, as the EPUB's raster.
                        let w = crate::assets::cover::GENERATED_WIDTH as f32;
                        Picture::Art(std::sync::Arc::new(crate::assets::cover::art(
                            &ctx.book.meta,
                            ctx.fonts,
                            w,
                            w * doc.height / doc.width,
                        )))
                    }
                    None => Picture::Raster(decode_image(
                        Data::from(c.bytes().to_vec()),
                        if c.media_type == "image/jpeg" {
                            Format::Jpeg
                        } else {
                            Format::Png
                        },
                        interpolate,
                    )?),
                });
            }
            ImageSource::File(path) if !out.files.contains_key(path) => {
                let Some(a) = ctx.assets.image(path) else {
                    continue;
                };
                let p = match &a.svg {
                    Some(svg) => Picture::Vector(svg.tree.clone()),
                    None => Picture::Raster(decode_image(
                        Data::from(a.bytes.clone()),
                        a.format,
                        interpolate,
                    )?),
                };
                out.files.insert(path.clone(), p);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// PDF/A forbids asking viewers to interpolate images.
fn decode_image(data: Data, format: Format, interpolate: bool) -> Result<Image, Diagnostic> {
    let img = match format {
        Format::Jpeg => Image::from_jpeg(data, interpolate),
        Format::Gif => Image::from_gif(data, interpolate),
        Format::Webp => Image::from_webp(data, interpolate),
        _ => Image::from_png(data, interpolate),
    };
    img.map_err(|e| Diagnostic::error(format!("image cannot be embedded: {e}")).rule("pdf.write"))
}
