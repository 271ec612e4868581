//! The EPUB as Calibre sees it: its catalogue metadata (`ebook-meta`), and
//! its conversions to Kindle (AZW3) and PDF, which must run without a
//! warning, show no hidden navigation as text, add no contents page of
//! their own and keep the emphasis.

mod readers;

use readers::{artifacts, build, feature_book, run, seed};

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn ebook_meta_shows_title_authors_language_identifier_and_cover() {
    let out = artifacts("calibre-meta");
    let (seed_epub, _) = build(&seed(), &out.join("seed"));
    let o = run("ebook-meta", &[seed_epub.to_str().unwrap()]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("高度 深度 力度 温度"), "{t}");
    // No editors: the article authors are the book's creators.
    assert!(t.contains("张果 & 吴昊"), "{t}");
    assert!(t.contains("zho"), "{t}");
    let book = out.join("feature");
    feature_book(&book);
    let (epub, _) = build(&book, &out.join("feature-out"));
    let cover = out.join("cover.png");
    let o = run(
        "ebook-meta",
        &[
            epub.to_str().unwrap(),
            &format!("--get-cover={}", cover.display()),
        ],
    );
    let t = text(&o);
    assert!(t.contains("王编辑"), "editors are the creators: {t}");
    assert!(t.contains("isbn:9787020002207"), "{t}");
    let size = std::fs::metadata(&cover).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "cover not found by Calibre ({size} bytes): {t}"
    );
}

/// Converts `epub` to `to` and returns the conversion log.
fn convert(epub: &std::path::Path, to: &std::path::Path) -> String {
    let runtime = tempfile::tempdir().unwrap();
    let o = std::process::Command::new("ebook-convert")
        .arg(epub)
        .arg(to)
        // Calibre's PDF output renders with Qt WebEngine, whose sandbox
        // refuses to run as root (CI runs as root).
        .env("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
        .env("XDG_RUNTIME_DIR", runtime.path())
        .output()
        .expect("ebook-convert must be installed (tests/setup)");
    let t = text(&o);
    assert!(o.status.success(), "ebook-convert failed:\n{t}");
    for line in t.lines() {
        assert!(
            !line.to_ascii_lowercase().contains("warning"),
            "ebook-convert warns: {line}"
        );
    }
    t
}

#[test]
fn kindle_output_has_no_navigation_text_and_keeps_emphasis() {
    let out = artifacts("calibre-azw3");
    let book = out.join("feature");
    feature_book(&book);
    let (epub, _) = build(&book, &out.join("feature-out"));
    let azw3 = out.join("feature.azw3");
    convert(&epub, &azw3);
    // Read the Kindle book back as text and as an EPUB.
    let txt = out.join("feature.txt");
    convert(&azw3, &txt);
    let text = std::fs::read_to_string(&txt).unwrap();
    for hidden in ["导览", "页码", "Table of Contents", "Contents"] {
        assert!(!text.contains(hidden), "visible “{hidden}” in:\n{text}");
    }
    assert_eq!(
        text.matches("目录").count(),
        1,
        "one contents page:\n{text}"
    );
    assert!(text.contains("强调的文字"), "{text}");
    let back = out.join("feature-back.epub");
    convert(&azw3, &back);
    let css = readers::epub_file(&back, "stylesheet.css");
    let f = std::fs::File::open(&back).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut html = String::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        if e.name().unwrap().ends_with("html") {
            std::io::Read::read_to_string(&mut e, &mut html).unwrap();
        }
    }
    // The emphasised words keep a class whose rule draws the dotted line
    // (or the dots).
    let at = html
        .find("强调的文字")
        .expect("emphasis text in the Kindle book");
    let open = html[..at].rfind('<').unwrap();
    let tag = &html[open..at];
    assert!(tag.starts_with("<em"), "emphasis element lost: {tag}");
    let class = tag
        .split("class=\"")
        .nth(1)
        .and_then(|c| c.split('"').next())
        .unwrap_or_else(|| panic!("the emphasis has no class: {tag}"));
    let marked = class.split_whitespace().any(|c| {
        css.split('}').any(|rule| {
            rule.trim_start().starts_with(&format!(".{c} {{"))
                && (rule.contains("dotted") || rule.contains("text-emphasis"))
        })
    });
    assert!(marked, "emphasis lost: <{tag}> with\n{css}");
}

#[test]
fn pdf_output_converts_cleanly_with_one_cover() {
    let out = artifacts("calibre-pdf");
    let (epub, _) = build(&seed(), &out.join("seed"));
    let pdf = out.join("seed-calibre.pdf");
    convert(&epub, &pdf);
    let t = text(&run(
        "pdftotext",
        &["-f", "1", "-l", "3", pdf.to_str().unwrap(), "-"],
    ));
    // The cover is an image alone on page 1; page 2 is the title page,
    // not a second cover or a blank page.
    let pages: Vec<&str> = t.split('\u{c}').collect();
    assert!(pages[0].trim().is_empty(), "page 1 is the cover: {t}");
    assert!(pages[1].contains("高度 深度 力度 温度"), "page 2: {t}");
}
