//! Page furniture: running heads (over a rule, above the text block) and
//! folios (centred below it). Both are artifacts in the tagged PDF.

use super::geometry::Geo;
use super::paginate::emit_line;
use super::para::{Align, ParaStyle, Piece, SetLine, WordBreaks, set_paragraph};
use super::shape::Shaper;
use super::{FaceId, Page, RuleLine};
use crate::script::generated::ELLIPSIS;
use crate::style::TextStyle;

/// The running head's baseline above the text block, in body lines.
const HEAD_RAISE: f32 = 0.9;
/// The folio's baseline below the text block, in body lines.
const FOLIO_DROP: f32 = 1.6;

/// One line of `text` in `font` at `size`, aligned in `measure`.
pub(super) fn single_line(
    shaper: &mut Shaper,
    text: &str,
    font: FaceId,
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

/// A running head: `text` on one line (shortened with an ellipsis when too
/// long), with a rule under it.
pub(super) fn running_head(
    shaper: &mut Shaper,
    style: (&TextStyle, FaceId),
    geo: &Geo,
    (left, words): (f32, WordBreaks),
    text: &str,
    page: &mut Page,
) {
    let (style, font) = style;
    let size = style.pt(geo.em);
    let set =
        |shaper: &mut Shaper, t: &str| single_line(shaper, t, font, size, geo.measure, style.align);
    let mut lines = set(shaper, text);
    if lines.len() > 1 {
        // Shortened between words, with an ellipsis.
        let mut cuts = words(text);
        cuts.reverse();
        // A single word too long for the line is cut anywhere.
        let mut chars: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
        chars.reverse();
        for cut in cuts.into_iter().chain(chars) {
            let short = format!("{}{ELLIPSIS}", &text[..cut]);
            lines = set(shaper, &short);
            if lines.len() <= 1 {
                break;
            }
        }
    }
    let baseline = geo.block_top - geo.pitch * HEAD_RAISE;
    if let Some(line) = lines.first_mut() {
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

/// The page number at the foot of page `idx`.
pub(super) fn folio(
    shaper: &mut Shaper,
    style: (&TextStyle, FaceId),
    geo: &Geo,
    idx: usize,
    text: &str,
    page: &mut Page,
) {
    let (style, font) = style;
    let size = style.pt(geo.em);
    let left = geo.left(idx);
    let mut lines = single_line(shaper, text, font, size, geo.measure, style.align);
    let baseline = geo.block_top + geo.block_h + geo.pitch * FOLIO_DROP;
    if let Some(line) = lines.first_mut() {
        emit_line(line, left, baseline, None, page);
    }
}
