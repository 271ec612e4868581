//! Footnotes: set once per chapter, placed by the paginator at the foot of
//! the page that first refers to them, under a short rule.

use super::galley::Galley;
use super::geometry::Geo;
use super::paginate::emit_line;
use super::{LineRecord, Page, Role, RuleLine};
use crate::style::TextStyle;

/// Size and pitch of footnote lines.
pub(super) fn size_and_pitch(style: &TextStyle, geo: &Geo) -> (f32, f32) {
    (style.pt(geo.em), style.pitch(geo.em, geo.pitch))
}

/// The room reserved above a page's first footnote (with its rule): one
/// body line.
pub(super) fn gap(geo: &Geo) -> f32 {
    geo.pitch
}

/// Footnotes referred to by `refs` (in order), at the foot of the text
/// block.
#[allow(clippy::too_many_arguments)]
pub(super) fn place(
    refs: &[usize],
    g: &Galley,
    style: &TextStyle,
    geo: &Geo,
    left: f32,
    page_idx: usize,
    page: &mut Page,
    lines: &mut Vec<LineRecord>,
) {
    if refs.is_empty() {
        return;
    }
    let (size, fp) = size_and_pitch(style, geo);
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
    for &f in refs {
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

/// The footnotes the elements of a page refer to, in order of reference.
pub(super) fn referred(els: &[super::galley::El], count: usize) -> Vec<usize> {
    let mut refs: Vec<usize> = Vec::new();
    for e in els {
        for &f in &e.footnotes {
            if !refs.contains(&f) && f < count {
                refs.push(f);
            }
        }
    }
    refs
}
