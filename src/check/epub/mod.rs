//! EPUB rules: the ZIP container and the helpers every other part uses
//! (reading entries under limits, XML parsing, URL resolution). The package
//! document is judged in `package`, content documents and links in
//! `content`, fonts and glyph coverage in `coverage`.

mod content;
mod coverage;
mod package;

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use unicode_normalization::UnicodeNormalization;

use super::xml::{self, Element, XmlError};
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
    /// NFC form of each name -> the name, for references written in
    /// another normalization form (an NFD href to an NFC file name).
    nfc: HashMap<String, String>,
    read_total: u64,
}

/// The key two names collide on: NFC after full case folding (OPF-060).
fn folded(name: &str) -> String {
    caseless::default_case_fold_str(&name.nfc().collect::<String>())
        .nfc()
        .collect()
}

impl Container<'_> {
    /// The entry a resolved reference names: the exact name, else the one
    /// equal to it after Unicode normalization.
    fn lookup(&self, path: &str) -> Option<&str> {
        if let Some(n) = self.names.get(path) {
            return Some(n);
        }
        if path.is_ascii() {
            // ASCII is its own normal form.
            return None;
        }
        self.nfc
            .get(&path.nfc().collect::<String>())
            .map(String::as_str)
    }

    fn contains(&self, path: &str) -> bool {
        self.lookup(path).is_some()
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let name = self.lookup(name).unwrap_or(name).to_string();
        let mut f = self.zip.by_name(&name).map_err(|e| e.to_string())?;
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
    let mut folds: HashMap<String, String> = HashMap::new();
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
        } else if let Some(other) = folds.insert(folded(&e.name), e.name.clone()) {
            sink.error(
                "epub.zip.duplicate-name",
                Location::entry(&e.name),
                format!(
                    "entries {other:?} and {:?} have the same name after case folding and Unicode normalization",
                    e.name
                ),
            );
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
        nfc: cd
            .iter()
            .filter(|e| !e.name.is_ascii())
            .map(|e| (e.name.nfc().collect(), e.name.clone()))
            .collect(),
        read_total: 0,
    };
    package::check_package(&mut c, opts, sink);
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
    let bom = if data.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text = match std::str::from_utf8(&data[bom..]) {
        Ok(t) => t,
        Err(e) => {
            sink.error(
                "epub.xml.malformed",
                Location::entry(name),
                format!("not UTF-8: {e}"),
            );
            return None;
        }
    };
    match xml::parse(text) {
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

/// Fonts obfuscated with the IDPF algorithm, from META-INF/encryption.xml.
/// Each encrypted entry, with whether its algorithm is IDPF's (which the
/// checker undoes); other algorithms (Adobe's, DRM) leave it unreadable.
fn obfuscated_fonts(c: &mut Container, sink: &mut Sink) -> HashMap<String, bool> {
    const ENC: &str = "META-INF/encryption.xml";
    let mut out = HashMap::new();
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
        if let Some(uri) = uri {
            out.insert(percent_decode(uri), idpf);
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
    fn names_collide_after_folding() {
        assert_eq!(folded("Chapter.XHTML"), folded("chapter.xhtml"));
        assert_eq!(folded("cafe\u{301}.xhtml"), folded("caf\u{e9}.xhtml"));
        assert_eq!(folded("STRASSE"), folded("stra\u{df}e"));
        assert_ne!(folded("a.xhtml"), folded("b.xhtml"));
    }
}
