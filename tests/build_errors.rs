//! Bad book sources: every problem is reported on its own line with file,
//! line and column, the exit code is 1, and no edition is written.

mod common;

use std::path::Path;

use assert_cmd::Command;

/// Copies the seed book, lets `edit` break it, builds, and returns stderr.
fn build_broken(edit: impl FnOnce(&Path)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    common::copy_book(&book);
    edit(&book);
    let out_dir = dir.path().join("out");
    let out = Command::cargo_bin("bindery")
        .unwrap()
        .args(["build", "--book"])
        .arg(&book)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code for a broken book; stderr:\n{stderr}"
    );
    let written: Vec<_> = std::fs::read_dir(&out_dir)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(
        written.is_empty(),
        "nothing may be written, found {written:?}"
    );
    stderr
}

fn edit_file(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

fn assert_has(stderr: &str, file_suffix: &str, line: u32, col: u32, words: &str) {
    let want = format!("{file_suffix}:{line}:{col}: error: ");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(&want) && l.contains(words)),
        "want a line with {want:?} and {words:?} in:\n{stderr}"
    );
}

#[test]
fn malformed_book_toml() {
    let e = build_broken(|b| {
        edit_file(&b.join("book.toml"), |t| {
            t.replace("language = \"zh-CN\"", "language = \"zh-CN")
        })
    });
    assert_has(&e, "book.toml", 6, 18, "invalid basic string");
}

#[test]
fn unknown_key_in_book_toml() {
    let e = build_broken(|b| {
        edit_file(&b.join("book.toml"), |t| {
            t.replace("duplex = false", "duplx = false")
        })
    });
    let line = 33;
    assert_has(&e, "book.toml", line, 1, "unknown field `duplx`");
}

#[test]
fn missing_chapter_and_path_outside_the_book() {
    let e = build_broken(|b| {
        std::fs::remove_file(b.join("03.md")).unwrap();
        edit_file(&b.join("book.toml"), |t| {
            t.replace("\"05.md\"", "\"../x.md\"")
        });
    });
    assert_has(&e, "book.toml", 17, 3, "chapter file 03.md not found");
    assert_has(&e, "book.toml", 19, 3, "leaves the book folder");
    assert_eq!(e.lines().count(), 2, "one line per problem:\n{e}");
}

#[test]
fn missing_and_corrupt_font_files() {
    let e = build_broken(|b| {
        std::fs::write(b.join("broken.otf"), b"OTTO\x00\x01 not really a font").unwrap();
        edit_file(&b.join("book.toml"), |t| {
            t.replace(
                "[fonts]\n",
                "[fonts]\nregular = { path = \"nowhere.otf\" }\nbold = { path = \"broken.otf\" }\n",
            )
        })
    });
    assert!(
        e.contains("nowhere.otf") && e.contains("No such file"),
        "{e}"
    );
    assert!(
        e.contains("broken.otf is not a usable TrueType/OpenType font"),
        "{e}"
    );
}

#[test]
fn character_outside_the_fonts() {
    // U+20000 (CJK Extension B) is not in the bundled GBK-range fonts.
    let e =
        build_broken(|b| edit_file(&b.join("02.md"), |t| t.replacen("市委六届", "市委𠀀届", 1)));
    assert_has(&e, "02.md", 8, 3, "U+20000");
}

#[test]
fn malformed_raw_html() {
    let e = build_broken(|b| edit_file(&b.join("01.md"), |t| t + "\n<div>未闭合的块\n"));
    assert_has(&e, "01.md", 18, 1, "raw HTML: <div> is never closed");
}

#[test]
fn missing_book_folder() {
    let e = build_broken(|b| std::fs::remove_file(b.join("book.toml")).unwrap());
    assert!(e.contains("book.toml: error: not found"), "{e}");
}
