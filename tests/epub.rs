//! The EPUB edition checked from the outside: EPUBCheck, reproducibility,
//! nothing lost, font coverage, and a real rendering in Chromium with the
//! system's Chinese fonts hidden.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use bindery::model::pagemap::{PageMap, PageStart};
use bindery::model::{Block, Book};
use bindery::pipeline::Prepared;
use quick_xml::events::Event;
use rustybuzz::ttf_parser;

mod common;

const MODIFIED: i64 = 1_764_288_000; // 2025-11-28T00:00:00Z

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book")
}

fn load(dir: &Path) -> Prepared {
    let mut p = common::prepared(dir);
    p.date = MODIFIED;
    p
}

fn build(dir: &Path, pages: Option<&PageMap>) -> (Book, Vec<u8>) {
    let p = load(dir);
    let bytes = common::write_epub(&p, pages);
    (p.book().clone(), bytes)
}

/// Every file of the archive, in archive order.
fn entries(epub: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(epub)).expect("a ZIP archive");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

use common::assert_epubcheck_clean;

#[test]
fn seed_epub_passes_epubcheck() {
    let (_, epub) = build(&seed_dir(), None);
    assert_epubcheck_clean(&epub);
}

/// A book using every construct: footnotes, emphasis, headings, lists,
/// quotes, an untitled article, editors, publisher, ISBN, and a page-list.
fn feature_book(dir: &Path) {
    std::fs::write(
        dir.join("book.toml"),
        r#"[book]
title = "测试 & 样书"
subtitle = "副标题"
section = "栏目"
language = "zh-CN"
editors = ["编者甲", "编者乙"]
publisher = "某出版社"
isbn = "9787020002207"
date = "2025-11-28"
description = "一本用来检验 <EPUB> 的书。"
chapters = ["a.md", "b.md"]
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        "+++\ntitle = \"第一篇文章\"\nauthors = [\"作者一\", \"作者二\"]\nbyline_mark = \"□\"\nnote = \"(作者单位：某大学)\"\n+++\n\n\
正文第一段，含*强调*与**重点**，以及脚注[^1]和再次引用[^1]。\n\n\
## 小标题\n\n\
> 引用的一段话。\n\n\
1. 第一项\n2. 第二项\n\n\
- 无序项\n\n\
---\n\n\
最后一段有`代码`和[链接](https://example.org/a?b=1&c=2)。\n\n\
[^1]: 脚注的内容。\n",
    )
    .unwrap();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]))
        .save(dir.join("figure.png"))
        .unwrap();
    std::fs::write(
        dir.join("b.md"),
        "+++\ntitle = \"\"\nauthors = [\"作者三\"]\n+++\n\n无题文章的正文。\n\n第二段。\n",
    )
    .unwrap();
}

fn feature_pages() -> PageMap {
    let p = |label: &str, chapter, block, offset| PageStart {
        label: label.into(),
        chapter,
        block,
        offset,
    };
    PageMap {
        pages: vec![
            p("1", 0, None, 0),
            p("2", 0, Some(0), 10),
            p("3", 0, Some(2), 0),
            p("4", 0, Some(3), 3),
            p("5", 1, Some(1), 1),
        ],
    }
}

#[test]
fn feature_book_with_page_list_passes_epubcheck() {
    let dir = tempfile::tempdir().unwrap();
    feature_book(dir.path());
    let p = load(dir.path());
    let mut book = p.book().clone();
    // An image block (added to the model directly: the loader resolves
    // Markdown images against the book folder).
    let pos = book.chapters[0].blocks[0].pos().clone();
    book.chapters[0].blocks.push(Block::Image {
        path: dir.path().join("figure.png"),
        alt: "示意图".into(),
        pos,
    });
    let p = p.with_book(book).unwrap();
    let epub = common::write_epub(&p, Some(&feature_pages()));
    let files: BTreeMap<String, Vec<u8>> = entries(&epub).into_iter().collect();
    let nav = String::from_utf8(files["EPUB/nav.xhtml"].clone()).unwrap();
    assert_eq!(nav.matches("role=\"doc-pagelist\"").count(), 1);
    let opf = String::from_utf8(files["EPUB/package.opf"].clone()).unwrap();
    assert!(opf.contains(">printPageNumbers<"));
    assert!(opf.contains("urn:isbn:9787020002207"));
    assert!(opf.contains("测试 &amp; 样书"));
    let a = String::from_utf8(files["EPUB/ch01.xhtml"].clone()).unwrap();
    assert!(a.contains("role=\"doc-footnote\"") && a.contains("role=\"doc-backlink\""));
    assert!(a.contains("alt=\"示意图\""));
    let image = files
        .iter()
        .find(|(n, _)| n.starts_with("EPUB/images/image-"))
        .expect("the chapter's image is in the archive");
    assert_eq!(
        image.1,
        &std::fs::read(dir.path().join("figure.png")).unwrap()
    );
    assert_epubcheck_clean(&epub);

    // Without a page map the page-list and its feature claim disappear.
    let (_, plain) = build(dir.path(), None);
    let files: BTreeMap<String, Vec<u8>> = entries(&plain).into_iter().collect();
    let opf = String::from_utf8(files["EPUB/package.opf"].clone()).unwrap();
    assert!(!opf.contains("printPageNumbers"));
    let nav = String::from_utf8(files["EPUB/nav.xhtml"].clone()).unwrap();
    assert!(!nav.contains("page-list"));
}

#[test]
fn archive_layout_and_reproducibility() {
    let (_, first) = build(&seed_dir(), None);
    let (_, second) = build(&seed_dir(), None);
    assert!(first == second, "two builds of the same sources differ");

    // mimetype first, stored, with no extra field: readers sniff it at a
    // fixed offset.
    assert_eq!(&first[0..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([first[8], first[9]]), 0, "stored");
    assert_eq!(
        u16::from_le_bytes([first[28], first[29]]),
        0,
        "no extra field"
    );
    assert_eq!(&first[30..38], b"mimetype");
    assert_eq!(&first[38..58], b"application/epub+zip");

    // Another modification time changes the bytes (it is really used).
    let mut p = load(&seed_dir());
    p.date = MODIFIED + 86_400;
    let later = common::write_epub(&p, None);
    assert!(later != first);
    let opf = entries(&later)
        .into_iter()
        .find(|(n, _)| n.ends_with(".opf"))
        .unwrap()
        .1;
    assert!(
        String::from_utf8(opf)
            .unwrap()
            .contains("2025-11-29T00:00:00Z")
    );
}

/// Text content of the XHTML documents (head excluded), split by whether
/// the style sheet sets it in the bold face.
#[derive(Default)]
struct XhtmlText {
    all: String,
    regular: BTreeSet<char>,
    bold: BTreeSet<char>,
}

fn xhtml_text(files: &[(String, Vec<u8>)]) -> XhtmlText {
    let mut t = XhtmlText::default();
    for (name, data) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        let mut r = quick_xml::Reader::from_reader(&data[..]);
        let mut stack: Vec<Vec<u8>> = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => stack.push(e.local_name().as_ref().as_bytes().to_vec()),
                Ok(Event::End(_)) => {
                    stack.pop();
                }
                Ok(Event::Text(e)) => {
                    if stack.iter().any(|n| n == b"head") {
                        continue;
                    }
                    // Entity references arrive as separate events.
                    let s = e.into_inner().into_owned();
                    let bold = stack.iter().any(|n| {
                        matches!(
                            &n[..],
                            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"strong"
                        )
                    });
                    for c in s.chars().filter(|c| !c.is_control()) {
                        if bold {
                            t.bold.insert(c);
                        } else {
                            t.regular.insert(c);
                        }
                    }
                    t.all.push_str(&s);
                }
                Ok(Event::GeneralRef(e)) => {
                    if stack.iter().any(|n| n == b"head") {
                        continue;
                    }
                    let s = match e.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => match &*e.into_inner() {
                            "amp" => "&".to_string(),
                            "lt" => "<".to_string(),
                            "gt" => ">".to_string(),
                            "quot" => "\"".to_string(),
                            "apos" => "'".to_string(),
                            other => panic!("{name}: unknown entity {other}"),
                        },
                    };
                    let bold = stack.iter().any(|n| {
                        matches!(
                            &n[..],
                            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"strong"
                        )
                    });
                    for c in s.chars() {
                        if bold {
                            t.bold.insert(c);
                        } else {
                            t.regular.insert(c);
                        }
                    }
                    t.all.push_str(&s);
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed: {e}"),
            }
        }
    }
    t
}

fn multiset(s: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// Characters the font file maps, and its glyph count.
fn font_cmap(data: &[u8]) -> (BTreeSet<char>, u16) {
    let face = ttf_parser::Face::parse(data, 0).expect("embedded font parses");
    let mut chars = BTreeSet::new();
    for sub in face
        .tables()
        .cmap
        .expect("embedded font has a cmap")
        .subtables
    {
        if sub.is_unicode() {
            sub.codepoints(|cp| {
                if let Some(c) = char::from_u32(cp)
                    && sub.glyph_index(cp).is_some_and(|g| g.0 != 0)
                {
                    chars.insert(c);
                }
            });
        }
    }
    assert!(face.tables().os2.is_some(), "embedded font keeps OS/2");
    (chars, face.number_of_glyphs())
}

#[test]
fn every_character_reaches_the_xhtml_and_the_embedded_fonts() {
    let features = tempfile::tempdir().unwrap();
    feature_book(features.path());
    for (dir, pages) in [
        (seed_dir(), None),
        (features.path().to_path_buf(), Some(feature_pages())),
    ] {
        let (book, epub) = build(&dir, pages.as_ref());
        let files = entries(&epub);
        let text = xhtml_text(&files);

        // Count-wise: the XHTML shows each character of the book at least
        // as often as the sources have it.
        let have = multiset(&text.all);
        for (c, n) in multiset(&book.visible_text()) {
            let got = have.get(&c).copied().unwrap_or(0);
            assert!(
                got >= n,
                "{c:?} appears {n} times in the book, {got} in the EPUB"
            );
        }

        let font = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n.starts_with("EPUB/fonts/") && n.contains(name))
                .map(|(_, d)| d.clone())
                .unwrap_or_else(|| panic!("{name} font embedded"))
        };
        let p = load(&dir);
        let fonts = &p.fonts;
        let face = |name: &str| fonts.face(fonts.ids().find(|&i| fonts.name(i) == name).unwrap());
        for (data, used, original) in [
            (font("regular"), &text.regular, face("regular")),
            (font("bold"), &text.bold, face("bold")),
        ] {
            let (cmap, glyphs) = font_cmap(&data);
            let missing: Vec<char> = used.iter().filter(|c| !cmap.contains(c)).copied().collect();
            assert!(missing.is_empty(), "not in the embedded font: {missing:?}");
            // Exactly the glyphs of those characters, plus .notdef.
            let orig = original.face();
            let needed: BTreeSet<u16> = used
                .iter()
                .filter_map(|&c| orig.glyph_index(c))
                .map(|g| g.0)
                .collect();
            assert_eq!(glyphs as usize, needed.len() + 1, "subset glyph count");
        }
    }
}

#[test]
fn the_font_setting_turns_embedding_off() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["book.toml", "01.md", "02.md", "03.md", "04.md", "05.md"] {
        std::fs::copy(seed_dir().join(f), dir.path().join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        toml.replace("embed_fonts = true", "embed_fonts = false"),
    )
    .unwrap();
    let (_, epub) = build(dir.path(), None);
    let files = entries(&epub);
    assert!(!files.iter().any(|(n, _)| n.contains("/fonts/")));
    let css = &files.iter().find(|(n, _)| n.ends_with(".css")).unwrap().1;
    assert!(!String::from_utf8_lossy(css).contains("@font-face"));
}

/// Renders `page` with headless Chromium under a font configuration that
/// has no Chinese font; returns the decoded screenshot.
fn render(page: &Path, fonts_conf: &Path, out: &Path) -> image::RgbImage {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into()))
        .env("FONTCONFIG_FILE", fonts_conf)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=800,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs (set CHROMIUM to its path)");
    assert!(status.status.success(), "chromium failed: {status:?}");
    image::open(out).expect("screenshot").to_rgb8()
}

fn dark_pixels(img: &image::RgbImage) -> usize {
    img.pixels()
        .filter(|p| p.0.iter().all(|&v| v < 128))
        .count()
}

#[test]
fn chromium_shows_the_embedded_font_without_system_chinese_fonts() {
    let (_, epub) = build(&seed_dir(), None);
    let work = tempfile::tempdir().unwrap();
    for (name, data) in entries(&epub) {
        let path = work.path().join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    // Only a Latin font folder (or none): no system font can draw Han.
    let cache = work.path().join("fc-cache");
    let latin = Path::new("/usr/share/fonts/truetype/dejavu");
    let dir = if latin.is_dir() {
        format!("<dir>{}</dir>", latin.display())
    } else {
        String::new()
    };
    let conf = work.path().join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>{dir}<cachedir>{}</cachedir></fontconfig>\n",
            cache.display()
        ),
    )
    .unwrap();

    let epub_dir = work.path().join("EPUB");
    let with_font = render(
        &epub_dir.join("ch01.xhtml"),
        &conf,
        &work.path().join("with.png"),
    );

    // The same page with the @font-face rules removed.
    let css = std::fs::read_to_string(epub_dir.join("style.css")).unwrap();
    let stripped: String = css
        .split("@font-face")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                part.split_once('}')
                    .map(|(_, rest)| rest.to_string())
                    .unwrap()
            }
        })
        .collect();
    assert!(!stripped.contains("@font-face") && stripped.contains("text-indent"));
    std::fs::write(epub_dir.join("nofont.css"), stripped).unwrap();
    let page = std::fs::read_to_string(epub_dir.join("ch01.xhtml")).unwrap();
    std::fs::write(
        epub_dir.join("nofont.xhtml"),
        page.replace("href=\"style.css\"", "href=\"nofont.css\""),
    )
    .unwrap();
    let without = render(
        &epub_dir.join("nofont.xhtml"),
        &conf,
        &work.path().join("without.png"),
    );

    if let Some(keep) = std::env::var_os("BINDERY_KEEP_SCREENSHOTS") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(work.path().join("with.png"), keep.join("with-font.png")).unwrap();
        std::fs::copy(
            work.path().join("without.png"),
            keep.join("without-font.png"),
        )
        .unwrap();
    }

    let differing = with_font
        .pixels()
        .zip(without.pixels())
        .filter(|(a, b)| a != b)
        .count();
    let total = (with_font.width() * with_font.height()) as usize;
    assert!(
        differing * 20 > total,
        "the page looks the same with and without the embedded font ({differing} of {total} pixels differ)"
    );
    // A page of Chinese text: plenty of ink.
    assert!(
        dark_pixels(&with_font) * 50 > total,
        "too little text drawn with the embedded font"
    );
}

/// The first `n` characters of text after `marker` in `doc`, tags and
/// whitespace removed.
fn text_after(doc: &str, marker: &str, n: usize) -> String {
    let at = doc.find(marker).expect("marker present") + marker.len();
    let mut out = String::new();
    let mut in_tag = false;
    for c in doc[at..].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag && !c.is_whitespace() => out.push(c),
            _ => {}
        }
        if out.chars().count() == n {
            break;
        }
    }
    out
}

#[test]
fn page_list_follows_the_pdf_edition() {
    let p = load(&seed_dir());
    let book = p.book();
    let (pdf, pages) = common::render_pdf(&p);
    assert!(pages.pages.len() >= 3, "the seed fills several pages");
    let epub = common::write_epub(&p, Some(&pages));
    assert_epubcheck_clean(&epub);

    // Each printed page's text, as poppler extracts it.
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("book.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success());
    let pdf_pages: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();

    let running_head: String = book.meta.title.split_whitespace().collect();
    let mut next_pdf_page = 0;

    let files: BTreeMap<String, Vec<u8>> = entries(&epub).into_iter().collect();
    let nav = String::from_utf8(files["EPUB/nav.xhtml"].clone()).unwrap();
    for (i, p) in pages.pages.iter().enumerate() {
        let id = format!("page-{}", i + 1);
        let doc_name = format!("EPUB/{}.xhtml", book.chapters[p.chapter].id);
        assert!(
            nav.contains(&format!(
                "href=\"{}.xhtml#{id}\"",
                book.chapters[p.chapter].id
            )),
            "page {} is in the page-list",
            p.label
        );
        let doc = String::from_utf8(files[&doc_name].clone()).unwrap();
        let marker = format!("id=\"{id}\" aria-label=\"{}\"></span>", p.label);
        // The EPUB text at the marker begins the next PDF page (after its
        // running head, the book title, if any).
        let snippet = text_after(&doc, &marker, 8);
        let found = pdf_pages[next_pdf_page..].iter().position(|t| {
            t.strip_prefix(running_head.as_str())
                .unwrap_or(t)
                .starts_with(&snippet)
        });
        let Some(k) = found else {
            panic!(
                "page {}: EPUB text after the marker ({snippet}) starts no later PDF page",
                p.label
            );
        };
        next_pdf_page += k + 1;
    }
}

/// DAISY Ace (`PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli`, as
/// `.ci/run` does; or set ACE to an `ace-cli` elsewhere) with Debian's
/// chromium. `-E` makes it exit non-zero on any violation.
#[test]
fn ace_reports_no_violations() {
    let ace = std::env::var("ACE").unwrap_or_else(|_| "ace-cli".into());
    let features = tempfile::tempdir().unwrap();
    feature_book(features.path());
    for (dir, pages) in [
        (seed_dir(), None),
        (features.path().to_path_buf(), Some(feature_pages())),
    ] {
        let (_, epub) = build(&dir, pages.as_ref());
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join("book.epub");
        std::fs::write(&file, &epub).unwrap();
        let out = Command::new(&ace)
            .env(
                "PUPPETEER_EXECUTABLE_PATH",
                std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            )
            .arg("-E")
            .arg("-f")
            .arg("-o")
            .arg(work.path().join("report"))
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("DAISY Ace ({ace}) could not run: {e}; see .ci/run"));
        assert!(
            out.status.success(),
            "Ace reports violations:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn a_cover_image_in_the_book_replaces_the_generated_cover() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["book.toml", "01.md", "02.md", "03.md", "04.md", "05.md"] {
        std::fs::copy(seed_dir().join(f), dir.path().join(f)).unwrap();
    }
    image::RgbImage::from_fn(2000, 3000, |x, y| {
        image::Rgb([(x / 8) as u8, (y / 12) as u8, 40])
    })
    .save(dir.path().join("photo.jpg"))
    .unwrap();
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        toml.replace("# cover = \"cover.jpg\"", "cover = \"photo.jpg\""),
    )
    .unwrap();
    let p = load(dir.path());
    let cover = &p.assets.cover;
    assert_eq!(cover.media_type, "image/jpeg");
    assert!(cover.width <= 1600 && cover.height <= 2560, "scaled down");
    let epub = common::write_epub(&p, None);
    let files: BTreeMap<String, Vec<u8>> = entries(&epub).into_iter().collect();
    assert_eq!(files["EPUB/images/cover.jpg"], cover.bytes());
    let opf = String::from_utf8(files["EPUB/package.opf"].clone()).unwrap();
    assert!(opf.contains(
        "href=\"images/cover.jpg\" media-type=\"image/jpeg\" properties=\"cover-image\""
    ));
    assert_epubcheck_clean(&epub);
}
