//! The XHTML content documents: cover page, title page and one document per
//! article. Text goes through [`Doc::text`], which escapes it and records
//! every character under the face that sets it, so the font subsets hold
//! exactly what the book shows.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::model::pagemap::PageMap;
use crate::model::{Block, Book, Chapter, Inline, html_text};

pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
pub const OPS_NS: &str = "http://www.idpf.org/2007/ops";

/// The two faces the style sheet uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// Characters set in each face, collected while writing the documents.
#[derive(Debug, Default, Clone)]
pub struct UsedChars {
    pub regular: BTreeSet<char>,
    pub bold: BTreeSet<char>,
}

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A page-break marker waiting for its place in a block's text.
struct Marker {
    offset: usize,
    markup: String,
}

/// One document being written.
pub struct Doc<'u> {
    out: String,
    faces: Vec<Face>,
    used: &'u mut UsedChars,
    /// Markers of the current top-level block, in text order, and the
    /// number of characters of `model::block_text` written so far.
    markers: std::collections::VecDeque<Marker>,
    counted: usize,
}

impl<'u> Doc<'u> {
    /// Starts a document: XML declaration, `html` with the book's language,
    /// `head` with the title and the style sheet.
    pub fn new(used: &'u mut UsedChars, lang: &str, title: &str, css_href: &str) -> Self {
        let mut out = String::with_capacity(16 * 1024);
        let lang = escape(lang);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
        out.push_str(&format!(
            "<html xmlns=\"{XHTML_NS}\" xmlns:epub=\"{OPS_NS}\" xml:lang=\"{lang}\" lang=\"{lang}\">\n"
        ));
        out.push_str(&format!(
            "<head>\n<meta charset=\"UTF-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"{}\"/>\n</head>\n",
            escape(title),
            escape(css_href)
        ));
        Doc {
            out,
            faces: vec![Face::Regular],
            used,
            markers: Default::default(),
            counted: 0,
        }
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</html>\n");
        self.out
    }

    /// Markup written as is (tags, attributes already escaped).
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    pub fn push_face(&mut self, face: Face) {
        self.faces.push(face);
    }

    pub fn pop_face(&mut self) {
        self.faces.pop();
    }

    fn record(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        match self.faces.last().copied().unwrap_or(Face::Regular) {
            Face::Regular => self.used.regular.insert(c),
            Face::Bold => self.used.bold.insert(c),
        };
    }

    /// Visible text: escaped, recorded, and counted against page markers.
    pub fn text(&mut self, s: &str) {
        for c in s.chars() {
            self.marker_before_char();
            self.counted += 1;
            self.record(c);
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                _ => self.out.push(c),
            }
        }
    }

    /// Visible text the renderer adds (note numbers): recorded for the
    /// font but not part of the model's block text, so not counted.
    pub fn generated_text(&mut self, s: &str) {
        for c in s.chars() {
            self.record(c);
        }
        escape_into(s, &mut self.out);
    }

    /// Text written elsewhere (raw HTML), recorded and counted; markers
    /// falling inside it are placed before it.
    fn counted_markup(&mut self, markup: &str, text: &str) {
        let n = text.chars().count();
        while self
            .markers
            .front()
            .is_some_and(|m| m.offset < self.counted + n.max(1))
        {
            let m = self.markers.pop_front().expect("checked");
            self.out.push_str(&m.markup);
        }
        for c in text.chars() {
            self.record(c);
        }
        self.counted += n;
        self.out.push_str(markup);
    }

    /// Counts characters of the block text that have no markup of their
    /// own (the line end after each paragraph).
    fn count(&mut self, n: usize) {
        self.counted += n;
    }

    fn marker_before_char(&mut self) {
        while self
            .markers
            .front()
            .is_some_and(|m| m.offset <= self.counted)
        {
            let m = self.markers.pop_front().expect("checked");
            self.out.push_str(&m.markup);
        }
    }

    fn begin_block(&mut self, markers: Vec<Marker>) {
        self.markers = markers.into();
        self.counted = 0;
    }

    /// Markers past the block's last character go after the block.
    fn end_block(&mut self) {
        while let Some(m) = self.markers.pop_front() {
            self.out.push_str(&m.markup);
        }
        self.out.push('\n');
    }
}

/// The id of page `index` (0-based in the page map) in its document.
pub fn page_id(index: usize) -> String {
    format!("page-{}", index + 1)
}

fn page_marker(index: usize, label: &str) -> String {
    format!(
        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{}\"></span>",
        page_id(index),
        escape(label)
    )
}

/// An image file the chapters use, with its name inside the package.
#[derive(Debug, Clone)]
pub struct ImageRef {
    pub source: PathBuf,
    pub href: String,
    pub media_type: &'static str,
}

/// Media type of an image by file extension; `None` for types EPUB has no
/// core media type for.
pub fn image_media_type(path: &std::path::Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// Writes the document of chapter `index`.
pub fn chapter(
    book: &Book,
    index: usize,
    pages: Option<&PageMap>,
    images: &mut Vec<ImageRef>,
    used: &mut UsedChars,
    css_href: &str,
) -> String {
    let ch = &book.chapters[index];
    let title = ch.display_title(index + 1);
    let mut d = Doc::new(used, &book.meta.language, &title, css_href);
    let cid = &ch.id;
    d.raw("<body epub:type=\"bodymatter\">\n");
    d.raw(&format!(
        "<section id=\"{cid}\" class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"{cid}-title\">\n"
    ));

    // Page starts of this chapter, by block (None = the title).
    let mut title_markers = Vec::new();
    let mut block_markers: Vec<Vec<Marker>> = (0..ch.blocks.len()).map(|_| Vec::new()).collect();
    if let Some(pm) = pages {
        for (i, p) in pm.pages.iter().enumerate() {
            if p.chapter != index {
                continue;
            }
            let markup = page_marker(i, &p.label);
            match p.block {
                Some(b) if b < ch.blocks.len() => block_markers[b].push(Marker {
                    offset: p.offset,
                    markup,
                }),
                // A page said to start past the last block starts at its end.
                Some(_) => title_markers.push(Marker {
                    offset: usize::MAX,
                    markup,
                }),
                None => title_markers.push(Marker { offset: 0, markup }),
            }
        }
    }
    for m in title_markers.iter().filter(|m| m.offset == 0) {
        d.raw(&m.markup);
        d.raw("\n");
    }

    d.raw("<header>\n");
    d.raw(&format!("<h1 id=\"{cid}-title\">"));
    d.push_face(Face::Bold);
    d.text(&title);
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

    let mut notes = NoteRefs::new(ch);
    for (bi, block) in ch.blocks.iter().enumerate() {
        let mut markers = std::mem::take(&mut block_markers[bi]);
        markers.sort_by_key(|m| m.offset);
        // Page starts at the block's very beginning go before it, so they
        // sit between blocks rather than inside a list or quote.
        let split = markers.iter().take_while(|m| m.offset == 0).count();
        for m in markers.drain(..split) {
            d.raw(&m.markup);
            d.raw("\n");
        }
        d.begin_block(markers);
        write_block(&mut d, block, &mut notes, images);
        d.end_block();
    }
    for m in title_markers.iter().filter(|m| m.offset != 0) {
        d.raw(&m.markup);
        d.raw("\n");
    }

    if let Some(note) = &ch.note {
        // The author note closes the article; `role="note"` tells assistive
        // technology it is ancillary to the body.
        d.raw("<footer>\n<p class=\"author-note\" role=\"note\">");
        d.text(note);
        d.raw("</p>\n</footer>\n");
    }

    if !ch.footnotes.is_empty() {
        d.raw("<section class=\"footnotes\" epub:type=\"footnotes\">\n");
        for (i, f) in ch.footnotes.iter().enumerate() {
            let n = i + 1;
            d.raw(&format!(
                "<aside id=\"{cid}-fn{n}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">\n"
            ));
            let back =
                format!("<a class=\"backlink\" href=\"#{cid}-fnref{n}\" role=\"doc-backlink\">");
            let starts_with_para = matches!(f.blocks.first(), Some(Block::Paragraph { .. }));
            if !starts_with_para {
                d.raw(&format!("<p>{back}"));
                d.generated_text(&format!("[{n}]"));
                d.raw("</a></p>\n");
            }
            for (bi, b) in f.blocks.iter().enumerate() {
                if bi == 0
                    && let Block::Paragraph { content, .. } = b
                {
                    d.raw(&format!("<p>{back}"));
                    d.generated_text(&format!("[{n}]"));
                    d.raw("</a> ");
                    write_inlines(&mut d, content, &mut notes);
                    d.raw("</p>\n");
                    continue;
                }
                write_block(&mut d, b, &mut notes, images);
            }
            d.raw("</aside>\n");
        }
        d.raw("</section>\n");
    }

    d.raw("</section>\n</body>\n");
    d.finish()
}

/// Ids of footnote references: the first reference to a note gets the id
/// its back-link points to, later ones get their own.
/// Also carries the chapter's highest (smallest) heading level.
struct NoteRefs {
    cid: String,
    seen: Vec<usize>,
    top_heading: u8,
}

impl NoteRefs {
    fn new(ch: &Chapter) -> Self {
        NoteRefs {
            cid: ch.id.clone(),
            seen: vec![0; ch.footnotes.len()],
            top_heading: top_heading(&ch.blocks).unwrap_or(1),
        }
    }
}

fn top_heading(blocks: &[Block]) -> Option<u8> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some(*level),
            Block::Quote { blocks, .. } => top_heading(blocks),
            Block::List { items, .. } => items.iter().filter_map(|i| top_heading(i)).min(),
            _ => None,
        })
        .min()
}

fn write_block(d: &mut Doc<'_>, block: &Block, notes: &mut NoteRefs, images: &mut Vec<ImageRef>) {
    match block {
        Block::Paragraph { content, .. } => {
            d.raw("<p>");
            write_inlines(d, content, notes);
            d.raw("</p>");
            d.count(1);
        }
        Block::Heading { level, content, .. } => {
            // h1 is the article title; the chapter's top heading level
            // becomes h2 so no level is skipped.
            let h = (*level as usize + 2)
                .saturating_sub(notes.top_heading as usize)
                .clamp(2, 6);
            d.raw(&format!("<h{h}>"));
            d.push_face(Face::Bold);
            write_inlines(d, content, notes);
            d.pop_face();
            d.raw(&format!("</h{h}>"));
            d.count(1);
        }
        Block::Quote { blocks, .. } => {
            d.raw("<blockquote>\n");
            for b in blocks {
                write_block(d, b, notes, images);
                d.raw("\n");
            }
            d.raw("</blockquote>");
        }
        Block::List { start, items, .. } => {
            let tag = if start.is_some() { "ol" } else { "ul" };
            match start {
                Some(s) if *s != 1 => d.raw(&format!("<ol start=\"{s}\">\n")),
                _ => d.raw(&format!("<{tag}>\n")),
            }
            for item in items {
                d.raw("<li>");
                for b in item {
                    write_block(d, b, notes, images);
                }
                d.raw("</li>\n");
            }
            d.raw(&format!("</{tag}>"));
        }
        Block::Image { path, alt, .. } => {
            let href = match images.iter().find(|i| &i.source == path) {
                Some(i) => i.href.clone(),
                None => {
                    let media_type = image_media_type(path).unwrap_or("image/png");
                    let ext = path
                        .extension()
                        .and_then(|e| e.to_str())
                        .unwrap_or("png")
                        .to_ascii_lowercase();
                    let href = format!("images/image-{}.{ext}", images.len() + 1);
                    images.push(ImageRef {
                        source: path.clone(),
                        href: href.clone(),
                        media_type,
                    });
                    href
                }
            };
            d.raw(&format!(
                "<figure class=\"image\"><img src=\"{}\" alt=\"{}\"/></figure>",
                escape(&href),
                escape(alt)
            ));
            // The alt text is part of the block text the page map counts.
            d.count(alt.chars().count() + 1);
        }
        Block::Code { text, .. } => {
            d.raw("<pre><code>");
            d.text(text);
            d.raw("</code></pre>");
            d.count(1);
        }
        Block::Html { html, .. } => {
            let text = html_text(html);
            d.counted_markup(html, &text);
            d.count(1);
        }
        Block::Rule { .. } => d.raw("<hr/>"),
    }
}

fn write_inlines(d: &mut Doc<'_>, inlines: &[Inline], notes: &mut NoteRefs) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => d.text(t),
            Inline::Emphasis(c) => {
                d.raw("<em>");
                write_inlines(d, c, notes);
                d.raw("</em>");
            }
            Inline::Strong(c) => {
                d.raw("<strong>");
                d.push_face(Face::Bold);
                write_inlines(d, c, notes);
                d.pop_face();
                d.raw("</strong>");
            }
            Inline::Code(t) => {
                d.raw("<code>");
                d.text(t);
                d.raw("</code>");
            }
            Inline::Link { url, content } => {
                d.raw(&format!("<a href=\"{}\">", escape(url)));
                write_inlines(d, content, notes);
                d.raw("</a>");
            }
            Inline::FootnoteRef(i) => {
                let n = i + 1;
                let cid = notes.cid.clone();
                let k = notes.seen.get(*i).copied().unwrap_or(0);
                if let Some(s) = notes.seen.get_mut(*i) {
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
                d.generated_text(&format!("[{n}]"));
                d.raw("</a></sup>");
            }
            Inline::Html(h) => {
                let text = html_text(h);
                d.counted_markup(h, &text);
            }
            Inline::LineBreak => {
                d.marker_before_char();
                d.raw("<br/>");
                d.count(1);
            }
        }
    }
}

/// The cover page: the cover image alone.
pub fn cover_page(
    book: &Book,
    image_href: &str,
    alt: &str,
    used: &mut UsedChars,
    css_href: &str,
) -> String {
    let mut d = Doc::new(used, &book.meta.language, &book.meta.title, css_href);
    d.raw("<body class=\"cover\" epub:type=\"frontmatter\">\n<section class=\"cover\" epub:type=\"cover\">\n");
    d.raw(&format!(
        "<img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n",
        escape(image_href),
        escape(alt)
    ));
    d.raw("</section>\n</body>\n");
    d.finish()
}

/// The title page: title, subtitle, section, editors and publisher as text
/// (the cover shows them only as an image).
pub fn title_page(book: &Book, used: &mut UsedChars, css_href: &str) -> String {
    let m = &book.meta;
    let mut d = Doc::new(used, &m.language, &m.title, css_href);
    d.raw("<body epub:type=\"frontmatter\">\n<section class=\"titlepage\" epub:type=\"titlepage\" aria-labelledby=\"book-title\">\n");
    d.raw("<h1 id=\"book-title\" class=\"book-title\">");
    d.push_face(Face::Bold);
    d.text(&m.title);
    d.pop_face();
    d.raw("</h1>\n");
    if let Some(s) = &m.subtitle {
        d.raw("<p class=\"subtitle\">");
        d.text(s);
        d.raw("</p>\n");
    }
    if let Some(s) = &m.section {
        d.raw("<p class=\"section-name\">");
        d.text(s);
        d.raw("</p>\n");
    }
    if !m.editors.is_empty() {
        d.raw("<p class=\"editors\">");
        d.text(&m.editors.join(" "));
        d.raw("</p>\n");
    }
    if let Some(p) = &m.publisher {
        d.raw("<p class=\"publisher\">");
        d.text(p);
        d.raw("</p>\n");
    }
    if let Some(date) = &m.date {
        d.raw("<p class=\"date\">");
        d.text(date);
        d.raw("</p>\n");
    }
    d.raw("</section>\n</body>\n");
    d.finish()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::model::pagemap::PageStart;
    use crate::model::{Metadata, block_text};
    use crate::source::config::{EpubOptions, FontConfig, PdfOptions};
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
            fonts: FontConfig::default(),
            epub: EpubOptions::default(),
            pdf: PdfOptions::default(),
            cover: None,
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
        out.replace("[1]", "")
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
        let mut used = UsedChars::default();
        let mut images = Vec::new();
        let doc = chapter(&b, 0, Some(&pages), &mut images, &mut used, "style.css");
        // Page 1 starts with the title, before the header.
        let p1 = doc.find(&marker(1)).expect("page 1 marker");
        assert!(p1 < doc.find("<header>").unwrap());
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
        let doc2 = chapter(&b, 1, Some(&pages), &mut images, &mut used, "style.css");
        let p4 = doc2.find(&marker(4)).expect("page 4 marker");
        assert!(
            p4 < doc2.find("<p>").unwrap(),
            "offset 0 goes before the block"
        );
        assert!(
            doc2.contains("第2篇（无题）"),
            "untitled chapter shows its fallback"
        );

        // The footnote is linked both ways and the strong text is bold.
        assert!(doc.contains("href=\"#ch01-fn1\""));
        assert!(doc.contains("id=\"ch01-fn1\""));
        assert!(doc.contains("href=\"#ch01-fnref1\" role=\"doc-backlink\""));
        assert!(used.bold.contains(&'庚') && !used.bold.contains(&'戊'));
        assert!(used.regular.contains(&'注'));
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
