//! Drawing one typeset page with krilla: images, glyph runs (tagged, or
//! artifacts for running heads and folios), rules, emphasis dots, links.

use std::collections::BTreeMap;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::page::Page as PdfPage;
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use krilla_svg::{SurfaceExt, SvgSettings};

use super::write::{Picture, Pictures};
use crate::layout::{Document, ImageSource, LinkTarget, Page, Role};

/// Content identifiers gathered while drawing, for the structure tree.
#[derive(Default)]
pub(super) struct Drawn {
    /// Per structure element, in reading order.
    pub structure: BTreeMap<u32, (Role, Vec<Identifier>)>,
    /// Page, alternative text, content and structure id of each image.
    pub figures: Vec<(u32, Option<String>, Identifier, Option<u32>)>,
}

/// The faces and the prepared images.
pub(super) type Resources<'a> = (&'a [Font], &'a Pictures);

pub(super) fn draw_page(
    p: &mut PdfPage,
    pi: usize,
    page: &Page,
    doc: &Document,
    res: Resources,
    drawn: &mut Drawn,
) {
    {
        let mut s = p.surface();
        images(&mut s, pi, page, res.1, drawn);
        runs(&mut s, page, doc, res.0, drawn);
        rules_and_dots(&mut s, page);
        s.finish();
    }
    links(p, page);
}

fn images(s: &mut Surface, pi: usize, page: &Page, pictures: &Pictures, drawn: &mut Drawn) {
    for img in &page.images {
        let picture = match &img.source {
            ImageSource::Cover => pictures.cover.as_ref(),
            ImageSource::File(path) => pictures.files.get(path),
        };
        let Some(picture) = picture else { continue };
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
        match picture {
            Picture::Raster(image) => s.draw_image(image.clone(), isize),
            Picture::Vector(tree) => {
                s.draw_svg(tree, isize, SvgSettings::default());
            }
        }
        s.pop();
        for _ in 0..pushed {
            s.pop();
        }
        s.end_tagged();
        drawn
            .figures
            .push((pi as u32, img.alt.clone(), id, img.sid));
    }
}

fn runs(s: &mut Surface, page: &Page, doc: &Document, faces: &[Font], drawn: &mut Drawn) {
    for run in &page.runs {
        let face = faces[run.font.index()].clone();
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
            drawn
                .structure
                .entry(st.id)
                .or_insert_with(|| (st.role, Vec::new()))
                .1
                .push(id);
        }
    }
}

/// Rules and emphasis dots are layout, not content: artifacts.
fn rules_and_dots(s: &mut Surface, page: &Page) {
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
    if !page.dots.is_empty() {
        s.start_tagged(ContentTag::Artifact(Artifact::new(
            ArtifactType::Layout,
            None,
        )));
        let mut pb = PathBuilder::new();
        for d in &page.dots {
            circle(&mut pb, d.x, d.y, d.r);
        }
        if let Some(path) = pb.finish() {
            s.draw_path(&path);
        }
        s.end_tagged();
    }
}

fn links(p: &mut PdfPage, page: &Page) {
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
            // Resolved when the book was paginated; none is left.
            LinkTarget::Anchor(_) => continue,
        };
        p.add_annotation(Annotation::new_link(
            LinkAnnotation::new(rect, target),
            None,
        ));
    }
}

/// A circle as four cubic Bézier arcs.
fn circle(pb: &mut PathBuilder, x: f32, y: f32, r: f32) {
    const K: f32 = 0.552_284_8;
    let k = r * K;
    pb.move_to(x + r, y);
    pb.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
    pb.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
    pb.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
    pb.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
    pb.close();
}
