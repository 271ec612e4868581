//! PDF rules: structure, page size, fonts (embedded, subset-tagged,
//! ToUnicode), text extraction per page, outline, internal links, metadata.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use super::pdfread::{Dict, Document, Lexer, Obj, Page, PdfError, Token};
use super::{CheckOptions, Location, PAPER_TOLERANCE_PT, Sink};

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
            let rule = rule_for(&e, "pdf.parse");
            sink.error(
                rule,
                Location::none(),
                format!("cannot read the PDF structure: {e}"),
            );
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
    let encrypted = doc.trailer.contains("Encrypt");
    if encrypted {
        sink.error(
            "pdf.encrypted",
            Location::none(),
            "the document is encrypted: its text and fonts cannot be checked",
        );
    }
    check_page_sizes(&doc, &pages, opts, sink);
    if !encrypted {
        let fonts = check_fonts(&doc, &pages, sink);
        check_text(&doc, &pages, &fonts, sink);
    }
    let page_ids: HashMap<u32, usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.id.map(|id| (id, i)))
        .collect();
    check_outline(&doc, &cat, &page_ids, pages.len(), sink);
    check_links(&doc, &cat, &pages, &page_ids, sink);
    check_metadata(&doc, &cat, encrypted, sink);
    for (num, e) in doc.broken.borrow().iter().take(MAX_LISTED) {
        sink.error(
            rule_for(e, "pdf.parse"),
            Location::object(*num, 0),
            format!("object {num} cannot be read: {e}"),
        );
    }
    Some(pages.len())
}

fn rule_for(e: &PdfError, default: &'static str) -> &'static str {
    match e {
        PdfError::Loop(_) => "pdf.structure.loop",
        PdfError::Limit(_) => "pdf.limits",
        _ => default,
    }
}

fn report_err(sink: &mut Sink, e: &PdfError, default: &'static str, loc: Location, what: &str) {
    sink.error(rule_for(e, default), loc, format!("{what}: {e}"));
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
    let want = (opts.paper.width_pt, opts.paper.height_pt);
    // Wrong sizes grouped: (w, h in 1/100 pt) -> pages.
    let mut wrong: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        let media = rect(doc, &p.inherited.media_box);
        let Some(mb) = media else {
            sink.error(
                "pdf.page.size",
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
        if (w - want.0).abs() > PAPER_TOLERANCE_PT || (h - want.1).abs() > PAPER_TOLERANCE_PT {
            wrong
                .entry(((w * 100.0).round() as i64, (h * 100.0).round() as i64))
                .or_default()
                .push(i + 1);
        }
    }
    for ((w, h), list) in wrong {
        let (w, h) = (w as f64 / 100.0, h as f64 / 100.0);
        sink.error(
            "pdf.page.size",
            Location::page(list[0]),
            format!(
                "{} {} {:.2} × {:.2} pt ({:.1} × {:.1} mm), expected {} {:.2} × {:.2} pt (±{} pt)",
                if list.len() == 1 { "page" } else { "pages" },
                ranges(&list),
                w,
                h,
                w * 25.4 / 72.0,
                h * 25.4 / 72.0,
                opts.paper.name,
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

// ---------------------------------------------------------------- fonts

/// How a font's codes become text.
#[derive(Debug, Clone)]
pub struct FontMap {
    pub name: String,
    /// Code space: (length in bytes, low, high).
    codespace: Vec<(usize, u32, u32)>,
    map: Option<ToUnicode>,
    /// Simple fonts with a standard encoding map single bytes themselves.
    standard_encoding: bool,
}

#[derive(Debug, Clone, Default)]
struct ToUnicode {
    chars: HashMap<(usize, u32), String>,
    ranges: Vec<(usize, u32, u32, RangeDst)>,
}

#[derive(Debug, Clone)]
enum RangeDst {
    Start(Vec<u16>),
    List(Vec<String>),
}

impl ToUnicode {
    fn lookup(&self, len: usize, code: u32) -> Option<String> {
        if let Some(s) = self.chars.get(&(len, code)) {
            return Some(s.clone());
        }
        // Ranges are sorted by (length, low): the candidate is the last
        // range starting at or below the code.
        let i = self
            .ranges
            .partition_point(|(l, lo, _, _)| (*l, *lo) <= (len, code));
        if let Some((l, lo, hi, dst)) = i.checked_sub(1).and_then(|i| self.ranges.get(i))
            && *l == len
            && (*lo..=*hi).contains(&code)
        {
            {
                let off = code - lo;
                return match dst {
                    RangeDst::Start(units) => {
                        let mut u = units.clone();
                        if let Some(last) = u.last_mut() {
                            *last = last.wrapping_add(off as u16);
                        }
                        Some(String::from_utf16_lossy(&u))
                    }
                    RangeDst::List(l) => l.get(off as usize).cloned(),
                };
            }
        }
        None
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | *b as u32)
}

fn utf16(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                c[0] as u16
            }
        })
        .collect()
}

/// Parses a CMap's code space and (for ToUnicode) its bfchar/bfrange maps.
/// Code space ranges: (length in bytes, low, high).
type CodeSpace = Vec<(usize, u32, u32)>;

fn parse_cmap(data: &[u8]) -> Result<(CodeSpace, ToUnicode), PdfError> {
    let mut lx = Lexer::new(data, 0);
    let mut operands: Vec<Obj> = Vec::new();
    let mut codespace = Vec::new();
    let mut tu = ToUnicode::default();
    let mut entries = 0usize;
    while let Some(t) = lx.token()? {
        match t {
            Token::Obj(o) => {
                if operands.len() > 100_000 {
                    return Err(PdfError::Limit("CMap section too long".into()));
                }
                operands.push(o)
            }
            Token::Keyword(k) => {
                match k.as_slice() {
                    b"endcodespacerange" => {
                        for p in operands.chunks(2) {
                            if let [Obj::Str(lo), Obj::Str(hi)] = p
                                && (1..=4).contains(&lo.len())
                            {
                                codespace.push((lo.len(), be(lo), be(hi)));
                            }
                        }
                    }
                    b"endbfchar" => {
                        for p in operands.chunks(2) {
                            if let [Obj::Str(src), dst] = p
                                && (1..=4).contains(&src.len())
                            {
                                let s = match dst {
                                    Obj::Str(d) => String::from_utf16_lossy(&utf16(d)),
                                    Obj::Name(n) => String::from_utf8_lossy(n).into_owned(),
                                    _ => continue,
                                };
                                tu.chars.insert((src.len(), be(src)), s);
                                entries += 1;
                            }
                        }
                    }
                    b"endbfrange" => {
                        for p in operands.chunks(3) {
                            if let [Obj::Str(lo), Obj::Str(hi), dst] = p
                                && (1..=4).contains(&lo.len())
                            {
                                let (l, h) = (be(lo), be(hi));
                                if h < l {
                                    continue;
                                }
                                let dst = match dst {
                                    Obj::Str(d) => RangeDst::Start(utf16(d)),
                                    Obj::Array(a) => RangeDst::List(
                                        a.iter()
                                            .map(|x| match x {
                                                Obj::Str(d) => String::from_utf16_lossy(&utf16(d)),
                                                _ => String::new(),
                                            })
                                            .collect(),
                                    ),
                                    _ => continue,
                                };
                                tu.ranges.push((lo.len(), l, h, dst));
                                entries += 1;
                            }
                        }
                    }
                    _ => {}
                }
                if entries > 1_000_000 || tu.ranges.len() > 100_000 {
                    return Err(PdfError::Limit("CMap has too many entries".into()));
                }
                operands.clear();
            }
        }
    }
    tu.ranges.sort_by_key(|(l, lo, _, _)| (*l, *lo));
    codespace.truncate(256);
    Ok((codespace, tu))
}

fn font_name(d: &Dict) -> String {
    d.get("BaseFont")
        .and_then(Obj::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_else(|| "(unnamed)".into())
}

fn has_subset_tag(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 7 && b[6] == b'+' && b[..6].iter().all(u8::is_ascii_uppercase)
}

/// Key of a font: its object number, or its place for a direct dictionary.
type FontKey = String;

/// Checks every font used by a page (directly or in form XObjects) and
/// returns how each maps codes to text.
fn check_fonts(doc: &Document, pages: &[Page], sink: &mut Sink) -> HashMap<FontKey, FontMap> {
    let mut out: HashMap<FontKey, FontMap> = HashMap::new();
    let mut listed = 0usize;
    for (i, p) in pages.iter().enumerate() {
        let mut fonts = Vec::new();
        collect_fonts(
            doc,
            p.inherited.resources.as_ref(),
            &mut fonts,
            0,
            &mut HashSet::new(),
        );
        for (key, fobj) in fonts {
            if out.contains_key(&key) {
                continue;
            }
            let loc = || {
                let mut l = Location::page(i + 1);
                if let Some(n) = key.strip_prefix("obj ") {
                    l.object = Some(format!("{n} 0 R"));
                }
                l
            };
            let fm = check_font(doc, &fobj, sink, &loc, &mut listed);
            out.insert(key, fm);
        }
    }
    out
}

fn collect_fonts(
    doc: &Document,
    resources: Option<&Obj>,
    out: &mut Vec<(FontKey, Rc<Obj>)>,
    depth: usize,
    seen_forms: &mut HashSet<u32>,
) {
    let Some(res) = resources else { return };
    let Ok(res) = doc.resolve(res) else { return };
    let Some(res) = res.as_dict() else { return };
    if let Ok(fd) = doc.dict_get(res, "Font")
        && let Some(fd) = fd.as_dict()
    {
        for (name, f) in &fd.0 {
            let key = match f {
                Obj::Ref(n, _) => format!("obj {n}"),
                _ => format!("direct {}", String::from_utf8_lossy(name)),
            };
            if let Ok(r) = doc.resolve(f) {
                out.push((key, Rc::new(r.clone())));
            }
        }
    }
    if depth >= MAX_FORM_DEPTH {
        return;
    }
    if let Ok(xd) = doc.dict_get(res, "XObject")
        && let Some(xd) = xd.as_dict()
    {
        for (_, x) in &xd.0 {
            if let Obj::Ref(n, _) = x
                && !seen_forms.insert(*n)
            {
                continue;
            }
            if let Ok(xo) = doc.resolve(x)
                && let Obj::Stream(s) = &*xo
                && s.dict.get("Subtype").is_some_and(|t| t.is_name("Form"))
            {
                collect_fonts(doc, s.dict.get("Resources"), out, depth + 1, seen_forms);
            }
        }
    }
}

fn check_font(
    doc: &Document,
    fobj: &Obj,
    sink: &mut Sink,
    loc: &dyn Fn() -> Location,
    listed: &mut usize,
) -> FontMap {
    let empty = Dict::default();
    let d = fobj.as_dict().unwrap_or(&empty);
    let name = font_name(d);
    let subtype = d.get("Subtype").and_then(Obj::as_name).unwrap_or(b"");
    let composite = subtype == b"Type0";
    // The dictionary holding the font descriptor.
    let desc_holder: Option<Dict> = if composite {
        doc.dict_get(d, "DescendantFonts")
            .ok()
            .and_then(|a| a.as_array().and_then(|a| a.first().cloned()))
            .and_then(|f| doc.resolve(&f).ok().and_then(|f| f.as_dict().cloned()))
    } else {
        Some(d.clone())
    };
    let descriptor = desc_holder.as_ref().and_then(|h| {
        doc.dict_get(h, "FontDescriptor")
            .ok()
            .and_then(|x| x.as_dict().cloned())
    });
    let mut push = |sink: &mut Sink, rule: &str, msg: String| {
        *listed += 1;
        if *listed <= MAX_LISTED * 3 {
            sink.error(rule, loc(), msg);
        }
    };
    if subtype != b"Type3" {
        let embedded = descriptor.as_ref().is_some_and(|fd| {
            ["FontFile", "FontFile2", "FontFile3"]
                .iter()
                .any(|k| fd.contains(k))
        });
        if !embedded {
            push(
                sink,
                "pdf.font.not-embedded",
                format!(
                    "font {name} ({}) is not embedded",
                    String::from_utf8_lossy(subtype)
                ),
            );
        } else if !has_subset_tag(&name) {
            sink.warning(
                "pdf.font.subset-tag",
                loc(),
                format!("embedded font {name} has no six-letter subset tag (ABCDEF+): the whole font may be embedded"),
            );
        }
    }
    let mut codespace = Vec::new();
    if composite {
        match doc.dict_get(d, "Encoding") {
            Ok(e) => match &*e {
                Obj::Stream(s) => {
                    if let Ok(data) = doc.decode(s)
                        && let Ok((cs, _)) = parse_cmap(&data)
                    {
                        codespace = cs;
                    }
                }
                _ => codespace.push((2, 0, 0xffff)),
            },
            Err(_) => codespace.push((2, 0, 0xffff)),
        }
        if codespace.is_empty() {
            codespace.push((2, 0, 0xffff));
        }
    } else {
        codespace.push((1, 0, 0xff));
    }
    let mut map = None;
    match doc.dict_get(d, "ToUnicode") {
        Ok(t) => match &*t {
            Obj::Stream(s) => match doc.decode(s).and_then(|data| parse_cmap(&data)) {
                Ok((cs, tu)) => {
                    if composite && !cs.is_empty() {
                        codespace = cs;
                    }
                    if tu.chars.is_empty() && tu.ranges.is_empty() {
                        push(
                            sink,
                            "pdf.font.tounicode-invalid",
                            format!("the ToUnicode map of font {name} maps no codes"),
                        );
                    }
                    map = Some(tu);
                }
                Err(e) => push(
                    sink,
                    "pdf.font.tounicode-invalid",
                    format!("the ToUnicode map of font {name} cannot be read: {e}"),
                ),
            },
            Obj::Null => {}
            _ => push(
                sink,
                "pdf.font.tounicode-invalid",
                format!("the ToUnicode entry of font {name} is not a stream"),
            ),
        },
        Err(e) => push(
            sink,
            "pdf.font.tounicode-invalid",
            format!("the ToUnicode map of font {name}: {e}"),
        ),
    }
    let flags = descriptor
        .as_ref()
        .and_then(|fd| fd.get("Flags"))
        .and_then(Obj::as_i64)
        .unwrap_or(0);
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    let standard_encoding = !composite
        && !symbolic
        && match doc.dict_get(d, "Encoding").ok().as_deref() {
            Some(Obj::Name(n)) => matches!(
                n.as_slice(),
                b"WinAnsiEncoding" | b"MacRomanEncoding" | b"StandardEncoding"
            ),
            Some(Obj::Dict(_)) => true,
            _ => subtype == b"Type1" && standard14(&name),
        };
    if map.is_none() && !standard_encoding {
        push(
            sink,
            "pdf.font.no-tounicode",
            format!(
                "font {name} ({}) has no ToUnicode map: its text cannot be copied or searched",
                String::from_utf8_lossy(subtype)
            ),
        );
    }
    FontMap {
        name,
        codespace,
        map,
        standard_encoding,
    }
}

fn standard14(name: &str) -> bool {
    let base = name.split('+').next_back().unwrap_or(name);
    ["Times", "Helvetica", "Courier"]
        .iter()
        .any(|f| base.starts_with(f))
}

impl FontMap {
    /// Decodes a shown string; counts codes with no text.
    fn decode(&self, s: &[u8], text: &mut String, unmapped: &mut Vec<u32>) {
        let mut i = 0;
        while i < s.len() {
            let mut taken = None;
            for len in 1..=4usize {
                if i + len > s.len() {
                    break;
                }
                let code = be(&s[i..i + len]);
                if self
                    .codespace
                    .iter()
                    .any(|(l, lo, hi)| *l == len && (*lo..=*hi).contains(&code))
                {
                    taken = Some((len, code));
                    break;
                }
            }
            let (len, code) = taken.unwrap_or_else(|| {
                let len = self
                    .codespace
                    .iter()
                    .map(|c| c.0)
                    .min()
                    .unwrap_or(1)
                    .min(s.len() - i);
                (len, be(&s[i..i + len]))
            });
            i += len;
            let mapped = self.map.as_ref().and_then(|m| m.lookup(len, code));
            match mapped {
                Some(t) => text.push_str(&t),
                None if self.standard_encoding && len == 1 => {
                    // Latin-1 is right for the printable ASCII and close
                    // enough elsewhere to count as text.
                    text.push(char::from(code as u8));
                }
                None => unmapped.push(code),
            }
        }
    }
}

// ---------------------------------------------------------------- text

/// The text of each page, decoded through the fonts' ToUnicode maps.
/// Fails when the document cannot be read at all.
pub fn extract_text(bytes: &[u8]) -> Result<Vec<String>, String> {
    let doc = Document::parse(bytes).map_err(|e| e.to_string())?;
    let pages = doc.pages().map_err(|e| e.to_string())?;
    let mut sink = Sink::default();
    let fonts = check_fonts(&doc, &pages, &mut sink);
    let mut out = Vec::new();
    for p in &pages {
        let mut st = TextState::default();
        page_text(&doc, p, &fonts, &mut st).map_err(|e| e.to_string())?;
        out.push(st.text);
    }
    Ok(out)
}

#[derive(Default)]
struct TextState {
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
    let res = match resources {
        Some(r) => doc.resolve(r)?.as_dict().cloned().unwrap_or_default(),
        None => Dict::default(),
    };
    let font_dict = doc
        .dict_get(&res, "Font")?
        .as_dict()
        .cloned()
        .unwrap_or_default();
    let mut current: Option<&FontMap> = None;
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
                    let name = String::from_utf8_lossy(n).into_owned();
                    let key = match font_dict.get(&name) {
                        Some(Obj::Ref(num, _)) => Some(format!("obj {num}")),
                        Some(_) => Some(format!("direct {name}")),
                        None => None,
                    };
                    current = key.and_then(|k| fonts.get(&k));
                    if current.is_none() {
                        st.unknown_fonts.push(name);
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
                    let xd = doc.dict_get(&res, "XObject")?;
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
                        && super::pdfread::is_white(data[p - 1])
                        && data.get(p + 2).is_none_or(|c| super::pdfread::is_white(*c))
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
        Some(f) => f.decode(s, &mut st.text, &mut st.unmapped),
        None => st.unmapped.extend(s.iter().map(|b| *b as u32)),
    }
}

fn check_text(doc: &Document, pages: &[Page], fonts: &HashMap<FontKey, FontMap>, sink: &mut Sink) {
    let mut listed = 0;
    let mut more = 0;
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
                    .filter(|f| f.map.is_none())
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
                        format!("; fonts without ToUnicode: {}", names.join(", "))
                    }
                ),
            ));
        }
        for (rule, msg) in findings {
            listed += 1;
            if listed <= MAX_LISTED {
                sink.error(rule, Location::page(i + 1), msg);
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        sink.error(
            "pdf.text.extract",
            Location::none(),
            format!("and {more} more text extraction problem(s) on later pages"),
        );
    }
}

// ---------------------------------------------------------------- outline and links

/// Where a destination leads: Ok(page index), Err(why not).
fn resolve_dest(
    doc: &Document,
    cat: &Dict,
    dest: &Obj,
    page_ids: &HashMap<u32, usize>,
    page_count: usize,
) -> Result<usize, String> {
    let d = doc.resolve(dest).map_err(|e| e.to_string())?;
    let arr: Vec<Obj> = match &*d {
        Obj::Array(a) => a.clone(),
        Obj::Name(n) => {
            let dests = doc.dict_get(cat, "Dests").map_err(|e| e.to_string())?;
            let found = dests
                .as_dict()
                .and_then(|x| x.get(&String::from_utf8_lossy(n)))
                .cloned()
                .ok_or_else(|| {
                    format!(
                        "named destination /{} is not defined",
                        String::from_utf8_lossy(n)
                    )
                })?;
            return resolve_named_value(doc, cat, &found, page_ids, page_count);
        }
        Obj::Str(s) => {
            let found = lookup_name_tree(doc, cat, s).ok_or_else(|| {
                format!(
                    "named destination ({}) is not defined",
                    String::from_utf8_lossy(s)
                )
            })?;
            return resolve_named_value(doc, cat, &found, page_ids, page_count);
        }
        Obj::Dict(x) if x.contains("D") => {
            return resolve_dest(doc, cat, x.get("D").expect("checked"), page_ids, page_count);
        }
        other => {
            return Err(format!(
                "destination is not an array or a name ({})",
                kind(other)
            ));
        }
    };
    match arr.first() {
        Some(Obj::Ref(n, g)) => page_ids
            .get(n)
            .copied()
            .ok_or_else(|| format!("destination object {n} {g} R is not a page of this document")),
        Some(Obj::Int(i)) if *i >= 0 && (*i as usize) < page_count => Ok(*i as usize),
        Some(other) => Err(format!("destination names no page ({})", kind(other))),
        None => Err("destination array is empty".into()),
    }
}

fn resolve_named_value(
    doc: &Document,
    cat: &Dict,
    v: &Obj,
    page_ids: &HashMap<u32, usize>,
    page_count: usize,
) -> Result<usize, String> {
    let r = doc.resolve(v).map_err(|e| e.to_string())?;
    match &*r {
        Obj::Array(_) => resolve_dest(doc, cat, &r, page_ids, page_count),
        Obj::Dict(x) => match x.get("D") {
            Some(dd) => {
                let dd = doc.resolve(dd).map_err(|e| e.to_string())?;
                if dd.as_array().is_some() {
                    resolve_dest(doc, cat, &dd, page_ids, page_count)
                } else {
                    Err("named destination is not an array".into())
                }
            }
            None => Err("named destination has no /D".into()),
        },
        other => Err(format!("named destination is a {}", kind(other))),
    }
}

fn lookup_name_tree(doc: &Document, cat: &Dict, key: &[u8]) -> Option<Obj> {
    let names = doc.dict_get(cat, "Names").ok()?;
    let root = names.as_dict()?.get("Dests")?.clone();
    let mut stack = vec![(root, 0usize)];
    let mut seen = HashSet::new();
    let mut visits = 0;
    while let Some((node, depth)) = stack.pop() {
        visits += 1;
        if depth > 32 || visits > 100_000 {
            return None;
        }
        if let Obj::Ref(n, _) = node
            && !seen.insert(n)
        {
            continue;
        }
        let n = doc.resolve(&node).ok()?;
        let d = n.as_dict()?;
        if let Ok(a) = doc.dict_get(d, "Names")
            && let Some(a) = a.as_array()
        {
            for p in a.chunks(2) {
                if let [k, v] = p
                    && let Ok(k) = doc.resolve(k)
                    && matches!(&*k, Obj::Str(s) if s == key)
                {
                    return Some(v.clone());
                }
            }
        }
        if let Ok(k) = doc.dict_get(d, "Kids")
            && let Some(k) = k.as_array()
        {
            for kid in k {
                stack.push((kid.clone(), depth + 1));
            }
        }
    }
    None
}

fn kind(o: &Obj) -> &'static str {
    match o {
        Obj::Null => "null",
        Obj::Bool(_) => "boolean",
        Obj::Int(_) | Obj::Real(_) => "number",
        Obj::Name(_) => "name",
        Obj::Str(_) => "string",
        Obj::Array(_) => "array",
        Obj::Dict(_) => "dictionary",
        Obj::Stream(_) => "stream",
        Obj::Ref(..) => "reference",
    }
}

/// The internal destination of a link or outline entry, if it has one:
/// `/Dest`, or a `/GoTo` action's `/D`. Other actions (URI, ...) give None.
fn internal_dest(doc: &Document, d: &Dict) -> Result<Option<Obj>, String> {
    if let Some(dest) = d.get("Dest") {
        return Ok(Some(dest.clone()));
    }
    let a = doc.dict_get(d, "A").map_err(|e| e.to_string())?;
    if let Some(a) = a.as_dict()
        && a.get("S").is_some_and(|s| s.is_name("GoTo"))
    {
        return match a.get("D") {
            Some(dd) => Ok(Some(dd.clone())),
            None => Err("GoTo action without /D".into()),
        };
    }
    Ok(None)
}

fn check_outline(
    doc: &Document,
    cat: &Dict,
    page_ids: &HashMap<u32, usize>,
    page_count: usize,
    sink: &mut Sink,
) {
    let outlines = match doc.dict_get(cat, "Outlines") {
        Ok(o) => o.as_dict().cloned(),
        Err(e) => {
            report_err(
                sink,
                &e,
                "pdf.outline.bad-target",
                Location::none(),
                "the outline cannot be read",
            );
            return;
        }
    };
    let first = outlines.as_ref().and_then(|o| o.get("First")).cloned();
    let Some(first) = first else {
        sink.warning(
            "pdf.outline.missing",
            Location::none(),
            "the document has no outline (bookmarks): readers cannot navigate by chapter",
        );
        return;
    };
    let mut stack = vec![(first, 0usize)];
    let mut seen = HashSet::new();
    let mut entries = 0;
    let mut bad = 0;
    while let Some((item, depth)) = stack.pop() {
        if depth > 64 || entries > 100_000 {
            sink.error(
                "pdf.limits",
                Location::none(),
                "the outline is too deep or too large",
            );
            return;
        }
        let id = item.as_ref_id();
        if let Some((n, g)) = id
            && !seen.insert(n)
        {
            sink.error(
                "pdf.structure.loop",
                Location::object(n, g),
                format!("the outline reaches entry {n} {g} R twice (a loop)"),
            );
            return;
        }
        let node = match doc.resolve(&item) {
            Ok(n) => n,
            Err(e) => {
                report_err(
                    sink,
                    &e,
                    "pdf.outline.bad-target",
                    Location::none(),
                    "an outline entry cannot be read",
                );
                return;
            }
        };
        let Some(d) = node.as_dict() else {
            sink.error(
                "pdf.outline.bad-target",
                Location::none(),
                "an outline entry is not a dictionary",
            );
            return;
        };
        entries += 1;
        let title = d
            .get("Title")
            .and_then(|t| doc.resolve(t).ok())
            .and_then(|t| match &*t {
                Obj::Str(s) => Some(pdf_string(s)),
                _ => None,
            })
            .unwrap_or_default();
        let loc = || match id {
            Some((n, g)) => Location::object(n, g),
            None => Location::none(),
        };
        match internal_dest(doc, d) {
            Ok(Some(dest)) => {
                if let Err(why) = resolve_dest(doc, cat, &dest, page_ids, page_count) {
                    bad += 1;
                    if bad <= MAX_LISTED {
                        sink.error(
                            "pdf.outline.bad-target",
                            loc(),
                            format!("outline entry \"{title}\": {why}"),
                        );
                    }
                }
            }
            Ok(None) => {
                if !d.contains("A") {
                    bad += 1;
                    if bad <= MAX_LISTED {
                        sink.error(
                            "pdf.outline.bad-target",
                            loc(),
                            format!("outline entry \"{title}\" has no destination"),
                        );
                    }
                }
            }
            Err(why) => {
                bad += 1;
                if bad <= MAX_LISTED {
                    sink.error(
                        "pdf.outline.bad-target",
                        loc(),
                        format!("outline entry \"{title}\": {why}"),
                    );
                }
            }
        }
        if let Some(n) = d.get("Next") {
            stack.push((n.clone(), depth));
        }
        if let Some(c) = d.get("First") {
            stack.push((c.clone(), depth + 1));
        }
    }
}

fn check_links(
    doc: &Document,
    cat: &Dict,
    pages: &[Page],
    page_ids: &HashMap<u32, usize>,
    sink: &mut Sink,
) {
    let mut bad = 0;
    for (i, p) in pages.iter().enumerate() {
        let Ok(annots) = doc.dict_get(&p.dict, "Annots") else {
            continue;
        };
        let Some(annots) = annots.as_array() else {
            continue;
        };
        for a in annots.iter().take(100_000) {
            let Ok(a) = doc.resolve(a) else { continue };
            let Some(d) = a.as_dict() else { continue };
            if !d.get("Subtype").is_some_and(|s| s.is_name("Link")) {
                continue;
            }
            let problem = match internal_dest(doc, d) {
                Ok(Some(dest)) => resolve_dest(doc, cat, &dest, page_ids, pages.len()).err(),
                Ok(None) => None,
                Err(why) => Some(why),
            };
            if let Some(why) = problem {
                bad += 1;
                if bad <= MAX_LISTED {
                    sink.error(
                        "pdf.link.unresolved",
                        Location::page(i + 1),
                        format!("internal link: {why}"),
                    );
                }
            }
        }
    }
    if bad > MAX_LISTED {
        sink.error(
            "pdf.link.unresolved",
            Location::none(),
            format!("and {} more unresolved internal links", bad - MAX_LISTED),
        );
    }
}

// ---------------------------------------------------------------- metadata

/// A PDF text string: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding
/// (read as Latin-1, which agrees on the printable range).
pub fn pdf_string(s: &[u8]) -> String {
    if let Some(rest) = s.strip_prefix(&[0xfe, 0xff]) {
        String::from_utf16_lossy(&utf16(rest))
    } else if let Some(rest) = s.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        s.iter().map(|&b| b as char).collect()
    }
}

fn check_metadata(doc: &Document, cat: &Dict, encrypted: bool, sink: &mut Sink) {
    let info_title = doc
        .trailer
        .get("Info")
        .and_then(|i| doc.resolve(i).ok())
        .and_then(|i| i.as_dict().and_then(|d| d.get("Title").cloned()))
        .and_then(|t| doc.resolve(&t).ok().map(|t| t.clone()))
        .and_then(|t| match t {
            Obj::Str(s) => Some(pdf_string(&s)),
            _ => None,
        })
        .filter(|t| !t.trim().is_empty());
    let xmp_title = if info_title.is_some() || encrypted {
        None
    } else {
        doc.dict_get(cat, "Metadata").ok().and_then(|m| match &*m {
            Obj::Stream(s) => doc.decode(s).ok().and_then(|x| xmp_title(&x)),
            _ => None,
        })
    };
    if info_title.is_none() && xmp_title.is_none() {
        sink.warning(
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
        sink.warning(
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
