//! Copied text: what `pdftotext` (poppler) and pdf.js (from npm, in node)
//! give from the seed's body pages is its source text, line ends aside,
//! with no space where the PDF only sets a gap (the quarter em between Han
//! and Latin); source spaces between Chinese characters are gone from both
//! editions.

mod readers;

use std::path::Path;

use readers::{
    artifacts, assert_same_text, build, epub_file, first_body_page, run, seed, source_text,
    without_line_ends,
};

// The text block of the seed's A4 pages (25 mm margins), in points:
// running heads sit above it, folios below.
const TOP: f64 = 70.87;
const BOTTOM: f64 = 841.89 - 70.87;

#[test]
fn pdftotext_gives_the_seed_source_text() {
    let out = artifacts("text-poppler");
    let (epub, pdf) = build(&seed(), &out);
    let want = source_text(&seed(), &epub);
    let first = (first_body_page(&pdf) + 1).to_string();
    let o = run(
        "pdftotext",
        &[
            "-r",
            "72",
            "-f",
            &first,
            "-x",
            "0",
            "-y",
            &format!("{TOP:.0}"),
            "-W",
            "596",
            "-H",
            &format!("{:.0}", BOTTOM - TOP),
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    std::fs::write(out.join("pdftotext.txt"), &text).unwrap();
    let (got, gaps) = without_line_ends(&text);
    assert_eq!(gaps, 0, "pdftotext copies Han–Latin gaps as spaces");
    assert_same_text("pdftotext", &want, &got);
}

#[test]
fn pdfjs_gives_the_seed_source_text() {
    let out = artifacts("text-pdfjs");
    let (epub, pdf) = build(&seed(), &out);
    let want = source_text(&seed(), &epub);
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-readers/node_modules");
    assert!(
        modules.join("pdfjs-dist/legacy/build/pdf.mjs").is_file(),
        "pdf.js is missing from {}: run tests/setup",
        modules.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers/web/pdftext.mjs");
    let first = (first_body_page(&pdf) + 1).to_string();
    let o = run(
        "node",
        &[
            script.to_str().unwrap(),
            modules.to_str().unwrap(),
            pdf.to_str().unwrap(),
            &first,
            &format!("{:.2}", 841.89 - BOTTOM),
            &format!("{:.2}", 841.89 - TOP),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    std::fs::write(out.join("pdfjs.txt"), &text).unwrap();
    let (got, gaps) = without_line_ends(&text);
    assert_eq!(gaps, 0, "pdf.js copies Han–Latin gaps as spaces");
    assert_same_text("pdf.js", &want, &got);
}

#[test]
fn spaces_between_chinese_characters_are_dropped_in_both_editions() {
    let out = artifacts("text-spaces");
    let book = one_chapter_book(
        &out.join("spaces"),
        "空格",
        "+++\ntitle = \"空格之篇\"\nauthors = [\"某\"]\n+++\n\n\
         中国 人民，他说：  “好”。*强调* 之后，2024 年 8 月，a b。\n\n\
         全角\u{3000}空格留下，代码 `x y` 也是。\n\n## 第一节 概述\n\n节中正文。\n",
    );
    let (epub, pdf) = build(&book, &out.join("build"));
    let xhtml = epub_file(&epub, "EPUB/ch01.xhtml");
    let pdf_text =
        String::from_utf8(run("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]).stdout)
            .unwrap()
            .replace('\n', "");
    for (edition, text) in [("EPUB", xhtml.as_str()), ("PDF", pdf_text.as_str())] {
        for gone in ["中国人民", "他说：“好”"] {
            assert!(text.contains(gone), "{edition}: no “{gone}” in\n{text}");
        }
        // A full-width space is meant: it stays (the PDF sets it as a
        // gap, which poppler reads as a space).
        assert!(!text.contains("全角空格"), "{edition}: {text}");
        assert!(text.contains("a b"), "{edition}: {text}");
    }
    assert!(xhtml.contains("全角\u{3000}空格"), "{xhtml}");
    // The emphasis closes right before the dropped space.
    assert!(xhtml.contains("<em>强调</em>之后"), "{xhtml}");
    assert!(pdf_text.contains("强调之后"), "{pdf_text}");
    // Latin next to Han keeps its space in the EPUB (a reader spaces it).
    assert!(xhtml.contains("2024 年 8 月"), "{xhtml}");
    assert!(xhtml.contains("<code>x y</code>"), "{xhtml}");
    // A heading keeps its space, and its id the hyphen.
    assert!(xhtml.contains("id=\"h-第一节-概述\""), "{xhtml}");
    assert!(pdf_text.contains("第一节 概述"), "{pdf_text}");
}

#[test]
fn synthetic_gaps_are_not_copied_as_spaces_in_a_book_with_latin_and_numbers() {
    let out = artifacts("text-gaps");
    // Short paragraphs (one line each): Han next to Latin words and
    // numbers, a dash, a middle dot, real spaces between Latin words, and
    // a bold heading with a number.
    let paragraphs = [
        "2024年8月，GDP增长5.2%。",
        "他用iPhone与OpenAI的ChatGPT写了3篇文章。",
        "第3章——U盘·Wi-Fi与5G网络。",
        "他说Hello world，共100人。",
    ];
    let mut md = String::from("+++\ntitle = \"第2篇：AI与5G\"\nauthors = [\"某\"]\n+++\n");
    for p in paragraphs {
        md.push_str(&format!("\n{p}\n"));
    }
    let book = one_chapter_book(&out.join("gaps"), "间距", &md);
    let (_, pdf) = build(&book, &out.join("build"));
    let poppler = run("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-readers/node_modules");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers/web/pdftext.mjs");
    let pdfjs = run(
        "node",
        &[
            script.to_str().unwrap(),
            modules.to_str().unwrap(),
            pdf.to_str().unwrap(),
            "1",
            "0",
            "900",
        ],
    );
    assert!(
        pdfjs.status.success(),
        "{}",
        String::from_utf8_lossy(&pdfjs.stderr)
    );
    for (tool, o) in [("pdftotext", poppler), ("pdf.js", pdfjs)] {
        let text = String::from_utf8(o.stdout).unwrap();
        std::fs::write(out.join(format!("{tool}.txt")), &text).unwrap();
        let (got, gaps) = without_line_ends(&text);
        assert_eq!(gaps, 0, "{tool}: spaces at Han–Latin gaps in\n{got}");
        for want in paragraphs.iter().chain(&["第2篇：AI与5G"]) {
            assert!(got.contains(want), "{tool}: no “{want}” in\n{got}");
        }
    }
}

/// Width in CSS pixels Chromium gives `text` set in the EPUB's style sheet,
/// as the reader sets it and with `text-autospace` turned off.
/// A book of one chapter, `a.md`, in `dir`.
fn one_chapter_book(dir: &Path, title: &str, chapter: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let toml = format!("[book]\ntitle = \"{title}\"\nchapters = [\"a.md\"]\n");
    std::fs::write(dir.join("book.toml"), toml).unwrap();
    std::fs::write(dir.join("a.md"), chapter).unwrap();
    dir.to_path_buf()
}

fn chromium_widths(epub: &Path, text: &str, out: &Path) -> (f64, f64) {
    let dir = out.join("epub");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("style.css"), epub_file(epub, "EPUB/style.css")).unwrap();
    let probe = dir.join("probe.html");
    std::fs::write(
        &probe,
        format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <link rel=\"stylesheet\" href=\"style.css\"/></head><body>\
             <p><span id=\"a\">{text}</span></p>\
             <p style=\"text-autospace: no-autospace\"><span id=\"n\">{text}</span></p>\
             <script>const w = id => document.getElementById(id).getBoundingClientRect().width;\
             document.title = w('a') + ' ' + w('n');</script></body></html>"
        ),
    )
    .unwrap();
    let profile = out.join("profile");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let o = run(
        &chromium,
        &[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", probe.display()),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8(o.stdout).unwrap();
    let title = dom
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    let w: Vec<f64> = title.split(' ').map(|v| v.parse().unwrap()).collect();
    (w[0], w[1])
}

#[test]
fn the_epub_spaces_han_from_latin_and_digits_where_the_reader_can() {
    let out = artifacts("text-autospace");
    let (epub, _) = build(&seed(), &out);
    // Four boundaries between Han and a digit or a Latin letter; Chromium
    // adds an eighth of an em (2 px at 16 px) at each.
    let (spaced, plain) = chromium_widths(&epub, "撑的500亿级GDP增长", &out);
    assert!(
        (spaced - plain - 8.0).abs() < 1.0,
        "with the style sheet {spaced} px, without spacing {plain} px"
    );
    // Han next to Han gets nothing.
    let (spaced, plain) = chromium_widths(&epub, "撑的亿级增长", &out);
    assert!((spaced - plain).abs() < 0.01, "{spaced} ≠ {plain}");
}
