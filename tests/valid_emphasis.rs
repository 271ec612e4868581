//! Emphasis next to Chinese punctuation: patterns Chinese editors write,
//! each with the spans a reader expects in bold (`S`) and with emphasis
//! dots (`E`), checked in the model, in the EPUB's XHTML and in the PDF's
//! typeset runs (bold face) and emphasis dots.

mod common;

use bindery::model::{Block, Inline};
use bindery::style::FontRole;

/// Markdown, then the expected spans in order of their opening.
const PATTERNS: &[(&str, &[(char, &str)])] = &[
    (
        "这是**“重点”**内容，阅读**《资本论》**一书。",
        &[('S', "“重点”"), ('S', "《资本论》")],
    ),
    ("*（括号内强调）*的", &[('E', "（括号内强调）")]),
    (
        "要抓**重点**。还有*强调*，以及。**开头**好。",
        &[('S', "重点"), ('E', "强调"), ('S', "开头")],
    ),
    ("**“开头引号”**在行首。", &[('S', "“开头引号”")]),
    ("在行尾的**强调。**", &[('S', "强调。")]),
    ("他说：**“不要。”**然后走了。", &[('S', "“不要。”")]),
    ("**（注意）**这一点很重要。", &[('S', "（注意）")]),
    (
        "这是*强调*，那是**加粗**。",
        &[('E', "强调"), ('S', "加粗")],
    ),
    (
        "**加粗中有*强调*的文字**。",
        &[('S', "加粗中有强调的文字"), ('E', "强调")],
    ),
    (
        "**“加粗中*（强调）*”**后文。",
        &[('S', "“加粗中（强调）”"), ('E', "（强调）")],
    ),
    (
        "***既粗又强调***。",
        &[('E', "既粗又强调"), ('S', "既粗又强调")],
    ),
    ("使用**Python**语言。", &[('S', "Python")]),
    ("使用 **Python** 语言。", &[('S', "Python")]),
    ("版本**V2.0**发布。", &[('S', "V2.0")]),
    ("**2024年**是关键一年。", &[('S', "2024年")]),
    ("Latin**“中文”**之后。", &[('S', "“中文”")]),
    ("**“引号”**and English.", &[('S', "“引号”")]),
    (
        "见[**“重点”**](https://example.org/a)一文。",
        &[('S', "“重点”")],
    ),
    (
        "**见[《附录》](https://example.org/b)**。",
        &[('S', "见《附录》")],
    ),
    ("**重点**[^1]内容。", &[('S', "重点")]),
    ("**“重点”[^1]**内容。", &[('S', "“重点”")]),
    ("【**方括号**】里的字。", &[('S', "方括号")]),
    ("「**直角引号**」里的字。", &[('S', "直角引号")]),
    ("**‘单引号’**内容。", &[('S', "‘单引号’")]),
    ("——**破折号**——之间。", &[('S', "破折号")]),
    ("**省略……**之后。", &[('S', "省略……")]),
    ("**问号？**是的。", &[('S', "问号？")]),
    ("**感叹！**吧。", &[('S', "感叹！")]),
    ("一、**第一点**：说明。", &[('S', "第一点")]),
    ("*斜体*和*另一个*。", &[('E', "斜体"), ('E', "另一个")]),
    (
        "**甲**、**乙**、**丙**。",
        &[('S', "甲"), ('S', "乙"), ('S', "丙")],
    ),
    ("**中文**English**英文**。", &[('S', "中文"), ('S', "英文")]),
    ("**“双”**“**单**”。", &[('S', "“双”"), ('S', "单")]),
    (
        "*《书名》*与**《另一书》**。",
        &[('E', "《书名》"), ('S', "《另一书》")],
    ),
    (
        "结尾是**句号。**\n下一行**（括号）**开头。",
        &[('S', "句号。"), ('S', "（括号）")],
    ),
    ("5 * 3 * 2 不是强调，\\*也不是\\*。", &[]),
    (
        "“**引号里**”和（*括号里*）。",
        &[('S', "引号里"), ('E', "括号里")],
    ),
];

fn collect(inlines: &[Inline], out: &mut Vec<(char, String)>) {
    for i in inlines {
        match i {
            Inline::Strong(c) => {
                out.push(('S', bindery::model::inline_text(c)));
                collect(c, out);
            }
            Inline::Emphasis(c) => {
                out.push(('E', bindery::model::inline_text(c)));
                collect(c, out);
            }
            Inline::Link { content, .. } => collect(content, out),
            _ => {}
        }
    }
}

/// Inner text of every `<tag>` element in order of opening.
fn spans(xhtml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    for (i, _) in xhtml.match_indices(&open) {
        let rest = &xhtml[i + open.len()..];
        let mut depth = 1;
        let mut end = 0;
        let mut j = 0;
        while j < rest.len() {
            if rest[j..].starts_with(&open) {
                depth += 1;
            } else if rest[j..].starts_with(&close) {
                depth -= 1;
                if depth == 0 {
                    end = j;
                    break;
                }
            }
            j += rest[j..].chars().next().unwrap().len_utf8();
        }
        let inner = &rest[..end];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        // Footnote marks are the tool's, not the span's text.
        out.push(text.replace('①', ""));
    }
    out
}

#[test]
fn emphasis_next_to_chinese_punctuation_in_both_editions() {
    assert!(PATTERNS.len() >= 30);
    let dir = tempfile::tempdir().unwrap();
    let body: String = PATTERNS
        .iter()
        .map(|(md, _)| format!("{md}\n\n"))
        .collect::<String>()
        + "[^1]: 脚注。\n";
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"样书\"\nchapters = [\"01.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("01.md"),
        format!("+++\ntitle = \"章\"\n+++\n\n{body}"),
    )
    .unwrap();
    let p = common::prepared(dir.path());
    let ch = &p.book().chapters[0];
    let paras: Vec<&Vec<Inline>> = ch
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { content, .. } => Some(content),
            _ => None,
        })
        .collect();
    assert_eq!(paras.len(), PATTERNS.len());
    let mut want_strong = Vec::new();
    let mut want_em = Vec::new();
    for ((md, want), content) in PATTERNS.iter().zip(&paras) {
        let mut got = Vec::new();
        collect(content, &mut got);
        let want: Vec<(char, String)> = want.iter().map(|(k, t)| (*k, t.to_string())).collect();
        assert_eq!(got, want, "model spans of {md:?}");
        let text = bindery::model::inline_text(content);
        // Escaped asterisks print as asterisks.
        let literal = md.matches('*').count();
        let markup: usize = want
            .iter()
            .map(|(k, _)| if *k == 'S' { 4 } else { 2 })
            .sum();
        assert_eq!(
            text.matches('*').count(),
            literal.saturating_sub(markup),
            "asterisks left in {md:?}: {text}"
        );
        for (k, t) in want {
            if k == 'S' {
                want_strong.push(t);
            } else {
                want_em.push(t);
            }
        }
    }

    // EPUB: the same spans, in order.
    let epub = common::write_epub(&p, None);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
    let mut xhtml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("EPUB/ch01.xhtml").unwrap(), &mut xhtml)
        .unwrap();
    let body_part = &xhtml[xhtml.find("</header>").unwrap()..];
    assert_eq!(spans(body_part, "strong"), want_strong);
    assert_eq!(spans(body_part, "em"), want_em);
    common::assert_epubcheck_clean(&epub);

    // PDF: the bold face sets exactly the strong text, and emphasis dots
    // sit under exactly the emphasised letters.
    let doc = common::typeset(&p);
    let bold = p.fonts.role(FontRole::Strong);
    let bold_text: String = doc
        .pages
        .iter()
        .flat_map(|pg| &pg.runs)
        .filter(|r| {
            r.font == bold
                && r.structure
                    .is_some_and(|s| s.role == bindery::layout::Role::Paragraph)
        })
        .map(|r| r.text.as_str())
        .collect();
    let strong_text: String = want_strong.concat();
    assert_eq!(bold_text, strong_text);
    let dots: usize = doc.pages.iter().map(|pg| pg.dots.len()).sum();
    let want_dots: usize = want_em
        .iter()
        .map(|t| t.chars().filter(|c| c.is_alphanumeric()).count())
        .sum();
    assert_eq!(dots, want_dots);
}
