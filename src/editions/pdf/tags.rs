//! The PDF's logical structure (headings, paragraphs, notes, the contents
//! as a TOC of TOCIs, figures with their alternative text) and its
//! metadata (Info and XMP).

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::metadata::{DateTime, Metadata};
use krilla::tagging::{Identifier, ListNumbering, Node, Tag, TagGroup, TagKind, TagTree};

use crate::layout::{Group, GroupKind, InlineTag, Role};
use crate::model::Book;

/// What a structure element holds, in drawing order.
pub(super) enum Child {
    Content(Identifier),
    /// Strong or emphasised text inside the element.
    Inline(InlineTag, Identifier),
    /// A link annotation of the element.
    Link(Identifier),
}

/// One structure element gathered while drawing.
pub(super) struct Elem {
    pub role: Role,
    pub children: Vec<Child>,
    /// Alternative text of a figure.
    pub alt: Option<String>,
    /// The text of a heading, its title in the tree (PDF/UA asks for one).
    pub text: String,
}

/// The structure tree: the cover first, then every element in reading
/// order (ids are in reading order), nested in the lists, list items and
/// quotes of `groups`; consecutive contents entries form one TOC.
pub(super) fn tag_tree(
    book: &Book,
    cover: Vec<(Option<String>, Identifier)>,
    structure: BTreeMap<u32, Elem>,
    groups: &[Group],
) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some(book.meta.language.clone()));
    for (alt, id) in cover {
        tree.push(TagGroup::with_children(
            Tag::Figure(alt),
            vec![Node::from(id)],
        ));
    }
    // Outer groups first. Groups are recorded as they close, inner before
    // outer, so of two over the same elements (a list of one item and that
    // item) the later one is the outer.
    let mut order: Vec<(usize, Group)> = groups.iter().copied().enumerate().collect();
    order.sort_by_key(|&(i, g)| (g.first, Reverse(g.last), Reverse(i)));
    let groups: Vec<Group> = order.into_iter().map(|(_, g)| g).collect();
    let mut leaves = structure.into_iter().peekable();
    let mut groups = groups.into_iter().peekable();
    let nodes = nest(&mut leaves, &mut groups, u32::MAX);
    let mut toc: Option<TagGroup> = None;
    for (role, node) in nodes {
        if role == Some(Role::TocItem) {
            toc.get_or_insert_with(|| TagGroup::new(Tag::TOC))
                .push(node);
        } else {
            if let Some(t) = toc.take() {
                tree.push(t);
            }
            tree.push(node);
        }
    }
    if let Some(t) = toc.take() {
        tree.push(t);
    }
    tree
}

type Leaves = std::iter::Peekable<std::collections::btree_map::IntoIter<u32, Elem>>;
type Groups = std::iter::Peekable<std::vec::IntoIter<Group>>;

/// The nodes of the elements with ids up to `last`, grouped.
fn nest(leaves: &mut Leaves, groups: &mut Groups, last: u32) -> Vec<(Option<Role>, Node)> {
    let mut out = Vec::new();
    while let Some(&id) = leaves.peek().map(|(id, _)| id) {
        if id > last {
            break;
        }
        // Groups that hold no element left are dropped.
        while groups.peek().is_some_and(|g| g.last < id) {
            groups.next();
        }
        if let Some(g) = groups.next_if(|g| g.first <= id) {
            let children = nest(leaves, groups, g.last);
            let kind: TagKind = match g.kind {
                GroupKind::List { ordered } => Tag::L(if ordered {
                    ListNumbering::Decimal
                } else {
                    ListNumbering::Disc
                })
                .into(),
                GroupKind::ListItem => Tag::LI.into(),
                GroupKind::ListBody => Tag::LBody.into(),
                GroupKind::Quote => Tag::BlockQuote.into(),
            };
            let nodes = children.into_iter().map(|(_, n)| n).collect();
            out.push((None, TagGroup::with_children(kind, nodes).into()));
            continue;
        }
        let (_, elem) = leaves.next().expect("peeked");
        out.push((Some(elem.role), element(elem)));
    }
    out
}

/// One element: its content, strong and emphasised runs as elements of
/// their own, and its links.
fn element(elem: Elem) -> Node {
    let mut nodes: Vec<Node> = Vec::new();
    let mut links: Vec<Node> = Vec::new();
    let mut open: Option<(InlineTag, Vec<Node>)> = None;
    let close = |open: &mut Option<(InlineTag, Vec<Node>)>, nodes: &mut Vec<Node>| {
        if let Some((tag, children)) = open.take() {
            let kind: TagKind = match tag {
                InlineTag::Strong => Tag::Strong.into(),
                InlineTag::Emphasis => Tag::Em.into(),
            };
            nodes.push(TagGroup::with_children(kind, children).into());
        }
    };
    for child in elem.children {
        match child {
            Child::Content(id) => {
                close(&mut open, &mut nodes);
                nodes.push(Node::from(id));
            }
            Child::Inline(tag, id) => {
                if open.as_ref().is_some_and(|(t, _)| *t != tag) {
                    close(&mut open, &mut nodes);
                }
                open.get_or_insert_with(|| (tag, Vec::new()))
                    .1
                    .push(Node::from(id));
            }
            Child::Link(id) => links.push(Node::from(id)),
        }
    }
    close(&mut open, &mut nodes);
    if !links.is_empty() {
        if elem.role == Role::TocItem {
            // The whole entry is the link.
            nodes.extend(links);
            nodes = vec![TagGroup::with_children(Tag::Link, nodes).into()];
        } else {
            for l in links {
                nodes.push(TagGroup::with_children(Tag::Link, vec![l]).into());
            }
        }
    }
    let kind: TagKind = match elem.role {
        Role::Figure => Tag::Figure(elem.alt).into(),
        Role::Heading(level) => Tag::Hn(
            NonZeroU16::new(level as u16).unwrap_or(NonZeroU16::MIN),
            Some(elem.text),
        )
        .into(),
        r => kind(r),
    };
    TagGroup::with_children(kind, nodes).into()
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
        Role::ListLabel => Tag::Lbl.into(),
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
    if m.placeholders > 0 {
        // Read by `bindery check` (rule text.placeholder).
        md = md.keywords(vec![format!(
            "{}={}",
            crate::fonts::coverage::PLACEHOLDER_KEY,
            m.placeholders
        )]);
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
