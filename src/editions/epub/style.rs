//! The style sheet: Chinese reading typography (2-em indent, justified,
//! strict line breaking), the embedded faces, and which face and mark each
//! font role gets — read from the document class and the book's fonts, the
//! same roles the print edition sets, so both agree on what is bold and
//! what carries emphasis dots.

use crate::fonts::{FaceId, FontSet};
use crate::style::{DocumentClass, EmphasisMark, FontRole};

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
}

impl FaceNames {
    fn new(fonts: &FontSet) -> Self {
        let body = fonts.role(FontRole::Body);
        let bold = [FontRole::Strong, FontRole::Title, FontRole::Heading]
            .into_iter()
            .map(|r| fonts.role(r))
            .find(|&f| f != body);
        FaceNames { body, bold }
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
            s.push_str(&format!("  font-family: \"{family}\", serif;\n"));
        }
        s
    }
}

pub fn css(faces: &[FontFace<'_>], fonts: &FontSet, class: &DocumentClass) -> String {
    let names = FaceNames::new(fonts);
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
        format!("\"{FAMILY}\", serif")
    };
    s.push_str(&format!("html, body {{\n  font-family: {family};\n}}\n"));
    let mut em = names.declarations(fonts, FontRole::Emphasis);
    em.insert_str(0, "  font-style: normal;\n");
    if class.emphasis == EmphasisMark::Dots {
        em.push_str("  text-emphasis: filled dot;\n  text-emphasis-position: under right;\n");
    }
    s.push_str(
        &BODY_CSS
            .replace("{headings}", &names.declarations(fonts, FontRole::Heading))
            .replace("{strong}", &names.declarations(fonts, FontRole::Strong))
            .replace("{em}", &em),
    );
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

const BODY_CSS: &str = r#"body {
  margin: 0 0.5em;
  line-height: 1.75;
  text-align: justify;
  line-break: strict;
  word-break: normal;
  overflow-wrap: break-word;
  hyphens: none;
}
p {
  margin: 0;
  text-indent: 2em;
}
h1, h2, h3, h4, h5, h6 {
{headings}  text-indent: 0;
  text-align: center;
  line-height: 1.4;
  page-break-after: avoid;
  break-after: avoid;
}
h1 {
  font-size: 1.5em;
  margin: 2em 0 0.75em;
}
h2 {
  font-size: 1.25em;
  margin: 1.5em 0 0.5em;
}
h3, h4, h5, h6 {
  font-size: 1.1em;
  margin: 1em 0 0.5em;
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
  text-indent: 0;
  text-align: center;
  margin: 0 0 1.5em;
}
footer {
  margin-top: 1em;
}
.author-note {
  font-size: 0.875em;
}
sup {
  font-size: 0.7em;
  line-height: 0;
  vertical-align: super;
}
section.footnotes {
  margin-top: 2em;
  border-top: 1px solid currentColor;
  padding-top: 0.5em;
  font-size: 0.875em;
}
aside.footnote p {
  text-indent: 0;
}
body.cover {
  margin: 0;
  padding: 0;
  text-align: center;
}
section.cover img {
  max-width: 100%;
  max-height: 100vh;
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
  font-size: 2em;
  margin: 0 0 1em;
}
.subtitle {
  font-size: 1.25em;
}
nav.toc ol {
  list-style: none;
  padding: 0;
  margin: 0;
}
nav.toc li {
  margin: 0.5em 0;
}
nav.toc a {
  text-decoration: none;
}
"#;
