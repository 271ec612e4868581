//! Request targets: decoded strictly, so that no spelling of `..` (plain,
//! `%2e%2e`, an encoded `/` or `\`) can name anything but the preview's own
//! files. The preview serves from memory, so this is a second wall, not the
//! only one.

use percent_encoding::percent_decode_str;

/// A request target split into its decoded path segments and raw query.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub segments: Vec<String>,
    pub query: Option<String>,
}

/// Parses an origin-form request target (`/a/b?q`). `None` for anything
/// that is refused: another form, an encoded separator, a `.` or `..`
/// segment, an empty segment, bytes that are not UTF-8, control characters.
pub fn parse(raw: &str) -> Option<Target> {
    let (path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (raw, None),
    };
    let rest = path.strip_prefix('/')?;
    if has_encoded_separator(rest) || rest.contains('\\') {
        return None;
    }
    let mut segments = Vec::new();
    if !rest.is_empty() {
        for seg in rest.split('/') {
            segments.push(decode_segment(seg)?);
        }
    }
    Some(Target { segments, query })
}

fn has_encoded_separator(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")
}

fn decode_segment(seg: &str) -> Option<String> {
    let decoded = percent_decode_str(seg).decode_utf8().ok()?;
    let bad = decoded.is_empty()
        || decoded == "."
        || decoded == ".."
        || decoded
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\');
    (!bad).then(|| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(raw: &str) -> Option<Vec<String>> {
        parse(raw).map(|t| t.segments)
    }

    #[test]
    fn plain_paths_decode() {
        assert_eq!(segs("/"), Some(vec![]));
        assert_eq!(
            segs("/epub/EPUB/ch01.xhtml"),
            Some(vec!["epub".into(), "EPUB".into(), "ch01.xhtml".into()])
        );
        assert_eq!(
            segs("/a/%E5%9B%BE.png"),
            Some(vec!["a".into(), "图.png".into()])
        );
        let t = parse("/?last-good").unwrap();
        assert_eq!(t.query.as_deref(), Some("last-good"));
    }

    #[test]
    fn every_spelling_of_parent_is_refused() {
        for raw in [
            "/..",
            "/../Cargo.toml",
            "/epub/../../etc/passwd",
            "/epub/%2e%2e/x",
            "/epub/%2E%2E/x",
            "/epub/.%2e/x",
            "/epub/EPUB%2f..%2fx",
            "/epub/EPUB%2F..",
            "/epub/..%5cx",
            "/epub\\..\\x",
            "/./style.css",
            "/epub//x",
            "/a%00b",
            "/%ff",
            "epub/x",
            "http://example.com/",
        ] {
            assert_eq!(parse(raw), None, "{raw} must be refused");
        }
    }
}
