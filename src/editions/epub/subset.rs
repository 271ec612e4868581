//! Font subsets for the EPUB: each face keeps exactly the glyphs of the
//! characters set in it, with a Unicode `cmap` and `OS/2` so that reading
//! systems (which map characters through the cmap) can use it.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};

use crate::diag::{Diagnostic, Failure};
use crate::fonts::{LoadedFont, variants};
use rustybuzz::ttf_parser::GlyphId;

/// A subset font file ready to embed.
pub struct Subset {
    pub bytes: Vec<u8>,
    /// `font/otf` for CFF outlines, `font/ttf` for TrueType outlines.
    pub media_type: &'static str,
    pub extension: &'static str,
}

/// Subsets `font` to the glyphs of `chars`. Characters the face does not
/// have are left out (the coverage check reports them before a build).
pub fn subset_font(font: &LoadedFont, chars: &BTreeSet<char>) -> Result<Subset, Failure> {
    let face = font.face();
    let sequences = variants::sequences(&face, chars);
    let mut glyphs: Vec<u16> = chars
        .iter()
        .filter_map(|&c| face.glyph_index(c))
        .chain(sequences.iter().filter_map(|s| s.glyph))
        .map(|g| g.0)
        .filter(|&g| g != 0)
        .collect();
    glyphs.sort_unstable();
    glyphs.dedup();
    // Glyph 0 (.notdef) must come first.
    glyphs.insert(0, 0);

    let fail = |what: String| {
        Failure::from(
            Diagnostic::error(format!(
                "font {}: subsetting for the EPUB failed: {what}",
                font.origin
            ))
            .rule("epub.write"),
        )
    };
    let data = ReadScope::new(font.bytes())
        .read::<FontData<'_>>()
        .map_err(|e| fail(format!("{e:?}")))?;
    let provider = data
        .table_provider(font.index as usize)
        .map_err(|e| fail(format!("{e:?}")))?;
    let bytes = subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| fail(format!("{e:?}")))?;
    // The subset numbers the glyphs in the order given.
    let renumbered: Vec<variants::Sequence> = sequences
        .into_iter()
        .map(|s| variants::Sequence {
            glyph: s
                .glyph
                .map(|g| GlyphId(glyphs.binary_search(&g.0).map_or(0, |i| i as u16))),
            ..s
        })
        .collect();
    let bytes = variants::add_sequences(&bytes, &renumbered)
        .ok_or_else(|| fail("the subset's table directory cannot be read".into()))?;
    let (media_type, extension) = if font.is_cff {
        ("font/otf", "otf")
    } else {
        ("font/ttf", "ttf")
    };
    Ok(Subset {
        bytes,
        media_type,
        extension,
    })
}
