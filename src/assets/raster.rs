//! The generated cover's raster: rectangles and glyph outlines filled with
//! 16 coverage levels, encoded as PNG — indexed when the picture has at
//! most 256 colours (it nearly always has a few dozen), else RGB.
//!
//! The picture is drawn into a canvas of palette indexes, one byte a
//! pixel (3.8 MB at 1600×2400), not RGB (11.5 MB): every colour is a blend
//! of the colours under it, so the canvas keeps a table of the colours
//! made so far. Only when more than 256 are in use at once is the picture
//! drawn again in RGB. Either way the pixels, and so the PNG bytes, are
//! the same as those of an RGB canvas.

use std::collections::HashMap;

use ab_glyph_rasterizer::{Rasterizer, point};
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};

use super::cover::{CoverArt, Mark, TextMark};
use crate::layout::shape::Shaper;

/// `art` rasterised at `width`×`height` pixels (one pixel per unit of the
/// art's space) and encoded as PNG.
pub(super) fn png(art: &CoverArt, shaper: &Shaper<'_>, width: u32, height: u32) -> Vec<u8> {
    let mut indexed = Indexed::new(width, height, art.background);
    // In memory, with a fixed size: encoding cannot fail.
    let encoded = match paint(&mut indexed, art, shaper) {
        Ok(()) => indexed.encode(),
        Err(TooManyColours) => {
            drop(indexed);
            let mut rgb = Rgb::new(width, height, art.background);
            paint(&mut rgb, art, shaper).expect("an RGB canvas takes any colour");
            rgb.encode()
        }
    };
    encoded.expect("a generated cover encodes as PNG")
}

/// More than 256 colours in use at once: the indexed canvas gives up.
#[derive(Debug)]
struct TooManyColours;

/// A pixel buffer the cover is drawn on.
trait Surface {
    fn size(&self) -> (u32, u32);
    /// The colour of pixel `i` (row-major).
    fn get(&self, i: usize) -> [u8; 3];
    fn set(&mut self, i: usize, color: [u8; 3]) -> Result<(), TooManyColours>;
    /// `n` pixels from `i` on take `color`.
    fn fill(&mut self, i: usize, n: usize, color: [u8; 3]) -> Result<(), TooManyColours>;
    /// Pixel `i` takes `color` at `level`/16 coverage (1..=16).
    fn blend(&mut self, i: usize, color: [u8; 3], level: u8) -> Result<(), TooManyColours> {
        let bg = self.get(i);
        self.set(i, mix(bg, color, level))
    }
}

fn paint(s: &mut impl Surface, art: &CoverArt, shaper: &Shaper<'_>) -> Result<(), TooManyColours> {
    for mark in &art.marks {
        match mark {
            Mark::Rect { rect, color } => fill_rect(s, *rect, *color)?,
            Mark::Text(t) => draw_text(s, shaper, t)?,
        }
    }
    Ok(())
}

/// 16 coverage levels keep edges smooth and the colours few: `alpha`
/// (0..=1, more is full) to the nearest level, halves rounding up, as
/// `(alpha * 16.0).round()` does, without a call per pixel.
fn level(alpha: f32) -> u8 {
    let l = alpha.min(1.0) * 16.0;
    let t = l as u8;
    // Exact: `t` and `l` are within a factor of two (or `t` is 0).
    t + u8::from(l - t as f32 >= 0.5)
}

/// `color` over `bg` at `level`/16 coverage.
fn mix(bg: [u8; 3], color: [u8; 3], level: u8) -> [u8; 3] {
    let a = level as f32 / 16.0;
    std::array::from_fn(|k| {
        let b = bg[k] as f32;
        (b + (color[k] as f32 - b) * a).round() as u8
    })
}

/// Opaque: the pixels take `color` exactly (as blending at full coverage
/// would), a row at a time.
fn fill_rect(s: &mut impl Surface, r: [f32; 4], color: [u8; 3]) -> Result<(), TooManyColours> {
    let (w, h) = s.size();
    let (w, h) = (w as i64, h as i64);
    let (xa, xb) = (
        (r[0].round() as i64).clamp(0, w),
        (r[2].round() as i64).clamp(0, w),
    );
    let (ya, yb) = (
        (r[1].round() as i64).clamp(0, h),
        (r[3].round() as i64).clamp(0, h),
    );
    if xa >= xb {
        return Ok(());
    }
    for y in ya..yb {
        s.fill((y * w + xa) as usize, (xb - xa) as usize, color)?;
    }
    Ok(())
}

fn draw_text(
    s: &mut impl Surface,
    shaper: &Shaper<'_>,
    t: &TextMark,
) -> Result<(), TooManyColours> {
    let face = shaper.face(t.font);
    let scale = t.size / shaper.upem(t.font);
    for g in &t.glyphs {
        let at = (t.x + g.x, t.baseline - g.y);
        draw_glyph(s, face, GlyphId(g.id), at, scale, t.color)?;
    }
    Ok(())
}

fn draw_glyph(
    s: &mut impl Surface,
    face: &rustybuzz::Face<'_>,
    gid: GlyphId,
    (x, baseline): (f32, f32),
    scale: f32,
    color: [u8; 3],
) -> Result<(), TooManyColours> {
    let mut outline = Outline::default();
    let Some(bbox) = face.outline_glyph(gid, &mut outline) else {
        return Ok(()); // blank glyph (space)
    };
    outline.close();
    // Pixel box of the glyph, with a pixel of room for anti-aliasing.
    let left = (x + bbox.x_min as f32 * scale).floor() - 1.0;
    let top = (baseline - bbox.y_max as f32 * scale).floor() - 1.0;
    let w = ((bbox.x_max - bbox.x_min) as f32 * scale).ceil() as usize + 3;
    let h = ((bbox.y_max - bbox.y_min) as f32 * scale).ceil() as usize + 3;
    let mut r = Rasterizer::new(w, h);
    let to_px = |p: (f32, f32)| point(x + p.0 * scale - left, baseline - p.1 * scale - top);
    for seg in &outline.segments {
        match *seg {
            Segment::Line(a, b) => r.draw_line(to_px(a), to_px(b)),
            Segment::Quad(a, b, c) => r.draw_quad(to_px(a), to_px(b), to_px(c)),
            Segment::Cubic(a, b, c, d) => r.draw_cubic(to_px(a), to_px(b), to_px(c), to_px(d)),
        }
    }
    let (cw, ch) = s.size();
    let (cw, ch) = (cw as i64, ch as i64);
    let (mut px, mut py) = (0i64, 0i64);
    let mut result = Ok(());
    // Pixels come row by row: the position is counted, not divided out.
    r.for_each_pixel(|_, alpha| {
        let (gx, gy) = (left as i64 + px, top as i64 + py);
        px += 1;
        if px == w as i64 {
            px = 0;
            py += 1;
        }
        if alpha <= 0.0 || result.is_err() {
            return;
        }
        let level = level(alpha);
        if level == 0 || gx < 0 || gy < 0 || gx >= cw || gy >= ch {
            return;
        }
        result = s.blend((gy * cw + gx) as usize, color, level);
    });
    result
}

/// One palette index a pixel, with the table of the colours made so far.
struct Indexed {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    colors: Vec<[u8; 3]>,
    index: HashMap<[u8; 3], u8>,
    /// The colour last looked up and its index (runs are long).
    last: ([u8; 3], u8),
    /// Blends of `memo_color` already made: (index under it × 17 +
    /// level) → index of the blend + 1, or 0 when not made yet. Edges
    /// blend the same few colours over and over.
    memo: Vec<u16>,
    memo_color: [u8; 3],
    /// How many times unused colours were dropped.
    drops: u32,
}

impl Indexed {
    fn new(width: u32, height: u32, background: [u8; 3]) -> Self {
        Indexed {
            width,
            height,
            // Index 0 is the background: the buffer starts zeroed.
            pixels: vec![0; width as usize * height as usize],
            colors: vec![background],
            index: HashMap::from([(background, 0)]),
            last: (background, 0),
            memo: vec![0; 256 * 17],
            memo_color: background,
            drops: 0,
        }
    }

    /// The index of `color`, added to the table when new; a full table
    /// first drops the colours no pixel shows any more.
    fn index_of(&mut self, color: [u8; 3]) -> Result<u8, TooManyColours> {
        if self.last.0 == color {
            return Ok(self.last.1);
        }
        let i = match self.index.get(&color) {
            Some(&i) => i,
            None => {
                if self.colors.len() == 256 {
                    self.drop_unused();
                    if self.colors.len() == 256 {
                        return Err(TooManyColours);
                    }
                }
                self.colors.push(color);
                let i = (self.colors.len() - 1) as u8;
                self.index.insert(color, i);
                i
            }
        };
        self.last = (color, i);
        Ok(i)
    }

    /// Which table entries some pixel shows.
    fn used(&self) -> [bool; 256] {
        let mut used = [false; 256];
        for &p in &self.pixels {
            used[p as usize] = true;
        }
        used
    }

    /// Renumbers the pixels through `map` (old index → new index).
    fn renumber(&mut self, map: &[u8; 256]) {
        if map.iter().enumerate().all(|(i, &m)| i == m as usize) {
            return;
        }
        for p in &mut self.pixels {
            *p = map[*p as usize];
        }
    }

    fn drop_unused(&mut self) {
        let used = self.used();
        let mut map = [0u8; 256];
        let mut kept = Vec::new();
        for (i, &c) in self.colors.iter().enumerate() {
            if used[i] {
                map[i] = kept.len() as u8;
                kept.push(c);
            }
        }
        self.renumber(&map);
        self.index = kept
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u8))
            .collect();
        self.colors = kept;
        self.last = (self.colors[0], 0);
        self.memo.fill(0);
        self.drops += 1;
    }

    /// An indexed PNG whose palette is the colours shown, in RGB order.
    fn encode(mut self) -> Result<Vec<u8>, png::EncodingError> {
        let used = self.used();
        let mut shown: Vec<([u8; 3], usize)> = (0..self.colors.len())
            .filter(|&i| used[i])
            .map(|i| (self.colors[i], i))
            .collect();
        shown.sort_unstable();
        let mut map = [0u8; 256];
        for (rank, (_, i)) in shown.iter().enumerate() {
            map[*i] = rank as u8;
        }
        self.renumber(&map);
        let palette: Vec<u8> = shown.iter().flat_map(|(c, _)| *c).collect();
        encode_png((self.width, self.height), Some(palette), &self.pixels)
    }
}

impl Surface for Indexed {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn get(&self, i: usize) -> [u8; 3] {
        self.colors[self.pixels[i] as usize]
    }

    fn set(&mut self, i: usize, color: [u8; 3]) -> Result<(), TooManyColours> {
        self.pixels[i] = self.index_of(color)?;
        Ok(())
    }

    fn fill(&mut self, i: usize, n: usize, color: [u8; 3]) -> Result<(), TooManyColours> {
        let c = self.index_of(color)?;
        self.pixels[i..i + n].fill(c);
        Ok(())
    }

    fn blend(&mut self, i: usize, color: [u8; 3], level: u8) -> Result<(), TooManyColours> {
        if color != self.memo_color {
            self.memo.fill(0);
            self.memo_color = color;
        }
        let under = self.pixels[i];
        let slot = under as usize * 17 + level as usize;
        if self.memo[slot] != 0 {
            self.pixels[i] = (self.memo[slot] - 1) as u8;
            return Ok(());
        }
        let made = mix(self.colors[under as usize], color, level);
        let drops = self.drops;
        let c = self.index_of(made)?;
        // Dropping unused colours renumbers them (and clears the memo):
        // the slot then names another colour.
        if self.drops == drops {
            self.memo[slot] = c as u16 + 1;
        }
        self.pixels[i] = c;
        Ok(())
    }
}

/// Three bytes a pixel: any number of colours.
struct Rgb {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Rgb {
    fn new(width: u32, height: u32, color: [u8; 3]) -> Self {
        Rgb {
            width,
            height,
            pixels: color.repeat(width as usize * height as usize),
        }
    }

    fn encode(self) -> Result<Vec<u8>, png::EncodingError> {
        encode_png((self.width, self.height), None, &self.pixels)
    }
}

impl Surface for Rgb {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn get(&self, i: usize) -> [u8; 3] {
        let p = &self.pixels[i * 3..i * 3 + 3];
        [p[0], p[1], p[2]]
    }

    fn set(&mut self, i: usize, color: [u8; 3]) -> Result<(), TooManyColours> {
        self.pixels[i * 3..i * 3 + 3].copy_from_slice(&color);
        Ok(())
    }

    fn fill(&mut self, i: usize, n: usize, color: [u8; 3]) -> Result<(), TooManyColours> {
        for p in self.pixels[i * 3..(i + n) * 3].chunks_exact_mut(3) {
            p.copy_from_slice(&color);
        }
        Ok(())
    }
}

/// An 8-bit PNG at the cover's fixed settings: indexed with `palette`,
/// else RGB. Compression is png's fast deflate (fdeflate, on adaptively
/// filtered rows): for the seed's cover, 63.8 KB instead of zlib's 50.9 KB,
/// and the whole build's CPU time 156 → 110 ms.
fn encode_png(
    (width, height): (u32, u32),
    palette: Option<Vec<u8>>,
    pixels: &[u8],
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    match palette {
        Some(p) => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_palette(p);
        }
        None => enc.set_color(png::ColorType::Rgb),
    }
    let mut w = enc.write_header()?;
    w.write_image_data(pixels)?;
    w.finish()?;
    Ok(out)
}

enum Segment {
    Line((f32, f32), (f32, f32)),
    Quad((f32, f32), (f32, f32), (f32, f32)),
    Cubic((f32, f32), (f32, f32), (f32, f32), (f32, f32)),
}

/// A glyph outline in font units, contours closed explicitly (the
/// rasterizer fills only what is drawn).
#[derive(Default)]
struct Outline {
    segments: Vec<Segment>,
    start: (f32, f32),
    cur: (f32, f32),
}

impl Outline {
    fn close(&mut self) {
        if self.cur != self.start {
            self.segments.push(Segment::Line(self.cur, self.start));
        }
        self.cur = self.start;
    }
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.start = (x, y);
        self.cur = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.segments.push(Segment::Line(self.cur, (x, y)));
        self.cur = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.segments
            .push(Segment::Quad(self.cur, (x1, y1), (x, y)));
        self.cur = (x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.segments
            .push(Segment::Cubic(self.cur, (x1, y1), (x2, y2), (x, y)));
        self.cur = (x, y);
    }
    fn close(&mut self) {
        Outline::close(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Overlapping translucent squares of many colours: more than 256
    /// colours at once, so the indexed canvas gives way to RGB.
    fn crowded(n: usize) -> CoverArt {
        let mut marks = Vec::new();
        for i in 0..n {
            let v = (i * 37 % 251) as u8;
            marks.push(Mark::Rect {
                rect: [i as f32, 0.0, i as f32 + 1.0, 4.0],
                color: [v, 255 - v, (i % 7) as u8 * 30],
            });
        }
        CoverArt {
            width: n as f32,
            height: 4.0,
            background: [1, 2, 3],
            marks,
        }
    }

    #[test]
    fn indexed_and_rgb_canvases_draw_the_same_pixels() {
        let fonts = crate::fonts::FontSet::bundled();
        let shaper = Shaper::new(&fonts);
        let art = crowded(200);
        let (w, h) = (200, 4);
        let mut indexed = Indexed::new(w, h, art.background);
        let mut rgb = Rgb::new(w, h, art.background);
        paint(&mut indexed, &art, &shaper).unwrap();
        paint(&mut rgb, &art, &shaper).unwrap();
        for i in 0..(w * h) as usize {
            assert_eq!(indexed.get(i), rgb.get(i), "pixel {i}");
        }
        // Indexed, and decoded to the same picture.
        let png = indexed.encode().unwrap();
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(decoded.as_raw(), &rgb.pixels);
        assert_eq!(png[25], 3, "colour type 3 (indexed)");
    }

    #[test]
    fn coverage_levels_round_as_f32_round_does() {
        let reference = |a: f32| (a.min(1.0) * 16.0).round() as u8;
        // Every 61st float from 0 to past 1, and each half-way point with
        // its neighbours.
        let mut bits = 0u32;
        while f32::from_bits(bits) <= 1.5 {
            let a = f32::from_bits(bits);
            assert_eq!(level(a), reference(a), "{a:e}");
            bits += 61;
        }
        for k in 0..16 {
            let half = (k as f32 + 0.5) / 16.0;
            for a in [half.next_down(), half, half.next_up()] {
                assert_eq!(level(a), reference(a), "{a:e}");
            }
        }
    }

    #[test]
    fn a_generated_cover_draws_the_same_on_both_canvases() {
        let fonts = crate::fonts::FontSet::bundled();
        let shaper = Shaper::new(&fonts);
        let meta = crate::model::Metadata {
            title: "以实干实绩实效在加快建设全面深化改革先行区中展现奉节新作为".into(),
            subtitle: Some("领导干部学习笔谈 Notes".into()),
            section: Some("学思践悟".into()),
            editors: vec!["编辑部".into()],
            ..Default::default()
        };
        let (w, h) = (1600, 2400);
        let art = super::super::cover::art(&meta, &fonts, w as f32, h as f32);
        let mut indexed = Indexed::new(w, h, art.background);
        let mut rgb = Rgb::new(w, h, art.background);
        paint(&mut indexed, &art, &shaper).unwrap();
        paint(&mut rgb, &art, &shaper).unwrap();
        let same = (0..(w * h) as usize).all(|i| indexed.get(i) == rgb.get(i));
        assert!(same, "the canvases differ");
        // Edges were blended: more colours than the art's five.
        assert!(
            indexed.colors.len() > 20,
            "{} colours",
            indexed.colors.len()
        );
    }

    #[test]
    fn more_than_256_colours_are_encoded_as_rgb() {
        let fonts = crate::fonts::FontSet::bundled();
        let shaper = Shaper::new(&fonts);
        let art = crowded(300);
        let mut indexed = Indexed::new(300, 4, art.background);
        assert!(paint(&mut indexed, &art, &shaper).is_err());
        let png = png(&art, &shaper, 300, 4);
        assert_eq!(png[25], 2, "colour type 2 (RGB)");
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        let mut rgb = Rgb::new(300, 4, art.background);
        paint(&mut rgb, &art, &shaper).unwrap();
        assert_eq!(decoded.as_raw(), &rgb.pixels);
    }

    #[test]
    fn colours_no_pixel_shows_make_room_for_new_ones() {
        let fonts = crate::fonts::FontSet::bundled();
        let shaper = Shaper::new(&fonts);
        // 300 colours one after another on the same pixels: never more
        // than two shown at once.
        let mut art = crowded(300);
        for m in &mut art.marks {
            if let Mark::Rect { rect, .. } = m {
                *rect = [0.0, 0.0, 2.0, 4.0];
            }
        }
        let mut indexed = Indexed::new(4, 4, art.background);
        paint(&mut indexed, &art, &shaper).unwrap();
        let last = match art.marks.last() {
            Some(Mark::Rect { color, .. }) => *color,
            _ => unreachable!(),
        };
        assert_eq!(indexed.get(0), last);
        assert_eq!(indexed.get(3), art.background);
        assert!(indexed.colors.len() <= 256);
    }
}
