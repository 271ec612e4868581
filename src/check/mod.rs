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
pub mod pdffilter;
pub mod pdflex;
pub mod pdfpages;
pub mod pdfread;
pub mod report;
pub mod rules;
pub mod xml;

use std::path::{Path, PathBuf};

pub use crate::diag::Severity;
pub use rules::{Profile, Profiles, RULES, Rule, rule_info};

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

    /// Same width and height within the tolerance, in either orientation.
    pub fn same_size(&self, other: &Paper) -> bool {
        let near = |a: f64, b: f64| (a - b).abs() <= PAPER_TOLERANCE_PT;
        (near(self.width_pt, other.width_pt) && near(self.height_pt, other.height_pt))
            || (near(self.width_pt, other.height_pt) && near(self.height_pt, other.width_pt))
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
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The expected size of every PDF page (`--paper`); no page-size rule
    /// without it (the print-a4 profile checks A4 on its own).
    pub paper: Option<Paper>,
    /// The profiles in force; the default profile always is.
    pub profiles: Profiles,
    /// Count a generic CSS family (`serif`, `sans-serif`, ...) listed in a
    /// `font-family` as covering every character (the reader's own font).
    pub allow_generic_fallback: bool,
    /// Also run EPUBCheck on EPUB files and merge its messages.
    pub epubcheck: bool,
}

impl CheckOptions {
    pub fn has(&self, p: Profile) -> bool {
        self.profiles.has(p)
    }
}

/// The profiles that judge a book built with these settings: a library's
/// `distribution` rules when its EPUB embeds fonts, `print-a4` when its
/// PDF is A4, and the book's own page size as `--paper`.
pub fn profiles_for_build(embed_fonts: bool, paper: &Paper) -> CheckOptions {
    let mut profiles = Profiles::default();
    if embed_fonts {
        profiles = profiles.with(Profile::Distribution);
    }
    if paper.same_size(&Paper::a4()) {
        profiles = profiles.with(Profile::PrintA4);
    }
    CheckOptions {
        paper: Some(paper.clone()),
        profiles,
        // An EPUB built without fonts relies on the reader's: its generic
        // family is what covers the text, as `[epub] embed_fonts` promises.
        allow_generic_fallback: !embed_fonts,
        ..CheckOptions::default()
    }
}

pub use crate::diag::Location;

/// One problem found in a file: a [`crate::diag::Diagnostic`] whose file is
/// the report's.
pub type Finding = crate::diag::Diagnostic;

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
    /// The profiles the files were judged by.
    pub profiles: Profiles,
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

/// Most findings of one rule listed per file; the rest are counted in one
/// closing finding of that rule.
pub const MAX_PER_RULE: usize = 20;

/// Collects findings for one file, keeping only the rules of the profiles
/// in force, and at most [`MAX_PER_RULE`] of each rule (the rest counted
/// as they come, so a flood of findings costs no memory).
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub profiles: Profiles,
    counts: std::collections::HashMap<String, (usize, Severity)>,
}

impl Sink {
    pub fn new(opts: &CheckOptions) -> Self {
        Sink {
            profiles: opts.profiles,
            ..Sink::default()
        }
    }

    pub fn push(&mut self, rule: &str, severity: Severity, location: Location, message: String) {
        let info = rule_info(rule);
        debug_assert!(
            rule.starts_with("epubcheck.") || info.is_some(),
            "rule {rule} is not listed in RULES"
        );
        if info.is_some_and(|r| !self.profiles.has(r.profile)) {
            return;
        }
        let count = self.counts.entry(rule.to_string()).or_insert((0, severity));
        count.0 += 1;
        count.1 = count.1.max(severity);
        if count.0 > MAX_PER_RULE {
            return;
        }
        self.findings
            .push(Finding::finding(rule, severity, location, message));
    }

    /// The findings, with one closing finding per rule that had more than
    /// [`MAX_PER_RULE`].
    pub fn finish(self) -> Vec<Finding> {
        let mut out = self.findings;
        let mut over: Vec<(String, (usize, Severity))> = self
            .counts
            .into_iter()
            .filter(|(_, (n, _))| *n > MAX_PER_RULE)
            .collect();
        over.sort_by(|a, b| a.0.cmp(&b.0));
        for (rule, (n, severity)) in over {
            out.push(more_finding(rule, severity, n - MAX_PER_RULE));
        }
        out
    }

    /// With the rule's own severity.
    pub fn report(&mut self, rule: &str, location: Location, message: impl Into<String>) {
        let severity = rule_info(rule).map_or(Severity::Error, |r| r.severity);
        self.push(rule, severity, location, message.into());
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

fn more_finding(rule: String, severity: Severity, n: usize) -> Finding {
    Finding::finding(
        &rule,
        severity,
        Location::none(),
        format!(
            "and {n} more finding{} of this rule in this file (only the first {MAX_PER_RULE} are listed)",
            if n == 1 { "" } else { "s" }
        ),
    )
}

/// Keeps the first [`MAX_PER_RULE`] findings of each rule, in order, and
/// replaces the rest by one finding per rule that counts them.
pub fn cap_findings(findings: Vec<Finding>) -> Vec<Finding> {
    let mut sink = Sink {
        profiles: Profiles::default()
            .with(Profile::Distribution)
            .with(Profile::PrintA4),
        ..Sink::default()
    };
    for f in findings {
        sink.push(&f.rule, f.severity, *f.location, f.message);
    }
    sink.finish()
}

/// Checks one file: reads it (at most [`MAX_FILE_BYTES`]) and judges it.
/// Only regular files are read: the type is taken from the metadata before
/// opening (a FIFO would block, a device never ends), and the read itself
/// is capped, since a size in the metadata can be wrong.
pub fn check_file(path: &Path, opts: &CheckOptions) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        kind: FileKind::Unknown,
        size_bytes: 0,
        pages: None,
        findings: Vec::new(),
    };
    let mut sink = Sink::new(opts);
    match read_capped(path) {
        Ok(bytes) => {
            let mut r = check_bytes(&bytes, path, opts);
            if r.kind == FileKind::Epub && opts.epubcheck {
                let mut found = Vec::new();
                epubcheck::run(path, &mut found);
                r.findings.extend(cap_findings(found));
            }
            r
        }
        Err((rule, message, size)) => {
            report.size_bytes = size;
            sink.error(rule, Location::none(), message);
            report.findings = sink.findings;
            report
        }
    }
}

/// The bytes of a regular file of at most [`MAX_FILE_BYTES`]; else the
/// rule, message and size to report.
fn read_capped(path: &Path) -> Result<Vec<u8>, (&'static str, String, u64)> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| ("file.unreadable", format!("cannot read: {e}"), 0);
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        let what = file_type_name(&meta.file_type());
        return Err((
            "file.not-regular",
            format!("{what}, not a regular file: not read"),
            0,
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            "file.too-large",
            format!(
                "{} bytes: larger than the limit of {MAX_FILE_BYTES} bytes",
                meta.len()
            ),
            meta.len(),
        ));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // The file may have been swapped between the two looks.
    if !file.metadata().map_err(unreadable)?.is_file() {
        return Err(("file.not-regular", "not a regular file: not read".into(), 0));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err((
            "file.too-large",
            format!("larger than the limit of {MAX_FILE_BYTES} bytes"),
            bytes.len() as u64,
        ));
    }
    Ok(bytes)
}

fn file_type_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
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
        let mut sink = Sink::new(opts);
        let mut pages = None;
        match kind {
            FileKind::Epub => epub::check_epub(bytes, opts, &mut sink),
            FileKind::Pdf => pages = pdf::check_pdf(bytes, opts, &mut sink),
            FileKind::Unknown => unknown(bytes, &mut sink),
        }
        (sink.finish(), pages)
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
            report.findings.push(Finding::finding(
                "internal.panic",
                Severity::Error,
                Location::none(),
                format!("the checker failed on this file: {what}"),
            ));
        }
    }
    report
}

/// Checks several files, reported in the order given.
pub fn check_files(paths: &[PathBuf], opts: &CheckOptions) -> Report {
    Report {
        profiles: opts.profiles,
        files: check_each(paths, opts)
            .into_iter()
            .map(|(r, _)| r)
            .collect(),
    }
}

/// Checks the files beside each other, one a core at a time (each file's
/// checks are independent), and returns each report with the time it
/// took, in the order given.
pub fn check_each(
    paths: &[PathBuf],
    opts: &CheckOptions,
) -> Vec<(FileReport, std::time::Duration)> {
    crate::par::map_in_order(
        paths.len(),
        usize::MAX,
        || (),
        |_, i| {
            let t = std::time::Instant::now();
            let r = check_file(&paths[i], opts);
            (r, t.elapsed())
        },
    )
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
