//! The EPUB in a web reader: epub.js (from npm, installed by tests/setup)
//! in headless Chromium, over a loopback server. The cover shows, every
//! contents entry leads to its chapter, a footnote reference opens its
//! note, and every page-list entry lands where its printed page begins.
//! Screenshots are kept under `out/readers/web/`.

mod readers;
mod serve_cdp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use readers::{artifacts, build, run, seed};
use serde_json::{Value, json};
use serve_cdp::Browser;

/// The npm packages tests/setup installs (epub.js, JSZip, pdf.js).
fn web_modules() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/web-readers/node_modules");
    assert!(
        d.join("epubjs/dist/epub.min.js").is_file() && d.join("jszip/dist/jszip.min.js").is_file(),
        "epub.js is missing from {}: run tests/setup",
        d.display()
    );
    d
}

/// Serves `/lib/…` from the npm packages, `/book/…` from `books` and `/`
/// the harness page, on loopback; returns the base address. The thread
/// ends with the test process.
fn serve(books: &Path) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a loopback port");
    let base = format!("http://{}", server.server_addr());
    let lib = web_modules();
    let books = books.to_path_buf();
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers/web/epubjs.html");
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let url = req.url().split('?').next().unwrap_or("").to_string();
            let file = if url == "/" {
                Some(harness.clone())
            } else if let Some(rest) = url.strip_prefix("/lib/") {
                Some(lib.join(rest))
            } else {
                url.strip_prefix("/book/").map(|rest| books.join(rest))
            };
            let file = file.filter(|f| !url.contains("..") && f.is_file());
            let resp = match file {
                Some(f) => {
                    let kind = match f.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("js") | Some("mjs") => "text/javascript",
                        Some("epub") => "application/epub+zip",
                        _ => "application/octet-stream",
                    };
                    let h = tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
                    tiny_http::Response::from_data(std::fs::read(f).unwrap()).with_header(h)
                }
                None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = req.respond(resp);
        }
    });
    base
}

/// Saves what the browser shows as `out/readers/web/<name>.png`.
fn screenshot(b: &mut Browser, dir: &Path, name: &str) {
    let shot = b.call("Page.captureScreenshot", json!({"format": "png"}));
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// A browser on the harness with `book` (a file under the served
/// folder) open; returns it with the reader's contents and page list.
fn open(base: &str, book: &str) -> (Browser, Value) {
    let mut b = Browser::launch();
    b.navigate(&format!("{base}/"));
    b.wait_for(
        "typeof window.reader === 'object' && typeof ePub === 'function'",
        Duration::from_secs(30),
        "the harness loads epub.js",
    );
    let nav = b.eval(&format!("reader.open('{base}/book/{book}')"));
    assert_eq!(b.eval("reader.errors"), json!([]), "errors while opening");
    (b, nav)
}

/// A JSON string without white space.
fn squeeze(v: &Value) -> String {
    v.as_str().unwrap().split_whitespace().collect()
}

fn eval(b: &mut Browser, expr: &str) -> Value {
    b.eval(expr)
}

/// The text of every printed page (pdftotext), without white space, and
/// the index of the page labelled `1` (qpdf reads the page labels).
fn pdf_pages(pdf: &Path) -> (Vec<String>, usize) {
    let o = run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(o.status.success());
    let pages = String::from_utf8(o.stdout)
        .unwrap()
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let o = run(
        "qpdf",
        &["--json", "--json-key=pagelabels", pdf.to_str().unwrap()],
    );
    let j: Value = serde_json::from_slice(&o.stdout).expect("qpdf --json");
    let first = j["pagelabels"]
        .as_array()
        .expect("page labels")
        .iter()
        .find(|l| l["label"]["/S"] == "/D" && l["label"].get("/St").is_none_or(|s| s == 1))
        .expect("an arabic range starting at 1");
    (pages, first["index"].as_u64().unwrap() as usize)
}

#[test]
fn epubjs_shows_the_cover_and_follows_the_contents_and_the_page_list() {
    let out = artifacts("web");
    let (epub, pdf) = build(&seed(), &out);
    let base = serve(&out);
    let name = epub.file_name().unwrap().to_str().unwrap();
    let (mut b, nav) = open(&base, name);

    // The cover: the first screen, its image loaded and inside the view,
    // filling the page box's height or width (epub.js keeps images to
    // 95 % of the box).
    let cover = eval(&mut b, "reader.cover()");
    screenshot(&mut b, &out, "cover");
    assert_eq!(eval(&mut b, "reader.where().href"), json!("cover.xhtml"));
    assert_eq!(cover["loaded"], json!(true), "{cover}");
    assert_eq!(cover["inView"], json!(true), "{cover}");
    let fill = |k: &str, v: &str| cover[k].as_f64().unwrap() / cover[v].as_f64().unwrap();
    assert!(
        fill("height", "boxHeight") > 0.9 || fill("width", "boxWidth") > 0.9,
        "the cover is small in the view: {cover}"
    );

    // Every contents entry: the reader goes to that chapter, with its
    // title on screen.
    let toc = nav["toc"].as_array().unwrap();
    assert_eq!(toc.len(), 5, "{nav}");
    for (i, entry) in toc.iter().enumerate() {
        let href = entry["href"].as_str().unwrap();
        let at = eval(&mut b, &format!("reader.display({})", json!(href)));
        assert_eq!(at["href"], json!(href), "contents entry {entry}");
        let id = format!("{}-title", href.trim_end_matches(".xhtml"));
        let title = eval(&mut b, &format!("reader.element({})", json!(id)));
        assert_eq!(title["inView"], json!(true), "{entry}: {title}");
        assert_eq!(title["text"], entry["label"], "{entry}");
        screenshot(&mut b, &out, &format!("toc-{}", i + 1));
    }

    // Every page-list entry: the marker sits where the printed page
    // begins (the text after it starts that page of the PDF, the text
    // before it ends the page before) and the reader shows that text.
    let (pages, first) = pdf_pages(&pdf);
    let mut heads: Vec<String> = toc.iter().map(|e| squeeze(&e["label"])).collect();
    heads.push(squeeze(&json!("高度 深度 力度 温度")));
    let list = nav["pages"].as_array().unwrap();
    assert_eq!(list.len(), 10, "{nav}");
    for entry in list {
        let href = entry["href"].as_str().unwrap();
        let (file, id) = href.split_once('#').unwrap();
        let at = eval(&mut b, &format!("reader.display({})", json!(href)));
        assert_eq!(at["href"], json!(file), "page {entry}");
        let around = eval(&mut b, &format!("reader.around({}, 12)", json!(id)));
        assert_eq!(around["firstInView"], json!(true), "page {entry}: {around}");
        let label: usize = entry["page"].as_str().unwrap().parse().unwrap();
        let page = &pages[first + label - 1];
        let after = around["after"].as_str().unwrap();
        let (head, _) =
            page.split_at(page.find(after).unwrap_or_else(|| {
                panic!("page {label} of the PDF does not hold {after:?}:\n{page}")
            }));
        // Above it on the printed page is nothing or the running head
        // (the book's or a chapter's title), never body text.
        assert!(
            head.is_empty() || heads.iter().any(|h| h == head),
            "page {label} has {head:?} before {after:?}"
        );
        let before = around["before"].as_str().unwrap();
        let prev = &pages[first + label - 2];
        assert!(
            prev.contains(before) || label == 1,
            "page {} does not end with {before:?}:\n{prev}",
            label - 1
        );
        screenshot(&mut b, &out, &format!("page-{label}"));
    }
    assert_eq!(eval(&mut b, "reader.errors"), json!([]));
}

#[test]
fn epubjs_opens_a_footnote_from_its_reference() {
    let out = artifacts("web-notes");
    // The seed with a note on the first chapter's first sentence: the
    // note is set at the chapter's end, screens away from its reference.
    let book = out.join("notes");
    std::fs::create_dir_all(&book).unwrap();
    for e in std::fs::read_dir(seed()).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), book.join(e.file_name())).unwrap();
        }
    }
    let ch = std::fs::read_to_string(book.join("01.md")).unwrap();
    let ch = ch.replacen("主题，", "主题[^1]，", 1) + "\n[^1]: 注释的文字，在本篇之末。\n";
    std::fs::write(book.join("01.md"), ch).unwrap();
    let (epub, _) = build(&book, &out.join("build"));
    let base = serve(&out.join("build"));
    let name = epub.file_name().unwrap().to_str().unwrap();
    let (mut b, _) = open(&base, name);

    eval(&mut b, "reader.display('ch01.xhtml')");
    let note = eval(&mut b, "reader.element('ch01-fn1')");
    assert_eq!(note["found"], json!(true), "{note}");
    assert_eq!(
        note["inView"],
        json!(false),
        "the note is off screen at first"
    );
    screenshot(&mut b, &out, "reference");
    let went = eval(&mut b, "reader.followNoteref()");
    assert_eq!(went["target"], json!("ch01-fn1"), "{went}");
    let note = eval(&mut b, "reader.element('ch01-fn1')");
    screenshot(&mut b, &out, "note");
    assert_eq!(note["inView"], json!(true), "the note is shown: {note}");
    assert!(
        note["text"]
            .as_str()
            .unwrap()
            .contains("注释的文字，在本篇之末。"),
        "{note}"
    );
    assert_eq!(eval(&mut b, "reader.errors"), json!([]));
}
