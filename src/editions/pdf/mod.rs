//! The PDF writer: draws a typeset [`Document`] with krilla. It receives
//! positioned glyph runs, rules, images and links and knows nothing of
//! Chinese typography; fonts are parsed once and subset once by krilla.

use std::collections::BTreeMap;
use std::num::{NonZeroU16, NonZeroU32};

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document as PdfDocument, SerializeSettings};

use crate::assets::cover::Cover;
use crate::diag::{Diagnostic, Failure};
use crate::fonts::FontSet;
use crate::layout::{self, Document, ImageSource, LabelStyle, LinkTarget, Role};
use crate::model::Book;
use crate::model::pagemap::PageMap;

/// Typesets the book and writes the print edition. `created` (Unix
/// seconds) is the creation date written into the metadata: the caller
/// takes it from `SOURCE_DATE_EPOCH` or a fixed value, never the clock.
pub fn render_pdf(
    book: &Book,
    fonts: &FontSet,
    cover: &Cover,
    created: i64,
) -> Result<(Vec<u8>, PageMap), Failure> {
    let doc = layout::typeset(book, fonts, Some((cover.width, cover.height)));
    let bytes = write_pdf(&doc, book, fonts, cover, created)?;
    Ok((bytes, doc.page_map))
}

/// Writes a typeset document as PDF bytes.
pub fn write_pdf(
    doc: &Document,
    book: &Book,
    fonts: &FontSet,
    cover: &Cover,
    created: i64,
) -> Result<Vec<u8>, Failure> {
    let opts = &book.pdf;
    let mut settings = SerializeSettings {
        enable_tagging: opts.tagged || opts.pdfa,
        ..SerializeSettings::default()
    };
    if opts.pdfa {
        settings.configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_U)
            .finish()
            .map_err(|e| Diagnostic::error(format!("PDF/A configuration: {e:?}")))?;
    }
    let mut pdf = PdfDocument::new_with(settings);
    let font_of = |f: &crate::fonts::LoadedFont| {
        Font::new(Data::from(f.data.clone()), f.index)
            .ok_or_else(|| Diagnostic::error(format!("font {} cannot be embedded", f.origin)))
    };
    let faces = [font_of(&fonts.regular)?, font_of(&fonts.bold)?];
    let cover_image = if doc
        .pages
        .iter()
        .any(|p| p.images.iter().any(|i| i.source == ImageSource::Cover))
    {
        Some(decode_image(
            cover.bytes.clone(),
            cover.media_type == "image/jpeg",
            !opts.pdfa,
        )?)
    } else {
        None
    };
    // Content identifiers per structure element, in reading order.
    let mut structure: BTreeMap<u32, (Role, Vec<Identifier>)> = BTreeMap::new();
    let mut figures: Vec<(u32, Option<String>, Identifier)> = Vec::new();

    for (pi, page) in doc.pages.iter().enumerate() {
        let size = Size::from_wh(doc.width, doc.height)
            .ok_or_else(|| Diagnostic::error("invalid page size"))?;
        let style = match page.label.style {
            LabelStyle::Roman => NumberingStyle::LowerRoman,
            LabelStyle::Arabic => NumberingStyle::Arabic,
        };
        let settings = PageSettings::new(size).with_page_label(PageLabel::new(
            Some(style),
            None,
            NonZeroU32::new(page.label.number),
        ));
        let mut p = pdf.start_page_with(settings);
        {
            let mut s = p.surface();
            for img in &page.images {
                let image = match &img.source {
                    ImageSource::Cover => cover_image.clone(),
                    ImageSource::File(path) => {
                        let bytes =
                            std::fs::read(path).map_err(|e| crate::diag::io_error(path, &e))?;
                        let jpeg = bytes.starts_with(&[0xFF, 0xD8]);
                        Some(decode_image(bytes, jpeg, !opts.pdfa)?)
                    }
                };
                let Some(image) = image else { continue };
                let Some(isize) = Size::from_wh(img.width, img.height) else {
                    continue;
                };
                let id = s.start_tagged(ContentTag::Other);
                let mut pushed = 0;
                if let Some([x0, y0, x1, y1]) = img.clip
                    && let Some(rect) = Rect::from_ltrb(x0, y0, x1, y1)
                {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        s.push_clip_path(&path, &krilla::paint::FillRule::NonZero);
                        pushed += 1;
                    }
                }
                s.push_transform(&Transform::from_translate(img.x, img.y));
                s.draw_image(image, isize);
                s.pop();
                for _ in 0..pushed {
                    s.pop();
                }
                s.end_tagged();
                figures.push((pi as u32, img.alt.clone(), id));
            }
            for run in &page.runs {
                let face = faces[run.font as usize].clone();
                let glyphs: Vec<KrillaGlyph> = run
                    .glyphs
                    .iter()
                    .map(|g| {
                        KrillaGlyph::new(
                            GlyphId::new(g.id as u32),
                            g.advance / run.size,
                            g.dx / run.size,
                            g.dy / run.size,
                            0.0,
                            g.range.clone(),
                            None,
                        )
                    })
                    .collect();
                let tag = match run.structure {
                    Some(_) => ContentTag::Span(SpanTag::empty()),
                    None => ContentTag::Artifact(Artifact::new(
                        if run.y > doc.height / 2.0 {
                            ArtifactType::Footer
                        } else {
                            ArtifactType::Header
                        },
                        None,
                    )),
                };
                let id = s.start_tagged(tag);
                s.draw_glyphs(
                    Point::from_xy(run.x, run.y),
                    &glyphs,
                    face,
                    &run.text,
                    run.size,
                    false,
                );
                s.end_tagged();
                if let Some(st) = run.structure {
                    structure
                        .entry(st.id)
                        .or_insert_with(|| (st.role, Vec::new()))
                        .1
                        .push(id);
                }
            }
            if !page.rules.is_empty() {
                s.start_tagged(ContentTag::Artifact(Artifact::new(
                    ArtifactType::Layout,
                    None,
                )));
                s.set_fill(None);
                for r in &page.rules {
                    let mut pb = PathBuilder::new();
                    pb.move_to(r.x0, r.y0);
                    pb.line_to(r.x1, r.y1);
                    if let Some(path) = pb.finish() {
                        s.set_stroke(Some(krilla::paint::Stroke {
                            width: r.width,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                    }
                }
                s.set_stroke(None);
                s.set_fill(Some(krilla::paint::Fill::default()));
                s.end_tagged();
            }
            s.finish();
        }
        for link in &page.links {
            let [x0, y0, x1, y1] = link.rect;
            let Some(rect) = Rect::from_ltrb(x0, y0, x1, y1) else {
                continue;
            };
            let target = match &link.target {
                LinkTarget::Page { page, y } => Target::Destination(Destination::Xyz(
                    XyzDestination::new(*page, Point::from_xy(0.0, *y)),
                )),
                LinkTarget::Uri(u) => Target::Action(Action::Link(LinkAction::new(u.clone()))),
            };
            p.add_annotation(Annotation::new_link(
                LinkAnnotation::new(rect, target),
                None,
            ));
        }
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
    pdf.set_metadata(metadata(book, created));
    pdf.set_tag_tree(tag_tree(book, structure, figures));
    pdf.finish().map_err(|e| {
        Failure::from(Diagnostic::error(format!(
            "PDF could not be written: {e:?}"
        )))
    })
}

/// PDF/A forbids asking viewers to interpolate images.
fn decode_image(bytes: Vec<u8>, jpeg: bool, interpolate: bool) -> Result<Image, Diagnostic> {
    let data = Data::from(bytes);
    let img = if jpeg {
        Image::from_jpeg(data, interpolate)
    } else {
        Image::from_png(data, interpolate)
    };
    img.map_err(|e| Diagnostic::error(format!("image cannot be embedded: {e}")))
}

/// The logical structure: headings, paragraphs, notes, the contents as a
/// TOC of TOCIs, figures with their alternative text.
fn tag_tree(
    book: &Book,
    structure: BTreeMap<u32, (Role, Vec<Identifier>)>,
    figures: Vec<(u32, Option<String>, Identifier)>,
) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some(book.meta.language.clone()));
    let mut figures = figures.into_iter().peekable();
    // The cover comes first.
    while let Some((page, _, _)) = figures.peek() {
        if *page > 0 {
            break;
        }
        let (_, alt, id) = figures.next().expect("peeked");
        tree.push(TagGroup::with_children(
            Tag::Figure(alt),
            vec![Node::from(id)],
        ));
    }
    let mut toc: Option<TagGroup> = None;
    for (_, (role, ids)) in structure {
        let kind: TagKind = match role {
            Role::Heading(level) => Tag::Hn(
                NonZeroU16::new(level as u16).unwrap_or(NonZeroU16::MIN),
                None,
            )
            .into(),
            Role::Paragraph | Role::Byline => Tag::P.into(),
            Role::Note | Role::Footnote => Tag::Note.into(),
            Role::Caption => Tag::Caption.into(),
            Role::TocItem => Tag::TOCI.into(),
            Role::Figure => Tag::Figure(None).into(),
        };
        let group = TagGroup::with_children(kind, ids.into_iter().map(Node::from).collect());
        if role == Role::TocItem {
            toc.get_or_insert_with(|| TagGroup::new(Tag::TOC))
                .push(group);
        } else {
            if let Some(t) = toc.take() {
                tree.push(t);
            }
            tree.push(group);
        }
    }
    if let Some(t) = toc.take() {
        tree.push(t);
    }
    for (_, alt, id) in figures {
        tree.push(TagGroup::with_children(
            Tag::Figure(alt),
            vec![Node::from(id)],
        ));
    }
    tree
}

fn metadata(book: &Book, created: i64) -> Metadata {
    let m = &book.meta;
    let mut authors: Vec<String> = m.editors.clone();
    if authors.is_empty() {
        for ch in &book.chapters {
            for a in &ch.authors {
                if !authors.contains(a) {
                    authors.push(a.clone());
                }
            }
        }
    }
    let mut subject = Vec::new();
    subject.extend(m.subtitle.clone());
    subject.extend(m.section.clone());
    let subject = m.description.clone().unwrap_or_else(|| subject.join(" · "));
    let mut md = Metadata::new()
        .title(m.title.clone())
        .authors(authors)
        .language(m.language.clone())
        .creator(format!("bindery {}", env!("CARGO_PKG_VERSION")))
        .producer(format!("bindery {} (krilla)", env!("CARGO_PKG_VERSION")))
        .document_id(m.identifier.clone())
        .creation_date(utc_datetime(created));
    if !subject.is_empty() {
        md = md.description(subject);
    }
    md
}

/// A Unix time as a UTC calendar date and time.
fn utc_datetime(secs: i64) -> DateTime {
    let t = crate::date::Utc::from_unix(secs);
    DateTime::new(t.year.clamp(0, 9999) as u16)
        .month(t.month)
        .day(t.day)
        .hour(t.hour)
        .minute(t.minute)
        .second(t.second)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
