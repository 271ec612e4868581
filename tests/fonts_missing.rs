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
            let text = &run.text[g.bytes()];
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

// ---------------------------------------------------------------------------
// Characters no font has: an error, or 〓 with --missing placeholder

/// A character of plane 15's private use area: no font maps it.
const NOWHERE: char = '\u{F0000}';

/// Line and column (in characters, from 1) of every `c` in `text`.
fn places(text: &str, c: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (j, ch) in line.chars().enumerate() {
            if ch == c {
                out.push((i + 1, j + 1));
            }
        }
    }
    out
}

fn build(book: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "build".as_ref(),
        "--book".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    bindery(&args)
}

fn pdftotext(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (tests/setup installs poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn check(files: &[&Path], extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["check".as_ref(), "--format".as_ref(), "json".as_ref()];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    args.extend(files.iter().map(|f| f.as_os_str()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(&args)
        .output()
        .expect("bindery runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn characters_in_no_font_fail_or_become_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let body = format!("甲{NOWHERE}乙，丙丁。\n\n第二段{NOWHERE}{NOWHERE}。");
    write_book(&book, "", &body);
    let source = std::fs::read_to_string(book.join("a.md")).unwrap();
    let want = places(&source, NOWHERE);
    assert_eq!(want.len(), 3);
    let out = dir.path().join("out");

    // Default: an error at every occurrence, nothing written.
    let (code, err) = build(&book, &out, &[]);
    assert_eq!(code, 1, "{err}");
    for (line, col) in &want {
        let at = format!("a.md:{line}:{col}: error:");
        assert!(err.contains(&at), "no error at {at}:\n{err}");
    }
    assert_eq!(err.matches("U+F0000").count(), 3, "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());

    // --missing placeholder: 〓 in both editions, a warning per occurrence.
    let (code, err) = build(&book, &out, &["--missing", "placeholder"]);
    assert_eq!(code, 0, "{err}");
    for (line, col) in &want {
        let at = format!("a.md:{line}:{col}: warning:");
        assert!(err.contains(&at), "no warning at {at}:\n{err}");
    }
    assert_eq!(err.matches("set as 〓").count(), 3, "{err}");
    let pdf = out.join("book.pdf");
    let epub = out.join("book.epub");
    let text: String = pdftotext(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("甲〓乙") && text.contains("第二段〓〓"),
        "{text}"
    );
    assert!(!text.contains(NOWHERE));
    let files = entries(&std::fs::read(&epub).unwrap());
    let chapter = files
        .iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
        .collect::<String>();
    assert!(chapter.contains("甲〓乙") && chapter.contains("第二段〓〓"));
    assert!(!chapter.contains(NOWHERE));
    assert_epubcheck_clean(&std::fs::read(&epub).unwrap());

    // The checker reports both files as holding placeholders: a warning,
    // an error with --deny-warnings.
    let (code, report) = check(&[&pdf, &epub], &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report.matches("text.placeholder").count(), 2, "{report}");
    let (code, _) = check(&[&pdf, &epub], &["--deny-warnings"]);
    assert_eq!(code, 1);
    let (code, rules) = check(&[], &["--list-rules"]);
    assert_eq!(code, 0);
    assert!(rules.contains("text.placeholder") && rules.contains("fonts.placeholder"));

    // The same from book.toml.
    let out2 = dir.path().join("out2");
    write_book(&book, "[fonts]\nmissing = \"placeholder\"\n", &body);
    let (code, err) = build(&book, &out2, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("set as 〓").count(), 3, "{err}");
    // The seed's files carry no placeholder mark.
    let seed = tempfile::tempdir().unwrap();
    let (code, err) = build(&common::repo().join("book"), seed.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let (_, report) = check(
        &[
            &seed.path().join("book.pdf"),
            &seed.path().join("book.epub"),
        ],
        &[],
    );
    assert!(!report.contains("text.placeholder"), "{report}");
}

// ---------------------------------------------------------------------------
// Fallback faces

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// In Noto Sans CJK (fonts-noto-cjk), not in Noto Serif CJK SC.
const RARE_HAN: char = '\u{9FEB}';
/// In DejaVu Sans, not in Noto CJK.
const SYMBOL: char = '\u{203D}';

fn face_has(path: &str, index: u32, c: char) -> bool {
    let data =
        std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (tests/setup installs it)"));
    ttf_parser::Face::parse(&data, index)
        .unwrap()
        .glyph_index(c)
        .is_some()
}

#[test]
fn a_listed_fallback_sets_what_the_bundled_faces_lack_in_both_editions() {
    let bundled = bindery::fonts::FontSet::bundled();
    for id in bundled.ids() {
        assert!(!bundled.face(id).covers(SYMBOL) && !bundled.face(id).covers(RARE_HAN));
    }
    assert!(face_has(DEJAVU, 0, SYMBOL));
    let dir = tempfile::tempdir().unwrap();
    for (n, entry) in [DEJAVU, "DejaVu Sans"].into_iter().enumerate() {
        let book = dir.path().join(format!("book{n}"));
        let body = format!("疑问{SYMBOL}与惊叹。\n\n又一个{SYMBOL}。");
        write_book(
            &book,
            &format!("[fonts]\nfallback = [\"{entry}\"]\n"),
            &body,
        );
        let source = std::fs::read_to_string(book.join("a.md")).unwrap();
        let out = dir.path().join(format!("out{n}"));
        let (code, err) = build(&book, &out, &[]);
        assert_eq!(code, 0, "{err}");
        // One warning for the face, naming the character and its places.
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
        assert_eq!(warnings.len(), 1, "{err}");
        assert!(warnings[0].contains(DEJAVU) && warnings[0].contains("U+203D"));
        for (line, col) in places(&source, SYMBOL) {
            assert!(
                warnings[0].contains(&format!("a.md:{line}:{col}")),
                "{}",
                warnings[0]
            );
        }
        let pdf = out.join(format!("book{n}.pdf"));
        let text: String = pdftotext(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains(&format!("疑问{SYMBOL}与惊叹")), "{text}");
        let fonts = std::process::Command::new("pdffonts")
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&fonts.stdout).contains("DejaVuSans"));
        let epub_bytes = std::fs::read(out.join(format!("book{n}.epub"))).unwrap();
        let files = entries(&epub_bytes);
        let sub = files
            .get("EPUB/fonts/fallback1.ttf")
            .unwrap_or_else(|| panic!("no fallback subset in {:?}", files.keys()));
        let face = ttf_parser::Face::parse(sub, 0).unwrap();
        assert!(face.glyph_index(SYMBOL).is_some());
        assert!(face.number_of_glyphs() < 10, "only the glyphs needed");
        let css = String::from_utf8_lossy(&files["EPUB/style.css"]).into_owned();
        assert!(
            css.contains("\"BookSerif\", \"BookSerif-fallback1\", serif"),
            "{css}"
        );
        assert_epubcheck_clean(&epub_bytes);
        let (code, report) = check(
            &[&pdf, &out.join(format!("book{n}.epub"))],
            &["--deny-warnings", "--profile", "distribution"],
        );
        assert_eq!(code, 0, "{report}");
    }
    // Without fallbacks the character is an error.
    let book = dir.path().join("none");
    write_book(
        &book,
        "[fonts]\nfallback = \"none\"\n",
        &format!("问{SYMBOL}。"),
    );
    let (code, err) = build(&book, &dir.path().join("out-none"), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("a.md:6:2: error:") && err.contains("U+203D"),
        "{err}"
    );
    // A family that is not installed is an error naming book.toml.
    write_book(
        &book,
        "[fonts]\nfallback = [\"No Such Family 42\"]\n",
        &format!("问{SYMBOL}。"),
    );
    let (code, err) = build(&book, &dir.path().join("out-none"), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("book.toml") && err.contains("No Such Family 42"),
        "{err}"
    );
}

#[test]
fn installed_faces_set_a_rare_ideograph_in_a_full_width_cell_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(&book, "", &format!("罕用字{RARE_HAN}在此，前后对齐。"));
    let p = prepared(&book);
    let fallbacks: Vec<_> = p.fonts.fallbacks().collect();
    assert_eq!(fallbacks.len(), 1);
    let font = p.fonts.face(fallbacks[0]);
    assert!(font.covers(RARE_HAN), "{}", font.origin);
    let doc = typeset(&p);
    let mut found = 0;
    for run in doc.pages.iter().flat_map(|pg| &pg.runs) {
        for g in &run.glyphs {
            if run.text[g.bytes()] == *RARE_HAN.to_string() {
                assert_eq!(run.font, fallbacks[0]);
                assert!(
                    (g.advance - run.size).abs() < 0.01,
                    "{} vs {}",
                    g.advance,
                    run.size
                );
                found += 1;
            }
        }
    }
    assert_eq!(found, 1);
    // Two builds give the same bytes.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_eq!(build(&book, &a, &[]).0, 0);
    assert_eq!(build(&book, &b, &[]).0, 0);
    for f in ["book.pdf", "book.epub"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap()
        );
    }
}

// ---------------------------------------------------------------------------
// Import warns about what no font has

#[test]
fn import_warns_at_every_character_no_font_has() {
    let dir = tempfile::tempdir().unwrap();
    let page = format!(
        "卷一・周文\n\n罕字之篇\n\n□某甲\n\n第一段有{NOWHERE}字，也有{RARE_HAN}字。\n第二段又有{NOWHERE}，止{NOWHERE}。\n"
    );
    // Both as UTF-8 and as GB18030 (which encodes every code point).
    let gb = encoding_rs::GB18030.encode(&page).0.into_owned();
    for (n, bytes) in [page.as_bytes().to_vec(), gb].into_iter().enumerate() {
        let file = dir.path().join(format!("page{n}.txt"));
        std::fs::write(&file, &bytes).unwrap();
        let (code, err) = bindery(&[
            "import".as_ref(),
            file.as_os_str(),
            "--into".as_ref(),
            dir.path().join(format!("book{n}")).as_os_str(),
        ]);
        assert_eq!(code, 0, "{err}");
        let want: Vec<String> = places(&page, NOWHERE)
            .into_iter()
            .map(|(l, c)| format!("page{n}.txt:{l}:{c}: warning: character {NOWHERE} (U+F0000)"))
            .collect();
        assert_eq!(want.len(), 3);
        for w in &want {
            assert!(err.contains(w.as_str()), "no warning {w}:\n{err}");
        }
        assert_eq!(err.matches("is in no font").count(), want.len(), "{err}");
        assert!(
            !err.contains("U+9FEB"),
            "an installed face has {RARE_HAN}: {err}"
        );
    }
    // A page the fonts cover gets no such warning.
    let file = dir.path().join("clean.txt");
    std::fs::write(&file, "卷一\n\n标题\n\n□某乙\n\n正文一段。\n").unwrap();
    let (code, err) = bindery(&[
        "import".as_ref(),
        file.as_os_str(),
        "--into".as_ref(),
        dir.path().join("clean").as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("is in no font"), "{err}");
}

#[test]
fn the_generated_cover_draws_fallback_characters() {
    use bindery::assets::cover::generate;
    let meta = |title: &str| bindery::model::Metadata {
        title: title.into(),
        section: Some(format!("栏目{SYMBOL}")),
        ..Default::default()
    };
    let bundled = bindery::fonts::FontSet::bundled();
    let mut with = bundled.clone();
    let data = std::fs::read(DEJAVU).unwrap();
    let dejavu = bindery::fonts::load_bytes(std::sync::Arc::new(data), None, DEJAVU).unwrap();
    with.add_fallback("fallback1".into(), dejavu);
    let title = format!("疑问{SYMBOL}之书");
    let pixels = |fonts: &bindery::fonts::FontSet| {
        let c = generate(&meta(&title), fonts);
        image::load_from_memory(c.bytes()).unwrap().to_rgb8()
    };
    // Without a fallback the bundled face's empty box is drawn; with one,
    // DejaVu's glyph, which inks fewer pixels than the box.
    let ink = |img: &image::RgbImage| img.pixels().filter(|p| p.0[0] < 100).count();
    let (boxed, drawn) = (pixels(&bundled), pixels(&with));
    assert_ne!(boxed, drawn);
    assert!(
        ink(&drawn) < ink(&boxed),
        "{} vs {}",
        ink(&drawn),
        ink(&boxed)
    );
}
