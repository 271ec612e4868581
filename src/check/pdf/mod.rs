//! PDF rules: structure, page size, fonts (embedded, subset-tagged,
//! ToUnicode), text extraction per page, outline, internal links, metadata.

mod encoding;
pub mod fonts;
mod nav;
mod text;

use std::collections::{BTreeMap, HashMap};

use super::pdfread::{Dict, Document, Obj, Page, PdfError};
use super::{CheckOptions, Location, PAPER_TOLERANCE_PT, Paper, Profile, Sink};

pub use text::extract_text;

/// Most findings of one kind listed per file before a summary line.
const MAX_LISTED: usize = 20;
/// Deepest nesting of form XObjects followed for text.
const MAX_FORM_DEPTH: usize = 8;

/// Checks a PDF; returns the page count when the page tree is readable.
pub fn check_pdf(bytes: &[u8], opts: &CheckOptions, sink: &mut Sink) -> Option<usize> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if super::find(tail, b"%%EOF").is_none() {
        sink.error(
            "pdf.truncated",
            Location::none(),
            format!(
                "no %%EOF marker in the last 1024 bytes: the file ({} bytes) is truncated or damaged",
                bytes.len()
            ),
        );
    }
    let doc = match Document::parse(bytes) {
        Ok(d) => d,
        Err(e) => {
            if trailer_says_encrypted(bytes) {
                report_encrypted(sink);
            } else {
                sink.error(
                    rule_for(&e, "pdf.parse"),
                    Location::none(),
                    format!("cannot read the PDF structure: {e}"),
                );
            }
            return None;
        }
    };
    if let Some(why) = &doc.damaged {
        if why.starts_with("reference loop") {
            // Recovered, but a file whose xref chain loops is not sound.
            sink.error(
                "pdf.structure.loop",
                Location::none(),
                format!("the cross-reference /Prev chain loops: {why}"),
            );
        }
        sink.warning(
            "pdf.xref.damaged",
            Location::none(),
            format!("the cross-reference data is damaged ({why}); objects were found by scanning"),
        );
    }
    if doc.trailer.contains("Encrypt") {
        // Strings and streams (object streams too) are enciphered: what
        // can be read is the page count, at best.
        report_encrypted(sink);
        return doc.pages().ok().map(|p| p.len());
    }
    let catalog = match doc.catalog() {
        Ok(c) => c,
        Err(e) => {
            sink.error(
                rule_for(&e, "pdf.parse"),
                Location::none(),
                format!("no document catalog: {e}"),
            );
            return None;
        }
    };
    let cat = catalog.as_dict().cloned().unwrap_or_default();
    let pages = match doc.pages() {
        Ok(p) => p,
        Err(e) => {
            sink.error(
                rule_for(&e, "pdf.parse"),
                Location::none(),
                format!("cannot read the page tree: {e}"),
            );
            return None;
        }
    };
    if pages.is_empty() {
        sink.error(
            "pdf.page.none",
            Location::none(),
            "the document has no pages",
        );
    }
    check_page_sizes(&doc, &pages, opts, sink);
    let fonts = fonts::check_fonts(&doc, &pages, sink);
    text::check_text(&doc, &pages, &fonts, sink);
    let page_ids: HashMap<u32, usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.id.map(|id| (id, i)))
        .collect();
    nav::check_outline(&doc, &cat, &page_ids, pages.len(), sink);
    nav::check_links(&doc, &cat, &pages, &page_ids, sink);
    check_metadata(&doc, &cat, sink);
    for (num, e) in doc.broken.borrow().iter().take(MAX_LISTED) {
        sink.error(
            rule_for(e, "pdf.parse"),
            Location::object(*num, 0),
            format!("object {num} cannot be read: {e}"),
        );
    }
    Some(pages.len())
}

fn report_encrypted(sink: &mut Sink) {
    sink.report(
        "pdf.encrypted",
        Location::none(),
        "the document is encrypted: its fonts, text and links were not checked",
    );
}

/// An `/Encrypt` key in the last trailer or xref stream dictionary.
fn trailer_says_encrypted(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    super::find(tail, b"/Encrypt").is_some()
}

pub(super) fn rule_for(e: &PdfError, default: &'static str) -> &'static str {
    match e {
        PdfError::Loop(_) => "pdf.structure.loop",
        PdfError::Limit(_) => "pdf.limits",
        _ => default,
    }
}

pub(super) fn report_err(
    sink: &mut Sink,
    e: &PdfError,
    default: &'static str,
    loc: Location,
    what: &str,
) {
    sink.report(rule_for(e, default), loc, format!("{what}: {e}"));
}

// ---------------------------------------------------------------- pages

fn rect(doc: &Document, o: &Option<Obj>) -> Option<[f64; 4]> {
    let o = o.as_ref()?;
    let a = o.as_array()?;
    if a.len() != 4 {
        return None;
    }
    let mut r = [0.0; 4];
    for (i, v) in a.iter().enumerate() {
        r[i] = doc.resolve(v).ok()?.as_f64()?;
    }
    Some(r)
}

fn check_page_sizes(doc: &Document, pages: &[Page], opts: &CheckOptions, sink: &mut Sink) {
    let a4 = Paper::a4();
    let mut wanted: Vec<(&str, &Paper, bool)> = Vec::new();
    if let Some(p) = &opts.paper {
        wanted.push(("pdf.page.size", p, false));
    }
    if opts.has(Profile::PrintA4) && !opts.paper.as_ref().is_some_and(|p| p.same_size(&a4)) {
        wanted.push(("pdf.print.page-a4", &a4, true));
    }
    if wanted.is_empty() {
        return;
    }
    for (rule, paper, either_way) in wanted {
        page_size_rule(doc, pages, rule, paper, either_way, sink);
    }
}

/// One page-size rule: pages that are not `paper`, grouped by size.
fn page_size_rule(
    doc: &Document,
    pages: &[Page],
    rule: &str,
    paper: &Paper,
    either_way: bool,
    sink: &mut Sink,
) {
    let want = (paper.width_pt, paper.height_pt);
    // Wrong sizes grouped: (w, h in 1/100 pt) -> pages.
    let mut wrong: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        let media = rect(doc, &p.inherited.media_box);
        let Some(mb) = media else {
            sink.report(
                rule,
                Location::page(i + 1),
                "the page has no valid /MediaBox",
            );
            continue;
        };
        let b = rect(doc, &p.inherited.crop_box).unwrap_or(mb);
        let (mut w, mut h) = ((b[2] - b[0]).abs(), (b[3] - b[1]).abs());
        let rot = p
            .inherited
            .rotate
            .as_ref()
            .and_then(Obj::as_i64)
            .unwrap_or(0);
        if rot.rem_euclid(180) == 90 {
            std::mem::swap(&mut w, &mut h);
        }
        let near = |a: f64, b: f64| (a - b).abs() <= PAPER_TOLERANCE_PT;
        let fits = (near(w, want.0) && near(h, want.1))
            || (either_way && near(w, want.1) && near(h, want.0));
        if !fits {
            wrong
                .entry(((w * 100.0).round() as i64, (h * 100.0).round() as i64))
                .or_default()
                .push(i + 1);
        }
    }
    for ((w, h), list) in wrong {
        let (w, h) = (w as f64 / 100.0, h as f64 / 100.0);
        sink.report(
            rule,
            Location::page(list[0]),
            format!(
                "{} {} {:.2} × {:.2} pt ({:.1} × {:.1} mm), expected {} {:.2} × {:.2} pt (±{} pt)",
                if list.len() == 1 { "page" } else { "pages" },
                ranges(&list),
                w,
                h,
                w * 25.4 / 72.0,
                h * 25.4 / 72.0,
                paper.name,
                want.0,
                want.1,
                PAPER_TOLERANCE_PT
            ),
        );
    }
}

/// "1–3, 7" from a sorted list of page numbers.
fn ranges(list: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let mut j = i;
        while j + 1 < list.len() && list[j + 1] == list[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            list[i].to_string()
        } else {
            format!("{}–{}", list[i], list[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

// ---------------------------------------------------------------- metadata

/// A PDF text string: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding
/// (read as Latin-1, which agrees on the printable range).
pub fn pdf_string(s: &[u8]) -> String {
    if let Some(rest) = s.strip_prefix(&[0xfe, 0xff]) {
        String::from_utf16_lossy(&fonts::utf16(rest))
    } else if let Some(rest) = s.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        s.iter().map(|&b| b as char).collect()
    }
}

/// A text string of the document Info dictionary.
fn info_string(doc: &Document, key: &str) -> Option<String> {
    doc.trailer
        .get("Info")
        .and_then(|i| doc.resolve(i).ok())
        .and_then(|i| i.as_dict().and_then(|d| d.get(key).cloned()))
        .and_then(|t| doc.resolve(&t).ok().map(|t| t.clone()))
        .and_then(|t| match t {
            Obj::Str(s) => Some(pdf_string(&s)),
            _ => None,
        })
}

/// The count of placeholders bindery recorded (`--missing placeholder`):
/// the keyword `bindery:placeholders=N`.
fn check_placeholders(doc: &Document, sink: &mut Sink) {
    let key = format!("{}=", crate::fonts::coverage::PLACEHOLDER_KEY);
    let count = info_string(doc, "Keywords").and_then(|k| {
        k.split([',', ';', ' '])
            .find_map(|w| w.trim().strip_prefix(key.as_str()).map(str::to_string))
    });
    if let Some(n) = count {
        sink.report(
            "text.placeholder",
            Location::none(),
            format!("{n} character(s) no font had are printed as 〓 (built with --missing placeholder): a proof, not for distribution"),
        );
    }
}

fn check_metadata(doc: &Document, cat: &Dict, sink: &mut Sink) {
    check_placeholders(doc, sink);
    let info_title = info_string(doc, "Title").filter(|t| !t.trim().is_empty());
    let xmp_title = if info_title.is_some() {
        None
    } else {
        doc.dict_get(cat, "Metadata").ok().and_then(|m| match &*m {
            Obj::Stream(s) => doc.decode(s).ok().and_then(|x| xmp_title(&x)),
            _ => None,
        })
    };
    if info_title.is_none() && xmp_title.is_none() {
        sink.report(
            "pdf.meta.title",
            Location::none(),
            "no document title: neither Info /Title nor XMP dc:title is set",
        );
    }
    let lang = doc
        .dict_get(cat, "Lang")
        .ok()
        .and_then(|l| match &*l {
            Obj::Str(s) => Some(pdf_string(s)),
            _ => None,
        })
        .filter(|l| !l.trim().is_empty());
    if lang.is_none() {
        sink.report(
            "pdf.meta.lang",
            Location::none(),
            "no document language: the catalog has no /Lang (e.g. zh-Hans)",
        );
    }
}

/// The first non-empty `rdf:li` inside `dc:title` of an XMP packet.
fn xmp_title(xmp: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(xmp);
    let start = s.find("<dc:title")?;
    let end = s[start..].find("</dc:title>")? + start;
    let inner = &s[start..end];
    let li = inner.find("<rdf:li")?;
    let gt = inner[li..].find('>')? + li + 1;
    let close = inner[gt..].find("</rdf:li>")? + gt;
    let t = inner[gt..close].trim().to_string();
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::fonts::{has_subset_tag, parse_cmap};
    use super::*;

    #[test]
    fn cmap_ranges_and_chars() {
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0001> <4E2D> <0002> <D83DDE00> endbfchar
            1 beginbfrange <0010> <0012> <0041> endbfrange
            1 beginbfrange <0020> <0021> [<0061> <0062>] endbfrange";
        let (cs, tu) = parse_cmap(cmap).unwrap();
        assert_eq!(cs, vec![(2, 0, 0xffff)]);
        assert_eq!(tu.lookup(2, 1).as_deref(), Some("中"));
        assert_eq!(tu.lookup(2, 2).as_deref(), Some("😀"));
        assert_eq!(tu.lookup(2, 0x12).as_deref(), Some("C"));
        assert_eq!(tu.lookup(2, 0x21).as_deref(), Some("b"));
        assert_eq!(tu.lookup(2, 0x13), None);
    }

    #[test]
    fn subset_tags() {
        assert!(has_subset_tag("ABCDEF+NotoSerifCJKsc-Regular"));
        assert!(!has_subset_tag("NotoSerifCJKsc-Regular"));
        assert!(!has_subset_tag("abcdef+Noto"));
    }

    #[test]
    fn page_ranges() {
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), "1–3, 5, 7–8");
    }
}
