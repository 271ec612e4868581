//! Writing a typeset [`Document`] as PDF bytes with krilla: pages, outline,
//! metadata and the structure tree. It receives positioned glyph runs,
//! rules, images and links and knows nothing of Chinese typography; fonts
//! are parsed once and subset once by krilla.

use std::num::NonZeroU32;

use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Size};
use krilla::image::Image;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::text::Font;
use krilla::{Data, Document as PdfDocument, SerializeSettings};

use super::PdfOptions;
use super::draw::{Drawn, draw_page};
use super::tags::{metadata, tag_tree};
use crate::assets::Format;
use crate::diag::{Diagnostic, Failure};
use crate::editions::RenderContext;
use crate::layout::{Document, ImageSource, Numbering};

/// Writes a typeset document as PDF bytes.
pub fn write_pdf(
    doc: &Document,
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
            })
        })
        .collect::<Result<Vec<Font>, Diagnostic>>()?;
    let pictures = pictures(doc, ctx, opts)?;
    let mut drawn = Drawn::default();
    let size = Size::from_wh(doc.width, doc.height)
        .ok_or_else(|| Diagnostic::error("invalid page size"))?;
    for (pi, page) in doc.pages.iter().enumerate() {
        let style = match page.label.style {
            Numbering::Roman => NumberingStyle::LowerRoman,
            Numbering::Arabic => NumberingStyle::Arabic,
        };
        let settings = PageSettings::new(size).with_page_label(PageLabel::new(
            Some(style),
            None,
            NonZeroU32::new(page.label.number),
        ));
        let mut p = pdf.start_page_with(settings);
        draw_page(&mut p, pi, page, doc, (&faces, &pictures), &mut drawn);
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
    pdf.set_tag_tree(tag_tree(ctx.book, drawn.structure, drawn.figures));
    pdf.finish().map_err(|e| {
        Failure::from(Diagnostic::error(format!(
            "PDF could not be written: {e:?}"
        )))
    })
}

fn settings(opts: &PdfOptions) -> Result<SerializeSettings, Diagnostic> {
    let mut settings = SerializeSettings {
        enable_tagging: opts.tagged() || opts.pdfa,
        ..SerializeSettings::default()
    };
    if opts.pdfa {
        settings.configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_U)
            .finish()
            .map_err(|e| Diagnostic::error(format!("PDF/A configuration: {e:?}")))?;
    }
    Ok(settings)
}

/// An image ready to draw: a raster image krilla embeds, or an SVG drawing.
#[derive(Clone)]
pub(super) enum Picture {
    Raster(Image),
    Vector(std::sync::Arc<usvg::Tree>),
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
                    None => Picture::Raster(decode_image(
                        Data::from(c.bytes.clone()),
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
    img.map_err(|e| Diagnostic::error(format!("image cannot be embedded: {e}")))
}
