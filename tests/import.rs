//! `bindery import` on the seed page and on bad input.

mod common;

use assert_cmd::Command;
use common::*;

fn bindery() -> Command {
    Command::cargo_bin("bindery").unwrap()
}

/// Runs `bindery import PAGE --into DIR`.
fn import(
    page: impl AsRef<std::path::Path>,
    into: impl AsRef<std::path::Path>,
) -> std::process::Output {
    bindery()
        .arg("import")
        .arg(page.as_ref())
        .arg("--into")
        .arg(into.as_ref())
        .output()
        .unwrap()
}

#[test]
fn seed_import_reproduces_the_committed_book() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(seed_page(), dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "5 articles with 5, 4, 4, 5, 4 paragraphs, 5 author notes, 6 repaired breaks"
        ),
        "{stderr}"
    );
    // The untitled fourth article is named with its line.
    assert!(
        stderr.contains(":65:1: warning: article 4 (□吴佳彦) has no title"),
        "{stderr}"
    );

    let committed = repo().join("book");
    // The committed book also keeps its source page in `source/`.
    let mut names: Vec<_> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name())
        .collect();
    names.sort();
    let mut fresh: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    fresh.sort();
    assert_eq!(names, fresh);
    for n in names {
        let a = std::fs::read(committed.join(&n)).unwrap();
        let b = std::fs::read(dir.path().join(&n)).unwrap();
        assert!(
            a == b,
            "{} differs from the committed book",
            n.to_string_lossy()
        );
    }
}

#[test]
fn seed_book_structure() {
    let book = bindery::source::load_book(&repo().join("book")).unwrap();
    let paragraphs: Vec<usize> = book.chapters.iter().map(|c| c.blocks.len()).collect();
    assert_eq!(paragraphs, vec![5, 4, 4, 5, 4]);
    assert!(book.chapters.iter().all(|c| c.note.is_some()));
    assert_eq!(book.chapters[2].authors, vec!["张春良", "邓君莹"]);
    assert_eq!(book.chapters[3].title, "");
    assert_eq!(
        book.chapters[3].note.as_deref(),
        Some("(作者单位：中共重庆市委党校(重庆行政学院))")
    );
    assert_eq!(
        book.chapters[4].note.as_deref(),
        Some("(作者单位：重庆电力高等专科学校)")
    );
    assert_eq!(book.meta.title, "高度 深度 力度 温度");
    assert_eq!(book.meta.subtitle.as_deref(), Some("领导干部学习笔谈"));
    assert_eq!(book.meta.section.as_deref(), Some("学思践悟"));
    assert_eq!(book.meta.language, "zh-CN");
    // A repaired column break: one paragraph holds both halves.
    let first = bindery::model::block_text(&book.chapters[0].blocks[1]);
    assert!(first.contains("推进战略性重组"), "{first}");
    // Typos stay as printed.
    let third = bindery::model::block_text(&book.chapters[2].blocks[2]);
    assert!(third.contains("供给供给"));
}

/// Every non-whitespace character of the page is in the loaded book exactly
/// as often as in the page.
fn assert_nothing_lost(page_text: &str, book_dir: &std::path::Path) {
    let book = bindery::source::load_book(book_dir).unwrap();
    let diff = multiset_diff(&char_counts(page_text), &char_counts(&book.visible_text()));
    assert!(diff.is_empty(), "page and book differ:\n{diff}");
}

#[test]
fn nothing_lost_from_the_seed() {
    let text = std::fs::read_to_string(seed_page()).unwrap();
    assert_nothing_lost(&text, &repo().join("book"));
}

#[test]
fn nothing_lost_from_a_gbk_crlf_copy() {
    let text = std::fs::read_to_string(seed_page()).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&crlf);
    assert!(!unmappable);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    std::fs::write(&page, &gbk).unwrap();
    let book = dir.path().join("book");
    let out = import(&page, &book);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("GB18030/GBK"));
    assert_nothing_lost(&text, &book);
    // Same chapters as the UTF-8 import.
    for n in ["01.md", "02.md", "03.md", "04.md", "05.md"] {
        assert_eq!(
            std::fs::read(book.join(n)).unwrap(),
            std::fs::read(repo().join("book").join(n)).unwrap(),
            "{n}"
        );
    }
}

/// Runs import on `bytes` and returns (exit code, stderr).
fn import_bytes(bytes: &[u8]) -> (i32, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    std::fs::write(&page, bytes).unwrap();
    let into = dir.path().join("book");
    let out = import(&page, &into);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        into.join("book.toml").exists(),
    )
}

#[test]
fn bad_pages_are_refused_with_position() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "page.txt:1:1: error: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "error: the file is binary"),
        (
            b"caf\xe9 \xff\xfe\xfd\n",
            "page.txt:1:4: error: unknown encoding",
        ),
        (
            "标题\n\n正文没有署名。\n".as_bytes(),
            "page.txt:1:1: error: no byline found",
        ),
    ];
    for (bytes, want) in cases {
        let (code, stderr, wrote) = import_bytes(bytes);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains(want), "want {want:?} in {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "one line per problem: {stderr}");
        assert!(!wrote, "no book written for bad input");
    }
}

#[test]
fn import_refuses_to_overwrite_a_book() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_book(dir.path());
    let out = import(seed_page(), dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
}

#[test]
fn usage_errors_exit_2() {
    let out = bindery().arg("import").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bindery().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bindery().args(["import", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}
