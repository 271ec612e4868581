//! `bindery serve` in headless Chromium over loopback: the page shows the
//! book with the embedded font, a save reloads it with the new text, a
//! broken chapter shows its position (the last good build stays
//! reachable), `..` in any spelling gets 404, the book folder is never
//! written, and Ctrl-C stops the server cleanly.

mod common;
mod serve_cdp;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use serve_cdp::{Browser, MARK_VIEW, Serve, VIEW_FONTS_LOADED, VIEW_RELOADED, VIEW_TEXT};

/// Generous: this proves the reload happens; the ≤ 500 ms budget is
/// measured by `cargo bench --bench serve`.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(20);

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_bindery"))
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The `title = "…"` of a chapter's front matter.
fn chapter_title(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text.lines().find(|l| l.starts_with("title = ")).unwrap();
    line["title = ".len()..].trim_matches('"').to_string()
}

/// The first node in a DevTools DOM tree (frames included) that `pick` accepts.
fn find_node<'a>(node: &'a Value, pick: &dyn Fn(&Value) -> bool) -> Option<&'a Value> {
    if pick(node) {
        return Some(node);
    }
    let kids = node["children"].as_array().into_iter().flatten();
    let doc = node.get("contentDocument").into_iter();
    kids.chain(doc).find_map(|k| find_node(k, pick))
}

/// The fonts Chromium used to draw the paragraph (in the preview's frame)
/// that starts with `words`.
fn paragraph_fonts(b: &mut Browser, words: &str) -> Vec<Value> {
    b.call("DOM.enable", json!({}));
    b.call("CSS.enable", json!({}));
    let doc = b.call("DOM.getDocument", json!({"depth": -1, "pierce": true}));
    let frame = find_node(&doc["root"], &|n| n["nodeName"] == "IFRAME").expect("the frame");
    // XHTML keeps element names in lower case.
    let p = find_node(&frame["contentDocument"], &|n| {
        n["localName"] == "p"
            && n["children"][0]["nodeValue"]
                .as_str()
                .is_some_and(|t| t.starts_with(words))
    })
    .expect("the paragraph in the chapter");
    let fonts = b.call(
        "CSS.getPlatformFontsForNode",
        json!({"nodeId": p["nodeId"]}),
    );
    fonts["fonts"].as_array().unwrap().clone()
}

fn open_chapter(b: &mut Browser, title: &str, text: &str) {
    let click = format!(
        "(() => {{ const a = [...document.querySelectorAll('nav.contents a')].find(a => a.textContent === {t}); if (a) a.click(); return !!a; }})()",
        t = json!(title)
    );
    b.wait_for(&click, RELOAD_TIMEOUT, "the contents list the chapter");
    b.wait_for(
        &format!("{VIEW_TEXT}.includes({})", json!(text)),
        RELOAD_TIMEOUT,
        "the chapter shows in the frame",
    );
    b.wait_for(VIEW_FONTS_LOADED, RELOAD_TIMEOUT, "the embedded font loads");
}

#[test]
fn preview_shows_reloads_reports_errors_and_stops() {
    let work = tempfile::tempdir().unwrap();
    let book = work.path().join("book");
    common::copy_book(&book);
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let before = file_names(&book);
    let serve = Serve::start(&bin(), &book, &tmp);
    let mut b = Browser::launch();
    b.navigate(&format!("{}/", serve.base));

    // A chapter, in the EPUB's XHTML, drawn with the embedded font only.
    let ch1 = book.join("01.md");
    let original = std::fs::read_to_string(&ch1).unwrap();
    let first_words = "党的二十届三中全会围绕推进中国式现代化主题";
    assert!(original.contains(first_words));
    open_chapter(&mut b, &chapter_title(&ch1), first_words);
    let fonts = paragraph_fonts(&mut b, first_words);
    assert!(!fonts.is_empty(), "no font drew the paragraph");
    assert!(
        fonts.iter().all(|f| f["isCustomFont"] == true),
        "a system font drew part of the paragraph: {fonts:?}"
    );
    let glyphs: u64 = fonts
        .iter()
        .map(|f| f["glyphCount"].as_u64().unwrap())
        .sum();
    assert!(glyphs > 50, "{glyphs} glyphs");

    // A save reloads the page, which shows the new text.
    b.eval(MARK_VIEW);
    let marker = "保存之后立即重新排版的句子";
    std::fs::write(&ch1, original.replace(first_words, marker)).unwrap();
    let took = b.wait_for(
        &format!("{VIEW_RELOADED} && {VIEW_TEXT}.includes({})", json!(marker)),
        RELOAD_TIMEOUT,
        "the page reloads with the saved text",
    );
    eprintln!("save to reload: {} ms", took.as_millis());
    assert_eq!(
        b.eval("location.hash"),
        json!("#epub/EPUB/ch01.xhtml"),
        "the reload stays on the chapter"
    );

    // A broken chapter: its position in place of the book.
    let ch2 = book.join("02.md");
    let good2 = std::fs::read_to_string(&ch2).unwrap();
    let line = good2.lines().count() + 2;
    std::fs::write(&ch2, format!("{good2}\n前文![缺图](missing.png)\n")).unwrap();
    let want = format!("02.md:{line}:3: error: image missing.png not found");
    b.wait_for(
        &format!("document.body.innerText.includes({})", json!(want)),
        RELOAD_TIMEOUT,
        "the page shows the error with its position",
    );
    // The last good build stays reachable.
    let (status, page) = serve.raw_get("/?last-good");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("nav class=\"contents\""));
    let (status, xhtml) = serve.raw_get("/epub/EPUB/ch01.xhtml");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&xhtml).contains(marker));

    // Fixed again, with a new title: the book is back, and the contents
    // show the new title.
    let title2 = chapter_title(&ch2);
    let new_title = "改过的第二篇标题";
    std::fs::write(&ch2, good2.replacen(&title2, new_title, 1)).unwrap();
    b.wait_for(
        &format!("{VIEW_TEXT}.includes({})", json!(marker)),
        RELOAD_TIMEOUT,
        "the book returns once the chapter is fixed",
    );
    let contents = b.eval("document.querySelector('nav.contents').innerText");
    assert!(contents.as_str().unwrap().contains(new_title), "{contents}");

    // The PDF view.
    b.eval("document.getElementById('show-pdf').click()");
    b.wait_for(
        "document.getElementById('view').getAttribute('src') === '/book.pdf'",
        RELOAD_TIMEOUT,
        "the switch shows the PDF",
    );
    let (status, pdf) = serve.raw_get("/book.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));

    // Stopped while the page is still open (its event stream connected).
    let status = serve.interrupt(Duration::from_secs(10));
    drop(b);
    assert_eq!(status.code(), Some(0), "Ctrl-C ends serve with exit 0");
    assert_eq!(
        file_names(&book),
        before,
        "serve wrote into the book folder"
    );
    assert!(
        file_names(&tmp).is_empty(),
        "the private build folder is left behind: {:?}",
        file_names(&tmp)
    );
}

#[test]
fn only_the_preview_files_are_served() {
    let work = tempfile::tempdir().unwrap();
    let book = work.path().join("book");
    common::copy_book(&book);
    let serve = Serve::start(&bin(), &book, work.path());
    for ok in [
        "/",
        "/epub/EPUB/style.css",
        "/epub/EPUB/ch01.xhtml",
        "/book.pdf",
    ] {
        assert_eq!(serve.raw_get(ok).0, 200, "{ok}");
    }
    for refused in [
        "/../book/book.toml",
        "/epub/../../book/01.md",
        "/epub/EPUB/../../../etc/passwd",
        "/epub/%2e%2e/%2e%2e/etc/passwd",
        "/epub/EPUB/%2E%2E/style.css",
        "/epub/EPUB%2fstyle.css",
        "/epub/EPUB%2F..%2F..%2Fetc%2Fpasswd",
        "/epub/..%5c..%5cbook.toml",
        "/epub/EPUB/./style.css",
        "/%2e%2e/",
        "/book.toml",
        "/01.md",
        "/epub/EPUB/../EPUB/style.css",
    ] {
        let (status, body) = serve.raw_get(refused);
        assert_eq!(
            status,
            404,
            "{refused} answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    // Another host name pointing at 127.0.0.1 (DNS rebinding) is refused;
    // loopback names are not.
    assert_eq!(serve.raw_get_host("/", "attacker.example").0, 403);
    let port = serve.addr().rsplit(':').next().unwrap().to_string();
    assert_eq!(serve.raw_get_host("/", &format!("localhost:{port}")).0, 200);
}

#[test]
fn a_missing_book_folder_or_a_taken_port_is_an_error() {
    let work = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::new(bin())
        .args(["serve", "--port", "0", "--book"])
        .arg(work.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing: error: not a folder"), "{stderr}");

    // A port in use (held by this test) is refused with exit 1.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let book = work.path().join("book");
    common::copy_book(&book);
    let out = assert_cmd::Command::new(bin())
        .args(["serve", "--port", &port, "--book"])
        .arg(&book)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot listen on 127.0.0.1:"), "{stderr}");
}
