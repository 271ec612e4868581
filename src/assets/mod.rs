//! Assets: the images a book shows and its cover, each opened once and
//! handed to every edition.

pub mod cover;

use cover::Cover;

/// The book's assets.
#[derive(Debug, Clone)]
pub struct Assets {
    pub cover: Cover,
}
