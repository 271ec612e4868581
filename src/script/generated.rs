//! Every string the tool sets itself: the contents heading and navigation
//! labels, fallback titles of untitled articles, footnote marks, list
//! markers, the editors line, page numbers, the running head's ellipsis.
//! The editions take them from [`Texts`] and nowhere else, and
//! [`Texts::registry`] lists them for the coverage check, so a font that
//! lacks one fails the build instead of printing an empty box.

use crate::fonts::FontSet;
use crate::model::{Block, Book, Metadata};
use crate::style::FontRole;

/// Labels the editions print, in the book's script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub contents: String,
    pub landmarks: String,
    pub page_list: String,
    pub cover: String,
    pub body: String,
    /// Before the title in the cover image's text alternative.
    pub cover_alt: String,
    /// After the editors' names on the title page (编).
    pub editors: String,
    /// Fallback title of an untitled article; `{n}` is its number.
    pub untitled: String,
    /// The EPUB's accessibility summary, and the sentences added when the
    /// book has footnotes and print page numbers.
    pub summary: String,
    pub summary_notes: String,
    pub summary_pages: String,
}

/// The keys of `[book] labels`, each overriding one label.
pub const LABEL_KEYS: &[&str] = &[
    "contents",
    "landmarks",
    "page_list",
    "cover",
    "body",
    "cover_alt",
    "editors",
    "untitled",
    "summary",
    "summary_notes",
    "summary_pages",
];

impl Labels {
    /// Simplified Chinese labels.
    pub fn hans() -> Labels {
        Labels {
            contents: "目录".into(),
            landmarks: "导览".into(),
            page_list: "页码".into(),
            cover: "封面".into(),
            body: "正文".into(),
            cover_alt: "封面：".into(),
            editors: "编".into(),
            untitled: "第{n}篇（无题）".into(),
            summary: "本书为可重排文本，按阅读顺序编排，附目录，每篇文章有标题层级，另有文字书名页；封面图片有替代文本；内嵌字体子集，没有中文字体的阅读设备也能正确显示正文。".into(),
            summary_notes: "脚注与正文双向链接。".into(),
            summary_pages: "标注并列出印刷版（PDF）的页码。".into(),
        }
    }

    /// Traditional Chinese labels.
    pub fn hant() -> Labels {
        Labels {
            contents: "目錄".into(),
            landmarks: "導覽".into(),
            page_list: "頁碼".into(),
            cover: "封面".into(),
            body: "正文".into(),
            cover_alt: "封面：".into(),
            editors: "編".into(),
            untitled: "第{n}篇（無題）".into(),
            summary: "本書為可重排文本，按閱讀順序編排，附目錄，每篇文章有標題層級，另有文字書名頁；封面圖片有替代文本；內嵌字型子集，沒有中文字型的閱讀裝置也能正確顯示正文。".into(),
            summary_notes: "腳註與正文雙向連結。".into(),
            summary_pages: "標註並列出印刷版（PDF）的頁碼。".into(),
        }
    }

    /// The labels of a book: in its script (traditional for `zh-Hant`,
    /// `zh-TW`, `zh-HK`, `zh-MO`), the accessibility summary in English for
    /// a book not in Chinese, then each `[book] labels` entry in place of
    /// its label.
    pub fn for_book(meta: &Metadata) -> Labels {
        let mut l = if crate::script::is_traditional(&meta.language) {
            Labels::hant()
        } else {
            Labels::hans()
        };
        if !meta.language.to_ascii_lowercase().starts_with("zh") {
            l.summary = "Reflowable text in reading order with a table of contents, headings for every article and a text title page; the cover image has a text alternative; fonts are embedded so the Chinese text shows on reading systems without Chinese fonts.".into();
            l.summary_notes = " Footnotes are linked both ways.".into();
            l.summary_pages =
                " Page numbers of the print (PDF) edition are marked and listed.".into();
        }
        for (key, value) in &meta.labels {
            if let Some(slot) = l.slot(key) {
                *slot = value.clone();
            }
        }
        l
    }

    fn slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "contents" => &mut self.contents,
            "landmarks" => &mut self.landmarks,
            "page_list" => &mut self.page_list,
            "cover" => &mut self.cover,
            "body" => &mut self.body,
            "cover_alt" => &mut self.cover_alt,
            "editors" => &mut self.editors,
            "untitled" => &mut self.untitled,
            "summary" => &mut self.summary,
            "summary_notes" => &mut self.summary_notes,
            "summary_pages" => &mut self.summary_pages,
            _ => return None,
        })
    }
}

/// Joins an untitled article's fallback title to its authors.
const TITLE_AUTHOR_JOIN: &str = "·";
/// Between the title and the subtitle in the cover's text alternative.
const SUBTITLE_JOIN: &str = "——";
/// Ends a running head shortened to fit its line.
pub const ELLIPSIS: &str = "……";
/// The contents page's dot leader.
pub const LEADER: &str = ".";
/// Characters of page numbers: digits and lower-case roman numerals.
pub const FOLIO_CHARS: &str = "0123456789ivxlcdm";
/// Unordered list marker.
const BULLET: &str = "• ";

/// How footnotes are numbered in one chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteMarks {
    /// ① … ⑳: the Chinese book habit, for chapters of up to 20 notes whose
    /// note face has all of them.
    Circled,
    /// [1] [2] …: any count, in any font with digits and brackets.
    Bracketed,
}

const CIRCLED_MAX: usize = 20;

fn circled(n: usize) -> Option<char> {
    (1..=CIRCLED_MAX)
        .contains(&n)
        .then(|| char::from_u32(0x2460 + n as u32 - 1))
        .flatten()
}

/// One generated string as the editions show it, for the coverage check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub text: String,
    pub role: FontRole,
    /// What it is and where it appears, for messages.
    pub what: String,
}

/// The generated strings of one book.
#[derive(Debug, Clone)]
pub struct Texts {
    pub labels: Labels,
    /// Footnote numbering of each chapter.
    notes: Vec<NoteMarks>,
    /// Display title of each chapter.
    titles: Vec<String>,
}

impl Texts {
    /// Chooses the labels and each chapter's footnote marks (circled only
    /// where the note face has every mark the chapter needs).
    pub fn new(book: &Book, fonts: &FontSet) -> Texts {
        let labels = Labels::for_book(&book.meta);
        let note_face = fonts.face(fonts.role(FontRole::Note));
        let notes = book
            .chapters
            .iter()
            .map(|ch| {
                let n = ch.footnotes.len();
                let all = (1..=n).all(|i| circled(i).is_some_and(|c| note_face.covers(c)));
                if n <= CIRCLED_MAX && all {
                    NoteMarks::Circled
                } else {
                    NoteMarks::Bracketed
                }
            })
            .collect();
        let titles = book
            .chapters
            .iter()
            .enumerate()
            .map(|(i, ch)| {
                if !ch.title.trim().is_empty() {
                    return ch.title.clone();
                }
                let t = labels.untitled.replace("{n}", &(i + 1).to_string());
                if ch.authors.is_empty() {
                    t
                } else {
                    format!("{t}{TITLE_AUTHOR_JOIN}{}", ch.authors.join(" "))
                }
            })
            .collect();
        Texts {
            labels,
            notes,
            titles,
        }
    }

    /// The title chapter `ci` shows: its own, or a visible fallback built
    /// from its number and authors when the source has none.
    pub fn chapter_title(&self, ci: usize) -> &str {
        &self.titles[ci]
    }

    /// The mark of footnote `i` (0-based) of chapter `ci`.
    pub fn note_mark(&self, ci: usize, i: usize) -> String {
        let n = i + 1;
        match self.notes.get(ci) {
            Some(NoteMarks::Circled) => circled(n).map(String::from).unwrap_or_default(),
            _ => format!("[{n}]"),
        }
    }

    /// Marker of item `k` (0-based) of a list; `start` for ordered lists.
    pub fn list_marker(start: Option<u64>, k: usize) -> String {
        match start {
            Some(s) => format!("{}. ", s.saturating_add(k as u64)),
            None => BULLET.to_string(),
        }
    }

    /// The title page's editors line.
    pub fn editors_line(&self, editors: &[String]) -> String {
        format!("{} {}", editors.join(" "), self.labels.editors)
    }

    /// Text alternative of the cover image: what the cover shows.
    pub fn cover_alt(&self, book: &Book) -> String {
        let m = &book.meta;
        let mut alt = format!("{}{}", self.labels.cover_alt, m.title);
        if let Some(s) = &m.subtitle {
            alt.push_str(SUBTITLE_JOIN);
            alt.push_str(s);
        }
        alt
    }

    /// Every generated string this book shows, with its role.
    pub fn registry(&self, book: &Book) -> Vec<Generated> {
        let g = |text: &str, role, what: String| Generated {
            text: text.to_string(),
            role,
            what,
        };
        let l = &self.labels;
        let mut out = vec![
            g(&l.contents, FontRole::Title, "the contents heading".into()),
            g(&l.contents, FontRole::Body, "the contents landmark".into()),
            g(
                &l.landmarks,
                FontRole::Title,
                "the EPUB landmarks heading".into(),
            ),
            g(
                &l.page_list,
                FontRole::Title,
                "the EPUB page-list heading".into(),
            ),
            g(&l.cover, FontRole::Body, "the cover landmark".into()),
            g(&l.body, FontRole::Body, "the body landmark".into()),
            g(FOLIO_CHARS, FontRole::RunningHead, "page numbers".into()),
            g(FOLIO_CHARS, FontRole::Body, "contents page numbers".into()),
            g(LEADER, FontRole::Body, "contents leaders".into()),
            g(
                ELLIPSIS,
                FontRole::RunningHead,
                "a shortened running head".into(),
            ),
        ];
        if !book.meta.editors.is_empty() {
            let line = self.editors_line(&book.meta.editors);
            out.push(g(
                &line,
                FontRole::Body,
                "the title page's editors line".into(),
            ));
        }
        for (ci, ch) in book.chapters.iter().enumerate() {
            let file = ch.source.display();
            if ch.title.trim().is_empty() {
                let t = self.chapter_title(ci);
                let what = format!("the fallback title of untitled {file}");
                out.push(g(t, FontRole::Title, what.clone()));
                out.push(g(t, FontRole::Body, what.clone()));
                out.push(g(t, FontRole::RunningHead, what));
            }
            for i in 0..ch.footnotes.len() {
                let mark = self.note_mark(ci, i);
                let what = format!("footnote mark {} of {file}", i + 1);
                out.push(g(&mark, FontRole::Body, what.clone()));
                out.push(g(&mark, FontRole::Note, what));
            }
            let mut starts = Vec::new();
            list_starts(&ch.blocks, &mut starts);
            starts.sort_unstable();
            starts.dedup();
            for start in starts {
                // Digits of every number are page-number characters above.
                let marker = Texts::list_marker(start, 0);
                let what = format!("the list marker {} in {file}", marker.trim());
                out.push(g(&marker, FontRole::Body, what));
            }
        }
        out
    }
}

/// The `start` of every list in `blocks` (`None` for unordered lists).
fn list_starts(blocks: &[Block], out: &mut Vec<Option<u64>>) {
    for b in blocks {
        match b {
            Block::List { start, items, .. } => {
                out.push(start.map(|_| 1));
                items.iter().for_each(|i| list_starts(i, out));
            }
            Block::Quote { blocks, .. } => list_starts(blocks, out),
            _ => {}
        }
    }
}

/// Lower-case roman numeral (front matter page numbers).
pub fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}
