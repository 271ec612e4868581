//! The books both benchmarks measure: the seed book and bigger books made by
//! repeating its articles.

use std::path::Path;

use bindery::fonts::FontSet;
use bindery::model::Book;

/// Loads the seed book and its fonts, as a build does.
pub fn load() -> (Book, FontSet) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    let book = bindery::source::load_book(&root).expect("seed loads");
    let fonts =
        FontSet::load(&book.fonts, &book.root, &book.root.join("book.toml")).expect("fonts load");
    (book, fonts)
}

/// A book of `n` articles: the seed's articles over and over, with ids of
/// their own.
pub fn repeated(book: &Book, n: usize) -> Book {
    let mut big = book.clone();
    big.chapters = (0..n)
        .map(|i| {
            let mut ch = book.chapters[i % book.chapters.len()].clone();
            ch.id = format!("ch{:03}", i + 1);
            ch
        })
        .collect();
    big
}
