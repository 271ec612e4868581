//! `book.toml`: the book's settings, parsed with serde. Unknown keys are
//! errors (a typo must not be silently ignored); every option has a default.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, line_col};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookToml {
    pub book: BookSection,
    #[serde(default)]
    pub fonts: FontConfig,
    #[serde(default)]
    pub epub: EpubOptions,
    #[serde(default)]
    pub pdf: PdfOptions,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookSection {
    pub title: String,
    pub subtitle: Option<String>,
    pub section: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub editors: Vec<String>,
    pub publisher: Option<String>,
    /// Stable identifier; derived from the title when absent.
    pub identifier: Option<String>,
    pub isbn: Option<String>,
    pub date: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    /// Output file stem; derived from the folder name when absent.
    pub slug: Option<String>,
    /// Cover image, relative to the book folder.
    pub cover: Option<toml::Spanned<String>>,
    /// Chapter files in reading order, relative to the book folder.
    pub chapters: Vec<toml::Spanned<String>>,
}

fn default_language() -> String {
    "zh-CN".to_string()
}

/// Which fonts set the book. A face without `path` is the bundled
/// Noto Serif CJK SC face of that weight.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontConfig {
    #[serde(default)]
    pub regular: FontSource,
    #[serde(default)]
    pub bold: FontSource,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FontSource {
    /// TTF, OTF or TTC file, relative to the book folder or absolute.
    pub path: Option<String>,
    /// Face inside a collection: index or PostScript name. Default: face 0.
    pub face: Option<FaceSelector>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum FaceSelector {
    Index(u32),
    Name(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EpubOptions {
    /// Embed subsets of the fonts so readers without Chinese fonts show the text.
    pub embed_fonts: bool,
    /// Add a page-list with the print edition's page numbers when the PDF is built too.
    pub page_list: bool,
}

impl Default for EpubOptions {
    fn default() -> Self {
        EpubOptions {
            embed_fonts: true,
            page_list: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PdfOptions {
    /// Page width and height in millimetres (A4).
    pub page_width_mm: f32,
    pub page_height_mm: f32,
    /// Body size in points (10.5 pt is 五号).
    pub font_size: f32,
    /// Baseline-to-baseline distance as a multiple of the font size.
    pub line_pitch: f32,
    /// Margins in millimetres; inner/outer swap on left-hand pages when duplex.
    pub margin_top_mm: f32,
    pub margin_bottom_mm: f32,
    pub margin_inner_mm: f32,
    pub margin_outer_mm: f32,
    /// Mirror margins and start chapters on right-hand pages.
    pub duplex: bool,
    /// Write PDF/A-2u for archives.
    pub pdfa: bool,
    /// Write a tagged (structured, accessible) PDF.
    pub tagged: bool,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            page_width_mm: 210.0,
            page_height_mm: 297.0,
            font_size: 10.5,
            line_pitch: 1.7,
            margin_top_mm: 25.0,
            margin_bottom_mm: 25.0,
            margin_inner_mm: 25.0,
            margin_outer_mm: 25.0,
            duplex: false,
            pdfa: false,
            tagged: true,
        }
    }
}

/// Parses `book.toml` text; errors carry the file, line and column.
pub fn parse(text: &str, file: &Path) -> Result<BookToml, Diagnostic> {
    toml::from_str::<BookToml>(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        Diagnostic::error_at(file, line, column, e.message().trim().to_string())
    })
}
