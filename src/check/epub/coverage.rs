//! Glyph coverage: for each character of each content document, the
//! fonts its CSS selects, tried in turn as a reader does, against the
//! embedded fonts' cmaps (IDPF obfuscation undone, WOFF unpacked).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use rustybuzz::ttf_parser;

use super::super::css::{self, ElementKey, Stylesheet};
use super::super::xml::{Element, Node};
use super::super::{CheckOptions, Location, Profile, Sink};
use super::content::Doc;
use super::package::Item;
use super::{Container, deobfuscate, is_external, resolve};
use crate::script::charbits::CharBits;

/// Most selector tests (elements × rules) per document for coverage.
const MAX_STYLE_STEPS: usize = 4_000_000;
/// Missing characters listed per document before a summary.
const MAX_MISSING_LISTED: usize = 100;

/// How an embedded font is enciphered (META-INF/encryption.xml).
pub(super) enum Cipher {
    None,
    /// IDPF obfuscation with this key, undone before reading.
    Idpf([u8; 20]),
    /// Another algorithm: the font cannot be read, nor judged.
    Other,
}

/// A loaded @font-face font; no data when it cannot be judged (WOFF2,
/// other ciphers), and then it counts as covering every character.
struct LoadedFace {
    family: String,
    weight: u16,
    path: String,
    data: Option<Vec<u8>>,
}

fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x00AD | 0x180B..=0x180F | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2069 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
}

/// What some font data is, by its first bytes.
enum FontData {
    Sfnt,
    Woff,
    Woff2,
    NotAFont,
}

fn font_kind(d: &[u8]) -> FontData {
    match d.get(..4) {
        Some(b"\x00\x01\x00\x00" | b"OTTO" | b"true" | b"typ1" | b"ttcf") => FontData::Sfnt,
        Some(b"wOFF") => FontData::Woff,
        Some(b"wOF2") => FontData::Woff2,
        _ => FontData::NotAFont,
    }
}

/// Unpacks a WOFF 1.0 font into the sfnt it wraps (tables inflated).
fn unwoff(d: &[u8]) -> Option<Vec<u8>> {
    let u16at = |o: usize| d.get(o..o + 2).map(|x| u16::from_be_bytes([x[0], x[1]]));
    let u32at = |o: usize| {
        d.get(o..o + 4)
            .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
    };
    let flavor = u32at(4)?;
    let n = u16at(12)? as usize;
    let mut tables = Vec::with_capacity(n);
    for i in 0..n {
        let o = 44 + 20 * i;
        let (tag, off, comp, orig) = (u32at(o)?, u32at(o + 4)?, u32at(o + 8)?, u32at(o + 12)?);
        let raw = d.get(off as usize..(off as usize).checked_add(comp as usize)?)?;
        let data = if comp < orig {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw)
                .take(orig as u64 + 1)
                .read_to_end(&mut out)
                .ok()?;
            out
        } else {
            raw.to_vec()
        };
        tables.push((tag, data));
    }
    let mut out = Vec::new();
    out.extend_from_slice(&flavor.to_be_bytes());
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&[0; 6]);
    let mut offset = 12 + 16 * n;
    let mut bodies = Vec::new();
    for (tag, data) in &tables {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        bodies.extend_from_slice(data);
        let pad = (4 - data.len() % 4) % 4;
        bodies.extend(std::iter::repeat_n(0u8, pad));
        offset += data.len() + pad;
    }
    out.extend_from_slice(&bodies);
    Some(out)
}

pub(super) fn check_coverage(
    c: &mut Container,
    items: &[Item],
    docs: &BTreeMap<String, Doc>,
    font_key: &dyn Fn(&str) -> Cipher,
    opts: &CheckOptions,
    sink: &mut Sink,
) {
    // Every stylesheet, parsed once.
    let mut sheets: HashMap<String, Stylesheet> = HashMap::new();
    let css_items: Vec<String> = items
        .iter()
        .filter(|i| i.media_type == "text/css")
        .filter_map(|i| i.path.clone())
        .filter(|p| c.contains(p))
        .collect::<Vec<_>>();
    for path in css_items {
        match c.read(&path) {
            Ok(data) => {
                sheets.insert(path, css::parse(&String::from_utf8_lossy(&data)));
            }
            Err(e) => sink.error(
                "epub.zip.entry-unreadable",
                Location::entry(&path),
                format!("cannot read: {e}"),
            ),
        }
    }
    // Inline <style> elements, keyed by document.
    let mut inline: HashMap<String, Stylesheet> = HashMap::new();
    for (path, doc) in docs {
        let mut text = String::new();
        for e in doc.root.descendants() {
            if e.local == "style" {
                text.push_str(&e.text());
                text.push('\n');
            }
        }
        if !text.is_empty() {
            inline.insert(path.clone(), css::parse(&text));
        }
    }
    let mut sheet_paths: Vec<String> = sheets.keys().cloned().collect();
    sheet_paths.sort();
    let all_sheets: Vec<(String, &Stylesheet)> = sheet_paths
        .iter()
        .map(|p| (p.clone(), &sheets[p]))
        .chain(inline.iter().map(|(p, s)| (p.clone(), s)))
        .collect();
    let faces = load_faces(c, &all_sheets, font_key, sink);
    if faces.is_empty() && !opts.has(Profile::Distribution) {
        // Nothing embedded, and nothing asks for it.
        return;
    }
    let parsed: Vec<(usize, Option<ttf_parser::Face>)> = faces
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.data {
            Some(d) => ttf_parser::Face::parse(d, 0)
                .ok()
                .map(|face| (i, Some(face))),
            None => Some((i, None)),
        })
        .collect();

    let mut judge = Judge::new(&faces, &parsed, opts.allow_generic_fallback);
    for (path, doc) in docs {
        // The stylesheets that apply, in cascade order.
        let mut applied: Vec<&Stylesheet> = Vec::new();
        for e in doc.root.descendants() {
            if e.local == "link"
                && e.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|x| x.eq_ignore_ascii_case("stylesheet"))
                })
                && let Some(href) = e.attr("href")
                && let Some(p) = resolve(path, href)
                && let Some(s) = sheets.get(&p)
            {
                applied.push(s);
            }
        }
        if let Some(s) = inline.get(path) {
            applied.push(s);
        }
        walk_document(path, doc, &applied, &mut judge, opts, sink);
    }
}

/// Walks one document's body with the cascade, and reports the characters
/// no selected font covers.
fn walk_document(
    path: &str,
    doc: &Doc,
    applied: &[&Stylesheet],
    judge: &mut Judge,
    opts: &CheckOptions,
    sink: &mut Sink,
) {
    let Some(body) = doc.root.elements().find(|e| e.local == "body") else {
        return;
    };
    let mut missing: BTreeMap<char, Missing> = BTreeMap::new();
    let mut none_selected: Option<(u32, u32, Vec<String>, char)> = None;
    let mut ancestors: Vec<ElementKey> = vec![key(&doc.root)];
    let root_style = style_for(applied, &ancestors, &doc.root, &Style::default());
    // Children share their parent's computed style.
    let mut stack: Vec<(&Element, std::rc::Rc<Style>, usize)> =
        vec![(body, std::rc::Rc::new(root_style), 1)];
    let rules_per_element: usize = applied.iter().map(|s| s.rules.len()).sum::<usize>().max(1);
    let mut steps = 0usize;
    // Depth-first walk keeping the ancestor path.
    while let Some((e, parent_style, depth)) = stack.pop() {
        steps += rules_per_element;
        if steps > MAX_STYLE_STEPS {
            sink.report(
                "epub.limits",
                Location::entry(path),
                format!("too many elements × CSS rules to compute fonts (over {MAX_STYLE_STEPS}); glyph coverage not checked past this point"),
            );
            break;
        }
        ancestors.truncate(depth);
        ancestors.push(key(e));
        let st = std::rc::Rc::new(style_for(applied, &ancestors, e, &parent_style));
        if matches!(e.local.as_str(), "script" | "style") {
            // Not rendered text.
            continue;
        }
        for n in e.children.iter().rev() {
            if let Node::Element(child) = n {
                stack.push((child, st.clone(), depth + 1));
            }
        }
        let mut plan = None;
        for n in &e.children {
            let Node::Text(t) = n else { continue };
            for ch in t.chars().filter(|c| !ignorable(*c)) {
                let plan = plan.get_or_insert_with(|| judge.plan(&st));
                match judge.covered(ch, plan, &st) {
                    Coverage::Yes => {}
                    Coverage::NoEmbeddedFont => {
                        if none_selected.is_none() {
                            none_selected = Some((e.line, e.column, st.family.clone(), ch));
                        }
                    }
                    Coverage::Missing(tried, fallback) => {
                        let m = missing
                            .entry(ch)
                            .or_insert((0, e.line, e.column, tried, fallback));
                        m.0 += 1;
                    }
                }
            }
        }
    }
    if let Some((line, column, fam, ch)) = none_selected {
        sink.report(
            "epub.font.none-selected",
            Location::entry_at(path, line, column),
            format!(
                "text (first {:?}) is set in font-family [{}], which names no embedded @font-face font{}",
                ch,
                fam.join(", "),
                if opts.allow_generic_fallback { "" } else { " (generic families count only with --allow-generic-fallback)" }
            ),
        );
    }
    report_missing(path, missing, opts, sink);
}

/// A missing character: count, first place, fonts tried, and whether a
/// family follows them.
type Missing = (usize, u32, u32, Vec<String>, bool);

/// Under distribution every missing character is an error; otherwise
/// only one an embedded font lacks with no family after it is a warning.
fn report_missing(
    path: &str,
    missing: BTreeMap<char, Missing>,
    opts: &CheckOptions,
    sink: &mut Sink,
) {
    let dist = opts.has(Profile::Distribution);
    let rule = if dist {
        "epub.glyph-coverage"
    } else {
        "epub.font.coverage"
    };
    let listed: Vec<(char, Missing)> = missing.into_iter().filter(|(_, m)| dist || !m.4).collect();
    let total = listed.len();
    for (i, (ch, (count, line, column, tried, _))) in listed.into_iter().enumerate() {
        if i == MAX_MISSING_LISTED {
            sink.report(
                rule,
                Location::entry(path),
                format!("and {} more missing characters", total - MAX_MISSING_LISTED),
            );
            break;
        }
        sink.report(
            rule,
            Location::entry_at(path, line, column),
            format!(
                "U+{:04X} {:?} ({} time{}) is in none of the fonts the CSS selects: {}",
                ch as u32,
                ch,
                count,
                if count == 1 { "" } else { "s" },
                tried.join(", ")
            ),
        );
    }
}

/// Loads every @font-face source once: missing files and data that is no
/// font at all are reported; fonts that cannot be judged are kept opaque.
fn load_faces(
    c: &mut Container,
    all_sheets: &[(String, &Stylesheet)],
    font_key: &dyn Fn(&str) -> Cipher,
    sink: &mut Sink,
) -> Vec<LoadedFace> {
    let mut faces = Vec::new();
    let mut done: HashSet<(String, String)> = HashSet::new();
    for (base, sheet) in all_sheets {
        for f in &sheet.faces {
            let Some(src) = f
                .src
                .iter()
                .find(|s| !is_external(s) && !s.starts_with("data:"))
            else {
                continue;
            };
            let Some(path) = resolve(base, src) else {
                sink.error(
                    "epub.font.missing",
                    Location::entry(base),
                    format!(
                        "@font-face {:?}: src {src:?} points outside the container",
                        f.family
                    ),
                );
                continue;
            };
            if !done.insert((f.family.clone(), path.clone())) {
                continue;
            }
            if !c.contains(&path) {
                sink.error(
                    "epub.font.missing",
                    Location::entry(base),
                    format!(
                        "@font-face {:?}: {path:?} is not in the container",
                        f.family
                    ),
                );
                continue;
            }
            let cipher = font_key(&path);
            let data = match c.read(&path) {
                Ok(d) => d,
                Err(e) => {
                    sink.error(
                        "epub.zip.entry-unreadable",
                        Location::entry(&path),
                        format!("cannot read: {e}"),
                    );
                    continue;
                }
            };
            let data = match cipher {
                Cipher::Other => None,
                Cipher::Idpf(k) => {
                    let mut d = data;
                    deobfuscate(&mut d, &k);
                    Some(d)
                }
                Cipher::None => Some(data),
            };
            let data = match data.as_deref().map(font_kind) {
                None | Some(FontData::Woff2) => None,
                Some(FontData::Sfnt) => data,
                Some(FontData::Woff) => match data.as_deref().and_then(unwoff) {
                    Some(d) => Some(d),
                    None => {
                        sink.report(
                            "epub.font.unreadable",
                            Location::entry(&path),
                            format!("@font-face {:?}: {path:?} is a damaged WOFF font", f.family),
                        );
                        continue;
                    }
                },
                Some(FontData::NotAFont) => {
                    sink.report(
                        "epub.font.unreadable",
                        Location::entry(&path),
                        format!("@font-face {:?}: {path:?} is no OpenType, TrueType, WOFF or WOFF2 font (nor IDPF-obfuscated one)", f.family),
                    );
                    continue;
                }
            };
            if let Some(d) = &data
                && let Err(e) = ttf_parser::Face::parse(d, 0)
            {
                sink.report(
                    "epub.font.unreadable",
                    Location::entry(&path),
                    format!("@font-face {:?}: the font cannot be parsed ({e})", f.family),
                );
                continue;
            }
            faces.push(LoadedFace {
                family: f.family.clone(),
                weight: f.weight,
                path,
                data,
            });
        }
    }
    faces
}

type Specificity = (u32, u32, u32);

#[derive(Debug, Clone)]
struct Style {
    family: Vec<String>,
    weight: u16,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            family: Vec::new(),
            weight: 400,
        }
    }
}

fn key(e: &Element) -> ElementKey {
    ElementKey {
        tag: e.local.to_ascii_lowercase(),
        classes: e
            .attr("class")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        id: e.attr("id").map(str::to_string),
    }
}

/// The computed family and weight of `e` (the last of `path`).
fn style_for(sheets: &[&Stylesheet], path: &[ElementKey], e: &Element, parent: &Style) -> Style {
    let mut st = parent.clone();
    // User-agent defaults for bold elements.
    if matches!(
        e.local.as_str(),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "b" | "strong" | "th"
    ) {
        st.weight = 700;
    }
    let mut fam: Option<(Specificity, usize, &Vec<String>)> = None;
    let mut wt: Option<(Specificity, usize, u16)> = None;
    let mut order = 0usize;
    for s in sheets {
        for r in &s.rules {
            order += 1;
            let best = r
                .selectors
                .iter()
                .filter(|sel| css::matches(sel, path))
                .map(|sel| sel.specificity)
                .max();
            let Some(spec) = best else { continue };
            if let Some(f) = &r.family
                && fam
                    .as_ref()
                    .is_none_or(|(s0, o0, _)| (spec, order) >= (*s0, *o0))
            {
                fam = Some((spec, order, f));
            }
            if let Some(w) = r.weight
                && wt
                    .as_ref()
                    .is_none_or(|(s0, o0, _)| (spec, order) >= (*s0, *o0))
            {
                wt = Some((spec, order, w));
            }
        }
    }
    if let Some((_, _, f)) = fam {
        apply_family(&mut st, f);
    }
    if let Some((_, _, w)) = wt {
        st.weight = w;
    }
    if let Some(style) = e.attr("style") {
        let (f, w) = css::inline_style(style);
        if let Some(f) = f {
            apply_family(&mut st, &f);
        }
        if let Some(w) = w {
            st.weight = w;
        }
    }
    st
}

/// Sets a computed `font-family`, honouring the CSS-wide keywords
/// (`font-family` is inherited, so `unset` and `revert` inherit too).
fn apply_family(st: &mut Style, f: &[String]) {
    match f {
        [k] if matches!(k.as_str(), "inherit" | "unset" | "revert" | "revert-layer") => {}
        [k] if k == "initial" => st.family.clear(),
        _ => st.family = f.to_vec(),
    }
}

enum Coverage {
    Yes,
    NoEmbeddedFont,
    /// The fonts tried, and whether a family follows the last of them.
    Missing(Vec<String>, bool),
}

/// Whether characters are drawn, style by style: which faces a family
/// list reaches is worked out once per list and weight, and whether a
/// face has a character once per face and character (a book asks about
/// the same few thousand characters in the same few styles again and
/// again).
struct Judge<'f> {
    faces: &'f [LoadedFace],
    parsed: &'f [(usize, Option<ttf_parser::Face<'f>>)],
    allow_generic: bool,
    plans: HashMap<(Vec<String>, u16), std::rc::Rc<[Step]>>,
    /// Per entry of `parsed`: the characters asked about, and those it has
    /// (bit sets over all code points, made when first needed).
    known: Vec<Option<(CharBits, CharBits)>>,
}

/// One family of a list, as a reader tries it.
#[derive(Clone, Copy)]
enum Step {
    /// A generic family counted as covering everything.
    Any,
    /// The `parsed` entry the family's weight selects; the family is the
    /// `k`th of the list.
    Face { k: usize, entry: usize },
}

impl<'f> Judge<'f> {
    fn new(
        faces: &'f [LoadedFace],
        parsed: &'f [(usize, Option<ttf_parser::Face<'f>>)],
        allow_generic: bool,
    ) -> Self {
        Judge {
            faces,
            parsed,
            allow_generic,
            plans: HashMap::new(),
            known: parsed.iter().map(|_| None).collect(),
        }
    }

    /// The families of `st` a reader tries, in order.
    fn plan(&mut self, st: &Style) -> std::rc::Rc<[Step]> {
        let key = (st.family.clone(), st.weight);
        if let Some(p) = self.plans.get(&key) {
            return p.clone();
        }
        let mut steps = Vec::new();
        for (k, fam) in st.family.iter().enumerate() {
            if css::GENERIC.contains(&fam.as_str()) {
                if self.allow_generic {
                    steps.push(Step::Any);
                }
                continue;
            }
            // Faces of this family; the weight closest to the wanted one.
            let best = self
                .parsed
                .iter()
                .enumerate()
                .filter(|(_, (i, _))| self.faces[*i].family == *fam)
                .min_by_key(|(_, (i, _))| (self.faces[*i].weight as i32 - st.weight as i32).abs());
            if let Some((entry, _)) = best {
                steps.push(Step::Face { k, entry });
            }
        }
        let plan: std::rc::Rc<[Step]> = steps.into();
        self.plans.insert(key, plan.clone());
        plan
    }

    /// Whether the face of `parsed[entry]` has `ch`; a font that cannot
    /// be judged is taken to cover.
    fn has(&mut self, entry: usize, ch: char) -> bool {
        let Some(face) = &self.parsed[entry].1 else {
            return true;
        };
        let (known, has) = self.known[entry].get_or_insert_with(Default::default);
        if known.insert(ch) && face.glyph_index(ch).is_some() {
            has.insert(ch);
        }
        has.contains(ch)
    }

    /// Is `ch` drawn by some font in the family list of `st` (whose plan
    /// is `plan`), as a reader falls back family by family for each
    /// character?
    fn covered(&mut self, ch: char, plan: &[Step], st: &Style) -> Coverage {
        let mut last_tried = None;
        for step in plan {
            match *step {
                Step::Any => return Coverage::Yes,
                Step::Face { k, entry } => {
                    if self.has(entry, ch) {
                        return Coverage::Yes;
                    }
                    last_tried = Some(k);
                }
            }
        }
        let Some(last) = last_tried else {
            return Coverage::NoEmbeddedFont;
        };
        let tried = plan
            .iter()
            .filter_map(|s| match *s {
                Step::Face { k, entry } => Some(format!(
                    "{:?} ({})",
                    st.family[k], self.faces[self.parsed[entry].0].path
                )),
                Step::Any => None,
            })
            .collect();
        Coverage::Missing(tried, last + 1 < st.family.len())
    }
}
