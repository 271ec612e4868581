//! Fallback faces for characters the book's faces lack: the font files and
//! installed families `[fonts] fallback` lists, and with `"system"` (the
//! default) any installed face, found with `fontdb`. Installed faces are
//! tried regular upright ones first, each group in order of file path and
//! face index, so a build on one machine always picks the same face.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustybuzz::ttf_parser::Face;

use super::{LoadedFont, load_bytes};
use crate::diag::Diagnostic;
use crate::source::config::{FaceSelector, Fallback, FontConfig};

/// At most this many fallback faces (face ids are small numbers); the
/// characters left are missing.
const MAX_FALLBACKS: usize = 64;

/// A fallback face and the characters it sets.
pub struct Found {
    pub font: LoadedFont,
    pub chars: BTreeSet<char>,
}

/// An installed face: file and index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Installed {
    path: PathBuf,
    index: u32,
    id: fontdb::ID,
}

/// Installed faces as (file, index and id; family names; regular upright).
type Listing = Vec<(Installed, Vec<String>, bool)>;

/// The installed faces, listed once when first needed (never for a book
/// its own faces cover).
struct System {
    db: fontdb::Database,
    faces: Option<Listing>,
}

impl System {
    /// Every installed face, regular upright ones first, then by file and
    /// index.
    fn faces(&mut self) -> &Listing {
        let db = &mut self.db;
        self.faces.get_or_insert_with(|| {
            db.load_system_fonts();
            let mut out: Vec<_> = db
                .faces()
                .filter_map(|f| {
                    let path = match &f.source {
                        fontdb::Source::File(p) => p.clone(),
                        fontdb::Source::SharedFile(p, _) => p.clone(),
                        fontdb::Source::Binary(_) => return None,
                    };
                    let families = f.families.iter().map(|(n, _)| n.clone()).collect();
                    let regular =
                        f.style == fontdb::Style::Normal && f.weight == fontdb::Weight::NORMAL;
                    Some((
                        Installed {
                            path,
                            index: f.index,
                            id: f.id,
                        },
                        families,
                        regular,
                    ))
                })
                .collect();
            // Regular upright faces first (a fallback sets text of any
            // weight), each group by file and index.
            out.sort_by(|a, b| (!a.2, &a.0).cmp(&(!b.2, &b.0)));
            out
        })
    }
}

/// Characters of `wanted` that the face in `bytes` has.
fn covered(bytes: &[u8], index: u32, wanted: &BTreeSet<char>) -> BTreeSet<char> {
    let Ok(face) = Face::parse(bytes, index) else {
        return BTreeSet::new();
    };
    wanted
        .iter()
        .copied()
        .filter(|&c| face.glyph_index(c).is_some_and(|g| g.0 != 0))
        .collect()
}

fn load(path: &Path, index: u32) -> Result<LoadedFont, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("font file {}: {e}", path.display()))?;
    load_bytes(
        Arc::new(bytes),
        Some(&FaceSelector::Index(index)),
        &path.display().to_string(),
    )
}

/// Finds fallback faces for `wanted`: each character goes to the first
/// entry of `config.fallback` that has it. Errors (a listed file that cannot
/// be read, a family that is not installed) name book.toml.
pub fn find(
    config: &FontConfig,
    wanted: &BTreeSet<char>,
    book_root: &Path,
    toml: &Path,
) -> Result<Vec<Found>, Vec<Diagnostic>> {
    let mut left = wanted.clone();
    let mut found: Vec<Found> = Vec::new();
    let mut problems = Vec::new();
    let mut system = System {
        db: fontdb::Database::new(),
        faces: None,
    };
    let err = |msg: String| Diagnostic::error_file(toml, msg).rule("fonts.load");
    let take = |font: LoadedFont, left: &mut BTreeSet<char>, found: &mut Vec<Found>| {
        let chars = covered(font.bytes(), font.index, left);
        let known = found
            .iter()
            .any(|f| f.font.origin == font.origin && f.font.index == font.index);
        if chars.is_empty() || (!known && found.len() >= MAX_FALLBACKS) {
            return;
        }
        left.retain(|c| !chars.contains(c));
        match found
            .iter_mut()
            .find(|f| f.font.origin == font.origin && f.font.index == font.index)
        {
            Some(f) => f.chars.extend(chars),
            None => found.push(Found { font, chars }),
        }
    };
    for entry in &config.fallback {
        if left.is_empty() {
            break;
        }
        match entry {
            Fallback::Path(p) => match load(&book_root.join(p), 0) {
                Ok(font) => take(font, &mut left, &mut found),
                Err(e) => problems.push(err(format!("[fonts] fallback: {e}"))),
            },
            Fallback::Family(name) => {
                let want = name.to_lowercase();
                let mut matches: Vec<&(Installed, Vec<String>, bool)> = system
                    .faces()
                    .iter()
                    .filter(|(_, fams, _)| fams.iter().any(|f| f.to_lowercase() == want))
                    .collect();
                // The regular upright face first, then by file.
                matches.sort_by_key(|(i, _, regular)| (!*regular, i.clone()));
                let Some((at, _, _)) = matches.first() else {
                    problems.push(err(format!(
                        "[fonts] fallback: no installed font family is called {name:?}"
                    )));
                    continue;
                };
                match load(&at.path, at.index) {
                    Ok(font) => take(font, &mut left, &mut found),
                    Err(e) => problems.push(err(format!("[fonts] fallback: {e}"))),
                }
            }
            Fallback::System => {
                let faces: Vec<Installed> =
                    system.faces().iter().map(|(i, _, _)| i.clone()).collect();
                for at in faces {
                    if left.is_empty() {
                        break;
                    }
                    // fontdb maps the file to look; it is read whole only
                    // when the face is taken.
                    let has = system.db.with_face_data(at.id, |data, index| {
                        !covered(data, index, &left).is_empty()
                    });
                    if has != Some(true) {
                        continue;
                    }
                    if let Ok(font) = load(&at.path, at.index) {
                        take(font, &mut left, &mut found);
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}
