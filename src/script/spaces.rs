//! White space in the sources next to Chinese characters. Chinese puts no
//! spaces between words, so a source line break next to a Chinese
//! character, or a run of spaces between two, is an accident of the source
//! (a line wrapped in an editor, text pasted from a PDF) and would print as
//! a gap: both editions drop it. A full-width space (U+3000) or a no-break
//! space is kept, as an editor writes those on purpose.

use super::{is_cjk, is_wide};

/// Whether a source line break between `prev` and `next` reads as a space:
/// not when either side is a wide (East Asian) character.
pub fn line_break_is_space(prev: Option<char>, next: Option<char>) -> bool {
    !(prev.is_some_and(is_wide) || next.is_some_and(is_wide))
}

/// Whether spaces between `prev` and `next` are dropped: both are Chinese
/// (Han or full-width punctuation).
pub fn space_dropped(prev: char, next: char) -> bool {
    is_cjk(prev) && is_cjk(next)
}

/// `text` without its runs of spaces and tabs that stand between two
/// Chinese characters; `before` and `after` are the characters around
/// `text` in its paragraph (across emphasis and links).
pub fn drop_spaces(text: &str, before: Option<char>, after: Option<char>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !matches!(chars[i], ' ' | '\t') {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|&k| !matches!(chars[k], ' ' | '\t'))
            .unwrap_or(chars.len());
        let p = if i == 0 { before } else { Some(chars[i - 1]) };
        let n = chars
            .get(end)
            .copied()
            .or(if end == chars.len() { after } else { None });
        if !(p.is_some_and(|p| n.is_some_and(|n| space_dropped(p, n)))) {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_chinese_go_others_stay() {
        assert_eq!(drop_spaces("中国 人民", None, None), "中国人民");
        assert_eq!(drop_spaces("他说：  “好”", None, None), "他说：“好”");
        assert_eq!(drop_spaces("2024 年 8 月", None, None), "2024 年 8 月");
        assert_eq!(drop_spaces("a b", None, None), "a b");
        assert_eq!(drop_spaces("中\u{3000}国", None, None), "中\u{3000}国");
        assert_eq!(drop_spaces("中\u{a0}国", None, None), "中\u{a0}国");
        // At the edges, the characters around the text decide.
        assert_eq!(drop_spaces(" 国", Some('中'), None), "国");
        assert_eq!(drop_spaces("中 ", None, Some('国')), "中");
        assert_eq!(drop_spaces("中 ", None, Some('A')), "中 ");
        assert_eq!(drop_spaces(" ", Some('中'), Some('国')), "");
    }

    #[test]
    fn line_breaks() {
        assert!(!line_break_is_space(Some('中'), Some('A')));
        assert!(line_break_is_space(Some('a'), Some('b')));
    }
}
