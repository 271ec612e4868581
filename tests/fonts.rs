//! The font loader reads TTF, OTF (CFF) and TTC files, choosing a face in a
//! collection by index or PostScript name.

mod common;

use std::sync::Arc;

use bindery::fonts::{FontBytes, load_bytes};
use bindery::source::config::FaceSelector;

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds a TrueType collection from single-face font files: a `ttcf`
/// header followed by each font, with its table offsets moved.
fn make_ttc(fonts: &[Vec<u8>]) -> Vec<u8> {
    let header_len = 12 + 4 * fonts.len();
    let mut out = Vec::new();
    out.extend_from_slice(b"ttcf");
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&(fonts.len() as u32).to_be_bytes());
    let mut offset = header_len;
    let mut starts = Vec::new();
    for f in fonts {
        starts.push(offset);
        offset += f.len().next_multiple_of(4);
    }
    for s in &starts {
        out.extend_from_slice(&(*s as u32).to_be_bytes());
    }
    for (f, start) in fonts.iter().zip(&starts) {
        let mut f = f.clone();
        let tables = u16::from_be_bytes([f[4], f[5]]) as usize;
        for t in 0..tables {
            let at = 12 + 16 * t + 8;
            let old = u32::from_be_bytes(f[at..at + 4].try_into().unwrap()) as usize;
            f[at..at + 4].copy_from_slice(&((old + start) as u32).to_be_bytes());
        }
        out.extend_from_slice(&f);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    out
}

#[test]
fn loads_otf_and_reports_cff() {
    let data: FontBytes = Arc::new(read(
        &common::repo().join("fonts/NotoSerifCJKsc-Regular.otf"),
    ));
    let f = load_bytes(data, None, "regular.otf").unwrap();
    assert_eq!(f.postscript_name, "NotoSerifCJKsc-Regular");
    assert!(f.is_cff);
    assert!(f.covers('奉') && f.covers('□') && f.covers('V'));
    assert!(!f.covers('\u{20000}'));
}

#[test]
fn loads_ttc_faces_by_index_and_by_name() {
    let repo = common::repo();
    let ttc: FontBytes = Arc::new(make_ttc(&[
        read(&repo.join("fonts/NotoSerifCJKsc-Regular.otf")),
        read(&repo.join("fonts/NotoSerifCJKsc-Bold.otf")),
    ]));
    let by_index = load_bytes(ttc.clone(), Some(&FaceSelector::Index(1)), "x.ttc").unwrap();
    assert_eq!(by_index.postscript_name, "NotoSerifCJKsc-Bold");
    let by_name = load_bytes(
        ttc.clone(),
        Some(&FaceSelector::Name("NotoSerifCJKsc-Regular".into())),
        "x.ttc",
    )
    .unwrap();
    assert_eq!(by_name.index, 0);
    let err = load_bytes(ttc.clone(), Some(&FaceSelector::Index(2)), "x.ttc").unwrap_err();
    assert!(err.contains("has 2 face(s)"), "{err}");
    let err = load_bytes(ttc, Some(&FaceSelector::Name("Nope".into())), "x.ttc").unwrap_err();
    assert!(
        err.contains("NotoSerifCJKsc-Bold"),
        "lists the faces it has: {err}"
    );
}

#[test]
fn loads_truetype_outlines() {
    // Debian's fonts-dejavu-core, installed by .ci/run.
    let path = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    let f = load_bytes(Arc::new(read(path)), None, "DejaVuSans.ttf").unwrap();
    assert!(!f.is_cff);
    assert_eq!(f.postscript_name, "DejaVuSans");
}

#[test]
fn corrupt_font_is_refused() {
    let err = load_bytes(Arc::new(b"OTTO\x00\x01garbage".to_vec()), None, "bad.otf").unwrap_err();
    assert!(err.contains("bad.otf is not a usable"), "{err}");
}

#[test]
fn seed_book_is_covered_by_the_bundled_fonts() {
    let p = bindery::pipeline::Prepared::load(&common::repo().join("book")).unwrap();
    let body = p.fonts.role(bindery::style::FontRole::Body);
    assert_eq!(p.fonts.face(body).origin, "bundled:NotoSerifCJKsc-Regular");
    bindery::fonts::coverage::check(p.book(), &p.fonts, &p.texts).unwrap();
}
