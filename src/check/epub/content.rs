//! Content documents (XHTML, and SVG in the spine), the navigation
//! document, the NCX, and every reference between resources: links,
//! embedded resources, `cite`, CSS `url()`; remote resources, the manifest
//! properties a document needs, and fallbacks for foreign resources.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::super::css;
use super::super::xml::{EPUB_NS, Element, XHTML_NS, XML_NS};
use super::super::{Location, Sink};
use super::package::{Package, is_core_media_type, is_font_type};
use super::{Container, is_external, parse_xml, percent_decode, resolve};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// A parsed content document and the ids it offers to links.
pub(super) struct Doc {
    pub root: Element,
    pub ids: HashSet<String>,
    pub media_type: String,
}

/// Parses every XHTML document and every SVG document of the spine, and
/// judges each root and its languages.
pub(super) fn load_documents(
    c: &mut Container,
    pkg: &Package,
    sink: &mut Sink,
) -> BTreeMap<String, Doc> {
    let mut docs = BTreeMap::new();
    let spine: HashSet<&str> = pkg.spine.iter().map(String::as_str).collect();
    for it in &pkg.items {
        let Some(path) = &it.path else { continue };
        let xhtml = it.media_type == "application/xhtml+xml";
        let svg = it.media_type == "image/svg+xml" && spine.contains(path.as_str());
        if !(xhtml || svg) || !c.contains(path) {
            continue;
        }
        let Some(root) = parse_xml(c, path, sink) else {
            continue;
        };
        let loc = Location::entry_at(path, root.line, root.column);
        if xhtml && !root.is(XHTML_NS, "html") {
            sink.error(
                "epub.xhtml.namespace",
                loc.clone(),
                format!(
                    "the root element is <{}> in namespace {:?}, not <html> in {XHTML_NS}",
                    root.local, root.ns
                ),
            );
        }
        let all = root.descendants();
        if xhtml {
            let lang = root.attr_ns(XML_NS, "lang").or(root.attr("lang"));
            if lang.is_none_or(|l| l.trim().is_empty()) {
                sink.report(
                    "epub.xhtml.lang",
                    loc,
                    "the <html> element declares no language (xml:lang or lang)",
                );
            }
            for e in &all {
                if let (Some(a), Some(b)) = (e.attr_ns(XML_NS, "lang"), e.attr("lang"))
                    && !a.trim().eq_ignore_ascii_case(b.trim())
                {
                    sink.error(
                        "epub.xhtml.lang-mismatch",
                        Location::entry_at(path, e.line, e.column),
                        format!("<{}> has lang={b:?} but xml:lang={a:?}", e.local),
                    );
                }
            }
        }
        if !pkg.epub3 {
            // XHTML 1.1 ids are XML names: no leading digit, no colon.
            if let Some(e) = all
                .iter()
                .find(|e| e.attr("id").is_some_and(|i| !is_xml_name(i.trim())))
            {
                sink.error(
                    "epub.xhtml.id",
                    Location::entry_at(path, e.line, e.column),
                    format!(
                        "id {:?} is not an XML name, as EPUB 2 requires",
                        e.attr("id").unwrap_or("")
                    ),
                );
            }
        }
        let ids: HashSet<String> = all
            .iter()
            .filter_map(|e| e.attr("id").or(e.attr_ns(XML_NS, "id")))
            .map(|i| i.trim().to_string())
            .collect();
        docs.insert(
            path.clone(),
            Doc {
                root,
                ids,
                media_type: it.media_type.clone(),
            },
        );
    }
    docs
}

/// An XML name without colons (NCName).
fn is_xml_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && cs.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '\u{B7}'))
}

/// How a reference uses its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// A hyperlink: may be remote, its fragment must exist.
    Link,
    /// A citation: may be remote.
    Cite,
    /// An image (needs a fallback when not a core type).
    Image,
    /// Audio, video or their sources: may be remote in EPUB 3.
    Media,
    /// Anything else loaded by the reader (scripts, styles, frames, ...).
    Resource,
}

/// The references an element makes: (attribute value, use).
fn element_refs(e: &Element) -> Vec<(&str, Use)> {
    let mut out: Vec<(&str, Use)> = Vec::new();
    fn add<'a>(out: &mut Vec<(&'a str, Use)>, v: Option<&'a str>, u: Use) {
        if let Some(v) = v {
            out.push((v, u));
        }
    }
    let mut add = |v, u| add(&mut out, v, u);
    if &*e.ns == XHTML_NS {
        match e.local.as_str() {
            "a" | "area" => add(e.attr("href"), Use::Link),
            "link" => {
                let rel = e.attr("rel").unwrap_or("");
                if rel
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("stylesheet"))
                {
                    add(e.attr("href"), Use::Resource);
                }
            }
            "img" => add(e.attr("src"), Use::Image),
            "input"
                if e.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("image")) =>
            {
                add(e.attr("src"), Use::Image)
            }
            "audio" | "video" | "source" => add(e.attr("src"), Use::Media),
            "script" | "iframe" | "embed" | "track" => add(e.attr("src"), Use::Resource),
            "object" => add(e.attr("data"), Use::Resource),
            "blockquote" | "q" | "ins" | "del" => add(e.attr("cite"), Use::Cite),
            _ => {}
        }
        if e.local == "video" {
            add(e.attr("poster"), Use::Image);
        }
    } else if &*e.ns == SVG_NS {
        let href = e.attr_ns(XLINK_NS, "href").or(e.attr("href"));
        match e.local.as_str() {
            "a" => add(href, Use::Link),
            "image" => add(href, Use::Image),
            _ => {}
        }
    }
    out
}

/// Checks every reference of every document and stylesheet.
pub(super) fn check_references(
    c: &mut Container,
    pkg: &Package,
    docs: &BTreeMap<String, Doc>,
    sink: &mut Sink,
) {
    let by_id: HashMap<&str, &super::package::Item> =
        pkg.items.iter().map(|i| (i.id.as_str(), i)).collect();
    for (path, doc) in docs {
        let mut needs: Vec<(&str, u32, u32)> = Vec::new();
        for e in doc.root.descendants() {
            for (href, u) in element_refs(e) {
                let remote = check_ref(c, pkg, docs, &by_id, path, e, href, u, sink);
                if remote && !matches!(u, Use::Link | Use::Cite) {
                    needs.push(("remote-resources", e.line, e.column));
                }
            }
            if let Some(style) = e.attr("style") {
                check_css_urls(c, path, style, e.line, e.column, sink);
            }
            match (&*e.ns, e.local.as_str()) {
                (XHTML_NS, "script") if is_script_type(e.attr("type")) => {
                    needs.push(("scripted", e.line, e.column))
                }
                (XHTML_NS, "form") => needs.push(("scripted", e.line, e.column)),
                (XHTML_NS, "style") => check_css_urls(c, path, &e.text(), e.line, e.column, sink),
                (SVG_NS, "svg") if doc.media_type != "image/svg+xml" => {
                    needs.push(("svg", e.line, e.column))
                }
                (MATHML_NS, "math") if !pkg.epub3 => sink.error(
                    "epub.xhtml.namespace",
                    Location::entry_at(path, e.line, e.column),
                    "EPUB 2 content documents do not allow MathML",
                ),
                (MATHML_NS, "math") => needs.push(("mathml", e.line, e.column)),
                (EPUB_NS, "switch") => needs.push(("switch", e.line, e.column)),
                _ => {}
            }
        }
        if pkg.epub3 {
            check_properties(pkg, path, &needs, sink);
        }
    }
    // Stylesheets' own references, relative to the stylesheet.
    let sheets: Vec<String> = pkg
        .items
        .iter()
        .filter(|i| i.media_type == "text/css")
        .filter_map(|i| i.path.clone())
        .filter(|p| c.contains(p))
        .collect();
    for p in sheets {
        if let Ok(data) = c.read(&p) {
            check_css_urls(c, &p, &String::from_utf8_lossy(&data), 0, 0, sink);
        }
    }
}

fn is_script_type(t: Option<&str>) -> bool {
    let t = t.unwrap_or("").trim().to_ascii_lowercase();
    t.is_empty() || t == "module" || t.contains("javascript") || t.contains("ecmascript")
}

/// OPF-014: the document's manifest item declares each property it needs.
fn check_properties(pkg: &Package, path: &str, needs: &[(&str, u32, u32)], sink: &mut Sink) {
    let Some(item) = pkg.item_for(path) else {
        return;
    };
    let mut done = HashSet::new();
    for (prop, line, column) in needs {
        if item.properties.iter().any(|p| p == prop) || !done.insert(*prop) {
            continue;
        }
        sink.error(
            "epub.opf.property-missing",
            Location::entry_at(path, *line, *column),
            format!(
                "the document uses {} but its manifest item {:?} lacks properties=\"{prop}\"",
                match *prop {
                    "scripted" => "scripts or forms",
                    "svg" => "inline SVG",
                    "mathml" => "MathML",
                    "switch" => "epub:switch",
                    _ => "remote resources",
                },
                item.id
            ),
        );
    }
}

/// Checks one reference; returns whether it is remote.
#[allow(clippy::too_many_arguments)]
fn check_ref(
    c: &Container,
    pkg: &Package,
    docs: &BTreeMap<String, Doc>,
    by_id: &HashMap<&str, &super::package::Item>,
    path: &str,
    e: &Element,
    href: &str,
    u: Use,
    sink: &mut Sink,
) -> bool {
    let href = href.trim();
    let loc = || Location::entry_at(path, e.line, e.column);
    if href.is_empty() || href.starts_with("data:") {
        return false;
    }
    if is_external(href) {
        let lower = href.to_ascii_lowercase();
        let remote = lower.starts_with("http:") || lower.starts_with("https:");
        if remote && !matches!(u, Use::Link | Use::Cite) {
            let declared = pkg.items.iter().find(|i| i.href == href);
            let allowed = pkg.epub3
                && (u == Use::Media
                    || declared.is_some_and(|i| {
                        i.media_type.starts_with("audio/")
                            || i.media_type.starts_with("video/")
                            || is_font_type(&i.media_type)
                    }));
            if !allowed {
                sink.error(
                    "epub.opf.remote-resource",
                    loc(),
                    format!(
                        "<{}> loads the remote resource {href:?}, which must be in the container",
                        e.local
                    ),
                );
            }
        }
        return remote;
    }
    let (file, frag) = match href.split_once('#') {
        Some((f, fr)) => (f, Some(fr)),
        None => (href, None),
    };
    let file = file.split('?').next().unwrap_or("");
    let target = if file.is_empty() {
        path.to_string()
    } else {
        match resolve(path, file) {
            Some(t) => t,
            None => {
                sink.error(
                    "epub.link.broken",
                    loc(),
                    format!("{href:?} points outside the container"),
                );
                return false;
            }
        }
    };
    let Some(target) = c.lookup(&target).map(str::to_string) else {
        sink.error(
            "epub.link.broken",
            loc(),
            format!("{href:?} points to {target:?}, which is not in the container"),
        );
        return false;
    };
    if u == Use::Link
        && let Some(frag) = frag.filter(|f| !f.is_empty() && !f.starts_with("epubcfi("))
        && let Some(doc) = docs.get(&target)
    {
        let frag = percent_decode(frag);
        if !doc.ids.contains(frag.trim()) && !frag.contains('(') {
            sink.error(
                "epub.link.fragment",
                loc(),
                format!("{href:?}: {target:?} has no element with id {frag:?}"),
            );
        }
    }
    if u == Use::Image
        && pkg.epub3
        && let Some(item) = pkg.item_for(&target)
        && !is_core_media_type(&item.media_type)
        && item
            .fallback
            .as_deref()
            .is_none_or(|f| !by_id.contains_key(f))
    {
        sink.error(
            "epub.opf.fallback",
            loc(),
            format!(
                "<{}> shows {target:?} of the foreign type {:?}, whose manifest item has no fallback",
                e.local, item.media_type
            ),
        );
    }
    false
}

/// `url()` and `@import` references of a stylesheet (outside @font-face,
/// whose sources the font rules judge) must name files in the container.
fn check_css_urls(c: &Container, base: &str, text: &str, line: u32, column: u32, sink: &mut Sink) {
    for u in css::resource_urls(text) {
        let u = u.trim();
        if u.is_empty() || u.starts_with('#') || u.starts_with("data:") || is_external(u) {
            continue;
        }
        let file = u.split(['#', '?']).next().unwrap_or("");
        let loc = if line > 0 {
            Location::entry_at(base, line, column)
        } else {
            Location::entry(base)
        };
        match resolve(base, file) {
            Some(t) if c.contains(&t) => {}
            Some(t) => sink.error(
                "epub.link.broken",
                loc,
                format!("CSS url({u:?}) points to {t:?}, which is not in the container"),
            ),
            None => sink.error(
                "epub.link.broken",
                loc,
                format!("CSS url({u:?}) points outside the container"),
            ),
        }
    }
}

/// The navigation document: a `toc` nav with entries in spine order, and
/// (distribution) the page-list the metadata promise.
pub(super) fn check_nav(
    path: &str,
    doc: &Doc,
    pkg: &Package,
    docs: &BTreeMap<String, Doc>,
    sink: &mut Sink,
) {
    let navs: Vec<&Element> = doc
        .root
        .descendants()
        .into_iter()
        .filter(|e| e.local == "nav")
        .collect();
    let typed = |t: &str| {
        navs.iter().copied().find(|e| {
            e.attr_ns(EPUB_NS, "type")
                .is_some_and(|x| x.split_whitespace().any(|x| x == t))
        })
    };
    if pkg.print_pages && typed("page-list").is_none() {
        sink.report(
            "epub.nav.page-list",
            Location::entry(path),
            "the metadata declare printPageNumbers, but the navigation document has no page-list",
        );
    }
    let Some(toc) = typed("toc") else {
        sink.error("epub.nav.toc-missing", Location::entry(path), "the navigation document has no <nav epub:type=\"toc\"> (with the epub namespace declared)");
        return;
    };
    let links: Vec<&Element> = toc
        .descendants()
        .into_iter()
        .filter(|e| e.local == "a" && e.attr("href").is_some())
        .collect();
    if links.is_empty() {
        sink.error(
            "epub.nav.toc-missing",
            Location::entry_at(path, toc.line, toc.column),
            "the TOC has no entries",
        );
        return;
    }
    let order: HashMap<&str, usize> = pkg
        .spine
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let _ = docs;
    let mut last: Option<(usize, String)> = None;
    for a in links {
        let href = a.attr("href").unwrap_or("").trim();
        if is_external(href) {
            continue;
        }
        let file = href.split('#').next().unwrap_or("");
        let target = if file.is_empty() {
            Some(path.to_string())
        } else {
            resolve(path, file)
        };
        let Some(idx) = target.and_then(|t| order.get(t.as_str()).copied()) else {
            continue;
        };
        if let Some((prev, prev_href)) = &last
            && idx < *prev
        {
            sink.report(
                "epub.nav.toc-order",
                Location::entry_at(path, a.line, a.column),
                format!("TOC entry {:?} ({href}) is spine item {} but comes after {prev_href} (spine item {})", a.text().trim(), idx + 1, prev + 1),
            );
        }
        last = Some((idx, href.to_string()));
    }
}

/// The NCX's `content src` links name files in the container.
pub(super) fn check_ncx(c: &mut Container, path: &str, sink: &mut Sink) {
    let Some(root) = parse_xml(c, path, sink) else {
        return;
    };
    for e in root.descendants() {
        if e.local != "content" {
            continue;
        }
        let Some(src) = e.attr("src").map(str::trim) else {
            continue;
        };
        if src.is_empty() || is_external(src) {
            continue;
        }
        let file = src.split('#').next().unwrap_or("");
        let found = resolve(path, file).filter(|t| c.contains(t));
        if found.is_none() {
            sink.error(
                "epub.link.broken",
                Location::entry_at(path, e.line, e.column),
                format!("NCX entry {src:?} names a file not in the container"),
            );
        }
    }
}
