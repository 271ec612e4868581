//! The EPUB archive: `mimetype` first and stored, then the files in a fixed
//! order with one fixed timestamp, so the same sources give the same bytes.

use std::io::{Cursor, Write};

use zip::write::{PreparedZipFile, SimpleFileOptions};
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diag::{Diagnostic, Failure};

pub(super) const CONTAINER_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

/// An entry's bytes: at hand, or the cover's, which may still be being
/// encoded on its own thread.
pub(super) enum Body<'a> {
    Bytes(&'a [u8]),
    Cover(&'a crate::assets::cover::Cover),
}

impl Body<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Bytes(b) => b,
            Body::Cover(c) => c.bytes(),
        }
    }
}

/// One file of the archive: its name, bytes, and whether it is deflated
/// (else stored).
pub(super) type Entry<'a> = (String, Body<'a>, bool);

pub(super) fn zip_epub(files: &[Entry<'_>], modified: i64) -> Result<Vec<u8>, Failure> {
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
    let stored = base.compression_method(CompressionMethod::Stored);
    let mut deflated = deflate_all(files, base.compression_method(CompressionMethod::Deflated))
        .map_err(|e| fail(&e))?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(512 * 1024)));
    // The mimetype entry comes first and is stored, so the file type can
    // be read at a fixed offset.
    zip.start_file("mimetype", stored).map_err(|e| fail(&e))?;
    zip.write_all(b"application/epub+zip")
        .map_err(|e| fail(&e))?;
    for ((name, body, _), prepared) in files.iter().zip(&mut deflated) {
        match prepared.take() {
            Some(p) => zip.add_prepared_file(p).map_err(|e| fail(&e))?,
            None => {
                zip.start_file(name.as_str(), stored)
                    .map_err(|e| fail(&e))?;
                zip.write_all(body.bytes()).map_err(|e| fail(&e))?;
            }
        }
    }
    let out = zip.finish().map_err(|e| fail(&e))?;
    Ok(out.into_inner())
}

/// The deflated entries compressed beside each other, on every core, the
/// largest first (each thread takes the largest left, so none is left
/// alone at the end with a big one): each entry is a deflate stream of its
/// own, so the bytes are those compressed one after another. Stored
/// entries are None.
fn deflate_all(
    files: &[Entry<'_>],
    options: SimpleFileOptions,
) -> zip::result::ZipResult<Vec<Option<PreparedZipFile>>> {
    let mut order: Vec<usize> = (0..files.len()).filter(|&i| files[i].2).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].1.bytes().len()));
    let done = crate::par::map_in_order(
        order.len(),
        usize::MAX,
        || (),
        |(), k| {
            let (name, body, _) = &files[order[k]];
            PreparedZipFile::from_data(name, options, body.bytes())
        },
    );
    let mut out: Vec<Option<PreparedZipFile>> = (0..files.len()).map(|_| None).collect();
    for (i, p) in order.into_iter().zip(done) {
        out[i] = Some(p?);
    }
    Ok(out)
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
