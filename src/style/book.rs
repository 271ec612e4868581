//! The preset `book`: an A4 book of articles set in 五号 (10.5 pt) on a
//! 1.7-em grid, bold titles and headings, emphasis dots, notes in small
//! type; cover, title page and contents before the articles; the book title
//! over even pages and the article title over odd ones, folios at the foot.

use super::{
    Align, Direction, DocumentClass, EmphasisMark, Folios, FontRole, FrontPart, Grid, HeadText,
    Numbering, PageSetup, RoleFaces, RunningHeads, TextStyle, TextStyles,
};

const fn text(role: FontRole, size: f32, leading: f32, align: Align, indent: f32) -> TextStyle {
    TextStyle {
        role,
        size,
        step: 1.0,
        leading,
        align,
        indent,
    }
}

/// Small type: notes, captions, running heads (about 小五, 9 pt).
const SMALL: f32 = 0.82;

pub fn class() -> DocumentClass {
    use Align::*;
    use FontRole::*;
    let heading = |size| text(Heading, size, 1.5, Left, 0.0);
    DocumentClass {
        name: "book",
        page: PageSetup {
            width_mm: 210.0,
            height_mm: 297.0,
            margin_top_mm: 25.0,
            margin_bottom_mm: 25.0,
            margin_inner_mm: 25.0,
            margin_outer_mm: 25.0,
            duplex: false,
        },
        grid: Grid {
            size_pt: 10.5,
            pitch_em: 1.7,
        },
        text: TextStyles {
            paragraph: text(Body, 1.0, 0.0, Justify, 2.0),
            block_indent: 2.0,
            chapter_title: text(Title, 1.6, 1.45, Center, 0.0),
            byline: text(Body, 1.0, 0.0, Center, 0.0),
            headings: [heading(1.4), heading(1.2), heading(1.0)],
            author_note: text(Note, SMALL, 1.6, Justify, 2.0),
            footnote: text(Note, SMALL, 1.5, Justify, 0.0),
            note_ref: TextStyle {
                step: 0.5,
                ..text(Body, 0.65, 0.0, Left, 0.0)
            },
            note_ref_rise: 0.35,
            caption: text(Note, SMALL, 0.0, Center, 0.0),
            code: text(Body, SMALL, 0.0, Left, 0.0),
            running_head: text(RunningHead, SMALL, 0.0, Center, 0.0),
            folio: text(RunningHead, SMALL, 0.0, Center, 0.0),
            book_title: text(Title, 2.6, 1.4, Center, 0.0),
            subtitle: text(Body, 1.6, 1.4, Center, 0.0),
            section: text(Body, 1.2, 1.4, Center, 0.0),
            editors: text(Body, 1.0, 1.4, Center, 0.0),
            contents_title: text(Title, 1.6, 1.5, Center, 0.0),
            contents_entry: text(Body, 1.0, 0.0, Left, 0.0),
            contents_authors: text(Note, SMALL, 0.0, Left, 0.0),
        },
        faces: RoleFaces(
            [
                "regular", // body
                "bold",    // title
                "bold",    // heading
                "bold",    // strong
                "regular", // emphasis: dots, not bold
                "regular", // note
                "regular", // running head
            ]
            .map(String::from),
        ),
        emphasis: EmphasisMark::Dots,
        front: vec![FrontPart::Cover, FrontPart::TitlePage, FrontPart::Contents],
        running_heads: Some(RunningHeads {
            even: HeadText::BookTitle,
            odd: HeadText::ChapterTitle,
        }),
        folios: Folios {
            front: Numbering::Roman,
            body: Numbering::Arabic,
        },
        direction: Direction::Horizontal,
    }
}
