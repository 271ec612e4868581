//! Font loading: TTF, OTF (CFF) and TTC collections, a face chosen by index
//! or PostScript name. Each font file is read and parsed once per build; the
//! bytes are shared (`Arc`) with the EPUB subsetter and the PDF writer.

pub mod coverage;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustybuzz::ttf_parser::{self, Face, name_id};

use crate::diag::{Diagnostic, Failure};
use crate::source::config::{FaceSelector, FontConfig, FontSource};

static BUNDLED_REGULAR: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Regular.otf");
static BUNDLED_BOLD: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Bold.otf");

/// Shared, immutable font file bytes.
pub type FontBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// One loaded face.
#[derive(Clone)]
pub struct LoadedFont {
    /// The whole file (for a TTC, the whole collection).
    pub data: FontBytes,
    /// Face index inside the file.
    pub index: u32,
    pub postscript_name: String,
    pub family: String,
    /// Where it came from, for messages: a path, or `bundled:<name>`.
    pub origin: String,
    pub units_per_em: u16,
    /// True for CFF outlines (OTF), false for TrueType `glyf` outlines.
    pub is_cff: bool,
}

impl std::fmt::Debug for LoadedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedFont")
            .field("postscript_name", &self.postscript_name)
            .field("index", &self.index)
            .field("origin", &self.origin)
            .finish()
    }
}

impl LoadedFont {
    pub fn bytes(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    /// Parses the face (cheap: ttf-parser reads tables lazily).
    pub fn face(&self) -> Face<'_> {
        Face::parse(self.bytes(), self.index).expect("face was validated when loaded")
    }

    pub fn covers(&self, c: char) -> bool {
        self.face().glyph_index(c).is_some()
    }
}

/// The faces a book is set in.
#[derive(Debug, Clone)]
pub struct FontSet {
    pub regular: LoadedFont,
    pub bold: LoadedFont,
}

impl FontSet {
    /// Loads the configured faces; paths are relative to `book_root`.
    /// `config_file` is named in errors (the `book.toml` that chose the font).
    pub fn load(
        config: &FontConfig,
        book_root: &Path,
        config_file: &Path,
    ) -> Result<Self, Failure> {
        let regular = load_source(&config.regular, Bundled::Regular, book_root, config_file);
        let bold = load_source(&config.bold, Bundled::Bold, book_root, config_file);
        match (regular, bold) {
            (Ok(regular), Ok(bold)) => Ok(FontSet { regular, bold }),
            (r, b) => Err(Failure([r.err(), b.err()].into_iter().flatten().collect())),
        }
    }

    /// The bundled Noto Serif CJK SC faces.
    pub fn bundled() -> Self {
        FontSet {
            regular: bundled(Bundled::Regular),
            bold: bundled(Bundled::Bold),
        }
    }
}

#[derive(Clone, Copy)]
enum Bundled {
    Regular,
    Bold,
}

fn bundled(which: Bundled) -> LoadedFont {
    let (bytes, name) = match which {
        Bundled::Regular => (BUNDLED_REGULAR, "NotoSerifCJKsc-Regular"),
        Bundled::Bold => (BUNDLED_BOLD, "NotoSerifCJKsc-Bold"),
    };
    let data: FontBytes = Arc::new(bytes);
    describe(data, 0, format!("bundled:{name}")).expect("bundled font is valid")
}

fn load_source(
    source: &FontSource,
    fallback: Bundled,
    book_root: &Path,
    config_file: &Path,
) -> Result<LoadedFont, Diagnostic> {
    let Some(path) = &source.path else {
        return Ok(bundled(fallback));
    };
    let full: PathBuf = book_root.join(path);
    let bytes = std::fs::read(&full).map_err(|e| {
        Diagnostic::error_file(config_file, format!("font file {}: {e}", full.display()))
    })?;
    load_bytes(
        Arc::new(bytes),
        source.face.as_ref(),
        &full.display().to_string(),
    )
    .map_err(|msg| Diagnostic::error_file(config_file, msg))
}

/// Loads a face from font file bytes. Errors are messages naming `origin`.
pub fn load_bytes(
    data: FontBytes,
    face: Option<&FaceSelector>,
    origin: &str,
) -> Result<LoadedFont, String> {
    let bytes = (*data).as_ref();
    let count = ttf_parser::fonts_in_collection(bytes).unwrap_or(1);
    let index = match face {
        None => 0,
        Some(FaceSelector::Index(i)) => {
            if *i >= count {
                return Err(format!(
                    "font {origin} has {count} face(s); face index {i} does not exist"
                ));
            }
            *i
        }
        Some(FaceSelector::Name(name)) => {
            let mut found = None;
            let mut names = Vec::new();
            for i in 0..count {
                if let Ok(f) = Face::parse(bytes, i) {
                    let ps = postscript_name(&f);
                    if ps == *name {
                        found = Some(i);
                        break;
                    }
                    names.push(ps);
                }
            }
            found.ok_or_else(|| {
                format!(
                    "font {origin} has no face named {name} (it has: {})",
                    names.join(", ")
                )
            })?
        }
    };
    describe(data, index, origin.to_string())
}

fn describe(data: FontBytes, index: u32, origin: String) -> Result<LoadedFont, String> {
    let face = Face::parse((*data).as_ref(), index).map_err(|e| {
        format!("{origin} is not a usable TrueType/OpenType font (face {index}): {e}")
    })?;
    if face.tables().cmap.is_none() {
        return Err(format!("font {origin} has no character map (cmap)"));
    }
    let postscript_name = postscript_name(&face);
    let family = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == name_id::TYPOGRAPHIC_FAMILY || n.name_id == name_id::FAMILY)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| postscript_name.clone());
    let units_per_em = face.units_per_em();
    let is_cff = face.tables().cff.is_some();
    Ok(LoadedFont {
        data,
        index,
        postscript_name,
        family,
        origin,
        units_per_em,
        is_cff,
    })
}

fn postscript_name(face: &Face<'_>) -> String {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_default()
}
