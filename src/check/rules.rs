//! The checker's rules: stable ids, severities and the profile each belongs
//! to. The default profile judges what every EPUB or PDF consumer needs;
//! `distribution` and `print-a4` add what a library needs from a CJK book
//! and what an office printer needs.

use super::Severity;

/// A named set of rules. `Default` always applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    Default,
    Distribution,
    PrintA4,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Distribution => "distribution",
            Profile::PrintA4 => "print-a4",
        }
    }

    /// `distribution` or `print-a4` (the default profile needs no naming).
    pub fn parse(s: &str) -> Result<Profile, String> {
        match s.to_ascii_lowercase().as_str() {
            "default" => Ok(Profile::Default),
            "distribution" => Ok(Profile::Distribution),
            "print-a4" => Ok(Profile::PrintA4),
            _ => Err(format!(
                "unknown profile {s:?}: use distribution or print-a4 (the default profile always applies)"
            )),
        }
    }

    fn bit(self) -> u8 {
        match self {
            Profile::Default => 1,
            Profile::Distribution => 2,
            Profile::PrintA4 => 4,
        }
    }
}

/// The profiles in force for one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profiles(u8);

impl Default for Profiles {
    fn default() -> Self {
        Profiles(Profile::Default.bit())
    }
}

impl Profiles {
    pub fn with(mut self, p: Profile) -> Self {
        self.0 |= p.bit();
        self
    }

    pub fn from_list(list: &[Profile]) -> Self {
        list.iter().fold(Profiles::default(), |acc, p| acc.with(*p))
    }

    pub fn has(self, p: Profile) -> bool {
        self.0 & p.bit() != 0
    }

    /// Names of the profiles in force, default first.
    pub fn names(self) -> Vec<&'static str> {
        [Profile::Default, Profile::Distribution, Profile::PrintA4]
            .into_iter()
            .filter(|p| self.has(*p))
            .map(Profile::name)
            .collect()
    }
}

/// A rule of the checker: its stable id, severity, profile and meaning.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub profile: Profile,
    pub summary: &'static str,
}

const fn r(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        profile: Profile::Default,
        summary,
    }
}

const fn dist(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        profile: Profile::Distribution,
        summary,
    }
}

const fn print(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        profile: Profile::PrintA4,
        summary,
    }
}

use Severity::{Error as E, Warning as W};

/// Every rule the checker applies. Ids are stable: CI scripts may rely on
/// them. EPUB severities follow EPUBCheck's for the same problem (its
/// message id in brackets): an error only where EPUBCheck reports one.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    r("file.unreadable", E, "the file cannot be read"),
    r("file.not-regular", E, "not a regular file (a device, FIFO or folder): refused before reading"),
    r("file.empty", E, "the file is empty"),
    r("file.too-large", E, "the file is larger than 256 MiB"),
    r("file.unknown-type", E, "the content is neither an EPUB (ZIP) nor a PDF"),
    r("internal.panic", E, "the checker failed on this file (a bug; the file is likely broken)"),
    r("epub.zip.invalid", E, "the ZIP container cannot be read [PKG-003, PKG-004]"),
    r("epub.zip.limits", E, "too many entries, or an entry too large or too compressed (ZIP bomb)"),
    r("epub.zip.entry-unreadable", E, "an entry cannot be decompressed (corrupt data or CRC mismatch) [PKG-008]"),
    r("epub.zip.mimetype-first", E, "the first entry is not `mimetype` [PKG-006]"),
    r("epub.zip.mimetype-stored", E, "`mimetype` is compressed instead of stored [PKG-007]"),
    r("epub.zip.mimetype-extra-field", E, "`mimetype` has an extra field in its local header [PKG-005]"),
    r("epub.zip.mimetype-content", E, "`mimetype` does not contain exactly `application/epub+zip` [PKG-007]"),
    r("epub.zip.unsafe-path", E, "an entry name is absolute, contains `..` or a backslash (zip-slip)"),
    r("epub.zip.duplicate-name", E, "two entries have the same name, also after case folding and Unicode normalization [OPF-060]"),
    r("epub.limits", E, "a document or stylesheet exceeds the checker's limits"),
    r("epub.container.missing", E, "`META-INF/container.xml` is missing [RSC-002]"),
    r("epub.container.rootfile", E, "container.xml names no package document, or one that is missing [RSC-003, OPF-002]"),
    r("epub.xml.malformed", E, "an XML document (container, OPF, XHTML, SVG, NCX) is not well-formed [RSC-016, RSC-005]"),
    r("epub.xml.doctype-entity", E, "a DOCTYPE declares entities (entity expansion is refused) [HTM-003]"),
    r("epub.opf.unique-identifier", E, "the package has no unique identifier, or it names no dc:identifier [OPF-030, OPF-048]"),
    r("epub.opf.title", E, "the package has no non-empty dc:title [RSC-005]"),
    r("epub.opf.language", E, "the package has no dc:language [RSC-005]"),
    r("epub.opf.modified", E, "EPUB 3: no `dcterms:modified` meta in the form CCYY-MM-DDThh:mm:ssZ [RSC-005]"),
    r("epub.opf.manifest-missing-file", E, "a manifest item names a file that is not in the container [RSC-001]"),
    r("epub.opf.manifest-duplicate", E, "two manifest items share an id or a file [RSC-005, OPF-074]"),
    r("epub.opf.media-type", E, "an image's content is not the media type its manifest item declares [OPF-029]"),
    r("epub.opf.extension", W, "a file's extension does not fit its declared media type [PKG-022]"),
    r("epub.opf.spine-idref", E, "a spine itemref names no manifest item [OPF-049]"),
    r("epub.opf.spine-not-xhtml", E, "a spine item is no content document and has no fallback to one [OPF-043, OPF-044]"),
    r("epub.opf.fallback", E, "a foreign resource is used where a fallback is required, and has none [RSC-032, OPF-040]"),
    r("epub.opf.property-missing", E, "a content document uses scripts, SVG, MathML or remote resources without declaring the manifest property [OPF-014]"),
    r("epub.opf.remote-resource", E, "a remote resource is used where it must be in the container [RSC-006]"),
    r("epub.opf.nav-missing", E, "EPUB 3: no manifest item has the `nav` property [RSC-005]"),
    r("epub.opf.ncx-missing", E, "EPUB 2: the spine names no NCX (`toc` attribute) [RSC-005, OPF-050]"),
    r("epub.xhtml.namespace", E, "an XHTML document's root is not `html` in the XHTML namespace, or an EPUB 2 one uses MathML [RSC-005]"),
    r("epub.xhtml.id", E, "EPUB 2: an id is not an XML name (a leading digit, a colon) [RSC-005]"),
    r("epub.xhtml.lang-mismatch", E, "`lang` and `xml:lang` on one element differ [RSC-005]"),
    r("epub.nav.toc-missing", E, "the navigation document has no `nav epub:type=\"toc\"` [RSC-005]"),
    r("epub.nav.toc-order", W, "the TOC entries are not in spine order [NAV-011]"),
    r("epub.link.broken", E, "a link or resource reference (href, src, cite, data, poster, CSS url()) names a file not in the container [RSC-007]"),
    r("epub.link.fragment", E, "a link's fragment names no id in the target document [RSC-012]"),
    r("epub.font.missing", E, "an @font-face source names a file not in the container [RSC-007]"),
    r("epub.font.unreadable", E, "an embedded font is not font data at all (WOFF2 and Adobe-obfuscated fonts are not judged)"),
    r("epub.font.coverage", W, "a character is missing from the embedded font the CSS selects for it, with no other family listed after it"),
    dist("epub.xhtml.lang", E, "an XHTML document's `html` element declares no language (`xml:lang` or `lang`)"),
    dist("epub.opf.file-not-in-manifest", W, "a file in the container is not listed in the manifest [OPF-003]"),
    dist("epub.font.none-selected", E, "text whose CSS selects no embedded font (nor an allowed generic family)"),
    dist("epub.glyph-coverage", E, "a character is in no embedded font the CSS selects for it"),
    dist("epub.nav.page-list", E, "the metadata promise print page numbers, but there is no page-list, or an entry leads nowhere"),
    r("text.placeholder", W, "bindery set 〓 for characters no font had (built with --missing placeholder): a proof, not for distribution"),
    r("epubcheck.unavailable", W, "--epubcheck was asked for but EPUBCheck or Java is not installed"),
    r("epubcheck.failed", E, "EPUBCheck could not be run or its report not read"),
    r("pdf.parse", E, "the PDF cannot be parsed (no trailer, catalog or page tree)"),
    r("pdf.truncated", E, "the file does not end with `%%EOF` (truncated)"),
    r("pdf.xref.damaged", W, "the cross-reference data is damaged; objects were found by scanning"),
    r("pdf.structure.loop", E, "a reference loop in the page tree, outline or a reference chain"),
    r("pdf.limits", E, "an object, stream or structure exceeds the checker's limits"),
    r("pdf.encrypted", W, "the PDF is encrypted: its text and fonts were not checked"),
    r("pdf.page.none", E, "the document has no pages"),
    r("pdf.page.size", E, "a page is not the size given with --paper (±1 pt); checked only with --paper"),
    r("pdf.font.not-embedded", W, "a font other than the standard 14 is not embedded: readers substitute another"),
    r("pdf.font.no-tounicode", W, "a font's codes have no Unicode meaning (no ToUnicode, no known encoding or glyph names)"),
    r("pdf.font.tounicode-invalid", W, "a ToUnicode CMap cannot be read or maps nothing (the encoding is used, as pdftotext does)"),
    r("pdf.text.extract", E, "a page's content cannot be decoded for text extraction"),
    r("pdf.text.unmapped", W, "a page shows character codes that map to no Unicode text: search and copy miss them"),
    r("pdf.outline.bad-target", W, "an outline entry points to no page of the document"),
    r("pdf.link.unresolved", W, "an internal link points to no page of the document"),
    dist("pdf.text.searchable", E, "a page shows character codes that map to no Unicode text: a library's search and copy lose them"),
    dist("pdf.font.subset-tag", W, "an embedded font's name lacks the six-letter subset tag (ABCDEF+)"),
    dist("pdf.outline.missing", W, "the document has no outline (bookmarks)"),
    dist("pdf.meta.title", W, "no document title (Info /Title or XMP dc:title)"),
    dist("pdf.meta.lang", W, "no document language (/Lang in the catalog)"),
    print("pdf.print.page-a4", E, "a page is not A4 (210 × 297 mm ±1 pt, either orientation)"),
    print("pdf.print.font-not-embedded", E, "a font is not embedded (the standard 14 included): the printer substitutes its own"),
];

pub fn rule_info(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
