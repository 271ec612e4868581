//! Hostile and broken files: each is reported as an error, quickly, and
//! never panics. `hostile_files()` is also written out by the ignored test
//! `write_hostile_files` for the memory measurement in tests/hostile/measure.sh.

mod check_fixtures;

use std::time::{Duration, Instant};

use bindery::check::{CheckOptions, FileReport, check_file};
use check_fixtures::*;

/// Generous bound for a debug build on a loaded machine; release-build
/// times are measured by tests/hostile/measure.sh (well under 1 s).
const BOUND: Duration = Duration::from_secs(3);

fn zeros(n: usize) -> Vec<u8> {
    vec![0u8; n]
}

fn billion_laughs() -> String {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        s.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    s.push_str("]>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"zh\"><head><title>x</title></head><body><p>&lol9;</p></body></html>");
    s
}

/// The good EPUB without its 7 MB font, as small as the files below are
/// meant to be.
fn light_files() -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = good_epub_files();
    files.remove("OEBPS/fonts/body.otf");
    edit(
        &mut files,
        "OEBPS/content.opf",
        r#"<item id="font" href="fonts/body.otf" media-type="font/otf"/>"#,
        "",
    );
    let css = String::from_utf8(files["OEBPS/style.css"].clone()).unwrap();
    let css: String = css
        .lines()
        .filter(|l| !l.starts_with("@font-face"))
        .map(|l| format!("{l}\n"))
        .collect();
    files.insert("OEBPS/style.css".into(), css.into_bytes());
    files
}

/// A chapter of the light EPUB with `body` in place of its first paragraph.
fn with_chapter_body(body: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = light_files();
    edit(
        &mut files,
        "OEBPS/text/ch1.xhtml",
        &format!("<p>{CH1}</p>"),
        body,
    );
    files
}

/// Files built to make a checker quadratic: many paragraphs, links,
/// manifest items, styled paragraphs, TOC entries. Each must be checked in
/// linear time; they need not be wrong.
pub fn large_files() -> Vec<(&'static str, Vec<u8>)> {
    const N: usize = 100_000;
    let mut out = Vec::new();
    out.push((
        "100k-paragraphs.epub",
        epub_from(&with_chapter_body(&"<p>春</p>".repeat(N))),
    ));
    out.push((
        "100k-links.epub",
        epub_from(&with_chapter_body(&format!(
            "<p>{}</p>",
            (0..N)
                .map(|i| format!("<a href=\"ch2.xhtml#s2\">{i}</a>"))
                .collect::<String>()
        ))),
    ));
    out.push((
        "100k-styled.epub",
        epub_from(&with_chapter_body(
            &(0..N)
                .map(|i| {
                    format!(
                        "<p class=\"c{}\" style=\"font-family: Body, serif\">春</p>",
                        i % 50
                    )
                })
                .collect::<String>(),
        )),
    ));
    let mut files = light_files();
    let items: String = (0..N)
        .map(|i| {
            format!("<item id=\"x{i}\" href=\"x/{i}.xhtml\" media-type=\"application/xhtml+xml\"/>")
        })
        .collect();
    edit(
        &mut files,
        "OEBPS/content.opf",
        "<item id=\"css\"",
        &format!("{items}<item id=\"css\""),
    );
    out.push(("100k-manifest-items.epub", epub_from(&files)));
    let mut files = light_files();
    let toc: String = (0..N)
        .map(|i| format!("<li><a href=\"text/ch{}.xhtml\">{i}</a></li>", 1 + i % 2))
        .collect();
    edit(
        &mut files,
        "OEBPS/nav.xhtml",
        "</ol>",
        &format!("{toc}</ol>"),
    );
    out.push(("100k-toc-entries.epub", epub_from(&files)));
    let mut files = light_files();
    let rules: String = (0..2000)
        .map(|i| format!(".c{i} p {{ font-family: Body }}\n"))
        .collect();
    edit(
        &mut files,
        "OEBPS/style.css",
        "h1 {",
        &format!("{rules}h1 {{"),
    );
    files.insert(
        "OEBPS/text/ch1.xhtml".into(),
        String::from_utf8(
            with_chapter_body(&"<p>春</p>".repeat(N))["OEBPS/text/ch1.xhtml"].clone(),
        )
        .unwrap()
        .into_bytes(),
    );
    out.push(("100k-paragraphs-2000-rules.epub", epub_from(&files)));
    out
}

/// Every hostile file with the rule it must raise.
pub fn hostile_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut out = Vec::new();
    // ZIP bomb, honest headers: 64 MiB of zeros in ~64 KB.
    let mut files = good_epub_files();
    files.insert("OEBPS/text/bomb.xhtml".into(), zeros(64 << 20));
    out.push(("zip-bomb.epub", epub_from(&files), "epub.zip.limits"));
    // ZIP bomb with lying headers: declares 300 bytes, inflates to 64 MiB.
    let mut entries = vec![Entry::stored("mimetype", b"application/epub+zip")];
    let mut c = Entry::deflated("META-INF/container.xml", &zeros(64 << 20));
    c.declared_size = Some(300);
    entries.push(c);
    out.push(("zip-bomb-lying.epub", zip(&entries), "epub.zip.limits"));
    // Zip-slip.
    let mut entries = vec![Entry::stored("mimetype", b"application/epub+zip")];
    for (n, d) in good_epub_files() {
        entries.push(Entry::deflated(&n, &d));
    }
    entries.push(Entry::stored("../../../outside/evil.sh", b"#!/bin/sh\n"));
    out.push(("zip-slip.epub", zip(&entries), "epub.zip.unsafe-path"));
    // Billion laughs in a chapter.
    let mut files = good_epub_files();
    files.insert("OEBPS/text/ch1.xhtml".into(), billion_laughs().into_bytes());
    out.push((
        "billion-laughs.epub",
        epub_from(&files),
        "epub.xml.doctype-entity",
    ));
    // Truncated PDF.
    let pdf = krilla_pdf(&PdfSpec::default());
    out.push((
        "truncated.pdf",
        pdf[..pdf.len() / 2].to_vec(),
        "pdf.truncated",
    ));
    // Reference loops: page tree, outline, reference chain, /Prev chain.
    let mut objs = hand_objects();
    objs[1] = objs[1].replace("[3 0 R 4 0 R]", "[3 0 R 2 0 R]");
    out.push((
        "page-tree-loop.pdf",
        hand_pdf_from(&objs),
        "pdf.structure.loop",
    ));
    let mut objs = hand_objects();
    objs[6] = objs[6].replace("/Prev 6 0 R", "/Prev 6 0 R /Next 6 0 R");
    out.push((
        "outline-loop.pdf",
        hand_pdf_from(&objs),
        "pdf.structure.loop",
    ));
    let mut objs = hand_objects();
    objs[2] = objs[2].replace("/Contents 8 0 R", "/Contents 11 0 R");
    objs.push("12 0 R".into());
    objs.push("11 0 R".into());
    out.push((
        "ref-chain-loop.pdf",
        hand_pdf_from(&objs),
        "pdf.structure.loop",
    ));
    let mut pdf = hand_pdf_from(&hand_objects());
    let t = pdf.windows(7).rposition(|w| w == b"trailer").unwrap();
    let xref = String::from_utf8_lossy(&pdf[t..])
        .split("startxref\n")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let tail =
        format!("trailer\n<< /Size 11 /Root 1 0 R /Prev {xref} >>\nstartxref\n{xref}\n%%EOF\n");
    pdf.truncate(t);
    // A trailer without /Info and a /Prev pointing at its own section.
    pdf.extend_from_slice(tail.as_bytes());
    out.push(("xref-prev-loop.pdf", pdf, "pdf.xref.damaged"));
    // Deep nesting.
    let mut objs = hand_objects();
    objs[8] = format!(
        "<< /Title (x) /Junk {}{} >>",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    out.push(("deep-nesting.pdf", hand_pdf_from(&objs), "pdf.limits"));
    // A Flate bomb as page content: 200 MiB of spaces.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![b' '; 200 << 20]).unwrap();
    let bomb = z.finish().unwrap();
    let mut objs = hand_objects();
    objs[7] = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        bomb.len()
    );
    let mut pdf_objs: Vec<Vec<u8>> = objs.iter().map(|o| o.clone().into_bytes()).collect();
    pdf_objs[7].extend_from_slice(&bomb);
    pdf_objs[7].extend_from_slice(b"\nendstream");
    out.push(("flate-bomb.pdf", hand_pdf_binary(&pdf_objs), "pdf.limits"));
    out.push(("empty.pdf", Vec::new(), "file.empty"));
    out.push((
        "text.epub",
        "这不是电子书，只是一段文字。\nplain text\n"
            .as_bytes()
            .to_vec(),
        "file.unknown-type",
    ));
    out.push((
        "garbage.epub",
        b"PK\x03\x04\xff\xff\xff\xff garbage".to_vec(),
        "epub.zip.invalid",
    ));
    out
}

fn run(name: &str, bytes: &[u8]) -> (FileReport, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let t = Instant::now();
    let r = check_file(&p, &CheckOptions::default());
    (r, t.elapsed())
}

#[test]
fn each_hostile_file_is_an_error_quickly() {
    for (name, bytes, rule) in hostile_files() {
        let (r, took) = run(name, &bytes);
        assert_rule(&r, rule);
        assert!(r.errors() > 0, "{name}: no error");
        assert!(!r.has("internal.panic"), "{name}: {:?}", r.findings);
        assert!(took < BOUND, "{name} took {took:?}");
        let f = r.findings.iter().find(|f| f.rule == rule).unwrap();
        assert!(
            f.message.len() > 10,
            "{name}: message too short: {}",
            f.message
        );
    }
}

#[test]
fn large_files_are_checked_in_linear_time() {
    for (name, bytes) in large_files() {
        let (r, took) = run(name, &bytes);
        assert!(!r.has("internal.panic"), "{name}: {:?}", r.findings);
        // Debug build: release times are measured by tests/hostile/measure.sh.
        assert!(took < 4 * BOUND, "{name} took {took:?}");
        eprintln!(
            "{name}: {} bytes, {took:?}, {} findings",
            bytes.len(),
            r.findings.len()
        );
    }
}

#[test]
fn text_file_renamed_epub_is_detected_by_content() {
    let (r, _) = run("book.epub", "第一篇 文章\n".as_bytes());
    assert_eq!(r.kind, bindery::check::FileKind::Unknown);
    assert_rule(&r, "file.unknown-type");
    assert!(
        r.findings[0].message.contains("text"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn pdf_named_epub_is_checked_as_pdf() {
    let (r, _) = run("book.epub", &hand_pdf_from(&hand_objects()));
    assert_eq!(r.kind, bindery::check::FileKind::Pdf);
    assert_clean(&r);
}

#[test]
fn missing_file_is_unreadable() {
    let r = check_file(
        std::path::Path::new("no/such/file.pdf"),
        &CheckOptions::default(),
    );
    assert_rule(&r, "file.unreadable");
}

#[test]
fn every_prefix_of_good_files_is_handled() {
    // Truncation at any point: never a panic, always a report.
    let epub = good_epub();
    let pdf = krilla_pdf(&PdfSpec::default());
    for bytes in [&epub, &pdf] {
        let step = (bytes.len() / 300).max(1);
        for n in (0..bytes.len()).step_by(step) {
            let r = check(&bytes[..n]);
            assert!(!r.has("internal.panic"), "prefix {n}: {:?}", r.findings);
            assert!(r.errors() > 0, "prefix {n} of {} bytes passed", bytes.len());
        }
    }
}

#[test]
#[ignore]
fn write_hostile_files() {
    // HOSTILE_DIR=... cargo test --test check_hostile write_hostile_files -- --ignored
    let dir = std::path::PathBuf::from(std::env::var("HOSTILE_DIR").expect("HOSTILE_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes, _) in hostile_files() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let large = dir.join("large");
    std::fs::create_dir_all(&large).unwrap();
    for (name, bytes) in large_files() {
        std::fs::write(large.join(name), bytes).unwrap();
    }
}

#[test]
#[ignore]
fn write_fuzz_seeds() {
    // FUZZ_SEEDS=tests/fuzz/seeds cargo test --test check_hostile write_fuzz_seeds -- --ignored
    let dir = std::path::PathBuf::from(std::env::var("FUZZ_SEEDS").expect("FUZZ_SEEDS"));
    let (e, p) = (dir.join("check_epub"), dir.join("check_pdf"));
    std::fs::create_dir_all(&e).unwrap();
    std::fs::create_dir_all(&p).unwrap();
    // Without the 7 MB font: small seeds mutate faster.
    let mut files = good_epub_files();
    files.remove("OEBPS/fonts/body.otf");
    std::fs::write(e.join("small.epub"), epub_from(&files)).unwrap();
    std::fs::write(p.join("hand.pdf"), hand_pdf_from(&hand_objects())).unwrap();
    std::fs::write(p.join("krilla.pdf"), krilla_pdf(&PdfSpec::default())).unwrap();
}

#[test]
fn fuzz_regressions_do_not_panic() {
    // Inputs that once crashed a reader (found by cargo fuzz).
    let dir = repo().join("tests/fuzz/regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let opts = CheckOptions {
            paper: Some(bindery::check::Paper::a4()),
            ..profiles(&[
                bindery::check::Profile::Distribution,
                bindery::check::Profile::PrintA4,
            ])
        };
        let mut sink = bindery::check::Sink::new(&opts);
        // Straight into the readers: a panic fails this test.
        bindery::check::epub::check_epub(&bytes, &opts, &mut sink);
        bindery::check::pdf::check_pdf(&bytes, &opts, &mut sink);
        n += 1;
    }
    eprintln!("{n} regression inputs");
}
