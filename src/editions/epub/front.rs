//! The cover page (the cover image alone) and the title page (title,
//! subtitle, section, editors, publisher and date as text: the cover shows
//! them only as an image).

use super::Writer;
use super::xhtml::{Doc, UsedChars, escape};
use crate::style::FontRole;

pub fn cover_page(w: &Writer, image_href: &str, alt: &str, used: &mut UsedChars) -> String {
    let m = &w.book.meta;
    let mut d = Doc::new((w.fonts, used), &m.language, &m.title, w.css_href);
    d.raw("<body class=\"cover\" epub:type=\"frontmatter\">\n<section class=\"cover\" epub:type=\"cover\">\n");
    d.raw(&format!(
        "<img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n",
        escape(image_href),
        escape(alt)
    ));
    d.raw("</section>\n</body>\n");
    d.finish()
}

pub fn title_page(w: &Writer, used: &mut UsedChars) -> String {
    let m = &w.book.meta;
    let mut d = Doc::new((w.fonts, used), &m.language, &m.title, w.css_href);
    d.raw("<body epub:type=\"frontmatter\">\n<section class=\"titlepage\" epub:type=\"titlepage\" aria-labelledby=\"book-title\">\n");
    d.raw("<h1 id=\"book-title\" class=\"book-title\">");
    d.push_role(FontRole::Title);
    d.words(&m.title);
    d.pop_face();
    d.raw("</h1>\n");
    let editors = (!m.editors.is_empty()).then(|| w.texts.editors_line(&m.editors));
    for (class, text) in [
        ("subtitle", m.subtitle.as_ref()),
        ("section-name", m.section.as_ref()),
        ("editors", editors.as_ref()),
        ("publisher", m.publisher.as_ref()),
        ("date", m.date.as_ref()),
    ] {
        if let Some(t) = text {
            d.raw(&format!("<p class=\"{class}\">"));
            d.text(t);
            d.raw("</p>\n");
        }
    }
    d.raw("</section>\n</body>\n");
    d.finish()
}
