//! The editions: each turns the book into one file. An edition is a type
//! implementing [`Edition`], made from its own table of `book.toml` by the
//! function registered in [`EDITIONS`]; the pipeline builds the chosen ones
//! in registration order and hands each the products of those before it
//! (the print edition's page map, which the EPUB cites in its page-list).
//!
//! A new edition is one file (or folder) here plus one line in
//! [`EDITIONS`].

pub mod epub;
pub mod pdf;

use crate::assets::Assets;
use crate::diag::{Diagnostic, Failure};
use crate::fonts::FontSet;
use crate::model::Book;
use crate::model::pagemap::PageMap;
use crate::script::generated::Texts;
use crate::source::config::Settings;
use crate::style::DocumentClass;

/// What every edition reads.
#[derive(Clone, Copy)]
pub struct RenderContext<'a> {
    pub book: &'a Book,
    pub class: &'a DocumentClass,
    pub fonts: &'a FontSet,
    pub texts: &'a Texts,
    pub assets: &'a Assets,
    /// The date stamped into the file (Unix seconds).
    pub date: i64,
    /// Where each printed page starts, when a print edition was set first.
    pub page_map: Option<&'a PageMap>,
}

/// One edition's file, and what it hands to later editions.
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// Where each printed page starts (print editions).
    pub page_map: Option<PageMap>,
    /// What `bindery check` should expect of the file.
    pub expect: Expectations,
    /// What the edition could not do as the sources ask, with positions.
    pub warnings: Vec<Diagnostic>,
}

/// Promises an edition makes about its file, for `build --check`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expectations {
    /// Page size in points.
    pub page_size_pt: Option<(f32, f32)>,
    /// The EPUB embeds its fonts.
    pub embeds_fonts: bool,
}

pub trait Edition: Sync {
    /// The edition's name: its `book.toml` table and its `--only` name.
    fn name(&self) -> &'static str;
    /// File extension of its output.
    fn extension(&self) -> &'static str;
    fn render(&self, ctx: &RenderContext) -> Result<Rendered, Failure>;
    /// Renders in two steps: what later editions need (a print edition's
    /// page map) now, the file in `finish`, which the pipeline runs beside
    /// the editions after it. By default everything happens now.
    fn render_split<'a>(&'a self, ctx: &RenderContext<'a>) -> Result<Split<'a>, Failure> {
        let rendered = self.render(ctx)?;
        Ok(Split {
            page_map: rendered.page_map.clone(),
            warnings: rendered.warnings.clone(),
            finish: Box::new(move || Ok(rendered)),
        })
    }
}

/// An edition rendered up to what later editions need.
pub struct Split<'a> {
    pub page_map: Option<PageMap>,
    /// Everything the edition will warn about.
    pub warnings: Vec<Diagnostic>,
    pub finish: Box<dyn FnOnce() -> Result<Rendered, Failure> + Send + 'a>,
}

/// Makes an edition from `book.toml` (its own table) and the document class.
pub type Configure = fn(&Settings, &DocumentClass) -> Result<Box<dyn Edition>, Diagnostic>;

/// Every edition, in build order: one that sets pages before one that
/// cites them.
pub const EDITIONS: &[(&str, Configure)] = &[("pdf", pdf::configure), ("epub", epub::configure)];

/// The names of all editions.
pub fn names() -> Vec<&'static str> {
    EDITIONS.iter().map(|(n, _)| *n).collect()
}
