//! The navigation document (toc, landmarks, page-list) and the NCX that
//! older reading systems use instead.

use super::Writer;
use super::xhtml::{Doc, UsedChars, escape, page_id};
use crate::model::Book;
use crate::model::pagemap::PageMap;
use crate::script::generated::Texts;
use crate::style::FontRole;

/// One article in the table of contents.
pub struct TocEntry {
    pub title: String,
    pub href: String,
}

/// One printed page: its label and where it starts in the EPUB.
pub struct PageEntry {
    pub label: String,
    pub href: String,
}

pub fn toc_entries(book: &Book, texts: &Texts) -> Vec<TocEntry> {
    book.chapters
        .iter()
        .enumerate()
        .map(|(i, ch)| TocEntry {
            title: texts.chapter_title(i).to_string(),
            href: format!("{}.xhtml", ch.id),
        })
        .collect()
}

pub fn page_entries(book: &Book, pages: &PageMap) -> Vec<PageEntry> {
    pages
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.chapter < book.chapters.len())
        .map(|(i, p)| PageEntry {
            label: p.label.clone(),
            href: format!("{}.xhtml#{}", book.chapters[p.chapter].id, page_id(i)),
        })
        .collect()
}

pub fn nav_document(
    w: &Writer,
    toc: &[TocEntry],
    pages: Option<&[PageEntry]>,
    cover_href: &str,
    used: &mut UsedChars,
) -> String {
    let l = &w.texts.labels;
    let mut d = Doc::new(
        (w.fonts, used),
        &w.book.meta.language,
        &l.contents,
        w.css_href,
    );
    d.raw("<body epub:type=\"frontmatter\">\n");
    d.raw("<nav id=\"toc\" class=\"toc\" epub:type=\"toc\" role=\"doc-toc\" aria-labelledby=\"toc-heading\">\n<h1 id=\"toc-heading\">");
    d.push_role(FontRole::Title);
    d.text(&l.contents);
    d.pop_face();
    d.raw("</h1>\n<ol>\n");
    for e in toc {
        d.raw(&format!("<li><a href=\"{}\">", escape(&e.href)));
        d.words(&e.title);
        d.raw("</a></li>\n");
    }
    d.raw("</ol>\n</nav>\n");

    d.raw("<nav epub:type=\"landmarks\" aria-labelledby=\"landmarks-heading\" hidden=\"hidden\">\n<h2 id=\"landmarks-heading\">");
    d.push_role(FontRole::Title);
    d.text(&l.landmarks);
    d.pop_face();
    d.raw("</h2>\n<ol>\n");
    let body_href = toc.first().map(|e| e.href.as_str()).unwrap_or("nav.xhtml");
    for (ty, href, label) in [
        ("cover", cover_href, &l.cover),
        ("toc", "nav.xhtml#toc", &l.contents),
        ("bodymatter", body_href, &l.body),
    ] {
        d.raw(&format!(
            "<li><a epub:type=\"{ty}\" href=\"{}\">",
            escape(href)
        ));
        d.text(label);
        d.raw("</a></li>\n");
    }
    d.raw("</ol>\n</nav>\n");

    if let Some(pages) = pages {
        d.raw("<nav epub:type=\"page-list\" role=\"doc-pagelist\" aria-labelledby=\"pages-heading\" hidden=\"hidden\">\n<h2 id=\"pages-heading\">");
        d.push_role(FontRole::Title);
        d.text(&l.page_list);
        d.pop_face();
        d.raw("</h2>\n<ol>\n");
        for p in pages {
            d.raw(&format!("<li><a href=\"{}\">", escape(&p.href)));
            d.text(&p.label);
            d.raw("</a></li>\n");
        }
        d.raw("</ol>\n</nav>\n");
    }
    d.raw("</body>\n");
    d.finish()
}

pub fn ncx(book: &Book, identifier: &str, toc: &[TocEntry], pages: Option<&[PageEntry]>) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{}\">\n<head>\n",
        escape(&book.meta.language)
    ));
    out.push_str(&format!(
        "<meta name=\"dtb:uid\" content=\"{}\"/>\n<meta name=\"dtb:depth\" content=\"1\"/>\n<meta name=\"dtb:totalPageCount\" content=\"{}\"/>\n<meta name=\"dtb:maxPageNumber\" content=\"{}\"/>\n</head>\n",
        escape(identifier),
        pages.map_or(0, |p| p.len()),
        pages
            .into_iter()
            .flatten()
            .filter_map(|p| p.label.parse::<u32>().ok())
            .max()
            .unwrap_or(0),
    ));
    out.push_str(&format!(
        "<docTitle><text>{}</text></docTitle>\n<navMap>\n",
        escape(&book.meta.title)
    ));
    for (i, e) in toc.iter().enumerate() {
        let n = i + 1;
        out.push_str(&format!(
            "<navPoint id=\"navpoint-{n}\" playOrder=\"{n}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/></navPoint>\n",
            escape(&e.title),
            escape(&e.href)
        ));
    }
    out.push_str("</navMap>\n");
    if let Some(pages) = pages {
        out.push_str("<pageList>\n");
        for (i, p) in pages.iter().enumerate() {
            let n = toc.len() + i + 1;
            // Arabic labels are "normal" pages with a value; others (roman
            // front matter) are "front" pages.
            let kind = match p.label.parse::<u32>() {
                Ok(v) => format!("type=\"normal\" value=\"{v}\""),
                Err(_) => "type=\"front\"".to_string(),
            };
            out.push_str(&format!(
                "<pageTarget id=\"pagetarget-{}\" {kind} playOrder=\"{n}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/></pageTarget>\n",
                i + 1,
                escape(&p.label),
                escape(&p.href)
            ));
        }
        out.push_str("</pageList>\n");
    }
    out.push_str("</ncx>\n");
    out
}
