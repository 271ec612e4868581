//! Images of every supported format reach both editions — GIF and WebP as
//! raster images, SVG as vectors in the PDF and as SVG in the EPUB — and a
//! file that is not what its name says is an error at the reference.

mod common;

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;

const SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">
<rect x="4" y="4" width="112" height="72" fill="#9e1b22"/>
<circle cx="60" cy="40" r="24" fill="#f4eee3"/>
</svg>
"##;

fn write_book(dir: &Path, images: &[&str]) {
    let mut body =
        String::from("+++\ntitle = \"图片\"\nauthors = [\"甲\"]\n+++\n\n正文第一段。\n\n");
    for (i, name) in images.iter().enumerate() {
        body.push_str(&format!("![第{}幅图]({name})\n\n", i + 1));
    }
    std::fs::write(dir.join("a.md"), body).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"图片书\"\nchapters = [\"a.md\"]\n",
    )
    .unwrap();
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 90]));
    img.save_with_format(dir.join("a.gif"), image::ImageFormat::Gif)
        .unwrap();
    image::DynamicImage::ImageRgb8(img.clone())
        .to_rgba8()
        .save_with_format(dir.join("a.webp"), image::ImageFormat::WebP)
        .unwrap();
    std::fs::write(dir.join("a.svg"), SVG).unwrap();
    std::fs::write(dir.join("fake.png"), "这不是图片，是一段文字。\n").unwrap();
}

fn build(book: &Path, out: &Path) -> (i32, String) {
    common::bindery(&[
        OsStr::new("build"),
        OsStr::new("--book"),
        book.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ])
}

fn entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

#[test]
fn gif_webp_and_svg_reach_both_editions() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir(&book).unwrap();
    write_book(&book, &["a.gif", "a.webp", "a.svg"]);
    let out = dir.path().join("out");
    let (code, stderr) = build(&book, &out);
    assert_eq!(code, 0, "{stderr}");

    let epub = out.join("book.epub");
    let files = entries(&epub);
    let opf = files.iter().find(|(n, _)| n.ends_with(".opf")).unwrap();
    let opf = String::from_utf8_lossy(&opf.1);
    for (ext, media) in [
        ("gif", "image/gif"),
        ("webp", "image/webp"),
        ("svg", "image/svg+xml"),
    ] {
        let source = std::fs::read(book.join(format!("a.{ext}"))).unwrap();
        let (name, data) = files
            .iter()
            .find(|(n, _)| n.ends_with(&format!(".{ext}")) && n.contains("images/image-"))
            .unwrap_or_else(|| panic!("{ext} image in the EPUB"));
        assert_eq!(data, &source, "{name} copied as it is");
        assert!(
            opf.contains(&format!("media-type=\"{media}\"")),
            "{media} in the manifest"
        );
    }
    common::assert_epubcheck_clean(&std::fs::read(&epub).unwrap());

    // The PDF: two raster images (GIF, WebP; the generated cover is drawn
    // as vectors), and the SVG drawn as paths (its red rectangle's colour
    // is in a content stream, which qpdf shows uncompressed).
    let pdf = out.join("book.pdf");
    let json = std::process::Command::new("qpdf")
        .args(["--json=2", "--json-key=qpdf"])
        .arg(&pdf)
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&json.stdout);
    assert_eq!(
        json.matches("\"/Subtype\": \"/Image\"").count(),
        2,
        "GIF, WebP"
    );
    let qdf = dir.path().join("qdf.pdf");
    let ok = std::process::Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&qdf)
        .status()
        .unwrap();
    assert!(ok.success());
    let raw = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&raw);
    // #9e1b22 = 0.6196 0.1059 0.1333 in the content stream's colour operator.
    assert!(text.contains("0.61960"), "the SVG's fill colour is drawn");
}

#[test]
fn a_text_file_named_png_is_an_error_at_its_reference() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir(&book).unwrap();
    write_book(&book, &["a.gif", "fake.png"]);
    let out = dir.path().join("out");
    let (code, stderr) = build(&book, &out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("a.md:10:1: error: image fake.png is text, not a PNG"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn images_outside_the_book_are_refused_without_saying_whether_they_exist() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir(&book).unwrap();
    write_book(&book, &["link.png", "dangling.png"]);
    std::fs::write(dir.path().join("secret.png"), b"\x89PNG\r\n\x1a\nsecret").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.png"), book.join("link.png")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("none.png"), book.join("dangling.png")).unwrap();
    let (code, stderr) = build(&book, &dir.path().join("out"));
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    for (line, name) in lines.iter().zip(["link.png", "dangling.png"]) {
        assert!(
            line.contains(&format!("{name} is not a file inside the book folder")),
            "{line}"
        );
    }
}

#[test]
fn svg_with_a_script_or_a_file_reference_is_refused() {
    for (svg, what) in [
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            "<script>",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><image xlink:href=\"/etc/passwd\" width=\"1\" height=\"1\"/></svg>",
            "refers to another file",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        std::fs::create_dir(&book).unwrap();
        write_book(&book, &["bad.svg"]);
        std::fs::write(book.join("bad.svg"), svg).unwrap();
        let (code, stderr) = build(&book, &dir.path().join("out"));
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains(what), "{stderr}");
    }
}
