//! The whole book in page order: cover, title page and contents (as the
//! document class lists them), then the articles, each opening on a new
//! page (a right-hand one when printed on both sides), with running heads,
//! folios, page labels, the outline and the page map.

use super::article::chapter_galley;
use super::front::{TocPage, contents_galley, title_page, toc_numbers};
use super::furniture::{folio, running_head};
use super::galley::Galley;
use super::paginate::{paginate, place_elements};
use super::shape::Shaper;
use super::{
    Ctx, Document, ImageSource, LinkTarget, OutlineEntry, Page, PageKind, PageLabel, PlacedImage,
};
use crate::model::pagemap::{PageMap, PageStart};
use crate::style::{FrontPart, HeadText};

/// One body page before placing: its chapter and elements.
struct BodyPage {
    chapter: usize,
    range: std::ops::Range<usize>,
    kind: PageKind,
    /// The footnotes its elements refer to, in order.
    refs: Vec<usize>,
}

/// Lays out the book into pages. `cover` is the cover image's pixel size.
pub fn typeset(cx: &Ctx, cover: Option<(u32, u32)>) -> Document {
    let mut galleys = layout_chapters(cx);
    let mut shaper = Shaper::new(cx.fonts).language(&cx.book.meta.language);
    let (body, chapter_first_page) = body_pages(cx, &galleys);
    // How many pages show each footnote (one, unless a note is referred to
    // from two pages): its runs move to the last of them.
    let mut uses: Vec<Vec<u32>> = galleys.iter().map(|g| vec![0; g.footnotes.len()]).collect();
    for bp in &body {
        for &f in &bp.refs {
            uses[bp.chapter][f] += 1;
        }
    }
    let mut doc = Document {
        width: cx.geo.pw,
        height: cx.geo.ph,
        pages: Vec::new(),
        outline: Vec::new(),
        lines: Vec::new(),
        page_map: PageMap::default(),
        notdef: Vec::new(),
        warnings: galleys.iter().flat_map(|g| g.warnings.clone()).collect(),
        groups: galleys
            .iter()
            .flat_map(|g| g.groups.iter().copied())
            .collect(),
    };
    let front = front_matter(cx, &mut shaper, cover, &chapter_first_page, &mut doc);
    note_notdef(&mut doc, 0);
    for (bi, bp) in body.iter().enumerate() {
        let ci = bp.chapter;
        let g = (&mut galleys[ci], &mut uses[ci][..]);
        let from = doc.pages.len();
        body_page(cx, &mut shaper, g, (front + bi, bi), bp, &mut doc);
        note_notdef(&mut doc, from);
        if body.get(bi + 1).is_none_or(|next| next.chapter != ci) {
            // The chapter is placed: what is left of its galley goes.
            galleys[ci].els = Vec::new();
            galleys[ci].footnotes = Vec::new();
        }
    }
    resolve_anchors(&mut doc);
    doc
}

/// Records the runs of the pages from `from` on that hold a glyph the face
/// does not have, while the pages are new: a pass over every glyph of a
/// finished book reads it all from memory once more.
fn note_notdef(doc: &mut Document, from: usize) {
    let runs = doc.pages[from..].iter().flat_map(|p| &p.runs);
    let missing = runs.filter(|r| r.glyphs.iter().any(|g| g.id == 0));
    doc.notdef.extend(missing.map(|r| r.text.clone()));
}

fn blank(kind: PageKind, label: PageLabel) -> Page {
    Page {
        kind,
        label,
        runs: Vec::new(),
        rules: Vec::new(),
        images: Vec::new(),
        links: Vec::new(),
        dots: Vec::new(),
        anchors: Vec::new(),
    }
}

/// Turns links to anchors (chapters, headings) into page destinations.
fn resolve_anchors(doc: &mut Document) {
    let mut at = std::collections::HashMap::new();
    for (pi, page) in doc.pages.iter().enumerate() {
        for (key, y) in &page.anchors {
            at.entry(key.clone()).or_insert((pi, *y));
        }
    }
    for page in &mut doc.pages {
        for link in &mut page.links {
            if let LinkTarget::Anchor(key) = &link.target {
                // Every anchor was checked when the sources were loaded; a
                // heading's chapter start is the fallback.
                let chapter = key.split('#').next().unwrap_or("");
                if let Some(&(page, y)) = at.get(key).or_else(|| at.get(chapter)) {
                    link.target = LinkTarget::Page { page, y };
                }
            }
        }
    }
}

/// Body pages relative to the first body page, and each chapter's first.
fn body_pages(cx: &Ctx, galleys: &[Galley]) -> (Vec<BodyPage>, Vec<usize>) {
    let geo = &cx.geo;
    let mut body: Vec<BodyPage> = Vec::new();
    let mut chapter_first_page = Vec::new();
    let (_, fn_pitch) = super::notes::size_and_pitch(&cx.class.text.footnote, geo);
    for (ci, g) in galleys.iter().enumerate() {
        if cx.class.page.duplex && body.len() % 2 == 1 {
            body.push(BodyPage {
                chapter: ci,
                range: 0..0,
                kind: PageKind::Blank,
                refs: Vec::new(),
            });
        }
        chapter_first_page.push(body.len());
        let fn_heights: Vec<f32> = g
            .footnotes
            .iter()
            .map(|(_, lines)| lines.len() as f32 * fn_pitch)
            .collect();
        let pages = paginate(&g.els, &fn_heights, super::notes::gap(geo), geo);
        for (pi, range) in pages.into_iter().enumerate() {
            let kind = if pi == 0 {
                PageKind::Opening
            } else {
                PageKind::Body
            };
            let refs = super::notes::referred(&g.els[range.clone()], g.footnotes.len());
            body.push(BodyPage {
                chapter: ci,
                range,
                kind,
                refs,
            });
        }
    }
    (body, chapter_first_page)
}

/// Cover, title page and contents; returns the number of front pages.
fn front_matter(
    cx: &Ctx,
    shaper: &mut Shaper,
    cover: Option<(u32, u32)>,
    chapter_first_page: &[usize],
    doc: &mut Document,
) -> usize {
    let class = cx.class;
    let duplex = class.page.duplex;
    let label = |n: usize| PageLabel {
        style: class.folios.front,
        number: n as u32 + 1,
    };
    let mut toc = class
        .has(FrontPart::Contents)
        .then(|| contents_galley(cx, shaper));
    let toc_pages = toc
        .as_ref()
        .map(|t| paginate(&t.els, &[], 0.0, &cx.geo))
        .unwrap_or_default();
    for part in &class.front {
        match part {
            FrontPart::Cover => doc
                .pages
                .push(cover_page(cx, cover, label(doc.pages.len()))),
            FrontPart::TitlePage => {
                let idx = doc.pages.len();
                let mut page = blank(PageKind::Title, label(idx));
                title_page(cx, shaper, idx, &mut page);
                doc.pages.push(page);
            }
            FrontPart::Contents => {
                if let Some(toc) = &mut toc {
                    let front = front_len(cx, toc_pages.len());
                    contents_pages(
                        cx,
                        shaper,
                        toc,
                        &toc_pages,
                        (chapter_first_page, front),
                        doc,
                    );
                }
            }
        }
        // Cover and title page each have a blank back.
        if duplex && *part != FrontPart::Contents {
            let n = doc.pages.len();
            doc.pages.push(blank(PageKind::Blank, label(n)));
        }
    }
    let front = front_len(cx, toc_pages.len());
    while doc.pages.len() < front {
        let n = doc.pages.len();
        doc.pages.push(blank(PageKind::Blank, label(n)));
    }
    front
}

/// Pages before the first body page: one per front part (two for the cover
/// and title page when printed on both sides), rounded to an even count.
fn front_len(cx: &Ctx, toc_pages: usize) -> usize {
    let duplex = cx.class.page.duplex;
    let mut n = 0;
    for part in &cx.class.front {
        n += match part {
            FrontPart::Contents => toc_pages,
            _ if duplex => 2,
            _ => 1,
        };
    }
    if duplex && n % 2 == 1 {
        n += 1;
    }
    n
}

/// The cover page: the cover image filling the page, centred and clipped
/// (a cover has no white frame).
fn cover_page(cx: &Ctx, cover: Option<(u32, u32)>, label: PageLabel) -> Page {
    let geo = &cx.geo;
    let mut page = blank(PageKind::Cover, label);
    if let Some((w, h)) = cover {
        let (w, h) = (w.max(1) as f32, h.max(1) as f32);
        let s = (geo.pw / w).max(geo.ph / h);
        page.images.push(PlacedImage {
            source: ImageSource::Cover,
            x: (geo.pw - w * s) / 2.0,
            y: (geo.ph - h * s) / 2.0,
            width: w * s,
            height: h * s,
            clip: Some([0.0, 0.0, geo.pw, geo.ph]),
            alt: Some(cx.texts.cover_alt(cx.book)),
            structure: None,
        });
    }
    page
}

fn contents_pages(
    cx: &Ctx,
    shaper: &mut Shaper,
    toc: &mut Galley,
    toc_pages: &[std::ops::Range<usize>],
    at: (&[usize], usize),
    doc: &mut Document,
) {
    let (chapter_first_page, front) = at;
    let folio_face = cx.face(cx.class.text.folio.role);
    for (ti, range) in toc_pages.iter().enumerate() {
        let idx = doc.pages.len();
        let label = PageLabel {
            style: cx.class.folios.front,
            number: idx as u32 + 1,
        };
        let mut page = blank(PageKind::Contents, label);
        let left = cx.geo.left(idx);
        let els = &mut toc.els[range.clone()];
        let lines = cx.record_lines.then_some(&mut doc.lines);
        place_elements(els, &cx.geo, left, idx, &mut page, lines);
        let tp = TocPage {
            toc,
            range: range.clone(),
            left,
            chapter_first_page,
            front,
        };
        toc_numbers(cx, shaper, &tp, &mut page);
        // The contents' first page opens the part: no folio.
        if ti > 0 {
            let style = (&cx.class.text.folio, folio_face);
            folio(shaper, style, &cx.geo, idx, &page.label.text(), &mut page);
        }
        doc.pages.push(page);
    }
}

/// Places body page `bi` (physical index `idx`) of its chapter.
fn body_page(
    cx: &Ctx,
    shaper: &mut Shaper,
    (g, uses): (&mut Galley, &mut [u32]),
    at: (usize, usize),
    bp: &BodyPage,
    doc: &mut Document,
) {
    let (idx, bi) = at;
    let geo = &cx.geo;
    let label = PageLabel {
        style: cx.class.folios.body,
        number: bi as u32 + 1,
    };
    let mut page = blank(bp.kind, label);
    let left = geo.left(idx);
    let els = &mut g.els[bp.range.clone()];
    let lines = cx.record_lines.then_some(&mut doc.lines);
    place_elements(els, geo, left, idx, &mut page, lines);
    let at = super::notes::At {
        page: &mut page,
        idx,
        left,
    };
    let lines = cx.record_lines.then_some(&mut doc.lines);
    let style = &cx.class.text.footnote;
    super::notes::place(&bp.refs, (g, uses), style, geo, at, lines);
    let els = &g.els[bp.range.clone()];
    if bp.kind == PageKind::Body {
        furniture(cx, shaper, (&g.title, left, idx), &mut page);
    }
    if bp.kind == PageKind::Opening {
        page.anchors
            .push((cx.book.chapters[bp.chapter].id.clone(), 0.0));
        doc.outline.push(OutlineEntry {
            title: g.title.clone(),
            page: idx,
            y: 0.0,
        });
    }
    doc.page_map.pages.push(page_start(cx, bp, els, &label));
    // Every page is kept until the PDF is written: no room to spare.
    page.runs.shrink_to_fit();
    page.links.shrink_to_fit();
    page.dots.shrink_to_fit();
    doc.pages.push(page);
}

/// Running head and folio of a body page.
fn furniture(cx: &Ctx, shaper: &mut Shaper, at: (&str, f32, usize), page: &mut Page) {
    let (chapter_title, left, idx) = at;
    let t = &cx.class.text;
    if let Some(heads) = cx.class.running_heads {
        let which = if page.label.number.is_multiple_of(2) {
            heads.even
        } else {
            heads.odd
        };
        let head = match which {
            HeadText::BookTitle => cx.book.meta.title.as_str(),
            HeadText::ChapterTitle => chapter_title,
        };
        let style = (&t.running_head, cx.face(t.running_head.role));
        let words = &|t: &str| cx.word_breaks(t);
        running_head(shaper, style, &cx.geo, (left, words), head, page);
    }
    let style = (&t.folio, cx.face(t.folio.role));
    let text = page.label.text();
    folio(shaper, style, &cx.geo, idx, &text, page);
}

/// Where a body page starts in the model: the first element that has a
/// place there (an opening or blank page starts at its chapter's title).
fn page_start(cx: &Ctx, bp: &BodyPage, els: &[super::galley::El], label: &PageLabel) -> PageStart {
    let start = if bp.kind == PageKind::Opening || bp.kind == PageKind::Blank {
        None
    } else {
        els.iter().find_map(|e| e.src)
    };
    let chapter = if bp.kind == PageKind::Blank {
        // A blank page belongs to the article that follows it.
        bp.chapter.min(cx.book.chapters.len().saturating_sub(1))
    } else {
        bp.chapter
    };
    PageStart {
        label: label.text(),
        chapter,
        block: start.and_then(|s| s.block),
        offset: start.map_or(0, |s| s.offset),
    }
}

/// Lays out every chapter, in parallel over the available cores; the
/// result is in chapter order whatever the scheduling.
fn layout_chapters(cx: &Ctx) -> Vec<Galley> {
    let n = cx.book.chapters.len();
    let cores = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let threads = cores.min(n.max(1));
    if threads <= 1 {
        // A core left over sets a chapter's footnotes beside its body.
        let beside = cores > n;
        let mut shaper = Shaper::new(cx.fonts).language(&cx.book.meta.language);
        return (0..n)
            .map(|ci| chapter_galley(cx, ci, &mut shaper, beside))
            .collect();
    }
    let shaper = || Shaper::new(cx.fonts).language(&cx.book.meta.language);
    crate::par::map_in_order(n, threads, shaper, |shaper, ci| {
        chapter_galley(cx, ci, shaper, false)
    })
}
