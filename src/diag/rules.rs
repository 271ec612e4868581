//! The rule ids of the build and of `bindery import`, with their usual
//! severity and meaning. (The checker's rules are in `check::rules`.)
//! Ids are stable: scripts may rely on them. `bindery check --list-rules`
//! lists these and the checker's together.

use super::Severity::{self, Error as E, Warning as W};

/// A rule of the build or the importer.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// `build` or `import`.
    pub stage: &'static str,
    pub summary: &'static str,
}

const fn b(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        stage: "build",
        summary,
    }
}

const fn i(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        stage: "import",
        summary,
    }
}

pub const RULES: &[Rule] = &[
    b(
        "build.error",
        E,
        "a build problem not named by a rule of its own",
    ),
    b(
        "build.date",
        E,
        "SOURCE_DATE_EPOCH is not a number of seconds",
    ),
    b(
        "source.book-toml",
        E,
        "book.toml is missing, unreadable or not valid TOML, or a key has a wrong type or is unknown",
    ),
    b(
        "source.book-toml.table",
        E,
        "book.toml has a table no stage reads",
    ),
    b(
        "source.book-toml.value",
        E,
        "a book.toml value is out of its range or form (slug, style, metadata)",
    ),
    b(
        "source.chapter",
        E,
        "a chapter file is missing, listed twice, unreadable or outside the book folder",
    ),
    b(
        "source.front-matter",
        E,
        "a chapter's front matter is not closed or not valid",
    ),
    b(
        "source.markdown",
        E,
        "a chapter's Markdown or raw HTML cannot be used",
    ),
    b(
        "source.encoding",
        E,
        "a chapter or book.toml is not valid UTF-8",
    ),
    b(
        "source.control-character",
        E,
        "a chapter or book.toml holds a control character or a noncharacter",
    ),
    b(
        "source.link",
        E,
        "a link leads to no chapter or heading of the book, out of the book folder, or uses a refused scheme",
    ),
    b(
        "source.footnote",
        W,
        "a footnote is never referred to, or a reference has no note",
    ),
    b("source.image.alt", W, "an image has no alternative text"),
    b(
        "source.html.unprinted",
        W,
        "raw HTML asks for a look the PDF edition cannot show (italic, underline, ruby placement …)",
    ),
    b(
        "pdf.image.resolution",
        W,
        "an image prints below 150 pixels per inch",
    ),
    b(
        "fonts.load",
        E,
        "a font file is missing, unreadable or not a usable font, or a role names a face without a file",
    ),
    b(
        "fonts.coverage",
        E,
        "a character the book shows is neither in the face that sets it nor in a fallback face",
    ),
    b(
        "fonts.fallback",
        W,
        "a fallback font sets characters the book's faces lack (one warning per font, naming the characters and where they are)",
    ),
    b(
        "fonts.placeholder",
        W,
        "a character no font has is set as 〓 (--missing placeholder); one warning per occurrence",
    ),
    b(
        "fonts.coverage.generated",
        E,
        "a character of text the tool generates (labels, marks, numbers) is not in the face that sets it",
    ),
    b(
        "assets.image",
        E,
        "an image is missing, outside the book folder, not a regular file or too large",
    ),
    b(
        "assets.image.format",
        E,
        "an image is not a PNG, JPEG, GIF, WebP or SVG image, is corrupt, or has too many pixels",
    ),
    b(
        "assets.svg",
        E,
        "an SVG image is not self-contained (scripts, foreign objects, references to files)",
    ),
    b("assets.cover", E, "the cover image cannot be used"),
    b(
        "pdf.options",
        E,
        "a [pdf] number is out of range, or the page leaves too small a text block",
    ),
    b(
        "pdf.notdef",
        E,
        "the typeset PDF would show an empty box for a character",
    ),
    b("pdf.write", E, "the PDF could not be written"),
    b("epub.write", E, "the EPUB could not be written"),
    b(
        "output.write",
        E,
        "an edition could not be written to --out",
    ),
    i(
        "import.coverage",
        W,
        "a character of the page is in no bundled or installed font: the build will stop there",
    ),
    i(
        "import.read",
        E,
        "the page cannot be read: missing, not a regular file, too large",
    ),
    i(
        "import.encoding",
        E,
        "the page is not in an encoding the importer reads, or has invalid bytes",
    ),
    i(
        "import.page",
        E,
        "the page has no article (no byline) or too many",
    ),
    i(
        "import.overwrite",
        E,
        "the import would overwrite files without --force",
    ),
    i("import.untitled", W, "an article has no title"),
    i(
        "import.title",
        W,
        "a title is long, made of several sentences, or joined from several lines",
    ),
    i(
        "import.header",
        W,
        "a line could be the page header's section or the first article's title",
    ),
    i(
        "import.subheading",
        W,
        "a short unpunctuated line was imported as a sub-heading",
    ),
    i(
        "import.note",
        W,
        "an author-note-like parenthesis or text after a note stays in the article",
    ),
    i(
        "import.byline",
        W,
        "a byline has a role word between names, or no name",
    ),
    i(
        "import.script",
        W,
        "the page mixes traditional and simplified characters",
    ),
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule id a build or import diagnostic is given in the sources
    /// is listed here, once.
    #[test]
    fn every_rule_used_is_listed() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "a rule id is listed twice");
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(src)];
        let mut used = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for part in text.split(".rule(\"").skip(1) {
                    let id = &part[..part.find('"').unwrap()];
                    assert!(
                        find(id).is_some(),
                        "{}: rule {id} is not listed",
                        p.display()
                    );
                    used += 1;
                }
                for part in text.split("rule: \"").skip(1) {
                    let id = &part[..part.find('"').unwrap()];
                    if id.starts_with("import.") {
                        assert!(
                            find(id).is_some(),
                            "{}: rule {id} is not listed",
                            p.display()
                        );
                    }
                }
            }
        }
        assert!(used > 20, "only {used} rule uses found");
    }
}
