//! Line-break opportunities for Chinese text, after W3C clreq: UAX #14 from
//! `unicode-linebreak`, tightened by the Chinese prohibition rules (禁则)
//! and tailored around quotation marks.

use super::{is_cjk, is_latin_alnum, no_end, no_start};

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

/// Break units of a display line (a title on the cover): the text between
/// break opportunities that are also word boundaries (`segment`), each
/// with whether a space precedes it. Spaces are dropped; a title re-joins
/// the units with one space where one stood.
pub fn title_tokens(text: &str) -> Vec<(String, bool)> {
    let mut tokens = Vec::new();
    let seg = super::segment::Segmenter::for_texts([text]);
    for (wi, word) in text.split_whitespace().enumerate() {
        let mut last = 0;
        let words = seg.boundaries(word);
        let ends = break_opportunities(word)
            .into_iter()
            .filter(|b| words.binary_search(b).is_ok());
        for end in ends.chain([word.len()]) {
            tokens.push((word[last..end].to_string(), wi > 0 && last == 0));
            last = end;
        }
    }
    tokens
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
