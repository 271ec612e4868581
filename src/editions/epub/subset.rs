//! Font subsets for the EPUB: each face keeps exactly the glyphs of the
//! characters set in it, with a Unicode `cmap` and `OS/2` so that reading
//! systems (which map characters through the cmap) can use it.

use std::borrow::Cow;
use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::error::ParseError;
use allsorts::font::{Encoding, read_cmap_subtable};
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tables::FontTableProvider;
use allsorts::tables::cmap::Cmap;
use allsorts::tag;

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
    let profile = &SubsetProfile::Minimal;
    let bytes = match kept_cmap(&provider, &glyphs) {
        Some(cmap) => subset(
            &WithCmap {
                inner: &provider,
                cmap,
            },
            &glyphs,
            profile,
            CmapTarget::Unicode,
        ),
        None => subset(&provider, &glyphs, profile, CmapTarget::Unicode),
    }
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

/// A `cmap` with only the mappings of the character map `allsorts` reads
/// (the same subtable, in the same order) that lead to one of `glyphs`;
/// None when that map is not a Unicode one or cannot be read (`allsorts`
/// then reads the font's own). `allsorts` keeps exactly these mappings,
/// but finds them by looking each of the font's tens of thousands of
/// mappings up in the glyph list: with this table it looks up a few
/// hundred, and the subset is the same.
fn kept_cmap(provider: &impl FontTableProvider, glyphs: &[u16]) -> Option<Vec<u8>> {
    let data = provider.read_table_data(tag::CMAP).ok()?;
    let cmap = ReadScope::new(&data).read::<Cmap<'_>>().ok()?;
    let (encoding, table) = read_cmap_subtable(&cmap).ok()??;
    if encoding != Encoding::Unicode {
        return None;
    }
    let mut wanted = vec![false; 1 << 16];
    for &g in glyphs {
        wanted[g as usize] = true;
    }
    let mut kept: Vec<(u32, u16)> = Vec::new();
    table
        .mappings_fn(|c, g| {
            if g != 0 && wanted[g as usize] {
                kept.push((c, g));
            }
        })
        .ok()?;
    Some(format12(&kept))
}

/// A `cmap` table with one Windows Unicode (3, 10) subtable of format 12:
/// one group per mapping, in the order given.
fn format12(mappings: &[(u32, u16)]) -> Vec<u8> {
    let groups = mappings.len() as u32;
    let length = 16 + 12 * groups;
    let mut out = Vec::with_capacity(12 + length as usize);
    out.extend(0u16.to_be_bytes()); // version
    out.extend(1u16.to_be_bytes()); // one encoding record
    out.extend(3u16.to_be_bytes());
    out.extend(10u16.to_be_bytes());
    out.extend(12u32.to_be_bytes()); // its offset
    out.extend(12u16.to_be_bytes()); // format
    out.extend(0u16.to_be_bytes());
    out.extend(length.to_be_bytes());
    out.extend(0u32.to_be_bytes()); // language
    out.extend(groups.to_be_bytes());
    for &(c, g) in mappings {
        out.extend(c.to_be_bytes());
        out.extend(c.to_be_bytes());
        out.extend(u32::from(g).to_be_bytes());
    }
    out
}

/// A font whose `cmap` is replaced.
struct WithCmap<'a, P> {
    inner: &'a P,
    cmap: Vec<u8>,
}

impl<P: FontTableProvider> FontTableProvider for WithCmap<'_, P> {
    fn table_data(&self, tag: u32) -> Result<Option<Cow<'_, [u8]>>, ParseError> {
        if tag == tag::CMAP {
            return Ok(Some(Cow::Borrowed(&self.cmap)));
        }
        self.inner.table_data(tag)
    }

    fn has_table(&self, tag: u32) -> bool {
        tag == tag::CMAP || self.inner.has_table(tag)
    }

    fn table_tags(&self) -> Option<Vec<u32>> {
        self.inner.table_tags()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;

    /// Subsets made through the reduced `cmap` are those `allsorts`
    /// makes from the whole font.
    #[test]
    fn a_reduced_cmap_gives_the_same_subset() {
        let fonts = FontSet::bundled();
        let text = "以实干实绩实效在加快建设全面深化改革先行区中展现奉节新作为，“引号”（括号）ABC abc 123 ⼀⺠丽麗";
        for id in fonts.ids() {
            let font = fonts.face(id);
            let face = font.face();
            let mut glyphs: Vec<u16> = text
                .chars()
                .filter_map(|c| face.glyph_index(c))
                .map(|g| g.0)
                .collect();
            glyphs.sort_unstable();
            glyphs.dedup();
            glyphs.insert(0, 0);
            let data = ReadScope::new(font.bytes()).read::<FontData<'_>>().unwrap();
            let provider = data.table_provider(font.index as usize).unwrap();
            let cmap = kept_cmap(&provider, &glyphs).expect("a Unicode cmap");
            let profile = &SubsetProfile::Minimal;
            let whole = subset(&provider, &glyphs, profile, CmapTarget::Unicode).unwrap();
            let reduced = WithCmap {
                inner: &provider,
                cmap,
            };
            let fast = subset(&reduced, &glyphs, profile, CmapTarget::Unicode).unwrap();
            assert!(whole == fast, "{}: the subsets differ", font.origin);
        }
    }
}
