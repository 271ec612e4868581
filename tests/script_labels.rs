//! Books in traditional characters: the generated labels in the book's
//! script, `[book] labels` in the editor's words, and the language tags of
//! both editions.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{assert_epubcheck_clean, bindery};

fn write_book(dir: &Path, language: &str, extra: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"孟子選讀\"\nlanguage = \"{language}\"\nchapters = [\"a.md\", \"b.md\"]\n{extra}"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        "+++\ntitle = \"梁惠王上\"\nauthors = [\"孟軻\"]\n+++\n\n孟子見梁惠王。王曰：「叟！不遠千里而來，亦將有以利吾國乎？」[^1]\n\n[^1]: 梁惠王，魏侯罃也。\n",
    )
    .unwrap();
    // Untitled: the editions show the fallback title.
    std::fs::write(
        dir.join("b.md"),
        "+++\ntitle = \"\"\nauthors = [\"孟軻\"]\n+++\n\n孟子對曰：「王何必曰利？亦有仁義而已矣。」\n",
    )
    .unwrap();
}

fn build(book: &Path, out: &Path) -> (i32, String) {
    bindery(&[
        "build".as_ref(),
        "--book".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

fn entries(epub: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            out.insert(name, s);
        }
    }
    out
}

fn run(cmd: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e} (tests/setup installs it)"));
    assert!(out.status.success(), "{cmd} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF's catalog /Lang, read from qpdf's uncompressed form.
fn pdf_lang(pdf: &Path) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let qdf = dir.path().join("q.pdf");
    let status = std::process::Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(pdf)
        .arg(&qdf)
        .status()
        .expect("qpdf runs (tests/setup installs it)");
    assert!(status.success());
    let bytes = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let at = text.find("/Lang (")? + "/Lang (".len();
    Some(text[at..].split(')').next()?.to_string())
}

#[test]
fn traditional_books_get_traditional_labels_and_tags_in_both_editions() {
    let dir = tempfile::tempdir().unwrap();
    for (n, (language, hant)) in [("zh-Hant", true), ("zh-TW", true), ("zh-CN", false)]
        .into_iter()
        .enumerate()
    {
        let book = dir.path().join(format!("b{n}"));
        write_book(&book, language, "");
        let out = dir.path().join(format!("o{n}"));
        let (code, err) = build(&book, &out);
        assert_eq!(code, 0, "{err}");
        let epub = out.join(format!("b{n}.epub"));
        let pdf = out.join(format!("b{n}.pdf"));
        let docs = entries(&epub);
        let all: String = docs.values().cloned().collect();
        let (want, not) = if hant {
            (
                [
                    "目錄",
                    "導覽",
                    "頁碼",
                    "第2篇（無題）",
                    "腳註與正文雙向連結",
                ],
                [
                    "目录",
                    "导览",
                    "页码",
                    "第2篇（无题）",
                    "脚注与正文双向链接",
                ],
            )
        } else {
            (
                [
                    "目录",
                    "导览",
                    "页码",
                    "第2篇（无题）",
                    "脚注与正文双向链接",
                ],
                [
                    "目錄",
                    "導覽",
                    "頁碼",
                    "第2篇（無題）",
                    "腳註與正文雙向連結",
                ],
            )
        };
        for w in want {
            assert!(all.contains(w), "{language}: the EPUB lacks {w}");
        }
        for w in not {
            assert!(!all.contains(w), "{language}: the EPUB has {w}");
        }
        for (name, doc) in &docs {
            if name.ends_with(".xhtml") {
                assert!(
                    doc.contains(&format!("xml:lang=\"{language}\"")),
                    "{name} is not tagged {language}"
                );
            }
        }
        let text: String = run("pdftotext", &[pdf.as_os_str(), "-".as_ref()])
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains(want[0]) && text.contains(want[3]), "{text}");
        assert!(!text.contains(not[0]) && !text.contains(not[3]), "{text}");
        assert_eq!(pdf_lang(&pdf).as_deref(), Some(language));
        if n == 0 {
            assert_epubcheck_clean(&std::fs::read(&epub).unwrap());
            let (code, err) = bindery(&[
                "check".as_ref(),
                "--deny-warnings".as_ref(),
                "--profile".as_ref(),
                "distribution".as_ref(),
                epub.as_os_str(),
                pdf.as_os_str(),
            ]);
            assert_eq!(code, 0, "{err}");
        }
    }
}

#[test]
fn book_labels_replace_generated_labels() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    write_book(
        &book,
        "zh-Hant",
        "\n[book.labels]\ncontents = \"篇目\"\nuntitled = \"無題之{n}\"\npage_list = \"紙本頁碼\"\n",
    );
    let out = dir.path().join("o");
    let (code, err) = build(&book, &out);
    assert_eq!(code, 0, "{err}");
    let all: String = entries(&out.join("b.epub")).values().cloned().collect();
    for w in ["篇目", "無題之2", "紙本頁碼", "導覽"] {
        assert!(all.contains(w), "the EPUB lacks {w}");
    }
    for w in [">目錄<", "第2篇（無題）", ">頁碼<"] {
        assert!(!all.contains(w), "the EPUB still has {w}");
    }
    let text: String = run("pdftotext", &[out.join("b.pdf").as_os_str(), "-".as_ref()])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("篇目") && text.contains("無題之2"), "{text}");

    // An unknown label is an error at its table in book.toml.
    write_book(&book, "zh-Hant", "\n[book.labels]\ncontnets = \"篇目\"\n");
    let (code, err) = build(&book, &dir.path().join("o2"));
    assert_eq!(code, 1);
    assert!(
        err.contains("book.toml:") && err.contains("unknown label `contnets`"),
        "{err}"
    );
}
