//! `bindery import` on pages that are not what they should be, and on
//! folders that already hold files: refused at once, with the place of the
//! problem, nothing overwritten without --force. Also the report formats.

mod common;

use std::path::Path;
use std::process::{Command as Std, Output};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::*;

fn import(page: &Path, into: &Path, extra: &[&str]) -> Output {
    Command::cargo_bin("bindery")
        .unwrap()
        .arg("import")
        .arg(page)
        .arg("--into")
        .arg(into)
        .args(extra)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_stderr_has(o: &Output, want: &str) {
    let err = stderr(o);
    assert!(err.contains(want), "want {want:?} in {err}");
}

/// A small traditional-Chinese page in the newspaper shape.
const TRAD_PAGE: &str = "諸子 經典 選讀\n\n孟子篇\n\n經典重溫\n\n義利之辨\n\n□劉向 撰\n\n\
    孟子見梁惠王。王曰：「叟不遠千里而來，亦將有以利吾國乎？」\n\n\
    孟子對曰：「王何必曰利？亦有仁義而已矣。王曰『何以利吾國』？大夫曰『何以\n\n\
    利吾家』？士庶人曰『何以利吾身』？上下交征利而國危矣。」\n\n（作者系戰國時期鄒國人）\n";

#[test]
fn big5_page_is_decoded_and_tagged_traditional() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, bad) = encoding_rs::BIG5.encode(TRAD_PAGE);
    assert!(!bad);
    let page = dir.path().join("page.txt");
    std::fs::write(&page, &bytes).unwrap();
    let book = dir.path().join("book");
    let out = import(&page, &book, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_stderr_has(&out, "(Big5, zh-Hant)");
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(toml.contains("language = \"zh-Hant\""), "{toml}");
    let ch = std::fs::read_to_string(book.join("01.md")).unwrap();
    assert!(ch.contains("authors = [\"劉向\"]\nrole = \"撰\"\n"), "{ch}");
    let loaded = bindery::source::load_book(&book).unwrap();
    assert_eq!(loaded.chapters[0].byline().as_deref(), Some("□劉向 撰"));
    let diff = multiset_diff(
        &char_counts(TRAD_PAGE),
        &char_counts(&loaded.visible_text()),
    );
    assert!(diff.is_empty(), "{diff}");
    // The break inside the second paragraph is repaired and listed.
    assert_stderr_has(
        &out,
        "page.txt:13: repaired break: line 13 continues on line 15",
    );
}

#[test]
fn shift_jis_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = "吾輩は猫である。名前はまだ無い。\n□夏目漱石\nどこで生れたかとんと見当がつかぬ。\
        何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let page = dir.path().join("page.txt");
    std::fs::write(&page, &bytes).unwrap();
    let out = import(&page, &dir.path().join("book"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_stderr_has(&out, "Shift_JIS");
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn invalid_utf8_is_reported_at_its_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(seed_page()).unwrap();
    // A bad byte about 1500 bytes in, at the start of a line.
    let at = bytes.iter().skip(1500).position(|&b| b == b'\n').unwrap() + 1501;
    bytes.insert(at, 0xFF);
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let page = dir.path().join("page.txt");
    std::fs::write(&page, &bytes).unwrap();
    let out = import(&page, &dir.path().join("book"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!("page.txt:{line}:1: error: invalid UTF-8: byte 0xFF at byte {at} ");
    assert_stderr_has(&out, &want);
}

#[test]
fn only_regular_files_are_read_and_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.txt");
    let made = Std::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    let book = dir.path().join("book");
    for (page, want) in [
        (fifo.as_path(), "not a regular file"),
        (Path::new("/dev/zero"), "not a regular file"),
        (dir.path(), "is a folder"),
    ] {
        let started = Instant::now();
        let out = import(page, &book, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", page.display());
        assert_stderr_has(&out, want);
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    assert!(!book.exists());
}

#[test]
fn oversized_page_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("huge.txt");
    // Sparse: the size is claimed, not written.
    let f = std::fs::File::create(&page).unwrap();
    f.set_len(bindery::import::MAX_PAGE_BYTES + 1).unwrap();
    let out = import(&page, &dir.path().join("book"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_stderr_has(&out, "larger than 16 MiB");
}

#[test]
fn no_existing_file_is_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("02.md");
    std::fs::write(&notes, "my notes\n").unwrap();
    let out = import(&seed_page(), dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("02.md: error: already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    assert!(!dir.path().join("book.toml").exists(), "nothing written");
    let out = import(&seed_page(), dir.path(), &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&notes).unwrap(),
        std::fs::read(repo().join("book/02.md")).unwrap()
    );
}

#[test]
fn control_characters_in_messages_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bell\u{7}.txt");
    std::fs::write(&page, "标题\n\n正文没有署名。\n").unwrap();
    let out = import(&page, &dir.path().join("book"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bell\\u{7}.txt:1:1: error: no byline"),
        "{err}"
    );
    assert!(!err.contains('\u{7}'));
    // A C1 control inside the text is refused with its place.
    let page = dir.path().join("c1.txt");
    std::fs::write(&page, "标题\n□甲\n正文\u{9b}。\n").unwrap();
    let out = import(&page, &dir.path().join("book"), &[]);
    assert_stderr_has(&out, "c1.txt:3:3: error: control character U+009B");
}

#[test]
fn json_report_lists_every_repaired_break() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(&seed_page(), dir.path(), &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["encoding"], "UTF-8");
    assert_eq!(v["language"], "zh-CN");
    let breaks: Vec<(u64, u64)> = v["repaired_breaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["before_line"].as_u64().unwrap(),
                b["after_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        breaks,
        vec![(15, 17), (21, 23), (35, 37), (39, 41), (53, 55), (57, 59)]
    );
    let arts = v["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 5);
    assert_eq!(arts[2]["authors"], serde_json::json!(["张春良", "邓君莹"]));
    assert_eq!(arts[3]["title"], "");
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0]["line"], 65);
}

#[test]
fn byline_role_reaches_the_epub_as_a_marc_relator() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    std::fs::write(&page, TRAD_PAGE.replace("□劉向 撰", "□劉向 譯")).unwrap();
    let book = dir.path().join("book");
    let out = import(&page, &book, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let outdir = dir.path().join("out");
    let built = Command::cargo_bin("bindery")
        .unwrap()
        .args(["build", "--epub", "--book"])
        .arg(&book)
        .arg("--out")
        .arg(&outdir)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let epub = std::fs::File::open(outdir.join("book.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(epub).unwrap();
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("EPUB/package.opf").unwrap(), &mut opf).unwrap();
    assert!(opf.contains("xml:lang=\"zh-Hant\""), "{opf}");
    assert!(
        opf.contains("<dc:contributor id=\"author-1\">劉向</dc:contributor>\n<meta refines=\"#author-1\" property=\"role\" scheme=\"marc:relators\">trl</meta>"),
        "{opf}"
    );
}
