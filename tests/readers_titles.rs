//! Titles break between words: 200 titles in the patterns of Chinese
//! headlines, each an article of one book, and every line they are set on
//! — the PDF's article headings, contents entries and running heads (from
//! the typeset pages), the EPUB's headings and contents entries (as
//! Chromium lays them out at two widths) — ends where the full jieba
//! dictionary's segmentation of the title has a word boundary.

mod common;
mod readers;
mod serve_cdp;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use bindery::layout::Role;
use serde_json::json;
use serve_cdp::Browser;

const N: usize = 200;

/// Writes a book with one short article per title.
fn title_book(dir: &Path, titles: &[String]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut chapters = String::new();
    for (i, t) in titles.iter().enumerate() {
        let name = format!("{:03}.md", i + 1);
        // Long titles get three pages of text, so they also stand in
        // running heads (which opening pages do not have).
        let body = if t.chars().count() > 40 {
            "这是正文的一段文字，用来占满版面。".repeat(40) + "\n\n"
        } else {
            String::new()
        };
        std::fs::write(
            dir.join(&name),
            format!(
                "+++\ntitle = \"{t}\"\nauthors = [\"作者\"]\n+++\n\n{}正文。\n",
                body.repeat(4)
            ),
        )
        .unwrap();
        chapters.push_str(&format!("\"{name}\", "));
    }
    std::fs::write(
        dir.join("book.toml"),
        format!("[book]\ntitle = \"标题集\"\nchapters = [{chapters}]\n"),
    )
    .unwrap();
}

/// Character offsets inside `text` where the full dictionary puts a word
/// boundary (jieba's segmentation without guessing unknown words).
fn word_boundaries(jieba: &jieba_rs::Jieba, text: &str) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let mut at = 0;
    for w in jieba.cut(text, false) {
        at += w.word.chars().count();
        out.insert(at);
    }
    out
}

/// Checks that `lines`, joined, are `title`, and each line ends at a word
/// boundary; returns how many line breaks were checked.
fn check(jieba: &jieba_rs::Jieba, title: &str, lines: &[String], what: &str) -> usize {
    assert_eq!(lines.concat(), title, "{what}: lines {lines:?}");
    let words = word_boundaries(jieba, title);
    let mut at = 0;
    for line in &lines[..lines.len() - 1] {
        at += line.chars().count();
        assert!(
            words.contains(&at),
            "{what}: “{title}” breaks inside a word after “{line}” (lines {lines:?}, words {:?})",
            jieba
                .cut(title, false)
                .iter()
                .map(|t| t.word)
                .collect::<Vec<_>>()
        );
    }
    lines.len() - 1
}

#[test]
fn two_hundred_titles_break_only_between_words() {
    // The seed's titles first, then generated ones.
    let mut titles: Vec<String> = (1..=5)
        .map(|i| std::fs::read_to_string(readers::seed().join(format!("0{i}.md"))).unwrap())
        .filter_map(|t| {
            let line = t.lines().find(|l| l.starts_with("title = "))?;
            let title = line["title = ".len()..].trim_matches('"').to_string();
            (!title.is_empty()).then_some(title)
        })
        .collect();
    let generated = readers::titles::titles(N);
    let seed_titles = titles.clone();
    titles.extend(
        generated
            .into_iter()
            .filter(|t| !seed_titles.contains(t))
            .take(N - seed_titles.len()),
    );
    assert_eq!(titles.len(), N);
    let out = readers::artifacts("titles");
    let book = out.join("titles");
    title_book(&book, &titles);
    let jieba = jieba_rs::Jieba::new();
    let prepared = common::prepared(&book);
    let doc = common::typeset(&prepared);
    let (mut headings, mut entries): (BTreeMap<u32, _>, BTreeMap<u32, _>) = Default::default();
    let mut heads: Vec<String> = Vec::new();
    let top = bindery::style::mm(prepared.sources.class.page.margin_top_mm);
    for page in &doc.pages {
        let mut head = String::new();
        for run in &page.runs {
            match run.structure {
                Some(st) if st.role == Role::Heading(1) => {
                    headings.entry(st.id).or_insert_with(Vec::new).push(run)
                }
                Some(st) if st.role == Role::TocItem => {
                    entries.entry(st.id).or_insert_with(Vec::new).push(run)
                }
                // Running heads: artifacts above the text block.
                None if run.y < top => head.push_str(&run.text),
                _ => {}
            }
        }
        if !head.is_empty() {
            heads.push(head);
        }
    }
    // Lines: runs of one element grouped by baseline, in reading order.
    let lines = |runs: &[&bindery::layout::GlyphRun]| -> Vec<(i64, String)> {
        let mut by_y: BTreeMap<i64, Vec<(f32, &str)>> = BTreeMap::new();
        for r in runs {
            by_y.entry((r.y * 10.0).round() as i64)
                .or_default()
                .push((r.x, &r.text));
        }
        by_y.into_iter()
            .map(|(y, mut v)| {
                v.sort_by(|a, b| a.0.total_cmp(&b.0));
                (y, v.into_iter().map(|(_, t)| t).collect())
            })
            .collect()
    };
    let mut breaks = BTreeMap::new();
    // Article headings (the book's title page heading is not an article).
    let set: BTreeSet<&str> = titles.iter().map(String::as_str).collect();
    let mut seen = 0;
    for runs in headings.values() {
        let l: Vec<String> = lines(runs).into_iter().map(|(_, t)| t).collect();
        let title = l.concat();
        if set.contains(title.as_str()) {
            *breaks.entry("PDF headings").or_insert(0) += check(&jieba, &title, &l, "PDF heading");
            seen += 1;
        }
    }
    assert_eq!(seen, N, "every article heading found");
    // Contents entries: the title's lines, before the authors and page.
    assert_eq!(entries.len(), N);
    for (runs, title) in entries.values().zip(&titles) {
        let mut l: Vec<String> = Vec::new();
        let mut rest = title.as_str();
        for (_, text) in lines(runs) {
            if rest.is_empty() {
                break;
            }
            let part: String = text
                .chars()
                .zip(rest.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect();
            assert!(
                !part.is_empty(),
                "contents entry of “{title}”: line {text:?}"
            );
            rest = &rest[part.len()..];
            l.push(part);
        }
        *breaks.entry("PDF contents").or_insert(0) +=
            check(&jieba, title, &l, "PDF contents entry");
    }
    // Running heads: one line, the title or its words up to an ellipsis.
    let mut shortened = 0;
    for head in heads.iter().filter(|h| h.as_str() != "标题集") {
        if set.contains(head.as_str()) {
            continue;
        }
        let short = head.trim_end_matches('…');
        assert!(short.len() < head.len(), "running head {head:?}");
        let title = titles
            .iter()
            .find(|t| t.starts_with(short))
            .unwrap_or_else(|| panic!("running head {head:?}"));
        let cut = short.chars().count();
        assert!(
            word_boundaries(&jieba, title).contains(&cut),
            "running head “{head}” cuts “{title}” inside a word"
        );
        shortened += 1;
    }

    // The EPUB: every heading and contents entry as Chromium sets them.
    let dir = out.join("epub");
    let (epub, _) = readers::build(&book, &out.join("build"));
    zip::ZipArchive::new(std::fs::File::open(&epub).unwrap())
        .unwrap()
        .extract(&dir)
        .unwrap();
    let mut h1s = Vec::new();
    for i in 1..=N {
        let x = std::fs::read_to_string(dir.join(format!("EPUB/ch{i:03}.xhtml")))
            .or_else(|_| std::fs::read_to_string(dir.join(format!("EPUB/ch{i:02}.xhtml"))))
            .expect("chapter file");
        let h1 = x.split("<h1").nth(1).unwrap();
        let mut inner = h1.split_once('>').unwrap().1.split("</h1>").next().unwrap();
        // The page marker is an empty element (with a prefixed attribute
        // innerHTML cannot take): it takes no room.
        if inner.starts_with("<span epub:type=\"pagebreak\"") {
            inner = inner.split_once("</span>").unwrap().1;
        }
        h1s.push(inner.to_string());
    }
    let mut b = Browser::launch();
    b.navigate(&format!("file://{}", dir.join("EPUB/nav.xhtml").display()));
    b.wait_for(
        "document.readyState === 'complete' && document.fonts.status === 'loaded' && !!document.querySelector('nav.toc')",
        std::time::Duration::from_secs(30),
        "the EPUB's contents page",
    );
    // The chapter headings, set with the book's style sheet next to the
    // contents; then the lines of each heading and entry at two widths.
    b.eval(&format!(
        "(() => {{ const box = document.createElement('section'); box.id = 'h1s'; \
         {}.forEach(h => {{ const e = document.createElementNS('http://www.w3.org/1999/xhtml', 'h1'); \
         e.innerHTML = h; box.appendChild(e); }}); document.body.appendChild(box); return true; }})()",
        json!(h1s)
    ));
    let lines_js = "(sel) => [...document.querySelectorAll(sel)].map(el => { \
        const lines = []; let top = null; \
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); \
        for (let t = walk.nextNode(); t; t = walk.nextNode()) { \
          for (let i = 0; i < t.data.length; i++) { \
            const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1); \
            const rect = r.getClientRects()[0]; if (!rect) continue; \
            if (top === null || rect.top > top + rect.height / 2) { lines.push(''); top = rect.top; } \
            lines[lines.length - 1] += t.data[i]; } } \
        return lines; })";
    for width in ["22em", "14em"] {
        b.eval(&format!("document.body.style.width = '{width}'; true"));
        b.eval(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))",
        );
        for (sel, what) in [
            ("#h1s h1", "EPUB heading"),
            ("nav.toc a", "EPUB contents entry"),
        ] {
            let got = b.eval(&format!("({lines_js})({})", json!(sel)));
            let got: Vec<Vec<String>> = serde_json::from_value(got).unwrap();
            assert_eq!(got.len(), N, "{what}s");
            for (l, title) in got.iter().zip(&titles) {
                *breaks.entry(what).or_insert(0) +=
                    check(&jieba, title, l, &format!("{what} at {width}"));
            }
        }
    }
    eprintln!("line breaks checked: {breaks:?}; running heads shortened: {shortened}");
    // The set must make titles break, or the test proves nothing.
    for (what, n) in &breaks {
        assert!(*n >= 15, "only {n} line breaks in {what}");
    }
    assert!(shortened >= 3, "only {shortened} running heads shortened");
}

#[test]
#[should_panic(expected = "breaks inside a word")]
fn a_break_inside_a_word_is_caught() {
    let jieba = jieba_rs::Jieba::new();
    let lines = ["全面深".to_string(), "化改革".to_string()];
    check(&jieba, "全面深化改革", &lines, "sample");
}
