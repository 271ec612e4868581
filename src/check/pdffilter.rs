//! Stream filters: Flate and LZW (with PNG and TIFF predictors),
//! ASCIIHex and ASCII85, each bounded in output size.

use std::io::Read;

use super::pdflex::{hex_val, is_white};
use super::pdfread::{Dict, Obj, PdfError};

pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut z = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    match z.read_to_end(&mut out) {
        Ok(_) => {}
        // Many files have a damaged end of stream; keep what decoded.
        Err(e) if !out.is_empty() => {
            let _ = e;
        }
        Err(e) => return Err(PdfError::Corrupt(format!("Flate data: {e}"))),
    }
    if out.len() > limit {
        return Err(PdfError::Limit(format!(
            "a stream decodes to more than {} MiB",
            limit >> 20
        )));
    }
    Ok(out)
}

pub(super) fn predictor(data: Vec<u8>, p: &Dict) -> Result<Vec<u8>, PdfError> {
    let pred = p.get("Predictor").and_then(Obj::as_i64).unwrap_or(1);
    if pred < 2 {
        return Ok(data);
    }
    let colors = p
        .get("Colors")
        .and_then(Obj::as_i64)
        .unwrap_or(1)
        .clamp(1, 32) as usize;
    let bpc = p
        .get("BitsPerComponent")
        .and_then(Obj::as_i64)
        .unwrap_or(8)
        .clamp(1, 16) as usize;
    let columns = p
        .get("Columns")
        .and_then(Obj::as_i64)
        .unwrap_or(1)
        .clamp(1, 1 << 20) as usize;
    let bpp = (colors * bpc).div_ceil(8).max(1);
    let row = (colors * bpc * columns).div_ceil(8);
    if pred == 2 {
        return Ok(tiff_predictor(data, row, bpp, bpc));
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        if chunk.len() < row + 1 {
            break;
        }
        let (kind, src) = (chunk[0], &chunk[1..]);
        let mut cur = vec![0u8; row];
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            let x = src[i];
            cur[i] = match kind {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((a as u16 + b as u16) / 2) as u8),
                4 => {
                    let pa = (b as i16 - c as i16).abs();
                    let pb = (a as i16 - c as i16).abs();
                    let pc = (a as i16 + b as i16 - 2 * c as i16).abs();
                    let pr = if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    };
                    x.wrapping_add(pr)
                }
                _ => return Err(PdfError::Corrupt(format!("PNG predictor type {kind}"))),
            };
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

/// TIFF predictor 2 (horizontal differencing), for 8-bit components;
/// other depths are passed through.
fn tiff_predictor(mut data: Vec<u8>, row: usize, bpp: usize, bpc: usize) -> Vec<u8> {
    if bpc != 8 {
        return data;
    }
    for line in data.chunks_mut(row) {
        for i in bpp..line.len() {
            line[i] = line[i].wrapping_add(line[i - bpp]);
        }
    }
    data
}

/// LZWDecode (`EarlyChange` 1 unless the parameters say 0), bounded.
pub fn lzw(data: &[u8], parms: Option<&Dict>, limit: usize) -> Result<Vec<u8>, PdfError> {
    let early = parms
        .and_then(|p| p.get("EarlyChange"))
        .and_then(Obj::as_i64)
        .unwrap_or(1);
    let mut dec = if early == 0 {
        weezl::decode::Decoder::new(weezl::BitOrder::Msb, 8)
    } else {
        weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
    };
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut input = data;
    loop {
        let r = dec.decode_bytes(input, &mut buf);
        out.extend_from_slice(&buf[..r.consumed_out]);
        input = &input[r.consumed_in..];
        if out.len() > limit {
            return Err(PdfError::Limit(format!(
                "a stream decodes to more than {} MiB",
                limit >> 20
            )));
        }
        match r.status {
            Ok(weezl::LzwStatus::Ok) if r.consumed_in > 0 || r.consumed_out > 0 => {}
            Ok(_) => break,
            // A damaged end of data: keep what decoded, as viewers do.
            Err(_) if !out.is_empty() => break,
            Err(e) => return Err(PdfError::Corrupt(format!("LZW data: {e}"))),
        }
    }
    Ok(out)
}

pub(super) fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut hi = None;
    for &b in data {
        if b == b'>' {
            break;
        }
        if let Some(v) = hex_val(b) {
            match hi.take() {
                Some(h) => out.push((h << 4) | v),
                None => hi = Some(v),
            }
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

pub(super) fn ascii85(data: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut group: Vec<u32> = Vec::with_capacity(5);
    for &b in data {
        match b {
            b'~' => break,
            b'z' if group.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group.push((b - b'!') as u32);
                if group.len() == 5 {
                    let v = group.iter().fold(0u64, |acc, d| acc * 85 + *d as u64);
                    if v > u32::MAX as u64 {
                        return Err(PdfError::Corrupt("ASCII85 group overflows".into()));
                    }
                    out.extend_from_slice(&(v as u32).to_be_bytes());
                    group.clear();
                }
            }
            b if is_white(b) => {}
            _ => return Err(PdfError::Corrupt("bad ASCII85 character".into())),
        }
    }
    if group.len() > 1 {
        let n = group.len();
        while group.len() < 5 {
            group.push(84);
        }
        let v = group.iter().fold(0u64, |acc, d| acc * 85 + *d as u64);
        out.extend_from_slice(&(v.min(u32::MAX as u64) as u32).to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_up_predictor() {
        let p = Dict(vec![
            (b"Predictor".to_vec(), Obj::Int(12)),
            (b"Columns".to_vec(), Obj::Int(2)),
        ]);
        let out = predictor(vec![2, 1, 2, 2, 1, 1], &p).unwrap();
        assert_eq!(out, vec![1, 2, 2, 3]);
    }

    #[test]
    fn lzw_of_the_pdf_reference_example() {
        // PDF 1.7 reference, 7.4.4.2: "-----A---B" encoded with EarlyChange 1.
        let enc = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(lzw(&enc, None, 1 << 20).unwrap(), b"-----A---B");
    }
}
