//! Valid by construction: links between chapters, raw HTML, metadata,
//! images, and the outputs that used to fail bindery's own check, each in
//! both editions.

mod common;

use std::path::Path;

use bindery::layout::{LinkTarget, Role};

/// Writes a book of `chapters` (file name, text) with `[book]` extra lines.
fn book(dir: &Path, extra: &str, chapters: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    let names: Vec<String> = chapters.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"样书\"\n{extra}chapters = [{}]\n",
            names.join(", ")
        ),
    )
    .unwrap();
    for (name, text) in chapters {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn build(dir: &Path, out: &Path) -> (i32, String) {
    common::bindery(&[
        "build".as_ref(),
        "--book".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--check".as_ref(),
    ])
}

fn entry(epub: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
    s
}

fn png(path: &Path, w: u32, h: u32) {
    image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 99]))
        .save(path)
        .unwrap();
}

#[test]
fn links_between_chapters_lead_to_the_same_places_in_both_editions() {
    let dir = tempfile::tempdir().unwrap();
    let filler = "正文段落，用来把标题推到后面的页上。".repeat(60);
    book(
        dir.path(),
        "",
        &[
            (
                "01.md",
                "+++\ntitle = \"第一章\"\n+++\n\n见[第二章](02.md)、[其第二节](02.md#第二节-方法)和[本章概述](#概述)，又见[外站](https://example.org/x)。\n\n## 概述\n\n文字。\n",
            ),
            (
                "02.md",
                &format!(
                    "+++\ntitle = \"第二章\"\n+++\n\n{filler}\n\n{filler}\n\n## 第二节 方法\n\n回到[第一章开头](01.md)。\n"
                ),
            ),
        ],
    );
    let p = common::prepared(dir.path());
    let epub = common::write_epub(&p, None);
    let ch1 = entry(&epub, "EPUB/ch01.xhtml");
    for href in [
        "ch02.xhtml#ch02",
        "ch02.xhtml#h-第二节-方法",
        "#h-概述",
        "https://example.org/x",
    ] {
        assert!(
            ch1.contains(&format!("href=\"{href}\"")),
            "{href} in\n{ch1}"
        );
    }
    assert!(ch1.contains("<h2 id=\"h-概述\">"));
    assert!(entry(&epub, "EPUB/ch02.xhtml").contains("<h2 id=\"h-第二节-方法\">"));
    common::assert_epubcheck_clean(&epub);

    // In the PDF each link leads to the page (and height) of its target.
    let doc = common::typeset(&p);
    let heading = doc
        .lines
        .iter()
        .find(|l| matches!(l.role, Role::Heading(_)) && l.text.contains("第二节"))
        .expect("the heading is set");
    let opening = |title: &str| doc.outline.iter().find(|o| o.title == title).unwrap().page;
    let targets: Vec<(usize, f32)> = doc
        .pages
        .iter()
        .flat_map(|pg| &pg.links)
        .filter_map(|l| match l.target {
            LinkTarget::Page { page, y } => Some((page, y)),
            _ => None,
        })
        .collect();
    assert!(
        heading.page > opening("第二章"),
        "the heading is past the chapter's first page"
    );
    assert!(
        targets.iter().any(|&(pg, y)| pg == heading.page
            && y < heading.baseline
            && heading.baseline - y < 40.0),
        "a link to the heading's line: {targets:?}, heading at {} {}",
        heading.page,
        heading.baseline
    );
    assert!(targets.contains(&(opening("第二章"), 0.0)));
    assert!(targets.contains(&(opening("第一章"), 0.0)));
    assert!(
        !doc.pages
            .iter()
            .flat_map(|pg| &pg.links)
            .any(|l| matches!(l.target, LinkTarget::Anchor(_))),
        "every anchor resolved"
    );
}

#[test]
fn broken_links_and_bad_metadata_are_errors_at_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let book_dir = dir.path().join("b");
    book(
        &book_dir,
        "language = \"klingon!!\"\ndate = \"tomorrow\"\nisbn = \"978-7-…\"\neditors = [\"\"]\ndescription = \"坏\\u0007\"\n",
        &[(
            "01.md",
            "+++\ntitle = \"章\\t名\"\n+++\n\n[缺](99.md) [无](#nope)\n[脚本](javascript:alert(1))\n",
        )],
    );
    let out = dir.path().join("out");
    let (code, err) = build(&book_dir, &out);
    assert_eq!(code, 1, "{err}");
    let b = book_dir.display();
    for want in [
        format!("{b}/book.toml:3:1: error: [book] language"),
        format!("{b}/book.toml:4:1: error: [book] date"),
        format!("{b}/book.toml:5:1: error: [book] isbn"),
        format!("{b}/book.toml:6:12: error: [book] editors"),
        format!("{b}/book.toml:7:1: error: [book] description"),
        format!("{b}/01.md:2:1: error: front matter title"),
    ] {
        assert!(err.contains(&want), "want {want:?} in:\n{err}");
    }
    assert!(!out.exists(), "nothing written");
    // With the front matter and metadata fixed, the links are reported.
    book(
        &book_dir,
        "",
        &[(
            "01.md",
            "+++\ntitle = \"章名\"\n+++\n\n[缺](99.md) [无](#nope)\n[脚本](javascript:alert(1))\n",
        )],
    );
    let (code, err) = build(&book_dir, &out);
    assert_eq!(code, 1, "{err}");
    for want in [
        format!("{b}/01.md:5:1: error: link 99.md: 99.md is not a chapter"),
        format!("{b}/01.md:5:12: error: link #nope: no heading #nope"),
        format!("{b}/01.md:6:1: error: link javascript:alert(1): javascript: links are refused"),
    ] {
        assert!(err.contains(&want), "want {want:?} in:\n{err}");
    }
}

#[test]
fn metadata_in_every_accepted_form() {
    let dir = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "language = \"zh-Hant-TW\"\ndate = \"2024-08-01T09:30:00+08:00\"\nisbn = \"7-02-000220-X\"\ndescription = \"第一行\\n第二行\"\n",
        &[("01.md", "+++\ntitle = \"章\"\n+++\n\n正文。\n")],
    );
    let p = common::prepared(dir.path());
    let epub = common::write_epub(&p, None);
    let opf = entry(&epub, "EPUB/package.opf");
    // The ISBN-10 is recorded as its ISBN-13.
    assert!(opf.contains("urn:isbn:9787020002207"), "{opf}");
    assert!(opf.contains(">2024-08-01T09:30:00+08:00<"));
    common::assert_epubcheck_clean(&epub);
}

#[test]
fn raw_html_is_kept_in_the_epub_and_set_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "",
        &[(
            "01.md",
            "+++\ntitle = \"章\"\n+++\n\n行内<b>粗体字</b>与<em>强调字</em>、H<sub>2</sub>O、“&mdash;&hellip;&ldquo;&nbsp;”和<ruby>汉<rp>(</rp><rt>han</rt><rp>)</rp></ruby>。\n\n<div class=\"note\">\n<p>块内<strong>加粗</strong>&amp;<![CDATA[<原样>]]></p>\n<ul><li>甲项</li><li>乙项</li></ul>\n<!-- 编者注 -->\n</div>\n",
        )],
    );
    let p = common::prepared(dir.path());
    let epub = common::write_epub(&p, None);
    let ch = entry(&epub, "EPUB/ch01.xhtml");
    for want in [
        "<b>粗体字</b>",
        "<em>强调字</em>",
        "H<sub>2</sub>O",
        "“—…“\u{a0}”",
        "<rp>(</rp><rt>han</rt><rp>)</rp>",
        "<div class=\"note\">",
        "<strong>加粗</strong>&amp;&lt;原样&gt;",
        "<li>甲项</li>",
    ] {
        assert!(ch.contains(want), "{want} in\n{ch}");
    }
    assert!(!ch.contains("编者注") && !ch.contains("CDATA"));
    common::assert_epubcheck_clean(&epub);

    let doc = common::typeset(&p);
    let bold = p.fonts.role(bindery::style::FontRole::Strong);
    let bold_text: String = doc
        .pages
        .iter()
        .flat_map(|pg| &pg.runs)
        .filter(|r| r.font == bold && r.structure.is_some_and(|s| s.role == Role::Paragraph))
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(bold_text, "粗体字加粗");
    let lines: Vec<&str> = doc
        .lines
        .iter()
        .filter(|l| l.role == Role::Paragraph)
        .map(|l| l.text.as_str())
        .collect();
    assert!(lines.iter().any(|l| l.contains("汉(han)")), "{lines:?}");
    assert!(lines.contains(&"块内加粗&<原样>"), "{lines:?}");
    assert!(lines.iter().any(|l| l.ends_with("甲项")) && lines.iter().any(|l| l.ends_with("乙项")));
    let dots: usize = doc.pages.iter().map(|pg| pg.dots.len()).sum();
    assert_eq!(dots, 3, "emphasis dots under 强调字");
}

#[test]
fn images_keep_their_place_size_and_caption() {
    let dir = tempfile::tempdir().unwrap();
    png(&dir.path().join("small.png"), 200, 100);
    book(
        dir.path(),
        "",
        &[(
            "01.md",
            "+++\ntitle = \"章\"\n+++\n\n前文在图前。![小图说明](small.png)后文在图后。\n",
        )],
    );
    let p = common::prepared(dir.path());
    let epub = common::write_epub(&p, None);
    let ch = entry(&epub, "EPUB/ch01.xhtml");
    let at = |s: &str| ch.find(s).unwrap_or_else(|| panic!("{s} in {ch}"));
    assert!(
        at("<p>前文在图前。</p>") < at("<img ")
            && at("<img ") < at("<p class=\"continued\">后文在图后。</p>")
    );
    assert!(ch.contains("alt=\"小图说明\"/><figcaption>小图说明</figcaption>"));
    common::assert_epubcheck_clean(&epub);

    let doc = common::typeset(&p);
    let page = doc
        .pages
        .iter()
        .position(|pg| !pg.images.is_empty() && pg.images.iter().any(|i| i.structure.is_some()))
        .unwrap();
    let img = doc.pages[page]
        .images
        .iter()
        .find(|i| i.structure.is_some())
        .unwrap();
    // Natural size: 200 × 100 pixels at 96 to the inch, not enlarged.
    assert!(
        (img.width - 150.0).abs() < 0.01 && (img.height - 75.0).abs() < 0.01,
        "{img:?}"
    );
    assert_eq!(img.alt.as_deref(), Some("小图说明"));
    let y = |t: &str| doc.lines.iter().find(|l| l.text.contains(t)).unwrap();
    let (before, caption, after) = (y("前文"), y("小图说明"), y("后文"));
    assert!(before.page == page && after.page == page);
    assert!(
        before.baseline < img.y
            && img.y + img.height < caption.baseline
            && caption.baseline < after.baseline
    );
    assert_eq!(caption.role, Role::Caption);
    assert_eq!(
        after.x_start, after.left,
        "the text after the image continues unindented"
    );

    // Build: the low resolution is a warning; the PDF figure has /Alt.
    let out = dir.path().join("out");
    let (code, err) = build(dir.path(), &out);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("01.md:5:7: warning: image small.png prints at 96 ppi"),
        "{err}"
    );

    // Asked to, images fill the measure.
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"样书\"\nenlarge_images = true\nchapters = [\"01.md\"]\n",
    )
    .unwrap();
    let p = common::prepared(dir.path());
    let doc = common::typeset(&p);
    let img = doc
        .pages
        .iter()
        .flat_map(|pg| &pg.images)
        .find(|i| i.structure.is_some())
        .unwrap();
    assert!(img.width > 400.0, "{img:?}");
}

#[test]
fn own_output_passes_own_check() {
    let dir = tempfile::tempdir().unwrap();
    // Highly repetitive text (a chapter over 1 MiB of XHTML that deflates
    // past 200:1), zero-width and bidi controls, and no embedded fonts.
    let unit = "重复的句子一遍又一遍。";
    let long = unit.repeat(130_000 / unit.chars().count());
    let invisible =
        "零\u{200B}宽\u{200D}字\u{2060}符\u{FEFF}与\u{2066}双\u{2069}向\u{202A}控\u{202C}制。";
    book(
        dir.path(),
        "",
        &[
            (
                "01.md",
                &format!("+++\ntitle = \"长\u{200B}章\"\n+++\n\n{long}\n\n{long}\n\n{long}\n"),
            ),
            (
                "02.md",
                &format!("+++\ntitle = \"不可见字符\"\n+++\n\n{invisible}\n"),
            ),
        ],
    );
    let out = dir.path().join("out");
    let (code, err) = build(dir.path(), &out);
    assert_eq!(code, 0, "{err}");
    let epub = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .unwrap();
    let epub = std::fs::read(epub).unwrap();
    assert!(entry(&epub, "EPUB/ch01.xhtml").len() > 1024 * 1024);
    common::assert_epubcheck_clean(&epub);

    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"样书\"\nchapters = [\"02.md\"]\n\n[epub]\nembed_fonts = false\n",
    )
    .unwrap();
    let (code, err) = build(dir.path(), &out);
    assert_eq!(code, 0, "embed_fonts = false builds and checks: {err}");
}
