//! The page grid in points, derived from the document class: the text block
//! is a whole number of body ems wide (so Han characters stand in columns)
//! and a whole number of lines tall, centred in the margins.

use crate::style::{DocumentClass, mm};

/// Page geometry derived from the class.
#[derive(Debug, Clone, Copy)]
pub(super) struct Geo {
    pub pw: f32,
    pub ph: f32,
    pub em: f32,
    pub pitch: f32,
    /// Text block width: a whole number of ems.
    pub measure: f32,
    pub block_top: f32,
    pub block_h: f32,
    /// Left edge of the text block on right-hand and left-hand pages.
    pub left_recto: f32,
    pub left_verso: f32,
    pub ascent: f32,
}

impl Geo {
    pub fn new(class: &DocumentClass, ascent: f32) -> Geo {
        let o = &class.page;
        let pw = mm(o.width_mm);
        let ph = mm(o.height_mm);
        let em = class.grid.size_pt;
        let pitch = class.grid.pitch_em * em;
        let avail_w = pw - mm(o.margin_inner_mm + o.margin_outer_mm);
        let measure = (avail_w / em).floor().max(4.0) * em;
        let avail_h = ph - mm(o.margin_top_mm + o.margin_bottom_mm);
        let lines = ((avail_h / pitch).floor() as usize).max(4);
        let block_h = lines as f32 * pitch;
        let block_top = mm(o.margin_top_mm) + (avail_h - block_h) / 2.0;
        let slack = (avail_w - measure) / 2.0;
        let (inner, outer) = if o.duplex {
            (mm(o.margin_inner_mm), mm(o.margin_outer_mm))
        } else {
            // Single-sided: the same margins on every page.
            let m = mm((o.margin_inner_mm + o.margin_outer_mm) / 2.0);
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
    pub fn left(&self, physical: usize) -> f32 {
        if physical.is_multiple_of(2) {
            self.left_recto
        } else {
            self.left_verso
        }
    }

    /// Baseline offset within a line box of height `h` for text of `size`.
    pub fn baseline_in(&self, h: f32, size: f32) -> f32 {
        (h - size) / 2.0 + self.ascent * size
    }

    /// Height of a line of `size` and leading, rounded up to whole body lines
    /// so the body below stays on the grid.
    pub fn on_grid(&self, h: f32) -> f32 {
        (h / self.pitch).ceil() * self.pitch
    }
}
