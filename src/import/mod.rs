//! `bindery import`: a raw newspaper page (plain text extracted from print)
//! becomes an editable book source folder.

pub mod decode;
pub mod page;
pub mod write;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Failure, io_error};
use crate::output::write_atomic;

/// What an import did, for the command's report and the tests.
#[derive(Debug)]
pub struct ImportReport {
    pub encoding: decode::Encoding,
    pub page: page::Page,
    pub written: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads `page_path` and writes the book sources into `into`. Refuses to
/// overwrite an existing `book.toml` unless `force`.
pub fn import(page_path: &Path, into: &Path, force: bool) -> Result<ImportReport, Failure> {
    let bytes = std::fs::read(page_path).map_err(|e| io_error(page_path, &e))?;
    let (text, encoding) = decode::decode(&bytes)
        .map_err(|e| Diagnostic::error_at(page_path, e.line, e.column, e.message))?;
    let page = page::parse(&text)
        .map_err(|e| Diagnostic::error_at(page_path, e.line as u32, 1, e.message))?;
    let target = into.join("book.toml");
    if target.exists() && !force {
        return Err(Diagnostic::error_file(
            &target,
            "already exists; import into an empty folder or pass --force to replace the book",
        )
        .into());
    }
    let source_name = page_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Same page, same identifier: re-importing reproduces the book exactly.
    let identifier = format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, text.as_bytes())
    );
    let mut written = Vec::new();
    for f in write::book_files(&page, &source_name, &identifier) {
        let path = into.join(&f.name);
        write_atomic(&path, f.text.as_bytes())?;
        written.push(path);
    }
    let warnings = page
        .warnings
        .iter()
        .map(|w| Diagnostic::warning_at(page_path, w.line as u32, 1, w.message.clone()))
        .collect();
    Ok(ImportReport {
        encoding,
        page,
        written,
        warnings,
    })
}
