//! A set of characters kept as one bit per code point (136 KiB), for
//! passes that ask about the same few thousand characters many times: an
//! insertion or a lookup is one word's test, where a tree or hash set
//! costs a search and an allocation.

#[derive(Clone)]
pub struct CharBits(Vec<u64>);

impl Default for CharBits {
    fn default() -> Self {
        CharBits(vec![0; (char::MAX as usize + 1).div_ceil(64)])
    }
}

impl CharBits {
    fn at(c: char) -> (usize, u64) {
        (c as usize / 64, 1u64 << (c as usize % 64))
    }

    /// Adds `c`; whether it was not there before.
    pub fn insert(&mut self, c: char) -> bool {
        let (w, b) = Self::at(c);
        let new = self.0[w] & b == 0;
        self.0[w] |= b;
        new
    }

    pub fn contains(&self, c: char) -> bool {
        let (w, b) = Self::at(c);
        self.0[w] & b != 0
    }

    /// The characters, in code point order.
    pub fn iter(&self) -> impl Iterator<Item = char> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let i = w * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(i)
            })
            .filter_map(|i| char::from_u32(i as u32))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CharBits;

    #[test]
    fn inserts_once_and_lists_in_order() {
        let mut s = CharBits::default();
        assert!(s.insert('中'));
        assert!(s.insert('a'));
        assert!(s.insert('\u{10FFFF}'));
        assert!(!s.insert('中'));
        assert!(s.contains('a') && !s.contains('b'));
        assert_eq!(s.iter().collect::<String>(), "a中\u{10FFFF}");
    }
}
