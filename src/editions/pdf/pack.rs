//! The finished PDF's small objects packed into compressed object streams
//! (PDF 1.5), with a cross-reference stream in place of the table. krilla
//! writes every dictionary uncompressed: pages, structure elements,
//! outline entries, annotations and font dictionaries are about a tenth of
//! a book's PDF and deflate to a fifth of their size. Streams (page
//! contents, fonts, images, the XMP metadata) are kept byte for byte, and
//! every object keeps its number, so only the file's packing changes.
//! PDF/A-2 and PDF/UA-1 allow object streams. One key is dropped on the
//! way: krilla writes `/Suspects false` into the catalog's `/MarkInfo`,
//! which poppler reports as a syntax error in every file; false is the
//! default.

use std::io::Write;
use std::ops::Range;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// Objects per object stream: a reader inflates a whole stream to reach
/// one of its objects, so streams stay small (about 25 KB of text).
const PER_STREAM: usize = 200;

/// One object of the file as krilla wrote it: `id 0 obj` … `endobj`.
struct Object {
    id: u32,
    /// The whole object, header to `endobj`, with the line after it.
    span: Range<usize>,
    /// What lies between the header line and `endobj`.
    body: Range<usize>,
    stream: bool,
}

/// The key dropped from the catalog.
const SUSPECTS: &[u8] = b"/Suspects false";

/// What [`read`] finds: the objects in file order, the trailer's entries
/// other than `/Size`, and the catalog's object number.
struct Layout {
    objects: Vec<Object>,
    trailer: Vec<u8>,
    root: Option<u32>,
}

/// The packed file, or the file as it was when it is not laid out the way
/// krilla writes it (one xref table, generation 0, objects in sequence).
pub(super) fn pack(pdf: Vec<u8>) -> Vec<u8> {
    match read(&pdf) {
        Some(layout) => write(pdf, &layout),
        None => pdf,
    }
}

fn read(pdf: &[u8]) -> Option<Layout> {
    let at = rfind(pdf, b"startxref")?;
    let xref: usize = number(pdf.get(at + 9..)?)?;
    let table = pdf.get(xref..)?.strip_prefix(b"xref\n0 ")?;
    let count: usize = number(table)?;
    let rows_at = xref + 7 + table.iter().position(|&b| b == b'\n')? + 1;
    let rows = pdf.get(rows_at..rows_at.checked_add(count.checked_mul(20)?)?)?;
    let mut starts = Vec::with_capacity(count);
    for (id, row) in rows.chunks_exact(20).enumerate() {
        match (&row[11..17], row[17]) {
            (_, b'f') => {}
            (b"00000 ", b'n') => starts.push((number::<usize>(row)?, u32::try_from(id).ok()?)),
            _ => return None,
        }
    }
    starts.sort_unstable();
    let mut objects = Vec::with_capacity(starts.len());
    for (k, &(start, id)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(xref, |s| s.0);
        objects.push(object(pdf, id, start..end)?);
    }
    let trailer = pdf
        .get(rows_at + rows.len()..at)?
        .strip_prefix(b"trailer\n<<")?;
    let trailer = trailer.trim_ascii_end().strip_suffix(b">>")?;
    let root = find(trailer, b"/Root ").and_then(|at| number(&trailer[at + 6..]));
    Some(Layout {
        objects,
        trailer: without_size(trailer)?,
        root,
    })
}

/// One object's parts, checked against the way krilla writes it.
fn object(pdf: &[u8], id: u32, span: Range<usize>) -> Option<Object> {
    let text = pdf.get(span.clone())?;
    let header = format!("{id} 0 obj\n");
    text.strip_prefix(header.as_bytes())?;
    let body = text
        .trim_ascii_end()
        .strip_suffix(b"endobj")?
        .trim_ascii_end();
    let stream = body.ends_with(b"endstream");
    let body = span.start + header.len()..span.start + body.len();
    (body.start <= body.end).then_some(Object {
        id,
        span,
        body,
        stream,
    })
}

/// The trailer's entries without `/Size n`, which the xref stream states
/// anew (it counts the object streams and itself).
fn without_size(trailer: &[u8]) -> Option<Vec<u8>> {
    let at = find(trailer, b"/Size ")?;
    let digits = trailer[at + 6..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let mut out = trailer[..at].to_vec();
    out.extend_from_slice(&trailer[at + 6 + digits..]);
    Some(out)
}

/// Writes the packed file over the old one's bytes: streams move towards
/// the start, the object streams and the xref stream follow them.
fn write(mut pdf: Vec<u8>, layout: &Layout) -> Vec<u8> {
    let (objects, trailer) = (&layout.objects, &layout.trailer[..]);
    let small: Vec<&Object> = objects.iter().filter(|o| !o.stream).collect();
    let groups: Vec<&[&Object]> = small.chunks(PER_STREAM).collect();
    let packed = crate::par::map_in_order(
        groups.len(),
        2,
        || (),
        |(), g| object_stream(&pdf, groups[g], layout.root),
    );
    let first_id = objects.iter().map(|o| o.id).max().unwrap_or(0) + 1;
    let size = first_id as usize + groups.len() + 1;
    // By object number: 1 = at an offset, 2 = in an object stream.
    let mut rows = vec![(0u8, 0usize, 0u16); size];
    rows[0] = (0, 0, 0xffff);
    let mut cursor = objects.first().map_or(pdf.len(), |o| o.span.start);
    for o in objects.iter().filter(|o| o.stream) {
        pdf.copy_within(o.span.clone(), cursor);
        rows[o.id as usize] = (1, cursor, 0);
        cursor += o.span.len();
    }
    pdf.truncate(cursor);
    for (g, (group, data)) in groups.iter().zip(&packed).enumerate() {
        let id = first_id as usize + g;
        rows[id] = (1, pdf.len(), 0);
        for (k, o) in group.iter().enumerate() {
            rows[o.id as usize] = (2, id, k as u16);
        }
        let _ = write!(
            pdf,
            "{id} 0 obj\n<</Type/ObjStm/N {}/First {}/Filter/FlateDecode/Length {}>>\nstream\n",
            group.len(),
            data.0,
            data.1.len()
        );
        pdf.extend_from_slice(&data.1);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
    }
    let xref_at = pdf.len();
    rows[size - 1] = (1, xref_at, 0);
    xref_stream(&mut pdf, &rows, trailer);
    let _ = write!(pdf, "startxref\n{xref_at}\n%%EOF");
    pdf
}

/// An object stream's `/First` and its deflated text: the numbers and
/// offsets, then the objects one per line (the catalog, `root`, without
/// [`SUSPECTS`]).
fn object_stream(pdf: &[u8], group: &[&Object], root: Option<u32>) -> (usize, Vec<u8>) {
    let bodies: Vec<std::borrow::Cow<[u8]>> = group
        .iter()
        .map(|o| match &pdf[o.body.clone()] {
            body if Some(o.id) == root => without_suspects(body),
            body => body.into(),
        })
        .collect();
    let mut index = Vec::new();
    let mut offset = 0;
    for (o, body) in group.iter().zip(&bodies) {
        let _ = write!(index, "{} {offset} ", o.id);
        offset += body.len() + 1;
    }
    let first = index.len();
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    let _ = z.write_all(&index);
    for body in &bodies {
        let _ = z.write_all(body);
        let _ = z.write_all(b"\n");
    }
    (first, z.finish().unwrap_or_default())
}

/// The catalog's text without [`SUSPECTS`] (in an object stream no
/// offset depends on its length).
fn without_suspects(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match find(body, SUSPECTS) {
        Some(at) => [&body[..at], &body[at + SUSPECTS.len()..]].concat().into(),
        None => body.into(),
    }
}

/// The cross-reference stream: a type byte, an offset (or the object
/// stream's number) in as few bytes as the file needs, and a 2-byte index.
fn xref_stream(pdf: &mut Vec<u8>, rows: &[(u8, usize, u16)], trailer: &[u8]) {
    let width = (usize::BITS - pdf.len().leading_zeros()).div_ceil(8) as usize;
    let mut table = Vec::with_capacity(rows.len() * (width + 3));
    for &(kind, at, index) in rows {
        table.push(kind);
        table.extend_from_slice(&at.to_be_bytes()[8 - width..]);
        table.extend_from_slice(&index.to_be_bytes());
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    let _ = z.write_all(&table);
    let data = z.finish().unwrap_or_default();
    let id = rows.len() - 1;
    let _ = write!(
        pdf,
        "{id} 0 obj\n<</Type/XRef/Size {}/W[1 {width} 2]/Filter/FlateDecode/Length {}",
        rows.len(),
        data.len()
    );
    pdf.extend_from_slice(trailer);
    pdf.extend_from_slice(b">>\nstream\n");
    pdf.extend_from_slice(&data);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
}

fn number<T: std::str::FromStr>(text: &[u8]) -> Option<T> {
    let text = text.trim_ascii_start();
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&text[..digits]).ok()?.parse().ok()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::pack;
    use crate::check::pdfread::Document;

    /// A file laid out as krilla writes it: three dictionaries and a stream.
    fn plain() -> Vec<u8> {
        let objects = [
            "<</Type/Catalog/Pages 2 0 R/MarkInfo<</Marked true/Suspects false>>>>",
            "<</Type/Pages/Count 0/Kids[]>>",
            "<</Length 3>>\nstream\nabc\nendstream",
            // A title may hold the key too: only the catalog loses it.
            "<</Title(/Suspects false)>>",
        ];
        let mut pdf = b"%PDF-1.7\n%\x80\x80\x80\x80\n\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = pdf.len();
        pdf.extend(b"xref\n0 5\n0000000000 65535 f\r\n");
        for o in offsets {
            pdf.extend(format!("{o:010} 00000 n\r\n").bytes());
        }
        pdf.extend(b"trailer\n<</Size 5/Root 1 0 R/Info 4 0 R>>\n");
        pdf.extend(format!("startxref\n{xref}\n%%EOF").bytes());
        pdf
    }

    #[test]
    fn packed_objects_read_back_the_same() {
        let before = plain();
        let after = pack(before.clone());
        assert!(after.len() != before.len());
        let (a, b) = (
            Document::parse(&before).unwrap(),
            Document::parse(&after).unwrap(),
        );
        for id in 2..=4 {
            assert_eq!(
                format!("{:?}", a.get(id)),
                format!("{:?}", b.get(id)),
                "object {id}"
            );
        }
        // The catalog keeps everything but the default `/Suspects false`.
        let catalog = b.catalog().unwrap();
        let catalog = catalog.as_dict().unwrap();
        assert!(catalog.get("Type").unwrap().is_name("Catalog"));
        let mark = catalog.get("MarkInfo").and_then(|m| m.as_dict()).unwrap();
        assert!(mark.contains("Marked") && !mark.contains("Suspects"));
        let before = a.catalog().unwrap();
        let before = before.as_dict().unwrap().get("MarkInfo").unwrap();
        assert!(before.as_dict().unwrap().contains("Suspects"));
        // The stream stays byte for byte; the dictionaries do not show.
        let text = String::from_utf8_lossy(&after);
        assert!(text.contains("stream\nabc\nendstream") && !text.contains("/Title("));
        assert!(text.contains("/Root 1 0 R/Info 4 0 R") && text.contains("/Type/XRef/Size 7"));
    }

    #[test]
    fn a_file_laid_out_otherwise_is_kept_as_it_is() {
        for odd in [b"not a pdf".to_vec(), plain()[..60].to_vec()] {
            assert_eq!(pack(odd.clone()), odd);
        }
        let mut generation = plain();
        let row = generation
            .windows(9)
            .rposition(|w| w == b"00000 n\r\n")
            .unwrap();
        generation[row + 4] = b'1';
        assert_eq!(pack(generation.clone()), generation);
    }
}
