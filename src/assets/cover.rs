//! The cover: one image shared by both editions (the EPUB's cover image and
//! the PDF's first page). A user's image is checked, scaled to at most
//! 1600×2560 and re-encoded; a book without one gets a typographic cover.

use std::io::Cursor;
use std::sync::{Arc, Mutex, OnceLock};

use image::ImageFormat;

use super::image::{Format, Image};
use super::svg::SvgImage;
use crate::diag::{Diagnostic, Failure};
use crate::fonts::{FaceId, FontSet};
use crate::layout::shape::Shaper;
use crate::model::{Book, Metadata, SourcePos};
use crate::style::FontRole;

pub const MAX_WIDTH: u32 = 1600;
pub const MAX_HEIGHT: u32 = 2560;

/// An encoded cover image, ready to embed.
#[derive(Debug, Clone)]
pub struct Cover {
    /// Encoded image bytes (PNG, JPEG or SVG, see `media_type`).
    encoded: Encoded,
    /// `image/png`, `image/jpeg` or `image/svg+xml`.
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// The drawing of an SVG cover.
    pub svg: Option<SvgImage>,
}

impl PartialEq for Cover {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes() && self.media_type == other.media_type
    }
}

/// The encoded bytes, or the thread encoding them: a generated cover is
/// rasterised and encoded beside the print edition (which draws it as
/// vectors), and only the EPUB waits for it. The bytes are the same
/// whichever thread asks first.
#[derive(Clone)]
struct Encoded(Arc<Slot>);

/// The bytes once known, and the thread that makes them until then.
type Slot = (OnceLock<Vec<u8>>, Mutex<Option<Pending>>);
type Pending = std::thread::JoinHandle<Vec<u8>>;

impl Encoded {
    fn ready(bytes: Vec<u8>) -> Self {
        Encoded(Arc::new((OnceLock::from(bytes), Mutex::new(None))))
    }

    fn get(&self) -> &[u8] {
        let (done, pending) = &*self.0;
        done.get_or_init(|| {
            let handle = pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .expect("an unfinished cover has its thread");
            handle.join().expect("the cover thread finished")
        })
    }
}

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.0.get() {
            Some(b) => write!(f, "{} bytes", b.len()),
            None => f.write_str("being encoded"),
        }
    }
}

impl Cover {
    /// Encoded image bytes (waits for a generated cover's encoding).
    pub fn bytes(&self) -> &[u8] {
        self.encoded.get()
    }

    /// File extension matching the media type.
    pub fn extension(&self) -> &'static str {
        match self.media_type {
            "image/png" => "png",
            "image/svg+xml" => "svg",
            _ => "jpg",
        }
    }
}

/// Re-encodes a cover image of the book, scaled to at most 1600×2560.
/// Photographs stay JPEG, other raster images become PNG; re-encoding strips
/// metadata and makes the output independent of the input's encoder. An SVG
/// cover stays as it is (the PDF draws it as vectors).
pub fn from_image(img: &Image, pos: &SourcePos) -> Result<Cover, Diagnostic> {
    let at =
        |m: String| Diagnostic::error_at(&pos.file, pos.line, pos.column, m).rule("assets.cover");
    if let Some(svg) = &img.svg {
        return Ok(Cover {
            encoded: Encoded::ready(img.bytes.as_ref().clone()),
            media_type: img.format.media_type(),
            width: svg.width.round().max(1.0) as u32,
            height: svg.height.round().max(1.0) as u32,
            svg: Some(svg.clone()),
        });
    }
    let decoded = image::load_from_memory(&img.bytes)
        .map_err(|e| at(format!("cover image is corrupt: {e}")))?;
    let decoded = if decoded.width() > MAX_WIDTH || decoded.height() > MAX_HEIGHT {
        decoded.resize(MAX_WIDTH, MAX_HEIGHT, image::imageops::FilterType::Lanczos3)
    } else {
        decoded
    };
    let (media_type, out_format, decoded) = if img.format == Format::Jpeg {
        let rgb = image::DynamicImage::ImageRgb8(decoded.to_rgb8());
        ("image/jpeg", ImageFormat::Jpeg, rgb)
    } else {
        ("image/png", ImageFormat::Png, decoded)
    };
    let mut out = Cursor::new(Vec::new());
    decoded
        .write_to(&mut out, out_format)
        .map_err(|e| at(format!("cover image could not be re-encoded: {e}")))?;
    Ok(Cover {
        encoded: Encoded::ready(out.into_inner()),
        media_type,
        width: decoded.width(),
        height: decoded.height(),
        svg: None,
    })
}

/// Size of a generated cover: 2:3, the usual e-book cover proportion.
pub const GENERATED_WIDTH: u32 = 1600;
pub const GENERATED_HEIGHT: u32 = 2400;

const PAPER: [u8; 3] = [0xF4, 0xEE, 0xE3];
const RED: [u8; 3] = [0x9E, 0x1B, 0x22];
const INK: [u8; 3] = [0x22, 0x1C, 0x19];
const GREY: [u8; 3] = [0x5C, 0x4E, 0x46];

/// The cover of a book: the image in `book.cover` when there is one, else
/// a typographic cover generated from the title.
pub fn prepare(book: &Book, fonts: &FontSet) -> Result<Cover, Failure> {
    match &book.cover {
        Some(c) => {
            let img = super::image::open(&c.path, &book.root, &c.pos, fonts)?;
            Ok(from_image(&img, &c.pos)?)
        }
        None => Ok(generate_aside(&book.meta, fonts)),
    }
}

/// [`generate`] on a thread of its own: the cover is returned at once and
/// its bytes are ready when first asked for.
pub fn generate_aside(meta: &Metadata, fonts: &FontSet) -> Cover {
    let (meta, fonts) = (meta.clone(), fonts.clone());
    let handle = std::thread::spawn(move || generated_png(&meta, &fonts));
    Cover {
        encoded: Encoded(Arc::new((OnceLock::new(), Mutex::new(Some(handle))))),
        media_type: "image/png",
        width: GENERATED_WIDTH,
        height: GENERATED_HEIGHT,
        svg: None,
    }
}

/// A typographic cover: the section name in a red band, the title in the
/// bold face, a red rule, the subtitle, and the editors or publisher at
/// the foot, rasterised for the EPUB. Pure arithmetic on the font outlines,
/// so the PNG bytes are the same on every run.
pub fn generate(meta: &Metadata, fonts: &FontSet) -> Cover {
    Cover {
        encoded: Encoded::ready(generated_png(meta, fonts)),
        media_type: "image/png",
        width: GENERATED_WIDTH,
        height: GENERATED_HEIGHT,
        svg: None,
    }
}

fn generated_png(meta: &Metadata, fonts: &FontSet) -> Vec<u8> {
    let (w, h) = (GENERATED_WIDTH, GENERATED_HEIGHT);
    let art = art(meta, fonts, w as f32, h as f32);
    super::raster::png(&art, &Shaper::new(fonts), w, h)
}

/// The generated cover as marks in a space `width` units wide and
/// `height` high (y down): the EPUB rasterises it at 1600×2400 pixels, the
/// PDF draws it as vectors at the page's proportions (the foot keeps its
/// distance from the bottom edge).
#[derive(Debug, Clone)]
pub struct CoverArt {
    pub width: f32,
    pub height: f32,
    pub background: [u8; 3],
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone)]
pub enum Mark {
    /// A filled rectangle: x0, y0, x1, y1.
    Rect {
        rect: [f32; 4],
        color: [u8; 3],
    },
    Text(TextMark),
}

/// A shaped line of text: glyph positions are relative to (`x`,
/// `baseline`), font units scaled to `size` units per em.
#[derive(Debug, Clone)]
pub struct TextMark {
    pub font: FaceId,
    pub size: f32,
    pub x: f32,
    pub baseline: f32,
    pub text: String,
    pub glyphs: Vec<ArtGlyph>,
    pub color: [u8; 3],
}

#[derive(Debug, Clone)]
pub struct ArtGlyph {
    pub id: u16,
    /// Pen position plus the glyph's offsets (y up).
    pub x: f32,
    pub y: f32,
    /// Advance including letter-spacing, and the shaper's x offset.
    pub advance: f32,
    pub dx: f32,
    /// Bytes of `text` the glyph stands for.
    pub range: std::ops::Range<usize>,
}

/// Lays out the generated cover of `meta` (see [`CoverArt`]).
pub fn art(meta: &Metadata, fonts: &FontSet, wf: f32, hf: f32) -> CoverArt {
    let shaper = Shaper::new(fonts);
    let regular = Pen {
        shaper: &shaper,
        font: fonts.role(FontRole::Body),
    };
    let bold = Pen {
        shaper: &shaper,
        font: fonts.role(FontRole::Title),
    };
    let mut art = CoverArt {
        width: wf,
        height: hf,
        background: PAPER,
        marks: Vec::new(),
    };
    let margin = 160.0;
    let measure = wf - 2.0 * margin;

    // Red band with the section name, letter-spaced.
    let band_bottom = 720.0;
    art.rect(0.0, 0.0, wf, band_bottom, RED);
    art.rect(0.0, band_bottom + 24.0, wf, band_bottom + 32.0, RED);
    if let Some(section) = meta.section.as_deref().filter(|s| !s.trim().is_empty()) {
        let size = fit_size(&bold, section, 96.0, measure, 0.6);
        let line = bold.line(section, size, size * 0.6);
        art.centered(line, (wf / 2.0, band_bottom / 2.0 + size * 0.35), PAPER);
    }

    // Title: as large as fits in at most four balanced lines.
    let mut y = band_bottom + 360.0;
    let title = meta.title.trim();
    if !title.is_empty() {
        let (size, lines) = layout_title(&bold, title, measure, 230.0, 4);
        let pitch = size * 1.3;
        for l in &lines {
            y += size;
            let line = bold.line(l, size, size * 0.08);
            art.centered(line, (wf / 2.0, y), INK);
            y += pitch - size;
        }
    }

    // A short red rule between title and subtitle.
    y += 70.0;
    art.rect(wf / 2.0 - 120.0, y, wf / 2.0 + 120.0, y + 10.0, RED);
    y += 90.0;

    if let Some(sub) = meta.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        let (size, lines) = layout_title(&regular, sub.trim(), measure, 84.0, 3);
        for l in &lines {
            y += size;
            let line = regular.line(l, size, size * 0.15);
            art.centered(line, (wf / 2.0, y), GREY);
            y += size * 0.5;
        }
    }

    // Foot: editors, else publisher.
    let foot = if !meta.editors.is_empty() {
        Some(meta.editors.join("  "))
    } else {
        meta.publisher.clone()
    };
    art.rect(0.0, hf - 96.0, wf, hf, RED);
    art.rect(0.0, hf - 128.0, wf, hf - 120.0, RED);
    if let Some(foot) = foot.filter(|s| !s.trim().is_empty()) {
        let size = fit_size(&regular, &foot, 60.0, measure, 0.2);
        let line = regular.line(&foot, size, size * 0.2);
        art.centered(line, (wf / 2.0, hf - 230.0), INK);
    }
    art
}

impl CoverArt {
    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: [u8; 3]) {
        self.marks.push(Mark::Rect {
            rect: [x0, y0, x1, y1],
            color,
        });
    }

    /// A line centred on `cx` with its baseline at `baseline`.
    fn centered(&mut self, line: Line, (cx, baseline): (f32, f32), color: [u8; 3]) {
        let x0 = cx - line.width / 2.0;
        for run in line.runs {
            self.marks.push(Mark::Text(TextMark {
                font: run.font,
                size: line.size,
                x: x0 + run.x,
                baseline,
                text: run.text,
                glyphs: run.glyphs,
                color,
            }));
        }
    }
}

/// The largest size up to `max` at which `text` fits `measure` on one line.
fn fit_size(shaper: &Pen<'_, '_>, text: &str, max: f32, measure: f32, spacing_em: f32) -> f32 {
    let n = text.chars().count() as f32;
    let width_per_px = shaper.width(text, 1.0) + spacing_em * (n - 1.0).max(0.0);
    if width_per_px <= 0.0 {
        return max;
    }
    (measure / width_per_px).min(max)
}

/// Splits a title into at most `max_lines` lines of nearly equal width and
/// picks the largest size (up to `max`) at which the widest line fits.
/// Lines break at spaces; text without spaces (Chinese) breaks between
/// characters, never before closing or after opening punctuation.
fn layout_title(
    shaper: &Pen<'_, '_>,
    text: &str,
    measure: f32,
    max: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    let tokens = crate::script::title_tokens(text);
    let n = tokens.len();
    let space = shaper.width(" ", 1.0);
    let widths: Vec<f32> = tokens.iter().map(|(t, _)| shaper.width(t, 1.0)).collect();
    // Width at size 1 of tokens i..j on one line.
    let line_width = |i: usize, j: usize| -> f32 {
        let mut w = 0.0;
        for k in i..j {
            if k > i && tokens[k].1 {
                w += space;
            }
            w += widths[k];
        }
        w
    };
    let mut best: Option<(f32, Vec<(usize, usize)>)> = None;
    for lines in 1..=max_lines.min(n.max(1)) {
        // Minimise the widest line over all ways to cut into `lines` lines.
        let inf = f32::INFINITY;
        let mut cost = vec![vec![inf; n + 1]; lines + 1];
        let mut cut = vec![vec![0usize; n + 1]; lines + 1];
        cost[0][0] = 0.0;
        for l in 1..=lines {
            for j in 1..=n {
                for i in (l - 1)..j {
                    if cost[l - 1][i].is_infinite() {
                        continue;
                    }
                    let c = cost[l - 1][i].max(line_width(i, j));
                    if c < cost[l][j] {
                        cost[l][j] = c;
                        cut[l][j] = i;
                    }
                }
            }
        }
        if cost[lines][n].is_infinite() {
            continue;
        }
        let size = (measure / cost[lines][n]).min(max);
        let mut ranges = Vec::new();
        let mut j = n;
        for l in (1..=lines).rev() {
            let i = cut[l][j];
            ranges.push((i, j));
            j = i;
        }
        ranges.reverse();
        // Fewer lines win unless more lines allow a clearly larger size.
        if best.as_ref().is_none_or(|(s, _)| size > *s * 1.15) {
            best = Some((size, ranges));
        }
    }
    let (size, ranges) = best.unwrap_or((max, vec![(0, n)]));
    let lines = ranges
        .into_iter()
        .map(|(i, j)| {
            let mut s = String::new();
            for (k, (t, space_before)) in tokens[i..j].iter().enumerate() {
                if k > 0 && *space_before {
                    s.push(' ');
                }
                s.push_str(t);
            }
            s
        })
        .collect();
    (size, lines)
}

/// Text in one face of the book, shaped by the typesetter's shaper.
struct Pen<'s, 'f> {
    shaper: &'s Shaper<'f>,
    font: FaceId,
}

/// A shaped line at its size: runs of one face each, placed from the
/// line's start.
struct Line {
    runs: Vec<Run>,
    width: f32,
    size: f32,
}

impl Pen<'_, '_> {
    /// `text` in runs of one face: the pen's, or a fallback's for the
    /// characters the pen's face lacks (as the typesetter sets them).
    fn runs<'t>(&self, text: &'t str) -> Vec<(FaceId, &'t str)> {
        let mut runs: Vec<(FaceId, usize, usize)> = Vec::new();
        for (i, c) in text.char_indices() {
            let f = self.shaper.face_for(self.font, c);
            match runs.last_mut() {
                Some((rf, _, end)) if *rf == f => *end = i + c.len_utf8(),
                _ => runs.push((f, i, i + c.len_utf8())),
            }
        }
        runs.into_iter().map(|(f, a, b)| (f, &text[a..b])).collect()
    }

    /// Advance width of `text` at `size` px per em.
    fn width(&self, text: &str, size: f32) -> f32 {
        self.runs(text)
            .into_iter()
            .map(|(f, run)| {
                let out = self.shaper.shape_units(f, run);
                let units: i32 = out.glyph_positions().iter().map(|p| p.x_advance).sum();
                units as f32 * size / self.shaper.upem(f)
            })
            .sum()
    }

    /// Shapes a line at `size`, with `spacing` px added after each glyph
    /// but the last.
    fn line(&self, text: &str, size: f32, spacing: f32) -> Line {
        let mut x = 0.0;
        let mut runs: Vec<Run> = Vec::new();
        for (f, part) in self.runs(text) {
            let out = self.shaper.shape_units(f, part);
            let scale = size / self.shaper.upem(f);
            let infos = out.glyph_infos();
            let mut run = Run {
                font: f,
                x,
                text: part.to_string(),
                glyphs: Vec::with_capacity(infos.len()),
            };
            for (i, (info, pos)) in infos.iter().zip(out.glyph_positions()).enumerate() {
                if !(runs.is_empty() && i == 0) {
                    x += spacing;
                }
                if i == 0 {
                    run.x = x;
                }
                // A cluster runs to the next one's start (left-to-right text).
                let start = info.cluster as usize;
                let end = infos[i + 1..]
                    .iter()
                    .map(|g| g.cluster as usize)
                    .find(|&c| c > start)
                    .unwrap_or(part.len());
                run.glyphs.push(ArtGlyph {
                    id: info.glyph_id as u16,
                    x: x - run.x + pos.x_offset as f32 * scale,
                    y: pos.y_offset as f32 * scale,
                    advance: pos.x_advance as f32 * scale,
                    dx: pos.x_offset as f32 * scale,
                    range: start..end,
                });
                x += pos.x_advance as f32 * scale;
            }
            runs.push(run);
        }
        // Letter-spacing widens every advance but the line's last.
        let last = runs.len().saturating_sub(1);
        for (ri, run) in runs.iter_mut().enumerate() {
            let m = run.glyphs.len();
            for (gi, g) in run.glyphs.iter_mut().enumerate() {
                if ri != last || gi + 1 != m {
                    g.advance += spacing;
                }
            }
        }
        Line {
            runs,
            width: x,
            size,
        }
    }
}

/// Glyphs of one face in a [`Line`], from `x` on.
struct Run {
    font: FaceId,
    x: f32,
    text: String,
    glyphs: Vec<ArtGlyph>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(title: &str) -> Metadata {
        Metadata {
            title: title.into(),
            subtitle: Some("领导干部学习笔谈".into()),
            section: Some("学思践悟".into()),
            ..Default::default()
        }
    }

    #[test]
    fn generated_cover_is_a_deterministic_png_with_the_text_drawn() {
        let fonts = FontSet::bundled();
        let a = generate(&meta("高度 深度 力度 温度"), &fonts);
        let b = generate_aside(&meta("高度 深度 力度 温度"), &fonts);
        assert!(a == b, "same metadata, different bytes");
        assert_eq!(a.media_type, "image/png");
        let img = image::load_from_memory(a.bytes()).unwrap().to_rgb8();
        assert_eq!(
            (img.width(), img.height()),
            (GENERATED_WIDTH, GENERATED_HEIGHT)
        );
        // Ink of the title below the band, paper-coloured text in the band.
        let ink = img
            .enumerate_pixels()
            .filter(|(_, y, p)| *y > 800 && p.0 == INK)
            .count();
        let band_text = img
            .enumerate_pixels()
            .filter(|(_, y, p)| *y < 700 && p.0 == PAPER)
            .count();
        assert!(ink > 50_000, "title ink: {ink} pixels");
        assert!(band_text > 2_000, "section name: {band_text} pixels");
        // Another title gives another picture.
        let c = generate(&meta("高度 深度"), &fonts);
        assert!(c.bytes() != a.bytes());
    }

    #[test]
    fn titles_break_into_balanced_lines_that_fit() {
        let fonts = FontSet::bundled();
        let shaper = Shaper::new(&fonts);
        let bold = Pen {
            shaper: &shaper,
            font: fonts.role(FontRole::Title),
        };
        let (size, lines) = layout_title(&bold, "高度 深度 力度 温度", 1280.0, 230.0, 4);
        assert_eq!(lines, ["高度 深度", "力度 温度"]);
        assert!(size > 200.0);
        let long = "以实干实绩实效在加快建设全面深化改革先行区中展现奉节新作为，再加一句。";
        let (size, lines) = layout_title(&bold, long, 1280.0, 230.0, 4);
        assert_eq!(lines.concat(), long, "nothing lost");
        for l in &lines {
            assert!(bold.width(l, size) <= 1280.5, "{l} is too wide");
            assert!(!l.starts_with('，') && !l.starts_with('。'), "{l}");
        }
    }
}
