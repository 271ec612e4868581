//! One XHTML document per article: header (title, byline), body blocks with
//! page-break markers, the author note, and the footnotes as EPUB 3
//! footnotes with back-links.

use super::Writer;
use super::xhtml::{Doc, ImageRef, Marker, UsedChars, escape, page_marker};
use crate::model::html::{Element, Node, Print};
use crate::model::pagemap::PageMap;
use crate::model::{Block, Chapter, Inline, LinkTarget, offsets};
use crate::style::FontRole;

/// Page starts of one chapter: before the title, and per block.
struct ChapterMarkers {
    title: Vec<Marker>,
    blocks: Vec<Vec<Marker>>,
}

fn markers(ch: &Chapter, index: usize, pages: Option<&PageMap>) -> ChapterMarkers {
    let mut m = ChapterMarkers {
        title: Vec::new(),
        blocks: (0..ch.blocks.len()).map(|_| Vec::new()).collect(),
    };
    let Some(pm) = pages else {
        return m;
    };
    for (i, p) in pm.pages.iter().enumerate() {
        if p.chapter != index {
            continue;
        }
        let markup = page_marker(i, &p.label);
        match p.block {
            Some(b) if b < ch.blocks.len() => m.blocks[b].push(Marker {
                offset: p.offset,
                markup,
            }),
            // A page said to start past the last block starts at its end.
            Some(_) => m.title.push(Marker {
                offset: usize::MAX,
                markup,
            }),
            None => m.title.push(Marker { offset: 0, markup }),
        }
    }
    m
}

/// Writes the document of chapter `index`.
pub fn chapter(
    w: &Writer,
    index: usize,
    pages: Option<&PageMap>,
    images: &mut Vec<ImageRef>,
    used: &mut UsedChars,
) -> String {
    let ch = &w.book.chapters[index];
    let title = w.texts.chapter_title(index);
    let mut d = Doc::new((w.fonts, used), &w.book.meta.language, title, w.css_href);
    let cid = &ch.id;
    d.raw("<body epub:type=\"bodymatter\">\n");
    d.raw(&format!(
        "<section id=\"{cid}\" class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"{cid}-title\">\n"
    ));
    let mut marks = markers(ch, index, pages);
    // Every marker sits inside the text of its page's first block, at the
    // character where the page starts: a reader that opens `#page-N` shows
    // that text, not the end of the page before.
    let (at_title, past_end): (Vec<Marker>, Vec<Marker>) =
        marks.title.drain(..).partition(|m| m.offset == 0);
    d.begin_block(at_title);
    header(&mut d, ch, title);
    let mut carry = d.end_block();
    let mut cw = ChapterWriter {
        in_heading: false,
        notes: NoteRefs::new(w, index),
        images,
        assets: w.assets,
        chapters: &w.book.chapters,
        index,
        wide: w.book.enlarge_images,
    };
    for (bi, block) in ch.blocks.iter().enumerate() {
        // Markers left over from the block before start this one.
        let mut markers: Vec<Marker> = carry.drain(..).map(|m| Marker { offset: 0, ..m }).collect();
        markers.append(&mut marks.blocks[bi]);
        markers.sort_by_key(|m| m.offset);
        d.begin_block(markers);
        cw.block(&mut d, block);
        carry = d.end_block();
    }
    carry.extend(past_end);
    let carry: Vec<Marker> = carry
        .into_iter()
        .map(|m| Marker { offset: 0, ..m })
        .collect();
    d.begin_block(carry);
    if let Some(note) = &ch.note {
        // The author note closes the article; `role="note"` tells assistive
        // technology it is ancillary to the body.
        d.raw("<footer>\n<p class=\"author-note\" role=\"note\">");
        d.push_role(FontRole::Note);
        d.text(note);
        d.pop_face();
        d.raw("</p>\n</footer>");
    }
    // A page that starts with nothing left to read: its marker closes the
    // article.
    for m in d.end_block() {
        d.raw(&m.markup);
        d.raw("\n");
    }
    cw.footnotes(&mut d, ch);
    d.raw("</section>\n</body>\n");
    d.finish()
}

fn header(d: &mut Doc, ch: &Chapter, title: &str) {
    let cid = &ch.id;
    d.raw("<header>\n");
    d.raw(&format!("<h1 id=\"{cid}-title\">"));
    d.push_role(FontRole::Title);
    d.words(title);
    d.pop_face();
    d.raw("</h1>\n");
    if let Some(byline) = ch.byline() {
        d.raw("<p class=\"byline\">");
        let mark = ch.byline_mark.as_deref().unwrap_or("");
        if !mark.is_empty() && byline.starts_with(mark) {
            // The newspaper's marker is decoration: hidden from speech.
            d.raw("<span class=\"byline-mark\" aria-hidden=\"true\">");
            d.text(mark);
            d.raw("</span>");
            d.text(&byline[mark.len()..]);
        } else {
            d.text(&byline);
        }
        d.raw("</p>\n");
    }
    d.raw("</header>\n");
}

/// Ids of footnote references: the first reference to a note gets the id
/// its back-link points to, later ones get their own. Also carries the
/// chapter's highest (smallest) heading level and its note marks.
struct NoteRefs {
    cid: String,
    seen: Vec<usize>,
    top_heading: u8,
    marks: Vec<String>,
}

impl NoteRefs {
    fn new(w: &Writer, index: usize) -> Self {
        let ch = &w.book.chapters[index];
        NoteRefs {
            cid: ch.id.clone(),
            seen: vec![0; ch.footnotes.len()],
            top_heading: crate::style::top_heading(&ch.blocks).unwrap_or(1),
            marks: (0..ch.footnotes.len())
                .map(|i| w.texts.note_mark(index, i))
                .collect(),
        }
    }
}

struct ChapterWriter<'i> {
    /// Text goes into a heading: words are marked.
    in_heading: bool,
    notes: NoteRefs,
    images: &'i mut Vec<ImageRef>,
    assets: &'i crate::assets::Assets,
    chapters: &'i [Chapter],
    index: usize,
    /// Images set to the full width (`[book] enlarge_images`).
    wide: bool,
}

impl ChapterWriter<'_> {
    fn block(&mut self, d: &mut Doc, block: &Block) {
        match block {
            Block::Paragraph { content, .. } => self.paragraph(d, content),
            Block::Heading {
                level, content, id, ..
            } => {
                // h1 is the article title; the chapter's top heading level
                // becomes h2 so no level is skipped.
                let h = crate::style::heading_rank(*level, self.notes.top_heading);
                d.raw(&format!("<h{h} id=\"{}\">", escape(id)));
                d.push_role(FontRole::Heading);
                self.in_heading = true;
                self.inlines(d, content);
                self.in_heading = false;
                d.pop_face();
                d.raw(&format!("</h{h}>"));
                d.count(offsets::LINE_END);
            }
            Block::Quote { blocks, .. } => {
                d.raw("<blockquote>\n");
                for b in blocks {
                    self.block(d, b);
                    d.raw("\n");
                }
                d.raw("</blockquote>");
            }
            Block::List { start, items, .. } => self.list(d, *start, items),
            Block::Image { path, alt, .. } => self.image(d, path, alt),
            Block::Code { text, .. } => {
                d.raw("<pre><code>");
                d.text(text);
                d.raw("</code></pre>");
                d.count(offsets::LINE_END);
            }
            Block::Html { nodes, .. } => {
                // Page starts inside raw HTML go before it: a marker may not
                // stand inside a list or table.
                let n = crate::model::html::text(nodes).chars().count();
                d.markers_before(n);
                html_nodes(d, nodes);
                d.count(offsets::LINE_END);
            }
            Block::Rule { .. } => d.raw("<hr/>"),
        }
    }

    fn list(&mut self, d: &mut Doc, start: Option<u64>, items: &[Vec<Block>]) {
        let tag = if start.is_some() { "ol" } else { "ul" };
        match start {
            Some(s) if s != 1 => d.raw(&format!("<ol start=\"{s}\">\n")),
            _ => d.raw(&format!("<{tag}>\n")),
        }
        for item in items {
            d.raw("<li>");
            for b in item {
                self.block(d, b);
            }
            d.raw("</li>\n");
        }
        d.raw(&format!("</{tag}>"));
    }

    /// A paragraph; an image inside it ends the text before it and is set
    /// as a figure, the text after it continues without an indent.
    fn paragraph(&mut self, d: &mut Doc, content: &[Inline]) {
        let mut seen_text = false;
        for part in content.split_inclusive(|i| matches!(i, Inline::Image { .. })) {
            let (text, image) = match part.split_last() {
                Some((Inline::Image { path, alt, .. }, rest)) => (rest, Some((path, alt))),
                _ => (part, None),
            };
            if has_content(text) {
                d.raw(if seen_text {
                    "<p class=\"continued\">"
                } else {
                    "<p>"
                });
                self.inlines(d, text);
                d.raw("</p>");
                seen_text = true;
            } else {
                d.count(offsets::inlines_len(text));
            }
            if let Some((path, alt)) = image {
                self.image(d, path, alt);
            }
        }
        d.count(offsets::LINE_END);
    }

    fn image(&mut self, d: &mut Doc, path: &std::path::Path, alt: &str) {
        let images = &mut *self.images;
        let href = match images.iter().find(|i| i.source == path) {
            Some(i) => i.href.clone(),
            None => {
                // The assets stage read the file's real format.
                let format = self.assets.image(path).map(|i| i.format);
                let format = format.unwrap_or(crate::assets::Format::Png);
                let href = format!("images/image-{}.{}", images.len() + 1, format.extension());
                images.push(ImageRef {
                    source: path.to_path_buf(),
                    href: href.clone(),
                    media_type: format.media_type(),
                });
                href
            }
        };
        let class = if self.wide { "image wide" } else { "image" };
        d.raw(&format!("<figure class=\"{class}\">"));
        // A page that starts with the image starts inside its figure.
        d.marker_before_char();
        d.raw(&format!(
            "<img src=\"{}\" alt=\"{}\"/>",
            escape(&href),
            escape(alt)
        ));
        // The caption is the alternative text, as the print edition sets
        // it; it is part of the block text the page map counts.
        if !alt.is_empty() {
            d.raw("<figcaption>");
            d.push_role(FontRole::Note);
            d.text(alt);
            d.pop_face();
            d.raw("</figcaption>");
        }
        d.raw("</figure>");
        d.count(offsets::LINE_END);
    }

    /// The href of a link from this chapter.
    fn href(&self, target: &LinkTarget) -> String {
        match target {
            LinkTarget::External(url) | LinkTarget::Pending { url, .. } => url.clone(),
            LinkTarget::Chapter { chapter, anchor } => {
                let ch = &self.chapters[*chapter];
                let fragment = anchor.clone().unwrap_or_else(|| ch.id.clone());
                if *chapter == self.index {
                    format!("#{fragment}")
                } else {
                    format!("{}.xhtml#{fragment}", ch.id)
                }
            }
        }
    }

    fn inlines(&mut self, d: &mut Doc, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text(t) if self.in_heading => d.words(t),
                Inline::Text(t) => d.text(t),
                Inline::Emphasis(c) => {
                    d.raw("<em>");
                    d.push_role(FontRole::Emphasis);
                    self.inlines(d, c);
                    d.pop_face();
                    d.raw("</em>");
                }
                Inline::Strong(c) => {
                    d.raw("<strong>");
                    d.push_role(FontRole::Strong);
                    self.inlines(d, c);
                    d.pop_face();
                    d.raw("</strong>");
                }
                Inline::Code(t) => {
                    d.raw("<code>");
                    d.text(t);
                    d.raw("</code>");
                }
                Inline::Link { target, content } => {
                    d.raw(&format!("<a href=\"{}\">", escape(&self.href(target))));
                    self.inlines(d, content);
                    d.raw("</a>");
                }
                Inline::FootnoteRef(i) => self.note_ref(d, *i),
                Inline::Html(el, content) => {
                    start_tag(d, el, content.is_empty());
                    self.inlines(d, content);
                    end_tag(d, el, content.is_empty());
                }
                Inline::Image { path, alt, .. } => self.image(d, path, alt),
                Inline::LineBreak => {
                    d.marker_before_char();
                    d.raw("<br/>");
                    d.count(offsets::LINE_END);
                }
            }
        }
    }

    fn note_ref(&mut self, d: &mut Doc, i: usize) {
        let notes = &mut self.notes;
        let n = i + 1;
        let cid = notes.cid.clone();
        let k = notes.seen.get(i).copied().unwrap_or(0);
        if let Some(s) = notes.seen.get_mut(i) {
            *s += 1;
        }
        let id = if k == 0 {
            format!("{cid}-fnref{n}")
        } else {
            format!("{cid}-fnref{n}-{}", k + 1)
        };
        d.raw(&format!(
            "<sup><a id=\"{id}\" href=\"#{cid}-fn{n}\" class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\">"
        ));
        let mark = notes.marks.get(i).cloned().unwrap_or_default();
        d.generated_text(&mark);
        d.raw("</a></sup>");
    }

    fn footnotes(&mut self, d: &mut Doc, ch: &Chapter) {
        if ch.footnotes.is_empty() {
            return;
        }
        let cid = &ch.id;
        d.raw("<section class=\"footnotes\" epub:type=\"footnotes\">\n");
        d.push_role(FontRole::Note);
        for (i, f) in ch.footnotes.iter().enumerate() {
            let n = i + 1;
            d.raw(&format!(
                "<aside id=\"{cid}-fn{n}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">\n"
            ));
            let back =
                format!("<a class=\"backlink\" href=\"#{cid}-fnref{n}\" role=\"doc-backlink\">");
            let mark = self.notes.marks[i].clone();
            let starts_with_para = matches!(f.blocks.first(), Some(Block::Paragraph { .. }));
            if !starts_with_para {
                d.raw(&format!("<p>{back}"));
                d.generated_text(&mark);
                d.raw("</a></p>\n");
            }
            for (bi, b) in f.blocks.iter().enumerate() {
                if bi == 0
                    && let Block::Paragraph { content, .. } = b
                {
                    d.raw(&format!("<p>{back}"));
                    d.generated_text(&mark);
                    d.raw("</a> ");
                    self.inlines(d, content);
                    d.raw("</p>\n");
                    continue;
                }
                self.block(d, b);
            }
            d.raw("</aside>\n");
        }
        d.pop_face();
        d.raw("</section>\n");
    }
}

/// Whether inlines hold anything but white space.
fn has_content(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Text(t) => !t.trim().is_empty(),
        _ => true,
    })
}

/// The start tag of a raw HTML element, entering its font role; a void
/// element is written self-closed.
fn start_tag(d: &mut Doc, el: &Element, empty: bool) {
    let mut tag = format!("<{}", el.name);
    for (k, v) in &el.attrs {
        tag.push_str(&format!(" {k}=\"{}\"", escape(v)));
    }
    let void = empty && el.spec().content == crate::model::html::Content::Void;
    tag.push_str(if void { "/>" } else { ">" });
    d.raw(&tag);
    match el.spec().print {
        Print::Strong => d.push_role(FontRole::Strong),
        Print::Emphasis => d.push_role(FontRole::Emphasis),
        _ => d.push_role(FontRole::Body),
    }
}

fn end_tag(d: &mut Doc, el: &Element, empty: bool) {
    d.pop_face();
    if !(empty && el.spec().content == crate::model::html::Content::Void) {
        d.raw(&format!("</{}>", el.name));
    }
}

/// A raw HTML block's nodes.
fn html_nodes(d: &mut Doc, nodes: &[Node]) {
    for n in nodes {
        match n {
            Node::Text(t) => d.text(t),
            Node::Element(el, children) => {
                start_tag(d, el, children.is_empty());
                html_nodes(d, children);
                end_tag(d, el, children.is_empty());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::fonts::FaceId;
    use crate::fonts::FontSet;
    use crate::model::pagemap::PageStart;
    use crate::model::{Book, Metadata, block_text};
    use crate::script::generated::Texts;
    use crate::source::markdown::parse_chapter;

    fn book(sources: &[&str]) -> Book {
        let root = PathBuf::from("book");
        let chapters = sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                parse_chapter(
                    s,
                    Path::new(&format!("{:02}.md", i + 1)),
                    &root,
                    format!("ch{:02}", i + 1),
                )
                .expect("chapter parses")
            })
            .collect();
        Book {
            root,
            meta: Metadata {
                title: "书名".into(),
                language: "zh-CN".into(),
                identifier: "urn:uuid:00000000-0000-0000-0000-000000000000".into(),
                slug: "test".into(),
                ..Default::default()
            },
            chapters,
            cover: None,
            enlarge_images: false,
        }
    }

    fn page(label: &str, chapter: usize, block: Option<usize>, offset: usize) -> PageStart {
        PageStart {
            label: label.into(),
            chapter,
            block,
            offset,
        }
    }

    fn marker(n: usize) -> String {
        format!(
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-{n}\" aria-label=\"{n}\"></span>"
        )
    }

    /// Text before each page marker in its paragraph, with tags and the
    /// generated note numbers removed.
    fn text_before(doc: &str, marker: &str) -> String {
        let at = doc.find(marker).expect("marker present");
        let para_start = doc[..at].rfind("<p>").expect("marker inside a paragraph");
        let mut out = String::new();
        let mut in_tag = false;
        for c in doc[para_start..at].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("①", "")
    }

    #[test]
    fn page_markers_split_paragraphs_at_the_offsets() {
        let b = book(&[
            "+++\ntitle = \"第一篇\"\nauthors = [\"甲\"]\n+++\n\n甲乙丙丁。\n\n戊己**庚辛**[^a]壬癸子丑。\n\n[^a]: 注释文字。\n",
            "+++\ntitle = \"\"\n+++\n\n寅卯辰巳。\n",
        ]);
        let pages = PageMap {
            pages: vec![
                page("1", 0, None, 0),
                page("2", 0, Some(0), 2),
                page("3", 0, Some(1), 5),
                page("4", 1, Some(0), 0),
            ],
        };
        let fonts = FontSet::bundled();
        let texts = Texts::new(&b, &fonts);
        let assets =
            crate::assets::Assets::with_cover(crate::assets::cover::generate(&b.meta, &fonts));
        let w = Writer {
            book: &b,
            fonts: &fonts,
            texts: &texts,
            assets: &assets,
            css_href: "style.css",
        };
        let mut used = UsedChars::new(&fonts);
        let mut images = Vec::new();
        let doc = chapter(&w, 0, Some(&pages), &mut images, &mut used);
        // Page 1 starts with the title, inside its heading.
        let p1 = doc.find(&marker(1)).expect("page 1 marker");
        assert!(doc[..p1].ends_with("<h1 id=\"ch01-title\">"), "{doc}");
        // Pages 2 and 3 start inside paragraphs, after exactly `offset`
        // characters of the block's text.
        for (n, block) in [(2, 0), (3, 1)] {
            let offset = pages.pages[n - 1].offset;
            let expected: String = block_text(&b.chapters[0].blocks[block])
                .chars()
                .take(offset)
                .collect();
            assert_eq!(text_before(&doc, &marker(n)), expected, "page {n}");
        }
        assert!(!doc.contains(&marker(4)), "page 4 belongs to chapter 2");
        let doc2 = chapter(&w, 1, Some(&pages), &mut images, &mut used);
        let p4 = doc2.find(&marker(4)).expect("page 4 marker");
        assert!(
            doc2[..p4].ends_with("<p>"),
            "offset 0 goes inside the block, before its first character"
        );
        assert!(
            doc2.contains("第2篇（无题）"),
            "untitled chapter shows its fallback"
        );

        // The footnote is linked both ways and the strong text is bold.
        assert!(doc.contains("href=\"#ch01-fn1\""));
        assert!(doc.contains("id=\"ch01-fn1\""));
        assert!(doc.contains("href=\"#ch01-fnref1\" role=\"doc-backlink\""));
        let (regular, bold) = (used.of(FaceId(0)), used.of(FaceId(1)));
        assert!(bold.contains(&'庚') && !bold.contains(&'戊'));
        assert!(regular.contains(&'注'));
        for d in [&doc, &doc2] {
            well_formed(d);
        }
    }

    fn well_formed(doc: &str) {
        let mut r = quick_xml::Reader::from_str(doc);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}\n{doc}"),
            }
        }
    }
}
