//! Setting one paragraph: shaped clusters, glue between them after clreq
//! (punctuation compression, quarter-em Han–Latin spacing, stretch between
//! Han characters), total-fit line breaking over the tailored break
//! opportunities, then justified lines of positioned glyph runs.

use super::glue::{Glue, glues};
use super::shape::{Cluster, ShapedGlyph, Shaper, fit_cells};
use super::{Glyph, InlineTag, Structure};
use crate::fonts::FaceId;
use crate::script::{break_opportunities, is_cjk, no_end, no_start};
pub use crate::style::Align;

mod fit;
use fit::LineFit;

/// A stretch of text in one face and size.
#[derive(Debug, Clone)]
pub struct Piece {
    pub text: String,
    pub font: FaceId,
    pub size: f32,
    /// Baseline shift upwards (footnote markers), in points.
    pub raise: f32,
    /// Character offset of the piece's first character in the block's plain
    /// text (`model::block_text`), or `None` for text that is not part of it
    /// (list markers, footnote numbers).
    pub src: Option<usize>,
    /// The footnote this piece refers to (its marker).
    pub footnote: Option<usize>,
    /// Target of a hyperlink the piece belongs to.
    pub link: Option<super::LinkTarget>,
    /// Emphasis dots under its Han characters.
    pub dots: bool,
    /// Strong or emphasised text, for the tagged PDF.
    pub inline: Option<InlineTag>,
    /// An element of its own instead of the paragraph's (a list label).
    pub structure: Option<Structure>,
}

impl Piece {
    pub fn new(text: impl Into<String>, font: FaceId, size: f32, src: Option<usize>) -> Self {
        Piece {
            text: text.into(),
            font,
            size,
            raise: 0.0,
            src,
            footnote: None,
            link: None,
            dots: false,
            inline: None,
            structure: None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ParaStyle {
    /// Line length in points.
    pub measure: f32,
    /// First-line indent in points.
    pub indent: f32,
    /// The paragraph's em (its body size), for spacing.
    pub em: f32,
    pub align: Align,
}

/// Glyphs of one face and size, positioned from `x` along the baseline.
#[derive(Debug, Clone)]
pub struct LineRun {
    /// Start of the run, relative to the line's left edge.
    pub x: f32,
    pub font: FaceId,
    pub size: f32,
    pub raise: f32,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    /// Emphasis dots under its Han characters.
    pub dots: bool,
    pub inline: Option<InlineTag>,
    pub structure: Option<Structure>,
}

/// A set line.
#[derive(Debug, Clone)]
pub struct SetLine {
    pub runs: Vec<LineRun>,
    /// Origin of the first glyph, relative to the line's left edge.
    pub x_start: f32,
    /// End of the last glyph's advance, relative to the line's left edge.
    pub x_end: f32,
    /// Stretched or shrunk to the full measure.
    pub justified: bool,
    pub first: bool,
    pub last: bool,
    pub text: String,
    /// Offset of the line's first character in the block's plain text.
    pub src: Option<usize>,
    /// Byte offset of the line's first character in its segment's text.
    pub start: usize,
    pub footnotes: Vec<usize>,
    /// Hyperlinked stretches: start and end x (relative to the line's left
    /// edge) and the target.
    pub links: Vec<(f32, f32, super::LinkTarget)>,
    /// Largest font size in the line.
    pub max_size: f32,
}

/// Word boundaries of a display text (byte positions), from the script's
/// segmenter; asked only when the text needs more than one line.
pub type WordBreaks<'a> = &'a dyn Fn(&str) -> Vec<usize>;

/// Sets a paragraph into lines. Hard line breaks (`\n`) end a line without
/// justifying it.
pub fn set_paragraph(shaper: &mut Shaper, pieces: &[Piece], style: &ParaStyle) -> Vec<SetLine> {
    set_lines(shaper, pieces, style, None)
}

/// Sets display text (a title, a contents entry) on as few lines as
/// possible, breaking only between words when it needs more than one.
pub fn set_display(
    shaper: &mut Shaper,
    pieces: &[Piece],
    style: &ParaStyle,
    words: WordBreaks,
) -> Vec<SetLine> {
    let segs = segments(shaper, pieces, style.em);
    let lines = set_segments(&segs, style, None);
    if lines.len() < 2 {
        return lines;
    }
    let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
    set_segments(&segs, style, Some(&words(&text)))
}

/// Sets lines; `words` (byte positions in the joined text of `pieces`)
/// limits the breaks to those places when the text fits that way.
fn set_lines(
    shaper: &mut Shaper,
    pieces: &[Piece],
    style: &ParaStyle,
    words: Option<&[usize]>,
) -> Vec<SetLine> {
    set_segments(&segments(shaper, pieces, style.em), style, words)
}

/// Text between hard breaks, shaped and measured: all that setting it in
/// lines of any measure needs (display text is tried in several).
struct Segment {
    pieces: Vec<Piece>,
    sh: Shaped,
    space: Vec<bool>,
    gaps: Vec<Glue>,
    sums: Sums,
    /// Break opportunities by the script's rules.
    allowed: Vec<bool>,
}

/// The segments of `pieces` (split at hard breaks), shaped and measured
/// for a paragraph whose em is `em`.
fn segments(shaper: &mut Shaper, pieces: &[Piece], em: f32) -> Vec<Segment> {
    let mut segments: Vec<Vec<Piece>> = vec![Vec::new()];
    for p in pieces {
        let mut char_off = 0;
        for (i, part) in p.text.split('\n').enumerate() {
            if i > 0 {
                segments.push(Vec::new());
                char_off += 1;
            }
            if !part.is_empty() {
                let mut q = p.clone();
                q.text = part.to_string();
                q.src = p.src.map(|s| s + char_off);
                segments.last_mut().unwrap().push(q);
            }
            char_off += part.chars().count();
        }
    }
    segments
        .into_iter()
        .map(|pieces| {
            let sh = shape_pieces(shaper, &pieces);
            let space: Vec<bool> = sh
                .clusters
                .iter()
                .map(|c| c.first.is_whitespace() && c.last.is_whitespace())
                .collect();
            let (gaps, sums, allowed) = if sh.clusters.is_empty() {
                Default::default()
            } else {
                let gaps = glues(&sh.clusters, &space, em);
                let sums = prefix_sums(&sh.clusters, &space, &gaps);
                let allowed = allowed_breaks(&sh.full, &sh.clusters);
                (gaps, sums, allowed)
            };
            Segment {
                pieces,
                sh,
                space,
                gaps,
                sums,
                allowed,
            }
        })
        .collect()
}

/// Sets shaped segments in lines; `words` as for [`set_lines`].
fn set_segments(segs: &[Segment], style: &ParaStyle, words: Option<&[usize]>) -> Vec<SetLine> {
    // Word boundaries apply to text without hard breaks.
    let words = words.filter(|_| segs.len() == 1);
    let mut lines = Vec::new();
    for (si, seg) in segs.iter().enumerate() {
        let indent = if si == 0 { style.indent } else { 0.0 };
        set_segment(seg, (style, words), indent, si == 0, &mut lines);
    }
    lines
}

/// Sets centred display text (titles) in lines of even length, breaking
/// between words: the measure is narrowed em by em for as long as the
/// number of lines stays the same, then the lines are centred in the full
/// measure.
pub fn set_balanced(
    shaper: &mut Shaper,
    pieces: &[Piece],
    style: &ParaStyle,
    words: WordBreaks,
) -> Vec<SetLine> {
    let segs = segments(shaper, pieces, style.em);
    let mut best = set_segments(&segs, style, None);
    let k = best.len();
    if k < 2 {
        return best;
    }
    let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
    let bounds = words(&text);
    best = set_segments(&segs, style, Some(&bounds));
    let k = best.len().max(k);
    let mut m = style.measure;
    let mut best_m = m;
    while m - style.em >= style.em * 4.0 {
        m -= style.em;
        let narrower = ParaStyle {
            measure: m,
            ..*style
        };
        let lines = set_segments(&segs, &narrower, Some(&bounds));
        let between_words = lines[1..]
            .iter()
            .all(|l| bounds.binary_search(&l.start).is_ok());
        if lines.len() > k || !between_words {
            break;
        }
        best = lines;
        best_m = m;
    }
    let shift = (style.measure - best_m) / 2.0;
    for line in &mut best {
        for r in &mut line.runs {
            r.x += shift;
        }
        line.x_start += shift;
        line.x_end += shift;
    }
    best
}

fn set_segment(
    seg: &Segment,
    (style, words): (&ParaStyle, Option<&[usize]>),
    indent: f32,
    first_segment: bool,
    lines: &mut Vec<SetLine>,
) {
    let (pieces, sh) = (&seg.pieces[..], &seg.sh);
    let (full, clusters, glyphs) = (&sh.full, &sh.clusters, &sh.glyphs);
    let n = clusters.len();
    if n == 0 {
        if first_segment {
            // An empty paragraph still takes its line.
            lines.push(SetLine {
                runs: Vec::new(),
                x_start: 0.0,
                x_end: 0.0,
                justified: false,
                first: true,
                last: true,
                text: String::new(),
                src: pieces.first().and_then(|p| p.src),
                start: 0,
                footnotes: Vec::new(),
                links: Vec::new(),
                max_size: style.em,
            });
        }
        return;
    }
    let (pn, ps, ph) = &seg.sums;
    let ctx = Ctx {
        clusters,
        space: &seg.space,
        gaps: &seg.gaps,
        pn,
        ps,
        ph,
        style,
        indent,
    };
    let mut allowed = seg.allowed.clone();
    let within = words.map(|_| allowed.clone());
    if let Some(w) = words {
        for (k, c) in clusters.iter().enumerate().skip(1) {
            allowed[k] &= w.binary_search(&c.start).is_ok();
        }
    }
    // A word longer than the measure (a URL) may be broken inside, still
    // under the punctuation rules; only as a last resort anywhere.
    let inside_words = || -> Vec<bool> {
        let within = within.as_deref().unwrap_or(&allowed);
        (0..=n)
            .map(|k| {
                within[k]
                    || (k > 0
                        && k < n
                        && !is_cjk(clusters[k - 1].last)
                        && !is_cjk(clusters[k].first)
                        && !no_start(clusters[k].first)
                        && !no_end(clusters[k - 1].last))
            })
            .collect()
    };
    // Between words first; a word longer than the measure breaks where
    // the script allows (the rules asked only when it comes to that).
    let breaks = ctx
        .total_fit(&allowed, false)
        .or_else(|| within.as_ref().and_then(|w| ctx.total_fit(w, false)))
        .or_else(|| ctx.total_fit(&inside_words(), true))
        .or_else(|| ctx.total_fit(&vec![true; n + 1], true))
        .expect("emergency breaking always succeeds");
    let src = Source {
        glyphs,
        full,
        pieces,
        piece_start: &sh.piece_start,
        cpiece: &sh.cpiece,
        counted: std::cell::Cell::new((usize::MAX, 0)),
    };
    let mut a = 0;
    let nlines = breaks.len();
    for (li, &b) in breaks.iter().enumerate() {
        let first = a == 0 && first_segment;
        let last = li + 1 == nlines;
        lines.push(ctx.build(a, b, first, last, &src));
        a = b;
    }
}

/// A segment's text, shaped: its clusters and glyphs, and for each cluster
/// the piece it comes from.
struct Shaped {
    full: String,
    piece_start: Vec<usize>,
    clusters: Vec<Cluster>,
    glyphs: Vec<ShapedGlyph>,
    cpiece: Vec<usize>,
}

fn shape_pieces(shaper: &mut Shaper, pieces: &[Piece]) -> Shaped {
    let mut sh = Shaped {
        full: String::new(),
        piece_start: Vec::with_capacity(pieces.len()),
        clusters: Vec::new(),
        glyphs: Vec::new(),
        cpiece: Vec::new(),
    };
    for (pi, p) in pieces.iter().enumerate() {
        let base = sh.full.len();
        sh.piece_start.push(base);
        sh.full.push_str(&p.text);
        // Characters the piece's face lacks are set in another face of the
        // book when it has them (a bold face without some rare character).
        let mut runs: Vec<(usize, usize, FaceId)> = Vec::new();
        for (i, c) in p.text.char_indices() {
            let f = shaper.face_for(p.font, c);
            match runs.last_mut() {
                Some((_, end, rf)) if *rf == f => *end = i + c.len_utf8(),
                _ => runs.push((i, i + c.len_utf8(), f)),
            }
        }
        for (s, e, f) in runs {
            shaper.shape(
                &p.text[s..e],
                base + s,
                f,
                p.size,
                p.raise,
                &mut sh.clusters,
                &mut sh.glyphs,
            );
        }
        sh.cpiece.resize(sh.clusters.len(), pi);
    }
    fit_cells(&mut sh.clusters, &mut sh.glyphs);
    sh
}

type Sums = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Prefix sums of natural width, stretch and shrink: entry `k` covers the
/// clusters before `k` and the gaps before them.
fn prefix_sums(clusters: &[Cluster], space: &[bool], gaps: &[Glue]) -> Sums {
    let n = clusters.len();
    let mut pn = vec![0.0f64; n + 1];
    let mut ps = vec![0.0f64; n + 1];
    let mut ph = vec![0.0f64; n + 1];
    for k in 0..n {
        let (gn, gs, gh) = if k > 0 {
            (gaps[k].nat, gaps[k].stretch, gaps[k].shrink)
        } else {
            (0.0, 0.0, 0.0)
        };
        let cw = clusters[k].width;
        let (cst, csh) = if space[k] {
            (cw * 0.5, cw * 0.3)
        } else {
            (0.0, 0.0)
        };
        pn[k + 1] = pn[k] + (cw + gn) as f64;
        ps[k + 1] = ps[k] + (cst + gs) as f64;
        ph[k + 1] = ph[k] + (csh + gh) as f64;
    }
    (pn, ps, ph)
}

/// Break opportunities as cluster indices: before cluster `k` where the
/// script rules allow one (never before a raised footnote mark), and at
/// the end.
fn allowed_breaks(full: &str, clusters: &[Cluster]) -> Vec<bool> {
    let n = clusters.len();
    let opps = break_opportunities(full);
    let mut allowed = vec![false; n + 1];
    let mut oi = 0;
    for k in 1..n {
        while oi < opps.len() && opps[oi] < clusters[k].start {
            oi += 1;
        }
        allowed[k] = oi < opps.len() && opps[oi] == clusters[k].start && clusters[k].raise == 0.0;
    }
    allowed[n] = true;
    allowed
}

/// What a line is built from: the segment's glyphs and text, its pieces
/// and where each begins, and each cluster's piece.
struct Source<'a> {
    glyphs: &'a [ShapedGlyph],
    full: &'a str,
    pieces: &'a [Piece],
    piece_start: &'a [usize],
    cpiece: &'a [usize],
    /// The last (byte, characters before it) `line_src` counted to: lines
    /// are built in order, so each count goes on from the previous one
    /// (counting from the piece's start made a long paragraph quadratic).
    counted: std::cell::Cell<(usize, usize)>,
}

struct Ctx<'a> {
    clusters: &'a [Cluster],
    space: &'a [bool],
    gaps: &'a [Glue],
    pn: &'a [f64],
    ps: &'a [f64],
    ph: &'a [f64],
    style: &'a ParaStyle,
    indent: f32,
}

impl Ctx<'_> {
    /// How much each gap and cluster of line `a..t` stretches or shrinks
    /// to fill the measure, and whether the line is justified.
    fn adjust(&self, f: &LineFit, a: usize, last: bool) -> (Vec<f64>, Vec<f64>, bool) {
        let t = f.t;
        let cl = self.clusters;
        let justify = self.style.align == Align::Justify;
        let need = f.avail - f.nat;
        let m = t - a;
        let mut gap_adj = vec![0.0f64; m];
        let mut cl_adj = vec![0.0f64; m];
        let mut justified = false;
        if need > 1e-4 && justify && !last {
            justified = true;
            if f.stretch > 0.0 {
                let r = need / f.stretch;
                for k in a..t {
                    if k > a {
                        gap_adj[k - a] = self.gaps[k].stretch as f64 * r;
                    }
                    cl_adj[k - a] = if self.space[k] {
                        cl[k].width as f64 * 0.5 * r
                    } else {
                        0.0
                    };
                }
            } else if m > 1 {
                // Nothing stretchable (one long Latin word): letterspace.
                for g in gap_adj.iter_mut().skip(1) {
                    *g = need / (m - 1) as f64;
                }
            } else {
                justified = false;
            }
        } else if need < -1e-4 {
            justified = justify && !last;
            let over = -need;
            let e = over.min(f.end_shrink);
            cl_adj[m - 1] -= e;
            let rem = over - e;
            if rem > 1e-6 && f.shrink > 0.0 {
                let r = rem / f.shrink;
                for k in a..t {
                    if k > a {
                        gap_adj[k - a] = -(self.gaps[k].shrink as f64) * r;
                    }
                    if self.space[k] {
                        cl_adj[k - a] -= cl[k].width as f64 * 0.3 * r;
                    }
                }
            } else if rem > 1e-6 && m > 1 {
                // Emergency: squeeze evenly rather than overrun the measure.
                for g in gap_adj.iter_mut().skip(1) {
                    *g = -rem / (m - 1) as f64;
                }
            }
        } else if justify && !last {
            justified = true;
        }
        (gap_adj, cl_adj, justified)
    }

    /// The set line of clusters `a..b`.
    fn build(&self, a: usize, b: usize, first: bool, last: bool, src: &Source) -> SetLine {
        let f = self.fit(a, b);
        let t = f.t;
        let cl = self.clusters;
        let (gap_adj, cl_adj, justified) = self.adjust(&f, a, last);
        // Positions of cluster origins.
        let m = t - a;
        let mut xs = Vec::with_capacity(m + 1);
        let mut x = if a == 0 { self.indent as f64 } else { 0.0 };
        for k in a..t {
            if k > a {
                x += self.gaps[k].nat as f64 + gap_adj[k - a];
            }
            xs.push(x);
            x += cl[k].width as f64 + cl_adj[k - a];
        }
        let width_end = x;
        let offset = match self.style.align {
            Align::Center => ((self.style.measure as f64 - width_end) / 2.0).max(0.0),
            Align::Right => (self.style.measure as f64 - width_end).max(0.0),
            _ => 0.0,
        };
        xs.push(width_end);
        let mut line = SetLine {
            runs: Vec::new(),
            x_start: (xs[0] + offset) as f32,
            x_end: (width_end + offset) as f32,
            justified,
            first,
            last,
            text: src.full[cl[a].start..cl[t - 1].end].to_string(),
            src: line_src(cl[a].start, src, src.cpiece[a]),
            start: cl[a].start,
            footnotes: Vec::new(),
            links: Vec::new(),
            max_size: 0.0,
        };
        for k in a..t {
            let placed = LinePos {
                x0: xs[k - a] + offset,
                x1: xs[k + 1 - a] + offset,
                // The cluster's placed width, up to the next cluster's
                // origin (or its own end for the last one of the line).
                width: ((if k + 1 < t { xs[k + 1 - a] } else { width_end }) - xs[k - a]) as f32,
            };
            self.place_cluster(k, placed, src, &mut line);
        }
        // A book's lines are all kept until they are placed on pages: the
        // runs give back what growing them reserved.
        line.runs.shrink_to_fit();
        for r in &mut line.runs {
            r.glyphs.shrink_to_fit();
            r.text.shrink_to_fit();
        }
        line
    }

    /// Adds cluster `k` at its place to the line's runs, links and notes.
    fn place_cluster(&self, k: usize, at: LinePos, src: &Source, line: &mut SetLine) {
        let c = &self.clusters[k];
        line.max_size = line.max_size.max(c.size);
        let piece = &src.pieces[src.cpiece[k]];
        if let Some(url) = &piece.link {
            let (x0, x1) = (at.x0 as f32, at.x1 as f32);
            match line.links.last_mut() {
                Some((_, end, u)) if u == url && (*end - x0).abs() < c.size => *end = x1,
                _ => line.links.push((x0, x1, url.clone())),
            }
        }
        if let Some(fn_idx) = piece.footnote
            && !line.footnotes.contains(&fn_idx)
        {
            line.footnotes.push(fn_idx);
        }
        let cx = at.x0 as f32;
        let dots = piece.dots;
        let same = line.runs.last().is_some_and(|r| {
            r.font == c.font
                && r.size == c.size
                && r.raise == c.raise
                && r.dots == dots
                && r.inline == piece.inline
                && r.structure == piece.structure
        });
        if !same {
            line.runs.push(LineRun {
                x: cx,
                font: c.font,
                size: c.size,
                raise: c.raise,
                glyphs: Vec::new(),
                text: String::new(),
                dots,
                inline: piece.inline,
                structure: piece.structure,
            });
        }
        let run = line.runs.last_mut().expect("a run was pushed");
        let r0 = run.text.len();
        run.text.push_str(&src.full[c.start..c.end]);
        let range = text_range(r0..run.text.len());
        let mut used = 0.0;
        for (gi, g) in src.glyphs.iter().enumerate().take(c.g1).skip(c.g0) {
            let adv = if gi + 1 == c.g1 {
                at.width - used
            } else {
                g.advance
            };
            used += adv;
            run.glyphs.push(Glyph {
                id: g.id,
                advance: adv,
                dx: g.dx,
                dy: g.dy,
                range: range.clone(),
            });
        }
    }
}

/// A glyph's byte range in its run's text, which is one line: far below
/// 4 GiB, as chapter sizes are limited.
fn text_range(r: std::ops::Range<usize>) -> std::ops::Range<u32> {
    let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    narrow(r.start)..narrow(r.end)
}

/// Where a cluster sits in its line: origin, next origin, placed width.
#[derive(Clone, Copy)]
struct LinePos {
    x0: f64,
    x1: f64,
    width: f32,
}

/// Character offset (in the block's plain text) of byte `at` of the
/// segment text, or of the next piece that has one.
fn line_src(at: usize, src: &Source, pi: usize) -> Option<usize> {
    if let Some(s) = src.pieces[pi].src {
        let start = src.piece_start[pi];
        let (byte, chars) = src.counted.get();
        let from = if (start..=at).contains(&byte) {
            byte
        } else {
            start
        };
        let before = if from == byte { chars } else { 0 };
        let n = before + src.full[from..at].chars().count();
        src.counted.set((at, n));
        return Some(s + n);
    }
    src.pieces[pi + 1..].iter().find_map(|p| p.src)
}
