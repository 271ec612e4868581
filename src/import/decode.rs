//! Turning the bytes of a page into text: UTF-8 (with or without BOM) or
//! GB18030/GBK, detected; CRLF and CR line ends become LF.

use encoding_rs::GB18030;

/// The encoding a page was read in, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Gb18030 => "GB18030/GBK",
        }
    }
}

/// Why bytes could not be read as a page. The message is for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    let at_start = |message: String| DecodeError {
        line: 1,
        column: 1,
        message,
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(at_start(
            "the file is empty: there is no text to import".into(),
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(at_start(
            "the file is UTF-16; save it as UTF-8 or GB18030 and import again".into(),
        ));
    }
    if let Some(pos) = bytes.iter().position(|&b| is_binary_byte(b)) {
        let (line, column) = byte_line_col(bytes, pos);
        return Err(DecodeError {
            line,
            column,
            message: format!(
                "the file is binary, not text (control byte 0x{:02X} at byte {pos})",
                bytes[pos]
            ),
        });
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), Encoding::Utf8Bom),
            Err(e) => return Err(invalid(bytes, 3 + e.valid_up_to(), "UTF-8 (it has a BOM)")),
        }
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_string(), Encoding::Utf8)
    } else {
        match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(s) => (s.into_owned(), Encoding::Gb18030),
            None => {
                let utf8_err = std::str::from_utf8(bytes).unwrap_err();
                return Err(invalid(
                    bytes,
                    first_gb18030_error(bytes).unwrap_or(utf8_err.valid_up_to()),
                    "UTF-8 or GB18030/GBK",
                ));
            }
        }
    };
    Ok((normalize_newlines(&text), encoding))
}

fn invalid(bytes: &[u8], pos: usize, what: &str) -> DecodeError {
    let (line, column) = byte_line_col(bytes, pos);
    DecodeError {
        line,
        column,
        message: format!(
            "unknown encoding: byte 0x{:02X} at byte {pos} is not valid {what}; \
             save the file as UTF-8 or GB18030",
            bytes.get(pos).copied().unwrap_or(0)
        ),
    }
}

/// NUL and other C0 controls (besides tab, LF, VT, FF, CR, and ESC-free text)
/// do not occur in a text page.
fn is_binary_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Offset of the first byte sequence GB18030 cannot decode.
fn first_gb18030_error(bytes: &[u8]) -> Option<usize> {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => Some(read.saturating_sub(bad as usize)),
        _ => None,
    }
}

/// Line and column (in bytes, 1-based) of a byte offset, for binary files
/// whose characters are unknown.
fn byte_line_col(bytes: &[u8], pos: usize) -> (u32, u32) {
    let before = &bytes[..pos.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, (pos - start) as u32 + 1)
}

fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utf8_bom_and_crlf() {
        let (t, e) = decode("\u{feff}甲\r\n乙\r丙".as_bytes()).unwrap();
        assert_eq!(t, "甲\n乙\n丙");
        assert_eq!(e, Encoding::Utf8Bom);
    }

    #[test]
    fn reads_gbk() {
        let (bytes, _, _) = GB18030.encode("奉节县（重庆）\r\n");
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(t, "奉节县（重庆）\n");
        assert_eq!(e, Encoding::Gb18030);
    }

    #[test]
    fn rejects_binary_empty_and_unknown() {
        assert!(decode(b"").unwrap_err().message.contains("empty"));
        assert!(
            decode(b"PK\x03\x04\x00")
                .unwrap_err()
                .message
                .contains("binary")
        );
        let err = decode(b"caf\xe9 au lait\n\xff\xff").unwrap_err();
        assert!(err.message.contains("unknown encoding"), "{}", err.message);
        assert_eq!(err.line, 1);
    }
}
