//! `book.toml`: the `[book]` table (metadata, chapters), `[fonts]` (faces
//! and the roles they set), and one table per edition, which each edition
//! reads itself through [`Settings::table`]. Unknown keys and tables are
//! errors (a typo must not be silently ignored); every option has a default.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diag::{Diagnostic, line_col};
use crate::style::FontRole;

/// The text of `book.toml`, kept so that every table can be read with the
/// positions of its keys.
#[derive(Debug, Clone)]
pub struct Settings {
    pub file: PathBuf,
    pub text: String,
}

impl Settings {
    /// A diagnostic at byte `offset` of the file.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(&self.text, offset);
        Diagnostic::error_at(&self.file, line, column, message).rule("source.book-toml")
    }

    fn de_error(&self, e: &toml::de::Error, prefix: &str) -> Diagnostic {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let message = explain_date(&self.text, offset, e.message().trim());
        self.error_at(offset, format!("{prefix}{message}"))
    }

    fn root(&self) -> Result<Spanned<DeTable<'_>>, Diagnostic> {
        DeTable::parse(&self.text).map_err(|e| self.de_error(&e, ""))
    }

    /// The top-level table `name`, deserialized; `None` when absent.
    pub fn table<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Diagnostic> {
        let root = self.root()?;
        let Some(value) = root.get_ref().get(name) else {
            return Ok(None);
        };
        if !matches!(value.get_ref(), DeValue::Table(_)) {
            return Err(self.error_at(value.span().start, format!("`{name}` must be a table")));
        }
        T::deserialize(ValueDeserializer::from(value.clone()))
            .map(Some)
            .map_err(|e| self.de_error(&e, &format!("[{name}]: ")))
    }

    /// Top-level keys that are not in `known`, with their positions.
    pub fn unknown_tables(&self, known: &[&str]) -> Result<Vec<Diagnostic>, Diagnostic> {
        let root = self.root()?;
        Ok(root
            .get_ref()
            .iter()
            .filter(|(k, _)| !known.contains(&k.get_ref().as_ref()))
            .map(|(k, _)| {
                self.error_at(
                    k.span().start,
                    format!(
                        "unknown table `{}`; book.toml has the tables {}",
                        k.get_ref(),
                        known.join(", ")
                    ),
                )
            })
            .collect())
    }

    /// Byte span of `[table] key` in the file, for messages about a value.
    pub fn span_of(&self, table: &str, key: &str) -> Option<Range<usize>> {
        let root = self.root().ok()?;
        let t = root.get_ref().get(table)?;
        let DeValue::Table(t) = t.get_ref() else {
            return None;
        };
        t.get(key).map(|v| v.span())
    }
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
    pub slug: Option<Spanned<String>>,
    /// The document class (`style::PRESETS`); default `book`.
    pub style: Option<Spanned<String>>,
    /// Cover image, relative to the book folder.
    pub cover: Option<Spanned<String>>,
    /// Chapter files in reading order, relative to the book folder.
    pub chapters: Vec<Spanned<String>>,
    /// Set images up to the full measure even past their natural size (96
    /// pixels to the inch).
    #[serde(default)]
    pub enlarge_images: bool,
    /// Generated labels in the editor's words, by key
    /// (`script::generated::LABEL_KEYS`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn default_language() -> String {
    "zh-CN".to_string()
}

/// `[fonts]`: named faces, `[fonts.roles]`, `fallback` and `missing`. A
/// face is any other key; `regular` and `bold` without a path are the
/// bundled Noto Serif CJK SC faces. A role not named in `roles` uses the
/// document class's face.
#[derive(Debug, Clone)]
pub struct FontConfig {
    pub faces: BTreeMap<String, FontSource>,
    pub roles: BTreeMap<String, String>,
    /// Line and column of each face's entry in `book.toml`, for messages.
    pub positions: BTreeMap<String, (u32, u32)>,
    /// Where characters the book's faces lack are looked for, in order.
    pub fallback: Vec<Fallback>,
    pub missing: Missing,
    /// Byte offset of the `fallback` value in book.toml, for messages.
    pub fallback_at: Option<usize>,
}

impl Default for FontConfig {
    fn default() -> Self {
        FontConfig {
            faces: BTreeMap::new(),
            roles: BTreeMap::new(),
            positions: BTreeMap::new(),
            fallback: vec![Fallback::System],
            missing: Missing::Error,
            fallback_at: None,
        }
    }
}

/// One entry of `[fonts] fallback`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// A font file, relative to the book folder or absolute.
    Path(String),
    /// An installed family, by name.
    Family(String),
    /// Any installed face that has the character (`"system"`).
    System,
}

impl Fallback {
    /// A path when the entry looks like one (a folder separator or a font
    /// file extension), else a family name; `system` is the search.
    fn parse(s: &str) -> Fallback {
        let lower = s.to_ascii_lowercase();
        if lower == "system" {
            Fallback::System
        } else if s.contains('/')
            || s.contains('\\')
            || [".ttf", ".otf", ".ttc", ".otc"]
                .iter()
                .any(|e| lower.ends_with(e))
        {
            Fallback::Path(s.to_string())
        } else {
            Fallback::Family(s.to_string())
        }
    }
}

/// What becomes of a character no face has: `[fonts] missing`, or
/// `bindery build --missing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// The build fails, naming every occurrence.
    #[default]
    Error,
    /// The character is set as 〓 (U+3013), with a warning per occurrence.
    Placeholder,
}

impl std::str::FromStr for Missing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "error" => Ok(Missing::Error),
            "placeholder" => Ok(Missing::Placeholder),
            _ => Err(format!("unknown value {s:?}: use error or placeholder")),
        }
    }
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

/// A TOML date or time where text is wanted (`date = 2024-08-01`) is read
/// by TOML as a date, which serde reports as "invalid type: map": say
/// what happened and how to write it.
pub fn explain_date(text: &str, offset: usize, message: &str) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let literal: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+'))
        .collect();
    let is_date = literal.parse::<toml::value::Datetime>().is_ok()
        || rest
            .get(..literal.len() + 9)
            .is_some_and(|s| s.parse::<toml::value::Datetime>().is_ok());
    if message.contains("invalid type: map") && is_date {
        format!(
            "{literal} is an unquoted TOML date or time, which no key of bindery takes: write dates as text in quotes, \"{literal}\""
        )
    } else {
        message.to_string()
    }
}

/// Reads `[fonts]`, checking that role names exist.
pub fn fonts(settings: &Settings) -> Result<FontConfig, Diagnostic> {
    let Some(entries) = settings.table::<BTreeMap<String, Spanned<toml::Value>>>("fonts")? else {
        return Ok(FontConfig::default());
    };
    let mut config = FontConfig::default();
    for (key, entry) in entries {
        let at = entry.span().start;
        let value = entry.into_inner();
        if key == "roles" {
            let roles = BTreeMap::<String, String>::deserialize(value).map_err(|e| {
                settings.error_at(at, format!("[fonts.roles]: {}", e.message().trim()))
            })?;
            if let Some(bad) = roles.keys().find(|r| FontRole::from_key(r).is_none()) {
                let names: Vec<&str> = FontRole::ALL.iter().map(|r| r.key()).collect();
                return Err(settings.error_at(
                    at,
                    format!(
                        "unknown font role `{bad}`; the roles are {}",
                        names.join(", ")
                    ),
                ));
            }
            config.roles = roles;
        } else if key == "missing" {
            let text = value.as_str().unwrap_or_default();
            config.missing = text
                .parse()
                .map_err(|e| settings.error_at(at, format!("[fonts] missing: {e}")))?;
        } else if key == "fallback" {
            config.fallback_at = Some(at);
            config.fallback = match value {
                toml::Value::String(s) if s == "none" => Vec::new(),
                toml::Value::String(s) => vec![Fallback::parse(&s)],
                toml::Value::Array(list) => list
                    .iter()
                    .map(|v| v.as_str().map(Fallback::parse))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        settings.error_at(at, "[fonts] fallback: a list of strings (font paths or family names, or \"system\")")
                    })?,
                _ => {
                    return Err(settings.error_at(
                        at,
                        "[fonts] fallback: \"system\", \"none\" or a list of font paths and family names",
                    ));
                }
            };
        } else {
            let source = FontSource::deserialize(value).map_err(|e| {
                settings.error_at(at, format!("[fonts] {key}: {}", e.message().trim()))
            })?;
            config
                .positions
                .insert(key.clone(), line_col(&settings.text, at));
            config.faces.insert(key, source);
        }
    }
    Ok(config)
}

/// Reads `[book]`, which is required.
pub fn book(settings: &Settings) -> Result<BookSection, Diagnostic> {
    let b = settings.table::<BookSection>("book")?.ok_or_else(|| {
        Diagnostic::error_file(
            &settings.file,
            "missing [book] table: a book needs at least a title and its chapters",
        )
        .rule("source.book-toml")
    })?;
    check_labels(settings, &b.labels)?;
    Ok(b)
}

/// `[book] labels`: known keys, texts that are not empty and hold no
/// control character.
fn check_labels(settings: &Settings, labels: &BTreeMap<String, String>) -> Result<(), Diagnostic> {
    use crate::script::generated::LABEL_KEYS;
    let at = settings.span_of("book", "labels").map_or(0, |s| s.start);
    for (key, value) in labels {
        if !LABEL_KEYS.contains(&key.as_str()) {
            return Err(settings.error_at(
                at,
                format!(
                    "[book] labels: unknown label `{key}`; the labels are {}",
                    LABEL_KEYS.join(", ")
                ),
            ));
        }
        if value.trim().is_empty() || value.chars().any(char::is_control) {
            return Err(settings.error_at(
                at,
                format!("[book] labels: {key} must be a text without control characters"),
            ));
        }
    }
    Ok(())
}

/// Reads the file into [`Settings`]; errors name the file.
pub fn read(path: &Path, text: String) -> Settings {
    Settings {
        file: path.to_path_buf(),
        text,
    }
}
