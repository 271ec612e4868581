//! `bindery check`: judges an EPUB or PDF file, whoever made it, for CI.
//!
//! Every problem is a [`Finding`] with a stable rule id (see [`RULES`]), a
//! severity, a location inside the file and a message. The file type is
//! detected by content (ZIP signature, `%PDF-`), never by extension.
//! Hostile input is expected: every reader here works under size, count and
//! depth limits, and a panic is caught and reported as `internal.panic`.

pub mod cli;
pub mod css;
pub mod epub;
pub mod epubcheck;
pub mod pdf;
pub mod pdfread;
pub mod report;
pub mod xml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::diag::Severity;

/// Files larger than this are not read at all.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A paper size in PostScript points (1/72 in).
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    pub name: String,
    pub width_pt: f64,
    pub height_pt: f64,
}

/// Tolerance when comparing page sizes, in points.
pub const PAPER_TOLERANCE_PT: f64 = 1.0;

const PT_PER_MM: f64 = 72.0 / 25.4;

impl Paper {
    pub fn a4() -> Self {
        Paper::mm("A4", 210.0, 297.0)
    }

    fn mm(name: &str, w: f64, h: f64) -> Self {
        Paper {
            name: name.to_string(),
            width_pt: w * PT_PER_MM,
            height_pt: h * PT_PER_MM,
        }
    }

    /// `A4`, `A5`, `Letter`, `Legal` or `WxHmm` (e.g. `148x210mm`).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => return Ok(Paper::a4()),
            "a5" => return Ok(Paper::mm("A5", 148.0, 210.0)),
            "letter" => {
                return Ok(Paper {
                    name: "Letter".into(),
                    width_pt: 612.0,
                    height_pt: 792.0,
                });
            }
            "legal" => {
                return Ok(Paper {
                    name: "Legal".into(),
                    width_pt: 612.0,
                    height_pt: 1008.0,
                });
            }
            _ => {}
        }
        let lower = s.to_ascii_lowercase();
        let dims = lower.strip_suffix("mm").ok_or_else(|| {
            format!("unknown paper size {s:?}: use A4, A5, Letter, Legal or WxHmm")
        })?;
        let (w, h) = dims
            .split_once('x')
            .ok_or_else(|| format!("paper size {s:?}: expected WxHmm, e.g. 148x210mm"))?;
        let w: f64 = w
            .trim()
            .parse()
            .map_err(|_| format!("paper size {s:?}: bad width"))?;
        let h: f64 = h
            .trim()
            .parse()
            .map_err(|_| format!("paper size {s:?}: bad height"))?;
        if !(1.0..=5000.0).contains(&w) || !(1.0..=5000.0).contains(&h) {
            return Err(format!(
                "paper size {s:?}: width and height must be 1..5000 mm"
            ));
        }
        Ok(Paper::mm(&format!("{w}x{h}mm"), w, h))
    }
}

/// What to check and how strictly.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The expected size of every PDF page.
    pub paper: Paper,
    /// Count a generic CSS family (`serif`, `sans-serif`, ...) listed in a
    /// `font-family` as covering every character (the reader's own font).
    pub allow_generic_fallback: bool,
    /// Also run EPUBCheck on EPUB files and merge its messages.
    pub epubcheck: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paper: Paper::a4(),
            allow_generic_fallback: false,
            epubcheck: false,
        }
    }
}

/// Where inside a file a finding is. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// Path of the entry inside an EPUB container.
    pub entry: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// 1-based PDF page number.
    pub page: Option<u32>,
    /// PDF object, e.g. `12 0 R`.
    pub object: Option<String>,
}

impl Location {
    pub fn none() -> Self {
        Location::default()
    }

    pub fn entry(entry: &str) -> Self {
        Location {
            entry: Some(entry.to_string()),
            ..Location::default()
        }
    }

    pub fn entry_at(entry: &str, line: u32, column: u32) -> Self {
        Location {
            entry: Some(entry.to_string()),
            line: Some(line),
            column: Some(column),
            ..Location::default()
        }
    }

    pub fn page(page: usize) -> Self {
        Location {
            page: Some(page as u32),
            ..Location::default()
        }
    }

    pub fn object(num: u32, generation: u16) -> Self {
        Location {
            object: Some(format!("{num} {generation} R")),
            ..Location::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Location::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(e) = &self.entry {
            let mut s = e.clone();
            if let Some(l) = self.line {
                s.push_str(&format!(":{l}"));
                if let Some(c) = self.column {
                    s.push_str(&format!(":{c}"));
                }
            }
            parts.push(s);
        }
        if let Some(p) = self.page {
            parts.push(format!("page {p}"));
        }
        if let Some(o) = &self.object {
            parts.push(format!("object {o}"));
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Epub,
    Pdf,
    Unknown,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Epub => "epub",
            FileKind::Pdf => "pdf",
            FileKind::Unknown => "unknown",
        }
    }
}

/// The result of checking one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub kind: FileKind,
    pub size_bytes: u64,
    /// PDF page count (None for EPUB or when the page tree is unreadable).
    pub pages: Option<usize>,
    pub findings: Vec<Finding>,
}

impl FileReport {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// True when some finding has this rule id.
    pub fn has(&self, rule: &str) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }
}

/// The result of checking several files.
#[derive(Debug, Clone)]
pub struct Report {
    pub files: Vec<FileReport>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.files.iter().map(FileReport::errors).sum()
    }

    pub fn warnings(&self) -> usize {
        self.files.iter().map(FileReport::warnings).sum()
    }

    pub fn passed(&self, deny_warnings: bool) -> bool {
        self.errors() == 0 && (!deny_warnings || self.warnings() == 0)
    }

    /// 0 when passed, 1 otherwise.
    pub fn exit_code(&self, deny_warnings: bool) -> i32 {
        if self.passed(deny_warnings) { 0 } else { 1 }
    }
}

/// Collects findings for one file.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn push(&mut self, rule: &str, severity: Severity, location: Location, message: String) {
        debug_assert!(
            rule.starts_with("epubcheck.") || rule_info(rule).is_some(),
            "rule {rule} is not listed in RULES"
        );
        self.findings.push(Finding {
            rule: rule.to_string(),
            severity,
            location,
            message,
        });
    }

    pub fn error(&mut self, rule: &str, location: Location, message: impl Into<String>) {
        self.push(rule, Severity::Error, location, message.into());
    }

    pub fn warning(&mut self, rule: &str, location: Location, message: impl Into<String>) {
        self.push(rule, Severity::Warning, location, message.into());
    }

    pub fn has(&self, rule: &str) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }
}

/// A rule of the checker: its stable id, usual severity, and what it means.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn rule(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        summary,
    }
}

use Severity::{Error as E, Warning as W};

/// Every rule the checker applies. Ids are stable: CI scripts may rely on them.
pub const RULES: &[Rule] = &[
    rule("file.unreadable", E, "the file cannot be read"),
    rule("file.empty", E, "the file is empty"),
    rule("file.too-large", E, "the file is larger than 256 MiB"),
    rule(
        "file.unknown-type",
        E,
        "the content is neither an EPUB (ZIP) nor a PDF",
    ),
    rule(
        "internal.panic",
        E,
        "the checker failed on this file (a bug; the file is likely broken)",
    ),
    rule("epub.zip.invalid", E, "the ZIP container cannot be read"),
    rule(
        "epub.zip.limits",
        E,
        "too many entries, or an entry too large or too compressed (ZIP bomb)",
    ),
    rule(
        "epub.zip.entry-unreadable",
        E,
        "an entry cannot be decompressed (corrupt data or CRC mismatch)",
    ),
    rule(
        "epub.zip.mimetype-first",
        E,
        "the first entry is not `mimetype`",
    ),
    rule(
        "epub.zip.mimetype-stored",
        E,
        "`mimetype` is compressed instead of stored",
    ),
    rule(
        "epub.zip.mimetype-extra-field",
        E,
        "`mimetype` has an extra field in its local header",
    ),
    rule(
        "epub.zip.mimetype-content",
        E,
        "`mimetype` does not contain exactly `application/epub+zip`",
    ),
    rule(
        "epub.zip.unsafe-path",
        E,
        "an entry name is absolute, contains `..` or a backslash (zip-slip)",
    ),
    rule(
        "epub.zip.duplicate-name",
        E,
        "two entries have the same name",
    ),
    rule(
        "epub.limits",
        E,
        "a document or stylesheet exceeds the checker's limits",
    ),
    rule(
        "epub.container.missing",
        E,
        "`META-INF/container.xml` is missing",
    ),
    rule(
        "epub.container.rootfile",
        E,
        "container.xml names no package document, or one that is missing",
    ),
    rule(
        "epub.xml.malformed",
        E,
        "an XML document (container, OPF, XHTML, nav) is not well-formed",
    ),
    rule(
        "epub.xml.doctype-entity",
        E,
        "a DOCTYPE declares entities (entity expansion is refused)",
    ),
    rule(
        "epub.opf.unique-identifier",
        E,
        "the package has no unique identifier, or it names no dc:identifier",
    ),
    rule("epub.opf.title", E, "the package has no non-empty dc:title"),
    rule("epub.opf.language", E, "the package has no dc:language"),
    rule(
        "epub.opf.modified",
        E,
        "no `dcterms:modified` meta in the form CCYY-MM-DDThh:mm:ssZ",
    ),
    rule(
        "epub.opf.manifest-missing-file",
        E,
        "a manifest item names a file that is not in the container",
    ),
    rule(
        "epub.opf.file-not-in-manifest",
        W,
        "a file in the container is not listed in the manifest",
    ),
    rule(
        "epub.opf.manifest-duplicate",
        E,
        "two manifest items share an id or a file",
    ),
    rule(
        "epub.opf.media-type",
        E,
        "a manifest item's media type does not match the file",
    ),
    rule(
        "epub.opf.spine-idref",
        E,
        "a spine itemref names no manifest item",
    ),
    rule("epub.opf.spine-not-xhtml", E, "a spine item is not XHTML"),
    rule(
        "epub.opf.nav-missing",
        E,
        "no manifest item has the `nav` property",
    ),
    rule(
        "epub.xhtml.namespace",
        E,
        "an XHTML document's root is not `html` in the XHTML namespace",
    ),
    rule(
        "epub.xhtml.lang",
        E,
        "an XHTML document's `html` element has no `xml:lang`",
    ),
    rule(
        "epub.nav.toc-missing",
        E,
        "the navigation document has no `nav epub:type=\"toc\"`",
    ),
    rule(
        "epub.nav.toc-order",
        E,
        "the TOC entries are not in spine order",
    ),
    rule(
        "epub.link.broken",
        E,
        "a link or resource reference names a file not in the container",
    ),
    rule(
        "epub.link.fragment",
        E,
        "a link's fragment names no id in the target document",
    ),
    rule(
        "epub.font.missing",
        E,
        "an @font-face source names a file not in the container",
    ),
    rule(
        "epub.font.unreadable",
        E,
        "an embedded font cannot be parsed (WOFF, WOFF2, Adobe obfuscation are not read)",
    ),
    rule(
        "epub.font.none-selected",
        E,
        "text whose CSS selects no embedded font (nor an allowed generic family)",
    ),
    rule(
        "epub.glyph-coverage",
        E,
        "a character is in no font the CSS selects for it",
    ),
    rule(
        "epubcheck.unavailable",
        W,
        "--epubcheck was asked for but EPUBCheck or Java is not installed",
    ),
    rule(
        "epubcheck.failed",
        E,
        "EPUBCheck could not be run or its report not read",
    ),
    rule(
        "pdf.parse",
        E,
        "the PDF cannot be parsed (no trailer, catalog or page tree)",
    ),
    rule(
        "pdf.truncated",
        E,
        "the file does not end with `%%EOF` (truncated)",
    ),
    rule(
        "pdf.xref.damaged",
        W,
        "the cross-reference data is damaged; objects were found by scanning",
    ),
    rule(
        "pdf.structure.loop",
        E,
        "a reference loop in the page tree, outline or a reference chain",
    ),
    rule(
        "pdf.limits",
        E,
        "an object, stream or structure exceeds the checker's limits",
    ),
    rule(
        "pdf.encrypted",
        E,
        "the PDF is encrypted: its text cannot be checked",
    ),
    rule("pdf.page.none", E, "the document has no pages"),
    rule(
        "pdf.page.size",
        E,
        "a page is not the expected paper size (±1 pt)",
    ),
    rule("pdf.font.not-embedded", E, "a font is not embedded"),
    rule(
        "pdf.font.subset-tag",
        W,
        "an embedded font's name lacks the six-letter subset tag (ABCDEF+)",
    ),
    rule(
        "pdf.font.no-tounicode",
        E,
        "a font has no ToUnicode map (and no standard encoding)",
    ),
    rule(
        "pdf.font.tounicode-invalid",
        E,
        "a ToUnicode CMap cannot be read",
    ),
    rule(
        "pdf.text.extract",
        E,
        "a page's content cannot be decoded for text extraction",
    ),
    rule(
        "pdf.text.unmapped",
        E,
        "a page shows character codes that map to no Unicode text",
    ),
    rule(
        "pdf.outline.missing",
        W,
        "the document has no outline (bookmarks)",
    ),
    rule(
        "pdf.outline.bad-target",
        E,
        "an outline entry points to no page of the document",
    ),
    rule(
        "pdf.link.unresolved",
        E,
        "an internal link points to no page of the document",
    ),
    rule(
        "pdf.meta.title",
        W,
        "no document title (Info /Title or XMP dc:title)",
    ),
    rule(
        "pdf.meta.lang",
        W,
        "no document language (/Lang in the catalog)",
    ),
];

pub fn rule_info(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Checks one file: reads it (at most [`MAX_FILE_BYTES`]) and judges it.
pub fn check_file(path: &Path, opts: &CheckOptions) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        kind: FileKind::Unknown,
        size_bytes: 0,
        pages: None,
        findings: Vec::new(),
    };
    let mut sink = Sink::default();
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            report.size_bytes = m.len();
            sink.error(
                "file.too-large",
                Location::none(),
                format!(
                    "{} bytes: larger than the limit of {MAX_FILE_BYTES} bytes",
                    m.len()
                ),
            );
            report.findings = sink.findings;
            return report;
        }
        Ok(_) => {}
        Err(e) => {
            sink.error(
                "file.unreadable",
                Location::none(),
                format!("cannot read: {e}"),
            );
            report.findings = sink.findings;
            return report;
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut r = check_bytes(&bytes, path, opts);
            if r.kind == FileKind::Epub && opts.epubcheck {
                epubcheck::run(path, &mut r.findings);
            }
            r
        }
        Err(e) => {
            sink.error(
                "file.unreadable",
                Location::none(),
                format!("cannot read: {e}"),
            );
            report.findings = sink.findings;
            report
        }
    }
}

/// Checks the bytes of one file; `path` only names it in the report.
/// Never panics: a panic inside a reader becomes an `internal.panic` finding.
pub fn check_bytes(bytes: &[u8], path: &Path, opts: &CheckOptions) -> FileReport {
    let kind = detect(bytes);
    let mut report = FileReport {
        path: path.to_path_buf(),
        kind,
        size_bytes: bytes.len() as u64,
        pages: None,
        findings: Vec::new(),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut sink = Sink::default();
        let mut pages = None;
        match kind {
            FileKind::Epub => epub::check_epub(bytes, opts, &mut sink),
            FileKind::Pdf => pages = pdf::check_pdf(bytes, opts, &mut sink),
            FileKind::Unknown => unknown(bytes, &mut sink),
        }
        (sink.findings, pages)
    }));
    match result {
        Ok((findings, pages)) => {
            report.findings = findings;
            report.pages = pages;
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            report.findings.push(Finding {
                rule: "internal.panic".into(),
                severity: Severity::Error,
                location: Location::none(),
                message: format!("the checker failed on this file: {what}"),
            });
        }
    }
    report
}

/// Checks several files, in the order given.
pub fn check_files(paths: &[PathBuf], opts: &CheckOptions) -> Report {
    Report {
        files: paths.iter().map(|p| check_file(p, opts)).collect(),
    }
}

/// The file type by content: a ZIP local header starts an EPUB, `%PDF-`
/// within the first KiB a PDF (readers accept leading junk there).
pub fn detect(bytes: &[u8]) -> FileKind {
    if bytes.starts_with(b"PK\x03\x04") {
        FileKind::Epub
    } else if find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        FileKind::Pdf
    } else {
        FileKind::Unknown
    }
}

fn unknown(bytes: &[u8], sink: &mut Sink) {
    if bytes.is_empty() {
        sink.error(
            "file.empty",
            Location::none(),
            "the file is empty (0 bytes)",
        );
        return;
    }
    let head: String = match std::str::from_utf8(&bytes[..bytes.len().min(64)]) {
        // Text: its first characters as they are.
        Ok(t) => t
            .chars()
            .take(16)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
        Err(_) => bytes
            .iter()
            .take(16)
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    (b as char).to_string()
                } else {
                    format!("\\x{b:02x}")
                }
            })
            .collect(),
    };
    let what = if bytes.starts_with(b"PK") {
        "a ZIP archive that does not start with a local file header"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok() {
        "text"
    } else {
        "unrecognised binary data"
    };
    sink.error(
        "file.unknown-type",
        Location::none(),
        format!(
            "neither an EPUB (a ZIP container starting with PK\\x03\\x04) nor a PDF (%PDF-): the content is {what}, starting with \"{head}\""
        ),
    );
}

/// Position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_sizes() {
        let a4 = Paper::parse("a4").unwrap();
        assert!((a4.width_pt - 595.2756).abs() < 0.001 && (a4.height_pt - 841.8898).abs() < 0.001);
        let custom = Paper::parse("148x210mm").unwrap();
        assert!((custom.width_pt - 419.53).abs() < 0.01);
        assert_eq!(Paper::parse("Letter").unwrap().width_pt, 612.0);
        assert!(Paper::parse("B99").is_err());
        assert!(Paper::parse("0x10mm").is_err());
    }

    #[test]
    fn detects_by_content() {
        assert_eq!(detect(b"PK\x03\x04rest"), FileKind::Epub);
        assert_eq!(detect(b"junk\n%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(detect(b"%!PS"), FileKind::Unknown);
        assert_eq!(detect(b""), FileKind::Unknown);
    }
}
