//! `bindery init`: a new book folder holding a commented `book.toml` and two
//! short example chapters that between them use every Markdown feature the
//! build supports, with a small generated figure. The book builds and passes
//! `bindery build --check` as written.

mod figure;

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diag::{Diagnostic, Failure, io_error};

const BOOK_TOML: &str = include_str!("book.toml");
const CHAPTER_1: &str = include_str!("01.md");
const CHAPTER_2: &str = include_str!("02.md");
const FIGURE: &str = "images/figure.png";
const DEFAULT_TITLE: &str = "我的第一本书";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the book in.
    #[arg(default_value = "book")]
    pub dir: PathBuf,
    /// The book's title.
    #[arg(long, default_value = DEFAULT_TITLE)]
    pub title: String,
    /// Write into a folder that is not empty (files with the same names are replaced).
    #[arg(long)]
    pub force: bool,
}

/// Writes the new book into `dir` and returns the files written.
pub fn init(dir: &Path, title: &str, force: bool) -> Result<Vec<PathBuf>, Failure> {
    check_title(title)?;
    check_folder(dir, force)?;
    let files: [(&str, Vec<u8>); 4] = [
        ("book.toml", book_toml(dir, title).into_bytes()),
        ("01.md", CHAPTER_1.as_bytes().to_vec()),
        ("02.md", CHAPTER_2.as_bytes().to_vec()),
        (FIGURE, figure::png()),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_error(&path, &e))?;
        written.push(path);
    }
    Ok(written)
}

fn check_title(title: &str) -> Result<(), Failure> {
    if title.trim().is_empty() {
        return Err(Diagnostic::error("--title is empty: a book needs a title").into());
    }
    if title.chars().any(char::is_control) {
        return Err(Diagnostic::error("--title must be one line of text").into());
    }
    Ok(())
}

/// A folder that holds anything is refused without `force`: a new book
/// must not mix with (or overwrite) someone's files unasked.
fn check_folder(dir: &Path, force: bool) -> Result<(), Failure> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(Diagnostic::error_file(
                    dir,
                    "the folder is not empty; choose a new folder, or add --force to write the example book into it (files with the same names are replaced)",
                )
                .into());
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(dir, &e).into()),
    }
}

fn book_toml(dir: &Path, title: &str) -> String {
    BOOK_TOML
        .replace("@TITLE@", &toml_string(title))
        .replace("@IDENTIFIER@", &identifier(dir, title))
}

/// A stable identifier written into `book.toml`, so that it stays the same
/// when the title is corrected later. Derived from the title and the
/// folder's absolute path: the same command gives the same file.
fn identifier(dir: &Path, title: &str) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let seed = format!("bindery init\u{0}{title}\u{0}{}", abs.display());
    format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, seed.as_bytes())
    )
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_escaped_for_toml() {
        assert_eq!(toml_string("书"), "\"书\"");
        assert_eq!(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        let text = book_toml(Path::new("x"), "引号\"与\\反斜杠");
        let settings = crate::source::config::read(Path::new("book.toml"), text);
        let book = crate::source::config::book(&settings).unwrap();
        assert_eq!(book.title, "引号\"与\\反斜杠");
    }

    #[test]
    fn control_characters_in_titles_are_refused() {
        assert!(check_title("一\n二").is_err());
        assert!(check_title("  ").is_err());
        assert!(check_title("书名").is_ok());
    }
}
