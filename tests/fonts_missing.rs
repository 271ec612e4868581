//! Characters beyond the book's faces: characters drawn with no glyph,
//! variation sequences, placeholders for characters no font has, and
//! fallback faces.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{assert_epubcheck_clean, bindery, prepared, render_pdf, typeset, write_epub};
use rustybuzz::ttf_parser;

fn write_book(dir: &Path, toml_extra: &str, body: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"字形\"\nlanguage = \"zh-CN\"\nchapters = [\"a.md\"]\n{toml_extra}"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        format!("+++\ntitle = \"第一篇\"\nauthors = [\"某人\"]\n+++\n\n{body}\n"),
    )
    .unwrap();
}

/// The EPUB's entries by name.
fn entries(epub: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        out.insert(name, data);
    }
    out
}

/// Outline bounds of a glyph: what identifies it across a face and its
/// subset.
fn bounds(face: &ttf_parser::Face<'_>, g: ttf_parser::GlyphId) -> Option<[i16; 4]> {
    face.glyph_bounding_box(g)
        .map(|r| [r.x_min, r.y_min, r.x_max, r.y_max])
}

// ---------------------------------------------------------------------------
// Characters drawn with no glyph

/// Zero-width space and joiners, bidi controls and marks, a standardized
/// variation sequence (礼 + VS1: a variant glyph in Noto Serif CJK), an
/// ideographic one (葛 + VS17, which the face does not map) and a default
/// one (、 + VS1: the ordinary glyph).
const NO_GLYPH: &str = "礼\u{FE00}与礼，零宽\u{200B}连接\u{200D}符\u{200C}与\u{200F}方向\u{202A}控制\u{202C}\u{2066}隔离\u{2069}，葛\u{E0100}字、\u{FE00}完。";

#[test]
fn characters_without_glyphs_pass_and_selectors_pick_variants_in_both_editions() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(&book, "", NO_GLYPH);
    let p = prepared(&book);
    let regular = p.fonts.face(p.fonts.role(bindery::style::FontRole::Body));
    let face = regular.face();
    let plain = face.glyph_index('礼').unwrap();
    let variant = face.glyph_variation_index('礼', '\u{FE00}').unwrap();
    assert_ne!(plain, variant, "the bundled face has a variant of 礼");

    // Print: the run holding 礼+VS1 draws the variant glyph, the plain 礼
    // the ordinary one.
    let doc = typeset(&p);
    let mut seen = (false, false);
    for run in doc.pages.iter().flat_map(|pg| &pg.runs) {
        for g in &run.glyphs {
            let text = &run.text[g.range.clone()];
            if text == "礼\u{FE00}" {
                assert_eq!(g.id, variant.0, "礼+VS1 is set with the variant glyph");
                seen.0 = true;
            } else if text == "礼" {
                assert_eq!(g.id, plain.0);
                seen.1 = true;
            }
        }
    }
    assert_eq!(seen, (true, true), "both forms of 礼 were set");
    let (pdf, pages) = render_pdf(&p);

    // EPUB: the body subset maps the sequence to the same outline.
    let epub = write_epub(&p, Some(&pages));
    let files = entries(&epub);
    let subset = files
        .iter()
        .find(|(n, _)| n.starts_with("EPUB/fonts/regular"))
        .map(|(_, d)| d)
        .expect("a regular subset");
    let sub = ttf_parser::Face::parse(subset, 0).expect("the subset parses");
    let sub_variant = sub
        .glyph_variation_index('礼', '\u{FE00}')
        .expect("the subset maps 礼+VS1");
    let sub_plain = sub.glyph_index('礼').unwrap();
    assert_ne!(sub_variant, sub_plain);
    assert_eq!(bounds(&sub, sub_variant), bounds(&face, variant));
    assert_eq!(bounds(&sub, sub_plain), bounds(&face, plain));
    assert_eq!(
        sub.glyph_variation_index('、', '\u{FE00}'),
        sub.glyph_index('、'),
        "a default sequence shows the ordinary glyph"
    );
    assert_epubcheck_clean(&epub);

    // The checker passes both files.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("b.pdf"), &pdf).unwrap();
    std::fs::write(out.join("b.epub"), &epub).unwrap();
    let (code, err) = bindery(&[
        "check".as_ref(),
        "--deny-warnings".as_ref(),
        "--profile".as_ref(),
        "distribution".as_ref(),
        out.join("b.pdf").as_os_str(),
        out.join("b.epub").as_os_str(),
    ]);
    assert_eq!(code, 0, "bindery check: {err}");
}
