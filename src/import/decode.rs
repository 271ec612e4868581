//! Turning the bytes of a page into text: UTF-8 (with or without BOM),
//! GB18030/GBK or Big5, detected; CRLF and CR line ends become LF. Pages in
//! other legacy encodings (Shift_JIS, EUC-JP, EUC-KR…) are refused by name.

use encoding_rs::{BIG5, Encoding as Codec, GB18030, GBK};

/// The encoding a page was read in, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
    Big5,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Gb18030 => "GB18030/GBK",
            Encoding::Big5 => "Big5",
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

const SAVE_AS: &str = "save the page as UTF-8 and import again";

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
        return Err(at_start(format!("the file is UTF-16; {SAVE_AS}")));
    }
    // C0 controls are never part of a multi-byte character in UTF-8,
    // GB18030 or Big5, so a raw byte test is exact.
    if let Some(pos) = bytes.iter().position(|&b| is_binary_byte(b)) {
        let (line, column) = position(bytes, pos, None);
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
            Err(e) => return Err(invalid_utf8(bytes, 3 + e.valid_up_to(), true)),
        }
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_string(), Encoding::Utf8)
    } else if mostly_utf8(bytes) {
        let at = std::str::from_utf8(bytes).unwrap_err().valid_up_to();
        return Err(invalid_utf8(bytes, at, false));
    } else {
        decode_legacy(bytes)?
    };
    let text = normalize_newlines(&text);
    check_controls(&text)?;
    Ok((text, encoding))
}

/// A page in a legacy double-byte encoding: GB18030/GBK or Big5, told apart
/// by `chardetng` (the detector Firefox uses) when both decode.
fn decode_legacy(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, false);
    let strict = |codec: &'static Codec| {
        codec
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| s.into_owned())
    };
    let gb = strict(GB18030);
    let big5 = strict(BIG5);
    let prefer_big5 = guess == BIG5;
    match (gb, big5) {
        (Some(g), Some(b)) => Ok(if prefer_big5 {
            (b, Encoding::Big5)
        } else {
            (g, Encoding::Gb18030)
        }),
        (Some(g), None) if !is_foreign(guess) => Ok((g, Encoding::Gb18030)),
        (None, Some(b)) if !is_foreign(guess) => Ok((b, Encoding::Big5)),
        _ if is_foreign(guess) => {
            let pos = first_error(bytes, guess).unwrap_or(0);
            let (line, column) = position(bytes, pos, Some(guess));
            Err(DecodeError {
                line,
                column,
                message: format!(
                    "the page looks like {} text, which bindery does not import \
                     (it reads UTF-8, GB18030/GBK and Big5); {SAVE_AS}",
                    foreign_name(guess)
                ),
            })
        }
        _ => {
            let (codec, name) = if prefer_big5 {
                (BIG5, "Big5")
            } else if guess == GBK || guess == GB18030 {
                (GB18030, "GB18030/GBK")
            } else {
                return Err(unknown(bytes));
            };
            let pos = first_error(bytes, codec).unwrap_or(0);
            let (line, column) = position(bytes, pos, Some(codec));
            Err(DecodeError {
                line,
                column,
                message: format!(
                    "invalid {name}: byte 0x{:02X} at byte {pos} is not part of a {name} \
                     character; {SAVE_AS}",
                    bytes.get(pos).copied().unwrap_or(0)
                ),
            })
        }
    }
}

/// Encodings of other languages' pages, refused by name.
fn is_foreign(guess: &'static Codec) -> bool {
    !foreign_name(guess).is_empty()
}

fn foreign_name(guess: &'static Codec) -> &'static str {
    match guess.name() {
        "Shift_JIS" => "Japanese Shift_JIS",
        "EUC-JP" => "Japanese EUC-JP",
        "ISO-2022-JP" => "Japanese ISO-2022-JP",
        "EUC-KR" => "Korean EUC-KR",
        _ => "",
    }
}

/// A file whose non-ASCII bytes are mostly well-formed UTF-8 is a UTF-8
/// page with a few broken bytes, not a legacy page: GBK or Big5 text almost
/// never forms valid UTF-8 sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut good = 0usize;
    let mut bad = 0usize;
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    good > 4 * bad
}

fn invalid_utf8(bytes: &[u8], pos: usize, bom: bool) -> DecodeError {
    let (line, column) = position(bytes, pos, None);
    let bad_count = bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count();
    let more = if bad_count > 1 {
        format!(" ({} bad sequences in all)", bad_count)
    } else {
        String::new()
    };
    DecodeError {
        line,
        column,
        message: format!(
            "invalid UTF-8{}: byte 0x{:02X} at byte {pos} is not part of a UTF-8 character{more}; \
             fix or remove it and import again",
            if bom {
                " (the file starts with a UTF-8 BOM)"
            } else {
                ""
            },
            bytes.get(pos).copied().unwrap_or(0)
        ),
    }
}

fn unknown(bytes: &[u8]) -> DecodeError {
    let pos = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let (line, column) = position(bytes, pos, None);
    DecodeError {
        line,
        column,
        message: format!(
            "unknown encoding: byte 0x{:02X} at byte {pos} is not valid UTF-8, and the page is \
             not GB18030/GBK or Big5 either; {SAVE_AS}",
            bytes.get(pos).copied().unwrap_or(0)
        ),
    }
}

/// NUL and other C0 controls (besides tab, LF, VT, FF and CR) do not occur
/// in a text page.
fn is_binary_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// DEL and C1 controls decoded from the page: refused with their place.
fn check_controls(text: &str) -> Result<(), DecodeError> {
    let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c))
    else {
        return Ok(());
    };
    let (line, column) = crate::diag::line_col(text, at);
    Err(DecodeError {
        line,
        column,
        message: format!(
            "control character U+{:04X} in the text; a page has none: remove it and import again",
            c as u32
        ),
    })
}

/// Offset of the first byte sequence `codec` cannot decode.
fn first_error(bytes: &[u8], codec: &'static Codec) -> Option<usize> {
    let mut decoder = codec.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, unread) => {
            Some(read.saturating_sub(bad as usize + unread as usize))
        }
        _ => None,
    }
}

/// 1-based line and character column of byte `pos`. Lines end at LF, CRLF
/// or CR, which are never part of a multi-byte character in the encodings
/// read here; the column counts the characters of the line's valid prefix
/// in `codec` (UTF-8 when `None`).
fn position(bytes: &[u8], pos: usize, codec: Option<&'static Codec>) -> (u32, u32) {
    let pos = pos.min(bytes.len());
    let before = &bytes[..pos];
    let mut line = 1u32;
    let mut start = 0;
    let mut i = 0;
    while i < before.len() {
        match before[i] {
            b'\n' => {
                line += 1;
                start = i + 1;
            }
            b'\r' if before.get(i + 1) != Some(&b'\n') => {
                line += 1;
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let prefix = &bytes[start..pos];
    let chars = match codec {
        None => String::from_utf8_lossy(prefix).chars().count(),
        Some(c) => c.decode_without_bom_handling(prefix).0.chars().count(),
    };
    (line, chars as u32 + 1)
}

fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRAD: &str = "孟子見梁惠王。王曰：「叟不遠千里而來，亦將有以利吾國乎？」\n\
        孟子對曰：「王何必曰利？亦有仁義而已矣。」\n□孟軻 著\n";

    #[test]
    fn reads_utf8_bom_and_crlf() {
        let (t, e) = decode("\u{feff}甲\r\n乙\r丙".as_bytes()).unwrap();
        assert_eq!(t, "甲\n乙\n丙");
        assert_eq!(e, Encoding::Utf8Bom);
    }

    #[test]
    fn reads_gbk_and_big5() {
        let (bytes, _, _) = GB18030.encode("奉节县（重庆）文化馆的同志们\r\n□张三\r\n");
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(t, "奉节县（重庆）文化馆的同志们\n□张三\n");
        assert_eq!(e, Encoding::Gb18030);
        let (bytes, _, unmappable) = BIG5.encode(TRAD);
        assert!(!unmappable);
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(e, Encoding::Big5);
        assert_eq!(t, TRAD);
    }

    #[test]
    fn reads_gb18030_four_byte_characters() {
        let text = "方言词“㧟”即“挎”的意思，另有𠀀字。\n□张三\n正文。\n";
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!((t.as_str(), e), (text, Encoding::Gb18030));
    }

    #[test]
    fn refuses_shift_jis_by_name() {
        let text = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\
            何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let err = decode(&bytes).unwrap_err();
        assert!(err.message.contains("Shift_JIS"), "{}", err.message);
    }

    #[test]
    fn broken_utf8_is_reported_where_it_is() {
        let mut bytes = "第一行文字。\n第二行文字。\n".repeat(50).into_bytes();
        let at = bytes.len();
        bytes.extend_from_slice("第三行".as_bytes());
        bytes.push(0xFF);
        bytes.extend_from_slice("文字。\n".as_bytes());
        let err = decode(&bytes).unwrap_err();
        assert!(err.message.contains("invalid UTF-8"), "{}", err.message);
        assert!(
            err.message.contains(&format!("at byte {}", at + 9)),
            "{}",
            err.message
        );
        assert_eq!((err.line, err.column), (101, 4));
    }

    #[test]
    fn rejects_binary_empty_controls_and_unknown() {
        assert!(decode(b"").unwrap_err().message.contains("empty"));
        assert!(
            decode(b"PK\x03\x04\x00")
                .unwrap_err()
                .message
                .contains("binary")
        );
        let err = decode(b"caf\xe9 au lait\n\xff\xff").unwrap_err();
        assert!(err.message.contains("unknown encoding"), "{}", err.message);
        assert_eq!((err.line, err.column), (1, 4));
        let err = decode("甲\n乙\u{85}".as_bytes()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 2));
    }
}
