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

use krilla::color::rgb;
use krilla::paint::Fill;
use krilla_svg::{SurfaceExt, SvgSettings};

use super::tags::{Child, Elem};
use super::widen::Widened;
use super::write::{Picture, Pictures};
use crate::assets::cover::{CoverArt, Mark};
use crate::layout::{Document, ImageSource, LinkTarget, Page, PlacedImage, Structure};

/// Content identifiers gathered while drawing, for the structure tree.
#[derive(Default)]
pub(super) struct Drawn {
    /// Per structure element, in reading order.
    pub structure: BTreeMap<u32, Elem>,
    /// Alternative text and content of the cover, which comes first.
    pub cover: Vec<(Option<String>, Identifier)>,
}

impl Drawn {
    fn push_text(&mut self, st: Structure, text: &str) {
        self.entry(st).text.push_str(text);
    }

    fn entry(&mut self, st: Structure) -> &mut Elem {
        self.structure.entry(st.id).or_insert_with(|| Elem {
            role: st.role,
            children: Vec::new(),
            alt: None,
            text: String::new(),
        })
    }

    fn push(&mut self, st: Structure, child: Child) {
        self.entry(st).children.push(child);
    }
}

/// The faces, the prepared images and the faces derived for gaps.
pub(super) type Resources<'a> = (&'a [Font], &'a Pictures, &'a Widened);

/// Draws `page`; `bleed` is the media's margin around the trimmed page
/// (the cover's image reaches into it).
pub(super) fn draw_page(
    p: &mut PdfPage,
    (page, bleed): (&Page, f32),
    doc: &Document,
    res: Resources,
    drawn: &mut Drawn,
) {
    {
        let mut s = p.surface();
        s.push_transform(&Transform::from_translate(bleed, bleed));
        images(&mut s, page, (doc, bleed), res, drawn);
        runs(&mut s, page, doc, (res.0, res.2), drawn);
        rules_and_dots(&mut s, page);
        s.pop();
        s.finish();
    }
    links(p, (page, bleed), drawn);
}

/// The cover image grown about the page's centre to cover the bleed too.
fn into_bleed(img: &PlacedImage, doc: &Document, bleed: f32) -> PlacedImage {
    let (w, h) = (doc.width + 2.0 * bleed, doc.height + 2.0 * bleed);
    let f = (w / img.width.max(1e-3))
        .max(h / img.height.max(1e-3))
        .max(1.0);
    let (iw, ih) = (img.width * f, img.height * f);
    PlacedImage {
        x: (doc.width - iw) / 2.0,
        y: (doc.height - ih) / 2.0,
        width: iw,
        height: ih,
        clip: Some([-bleed, -bleed, doc.width + bleed, doc.height + bleed]),
        ..img.clone()
    }
}

fn images(
    s: &mut Surface,
    page: &Page,
    (doc, bleed): (&Document, f32),
    (faces, pictures, widened): Resources,
    drawn: &mut Drawn,
) {
    for img in &page.images {
        if img.source == ImageSource::Cover
            && let Some(Picture::Art(art)) = &pictures.cover
        {
            let id = s.start_tagged(ContentTag::Other);
            draw_art(s, art, (doc.width, doc.height, bleed), (faces, widened));
            s.end_tagged();
            drawn.cover.push((img.alt.clone(), id));
            continue;
        }
        let bled;
        let img = if img.source == ImageSource::Cover && bleed > 0.0 {
            bled = into_bleed(img, doc, bleed);
            &bled
        } else {
            img
        };
        let picture = match &img.source {
            ImageSource::Cover => pictures.cover.as_ref(),
            ImageSource::File(path) => pictures.files.get(path),
        };
        let Some(picture) = picture else { continue };
        let Some(isize) = Size::from_wh(img.width, img.height) else {
            continue;
        };
        // An image without alternative text (warned about by the source
        // stage) is decoration: an artifact, as PDF/UA has it, not a
        // figure without a description.
        let decorative = img.structure.is_some() && img.alt.as_deref().is_none_or(str::is_empty);
        let id = s.start_tagged(if decorative {
            ContentTag::Artifact(Artifact::new(ArtifactType::Other, None))
        } else {
            ContentTag::Other
        });
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
            Picture::Art(_) => {}
        }
        s.pop();
        for _ in 0..pushed {
            s.pop();
        }
        s.end_tagged();
        match img.structure {
            Some(_) if decorative => {}
            Some(st) => {
                drawn.push(st, Child::Content(id));
                if let Some(e) = drawn.structure.get_mut(&st.id) {
                    e.alt = img.alt.clone();
                }
            }
            None => drawn.cover.push((img.alt.clone(), id)),
        }
    }
}

/// The generated cover as vectors filling the page: its rectangles, and
/// its lines as text in the embedded fonts. The paper and every band that
/// touches an edge of the cover run on into the bleed.
fn draw_art(s: &mut Surface, art: &CoverArt, (w, h, bleed): (f32, f32, f32), faces: Faces) {
    let k = w / art.width;
    let fill = |c: [u8; 3]| {
        Some(Fill {
            paint: rgb::Color::new(c[0], c[1], c[2]).into(),
            ..Fill::default()
        })
    };
    // An edge of the art maps to the edge of the media.
    let out = |v: f32, edge: f32, to: f32| if (v - edge).abs() < 0.5 { to } else { v * k };
    let rect = |s: &mut Surface, [x0, y0, x1, y1]: [f32; 4], color: [u8; 3]| {
        let r = Rect::from_ltrb(
            out(x0, 0.0, -bleed),
            out(y0, 0.0, -bleed),
            out(x1, art.width, w + bleed),
            out(y1, art.height, h + bleed),
        );
        let mut pb = PathBuilder::new();
        if let Some(r) = r {
            pb.push_rect(r);
        }
        if let Some(path) = pb.finish() {
            s.set_fill(fill(color));
            s.draw_path(&path);
        }
    };
    rect(s, [0.0, 0.0, art.width, art.height], art.background);
    for mark in &art.marks {
        match mark {
            Mark::Rect { rect: r, color } => rect(s, *r, *color),
            Mark::Text(t) => {
                let glyphs: Vec<KrillaGlyph> = t
                    .glyphs
                    .iter()
                    .map(|g| glyph(g.id, [g.advance, g.dx, g.y], &g.range, t.size))
                    .collect();
                s.set_fill(fill(t.color));
                draw_line(
                    s,
                    Point::from_xy(t.x * k, t.baseline * k),
                    glyphs,
                    (t.font.index(), faces),
                    (&t.text, t.size * k),
                );
            }
        }
    }
    s.set_fill(Some(Fill::default()));
}

/// A positioned glyph for krilla: advance and offsets (`[advance, dx,
/// dy]`, points at `size`) in ems, as krilla takes them.
fn glyph(
    id: u16,
    [advance, dx, dy]: [f32; 3],
    range: &std::ops::Range<usize>,
    size: f32,
) -> KrillaGlyph {
    KrillaGlyph::new(
        GlyphId::new(id as u32),
        advance / size,
        dx / size,
        dy / size,
        0.0,
        range.clone(),
        None,
    )
}

/// The faces and those derived from them for gaps.
type Faces<'a> = (&'a [Font], &'a Widened);

/// Draws glyphs (advances in ems) on a line from `start`, each piece in
/// its face: the original, or a face widened for the gap after a glyph.
fn draw_line(
    s: &mut Surface,
    start: Point,
    glyphs: Vec<KrillaGlyph>,
    (face, (faces, widened)): (usize, Faces),
    (text, size): (&str, f32),
) {
    let mut x = start.x;
    for (font, piece) in widened.pieces(face, glyphs, &faces[face]) {
        let width: f32 = piece.iter().map(|g| g.x_advance * size).sum();
        s.draw_glyphs(Point::from_xy(x, start.y), &piece, font, text, size, false);
        x += width;
    }
}

fn runs(s: &mut Surface, page: &Page, doc: &Document, faces: Faces, drawn: &mut Drawn) {
    for run in &page.runs {
        let glyphs: Vec<KrillaGlyph> = run
            .glyphs
            .iter()
            .map(|g| glyph(g.id, [g.advance, g.dx, g.dy], &g.bytes(), run.size))
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
        draw_line(
            s,
            Point::from_xy(run.x, run.y),
            glyphs,
            (run.font.index(), faces),
            (&run.text, run.size),
        );
        s.end_tagged();
        if let Some(st) = run.structure {
            if let crate::layout::Role::Heading(_) = st.role {
                drawn.push_text(st, &run.text);
            }
            let child = match run.inline {
                Some(tag) => Child::Inline(tag, id),
                None => Child::Content(id),
            };
            drawn.push(st, child);
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

/// Link annotations, each with a description and tagged in the element it
/// belongs to.
fn links(p: &mut PdfPage, (page, bleed): (&Page, f32), drawn: &mut Drawn) {
    for link in &page.links {
        let [x0, y0, x1, y1] = link.rect.map(|v| v + bleed);
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
        let annotation = Annotation::new_link(
            LinkAnnotation::new(rect, target),
            Some(link.description.clone()),
        );
        match link.structure {
            Some(st) => {
                let id = p.add_tagged_annotation(annotation);
                drawn.push(st, Child::Link(id));
            }
            None => p.add_annotation(annotation),
        }
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
