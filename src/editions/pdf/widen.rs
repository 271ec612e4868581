//! Gaps inside a line that text extractors would copy as spaces: the
//! quarter em between Han and Latin letters or digits, a punctuation mark
//! set wider than the font has it. krilla writes a glyph advance that
//! differs from the font's as a position offset, and poppler, mutool and
//! pdf.js read an offset over about a tenth of an em as a word break. So
//! the glyph before such a gap is drawn from a derived face whose advance
//! already holds the gap: the gap becomes part of the glyph's width (`/W`,
//! which extractors measure boxes with) and the page looks the same.
//!
//! A derived face is the original subset to the glyphs that precede gaps
//! of one size, with those advances widened in `hmtx`; gaps are rounded to
//! an eighth of an em, and the rest stays a position offset too small to
//! be read as a space.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use krilla::Data;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use read_fonts::{FontRef, TableProvider};
use rustybuzz::ttf_parser::{self, Face};
use subsetter::GlyphRemapper;
use write_fonts::FontBuilder;
use write_fonts::from_obj::ToOwnedTable;
use write_fonts::tables::hhea::Hhea;
use write_fonts::tables::hmtx::{Hmtx, LongMetric};
use write_fonts::types::Tag;

use super::write::{Picture, Pictures};
use crate::assets::cover::Mark;
use crate::fonts::FontSet;
use crate::layout::Document;

/// Gaps are rounded to this fraction of the em.
const STEP: f32 = 0.125;
/// The narrowest gap widened (in ems): below a tenth of an em, the
/// extractors' word-break threshold, an offset is never read as a space.
const LEAST: f32 = 0.09;
/// The widest: a larger gap is a layout space (a list label's indent)
/// and may well be copied as one.
const MOST: f32 = 1.0;

/// The derived faces of a document, made before its pages are drawn.
pub(super) struct Widened {
    /// By face and glyph id, the font's advance in ems (looked up for
    /// every glyph drawn, so read once).
    advances: Vec<Vec<f32>>,
    derived: Vec<Font>,
    /// By face, glyph and gap in steps: the derived face and glyph id.
    glyphs: HashMap<(usize, u16, u16), (usize, u16)>,
}

impl Widened {
    /// Finds the gaps in the document's runs and the cover's text and
    /// derives the faces for them: a glyph takes one gap size in a derived
    /// face, so a face needs as many derived faces as the most sizes one
    /// glyph is seen with (usually one).
    pub fn new(doc: &Document, pictures: &Pictures, fonts: &FontSet) -> Self {
        let faces: Vec<Option<Face>> = fonts
            .faces
            .iter()
            .map(|f| Face::parse(f.font.bytes(), f.font.index).ok())
            .collect();
        // Filled for the glyphs the document uses, as it is read.
        let mut advances: Vec<Vec<f32>> = faces
            .iter()
            .map(|f| vec![f32::NAN; f.as_ref().map_or(0, |f| f.number_of_glyphs() as usize)])
            .collect();
        // By face and glyph, the gap sizes seen after it.
        let mut wanted: BTreeMap<usize, BTreeMap<u16, BTreeSet<u16>>> = BTreeMap::new();
        let mut seen = Seen {
            faces: &faces,
            advances: &mut advances,
            wanted: &mut wanted,
        };
        for run in doc.pages.iter().flat_map(|p| &p.runs) {
            let size = run.size;
            seen.note(run.font.index(), &run.glyphs, |g| {
                (g.id, g.advance / size, g.dx / size)
            });
        }
        let art = match &pictures.cover {
            Some(Picture::Art(art)) => Some(&art.marks),
            _ => None,
        };
        for mark in art.into_iter().flatten() {
            if let Mark::Text(t) = mark {
                let size = t.size;
                seen.note(t.font.index(), &t.glyphs, |g| {
                    (g.id, g.advance / size, g.dx / size)
                });
            }
        }
        let mut w = Widened {
            advances,
            derived: Vec::new(),
            glyphs: HashMap::new(),
        };
        for (face, by_glyph) in wanted {
            let font = &fonts.faces[face].font;
            let layers = by_glyph.values().map(BTreeSet::len).max().unwrap_or(0);
            for layer in 0..layers {
                // Each glyph with its `layer`-th gap size, in font units.
                let extra: BTreeMap<u16, (u16, u16)> = by_glyph
                    .iter()
                    .filter_map(|(&id, ks)| {
                        let k = *ks.iter().nth(layer)?;
                        let units = (k as f32 * STEP * font.units_per_em as f32).round();
                        Some((id, (k, units as u16)))
                    })
                    .collect();
                let units = extra.iter().map(|(&id, &(_, u))| (id, u)).collect();
                // A face whose outlines cannot be rewritten keeps its gaps
                // as offsets: they still show, and copy as before.
                let Some((derived, map)) = derive(font.bytes(), font.index, &units) else {
                    continue;
                };
                for (id, (k, _)) in extra {
                    w.glyphs.insert((face, id, k), (w.derived.len(), map[&id]));
                }
                w.derived.push(derived);
            }
        }
        w
    }

    /// The gap after glyph `id` of `face` set with `advance` (in ems), in
    /// steps, when it is one to widen.
    fn steps(&self, face: usize, id: u16, advance: f32) -> Option<u16> {
        steps(*self.advances.get(face)?.get(id as usize)?, advance)
    }

    /// Splits a line of glyphs (advances in ems) set in `face` into
    /// pieces of one font each: the glyphs before a gap come from a
    /// derived face, with their id there.
    pub fn pieces(
        &self,
        face: usize,
        glyphs: Vec<KrillaGlyph>,
        original: &Font,
    ) -> Vec<(Font, Vec<KrillaGlyph>)> {
        let mut glyphs = glyphs;
        // The offset that moves a glyph right (a centred mark) is a gap
        // before it: it goes into the advance of the glyph before.
        for i in 1..glyphs.len() {
            let dx = glyphs[i].x_offset;
            if dx >= LEAST {
                glyphs[i - 1].x_advance += dx;
                glyphs[i].x_advance -= dx;
                glyphs[i].x_offset = 0.0;
            }
        }
        let derived = |g: &KrillaGlyph| {
            let id = g.glyph_id.to_u32() as u16;
            self.steps(face, id, g.x_advance)
                .and_then(|k| self.glyphs.get(&(face, id, k)))
        };
        if !glyphs.iter().any(|g| derived(g).is_some()) {
            return vec![(original.clone(), glyphs)];
        }
        let mut out: Vec<(Option<usize>, Vec<KrillaGlyph>)> = Vec::new();
        for mut g in glyphs {
            let key = derived(&g).map(|&(font, new)| {
                g.glyph_id = GlyphId::new(new as u32);
                font
            });
            match out.last_mut() {
                Some((k, piece)) if *k == key => piece.push(g),
                _ => out.push((key, vec![g])),
            }
        }
        out.into_iter()
            .map(|(key, piece)| {
                let font = key.map_or_else(|| original.clone(), |i| self.derived[i].clone());
                (font, piece)
            })
            .collect()
    }
}

/// The gap after a glyph whose own advance is `own` set with `advance`
/// (both in ems), in steps, when it is one to widen.
fn steps(own: f32, advance: f32) -> Option<u16> {
    let gap = advance - own;
    (LEAST..=MOST)
        .contains(&gap)
        .then(|| (gap / STEP).round() as u16)
}

/// What [`Widened::new`] gathers as it reads the glyphs drawn: the fonts'
/// advances (by face and glyph id, in ems, read when first needed) and
/// the gap sizes seen after each glyph.
struct Seen<'a, 'f> {
    faces: &'a [Option<Face<'f>>],
    advances: &'a mut [Vec<f32>],
    wanted: &'a mut BTreeMap<usize, BTreeMap<u16, BTreeSet<u16>>>,
}

impl Seen<'_, '_> {
    /// Notes the gaps after the `glyphs` of a run in `face`, `at` giving
    /// a glyph's id, advance and x offset in ems; an offset that moves a
    /// glyph right is carried into the advance before it, as
    /// [`Widened::pieces`] draws them.
    fn note<G>(&mut self, face: usize, glyphs: &[G], at: impl Fn(&G) -> (u16, f32, f32)) {
        let (Some(advances), Some(Some(f))) = (self.advances.get_mut(face), self.faces.get(face))
        else {
            return;
        };
        let mut shift = 0.0;
        for (i, g) in glyphs.iter().enumerate() {
            let (id, advance, _) = at(g);
            let next = match glyphs.get(i + 1).map(|g| at(g).2) {
                Some(dx) if dx >= LEAST => dx,
                _ => 0.0,
            };
            // In the order `pieces` applies them, for the same rounding.
            let advance = (advance - shift) + next;
            shift = next;
            let Some(slot) = advances.get_mut(id as usize) else {
                continue;
            };
            if slot.is_nan() {
                let a = f.glyph_hor_advance(ttf_parser::GlyphId(id));
                *slot = a.map_or(f32::INFINITY, |a| a as f32 / f.units_per_em() as f32);
            }
            if let Some(k) = steps(*slot, advance) {
                let by_glyph = self.wanted.entry(face).or_default();
                by_glyph.entry(id).or_default().insert(k);
            }
        }
    }
}

/// The face at `index` of `data` subset to the glyphs of `extra`, with
/// their advances widened by its font units; and the glyphs' new ids.
fn derive(
    data: &[u8],
    index: u32,
    extra: &BTreeMap<u16, u16>,
) -> Option<(Font, HashMap<u16, u16>)> {
    let (bytes, map) = derived_bytes(data, index, extra)?;
    Some((Font::new(Data::from(bytes), 0)?, map))
}

fn derived_bytes(
    data: &[u8],
    index: u32,
    extra: &BTreeMap<u16, u16>,
) -> Option<(Vec<u8>, HashMap<u16, u16>)> {
    let mut remapper = GlyphRemapper::new();
    let map: HashMap<u16, u16> = extra.keys().map(|&id| (id, remapper.remap(id))).collect();
    // By new id, the units to add.
    let widened: HashMap<u16, u16> = extra.iter().map(|(id, &u)| (map[id], u)).collect();
    let subset = subsetter::subset(data, index, &remapper).ok()?;
    let sub = FontRef::new(&subset).ok()?;
    let (hmtx, hhea) = (sub.hmtx().ok()?, sub.hhea().ok()?);
    let metrics: Vec<LongMetric> = (0..sub.maxp().ok()?.num_glyphs())
        .map(|g| {
            let gid = read_fonts::types::GlyphId::new(g as u32);
            let advance = hmtx.advance(gid).unwrap_or(0);
            let advance = advance.saturating_add(widened.get(&g).copied().unwrap_or(0));
            LongMetric::new(advance, hmtx.side_bearing(gid).unwrap_or(0))
        })
        .collect();
    let mut hhea: Hhea = hhea.to_owned_table();
    hhea.number_of_h_metrics = metrics.len() as u16;
    hhea.advance_width_max = metrics.iter().map(|m| m.advance).max().unwrap_or(0).into();
    let mut builder = FontBuilder::new();
    let cff = Tag::new(b"CFF ");
    if let Some(table) = sub.table_data(cff) {
        // CFF outlines carry their own widths, which must agree with
        // `hmtx` (and so with the PDF's `/W`): PDF/A and PDF/UA ask it.
        builder.add_raw(cff, cff_widened(table.as_bytes(), &widened)?);
    }
    builder.add_table(&Hmtx::new(metrics, Vec::new())).ok()?;
    builder.add_table(&hhea).ok()?;
    // The subset leaves OS/2 out; krilla reads the weight and cap height
    // for the font descriptor from it.
    let os2 = Tag::new(b"OS/2");
    if let Some(table) = FontRef::from_index(data, index)
        .ok()
        .and_then(|f| f.table_data(os2))
    {
        builder.add_raw(os2, table.as_bytes().to_vec());
    }
    builder.copy_missing_tables(sub);
    let bytes = builder.build();
    Some((bytes, map))
}

/// A CFF table with the charstring widths of the glyphs in
/// `extra` (by glyph id) widened by its units.
fn cff_widened(table: &[u8], extra: &HashMap<u16, u16>) -> Option<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::cff::{CFF, CFFVariant, Operator};

    let mut cff = ReadScope::new(table).read::<CFF<'_>>().ok()?;
    let font = cff.fonts.first_mut()?;
    let mut changed = Vec::new();
    for (&gid, &units) in extra {
        let private = match &font.data {
            CFFVariant::CID(cid) => {
                let fd = cid.fd_select.font_dict_index(gid)? as usize;
                cid.private_dicts.get(fd)?
            }
            CFFVariant::Type1(t1) => &t1.private_dict,
        };
        let get = |op| private.get_i32(op).and_then(Result::ok).unwrap_or(0);
        let (nominal, default) = (get(Operator::NominalWidthX), get(Operator::DefaultWidthX));
        let old = font.char_strings_index.read_object(gid as usize)?;
        let (width, rest) = match width_operand(old)? {
            Some((w, len)) => (nominal + w, &old[len..]),
            None => (default, old),
        };
        let mut new = encode_int(width + units as i32 - nominal)?;
        new.extend_from_slice(rest);
        changed.push((gid, new));
    }
    for (gid, new) in changed {
        font.char_strings_index.replace(gid as usize, new);
    }
    // allsorts leaves out the Top DICT's FontMatrix when it is the default;
    // krilla's subsetter then reads the Font DICTs' matrices as complete
    // and scales them by 1000. Without a matrix in either (when theirs is
    // the identity, as in Noto CJK) both read the default.
    let CFFVariant::CID(cid) = &mut font.data else {
        return write(&cff);
    };
    let dicts: Vec<Vec<u8>> = cid
        .font_dict_index
        .iter()
        .map(without_identity_matrix)
        .collect::<Option<_>>()?;
    for (i, dict) in dicts.into_iter().enumerate() {
        cid.font_dict_index.replace(i, dict);
    }
    write(&cff)
}

fn write(cff: &allsorts::cff::CFF<'_>) -> Option<Vec<u8>> {
    use allsorts::binary::write::{WriteBinary, WriteBuffer};
    let mut out = WriteBuffer::new();
    allsorts::cff::CFF::write(&mut out, cff).ok()?;
    Some(out.into_inner())
}

/// A CFF Font DICT without its FontMatrix, which must be the identity
/// written as integers (`None` otherwise).
fn without_identity_matrix(dict: &[u8]) -> Option<Vec<u8>> {
    const IDENTITY: [u8; 6] = [140, 139, 139, 140, 139, 139];
    let mut out = Vec::with_capacity(dict.len());
    let (mut i, mut start) = (0, 0);
    while let Some(&b) = dict.get(i) {
        let len = match b {
            28 => 3,
            29 => 5,
            30 => {
                // A real: nibbles up to the end nibble 0xf.
                let end = dict[i + 1..]
                    .iter()
                    .position(|n| n >> 4 == 0xf || n & 0xf == 0xf)?;
                end + 2
            }
            32..=246 => 1,
            247..=254 => 2,
            12 => {
                let op = *dict.get(i + 1)?;
                if op == 7 {
                    if dict.get(start..i)? != IDENTITY {
                        return None;
                    }
                } else {
                    out.extend_from_slice(dict.get(start..i + 2)?);
                }
                i += 2;
                start = i;
                continue;
            }
            _ => {
                out.extend_from_slice(dict.get(start..=i)?);
                i += 1;
                start = i;
                continue;
            }
        };
        i += len;
    }
    Some(out)
}

/// The width operand at the start of a Type 2 charstring and its length in
/// bytes (`Some(None)` when the glyph has the default width); `None` when
/// the first stack-clearing operator is not reached without subroutines.
fn width_operand(cs: &[u8]) -> Option<Option<(i32, usize)>> {
    let mut operands: Vec<(i32, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = cs.get(i) {
        let (value, len) = match b {
            28 => (
                i16::from_be_bytes([*cs.get(i + 1)?, *cs.get(i + 2)?]) as i32,
                3,
            ),
            32..=246 => (b as i32 - 139, 1),
            247..=250 => ((b as i32 - 247) * 256 + *cs.get(i + 1)? as i32 + 108, 2),
            251..=254 => (-(b as i32 - 251) * 256 - *cs.get(i + 1)? as i32 - 108, 2),
            255 => {
                let b: [u8; 4] = cs.get(i + 1..i + 5)?.try_into().ok()?;
                (i32::from_be_bytes(b) >> 16, 5)
            }
            _ => {
                let n = operands.len();
                // The stack-clearing operators and the operand count each
                // takes without a width.
                let odd_width = match b {
                    1 | 3 | 18 | 23 | 19 | 20 | 21 | 14 => n % 2 == 1,
                    4 | 22 => n.is_multiple_of(2),
                    _ => return None,
                };
                return Some(odd_width.then(|| operands[0]).filter(|_| n > 0));
            }
        };
        operands.push((value, if operands.is_empty() { i + len } else { 0 }));
        i += len;
    }
    None
}

/// A Type 2 charstring integer operand.
fn encode_int(v: i32) -> Option<Vec<u8>> {
    Some(match v {
        -107..=107 => vec![(v + 139) as u8],
        108..=1131 => vec![((v - 108) / 256 + 247) as u8, ((v - 108) % 256) as u8],
        -1131..=-108 => vec![((-v - 108) / 256 + 251) as u8, ((-v - 108) % 256) as u8],
        _ => {
            let v = i16::try_from(v).ok()?;
            let [hi, lo] = v.to_be_bytes();
            vec![28, hi, lo]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;

    #[test]
    fn width_operands_are_found_and_written() {
        for w in [-1500, -1131, -108, -107, 0, 107, 108, 555, 1131, 1132, 2000] {
            let mut cs = encode_int(w).unwrap();
            let len = cs.len();
            cs.extend(encode_int(10).unwrap());
            cs.extend(encode_int(-20).unwrap());
            cs.push(21); // rmoveto
            assert_eq!(width_operand(&cs), Some(Some((w, len))), "{w}");
        }
        // rmoveto with its two operands only: the default width.
        assert_eq!(width_operand(&[149, 119, 21]), Some(None));
        // hmoveto takes one operand; two mean a width.
        assert_eq!(width_operand(&[149, 22]), Some(None));
        assert_eq!(width_operand(&[140, 149, 22]), Some(Some((1, 1))));
        // A subroutine before the first stack-clearing operator: unknown.
        assert_eq!(width_operand(&[139, 10]), None);
    }

    #[test]
    fn a_font_dict_loses_only_an_identity_matrix() {
        // FontName (SID 391) and an identity FontMatrix (12 7).
        let dict = [28, 1, 135, 12, 38, 140, 139, 139, 140, 139, 139, 12, 7];
        assert_eq!(
            without_identity_matrix(&dict).unwrap(),
            [28, 1, 135, 12, 38]
        );
        // A matrix that scales is kept out of reach: no derived face.
        let scaled = [140, 139, 139, 141, 139, 139, 12, 7];
        assert_eq!(without_identity_matrix(&scaled), None);
    }

    /// Each widened glyph of a derived face is wider by the gap in `hmtx`
    /// and in its CFF charstring, and draws the same outline; the other
    /// glyphs keep their metrics.
    #[test]
    fn derived_glyphs_are_wider_in_hmtx_and_cff_and_look_the_same() {
        let fonts = FontSet::bundled();
        let font = &fonts.faces[0].font;
        let original = font.face();
        let ids = ['4', '年', '·'].map(|c| original.glyph_index(c).unwrap().0);
        let extra: BTreeMap<u16, u16> = ids
            .iter()
            .zip([250, 125, 375])
            .map(|(&i, u)| (i, u))
            .collect();
        let (bytes, map) = derived_bytes(font.bytes(), font.index, &extra).unwrap();
        let derived = Face::parse(&bytes, 0).unwrap();
        let cff = allsorts::binary::read::ReadScope::new(
            derived
                .raw_face()
                .table(ttf_parser::Tag::from_bytes(b"CFF "))
                .unwrap(),
        )
        .read::<allsorts::cff::CFF<'_>>()
        .unwrap();
        let cff_font = &cff.fonts[0];
        let allsorts::cff::CFFVariant::CID(cid) = &cff_font.data else {
            panic!("the bundled face is CID-keyed");
        };
        for (&old, &units) in &extra {
            let new = map[&old];
            let (o, n) = (ttf_parser::GlyphId(old), ttf_parser::GlyphId(new));
            let want = original.glyph_hor_advance(o).unwrap() + units;
            assert_eq!(derived.glyph_hor_advance(n), Some(want));
            let private = &cid.private_dicts[cid.fd_select.font_dict_index(new).unwrap() as usize];
            let nominal = private
                .get_i32(allsorts::cff::Operator::NominalWidthX)
                .unwrap()
                .unwrap();
            let cs = cff_font
                .char_strings_index
                .read_object(new as usize)
                .unwrap();
            let (w, _) = width_operand(cs).unwrap().expect("a width operand");
            assert_eq!(nominal + w, want as i32, "CFF width of glyph {old}");
            assert_eq!(
                derived.glyph_bounding_box(n),
                original.glyph_bounding_box(o)
            );
        }
        // .notdef is not widened.
        assert_eq!(
            derived.glyph_hor_advance(ttf_parser::GlyphId(0)),
            original.glyph_hor_advance(ttf_parser::GlyphId(0))
        );
        // krilla subsets the face again: its Font DICTs must keep the
        // identity matrix (a matrix scaled by 1000 drew glyphs as blots).
        let again =
            subsetter::subset(&bytes, 0, &GlyphRemapper::new_from_glyphs(&[1, 2, 3])).unwrap();
        let again = Face::parse(&again, 0).unwrap();
        let table = again
            .raw_face()
            .table(ttf_parser::Tag::from_bytes(b"CFF "))
            .unwrap();
        let cff = allsorts::binary::read::ReadScope::new(table)
            .read::<allsorts::cff::CFF<'_>>()
            .unwrap();
        let allsorts::cff::CFFVariant::CID(cid) = &cff.fonts[0].data else {
            panic!("still CID-keyed");
        };
        for dict in cid.font_dict_index.iter() {
            assert!(without_identity_matrix(dict).is_some(), "{dict:?}");
        }
    }
}
