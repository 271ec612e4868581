//! The books both benchmarks measure: the seed book and bigger books made by
//! repeating its articles.

use std::path::Path;

use bindery::model::Book;
use bindery::pipeline::Prepared;

/// Loads the seed book and prepares it as a build does.
pub fn load() -> Prepared {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    Prepared::load(&root).expect("seed prepares")
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
