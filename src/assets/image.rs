//! Opening one image: a regular file inside the book folder (after
//! following symlinks), read with a size cap, identified by its content —
//! never by its extension —, its dimensions read from the header and held
//! to a pixel limit before anything is decoded, then decoded once within a
//! memory budget so a corrupt file is found here, with its position.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use image::{ImageFormat, ImageReader, Limits};

use super::svg::SvgImage;
use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::model::SourcePos;
use crate::source::files::{self, Confine};

/// Images larger than this are refused before they are read.
pub const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;
/// Images with more pixels than this are refused before they are decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Memory a decoder may allocate for one image.
const MAX_DECODE_ALLOC: u64 = 4 * MAX_PIXELS + 64 * 1024 * 1024;

/// The image formats both editions show. EPUB 3 takes all of them as they
/// are; the PDF draws the raster ones as images and SVG as vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Svg => "image/svg+xml",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Svg => "svg",
        }
    }

    /// The format of `bytes`, from their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if super::svg::looks_like_svg(bytes) {
            Some(Format::Svg)
        } else {
            None
        }
    }

    fn image_format(self) -> Option<ImageFormat> {
        match self {
            Format::Png => Some(ImageFormat::Png),
            Format::Jpeg => Some(ImageFormat::Jpeg),
            Format::Gif => Some(ImageFormat::Gif),
            Format::Webp => Some(ImageFormat::WebP),
            Format::Svg => None,
        }
    }
}

/// An image of the book, opened once, for every edition.
#[derive(Debug, Clone)]
pub struct Image {
    /// The file, as the model names it (joined to the book folder).
    pub path: std::path::PathBuf,
    pub bytes: Arc<Vec<u8>>,
    pub format: Format,
    /// Size in pixels (for SVG, in CSS pixels).
    pub width: f32,
    pub height: f32,
    /// The parsed drawing of an SVG image.
    pub svg: Option<SvgImage>,
}

/// What a file name a book gives turned out to be, for messages.
fn what_it_is(bytes: &[u8]) -> &'static str {
    if bytes.is_empty() {
        "an empty file"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
        "text"
    } else {
        "data of an unknown kind"
    }
}

/// Reads a regular file inside `root` with a size cap. The message names
/// the file as the book does (`what` and its path in the book folder) and
/// never says whether a path outside the book exists.
pub fn read_confined(
    path: &Path,
    root: &Path,
    max: u64,
    what: &str,
    at: &dyn Fn(String) -> Diagnostic,
) -> Result<Vec<u8>, Diagnostic> {
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    files::read(path, root, Confine::Book, max).map_err(|r| at(r.message(what, &shown)))
}

/// Opens the image at `path` (referred to at `pos`).
pub fn open(
    path: &Path,
    root: &Path,
    pos: &SourcePos,
    fonts: &FontSet,
) -> Result<Image, Diagnostic> {
    let at = |m: String| Diagnostic::error_at(&pos.file, pos.line, pos.column, m);
    let bytes = read_confined(path, root, MAX_IMAGE_BYTES, "image", &at)
        .map_err(|d| d.rule("assets.image"))?;
    let at = |m: String| at(m).rule("assets.image.format");
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    let Some(format) = Format::sniff(&bytes) else {
        return Err(at(format!(
            "image {shown} is {}, not a PNG, JPEG, GIF, WebP or SVG image",
            what_it_is(&bytes)
        )));
    };
    let (width, height, svg) = match format.image_format() {
        Some(f) => {
            let (w, h) = check_raster(&bytes, f).map_err(|m| at(format!("image {shown}: {m}")))?;
            (w as f32, h as f32, None)
        }
        None => {
            let svg = SvgImage::parse(&bytes, fonts)
                .map_err(|m| at(format!("image {shown}: {m}")).rule("assets.svg"))?;
            (svg.width, svg.height, Some(svg))
        }
    };
    Ok(Image {
        path: path.to_path_buf(),
        bytes: Arc::new(bytes),
        format,
        width,
        height,
        svg,
    })
}

/// Dimensions from the header, held to [`MAX_PIXELS`], then one decode
/// within a memory budget to prove the file whole.
fn check_raster(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), String> {
    let reader = || ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|e| format!("unreadable {format:?} header: {e}"))?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_PIXELS || w == 0 || h == 0 {
        return Err(format!(
            "{w}×{h} pixels; images may have at most {} million pixels",
            MAX_PIXELS / 1_000_000
        ));
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut r = reader();
    r.limits(limits);
    r.decode()
        .map_err(|e| format!("corrupt or unsupported {format:?} data: {e}"))?;
    Ok((w, h))
}
