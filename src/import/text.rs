//! Character classes the page reader decides with: how a piece of text
//! ends, how it starts, brackets and list markers.

/// Characters that end a sentence or a clause at the end of a paragraph;
/// a piece of text ending otherwise was cut by a column or page break.
pub const PARAGRAPH_END: &[char] = &[
    '。', '！', '？', '…', '；', '：', '”', '’', '）', '》', '」', '』', '】', '〕', '.', '!', '?',
    ';', ':', '"', '\'', ')', ']', '—',
];

/// Marks that end a sentence (not a clause).
const SENTENCE_END: &[char] = &['。', '！', '？', '…', '.', '!', '?'];

/// Closing quotes and brackets that may follow the end of a sentence.
const CLOSERS: &[char] = &[
    '”', '’', '」', '』', '）', ')', '》', '〉', '】', '〕', '〗', ']', '"', '\'',
];

pub const OPENING_QUOTES: &[char] = &['“', '‘', '「', '『'];

/// Bracket pairs whose content is kept in one paragraph (a variant note
/// `（一作：某）` spread over several short lines by print extraction).
const BRACKETS: &[(char, char)] = &[
    ('(', ')'),
    ('（', '）'),
    ('[', ']'),
    ('【', '】'),
    ('〔', '〕'),
    ('〖', '〗'),
    ('《', '》'),
    ('〈', '〉'),
];

pub fn last_char(text: &str) -> Option<char> {
    text.trim_end().chars().last()
}

pub fn ends_paragraph(text: &str) -> bool {
    last_char(text).is_some_and(|c| PARAGRAPH_END.contains(&c))
}

/// The last character once closing quotes and brackets are stripped:
/// `鮮矣仁！」` → `！`.
pub fn last_core_char(text: &str) -> Option<char> {
    text.trim_end()
        .trim_end_matches(|c: char| CLOSERS.contains(&c))
        .chars()
        .last()
}

/// Ends with a sentence mark (possibly inside closing quotes).
pub fn ends_sentence(text: &str) -> bool {
    last_core_char(text).is_some_and(|c| SENTENCE_END.contains(&c))
}

/// Ends with something no title ends with: a full stop, a clause mark
/// (`，；：、`) or an ellipsis. Titles may end with `？` or `！`.
pub fn ends_like_prose(text: &str) -> bool {
    last_core_char(text)
        .is_some_and(|c| matches!(c, '。' | '，' | '；' | '：' | '、' | '…' | ',' | ';' | ':'))
}

/// Number of sentences: runs of sentence marks followed by more text, plus
/// one. One pass: linear in the length.
pub fn sentence_count(text: &str) -> usize {
    let mut n = 1;
    let mut ended = false;
    for c in text.trim().chars() {
        if SENTENCE_END.contains(&c) {
            ended = true;
        } else if !CLOSERS.contains(&c) && !c.is_whitespace() && ended {
            n += 1;
            ended = false;
        }
    }
    n
}

/// Bracket depth change over `text` (opening minus closing brackets).
pub fn bracket_balance(text: &str) -> i32 {
    text.chars()
        .map(|c| {
            if BRACKETS.iter().any(|&(o, _)| o == c) {
                1
            } else if BRACKETS.iter().any(|&(_, cl)| cl == c) {
                -1
            } else {
                0
            }
        })
        .sum()
}

/// Punctuation or symbol: anything but letters, digits, ideographs and spaces.
pub fn is_punctuation(c: char) -> bool {
    !(c.is_alphanumeric() || c.is_whitespace())
}

pub fn char_count(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Starts like a sentence: a letter, digit, ideograph, opening quote or
/// opening bracket, not a mark that continues the text before it.
pub fn starts_sentence(text: &str) -> bool {
    text.chars().next().is_some_and(|c| {
        c.is_alphanumeric() || OPENING_QUOTES.contains(&c) || BRACKETS.iter().any(|&(o, _)| o == c)
    })
}

/// Characters a sub-heading or a name does not end with: they join what
/// follows (的, 和, 在…), so a short piece ending with one was cut.
const JOINING_ENDS: &[char] = &[
    '的', '之', '和', '与', '與', '及', '在', '是', '把', '被', '对', '對', '从', '從', '将', '將',
    '而', '则', '則', '向', '让', '讓', '使', '由', '但', '并', '並', '或', '其', '此', '该', '該',
    '这', '這', '那', '各', '每', '要', '应', '應', '能', '会', '會', '可', '还', '還', '于', '於',
    '为', '為', '以', '了', '着', '著', '地', '得', '所', '乃', '且', '若', '如', '因', '故',
    // Classical particles and speech verbs: `孟子曰` or `…者也` without
    // the mark after it was cut before its punctuation.
    '曰', '云', '謂', '谓', '也', '矣', '焉', '哉', '兮', '乎', '耶', '歟', '欤', '邪',
];

/// Characters of running prose that sub-headings and names do not hold
/// (的, 了, 则, 要…): a short piece with one was cut from a sentence.
const PROSE_CHARS: &[char] = &[
    '的', '了', '则', '則', '要', '把', '被', '就', '还', '還', '很', '给', '給', '让', '讓', '却',
    '卻', '曰', '云', '乎', '矣', '焉', '哉', '兮', '吗', '嗎', '呢', '吧', '们', '們', '些', '是',
    '在', '着', '过', '過', '向',
];

/// A short line without any punctuation: a sub-heading (上篇) or a name,
/// two to eight characters, not a list item, without the words of running
/// prose.
pub fn looks_like_subheading(text: &str) -> bool {
    let n = char_count(text);
    (2..=8).contains(&n)
        && !text
            .chars()
            .any(|c| is_punctuation(c) || PROSE_CHARS.contains(&c))
        && !last_char(text).is_some_and(|c| JOINING_ENDS.contains(&c))
        && !starts_list_item(text)
}

/// Characters that continue a sentence and never open a paragraph
/// (曰, 之, 也, 的…): a piece starting with one continues the piece before.
const NON_STARTS: &[char] = &[
    '曰', '云', '之', '也', '者', '矣', '焉', '哉', '乎', '兮', '而', '的', '了', '着', '們', '们',
    '地', '得', '吗', '嗎', '呢', '吧',
];

/// Starts a paragraph after a sub-heading: a sentence start that is not a
/// continuation character.
pub fn starts_paragraph(text: &str) -> bool {
    starts_sentence(text) && !text.chars().next().is_some_and(|c| NON_STARTS.contains(&c))
}

/// Starts like a list item: 一是, 其一, 第一, 首先, （一）, 一、, 1. 1、(1) ①, 甲、.
pub fn starts_list_item(text: &str) -> bool {
    let t = text.trim_start();
    const WORDS: &[&str] = &[
        "首先", "其次", "再次", "最后", "最後", "其一", "其二", "其三",
    ];
    if WORDS.iter().any(|w| t.starts_with(w)) {
        return true;
    }
    let mut chars = t.chars().peekable();
    let Some(first) = chars.next() else {
        return false;
    };
    if ('①'..='⑳').contains(&first) || ('⑴'..='⒇').contains(&first) {
        return true;
    }
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    if first == '第' {
        return chars.peek().is_some_and(|&c| numeral(c));
    }
    if first == '(' || first == '（' {
        let inner: String = chars
            .by_ref()
            .take_while(|&c| c != ')' && c != '）')
            .collect();
        return !inner.is_empty()
            && inner.chars().count() <= 3
            && inner.chars().all(|c| numeral(c) || c.is_ascii_digit());
    }
    if numeral(first) || first.is_ascii_digit() || "甲乙丙丁".contains(first) {
        let rest: String = std::iter::once(first).chain(chars).collect();
        let after = rest.trim_start_matches(|c: char| numeral(c) || c.is_ascii_digit());
        return after.starts_with(['、', '.', '．', '是'])
            || (after.starts_with([')', '）']) && first.is_ascii_digit());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_and_starts() {
        assert!(ends_sentence("子曰：「巧言令色，鮮矣仁！」"));
        assert!(!ends_sentence("推进战略"));
        assert!(ends_like_prose("要做到："));
        assert!(!ends_like_prose("何以为家？"));
        assert_eq!(sentence_count("学而时习之？不亦说乎！"), 2);
        assert_eq!(sentence_count("何以为家？"), 1);
        assert_eq!(sentence_count("他说：“好！”"), 1);
        assert_eq!(bracket_balance("其文曰(遠一作："), 1);
        assert!(looks_like_subheading("上篇"));
        assert!(!looks_like_subheading("一是"));
        assert!(!looks_like_subheading("孟子曰"));
        assert!(!looks_like_subheading("二是抢救"));
        assert!(!looks_like_subheading("子"));
        assert!(looks_like_subheading("公孫丑"));
        assert!(!starts_paragraph("曰：「可。」"));
        assert!(starts_paragraph("「王何必曰利？」"));
        assert!(!looks_like_subheading("上篇。"));
        for item in [
            "一是加强",
            "（一）总体",
            "1. 第一",
            "2、其次",
            "①要",
            "第三，",
            "首先",
        ] {
            assert!(starts_list_item(item), "{item}");
        }
        for prose in ["一般来说", "一切", "2024年", "(作者系)", "十分重要"] {
            assert!(!starts_list_item(prose), "{prose}");
        }
    }
}
