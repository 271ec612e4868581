//! Which script a page is written in: the share of its characters that
//! exist only in traditional or only in simplified Chinese, by OpenCC's
//! character dictionaries (`script_chars.txt`, built by `script_chars.py`).

use std::sync::LazyLock;

const DATA: &str = include_str!("script_chars.txt");

/// Sorted traditional-only and simplified-only characters.
static SETS: LazyLock<(Vec<char>, Vec<char>)> = LazyLock::new(|| {
    let mut lines = DATA.lines().filter(|l| !l.starts_with('#'));
    let mut set = || {
        let mut v: Vec<char> = lines.next().unwrap_or("").chars().collect();
        v.sort_unstable();
        v
    };
    let trad = set();
    let simp = set();
    (trad, simp)
});

/// Share of script-specific characters above which a page is taken to be
/// in that script; between the two, the page is mixed and the majority wins
/// with a warning.
const CLEAR_SHARE: f64 = 0.8;

#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// BCP 47 tag for book.toml: `zh-Hant` or `zh-CN`.
    pub language: &'static str,
    pub traditional: usize,
    pub simplified: usize,
    /// Neither script dominates clearly.
    pub mixed: bool,
}

pub fn is_traditional_only(c: char) -> bool {
    SETS.0.binary_search(&c).is_ok()
}

pub fn is_simplified_only(c: char) -> bool {
    SETS.1.binary_search(&c).is_ok()
}

pub fn detect(text: &str) -> Script {
    let (mut t, mut s) = (0usize, 0usize);
    for c in text.chars() {
        if is_traditional_only(c) {
            t += 1;
        } else if is_simplified_only(c) {
            s += 1;
        }
    }
    let total = t + s;
    let share = if total == 0 {
        0.0
    } else {
        t as f64 / total as f64
    };
    Script {
        // Without any evidence the page is taken as simplified, as before.
        language: if t > s { "zh-Hant" } else { "zh-CN" },
        traditional: t,
        simplified: s,
        mixed: total > 0 && share > 1.0 - CLEAR_SHARE && share < CLEAR_SHARE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_scripts_apart() {
        let t = detect("孟子見梁惠王。王曰：「叟不遠千里而來，亦將有以利吾國乎？」");
        assert_eq!(t.language, "zh-Hant");
        assert!(!t.mixed && t.traditional >= 3 && t.simplified == 0, "{t:?}");
        let s =
            detect("党的二十届三中全会围绕推进中国式现代化主题，明确进一步全面深化改革的目标任务");
        assert_eq!(s.language, "zh-CN");
        assert!(s.simplified >= 3 && s.traditional == 0, "{s:?}");
        let none = detect("abc 人口 123");
        assert_eq!((none.language, none.mixed), ("zh-CN", false));
        let mixed = detect("國家发展");
        assert!(mixed.mixed);
    }
}
