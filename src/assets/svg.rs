//! SVG images: checked to be self-contained (no scripts, no foreign
//! objects, no reference to any file or address: only `#fragments` and
//! `data:` images), then parsed once with usvg — text set in the book's own
//! faces — for the PDF, which draws them as vectors.

use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};

use crate::fonts::FontSet;
use crate::style::FontRole;

/// A parsed SVG image.
#[derive(Clone)]
pub struct SvgImage {
    pub tree: Arc<usvg::Tree>,
    /// Size in CSS pixels.
    pub width: f32,
    pub height: f32,
}

impl std::fmt::Debug for SvgImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SvgImage({}×{})", self.width, self.height)
    }
}

/// Whether `bytes` start like an SVG document (after a BOM, white space,
/// an XML declaration, comments or a doctype).
pub fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Ok(text) =
        std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]))
    else {
        return false;
    };
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') && t.contains("<svg")
}

/// Elements an image may not contain: they run code or pull in other
/// documents, which EPUB images may not do and the PDF cannot show.
const REFUSED: &[&str] = &[
    "script",
    "foreignObject",
    "iframe",
    "object",
    "embed",
    "audio",
    "video",
];

impl SvgImage {
    pub fn parse(bytes: &[u8], fonts: &FontSet) -> Result<SvgImage, String> {
        self_contained(bytes)?;
        let mut opt = usvg::Options {
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                // Files and addresses were refused above; never load one.
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        if memchr_text(bytes) {
            let mut db = usvg::fontdb::Database::new();
            for f in &fonts.faces {
                db.load_font_source(usvg::fontdb::Source::Binary(f.font.data.clone()));
            }
            let body = fonts.face(fonts.role(FontRole::Body));
            opt.font_family = body.family.clone();
            opt.fontdb = Arc::new(db);
        }
        let tree = usvg::Tree::from_data(bytes, &opt)
            .map_err(|e| format!("not a usable SVG image: {e}"))?;
        let size = tree.size();
        Ok(SvgImage {
            width: size.width(),
            height: size.height(),
            tree: Arc::new(tree),
        })
    }
}

fn memchr_text(bytes: &[u8]) -> bool {
    bytes.windows(5).any(|w| w == b"<text")
}

/// Refuses scripts, foreign content, internal DTD subsets and references
/// to anything outside the image.
fn self_contained(bytes: &[u8]) -> Result<(), String> {
    let mut r = quick_xml::Reader::from_reader(bytes);
    r.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => element(&e)?,
            Ok(Event::DocType(d)) if d.contains('[') => {
                return Err("declares entities in a DOCTYPE, which images may not".into());
            }
            Ok(Event::Text(t)) if refers_outside(&t) => {
                return Err("a style sheet in it refers to another file or address".into());
            }
            Ok(Event::PI(_)) => {}
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(format!("not well-formed XML: {e}")),
        }
    }
}

fn element(e: &BytesStart) -> Result<(), String> {
    let name = e.local_name().as_ref().to_string();
    if REFUSED.contains(&name.as_str()) {
        return Err(format!("contains a <{name}> element, which images may not"));
    }
    for a in e.attributes().flatten() {
        let key = a.key.local_name().as_ref().to_string();
        let value = a.value.to_string();
        if key.starts_with("on") {
            return Err(format!(
                "has an event handler ({key}), which images may not"
            ));
        }
        let external = (key == "href" && !value.starts_with('#') && !value.starts_with("data:"))
            || refers_outside(&value);
        if external {
            return Err(format!(
                "refers to another file or address ({key}=\"{}\"); images must be self-contained",
                value.chars().take(60).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// A CSS `url(…)` or `@import` that leaves the document.
fn refers_outside(css: &str) -> bool {
    if css.contains("@import") {
        return true;
    }
    css.match_indices("url(").any(|(i, _)| {
        let rest = css[i + 4..].trim_start().trim_start_matches(['"', '\'']);
        !(rest.starts_with('#') || rest.starts_with("data:"))
    })
}
