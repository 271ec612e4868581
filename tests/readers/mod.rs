//! Shared by the reader tests: a feature book (editors, ISBN, footnotes with
//! strong text, a `##` heading, lists, a quote, emphasis, strong text, an
//! image) and builds of it and of the seed with the `bindery` binary.
#![allow(dead_code)]

pub mod titles;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes the feature book into `dir`.
pub fn feature_book(dir: &Path) {
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        r#"[book]
title = "读者所见"
subtitle = "阅读器与打印机的检验"
section = "样书"
language = "zh-CN"
editors = ["王编辑"]
isbn = "9787020002207"
chapters = ["a.md", "b.md"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        "+++\ntitle = \"以实干实绩实效在加快建设全面深化改革先行区中展现奉节新作为\"\nauthors = [\"作者一\", \"作者二\"]\nbyline_mark = \"□\"\nnote = \"(作者单位：某大学)\"\n+++\n\n\
第一段含有*强调的文字*与**重点的文字**，还有脚注[^1]。\n\n\
## 小标题在这里\n\n\
> 引用的一段话，出自某书。\n\n\
1. 第一项内容\n2. 第二项内容\n\n\
- 无序的一项\n\n\
![示意图的替代文字](images/figure.png)\n\n\
图后的一段正文。\n\n\
[^1]: 脚注里有**加粗的词**。\n",
    )
    .unwrap();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]))
        .save(dir.join("images/figure.png"))
        .unwrap();
    std::fs::write(
        dir.join("b.md"),
        "+++\ntitle = \"第二篇\"\nauthors = [\"作者三\"]\n+++\n\n第二篇的正文。\n",
    )
    .unwrap();
}

/// The seed book's folder.
pub fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book")
}

/// Builds `book` into `out` with the `bindery` binary; returns the EPUB
/// and PDF paths.
pub fn build(book: &Path, out: &Path) -> (PathBuf, PathBuf) {
    let o = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .arg("build")
        .arg("--book")
        .arg(book)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("bindery runs");
    assert!(
        o.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let slug = book.file_name().unwrap().to_string_lossy().into_owned();
    (
        out.join(format!("{slug}.epub")),
        out.join(format!("{slug}.pdf")),
    )
}

/// Runs a program that must exist (a missing tool fails the test).
pub fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (tests/setup): {e}"))
}

/// A folder under `out/` (kept for looking at), emptied first.
pub fn artifacts(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("out/readers")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A file of an EPUB as text.
pub fn epub_file(epub: &Path, name: &str) -> String {
    let f = std::fs::File::open(epub).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut e = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the EPUB"));
    let mut s = String::new();
    std::io::Read::read_to_string(&mut e, &mut s).unwrap();
    s
}

/// The seed's body as its sources hold it: per chapter the title (the
/// contents' entry when the source has none), the byline, the paragraphs
/// and the author note, with no line ends.
pub fn source_text(book: &Path, epub: &Path) -> String {
    let conf: toml::Table = std::fs::read_to_string(book.join("book.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let nav = epub_file(epub, "EPUB/nav.xhtml").replace("<wbr/>", "");
    let labels: Vec<&str> = nav
        .split("<li><a href=\"ch")
        .skip(1)
        .map(|l| l.split('>').nth(1).unwrap().split('<').next().unwrap())
        .collect();
    let mut out = String::new();
    let chapters = conf["book"]["chapters"].as_array().unwrap();
    for (i, ch) in chapters.iter().enumerate() {
        let text = std::fs::read_to_string(book.join(ch.as_str().unwrap())).unwrap();
        let (front, body) = text
            .trim_start_matches("+++\n")
            .split_once("+++\n")
            .unwrap();
        let front: toml::Table = front.parse().unwrap();
        let title = front["title"].as_str().unwrap();
        assert!(
            title.is_empty() || title == labels[i],
            "{title} ≠ {}",
            labels[i]
        );
        out.push_str(labels[i]);
        out.push_str(
            front
                .get("byline_mark")
                .and_then(|m| m.as_str())
                .unwrap_or(""),
        );
        let authors: Vec<&str> = front["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        out.push_str(&authors.join(" "));
        for line in body.lines().filter(|l| !l.trim().is_empty()) {
            // Plain paragraphs only: markup would need a Markdown reader.
            assert!(
                !line.contains(['*', '[', '<', '`', '\\']) && !line.starts_with(['#', '>', '-']),
                "{line}"
            );
            out.push_str(line.trim());
        }
        out.push_str(front.get("note").and_then(|m| m.as_str()).unwrap_or(""));
    }
    out
}

/// Extracted text with its line and page ends taken out, and the number
/// of spaces in it between Han and a Latin letter or digit (the source
/// has none there: one would come from the PDF's quarter-em gap).
pub fn without_line_ends(text: &str) -> (String, usize) {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, '\n' | '\u{c}'))
        .collect();
    let han = |c: char| bindery::script::is_han(c);
    let latin = |c: char| bindery::script::is_latin_alnum(c);
    let gaps = chars
        .windows(3)
        .filter(|w| w[1] == ' ' && ((han(w[0]) && latin(w[2])) || (latin(w[0]) && han(w[2]))))
        .count();
    (chars.into_iter().collect(), gaps)
}

/// Asserts `got` equals `want`, showing where they part.
pub fn assert_same_text(tool: &str, want: &str, got: &str) {
    if want == got {
        return;
    }
    let at = want
        .chars()
        .zip(got.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let show = |s: &str| {
        s.chars()
            .skip(at.saturating_sub(20))
            .take(60)
            .collect::<String>()
    };
    panic!(
        "{tool}: the text differs at character {at}:\n  source: {}\n  {tool}: {}",
        show(want),
        show(got)
    );
}

/// The physical index (from 0) of the page labelled 1, by qpdf.
pub fn first_body_page(pdf: &Path) -> usize {
    let o = run(
        "qpdf",
        &["--json", "--json-key=pagelabels", pdf.to_str().unwrap()],
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("qpdf --json");
    let ranges = j["pagelabels"].as_array().expect("page labels");
    let arabic = ranges.iter().find(|l| l["label"]["/S"] == "/D").unwrap();
    arabic["index"].as_u64().unwrap() as usize
}
