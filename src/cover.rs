//! The cover: one image shared by both editions (the EPUB's cover image and
//! the PDF's first page). A user's image is checked, scaled to at most
//! 1600×2560 and re-encoded; a book without one gets a typographic cover.

use std::io::Cursor;
use std::path::Path;

use image::{ImageFormat, ImageReader};

use crate::diag::Diagnostic;

pub const MAX_WIDTH: u32 = 1600;
pub const MAX_HEIGHT: u32 = 2560;

/// An encoded cover image, ready to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// Encoded image bytes (PNG or JPEG, see `media_type`).
    pub bytes: Vec<u8>,
    /// `image/png` or `image/jpeg`.
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
}

impl Cover {
    /// File extension matching the media type.
    pub fn extension(&self) -> &'static str {
        if self.media_type == "image/png" {
            "png"
        } else {
            "jpg"
        }
    }
}

/// Reads, checks and re-encodes a cover image file. Photographs stay JPEG,
/// everything else becomes PNG; re-encoding strips metadata and makes the
/// output independent of the input's encoder.
pub fn load_image(path: &Path) -> Result<Cover, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| crate::diag::io_error(path, &e))?;
    let reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| Diagnostic::error_file(path, format!("cover image unreadable: {e}")))?;
    let format = reader.format();
    let img = reader.decode().map_err(|e| {
        Diagnostic::error_file(path, format!("cover image is corrupt or not PNG/JPEG: {e}"))
    })?;
    let img = if img.width() > MAX_WIDTH || img.height() > MAX_HEIGHT {
        img.resize(MAX_WIDTH, MAX_HEIGHT, image::imageops::FilterType::Lanczos3)
    } else {
        img
    };
    let (media_type, out_format) = if format == Some(ImageFormat::Jpeg) {
        ("image/jpeg", ImageFormat::Jpeg)
    } else {
        ("image/png", ImageFormat::Png)
    };
    let img = if out_format == ImageFormat::Jpeg {
        image::DynamicImage::ImageRgb8(img.to_rgb8())
    } else {
        img
    };
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, out_format).map_err(|e| {
        Diagnostic::error_file(path, format!("cover image could not be re-encoded: {e}"))
    })?;
    Ok(Cover {
        bytes: out.into_inner(),
        media_type,
        width: img.width(),
        height: img.height(),
    })
}
