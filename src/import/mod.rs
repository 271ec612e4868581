//! `bindery import`: a raw newspaper page (plain text extracted from print)
//! becomes an editable book source folder.

pub mod breaks;
pub mod decode;
pub mod page;
pub mod report;
pub mod script;
pub mod text;
pub mod write;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Failure, io_error};
use crate::output::write_all;

/// Largest page read: a newspaper page is tens of kilobytes; a whole
/// book's text a few megabytes.
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

/// What an import did, for the command's report and the tests.
#[derive(Debug)]
pub struct ImportReport {
    pub encoding: decode::Encoding,
    pub script: script::Script,
    pub page: page::Page,
    pub written: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads `page_path` and writes the book sources into `into`. Refuses to
/// replace any existing file unless `force`. Every message has its control
/// characters escaped.
pub fn import(page_path: &Path, into: &Path, force: bool) -> Result<ImportReport, Failure> {
    run(page_path, into, force).map_err(|f| Failure(f.0.into_iter().map(escape_diag).collect()))
}

fn run(page_path: &Path, into: &Path, force: bool) -> Result<ImportReport, Failure> {
    let bytes = read_page(page_path).map_err(|d| d.rule("import.read"))?;
    let (text, encoding) = decode::decode(&bytes).map_err(|e| {
        Diagnostic::error_at(page_path, e.line, e.column, e.message).rule("import.encoding")
    })?;
    let page = page::parse(&text).map_err(|e| {
        Diagnostic::error_at(page_path, e.line as u32, 1, e.message).rule("import.page")
    })?;
    let script = script::detect(&text);
    let source_name = page_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Same page, same identifier: re-importing reproduces the book exactly.
    let identifier = format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, text.as_bytes())
    );
    let files = write::book_files(&page, &source_name, &identifier, script.language);
    if into.exists() && !into.is_dir() {
        return Err(
            Diagnostic::error_file(into, "is not a folder; import into a folder")
                .rule("import.overwrite")
                .into(),
        );
    }
    if !force {
        refuse_overwrite(into, &files)?;
    }
    // All the book's files or none of them.
    let out: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|f| (into.join(&f.name), f.text.as_bytes()))
        .collect();
    write_all(&out).map_err(|d| d.rule("output.write"))?;
    let written: Vec<PathBuf> = out.into_iter().map(|(p, _)| p).collect();
    let mut warnings: Vec<Diagnostic> = page
        .warnings
        .iter()
        .map(|w| Diagnostic::warning_at(page_path, w.line as u32, 1, &w.message).rule(w.rule))
        .collect();
    if script.mixed {
        warnings.push(
            Diagnostic::warning_at(
                page_path,
                1,
                1,
                format!(
                    "the page mixes scripts ({} traditional-only and {} simplified-only \
                 characters); language = \"{}\" is written to book.toml: check it",
                    script.traditional, script.simplified, script.language
                ),
            )
            .rule("import.script"),
        );
    }
    warnings.extend(uncovered(page_path, &text));
    Ok(ImportReport {
        encoding,
        script,
        page,
        written,
        warnings: warnings.into_iter().map(escape_diag).collect(),
    })
}

/// A warning at every character of the page that no bundled face and no
/// installed face has: the build would stop there.
fn uncovered(page_path: &Path, text: &str) -> Vec<Diagnostic> {
    let missing = crate::fonts::coverage::uncovered_in(text);
    if missing.is_empty() {
        return Vec::new();
    }
    // One pass with a running line and column: a page full of such
    // characters stays linear.
    let (mut line, mut column) = (1u32, 1u32);
    let mut out = Vec::new();
    for c in text.chars() {
        if missing.contains(&c) {
            let msg = format!(
                "character {c} (U+{:04X}) is in no font: the build will stop here unless a \
                 font that has it is added to [fonts] fallback, or it is built with \
                 --missing placeholder",
                c as u32
            );
            out.push(Diagnostic::warning_at(page_path, line, column, msg).rule("import.coverage"));
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    out
}

/// The page's bytes: only a regular file, at most [`MAX_PAGE_BYTES`],
/// refused before reading otherwise (a FIFO or device would block or never
/// end).
fn read_page(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    check_kind(path, &meta)?;
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    // The file may have been swapped since the first look.
    let meta = file.metadata().map_err(|e| io_error(path, &e))?;
    check_kind(path, &meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(too_large(path));
    }
    Ok(bytes)
}

fn check_kind(path: &Path, meta: &std::fs::Metadata) -> Result<(), Diagnostic> {
    if meta.is_dir() {
        return Err(Diagnostic::error_file(
            path,
            "is a folder, not a page: give the text file to import",
        ));
    }
    if !meta.is_file() {
        return Err(Diagnostic::error_file(
            path,
            "is not a regular file (a pipe, device or socket); pages are read only from \
             regular files",
        ));
    }
    if meta.len() > MAX_PAGE_BYTES {
        return Err(too_large(path));
    }
    Ok(())
}

fn too_large(path: &Path) -> Diagnostic {
    Diagnostic::error_file(
        path,
        format!(
            "is larger than {} MiB, the limit for a page; split it into several pages",
            MAX_PAGE_BYTES / (1024 * 1024)
        ),
    )
}

/// Errors naming every file the import would replace.
fn refuse_overwrite(into: &Path, files: &[write::SourceFile]) -> Result<(), Failure> {
    let existing: Vec<Diagnostic> = files
        .iter()
        .map(|f| into.join(&f.name))
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| {
            Diagnostic::error_file(
                &p,
                "already exists; import into an empty folder or pass --force to replace it",
            )
            .rule("import.overwrite")
        })
        .collect();
    if existing.is_empty() {
        Ok(())
    } else {
        Err(Failure(existing))
    }
}

/// Control characters (BEL, ESC, NUL, DEL, C1) shown as `\u{7}`, so no
/// message can drive the terminal.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn escape_diag(mut d: Diagnostic) -> Diagnostic {
    d.message = escape_controls(&d.message);
    if let Some(f) = &d.file {
        let shown = f.to_string_lossy();
        if shown.chars().any(char::is_control) {
            d.file = Some(PathBuf::from(escape_controls(&shown)));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(
            escape_controls("a\u{7}b\u{1b}[0m\0"),
            "a\\u{7}b\\u{1b}[0m\\u{0}"
        );
        assert_eq!(escape_controls("正文。"), "正文。");
    }
}
