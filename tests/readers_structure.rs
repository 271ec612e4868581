//! The PDF's logical structure as poppler reads it (`pdfinfo -struct-text`):
//! its text in tree order is the sources' text in reading order, lists,
//! quotes, figures and notes nest where they stand, `pdfinfo -struct`
//! finds no syntax error, and PDF/UA-1 (with PDF/A-2u when asked) passes
//! krilla's validators, which refuse to write a file that breaks them.

mod readers;

use std::path::Path;

use readers::{
    artifacts, assert_same_text, build, feature_book, run, seed, source_text, without_line_ends,
};

/// One line of `pdfinfo -struct-text`: an element (its type) or a piece of
/// text, at its depth in the tree.
#[derive(Debug)]
enum Item {
    Elem(String),
    Text(String),
}

/// The structure tree in document order, each item with its depth; fails
/// on any message poppler prints on standard error.
fn structure(pdf: &Path) -> Vec<(usize, Item)> {
    let o = run("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && err.trim().is_empty(),
        "pdfinfo: {err}"
    );
    // Heading titles come out as raw UTF-16 bytes: read leniently.
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut out = Vec::new();
    for line in text.lines() {
        let body = line.trim_start();
        let depth = (line.len() - body.len()) / 2;
        if let Some(t) = body.strip_prefix('"') {
            out.push((
                depth,
                Item::Text(t.strip_suffix('"').unwrap_or(t).to_string()),
            ));
        } else if !body.is_empty() && !body.starts_with('/') && !body.starts_with("Object ") {
            let tag = body.split([' ', ':']).next().unwrap().to_string();
            out.push((depth, Item::Elem(tag)));
        }
    }
    assert!(
        matches!(out.first(), Some((0, Item::Elem(t))) if t == "Document"),
        "not a tagged PDF:\n{text}"
    );
    out
}

/// The items after the contents (the `TOC` element and everything in it).
fn after_contents(items: &[(usize, Item)]) -> &[(usize, Item)] {
    let at = items
        .iter()
        .position(|(_, i)| matches!(i, Item::Elem(t) if t == "TOC"))
        .expect("a TOC element");
    let depth = items[at].0;
    let end = items[at + 1..]
        .iter()
        .position(|(d, _)| *d <= depth)
        .map_or(items.len(), |k| at + 1 + k);
    &items[end..]
}

/// The element types enclosing item `k`, innermost first.
fn ancestors(items: &[(usize, Item)], k: usize) -> Vec<&str> {
    let mut depth = items[k].0;
    let mut out = Vec::new();
    for (d, item) in items[..k].iter().rev() {
        if *d < depth {
            if let Item::Elem(t) = item {
                out.push(t.as_str());
            }
            depth = *d;
        }
    }
    out
}

#[test]
fn seed_structure_holds_the_source_text_in_reading_order() {
    let out = artifacts("structure-seed");
    let (epub, pdf) = build(&seed(), &out);
    let items = structure(&pdf);
    let text: String = after_contents(&items)
        .iter()
        .filter_map(|(_, i)| match i {
            Item::Text(t) => Some(t.as_str()),
            Item::Elem(_) => None,
        })
        .collect();
    let (got, _) = without_line_ends(&text);
    assert_same_text("structure tree", &source_text(&seed(), &epub), &got);
}

#[test]
fn feature_book_structure_nests_lists_quotes_figures_and_notes_in_place() {
    let out = artifacts("structure-feature");
    let book = out.join("feature");
    feature_book(&book);
    let (_, pdf) = build(&book, &out.join("build"));
    let items = structure(&pdf);
    let body = after_contents(&items);
    // Every piece of text in source order, each inside the elements it
    // belongs to (innermost first, as far as they matter).
    let want: &[(&str, &[&str])] = &[
        ("以实干实绩实效", &["H1"]),
        ("作者一 作者二", &["P"]),
        ("第一段含有", &["P"]),
        ("强调的文字", &["Span", "P"]),
        ("重点的文字", &["Span", "P"]),
        ("小标题在这里", &["H2"]),
        ("引用的一段话，出自某书。", &["P", "BlockQuote"]),
        ("1.", &["Lbl", "LI", "L"]),
        ("第一项内容", &["P", "LBody", "LI", "L"]),
        ("第二项内容", &["P", "LBody", "LI", "L"]),
        ("•", &["Lbl", "LI", "L"]),
        ("无序的一项", &["P", "LBody", "LI", "L"]),
        ("示意图的替代文字", &["Caption"]),
        ("图后的一段正文。", &["P"]),
        ("(作者单位：某大学)", &["Note"]),
        ("脚注里有", &["Note"]),
        ("加粗的词", &["Span", "Note"]),
        ("第二篇", &["H1"]),
        ("第二篇的正文。", &["P"]),
    ];
    let mut from = 0;
    for (text, chain) in want {
        let k = (from..body.len())
            .find(|&k| matches!(&body[k].1, Item::Text(t) if t.contains(text)))
            .unwrap_or_else(|| panic!("“{text}” not found after item {from}: {body:#?}"));
        let anc = ancestors(body, k);
        assert!(
            anc.starts_with(chain),
            "“{text}” is inside {anc:?}, want {chain:?} first"
        );
        from = k + 1;
    }
    // The body image is a Figure, in place: after the list, before the
    // paragraph that follows it (the cover is the only other figure).
    let pos = |pred: &dyn Fn(&Item) -> bool| body.iter().position(|(_, i)| pred(i)).unwrap();
    let figure = pos(&|i| matches!(i, Item::Elem(t) if t == "Figure"));
    let list = pos(&|i| matches!(i, Item::Text(t) if t.contains("无序的一项")));
    let after = pos(&|i| matches!(i, Item::Text(t) if t.contains("图后的一段正文")));
    assert!(list < figure && figure < after, "figure at {figure}");
}

/// `[pdf]` settings appended to a feature book's `book.toml`.
fn feature_with(dir: &Path, pdf: &str) -> std::path::PathBuf {
    feature_book(dir);
    let toml = dir.join("book.toml");
    let mut t = std::fs::read_to_string(&toml).unwrap();
    t.push_str(&format!("\n[pdf]\n{pdf}\n"));
    std::fs::write(toml, t).unwrap();
    dir.to_path_buf()
}

#[test]
fn pdf_ua_and_pdf_a_pass_krillas_validators_and_poppler_reads_them_cleanly() {
    let out = artifacts("structure-ua");
    let books = [
        (seed(), out.join("seed")),
        (
            feature_with(&out.join("feature"), ""),
            out.join("feature-out"),
        ),
        (
            feature_with(&out.join("both"), "pdfa = true\nua = true"),
            out.join("both-out"),
        ),
    ];
    for (book, dest) in &books {
        // The build refuses to write a PDF that breaks PDF/UA-1 (or
        // PDF/A-2u): exit 0 means krilla's validators passed it.
        let (_, pdf) = build(book, dest);
        let xmp = std::fs::read(&pdf).unwrap();
        let xmp = String::from_utf8_lossy(&xmp);
        assert!(
            xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{}",
            pdf.display()
        );
        if book.ends_with("both") {
            assert!(
                xmp.contains("<pdfaid:part>2</pdfaid:part>"),
                "{}",
                pdf.display()
            );
        }
        let o = run("pdfinfo", &["-struct", pdf.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() && !err.contains("Error"), "{err}");
        let info =
            String::from_utf8_lossy(&run("pdfinfo", &[pdf.to_str().unwrap()]).stdout).into_owned();
        assert!(info.contains("Tagged:          yes"), "{info}");
    }
}

#[test]
fn an_image_without_alternative_text_is_decoration_not_a_failed_build() {
    let out = artifacts("structure-noalt");
    let book = out.join("noalt");
    feature_book(&book);
    let a = std::fs::read_to_string(book.join("a.md")).unwrap();
    std::fs::write(book.join("a.md"), a.replace("![示意图的替代文字]", "![]")).unwrap();
    let (_, pdf) = build(&book, &out.join("build"));
    let items = structure(&pdf);
    let figures = items
        .iter()
        .filter(|(_, i)| matches!(i, Item::Elem(t) if t == "Figure"))
        .count();
    assert_eq!(figures, 1, "only the cover is a figure");
}
