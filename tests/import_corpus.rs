//! The import corpus: newspaper-shaped pages (classical prose in traditional
//! and simplified characters, modern simplified articles; UTF-8, GB18030
//! and Big5) made by tests/import_corpus/make_corpus.py, each with its
//! ground truth. Every page is imported and loaded back as a book; the book
//! must match the truth.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn corpus() -> PathBuf {
    repo().join("tests/import_corpus")
}

/// (page, truth) file pairs, in order.
fn pairs() -> Vec<(PathBuf, Value)> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(corpus().join("pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    pages
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let truth = corpus().join("truth").join(format!("{stem}.json"));
            let truth: Value =
                serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
            (p, truth)
        })
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The body of a loaded chapter as the truth writes it: paragraphs, and
/// sub-headings as `## text`.
fn body(ch: &bindery::model::Chapter) -> Vec<String> {
    ch.blocks
        .iter()
        .map(|b| {
            let t = bindery::model::block_text(b).trim_end().to_string();
            match b {
                bindery::model::Block::Heading { .. } => format!("## {t}"),
                _ => t,
            }
        })
        .collect()
}

/// Tallies of what the import got exactly right.
#[derive(Default)]
struct Score {
    paragraphs: (usize, usize),
    titles: (usize, usize),
    authors: (usize, usize),
    roles: (usize, usize),
    notes: (usize, usize),
    /// Pages whose repaired breaks are exactly the truth's.
    joins: (usize, usize),
    failures: Vec<String>,
}

fn tally<T: PartialEq + std::fmt::Debug>(
    slot: &mut (usize, usize),
    failures: &mut Vec<String>,
    what: &str,
    want: T,
    got: T,
) {
    slot.1 += 1;
    if want == got {
        slot.0 += 1;
    } else {
        failures.push(format!("{what}: want {want:?}, got {got:?}"));
    }
}

fn check_page(page: &Path, truth: &Value, score: &mut Score) {
    let name = page.file_name().unwrap().to_string_lossy().into_owned();
    let dir = tempfile::tempdir().unwrap();
    let report = bindery::import::import(page, dir.path(), false)
        .unwrap_or_else(|e| panic!("{name}: import failed: {e}"));
    let book = bindery::source::load_book(dir.path())
        .unwrap_or_else(|e| panic!("{name}: imported book does not load: {e}"));

    let enc = truth["encoding"].as_str().unwrap();
    let want_enc = match enc {
        "utf-8" => "UTF-8",
        "utf-8-bom" => "UTF-8 with BOM",
        "gb18030" => "GB18030/GBK",
        "big5" => "Big5",
        other => panic!("unknown encoding {other}"),
    };
    assert_eq!(report.encoding.name(), want_enc, "{name}");
    assert_eq!(
        book.meta.language,
        truth["language"].as_str().unwrap(),
        "{name}"
    );
    let header = strs(&truth["header"]);
    assert_eq!(book.meta.title, header[0], "{name}");
    assert_eq!(
        book.meta.subtitle.as_deref(),
        header.get(1).map(String::as_str)
    );
    assert_eq!(
        book.meta.section.clone().unwrap_or_default(),
        header.get(2..).map(|s| s.join(" ")).unwrap_or_default(),
        "{name}"
    );

    let arts = truth["articles"].as_array().unwrap();
    assert_eq!(book.chapters.len(), arts.len(), "{name}: article count");
    for (k, (ch, a)) in book.chapters.iter().zip(arts).enumerate() {
        let at = format!("{name} article {}", k + 1);
        let f = &mut score.failures;
        tally(
            &mut score.titles,
            f,
            &format!("{at} title"),
            a["title"].as_str().unwrap(),
            &ch.title,
        );
        tally(
            &mut score.authors,
            f,
            &format!("{at} authors"),
            strs(&a["authors"]),
            ch.authors.clone(),
        );
        tally(
            &mut score.roles,
            f,
            &format!("{at} role"),
            opt(&a["role"]),
            ch.role.clone(),
        );
        tally(
            &mut score.notes,
            f,
            &format!("{at} note"),
            opt(&a["note"]),
            ch.note.clone(),
        );
        let want = strs(&a["paragraphs"]);
        let got = body(ch);
        // Paragraphs in order; a wrong join or split costs every paragraph
        // it touches.
        let right = want.iter().filter(|p| got.contains(p)).count();
        score.paragraphs.0 += right;
        score.paragraphs.1 += want.len().max(got.len());
        if want != got {
            score
                .failures
                .push(format!("{at} paragraphs:\n  want {want:?}\n  got  {got:?}"));
        }
    }

    // Every join the page needs is made and listed, with its lines.
    let want_joins: Vec<(usize, usize)> = truth["joins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j[0].as_u64().unwrap() as usize,
                j[1].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let got_joins: Vec<(usize, usize)> = report
        .page
        .articles
        .iter()
        .flat_map(|a| &a.joins)
        .map(|j| (j.before_line, j.after_line))
        .collect();
    tally(
        &mut score.joins,
        &mut score.failures,
        &format!("{name} repaired breaks"),
        want_joins,
        got_joins,
    );

    // Nothing lost, nothing added: the page's characters are the book's.
    let (text, _) = bindery::import::decode::decode(&std::fs::read(page).unwrap()).unwrap();
    let diff = multiset_diff(&char_counts(&text), &char_counts(&book.visible_text()));
    assert!(diff.is_empty(), "{name}: page and book differ:\n{diff}");
}

#[test]
fn corpus_imports_as_its_ground_truth() {
    let pairs = pairs();
    assert!(pairs.len() >= 10, "corpus has {} pages", pairs.len());
    let mut score = Score::default();
    let mut encodings = std::collections::BTreeSet::new();
    let mut languages = std::collections::BTreeSet::new();
    for (page, truth) in &pairs {
        encodings.insert(truth["encoding"].as_str().unwrap().to_string());
        languages.insert(truth["language"].as_str().unwrap().to_string());
        check_page(page, truth, &mut score);
    }
    let pct = |(a, b): (usize, usize)| 100.0 * a as f64 / b.max(1) as f64;
    eprintln!(
        "import corpus: {} pages; paragraphs {}/{} ({:.2} %), titles {}/{}, authors {}/{}, \
         roles {}/{}, notes {}/{}, pages with every break repaired and listed {}/{}",
        pairs.len(),
        score.paragraphs.0,
        score.paragraphs.1,
        pct(score.paragraphs),
        score.titles.0,
        score.titles.1,
        score.authors.0,
        score.authors.1,
        score.roles.0,
        score.roles.1,
        score.notes.0,
        score.notes.1,
        score.joins.0,
        score.joins.1,
    );
    for f in &score.failures {
        eprintln!("{f}");
    }
    for e in ["utf-8", "gb18030", "big5"] {
        assert!(encodings.contains(e), "no {e} page in the corpus");
    }
    assert!(languages.contains("zh-Hant") && languages.contains("zh-CN"));
    assert!(pct(score.paragraphs) >= 99.5, "paragraphs below 99.5 %");
    for (what, s) in [
        ("titles", score.titles),
        ("authors", score.authors),
        ("roles", score.roles),
        ("notes", score.notes),
        ("repaired breaks", score.joins),
    ] {
        assert_eq!(s.0, s.1, "{what} not all right");
    }
}

/// The corpus covers every pattern the importer handles: each one shows up
/// in the truth and in the import's own account of the pages.
#[test]
fn corpus_covers_every_pattern() {
    let mut seen = std::collections::BTreeSet::new();
    for (page, truth) in pairs() {
        let dir = tempfile::tempdir().unwrap();
        let r = bindery::import::import(&page, dir.path(), false).unwrap();
        let warnings: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
        let has = |s: &str| warnings.iter().any(|w| w.contains(s));
        let arts = truth["articles"].as_array().unwrap();
        let mut mark = |k: &str, on: bool| {
            if on {
                seen.insert(k.to_string());
            }
        };
        mark("sub-heading", has("sub-heading"));
        mark("mid-article note", has("in the middle of article"));
        mark("text after note", has("text after the author note"));
        mark("long title", has("characters long"));
        mark("multi-sentence title", has("several sentences"));
        mark("subtitle", has("joined from 2 lines"));
        mark("untitled first", has("not as the title of article 1"));
        mark(
            "untitled later",
            arts.iter().skip(1).any(|a| a["title"] == ""),
        );
        mark("role", arts.iter().any(|a| !a["role"].is_null()));
        let body: Vec<String> = arts.iter().flat_map(|a| strs(&a["paragraphs"])).collect();
        mark("variant note", body.iter().any(|p| p.contains("（一作：")));
        mark(
            "quote boundary",
            body.iter().any(|p| p.ends_with(['“', '「'])),
        );
        mark(
            "list after comma",
            body.windows(2)
                .any(|w| w[0].ends_with('，') && w[1].starts_with("一是")),
        );
        mark(
            "list after colon",
            body.windows(2)
                .any(|w| w[0].ends_with('：') && w[1].starts_with(['（', '1'])),
        );
        mark("column break", r.page.repaired_breaks() > 0);
        mark(
            "bracket join",
            r.page
                .articles
                .iter()
                .flat_map(|a| &a.joins)
                .any(|j| j.rule == bindery::import::breaks::JoinRule::Bracket),
        );
        mark("glued note", {
            let text = std::fs::read(&page).unwrap();
            let (text, _) = bindery::import::decode::decode(&text).unwrap();
            text.lines().any(|l| {
                let l = l.trim();
                bindery::import::page::note_start(l).is_some_and(|i| i > 0)
            })
        });
        mark("ascii bang", body.iter().any(|p| p.contains('!')));
        mark(
            "latin words across a break",
            r.page.articles.iter().any(|a| {
                a.paragraphs
                    .iter()
                    .any(|p| p.lines.len() > 1 && p.text.contains("Open Access"))
            }),
        );
    }
    let want = [
        "sub-heading",
        "mid-article note",
        "text after note",
        "long title",
        "multi-sentence title",
        "subtitle",
        "untitled first",
        "untitled later",
        "role",
        "variant note",
        "quote boundary",
        "list after comma",
        "list after colon",
        "column break",
        "bracket join",
        "glued note",
        "ascii bang",
        "latin words across a break",
    ];
    let missing: Vec<&&str> = want.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(
        missing.is_empty(),
        "patterns missing from the corpus: {missing:?}"
    );
}
