//! Character classes and line-break opportunities for Chinese text, after
//! W3C clreq: UAX #14 from `unicode-linebreak`, tightened by the Chinese
//! prohibition rules (禁则) and tailored around quotation marks.

/// Marks that never start a line (closing punctuation and the like,
/// including half-width forms used in Chinese text).
const NO_START: &str = "，。、；：？！）］｝》」』】〕〉〗〙〛”’·・…‥々〻ゝゞヽヾ〃,.;:?!)]}%‰℃";

/// Marks that never end a line (opening punctuation).
const NO_END: &str = "（［｛《「『【〔〈〖〘〚“‘([{";

/// Han ideographs (and kana, which behave the same in a line).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF
        | 0x3040..=0x30FA | 0x30FC..=0x30FF | 0x3005..=0x3007 | 0x31F0..=0x31FF)
}

/// Full-width (CJK) punctuation, including the quotation marks, the ellipsis
/// and the dash that a Chinese font sets in its own way.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x3004 | 0x3008..=0x303F | 0xFE10..=0xFE4F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·' | '・')
}

/// Letters and digits of Latin (and other alphabetic) scripts: they get a
/// quarter-em space next to Han characters.
pub fn is_latin_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_alphanumeric() && (c as u32) < 0x2E80 && !is_han(c))
}

/// Anything set in Chinese rhythm: Han characters and full-width marks.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

pub fn no_start(c: char) -> bool {
    NO_START.contains(c)
}

pub fn no_end(c: char) -> bool {
    NO_END.contains(c)
}

/// Byte positions in `text` before which a line may break (never 0, never
/// `text.len()`), in increasing order.
pub fn break_opportunities(text: &str) -> Vec<usize> {
    let base: Vec<usize> = unicode_linebreak::linebreaks(text)
        .map(|(i, _)| i)
        .filter(|&i| i > 0 && i < text.len())
        .collect();
    let mut out = Vec::with_capacity(base.len() + 8);
    let mut bi = 0;
    let mut prev: Option<char> = None;
    for (i, n) in text.char_indices() {
        let Some(p) = prev else {
            prev = Some(n);
            continue;
        };
        prev = Some(n);
        while bi < base.len() && base[bi] < i {
            bi += 1;
        }
        let mut allowed = bi < base.len() && base[bi] == i;
        // UAX #14 (before 15.1) keeps “ ” glued to both neighbours; Chinese
        // treats “ ‘ as opening and ” ’ as closing marks.
        if matches!(n, '“' | '‘') && (is_cjk(p) || p.is_whitespace()) {
            allowed = true;
        }
        if matches!(p, '”' | '’') && (is_cjk(n) || is_latin_alnum(n)) {
            allowed = true;
        }
        // The middle dot joins transliterated names and phrases.
        if matches!(p, '·' | '・') || matches!(n, '·' | '・') {
            allowed = false;
        }
        if no_start(n) || no_end(p) {
            allowed = false;
        }
        // —— and …… are one mark of two ems.
        if p == n && matches!(p, '—' | '…' | '⸺') {
            allowed = false;
        }
        // Latin words, numbers and codes (V2.0, 134+N) stay whole; they
        // break only at spaces.
        if !p.is_whitespace() && !n.is_whitespace() && !is_cjk(p) && !is_cjk(n) {
            allowed = false;
        }
        // Spaces stay at the end of the line they follow.
        if n.is_whitespace() {
            allowed = false;
        }
        if allowed {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaks(s: &str) -> Vec<String> {
        let b = break_opportunities(s);
        let mut out = Vec::new();
        let mut last = 0;
        for i in b.into_iter().chain([s.len()]) {
            out.push(s[last..i].to_string());
            last = i;
        }
        out
    }

    #[test]
    fn closing_marks_stay_with_preceding_text() {
        let parts = breaks("改革，发展。“产业大脑”模式");
        assert!(parts.iter().all(|p| !p.starts_with(['，', '。', '”'])));
        assert!(parts.iter().all(|p| !p.ends_with('“')));
        // A break before the opening quote and after the closing one.
        assert!(parts.contains(&"。".to_string()) || parts.iter().any(|p| p.ends_with('。')));
        assert!(parts.iter().any(|p| p.starts_with('“')));
        assert!(parts.iter().any(|p| p.ends_with('”')));
    }

    #[test]
    fn codes_numbers_and_middle_dot_stay_whole() {
        for s in [
            "打造V2.0版本",
            "对接“134+N”数字",
            "“1361”整体构架",
            "奉公办·更快捷",
        ] {
            let parts = breaks(s);
            for word in ["V2.0", "134+N", "1361", "办·更"] {
                if s.contains(word) {
                    assert!(
                        parts.iter().any(|p| p.contains(word)),
                        "{word} split in {parts:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn two_em_dash_and_ellipsis_unsplit() {
        let parts = breaks("他说——好……就这样");
        assert!(parts.iter().any(|p| p.contains("——")));
        assert!(parts.iter().any(|p| p.contains("……")));
    }
}
