//! Diagnostics: one problem, with the file, line and column it is about.
//! Every user-facing error of bindery ends up as a list of these.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: Option<PathBuf>,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Diagnostic {
    pub fn error_at(file: &Path, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file.to_path_buf()),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn warning_at(file: &Path, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error_at(file, line, column, message)
        }
    }

    /// An error about a whole file (no position inside it).
    pub fn error_file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic::error_at(file, 0, 0, message)
    }

    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
        }
    }
}

/// `s` with every control character written as an escape (`\u{7}`), so
/// text from the input can never drive the terminal a message is shown on.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", escape_controls(&file.display().to_string()))?;
            if self.line > 0 {
                write!(f, ":{}:{}", self.line, self.column)?;
            }
            write!(f, ": ")?;
        }
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        // One line per problem: line ends in a message are escaped too.
        write!(f, "{sev}: {}", escape_controls(&self.message))
    }
}

/// The error type of the library: one or more diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub Vec<Diagnostic>);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure(vec![d])
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// An I/O error about `path`, as a diagnostic.
pub fn io_error(path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error_file(path, err.to_string())
}

/// 1-based line and character column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_in_messages() {
        let d = Diagnostic::error_at(Path::new("a\u{1b}b.md"), 2, 3, "bell \u{7} and\nline");
        assert_eq!(
            d.to_string(),
            "a\\u{1b}b.md:2:3: error: bell \\u{7} and\\u{a}line"
        );
    }
}
