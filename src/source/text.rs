//! Source text as editors save it: UTF-8 with or without a byte-order
//! mark, with LF, CRLF or CR line ends. Everything the loader reads goes
//! through [`read`], so line and column numbers mean the same everywhere:
//! a line end of any kind ends a line, and the BOM takes no column.

use std::path::Path;

use super::files::{self, Confine, Refusal};
use crate::diag::{Diagnostic, line_col};

/// Reads `path`, a regular file inside the book folder `root` of at most
/// `max` bytes, as source text: invalid UTF-8 is an error at the line and
/// column of the first bad byte; the BOM is dropped and line ends become
/// `\n`.
pub fn read(path: &Path, root: &Path, max: u64, shown: &Path) -> Result<String, ReadError> {
    let bytes = files::read(path, root, Confine::Book, max).map_err(ReadError::Refused)?;
    decode(&bytes, shown).map_err(ReadError::Text)
}

/// Why a source file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Refused(Refusal),
    Text(Diagnostic),
}

/// Decodes and normalises source bytes; see [`read`].
pub fn decode(bytes: &[u8], shown: &Path) -> Result<String, Diagnostic> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let before = normalize(std::str::from_utf8(good).unwrap_or(""));
            let (line, column) = line_col(&before, before.len());
            let bad = bytes[e.valid_up_to()];
            return Err(Diagnostic::error_at(
                shown,
                line,
                column,
                format!(
                    "invalid UTF-8: byte 0x{bad:02X} at byte {}; save the file as UTF-8",
                    e.valid_up_to()
                ),
            ));
        }
    };
    Ok(normalize(text))
}

/// Line and column of byte offsets in one text, as [`line_col`] gives
/// them, in time proportional to the text for a whole pass: line starts
/// are found once, and a column is counted on from the previous one when
/// the offsets come in order along a line (a 5 MB paragraph has one line).
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// The last offset asked for and its column.
    last: std::cell::Cell<(usize, u32)>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            text,
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// 1-based line and character column of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let (last, last_col) = self.last.get();
        let column = if last >= start && last <= offset {
            last_col + self.text[last..offset].chars().count() as u32
        } else {
            self.text[start..offset].chars().count() as u32 + 1
        };
        self.last.set((offset, column));
        (line as u32, column)
    }
}

/// Drops a leading BOM and turns CRLF and lone CR into LF.
pub fn normalize(text: &str) -> String {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !t.contains('\r') {
        return t.to_string();
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// A character that must not be in book text: control characters other
/// than tab and line feed (XML forbids most of them, and none prints),
/// and Unicode noncharacters.
pub fn forbidden(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && c != '\n' && c != '\t')
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
}

/// How a forbidden character is named in messages: `U+0007`.
pub fn describe(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Positioned errors for every forbidden character in `text` (the first
/// few; a file full of them gets a summary).
pub fn check_chars(text: &str, shown: &Path, out: &mut Vec<Diagnostic>) {
    const MAX: usize = 20;
    let mut n = 0;
    for (i, c) in text.char_indices() {
        if !forbidden(c) {
            continue;
        }
        n += 1;
        if n <= MAX {
            let (line, column) = line_col(text, i);
            out.push(Diagnostic::error_at(
                shown,
                line,
                column,
                format!(
                    "control character {} in the text: remove it (only tab and line ends are allowed)",
                    describe(c)
                ),
            ));
        }
    }
    if n > MAX {
        out.push(Diagnostic::error_file(
            shown,
            format!("{n} control characters in all; the first {MAX} are listed"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_and_bom() {
        assert_eq!(normalize("\u{feff}a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalize("a\r\r\nb"), "a\n\nb");
        let err = decode(b"ab\r\ncd\xffe", Path::new("x.md")).unwrap_err();
        assert_eq!((err.line(), err.column()), (2, 3), "{err}");
        assert!(err.message.contains("0xFF at byte 6"), "{err}");
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "第一行\nab\n\n好文字abc\n末";
        let lines = Lines::new(text);
        let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
        // In order, backwards, and jumping about.
        offsets.extend((0..text.len()).rev());
        offsets.extend([17, 3, 25, 0, 9, 9]);
        for o in offsets {
            assert_eq!(lines.line_col(o), line_col(text, o), "offset {o}");
        }
    }

    #[test]
    fn forbidden_characters() {
        assert!(forbidden('\u{7}') && forbidden('\u{85}') && forbidden('\u{FDD0}'));
        assert!(forbidden('\u{FFFE}') && forbidden('\u{1FFFF}'));
        assert!(!forbidden('\t') && !forbidden('\n') && !forbidden('中'));
        let mut out = Vec::new();
        check_chars("好\n文\u{1b}字", Path::new("x.md"), &mut out);
        assert_eq!((out[0].line(), out[0].column()), (2, 2));
    }
}
