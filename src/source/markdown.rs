//! Chapter files: TOML front matter between `+++` lines, then a Markdown
//! body parsed with pulldown-cmark into the model's blocks, with source
//! positions kept for diagnostics.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::diag::{Diagnostic, line_col};
use crate::model::{Block, Chapter, Footnote, Inline, SourcePos};

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

/// Parses one chapter file. `rel` is its path relative to the book folder
/// (used in positions), `root` the book folder (images must stay inside it).
pub fn parse_chapter(
    text: &str,
    rel: &Path,
    root: &Path,
    id: String,
) -> Result<Chapter, Vec<Diagnostic>> {
    // Messages name the file as the user can find it: under the book folder.
    let shown = root.join(rel);
    let (front, body, body_offset) = split_front_matter(text, &shown)?;
    let pos_at = |offset: usize| {
        let (line, column) = line_col(text, offset);
        SourcePos {
            file: shown.clone(),
            line,
            column,
        }
    };
    let front: FrontMatter = match front {
        Some((fm_text, fm_offset)) => toml::from_str(fm_text).map_err(|e| {
            let at = fm_offset + e.span().map(|s| s.start).unwrap_or(0);
            let p = pos_at(at);
            vec![Diagnostic::error_at(
                &shown,
                p.line,
                p.column,
                format!("front matter: {}", e.message().trim()),
            )]
        })?,
        None => FrontMatter::default(),
    };
    let title_pos = pos_at(text.find("title").unwrap_or(0));
    let mut builder = BodyBuilder {
        text,
        rel,
        shown: &shown,
        root,
        body_offset,
        diagnostics: Vec::new(),
        footnote_index: HashMap::new(),
        footnotes: Vec::new(),
        stack: vec![Frame::new(FrameKind::Root, 0)],
    };
    builder.run(body);
    let BodyBuilder {
        diagnostics,
        mut stack,
        footnotes,
        ..
    } = builder;
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let root_frame = stack.pop().expect("root frame");
    let mut footnotes: Vec<Footnote> = footnotes.into_iter().flatten().collect();
    footnotes.retain(|f| !f.label.is_empty());
    Ok(Chapter {
        id,
        source: rel.to_path_buf(),
        title: front.title,
        title_pos,
        byline_mark: front.byline_mark,
        authors: front.authors,
        role: front.role,
        note: front.note,
        blocks: root_frame.blocks,
        footnotes,
    })
}

type FrontSplit<'a> = (Option<(&'a str, usize)>, &'a str, usize);

/// Splits `+++` front matter from the body. Returns the front matter text and
/// its byte offset, the body and its byte offset.
fn split_front_matter<'a>(text: &'a str, rel: &Path) -> Result<FrontSplit<'a>, Vec<Diagnostic>> {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - t.len();
    let Some(after_open) = t.strip_prefix("+++\n") else {
        return Ok((None, t, bom));
    };
    let fm_start = bom + 4;
    let close = if after_open.starts_with("+++\n") || after_open == "+++" {
        Some(0)
    } else {
        after_open
            .find("\n+++\n")
            .map(|i| i + 1)
            .or_else(|| after_open.strip_suffix("\n+++").map(|s| s.len() + 1))
    };
    let Some(close) = close else {
        return Err(vec![Diagnostic::error_at(
            rel,
            1,
            1,
            "front matter opened with +++ is never closed with a +++ line",
        )]);
    };
    let fm = &after_open[..close];
    let body_start = (fm_start + close + 4).min(text.len());
    Ok((Some((fm, fm_start)), &text[body_start..], body_start))
}

#[derive(Debug, PartialEq)]
enum FrameKind {
    Root,
    Paragraph,
    Heading(u8),
    Quote,
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Link(String),
    Image(String),
    Footnote(String),
    CodeBlock,
    HtmlBlock,
    Other,
}

/// A container being filled while events stream in.
struct Frame {
    kind: FrameKind,
    offset: usize,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    items: Vec<Vec<Block>>,
    text: String,
}

impl Frame {
    fn new(kind: FrameKind, offset: usize) -> Self {
        Frame {
            kind,
            offset,
            blocks: Vec::new(),
            inlines: Vec::new(),
            items: Vec::new(),
            text: String::new(),
        }
    }
}

struct BodyBuilder<'a> {
    text: &'a str,
    /// Chapter path relative to the book folder (images resolve from it).
    rel: &'a Path,
    /// The same, joined to the book folder, for messages.
    shown: &'a Path,
    root: &'a Path,
    body_offset: usize,
    diagnostics: Vec<Diagnostic>,
    footnote_index: HashMap<String, usize>,
    /// Slots in order of first reference; definitions fill them.
    footnotes: Vec<Option<Footnote>>,
    stack: Vec<Frame>,
}

impl BodyBuilder<'_> {
    fn pos(&self, body_rel_offset: usize) -> SourcePos {
        let (line, column) = line_col(self.text, self.body_offset + body_rel_offset);
        SourcePos {
            file: self.shown.to_path_buf(),
            line,
            column,
        }
    }

    fn error(&mut self, offset: usize, message: String) {
        let p = self.pos(offset);
        self.diagnostics
            .push(Diagnostic::error_at(self.shown, p.line, p.column, message));
    }

    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("stack never empty")
    }

    fn push_inline(&mut self, inline: Inline) {
        // Inline content outside a paragraph (tight list items) gets an
        // implicit paragraph so renderers only see blocks there.
        let needs_para = matches!(
            self.top().kind,
            FrameKind::Item | FrameKind::Quote | FrameKind::Footnote(_) | FrameKind::Root
        );
        if needs_para {
            let off = self.top().offset;
            self.stack.push(Frame::new(FrameKind::Paragraph, off));
            self.top().inlines.push(inline);
            self.close_implicit_paragraph();
            return;
        }
        let frame = self.top();
        match (&frame.kind, inline) {
            (FrameKind::CodeBlock | FrameKind::Image(_), Inline::Text(t)) => {
                frame.text.push_str(&t)
            }
            (_, Inline::Text(t)) => match frame.inlines.last_mut() {
                Some(Inline::Text(prev)) => prev.push_str(&t),
                _ => frame.inlines.push(Inline::Text(t)),
            },
            (_, other) => frame.inlines.push(other),
        }
    }

    /// Merges an implicit one-inline paragraph into the previous implicit
    /// paragraph of the same container, so "tight" text stays one paragraph.
    fn close_implicit_paragraph(&mut self) {
        let para = self.stack.pop().expect("paragraph frame");
        let pos = self.pos(para.offset);
        let parent = self.top();
        if let Some(Block::Paragraph { content, .. }) = parent.blocks.last_mut()
            && parent.kind != FrameKind::Root
        {
            for i in para.inlines {
                match (content.last_mut(), i) {
                    (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(&t),
                    (_, i) => content.push(i),
                }
            }
            return;
        }
        parent.blocks.push(Block::Paragraph {
            content: para.inlines,
            pos,
        });
    }

    fn run(&mut self, body: &str) {
        let options = Options::ENABLE_FOOTNOTES;
        let events: Vec<(Event, std::ops::Range<usize>)> =
            Parser::new_ext(body, options).into_offset_iter().collect();
        let mut prev_char: Option<char> = None;
        for (i, (event, range)) in events.iter().enumerate() {
            match event {
                Event::Start(tag) => self.start(tag, range.start),
                Event::End(tag) => self.end(tag, range.start),
                Event::Text(t) => {
                    prev_char = t.chars().last().or(prev_char);
                    self.push_inline(Inline::Text(t.to_string()));
                }
                Event::Code(t) => self.push_inline(Inline::Code(t.to_string())),
                Event::SoftBreak => {
                    // Chinese has no spaces between words: a line break in
                    // the source between two Chinese characters is no space.
                    let next = events.get(i + 1).and_then(|(e, _)| match e {
                        Event::Text(t) => t.chars().next(),
                        _ => None,
                    });
                    let cjk = |c: Option<char>| c.is_some_and(crate::script::is_wide);
                    if !(cjk(prev_char) || cjk(next)) {
                        self.push_inline(Inline::Text(" ".into()));
                    }
                }
                Event::HardBreak => self.push_inline(Inline::LineBreak),
                Event::Rule => {
                    let pos = self.pos(range.start);
                    self.top().blocks.push(Block::Rule { pos });
                }
                // Well-formedness is checked when the HTML block or the
                // paragraph holding inline HTML closes: tags arrive one by one.
                Event::Html(h) => self.top().text.push_str(h),
                Event::InlineHtml(h) => self.push_inline(Inline::Html(h.to_string())),
                Event::FootnoteReference(label) => {
                    let n = self.footnote_slot(label);
                    self.push_inline(Inline::FootnoteRef(n));
                }
                Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
            }
        }
    }

    fn footnote_slot(&mut self, label: &str) -> usize {
        if let Some(&i) = self.footnote_index.get(label) {
            return i;
        }
        self.footnotes.push(None);
        let i = self.footnotes.len() - 1;
        self.footnote_index.insert(label.to_string(), i);
        i
    }

    fn start(&mut self, tag: &Tag, offset: usize) {
        let kind = match tag {
            Tag::Paragraph => FrameKind::Paragraph,
            Tag::Heading { level, .. } => FrameKind::Heading(*level as u8),
            Tag::BlockQuote(_) => FrameKind::Quote,
            Tag::List(start) => FrameKind::List(*start),
            Tag::Item => FrameKind::Item,
            Tag::Emphasis => FrameKind::Emphasis,
            Tag::Strong => FrameKind::Strong,
            Tag::Link { dest_url, .. } => FrameKind::Link(dest_url.to_string()),
            Tag::Image { dest_url, .. } => FrameKind::Image(dest_url.to_string()),
            Tag::FootnoteDefinition(label) => FrameKind::Footnote(label.to_string()),
            Tag::CodeBlock(_) => FrameKind::CodeBlock,
            Tag::HtmlBlock => FrameKind::HtmlBlock,
            _ => FrameKind::Other,
        };
        self.stack.push(Frame::new(kind, offset));
    }

    fn end(&mut self, _tag: &TagEnd, _offset: usize) {
        let frame = self.stack.pop().expect("balanced events");
        let pos = self.pos(frame.offset);
        match frame.kind {
            FrameKind::Root => unreachable!("root is never closed"),
            FrameKind::Paragraph => {
                let content = frame.inlines;
                if let Some(Inline::Html(_)) = content.iter().find(|i| matches!(i, Inline::Html(_)))
                {
                    let html: String = content
                        .iter()
                        .filter_map(|i| match i {
                            Inline::Html(h) => Some(h.as_str()),
                            _ => None,
                        })
                        .collect();
                    if let Err(msg) = xml_well_formed(&format!("<x>{html}</x>")) {
                        self.error(frame.offset, format!("raw HTML is not well-formed: {msg}"));
                    }
                }
                // Images are block-level in the model: a paragraph holding
                // one is split into its text (if any) and the image.
                let has_text = content.iter().any(|i| match i {
                    Inline::Text(t) => !t.trim().is_empty(),
                    _ => true,
                });
                let parent = self.top();
                if has_text || frame.blocks.is_empty() {
                    parent.blocks.push(Block::Paragraph { content, pos });
                }
                parent.blocks.extend(frame.blocks);
            }
            FrameKind::Heading(level) => self.top().blocks.push(Block::Heading {
                level,
                content: frame.inlines,
                pos,
            }),
            FrameKind::Quote => self.top().blocks.push(Block::Quote {
                blocks: frame.blocks,
                pos,
            }),
            FrameKind::List(start) => self.top().blocks.push(Block::List {
                start,
                items: frame.items,
                pos,
            }),
            FrameKind::Item => {
                let mut blocks = frame.blocks;
                if !frame.inlines.is_empty() {
                    blocks.push(Block::Paragraph {
                        content: frame.inlines,
                        pos,
                    });
                }
                self.top().items.push(blocks);
            }
            FrameKind::Emphasis => self.push_inline(Inline::Emphasis(frame.inlines)),
            FrameKind::Strong => self.push_inline(Inline::Strong(frame.inlines)),
            FrameKind::Link(url) => self.push_inline(Inline::Link {
                url,
                content: frame.inlines,
            }),
            FrameKind::Image(url) => {
                let alt = crate::model::inline_text(&frame.inlines) + &frame.text;
                match self.resolve_image(&url) {
                    Ok(path) => self.top().blocks.push(Block::Image { path, alt, pos }),
                    Err(msg) => self.error(frame.offset, msg),
                }
            }
            FrameKind::Footnote(label) => {
                let slot = self.footnote_slot(&label);
                self.footnotes[slot] = Some(Footnote {
                    label,
                    blocks: frame.blocks,
                    pos,
                });
            }
            FrameKind::CodeBlock => self.top().blocks.push(Block::Code {
                text: frame.text,
                pos,
            }),
            FrameKind::HtmlBlock => {
                let html = frame.text;
                if let Err(msg) = xml_well_formed(&format!("<x>{html}</x>")) {
                    self.error(frame.offset, format!("raw HTML is not well-formed: {msg}"));
                }
                self.top().blocks.push(Block::Html { html, pos });
            }
            FrameKind::Other => {
                let parent = self.top();
                parent.blocks.extend(frame.blocks);
                parent.inlines.extend(frame.inlines);
            }
        }
    }

    fn resolve_image(&self, url: &str) -> Result<PathBuf, String> {
        if url.contains("://") {
            return Err(format!(
                "image {url} is on the network; books must carry their images, put it in the book folder"
            ));
        }
        let dir = self.rel.parent().unwrap_or(Path::new(""));
        let rel = dir.join(url);
        let normal =
            inside_book(&rel).ok_or_else(|| format!("image path {url} leaves the book folder"))?;
        // The file is opened, confined and checked with the other assets.
        Ok(self.root.join(&normal))
    }
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

/// Checks well-formedness with quick-xml; the message says what is wrong.
pub fn xml_well_formed(xml: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inline_text;

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
        assert!(err[0].message.contains("not well-formed"), "{err:?}");
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
                assert_eq!(pos.file, root.join("parts/x.md"));
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
