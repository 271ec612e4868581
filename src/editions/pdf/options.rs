//! `[pdf]` in `book.toml`: the print edition's page and grid (over the
//! document class's) and its PDF flavour.

use serde::Deserialize;

use crate::style::DocumentClass;

/// The printer's usual bleed.
const DEFAULT_BLEED_MM: f32 = 3.0;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PdfOptions {
    /// Page width and height in millimetres (the class's, A4 for `book`).
    pub page_width_mm: Option<f32>,
    pub page_height_mm: Option<f32>,
    /// Body size in points (10.5 pt is 五号).
    pub font_size: Option<f32>,
    /// Baseline-to-baseline distance as a multiple of the font size.
    pub line_pitch: Option<f32>,
    /// Margins in millimetres; inner/outer swap on left-hand pages when duplex.
    pub margin_top_mm: Option<f32>,
    pub margin_bottom_mm: Option<f32>,
    pub margin_inner_mm: Option<f32>,
    pub margin_outer_mm: Option<f32>,
    /// Mirror margins and start chapters on right-hand pages.
    pub duplex: Option<bool>,
    /// Write PDF/A-2u for archives.
    pub pdfa: bool,
    /// Write a tagged (structured, accessible) PDF.
    pub tagged: Option<bool>,
    /// Write PDF/UA-1 (checked by krilla's validator); needs tagging.
    pub ua: Option<bool>,
    /// Bleed around the full-bleed cover, in millimetres.
    pub bleed_mm: Option<f32>,
}

impl PdfOptions {
    /// The class with this table's page and grid settings applied.
    pub fn apply(&self, class: &DocumentClass) -> DocumentClass {
        let mut c = class.clone();
        let p = &mut c.page;
        let set = |field: &mut f32, v: Option<f32>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut p.width_mm, self.page_width_mm);
        set(&mut p.height_mm, self.page_height_mm);
        set(&mut p.margin_top_mm, self.margin_top_mm);
        set(&mut p.margin_bottom_mm, self.margin_bottom_mm);
        set(&mut p.margin_inner_mm, self.margin_inner_mm);
        set(&mut p.margin_outer_mm, self.margin_outer_mm);
        if let Some(d) = self.duplex {
            p.duplex = d;
        }
        set(&mut c.grid.size_pt, self.font_size);
        set(&mut c.grid.pitch_em, self.line_pitch);
        c
    }

    pub fn tagged(&self) -> bool {
        self.tagged.unwrap_or(true)
    }

    /// PDF/UA-1 unless turned off, or unless tagging is.
    pub fn ua(&self) -> bool {
        self.ua.unwrap_or(self.tagged())
    }

    pub fn bleed_mm(&self) -> f32 {
        self.bleed_mm.unwrap_or(DEFAULT_BLEED_MM).max(0.0)
    }
}
