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
    // Each at its entry in [fonts].
    assert_has(&e, "book.toml", 23, 11, "font file nowhere.otf not found");
    assert_has(&e, "book.toml", 24, 8, "broken.otf is not a usable");
    assert!(
        e.contains("broken.otf is not a usable TrueType/OpenType font"),
        "{e}"
    );
}

#[test]
fn character_outside_the_fonts() {
    // U+20000 (CJK Extension B) is not in the bundled faces; with the
    // fallbacks off, whatever fonts the machine has installed, it is an error.
    let e = build_broken(|b| {
        edit_file(&b.join("02.md"), |t| t.replacen("市委六届", "市委𠀀届", 1));
        edit_file(&b.join("book.toml"), |t| {
            t.replace("[fonts]\n", "[fonts]\nfallback = \"none\"\n")
        });
    });
    assert_has(&e, "02.md", 8, 3, "U+20000");
}

#[test]
fn malformed_raw_html() {
    let e = build_broken(|b| edit_file(&b.join("01.md"), |t| t + "\n<div>未闭合的块\n"));
    assert_has(&e, "01.md", 18, 1, "raw HTML: <div> is never closed");
}

/// Chapters are read beside each other; their problems still come in
/// the order of `book.chapters`, whichever thread found them.
#[test]
fn problems_of_several_chapters_in_chapter_order() {
    let e = build_broken(|b| {
        for ch in ["05.md", "02.md", "04.md", "01.md"] {
            edit_file(&b.join(ch), |t| t + "\n<div>未闭合的块\n");
        }
    });
    let files: Vec<&str> = e
        .lines()
        .filter(|l| l.contains("raw HTML: <div> is never closed"))
        .filter_map(|l| {
            ["01.md", "02.md", "04.md", "05.md"]
                .into_iter()
                .find(|f| l.contains(f))
        })
        .collect();
    assert_eq!(files, ["01.md", "02.md", "04.md", "05.md"], "{e}");
}

#[test]
fn missing_book_folder() {
    let e = build_broken(|b| std::fs::remove_file(b.join("book.toml")).unwrap());
    assert!(e.contains("book.toml: error: not found"), "{e}");
}

#[test]
fn slug_must_be_a_file_stem() {
    for slug in ["../escaped", "/abs/escaped", "", "a/b", ".hidden"] {
        let e = build_broken(|b| {
            edit_file(&b.join("book.toml"), |t| {
                t.replace("[book]\n", &format!("[book]\nslug = {slug:?}\n"))
            })
        });
        assert_has(&e, "book.toml", 3, 8, "is not a file stem");
    }
}

#[test]
fn pdf_numbers_out_of_range() {
    for (setting, words) in [
        ("font_size = 0", "font_size = 0 is out of range"),
        ("font_size = -10.5", "font_size = -10.5 is out of range"),
        ("font_size = nan", "font_size = NaN is out of range"),
        ("line_pitch = 0", "line_pitch = 0 is out of range"),
        (
            "page_width_mm = 1e9",
            "page_width_mm = 1000000000 is out of range",
        ),
        ("margin_inner_mm = 180.0", "the text block is"),
    ] {
        let key = setting.split(' ').next().unwrap();
        let e = build_broken(|b| {
            edit_file(&b.join("book.toml"), |t| {
                // Replace the key where the seed sets it, else add it.
                let mut lines: Vec<String> = t.lines().map(String::from).collect();
                match lines
                    .iter()
                    .position(|l| l.starts_with(&format!("{key} =")))
                {
                    Some(i) => lines[i] = setting.to_string(),
                    None => {
                        let at = lines.iter().position(|l| l == "[pdf]").unwrap();
                        lines.insert(at + 1, setting.to_string());
                    }
                }
                lines.join("\n") + "\n"
            })
        });
        assert!(
            e.contains(words) && e.contains("book.toml:") && e.lines().count() == 1,
            "{setting}: {e}"
        );
    }
}

/// Builds the seed book into `out`; returns the exit code and stderr.
fn build_into(book: &Path, out: &Path) -> (i32, String) {
    let o = Command::cargo_bin("bindery")
        .unwrap()
        .args(["build", "--book"])
        .arg(book)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn both_editions_or_neither() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    common::copy_book(&book);
    let out = dir.path().join("out");
    // A previous build's PDF, and a folder where the EPUB should go.
    std::fs::create_dir_all(out.join("book.epub")).unwrap();
    std::fs::write(out.join("book.pdf"), b"previous").unwrap();
    // Temporary files a killed build left behind.
    std::fs::write(out.join(".book.pdf.tmp-99999"), b"half").unwrap();
    let (code, stderr) = build_into(&book, &out);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("book.epub: error: is a folder"), "{stderr}");
    assert_eq!(std::fs::read(out.join("book.pdf")).unwrap(), b"previous");
    std::fs::remove_dir(out.join("book.epub")).unwrap();
    let (code, stderr) = build_into(&book, &out);
    assert_eq!(code, 0, "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["book.epub", "book.pdf"],
        "stale temporary files removed"
    );
}

#[test]
fn two_builds_into_one_folder_leave_a_matching_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a/book"), dir.path().join("b/book"));
    common::copy_book(&a);
    common::copy_book(&b);
    // Book b has another title: its editions differ from a's.
    edit_file(&b.join("book.toml"), |t| {
        t.replace("高度 深度", "广度 深度")
    });
    let out = dir.path().join("out");
    let (oa, ob) = (out.clone(), out.clone());
    let ta = std::thread::spawn(move || build_into(&a, &oa));
    let tb = std::thread::spawn(move || build_into(&b, &ob));
    assert_eq!(ta.join().unwrap().0, 0);
    assert_eq!(tb.join().unwrap().0, 0);
    let pdf = std::fs::read(out.join("book.pdf")).unwrap();
    let epub = std::fs::read(out.join("book.epub")).unwrap();
    // The title is in the PDF's metadata and the EPUB's package, both
    // from the same build.
    let from_b = |bytes: &[u8]| {
        let s = String::from_utf8_lossy(bytes).into_owned();
        s.contains("广度")
    };
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut z.by_name("EPUB/package.opf").unwrap(), &mut opf).unwrap();
    let pdf_title = String::from_utf8_lossy(&pdf).contains("<rdf:li xml:lang=\"x-default\">广度");
    assert_eq!(
        pdf_title,
        from_b(opf.as_bytes()),
        "PDF and EPUB from one build"
    );
}
