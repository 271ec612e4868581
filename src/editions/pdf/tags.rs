//! The PDF's logical structure (headings, paragraphs, notes, the contents
//! as a TOC of TOCIs, figures with their alternative text) and its
//! metadata (Info and XMP).

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::metadata::{DateTime, Metadata};
use krilla::tagging::{Identifier, Node, Tag, TagGroup, TagKind, TagTree};

use crate::layout::Role;
use crate::model::Book;

pub(super) fn tag_tree(
    book: &Book,
    structure: BTreeMap<u32, (Role, Vec<Identifier>)>,
    figures: Vec<(u32, Option<String>, Identifier, Option<u32>)>,
) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some(book.meta.language.clone()));
    // The cover comes first; every other figure takes its place in reading
    // order, with its alternative text as /Alt.
    let mut placed: BTreeMap<u32, (Option<String>, Identifier)> = BTreeMap::new();
    for (_, alt, id, sid) in figures {
        match sid {
            Some(sid) => {
                placed.insert(sid, (alt, id));
            }
            None => tree.push(TagGroup::with_children(
                Tag::Figure(alt),
                vec![Node::from(id)],
            )),
        }
    }
    let mut groups: BTreeMap<u32, (Role, TagGroup)> = structure
        .into_iter()
        .map(|(sid, (role, ids))| {
            let children = ids.into_iter().map(Node::from).collect();
            (sid, (role, TagGroup::with_children(kind(role), children)))
        })
        .collect();
    for (sid, (alt, id)) in placed {
        let figure = TagGroup::with_children(Tag::Figure(alt), vec![Node::from(id)]);
        groups.insert(sid, (Role::Figure, figure));
    }
    let mut toc: Option<TagGroup> = None;
    for (_, (role, group)) in groups {
        if role == Role::TocItem {
            toc.get_or_insert_with(|| TagGroup::new(Tag::TOC))
                .push(group);
        } else {
            if let Some(t) = toc.take() {
                tree.push(t);
            }
            tree.push(group);
        }
    }
    if let Some(t) = toc.take() {
        tree.push(t);
    }
    tree
}

fn kind(role: Role) -> TagKind {
    match role {
        Role::Heading(level) => Tag::Hn(
            NonZeroU16::new(level as u16).unwrap_or(NonZeroU16::MIN),
            None,
        )
        .into(),
        Role::Paragraph | Role::Byline => Tag::P.into(),
        Role::Note | Role::Footnote => Tag::Note.into(),
        Role::Caption => Tag::Caption.into(),
        Role::TocItem => Tag::TOCI.into(),
        Role::Figure => Tag::Figure(None).into(),
    }
}

pub(super) fn metadata(book: &Book, created: i64) -> Metadata {
    let m = &book.meta;
    let mut authors: Vec<String> = m.editors.clone();
    if authors.is_empty() {
        for ch in &book.chapters {
            for a in &ch.authors {
                if !authors.contains(a) {
                    authors.push(a.clone());
                }
            }
        }
    }
    let mut subject = Vec::new();
    subject.extend(m.subtitle.clone());
    subject.extend(m.section.clone());
    let subject = m.description.clone().unwrap_or_else(|| subject.join(" · "));
    let mut md = Metadata::new()
        .title(m.title.clone())
        .authors(authors)
        .language(m.language.clone())
        .creator(format!("bindery {}", env!("CARGO_PKG_VERSION")))
        .producer(format!("bindery {} (krilla)", env!("CARGO_PKG_VERSION")))
        .document_id(m.identifier.clone())
        .creation_date(utc_datetime(created));
    if !subject.is_empty() {
        md = md.description(subject);
    }
    md
}

/// A Unix time as a UTC calendar date and time.
fn utc_datetime(secs: i64) -> DateTime {
    let t = crate::date::Utc::from_unix(secs);
    DateTime::new(t.year.clamp(0, 9999) as u16)
        .month(t.month)
        .day(t.day)
        .hour(t.hour)
        .minute(t.minute)
        .second(t.second)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
