//! `[pdf]` in `book.toml`: the print edition's page and grid (over the
//! document class's) and its PDF flavour.

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::style::{DocumentClass, mm};

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

    /// Checks every number against its range, and the text block the page
    /// and margins leave; `at` places a message at a key of `[pdf]`.
    pub fn validate(
        &self,
        class: &DocumentClass,
        at: &dyn Fn(&str, String) -> Diagnostic,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (key, value, range, unit) in [
            ("page_width_mm", self.page_width_mm, PAGE_MM, "mm"),
            ("page_height_mm", self.page_height_mm, PAGE_MM, "mm"),
            ("font_size", self.font_size, FONT_PT, "pt"),
            ("line_pitch", self.line_pitch, PITCH_EM, "em"),
            ("margin_top_mm", self.margin_top_mm, MARGIN_MM, "mm"),
            ("margin_bottom_mm", self.margin_bottom_mm, MARGIN_MM, "mm"),
            ("margin_inner_mm", self.margin_inner_mm, MARGIN_MM, "mm"),
            ("margin_outer_mm", self.margin_outer_mm, MARGIN_MM, "mm"),
            ("bleed_mm", self.bleed_mm, BLEED_MM, "mm"),
        ] {
            if let Some(v) = value
                && !(v.is_finite() && range.contains(&v))
            {
                problems.push(at(
                    key,
                    format!(
                        "{key} = {v} is out of range: it must be a number from {} to {} {unit}",
                        range.start(),
                        range.end()
                    ),
                ));
            }
        }
        if problems.is_empty() {
            // Placed at a key the book sets that makes the block small.
            let set = |keys: &[&'static str]| {
                let given = |k: &&str| match *k {
                    "margin_inner_mm" => self.margin_inner_mm.is_some(),
                    "margin_outer_mm" => self.margin_outer_mm.is_some(),
                    "page_width_mm" => self.page_width_mm.is_some(),
                    "margin_top_mm" => self.margin_top_mm.is_some(),
                    "margin_bottom_mm" => self.margin_bottom_mm.is_some(),
                    "page_height_mm" => self.page_height_mm.is_some(),
                    "line_pitch" => self.line_pitch.is_some(),
                    _ => self.font_size.is_some(),
                };
                keys.iter().copied().find(given).unwrap_or(keys[0])
            };
            let keys = (
                set(&[
                    "margin_inner_mm",
                    "margin_outer_mm",
                    "page_width_mm",
                    "font_size",
                ]),
                set(&[
                    "margin_top_mm",
                    "margin_bottom_mm",
                    "page_height_mm",
                    "line_pitch",
                    "font_size",
                ]),
            );
            problems.extend(text_block(&self.apply(class), keys, at));
        }
        problems
    }
}

/// The ranges `[pdf]` accepts (documented in the README).
pub const PAGE_MM: std::ops::RangeInclusive<f32> = 74.0..=1200.0;
pub const FONT_PT: std::ops::RangeInclusive<f32> = 6.0..=36.0;
pub const PITCH_EM: std::ops::RangeInclusive<f32> = 1.0..=3.0;
pub const MARGIN_MM: std::ops::RangeInclusive<f32> = 0.0..=500.0;
pub const BLEED_MM: std::ops::RangeInclusive<f32> = 0.0..=20.0;
/// The smallest text block: characters across and lines down.
pub const MIN_CHARS: f32 = 20.0;
pub const MIN_LINES: f32 = 10.0;

/// The text block left by the page and margins must hold at least
/// [`MIN_CHARS`] characters and [`MIN_LINES`] lines of body text.
fn text_block(
    c: &DocumentClass,
    (width_key, height_key): (&str, &str),
    at: &dyn Fn(&str, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let p = &c.page;
    let em = c.grid.size_pt;
    let width = mm(p.width_mm - p.margin_inner_mm - p.margin_outer_mm);
    let height = mm(p.height_mm - p.margin_top_mm - p.margin_bottom_mm);
    let chars = width / em;
    let lines = height / (em * c.grid.pitch_em);
    let mut out = Vec::new();
    if chars < MIN_CHARS {
        out.push(at(
            width_key,
            format!(
                "the text block is {:.0} characters wide; the page width, margins and font size must leave at least {MIN_CHARS}",
                chars.max(0.0)
            ),
        ));
    }
    if lines < MIN_LINES {
        out.push(at(
            height_key,
            format!(
                "the text block is {:.0} lines tall; the page height, margins, font size and line pitch must leave at least {MIN_LINES}",
                lines.max(0.0)
            ),
        ));
    }
    out
}
