//! An article's galley: the opening (title on balanced lines, byline), the
//! body blocks, the author note, and the chapter's footnotes set once for
//! the paginator to place.

use super::Ctx;
use super::furniture::single_line;
use super::galley::{
    El, ElKind, Galley, LineBox, Src, chapter_sid_base, line_el, space, structure,
};
use super::geometry::Geo;
use super::para::{Align, ParaStyle, Piece, SetLine, set_balanced, set_paragraph};
use super::shape::Shaper;
use super::{FaceId, Group, GroupKind, InlineTag, Role, Structure};
use crate::model::{Block, Chapter, Inline, LinkTarget, SourcePos, block_text, offsets};
use crate::script::generated::Texts;
use crate::style::{EmphasisMark, FontRole, TextStyle};

/// Builds one chapter's galley.
struct ChapterBuilder<'c, 's, 'f> {
    cx: &'c Ctx<'c>,
    ci: usize,
    shaper: &'s mut Shaper<'f>,
    els: Vec<El>,
    sid: u32,
    /// The next line must stay on the page of the previous element.
    keep: bool,
    /// Where the next element starts a place links lead to.
    anchor: Option<String>,
    warnings: Vec<crate::diag::Diagnostic>,
    /// Lists and quotes set so far.
    groups: Vec<Group>,
    /// The chapter's highest heading level, for heading ranks.
    top_heading: u8,
}

/// Where a block sits: its top-level block index, the character offset of
/// its text in that block, and its left indent and measure.
#[derive(Clone, Copy)]
struct Place {
    top: usize,
    dx: f32,
    measure: f32,
}

impl ChapterBuilder<'_, '_, '_> {
    fn geo(&self) -> Geo {
        self.cx.geo
    }

    fn next_sid(&mut self) -> u32 {
        self.sid += 1;
        self.sid
    }

    /// Runs `f` and records a group over the structure elements it adds.
    fn group(&mut self, kind: GroupKind, f: impl FnOnce(&mut Self)) {
        let first = self.sid + 1;
        f(self);
        if self.sid >= first {
            self.groups.push(Group {
                kind,
                first,
                last: self.sid,
            });
        }
    }

    /// Sets a paragraph of `style` into lines and adds them; `h` is the
    /// line height, `block` the top-level block the text belongs to.
    fn paragraph(
        &mut self,
        pieces: &[Piece],
        style: &TextStyle,
        at: (f32, f32),
        h: f32,
        role: Role,
        block: Option<usize>,
    ) {
        let (dx, measure) = at;
        let size = style.pt(self.geo().em);
        self.set(
            pieces,
            (dx, measure, style.indent * size, size),
            h,
            style.align,
            role,
            block,
        );
    }

    /// Sets and adds lines; `m` is (dx, measure, indent, em).
    fn set(
        &mut self,
        pieces: &[Piece],
        m: (f32, f32, f32, f32),
        h: f32,
        align: Align,
        role: Role,
        block: Option<usize>,
    ) {
        let (dx, measure, indent, em) = m;
        let para = ParaStyle {
            measure,
            indent,
            em,
            align,
        };
        let lines = set_paragraph(self.shaper, pieces, &para);
        let id = self.next_sid();
        let n = lines.len();
        for (i, mut line) in lines.into_iter().enumerate() {
            if !self.cx.record_lines {
                // Its text is kept only for the record of lines.
                line.text = String::new();
            }
            // No lone first or last line of a paragraph at a page's edge.
            let bb = if i == 0 {
                !self.keep
            } else {
                i >= 2 && n - i >= 2
            };
            let src = line.src.map(|offset| Src { block, offset });
            let b = LineBox {
                h,
                dx,
                measure,
                indent,
                em,
            };
            let mut el = line_el(line, b, structure(role, id), bb, src);
            el.anchor = self.anchor.take();
            self.els.push(el);
        }
        self.keep = false;
    }

    fn pieces(&self, inlines: &[Inline], font: FaceId, size: f32, base: usize) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut at = base;
        let pb = PieceBuilder {
            cx: self.cx,
            ci: self.ci,
            ch: &self.cx.book.chapters[self.ci],
        };
        pb.push(inlines, (font, size, false), &mut at, &mut out);
        out
    }

    fn block(&mut self, b: &Block, p: Place, base: &mut usize) {
        let geo = self.geo();
        let t = &self.cx.class.text;
        let body = self.cx.face(FontRole::Body);
        let indent = t.block_indent * geo.em;
        match b {
            Block::Paragraph { content, .. } => self.text_paragraph(content, p, base, None),
            Block::Heading {
                level, content, id, ..
            } => {
                self.anchor = Some(format!("{}#{id}", self.cx.book.chapters[self.ci].id));
                self.heading(*level, content, p, base)
            }
            Block::Quote { blocks, .. } => {
                let inner = Place {
                    dx: p.dx + indent,
                    measure: p.measure - indent,
                    ..p
                };
                self.group(GroupKind::Quote, |me| {
                    for b in blocks {
                        me.block(b, inner, base);
                    }
                });
            }
            Block::List { start, items, .. } => self.list(*start, items, p, base),
            Block::Image { path, alt, pos } => self.image(path, alt, pos, p, base),
            Block::Code { text, .. } => {
                let style = &t.code;
                let size = style.pt(geo.em);
                let code = text.trim_end_matches('\n');
                let pieces = vec![Piece::new(
                    code,
                    self.cx.face(style.role),
                    size,
                    Some(*base),
                )];
                let at = (p.dx + indent, p.measure - indent);
                let h = style.pitch(geo.em, geo.pitch);
                self.paragraph(&pieces, style, at, h, Role::Paragraph, Some(p.top));
                *base += offsets::text_len(text);
            }
            Block::Html { nodes, .. } => {
                let h = t.paragraph.pitch(geo.em, geo.pitch);
                let count = offsets::text_len(&crate::model::html::text(nodes));
                for para in super::html::paragraphs(self.cx, nodes, body, geo.em, *base) {
                    match para {
                        super::html::HtmlPara::Text { pieces, pre } => {
                            let style = if pre { &t.code } else { &t.paragraph };
                            let m = (p.dx, p.measure, 0.0, geo.em);
                            let align = style.align;
                            self.set(&pieces, m, h, align, Role::Paragraph, Some(p.top));
                        }
                        super::html::HtmlPara::Rule => self.rule(),
                    }
                }
                *base += count;
            }
            Block::Rule { .. } => self.rule(),
        }
    }

    fn rule(&mut self) {
        let mut el = space(self.geo().pitch, true);
        el.kind = ElKind::Rule;
        self.els.push(el);
    }

    /// A paragraph (with a list marker before its first line), split where
    /// an image stands in its text: the image is set as a figure there and
    /// the text after it continues without an indent.
    fn text_paragraph(
        &mut self,
        content: &[Inline],
        p: Place,
        base: &mut usize,
        marker: Option<Piece>,
    ) {
        let geo = self.geo();
        let t = &self.cx.class.text;
        let body = self.cx.face(FontRole::Body);
        let indent = t.block_indent * geo.em;
        let h = t.paragraph.pitch(geo.em, geo.pitch);
        let mut marker = marker;
        let mut seen_text = false;
        for part in content.split_inclusive(|i| matches!(i, Inline::Image { .. })) {
            let (text, image) = match part.split_last() {
                Some((Inline::Image { path, alt, pos }, rest)) => (rest, Some((path, alt, pos))),
                _ => (part, None),
            };
            let has_text = text.iter().any(|i| match i {
                Inline::Text(t) => !t.trim().is_empty(),
                _ => true,
            });
            if has_text {
                let mut pieces = Vec::new();
                pieces.extend(marker.take());
                pieces.extend(self.pieces(text, body, geo.em, *base));
                let (dx, first) = if pieces.first().is_some_and(|p| p.src.is_none()) {
                    (indent, -indent)
                } else if seen_text {
                    (0.0, 0.0)
                } else {
                    (0.0, t.paragraph.indent * geo.em)
                };
                let m = (p.dx + dx, p.measure - dx, first, geo.em);
                let align = t.paragraph.align;
                self.set(&pieces, m, h, align, Role::Paragraph, Some(p.top));
                seen_text = true;
            }
            *base += offsets::inlines_len(text);
            if let Some((path, alt, pos)) = image {
                self.image(path, alt, pos, p, base);
            }
        }
        *base += offsets::LINE_END;
    }

    fn heading(&mut self, level: u8, content: &[Inline], p: Place, base: &mut usize) {
        let geo = self.geo();
        let t = &self.cx.class.text;
        let rank = crate::style::heading_rank(level, self.top_heading);
        let style = *t.heading(rank);
        let size = style.pt(geo.em);
        let h = geo.on_grid(size * style.leading);
        self.els.push(space(geo.pitch, true));
        self.keep = true;
        let font = self
            .cx
            .fonts
            .within(style.role, self.cx.face(FontRole::Body));
        let pieces = self.pieces(content, font, size, *base);
        let role = Role::Heading(rank);
        self.paragraph(&pieces, &style, (p.dx, p.measure), h, role, Some(p.top));
        self.keep = true;
        *base += offsets::paragraph_len(content);
    }

    fn list(&mut self, start: Option<u64>, items: &[Vec<Block>], p: Place, base: &mut usize) {
        let ordered = start.is_some();
        self.group(GroupKind::List { ordered }, |me| {
            for (k, item) in items.iter().enumerate() {
                me.group(GroupKind::ListItem, |me| {
                    me.list_item(start, k, item, p, base)
                });
            }
        });
    }

    /// One list item: its marker (a label of its own) hanging before the
    /// first paragraph, then its blocks, as the item's body.
    fn list_item(
        &mut self,
        start: Option<u64>,
        k: usize,
        item: &[Block],
        p: Place,
        base: &mut usize,
    ) {
        let geo = self.geo();
        let em = geo.em;
        let indent = self.cx.class.text.block_indent * em;
        let body = self.cx.face(FontRole::Body);
        let inner = Place {
            dx: p.dx + indent,
            measure: p.measure - indent,
            ..p
        };
        let mut marker = Piece::new(Texts::list_marker(start, k), body, em, None);
        marker.structure = Some(structure(Role::ListLabel, self.next_sid()));
        let mut marker = Some(marker);
        self.group(GroupKind::ListBody, |me| {
            for (bi, b) in item.iter().enumerate() {
                match b {
                    Block::Paragraph { content, .. } if bi == 0 => {
                        me.text_paragraph(content, p, base, marker.take())
                    }
                    _ => me.block(b, inner, base),
                }
            }
        });
    }

    fn image(
        &mut self,
        path: &std::path::Path,
        alt: &str,
        pos: &SourcePos,
        p: Place,
        base: &mut usize,
    ) {
        let geo = self.geo();
        if let Some(img) = self.cx.assets.image(path) {
            let (iw, ih) = self.image_size(img, p.measure, pos);
            // At least half a line of white above and below, on the grid.
            let eh = ((ih + geo.pitch) / geo.pitch).ceil() * geo.pitch;
            let id = self.next_sid();
            self.els.push(El {
                h: eh,
                kind: ElKind::Image {
                    path: path.to_path_buf(),
                    width: iw,
                    height: ih,
                    alt: alt.to_string(),
                    structure: structure(Role::Figure, id),
                },
                break_before: !self.keep,
                footnotes: Vec::new(),
                src: Some(Src {
                    block: Some(p.top),
                    offset: *base,
                }),
                anchor: self.anchor.take(),
            });
            self.keep = true;
        }
        if !alt.is_empty() {
            let style = self.cx.class.text.caption;
            let size = style.pt(geo.em);
            let font = self.cx.face(style.role);
            let pieces = vec![Piece::new(alt, font, size, Some(*base))];
            let h = style.pitch(geo.em, geo.pitch);
            let at = (p.dx, p.measure);
            self.paragraph(&pieces, &style, at, h, Role::Caption, Some(p.top));
        }
        self.keep = false;
        *base += offsets::text_len(alt);
    }

    /// The printed size of an image: its natural size at 96 pixels to the
    /// inch (CSS pixels, as the EPUB shows it), never enlarged unless the
    /// book asks, shrunk to the measure and to 60 % of the text block's
    /// height. A raster image printing below 150 ppi gets a warning.
    fn image_size(
        &mut self,
        img: &crate::assets::Image,
        measure: f32,
        pos: &SourcePos,
    ) -> (f32, f32) {
        const PT_PER_PX: f32 = 72.0 / 96.0;
        const MIN_PPI: f32 = 150.0;
        let geo = self.geo();
        let (w, h) = (
            img.width.max(1.0) * PT_PER_PX,
            img.height.max(1.0) * PT_PER_PX,
        );
        let mut s = (measure / w).min(geo.block_h * 0.6 / h);
        if !self.cx.book.enlarge_images {
            s = s.min(1.0);
        }
        let (iw, ih) = (w * s, h * s);
        let ppi = img.width / (iw / 72.0);
        if img.svg.is_none() && ppi < MIN_PPI - 0.5 {
            let shown = img
                .path
                .strip_prefix(&self.cx.book.root)
                .unwrap_or(&img.path);
            self.warnings.push(crate::diag::Diagnostic::warning_at(
                &pos.file,
                pos.line,
                pos.column,
                format!(
                    "image {} prints at {:.0} ppi ({}×{} pixels over {:.0} mm); print wants at least {MIN_PPI:.0} ppi: use a file of at least {:.0} pixels across",
                    shown.display(),
                    ppi,
                    img.width,
                    img.height,
                    iw / crate::style::PT_PER_MM,
                    (iw / 72.0 * MIN_PPI).ceil()
                ),
            ).rule("pdf.image.resolution"));
        }
        (iw, ih)
    }

    /// Two blank lines, the title, the byline, one blank line: a whole
    /// number of body lines, so the body stays on the grid.
    fn opening(&mut self, title: &str) {
        let geo = self.geo();
        let cx = self.cx;
        let ch = &cx.book.chapters[self.ci];
        let t = &cx.class.text;
        let title_size = t.chapter_title.pt(geo.em);
        let title_pitch = t.chapter_title.pitch(geo.em, geo.pitch);
        let mut head_h = 0.0;
        self.els.push(space(geo.pitch * 2.0, false));
        let pieces = [Piece::new(
            title,
            cx.face(t.chapter_title.role),
            title_size,
            None,
        )];
        let para = ParaStyle {
            measure: geo.measure,
            indent: 0.0,
            em: title_size,
            align: t.chapter_title.align,
        };
        let lines = set_balanced(self.shaper, &pieces, &para, &|t| cx.word_breaks(t));
        let id = self.next_sid();
        for line in lines {
            head_h += title_pitch;
            let b = LineBox {
                h: title_pitch,
                dx: 0.0,
                measure: geo.measure,
                indent: 0.0,
                em: title_size,
            };
            self.els.push(line_el(
                line,
                b,
                structure(Role::Heading(1), id),
                false,
                None,
            ));
        }
        if let Some(byline) = ch.byline() {
            let gap = geo.pitch * 0.5;
            self.els.push(space(gap, false));
            head_h += gap;
            let id = self.next_sid();
            let style = &t.byline;
            let size = style.pt(geo.em);
            let font = cx.face(style.role);
            for line in single_line(self.shaper, &byline, font, size, geo.measure, style.align) {
                head_h += geo.pitch;
                let b = LineBox {
                    h: geo.pitch,
                    dx: 0.0,
                    measure: geo.measure,
                    indent: 0.0,
                    em: size,
                };
                self.els
                    .push(line_el(line, b, structure(Role::Byline, id), false, None));
            }
        }
        let rounded = (head_h / geo.pitch).ceil() * geo.pitch;
        self.els.push(space(rounded - head_h + geo.pitch, false));
        self.keep = true;
    }

    /// The author note, after the body, in small type.
    fn author_note(&mut self, note: &str) {
        let geo = self.geo();
        let ch = &self.cx.book.chapters[self.ci];
        let style = self.cx.class.text.author_note;
        let size = style.pt(geo.em);
        self.els.push(space(geo.pitch * 0.5, false));
        self.keep = true;
        let end = ch
            .blocks
            .last()
            .map(|blk| block_text(blk).chars().count().saturating_sub(1));
        let last_block = ch.blocks.len().checked_sub(1);
        let pieces = [Piece::new(note, self.cx.face(style.role), size, end)];
        let h = style.pitch(geo.em, geo.pitch);
        self.paragraph(
            &pieces,
            &style,
            (0.0, geo.measure),
            h,
            Role::Note,
            last_block,
        );
    }

    /// The chapter's footnotes, each set once (`lines`, from
    /// [`footnote_lines`]), numbered after the body's elements.
    fn footnotes(&mut self, lines: Vec<Vec<SetLine>>) -> Vec<(Structure, Vec<SetLine>)> {
        lines
            .into_iter()
            .map(|l| (structure(Role::Footnote, self.next_sid()), l))
            .collect()
    }
}

/// The lines of each footnote of chapter `ci`: mark, then its text.
fn footnote_lines(cx: &Ctx, ci: usize, shaper: &mut Shaper) -> Vec<Vec<SetLine>> {
    let geo = cx.geo;
    let ch = &cx.book.chapters[ci];
    let style = cx.class.text.footnote;
    let size = style.pt(geo.em);
    let font = cx.face(style.role);
    let pb = PieceBuilder { cx, ci, ch };
    let mut out = Vec::with_capacity(ch.footnotes.len());
    for (fi, f) in ch.footnotes.iter().enumerate() {
        let mark = cx.texts.note_mark(ci, fi);
        let mut pieces = vec![Piece::new(format!("{mark} "), font, size, None)];
        for (bi, blk) in f.blocks.iter().enumerate() {
            if bi > 0 {
                pieces.push(Piece::new("\n", font, size, None));
            }
            match blk {
                // Strong and emphasised text keep their faces and marks.
                Block::Paragraph { content, .. } => {
                    let from = pieces.len();
                    pb.push(content, (font, size, false), &mut 0, &mut pieces);
                    pieces[from..].iter_mut().for_each(|p| p.src = None);
                }
                _ => {
                    let text = block_text(blk);
                    pieces.push(Piece::new(text.trim_end_matches('\n'), font, size, None));
                }
            }
        }
        let para = ParaStyle {
            measure: geo.measure,
            indent: style.indent * size,
            em: size,
            align: style.align,
        };
        out.push(set_paragraph(shaper, &pieces, &para));
    }
    out
}

/// Builds chapter `ci`'s galley. With `notes_beside`, its footnotes are
/// set on a thread of their own while the body is set (a book of fewer
/// chapters than cores); the galley is the same either way.
pub(super) fn chapter_galley(
    cx: &Ctx,
    ci: usize,
    shaper: &mut Shaper,
    notes_beside: bool,
) -> Galley {
    if !notes_beside || cx.book.chapters[ci].footnotes.is_empty() {
        let (b, title) = chapter_body(cx, ci, shaper);
        let lines = footnote_lines(cx, ci, b.shaper);
        return finish_galley(b, title, lines);
    }
    std::thread::scope(|s| {
        let notes = s.spawn(|| {
            let mut shaper = Shaper::new(cx.fonts).language(&cx.book.meta.language);
            footnote_lines(cx, ci, &mut shaper)
        });
        let (b, title) = chapter_body(cx, ci, shaper);
        let lines = notes.join().expect("footnote thread");
        finish_galley(b, title, lines)
    })
}

/// The opening, the body and the author note of chapter `ci`.
fn chapter_body<'c, 's, 'f>(
    cx: &'c Ctx<'c>,
    ci: usize,
    shaper: &'s mut Shaper<'f>,
) -> (ChapterBuilder<'c, 's, 'f>, String) {
    let ch = &cx.book.chapters[ci];
    let title = cx.texts.chapter_title(ci).to_string();
    let mut b = ChapterBuilder {
        cx,
        ci,
        shaper,
        els: Vec::new(),
        sid: chapter_sid_base(ci),
        keep: false,
        anchor: None,
        warnings: Vec::new(),
        groups: Vec::new(),
        top_heading: crate::style::top_heading(&ch.blocks).unwrap_or(1),
    };
    b.opening(&title);
    let measure = cx.geo.measure;
    for (top, block) in ch.blocks.iter().enumerate() {
        let mut base = 0;
        let p = Place {
            top,
            dx: 0.0,
            measure,
        };
        b.block(block, p, &mut base);
    }
    if let Some(note) = &ch.note {
        b.author_note(note);
    }
    (b, title)
}

fn finish_galley(mut b: ChapterBuilder, title: String, notes: Vec<Vec<SetLine>>) -> Galley {
    let footnotes = b.footnotes(notes);
    b.els.shrink_to_fit();
    Galley {
        els: b.els,
        footnotes,
        title,
        warnings: b.warnings,
        groups: b.groups,
    }
}

/// Turns inline content into pieces of one face and size each, counting
/// the character offset of each piece in its block's plain text.
struct PieceBuilder<'a> {
    cx: &'a Ctx<'a>,
    ci: usize,
    ch: &'a Chapter,
}

impl PieceBuilder<'_> {
    /// `cur` is the face, size and emphasis of the surrounding text.
    fn push(
        &self,
        inlines: &[Inline],
        cur: (FaceId, f32, bool),
        at: &mut usize,
        out: &mut Vec<Piece>,
    ) {
        let (font, size, dots) = cur;
        let fonts = self.cx.fonts;
        for inline in inlines {
            match inline {
                Inline::Text(t) | Inline::Code(t) => {
                    let mut p = Piece::new(t.clone(), font, size, Some(*at));
                    p.dots = dots;
                    out.push(p);
                    *at += offsets::inline_len(inline);
                }
                Inline::Strong(c) => {
                    let f = fonts.within(FontRole::Strong, font);
                    let from = out.len();
                    self.push(c, (f, size, dots), at, out);
                    tag_inline(&mut out[from..], InlineTag::Strong);
                }
                Inline::Emphasis(c) => {
                    let f = fonts.within(FontRole::Emphasis, font);
                    let marked = dots || self.cx.class.emphasis == EmphasisMark::Dots;
                    let from = out.len();
                    self.push(c, (f, size, marked), at, out);
                    tag_inline(&mut out[from..], InlineTag::Emphasis);
                }
                Inline::Link { target, content } => {
                    let from = out.len();
                    self.push(content, cur, at, out);
                    let target = self.link_target(target);
                    for p in &mut out[from..] {
                        p.link.get_or_insert_with(|| target.clone());
                    }
                }
                Inline::FootnoteRef(i) => {
                    if *i < self.ch.footnotes.len() {
                        out.push(self.note_ref(*i, size));
                    }
                }
                Inline::Html(el, content) => self.html(el, content, cur, at, out),
                Inline::Image { alt, .. } => {
                    // Set as a figure by the paragraph; here (a footnote)
                    // only its text.
                    out.push(Piece::new(alt.clone(), font, size, Some(*at)));
                    *at += offsets::inline_len(inline);
                }
                Inline::LineBreak => {
                    out.push(Piece::new("\n", font, size, Some(*at)));
                    *at += offsets::inline_len(inline);
                }
            }
        }
    }

    /// Where a link of the book leads in the print edition.
    fn link_target(&self, target: &LinkTarget) -> super::LinkTarget {
        match target {
            LinkTarget::External(url) | LinkTarget::Pending { url, .. } => {
                super::LinkTarget::Uri(url.clone())
            }
            LinkTarget::Chapter { chapter, anchor } => {
                let id = &self.cx.book.chapters[*chapter].id;
                super::LinkTarget::Anchor(match anchor {
                    Some(a) => format!("{id}#{a}"),
                    None => id.clone(),
                })
            }
        }
    }

    /// A raw HTML element inside text, set as `model::html::Print` says.
    fn html(
        &self,
        el: &crate::model::html::Element,
        content: &[Inline],
        cur: (FaceId, f32, bool),
        at: &mut usize,
        out: &mut Vec<Piece>,
    ) {
        use crate::model::html::Print;
        let (font, size, dots) = cur;
        let fonts = self.cx.fonts;
        match el.spec().print {
            Print::Strong => self.push(
                content,
                (fonts.within(FontRole::Strong, font), size, dots),
                at,
                out,
            ),
            Print::Emphasis => {
                let f = fonts.within(FontRole::Emphasis, font);
                let marked = dots || self.cx.class.emphasis == EmphasisMark::Dots;
                self.push(content, (f, size, marked), at, out)
            }
            Print::Raised | Print::Lowered => {
                let up = if el.spec().print == Print::Raised {
                    0.35
                } else {
                    -0.15
                };
                let from = out.len();
                self.push(content, (font, size * 0.7, dots), at, out);
                for p in &mut out[from..] {
                    p.raise += size * up;
                }
            }
            _ => self.push(content, cur, at, out),
        }
    }

    /// The raised footnote mark in text of `size`.
    fn note_ref(&self, i: usize, size: f32) -> Piece {
        let t = &self.cx.class.text;
        Piece {
            text: self.cx.texts.note_mark(self.ci, i),
            font: self.cx.face(t.note_ref.role),
            size: t.note_ref.pt(size),
            raise: size * t.note_ref_rise,
            src: None,
            footnote: Some(i),
            link: None,
            dots: false,
            inline: None,
            structure: None,
        }
    }
}

/// Marks pieces as strong or emphasised text, keeping the innermost tag.
fn tag_inline(pieces: &mut [Piece], tag: InlineTag) {
    for p in pieces {
        p.inline.get_or_insert(tag);
    }
}
