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

/// Where footnotes are placed: the page, its index and the text block's
/// left edge.
pub(super) struct At<'p> {
    pub page: &'p mut Page,
    pub idx: usize,
    pub left: f32,
}

/// Footnotes referred to by `refs` (in order), at the foot of the text
/// block. `uses` counts the pages still to show each note: a note's runs
/// move to the last page that shows it, earlier ones get copies.
pub(super) fn place(
    refs: &[usize],
    (g, uses): (&mut Galley, &mut [u32]),
    style: &TextStyle,
    geo: &Geo,
    at: At,
    mut lines: Option<&mut Vec<LineRecord>>,
) {
    if refs.is_empty() {
        return;
    }
    let At { page, idx, left } = at;
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
        uses[f] = uses[f].saturating_sub(1);
        let mut copy;
        let (structure, set) = if uses[f] == 0 {
            let (st, set) = &mut g.footnotes[f];
            (*st, set)
        } else {
            copy = g.footnotes[f].1.clone();
            (g.footnotes[f].0, &mut copy)
        };
        for line in set.iter_mut() {
            let baseline = y + geo.baseline_in(fp, size);
            emit_line(line, left, baseline, Some(structure), page);
            if let Some(lines) = lines.as_deref_mut() {
                lines.push(LineRecord {
                    page: idx,
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
                    text: std::mem::take(&mut line.text),
                });
            }
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
