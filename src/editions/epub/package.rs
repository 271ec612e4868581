//! The package document (OPF): metadata, accessibility metadata, manifest
//! and spine.

use super::xhtml::escape;
use crate::model::Book;

/// One file of the package.
pub struct ManifestItem {
    pub id: String,
    pub href: String,
    pub media_type: String,
    pub properties: Option<&'static str>,
    /// In the spine, in manifest order.
    pub spine: bool,
}

/// What the OPF says beyond the book's own metadata.
pub struct PackageInfo<'a> {
    /// `urn:isbn:…` or `urn:uuid:…`.
    pub identifier: &'a str,
    /// `dcterms:modified`, `CCYY-MM-DDThh:mm:ssZ`.
    pub modified: &'a str,
    pub has_page_list: bool,
    pub has_footnotes: bool,
    pub items: &'a [ManifestItem],
    /// The EPUB 2 guide (type, title, href): readers that predate the
    /// landmarks nav (Calibre's conversions, older Kindles) find the cover,
    /// the contents and the start of the text there.
    pub guide: &'a [(&'static str, &'a str, &'a str)],
    /// The labels, for the accessibility summary.
    pub labels: &'a crate::script::generated::Labels,
}

/// The identifier the package uses: the ISBN when the book has one.
pub fn package_identifier(book: &Book) -> String {
    match &book.meta.isbn {
        Some(isbn) => format!("urn:isbn:{isbn}"),
        None => book.meta.identifier.clone(),
    }
}

pub fn opf(book: &Book, info: &PackageInfo<'_>) -> String {
    let m = &book.meta;
    let mut o = String::with_capacity(8192);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str(&format!(
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"{}\" prefix=\"a11y: http://www.idpf.org/epub/vocab/package/a11y/#\">\n",
        escape(&m.language)
    ));
    o.push_str("<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    o.push_str(&format!(
        "<dc:identifier id=\"pub-id\">{}</dc:identifier>\n",
        escape(info.identifier)
    ));
    if m.isbn.is_some() {
        // ONIX code list 5, value 15: ISBN-13.
        o.push_str("<meta refines=\"#pub-id\" property=\"identifier-type\" scheme=\"onix:codelist5\">15</meta>\n");
        if m.identifier != info.identifier {
            o.push_str(&format!(
                "<dc:identifier id=\"uuid-id\">{}</dc:identifier>\n",
                escape(&m.identifier)
            ));
        }
    }
    o.push_str(&format!(
        "<dc:title id=\"title\">{}</dc:title>\n<meta refines=\"#title\" property=\"title-type\">main</meta>\n<meta refines=\"#title\" property=\"display-seq\">1</meta>\n",
        escape(&m.title)
    ));
    if let Some(sub) = &m.subtitle {
        o.push_str(&format!(
            "<dc:title id=\"subtitle\">{}</dc:title>\n<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>\n<meta refines=\"#subtitle\" property=\"display-seq\">2</meta>\n",
            escape(sub)
        ));
    }
    people(book, &mut o);
    o.push_str(&format!(
        "<dc:language>{}</dc:language>\n",
        escape(&m.language)
    ));
    if let Some(p) = &m.publisher {
        o.push_str(&format!("<dc:publisher>{}</dc:publisher>\n", escape(p)));
    }
    if let Some(d) = &m.date {
        o.push_str(&format!("<dc:date>{}</dc:date>\n", escape(d)));
    }
    if let Some(d) = &m.description {
        o.push_str(&format!("<dc:description>{}</dc:description>\n", escape(d)));
    }
    if let Some(s) = &m.source {
        o.push_str(&format!("<dc:source>{}</dc:source>\n", escape(s)));
    }
    o.push_str(&format!(
        "<meta property=\"dcterms:modified\">{}</meta>\n",
        info.modified
    ));
    if info.has_page_list {
        // The page numbers are those of this book's own PDF edition.
        o.push_str(&format!(
            "<meta property=\"pageBreakSource\">{} (PDF)</meta>\n",
            escape(info.identifier)
        ));
    }

    accessibility(book, info, &mut o);
    o.push_str("<meta name=\"cover\" content=\"cover-image\"/>\n");
    if m.placeholders > 0 {
        // Read by `bindery check` (rule text.placeholder).
        o.push_str(&format!(
            "<meta name=\"{}\" content=\"{}\"/>\n",
            crate::fonts::coverage::PLACEHOLDER_KEY,
            m.placeholders
        ));
    }
    o.push_str("</metadata>\n<manifest>\n");
    for it in info.items {
        o.push_str(&format!(
            "<item id=\"{}\" href=\"{}\" media-type=\"{}\"",
            escape(&it.id),
            escape(&it.href),
            escape(&it.media_type)
        ));
        if let Some(p) = it.properties {
            o.push_str(&format!(" properties=\"{p}\""));
        }
        o.push_str("/>\n");
    }
    o.push_str("</manifest>\n<spine toc=\"ncx\">\n");
    for it in info.items.iter().filter(|i| i.spine) {
        o.push_str(&format!("<itemref idref=\"{}\"/>\n", escape(&it.id)));
    }
    o.push_str("</spine>\n");
    if !info.guide.is_empty() {
        o.push_str("<guide>\n");
        for (ty, title, href) in info.guide {
            o.push_str(&format!(
                "<reference type=\"{ty}\" title=\"{}\" href=\"{}\"/>\n",
                escape(title),
                escape(href)
            ));
        }
        o.push_str("</guide>\n");
    }
    o.push_str("</package>\n");
    o
}

/// The book's creators as reading systems and catalogues show them: the
/// editors (`edt`) when the book names them, else the article authors with
/// their MARC roles; every article author is also listed as a contributor.
/// Chinese names are filed as written (family name first).
fn people(book: &Book, o: &mut String) {
    let m = &book.meta;
    let authors = article_authors(book);
    if m.editors.is_empty() {
        for (i, (a, roles)) in authors.iter().enumerate() {
            person(o, "creator", &format!("creator-{}", i + 1), a, roles);
        }
    } else {
        for (i, e) in m.editors.iter().enumerate() {
            person(o, "creator", &format!("editor-{}", i + 1), e, &["edt"]);
        }
    }
    for (i, (a, roles)) in authors.iter().enumerate() {
        person(o, "contributor", &format!("author-{}", i + 1), a, roles);
    }
}

/// Article authors, each once, in order of first appearance, with the MARC
/// relator of every role they have in a byline (aut, edt, trl…).
fn article_authors(book: &Book) -> Vec<(&str, Vec<&'static str>)> {
    let mut authors: Vec<(&str, Vec<&'static str>)> = Vec::new();
    for ch in &book.chapters {
        let relator = marc_relator(ch.role.as_deref());
        for a in &ch.authors {
            match authors.iter_mut().find(|(n, _)| *n == a.as_str()) {
                Some((_, roles)) if !roles.contains(&relator) => roles.push(relator),
                Some(_) => {}
                None => authors.push((a, vec![relator])),
            }
        }
    }
    authors
}

/// One `dc:creator` or `dc:contributor` with its roles and `file-as`.
fn person(o: &mut String, element: &str, id: &str, name: &str, roles: &[&str]) {
    let name = escape(name);
    o.push_str(&format!(
        "<dc:{element} id=\"{id}\">{name}</dc:{element}>\n"
    ));
    for r in roles {
        o.push_str(&format!(
            "<meta refines=\"#{id}\" property=\"role\" scheme=\"marc:relators\">{r}</meta>\n"
        ));
    }
    o.push_str(&format!(
        "<meta refines=\"#{id}\" property=\"file-as\">{name}</meta>\n"
    ));
}

/// Accessibility metadata (EPUB Accessibility 1.1, schema.org terms).
fn accessibility(book: &Book, info: &PackageInfo<'_>, o: &mut String) {
    let m = &book.meta;
    o.push_str("<meta property=\"schema:accessMode\">textual</meta>\n");
    o.push_str("<meta property=\"schema:accessMode\">visual</meta>\n");
    o.push_str("<meta property=\"schema:accessModeSufficient\">textual</meta>\n");
    let mut features = vec![
        "tableOfContents",
        "structuralNavigation",
        "readingOrder",
        "alternativeText",
        "displayTransformability",
    ];
    if info.has_page_list {
        features.push("printPageNumbers");
        features.push("pageNavigation");
    }
    for f in features {
        o.push_str(&format!(
            "<meta property=\"schema:accessibilityFeature\">{f}</meta>\n"
        ));
    }
    o.push_str("<meta property=\"schema:accessibilityHazard\">none</meta>\n");
    // The summary is shown to readers: in the book's script.
    let l = info.labels;
    let mut summary = l.summary.clone();
    if info.has_footnotes {
        summary.push_str(&l.summary_notes);
    }
    if info.has_page_list {
        summary.push_str(&l.summary_pages);
    }
    o.push_str(&format!(
        "<meta property=\"schema:accessibilitySummary\">{}</meta>\n",
        escape(&summary)
    ));
    o.push_str("<meta property=\"dcterms:conformsTo\" id=\"conformance\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>\n");
    let certifier = m.publisher.as_deref().unwrap_or("bindery");
    o.push_str(&format!(
        "<meta property=\"a11y:certifiedBy\" refines=\"#conformance\">{}</meta>\n",
        escape(certifier)
    ));
}

/// The MARC relator code for a byline role word: none or 撰/著 → author,
/// 编/主编/整理/校注 → editor, 译 → translator, 注 → commentator; a word
/// not in the list → contributor.
pub fn marc_relator(role: Option<&str>) -> &'static str {
    match role.map(str::trim) {
        None | Some("") => "aut",
        Some("撰" | "著" | "编著" | "編著" | "等" | "等著" | "著述") => "aut",
        Some(
            "编" | "編" | "主编" | "主編" | "选编" | "選編" | "辑" | "輯" | "整理" | "校注"
            | "校註" | "点校" | "點校" | "校点" | "校點" | "等编" | "等編",
        ) => "edt",
        Some("译" | "譯" | "编译" | "編譯" | "等译" | "等譯") => "trl",
        Some("注" | "註") => "cmm",
        Some(_) => "ctb",
    }
}
