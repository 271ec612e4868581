//! The print edition on the seed book, checked with independent tools
//! (poppler's pdfinfo, pdffonts, pdftotext; qpdf) and by reading the
//! typesetter's own lines.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use bindery::fonts::FontSet;
use bindery::layout::{self, Document, Role};
use bindery::model::{Block, Book, inline_text};
use bindery::pipeline::Prepared;
use common::{render_pdf, typeset};

fn seed() -> Prepared {
    common::prepared(&Path::new(env!("CARGO_MANIFEST_DIR")).join("book"))
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-tests");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Renders the seed book to a file and returns its path.
fn seed_pdf() -> PathBuf {
    let (bytes, _) = render_pdf(&seed());
    // One file per call: tests run in parallel and read what they wrote.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = out_dir().join(format!("seed-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    path
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} could not run: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn seed_pdf_writes() {
    let p = seed_pdf();
    assert!(std::fs::metadata(&p).unwrap().len() > 10_000);
}

/// Marks no line may start with (clreq), and those no line may end with.
const NO_START: &str = "，。、；：？！）》」』】〕〉”’·…";
const NO_END: &str = "“‘（《「『【〔〈";

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn paragraphs(book: &Book) -> Vec<String> {
    fn walk(b: &Block, out: &mut Vec<String>) {
        match b {
            Block::Paragraph { content, .. } => out.push(inline_text(content)),
            Block::Quote { blocks, .. } => blocks.iter().for_each(|b| walk(b, out)),
            Block::List { items, .. } => items.iter().flatten().for_each(|b| walk(b, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for ch in &book.chapters {
        ch.blocks.iter().for_each(|b| walk(b, &mut out));
    }
    out
}

/// Checks the typesetter's lines against the clreq rules and the measure;
/// returns the number of body lines checked.
fn check_lines(book: &Book, doc: &Document) -> usize {
    let body: Vec<_> = doc
        .lines
        .iter()
        .filter(|l| l.role == Role::Paragraph)
        .collect();
    let mut problems = Vec::new();
    for (i, l) in doc.lines.iter().enumerate() {
        let right = l.left + l.measure;
        if let Some(c) = l.text.chars().next()
            && NO_START.contains(c)
        {
            problems.push(format!("line {i} starts with {c}: {}", l.text));
        }
        if let Some(c) = l.text.chars().next_back()
            && NO_END.contains(c)
        {
            problems.push(format!("line {i} ends with {c}: {}", l.text));
        }
        if l.x_end > right + 0.01 || l.x_start < l.left - 0.01 {
            problems.push(format!(
                "line {i} wider than the measure ({:.2}..{:.2} in {:.2}..{:.2}): {}",
                l.x_start, l.x_end, l.left, right, l.text
            ));
        }
        if l.role == Role::Paragraph
            && ((l.measure / l.em) - (l.measure / l.em).round()).abs() > 1e-3
        {
            problems.push(format!(
                "measure {:.2} pt is not a whole number of ems",
                l.measure
            ));
        }
        if matches!(l.role, Role::Paragraph | Role::Note) {
            if !l.last && (l.x_end - right).abs() > 0.5 {
                problems.push(format!(
                    "line {i} not justified: ends at {:.2}, measure ends at {right:.2}: {}",
                    l.x_end, l.text
                ));
            }
            if l.first && ((l.x_start - l.left) - 2.0 * l.em).abs() > 0.01 {
                problems.push(format!(
                    "line {i} indented {:.2} pt, not 2 em: {}",
                    l.x_start - l.left,
                    l.text
                ));
            }
        }
    }
    // Across each break inside a paragraph: no Latin word, number, ——
    // or …… split.
    for w in doc.lines.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.last || a.role != b.role {
            continue;
        }
        let (p, n) = (
            a.text.chars().next_back().unwrap_or(' '),
            b.text.chars().next().unwrap_or(' '),
        );
        if p.is_ascii_alphanumeric() && n.is_ascii_alphanumeric() {
            problems.push(format!("word split: {} / {}", a.text, b.text));
        }
        if p == n && (p == '—' || p == '…') {
            problems.push(format!("{p}{p} split: {} / {}", a.text, b.text));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // No lone first or last line of a paragraph on a page; no heading at
    // a page's foot.
    let mut para: Vec<&layout::LineRecord> = Vec::new();
    let check_para = |para: &[&layout::LineRecord], problems: &mut Vec<String>| {
        if para.len() < 2 {
            return;
        }
        let first_page = para[0].page;
        let last_page = para[para.len() - 1].page;
        if first_page != last_page {
            let head = para.iter().filter(|l| l.page == first_page).count();
            let tail = para.iter().filter(|l| l.page == last_page).count();
            if head < 2 || tail < 2 {
                problems.push(format!(
                    "lone line at a page edge ({head}+{tail}): {}",
                    para[0].text
                ));
            }
        }
    };
    for l in &body {
        if l.first {
            check_para(&para, &mut problems);
            para.clear();
        }
        para.push(l);
    }
    check_para(&para, &mut problems);
    for w in doc.lines.windows(2) {
        if matches!(w[0].role, Role::Heading(_)) && w[1].page != w[0].page {
            problems.push(format!("heading alone at a page's foot: {}", w[0].text));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Nothing lost: the lines give back every paragraph, in order.
    let mut paras = Vec::new();
    let mut cur = String::new();
    for l in &body {
        if l.first && !cur.is_empty() {
            paras.push(std::mem::take(&mut cur));
        }
        cur.push_str(&l.text);
    }
    paras.push(cur);
    let expected: Vec<String> = paragraphs(book).iter().map(|p| squash(p)).collect();
    let got: Vec<String> = paras.iter().map(|p| squash(p)).collect();
    assert_eq!(got.len(), expected.len(), "paragraph count");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e);
    }
    body.len()
}

#[test]
fn seed_lines_follow_clreq() {
    let p = seed();
    let doc = typeset(&p);
    let n = check_lines(p.book(), &doc);
    assert!(n > 100, "only {n} body lines");
}

/// A larger book of real text: the seed's articles repeated, their
/// paragraphs shuffled and split differently, so that many other line
/// breaks occur.
fn big_book(book: &Book, articles: usize) -> Book {
    let mut big = book.clone();
    big.chapters.clear();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..articles {
        let mut ch = book.chapters[i % book.chapters.len()].clone();
        ch.id = format!("ch{:03}", i + 1);
        let n = ch.blocks.len();
        for k in (1..n).rev() {
            let j = (next() % (k as u64 + 1)) as usize;
            ch.blocks.swap(k, j);
        }
        // Drop a few characters from the front of some paragraphs so that
        // breaks fall at other places than in the seed.
        for b in &mut ch.blocks {
            if let Block::Paragraph { content, .. } = b
                && let Some(bindery::model::Inline::Text(t)) = content.first_mut()
            {
                let skip = (next() % 7) as usize;
                let rest: String = t.chars().skip(skip).collect();
                // A paragraph cannot begin with a closing mark.
                *t = rest
                    .trim_start_matches(|c| NO_START.contains(c))
                    .to_string();
            }
        }
        // Section headings now and then, to exercise keep-with-next.
        let mut k = 2 + (next() % 3) as usize;
        let mut part = 1;
        while k < ch.blocks.len() {
            ch.blocks.insert(
                k,
                Block::Heading {
                    level: 2,
                    content: vec![bindery::model::Inline::Text(format!("第{part}部分"))],
                    id: format!("h-第{part}部分"),
                    pos: Default::default(),
                },
            );
            part += 1;
            k += 3 + (next() % 4) as usize;
        }
        big.chapters.push(ch);
    }
    big
}

#[test]
fn larger_book_lines_follow_clreq() {
    let p = seed();
    let big = big_book(p.book(), 60);
    let p = p.with_book(big).unwrap();
    let doc = typeset(&p);
    let n = check_lines(p.book(), &doc);
    assert!(n > 2000, "only {n} body lines");
    // Article openings carry no folio: the outline has one entry per
    // article, each on its own page.
    assert_eq!(doc.outline.len(), 60);
}

#[test]
fn pdf_tools_accept_the_seed() {
    let p = seed_pdf();
    let f = p.to_str().unwrap();
    // A4 on every page.
    let info = tool("pdfinfo", &["-f", "1", "-l", "9999", f]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let sizes: Vec<_> = info
        .lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" size: ") && !l.starts_with("Page size"))
        .collect();
    assert_eq!(sizes.len(), pages);
    assert!(sizes.iter().all(|l| l.ends_with("(A4)")), "{sizes:?}");
    // Every font embedded, subset, with a ToUnicode map.
    let fonts = tool("pdffonts", &[f]);
    let rows: Vec<_> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for r in rows {
        let cols: Vec<_> = r.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{r}");
    }
    // Structure is sound.
    let check = tool("qpdf", &["--check", f]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    // One outline entry per article; page labels present.
    let json = tool(
        "qpdf",
        &[
            "--json=2",
            "--json-key=outlines",
            "--json-key=pagelabels",
            f,
        ],
    );
    let p = seed();
    for i in 0..p.book().chapters.len() {
        let title = p.texts.chapter_title(i);
        assert!(
            json.contains(&format!("\"title\": \"{title}\"")),
            "outline lacks {title}"
        );
    }
    assert!(
        json.contains("/r") && json.contains("/D"),
        "page labels: {json}"
    );
}

#[test]
fn pdftotext_recovers_every_paragraph_and_note() {
    let p = seed_pdf();
    let f = p.to_str().unwrap();
    let prepared = seed();
    let book = prepared.book();
    let page = prepared.pdf_edition().unwrap().class.page;
    let mm = 72.0 / 25.4;
    let top = (page.margin_top_mm * mm - 5.0) as i32;
    let h = (page.height_mm * mm) as i32 - top - (page.margin_bottom_mm * mm - 5.0) as i32;
    let w = (page.width_mm * mm) as i32;
    // The text block only: running heads and folios stay out.
    let text = tool(
        "pdftotext",
        &[
            "-r",
            "72",
            "-x",
            "0",
            "-y",
            &top.to_string(),
            "-W",
            &w.to_string(),
            "-H",
            &h.to_string(),
            f,
            "-",
        ],
    );
    let all = squash(&text);
    let mut at = 0;
    for para in paragraphs(book) {
        let p = squash(&para);
        let found = all[at..].find(&p);
        assert!(
            found.is_some(),
            "paragraph missing or out of order: {}",
            &para
        );
        at += found.unwrap() + p.len();
    }
    for ch in &book.chapters {
        let note = squash(ch.note.as_deref().unwrap());
        assert!(all.contains(&note), "note missing: {note}");
        let ci = book.chapters.iter().position(|c| c.id == ch.id).unwrap();
        let t = squash(prepared.texts.chapter_title(ci));
        assert!(all.contains(&t), "title missing: {t}");
    }
}

#[test]
fn two_renders_are_identical() {
    let p = seed();
    let a = render_pdf(&p);
    let b = render_pdf(&p);
    assert!(a.0 == b.0, "renders differ");
    assert_eq!(a.1, b.1);
}

#[test]
fn page_map_locates_body_pages() {
    let p = seed();
    let book = p.book();
    let doc = typeset(&p);
    let map = &doc.page_map;
    let body_pages = doc
        .pages
        .iter()
        .filter(|p| p.label.style == layout::Numbering::Arabic)
        .count();
    assert_eq!(map.pages.len(), body_pages);
    assert_eq!(map.pages[0].label, "1");
    for (i, ps) in map.pages.iter().enumerate() {
        assert_eq!(ps.label, (i + 1).to_string());
        let ch = &book.chapters[ps.chapter];
        if let Some(b) = ps.block {
            // The offset points into the block's text, and the page's first
            // body line begins with the text found there.
            let text = bindery::model::block_text(&ch.blocks[b]);
            let rest: String = text.chars().skip(ps.offset).collect();
            assert!(!rest.is_empty());
            let page_idx = doc.pages.len() - body_pages + i;
            let first = doc
                .lines
                .iter()
                .find(|l| l.page == page_idx && l.role == Role::Paragraph)
                .expect("page has body lines");
            assert!(rest.starts_with(&first.text), "{rest:.20} / {}", first.text);
        }
    }
    // Each article's first page starts with its title.
    let openings = map.pages.iter().filter(|p| p.block.is_none()).count();
    assert!(openings >= book.chapters.len());
}

#[test]
fn footnotes_sit_at_the_foot_of_their_page() {
    use bindery::model::{Footnote, Inline, SourcePos};
    let p = seed();
    let mut book = p.book().clone();
    let ch = &mut book.chapters[0];
    for (k, bi) in [1usize, 3].into_iter().enumerate() {
        if let Block::Paragraph { content, .. } = &mut ch.blocks[bi] {
            content.insert(1, Inline::FootnoteRef(k));
        }
        ch.footnotes.push(Footnote {
            label: format!("n{k}"),
            blocks: vec![Block::Paragraph {
                content: vec![Inline::Text(format!(
                    "注释{k}：这是第{k}条脚注的文字，说明正文中的一个提法。"
                ))],
                pos: SourcePos::default(),
            }],
            pos: SourcePos::default(),
        });
    }
    let p = p.with_book(book).unwrap();
    let doc = typeset(&p);
    for (k, mark) in ["①", "②"].into_iter().enumerate() {
        let body = doc
            .lines
            .iter()
            .find(|l| l.role == Role::Paragraph && l.text.contains(mark))
            .unwrap_or_else(|| panic!("marker {mark} in the text"));
        let note: Vec<_> = doc
            .lines
            .iter()
            .filter(|l| l.role == Role::Footnote && l.text.contains(&format!("第{k}条脚注")))
            .collect();
        assert!(!note.is_empty(), "footnote {k} set");
        assert!(
            note.iter().all(|n| n.page == body.page),
            "footnote {k} on another page"
        );
        let lowest_body = doc
            .lines
            .iter()
            .filter(|l| l.page == body.page && l.role != Role::Footnote)
            .map(|l| l.baseline)
            .fold(0.0f32, f32::max);
        assert!(
            note.iter().all(|n| n.baseline > lowest_body),
            "footnote {k} not at the foot"
        );
        assert!(note[0].text.starts_with(mark));
    }
}

#[test]
fn duplex_starts_articles_on_right_hand_pages() {
    let p = seed();
    let book = p.book();
    let mut edition = p.pdf_edition().unwrap();
    edition.class.page.duplex = true;
    edition.class.page.margin_inner_mm = 30.0;
    edition.class.page.margin_outer_mm = 20.0;
    let doc = edition.typeset(&p.context(None));
    let openings: Vec<usize> = doc
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == layout::PageKind::Opening)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(openings.len(), book.chapters.len());
    // Page indices from 0: right-hand pages are the even ones.
    assert!(openings.iter().all(|i| i % 2 == 0), "{openings:?}");
    let first_body = doc
        .pages
        .iter()
        .position(|p| p.label.style == layout::Numbering::Arabic)
        .unwrap();
    assert_eq!(first_body % 2, 0);
    // Mirrored margins: the text block sits further right on right-hand pages.
    let left_of = |page: usize| {
        doc.lines
            .iter()
            .find(|l| l.page == page && l.role == Role::Paragraph)
            .map(|l| l.left)
    };
    let recto = openings[0];
    let verso = recto + 1;
    let (a, b) = (left_of(recto).unwrap(), left_of(verso).unwrap());
    assert!(a > b + 20.0, "recto {a} verso {b}");
    check_lines(book, &doc);
}

#[test]
fn pdfa_and_untagged_variants_render() {
    use bindery::editions::Edition;
    let p = seed();
    let mut edition = p.pdf_edition().unwrap();
    edition.options.pdfa = true;
    let bytes = edition.render(&p.context(None)).unwrap().bytes;
    let path = out_dir().join(format!("pdfa-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let check = tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(check.contains("No syntax or stream encoding errors"));
    let text = expanded(&path);
    assert!(text.contains("pdfaid:part"), "PDF/A identification in XMP");
    edition.options.pdfa = false;
    edition.options.tagged = Some(false);
    let plain = edition.render(&p.context(None)).unwrap().bytes;
    std::fs::write(&path, &plain).unwrap();
    assert!(!expanded(&path).contains("/StructTreeRoot"));
    assert!(text.contains("/StructTreeRoot"));
}

/// The PDF with every object uncompressed and out of object streams
/// (qpdf's QDF form), where dictionary keys can be searched as text.
fn expanded(pdf: &Path) -> String {
    let qdf = pdf.with_extension("qdf.pdf");
    let p = pdf.to_str().unwrap();
    let q = qdf.to_str().unwrap();
    tool("qpdf", &["--qdf", "--object-streams=disable", p, q]);
    let bytes = std::fs::read(&qdf).unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn small_objects_are_packed_into_object_streams() {
    // Dictionaries are compressed in object streams, and unpacking them
    // gives the same objects.
    use bindery::editions::Edition;
    let p = seed();
    let edition = p.pdf_edition().unwrap();
    let bytes = edition.render(&p.context(None)).unwrap().bytes;
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Type/ObjStm"), "object streams");
    assert!(raw.contains("/Type/XRef"), "an xref stream");
    assert!(!raw.contains("/Type/Catalog") && !raw.contains("\nxref\n"));
    let path = out_dir().join(format!("packed-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let check = tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let text = expanded(&path);
    for key in [
        "/Type /Catalog",
        "/StructTreeRoot",
        "/PageLabels",
        "/TrimBox",
    ] {
        assert!(text.contains(key), "{key} after unpacking");
    }
}

/// Pen positions of each character that starts a glyph cluster in a line.
fn char_positions(line: &layout::para::SetLine) -> Vec<(char, f32)> {
    let mut out = Vec::new();
    for r in &line.runs {
        let mut x = r.x;
        let mut last = usize::MAX;
        for g in &r.glyphs {
            let start = g.bytes().start;
            if start != last {
                out.push((r.text[start..].chars().next().unwrap(), x));
                last = start;
            }
            x += g.advance;
        }
    }
    out
}

fn set_one(text: &str, measure_em: f32, align: layout::para::Align) -> Vec<layout::para::SetLine> {
    use layout::para::{ParaStyle, Piece, set_paragraph};
    let fonts = FontSet::bundled();
    let mut shaper = layout::shape::Shaper::new(&fonts);
    let em = 10.0;
    set_paragraph(
        &mut shaper,
        &[Piece::new(text, bindery::fonts::FaceId(0), em, Some(0))],
        &ParaStyle {
            measure: measure_em * em,
            indent: 0.0,
            em,
            align,
        },
    )
}

#[test]
fn adjacent_marks_take_one_and_a_half_em() {
    let lines = set_one("好。”好（“好", 40.0, layout::para::Align::Left);
    let pos = char_positions(&lines[0]);
    let x = |c: char, nth: usize| pos.iter().filter(|p| p.0 == c).nth(nth).unwrap().1;
    // 好 + 。” = 1 + 1.5 em.
    assert!((x('好', 1) - x('好', 0) - 25.0).abs() < 0.01, "{pos:?}");
    // 好 + （“ = 1 + 1.5 em.
    assert!((x('好', 2) - x('好', 1) - 25.0).abs() < 0.01, "{pos:?}");
}

#[test]
fn quarter_em_between_han_and_latin() {
    let lines = set_one("打造V2.0版本", 40.0, layout::para::Align::Left);
    let pos = char_positions(&lines[0]);
    let x = |c: char| pos.iter().find(|p| p.0 == c).unwrap().1;
    assert!((x('V') - x('造') - 12.5).abs() < 0.01, "{pos:?}");
    let after_zero = x('版') - x('0');
    // The digit's own advance plus a quarter em.
    assert!(after_zero > 2.5 + 4.0 && after_zero < 2.5 + 7.0, "{pos:?}");
}

#[test]
fn line_end_mark_may_go_half_width_to_fit() {
    // Nine Han characters and a full stop in a nine-and-a-half-em measure:
    // the full stop stays on the line, set half-width.
    let text = "一二三四五六七八九。十一";
    let lines = set_one(text, 9.5, layout::para::Align::Justify);
    assert!(lines[0].text.ends_with('。'), "{:?}", lines[0].text);
    assert!((lines[0].x_end - 95.0).abs() < 0.01);
    assert!(!lines[1].text.starts_with('。'));
}

#[test]
fn overlong_word_breaks_without_overrunning() {
    let url = "https://example.org/a/very/long/path/that/does/not/fit/on/one/line/of/text";
    let text = format!("请访问{url}，了解详情。");
    let lines = set_one(&text, 12.0, layout::para::Align::Justify);
    assert!(lines.len() > 2);
    for l in &lines {
        assert!(l.x_end <= 120.01, "{} ends at {}", l.text, l.x_end);
        assert!(!l.text.starts_with('，'));
    }
    let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(joined, text);
}

#[test]
fn links_and_images_reach_the_pdf() {
    use bindery::model::{Inline, SourcePos};
    // A copy of the seed book, so the figure can sit inside its folder.
    let dir = tempfile::tempdir().unwrap();
    common::copy_book(dir.path());
    let p = common::prepared(dir.path());
    let mut book = p.book().clone();
    let figure = dir.path().join("figure.png");
    image::RgbImage::from_fn(300, 200, |x, _| image::Rgb([x as u8, 80, 160]))
        .save(&figure)
        .unwrap();
    let ch = &mut book.chapters[0];
    if let Block::Paragraph { content, .. } = &mut ch.blocks[0] {
        content.push(Inline::Link {
            target: bindery::model::LinkTarget::External("https://example.org/reform".into()),
            content: vec![Inline::Text("示例网站".into())],
        });
    }
    ch.blocks.insert(
        1,
        Block::Image {
            path: figure,
            alt: "示意图：改革先行区".into(),
            pos: SourcePos::default(),
        },
    );
    let p = p.with_book(book).unwrap();
    let book = p.book();
    let (bytes, _) = render_pdf(&p);
    let path = out_dir().join(format!("links-{}.pdf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let f = path.to_str().unwrap();
    let json = tool("qpdf", &["--json=2", "--json-key=qpdf", f]);
    assert!(
        json.contains("https://example.org/reform"),
        "URI link written"
    );
    let images = json.matches("\"/Subtype\": \"/Image\"").count();
    assert_eq!(images, 1, "the figure (the generated cover is vectors)");
    // TOC entries link to pages.
    assert!(json.matches("\"/Subtype\": \"/Link\"").count() > book.chapters.len());
    let text = squash(&tool("pdftotext", &[f, "-"]));
    assert!(text.contains("示意图：改革先行区"));
    assert!(text.contains("示例网站"));
}

/// The generated cover is drawn, not pasted: no image on page 1, its words
/// are text in the embedded fonts (the paper reaching into the bleed), and
/// the page looks like the EPUB's cover image.
#[test]
fn generated_cover_is_vectors_with_the_book_fonts() {
    let p = seed_pdf();
    let f = p.to_str().unwrap();
    let images = tool("pdfimages", &["-list", "-f", "1", "-l", "1", f]);
    assert_eq!(images.lines().count(), 2, "an image on the cover: {images}");
    let text = squash(&tool("pdftotext", &["-f", "1", "-l", "1", f, "-"]));
    let book = seed();
    let meta = &book.book().meta;
    for part in [
        &meta.title,
        meta.subtitle.as_ref().unwrap(),
        meta.section.as_ref().unwrap(),
    ] {
        assert!(
            text.contains(&squash(part)),
            "cover text lacks {part}: {text}"
        );
    }
    // Rendered at the EPUB cover's width, the page's colours are the cover's.
    let dir = out_dir().join(format!("cover-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("p");
    let px = bindery::assets::cover::GENERATED_WIDTH.to_string();
    tool(
        "pdftoppm",
        &[
            "-f",
            "1",
            "-l",
            "1",
            "-scale-to-x",
            &px,
            "-scale-to-y",
            "-1",
            "-png",
            f,
            prefix.to_str().unwrap(),
        ],
    );
    let page = image::open(dir.join("p-01.png")).unwrap().to_rgb8();
    let cover = image::load_from_memory(book.assets.cover.bytes())
        .unwrap()
        .to_rgb8();
    let share = |img: &image::RgbImage, c: [u8; 3]| {
        img.pixels().filter(|p| p.0 == c).count() as f64 / img.pixels().len() as f64
    };
    for c in [[0xF4, 0xEE, 0xE3], [0x9E, 0x1B, 0x22]] {
        let (a, b) = (share(&page, c), share(&cover, c));
        assert!(
            a > 0.1 && (a - b).abs() < 0.1,
            "colour {c:?}: page {a:.3}, image {b:.3}"
        );
    }
}

#[test]
fn dash_and_middle_dot_cells() {
    let lines = set_one("他说——好·行", 40.0, layout::para::Align::Left);
    let pos = char_positions(&lines[0]);
    let x = |c: char| pos.iter().find(|p| p.0 == c).unwrap().1;
    // —— takes two ems, the middle dot half an em.
    assert!((x('好') - x('说') - 30.0).abs() < 0.01, "{pos:?}");
    assert!((x('行') - x('好') - 15.0).abs() < 0.01, "{pos:?}");
}
