//! The seed book built by `bindery build --check`, then validated by
//! `bindery check` and by independent tools: EPUBCheck, qpdf, pdffonts,
//! pdftotext. Other editions can be checked the same way by naming them:
//!   BINDERY_EDITION_PDF=out/book.pdf BINDERY_EDITION_EPUB=out/book.epub \
//!     BINDERY_EDITION_BOOK=book cargo test --test check_editions

mod check_fixtures;

use std::path::PathBuf;
use std::process::Command;

use bindery::check::{CheckOptions, check_file};
use bindery::model::{Block, inline_text};
use check_fixtures::*;

fn env_path(key: &str) -> Option<PathBuf> {
    std::env::var_os(key).map(PathBuf::from)
}

/// The seed editions, built once by the command a user runs.
fn built() -> &'static PathBuf {
    static OUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        // Under target/, so repeated runs leave nothing in the system's temp folder.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-editions");
        let _ = std::fs::remove_dir_all(&dir);
        let out = assert_cmd::Command::cargo_bin("bindery")
            .unwrap()
            .args(["build", "--check", "--book"])
            .arg(repo().join("book"))
            .arg("--out")
            .arg(&dir)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "bindery build --check failed:\n{stderr}"
        );
        assert!(
            stderr.contains("PASS: 2 files, 0 errors, 0 warnings"),
            "{stderr}"
        );
        dir
    })
}

fn edition(key: &str, ext: &str) -> PathBuf {
    env_path(key).unwrap_or_else(|| built().join(format!("book.{ext}")))
}

fn book_dir() -> PathBuf {
    env_path("BINDERY_EDITION_BOOK").unwrap_or_else(|| repo().join("book"))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn collect(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
                out.push(squeeze(&inline_text(content)))
            }
            Block::Quote { blocks, .. } => collect(blocks, out),
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
}

/// Every paragraph (and heading) of the book, whitespace removed, in order.
fn paragraphs() -> Vec<String> {
    let book = bindery::source::load_book(&book_dir()).unwrap();
    let mut out = Vec::new();
    for ch in &book.chapters {
        collect(&ch.blocks, &mut out);
    }
    out.retain(|p| !p.is_empty());
    out
}

/// pdftotext output without running heads and folios, which interrupt
/// paragraphs that cross a page: lines repeated on three or more pages,
/// and lines that are only a page number.
fn without_page_furniture(text: &str) -> String {
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let mut count: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in &pages {
        let lines: std::collections::HashSet<String> = p.lines().map(squeeze).collect();
        for l in lines {
            *count.entry(l).or_default() += 1;
        }
    }
    let folio = |l: &str| {
        !l.is_empty()
            && (l.chars().all(|c| c.is_ascii_digit()) || l.chars().all(|c| "ivxlcdm".contains(c)))
    };
    pages
        .iter()
        .flat_map(|p| p.lines())
        .filter(|l| {
            let s = squeeze(l);
            !folio(&s) && count.get(&s).copied().unwrap_or(0) < 3
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pdf_edition() {
    let pdf = edition("BINDERY_EDITION_PDF", "pdf");
    let opts = bindery::check::profiles_for_build(true, &bindery::check::Paper::a4());
    let r = check_file(&pdf, &opts);
    assert_clean(&r);
    let q = Command::new("qpdf")
        .arg("--check")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        q.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&q.stdout)
    );
    let f = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let table = String::from_utf8_lossy(&f.stdout);
    assert!(table.lines().count() > 2, "pdffonts lists no font");
    for line in table.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "pdffonts (emb sub uni): {line}"
        );
    }
    let t = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = squeeze(&without_page_furniture(&String::from_utf8_lossy(&t.stdout)));
    let mut at = 0;
    for p in paragraphs() {
        match text[at..].find(&p) {
            Some(i) => at += i + p.len(),
            None => panic!(
                "pdftotext output lacks this paragraph (in order): {}…",
                p.chars().take(30).collect::<String>()
            ),
        }
    }
}

#[test]
fn epub_edition() {
    let epub = edition("BINDERY_EDITION_EPUB", "epub");
    let opts = CheckOptions {
        epubcheck: true,
        ..profiles(&[bindery::check::Profile::Distribution])
    };
    let r = check_file(&epub, &opts);
    // EPUBCheck's messages are merged: none may be left, warnings included.
    assert_clean(&r);
}

#[test]
fn build_check_judges_by_the_books_settings() {
    // A book that embeds no fonts, on Letter paper: `build --check` uses
    // neither the distribution profile nor print-a4, and passes.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-editions-settings");
    let _ = std::fs::remove_dir_all(&dir);
    let book = dir.join("book");
    std::fs::create_dir_all(&book).unwrap();
    for e in std::fs::read_dir(repo().join("book")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), book.join(e.file_name())).unwrap();
        }
    }
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(toml.contains("embed_fonts = true") && toml.contains("[pdf]"));
    let toml = toml
        .replace("embed_fonts = true", "embed_fonts = false")
        .replace(
            "[pdf]",
            "[pdf]\npage_width_mm = 215.9\npage_height_mm = 279.4",
        );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let out = assert_cmd::Command::cargo_bin("bindery")
        .unwrap()
        .args(["build", "--check", "--book"])
        .arg(&book)
        .arg("--out")
        .arg(dir.join("out"))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("PASS: 2 files"), "{stderr}");
    // The same EPUB fails the distribution profile: no embedded font.
    let epub = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "epub"))
        .unwrap();
    let r = check_file(&epub, &profiles(&[bindery::check::Profile::Distribution]));
    assert!(r.has("epub.font.none-selected"), "{:?}", r.findings);
    // And the Letter PDF is checked against its own paper size.
    let opts = bindery::check::profiles_for_build(
        false,
        &bindery::check::Paper::parse("215.9x279.4mm").unwrap(),
    );
    assert!(!opts.has(bindery::check::Profile::PrintA4));
    assert!(!opts.has(bindery::check::Profile::Distribution));
    assert!(opts.paper.is_some());
    let a4 = bindery::check::profiles_for_build(true, &bindery::check::Paper::a4());
    assert!(
        a4.has(bindery::check::Profile::PrintA4) && a4.has(bindery::check::Profile::Distribution)
    );
}
