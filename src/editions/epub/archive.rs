//! The EPUB archive: `mimetype` first and stored, then the files in a fixed
//! order with one fixed timestamp, so the same sources give the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diag::{Diagnostic, Failure};

pub(super) const CONTAINER_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

pub(super) fn zip_epub(files: &[(String, &[u8], bool)], modified: i64) -> Result<Vec<u8>, Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        Failure::from(
            Diagnostic::error(format!("writing the EPUB archive: {e}")).rule("epub.write"),
        )
    };
    let t = crate::date::Utc::from_unix(modified);
    // ZIP (DOS) times run from 1980 to 2107.
    let time = if t.year < 1980 {
        DateTime::default()
    } else {
        DateTime::from_date_and_time(
            t.year.min(2107) as u16,
            t.month,
            t.day,
            t.hour,
            t.minute,
            t.second,
        )
        .unwrap_or_default()
    };
    let base = SimpleFileOptions::default()
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(512 * 1024)));
    // The mimetype entry comes first and is stored, so the file type can
    // be read at a fixed offset.
    zip.start_file(
        "mimetype",
        base.compression_method(CompressionMethod::Stored),
    )
    .map_err(|e| fail(&e))?;
    zip.write_all(b"application/epub+zip")
        .map_err(|e| fail(&e))?;
    for (name, bytes, deflate) in files {
        let opts = if *deflate {
            base.compression_method(CompressionMethod::Deflated)
        } else {
            base.compression_method(CompressionMethod::Stored)
        };
        zip.start_file(name.as_str(), opts).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    let out = zip.finish().map_err(|e| fail(&e))?;
    Ok(out.into_inner())
}

/// `CCYY-MM-DDThh:mm:ssZ`, the form `dcterms:modified` requires.
pub fn format_timestamp(secs: i64) -> String {
    let t = crate::date::Utc::from_unix(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day) 12:34:56 UTC.
        assert_eq!(format_timestamp(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(format_timestamp(1_767_225_599), "2025-12-31T23:59:59Z");
    }
}
