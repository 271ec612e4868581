//! The style sheet: Chinese reading typography (2-em indent, justified,
//! strict line breaking), the embedded faces, and which face and mark each
//! font role gets — read from the document class and the book's fonts, the
//! same roles the print edition sets, so both agree on what is bold and
//! what carries emphasis dots.

use crate::fonts::{FaceId, FontSet};
use crate::style::{Align, DocumentClass, EmphasisMark, FontRole};

/// An embedded face for `@font-face`.
pub struct FontFace<'a> {
    pub face: FaceId,
    pub href: &'a str,
    pub format: &'a str,
}

/// Family name the embedded subsets are declared under.
pub const FAMILY: &str = "BookSerif";

/// How the style sheet names a face: the body face is the family's normal
/// weight, the face of strong text (when it differs) its bold weight, and
/// any other face a family of its own.
struct FaceNames {
    body: FaceId,
    bold: Option<FaceId>,
    /// The embedded fallback families, listed after every family.
    fallbacks: String,
}

impl FaceNames {
    fn new(fonts: &FontSet) -> Self {
        let body = fonts.role(FontRole::Body);
        let bold = [FontRole::Strong, FontRole::Title, FontRole::Heading]
            .into_iter()
            .map(|r| fonts.role(r))
            .find(|&f| f != body);
        FaceNames {
            body,
            bold,
            fallbacks: String::new(),
        }
    }

    /// Family and weight of a face.
    fn of(&self, fonts: &FontSet, face: FaceId) -> (String, &'static str) {
        if face == self.body {
            (FAMILY.to_string(), "normal")
        } else if Some(face) == self.bold {
            (FAMILY.to_string(), "bold")
        } else {
            (format!("{FAMILY}-{}", fonts.name(face)), "normal")
        }
    }

    /// The declarations that select `role`'s face.
    fn declarations(&self, fonts: &FontSet, role: FontRole) -> String {
        let face = fonts.role(role);
        if face == self.body {
            // Inherits the surrounding face, as the print edition does
            // (reading systems make strong text and headings bold).
            return match role {
                FontRole::Strong | FontRole::Title | FontRole::Heading => {
                    "  font-weight: inherit;\n".to_string()
                }
                _ => String::new(),
            };
        }
        let (family, weight) = self.of(fonts, face);
        let mut s = format!("  font-weight: {weight};\n");
        if family != FAMILY {
            s.push_str(&format!(
                "  font-family: \"{family}\", {}serif;\n",
                self.fallbacks
            ));
        }
        s
    }
}

pub fn css(faces: &[FontFace<'_>], fonts: &FontSet, class: &DocumentClass) -> String {
    let mut names = FaceNames::new(fonts);
    for f in faces.iter().filter(|f| fonts.is_fallback(f.face)) {
        let (family, _) = names.of(fonts, f.face);
        names.fallbacks.push_str(&format!("\"{family}\", "));
    }
    let mut s = String::new();
    for f in faces {
        let (family, weight) = names.of(fonts, f.face);
        s.push_str(&format!(
            "@font-face {{\n  font-family: \"{family}\";\n  font-style: normal;\n  font-weight: {weight};\n  src: url(\"{}\") format(\"{}\");\n}}\n",
            f.href, f.format
        ));
    }
    let family = if faces.is_empty() {
        "serif".to_string()
    } else {
        format!("\"{FAMILY}\", {}serif", names.fallbacks)
    };
    s.push_str(&format!("html, body {{\n  font-family: {family};\n}}\n"));
    let mut em = names.declarations(fonts, FontRole::Emphasis);
    em.insert_str(0, "  font-style: normal;\n");
    let dots = class.emphasis == EmphasisMark::Dots;
    if dots {
        // Readers without text-emphasis (Kindle, Adobe Digital Editions,
        // older WebKit) keep a dotted underline; the rule below replaces it
        // with the dots wherever they are supported.
        em.push_str("  text-decoration: underline dotted;\n");
    }
    s.push_str(
        &BODY_CSS
            .replace("{headings}", &names.declarations(fonts, FontRole::Heading))
            .replace("{strong}", &names.declarations(fonts, FontRole::Strong))
            .replace("{em}", &em),
    );
    if dots {
        s.push_str(EMPHASIS_DOTS);
    }
    s.push_str(&class_rules(class));
    // Roles whose face differs from what the rules above give them.
    for (role, selector) in [
        (FontRole::Title, "h1"),
        (
            FontRole::Note,
            ".author-note, section.footnotes, figure.image figcaption",
        ),
    ] {
        let d = names.declarations(fonts, role);
        let inherited = match role {
            FontRole::Title => names.declarations(fonts, FontRole::Heading),
            _ => String::new(),
        };
        if d != inherited {
            s.push_str(&format!("{selector} {{\n{d}}}\n"));
        }
    }
    s
}

/// Emphasis dots (着重号) where the reader sets them, prefixed for WebKit.
const EMPHASIS_DOTS: &str =
    "@supports (text-emphasis: filled dot) or (-webkit-text-emphasis: filled dot) {
  em {
    text-decoration: none;
    -webkit-text-emphasis: filled dot;
    -webkit-text-emphasis-position: under right;
    text-emphasis: filled dot;
    text-emphasis-position: under right;
  }
}
";

/// Size, alignment and indent of each kind of text, from the document
/// class: the print edition sets the same kinds the same way.
fn class_rules(class: &DocumentClass) -> String {
    let t = &class.text;
    let mut s = String::new();
    for (selector, style) in [
        ("h1", &t.chapter_title),
        ("h2", &t.headings[0]),
        ("h3", &t.headings[1]),
        ("h4, h5, h6", &t.headings[2]),
        (".byline", &t.byline),
        (".author-note", &t.author_note),
        ("section.footnotes", &t.footnote),
        ("nav.toc h1", &t.contents_title),
        ("h1.book-title", &t.book_title),
        (".subtitle", &t.subtitle),
        ("section.titlepage p.section-name", &t.section),
        ("section.titlepage p.editors", &t.editors),
    ] {
        let align = match style.align {
            Align::Justify => "justify",
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        };
        s.push_str(&format!(
            "{selector} {{\n  font-size: {}em;\n  text-align: {align};\n  text-indent: {}em;\n}}\n",
            style.size, style.indent
        ));
    }
    s
}

const BODY_CSS: &str = r#"body {
  margin: 0 0.5em;
  line-height: 1.75;
  text-align: justify;
  line-break: strict;
  word-break: normal;
  overflow-wrap: break-word;
  hyphens: none;
  text-autospace: normal;
}
p {
  margin: 0;
  text-indent: 2em;
}
h1, h2, h3, h4, h5, h6 {
{headings}  line-height: 1.4;
  page-break-after: avoid;
  break-after: avoid;
  text-wrap: balance;
  word-break: keep-all;
}
h1 {
  margin: 2em 0 0.75em;
}
h2 {
  margin: 1.5em 0 0.5em;
}
h3, h4, h5, h6 {
  margin: 1em 0 0.5em;
}
nav[hidden] {
  display: none;
}
strong, b {
{strong}}
em {
{em}}
code, pre {
  font-family: inherit;
}
pre {
  white-space: pre-wrap;
  text-align: left;
  margin: 1em 0;
}
blockquote {
  margin: 1em 2em;
}
ul, ol {
  margin: 0.5em 0 0.5em 2em;
  padding: 0;
}
li > p {
  text-indent: 0;
}
figure.image {
  margin: 1em 0;
  text-align: center;
}
figure.image img {
  max-width: 100%;
}
figure.image.wide img {
  width: 100%;
}
figure.image figcaption {
  text-indent: 0;
  text-align: center;
  font-size: 0.875em;
  margin-top: 0.5em;
}
p.continued {
  text-indent: 0;
}
hr {
  border: none;
  border-top: 1px solid currentColor;
  width: 30%;
  margin: 1.5em auto;
}
.byline {
  margin: 0 0 1.5em;
}
footer {
  margin-top: 1em;
}

sup {
  font-size: 0.7em;
  line-height: 0;
  vertical-align: super;
}
section.footnotes {
  margin-top: 2em;
}
aside.footnote:first-of-type {
  border-top: 1px solid currentColor;
  padding-top: 0.5em;
}
aside.footnote p {
  text-indent: inherit;
}
body.cover {
  margin: 0;
  padding: 0;
  text-align: center;
}
section.cover {
  margin: 0;
  padding: 0;
}
section.cover img {
  display: block;
  margin: 0 auto;
  width: auto;
  height: auto;
  max-width: 100%;
  max-height: 100vh;
  object-fit: contain;
}
section.titlepage {
  text-align: center;
  margin-top: 20%;
}
section.titlepage p {
  text-indent: 0;
  text-align: center;
  margin: 0.5em 0;
}
h1.book-title {
  margin: 0 0 1em;
}
nav.toc ol {
  list-style: none;
  padding: 0;
  margin: 0;
}
nav.toc li {
  margin: 0.5em 0;
  word-break: keep-all;
}
nav.toc a {
  text-decoration: none;
}
"#;
