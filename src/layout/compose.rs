//! Book structure and pagination: cover, title page, contents, articles
//! (title, byline, body, author note, footnotes), running heads, folios,
//! page labels, outline and the page map.

use super::para::{Align, ParaStyle, Piece, SetLine, set_paragraph};
use super::shape::Shaper;
use super::{
    Document, FontId, GlyphRun, ImageSource, LabelStyle, LineRecord, Link, LinkTarget,
    OutlineEntry, Page, PageKind, PageLabel, PlacedImage, Role, RuleLine, Structure,
};
use crate::fonts::FontSet;
use crate::model::pagemap::{PageMap, PageStart};
use crate::model::{Block, Book, Chapter, Inline, block_text, html_text, inline_text};
use crate::source::config::PdfOptions;

const MM: f32 = 72.0 / 25.4;

/// Page geometry derived from the options.
#[derive(Debug, Clone, Copy)]
struct Geo {
    pw: f32,
    ph: f32,
    em: f32,
    pitch: f32,
    /// Text block width: a whole number of ems.
    measure: f32,
    block_top: f32,
    block_h: f32,
    /// Left edge of the text block on right-hand and left-hand pages.
    left_recto: f32,
    left_verso: f32,
    ascent: f32,
}

impl Geo {
    fn new(o: &PdfOptions, ascent: f32) -> Geo {
        let pw = o.page_width_mm * MM;
        let ph = o.page_height_mm * MM;
        let em = o.font_size;
        let pitch = o.line_pitch * em;
        let avail_w = pw - (o.margin_inner_mm + o.margin_outer_mm) * MM;
        let measure = (avail_w / em).floor().max(4.0) * em;
        let avail_h = ph - (o.margin_top_mm + o.margin_bottom_mm) * MM;
        let lines = ((avail_h / pitch).floor() as usize).max(4);
        let block_h = lines as f32 * pitch;
        let block_top = o.margin_top_mm * MM + (avail_h - block_h) / 2.0;
        let slack = (avail_w - measure) / 2.0;
        let (inner, outer) = if o.duplex {
            (o.margin_inner_mm * MM, o.margin_outer_mm * MM)
        } else {
            // Single-sided: the same margins on every page.
            let m = (o.margin_inner_mm + o.margin_outer_mm) / 2.0 * MM;
            (m, m)
        };
        Geo {
            pw,
            ph,
            em,
            pitch,
            measure,
            block_top,
            block_h,
            left_recto: inner + slack,
            left_verso: outer + slack,
            ascent,
        }
    }

    /// Left edge of the text block on the page with this 0-based index.
    fn left(&self, physical: usize) -> f32 {
        if physical.is_multiple_of(2) {
            self.left_recto
        } else {
            self.left_verso
        }
    }

    /// Baseline offset within a line box of height `h` for text of `size`.
    fn baseline_in(&self, h: f32, size: f32) -> f32 {
        (h - size) / 2.0 + self.ascent * size
    }
}

/// Where an element's text starts in the model, for the page map.
#[derive(Debug, Clone, Copy)]
struct Src {
    block: Option<usize>,
    offset: usize,
}

#[derive(Debug, Clone)]
enum ElKind {
    Line {
        line: SetLine,
        /// Left indent of the line's measure inside the text block.
        dx: f32,
        measure: f32,
        indent: f32,
        em: f32,
        structure: Structure,
    },
    Space,
    Image {
        path: std::path::PathBuf,
        width: f32,
        height: f32,
        alt: String,
    },
    Rule,
}

#[derive(Debug, Clone)]
struct El {
    h: f32,
    kind: ElKind,
    /// A page may end before this element.
    break_before: bool,
    footnotes: Vec<usize>,
    src: Option<Src>,
}

/// One article laid out in a single column, before pagination.
struct Galley {
    els: Vec<El>,
    /// Set lines of each footnote, in the chapter's order.
    footnotes: Vec<(Structure, Vec<SetLine>)>,
    title: String,
}

/// Lays out chapters and front matter into pages. `cover` is the cover
/// image's pixel size.
pub fn typeset(book: &Book, fonts: &FontSet, cover: Option<(u32, u32)>) -> Document {
    let ascent = {
        let s = Shaper::new(fonts);
        s.ascent(FontId::Regular)
    };
    let geo = Geo::new(&book.pdf, ascent);
    let galleys = layout_chapters(book, fonts, &geo);
    let mut shaper = Shaper::new(fonts);

    // Body pages, relative to the first body page.
    let mut body: Vec<BodyPage> = Vec::new();
    let mut chapter_first_page = Vec::new();
    for (ci, g) in galleys.iter().enumerate() {
        if book.pdf.duplex && body.len() % 2 == 1 {
            body.push(BodyPage {
                chapter: ci,
                range: 0..0,
                kind: PageKind::Blank,
            });
        }
        chapter_first_page.push(body.len());
        let fn_heights: Vec<f32> = g
            .footnotes
            .iter()
            .map(|(_, lines)| lines.len() as f32 * footnote_pitch(&geo))
            .collect();
        for (pi, range) in paginate(&g.els, &fn_heights, &geo).into_iter().enumerate() {
            body.push(BodyPage {
                chapter: ci,
                range,
                kind: if pi == 0 {
                    PageKind::Opening
                } else {
                    PageKind::Body
                },
            });
        }
    }

    // Front matter: cover, title page, contents.
    let toc = contents_galley(book, &mut shaper, &geo);
    let toc_pages = paginate(&toc.els, &[], &geo);
    let mut front = 2 + toc_pages.len();
    let duplex = book.pdf.duplex;
    if duplex {
        // Cover and title page each have a blank back.
        front += 2;
        if front % 2 == 1 {
            front += 1;
        }
    }
    let mut doc = Document {
        width: geo.pw,
        height: geo.ph,
        pages: Vec::new(),
        outline: Vec::new(),
        lines: Vec::new(),
        page_map: PageMap::default(),
    };
    let roman = |n: usize| PageLabel {
        style: LabelStyle::Roman,
        number: n as u32 + 1,
    };
    let arabic = |n: usize| PageLabel {
        style: LabelStyle::Arabic,
        number: n as u32 + 1,
    };
    let blank = |kind, label| Page {
        kind,
        label,
        runs: Vec::new(),
        rules: Vec::new(),
        images: Vec::new(),
        links: Vec::new(),
    };
    // Cover.
    let mut cover_page = blank(PageKind::Cover, roman(0));
    if let Some((w, h)) = cover {
        let (w, h) = (w.max(1) as f32, h.max(1) as f32);
        // Fill the page, centred, clipped: a cover has no white frame.
        let s = (geo.pw / w).max(geo.ph / h);
        cover_page.images.push(PlacedImage {
            source: ImageSource::Cover,
            x: (geo.pw - w * s) / 2.0,
            y: (geo.ph - h * s) / 2.0,
            width: w * s,
            height: h * s,
            clip: Some([0.0, 0.0, geo.pw, geo.ph]),
            alt: Some(book.meta.title.clone()),
        });
    }
    doc.pages.push(cover_page);
    if duplex {
        doc.pages.push(blank(PageKind::Blank, roman(1)));
    }
    let title_index = doc.pages.len();
    let mut title_page = blank(PageKind::Title, roman(title_index));
    title_page_content(book, &mut shaper, &geo, title_index, &mut title_page);
    doc.pages.push(title_page);
    if duplex {
        doc.pages
            .push(blank(PageKind::Blank, roman(doc.pages.len())));
    }
    // Contents.
    let toc_start = doc.pages.len();
    for (ti, range) in toc_pages.iter().enumerate() {
        let idx = doc.pages.len();
        let mut page = blank(PageKind::Contents, roman(idx));
        let left = geo.left(idx);
        place_elements(
            &toc.els[range.clone()],
            &geo,
            left,
            idx,
            &mut page,
            &mut doc.lines,
        );
        // Page numbers, leaders and links of the entries on this page.
        toc_numbers(
            &toc,
            range.clone(),
            &geo,
            left,
            &mut shaper,
            &chapter_first_page,
            front,
            &mut page,
        );
        if ti > 0 {
            folio(&mut shaper, &geo, idx, &page.label.text(), &mut page);
        }
        doc.pages.push(page);
    }
    while doc.pages.len() < front {
        doc.pages
            .push(blank(PageKind::Blank, roman(doc.pages.len())));
    }
    debug_assert_eq!(doc.pages.len(), front);
    let _ = toc_start;

    // Body.
    for (bi, bp) in body.iter().enumerate() {
        let idx = front + bi;
        let label = arabic(bi);
        let mut page = blank(bp.kind, label);
        let g = &galleys[bp.chapter];
        let left = geo.left(idx);
        let els = &g.els[bp.range.clone()];
        place_elements(els, &geo, left, idx, &mut page, &mut doc.lines);
        place_footnotes(els, g, &geo, left, idx, &mut page, &mut doc.lines);
        if bp.kind == PageKind::Body {
            let head = if label.number % 2 == 0 {
                book.meta.title.clone()
            } else {
                g.title.clone()
            };
            running_head(&mut shaper, &geo, left, &head, &mut page);
            folio(&mut shaper, &geo, idx, &label.text(), &mut page);
        }
        if bp.kind == PageKind::Opening {
            doc.outline.push(OutlineEntry {
                title: g.title.clone(),
                page: idx,
                y: 0.0,
            });
        }
        // Page map: the first element that has a place in the model.
        let start = if bp.kind == PageKind::Opening || bp.kind == PageKind::Blank {
            Src {
                block: None,
                offset: 0,
            }
        } else {
            els.iter().find_map(|e| e.src).unwrap_or(Src {
                block: None,
                offset: 0,
            })
        };
        let chapter = if bp.kind == PageKind::Blank {
            // A blank page belongs to the article that follows it.
            (bp.chapter).min(book.chapters.len().saturating_sub(1))
        } else {
            bp.chapter
        };
        doc.page_map.pages.push(PageStart {
            label: label.text(),
            chapter,
            block: start.block,
            offset: start.offset,
        });
        doc.pages.push(page);
    }
    doc
}

struct BodyPage {
    chapter: usize,
    range: std::ops::Range<usize>,
    kind: PageKind,
}

fn footnote_size(geo: &Geo) -> f32 {
    (geo.em * 0.82).round()
}

fn footnote_pitch(geo: &Geo) -> f32 {
    footnote_size(geo) * 1.5
}

/// Height reserved above the first footnote of a page (with its rule).
fn footnote_gap(geo: &Geo) -> f32 {
    geo.pitch
}

/// Splits elements into pages: as many as fit, ending a page only where
/// `break_before` allows (no lone first or last line of a paragraph, no
/// title at a page's foot); footnotes take room at the foot of the page that
/// refers to them.
fn paginate(els: &[El], fn_heights: &[f32], geo: &Geo) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let n = els.len();
    let mut start = 0;
    let eps = 0.01;
    while start < n {
        if start > 0 {
            while start < n && matches!(els[start].kind, ElKind::Space) {
                start += 1;
            }
            if start == n {
                break;
            }
        }
        let mut used = 0.0;
        let mut fn_used = 0.0;
        let mut seen: Vec<usize> = Vec::new();
        let mut end = start;
        while end < n {
            let e = &els[end];
            let mut fnh = 0.0;
            for &f in &e.footnotes {
                if !seen.contains(&f) {
                    fnh += fn_heights.get(f).copied().unwrap_or(0.0);
                }
            }
            if fnh > 0.0 && fn_used == 0.0 {
                fnh += footnote_gap(geo);
            }
            if used + e.h + fn_used + fnh <= geo.block_h + eps || end == start {
                used += e.h;
                fn_used += fnh;
                seen.extend(e.footnotes.iter().copied());
                end += 1;
            } else {
                break;
            }
        }
        if end == n {
            pages.push(start..n);
            break;
        }
        let mut j = end;
        while j > start && !els[j].break_before {
            j -= 1;
        }
        if j == start {
            j = end;
        }
        pages.push(start..j);
        start = j;
    }
    if pages.is_empty() {
        pages.push(0..0);
    }
    pages
}

/// Places elements from the top of the text block.
fn place_elements(
    els: &[El],
    geo: &Geo,
    left: f32,
    page_idx: usize,
    page: &mut Page,
    lines: &mut Vec<LineRecord>,
) {
    let mut y = geo.block_top;
    for e in els {
        match &e.kind {
            ElKind::Line {
                line,
                dx,
                measure,
                indent,
                em,
                structure,
            } => {
                let baseline = y + geo.baseline_in(e.h, line.max_size);
                let x0 = left + dx;
                emit_line(line, x0, baseline, Some(*structure), page);
                for (lx0, lx1, url) in &line.links {
                    page.links.push(Link {
                        rect: [x0 + lx0, y, x0 + lx1, y + e.h],
                        target: LinkTarget::Uri(url.clone()),
                    });
                }
                lines.push(LineRecord {
                    page: page_idx,
                    role: structure.role,
                    left: x0,
                    measure: *measure,
                    x_start: x0 + line.x_start,
                    x_end: x0 + line.x_end,
                    baseline,
                    justified: line.justified,
                    first: line.first,
                    last: line.last,
                    indent: *indent,
                    em: *em,
                    text: line.text.clone(),
                });
            }
            ElKind::Space => {}
            ElKind::Image {
                path,
                width,
                height,
                alt,
            } => {
                page.images.push(PlacedImage {
                    source: ImageSource::File(path.clone()),
                    x: left + (geo.measure - width) / 2.0,
                    y: y + (e.h - height) / 2.0,
                    width: *width,
                    height: *height,
                    clip: None,
                    alt: Some(alt.clone()),
                });
            }
            ElKind::Rule => {
                let mid = y + e.h / 2.0;
                let w = geo.measure / 4.0;
                page.rules.push(RuleLine {
                    x0: left + (geo.measure - w) / 2.0,
                    y0: mid,
                    x1: left + (geo.measure + w) / 2.0,
                    y1: mid,
                    width: 0.5,
                });
            }
        }
        y += e.h;
    }
}

fn emit_line(
    line: &SetLine,
    x0: f32,
    baseline: f32,
    structure: Option<Structure>,
    page: &mut Page,
) {
    for r in &line.runs {
        page.runs.push(GlyphRun {
            font: r.font,
            size: r.size,
            x: x0 + r.x,
            y: baseline - r.raise,
            glyphs: r.glyphs.clone(),
            text: r.text.clone(),
            structure,
        });
    }
}

/// Footnotes referred to on this page, at the foot of the text block.
fn place_footnotes(
    els: &[El],
    g: &Galley,
    geo: &Geo,
    left: f32,
    page_idx: usize,
    page: &mut Page,
    lines: &mut Vec<LineRecord>,
) {
    let mut refs: Vec<usize> = Vec::new();
    for e in els {
        for &f in &e.footnotes {
            if !refs.contains(&f) && f < g.footnotes.len() {
                refs.push(f);
            }
        }
    }
    if refs.is_empty() {
        return;
    }
    let fp = footnote_pitch(geo);
    let total: f32 = refs
        .iter()
        .map(|&f| g.footnotes[f].1.len() as f32 * fp)
        .sum();
    let mut y = geo.block_top + geo.block_h - total;
    let rule_y = y - geo.pitch / 3.0;
    page.rules.push(RuleLine {
        x0: left,
        y0: rule_y,
        x1: left + geo.measure / 4.0,
        y1: rule_y,
        width: 0.5,
    });
    let size = footnote_size(geo);
    for f in refs {
        let (structure, set) = &g.footnotes[f];
        for line in set {
            let baseline = y + geo.baseline_in(fp, size);
            emit_line(line, left, baseline, Some(*structure), page);
            lines.push(LineRecord {
                page: page_idx,
                role: Role::Footnote,
                left,
                measure: geo.measure,
                x_start: left + line.x_start,
                x_end: left + line.x_end,
                baseline,
                justified: line.justified,
                first: line.first,
                last: line.last,
                indent: 0.0,
                em: size,
                text: line.text.clone(),
            });
            y += fp;
        }
    }
}

fn single_line(
    shaper: &mut Shaper,
    text: &str,
    font: FontId,
    size: f32,
    measure: f32,
    align: Align,
) -> Vec<SetLine> {
    set_paragraph(
        shaper,
        &[Piece::new(text, font, size, None)],
        &ParaStyle {
            measure,
            indent: 0.0,
            em: size,
            align,
        },
    )
}

/// Sets centred display text (titles) in lines of even length: the measure
/// is narrowed em by em for as long as the number of lines stays the same,
/// then the lines are centred in the full measure.
fn set_balanced(shaper: &mut Shaper, pieces: &[Piece], style: &ParaStyle) -> Vec<SetLine> {
    let mut best = set_paragraph(shaper, pieces, style);
    let k = best.len();
    if k < 2 {
        return best;
    }
    let mut m = style.measure;
    let mut best_m = m;
    while m - style.em >= style.em * 4.0 {
        m -= style.em;
        let lines = set_paragraph(
            shaper,
            pieces,
            &ParaStyle {
                measure: m,
                ..*style
            },
        );
        if lines.len() > k {
            break;
        }
        best = lines;
        best_m = m;
    }
    let shift = (style.measure - best_m) / 2.0;
    for line in &mut best {
        for r in &mut line.runs {
            r.x += shift;
        }
        line.x_start += shift;
        line.x_end += shift;
    }
    best
}

fn running_head(shaper: &mut Shaper, geo: &Geo, left: f32, text: &str, page: &mut Page) {
    let size = footnote_size(geo);
    let set = |shaper: &mut Shaper, t: &str| {
        single_line(shaper, t, FontId::Regular, size, geo.measure, Align::Center)
    };
    let mut lines = set(shaper, text);
    // A title too long for one line is shortened with an ellipsis.
    let mut keep = text.chars().count();
    while lines.len() > 1 && keep > 1 {
        keep -= 1;
        let short: String = text.chars().take(keep).chain("……".chars()).collect();
        lines = set(shaper, &short);
    }
    let baseline = geo.block_top - geo.pitch * 0.9;
    if let Some(line) = lines.first() {
        emit_line(line, left, baseline, None, page);
    }
    let y = baseline + size * 0.45;
    page.rules.push(RuleLine {
        x0: left,
        y0: y,
        x1: left + geo.measure,
        y1: y,
        width: 0.4,
    });
}

fn folio(shaper: &mut Shaper, geo: &Geo, idx: usize, text: &str, page: &mut Page) {
    let size = footnote_size(geo);
    let left = geo.left(idx);
    let lines = single_line(
        shaper,
        text,
        FontId::Regular,
        size,
        geo.measure,
        Align::Center,
    );
    let baseline = geo.block_top + geo.block_h + geo.pitch * 1.6;
    if let Some(line) = lines.first() {
        emit_line(line, left, baseline, None, page);
    }
}

fn title_page_content(book: &Book, shaper: &mut Shaper, geo: &Geo, idx: usize, page: &mut Page) {
    let left = geo.left(idx);
    let mut y = geo.ph * 0.28;
    let mut sid = 1;
    let mut put = |y: &mut f32, text: &str, font: FontId, size: f32, gap: f32, role: Role| {
        let pieces = [Piece::new(text, font, size, None)];
        let style = ParaStyle {
            measure: geo.measure,
            indent: 0.0,
            em: size,
            align: Align::Center,
        };
        for line in set_balanced(shaper, &pieces, &style) {
            *y += size * 1.4;
            emit_line(&line, left, *y, Some(Structure { role, id: sid }), page);
        }
        sid += 1;
        *y += gap;
    };
    let big = (geo.em * 2.6).round();
    put(
        &mut y,
        &book.meta.title,
        FontId::Bold,
        big,
        big * 0.8,
        Role::Heading(1),
    );
    if let Some(s) = &book.meta.subtitle {
        put(
            &mut y,
            s,
            FontId::Regular,
            (geo.em * 1.6).round(),
            geo.em * 6.0,
            Role::Paragraph,
        );
    }
    if let Some(s) = &book.meta.section {
        put(
            &mut y,
            s,
            FontId::Regular,
            (geo.em * 1.2).round(),
            geo.em,
            Role::Paragraph,
        );
    }
    if !book.meta.editors.is_empty() {
        let ed = format!("{} 编", book.meta.editors.join(" "));
        put(
            &mut y,
            &ed,
            FontId::Regular,
            geo.em,
            geo.em,
            Role::Paragraph,
        );
    }
    if let Some(p) = &book.meta.publisher {
        y = y.max(geo.ph * 0.8);
        put(&mut y, p, FontId::Regular, geo.em, 0.0, Role::Paragraph);
    }
}

/// Structure ids: front matter uses 1..1000, chapter `c` from
/// `(c + 1) << 20`.
fn chapter_sid_base(ci: usize) -> u32 {
    ((ci as u32) + 1) << 20
}

const TOC_NUMBER_EMS: f32 = 3.0;

/// The contents: one entry per article (title, leaders, page number, then
/// the authors), each element tagged with its chapter via `src.offset`.
fn contents_galley(book: &Book, shaper: &mut Shaper, geo: &Geo) -> Galley {
    let mut els = Vec::new();
    let title_size = (geo.em * 1.6).round();
    let title_h = (title_size * 1.5 / geo.pitch).ceil() * geo.pitch;
    els.push(space(geo.pitch * 2.0, false));
    for line in single_line(
        shaper,
        "目录",
        FontId::Bold,
        title_size,
        geo.measure,
        Align::Center,
    ) {
        els.push(line_el(
            line,
            title_h,
            0.0,
            geo.measure,
            0.0,
            title_size,
            Role::Heading(1),
            900,
            false,
            None,
        ));
    }
    els.push(space(geo.pitch, false));
    for (ci, ch) in book.chapters.iter().enumerate() {
        let title = ch.display_title(ci + 1);
        let set = single_line(
            shaper,
            &title,
            FontId::Regular,
            geo.em,
            geo.measure - TOC_NUMBER_EMS * geo.em,
            Align::Left,
        );
        let sid = 1000 + ci as u32;
        let n = set.len();
        for (li, line) in set.into_iter().enumerate() {
            let mut e = line_el(
                line,
                geo.pitch,
                0.0,
                geo.measure,
                0.0,
                geo.em,
                Role::TocItem,
                sid,
                li == 0,
                None,
            );
            // Remember the entry and whether this line takes the number.
            e.src = Some(Src {
                block: if li + 1 == n { Some(ci) } else { None },
                offset: ci,
            });
            els.push(e);
        }
        if !ch.authors.is_empty() {
            let small = footnote_size(geo);
            for line in single_line(
                shaper,
                &ch.authors.join(" "),
                FontId::Regular,
                small,
                geo.measure - 2.0 * geo.em,
                Align::Left,
            ) {
                let mut e = line_el(
                    line,
                    geo.pitch,
                    2.0 * geo.em,
                    geo.measure - 2.0 * geo.em,
                    0.0,
                    small,
                    Role::TocItem,
                    sid,
                    false,
                    None,
                );
                e.src = Some(Src {
                    block: None,
                    offset: ci,
                });
                els.push(e);
            }
        }
    }
    Galley {
        els,
        footnotes: Vec::new(),
        title: "目录".to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn toc_numbers(
    toc: &Galley,
    range: std::ops::Range<usize>,
    geo: &Geo,
    left: f32,
    shaper: &mut Shaper,
    chapter_first_page: &[usize],
    front: usize,
    page: &mut Page,
) {
    let mut y = geo.block_top;
    // Link rectangles per chapter on this page.
    let mut rects: Vec<(usize, [f32; 4])> = Vec::new();
    for e in &toc.els[range] {
        if let (ElKind::Line { line, dx, .. }, Some(src)) = (&e.kind, e.src) {
            let ci = src.offset;
            let body_idx = chapter_first_page[ci];
            match rects.last_mut() {
                Some((c, r)) if *c == ci => r[3] = y + e.h,
                _ => rects.push((ci, [left, y, left + geo.measure, y + e.h])),
            }
            if src.block.is_some() {
                let number = (body_idx + 1).to_string();
                let baseline = y + geo.baseline_in(e.h, geo.em);
                let nl = single_line(
                    shaper,
                    &number,
                    FontId::Regular,
                    geo.em,
                    geo.measure,
                    Align::Right,
                );
                let num_x = nl.first().map(|l| l.x_start).unwrap_or(geo.measure);
                if let Some(l) = nl.first() {
                    emit_line(
                        l,
                        left,
                        baseline,
                        Some(Structure {
                            role: Role::TocItem,
                            id: 1000 + ci as u32,
                        }),
                        page,
                    );
                }
                // Dot leaders on a half-em grid so they line up across entries.
                let step = geo.em * 0.5;
                let from = left + dx + line.x_end + geo.em * 0.5;
                // Leaders stop at the same place for numbers of the same
                // length, whatever the digits' own widths, their last cell
                // ending about half an em before the number.
                let nominal = geo.measure - geo.em * 0.5 * number.chars().count() as f32;
                let to = left + nominal.min(num_x + geo.em * 0.25) - geo.em;
                let dots = single_line(
                    shaper,
                    ".",
                    FontId::Regular,
                    geo.em,
                    geo.measure,
                    Align::Left,
                );
                if let Some(dot) = dots.first().and_then(|l| l.runs.first())
                    && let Some(g) = dot.glyphs.first()
                {
                    let first = ((from - left) / step).ceil() as i32;
                    let last = ((to - left) / step - 1e-3).floor() as i32;
                    if last >= first {
                        let count = (last - first + 1) as usize;
                        let mut glyphs = Vec::with_capacity(count);
                        let mut text = String::with_capacity(count);
                        for k in 0..count {
                            text.push('.');
                            let mut gl = g.clone();
                            gl.advance = step;
                            gl.dx += (step - g.advance) / 2.0;
                            gl.range = k..k + 1;
                            glyphs.push(gl);
                        }
                        page.runs.push(GlyphRun {
                            font: FontId::Regular,
                            size: geo.em,
                            x: left + first as f32 * step,
                            y: baseline,
                            glyphs,
                            text,
                            structure: None,
                        });
                    }
                }
            }
        }
        y += e.h;
    }
    for (ci, rect) in rects {
        page.links.push(Link {
            rect,
            target: LinkTarget::Page {
                page: front + chapter_first_page[ci],
                y: 0.0,
            },
        });
    }
}

fn space(h: f32, break_before: bool) -> El {
    El {
        h,
        kind: ElKind::Space,
        break_before,
        footnotes: Vec::new(),
        src: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn line_el(
    line: SetLine,
    h: f32,
    dx: f32,
    measure: f32,
    indent: f32,
    em: f32,
    role: Role,
    id: u32,
    break_before: bool,
    src: Option<Src>,
) -> El {
    El {
        h,
        footnotes: line.footnotes.clone(),
        kind: ElKind::Line {
            line,
            dx,
            measure,
            indent,
            em,
            structure: Structure { role, id },
        },
        break_before,
        src,
    }
}

/// Lays out every chapter, in parallel over the available cores; the
/// result is in chapter order whatever the scheduling.
fn layout_chapters(book: &Book, fonts: &FontSet, geo: &Geo) -> Vec<Galley> {
    let n = book.chapters.len();
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(n.max(1));
    if threads <= 1 {
        let mut shaper = Shaper::new(fonts);
        return (0..n)
            .map(|ci| chapter_galley(book, ci, &mut shaper, geo))
            .collect();
    }
    let mut out: Vec<Option<Galley>> = (0..n).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut shaper = Shaper::new(fonts);
                    (t..n)
                        .step_by(threads)
                        .map(|ci| (ci, chapter_galley(book, ci, &mut shaper, geo)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (ci, g) in h.join().expect("layout thread") {
                out[ci] = Some(g);
            }
        }
    });
    out.into_iter()
        .map(|g| g.expect("every chapter laid out"))
        .collect()
}

/// Builds one chapter's galley.
struct ChapterBuilder<'s, 'f> {
    shaper: &'s mut Shaper<'f>,
    geo: Geo,
    els: Vec<El>,
    sid: u32,
    /// The next line must stay on the page of the previous element.
    keep: bool,
}

impl ChapterBuilder<'_, '_> {
    fn next_sid(&mut self) -> u32 {
        self.sid += 1;
        self.sid
    }

    /// A body paragraph: justified, 2-em first-line indent, body size and pitch.
    fn body_paragraph(&mut self, pieces: &[Piece], dx: f32, measure: f32, top: usize) {
        let geo = self.geo;
        self.paragraph(
            pieces,
            dx,
            measure,
            2.0 * geo.em,
            geo.em,
            geo.pitch,
            Align::Justify,
            Role::Paragraph,
            Some(top),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn paragraph(
        &mut self,
        pieces: &[Piece],
        dx: f32,
        measure: f32,
        indent: f32,
        em: f32,
        pitch: f32,
        align: Align,
        role: Role,
        block: Option<usize>,
    ) {
        let lines = set_paragraph(
            self.shaper,
            pieces,
            &ParaStyle {
                measure,
                indent,
                em,
                align,
            },
        );
        let id = self.next_sid();
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            // No lone first or last line of a paragraph at a page's edge.
            let bb = if i == 0 {
                !self.keep
            } else {
                i >= 2 && n - i >= 2
            };
            let src = line.src.map(|offset| Src { block, offset });
            self.els.push(line_el(
                line, pitch, dx, measure, indent, em, role, id, bb, src,
            ));
        }
        self.keep = false;
    }

    fn block(
        &mut self,
        ch: &Chapter,
        b: &Block,
        top: usize,
        base: &mut usize,
        dx: f32,
        measure: f32,
    ) {
        let geo = self.geo;
        let em = geo.em;
        match b {
            Block::Paragraph { content, .. } => {
                let pieces = inline_pieces(content, FontId::Regular, em, *base, ch);
                self.body_paragraph(&pieces, dx, measure, top);
                *base += inline_text(content).chars().count() + 1;
            }
            Block::Heading { level, content, .. } => {
                let size = match level {
                    1 => (em * 1.4).round(),
                    2 => (em * 1.2).round(),
                    _ => em,
                };
                let h = (size * 1.5 / geo.pitch).ceil() * geo.pitch;
                self.els.push(space(geo.pitch, true));
                self.keep = true;
                let pieces = inline_pieces(content, FontId::Bold, size, *base, ch);
                self.paragraph(
                    &pieces,
                    dx,
                    measure,
                    0.0,
                    size,
                    h,
                    Align::Left,
                    Role::Heading(level.saturating_add(1).min(6)),
                    Some(top),
                );
                self.keep = true;
                *base += inline_text(content).chars().count() + 1;
            }
            Block::Quote { blocks, .. } => {
                for inner in blocks {
                    self.block(ch, inner, top, base, dx + 2.0 * em, measure - 2.0 * em);
                }
            }
            Block::List { start, items, .. } => {
                for (k, item) in items.iter().enumerate() {
                    let marker = match start {
                        Some(s) => format!("{}. ", s + k as u64),
                        None => "• ".to_string(),
                    };
                    for (bi, inner) in item.iter().enumerate() {
                        if bi == 0
                            && let Block::Paragraph { content, .. } = inner
                        {
                            let mut pieces =
                                vec![Piece::new(marker.clone(), FontId::Regular, em, None)];
                            pieces.extend(inline_pieces(content, FontId::Regular, em, *base, ch));
                            self.paragraph(
                                &pieces,
                                dx + 2.0 * em,
                                measure - 2.0 * em,
                                -2.0 * em,
                                em,
                                geo.pitch,
                                Align::Justify,
                                Role::Paragraph,
                                Some(top),
                            );
                            *base += inline_text(content).chars().count() + 1;
                        } else {
                            self.block(ch, inner, top, base, dx + 2.0 * em, measure - 2.0 * em);
                        }
                    }
                }
            }
            Block::Image { path, alt, .. } => {
                if let Ok((w, h)) = image::image_dimensions(path) {
                    let (w, h) = (w.max(1) as f32, h.max(1) as f32);
                    let s = (measure / w).min(geo.block_h * 0.6 / h);
                    let (iw, ih) = (w * s, h * s);
                    // At least half a line of white above and below, on the grid.
                    let eh = ((ih + geo.pitch) / geo.pitch).ceil() * geo.pitch;
                    self.els.push(El {
                        h: eh,
                        kind: ElKind::Image {
                            path: path.clone(),
                            width: iw,
                            height: ih,
                            alt: alt.clone(),
                        },
                        break_before: !self.keep,
                        footnotes: Vec::new(),
                        src: Some(Src {
                            block: Some(top),
                            offset: *base,
                        }),
                    });
                    self.keep = true;
                }
                if !alt.is_empty() {
                    let size = footnote_size(&geo);
                    let pieces = vec![Piece::new(alt.clone(), FontId::Regular, size, Some(*base))];
                    self.paragraph(
                        &pieces,
                        dx,
                        measure,
                        0.0,
                        size,
                        geo.pitch,
                        Align::Center,
                        Role::Caption,
                        Some(top),
                    );
                }
                self.keep = false;
                *base += alt.chars().count() + 1;
            }
            Block::Code { text, .. } => {
                let size = footnote_size(&geo);
                let pieces = vec![Piece::new(
                    text.trim_end_matches('\n'),
                    FontId::Regular,
                    size,
                    Some(*base),
                )];
                self.paragraph(
                    &pieces,
                    dx + 2.0 * em,
                    measure - 2.0 * em,
                    0.0,
                    size,
                    geo.pitch,
                    Align::Left,
                    Role::Paragraph,
                    Some(top),
                );
                *base += text.chars().count() + 1;
            }
            Block::Html { html, .. } => {
                let text = html_text(html);
                let count = text.chars().count();
                let pieces = [Piece::new(text, FontId::Regular, em, Some(*base))];
                self.body_paragraph(&pieces, dx, measure, top);
                *base += count + 1;
            }
            Block::Rule { .. } => {
                self.els.push(El {
                    h: geo.pitch,
                    kind: ElKind::Rule,
                    break_before: true,
                    footnotes: Vec::new(),
                    src: None,
                });
            }
        }
    }
}

fn chapter_galley(book: &Book, ci: usize, shaper: &mut Shaper, geo: &Geo) -> Galley {
    let ch = &book.chapters[ci];
    let title = ch.display_title(ci + 1);
    let em = geo.em;
    let mut b = ChapterBuilder {
        shaper,
        geo: *geo,
        els: Vec::new(),
        sid: chapter_sid_base(ci),
        keep: false,
    };
    // Opening: two blank lines, the title, the byline, one blank line; the
    // group is a whole number of body lines so the body stays on the grid.
    let title_size = (em * 1.6).round();
    let title_pitch = title_size * 1.45;
    let mut head_h = 0.0;
    b.els.push(space(geo.pitch * 2.0, false));
    let pieces = [Piece::new(title.clone(), FontId::Bold, title_size, None)];
    let lines = set_balanced(
        b.shaper,
        &pieces,
        &ParaStyle {
            measure: geo.measure,
            indent: 0.0,
            em: title_size,
            align: Align::Center,
        },
    );
    let id = b.next_sid();
    for line in lines {
        head_h += title_pitch;
        b.els.push(line_el(
            line,
            title_pitch,
            0.0,
            geo.measure,
            0.0,
            title_size,
            Role::Heading(1),
            id,
            false,
            None,
        ));
    }
    if let Some(byline) = ch.byline() {
        let gap = geo.pitch * 0.5;
        b.els.push(space(gap, false));
        head_h += gap;
        let id = b.next_sid();
        for line in single_line(
            b.shaper,
            &byline,
            FontId::Regular,
            em,
            geo.measure,
            Align::Center,
        ) {
            head_h += geo.pitch;
            b.els.push(line_el(
                line,
                geo.pitch,
                0.0,
                geo.measure,
                0.0,
                em,
                Role::Byline,
                id,
                false,
                None,
            ));
        }
    }
    let rounded = (head_h / geo.pitch).ceil() * geo.pitch;
    b.els.push(space(rounded - head_h + geo.pitch, false));
    b.keep = true;
    let mut footnotes = Vec::new();
    for (top, block) in ch.blocks.iter().enumerate() {
        let mut base = 0;
        b.block(ch, block, top, &mut base, 0.0, geo.measure);
    }
    if let Some(note) = &ch.note {
        let size = footnote_size(geo);
        b.els.push(space(geo.pitch * 0.5, false));
        b.keep = true;
        let end = ch
            .blocks
            .last()
            .map(|blk| block_text(blk).chars().count().saturating_sub(1));
        let last_block = ch.blocks.len().checked_sub(1);
        let pieces = [Piece::new(note.clone(), FontId::Regular, size, end)];
        b.paragraph(
            &pieces,
            0.0,
            geo.measure,
            2.0 * size,
            size,
            size * 1.6,
            Align::Justify,
            Role::Note,
            last_block,
        );
    }
    // Footnotes: set once, placed by the paginator.
    let size = footnote_size(geo);
    for (fi, f) in ch.footnotes.iter().enumerate() {
        let mut pieces = vec![Piece::new(
            format!("{} ", footnote_mark(fi)),
            FontId::Regular,
            size,
            None,
        )];
        for (bi, blk) in f.blocks.iter().enumerate() {
            if bi > 0 {
                pieces.push(Piece::new("\n", FontId::Regular, size, None));
            }
            let text = block_text(blk);
            pieces.push(Piece::new(
                text.trim_end_matches('\n'),
                FontId::Regular,
                size,
                None,
            ));
        }
        let lines = set_paragraph(
            b.shaper,
            &pieces,
            &ParaStyle {
                measure: geo.measure,
                indent: 0.0,
                em: size,
                align: Align::Justify,
            },
        );
        let id = b.next_sid();
        footnotes.push((
            Structure {
                role: Role::Footnote,
                id,
            },
            lines,
        ));
    }
    Galley {
        els: b.els,
        footnotes,
        title,
    }
}

/// Footnote number as printed: circled digits ①… as Chinese books do, and
/// bracketed numbers beyond the font's circled set.
fn footnote_mark(i: usize) -> String {
    let n = i as u32 + 1;
    let c = match n {
        1..=20 => char::from_u32(0x2460 + n - 1),
        21..=35 => char::from_u32(0x3251 + n - 21),
        36..=50 => char::from_u32(0x32B1 + n - 36),
        _ => None,
    };
    c.map(String::from).unwrap_or_else(|| format!("[{n}]"))
}

/// Pieces of a paragraph's inline content; `base` is the character offset
/// of its first character in the block's plain text.
fn inline_pieces(
    inlines: &[Inline],
    font: FontId,
    size: f32,
    base: usize,
    ch: &Chapter,
) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = base;
    push_pieces(inlines, font, size, &mut at, ch, &mut out);
    out
}

fn push_pieces(
    inlines: &[Inline],
    font: FontId,
    size: f32,
    at: &mut usize,
    ch: &Chapter,
    out: &mut Vec<Piece>,
) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => {
                out.push(Piece::new(t.clone(), font, size, Some(*at)));
                *at += t.chars().count();
            }
            // Chinese has no italics: emphasis is set in the bold face.
            Inline::Emphasis(c) | Inline::Strong(c) => {
                push_pieces(c, FontId::Bold, size, at, ch, out)
            }
            Inline::Link { url, content } => {
                let from = out.len();
                push_pieces(content, font, size, at, ch, out);
                for p in &mut out[from..] {
                    p.link.get_or_insert_with(|| url.clone());
                }
            }
            Inline::FootnoteRef(i) => {
                if *i < ch.footnotes.len() {
                    out.push(Piece {
                        text: footnote_mark(*i),
                        font: FontId::Regular,
                        size: (size * 0.65 * 2.0).round() / 2.0,
                        raise: size * 0.35,
                        src: None,
                        footnote: Some(*i),
                        link: None,
                    });
                }
            }
            Inline::Html(h) => {
                let t = html_text(h);
                let n = t.chars().count();
                out.push(Piece::new(t, font, size, Some(*at)));
                *at += n;
            }
            Inline::LineBreak => {
                out.push(Piece::new("\n", font, size, Some(*at)));
                *at += 1;
            }
        }
    }
}
