//! Every example in the README works as written: each line of its `sh`
//! blocks runs, in order, in a folder holding a copy of the seed book (what
//! a fresh clone has), with `bindery` on the PATH; the `book.toml` reference
//! and the chapter example build as they are.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The README's fenced blocks: (language, text, line of the fence).
fn blocks() -> Vec<(String, String, usize)> {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut open: Option<(String, String, usize)> = None;
    for (i, line) in readme.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("```") {
            match open.take() {
                Some(b) => out.push(b),
                None => open = Some((rest.trim().to_string(), String::new(), i + 1)),
            }
        } else if let Some((_, text, _)) = open.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// Lines that install tools or run the project's own development commands
/// (they are run by CI itself, or change the machine): not run here.
const NOT_RUN: &[&str] = &[
    "tests/setup",
    "cargo fmt",
    "cargo install",
    "apt-get ",
    "pip install",
    "python3 fonts/make-fonts.py",
    // Half an hour of fuzzing; its target is built by `cargo fuzz` alone.
    "RUSTC_BOOTSTRAP=1 cargo fuzz",
];

/// A folder like a fresh clone's: the seed book (with its source page) and
/// a `bin/` holding `bindery`.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    common::copy_book(&book);
    std::fs::create_dir_all(book.join("source")).unwrap();
    std::fs::copy(
        common::seed_page(),
        book.join("source/000_95ceec8a69a73256.txt"),
    )
    .unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_bindery"), bin.join("bindery")).unwrap();
    dir
}

/// The command a README line means: `cargo run --release --` is the
/// `bindery` a build makes; comments are dropped.
fn command_of(line: &str) -> Option<String> {
    let line = match line.find("  #") {
        Some(i) => &line[..i],
        None => line,
    }
    .trim();
    if line.is_empty() || line.starts_with('#') || NOT_RUN.iter().any(|p| line.starts_with(p)) {
        return None;
    }
    Some(line.replace("cargo run --release --", "bindery"))
}

fn run(dir: &Path, cmd: &str) -> (Option<i32>, String) {
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `bindery serve` runs until stopped: it works when it serves.
    let serve = cmd.starts_with("bindery serve");
    let limit = if serve {
        Duration::from_secs(5)
    } else {
        Duration::from_secs(300)
    };
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return (status.code(), text);
        }
        if start.elapsed() > limit {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let out = child.wait_with_output().unwrap();
            return (None, String::from_utf8_lossy(&out.stdout).into_owned());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn every_shell_example_runs_as_written() {
    let dir = sandbox();
    let mut ran = 0;
    for (lang, text, at) in blocks() {
        if lang != "sh" {
            continue;
        }
        // A line ending in `\` goes on in the next one.
        let joined = text.replace("\\\n", " ");
        for line in joined.lines() {
            let Some(cmd) = command_of(line) else {
                continue;
            };
            // A check example names a report file of its own.
            if cmd.contains("report.pdf") && !dir.path().join("report.pdf").exists() {
                std::fs::copy(
                    dir.path().join("out/book.pdf"),
                    dir.path().join("report.pdf"),
                )
                .unwrap();
            }
            let (code, output) = run(dir.path(), &cmd);
            ran += 1;
            let ok = if cmd.starts_with("bindery serve") {
                code.is_none() && output.contains("http://127.0.0.1:")
            } else if cmd.starts_with("bindery check") {
                // A check may find problems (exit 1); never a usage error.
                matches!(code, Some(0 | 1))
            } else {
                code == Some(0)
            };
            assert!(ok, "README line {at}: `{cmd}` gave {code:?}:\n{output}");
        }
    }
    assert!(ran >= 15, "only {ran} commands found");
}

#[test]
fn the_book_toml_reference_and_chapter_example_build() {
    let toml = blocks()
        .into_iter()
        .find(|(lang, text, _)| lang == "toml" && text.contains("chapters = ["))
        .expect("the book.toml reference")
        .1;
    let chapter = blocks()
        .into_iter()
        .find(|(lang, text, _)| lang == "markdown" && text.starts_with("+++"))
        .expect("the chapter example")
        .1;
    let dir = tempfile::tempdir().unwrap();
    let book: PathBuf = dir.path().join("ref");
    std::fs::create_dir(&book).unwrap();
    std::fs::write(book.join("book.toml"), toml).unwrap();
    for name in ["01.md", "02.md"] {
        std::fs::write(book.join(name), &chapter).unwrap();
    }
    let out = dir.path().join("out");
    let (code, stderr) = common::bindery(&[
        "build".as_ref(),
        "--book".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--check".as_ref(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("xuexi.epub").is_file() && out.join("xuexi.pdf").is_file());
}
