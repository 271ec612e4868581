//! Font loading: TTF, OTF (CFF) and TTC collections, a face chosen by index
//! or PostScript name. Each font file is read and parsed once per build; the
//! bytes are shared (`Arc`) with the EPUB subsetter and the PDF writer.

pub mod coverage;
pub mod fallback;
pub mod variants;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustybuzz::ttf_parser::{self, Face, name_id};

use crate::diag::{Diagnostic, Failure};
use crate::source::config::{FaceSelector, FontConfig, FontSource};
use crate::source::files::{self, Confine};
use crate::style::{FontRole, RoleFaces};

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

/// Index of a face in a [`FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub u8);

impl FaceId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The faces a book is set in, each under its name in `[fonts]`, and which
/// face sets each [`FontRole`].
#[derive(Debug, Clone)]
pub struct FontSet {
    pub faces: Vec<NamedFace>,
    roles: [FaceId; 7],
    /// Faces from this index on are fallbacks: they set only characters
    /// the faces before them lack.
    fallback_start: usize,
}

#[derive(Debug, Clone)]
pub struct NamedFace {
    /// The key in `[fonts]` (`regular`, `bold`, or any name).
    pub name: String,
    pub font: LoadedFont,
}

impl FontSet {
    /// Loads the faces the roles use: each role's face name comes from
    /// `[fonts.roles]`, else from the document class; a face named
    /// `regular` or `bold` without a path is the bundled Noto Serif CJK SC
    /// face of that weight. Faces are numbered in order of first use by
    /// the roles, body first.
    pub fn load(
        config: &FontConfig,
        class_faces: &RoleFaces,
        book_root: &Path,
        config_file: &Path,
    ) -> Result<Self, Failure> {
        let mut names: Vec<String> = Vec::new();
        let mut roles = [FaceId(0); 7];
        let mut problems = Vec::new();
        for role in FontRole::ALL {
            let name = match config.roles.get(role.key()) {
                Some(n) => n.clone(),
                None => class_faces.get(role).to_string(),
            };
            let id = match names.iter().position(|n| *n == name) {
                Some(i) => i,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            };
            roles[role as usize] = FaceId(id as u8);
        }
        let mut faces = Vec::new();
        for name in names {
            let source = config.faces.get(&name);
            let position = config.positions.get(&name).copied();
            match load_face(&name, source, book_root, config_file, position) {
                Ok(font) => faces.push(NamedFace { name, font }),
                Err(d) => problems.push(d),
            }
        }
        if !problems.is_empty() {
            return Err(Failure(problems));
        }
        Ok(FontSet {
            fallback_start: faces.len(),
            faces,
            roles,
        })
    }

    /// The bundled Noto Serif CJK SC faces in the `book` preset's roles.
    pub fn bundled() -> Self {
        let class = crate::style::default_class();
        FontSet::load(
            &FontConfig::default(),
            &class.faces,
            Path::new("."),
            Path::new("."),
        )
        .expect("bundled fonts load")
    }

    /// The face that sets `role`.
    pub fn role(&self, role: FontRole) -> FaceId {
        self.roles[role as usize]
    }

    pub fn face(&self, id: FaceId) -> &LoadedFont {
        &self.faces[id.index()].font
    }

    pub fn name(&self, id: FaceId) -> &str {
        &self.faces[id.index()].name
    }

    /// The face of text in `role` inside text set in `current`: a role set
    /// in the body's face keeps the surrounding face (emphasis inside a
    /// title stays bold), any other role brings its own face. The EPUB's
    /// style sheet follows the same rule through CSS inheritance.
    pub fn within(&self, role: FontRole, current: FaceId) -> FaceId {
        let own = self.role(role);
        if own == self.role(FontRole::Body) {
            current
        } else {
            own
        }
    }

    pub fn ids(&self) -> impl Iterator<Item = FaceId> + '_ {
        (0..self.faces.len()).map(|i| FaceId(i as u8))
    }

    /// Adds a fallback face under `name`.
    pub fn add_fallback(&mut self, name: String, font: LoadedFont) -> FaceId {
        self.faces.push(NamedFace { name, font });
        FaceId((self.faces.len() - 1) as u8)
    }

    /// The fallback faces, in the order they are tried.
    pub fn fallbacks(&self) -> impl Iterator<Item = FaceId> + '_ {
        (self.fallback_start..self.faces.len()).map(|i| FaceId(i as u8))
    }

    pub fn is_fallback(&self, id: FaceId) -> bool {
        id.index() >= self.fallback_start
    }

    /// The face that draws `c` in text set in `face`: `face` itself, or
    /// the first fallback that has the character when `face` lacks it.
    /// Characters drawn with no glyph stay in `face`.
    pub fn face_for(&self, face: FaceId, c: char) -> FaceId {
        if self.fallback_start == self.faces.len() || !crate::script::needs_glyph(c) {
            return face;
        }
        if self.face(face).covers(c) {
            return face;
        }
        self.fallbacks()
            .find(|&f| self.face(f).covers(c))
            .unwrap_or(face)
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

fn load_face(
    name: &str,
    source: Option<&FontSource>,
    book_root: &Path,
    config_file: &Path,
    position: Option<(u32, u32)>,
) -> Result<LoadedFont, Diagnostic> {
    let path = source.and_then(|s| s.path.as_ref());
    let Some(path) = path else {
        return match name {
            "regular" => Ok(bundled(Bundled::Regular)),
            "bold" => Ok(bundled(Bundled::Bold)),
            _ => Err(Diagnostic::error_file(
                config_file,
                format!(
                    "font face {name} is used by a role but [fonts] gives it no path; \
                     only `regular` and `bold` have bundled faces"
                ),
            )
            .rule("fonts.load")),
        };
    };
    // A font named by an absolute path is a system font, read where it
    // is; a relative path is held to the book folder like every file the
    // book names.
    let confine = if Path::new(path).is_absolute() {
        Confine::Anywhere
    } else {
        Confine::Book
    };
    let full: PathBuf = book_root.join(path);
    let at = |msg: String| {
        match position {
            Some((line, column)) => Diagnostic::error_at(config_file, line, column, msg),
            None => Diagnostic::error_file(config_file, msg),
        }
        .rule("fonts.load")
    };
    let shown = crate::diag::escape_controls(path);
    let bytes = files::read(&full, book_root, confine, files::MAX_FONT_BYTES)
        .map_err(|r| at(r.message("font file", &shown)))?;
    load_bytes(
        Arc::new(bytes),
        source.and_then(|s| s.face.as_ref()),
        &full.display().to_string(),
    )
    .map_err(at)
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
