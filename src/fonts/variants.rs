//! Unicode variation sequences (a base character followed by a variation
//! selector, U+FE00–FE0F or U+E0100–E01EF): which glyph a face's `cmap`
//! format 14 subtable selects for them, and a format 14 subtable for a
//! subset font, which the subsetter does not keep, so that reading systems
//! show the same variant glyph the print edition sets.

use std::collections::{BTreeMap, BTreeSet};

use rustybuzz::ttf_parser::{Face, GlyphId, cmap};

/// Whether `c` is a variation selector.
pub fn is_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// One variation sequence a face maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sequence {
    pub selector: char,
    pub base: char,
    /// The variant glyph, or `None` when the sequence shows the base
    /// character's own glyph (a "default" sequence).
    pub glyph: Option<GlyphId>,
}

/// The variation sequences of `face` made of characters in `chars` (the
/// characters a subset keeps): every base in `chars` with every selector in
/// `chars` that the face maps.
pub fn sequences(face: &Face<'_>, chars: &BTreeSet<char>) -> Vec<Sequence> {
    let selectors: Vec<char> = chars.iter().copied().filter(|&c| is_selector(c)).collect();
    if selectors.is_empty() {
        return Vec::new();
    }
    let Some(table) = face.tables().cmap.and_then(|c| {
        c.subtables.into_iter().find_map(|s| match s.format {
            cmap::Format::UnicodeVariationSequences(t) => Some(t),
            _ => None,
        })
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &selector in &selectors {
        for &base in chars.iter().filter(|&&c| !is_selector(c)) {
            let glyph = match table.glyph_index(base as u32, selector as u32) {
                Some(cmap::GlyphVariationResult::Found(g)) => Some(g),
                Some(cmap::GlyphVariationResult::UseDefault) => None,
                None => continue,
            };
            out.push(Sequence {
                selector,
                base,
                glyph,
            });
        }
    }
    out
}

fn u24(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes()[1..]);
}

/// Default sequences and (base, glyph) sequences of one selector.
type Lists = (Vec<u32>, Vec<(u32, u16)>);

/// A `cmap` format 14 subtable for `seqs`, whose glyphs are already the
/// subset's glyph ids.
fn format14(seqs: &[Sequence]) -> Vec<u8> {
    let mut by_selector: BTreeMap<char, Lists> = BTreeMap::new();
    for s in seqs {
        let e = by_selector.entry(s.selector).or_default();
        match s.glyph {
            None => e.0.push(s.base as u32),
            Some(g) => e.1.push((s.base as u32, g.0)),
        }
    }
    let header = 10 + 11 * by_selector.len();
    let mut records = Vec::new();
    let mut body = Vec::new();
    for (selector, (mut defaults, mut mapped)) in by_selector {
        defaults.sort_unstable();
        mapped.sort_unstable();
        let offset = |body: &Vec<u8>, empty: bool| {
            if empty {
                0
            } else {
                (header + body.len()) as u32
            }
        };
        let default_at = offset(&body, defaults.is_empty());
        if !defaults.is_empty() {
            // One range per code point: additionalCount 0.
            body.extend_from_slice(&(defaults.len() as u32).to_be_bytes());
            for d in defaults {
                u24(&mut body, d);
                body.push(0);
            }
        }
        let mapped_at = offset(&body, mapped.is_empty());
        if !mapped.is_empty() {
            body.extend_from_slice(&(mapped.len() as u32).to_be_bytes());
            for (base, g) in mapped {
                u24(&mut body, base);
                body.extend_from_slice(&g.to_be_bytes());
            }
        }
        u24(&mut records, selector as u32);
        records.extend_from_slice(&default_at.to_be_bytes());
        records.extend_from_slice(&mapped_at.to_be_bytes());
    }
    let n = records.len() / 11;
    let mut out = Vec::with_capacity(header + body.len());
    out.extend_from_slice(&14u16.to_be_bytes());
    out.extend_from_slice(&((header + body.len()) as u32).to_be_bytes());
    out.extend_from_slice(&(n as u32).to_be_bytes());
    out.extend_from_slice(&records);
    out.extend_from_slice(&body);
    out
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// `cmap` with a format 14 subtable (platform 0, encoding 5) added to the
/// subtables of `cmap`.
fn cmap_with(cmap: &[u8], f14: &[u8]) -> Option<Vec<u8>> {
    let count = be16(cmap, 2)? as usize;
    let mut records: Vec<(u16, u16, Vec<u8>)> = Vec::new();
    for i in 0..count {
        let r = 4 + 8 * i;
        let (platform, encoding) = (be16(cmap, r)?, be16(cmap, r + 2)?);
        let at = be32(cmap, r + 4)? as usize;
        // Every subtable format the subsetter writes has its length in the
        // 32-bit field after a 16-bit format (12) or in the 16-bit field
        // after it (0, 4, 6).
        let format = be16(cmap, at)?;
        let len = match format {
            8 | 10 | 12 | 13 | 14 => be32(cmap, at + 4)? as usize,
            _ => be16(cmap, at + 2)? as usize,
        };
        records.push((platform, encoding, cmap.get(at..at + len)?.to_vec()));
    }
    records.retain(|r| (r.0, r.1) != (0, 5));
    records.push((0, 5, f14.to_vec()));
    records.sort_by_key(|r| (r.0, r.1));
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(records.len() as u16).to_be_bytes());
    let mut at = 4 + 8 * records.len();
    for (p, e, data) in &records {
        out.extend_from_slice(&p.to_be_bytes());
        out.extend_from_slice(&e.to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        at += data.len();
    }
    for (_, _, data) in records {
        out.extend_from_slice(&data);
    }
    Some(out)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// The font file `font` (one face, as the subsetter writes it) with `seqs`
/// in its `cmap`; `None` when the file is not a font the function can read.
pub fn add_sequences(font: &[u8], seqs: &[Sequence]) -> Option<Vec<u8>> {
    if seqs.is_empty() {
        return Some(font.to_vec());
    }
    let version = be32(font, 0)?;
    let count = be16(font, 4)? as usize;
    let mut tables: Vec<([u8; 4], Vec<u8>)> = Vec::with_capacity(count);
    for i in 0..count {
        let r = 12 + 16 * i;
        let tag: [u8; 4] = font.get(r..r + 4)?.try_into().ok()?;
        let (at, len) = (be32(font, r + 8)? as usize, be32(font, r + 12)? as usize);
        let mut data = font.get(at..at + len)?.to_vec();
        if &tag == b"cmap" {
            data = cmap_with(&data, &format14(seqs))?;
        }
        if &tag == b"head" {
            data.get_mut(8..12)?.copy_from_slice(&[0; 4]);
        }
        tables.push((tag, data));
    }
    tables.sort_by_key(|t| t.0);
    let entry_selector = (usize::BITS - 1 - count.leading_zeros()) as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(count as u16).to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&entry_selector.to_be_bytes());
    out.extend_from_slice(&((count as u16) * 16 - search_range).to_be_bytes());
    let mut at = 12 + 16 * count;
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(at);
        }
        at += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(h) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out.get_mut(h + 8..h + 12)?
            .copy_from_slice(&adjust.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format14_lists_default_and_mapped_sequences() {
        let seqs = [
            Sequence {
                selector: '\u{FE00}',
                base: '礼',
                glyph: Some(GlyphId(7)),
            },
            Sequence {
                selector: '\u{FE00}',
                base: '、',
                glyph: None,
            },
        ];
        let t = format14(&seqs);
        let st = cmap::Subtable14::parse(&t).expect("parses");
        assert!(matches!(
            st.glyph_index('礼' as u32, 0xFE00),
            Some(cmap::GlyphVariationResult::Found(GlyphId(7)))
        ));
        assert!(matches!(
            st.glyph_index('、' as u32, 0xFE00),
            Some(cmap::GlyphVariationResult::UseDefault)
        ));
        assert!(st.glyph_index('礼' as u32, 0xFE01).is_none());
    }
}
