//! EPUB rules: the ZIP container, container.xml, the package document,
//! XHTML and navigation documents, links, and glyph coverage of the
//! embedded fonts the CSS selects.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read};

use rustybuzz::ttf_parser;

use super::css::{self, ElementKey, Stylesheet};
use super::xml::{self, DC_NS, EPUB_NS, Element, Node, OPF_NS, XHTML_NS, XML_NS, XmlError};
use super::{CheckOptions, Location, Sink};

/// Most entries in a container.
const MAX_ENTRIES: usize = 10_000;
/// Largest entry read (uncompressed).
const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;
/// Largest sum of the declared uncompressed sizes.
const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Most bytes read out of the container in total.
const MAX_READ_BYTES: u64 = 96 * 1024 * 1024;
/// Highest compression ratio accepted for entries over [`RATIO_FROM`].
const MAX_RATIO: u64 = 200;
/// Entries from this size on are judged by their ratio: smaller ones are
/// bounded by the size limits, and repetitive text may compress past 200:1.
const RATIO_FROM: u64 = 8 * 1024 * 1024;
/// Most selector tests (elements × rules) per document for coverage.
const MAX_STYLE_STEPS: usize = 20_000_000;
/// Missing characters listed per document before a summary.
const MAX_MISSING_LISTED: usize = 100;

/// An entry as listed in the central directory.
#[derive(Debug, Clone)]
struct CdEntry {
    name: String,
    method: u16,
    compressed: u64,
    size: u64,
}

/// Reads the central directory by hand: names, sizes, methods. The zip
/// crate refuses some containers (duplicate names) whose faults we want
/// to name precisely.
fn central_directory(b: &[u8]) -> Result<Vec<CdEntry>, String> {
    let u16at =
        |o: usize| -> Option<u16> { b.get(o..o + 2).map(|x| u16::from_le_bytes([x[0], x[1]])) };
    let u32at = |o: usize| -> Option<u32> {
        b.get(o..o + 4)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
    };
    let start = b.len().saturating_sub(22 + 65535);
    let eocd = (start..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b[i..i + 4] == *b"PK\x05\x06")
        .ok_or("no end of central directory record: the ZIP is truncated or not a ZIP")?;
    let count = u16at(eocd + 10).ok_or("truncated end record")? as usize;
    let cd_off = u32at(eocd + 16).ok_or("truncated end record")? as usize;
    if count > MAX_ENTRIES {
        return Err(format!("{count} entries (limit {MAX_ENTRIES})"));
    }
    let mut out = Vec::with_capacity(count);
    let mut p = cd_off;
    for _ in 0..count {
        if u32at(p) != Some(0x0201_4b50) {
            return Err(format!("bad central directory entry at byte {p}"));
        }
        let method = u16at(p + 10).ok_or("truncated central directory")?;
        let compressed = u32at(p + 20).ok_or("truncated central directory")? as u64;
        let size = u32at(p + 24).ok_or("truncated central directory")? as u64;
        let nlen = u16at(p + 28).ok_or("truncated central directory")? as usize;
        let elen = u16at(p + 30).ok_or("truncated central directory")? as usize;
        let clen = u16at(p + 32).ok_or("truncated central directory")? as usize;
        let name = b
            .get(p + 46..p + 46 + nlen)
            .ok_or("truncated central directory")?;
        out.push(CdEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed,
            size,
        });
        p += 46 + nlen + elen + clen;
    }
    Ok(out)
}

fn unsafe_path(name: &str) -> Option<&'static str> {
    if name.starts_with('/') {
        Some("is absolute")
    } else if name.contains('\\') {
        Some("contains a backslash")
    } else if name.split('/').any(|c| c == "..") {
        Some("contains a '..' component")
    } else if name.len() >= 2 && name.as_bytes()[1] == b':' {
        Some("starts with a drive letter")
    } else if name.contains('\0') {
        Some("contains a NUL character")
    } else {
        None
    }
}

/// The container, read under limits.
struct Container<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: HashSet<String>,
    read_total: u64,
}

impl Container<'_> {
    fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let mut f = self.zip.by_name(name).map_err(|e| e.to_string())?;
        if f.size() > MAX_ENTRY_BYTES {
            return Err(format!(
                "{} bytes uncompressed (limit {MAX_ENTRY_BYTES})",
                f.size()
            ));
        }
        let budget = (MAX_ENTRY_BYTES).min(MAX_READ_BYTES.saturating_sub(self.read_total));
        let mut out = Vec::new();
        // The declared size may lie: read at most one byte past the budget.
        (&mut f)
            .take(budget + 1)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        if out.len() as u64 > budget {
            return Err(format!(
                "decompresses past the limit of {budget} bytes (declared {} bytes): a ZIP bomb",
                f.size()
            ));
        }
        self.read_total += out.len() as u64;
        Ok(out)
    }
}

pub fn check_epub(bytes: &[u8], opts: &CheckOptions, sink: &mut Sink) {
    check_mimetype_header(bytes, sink);
    let cd = match central_directory(bytes) {
        Ok(cd) => cd,
        Err(e) => {
            let rule = if e.contains("limit") {
                "epub.zip.limits"
            } else {
                "epub.zip.invalid"
            };
            sink.error(
                rule,
                Location::none(),
                format!("cannot read the ZIP container: {e}"),
            );
            return;
        }
    };
    let mut fatal = false;
    let mut seen = HashSet::new();
    let mut total: u64 = 0;
    for e in &cd {
        if let Some(why) = unsafe_path(&e.name) {
            sink.error(
                "epub.zip.unsafe-path",
                Location::entry(&e.name),
                format!("entry name {:?} {why}: extracting it could write outside the target folder (zip-slip)", e.name),
            );
            fatal = true;
        }
        if !seen.insert(e.name.clone()) {
            sink.error(
                "epub.zip.duplicate-name",
                Location::entry(&e.name),
                format!("two entries are named {:?}", e.name),
            );
            fatal = true;
        }
        total = total.saturating_add(e.size);
        if e.size > MAX_ENTRY_BYTES
            || (e.size > RATIO_FROM && e.size / e.compressed.max(1) > MAX_RATIO)
        {
            sink.error(
                "epub.zip.limits",
                Location::entry(&e.name),
                format!(
                    "entry decompresses to {} bytes from {} (limit {} bytes, ratio {}:1): a ZIP bomb",
                    e.size, e.compressed, MAX_ENTRY_BYTES, MAX_RATIO
                ),
            );
            fatal = true;
        }
        if e.method != 0 && e.method != 8 {
            sink.error(
                "epub.zip.invalid",
                Location::entry(&e.name),
                format!(
                    "compression method {} (only stored and deflate are allowed)",
                    e.method
                ),
            );
        }
    }
    if total > MAX_TOTAL_BYTES {
        sink.error(
            "epub.zip.limits",
            Location::none(),
            format!("the entries decompress to {total} bytes in total (limit {MAX_TOTAL_BYTES}): a ZIP bomb"),
        );
        fatal = true;
    }
    if fatal {
        return;
    }
    let zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            sink.error(
                "epub.zip.invalid",
                Location::none(),
                format!("cannot read the ZIP container: {e}"),
            );
            return;
        }
    };
    let mut c = Container {
        zip,
        names: cd.iter().map(|e| e.name.clone()).collect(),
        read_total: 0,
    };
    check_package(&mut c, opts, sink);
}

fn check_mimetype_header(b: &[u8], sink: &mut Sink) {
    let u16at = |o: usize| {
        b.get(o..o + 2)
            .map(|x| u16::from_le_bytes([x[0], x[1]]))
            .unwrap_or(0)
    };
    let nlen = u16at(26) as usize;
    let elen = u16at(28) as usize;
    let name = b.get(30..30 + nlen).unwrap_or(b"");
    let loc = Location::entry("mimetype");
    if name != b"mimetype" {
        sink.error(
            "epub.zip.mimetype-first",
            Location::none(),
            format!(
                "the first entry is {:?}, not \"mimetype\"",
                String::from_utf8_lossy(name)
            ),
        );
        return;
    }
    if u16at(8) != 0 {
        sink.error(
            "epub.zip.mimetype-stored",
            loc.clone(),
            "\"mimetype\" is compressed; it must be stored",
        );
    }
    if elen != 0 {
        sink.error(
            "epub.zip.mimetype-extra-field",
            loc.clone(),
            format!("\"mimetype\" has a {elen}-byte extra field"),
        );
    }
    if u16at(8) == 0 {
        let size = b
            .get(22..26)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
            .unwrap_or(0) as usize;
        // With a data descriptor (flag bit 3) the local sizes are zero.
        let size = if size == 0 && u16at(6) & 8 != 0 {
            20
        } else {
            size
        };
        let data = b
            .get(30 + nlen + elen..30 + nlen + elen + size)
            .unwrap_or(b"");
        if data != b"application/epub+zip" {
            sink.error(
                "epub.zip.mimetype-content",
                loc,
                format!(
                    "\"mimetype\" contains {:?}, not \"application/epub+zip\"",
                    String::from_utf8_lossy(&data[..data.len().min(60)])
                ),
            );
        }
    }
}

/// Parses an XML entry; reports why it cannot be.
fn parse_xml(c: &mut Container, name: &str, sink: &mut Sink) -> Option<Element> {
    let data = match c.read(name) {
        Ok(d) => d,
        Err(e) => {
            let (rule, what) = if e.contains("ZIP bomb") || e.contains("larger than its declared") {
                (
                    "epub.zip.limits",
                    " (it inflates past its declared size: a ZIP bomb)",
                )
            } else {
                ("epub.zip.entry-unreadable", "")
            };
            sink.error(
                rule,
                Location::entry(name),
                format!("cannot read: {e}{what}"),
            );
            return None;
        }
    };
    let text = match std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&data)) {
        Ok(t) => t.to_string(),
        Err(e) => {
            sink.error(
                "epub.xml.malformed",
                Location::entry(name),
                format!("not UTF-8: {e}"),
            );
            return None;
        }
    };
    match xml::parse(&text) {
        Ok(e) => Some(e),
        Err(XmlError::Malformed(m, l, col)) => {
            sink.error(
                "epub.xml.malformed",
                Location::entry_at(name, l, col),
                format!("not well-formed XML: {m}"),
            );
            None
        }
        Err(XmlError::Entities(m, l, col)) => {
            sink.error(
                "epub.xml.doctype-entity",
                Location::entry_at(name, l, col),
                m,
            );
            None
        }
    }
}

/// Percent-decodes a URL path.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| super::pdfread::hex_val(*c)),
                b.get(i + 2).and_then(|c| super::pdfread::hex_val(*c)),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves `href` against the folder of `base` (a container path).
/// None when it climbs out of the container.
fn resolve(base: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = match base.rfind('/') {
        Some(i) => base[..i].split('/').collect(),
        None => Vec::new(),
    };
    let decoded = percent_decode(href);
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    // `parts` borrows `decoded`; build the string before it goes.
    Some(parts.join("/"))
}

fn is_external(href: &str) -> bool {
    match href.find(':') {
        Some(i) => !href[..i].contains(['/', '#', '?']),
        None => false,
    }
}

#[derive(Debug, Clone)]
struct Item {
    id: String,
    path: String,
    href: String,
    media_type: String,
    properties: Vec<String>,
    line: u32,
    column: u32,
}

fn expected_media_types(path: &str) -> Option<&'static [&'static str]> {
    let ext = path.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "xhtml" | "html" | "htm" => &["application/xhtml+xml"],
        "css" => &["text/css"],
        "otf" => &[
            "font/otf",
            "application/font-sfnt",
            "application/vnd.ms-opentype",
            "application/x-font-opentype",
        ],
        "ttf" => &[
            "font/ttf",
            "application/font-sfnt",
            "application/x-font-ttf",
            "application/x-font-truetype",
        ],
        "woff" => &["font/woff", "application/font-woff"],
        "woff2" => &["font/woff2"],
        "jpg" | "jpeg" => &["image/jpeg"],
        "png" => &["image/png"],
        "gif" => &["image/gif"],
        "webp" => &["image/webp"],
        "svg" => &["image/svg+xml"],
        "ncx" => &["application/x-dtbncx+xml"],
        "js" => &[
            "application/javascript",
            "text/javascript",
            "application/ecmascript",
        ],
        "smil" => &["application/smil+xml"],
        "mp3" => &["audio/mpeg"],
        _ => return None,
    })
}

/// What each XHTML document offers to links: its ids.
struct Doc {
    root: Element,
    ids: HashSet<String>,
}

fn check_package(c: &mut Container, opts: &CheckOptions, sink: &mut Sink) {
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
    if !c.names.contains(&opf_path) {
        sink.error(
            "epub.container.rootfile",
            Location::entry(CONTAINER),
            format!(
                "the package document {opf_path:?} named by container.xml is not in the container"
            ),
        );
        return;
    }
    let Some(opf) = parse_xml(c, &opf_path, sink) else {
        return;
    };
    let at = |e: &Element| Location::entry_at(&opf_path, e.line, e.column);
    let all = opf.descendants();
    let metadata: Vec<&Element> = all
        .iter()
        .copied()
        .filter(|e| e.is(OPF_NS, "metadata"))
        .collect::<Vec<_>>();
    let meta_children: Vec<&Element> = metadata.iter().flat_map(|m| m.descendants()).collect();

    // The unique identifier's value: the key of obfuscated fonts.
    let uid_value: String = opf
        .attr("unique-identifier")
        .and_then(|uid| {
            meta_children
                .iter()
                .find(|e| e.is(DC_NS, "identifier") && e.attr("id") == Some(uid))
                .map(|e| e.text())
        })
        .unwrap_or_default();
    // Unique identifier.
    match opf.attr("unique-identifier") {
        None => sink.error(
            "epub.opf.unique-identifier",
            at(&opf),
            "<package> has no unique-identifier attribute",
        ),
        Some(uid) => {
            let found = meta_children.iter().any(|e| {
                e.is(DC_NS, "identifier")
                    && e.attr("id") == Some(uid)
                    && !e.text().trim().is_empty()
            });
            if !found {
                sink.error(
                    "epub.opf.unique-identifier",
                    at(&opf),
                    format!("unique-identifier=\"{uid}\" names no non-empty <dc:identifier id=\"{uid}\">"),
                );
            }
        }
    }
    if !meta_children
        .iter()
        .any(|e| e.is(DC_NS, "title") && !e.text().trim().is_empty())
    {
        sink.error(
            "epub.opf.title",
            Location::entry(&opf_path),
            "the package has no non-empty <dc:title>",
        );
    }
    if !meta_children
        .iter()
        .any(|e| e.is(DC_NS, "language") && !e.text().trim().is_empty())
    {
        sink.error(
            "epub.opf.language",
            Location::entry(&opf_path),
            "the package has no <dc:language>",
        );
    }
    let modified: Vec<String> = meta_children
        .iter()
        .filter(|e| e.is(OPF_NS, "meta") && e.attr("property") == Some("dcterms:modified"))
        .map(|e| e.text().trim().to_string())
        .collect();
    match modified.as_slice() {
        [] => sink.error(
            "epub.opf.modified",
            Location::entry(&opf_path),
            "no <meta property=\"dcterms:modified\">",
        ),
        [m] if valid_modified(m) => {}
        [m] => sink.error(
            "epub.opf.modified",
            Location::entry(&opf_path),
            format!("dcterms:modified is {m:?}, not CCYY-MM-DDThh:mm:ssZ"),
        ),
        _ => sink.error(
            "epub.opf.modified",
            Location::entry(&opf_path),
            "more than one dcterms:modified",
        ),
    }

    // Manifest.
    let mut items: Vec<Item> = Vec::new();
    let mut ids = HashSet::new();
    let mut paths = HashSet::new();
    for e in all.iter().filter(|e| e.is(OPF_NS, "item")) {
        let id = e.attr("id").unwrap_or("").to_string();
        let href = e.attr("href").unwrap_or("").to_string();
        let Some(path) = resolve(&opf_path, href.split('#').next().unwrap_or(""))
            .filter(|_| !is_external(&href))
        else {
            if !is_external(&href) {
                sink.error(
                    "epub.opf.manifest-missing-file",
                    at(e),
                    format!("item {id:?}: href {href:?} points outside the container"),
                );
            }
            continue;
        };
        if !ids.insert(id.clone()) {
            sink.error(
                "epub.opf.manifest-duplicate",
                at(e),
                format!("two manifest items have id {id:?}"),
            );
        }
        if !paths.insert(path.clone()) {
            sink.error(
                "epub.opf.manifest-duplicate",
                at(e),
                format!("two manifest items name the file {path:?}"),
            );
        }
        items.push(Item {
            id,
            path,
            href,
            media_type: e.attr("media-type").unwrap_or("").to_string(),
            properties: e
                .attr("properties")
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            line: e.line,
            column: e.column,
        });
    }
    for it in &items {
        let loc = Location::entry_at(&opf_path, it.line, it.column);
        if !c.names.contains(&it.path) {
            sink.error(
                "epub.opf.manifest-missing-file",
                loc.clone(),
                format!(
                    "manifest item {:?} names {:?} (href {:?}), which is not in the container",
                    it.id, it.path, it.href
                ),
            );
        }
        if let Some(exp) = expected_media_types(&it.path)
            && !exp.contains(&it.media_type.as_str())
        {
            sink.error(
                "epub.opf.media-type",
                loc,
                format!(
                    "{:?} has media-type {:?}; expected {}",
                    it.path, it.media_type, exp[0]
                ),
            );
        }
    }
    let mut names: Vec<&String> = c.names.iter().collect();
    names.sort();
    for n in names {
        if n == "mimetype" || n.starts_with("META-INF/") || *n == opf_path || n.ends_with('/') {
            continue;
        }
        if !paths.contains(n) {
            sink.warning(
                "epub.opf.file-not-in-manifest",
                Location::entry(n),
                format!("{n:?} is in the container but not in the manifest"),
            );
        }
    }
    let by_id: HashMap<&str, &Item> = items.iter().map(|i| (i.id.as_str(), i)).collect();

    // Spine.
    let mut spine: Vec<String> = Vec::new();
    for e in all.iter().filter(|e| e.is(OPF_NS, "itemref")) {
        let idref = e.attr("idref").unwrap_or("");
        match by_id.get(idref) {
            None => sink.error(
                "epub.opf.spine-idref",
                at(e),
                format!("spine itemref idref={idref:?} names no manifest item"),
            ),
            Some(it) => {
                if it.media_type != "application/xhtml+xml" {
                    sink.error(
                        "epub.opf.spine-not-xhtml",
                        at(e),
                        format!("spine item {idref:?} ({}) has media-type {:?}, not application/xhtml+xml", it.path, it.media_type),
                    );
                }
                spine.push(it.path.clone());
            }
        }
    }
    let nav = items
        .iter()
        .find(|i| i.properties.iter().any(|p| p == "nav"))
        .cloned();
    if nav.is_none() {
        sink.error(
            "epub.opf.nav-missing",
            Location::entry(&opf_path),
            "no manifest item has properties=\"nav\"",
        );
    }

    // XHTML documents.
    let mut docs: BTreeMap<String, Doc> = BTreeMap::new();
    let xhtml: Vec<&Item> = items
        .iter()
        .filter(|i| i.media_type == "application/xhtml+xml" && c.names.contains(&i.path))
        .collect();
    for it in xhtml {
        let Some(root) = parse_xml(c, &it.path, sink) else {
            continue;
        };
        let loc = Location::entry_at(&it.path, root.line, root.column);
        if !root.is(XHTML_NS, "html") {
            sink.error(
                "epub.xhtml.namespace",
                loc.clone(),
                format!(
                    "the root element is <{}> in namespace {:?}, not <html> in {XHTML_NS}",
                    root.local, root.ns
                ),
            );
        }
        match root.attr_ns(XML_NS, "lang") {
            Some(l) if !l.trim().is_empty() => {}
            _ => sink.error("epub.xhtml.lang", loc, "the <html> element has no xml:lang"),
        }
        let ids: HashSet<String> = root
            .descendants()
            .iter()
            .filter_map(|e| e.attr("id").map(str::to_string))
            .collect();
        docs.insert(it.path.clone(), Doc { root, ids });
    }

    // Navigation document.
    if let Some(nav) = &nav
        && let Some(doc) = docs.get(&nav.path)
    {
        check_nav(&nav.path, doc, &spine, sink);
    }

    // Links.
    for (path, doc) in &docs {
        for e in doc.root.descendants() {
            let refs = [
                ("a", "href"),
                ("link", "href"),
                ("img", "src"),
                ("script", "src"),
                ("source", "src"),
                ("audio", "src"),
                ("video", "src"),
            ];
            for (tag, attr) in refs {
                if e.local != tag || e.ns != XHTML_NS {
                    continue;
                }
                let Some(href) = e.attr(attr) else { continue };
                check_link(path, href, e, &docs, &c.names, sink);
            }
        }
    }

    // Glyph coverage.
    let obfuscated = obfuscated_fonts(c, sink);
    let key = idpf_key(&uid_value);
    let font_key = |path: &str| obfuscated.contains(path).then_some(key);
    check_coverage(c, &items, &docs, &font_key, opts, sink);
}

fn valid_modified(m: &str) -> bool {
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

fn check_link(
    path: &str,
    href: &str,
    e: &Element,
    docs: &BTreeMap<String, Doc>,
    names: &HashSet<String>,
    sink: &mut Sink,
) {
    let href = href.trim();
    if href.is_empty() || is_external(href) {
        return;
    }
    let (file, frag) = match href.split_once('#') {
        Some((f, fr)) => (f, Some(fr)),
        None => (href, None),
    };
    let file = file.split('?').next().unwrap_or("");
    let loc = Location::entry_at(path, e.line, e.column);
    let target = if file.is_empty() {
        path.to_string()
    } else {
        match resolve(path, file) {
            Some(t) => t,
            None => {
                sink.error(
                    "epub.link.broken",
                    loc,
                    format!("{href:?} points outside the container"),
                );
                return;
            }
        }
    };
    if !names.contains(&target) {
        sink.error(
            "epub.link.broken",
            loc,
            format!("{href:?} points to {target:?}, which is not in the container"),
        );
        return;
    }
    if let Some(frag) = frag.filter(|f| !f.is_empty())
        && let Some(doc) = docs.get(&target)
    {
        let frag = percent_decode(frag);
        if !doc.ids.contains(&frag) {
            sink.error(
                "epub.link.fragment",
                loc,
                format!("{href:?}: {target:?} has no element with id {frag:?}"),
            );
        }
    }
}

fn check_nav(path: &str, doc: &Doc, spine: &[String], sink: &mut Sink) {
    let toc = doc.root.descendants().into_iter().find(|e| {
        e.local == "nav"
            && e.attr_ns(EPUB_NS, "type")
                .is_some_and(|t| t.split_whitespace().any(|x| x == "toc"))
    });
    let Some(toc) = toc else {
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
    let mut last: Option<(usize, String)> = None;
    for a in links {
        let href = a.attr("href").unwrap_or("");
        let file = href.split('#').next().unwrap_or("");
        let Some(target) = (if file.is_empty() {
            Some(path.to_string())
        } else {
            resolve(path, file)
        }) else {
            continue;
        };
        let Some(idx) = spine.iter().position(|s| *s == target) else {
            continue;
        };
        if let Some((prev, prev_href)) = &last
            && idx < *prev
        {
            sink.error(
                "epub.nav.toc-order",
                Location::entry_at(path, a.line, a.column),
                format!("TOC entry {:?} ({href}) is spine item {} but comes after {prev_href} (spine item {})", a.text().trim(), idx + 1, prev + 1),
            );
        }
        last = Some((idx, href.to_string()));
    }
}

/// Fonts obfuscated with the IDPF algorithm, from META-INF/encryption.xml.
fn obfuscated_fonts(c: &mut Container, sink: &mut Sink) -> HashSet<String> {
    const ENC: &str = "META-INF/encryption.xml";
    let mut out = HashSet::new();
    if !c.names.contains(ENC) {
        return out;
    }
    let Some(root) = parse_xml(c, ENC, sink) else {
        return out;
    };
    for data in root
        .descendants()
        .into_iter()
        .filter(|e| e.local == "EncryptedData")
    {
        let all = data.descendants();
        let idpf = all.iter().any(|e| {
            e.local == "EncryptionMethod"
                && e.attr("Algorithm") == Some("http://www.idpf.org/2008/embedding")
        });
        let uri = all
            .iter()
            .find(|e| e.local == "CipherReference")
            .and_then(|e| e.attr("URI"));
        if idpf && let Some(uri) = uri {
            out.insert(percent_decode(uri));
        }
    }
    out
}

/// The IDPF font obfuscation key: SHA-1 of the unique identifier with
/// spaces, tabs and line ends removed.
fn idpf_key(uid: &str) -> [u8; 20] {
    let clean: String = uid
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    sha1_smol::Sha1::from(clean.as_bytes()).digest().bytes()
}

/// Undoes (or applies: it is its own inverse) IDPF obfuscation: the first
/// 1040 bytes XORed with the key.
pub fn deobfuscate(data: &mut [u8], key: &[u8; 20]) {
    for (i, b) in data.iter_mut().take(1040).enumerate() {
        *b ^= key[i % 20];
    }
}

// ---------------------------------------------------------------- coverage

/// A loaded @font-face font.
struct LoadedFace {
    family: String,
    weight: u16,
    path: String,
    data: Vec<u8>,
}

fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x00AD | 0x180B..=0x180F | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2069 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}

fn check_coverage(
    c: &mut Container,
    items: &[Item],
    docs: &BTreeMap<String, Doc>,
    font_key: &dyn Fn(&str) -> Option<[u8; 20]>,
    opts: &CheckOptions,
    sink: &mut Sink,
) {
    // Every stylesheet, parsed once.
    let mut sheets: HashMap<String, Stylesheet> = HashMap::new();
    let mut faces: Vec<LoadedFace> = Vec::new();
    let mut face_srcs_done: HashSet<(String, String)> = HashSet::new();
    let css_items: Vec<&Item> = items
        .iter()
        .filter(|i| i.media_type == "text/css" && c.names.contains(&i.path))
        .collect::<Vec<_>>();
    for it in css_items {
        match c.read(&it.path) {
            Ok(data) => {
                sheets.insert(it.path.clone(), css::parse(&String::from_utf8_lossy(&data)));
            }
            Err(e) => sink.error(
                "epub.zip.entry-unreadable",
                Location::entry(&it.path),
                format!("cannot read: {e}"),
            ),
        }
    }
    // Inline <style> elements, keyed by document.
    let mut inline: HashMap<String, Stylesheet> = HashMap::new();
    for (path, doc) in docs {
        let mut text = String::new();
        for e in doc.root.descendants() {
            if e.local == "style" {
                text.push_str(&e.text());
                text.push('\n');
            }
        }
        if !text.is_empty() {
            inline.insert(path.clone(), css::parse(&text));
        }
    }
    let mut sheet_paths: Vec<String> = sheets.keys().cloned().collect();
    sheet_paths.sort();
    let all_sheets: Vec<(String, &Stylesheet)> = sheet_paths
        .iter()
        .map(|p| (p.clone(), &sheets[p]))
        .chain(inline.iter().map(|(p, s)| (p.clone(), s)))
        .collect();
    for (base, sheet) in &all_sheets {
        for f in &sheet.faces {
            let Some(src) = f.src.iter().find(|s| !is_external(s)) else {
                continue;
            };
            let Some(path) = resolve(base, src) else {
                sink.error(
                    "epub.font.missing",
                    Location::entry(base),
                    format!(
                        "@font-face {:?}: src {src:?} points outside the container",
                        f.family
                    ),
                );
                continue;
            };
            if !face_srcs_done.insert((f.family.clone(), path.clone())) {
                continue;
            }
            if !c.names.contains(&path) {
                sink.error(
                    "epub.font.missing",
                    Location::entry(base),
                    format!(
                        "@font-face {:?}: {path:?} is not in the container",
                        f.family
                    ),
                );
                continue;
            }
            match c.read(&path).map(|mut d| {
                if let Some(k) = font_key(&path) {
                    deobfuscate(&mut d, &k);
                }
                d
            }) {
                Ok(data) => match ttf_parser::Face::parse(&data, 0) {
                    Ok(_) => faces.push(LoadedFace {
                        family: f.family.clone(),
                        weight: f.weight,
                        path: path.clone(),
                        data,
                    }),
                    Err(e) => sink.error(
                        "epub.font.unreadable",
                        Location::entry(&path),
                        format!("@font-face {:?}: the font cannot be parsed ({e}); WOFF, WOFF2 and Adobe-obfuscated fonts are not read by the checker (IDPF obfuscation is undone)", f.family),
                    ),
                },
                Err(e) => sink.error("epub.font.unreadable", Location::entry(&path), format!("cannot read: {e}")),
            }
        }
    }
    let parsed: Vec<(usize, ttf_parser::Face)> = faces
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            ttf_parser::Face::parse(&f.data, 0)
                .ok()
                .map(|face| (i, face))
        })
        .collect();

    for (path, doc) in docs {
        // The stylesheets that apply, in cascade order.
        let mut applied: Vec<&Stylesheet> = Vec::new();
        for e in doc.root.descendants() {
            if e.local == "link"
                && e.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|x| x.eq_ignore_ascii_case("stylesheet"))
                })
                && let Some(href) = e.attr("href")
                && let Some(p) = resolve(path, href)
                && let Some(s) = sheets.get(&p)
            {
                applied.push(s);
            }
        }
        if let Some(s) = inline.get(path) {
            applied.push(s);
        }
        let Some(body) = doc.root.elements().find(|e| e.local == "body") else {
            continue;
        };
        let mut missing: BTreeMap<char, (usize, u32, u32, Vec<String>)> = BTreeMap::new();
        let mut none_selected: Option<(u32, u32, Vec<String>, char)> = None;
        let mut ancestors: Vec<ElementKey> = vec![key(&doc.root)];
        let root_style = style_for(&applied, &ancestors, &doc.root, &Style::default());
        let mut stack: Vec<(&Element, Style, usize)> = vec![(body, root_style, 1)];
        let rules_per_element: usize = applied.iter().map(|s| s.rules.len()).sum::<usize>().max(1);
        let mut steps = 0usize;
        // Depth-first walk keeping the ancestor path.
        while let Some((e, parent_style, depth)) = stack.pop() {
            steps += rules_per_element;
            if steps > MAX_STYLE_STEPS {
                sink.error(
                    "epub.limits",
                    Location::entry(path),
                    format!("too many elements × CSS rules to compute fonts (over {MAX_STYLE_STEPS}); glyph coverage not checked past this point"),
                );
                break;
            }
            ancestors.truncate(depth);
            ancestors.push(key(e));
            let st = style_for(&applied, &ancestors, e, &parent_style);
            if matches!(e.local.as_str(), "script" | "style") {
                // Not rendered text.
                continue;
            }
            for n in e.children.iter().rev() {
                if let Node::Element(child) = n {
                    stack.push((child, st.clone(), depth + 1));
                }
            }
            for n in &e.children {
                let Node::Text(t) = n else { continue };
                for ch in t.chars().filter(|c| !ignorable(*c)) {
                    match covered(ch, &st, &faces, &parsed, opts) {
                        Coverage::Yes => {}
                        Coverage::NoEmbeddedFont => {
                            if none_selected.is_none() {
                                none_selected = Some((e.line, e.column, st.family.clone(), ch));
                            }
                        }
                        Coverage::Missing(tried) => {
                            let m = missing.entry(ch).or_insert((0, e.line, e.column, tried));
                            m.0 += 1;
                        }
                    }
                }
            }
        }
        if let Some((line, column, fam, ch)) = none_selected {
            sink.error(
                "epub.font.none-selected",
                Location::entry_at(path, line, column),
                format!(
                    "text (first {:?}) is set in font-family [{}], which names no embedded @font-face font{}",
                    ch,
                    fam.join(", "),
                    if opts.allow_generic_fallback { "" } else { " (generic families count only with --allow-generic-fallback)" }
                ),
            );
        }
        let total = missing.len();
        for (i, (ch, (count, line, column, tried))) in missing.into_iter().enumerate() {
            if i == MAX_MISSING_LISTED {
                sink.error(
                    "epub.glyph-coverage",
                    Location::entry(path),
                    format!("and {} more missing characters", total - MAX_MISSING_LISTED),
                );
                break;
            }
            sink.error(
                "epub.glyph-coverage",
                Location::entry_at(path, line, column),
                format!(
                    "U+{:04X} {:?} ({} time{}) is in none of the fonts the CSS selects: {}",
                    ch as u32,
                    ch,
                    count,
                    if count == 1 { "" } else { "s" },
                    tried.join(", ")
                ),
            );
        }
    }
}

type Specificity = (u32, u32, u32);

#[derive(Debug, Clone)]
struct Style {
    family: Vec<String>,
    weight: u16,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            family: Vec::new(),
            weight: 400,
        }
    }
}

fn key(e: &Element) -> ElementKey {
    ElementKey {
        tag: e.local.to_ascii_lowercase(),
        classes: e
            .attr("class")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        id: e.attr("id").map(str::to_string),
    }
}

/// The computed family and weight of `e` (the last of `path`).
fn style_for(sheets: &[&Stylesheet], path: &[ElementKey], e: &Element, parent: &Style) -> Style {
    let mut st = parent.clone();
    // User-agent defaults for bold elements.
    if matches!(
        e.local.as_str(),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "b" | "strong" | "th"
    ) {
        st.weight = 700;
    }
    let mut fam: Option<(Specificity, usize, &Vec<String>)> = None;
    let mut wt: Option<(Specificity, usize, u16)> = None;
    let mut order = 0usize;
    for s in sheets {
        for r in &s.rules {
            order += 1;
            let best = r
                .selectors
                .iter()
                .filter(|sel| css::matches(sel, path))
                .map(|sel| sel.specificity)
                .max();
            let Some(spec) = best else { continue };
            if let Some(f) = &r.family
                && fam
                    .as_ref()
                    .is_none_or(|(s0, o0, _)| (spec, order) >= (*s0, *o0))
            {
                fam = Some((spec, order, f));
            }
            if let Some(w) = r.weight
                && wt
                    .as_ref()
                    .is_none_or(|(s0, o0, _)| (spec, order) >= (*s0, *o0))
            {
                wt = Some((spec, order, w));
            }
        }
    }
    if let Some((_, _, f)) = fam {
        apply_family(&mut st, f);
    }
    if let Some((_, _, w)) = wt {
        st.weight = w;
    }
    if let Some(style) = e.attr("style") {
        let (f, w) = css::inline_style(style);
        if let Some(f) = f {
            apply_family(&mut st, &f);
        }
        if let Some(w) = w {
            st.weight = w;
        }
    }
    st
}

/// Sets a computed `font-family`, honouring the CSS-wide keywords
/// (`font-family` is inherited, so `unset` and `revert` inherit too).
fn apply_family(st: &mut Style, f: &[String]) {
    match f {
        [k] if matches!(k.as_str(), "inherit" | "unset" | "revert" | "revert-layer") => {}
        [k] if k == "initial" => st.family.clear(),
        _ => st.family = f.to_vec(),
    }
}

enum Coverage {
    Yes,
    NoEmbeddedFont,
    /// The fonts tried.
    Missing(Vec<String>),
}

/// Is `ch` drawn by some font in the family list, as a reader falls back
/// family by family for each character?
fn covered(
    ch: char,
    st: &Style,
    faces: &[LoadedFace],
    parsed: &[(usize, ttf_parser::Face)],
    opts: &CheckOptions,
) -> Coverage {
    let mut tried = Vec::new();
    for fam in &st.family {
        if css::GENERIC.contains(&fam.as_str()) {
            if opts.allow_generic_fallback {
                return Coverage::Yes;
            }
            continue;
        }
        // Faces of this family; the weight closest to the wanted one.
        let best = parsed
            .iter()
            .filter(|(i, _)| faces[*i].family == *fam)
            .min_by_key(|(i, _)| (faces[*i].weight as i32 - st.weight as i32).abs());
        if let Some((i, face)) = best {
            if face.glyph_index(ch).is_some() {
                return Coverage::Yes;
            }
            tried.push(format!("{:?} ({})", fam, faces[*i].path));
        }
    }
    if tried.is_empty() {
        Coverage::NoEmbeddedFont
    } else {
        Coverage::Missing(tried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths() {
        assert_eq!(
            resolve("OEBPS/content.opf", "text/a%20b.xhtml").as_deref(),
            Some("OEBPS/text/a b.xhtml")
        );
        assert_eq!(
            resolve("OEBPS/text/a.xhtml", "../css/s.css").as_deref(),
            Some("OEBPS/css/s.css")
        );
        assert_eq!(resolve("a.xhtml", "../../x"), None);
        assert!(is_external("https://x.org/a"));
        assert!(!is_external("a.xhtml#x:y"));
    }

    #[test]
    fn modified_format() {
        assert!(valid_modified("2026-11-28T12:00:00Z"));
        assert!(!valid_modified("2026-11-28"));
    }
}
