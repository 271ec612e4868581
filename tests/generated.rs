//! Text the tool sets itself (labels, fallback titles, footnote marks, list
//! markers, page numbers) is checked for coverage like the book's own text:
//! a face missing any of it fails the build with a message naming the
//! generated text and where it appears, and footnote marks never leave the
//! font, whatever the count.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;

use bindery::fonts::coverage::book_text;
use bindery::pipeline::Prepared;
use bindery::script::needs_glyph;

/// A book with everything the tool generates text for: editors, an
/// untitled article, footnotes, ordered and unordered lists.
fn generated_book(dir: &Path) {
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"样书\"\neditors = [\"某甲\"]\nchapters = [\"a.md\", \"b.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        "+++\ntitle = \"文章\"\nauthors = [\"甲\"]\n+++\n\n正文[^1]。\n\n1. 一项\n2. 二项\n\n- 又一项\n\n[^1]: 注文。\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.md"),
        "+++\ntitle = \"\"\nauthors = [\"乙\"]\n+++\n\n正文。\n",
    )
    .unwrap();
}

#[test]
fn every_generated_string_passes_the_coverage_check() {
    let dir = tempfile::tempdir().unwrap();
    generated_book(dir.path());
    let p = common::prepared(dir.path());
    let own = book_text(p.book(), &p.fonts);
    let registry = p.texts.registry(p.book());
    let mut tested = BTreeSet::new();
    for g in &registry {
        let face = p.fonts.role(g.role);
        // A character of the generated text that the book's own text in
        // that face does not have, so only the generated text needs it.
        let Some(c) = g
            .text
            .chars()
            .find(|&c| needs_glyph(c) && !own.of(face).contains(&c))
        else {
            continue;
        };
        let mut keep: BTreeSet<char> = own.of(face).clone();
        for other in registry.iter().filter(|o| p.fonts.role(o.role) == face) {
            keep.extend(other.text.chars().filter(|&c| needs_glyph(c)));
        }
        // Bracketed note marks are what a face without circled numbers gets.
        keep.extend("[]0123456789".chars());
        keep.remove(&c);
        let cut = bindery::editions::epub::subset::subset_font(p.fonts.face(face), &keep).unwrap();
        let book = tempfile::tempdir().unwrap();
        generated_book(book.path());
        std::fs::write(book.path().join("cut.otf"), &cut.bytes).unwrap();
        let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
        let name = p.fonts.name(face);
        std::fs::write(
            book.path().join("book.toml"),
            // No fallback: an installed face would have the character.
            format!("{toml}\n[fonts]\nfallback = \"none\"\n{name} = {{ path = \"cut.otf\" }}\n"),
        )
        .unwrap();
        let result = Prepared::load(book.path());
        if g.what.starts_with("footnote mark") && ('\u{2460}'..='\u{2473}').contains(&c) {
            // A face without the circled number gets bracketed marks.
            let p2 = result.unwrap_or_else(|f| panic!("{}: {f}", g.what));
            assert_eq!(p2.texts.note_mark(0, 0), "[1]");
        } else {
            let err = match result {
                Ok(_) => panic!("a face without {c} ({}) builds", g.what),
                Err(f) => f.to_string(),
            };
            assert!(
                err.contains(&format!("character {c} ")) && err.contains(&g.what),
                "{}: {err}",
                g.what
            );
        }
        tested.insert(g.what.split(" of ").next().unwrap().to_string());
    }
    for kind in [
        "the contents heading",
        "the EPUB landmarks heading",
        "the EPUB page-list heading",
        "page numbers",
        "the title page's editors line",
        "footnote mark 1",
    ] {
        assert!(tested.contains(kind), "{kind} not tested: {tested:?}");
    }
    assert!(
        tested.iter().any(|t| t.starts_with("the fallback title")),
        "{tested:?}"
    );
    assert!(
        tested.iter().any(|t| t.starts_with("the list marker")),
        "{tested:?}"
    );
}

#[test]
fn sixty_footnotes_build_with_every_mark_covered() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir(&book).unwrap();
    let mut body = String::from("+++\ntitle = \"注释很多\"\nauthors = [\"甲\"]\n+++\n\n");
    for i in 1..=60 {
        body.push_str(&format!("第{i}段正文，引用一条注释[^{i}]。\n\n"));
    }
    for i in 1..=60 {
        body.push_str(&format!("[^{i}]: 第{i}条注释的文字。\n"));
    }
    std::fs::write(book.join("a.md"), body).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"注释\"\nchapters = [\"a.md\"]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, stderr) = common::bindery(&[
        OsStr::new("build"),
        OsStr::new("--book"),
        book.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--check"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    // More than twenty notes: bracketed numbers in both editions.
    let text = std::process::Command::new("pdftotext")
        .arg(out.join("book.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for mark in ["[1]", "[21]", "[60]"] {
        assert!(text.contains(mark), "{mark} in the PDF");
    }
    assert!(!text.contains('㉑'));
    let epub = std::fs::read(out.join("book.epub")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut z.by_name("EPUB/ch01.xhtml").unwrap(), &mut doc).unwrap();
    assert!(doc.contains("role=\"doc-noteref\">[60]</a>"), "EPUB marks");
    common::assert_epubcheck_clean(&epub);
}
