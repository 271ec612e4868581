//! Emphasis next to Chinese punctuation.
//!
//! CommonMark decides whether a run of `*` can open or close emphasis by
//! the characters on either side (the "flanking" rule), treating every
//! punctuation mark alike: `这是**“重点”**内容` does not open, because the
//! run is followed by punctuation and preceded by a letter. Chinese writes
//! punctuation against the text, so the rule fails on what editors write.
//!
//! bindery follows the CJK-friendly amendment to CommonMark (the proposal
//! of CommonMark issue 650, implemented by markdown-it-cjk-friendly,
//! remark-cjk-friendly and markdig): CJK punctuation counts as a letter, and
//! other punctuation next to a CJK character counts as a space. In the
//! definitions, with p the character before the run and n the one after:
//!
//! - left-flanking: n is not white space, and n is not non-CJK punctuation
//!   or p is not an other (non-CJK, non-punctuation) character;
//! - right-flanking: p is not white space, and p is not non-CJK punctuation
//!   or n is not an other character.
//!
//! CJK characters are the wide ones of `script::is_wide`, which counts the
//! quotation marks, dash, ellipsis and middle dot Chinese uses (“ ” ‘ ’ —
//! … ·) as Chinese punctuation although Unicode calls their width ambiguous.
//!
//! pulldown-cmark has no hook for the rule, so a pre-pass makes it see it:
//! next to each `*` run it inserts a [`MARK`] (a noncharacter, which is
//! neither white space nor punctuation, so it reads as a letter) on the
//! side that must look like a letter for pulldown-cmark's test to give the
//! amended result. The loader strips every mark from what the parser
//! returns and maps offsets back with [`Marked::original`]. Source text
//! never holds a noncharacter (`text::forbidden`).

/// The character inserted next to delimiter runs.
pub const MARK: char = '\u{FDD0}';

/// Text with marks inserted, and where they are.
pub struct Marked {
    pub text: String,
    /// Byte offsets of the marks in `text`, ascending.
    marks: Vec<usize>,
}

impl Marked {
    /// The offset in the original text of byte `at` of the marked text.
    pub fn original(&self, at: usize) -> usize {
        let before = self.marks.partition_point(|&m| m < at);
        at - before * MARK.len_utf8()
    }
}

/// Removes the marks from a string the parser returned.
pub fn strip(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(MARK) {
        s.replace(MARK, "").into()
    } else {
        s.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    /// Punctuation that is not CJK.
    Punct,
    /// CJK punctuation.
    CjkPunct,
    /// Other CJK characters.
    Cjk,
    /// Anything else (Latin letters, digits, marks…).
    Other,
}

fn is_punct(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        get_general_category(c),
        G::ConnectorPunctuation
            | G::DashPunctuation
            | G::ClosePunctuation
            | G::FinalPunctuation
            | G::InitialPunctuation
            | G::OtherPunctuation
            | G::OpenPunctuation
            | G::CurrencySymbol
            | G::ModifierSymbol
            | G::MathSymbol
            | G::OtherSymbol
    )
}

fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E | 0xE0100..=0xE01EF)
}

fn classify(c: Option<char>) -> Class {
    let Some(c) = c else { return Class::Space };
    if c.is_whitespace() {
        return Class::Space;
    }
    let cjk = crate::script::is_wide(c) || matches!(c as u32, 0xFF61..=0xFFDC);
    match (is_punct(c), cjk) {
        (true, true) => Class::CjkPunct,
        (true, false) => Class::Punct,
        (false, true) => Class::Cjk,
        (false, false) => Class::Other,
    }
}

/// The character before byte `at` as the flanking rule sees it (`None`
/// for white space): a line start, also after block-quote markers, is
/// white space, and a variation selector stands for the character it
/// follows.
fn before(text: &str, at: usize, at_line_start: bool) -> Option<char> {
    if at_line_start {
        return None;
    }
    let mut it = text[..at].chars().rev();
    let c = it.next()?;
    if is_variation_selector(c) {
        return it.next();
    }
    Some(c)
}

/// Inserts marks next to every `*` run so pulldown-cmark applies the
/// amended flanking rule; see the module documentation.
pub fn mark(text: &str) -> Marked {
    let mut out = String::with_capacity(text.len() + 16);
    let mut marks = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    // Only block-quote markers and blanks so far on this line.
    let mut line_start = true;
    while i < bytes.len() {
        match bytes[i] {
            // An escaped character is a literal, never a delimiter.
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                i += 2;
                line_start = false;
            }
            b'*' => {
                let start = i;
                while i < bytes.len() && bytes[i] == b'*' {
                    i += 1;
                }
                let p = classify(before(text, start, line_start));
                let n = classify(text[i..].chars().next());
                let left = n != Class::Space && (n != Class::Punct || p != Class::Other);
                let right = p != Class::Space && (p != Class::Punct || n != Class::Other);
                out.push_str(&text[copied..start]);
                if right {
                    marks.push(out.len());
                    out.push(MARK);
                }
                out.push_str(&text[start..i]);
                if left {
                    marks.push(out.len());
                    out.push(MARK);
                }
                copied = i;
                line_start = false;
            }
            b'\n' => {
                i += 1;
                line_start = true;
            }
            b => {
                i += 1;
                line_start &= matches!(b, b'>' | b' ' | b'\t');
            }
        }
    }
    out.push_str(&text[copied..]);
    Marked { text: out, marks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_map_back_to_the_original_offsets() {
        let src = "这是**“重点”**内容";
        let m = mark(src);
        assert_eq!(strip(&m.text), src);
        let close = m.text.rfind("**").unwrap();
        assert_eq!(m.original(close), src.rfind("**").unwrap());
        assert_eq!(m.original(m.text.len()), src.len());
    }

    /// The amended rule, written from the specification's text.
    fn amended(p: Class, n: Class) -> (bool, bool) {
        let left = n != Class::Space
            && (n != Class::Punct
                || matches!(
                    p,
                    Class::Space | Class::Punct | Class::Cjk | Class::CjkPunct
                ));
        let right = p != Class::Space
            && (p != Class::Punct
                || matches!(
                    n,
                    Class::Space | Class::Punct | Class::Cjk | Class::CjkPunct
                ));
        (left, right)
    }

    fn strong(text: &str) -> bool {
        pulldown_cmark::Parser::new(text)
            .any(|e| matches!(e, pulldown_cmark::Event::Start(pulldown_cmark::Tag::Strong)))
    }

    #[test]
    fn pulldown_cmark_follows_the_amended_rule_after_the_pass() {
        let around = [
            ("", Class::Space),
            ("!", Class::Punct),
            ("。", Class::CjkPunct),
            ("中", Class::Cjk),
            ("a", Class::Other),
        ];
        let inner = [
            ("中", Class::Cjk, Class::Cjk),
            ("“中”", Class::CjkPunct, Class::CjkPunct),
            ("a", Class::Other, Class::Other),
            ("!a!", Class::Punct, Class::Punct),
            ("（a", Class::CjkPunct, Class::Other),
        ];
        let mut differs = 0;
        for (before, p) in around {
            for (text, first, last) in inner {
                for (after, n) in around {
                    let md = format!("{before}**{text}**{after}");
                    let want = amended(p, first).0 && amended(last, n).1;
                    assert_eq!(strong(&mark(&md).text), want, "{md}");
                    differs += usize::from(strong(&md) != want);
                }
            }
        }
        // The pass matters: plain CommonMark gets many of these wrong.
        assert!(differs > 20, "{differs}");
    }

    #[test]
    fn list_bullets_and_rules_are_left_alone() {
        for s in [
            "* 项目\n",
            "***\n",
            "- a\n\n* * *\n",
            "> * 引文\n",
            "\\*非强调\\*",
        ] {
            assert_eq!(mark(s).text, s, "{s:?}");
        }
    }
}
