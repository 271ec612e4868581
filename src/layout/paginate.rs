//! Cutting a galley into pages and placing its elements: as many as fit,
//! ending a page only where an element allows it (no lone first or last
//! line of a paragraph, no title at a page's foot); footnotes take room at
//! the foot of the page that refers to them.

use super::galley::{El, ElKind};
use super::geometry::Geo;
use super::para::SetLine;
use super::{Dot, GlyphRun, ImageSource, LineRecord, Link, Page, PlacedImage, RuleLine, Structure};

/// Page ranges of `els`; `fn_heights` is the height of each footnote the
/// elements refer to, `fn_gap` the room above a page's first footnote.
pub(super) fn paginate(
    els: &[El],
    fn_heights: &[f32],
    fn_gap: f32,
    geo: &Geo,
) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let n = els.len();
    let mut start = 0;
    while start < n {
        if start > 0 {
            while start < n && matches!(els[start].kind, ElKind::Space) {
                start += 1;
            }
            if start == n {
                break;
            }
        }
        let end = fill(els, start, fn_heights, fn_gap, geo);
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

/// The end of the run of elements from `start` that fits one page.
fn fill(els: &[El], start: usize, fn_heights: &[f32], fn_gap: f32, geo: &Geo) -> usize {
    let eps = 0.01;
    let mut used = 0.0;
    let mut fn_used = 0.0;
    let mut seen: Vec<usize> = Vec::new();
    let mut end = start;
    while end < els.len() {
        let e = &els[end];
        let mut fnh = 0.0;
        for &f in &e.footnotes {
            if !seen.contains(&f) {
                fnh += fn_heights.get(f).copied().unwrap_or(0.0);
            }
        }
        if fnh > 0.0 && fn_used == 0.0 {
            fnh += fn_gap;
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
    end
}

/// Places elements from the top of the text block. Their glyph runs move
/// to the page (each element is placed once); `lines`, when given, gets a
/// record of each line.
pub(super) fn place_elements(
    els: &mut [El],
    geo: &Geo,
    left: f32,
    page_idx: usize,
    page: &mut Page,
    mut lines: Option<&mut Vec<LineRecord>>,
) {
    let mut y = geo.block_top;
    for e in els {
        if let Some(a) = &e.anchor {
            page.anchors.push((a.clone(), y));
        }
        match &mut e.kind {
            ElKind::Line {
                line,
                dx,
                measure,
                indent,
                em,
                structure,
            } => {
                let baseline = y + geo.baseline_in(e.h, line.max_size);
                let x0 = left + *dx;
                emit_line(line, x0, baseline, Some(*structure), page);
                for (lx0, lx1, target) in &line.links {
                    page.links.push(Link {
                        rect: [x0 + lx0, y, x0 + lx1, y + e.h],
                        target: target.clone(),
                        structure: Some(*structure),
                        description: target.description(),
                    });
                }
                if let Some(lines) = lines.as_deref_mut() {
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
                        text: std::mem::take(&mut line.text),
                    });
                }
            }
            ElKind::Space => {}
            ElKind::Image {
                path,
                width,
                height,
                alt,
                structure,
            } => {
                page.images.push(PlacedImage {
                    source: ImageSource::File(path.clone()),
                    x: left + (geo.measure - *width) / 2.0,
                    y: y + (e.h - *height) / 2.0,
                    width: *width,
                    height: *height,
                    clip: None,
                    alt: Some(alt.clone()),
                    structure: Some(*structure),
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

/// Emphasis dots: centred under the character's em box, in the space
/// between lines, as clreq describes for horizontal text.
const DOT_DROP: f32 = 0.28;
const DOT_RADIUS: f32 = 0.075;

/// Puts the line's runs on the page (they move: a line is shown once).
pub(super) fn emit_line(
    line: &mut SetLine,
    x0: f32,
    baseline: f32,
    structure: Option<Structure>,
    page: &mut Page,
) {
    for r in std::mem::take(&mut line.runs) {
        let run = GlyphRun {
            font: r.font,
            size: r.size,
            x: x0 + r.x,
            y: baseline - r.raise,
            glyphs: r.glyphs,
            text: r.text,
            structure: r.structure.or(structure),
            inline: r.inline,
        };
        if r.dots {
            emphasis_dots(&run, &mut page.dots);
        }
        page.runs.push(run);
    }
}

/// One dot under each letter, digit or Han character of the run (none under
/// punctuation or spaces, as CSS `text-emphasis` does in the EPUB).
fn emphasis_dots(run: &GlyphRun, dots: &mut Vec<Dot>) {
    let mut pen = run.x;
    let mut last_range = None;
    for g in &run.glyphs {
        if last_range != Some(g.range.start) {
            last_range = Some(g.range.start);
            let c = run.text[g.bytes().start..].chars().next();
            if c.is_some_and(char::is_alphanumeric) {
                dots.push(Dot {
                    x: pen + g.dx + g.advance.min(run.size) / 2.0,
                    y: run.y + run.size * DOT_DROP,
                    r: run.size * DOT_RADIUS,
                });
            }
        }
        pen += g.advance;
    }
}
