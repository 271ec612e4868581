//! The package document: metadata, manifest, spine, and the version rules
//! (EPUB 2 packages are judged by EPUB 2's rules: an NCX instead of a
//! navigation document, no `dcterms:modified`).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::super::xml::{DC_NS, Element, OPF_NS};
use super::super::{CheckOptions, Location, Sink};
use super::content::{self, Doc};
use super::{Container, coverage, idpf_key, is_external, obfuscated_fonts, parse_xml, resolve};

/// A manifest item.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub id: String,
    /// The container path (None for a remote resource).
    pub path: Option<String>,
    pub href: String,
    pub media_type: String,
    pub properties: Vec<String>,
    pub fallback: Option<String>,
    pub line: u32,
    pub column: u32,
}

/// What the package says, for the content checks.
pub(super) struct Package {
    pub path: String,
    pub epub3: bool,
    pub items: Vec<Item>,
    /// Spine items' container paths, in order.
    pub spine: Vec<String>,
    /// The accessibility metadata promise print page numbers.
    pub print_pages: bool,
}

impl Package {
    pub fn item_for(&self, path: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.path.as_deref() == Some(path))
    }
}

/// Media types a reading system must support without a fallback.
pub(super) fn is_core_media_type(m: &str) -> bool {
    matches!(
        m,
        "image/gif"
            | "image/jpeg"
            | "image/png"
            | "image/svg+xml"
            | "image/webp"
            | "audio/mpeg"
            | "audio/mp4"
            | "audio/ogg"
            | "audio/opus"
            | "text/css"
            | "application/xhtml+xml"
            | "application/javascript"
            | "application/ecmascript"
            | "text/javascript"
            | "application/x-dtbncx+xml"
            | "application/smil+xml"
            | "application/pls+xml"
    ) || is_font_type(m)
        || m.starts_with("video/")
}

/// Font media types, the legacy ones included (EPUBCheck accepts them).
pub(super) fn is_font_type(m: &str) -> bool {
    m.starts_with("font/")
        || matches!(
            m,
            "application/font-sfnt"
                | "application/vnd.ms-opentype"
                | "application/x-font-opentype"
                | "application/x-font-otf"
                | "application/x-font-ttf"
                | "application/x-font-truetype"
                | "application/font-woff"
                | "application/x-font-woff"
                | "application/font-woff2"
        )
}

/// The image type of some bytes, from their signature.
fn sniff_image(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if b.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if b.len() > 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn image_type_of_extension(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

pub(super) fn check_package(c: &mut Container, opts: &CheckOptions, sink: &mut Sink) {
    const CONTAINER: &str = "META-INF/container.xml";
    if !c.names.contains(CONTAINER) {
        sink.error(
            "epub.container.missing",
            Location::none(),
            "META-INF/container.xml is missing",
        );
        return;
    }
    let Some(container) = parse_xml(c, CONTAINER, sink) else {
        return;
    };
    let rootfile = container
        .descendants()
        .into_iter()
        .find(|e| {
            e.local == "rootfile"
                && e.attr("media-type")
                    .is_none_or(|m| m == "application/oebps-package+xml")
        })
        .and_then(|e| e.attr("full-path").map(str::to_string));
    let Some(opf_path) = rootfile else {
        sink.error(
            "epub.container.rootfile",
            Location::entry(CONTAINER),
            "no <rootfile full-path=...> for the package document",
        );
        return;
    };
    let Some(opf_path) = c.lookup(&opf_path).map(str::to_string) else {
        sink.error(
            "epub.container.rootfile",
            Location::entry(CONTAINER),
            format!(
                "the package document {opf_path:?} named by container.xml is not in the container"
            ),
        );
        return;
    };
    let Some(opf) = parse_xml(c, &opf_path, sink) else {
        return;
    };
    let epub3 = !opf.attr("version").unwrap_or("3.0").trim().starts_with('2');
    let meta_children: Vec<&Element> = opf
        .elements()
        .filter(|e| e.is(OPF_NS, "metadata"))
        .flat_map(|m| m.descendants())
        .collect();
    let uid_value = check_metadata(&opf, &opf_path, &meta_children, epub3, sink);
    let items = manifest(c, &opf, &opf_path, sink);
    let (spine, toc) = check_spine(&opf, &opf_path, &items, epub3, sink);
    let print_pages = meta_children.iter().any(|e| {
        e.is(OPF_NS, "meta")
            && e.attr("property")
                .is_some_and(|p| p.trim() == "schema:accessibilityFeature")
            && e.text().trim() == "printPageNumbers"
    });
    check_placeholders(&meta_children, &opf_path, sink);
    drop(meta_children);
    // The package tree is no longer needed: free it before the documents.
    drop(opf);
    let pkg = Package {
        path: opf_path.clone(),
        epub3,
        items,
        spine,
        print_pages,
    };
    let nav = pkg
        .items
        .iter()
        .find(|i| i.properties.iter().any(|p| p == "nav"))
        .cloned();
    if epub3 && nav.is_none() {
        sink.error(
            "epub.opf.nav-missing",
            Location::entry(&opf_path),
            "no manifest item has properties=\"nav\"",
        );
    }
    if !epub3 {
        check_ncx_declared(&pkg, toc.as_deref(), sink);
    }
    let docs: BTreeMap<String, Doc> = content::load_documents(c, &pkg, sink);
    if epub3
        && let Some(nav) = &nav
        && let Some(path) = &nav.path
        && let Some(doc) = docs.get(path)
    {
        content::check_nav(path, doc, &pkg, &docs, sink);
    }
    content::check_references(c, &pkg, &docs, sink);
    if let Some(ncx) = toc
        .as_deref()
        .and_then(|t| pkg.items.iter().find(|i| i.id == t))
        .and_then(|i| i.path.clone())
        .filter(|p| c.contains(p))
    {
        content::check_ncx(c, &ncx, sink);
    }
    // Glyph coverage.
    let obfuscated = obfuscated_fonts(c, sink);
    let key = idpf_key(&uid_value);
    let font_key = |path: &str| match obfuscated.get(path) {
        Some(true) => coverage::Cipher::Idpf(key),
        Some(false) => coverage::Cipher::Other,
        None => coverage::Cipher::None,
    };
    coverage::check_coverage(c, &pkg.items, &docs, &font_key, opts, sink);
}

/// Identifier, title, language and (EPUB 3) modification date; returns the
/// unique identifier's value (the key of obfuscated fonts).
fn check_metadata(
    opf: &Element,
    opf_path: &str,
    meta: &[&Element],
    epub3: bool,
    sink: &mut Sink,
) -> String {
    let at = |e: &Element| Location::entry_at(opf_path, e.line, e.column);
    let uid_attr = opf.attr("unique-identifier").map(str::trim);
    let uid_el = uid_attr.and_then(|uid| {
        meta.iter()
            .find(|e| e.is(DC_NS, "identifier") && e.attr("id").map(str::trim) == Some(uid))
    });
    match (uid_attr, uid_el) {
        (None, _) => sink.error(
            "epub.opf.unique-identifier",
            at(opf),
            "<package> has no unique-identifier attribute",
        ),
        (Some(uid), el) if el.is_none_or(|e| e.text().trim().is_empty()) => sink.error(
            "epub.opf.unique-identifier",
            at(opf),
            format!("unique-identifier=\"{uid}\" names no non-empty <dc:identifier id=\"{uid}\">"),
        ),
        _ => {}
    }
    let uid_value = uid_el.map(|e| e.text()).unwrap_or_default();
    if !meta
        .iter()
        .any(|e| e.is(DC_NS, "title") && !e.text().trim().is_empty())
    {
        sink.error(
            "epub.opf.title",
            Location::entry(opf_path),
            "the package has no non-empty <dc:title>",
        );
    }
    if !meta
        .iter()
        .any(|e| e.is(DC_NS, "language") && !e.text().trim().is_empty())
    {
        sink.error(
            "epub.opf.language",
            Location::entry(opf_path),
            "the package has no <dc:language>",
        );
    }
    if !epub3 {
        return uid_value;
    }
    let modified: Vec<String> = meta
        .iter()
        .filter(|e| {
            e.is(OPF_NS, "meta")
                && e.attr("property").map(str::trim) == Some("dcterms:modified")
                && e.attr("refines").is_none()
        })
        .map(|e| e.text().trim().to_string())
        .collect();
    let problem = match modified.as_slice() {
        [] => Some("no <meta property=\"dcterms:modified\">".to_string()),
        [m] if valid_modified(m) => None,
        [m] => Some(format!(
            "dcterms:modified is {m:?}, not CCYY-MM-DDThh:mm:ssZ"
        )),
        _ => Some("more than one dcterms:modified".to_string()),
    };
    if let Some(p) = problem {
        sink.error("epub.opf.modified", Location::entry(opf_path), p);
    }
    uid_value
}

pub(super) fn valid_modified(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, &ch)| match i {
            4 | 7 => ch == b'-',
            10 => ch == b'T',
            13 | 16 => ch == b':',
            19 => ch == b'Z',
            _ => ch.is_ascii_digit(),
        })
}

/// Reads the manifest: ids and files unique, files present, images of
/// the type they declare.
fn manifest(c: &mut Container, opf: &Element, opf_path: &str, sink: &mut Sink) -> Vec<Item> {
    let at = |e: &Element| Location::entry_at(opf_path, e.line, e.column);
    let mut items: Vec<Item> = Vec::new();
    let manifest_items = opf
        .elements()
        .filter(|e| e.is(OPF_NS, "manifest"))
        .flat_map(|m| m.elements().filter(|e| e.is(OPF_NS, "item")));
    for e in manifest_items {
        // ids are XML IDs: surrounding spaces are not part of them.
        let id = e.attr("id").unwrap_or("").trim().to_string();
        let href = e.attr("href").unwrap_or("").trim().to_string();
        let path = if is_external(&href) {
            None
        } else {
            match resolve(opf_path, href.split('#').next().unwrap_or("")) {
                Some(p) => Some(c.lookup(&p).map(str::to_string).unwrap_or(p)),
                None => {
                    sink.error(
                        "epub.opf.manifest-missing-file",
                        at(e),
                        format!("item {id:?}: href {href:?} points outside the container"),
                    );
                    continue;
                }
            }
        };
        items.push(Item {
            id,
            path,
            href,
            media_type: e.attr("media-type").unwrap_or("").trim().to_string(),
            properties: e
                .attr("properties")
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            fallback: e.attr("fallback").map(|f| f.trim().to_string()),
            line: e.line,
            column: e.column,
        });
    }
    // Duplicates, found on the finished list (borrowed keys: no copies).
    let mut ids: HashSet<&str> = HashSet::new();
    let mut paths: HashSet<&str> = HashSet::new();
    for it in &items {
        let at = Location::entry_at(opf_path, it.line, it.column);
        if !ids.insert(&it.id) {
            sink.error(
                "epub.opf.manifest-duplicate",
                at.clone(),
                format!("two manifest items have id {:?}", it.id),
            );
        }
        if let Some(p) = &it.path
            && !paths.insert(p)
        {
            sink.error(
                "epub.opf.manifest-duplicate",
                at,
                format!("two manifest items name the file {p:?}"),
            );
        }
    }
    for it in &items {
        let Some(path) = &it.path else { continue };
        let loc = Location::entry_at(opf_path, it.line, it.column);
        if !c.contains(path) {
            sink.error(
                "epub.opf.manifest-missing-file",
                loc,
                format!(
                    "manifest item {:?} names {path:?} (href {:?}), which is not in the container",
                    it.id, it.href
                ),
            );
            continue;
        }
        check_image_type(c, it, path, loc, sink);
    }
    let mut names: Vec<&String> = c.names.iter().collect();
    names.sort();
    for n in names {
        if n == "mimetype" || n.starts_with("META-INF/") || *n == opf_path || n.ends_with('/') {
            continue;
        }
        if !paths.contains(n.as_str()) {
            sink.report(
                "epub.opf.file-not-in-manifest",
                Location::entry(n),
                format!("{n:?} is in the container but not in the manifest"),
            );
        }
    }
    items
}

/// An image whose bytes are another type than declared (OPF-029), or
/// whose extension names another type than its bytes (PKG-022).
fn check_image_type(c: &mut Container, it: &Item, path: &str, loc: Location, sink: &mut Sink) {
    let declared_image = sniff_declared(&it.media_type);
    let by_ext = image_type_of_extension(path);
    if !declared_image && by_ext.is_none() {
        return;
    }
    let Ok(data) = c.read(path) else { return };
    let Some(actual) = sniff_image(&data) else {
        return;
    };
    if declared_image && actual != it.media_type {
        sink.report(
            "epub.opf.media-type",
            loc.clone(),
            format!(
                "{path:?} is declared {:?} but its content is {actual}",
                it.media_type
            ),
        );
    }
    if let Some(ext) = by_ext
        && ext != actual
    {
        sink.report(
            "epub.opf.extension",
            loc,
            format!("{path:?} is a {actual} image with the extension of {ext}"),
        );
    }
}

fn sniff_declared(m: &str) -> bool {
    matches!(m, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
}

/// Checks the spine; returns the spine's paths and its `toc` attribute.
fn check_spine(
    opf: &Element,
    opf_path: &str,
    items: &[Item],
    epub3: bool,
    sink: &mut Sink,
) -> (Vec<String>, Option<String>) {
    let at = |e: &Element| Location::entry_at(opf_path, e.line, e.column);
    let by_id: HashMap<&str, &Item> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut spine: Vec<String> = Vec::new();
    let spine_el = opf.elements().find(|e| e.is(OPF_NS, "spine"));
    let toc = spine_el.and_then(|s| s.attr("toc").map(|t| t.trim().to_string()));
    for e in spine_el
        .into_iter()
        .flat_map(|s| s.elements().filter(|e| e.is(OPF_NS, "itemref")))
    {
        let idref = e.attr("idref").unwrap_or("").trim();
        let Some(it) = by_id.get(idref) else {
            sink.error(
                "epub.opf.spine-idref",
                at(e),
                format!("spine itemref idref={idref:?} names no manifest item"),
            );
            continue;
        };
        if !reaches_content_document(it, &by_id, epub3) {
            sink.error(
                "epub.opf.spine-not-xhtml",
                at(e),
                format!(
                    "spine item {idref:?} has media-type {:?}, which is no {} content document, and no fallback leads to one",
                    it.media_type,
                    if epub3 { "EPUB 3 (XHTML or SVG)" } else { "EPUB 2 (XHTML or DTBook)" }
                ),
            );
        }
        if let Some(p) = &it.path {
            spine.push(p.clone());
        }
    }
    (spine, toc)
}

/// Is the item, or an item of its fallback chain, a content document?
fn reaches_content_document(it: &Item, by_id: &HashMap<&str, &Item>, epub3: bool) -> bool {
    let ok = |m: &str| {
        if epub3 {
            matches!(m, "application/xhtml+xml" | "image/svg+xml")
        } else {
            matches!(
                m,
                "application/xhtml+xml" | "application/x-dtbook+xml" | "text/x-oeb1-document"
            )
        }
    };
    let mut cur: &Item = it;
    for _ in 0..64 {
        if ok(&cur.media_type) {
            return true;
        }
        match cur.fallback.as_deref().and_then(|f| by_id.get(f)) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    false
}

/// EPUB 2: the spine's `toc` names the NCX.
fn check_ncx_declared(pkg: &Package, toc: Option<&str>, sink: &mut Sink) {
    let item = toc.and_then(|t| pkg.items.iter().find(|i| i.id == t));
    let problem = match (toc, item) {
        (None, _) => "the <spine> has no toc attribute naming the NCX".to_string(),
        (Some(t), None) => format!("the spine's toc={t:?} names no manifest item"),
        (Some(t), Some(i)) if i.media_type != "application/x-dtbncx+xml" => format!(
            "the spine's toc={t:?} names an item of type {:?}, not application/x-dtbncx+xml",
            i.media_type
        ),
        _ => return,
    };
    sink.error("epub.opf.ncx-missing", Location::entry(&pkg.path), problem);
}

/// The count of placeholders bindery recorded (`--missing placeholder`):
/// `<meta name="bindery:placeholders" content="N"/>`.
fn check_placeholders(meta: &[&Element], opf_path: &str, sink: &mut Sink) {
    let key = crate::fonts::coverage::PLACEHOLDER_KEY;
    for e in meta {
        if e.is(OPF_NS, "meta") && e.attr("name").map(str::trim) == Some(key) {
            let n = e.attr("content").unwrap_or("?").trim();
            sink.report(
                "text.placeholder",
                Location::entry(opf_path),
                format!("{n} character(s) no font had are shown as 〓 (built with --missing placeholder): a proof, not for distribution"),
            );
        }
    }
}
