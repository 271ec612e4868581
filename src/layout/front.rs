//! Front matter: the title page and the contents (one entry per article:
//! title, dot leaders, page number, then the authors; each entry a link).

use super::Ctx;
use super::furniture::single_line;
use super::galley::{
    CONTENTS_SID, El, ElKind, Galley, LineBox, Src, contents_entry_sid, line_el, space, structure,
};
use super::paginate::emit_line;
use super::para::{Align, ParaStyle, Piece, set_balanced, set_display};
use super::shape::Shaper;
use super::{GlyphRun, Link, LinkTarget, Page, Role, Structure};
use crate::script::generated::LEADER;
use crate::style::TextStyle;

/// Where the title page's first line starts, as a share of the page height.
const TITLE_TOP: f32 = 0.28;
/// The publisher line stands no higher than this share of the page height.
const PUBLISHER_TOP: f32 = 0.8;
/// Room taken by the page number at the end of a contents entry, in ems.
const TOC_NUMBER_EMS: f32 = 3.0;

/// The title page: title, subtitle, section, editors, publisher.
pub(super) fn title_page(cx: &Ctx, shaper: &mut Shaper, idx: usize, page: &mut Page) {
    let geo = &cx.geo;
    let t = &cx.class.text;
    let m = &cx.book.meta;
    let left = geo.left(idx);
    let mut y = geo.ph * TITLE_TOP;
    let mut sid = 1;
    let mut put = |y: &mut f32, text: &str, style: &TextStyle, gap: f32, role: Role| {
        let size = style.pt(geo.em);
        let pieces = [Piece::new(text, cx.face(style.role), size, None)];
        let para = ParaStyle {
            measure: geo.measure,
            indent: 0.0,
            em: size,
            align: style.align,
        };
        for mut line in set_balanced(shaper, &pieces, &para, &|t| cx.word_breaks(t)) {
            *y += size * style.leading;
            emit_line(&mut line, left, *y, Some(Structure { role, id: sid }), page);
        }
        sid += 1;
        *y += gap;
    };
    let big = t.book_title.pt(geo.em);
    put(&mut y, &m.title, &t.book_title, big * 0.8, Role::Heading(1));
    if let Some(s) = &m.subtitle {
        put(&mut y, s, &t.subtitle, geo.em * 6.0, Role::Paragraph);
    }
    if let Some(s) = &m.section {
        put(&mut y, s, &t.section, geo.em, Role::Paragraph);
    }
    if !m.editors.is_empty() {
        let ed = cx.texts.editors_line(&m.editors);
        put(&mut y, &ed, &t.editors, geo.em, Role::Paragraph);
    }
    if let Some(p) = &m.publisher {
        y = y.max(geo.ph * PUBLISHER_TOP);
        put(&mut y, p, &t.editors, 0.0, Role::Paragraph);
    }
}

/// The contents as a galley; each entry's lines carry the chapter index in
/// `src.offset`, and the line that takes the page number has `src.block`.
pub(super) fn contents_galley(cx: &Ctx, shaper: &mut Shaper) -> Galley {
    let geo = &cx.geo;
    let t = &cx.class.text;
    let mut els = Vec::new();
    let title_size = t.contents_title.pt(geo.em);
    let title_h = geo.on_grid(title_size * t.contents_title.leading);
    els.push(space(geo.pitch * 2.0, false));
    let heading = &cx.texts.labels.contents;
    let font = cx.face(t.contents_title.role);
    for line in single_line(
        shaper,
        heading,
        font,
        title_size,
        geo.measure,
        Align::Center,
    ) {
        let b = LineBox {
            h: title_h,
            dx: 0.0,
            measure: geo.measure,
            indent: 0.0,
            em: title_size,
        };
        let st = structure(Role::Heading(1), CONTENTS_SID);
        els.push(line_el(line, b, st, false, None));
    }
    els.push(space(geo.pitch, false));
    for ci in 0..cx.book.chapters.len() {
        contents_entry(cx, shaper, ci, &mut els);
    }
    Galley {
        els,
        footnotes: Vec::new(),
        title: heading.clone(),
        warnings: Vec::new(),
        groups: Vec::new(),
    }
}

fn contents_entry(cx: &Ctx, shaper: &mut Shaper, ci: usize, els: &mut Vec<El>) {
    let geo = &cx.geo;
    let t = &cx.class.text;
    let ch = &cx.book.chapters[ci];
    let title = cx.texts.chapter_title(ci);
    let font = cx.face(t.contents_entry.role);
    let size = t.contents_entry.pt(geo.em);
    let measure = geo.measure - TOC_NUMBER_EMS * geo.em;
    let pieces = [Piece::new(title, font, size, None)];
    let para = ParaStyle {
        measure,
        indent: 0.0,
        em: size,
        align: t.contents_entry.align,
    };
    let set = set_display(shaper, &pieces, &para, &|t| cx.word_breaks(t));
    let sid = contents_entry_sid(ci);
    let n = set.len();
    for (li, line) in set.into_iter().enumerate() {
        let b = LineBox {
            h: geo.pitch,
            dx: 0.0,
            measure: geo.measure,
            indent: 0.0,
            em: size,
        };
        // Remember the entry and whether this line takes the number.
        let src = Src {
            block: if li + 1 == n { Some(ci) } else { None },
            offset: ci,
        };
        els.push(line_el(
            line,
            b,
            structure(Role::TocItem, sid),
            li == 0,
            Some(src),
        ));
    }
    if ch.authors.is_empty() {
        return;
    }
    let small = t.contents_authors.pt(geo.em);
    let indent = 2.0 * geo.em;
    let font = cx.face(t.contents_authors.role);
    let authors = ch.authors.join(" ");
    let align = t.contents_authors.align;
    for line in single_line(shaper, &authors, font, small, geo.measure - indent, align) {
        let b = LineBox {
            h: geo.pitch,
            dx: indent,
            measure: geo.measure - indent,
            indent: 0.0,
            em: small,
        };
        let src = Src {
            block: None,
            offset: ci,
        };
        els.push(line_el(
            line,
            b,
            structure(Role::TocItem, sid),
            false,
            Some(src),
        ));
    }
}

/// Page numbers, dot leaders and links of the contents entries on one page.
pub(super) struct TocPage<'a> {
    pub toc: &'a Galley,
    pub range: std::ops::Range<usize>,
    pub left: f32,
    /// First body page of each chapter, counted from the first body page.
    pub chapter_first_page: &'a [usize],
    /// Number of pages before the first body page.
    pub front: usize,
}

pub(super) fn toc_numbers(cx: &Ctx, shaper: &mut Shaper, tp: &TocPage, page: &mut Page) {
    let geo = &cx.geo;
    let left = tp.left;
    let mut y = geo.block_top;
    // Link rectangles per chapter on this page.
    let mut rects: Vec<(usize, [f32; 4])> = Vec::new();
    for e in &tp.toc.els[tp.range.clone()] {
        if let (ElKind::Line { line, dx, .. }, Some(src)) = (&e.kind, e.src) {
            let ci = src.offset;
            match rects.last_mut() {
                Some((c, r)) if *c == ci => r[3] = y + e.h,
                _ => rects.push((ci, [left, y, left + geo.measure, y + e.h])),
            }
            if src.block.is_some() {
                let number = (tp.chapter_first_page[ci] + 1).to_string();
                let baseline = y + geo.baseline_in(e.h, geo.em);
                let text_end = left + dx + line.x_end;
                page_number(cx, shaper, ci, (&number, baseline, left, text_end), page);
            }
        }
        y += e.h;
    }
    for (ci, rect) in rects {
        page.links.push(Link {
            rect,
            target: LinkTarget::Page {
                page: tp.front + tp.chapter_first_page[ci],
                y: 0.0,
            },
            structure: Some(Structure {
                role: Role::TocItem,
                id: contents_entry_sid(ci),
            }),
            description: cx.texts.chapter_title(ci).to_string(),
        });
    }
}

/// One entry's page number, right-aligned, and the dot leaders before it.
fn page_number(
    cx: &Ctx,
    shaper: &mut Shaper,
    ci: usize,
    at: (&str, f32, f32, f32),
    page: &mut Page,
) {
    let (number, baseline, left, text_end) = at;
    let geo = &cx.geo;
    let font = cx.face(cx.class.text.contents_entry.role);
    let mut nl = single_line(shaper, number, font, geo.em, geo.measure, Align::Right);
    let num_x = nl.first().map(|l| l.x_start).unwrap_or(geo.measure);
    if let Some(l) = nl.first_mut() {
        let st = Structure {
            role: Role::TocItem,
            id: contents_entry_sid(ci),
        };
        emit_line(l, left, baseline, Some(st), page);
    }
    // Dot leaders on a half-em grid so they line up across entries.
    let step = geo.em * 0.5;
    let from = text_end + geo.em * 0.5;
    // Leaders stop at the same place for numbers of the same length,
    // whatever the digits' own widths, their last cell ending about half an
    // em before the number.
    let nominal = geo.measure - geo.em * 0.5 * number.chars().count() as f32;
    let to = left + nominal.min(num_x + geo.em * 0.25) - geo.em;
    let dots = single_line(shaper, LEADER, font, geo.em, geo.measure, Align::Left);
    let Some(dot) = dots.first().and_then(|l| l.runs.first()) else {
        return;
    };
    let Some(g) = dot.glyphs.first() else {
        return;
    };
    let first = ((from - left) / step).ceil() as i32;
    let last = ((to - left) / step - 1e-3).floor() as i32;
    if last < first {
        return;
    }
    let count = (last - first + 1) as usize;
    let mut glyphs = Vec::with_capacity(count);
    let mut text = String::with_capacity(count);
    for k in 0..count {
        text.push_str(LEADER);
        let mut gl = g.clone();
        gl.advance = step;
        gl.dx += (step - g.advance) / 2.0;
        gl.range = k as u32..k as u32 + 1;
        glyphs.push(gl);
    }
    page.runs.push(GlyphRun {
        font,
        size: geo.em,
        x: left + first as f32 * step,
        y: baseline,
        glyphs,
        text,
        structure: None,
        inline: None,
    });
}
