//! Shaping with rustybuzz: text of one face and size becomes clusters of
//! positioned glyphs, each cluster knowing the text it stands for and, for
//! full-width punctuation, which half of its em is empty (read from the
//! glyph's outline bounds, so the font decides, not a table).

use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;

use rustybuzz::{Direction, Face, Language, Script, ShapePlan, UnicodeBuffer};

use crate::fonts::{FaceId, FontSet};
use crate::script::{is_cjk, is_cjk_punct, is_han};

/// One glyph as shaped, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapedGlyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
}

/// Which half of a full-width mark's em is blank.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Halves {
    pub left_empty: bool,
    pub right_empty: bool,
}

/// A shaped cluster: the smallest unit a line can be broken around.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Byte range in the paragraph text.
    pub start: usize,
    pub end: usize,
    pub font: FaceId,
    pub size: f32,
    /// Baseline shift upwards (superscripts), in points.
    pub raise: f32,
    /// Glyphs in `Shaper::glyphs` order: `g0..g1` of the paragraph's glyphs.
    pub g0: usize,
    pub g1: usize,
    pub width: f32,
    pub first: char,
    pub last: char,
    pub halves: Halves,
}

/// The largest run whose shaping buffer is kept for the next run.
const SPARE_GLYPHS: usize = 4096;

/// Shaping state for one thread: the book's faces and cached punctuation
/// facts.
pub struct Shaper<'a> {
    faces: Vec<Face<'a>>,
    upem: Vec<f32>,
    halves: Vec<HashMap<u16, Halves>>,
    /// Per face, what `covers` answered for each character of the Basic
    /// Multilingual Plane (0 not asked, 1 no, 2 yes): a `cmap` lookup is a
    /// binary search, asked for every character set.
    covered: Vec<RefCell<Vec<u8>>>,
    lang: Language,
    /// Faces from this index on are fallbacks.
    fallback_start: usize,
    /// Shaping plans by face, direction and script: what `rustybuzz::shape`
    /// would compile anew for every run (the language is the shaper's).
    plans: HashMap<(usize, Direction, Option<Script>), ShapePlan>,
    /// A buffer kept between runs, for its allocation.
    spare: Option<UnicodeBuffer>,
}

impl<'a> Shaper<'a> {
    pub fn new(fonts: &'a FontSet) -> Self {
        let faces: Vec<Face<'a>> = fonts
            .faces
            .iter()
            .map(|f| {
                Face::from_slice(f.font.bytes(), f.font.index)
                    .expect("font was validated when loaded")
            })
            .collect();
        let upem = faces.iter().map(|f| f.units_per_em() as f32).collect();
        Shaper {
            fallback_start: fonts.fallbacks().next().map_or(faces.len(), |f| f.index()),
            halves: vec![HashMap::new(); faces.len()],
            covered: faces.iter().map(|_| RefCell::new(Vec::new())).collect(),
            faces,
            upem,
            lang: Language::from_str("zh-Hans").expect("valid language tag"),
            plans: HashMap::new(),
            spare: None,
        }
    }

    /// Shapes for a book in language `tag` (BCP 47): the font's localized
    /// forms of that script (`script::shaping_language`).
    pub fn language(mut self, tag: &str) -> Self {
        let lang = crate::script::shaping_language(tag);
        self.lang = Language::from_str(lang).expect("valid language tag");
        self.plans.clear();
        self
    }

    /// The face, for outlines and metrics.
    pub fn face(&self, font: FaceId) -> &Face<'a> {
        &self.faces[font.index()]
    }

    /// Ascender of the face as a fraction of the em (typo metrics of CJK
    /// fonts put the ideographic em box from -0.12 to 0.88).
    pub fn ascent(&self, font: FaceId) -> f32 {
        let f = &self.faces[font.index()];
        let asc = f
            .tables()
            .os2
            .map(|o| o.typographic_ascender())
            .unwrap_or(f.ascender());
        asc as f32 / self.upem[font.index()]
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, font: FaceId, c: char) -> bool {
        let ask = || self.faces[font.index()].glyph_index(c).is_some();
        let i = c as usize;
        if i > 0xFFFF {
            return ask();
        }
        let mut known = self.covered[font.index()].borrow_mut();
        if known.is_empty() {
            known.resize(0x10000, 0);
        }
        if known[i] == 0 {
            known[i] = if ask() { 2 } else { 1 };
        }
        known[i] == 2
    }

    /// The face that sets `c` in text of `font`: `font` itself when it has
    /// the character, else the first fallback face that has it (as the
    /// EPUB's font stacks do), else any other face of the book that has it.
    /// Characters drawn with no glyph (joiners, variation selectors) stay
    /// with the text around them, where shaping applies them.
    pub fn face_for(&self, font: FaceId, c: char) -> FaceId {
        if !crate::script::needs_glyph(c) || self.covers(font, c) {
            return font;
        }
        let n = self.faces.len();
        (self.fallback_start..n)
            .chain(0..self.fallback_start)
            .map(|i| FaceId(i as u8))
            .find(|&f| f != font && self.covers(f, c))
            .unwrap_or(font)
    }

    /// Shapes one run of display text (the cover's) as rustybuzz gives it,
    /// in font units.
    pub fn shape_units(&self, font: FaceId, text: &str) -> rustybuzz::GlyphBuffer {
        let mut buf = UnicodeBuffer::new();
        buf.push_str(text);
        rustybuzz::shape(&self.faces[font.index()], &[], buf)
    }

    /// Units per em of the face.
    pub fn upem(&self, font: FaceId) -> f32 {
        self.upem[font.index()]
    }

    /// Shapes `text` (one face, one size) and appends its clusters, with
    /// byte offsets shifted by `base`, and their glyphs.
    #[allow(clippy::too_many_arguments)]
    pub fn shape(
        &mut self,
        text: &str,
        base: usize,
        font: FaceId,
        size: f32,
        raise: f32,
        clusters: &mut Vec<Cluster>,
        glyphs: &mut Vec<ShapedGlyph>,
    ) {
        if text.is_empty() {
            return;
        }
        let fi = font.index();
        let scale = size / self.upem[fi];
        let mut buf = self.spare.take().unwrap_or_default();
        buf.push_str(text);
        buf.set_language(self.lang.clone());
        buf.guess_segment_properties();
        // The plan `rustybuzz::shape` would make: the guessed script stays
        // unset when the text has none (digits, punctuation).
        let script = Some(buf.script()).filter(|&s| s != rustybuzz::script::UNKNOWN);
        let face = &self.faces[fi];
        let lang = &self.lang;
        let plan = self
            .plans
            .entry((fi, buf.direction(), script))
            .or_insert_with(|| ShapePlan::new(face, buf.direction(), script, Some(lang), &[]));
        let out = rustybuzz::shape_with_plan(face, plan, buf);
        let infos = out.glyph_infos();
        let pos = out.glyph_positions();
        let first_cluster = clusters.len();
        let mut i = 0;
        while i < infos.len() {
            let c = infos[i].cluster as usize;
            let mut j = i;
            let g0 = glyphs.len();
            let mut width = 0.0;
            while j < infos.len() && infos[j].cluster as usize == c {
                let adv = pos[j].x_advance as f32 * scale;
                glyphs.push(ShapedGlyph {
                    id: infos[j].glyph_id as u16,
                    advance: adv,
                    dx: pos[j].x_offset as f32 * scale,
                    dy: pos[j].y_offset as f32 * scale,
                });
                width += adv;
                j += 1;
            }
            clusters.push(Cluster {
                start: base + c,
                end: 0,
                font,
                size,
                raise,
                g0,
                g1: glyphs.len(),
                width,
                first: ' ',
                last: ' ',
                halves: Halves::default(),
            });
            i = j;
        }
        // Cluster ends and characters, now that every start is known.
        let n = clusters.len();
        for k in first_cluster..n {
            let end = if k + 1 < n {
                clusters[k + 1].start
            } else {
                base + text.len()
            };
            let s = &text[clusters[k].start - base..end - base];
            let first = s.chars().next().unwrap_or(' ');
            let last = s.chars().next_back().unwrap_or(' ');
            clusters[k].end = end;
            clusters[k].first = first;
            clusters[k].last = last;
            if fi >= self.fallback_start && is_han(first) && clusters[k].g1 == clusters[k].g0 + 1 {
                // A fallback face's ideograph keeps the grid: a full-width
                // cell, the glyph centred in it.
                let g = &mut glyphs[clusters[k].g0];
                g.dx += (size - g.advance) / 2.0;
                g.advance = size;
                clusters[k].width = size;
            }
            if first == last && is_cjk_punct(first) && clusters[k].g1 == clusters[k].g0 + 1 {
                let g = glyphs[clusters[k].g0];
                clusters[k].halves = self.halves_of(fi, g.id, g.advance / scale);
            }
        }
        // A paragraph's worth of room is kept; a huge run's is given back.
        if out.len() <= SPARE_GLYPHS {
            self.spare = Some(out.clear());
        }
    }

    fn halves_of(&mut self, fi: usize, gid: u16, advance_units: f32) -> Halves {
        if let Some(h) = self.halves[fi].get(&gid) {
            return *h;
        }
        let upem = self.upem[fi];
        let mut h = Halves::default();
        // Only marks occupying a full em can lose half of it.
        if (advance_units - upem).abs() < upem * 0.02 {
            let bbox = self.faces[fi].glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(gid));
            if let Some(b) = bbox {
                let mid = upem / 2.0;
                h.left_empty = b.x_min as f32 >= mid - upem * 0.02;
                h.right_empty = b.x_max as f32 <= mid + upem * 0.02;
            }
        }
        self.halves[fi].insert(gid, h);
        h
    }
}

/// In Chinese text the dash takes a full em (so —— is two) and the middle
/// dot half an em (GB/T 15834), whatever the font's proportional advances;
/// the ink is centred in its cell, and the halves of —— are pushed together.
pub(super) fn fit_cells(clusters: &mut [Cluster], glyphs: &mut [ShapedGlyph]) {
    let n = clusters.len();
    for k in 0..n {
        let c = &clusters[k];
        if !matches!(c.first, '—' | '·') || c.first != c.last || c.g1 == c.g0 {
            continue;
        }
        let prev = (k > 0).then(|| clusters[k - 1].last);
        let next = (k + 1 < n).then(|| clusters[k + 1].first);
        if !prev.is_some_and(is_cjk) && !next.is_some_and(is_cjk) {
            continue;
        }
        // The font may shape —— as one cluster.
        let count = (c.end - c.start) / c.first.len_utf8();
        let unit = if c.first == '—' {
            c.size
        } else {
            c.size * 0.5
        };
        let room = unit * count as f32 - c.width;
        if room <= 0.0 {
            continue;
        }
        let shift = match (c.first, prev == Some('—'), next == Some('—')) {
            ('—', false, true) => room,
            ('—', true, false) => 0.0,
            _ => room / 2.0,
        };
        for g in &mut glyphs[c.g0..c.g1] {
            g.dx += shift;
        }
        glyphs[c.g1 - 1].advance += room;
        clusters[k].width += room;
    }
}
