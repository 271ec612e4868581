//! Word boundaries of Chinese display text (titles, contents entries,
//! running heads, the cover), so a title set on several lines breaks
//! between words, never inside one: `jieba-rs`'s segmentation, without its
//! hidden-Markov guessing of unknown words (those stay single characters).
//!
//! Loading jieba's whole dictionary (349,000 words) takes a quarter of a
//! second, longer than a whole build of a small book. The dictionary is
//! therefore embedded as a finite-state transducer (`fst`, made by
//! `build.rs`, 1.5 MB against 4.5 MB of word list), and a [`Segmenter`]
//! loads only the dictionary words its texts contain, plus one word no
//! text contains that carries the rest of the dictionary's frequency: the
//! segmentation of a text looks at no other word, and every path through
//! it scores exactly as with the whole dictionary, so the words are the
//! same (a test compares them). Looking a text's words up touches only the
//! transducer's states on their paths.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use fst::raw::{Fst, Output};
use jieba_rs::Jieba;

/// The dictionary: word → frequency.
static DICT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/segment.fst"));
/// Sum of every word's frequency in the dictionary.
const TOTAL: usize = include!(concat!(env!("OUT_DIR"), "/segment-total.rs"));
/// A word no text contains (a noncharacter), holding the frequency of the
/// words left out.
const REST: &str = "\u{FDD0}";

fn dictionary() -> &'static Fst<&'static [u8]> {
    static FST: OnceLock<Fst<&'static [u8]>> = OnceLock::new();
    FST.get_or_init(|| Fst::new(DICT).expect("build.rs wrote a valid transducer"))
}

/// A segmenter for known texts.
pub struct Segmenter {
    jieba: Jieba,
}

impl Segmenter {
    /// Loads the dictionary words that occur in `texts`.
    pub fn for_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Segmenter {
        let mut words: BTreeMap<&str, u64> = BTreeMap::new();
        for text in texts {
            for (i, _) in text.char_indices() {
                words_at(text, i, &mut words);
            }
        }
        let mut jieba = Jieba::empty();
        let mut kept = 0;
        for (word, freq) in words {
            jieba.add_word(word, Some(freq as usize), None);
            kept += freq as usize;
        }
        jieba.add_word(REST, Some(TOTAL.saturating_sub(kept).max(1)), None);
        Segmenter { jieba }
    }

    /// Byte positions inside `text` between two words (never 0 or the
    /// end), in increasing order. `text` must be one of the texts the
    /// segmenter was made for, or a part of one.
    pub fn boundaries(&self, text: &str) -> Vec<usize> {
        self.jieba
            .cut(text, false)
            .iter()
            .map(|t| t.byte_end)
            .filter(|&e| e > 0 && e < text.len())
            .collect()
    }
}

/// The dictionary words starting at byte `i` of `text`, with their
/// frequencies: the transducer is walked along the text's bytes as far as
/// some word goes on.
fn words_at<'t>(text: &'t str, i: usize, out: &mut BTreeMap<&'t str, u64>) {
    let fst = dictionary();
    let mut node = fst.root();
    let mut value = Output::zero();
    for (k, &b) in text.as_bytes()[i..].iter().enumerate() {
        let Some(t) = node.find_input(b) else {
            return;
        };
        let t = node.transition(t);
        value = value.cat(t.out);
        node = fst.node(t.addr);
        let end = i + k + 1;
        if node.is_final() && text.is_char_boundary(end) {
            out.insert(&text[i..end], value.cat(node.final_output()).value());
        }
    }
}

/// Word boundaries of one text. A build asks for each title many times
/// (its heading, the contents, running heads on every page, the EPUB's
/// navigation), so the answers are kept; and one segmenter serves every
/// text, learning each new text's words as it comes (a fresh jieba costs a
/// 512 KB table to clear, a thousand titles as many). A segmenter that
/// knows more words than a text contains segments it just the same. Both
/// are bounded, for a long-running preview server.
pub fn boundaries(text: &str) -> Vec<usize> {
    static SHARED: OnceLock<Mutex<Shared>> = OnceLock::new();
    let shared = SHARED.get_or_init(|| Mutex::new(Shared::new()));
    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(b) = s.seen.get(text) {
        return b.clone();
    }
    if s.seen.len() >= 4096 || s.words >= 100_000 {
        *s = Shared::new();
    }
    s.learn(text);
    let b = s.segmenter.boundaries(text);
    s.seen.insert(text.to_string(), b.clone());
    b
}

/// The segmenter of [`boundaries`], the answers given, and how many words
/// it has learnt and what they weigh.
struct Shared {
    segmenter: Segmenter,
    seen: HashMap<String, Vec<usize>>,
    words: usize,
    kept: usize,
}

impl Shared {
    fn new() -> Self {
        Shared {
            segmenter: Segmenter::for_texts([]),
            seen: HashMap::new(),
            words: 0,
            kept: 0,
        }
    }

    /// Adds the dictionary words of `text` not known yet, and gives the
    /// rest of the dictionary's frequency to [`REST`] again.
    fn learn(&mut self, text: &str) {
        let mut found = BTreeMap::new();
        for (i, _) in text.char_indices() {
            words_at(text, i, &mut found);
        }
        let jieba = &mut self.segmenter.jieba;
        for (word, freq) in found {
            if !jieba.has_word(word) {
                jieba.add_word(word, Some(freq as usize), None);
                self.kept += freq as usize;
                self.words += 1;
            }
        }
        jieba.add_word(REST, Some(TOTAL.saturating_sub(self.kept).max(1)), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same boundaries as jieba with its whole dictionary, on every
    /// line, sentence and clause of the seed book's articles.
    #[test]
    fn boundaries_are_those_of_the_whole_dictionary() {
        let full = Jieba::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
        let mut lines = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let parts = text.lines().flat_map(|l| {
                let clauses = l.split(['。', '，', '；']);
                std::iter::once(l).chain(l.split('。')).chain(clauses)
            });
            for line in parts.filter(|l| !l.trim().is_empty()) {
                let expected: Vec<usize> = full
                    .cut(line, false)
                    .iter()
                    .map(|t| t.byte_end)
                    .filter(|&e| e > 0 && e < line.len())
                    .collect();
                assert_eq!(boundaries(line), expected, "{line}");
                lines += 1;
            }
        }
        assert!(lines > 500, "{lines} texts");
    }

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

    /// The shared segmenter, having learnt other texts, segments a text as
    /// one made for it alone.
    #[test]
    fn the_shared_segmenter_answers_as_a_fresh_one() {
        let texts = [
            "全面深化改革先行区",
            "以实干实绩实效在加快建设全面深化改革先行区中展现奉节新作为",
            "学思践悟：领导干部学习笔谈",
            "改革开放四十年",
            "Notes on 新质生产力 and growth",
        ];
        for t in texts.iter().chain(texts.iter().rev()) {
            let fresh = Segmenter::for_texts([*t]).boundaries(t);
            assert_eq!(boundaries(t), fresh, "{t}");
        }
    }
}
