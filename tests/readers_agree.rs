//! Both editions follow the document style: for the feature book, each
//! feature the style decides (title and heading alignment, footnote marks,
//! the image caption, the author note's indent, the title page's editors
//! line, emphasis and strong text) is read from the EPUB as Chromium lays
//! it out and from the PDF as poppler reads it (or the typeset pages, for
//! faces and dots), and compared with what the style says.

mod common;
mod readers;
mod serve_cdp;

use std::path::Path;

use bindery::style::{Align, EmphasisMark, FontRole};
use readers::{artifacts, build, feature_book, run};
use serde_json::json;
use serve_cdp::Browser;

/// A line of a PDF page as `pdftotext -bbox-layout` reads it.
#[derive(Debug)]
struct Line {
    x0: f32,
    x1: f32,
    text: String,
}

fn attr(tag: &str, name: &str) -> f32 {
    let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[at..].split('"').next().unwrap().parse().unwrap()
}

/// The lines of page `page` (from 1), their words joined.
fn pdf_lines(pdf: &Path, page: usize) -> Vec<Line> {
    let p = page.to_string();
    let o = run(
        "pdftotext",
        &[
            "-bbox-layout",
            "-f",
            &p,
            "-l",
            &p,
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    let xml = String::from_utf8(o.stdout).unwrap();
    let mut out: Vec<Line> = Vec::new();
    for piece in xml.split('<').skip(1) {
        if piece.starts_with("line ") {
            out.push(Line {
                x0: attr(piece, "xMin"),
                x1: attr(piece, "xMax"),
                text: String::new(),
            });
        } else if let Some(w) = piece.strip_prefix("word ") {
            let text = w.split_once('>').unwrap().1;
            let line = out.last_mut().unwrap();
            if !line.text.is_empty() {
                line.text.push(' ');
            }
            line.text.push_str(&text.replace("&amp;", "&"));
        }
    }
    out
}

fn find<'a>(lines: &'a [Line], text: &str) -> &'a Line {
    lines
        .iter()
        .find(|l| l.text.contains(text))
        .unwrap_or_else(|| panic!("no line with “{text}” in {lines:#?}"))
}

/// The left and right edges of the text block: the measure is a whole
/// number of body characters, centred between the margins.
fn block(class: &bindery::style::DocumentClass) -> (f32, f32) {
    let mm = bindery::style::mm;
    let p = &class.page;
    let avail = mm(p.width_mm) - mm(p.margin_inner_mm) - mm(p.margin_outer_mm);
    let em = class.grid.size_pt;
    let measure = (avail / em).floor() * em;
    let left = mm(p.margin_inner_mm) + (avail - measure) / 2.0;
    (left, left + measure)
}

/// Asserts a PDF line sits as `align` says in the block.
fn assert_pdf_align(line: &Line, align: Align, (left, right): (f32, f32), what: &str) {
    match align {
        Align::Center => {
            let mid = (line.x0 + line.x1) / 2.0;
            assert!(
                (mid - (left + right) / 2.0).abs() < 1.0,
                "{what} not centred: {line:?}"
            );
        }
        _ => assert!(
            (line.x0 - left).abs() < 1.0,
            "{what} not at the left edge: {line:?}"
        ),
    }
}

/// The CSS `text-align` values that mean `align`.
fn css_align(align: Align) -> &'static [&'static str] {
    match align {
        Align::Center => &["center"],
        Align::Left => &["left", "start"],
        Align::Right => &["right", "end"],
        Align::Justify => &["justify"],
    }
}

#[test]
fn the_two_editions_of_the_feature_book_follow_one_style() {
    let out = artifacts("agree");
    let book = out.join("feature");
    feature_book(&book);
    let (epub, pdf) = build(&book, &out.join("build"));
    let prepared = common::prepared(&book);
    let class = prepared.sources.class.clone();
    let texts = &prepared.texts;
    let blk = block(&class);
    let body_page = readers::first_body_page(&pdf) + 1;
    let page = pdf_lines(&pdf, body_page);
    let em = class.grid.size_pt;

    // The EPUB, unpacked, opened in Chromium from its files.
    let dir = out.join("epub");
    zip::ZipArchive::new(std::fs::File::open(&epub).unwrap())
        .unwrap()
        .extract(&dir)
        .unwrap();
    let mut b = Browser::launch();
    let open = |b: &mut Browser, file: &str| {
        b.navigate(&format!("file://{}", dir.join("EPUB").join(file).display()));
        b.wait_for(
            &format!(
                "document.readyState === 'complete' && location.href.endsWith('{file}') && document.fonts.status === 'loaded'"
            ),
            std::time::Duration::from_secs(20),
            file,
        );
    };
    let css = |b: &mut Browser, sel: &str, prop: &str| -> String {
        b.eval(&format!(
            "getComputedStyle(document.querySelector({})).getPropertyValue({})",
            json!(sel),
            json!(prop)
        ))
        .as_str()
        .unwrap_or_else(|| panic!("no {sel}"))
        .to_string()
    };
    let text = |b: &mut Browser, sel: &str| -> String {
        b.eval(&format!(
            "document.querySelector({}).textContent",
            json!(sel)
        ))
        .as_str()
        .unwrap_or_else(|| panic!("no {sel}"))
        .to_string()
    };
    open(&mut b, "ch01.xhtml");

    // Chapter title and heading alignment.
    let title = class.text.chapter_title.align;
    assert!(css_align(title).contains(&css(&mut b, "h1", "text-align").as_str()));
    assert_pdf_align(find(&page, "以实干实绩实效"), title, blk, "chapter title");
    let heading = class.text.heading(2).align;
    assert!(css_align(heading).contains(&css(&mut b, "h2", "text-align").as_str()));
    assert_pdf_align(find(&page, "小标题在这里"), heading, blk, "## heading");

    // Footnote marks: the same mark at the reference and at the note.
    let mark = texts.note_mark(0, 0);
    assert_eq!(text(&mut b, "a.noteref"), mark);
    assert_eq!(text(&mut b, "aside.footnote a"), mark);
    assert!(
        find(&page, "还有脚注")
            .text
            .contains(&format!("还有脚注 {mark}"))
    );
    assert!(find(&page, "脚注里有").text.starts_with(&mark));

    // The image's alternative text is its caption in both.
    let caption = class.text.caption.align;
    assert_eq!(text(&mut b, "figcaption"), "示意图的替代文字");
    assert!(css_align(caption).contains(&css(&mut b, "figcaption", "text-align").as_str()));
    assert_pdf_align(find(&page, "示意图的替代文字"), caption, blk, "caption");

    // The author note's first-line indent, in ems of the note's size.
    let indent = class.text.author_note.indent;
    let px = |v: String| v.trim_end_matches("px").parse::<f32>().unwrap();
    let epub_indent = px(css(&mut b, ".author-note", "text-indent"))
        / px(css(&mut b, ".author-note", "font-size"));
    assert!(
        (epub_indent - indent).abs() < 0.01,
        "EPUB indent {epub_indent} em"
    );
    let note_pt = class.text.author_note.pt(em);
    let pdf_indent = (find(&page, "(作者单位").x0 - blk.0) / note_pt;
    assert!(
        (pdf_indent - indent).abs() < 0.05,
        "PDF indent {pdf_indent} em"
    );

    // Emphasis: the style's face (not bold) and its dots; strong text in
    // a footnote is bold in both.
    let emphasis_face = class.faces.get(FontRole::Emphasis).to_string();
    let weight = |face: &str| if face == "bold" { "700" } else { "400" };
    assert_eq!(css(&mut b, "em", "font-weight"), weight(&emphasis_face));
    let dots = css(&mut b, "em", "text-emphasis-style");
    assert_eq!(
        class.emphasis == EmphasisMark::Dots,
        dots.contains("dot"),
        "{dots}"
    );
    assert_eq!(css(&mut b, "aside.footnote strong", "font-weight"), "700");
    let doc = common::typeset(&prepared);
    let runs: Vec<_> = doc
        .pages
        .iter()
        .flat_map(|p| p.runs.iter().map(move |r| (p, r)))
        .collect();
    let (em_page, em_run) = runs
        .iter()
        .find(|(_, r)| r.text == "强调的文字")
        .expect("emphasis run");
    assert_eq!(prepared.fonts.name(em_run.font), emphasis_face);
    let under = em_page
        .dots
        .iter()
        .filter(|d| d.y > em_run.y && d.y < em_run.y + em && d.x > em_run.x)
        .count();
    assert_eq!(
        under > 0,
        class.emphasis == EmphasisMark::Dots,
        "{under} dots"
    );
    let (_, strong) = runs
        .iter()
        .find(|(_, r)| r.text == "加粗的词")
        .expect("strong run");
    assert_eq!(
        prepared.fonts.name(strong.font),
        class.faces.get(FontRole::Strong)
    );

    // The title page's editors line, as generated once.
    let editors = texts.editors_line(&prepared.book().meta.editors);
    open(&mut b, "titlepage.xhtml");
    assert_eq!(text(&mut b, "p.editors"), editors);
    let title_page = pdf_lines(&pdf, 2);
    assert!(
        title_page.iter().any(|l| l.text == editors),
        "no “{editors}” on the PDF's title page: {title_page:#?}"
    );
}
