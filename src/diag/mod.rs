//! Diagnostics: one problem, with its stable rule id, the file and place it
//! is about, a message and perhaps a hint. Build errors, import warnings and
//! the checker's findings are all [`Diagnostic`]s; every rule id is listed
//! in [`rules`] or the checker's rule table.

pub mod rules;

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// Where a problem is: a line and column in a source file, or an entry,
/// page or object inside a checked EPUB or PDF. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// Path of the entry inside an EPUB container.
    pub entry: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// 1-based PDF page number.
    pub page: Option<u32>,
    /// PDF object, e.g. `12 0 R`.
    pub object: Option<String>,
}

impl Location {
    pub fn none() -> Self {
        Location::default()
    }

    /// Line and column in a source file (0 means unknown).
    pub fn at(line: u32, column: u32) -> Self {
        Location {
            line: (line > 0).then_some(line),
            column: (line > 0).then_some(column),
            ..Location::default()
        }
    }

    pub fn entry(entry: &str) -> Self {
        Location {
            entry: Some(entry.to_string()),
            ..Location::default()
        }
    }

    pub fn entry_at(entry: &str, line: u32, column: u32) -> Self {
        Location {
            entry: Some(entry.to_string()),
            line: Some(line),
            column: Some(column),
            ..Location::default()
        }
    }

    pub fn page(page: usize) -> Self {
        Location {
            page: Some(page as u32),
            ..Location::default()
        }
    }

    pub fn object(num: u32, generation: u16) -> Self {
        Location {
            object: Some(format!("{num} {generation} R")),
            ..Location::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Location::default()
    }
}

impl fmt::Display for Location {
    /// `entry:line:column, page N, object N G R` — the parts that are set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(e) = &self.entry {
            let mut s = e.clone();
            if let Some(l) = self.line {
                s.push_str(&format!(":{l}"));
                if let Some(c) = self.column {
                    s.push_str(&format!(":{c}"));
                }
            }
            parts.push(s);
        }
        if let Some(p) = self.page {
            parts.push(format!("page {p}"));
        }
        if let Some(o) = &self.object {
            parts.push(format!("object {o}"));
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// One problem, from any stage: a build, an import, or the checker. Its
/// rule id is stable (scripts may rely on it) and listed by
/// `bindery check --list-rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub rule: String,
    /// The file it is about (a source file, or the checked file).
    pub file: Option<PathBuf>,
    /// Boxed: most diagnostics travel in `Result`s, which stay small.
    pub location: Box<Location>,
    pub message: String,
    /// What to do about it, when there is more to say than the message.
    pub hint: Option<String>,
}

/// Rule of diagnostics made without one: the stage reports the problem
/// but has not named it yet.
pub const UNNAMED: &str = "build.error";

impl Diagnostic {
    pub fn error_at(file: &Path, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule: UNNAMED.to_string(),
            file: Some(file.to_path_buf()),
            location: Box::new(Location::at(line, column)),
            message: message.into(),
            hint: None,
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
            file: None,
            ..Diagnostic::error_at(Path::new(""), 0, 0, message)
        }
    }

    /// A finding of the checker inside a file (the file is named by the
    /// report it belongs to).
    pub fn finding(
        rule: &str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            rule: rule.to_string(),
            file: None,
            location: Box::new(location),
            message: message.into(),
            hint: None,
        }
    }

    /// The same problem under its stable rule id.
    pub fn rule(mut self, rule: &str) -> Self {
        self.rule = rule.to_string();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Line in the source file, 0 when unknown.
    pub fn line(&self) -> u32 {
        self.location.line.unwrap_or(0)
    }

    /// Column (in characters) in the source file, 0 when unknown.
    pub fn column(&self) -> u32 {
        self.location.column.unwrap_or(0)
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
            if let (Some(l), Some(c)) = (self.location.line, self.location.column) {
                write!(f, ":{l}:{c}")?;
            }
            write!(f, ": ")?;
        }
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        // One line per problem: line ends in a message are escaped too.
        write!(f, "{sev}: {}", escape_controls(&self.message))?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {})", escape_controls(h))?;
        }
        Ok(())
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
