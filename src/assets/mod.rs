//! Assets: the images a book shows and its cover, each opened once —
//! confined to the book folder, identified by content, held to size and
//! pixel limits, decoded once — and handed to every edition with its real
//! media type. An image neither edition can use is an error with the
//! position of the reference, never a silent drop.

pub mod cover;
pub mod image;
mod raster;
pub mod svg;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cover::Cover;
pub use image::{Format, Image};

use crate::diag::Failure;
use crate::fonts::FontSet;
use crate::model::{Block, Book};

/// The book's assets.
#[derive(Debug, Clone)]
pub struct Assets {
    pub cover: Cover,
    pub images: Vec<Image>,
    by_path: HashMap<PathBuf, usize>,
}

impl Assets {
    /// Opens every image the chapters show and prepares the cover; every
    /// problem is reported, each at the place that names the file.
    pub fn load(book: &Book, fonts: &FontSet) -> Result<Assets, Failure> {
        let (images, by_path, mut problems) = open_images(book, fonts);
        match cover::prepare(book, fonts) {
            Ok(cover) if problems.is_empty() => Ok(Assets {
                cover,
                images,
                by_path,
            }),
            Ok(_) => Err(Failure(problems)),
            Err(f) => {
                problems.extend(f.0);
                Err(Failure(problems))
            }
        }
    }

    /// The problems [`Assets::load`] would find, without drawing a
    /// typographic cover: for a build that has already failed.
    pub fn problems(book: &Book, fonts: &FontSet) -> Vec<crate::diag::Diagnostic> {
        let (_, _, mut problems) = open_images(book, fonts);
        if book.cover.is_some()
            && let Err(f) = cover::prepare(book, fonts)
        {
            problems.extend(f.0);
        }
        problems
    }

    /// Assets with only a cover (a book without images).
    pub fn with_cover(cover: Cover) -> Assets {
        Assets {
            cover,
            images: Vec::new(),
            by_path: HashMap::new(),
        }
    }

    /// The image at `path` (as the model names it).
    pub fn image(&self, path: &Path) -> Option<&Image> {
        self.by_path.get(path).and_then(|&i| self.images.get(i))
    }
}

type Opened = (
    Vec<Image>,
    HashMap<PathBuf, usize>,
    Vec<crate::diag::Diagnostic>,
);

/// Every image the chapters show, opened once; problems at the first
/// reference to each file.
fn open_images(book: &Book, fonts: &FontSet) -> Opened {
    let mut problems = Vec::new();
    let mut images = Vec::new();
    let mut by_path = HashMap::new();
    let mut refs = Vec::new();
    for ch in &book.chapters {
        image_blocks(&ch.blocks, &mut refs);
        for f in &ch.footnotes {
            image_blocks(&f.blocks, &mut refs);
        }
    }
    for (path, pos) in refs {
        if by_path.contains_key(path) {
            continue;
        }
        match image::open(path, &book.root, pos, fonts) {
            Ok(img) => {
                by_path.insert(path.to_path_buf(), images.len());
                images.push(img);
            }
            Err(d) => {
                by_path.insert(path.to_path_buf(), usize::MAX);
                problems.push(d);
            }
        }
    }
    (images, by_path, problems)
}

fn image_blocks<'b>(blocks: &'b [Block], out: &mut Vec<(&'b Path, &'b crate::model::SourcePos)>) {
    for b in blocks {
        match b {
            Block::Image { path, pos, .. } => out.push((path, pos)),
            // An image inside a paragraph stands in its text.
            Block::Paragraph { content, .. } => {
                for i in content {
                    if let crate::model::Inline::Image { path, pos, .. } = i {
                        out.push((path, pos));
                    }
                }
            }
            Block::Quote { blocks, .. } => image_blocks(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| image_blocks(i, out)),
            _ => {}
        }
    }
}
