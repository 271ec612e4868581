//! Text extraction from page content, through the fonts' maps.

use std::collections::{HashMap, HashSet};

use super::super::pdfread::{Dict, Document, Lexer, Obj, Page, PdfError, Token};
use super::super::{Location, Sink};
use super::fonts::{FontKey, FontMap, check_fonts};
use super::{MAX_FORM_DEPTH, rule_for};

/// The text of each page, decoded through the fonts' ToUnicode maps.
/// Fails when the document cannot be read at all.
pub fn extract_text(bytes: &[u8]) -> Result<Vec<String>, String> {
    let doc = Document::parse(bytes).map_err(|e| e.to_string())?;
    let pages = doc.pages().map_err(|e| e.to_string())?;
    let mut sink = Sink::default();
    let fonts = check_fonts(&doc, &pages, &mut sink);
    let mut out = Vec::new();
    for p in &pages {
        let mut st = TextState {
            keep_text: true,
            ..TextState::default()
        };
        page_text(&doc, p, &fonts, &mut st).map_err(|e| e.to_string())?;
        out.push(st.text);
    }
    Ok(out)
}

#[derive(Default)]
struct TextState {
    /// Whether the text is made (else only its unmapped codes are
    /// counted, which is all the checks need).
    keep_text: bool,
    text: String,
    unmapped: Vec<u32>,
    unknown_fonts: Vec<String>,
}

fn page_text(
    doc: &Document,
    p: &Page,
    fonts: &HashMap<FontKey, FontMap>,
    st: &mut TextState,
) -> Result<(), PdfError> {
    let contents = doc.dict_get(&p.dict, "Contents")?;
    let mut data = Vec::new();
    match &*contents {
        Obj::Stream(s) => data = doc.decode(s)?,
        Obj::Array(a) => {
            for c in a {
                if let Obj::Stream(s) = &*doc.resolve(c)? {
                    data.extend_from_slice(&doc.decode(s)?);
                    data.push(b'\n');
                }
            }
        }
        _ => {}
    }
    run_content(
        doc,
        &data,
        p.inherited.resources.as_ref(),
        fonts,
        st,
        0,
        &mut HashSet::new(),
    )
}

fn run_content(
    doc: &Document,
    data: &[u8],
    resources: Option<&Obj>,
    fonts: &HashMap<FontKey, FontMap>,
    st: &mut TextState,
    depth: usize,
    seen_forms: &mut HashSet<u32>,
) -> Result<(), PdfError> {
    let empty = Dict::default();
    let res = match resources {
        Some(r) => Some(doc.resolve(r)?),
        None => None,
    };
    let res: &Dict = res.as_deref().and_then(Obj::as_dict).unwrap_or(&empty);
    let font_dict = doc.dict_get(res, "Font")?;
    let font_dict: &Dict = font_dict.as_dict().unwrap_or(&empty);
    let mut current: Option<&FontMap> = None;
    // The font each resource name set so far selects.
    let mut selected: Vec<(Vec<u8>, Option<&FontMap>)> = Vec::new();
    let mut lx = Lexer::new(data, 0);
    let mut ops: Vec<Obj> = Vec::new();
    while let Some(t) = lx.token()? {
        let k = match t {
            Token::Obj(o) => {
                if ops.len() > 10_000 {
                    return Err(PdfError::Limit("too many operands".into()));
                }
                ops.push(o);
                continue;
            }
            Token::Keyword(k) => k,
        };
        match k.as_slice() {
            b"Tf" => {
                current = None;
                if let Some(Obj::Name(n)) = ops.first() {
                    current = match selected.iter().find(|(k, _)| k == n) {
                        Some((_, f)) => *f,
                        None => {
                            let name = String::from_utf8_lossy(n);
                            let key = match font_dict.get(&name) {
                                Some(Obj::Ref(num, _)) => Some(format!("obj {num}")),
                                Some(_) => Some(format!("direct {name}")),
                                None => None,
                            };
                            let f = key.and_then(|k| fonts.get(&k));
                            selected.push((n.clone(), f));
                            f
                        }
                    };
                    if current.is_none() {
                        st.unknown_fonts
                            .push(String::from_utf8_lossy(n).into_owned());
                    }
                }
            }
            b"Tj" | b"'" | b"\"" => {
                if let Some(Obj::Str(s)) = ops.last() {
                    show(current, s, st);
                }
            }
            b"TJ" => {
                if let Some(Obj::Array(a)) = ops.last() {
                    for x in a {
                        if let Obj::Str(s) = x {
                            show(current, s, st);
                        }
                    }
                }
            }
            b"Do" if depth < MAX_FORM_DEPTH => {
                if let Some(Obj::Name(n)) = ops.first() {
                    let xd = doc.dict_get(res, "XObject")?;
                    if let Some(x) = xd
                        .as_dict()
                        .and_then(|d| d.get(&String::from_utf8_lossy(n)))
                    {
                        let fresh = match x {
                            Obj::Ref(num, _) => seen_forms.insert(*num),
                            _ => true,
                        };
                        if fresh
                            && let Obj::Stream(s) = &*doc.resolve(x)?
                            && s.dict.get("Subtype").is_some_and(|t| t.is_name("Form"))
                        {
                            let inner = doc.decode(s)?;
                            let r = s.dict.get("Resources").or(resources);
                            run_content(doc, &inner, r, fonts, st, depth + 1, seen_forms)?;
                        }
                    }
                }
            }
            b"ID" => {
                // Inline image data: skip to "EI" after whitespace.
                let mut p = lx.pos + 1;
                while p + 2 <= data.len() {
                    if &data[p..p + 2] == b"EI"
                        && p > 0
                        && super::super::pdfread::is_white(data[p - 1])
                        && data
                            .get(p + 2)
                            .is_none_or(|c| super::super::pdfread::is_white(*c))
                    {
                        break;
                    }
                    p += 1;
                }
                lx.pos = (p + 2).min(data.len());
            }
            b"ET" | b"T*" | b"Td" | b"TD" if !st.text.ends_with('\n') && !st.text.is_empty() => {
                st.text.push('\n');
            }
            _ => {}
        }
        ops.clear();
    }
    Ok(())
}

fn show(font: Option<&FontMap>, s: &[u8], st: &mut TextState) {
    match font {
        Some(f) if st.keep_text => f.decode(s, &mut st.text, &mut st.unmapped),
        Some(f) => f.count_unmapped(s, &mut st.unmapped),
        None => st.unmapped.extend(s.iter().map(|b| *b as u32)),
    }
}

pub fn check_text(
    doc: &Document,
    pages: &[Page],
    fonts: &HashMap<FontKey, FontMap>,
    sink: &mut Sink,
) {
    for (i, p) in pages.iter().enumerate() {
        let mut st = TextState::default();
        let result = page_text(doc, p, fonts, &mut st);
        let mut findings: Vec<(&str, String)> = Vec::new();
        if let Err(e) = result {
            findings.push((
                rule_for(&e, "pdf.text.extract"),
                format!("the page's text cannot be extracted: {e}"),
            ));
        }
        if !st.unknown_fonts.is_empty() {
            st.unknown_fonts.dedup();
            findings.push((
                "pdf.text.extract",
                format!(
                    "text is set in font resources the page does not define: {}",
                    st.unknown_fonts.join(", ")
                ),
            ));
        }
        if !st.unmapped.is_empty() {
            let mut sample: Vec<u32> = st.unmapped.clone();
            sample.sort_unstable();
            sample.dedup();
            let shown: Vec<String> = sample
                .iter()
                .take(8)
                .map(|c| format!("<{c:04X}>"))
                .collect();
            let names: Vec<&str> = {
                let mut v: Vec<&str> = fonts
                    .values()
                    .filter(|f| f.unmappable())
                    .map(|f| f.name.as_str())
                    .collect();
                v.sort_unstable();
                v
            };
            findings.push((
                "pdf.text.unmapped",
                format!(
                    "{} character code(s) map to no Unicode text ({} distinct: {}{}){}",
                    st.unmapped.len(),
                    sample.len(),
                    shown.join(" "),
                    if sample.len() > 8 { " …" } else { "" },
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; fonts whose codes have no Unicode meaning: {}",
                            names.join(", ")
                        )
                    }
                ),
            ));
        }
        // The sink lists 20 per rule and counts the rest.
        for (rule, msg) in findings {
            if rule == "pdf.text.unmapped" {
                // What a reader only warns about, a library cannot take.
                sink.report("pdf.text.searchable", Location::page(i + 1), msg.clone());
            }
            sink.report(rule, Location::page(i + 1), msg);
        }
    }
}
