//! `bindery init`: the new book builds and passes `bindery build --check`
//! and EPUBCheck at once, uses every Markdown feature the build supports,
//! and a folder that holds anything is refused without --force.

use std::io::Read;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

fn bindery(args: &[&str], dir: &Path) -> Output {
    Command::cargo_bin("bindery")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn epub_text(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the EPUB"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_new_book_builds_and_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = bindery(&["init", "mybook", "--title", "我的\"新\"书"], dir.path());
    ok(&out, "init");
    let book = dir.path().join("mybook");
    for f in ["book.toml", "01.md", "02.md", "images/figure.png"] {
        assert!(book.join(f).is_file(), "{f} was not written");
    }
    let out = bindery(&["build", "--book", "mybook", "--check"], dir.path());
    ok(&out, "build --check of the new book");
    let epub = dir.path().join("out/mybook.epub");
    let pdf = dir.path().join("out/mybook.pdf");
    let (e, p) = (epub.to_str().unwrap(), pdf.to_str().unwrap());
    let out = bindery(
        &["check", "--epubcheck", "--deny-warnings", e, p],
        dir.path(),
    );
    ok(&out, "bindery check with EPUBCheck, warnings denied");
    let opf = epub_text(&epub, "EPUB/package.opf");
    assert!(opf.contains(">我的&quot;新&quot;书<") || opf.contains(">我的\"新\"书<"));
}

#[test]
fn the_example_chapters_use_every_feature() {
    let dir = tempfile::tempdir().unwrap();
    ok(&bindery(&["init", "b"], dir.path()), "init");
    ok(
        &bindery(&["build", "--book", "b", "--epub"], dir.path()),
        "build",
    );
    let epub = dir.path().join("out/b.epub");
    let doc = epub_text(&epub, "EPUB/ch01.xhtml") + &epub_text(&epub, "EPUB/ch02.xhtml");
    for (what, needle) in [
        ("a heading", "<h2"),
        ("strong emphasis before Chinese punctuation", "</strong>，"),
        ("emphasis", "<em>"),
        ("a numbered list", "<ol"),
        ("a bulleted list", "<ul"),
        ("a quote", "<blockquote"),
        ("a footnote", "epub:type=\"footnote\""),
        ("inline code", "<code>"),
        ("a code block", "<pre"),
        ("a hard line break", "<br"),
        ("a rule", "<hr"),
        ("an image with alternative text", "alt=\"示例图"),
        ("raw HTML", "<span lang=\"en\">EPUB</span>"),
        ("an author note", "作者系本书编者"),
    ] {
        assert!(doc.contains(needle), "no {what} ({needle}) in the chapters");
    }
}

#[test]
fn a_folder_with_files_is_refused_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("notes");
    std::fs::create_dir(&book).unwrap();
    std::fs::write(book.join("01.md"), "my own text").unwrap();
    let out = bindery(&["init", "notes"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("notes: error: the folder is not empty"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(book.join("01.md")).unwrap(),
        "my own text"
    );
    assert!(!book.join("book.toml").exists());

    ok(
        &bindery(&["init", "notes", "--force"], dir.path()),
        "init --force",
    );
    assert!(book.join("book.toml").is_file());
    ok(
        &bindery(&["build", "--book", "notes", "--check"], dir.path()),
        "build",
    );
}

/// `key =` names of a TOML text, commented-out lines included, with their
/// table (`book.title`).
fn toml_keys(text: &str) -> std::collections::BTreeSet<String> {
    let mut table = String::new();
    let mut keys = std::collections::BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches('#').trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = name.to_string();
        } else if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                keys.insert(format!("{table}.{key}"));
            }
        }
    }
    keys
}

#[test]
fn book_toml_names_every_key_of_the_readme_reference() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("### `book.toml` reference")
        .expect("the reference section");
    let block = &readme[start..];
    let block = &block[block.find("```toml").expect("its TOML block") + 7..];
    let block = &block[..block.find("```").unwrap()];
    let want = toml_keys(block);
    assert!(want.len() > 25, "read only {want:?} from the README");

    let dir = tempfile::tempdir().unwrap();
    ok(&bindery(&["init", "b"], dir.path()), "init");
    let got = toml_keys(&std::fs::read_to_string(dir.path().join("b/book.toml")).unwrap());
    let missing: Vec<_> = want.difference(&got).collect();
    assert!(missing.is_empty(), "book.toml lacks {missing:?}");
}
