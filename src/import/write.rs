//! Writing a parsed page as book sources: `book.toml` and one Markdown file
//! per article with TOML front matter. The text is escaped, never changed.

use super::page::{Article, Page};

/// One file to write, relative to the book folder.
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

pub fn chapter_file_name(index: usize) -> String {
    format!("{:02}.md", index + 1)
}

/// The book's files for `page`; `language` is the BCP 47 tag for book.toml.
pub fn book_files(
    page: &Page,
    source_name: &str,
    identifier: &str,
    language: &str,
) -> Vec<SourceFile> {
    let mut files = vec![SourceFile {
        name: "book.toml".into(),
        text: book_toml(page, source_name, identifier, language),
    }];
    for (i, a) in page.articles.iter().enumerate() {
        files.push(SourceFile {
            name: chapter_file_name(i),
            text: chapter_markdown(a),
        });
    }
    files
}

fn book_toml(page: &Page, source_name: &str, identifier: &str, language: &str) -> String {
    let h = &page.header;
    let mut t = String::new();
    t.push_str("# Book settings for bindery; every key is described in README.md.\n");
    t.push_str("[book]\n");
    let title = h.first().map(String::as_str).unwrap_or("");
    t.push_str(&format!("title = {}\n", toml_str(title)));
    if let Some(s) = h.get(1) {
        t.push_str(&format!("subtitle = {}\n", toml_str(s)));
    }
    if h.len() > 2 {
        t.push_str(&format!("section = {}\n", toml_str(&h[2..].join(" "))));
    }
    t.push_str(&format!("language = {}\n", toml_str(language)));
    t.push_str("editors = []\n");
    t.push_str("# publisher = \"\"\n");
    t.push_str(&format!("identifier = {}\n", toml_str(identifier)));
    t.push_str("# isbn = \"978…\"\n");
    t.push_str("# date = \"YYYY-MM-DD\"\n");
    t.push_str(&format!("source = {}\n", toml_str(source_name)));
    t.push_str("# cover = \"cover.jpg\"\n");
    t.push_str("chapters = [\n");
    for i in 0..page.articles.len() {
        t.push_str(&format!("  {},\n", toml_str(&chapter_file_name(i))));
    }
    t.push_str("]\n\n");
    t.push_str(
        "[fonts]\n\
         # Without a path, the bundled Noto Serif CJK SC faces are used. A system font:\n\
         # regular = { path = \"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc\", face = \"NotoSerifCJKsc-Regular\" }\n\
         \n\
         [epub]\n\
         embed_fonts = true\n\
         page_list = true\n\
         \n\
         [pdf]\n\
         font_size = 10.5\n\
         line_pitch = 1.7\n\
         duplex = false\n\
         pdfa = false\n",
    );
    t
}

fn chapter_markdown(a: &Article) -> String {
    let mut t = String::from("+++\n");
    t.push_str(&format!("title = {}\n", toml_str(&a.title)));
    let authors: Vec<String> = a.authors.iter().map(|s| toml_str(s)).collect();
    t.push_str(&format!("authors = [{}]\n", authors.join(", ")));
    if let Some(r) = &a.role {
        t.push_str(&format!("role = {}\n", toml_str(r)));
    }
    t.push_str(&format!("byline_mark = {}\n", toml_str(&a.byline_mark)));
    if let Some(n) = &a.note {
        t.push_str(&format!("note = {}\n", toml_str(n)));
    }
    t.push_str("+++\n");
    for p in &a.paragraphs {
        t.push('\n');
        if p.heading {
            t.push_str("## ");
        }
        t.push_str(&escape_markdown(&p.text));
        t.push('\n');
    }
    t
}

/// A TOML basic string.
pub fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes what Markdown would read as markup, so the paragraph comes back
/// from the Markdown parser exactly as it was on the page. `!` is markup
/// only before `[` (an image), and `[` is always escaped, so `!` never is.
pub fn escape_markdown(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 8);
    for c in p.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // Block markers only matter at the start of the line.
    let starts_block = out.starts_with(['#', '+', '-', '=', '>'])
        || out
            .find(|c: char| !c.is_ascii_digit())
            .is_some_and(|i| i > 0 && out[i..].starts_with(['.', ')']));
    if starts_block {
        let first_non_digit = out.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
        out.insert(first_non_digit, '\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_markup() {
        assert_eq!(escape_markdown("a*b_c"), "a\\*b\\_c");
        assert_eq!(escape_markdown("# 标题"), "\\# 标题");
        assert_eq!(escape_markdown("1. 第一"), "1\\. 第一");
        assert_eq!(escape_markdown("134+N"), "134+N");
        assert_eq!(escape_markdown("好!![图]"), "好!!\\[图\\]");
        assert_eq!(
            escape_markdown("“学校课堂(校园文化)+企业"),
            "“学校课堂(校园文化)+企业"
        );
    }

    #[test]
    fn toml_strings_escape_quotes() {
        assert_eq!(toml_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
