//! Word boundaries of Chinese display text (titles, contents entries,
//! running heads, the cover), so a title set on several lines breaks
//! between words, never inside one: `jieba-rs`'s segmentation, without its
//! hidden-Markov guessing of unknown words (those stay single characters).
//!
//! Loading jieba's whole dictionary (349,000 words) takes a quarter of a
//! second, longer than a whole build of a small book. The word list is
//! therefore embedded sorted (see `build.rs`), and a [`Segmenter`] loads
//! only the words made entirely of the characters it will see, plus one
//! word no text contains that carries the rest of the dictionary's
//! frequency: every path through a text scores exactly as with the whole
//! dictionary, so the words are the same (a test compares them). Only the
//! words starting with one of those characters are looked at.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

use jieba_rs::Jieba;

/// `word freq` lines, sorted by word.
static WORDS: &str = include_str!(concat!(env!("OUT_DIR"), "/segment-words.txt"));
/// Sum of every word's frequency in the dictionary.
const TOTAL: usize = include!(concat!(env!("OUT_DIR"), "/segment-total.rs"));
/// (first character, start, end) in [`WORDS`] of the words starting with
/// each character, in character order.
static INDEX: &[(u32, usize, usize)] = include!(concat!(env!("OUT_DIR"), "/segment-index.rs"));
/// A word no text contains (a noncharacter), holding the frequency of the
/// words left out.
const REST: &str = "\u{FDD0}";

/// A segmenter for texts made of a known set of characters.
pub struct Segmenter {
    chars: BTreeSet<char>,
    jieba: Jieba,
}

impl Segmenter {
    /// Loads the dictionary words made only of `chars`.
    pub fn for_chars(chars: BTreeSet<char>) -> Segmenter {
        let set: Vec<char> = chars.iter().copied().collect();
        let known = |c: char| set.binary_search(&c).is_ok();
        let mut jieba = Jieba::empty();
        let mut kept = 0;
        for &c in &set {
            let Ok(i) = INDEX.binary_search_by_key(&(c as u32), |e| e.0) else {
                continue;
            };
            let (_, a, b) = INDEX[i];
            let mut at = a;
            // Lines of `word freq`; both separators are ASCII, so every
            // slice below falls on character boundaries.
            for line in WORDS.as_bytes()[a..b].split(|&x| x == b'\n') {
                let start = at;
                at += line.len() + 1;
                let Some(space) = line.iter().position(|&x| x == b' ') else {
                    continue;
                };
                let word = &WORDS[start..start + space];
                if !word.chars().skip(1).all(known) {
                    continue;
                }
                let freq: usize = WORDS[start + space + 1..start + line.len()]
                    .parse()
                    .unwrap_or(0);
                jieba.add_word(word, Some(freq), None);
                kept += freq;
            }
        }
        jieba.add_word(REST, Some(TOTAL.saturating_sub(kept).max(1)), None);
        Segmenter { chars, jieba }
    }

    /// A segmenter for the characters of `texts`.
    pub fn for_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Segmenter {
        Segmenter::for_chars(texts.into_iter().flat_map(str::chars).collect())
    }

    /// Whether this segmenter knows every word `text` can contain.
    pub fn covers(&self, text: &str) -> bool {
        text.chars().all(|c| self.chars.contains(&c))
    }

    /// Byte positions inside `text` between two words (never 0 or the
    /// end), in increasing order.
    pub fn boundaries(&self, text: &str) -> Vec<usize> {
        self.jieba
            .cut(text, false)
            .iter()
            .map(|t| t.byte_end)
            .filter(|&e| e > 0 && e < text.len())
            .collect()
    }
}

/// Word boundaries of one text, with a segmenter made for it. A build
/// asks for each title many times (its heading, the contents, running
/// heads on every page, the EPUB's navigation), so the answers are kept
/// (a bounded number, for a long-running preview server).
pub fn boundaries(text: &str) -> Vec<usize> {
    type Seen = Mutex<HashMap<String, Vec<usize>>>;
    static SEEN: OnceLock<Seen> = OnceLock::new();
    let seen = SEEN.get_or_init(Seen::default);
    let lock = || seen.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(b) = lock().get(text) {
        return b.clone();
    }
    let b = Segmenter::for_texts([text]).boundaries(text);
    let mut kept = lock();
    if kept.len() >= 4096 {
        kept.clear();
    }
    kept.insert(text.to_string(), b.clone());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_kept_whole() {
        let t = "以实干实绩实效在加快建设全面深化改革先行区中展现奉节新作为";
        let b = boundaries(t);
        let at = |w: &str| t.find(w).unwrap();
        for w in ["深化", "改革", "实干", "作为", "奉节"] {
            let (s, e) = (at(w), at(w) + w.len());
            assert!(!b.iter().any(|&x| x > s && x < e), "{w} split: {b:?}");
        }
        assert!(b.contains(&at("建设")), "a boundary before 建设: {b:?}");
    }
}
