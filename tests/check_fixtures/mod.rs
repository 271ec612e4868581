//! Builders of good EPUB and PDF files for the checker's tests, and a raw
//! ZIP writer that can also write what a well-behaved library refuses to.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use bindery::check::{CheckOptions, FileReport, check_bytes};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn noto_regular() -> Vec<u8> {
    std::fs::read(repo().join("fonts/NotoSerifCJKsc-Regular.otf")).expect("bundled font")
}

/// One ZIP entry as it will be written.
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
    pub deflate: bool,
    pub extra: Vec<u8>,
    /// Uncompressed size written in the headers (None: the true size).
    pub declared_size: Option<u32>,
}

impl Entry {
    pub fn stored(name: &str, data: &[u8]) -> Self {
        Entry {
            name: name.into(),
            data: data.to_vec(),
            deflate: false,
            extra: Vec::new(),
            declared_size: None,
        }
    }

    pub fn deflated(name: &str, data: &[u8]) -> Self {
        Entry {
            deflate: true,
            ..Entry::stored(name, data)
        }
    }
}

/// Writes a ZIP archive by hand (local headers, central directory, end record).
pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let mut crc = flate2::Crc::new();
        crc.update(&e.data);
        let body = if e.deflate {
            let mut z =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(&e.data).unwrap();
            z.finish().unwrap()
        } else {
            e.data.clone()
        };
        let method: u16 = if e.deflate { 8 } else { 0 };
        let size = e.declared_size.unwrap_or(e.data.len() as u32);
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0x21u16.to_le_bytes());
            h.extend_from_slice(&crc.sum().to_le_bytes());
            h.extend_from_slice(&(body.len() as u32).to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&(e.extra.len() as u16).to_le_bytes());
            if central {
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h.extend_from_slice(&e.extra);
            h
        };
        out.extend_from_slice(&header(0x0403_4b50, false));
        out.extend_from_slice(&body);
        central.extend_from_slice(&header(0x0201_4b50, true));
    }
    let cd_off = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

pub const CH1: &str = "第一篇：春天来了。今天天气很好，我们一起去公园散步。";
pub const CH2: &str = "第二篇：秋天的故事。树叶黄了，一片一片落下来。";

/// The files of a small, valid EPUB 3 (path -> content).
pub fn good_epub_files() -> BTreeMap<String, Vec<u8>> {
    let mut f: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    f.insert(
        "META-INF/container.xml".into(),
        br#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"#
            .to_vec(),
    );
    f.insert(
        "OEBPS/content.opf".into(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="zh-Hans">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:9b2b0d3e-4c1f-5a8e-9d2b-0c1e2f3a4b5c</dc:identifier>
    <dc:title>测试之书</dc:title>
    <dc:language>zh-Hans</dc:language>
    <meta property="dcterms:modified">2026-11-28T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ch1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
    <item id="ch2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
    <item id="css" href="style.css" media-type="text/css"/>
    <item id="font" href="fonts/body.otf" media-type="font/otf"/>
  </manifest>
  <spine>
    <itemref idref="nav"/>
    <itemref idref="ch1"/>
    <itemref idref="ch2"/>
  </spine>
</package>"#
            .as_bytes()
            .to_vec(),
    );
    f.insert(
        "OEBPS/nav.xhtml".into(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="zh-Hans" lang="zh-Hans">
<head><title>目录</title><link rel="stylesheet" href="style.css"/></head>
<body>
<nav epub:type="toc" id="toc"><h1>目录</h1>
<ol><li><a href="text/ch1.xhtml">第一篇</a></li><li><a href="text/ch2.xhtml#s2">第二篇</a></li></ol>
</nav>
</body>
</html>"#
            .as_bytes()
            .to_vec(),
    );
    for (name, id, text, link) in [
        ("ch1", "s1", CH1, "ch2.xhtml#s2"),
        ("ch2", "s2", CH2, "ch1.xhtml#s1"),
    ] {
        f.insert(
            format!("OEBPS/text/{name}.xhtml"),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh-Hans" lang="zh-Hans">
<head><title>{name}</title><link rel="stylesheet" type="text/css" href="../style.css"/></head>
<body>
<h1 id="{id}">{name}</h1>
<p>{text}</p>
<p><a href="{link}">下一篇</a></p>
</body>
</html>"#
            )
            .into_bytes(),
        );
    }
    f.insert(
        "OEBPS/style.css".into(),
        br#"@font-face { font-family: "Body"; src: url("fonts/body.otf") format("opentype"); }
body { font-family: "Body", serif; line-height: 1.8; }
h1 { font-weight: bold; }
"#
        .to_vec(),
    );
    f.insert("OEBPS/fonts/body.otf".into(), noto_regular());
    f
}

/// Zips EPUB files the proper way: mimetype first and stored.
pub fn epub_from(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut entries = vec![Entry::stored("mimetype", b"application/epub+zip")];
    for (name, data) in files {
        // Fonts stored (quick to write in tests), text deflated.
        if name.ends_with(".otf") {
            entries.push(Entry::stored(name, data));
        } else {
            entries.push(Entry::deflated(name, data));
        }
    }
    zip(&entries)
}

pub fn good_epub() -> Vec<u8> {
    epub_from(&good_epub_files())
}

/// Replaces `from` by `to` in one file (which must contain it).
pub fn edit(files: &mut BTreeMap<String, Vec<u8>>, name: &str, from: &str, to: &str) {
    let text = String::from_utf8(files[name].clone()).unwrap();
    assert!(text.contains(from), "{name} does not contain {from:?}");
    files.insert(name.into(), text.replacen(from, to, 1).into_bytes());
}

pub fn check(bytes: &[u8]) -> FileReport {
    check_bytes(bytes, Path::new("test-file"), &CheckOptions::default())
}

pub fn check_with(bytes: &[u8], opts: &CheckOptions) -> FileReport {
    check_bytes(bytes, Path::new("test-file"), opts)
}

/// Options with these profiles added to the default one.
pub fn profiles(list: &[bindery::check::Profile]) -> CheckOptions {
    CheckOptions {
        profiles: bindery::check::Profiles::from_list(list),
        ..CheckOptions::default()
    }
}

/// Checked with the distribution profile.
pub fn check_dist(bytes: &[u8]) -> FileReport {
    check_with(bytes, &profiles(&[bindery::check::Profile::Distribution]))
}

pub fn rules(r: &FileReport) -> Vec<String> {
    r.findings.iter().map(|f| f.rule.clone()).collect()
}

/// Asserts the report has a finding with this rule (and shows all when not).
pub fn assert_rule(r: &FileReport, rule: &str) {
    assert!(
        r.has(rule),
        "expected a {rule} finding, got:\n{}",
        r.findings
            .iter()
            .map(|f| format!(
                "  {} {}: {} ({})",
                f.rule,
                f.location,
                f.message,
                if f.severity == bindery::check::Severity::Error {
                    "error"
                } else {
                    "warning"
                }
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

pub fn assert_clean(r: &FileReport) {
    assert!(
        r.findings.is_empty(),
        "expected no findings, got:\n{}",
        r.findings
            .iter()
            .map(|f| format!("  {} {}: {}", f.rule, f.location, f.message))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------- PDF

pub const PDF_PAGES: [&str; 2] = ["中文第一页：春天来了。", "第二页 Page two：秋天的故事。"];

/// What the krilla-made PDF should have.
pub struct PdfSpec {
    pub width: f32,
    pub height: f32,
    pub outline: bool,
    pub metadata: bool,
    pub link: bool,
}

impl Default for PdfSpec {
    fn default() -> Self {
        PdfSpec {
            width: 595.2756,
            height: 841.8898,
            outline: true,
            metadata: true,
            link: true,
        }
    }
}

/// A PDF made with krilla: CJK text in the bundled font (embedded subset
/// with ToUnicode), an outline, an internal link, title and language.
pub fn krilla_pdf(spec: &PdfSpec) -> Vec<u8> {
    use krilla::Document;
    use krilla::geom::{Point, Rect};
    use krilla::page::PageSettings;
    use krilla::text::{Font, TextDirection};

    let font = Font::new(noto_regular().into(), 0).expect("font");
    let mut doc = Document::new();
    for (i, text) in PDF_PAGES.iter().enumerate() {
        let mut page = doc.start_page_with(PageSettings::from_wh(spec.width, spec.height).unwrap());
        {
            let mut s = page.surface();
            s.draw_text(
                Point::from_xy(72.0, 100.0),
                font.clone(),
                14.0,
                text,
                false,
                TextDirection::Auto,
            );
            s.finish();
        }
        if spec.link && i == 0 {
            let target = krilla::destination::XyzDestination::new(1, Point::from_xy(0.0, 0.0));
            page.add_annotation(
                krilla::annotation::LinkAnnotation::new(
                    Rect::from_xywh(72.0, 90.0, 100.0, 20.0).unwrap(),
                    krilla::annotation::Target::Destination(krilla::destination::Destination::Xyz(
                        target,
                    )),
                )
                .into(),
            );
        }
        page.finish();
    }
    if spec.outline {
        let mut outline = krilla::outline::Outline::new();
        for (i, t) in ["第一页", "第二页"].iter().enumerate() {
            outline.push_child(krilla::outline::OutlineNode::new(
                t.to_string(),
                krilla::destination::XyzDestination::new(i, Point::from_xy(0.0, 0.0)),
            ));
        }
        doc.set_outline(outline);
    }
    if spec.metadata {
        doc.set_metadata(
            krilla::metadata::Metadata::new()
                .title("测试之书".into())
                .language("zh-Hans".into()),
        );
    }
    doc.finish().expect("krilla")
}

/// Replaces the first `from` with `to` (same length, so offsets hold).
pub fn patch(pdf: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let i = pdf
        .windows(from.len())
        .position(|w| w == from)
        .unwrap_or_else(|| panic!("{:?} not in PDF", String::from_utf8_lossy(from)));
    let mut out = pdf.to_vec();
    out[i..i + to.len()].copy_from_slice(to);
    out
}

/// A PDF from object bodies (numbered from 1), with a correct xref table.
/// `root` is the catalog's number; `info` an optional Info dictionary number.
pub fn hand_pdf(objects: &[&str], root: u32, info: Option<u32>) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    let info = info.map(|n| format!(" /Info {n} 0 R")).unwrap_or_default();
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root {root} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A clean hand-made PDF: two A4 pages without text, an outline with two
/// entries, a link from page 1 to page 2, title and language.
/// Objects: 1 catalog, 2 pages, 3-4 pages, 5 outlines, 6-7 entries,
/// 8 content, 9 info, 10 link annotation.
pub fn hand_objects() -> Vec<String> {
    vec![
        "<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R /Lang (zh-Hans) >>".into(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595.276 841.89] >>".into(),
        "<< /Type /Page /Parent 2 0 R /Contents 8 0 R /Annots [10 0 R] >>".into(),
        "<< /Type /Page /Parent 2 0 R /Contents 8 0 R >>".into(),
        "<< /Type /Outlines /First 6 0 R /Last 7 0 R /Count 2 >>".into(),
        "<< /Title (One) /Parent 5 0 R /Next 7 0 R /Dest [3 0 R /Fit] >>".into(),
        "<< /Title (Two) /Parent 5 0 R /Prev 6 0 R /A << /S /GoTo /D [4 0 R /XYZ 0 0 0] >> >>"
            .into(),
        "<< /Length 0 >>\nstream\n\nendstream".into(),
        "<< /Title (Hand made) >>".into(),
        "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /Dest [4 0 R /Fit] >>".into(),
    ]
}

pub fn hand_pdf_from(objs: &[String]) -> Vec<u8> {
    let refs: Vec<&str> = objs.iter().map(String::as_str).collect();
    hand_pdf(&refs, 1, Some(9))
}

/// Like `hand_pdf` but with binary object bodies.
pub fn hand_pdf_binary(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 9 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
