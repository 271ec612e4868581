//! Heading ids and links between chapters.
//!
//! A heading's id is made from its text as GitHub makes anchors: lower
//! case, every character but letters, digits, marks, `-`, `_` and spaces
//! dropped, spaces made `-`; a repeat within the chapter gets `-1`, `-2` …
//! The written id is `h-` and that slug, so it never meets the ids the
//! editions make themselves.
//!
//! Links are resolved once every chapter is loaded: `02.md`, `02.md#标题`
//! and `#标题` lead into the book (the fragment is the slug, or the heading
//! text, which gives the same slug); `http:`, `https:`, `mailto:`, `tel:`
//! and `ftp:` lead out. Anything else — a file that is not a chapter, a
//! missing heading, another scheme — is an error at the link.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use super::markdown::inside_book;
use crate::diag::Diagnostic;
use crate::model::{Block, Chapter, Inline, LinkTarget, SourcePos, inline_text};

/// Schemes of links that leave the book.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp"];

/// The GitHub-style slug of a heading's text.
pub fn slug(text: &str) -> String {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c == ' ' || c == '-' {
            out.push('-');
        } else if c == '_'
            || matches!(
                get_general_category(c),
                G::UppercaseLetter
                    | G::LowercaseLetter
                    | G::TitlecaseLetter
                    | G::ModifierLetter
                    | G::OtherLetter
                    | G::DecimalNumber
                    | G::LetterNumber
                    | G::OtherNumber
                    | G::NonspacingMark
                    | G::SpacingMark
            )
        {
            out.push(c);
        }
    }
    out
}

/// Gives every heading of a chapter its id, unique in the chapter.
pub fn heading_ids(blocks: &mut [Block], seen: &mut HashSet<String>) {
    for b in blocks {
        match b {
            Block::Heading { content, id, .. } => {
                let base = slug(&inline_text(content));
                let mut candidate = base.clone();
                let mut n = 0;
                while candidate.is_empty() || !seen.insert(candidate.clone()) {
                    n += 1;
                    candidate = if base.is_empty() {
                        format!("section-{n}")
                    } else {
                        format!("{base}-{n}")
                    };
                }
                *id = format!("h-{candidate}");
            }
            Block::Quote { blocks, .. } => heading_ids(blocks, seen),
            Block::List { items, .. } => {
                for item in items {
                    heading_ids(item, seen);
                }
            }
            _ => {}
        }
    }
}

/// Where links can lead: each chapter's file and its heading ids.
struct Targets {
    files: HashMap<PathBuf, usize>,
    ids: Vec<HashSet<String>>,
}

fn collect_ids(blocks: &[Block], out: &mut HashSet<String>) {
    for b in blocks {
        match b {
            Block::Heading { id, .. } => {
                out.insert(id.clone());
            }
            Block::Quote { blocks, .. } => collect_ids(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| collect_ids(i, out)),
            _ => {}
        }
    }
}

/// Resolves every link of every chapter; returns the errors.
pub fn resolve(chapters: &mut [Chapter]) -> Vec<Diagnostic> {
    let targets = Targets {
        files: chapters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.source.clone(), i))
            .collect(),
        ids: chapters
            .iter()
            .map(|c| {
                let mut ids = HashSet::new();
                collect_ids(&c.blocks, &mut ids);
                ids
            })
            .collect(),
    };
    let mut errors = Vec::new();
    for (ci, ch) in chapters.iter_mut().enumerate() {
        let dir = ch.source.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut fix = |target: &mut LinkTarget| {
            if let LinkTarget::Pending { url, pos } = target {
                match resolve_one(url, &dir, ci, &targets) {
                    Ok(t) => *target = t,
                    Err(m) => {
                        errors.push(at(pos, m));
                        *target = LinkTarget::External(String::new());
                    }
                }
            }
        };
        for b in &mut ch.blocks {
            visit_block(b, &mut fix);
        }
        for f in &mut ch.footnotes {
            for b in &mut f.blocks {
                visit_block(b, &mut fix);
            }
        }
    }
    errors
}

fn at(pos: &SourcePos, message: String) -> Diagnostic {
    Diagnostic::error_at(&pos.file, pos.line, pos.column, message).rule("source.link")
}

fn visit_block(b: &mut Block, f: &mut dyn FnMut(&mut LinkTarget)) {
    match b {
        Block::Paragraph { content, .. } | Block::Heading { content, .. } => visit(content, f),
        Block::Quote { blocks, .. } => blocks.iter_mut().for_each(|b| visit_block(b, f)),
        Block::List { items, .. } => items.iter_mut().flatten().for_each(|b| visit_block(b, f)),
        _ => {}
    }
}

fn visit(inlines: &mut [Inline], f: &mut dyn FnMut(&mut LinkTarget)) {
    for i in inlines {
        match i {
            Inline::Link { target, content } => {
                f(target);
                visit(content, f);
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Html(_, c) => visit(c, f),
            _ => {}
        }
    }
}

fn scheme(url: &str) -> Option<&str> {
    let (s, _) = url.split_once(':')?;
    let mut chars = s.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(s)
}

fn resolve_one(url: &str, dir: &Path, ci: usize, t: &Targets) -> Result<LinkTarget, String> {
    if url.trim().is_empty() {
        return Err("the link has no target".into());
    }
    if let Some(s) = scheme(url) {
        if SCHEMES.contains(&s.to_ascii_lowercase().as_str()) {
            if url.chars().any(char::is_whitespace) {
                return Err(format!("link {url}: a URL may not hold spaces (write %20)"));
            }
            return Ok(LinkTarget::External(url.to_string()));
        }
        return Err(format!(
            "link {url}: {s}: links are refused; links lead to chapters of the book or to {}",
            SCHEMES.join(", ")
        ));
    }
    if url.starts_with("//") {
        return Err(format!("link {url}: write the scheme, https:{url}"));
    }
    if url.contains('?') {
        return Err(format!("link {url}: a chapter link has no query (?…)"));
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let chapter = if path.is_empty() {
        ci
    } else {
        let rel = inside_book(&dir.join(decode(path)))
            .ok_or_else(|| format!("link {url} leads out of the book folder"))?;
        *t.files.get(&rel).ok_or_else(|| {
            format!(
                "link {url}: {} is not a chapter of the book (book.toml lists the chapters; links may lead only to them)",
                rel.display()
            )
        })?
    };
    let Some(fragment) = fragment else {
        return Ok(LinkTarget::Chapter {
            chapter,
            anchor: None,
        });
    };
    let fragment = decode(fragment);
    let ids = &t.ids[chapter];
    let id = [format!("h-{fragment}"), format!("h-{}", slug(&fragment))]
        .into_iter()
        .find(|id| ids.contains(id))
        .ok_or_else(|| {
            let mut known: Vec<&str> = ids.iter().map(|s| &s[2..]).collect();
            known.sort_unstable();
            let list = if known.is_empty() {
                "it has no headings".to_string()
            } else {
                format!("its headings are #{}", known.join(", #"))
            };
            format!("link {url}: no heading #{fragment} in that chapter; {list}")
        })?;
    Ok(LinkTarget::Chapter {
        chapter,
        anchor: Some(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style_slugs() {
        assert_eq!(slug("第一节 概述"), "第一节-概述");
        assert_eq!(slug("Hello, World!"), "hello-world");
        assert_eq!(slug("“引号”与《书名》"), "引号与书名");
        assert_eq!(slug("1.2 方法_与-结果"), "12-方法_与-结果");
        assert_eq!(slug("！？"), "");
    }
}
