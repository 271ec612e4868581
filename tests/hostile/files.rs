//! Bytes the hostile cases plant: small valid images carrying the secret
//! marker (so a leak of the file into an edition can be seen), and images
//! whose headers lie about their size.

use std::io::Cursor;

/// Found in every secret file planted beside the book; must appear in no
/// output and no message.
pub const MARK: &str = "HOSTILE-SECRET-5b1e0c97";

/// A valid 4×4 PNG with the marker in a text chunk.
pub fn secret_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 4, 4);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_text_chunk("Comment".into(), MARK.into()).unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0x80; 48]).unwrap();
    }
    out
}

/// A small valid PNG of `w`×`h` pixels without any marker.
pub fn plain_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&vec![0x40; (w * h * 3) as usize])
            .unwrap();
    }
    out
}

/// A valid 8×8 JPEG with the marker in a comment segment.
pub fn secret_jpeg() -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new(&mut buf)
        .encode(&[0x90; 8 * 8 * 3], 8, 8, image::ExtendedColorType::Rgb8)
        .unwrap();
    let jpeg = buf.into_inner();
    let mut out = jpeg[..2].to_vec();
    let len = (MARK.len() + 2) as u16;
    out.extend([0xFF, 0xFE]);
    out.extend(len.to_be_bytes());
    out.extend(MARK.as_bytes());
    out.extend(&jpeg[2..]);
    out
}

pub fn secret_svg() -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><desc>{MARK}</desc>\
         <rect width=\"40\" height=\"20\" fill=\"#a00\"/></svg>"
    )
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    out.extend(crc.sum().to_be_bytes());
    out
}

/// A PNG whose header claims `w`×`h` pixels, with a few bytes of data
/// (`idat`: that many zero bytes compressed, a small decompression bomb).
pub fn lying_png(w: u32, h: u32, idat: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    out.extend(png_chunk(b"IHDR", &ihdr));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![0u8; idat]).unwrap();
    out.extend(png_chunk(b"IDAT", &z.finish().unwrap()));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A JPEG whose frame header claims `w`×`h` pixels.
pub fn lying_jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    // SOF0: length 11, precision 8, height, width, one component.
    out.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    out.extend(h.to_be_bytes());
    out.extend(w.to_be_bytes());
    out.extend([0x01, 0x01, 0x11, 0x00]);
    out.extend([0xFF, 0xD9]);
    out
}

/// A GIF whose screen and image claim `w`×`h` pixels.
pub fn lying_gif(w: u16, h: u16) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.extend([0x00, 0x00, 0x00]);
    out.push(0x2C);
    out.extend([0, 0, 0, 0]);
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.push(0x00);
    out.extend([0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
    out
}

/// A WebP (VP8X) whose canvas claims `w`×`h` pixels.
pub fn lying_webp(w: u32, h: u32) -> Vec<u8> {
    let mut chunk = b"VP8X".to_vec();
    chunk.extend(10u32.to_le_bytes());
    chunk.extend([0, 0, 0, 0]);
    chunk.extend(&(w - 1).to_le_bytes()[..3]);
    chunk.extend(&(h - 1).to_le_bytes()[..3]);
    let mut out = b"RIFF".to_vec();
    out.extend(((chunk.len() + 4) as u32).to_le_bytes());
    out.extend(b"WEBP");
    out.extend(chunk);
    out
}
