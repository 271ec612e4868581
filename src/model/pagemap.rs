//! Where the print edition's pages begin, handed from the PDF typesetter to
//! the EPUB writer so the EPUB can carry a page-list of the printed pages.

/// One printed page's start, located in the book model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    /// The label printed on the page (`1`, `2`, … or `iii` in front matter).
    pub label: String,
    /// Chapter index in `Book::chapters`.
    pub chapter: usize,
    /// Index of the top-level block in `Chapter::blocks` the page starts in;
    /// `None` when the page starts with the chapter's title.
    pub block: Option<usize>,
    /// Character offset inside that block's plain text (`model::block_text`)
    /// where the page's first line begins.
    pub offset: usize,
}

/// Page starts of the body pages, in order. Front matter pages (cover, title,
/// contents) are not included: they have no place in the EPUB's chapters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap {
    pub pages: Vec<PageStart>,
}
