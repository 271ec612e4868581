//! PDF fonts: embedded, subset-tagged, and how each maps codes to text
//! (ToUnicode, else encodings and glyph names as pdftotext does).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use super::super::pdfread::{Dict, Document, Lexer, Obj, Page, PdfError, Token};
use super::super::{Location, Sink};
use super::{MAX_FORM_DEPTH, MAX_LISTED, encoding};

/// How a font's codes become text.
#[derive(Debug, Clone)]
pub struct FontMap {
    pub name: String,
    /// Code space: (length in bytes, low, high).
    codespace: Vec<(usize, u32, u32)>,
    map: Option<ToUnicode>,
    /// `/ToUnicode /Identity-H`: codes are UTF-16 code units.
    identity: bool,
    /// Simple fonts: the text of each code by encoding and glyph names.
    simple: Option<Vec<Option<String>>>,
    /// Composite fonts without ToUnicode.
    cids: Option<CidText>,
}

/// How a composite font's codes are text without a ToUnicode map.
#[derive(Debug, Clone)]
enum CidText {
    /// A Unicode CMap: the codes are UTF-16.
    Unicode,
    /// CID -> the character of its glyph in the embedded font's cmap.
    Glyphs(HashMap<u32, char>),
}

#[derive(Debug, Clone, Default)]
pub(super) struct ToUnicode {
    /// A sorted map: looked up once per glyph shown, where hashing cost
    /// more than the search.
    chars: BTreeMap<(usize, u32), String>,
    ranges: Vec<(usize, u32, u32, RangeDst)>,
}

#[derive(Debug, Clone)]
enum RangeDst {
    Start(Vec<u16>),
    List(Vec<String>),
}

impl ToUnicode {
    /// Whether [`ToUnicode::lookup`] finds text for a code.
    fn maps(&self, len: usize, code: u32) -> bool {
        if self.chars.contains_key(&(len, code)) {
            return true;
        }
        match self.range(len, code) {
            Some((lo, RangeDst::List(l))) => ((code - lo) as usize) < l.len(),
            Some((_, RangeDst::Start(_))) => true,
            None => false,
        }
    }

    /// The range holding a code, with its low end.
    fn range(&self, len: usize, code: u32) -> Option<(u32, &RangeDst)> {
        // Ranges are sorted by (length, low): the candidate is the last
        // range starting at or below the code.
        let i = self
            .ranges
            .partition_point(|(l, lo, _, _)| (*l, *lo) <= (len, code));
        let (l, lo, hi, dst) = self.ranges.get(i.checked_sub(1)?)?;
        (*l == len && (*lo..=*hi).contains(&code)).then_some((*lo, dst))
    }

    pub(super) fn lookup(&self, len: usize, code: u32) -> Option<String> {
        if let Some(s) = self.chars.get(&(len, code)) {
            return Some(s.clone());
        }
        let (lo, dst) = self.range(len, code)?;
        let off = code - lo;
        match dst {
            RangeDst::Start(units) => {
                let mut u = units.clone();
                if let Some(last) = u.last_mut() {
                    *last = last.wrapping_add(off as u16);
                }
                Some(String::from_utf16_lossy(&u))
            }
            RangeDst::List(l) => l.get(off as usize).cloned(),
        }
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | *b as u32)
}

pub fn utf16(bytes: &[u8]) -> Vec<u16> {
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

pub(super) fn parse_cmap(data: &[u8]) -> Result<(CodeSpace, ToUnicode), PdfError> {
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

pub fn font_name(d: &Dict) -> String {
    d.get("BaseFont")
        .and_then(Obj::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_else(|| "(unnamed)".into())
}

pub fn has_subset_tag(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 7 && b[6] == b'+' && b[..6].iter().all(u8::is_ascii_uppercase)
}

/// Key of a font: its object number, or its place for a direct dictionary.
pub type FontKey = String;

/// Checks every font used by a page (directly or in form XObjects) and
/// returns how each maps codes to text.
pub fn check_fonts(doc: &Document, pages: &[Page], sink: &mut Sink) -> HashMap<FontKey, FontMap> {
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

/// The dictionary holding a font's descriptor (the descendant for Type0).
fn descendant(doc: &Document, d: &Dict, composite: bool) -> Option<Dict> {
    if !composite {
        return Some(d.clone());
    }
    doc.dict_get(d, "DescendantFonts")
        .ok()
        .and_then(|a| a.as_array().and_then(|a| a.first().cloned()))
        .and_then(|f| doc.resolve(&f).ok().and_then(|f| f.as_dict().cloned()))
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
    let subtype = d
        .get("Subtype")
        .and_then(Obj::as_name)
        .unwrap_or(b"")
        .to_vec();
    let composite = subtype == b"Type0";
    let holder = descendant(doc, d, composite);
    let descriptor = holder.as_ref().and_then(|h| {
        doc.dict_get(h, "FontDescriptor")
            .ok()
            .and_then(|x| x.as_dict().cloned())
    });
    let mut push = |sink: &mut Sink, rule: &str, msg: String| {
        *listed += 1;
        if *listed <= MAX_LISTED * 3 {
            sink.report(rule, loc(), msg);
        }
    };
    let kind = String::from_utf8_lossy(&subtype).into_owned();
    if subtype != b"Type3" {
        let embedded = descriptor.as_ref().is_some_and(|fd| {
            ["FontFile", "FontFile2", "FontFile3"]
                .iter()
                .any(|k| fd.contains(k))
        });
        if !embedded {
            if !is_standard14(&name) {
                push(
                    sink,
                    "pdf.font.not-embedded",
                    format!(
                        "font {name} ({kind}) is not embedded: readers substitute another font"
                    ),
                );
            }
            push(
                sink,
                "pdf.print.font-not-embedded",
                format!("font {name} ({kind}) is not embedded: the printer substitutes its own"),
            );
        } else if !has_subset_tag(&name) {
            sink.report(
                "pdf.font.subset-tag",
                loc(),
                format!("embedded font {name} has no six-letter subset tag (ABCDEF+): the whole font may be embedded"),
            );
        }
    }
    let mut fm = FontMap {
        name: name.clone(),
        codespace: if composite {
            composite_codespace(doc, d)
        } else {
            vec![(1, 0, 0xff)]
        },
        map: None,
        identity: false,
        simple: None,
        cids: None,
    };
    match doc.dict_get(d, "ToUnicode") {
        Ok(t) => match &*t {
            Obj::Stream(s) => match doc.decode(s).and_then(|data| parse_cmap(&data)) {
                Ok((cs, tu)) => {
                    if composite && !cs.is_empty() {
                        fm.codespace = cs;
                    }
                    if tu.chars.is_empty() && tu.ranges.is_empty() {
                        push(
                            sink,
                            "pdf.font.tounicode-invalid",
                            format!("the ToUnicode map of font {name} maps no codes"),
                        );
                    } else {
                        fm.map = Some(tu);
                    }
                }
                Err(e) => push(
                    sink,
                    "pdf.font.tounicode-invalid",
                    format!(
                        "the ToUnicode map of font {name} cannot be read: {}",
                        e.message()
                    ),
                ),
            },
            // A predefined CMap named in place of a stream: Identity-H/V
            // read codes as UTF-16, as pdftotext does.
            Obj::Name(n) if n.starts_with(b"Identity") => fm.identity = true,
            _ => {}
        },
        Err(e) => push(
            sink,
            "pdf.font.tounicode-invalid",
            format!("the ToUnicode map of font {name}: {}", e.message()),
        ),
    }
    if !composite {
        fm.simple = encoding::simple_font_texts(doc, d, &name, &subtype, descriptor.as_ref());
    } else {
        fm.cids = composite_texts(doc, d, holder.as_ref(), descriptor.as_ref());
    }
    if fm.map.is_none() && !fm.identity && fm.simple.is_none() && fm.cids.is_none() {
        push(
            sink,
            "pdf.font.no-tounicode",
            format!(
                "font {name} ({kind}) has no ToUnicode map, and neither its encoding nor its glyph names give its codes a meaning: its text cannot be copied or searched"
            ),
        );
    }
    fm
}

fn composite_codespace(doc: &Document, d: &Dict) -> CodeSpace {
    let mut codespace = Vec::new();
    if let Ok(e) = doc.dict_get(d, "Encoding")
        && let Obj::Stream(s) = &*e
        && let Ok(data) = doc.decode(s)
        && let Ok((cs, _)) = parse_cmap(&data)
    {
        codespace = cs;
    }
    if codespace.is_empty() {
        codespace.push((2, 0, 0xffff));
    }
    codespace
}

/// How a composite font's codes become text without ToUnicode: a Unicode
/// CMap (UniGB-UCS2-H, ...), or through the CID-to-glyph map and the
/// embedded TrueType font's cmap.
fn composite_texts(
    doc: &Document,
    d: &Dict,
    holder: Option<&Dict>,
    descriptor: Option<&Dict>,
) -> Option<CidText> {
    if let Ok(e) = doc.dict_get(d, "Encoding")
        && let Obj::Name(n) = &*e
    {
        let n = String::from_utf8_lossy(n);
        if n.starts_with("Uni") && (n.contains("UCS2") || n.contains("UTF16")) {
            return Some(CidText::Unicode);
        }
        if !n.starts_with("Identity") {
            return None;
        }
    }
    let holder = holder?;
    if !holder
        .get("Subtype")
        .is_some_and(|s| s.is_name("CIDFontType2"))
    {
        return None;
    }
    let (_, program) = encoding::font_program(doc, descriptor)?;
    let face = rustybuzz::ttf_parser::Face::parse(&program, 0).ok()?;
    let by_glyph = encoding::unicode_of_glyphs(&face);
    let map = doc.dict_get(holder, "CIDToGIDMap").ok();
    let gids: Option<Vec<u8>> = match map.as_deref() {
        Some(Obj::Stream(s)) => doc.decode(s).ok(),
        _ => None,
    };
    let mut out = HashMap::new();
    let count = match &gids {
        Some(g) => g.len() / 2,
        None => face.number_of_glyphs() as usize,
    };
    for cid in 0..count.min(65536) {
        let gid = match &gids {
            Some(g) => u16::from_be_bytes([g[2 * cid], g[2 * cid + 1]]),
            None => cid as u16,
        };
        if let Some(c) = by_glyph.get(&gid) {
            out.insert(cid as u32, *c);
        }
    }
    (!out.is_empty()).then_some(CidText::Glyphs(out))
}

fn is_standard14(name: &str) -> bool {
    let base = name.rsplit('+').next().unwrap_or(name);
    [
        "Times-Roman",
        "Times-Bold",
        "Times-Italic",
        "Times-BoldItalic",
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-Oblique",
        "Helvetica-BoldOblique",
        "Courier",
        "Courier-Bold",
        "Courier-Oblique",
        "Courier-BoldOblique",
        "Symbol",
        "ZapfDingbats",
    ]
    .contains(&base)
}

impl FontMap {
    /// The codes of a shown string, each with its length in bytes.
    fn each_code(&self, s: &[u8], mut f: impl FnMut(usize, u32)) {
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
            f(len, code);
        }
    }

    /// Decodes a shown string; counts codes with no text.
    pub fn decode(&self, s: &[u8], text: &mut String, unmapped: &mut Vec<u32>) {
        self.each_code(s, |len, code| {
            if let Some(t) = self.map.as_ref().and_then(|m| m.lookup(len, code)) {
                text.push_str(&t);
                return;
            }
            let fallback = if self.identity {
                char::from_u32(code).map(String::from)
            } else if let Some(simple) = &self.simple {
                simple.get(code as usize).cloned().flatten()
            } else {
                match &self.cids {
                    Some(CidText::Unicode) => char::from_u32(code).map(String::from),
                    Some(CidText::Glyphs(m)) => m.get(&code).map(|c| c.to_string()),
                    None => None,
                }
            };
            match fallback {
                Some(t) => text.push_str(&t),
                None => unmapped.push(code),
            }
        });
    }

    /// Counts the codes of a shown string that have no text, as
    /// [`FontMap::decode`] does, without making the text.
    pub fn count_unmapped(&self, s: &[u8], unmapped: &mut Vec<u32>) {
        self.each_code(s, |len, code| {
            if !self.has_text(len, code) {
                unmapped.push(code);
            }
        });
    }

    /// Whether [`FontMap::decode`] finds text for a code.
    fn has_text(&self, len: usize, code: u32) -> bool {
        if self.map.as_ref().is_some_and(|m| m.maps(len, code)) {
            return true;
        }
        if self.identity {
            char::from_u32(code).is_some()
        } else if let Some(simple) = &self.simple {
            simple.get(code as usize).is_some_and(Option::is_some)
        } else {
            match &self.cids {
                Some(CidText::Unicode) => char::from_u32(code).is_some(),
                Some(CidText::Glyphs(m)) => m.contains_key(&code),
                None => false,
            }
        }
    }

    /// True when the font has no way at all to give its codes a meaning.
    pub fn unmappable(&self) -> bool {
        self.map.is_none() && !self.identity && self.simple.is_none() && self.cids.is_none()
    }
}
