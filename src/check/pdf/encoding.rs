//! Text of simple-font codes when a font has no ToUnicode map, the way
//! pdftotext finds it: the font's encoding (a standard one, the embedded
//! font program's own, or the standard 14 fonts'), `/Differences` on top,
//! and glyph names read through the Adobe Glyph List (`pdf_encoding`), with
//! `uniXXXX`/`uXXXX` names and ligature names (`f_i`) decomposed.

use pdf_encoding::{Encoding, glyphname_to_unicode};
use rustybuzz::ttf_parser;

use crate::check::pdfread::{Dict, Document, Lexer, Obj, Token};

/// Glyph names of the 256 codes of a simple font (None: no glyph).
pub type Names = Vec<Option<String>>;

/// The Unicode text of a glyph name, if it has one.
pub fn glyph_text(name: &str) -> Option<String> {
    if let Some(t) = glyphname_to_unicode(name) {
        return Some(t.to_string());
    }
    // AGL specification: drop a suffix after '.', split ligatures on '_'.
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    let mut out = String::new();
    for part in base.split('_') {
        out.push_str(&component_text(part)?);
    }
    Some(out)
}

fn component_text(part: &str) -> Option<String> {
    if let Some(t) = glyphname_to_unicode(part) {
        return Some(t.to_string());
    }
    if let Some(c) = numeric_name(part) {
        return Some(c.to_string());
    }
    let scalar = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(hex) = part.strip_prefix("uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return hex
            .as_bytes()
            .chunks(4)
            .map(|c| scalar(std::str::from_utf8(c).ok()?))
            .collect();
    }
    if let Some(hex) = part.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return scalar(hex).map(String::from);
    }
    None
}

/// pdftotext's reading of names that only number a glyph, as bitmap
/// (Type 3) fonts have them: one or two letters and the character code
/// (`a65`, `g7`, `c200`) stand for the character of that number, control
/// characters included, as pdftotext gives them.
fn numeric_name(name: &str) -> Option<char> {
    let digits = name.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let letters = name.len() - digits.len();
    if !(1..=2).contains(&letters) || digits.is_empty() || digits.len() > 3 {
        return None;
    }
    let code: u32 = digits.parse().ok().filter(|c| *c < 256)?;
    char::from_u32(code)
}

fn base_encoding(name: &[u8]) -> Option<Encoding> {
    Some(match name {
        b"StandardEncoding" => Encoding::AdobeStandard,
        b"WinAnsiEncoding" => Encoding::WinAnsiEncoding,
        b"MacRomanEncoding" => Encoding::MacRomanEncoding,
        b"MacExpertEncoding" => Encoding::AdobeExpert,
        _ => return None,
    })
}

/// The text of each code of an encoding given as a standard one.
fn standard_texts(enc: Encoding) -> Vec<Option<String>> {
    let map = enc.forward_map();
    (0..=255u8)
        .map(|b| map.and_then(|m| m.get(b)).map(String::from))
        .collect()
}

/// Which standard-14 family a font name is (subset tag ignored).
fn standard14(name: &str) -> Option<Encoding> {
    let base = name.rsplit('+').next().unwrap_or(name);
    if base.starts_with("Symbol") {
        Some(Encoding::AdobeSymbol)
    } else if base.starts_with("ZapfDingbats") || base.starts_with("Dingbats") {
        Some(Encoding::AdobeZdingbat)
    } else if ["Times", "Helvetica", "Courier", "Arial"]
        .iter()
        .any(|f| base.starts_with(f))
    {
        Some(Encoding::AdobeStandard)
    } else {
        None
    }
}

/// The built-in encoding of an embedded Type 1 font program: its
/// `dup CODE /name put` entries, or `StandardEncoding`.
fn type1_builtin(program: &[u8]) -> Option<Names> {
    let head = &program[..program.len().min(64 * 1024)];
    let at = crate::check::find(head, b"/Encoding")?;
    let mut lx = Lexer::new(head, at + 9);
    let mut names: Names = vec![None; 256];
    let mut recent: Vec<Obj> = Vec::new();
    let mut found = false;
    while let Ok(Some(t)) = lx.token() {
        match t {
            Token::Keyword(k) if k == b"StandardEncoding" && !found => {
                return Some(
                    (0..=255u8)
                        .map(|b| {
                            Encoding::AdobeStandard
                                .forward_map()
                                .and_then(|m| m.get(b))
                                .map(|c| c.to_string())
                        })
                        .collect(),
                );
            }
            Token::Keyword(k) if k == b"put" => {
                if let [.., Obj::Int(code), Obj::Name(n)] = recent.as_slice()
                    && (0..256).contains(code)
                {
                    names[*code as usize] = Some(String::from_utf8_lossy(n).into_owned());
                    found = true;
                }
                recent.clear();
            }
            Token::Keyword(k) if k == b"readonly" || k == b"def" => break,
            Token::Keyword(k) if k == b"eexec" => break,
            Token::Keyword(_) => {}
            Token::Obj(o) => {
                recent.push(o);
                if recent.len() > 4 {
                    recent.remove(0);
                }
            }
        }
    }
    found.then_some(names)
}

/// Codes of a symbolic TrueType font without an encoding: through its
/// (3,0) or (1,0) cmap to a glyph, then the glyph's name or Unicode.
fn truetype_symbolic(program: &[u8]) -> Option<Vec<Option<String>>> {
    let face = ttf_parser::Face::parse(program, 0).ok()?;
    let cmap = face.tables().cmap?;
    let reverse = unicode_of_glyphs(&face);
    let mut out = vec![None; 256];
    for (code, slot) in out.iter_mut().enumerate() {
        let gid =
            cmap.subtables
                .into_iter()
                .find_map(|st| match (st.platform_id, st.encoding_id) {
                    (ttf_parser::PlatformId::Windows, 0) => st
                        .glyph_index(0xF000 + code as u32)
                        .or_else(|| st.glyph_index(code as u32)),
                    (ttf_parser::PlatformId::Macintosh, 0) => st.glyph_index(code as u32),
                    _ => None,
                });
        let Some(gid) = gid else { continue };
        *slot = face
            .glyph_name(gid)
            .and_then(glyph_text)
            .or_else(|| reverse.get(&gid.0).map(|c| c.to_string()));
    }
    Some(out)
}

/// Glyph id -> the first Unicode character mapped to it by the font's cmap.
pub fn unicode_of_glyphs(face: &ttf_parser::Face) -> std::collections::HashMap<u16, char> {
    let mut m = std::collections::HashMap::new();
    let Some(cmap) = face.tables().cmap else {
        return m;
    };
    for st in cmap.subtables {
        if !st.is_unicode() {
            continue;
        }
        st.codepoints(|cp| {
            if let Some(g) = st.glyph_index(cp)
                && let Some(c) = char::from_u32(cp)
            {
                m.entry(g.0).or_insert(c);
            }
        });
    }
    m
}

/// The embedded program of a font descriptor: (key, decoded bytes).
pub fn font_program(doc: &Document, descriptor: Option<&Dict>) -> Option<(&'static str, Vec<u8>)> {
    let fd = descriptor?;
    for key in ["FontFile", "FontFile2", "FontFile3"] {
        if let Ok(f) = doc.dict_get(fd, key)
            && let Obj::Stream(s) = &*f
        {
            return doc.decode(s).ok().map(|d| (key, d));
        }
    }
    None
}

/// The text of each code of a simple font without ToUnicode; None when
/// nothing gives the codes a meaning.
pub fn simple_font_texts(
    doc: &Document,
    font: &Dict,
    name: &str,
    subtype: &[u8],
    descriptor: Option<&Dict>,
) -> Option<Vec<Option<String>>> {
    let enc = doc.dict_get(font, "Encoding").ok().map(|e| (*e).clone());
    let (base_name, differences) = match &enc {
        Some(Obj::Name(n)) => (Some(n.clone()), None),
        Some(Obj::Dict(d)) => (
            d.get("BaseEncoding")
                .and_then(Obj::as_name)
                .map(<[u8]>::to_vec),
            doc.dict_get(d, "Differences")
                .ok()
                .and_then(|a| a.as_array().map(<[Obj]>::to_vec)),
        ),
        _ => (None, None),
    };
    let program = font_program(doc, descriptor);
    // The base: a named encoding, else the program's own, else standard.
    let mut texts: Vec<Option<String>> = match base_name.as_deref().and_then(base_encoding) {
        Some(e) => standard_texts(e),
        None => match &program {
            Some(("FontFile", data)) => type1_builtin(data)
                .map(|names| {
                    names
                        .iter()
                        .map(|n| n.as_deref().and_then(glyph_text))
                        .collect()
                })
                .unwrap_or_else(|| standard_texts(Encoding::AdobeStandard)),
            Some(("FontFile2", data)) if differences.is_none() => {
                truetype_symbolic(data).unwrap_or_else(|| standard_texts(Encoding::WinAnsiEncoding))
            }
            _ => match standard14(name) {
                Some(e) => standard_texts(e),
                None if subtype == b"TrueType" => standard_texts(Encoding::WinAnsiEncoding),
                None => standard_texts(Encoding::AdobeStandard),
            },
        },
    };
    if let Some(diffs) = differences {
        let mut code: Option<usize> = None;
        for d in diffs.iter().take(4096) {
            match d {
                Obj::Int(i) => code = usize::try_from(*i).ok(),
                Obj::Name(n) => {
                    if let Some(c) = code.filter(|c| *c < 256) {
                        texts[c] = glyph_text(&String::from_utf8_lossy(n));
                    }
                    code = code.map(|c| c + 1);
                }
                _ => {}
            }
        }
    }
    texts.iter().any(Option::is_some).then_some(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_text("A").as_deref(), Some("A"));
        assert_eq!(glyph_text("uni4E2D").as_deref(), Some("中"));
        assert_eq!(glyph_text("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_text("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_text("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_text("a65").as_deref(), Some("A"));
        assert_eq!(glyph_text("g123").as_deref(), Some("{"));
        assert_eq!(glyph_text("glyph12345"), None);
    }

    #[test]
    fn type1_encoding_entries() {
        let prog = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 65 /A put\ndup 11 /ff put\nreadonly def\ncurrentfile eexec";
        let names = type1_builtin(prog).unwrap();
        assert_eq!(names[65].as_deref(), Some("A"));
        assert_eq!(names[11].as_deref(), Some("ff"));
        assert_eq!(names[66], None);
    }
}
