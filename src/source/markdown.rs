//! Chapter files: TOML front matter between `+++` lines, then a Markdown
//! body parsed with pulldown-cmark (after the emphasis pre-pass of
//! [`super::emphasis`]) into the model's blocks, with source positions kept
//! for diagnostics. Line ends and a BOM are normalised first
//! ([`super::text`]).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::body::{BodyBuilder, Frame, FrameKind};
use super::emphasis::{self, Marked, strip};
use crate::diag::{Diagnostic, line_col};
use crate::model::{Chapter, Footnote, Inline};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    #[serde(default)]
    title: String,
    #[serde(default)]
    authors: Vec<String>,
    byline_mark: Option<String>,
    /// What the authors did (撰, 编, 译…), printed after their names.
    role: Option<String>,
    note: Option<String>,
}

/// A parsed chapter and the warnings about it.
pub type Parsed = (Chapter, Vec<Diagnostic>);

/// Parses one chapter file; see [`parse`]. Warnings are left out.
pub fn parse_chapter(
    text: &str,
    rel: &Path,
    root: &Path,
    id: String,
) -> Result<Chapter, Vec<Diagnostic>> {
    parse(text, rel, root, id).map(|(ch, _)| ch)
}

/// Parses one chapter file. `rel` is its path relative to the book folder
/// (used in positions), `root` the book folder (images must stay inside
/// it). On failure, every error and warning found is returned.
pub fn parse(text: &str, rel: &Path, root: &Path, id: String) -> Result<Parsed, Vec<Diagnostic>> {
    // Messages name the file as the user can find it: under the book folder.
    let shown: std::sync::Arc<Path> = root.join(rel).into();
    let text = super::text::normalize(text);
    let text = text.as_str();
    let mut problems = Vec::new();
    super::text::check_chars(text, &shown, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let (front, body, body_offset) = split_front_matter(text, &shown)?;
    let front = front_matter(text, front, &shown)?;
    let title_pos = {
        let (line, column) = line_col(text, text.find("title").unwrap_or(0));
        crate::model::SourcePos {
            file: std::sync::Arc::clone(&shown),
            line,
            column,
        }
    };
    let mut builder = BodyBuilder {
        lines: super::text::Lines::new(text),
        rel,
        shown: &shown,
        root,
        diagnostics: Vec::new(),
        warnings: Vec::new(),
        footnote_index: HashMap::new(),
        footnote_defs: Vec::new(),
        stack: vec![Frame::new(FrameKind::Root, 0)],
        too_deep: false,
        unprinted: Vec::new(),
    };
    run(&mut builder, body, body_offset);
    let footnotes = footnotes(&mut builder);
    let BodyBuilder {
        mut diagnostics,
        warnings,
        mut stack,
        ..
    } = builder;
    if !diagnostics.is_empty() {
        diagnostics.extend(warnings);
        return Err(diagnostics);
    }
    let root_frame = stack.pop().expect("root frame");
    let mut blocks = root_frame.blocks;
    let mut seen = HashSet::new();
    super::links::heading_ids(&mut blocks, &mut seen);
    let chapter = Chapter {
        id,
        source: rel.to_path_buf(),
        title: front.title,
        title_pos,
        byline_mark: front.byline_mark,
        authors: front.authors,
        role: front.role,
        note: front.note,
        blocks,
        footnotes,
    };
    Ok((chapter, warnings))
}

/// The front matter, deserialized and its text checked.
fn front_matter(
    text: &str,
    front: Option<(&str, usize)>,
    shown: &Path,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let Some((fm_text, fm_offset)) = front else {
        return Ok(FrontMatter::default());
    };
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(text, fm_offset + offset);
        Diagnostic::error_at(shown, line, column, message).rule("source.front-matter")
    };
    let fm: FrontMatter = toml::from_str(fm_text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let message = super::config::explain_date(fm_text, offset, e.message().trim());
        vec![at(offset, format!("front matter: {message}"))]
    })?;
    let key_at = |key: &str| {
        fm_text
            .match_indices(key)
            .find(|(i, _)| *i == 0 || fm_text.as_bytes()[i - 1] == b'\n')
            .map_or(0, |(i, _)| i)
    };
    let mut errors = Vec::new();
    let mut check = |key: &str, value: &str, may_be_empty: bool| {
        if may_be_empty && value.is_empty() {
            return;
        }
        if let Err(m) = super::meta::text(value, false) {
            errors.push(at(key_at(key), format!("front matter {key}: {m}")));
        }
    };
    check("title", &fm.title, true);
    for a in &fm.authors {
        check("authors", a, false);
    }
    for (key, v) in [
        ("byline_mark", &fm.byline_mark),
        ("role", &fm.role),
        ("note", &fm.note),
    ] {
        if let Some(v) = v {
            check(key, v, false);
        }
    }
    if errors.is_empty() {
        Ok(fm)
    } else {
        Err(errors)
    }
}

/// The chapter's footnotes in order of first reference. A note never
/// referred to is left out, with a warning; so is every reference made
/// from inside a footnote (an error: notes do not nest).
fn footnotes(b: &mut BodyBuilder) -> Vec<Footnote> {
    let index = std::mem::take(&mut b.footnote_index);
    // Each referenced note goes to its number; a reference is made only to
    // a defined note, but a definition nested past the limit is dropped
    // (and that is an error already), so a number may stay empty.
    let mut slots: Vec<Option<Footnote>> = (0..index.len()).map(|_| None).collect();
    let mut unused: Vec<Footnote> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for f in std::mem::take(&mut b.footnote_defs) {
        match index.get(&f.label) {
            Some(&n) if slots[n].is_none() => slots[n] = Some(f),
            // A label defined again: the first definition stands.
            Some(_) => {}
            None if seen.contains(&f.label) => {}
            None => {
                seen.insert(f.label.clone());
                unused.push(f);
            }
        }
    }
    let out: Vec<Footnote> = slots.into_iter().flatten().collect();
    unused.sort_by_key(|f| (f.pos.line, f.pos.column));
    for f in unused {
        b.warnings.push(Diagnostic::warning_at(
            &f.pos.file,
            f.pos.line,
            f.pos.column,
            format!(
                "footnote [^{}] is never referred to; it is left out of both editions (refer to it with [^{0}] in the text, or delete it)",
                f.label
            ),
        )
        .rule("source.footnote"));
    }
    out
}

type FrontSplit<'a> = (Option<(&'a str, usize)>, &'a str, usize);

/// Splits `+++` front matter from the (normalised) text. Returns the front
/// matter text and its byte offset, the body and its byte offset.
fn split_front_matter<'a>(text: &'a str, rel: &Path) -> Result<FrontSplit<'a>, Vec<Diagnostic>> {
    let opener = ["+++\n", "+++ \n"]
        .into_iter()
        .find(|o| text.starts_with(o));
    let Some(opener) = opener else {
        return Ok((None, text, 0));
    };
    let after_open = &text[opener.len()..];
    let fm_start = opener.len();
    // The closing line is `+++`, possibly followed by blanks.
    let mut close = None;
    let mut line_start = 0;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            close = Some((line_start, line.len()));
            break;
        }
        line_start += line.len();
    }
    let Some((close, close_len)) = close else {
        return Err(vec![
            Diagnostic::error_at(
                rel,
                1,
                1,
                "front matter opened with +++ is never closed with a +++ line",
            )
            .rule("source.front-matter"),
        ]);
    };
    let fm = &after_open[..close];
    let body_start = fm_start + close + close_len;
    Ok((Some((fm, fm_start)), &text[body_start..], body_start))
}

/// Undefined footnote references are kept as written, with a warning:
/// `[^label]` in text the parser returned as text.
fn undefined_refs(b: &mut BodyBuilder, body: &Marked, text_ranges: &[Range<usize>], base: usize) {
    let src = &body.text;
    for (i, _) in src.match_indices("[^") {
        if i > 0 && src.as_bytes()[i - 1] == b'\\' {
            continue;
        }
        let rest = &src[i + 2..];
        // A label holds no bracket or line end: look no further than the
        // first of them (searching on for `]` is quadratic on `[^[^[^…`).
        let Some(end) = rest.find([']', '[', '\n']) else {
            continue;
        };
        let label = &rest[..end];
        if !rest[end..].starts_with(']') || label.is_empty() || rest[end + 1..].starts_with(':') {
            continue;
        }
        let k = text_ranges.partition_point(|r| r.end <= i);
        if text_ranges.get(k).is_none_or(|r| r.start > i) {
            continue;
        }
        let label = strip(label);
        b.warn(
            "source.footnote",
            base + body.original(i),
            format!(
                "footnote reference [^{label}] has no note: it is printed as written; add a line [^{label}]: … with the note's text"
            ),
        );
    }
}

/// Feeds pulldown-cmark's events for `body` (at `base` in the chapter
/// text) to the builder.
fn run(b: &mut BodyBuilder, body: &str, base: usize) {
    let marked = emphasis::mark(body);
    let at = |r: usize| base + marked.original(r);
    let options = Options::ENABLE_FOOTNOTES;
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(&marked.text, options)
        .into_offset_iter()
        .collect();
    let labels = || {
        events.iter().filter_map(|(e, _)| match e {
            Event::Start(Tag::FootnoteDefinition(l)) => Some(l),
            _ => None,
        })
    };
    // The tables are made at their full size at once: growing one of
    // 100,000 labels hashes every label again at each step.
    let count = labels().count();
    let mut defined: HashSet<String> = HashSet::with_capacity(count);
    defined.extend(labels().map(|l| strip(l).into_owned()));
    b.footnote_index.reserve(count);
    b.footnote_defs.reserve(count);
    let mut text_ranges = Vec::new();
    let mut prev_char: Option<char> = None;
    for (i, (event, range)) in events.iter().enumerate() {
        let start = at(range.start);
        match event {
            Event::Start(tag) => start_tag(b, tag, start),
            Event::End(_) => b.end_tag(at(range.end.saturating_sub(1).max(range.start))),
            Event::Text(t) => {
                text_ranges.push(range.clone());
                let mut t = strip(t).into_owned();
                // Headings keep theirs: `第一节 概述` is spaced on purpose.
                let kept =
                    |f: &Frame| matches!(f.kind, FrameKind::CodeBlock | FrameKind::Heading(_));
                if !b.stack.iter().any(kept) {
                    t = crate::script::spaces::drop_spaces(&t, prev_char, next_char(&events, i));
                }
                prev_char = t.chars().last().or(prev_char);
                b.push_inline(Inline::Text(t), start);
            }
            Event::Code(t) => b.push_inline(Inline::Code(strip(t).into_owned()), start),
            Event::SoftBreak => {
                // Chinese has no spaces between words: a line break in
                // the source between two Chinese characters is no space.
                let next = events.get(i + 1).and_then(|(e, _)| match e {
                    Event::Text(t) => strip(t).chars().next(),
                    _ => None,
                });
                if crate::script::spaces::line_break_is_space(prev_char, next) {
                    b.push_inline(Inline::Text(" ".into()), start);
                }
            }
            Event::HardBreak => b.push_inline(Inline::LineBreak, start),
            Event::Rule => {
                b.close_implicit(start);
                let pos = b.pos(start);
                b.top().blocks.push(crate::model::Block::Rule { pos });
            }
            Event::Html(h) => {
                let h = strip(h);
                let top = b.top();
                top.segments.push((top.text.len(), start));
                top.text.push_str(&h);
            }
            Event::InlineHtml(h) => b.inline_html(&strip(h), start),
            Event::FootnoteReference(label) => {
                let label = strip(label).into_owned();
                footnote_ref(b, label, &defined, start);
            }
            Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }
    b.close_implicit(base + body.len());
    undefined_refs(b, &marked, &text_ranges, base);
}

/// The first character of the text after event `i` in the same
/// paragraph, looking through the starts and ends of emphasis and links.
fn next_char(events: &[(Event, Range<usize>)], i: usize) -> Option<char> {
    for (e, _) in &events[i + 1..] {
        match e {
            Event::Text(t) => return strip(t).chars().next(),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link) => {}
            _ => return None,
        }
    }
    None
}

fn footnote_ref(b: &mut BodyBuilder, label: String, defined: &HashSet<String>, at: usize) {
    if b.stack
        .iter()
        .any(|f| matches!(f.kind, FrameKind::Footnote(_)))
    {
        b.error(
            at,
            format!("footnote reference [^{label}] inside a footnote: notes cannot refer to notes"),
        );
        return;
    }
    if !defined.contains(&label) {
        // pulldown-cmark reports only defined notes; keep it safe.
        b.push_inline(Inline::Text(format!("[^{label}]")), at);
        return;
    }
    let next = b.footnote_index.len();
    let n = *b.footnote_index.entry(label).or_insert(next);
    b.push_inline(Inline::FootnoteRef(n), at);
}

fn start_tag(b: &mut BodyBuilder, tag: &Tag, offset: usize) {
    let kind = match tag {
        Tag::Paragraph => FrameKind::Paragraph(false),
        Tag::Heading { level, .. } => FrameKind::Heading(*level as u8),
        Tag::BlockQuote(_) => FrameKind::Quote,
        Tag::List(start) => FrameKind::List(*start),
        Tag::Item => FrameKind::Item,
        Tag::Emphasis => FrameKind::Emphasis,
        Tag::Strong => FrameKind::Strong,
        Tag::Link { dest_url, .. } => FrameKind::Link(strip(dest_url).into_owned()),
        Tag::Image { dest_url, .. } => FrameKind::Image(strip(dest_url).into_owned()),
        Tag::FootnoteDefinition(label) => FrameKind::Footnote(strip(label).into_owned()),
        Tag::CodeBlock(_) => FrameKind::CodeBlock,
        Tag::HtmlBlock => FrameKind::HtmlBlock,
        _ => FrameKind::Other,
    };
    let block = matches!(
        kind,
        FrameKind::Paragraph(_)
            | FrameKind::Heading(_)
            | FrameKind::Quote
            | FrameKind::List(_)
            | FrameKind::Item
            | FrameKind::Footnote(_)
            | FrameKind::CodeBlock
            | FrameKind::HtmlBlock
    );
    if block {
        b.close_implicit(offset);
    }
    b.push(kind, offset);
}

/// Normalizes a relative path; `None` when it is absolute or climbs out of
/// the folder it is relative to.
pub fn inside_book(rel: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, inline_text};

    fn chapter(body: &str) -> Result<Chapter, Vec<Diagnostic>> {
        let text = format!("+++\ntitle = \"题\"\nauthors = [\"甲\"]\n+++\n{body}");
        parse_chapter(&text, Path::new("book/x.md"), Path::new("."), "ch01".into())
    }

    fn para(ch: &Chapter, i: usize) -> &Vec<Inline> {
        match &ch.blocks[i] {
            Block::Paragraph { content, .. } => content,
            b => panic!("not a paragraph: {b:?}"),
        }
    }

    #[test]
    fn emphasis_next_to_chinese_punctuation() {
        let ch = chapter("要抓**重点**。还有*强调*，以及。**开头**好。\n").unwrap();
        let p = para(&ch, 0);
        assert!(
            p.contains(&Inline::Strong(vec![Inline::Text("重点".into())])),
            "{p:?}"
        );
        assert!(p.contains(&Inline::Emphasis(vec![Inline::Text("强调".into())])));
        assert!(p.contains(&Inline::Strong(vec![Inline::Text("开头".into())])));
    }

    #[test]
    fn line_breaks_between_chinese_are_not_spaces() {
        let ch = chapter("第一行\n第二行\nLatin\nwords\n").unwrap();
        assert_eq!(inline_text(para(&ch, 0)), "第一行第二行Latin words");
    }

    #[test]
    fn footnotes_in_reference_order_with_positions() {
        let ch = chapter("正文[^b]和[^a]。\n\n[^a]: 注甲。\n[^b]: 注乙。\n").unwrap();
        assert_eq!(ch.footnotes.len(), 2);
        assert_eq!(ch.footnotes[0].label, "b");
        assert_eq!(
            crate::model::block_text(&ch.footnotes[0].blocks[0]),
            "注乙。\n"
        );
        assert!(para(&ch, 0).contains(&Inline::FootnoteRef(0)));
        assert_eq!(ch.blocks[0].pos().line, 5);
        // An undefined reference is not a footnote: its text stays as written.
        let ch = chapter("正文[^x]。\n").unwrap();
        assert_eq!(inline_text(para(&ch, 0)), "正文[^x]。");
    }

    fn parse_with_warnings(body: &str) -> (Chapter, Vec<Diagnostic>) {
        let text = format!("+++\ntitle = \"题\"\n+++\n{body}");
        parse(&text, Path::new("x.md"), Path::new("."), "ch01".into()).unwrap()
    }

    #[test]
    fn windows_and_old_mac_line_ends_and_a_bom() {
        for text in [
            "\u{feff}+++\r\ntitle = \"标题\"\r\n+++\r\n\r\n正文**重点**。\r\n",
            "+++\rtitle = \"标题\"\r+++\r\r正文**重点**。\r",
        ] {
            let ch = parse_chapter(text, Path::new("x.md"), Path::new("."), "c".into()).unwrap();
            assert_eq!(ch.title, "标题");
            assert_eq!(ch.blocks.len(), 1);
            assert_eq!(ch.blocks[0].pos().line, 5);
            assert!(para(&ch, 0).contains(&Inline::Strong(vec![Inline::Text("重点".into())])));
        }
        let err = parse_chapter(
            "+++\r\ntitle = \"a\tb\"\r\n+++\r\n",
            Path::new("x.md"),
            Path::new("."),
            "c".into(),
        )
        .unwrap_err();
        assert_eq!((err[0].line(), err[0].column()), (2, 1), "{err:?}");
    }

    #[test]
    fn unused_and_undefined_footnotes_are_warned() {
        let (ch, w) = parse_with_warnings("正文[^a]和[^nope]。\n\n[^a]: 用了。\n\n[^b]: 没用。\n");
        assert_eq!(ch.footnotes.len(), 1);
        assert_eq!(inline_text(para(&ch, 0)), "正文和[^nope]。");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w.iter()
                .any(|d| d.message.contains("[^b] is never referred to") && d.line() == 8)
        );
        assert!(
            w.iter()
                .any(|d| d.message.contains("[^nope] has no note")
                    && (d.line(), d.column()) == (4, 8))
        );
        let (_, w) = parse_with_warnings("`[^code]` 和 \\[^x]\n");
        assert!(w.is_empty(), "{w:?}");
        let err = chapter("正文[^a]。\n\n[^a]: 注[^b]。\n\n[^b]: 注。\n").unwrap_err();
        assert!(
            err[0].message.contains("notes cannot refer to notes"),
            "{err:?}"
        );
    }

    #[test]
    fn images_inside_paragraphs_stay_in_place() {
        let ch = chapter("前文![图一](a.png)后文。\n\n![图二](b.png)\n").unwrap();
        let p = para(&ch, 0);
        assert!(
            matches!(&p[1], Inline::Image { alt, .. } if alt == "图一"),
            "{p:?}"
        );
        assert_eq!(inline_text(p), "前文图一\n后文。");
        assert!(matches!(&ch.blocks[1], Block::Image { alt, .. } if alt == "图二"));
        for bad in [
            "[链接![图](a.png)](x.md)\n",
            "**![图](a.png)**\n",
            "# ![图](a.png)\n",
        ] {
            let err = chapter(bad).unwrap_err();
            assert!(
                err[0].message.contains("an image cannot be inside"),
                "{bad}: {err:?}"
            );
        }
        let (_, w) = parse_with_warnings("![](a.png)\n");
        assert!(w[0].message.contains("without alternative text"), "{w:?}");
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("{}深\n", "> ".repeat(100));
        let err = chapter(&deep).unwrap_err();
        assert!(err[0].message.contains("more than 64"), "{err:?}");
        let deep = format!("{}深{}\n", "<span>".repeat(70), "</span>".repeat(70));
        assert!(chapter(&deep).is_err());
        assert!(chapter(&format!("{}浅\n", "> ".repeat(20))).is_ok());
    }

    #[test]
    fn heading_ids_are_unique_slugs() {
        let ch = chapter("## 第一节 概述\n\n## 第一节 概述\n\n## ！\n").unwrap();
        let ids: Vec<&str> = ch
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["h-第一节-概述", "h-第一节-概述-1", "h-section-1"]);
    }

    #[test]
    fn front_matter_errors_have_positions() {
        let err = parse_chapter(
            "+++\ntitle = \"题\"\nauthor = [\"甲\"]\n+++\n正文\n",
            Path::new("x.md"),
            Path::new("."),
            "ch01".into(),
        )
        .unwrap_err();
        assert_eq!((err[0].line(), err[0].column()), (3, 1), "{err:?}");
        assert!(err[0].message.contains("unknown field `author`"));
        let err = parse_chapter(
            "+++\ntitle = \"题\"\n",
            Path::new("x.md"),
            Path::new("."),
            "c".into(),
        )
        .unwrap_err();
        assert!(err[0].message.contains("never closed"));
    }

    #[test]
    fn raw_html_must_be_well_formed() {
        assert!(chapter("<div>好</div>\n").is_ok());
        assert!(chapter("文<span>好</span>字\n").is_ok());
        let err = chapter("\n\n<div><p>坏</div>\n").unwrap_err();
        assert_eq!(err[0].line(), 7, "{err:?}");
        let err = chapter("文<b>没有闭合\n").unwrap_err();
        assert!(
            err[0]
                .message
                .contains("<b> opened at line 5, column 2 is not closed"),
            "{err:?}"
        );
        let err = chapter("文<span a=1>字</span>\n").unwrap_err();
        assert!(err[0].message.contains("raw HTML"), "{err:?}");
    }

    #[test]
    fn lists_quotes_and_images() {
        let ch = chapter("> 引文。\n\n1. 一\n2. 二\n\n![图](../../etc/passwd)\n").unwrap_err();
        assert!(ch[0].message.contains("leaves the book folder"), "{ch:?}");
        let ch = chapter("> 引文。\n\n1. 一\n2. 二\n").unwrap();
        assert!(matches!(&ch.blocks[0], Block::Quote { blocks, .. } if blocks.len() == 1));
        assert!(
            matches!(&ch.blocks[1], Block::List { start: Some(1), items, .. } if items.len() == 2)
        );
    }

    #[test]
    fn inside_book_rejects_escapes() {
        assert_eq!(
            inside_book(Path::new("a/../b.md")),
            Some(PathBuf::from("b.md"))
        );
        assert_eq!(inside_book(Path::new("../x.md")), None);
        assert_eq!(inside_book(Path::new("/etc/passwd")), None);
    }
}

#[cfg(test)]
mod image_tests {
    use super::*;
    use crate::model::Block;

    #[test]
    fn images_resolve_against_the_chapter_inside_the_book() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("book");
        std::fs::create_dir_all(root.join("parts/img")).unwrap();
        std::fs::write(root.join("parts/img/a.png"), b"png").unwrap();
        let text = "+++\ntitle = \"题\"\n+++\n\n![图一](img/a.png)\n";
        let ch = parse_chapter(text, Path::new("parts/x.md"), &root, "ch01".into()).unwrap();
        match &ch.blocks[0] {
            Block::Image { path, alt, pos } => {
                assert_eq!(path, &root.join("parts/img/a.png"));
                assert_eq!(alt, "图一");
                assert_eq!(*pos.file, root.join("parts/x.md"));
                assert_eq!(pos.line, 5);
            }
            b => panic!("not an image: {b:?}"),
        }
        // A missing file is found when the assets are opened.
        assert!(
            parse_chapter(
                "![缺](img/none.png)\n",
                Path::new("parts/x.md"),
                &root,
                "ch01".into(),
            )
            .is_ok()
        );
    }
}
