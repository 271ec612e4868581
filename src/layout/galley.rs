//! Galleys: a chapter (or the contents) laid out in one long column of
//! elements — set lines, spaces, images, rules — before it is cut into
//! pages.

use std::path::PathBuf;

use super::para::SetLine;
use super::{Role, Structure};

/// Where an element's text starts in the model, for the page map.
#[derive(Debug, Clone, Copy)]
pub(super) struct Src {
    pub block: Option<usize>,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub(super) enum ElKind {
    Line {
        line: SetLine,
        /// Left indent of the line's measure inside the text block.
        dx: f32,
        measure: f32,
        indent: f32,
        em: f32,
        structure: Structure,
    },
    Space,
    Image {
        path: PathBuf,
        width: f32,
        height: f32,
        alt: String,
        structure: Structure,
    },
    Rule,
}

#[derive(Debug, Clone)]
pub(super) struct El {
    pub h: f32,
    pub kind: ElKind,
    /// A page may end before this element.
    pub break_before: bool,
    pub footnotes: Vec<usize>,
    pub src: Option<Src>,
    /// A place links lead to (`LinkTarget::Anchor`) starts here.
    pub anchor: Option<String>,
}

/// One article (or the contents) laid out in a single column.
pub(super) struct Galley {
    pub els: Vec<El>,
    /// Set lines of each footnote, in the chapter's order.
    pub footnotes: Vec<(Structure, Vec<SetLine>)>,
    pub title: String,
    /// Warnings about what the print edition sets (low-resolution images).
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// Lists and quotes over the galley's structure ids.
    pub groups: Vec<super::Group>,
}

pub(super) fn space(h: f32, break_before: bool) -> El {
    El {
        h,
        kind: ElKind::Space,
        break_before,
        footnotes: Vec::new(),
        src: None,
        anchor: None,
    }
}

/// How a set line sits in the column.
#[derive(Debug, Clone, Copy)]
pub(super) struct LineBox {
    /// Height of the line's box (its pitch).
    pub h: f32,
    /// Left indent of its measure inside the text block, and the measure.
    pub dx: f32,
    pub measure: f32,
    /// First-line indent, for the line records.
    pub indent: f32,
    pub em: f32,
}

pub(super) fn line_el(
    line: SetLine,
    b: LineBox,
    structure: Structure,
    break_before: bool,
    src: Option<Src>,
) -> El {
    El {
        h: b.h,
        footnotes: line.footnotes.clone(),
        kind: ElKind::Line {
            line,
            dx: b.dx,
            measure: b.measure,
            indent: b.indent,
            em: b.em,
            structure,
        },
        break_before,
        src,
        anchor: None,
    }
}

/// Structure ids: front matter uses 1..1000 (the contents 900 and from
/// 1000), chapter `c` from `(c + 1) << 20`.
pub(super) fn chapter_sid_base(ci: usize) -> u32 {
    ((ci as u32) + 1) << 20
}

pub(super) const CONTENTS_SID: u32 = 900;

pub(super) fn contents_entry_sid(ci: usize) -> u32 {
    1000 + ci as u32
}

pub(super) fn structure(role: Role, id: u32) -> Structure {
    Structure { role, id }
}
