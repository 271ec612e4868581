//! The style sheet: Chinese reading typography (2-em indent, justified,
//! strict line breaking) and the embedded faces.

/// An embedded face for `@font-face`.
pub struct FontFace<'a> {
    pub href: &'a str,
    pub format: &'a str,
    pub bold: bool,
}

/// Family name the embedded subsets are declared under.
pub const FAMILY: &str = "BookSerif";

pub fn css(faces: &[FontFace<'_>]) -> String {
    let mut s = String::new();
    for f in faces {
        s.push_str(&format!(
            "@font-face {{\n  font-family: \"{FAMILY}\";\n  font-style: normal;\n  font-weight: {};\n  src: url(\"{}\") format(\"{}\");\n}}\n",
            if f.bold { "bold" } else { "normal" },
            f.href,
            f.format
        ));
    }
    let family = if faces.is_empty() {
        "serif".to_string()
    } else {
        format!("\"{FAMILY}\", serif")
    };
    s.push_str(&format!("html, body {{\n  font-family: {family};\n}}\n"));
    s.push_str(BODY_CSS);
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
  font-weight: bold;
  text-indent: 0;
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
strong {
  font-weight: bold;
}
em {
  font-style: normal;
  text-emphasis: filled dot;
  text-emphasis-position: under right;
}
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
