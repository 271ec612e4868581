//! Chinese script knowledge, in one place: character classes (GB/T 15834
//! punctuation, Han, Latin), the line-start and line-end prohibitions
//! (禁则), break opportunities, and every string the tool itself generates.
//! Layout, the cover, the Markdown reader and coverage all ask here.

pub mod breaks;
pub mod charbits;
pub mod generated;
pub mod segment;
pub mod spaces;

pub use breaks::{break_opportunities, title_tokens};

/// Marks that never start a line (closing punctuation and the like,
/// including half-width forms used in Chinese text).
const NO_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '］', '｝', '》', '」', '』', '】', '〕', '〉',
    '〗', '〙', '〛', '”', '’', '·', '・', '…', '‥', '々', '〻', 'ゝ', 'ゞ', 'ヽ', 'ヾ', '〃', ',',
    '.', ';', ':', '?', '!', ')', ']', '}', '%', '‰', '℃',
];

/// Marks that never end a line (opening punctuation).
const NO_END: &[char] = &[
    '（', '［', '｛', '《', '「', '『', '【', '〔', '〈', '〖', '〘', '〚', '“', '‘', '(', '[', '{',
];

/// Han ideographs (and kana, which behave the same in a line).
#[inline]
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF
        | 0x3040..=0x30FA | 0x30FC..=0x30FF | 0x3005..=0x3007 | 0x31F0..=0x31FF)
}

/// Full-width (CJK) punctuation, including the quotation marks, the ellipsis
/// and the dash that a Chinese font sets in its own way.
#[inline]
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x3004 | 0x3008..=0x303F | 0xFE10..=0xFE4F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·' | '・')
}

/// Letters and digits of Latin (and other alphabetic) scripts: they get a
/// quarter-em space next to Han characters.
#[inline]
pub fn is_latin_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_alphanumeric() && (c as u32) < 0x2E80 && !is_han(c))
}

/// Anything set in Chinese rhythm: Han characters and full-width marks.
#[inline]
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

// Lists of chars, not strings: these are asked of every character of the
// text, and a substring search each time was 2 % of a book's build.
#[inline]
pub fn no_start(c: char) -> bool {
    !in_neither_list(c) && NO_START.contains(&c)
}

#[inline]
pub fn no_end(c: char) -> bool {
    !in_neither_list(c) && NO_END.contains(&c)
}

/// Ideographs (and the rest of U+3400–U+FEFF) are in neither list: most of
/// the characters asked about are answered without a search.
#[inline]
fn in_neither_list(c: char) -> bool {
    ('\u{3400}'..='\u{FEFF}').contains(&c)
}

/// East Asian wide characters: Han, kana, Hangul, CJK punctuation and
/// full-width forms, plus the quotation marks, dash and ellipsis Chinese text
/// sets full width. A source line break between two of them is no space.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Whether a character is drawn with a glyph of its own. White space,
/// control characters, zero-width spaces and joiners, bidi controls and
/// variation selectors are not: a font need not have them.
pub fn needs_glyph(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c as u32,
            0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2069 | 0xFEFF
            | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180F))
}

/// Whether a book in language `tag` (BCP 47) is set in traditional
/// characters: script `Hant`, or Chinese of Taiwan, Hong Kong or Macao
/// without a script subtag.
pub fn is_traditional(tag: &str) -> bool {
    let Ok(t) = language_tags::LanguageTag::parse(tag) else {
        return false;
    };
    match t.script().map(|s| s.to_ascii_lowercase()) {
        Some(s) => s == "hant",
        None => {
            t.primary_language().eq_ignore_ascii_case("zh")
                && t.region()
                    .is_some_and(|r| ["TW", "HK", "MO"].contains(&r.to_ascii_uppercase().as_str()))
        }
    }
}

/// The language the shaper is told (it picks the font's localized forms,
/// `locl`): traditional Chinese as Hong Kong's or Taiwan's, everything else
/// as simplified Chinese, the script the bundled faces are made for.
pub fn shaping_language(tag: &str) -> &'static str {
    if !is_traditional(tag) {
        "zh-Hans"
    } else if tag.to_ascii_uppercase().contains("-HK") || tag.to_ascii_uppercase().contains("-MO") {
        "zh-HK"
    } else {
        "zh-Hant"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_skip_nothing_they_hold() {
        for &c in NO_START.iter().chain(NO_END) {
            assert!(!in_neither_list(c), "{c:?} is in a list");
        }
        assert!(no_start('，') && no_start('々') && no_end('（') && no_end('“'));
        assert!(!no_start('中') && !no_end('中') && !no_start('㐀'));
    }
}
