//! PDF rules: a krilla-made PDF and a hand-made one pass; each test breaks
//! one thing and expects the rule id that names it.

mod check_fixtures;

use bindery::check::{CheckOptions, Paper, Profile};
use check_fixtures::*;

fn good() -> Vec<u8> {
    krilla_pdf(&PdfSpec::default())
}

#[test]
fn good_krilla_pdf_has_no_findings() {
    let pdf = good();
    let r = check(&pdf);
    assert_eq!(r.kind, bindery::check::FileKind::Pdf);
    assert_eq!(r.pages, Some(2));
    assert_eq!(r.size_bytes, pdf.len() as u64);
    assert_clean(&r);
}

#[test]
fn extracted_text_is_the_drawn_text() {
    let pages = bindery::check::pdf::extract_text(&good()).unwrap();
    assert_eq!(pages.len(), 2);
    for (got, want) in pages.iter().zip(PDF_PAGES) {
        let got: String = got.chars().filter(|c| !c.is_whitespace()).collect();
        let want: String = want.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn extracted_text_agrees_with_pdftotext() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.pdf");
    std::fs::write(&p, good()).unwrap();
    let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&p)
        .arg("-")
        .output()
    else {
        panic!("pdftotext is missing (Debian's poppler-utils)");
    };
    let theirs: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect();
    let ours: String = bindery::check::pdf::extract_text(&std::fs::read(&p).unwrap())
        .unwrap()
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert_eq!(ours, theirs);
}

#[test]
fn good_hand_made_pdf_has_no_findings() {
    let r = check(&hand_pdf_from(&hand_objects()));
    assert_eq!(r.pages, Some(2));
    assert_clean(&r);
}

fn with_paper(p: &str) -> CheckOptions {
    CheckOptions {
        paper: Some(Paper::parse(p).unwrap()),
        ..CheckOptions::default()
    }
}

#[test]
fn page_size_is_checked_only_when_asked() {
    let letter = krilla_pdf(&PdfSpec {
        width: 612.0,
        height: 792.0,
        ..PdfSpec::default()
    });
    // No --paper and no print-a4: any page size is right.
    assert_clean(&check(&letter));
    let r = check_with(&letter, &with_paper("A4"));
    assert_rule(&r, "pdf.page.size");
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "pdf.page.size")
        .unwrap();
    assert!(f.message.contains("pages 1–2"), "{}", f.message);
    // The same file is right when Letter is expected.
    assert_clean(&check_with(&letter, &with_paper("Letter")));
    // print-a4 checks A4 without --paper, in either orientation.
    assert_rule(
        &check_with(&letter, &profiles(&[Profile::PrintA4])),
        "pdf.print.page-a4",
    );
    let landscape = krilla_pdf(&PdfSpec {
        width: 841.8898,
        height: 595.2756,
        ..PdfSpec::default()
    });
    assert!(!check_with(&landscape, &profiles(&[Profile::PrintA4])).has("pdf.print.page-a4"));
}

#[test]
fn page_size_tolerance_is_one_point() {
    let mut objs = hand_objects();
    objs[1] = objs[1].replace("595.276 841.89", "596.0 841.89");
    assert_clean(&check_with(&hand_pdf_from(&objs), &with_paper("A4")));
    objs[1] = objs[1].replace("596.0 841.89", "596.5 841.89");
    assert_rule(
        &check_with(&hand_pdf_from(&objs), &with_paper("A4")),
        "pdf.page.size",
    );
}

#[test]
fn paper_in_millimetres() {
    let mut objs = hand_objects();
    // 148 x 210 mm = 419.53 x 595.28 pt
    objs[1] = objs[1].replace("595.276 841.89", "419.53 595.28");
    assert_clean(&check_with(&hand_pdf_from(&objs), &with_paper("148x210mm")));
    assert_rule(
        &check_with(&hand_pdf_from(&objs), &with_paper("A4")),
        "pdf.page.size",
    );
}

#[test]
fn tounicode_stripped() {
    let pdf = patch(&good(), b"/ToUnicode", b"/ToUnicodX");
    let r = check(&pdf);
    assert_rule(&r, "pdf.font.no-tounicode");
    assert_rule(&r, "pdf.text.unmapped");
    // Readers show the text: warnings; a library needs it searchable.
    assert_eq!(r.errors(), 0, "{:?}", rules(&r));
    assert_rule(&check_dist(&pdf), "pdf.text.searchable");
}

#[test]
fn tounicode_unreadable() {
    let mut objs = hand_objects();
    objs[3] =
        "<< /Type /Page /Parent 2 0 R /Contents 12 0 R /Resources << /Font << /F1 11 0 R >> >> >>"
            .into();
    objs.push("<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Foo /FirstChar 65 /LastChar 65 /Widths [500] /FontDescriptor 13 0 R /ToUnicode 14 0 R >>".into());
    objs.push("<< /Length 24 >>\nstream\nBT /F1 12 Tf (A) Tj ET\n\nendstream".into());
    objs.push("<< /Type /FontDescriptor /FontName /ABCDEF+Foo /Flags 4 /FontFile 15 0 R >>".into());
    objs.push("<< /Length 4 /Filter /FlateDecode >>\nstream\nxxxx\nendstream".into());
    objs.push("<< /Length 1 >>\nstream\nx\nendstream".into());
    let r = check(&hand_pdf_from(&objs));
    assert_rule(&r, "pdf.font.tounicode-invalid");
}

#[test]
fn font_not_embedded() {
    let pdf = patch(&good(), b"/FontFile", b"/FontFilX");
    assert_rule(&check(&pdf), "pdf.font.not-embedded");
}

#[test]
fn standard_font_not_embedded_hand_made() {
    let mut objs = hand_objects();
    objs[3] =
        "<< /Type /Page /Parent 2 0 R /Contents 12 0 R /Resources << /Font << /F1 11 0 R >> >> >>"
            .into();
    objs.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    objs.push("<< /Length 28 >>\nstream\nBT /F1 12 Tf (Hello) Tj ET\n\nendstream".into());
    // A standard-14 font needs no embedding for readers, but does for print.
    let r = check(&hand_pdf_from(&objs));
    assert!(!r.has("pdf.font.not-embedded"), "{:?}", rules(&r));
    let r = check_with(&hand_pdf_from(&objs), &profiles(&[Profile::PrintA4]));
    assert_rule(&r, "pdf.print.font-not-embedded");
    // A standard encoding makes its text extractable without ToUnicode.
    assert!(
        !r.has("pdf.font.no-tounicode") && !r.has("pdf.text.unmapped"),
        "{:?}",
        rules(&r)
    );
    let text = bindery::check::pdf::extract_text(&hand_pdf_from(&objs)).unwrap();
    assert_eq!(text[1].trim(), "Hello");
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[test]
fn font_without_subset_tag() {
    // krilla names subsets "ABCDEF+Name"; '-' in place of '+' removes the tag.
    let pdf = good();
    let i = find(&pdf, b"/BaseFont/", 0).expect("BaseFont") + 10;
    assert_eq!(pdf[i + 6], b'+');
    let tag = pdf[i..i + 7].to_vec();
    let mut broken = pdf.clone();
    let mut from = 0;
    while let Some(at) = find(&pdf, &tag, from) {
        broken[at + 6] = b'-';
        from = at + 7;
    }
    assert!(!check(&broken).has("pdf.font.subset-tag"));
    assert_rule(&check_dist(&broken), "pdf.font.subset-tag");
}

#[test]
fn krilla_link_broken_by_patch() {
    // The link's /Dest names an object; point it at one that is no destination.
    let pdf = good();
    let annot = find(&pdf, b"/Subtype/Link", 0).expect("link annotation");
    let dest = find(&pdf, b"/Dest ", annot).expect("dest") + 6;
    let end = find(&pdf, b" 0 R", dest).unwrap();
    let outlines = find(&pdf, b"/Type/Outlines", 0).expect("outline root");
    let obj = pdf[..outlines]
        .windows(6)
        .rposition(|w| w == b" 0 obj")
        .unwrap();
    let line = pdf[..obj]
        .iter()
        .rposition(|b| *b == b'\n' || *b == b'\r')
        .map_or(0, |p| p + 1);
    let num = pdf[line..obj].to_vec();
    // The page's object number replaces the outline's target in place, so
    // both must be written with the same number of digits.
    assert_eq!(num.len(), end - dest, "object numbers differ in width");
    let mut broken = pdf.clone();
    broken[dest..end].copy_from_slice(&num);
    let r = check(&broken);
    assert_rule(&r, "pdf.link.unresolved");
    // A link that leads nowhere is a warning: the document still reads.
    assert_eq!((r.errors(), r.warnings()), (0, 1));
}

#[test]
fn outline_missing() {
    let pdf = krilla_pdf(&PdfSpec {
        outline: false,
        ..PdfSpec::default()
    });
    assert_clean(&check(&pdf));
    let r = check_dist(&pdf);
    assert_rule(&r, "pdf.outline.missing");
    assert_eq!(r.errors(), 0);
}

#[test]
fn outline_entry_to_no_page() {
    let mut objs = hand_objects();
    objs[5] = objs[5].replace("/Dest [3 0 R /Fit]", "/Dest [9 0 R /Fit]");
    assert_rule(&check(&hand_pdf_from(&objs)), "pdf.outline.bad-target");
}

#[test]
fn outline_entry_named_destination_undefined() {
    let mut objs = hand_objects();
    objs[6] = objs[6].replace("/D [4 0 R /XYZ 0 0 0]", "/D (chapter-9)");
    assert_rule(&check(&hand_pdf_from(&objs)), "pdf.outline.bad-target");
}

#[test]
fn named_destinations_resolve() {
    let mut objs = hand_objects();
    objs[0] = "<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R /Lang (zh-Hans) /Names << /Dests << /Names [(ch2) [4 0 R /Fit]] >> >> >>".into();
    objs[6] = objs[6].replace("/D [4 0 R /XYZ 0 0 0]", "/D (ch2)");
    assert_clean(&check(&hand_pdf_from(&objs)));
}

#[test]
fn link_to_no_page() {
    let mut objs = hand_objects();
    objs[9] = objs[9].replace("/Dest [4 0 R /Fit]", "/Dest [8 0 R /Fit]");
    let r = check(&hand_pdf_from(&objs));
    assert_rule(&r, "pdf.link.unresolved");
    assert_eq!(r.findings[0].location.page, Some(1));
}

#[test]
fn metadata_missing() {
    let r = check_dist(&krilla_pdf(&PdfSpec {
        metadata: false,
        ..PdfSpec::default()
    }));
    assert_rule(&r, "pdf.meta.title");
    assert_rule(&r, "pdf.meta.lang");
}

#[test]
fn title_from_xmp_only_is_enough() {
    let mut objs = hand_objects();
    objs[8] = "<< /Producer (x) >>".into();
    let xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">书名</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>";
    assert_rule(&check_dist(&hand_pdf_from(&objs)), "pdf.meta.title");
    objs[0] = objs[0].replace(" >>", " /Metadata 11 0 R >>");
    objs.push(format!(
        "<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n{xmp}\nendstream",
        xmp.len()
    ));
    assert_clean(&check_dist(&hand_pdf_from(&objs)));
}

#[test]
fn no_pages() {
    let mut objs = hand_objects();
    objs[1] = "<< /Type /Pages /Kids [] /Count 0 >>".into();
    assert_rule(&check(&hand_pdf_from(&objs)), "pdf.page.none");
}

#[test]
fn damaged_xref_is_recovered() {
    let mut pdf = hand_pdf_from(&hand_objects());
    // Shift every object by inserting bytes after the header: the offsets go wrong.
    pdf.splice(9..9, b"% padding that moves every object\n".iter().copied());
    let r = check(&pdf);
    assert_rule(&r, "pdf.xref.damaged");
    assert_eq!(r.errors(), 0, "{:?}", rules(&r));
    assert_eq!(r.pages, Some(2));
}

#[test]
fn krilla_pdf_passes_qpdf_and_pdffonts() {
    // The fixture is good by independent tools too.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.pdf");
    std::fs::write(&p, good()).unwrap();
    let Ok(q) = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&p)
        .output()
    else {
        panic!("qpdf is missing (Debian's qpdf)");
    };
    assert!(q.status.success());
    let f = std::process::Command::new("pdffonts")
        .arg(&p)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&f.stdout);
    for line in table.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{line}");
    }
}

#[test]
fn encrypted() {
    let refs: Vec<String> = hand_objects();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    // The Info slot carries the extra trailer key.
    let pdf = hand_pdf(&refs, 1, Some(9));
    // The trailer follows the xref table: rewriting it moves no object.
    let t = pdf.windows(7).rposition(|w| w == b"trailer").unwrap();
    let tail = String::from_utf8(pdf[t..].to_vec()).unwrap();
    let mut pdf = pdf[..t].to_vec();
    pdf.extend_from_slice(tail.replace("/Info 9 0 R", "/Encrypt 9 0 R").as_bytes());
    let r = check(&pdf);
    assert_rule(&r, "pdf.encrypted");
    assert!(!r.has("pdf.parse"), "{:?}", rules(&r));
}

#[test]
fn content_with_unsupported_filter() {
    let mut objs = hand_objects();
    objs[7] = "<< /Length 4 /Filter /JBIG2Decode >>\nstream\nabcd\nendstream".into();
    let r = check(&hand_pdf_from(&objs));
    assert_rule(&r, "pdf.text.extract");
    assert!(r.findings.iter().any(|f| f.message.contains("JBIG2Decode")));
}

#[test]
fn lzw_content_is_decoded() {
    // "BT /F1 12 Tf (Hello) Tj ET" set in Helvetica, LZW-compressed.
    let content = b"BT /F1 12 Tf (Hello) Tj ET";
    let mut enc = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let lzw = enc.encode(content).unwrap();
    let mut objs: Vec<Vec<u8>> = hand_objects().into_iter().map(String::into_bytes).collect();
    objs[3] =
        b"<< /Type /Page /Parent 2 0 R /Contents 12 0 R /Resources << /Font << /F1 11 0 R >> >> >>"
            .to_vec();
    objs.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut stream =
        format!("<< /Length {} /Filter /LZWDecode >>\nstream\n", lzw.len()).into_bytes();
    stream.extend_from_slice(&lzw);
    stream.extend_from_slice(b"\nendstream");
    objs.push(stream);
    let pdf = hand_pdf_binary(&objs);
    assert_clean(&check(&pdf));
    let text = bindery::check::pdf::extract_text(&pdf).unwrap();
    assert_eq!(text[1].trim(), "Hello");
}

#[test]
fn unparsable() {
    let r = check(b"%PDF-1.7\nthis is not a PDF body\n%%EOF\n");
    assert_rule(&r, "pdf.parse");
    assert_eq!(r.pages, None);
    // Messages name a place only when there is one.
    for f in &r.findings {
        assert!(!f.message.contains("at byte 0"), "{}", f.message);
        assert!(!f.message.contains("syntax error at byte"), "{}", f.message);
    }
}

#[test]
#[ignore]
fn any_pdf_text_agrees_with_pdftotext() {
    // BINDERY_TEXT_PDF=some.pdf cargo test --test check_pdf any_pdf -- --ignored
    let p = std::path::PathBuf::from(std::env::var("BINDERY_TEXT_PDF").expect("BINDERY_TEXT_PDF"));
    let out = std::process::Command::new("pdftotext")
        .arg(&p)
        .arg("-")
        .output()
        .unwrap();
    let strip = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{c}')
            .collect()
    };
    let theirs = strip(&String::from_utf8_lossy(&out.stdout));
    let ours = strip(
        &bindery::check::pdf::extract_text(&std::fs::read(&p).unwrap())
            .unwrap()
            .concat(),
    );
    // Content-stream order may differ from pdftotext's reading order:
    // compare the characters as multisets.
    let sorted = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v.into_iter().collect::<String>()
    };
    assert_eq!(sorted(&ours), sorted(&theirs));
}
