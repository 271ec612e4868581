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
    let cover = cover_image(doc, ctx, opts)?;
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
        draw_page(
            &mut p,
            pi,
            page,
            doc,
            (&faces, cover.as_ref(), !opts.pdfa),
            &mut drawn,
        )?;
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

/// The cover image, decoded once, when a page shows it.
fn cover_image(
    doc: &Document,
    ctx: &RenderContext,
    opts: &PdfOptions,
) -> Result<Option<Image>, Diagnostic> {
    let shown = doc
        .pages
        .iter()
        .any(|p| p.images.iter().any(|i| i.source == ImageSource::Cover));
    if !shown {
        return Ok(None);
    }
    let cover = &ctx.assets.cover;
    decode_image(
        cover.bytes.clone(),
        cover.media_type == "image/jpeg",
        !opts.pdfa,
    )
    .map(Some)
}

/// PDF/A forbids asking viewers to interpolate images.
pub(super) fn decode_image(
    bytes: Vec<u8>,
    jpeg: bool,
    interpolate: bool,
) -> Result<Image, Diagnostic> {
    let data = Data::from(bytes);
    let img = if jpeg {
        Image::from_jpeg(data, interpolate)
    } else {
        Image::from_png(data, interpolate)
    };
    img.map_err(|e| Diagnostic::error(format!("image cannot be embedded: {e}")))
}
